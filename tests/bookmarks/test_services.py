"""The bookmark services refuse what the pages and the API must never do."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import (
    BookmarkInput,
    bookmark_delete,
    bookmark_save,
    bookmark_update,
    later_set,
)
from tests.factories import UserFactory


@pytest.mark.django_db
def test_no_bookmark_or_mark_of_a_work_one_cannot_see(other, draft_work):
    with pytest.raises(PermissionDenied):
        bookmark_save(user=other, work=draft_work, data=BookmarkInput())
    with pytest.raises(PermissionDenied):
        later_set(user=other, work=draft_work, marked=True)
    assert not Bookmark.objects.exists()


@pytest.mark.django_db
def test_only_the_owner_changes_a_bookmark_and_staff_may_remove_it(other, published_work):
    owner = UserFactory()
    bookmark, created = bookmark_save(user=owner, work=published_work, data=BookmarkInput())
    assert created
    with pytest.raises(PermissionDenied):
        bookmark_update(bookmark=bookmark, by=other, data=BookmarkInput(note="mine now"))
    with pytest.raises(PermissionDenied):
        bookmark_delete(bookmark=bookmark, by=other)
    bookmark_delete(bookmark=bookmark, by=UserFactory(is_staff=True))
    published_work.refresh_from_db()
    assert not Bookmark.objects.exists() and published_work.bookmark_count == 0


@pytest.mark.django_db
def test_invalid_input_names_each_field(other, published_work):
    data = BookmarkInput(note="x" * 5001, text_format="rot13", tags=[f"t{i}" for i in range(31)])
    with pytest.raises(ValidationError) as caught:
        bookmark_save(user=other, work=published_work, data=data)
    assert set(caught.value.message_dict) == {"note", "text_format", "tags"}
    assert not Bookmark.objects.exists()
