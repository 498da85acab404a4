"""Fusion across documents: incidents, control, contradictions and corridors.

Works on records (from the store or from `frontwatch extract` JSONL), never on raw text:
`build_picture(events, documents, kb)` fuses from scratch; `incremental.fuse` keeps the
same picture in the database up to date as documents are stored, and `stored.stored_picture`
(what the CLI, the briefing and the web layer call) reads it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from frontwatch.fuse.contradictions import control_contradictions, whereabouts_contradictions
from frontwatch.fuse.control import ControlBuilder
from frontwatch.fuse.corridors import corridor_files, corridor_status, load_corridors
from frontwatch.fuse.incidents import DocumentInfo, date_interval, fuse_incidents
from frontwatch.fuse.sources import SourceRegistry
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import (
    ContradictionRecord,
    ControlPeriod,
    CorridorRecord,
    EventRecord,
    IncidentRecord,
)

__all__ = ["Picture", "build_picture", "fuse_incidents"]


@dataclass
class Picture:
    """The fused situation picture as of a date (None: everything known)."""

    as_of: date | None
    incidents: list[IncidentRecord] = field(default_factory=list)
    situation: list[ControlPeriod] = field(default_factory=list)
    timeline: dict[str, list[ControlPeriod]] = field(default_factory=dict)
    contradictions: list[ContradictionRecord] = field(default_factory=list)
    corridors: list[CorridorRecord] = field(default_factory=list)


def _person_ids(kb: KnowledgeBase) -> set[str]:
    return {actor.entity_id for actor in kb.actors if actor.entity_type == "person"}


def build_picture(events: Iterable[EventRecord], documents: Mapping[str, DocumentInfo], kb: KnowledgeBase, *,
                  as_of: date | None = None, kb_dirs: list[Path] | None = None,
                  sources: SourceRegistry | None = None, originals: Mapping[str, str] | None = None) -> Picture:
    """Fuse the events of many documents into incidents, control, contradictions and corridors.

    With `as_of`, only documents published on or before that date count (an undated
    document counts only for the present). `sources` weighs outlets (default: the shipped
    registry with FRONTWATCH_SOURCES laid over it); `originals` maps each near-copy's doc_id to its
    original's (the store's clusters), so that a copy counts for its original."""
    if as_of is not None:
        visible = {doc_id for doc_id, d in documents.items()
                   if (interval := date_interval(d.published)) is not None and interval[0] <= as_of}
        events = [e for e in events if e.doc_id in visible]
    else:
        events = list(events)
    incidents = fuse_incidents(events, documents, sources, originals)
    builder = ControlBuilder(incidents, kb)
    people = _person_ids(kb)
    people_in_text = {e.actor1.entity_id for e in events if e.actor1 and e.actor1.entity_id.startswith("person:")}
    contradictions = control_contradictions(builder) + \
        whereabouts_contradictions(events, documents, people | people_in_text)
    corridors = corridor_status(load_corridors(corridor_files(kb_dirs), kb), builder, kb, as_of)
    return Picture(as_of=as_of, incidents=incidents, situation=builder.situation(as_of),
                   timeline=builder.timeline(as_of), contradictions=contradictions, corridors=corridors)
