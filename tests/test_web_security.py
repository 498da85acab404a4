"""The web app's defences: escaping of untrusted article text, the write token, same-origin
writes, the Host check, size limits, upload file names, and security headers."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontwatch.web.security import CONTENT_SECURITY_POLICY
from frontwatch.web.uploads import safe_label
from web_support import client, demo_database, demo_db_path, make_client  # noqa: F401 - fixtures

MakeClient = Callable[..., TestClient]

HOSTILE_TITLE = 'Aleppo <script>alert("title")</script> report'
HOSTILE_TEXT = (
    "Syrian Democratic Forces captured Raqqa on 17 October 2017 <script>alert('xss')</script>. "
    "Hayat Tahrir al-Sham fighters attacked Aleppo <img src=x onerror=alert(1)> with drones.\n\n"
    'Residents said "<b onmouseover=alert(2)>we fled</b>" as shelling hit Homs.'
)
RAW_MARKUP = ("<script>alert", "<img src=x", "onerror=alert(1)>", "<b onmouseover")


def assert_escaped(html: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html, f"{where}: unescaped {raw!r}"
    # every <script> tag on our pages is one of ours, loading a file of this origin
    for tag in re.findall(r"<script[^>]*>", html):
        assert re.fullmatch(r'<script src="/static/[\w./-]+">', tag), f"{where}: {tag}"


def test_hostile_article_is_escaped_on_every_page(make_client: MakeClient) -> None:
    client = make_client()
    stored = client.post("/api/documents", data={"text": HOSTILE_TEXT, "title": HOSTILE_TITLE,
                                                 "outlet": "<i>Evil</i> Times", "published": "2017-10-18"})
    assert stored.status_code == 201, stored.text
    doc_id = stored.json()["doc_ids"][0]
    document = client.get(f"/api/documents/{doc_id}").json()["document"]
    assert "<script>alert('xss')</script>" in document["text"]  # stored as it was: escaping is the page's job

    pages = {"/": None, "/documents": None, f"/documents/{doc_id}": None, "/incidents": None,
             "/contradictions": None, "/search?q=script": None, "/search?q=%3Cscript%3E": None}
    incidents = client.get("/api/incidents", params={"limit": 500}).json()["items"]
    assert incidents
    pages.update({f"/incidents/{i['incident_id']}": None for i in incidents})
    for url in pages:
        html = client.get(url).text
        assert_escaped(html, url)
    page = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;alert(&#39;xss&#39;)&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "Aleppo &lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; report" in page
    assert "&lt;i&gt;Evil&lt;/i&gt; Times" in page


def test_hostile_file_upload_through_the_form_is_escaped(make_client: MakeClient) -> None:
    client = make_client()
    html_article = (f"<html><head><title>{HOSTILE_TITLE}</title></head><body><article><p>"
                    + HOSTILE_TEXT.replace("<", "&lt;") + "</p></article></body></html>")
    response = client.post("/upload", files={"files": ('<svg onload=alert(1)>.html', html_article.encode(),
                                                       "text/html")})
    assert response.status_code == 201, response.text
    assert_escaped(response.text, "/upload result")
    assert "<svg onload" not in response.text


def test_security_headers_on_pages_api_and_assets(client: TestClient) -> None:
    for url in ("/", "/api/status", "/static/app.css", "/static/leaflet/leaflet.js", "/docs", "/api/incidents/x"):
        headers = client.get(url).headers
        assert headers["content-security-policy"] == CONTENT_SECURITY_POLICY, url
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "DENY"
    policy = CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in policy and "script-src 'self';" in policy
    assert "http" not in policy and "*" not in policy and "unsafe" not in policy


def test_no_page_references_another_origin(client: TestClient) -> None:
    for url in ("/", "/incidents", "/documents", "/contradictions", "/upload", "/docs", "/search?q=Homs"):
        html = client.get(url).text
        for reference in re.findall(r'(?:src|href|action)="([^"]*)"', html):
            assert reference.startswith(("/", "#")), f"{url}: {reference}"


def test_writes_are_open_on_loopback_without_a_token(make_client: MakeClient) -> None:
    client = make_client(host="127.0.0.1")
    assert client.post("/api/documents", data={"text": "Rebels captured Hama."}).status_code == 201


@pytest.fixture()
def token_client(make_client: MakeClient) -> Iterator[TestClient]:
    yield make_client(host="127.0.0.1", token="s3cret-token")


def test_a_set_token_is_always_required(token_client: TestClient) -> None:
    article = {"text": "Rebels captured Hama."}
    assert token_client.post("/api/documents", data=article).status_code == 401
    wrong = token_client.post("/api/documents", data=article, headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
    right = token_client.post("/api/documents", data=article, headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 201
    assert token_client.post("/api/documents", data=article,
                             headers={"X-Frontwatch-Token": "s3cret-token"}).status_code == 201
    form = token_client.get("/upload").text
    assert 'name="token"' in form
    assert token_client.post("/upload", data={**article, "token": "nope"}).status_code == 401
    assert token_client.post("/upload", data={**article, "token": "s3cret-token"}).status_code in (200, 201)
    assert token_client.get("/api/status").json()["uploads"] == "token"


def test_off_loopback_without_a_token_nothing_is_served(make_client: MakeClient) -> None:
    public = make_client(host="0.0.0.0")
    for url in ("/", "/api/status", "/static/app.css", "/docs", "/openapi.json"):
        refused = public.get(url, headers={"Host": "example.org"})
        assert refused.status_code == 403 and "FRONTWATCH_TOKEN" in refused.text, url
    assert public.post("/api/documents", data={"text": "Rebels captured Hama."}).status_code == 403
    guarded = make_client(host="0.0.0.0", token="t0ken")
    assert guarded.post("/api/documents", data={"text": "x y"}).status_code == 401
    assert guarded.post("/api/documents", data={"text": "Rebels captured Hama."},
                        headers={"Authorization": "Bearer t0ken"}).status_code == 201


def test_cross_site_writes_are_refused(make_client: MakeClient) -> None:
    client = make_client()
    article = {"text": "Rebels captured Hama."}
    evil = client.post("/upload", data=article, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and "origin" in evil.text
    assert client.post("/upload", data=article, headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    assert client.post("/upload", data=article, headers={"Origin": "null"}).status_code == 403
    same = client.post("/upload", data=article, headers={"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"})
    assert same.status_code == 201


def test_loopback_server_answers_only_loopback_host_names(client: TestClient) -> None:
    assert client.get("/api/status", headers={"Host": "rebound.evil.example"}).status_code == 421
    assert client.get("/api/status", headers={"Host": "127.0.0.1:8000"}).status_code == 200
    assert client.get("/api/status", headers={"Host": "[::1]:8000"}).status_code == 200


def test_request_size_is_limited(make_client: MakeClient) -> None:
    client = make_client(max_upload_bytes=10_000)
    big = client.post("/api/documents", files={"files": ("big.txt", b"Rebels captured Hama. " * 1000)})
    assert big.status_code == 413 and "MB" in big.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted while read
        boundary = b"--xyz\r\n"
        yield boundary + b'Content-Disposition: form-data; name="text"\r\n\r\n'
        for _ in range(100):
            yield b"Rebels captured Hama. " * 20
        yield b"\r\n--xyz--\r\n"

    streamed = client.post("/api/documents", content=chunks(),
                           headers={"Content-Type": "multipart/form-data; boundary=xyz"})
    assert streamed.status_code == 413
    too_many = make_client(max_upload_files=2).post(
        "/api/documents", files=[("files", (f"a{i}.txt", b"Rebels captured Hama.")) for i in range(3)])
    assert too_many.status_code == 422 and "at most 2" in too_many.text


def test_upload_file_names_are_never_paths(make_client: MakeClient, tmp_path: Path) -> None:
    client = make_client()
    target = tmp_path / "escaped.txt"
    names = [f"../../../../{target}", "..\\..\\windows\\evil.txt", "/etc/cron.d/job.txt", "report.exe"]
    files = [("files", (name, b"Syrian army forces shelled Idlib on 3 March 2020.")) for name in names]
    result = client.post("/api/documents", files=files).json()
    assert not target.exists()
    assert result["stored"] == 1 and result["unchanged"] == 2  # one text, three names; .exe skipped
    assert [s["source"] for s in result["skipped"]] == ["upload:report.exe"]
    sources = {d["source"] for d in client.get("/api/documents").json()["items"]}
    assert sources == {"upload:escaped.txt"}
    assert safe_label("../../etc/passwd") == "passwd"
    assert safe_label("..\\..\\a b<script>.txt") == "a b_script_.txt"
    assert safe_label("...") == "upload"


def test_empty_or_invalid_uploads_are_4xx(make_client: MakeClient) -> None:
    client = make_client()
    assert client.post("/api/documents", data={"text": "  "}).status_code == 422
    bad_date = client.post("/api/documents", data={"text": "Rebels captured Hama.", "published": "soon"})
    assert bad_date.status_code == 422 and "published" in bad_date.text
    assert client.post("/upload", data={"text": "Rebels captured Hama.", "published": "soon"}).status_code == 422
    assert client.post("/upload", data={}).status_code == 422
