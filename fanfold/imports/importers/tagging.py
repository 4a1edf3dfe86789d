"""Map legacy metadata to Fanfold's ratings and tags using the starter fandom dataset."""

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data" / "fandoms.json"

RATINGS = {
    "g": "General Audiences", "k": "General Audiences", "pg": "General Audiences",
    "k+": "General Audiences", "gen": "General Audiences", "all ages": "General Audiences",
    "pg-13": "Teen And Up Audiences", "pg13": "Teen And Up Audiences",
    "t": "Teen And Up Audiences", "teen": "Teen And Up Audiences", "pg-15": "Teen And Up Audiences",
    "r": "Mature", "m": "Mature", "mature": "Mature",
    "nc-17": "Explicit", "nc17": "Explicit", "ma": "Explicit", "x": "Explicit",
    "xxx": "Explicit", "explicit": "Explicit", "adult": "Explicit",
    "general audiences": "General Audiences", "teen and up audiences": "Teen And Up Audiences",
    "not rated": "Not Rated",
}  # fmt: skip
RATING_CODES = {
    "General Audiences": "general",
    "Teen And Up Audiences": "teen",
    "Mature": "mature",
    "Explicit": "explicit",
    "Not Rated": "not_rated",
}
_RATING_IN_TEXT = re.compile(
    r"\b(?:rat(?:ed|ing|e (?:this|it))|this (?:is|story is|fic is))\b[^.\n]{0,25}?"
    r"\b(NC-?17|PG-?13|PG|G|R|K\+?|T|MA|M|X)\b"
)


def map_rating(value: str) -> str | None:
    """A legacy rating (PG-13, NC-17, K+, MA...) as one of the five ratings."""
    cleaned = value.strip().strip(".!").lower()
    if cleaned in RATINGS:
        return RATINGS[cleaned]
    match = re.search(
        r"nc-?17|pg-?13|pg-?15|k\+|\bma\b|\bpg\b|\bg\b|\br\b|\bt\b|\bm\b|\bx\b", cleaned
    )
    return RATINGS.get(match.group(0)) if match else None


def rating_from_prose(text: str) -> str | None:
    """A rating said in a sentence: "I'd rate this NC-17"."""
    match = _RATING_IN_TEXT.search(text)
    return map_rating(match.group(1)) if match else None


@dataclass
class Fandom:
    name: str
    aliases: list[str]
    creators: list[str]
    characters: dict[str, list[str]]  # canonical name -> names and nicknames written in stories
    relationships: dict[str, list[str]]  # canonical -> ship names
    name_index: dict[str, str] = field(default_factory=dict)  # any written name -> canonical
    # Precomputed for speed: each character's names as token keys, and one disclaimer regex.
    keys: dict[str, list[str]] = field(default_factory=dict)
    disclaimer_re: re.Pattern | None = None


@cache
def fandoms() -> tuple[Fandom, ...]:
    if not DATA.exists():
        return ()
    result = []
    for entry in json.loads(DATA.read_text(encoding="utf-8")):
        characters = {c["name"]: [c["name"], *c.get("nicknames", [])] for c in entry["characters"]}
        fandom = Fandom(
            name=entry["name"],
            aliases=entry.get("aliases", []),
            creators=entry.get("creators", []),
            characters=characters,
            relationships={r["name"]: r.get("ship_names", []) for r in entry["relationships"]},
        )
        for canonical, names in characters.items():
            for name in names:
                fandom.name_index.setdefault(name.lower(), canonical)
            fandom.keys[canonical] = [" ".join(_TOKEN_RE.findall(n)) for n in names if len(n) >= 3]
        creators = "|".join(re.escape(c) for c in fandom.creators)
        titles = "|".join(re.escape(a) for a in [fandom.name, *fandom.aliases])
        fandom.disclaimer_re = re.compile(
            rf"(?i:\b(?:{creators})\b)|\b(?:{titles})\b" if creators else rf"\b(?:{titles})\b"
        )
        result.append(fandom)
    return tuple(result)


def fandom_named(name: str) -> Fandom | None:
    wanted = name.strip().lower()
    for fandom in fandoms():
        if wanted == fandom.name.lower() or wanted in (a.lower() for a in fandom.aliases):
            return fandom
    return None


_TOKEN_RE = re.compile(r"\w+(?:['’]\w+)*")


class Mentions:
    """How often each name (one to four words) appears in a text, counted in one pass."""

    def __init__(self, text: str) -> None:
        tokens = _TOKEN_RE.findall(text)
        self.counts: Counter[str] = Counter()
        for size in range(1, 5):
            self.counts.update(
                " ".join(tokens[i : i + size]) for i in range(len(tokens) - size + 1)
            )

    def of(self, keys: list[str]) -> int:
        """Mentions of any of these names (as token keys, see Fandom.keys)."""
        return sum(self.counts[key] for key in keys)


def characters_in(fandom: Fandom, mentions: Mentions, *, at_least: int = 3) -> list[str]:
    """Characters named often enough in the text to be present, not just mentioned in passing."""
    counts = Counter({c: mentions.of(keys) for c, keys in fandom.keys.items()})
    return [c for c, n in counts.most_common() if n >= at_least]


def fandoms_from_disclaimer(disclaimer: str, mentions: Mentions) -> list[Fandom]:
    """Fandoms whose creators, network or studio the disclaimer names; ties go to characters."""
    found = [f for f in fandoms() if f.disclaimer_re and f.disclaimer_re.search(disclaimer)]
    if len(found) <= 1:
        return found
    return sorted(found, key=lambda f: -sum(mentions.of(k) for k in f.keys.values()))[:1]


def fandom_by_characters(mentions: Mentions) -> Fandom | None:
    """The fandom whose characters the text names most (at least a few times)."""
    best, best_score = None, 0
    for fandom in fandoms():
        score = sum(mentions.of(keys) for keys in fandom.keys.values())
        if score > best_score:
            best, best_score = fandom, score
    return best if best_score >= 5 else None


def relationship_from_pairing(value: str, fandom_list: list[Fandom]) -> str:
    """A pairing line's entry ("Spike/Buffy", "Spuffy", "B/A") as a canonical relationship."""
    value = value.strip()
    for fandom in fandom_list:
        for canonical, ship_names in fandom.relationships.items():
            if (
                value.lower() in (s.lower() for s in ship_names)
                or value.lower() == canonical.lower()
            ):
                return canonical
    sep = "&" if "&" in value and "/" not in value else "/"
    names = [n.strip() for n in re.split(r"\s*[/&]\s*|\s+x\s+", value) if n.strip()]
    if len(names) < 2:
        return value
    canon = []
    for name in names:
        found = next(
            (f.name_index[name.lower()] for f in fandom_list if name.lower() in f.name_index), name
        )
        canon.append(found)
    for fandom in fandom_list:
        for canonical in fandom.relationships:
            parts = re.split(r"\s*[/&]\s*", canonical)
            if sorted(parts) == sorted(canon) and (sep in canonical):
                return canonical
    return (" & " if sep == "&" else "/").join(canon)
