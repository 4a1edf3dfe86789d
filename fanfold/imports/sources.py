"""Find story files in paths, folders and .zip archives, refusing what is unsafe to read."""

import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fanfold.imports.importers.decode import ImportRefused

TEXT_SUFFIXES = {".txt", ".text", ".asc", ".msg", ".eml", ""}
FORMATTED_SUFFIXES = {".html", ".htm", ".md", ".markdown", ".docx", ".epub"}
ZIP_MAX_MEMBERS = 10_000
ZIP_MAX_RATIO = 100  # uncompressed / compressed: beyond this it is a zip bomb, not stories


@dataclass
class SourceFile:
    name: str
    raw: bytes | None = None
    error: str | None = None
    format: str = "text"


def format_of(name: str) -> str | None:
    suffix = Path(name).suffix.lower()
    if suffix in TEXT_SUFFIXES or not suffix.isascii():
        return "text"
    if suffix in FORMATTED_SUFFIXES:
        return suffix.lstrip(".")
    return None


def _from_zip(path: Path, max_bytes: int) -> Iterator[SourceFile]:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as e:
        yield SourceFile(str(path), error=f"Not a readable .zip archive ({e}).")
        return
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir()]
        total = sum(m.file_size for m in members)
        packed = sum(m.compress_size for m in members) or 1
        if (
            len(members) > ZIP_MAX_MEMBERS
            or total > max_bytes * 50
            or total / packed > ZIP_MAX_RATIO
        ):
            yield SourceFile(
                str(path),
                error="Refused: this .zip unpacks to far more than it holds (a zip bomb?).",
            )
            return
        for member in sorted(members, key=lambda m: m.filename):
            name = f"{path}:{member.filename}"
            fmt = format_of(member.filename)
            if fmt is None or Path(member.filename).name.startswith("."):
                continue
            if member.file_size > max_bytes:
                yield SourceFile(
                    name, error=f"Refused: larger than the limit of {max_bytes:,} bytes."
                )
                continue
            with archive.open(member) as fh:
                raw = fh.read(max_bytes + 1)
            if len(raw) > max_bytes:
                yield SourceFile(
                    name, error=f"Refused: larger than the limit of {max_bytes:,} bytes."
                )
                continue
            yield SourceFile(name, raw=raw, format=fmt)


def iter_sources(paths: list[str], *, max_bytes: int) -> Iterator[SourceFile]:
    """Every story file under the given paths, in a stable order."""
    for given in paths:
        path = Path(given)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        elif path.exists():
            files = [path]
        else:
            yield SourceFile(given, error="No such file or folder.")
            continue
        for file in files:
            if file.suffix.lower() == ".zip":
                yield from _from_zip(file, max_bytes)
                continue
            fmt = format_of(file.name)
            if fmt is None:
                if path.is_dir():
                    continue  # other files in a folder (images, scripts) are not stories
                yield SourceFile(str(file), error=f"Unknown kind of file ({file.suffix}).")
                continue
            if file.stat().st_size > max_bytes:
                yield SourceFile(
                    str(file), error=f"Refused: larger than the limit of {max_bytes:,} bytes."
                )
                continue
            yield SourceFile(str(file), raw=file.read_bytes(), format=fmt)


def parse_source(source: SourceFile):
    """Parse one file into a ParsedStory, or raise ImportRefused with the reason."""
    from fanfold.imports.importers.decode import decode_text
    from fanfold.imports.importers.docx import parse_docx
    from fanfold.imports.importers.epub import parse_epub
    from fanfold.imports.importers.html import parse_html
    from fanfold.imports.importers.markdown import parse_markdown
    from fanfold.imports.importers.text import parse_text

    assert source.raw is not None
    if source.format in ("md", "markdown"):
        story = parse_markdown(decode_text(source.raw), source=source.name)
    elif source.format == "epub":
        story = parse_epub(source.raw, source=source.name)
    elif source.format == "docx":
        story = parse_docx(source.raw, source=source.name)
    elif source.format in ("html", "htm"):
        story = parse_html(decode_text(source.raw), source=source.name)
    elif source.format == "text":
        story = parse_text(decode_text(source.raw), source=source.name)
    else:
        raise ImportRefused(f"{source.format.upper()} files are not supported yet.")
    if not any(c.paragraphs or c.html for c in story.chapters):
        raise ImportRefused("No story text found after the header.")
    return story
