"""The server's hardening (issue 6): the token at the door beyond loopback and the browser's
sign-in cookie, the rate limit, 422 on bad parameters, no path traversal (raw requests to a
real uvicorn), and the security headers on every response, errors included.
docs/reliability.md ("Server") lists the promises these tests prove."""

from __future__ import annotations

import http.client
import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from frontwatch.kb.index import KnowledgeBase
from frontwatch.store import Database
from frontwatch.web import create_app
from frontwatch.web.app import RedactToken
from frontwatch.web.security import SESSION_COOKIE, session_value
from frontwatch.web.settings import WebSettings
from web_support import BASE_URL, client, demo_database, demo_db_path, make_client  # noqa: F401 - fixtures

MakeClient = Callable[..., TestClient]
TOKEN = "s3cret-t0ken"
REQUIRED_HEADERS = {
    "content-security-policy": "frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture()
def app_client(demo_database: Database, kb: KnowledgeBase) -> Callable[..., TestClient]:  # noqa: F811
    """`app_client(client=(address, port), **settings)`: a TestClient over the demo database."""

    def make(client: tuple[str, int] = ("testclient", 50000), raise_server_exceptions: bool = True,
             **settings: object) -> TestClient:
        app = create_app(demo_database, kb, WebSettings(**settings))  # type: ignore[arg-type]
        return TestClient(app, base_url=BASE_URL, client=client, raise_server_exceptions=raise_server_exceptions)

    return make


def assert_security_headers(response: object, what: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, must_contain in REQUIRED_HEADERS.items():
        assert must_contain in headers.get(name, ""), f"{what}: {name} missing ({dict(headers)})"


# ---------------------------------------------------------------- the token


EVERYTHING = ("/", "/incidents", "/documents", "/upload", "/docs", "/openapi.json", "/api/status",
              "/api/incidents/geojson", "/static/app.css", "/static/leaflet/leaflet.js",
              "/static/swagger/swagger-ui-bundle.js", "/basemap.geojson", "/sides.css", "/no-such-page")


def test_off_loopback_every_request_needs_the_token(app_client: Callable[..., TestClient]) -> None:
    client = app_client(host="0.0.0.0", token=TOKEN)
    for url in EVERYTHING:
        refused = client.get(url)
        assert refused.status_code == 401, url
        assert refused.headers["www-authenticate"] == "Bearer" and "?token=TOKEN" in refused.text
        assert_security_headers(refused, url)
        assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert client.get(url, headers={"Authorization": f"Bearer {TOKEN}x"}).status_code == 401
        assert client.get(url, headers={"Authorization": f"Bearer {TOKEN[:-1]}"}).status_code == 401
        allowed = client.get(url, headers={"Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == (404 if url == "/no-such-page" else 200), url
    assert client.get("/api/status", headers={"X-Frontwatch-Token": TOKEN}).status_code == 200
    assert client.get("/api/status", headers={"authorization": f"bearer {TOKEN}"}).status_code == 200
    assert client.get("/api/status", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401
    assert client.head("/", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_browser_sign_in_sets_a_cookie_and_drops_the_token_from_the_address(
        app_client: Callable[..., TestClient]) -> None:
    client = app_client(host="0.0.0.0", token=TOKEN)
    signed = client.get(f"/incidents?q=Homs&token={TOKEN}&offset=0", follow_redirects=False)
    assert signed.status_code == 303
    assert signed.headers["location"] == "/incidents?q=Homs&offset=0"
    assert signed.headers["cache-control"] == "no-store"
    assert_security_headers(signed, "sign-in redirect")
    cookie = signed.headers["set-cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}={session_value(TOKEN)};")
    assert TOKEN not in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/" in cookie
    page = client.get("/incidents?q=Homs&offset=0")  # the TestClient keeps the cookie, as a browser does
    assert page.status_code == 200 and "Incidents" in page.text
    assert client.get("/api/incidents").status_code == 200  # the map's fetches carry it too
    assert client.get("/static/map.js").status_code == 200

    client.cookies.clear()
    assert client.get("/", follow_redirects=False).status_code == 401
    client.cookies.set(SESSION_COOKIE, session_value("another token"))
    assert client.get("/").status_code == 401
    client.cookies.set(SESSION_COOKIE, TOKEN)  # the token itself is not the cookie
    assert client.get("/").status_code == 401
    wrong = client.get("/?token=guess", follow_redirects=False)
    assert wrong.status_code == 401 and "wrong token" in wrong.text and "set-cookie" not in wrong.headers


def test_the_sign_in_redirect_stays_on_this_server(real_server_with_token: int) -> None:
    for path, location in ((f"//evil.example/x?token={TOKEN}", "/evil.example/x"),
                           (f"/\\evil.example?token={TOKEN}", "/%5Cevil.example"),
                           (f"/%0d%0aSet-Cookie:%20x=1?token={TOKEN}", "/%0d%0aSet-Cookie:%20x=1"),
                           (f"/incidents?token={TOKEN}&q=%22Homs%22", "/incidents?q=%22Homs%22")):
        status, _body, headers = raw_get(real_server_with_token, path)
        assert status == 303 and headers["location"] == location, (path, headers)
        assert "x=1" not in headers["set-cookie"] and "\n" not in headers["location"]


def test_on_loopback_with_a_token_reads_are_open_and_writes_need_it(make_client: MakeClient) -> None:  # noqa: F811
    client = make_client(host="127.0.0.1", token=TOKEN)
    assert client.get("/").status_code == 200 and client.get("/api/status").status_code == 200
    article = {"text": "Rebels captured Hama on 3 March 2020."}
    assert client.post("/upload", data=article).status_code == 401
    assert 'name="token"' in client.get("/upload").text
    # the sign-in cookie works for the upload form (same origin), without the token field
    assert client.get(f"/upload?token={TOKEN}").status_code == 200
    form = client.get("/upload").text
    assert 'name="token"' not in form and 'name="files"' in form
    stored = client.post("/upload", data=article, headers={"Origin": "http://localhost"})
    assert stored.status_code == 201, stored.text
    # ... but not for another site's page posting through the visitor's browser
    assert client.post("/upload", data=article, headers={"Origin": "http://evil.example"}).status_code == 403


def test_the_access_log_never_shows_the_token() -> None:
    record = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
                               ("127.0.0.1:5000", "GET", f"/incidents?q=x&token={TOKEN}&offset=50", "1.1", 303), None)
    assert RedactToken().filter(record)
    assert TOKEN not in record.getMessage()
    assert "/incidents?q=x&token=[redacted]&offset=50" in record.getMessage()


# ---------------------------------------------------------------- rate limit


def test_rate_limit_per_client_answers_429_with_retry_after(app_client: Callable[..., TestClient]) -> None:
    first = app_client(client=("10.1.1.1", 1000), rate_limit="3/minute")
    app = first.app
    assert [first.get("/api/status").status_code for _ in range(3)] == [200, 200, 200]
    limited = first.get("/api/status")
    assert limited.status_code == 429
    assert 1 <= int(limited.headers["retry-after"]) <= 60
    assert "FRONTWATCH_RATE_LIMIT" in limited.text and "10.1.1.1" in limited.text
    assert_security_headers(limited, "429")
    assert first.get("/static/app.css").status_code == 429  # assets count too
    other = TestClient(app, base_url=BASE_URL, client=("10.1.1.2", 1000))  # same server, another client
    assert other.get("/api/status").status_code == 200
    unlimited = app_client(client=("10.1.1.1", 1000), rate_limit=None)
    assert all(unlimited.get("/sides.css").status_code == 200 for _ in range(50))


def test_token_guesses_are_rate_limited(app_client: Callable[..., TestClient]) -> None:
    client = app_client(host="0.0.0.0", token=TOKEN, rate_limit="5/minute")
    answers = [client.get("/", headers={"Authorization": f"Bearer guess{i}"}).status_code for i in range(8)]
    assert answers == [401] * 5 + [429] * 3
    # once limited, even the right token waits: the limit comes before the door
    assert client.get("/", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 429


# ---------------------------------------------------------------- validation


BAD_API_PARAMETERS = [
    ("/api/documents?limit=0", "limit"), ("/api/documents?limit=501", "limit"), ("/api/documents?limit=ten", "limit"),
    ("/api/documents?offset=-1", "offset"), ("/api/documents?q=" + "x" * 201, "q"),
    ("/api/events?since=yesterday", "since"), ("/api/events?since=2020-02-30", "since"),
    ("/api/events?since=2020-03-01&until=2020-01-01", "since"), ("/api/events?bbox=1,2,3", "bbox"),
    ("/api/events?bbox=10,0,5,1", "bbox"), ("/api/events?bbox=a,b,c,d", "bbox"),
    ("/api/events?modality=certain", "modality"), ("/api/incidents?min_sources=0", "min_sources"),
    ("/api/incidents?as_of=2020-13-01", "as_of"), ("/api/incidents/geojson?bbox=0,0,200,1", "bbox"),
    ("/api/situation?as_of=tomorrow", "as_of"), ("/api/situation/geojson?as_of=1", "as_of"),
    ("/api/timeline?as_of=x", "as_of"), ("/api/contradictions?kind=truth", "kind"),
    ("/api/quotes?limit=-5", "limit"), ("/api/search", "q"), ("/api/search?q=", "q"),
    ("/api/search?q=" + "y" * 201, "q"),
]


@pytest.mark.parametrize(("url", "parameter"), BAD_API_PARAMETERS)
def test_bad_query_parameters_are_422_naming_the_parameter(client: TestClient, url: str, parameter: str) -> None:
    response = client.get(url)
    assert response.status_code == 422, (url, response.text)
    assert parameter in response.text
    assert_security_headers(response, url)


def test_bad_page_parameters_are_422_pages(client: TestClient) -> None:
    for url in ("/incidents?offset=-1", "/documents?offset=x", "/search?q=" + "z" * 201,
                "/incidents?q=" + "z" * 201, "/incidents?modality=" + "m" * 21):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.headers["content-type"].startswith("text/html") and "<h1>422</h1>" in response.text
        assert_security_headers(response, url)


# ---------------------------------------------------------------- headers on every response


def test_security_headers_on_every_kind_of_response(app_client: Callable[..., TestClient],
                                                    make_client: MakeClient) -> None:  # noqa: F811
    client = app_client()
    etag = client.get("/static/app.css").headers["etag"]
    responses = {
        "page": client.get("/"), "api": client.get("/api/status"), "geojson": client.get("/api/situation/geojson"),
        "static": client.get("/static/app.css"), "static 304": client.get("/static/app.css",
                                                                          headers={"If-None-Match": etag}),
        "static 404": client.get("/static/nothing.js"), "page 404": client.get("/incidents/nothing"),
        "api 404": client.get("/api/documents/nothing"), "405": client.delete("/api/status"),
        "422": client.get("/api/documents?limit=0"),
        "421": client.get("/api/status", headers={"Host": "rebound.example"}),
        "openapi": client.get("/openapi.json"), "docs": client.get("/docs"),
    }
    assert responses["static 304"].status_code == 304 and responses["405"].status_code == 405
    responses["413"] = make_client(max_upload_bytes=100).post("/api/documents", data={"text": "x" * 500})
    responses["401"] = app_client(host="0.0.0.0", token=TOKEN).get("/")
    responses["403"] = app_client(host="0.0.0.0").get("/")
    limited = app_client(rate_limit="1/minute")
    limited.get("/")
    responses["429"] = limited.get("/")

    failing = app_client(raise_server_exceptions=False)
    app = failing.app
    assert isinstance(app, FastAPI)

    def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/api/broken", broken)
    responses["500"] = failing.get("/api/broken")
    assert responses["500"].status_code == 500 and "a bug" not in responses["500"].text
    for what, response in responses.items():
        if what.isdigit():
            assert response.status_code == int(what), (what, response.text)
        assert_security_headers(response, what)


# ---------------------------------------------------------------- path traversal, raw requests


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def real_server(demo_database: Database, kb: KnowledgeBase) -> Iterator[int]:  # noqa: F811
    """The app under a real uvicorn (in a thread), which passes request paths on as sent."""
    yield from _run_server(create_app(demo_database, kb))


def _run_server(app: FastAPI) -> Iterator[int]:
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield port
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def real_server_with_token(demo_database: Database, kb: KnowledgeBase) -> Iterator[int]:  # noqa: F811
    yield from _run_server(create_app(demo_database, kb, WebSettings(token=TOKEN)))


def raw_get(port: int, path: str) -> tuple[int, bytes, dict[str, str]]:
    """GET `path` exactly as written (no client-side normalisation of `..` or escapes)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read(), {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


APP_SOURCE = Path(__file__).resolve().parent.parent / "src" / "frontwatch" / "web" / "app.py"
TRAVERSALS = [
    "/static/../app.py", "/static/../../../../../../../../etc/passwd", "/static/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "/static/..%2fapp.py",
    "/static/..%5capp.py", "/static/..\\app.py", "/static/%252e%252e/app.py", "/static//etc/passwd",
    "/static/%2fetc%2fpasswd", "/static/leaflet/../../../../../../etc/passwd",
    "/static/leaflet/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/static/swagger/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "/static/app.css%00../../app.py",
    "/static/" + str(APP_SOURCE), "/static/" + "%2f".join(APP_SOURCE.parts[1:]),
    "/documents/..%2f..%2f..%2fetc%2fpasswd", "/documents/%2e%2e", "/api/documents/..%2f..%2fetc%2fpasswd",
    "/api/documents/%2fetc%2fpasswd", "/incidents/..%2f..%2fapp.py", "/basemap.geojson/../../etc/passwd",
    "/../../../etc/passwd", "/%2e%2e/%2e%2e/etc/passwd",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_no_path_traversal(real_server: int, path: str) -> None:
    status, body, headers = raw_get(real_server, path)
    assert status in (400, 404), (path, status, body[:200])
    assert b"root:" not in body and b"create_app" not in body and b"uvicorn" not in body, path
    assert_security_headers(type("R", (), {"headers": headers})(), path)


def test_the_real_server_still_serves_its_files(real_server: int) -> None:
    status, body, headers = raw_get(real_server, "/static/app.css")
    assert status == 200 and headers["content-type"].startswith("text/css") and body
    assert raw_get(real_server, "/static/leaflet/leaflet.js")[0] == 200
    assert raw_get(real_server, "/static/./app.css")[0] in (200, 404)  # never outside the directory either way
