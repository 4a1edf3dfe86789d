from collections.abc import Collection

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.urls import reverse

from fanfold.accounts.models import User, UserRelation, Viewer
from fanfold.accounts.selectors import muted_user_ids
from fanfold.core.text import TextFormat
from fanfold.tags.models import Tag


class Rating(models.TextChoices):
    GENERAL = "general", "General Audiences"
    TEEN = "teen", "Teen And Up Audiences"
    MATURE = "mature", "Mature"
    EXPLICIT = "explicit", "Explicit"
    NOT_RATED = "not_rated", "Not Rated"


ADULT_RATINGS = {Rating.MATURE, Rating.EXPLICIT, Rating.NOT_RATED}


class CommentPolicy(models.TextChoices):
    ANYONE = "anyone", "Anyone, including guests"
    USERS = "users", "Logged-in users only"
    NONE = "none", "No comments"


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


LANGUAGES = [
    ("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch"),
    ("it", "Italiano"), ("pt", "Português"), ("nl", "Nederlands"), ("pl", "Polski"),
    ("ru", "Русский"), ("uk", "Українська"), ("sv", "Svenska"), ("fi", "Suomi"),
    ("tr", "Türkçe"), ("ar", "العربية"), ("he", "עברית"), ("hi", "हिन्दी"),
    ("id", "Bahasa Indonesia"), ("vi", "Tiếng Việt"), ("th", "ไทย"),
    ("zh", "中文"), ("ja", "日本語"), ("ko", "한국어"),
]  # fmt: skip


def creator_q(user: User, work_ref: str = "pk") -> Q:
    """The one rule for "this user is one of the work's creators", as a query condition;
    ``work_ref`` names the work's id in the query (e.g. "comment__work")."""
    return Q(Exists(WorkCreator.objects.filter(work=OuterRef(work_ref), user=user)))


def is_creator(user: Viewer, work: "Work") -> bool:
    """The one rule for "this user is one of the work's creators", for one work at hand."""
    return is_among_creators(user, work.creator_ids)


def is_among_creators(user: Viewer, creator_ids: Collection[int]) -> bool:
    """``is_creator`` given the work's creators' ids (kept with a page's shared parts)."""
    return bool(user is not None and user.is_authenticated and user.pk in creator_ids)


def work_visibility_q(user: Viewer, prefix: str = "") -> Q:
    """The one rule for who may see a work: published and not hidden by staff (restricted
    ones to logged-in readers only), or created by the reader. ``prefix`` applies it
    through a relation."""
    published = Q(**{f"{prefix}status": Status.PUBLISHED, f"{prefix}hidden": False})
    if user is None or not user.is_authenticated:
        return published & Q(**{f"{prefix}restricted": False})
    # Muting hides other people's works, never one's own (a muted co-creator included).
    return (published & ~_by_muted_q(user, f"{prefix}pk")) | creator_q(user, f"{prefix}pk")


def work_visible(
    user: Viewer, *, status: str, hidden: bool, restricted: bool, creator_ids: Collection[int]
) -> bool:
    """``work_visibility_q`` for one work whose row and creators are at hand, without a query
    (but the reader's mutes, once per request); the visibility tests hold both to the same
    answers."""
    if is_among_creators(user, creator_ids):
        return True
    if status != Status.PUBLISHED or hidden:
        return False
    if user is None or not user.is_authenticated:
        return not restricted
    return not muted_user_ids(user).intersection(creator_ids)


def _by_muted_q(user: User, work_ref: str) -> Q:
    # A reader who muted a creator never sees that creator's works, in any listing or count.
    muted = UserRelation.objects.filter(user=user, kind=UserRelation.Kind.MUTE).values("target")
    return Q(Exists(WorkCreator.objects.filter(work=OuterRef(work_ref), user__in=muted)))


class AuthoredText(models.Model):
    """Summary and notes as the author typed them and as sanitized HTML, for works and chapters."""

    summary = models.TextField(blank=True)
    summary_html = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    notes_html = models.TextField(blank=True)
    end_notes = models.TextField(blank=True)
    end_notes_html = models.TextField(blank=True)
    text_format = models.CharField(
        max_length=10, choices=TextFormat.choices, default=TextFormat.HTML
    )
    sanitizer_version = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True


class WorkQuerySet(models.QuerySet["Work"]):
    def visible_to(self, user: Viewer) -> "WorkQuerySet":
        return self.filter(work_visibility_q(user))


class Work(AuthoredText):
    title = models.CharField(max_length=255)

    rating = models.CharField(max_length=12, choices=Rating.choices, default=Rating.NOT_RATED)
    language = models.CharField(max_length=8, choices=LANGUAGES, default="en")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    restricted = models.BooleanField(default=False, help_text="Only logged-in readers see it.")
    hidden = models.BooleanField(
        default=False, help_text="Hidden by the archive's staff: only its creators see it."
    )
    complete = models.BooleanField(default=False)
    expected_chapters = models.PositiveIntegerField(null=True, blank=True)

    creators = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="WorkCreator", related_name="works"
    )
    tags = models.ManyToManyField(Tag, related_name="works", blank=True)

    comment_policy = models.CharField(
        max_length=10, choices=CommentPolicy.choices, default=CommentPolicy.ANYONE
    )
    moderate_comments = models.BooleanField(
        default=False, help_text="New comments wait for a creator's approval."
    )

    word_count = models.PositiveIntegerField(default=0)
    posted_chapter_count = models.PositiveIntegerField(default=0)
    # Counters kept by the feedback, bookmark and hit services (shown on every blurb).
    hit_count = models.PositiveIntegerField(default=0)
    kudos_count = models.PositiveIntegerField(default=0)
    # Shown comments: those on the whole work and on posted chapters (works.services adds up).
    comment_count = models.PositiveIntegerField(default=0)
    # Approved, undeleted comments on the whole work rather than a chapter (kept by feedback).
    whole_work_comment_count = models.PositiveIntegerField(default=0)
    bookmark_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(null=True, blank=True, help_text="Last chapter posted.")
    revised_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["status", "restricted", "-updated_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("work_detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def creator_ids(self) -> set[int]:
        """Its creators' user ids (from the prefetched creators when they were prefetched)."""
        if "creators" in getattr(self, "_prefetched_objects_cache", {}):
            return {u.pk for u in self.creators.all()}
        return set(WorkCreator.objects.filter(work=self).values_list("user_id", flat=True))

    @property
    def is_adult(self) -> bool:
        return self.rating in ADULT_RATINGS

    @property
    def shown_comment_count(self) -> int:
        """Comments as this reader sees them (less those of muted users, when annotated)."""
        return self.comment_count - getattr(self, "muted_comments", 0)

    @property
    def chapter_total_display(self) -> str:
        if self.complete:
            return str(self.posted_chapter_count)
        return str(self.expected_chapters) if self.expected_chapters else "?"


class WorkCreator(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["work", "user"], name="work_creator_unique")]
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return f"{self.user_id} on {self.work_id}"


class ChapterQuerySet(models.QuerySet["Chapter"]):
    def visible_to(self, user: Viewer) -> "ChapterQuerySet":
        """Chapters of visible works: posted ones, plus drafts for the work's creators."""
        visible = self.filter(work_visibility_q(user, prefix="work__"))
        if user is None or not user.is_authenticated:
            return visible.filter(status=Status.PUBLISHED)
        return visible.filter(Q(status=Status.PUBLISHED) | creator_q(user, "work_id"))

    def shown_in(self, work: "Work", user: Viewer) -> "ChapterQuerySet":
        """``visible_to`` for a work already shown to this reader (one that came from
        ``work_visible_or_404``), without asking about the work again: its posted chapters,
        and its drafts too for its creators."""
        chapters = self.filter(work=work)
        return chapters if is_creator(user, work) else chapters.filter(status=Status.PUBLISHED)


class Chapter(AuthoredText):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="chapters")
    position = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=255, blank=True)
    body = models.TextField(blank=True)
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    word_count = models.PositiveIntegerField(default=0)
    # Approved, undeleted comments on this chapter, posted or not (kept by feedback); they
    # count in the work's comment count once the chapter is posted.
    comment_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    revised_at = models.DateTimeField(auto_now=True)

    objects = ChapterQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["work", "position"])]

    def __str__(self) -> str:
        return self.display_title

    def get_absolute_url(self) -> str:
        return reverse("chapter_detail", args=[self.work_id, self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == Status.DRAFT

    @property
    def display_title(self) -> str:
        label = f"Chapter {self.position}"
        return f"{label}: {self.title}" if self.title else label


class EditorDraft(models.Model):
    """What an author last typed into an editor, saved every few seconds by autosave."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    key = models.CharField(max_length=100)
    data = models.JSONField()
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="editor_draft_unique")]

    def __str__(self) -> str:
        return self.key


def work_visible_or_404(user: Viewer, pk: int, queryset: QuerySet[Work] | None = None) -> Work:
    """The work if this reader may see it, else 404 (``queryset`` adds prefetching)."""
    work = (
        (queryset if queryset is not None else Work.objects.all())
        .filter(work_visibility_q(user))
        .filter(pk=pk)
        .first()
    )
    if work is None:
        raise Http404("No such work, or you may not see it.")
    return work


def work_own_or_404(
    user: Viewer, pk: int, queryset: QuerySet[Work] | None = None, *, why: str = "change it"
) -> Work:
    """The work if this reader may see it and is one of its creators: else 404 when they
    may not see it, 403 when they may but it isn't theirs."""
    work = work_visible_or_404(user, pk, queryset)
    if not is_creator(user, work):
        raise PermissionDenied(f"Only the work's creators may {why}.")
    return work


def chapter_visible_or_404(user: Viewer, work: Work, pk: int) -> Chapter:
    chapter = Chapter.objects.visible_to(user).filter(work=work, pk=pk).first()
    if chapter is None:
        raise Http404("No such chapter, or you may not see it.")
    return chapter
