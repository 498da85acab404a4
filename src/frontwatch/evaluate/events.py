"""Scoring of events, control changes, modality and quotes against gold.

An event matches a gold event when the sub-event type, the place (entity id,
or both none) and the side of actor1 (or both none) agree and the predicted
evidence overlaps the sentence holding the gold evidence. Control changes are
compared per document as a multiset of (place, new controller).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from frontwatch.evaluate.gold import GoldFile, normalise
from frontwatch.evaluate.metrics import PRF, Accuracy
from frontwatch.records import EventRecord, QuoteRecord


def _gold_span(text: str, evidence: str) -> tuple[int, int] | None:
    target = normalise(evidence).strip()
    found = text.find(target)
    if found < 0:
        return None
    return found, found + len(target)


def score_events(gold: GoldFile, text: str, predicted: list[EventRecord], scores: dict[str, PRF],
                 accuracies: dict[str, Accuracy], errors: list[dict[str, Any]]) -> None:
    events = scores.setdefault("events", PRF())
    typed = scores.setdefault("events.sub_event_type", PRF())
    modality = accuracies.setdefault("events.modality", Accuracy())
    attribution = accuracies.setdefault("events.attribution_kind", Accuracy())
    dates = accuracies.setdefault("events.date", Accuracy())
    used: set[int] = set()
    used_typed: set[int] = set()
    for index, entry in enumerate(gold.events):
        span = _gold_span(text, str(entry.get("evidence", "")))
        if span is None:
            errors.append({"kind": "gold_evidence_not_found", "event": index, "file": gold.path.name})
            events.fn += 1
            typed.fn += 1
            continue
        near = [i for i, e in enumerate(predicted) if e.evidence.start < span[1] and span[0] < e.evidence.end]
        keys = {i: _key(predicted[i]) for i in near}
        sub = entry.get("sub_event_type")
        same_type = [i for i in near if predicted[i].sub_event_type == sub and i not in used_typed]
        if same_type:
            typed.tp += 1
            used_typed.add(same_type[0])
        else:
            typed.fn += 1
        place = entry.get("place")
        place = str(place) if place is not None else None
        side = entry.get("actor1_side")
        match = next((i for i in near if i not in used and keys[i] == (sub, place, side)), None)
        if match is None:
            events.fn += 1
            errors.append({"kind": "event_missed", "file": gold.path.name, "sub_event_type": sub, "place": place,
                           "actor1_side": side, "evidence": entry.get("evidence"),
                           "near": ["|".join(str(part) for part in keys[i]) for i in near]})
            continue
        used.add(match)
        events.tp += 1
        event = predicted[match]
        modality.total += 1
        modality.correct += int(event.modality == entry.get("modality", "asserted"))
        if event.modality != entry.get("modality", "asserted"):
            errors.append({"kind": "modality", "file": gold.path.name, "gold": entry.get("modality"),
                           "predicted": event.modality, "evidence": entry.get("evidence")})
        if entry.get("attribution"):
            attribution.total += 1
            kind = entry["attribution"].get("kind")
            attribution.correct += int(event.attribution is not None and event.attribution.kind == kind)
        if entry.get("date"):
            dates.total += 1
            dates.correct += int(bool(event.date) and str(event.date).startswith(str(entry["date"])))
    for i, event in enumerate(predicted):
        if i not in used:
            events.fp += 1
            errors.append({"kind": "event_spurious", "file": gold.path.name, "sub_event_type": event.sub_event_type,
                           "place": event.location.entity_id if event.location else None,
                           "actor1_side": event.actor1.side if event.actor1 else None,
                           "evidence": event.evidence.text[:120]})
        if i not in used_typed:
            typed.fp += 1
    _score_control(gold, predicted, scores.setdefault("control_changes", PRF()), errors)


def _key(event: EventRecord) -> tuple[str, str | None, str | None]:
    """What an event is matched on: sub-event type, place, side of actor1."""
    return (event.sub_event_type, event.location.entity_id if event.location else None,
            event.actor1.side if event.actor1 else None)


def _score_control(gold: GoldFile, predicted: list[EventRecord], control: PRF, errors: list[dict[str, Any]]) -> None:
    expected = Counter((str(e["control_change"]["place"]), e["control_change"].get("new_controller"))
                       for e in gold.events if e.get("control_change"))
    found = Counter((e.control_change.place, e.control_change.new_controller)
                    for e in predicted if e.control_change is not None)
    hits = expected & found
    control.tp += sum(hits.values())
    control.fp += sum((found - expected).values())
    control.fn += sum((expected - found).values())
    for key in (found - expected):
        errors.append({"kind": "control_spurious", "file": gold.path.name, "place": key[0], "new": key[1]})
    for key in (expected - found):
        errors.append({"kind": "control_missed", "file": gold.path.name, "place": key[0], "new": key[1]})


def score_quotes(gold: GoldFile, predicted: list[QuoteRecord], speaker_id: Any, scores: dict[str, PRF]) -> None:
    prf = scores.setdefault("quotes", PRF())
    used: set[int] = set()
    for entry in gold.quotes:
        text = normalise(str(entry.get("text", ""))).strip().strip('"')
        speaker = speaker_id(str(entry.get("speaker"))) if entry.get("speaker") else None
        match = next((i for i, q in enumerate(predicted) if i not in used
                      and (text[:40] in q.text or q.text[:40] in text)
                      and (q.speaker.entity_id if q.speaker else None) == speaker), None)
        if match is None:
            prf.fn += 1
        else:
            used.add(match)
            prf.tp += 1
    prf.fp += len(predicted) - len(used)
