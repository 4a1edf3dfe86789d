"""Reads for reader statistics. Counts only: no reader is ever named here."""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Count, Sum
from django.db.models.functions import ExtractYear, TruncDate
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.bookmarks.models import Bookmark
from fanfold.feedback.models import Comment, Kudos
from fanfold.feedback.selectors import SHOWN_COMMENTS
from fanfold.stats.models import ChapterDay, ChapterReaders, WorkDay, WorkReaders
from fanfold.tags.models import Tag, TagType
from fanfold.works.models import Chapter, Status, Work

DAILY_DAYS = 30
WEEKLY_WEEKS = 26


@dataclass
class Totals:
    hits: int = 0
    readers: int = 0
    kudos: int = 0
    comments: int = 0
    bookmarks: int = 0
    words: int = 0


@dataclass
class ChapterStats:
    chapter: Chapter
    hits: int
    readers: int
    comments: int
    words: int
    # Readers of this chapter as a share of the first chapter's, in percent.
    retention: float | None


@dataclass
class Point:
    start: date
    hits: int = 0
    kudos: int = 0
    comments: int = 0
    bookmarks: int = 0


@dataclass
class WorkStats:
    work: Work
    totals: Totals
    chapters: list[ChapterStats]
    daily: list[Point]
    weekly: list[Point]
    today: date


@dataclass
class WorkRow:
    work: Work
    totals: Totals
    fandoms: list[str]


@dataclass
class GroupRow:
    label: str
    works: int = 0
    totals: Totals = field(default_factory=Totals)


@dataclass
class YearRow:
    year: int
    hits: int = 0
    kudos: int = 0
    comments: int = 0
    bookmarks: int = 0


@dataclass
class UserStats:
    works: list[WorkRow]
    totals: Totals
    fandoms: list[GroupRow]
    years: list[YearRow]


def _public_bookmarks(**filters: Any) -> models.QuerySet[Bookmark]:
    """Bookmarks readers chose to show (private ones are only counted in the totals)."""
    return Bookmark.objects.filter(private=False, **filters)


def _published_comments(**filters: Any) -> models.QuerySet[Comment]:
    return Comment.objects.filter(SHOWN_COMMENTS, **filters)


def _per_day(qs: models.QuerySet, since: date | None = None) -> dict[date, int]:
    if since is not None:
        qs = qs.filter(
            created_at__gte=timezone.make_aware(datetime.combine(since, datetime.min.time()))
        )
    rows = (
        qs.annotate(day=TruncDate("created_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return dict(rows)


def work_totals(work: Work, readers: int) -> Totals:
    return Totals(
        hits=work.hit_count,
        readers=readers,
        kudos=work.kudos_count,
        comments=work.comment_count,
        bookmarks=work.bookmark_count,
        words=work.word_count,
    )


def work_stats(*, work: Work, today: date | None = None) -> WorkStats:
    """Totals, per-chapter figures with retention, and daily and weekly series of a work."""
    today = today or timezone.localdate()
    readers = WorkReaders.objects.filter(work=work).values_list("readers", flat=True).first()
    chapters = list(
        Chapter.objects.filter(work=work, status=Status.PUBLISHED)
        .only("id", "work_id", "position", "title", "word_count", "status")
        .order_by("position", "pk")
    )
    per_chapter = {
        c: (h, r)
        for c, h, r in ChapterReaders.objects.filter(work=work).values_list(
            "chapter_id", "hits", "readers"
        )
    }
    comments = dict(
        _published_comments(work=work, chapter__isnull=False)
        .values("chapter")
        .annotate(n=Count("pk"))
        .values_list("chapter", "n")
    )
    first = per_chapter.get(chapters[0].pk, (0, 0))[1] if chapters else 0
    rows = []
    for c in chapters:
        chapter_hits, chapter_readers = per_chapter.get(c.pk, (0, 0))
        rows.append(
            ChapterStats(
                chapter=c,
                hits=chapter_hits,
                readers=chapter_readers,
                comments=comments.get(c.pk, 0),
                words=c.word_count,
                retention=round(100 * chapter_readers / first, 1) if first else None,
            )
        )

    weekly_start = today - timedelta(days=today.weekday()) - timedelta(weeks=WEEKLY_WEEKS - 1)
    daily_start = today - timedelta(days=DAILY_DAYS - 1)
    since = min(weekly_start, daily_start)
    day_hits = dict(
        WorkDay.objects.filter(work=work, day__gte=since, day__lte=today).values_list("day", "hits")
    )
    kudos = _per_day(Kudos.objects.filter(work=work), since)
    posted = _per_day(_published_comments(work=work), since)
    bookmarks = _per_day(_public_bookmarks(work=work), since)

    def point(start: date, days: int) -> Point:
        p = Point(start=start)
        for i in range(days):
            d = start + timedelta(days=i)
            p.hits += day_hits.get(d, 0)
            p.kudos += kudos.get(d, 0)
            p.comments += posted.get(d, 0)
            p.bookmarks += bookmarks.get(d, 0)
        return p

    daily = [point(daily_start + timedelta(days=i), 1) for i in range(DAILY_DAYS)]
    weekly = [point(weekly_start + timedelta(weeks=i), 7) for i in range(WEEKLY_WEEKS)]
    return WorkStats(
        work=work,
        totals=work_totals(work, readers or 0),
        chapters=rows,
        daily=daily,
        weekly=weekly,
        today=today,
    )


def work_stats_daily_rows(*, work: Work) -> Iterator[list[Any]]:
    """Every day with activity: one row for the whole work, then one per chapter read or
    commented on that day (date, chapter position, chapter title, hits, comments, kudos,
    bookmarks; kudos and bookmarks belong to the whole work)."""
    chapters = {
        c.pk: c
        for c in Chapter.objects.filter(work=work).only("id", "work_id", "position", "title")
    }
    work_hits = dict(WorkDay.objects.filter(work=work).values_list("day", "hits"))
    chapter_hits: dict[date, dict[int, int]] = defaultdict(dict)
    for chapter_id, day, n in ChapterDay.objects.filter(work=work).values_list(
        "chapter_id", "day", "hits"
    ):
        chapter_hits[day][chapter_id] = n
    chapter_comments: dict[date, dict[int, int]] = defaultdict(dict)
    work_comments: dict[date, int] = defaultdict(int)
    for chapter_id, day, n in (
        _published_comments(work=work)
        .annotate(day=TruncDate("created_at"))
        .values("chapter", "day")
        .annotate(n=Count("pk"))
        .values_list("chapter", "day", "n")
    ):
        work_comments[day] += n
        if chapter_id:
            chapter_comments[day][chapter_id] = n
    kudos = _per_day(Kudos.objects.filter(work=work))
    bookmarks = _per_day(_public_bookmarks(work=work))
    days = sorted(
        set(work_hits) | set(chapter_hits) | set(work_comments) | set(kudos) | set(bookmarks)
    )
    for day in days:
        yield [
            day.isoformat(),
            "",
            "Whole work",
            work_hits.get(day, 0),
            work_comments.get(day, 0),
            kudos.get(day, 0),
            bookmarks.get(day, 0),
        ]
        ids = set(chapter_hits.get(day, {})) | set(chapter_comments.get(day, {}))
        for chapter_id in sorted(
            (i for i in ids if i in chapters), key=lambda i: chapters[i].position
        ):
            c = chapters[chapter_id]
            yield [
                day.isoformat(),
                c.position,
                c.display_title,
                chapter_hits.get(day, {}).get(chapter_id, 0),
                chapter_comments.get(day, {}).get(chapter_id, 0),
                "",
                "",
            ]


def user_works(*, user: User) -> models.QuerySet[Work]:
    return (
        Work.objects.filter(creators=user)
        .prefetch_related(
            models.Prefetch(
                "tags",
                queryset=Tag.objects.filter(type=TagType.FANDOM).only("id", "name", "type"),
                to_attr="fandom_tags",
            )
        )
        .order_by("-updated_at", "-pk")
    )


def user_stats(*, user: User) -> UserStats:
    """Totals of every work a user created, and by fandom and by year."""
    works = list(user_works(user=user))
    ids = [w.pk for w in works]
    readers = dict(WorkReaders.objects.filter(work_id__in=ids).values_list("work_id", "readers"))
    rows = [
        WorkRow(
            work=w,
            totals=work_totals(w, readers.get(w.pk, 0)),
            fandoms=[t.name for t in w.fandom_tags],  # type: ignore[attr-defined]
        )
        for w in works
    ]
    totals = Totals()
    fandoms: dict[str, GroupRow] = {}
    for row in rows:
        for name in ("hits", "readers", "kudos", "comments", "bookmarks", "words"):
            setattr(totals, name, getattr(totals, name) + getattr(row.totals, name))
        for fandom in row.fandoms:
            group = fandoms.setdefault(fandom.casefold(), GroupRow(label=fandom))
            group.works += 1
            for name in ("hits", "kudos", "comments", "bookmarks", "words"):
                setattr(group.totals, name, getattr(group.totals, name) + getattr(row.totals, name))

    years: dict[int, YearRow] = {}

    def year(y: int) -> YearRow:
        return years.setdefault(y, YearRow(year=y))

    for y, n in (
        WorkDay.objects.filter(work_id__in=ids)
        .annotate(year=ExtractYear("day"))
        .values("year")
        .annotate(n=Sum("hits"))
        .values_list("year", "n")
    ):
        year(y).hits = n or 0
    per_year: list[tuple[str, models.QuerySet]] = [
        ("kudos", Kudos.objects.filter(work_id__in=ids)),
        ("comments", _published_comments(work_id__in=ids)),
        ("bookmarks", _public_bookmarks(work_id__in=ids)),
    ]
    for name, qs in per_year:
        for y, n in (
            qs.annotate(year=ExtractYear("created_at"))
            .values("year")
            .annotate(n=Count("pk"))
            .values_list("year", "n")
        ):
            setattr(year(y), name, n)
    return UserStats(
        works=rows,
        totals=totals,
        fandoms=sorted(fandoms.values(), key=lambda g: (-g.totals.hits, g.label.casefold())),
        years=sorted(years.values(), key=lambda r: -r.year),
    )
