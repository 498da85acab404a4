"""Initial schema: ingest runs, documents, mentions, events, quotes.

Revision ID: 0001
Revises:
Create Date: 2026-11-20

Written out in full (not imported from schema.py) so that it keeps creating exactly this
schema when schema.py moves on; later changes are later revisions.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.schema import SchemaItem

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def _id() -> sa.Column:  # type: ignore[type-arg]
    return sa.Column("id", RowId, primary_key=True, autoincrement=True)


def _document_ref(table: str) -> list[SchemaItem]:
    return [
        sa.Column("document_id", RowId, nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name=f"fk_{table}_document_id_documents"),
    ]


def upgrade() -> None:
    op.create_table(
        "ingest_runs",
        _id(),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("inputs", Json, nullable=False),
        sa.Column("frontwatch_version", sa.String(32), nullable=False),
        sa.Column("kb_digest", sa.String(64)),
        sa.Column("documents_read", sa.Integer, nullable=False, server_default="0"),
        sa.Column("documents_stored", sa.Integer, nullable=False, server_default="0"),
        sa.Column("documents_replaced", sa.Integer, nullable=False, server_default="0"),
        sa.Column("documents_unchanged", sa.Integer, nullable=False, server_default="0"),
        sa.Column("documents_skipped", sa.Integer, nullable=False, server_default="0"),
        sa.Column("records_written", sa.Integer, nullable=False, server_default="0"),
        sa.Column("errors", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_ingest_runs"),
    )
    op.create_table(
        "documents",
        _id(),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("article_key", sa.Text, nullable=False),
        sa.Column("source_sha256", sa.String(64), nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("title", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("language", sa.Text),
        sa.Column("source", sa.Text, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("excluded", Json, nullable=False),
        sa.Column("repairs", Json, nullable=False),
        sa.Column("kb_digest", sa.String(64)),
        sa.Column("ingest_run_id", RowId),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_documents"),
        sa.UniqueConstraint("doc_id", name="uq_documents_doc_id"),
        sa.UniqueConstraint("article_key", name="uq_documents_article_key"),
        sa.ForeignKeyConstraint(["ingest_run_id"], ["ingest_runs.id"], ondelete="SET NULL",
                                name="fk_documents_ingest_run_id_ingest_runs"),
    )
    for column in ("text_sha256", "outlet", "url", "published"):
        op.create_index(f"ix_documents_{column}", "documents", [column])

    op.create_table(
        "mentions",
        _id(),
        *_document_ref("mentions"),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.Column("surface", sa.Text, nullable=False),
        sa.Column("entity_type", sa.Text, nullable=False),
        sa.Column("entity_id", sa.Text, nullable=False),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("link", sa.Text, nullable=False),
        sa.Column("geonames_id", sa.BigInteger),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("country", sa.Text),
        sa.Column("admin1", sa.Text),
        sa.Column("feature", sa.Text),
        sa.Column("wikidata", sa.Text),
        sa.Column("side", sa.Text),
        sa.Column("aliases_matched", Json),
        sa.PrimaryKeyConstraint("id", name="pk_mentions"),
        sa.CheckConstraint("span_start >= 0 AND span_end >= span_start", name="ck_mentions_span_order"),
    )
    op.create_index("ix_mentions_document", "mentions", ["document_id", "ordinal"])
    op.create_index("ix_mentions_entity", "mentions", ["entity_id", "entity_type"])

    op.create_table(
        "events",
        _id(),
        *_document_ref("events"),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("event_id", sa.Text, nullable=False),
        sa.Column("event_type", sa.Text, nullable=False),
        sa.Column("sub_event_type", sa.Text, nullable=False),
        sa.Column("plover_type", sa.Text, nullable=False),
        sa.Column("plover_mode", sa.Text),
        sa.Column("actor1_id", sa.Text),
        sa.Column("actor1_side", sa.Text),
        sa.Column("actor2_id", sa.Text),
        sa.Column("actor2_side", sa.Text),
        sa.Column("place_id", sa.Text),
        sa.Column("geonames_id", sa.BigInteger),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("country", sa.Text),
        sa.Column("admin1", sa.Text),
        sa.Column("location_precision", sa.Integer),
        sa.Column("date", sa.Text),
        sa.Column("date_precision", sa.Text, nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
        sa.Column("modality", sa.Text, nullable=False),
        sa.Column("attribution_kind", sa.Text),
        sa.Column("attribution_source", sa.Text),
        sa.Column("control_place", sa.Text),
        sa.Column("new_controller", sa.Text),
        sa.Column("previous_controller", sa.Text),
        sa.Column("evidence_start", sa.Integer, nullable=False),
        sa.Column("evidence_end", sa.Integer, nullable=False),
        sa.Column("confidence", sa.Float, nullable=False),
        sa.Column("record", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.CheckConstraint("evidence_start >= 0 AND evidence_end >= evidence_start",
                           name="ck_events_evidence_order"),
    )
    op.create_index("ix_events_event_id", "events", ["event_id"])
    op.create_index("ix_events_document", "events", ["document_id", "ordinal"])
    op.create_index("ix_events_place_date", "events", ["place_id", "date_start"])
    op.create_index("ix_events_date", "events", ["date_start", "date_end"])
    op.create_index("ix_events_sub_type_date", "events", ["sub_event_type", "date_start"])
    op.create_index("ix_events_type_date", "events", ["event_type", "date_start"])
    op.create_index("ix_events_modality", "events", ["modality"])
    op.create_index("ix_events_control_place", "events", ["control_place"])

    op.create_table(
        "quotes",
        _id(),
        *_document_ref("quotes"),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("speaker_id", sa.Text),
        sa.Column("speaker_name", sa.Text),
        sa.Column("affiliation", sa.Text),
        sa.Column("via", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("span_start", sa.Integer, nullable=False),
        sa.Column("span_end", sa.Integer, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_quotes"),
        sa.CheckConstraint("span_start >= 0 AND span_end >= span_start", name="ck_quotes_span_order"),
    )
    op.create_index("ix_quotes_document", "quotes", ["document_id", "ordinal"])
    op.create_index("ix_quotes_speaker", "quotes", ["speaker_id"])


def downgrade() -> None:
    for table in ("quotes", "events", "mentions", "documents", "ingest_runs"):
        op.drop_table(table)
