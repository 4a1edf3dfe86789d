"""The pages readers read: the newest works, tag pages, a creator's page, drafts, and a work
with its chapters. Each brings together works, feedback, bookmarks and hits."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from fanfold.accounts import selectors as account_selectors
from fanfold.accounts.auth import request_user
from fanfold.accounts.models import User
from fanfold.bookmarks.selectors import tag_in_bookmarks_seen_by
from fanfold.core.rescue import login_required_keeping_post
from fanfold.core.views import cacheable, paginate
from fanfold.feedback import selectors as feedback_selectors
from fanfold.listings import selectors as listings
from fanfold.reading.parts import reading_parts, shared_parts
from fanfold.reading.selectors import work_for_reading_or_404, work_row_or_404
from fanfold.stats.hits import mark_hit
from fanfold.tags.selectors import tag_by_name_or_404
from fanfold.works import selectors as work_selectors
from fanfold.works.models import Chapter, Work


def home(request: HttpRequest) -> HttpResponse:
    """The newest works as blurbs."""
    page = paginate(request, listings.works_recent(viewer=request.user))
    return cacheable(request, render(request, "reading/home.html", {"page": page}))


def tag_detail(request: HttpRequest, type: str, name: str) -> HttpResponse:
    """Every work a reader may see that carries this tag.

    A tag that no work or bookmark this reader may see carries answers like an unknown one,
    so a tag used only on drafts or private bookmarks can't be found out.
    """
    tag = tag_by_name_or_404(type, name)
    works = listings.works_for_tag(viewer=request.user, tag=tag)
    if not works.exists() and not tag_in_bookmarks_seen_by(viewer=request.user, tag=tag):
        raise Http404("No such tag.")
    page = paginate(request, works)
    return cacheable(
        request, render(request, "reading/tag_detail.html", {"tag": tag, "page": page})
    )


# Reading


def _adult_ok(request: HttpRequest) -> bool:
    user = request.user
    if user.is_authenticated and (user.view_adult or request.session.get("adult_ok")):
        return True
    return request.COOKIES.get("ff_adult") == "1"


def _adult_notice(
    request: HttpRequest, work: Work, is_creator: bool, context: dict
) -> HttpResponse | None:
    """The notice before an adult work, unless this reader accepted it (or made the work)."""
    if (
        not work.is_adult
        or request.GET.get("view_adult") == "1"
        or is_creator
        or _adult_ok(request)
    ):
        return None
    return cacheable(
        request, render(request, "reading/adult_notice.html", {"work": work, **context})
    )


def _feedback(
    request: HttpRequest, work: Work, is_creator: bool, chapter: Chapter | None, chapters: list
) -> dict:
    """The reader's own parts below the text: comments, kudos and whether they may comment
    (of one chapter, or of the whole work and each of ``chapters``)."""
    return {
        # Reviews of this chapter, or of the whole work on the entire-work page.
        "tree": feedback_selectors.comment_tree(
            viewer=request.user, work=work, is_creator=is_creator, chapter=chapter
        ),
        # On the entire-work page, the reviews of each chapter follow, those with any.
        "chapter_trees": []
        if chapter is not None
        else [
            (c, t)
            for c, t in feedback_selectors.comment_trees_by_chapter(
                viewer=request.user, work=work, is_creator=is_creator, chapters=chapters
            )
            if t.comments
        ],
        "comments_open": feedback_selectors.comments_open(viewer=request.user, work=work),
        "kudos": feedback_selectors.kudos_summary(viewer=request.user, work=work),
        "left_kudos": feedback_selectors.has_left_kudos(user=request.user, work=work),
    }


def _read(
    request: HttpRequest, work: Work, template: str, context: dict, *, is_creator: bool
) -> HttpResponse:
    if notice := _adult_notice(request, work, is_creator, context):
        return notice
    if "draft_totals" not in context:
        # A draft counts no words or chapters until posted: show what posting it will show.
        context["draft_totals"] = work_selectors.draft_totals(work) if work.is_draft else None
    context.update(work=work, is_creator=is_creator)
    chapter = context.get("chapter")
    context.update(_feedback(request, work, is_creator, chapter, context.get("chapters", [])))
    response = render(request, template, context)
    # Counts the hit and, for a logged-in reader, goes into their history: both are buffered
    # by the hit middleware and written by the background flush, never by this request.
    mark_hit(response, work_id=work.pk, chapter_id=chapter.pk if chapter else None)
    if request.GET.get("view_adult") == "1":
        # Accepted for this browser session; a preference makes it permanent.
        response.set_cookie("ff_adult", "1", httponly=True, samesite="Lax")
        if request.user.is_authenticated:
            request.session["adult_ok"] = True
        return response
    return cacheable(request, response)


def _chapter_page(request: HttpRequest, work_id: int, chapter_id: int | None) -> HttpResponse:
    """A chapter: the work's row for this reader, the parts every reader shares, and theirs."""
    shared = shared_parts(work_id)
    work = work_row_or_404(viewer=request.user, work_id=work_id, creator_ids=shared.creator_ids)
    parts = reading_parts(request=request, work=work, shared=shared, chapter_id=chapter_id)
    context = {
        "head": parts.head,
        "chapter_html": parts.chapter_html,
        "chapter": parts.chapter,
        "chapter_count": parts.chapter_count,
        "draft_totals": parts.draft_totals,
    }
    return _read(request, work, "reading/work_read.html", context, is_creator=parts.is_creator)


def work_detail(request: HttpRequest, work_id: int) -> HttpResponse:
    """A work's metadata and its first chapter."""
    return _chapter_page(request, work_id, None)


def chapter_detail(request: HttpRequest, work_id: int, chapter_id: int) -> HttpResponse:
    """One chapter of a work, with previous/next links and the chapter index."""
    return _chapter_page(request, work_id, chapter_id)


def work_full(request: HttpRequest, work_id: int) -> HttpResponse:
    """The entire work on one page."""
    work = work_for_reading_or_404(viewer=request.user, work_id=work_id)
    chapters = work_selectors.chapters_full_for_reader(viewer=request.user, work=work)
    is_creator = work_selectors.is_creator(request.user, work)
    return _read(
        request,
        work,
        "reading/work_full.html",
        {"chapters": chapters, "tag_groups": work_selectors.tags_by_type(work)},
        is_creator=is_creator,
    )


def chapter_index(request: HttpRequest, work_id: int) -> HttpResponse:
    """The list of a work's chapters."""
    work = work_for_reading_or_404(viewer=request.user, work_id=work_id)
    chapters = work_selectors.chapters_for_reader(viewer=request.user, work=work)
    return cacheable(
        request,
        render(
            request,
            "reading/chapter_index.html",
            {"work": work, "chapters": chapters, "tag_groups": work_selectors.tags_by_type(work)},
        ),
    )


@login_required_keeping_post
def drafts(request: HttpRequest) -> HttpResponse:
    """The current user's draft works."""
    page = paginate(request, listings.works_drafts_of(user=request_user(request)))
    return render(request, "reading/drafts.html", {"page": page})


def user_detail(request: HttpRequest, username: str) -> HttpResponse:
    """A creator's page: their profile and the works a reader may see."""
    creator = get_object_or_404(User, username=username, is_active=True)
    page = paginate(request, listings.works_by_creator(viewer=request.user, creator=creator))
    relations = account_selectors.relations_of(request.user, creator)
    return cacheable(
        request,
        render(
            request,
            "reading/user_detail.html",
            {"creator": creator, "page": page, "relations": relations},
        ),
    )
