"""`frontwatch ingest`: run the per-document function over a stream of sources and store
each document's records in one transaction.

Promises (docs/storage.md; tests/test_store_ingest.py and tests/test_store_kill.py prove them):
- streaming: one document in memory at a time;
- idempotent: a source already stored unchanged is not processed again;
- atomic per document: a new article, or a new version replacing the old one, is committed
  whole or not at all, so a run killed half-way leaves only complete documents;
- bad input never ends the batch: it is reported per file (and stored with the run).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError

from frontwatch import __version__
from frontwatch.engines.local import Summary
from frontwatch.engines.pool import ExtractOptions, extract_stream
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import DocumentRecord, OutputRecord, Skipped, SourceDocument
from frontwatch.store import repository
from frontwatch.store.db import Database
from frontwatch.store.duplicates import NearDuplicateIndex, article_text, record_near_duplicates, signature_of
from frontwatch.store.repository import Provenance, StoreOutcome


@dataclass
class IngestSummary(Summary):
    """The extract summary (documents read, skipped, records written) plus what was stored."""

    stored: int = 0
    replaced: int = 0
    unchanged: int = 0
    copies: int = 0  # stored documents that are near-duplicates of a stored one
    run_id: int | None = None
    # The document being stored when the database failed as a whole (the batch stopped there).
    stopped_at: Skipped | None = None

    def line(self) -> str:
        text = (f"{super().line()}; stored {self.stored} new, replaced {self.replaced}, "
                f"unchanged {self.unchanged}; near-duplicate copies {self.copies}")
        return f"{text}; stopped at {self.stopped_at.source}" if self.stopped_at else text

    def run_counts(self) -> dict[str, int]:
        """The counts as the ingest_runs table holds them."""
        return {
            "documents_read": self.documents,
            "documents_stored": self.stored,
            "documents_replaced": self.replaced,
            "documents_unchanged": self.unchanged,
            "documents_skipped": len(self.skipped),
            "records_written": self.records,
        }

    def count(self, outcome: StoreOutcome, records: int) -> None:
        self.documents += 1
        if outcome == "unchanged":
            self.unchanged += 1
            return
        self.records += records
        if outcome == "stored":
            self.stored += 1
        else:
            self.replaced += 1


OnResult = Callable[[SourceDocument, StoreOutcome | Skipped], None]


def ingest(sources: Iterable[SourceDocument | Skipped], kb: KnowledgeBase | None, database: Database,
           summary: IngestSummary, *, inputs: Sequence[str] = (), force: bool = False, workers: int = 1,
           ordered: bool = True, options: ExtractOptions | None = None, kb_digest: str | None = None,
           on_result: OnResult | None = None) -> None:
    """Process and store every source, recording what happened in `summary` and in a row
    of `ingest_runs`. `force` re-processes sources that are stored unchanged. `on_result` is
    told what became of each document once its transaction is over (live sources use it to
    mark feed items done only after they are stored).

    With `workers` > 1 the documents are processed by a pool of processes (`engines.pool`, each
    loading the KB of `options.kb_dirs`; `kb` may then be None and `kb_digest` names it) and this
    process stores them as they come back, still one transaction per document."""
    digest = (kb.digest if kb is not None else kb_digest) or None
    with database.write() as connection:
        summary.run_id = repository.start_run(connection, inputs, __version__, digest)
    status = "failed"
    try:
        with database.read() as connection:
            duplicates = NearDuplicateIndex.load(connection)
        to_process = _needing_processing(sources, database, summary, force, on_result)
        for source, records in extract_stream(to_process, options or ExtractOptions(), workers=workers,
                                              ordered=ordered, kb=kb):
            assert isinstance(source, SourceDocument)
            if isinstance(records, Skipped):
                summary.skipped.append(records)
                result: StoreOutcome | Skipped = records
            else:
                assert isinstance(records, list)
                result = _store_one(source, records, digest, database, summary, force, duplicates)
            if on_result is not None:
                on_result(source, result)
        status = "finished"
    finally:
        errors = [{"source": skip.source, "reason": skip.reason} for skip in summary.skipped]
        try:
            with database.write() as connection:
                repository.update_run(connection, summary.run_id, summary.run_counts(), status=status,
                                      errors=errors)
        except SQLAlchemyError:
            if status == "finished":
                raise
            # the run failed, most likely with its database: keep the error that says why


def _needing_processing(sources: Iterable[SourceDocument | Skipped], database: Database, summary: IngestSummary,
                        force: bool, on_result: OnResult | None = None) -> Iterator[SourceDocument]:
    """The sources to process: unreadable ones are counted as skipped, and (unless `force`) ones
    stored unchanged as unchanged. Checked before processing, so re-running an ingest over stored
    input costs one query per document; `store_document` checks again under lock (another ingest
    may be running, or the same article may come twice in one batch)."""
    for item in sources:
        if isinstance(item, Skipped):
            summary.skipped.append(item)
            continue
        if not force:
            with database.read() as connection:
                unchanged = stored_unchanged(connection, item)
            if unchanged:
                summary.count("unchanged", 0)
                if on_result is not None:
                    on_result(item, "unchanged")
                continue
        yield item


def stored_unchanged(connection: Connection, source: SourceDocument) -> bool:
    """True when this exact source (or its text, under another article key) is already stored."""
    key = repository.article_key(source)
    stored = repository.find_stored(connection, key, repository.source_doc_id(source))
    return stored is not None and (stored.article_key != key
                                   or stored.source_sha256 == repository.source_sha256(source))


def store_many(database: Database, documents: Sequence[tuple[SourceDocument, list[OutputRecord]]], *,
               kb_digest: str | None, run_id: int | None, force: bool = False) -> list[StoreOutcome | Skipped]:
    """Store several documents in one transaction (the Ray engine's batched writes), each in a
    savepoint: one the database refuses is rolled back alone and comes back as Skipped."""
    outcomes: list[StoreOutcome | Skipped] = []
    with database.write() as connection:
        for source, records in documents:
            provenance = Provenance(source_sha256=repository.source_sha256(source),
                                    article_key=repository.article_key(source), kb_digest=kb_digest, run_id=run_id)
            try:
                with connection.begin_nested():
                    outcomes.append(repository.store_document(connection, records, provenance, force=force))
            except DBAPIError as exc:
                if not refused_by_database(exc):
                    raise
                reason = " ".join(str(exc.orig).split())
                outcomes.append(Skipped(source=source.source, reason=f"cannot store: {reason}"))
            except UnicodeEncodeError as exc:
                outcomes.append(Skipped(source=source.source, reason=_unicode_reason(exc)))
    return outcomes


def _unicode_reason(exc: UnicodeEncodeError) -> str:
    # a lone surrogate (JSON "\ud800") survives into a field: no database encoding can hold it
    around = exc.object[max(0, exc.start - 20):exc.end + 20]
    return f"cannot store: {around!a} is not valid Unicode ({exc.reason})"


def refused_by_database(exc: DBAPIError) -> bool:
    """True when the database refused this document's data (a constraint, a value or a size it
    cannot hold, such as PostgreSQL's limit on indexed values), not when it failed as a whole
    (connection lost, disk full, locked), which ends the batch."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""  # psycopg: 22 data, 23 integrity, 54 limits
    return not exc.connection_invalidated and sqlstate[:2] in ("22", "23", "54")


def _store_one(source: SourceDocument, records: list[OutputRecord], kb_digest: str | None, database: Database,
               summary: IngestSummary, force: bool, duplicates: NearDuplicateIndex) -> StoreOutcome | Skipped:
    key = repository.article_key(source)
    digest = repository.source_sha256(source)
    provenance = Provenance(source_sha256=digest, article_key=key, kb_digest=kb_digest,
                            run_id=summary.run_id)
    document = records[0]
    assert isinstance(document, DocumentRecord)
    signature = signature_of(article_text(document))
    original: str | None = None
    try:
        with database.write() as connection:
            outcome = repository.store_document(connection, records, provenance, force=force)
            if outcome != "unchanged":
                original = record_near_duplicates(connection, document.doc_id, signature, duplicates)
                # The run's counts move in the same transaction as the document they count.
                after = replace(summary)
                after.count(outcome, len(records))
                assert summary.run_id is not None
                repository.update_run(connection, summary.run_id, after.run_counts())
    except DBAPIError as exc:
        reason = " ".join(str(exc.orig).split())
        if not refused_by_database(exc):
            # The database failed as a whole (disk full, connection lost): this document's transaction
            # is rolled back, those committed before it stay, and the batch ends naming where it stopped.
            summary.stopped_at = Skipped(source=source.source, reason=f"not stored, batch stopped: {reason}")
            summary.skipped.append(summary.stopped_at)
            raise
        # Something in this document the database refuses: its transaction is rolled back,
        # the batch goes on.
        refused = Skipped(source=source.source, reason=f"cannot store: {reason}")
        summary.skipped.append(refused)
        return refused
    except UnicodeEncodeError as exc:
        unstorable = Skipped(source=source.source, reason=_unicode_reason(exc))
        summary.skipped.append(unstorable)
        return unstorable
    if outcome != "unchanged":
        duplicates.add(document.doc_id, signature)
        summary.copies += original is not None
    summary.count(outcome, len(records))
    return outcome
