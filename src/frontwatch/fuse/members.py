"""The pieces incremental fusion works with: an event as a member of an incident (with the
document facts fusion needs and its place in the fusion order), and a cluster of members.

The fusion order is `fuse_incidents`' order: the document's publication date, its doc_id,
the evidence offset, then (for events of one sentence) the order `iter_events` reads them
in: date (undated last), then position in the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from frontwatch.fuse.incidents import (
    date_interval,
    dates_compatible,
    events_compatible,
    incident_record,
    modality_class,
    type_family,
)
from frontwatch.fuse.sources import SourceRegistry
from frontwatch.records import EventRecord, IncidentRecord
from frontwatch.store.rows import date_range

SortKey = tuple[str, str, int, bool, str, int]


@dataclass(frozen=True)
class DocumentFacts:
    """What fusion reads of a document (see `incidents.DocumentInfo`; `url` for its outlet's tier)."""

    outlet: str | None
    published: str | None
    url: str | None = None


def event_sort_key(event: EventRecord, published: str | None, ordinal: int) -> SortKey:
    """Where an event comes in the fusion order (module docstring)."""
    start, _ = date_range(event.date, event.date_precision)
    return (published or "", event.doc_id, event.evidence.start, start is None,
            start.isoformat() if start else "", ordinal)


@dataclass(eq=False)
class Member:
    """One event in the fused state: its record, its document's facts and its fusion order."""

    event: EventRecord
    document_id: int
    ordinal: int
    outlet: str | None
    published: str | None
    url: str | None = None
    row: int | None = None  # fused_events.id once stored
    incident_row: int | None = None

    def __post_init__(self) -> None:
        self.key: SortKey = event_sort_key(self.event, self.published, self.ordinal)
        self.family = type_family(self.event)
        self.modality_class = modality_class(self.event.modality)
        self.interval = date_interval(self.event.date)

    @property
    def read_key(self) -> tuple[bool, str, int, int]:
        """The order `iter_events` yields events in (whereabouts contradictions list claims so)."""
        start, _ = date_range(self.event.date, self.event.date_precision)
        return (start is None, start.isoformat() if start else "", self.document_id, self.ordinal)

    def date_bounds(self) -> tuple[str, date | None, date | None]:
        """`date_kind` (day, span, none) and the interval fusion compares dates by."""
        interval = self.interval
        if interval is None:
            return "none", None, None
        return ("day" if interval[0] == interval[1] else "span"), interval[0], interval[1]

    def compatible(self, other: Member) -> bool:
        """`events_compatible`, with the cheap tests first (the answer is the same)."""
        if self.family != other.family or self.modality_class != other.modality_class:
            return False
        if not dates_compatible(self.interval, other.interval):
            return False
        return events_compatible(self.event, other.event)


@dataclass(eq=False)
class Cluster:
    """An incident's members in fusion order; `row` is the stored incident it came from."""

    members: list[Member] = field(default_factory=list)
    row: int | None = None
    record: IncidentRecord | None = None
    control_place_id: str | None = None
    region: tuple[str | None, str | None, str | None] = (None, None, None)
    changed: bool = False

    @property
    def first_key(self) -> SortKey:
        return self.members[0].key

    def accepts(self, member: Member) -> bool:
        return all(existing.compatible(member) for existing in self.members)

    def incident(self, registry: SourceRegistry, originals: Mapping[str, str],
                 original_documents: Mapping[str, DocumentFacts]) -> IncidentRecord:
        """The incident record, as `fuse_incidents` makes it: `originals` maps near-copies to their
        originals (the store's clusters now), `original_documents` holds those originals."""
        documents = dict(original_documents)
        documents.update({m.event.doc_id: DocumentFacts(m.outlet, m.published, m.url) for m in self.members})
        return incident_record([m.event for m in self.members], documents, registry, originals)
