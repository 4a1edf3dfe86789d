"""Reader statistics pages and CSV downloads, for a work's creators only."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from fanfold.accounts.auth import request_user
from fanfold.stats import presenters, selectors
from fanfold.works.models import Work, work_own_or_404


def _own_work(request: HttpRequest, work_id: int) -> Work:
    return work_own_or_404(
        request.user, work_id, Work.objects.prefetch_related("creators"), why="see its statistics"
    )


def _csv_response(table: presenters.CsvTable) -> HttpResponse:
    response = HttpResponse(presenters.csv_text(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{table.filename}"'
    return response


@never_cache
@login_required
def work_stats(request: HttpRequest, work_id: int) -> HttpResponse:
    """Hits, readers, feedback and retention of one work, for its creators."""
    work = _own_work(request, work_id)
    stats = selectors.work_stats(work=work)
    return render(
        request,
        "stats/work_stats.html",
        {
            "work": work,
            "stats": stats,
            **presenters.work_stats_charts(stats=stats),
            "generated_at": timezone.localtime(),
        },
    )


@never_cache
@login_required
def work_stats_csv(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's statistics as CSV: daily rows (default) or per-chapter totals."""
    work = _own_work(request, work_id)
    if request.GET.get("table") == "chapters":
        stats = selectors.work_stats(work=work)
        return _csv_response(presenters.work_chapters_csv(work=work, stats=stats))
    rows = selectors.work_stats_daily_rows(work=work)
    return _csv_response(presenters.work_daily_csv(work=work, rows=rows))


@never_cache
@login_required
def my_stats(request: HttpRequest) -> HttpResponse:
    """Statistics of all of the current user's works, by fandom and by year."""
    stats = selectors.user_stats(user=request_user(request))
    return render(
        request,
        "stats/my_stats.html",
        {"stats": stats, "generated_at": timezone.localtime()},
    )


@never_cache
@login_required
def my_stats_csv(request: HttpRequest) -> HttpResponse:
    """The current user's statistics as CSV: per work (default), per fandom or per year."""
    stats = selectors.user_stats(user=request_user(request))
    table = presenters.user_stats_csv(stats=stats, table=request.GET.get("table"))
    return _csv_response(table)
