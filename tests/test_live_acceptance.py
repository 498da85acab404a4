"""Issue 7's acceptance run, end to end: one locally served feed of 50 items holding syndicated
copies of other items, a French article and a broken item, polled by `frontwatch watch --once`
into SQLite. The copies are clustered under their originals, the French article is flagged and
geocoded, the broken item is reported, and a second poll stores nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from feeds_support import Item, LocalWeb, corpus_feed
from frontwatch.kb.index import KnowledgeBase
from frontwatch.live.feeds import item_doc_id
from frontwatch.records import DocumentRecord, MentionRecord
from frontwatch.store import open_database, repository

REPO = Path(__file__).resolve().parent.parent
ENV = {"FRONTWATCH_HTTP_RETRIES": "0", "FRONTWATCH_HTTP_TIMEOUT": "5"}

# Written for this test: a short French wire report naming Syrian places in their French forms.
FRENCH = (
    "Les forces gouvernementales ont pilonné mardi les quartiers est d'Alep, selon l'Observatoire "
    "syrien des droits de l'homme, qui fait état de plusieurs victimes civiles.\n\n"
    "Des combats se poursuivent également dans la région de Lattaquié, où l'armée tente de reprendre "
    "plusieurs villages tenus par les rebelles depuis le mois dernier.\n\n"
    "Le gouvernement affirme à Damas que la situation est sous contrôle et que les routes vers "
    "Homs restent ouvertes."
)


def frontwatch(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **ENV}, timeout=600)


def syndicated(original: Item, number: int) -> Item:
    """Another outlet's copy of `original`: a dateline added, the last paragraph dropped, an hour later."""
    paragraphs = original.body.split("\n\n")
    kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    body = "\n\n".join([f"(Partner Wire) - {kept[0]}", *kept[1:]])
    published = original.published + timedelta(hours=1) if original.published else None
    return Item(guid=f"urn:copy:{number}", title=f"{original.title} (partner copy)", path=f"/copies/{number}.html",
                body=body, published=published, summary=kept[0][:200])


def test_watch_clusters_copies_flags_french_and_reports_the_broken_item(
        web: LocalWeb, kb: KnowledgeBase, tmp_path: Path) -> None:
    feed = corpus_feed(kb, 44, seed=23)
    originals = [feed.items[2], feed.items[9], feed.items[17], feed.items[30]]
    copies = [syndicated(item, number) for number, item in enumerate(originals, start=1)]
    french = Item(guid="urn:fr:1", title="Syrie : nouveaux bombardements sur Alep", path="/fr/alep.html",
                  body=FRENCH, published=originals[0].published, language="fr")
    broken = Item("urn:broken:gone", "Gone", "/news/gone.html")  # the link answers 404
    feed.items[5:5] = copies[:2]
    feed.items[25:25] = [french, broken]
    feed.items.extend(copies[2:])
    assert len(feed.items) == 50
    url = feed.serve(web, etag='"w1"')
    feeds_file = tmp_path / "feeds.yaml"
    feeds_file.write_text(f"feeds:\n  - url: {url}\n    name: Test Wire\n", encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'live.db'}"

    first = frontwatch("watch", str(feeds_file), "--db", db, "--once")
    assert first.returncode == 1, first.stderr  # the broken item failed
    assert f"skipped {web.url('/news/gone.html')}: HTTP 404 Not Found" in first.stderr
    assert "near-duplicate copies 4" in first.stderr

    with open_database(db) as database, database.read() as connection:
        listed = {doc.doc_id: doc for doc in repository.list_documents(connection, limit=100)}
        assert len(listed) == 49
        for original, copy in zip(originals, copies, strict=True):
            # Published the same day (stored dates are days), the one stored first is the original:
            # the second copy comes earlier in the feed than the report it copies.
            first_id, second_id = item_doc_id(original.guid), item_doc_id(copy.guid)
            if copy is copies[1]:
                first_id, second_id = second_id, first_id
            assert listed[second_id].duplicate_of == first_id
            assert listed[first_id].copies == 1 and listed[first_id].duplicate_of is None
        clustered = {doc_id for doc_id, doc in listed.items() if doc.duplicate_of or doc.copies}
        assert len(clustered) == 8  # no independent report was mistaken for a copy

        records = repository.document_records(connection, item_doc_id(french.guid))
        document = records[0]
        assert isinstance(document, DocumentRecord) and document.language == "fr"
        places = [r for r in records if isinstance(r, MentionRecord) and r.entity_type == "place"]
        found = {(m.surface, m.country) for m in places}
        assert {("Alep", "SY"), ("Damas", "SY"), ("Homs", "SY")} <= found
        assert all(m.lat is not None and m.geonames_id for m in places)
        for mention in places:
            assert document.text[mention.start:mention.end] == mention.surface
        # English rules stay off French text: no events are coded from it
        assert not [r for r in records if getattr(r, "record", None) == "event"]

    second = frontwatch("watch", str(feeds_file), "--db", db, "--once")
    assert "stored 0 new" in second.stderr, second.stderr
    with open_database(db) as database, database.read() as connection:
        assert len(repository.list_documents(connection, limit=100)) == 49
