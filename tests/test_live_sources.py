"""Feeds and article pages as sources, with their state in a real database (SQLite and
PostgreSQL), served from a local server: feed items, broken items, conditional GET, retries."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from feeds_support import Feed, Item, LocalWeb, Reply, article_html
from frontwatch.kb.index import KnowledgeBase
from frontwatch.live.feeds import FULL_TEXT_MIN_CHARS, item_doc_id, looks_like_feed, parse_feed
from frontwatch.live.fetch import Fetcher, FetchSettings
from frontwatch.live.sources import WebReader, iter_inputs
from frontwatch.live.state import MAX_ITEM_ATTEMPTS, LiveState
from frontwatch.records import Skipped, SourceDocument
from frontwatch.store import repository
from frontwatch.store.db import Database
from frontwatch.store.ingest import IngestSummary, ingest
from frontwatch.store.schema import feed_items

STORY = ("Rebel fighters entered the town of Saraqib on Tuesday after government forces withdrew along the "
         "M5 highway, a war monitor said.\n\nResidents reported shelling on the eastern edge of the town "
         "overnight. The army said it had redeployed to stronger positions further south.\n\n"
         "Aid groups said hundreds of families had fled towards the Turkish border since the weekend.")
ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:desk</id>
<updated>2024-12-08T06:00:00+02:00</updated>
<entry><title>Clashes near Saraqib</title><id>urn:desk:1</id><link href="/story/1"/>
<published>2024-12-07T23:30:00-05:00</published><summary>Short teaser.</summary></entry>
<entry><title>No id and no link</title><summary>orphan</summary></entry>
</feed>"""


@pytest.fixture()
def fetcher() -> Iterator[Fetcher]:
    with Fetcher(FetchSettings(timeout=1.0, retries=1, backoff=0.0)) as client:
        yield client


def ingest_urls(urls: list[str], kb: KnowledgeBase, database: Database, fetcher: Fetcher,
                force: bool = False) -> tuple[IngestSummary, WebReader]:
    reader = WebReader(fetcher, LiveState(database), force=force)
    summary = IngestSummary()
    ingest(iter_inputs(urls, reader, lambda _paths: iter([])), kb, database, summary, inputs=urls,
           on_result=reader.on_result)
    return summary, reader


def stored_documents(database: Database) -> dict[str, object]:
    with database.read() as connection:
        return {doc.doc_id: doc for doc in repository.iter_documents(connection)}


def test_feed_detection_by_type_and_by_root_element() -> None:
    assert looks_like_feed("application/rss+xml", b"<rss/>")
    assert looks_like_feed("text/plain", b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- hi -->\n<feed xmlns="a">')
    assert looks_like_feed("application/xml", b"<rdf:RDF>")
    assert not looks_like_feed("text/html; charset=utf-8", b"<rss>")  # a page that merely mentions one
    assert not looks_like_feed("", b"<!DOCTYPE html><html><body>rss</body></html>")


def test_atom_items_keep_their_ids_links_and_the_publishers_day() -> None:
    feed = parse_feed(ATOM, "http://127.0.0.1:9/atom.xml", "application/atom+xml")
    assert feed.title == "Atom Desk"
    [item] = feed.items
    assert (item.item_id, item.link, item.title) == ("urn:desk:1", "http://127.0.0.1:9/story/1", "Clashes near Saraqib")
    assert item.published == "2024-12-07"  # 23:30 in New York is still the 7th there
    assert item.content is None and item.summary == "Short teaser."
    assert item.doc_id == item_doc_id("urn:desk:1") and len(item.doc_id) == 16
    assert feed.skipped == [(2, "item has neither a guid nor a link")]


def test_an_article_url_is_read_through_the_html_reader(web: LocalWeb, kb: KnowledgeBase, database: Database,
                                                        fetcher: Fetcher) -> None:
    url = web.add("/2024/12/saraqib.html", Reply(body=article_html("Rebels enter Saraqib", STORY).encode()))
    summary, reader = ingest_urls([url], kb, database, fetcher)
    assert (summary.stored, summary.failed) == (1, False)
    [document] = stored_documents(database).values()
    assert document.title == "Rebels enter Saraqib" and document.url == url  # type: ignore[attr-defined]
    assert document.outlet == "127.0.0.1"  # type: ignore[attr-defined] # no site name: the host
    assert "Home" not in document.text and document.text.startswith("Rebel fighters")  # type: ignore[attr-defined]
    assert reader.results[0].kind == "page"


def test_a_feed_item_with_only_a_summary_is_read_from_its_page(web: LocalWeb, kb: KnowledgeBase,
                                                                database: Database, fetcher: Fetcher) -> None:
    published = datetime(2024, 12, 3, 9, 0, tzinfo=UTC)
    teaser = Item("guid-teaser", "Saraqib falls", "/a.html", body=STORY, published=published, summary="Teaser.")
    full = Item("guid-full", "Full text in the feed", "/b.html", published=published,
                content="".join(f"<p>{p}</p>" for p in [STORY.replace("Saraqib", "Maarat al-Numan")] * 2))
    assert len(full.content or "") > FULL_TEXT_MIN_CHARS
    url = Feed("Idlib Wire", [teaser, full], language="en-GB").serve(web)
    summary, reader = ingest_urls([url], kb, database, fetcher)
    assert summary.stored == 2 and not summary.failed
    documents = stored_documents(database)
    first = documents[item_doc_id("guid-teaser")]
    assert (first.title, first.outlet, first.published, first.url) == (  # type: ignore[attr-defined]
        "Saraqib falls", "Idlib Wire", "2024-12-03", web.url("/a.html"))
    assert "eastern edge of the town" in first.text  # type: ignore[attr-defined] # the page, not the teaser
    second = documents[item_doc_id("guid-full")]
    assert "Maarat al-Numan" in second.text  # type: ignore[attr-defined]
    assert first.language == second.language == "en"  # type: ignore[attr-defined] # the channel's <language>
    assert web.hits("/b.html") == []  # full text in the feed: the page is not fetched
    assert reader.results[0].line().endswith("feed of 2 items, 2 new, 0 unchanged, 0 seen before, 0 failed")


def broken_feed(web: LocalWeb) -> tuple[str, dict[str, str]]:
    """A feed of five items: two good, one 404 link, one page of bad bytes, one empty page."""
    items = [
        Item("good-1", "Good one", "/good1.html", body=STORY),
        Item("missing", "Missing", "/nowhere.html"),
        Item("bad-bytes", "Bad bytes", "/binary.html", page=Reply(body=b"\x00\x01\x02PNG" + bytes(range(256)) * 8)),
        Item("empty", "Empty", "/empty.html", page=Reply(body=b"   \n")),
        Item("good-2", "Good two", "/good2.html", body=STORY.replace("Saraqib", "Khan Shaykhun")),
    ]
    url = Feed("Broken Wire", items).serve(web, etag='"feed-v1"')
    return url, {item.guid: web.url(item.path) for item in items}


def test_broken_items_are_reported_with_their_urls_and_the_rest_is_stored(
        web: LocalWeb, kb: KnowledgeBase, database: Database, fetcher: Fetcher) -> None:
    url, links = broken_feed(web)
    summary, reader = ingest_urls([url], kb, database, fetcher)
    assert summary.stored == 2 and summary.failed
    reasons = {skip.source: skip.reason for skip in summary.skipped}
    assert reasons == {links["missing"]: "HTTP 404 Not Found", links["bad-bytes"]: "binary file",
                       links["empty"]: "empty"}
    assert set(stored_documents(database)) == {item_doc_id("good-1"), item_doc_id("good-2")}
    assert "5 items, 2 new, 0 unchanged, 0 seen before, 3 failed" in reader.results[0].line()

    # Second poll: the feed is unchanged (ETag) and the broken items failed for good: nothing at all.
    again, reader = ingest_urls([url], kb, database, fetcher)
    assert (again.stored, again.documents, again.failed) == (0, 0, False)
    assert reader.results[0].not_modified
    assert web.hits("/feed.xml")[-1].headers["if-none-match"] == '"feed-v1"'

    # Without the ETag the feed is read again, but every item is known: nothing fetched, nothing stored.
    web.add("/feed.xml", Reply(body=web.routes["/feed.xml"][0].body, content_type="application/rss+xml"))
    pages_before = len(web.requests)
    third, reader = ingest_urls([url], kb, database, fetcher)
    assert (third.stored, third.failed) == (0, False)
    assert reader.results[0].seen == 5
    assert [seen.path for seen in web.requests[pages_before:]] == ["/feed.xml"]


def test_a_transient_failure_is_retried_on_later_polls_then_given_up(
        web: LocalWeb, kb: KnowledgeBase, database: Database, fetcher: Fetcher) -> None:
    items = [Item("flaky", "Flaky", "/flaky.html", page=Reply(503, b"busy")),
             Item("fine", "Fine", "/fine.html", body=STORY)]
    url = Feed("Flaky Wire", items).serve(web, etag='"v1"')
    first, _ = ingest_urls([url], kb, database, fetcher)
    assert first.stored == 1
    assert first.skipped[0].reason == "HTTP 503 Service Unavailable (gave up after 2 attempts); will try again"
    # The validators were not kept while an item waits for another try: the next poll reads the feed.
    for attempt in range(2, MAX_ITEM_ATTEMPTS + 1):
        later, _ = ingest_urls([url], kb, database, fetcher)
        assert later.stored == 0 and len(later.skipped) == 1
        assert later.skipped[0].reason.endswith("will try again") == (attempt < MAX_ITEM_ATTEMPTS)
    with database.read() as connection:
        row = connection.execute(select(feed_items).where(feed_items.c.item_id == "flaky")).one()
    assert (row.status, row.attempts, row.url) == ("failed", MAX_ITEM_ATTEMPTS, web.url("/flaky.html"))
    last, reader = ingest_urls([url], kb, database, fetcher)  # given up: the feed is now conditional
    assert not last.skipped and reader.results[0].not_modified
    # The page comes back: --force reads everything again and stores it.
    web.add("/flaky.html", Reply(body=article_html("Flaky", STORY.replace("Saraqib", "Ariha")).encode()))
    forced, _ = ingest_urls([url], kb, database, fetcher, force=True)
    assert forced.stored == 1 and forced.unchanged == 1


def test_an_unreachable_or_disallowed_feed_is_reported_and_the_batch_goes_on(
        web: LocalWeb, kb: KnowledgeBase, database: Database, fetcher: Fetcher) -> None:
    web.add("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private/\n", content_type="text/plain"))
    closed = web.add("/private/feed.xml", Reply(body=b"<rss/>", content_type="application/rss+xml"))
    page = web.add("/ok.html", Reply(body=article_html("Ok", STORY).encode()))
    not_a_feed = web.add("/data.bin", Reply(body=b"\x00" * 10, content_type="application/octet-stream"))
    summary, _ = ingest_urls([closed, web.url("/missing.xml"), not_a_feed, page], kb, database, fetcher)
    assert summary.stored == 1
    reasons = {skip.source: skip.reason for skip in summary.skipped}
    assert reasons[closed].startswith("disallowed by ") and reasons[web.url("/missing.xml")] == "HTTP 404 Not Found"
    assert reasons[not_a_feed].startswith("unsupported content type application/octet-stream")
    assert web.hits("/private/feed.xml") == []


def test_a_page_in_a_legacy_encoding_is_decoded_by_its_header(web: LocalWeb, kb: KnowledgeBase,
                                                               database: Database, fetcher: Fetcher) -> None:
    text = STORY.replace("Residents", "Résidents of the café district")
    body = article_html("Saraqib", text).replace('<meta charset="utf-8">', "").encode("cp1252")
    url = web.add("/legacy.html", Reply(body=body, content_type="text/html; charset=windows-1252"))
    summary, _ = ingest_urls([url], kb, database, fetcher)
    assert summary.stored == 1
    [document] = stored_documents(database).values()
    assert "Résidents of the café district" in document.text  # type: ignore[attr-defined]


def test_paths_and_urls_mix_in_order(web: LocalWeb, tmp_path: Path, fetcher: Fetcher) -> None:
    from frontwatch.ingest.readers import iter_sources

    (tmp_path / "local.txt").write_text("Local report\n\n" + STORY, encoding="utf-8")
    url = web.add("/remote.html", Reply(body=article_html("Remote", STORY).encode()))
    reader = WebReader(fetcher)  # no database: nothing remembered
    items = list(iter_inputs([str(tmp_path / "local.txt"), url, str(tmp_path / "nope.txt")], reader, iter_sources))
    assert [type(item) for item in items] == [SourceDocument, SourceDocument, Skipped]
    assert [item.source for item in items] == [str(tmp_path / "local.txt"), url, str(tmp_path / "nope.txt")]


def test_a_poll_stopped_between_items_resumes_where_it_stopped(
        web: LocalWeb, kb: KnowledgeBase, database: Database, fetcher: Fetcher) -> None:
    stories = [STORY.replace("Saraqib", town) for town in ("Ariha", "Jisr al-Shughur", "Taftanaz", "Binnish")]
    items = [Item(f"item-{n}", f"Report {n}", f"/r{n}.html", body=story) for n, story in enumerate(stories)]
    url = Feed("Resume Wire", items).serve(web, etag='"v1"')
    handed: list[SourceDocument] = []
    reader = WebReader(fetcher, LiveState(database), stop=lambda: len(handed) >= 2)

    def counted() -> Iterator[SourceDocument | Skipped]:
        for item in reader.read(url):
            if isinstance(item, SourceDocument):
                handed.append(item)
            yield item

    summary = IngestSummary()
    ingest(counted(), kb, database, summary, on_result=reader.on_result)  # as if SIGTERM came after two
    assert summary.stored == 2
    assert LiveState(database).last_fetch(url) is None  # not a finished poll: due at once after a restart
    # The poll was not noted (two items are still to do): the next one reads the feed and does the rest.
    rest, reader = ingest_urls([url], kb, database, fetcher)
    assert (rest.stored, reader.results[0].seen) == (2, 2)
    assert set(stored_documents(database)) == {item_doc_id(item.guid) for item in items}
    done, reader = ingest_urls([url], kb, database, fetcher)
    assert done.stored == 0 and reader.results[0].not_modified
