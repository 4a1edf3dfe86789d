"""The stats pages and CSV downloads: for creators only, counts only, accessible markup."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from fanfold.feedback.models import Comment, Kudos
from fanfold.stats.models import WorkDay
from fanfold.stats.services import hits_flush
from tests.factories import UserFactory, WorkFactory
from tests.stats.conftest import guest


def read(reader, chapters) -> None:
    for chapter in chapters:
        assert reader.get(chapter.get_absolute_url()).status_code == 200


def rows(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


@pytest.fixture
def funnel(serial):
    """Four readers start the work, two read chapter 2, one reaches the end."""
    ch1, ch2, ch3 = serial.chapters.order_by("position")
    read(guest("10.0.1.1"), [ch1, ch2, ch3])
    read(guest("10.0.1.2"), [ch1, ch2])
    read(guest("10.0.1.3"), [ch1])
    read(guest("10.0.1.4"), [ch1])
    hits_flush()  # as the worker does about once a minute
    return serial


@pytest.mark.django_db
def test_only_creators_see_a_works_stats(client, author, other, serial, draft_work):
    url = f"/works/{serial.pk}/stats/"
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    assert client.get(f"/works/{serial.pk}/stats.csv").status_code == 302
    assert client.get("/stats/").status_code == 302
    client.force_login(other)
    assert client.get(url).status_code == 403
    assert client.get(f"/works/{serial.pk}/stats.csv").status_code == 403
    assert client.get(f"/works/{draft_work.pk}/stats/").status_code == 404
    assert client.get(f"/works/{draft_work.pk}/stats.csv").status_code == 404
    assert client.get("/works/999999/stats/").status_code == 404
    client.force_login(author)
    assert client.get(url).status_code == 200
    assert client.get(f"/works/{draft_work.pk}/stats/").status_code == 200


@pytest.mark.django_db
def test_work_stats_page(client, author, funnel):
    Kudos.objects.create(work=funnel, ip_hash="x")
    client.force_login(author)
    page = client.get(f"/works/{funnel.pk}/stats/").content.decode()
    totals = dict(
        re.findall(r"<dt>(\w+)[^<]*(?:<span[^>]*>[^<]*</span>)?</dt><dd>(\d+)</dd>", page)
    )
    assert totals["Hits"] == "4" and totals["Readers"] == "4"
    # Per-chapter hits, readers, comments, words, retention.
    chapter_rows = re.findall(
        r'<th scope="row"><a href="/works/\d+/chapters/\d+/">([^<]+)</a></th>\s*'
        r"<td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>\s*<td>([^<]+)</td>",
        page,
    )
    assert [(r[0], r[1], r[2], r[5]) for r in chapter_rows] == [
        ("Chapter 1", "4", "4", "100 %"),
        ("Chapter 2: Middle", "2", "2", "50 %"),
        ("Chapter 3: End", "1", "1", "25 %"),
    ]
    # Charts with a text alternative, and tables with captions and header cells.
    for chart in ("chart-daily", "chart-weekly", "chart-retention"):
        assert re.search(
            rf'<svg class="chart" id="{chart}" role="img" aria-labelledby="{chart}-title '
            rf'{chart}-desc"',
            page,
        ), chart
        assert f'<title id="{chart}-title">' in page
    assert "4 hits in the last 30 days" in page
    assert page.count("<caption>") == 3
    today = timezone.localdate()
    assert f'<time datetime="{today:%Y-%m-%d}">' in page
    assert 'scope="col">Hits</th>' in page


@pytest.mark.django_db
def test_stats_never_name_readers(client, author, serial):
    secret = UserFactory(username="quiet_reader_x")
    member = guest("10.0.2.1")
    member.force_login(secret)
    read(member, serial.chapters.all())
    hits_flush()
    client.force_login(author)
    for url in (
        f"/works/{serial.pk}/stats/",
        f"/works/{serial.pk}/stats.csv",
        f"/works/{serial.pk}/stats.csv?table=chapters",
        "/stats/",
        "/stats.csv",
        "/stats.csv?table=fandoms",
        "/stats.csv?table=years",
    ):
        body = client.get(url).content.decode()
        assert "quiet_reader_x" not in body, url
        assert "10.0.2.1" not in body, url
    assert WorkDay.objects.get(work=serial).hits == 1


@pytest.mark.django_db
def test_work_csv(client, author, funnel):
    chapter = funnel.chapters.get(position=2)
    Comment.objects.create(
        work=funnel, chapter=chapter, body="Yes", body_html="<p>Yes</p>", guest_name="G"
    )
    Kudos.objects.create(work=funnel, ip_hash="x")
    yesterday = timezone.localdate() - timedelta(days=1)
    WorkDay.objects.create(work=funnel, day=yesterday, hits=7)
    client.force_login(author)
    daily = rows(client.get(f"/works/{funnel.pk}/stats.csv"))
    today = timezone.localdate().isoformat()
    assert daily == [
        ["date", "chapter", "title", "hits", "comments", "kudos", "bookmarks"],
        [yesterday.isoformat(), "", "Whole work", "7", "0", "0", "0"],
        [today, "", "Whole work", "4", "1", "1", "0"],
        [today, "1", "Chapter 1", "4", "0", "", ""],
        [today, "2", "Chapter 2: Middle", "2", "1", "", ""],
        [today, "3", "Chapter 3: End", "1", "0", "", ""],
    ]
    chapters = rows(client.get(f"/works/{funnel.pk}/stats.csv?table=chapters"))
    assert chapters[0] == [
        "chapter",
        "title",
        "hits",
        "readers_estimate",
        "comments",
        "words",
        "retention_pct",
    ]
    assert [r[6] for r in chapters[1:]] == ["100.0", "50.0", "25.0"]
    assert [r[2] for r in chapters[1:]] == ["4", "2", "1"]
    assert [r[4] for r in chapters[1:]] == ["0", "1", "0"]


@pytest.mark.django_db
def test_csv_cells_never_start_a_formula(client, author, commit_hooks):
    work = commit_hooks(lambda: WorkFactory(by=author, title="=HYPERLINK(1)", fandoms=["+F"]))
    client.force_login(author)
    works = rows(client.get("/stats.csv"))
    assert works[1][1] == "'=HYPERLINK(1)" and works[1][3] == "'+F"
    assert rows(client.get("/stats.csv?table=fandoms"))[1][0] == "'+F"
    assert work.pk == int(works[1][0])


@pytest.mark.django_db
def test_my_stats_by_work_fandom_and_year(client, author, other, serial, commit_hooks):
    crossover = commit_hooks(
        lambda: WorkFactory(by=author, title="Both Worlds", fandoms=["Sample Fandom", "Other"])
    )
    theirs = commit_hooks(lambda: WorkFactory(by=other, title="Not Mine"))
    read(guest("10.0.3.1"), [serial.chapters.first(), crossover.chapters.first()])
    read(guest("10.0.3.2"), [crossover.chapters.first(), theirs.chapters.first()])
    hits_flush()
    last_year = timezone.localdate().replace(month=6, day=1) - timedelta(days=365)
    WorkDay.objects.create(work=serial, day=last_year, hits=10)

    client.force_login(author)
    page = client.get("/stats/").content.decode()
    assert "The Long Road" in page and "Both Worlds" in page and "Not Mine" not in page
    fandoms = {r[0]: r for r in rows(client.get("/stats.csv?table=fandoms"))[1:]}
    # fandom, works, hits, ...
    assert fandoms["Sample Fandom"][1:3] == ["2", "3"]
    assert fandoms["Other"][1:3] == ["1", "2"]
    years = {r[0]: r for r in rows(client.get("/stats.csv?table=years"))[1:]}
    assert years[str(timezone.localdate().year)][1] == "3"
    assert years[str(last_year.year)][1] == "10"
    works = rows(client.get("/stats.csv"))
    assert works[0][:3] == ["work_id", "title", "status"]
    assert {r[1]: r[6] for r in works[1:]} == {"The Long Road": "1", "Both Worlds": "2"}
    assert page.count("<caption>") == 3


@pytest.mark.django_db
def test_stats_pages_leave_the_flush_to_the_worker(client, author, serial):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    read(guest("10.0.4.1"), [serial.chapters.order_by("position").first()])
    client.force_login(author)
    urls = (f"/works/{serial.pk}/stats/", f"/works/{serial.pk}/stats.csv", "/stats/", "/stats.csv")
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            assert client.get(url).status_code == 200, url
    assert not [q for q in queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert not WorkDay.objects.exists()  # the view is still in the buffer

    hits_flush()
    page = client.get(f"/works/{serial.pk}/stats/").content.decode()
    totals = dict(
        re.findall(r"<dt>(\w+)[^<]*(?:<span[^>]*>[^<]*</span>)?</dt><dd>(\d+)</dd>", page)
    )
    assert totals["Hits"] == "1"
