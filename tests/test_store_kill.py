"""An ingest killed with SIGKILL leaves only whole documents, and running it again finishes the
rest. Real subprocesses, real databases (SQLite and PostgreSQL, see conftest.py)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import SourceDocument
from frontwatch.store import Database, open_database, repository
from frontwatch.store.schema import documents, events, ingest_runs, mentions, quotes

REPO = Path(__file__).resolve().parent.parent
ARTICLES = 150

PLACES = ["Hama", "Homs", "Aleppo", "Idlib", "Deir ez-Zor", "Raqqa", "Manbij", "Daraa", "Kharkiv", "Pokrovsk",
          "Bakhmut", "Kherson", "El Fasher", "Omdurman", "Wad Madani", "Goma", "Bukavu", "Hodeidah", "Mosul"]
ACTORS = ["Syrian rebels", "government forces", "HTS fighters", "the SDF", "Russian troops", "Ukrainian forces",
          "the RSF", "the Sudanese army", "M23 rebels", "Houthi fighters", "Turkish-backed factions"]
SENTENCES = [
    "{a} seized {p} on {day} after heavy fighting, a war monitor said.",
    "{a} shelled positions near {p} overnight, killing {n} civilians, local officials said.",
    "Drones struck {p} on {day}, according to {a}.",
    "{a} withdrew from {p} on {day}, residents said.",
    "Protesters gathered in {p} on {day} to demand the release of detainees.",
    "\u201cWe will not leave {p},\u201d a commander of {a} told reporters on {day}.",
    "{a} could try to retake {p} in the coming weeks, analysts warned.",
    "An air strike on a market in {p} killed {n} people on {day}, the health ministry said.",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def write_articles(directory: Path, count: int, seed: int = 7) -> None:
    """`count` short news articles with a title, a date line and three paragraphs each."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        place = rng.choice(PLACES)
        paragraphs = []
        for _ in range(3):
            chosen = rng.sample(SENTENCES, 3)
            paragraphs.append(" ".join(s.format(a=rng.choice(ACTORS), p=rng.choice([place, *rng.sample(PLACES, 2)]),
                                                day=rng.choice(DAYS), n=rng.randint(2, 40)) for s in chosen))
        body = "\n\n".join(paragraphs)
        text_ = f"Fighting around {place} (report {number})\n\nPublished 2024-12-{1 + number % 28:02d}\n\n{body}\n"
        (directory / f"article_{number:04d}.txt").write_text(text_, encoding="utf-8")


@pytest.fixture()
def articles(tmp_path: Path) -> Path:
    directory = tmp_path / "articles"
    write_articles(directory, ARTICLES)
    return directory


def start_ingest(directory: Path, db_url: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "frontwatch.cli", "ingest", str(directory), "--db", db_url,
                             "--no-progress"], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def wait_until(condition: Callable[[], bool], what: str, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.02)


def stored_documents(database: Database) -> int:
    with database.read() as connection:
        return int(connection.execute(select(func.count()).select_from(documents)).scalar_one())


def assert_consistent(database: Database, sources: dict[str, SourceDocument], kb: KnowledgeBase) -> set[str]:
    """Every stored document has exactly the records a fresh process() makes of it, and no row
    belongs to a document that is not stored. Returns the stored doc_ids."""
    with database.read() as connection:
        for table in (mentions, events, quotes):
            orphans = connection.execute(select(func.count()).select_from(table.outerjoin(documents))
                                         .where(documents.c.id.is_(None))).scalar_one()
            assert orphans == 0, f"{orphans} {table.name} rows without their document"
        stored = set(connection.execute(select(documents.c.doc_id)).scalars())
        for doc_id in stored:
            assert repository.document_records(connection, doc_id) == process(sources[doc_id], kb), doc_id
    return stored


def killed_run(database: Database, run_id: int) -> tuple[str, int]:
    with database.read() as connection:
        row = connection.execute(select(ingest_runs).where(ingest_runs.c.id == run_id)).one()
        stored_by_run = connection.execute(select(func.count()).select_from(documents)
                                           .where(documents.c.ingest_run_id == run_id)).scalar_one()
    assert row.documents_stored == stored_by_run  # the run's counts moved with its documents
    return row.status, row.documents_stored


def finish_and_check(articles: Path, db_url: str, database: Database, sources: dict[str, SourceDocument],
                     kb: KnowledgeBase, already: int) -> None:
    result = subprocess.run([sys.executable, "-m", "frontwatch.cli", "ingest", str(articles), "--db", db_url],
                            cwd=REPO, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert f"stored {ARTICLES - already} new, replaced 0, unchanged {already}" in result.stderr
    assert assert_consistent(database, sources, kb) == set(sources)


@pytest.fixture()
def sources(articles: Path) -> dict[str, SourceDocument]:
    read = [item for item in iter_sources([str(articles)]) if isinstance(item, SourceDocument)]
    assert len(read) == ARTICLES
    return {repository.source_doc_id(source): source for source in read}


def test_an_ingest_killed_twice_leaves_whole_documents_and_a_rerun_completes_it(
        articles: Path, db_url: str, sources: dict[str, SourceDocument], kb: KnowledgeBase) -> None:
    with open_database(db_url) as database:
        committed = 0
        for run_id in (1, 2):
            process_ = start_ingest(articles, db_url)
            floor = committed + 5
            wait_until(lambda floor=floor, process_=process_: (stored_documents(database) >= floor
                                                               or process_.poll() is not None),
                       f"{floor} documents are stored")
            os.kill(process_.pid, signal.SIGKILL)
            process_.wait(timeout=30)
            assert process_.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"
            stored = assert_consistent(database, sources, kb)
            assert committed < len(stored) < ARTICLES
            status, by_run = killed_run(database, run_id)
            assert status == "running" and by_run == len(stored) - committed
            committed = len(stored)
        finish_and_check(articles, db_url, database, sources, kb, already=committed)


@pytest.mark.postgres
def test_an_ingest_killed_inside_a_document_transaction_commits_none_of_it(
        articles: Path, postgres_db_url: str, sources: dict[str, SourceDocument], kb: KnowledgeBase) -> None:
    """Deterministic: the test holds the lock on the run's row, which the ingest updates as the
    last statement of each document's transaction, so the ingest is killed after writing a
    document and its records but before committing them."""
    db_url = postgres_db_url  # it needs PostgreSQL's row locks and pg_stat_activity
    with open_database(db_url) as database:
        ingest = start_ingest(articles, db_url)
        wait_until(lambda: stored_documents(database) >= 3, "3 documents are stored")
        with database.engine.connect() as locker:
            # NO KEY UPDATE: the ingest's inserts referencing the run may go on, its UPDATE may not
            locker.execute(select(ingest_runs.c.id).with_for_update(key_share=True)).all()
            committed = stored_documents(database)
            blocked: list[int] = []

            def ingest_waits_on_the_lock() -> bool:
                with database.read() as connection:
                    blocked[:] = connection.execute(text(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                        "AND query LIKE 'UPDATE ingest_runs%'")).scalars().all()
                return len(blocked) == 1

            wait_until(ingest_waits_on_the_lock, "the ingest waits inside its transaction")
            with database.read() as connection:
                written = set(connection.execute(text(
                    "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
                    "WHERE l.pid = :pid AND l.mode = 'RowExclusiveLock'"), {"pid": blocked[0]}).scalars())
            assert {"documents", "mentions", "events"} <= written  # it had written a whole document
            os.kill(ingest.pid, signal.SIGKILL)
            ingest.wait(timeout=30)
            locker.rollback()

        def backend_gone() -> bool:
            with database.read() as connection:
                return not connection.execute(text("SELECT 1 FROM pg_stat_activity WHERE pid = :pid"),
                                              {"pid": blocked[0]}).first()

        wait_until(backend_gone, "the killed ingest's server process ends")
        stored = assert_consistent(database, sources, kb)
        assert len(stored) == committed
        assert killed_run(database, 1) == ("running", committed)
        finish_and_check(articles, db_url, database, sources, kb, already=committed)


# Runs the CLI with the run-counter update (the last statement of each document's transaction)
# replaced by one that SIGKILLs the process at the given document: its rows are written, not committed.
KILL_INSIDE_TRANSACTION = """
import os, signal, sys
from frontwatch.store import repository
original = repository.update_run
def update_run(connection, run_id, counts, **options):
    if not options and counts["documents_stored"] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)
    return original(connection, run_id, counts, **options)
repository.update_run = update_run
from frontwatch.cli import app
app(sys.argv[2:])
"""


def test_an_ingest_killed_inside_a_document_transaction_commits_none_of_it_on_either_backend(
        articles: Path, db_url: str, sources: dict[str, SourceDocument], kb: KnowledgeBase) -> None:
    """Deterministic on SQLite too (the PostgreSQL test above needs server locks): the kill comes
    after the document's rows are written in its transaction, before the commit."""
    with open_database(db_url) as database:
        for run_id, kill_at in ((1, 4), (2, 9)):
            ingest = subprocess.run([sys.executable, "-c", KILL_INSIDE_TRANSACTION, str(kill_at), "ingest",
                                     str(articles), "--db", db_url, "--no-progress"], cwd=REPO, capture_output=True,
                                    text=True, timeout=600)
            assert ingest.returncode == -signal.SIGKILL, ingest.stderr
            committed = kill_at - 1 + (run_id - 1) * (4 - 1)
            stored = assert_consistent(database, sources, kb)
            assert len(stored) == committed
            assert killed_run(database, run_id) == ("running", kill_at - 1)
        finish_and_check(articles, db_url, database, sources, kb, already=committed)
