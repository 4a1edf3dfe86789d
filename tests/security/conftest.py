"""One small archive with an object in each visibility state, each marked with a unique string.

``world`` is used by the access matrix (who may see each marker) and by the fuzz tests (whose
URL parameters come from it).
"""

from dataclasses import dataclass, field

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from fanfold.accounts.services import api_token_create, email_verification_token, user_mute_set
from fanfold.bookmarks.services import BookmarkInput, bookmark_save
from fanfold.feedback import services as feedback
from fanfold.works import services as works
from fanfold.works.models import Work
from tests.factories import UserFactory, WorkFactory, add_chapter

FANDOM = "Matrix Fandom 4b1e"

# Every object a reader might not be allowed to see carries unique strings; a page or API
# answer that contains one of them shows that object.
M = {
    "draft_title": "SECRET-DRAFT-TITLE-7f3a",
    "draft_summary": "SECRET-DRAFT-SUMMARY-91c0",
    "draft_notes": "SECRET-DRAFT-NOTES-2d8e",
    "draft_text": "SECRET-DRAFT-TEXT-5a61",
    "draft_tag": "SECRET-DRAFT-TAG-0e77",
    "draft_comment": "SECRET-DRAFT-COMMENT-c3b2",
    "draft_bookmark": "SECRET-DRAFT-BOOKMARK-NOTE-8a0f",
    "restricted_title": "SECRET-RESTRICTED-TITLE-4e19",
    "restricted_summary": "SECRET-RESTRICTED-SUMMARY-b7d4",
    "restricted_text": "SECRET-RESTRICTED-TEXT-61aa",
    "restricted_comment": "SECRET-RESTRICTED-COMMENT-0c5d",
    "draftchap_title": "SECRET-DRAFTCHAP-TITLE-e2f0",
    "draftchap_summary": "SECRET-DRAFTCHAP-SUMMARY-13bc",
    "draftchap_text": "SECRET-DRAFTCHAP-TEXT-9d47",
    "draftchap_comment": "SECRET-DRAFTCHAP-COMMENT-5f2c",
    "pending_comment": "SECRET-PENDING-COMMENT-a8e3",
    "private_bookmark": "SECRET-PRIVATE-BOOKMARK-NOTE-6c1d",
    "deleted_title": "SECRET-DELETED-TITLE-3a9b",
    "deleted_summary": "SECRET-DELETED-SUMMARY-70de",
    "deleted_text": "SECRET-DELETED-TEXT-d4c8",
    "hidden_title": "SECRET-HIDDEN-TITLE-5e0b",
    "hidden_summary": "SECRET-HIDDEN-SUMMARY-a91d",
    "hidden_notes": "SECRET-HIDDEN-NOTES-3c7e",
    "hidden_text": "SECRET-HIDDEN-TEXT-e48a",
    "hidden_tag": "SECRET-HIDDEN-TAG-07f2",
    "hidden_comment": "SECRET-HIDDEN-COMMENT-9b35",
    "muted_title": "MUTED-AUTHOR-TITLE-2b6f",
    "muted_text": "MUTED-AUTHOR-TEXT-8e03",
    "public_title": "PUBLIC-WORK-TITLE-1c2d",
    "public_text": "PUBLIC-CHAPTER-TEXT-f5a0",
    "public_comment": "PUBLIC-COMMENT-77e1",
    "public_bookmark": "PUBLIC-BOOKMARK-NOTE-4a4a",
}


def group(prefix: str) -> set[str]:
    return {v for k, v in M.items() if k.startswith(prefix)}


@dataclass
class World:
    users: dict
    works: dict
    tokens: dict
    params: dict
    # Values that replace some of ``params`` to point a route at one object in one state.
    scenarios: dict
    objects: dict = field(default_factory=dict)


def _work(by, *, key: str, publish: bool, **kw) -> Work:
    return WorkFactory(
        by=by,
        publish=publish,
        title=M.get(f"{key}_title"),
        summary=M.get(f"{key}_summary", ""),
        notes=M.get(f"{key}_notes", ""),
        fandoms=[FANDOM],
        body=f"<p>{M[f'{key}_text']}</p>",
        **kw,
    )


@pytest.fixture
def world(db) -> World:
    author = UserFactory(username="author")
    reader = UserFactory(username="reader")
    staff = UserFactory(username="staffer", is_staff=True, is_superuser=True)
    commenter = UserFactory(username="commenter")
    muted_author = UserFactory(username="mutedauthor")
    fan = UserFactory(username="fan")  # bookmarked the hidden work before staff hid it

    pub = _work(author, key="public", publish=True, moderate_comments=True)
    pub_ch1 = pub.chapters.get()
    draftchap = add_chapter(
        pub,
        by=author,
        publish=False,
        title=M["draftchap_title"],
        summary=M["draftchap_summary"],
        body=f"<p>{M['draftchap_text']}</p>",
    )
    draft = _work(author, key="draft", publish=False, freeforms=[M["draft_tag"]])
    restricted = _work(author, key="restricted", publish=True, restricted=True)
    deleted = _work(author, key="deleted", publish=True)
    deleted_id, deleted_ch = deleted.pk, deleted.chapters.get().pk
    works.work_delete(work=deleted, by=author)
    # Published, commented on and bookmarked, then hidden by staff: only its creator and
    # staff may see it from then on.
    hidden = _work(author, key="hidden", publish=True, freeforms=[M["hidden_tag"]])
    hidden_ch = hidden.chapters.get()
    hidden_comment = feedback.comment_create(
        work=hidden, chapter=hidden_ch, by=author, body=M["hidden_comment"]
    )
    hidden_bm, _ = bookmark_save(
        user=fan, work=hidden, data=BookmarkInput(note="A fan's note.", tags=["bm tag"])
    )
    works.work_takedown(work=hidden, by=staff)
    hidden.refresh_from_db()
    assert hidden.hidden
    muted = _work(muted_author, key="muted", publish=True)
    user_mute_set(user=reader, target=muted_author, muted=True)

    def comment(work, chapter, by, key):
        return feedback.comment_create(work=work, chapter=chapter, by=by, body=M[key])

    public_comment = comment(pub, pub_ch1, reader, "public_comment")
    feedback.comment_approve(comment=public_comment, by=author)
    pending_comment = comment(pub, pub_ch1, commenter, "pending_comment")
    draftchap_comment = comment(pub, draftchap, author, "draftchap_comment")
    draft_comment = comment(draft, None, author, "draft_comment")
    restricted_comment = comment(restricted, None, reader, "restricted_comment")

    public_bm, _ = bookmark_save(
        user=reader, work=pub, data=BookmarkInput(note=M["public_bookmark"], tags=["bm tag"])
    )
    private_bm, _ = bookmark_save(
        user=reader, work=restricted, data=BookmarkInput(note=M["private_bookmark"], private=True)
    )
    draft_bm, _ = bookmark_save(
        user=author, work=draft, data=BookmarkInput(note=M["draft_bookmark"])
    )
    tokens = {
        name: api_token_create(user=user, name=f"{name} token")[1]
        for name, user in (("reader", reader), ("creator", author), ("staff", staff))
    }

    params = {
        # works, chapters, comments, bookmarks: the published work's by default
        "work_id": pub.pk,
        "chapter_id": pub_ch1.pk,
        "comment_id": public_comment.pk,
        "bookmark_id": public_bm.pk,
        "username": author.username,
        "type": "fandom",
        "name": FANDOM,
        "size": 16,
        # a password-reset link for the reader with a wrong token, an email-verify link
        "uidb64": urlsafe_base64_encode(force_bytes(reader.pk)),
        "token": "bad-" + default_token_generator.make_token(reader)[4:],
        # admin: the draft work's pages, the works app
        "object_id": draft.pk,
        "content_type_id": ContentType.objects.get_for_model(Work).pk,
        "id": reader.pk,
        "app_label": "works",
        "url": "no-such-admin-page/",
    }
    scenarios = {
        "draft work": {
            "work_id": draft.pk,
            "chapter_id": draft.chapters.get().pk,
            "comment_id": draft_comment.pk,
            "bookmark_id": draft_bm.pk,
        },
        "draft chapter of a published work": {
            "chapter_id": draftchap.pk,
            "comment_id": draftchap_comment.pk,
        },
        "restricted work": {
            "work_id": restricted.pk,
            "chapter_id": restricted.chapters.get().pk,
            "comment_id": restricted_comment.pk,
            "bookmark_id": private_bm.pk,
        },
        "pending comment": {"comment_id": pending_comment.pk},
        "hidden work": {
            "work_id": hidden.pk,
            "chapter_id": hidden_ch.pk,
            "comment_id": hidden_comment.pk,
            "bookmark_id": hidden_bm.pk,
            "username": fan.username,
        },
        "deleted work": {"work_id": deleted_id, "chapter_id": deleted_ch},
        "muted creator's work": {
            "work_id": muted.pk,
            "chapter_id": muted.chapters.get().pk,
            "username": muted_author.username,
        },
        "reader's page": {"username": reader.username},
        "verify link": {"token": email_verification_token(author)},
    }
    return World(
        users={
            "reader": reader,
            "creator": author,
            "staff": staff,
            "commenter": commenter,
            "muted_author": muted_author,
            "fan": fan,
        },
        works={
            "published": pub,
            "draft": draft,
            "restricted": restricted,
            "muted": muted,
            "hidden": hidden,
        },
        tokens=tokens,
        params=params,
        scenarios=scenarios,
        objects={
            "draftchap": draftchap,
            "pending_comment": pending_comment,
            "public_comment": public_comment,
            "restricted_comment": restricted_comment,
            "private_bm": private_bm,
            "public_bm": public_bm,
            "pub_ch1": pub_ch1,
            "hidden_comment": hidden_comment,
            "hidden_bm": hidden_bm,
        },
    )
