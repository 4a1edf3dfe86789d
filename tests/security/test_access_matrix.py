"""Who may see what, on every route of the URL conf (pages, feeds, admin and /api/v1).

For each identity (a guest, another logged-in reader, the creator, staff) every route is
fetched with its parameters pointing at the published work, and again at an object in each
other state (draft work, draft chapter of a published work, restricted work, pending comment,
private bookmark, deleted work, a muted creator's work, a work hidden by staff). No answer may
be a 500, and no answer may contain a marker of an object that identity must not see. A few
positive checks make sure the markers do show where they should, so the test can fail.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.test import Client

from tests.security.conftest import M, World, group
from tests.security.routes import all_routes, fill, send

IDENTITIES = ["anonymous", "reader", "creator", "staff"]

# What each identity must never see (staff see drafts and pending comments in the admin only).
# A work hidden by staff is seen by its creators and by staff only.
SECRET = {
    "anonymous": group("draft") | group("restricted") | group("pending") | group("private")
    | group("deleted") | group("hidden"),
    "reader": group("draft") | group("pending") | group("deleted") | group("muted")
    | group("hidden"),
    "creator": group("private") | group("deleted"),
    "staff": group("draft") | group("pending") | group("private") | group("deleted"),
}  # fmt: skip

# Query strings that point a page at an object, for routes that take one: {param} is filled.
QUERIES = {
    "report": ["work={work_id}", "comment={comment_id}"],
    "comment_new": ["chapter={chapter_id}", "parent={comment_id}"],
    "list_comments": ["chapter_id={chapter_id}"],
    "kudos": ["next=/works/{work_id}/"],
}

OK_STATUSES = {200, 204, 301, 302, 303, 400, 401, 403, 404, 405, 410, 429}


def client_for(identity: str, world: World) -> Client:
    client = Client(raise_request_exception=False)
    if identity != "anonymous":
        client.force_login(world.users[identity])
    return client


def api_headers(identity: str, world: World, url: str) -> dict:
    # The API reads a personal token, not the session.
    if identity != "anonymous" and url.startswith("/api/"):
        return {"HTTP_AUTHORIZATION": f"Bearer {world.tokens[identity]}"}
    return {}


def urls_for(route, world: World, problems: list[str]) -> list[tuple[str, str]]:
    """(scenario, url) pairs: the defaults, then each scenario that changes a parameter of
    the route (or of a query string in QUERIES)."""
    try:
        fill(route, world.params)
    except AssertionError as e:
        problems.append(str(e))
        return []
    queries = [q for n in route.names if n in QUERIES for q in QUERIES[n]]
    used = set(route.params) | {p for q in queries for p in re.findall(r"{(\w+)}", q)}
    out = []
    for name, change in [("published", {}), *world.scenarios.items()]:
        if name != "published" and not set(change) & used:
            continue
        values = {**world.params, **change}
        url = fill(route, values)
        out += [(name, url)] + [(name, f"{url}?{q.format(**values)}") for q in queries]
    seen: set[str] = set()
    return [(s, u) for s, u in out if not (u in seen or seen.add(u))]


def leaks(body: str, headers: dict, secret: set[str]) -> list[str]:
    haystack = body + " ".join(f"{k}: {v}" for k, v in headers.items())
    return sorted(m for m in secret if m in haystack)


def test_every_route_is_enumerated(world):
    """The walk sees the pages, the admin and the API (and every parameter can be filled)."""
    routes = all_routes()
    templates = {r.template for r in routes}
    assert {"", "works/<int:work_id>/", "api/v1/works/<work_id>", "admin/"} <= templates
    assert any(r.template.startswith("admin/works/work/") for r in routes)
    problems: list[str] = []
    for route in routes:
        urls_for(route, world, problems)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_route_leaks(identity, world):
    client = client_for(identity, world)
    secret = SECRET[identity]
    problems: list[str] = []
    checked = 0
    for route in all_routes():
        staff_admin = identity == "staff" and route.is_admin
        for scenario, url in urls_for(route, world, problems):
            r = send(client, "get", url, **api_headers(identity, world, url))
            checked += 1
            where = f"GET {url} [{route.label}; {scenario}] as {identity}"
            if r.status >= 500 or r.error:
                problems.append(f"{where}: {r.status} {r.error}")
                continue
            if r.status not in OK_STATUSES:
                problems.append(f"{where}: unexpected status {r.status}")
            if r.status in (301, 302, 303):
                location = urlsplit(r.headers.get("Location", ""))
                if location.netloc not in ("", "testserver"):
                    problems.append(f"{where}: redirects off-site to {location.geturl()}")
            if staff_admin:
                continue  # the admin shows staff everything, by design
            if found := leaks(r.text(), r.headers, secret):
                problems.append(f"{where}: {r.status} shows {', '.join(found)}")
    assert checked > 150
    assert not problems, f"{len(problems)} problem(s) in {checked} requests:\n" + "\n".join(
        problems
    )


def _expect(client, url, status, present, headers=None):
    r = send(client, "get", url, **(headers or {}))
    missing = [m for m in present if m not in r.text()]
    return [] if r.status == status and not missing else [f"GET {url}: {r.status}, {missing}"]


@pytest.mark.parametrize("identity", IDENTITIES)
def test_each_identity_sees_what_it_should(identity, world):
    """The positive side: without it, a matrix of 404s would pass."""
    client = client_for(identity, world)
    w, o = world.works, world.objects
    pub, draft, restricted, muted, hidden = (
        w[k].pk for k in ("published", "draft", "restricted", "muted", "hidden")
    )
    token = {"HTTP_AUTHORIZATION": f"Bearer {world.tokens.get(identity)}"}
    api = token if identity != "anonymous" else {}
    checks = [
        (f"/works/{pub}/", 200, [M["public_title"], M["public_text"]], {}),
        ("/", 200, [M["public_title"]], {}),
        (f"/api/v1/works/{pub}", 200, [M["public_title"]], api),
        ("/users/reader/bookmarks/", 200, [M["public_bookmark"]], {}),
    ]
    if identity != "anonymous":
        checks += [
            (f"/works/{restricted}/", 200, [M["restricted_title"], M["restricted_text"]], {}),
            (f"/comments/{o['restricted_comment'].pk}/", 200, [M["restricted_comment"]], {}),
            (f"/api/v1/works/{restricted}", 200, [M["restricted_title"]], api),
        ]
    if identity != "reader":
        checks.append((f"/works/{muted}/", 200, [M["muted_title"], M["muted_text"]], {}))
    if identity == "reader":
        checks.append(("/users/reader/bookmarks/", 200, [M["private_bookmark"]], {}))
    if identity == "creator":
        checks += [
            (f"/works/{draft}/", 200, [M["draft_title"], M["draft_text"]], {}),
            (f"/works/{draft}/edit/", 200, [M["draft_title"], M["draft_summary"]], {}),
            ("/works/drafts/", 200, [M["draft_title"]], {}),
            (f"/works/{pub}/chapters/{o['draftchap'].pk}/", 200, [M["draftchap_text"]], {}),
            (f"/works/{pub}/full/", 200, [M["draftchap_title"], M["draftchap_text"]], {}),
            (f"/comments/{o['pending_comment'].pk}/", 200, [M["pending_comment"]], {}),
            ("/inbox/", 200, [M["pending_comment"]], {}),
            (f"/works/{draft}/stats/", 200, [M["draft_title"]], {}),
            (f"/api/v1/works/{draft}", 200, [M["draft_title"]], api),
            ("/users/author/bookmarks/", 200, [M["draft_bookmark"]], {}),
            (f"/works/{hidden}/", 200, [M["hidden_title"], M["hidden_text"]], {}),
            (f"/works/{hidden}/edit/", 200, [M["hidden_title"], M["hidden_summary"]], {}),
            (f"/comments/{o['hidden_comment'].pk}/", 200, [M["hidden_comment"]], {}),
            (f"/api/v1/works/{hidden}", 200, [M["hidden_title"]], api),
        ]
    if identity == "staff":
        checks += [
            (
                "/admin/works/work/",
                200,
                [M["draft_title"], M["restricted_title"], M["hidden_title"]],
                {},
            ),
            (f"/admin/works/work/{hidden}/change/", 200, [M["hidden_title"]], {}),
            (
                f"/admin/feedback/comment/{o['pending_comment'].pk}/change/",
                200,
                [M["pending_comment"]],
                {},
            ),
        ]
    failures = [
        f for url, status, present, h in checks for f in _expect(client, url, status, present, h)
    ]
    assert not failures, "\n".join(failures)


def test_anonymous_posts_without_csrf_token_never_write(world):
    """A forged POST (no CSRF token, no API token) to every route: no 500, and no 200 that
    wrote to the database; the API's other write methods too."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    data = {"title": "forged", "body": "forged", "note": "forged", "action": "approve"}
    problems: list[str] = []
    checked = 0
    for route in all_routes():
        for _, url in urls_for(route, world, problems)[:1]:
            methods = ["post", "patch", "delete"] if route.is_api else ["post"]
            for method in methods:
                kwargs = {"content_type": "application/json"} if route.is_api else {}
                r = send(client, method, url, data=data, **kwargs)
                checked += 1
                where = f"{method.upper()} {url} [{route.label}] as anonymous without CSRF token"
                if r.status >= 500 or r.error:
                    problems.append(f"{where}: {r.status} {r.error}")
                elif r.writes and r.status < 300:
                    problems.append(f"{where}: {r.status} and wrote: {r.writes}")
                elif r.writes:
                    problems.append(f"{where}: refused with {r.status} but wrote: {r.writes}")
    assert checked > 100
    assert not problems, "\n".join(problems)
