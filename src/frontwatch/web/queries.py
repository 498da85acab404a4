"""What the routes ask of the picture and the store: filtered incidents, a document with
its spans, search. Routes parse input and format output; the work is here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel

from frontwatch.fuse.incidents import date_interval
from frontwatch.kb.fold import fold_name
from frontwatch.kb.index import PLACE, KnowledgeBase
from frontwatch.records import ContradictionRecord, DocumentRecord, IncidentRecord, Location, QuoteRecord
from frontwatch.store.db import Database
from frontwatch.store.duplicates import copies_of, original_of
from frontwatch.store.repository import (
    BoundingBox,
    DocumentListing,
    count_documents,
    events_of,
    get_document,
    list_documents,
    quotes_of,
)
from frontwatch.web.highlight import Segment, Span, segments
from frontwatch.web.pictures import PictureView

# ---------------------------------------------------------------- places by id or name


def place_ids(kb: KnowledgeBase, value: str) -> set[str]:
    """Entity ids a `place` parameter may mean: the value itself (a GeoNames id or KB slug)
    and every KB place whose folded name matches it ("Deir Ezzour" = "Deir ez-Zor")."""
    found = {value}
    for code in kb.names.get(fold_name(value), ()):
        ref, kind, _case = kb.decode(code)
        if kind == PLACE:
            found.add(kb.place(ref).entity_id)
    return found


# ---------------------------------------------------------------- incidents


@dataclass
class IncidentFilter:
    since: date | None = None
    until: date | None = None
    places: Collection[str] | None = None  # entity ids (see place_ids)
    actor: str | None = None  # actor entity id, either role
    side: str | None = None  # actor side, either role
    event_type: str | None = None
    sub_event_type: str | None = None
    modality: str | None = None
    bbox: BoundingBox | None = None
    min_sources: int = 1
    text: str | None = None  # words of the evidence, the place or an actor (case-insensitive)

    def matches(self, incident: IncidentRecord) -> bool:
        if self.since or self.until:
            interval = date_interval(incident.date)
            if interval is None:
                return False  # as for stored events: undated incidents fall outside any range
            if (self.since and interval[1] < self.since) or (self.until and interval[0] > self.until):
                return False
        location = incident.location
        actors = [a for a in (incident.actor1, incident.actor2) if a is not None]
        checks = (
            self.places is None or (location is not None and location.entity_id in self.places),
            self.actor is None or any(a.entity_id == self.actor for a in actors),
            self.side is None or any(a.side == self.side for a in actors),
            self.event_type is None or incident.event_type == self.event_type,
            self.sub_event_type is None or incident.sub_event_type == self.sub_event_type,
            self.modality is None or incident.modality == self.modality,
            incident.source_count >= self.min_sources,
            self.bbox is None or _inside(location, self.bbox),
            not self.text or self.text.lower() in _incident_words(incident),
        )
        return all(checks)


def _inside(location: Location | None, bbox: BoundingBox) -> bool:
    if location is None or location.lat is None or location.lon is None:
        return False
    min_lon, min_lat, max_lon, max_lat = bbox
    return min_lon <= location.lon <= max_lon and min_lat <= location.lat <= max_lat


def _incident_words(incident: IncidentRecord) -> str:
    parts = [incident.sub_event_type, incident.location.name if incident.location else "",
             *(a.name for a in (incident.actor1, incident.actor2) if a is not None),
             *(source.evidence.text for source in incident.sources)]
    return " ".join(parts).lower()


def filter_incidents(incidents: Iterable[IncidentRecord], wanted: IncidentFilter) -> list[IncidentRecord]:
    return [incident for incident in incidents if wanted.matches(incident)]


def incident_geojson(incidents: Iterable[IncidentRecord]) -> dict[str, object]:
    """Located incidents as GeoJSON points (the map's markers)."""
    features = []
    for incident in incidents:
        location = incident.location
        if location is None or location.lat is None or location.lon is None:
            continue
        features.append({"type": "Feature", "id": incident.incident_id,
                         "geometry": {"type": "Point", "coordinates": [location.lon, location.lat]},
                         "properties": {"incident_id": incident.incident_id, "event_type": incident.event_type,
                                        "sub_event_type": incident.sub_event_type, "place": location.name,
                                        "date": incident.date, "modality": incident.modality,
                                        "date_start": interval[0].isoformat()
                                        if (interval := date_interval(incident.date)) else None,
                                        "actor1": incident.actor1.name if incident.actor1 else None,
                                        "side": incident.actor1.side if incident.actor1 else None,
                                        "sources": incident.source_count,
                                        "independent_sources": incident.independent_sources,
                                        "evidence": incident.evidence.text}})
    return {"type": "FeatureCollection", "features": features}


# ---------------------------------------------------------------- a document with its spans


class DocumentText(BaseModel):
    """A document's cleaned text and the spans our records point at."""

    document: DocumentRecord
    spans: list[Span]
    duplicate_of: str | None = None  # the original this document is a near-copy of
    copies: list[str] = []  # doc ids of the stored near-copies of this document


@dataclass
class DocumentView:
    text: DocumentText
    segments: list[Segment]
    quotes: list[QuoteRecord]
    contradictions: list[ContradictionRecord]


def _event_incidents(view: PictureView) -> dict[tuple[str, str], str]:
    return {(source.doc_id, source.event_id): incident.incident_id
            for incident in view.stored.picture.incidents for source in incident.sources}


def document_text(database: Database, view: PictureView, doc_id: str,
                  focus: IncidentRecord | None = None) -> DocumentView | None:
    """The document with its event, quote and excluded spans; with `focus`, that incident's
    evidence in this document is marked `evidence` and other events are left unmarked."""
    with database.read() as connection:
        document = get_document(connection, doc_id)
        if document is None:
            return None
        events = events_of(connection, doc_id)
        quotes = quotes_of(connection, doc_id)
        copies = [copy for copy, _ in copies_of(connection, doc_id)]
        original = original_of(connection, doc_id)
    spans = [Span(start=x.start, end=x.end, kind="excluded", label=f"excluded: {x.reason.replace('_', ' ')}")
             for x in document.excluded]
    if focus is not None:
        spans += [Span(start=s.evidence.start, end=s.evidence.end, kind="evidence",
                       label=f"{focus.sub_event_type} ({s.modality})", ref=focus.incident_id)
                  for s in focus.sources if s.doc_id == doc_id]
    else:
        incident_of = _event_incidents(view)
        spans += [Span(start=e.evidence.start, end=e.evidence.end, kind="event",
                       label=f"{e.sub_event_type} ({e.modality})", ref=incident_of.get((doc_id, e.event_id)))
                  for e in events]
        spans += [Span(start=q.start, end=q.end, kind="quote",
                       label=f"quote: {q.speaker.name if q.speaker else 'unknown speaker'}") for q in quotes]
    spans.sort(key=lambda s: (s.start, -s.end))
    text = DocumentText(document=document, spans=spans, duplicate_of=original, copies=copies)
    return DocumentView(text, segments(document.text, spans), quotes, view.contradictions_by_doc.get(doc_id, []))


# ---------------------------------------------------------------- search


@dataclass
class SearchResults:
    query: str
    places: list[Location]
    documents: list[DocumentListing]
    documents_total: int
    incidents: list[IncidentRecord]


def search(database: Database, view: PictureView, kb: KnowledgeBase, query: str, limit: int = 50) -> SearchResults:
    """Places (any spelling the KB knows) with incidents or control, documents whose title or
    text holds the words, and incidents at a matching place or whose evidence holds them."""
    query = query.strip()
    picture = view.stored.picture
    ids = place_ids(kb, query)
    locations: dict[str, Location] = {}
    for incident in picture.incidents:
        if incident.location is not None and incident.location.entity_id in ids:
            locations.setdefault(incident.location.entity_id, incident.location)
    for period in picture.situation:
        if period.place.entity_id in ids:
            locations.setdefault(period.place.entity_id, period.place)
    incidents = [i for i in picture.incidents
                 if (i.location is not None and i.location.entity_id in ids) or query.lower() in _incident_words(i)]
    with database.read() as connection:
        documents = list_documents(connection, text=query, entity_ids=ids, limit=limit)
        total = count_documents(connection, text=query, entity_ids=ids)
    return SearchResults(query, list(locations.values()), documents, total, incidents[:limit])
