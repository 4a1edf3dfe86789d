"""What the stats pages and CSV downloads show, built from what the selectors read.

The charts' titles, summaries and points are decided here and drawn by ``charts`` (the SVG
geometry lives there alone); the CSV tables' file names, headers and rows are built here, and
every cell is neutralised so that a spreadsheet never runs a title or a tag as a formula.
Nothing here knows about requests or makes a query of its own (a table of daily rows may be
a selector's generator, read as the CSV is written).
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.safestring import SafeString

from fanfold.stats import charts
from fanfold.stats.selectors import UserStats, WorkStats
from fanfold.works.models import Work

# A typed-in value starting with one of these would run as a formula in a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# Charts -------------------------------------------------------------------------------------


def _day_label(d: date) -> str:
    return d.strftime("%d %b")


def _daily_chart(stats: WorkStats) -> SafeString:
    total = sum(p.hits for p in stats.daily)
    busiest = max(stats.daily, key=lambda p: p.hits)
    return charts.bar_chart(
        "chart-daily",
        title=f"Hits per day, last {len(stats.daily)} days",
        summary=(
            f"{total:,} hits in the last {len(stats.daily)} days"
            + (
                f"; the busiest day was {busiest.start:%d %B} with {busiest.hits:,}."
                if busiest.hits
                else "."
            )
        ),
        points=[(_day_label(p.start), p.hits) for p in stats.daily],
    )


def _weekly_chart(stats: WorkStats) -> SafeString:
    total = sum(p.hits for p in stats.weekly)
    return charts.line_chart(
        "chart-weekly",
        title=f"Hits per week, last {len(stats.weekly)} weeks",
        summary=(
            f"{total:,} hits in the last {len(stats.weekly)} weeks; this week so far"
            f" {stats.weekly[-1].hits:,}, the week before {stats.weekly[-2].hits:,}."
        ),
        points=[(_day_label(p.start), p.hits) for p in stats.weekly],
    )


def _retention_chart(stats: WorkStats) -> SafeString | None:
    """The retention funnel, or None when there are not two chapters to compare."""
    points: list[tuple[str, float]] = [
        (f"Ch. {c.chapter.position}", c.retention)
        for c in stats.chapters
        if c.retention is not None
    ]
    if len(points) <= 1:
        return None
    last = stats.chapters[-1]
    return charts.funnel_chart(
        "chart-retention",
        title="Readers of each chapter as a share of chapter 1's",
        summary=(
            f"{last.retention:g} % of the readers of the first chapter read chapter"
            f" {last.chapter.position}, the last one."
        ),
        points=points,
    )


def work_stats_charts(*, stats: WorkStats) -> dict[str, SafeString | None]:
    """The charts of a work's stats page, by the names its template draws them under."""
    return {
        "daily_chart": _daily_chart(stats),
        "weekly_chart": _weekly_chart(stats),
        "funnel_chart": _retention_chart(stats),
    }


# CSV ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    filename: str
    header: list[str]
    rows: Iterable[list[Any]]


def csv_cell(value: Any) -> Any:
    """``value``, with a quote put before typed-in text a spreadsheet would run as a formula."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS:
        return "'" + value
    return value


def csv_text(table: CsvTable) -> str:
    """The table as CSV text: the header, then each row with its cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def work_daily_csv(*, work: Work, rows: Iterable[list[Any]]) -> CsvTable:
    """A work's day-by-day rows (from ``selectors.work_stats_daily_rows``)."""
    return CsvTable(
        f"work-{work.pk}-daily.csv",
        ["date", "chapter", "title", "hits", "comments", "kudos", "bookmarks"],
        rows,
    )


def work_chapters_csv(*, work: Work, stats: WorkStats) -> CsvTable:
    """A work's per-chapter totals: the chapters table of its stats page."""
    return CsvTable(
        f"work-{work.pk}-chapters.csv",
        ["chapter", "title", "hits", "readers_estimate", "comments", "words", "retention_pct"],
        (
            [
                c.chapter.position,
                c.chapter.display_title,
                c.hits,
                c.readers,
                c.comments,
                c.words,
                "" if c.retention is None else c.retention,
            ]
            for c in stats.chapters
        ),
    )


def _user_fandoms_csv(stats: UserStats) -> CsvTable:
    return CsvTable(
        "stats-fandoms.csv",
        ["fandom", "works", "hits", "kudos", "comments", "bookmarks", "words"],
        (
            [
                g.label,
                g.works,
                g.totals.hits,
                g.totals.kudos,
                g.totals.comments,
                g.totals.bookmarks,
                g.totals.words,
            ]
            for g in stats.fandoms
        ),
    )


def _user_years_csv(stats: UserStats) -> CsvTable:
    return CsvTable(
        "stats-years.csv",
        ["year", "hits", "kudos", "comments", "bookmarks"],
        ([y.year, y.hits, y.kudos, y.comments, y.bookmarks] for y in stats.years),
    )


def _user_works_csv(stats: UserStats) -> CsvTable:
    return CsvTable(
        "stats-works.csv",
        [
            "work_id",
            "title",
            "status",
            "fandoms",
            "chapters",
            "words",
            "hits",
            "readers_estimate",
            "kudos",
            "comments",
            "bookmarks",
            "published",
        ],
        (
            [
                r.work.pk,
                r.work.title,
                r.work.status,
                "; ".join(r.fandoms),
                r.work.posted_chapter_count,
                r.totals.words,
                r.totals.hits,
                r.totals.readers,
                r.totals.kudos,
                r.totals.comments,
                r.totals.bookmarks,
                timezone.localdate(r.work.published_at).isoformat() if r.work.published_at else "",
            ]
            for r in stats.works
        ),
    )


_USER_TABLES: dict[str, Callable[[UserStats], CsvTable]] = {
    "fandoms": _user_fandoms_csv,
    "years": _user_years_csv,
}


def user_stats_csv(*, stats: UserStats, table: str | None) -> CsvTable:
    """One table of a user's stats: ``fandoms``, ``years``, or per work (anything else)."""
    return _USER_TABLES.get(table or "", _user_works_csv)(stats)
