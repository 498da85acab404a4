"""What `frontwatch db info` shows: where the database is, its schema revision, row counts
and the latest ingest run."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from frontwatch.store import repository
from frontwatch.store.db import Database, current_revision, head_revision, table_names


@dataclass
class DatabaseInfo:
    url: str
    backend: str
    path: str | None                  # the SQLite file, None for a server
    revision: str | None              # None: no Frontwatch schema yet
    head: str                         # the revision this code expects
    counts: dict[str, int] = field(default_factory=dict)
    last_run: dict[str, Any] | None = None

    def lines(self) -> list[str]:
        state = ("current" if self.revision == self.head else
                 "empty, created on first ingest" if self.revision is None else
                 f"older than this frontwatch ({self.head}); `frontwatch db upgrade` updates it")
        out = [f"database: {self.url}"]
        if self.path:
            out.append(f"file: {self.path}")
        out.append(f"schema: {self.revision or '-'} ({state})")
        out.extend(f"{name}: {count}" for name, count in self.counts.items())
        if self.last_run:
            run = self.last_run
            out.append(f"last ingest: run {run['id']} {run['status']}, started {run['started_at']:%Y-%m-%d %H:%M:%S}, "
                       f"{run['documents_read']} read, {run['documents_stored']} stored, "
                       f"{run['documents_replaced']} replaced, {run['documents_unchanged']} unchanged, "
                       f"{run['documents_skipped']} skipped")
        return out


def database_info(database: Database) -> DatabaseInfo:
    """Describe `database` without changing it."""
    path = database.url.database if database.backend == "sqlite" else None
    revision = current_revision(database) if "alembic_version" in table_names(database) else None
    info = DatabaseInfo(url=database.display_url, backend=database.backend, path=path,
                        revision=revision, head=head_revision())
    if revision is not None:
        with database.read() as connection:
            info.counts = repository.counts(connection)
            latest = repository.runs(connection, limit=1)
            info.last_run = dict(latest[0]._mapping) if latest else None
    return info
