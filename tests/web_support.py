"""Fixtures shared by the web tests (imported by tests/test_web_*.py): a SQLite database with
the examples ingested through the library, and TestClients of the app over it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from frontwatch.kb.index import KnowledgeBase
from frontwatch.store import Database, open_database
from frontwatch.web import create_app
from frontwatch.web.settings import WebSettings

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# TestClient's requests go to this host; the app answers only loopback names on a loopback bind.
BASE_URL = "http://localhost"


def ingest_paths(database: Database, kb: KnowledgeBase, paths: list[str]) -> None:
    from frontwatch.ingest.readers import iter_sources
    from frontwatch.store.ingest import IngestSummary, ingest

    summary = IngestSummary()
    ingest(iter_sources(paths), kb, database, summary, inputs=paths)
    assert not summary.failed, summary.details()


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory: pytest.TempPathFactory, kb: KnowledgeBase) -> Path:
    """A SQLite file holding the ingested examples (read-only for the tests that share it)."""
    path = tmp_path_factory.mktemp("web") / "demo.db"
    with open_database(str(path)) as database:
        ingest_paths(database, kb, [str(EXAMPLES)])
    return path


@pytest.fixture(scope="session")
def demo_database(demo_db_path: Path) -> Iterator[Database]:
    database = open_database(str(demo_db_path))
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture(scope="session")
def client(demo_database: Database, kb: KnowledgeBase) -> TestClient:
    """The app over the demo database, bound to loopback without a token (reads only, please)."""
    return TestClient(create_app(demo_database, kb), base_url=BASE_URL)


@pytest.fixture()
def make_client(tmp_path: Path, kb: KnowledgeBase) -> Iterator[Callable[..., TestClient]]:
    """`make_client(host=..., token=..., max_upload_bytes=...)`: the app over a fresh empty
    database, for tests that write."""
    opened: list[Database] = []

    def make(**settings: object) -> TestClient:
        database = open_database(str(tmp_path / f"upload{len(opened)}.db"))
        opened.append(database)
        return TestClient(create_app(database, kb, WebSettings(**settings)), base_url=BASE_URL)  # type: ignore[arg-type]

    yield make
    for database in opened:
        database.dispose()
