"""Live sources: conditional-GET validators per URL and the items seen per feed.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Written out in full (not imported from schema.py), like 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "fetched_urls",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("url_key", sa.String(64), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("etag", sa.Text),
        sa.Column("last_modified", sa.Text),
        sa.Column("status", sa.Integer),
        sa.Column("error", sa.Text),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fetched_urls"),
        sa.UniqueConstraint("url_key", name="uq_fetched_urls_url_key"),
    )
    op.create_table(
        "feed_items",
        sa.Column("id", RowId, primary_key=True, autoincrement=True),
        sa.Column("feed_key", sa.String(64), nullable=False),
        sa.Column("item_key", sa.String(64), nullable=False),
        sa.Column("item_id", sa.Text, nullable=False),
        sa.Column("url", sa.Text),
        sa.Column("doc_id", sa.Text),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reason", sa.Text),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="1"),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_feed_items"),
        sa.UniqueConstraint("feed_key", "item_key", name="uq_feed_items_feed_key"),
    )


def downgrade() -> None:
    op.drop_table("feed_items")
    op.drop_table("fetched_urls")
