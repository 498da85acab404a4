"""Records <-> table rows. One function each way per record kind; nothing else here.

Reading back gives records equal to the ones stored (the round-trip property the tests
check): documents, mentions and quotes from their columns, events from their JSON record.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Mapping
from typing import Any

from frontwatch.records import (
    DocumentRecord,
    EventRecord,
    ExcludedSpan,
    MentionRecord,
    QuoteRecord,
    Repair,
    Speaker,
)

# An event that inherits the publication date (precision "week") happened in the week up to it.
WEEK_DAYS = 6


def document_row(document: DocumentRecord) -> dict[str, Any]:
    return {
        "doc_id": document.doc_id,
        "title": document.title,
        "outlet": document.outlet,
        "url": document.url,
        "published": document.published,
        "language": document.language,
        "text_sha256": document.text_sha256,
        "excluded": [span.model_dump(mode="json") for span in document.excluded],
        "repairs": [repair.model_dump(mode="json") for repair in document.repairs],
        "source": document.source,
        "text": document.text,
    }


def document_from_row(row: Mapping[Any, Any]) -> DocumentRecord:
    return DocumentRecord(
        doc_id=row["doc_id"], title=row["title"], outlet=row["outlet"], url=row["url"],
        published=row["published"], language=row["language"], text_sha256=row["text_sha256"],
        excluded=[ExcludedSpan.model_validate(span) for span in row["excluded"]],
        repairs=[Repair.model_validate(repair) for repair in row["repairs"]],
        source=row["source"], text=row["text"],
    )


_MENTION_FIELDS = ("surface", "entity_type", "entity_id", "name", "link", "geonames_id", "lat", "lon",
                   "country", "admin1", "feature", "wikidata", "side", "aliases_matched")


def mention_row(mention: MentionRecord, ordinal: int) -> dict[str, Any]:
    row = {field: getattr(mention, field) for field in _MENTION_FIELDS}
    row.update(ordinal=ordinal, span_start=mention.start, span_end=mention.end)
    return row


def mention_from_row(row: Mapping[Any, Any], doc_id: str) -> MentionRecord:
    fields = {field: row[field] for field in _MENTION_FIELDS}
    return MentionRecord(doc_id=doc_id, start=row["span_start"], end=row["span_end"], **fields)


def event_row(event: EventRecord, ordinal: int) -> dict[str, Any]:
    location, attribution, control = event.location, event.attribution, event.control_change
    date_start, date_end = date_range(event.date, event.date_precision)
    return {
        "ordinal": ordinal,
        "event_id": event.event_id,
        "event_type": event.event_type,
        "sub_event_type": event.sub_event_type,
        "plover_type": event.plover.type,
        "plover_mode": event.plover.mode,
        "actor1_id": event.actor1.entity_id if event.actor1 else None,
        "actor1_side": event.actor1.side if event.actor1 else None,
        "actor2_id": event.actor2.entity_id if event.actor2 else None,
        "actor2_side": event.actor2.side if event.actor2 else None,
        "place_id": location.entity_id if location else None,
        "geonames_id": location.geonames_id if location else None,
        "lat": location.lat if location else None,
        "lon": location.lon if location else None,
        "country": location.country if location else None,
        "admin1": location.admin1 if location else None,
        "location_precision": location.precision if location else None,
        "date": event.date,
        "date_precision": event.date_precision,
        "date_start": date_start,
        "date_end": date_end,
        "modality": event.modality,
        "attribution_kind": attribution.kind if attribution else None,
        "attribution_source": attribution.source if attribution else None,
        "control_place": control.place if control else None,
        "new_controller": control.new_controller if control else None,
        "previous_controller": control.previous_controller if control else None,
        "evidence_start": event.evidence.start,
        "evidence_end": event.evidence.end,
        "confidence": event.confidence,
        "record": event.model_dump(mode="json"),
    }


def event_from_row(row: Mapping[Any, Any]) -> EventRecord:
    return EventRecord.model_validate(row["record"])


def quote_row(quote: QuoteRecord, ordinal: int) -> dict[str, Any]:
    return {
        "ordinal": ordinal,
        "speaker_id": quote.speaker.entity_id if quote.speaker else None,
        "speaker_name": quote.speaker.name if quote.speaker else None,
        "affiliation": quote.affiliation,
        "via": quote.via,
        "text": quote.text,
        "span_start": quote.start,
        "span_end": quote.end,
    }


def quote_from_row(row: Mapping[Any, Any], doc_id: str) -> QuoteRecord:
    speaker = None
    if row["speaker_id"] is not None:
        speaker = Speaker(entity_id=row["speaker_id"], name=row["speaker_name"])
    return QuoteRecord(doc_id=doc_id, speaker=speaker, affiliation=row["affiliation"], via=row["via"],
                       text=row["text"], start=row["span_start"], end=row["span_end"])


def date_range(value: str | None, precision: str) -> tuple[datetime.date | None, datetime.date | None]:
    """The first and last day an event date may mean: "2018" is all of 2018, "2017-10" all of
    October, a day is itself, a publication date inherited with precision "week" the week up to it.
    None for no date or one that does not parse."""
    if not value:
        return None, None
    try:
        parts = [int(part) for part in value.split("-")]
        if not 1 < parts[0] < 9999:
            return None, None  # the calendar's edge years: no room for slack (see fuse date_interval)
        if len(parts) == 1:
            return datetime.date(parts[0], 1, 1), datetime.date(parts[0], 12, 31)
        if len(parts) == 2:
            last = calendar.monthrange(parts[0], parts[1])[1]
            return datetime.date(parts[0], parts[1], 1), datetime.date(parts[0], parts[1], last)
        day = datetime.date(parts[0], parts[1], parts[2])
    except (ValueError, IndexError):
        return None, None
    if precision == "week":
        return day - datetime.timedelta(days=WEEK_DAYS), day
    return day, day
