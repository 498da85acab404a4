"""Faults during `frontwatch ingest` other than a kill (tests/test_store_kill.py): the disk fills up.

SQLite is made to run out of room with `PRAGMA max_page_count`, set on every connection the CLI
opens (the engine factory is wrapped by the test): unprivileged, and the database sees exactly the
SQLITE_FULL error a full disk gives. The CLI runs in this process (typer's test runner)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, func, select
from typer.testing import CliRunner

from frontwatch.cli import app
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import SourceDocument
from frontwatch.store import db as store_db
from frontwatch.store import open_database, repository
from frontwatch.store.schema import documents, ingest_runs, mentions
from test_store_kill import write_articles


def page_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("PRAGMA page_count").fetchone()[0])


def limit_pages(monkeypatch: pytest.MonkeyPatch, pages: int) -> None:
    """Every engine the CLI creates from now on holds its database to `pages` pages."""
    create = store_db.create

    def create_small(url: Any) -> Any:
        engine = create(url)

        @event.listens_for(engine, "connect")
        def on_connect(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute(f"PRAGMA max_page_count = {pages}")

        return engine

    monkeypatch.setattr(store_db, "create", create_small)


def test_a_full_disk_stops_the_batch_naming_the_document_and_keeps_what_was_stored(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kb: KnowledgeBase) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    write_articles(first, 3, seed=1)
    write_articles(second, 40, seed=2)
    path = tmp_path / "full.db"
    runner = CliRunner()
    done = runner.invoke(app, ["ingest", str(first), "--db", str(path), "--no-progress"])
    assert done.exit_code == 0, done.output
    with open_database(str(path)) as database, database.read() as connection:
        before = {doc_id: repository.document_records(connection, doc_id)
                  for doc_id in connection.execute(select(documents.c.doc_id)).scalars()}
    assert len(before) == 3

    limit_pages(monkeypatch, page_count(path) + 8)  # room for a document or two, not forty
    full = runner.invoke(app, ["ingest", str(second), "--db", str(path), "--no-progress"])
    monkeypatch.undo()

    assert full.exit_code == 2, full.output
    assert "Traceback" not in full.output
    error = full.stderr.strip().splitlines()[-1]
    assert error.startswith(f"frontwatch: error: database sqlite:///{path} failed while storing {second}/article_")
    assert "database or disk is full" in error and "documents already stored are kept" in error
    stopped = error.split("while storing ", 1)[1].split(",", 1)[0]
    assert f"skipped {stopped}: not stored, batch stopped: database or disk is full" in full.stderr
    assert f"stopped at {stopped}" in full.stderr  # the summary line says where the batch ended

    sources = {repository.source_doc_id(s): s for s in iter_sources([str(first), str(second)])
               if isinstance(s, SourceDocument)}
    with open_database(str(path)) as database, database.read() as connection:
        stored = set(connection.execute(select(documents.c.doc_id)).scalars())
        assert set(before) <= stored and len(stored) < len(sources)
        for doc_id in stored:  # earlier documents intact, and whole ones from this batch only
            assert repository.document_records(connection, doc_id) == process(sources[doc_id], kb), doc_id
        orphans = connection.execute(select(func.count()).select_from(mentions.outerjoin(documents))
                                     .where(documents.c.id.is_(None))).scalar_one()
        assert orphans == 0
        assert connection.execute(select(func.count()).select_from(ingest_runs)).scalar_one() == 2
    stored_by_full_run = len(stored) - len(before)

    again = runner.invoke(app, ["ingest", str(second), "--db", str(path), "--no-progress"])
    assert again.exit_code == 0, again.output
    assert f"stored {40 - stored_by_full_run} new, replaced 0, unchanged {stored_by_full_run}" in again.stderr
    with open_database(str(path)) as database, database.read() as connection:
        assert set(connection.execute(select(documents.c.doc_id)).scalars()) == set(sources)
