"""Incremental fusion (frontwatch.fuse.incremental): after any sequence of ingests, fuses,
replacements and removals, the fused state in the database equals a fusion from scratch of
what is stored (`build_picture` over `iter_events`), on SQLite and PostgreSQL."""

from __future__ import annotations

import hashlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import delete, func, select

from frontwatch.fuse import Picture, build_picture
from frontwatch.fuse.incremental import fuse
from frontwatch.fuse.sources import SourceRegistry, default_sources, load_sources
from frontwatch.fuse.stored import fused_picture, stored_picture
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import (
    Actor,
    ControlChange,
    DocumentRecord,
    EventRecord,
    Evidence,
    Location,
    Plover,
    SourceDocument,
)
from frontwatch.store import Database, repository
from frontwatch.store.duplicates import originals
from frontwatch.store.ingest import IngestSummary, ingest
from frontwatch.store.repository import Provenance, iter_documents, iter_events
from frontwatch.store.schema import documents, fused_documents, fused_events, fused_incidents

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = sorted(str(p) for p in (ROOT / "tests" / "gold" / "articles").iterdir()) + \
    sorted(str(p) for p in (ROOT / "examples").iterdir())


def dump(picture: Picture) -> dict[str, Any]:
    """Everything the readers show, as plain data (the timeline with its order)."""
    return {"incidents": [i.model_dump(mode="json") for i in picture.incidents],
            "situation": [p.model_dump(mode="json") for p in picture.situation],
            "timeline": [(place, [p.model_dump(mode="json") for p in periods])
                         for place, periods in picture.timeline.items()],
            "contradictions": [c.model_dump(mode="json") for c in picture.contradictions],
            "corridors": [c.model_dump(mode="json") for c in picture.corridors]}


def from_scratch(database: Database, kb: KnowledgeBase, only: set[int] | None = None,
                 sources: SourceRegistry | None = None) -> dict[str, Any]:
    """`build_picture` over the stored events (of the documents with row ids in `only`), with the
    store's near-copy links, as the readers fused from scratch before the fused state existed."""
    with database.read() as connection:
        docs = {d.doc_id: d for d in iter_documents(connection)}
        events = list(iter_events(connection))
        copies = originals(connection)
        if only is not None:
            keep = set(connection.execute(select(documents.c.doc_id).where(documents.c.id.in_(only))).scalars())
            events = [e for e in events if e.doc_id in keep]
    return dump(build_picture(events, docs, kb, sources=sources or default_sources(), originals=copies))


def fused(database: Database, kb: KnowledgeBase) -> dict[str, Any]:
    with database.read() as connection:
        return dump(fused_picture(connection, kb))


def assert_equal_pictures(got: dict[str, Any], want: dict[str, Any]) -> None:
    for part in want:
        assert got[part] == want[part], part


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_fusing_in_parts_equals_fusing_from_scratch_on_the_gold_and_example_articles(
        database: Database, kb: KnowledgeBase, seed: int) -> None:
    paths = list(ARTICLES)
    random.Random(seed).shuffle(paths)
    cuts = sorted(random.Random(seed).sample(range(1, len(paths)), 2))
    for start, end in zip([0, *cuts], [*cuts, len(paths)], strict=True):
        ingest(iter_sources(paths[start:end]), kb, database, IngestSummary())
        fuse(database, kb, batch_documents=1 + seed)
        assert_equal_pictures(fused(database, kb), from_scratch(database, kb))
    picture = fused(database, kb)
    assert len(picture["incidents"]) > 100 and picture["situation"] and picture["contradictions"]
    # a rebuild gives the same state
    fuse(database, kb, rebuild=True)
    assert fused(database, kb) == picture


def test_an_updated_article_takes_its_old_contributions_out(database: Database, kb: KnowledgeBase,
                                                              tmp_path: Path) -> None:
    def corpus(text: str) -> Path:
        path = tmp_path / "feed.jsonl"
        path.write_text(json.dumps({"id": "story-1", "title": "Front line", "outlet": "Daily A",
                                    "published": "2024-12-06", "text": text}) + "\n", encoding="utf-8")
        return path

    other = tmp_path / "other.txt"
    other.write_text("Rebels seize Hama\n\nPublished 2024-12-06\n\nSyrian rebels seized the city of Hama on "
                     "Thursday after heavy fighting, a war monitor said.\n", encoding="utf-8")
    ingest(iter_sources([str(other), str(corpus(
        "Syrian rebels seized the city of Hama on Thursday after government forces withdrew, "
        "residents said."))]), kb, database, IngestSummary())
    fuse(database, kb)
    before = fused(database, kb)
    assert any(len(i["sources"]) == 2 for i in before["incidents"])  # both reports of Hama fused
    summary = IngestSummary()
    ingest(iter_sources([str(corpus("Drones struck a market in Kharkiv on Friday, killing four people, "
                                    "local officials said."))]), kb, database, summary)
    assert summary.replaced == 1
    result = fuse(database, kb)
    assert result.documents == 1
    after = fused(database, kb)
    assert after == from_scratch(database, kb)
    with database.read() as connection:
        doc_id = connection.execute(select(documents.c.doc_id).where(documents.c.article_key == "id:story-1")
                                    ).scalar_one()
    sources = [s for i in after["incidents"] for s in i["sources"]]
    assert not any(i["sources"][0]["doc_id"] == doc_id and "Hama" in (i["location"] or {}).get("name", "")
                   for i in after["incidents"])
    assert any(s["doc_id"] == doc_id and "Kharkiv" in s["evidence"]["text"] for s in sources)
    assert all(len(i["sources"]) == 1 for i in after["incidents"] if (i["location"] or {}).get("name") == "Hama")


def test_a_document_no_longer_stored_leaves_the_picture(database: Database, kb: KnowledgeBase) -> None:
    ingest(iter_sources(ARTICLES[:4]), kb, database, IngestSummary())
    fuse(database, kb)
    with database.write() as connection:
        connection.execute(delete(documents).where(documents.c.id == 1))
    assert fuse(database, kb).removed == 1
    assert fused(database, kb) == from_scratch(database, kb)
    with database.read() as connection:
        assert connection.execute(select(func.count()).select_from(fused_events)
                                  .where(fused_events.c.document_id == 1)).scalar_one() == 0


def test_readers_fuse_what_is_pending_first(database: Database, kb: KnowledgeBase) -> None:
    ingest(iter_sources(ARTICLES[:3]), kb, database, IngestSummary())
    with database.read() as connection:
        assert connection.execute(select(func.count()).select_from(fused_documents)).scalar_one() == 0
    picture = stored_picture(database, kb).picture
    assert dump(picture) == from_scratch(database, kb)
    assert fuse(database, kb).documents == 0  # nothing left to do


# ---------------------------------------------------------------- random stories, every order

# Hand-made places: two towns 8 km apart, one 40 km away, one far, their region, and no place.
PLACES: list[Location | None] = [
    Location(entity_id="1001", name="Khalda", lat=35.0, lon=38.0, country="SY", admin1="SY.99", feature="PPL"),
    Location(entity_id="1002", name="Khalda East", lat=35.0, lon=38.09, country="SY", admin1="SY.99", feature="PPL"),
    Location(entity_id="1004", name="Tell Nour", lat=35.3, lon=38.2, country="SY", admin1="SY.99", feature="PPL",
             precision=2),
    Location(entity_id="1003", name="Far Town", lat=33.0, lon=36.0, country="SY", admin1="SY.98", feature="PPL"),
    Location(entity_id="region-99", name="Khalda Governorate", lat=35.1, lon=38.1, country="SY", admin1="SY.99",
             feature="ADM1", precision=3),
    None,
]
ACTORS = [Actor(entity_id="free-brigade", name="Free Brigade", side="opposition"),
          Actor(entity_id="army", name="Army", side="government"),
          Actor(entity_id="person:sami-haddad", name="Sami Haddad", side="government"), None]
KINDS = [("Battles", "Armed clash", ("ASSAULT", None)),
         ("Battles", "Non-state actor overtakes territory", ("ASSAULT", None)),
         ("Explosions/Remote violence", "Air/drone strike", ("ASSAULT", "aerial")),
         ("Explosions/Remote violence", "Shelling/artillery/missile attack", ("ASSAULT", None)),
         ("Strategic developments", "Headquarters or base established", ("MOBILIZE", None)),
         ("Strategic developments", "Other", ("RETREAT", None))]
SENTENCES = ["He remains in the capital.", "He seems to have disappeared.", "The rebels took the town under siege.",
             "Fighting went on."]
DATES = [None, "2025-03", "2025-03-01", "2025-03-02", "2025-03-03", "2025-03-05", "2025-03-06"]


def random_document(rng: random.Random, number: int, version: int) -> tuple[list[Any], Provenance]:
    doc_id = f"doc-{number}-v{version}"
    events: list[EventRecord] = []
    sentences = [rng.choice(SENTENCES) for _ in range(rng.randint(0, 5))]
    text = " ".join(sentences)
    position = 0
    for index, sentence in enumerate(sentences):
        event_type, sub_event_type, plover = rng.choice(KINDS)
        location = rng.choice(PLACES)
        actor1 = rng.choice(ACTORS)
        control = None
        if sub_event_type == "Non-state actor overtakes territory" and location is not None:
            control = ControlChange(place=location.entity_id, new_controller=rng.choice(["opposition", "government"]))
        events.append(EventRecord(
            doc_id=doc_id, event_id=f"{doc_id}-e{index}", event_type=event_type, sub_event_type=sub_event_type,
            plover=Plover(type=plover[0], mode=plover[1]), actor1=actor1, actor2=rng.choice(ACTORS),
            location=location, date=(date_ := rng.choice(DATES)),
            date_precision="unknown" if date_ is None else "month" if len(date_) == 7 else rng.choice(["day", "week"]),
            modality=rng.choice(["asserted", "asserted", "reported", "hedged", "hypothetical"]),  # type: ignore[arg-type]
            control_change=control, evidence=Evidence(start=position, end=position + len(sentence), text=sentence),
            confidence=rng.choice([0.5, 0.75, 0.9])))
        position += len(sentence) + 1
    document = DocumentRecord(doc_id=doc_id, title=f"Story {number}", outlet=rng.choice(["Daily A", "Wire B", None]),
                              published=rng.choice([None, "2025-03-01", "2025-03-02", "2025-03-04", "2025-03-06"]),
                              text_sha256=hashlib.sha256(text.encode()).hexdigest(), text=text)
    return [document, *events], Provenance(source_sha256=f"{number}-{version}", article_key=f"story-{number}")


@pytest.mark.parametrize("seed", range(6))
def test_random_stories_in_random_order_fuse_as_from_scratch(database: Database, kb: KnowledgeBase,
                                                              seed: int) -> None:
    """Dense stories (a handful of places, a week, undated and month-dated reports, region
    transfers, whereabouts) arriving out of order, replaced and removed: after every fuse the
    state is the fusion from scratch; killed-and-resumed batches are covered by test_fuse_kill."""
    rng = random.Random(seed)
    versions: dict[int, int] = {}
    for _round in range(5):
        with database.write() as connection:
            for _ in range(rng.randint(1, 8)):
                number = rng.randrange(25)
                versions[number] = versions.get(number, -1) + 1
                records, provenance = random_document(rng, number, versions[number])
                repository.store_document(connection, records, provenance)
            if rng.random() < 0.3:
                connection.execute(delete(documents).where(documents.c.id == rng.randint(1, 10)))
        fuse(database, kb, batch_documents=rng.randint(1, 6))
        assert_equal_pictures(fused(database, kb), from_scratch(database, kb))
    with database.read() as connection:
        orphans = connection.execute(select(func.count()).select_from(
            fused_events.outerjoin(fused_incidents, fused_incidents.c.id == fused_events.c.incident_row))
            .where(fused_incidents.c.id.is_(None))).scalar_one()
    assert orphans == 0


def test_fuse_command_reports_and_rebuilds(tmp_path: Path) -> None:
    db = tmp_path / "fw.db"
    run = [sys.executable, "-m", "frontwatch.cli"]
    result = subprocess.run([*run, "ingest", *ARTICLES[:3], "--db", str(db), "--no-fuse"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "fused" not in result.stderr
    result = subprocess.run([*run, "fuse", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0 and "fused 3 documents" in result.stderr, result.stderr
    result = subprocess.run([*run, "fuse", "--db", str(db), "--rebuild"], cwd=ROOT, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0 and "fused 3 documents" in result.stderr, result.stderr
    result = subprocess.run([*run, "ingest", *ARTICLES[3:5], "--db", str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0 and "fused 2 documents" in result.stderr, result.stderr


# ---------------------------------------------------------------- near-copies and the source registry

STORIES = yaml.safe_load((ROOT / "tests" / "data" / "near_duplicates.yaml").read_text(encoding="utf-8"))["stories"]


def _story(doc_id: str, text: str, outlet: str, published: str, url: str | None = None) -> SourceDocument:
    return SourceDocument(text=text, doc_id=doc_id, outlet=outlet, published=published, title=doc_id, url=url,
                          source=f"{doc_id}.txt")


def test_dates_at_the_calendar_edges_store_and_fuse(database: Database, kb: KnowledgeBase) -> None:
    # a placeholder publication date and dates in a text's first and last calendar years
    stories = [_story("edge-1", "Rebels shelled Aleppo on 0001-01-01. Government forces captured Hama "
                      "yesterday.", "Edge Wire", "0001-01-01"),
               _story("edge-2", "Government forces shelled Aleppo on 9999-12-31, the rebels said. Rebels "
                      "captured Hama on 1 January 0001.", "Other Wire", "9999-12-31")]
    summary = IngestSummary()
    ingest(iter(stories), kb, database, summary)
    assert not summary.failed and summary.stored == 2
    fuse(database, kb)
    picture = fused(database, kb)
    assert picture["incidents"] and picture == from_scratch(database, kb)


def _links(database: Database) -> dict[str, str | None]:
    with database.read() as connection:
        return {row.doc_id: row.duplicate_of for row in connection.execute(
            select(documents.c.doc_id, documents.c.duplicate_of))}


def test_near_copies_fuse_as_from_scratch_as_their_clusters_change(database: Database, kb: KnowledgeBase) -> None:
    """A copy counts for its original in the fused state too; when an earlier-published copy
    becomes the cluster's original, or the original is replaced or removed, the documents whose
    reports now count for another origin are fused again."""
    story = STORIES[1]
    ingest([_story("wire", story["original"], "Reuters", "2024-06-08"),
            _story("other", story["independent"][0], "Other Daily", "2024-06-08")], kb, database, IngestSummary())
    fuse(database, kb)
    ingest([_story("paper", story["copies"][0]["text"], "Daily Paper", "2024-06-09")], kb, database, IngestSummary())
    assert fuse(database, kb).documents == 1
    assert _links(database)["paper"] == "wire"
    picture = fused(database, kb)
    assert picture == from_scratch(database, kb)
    copied = [s for i in picture["incidents"] for s in i["sources"] if s["doc_id"] == "paper"]
    assert copied and all(s["duplicate_of"] == "wire" and s["tier"] == 1 for s in copied)  # Reuters' tier

    # an earlier copy re-points the cluster: "wire" and "paper" now report for "first"
    ingest([_story("first", story["copies"][1]["text"], "Morning Post", "2024-06-07")], kb, database,
           IngestSummary())
    assert _links(database) == {"wire": "first", "paper": "first", "other": None, "first": None}
    assert fuse(database, kb).documents == 3
    picture = fused(database, kb)
    assert picture == from_scratch(database, kb)
    assert all(s["duplicate_of"] == "first" and s["tier"] == 3 for i in picture["incidents"] for s in i["sources"]
               if s["doc_id"] in ("wire", "paper"))

    # the original's new version (another outlet) changes its copies' tier: they are fused again
    ingest([_story("first", story["copies"][1]["text"] + " The report was updated.", "SANA", "2024-06-07")], kb,
           database, IngestSummary())
    assert fuse(database, kb).documents == 3
    picture = fused(database, kb)
    assert picture == from_scratch(database, kb)
    assert all(s["tier"] == 4 for i in picture["incidents"] for s in i["sources"] if s["doc_id"] in ("wire", "paper"))

    # the original removed: the copies report for themselves again
    with database.write() as connection:
        connection.execute(delete(documents).where(documents.c.doc_id == "first"))
    result = fuse(database, kb)
    assert result.removed == 1 and result.documents == 2
    assert fused(database, kb) == from_scratch(database, kb)


def test_the_source_registry_fused_with_is_the_readers_or_they_fuse_from_scratch(
        database: Database, kb: KnowledgeBase, tmp_path: Path) -> None:
    story = STORIES[1]
    ingest([_story("wire", story["original"], "Reuters", "2024-06-08"),
            _story("blog", story["independent"][0], "Some Blog", "2024-06-08", "https://news.example.org/a")],
           kb, database, IngestSummary())
    fuse(database, kb)
    shipped = fused(database, kb)
    assert shipped == from_scratch(database, kb)
    user_file = tmp_path / "sources.yaml"
    user_file.write_text("outlets:\n  - {name: Reuters, tier: 4}\n"
                         "  - {name: Example, tier: 1, domains: [example.org]}\n", encoding="utf-8")
    mine = load_sources(user_file)
    # a reader with another registry fuses from scratch with it, and leaves the fused state alone
    picture = dump(stored_picture(database, kb, sources=mine).picture)
    assert picture == from_scratch(database, kb, sources=mine) != shipped
    assert {s["tier"] for i in picture["incidents"] for s in i["sources"]} == {1, 4}
    assert fused(database, kb) == shipped
    # fusing with it (FRONTWATCH_SOURCES set for `ingest` or `fuse`) rebuilds the state
    result = fuse(database, kb, sources=mine)
    assert result.rebuilt and result.documents == 2
    assert fused(database, kb) == picture
    assert not fuse(database, kb, sources=mine).rebuilt
    # and now the shipped registry's readers are the ones fusing from scratch
    assert dump(stored_picture(database, kb).picture) == shipped


def test_fuse_command_uses_the_configured_registry(tmp_path: Path) -> None:
    db = tmp_path / "fw.db"
    user_file = tmp_path / "sources.yaml"
    user_file.write_text("default_tier: 2\n", encoding="utf-8")
    run = [sys.executable, "-m", "frontwatch.cli"]
    result = subprocess.run([*run, "ingest", *ARTICLES[:2], "--db", str(db)], cwd=ROOT, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0 and "rebuilt" not in result.stderr, result.stderr
    env = {**os.environ, "FRONTWATCH_SOURCES": str(user_file)}
    result = subprocess.run([*run, "fuse", "--db", str(db)], cwd=ROOT, capture_output=True, text=True, timeout=300,
                            env=env)
    assert result.returncode == 0 and "rebuilt: fused 2 documents" in result.stderr, result.stderr
