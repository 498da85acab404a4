"""RSS and Atom feeds: telling a feed from a page, and reading its items with feedparser."""

from __future__ import annotations

import email.utils
import hashlib
import re
import time
from dataclasses import dataclass, field
from typing import Any

from frontwatch.errors import InputError
from frontwatch.ingest.metadata import normalise_date, normalise_language

# Content types feeds are served as (many servers use plain XML types).
FEED_TYPES = ("application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/xml", "text/xml",
              "application/x-rss+xml")
# An item whose own content (content:encoded, Atom <content>) has at least this much text, more
# than its summary, is read from the feed; otherwise its link is fetched. Below it, content is a
# teaser (one or two sentences) and the article is on the page. Chosen by hand: a short news
# article runs to 1,500 characters and more, teasers to about 300.
FULL_TEXT_MIN_CHARS = 500
# The root element of RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom, after any XML declaration,
# comments and doctype.
_FEED_ROOT = re.compile(rb"^(?:\s|<\?xml[^>]*>|<!--.*?-->|<!DOCTYPE[^>]*>)*<(?:rss|feed|rdf:RDF)\b", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, as far as ingesting it goes."""

    item_id: str                 # the guid / Atom id, else the link
    link: str | None
    title: str | None
    published: str | None        # ISO date in the publisher's own calendar day
    content: str | None          # the item's full text as HTML, when the feed carries it
    summary: str | None

    @property
    def doc_id(self) -> str:
        return item_doc_id(self.item_id)


@dataclass
class Feed:
    title: str | None
    language: str | None
    items: list[FeedItem] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)   # (position, reason) of unusable entries


def looks_like_feed(content_type: str, content: bytes) -> bool:
    """True when a response is a feed: a feed content type, or a feed's root element."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind in ("text/html", "application/xhtml+xml"):
        return False
    head = content[:2048].lstrip(b"\xef\xbb\xbf")
    return bool(_FEED_ROOT.match(head)) or kind in FEED_TYPES and b"<html" not in head.lower()


def item_doc_id(item_id: str) -> str:
    """The doc_id of a feed item: 16 hex digits of the SHA-256 of its guid (or link), so the same
    item keeps its id across polls, outlets' edits and restarts."""
    return hashlib.sha256(item_id.encode("utf-8", errors="surrogatepass")).hexdigest()[:16]


def parse_feed(content: bytes, url: str, content_type: str = "") -> Feed:
    """The items of a feed; InputError when it cannot be read as one."""
    import feedparser

    # Bytes, never a URL: feedparser must not fetch anything itself.
    parsed = feedparser.parse(content, response_headers={"content-type": content_type or "application/xml",
                                                         "content-location": url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise InputError(url, f"not a readable RSS or Atom feed{f' ({problem})' if problem else ''}")
    meta = parsed.get("feed", {})
    feed = Feed(title=_text(meta.get("title")), language=normalise_language(meta.get("language")))
    for position, entry in enumerate(parsed.entries, start=1):
        link = _text(entry.get("link"))
        item_id = _text(entry.get("id")) or link
        if not item_id:
            feed.skipped.append((position, "item has neither a guid nor a link"))
            continue
        summary = _text(entry.get("summary"))
        feed.items.append(FeedItem(item_id=item_id, link=link, title=_text(entry.get("title")),
                                   published=_published(entry), content=_full_text(entry, summary),
                                   summary=summary))
    return feed


def _full_text(entry: Any, summary: str | None) -> str | None:
    teaser = len(_TAGS.sub("", summary or "").strip())
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        length = len(_TAGS.sub("", value).strip())
        if length >= FULL_TEXT_MIN_CHARS and length > teaser:
            return str(value)
    return None


def _published(entry: Any) -> str | None:
    for name in ("published", "updated", "created"):
        raw = entry.get(name)
        if not raw:
            continue
        # RFC 822 (RSS): keep the publisher's own day, as normalise_date does for ISO dates.
        try:
            return email.utils.parsedate_to_datetime(raw).date().isoformat()
        except (TypeError, ValueError, IndexError):
            pass
        date = normalise_date(raw)
        if date:
            return date
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            return time.strftime("%Y-%m-%d", parsed)
    return None


def _text(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = " ".join(value.split())
    return value or None
