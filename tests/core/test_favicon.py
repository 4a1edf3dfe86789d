"""Every page has an icon, and browsers asking for /favicon.ico get it instead of a 404."""

import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders


@pytest.mark.django_db
def test_pages_link_the_svg_icon(client):
    page = client.get("/").content.decode()
    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link is not None and link.group(1) == "/static/fanfold/favicon.svg"
    path = finders.find("fanfold/favicon.svg")
    assert path and Path(path).read_text().startswith("<svg")


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/fanfold/favicon.svg"
    assert client.head("/favicon.ico").status_code == 302
