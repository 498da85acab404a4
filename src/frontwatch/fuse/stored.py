"""The fused picture of everything in a database, read from the fused state that
`frontwatch fuse` (run at the end of every ingest) keeps up to date.

The present picture (`as_of` None) reads the stored incidents, control periods and
contradictions; documents not fused yet are fused first. Control confidences are aged
against the newest claim at read time, and corridors are worked out from the control of
their waypoints. A picture as of a past date fuses the events of the documents published
by then from scratch (`build_picture`), since the fused state describes the present; so does
a reader given another source registry than the one the state was fused with (`--sources`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import Connection

from frontwatch.fuse import Picture, build_picture
from frontwatch.fuse.control import ControlBuilder, aged_confidence
from frontwatch.fuse.corridors import _location, corridor_files, corridor_status, load_corridors
from frontwatch.fuse.incremental import SOURCES_SETTING, _inherits, _unique, fuse_pending
from frontwatch.fuse.members import SortKey
from frontwatch.fuse.sources import SourceRegistry, default_sources
from frontwatch.fuse.state import (
    IncidentStore,
    any_fused,
    latest_claim,
    read_contradictions,
    read_incidents,
    read_periods,
    read_setting,
)
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import ControlPeriod, DocumentRecord, IncidentRecord, QuoteRecord
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
    """The picture of every stored document (documents published after `as_of` left out), with
    outlets weighed by `sources` (default: the shipped registry with FRONTWATCH_SOURCES laid over
    it). The present picture is read from the fused state (what is pending is fused first) when
    that was fused with the same registry; a past date (`as_of`) or another registry fuses from
    scratch for this read."""
    registry = sources if sources is not None else default_sources()
    digest = registry.digest()
    if as_of is None:
        fuse_pending(database, kb, registry)
    with database.read() as connection:
        documents = {d.doc_id: d for d in iter_documents(connection)}
        quotes = [q for doc_id in documents for q in quotes_of(connection, doc_id)]
        fused_with = read_setting(connection, SOURCES_SETTING)
        if as_of is None and (fused_with == digest or (fused_with is None and not any_fused(connection))):
            return StoredPicture(fused_picture(connection, kb, kb_dirs), documents, quotes)
        events = list(iter_events(connection))
        copies = originals(connection)
    picture = build_picture(events, documents, kb, as_of=as_of, kb_dirs=kb_dirs, sources=registry, originals=copies)
    if as_of is not None:
        visible = {e.doc_id for i in picture.incidents for e in i.sources}
        quotes = [q for q in quotes if q.doc_id in visible]
    return StoredPicture(picture, documents, quotes)


def fused_picture(connection: Connection, kb: KnowledgeBase, kb_dirs: list[Path] | None = None) -> Picture:
    """The present picture from the fused state, equal to `build_picture` over every fused event."""
    latest = latest_claim(connection)
    timeline: dict[str, list[ControlPeriod]] = {}
    for place_id, stored in read_periods(connection):
        if not stored:
            continue
        for item in stored:
            item.period.confidence = aged_confidence(item.strength, item.newest, latest, item.period.basis)
        timeline[place_id] = [item.period for item in stored]
    situation = sorted((periods[-1] for periods in timeline.values()),
                       key=lambda p: (p.place.country or "", p.place.name))
    corridors = load_corridors(corridor_files(kb_dirs), kb)
    store = IncidentStore(connection)
    waypoints = {waypoint for corridor in corridors for waypoint in corridor.waypoints}
    incidents: list[tuple[SortKey, IncidentRecord]] = [
        item for found in (store.incidents_of_places(waypoints).values() if waypoints else []) for item in found]
    regions = set()
    for waypoint in waypoints:
        location = _location(kb, waypoint)
        if _inherits(location):
            regions.add((location.country, location.admin1))
    for country, admin1 in sorted(regions):  # type: ignore[arg-type]
        incidents += store.region_incidents(country, admin1)  # type: ignore[arg-type]
    incidents.sort(key=lambda item: item[0])
    builder = ControlBuilder(_unique(incidents), kb, latest=latest)
    return Picture(as_of=None, incidents=read_incidents(connection), situation=situation, timeline=timeline,
                   contradictions=read_contradictions(connection),
                   corridors=corridor_status(corridors, builder, kb, None))
