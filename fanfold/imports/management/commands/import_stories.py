import hashlib
import json
import re
import sys
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from fanfold.imports import selectors, services
from fanfold.imports.importers import contacts
from fanfold.imports.importers.decode import ImportRefused
from fanfold.imports.importers.story import ParsedChapter, ParsedStory
from fanfold.imports.sources import iter_sources, parse_source


@dataclass
class Item:
    story: ParsedStory
    digests: list[str] = field(default_factory=list)

    @property
    def digest(self) -> str:
        if len(self.digests) == 1:
            return self.digests[0]
        return hashlib.sha256("".join(sorted(self.digests)).encode()).hexdigest()


def _renumbered(reason: str, offset: int) -> str:
    """A later part's review reason: its "chapter 1" is a later chapter of the whole story."""
    return re.sub(r"\bchapter (\d+)\b", lambda m: f"chapter {int(m.group(1)) + offset}", reason)


def _merge_parts(items: list[Item]) -> list[Item]:
    """Parts of one story in separate files ("(2/7)") become one story with chapters in order."""
    groups: dict[tuple, list[Item]] = {}
    result: list[Item] = []
    for item in items:
        s = item.story
        if s.part is None:
            result.append(item)
            continue
        key = ((s.title or "").lower(), tuple(c.lower() for c in s.creators))
        if key not in groups:
            groups[key] = []
            result.append(Item(story=s))  # placeholder, filled below
        groups[key].append(item)
    merged: list[Item] = []
    for item in result:
        s = item.story
        key = ((s.title or "").lower(), tuple(c.lower() for c in s.creators))
        if s.part is None or key not in groups:
            merged.append(item)
            continue
        parts = sorted(groups.pop(key), key=lambda i: i.story.part[0] if i.story.part else 0)
        first = parts[0].story
        chapters: list[ParsedChapter] = []
        for part in parts:
            if part.story is not first:  # every part's contacts stay private, none is lost
                contacts.merge(first.private_contact, part.story.private_contact)
                for reason in part.story.review_needed:
                    reason = _renumbered(reason, len(chapters))
                    if reason not in first.review_needed:
                        first.review_needed.append(reason)
            for chapter in part.story.chapters:
                number = part.story.part[0] if part.story.part else len(chapters) + 1
                chapters.append(
                    ParsedChapter(chapter.title or f"Part {number}", chapter.paragraphs)
                )
        first.chapters = chapters
        last = parts[-1].story
        first.complete = last.complete or (
            last.part is not None and last.part[1] is not None and last.part[0] == last.part[1]
        )
        first.source = ", ".join(p.story.source for p in parts)
        merged.append(Item(story=first, digests=[d for p in parts for d in p.digests]))
    return merged


class Command(BaseCommand):
    help = (
        "Import legacy stories (plain text, Usenet and mailing-list postings) "
        "from files, folders and .zip archives."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+")
        parser.add_argument("--dry-run", action="store_true", help="Parse only; store nothing.")
        parser.add_argument("--json", action="store_true", help="Print one JSON object per story.")
        parser.add_argument(
            "--with-text", action="store_true", help="Include chapter text in --json."
        )

    def handle(self, *args, **options):
        paths, dry_run, with_text = options["paths"], options["dry_run"], options["with_text"]
        as_json = options["json"]
        sources = list(iter_sources(paths, max_bytes=settings.FANFOLD_IMPORT_MAX_BYTES))
        failed: list[tuple[str, str]] = []
        items: list[Item] = []
        for source in self._progress(sources, "Reading", quiet=as_json):
            try:
                if source.error:
                    raise ImportRefused(source.error)
                story = parse_source(source)
            except ImportRefused as e:
                failed.append((source.name, str(e)))
                continue
            items.append(Item(story=story, digests=[selectors.content_hash(source.raw or b"")]))
        items = _merge_parts(items)

        imported = duplicates = 0
        review: list[tuple[str, list[str]]] = []
        for item in self._progress(items, "Importing", quiet=as_json or dry_run):
            story, work_id = item.story, None
            if not dry_run:
                existing = selectors.duplicate_of(item.digest)
                if existing is not None:
                    duplicates += 1
                    work_id = existing.pk
                else:
                    try:
                        work_id = services.story_import(story=story, digest=item.digest).pk
                        imported += 1
                    except ValidationError as e:
                        failed.append((story.source, "; ".join(e.messages)))
                        continue
            if story.review_needed:
                review.append((story.source, story.review_needed))
            if as_json:
                self.stdout.write(_json_line(story, work_id=work_id, with_text=with_text))
        for name, reason in failed:
            self.stderr.write(f"failed: {name}: {reason}")
        if not as_json:
            self._summary(len(items), imported, duplicates, review, failed, dry_run)

    def _progress(self, things: list, label: str, *, quiet: bool):
        if quiet or not sys.stdout.isatty() or len(things) < 2:
            return things
        from rich.progress import track

        return track(things, description=label)

    def _summary(self, stories, imported, duplicates, review, failed, dry_run) -> None:
        if dry_run:
            self.stdout.write(f"Parsed {stories} stories (dry run: nothing stored).")
        else:
            self.stdout.write(f"Imported {imported} stories; {duplicates} were already imported.")
        if review:
            self.stdout.write(f"Needing review: {len(review)}")
            for name, fields in review:
                self.stdout.write(f"  {name}: {', '.join(fields)}")
        self.stdout.write(f"Failed: {len(failed)}")
        for name, reason in failed:
            self.stdout.write(f"  {name}: {reason}")


def _json_line(story: ParsedStory, *, work_id: int | None, with_text: bool) -> str:
    data = story.as_dict()
    counts = selectors.chapter_word_counts(story)
    data["chapters"] = [
        {"title": c.title, "word_count": n, **({"text": c.text} if with_text else {})}
        for c, n in zip(story.chapters, counts, strict=True)
    ]
    data["word_count"] = sum(counts)
    if work_id is not None:
        data["work_id"] = work_id
    return json.dumps(data, ensure_ascii=False)
