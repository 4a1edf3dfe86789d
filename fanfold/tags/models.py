from django.db import models
from django.db.models.functions import Lower


class TagType(models.TextChoices):
    FANDOM = "fandom", "Fandoms"
    RELATIONSHIP = "relationship", "Relationships"
    CHARACTER = "character", "Characters"
    FREEFORM = "freeform", "Additional Tags"
    WARNING = "warning", "Archive Warnings"
    CATEGORY = "category", "Categories"


# Order in a work's metadata block.
TAG_TYPE_ORDER = [
    TagType.WARNING,
    TagType.CATEGORY,
    TagType.FANDOM,
    TagType.RELATIONSHIP,
    TagType.CHARACTER,
    TagType.FREEFORM,
]

ARCHIVE_WARNINGS = [
    "Creator Chose Not To Use Archive Warnings",
    "Graphic Depictions Of Violence",
    "Major Character Death",
    "No Archive Warnings Apply",
    "Rape/Non-Con",
    "Underage Sex",
]
CATEGORIES = ["F/F", "F/M", "Gen", "M/M", "Multi", "Other"]


class Tag(models.Model):
    """One shared tag per type and name; later wrangling points synonyms at a canonical tag."""

    type = models.CharField(max_length=20, choices=TagType.choices)
    name = models.CharField(max_length=150)
    canonical = models.BooleanField(default=False)
    merger = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="synonyms"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint("type", Lower("name"), name="tag_unique_type_name_ci"),
        ]
        indexes = [models.Index(fields=["type", "name"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("tag_detail", kwargs={"type": self.type, "name": self.name})
