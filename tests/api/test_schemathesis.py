"""Schemathesis against the API, in process: every operation's answers match the document.

Bounded and derandomized so it runs the same in every CI run (on SQLite and PostgreSQL, as
part of the suite) in well under a minute.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from fanfold.accounts.services import api_token_create
from fanfold.wsgi import application
from tests.factories import UserFactory, WorkFactory

ACCEPTED = ["2xx", "3xx", "401", "403", "404", "409", "429", "5xx"]  # schemathesis's own


# The services check what a schema can't say (a title that is more than spaces, a known
# fandom list, text a database can store...) and answer 422 with a message per field, as the
# document lists: schema-valid data they refuse so is no failure; any other answer is.
CONFIG = SchemathesisConfig.from_dict(
    {"checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}}
)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application, config=CONFIG)


@pytest.fixture
def in_test_transaction(db):
    """Calls go straight to the WSGI app, not through Django's test client: keep the test's
    database connection open between them, as the test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


TOKEN: dict[str, str] = {}


@schema.auth(refresh_interval=None, retry_on=[])
class PersonalToken:
    """The fixture's token, on every call but those schemathesis sends without one on purpose."""

    def get(self, case, ctx):
        return TOKEN.get("raw")

    def set(self, case, data, ctx):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@pytest.fixture
def token(in_test_transaction):
    # Something to find: a work with a chapter, by an author whose token the calls use.
    author = UserFactory(username="fuzzauthor")
    WorkFactory(by=author, publish=True)
    TOKEN["raw"] = api_token_create(user=author, name="fuzz")[1]
    yield
    TOKEN.clear()


@schema.parametrize()
@settings(
    max_examples=8,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api_answers_as_documented(case, token):
    case.call_and_validate()
