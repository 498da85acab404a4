"""`frontwatch watch` and `frontwatch ingest URL` as real subprocesses, against feeds served
from a local server: a 50-item feed with broken items, resuming, the schedule, signals and
the watch file's format."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from feeds_support import Feed, Item, LocalWeb, Reply, corpus_feed
from frontwatch.errors import InputError
from frontwatch.kb.index import KnowledgeBase
from frontwatch.live.feeds import item_doc_id
from frontwatch.live.watch import DEFAULT_INTERVAL_SECONDS, load_feeds, parse_interval
from frontwatch.store import open_database, repository
from frontwatch.store.schema import documents, feed_items, fetched_urls, ingest_runs

REPO = Path(__file__).resolve().parent.parent
# No waiting between retries of the broken items' links in these runs.
ENV = {"FRONTWATCH_HTTP_RETRIES": "0", "FRONTWATCH_HTTP_TIMEOUT": "5"}


def frontwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **ENV}, timeout=300)


def fifty_item_feed(kb: KnowledgeBase) -> Feed:
    """47 good articles and 3 broken items (a dead link, a page of bad bytes, an empty page) among them."""
    feed = corpus_feed(kb, 47)
    broken = [Item("urn:broken:dead-link", "Dead link", "/news/dead.html"),
              Item("urn:broken:bad-bytes", "Bad bytes", "/news/binary.html",
                   page=Reply(body=b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 16)),
              Item("urn:broken:empty", "Empty", "/news/empty.html", page=Reply(body=b""))]
    for position, item in zip((5, 20, 40), broken, strict=True):
        feed.items.insert(position, item)
    assert len(feed.items) == 50
    return feed


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text)


def write_watch_file(path: Path, *urls: str) -> Path:
    lines = ["interval: 30m", "feeds:"] + [f"  - url: {url}\n    interval: 10m" for url in urls]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("etag", [True, False], ids=["etag", "no-etag"])
def test_watch_once_ingests_a_50_item_feed_and_a_second_run_nothing(
        web: LocalWeb, kb: KnowledgeBase, tmp_path: Path, etag: bool) -> None:
    feed = fifty_item_feed(kb)
    url = feed.serve(web, etag='"wire-1"' if etag else None)
    feeds_file = write_watch_file(tmp_path / "feeds.yaml", url)
    db = f"sqlite:///{tmp_path / 'watch.db'}"

    first = frontwatch("watch", str(feeds_file), "--db", db, "--once")
    assert first.returncode == 1, first.stderr  # broken items: something failed
    for path, reason in (("/news/dead.html", "HTTP 404 Not Found"), ("/news/binary.html", "binary file"),
                         ("/news/empty.html", "empty")):
        assert f"skipped {web.url(path)}: {reason}" in first.stderr
    assert "feed of 50 items, 47 new, 0 unchanged, 0 seen before, 3 failed" in first.stderr
    assert "fused 47 documents" in first.stderr  # each round's documents are fused, as by ingest

    good = [item for item in feed.items if not item.guid.startswith("urn:broken")]
    with open_database(db) as database, database.read() as connection:
        stored = {doc.doc_id: doc for doc in repository.iter_documents(connection)}
        assert set(stored) == {item_doc_id(item.guid) for item in good}
        for item in good:
            document = stored[item_doc_id(item.guid)]
            assert (document.title, document.url, document.outlet) == (item.title, web.url(item.path), feed.title)
            assert document.published == (item.published.date().isoformat() if item.published else None)
            # the article itself, from the page or the feed (trafilatura straightens curly quotes)
            assert words(document.text.split("\n", 1)[0]) == words(item.body.split("\n\n", 1)[0])
        assert connection.scalar(select(func.count()).select_from(feed_items)) == 50
        poll = connection.execute(select(fetched_urls).where(fetched_urls.c.url == url)).one()
        assert poll.etag == ('"wire-1"' if etag else None) and poll.status == 200

    second = frontwatch("watch", str(feeds_file), "--db", db, "--once")
    assert second.returncode == 0, second.stderr
    assert "skipped 0," in second.stderr and "stored 0 new" in second.stderr and "fused" not in second.stderr
    if etag:
        assert "not modified since the last fetch (HTTP 304)" in second.stderr
    else:
        assert "feed of 50 items, 0 new, 0 unchanged, 50 seen before, 0 failed" in second.stderr
    with open_database(db) as database, database.read() as connection:
        assert connection.scalar(select(func.count()).select_from(documents)) == 47
        runs = connection.execute(select(ingest_runs).order_by(ingest_runs.c.id)).all()
    assert [(run.status, run.documents_stored) for run in runs] == [("finished", 47), ("finished", 0)]
    assert runs[0].inputs == [url]
    page_hits = [seen for seen in web.requests if seen.path.startswith("/news/")]
    assert len(page_hits) == 50 - 47 // 3  # every third good item had its full text in the feed


def test_ingest_takes_feed_and_article_urls_next_to_paths(web: LocalWeb, kb: KnowledgeBase, tmp_path: Path) -> None:
    feed = corpus_feed(kb, 4, seed=11)
    feed_url = feed.serve(web)
    page = web.add("/single.html", Reply(body=(
        b"<html><head><title>One page</title></head><body><article><p>Government forces shelled Idlib on "
        b"Monday, a monitor said. Three civilians were killed in the strikes.</p></article></body></html>")))
    (tmp_path / "local.txt").write_text("Local\n\nRebels entered Hama on Thursday.\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'ingest.db'}"
    result = frontwatch("ingest", feed_url, str(tmp_path / "local.txt"), page, "--db", db, "--no-progress")
    assert result.returncode == 0, result.stderr
    assert "stored 6 new" in result.stderr
    again = frontwatch("ingest", feed_url, page, "--db", db, "--no-progress")
    assert again.returncode == 0 and "stored 0 new" in again.stderr, again.stderr
    assert "feed of 4 items, 0 new, 0 unchanged, 4 seen before, 0 failed" in again.stderr


def test_extract_reads_urls_without_a_database(web: LocalWeb, tmp_path: Path) -> None:
    import json

    page = web.add("/page.html", Reply(body=(
        b"<html><head><title>Idlib</title></head><body><article><p>Government forces shelled Idlib on "
        b"Monday, a monitor said.</p></article></body></html>")))
    result = frontwatch("extract", page, web.url("/gone.html"), "--no-events")
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout.splitlines()[0])
    assert (document["record"], document["url"], document["title"]) == ("document", page, "Idlib")
    assert f"skipped {web.url('/gone.html')}: HTTP 404 Not Found" in result.stderr


def test_watch_polls_on_schedule_and_stops_cleanly_on_sigterm(web: LocalWeb, kb: KnowledgeBase,
                                                              tmp_path: Path) -> None:
    url = corpus_feed(kb, 3, seed=5).serve(web)
    feeds_file = write_watch_file(tmp_path / "feeds.yaml", url)
    db = f"sqlite:///{tmp_path / 'loop.db'}"
    process = subprocess.Popen([sys.executable, "-m", "frontwatch.cli", "watch", str(feeds_file), "--db", db],
                               cwd=REPO, env={**os.environ, **ENV}, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        stored = 0
        while time.monotonic() < deadline and stored < 3:
            time.sleep(0.5)
            with open_database(db) as database, database.read() as connection:
                stored = connection.scalar(select(func.count()).select_from(documents)) or 0
        assert stored == 3
        time.sleep(1)  # the watcher is now waiting for the next poll, 10 minutes away
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, stderr
    assert "SIGTERM received" in stderr and "frontwatch: stopped" in stderr
    assert len(web.hits("/feed.xml")) == 1  # polled once: the next poll is not due yet

    # Restarted, it knows the feed was polled a moment ago and waits; --once polls regardless.
    again = frontwatch("watch", str(feeds_file), "--db", db, "--once")
    assert again.returncode == 0 and "3 seen before" in again.stderr, again.stderr


def test_watch_file_format(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("interval: 1h\nfeeds:\n  - https://a.example/rss\n"
                    "  - url: https://b.example/atom\n    name: Desk B\n    interval: 90s\n", encoding="utf-8")
    first, second = load_feeds(path)
    assert (first.url, first.name, first.interval) == ("https://a.example/rss", None, 3600.0)
    assert (second.name, second.interval) == ("Desk B", 90.0)
    assert load_feeds(path, interval=600.0)[0].interval == 600.0  # --interval beats the file's default
    path.write_text("feeds: [https://a.example/rss]\n", encoding="utf-8")
    assert load_feeds(path)[0].interval == DEFAULT_INTERVAL_SECONDS


@pytest.mark.parametrize(("content", "message"), [
    ("feeds: []\n", "non-empty `feeds:` list"),
    ("feeds:\n  - ftp://a.example/rss\n", "feeds[1]: 'ftp://a.example/rss' is not an http(s) URL"),
    ("feeds:\n  - url: https://a.example/rss\n    every: 5m\n", "unknown keys ['every']"),
    ("feeds:\n  - https://a.example/rss\n  - https://a.example/rss\n",
     "feeds[2]: https://a.example/rss is listed twice"),
    ("feeds:\n  - url: https://a.example/rss\n    interval: 10s\n", "shorter than 60 s"),
    ("feeds:\n  - url: https://a.example/rss\n    interval: soon\n", "'soon' is not a duration"),
    ("feeds: [unclosed\n", "not valid YAML"),
])
def test_watch_file_errors_name_the_file_and_the_entry(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError, match=str(path)) as caught:
        load_feeds(path)
    assert message in str(caught.value)


def test_intervals() -> None:
    assert [parse_interval(value, "x") for value in (900, "15m", "2h", "1d", "90 s")] == [900, 900, 7200, 86400, 90]


def test_watch_reports_a_bad_watch_file_and_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "feeds.yaml"
    path.write_text("feeds: nope\n", encoding="utf-8")
    result = frontwatch("watch", str(path), "--db", str(tmp_path / "x.db"), "--once")
    assert result.returncode == 2 and f"frontwatch: error: {path}" in result.stderr
