"""Opening the database: where it is, the engine, SQLite settings, migrations on open.

One code path for both backends. `--db` (or FRONTWATCH_DB) takes a file path or a URL:
a path or `sqlite:///...` opens SQLite, `postgresql://...` opens PostgreSQL with the
psycopg (v3) driver. With neither, the database is `frontwatch.db` in the user data
directory (platformdirs).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError

from frontwatch import config
from frontwatch.errors import StoreError

DB_FILENAME = "frontwatch.db"
# How long a writer waits for another writer's lock before giving up (SQLite busy timeout).
BUSY_TIMEOUT_MS = 30_000
# Arbitrary constant: the PostgreSQL advisory lock that serialises migrations.
_MIGRATION_LOCK = 0x66776462  # "fwdb"
_WRITE = "frontwatch_write"


def default_path() -> Path:
    """`frontwatch.db` in the user data directory (e.g. ~/.local/share/frontwatch/)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("frontwatch", appauthor=False)) / DB_FILENAME


def resolve_url(db: str | None = None) -> URL:
    """The SQLAlchemy URL for `--db` (a path or URL), else FRONTWATCH_DB, else the default file."""
    value = db or config.database() or str(default_path())
    if "://" not in value:
        return URL.create("sqlite", database=str(Path(value).expanduser().resolve()))
    try:
        url = make_url(value)
    except ArgumentError as exc:
        raise StoreError(f"cannot read database URL {value!r} ({exc})") from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        # plain postgresql:// (and the old postgres://) mean the psycopg 3 driver
        driver = url.drivername.partition("+")[2] or "psycopg"
        return url.set(drivername=f"postgresql+{driver}")
    if backend == "sqlite":
        return url
    raise StoreError(f"unsupported database {url.drivername!r} in --db "
                     "(use a file path, sqlite:///PATH or postgresql://USER@HOST/DBNAME)")


def display_url(url: URL) -> str:
    """The URL without its password, for messages and `db info`."""
    return url.render_as_string(hide_password=True)


def create(url: URL) -> Engine:
    """An engine for `url` with the settings Frontwatch relies on (see `_configure_sqlite`)."""
    options: dict[str, Any] = {}
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        options["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000}
    else:
        options["pool_pre_ping"] = True
    try:
        engine = create_engine(url, **options)
    except (NoSuchModuleError, ModuleNotFoundError) as exc:
        raise StoreError(f"no driver for {url.drivername} ({exc}); for PostgreSQL install "
                         "frontwatch[postgres] (psycopg)") from exc
    if url.get_backend_name() == "sqlite":
        _configure_sqlite(engine)
    return engine


def _configure_sqlite(engine: Engine) -> None:
    """WAL (readers never block the writer), foreign keys on, a busy timeout, and real
    transactions: pysqlite's own transaction handling is turned off so that BEGIN is
    ours (DDL inside transactions; BEGIN IMMEDIATE for writers, see `Database.write`)."""

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        # NORMAL is durable across a crash of the process (what matters for ingest); a power
        # failure may lose the last commits but never leaves a half-written one.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def on_begin(connection: Connection) -> None:
        # A writer takes the write lock up front: a deferred transaction that reads and then
        # writes can fail with "database is locked" without waiting for the busy timeout.
        immediate = connection.get_execution_options().get(_WRITE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


class Database:
    """An open Frontwatch database: its URL, engine and transactions."""

    def __init__(self, url: URL, engine: Engine) -> None:
        self.url = url
        self.engine = engine

    @property
    def backend(self) -> str:
        return self.url.get_backend_name()

    @property
    def display_url(self) -> str:
        return display_url(self.url)

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A connection for reading (one transaction, rolled back at the end). Every query in
        it sees the same snapshot: a document and its records read while an ingest replaces
        them come from one version (SQLite's WAL gives this; PostgreSQL needs REPEATABLE READ,
        which never fails a read-only transaction)."""
        with self.engine.connect() as connection:
            if self.backend == "postgresql":
                connection.execution_options(isolation_level="REPEATABLE READ")
            yield connection

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One write transaction: committed when the block ends, rolled back on an exception."""
        with self.engine.connect() as connection:
            connection.execution_options(**{_WRITE: True})
            with connection.begin():
                yield connection

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.dispose()


def open_database(db: str | None = None, *, upgrade: bool = True) -> Database:
    """Open (and create) the database named by `db` / FRONTWATCH_DB / the default path.

    With `upgrade`, migrations up to the schema this code expects run first (a no-op when
    the database is current); without, the schema is left as it is."""
    url = resolve_url(db)
    database = Database(url, create(url))
    try:
        if upgrade:
            migrate(database)
        else:
            database.engine.connect().close()  # fail here, with a clear message, if it cannot be reached
    except OperationalError as exc:
        database.dispose()
        raise StoreError(f"cannot open database {display_url(url)}: {exc.orig}") from exc
    except BaseException:
        database.dispose()
        raise
    return database


# ---------------------------------------------------------------- migrations


def _alembic_config(connection: Connection | None = None) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("frontwatch.store") / "migrations"))
    config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The schema revision this code expects."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(database: Database) -> str | None:
    """The schema revision stored in the database (None for an empty database)."""
    from alembic.runtime.migration import MigrationContext

    with database.read() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(database: Database, revision: str = "head") -> None:
    """Run the shipped migrations up to `revision`, serialised against concurrent openers."""
    from alembic import command
    from alembic.script import ScriptDirectory

    if revision == "head":
        current = current_revision(database)
        head = head_revision()
        if current == head:
            return
        known = {script.revision for script in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}
        if current is not None and current not in known:
            raise StoreError(f"database {database.display_url} has schema revision {current}, newer than this "
                             f"frontwatch knows (up to {head}); upgrade frontwatch")
    with database.write() as connection:
        if database.backend == "postgresql":
            connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_MIGRATION_LOCK})")
        command.upgrade(_alembic_config(connection), revision)


def downgrade(database: Database, revision: str) -> None:
    """Undo migrations down to `revision` ("base": an empty database). For developers and tests."""
    from alembic import command

    with database.write() as connection:
        command.downgrade(_alembic_config(connection), revision)


def table_names(database: Database) -> list[str]:
    return sorted(inspect(database.engine).get_table_names())
