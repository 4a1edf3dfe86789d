"""The header steps, each called alone on a header and a parsed story."""

from fanfold.imports.importers import header as h
from fanfold.imports.importers import tagging
from fanfold.imports.importers.header import Header
from fanfold.imports.importers.story import ParsedStory


def make(**fields: list[str]) -> tuple[ParsedStory, Header]:
    found = Header()
    for key, values in fields.items():
        for value in values:
            found.add(key, value)
    return ParsedStory(source="archive/quiet_nights.txt", format="text"), found


def test_label_number_and_title_from():
    assert h.label("Rated: PG-13") == ("rating", "PG-13")
    assert h.label("ICQ# 1234567") == ("im", "1234567")
    assert h.label("Rating NC-17") == ("rating", "NC-17")
    assert h.label("Mulder ran.") is None
    assert [h.number(v) for v in ("12", "three", "IV", "xl", "soon")] == [12, 3, 4, 40, None]
    assert h.title_from("Re: [FIC] Quiet Nights (2/7) [XF]", "x.txt") == "Quiet Nights"
    assert h.title_from(None, "archive/quiet_nights.txt") == "Quiet Nights"
    assert h.title_from(None, "") is None


def test_header_keeps_values_in_order_and_joins_wrapped_lines():
    found = Header()
    found.add("summary", "")
    found.add("summary", "Mulder and Scully")
    found.extend("summary", "on a quiet night.")
    found.add("summary", "Second.")
    assert found.first("summary") == "Mulder and Scully on a quiet night."
    assert found.joined("summary") == "Mulder and Scully on a quiet night. Second."
    assert found.first("title") is None and found.joined("title") is None


def test_apply_contacts_moves_every_contact_to_private():
    story, found = make(
        email=["jane@example.org AOL Messenger: JaneFic"],
        im=["(JaneFic99), ICQ 12345678 or jane2@example.org"],
        url=["http://www.geocities.com/Area51/7777/."],
        archive=["Yes, to www.example.net/fic - just ask"],
    )
    found.contact.email.append("sig@example.org")
    h.apply_contacts(story, found)
    private = story.private_contact
    assert set(private.email) == {"jane@example.org", "jane2@example.org", "sig@example.org"}
    assert set(private.im) == {"JaneFic", "JaneFic99", "12345678"}
    assert private.urls == ["http://www.geocities.com/Area51/7777/", "www.example.net/fic"]


def test_apply_title():
    story, found = make(title=["QUIET NIGHTS (1/2)"])
    h.apply_title(story, found)
    assert story.title == "Quiet Nights" and story.review_needed == []
    story, found = make()
    h.apply_title(story, found, subject="[FIC] Lanterns, part 2 of 3")
    assert story.title == "Lanterns" and story.review_needed == ["title"]
    story, found = make()
    h.apply_title(story, found)
    assert story.title == "Quiet Nights" and story.review_needed == ["title"]


def test_apply_creators():
    story, found = make(author=["Jane (AIM: JaneFic99)"])
    h.apply_creators(story, found)
    assert story.creators == ["Jane"] and story.private_contact.im == ["JaneFic99"]
    story, found = make(**{"from": ["Jane Doe <jane@example.org>"]})
    h.apply_creators(story, found)
    assert story.creators == ["Jane Doe"] and story.private_contact.email == ["jane@example.org"]
    story, found = make()
    h.apply_creators(story, found)
    assert story.creators == [] and story.review_needed == ["creators"]


def test_apply_part_and_completion():
    story, found = make(part=["Part III of 3"])
    h.apply_part(story, found)
    assert story.part == (3, 3)
    h.apply_completion(story)
    assert story.complete is True
    h.apply_completion(story, complete=False)  # "TBC" at the end wins
    assert story.complete is False
    story, found = make(title=["Quiet Nights (2/?)"])
    h.apply_part(story, found, subject="Re: old")
    h.apply_completion(story)
    assert story.part == (2, None) and story.complete is False


def test_apply_rating():
    story, found = make(rating=["pg13"])
    h.apply_rating(story, found)
    assert story.rating == "Teen And Up Audiences" and story.review_needed == []
    story, found = make(other=["I'd rate this NC-17 for language."])
    h.apply_rating(story, found)
    assert story.rating == "Explicit"
    story, found = make(rating=["ask me"])
    h.apply_rating(story, found)
    assert story.rating == "Not Rated" and story.review_needed == ["rating"]


def test_apply_fandoms_then_characters():
    body = "Mulder looked at Scully. Scully sighed. Mulder grinned. Scully, Mulder, Skinner."
    mentions = tagging.Mentions(body)
    story, found = make(fandom=["X-Files; Paper Worlds"], pairing=["Mulder/Scully"])
    fandoms = h.apply_fandoms(story, found, mentions)
    assert [f.name for f in fandoms] == ["The X-Files"]
    assert story.fandoms == ["The X-Files", "Paper Worlds"]
    h.apply_characters(story, found, fandoms, mentions)
    assert story.relationships == ["Fox Mulder/Dana Scully"]
    assert {"Fox Mulder", "Dana Scully"} <= set(story.characters)
    # No Fandom line: the disclaimer's creators say it.
    story, found = make(disclaimer=["Chris Carter and Ten Thirteen own them."])
    assert [f.name for f in h.apply_fandoms(story, found, mentions)] == ["The X-Files"]
    # A "[Buffy]" tag in the Subject.
    story, found = make()
    h.apply_fandoms(story, found, tagging.Mentions(""), subject="[FIC] [Buffy] Candles")
    assert story.fandoms == ["Buffy the Vampire Slayer"]
    story, found = make()
    assert h.apply_fandoms(story, found, tagging.Mentions("Nobody here.")) == []
    assert story.fandoms == [] and story.review_needed == ["fandoms"]


def test_apply_freeforms():
    story, found = make(
        genre=["angst / romance"],
        category=["none"],
        warnings=["character death,", "n/a"],
        timeline=["post-series"],
        freeform=["Road Trip"],
    )
    h.apply_freeforms(story, found, body_text="")
    assert story.freeforms == ["Road Trip", "Angst", "Romance", "character death", "Post-Series"]
    assert story.archive_warnings == ["Creator Chose Not To Use Archive Warnings"]


def test_apply_notes_keeps_words_and_moves_addresses():
    story, found = make(
        summary=["A quiet night."],
        disclaimer=["Not mine."],
        an=["Thanks, Kris!"],
        feedback=["jane@example.org"],
        other=["Written for the challenge."],
        plea=["Please review!"],
    )
    h.apply_notes(story, found)
    assert story.summary == "A quiet night."
    assert story.notes == (
        "Disclaimer: Not mine.\n\nAuthor's note: Thanks, Kris!\n\n"
        "Written for the challenge.\n\nPlease review!"
    )
    assert story.private_contact.email == ["jane@example.org"]


def test_apply_header_runs_every_step():
    story, found = make(
        title=["Quiet Nights (2/2)"],
        author=["Jane"],
        email=["jane@example.org"],
        rating=["R"],
        fandom=["XF"],
        summary=["Mulder and Scully wait."],
    )
    h.apply_header(story, found, body_text="Mulder waited.")
    assert (story.title, story.creators, story.rating) == ("Quiet Nights", ["Jane"], "Mature")
    assert story.fandoms == ["The X-Files"] and story.part == (2, 2) and story.complete is True
    assert story.private_contact.email == ["jane@example.org"]
    assert story.summary == "Mulder and Scully wait." and story.notes is None
