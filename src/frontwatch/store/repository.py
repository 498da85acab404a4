"""Repository functions: store one document's records, read records back, count.

Every function takes a `Connection` so that the caller decides the transaction: the
ingest stores each document in one `Database.write()` block, readers iterate inside one
`Database.read()` block. Reads stream (server-side cursors on PostgreSQL), so iterating
over every event of a large database does not load them all.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, CursorResult, Row, Select, bindparam, delete, func, insert, or_, select, update

from frontwatch.ingest.metadata import make_doc_id
from frontwatch.records import (
    DocumentRecord,
    EventRecord,
    MentionRecord,
    OutputRecord,
    QuoteRecord,
    SourceDocument,
)
from frontwatch.store import rows
from frontwatch.store.schema import documents, events, feed_items, fetched_urls, ingest_runs, mentions, quotes

# Rows fetched per round trip when streaming.
STREAM_BATCH = 500

# Article keys longer than this are stored as their digest (see article_key).
MAX_KEY_CHARS = 512

StoreOutcome = Literal["stored", "replaced", "unchanged"]


# ---------------------------------------------------------------- identity


def source_doc_id(source: SourceDocument) -> str:
    """The doc_id `process()` will give this source (its own, else derived from the text)."""
    return source.doc_id or make_doc_id(source.text)


def article_key(source: SourceDocument) -> str:
    """What makes two versions the same article: the corpus id when the input gave one, else the
    URL, else the content-derived doc_id (so an edited file without either is a new document)."""
    doc_id = source_doc_id(source)
    key = f"url:{source.url}" if source.url and doc_id == make_doc_id(source.text) else f"id:{doc_id}"
    if len(key) > MAX_KEY_CHARS:
        # PostgreSQL cannot index very long values; a digest identifies the article as well
        key = "sha256:" + hashlib.sha256(key.encode("utf-8", errors="surrogatepass")).hexdigest()
    return key


def source_sha256(source: SourceDocument) -> str:
    """A digest of everything that shapes the records (text and metadata, not where it was read
    from): equal digests mean storing the source again would change nothing."""
    fields = source.model_dump(exclude={"source"})
    fields["doc_id"] = source_doc_id(source)
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8", errors="surrogatepass")).hexdigest()


@dataclass(frozen=True)
class StoredVersion:
    """What the database holds for an article, as far as deciding whether to store it goes."""

    id: int
    doc_id: str
    article_key: str
    source_sha256: str


# Statements used once per document are built once (building them costs more than running them).
_FIND = (select(documents.c.id, documents.c.doc_id, documents.c.article_key, documents.c.source_sha256)
         .where(or_(documents.c.article_key == bindparam("key"), documents.c.doc_id == bindparam("doc_id"))))
_FIND_LOCKED = _FIND.with_for_update()
_INSERT = {table: insert(table) for table in (documents, mentions, events, quotes)}
_DELETE_CHILDREN = [delete(table).where(table.c.document_id == bindparam("document_id"))
                    for table in (mentions, events, quotes)]
_UPDATE_DOCUMENT = update(documents).where(documents.c.id == bindparam("document_row"))
_UPDATE_RUN = update(ingest_runs).where(ingest_runs.c.id == bindparam("run_row"))
_DOC_ID_TAKEN = select(documents.c.id).where(documents.c.doc_id == bindparam("doc_id"))


def find_stored(connection: Connection, key: str, doc_id: str, *, lock: bool = False) -> StoredVersion | None:
    """The stored version of the article `key` or, failing that, the document with `doc_id`
    (the same text under another key). `lock` holds the row until the transaction ends."""
    found = connection.execute(_FIND_LOCKED if lock else _FIND, {"key": key, "doc_id": doc_id}).all()
    if not found:
        return None
    best = next((row for row in found if row.article_key == key), found[0])
    return StoredVersion(best.id, best.doc_id, best.article_key, best.source_sha256)


# ---------------------------------------------------------------- writing


@dataclass
class Provenance:
    """Where stored records came from: the source digest, the KB and the ingest run."""

    source_sha256: str
    article_key: str
    kb_digest: str | None = None
    run_id: int | None = None


def store_document(connection: Connection, records: Sequence[OutputRecord], provenance: Provenance,
                   *, force: bool = False) -> StoreOutcome:
    """Store the records `process()` made of one document, replacing an older version of the
    same article. Call inside one transaction: either all of it is stored or none.

    "unchanged" when this exact source is already stored (or its text is, under another
    article key), unless `force`, which rewrites the records (e.g. after a KB update)."""
    document = records[0]
    if not isinstance(document, DocumentRecord):
        raise ValueError("records must start with the document record, as process() returns them")
    stored = find_stored(connection, provenance.article_key, document.doc_id, lock=True)
    if stored is not None and stored.article_key != provenance.article_key:
        return "unchanged"  # the same text is stored under another URL: one copy is enough
    if stored is not None and stored.doc_id != document.doc_id and _doc_id_taken(connection, document.doc_id):
        return "unchanged"  # the new version's text is already stored as another article
    if stored is not None and stored.source_sha256 == provenance.source_sha256 and not force:
        return "unchanged"
    values = {
        **rows.document_row(document),
        "article_key": provenance.article_key,
        "source_sha256": provenance.source_sha256,
        "kb_digest": provenance.kb_digest,
        "ingest_run_id": provenance.run_id,
        "stored_at": _now(),
    }
    if stored is None:
        document_id = _inserted_id(connection.execute(_INSERT[documents], values))
    else:
        document_id = stored.id
        for statement in _DELETE_CHILDREN:
            connection.execute(statement, {"document_id": document_id})
        connection.execute(_UPDATE_DOCUMENT, {**values, "document_row": document_id})
    _insert_children(connection, document_id, records[1:])
    return "stored" if stored is None else "replaced"


def _inserted_id(result: CursorResult[Any]) -> int:
    key = result.inserted_primary_key
    assert key is not None
    return int(key[0])


def _doc_id_taken(connection: Connection, doc_id: str) -> bool:
    return connection.execute(_DOC_ID_TAKEN, {"doc_id": doc_id}).first() is not None


def _insert_children(connection: Connection, document_id: int, records: Sequence[OutputRecord]) -> None:
    batches: dict[Any, list[dict[str, Any]]] = {mentions: [], events: [], quotes: []}
    for record in records:
        if isinstance(record, MentionRecord):
            batches[mentions].append(rows.mention_row(record, len(batches[mentions])))
        elif isinstance(record, EventRecord):
            batches[events].append(rows.event_row(record, len(batches[events])))
        elif isinstance(record, QuoteRecord):
            batches[quotes].append(rows.quote_row(record, len(batches[quotes])))
        else:
            raise ValueError(f"a document's records hold a second document record ({record.doc_id})")
    for table, batch in batches.items():
        if batch:
            for row in batch:
                row["document_id"] = document_id
            connection.execute(_INSERT[table], batch)


def _now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)


# ---------------------------------------------------------------- ingest runs


def start_run(connection: Connection, inputs: Sequence[str], version: str, kb_digest: str | None) -> int:
    """Record the start of an ingest run; its id goes into every document it stores."""
    result = connection.execute(insert(ingest_runs).values(
        started_at=_now(), status="running", inputs=list(inputs), frontwatch_version=version,
        kb_digest=kb_digest, errors=[]))
    return _inserted_id(result)


def update_run(connection: Connection, run_id: int, counts: dict[str, int], *,
               status: str | None = None, errors: list[dict[str, str]] | None = None) -> None:
    """Write a run's counts (and, at the end, its status and errors)."""
    values: dict[str, Any] = dict(counts)
    if status is not None:
        values["status"] = status
        values["finished_at"] = _now()
    if errors is not None:
        values["errors"] = errors
    connection.execute(_UPDATE_RUN, {**values, "run_row": run_id})


def runs(connection: Connection, limit: int = 10) -> list[Row[Any]]:
    """The latest ingest runs, newest first."""
    return list(connection.execute(select(ingest_runs).order_by(ingest_runs.c.id.desc()).limit(limit)))


# ---------------------------------------------------------------- reading


def _document_row(connection: Connection, doc_id: str) -> Row[Any] | None:
    return connection.execute(select(documents).where(documents.c.doc_id == doc_id)).first()


def get_document(connection: Connection, doc_id: str) -> DocumentRecord | None:
    """The document record (with its text), or None when no document has this id."""
    row = _document_row(connection, doc_id)
    return rows.document_from_row(row._mapping) if row is not None else None


def mentions_of(connection: Connection, doc_id: str) -> list[MentionRecord]:
    query = (select(mentions).join(documents).where(documents.c.doc_id == doc_id)
             .order_by(mentions.c.ordinal))
    return [rows.mention_from_row(row._mapping, doc_id) for row in connection.execute(query)]


def events_of(connection: Connection, doc_id: str) -> list[EventRecord]:
    query = (select(events.c.record).join(documents).where(documents.c.doc_id == doc_id)
             .order_by(events.c.ordinal))
    return [rows.event_from_row(row._mapping) for row in connection.execute(query)]


def quotes_of(connection: Connection, doc_id: str) -> list[QuoteRecord]:
    query = (select(quotes).join(documents).where(documents.c.doc_id == doc_id)
             .order_by(quotes.c.ordinal))
    return [rows.quote_from_row(row._mapping, doc_id) for row in connection.execute(query)]


def document_records(connection: Connection, doc_id: str) -> list[OutputRecord]:
    """Every record of a document as `process()` returned it: the document, its mentions,
    events and quotes, in their original order. Empty when the document is not stored."""
    document = get_document(connection, doc_id)
    if document is None:
        return []
    return [document, *mentions_of(connection, doc_id), *events_of(connection, doc_id),
            *quotes_of(connection, doc_id)]


def iter_documents(connection: Connection) -> Iterator[DocumentRecord]:
    """Every stored document (with its text), in the order they were first stored."""
    query = select(documents).order_by(documents.c.id)
    for row in connection.execute(query, execution_options={"yield_per": STREAM_BATCH}):
        yield rows.document_from_row(row._mapping)


BoundingBox = tuple[float, float, float, float]  # min_lon, min_lat, max_lon, max_lat


def _events_query(
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    place: str | Collection[str] | None = None,
    modality: str | Collection[str] | None = None,
    event_type: str | Collection[str] | None = None,
    sub_event_type: str | Collection[str] | None = None,
    doc_id: str | None = None,
    actor: str | Collection[str] | None = None,
    bbox: BoundingBox | None = None,
) -> Select[Any]:
    query = select(events.c.record).select_from(events)
    if since is not None:
        query = query.where(events.c.date_end >= since)
    if until is not None:
        query = query.where(events.c.date_start <= until)
    for column, wanted in ((events.c.place_id, place), (events.c.modality, modality),
                           (events.c.event_type, event_type), (events.c.sub_event_type, sub_event_type)):
        if wanted is None:
            continue
        query = query.where(column == wanted if isinstance(wanted, str) else column.in_(list(wanted)))
    if actor is not None:
        actors = [actor] if isinstance(actor, str) else list(actor)
        query = query.where(or_(events.c.actor1_id.in_(actors), events.c.actor2_id.in_(actors)))
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        query = query.where(events.c.lon.between(min_lon, max_lon), events.c.lat.between(min_lat, max_lat))
    if doc_id is not None:
        query = query.join(documents).where(documents.c.doc_id == doc_id)
    return query


def iter_events(
    connection: Connection,
    *,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    place: str | Collection[str] | None = None,
    modality: str | Collection[str] | None = None,
    event_type: str | Collection[str] | None = None,
    sub_event_type: str | Collection[str] | None = None,
    doc_id: str | None = None,
    actor: str | Collection[str] | None = None,
    bbox: BoundingBox | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Iterator[EventRecord]:
    """Stored events matching every filter given, oldest first (undated ones last).

    `since`/`until` keep events whose possible dates overlap the range (a "2018" event is in
    any range touching 2018; events without a date are left out when either is given).
    `place` is a location entity id (GeoNames id as text, or a KB slug); `actor` an actor
    entity id in either role; `bbox` (min_lon, min_lat, max_lon, max_lat) keeps located
    events inside it; the other filters take one value or several. `limit`/`offset` page."""
    query = _events_query(since=since, until=until, place=place, modality=modality, event_type=event_type,
                          sub_event_type=sub_event_type, doc_id=doc_id, actor=actor, bbox=bbox)
    query = query.order_by(events.c.date_start.is_(None), events.c.date_start, events.c.document_id,
                           events.c.ordinal)
    if limit is not None:
        query = query.limit(limit)
    if offset:
        query = query.offset(offset)
    for row in connection.execute(query, execution_options={"yield_per": STREAM_BATCH}):
        yield rows.event_from_row(row._mapping)


def count_events(connection: Connection, **filters: Any) -> int:
    """How many events `iter_events` would yield with these filters (without limit/offset)."""
    query = _events_query(**filters)
    return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())


@dataclass(frozen=True)
class DocumentListing:
    """A stored document without its text, for lists and search results."""

    doc_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    source: str
    characters: int
    duplicate_of: str | None = None  # the original this document is a near-copy of
    copies: int = 0  # stored near-copies of this document


_copies = documents.alias("copies")


def _documents_query(text: str | None, entity_ids: Collection[str] | None) -> Select[Any]:
    copies = (select(func.count()).select_from(_copies).where(_copies.c.duplicate_of == documents.c.doc_id)
              .correlate(documents).scalar_subquery())
    query = select(documents.c.doc_id, documents.c.title, documents.c.outlet, documents.c.url,
                   documents.c.published, documents.c.language, documents.c.source,
                   func.length(documents.c.text).label("characters"), documents.c.duplicate_of,
                   copies.label("copies"))
    conditions = []
    if text:
        conditions += [documents.c.title.icontains(text, autoescape=True),
                       documents.c.outlet.icontains(text, autoescape=True),
                       documents.c.text.icontains(text, autoescape=True)]
    if entity_ids:
        conditions.append(documents.c.id.in_(
            select(mentions.c.document_id).where(mentions.c.entity_id.in_(list(entity_ids)))))
    return query.where(or_(*conditions)) if conditions else query


def list_documents(connection: Connection, *, text: str | None = None, entity_ids: Collection[str] | None = None,
                   limit: int = 50, offset: int = 0) -> list[DocumentListing]:
    """Stored documents (first stored first); with `text` or `entity_ids`, those whose title,
    outlet or text contains `text` (case-insensitive, taken literally) or that mention one of
    the entities."""
    query = _documents_query(text, entity_ids).order_by(documents.c.id).limit(limit).offset(offset)
    return [DocumentListing(**row._mapping) for row in connection.execute(query)]


def count_documents(connection: Connection, *, text: str | None = None,
                    entity_ids: Collection[str] | None = None) -> int:
    query = _documents_query(text, entity_ids)
    return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def _quotes_query(speaker: str | None, doc_id: str | None, text: str | None) -> Select[Any]:
    query = select(quotes, documents.c.doc_id).join(documents)
    if speaker is not None:
        query = query.where(quotes.c.speaker_id == speaker)
    if doc_id is not None:
        query = query.where(documents.c.doc_id == doc_id)
    if text:
        query = query.where(quotes.c.text.icontains(text, autoescape=True))
    return query


def list_quotes(connection: Connection, *, speaker: str | None = None, doc_id: str | None = None,
                text: str | None = None, limit: int = 50, offset: int = 0) -> list[QuoteRecord]:
    """Stored quotes, by document and position; filtered by speaker id, document or words."""
    query = (_quotes_query(speaker, doc_id, text).order_by(quotes.c.document_id, quotes.c.ordinal)
             .limit(limit).offset(offset))
    return [rows.quote_from_row(row._mapping, row.doc_id) for row in connection.execute(query)]


def count_quotes(connection: Connection, *, speaker: str | None = None, doc_id: str | None = None,
                 text: str | None = None) -> int:
    query = _quotes_query(speaker, doc_id, text)
    return int(connection.execute(select(func.count()).select_from(query.subquery())).scalar_one())


def change_marker(connection: Connection) -> tuple[int, int, str]:
    """A cheap value that changes whenever documents are stored or replaced: (count, highest row
    id, latest stored_at). Caches of anything computed from the records key on it."""
    row = connection.execute(select(func.count(), func.max(documents.c.id),
                                    func.max(documents.c.stored_at))).one()
    return int(row[0]), int(row[1] or 0), str(row[2] or "")


def counts(connection: Connection) -> dict[str, int]:
    """Rows per table: documents, mentions, events, quotes, ingest_runs, and the live-source
    state (fetched_urls, feed_items)."""
    return {table.name: int(connection.execute(select(func.count()).select_from(table)).scalar_one())
            for table in (documents, mentions, events, quotes, ingest_runs, fetched_urls, feed_items)}
