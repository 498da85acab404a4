"""`frontwatch watch`: poll the feeds listed in a YAML file on a schedule and ingest their new
items. Everything it needs to resume (validators, seen items, last poll times) is in the
database, so a restarted watcher goes on where the last one stopped."""

from __future__ import annotations

import datetime
import re
import signal
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

import yaml

from frontwatch.errors import InputError
from frontwatch.kb.index import KnowledgeBase
from frontwatch.live.fetch import Fetcher
from frontwatch.live.sources import PollResult, WebReader, is_url
from frontwatch.live.state import LiveState
from frontwatch.records import Skipped, SourceDocument
from frontwatch.store.db import Database
from frontwatch.store.ingest import IngestSummary, ingest

DEFAULT_INTERVAL_SECONDS = 15 * 60.0
# Polling a feed more often than this is impolite and rarely finds anything new.
MIN_INTERVAL_SECONDS = 60.0
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", re.I)
_UNIT_SECONDS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class FeedConfig:
    url: str
    name: str | None             # the outlet stored with its items (default: the feed's title)
    interval: float              # seconds between polls


def parse_interval(value: Any, where: str) -> float:
    """Seconds from `900`, `"30s"`, `"15m"`, `"2h"` or `"1d"`; InputError naming `where` otherwise."""
    if isinstance(value, bool):
        raise InputError(where, f"interval {value!r} is not a duration (use seconds or 30s, 15m, 2h, 1d)")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        found = _DURATION.fullmatch(str(value))
        if not found:
            raise InputError(where, f"interval {value!r} is not a duration (use seconds or 30s, 15m, 2h, 1d)")
        seconds = float(found.group(1)) * _UNIT_SECONDS[found.group(2).lower()]
    if seconds < MIN_INTERVAL_SECONDS:
        raise InputError(where, f"interval {value!r} is shorter than {MIN_INTERVAL_SECONDS:g} s")
    return seconds


def load_feeds(path: Path, interval: float | None = None) -> list[FeedConfig]:
    """The feeds of a watch file (format in docs/live.md); `interval` (from --interval) is the
    default for feeds without their own, before the file's top-level `interval`."""
    name = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(name, f"cannot read ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        raise InputError(name, f"not valid YAML ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("feeds"), list) or not data["feeds"]:
        raise InputError(name, "expected a mapping with a non-empty `feeds:` list (see docs/live.md)")
    default = interval
    if default is None:
        default = parse_interval(data["interval"], f"{name}: interval") if "interval" in data \
            else DEFAULT_INTERVAL_SECONDS
    feeds: list[FeedConfig] = []
    for number, entry in enumerate(data["feeds"], start=1):
        where = f"{name}: feeds[{number}]"
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or not isinstance(entry.get("url"), str):
            raise InputError(where, "each feed is a URL or a mapping with `url` (and optional `name`, `interval`)")
        unknown = set(entry) - {"url", "name", "interval"}
        if unknown:
            raise InputError(where, f"unknown keys {sorted(unknown)} (known: url, name, interval)")
        url = entry["url"].strip()
        if not is_url(url):
            raise InputError(where, f"{url!r} is not an http(s) URL")
        if any(feed.url == url for feed in feeds):
            raise InputError(where, f"{url} is listed twice")
        every = parse_interval(entry["interval"], where) if "interval" in entry else default
        outlet = str(entry["name"]).strip() if entry.get("name") else None
        feeds.append(FeedConfig(url=url, name=outlet, interval=every))
    return feeds


@dataclass
class Round:
    """One poll of some feeds: the ingest summary and what each feed gave (the round's new
    documents are then fused, unless the watcher is stopping or was made with `fuse=False`)."""

    summary: IngestSummary
    feeds: list[PollResult]


class Watcher:
    """Polls feeds into a database; `stop` (an Event) ends it between documents."""

    def __init__(self, database: Database, kb: KnowledgeBase, feeds: Sequence[FeedConfig], fetcher: Fetcher,
                 report: Callable[[str], None], *, fuse: bool = True) -> None:
        """`fuse`: fold each round's new documents into the fused picture (as `ingest` does)."""
        self.database = database
        self.fuse = fuse
        self.kb = kb
        self.feeds = list(feeds)
        self.fetcher = fetcher
        self.report = report
        self.state = LiveState(database)
        self.stop = threading.Event()

    def due_in(self, feed: FeedConfig, now: datetime.datetime) -> float:
        """Seconds until `feed` is due (0 or less: due now), from its last poll in the database."""
        last = self.state.last_fetch(feed.url)
        if last is None:
            return 0.0
        return feed.interval - (now - last.fetched_at).total_seconds()

    def poll(self, feeds: Sequence[FeedConfig]) -> Round:
        """Poll `feeds` once and ingest what is new; the round is one row of ingest_runs."""
        reader = WebReader(self.fetcher, self.state, stop=self.stop.is_set)

        def sources() -> Iterator[SourceDocument | Skipped]:
            for feed in feeds:
                if self.stop.is_set():
                    return
                yield from reader.read(feed.url, outlet=feed.name)

        summary = IngestSummary()
        ingest(sources(), self.kb, self.database, summary, inputs=[feed.url for feed in feeds],
               on_result=reader.on_result)
        for result in reader.results:
            self.report(f"  {result.line()}")
        for line in summary.details():
            self.report(line)
        self.report(summary.line())
        if self.fuse and summary.stored + summary.replaced and not self.stop.is_set():
            # stopping leaves them pending: the next fuse, ingest or reader fuses them
            from frontwatch.fuse.incremental import fuse

            self.report(fuse(self.database, self.kb).line())
        return Round(summary, reader.results)

    def run(self, once: bool = False) -> Round | None:
        """`once`: poll every feed now and return the round. Otherwise poll each feed when it is
        due until `stop` is set; returns None."""
        if once:
            return self.poll(self.feeds)
        while not self.stop.is_set():
            now = _now()
            due = [feed for feed in self.feeds if self.due_in(feed, now) <= 0]
            if due:
                plural = "s" * (len(due) != 1)
                self.report(f"frontwatch: polling {len(due)} feed{plural} at {now:%Y-%m-%d %H:%M:%S} UTC")
                self.poll(due)
                continue
            wait = min(self.due_in(feed, now) for feed in self.feeds)
            self.stop.wait(max(1.0, wait))
        return None


@contextmanager
def stop_on_signals(stop: threading.Event, report: Callable[[str], None]) -> Iterator[None]:
    """SIGINT and SIGTERM set `stop` (the current document is finished and stored); a second
    signal stops at once."""

    def handle(number: int, _frame: FrameType | None) -> None:
        report(f"frontwatch: {signal.Signals(number).name} received, stopping after the current document "
               "(again to stop now)")
        stop.set()
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    previous = {number: signal.signal(number, handle) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
