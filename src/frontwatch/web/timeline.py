"""Control over time for the map's slider: the timeline's periods placed on steps.

The steps are the distinct `since` dates of every control period, oldest first, and a
last step, "latest", for everything known. Periods without a date are claims about the
present (docs/fusion.md), so they only show at "latest". At a step, a place is shown with
its newest period whose step is not after it; before its first dated period it is unknown.
"""

from __future__ import annotations

from pydantic import BaseModel

from frontwatch.fuse.incidents import date_interval
from frontwatch.records import ControlPeriod, ControlStatus, Location

LATEST = "latest"


class ReplayPeriod(BaseModel):
    controller: str | None
    status: ControlStatus
    since: str | None
    basis: str
    confidence: float
    contested_by: list[str]
    sources: int  # documents cited
    step: int  # index into Replay.steps from which this period holds


class ReplayPlace(BaseModel):
    place: Location
    periods: list[ReplayPeriod]


class ReplayStep(BaseModel):
    label: str  # a date as the sources give it ("2017-10", "2018") or "latest"
    start: str | None  # its first day (ISO), None for "latest"


class Replay(BaseModel):
    steps: list[ReplayStep]
    places: list[ReplayPlace]


def _start(since: str | None) -> str | None:
    interval = date_interval(since)
    return interval[0].isoformat() if interval else None


def replay(timeline: dict[str, list[ControlPeriod]]) -> Replay:
    """The timeline as steps and per-place periods (see the module docstring)."""
    labels: dict[str, str] = {}  # label -> first day
    for periods in timeline.values():
        for period in periods:
            start = _start(period.since)
            if period.since and start:
                labels.setdefault(period.since, start)
    ordered = sorted(labels, key=lambda label: (labels[label], len(label)))
    steps = [ReplayStep(label=label, start=labels[label]) for label in ordered]
    steps.append(ReplayStep(label=LATEST, start=None))
    index = {label: i for i, label in enumerate(ordered)}
    places = []
    for periods in timeline.values():
        placed = [ReplayPeriod(controller=p.controller, status=p.status, since=p.since, basis=p.basis,
                               confidence=p.confidence, contested_by=p.contested_by,
                               sources=len({c.doc_id for c in p.evidence}),
                               step=index.get(p.since or "", len(ordered)))
                  for p in periods]
        places.append(ReplayPlace(place=periods[-1].place, periods=placed))
    places.sort(key=lambda entry: entry.place.name)
    return Replay(steps=steps, places=places)

