from pathlib import Path

import pytest

from tests.factories import UserFactory
from tests.imports.test_text_import import run

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.django_db
def test_verified_author_claims_their_imported_work(client):
    lines, _ = run(FIXTURES / "lanterns-cp1252-crlf.txt", "--json")
    work_id = lines[0]["work_id"]
    stranger = UserFactory(username="stranger", email="someone@example.org", email_verified=True)
    unverified = UserFactory(username="unverified", email="MoonWillow@example.net")
    author = UserFactory(username="moon", email="MoonWillow@Example.net", email_verified=True)

    for user in (stranger, unverified):
        client.force_login(user)
        client.post("/works/import/claim/")
    assert "by Moonwillow (imported)" in client.get(f"/works/{work_id}/").content.decode()

    client.force_login(author)
    page = client.get("/works/import/claim/").content.decode()
    assert "Lanterns in the Crypt" in page
    response = client.post("/works/import/claim/")
    assert response.status_code == 302
    page = client.get(f"/works/{work_id}/").content.decode()
    assert "(imported)" not in page and "Edit work" in page
    client.logout()
    assert 'href="/users/moon/"' in client.get(f"/works/{work_id}/").content.decode()
    # Claimed once: nothing is left to claim.
    client.force_login(author)
    assert "No imported works" in client.get("/works/import/claim/").content.decode()


@pytest.mark.django_db
def test_claimable_works_are_found_by_the_database(django_assert_num_queries):
    """One query whatever the number of imported works: the match is made in the database,
    case-insensitively, on the author's own addresses only."""
    from fanfold.imports import selectors, services
    from fanfold.imports.importers.story import ParsedChapter, ParsedStory

    for n in range(30):
        story = ParsedStory(source=f"s{n}.txt", format="text", title=f"Story {n}")
        story.chapters = [ParsedChapter("", [f"Paragraph {n}."])]
        story.private_contact.email = [f"Author{n}@Example.net"]
        story.private_contact.mentioned = ["beta@example.net"]
        services.story_import(story=story, digest=f"{n:064d}")
    author = UserFactory(username="a7", email="author7@example.NET", email_verified=True)
    beta = UserFactory(username="beta", email="beta@example.net", email_verified=True)
    with django_assert_num_queries(1):
        found = selectors.imported_stories_claimable(user=author)
    assert [s.work.title for s in found] == ["Story 7"]
    assert selectors.imported_stories_claimable(user=beta) == []
