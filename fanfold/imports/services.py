"""Writes for imports: a parsed legacy story becomes a work through the works services."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from fanfold.accounts.models import User
from fanfold.core.pagecache import content_changed
from fanfold.imports import selectors
from fanfold.imports.importers.story import ParsedStory
from fanfold.imports.models import ClaimEmail, ImportedStory
from fanfold.works import services as works
from fanfold.works.inputs import ChapterInput, WorkInput
from fanfold.works.models import Chapter, Work, WorkCreator


def archivist_ensure() -> User:
    """The account imported works belong to until their authors claim them (made on first
    use, with no password: nobody logs in as it)."""
    user, created = User.objects.get_or_create(
        username=settings.FANFOLD_ARCHIVIST,
        defaults={"display_name": "Archivist", "bio": "Keeper of imported works."},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# A long story is written a batch of chapters at a time, each batch in its own short
# transaction, so that no other writer (a reader's bookmark, the worker claiming a task)
# waits long for SQLite's write lock. A story that fits one batch is written in one go.
BATCH_BYTES = 1_000_000
BATCH_CHAPTERS = 100


def _batch_end(chapters: list[Chapter], start: int) -> int:
    """Where the batch of chapters beginning at ``start`` ends (at least one chapter)."""
    end, size = start, 0
    while end < len(chapters) and end - start < BATCH_CHAPTERS:
        size += len(chapters[end].body) + len(chapters[end].body_html)
        if end > start and size > BATCH_BYTES:
            break
        end += 1
    return end


def story_import(*, story: ParsedStory, digest: str, by: User | None = None) -> Work:
    """Store a parsed story as a published work of the archivist; readers see all or nothing.

    Every chapter is validated, rendered and sanitised before anything is written. A story
    that fits one batch is written in one transaction. A longer one is written as a draft
    (only the archivist sees it, and it was never published), one short transaction per
    batch of chapters, then published in one last short transaction. An import killed half
    way leaves that draft behind; importing the same file again completes it, and importing
    a file already imported returns the work it made.
    """
    owner = by or archivist_ensure()
    data = selectors.story_work_input(story)
    works.validate_work_input(data)
    if not story.chapters:
        raise ValidationError({"body": ["An imported work needs at least one chapter."]})
    chapters = [
        works.chapter_prepare(ChapterInput(title=c.title, body=selectors.chapter_body(c)))
        for c in story.chapters
    ]
    first_end = _batch_end(chapters, 0)
    with transaction.atomic():
        found = ImportedStory.objects.select_related("work").filter(content_hash=digest).first()
        if found is not None and found.work.published_at is not None:
            return found.work
        if found is not None:
            work = found.work  # left by an import of this file that stopped half way
        else:
            at_once = first_end == len(chapters)
            work = works.work_create(by=owner, data=data, chapter=chapters[0], publish=at_once)
            works.chapters_append(work=work, by=owner, chapters=chapters[1:first_end], publish=True)
            imported = ImportedStory.objects.create(
                work=work,
                author_name=", ".join(story.creators)[:255],
                source=story.source[:1000],
                format=story.format,
                content_hash=digest,
                emails=story.private_contact.email,
                ims=story.private_contact.im,
                urls=story.private_contact.urls,
                mentioned_emails=story.private_contact.mentioned,
                review_needed=story.review_needed,
            )
            ClaimEmail.objects.bulk_create(
                ClaimEmail(story=imported, email=email)
                for email in sorted(
                    {e.strip().lower()[:254] for e in story.private_contact.email} - {""}
                )
            )
            if at_once:
                return work
    while True:
        with transaction.atomic():
            work = Work.objects.select_for_update().get(pk=work.pk)
            done = Chapter.objects.filter(work=work).count()
            if done >= len(chapters):
                break
            batch = chapters[done : _batch_end(chapters, done)]
            works.chapters_append(work=work, by=owner, chapters=batch, publish=True)
    return works.work_publish(work=work, by=owner)


def story_draft_create(*, by: User, data: WorkInput, chapters: list[ChapterInput]) -> Work:
    """Store a reviewed import as a draft work of the user who imported it, all or nothing.

    The chapters are validated and rendered first; the write itself is one short
    transaction."""
    if not chapters:
        raise ValidationError({"body": ["An imported work needs at least one chapter."]})
    works.validate_work_input(data)
    prepared = [works.chapter_prepare(chapter) for chapter in chapters]
    with transaction.atomic():
        work = works.work_create(by=by, data=data, chapter=prepared[0], publish=False)
        works.chapters_append(work=work, by=by, chapters=prepared[1:], publish=False)
    return work


@transaction.atomic
def imported_stories_claim(*, user: User) -> list[Work]:
    """Give a verified author the imported works that carry their email address."""
    claimed = []
    for story in selectors.imported_stories_claimable(user=user):
        WorkCreator.objects.filter(work=story.work).delete()
        WorkCreator.objects.create(work=story.work, user=user, position=0)
        story.claimed_by, story.claimed_at = user, timezone.now()
        story.save(update_fields=["claimed_by", "claimed_at"])
        claimed.append(story.work)
    for work in claimed:
        content_changed(work_id=work.pk)
    return claimed
