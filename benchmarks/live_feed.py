"""Time one poll of a local feed into a fresh SQLite database: fetching and reading the items,
processing and storing them, then a second poll (304) and a third without validators (every
item already seen).

    python benchmarks/live_feed.py                 # a 200-item feed
    python benchmarks/live_feed.py --items 50 --json

The feed and its pages come from the test server of tests/feeds_support.py on 127.0.0.1
(nothing leaves the machine); two thirds of the items are read from their page, one third
from the feed's own content, as `corpus_feed` builds them.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the local server and the feed builder of the tests

from feeds_support import LocalWeb, Reply, corpus_feed  # noqa: E402
from frontwatch.kb.index import load  # noqa: E402
from frontwatch.live.fetch import Fetcher, FetchSettings  # noqa: E402
from frontwatch.live.watch import FeedConfig, Watcher  # noqa: E402
from frontwatch.store import open_database  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--items", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)

    kb = load()
    feed = corpus_feed(kb, args.items, seed=3)
    web = LocalWeb().start()
    figures: dict[str, float | int] = {"items": args.items}
    try:
        url = feed.serve(web, etag='"bench"')
        with tempfile.TemporaryDirectory() as directory, \
                open_database(str(Path(directory) / "bench.db")) as database, \
                Fetcher(FetchSettings(respect_robots=True)) as fetcher:
            watcher = Watcher(database, kb, [FeedConfig(url, None, 900.0)], fetcher, report=lambda _line: None)
            start, cpu = time.perf_counter(), time.process_time()
            first = watcher.poll(watcher.feeds)
            figures["first_poll_s"] = round(time.perf_counter() - start, 3)
            # CPU of this process: the client, process(), the store, and the server's threads
            figures["first_poll_cpu_s"] = round(time.process_time() - cpu, 3)
            figures["stored"] = first.summary.stored
            figures["items_per_s"] = round(first.summary.stored / figures["first_poll_s"], 1)
            figures["requests"] = len(web.requests)
            start = time.perf_counter()
            watcher.poll(watcher.feeds)
            figures["second_poll_304_s"] = round(time.perf_counter() - start, 3)
            web.add("/feed.xml", Reply(body=feed.rss(web.base), content_type="application/rss+xml"))
            start = time.perf_counter()
            third = watcher.poll(watcher.feeds)
            figures["third_poll_all_seen_s"] = round(time.perf_counter() - start, 3)
            figures["third_poll_stored"] = third.summary.stored
    finally:
        web.stop()
    if args.json:
        print(json.dumps(figures))
    else:
        for name, value in figures.items():
            print(f"{name:24} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
