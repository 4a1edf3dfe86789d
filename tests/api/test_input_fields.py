"""Issue 8: a work's and a chapter's input fields are listed once, in `WorkInput` and
`ChapterInput`; the API's input schemas and the HTML forms are made from them. These tests
fail if the API, the form or the OpenAPI document drift from the dataclasses."""

from dataclasses import MISSING, asdict, dataclass, field, fields

import pytest
from django import forms
from django.core.exceptions import ImproperlyConfigured

from fanfold.api.schemas import ChapterIn, ChapterPatch, WorkIn, WorkPatch, input_schema
from fanfold.works.forms import ChapterForm, DataclassForm, NewWorkForm, WorkForm
from fanfold.works.inputs import CHOICES, ChapterInput, WorkInput, one_of
from fanfold.works.models import Rating

# What the API and the forms have besides the dataclass's fields (and nothing else).
CASES = [
    pytest.param(WorkInput, WorkIn, {"chapter", "publish"}, WorkPatch, WorkForm, id="work"),
    pytest.param(ChapterInput, ChapterIn, {"publish"}, ChapterPatch, ChapterForm, id="chapter"),
]


def _names(data_class) -> list[str]:
    return [f.name for f in fields(data_class)]


def _default(f):
    if f.default is not MISSING:
        return f.default
    return f.default_factory() if f.default_factory is not MISSING else MISSING


@pytest.mark.parametrize(("data_class", "create", "extra", "patch", "form"), CASES)
def test_the_api_and_the_form_have_the_dataclass_fields_in_its_order(
    data_class, create, extra, patch, form
):
    names = _names(data_class)
    assert [n for n in create.model_fields if n not in extra] == names
    assert set(create.model_fields) - set(names) == extra
    assert list(patch.model_fields) == [*names, "publish"]
    assert list(form.base_fields) == names


@pytest.mark.parametrize(("data_class", "create", "extra", "patch", "form"), CASES)
def test_the_api_and_the_form_have_the_dataclass_defaults(data_class, create, extra, patch, form):
    for f in fields(data_class):
        default = _default(f)
        api_field = create.model_fields[f.name]
        form_field = form.base_fields[f.name]
        if default is MISSING:
            assert api_field.is_required(), f.name
            assert form_field.required, f.name
            continue
        assert not api_field.is_required(), f.name
        assert api_field.get_default(call_default_factory=True) == default, f.name
        if f.default is not MISSING:
            assert form_field.initial == default, f.name
        # In a PATCH, null or nothing means "leave as it is".
        assert patch.model_fields[f.name].get_default() is None, f.name


@pytest.mark.parametrize(("data_class", "create", "extra", "patch", "form"), CASES)
def test_choice_fields_are_enums_in_the_api_and_selects_in_the_form(
    data_class, create, extra, patch, form
):
    chosen = {f.name: f.metadata[CHOICES] for f in fields(data_class) if CHOICES in f.metadata}
    assert chosen, "WorkInput and ChapterInput each have a field of fixed choices"
    for name, choices in chosen.items():
        assert create.model_fields[name].annotation is choices
        assert patch.model_fields[name].annotation == choices | None
        assert isinstance(form.base_fields[name], forms.ChoiceField)
        assert list(form.base_fields[name].choices) == choices.choices


def _posted(initial: dict) -> dict:
    """What a browser sends for a form showing `initial`: unchecked boxes and empty
    numbers send nothing."""
    return {k: v for k, v in initial.items() if v not in (False, None)}


def test_a_work_goes_through_the_form_and_the_api_unchanged():
    work = WorkInput(
        title="Title",
        rating=Rating.TEEN,
        warnings=["No Archive Warnings Apply"],
        categories=["Gen"],
        fandoms=["A Fandom"],
        relationships=["A/B"],
        characters=["A", "B"],
        freeforms=["Fluff"],
        language="de",
        text_format="markdown",
        summary="Summary",
        notes="Notes",
        end_notes="End notes",
        restricted=True,
        complete=True,
        expected_chapters=3,
        comment_policy="users",
        moderate_comments=True,
    )
    assert all(getattr(work, f.name) != _default(f) for f in fields(WorkInput)), (
        "give every field a value other than its default, so each one is tested"
    )
    form = WorkForm(data=_posted(WorkForm.initial_from(work)))
    assert form.is_valid(), form.errors
    assert form.work_input() == work
    payload = WorkIn(**asdict(work), chapter={"body": "Text"})
    assert WorkInput(**payload.dict(exclude={"chapter", "publish"})) == work


def test_defaults_go_through_the_form_and_the_api_unchanged():
    work = WorkInput(title="Title", fandoms=["A Fandom"])  # what the form requires
    form = WorkForm(data=_posted(WorkForm.initial_from(work)))
    assert form.is_valid(), form.errors
    assert form.work_input() == work
    api = WorkIn(title="Title", fandoms=["A Fandom"], chapter={"body": "Text"})
    assert WorkInput(**api.dict(exclude={"chapter", "publish"})) == work
    chapter = ChapterInput(body="Text")
    chapter_form = ChapterForm(data=_posted(asdict(chapter)))
    assert chapter_form.is_valid(), chapter_form.errors
    assert chapter_form.chapter_input() == chapter
    assert ChapterInput(**ChapterIn(body="Text").dict(exclude={"publish"})) == chapter


def test_the_new_work_form_takes_its_first_chapter_fields_from_chapter_input():
    assert list(NewWorkForm.base_fields) == [*_names(WorkInput), "chapter_title", "body"]
    assert NewWorkForm.base_fields["body"].required
    assert not NewWorkForm.base_fields["chapter_title"].required


@pytest.mark.django_db
def test_the_openapi_document_has_the_dataclass_fields(client):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    for data_class, create, extra in ((WorkInput, "WorkIn", ["chapter", "publish"]),
                                      (ChapterInput, "ChapterIn", ["publish"])):  # fmt: skip
        doc = schemas[create]
        assert list(doc["properties"]) == [*_names(data_class), *extra]
        required = [f.name for f in fields(data_class) if _default(f) is MISSING]
        assert doc["required"] == [*required, *(["chapter"] if "chapter" in extra else [])]
        for f in fields(data_class):
            prop = doc["properties"][f.name]
            if CHOICES in f.metadata:
                enum = f.metadata[CHOICES]
                assert prop["allOf"] == [{"$ref": f"#/components/schemas/{enum.__name__}"}]
                assert schemas[enum.__name__]["enum"] == list(enum.values)
            if _default(f) is not MISSING and f.default is not None:
                assert prop["default"] == _default(f), f.name
        patch = schemas[create.replace("In", "Patch")]
        assert list(patch["properties"]) == [*_names(data_class), "publish"]
        assert "required" not in patch


@dataclass(kw_only=True)
class _GrownWork(WorkInput):
    """WorkInput with fields added, as a later change to WorkInput would add them."""

    beta_reader: str = ""
    series_position: int | None = None
    mood: str = one_of(Rating, default=Rating.GENERAL)
    crossover: bool = False
    prompts: list[str] = field(default_factory=list)


def test_a_field_added_to_the_dataclass_appears_in_the_api_and_the_form():
    class GrownForm(DataclassForm):
        class Meta:
            dataclass = _GrownWork
            presentation = {"beta_reader": {"label": "Beta reader"}}

    added = ["beta_reader", "series_position", "mood", "crossover", "prompts"]
    assert list(GrownForm.base_fields)[-len(added) :] == added
    assert GrownForm.base_fields["beta_reader"].label == "Beta reader"
    assert isinstance(GrownForm.base_fields["series_position"], forms.IntegerField)
    assert isinstance(GrownForm.base_fields["mood"], forms.ChoiceField)
    assert isinstance(GrownForm.base_fields["crossover"], forms.BooleanField)
    schema = input_schema(_GrownWork)
    assert list(schema.model_fields)[-len(added) :] == added
    assert schema.model_fields["mood"].annotation is Rating
    assert schema.model_fields["mood"].default == Rating.GENERAL
    partial = input_schema(_GrownWork, partial=True)
    assert set(partial.model_fields) == set(_names(_GrownWork))


def test_presentation_for_a_field_the_dataclass_lacks_is_refused():
    with pytest.raises(ImproperlyConfigured, match="no field"):

        class Drifted(DataclassForm):
            class Meta:
                dataclass = ChapterInput
                presentation = {"chapter_summary": {"label": "Old name"}}
