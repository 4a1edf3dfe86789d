"""Factories that build real rows through Fanfold's own services."""

import factory
from django.contrib.auth import get_user_model

from fanfold.works import services
from fanfold.works.inputs import ChapterInput, WorkInput

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


_counter = iter(range(1, 10**9))


def WorkFactory(  # noqa: N802 - reads like the other factories
    *,
    by,
    publish: bool = True,
    title: str | None = None,
    body: str = "<p>It was a dark and stormy night.</p>",
    **fields,
):
    """Post a work through work_create, as an author would."""
    fields.setdefault("fandoms", ["Test Fandom"])
    fields.setdefault("rating", "general")
    data = WorkInput(title=title or f"Work {next(_counter)}", **fields)
    chapter = ChapterInput(body=body, text_format=data.text_format)
    return services.work_create(by=by, data=data, chapter=chapter, publish=publish)


def add_chapter(work, *, by, publish: bool = True, body: str = "<p>Another chapter.</p>", **kw):
    return services.chapter_create(
        work=work, by=by, data=ChapterInput(body=body, **kw), publish=publish
    )
