"""The fused picture of everything in a database: read the stored records, fuse them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from frontwatch.fuse import Picture, build_picture
from frontwatch.fuse.sources import SourceRegistry
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import DocumentRecord, QuoteRecord
from frontwatch.store.db import Database
from frontwatch.store.duplicates import originals
from frontwatch.store.repository import iter_documents, iter_events, quotes_of


@dataclass
class StoredPicture:
    picture: Picture
    documents: dict[str, DocumentRecord]
    quotes: list[QuoteRecord]


def stored_picture(database: Database, kb: KnowledgeBase, *, as_of: date | None = None,
                   kb_dirs: list[Path] | None = None, sources: SourceRegistry | None = None) -> StoredPicture:
    """Fuse every stored event (documents published after `as_of` left out)."""
    with database.read() as connection:
        documents = {d.doc_id: d for d in iter_documents(connection)}
        events = list(iter_events(connection))
        copies = originals(connection)
        quotes = [q for doc_id in documents for q in quotes_of(connection, doc_id)]
    picture = build_picture(events, documents, kb, as_of=as_of, kb_dirs=kb_dirs, sources=sources,
                            originals=copies)
    if as_of is not None:
        visible = {e.doc_id for i in picture.incidents for e in i.sources}
        quotes = [q for q in quotes if q.doc_id in visible]
    return StoredPicture(picture, documents, quotes)
