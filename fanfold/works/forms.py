from dataclasses import asdict, fields

from django import forms

from fanfold.core.forms import CleanTextForm
from fanfold.core.text import TextFormat
from fanfold.tags.models import ARCHIVE_WARNINGS, CATEGORIES
from fanfold.tags.services import split_tag_list
from fanfold.works.models import LANGUAGES, CommentPolicy, Rating, Work
from fanfold.works.selectors import work_input_of
from fanfold.works.services import ChapterInput, WorkInput

TAG_HELP = "Separate tags with commas."


class TagListField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", TAG_HELP)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return split_tag_list(super().to_python(value))


def _area(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class WorkForm(CleanTextForm, forms.Form):
    """Work metadata; limits are checked by the services so every caller gets the same rules."""

    title = forms.CharField(strip=False)
    rating = forms.ChoiceField(choices=Rating.choices, initial=Rating.NOT_RATED)
    warnings = forms.MultipleChoiceField(
        label="Archive warnings",
        choices=[(w, w) for w in ARCHIVE_WARNINGS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    categories = forms.MultipleChoiceField(
        choices=[(c, c) for c in CATEGORIES], widget=forms.CheckboxSelectMultiple, required=False
    )
    fandoms = TagListField(required=True, help_text="At least one. " + TAG_HELP)
    relationships = TagListField(help_text="Use / for romantic and & for platonic. " + TAG_HELP)
    characters = TagListField()
    freeforms = TagListField(label="Additional tags")
    language = forms.ChoiceField(choices=LANGUAGES, initial="en")
    text_format = forms.ChoiceField(
        label="I am writing in", choices=TextFormat.choices, initial=TextFormat.HTML
    )
    summary = forms.CharField(required=False, strip=False, widget=_area(4))
    notes = forms.CharField(label="Beginning notes", required=False, strip=False, widget=_area(4))
    end_notes = forms.CharField(label="End notes", required=False, strip=False, widget=_area(4))
    restricted = forms.BooleanField(label="Only show to logged-in readers", required=False)
    complete = forms.BooleanField(label="This work is complete", required=False)
    expected_chapters = forms.IntegerField(
        label="Expected number of chapters", required=False, min_value=1,
        help_text="Leave empty if you don't know yet.",
    )  # fmt: skip
    comment_policy = forms.ChoiceField(
        label="Who may comment",
        choices=CommentPolicy.choices,
        initial=CommentPolicy.ANYONE,
        required=False,
    )
    moderate_comments = forms.BooleanField(
        label="Approve comments before they appear", required=False
    )

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
        for name in ("fandoms", "relationships", "characters", "freeforms"):
            initial[name] = ", ".join(initial[name])
        return initial


class ChapterForm(CleanTextForm, forms.Form):
    title = forms.CharField(label="Chapter title", required=False, strip=False)
    summary = forms.CharField(label="Chapter summary", required=False, strip=False, widget=_area(3))
    notes = forms.CharField(label="Chapter notes", required=False, strip=False, widget=_area(3))
    body = forms.CharField(label="Chapter text", strip=False, widget=_area(24))
    end_notes = forms.CharField(
        label="Chapter end notes", required=False, strip=False, widget=_area(3)
    )
    text_format = forms.ChoiceField(
        label="I am writing in", choices=TextFormat.choices, initial=TextFormat.HTML
    )

    def chapter_input(self) -> ChapterInput:
        return ChapterInput(**{f.name: self.cleaned_data[f.name] for f in fields(ChapterInput)})


class NewWorkForm(WorkForm):
    """A new work: its metadata plus the first chapter."""

    chapter_title = forms.CharField(label="First chapter title", required=False, strip=False)
    body = forms.CharField(label="Work text", strip=False, widget=_area(24))

    def chapter_input(self) -> ChapterInput:
        d = self.cleaned_data
        return ChapterInput(title=d["chapter_title"], body=d["body"], text_format=d["text_format"])
