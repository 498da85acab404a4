"""The fused picture, read from the database's fused state per request and cached.

Reading it (and, for a past `as_of`, fusing from scratch) touches every incident, so it is
cached per `as_of`, keyed on the database's change marker (document count, highest id,
latest store time: one cheap query). A request after an ingest sees the new records (pending
documents are fused before reading); repeated requests reuse the picture.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from frontwatch.fuse.stored import StoredPicture, stored_picture
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import ContradictionRecord, ControlPeriod, IncidentRecord
from frontwatch.store.db import Database
from frontwatch.store.repository import change_marker

# Pictures kept (one per as_of date asked for); the map's default, the latest, is one of them.
CACHE_SIZE = 8


@dataclass
class PictureView:
    """A stored picture plus the look-ups the web layer needs, built once per picture."""

    stored: StoredPicture
    marker: tuple[int, int, str]
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @cached_property
    def incidents_by_id(self) -> dict[str, IncidentRecord]:
        return {incident.incident_id: incident for incident in self.stored.picture.incidents}

    @cached_property
    def contradictions_by_doc(self) -> dict[str, list[ContradictionRecord]]:
        found: dict[str, list[ContradictionRecord]] = {}
        for contradiction in self.stored.picture.contradictions:
            for doc_id in {claim.doc_id for claim in contradiction.claims}:
                found.setdefault(doc_id, []).append(contradiction)
        return found

    def control_of(self, place_id: str) -> list[ControlPeriod]:
        return self.stored.picture.timeline.get(place_id, [])


class PictureCache:
    """`get(as_of)`: the picture as of a date (None: everything), fused at most once per
    database state and date."""

    def __init__(self, database: Database, kb: KnowledgeBase, kb_dirs: list[Path] | None = None,
                 size: int = CACHE_SIZE) -> None:
        self.database = database
        self.kb = kb
        self.kb_dirs = list(kb_dirs or [])
        self.size = size
        self._views: OrderedDict[date | None, PictureView] = OrderedDict()
        self._lock = threading.Lock()
        self.builds = 0  # how many times fusion ran (tests check the cache with it)

    def marker(self) -> tuple[int, int, str]:
        with self.database.read() as connection:
            return change_marker(connection)

    def get(self, as_of: date | None = None) -> PictureView:
        marker = self.marker()
        with self._lock:
            view = self._views.get(as_of)
            if view is not None and view.marker == marker:
                self._views.move_to_end(as_of)
                return view
            # Fusion runs under the lock: concurrent first requests wait for one build instead
            # of each fusing the whole database.
            view = PictureView(stored_picture(self.database, self.kb, as_of=as_of, kb_dirs=self.kb_dirs), marker)
            self.builds += 1
            self._views[as_of] = view
            self._views.move_to_end(as_of)
            while len(self._views) > self.size:
                self._views.popitem(last=False)
            return view
