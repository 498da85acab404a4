"""A local web server for the live-source tests, and feeds to serve from it.

`LocalWeb` serves on 127.0.0.1 (a free port) in a thread whatever a test put at each path:
pages, feeds, robots.txt, and misbehaviour (slow, 5xx, connection reset, redirects, oversized
bodies, conditional GET). Nothing leaves the machine.

`corpus_feed()` builds an RSS feed of N varied items (the benchmark corpus builder) with their
pages, for end-to-end tests of `ingest URL` and `watch`; other tests (duplicates, languages) can
add their own `Item`s to it before serving it.
"""

from __future__ import annotations

import email.utils
import importlib.util
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from frontwatch.kb.index import KnowledgeBase

BENCHMARK_CORPUS = Path(__file__).resolve().parent.parent / "benchmarks" / "corpus.py"


@dataclass
class Reply:
    """One response. `delay`: seconds before answering; `reset`: close the connection without
    an answer (a TCP reset); `etag`/`last_modified`: answer 304 to a matching conditional GET;
    `length=False`: no Content-Length (the body streams until the connection closes);
    `trickle`: seconds between chunks of the body."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False
    etag: str | None = None
    last_modified: str | None = None
    length: bool = True
    trickle: float = 0.0


@dataclass
class Seen:
    path: str
    headers: dict[str, str]


class LocalWeb:
    """A threaded HTTP server on 127.0.0.1. `add(path, reply, ...)`: the replies are given in
    turn, the last one repeating; unknown paths get 404."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[Seen] = []
        self._lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the name http.server calls
                web._answer(self)

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.server.block_on_close = False  # type: ignore[attr-defined]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, *replies: Reply) -> str:
        with self._lock:
            self.routes[path] = list(replies)
        return self.url(path)

    def hits(self, path: str) -> list[Seen]:
        with self._lock:
            return [seen for seen in self.requests if seen.path == path]

    def start(self) -> LocalWeb:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _next_reply(self, path: str) -> Reply | None:
        with self._lock:
            replies = self.routes.get(path)
            if not replies:
                return None
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        path = handler.path
        with self._lock:
            self.requests.append(Seen(path, {k.lower(): v for k, v in handler.headers.items()}))
        reply = self._next_reply(path) or Reply(404, b"not found", "text/plain")
        if reply.delay:
            time.sleep(reply.delay)
        if reply.reset:
            handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            handler.connection.close()
            handler.close_connection = True
            handler.wfile = _Sink()  # type: ignore[assignment]
            return
        if _not_modified(reply, handler.headers.get("If-None-Match"), handler.headers.get("If-Modified-Since")):
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(reply.status)
        handler.send_header("Content-Type", reply.content_type)
        if reply.length:
            handler.send_header("Content-Length", str(len(reply.body)))
        if reply.etag:
            handler.send_header("ETag", reply.etag)
        if reply.last_modified:
            handler.send_header("Last-Modified", reply.last_modified)
        for name, value in reply.headers.items():
            handler.send_header(name, value)
        handler.end_headers()
        try:
            if reply.trickle:
                for start in range(0, len(reply.body), 64):
                    handler.wfile.write(reply.body[start:start + 64])
                    handler.wfile.flush()
                    time.sleep(reply.trickle)
            else:
                handler.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client stopped reading (size cap, timeout): what the test wants


class _Sink:
    def write(self, _data: bytes) -> None:
        pass

    def flush(self) -> None:
        pass


def _not_modified(reply: Reply, if_none_match: str | None, if_modified_since: str | None) -> bool:
    if reply.etag and if_none_match:
        return reply.etag in [tag.strip() for tag in if_none_match.split(",")]
    if reply.last_modified and if_modified_since:
        return if_modified_since == reply.last_modified
    return False


# ---------------------------------------------------------------- feeds


@dataclass
class Item:
    """One feed item. `body` is the article page's main text (served as HTML at `path`);
    `content` puts full text in the feed itself instead; `page` overrides the page's bytes
    (bad bytes, empty); `path=None` with no page: the link points nowhere (404)."""

    guid: str
    title: str
    path: str
    body: str = ""
    published: datetime | None = None
    summary: str = ""
    content: str | None = None
    page: Reply | None = None
    language: str | None = None


@dataclass
class Feed:
    title: str
    items: list[Item]
    link: str = "https://example.invalid/"
    language: str | None = None      # the channel's <language>

    def rss(self, base: str) -> bytes:
        entries = "".join(_rss_item(item, base) for item in self.items)
        language = f"<language>{escape(self.language)}</language>" if self.language else ""
        return (f'<?xml version="1.0" encoding="utf-8"?>\n'
                f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
                f"<channel><title>{escape(self.title)}</title><link>{escape(self.link)}</link>"
                f"<description>Test feed</description>{language}{entries}</channel></rss>\n").encode()

    def serve(self, web: LocalWeb, feed_path: str = "/feed.xml", *, etag: str | None = None) -> str:
        """Put the feed and every item's page on `web`; the feed's URL."""
        for item in self.items:
            if item.page is not None:
                web.add(item.path, item.page)
            elif item.body:
                web.add(item.path, Reply(body=article_html(item.title, item.body, item.language).encode()))
        return web.add(feed_path, Reply(body=self.rss(web.base), content_type="application/rss+xml", etag=etag))


def _rss_item(item: Item, base: str) -> str:
    parts = [f"<title>{escape(item.title)}</title>", f"<link>{escape(base + item.path)}</link>",
             f'<guid isPermaLink="false">{escape(item.guid)}</guid>']
    if item.published:
        parts.append(f"<pubDate>{email.utils.format_datetime(item.published)}</pubDate>")
    if item.summary:
        parts.append(f"<description>{escape(item.summary)}</description>")
    if item.content is not None:
        parts.append(f"<content:encoded><![CDATA[{item.content}]]></content:encoded>")
    return f"<item>{''.join(parts)}</item>"


def article_html(title: str, body: str, language: str | None = None) -> str:
    """An article page: header and footer boilerplate around the title and paragraphs."""
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in body.split("\n\n") if p.strip())
    lang = f' lang="{language}"' if language else ""
    return (f"<!DOCTYPE html><html{lang}><head><meta charset=\"utf-8\"><title>{escape(title)}</title></head>"
            f"<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a></nav><article><h1>{escape(title)}</h1>"
            f"{paragraphs}</article><footer>Copyright Test Outlet</footer></body></html>")


def _benchmark_corpus() -> Any:
    # benchmarks/ is not a package on sys.path when pytest runs from elsewhere: load it by path.
    spec = importlib.util.spec_from_file_location("frontwatch_bench_corpus", BENCHMARK_CORPUS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def corpus_feed(kb: KnowledgeBase, count: int = 50, *, title: str = "Frontwatch Test Wire", seed: int = 7) -> Feed:
    """A feed of `count` distinct synthetic conflict reports (benchmarks/corpus.py: varied
    theatres, actors, events), each with its article page. Every third item carries its full
    text in the feed (content:encoded); the others only a one-line summary, their text being on
    the linked page."""
    corpus = _benchmark_corpus().build_corpus(kb, count, seed=seed)
    items: list[Item] = []
    for number, document in enumerate(corpus.documents, start=1):
        published = datetime.fromisoformat(document.published).replace(hour=6, tzinfo=UTC)
        lines = [line.strip() for line in document.text.split("\n") if line.strip()]
        item = Item(guid=f"urn:frontwatch-test:{seed}:{number}", title=document.title or f"Report {number}",
                    path=f"/news/{seed}-{number}.html", body="\n\n".join(lines), published=published,
                    summary=lines[0][:200])
        if number % 3 == 0:
            item.content = "".join(f"<p>{escape(line)}</p>" for line in lines)
        items.append(item)
    return Feed(title=title, items=items)
