"""A long import writes in short transactions, and readers only ever see the whole work.

A story is rendered and sanitised before anything is written; a long one is then written
as a draft nobody else sees, a batch of chapters per transaction, and published in one last
transaction. A killed import leaves only that draft; importing the file again completes it,
and importing it once more changes nothing.
"""

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection, transaction

from fanfold.imports import selectors, services
from fanfold.imports.importers.markdown import parse_markdown
from fanfold.imports.models import ClaimEmail, ImportedStory
from fanfold.works.models import Chapter, Status, Work
from tests.servers import ROOT, migrate, server_env

WORDS = [
    "the", "night", "was", "quiet", "and", "the", "slayer", "walked", "alone", "past", "crypt"
]  # fmt: skip


def story_text(chapters: int, words: int = 60, seed: int = 1) -> str:
    rng = random.Random(seed)
    parts = ["---\ntitle: The Long Road\nauthor: Someone\nfandom: Buffy\n---\n"]
    for n in range(1, chapters + 1):
        parts.append(f"\n# Chapter {n}: Night {n}\n")
        for _ in range(max(1, words // 60)):
            parts.append("\n" + " ".join(rng.choice(WORDS) for _ in range(60)) + ".\n")
    return "".join(parts)


def _watch_commits():
    """After each commit on this connection: chapters in the database, and what a guest
    reader sees (for each visible work: its chapter count and its visible chapters)."""
    seen: list[tuple[int, list[tuple[int, int]]]] = []
    waiting = [False]

    def after_commit():
        waiting[0] = False
        visible = [
            (w.posted_chapter_count, Chapter.objects.visible_to(None).filter(work=w).count())
            for w in Work.objects.visible_to(None)
        ]
        seen.append((Chapter.objects.count(), visible))

    def wrapper(execute, sql, params, many, context):
        if connection.in_atomic_block and not waiting[0]:
            waiting[0] = True
            transaction.on_commit(after_commit)
        return execute(sql, params, many, context)

    return seen, wrapper


@pytest.mark.django_db(transaction=True)
def test_a_long_story_is_written_in_short_transactions_and_shown_whole(monkeypatch):
    monkeypatch.setattr(services, "BATCH_CHAPTERS", 3, raising=False)
    story = parse_markdown(story_text(10), source="long.md")
    assert len(story.chapters) == 10
    seen, wrapper = _watch_commits()
    with connection.execute_wrapper(wrapper):
        work = services.story_import(story=story, digest="a" * 64)

    counts = [chapters for chapters, _ in seen]
    written = [b - a for a, b in zip([0, *counts], counts, strict=False)]
    assert max(written) <= 3, written  # no transaction wrote more than one batch
    assert counts[-1] == 10
    # Until the last commit no reader sees the work; from then on, all of it.
    for chapters, visible in seen[:-1]:
        assert visible == [], (chapters, visible)
    assert seen[-1][1] == [(10, 10)]
    work.refresh_from_db()
    assert work.status == Status.PUBLISHED and work.posted_chapter_count == 10
    positions = list(work.chapters.order_by("position").values_list("position", "title"))
    assert positions == [(n, f"Chapter {n}: Night {n}") for n in range(1, 11)]


@pytest.mark.django_db
def test_importing_the_same_story_twice_makes_one_work():
    story = parse_markdown(story_text(3), source="twice.md")
    first = services.story_import(story=story, digest="b" * 64)
    again = services.story_import(story=story, digest="b" * 64)
    assert again.pk == first.pk
    assert Work.objects.count() == 1 and ImportedStory.objects.count() == 1
    assert selectors.duplicate_of("b" * 64) == first


def _import(archive, path, *extra):
    return subprocess.Popen(
        [sys.executable, "manage.py", "import_stories", *extra, str(path)],
        cwd=ROOT,
        env=server_env(archive, DJANGO_SETTINGS_MODULE="fanfold.settings"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _kill_half_way(archive, path) -> tuple[int, int] | None:
    """Run an import and kill it once it has written part of the story as a draft:
    (work id, chapters written), or None if it finished before it could be caught."""
    proc = _import(archive, path)
    db = sqlite3.connect(archive / "fanfold.sqlite3", timeout=30)
    try:
        while proc.poll() is None:
            row = db.execute(
                "SELECT w.id, w.status, (SELECT count(*) FROM works_chapter c "
                "WHERE c.work_id = w.id) FROM works_work w"
            ).fetchone()
            if row and row[1] == "draft":
                os.kill(proc.pid, signal.SIGSTOP)  # freeze it where it is, then kill it
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
                return row[0], row[2]
            if row:
                break
            time.sleep(0.001)
    finally:
        db.close()
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    return None


def _state(archive):
    with sqlite3.connect(archive / "fanfold.sqlite3") as db:
        works = db.execute("SELECT id, status, published_at IS NULL FROM works_work").fetchall()
        positions = [p for (p,) in db.execute("SELECT position FROM works_chapter ORDER BY 1")]
        imported = db.execute("SELECT count(*) FROM imports_importedstory").fetchone()[0]
    return works, positions, imported


def test_a_killed_import_shows_nothing_and_importing_again_completes_it(tmp_path):
    chapters = 240
    path = tmp_path / "long-road.md"
    path.write_text(story_text(chapters, words=600))  # ~0.8 MB: three batches
    for attempt in range(3):
        archive = tmp_path / f"archive{attempt}"
        migrate(archive)
        caught = _kill_half_way(archive, path)
        if caught is not None:
            break
    else:
        pytest.fail("the import always finished before it could be killed")
    work_id, written = caught

    works, positions, imported = _state(archive)
    assert works == [(work_id, "draft", 1)]  # a draft never published: no reader sees it
    assert written <= len(positions) < chapters
    assert positions == list(range(1, len(positions) + 1))
    assert imported == 1

    proc = _import(archive, path, "--json")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[0])["work_id"] == work_id
    works, positions, imported = _state(archive)
    assert works == [(work_id, "published", 0)]
    assert positions == list(range(1, chapters + 1))  # every chapter once, in order
    assert imported == 1

    proc = _import(archive, path)
    out, err = proc.communicate(timeout=120)
    assert "Imported 0 stories; 1 were already imported." in out, out + err
    assert _state(archive) == (works, positions, imported)


@pytest.mark.django_db
def test_a_draft_left_half_way_is_not_claimable_and_importing_again_completes_it():
    from fanfold.works import services as works
    from fanfold.works.inputs import ChapterInput
    from tests.factories import UserFactory

    story = parse_markdown(story_text(5), source="left.md")
    digest = "c" * 64
    writer = UserFactory(username="writer", email="writer@example.org", email_verified=True)
    # What an import killed after its first transaction leaves: a draft never published.
    archivist = services.archivist_ensure()
    first, second = (
        works.chapter_prepare(ChapterInput(title=c.title, body=selectors.chapter_body(c)))
        for c in story.chapters[:2]
    )
    data = selectors.story_work_input(story)
    draft = works.work_create(by=archivist, data=data, chapter=first, publish=False)
    works.chapters_append(work=draft, by=archivist, chapters=[second], publish=True)
    left = ImportedStory.objects.create(
        work=draft, source="left.md", format="markdown", content_hash=digest,
        emails=["writer@example.org"],
    )  # fmt: skip
    ClaimEmail.objects.create(story=left, email="writer@example.org")
    assert selectors.imported_stories_claimable(user=writer) == []
    assert selectors.duplicate_of(digest) is None

    work = services.story_import(story=story, digest=digest)
    assert work.pk == draft.pk and work.status == Status.PUBLISHED
    titles = list(work.chapters.order_by("position").values_list("position", "title"))
    assert titles == [(n, f"Chapter {n}: Night {n}") for n in range(1, 6)]
    assert Work.objects.count() == 1
    assert [s.work for s in selectors.imported_stories_claimable(user=writer)] == [work]
