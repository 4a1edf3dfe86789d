from dataclasses import MISSING, asdict, fields
from typing import Any, get_type_hints

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.forms.forms import DeclarativeFieldsMetaclass

from fanfold.core.forms import CleanTextForm
from fanfold.tags.models import ARCHIVE_WARNINGS, CATEGORIES
from fanfold.tags.services import split_tag_list
from fanfold.works.inputs import CHOICES, ChapterInput, WorkInput
from fanfold.works.models import LANGUAGES, CommentPolicy, Work
from fanfold.works.selectors import work_input_of

TAG_HELP = "Separate tags with commas."


class TagListField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", TAG_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value: object) -> list[str]:  # type: ignore[override]
        # A list of tag names, not the string typed (the form's cleaned data holds lists).
        return split_tag_list(super().to_python(value) or "")


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def dataclass_form_field(data_class: type, name: str, **presentation: Any) -> forms.Field:
    """The form field for the field `name` of a service's input dataclass.

    Its kind follows the type (text, a select for a `one_of` field or given `choices`, a tag
    list or checkboxes for a list, a checkbox, a number), its initial value the default, and it
    is required when it has no default or is a select. `presentation` is what only the form
    knows (label, widget, help text, choices, required...) and wins.
    """
    f = next(f for f in fields(data_class) if f.name == name)
    kind = get_type_hints(data_class)[name]
    options = dict(presentation)
    if choices := f.metadata.get(CHOICES):
        options.setdefault("choices", choices.choices)
    if f.default is not MISSING:
        options.setdefault("initial", f.default)
    required = f.default is MISSING and f.default_factory is MISSING
    if kind is bool:
        return forms.BooleanField(**{"required": required, **options})
    if kind in (int, int | None):
        return forms.IntegerField(**{"required": required, **options})
    if kind == list[str]:
        if "choices" in options:
            return forms.MultipleChoiceField(**{"required": required, **options})
        return TagListField(**{"required": required, **options})
    if kind is str and "choices" in options:
        return forms.ChoiceField(**{"required": True, **options})
    if kind is str:
        return forms.CharField(**{"required": required, "strip": False, **options})
    raise ImproperlyConfigured(f"No form field for {data_class.__name__}.{name}: {kind}")


class DataclassFormMetaclass(DeclarativeFieldsMetaclass):
    """Declares a field for each field of `Meta.dataclass`, in its order, with
    `Meta.presentation[name]` as its presentation (see `dataclass_form_field`). A field
    declared on the form itself replaces the generated one."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> type:
        if meta := attrs.get("Meta"):
            presentation: dict[str, dict[str, Any]] = getattr(meta, "presentation", {})
            names = [f.name for f in fields(meta.dataclass)]
            if unknown := set(presentation) - set(names):
                raise ImproperlyConfigured(f"{meta.dataclass.__name__} has no field {unknown}")
            generated = {
                n: dataclass_form_field(meta.dataclass, n, **presentation.get(n, {})) for n in names
            }
            attrs = {**generated, **attrs}
        return super().__new__(mcs, name, bases, attrs)


class DataclassForm(CleanTextForm, forms.Form, metaclass=DataclassFormMetaclass):
    """A form whose fields are those of a service's input dataclass (`Meta.dataclass`)."""


class WorkForm(DataclassForm):
    """Work metadata; limits are checked by the services so every caller gets the same rules."""

    class Meta:
        dataclass = WorkInput
        presentation: dict[str, dict[str, Any]] = {
            "warnings": {
                "label": "Archive warnings",
                "choices": [(w, w) for w in ARCHIVE_WARNINGS],
                "widget": forms.CheckboxSelectMultiple,
            },
            "categories": {
                "choices": [(c, c) for c in CATEGORIES],
                "widget": forms.CheckboxSelectMultiple,
            },
            "fandoms": {"required": True, "help_text": "At least one. " + TAG_HELP},
            "relationships": {"help_text": "Use / for romantic and & for platonic. " + TAG_HELP},
            "freeforms": {"label": "Additional tags"},
            "language": {"choices": LANGUAGES},
            "text_format": {"label": "I am writing in"},
            "summary": {"widget": _area(4)},
            "notes": {"label": "Beginning notes", "widget": _area(4)},
            "end_notes": {"label": "End notes", "widget": _area(4)},
            "restricted": {"label": "Only show to logged-in readers"},
            "complete": {"label": "This work is complete"},
            "expected_chapters": {
                "label": "Expected number of chapters",
                "min_value": 1,
                "help_text": "Leave empty if you don't know yet.",
            },
            "comment_policy": {"label": "Who may comment", "required": False},
            "moderate_comments": {"label": "Approve comments before they appear"},
        }

    def clean_comment_policy(self) -> str:
        return self.cleaned_data.get("comment_policy") or CommentPolicy.ANYONE

    def work_input(self) -> WorkInput:
        return WorkInput(**{f.name: self.cleaned_data[f.name] for f in fields(WorkInput)})

    @classmethod
    def initial_for(cls, work: Work) -> dict:
        return cls.initial_from(work_input_of(work))

    @classmethod
    def initial_from(cls, data: WorkInput) -> dict:
        """The form's initial values for these work fields (tag lists as typed text)."""
        initial = asdict(data)
        for name, field in cls.base_fields.items():
            if isinstance(field, TagListField):
                initial[name] = ", ".join(initial[name])
        return initial


class ChapterForm(DataclassForm):
    class Meta:
        dataclass = ChapterInput
        presentation: dict[str, dict[str, Any]] = {
            "title": {"label": "Chapter title"},
            "summary": {"label": "Chapter summary", "widget": _area(3)},
            "notes": {"label": "Chapter notes", "widget": _area(3)},
            "body": {"label": "Chapter text", "widget": _area(24)},
            "end_notes": {"label": "Chapter end notes", "widget": _area(3)},
            "text_format": {"label": "I am writing in"},
        }

    def chapter_input(self) -> ChapterInput:
        return ChapterInput(**{f.name: self.cleaned_data[f.name] for f in fields(ChapterInput)})


class NewWorkForm(WorkForm):
    """A new work: its metadata plus the first chapter."""

    chapter_title = dataclass_form_field(ChapterInput, "title", label="First chapter title")
    body = dataclass_form_field(ChapterInput, "body", label="Work text", widget=_area(24))

    def chapter_input(self) -> ChapterInput:
        d = self.cleaned_data
        return ChapterInput(title=d["chapter_title"], body=d["body"], text_format=d["text_format"])
