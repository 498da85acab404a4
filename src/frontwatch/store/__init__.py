"""Storage: the schema, opening SQLite or PostgreSQL, migrations, and repository functions.

    from frontwatch.store import open_database, repository
    with open_database("frontwatch.db") as database, database.read() as connection:
        for event in repository.iter_events(connection, place="170063"):
            ...

See docs/storage.md for the schema and the promises the ingest keeps.
"""

from frontwatch.store.db import Database, StoreError, open_database

__all__ = ["Database", "StoreError", "open_database"]
