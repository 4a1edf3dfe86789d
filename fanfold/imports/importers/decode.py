"""Bytes to text: detect the encoding (never mojibake) and refuse binary files."""

import codecs

from charset_normalizer import from_bytes

from fanfold.core.text import storable

REPLACEMENT = "\ufffd"


class ImportRefused(Exception):
    """A file that can't be imported, with a message for the person importing it."""


def decode_text(raw: bytes) -> str:
    """Decode a story file: UTF-8 (with or without BOM) first, else the detected encoding.

    Bytes that can't be read become U+FFFD (the importers ask for a review of the text
    then), and so does any character that can't be stored.
    """
    return storable(_decode(raw))


def _decode(raw: bytes) -> str:
    if not raw.strip():
        raise ImportRefused("The file is empty.")
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return raw.decode("utf-16", errors="replace")  # odd length, lone surrogates
    sample = raw[:65536]
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    if b"\x00" in sample or controls > len(sample) * 0.01:
        raise ImportRefused("This looks like a binary file, not a story.")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(raw).best()
    # Old postings are mostly Windows-1252 (a superset of Latin-1 for printable text).
    encoding = best.encoding if best is not None else "cp1252"
    if encoding in {"latin_1", "iso8859_1", "ascii"}:
        encoding = "cp1252"
    return raw.decode(encoding, errors="replace")
