"""Incident fusion: events from one or many documents that describe the same incident
become one `IncidentRecord` with its sources, its independent-source count and the
best evidence.

Two events describe one incident when all of these hold (checked pairwise against
the incident's members, so a chain of loose matches cannot drift):

* the same type family: the same ACLED sub-event type, except that within
  `LOOSE_FAMILIES` any sub-event types fuse (outlets disagree on the weapon of one
  strike: "drone strike" here, "missile attack" there); a capture and an armed clash
  at one town stay two incidents; and the same modality class: facts (asserted,
  reported, hedged) fuse with facts; hypotheticals, plans and denials only with
  their own kind;
* the same place, or places close enough for their precision (towns within
  `TOWN_KM`, areas within `AREA_KM`, regions within `REGION_KM` in one country);
  two events without a place fuse only when their actor1 is the same actor;
* compatible actors: actor1 sides equal or one unknown; when both name a control
  change, the same new controller;
* compatible dates: intervals (a day, a month, a year, by precision) no more than
  `DATE_SLACK_DAYS` apart; an unknown date is compatible with any.

Independence: a source's *origin* is the named person, organisation or outlet its
report is attributed to (two outlets quoting the same wire or the same spokesman
are one origin); an anonymous or unattributed report's origin is its outlet (one
newspaper counts once however many articles it runs), else its document. A near-copy
of another document (`originals`, found at ingest: syndicated wire copy) reports
for its original: same origin, the original's outlet weight, so it adds nothing.

Confidence: each origin's best event confidence, weighted by its outlet's reliability
tier (`fuse.sources`), combined as 1 - prod(1 - c).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Protocol

from frontwatch.fuse.sources import SourceRegistry, default_sources
from frontwatch.kb.gazetteer import distance_km
from frontwatch.records import EventRecord, IncidentRecord, IncidentSource, Location

TOWN_KM = 15.0  # two reports of one strike name the town or its district
AREA_KM = 40.0  # "the northern outskirts", "near the airport"
REGION_KM = 150.0  # a governorate or a front named instead of the town
DATE_SLACK_DAYS = 1  # an overnight strike is dated to either day

LOOSE_FAMILIES = frozenset({"Explosions/Remote violence", "Protests"})
FACTUAL = frozenset({"asserted", "reported", "hedged"})
_MODALITY_RANK = {"asserted": 3, "reported": 2, "hedged": 1}
_NON_WORD = re.compile(r"[^a-z0-9]+")


class DocumentInfo(Protocol):
    """What fusion needs of a document: who published it and when."""

    @property
    def outlet(self) -> str | None: ...

    @property
    def published(self) -> str | None: ...


def date_interval(value: str | None) -> tuple[date, date] | None:
    """The days an ISO date of any precision ("2024", "2024-12", "2024-12-06") covers."""
    if not value:
        return None
    try:
        parts = [int(p) for p in value[:10].split("-")]
        if len(parts) == 1:
            return _inside_calendar(date(parts[0], 1, 1), date(parts[0], 12, 31))
        if len(parts) == 2:
            first = date(parts[0], parts[1], 1)
            following = date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
            return _inside_calendar(first, following - timedelta(days=1))
        day = date(parts[0], parts[1], parts[2])
        return _inside_calendar(day, day)
    except ValueError:
        return None


def _inside_calendar(first: date, last: date) -> tuple[date, date] | None:
    """The interval, or None (an unknown date) in the calendar's first or last year, where the
    slack and span arithmetic of matching would step off the calendar ("0001-01-01" in a text)."""
    return (first, last) if 1 < first.year and last.year < 9999 else None


def _origin_key(name: str) -> str:
    return _NON_WORD.sub(" ", name.lower()).strip()


def origin_of(event: EventRecord, document: DocumentInfo | None, doc_id: str | None = None) -> str:
    """Who a report ultimately comes from (see the module docstring); `document` and `doc_id`
    are those of the document it comes from (a near-copy's original)."""
    attribution = event.attribution
    if attribution is not None and attribution.kind in ("named", "outlet"):
        return f"source:{_origin_key(attribution.source)}"
    if document is not None and document.outlet:
        return f"outlet:{_origin_key(document.outlet)}"
    return f"doc:{doc_id or event.doc_id}"


def source_document(doc_id: str, documents: Mapping[str, DocumentInfo],
                    originals: Mapping[str, str]) -> tuple[str, DocumentInfo | None]:
    """(doc_id, document) a report comes from: a near-copy's original when that is known."""
    original = originals.get(doc_id)
    if original and original in documents:
        return original, documents[original]
    return doc_id, documents.get(doc_id)


def type_family(event: EventRecord) -> str:
    return event.event_type if event.event_type in LOOSE_FAMILIES else event.sub_event_type


def modality_class(modality: str) -> str:
    return "factual" if modality in FACTUAL else modality


def places_compatible(a: Location | None, b: Location | None) -> bool:
    """Same place, or near enough for the coarser of the two precisions."""
    if a is None or b is None:
        return a is None and b is None
    if a.entity_id == b.entity_id:
        return True
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return False
    precision = max(a.precision, b.precision)
    if a.feature == "COUNTRY" or b.feature == "COUNTRY":
        return False  # "in Syria" says too little to merge two reports
    if precision >= 3:
        if a.country != b.country:
            return False
        if a.admin1 and b.admin1 and a.admin1 != b.admin1:
            return False
        limit = REGION_KM
    else:
        limit = AREA_KM if precision == 2 else TOWN_KM
    return distance_km(a.lat, a.lon, b.lat, b.lon) <= limit


def dates_compatible(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    if a is None or b is None:
        return True
    gap = max(a[0], b[0]) - min(a[1], b[1])
    return gap.days <= DATE_SLACK_DAYS


def events_compatible(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events can be reports of one incident (module docstring)."""
    if type_family(a) != type_family(b) or modality_class(a.modality) != modality_class(b.modality):
        return False
    if a.location is None and b.location is None:
        if a.actor1 is None or b.actor1 is None or a.actor1.entity_id != b.actor1.entity_id:
            return False
        if a.plover.type != b.plover.type:
            return False  # "Other" holds requests, withdrawals and whereabouts alike
    elif not places_compatible(a.location, b.location):
        return False
    side_a = a.actor1.side if a.actor1 else None
    side_b = b.actor1.side if b.actor1 else None
    if side_a and side_b and side_a != side_b:
        return False
    if a.control_change and b.control_change and \
            a.control_change.new_controller != b.control_change.new_controller:
        return False
    return dates_compatible(date_interval(a.date), date_interval(b.date))


def _evidence_rank(event: EventRecord) -> tuple[int, int, int, float, int]:
    """Best evidence first: the firmest modality, a place, a finer place, a date, confidence."""
    location = event.location
    return (
        _MODALITY_RANK.get(event.modality, 0),
        int(location is not None),
        -(location.precision if location is not None else 4),
        event.confidence,
        int(event.date is not None),
    )


@dataclass
class _Cluster:
    events: list[EventRecord] = field(default_factory=list)

    def accepts(self, event: EventRecord) -> bool:
        return all(events_compatible(member, event) for member in self.events)


def fuse_incidents(events: Iterable[EventRecord], documents: Mapping[str, DocumentInfo],
                   sources: SourceRegistry | None = None,
                   originals: Mapping[str, str] | None = None) -> list[IncidentRecord]:
    """Group events into incidents (module docstring), in a deterministic order: the
    documents' publication dates, then document and evidence order. `sources` weighs outlets
    (default: the shipped registry); `originals` maps near-copies to their original's doc_id."""
    registry = sources if sources is not None else default_sources()

    def order(event: EventRecord) -> tuple[str, str, int]:
        document = documents.get(event.doc_id)
        return (document.published or "" if document else "", event.doc_id, event.evidence.start)

    clusters: list[_Cluster] = []
    by_family: dict[tuple[str, str], list[_Cluster]] = {}
    for event in sorted(events, key=order):
        family = (type_family(event), modality_class(event.modality))
        candidates = by_family.setdefault(family, [])
        for cluster in candidates:
            if cluster.accepts(event):
                cluster.events.append(event)
                break
        else:
            cluster = _Cluster([event])
            candidates.append(cluster)
            clusters.append(cluster)
    return [incident_record(cluster.events, documents, registry, originals or {}) for cluster in clusters]


def incident_record(events: list[EventRecord], documents: Mapping[str, DocumentInfo],
                    registry: SourceRegistry, originals: Mapping[str, str]) -> IncidentRecord:
    """The incident of a cluster of events (`documents` holds their documents and the
    originals of near-copies; `originals` maps copies to originals)."""
    best = max(events, key=_evidence_rank)
    sources: list[IncidentSource] = []
    confidence_by_origin: dict[str, float] = {}
    for event in events:
        document = documents.get(event.doc_id)
        origin_id, origin_document = source_document(event.doc_id, documents, originals)
        origin = origin_of(event, origin_document, origin_id)
        outlet, url = (origin_document.outlet, getattr(origin_document, "url", None)) if origin_document \
            else (None, None)
        tier = registry.tier_of(outlet, url)
        weighted = event.confidence * registry.tiers[tier].weight
        confidence_by_origin[origin] = max(confidence_by_origin.get(origin, 0.0), weighted)
        sources.append(IncidentSource(
            doc_id=event.doc_id, event_id=event.event_id, origin=origin, modality=event.modality,
            outlet=document.outlet if document else None, published=document.published if document else None,
            attribution=event.attribution, evidence=event.evidence, tier=tier,
            duplicate_of=origin_id if origin_id != event.doc_id else None))
    # independent origins corroborate: the chance that all of them are wrong shrinks
    doubt = 1.0
    for value in confidence_by_origin.values():
        doubt *= 1.0 - value
    control = next((e.control_change for e in sorted(events, key=_evidence_rank, reverse=True)
                    if e.control_change is not None), None)
    first = min(events, key=lambda e: (e.doc_id, e.evidence.start))
    incident_id = "inc-" + hashlib.sha256(first.event_id.encode("utf-8")).hexdigest()[:16]
    return IncidentRecord(
        incident_id=incident_id, event_type=best.event_type, sub_event_type=best.sub_event_type,
        plover=best.plover, actor1=best.actor1 or next((e.actor1 for e in events if e.actor1), None),
        actor2=best.actor2 or next((e.actor2 for e in events if e.actor2), None),
        location=best.location, date=best.date, date_precision=best.date_precision,
        modality=best.modality, control_change=control, doc_id=best.doc_id, evidence=best.evidence,
        sources=sources, source_count=len({e.doc_id for e in events}),
        independent_sources=len(confidence_by_origin), confidence=round(1.0 - doubt, 3))
