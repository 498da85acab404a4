"""Exports of the fused picture: JSONL, ACLED-style CSV, GeoJSON and PLOVER JSON.

ACLED-style CSV uses ACLED's column names and codes where they apply:
`time_precision` 1 day / 2 week / 3 month or coarser; `geo_precision` 1 town / 2 area
near a town / 3 region (our location precision is defined the same way); `inter1` /
`inter2` actor-type codes from our sides (1 state forces, 2 rebel groups, 4 identity
militias, 7 civilians, 8 external forces; 0 unknown). Columns we cannot fill
(fatalities, admin2/3, ACLED's own actor names) are left empty rather than guessed.
`source` lists the outlets of an incident's sources; `notes` quotes the best evidence.
Near-copies (syndicated wire copy, found at ingest) are shown, never counted: `tags` gives
`copies=N`, GeoJSON `copies`, PLOVER and JSONL sources their `duplicate_of` (the original's id).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from frontwatch.fuse import Picture
from frontwatch.records import IncidentRecord

ACLED_COLUMNS = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
                 "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
                 "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
                 "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
                 "fatalities", "tags", "timestamp"]
TIME_PRECISION = {"day": 1, "week": 2, "month": 3, "year": 3, "unknown": 3}
INTER_CODES = {"government": 1, "opposition": 2, "sdf": 2, "jnim": 2, "isis": 2, "rsf": 2, "houthis": 2,
               "hezbollah": 2, "druze": 4, "civilian": 7, "foreign": 8}
DISORDER = {"Battles": "Political violence", "Explosions/Remote violence": "Political violence",
            "Violence against civilians": "Political violence", "Protests": "Demonstrations",
            "Riots": "Demonstrations", "Strategic developments": "Strategic developments"}
FORMATS = ("jsonl", "acled-csv", "geojson", "plover")


def picture_jsonl(picture: Picture) -> Iterator[str]:
    """Every fused record, one JSON object per line (`record` names the kind)."""
    for record in [*picture.incidents, *picture.situation, *picture.contradictions, *picture.corridors]:
        yield record.model_dump_json()


def _copies(incident: IncidentRecord) -> int:
    """Documents among an incident's sources that are near-copies of another document."""
    return len({s.doc_id for s in incident.sources if s.duplicate_of})


def _inter(side: str | None) -> int:
    return INTER_CODES.get(side or "", 0)


def acled_rows(incidents: Iterable[IncidentRecord]) -> Iterator[dict[str, Any]]:
    """Factual incidents as ACLED-style rows (hypothetical, planned and negated ones are no events)."""
    for incident in incidents:
        if incident.modality not in ("asserted", "reported", "hedged"):
            continue
        location = incident.location
        inter1, inter2 = _inter(incident.actor1.side if incident.actor1 else None), \
            _inter(incident.actor2.side if incident.actor2 else None)
        outlets = sorted({s.outlet for s in incident.sources if s.outlet})
        yield {
            "event_id_cnty": incident.incident_id,
            "event_date": incident.date or "",
            "year": (incident.date or "")[:4],
            "time_precision": TIME_PRECISION[incident.date_precision],
            "disorder_type": DISORDER.get(incident.event_type, ""),
            "event_type": incident.event_type,
            "sub_event_type": incident.sub_event_type,
            "actor1": incident.actor1.name if incident.actor1 else "",
            "assoc_actor_1": "",
            "inter1": inter1,
            "actor2": incident.actor2.name if incident.actor2 else "",
            "assoc_actor_2": "",
            "inter2": inter2 if incident.actor2 else "",
            "interaction": int(f"{min(inter1, inter2)}{max(inter1, inter2)}") if incident.actor2 else inter1 * 10,
            "civilian_targeting": "Civilian targeting" if inter2 == INTER_CODES["civilian"] else "",
            "iso": location.country if location and location.country else "",
            "region": "",
            "country": location.country if location and location.country else "",
            "admin1": location.admin1 if location and location.admin1 else "",
            "admin2": "", "admin3": "",
            "location": location.name if location else "",
            "latitude": location.lat if location and location.lat is not None else "",
            "longitude": location.lon if location and location.lon is not None else "",
            "geo_precision": location.precision if location else "",
            "source": "; ".join(outlets),
            "source_scale": "",
            "notes": incident.evidence.text,
            "fatalities": "",
            "tags": f"modality={incident.modality}; sources={incident.source_count}; "
                    f"independent={incident.independent_sources}; copies={_copies(incident)}",
            "timestamp": "",
        }


def acled_csv(incidents: Iterable[IncidentRecord]) -> Iterator[str]:
    """The CSV text, header first, row by row."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=ACLED_COLUMNS, lineterminator="\n")
    writer.writeheader()
    yield buffer.getvalue()
    for row in acled_rows(incidents):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(row)
        yield buffer.getvalue()


def geojson(picture: Picture) -> dict[str, Any]:
    """A FeatureCollection: one Point per located incident (`kind: incident`) and per place
    with a controller (`kind: control`)."""
    features: list[dict[str, Any]] = []
    for incident in picture.incidents:
        location = incident.location
        if location is None or location.lat is None or location.lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [location.lon, location.lat]},
                         "properties": {"kind": "incident", "incident_id": incident.incident_id,
                                        "sub_event_type": incident.sub_event_type, "event_type": incident.event_type,
                                        "place": location.name, "date": incident.date,
                                        "modality": incident.modality,
                                        "actor1": incident.actor1.name if incident.actor1 else None,
                                        "sources": incident.source_count,
                                        "independent_sources": incident.independent_sources,
                                        "copies": _copies(incident),
                                        "evidence": incident.evidence.text}})
    for period in picture.situation:
        place = period.place
        if place.lat is None or place.lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
                         "properties": {"kind": "control", "place_id": place.entity_id, "place": place.name,
                                        "controller": period.controller, "since": period.since,
                                        "status": period.status, "basis": period.basis,
                                        "contested_by": period.contested_by, "confidence": period.confidence,
                                        "citations": len(period.evidence)}})
    return {"type": "FeatureCollection", "features": features}


def plover_records(incidents: Iterable[IncidentRecord]) -> Iterator[dict[str, Any]]:
    """Incidents as PLOVER events (type, mode, actor, recipient, context, location, sources)."""
    for incident in incidents:
        location = incident.location
        yield {
            "id": incident.incident_id,
            "date": incident.date,
            "event_type": incident.plover.type,
            "mode": incident.plover.mode,
            "actor": {"name": incident.actor1.name, "id": incident.actor1.entity_id, "side": incident.actor1.side}
            if incident.actor1 else None,
            "recipient": {"name": incident.actor2.name, "id": incident.actor2.entity_id, "side": incident.actor2.side}
            if incident.actor2 else None,
            "location": {"name": location.name, "geonames_id": location.geonames_id, "lat": location.lat,
                         "lon": location.lon, "country": location.country, "precision": location.precision}
            if location else None,
            "acled": {"event_type": incident.event_type, "sub_event_type": incident.sub_event_type},
            "modality": incident.modality,
            "sources": [{"doc_id": s.doc_id, "outlet": s.outlet, "evidence": s.evidence.text,
                         "duplicate_of": s.duplicate_of} for s in incident.sources],
        }


def export_lines(picture: Picture, fmt: str) -> Iterator[str]:
    """The export as text chunks, for streaming to a file or stdout."""
    if fmt == "jsonl":
        for line in picture_jsonl(picture):
            yield line + "\n"
    elif fmt == "acled-csv":
        yield from acled_csv(picture.incidents)
    elif fmt == "geojson":
        yield json.dumps(geojson(picture), ensure_ascii=False) + "\n"
    elif fmt == "plover":
        for record in plover_records(picture.incidents):
            yield json.dumps(record, ensure_ascii=False) + "\n"
    else:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
