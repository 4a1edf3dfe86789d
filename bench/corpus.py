"""Made-up works for bench/read.py: many varied works, posted fast through the real services.

Everything here is invented for the bench (fandoms, names, prose), seeded so that two runs
produce the same archive. ``generate_works`` must run inside a configured Django process.
"""

import random
import time
from dataclasses import dataclass

# Invented fandoms, each with a few invented characters.
FANDOMS = {
    "Lanterns of Vey": ["Orla Vey", "Tam Brightwater", "The Ferryman", "Jessa Coil"],
    "Saltmarsh Station": ["Commander Idris Hale", "Pip Okonkwo", "Dr. Mireille Sato", "Unit Seven"],
    "The Glass Orchard": ["Wren Ashdown", "Calloway", "Mother Thistle", "Bram Ashdown"],
    "Night Shift at the Museum of Small Things": ["Dot", "Mr. Penhaligon", "The Night Guard"],
    "Starlit Couriers": ["Captain Nell Rios", "Ziggy", "Ambassador Quell", "Harrow"],
    "Hollow Crown Academy": ["Ines Marlowe", "Theo Grant", "Headmistress Vane", "Sol"],
    "Rivermouth Bakers": ["Hattie Crumb", "Owen Rye", "Grandma Lou", "The Health Inspector"],
    "Ironleaf Chronicles": ["Kestrel", "Warden Amis", "Fen", "The Iron King"],
    "Quiet Frequencies": ["Juniper Cole", "Radio Operator Baines", "Marcus Vell"],
    "The Last Lighthouse": ["Keeper Anwen", "Gull", "Silas Trent", "The Visitor"],
    "Paper Moons": ["Lulu Fontaine", "Ray Castellan", "Moth", "Aunt Beatrix"],
    "Clockwork Harbor": ["Engineer Zofia", "Tick", "Mayor Grindle", "Captain Ottoline"],
}
FREEFORMS = [
    "Fluff", "Angst", "Hurt/Comfort", "Slow Burn", "Found Family", "Humor", "Friendship",
    "Alternate Universe", "Coffee Shop AU", "Road Trip", "Canon Divergence", "Missing Scene",
    "Post-Canon", "Pre-Canon", "Character Study", "Whump", "Happy Ending", "Open Ending",
    "Snow", "Rain", "Holidays", "Letters", "Time Travel", "Amnesia", "Mystery", "Case Fic",
    "Banter", "Pining", "Fix-It", "Domestic", "Adventure", "Worldbuilding", "Crack",
    "Drabble", "One Shot", "Epistolary", "Second Person", "Unreliable Narrator", "Ghosts",
    "Cooking", "Music", "Sailing", "Heist", "Magic", "Space", "Tea", "Trains", "Libraries",
]  # fmt: skip
WORDS = [
    "the", "a", "an", "and", "but", "or", "so", "then", "still", "only", "just", "almost",
    "never", "always", "again", "softly", "slowly", "quietly", "suddenly", "light", "dark",
    "night", "morning", "evening", "river", "sea", "harbor", "lantern", "window", "door",
    "stair", "road", "bridge", "garden", "orchard", "glass", "paper", "clock", "bell", "ship",
    "sail", "wind", "rain", "snow", "fire", "ash", "salt", "bread", "tea", "letter", "map",
    "key", "coat", "hand", "voice", "face", "eyes", "name", "song", "story", "promise",
    "secret", "silence", "shadow", "memory", "dream", "edge", "corner", "table", "chair",
    "lamp", "book", "page", "ink", "thread", "was", "were", "had", "said", "asked",
    "whispered", "laughed", "turned", "waited", "watched", "walked", "ran", "stopped",
    "looked", "listened", "remembered", "forgot", "carried", "opened", "closed", "found",
    "lost", "kept", "held", "broke", "knew", "thought", "wanted", "needed", "could", "would",
    "should", "might", "must", "will", "in", "on", "at", "by", "with", "from", "into", "over",
    "under", "between", "across", "through", "toward", "behind", "beside", "before", "after",
    "because", "while", "until", "her", "his", "their", "our", "my", "your", "its", "she",
    "he", "they", "we", "you", "it", "someone", "no-one", "nothing", "something", "everything",
    "old", "new", "small", "long", "cold", "warm", "bright", "tired", "careful", "strange",
    "familiar", "quiet", "loud", "gentle", "sharp", "heavy", "empty", "full", "last", "first",
    "other", "same",
]  # fmt: skip
WARNINGS_USUAL = ["No Archive Warnings Apply"]
WARNINGS_OTHER = [
    "Creator Chose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "Major Character Death",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]
RATINGS = ["general", "teen", "mature", "explicit", "not_rated"]
RATING_WEIGHTS = [40, 30, 15, 10, 5]
FORMATS = ["html", "markdown", "plain"]
FORMAT_WEIGHTS = [40, 35, 25]
LANGUAGES = ["en"] * 17 + ["es", "fr", "de"]


@dataclass
class Generated:
    works: int
    chapters: int
    words: int
    seconds: float


class _Prose:
    def __init__(self, rng: random.Random):
        self.rng = rng

    def sentence(self, names: list[str]) -> str:
        rng = self.rng
        words = rng.choices(WORDS, k=rng.randint(6, 18))
        if rng.random() < 0.35:
            words.insert(rng.randrange(len(words)), rng.choice(names))
        text = " ".join(words)
        text = text[0].upper() + text[1:]
        if rng.random() < 0.2:
            return f"\u201c{text},\u201d said {rng.choice(names)}."
        return text + rng.choice(".....?!")

    def paragraphs(self, names: list[str], words: int) -> list[str]:
        paras: list[str] = []
        count = 0
        while count < words:
            para = " ".join(self.sentence(names) for _ in range(self.rng.randint(2, 7)))
            count += para.count(" ") + 1
            paras.append(para)
        return paras

    def body(self, names: list[str], words: int, fmt: str) -> str:
        paras = self.paragraphs(names, words)
        rng = self.rng
        if fmt == "html":
            out = []
            for p in paras:
                if rng.random() < 0.1:
                    p = f"<em>{p}</em>"
                out.append(f"<p>{p}</p>")
                if rng.random() < 0.02:
                    out.append('<hr><p class="align-center">* * *</p>')
            return "\n".join(out)
        if fmt == "markdown":
            out = []
            for p in paras:
                if rng.random() < 0.1:
                    p = f"*{p}*"
                out.append(p)
                if rng.random() < 0.02:
                    out.append("* * *")
            return "\n\n".join(out)
        return "\n\n".join(paras)


def generate_works(count: int, *, seed: int = 20240601, authors: int = 25) -> Generated:
    """Post ``count`` published works (1 to 6 chapters, 1,000-4,000 words each) in one
    transaction, using the same services as the site."""
    from django.db import transaction

    from fanfold.accounts.models import User
    from fanfold.works.inputs import ChapterInput, WorkInput
    from fanfold.works.services import chapter_create, work_create

    rng = random.Random(seed)
    prose = _Prose(rng)
    started = time.perf_counter()
    n_chapters = n_words = 0
    with transaction.atomic():
        users = [
            User.objects.create_user(
                username=f"bench_author_{i:02d}",
                email=f"bench{i:02d}@example.invalid",
                password=None,  # unusable: nobody logs in as these
                display_name=f"Bench Author {i}",
            )
            for i in range(authors)
        ]
        fandom_names = list(FANDOMS)
        for i in range(count):
            by = rng.choice(users)
            fandoms = rng.sample(fandom_names, 2 if rng.random() < 0.1 else 1)
            cast = [c for f in fandoms for c in FANDOMS[f]]
            characters = rng.sample(cast, rng.randint(1, min(4, len(cast))))
            relationships = []
            if len(characters) >= 2 and rng.random() < 0.6:
                a, b = characters[:2]
                relationships.append(f"{a}{rng.choice(['/', ' & '])}{b}")
            fmt = rng.choices(FORMATS, FORMAT_WEIGHTS)[0]
            chapters = 1 if rng.random() < 0.55 else rng.randint(2, 6)
            complete = rng.random() < 0.5
            title = " ".join(rng.choices(WORDS, k=rng.randint(2, 5))).title()
            work = work_create(
                by=by,
                data=WorkInput(
                    title=f"{title} ({i + 1})",
                    rating=rng.choices(RATINGS, RATING_WEIGHTS)[0],
                    warnings=(
                        WARNINGS_USUAL if rng.random() < 0.8 else [rng.choice(WARNINGS_OTHER)]
                    ),
                    categories=rng.sample(CATEGORIES, rng.randint(1, 2)),
                    fandoms=fandoms,
                    relationships=relationships,
                    characters=characters,
                    freeforms=rng.sample(FREEFORMS, rng.randint(0, 8)),
                    summary=" ".join(prose.sentence(characters) for _ in range(rng.randint(1, 3))),
                    notes=prose.sentence(characters) if rng.random() < 0.3 else "",
                    end_notes=prose.sentence(characters) if rng.random() < 0.2 else "",
                    language=rng.choice(LANGUAGES),
                    text_format=fmt,
                    restricted=rng.random() < 0.05,
                    complete=complete,
                    expected_chapters=chapters if complete else None,
                ),
                chapter=ChapterInput(
                    title=title if chapters > 1 else "",
                    body=prose.body(characters, rng.randint(1000, 4000), fmt),
                    notes=prose.sentence(characters) if rng.random() < 0.2 else "",
                    text_format=fmt,
                ),
                publish=True,
            )
            n_chapters += 1
            n_words += work.word_count
            for c in range(2, chapters + 1):
                chapter = chapter_create(
                    work=work,
                    by=by,
                    data=ChapterInput(
                        title=" ".join(rng.choices(WORDS, k=rng.randint(1, 4))).title(),
                        body=prose.body(characters, rng.randint(1000, 4000), fmt),
                        summary=prose.sentence(characters) if rng.random() < 0.3 else "",
                        end_notes=prose.sentence(characters) if rng.random() < 0.1 else "",
                        text_format=fmt,
                    ),
                    # The last chapter of some works in progress is still a draft.
                    publish=complete or c < chapters or rng.random() < 0.8,
                )
                n_chapters += 1
                n_words += chapter.word_count
    return Generated(count, n_chapters, n_words, time.perf_counter() - started)


def prose_text(rng: random.Random, words: int, fmt: str = "markdown") -> str:
    """About ``words`` words of invented prose in one text format (html, markdown, plain),
    naming characters of a random fandom: text for bench writers (bench/live.py)."""
    names = FANDOMS[rng.choice(list(FANDOMS))]
    return _Prose(rng).body(names, words, fmt)


def prose_sentence(rng: random.Random) -> str:
    """One invented sentence (a guest's comment, a chapter title)."""
    return _Prose(rng).sentence(FANDOMS[rng.choice(list(FANDOMS))])
