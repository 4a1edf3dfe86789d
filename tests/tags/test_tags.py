"""Tags: names as typed become shared rows, grouped by type the same way everywhere."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from fanfold.tags.models import Tag, TagType
from fanfold.tags.selectors import (
    tag_by_name_or_404,
    tag_names_grouped,
    tags_grouped,
    tags_labelled,
)
from fanfold.tags.services import split_tag_list, tag_rename, tags_ensure, tags_load_dataset
from tests.factories import UserFactory


def test_typed_lists_split_trim_and_drop_repeats_whatever_their_case():
    assert split_tag_list(" Angst ,  hurt/comfort,, ANGST,Slow  Burn ") == [
        "Angst",
        "hurt/comfort",
        "Slow Burn",
    ]
    assert split_tag_list("") == []


@pytest.mark.django_db
def test_the_same_name_in_another_case_is_the_same_tag():
    first = tags_ensure(type=TagType.FREEFORM, names=["Slow Burn"])
    again = tags_ensure(type=TagType.FREEFORM, names=["slow   burn", "Fluff"])
    assert again[0].pk == first[0].pk and Tag.objects.count() == 2
    other_type = tags_ensure(type=TagType.CHARACTER, names=["Slow Burn"])
    assert other_type[0].pk != first[0].pk
    assert tag_by_name_or_404(TagType.FREEFORM, "SLOW BURN").pk == first[0].pk
    with pytest.raises(Http404):
        tag_by_name_or_404(TagType.FANDOM, "Slow Burn")


@pytest.mark.django_db
def test_grouping_keeps_every_type_and_the_metadata_order():
    tags = [
        *tags_ensure(type=TagType.FREEFORM, names=["Fluff"]),
        *tags_ensure(type=TagType.FANDOM, names=["Buffy the Vampire Slayer"]),
        *tags_ensure(type=TagType.RELATIONSHIP, names=["Spike/Buffy Summers"]),
    ]
    names = tag_names_grouped(tags)
    assert set(names) == set(TagType.values) and names[TagType.CHARACTER] == []
    assert names[TagType.FANDOM] == ["Buffy the Vampire Slayer"]
    assert [t.name for t in tags_grouped(tags)[TagType.FREEFORM]] == ["Fluff"]
    labels = [label for label, _ in tags_labelled(tags)]
    assert labels == [
        dict(TagType.choices)[t] for t in (TagType.FANDOM, TagType.RELATIONSHIP, TagType.FREEFORM)
    ]


@pytest.mark.django_db
def test_the_dataset_loads_canonical_tags_and_ship_names_as_synonyms():
    created = tags_load_dataset(
        fandoms=[
            {
                "name": "Buffy the Vampire Slayer",
                "characters": [{"name": "Buffy Summers"}, {"name": "Spike"}],
                "relationships": [{"name": "Spike/Buffy Summers", "ship_names": ["Spuffy"]}],
            }
        ]
    )
    assert created == 5
    fandom = Tag.objects.get(type=TagType.FANDOM, name="Buffy the Vampire Slayer")
    ship = Tag.objects.get(type=TagType.RELATIONSHIP, name="Spike/Buffy Summers")
    assert fandom.canonical and ship.canonical
    assert Tag.objects.get(name="Spuffy").merger == ship
    again = [{"name": "Buffy the Vampire Slayer", "characters": [], "relationships": []}]
    assert tags_load_dataset(fandoms=again) == 0  # loading again adds nothing


@pytest.mark.django_db
def test_only_staff_with_the_permission_rename_and_names_stay_unique():
    tag, taken = tags_ensure(type=TagType.FREEFORM, names=["Angts", "Angst"])
    with pytest.raises(PermissionDenied):
        tag_rename(tag=tag, by=UserFactory(username="reader"), name="Angst!")
    admin = UserFactory(username="boss", is_staff=True, is_superuser=True)
    with pytest.raises(ValidationError):
        tag_rename(tag=tag, by=admin, name="angst")
    assert tag_rename(tag=tag, by=admin, name="Angst (typo fixed)").name == "Angst (typo fixed)"
