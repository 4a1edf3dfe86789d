"""Adversarial input to every form and every API endpoint: never a 500, and sensible 4xx.

The endpoints are found, not listed: the API's from its OpenAPI schema, the forms by loading
every page of the URL conf (as a guest and as a creator) and reading its POST forms with lxml.
Text includes NUL, lone surrogates (sent in JSON as ``\\ud800`` escapes, in forms as the raw
bytes a broken client would send), non-characters, very long strings, huge numbers and wrong
types. Each request runs in a savepoint that is rolled back, so every example starts from the
same archive. Hypothesis is derandomized, with a bounded number of examples, for CI.
"""

import json
from http.cookies import SimpleCookie
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html
import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from fanfold.api.api import api
from tests.security.conftest import World
from tests.security.routes import all_routes, fill, send
from tests.security.test_access_matrix import QUERIES

SPECIAL = [
    "\x00",
    "a\x00b",
    "\ud800",
    "\udfff",
    "x\ud800y",
    "\ufffe",
    "\uffff",
    "\ufdd0",
    "\U0010ffff",
    "\u202e",
    "\U0001f600" * 3,
    "ſ",
    "\r\n",
    " ",
    "",
    "0",
    "-1",
    "9" * 30,
    "1e309",
    "NaN",
    "null",
    "../../etc/passwd",
    "%00",
    "<script>x</script>",
    "x" * 300,
    "y" * 6000,
    "z" * 600_000,
]
text = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(st.characters(exclude_categories=()), max_size=40),
)
HUGE_INTS = [2**63, 2**64, -(2**63) - 1, 10**40, -1, 0]
json_value = st.recursive(
    st.one_of(
        text,
        st.sampled_from(HUGE_INTS),
        st.integers(),
        st.floats(),
        st.booleans(),
        st.none(),
    ),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=6,
)


class _Keep:
    def __repr__(self) -> str:
        return "<valid value>"


KEEP = _Keep()  # keep the field's valid value

FUZZ = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


class Found(Exception):
    pass


def run(label: str, strategy, attempt, failures: list[str], examples: int) -> None:
    """Fuzz one endpoint; ``attempt`` returns a problem or None. The first problem is kept."""

    @settings(FUZZ, max_examples=examples)
    @given(strategy)
    def fuzz(example):
        cache.clear()  # rate limits would otherwise turn the later examples into 429s
        if problem := attempt(example):
            raise Found(problem)

    try:
        fuzz()
    except Found as e:
        failures.append(f"{label}: {e}")
    except Exception as e:  # a flaky or erroring example is a finding too
        failures.append(f"{label}: {type(e).__name__}: {str(e)[:300]}")


def short(value) -> str:
    r = repr(value)
    return r if len(r) < 160 else r[:150] + f"…({len(r)} chars)"


def problem_of(r, what: str, api_call: bool) -> str | None:
    if r.status >= 500 or r.error:
        return f"{r.status} {r.error} for {what}"
    if 400 <= r.status < 500:
        if api_call and r.status != 405:
            try:
                detail = json.loads(r.body)["detail"]
            except (ValueError, KeyError, TypeError):
                return f"{r.status} without a JSON detail ({r.text()[:100]!r}) for {what}"
            if not detail:
                return f"{r.status} with an empty detail for {what}"
        elif not api_call and r.status != 405:
            body = r.text()
            if not body.strip() or "Traceback" in body:
                return f"{r.status} with an empty or debug body for {what}"
    return None


# The API, from its OpenAPI schema


def _resolve_ref(schema: dict, doc: dict) -> dict:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


VALID = {
    "title": "Fuzzed",
    "rating": "general",
    "fandoms": ["Fuzz Fandom"],
    "body": "Some words.",
    "text_format": "markdown",
    "note": "A note.",
    "tags": ["a tag"],
}


def _valid_body(schema: dict, doc: dict) -> dict:
    schema = _resolve_ref(schema, doc)
    body = {}
    for name, prop in schema.get("properties", {}).items():
        prop = _resolve_ref(prop, doc)
        if name in VALID:
            body[name] = VALID[name]
        elif prop.get("type") == "object" or "properties" in prop:
            body[name] = _valid_body(prop, doc)
    return body


def api_operations() -> list[tuple[str, str, dict]]:
    doc = api.get_openapi_schema()
    return [
        (method, path, op)
        for path, ops in doc["paths"].items()
        for method, op in ops.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]


def test_api_endpoints_take_any_input(world: World):
    doc = api.get_openapi_schema()
    operations = api_operations()
    assert len(operations) >= 15
    client = Client(raise_request_exception=False)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens['creator']}"}
    failures: list[str] = []
    for method, path, op in operations:
        params = op.get("parameters", [])
        body_schema = (
            op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        )
        valid = _valid_body(body_schema, doc) if body_schema else None
        fields = list(_resolve_ref(body_schema, doc).get("properties", {})) if body_schema else []
        missing = [p["name"] for p in params if p["in"] == "path" and p["name"] not in world.params]
        assert not missing, f"{method} {path}: add {missing} to the params in tests/security"

        strategy = st.fixed_dictionaries(
            {
                "params": st.fixed_dictionaries(
                    {p["name"]: st.one_of(st.just(KEEP), json_value) for p in params}
                ),
                "body": st.one_of(
                    st.fixed_dictionaries(
                        {f: st.one_of(st.just(KEEP), json_value) for f in fields}
                    ),
                    json_value,  # the whole body of the wrong type
                ),
            }
        )

        def attempt(ex, method=method, path=path, params=params, valid=valid):
            url, query = path, []
            for p in params:
                value = ex["params"][p["name"]]
                if value is KEEP:
                    if p["in"] != "path":
                        continue
                    value = world.params[p["name"]]
                raw = value if isinstance(value, str) else json.dumps(value)
                raw = quote(raw.encode("utf-8", "surrogatepass"), safe="")
                if p["in"] == "path":
                    url = url.replace("{" + p["name"] + "}", raw or "x")
                else:
                    query.append(f"{p['name']}={raw}")
            url += "?" + "&".join(query) if query else ""
            kwargs = dict(auth)
            if valid is not None:
                body = ex["body"]
                if isinstance(body, dict) and any(v is KEEP for v in body.values()):
                    # field by field: the valid value, or an adversarial one
                    body = {**valid, **{k: v for k, v in body.items() if v is not KEEP}}
                # ensure_ascii: lone surrogates travel as \\ud800 escapes, as a client sends them
                kwargs["data"] = json.dumps(body, ensure_ascii=True).encode()
                kwargs["content_type"] = "application/json"
            r = send(client, method, url, **kwargs)
            try:  # a path value with "/" in it may reach no API route: Django's 404 page then
                reaches_api = resolve(unquote(urlsplit(url).path)).route.startswith("api/")
            except Resolver404:
                reaches_api = False
            what = f"{method.upper()} {url[:200]} body {short(ex['body'])}"
            return problem_of(r, what, reaches_api)

        run(f"{method.upper()} {path}", strategy, attempt, failures, examples=15)
    assert not failures, f"{len(failures)} API endpoint(s) failed:\n" + "\n".join(failures)


# The forms, found on the pages


def _page_routes():
    return [r for r in all_routes() if not r.is_api and not r.is_admin]


def _form_fields(form, files: set[str] | None = None) -> dict[str, list[str]]:
    """The form's fields with a valid value each; file inputs go to ``files`` instead."""
    fields: dict[str, list[str]] = {}
    for el in form.xpath(".//input|.//textarea|.//select|.//button"):
        name = el.get("name")
        if not name or name == "csrfmiddlewaretoken":
            continue
        kind = (el.get("type") or "").lower()
        if el.tag == "select":
            values = [o.get("value", o.text or "") for o in el.xpath(".//option")][:1]
        elif el.tag == "textarea":
            values = [el.text or ""]
        elif kind in ("checkbox", "radio"):
            values = [el.get("value", "on")]
        elif kind == "file":
            if files is not None:
                files.add(name)
            continue
        else:
            values = [el.get("value", "")]
        fields.setdefault(name, []).extend(values[:1])
    return fields


def _pages_to_read(world: World) -> list[str]:
    out = []
    for route in _page_routes():
        url = fill(route, world.params)
        queries = [q.format(**world.params) for n in route.names for q in QUERIES.get(n, [])]
        out += [url, *(f"{url}?{q}" for q in queries)]
    return out


def discover_forms(
    clients: dict, world: World, uploads: dict | None = None, editors: dict | None = None
) -> dict:
    """(identity, action URL) -> fields, for every POST form on every page. The names of a
    form's file inputs go to ``uploads`` (same key), and the editors with autosave to
    ``editors``: (identity, page URL) -> (autosave URL, autosave key, fields)."""
    found: dict = {}
    for url in _pages_to_read(world):
        for identity, client in clients.items():
            r = send(client, "get", url)
            if r.status != 200 or "html" not in r.headers.get("Content-Type", ""):
                continue
            for form in lxml.html.fromstring(r.body).forms:
                if (form.method or "get").lower() != "post":
                    continue
                parts = urlsplit(urljoin(url, form.get("action") or url))
                try:
                    resolve(parts.path)
                except Resolver404:
                    continue
                action = parts.path + (f"?{parts.query}" if parts.query else "")
                fields = found.setdefault((identity, action), {})
                files: set[str] = set()
                for name, values in _form_fields(form, files).items():
                    fields.setdefault(name, values)
                if files and uploads is not None:
                    uploads.setdefault((identity, action), set()).update(files)
                if form.get("data-autosave-url") and editors is not None:
                    editors[(identity, url)] = (
                        form.get("data-autosave-url"),
                        form.get("data-autosave-key", ""),
                        _form_fields(form),
                    )
    return found


def form_body(fields: dict) -> bytes:
    # Raw bytes, so a lone surrogate arrives as the invalid UTF-8 a broken client would send.
    return "&".join(
        f"{quote(k)}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
        for k, v in fields.items()
    ).encode()


def test_forms_take_any_input(world: World):
    clients = {"guest": Client(raise_request_exception=False)}
    clients["creator"] = Client(raise_request_exception=False)
    clients["creator"].force_login(world.users["creator"])
    cookies = {name: SimpleCookie(c.cookies) for name, c in clients.items()}
    forms = discover_forms(clients, world)
    names = {resolve(urlsplit(action).path).url_name for _, action in forms}
    assert {"work_new", "comment_new", "bookmark_new", "profile_edit", "report"} <= names, names
    # Routes that take a POST but whose form is on no page get the common field names.
    for route in _page_routes():
        url = fill(route, world.params)
        if not any(urlsplit(a).path == url for _, a in forms):
            forms[("creator", url)] = {k: [""] for k in ("title", "body", "note", "action")}
    failures: list[str] = []
    for (identity, action), fields in sorted(forms.items()):
        client = clients[identity]
        strategy = st.fixed_dictionaries({name: st.one_of(st.just(KEEP), text) for name in fields})

        def attempt(ex, client=client, identity=identity, action=action, fields=fields):
            client.cookies = SimpleCookie(cookies[identity])  # a logout must not stick
            data = {
                k: (fields[k][0] if fields[k] else "") if v is KEEP else v for k, v in ex.items()
            }
            r = send(
                client,
                "post",
                action,
                data=form_body(data),
                content_type="application/x-www-form-urlencoded",
            )
            return problem_of(r, f"POST {action} as {identity} with {short(data)}", False)

        run(f"POST {action} ({identity})", strategy, attempt, failures, examples=10)
    assert len(forms) > 40
    assert not failures, f"{len(failures)} form(s) failed:\n" + "\n".join(failures)


QUERY_KEYS = ["page", "next", "tag", "rec", "parent", "chapter", "work", "comment", "filter"]


@pytest.mark.parametrize("identity", ["guest", "creator"])
def test_pages_take_any_query_string_and_path(identity, world: World):
    """GET every page with adversarial query strings, and with adversarial path values."""
    client = Client(raise_request_exception=False)
    if identity == "creator":
        client.force_login(world.users["creator"])
    saved = SimpleCookie(client.cookies)
    failures: list[str] = []
    for route in _page_routes():
        strategy = st.fixed_dictionaries(
            {
                "query": st.dictionaries(st.sampled_from(QUERY_KEYS), text, max_size=3),
                "path": st.fixed_dictionaries(
                    {
                        p: st.one_of(st.just(KEEP), text, st.sampled_from(HUGE_INTS))
                        for p in route.params
                    }
                ),
            }
        )

        def attempt(ex, route=route):
            client.cookies = SimpleCookie(saved)
            values = {**world.params}
            for p, v in ex["path"].items():
                if v is not KEEP:
                    values[p] = str(v).encode("utf-8", "surrogatepass") or b"x"
            url = route.url({**values})
            try:
                resolve(url)
            except Resolver404:
                return None  # the converter refused it: nothing reaches a view
            query = "&".join(
                f"{k}={quote(v.encode('utf-8', 'surrogatepass'), safe='')}"
                for k, v in ex["query"].items()
            )
            r = send(client, "get", f"{url}?{query}" if query else url)
            return problem_of(r, f"GET {url[:200]}?{short(ex['query'])}", False)

        run(f"GET {route.label} ({identity})", strategy, attempt, failures, examples=6)
    assert not failures, f"{len(failures)} page(s) failed:\n" + "\n".join(failures)
