"""`serve` while `ingest` writes, on SQLite (WAL) and PostgreSQL: `frontwatch ingest` runs in
another process over many articles (later versions of some replacing earlier ones) while the
app, over the same database, is polled for documents, their spans, events and quotes, and an
upload writes beside the ingest.

Promises: a listed document always comes with exactly the records a finished ingest stores
for it (its counts are computed here, by running the same pipeline on the same input); no
request fails and nothing says "database is locked"; the ingest completes.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import EventRecord, QuoteRecord, SourceDocument
from frontwatch.store import open_database
from frontwatch.store.repository import source_doc_id
from frontwatch.web import create_app
from web_support import BASE_URL

PLACES = ["Aleppo", "Homs", "Hama", "Idlib", "Raqqa", "Deir ez-Zor", "Daraa", "Latakia", "Palmyra", "Manbij",
          "Afrin", "Saraqib", "Qamishli", "Tartus", "Douma", "Kobani"]
ACTORS = ["Syrian army forces", "Hayat Tahrir al-Sham fighters", "Syrian Democratic Forces", "Russian aircraft",
          "Turkish-backed rebels", "Islamic State militants"]
VERBS = ["shelled", "attacked", "struck", "besieged", "captured"]
ARTICLES = 240  # enough that a fast ingest still runs across many polls
REPLACED = 12  # the first articles come again, edited, later in the same input: stored as a new version


def article(number: int, edited: bool = False) -> dict[str, Any]:
    """An article of our own: a few events at varied places and dates, and a quote."""
    place = PLACES[number % len(PLACES)]
    other = PLACES[(number * 7 + 3) % len(PLACES)]
    actor = ACTORS[number % len(ACTORS)]
    rival = ACTORS[(number + 2) % len(ACTORS)]
    day = 1 + number % 27
    sentences = [
        f"{actor} {VERBS[number % len(VERBS)]} {place} on {day} March 2020, killing {number + 2} civilians.",
        f"{rival} attacked positions near {other} on {day + 1} March 2020.",
        f"\"We will not leave {place}\", a local commander said on Tuesday.",
        f"Aid groups reported {number * 10 + 40} families displaced from {other}.",
    ]
    if edited:
        sentences.append(f"Later, {actor} shelled {other} again on {day + 1} March 2020.")
    return {"text": "\n\n".join(sentences), "title": f"Report {number} from {place}", "outlet": "Test Wire",
            "url": f"https://wire.example/{number}", "published": f"2020-03-{day + 2:02d}"}


def write_input(path: Path) -> list[dict[str, Any]]:
    rows = [article(n) for n in range(ARTICLES)] + [article(n, edited=True) for n in range(REPLACED)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return rows


def expected_counts(rows: list[dict[str, Any]], kb: KnowledgeBase) -> dict[str, tuple[int, int]]:
    """Per doc_id, (events, quotes) that a finished ingest stores: the pipeline run here."""
    expected = {}
    for row in rows:
        records = process(SourceDocument(**row, source="concurrency.jsonl"), kb)
        doc_id = source_doc_id(SourceDocument(**row, source="concurrency.jsonl"))
        expected[doc_id] = (sum(isinstance(r, EventRecord) for r in records),
                            sum(isinstance(r, QuoteRecord) for r in records))
    return expected


class Reader:
    """Polls the app the way the pages and an API client do, checking every answer."""

    def __init__(self, client: TestClient, expected: dict[str, tuple[int, int]]) -> None:
        self.client = client
        self.expected = expected
        self.statuses: Counter[int] = Counter()
        self.totals: list[int] = []
        self.checked_documents = 0
        self.problems: list[str] = []
        self.turn = 0
        self.fused_during_ingest = False

    def get(self, url: str, **params: Any) -> Any:
        response = self.client.get(url, params=params)
        self.statuses[response.status_code] += 1
        if response.status_code >= 500 or "locked" in response.text.lower():
            self.problems.append(f"{url}: {response.status_code} {response.text[:300]}")
        return response

    def poll(self) -> None:
        self.turn += 1
        listed = self.get("/api/documents", limit=500)
        if listed.status_code != 200:
            return
        page = listed.json()
        self.totals.append(page["total"])
        items = page["items"]
        if not items:
            return
        for item in (items[self.turn % len(items)], items[-1]):  # an older one and the newest
            self.check_document(item["doc_id"])
        if not self.fused_during_ingest and page["total"] >= 3:
            # Once while the ingest writes: the incidents endpoint fuses the documents stored so far
            # (incremental fusion in the reader). Only once, because fusing takes the reader away for
            # as long as the ingest takes to store as many documents, and the polls above must see
            # the store part-filled.
            self.fused_during_ingest = self.get("/api/incidents", limit=50).status_code == 200

    def check_document(self, doc_id: str) -> None:
        if doc_id not in self.expected:
            return  # the upload below, stored by another writer
        events, quotes = self.expected[doc_id]
        found_events = self.get("/api/events", doc_id=doc_id, limit=1).json()["total"]
        found_quotes = self.get("/api/quotes", doc_id=doc_id, limit=1).json()["total"]
        detail = self.get(f"/api/documents/{doc_id}")
        if detail.status_code == 404:
            return  # replaced by its next version since it was listed: gone whole
        spans = detail.json()["spans"]
        text = detail.json()["document"]["text"]
        shown = (sum(s["kind"] == "event" for s in spans), sum(s["kind"] == "quote" for s in spans))
        if shown != (events, quotes):
            self.problems.append(f"{doc_id}: spans show {shown} (events, quotes), a finished ingest stores "
                                 f"{(events, quotes)}")
        if any(not 0 <= s["start"] < s["end"] <= len(text) for s in spans):
            self.problems.append(f"{doc_id}: a span outside its text")
        if (found_events, found_quotes) not in ((events, quotes), (0, 0)):
            self.problems.append(f"{doc_id}: listed with {found_events} events and {found_quotes} quotes, "
                                 f"a finished ingest stores {(events, quotes)}")
        self.checked_documents += 1


def run_concurrently(url: str, tmp_path: Path, kb: KnowledgeBase) -> None:
    rows = write_input(tmp_path / "concurrency.jsonl")
    expected = expected_counts(rows, kb)
    assert sum(e for e, _ in expected.values()) > ARTICLES  # events to store, not only documents
    database = open_database(url)  # created and migrated before the ingest opens it
    log = tmp_path / "ingest.log"
    try:
        reader = Reader(TestClient(create_app(database, kb), base_url=BASE_URL), expected)
        with open(log, "w", encoding="utf-8") as output:
            ingest = subprocess.Popen([sys.executable, "-m", "frontwatch.cli", "ingest",
                                       str(tmp_path / "concurrency.jsonl"), "--db", url, "--no-progress",
                                       # one process: a pool of workers would take both CPUs of a small CI
                                       # machine and the reader would see the ingest only at its start and end
                                       "--workers", "1"],
                                      stdout=output, stderr=subprocess.STDOUT)
        uploaded = None
        deadline = time.monotonic() + 500
        try:
            while ingest.poll() is None:
                assert time.monotonic() < deadline, "the ingest did not finish"
                reader.poll()
                if uploaded is None and reader.totals and reader.totals[-1] >= 3:
                    # a second writer while the ingest writes
                    uploaded = reader.client.post("/api/documents", data={
                        "text": "Syrian army forces shelled Saraqib on 2 April 2020, killing 4 people.",
                        "published": "2020-04-02"})
        finally:
            if ingest.poll() is None:
                ingest.kill()
            ingest.wait()
        ingest_output = log.read_text(encoding="utf-8")
        assert ingest.returncode == 0, ingest_output
        assert "locked" not in ingest_output.lower(), ingest_output
        assert uploaded is not None and uploaded.status_code == 201, str((uploaded and uploaded.text, reader.totals))
        reader.poll()
        final = reader.get("/api/documents", limit=500).json()
        stored = {item["doc_id"] for item in final["items"]}
        assert final["total"] == ARTICLES + 1  # every article once (its last version) and the upload
        for doc_id in stored & set(expected):
            reader.check_document(doc_id)
        assert reader.problems == [], reader.problems[:10]
        assert set(reader.statuses) <= {200, 404}, reader.statuses
        # the reads overlapped the writes: the reader saw the store part-filled, more than once
        assert reader.fused_during_ingest
        partial = {total for total in reader.totals if 0 < total < ARTICLES}
        assert len(partial) >= 3, str(reader.totals)
        assert reader.checked_documents >= 20
    finally:
        database.dispose()


def test_serving_while_ingesting_on_sqlite(tmp_path: Path, kb: KnowledgeBase) -> None:
    run_concurrently(f"sqlite:///{tmp_path / 'concurrent.db'}", tmp_path, kb)


@pytest.mark.postgres
def test_serving_while_ingesting_on_postgresql(postgres_db_url: str, tmp_path: Path, kb: KnowledgeBase) -> None:
    run_concurrently(postgres_db_url, tmp_path, kb)
