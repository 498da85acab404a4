"""Plain-text tables of the fused picture for the terminal (`frontwatch situation`, `demo`)."""

from __future__ import annotations

import json
from typing import Any

from frontwatch.export.formats import geojson
from frontwatch.fuse import Picture

SITUATION_FORMATS = ("table", "json", "geojson")


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]
    lines = ["  ".join(str(cell).ljust(width) for cell, width in zip(header, widths, strict=True)).rstrip()]
    lines += ["  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
              for row in rows]
    return lines


def situation_lines(picture: Picture) -> list[str]:
    """Control per place, then corridors and contradictions."""
    rows = [[p.place.name, p.place.country or "", p.controller or "?", p.since or "-",
             p.status + (f" by {', '.join(p.contested_by)}" if p.contested_by else ""), p.basis,
             f"{p.confidence:.2f}", str(len({c.doc_id for c in p.evidence}))] for p in picture.situation]
    as_of = picture.as_of.isoformat() if picture.as_of else "latest reports"
    lines = [f"Control as of {as_of}: {len(picture.situation)} places, {len(picture.incidents)} incidents"]
    lines += _table(["place", "country", "held by", "since", "status", "basis", "confidence", "sources"], rows)
    reported = [c for c in picture.corridors if c.status != "unknown"]
    if reported:
        lines += ["", "Corridors:"] + [f"  {c.status.upper():9} {c.summary}" for c in reported]
    if picture.contradictions:
        lines += ["", "Contradictions:"]
        for found in picture.contradictions:
            claims = " | ".join(f"{c.statement} [{c.modality}, {c.outlet or c.doc_id}]" for c in found.claims)
            lines.append(f"  {found.kind}: {found.subject}: {claims}")
    return lines


def situation_json(picture: Picture) -> dict[str, Any]:
    return {"as_of": picture.as_of.isoformat() if picture.as_of else None,
            "control": [p.model_dump(mode="json") for p in picture.situation],
            "corridors": [c.model_dump(mode="json") for c in picture.corridors],
            "contradictions": [c.model_dump(mode="json") for c in picture.contradictions]}


def format_situation(picture: Picture, fmt: str) -> str:
    if fmt == "table":
        return "\n".join(situation_lines(picture))
    if fmt == "json":
        return json.dumps(situation_json(picture), ensure_ascii=False, indent=1)
    if fmt == "geojson":
        collection = geojson(picture)
        collection["features"] = [f for f in collection["features"] if f["properties"]["kind"] == "control"]
        return json.dumps(collection, ensure_ascii=False)
    raise ValueError(f"unknown --format {fmt!r}; use one of {', '.join(SITUATION_FORMATS)}")
