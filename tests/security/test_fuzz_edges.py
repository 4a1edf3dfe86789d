"""The fuzz of the paths ``test_fuzz`` can't reach with a plain test client.

* Stale security tokens: every form posted with CSRF checks on, from our own origin, with a
  wrong token, so ``csrf_failure`` keeps the post (a JSON column) and the redirect back
  restores it into the form.
* Autosave, with the fields the editor's script really sends (multipart, X-CSRFToken header).
* File uploads (the import page): bytes that are not what their name says, then the preview
  confirmed.
* Crafted cookies (session, CSRF, kept-form and display cookies) on a few GET and POST routes.

Never a 500; each request (or short chain of requests) runs in a savepoint that is rolled back.
"""

import json
from collections import Counter
from http.cookies import SimpleCookie
from urllib.parse import quote, unquote, urljoin, urlsplit

import lxml.html
from django.core.cache import cache
from django.test import Client
from django.urls import Resolver404, resolve
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.security.conftest import World
from tests.security.routes import fill, in_savepoint, result_of
from tests.security.test_fuzz import (
    FUZZ,
    KEEP,
    Found,
    _page_routes,
    discover_forms,
    problem_of,
    short,
    text,
)

ORIGIN = "http://testserver"
URLENCODED = "application/x-www-form-urlencoded"
# The browser's CSRF cookie, and a token from a page made for an older one (a stale tab).
COOKIE_SECRET = "A1b2C3d4" * 4
STALE_TOKEN = "Zz9Yy8Xx" * 8
# Sent to every field first: the values that broke a database or a decoder before.
EXPLICIT = ["a\x00b", "x\ud800y", "\ufffe\uffff\ufdd0\U0010ffff", "y" * 6000]


def run(label: str, strategy, attempt, failures: list[str], examples: int, explicit=()) -> None:
    """Like ``test_fuzz.run``, with the ``explicit`` examples always tried first."""

    def fuzz(ex):
        cache.clear()  # rate limits would otherwise turn the later examples into 429s
        if problem := attempt(ex):
            raise Found(problem)

    for ex in reversed(list(explicit)):
        fuzz = example(ex)(fuzz)
    try:
        settings(FUZZ, max_examples=examples)(given(strategy)(fuzz))()
    except Found as e:
        failures.append(f"{label}: {e}")
    except ExceptionGroup as group:  # several explicit examples failed: each is a finding
        failures += [f"{label}: {_message(e)}" for e in group.exceptions]
    except Exception as e:  # a flaky or erroring example is a finding too
        failures.append(f"{label}: {type(e).__name__}: {str(e)[:300]}")


def _message(e: BaseException) -> str:
    return str(e) if isinstance(e, Found) else f"{type(e).__name__}: {str(e)[:300]}"


def raw(value: str) -> bytes:
    # A lone surrogate goes out as the invalid UTF-8 a broken client would send.
    return value.encode("utf-8", "surrogatepass")


def urlencoded(fields: dict) -> bytes:
    """A form body of raw bytes: lone surrogates (in names too) as invalid UTF-8."""
    return "&".join(
        f"{quote(raw(k), safe='')}={quote(raw(v), safe='')}" for k, v in fields.items()
    ).encode()


def multipart(fields: dict, files: dict | None = None) -> tuple[bytes, str]:
    """A multipart/form-data body built by hand, so any bytes can go in (the test client's
    encoder refuses lone surrogates). ``files``: field name -> (file name, content bytes)."""
    boundary = "fanfoldFuzzBoundary7MA4YWxkTrZu0gW"
    parts = []
    for name, values in fields.items():
        for value in values if isinstance(values, list) else [values]:
            head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(raw(head) + raw(value) + b"\r\n")
    for name, (filename, content) in (files or {}).items():
        filename = filename if isinstance(filename, bytes) else raw(filename)
        parts.append(
            raw(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="')
            + filename
            + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def plain_clients(world: World) -> dict[str, Client]:
    clients = {"guest": Client(raise_request_exception=False)}
    clients["creator"] = Client(raise_request_exception=False)
    clients["creator"].force_login(world.users["creator"])
    return clients


def csrf_client(identity: str, world: World) -> Client:
    """A client that is checked like a browser: CSRF on, posts from our own origin."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False, HTTP_ORIGIN=ORIGIN)
    if identity != "guest":
        client.force_login(world.users[identity])
    client.cookies["csrftoken"] = COOKIE_SECRET
    return client


def _local(location: str) -> str | None:
    parts = urlsplit(location)
    if parts.netloc not in ("", "testserver") or not parts.path.startswith("/"):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


# 1. Stale security tokens


def test_stale_csrf_posts_are_kept_never_500(world: World):
    """Every form, as a guest and logged in, posted with a stale token: the post is kept (a
    JSON column) and the reader sent back to the form, which restores it. Never a 500, and
    never accepted."""
    forms = discover_forms(plain_clients(world), world)
    actions: dict[str, dict] = {}
    for (_, action), fields in forms.items():
        merged = actions.setdefault(action, {})
        for name, values in fields.items():
            merged.setdefault(name, values)
    # Routes that take a POST but whose form is on no page get the common field names.
    for route in _page_routes():
        url = fill(route, world.params)
        if not any(urlsplit(a).path == url for a in actions):
            actions[url] = {k: [""] for k in ("title", "body", "note", "action")}
    clients = {identity: csrf_client(identity, world) for identity in ("guest", "creator")}
    saved = {identity: SimpleCookie(c.cookies) for identity, c in clients.items()}
    kept: Counter = Counter()
    failures: list[str] = []

    def post_and_follow(client, action: str, body: bytes, identity: str):
        """The stale post, then (if it was kept) the page it sends the reader back to.
        Returns the answer, what was done, and whether the post was kept."""
        steps: list[str] = [f"POST {action}"]
        was_kept: list[bool] = []

        def requests():
            r = result_of(client.post(action, data=body, content_type=URLENCODED))
            location = r.headers.get("Location", "")
            if r.status >= 500 or "restore=" not in unquote(location):
                return r
            was_kept.append(True)
            kept[identity] += 1
            if not (target := _local(location)):
                return r
            steps.append(f"then GET {target[:200]}")
            return result_of(client.get(target))

        r = in_savepoint(requests)
        return r, " ".join(steps), bool(was_kept)

    def _guest_by_origin(action: str, identity: str) -> bool:
        """Guest kudos takes no token (a cached page can't carry one): the view, exempt from
        the token check, accepts a guest's post only from this site's own pages (this client
        sends this site's Origin); tests/feedback/test_kudos_blocks_reports.py forges it."""
        match = resolve(urlsplit(action).path)
        return identity == "guest" and getattr(match.func, "csrf_exempt", False)

    for action, fields in sorted(actions.items()):
        for identity, client in clients.items():
            strategy = st.fixed_dictionaries(
                {
                    "fields": st.fixed_dictionaries(
                        {name: st.one_of(st.just(KEEP), text) for name in fields}
                    ),
                    "token": st.one_of(st.just(STALE_TOKEN), text),
                }
            )
            explicit = [
                {"fields": dict.fromkeys(fields, v), "token": STALE_TOKEN} for v in EXPLICIT
            ]

            def attempt(ex, client=client, identity=identity, action=action, fields=fields):
                client.cookies = SimpleCookie(saved[identity])
                data = {
                    "csrfmiddlewaretoken": ex["token"],
                    **{
                        k: (fields[k][0] if fields[k] else "") if v is KEEP else v
                        for k, v in ex["fields"].items()
                    },
                }
                r, steps, was_kept = post_and_follow(client, action, urlencoded(data), identity)
                what = f"{steps} as {identity} with a stale token and {short(data)}"
                if problem := problem_of(r, what, False):
                    return problem
                if r.status < 400 and not was_kept and not _guest_by_origin(action, identity):
                    return f"{r.status}: a post with a stale token was accepted: {what}"
                return None

            run(
                f"stale-token POST {action} ({identity})",
                strategy,
                attempt,
                failures,
                examples=4,
                explicit=explicit,
            )

    # Path values that reach a view only through a str converter: kept as the form's path.
    for route in _page_routes():
        for bad in ("a\x00b", "x\ud800y"):
            for p in route.params:
                url = route.url({**world.params, p: raw(bad)})
                try:
                    resolve(url)
                except Resolver404:
                    continue
                for identity, client in clients.items():
                    client.cookies = SimpleCookie(saved[identity])
                    cache.clear()
                    body = urlencoded({"csrfmiddlewaretoken": STALE_TOKEN, "body": "kept"})
                    r, steps, _ = post_and_follow(client, url, body, "path")
                    what = f"{steps} as {identity} with a stale token ({p}={bad!r})"
                    if problem := problem_of(r, what, False):
                        failures.append(f"stale-token POST {route.label}: {problem}")

    assert kept["guest"] > 20 and kept["creator"] > 20, f"few posts reached the keeping: {kept}"
    assert not failures, f"{len(failures)} stale-token post(s) failed:\n" + "\n".join(failures)


# 2. Autosave


def _page_token(client: Client, url: str) -> str:
    page = client.get(url)
    assert page.status_code == 200, f"GET {url}: {page.status_code}"
    tokens = lxml.html.fromstring(page.content).xpath(
        '//form[@id="editor"]//input[@name="csrfmiddlewaretoken"]/@value'
    )
    assert tokens, f"no editor form with a security token on {url}"
    return tokens[0]


def test_autosave_takes_any_input(world: World):
    """POST /works/autosave/ as the editor's script does (FormData of the editor form plus
    ``autosave_key``, the page's token in X-CSRFToken, CSRF checks on), with adversarial field
    values, keys and field names, and with a stale token: never a 500, JSON answers."""
    editors: dict = {}
    discover_forms(plain_clients(world), world, editors=editors)
    editors = {page: e for (identity, page), e in editors.items() if identity == "creator"}
    keys = {key for _, key, _ in editors.values()}
    assert len(editors) >= 3 and all(keys), editors
    client = csrf_client("creator", world)
    tokens: dict[str, str] = {}
    stored: Counter = Counter()
    failures: list[str] = []
    for page, (autosave_url, key, fields) in sorted(editors.items()):
        tokens[page] = _page_token(client, page)
        saved = SimpleCookie(client.cookies)
        strategy = st.fixed_dictionaries(
            {
                "fields": st.fixed_dictionaries(
                    {name: st.one_of(st.just(KEEP), text) for name in fields}
                ),
                "key": st.one_of(st.just(KEEP), text),
                "extra": st.dictionaries(text, text, max_size=2),
                "multipart": st.booleans(),
                "stale": st.sampled_from([False, False, False, True]),
            }
        )
        explicit = [
            {
                "fields": dict.fromkeys(fields, v),
                "key": v,
                "extra": {v[:40]: v},
                "multipart": multi,
                "stale": False,
            }
            for v in EXPLICIT
            for multi in (True, False)
        ] + [
            {
                "fields": dict.fromkeys(fields, KEEP),
                "key": KEEP,
                "extra": {},
                "multipart": True,
                "stale": stale,
            }  # fmt: skip
            for stale in (False, True)
        ]

        def attempt(ex, page=page, url=autosave_url, key=key, fields=fields, saved=saved):
            client.cookies = SimpleCookie(saved)
            body_token = STALE_TOKEN if ex["stale"] else tokens[page]
            data = {
                "csrfmiddlewaretoken": body_token,  # FormData(form) sends the hidden input too
                **{
                    k: (fields[k][0] if fields[k] else "") if v is KEEP else v
                    for k, v in ex["fields"].items()
                },
                **ex["extra"],
                "autosave_key": key if ex["key"] is KEEP else ex["key"],
            }
            if ex["multipart"]:
                body, content_type = multipart(data)
            else:
                body, content_type = urlencoded(data), URLENCODED
            r = in_savepoint(
                lambda: result_of(
                    client.post(
                        url,
                        data=body,
                        content_type=content_type,
                        HTTP_X_CSRFTOKEN=body_token,
                    )
                )
            )
            what = (
                f"POST {url} (editor {page}) as creator, "
                f"{'stale token, ' if ex['stale'] else ''}"
                f"{'multipart' if ex['multipart'] else 'urlencoded'} {short(data)}"
            )
            if problem := problem_of(r, what, False):
                return problem
            try:
                answer = json.loads(r.body)
            except ValueError:
                if r.status == 400:  # Django could not parse the body: no view ran
                    return None
                return f"{r.status} not JSON ({r.text()[:100]!r}) for {what}"
            if ex["stale"]:
                if r.status != 403 or not answer.get("error"):
                    return f"{r.status} {answer} instead of a 403 for a stale token: {what}"
            elif r.status == 200:
                if not r.writes:
                    return f"200 without storing anything for {what}"
                stored[page] += 1
            return None

        run(f"autosave from {page}", strategy, attempt, failures, examples=15, explicit=explicit)

    guest = csrf_client("guest", world)
    r = in_savepoint(
        lambda: result_of(
            guest.post(
                "/works/autosave/",
                data=urlencoded({"autosave_key": "work-new", "title": "x"}),
                content_type=URLENCODED,
                HTTP_X_CSRFTOKEN=COOKIE_SECRET,
            )
        )
    )
    if r.status != 401 or r.writes:
        failures.append(f"autosave as a guest: {r.status} {r.text()[:100]!r} {r.writes}")
    assert set(stored) == set(editors), f"autosave stored nothing from some editors: {stored}"
    assert not failures, f"{len(failures)} autosave problem(s):\n" + "\n".join(failures)


# 3. File uploads

FILES = {
    "UTF-16 with BOM, odd length": b"\xff\xfeA\x00B",
    "UTF-16 with a lone surrogate": b"\xff\xfeA\x00\x00\xd8B\x00",
    "UTF-16BE with a lone surrogate": b"\xfe\xff\x00A\xd8\x00\x00B",
    "UTF-16 with NUL characters": "Title\n\nSome\x00 text.\n".encode("utf-16"),
    "UTF-16 story": "A Title\n\nby Someone\n\nThe story, in UTF-16.\n".encode("utf-16"),
    "NUL bytes": b"Title\n\nSome \x00\x00 text.\n",
    "invalid UTF-8": b"Title\n\nSome \xff\xfe\xc3( text \xed\xa0\x80 here.\n",
    "UTF-8 BOM, then invalid UTF-8": b"\xef\xbb\xbfTitle\n\nSome \xff text.\n",
    "CESU-8 surrogates": b"Title\n\n\xed\xa0\xbd\xed\xb8\x80 text.\n",
    "non-characters": "Title\n\n\ufffe\uffff\ufdd0\U0010ffff text.\n".encode(),
    "control characters": b"Title\n\n" + bytes(range(1, 32)) * 4,
    "a zip that isn't": b"PK\x03\x04" + b"not really a zip archive " * 20,
    "a truncated zip": b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
    "empty": b"",
    "only whitespace": b" \n\t\r\n ",
    "a huge line": b"Title\n\n" + b"word " * 300_000,
    "HTML with NUL": b"<html><body><h1>T</h1><p>a\x00b</p></body></html>",
    "HTML with entities for NUL, a surrogate": b"<html><body><h1>T</h1><p>a&#0;b &#xd800;</p>",
    "Markdown front matter": b'---\ntitle: "\\u0000\\ud800"\nfandom: [\n---\n\nText\n',
}
# The name decides the parser; a wrong name makes each parser see bytes it doesn't expect.
NAMES = ["story.txt", "story.html", "story.md", "story.docx", "story.epub", "story.zip", "story"]
ODD_NAMES = ["a\x00b.txt", "x\ud800y.txt", "../../etc/passwd", "ſtory.TXT", "n" * 300 + ".txt"]


def test_uploads_take_any_file(world: World):
    """Every form with a file input gets adversarial bytes under each file name; when a preview
    comes back, it is confirmed. Never a 500."""
    clients = plain_clients(world)
    uploads: dict = {}
    forms = discover_forms(clients, world, uploads=uploads)
    paths = {urlsplit(action).path for _, action in uploads}
    assert "/works/import/" in paths, paths
    previews: Counter = Counter()
    failures: list[str] = []
    for (identity, action), file_fields in sorted(uploads.items()):
        client = clients[identity]
        saved = SimpleCookie(client.cookies)
        fields = forms[(identity, action)]

        def attempt(ex, client=client, identity=identity, action=action, fields=fields,
                    saved=saved, file_fields=file_fields):  # fmt: skip
            client.cookies = SimpleCookie(saved)
            filename, content, values = ex["name"], ex["content"], ex["fields"]
            data = {
                k: (fields[k][0] if fields[k] else "") if v is KEEP else v
                for k, v in values.items()
            }
            body, content_type = multipart(data, dict.fromkeys(file_fields, (filename, content)))
            steps = [f"POST {action}"]

            def requests():
                r = result_of(client.post(action, data=body, content_type=content_type))
                confirm = _confirm_form(r, action)
                if r.status >= 500 or confirm is None:
                    return r
                previews[identity] += 1
                target, confirm_body = confirm
                steps.append(f"then confirmed the preview at {target}")
                r = result_of(client.post(target, data=confirm_body, content_type=URLENCODED))
                if r.status == 302:
                    previews["confirmed"] += 1
                return r

            r = in_savepoint(requests)
            what = (
                f"{' '.join(steps)} as {identity}, file {short(filename)} of "
                f"{len(content)} bytes {short(content[:60])}, fields {short(data)}"
            )
            return problem_of(r, what, False)

        strategy = st.fixed_dictionaries(
            {
                "name": st.sampled_from(NAMES + ODD_NAMES),
                "content": st.one_of(
                    st.sampled_from(list(FILES.values())),
                    st.binary(max_size=300),
                    st.builds(
                        lambda bom, t: bom + t.encode("utf-16-le", "surrogatepass"),
                        st.sampled_from([b"\xff\xfe", b""]),
                        text,
                    ),
                ),
                "fields": st.fixed_dictionaries(
                    {name: st.one_of(st.just(KEEP), text) for name in fields}
                ),
            }
        )
        keep = dict.fromkeys(fields, KEEP)
        explicit = [
            {"name": name, "content": content, "fields": keep}
            for content in FILES.values()
            for name in (NAMES if len(content) < 100_000 else NAMES[:2])
        ] + [{"name": name, "content": FILES["UTF-16 story"], "fields": keep} for name in ODD_NAMES]
        run(f"upload to {action} ({identity})", strategy, attempt, failures, 10, explicit)
    assert previews["creator"] > 5 and previews["confirmed"] > 0, previews
    assert not failures, f"{len(failures)} upload(s) failed:\n" + "\n".join(failures)


def _confirm_form(r, action: str) -> tuple[str, bytes] | None:
    """Where the preview's form (the one with a "confirm" button) posts, and its fields as
    the browser would send them, if the answer is a preview."""
    if r.status != 200 or "html" not in r.headers.get("Content-Type", ""):
        return None
    for form in lxml.html.fromstring(r.body).forms:
        if not form.xpath('.//button[@name="confirm"]'):
            continue
        fields = [*form.form_values(), ("confirm", "")]
        body = "&".join(f"{quote(k)}={quote(raw(v), safe='')}" for k, v in fields)
        target = urlsplit(urljoin(action, form.get("action") or action))
        return target.path, body.encode()
    return None


# 4. Cookies

COOKIE_VALUES = [
    "\x00",
    "abcdefgh\x00ijklmnop",
    "\x00" * 32,
    "x\ud800y" * 4,
    "\ufffe\uffff",
    "é" * 12,
    "\x7f\x01\x1f\x0b",
    '"quoted\\"',
    "a\\b",
    "a=b=c",
    " spaced out ",
    "%00%ff",
    "x" * 5000,
    "9" * 64,
    "",
]
COOKIE_NAMES = ["sessionid", "csrftoken", "messages", "ff_pending", "ff_theme", "ff_size"]
COOKIE_NAMES += ["ff_adult"]


def _cookie_header(cookies: dict[str, str]) -> str:
    # A WSGI header is bytes as latin-1 text: invalid UTF-8 arrives as it was sent.
    return "; ".join(f"{k}={raw(v).decode('latin-1')}" for k, v in cookies.items())


def test_crafted_cookies_never_500(world: World):
    """Session, CSRF, kept-form and display cookies with NUL, lone surrogates, quotes, very
    long values, on a few pages and forms (a logged-in session kept or replaced)."""
    pub = world.works["published"].pk
    client = csrf_client("creator", world)
    real = {k: m.value for k, m in client.cookies.items()}
    cookie_value = st.one_of(st.sampled_from(COOKIE_VALUES), text)
    routes = [
        ("get", "/", {}),
        ("get", f"/works/{pub}/", {}),
        ("get", "/works/new/", {}),
        ("get", "/works/new/?restore={ff_pending}", {}),  # a kept form, looked up by cookie
        ("get", f"/api/v1/works/{pub}", {}),
        ("post", f"/works/{pub}/comment/", {"body": "Nice.", "text_format": "plain"}),
        ("post", f"/works/{pub}/kudos/", {"next": f"/works/{pub}/"}),
        ("post", "/login/", {"username": "author", "password": "wrong"}),
        ("post", "/works/autosave/", {"autosave_key": "work-new", "title": "t"}),
    ]
    failures: list[str] = []
    for method, url, fields in routes:
        strategy = st.fixed_dictionaries(
            {
                "cookies": st.dictionaries(
                    st.sampled_from(COOKIE_NAMES), cookie_value, min_size=1, max_size=3
                ),
                "keep_session": st.booleans(),
            }
        )
        explicit = [
            {"cookies": {name: value}, "keep_session": keep}
            for name in COOKIE_NAMES
            for value in ("abcdefgh\x00ijklmnop", "x\ud800y" * 4)
            for keep in (True, False)
        ]

        def attempt(ex, method=method, url=url, fields=fields):
            cookies = dict(real) if ex["keep_session"] else {"csrftoken": real["csrftoken"]}
            cookies.update(ex["cookies"])
            target = url.replace("{ff_pending}", quote(raw(cookies.get("ff_pending", "")), safe=""))
            kwargs = {"HTTP_COOKIE": _cookie_header(cookies)}
            if method == "post":
                # The token the page would hold for this CSRF cookie, whatever it is.
                token = cookies.get("csrftoken", "")
                kwargs |= {
                    "data": urlencoded({"csrfmiddlewaretoken": token, **fields}),
                    "content_type": URLENCODED,
                    "HTTP_X_CSRFTOKEN": token,
                }
            r = in_savepoint(lambda: result_of(getattr(client, method)(target, **kwargs)))
            what = f"{method.upper()} {target[:200]} with cookies {short(ex['cookies'])}" + (
                " and a valid session" if ex["keep_session"] else ""
            )
            return problem_of(r, what, target.startswith("/api/"))

        run(
            f"cookies on {method.upper()} {url}",
            strategy,
            attempt,
            failures,
            examples=10,
            explicit=explicit,
        )
    assert not failures, f"{len(failures)} route(s) failed:\n" + "\n".join(failures)
