"""Comment counts everywhere follow the one rule of which comments are shown."""

import pytest

from fanfold.accounts.services import user_mute_set
from fanfold.feedback.services import comment_create
from fanfold.listings.selectors import works_by_creator, works_recent
from fanfold.works.models import WorkCreator
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.django_db


def test_a_creator_who_mutes_a_co_creator_never_sees_a_negative_count(author):
    co = UserFactory(username="cocreator")
    work = WorkFactory(by=author)
    WorkCreator.objects.create(work=work, user=co, position=1)
    draft = add_chapter(work, by=author, publish=False)
    # The co-creator comments on the draft chapter: only creators see it, it isn't counted.
    comment_create(work=work, chapter=draft, by=co, body="Note to self on the draft")
    work.refresh_from_db()
    assert work.comment_count == 0
    user_mute_set(user=author, target=co, muted=True)
    for listing in (works_recent(viewer=author), works_by_creator(viewer=author, creator=author)):
        assert [w.shown_comment_count for w in listing] == [0]


def test_muted_readers_comments_leave_the_count_once(author, other):
    work = WorkFactory(by=author)
    comment_create(work=work, chapter=None, by=other, body="Shown to all")
    comment_create(work=work, chapter=work.chapters.get(), by=other, body="On chapter 1")
    viewer = UserFactory(username="viewer")
    assert [w.shown_comment_count for w in works_recent(viewer=viewer)] == [2]
    user_mute_set(user=viewer, target=other, muted=True)
    viewer = type(viewer).objects.get(pk=viewer.pk)  # a new request: mutes are read afresh
    assert [w.shown_comment_count for w in works_recent(viewer=viewer)] == [0]


def test_the_api_counts_comments_by_the_same_rule(client, author, other):
    from fanfold.accounts.services import api_token_create

    work = WorkFactory(by=author)
    comment_create(work=work, chapter=None, by=other, body="Shown to all")
    viewer = UserFactory(username="apiviewer")
    user_mute_set(user=viewer, target=other, muted=True)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(user=viewer, name='t')[1]}"}
    assert client.get(f"/api/v1/works/{work.pk}", **auth).json()["comments"] == 0
    assert client.get("/api/v1/works", **auth).json()["items"][0]["comments"] == 0
    assert client.get(f"/api/v1/works/{work.pk}").json()["comments"] == 1


def _shown(work) -> int:
    from fanfold.feedback.models import Comment
    from fanfold.feedback.selectors import SHOWN_COMMENTS

    return Comment.objects.filter(SHOWN_COMMENTS, work=work).count()


def test_kept_counts_follow_the_rule_through_every_change(author, other):
    """The stored count (per chapter and whole work, added up by works) always equals the
    number of comments the one rule shows, whatever happens to comments and chapters."""
    from fanfold.feedback.services import comment_approve, comment_delete, comment_hold
    from fanfold.works.services import chapter_delete, chapter_publish, work_update

    staff = UserFactory(username="staffer", is_staff=True, is_superuser=True)
    work = WorkFactory(by=author)
    first = work.chapters.get()
    draft = add_chapter(work, by=author, publish=False)

    def check(expected: int) -> None:
        work.refresh_from_db()
        assert work.comment_count == _shown(work) == expected

    comment_create(work=work, chapter=None, by=other, body="On the whole work")
    check(1)
    on_first = comment_create(work=work, chapter=first, by=other, body="On chapter 1")
    check(2)
    comment_create(work=work, chapter=draft, by=author, body="A note on the draft")
    check(2)  # a draft chapter's comments wait for it
    chapter_publish(chapter=draft, by=author)
    check(3)
    comment_hold(comment=on_first, by=staff)
    check(2)
    comment_approve(comment=on_first, by=author)
    check(3)
    # Editing the work or a chapter never writes back a count it loaded earlier.
    stale = type(work).objects.get(pk=work.pk)
    comment_create(work=work, chapter=first, by=other, body="Arrives during the edit")
    work_update(work=stale, by=author, data=None, publish=False)
    check(4)
    comment_delete(comment=on_first, by=other)
    check(3)
    chapter_delete(chapter=draft, by=author)
    check(2)
    first.refresh_from_db()
    assert first.comment_count == 1


def test_a_chapter_edit_keeps_the_chapter_count(author, other):
    from fanfold.works.selectors import chapter_input_of
    from fanfold.works.services import chapter_update

    work = WorkFactory(by=author)
    chapter = work.chapters.get()
    loaded_before = type(chapter).objects.get(pk=chapter.pk)
    comment_create(work=work, chapter=chapter, by=other, body="Posted while the editor was open")
    chapter_update(chapter=loaded_before, by=author, data=chapter_input_of(loaded_before))
    chapter.refresh_from_db()
    work.refresh_from_db()
    assert chapter.comment_count == 1 and work.comment_count == 1 == _shown(work)
