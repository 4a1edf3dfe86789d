"""The parts of a chapter page that every reader shares, made once per version of the work.

A chapter page is the work's header, the chapter with its navigation, and what is each
reader's own: the counts, the kudos and bookmark buttons, the comments. The shared parts are
HTML rendered for any reader who is not one of the work's creators and kept in the cache
under the work's and the site's versions (``cached_for_versions``): an edit, a chapter posted
or deleted, a comment or a takedown makes them again at once, while kudos, hits and bookmarks
never do (the counts go in per request, from the work's row). A work's creators see their
drafts and their own actions: their parts are made for them each time and never kept.

Who may read the work is not decided here but on its row, each time
(``reading.selectors.work_row_or_404``, with the creators these parts name); the chapters
shown are the rule's (``Chapter.objects.shown_in``).
"""

from dataclasses import dataclass, replace

from django.db.models import Prefetch
from django.http import Http404, HttpRequest
from django.template.loader import render_to_string

from fanfold.accounts.models import User
from fanfold.core.pagecache import PAGE_MAX_BYTES, cached_for_versions
from fanfold.imports.selectors import with_import_byline
from fanfold.tags.models import Tag
from fanfold.works import selectors as work_selectors
from fanfold.works.models import Chapter, Work, is_among_creators

# Where the counts go in the rendered header; forms never let a NUL character through.
STATS_MARK = "\x00stats\x00"
# A chapter as navigation needs it: pk, position, title, status, kept comment count.
ChapterRow = tuple[int, int, str, str, int]


@dataclass(frozen=True)
class WorkParts:
    creator_ids: frozenset[int]
    chapters: tuple[ChapterRow, ...]
    head: tuple[str, str]  # the header's HTML before and after the counts
    end_notes_html: str
    draft_totals: work_selectors.DraftTotals | None  # what posting a draft will count
    # The versions these were made for (cached_for_versions): a chapter's part made from
    # them is kept with them, so the two always agree. None for a creator's (never kept).
    versions: dict[str, object] | None = None


@dataclass(frozen=True)
class ReadingParts:
    is_creator: bool
    draft_totals: work_selectors.DraftTotals | None
    head: tuple[str, str]
    chapter_html: str
    chapter: Chapter
    chapter_count: int


def _full_work(work_id: int) -> Work:
    """The work with what its header shows; 404 when there is no such work. Who may read it
    is checked on its row (``work_row_or_404``), not here."""
    work = (
        with_import_byline(Work.objects.filter(pk=work_id))
        .prefetch_related(
            Prefetch("creators", queryset=User.objects.only("id", "username", "display_name")),
            Prefetch("tags", queryset=Tag.objects.only("id", "type", "name")),
        )
        .first()
    )
    if work is None:
        raise Http404("No such work, or you may not see it.")
    return work


def _make_work_parts(work_id: int, creator: HttpRequest | None) -> WorkParts:
    """The parts for the creator making ``creator`` (a request), else for every other reader."""
    work = _full_work(work_id)
    is_creator = creator is not None
    chapters = Chapter.objects.shown_in(work, creator.user if creator is not None else None)
    draft_totals = work_selectors.draft_totals(work) if work.is_draft and is_creator else None
    head = render_to_string(
        "reading/work_meta.html",
        {
            "work": work,
            "tag_groups": work_selectors.tags_by_type(work),
            "is_creator": is_creator,
            "draft_totals": draft_totals,
            "stats_mark": STATS_MARK,
        },
        creator,
    )
    before, _, after = head.partition(STATS_MARK)
    return WorkParts(
        creator_ids=frozenset(work.creator_ids),
        chapters=tuple(
            chapters.order_by("position", "pk").values_list(
                "pk", "position", "title", "status", "comment_count"
            )
        ),
        head=(before, after),
        end_notes_html=work.end_notes_html,
        draft_totals=draft_totals,
    )


def _chapter(work_id: int, row: ChapterRow) -> Chapter:
    pk, position, title, status, comment_count = row
    return Chapter(
        id=pk,
        work_id=work_id,
        position=position,
        title=title,
        status=status,
        comment_count=comment_count,
    )


def _make_chapter_html(
    work: Work, parts: WorkParts, index: int, creator: HttpRequest | None
) -> str:
    """A chapter with its navigation, for the creator making ``creator`` or any other reader."""
    chapters = [_chapter(work.pk, row) for row in parts.chapters]
    chapter = Chapter.objects.only(
        "work_id", "position", "title", "status", "summary_html", "notes_html", "body_html",
        "end_notes_html",
    ).filter(work=work, pk=parts.chapters[index][0]).first()  # fmt: skip
    if chapter is None:  # deleted since the parts were read
        raise Http404("No such chapter, or you may not see it.")
    return render_to_string(
        "reading/chapter_part.html",
        {
            "work": work,
            "chapter": chapter,
            "chapters": chapters,
            "prev_chapter": chapters[index - 1] if index > 0 else None,
            "next_chapter": chapters[index + 1] if index + 1 < len(chapters) else None,
            "end_notes_html": parts.end_notes_html,
            "is_creator": creator is not None,
        },
        creator,
    )


def shared_parts(work_id: int) -> WorkParts:
    """The work's parts as any reader who is not its creator sees them (kept by version), made
    whoever asks: the reader's row decides then whether they are shown; 404 when there is no
    such work."""
    parts, versions = cached_for_versions(
        f"parts:work:{work_id}", work_id=work_id, make=lambda: _make_work_parts(work_id, None)
    )
    return replace(parts, versions=versions)


def reading_parts(
    *, request: HttpRequest, work: Work, shared: WorkParts, chapter_id: int | None
) -> ReadingParts:
    """The parts of a chapter page (the first shown chapter when ``chapter_id`` is None) for
    this reader of a work they may see; 404 for a chapter they may not."""
    parts = shared
    is_creator = is_among_creators(request.user, parts.creator_ids)
    if is_creator:
        parts = _make_work_parts(work.pk, request)
    ids = [row[0] for row in parts.chapters]
    if chapter_id is None and ids:
        chapter_id = ids[0]
    if chapter_id not in ids:
        raise Http404("No such chapter, or you may not see it.")
    index = ids.index(chapter_id)
    if is_creator:
        chapter_html = _make_chapter_html(work, parts, index, request)
    else:
        chapter_html, _ = cached_for_versions(
            f"parts:chapter:{work.pk}:{chapter_id}",
            work_id=work.pk,
            make=lambda: _make_chapter_html(work, parts, index, None),
            made_from=parts.versions,
            keep=lambda html: len(html) <= PAGE_MAX_BYTES,
        )
    return ReadingParts(
        is_creator=is_creator,
        draft_totals=parts.draft_totals,
        head=parts.head,
        chapter_html=chapter_html,
        chapter=_chapter(work.pk, parts.chapters[index]),
        chapter_count=len(ids),
    )
