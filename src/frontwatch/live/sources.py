"""URLs as sources: a feed URL yields its new items, an article URL one document, as the same
`SourceDocument | Skipped` stream the file readers produce, so `ingest` stores them alike.

With a `LiveState` (the database) a reader sends conditional GETs, skips items it already
stored and gives up on items that keep failing; `on_result` is told, by the ingest, what became
of each document it handed on, so nothing is marked done before it is stored.
"""

from __future__ import annotations

import codecs
import itertools
from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

from frontwatch.errors import FetchError, InputError, RobotsDisallowed
from frontwatch.ingest.decoding import declared_html_charset, decode_document
from frontwatch.live.feeds import Feed, FeedItem, looks_like_feed, parse_feed
from frontwatch.live.fetch import Fetched, Fetcher
from frontwatch.live.state import LiveState
from frontwatch.records import Skipped, SourceDocument

HTML_TYPES = ("text/html", "application/xhtml+xml")
StoreResult = Literal["stored", "replaced", "unchanged"] | Skipped
Records = Iterator[SourceDocument | Skipped]


def is_url(value: str) -> bool:
    """True for an http(s) URL given where a path may be."""
    return value[:8].lower().startswith(("http://", "https://"))


@dataclass
class PollResult:
    """What reading one URL gave, for the summary."""

    url: str
    kind: Literal["feed", "page", "failed"] = "failed"
    not_modified: bool = False
    items: int = 0       # items in the feed
    new: int = 0         # documents stored (or handed on, without a database)
    unchanged: int = 0   # handed on, but already stored with the same content
    seen: int = 0        # items stored or given up on in an earlier run
    failed: int = 0

    def line(self) -> str:
        if self.not_modified:
            return f"{self.url}: not modified since the last fetch (HTTP 304)"
        if self.kind == "feed":
            return (f"{self.url}: feed of {self.items} items, {self.new} new, {self.unchanged} unchanged, "
                    f"{self.seen} seen before, {self.failed} failed")
        return f"{self.url}: {'page' if self.kind == 'page' else 'failed'}"


class WebReader:
    """Reads URLs through one `Fetcher`; `stop()` returning True ends a feed between items."""

    def __init__(self, fetcher: Fetcher, state: LiveState | None = None, *, force: bool = False,
                 stop: Callable[[], bool] = lambda: False) -> None:
        self.fetcher = fetcher
        self.state = state
        self.force = force
        self.stop = stop
        self.results: list[PollResult] = []
        self._outcome: StoreResult | None = None

    def on_result(self, _source: SourceDocument, result: StoreResult) -> None:
        """Called by the ingest after it stored (or failed to store) a document this reader yielded."""
        self._outcome = result

    def read(self, url: str, outlet: str | None = None) -> Iterator[SourceDocument | Skipped]:
        """The documents at `url`: a feed's new items, or the article page itself."""
        result = PollResult(url)
        self.results.append(result)
        previous = None if self.force or self.state is None else self.state.last_fetch(url)
        try:
            fetched = self.fetcher.fetch(url, previous.validators if previous else None)
        except FetchError as error:
            self._record_fetch(url, error.status, error=error.problem)
            yield Skipped(source=url, reason=error.problem)
            return
        if fetched.not_modified:
            result.not_modified = True
            self._record_fetch(url, 304)
            return
        if looks_like_feed(fetched.content_type, fetched.content):
            yield from self._read_feed(fetched, outlet, result)
        else:
            yield from self._read_page(fetched, outlet, result)

    # ------------------------------------------------------------ pages

    def _read_page(self, fetched: Fetched, outlet: str | None, result: PollResult) -> Records:
        url = fetched.url
        try:
            document = page_document(fetched, url=url, outlet=outlet)
        except InputError as error:
            self._record_fetch(url, fetched.status, error=error.problem)
            yield Skipped(source=url, reason=error.problem)
            return
        result.kind = "page"
        outcome = yield from self._hand_on(document)
        if isinstance(outcome, Skipped):
            result.failed += 1
            self._record_fetch(url, fetched.status, error=outcome.reason)
            return
        self._count(result, outcome)
        self._record_fetch(url, fetched.status, fetched)

    # ------------------------------------------------------------ feeds

    def _read_feed(self, fetched: Fetched, outlet: str | None, result: PollResult) -> Records:
        url = fetched.url
        try:
            feed = parse_feed(fetched.content, fetched.final_url, fetched.content_type)
        except InputError as error:
            self._record_fetch(url, fetched.status, error=error.problem)
            yield Skipped(source=url, reason=error.problem)
            return
        result.kind = "feed"
        result.items = len(feed.items)
        for position, reason in feed.skipped:
            result.failed += 1
            yield Skipped(source=f"{url} (item {position})", reason=reason)
        outlet = outlet or feed.title or urlsplit(url).hostname
        finished = True  # every item stored or given up: the next poll may be conditional
        for item in feed.items:
            if self.stop():
                return  # not noted as polled: a restarted watcher polls this feed first
            known = None if self.force or self.state is None else self.state.item(url, item.item_id)
            if known is not None and known.done:
                result.seen += 1
                continue
            source = item.link or f"{url}#{item.item_id}"
            try:
                document = self._item_document(item, feed, outlet, source)
            except InputError as error:
                result.failed += 1
                retry = self._record_item(url, item, failure=error.problem, permanent=not _transient(error))
                finished &= not retry
                yield Skipped(source=source, reason=error.problem + ("; will try again" if retry else ""))
                continue
            outcome = yield from self._hand_on(document)
            if isinstance(outcome, Skipped):
                result.failed += 1
                self._record_item(url, item, failure=outcome.reason, permanent=True)
                continue
            self._count(result, outcome)
            self._record_item(url, item, doc_id=document.doc_id)
        self._record_fetch(url, fetched.status, fetched if finished else None)

    def _item_document(self, item: FeedItem, feed: Feed, outlet: str | None, source: str) -> SourceDocument:
        if item.content:
            page = _read_html(item.content, source)
        elif item.link:
            page = page_document(self.fetcher.fetch(item.link), url=item.link)
        elif item.summary:
            page = _read_html(item.summary, source)
        else:
            raise InputError(source, "feed item has no text and no link")
        # The feed's metadata is the item's own; the page fills in what the feed leaves out.
        return page.model_copy(update={
            "doc_id": item.doc_id, "title": item.title or page.title, "published": item.published or page.published,
            "outlet": outlet or page.outlet, "url": item.link or page.url,
            "language": page.language or feed.language, "source": source})

    # ------------------------------------------------------------ bookkeeping

    def _hand_on(self, document: SourceDocument) -> Generator[SourceDocument, None, StoreResult | None]:
        # Yield the document; when the consumer asks for the next one, `on_result` has said what
        # became of it (None: a consumer without a database, such as extract).
        self._outcome = None
        yield document
        return self._outcome

    @staticmethod
    def _count(result: PollResult, outcome: StoreResult | None) -> None:
        if outcome == "unchanged":
            result.unchanged += 1
        else:
            result.new += 1

    def _record_fetch(self, url: str, status: int | None, fetched: Fetched | None = None,
                      error: str | None = None) -> None:
        if self.state is not None:
            self.state.record_fetch(url, status=status, validators=fetched.validators if fetched else None,
                                    error=error)

    def _record_item(self, feed_url: str, item: FeedItem, *, doc_id: str | None = None,
                     failure: str | None = None, permanent: bool = False) -> bool:
        """Note what became of an item; True when it failed and will be tried again."""
        if self.state is None:
            return False
        state = self.state.record_item(feed_url, item.item_id, item.link, doc_id=doc_id, failure=failure,
                                       permanent=permanent)
        return failure is not None and not state.done


def page_document(fetched: Fetched, *, url: str, outlet: str | None = None) -> SourceDocument:
    """An article page as a SourceDocument (main text with trafilatura, as for .html files)."""
    kind, _, parameters = fetched.content_type.partition(";")
    kind = kind.strip().lower()
    if kind not in HTML_TYPES and not (kind in ("", "application/octet-stream")
                                       and fetched.content.lstrip()[:1] == b"<"):
        raise InputError(url, f"unsupported content type {kind} (feeds and HTML pages are read)")
    declared = _header_charset(parameters) or declared_html_charset(fetched.content)
    page = _read_html(decode_document(fetched.content, url, declared), url)
    return page.model_copy(update={"url": url, "outlet": outlet or page.outlet or urlsplit(url).hostname,
                                   "source": url})


def iter_inputs(inputs: Iterable[str], reader: WebReader | None,
                read_paths: Callable[[list[str]], Iterable[SourceDocument | Skipped]]
                ) -> Iterator[SourceDocument | Skipped]:
    """Paths and URLs in the order given: runs of paths go to `read_paths` together (so a
    directory is read once), URLs to `reader`."""
    for web, group in itertools.groupby(inputs, key=is_url):
        if not web:
            yield from read_paths(list(group))
            continue
        for url in group:
            if reader is None:
                yield Skipped(source=url, reason="URLs are read by `frontwatch ingest`, not here")
                continue
            yield from reader.read(url)


def _read_html(html: str, source: str) -> SourceDocument:
    from frontwatch.ingest.html_reader import read_html  # trafilatura is slow to import

    return read_html(html, source)


def _header_charset(parameters: str) -> str | None:
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            try:
                return codecs.lookup(value.strip().strip('"')).name
            except LookupError:
                return None
    return None


def _transient(error: InputError) -> bool:
    """A failure worth trying again later: no answer, a timeout, a 5xx or 429."""
    if not isinstance(error, FetchError) or isinstance(error, RobotsDisallowed):
        return False
    return error.status is None or error.status >= 500 or error.status in (408, 429)
