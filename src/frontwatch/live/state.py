"""What live sources remember between runs, in the database (tables `fetched_urls` and
`feed_items`, schema revision 0002): conditional-GET validators and the last fetch per URL,
and which items of each feed were stored or failed."""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from frontwatch.live.fetch import Validators
from frontwatch.store.db import Database
from frontwatch.store.schema import feed_items, fetched_urls

# A feed item that failed this many times (a link that keeps timing out) is given up on.
MAX_ITEM_ATTEMPTS = 3


def url_key(url: str) -> str:
    return hashlib.sha256(url.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True)
class LastFetch:
    fetched_at: datetime.datetime
    status: int | None
    error: str | None
    validators: Validators


@dataclass(frozen=True)
class ItemState:
    status: str          # stored | failed
    attempts: int

    @property
    def done(self) -> bool:
        """Nothing more to do for this item: stored, or failed for good."""
        return self.status == "stored" or self.attempts >= MAX_ITEM_ATTEMPTS


class LiveState:
    """Reads and writes the live-source tables; every write is its own short transaction."""

    def __init__(self, database: Database) -> None:
        self.database = database

    def last_fetch(self, url: str) -> LastFetch | None:
        with self.database.read() as connection:
            row = connection.execute(select(fetched_urls).where(fetched_urls.c.url_key == url_key(url))).first()
        if row is None:
            return None
        fetched_at = row.fetched_at if row.fetched_at.tzinfo else row.fetched_at.replace(tzinfo=datetime.UTC)
        return LastFetch(fetched_at, row.status, row.error, Validators(row.etag, row.last_modified))

    def record_fetch(self, url: str, *, status: int | None, validators: Validators | None = None,
                     error: str | None = None) -> None:
        """Note a fetch of `url`; `validators=None` keeps the stored ones (a fetch whose result was
        not fully used must not make the next request conditional on it)."""
        values: dict[str, object] = {"url": url, "status": status, "error": error, "fetched_at": _now()}
        if validators is not None:
            values |= {"etag": validators.etag, "last_modified": validators.last_modified}
        key = url_key(url)
        with self.database.write() as connection:
            found = connection.execute(select(fetched_urls.c.id).where(fetched_urls.c.url_key == key)).first()
            if found is None:
                connection.execute(insert(fetched_urls).values(url_key=key, **values))
            else:
                connection.execute(update(fetched_urls).where(fetched_urls.c.id == found.id).values(**values))

    def item(self, feed_url: str, item_id: str) -> ItemState | None:
        query = select(feed_items.c.status, feed_items.c.attempts).where(
            feed_items.c.feed_key == url_key(feed_url), feed_items.c.item_key == url_key(item_id))
        with self.database.read() as connection:
            row = connection.execute(query).first()
        return None if row is None else ItemState(row.status, row.attempts)

    def record_item(self, feed_url: str, item_id: str, url: str | None, *, doc_id: str | None = None,
                    failure: str | None = None, permanent: bool = False) -> ItemState:
        """Note that an item was stored (`doc_id`) or failed (`failure`; `permanent`: not worth
        trying again, e.g. HTTP 404 or an empty page)."""
        feed, item = url_key(feed_url), url_key(item_id)
        now = _now()
        where = (feed_items.c.feed_key == feed, feed_items.c.item_key == item)
        with self.database.write() as connection:
            row = connection.execute(select(feed_items.c.id, feed_items.c.attempts).where(*where)).first()
            attempts = (row.attempts if row else 0) + 1
            if failure is not None and permanent:
                attempts = max(attempts, MAX_ITEM_ATTEMPTS)
            status = "failed" if failure is not None else "stored"
            values = {"url": url, "doc_id": doc_id, "status": status, "reason": failure, "attempts": attempts,
                      "last_attempt_at": now}
            if row is None:
                connection.execute(insert(feed_items).values(feed_key=feed, item_key=item, item_id=item_id,
                                                             first_seen_at=now, **values))
            else:
                connection.execute(update(feed_items).where(feed_items.c.id == row.id).values(**values))
        return ItemState(status, attempts)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
