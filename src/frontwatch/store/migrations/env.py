"""Alembic environment: always run programmatically on a connection Frontwatch opened
(see `frontwatch.store.db.migrate`), inside that connection's transaction."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through frontwatch (frontwatch db upgrade), not the alembic command")

# render_as_batch: SQLite cannot ALTER most things; batch mode rebuilds the table instead.
context.configure(connection=connection, render_as_batch=True, transaction_per_migration=False)
with context.begin_transaction():
    context.run_migrations()
