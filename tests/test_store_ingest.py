"""`frontwatch ingest` and `frontwatch db` run as real subprocesses against real databases
(SQLite and PostgreSQL, see conftest.py)."""

from __future__ import annotations

import json
import os
import random
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from frontwatch.records import DocumentRecord, EventRecord, MentionRecord, QuoteRecord
from frontwatch.store import open_database, repository
from frontwatch.store.schema import documents, ingest_runs, mentions

REPO = Path(__file__).resolve().parent.parent
GOOD_ARTICLE = ("Rebels seize Hama\n\n"
                "Syrian rebels entered Hama on Thursday after government forces withdrew towards Homs, "
                "a war monitor said.\n")
FEED = [
    {"id": "feed-1", "text": "Turkish troops shelled positions near Manbij on Monday, killing three SDF fighters.",
     "published": "2024-12-02", "title": "Shelling near Manbij"},
    {"id": "feed-2", "text": "Russian drones struck Kharkiv overnight, regional officials said.", "title": "Kharkiv"},
]
RECORD_TYPES = {"document": DocumentRecord, "mention": MentionRecord, "event": EventRecord, "quote": QuoteRecord}


def frontwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=300)


def summary_of(stderr: str) -> dict[str, int]:
    found = re.search(r"read (\d+) documents?, skipped (\d+), wrote (\d+) records; "
                      r"stored (\d+) new, replaced (\d+), unchanged (\d+)", stderr)
    assert found, stderr
    names = ("read", "skipped", "records", "stored", "replaced", "unchanged")
    return dict(zip(names, (int(value) for value in found.groups()), strict=True))


def write_feed(path: Path, items: list[dict[str, str]], broken_line: bool = False) -> None:
    lines = [json.dumps(item) for item in items]
    if broken_line:
        lines.insert(1, '{"text": "broken line, never closed')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture()
def inbox(tmp_path: Path) -> Path:
    """One good article, a JSONL feed of two with a broken line between, an empty and a binary file."""
    directory = tmp_path / "inbox"
    directory.mkdir()
    (directory / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (directory / "empty.txt").write_bytes(b"")
    (directory / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write_feed(directory / "feed.jsonl", FEED, broken_line=True)
    return directory


def test_ingest_stores_what_extract_writes_and_reports_bad_input_per_file(inbox: Path, db_url: str) -> None:
    result = frontwatch("ingest", str(inbox), "--db", db_url)
    assert result.returncode == 1, result.stderr  # like extract: 1 when any input was skipped
    skipped = [line for line in result.stderr.splitlines() if line.strip().startswith("skipped ")]
    assert len(skipped) == 3
    named = " ".join(skipped)
    assert str(inbox / "empty.txt") in named and str(inbox / "image.txt") in named
    assert f"{inbox / 'feed.jsonl'}:2" in named
    counts = summary_of(result.stderr)
    assert (counts["read"], counts["skipped"], counts["stored"], counts["unchanged"]) == (3, 3, 3, 0)

    extracted = frontwatch("extract", str(inbox))
    expected = [RECORD_TYPES[line["record"]].model_validate(line)
                for line in map(json.loads, extracted.stdout.splitlines())]
    assert counts["records"] == len(expected)
    with open_database(db_url) as database, database.read() as connection:
        stored = [record for doc in expected if isinstance(doc, DocumentRecord)
                  for record in repository.document_records(connection, doc.doc_id)]
        run = connection.execute(select(ingest_runs)).one()
    assert stored == expected
    assert run.status == "finished" and run.inputs == [str(inbox)]
    assert (run.documents_read, run.documents_stored, run.documents_skipped, run.records_written) == (
        3, 3, 3, len(expected))
    assert {error["source"] for error in run.errors} == {
        str(inbox / "empty.txt"), str(inbox / "image.txt"), f"{inbox / 'feed.jsonl'}:2"}


def test_ingesting_the_same_input_again_changes_nothing(inbox: Path, db_url: str) -> None:
    frontwatch("ingest", str(inbox), "--db", db_url)
    with open_database(db_url) as database, database.read() as connection:
        before = connection.execute(select(mentions).order_by(mentions.c.id)).all()
    again = frontwatch("ingest", str(inbox), "--db", db_url)
    assert again.returncode == 1  # the bad files are still reported
    assert summary_of(again.stderr) == {"read": 3, "skipped": 3, "records": 0, "stored": 0, "replaced": 0,
                                        "unchanged": 3}
    with open_database(db_url) as database, database.read() as connection:
        assert connection.execute(select(mentions).order_by(mentions.c.id)).all() == before
        assert [run.documents_unchanged for run in repository.runs(connection)] == [3, 0]


def test_an_updated_article_replaces_its_old_records(tmp_path: Path, db_url: str) -> None:
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, FEED)
    assert frontwatch("ingest", str(feed), "--db", db_url).returncode == 0
    updated = [FEED[0], {**FEED[1], "text": "Ukrainian forces withdrew from Avdiivka on Saturday, the army said."}]
    write_feed(feed, updated)
    result = frontwatch("ingest", str(feed), "--db", db_url)
    assert result.returncode == 0, result.stderr
    assert summary_of(result.stderr) | {"records": 0} == {"read": 2, "skipped": 0, "records": 0, "stored": 0,
                                                         "replaced": 1, "unchanged": 1}
    with open_database(db_url) as database, database.read() as connection:
        records = repository.document_records(connection, "feed-2")
        assert len(list(connection.execute(select(documents.c.id)))) == 2
    assert records[0].text == updated[1]["text"]  # type: ignore[union-attr]
    assert all(r.surface != "Kharkiv" for r in records if isinstance(r, MentionRecord))
    assert any(r.surface == "Avdiivka" for r in records if isinstance(r, MentionRecord))


def test_a_document_the_database_refuses_is_skipped_and_the_batch_goes_on(tmp_path: Path, db_url: str) -> None:
    # PostgreSQL cannot index a value this long (its b-tree limit is ~2.7 kB, after compression,
    # hence random letters); SQLite can.
    noise = random.Random(5)
    long_id = "".join(noise.choice(string.ascii_letters + string.digits) for _ in range(10_000))
    feed = tmp_path / "feed.jsonl"
    write_feed(feed, [{**FEED[0], "id": long_id}, FEED[1]])
    result = frontwatch("ingest", str(feed), "--db", db_url)
    with open_database(db_url) as database, database.read() as connection:
        assert repository.get_document(connection, "feed-2") is not None
        stored = repository.counts(connection)["documents"]
    if db_url.startswith("sqlite"):
        assert result.returncode == 0 and stored == 2
    else:
        assert result.returncode == 1 and stored == 1
        assert f"skipped {feed}:1: cannot store" in result.stderr


def test_a_lone_surrogate_in_a_field_is_stored_as_a_replacement_character(tmp_path: Path, db_url: str) -> None:
    feed = tmp_path / "feed.jsonl"
    # A lone surrogate escape is valid JSON, but no UTF-8 database (or output) can hold it: the
    # reader turns it into U+FFFD, as it does with undecodable bytes (tests/test_hostile_inputs.py).
    write_feed(feed, [{**FEED[0], "title": "Shelling \ud800 Manbij"}, FEED[1]])  # json.dumps escapes it
    assert "\\ud800" in feed.read_text(encoding="utf-8")
    result = frontwatch("ingest", str(feed), "--db", db_url)
    assert result.returncode == 0, result.stderr
    with open_database(db_url) as database, database.read() as connection:
        assert repository.get_document(connection, "feed-2") is not None
        stored = repository.get_document(connection, "feed-1")
        assert stored is not None and stored.title == "Shelling \ufffd Manbij"


def test_db_upgrade_and_info(inbox: Path, db_url: str) -> None:
    upgraded = frontwatch("db", "upgrade", "--db", db_url)
    assert upgraded.returncode == 0 and "schema 0004 (current)" in upgraded.stdout
    frontwatch("ingest", str(inbox), "--db", db_url)
    info = frontwatch("db", "info", "--db", db_url)
    assert info.returncode == 0, info.stderr
    lines = info.stdout.splitlines()
    assert "schema: 0004 (current)" in lines and "documents: 3" in lines
    assert any(re.fullmatch(r"mentions: [1-9]\d*", line) for line in lines)
    assert any(line.startswith("last ingest: run 1 finished") and "3 stored" in line for line in lines)
    assert "secret" not in info.stdout


def test_the_default_database_is_in_the_user_data_directory(inbox: Path, tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "data"), "FRONTWATCH_DB": ""}
    expected = tmp_path / "data" / "frontwatch" / "frontwatch.db"
    info = frontwatch("db", "info", env=env)
    assert info.returncode == 0 and "not created yet" in info.stdout and not expected.exists()
    assert frontwatch("ingest", str(inbox / "good.txt"), env=env).returncode == 0
    assert expected.exists()
    assert "documents: 1" in frontwatch("db", "info", env=env).stdout
    elsewhere = tmp_path / "env.db"
    assert frontwatch("ingest", str(inbox / "good.txt"), env={**env, "FRONTWATCH_DB": str(elsewhere)}).returncode == 0
    assert elsewhere.exists()


def test_a_bad_database_option_is_a_clean_error(inbox: Path, tmp_path: Path) -> None:
    result = frontwatch("ingest", str(inbox), "--db", "mysql://u@host/db")
    assert result.returncode == 2 and "unsupported database" in result.stderr and "Traceback" not in result.stderr
    result = frontwatch("db", "info", "--db", f"postgresql://nobody@/x?host={tmp_path}&connect_timeout=2")
    assert result.returncode == 2 and "cannot open database" in result.stderr
