"""Shared fixtures: the knowledge base (built once per run) and a helper that runs
the per-document function on a text."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import settings

from feeds_support import LocalWeb
from frontwatch.kb.index import KnowledgeBase
from frontwatch.records import DocumentRecord, EventRecord, MentionRecord, QuoteRecord, SourceDocument

if TYPE_CHECKING:
    from frontwatch.store.db import Database

# Property tests explore new random examples on every run on a developer's machine (and the long
# fuzz run, benchmarks/fuzz.py, explores far more). CI sets HYPOTHESIS_PROFILE=ci: the same
# examples on every run, so a red CI always means a change broke something, never that today's
# draw found an old bug; run `HYPOTHESIS_PROFILE=ci pytest` to see exactly what CI sees.
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

CACHE_VARIABLE = "FRONTWATCH_CACHE_DIR"
_previous_cache: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    """Cache the built KB index where every test and every CLI subprocess finds it.

    Building takes ~15 s; a cache under pytest's own cache directory survives between
    runs, so a run builds it at most once. A directory the environment already names
    (CI, a developer's shell) is left as it is.
    """
    global _previous_cache
    _previous_cache = os.environ.get(CACHE_VARIABLE)
    if _previous_cache:
        return
    cache = getattr(config, "cache", None)  # None when run with -p no:cacheprovider
    directory = cache.mkdir("frontwatch-kb") if cache is not None else Path(tempfile.mkdtemp(prefix="frontwatch-kb-"))
    os.environ[CACHE_VARIABLE] = str(directory)


def pytest_unconfigure(config: pytest.Config) -> None:
    if _previous_cache is None:
        os.environ.pop(CACHE_VARIABLE, None)


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    from frontwatch.kb.index import load

    return load()


@dataclass
class Extraction:
    """What `process()` returned for one text, split by record kind."""

    doc: DocumentRecord
    mentions: list[MentionRecord]
    events: list[EventRecord]
    quotes: list[QuoteRecord]

    def places(self) -> list[MentionRecord]:
        return [m for m in self.mentions if m.entity_type == "place"]

    def with_surface(self, surface: str) -> list[MentionRecord]:
        return [m for m in self.mentions if m.surface == surface]


def run_process(kb: KnowledgeBase, text: str, published: str | None = "2024-12-05", **fields: object) -> Extraction:
    """Run the per-document function on `text` and sort its records by kind."""
    from frontwatch.pipeline import process

    records = process(SourceDocument(text=text, published=published, **fields), kb)  # type: ignore[arg-type]
    doc = records[0]
    assert isinstance(doc, DocumentRecord)
    return Extraction(
        doc=doc,
        mentions=[r for r in records if isinstance(r, MentionRecord)],
        events=[r for r in records if isinstance(r, EventRecord)],
        quotes=[r for r in records if isinstance(r, QuoteRecord)],
    )


@pytest.fixture(scope="session")
def extract(kb: KnowledgeBase) -> Callable[..., Extraction]:
    """`extract(text, published="2024-12-05")` -> Extraction (session-scoped, so Hypothesis may use it)."""

    def run(text: str, published: str | None = "2024-12-05", **fields: object) -> Extraction:
        return run_process(kb, text, published, **fields)

    return run


# A user KB directory (`--kb DIR`): one new actor and one new place. The index digest
# depends on file names and contents, not on the directory, so every test that uses
# this fixture shares one cached index.
USER_ACTORS = """\
actors:
  - id: lakeside-brigade
    name: Lakeside Brigade
    type: actor
    kind: militia
    side: opposition
    country: SY
    tags: [rebel]
    aliases: [Liwa al-Buhayra, Lakeside Brigades]
"""
USER_PLACES = """\
places:
  - id: sy-base-qurnat-test
    name: Qurnat Zeitoun Base
    feature: BASE
    country: SY
    lat: 35.21
    lon: 36.58
    precision: 1
    aliases: [Qurnat Zeitoun airbase]
"""


@pytest.fixture(scope="session")
def user_kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("user-kb")
    (directory / "actors").mkdir()
    (directory / "places").mkdir()
    (directory / "actors" / "lakeside.yaml").write_text(USER_ACTORS, encoding="utf-8")
    (directory / "places" / "bases.yaml").write_text(USER_PLACES, encoding="utf-8")
    return directory


@pytest.fixture(scope="session")
def user_kb(user_kb_dir: Path) -> KnowledgeBase:
    from frontwatch.kb.index import load

    return load([user_kb_dir])


# ---------------------------------------------------------------- databases (storage tests)
#
# Every storage test runs against SQLite (a file in tmp_path) and PostgreSQL. The PostgreSQL
# server is FRONTWATCH_TEST_PG_URL when set; otherwise a throwaway cluster this session starts
# itself with initdb/pg_ctl found on PATH or under /usr/lib/postgresql/*/bin (Debian's
# `postgresql` package), run as the `postgres` user when we are root (postgres refuses root),
# listening on a unix socket only, in a temporary directory removed at the end. Each test gets
# its own schema on that server. Without a server the PostgreSQL cases skip, unless
# FRONTWATCH_REQUIRE_PG=1 (or FRONTWATCH_REQUIRE_ALL=1, as CI sets): then they fail.

PG_URL_VARIABLE = "FRONTWATCH_TEST_PG_URL"


def _postgres_required() -> bool:
    names = ("FRONTWATCH_REQUIRE_PG", "FRONTWATCH_REQUIRE_ALL")
    return any(os.environ.get(name, "") not in ("", "0") for name in names)


def _postgres_bin_dir() -> Path | None:
    """A directory with initdb, pg_ctl and postgres: PATH first, then Debian's layout."""
    import shutil

    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).parent)):
        return Path(found).parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"),
                        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    for initdb in reversed(candidates):
        if (initdb.parent / "pg_ctl").exists() and (initdb.parent / "postgres").exists():
            return initdb.parent
    return None


class _ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory, on a unix socket, for one test session."""

    def __init__(self, bin_dir: Path) -> None:
        import shutil
        import subprocess

        self.bin_dir = bin_dir
        self.directory = Path(tempfile.mkdtemp(prefix="frontwatch-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin:/usr/bin:/bin")
            if runuser is None:
                raise RuntimeError("running as root and `runuser` is missing: cannot start postgres as a user")
            self.as_user = [runuser, "-u", "postgres", "--"]
            shutil.chown(self.directory, user="postgres")
        self._run = subprocess.run
        self._call([str(bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                    "-E", "UTF8", "--no-locale", "--no-sync"])
        options = (f"-k {self.directory} -c listen_addresses='' -c fsync=off -c synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=50")
        self._call([str(bin_dir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                    "-w", "-t", "60", "start"])
        self.url = f"postgresql+psycopg://postgres@/postgres?host={self.directory}"

    def _call(self, command: list[str]) -> None:
        result = self._run([*self.as_user, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise RuntimeError(f"{' '.join(command)} failed: {result.stderr.strip()} {log}")

    def stop(self) -> None:
        import shutil

        try:
            self._call([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """The URL of a PostgreSQL server for this session, or None when there is none."""
    given = os.environ.get(PG_URL_VARIABLE)
    if given:
        yield given
        return
    bin_dir = _postgres_bin_dir()
    if bin_dir is None:
        yield None
        return
    try:
        cluster = _ThrowawayCluster(bin_dir)
    except (RuntimeError, OSError, KeyError) as exc:  # KeyError: no `postgres` user
        if _postgres_required():
            pytest.fail(f"cannot start PostgreSQL from {bin_dir}: {exc}")
        yield None
        return
    try:
        yield cluster.url
    finally:
        cluster.stop()


def _postgres_schema_url(server: str, name: str) -> str:
    """A fresh schema on `server` and a URL whose connections use it (search_path)."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    from frontwatch.store.db import resolve_url

    url = resolve_url(server)
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    engine.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={name}"})
    return scoped.render_as_string(hide_password=False)


_schema_counter = iter(range(1, 1_000_000))


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A URL of an empty database: a SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'frontwatch.db'}"
    return _postgres_test_url(request)


@pytest.fixture()
def postgres_db_url(request: pytest.FixtureRequest) -> str:
    """Like `db_url`, PostgreSQL only: for tests of what only a server shows (locks, sessions)."""
    return _postgres_test_url(request)


def _postgres_test_url(request: pytest.FixtureRequest) -> str:
    server = request.getfixturevalue("postgres_server")
    if server is None:
        message = (f"no PostgreSQL: set {PG_URL_VARIABLE} or install the server binaries "
                   "(apt-get install postgresql)")
        if _postgres_required():
            pytest.fail(message)
        pytest.skip(message)
    name = f"fw_test_{os.getpid()}_{next(_schema_counter)}"
    url = _postgres_schema_url(server, name)
    request.addfinalizer(lambda: _drop_postgres_schema(server, name))
    return url


def _drop_postgres_schema(server: str, name: str) -> None:
    """Leave a server we were given (FRONTWATCH_TEST_PG_URL) as we found it."""
    from sqlalchemy import create_engine
    from sqlalchemy.exc import SQLAlchemyError

    from frontwatch.store.db import resolve_url

    engine = create_engine(resolve_url(server))
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("SET LOCAL lock_timeout = '5s'")
            connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
    except SQLAlchemyError:
        pass  # a connection left open by the test holds a lock: the schema stays, named for this run
    finally:
        engine.dispose()


@pytest.fixture()
def database(db_url: str) -> Iterator[Database]:
    """The database at `db_url`, opened (migrated to the head revision)."""
    from frontwatch.store.db import open_database

    opened = open_database(db_url)
    try:
        yield opened
    finally:
        opened.dispose()


@pytest.fixture()
def web() -> Iterator[LocalWeb]:
    """A local HTTP server on 127.0.0.1 serving what a test adds (tests/feeds_support.py)."""
    server = LocalWeb().start()
    yield server
    server.stop()
