"""Incremental fusion as the database grows: the time to fold 1,000 new articles into the fused
state of databases of 1k, 10k and 100k articles, next to fusing a whole database from scratch.

Fast path for the databases: `process()` runs once over `--unique` distinct articles from
`benchmarks/corpus.py` (records cached under `--work`); a database of N articles stores those
records directly (no extraction), article i being unique article i % U with, from the second
copy on, its own doc_id and every date (publication and events) moved by a random number of
days within the corpus's three years, so copies are different reports on other days, not
duplicates. The 1,000 new articles are distinct corpus articles (other seed) run through
`process()`, published on the day after the database's newest article (a day of news).
Each step is timed as `frontwatch fuse` runs it (one transaction per 1,000 documents).

Usage: `python benchmarks/fusion.py [--sizes 1000,10000,100000] [--new 1000] [--unique 2000]
[--work /tmp/frontwatch-fusion] [--backend sqlite|URL]`.
"""

from __future__ import annotations

import argparse
import datetime
import os
import pickle
import random
import shlex
import sys
import time
from pathlib import Path
from typing import Any

from corpus import build_corpus

from frontwatch.fuse.incremental import fuse
from frontwatch.kb.index import KnowledgeBase, load
from frontwatch.pipeline import process
from frontwatch.records import DocumentRecord, EventRecord, MentionRecord, OutputRecord
from frontwatch.store import open_database, repository
from frontwatch.store.repository import Provenance

STORE_BATCH = 1000  # documents per transaction when filling a database
SPREAD_DAYS = 3 * 365  # corpus.build_corpus publishes over three years


def processed(kb: KnowledgeBase, articles: int, seed: int, work: Path) -> list[list[OutputRecord]]:
    """`process()` over `articles` corpus articles (cached: extraction is not what is measured)."""
    cache = work / f"records-{articles}-{seed}-{kb.digest[:12]}.pickle"
    if cache.exists():
        with cache.open("rb") as handle:
            return pickle.load(handle)  # noqa: S301 - our own cache file
    corpus = build_corpus(kb, articles, seed)
    started = time.perf_counter()
    # mentions are not read by fusion: left out to keep the databases small
    records = [[r for r in process(document, kb) if not isinstance(r, MentionRecord)] for document in corpus.documents]
    print(f"processed {articles} articles (seed {seed}) in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    with cache.open("wb") as handle:
        pickle.dump(records, handle)
    return records


def shift_date(value: str | None, days: int) -> str | None:
    if not value or days == 0:
        return value
    parts = [int(p) for p in value[:10].split("-")]
    if len(parts) == 1:
        return f"{parts[0] + round(days / 365):04d}"
    moved = datetime.date(parts[0], parts[1], parts[2] if len(parts) == 3 else 1) + datetime.timedelta(days=days)
    return moved.isoformat() if len(parts) == 3 else f"{moved.year:04d}-{moved.month:02d}"


def copy_of(records: list[OutputRecord], suffix: str, days: int) -> list[OutputRecord]:
    """The records of one article as another report: new ids, every date moved by `days`."""
    document = records[0]
    assert isinstance(document, DocumentRecord)
    doc_id = document.doc_id + suffix
    copied: list[OutputRecord] = [document.model_copy(update={
        "doc_id": doc_id, "published": shift_date(document.published, days)})]
    for record in records[1:]:
        update: dict[str, Any] = {"doc_id": doc_id}
        if isinstance(record, EventRecord):
            update.update(event_id=record.event_id + suffix, date=shift_date(record.date, days))
        copied.append(record.model_copy(update=update))
    return copied


def store(database: Any, documents: list[list[OutputRecord]]) -> float:
    started = time.perf_counter()
    for start in range(0, len(documents), STORE_BATCH):
        with database.write() as connection:
            for records in documents[start:start + STORE_BATCH]:
                key = f"id:{records[0].doc_id}"
                repository.store_document(connection, records, Provenance(source_sha256=key, article_key=key))
    return time.perf_counter() - started


def base_documents(unique: list[list[OutputRecord]], size: int) -> list[list[OutputRecord]]:
    rng = random.Random(size)
    found = []
    for number in range(size):
        copy, index = divmod(number, len(unique))
        if copy == 0:
            found.append(unique[index])
        else:
            found.append(copy_of(unique[index], f"-copy{copy}", rng.randint(-SPREAD_DAYS // 2, SPREAD_DAYS // 2)))
    return found


def new_documents(fresh: list[list[OutputRecord]], base: list[list[OutputRecord]], day: int = 1
                  ) -> list[list[OutputRecord]]:
    """The new articles, each moved to `day` days after the newest article in the database."""
    newest = max(datetime.date.fromisoformat(r[0].published) for r in base if r[0].published)  # type: ignore[union-attr]
    found = []
    for records in fresh:
        published = datetime.date.fromisoformat(records[0].published or newest.isoformat())  # type: ignore[union-attr]
        found.append(copy_of(records, "-new" if day == 1 else f"-new{day}", (newest - published).days + day))
    return found


def loadavg() -> str:
    try:
        return " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", default="1000,10000,100000", help="database sizes in articles")
    parser.add_argument("--new", type=int, default=1000, help="new articles fused into each database")
    parser.add_argument("--unique", type=int, default=2000, help="distinct articles the databases are made of")
    parser.add_argument("--work", type=Path, default=Path("/tmp/frontwatch-fusion"), help="cache and databases")
    parser.add_argument("--backend", default="sqlite", help="sqlite (a file under --work) or a PostgreSQL URL")
    parser.add_argument("--keep", action="store_true",
                        help="reuse the databases a previous run left under --work (fused up to day --day - 1) "
                             "and only fuse the new articles of day --day")
    parser.add_argument("--day", type=int, default=1, help="the new articles' day after the newest base article")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    kb = load()
    unique = processed(kb, args.unique, 13, args.work)
    fresh = processed(kb, args.new, 29, args.work)
    print(f"command: python benchmarks/fusion.py {shlex.join(argv if argv is not None else sys.argv[1:])}")
    print(f"{os.cpu_count()} CPUs, load average before: {loadavg()}")
    print("| database (articles) | events | store (fast path) | fuse whole database (wall, CPU) "
          "| fuse 1,000 new (wall, CPU) "
          "| new events | incidents rewritten | places updated | load average |")
    print("|---|---|---|---|---|---|---|---|---|")
    for size in (int(s) for s in args.sizes.split(",")):
        url = str(args.work / f"fusion-{size}.db") if args.backend == "sqlite" else args.backend
        if args.backend == "sqlite" and not args.keep:
            for suffix in ("", "-wal", "-shm"):
                Path(url + suffix).unlink(missing_ok=True)
        with open_database(url) as database:
            base = base_documents(unique, size)
            events = sum(1 for records in base for r in records if isinstance(r, EventRecord))
            stored = whole_cpu = 0.0
            whole = fuse(database, kb)  # with --keep: nothing to do
            if not args.keep:
                stored = store(database, base)
                cpu = time.process_time()
                whole = fuse(database, kb)
                whole_cpu = time.process_time() - cpu
            store(database, new_documents(fresh, base, args.day))
            cpu = time.process_time()
            added = fuse(database, kb)
            added_cpu = time.process_time() - cpu
        print(f"| {size:,} | {events:,} | {stored:.0f} s | {whole.seconds:.1f} s ({whole_cpu:.1f} s CPU) "
              f"| **{added.seconds:.1f} s** ({added_cpu:.1f} s CPU) | {added.events:,} | {added.incidents_written:,} "
              f"| {added.places_updated:,} | {loadavg()} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
