"""The fused state in the database: reading and writing incidents (with their member events),
control per place, contradictions and the watermark. SQLAlchemy Core, one code path for
SQLite and PostgreSQL; the tables are in `store/schema.py`.

Every function takes the caller's connection: `incremental.fuse` runs one batch of documents
in one write transaction.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, delete, func, insert, or_, select, union_all

from frontwatch.fuse.incidents import REGION_KM
from frontwatch.fuse.members import Cluster, Member, SortKey
from frontwatch.records import ContradictionRecord, ControlPeriod, EventRecord, IncidentRecord
from frontwatch.store.schema import (
    FUSED_TABLES,
    control_periods,
    control_places,
    documents,
    events,
    fused_contradictions,
    fused_documents,
    fused_events,
    fused_incidents,
    fused_settings,
)

# Spans (month- or year-precision dates) are at most a year long: a bound for the index range.
MAX_SPAN_DAYS = 366
DATE_SLACK = timedelta(days=1)  # incidents.DATE_SLACK_DAYS
KM_PER_DEGREE = 111.0
# Candidate incidents are looked up by grid cell: a cell is a bit wider than REGION_KM, so a
# 150 km neighbourhood spans a few cells.
CELL_DEGREES = 1.5
LON_CELLS = 240  # 360 / CELL_DEGREES
NO_COORDINATES = -1
NO_PLACE = -2


def key_of(value: Any) -> SortKey:
    return tuple(value)  # type: ignore[return-value]


# ---------------------------------------------------------------- watermark


@dataclass(frozen=True)
class PendingDocument:
    """A stored document whose current version is not fused yet."""

    id: int
    doc_id: str
    outlet: str | None
    published: str | None
    url: str | None
    stored_at: datetime.datetime
    duplicate_of: str | None
    original_stored_at: datetime.datetime | None  # its original's version, when it is a near-copy


_original = documents.alias("original")
_DOCUMENT_COLUMNS = (documents.c.id, documents.c.doc_id, documents.c.outlet, documents.c.published, documents.c.url,
                     documents.c.stored_at, documents.c.duplicate_of, _original.c.stored_at.label("original_stored_at"))
_DOCUMENTS = documents.outerjoin(_original, _original.c.doc_id == documents.c.duplicate_of) \
    .outerjoin(fused_documents, fused_documents.c.document_id == documents.c.id)
# Not fused; replaced since (`stored_at` differs); made a near-copy of another document, or no
# longer one (its reports count for another origin now); or its original was replaced or
# removed (its outlet and tier are the copy's).
_PENDING = or_(fused_documents.c.document_id.is_(None), fused_documents.c.stored_at != documents.c.stored_at,
               fused_documents.c.duplicate_of.is_distinct_from(documents.c.duplicate_of),
               fused_documents.c.original_stored_at.is_distinct_from(_original.c.stored_at))


def pending_documents(connection: Connection, limit: int) -> list[PendingDocument]:
    """Documents never fused, replaced since (their `stored_at` differs from the fused one) or
    whose near-copy link or original changed, in publication order, so that a batch mostly
    extends the fusion order at its end."""
    query = (select(*_DOCUMENT_COLUMNS).select_from(_DOCUMENTS).where(_PENDING)
             .order_by(func.coalesce(documents.c.published, ""), documents.c.doc_id).limit(limit))
    return [PendingDocument(**row._mapping) for row in connection.execute(query)]


def original_documents(connection: Connection, doc_ids: Collection[str]) -> tuple[dict[str, str], dict[str, Any]]:
    """For these documents: {copy: original} of those that are near-copies now, and the stored
    originals' (outlet, published, url) by doc_id (`build_picture`'s `originals` and `documents`)."""
    copies: dict[str, str] = {}
    ids = sorted(doc_ids)
    for start in range(0, len(ids), 1000):
        query = select(documents.c.doc_id, documents.c.duplicate_of).where(
            documents.c.doc_id.in_(ids[start:start + 1000]), documents.c.duplicate_of.is_not(None))
        copies.update({row.doc_id: row.duplicate_of for row in connection.execute(query)})
    found: dict[str, Any] = {}
    wanted = sorted(set(copies.values()))
    for start in range(0, len(wanted), 1000):
        query = select(documents.c.doc_id, documents.c.outlet, documents.c.published, documents.c.url).where(
            documents.c.doc_id.in_(wanted[start:start + 1000]))
        found.update({row.doc_id: row for row in connection.execute(query)})
    return copies, found


def read_setting(connection: Connection, name: str) -> str | None:
    return connection.execute(select(fused_settings.c.value).where(fused_settings.c.name == name)).scalar_one_or_none()


def write_setting(connection: Connection, name: str, value: str) -> None:
    connection.execute(delete(fused_settings).where(fused_settings.c.name == name))
    connection.execute(insert(fused_settings).values(name=name, value=value))


def any_fused(connection: Connection) -> bool:
    return connection.execute(select(fused_documents.c.document_id).limit(1)).first() is not None


def vanished_documents(connection: Connection) -> list[int]:
    """Fused documents that are no longer stored."""
    query = (select(fused_documents.c.document_id)
             .outerjoin(documents, documents.c.id == fused_documents.c.document_id)
             .where(documents.c.id.is_(None)))
    return [int(row[0]) for row in connection.execute(query)]


def pending_count(connection: Connection) -> int:
    query = select(func.count()).select_from(_DOCUMENTS).where(_PENDING)
    return int(connection.execute(query).scalar_one()) + len(vanished_documents(connection))


def mark_fused(connection: Connection, fused: list[PendingDocument], vanished: list[int]) -> None:
    ids = [d.id for d in fused] + vanished
    if ids:
        connection.execute(delete(fused_documents).where(fused_documents.c.document_id.in_(ids)))
    if fused:
        now = datetime.datetime.now(datetime.UTC)
        connection.execute(insert(fused_documents), [
            {"document_id": d.id, "doc_id": d.doc_id, "stored_at": d.stored_at, "duplicate_of": d.duplicate_of,
             "original_stored_at": d.original_stored_at, "fused_at": now} for d in fused])


def clear(connection: Connection) -> None:
    """Forget the fused state (for a rebuild)."""
    for table in FUSED_TABLES:
        connection.execute(delete(table))


def new_members(connection: Connection, pending: list[PendingDocument]) -> list[Member]:
    """The events of the documents about to be fused, as members."""
    by_id = {d.id: d for d in pending}
    query = (select(events.c.document_id, events.c.ordinal, events.c.record)
             .where(events.c.document_id.in_(list(by_id))).order_by(events.c.document_id, events.c.ordinal))
    found = []
    for row in connection.execute(query):
        document = by_id[row.document_id]
        found.append(Member(EventRecord.model_validate(row.record), row.document_id, row.ordinal,
                            document.outlet, document.published, document.url))
    return found


# ---------------------------------------------------------------- incidents


class IncidentStore:
    """Loads stored incidents with their members, once per transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.loaded: dict[int, Cluster] = {}

    def clusters(self, rows: Collection[int]) -> list[Cluster]:
        missing = [row for row in rows if row not in self.loaded]
        if missing:
            self._load(missing)
        return [self.loaded[row] for row in rows]

    def _load(self, rows: list[int]) -> None:
        for found in self.connection.execute(select(fused_incidents).where(fused_incidents.c.id.in_(rows))):
            self.loaded[found.id] = Cluster(
                row=found.id, record=IncidentRecord.model_validate(found.record),
                control_place_id=found.control_place_id,
                region=(found.place_country, found.place_admin1, found.place_feature))
        query = (select(fused_events.c.id, fused_events.c.incident_row, fused_events.c.document_id,
                        fused_events.c.ordinal, fused_events.c.outlet, fused_events.c.published, fused_events.c.url,
                        fused_events.c.record)
                 .where(fused_events.c.incident_row.in_(rows)))
        for member in self.connection.execute(query):
            self.loaded[member.incident_row].members.append(Member(
                EventRecord.model_validate(member.record), member.document_id, member.ordinal, member.outlet,
                member.published, member.url, row=member.id, incident_row=member.incident_row))
        for row in rows:
            self.loaded[row].members.sort(key=lambda m: m.key)

    def rows_of_documents(self, document_ids: Collection[int]) -> set[int]:
        """The incidents holding events of these documents (as fused)."""
        query = select(fused_events.c.incident_row).where(fused_events.c.document_id.in_(list(document_ids)))
        return {int(row[0]) for row in self.connection.execute(query)}

    def candidate_rows(self, probes: Iterable[Member]) -> set[int]:
        """Stored incidents with an event that may fuse with one of `probes`: same family and
        modality class, a place in the grid cells within `REGION_KM` (or the same place when it
        has no coordinates, or none and the same actor1), a date within the slack. A superset;
        `events_compatible` decides. Probes are looked up together, one statement per family,
        kind of place and week of dates."""
        groups: dict[tuple[str, str, str, int | None], dict[str, Any]] = {}
        for member in probes:
            values: list[Any]
            location = member.event.location
            if location is None:
                if member.event.actor1 is None:
                    continue
                where, values = "none", [member.event.actor1.entity_id]
            elif location.lat is None or location.lon is None:
                where, values = "coordinates", [location.entity_id]
            else:
                where, values = "cells", near_cells(location.lat, location.lon)
            kind, first, last = member.date_bounds()
            week = None if first is None else first.toordinal() // 7
            group = groups.setdefault((member.family, member.modality_class, where, week), {
                "family": member.family, "modality_class": member.modality_class, "keys": set()})
            group["keys"].update(values)
            if first is not None and last is not None:
                group["day_from"] = min(group.get("day_from", first - DATE_SLACK), first - DATE_SLACK)
                group["day_to"] = max(group.get("day_to", last + DATE_SLACK), last + DATE_SLACK)
        found: set[int] = set()
        for (_, _, where, week), group in groups.items():
            group["keys"] = sorted(group["keys"])
            if week is None:
                statement = _UNDATED_CANDIDATES[where]
            else:
                statement = _DATED_CANDIDATES[where]
                group["span_from"] = group["day_from"] - timedelta(days=MAX_SPAN_DAYS)
            found.update(int(row[0]) for row in self.connection.execute(statement, group))
        return found

    def delete(self, rows: Collection[int]) -> None:
        if rows:
            self.connection.execute(delete(fused_events).where(fused_events.c.incident_row.in_(list(rows))))
            self.connection.execute(delete(fused_incidents).where(fused_incidents.c.id.in_(list(rows))))
        for row in rows:
            self.loaded.pop(row, None)

    def insert(self, clusters: list[Cluster]) -> None:
        """Store clusters as new incident rows (their records and control places set)."""
        if not clusters:
            return
        incident_rows = []
        for cluster in clusters:
            assert cluster.record is not None
            country, admin1, feature = cluster.region
            incident_rows.append({
                "incident_id": cluster.record.incident_id, "sort_key": list(cluster.first_key),
                "control_place_id": cluster.control_place_id, "place_country": country, "place_admin1": admin1,
                "place_feature": feature, "record": cluster.record.model_dump(mode="json")})
        statement = insert(fused_incidents).returning(fused_incidents.c.id, sort_by_parameter_order=True)
        ids = [int(row[0]) for row in self.connection.execute(statement, incident_rows)]
        member_rows = []
        for cluster, row_id in zip(clusters, ids, strict=True):
            cluster.row = row_id
            for member in cluster.members:
                member.incident_row = row_id
                member_rows.append(_member_row(member, row_id))
        self.connection.execute(insert(fused_events), member_rows)

    def incidents_of_places(self, place_ids: Collection[str]) -> dict[str, list[tuple[SortKey, IncidentRecord]]]:
        """The incidents each place is control evidence about, in fusion order."""
        found: dict[str, list[tuple[SortKey, IncidentRecord]]] = {}
        query = select(fused_incidents.c.control_place_id, fused_incidents.c.sort_key, fused_incidents.c.record).where(
            fused_incidents.c.control_place_id.in_(bindparam("places", expanding=True)))
        for row in self.connection.execute(query, {"places": sorted(place_ids)}):
            found.setdefault(row.control_place_id, []).append(
                (key_of(row.sort_key), IncidentRecord.model_validate(row.record)))
        for incidents in found.values():
            incidents.sort(key=lambda item: item[0])
        return found

    def region_incidents(self, country: str, admin1: str) -> list[tuple[SortKey, IncidentRecord]]:
        """The incidents about a region itself (an ADM1 place): their transfers hold for its towns."""
        query = select(fused_incidents.c.sort_key, fused_incidents.c.record).where(
            fused_incidents.c.place_country == country, fused_incidents.c.place_admin1 == admin1,
            fused_incidents.c.place_feature == "ADM1")
        return [(key_of(row.sort_key), IncidentRecord.model_validate(row.record))
                for row in self.connection.execute(query)]

    def places_in_region(self, country: str, admin1: str) -> set[str]:
        query = select(fused_incidents.c.control_place_id).distinct().where(
            fused_incidents.c.place_country == country, fused_incidents.c.place_admin1 == admin1,
            fused_incidents.c.control_place_id.is_not(None))
        return {str(row[0]) for row in self.connection.execute(query)}

    def members_of_actor(self, actor_id: str) -> list[Member]:
        query = (select(fused_events.c.id, fused_events.c.incident_row, fused_events.c.document_id,
                        fused_events.c.ordinal, fused_events.c.outlet, fused_events.c.published, fused_events.c.url,
                        fused_events.c.record)
                 .where(fused_events.c.actor1_id == actor_id))
        return [Member(EventRecord.model_validate(row.record), row.document_id, row.ordinal, row.outlet, row.published,
                       row.url, row=row.id, incident_row=row.incident_row) for row in self.connection.execute(query)]


# The candidate look-ups, built once (building a statement costs more than running it).
_E = fused_events.c
_PLACE_CONDITIONS = {
    "cells": _E.cell.in_(bindparam("keys", expanding=True)),
    "coordinates": and_(_E.cell == NO_COORDINATES, _E.place_id.in_(bindparam("keys", expanding=True))),
    "none": and_(_E.cell == NO_PLACE, _E.actor1_id.in_(bindparam("keys", expanding=True))),
}


def _candidates(place: Any, *where: Any) -> Any:
    return select(_E.incident_row).where(_E.family == bindparam("family"),
                                         _E.modality_class == bindparam("modality_class"), place, *where)


_UNDATED_CANDIDATES = {name: _candidates(place) for name, place in _PLACE_CONDITIONS.items()}
_DATED_CANDIDATES = {name: union_all(
    _candidates(place, _E.date_kind == "none"),
    _candidates(place, _E.date_kind == "day", _E.date_start.between(bindparam("day_from"), bindparam("day_to"))),
    _candidates(place, _E.date_kind == "span", _E.date_start.between(bindparam("span_from"), bindparam("day_to")),
                _E.date_end >= bindparam("day_from")),
) for name, place in _PLACE_CONDITIONS.items()}


def _member_row(member: Member, incident_row: int) -> dict[str, Any]:
    kind, first, last = member.date_bounds()
    location, actor1 = member.event.location, member.event.actor1
    if location is None:
        cell = NO_PLACE
    elif location.lat is None or location.lon is None:
        cell = NO_COORDINATES
    else:
        cell = cell_of(location.lat, location.lon)
    return {"incident_row": incident_row, "document_id": member.document_id, "ordinal": member.ordinal,
            "family": member.family, "modality_class": member.modality_class, "date_kind": kind,
            "date_start": first, "date_end": last, "place_id": location.entity_id if location else None,
            "lat": location.lat if location else None, "lon": location.lon if location else None, "cell": cell,
            "actor1_id": actor1.entity_id if actor1 else None, "outlet": member.outlet, "url": member.url,
            "published": member.published, "sort_key": list(member.key),
            "record": member.event.model_dump(mode="json")}


def cell_of(lat: float, lon: float) -> int:
    """The grid cell (`CELL_DEGREES` square) a point is in."""
    return int((lat + 90.0) // CELL_DEGREES) * 1000 + int((lon + 180.0) // CELL_DEGREES) % LON_CELLS


def near_cells(lat: float, lon: float) -> list[int]:
    """The cells of every point within `REGION_KM` of (lat, lon): a box around it, wider in
    longitude towards the poles, wrapping at 180 degrees."""
    degrees = REGION_KM / KM_PER_DEGREE + 0.1
    longitude = min(degrees / max(math.cos(math.radians(min(abs(lat) + degrees, 89.0))), 0.01), 180.0)
    rows = range(int((max(lat - degrees, -90.0) + 90.0) // CELL_DEGREES),
                 int((min(lat + degrees, 90.0) + 90.0) // CELL_DEGREES) + 1)
    columns = {int(c) % LON_CELLS for c in range(int((lon - longitude + 180.0) // CELL_DEGREES),
                                                 int((lon + longitude + 180.0) // CELL_DEGREES) + 1)}
    return sorted(row * 1000 + column for row in rows for column in columns)


# ---------------------------------------------------------------- control and contradictions


@dataclass
class StoredPeriod:
    period: ControlPeriod
    strength: float
    newest: date | None


@dataclass
class PlaceControl:
    """A place's recomputed control: its periods and its control contradiction, if any."""

    place_id: str
    sort_key: SortKey
    place: Any
    latest: date | None
    periods: list[StoredPeriod]
    contradiction: ContradictionRecord | None


def write_places(connection: Connection, place_ids: Collection[str], computed: list[PlaceControl]) -> None:
    """Replace the control periods and control contradictions of `place_ids` with `computed`
    (a place left out has no evidence any more)."""
    ids = sorted(place_ids)
    connection.execute(delete(control_periods).where(control_periods.c.place_id.in_(ids)))
    connection.execute(delete(control_places).where(control_places.c.place_id.in_(ids)))
    connection.execute(delete(fused_contradictions).where(fused_contradictions.c.kind == "control",
                                                          fused_contradictions.c.subject_id.in_(ids)))
    if not computed:
        return
    connection.execute(insert(control_places), [
        {"place_id": c.place_id, "sort_key": list(c.sort_key), "country": c.place.country, "admin1": c.place.admin1,
         "feature": c.place.feature, "latest_claim": c.latest} for c in computed])
    periods = [{"place_id": c.place_id, "ordinal": number, "controller": p.period.controller, "since": p.period.since,
                "basis": p.period.basis, "strength": p.strength, "newest": p.newest,
                "record": p.period.model_dump(mode="json")} for c in computed for number, p in enumerate(c.periods)]
    if periods:
        connection.execute(insert(control_periods), periods)
    contradictions = [{"kind": "control", "subject_id": c.place_id, "sort_key": [0, *c.sort_key],
                       "record": c.contradiction.model_dump(mode="json")} for c in computed if c.contradiction]
    if contradictions:
        connection.execute(insert(fused_contradictions), contradictions)


def write_contradiction(connection: Connection, kind: str, subject_id: str, sort_key: tuple[Any, ...] | None,
                        found: ContradictionRecord | None) -> None:
    connection.execute(delete(fused_contradictions).where(fused_contradictions.c.kind == kind,
                                                          fused_contradictions.c.subject_id == subject_id))
    if found is not None and sort_key is not None:
        connection.execute(insert(fused_contradictions).values(
            kind=kind, subject_id=subject_id, sort_key=list(sort_key), record=found.model_dump(mode="json")))


# ---------------------------------------------------------------- reading


def read_incidents(connection: Connection) -> list[IncidentRecord]:
    """Every fused incident, in fusion order."""
    found = [(key_of(row.sort_key), row.record) for row in connection.execute(
        select(fused_incidents.c.sort_key, fused_incidents.c.record), execution_options={"yield_per": 1000})]
    found.sort(key=lambda item: item[0])
    return [IncidentRecord.model_validate(record) for _, record in found]


def latest_claim(connection: Connection) -> date | None:
    value = connection.execute(select(func.max(control_places.c.latest_claim))).scalar_one()
    return value if isinstance(value, date) else None


def read_periods(connection: Connection) -> Iterator[tuple[str, list[StoredPeriod]]]:
    """Each place's stored periods (unaged), places in timeline order."""
    places = sorted((key_of(row.sort_key), row.place_id) for row in
                    connection.execute(select(control_places.c.sort_key, control_places.c.place_id)))
    by_place: dict[str, list[StoredPeriod]] = {}
    query = select(control_periods).order_by(control_periods.c.place_id, control_periods.c.ordinal)
    for row in connection.execute(query, execution_options={"yield_per": 1000}):
        by_place.setdefault(row.place_id, []).append(
            StoredPeriod(ControlPeriod.model_validate(row.record), row.strength, row.newest))
    for _, place_id in places:
        yield place_id, by_place.get(place_id, [])


def read_contradictions(connection: Connection) -> list[ContradictionRecord]:
    found = [(row.sort_key, row.record) for row in
             connection.execute(select(fused_contradictions.c.sort_key, fused_contradictions.c.record))]
    found.sort(key=lambda item: tuple(item[0]))
    return [ContradictionRecord.model_validate(record) for _, record in found]
