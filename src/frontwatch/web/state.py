"""What every route needs, built once by `create_app` and kept on `app.state.frontwatch`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import HTTPException, Request

from frontwatch.kb.index import KnowledgeBase
from frontwatch.store.db import Database
from frontwatch.web.pictures import PictureCache, PictureView
from frontwatch.web.settings import WebSettings


@dataclass
class AppState:
    database: Database
    kb: KnowledgeBase
    settings: WebSettings
    pictures: PictureCache

    def picture(self, as_of: date | None = None) -> PictureView:
        return self.pictures.get(as_of)


def app_state(request: Request) -> AppState:
    """FastAPI dependency: the app's state."""
    state: AppState = request.app.state.frontwatch
    return state


def not_found(what: str, key: str) -> HTTPException:
    return HTTPException(404, f"no {what} with id {key!r}")
