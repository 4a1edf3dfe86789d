"""Every route of the URL conf (pages, feeds, admin and the ninja API), and how to fill one in.

The security checks walk ``get_resolver().url_patterns`` instead of keeping their own list, so
a route added to any ``urls.py`` (or a new API endpoint) is checked without editing the tests.
A route whose URL parameters the tests can't fill makes them fail and say which parameter to
add to the test's mapping.
"""

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db import connection, transaction
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern

_ROUTE_PARAM = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\(\?P<(?P<name>\w+)>[^)]*\)")


@dataclass
class Route:
    """One URL pattern with the patterns of the resolvers above it."""

    template: str
    chain: tuple
    names: list[str] = field(default_factory=list)

    @property
    def params(self) -> list[str]:
        out: list[str] = []
        for p in self.chain:
            if isinstance(p, RoutePattern):
                out += list(p.converters)
            elif isinstance(p, RegexPattern):
                out += list(p.regex.groupindex)
        return out

    @property
    def label(self) -> str:
        name = next((n for n in self.names if n), None)
        return f"/{self.template}" + (f" ({name})" if name else "")

    @property
    def is_api(self) -> bool:
        return self.template.startswith("api/")

    @property
    def is_admin(self) -> bool:
        return self.template.startswith("admin/")

    def url(self, values: Mapping[str, object]) -> str:
        """The path for these parameter values (KeyError names a parameter without a value)."""
        parts = []
        for p in self.chain:
            text = str(p)
            if isinstance(p, RoutePattern):
                parts.append(_ROUTE_PARAM.sub(lambda m: _quote(values[m["name"]]), text))
            else:
                text = text.removeprefix("^").removesuffix("$")
                parts.append(_REGEX_GROUP.sub(lambda m: _quote(values[m["name"]]), text))
        return "/" + "".join(parts)


def _quote(value: object) -> str:
    # bytes are sent as they are (the fuzz tests send invalid UTF-8 that way)
    return quote(value if isinstance(value, bytes) else str(value), safe="/")


def _walk(patterns, chain=()) -> Iterator[tuple[tuple, URLPattern]]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, (*chain, p.pattern))
        else:
            yield (*chain, p.pattern), p


def all_routes() -> list[Route]:
    """Every URL pattern once (the API lists one path under each method's name)."""
    routes: dict[str, Route] = {}
    for chain, pattern in _walk(get_resolver().url_patterns):
        template = "".join(str(p) for p in chain)
        route = routes.setdefault(template, Route(template=template, chain=chain))
        route.names.append(pattern.name)
    return list(routes.values())


def fill(route: Route, values: Mapping[str, object]) -> str:
    """The route's URL with these values; fails with advice when a parameter has none, or
    when the URL made from them does not resolve back to this route."""
    missing = [p for p in route.params if p not in values]
    assert not missing, (
        f"Route {route.label} has URL parameter(s) {missing} that the security tests can't "
        f"fill: add a value for each to PARAMS (or a scenario) in tests/security/."
    )
    url = route.url(values)
    match = resolve(url.split("?")[0])
    assert match.url_name in route.names or (match.url_name is None and None in route.names), (
        f"{url} was made for {route.label} but resolves to {match.url_name!r}: give the "
        f"parameters {route.params} values that fit the pattern."
    )
    return url


class WriteRecorder:
    """Records the SQL statements that change rows (INSERT, UPDATE, DELETE)."""

    def __init__(self):
        self.writes: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        head = sql.lstrip().split(None, 1)[0].upper() if sql.strip() else ""
        if head in {"INSERT", "UPDATE", "DELETE", "REPLACE"}:
            self.writes.append(sql[:160])
        return execute(sql, params, many, context)


@dataclass
class Result:
    status: int
    body: bytes
    headers: dict
    error: str = ""
    writes: list[str] = field(default_factory=list)

    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def in_savepoint(requests) -> Result:
    """Run ``requests()`` (one request, or a few that follow each other) in a savepoint that is
    always rolled back: the fixture rows stay as they are for the next example, and a database
    error (a PostgreSQL transaction aborted by a failing query) can't spoil the ones after it.
    ``requests`` returns the Result to report; an exception is a 500 with its text."""
    recorder = WriteRecorder()
    with transaction.atomic():
        try:
            with connection.execute_wrapper(recorder):
                result = requests()
        except Exception as e:  # the error page itself failed
            transaction.set_rollback(True)
            return Result(500, b"", {}, error=f"{type(e).__name__}: {e}"[:400])
        transaction.set_rollback(True)
    result.writes = recorder.writes
    return result


def result_of(response) -> Result:
    error = ""
    if exc := getattr(response, "exc_info", None):
        error = f"{exc[0].__name__}: {exc[1]}"[:400]
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return Result(response.status_code, body, dict(response.items()), error)


def send(client, method: str, url: str, **kwargs) -> Result:
    """One request in a savepoint that is always rolled back (see ``in_savepoint``). A view's
    exception is a 500 with its text."""
    return in_savepoint(lambda: result_of(getattr(client, method)(url, **kwargs)))
