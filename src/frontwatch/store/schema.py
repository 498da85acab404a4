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

# ---------------------------------------------------------------- fused state (docs/fusion.md)
# What incremental fusion keeps: the watermark (which version of which document is fused),
# incidents with a copy of their member events (so that a replaced document's old
# contributions can be taken out after its events are gone), control per place, and
# contradictions. No foreign keys to documents or events: the fused state describes the
# documents as they were fused, and `frontwatch fuse` brings it up to date.

fused_documents = Table(
    "fused_documents", metadata,
    Column("document_id", RowId, primary_key=True, autoincrement=False),  # documents.id
    Column("doc_id", Text, nullable=False),
    Column("stored_at", DateTime(timezone=True), nullable=False),  # the version fused (documents.stored_at)
    Column("duplicate_of", Text),                     # documents.duplicate_of when fused (a change re-fuses it)
    Column("original_stored_at", DateTime(timezone=True)),  # that original's version (a change re-fuses it)
    Column("fused_at", DateTime(timezone=True), nullable=False),
)

fused_settings = Table(
    "fused_settings", metadata,
    Column("name", Text, primary_key=True),
    Column("value", Text, nullable=False),            # "sources": digest of the source registry fused with
)

fused_incidents = Table(
    "fused_incidents", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("incident_id", Text, nullable=False, index=True),
    Column("sort_key", Json, nullable=False),         # its first event's fusion order: incidents' order
    Column("control_place_id", Text),                 # the place it is control evidence about, if any
    Column("place_country", Text),
    Column("place_admin1", Text),
    Column("place_feature", Text),
    Column("record", Json, nullable=False),            # the IncidentRecord
    Index("ix_fused_incidents_control_place", "control_place_id"),
    Index("ix_fused_incidents_region", "place_country", "place_admin1", "place_feature"),
)

fused_events = Table(
    "fused_events", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("incident_row", RowId, ForeignKey("fused_incidents.id", ondelete="CASCADE"), nullable=False),
    Column("document_id", RowId, nullable=False),     # documents.id of the version fused
    Column("ordinal", Integer, nullable=False),
    Column("family", Text, nullable=False),           # type family and modality class: what may fuse
    Column("modality_class", Text, nullable=False),
    Column("date_kind", String(8), nullable=False),   # day | span | none
    Column("date_start", Date),
    Column("date_end", Date),
    Column("place_id", Text),
    Column("lat", Float),
    Column("lon", Float),
    # grid cell of the place (fuse/state.py CELL_DEGREES; -1: a place without coordinates, -2: none)
    Column("cell", Integer, nullable=False),
    Column("actor1_id", Text),
    Column("outlet", Text),
    Column("url", Text),                               # its document's (outlet tier by domain)
    Column("published", Text),
    Column("sort_key", Json, nullable=False),
    Column("record", Json, nullable=False),            # the EventRecord
    Index("ix_fused_events_incident", "incident_row"),
    Index("ix_fused_events_document", "document_id"),
    Index("ix_fused_events_candidates", "family", "modality_class", "cell", "date_kind", "date_start"),
    Index("ix_fused_events_actor1", "actor1_id"),
)

control_places = Table(
    "control_places", metadata,
    Column("place_id", Text, primary_key=True),
    Column("sort_key", Json, nullable=False),         # its first incident's: the timeline's order
    Column("country", Text),
    Column("admin1", Text),
    Column("feature", Text),
    Column("latest_claim", Date, index=True),         # newest dated claim: ages count from the newest of all
)

control_periods = Table(
    "control_periods", metadata,
    Column("place_id", Text, ForeignKey("control_places.place_id", ondelete="CASCADE"), primary_key=True),
    Column("ordinal", Integer, primary_key=True, autoincrement=False),
    Column("controller", Text),
    Column("since", Text),
    Column("basis", Text, nullable=False),
    Column("strength", Float, nullable=False),         # before the discount for age
    Column("newest", Date),                            # newest claim behind it (None: undated)
    Column("record", Json, nullable=False),            # the ControlPeriod (confidence as of fusing)
)

fused_contradictions = Table(
    "fused_contradictions", metadata,
    Column("id", RowId, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("subject_id", Text, nullable=False),
    Column("sort_key", Json, nullable=False),
    Column("record", Json, nullable=False),            # the ContradictionRecord
    UniqueConstraint("kind", "subject_id"),
)

FUSED_TABLES = (fused_contradictions, control_periods, control_places, fused_events, fused_incidents,
                fused_settings, fused_documents)

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
