"""Contradictions: claims from different documents that cannot both hold, shown side by
side with their sources and never resolved silently.

* `control`: two documents give a place different new controllers at the same time
  (dates that overlap, or both undated, i.e. both about the present);
* `whereabouts`: one document says a person is still somewhere ("remains in Syria"),
  another that they are gone ("seems to have disappeared", "fled to Moscow").

Hedged claims take part (a rumour contradicted by a report is what an analyst wants to
see); hypothetical, planned and negated ones do not. Claims of one document are never
set against each other: an article that mentions both states tells a story in time.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping

from frontwatch.fuse.control import ControlBuilder, _Claim, _PlaceFacts
from frontwatch.fuse.incidents import DocumentInfo, date_interval, dates_compatible
from frontwatch.fuse.words import fusion_words
from frontwatch.records import Citation, Claim, ContradictionRecord, EventRecord

WHEREABOUTS_FACTS = frozenset({"asserted", "reported", "hedged"})


def _contradiction_id(kind: str, subject: str, claims: list[Claim]) -> str:
    key = "|".join([kind, subject, *sorted(f"{c.doc_id}:{c.evidence.start}" for c in claims)])
    return "con-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def control_contradictions(builder: ControlBuilder) -> list[ContradictionRecord]:
    """Places that two documents give to different sides at the same time."""
    return [found for facts in builder.places.values() if (found := place_contradiction(facts)) is not None]


def place_contradiction(facts: _PlaceFacts) -> ContradictionRecord | None:
    """The control contradiction about one place, if two documents disagree on who holds it."""
    transfers = [c for c in facts.claims if c.basis == "transfer" and c.incident is not None]
    conflicting: dict[int, _Claim] = {}
    for i, a in enumerate(transfers):
        for b in transfers[i + 1:]:
            if a.controller == b.controller or not _same_time(a, b):
                continue
            docs_a = {s.doc_id for s in a.incident.sources} if a.incident else set()
            docs_b = {s.doc_id for s in b.incident.sources} if b.incident else set()
            if docs_a & docs_b or docs_a == docs_b:
                continue
            conflicting[id(a)] = a
            conflicting[id(b)] = b
    if not conflicting:
        return None
    claims = [claim for c in conflicting.values() for claim in _control_claims(c)]
    return ContradictionRecord(
        contradiction_id=_contradiction_id("control", facts.place.entity_id, claims), kind="control",
        subject_id=facts.place.entity_id, subject=facts.place.name, claims=claims)


def _same_time(a: _Claim, b: _Claim) -> bool:
    undated_a = a.date_text is None
    undated_b = b.date_text is None
    if undated_a or undated_b:
        return undated_a and undated_b
    return dates_compatible(date_interval(a.date_text), date_interval(b.date_text))


def _control_claims(claim: _Claim) -> list[Claim]:
    incident = claim.incident
    assert incident is not None
    statement = f"{claim.place.name} held by {claim.controller}"
    return [Claim(statement=statement, modality=s.modality, doc_id=s.doc_id, outlet=s.outlet,
                  incident_id=incident.incident_id,
                  evidence=Citation(doc_id=s.doc_id, start=s.evidence.start, end=s.evidence.end,
                                    text=s.evidence.text, outlet=s.outlet, published=s.published))
            for s in incident.sources]


def whereabouts_stance(event: EventRecord) -> str | None:
    """'present', 'gone' or None for an event about where a person is."""
    if event.plover.type != "RETREAT" or event.actor1 is None or event.modality not in WHEREABOUTS_FACTS:
        return None
    words = fusion_words()
    text = (event.trigger.text if event.trigger is not None else event.evidence.text).lower()
    # the trigger decides; without one, the evidence sentence, where "gone" words are checked first
    # because "remains in" also occurs in sentences about others
    if any(word in text for word in words.gone):
        return "gone"
    if any(word in text for word in words.present):
        return "present"
    return None


def whereabouts_contradictions(events: Iterable[EventRecord], documents: Mapping[str, DocumentInfo],
                               is_person: set[str] | None = None) -> list[ContradictionRecord]:
    """People said to be in a place by one document and gone by another."""
    by_person: dict[str, list[tuple[str, EventRecord]]] = defaultdict(list)
    for event in events:
        if event.actor1 is None:
            continue
        if is_person is not None and event.actor1.entity_id not in is_person:
            continue
        stance = whereabouts_stance(event)
        if stance is not None:
            by_person[event.actor1.entity_id].append((stance, event))
    found: list[ContradictionRecord] = []
    for person, claims in by_person.items():
        present = [e for s, e in claims if s == "present"]
        gone = [e for s, e in claims if s == "gone"]
        pairs = [(a, b) for a in present for b in gone
                 if a.doc_id != b.doc_id and dates_compatible(date_interval(a.date), date_interval(b.date))]
        if not pairs:
            continue
        involved = list(dict.fromkeys(e.event_id for pair in pairs for e in pair))
        chosen = [e for _, e in claims if e.event_id in involved]
        name = chosen[0].actor1.name if chosen[0].actor1 else person
        records = [_whereabouts_claim(e, whereabouts_stance(e) or "", name, documents) for e in chosen]
        found.append(ContradictionRecord(
            contradiction_id=_contradiction_id("whereabouts", person, records), kind="whereabouts",
            subject_id=person, subject=name, claims=records))
    return found


def _whereabouts_claim(event: EventRecord, stance: str, name: str, documents: Mapping[str, DocumentInfo]) -> Claim:
    place = event.location.name if event.location is not None else None
    if stance == "present":
        statement = f"{name} is in {place}" if place else f"{name} is still in place"
    else:
        statement = f"{name} is gone" + (f" (to {place})" if place else "")
    document = documents.get(event.doc_id)
    outlet = document.outlet if document else None
    published = document.published if document else None
    return Claim(statement=statement, modality=event.modality, doc_id=event.doc_id, outlet=outlet,
                 evidence=Citation(doc_id=event.doc_id, start=event.evidence.start, end=event.evidence.end,
                                   text=event.evidence.text, outlet=outlet, published=published))
