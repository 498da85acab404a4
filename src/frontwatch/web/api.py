"""The REST API under /api: thin handlers over `queries`, the store and the cached picture.

Every list is paged (`limit` up to settings.MAX_PAGE, `offset`); bad input is a 422 that
names the parameter, unknown ids a 404. The schema is at /openapi.json, the reference at /docs.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import APIRouter, Depends, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from frontwatch import __version__
from frontwatch.export.formats import geojson
from frontwatch.records import (
    ContradictionRecord,
    ControlPeriod,
    CorridorRecord,
    EventRecord,
    IncidentRecord,
    Location,
    Modality,
    QuoteRecord,
)
from frontwatch.store import repository
from frontwatch.store.repository import BoundingBox
from frontwatch.web import queries
from frontwatch.web.security import authorize_write, bearer_token
from frontwatch.web.settings import DEFAULT_PAGE, MAX_PAGE
from frontwatch.web.state import AppState, app_state, not_found
from frontwatch.web.timeline import Replay, replay
from frontwatch.web.uploads import PastedArticle, Upload, UploadedFile, UploadResult, store_upload

router = APIRouter(prefix="/api")
T = TypeVar("T")
GEOJSON = "application/geo+json"


class Page(BaseModel, Generic[T]):
    """One page of a list: `items` from `offset` on, of `total` matching."""

    total: int
    limit: int
    offset: int
    items: list[T]


class DocumentSummary(BaseModel):
    doc_id: str
    title: str | None
    outlet: str | None
    url: str | None
    published: str | None
    language: str | None
    source: str
    characters: int
    duplicate_of: str | None = None  # the original this document is a near-copy of
    copies: int = 0  # stored near-copies of this document


class Situation(BaseModel):
    as_of: date | None
    control: list[ControlPeriod]
    corridors: list[CorridorRecord]
    contradictions: list[ContradictionRecord]


class Status(BaseModel):
    version: str
    database: str
    counts: dict[str, int]
    uploads: Literal["open", "token", "disabled"]


class SearchResponse(BaseModel):
    query: str
    places: list[Location]
    documents: Page[DocumentSummary]
    incidents: list[IncidentRecord]


State = Annotated[AppState, Depends(app_state)]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page (at most {MAX_PAGE}).")]
Offset = Annotated[int, Query(ge=0, description="Items to skip.")]
AsOf = Annotated[date | None, Query(description="The picture as of this date (YYYY-MM-DD): only documents "
                                                "published by then count. Default: everything known.")]
Since = Annotated[date | None, Query(description="Keep records whose date may fall on or after this day.")]
Until = Annotated[date | None, Query(description="Keep records whose date may fall on or before this day.")]
PlaceParam = Annotated[str | None, Query(description="A place: GeoNames id, KB place id, or a name in any "
                                                     "spelling the knowledge base knows (`Deir Ezzour`).")]
Actor = Annotated[str | None, Query(description="Actor entity id (Wikidata QID or KB slug), either role.")]
EventType = Annotated[str | None, Query(description="ACLED event type, e.g. `Battles`.")]
SubEventType = Annotated[str | None, Query(description="ACLED sub-event type, e.g. `Armed clash`.")]
ModalityParam = Annotated[Modality | None, Query(description="Only records of this modality.")]
BBox = Annotated[str | None, Query(description="Bounding box `min_lon,min_lat,max_lon,max_lat` (degrees).",
                                   examples=["35.5,32.3,42.4,37.4"])]


def parse_bbox(value: str | None) -> BoundingBox | None:
    if value is None:
        return None
    try:
        numbers = [float(part) for part in value.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) != 4:
        raise HTTPException(422, f"bbox {value!r}: expected four numbers min_lon,min_lat,max_lon,max_lat")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= max_lon <= 180 and -90 <= min_lat <= max_lat <= 90):
        raise HTTPException(422, f"bbox {value!r}: needs -180 <= min_lon <= max_lon <= 180 and "
                                 "-90 <= min_lat <= max_lat <= 90")
    return min_lon, min_lat, max_lon, max_lat


def _check_range(since: date | None, until: date | None) -> None:
    if since and until and since > until:
        raise HTTPException(422, f"since {since} is after until {until}")


# ---------------------------------------------------------------- status, documents


@router.get("/status", tags=["meta"])
def status(state: State) -> Status:
    """The version, the database and how many records it holds; whether uploads need a token."""
    with state.database.read() as connection:
        counts = repository.counts(connection)
    settings = state.settings
    uploads: Literal["open", "token", "disabled"] = (
        "disabled" if not settings.writes_enabled else "token" if settings.token_required else "open")
    return Status(version=__version__, database=state.database.display_url, counts=counts, uploads=uploads)


@router.get("/documents", tags=["documents"])
def documents(state: State, limit: Limit = DEFAULT_PAGE, offset: Offset = 0,
              q: Annotated[str | None, Query(max_length=200, description="Words in the title, outlet or "
                                                                         "text (case-insensitive).")] = None,
              ) -> Page[DocumentSummary]:
    """Stored documents, first stored first, without their text."""
    with state.database.read() as connection:
        found = repository.list_documents(connection, text=q, limit=limit, offset=offset)
        total = repository.count_documents(connection, text=q)
    return Page(total=total, limit=limit, offset=offset,
                items=[DocumentSummary(**vars(d)) for d in found])


@router.get("/documents/{doc_id}", tags=["documents"])
def document(state: State, doc_id: str) -> queries.DocumentText:
    """A document's cleaned text and the spans the records point at (`text[start:end]`):
    event evidence, quotes, and text excluded as comments or boilerplate."""
    view = queries.document_text(state.database, state.picture(), doc_id)
    if view is None:
        raise not_found("document", doc_id)
    return view.text


@router.post("/documents", tags=["documents"], status_code=201)
def upload_documents(
    request: Request,
    state: State,
    files: Annotated[list[UploadFile], File(description="Article files (.txt .md .html .jsonl .csv ...).")] = [],  # noqa: B006
    text: Annotated[str | None, Form(description="A pasted article's text (up to 1 MB).")] = None,
    title: Annotated[str | None, Form(max_length=500)] = None,
    outlet: Annotated[str | None, Form(max_length=200)] = None,
    url: Annotated[str | None, Form(max_length=2000)] = None,
    published: Annotated[date | None, Form(description="Publication date of the pasted article.")] = None,
) -> UploadResult:
    """Store articles: files and/or a pasted text, processed like `frontwatch ingest`.
    Needs the token (`Authorization: Bearer TOKEN`) when FRONTWATCH_TOKEN is set or the
    server listens beyond loopback."""
    authorize_write(request, state.settings, bearer_token(request))
    upload = _upload(state, files, PastedArticle(text or "", title, outlet, url, published))
    return store_upload(upload, state.database, state.kb, state.settings.max_doc_bytes)


def _upload(state: AppState, files: list[UploadFile], pasted: PastedArticle) -> Upload:
    files = [f for f in files if f.filename or f.size]
    if len(files) > state.settings.max_upload_files:
        raise HTTPException(422, f"{len(files)} files: at most {state.settings.max_upload_files} per upload")
    upload = Upload([UploadedFile(f.filename or "upload", f.file.read()) for f in files], pasted)
    if not upload:
        raise HTTPException(422, "nothing to store: send files or a text")
    return upload


# ---------------------------------------------------------------- events, quotes (stored records)


@router.get("/events", tags=["records"])
def events(state: State, limit: Limit = DEFAULT_PAGE, offset: Offset = 0, since: Since = None, until: Until = None,
           place: PlaceParam = None, actor: Actor = None, event_type: EventType = None,
           sub_event_type: SubEventType = None, modality: ModalityParam = None, bbox: BBox = None,
           doc_id: Annotated[str | None, Query(description="Only this document's events.")] = None,
           ) -> Page[EventRecord]:
    """Events as each document codes them (before fusion), oldest first, undated last."""
    _check_range(since, until)
    filters: dict[str, Any] = {"since": since, "until": until, "actor": actor, "event_type": event_type,
                               "sub_event_type": sub_event_type, "modality": modality, "doc_id": doc_id,
                               "bbox": parse_bbox(bbox),
                               "place": queries.place_ids(state.kb, place) if place else None}
    with state.database.read() as connection:
        items = list(repository.iter_events(connection, limit=limit, offset=offset, **filters))
        total = repository.count_events(connection, **filters)
    return Page(total=total, limit=limit, offset=offset, items=items)


@router.get("/quotes", tags=["records"])
def quotes(state: State, limit: Limit = DEFAULT_PAGE, offset: Offset = 0,
           speaker: Annotated[str | None, Query(description="Speaker entity id, e.g. `Q44329`.")] = None,
           doc_id: Annotated[str | None, Query(description="Only this document's quotes.")] = None,
           q: Annotated[str | None, Query(max_length=200, description="Words in the quote.")] = None,
           ) -> Page[QuoteRecord]:
    """Direct quotes with their speakers and spans."""
    with state.database.read() as connection:
        items = repository.list_quotes(connection, speaker=speaker, doc_id=doc_id, text=q, limit=limit,
                                       offset=offset)
        total = repository.count_quotes(connection, speaker=speaker, doc_id=doc_id, text=q)
    return Page(total=total, limit=limit, offset=offset, items=items)


# ---------------------------------------------------------------- the fused picture


def incident_filter(state: State, since: Since = None, until: Until = None, place: PlaceParam = None,
                    actor: Actor = None,
                    side: Annotated[str | None, Query(description="Actor side (`government`, `sdf`, ...).")] = None,
                    event_type: EventType = None, sub_event_type: SubEventType = None,
                    modality: ModalityParam = None, bbox: BBox = None,
                    min_sources: Annotated[int, Query(ge=1, le=1000, description="At least this many "
                                                                                 "documents.")] = 1,
                    q: Annotated[str | None, Query(max_length=200, description="Words of the evidence, place or "
                                                                               "actors.")] = None,
                    ) -> queries.IncidentFilter:
    _check_range(since, until)
    return queries.IncidentFilter(since=since, until=until,
                                  places=queries.place_ids(state.kb, place) if place else None,
                                  actor=actor, side=side, event_type=event_type, sub_event_type=sub_event_type,
                                  modality=modality, bbox=parse_bbox(bbox), min_sources=min_sources, text=q)


IncidentFilterParams = Annotated[queries.IncidentFilter, Depends(incident_filter)]


@router.get("/incidents", tags=["picture"])
def incidents(state: State, wanted: IncidentFilterParams, as_of: AsOf = None, limit: Limit = DEFAULT_PAGE,
              offset: Offset = 0) -> Page[IncidentRecord]:
    """Incidents fused across documents, each with every source that reports it."""
    found = queries.filter_incidents(state.picture(as_of).stored.picture.incidents, wanted)
    return Page(total=len(found), limit=limit, offset=offset, items=found[offset:offset + limit])


@router.get("/incidents/geojson", tags=["picture"], response_class=JSONResponse,
            responses={200: {"content": {GEOJSON: {}}, "description": "A GeoJSON FeatureCollection of points."}})
def incidents_geojson(state: State, wanted: IncidentFilterParams, as_of: AsOf = None) -> JSONResponse:
    """Located incidents matching the filters as GeoJSON points (not paged)."""
    found = queries.filter_incidents(state.picture(as_of).stored.picture.incidents, wanted)
    return JSONResponse(queries.incident_geojson(found), media_type=GEOJSON)


@router.get("/incidents/{incident_id}", tags=["picture"])
def incident(state: State, incident_id: str, as_of: AsOf = None) -> IncidentRecord:
    """One incident with its sources and their evidence spans."""
    found = state.picture(as_of).incidents_by_id.get(incident_id)
    if found is None:
        raise not_found("incident", incident_id)
    return found


@router.get("/situation", tags=["picture"])
def situation(state: State, as_of: AsOf = None) -> Situation:
    """Who holds each place (status, basis, evidence), the corridors and the contradictions."""
    picture = state.picture(as_of).stored.picture
    return Situation(as_of=picture.as_of, control=picture.situation, corridors=picture.corridors,
                     contradictions=picture.contradictions)


@router.get("/situation/geojson", tags=["picture"], response_class=JSONResponse,
            responses={200: {"content": {GEOJSON: {}}, "description": "A GeoJSON FeatureCollection of points."}})
def situation_geojson(state: State, as_of: AsOf = None) -> JSONResponse:
    """Controlled places as GeoJSON points (`controller`, `status`, `since`, ...)."""
    collection = geojson(state.picture(as_of).stored.picture)
    collection["features"] = [f for f in collection["features"] if f["properties"]["kind"] == "control"]
    return JSONResponse(collection, media_type=GEOJSON)


@router.get("/timeline", tags=["picture"])
def timeline(state: State, as_of: AsOf = None) -> Replay:
    """Control over time: the `since` dates as steps (then `latest`) and every place's periods."""
    return replay(state.picture(as_of).stored.picture.timeline)


@router.get("/contradictions", tags=["picture"])
def contradictions(state: State, as_of: AsOf = None,
                   kind: Annotated[Literal["control", "whereabouts"] | None, Query()] = None,
                   ) -> list[ContradictionRecord]:
    """Claims from different documents that cannot all hold, side by side with their sources."""
    found = state.picture(as_of).stored.picture.contradictions
    return [c for c in found if kind is None or c.kind == kind]


@router.get("/corridors", tags=["picture"])
def corridors(state: State, as_of: AsOf = None) -> list[CorridorRecord]:
    """Roads and crossings: open, cut or contested for the side each serves."""
    return state.picture(as_of).stored.picture.corridors


@router.get("/search", tags=["meta"])
def search(state: State, q: Annotated[str, Query(min_length=1, max_length=200)], limit: Limit = DEFAULT_PAGE,
           ) -> SearchResponse:
    """Places (any known spelling), documents and incidents matching words or a place name."""
    found = queries.search(state.database, state.picture(), state.kb, q, limit)
    page = Page(total=found.documents_total, limit=limit, offset=0,
                items=[DocumentSummary(**vars(d)) for d in found.documents])
    return SearchResponse(query=found.query, places=found.places, documents=page, incidents=found.incidents)
