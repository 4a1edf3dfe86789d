"""`manage.py load_demo` (run by `make run`) fills a fresh archive once, and never again."""

from io import StringIO

import pytest
from django.core.management import call_command

from fanfold.accounts.models import User
from fanfold.works.models import Work


@pytest.mark.django_db
def test_demo_content_loads_into_an_empty_archive_only(client):
    call_command("load_demo", "--if-empty", stdout=StringIO())
    ada = User.objects.get(username="ada_writes")
    assert ada.check_password("fanfold-demo-author")
    assert Work.objects.filter(creators=ada).count() == 4
    works = Work.objects.count()
    assert client.get("/").status_code == 200
    out = StringIO()
    call_command("load_demo", "--if-empty", stdout=out)
    assert "already has users" in out.getvalue() and Work.objects.count() == works
