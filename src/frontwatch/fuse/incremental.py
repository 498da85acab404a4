"""Incremental fusion: fold newly stored (or replaced, or removed) documents into the fused
state in the database, so that it stays equal to a fusion of every stored document from
scratch (`build_picture` over `iter_events`), at a cost that grows with the new documents.

Incidents. `fuse_incidents` is greedy in fusion order: each event joins the first incident
(in creation order) whose every member it is compatible with. An event's choice depends only
on earlier events it is compatible with and on the incidents they are in. So with `p` the
fusion-order position of the first new or removed event, everything before `p` stays as it
is, and the events from `p` on that can decide differently are found by closure over the
stored incidents (selected by index: type family, modality class, date window, nearby place):

* incidents holding a removed event are *touched*;
* an incident with an event from `p` on that is compatible with a new event, a removed
  event, or any event of a touched incident, is touched too (repeat until nothing changes).

The new events and the touched incidents' events from `p` on are then replayed in fusion
order against the touched incidents' parts before `p` and the untouched incidents they may
join (all their events before `p`). Every other incident keeps its row. Fusing newly
published articles puts `p` near the end of the order, so little is replayed; a backfill of
old articles replays what it can reach.

Control and contradictions are recomputed for what the changed incidents touch: the places
they are evidence about (with every town of a region when the region's control changed),
and the people whose whereabouts events came or went.

Near-copies and sources. An incident's record depends on more than its events: a near-copy
reports for its original (origin, outlet tier) and every outlet is weighed by the source
registry. `fused_documents` records, beside the version fused, the document's near-copy link
and its original's version; a document whose link changed (it became a copy, or an
earlier-published copy became its cluster's original) or whose original was replaced or
removed is pending like a replaced one: its events are taken out and folded in again, and the
incidents they are in get their records anew. The registry fused with is recorded
(`fused_settings`); fusing with another one rebuilds the state.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection

from frontwatch.fuse.contradictions import place_contradiction, whereabouts_contradictions, whereabouts_stance
from frontwatch.fuse.control import ControlBuilder, latest_claim
from frontwatch.fuse.members import Cluster, DocumentFacts, Member, SortKey
from frontwatch.fuse.sources import SourceRegistry, default_sources
from frontwatch.fuse.state import (
    IncidentStore,
    PlaceControl,
    StoredPeriod,
    any_fused,
    cell_of,
    clear,
    mark_fused,
    near_cells,
    new_members,
    original_documents,
    pending_documents,
    read_setting,
    vanished_documents,
    write_contradiction,
    write_places,
    write_setting,
)
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import IncidentRecord, Location
from frontwatch.store.db import Database

# Documents fused per transaction: a kill loses at most one batch's work (it is redone).
BATCH_DOCUMENTS = 1000
# Arbitrary constant: the PostgreSQL advisory lock that lets one fuser write at a time.
_FUSE_LOCK = 0x66776675  # "fwfu"
# fused_settings: the digest of the source registry the state was fused with.
SOURCES_SETTING = "sources"


@dataclass
class FuseSummary:
    documents: int = 0         # documents fused (new or new versions)
    removed: int = 0           # fused documents no longer stored
    events: int = 0
    incidents_written: int = 0
    places_updated: int = 0
    batches: int = 0
    seconds: float = 0.0
    rebuilt: bool = False      # the state was forgotten and fused again (--rebuild, or another registry)

    def line(self) -> str:
        return (f"{'rebuilt: ' if self.rebuilt else ''}fused {self.documents} documents ({self.events} events) "
                f"in {self.batches} batches, "
                f"{self.removed} removed; {self.incidents_written} incidents and {self.places_updated} places "
                f"written in {self.seconds:.1f} s")


def fuse(database: Database, kb: KnowledgeBase, *, rebuild: bool = False, batch_documents: int = BATCH_DOCUMENTS,
         sources: SourceRegistry | None = None, on_batch: Callable[[FuseSummary], None] | None = None,
         max_batches: int | None = None) -> FuseSummary:
    """Bring the fused state up to date with the stored documents, one transaction per batch
    of documents (a run killed half-way leaves the state of the batches it committed, which is
    the exact fusion of the documents marked fused; running again does the rest).

    `rebuild` forgets the fused state and fuses everything again, in one transaction (readers
    keep seeing the old state until it commits; a killed rebuild leaves the old state). A state
    fused with another source registry than `sources` (default: the shipped one with
    FRONTWATCH_SOURCES laid over it) is rebuilt so."""
    registry = sources if sources is not None else default_sources()
    digest = registry.digest()
    summary = FuseSummary()
    started = time.perf_counter()
    while True:
        with database.write() as connection:
            _lock(database, connection)
            fused_with = read_setting(connection, SOURCES_SETTING)
            if rebuild or (fused_with != digest and (fused_with is not None or any_fused(connection))):
                clear(connection)
                write_setting(connection, SOURCES_SETTING, digest)
                summary.rebuilt = True
                while _fuse_batch(connection, kb, registry, batch_documents, summary):
                    if on_batch is not None:
                        on_batch(summary)
                break
            if fused_with is None:
                write_setting(connection, SOURCES_SETTING, digest)
            if not _fuse_batch(connection, kb, registry, batch_documents, summary):
                break
        if on_batch is not None:
            on_batch(summary)
        if max_batches is not None and summary.batches >= max_batches:
            break  # a reader's fuse: what was pending when it looked, not what an ingest adds meanwhile
    summary.seconds = time.perf_counter() - started
    return summary


def _lock(database: Database, connection: Connection) -> None:
    # SQLite: the write transaction began IMMEDIATE and holds the only write lock already.
    if database.backend == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_FUSE_LOCK})")


def _fuse_batch(connection: Connection, kb: KnowledgeBase, registry: SourceRegistry, limit: int,
                summary: FuseSummary) -> bool:
    """Fuse up to `limit` pending documents (and forget vanished ones); False when none was pending."""
    pending = pending_documents(connection, limit)
    vanished = vanished_documents(connection)
    if not pending and not vanished:
        return False
    folder = _Folder(connection, kb, registry)
    added = new_members(connection, pending)
    folder.fold(added, [d.id for d in pending] + vanished)
    mark_fused(connection, pending, vanished)
    summary.documents += len(pending)
    summary.removed += len(vanished)
    summary.events += len(added)
    summary.incidents_written += folder.incidents_written
    summary.places_updated += folder.places_updated
    summary.batches += 1
    return True


def fuse_pending(database: Database, kb: KnowledgeBase, sources: SourceRegistry | None = None) -> FuseSummary | None:
    """Fuse what is pending, if anything is (a cheap check otherwise); readers call it first.
    Does nothing when the state was fused with another source registry than `sources`: that
    reader fuses from scratch, and `frontwatch fuse` rebuilds the state."""
    from frontwatch.fuse.state import pending_count

    registry = sources if sources is not None else default_sources()
    with database.read() as connection:
        fused_with = read_setting(connection, SOURCES_SETTING)
        if fused_with is not None and fused_with != registry.digest():
            return None
        pending = pending_count(connection)
        if pending == 0:
            return None
    # One batch of what is pending now: a reader must not chase an ingest that keeps storing
    # documents (it would fuse until the ingest ends); later documents wait for the next read.
    return fuse(database, kb, sources=registry, batch_documents=pending, max_batches=1)


class _Folder:
    """One batch: fold new members in, take replaced documents' members out, then update
    control and contradictions where that changed anything."""

    def __init__(self, connection: Connection, kb: KnowledgeBase, registry: SourceRegistry) -> None:
        self.connection = connection
        self.kb = kb
        self.registry = registry
        self.store = IncidentStore(connection)
        self.people = {actor.entity_id for actor in kb.actors if actor.entity_type == "person"}
        self.locator = ControlBuilder([], kb)
        self.incidents_written = 0
        self.places_updated = 0

    def fold(self, added: list[Member], old_document_ids: list[int]) -> None:
        touched_rows = self.store.rows_of_documents(old_document_ids) if old_document_ids else set()
        old_ids = set(old_document_ids)
        removed = [m for cluster in self.store.clusters(touched_rows) for m in cluster.members
                   if m.document_id in old_ids]
        if not added and not removed:
            return
        changed_old, changed_new = self._refuse(added, removed, touched_rows)
        places: set[str] = set()
        regions: set[tuple[str, str]] = set()
        for place_id, (country, admin1, feature) in [(c.control_place_id, c.region) for c in changed_old + changed_new]:
            if place_id is None:
                continue
            places.add(place_id)
            if feature == "ADM1" and country and admin1:
                regions.add((country, admin1))
        for country, admin1 in regions:
            places |= self.store.places_in_region(country, admin1)
        self._update_places(places)
        people = {m.event.actor1.entity_id for m in added + removed
                  if m.event.actor1 is not None and self._is_person(m.event.actor1.entity_id)}
        for person in sorted(people):
            self._update_person(person)

    # ------------------------------------------------------------ incidents

    def _refuse(self, added: list[Member], removed: list[Member], touched_rows: set[int]
                ) -> tuple[list[Cluster], list[Cluster]]:
        """Re-decide what the new and removed events can change (module docstring); returns the
        incidents taken out and those written in their place."""
        gone = {id(m) for m in removed}
        start = min(m.key for m in added + removed)
        touched: dict[int, Cluster] = {c.row: c for c in self.store.clusters(touched_rows) if c.row is not None}
        joinable: dict[int, Cluster] = {}
        probes = [*added, *removed, *(m for c in touched.values() for m in c.members)]
        seen = {id(m) for m in probes}
        filed: dict[tuple[str, str, str, object], dict[int, Cluster]] = {}
        while probes:
            for cluster in self.store.clusters(self.store.candidate_rows(probes)):
                assert cluster.row is not None
                for existing in cluster.members:
                    filed.setdefault(_home(existing), {})[cluster.row] = cluster
            following: list[Member] = []
            for probe in probes:
                near = {row: c for key in _neighbourhood(probe) for row, c in filed.get(key, {}).items()}
                for row, cluster in sorted(near.items()):
                    if row in touched or not any(m.compatible(probe) for m in cluster.members):
                        continue
                    if any(m.key >= start and id(m) not in gone for m in cluster.members):
                        touched[row] = cluster
                        joinable.pop(row, None)
                        fresh = [m for m in cluster.members if id(m) not in seen]
                        seen.update(id(m) for m in fresh)
                        following.extend(fresh)
                    else:
                        joinable[row] = cluster
            probes = following
        replay = sorted([*added, *(m for c in touched.values() for m in c.members
                                   if m.key >= start and id(m) not in gone)], key=lambda m: m.key)
        working: list[Cluster] = []
        for cluster in touched.values():
            before = [m for m in cluster.members if m.key < start]
            if before:
                working.append(Cluster(before, row=cluster.row, changed=True))
        for cluster in joinable.values():
            working.append(Cluster(list(cluster.members), row=cluster.row))
        working.sort(key=lambda c: c.first_key)
        # in memory as in the database: clusters are found by the cells (places, actors) of
        # their members, so an event is checked against its neighbours only
        nearby: dict[tuple[str, str, str, object], list[Cluster]] = {}
        for cluster in working:
            for existing in cluster.members:
                nearby.setdefault(_home(existing), []).append(cluster)
        for member in replay:
            candidates = {id(c): c for key in _neighbourhood(member) for c in nearby.get(key, ())}
            for cluster in sorted(candidates.values(), key=lambda c: c.first_key):
                if cluster.accepts(member):
                    cluster.members.append(member)
                    cluster.changed = True
                    break
            else:
                cluster = Cluster([member], changed=True)
                working.append(cluster)
            nearby.setdefault(_home(member), []).append(cluster)
        rewritten = [c for c in working if c.changed]
        old = [*touched.values(), *(joinable[c.row] for c in rewritten if c.row in joinable)]
        self.store.delete([c.row for c in old if c.row is not None])
        copies, found = original_documents(self.connection, {m.event.doc_id for c in rewritten for m in c.members})
        originals = {doc_id: DocumentFacts(row.outlet, row.published, row.url) for doc_id, row in found.items()}
        for cluster in rewritten:
            cluster.record = cluster.incident(self.registry, copies, originals)
            location = self.locator.fact_location(cluster.record)
            cluster.control_place_id = location.entity_id if location is not None else None
            cluster.region = (location.country, location.admin1, location.feature) if location else (None, None, None)
        self.store.insert(rewritten)
        self.incidents_written += len(rewritten)
        return old, rewritten

    # ------------------------------------------------------------ control

    def _update_places(self, place_ids: set[str]) -> None:
        """Recompute the control periods and control contradictions of places from their
        incidents (and their region's, whose transfers they inherit)."""
        if not place_ids:
            return
        own_by_place = self.store.incidents_of_places(place_ids)
        regions: dict[tuple[str, str], list[tuple[SortKey, IncidentRecord]]] = {}
        computed = []
        for place_id in sorted(own_by_place):
            own = own_by_place[place_id]
            place = ControlBuilder([i for _, i in own], self.kb).places[place_id].place
            incidents = list(own)
            if _inherits(place):
                assert place.country is not None and place.admin1 is not None
                region = (place.country, place.admin1)
                if region not in regions:
                    regions[region] = self.store.region_incidents(*region)
                incidents += regions[region]
            incidents.sort(key=lambda item: item[0])
            builder = ControlBuilder(_unique(incidents), self.kb)
            facts = builder.places[place_id]
            periods, strengths = builder.unaged_periods(facts)
            computed.append(PlaceControl(
                place_id, own[0][0], facts.place, latest_claim(facts),
                [StoredPeriod(p, strength, newest) for p, (strength, newest) in zip(periods, strengths, strict=True)],
                place_contradiction(facts)))
        write_places(self.connection, place_ids, computed)
        self.places_updated += len(place_ids)

    # ------------------------------------------------------------ whereabouts

    def _is_person(self, entity_id: str) -> bool:
        return entity_id in self.people or entity_id.startswith("person:")

    def _update_person(self, person: str) -> None:
        members = [m for m in self.store.members_of_actor(person) if whereabouts_stance(m.event) is not None]
        members.sort(key=lambda m: m.read_key)
        documents = {m.event.doc_id: DocumentFacts(m.outlet, m.published) for m in members}
        found = whereabouts_contradictions([m.event for m in members], documents, {person})
        sort_key = (1, *members[0].read_key) if members else None
        write_contradiction(self.connection, "whereabouts", person, sort_key, found[0] if found else None)


def _home(member: Member) -> tuple[str, str, str, object]:
    """Where a member is filed for the replay's look-ups (`state.IncidentStore.candidate_rows`)."""
    location, actor1 = member.event.location, member.event.actor1
    if location is None:
        return member.family, member.modality_class, "actor", actor1.entity_id if actor1 else None
    if location.lat is None or location.lon is None:
        return member.family, member.modality_class, "place", location.entity_id
    return member.family, member.modality_class, "cell", cell_of(location.lat, location.lon)


def _neighbourhood(member: Member) -> list[tuple[str, str, str, object]]:
    """The filing keys of every member that may be compatible with `member`."""
    location, actor1 = member.event.location, member.event.actor1
    if location is None:
        return [(member.family, member.modality_class, "actor", actor1.entity_id)] if actor1 else []
    if location.lat is None or location.lon is None:
        return [(member.family, member.modality_class, "place", location.entity_id)]
    return [(member.family, member.modality_class, "cell", cell) for cell in near_cells(location.lat, location.lon)]


def _inherits(place: Location) -> bool:
    """Whether a place takes its region's transfers (`ControlBuilder._inherited`)."""
    return not (place.feature == "ADM1" or place.precision == 3 or not place.country or not place.admin1)


def _unique(incidents: list[tuple[SortKey, IncidentRecord]]) -> list[IncidentRecord]:
    seen: set[tuple[SortKey, str]] = set()
    found = []
    for key, incident in incidents:
        if (key, incident.incident_id) not in seen:
            seen.add((key, incident.incident_id))
            found.append(incident)
    return found

