"""Kudos, blocking and muting, reports and rate limits."""

import pytest

from fanfold.accounts.services import user_block_set, user_mute_set
from fanfold.feedback.models import Comment, Kudos, Report
from fanfold.feedback.services import comment_create
from fanfold.works.models import Work
from tests.factories import UserFactory, WorkFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_kudos_once_per_user_named_on_the_work(client, published_work, other):
    client.force_login(other)
    url = f"/works/{published_work.pk}/kudos/"
    response = client.post(url, {"next": published_work.get_absolute_url()})
    assert response.status_code == 302 and response["Location"].endswith("#kudos")
    again = client.post(url, follow=True).content.decode()
    assert "already left kudos" in again
    assert Kudos.objects.count() == 1
    assert Work.objects.get(pk=published_work.pk).kudos_count == 1
    client.logout()
    page = client.get(published_work.get_absolute_url()).content.decode()
    assert f'<a href="/users/{other.username}/">{other.username}</a>' in page
    assert "left kudos on this work" in page


def test_guest_kudos_once_per_address_and_counted(client, published_work):
    url = f"/works/{published_work.pk}/kudos/"
    client.post(url, REMOTE_ADDR="203.0.113.5")
    again = client.post(url, REMOTE_ADDR="203.0.113.5", follow=True).content.decode()
    assert "You have already left kudos here." in again
    client.post(url, REMOTE_ADDR="203.0.113.6")
    assert Kudos.objects.filter(user=None).count() == 2
    page = client.get(published_work.get_absolute_url()).content.decode()
    assert "2 guests left kudos on this work" in page


def test_guest_kudos_is_one_click_from_a_cached_page(commit_hooks, published_work):
    """The guest's page is cached for every guest, so its button carries no token; the post
    is accepted because it comes from this site's own page."""
    from django.test import Client

    guest = Client(enforce_csrf_checks=True)
    url = published_work.get_absolute_url()
    assert guest.get(url)["X-Fanfold-Cache"] == "miss"
    page = guest.get(url)
    assert page["X-Fanfold-Cache"] == "hit"
    html = page.content.decode()
    assert f'<form method="post" action="/works/{published_work.pk}/kudos/"' in html
    assert "csrfmiddlewaretoken" not in html
    same_site = {"HTTP_ORIGIN": "http://testserver", "REMOTE_ADDR": "203.0.113.7"}
    response = commit_hooks(
        lambda: guest.post(f"/works/{published_work.pk}/kudos/", {"next": url}, **same_site)
    )
    assert response.status_code == 302 and response["Location"] == f"{url}#kudos"
    assert Kudos.objects.filter(work=published_work, user=None).count() == 1
    shown = guest.get(response["Location"]).content.decode()
    assert "You left kudos on this work. Thank you!" in shown
    assert "1 guest left kudos on this work" in shown
    again = guest.post(
        f"/works/{published_work.pk}/kudos/", {"next": url}, follow=True, **same_site
    )
    # Said beside the kudos button (where the page lands), not silently dropped.
    kudos_part = again.content.decode().split('id="kudos"')[1].split('id="comments"')[0]
    assert "You have already left kudos here." in kudos_part
    assert Kudos.objects.count() == 1
    # Kudos make no page again: another guest still gets the cached page (its count lags by
    # at most FANFOLD_PAGE_CACHE_SECONDS), a plain form that works for them too.
    other = Client(enforce_csrf_checks=True).get(url)
    assert other["X-Fanfold-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in other.content.decode()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_REFERER": "https://evil.example/works/1/"},
        {"HTTP_ORIGIN": "https://evil.example", "HTTP_REFERER": "http://testserver/works/1/"},
    ],
    ids=["no-origin", "cross-site-origin", "null-origin", "cross-site-referer", "forged-mix"],
)
def test_forged_cross_site_guest_kudos_is_refused(published_work, headers):
    from django.test import Client

    guest = Client(enforce_csrf_checks=True)
    response = guest.post(
        f"/works/{published_work.pk}/kudos/", REMOTE_ADDR="203.0.113.8", **headers
    )
    assert response.status_code == 403
    assert not Kudos.objects.exists()


def test_guest_kudos_from_a_same_site_referer_without_origin_counts(published_work):
    from django.test import Client

    guest = Client(enforce_csrf_checks=True)
    response = guest.post(
        f"/works/{published_work.pk}/kudos/",
        HTTP_REFERER=f"http://testserver{published_work.get_absolute_url()}",
    )
    assert response.status_code == 302 and Kudos.objects.count() == 1


def test_logged_in_kudos_still_needs_the_token(published_work, other):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other)
    url = f"/works/{published_work.pk}/kudos/"
    response = strict.post(url, HTTP_ORIGIN="http://testserver")
    assert response.status_code in (302, 403) and not Kudos.objects.exists()
    page = strict.get(published_work.get_absolute_url()).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    response = strict.post(url, {"csrfmiddlewaretoken": token}, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302 and Kudos.objects.filter(user=other).count() == 1
    thanked = strict.get(published_work.get_absolute_url()).content.decode()
    assert "You left kudos on this work. Thank you!" in thanked
    assert "You have already left kudos here." not in thanked
    again = strict.get(published_work.get_absolute_url()).content.decode()
    assert "You have already left kudos here." in again


def test_no_kudos_on_ones_own_work(client, published_work, author):
    client.force_login(author)
    page = client.post(f"/works/{published_work.pk}/kudos/", follow=True).content.decode()
    assert "can’t leave kudos on your own work" in page
    assert not Kudos.objects.exists()


def test_kudos_on_a_hidden_work_is_404(client, draft_work, other):
    client.force_login(other)
    assert client.post(f"/works/{draft_work.pk}/kudos/").status_code == 404
    assert client.post("/works/999999/kudos/").status_code == 404


def test_blocked_user_cannot_comment_reply_or_kudos(client, published_work, author, other):
    top = comment_create(work=published_work, chapter=None, by=UserFactory(), body="Hi")
    client.force_login(author)
    client.post(f"/users/{other.username}/relation/", {"action": "block"})
    client.force_login(other)
    response = client.post(
        f"/works/{published_work.pk}/comment/", {"body": "Let me in", "text_format": "markdown"}
    )
    assert response.status_code == 403 and "blocked you" in response.content.decode()
    assert "Let me in" in response.content.decode()
    reply = client.post(
        f"/works/{published_work.pk}/comment/",
        {"body": "Reply", "parent": top.pk, "text_format": "markdown"},
    )
    assert reply.status_code == 403
    page = client.post(f"/works/{published_work.pk}/kudos/", follow=True).content.decode()
    assert "blocked you" in page
    assert Comment.objects.count() == 1 and not Kudos.objects.exists()
    # Other creators' works are unaffected.
    elsewhere = WorkFactory(by=UserFactory())
    client.post(f"/works/{elsewhere.pk}/kudos/")
    assert Kudos.objects.filter(work=elsewhere).count() == 1


def test_muted_users_works_and_comments_disappear_for_the_muter(client, author, other):
    reader = UserFactory()
    muted_work = WorkFactory(by=author, title="Muted Tale", fandoms=["Shared Fandom"])
    seen_work = WorkFactory(by=other, title="Seen Tale", fandoms=["Shared Fandom"])
    comment_create(work=seen_work, chapter=None, by=author, body="Comment by the muted one")
    comment_create(work=seen_work, chapter=None, by=other, body="Comment by the creator")
    user_mute_set(user=reader, target=author, muted=True)
    client.force_login(reader)
    home = client.get("/").content.decode()
    assert "Muted Tale" not in home and "Seen Tale" in home
    tag = client.get("/tags/fandom/Shared Fandom/").content.decode()
    assert "Muted Tale" not in tag
    assert client.get(muted_work.get_absolute_url()).status_code == 404
    full = client.get(f"/works/{seen_work.pk}/full/").content.decode()
    assert "Comment by the muted one" not in full and "Comment by the creator" in full
    assert "on the whole work (1)" in full
    # The blurb's comment count leaves the muted user's comment out too.
    blurb = home[home.index(f'id="work-{seen_work.pk}"') :]
    assert "<dt>Comments</dt><dd>1</dd>" in blurb
    # Others still see everything.
    client.logout()
    assert "Muted Tale" in client.get("/").content.decode()
    user_mute_set(user=reader, target=author, muted=False)
    client.force_login(reader)
    assert "Muted Tale" in client.get("/").content.decode()


def test_blocking_yourself_is_refused(client, author):
    client.force_login(author)
    page = client.post(
        f"/users/{author.username}/relation/", {"action": "block"}, follow=True
    ).content.decode()
    assert "can’t block or mute yourself" in page


def test_people_page_lists_and_undoes(client, author, other):
    user_block_set(user=author, target=other, blocked=True)
    client.force_login(author)
    page = client.get("/preferences/people/").content.decode()
    assert other.username in page and "Blocked" in page
    client.post(f"/users/{other.username}/relation/", {"action": "unblock"})
    assert "haven't blocked or muted anyone" in client.get("/preferences/people/").content.decode()


def test_report_a_work_and_a_comment(client, published_work, other):
    comment = comment_create(work=published_work, chapter=None, by=other, body="Rude words")
    form = client.get(f"/report/?comment={comment.pk}").content.decode()
    assert "Rude words" in form
    client.post("/report/", {"comment": comment.pk, "reason": "harassment", "details": "Mean."})
    client.force_login(other)
    client.post("/report/", {"work": published_work.pk, "reason": "rating", "details": ""})
    reports = list(Report.objects.order_by("pk"))
    assert [(r.reason, r.comment_id, r.work_id) for r in reports] == [
        ("harassment", comment.pk, None),
        ("rating", None, published_work.pk),
    ]
    bad = client.post("/report/", {"work": published_work.pk, "reason": "", "details": "Kept"})
    assert bad.status_code == 400 and "Kept" in bad.content.decode()
    assert client.get("/report/").status_code == 404


def test_reports_are_worked_through_in_the_admin(client, published_work):
    Report.objects.create(work=published_work, reason="spam", details="Spammy")
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)
    listing = client.get("/admin/feedback/report/").content.decode()
    assert "Spam" in listing
    report = Report.objects.get()
    client.post(
        "/admin/feedback/report/",
        {"action": "mark_resolved", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.state == "resolved"


def test_comment_rate_limit_says_when_to_retry(client, published_work, other, settings):
    settings.FANFOLD_COMMENT_RATE = (2, 300)
    client.force_login(other)
    url = f"/works/{published_work.pk}/comment/"
    for i in range(2):
        assert client.post(url, {"body": f"c{i}", "text_format": "markdown"}).status_code == 302
    response = client.post(url, {"body": "one too many", "text_format": "markdown"})
    assert response.status_code == 429
    html = response.content.decode()
    assert int(response["Retry-After"]) > 0 and "minute" in html
    assert "one too many" in html  # what was typed is still in the form
    assert Comment.objects.count() == 2


def test_kudos_rate_limit_per_address(client, settings, author):
    settings.FANFOLD_KUDOS_RATE = (2, 300)
    works = [WorkFactory(by=author) for _ in range(3)]
    codes = [client.post(f"/works/{w.pk}/kudos/").status_code for w in works]
    assert codes == [302, 302, 429]


def test_forged_csrf_is_refused_and_keeps_nothing(published_work, other):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(other)
    response = strict.post(
        f"/works/{published_work.pk}/comment/", {"body": "forged", "text_format": "markdown"}
    )
    assert response.status_code in (302, 403)
    assert not Comment.objects.exists()


@pytest.mark.django_db
def test_one_click_guest_kudos_checks_the_scheme_and_trusted_origins(published_work, settings):
    from django.test import Client

    url = f"/works/{published_work.pk}/kudos/"
    guest = Client(enforce_csrf_checks=True)
    # Over HTTPS, a page served over plain HTTP (which anyone on the way could forge) is not
    # this site.
    plain = guest.post(url, HTTP_ORIGIN="http://testserver", secure=True, REMOTE_ADDR="203.0.113.5")
    assert plain.status_code == 403 and not Kudos.objects.exists()
    # Behind a proxy that rewrites the host, the site's public origin is trusted.
    settings.CSRF_TRUSTED_ORIGINS = ["https://fics.example.org"]
    proxied = guest.post(
        url, HTTP_ORIGIN="https://fics.example.org", secure=True, REMOTE_ADDR="203.0.113.6"
    )
    assert proxied.status_code == 302 and Kudos.objects.count() == 1
