import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fanfold.core.text import SANITIZER_VERSION
from fanfold.tags.models import Tag
from fanfold.works import services
from fanfold.works.inputs import ChapterInput, WorkInput
from fanfold.works.models import Status
from tests.factories import WorkFactory, add_chapter
from tests.works.test_views import FORM


@pytest.mark.django_db
def test_chapter_counts_and_status(author):
    work = WorkFactory(by=author)
    assert (work.posted_chapter_count, work.chapter_total_display) == (1, "?")
    add_chapter(work, by=author)
    add_chapter(work, by=author)
    work.refresh_from_db()
    assert (work.posted_chapter_count, work.chapter_total_display) == (3, "?")
    services.work_set_complete(work=work, by=author, complete=True)
    work.refresh_from_db()
    assert f"{work.posted_chapter_count}/{work.chapter_total_display}" == "3/3"
    services.work_set_complete(work=work, by=author, complete=False)
    work.refresh_from_db()
    assert work.chapter_total_display == "?"


@pytest.mark.django_db
def test_expected_chapters_shown(author):
    work = WorkFactory(by=author, expected_chapters=5)
    assert f"{work.posted_chapter_count}/{work.chapter_total_display}" == "1/5"


@pytest.mark.django_db
def test_posting_a_chapter_moves_updated_date(author):
    work = WorkFactory(by=author)
    before = work.updated_at
    draft = add_chapter(work, by=author, publish=False)
    work.refresh_from_db()
    assert work.updated_at == before
    services.chapter_publish(chapter=draft, by=author)
    work.refresh_from_db()
    assert work.updated_at > before
    assert work.posted_chapter_count == 2


@pytest.mark.django_db
def test_draft_work_publishes_with_its_chapters(author):
    work = WorkFactory(by=author, publish=False)
    add_chapter(work, by=author, publish=True)  # stays a draft: the work is a draft
    assert work.chapters.filter(status=Status.DRAFT).count() == 2
    services.work_publish(work=work, by=author)
    assert work.chapters.filter(status=Status.PUBLISHED).count() == 2
    work.refresh_from_db()
    assert work.published_at is not None and work.posted_chapter_count == 2


@pytest.mark.django_db
def test_reorder_and_delete_renumber(author):
    work = WorkFactory(by=author, body="<p>one</p>")
    two = add_chapter(work, by=author, body="<p>two</p>")
    three = add_chapter(work, by=author, body="<p>three</p>")
    one = work.chapters.get(position=1)
    services.chapters_reorder(work=work, by=author, order=[three.pk, one.pk, two.pk])
    assert list(work.chapters.values_list("pk", flat=True)) == [three.pk, one.pk, two.pk]
    with pytest.raises(ValidationError):
        services.chapters_reorder(work=work, by=author, order=[three.pk, one.pk])
    services.chapter_delete(chapter=one, by=author)
    assert list(work.chapters.values_list("position", flat=True)) == [1, 2]
    work.refresh_from_db()
    assert work.posted_chapter_count == 2
    services.chapter_delete(chapter=work.chapters.first(), by=author)
    with pytest.raises(ValidationError):
        services.chapter_delete(chapter=work.chapters.get(), by=author)


@pytest.mark.django_db
def test_permissions_checked_in_services(author, other):
    work = WorkFactory(by=author)
    chapter = work.chapters.get()
    data = WorkInput(title="x", fandoms=["F"])
    for call in (
        lambda: services.work_update(work=work, by=other, data=data),
        lambda: services.work_publish(work=work, by=other),
        lambda: services.work_delete(work=work, by=other),
        lambda: services.chapter_create(
            work=work, by=other, data=ChapterInput(body="x"), publish=True
        ),
        lambda: services.chapter_update(chapter=chapter, by=other, data=ChapterInput(body="x")),
        lambda: services.chapter_delete(chapter=chapter, by=other),
        lambda: services.chapters_reorder(work=work, by=other, order=[chapter.pk]),
    ):
        with pytest.raises(PermissionDenied):
            call()


@pytest.mark.django_db
def test_tags_are_shared_rows_by_type_and_name(author):
    a = WorkFactory(
        by=author,
        fandoms=["Buffy the Vampire Slayer"],
        relationships=["Spike/Buffy Summers"],
        freeforms=["Angst", "angst "],
    )
    b = WorkFactory(by=author, fandoms=["buffy the vampire slayer"], characters=["Spike"])
    assert Tag.objects.filter(type="fandom", name__iexact="Buffy the Vampire Slayer").count() == 1
    assert set(a.tags.values_list("type", flat=True)) == {"fandom", "relationship", "freeform"}
    assert a.tags.filter(type="freeform").count() == 1
    assert a.tags.get(type="fandom") == b.tags.get(type="fandom")
    # Same name, different type: different tags.
    WorkFactory(by=author, fandoms=["Spike"])
    assert Tag.objects.filter(name="Spike").count() == 2


@pytest.mark.django_db
def test_limits_are_refused_with_clear_messages(author):
    cases = {
        "title": dict(title="x" * 256),
        "summary": dict(summary="x" * 1251),
        "notes": dict(notes="x" * 5001),
        "freeforms": dict(freeforms=[f"t{i}" for i in range(76)]),
        "fandoms": dict(fandoms=[]),
    }
    for field, kwargs in cases.items():
        data = WorkInput(**{"title": "ok", "fandoms": ["F"], **kwargs})
        with pytest.raises(ValidationError) as err:
            services.work_create(by=author, data=data, chapter=ChapterInput(body="x"), publish=True)
        assert field in err.value.message_dict
        assert err.value.message_dict[field][0]
    with pytest.raises(ValidationError) as err:
        services.work_create(
            by=author,
            data=WorkInput(title="ok", fandoms=["F"]),
            chapter=ChapterInput(body="x" * 500_001),
            publish=True,
        )
    assert "500,000" in err.value.message_dict["body"][0]
    # Exactly at the limits is fine.
    services.work_create(
        by=author,
        data=WorkInput(
            title="x" * 255,
            summary="s" * 1250,
            notes="n" * 5000,
            fandoms=["F"],
            freeforms=[f"t{i}" for i in range(75)],
        ),
        chapter=ChapterInput(body="word " * 100_000),
        publish=True,
    )


@pytest.mark.django_db
def test_text_is_sanitized_counted_and_versioned(author):
    work = WorkFactory(
        by=author,
        body='<p onclick="evil()">Hello <script>alert(1)</script><em>brave</em> world'
        '<a href="javascript:alert(1)">x</a></p><div><p>unclosed',
    )
    chapter = work.chapters.get()
    assert "script" not in chapter.body_html and "onclick" not in chapter.body_html
    assert "javascript:" not in chapter.body_html
    assert "<em>brave</em>" in chapter.body_html
    assert chapter.sanitizer_version == SANITIZER_VERSION
    assert chapter.word_count == 5  # Hello brave world x unclosed
    assert work.word_count == 5


@pytest.mark.django_db
def test_formats(author):
    md = WorkFactory(
        by=author, text_format="markdown", body="# Title\n\nSome *bold* text\n\n***\n\nMore"
    )
    html = md.chapters.get().body_html
    assert "<h1>Title</h1>" in html and "<em>bold</em>" in html and "<hr>" in html
    plain = WorkFactory(
        by=author, text_format="plain", body="Line one\nline two\n\nPara <b>two</b>"
    )
    html = plain.chapters.get().body_html
    assert html == "<p>Line one<br>\nline two</p>\n<p>Para &lt;b&gt;two&lt;/b&gt;</p>"


@pytest.mark.django_db
def test_failed_create_leaves_nothing(author):
    from fanfold.works.models import Work

    with pytest.raises(ValidationError):
        services.work_create(
            by=author,
            data=WorkInput(title="Half", fandoms=["New Fandom"]),
            chapter=ChapterInput(body=""),
            publish=True,
        )
    assert not Work.objects.exists()
    assert not Tag.objects.filter(name="New Fandom").exists()


@pytest.mark.django_db
def test_dates_are_stored_aware_in_utc(author, settings):
    settings.TIME_ZONE = "America/New_York"
    work = WorkFactory(by=author)
    work.refresh_from_db()
    assert timezone.is_aware(work.published_at) and work.published_at.utcoffset().seconds == 0


@pytest.mark.django_db
def test_deleting_the_newest_chapter_moves_updated_date_back(author):
    work = WorkFactory(by=author)
    first_date = work.updated_at
    newest = add_chapter(work, by=author)
    work.refresh_from_db()
    assert work.updated_at > first_date
    services.chapter_delete(chapter=newest, by=author)
    work.refresh_from_db()
    assert work.updated_at == first_date


@pytest.mark.django_db
def test_only_posted_chapter_of_a_published_work_cannot_be_deleted(author):
    work = WorkFactory(by=author)
    add_chapter(work, by=author, publish=False)
    with pytest.raises(ValidationError):
        services.chapter_delete(chapter=work.chapters.get(position=1), by=author)
    work.refresh_from_db()
    assert work.posted_chapter_count == 1


@pytest.mark.django_db
def test_saving_and_publishing_is_one_transaction(client, author):
    """A draft staff hid can't be posted: the edit that came with "publish" is not kept either."""
    from fanfold.accounts.services import api_token_create
    from fanfold.works.models import Work

    work = WorkFactory(by=author, publish=False, title="Before")
    Work.objects.filter(pk=work.pk).update(hidden=True)
    token = api_token_create(user=author, name="t")[1]
    response = client.patch(
        f"/api/v1/works/{work.pk}",
        {"title": "After", "publish": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 422
    assert Work.objects.get(pk=work.pk).title == "Before"
    client.force_login(author)
    form = {**FORM, "title": "After", "publish": "Post"}
    page = client.post(f"/works/{work.pk}/edit/", form)
    assert page.status_code == 200 and "staff hid this work" in page.content.decode()
    assert Work.objects.get(pk=work.pk).title == "Before"


@pytest.mark.django_db
def test_publishing_alone_does_not_recheck_the_saved_fields(client, author):
    """PATCH {"publish": true} posts the draft as it is, even if a tag it had was since
    deleted (which today's form would refuse)."""
    from fanfold.accounts.services import api_token_create
    from fanfold.works.models import Work

    work = WorkFactory(by=author, publish=False, fandoms=["Soon Gone"])
    Tag.objects.filter(name="Soon Gone").delete()
    token = api_token_create(user=author, name="t")[1]
    response = client.patch(
        f"/api/v1/works/{work.pk}",
        {"publish": True},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 200, response.content
    assert Work.objects.get(pk=work.pk).status == Status.PUBLISHED
