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

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace

from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, SQLAlchemyError

from frontwatch import __version__
from frontwatch.engines.local import Summary, process_safely
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import DocumentRecord, Skipped, SourceDocument
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


def ingest(sources: Iterable[SourceDocument | Skipped], kb: KnowledgeBase, database: Database,
           summary: IngestSummary, *, inputs: Sequence[str] = (), force: bool = False,
           on_result: OnResult | None = None) -> None:
    """Process and store every source, recording what happened in `summary` and in a row
    of `ingest_runs`. `force` re-processes sources that are stored unchanged. `on_result` is
    told what became of each document once its transaction is over (live sources use it to
    mark feed items done only after they are stored)."""
    with database.write() as connection:
        summary.run_id = repository.start_run(connection, inputs, __version__, kb.digest or None)
    status = "failed"
    try:
        with database.read() as connection:
            duplicates = NearDuplicateIndex.load(connection)
        for item in sources:
            if isinstance(item, Skipped):
                summary.skipped.append(item)
                continue
            result = _ingest_one(item, kb, database, summary, force, duplicates)
            if on_result is not None:
                on_result(item, result)
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


def refused_by_database(exc: DBAPIError) -> bool:
    """True when the database refused this document's data (a constraint, a value or a size it
    cannot hold, such as PostgreSQL's limit on indexed values), not when it failed as a whole
    (connection lost, disk full, locked), which ends the batch."""
    if isinstance(exc, IntegrityError | DataError):
        return True
    sqlstate = getattr(exc.orig, "sqlstate", None) or ""  # psycopg: 22 data, 23 integrity, 54 limits
    return not exc.connection_invalidated and sqlstate[:2] in ("22", "23", "54")


def _ingest_one(source: SourceDocument, kb: KnowledgeBase, database: Database, summary: IngestSummary,
                force: bool, duplicates: NearDuplicateIndex) -> StoreOutcome | Skipped:
    key = repository.article_key(source)
    digest = repository.source_sha256(source)
    if not force:
        # Checked before processing, so re-running an ingest over stored input costs one query
        # per document. store_document checks again under lock (another ingest may be running).
        with database.read() as connection:
            stored = repository.find_stored(connection, key, repository.source_doc_id(source))
        if stored is not None and (stored.article_key != key or stored.source_sha256 == digest):
            summary.count("unchanged", 0)
            return "unchanged"
    records = process_safely(source, kb)
    if isinstance(records, Skipped):
        summary.skipped.append(records)
        return records
    provenance = Provenance(source_sha256=digest, article_key=key, kb_digest=kb.digest or None,
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
        # a lone surrogate (JSON "\ud800") survives into a field: no database encoding can hold it
        around = exc.object[max(0, exc.start - 20):exc.end + 20]
        reason = f"cannot store: {around!a} is not valid Unicode ({exc.reason})"
        unstorable = Skipped(source=source.source, reason=reason)
        summary.skipped.append(unstorable)
        return unstorable
    if outcome != "unchanged":
        duplicates.add(document.doc_id, signature)
        summary.copies += original is not None
    summary.count(outcome, len(records))
    return outcome
