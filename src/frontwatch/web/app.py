"""`create_app(database, kb)`: the FastAPI app of `frontwatch serve` (pages + /api + assets)."""

from __future__ import annotations

import logging
import re
from importlib.resources import files
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import PlainTextResponse, Response

from frontwatch import __version__
from frontwatch.kb.index import KnowledgeBase
from frontwatch.store.db import Database
from frontwatch.web import api, pages
from frontwatch.web.pictures import PictureCache
from frontwatch.web.security import SECURITY_HEADERS, BodyLimit, HostCheck, RateLimit, SecurityHeaders, TokenGate
from frontwatch.web.settings import WebSettings
from frontwatch.web.state import AppState

DESCRIPTION = """Frontwatch's situation picture over HTTP: stored documents, events and quotes; incidents
fused across documents; control of places as of a date (JSON and GeoJSON) and over time; contradictions
and corridors; the text of a document with the spans every record cites. Lists are paged with
`limit`/`offset`. Uploads need the token (`Authorization: Bearer TOKEN`) when FRONTWATCH_TOKEN is set; beyond
loopback every request does."""


def leaflet_dir() -> Path:
    import xstatic.pkg.leaflet

    return Path(xstatic.pkg.leaflet.BASE_DIR)


def swagger_dir() -> Path:
    # Swagger UI 5 (OpenAPI 3.1, which FastAPI writes) as the swagger-ui-py package ships it.
    return Path(str(files("swagger_ui") / "static"))


def create_app(database: Database, kb: KnowledgeBase, settings: WebSettings | None = None) -> FastAPI:
    """The web app over `database`: fusion per request (cached), pages, API, offline assets."""
    settings = settings or WebSettings()
    app = FastAPI(title="Frontwatch API", version=__version__, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_url="/openapi.json")
    app.state.frontwatch = AppState(database=database, kb=kb, settings=settings,
                                    pictures=PictureCache(database, kb, settings.kb_dirs))
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static/leaflet", StaticFiles(directory=leaflet_dir()), name="leaflet")
    app.mount("/static/swagger", StaticFiles(directory=swagger_dir()), name="swagger")
    app.mount("/static", StaticFiles(directory=str(files("frontwatch.web") / "static")), name="static")

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if _wants_html(request):
            return pages.error_page(request, error)
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> Response:
        if _wants_html(request):
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in error.errors())
            return pages.error_page(request, HTTPException(422, problems))
        return await request_validation_exception_handler(request, error)

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        # Starlette sends a 500 outside every middleware: the headers are added here.
        return PlainTextResponse("internal server error", 500, headers={
            name.decode(): value.decode() for name, value in SECURITY_HEADERS})

    # add_middleware puts each outside the ones before: read bottom-up. Headers go on every
    # response (the refusals below included); the Host check and the rate limit come before
    # the token (guessing it is rate-limited), the size limit sees every body.
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(TokenGate, settings=settings)
    app.add_middleware(RateLimit, limit=settings.rate_limit)
    app.add_middleware(HostCheck, settings=settings)
    app.add_middleware(SecurityHeaders)
    return app


def _wants_html(request: Request) -> bool:
    path = request.url.path
    return not (path.startswith("/api/") or path == "/openapi.json" or path.startswith("/static/"))


class RedactToken(logging.Filter):
    """Keeps `?token=...` (the browser sign-in) out of uvicorn's access log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(_TOKEN_IN_QUERY.sub(r"\1token=[redacted]", a) if isinstance(a, str) else a
                                for a in record.args)
        return True


_TOKEN_IN_QUERY = re.compile(r"([?&])token=[^&\s]*")


def serve(database: Database, kb: KnowledgeBase, settings: WebSettings, port: int, **uvicorn_options: Any) -> None:
    """Run the app with uvicorn until interrupted."""
    import uvicorn

    config = uvicorn.Config(create_app(database, kb, settings), host=settings.host, port=port, **uvicorn_options)
    logging.getLogger("uvicorn.access").addFilter(RedactToken())
    uvicorn.Server(config).run()
