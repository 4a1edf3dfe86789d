"""The Django admin changes what readers see only through the services, so the work's counts
and the anonymous page cache follow every moderation (issue 7, item 5)."""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.forms import MultiWidget
from django.test import Client

from fanfold.bookmarks.models import Bookmark
from fanfold.bookmarks.services import BookmarkInput, bookmark_save
from fanfold.feedback.models import Comment, Kudos, Report
from fanfold.feedback.services import comment_create, kudos_leave
from fanfold.works.models import Chapter, Work
from fanfold.works.services import work_publish
from tests.factories import UserFactory, WorkFactory, add_chapter

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(db):
    client = Client()
    client.force_login(UserFactory(username="boss", is_staff=True, is_superuser=True))
    return client


@pytest.fixture
def admin_post(staff_client, django_capture_on_commit_callbacks):
    """POST to the admin as a superuser, running the on-commit hooks as a real request would."""

    def post(url, data):
        with django_capture_on_commit_callbacks(execute=True):
            response = staff_client.post(url, data)
        assert response.status_code in (200, 302), response.status_code
        return response

    return post


def cached(client, url) -> str:
    """Fetch a page twice as an anonymous reader, the second time from the page cache."""
    assert client.get(url).status_code == 200
    page = client.get(url)
    assert page["X-Fanfold-Cache"] == "hit"
    return page.content.decode()


def delete_selected(app_model, objs):
    return f"/admin/{app_model}/", {
        "action": "delete_selected",
        "_selected_action": [o.pk for o in objs],
        "post": "yes",
    }


def action(app_model, name, objs):
    return f"/admin/{app_model}/", {"action": name, "_selected_action": [o.pk for o in objs]}


def form_data(response) -> dict:
    """The admin change form's current values, as the browser would post them back."""
    form = response.context["adminform"].form
    data: dict = {}
    for name, bf in form.fields.items():
        value = form[name].value()
        if isinstance(bf.widget, MultiWidget):
            for i, part in enumerate(bf.widget.decompress(value) or []):
                if part is not None:
                    data[f"{name}_{i}"] = str(part)
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)) and name in ("groups", "user_permissions"):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif isinstance(value, (list, dict)):
            data[name] = json.dumps(value)
        elif value is not None:
            data[name] = value
    return data


@pytest.fixture
def reviewed(author, other, commit_hooks):
    work = commit_hooks(lambda: WorkFactory(by=author))
    chapter = work.chapters.get()
    comment = commit_hooks(
        lambda: comment_create(work=work, chapter=chapter, by=other, body="Spammy spam link")
    )
    return work, chapter, comment


def test_admin_comment_delete_reaches_cached_pages_and_the_count(client, reviewed, admin_post):
    work, chapter, comment = reviewed
    assert "Spammy spam link" in cached(client, chapter.get_absolute_url())
    assert Work.objects.get(pk=work.pk).comment_count == 1

    admin_post(f"/admin/feedback/comment/{comment.pk}/delete/", {"post": "yes"})

    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert "Spammy spam link" not in client.get(chapter.get_absolute_url()).content.decode()
    assert Work.objects.get(pk=work.pk).comment_count == 0


def test_admin_bulk_comment_delete_goes_through_the_service(
    client, reviewed, other, admin_post, commit_hooks
):
    work, chapter, comment = reviewed
    reply = commit_hooks(
        lambda: comment_create(
            work=work, chapter=chapter, by=other, body="Another spam", parent=comment
        )
    )
    keep = commit_hooks(
        lambda: comment_create(work=work, chapter=chapter, by=other, body="Honest review")
    )
    assert "Another spam" in cached(client, chapter.get_absolute_url())
    assert Work.objects.get(pk=work.pk).comment_count == 3

    admin_post(*delete_selected("feedback/comment", [comment, reply]))

    page = client.get(chapter.get_absolute_url()).content.decode()
    assert "Spammy spam link" not in page and "Another spam" not in page
    assert "Honest review" in page
    assert list(Comment.objects.values_list("pk", flat=True)) == [keep.pk]
    assert Work.objects.get(pk=work.pk).comment_count == 1


def test_admin_approves_and_holds_comments_through_the_services(
    client, author, other, admin_post, commit_hooks
):
    work = commit_hooks(lambda: WorkFactory(by=author, moderate_comments=True))
    chapter = work.chapters.get()
    comment = commit_hooks(
        lambda: comment_create(work=work, chapter=chapter, by=other, body="Waiting review")
    )
    assert comment.status == "pending"
    assert "Waiting review" not in cached(client, chapter.get_absolute_url())

    admin_post(*action("feedback/comment", "approve_comments", [comment]))
    assert Comment.objects.get(pk=comment.pk).status == "published"
    assert "Waiting review" in cached(client, chapter.get_absolute_url())
    assert Work.objects.get(pk=work.pk).comment_count == 1

    admin_post(*action("feedback/comment", "hold_comments", [comment]))
    assert Comment.objects.get(pk=comment.pk).status == "pending"
    assert "Waiting review" not in client.get(chapter.get_absolute_url()).content.decode()
    assert Work.objects.get(pk=work.pk).comment_count == 0


def test_comment_change_form_cannot_change_what_readers_see(reviewed, staff_client):
    _, _, comment = reviewed
    response = staff_client.get(f"/admin/feedback/comment/{comment.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not {"body", "body_html", "status", "deleted", "work", "chapter"} & set(form.fields)
    assert staff_client.get("/admin/feedback/comment/add/").status_code == 403


def test_report_action_deletes_the_reported_comment(client, reviewed, admin_post):
    work, chapter, comment = reviewed
    report = Report.objects.create(comment=comment, reason="spam")
    assert "Spammy spam link" in cached(client, chapter.get_absolute_url())

    admin_post(*action("feedback/report", "delete_reported_comments", [report]))

    report.refresh_from_db()
    assert report.state == Report.State.RESOLVED
    assert not Comment.objects.filter(pk=comment.pk).exists()
    assert "Spammy spam link" not in client.get(chapter.get_absolute_url()).content.decode()
    assert Work.objects.get(pk=work.pk).comment_count == 0


def test_report_action_takes_the_reported_work_down(client, published_work, admin_post):
    report = Report.objects.create(work=published_work, reason="plagiarism")
    assert published_work.title in cached(client, "/")

    admin_post(*action("feedback/report", "take_down_reported_works", [report]))

    report.refresh_from_db()
    assert report.state == Report.State.RESOLVED
    assert published_work.title not in client.get("/").content.decode()
    assert client.get(published_work.get_absolute_url()).status_code == 404


def test_admin_kudos_delete_fixes_the_count(client, author, other, admin_post, commit_hooks):
    work = commit_hooks(lambda: WorkFactory(by=author))
    kudos = commit_hooks(lambda: kudos_leave(work=work, by=other))
    commit_hooks(lambda: kudos_leave(work=work, by=None, ip="203.0.113.9"))
    assert "<dt>Kudos</dt><dd>2</dd>" in cached(client, work.get_absolute_url())

    admin_post(f"/admin/feedback/kudos/{kudos.pk}/delete/", {"post": "yes"})

    assert Work.objects.get(pk=work.pk).kudos_count == 1
    # Kudos make no page again; the page shows the fixed count once it is made again.
    cache.clear()
    assert "<dt>Kudos</dt><dd>1</dd>" in client.get(work.get_absolute_url()).content.decode()
    assert Kudos.objects.count() == 1


def test_admin_bookmark_delete_fixes_the_public_count(
    client, author, other, admin_post, commit_hooks
):
    work = commit_hooks(lambda: WorkFactory(by=author))
    bookmark, _ = commit_hooks(
        lambda: bookmark_save(user=other, work=work, data=BookmarkInput(note="Spam bookmark"))
    )
    assert "<dt>Bookmarks</dt><dd><a" in cached(client, work.get_absolute_url())
    assert Work.objects.get(pk=work.pk).bookmark_count == 1

    admin_post(*delete_selected("bookmarks/bookmark", [bookmark]))

    assert not Bookmark.objects.exists()
    assert Work.objects.get(pk=work.pk).bookmark_count == 0
    assert "<dt>Bookmarks</dt><dd>0</dd>" in client.get(work.get_absolute_url()).content.decode()


def test_admin_chapter_delete_goes_through_the_service(
    client, author, other, admin_post, commit_hooks
):
    work = commit_hooks(lambda: WorkFactory(by=author, body="<p>one two three</p>"))
    second = commit_hooks(lambda: add_chapter(work, by=author, body="<p>Spam chapter text</p>"))
    third = commit_hooks(lambda: add_chapter(work, by=author, body="<p>Third</p>"))
    commit_hooks(lambda: comment_create(work=work, chapter=second, by=other, body="On spam"))
    assert Work.objects.get(pk=work.pk).comment_count == 1
    assert "Spam chapter text" in cached(client, second.get_absolute_url())
    assert "<dt>Comments</dt><dd>1</dd>" in cached(client, work.get_absolute_url())

    admin_post(f"/admin/works/chapter/{second.pk}/delete/", {"post": "yes"})

    work.refresh_from_db()
    assert not Chapter.objects.filter(pk=second.pk).exists()
    assert work.comment_count == 0 and work.posted_chapter_count == 2 and work.word_count == 4
    assert Chapter.objects.get(pk=third.pk).position == 2
    assert client.get(second.get_absolute_url()).status_code == 404
    assert "<dt>Comments</dt><dd>0</dd>" in client.get(work.get_absolute_url()).content.decode()


def test_admin_refuses_to_delete_a_works_last_chapter(published_work, staff_client):
    chapter = published_work.chapters.get()
    response = staff_client.post(
        f"/admin/works/chapter/{chapter.pk}/delete/", {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert "delete the work instead" in response.content.decode()
    assert Chapter.objects.filter(pk=chapter.pk).exists()

    response = staff_client.post(*delete_selected("works/chapter", [chapter]), follow=True)
    assert "delete the work instead" in response.content.decode()
    assert Chapter.objects.filter(pk=chapter.pk).exists()


def test_admin_work_takedown_and_restore_reach_guests(client, published_work, admin_post):
    url = published_work.get_absolute_url()
    assert published_work.title in cached(client, "/")
    assert cached(client, url)

    admin_post(*action("works/work", "take_down", [published_work]))

    assert Work.objects.get(pk=published_work.pk).hidden
    assert published_work.title not in client.get("/").content.decode()
    assert client.get(url).status_code == 404
    # Its creator still sees it, told why, and can't post it again on their own.
    creator = published_work.creators.get()
    client.force_login(creator)
    assert "staff hid this work" in client.get(url).content.decode()
    with pytest.raises(ValidationError):
        Work.objects.filter(pk=published_work.pk).update(status="draft")
        work_publish(work=Work.objects.get(pk=published_work.pk), by=creator)
    Work.objects.filter(pk=published_work.pk).update(status="published")
    client.logout()

    admin_post(*action("works/work", "restore", [published_work]))
    assert not Work.objects.get(pk=published_work.pk).hidden
    assert published_work.title in client.get("/").content.decode()


def test_work_change_form_cannot_change_what_readers_see(published_work, staff_client):
    response = staff_client.get(f"/admin/works/work/{published_work.pk}/change/")
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert not {"status", "title", "summary_html", "comment_count", "tags"} & set(form.fields)
    # Chapters are removed one by one through the chapter admin, never by the inline's box.
    assert all(not fs.formset.can_delete for fs in response.context["inline_admin_formsets"])


def test_admin_work_delete_reaches_guests(client, published_work, other, admin_post):
    bookmark_save(user=other, work=published_work, data=BookmarkInput())
    assert published_work.title in cached(client, "/")

    admin_post(*delete_selected("works/work", [published_work]))

    assert not Work.objects.exists() and not Bookmark.objects.exists()
    assert published_work.title not in client.get("/").content.decode()


def test_admin_user_deactivation_reaches_guests(
    client, author, published_work, staff_client, django_capture_on_commit_callbacks
):
    url = f"/users/{author.username}/"
    assert published_work.title in cached(client, url)

    change = f"/admin/accounts/user/{author.pk}/change/"
    data = form_data(staff_client.get(change))
    assert data.pop("is_active") == "on"
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(change, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    author.refresh_from_db()
    assert not author.is_active
    assert client.get(url).status_code == 404


def test_admin_user_actions_deactivate_and_reactivate(client, author, published_work, admin_post):
    url = f"/users/{author.username}/"
    assert cached(client, url)

    admin_post(*action("accounts/user", "deactivate_users", [author]))
    assert client.get(url).status_code == 404

    admin_post(*action("accounts/user", "reactivate_users", [author]))
    assert client.get(url).status_code == 200


def test_admin_user_delete_fixes_counts_on_others_works(client, author, admin_post, commit_hooks):
    work = commit_hooks(lambda: WorkFactory(by=author))
    spammer = UserFactory(username="spammer")
    commit_hooks(lambda: kudos_leave(work=work, by=spammer))
    commit_hooks(lambda: bookmark_save(user=spammer, work=work, data=BookmarkInput()))
    assert "<dt>Kudos</dt><dd>1</dd>" in cached(client, work.get_absolute_url())

    admin_post(f"/admin/accounts/user/{spammer.pk}/delete/", {"post": "yes"})

    work.refresh_from_db()
    assert work.kudos_count == 0 and work.bookmark_count == 0
    page = client.get(work.get_absolute_url()).content.decode()
    assert "<dt>Kudos</dt><dd>0</dd>" in page and "<dt>Bookmarks</dt><dd>0</dd>" in page


def test_admin_tag_rename_and_delete_reach_guests(client, published_work, admin_post):
    from fanfold.tags.models import Tag

    tag = Tag.objects.get(name="Test Fandom")
    url = published_work.get_absolute_url()
    assert "Test Fandom" in cached(client, url)

    admin_post(
        f"/admin/tags/tag/{tag.pk}/change/",
        {"name": "Renamed Fandom", "type": "fandom", "merger": ""},
    )
    assert Tag.objects.get(pk=tag.pk).name == "Renamed Fandom"
    assert "Renamed Fandom" in cached(client, url)

    admin_post(*delete_selected("tags/tag", [tag]))
    assert "Renamed Fandom" not in client.get(url).content.decode()


def test_moderation_services_need_staff_with_the_permission(reviewed, commit_hooks):
    from django.core.exceptions import PermissionDenied

    from fanfold.feedback.services import comment_delete

    _, _, comment = reviewed
    bystander = UserFactory(username="bystander")
    plain_staff = UserFactory(username="helper", is_staff=True)
    for who in (bystander, plain_staff):
        with pytest.raises(PermissionDenied):
            comment_delete(comment=comment, by=who)
    moderator = UserFactory(username="mod", is_staff=True)
    moderator.user_permissions.add(Permission.objects.get(codename="delete_comment"))
    moderator = type(moderator).objects.get(pk=moderator.pk)  # fresh permission cache
    commit_hooks(lambda: comment_delete(comment=comment, by=moderator))
    assert not Comment.objects.filter(pk=comment.pk).exists()


def test_admin_pages_still_render(reviewed, staff_client, other):
    work, chapter, comment = reviewed
    kudos_leave(work=work, by=UserFactory(username="fan"))
    bookmark_save(user=other, work=work, data=BookmarkInput())
    report = Report.objects.create(comment=comment, reason="spam")
    from fanfold.tags.models import Tag

    pages = {
        "feedback/comment": comment,
        "feedback/kudos": Kudos.objects.get(),
        "feedback/report": report,
        "works/work": work,
        "works/chapter": chapter,
        "bookmarks/bookmark": Bookmark.objects.get(),
        "accounts/user": other,
        "tags/tag": Tag.objects.first(),
    }
    for path, obj in pages.items():
        for url in (f"/admin/{path}/", f"/admin/{path}/{obj.pk}/change/"):
            assert staff_client.get(url).status_code == 200, url
        assert staff_client.get(f"/admin/{path}/{obj.pk}/delete/").status_code == 200, path
