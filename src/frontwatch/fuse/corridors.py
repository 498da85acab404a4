"""Corridors: the main roads and border crossings of a theatre (curated, editable YAML
under `data/corridors/`, plus the user's `--kb DIR/corridors/`), and whether each is
open, cut or contested for the side it serves.

A corridor is a list of waypoints (places). Against the control situation:

* `cut`: a waypoint is held by another side ("the land route from Iraq through
  al-Bu Kamal is cut": the SDF holds al-Bu Kamal);
* `contested`: no waypoint is lost, but one is fought over or besieged;
* `open`: every waypoint is held by the side the corridor serves;
* `unknown`: no evidence about some waypoints and none of the above.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from frontwatch.errors import KBError
from frontwatch.fuse.control import ControlBuilder
from frontwatch.kb.index import KnowledgeBase
from frontwatch.kb.loading import DATA_DIR, load_yaml, require
from frontwatch.records import Citation, CorridorBreak, CorridorRecord, Location

MAX_CITATIONS_PER_PLACE = 2


@dataclass(frozen=True)
class Corridor:
    corridor_id: str
    name: str
    kind: str
    serves: str
    waypoints: tuple[str, ...]


def corridor_files(extra_dirs: list[Path] | None = None) -> list[Path]:
    files: list[Path] = []
    for base in [DATA_DIR, *(extra_dirs or [])]:
        files.extend(sorted((base / "corridors").glob("*.yaml")))
    return files


def load_corridors(paths: list[Path], kb: KnowledgeBase | None = None) -> list[Corridor]:
    """Corridors from YAML files; with a KB, every waypoint must be a known place."""
    corridors: list[Corridor] = []
    for path in paths:
        entries = load_yaml(path).get("corridors") or []
        if not isinstance(entries, list):
            raise KBError(str(path), "corridors", "expected a list of corridors")
        for number, entry in enumerate(entries, 1):
            where = f"corridor {number}"
            if not isinstance(entry, dict):
                raise KBError(str(path), where, "expected a mapping with id, name and waypoints")
            corridor_id = str(require(path, where, entry, "id", str))
            waypoints = require(path, f"corridor {corridor_id}", entry, "waypoints", list)
            if len(waypoints) < 2:
                raise KBError(str(path), f"corridor {corridor_id}", "needs at least two waypoints")
            for waypoint in waypoints:
                if kb is not None and kb.place_by_id(str(waypoint)) is None:
                    raise KBError(str(path), f"corridor {corridor_id}",
                                  f"waypoint {waypoint!r} is not a known place id (GeoNames id or curated id)")
            corridors.append(Corridor(corridor_id, str(require(path, where, entry, "name", str)),
                                      str(entry.get("kind", "road")), str(entry.get("serves", "government")),
                                      tuple(str(w) for w in waypoints)))
    return corridors


def _location(kb: KnowledgeBase, entity_id: str) -> Location:
    place = kb.place_by_id(entity_id)
    if place is None:
        return Location(entity_id=entity_id, name=entity_id)
    return Location(entity_id=place.entity_id, name=place.name, geonames_id=place.geonames_id, lat=place.lat,
                    lon=place.lon, country=place.country or None, admin1=place.admin1, feature=place.feature,
                    precision=place.precision)  # type: ignore[arg-type]


def corridor_status(corridors: list[Corridor], builder: ControlBuilder, kb: KnowledgeBase,
                    as_of: date | None = None) -> list[CorridorRecord]:
    """Each corridor's status as of a date (module docstring)."""
    records: list[CorridorRecord] = []
    for corridor in corridors:
        breaks: list[CorridorBreak] = []
        contested: list[CorridorBreak] = []
        evidence: list[Citation] = []
        known = 0
        for waypoint in corridor.waypoints:
            location = _location(kb, waypoint)
            periods = builder.periods_of(location, as_of)
            if not periods:
                continue
            known += 1
            current = periods[-1]
            item = CorridorBreak(place=location, held_by=current.controller, status=current.status)
            if current.controller != corridor.serves:
                breaks.append(item)
            elif current.status != "held":
                contested.append(item)
            else:
                continue
            evidence.extend(current.evidence[:MAX_CITATIONS_PER_PLACE])
        status: Literal["open", "cut", "contested", "unknown"]
        if breaks:
            status = "cut"
            summary = f"{corridor.name}: cut at " + ", ".join(
                f"{b.place.name} (held by {b.held_by})" for b in breaks)
        elif contested:
            status = "contested"
            summary = f"{corridor.name}: contested at " + ", ".join(
                f"{b.place.name} ({b.status})" for b in contested)
        elif known == len(corridor.waypoints):
            status, summary = "open", f"{corridor.name}: open"
        else:
            status, summary = "unknown", f"{corridor.name}: no reports on {len(corridor.waypoints) - known} waypoint(s)"
        records.append(CorridorRecord(corridor_id=corridor.corridor_id, name=corridor.name, serves=corridor.serves,
                                      status=status, summary=summary, breaks=breaks + contested, evidence=evidence))
    return records
