"""Comment counts everywhere follow the one rule of which comments are shown."""

import pytest

from fanfold.accounts.services import user_mute_set
from fanfold.feedback.services import comment_create
from fanfold.works.models import WorkCreator
from fanfold.works.selectors import works_by_creator, works_recent
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
