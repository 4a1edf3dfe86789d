"""Reader statistics pages and CSV downloads, for a work's creators only."""

import csv
import logging
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fanfold.stats import charts, selectors
from fanfold.stats.services import hits_flush
from fanfold.works.models import Work, work_own_or_404

logger = logging.getLogger(__name__)


def _fresh_hits() -> None:
    # Authors see the hits of the last minute too; a flush already running is not waited for.
    try:
        hits_flush(wait=False, prune=False)
    except Exception:
        logger.exception("could not flush hits before showing stats")


def _own_work(request: HttpRequest, work_id: int) -> Work:
    return work_own_or_404(
        request.user, work_id, Work.objects.prefetch_related("creators"), why="see its statistics"
    )


def _csv_cell(value: Any) -> Any:
    # Titles and tags are typed by people: never let a spreadsheet run one as a formula.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv_response(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return response


def _day_label(d) -> str:
    return d.strftime("%d %b")


@never_cache
@login_required
def work_stats(request: HttpRequest, work_id: int) -> HttpResponse:
    """Hits, readers, feedback and retention of one work, for its creators."""
    work = _own_work(request, work_id)
    _fresh_hits()
    work.refresh_from_db(
        fields=["hit_count", "kudos_count", "comment_count", "bookmark_count", "word_count"]
    )
    stats = selectors.work_stats(work=work)
    daily_total = sum(p.hits for p in stats.daily)
    busiest = max(stats.daily, key=lambda p: p.hits)
    daily_chart = charts.bar_chart(
        "chart-daily",
        title=f"Hits per day, last {len(stats.daily)} days",
        summary=(
            f"{daily_total:,} hits in the last {len(stats.daily)} days"
            + (
                f"; the busiest day was {busiest.start:%d %B} with {busiest.hits:,}."
                if busiest.hits
                else "."
            )
        ),
        points=[(_day_label(p.start), p.hits) for p in stats.daily],
    )
    weekly_total = sum(p.hits for p in stats.weekly)
    weekly_chart = charts.line_chart(
        "chart-weekly",
        title=f"Hits per week, last {len(stats.weekly)} weeks",
        summary=(
            f"{weekly_total:,} hits in the last {len(stats.weekly)} weeks; this week so far"
            f" {stats.weekly[-1].hits:,}, the week before {stats.weekly[-2].hits:,}."
        ),
        points=[(_day_label(p.start), p.hits) for p in stats.weekly],
    )
    funnel = [
        (f"Ch. {c.chapter.position}", c.retention)
        for c in stats.chapters
        if c.retention is not None
    ]
    funnel_chart = None
    if len(funnel) > 1:
        last = stats.chapters[-1]
        funnel_chart = charts.funnel_chart(
            "chart-retention",
            title="Readers of each chapter as a share of chapter 1's",
            summary=(
                f"{last.retention:g} % of the readers of the first chapter read chapter"
                f" {last.chapter.position}, the last one."
            ),
            points=funnel,  # type: ignore[arg-type]
        )
    return render(
        request,
        "stats/work_stats.html",
        {
            "work": work,
            "stats": stats,
            "daily_chart": daily_chart,
            "weekly_chart": weekly_chart,
            "funnel_chart": funnel_chart,
            "generated_at": timezone.localtime(),
        },
    )


@never_cache
@login_required
def work_stats_csv(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's statistics as CSV: daily rows (default) or per-chapter totals."""
    work = _own_work(request, work_id)
    _fresh_hits()
    if request.GET.get("table") == "chapters":
        work.refresh_from_db(fields=["hit_count"])
        stats = selectors.work_stats(work=work)
        return _csv_response(
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
    return _csv_response(
        f"work-{work.pk}-daily.csv",
        ["date", "chapter", "title", "hits", "comments", "kudos", "bookmarks"],
        selectors.work_stats_daily_rows(work=work),
    )


@never_cache
@login_required
def my_stats(request: HttpRequest) -> HttpResponse:
    """Statistics of all of the current user's works, by fandom and by year."""
    _fresh_hits()
    stats = selectors.user_stats(user=request.user)  # type: ignore[arg-type]
    return render(
        request,
        "stats/my_stats.html",
        {"stats": stats, "generated_at": timezone.localtime()},
    )


@never_cache
@login_required
def my_stats_csv(request: HttpRequest) -> HttpResponse:
    """The current user's statistics as CSV: per work (default), per fandom or per year."""
    _fresh_hits()
    stats = selectors.user_stats(user=request.user)  # type: ignore[arg-type]
    table = request.GET.get("table")
    if table == "fandoms":
        return _csv_response(
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
    if table == "years":
        return _csv_response(
            "stats-years.csv",
            ["year", "hits", "kudos", "comments", "bookmarks"],
            ([y.year, y.hits, y.kudos, y.comments, y.bookmarks] for y in stats.years),
        )
    return _csv_response(
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
