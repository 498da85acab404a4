"""Run the per-document function on every core of this machine.

`extract_stream` hands documents to a pool of worker processes in small batches. Each worker
loads the knowledge base once, in the pool's initializer, from the cached index (the parent
builds it first if needed: `kb.index.prepare`). At most `in_flight` batches are out at any
time, so reading never runs ahead of processing and memory stays flat however large the
corpus. Results come back in input order (`ordered=True`, the same bytes as one worker) or as
they finish. With one worker everything runs in this process, with no pool.

A document whose processing raises is reported as Skipped (as on one core); a worker process
that dies (killed, out of memory) costs the documents of the batches it had in flight, which
are reported as Skipped, and a fresh pool carries on. Ctrl-C stops the pool cleanly: the
workers ignore SIGINT, finish their current batch and are shut down; the parent sees the
KeyboardInterrupt.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import IO, Literal

from frontwatch.engines.local import Summary, process_safely, to_json
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import OutputRecord, Skipped, SourceDocument

Item = SourceDocument | Skipped
# What a document becomes: its records, or (for `form="jsonl"`) the record count and the JSONL
# text, serialised in the worker so that the parent only writes; Skipped when it failed.
Result = list[OutputRecord] | tuple[int, str] | Skipped
Form = Literal["records", "jsonl"]

DEFAULT_BATCH_SIZE = 8  # documents per task: ~50-100 ms of work, so IPC costs little
IN_FLIGHT_PER_WORKER = 3  # batches out per worker: enough to keep it busy while the parent writes
ORPHAN_CHECK_S = 1.0  # how often a worker checks that its parent is still alive


def default_workers() -> int:
    """All cores this process may use (the CLI's `--workers` default)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class ExtractOptions:
    """What every worker needs to run the per-document function: the KB directories and the stage."""

    kb_dirs: tuple[str, ...] = ()
    events: bool = True
    form: Form = "records"

    def load_kb(self) -> KnowledgeBase:
        from frontwatch.kb.index import load

        return load([Path(d) for d in self.kb_dirs])


def extract_one(item: Item, kb: KnowledgeBase, options: ExtractOptions) -> Result:
    """The per-document function as every engine calls it: a Skipped input stays Skipped."""
    if isinstance(item, Skipped):
        return item
    records = process_safely(item, kb, events=options.events)
    if options.form == "jsonl" and not isinstance(records, Skipped):
        return len(records), "".join(to_json(record) + "\n" for record in records)
    return records


def extract_stream(items: Iterable[Item], options: ExtractOptions, *, workers: int = 1, ordered: bool = True,
                   kb: KnowledgeBase | None = None, batch_size: int = DEFAULT_BATCH_SIZE,
                   in_flight: int | None = None) -> Iterator[tuple[Item, Result]]:
    """(item, result) for every item; in input order when `ordered`. `kb` (one worker only) saves a load."""
    if workers <= 1:
        knowledge = kb if kb is not None else options.load_kb()
        for item in items:
            yield item, extract_one(item, knowledge, options)
        return
    limit = in_flight if in_flight is not None else workers * IN_FLIGHT_PER_WORKER
    yield from _pooled(iter(items), options, workers, ordered, max(1, batch_size), max(workers, limit))


# ---------------------------------------------------------------- worker side

_worker_kb: KnowledgeBase | None = None
_worker_options = ExtractOptions()


def _init_worker(options: ExtractOptions) -> None:
    """Pool initializer: load the KB once for the life of the worker."""
    global _worker_kb, _worker_options
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()
    _worker_options = options
    _worker_kb = options.load_kb()


def _exit_with_parent(parent: int) -> None:
    # A parent killed outright (SIGKILL, the OOM killer) cannot stop its pool, and a worker waiting
    # for work would wait forever (it holds the task queue's write end itself): leave when orphaned.
    while os.getppid() == parent:
        time.sleep(ORPHAN_CHECK_S)
    os._exit(1)


def _run_batch(batch: list[Item]) -> list[Result]:
    assert _worker_kb is not None, "worker used before its initializer ran"
    return [extract_one(item, _worker_kb, _worker_options) for item in batch]


# ---------------------------------------------------------------- parent side

Pending = tuple[list[Item], "Future[list[Result]]"]


def _new_pool(options: ExtractOptions, workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: the parent may hold threads (a progress bar's monitor, a database pool,
    # Ray in tests) that a forked child would inherit half-way. Workers load the KB from the cache.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                               initargs=(options,))


def _pooled(items: Iterator[Item], options: ExtractOptions, workers: int, ordered: bool, batch_size: int,
            in_flight: int) -> Iterator[tuple[Item, Result]]:
    pool = _new_pool(options, workers)
    pending: deque[Pending] = deque()
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < in_flight:
                batch = list(islice(items, batch_size))
                if not batch:
                    exhausted = True
                    break
                pending.append((batch, pool.submit(_run_batch, batch)))
            if not pending:
                return
            if ordered:
                done = [pending.popleft()]
            else:
                finished, _ = wait([future for _, future in pending], return_when=FIRST_COMPLETED)
                done = [entry for entry in pending if entry[1] in finished]
                # by future, not by ==: two batches of equal documents would compare equal
                pending = deque(entry for entry in pending if entry[1] not in finished)
            broken = False
            for batch, future in done:
                try:
                    results = future.result()
                except BrokenProcessPool:
                    broken = True
                    results = [_lost(item) for item in batch]
                yield from zip(batch, results, strict=True)
            if broken:
                # Every batch still out went down with the pool: report them, start a fresh one.
                while pending:
                    batch, _ = pending.popleft()
                    yield from ((item, _lost(item)) for item in batch)
                pool.shutdown(wait=True, cancel_futures=True)
                pool = _new_pool(options, workers)
    finally:
        # Normal end, Ctrl-C, or the consumer stopped early: workers finish their current batch and exit.
        pool.shutdown(wait=True, cancel_futures=True)


def _lost(item: Item) -> Skipped:
    if isinstance(item, Skipped):
        return item
    return Skipped(source=item.source, reason="worker process died while processing this document's batch "
                                              "(killed, or out of memory?); run it again with --workers 1 to see")


def extract_to_jsonl(items: Iterable[Item], options: ExtractOptions, out: IO[str], summary: Summary, *,
                     workers: int = 1, ordered: bool = True, kb: KnowledgeBase | None = None) -> None:
    """`frontwatch extract`: every document's records as JSONL on `out`, counted in `summary`."""
    form = ExtractOptions(kb_dirs=options.kb_dirs, events=options.events, form="jsonl")
    for _item, result in extract_stream(items, form, workers=workers, ordered=ordered, kb=kb):
        if isinstance(result, Skipped):
            summary.skipped.append(result)
            continue
        assert isinstance(result, tuple)
        count, text = result
        summary.documents += 1
        summary.records += count
        out.write(text)
