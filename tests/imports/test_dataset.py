import json

import pytest
from django.core.management import call_command

from fanfold.imports.importers import tagging
from fanfold.tags.models import Tag


def test_dataset_is_consistent():
    data = json.loads(tagging.DATA.read_text(encoding="utf-8"))
    assert len(data) >= 25
    names = {entry["name"] for entry in data}
    for required in (
        "Buffy the Vampire Slayer",
        "The X-Files",
        "Stargate SG-1",
        "Supernatural",
        "Doctor Who",
        "Naruto",
        "Good Omens - Neil Gaiman & Terry Pratchett",
    ):
        assert required in names
    for entry in data:
        characters = {c["name"] for c in entry["characters"]}
        for rel in entry["relationships"]:
            for name in rel["name"].replace("&", "/").split("/"):
                assert name.strip() in characters, (entry["name"], rel["name"])


@pytest.mark.django_db
def test_dataset_loads_as_tags_with_ship_names_as_synonyms():
    call_command("load_fandom_tags", verbosity=0)
    spuffy = Tag.objects.get(type="relationship", name="Spuffy")
    assert spuffy.merger.name == "Spike/Buffy Summers" and spuffy.merger.canonical
    assert Tag.objects.get(type="fandom", name="Buffy the Vampire Slayer").canonical
    count = Tag.objects.count()
    call_command("load_fandom_tags", verbosity=0)  # idempotent
    assert Tag.objects.count() == count


def test_ship_names_and_nicknames_map_to_canonical_tags():
    buffy = tagging.fandom_named("Buffy the Vampire Slayer")
    assert tagging.relationship_from_pairing("Spuffy", [buffy]) == "Spike/Buffy Summers"
    assert tagging.relationship_from_pairing("Spike/Buffy", [buffy]) == "Spike/Buffy Summers"
    assert (
        tagging.map_rating("NC-17") == "Explicit"
        and tagging.map_rating("K+") == "General Audiences"
    )
    assert (
        tagging.map_rating("PG-13") == "Teen And Up Audiences"
        and tagging.map_rating("R") == "Mature"
    )
    assert (
        tagging.map_rating("MA") == "Explicit"
        and tagging.map_rating("T") == "Teen And Up Audiences"
    )
