"""Reads for tags: one tag by its page's address, and tags grouped by type."""

from collections.abc import Iterable

from django.shortcuts import get_object_or_404

from fanfold.tags.models import TAG_TYPE_ORDER, Tag, TagType


def tag_by_name_or_404(type: str, name: str) -> Tag:
    """The tag of this type and name (any case), else 404."""
    return get_object_or_404(Tag, type=type, name__iexact=name)


def tags_grouped(tags: Iterable[Tag]) -> dict[str, list[Tag]]:
    """Tags by type, every type present (empty where none), in the order given."""
    groups: dict[str, list[Tag]] = {t: [] for t in TagType.values}
    for tag in tags:
        groups[tag.type].append(tag)
    return groups


def tag_names_grouped(tags: Iterable[Tag]) -> dict[str, list[str]]:
    """Tag names by type, every type present (empty where none)."""
    return {t: [tag.name for tag in group] for t, group in tags_grouped(tags).items()}


def tags_labelled(tags: Iterable[Tag]) -> list[tuple[str, list[Tag]]]:
    """The types that have tags, labelled, in the order of a work's metadata block."""
    groups, labels = tags_grouped(tags), dict(TagType.choices)
    return [(labels[t], groups[t]) for t in TAG_TYPE_ORDER if groups[t]]
