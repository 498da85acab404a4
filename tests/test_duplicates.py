"""Near-duplicates (frontwatch.store.duplicates): the pairs of tests/data/near_duplicates.yaml,
clustering at ingest on SQLite and PostgreSQL, fusion counting a copy once, and the cluster in
exports and the web app."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from frontwatch.export.formats import acled_rows, plover_records
from frontwatch.fuse.stored import stored_picture
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import SourceDocument
from frontwatch.store.db import Database
from frontwatch.store.duplicates import MIN_JACCARD, NearDuplicateIndex, signature_of, similarity
from frontwatch.store.ingest import IngestSummary, ingest
from frontwatch.store.schema import document_minhashes, documents
from frontwatch.web import create_app

PAIRS = yaml.safe_load((Path(__file__).parent / "data" / "near_duplicates.yaml").read_text(encoding="utf-8"))
STORIES: list[dict[str, Any]] = PAIRS["stories"]


def _copies() -> list[Any]:
    return [pytest.param(story["id"] + ":" + copy["kind"], story["original"], copy["text"],
                         id=story["id"] + ":" + copy["kind"])
            for story in STORIES for copy in story["copies"]]


def _not_copies() -> list[Any]:
    """Independent reports against the original, and the originals of different stories."""
    pairs = [(f"{story['id']}:independent{n}", story["original"], text)
             for story in STORIES for n, text in enumerate(story["independent"])]
    pairs += [(f"{a['id']}~{b['id']}", a["original"], b["original"]) for a, b in itertools.combinations(STORIES, 2)]
    return [pytest.param(*pair, id=pair[0]) for pair in pairs]


@pytest.mark.parametrize(("name", "original", "copy"), _copies())
def test_copies_are_near_duplicates(name: str, original: str, copy: str) -> None:
    a, b = signature_of(original), signature_of(copy)
    assert a is not None and b is not None
    assert similarity(a, b) is not None, name


@pytest.mark.parametrize(("name", "original", "other"), _not_copies())
def test_independent_reports_of_the_same_events_are_not(name: str, original: str, other: str) -> None:
    a, b = signature_of(original), signature_of(other)
    assert a is not None and b is not None
    assert similarity(a, b) is None, name


def test_a_copy_that_keeps_only_the_first_paragraph_is_found_by_containment() -> None:
    original = STORIES[0]["original"]
    a, b = signature_of(original), signature_of(original.split("\n")[0])
    assert a is not None and b is not None
    assert a.minhash.jaccard(b.minhash) < MIN_JACCARD and similarity(a, b) is not None


def test_short_texts_are_never_linked() -> None:
    a, b = signature_of("Rebels took the town on Sunday."), signature_of("Rebels took the town on Sunday.")
    assert a is not None and b is not None and similarity(a, b) is None


# ---------------------------------------------------------------- at ingest


def _source(doc_id: str, text: str, outlet: str, published: str) -> SourceDocument:
    return SourceDocument(text=text, doc_id=doc_id, outlet=outlet, published=published, title=doc_id,
                          source=f"{doc_id}.txt")


KHARKIV = STORIES[1]


def _ingest(database: Database, kb: KnowledgeBase, sources: list[SourceDocument]) -> IngestSummary:
    summary = IngestSummary()
    ingest(sources, kb, database, summary)
    assert not summary.failed, summary.details()
    return summary


def _links(database: Database) -> dict[str, str | None]:
    with database.read() as connection:
        return {row.doc_id: row.duplicate_of for row in connection.execute(select(documents.c.doc_id,
                                                                                   documents.c.duplicate_of))}


def test_ingest_links_copies_to_the_original_and_keeps_signatures(database: Database, kb: KnowledgeBase) -> None:
    summary = _ingest(database, kb, [
        _source("wire", KHARKIV["original"], "Wire Agency", "2024-06-07"),
        _source("paper", KHARKIV["copies"][0]["text"], "Daily Paper", "2024-06-07"),
        _source("independent", KHARKIV["independent"][0], "Other Daily", "2024-06-07"),
    ])
    assert summary.copies == 1 and "near-duplicate copies 1" in summary.line()
    assert _links(database) == {"wire": None, "paper": "wire", "independent": None}
    with database.read() as connection:
        assert connection.execute(select(func.count()).select_from(document_minhashes)).scalar_one() == 3
        # the LSH index of a later run is rebuilt from the stored signatures, texts unread
        index = NearDuplicateIndex.load(connection)
    assert set(index.signatures) == {"wire", "paper", "independent"}
    # a later run: a rewritten copy finds the original through the stored signatures
    _ingest(database, kb, [_source("rewrite", KHARKIV["copies"][1]["text"], "Weekly", "2024-06-08")])
    assert _links(database)["rewrite"] == "wire"


def test_an_earlier_published_copy_becomes_the_original_of_the_cluster(database: Database,
                                                                        kb: KnowledgeBase) -> None:
    _ingest(database, kb, [
        _source("late", KHARKIV["original"], "Wire Agency", "2024-06-08"),
        _source("later", KHARKIV["copies"][1]["text"], "Daily Paper", "2024-06-09"),
    ])
    assert _links(database) == {"late": None, "later": "late"}
    _ingest(database, kb, [_source("first", KHARKIV["copies"][0]["text"], "Morning Post", "2024-06-07")])
    assert _links(database) == {"first": None, "late": "first", "later": "first"}


def test_fusion_counts_a_syndicated_copy_once(database: Database, kb: KnowledgeBase) -> None:
    _ingest(database, kb, [_source("wire", KHARKIV["original"], "Wire Agency", "2024-06-07")])
    before = {s.event_id: i for i in stored_picture(database, kb).picture.incidents for s in i.sources}
    _ingest(database, kb, [_source("copy", KHARKIV["copies"][0]["text"], "Daily Paper", "2024-06-07")])
    after = stored_picture(database, kb).picture.incidents
    both = [i for i in after if {s.doc_id for s in i.sources} == {"wire", "copy"}]
    assert both, "the copy's events fuse with the original's"
    for incident in both:
        assert incident.source_count == 2 and incident.independent_sources == 1
        wire_event = next(s.event_id for s in incident.sources if s.doc_id == "wire")
        assert incident.confidence == before[wire_event].confidence  # the copy adds nothing
        assert {s.doc_id: s.duplicate_of for s in incident.sources} == {"wire": None, "copy": "wire"}
    # the exports show the cluster
    rows = list(acled_rows(both))
    assert rows and all("copies=1" in row["tags"] for row in rows)
    plover = list(plover_records(both))
    assert {s["doc_id"]: s["duplicate_of"] for s in plover[0]["sources"]} == {"wire": None, "copy": "wire"}


def test_web_shows_the_cluster(tmp_path: Path, kb: KnowledgeBase) -> None:
    from frontwatch.store import open_database

    database = open_database(str(tmp_path / "web.db"))
    try:
        _ingest(database, kb, [_source("wire", KHARKIV["original"], "Wire Agency", "2024-06-07"),
                               _source("copy", KHARKIV["copies"][0]["text"], "Daily Paper", "2024-06-07")])
        client = TestClient(create_app(database, kb), base_url="http://localhost")
        listing = {d["doc_id"]: d for d in client.get("/api/documents").json()["items"]}
        assert listing["copy"]["duplicate_of"] == "wire" and listing["wire"]["copies"] == 1
        assert listing["wire"]["duplicate_of"] is None and listing["copy"]["copies"] == 0
        original = client.get("/api/documents/wire").json()
        assert original["copies"] == ["copy"] and original["duplicate_of"] is None
        assert client.get("/api/documents/copy").json()["duplicate_of"] == "wire"
        page = client.get("/documents/copy").text
        assert "Near-copy of" in page and 'href="/documents/wire"' in page
        assert 'href="/documents/copy"' in client.get("/documents/wire").text
    finally:
        database.dispose()
