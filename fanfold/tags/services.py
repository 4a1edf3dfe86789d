"""Writes for tags: free-text names become shared Tag rows by type."""

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from fanfold.accounts.models import User
from fanfold.core.pagecache import content_changed
from fanfold.core.permissions import moderates
from fanfold.tags.models import Tag

TAG_NAME_MAX = 150


def normalize_tag_name(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip()


def split_tag_list(text: str) -> list[str]:
    """Split comma-separated tag input into clean, de-duplicated names (case-insensitive)."""
    seen: set[str] = set()
    names: list[str] = []
    for part in (text or "").split(","):
        name = normalize_tag_name(part)
        if name and name.lower() not in seen:
            seen.add(name.lower())
            names.append(name)
    return names


def tags_ensure(*, type: str, names: list[str]) -> list[Tag]:
    """Return the Tag rows for these names of one type, creating the missing ones."""
    tags: list[Tag] = []
    for name in names:
        name = normalize_tag_name(name)[:TAG_NAME_MAX]
        if not name:
            continue
        tag = Tag.objects.filter(type=type, name__iexact=name).first()
        if tag is None:
            try:
                with transaction.atomic():
                    tag = Tag.objects.create(type=type, name=name)
            except IntegrityError:  # created concurrently by another request
                tag = Tag.objects.get(type=type, name__iexact=name)
        tags.append(tag)
    return tags


@transaction.atomic
def tags_load_dataset(*, fandoms: list[dict]) -> int:
    """Load a fandom dataset as canonical tags, with aliases and ship names as synonyms."""
    created = 0

    def canonical(type: str, name: str) -> Tag:
        nonlocal created
        tag = Tag.objects.filter(type=type, name__iexact=name).first()
        if tag is None:
            tag = Tag.objects.create(type=type, name=name[:TAG_NAME_MAX], canonical=True)
            created += 1
        elif not tag.canonical and tag.merger_id is None:
            tag.canonical = True
            tag.save(update_fields=["canonical"])
        return tag

    def synonym(type: str, name: str, of: Tag) -> None:
        nonlocal created
        if not Tag.objects.filter(type=type, name__iexact=name).exists():
            Tag.objects.create(type=type, name=name[:TAG_NAME_MAX], merger=of)
            created += 1

    for entry in fandoms:
        fandom = canonical("fandom", entry["name"])
        for alias in entry.get("aliases", []):
            synonym("fandom", alias, fandom)
        for character in entry["characters"]:
            canonical("character", character["name"])
        for rel in entry["relationships"]:
            relationship = canonical("relationship", rel["name"])
            for ship in rel.get("ship_names", []):
                synonym("relationship", ship, relationship)
    return created


def _require_tag_staff(by: User, perm: str) -> None:
    if not moderates(by, perm):
        raise PermissionDenied("Only staff may change or delete tags.")


@transaction.atomic
def tag_rename(*, tag: Tag, by: User, name: str) -> Tag:
    """Rename a tag everywhere it is shown (staff wrangling)."""
    _require_tag_staff(by, "tags.change_tag")
    name = normalize_tag_name(name)
    if not name or len(name) > TAG_NAME_MAX or "\x00" in name:
        raise ValidationError(
            {"name": [f"A tag needs a name of at most {TAG_NAME_MAX} characters."]}
        )
    taken = Tag.objects.filter(type=tag.type, name__iexact=name).exclude(pk=tag.pk).exists()
    if taken:
        raise ValidationError({"name": ["There is already a tag of this type with that name."]})
    if name != tag.name:
        tag.name = name
        tag.save(update_fields=["name"])
        content_changed()
    return tag


@transaction.atomic
def tag_delete(*, tag: Tag, by: User) -> None:
    """Delete a tag: it comes off every work and bookmark that had it (staff wrangling)."""
    _require_tag_staff(by, "tags.delete_tag")
    tag.delete()
    content_changed()
