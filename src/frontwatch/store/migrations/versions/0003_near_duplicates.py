"""Near-duplicates: each document's MinHash signature, and the original a copy belongs to.

Revision ID: 0003
Revises: 0001
Create Date: 2026-11-23

`documents.duplicate_of` is the doc_id of the cluster's original (the earliest published, then
first stored, member) on every copy, null on originals and unique documents;
`duplicate_similarity` the estimated Jaccard similarity to it. `document_minhashes` keeps each
document's signature, so the LSH index is rebuilt from the database without re-reading texts.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

RowId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("documents") as batch:
        batch.add_column(sa.Column("duplicate_of", sa.Text))
        batch.add_column(sa.Column("duplicate_similarity", sa.Float))
        batch.create_index("ix_documents_duplicate_of", ["duplicate_of"])
    op.create_table(
        "document_minhashes",
        sa.Column("document_id", RowId, nullable=False),
        sa.Column("num_perm", sa.Integer, nullable=False),
        sa.Column("seed", sa.Integer, nullable=False),
        sa.Column("scheme", sa.String(16), nullable=False),  # datasketch's hashing scheme
        sa.Column("shingles", sa.Integer, nullable=False),  # distinct word 3-grams of the text
        sa.Column("hashvalues", sa.LargeBinary, nullable=False),  # num_perm unsigned 32-bit, little-endian
        sa.PrimaryKeyConstraint("document_id", name="pk_document_minhashes"),
        sa.ForeignKeyConstraint(["document_id"], ["documents.id"], ondelete="CASCADE",
                                name="fk_document_minhashes_document_id_documents"),
    )


def downgrade() -> None:
    op.drop_table("document_minhashes")
    with op.batch_alter_table("documents") as batch:
        batch.drop_index("ix_documents_duplicate_of")
        batch.drop_column("duplicate_similarity")
        batch.drop_column("duplicate_of")
