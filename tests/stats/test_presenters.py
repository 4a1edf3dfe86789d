"""The stats presenters: charts and CSV tables built from selector results, without a database."""

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone

from fanfold.stats import charts, presenters
from fanfold.stats.selectors import (
    ChapterStats,
    GroupRow,
    Point,
    Totals,
    UserStats,
    WorkRow,
    WorkStats,
    YearRow,
)
from fanfold.works.models import Chapter, Work

SVG = "{http://www.w3.org/2000/svg}"
ZERO = charts.HEIGHT - charts.BOTTOM
TODAY = date(2026, 3, 30)


def chapter_stats(position: int, title: str, hits: int, retention: float | None) -> ChapterStats:
    return ChapterStats(
        chapter=Chapter(position=position, title=title),
        hits=hits,
        readers=hits,
        comments=position - 1,
        words=1000 * position,
        retention=retention,
    )


def work_stats(
    daily: list[int] | None = None, chapters: list[ChapterStats] | None = None
) -> WorkStats:
    daily = daily if daily is not None else [0] * 30
    return WorkStats(
        work=Work(pk=7, title="A Work"),
        totals=Totals(),
        chapters=chapters or [],
        daily=[
            Point(start=TODAY - timedelta(days=len(daily) - 1 - i), hits=h)
            for i, h in enumerate(daily)
        ],
        weekly=[Point(start=TODAY - timedelta(weeks=25 - i)) for i in range(26)],
        today=TODAY,
    )


def parse(table: presenters.CsvTable) -> list[list[str]]:
    return list(csv.reader(io.StringIO(presenters.csv_text(table))))


def test_an_all_zero_30_day_series_still_draws_its_line():
    drawn = presenters.work_stats_charts(stats=work_stats())
    root = ET.fromstring(str(drawn["daily_chart"]))
    assert root.get("id") == "chart-daily"
    lines = [e for e in root.iter(f"{SVG}line") if e.get("class") == "line"]
    assert [(e.get("y1"), e.get("y2")) for e in lines] == [(str(ZERO), str(ZERO))]
    assert len([e for e in root.iter(f"{SVG}rect") if e.get("class") == "bar"]) == 30
    assert root.findtext(f"{SVG}desc") == "0 hits in the last 30 days."
    weekly = ET.fromstring(str(drawn["weekly_chart"]))
    (polyline,) = weekly.iter(f"{SVG}polyline")
    assert {p.split(",")[1] for p in polyline.get("points", "").split()} == {f"{ZERO:.1f}"}


def test_the_daily_summary_names_the_busiest_day():
    daily = [0] * 30
    daily[-3], daily[-1] = 1200, 5
    root = ET.fromstring(str(presenters.work_stats_charts(stats=work_stats(daily))["daily_chart"]))
    busiest = TODAY - timedelta(days=2)
    assert root.findtext(f"{SVG}desc") == (
        f"1,205 hits in the last 30 days; the busiest day was {busiest:%d %B} with 1,200."
    )


def test_the_retention_chart_needs_two_chapters():
    one = work_stats(chapters=[chapter_stats(1, "", 4, 100.0)])
    assert presenters.work_stats_charts(stats=one)["funnel_chart"] is None
    two = work_stats(chapters=[chapter_stats(1, "", 4, 100.0), chapter_stats(2, "B", 1, 25.0)])
    root = ET.fromstring(str(presenters.work_stats_charts(stats=two)["funnel_chart"]))
    assert root.get("id") == "chart-retention"
    assert root.findtext(f"{SVG}desc") == (
        "25 % of the readers of the first chapter read chapter 2, the last one."
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_cells_starting_a_formula_are_neutralised(start):
    assert presenters.csv_cell(f"{start}SUM(A1)") == f"'{start}SUM(A1)"


@pytest.mark.parametrize("value", ["Plain", "a=b", "", 12, -3, 2.5, None])
def test_other_csv_cells_are_left_alone(value):
    assert presenters.csv_cell(value) == value


def test_csv_text_neutralises_rows_but_not_the_header():
    table = presenters.CsvTable("x.csv", ["-h"], [["=1+1"], ["ok"], [-1]])
    assert presenters.csv_text(table) == "-h\r\n'=1+1\r\nok\r\n-1\r\n"


def test_the_per_chapter_table():
    stats = work_stats(
        chapters=[
            chapter_stats(1, "", 4, 100.0),
            chapter_stats(2, "=Middle", 2, 50.0),
            chapter_stats(3, "End", 0, None),
        ]
    )
    table = presenters.work_chapters_csv(work=stats.work, stats=stats)
    assert table.filename == "work-7-chapters.csv"
    assert parse(table) == [
        ["chapter", "title", "hits", "readers_estimate", "comments", "words", "retention_pct"],
        ["1", "Chapter 1", "4", "4", "0", "1000", "100.0"],
        ["2", "Chapter 2: =Middle", "2", "2", "1", "2000", "50.0"],
        ["3", "Chapter 3: End", "0", "0", "2", "3000", ""],
    ]


def test_the_daily_table_passes_the_selector_rows_through():
    rows = [["2026-03-30", "", "Whole work", 4, 1, 1, 0], ["2026-03-30", 1, "@ch", 4, 0, "", ""]]
    table = presenters.work_daily_csv(work=Work(pk=7), rows=rows)
    assert table.filename == "work-7-daily.csv"
    assert parse(table)[1:] == [
        ["2026-03-30", "", "Whole work", "4", "1", "1", "0"],
        ["2026-03-30", "1", "'@ch", "4", "0", "", ""],
    ]


def test_the_users_tables():
    published = timezone.make_aware(datetime(2025, 5, 4, 12))
    work = Work(pk=3, title="+Title", status="published", posted_chapter_count=2)
    work.published_at = published
    stats = UserStats(
        works=[WorkRow(work=work, totals=Totals(hits=9, words=50), fandoms=["A", "-B"])],
        totals=Totals(),
        fandoms=[GroupRow(label="-B", works=1, totals=Totals(hits=9))],
        years=[YearRow(year=2025, hits=9, kudos=1)],
    )
    works = presenters.user_stats_csv(stats=stats, table=None)
    assert works.filename == "stats-works.csv"
    assert parse(works)[1] == [
        "3", "'+Title", "published", "A; -B", "2", "50", "9", "0", "0", "0", "0", "2025-05-04"
    ]  # fmt: skip
    assert presenters.user_stats_csv(stats=stats, table="bogus").filename == "stats-works.csv"
    fandoms = presenters.user_stats_csv(stats=stats, table="fandoms")
    assert (fandoms.filename, parse(fandoms)[1]) == (
        "stats-fandoms.csv",
        ["'-B", "1", "9", "0", "0", "0", "0"],
    )
    years = presenters.user_stats_csv(stats=stats, table="years")
    assert (years.filename, parse(years)) == (
        "stats-years.csv",
        [["year", "hits", "kudos", "comments", "bookmarks"], ["2025", "9", "1", "0", "0"]],
    )
