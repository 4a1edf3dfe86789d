#!/usr/bin/env python3
"""Import benchmark: synthetic legacy stories through `import_stories`, dry run and real.

Generates --stories plain-text, Usenet, Markdown and HTML stories in the conventions it reads
(labeled headers, "THE TITLE / by Author", Usenet headers with "(n/m)" parts, CRLF and CR
line endings, Windows-1252, hard-wrapped, indented and double-spaced paragraphs, scene
breaks, chapter headings, end markers) into a temporary folder, then times a dry run and
a real import into a throw-away database, and prints stories/s against the target of
300 stories/s for the dry run on one core.

    .venv/bin/python bench/import.py [--stories 10000] [--real 2000]
"""

import argparse
import io
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = [
    "the",
    "night",
    "was",
    "quiet",
    "and",
    "the",
    "slayer",
    "walked",
    "alone",
    "past",
    "the",
    "old",
    "crypt",
    "while",
    "rain",
    "fell",
    "on",
    "stone",
    "she",
    "thought",
    "about",
    "her",
    "friends",
    "and",
    "the",
    "library",
    "and",
    "the",
    "long",
    "road",
    "home",
    "a",
    "vampire",
    "laughed",
    "somewhere",
    "in",
    "the",
    "dark",
    "but",
    "nobody",
    "answered",
    "him",
    "the",
    "moon",
    "rose",
    "over",
    "the",
    "town",
]
NAMES = ["Buffy", "Willow", "Xander", "Giles", "Spike", "Mulder", "Scully", "Dawn", "Tara"]
RATINGS = ["G", "PG", "PG-13", "R", "NC-17", "K+", "T", "MA"]


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    words.insert(rng.randrange(len(words)), rng.choice(NAMES))
    return " ".join(words).capitalize() + rng.choice([".", ".", "!", "?"])


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(2, 6)))


def wrap(text: str, width: int) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return [*lines, line]


def story(rng: random.Random, n: int) -> tuple[str, bytes]:
    if n % 6 == 4:
        return markdown_story(rng, n)
    if n % 6 == 5:
        return html_story(rng, n)
    style = n % 4
    title = f"Story {n} of the {rng.choice(WORDS).title()}"
    header: list[str] = []
    if style == 0:
        header = [
            f"Title: {title}",
            f"Author: Writer{n % 97}",
            f"Email: w{n}@example.org",
            f"Rating: {rng.choice(RATINGS)}",
            "Pairing: Spike/Buffy",
            "Disclaimer: All characters belong to Joss Whedon and Mutant Enemy.",
            f"Summary: {sentence(rng)}",
            "",
            "Please review!! All comments are appreciated",
            "",
        ]
    elif style == 1:
        header = [
            f"From: Writer{n % 97} <w{n}@example.org>",
            f"Subject: FIC: {title} (1/1)",
            "Newsgroups: alt.tv.x-files.creative",
            "Date: 1 Jan 1999",
            "",
            f"Rating: {rng.choice(RATINGS)}",
            "",
        ]
    elif style == 2:
        header = [
            title.upper(),
            f"by Writer{n % 97}",
            "",
            "Disclaimer: Mulder and Scully belong to Chris Carter and Ten Thirteen.",
            "",
        ]
    else:
        header = [
            f"TITLE -- {title}",
            f"AUTHOR -- Writer{n % 97}",
            f"RATING -- {rng.choice(RATINGS)}",
            "",
        ]
    body: list[str] = []
    for chapter in range(rng.randint(1, 3)):
        if chapter or rng.random() < 0.3:
            body += [f"Chapter {chapter + 1}", ""]
        for p in range(rng.randint(4, 12)):
            lines = wrap(paragraph(rng), rng.choice([64, 70, 76]))
            if style == 2:  # indented paragraphs, no blank lines
                body += ["    " + lines[0], *lines[1:]]
            else:
                body += [*lines, ""]
            if p == 3:
                body += ["* * *", ""]
    body += ["", rng.choice(["To Be Continued...", "The End", "TBC", "Fin"]), ""]
    text = "\n".join(header + body)
    newline = ["\n", "\r\n", "\r"][n % 3]
    encoding = "cp1252" if n % 5 == 0 else "utf-8"
    return f"story-{n:05d}.txt", text.replace("\n", newline).encode(encoding)


def markdown_story(rng: random.Random, n: int) -> tuple[str, bytes]:
    lines = [
        "---",
        f"title: Markdown Story {n}",
        f"author: Writer{n % 97}",
        "fandom: Buffy the Vampire Slayer",
        f"rating: {rng.choice(RATINGS)}",
        "tags: ['c: Willow Rosenberg', 'p: Spuffy', Angst]",
        "---",
        "",
    ]
    for chapter in range(rng.randint(1, 3)):
        lines += [f"# Chapter {chapter + 1}", ""]
        for _ in range(rng.randint(4, 10)):
            lines += [paragraph(rng).replace(" the ", " *the* ", 1), ""]
    return f"story-{n:05d}.md", "\n".join(lines).encode()


def html_story(rng: random.Random, n: int) -> tuple[str, bytes]:
    parts = [
        f"<html><head><title>HTML Story {n}</title></head><body><div>",
        f"<p><b>Title:</b> HTML Story {n}<br><b>Author:</b> Writer{n % 97}<br>"
        f"<b>Rating:</b> {rng.choice(RATINGS)}<br>"
        "<b>Disclaimer:</b> Joss Whedon owns them.</p>",
    ]
    for chapter in range(rng.randint(1, 3)):
        parts.append(f"<h2>Part {chapter + 1}</h2>")
        parts += [f"<p>{paragraph(rng)}</p>" for _ in range(rng.randint(4, 10))]
        parts.append("<p>~*~*~</p>")
    parts.append("<p>The End</p></div></body></html>")
    return f"story-{n:05d}.html", "\n".join(parts).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--real", type=int, default=2_000, help="stories for the real import")
    args = parser.parse_args()

    data_dir = tempfile.mkdtemp(prefix="fanfold-bench-import-")
    os.environ["FANFOLD_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fanfold.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    folder = Path(data_dir) / "stories"
    folder.mkdir()
    rng = random.Random(7)
    total_bytes = 0
    for n in range(args.stories):
        name, raw = story(rng, n)
        (folder / name).write_bytes(raw)
        total_bytes += len(raw)
    print(f"generated {args.stories:,} stories ({total_bytes / 1e6:.1f} MB) in {folder}")

    def timed(*cmd_args) -> float:
        out = io.StringIO()
        start = time.perf_counter()
        call_command("import_stories", *cmd_args, stdout=out, stderr=out)
        elapsed = time.perf_counter() - start
        print("   " + " | ".join(out.getvalue().strip().splitlines()[:3]))
        return elapsed

    dry = timed(str(folder), "--dry-run")
    dry_rate = args.stories / dry
    print(f"dry run   {args.stories:,} stories in {dry:.1f} s: {dry_rate:,.0f} stories/s")
    subset = Path(data_dir) / "subset"
    subset.mkdir()
    for path in sorted(folder.iterdir())[: args.real]:
        (subset / path.name).write_bytes(path.read_bytes())
    real = timed(str(subset))
    print(f"real      {args.real:,} stories in {real:.1f} s: {args.real / real:,.0f} stories/s")
    verdict = "PASS" if dry_rate >= 300 else "MISS"
    print(f"{verdict}  dry run >= 300 stories/s on one core: {dry_rate:,.0f} stories/s")


if __name__ == "__main__":
    main()
