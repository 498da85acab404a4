"""The server-rendered pages: map, incidents, an incident with its highlighted sources,
documents, contradictions, search, upload, and the offline API reference at /docs.
Article text is untrusted: templates are autoescaped and no page has inline script."""

from __future__ import annotations

from datetime import date
from importlib.resources import files
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from frontwatch import __version__
from frontwatch.store.repository import count_documents, list_documents
from frontwatch.web import queries
from frontwatch.web.palette import SIDE_COLOURS, UNKNOWN_COLOUR, side_class, side_css
from frontwatch.web.security import authorize_write, credentials_valid
from frontwatch.web.settings import MAX_PAGE
from frontwatch.web.state import AppState, app_state, not_found
from frontwatch.web.uploads import PastedArticle, Upload, UploadedFile, store_upload

router = APIRouter(include_in_schema=False)
State = Annotated[AppState, Depends(app_state)]
PAGE = 50
# Incidents listed beside the map (the strongest first); the full list is /incidents.
MAP_LIST = 30
BASEMAP = files("frontwatch") / "data" / "basemap.geojson"


def make_templates() -> Jinja2Templates:
    import jinja2

    environment = jinja2.Environment(loader=jinja2.PackageLoader("frontwatch.web", "templates"),
                                     autoescape=True, undefined=jinja2.StrictUndefined)
    environment.filters["side_class"] = side_class
    environment.globals["version"] = __version__
    return Jinja2Templates(env=environment)


templates = make_templates()


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, name, context, status_code=status_code)


FACTUAL = ("asserted", "reported", "hedged")


def _strongest(incidents: list[Any]) -> list[Any]:
    """Facts before hypotheticals, plans and denials; then the best corroborated first."""
    return sorted(incidents, key=lambda i: (i.modality not in FACTUAL, -i.independent_sources, -i.confidence,
                                            i.incident_id))


@router.get("/", response_class=HTMLResponse)
def map_page(request: Request, state: State) -> HTMLResponse:
    picture = state.picture().stored.picture
    palette = {**SIDE_COLOURS, "": UNKNOWN_COLOUR}
    return render(request, "map.html", picture=picture, incidents=_strongest(picture.incidents)[:MAP_LIST],
                  palette=palette)


@router.get("/sides.css")
def sides_css() -> Response:
    return Response(side_css(), media_type="text/css", headers={"Cache-Control": "max-age=3600"})


@router.get("/basemap.geojson")
def basemap() -> FileResponse:
    return FileResponse(str(BASEMAP), media_type="application/geo+json", headers={"Cache-Control": "max-age=86400"})


@router.get("/incidents", response_class=HTMLResponse)
def incidents_page(request: Request, state: State,
                   q: Annotated[str | None, Query(max_length=200)] = None,
                   place: Annotated[str | None, Query(max_length=200)] = None,
                   modality: Annotated[str | None, Query(max_length=20)] = None,
                   offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    picture = state.picture().stored.picture
    wanted = queries.IncidentFilter(text=q or None, modality=modality or None,
                                    places=queries.place_ids(state.kb, place) if place else None)
    found = _strongest(queries.filter_incidents(picture.incidents, wanted))
    return render(request, "incidents.html", incidents=found[offset:offset + PAGE], total=len(found),
                  offset=offset, page=PAGE, q=q or "", place=place or "", modality=modality or "")


@router.get("/incidents/{incident_id}", response_class=HTMLResponse)
def incident_page(request: Request, state: State, incident_id: str) -> HTMLResponse:
    view = state.picture()
    incident = view.incidents_by_id.get(incident_id)
    if incident is None:
        raise not_found("incident", incident_id)
    documents = [queries.document_text(state.database, view, doc_id, focus=incident)
                 for doc_id in dict.fromkeys(source.doc_id for source in incident.sources)]
    control = view.control_of(incident.location.entity_id) if incident.location else []
    return render(request, "incident.html", incident=incident, documents=[d for d in documents if d],
                  control=control)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request, state: State, offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
    with state.database.read() as connection:
        found = list_documents(connection, limit=PAGE, offset=offset)
        total = count_documents(connection)
    return render(request, "documents.html", documents=found, total=total, offset=offset, page=PAGE)


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, state: State, doc_id: str) -> HTMLResponse:
    view = queries.document_text(state.database, state.picture(), doc_id)
    if view is None:
        raise not_found("document", doc_id)
    return render(request, "document.html", view=view, document=view.text.document)


@router.get("/contradictions", response_class=HTMLResponse)
def contradictions_page(request: Request, state: State) -> HTMLResponse:
    picture = state.picture().stored.picture
    return render(request, "contradictions.html", contradictions=picture.contradictions)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, state: State,
                q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    found = queries.search(state.database, state.picture(), state.kb, q, MAX_PAGE) if q.strip() else None
    return render(request, "search.html", q=q, found=found)


@router.get("/upload", response_class=HTMLResponse)
def upload_form(request: Request, state: State) -> HTMLResponse:
    return render(request, "upload.html", settings=state.settings, signed_in=credentials_valid(state.settings, request),
                  result=None, error=None)


@router.post("/upload", response_class=HTMLResponse)
async def upload_submit(request: Request, state: State) -> HTMLResponse:
    settings = state.settings
    form = await request.form(max_files=settings.max_upload_files, max_fields=20)
    token = form.get("token")
    authorize_write(request, settings, token if isinstance(token, str) else None)
    signed_in = credentials_valid(settings, request)
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile) and item.filename]
    fields = {name: value if isinstance(value := form.get(name), str) else ""
              for name in ("text", "title", "outlet", "url", "published")}
    try:
        published = date.fromisoformat(fields["published"]) if fields["published"] else None
    except ValueError:
        return render(request, "upload.html", 422, settings=settings, signed_in=signed_in, result=None,
                      error=f"published {fields['published']!r} is not a date (YYYY-MM-DD)")
    upload = Upload([UploadedFile(item.filename or "upload", await item.read()) for item in uploads],
                    PastedArticle(fields["text"], fields["title"], fields["outlet"], fields["url"], published))
    if not upload:
        return render(request, "upload.html", 422, settings=settings, signed_in=signed_in, result=None,
                      error="nothing to store: choose files or paste a text")
    result = await run_in_threadpool(store_upload, upload, state.database, state.kb, settings.max_doc_bytes)
    return render(request, "upload.html", 201 if result.stored or result.replaced else 200, settings=settings,
                  signed_in=signed_in,
                  result=result, error=None)


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI from the swagger-ui-bundle package, started by a local script (no CDN)."""
    return render(request, "apidocs.html")


def error_page(request: Request, error: HTTPException) -> HTMLResponse:
    return render(request, "error.html", error.status_code, status=error.status_code, detail=error.detail)
