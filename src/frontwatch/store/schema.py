"""The tables of the Frontwatch database (SQLAlchemy Core), for SQLite and PostgreSQL alike.

This module describes the schema *as the code expects it at the head migration*; the
migrations under `migrations/versions/` create it, and a test checks that the two agree.
Change both together: a new column here needs a new migration.

Layout: one row per document (keyed by an integer id, with the record's `doc_id` and the
article's identity `article_key` both unique), and mentions, events and quotes referencing
it with ON DELETE CASCADE. Every child row keeps its position (`ordinal`) in the list
`process()` returned, so the records come back in the same order. Events keep their full
record as JSON (the source of truth when reading back) plus flat columns for queries.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB

# Constraint names follow one convention so that later migrations can refer to them.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING)

# JSON documents: JSONB on PostgreSQL (indexable, compact), JSON text on SQLite.
Json = JSON().with_variant(JSONB(), "postgresql")
# Row ids: 64-bit on PostgreSQL; SQLite's INTEGER PRIMARY KEY is already 64-bit and must be
# spelled INTEGER to stay the rowid alias.
RowId = BigInteger().with_variant(Integer(), "sqlite")


def _document_ref() -> Column[int]:
    return Column("document_id", RowId, ForeignKey("documents.id", ondelete="CASCADE"), nullable=False)


def _span_checks(prefix: str = "span") -> list[CheckConstraint]:
    return [CheckConstraint(f"{prefix}_start >= 0 AND {prefix}_end >= {prefix}_start", name=f"{prefix}_order")]


ingest_runs = Table(
    "ingest_runs", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("started_at", DateTime(timezone=True), nullable=False),
    Column("finished_at", DateTime(timezone=True)),
    # running (also what a killed run is left as) | finished | failed
    Column("status", String(16), nullable=False),
    Column("inputs", Json, nullable=False),            # the paths given on the command line
    Column("frontwatch_version", String(32), nullable=False),
    Column("kb_digest", String(64)),
    Column("documents_read", Integer, nullable=False, server_default="0"),
    Column("documents_stored", Integer, nullable=False, server_default="0"),     # new documents
    Column("documents_replaced", Integer, nullable=False, server_default="0"),   # new versions
    Column("documents_unchanged", Integer, nullable=False, server_default="0"),  # same content again
    Column("documents_skipped", Integer, nullable=False, server_default="0"),
    Column("records_written", Integer, nullable=False, server_default="0"),
    Column("errors", Json, nullable=False),            # [{source, reason}] of skipped inputs
)

documents = Table(
    "documents", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("doc_id", Text, nullable=False, unique=True),
    # The article's identity across versions: the corpus id, else the URL, else doc_id.
    Column("article_key", Text, nullable=False, unique=True),
    # SHA-256 of the source as read (text + metadata): equal means re-ingesting is a no-op.
    Column("source_sha256", String(64), nullable=False),
    Column("text_sha256", String(64), nullable=False, index=True),  # of the cleaned text
    Column("title", Text),
    Column("outlet", Text, index=True),
    Column("url", Text, index=True),
    Column("published", Text, index=True),       # as in the record (ISO date)
    Column("language", Text),
    Column("source", Text, nullable=False),
    Column("text", Text, nullable=False),
    Column("excluded", Json, nullable=False),
    Column("repairs", Json, nullable=False),
    Column("kb_digest", String(64)),                  # the KB the records were made with
    Column("ingest_run_id", RowId, ForeignKey("ingest_runs.id", ondelete="SET NULL")),
    Column("stored_at", DateTime(timezone=True), nullable=False),
    # near-duplicates (store/duplicates.py): the doc_id of the cluster's original on a copy
    Column("duplicate_of", Text, index=True),
    Column("duplicate_similarity", Float),
)

# A document's MinHash signature: the LSH index of near-duplicates is rebuilt from these.
document_minhashes = Table(
    "document_minhashes", metadata,
    Column("document_id", RowId, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("num_perm", Integer, nullable=False),
    Column("seed", Integer, nullable=False),
    Column("scheme", String(16), nullable=False),  # datasketch's hashing scheme ("affine32")
    Column("shingles", Integer, nullable=False),  # distinct word 3-grams of the text
    Column("hashvalues", LargeBinary, nullable=False),  # num_perm unsigned 32-bit, little-endian
)

mentions = Table(
    "mentions", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _document_ref(),
    Column("ordinal", Integer, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    Column("surface", Text, nullable=False),
    Column("entity_type", Text, nullable=False),
    Column("entity_id", Text, nullable=False),
    Column("name", Text, nullable=False),
    Column("link", Text, nullable=False),
    Column("geonames_id", BigInteger),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", Text),
    Column("admin1", Text),
    Column("feature", Text),
    Column("wikidata", Text),
    Column("side", Text),
    Column("aliases_matched", Json),
    *_span_checks(),
    Index("ix_mentions_document", "document_id", "ordinal"),
    Index("ix_mentions_entity", "entity_id", "entity_type"),
)

events = Table(
    "events", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _document_ref(),
    Column("ordinal", Integer, nullable=False),
    Column("event_id", Text, nullable=False, index=True),
    Column("event_type", Text, nullable=False),
    Column("sub_event_type", Text, nullable=False),
    Column("plover_type", Text, nullable=False),
    Column("plover_mode", Text),
    Column("actor1_id", Text),
    Column("actor1_side", Text),
    Column("actor2_id", Text),
    Column("actor2_side", Text),
    Column("place_id", Text),                          # location.entity_id (GeoNames id or KB slug)
    Column("geonames_id", BigInteger),
    Column("lat", Float),
    Column("lon", Float),
    Column("country", Text),
    Column("admin1", Text),
    Column("location_precision", Integer),
    Column("date", Text),                        # as in the record: YYYY, YYYY-MM or YYYY-MM-DD
    Column("date_precision", Text, nullable=False),
    Column("date_start", Date),                        # the days `date` may mean, for range queries
    Column("date_end", Date),
    Column("modality", Text, nullable=False),
    Column("attribution_kind", Text),
    Column("attribution_source", Text),
    Column("control_place", Text),
    Column("new_controller", Text),
    Column("previous_controller", Text),
    Column("evidence_start", Integer, nullable=False),
    Column("evidence_end", Integer, nullable=False),
    Column("confidence", Float, nullable=False),
    Column("record", Json, nullable=False),            # the full EventRecord
    *_span_checks("evidence"),
    Index("ix_events_document", "document_id", "ordinal"),
    Index("ix_events_place_date", "place_id", "date_start"),
    Index("ix_events_date", "date_start", "date_end"),
    Index("ix_events_sub_type_date", "sub_event_type", "date_start"),
    Index("ix_events_type_date", "event_type", "date_start"),
    Index("ix_events_modality", "modality"),
    Index("ix_events_control_place", "control_place"),
)

quotes = Table(
    "quotes", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    _document_ref(),
    Column("ordinal", Integer, nullable=False),
    Column("speaker_id", Text),
    Column("speaker_name", Text),
    Column("affiliation", Text),
    Column("via", Text),
    Column("text", Text, nullable=False),
    Column("span_start", Integer, nullable=False),
    Column("span_end", Integer, nullable=False),
    *_span_checks(),
    Index("ix_quotes_document", "document_id", "ordinal"),
    Index("ix_quotes_speaker", "speaker_id"),
)

CHILD_TABLES = (mentions, events, quotes)

# ---------------------------------------------------------------- live sources (revision 0002)
# What `frontwatch ingest URL` and `frontwatch watch` remember between runs. URLs are keyed by
# their SHA-256 (`url_key`, `feed_key`, `item_key`): PostgreSQL cannot index very long values.

fetched_urls = Table(
    "fetched_urls", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("url_key", String(64), nullable=False, unique=True),
    Column("url", Text, nullable=False),
    Column("etag", Text),                               # validators for the next conditional GET
    Column("last_modified", Text),
    Column("status", Integer),                         # HTTP status of the last fetch; null: no response
    Column("error", Text),                             # why the last fetch failed, null when it did not
    Column("fetched_at", DateTime(timezone=True), nullable=False),   # a feed's last poll
)

feed_items = Table(
    "feed_items", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("feed_key", String(64), nullable=False),
    Column("item_key", String(64), nullable=False),
    Column("item_id", Text, nullable=False),           # the item's guid, else its link
    Column("url", Text),
    Column("doc_id", Text),                            # the stored document, once stored
    Column("status", String(16), nullable=False),      # stored | failed
    Column("reason", Text),                            # why it failed
    Column("attempts", Integer, nullable=False, server_default="1"),
    Column("first_seen_at", DateTime(timezone=True), nullable=False),
    Column("last_attempt_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("feed_key", "item_key"),
)
