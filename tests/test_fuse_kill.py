"""`frontwatch fuse` killed with SIGKILL leaves a consistent fused state (exactly the fusion of
the documents it marked fused), and running it again completes the work. Real subprocesses,
real databases (SQLite and PostgreSQL, see conftest.py)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select

from frontwatch.kb.index import KnowledgeBase
from frontwatch.store import Database, open_database
from frontwatch.store.schema import documents, fused_documents, fused_events, fused_incidents
from test_fuse_incremental import from_scratch, fused
from test_store_kill import wait_until, write_articles

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 100
BATCH = 5


def cli(*arguments: str) -> list[str]:
    return [sys.executable, "-m", "frontwatch.cli", *arguments]


def fused_ids(database: Database) -> set[int]:
    with database.read() as connection:
        return set(connection.execute(select(fused_documents.c.document_id)).scalars())


def assert_consistent(database: Database, kb: KnowledgeBase) -> set[int]:
    """The fused state is the fusion from scratch of the documents marked fused, no member
    without its incident, no incident without members. Returns the fused document ids."""
    done = fused_ids(database)
    with database.read() as connection:
        orphans = connection.execute(select(func.count()).select_from(
            fused_events.outerjoin(fused_incidents, fused_incidents.c.id == fused_events.c.incident_row))
            .where(fused_incidents.c.id.is_(None))).scalar_one()
        empty = connection.execute(select(func.count()).select_from(fused_incidents).where(
            ~select(fused_events.c.id).where(fused_events.c.incident_row == fused_incidents.c.id).exists()
        )).scalar_one()
        members_of = set(connection.execute(select(fused_events.c.document_id).distinct()).scalars())
    assert orphans == 0 and empty == 0
    assert members_of <= done
    assert fused(database, kb) == from_scratch(database, kb, only=done)
    return done


def test_a_fuse_killed_twice_leaves_a_consistent_state_and_a_rerun_completes_it(
        tmp_path: Path, db_url: str, kb: KnowledgeBase) -> None:
    articles = tmp_path / "articles"
    write_articles(articles, ARTICLES)
    result = subprocess.run(cli("ingest", str(articles), "--db", db_url, "--no-fuse", "--no-progress"), cwd=REPO,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    with open_database(db_url) as database:
        done: set[int] = set()
        for _attempt in range(2):
            process = subprocess.Popen(cli("fuse", "--db", db_url, "--batch", str(BATCH)), cwd=REPO,
                                       stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            floor = len(done) + 2 * BATCH
            wait_until(lambda floor=floor, process=process: len(fused_ids(database)) >= floor
                       or process.poll() is not None, f"{floor} documents are fused")
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
            assert process.returncode == -signal.SIGKILL, "the fuse finished before it could be killed"
            now = assert_consistent(database, kb)
            assert done < now and len(now) < ARTICLES and len(now) % BATCH == 0  # whole batches only
            done = now
        result = subprocess.run(cli("fuse", "--db", db_url), cwd=REPO, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
        assert f"fused {ARTICLES - len(done)} documents" in result.stderr
        with database.read() as connection:
            every = set(connection.execute(select(documents.c.id)).scalars())
        assert assert_consistent(database, kb) == every
        assert fused(database, kb) == from_scratch(database, kb)
