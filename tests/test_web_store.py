"""The repository functions the web API pages with (both backends): actor and bbox filters,
limit/offset, counts, document listings and quotes, and the change marker."""

from __future__ import annotations

from frontwatch.kb.index import KnowledgeBase
from frontwatch.store import Database
from frontwatch.store.repository import (
    change_marker,
    count_documents,
    count_events,
    count_quotes,
    iter_events,
    list_documents,
    list_quotes,
)
from web_support import EXAMPLES, ingest_paths


def test_paging_filters_and_marker(database: Database, kb: KnowledgeBase) -> None:
    with database.read() as connection:
        assert change_marker(connection) == (0, 0, "")
    ingest_paths(database, kb, [str(EXAMPLES)])
    with database.read() as connection:
        marker = change_marker(connection)
        assert marker[:2] == (2, 2) and marker[2]
        everything = list(iter_events(connection))
        assert count_events(connection) == len(everything)
        assert list(iter_events(connection, limit=3, offset=2)) == everything[2:5]
        actor = next(e.actor1.entity_id for e in everything if e.actor1)
        by_actor = list(iter_events(connection, actor=actor))
        assert by_actor == [e for e in everything if actor in {a.entity_id for a in (e.actor1, e.actor2) if a}]
        assert count_events(connection, actor=actor) == len(by_actor)
        inside = list(iter_events(connection, bbox=(35.5, 32.3, 42.4, 37.4)))
        assert inside and all(e.location and 35.5 <= (e.location.lon or 0) <= 42.4 for e in inside)
        assert count_events(connection, bbox=(0.0, 0.0, 1.0, 1.0)) == 0

        assert count_documents(connection) == 2
        assert [d.characters > 1000 for d in list_documents(connection)] == [True, True]
        assert count_documents(connection, text="BU KAMAL") == 1
        assert count_documents(connection, text="%") == 0  # taken literally
        assert count_documents(connection, entity_ids=["170794"]) == 2  # both mention Deir ez-Zor
        assert len(list_documents(connection, limit=1, offset=1)) == 1

        quotes = list_quotes(connection, limit=500)
        assert quotes and count_quotes(connection) == len(quotes)
        doc_id = quotes[0].doc_id
        assert all(q.doc_id == doc_id for q in list_quotes(connection, doc_id=doc_id))
        assert count_quotes(connection, text=quotes[0].text[:8].upper()) >= 1
