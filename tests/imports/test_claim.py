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
