"""Fused state for incremental fusion: the watermark, incidents and their member events,
control per place, contradictions (docs/fusion.md, "Incremental fusion").

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Written out in full (not imported from schema.py), like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

Json = sa.JSON().with_variant(JSONB(), "postgresql")
RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "fused_documents",
        sa.Column("document_id", RowId, autoincrement=False),
        sa.Column("doc_id", sa.Text, nullable=False),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duplicate_of", sa.Text),
        sa.Column("original_stored_at", sa.DateTime(timezone=True)),
        sa.Column("fused_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("document_id", name="pk_fused_documents"),
    )
    op.create_table(
        "fused_settings",
        sa.Column("name", sa.Text),
        sa.Column("value", sa.Text, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_fused_settings"),
    )
    op.create_table(
        "fused_incidents",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("incident_id", sa.Text, nullable=False),
        sa.Column("sort_key", Json, nullable=False),
        sa.Column("control_place_id", sa.Text),
        sa.Column("place_country", sa.Text),
        sa.Column("place_admin1", sa.Text),
        sa.Column("place_feature", sa.Text),
        sa.Column("record", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fused_incidents"),
    )
    op.create_index("ix_fused_incidents_incident_id", "fused_incidents", ["incident_id"])
    op.create_index("ix_fused_incidents_control_place", "fused_incidents", ["control_place_id"])
    op.create_index("ix_fused_incidents_region", "fused_incidents", ["place_country", "place_admin1", "place_feature"])
    op.create_table(
        "fused_events",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("incident_row", RowId, nullable=False),
        sa.Column("document_id", RowId, nullable=False),
        sa.Column("ordinal", sa.Integer, nullable=False),
        sa.Column("family", sa.Text, nullable=False),
        sa.Column("modality_class", sa.Text, nullable=False),
        sa.Column("date_kind", sa.String(8), nullable=False),
        sa.Column("date_start", sa.Date),
        sa.Column("date_end", sa.Date),
        sa.Column("place_id", sa.Text),
        sa.Column("lat", sa.Float),
        sa.Column("lon", sa.Float),
        sa.Column("cell", sa.Integer, nullable=False),
        sa.Column("actor1_id", sa.Text),
        sa.Column("outlet", sa.Text),
        sa.Column("url", sa.Text),
        sa.Column("published", sa.Text),
        sa.Column("sort_key", Json, nullable=False),
        sa.Column("record", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fused_events"),
        sa.ForeignKeyConstraint(["incident_row"], ["fused_incidents.id"], ondelete="CASCADE",
                                name="fk_fused_events_incident_row_fused_incidents"),
    )
    op.create_index("ix_fused_events_incident", "fused_events", ["incident_row"])
    op.create_index("ix_fused_events_document", "fused_events", ["document_id"])
    op.create_index("ix_fused_events_candidates", "fused_events",
                    ["family", "modality_class", "cell", "date_kind", "date_start"])
    op.create_index("ix_fused_events_actor1", "fused_events", ["actor1_id"])
    op.create_table(
        "control_places",
        sa.Column("place_id", sa.Text),
        sa.Column("sort_key", Json, nullable=False),
        sa.Column("country", sa.Text),
        sa.Column("admin1", sa.Text),
        sa.Column("feature", sa.Text),
        sa.Column("latest_claim", sa.Date),
        sa.PrimaryKeyConstraint("place_id", name="pk_control_places"),
    )
    op.create_index("ix_control_places_latest_claim", "control_places", ["latest_claim"])
    op.create_table(
        "control_periods",
        sa.Column("place_id", sa.Text),
        sa.Column("ordinal", sa.Integer, autoincrement=False),
        sa.Column("controller", sa.Text),
        sa.Column("since", sa.Text),
        sa.Column("basis", sa.Text, nullable=False),
        sa.Column("strength", sa.Float, nullable=False),
        sa.Column("newest", sa.Date),
        sa.Column("record", Json, nullable=False),
        sa.PrimaryKeyConstraint("place_id", "ordinal", name="pk_control_periods"),
        sa.ForeignKeyConstraint(["place_id"], ["control_places.place_id"], ondelete="CASCADE",
                                name="fk_control_periods_place_id_control_places"),
    )
    op.create_table(
        "fused_contradictions",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("subject_id", sa.Text, nullable=False),
        sa.Column("sort_key", Json, nullable=False),
        sa.Column("record", Json, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fused_contradictions"),
        sa.UniqueConstraint("kind", "subject_id", name="uq_fused_contradictions_kind"),
    )


def downgrade() -> None:
    for table in ("fused_contradictions", "control_periods", "control_places", "fused_events", "fused_incidents",
                  "fused_settings", "fused_documents"):
        op.drop_table(table)
