"""`--workers N` (engines/pool.py): the same records as one worker, bounded work in flight, bad input
and Ctrl-C handled. The CLI runs as a real subprocess; workers are real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontwatch.engines.pool import ExtractOptions, extract_stream
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import Skipped, SourceDocument
from frontwatch.store import open_database, repository

REPO = Path(__file__).resolve().parent.parent
ARTICLES = sorted((REPO / "tests" / "gold" / "articles").glob("*.txt")) + sorted((REPO / "examples").glob("*.txt"))


def varied_documents(count: int) -> list[dict[str, str]]:
    """`count` distinct documents cut from the gold and example articles (a different stretch of
    paragraphs each, and a numbered closing line, so no two are identical)."""
    paragraphs = [[p for p in path.read_text(encoding="utf-8").split("\n") if p.strip()] for path in ARTICLES]
    documents: list[dict[str, str]] = []
    for number in range(count):
        article = paragraphs[number % len(paragraphs)]
        start = (number // len(paragraphs)) % max(1, len(article) - 2)
        text = "\n".join([*article[start:start + 4 + number % 5], f"This is report number {number}."])
        documents.append({"id": f"doc-{number:04d}", "title": f"Article {number}", "published": "2024-12-05",
                          "text": text})
    assert len({d["text"] for d in documents}) == count, "the test corpus must not repeat a document"
    return documents


def write_corpus(path: Path, documents: list[dict[str, str]], broken_after: int | None = None) -> Path:
    lines = [json.dumps(d, ensure_ascii=False) for d in documents]
    if broken_after is not None:
        lines.insert(broken_after, '{"text": "a broken line, never closed')
        lines.insert(broken_after + 2, '{"title": "no text field"}')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def frontwatch(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, timeout=300)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 varied documents with a broken line and a record without text in the middle."""
    return write_corpus(tmp_path_factory.mktemp("pool") / "corpus.jsonl", varied_documents(60), broken_after=25)


@pytest.fixture(scope="module")
def one_worker(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, str]:
    out = tmp_path_factory.mktemp("one") / "records.jsonl"
    result = frontwatch("extract", str(corpus), "--workers", "1", "--out", str(out))
    assert result.returncode == 1, result.stderr  # the two bad lines are skipped
    return out.read_bytes(), result.stderr


def test_workers_write_the_same_bytes_as_one_worker(corpus: Path, one_worker: tuple[bytes, str],
                                                    tmp_path: Path) -> None:
    expected, expected_stderr = one_worker
    out = tmp_path / "records.jsonl"
    result = frontwatch("extract", str(corpus), "--workers", "2", "--out", str(out))
    assert result.returncode == 1, result.stderr
    assert out.read_bytes() == expected
    # the same summary, with the skipped lines in input order
    assert result.stderr == expected_stderr
    assert f"skipped {corpus}:26: not valid JSON" in result.stderr
    assert f"skipped {corpus}:28: no text" in result.stderr
    assert "read 60 documents, skipped 2" in result.stderr


def test_unordered_output_has_the_same_records(corpus: Path, one_worker: tuple[bytes, str], tmp_path: Path) -> None:
    out = tmp_path / "records.jsonl"
    result = frontwatch("extract", str(corpus), "--workers", "2", "--unordered", "--out", str(out))
    assert result.returncode == 1, result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert sorted(lines) == sorted(one_worker[0].decode("utf-8").splitlines())
    # each document's records stay together, the document record first
    seen: set[str] = set()
    current = None
    for line in lines:
        record = json.loads(line)
        if record["record"] == "document":
            assert record["doc_id"] not in seen
            seen.add(record["doc_id"])
            current = record["doc_id"]
        assert record["doc_id"] == current


def test_the_pool_reads_no_further_ahead_than_its_bound(kb: KnowledgeBase) -> None:
    documents = [SourceDocument(text=d["text"], doc_id=d["id"], source=f"test:{n}")
                 for n, d in enumerate(varied_documents(24))]
    consumed = 0
    ahead: list[int] = []

    def counted() -> Iterator[SourceDocument | Skipped]:
        nonlocal consumed
        for document in documents:
            consumed += 1
            yield document

    options = ExtractOptions()
    results = []
    for item, result in extract_stream(counted(), options, workers=2, batch_size=2, in_flight=3):
        ahead.append(consumed - len(results))
        results.append((item, result))
    # at most 3 batches of 2 out while one result is handed on: never the whole corpus
    assert max(ahead) <= 3 * 2
    expected = list(extract_stream(iter(documents), options, workers=1, kb=kb))
    assert [item for item, _ in results] == documents
    assert [result for _, result in results] == [result for _, result in expected]


def test_reader_skips_keep_their_place_in_the_stream() -> None:
    items: list[SourceDocument | Skipped] = [
        SourceDocument(text="Syrian rebels entered Hama on Thursday.", source="a"),
        Skipped(source="b", reason="binary file"),
        SourceDocument(text="Russian drones struck Kharkiv overnight.", source="c"),
    ]
    results = list(extract_stream(items, ExtractOptions(events=False), workers=2, batch_size=1))
    assert [item for item, _ in results] == items
    assert results[1][1] == items[1]
    assert all(isinstance(result, list) for _, result in (results[0], results[2]))


def test_ctrl_c_stops_the_workers_and_keeps_whole_documents(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "big.jsonl", varied_documents(3000))
    out = tmp_path / "records.jsonl"
    marker = uuid.uuid4().hex
    process = subprocess.Popen(
        [sys.executable, "-m", "frontwatch.cli", "extract", str(corpus), "--workers", "2", "--out", str(out)],
        cwd=REPO, env={**os.environ, "FRONTWATCH_TEST_MARKER": marker}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 50_000):
            assert process.poll() is None, process.communicate()
            time.sleep(0.2)
        os.killpg(process.pid, signal.SIGINT)  # what a terminal does on Ctrl-C: the whole process group
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    documents = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    document_ids = [r["doc_id"] for r in documents if r["record"] == "document"]
    assert 0 < len(document_ids) < 3000
    # whole documents in input order: every record belongs to the last document record before it
    assert document_ids == [f"doc-{n:04d}" for n in range(len(document_ids))]
    assert f"read {len(document_ids)} documents" in stderr
    time.sleep(1)
    assert not _processes_with(marker), "worker processes outlived the interrupted command"


def _processes_with(marker: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if marker.encode() in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def test_ingest_with_workers_stores_what_one_worker_stores(db_url: str, corpus: Path, tmp_path: Path) -> None:
    single = f"sqlite:///{tmp_path / 'single.db'}"
    first = frontwatch("ingest", str(corpus), "--db", single, "--workers", "1")
    pooled = frontwatch("ingest", str(corpus), "--db", db_url, "--workers", "2")
    assert first.returncode == pooled.returncode == 1, pooled.stderr
    assert "stored 60 new, replaced 0, unchanged 0" in pooled.stderr
    with open_database(single) as expected_db, open_database(db_url) as database:
        with expected_db.read() as expected, database.read() as connection:
            ids = [d.doc_id for d in repository.iter_documents(expected)]
            assert sorted(d.doc_id for d in repository.iter_documents(connection)) == sorted(ids)
            for doc_id in ids:
                assert repository.document_records(connection, doc_id) == repository.document_records(expected, doc_id)
    again = frontwatch("ingest", str(corpus), "--db", db_url, "--workers", "2")
    assert "stored 0 new, replaced 0, unchanged 60" in again.stderr


def test_unordered_keeps_every_copy_of_a_repeated_document() -> None:
    document = SourceDocument(text="Syrian rebels entered Hama on Thursday.", source="same")
    items: list[SourceDocument | Skipped] = [document] * 6
    results = list(extract_stream(items, ExtractOptions(events=False), workers=2, ordered=False, batch_size=1))
    assert len(results) == 6
    assert all(result == results[0][1] for _, result in results)


def test_workers_leave_when_their_parent_is_killed(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "big.jsonl", varied_documents(3000))
    out = tmp_path / "records.jsonl"
    marker = uuid.uuid4().hex
    process = subprocess.Popen(
        [sys.executable, "-m", "frontwatch.cli", "extract", str(corpus), "--workers", "2", "--out", str(out)],
        cwd=REPO, env={**os.environ, "FRONTWATCH_TEST_MARKER": marker}, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and (not out.exists() or out.stat().st_size == 0):
            assert process.poll() is None
            time.sleep(0.2)
        assert len(_processes_with(marker)) >= 3  # the command and its two workers
        process.kill()  # SIGKILL: no chance to stop the pool
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    deadline = time.monotonic() + 30
    while _processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not _processes_with(marker), "orphaned workers kept running"
