"""The store against real databases: every test that takes `database` or `db_url` runs once on
SQLite (a file in tmp_path) and once on PostgreSQL (see conftest.py)."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.exc import IntegrityError

from frontwatch.kb.index import KnowledgeBase
from frontwatch.pipeline import process
from frontwatch.records import EventRecord, MentionRecord, OutputRecord, QuoteRecord, SourceDocument
from frontwatch.store import StoreError, open_database, repository
from frontwatch.store.db import Database, current_revision, head_revision, resolve_url
from frontwatch.store.repository import Provenance
from frontwatch.store.rows import date_range
from frontwatch.store.schema import documents, events, ingest_runs, mentions, metadata, quotes

REPO = Path(__file__).resolve().parent.parent
ARTICLES = sorted([*(REPO / "examples").glob("*.txt"), *(REPO / "tests" / "gold" / "articles").glob("*.txt")])


@pytest.fixture(scope="module")
def corpus(kb: KnowledgeBase) -> list[tuple[SourceDocument, list[OutputRecord]]]:
    """The example and gold articles as read from disk, with the records process() makes of them."""
    from frontwatch.ingest.readers import iter_sources

    sources = [item for item in iter_sources([str(path) for path in ARTICLES]) if isinstance(item, SourceDocument)]
    assert len(sources) == len(ARTICLES) >= 10
    return [(source, process(source, kb)) for source in sources]


def provenance(source: SourceDocument) -> Provenance:
    return Provenance(source_sha256=repository.source_sha256(source), article_key=repository.article_key(source))


def store(database: Database, source: SourceDocument, records: list[OutputRecord], *, force: bool = False) -> str:
    with database.write() as connection:
        return repository.store_document(connection, records, provenance(source), force=force)


def row_counts(database: Database) -> dict[str, int]:
    with database.read() as connection:
        return repository.counts(connection)


# ---------------------------------------------------------------- schema and opening


def test_migrations_create_exactly_the_schema_the_code_describes(database: Database) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    assert current_revision(database) == head_revision() == "0004"
    with database.read() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_migrations_go_down_and_up_again(database: Database) -> None:
    from frontwatch.store.db import downgrade, migrate, table_names

    downgrade(database, "base")
    assert set(table_names(database)) == {"alembic_version"}
    assert current_revision(database) is None
    migrate(database)
    assert {"documents", "mentions", "events", "quotes", "ingest_runs",
            "document_minhashes"} <= set(table_names(database))


def test_opening_again_keeps_the_data_and_the_revision(db_url: str, corpus: list) -> None:
    source, records = corpus[0]
    with open_database(db_url) as first:
        store(first, source, records)
    with open_database(db_url) as second:
        assert current_revision(second) == head_revision()
        assert row_counts(second)["documents"] == 1


def test_a_schema_newer_than_the_code_is_refused(database: Database, db_url: str) -> None:
    with database.write() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreError, match="newer than this frontwatch"):
        open_database(db_url)


def test_sqlite_runs_in_wal_mode_with_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    with open_database(str(tmp_path / "deep" / "er" / "fw.db")) as database, database.read() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
    assert (tmp_path / "deep" / "er" / "fw.db").exists()


def test_database_urls_paths_and_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_url(str(tmp_path / "a.db")).render_as_string() == f"sqlite:///{tmp_path / 'a.db'}"
    assert resolve_url("postgresql://u:secret@host/db").drivername == "postgresql+psycopg"
    assert resolve_url("postgres://u@host/db").drivername == "postgresql+psycopg"
    assert resolve_url("postgresql+psycopg://u@host/db").drivername == "postgresql+psycopg"
    with pytest.raises(StoreError, match="unsupported database"):
        resolve_url("mysql://u@host/db")
    monkeypatch.setenv("FRONTWATCH_DB", str(tmp_path / "from-env.db"))
    assert resolve_url(None).database == str(tmp_path / "from-env.db")
    assert resolve_url(str(tmp_path / "flag.db")).database == str(tmp_path / "flag.db")  # the flag wins
    monkeypatch.delenv("FRONTWATCH_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    assert resolve_url(None).database == str(tmp_path / "data-home" / "frontwatch" / "frontwatch.db")


def test_an_unreachable_server_is_a_clean_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="cannot open database"):
        open_database(f"postgresql://nobody@/frontwatch?host={tmp_path}&connect_timeout=2")


# ---------------------------------------------------------------- round trip


def test_every_record_comes_back_equal(database: Database, corpus: list) -> None:
    """What goes in comes out: the example and gold articles, records compared whole."""
    for source, records in corpus:
        assert store(database, source, records) == "stored"
    with database.read() as connection:
        for _, records in corpus:
            doc_id = records[0].doc_id
            assert repository.document_records(connection, doc_id) == records
        assert repository.document_records(connection, "no-such-document") == []
        assert repository.get_document(connection, "no-such-document") is None
        stored_events = list(repository.iter_events(connection))
    every_event = [r for _, records in corpus for r in records if isinstance(r, EventRecord)]
    assert len(every_event) > 100 and sorted(e.event_id for e in stored_events) == sorted(
        e.event_id for e in every_event)
    counts = row_counts(database)
    assert counts["documents"] == len(corpus)
    assert counts["mentions"] == sum(isinstance(r, MentionRecord) for _, rs in corpus for r in rs)
    assert counts["quotes"] == sum(isinstance(r, QuoteRecord) for _, rs in corpus for r in rs) > 0


def test_documents_stream_back_with_their_text(database: Database, corpus: list) -> None:
    for source, records in corpus[:3]:
        store(database, source, records)
    with database.read() as connection:
        streamed = list(repository.iter_documents(connection))
    assert streamed == [records[0] for _, records in corpus[:3]]
    assert all(document.text for document in streamed)


# ---------------------------------------------------------------- versions and atomicity


def article(doc_id: str, text_: str, **fields: str) -> SourceDocument:
    return SourceDocument(doc_id=doc_id, text=text_, source="feed.jsonl:1", **fields)


FIRST = ("Syrian rebels entered Hama on Thursday after government forces withdrew towards Homs, "
         "a war monitor said. Russian jets struck Idlib.")
SECOND = "Turkish troops shelled positions near Manbij on Monday, killing three SDF fighters."


def test_the_same_source_again_is_a_no_op(database: Database, kb: KnowledgeBase) -> None:
    source = article("a-1", FIRST, published="2024-12-05")
    records = process(source, kb)
    assert store(database, source, records) == "stored"
    with database.read() as connection:
        before = connection.execute(select(mentions.c.id).order_by(mentions.c.id)).scalars().all()
    assert store(database, source, records) == "unchanged"
    moved = source.model_copy(update={"source": "elsewhere/feed.jsonl:7"})  # where it was read does not count
    assert store(database, moved, process(moved, kb)) == "unchanged"
    with database.read() as connection:
        assert connection.execute(select(mentions.c.id).order_by(mentions.c.id)).scalars().all() == before
    assert store(database, source, records, force=True) == "replaced"


def test_a_new_version_replaces_every_record_of_the_old(database: Database, kb: KnowledgeBase) -> None:
    old = article("a-1", FIRST, published="2024-12-05")
    new = article("a-1", SECOND, published="2024-12-06")
    old_records, new_records = process(old, kb), process(new, kb)
    assert len(old_records) > 3 and old_records != new_records
    store(database, old, old_records)
    assert store(database, new, new_records) == "replaced"
    with database.read() as connection:
        assert repository.document_records(connection, "a-1") == new_records
    counts = row_counts(database)
    assert counts["documents"] == 1
    assert counts["mentions"] == sum(isinstance(r, MentionRecord) for r in new_records)
    assert counts["events"] == sum(isinstance(r, EventRecord) for r in new_records)


def test_a_new_version_of_a_url_replaces_the_old_and_a_copy_under_another_url_is_not_stored_twice(
        database: Database, kb: KnowledgeBase) -> None:
    def page(text_: str, url: str) -> SourceDocument:
        return SourceDocument(text=text_, doc_id=repository.source_doc_id(SourceDocument(text=text_)),
                              url=url, source="page.html")

    first = page(FIRST, "https://example.org/hama")
    assert store(database, first, process(first, kb)) == "stored"
    updated = page(FIRST + " Later: rebels also entered Homs.", "https://example.org/hama")
    assert store(database, updated, process(updated, kb)) == "replaced"
    copy = page(updated.text, "https://mirror.example.net/hama")
    assert store(database, copy, process(copy, kb)) == "unchanged"
    with database.read() as connection:
        stored = connection.execute(select(documents.c.doc_id, documents.c.url)).all()
    assert stored == [(updated.doc_id, "https://example.org/hama")]


def test_a_failure_half_way_through_a_document_leaves_the_old_version_whole(
        database: Database, kb: KnowledgeBase) -> None:
    old = article("a-1", FIRST)
    old_records = process(old, kb)
    store(database, old, old_records)
    new = article("a-1", SECOND)
    new_records = process(new, kb)
    # a mention the database refuses (its CHECK on span order), stored after the document row,
    # the deletes of the old records and the first mentions
    broken = MentionRecord(doc_id="a-1", start=10, end=5, surface="x", entity_type="place", entity_id="1", name="x")
    with pytest.raises(IntegrityError):
        store(database, new, [*new_records, broken])
    with database.read() as connection:
        assert repository.document_records(connection, "a-1") == old_records
    assert row_counts(database)["mentions"] == sum(isinstance(r, MentionRecord) for r in old_records)


def test_deleting_a_document_deletes_its_records(database: Database, corpus: list) -> None:
    for source, records in corpus[:2]:
        store(database, source, records)
    with database.write() as connection:
        connection.execute(delete(documents).where(documents.c.doc_id == corpus[0][1][0].doc_id))
    with database.read() as connection:
        for table in (mentions, events, quotes):
            orphans = connection.execute(
                select(func.count()).select_from(table.outerjoin(documents))
                .where(documents.c.id.is_(None))).scalar_one()
            assert orphans == 0
        assert repository.document_records(connection, corpus[1][1][0].doc_id) == corpus[1][1]
    assert row_counts(database)["mentions"] == sum(isinstance(r, MentionRecord) for r in corpus[1][1])


# ---------------------------------------------------------------- queries


def test_event_filters_match_filtering_the_records_by_hand(database: Database, corpus: list) -> None:
    for source, records in corpus:
        store(database, source, records)
    every = [r for _, records in corpus for r in records if isinstance(r, EventRecord)]

    def ids(events_: list[EventRecord]) -> list[str]:
        return sorted(e.event_id for e in events_)

    place = max({e.location.entity_id for e in every if e.location},
                key=lambda p: sum(1 for e in every if e.location and e.location.entity_id == p))
    with database.read() as connection:
        def query(**filters: object) -> list[str]:
            return ids(list(repository.iter_events(connection, **filters)))  # type: ignore[arg-type]

        assert query(place=place) == ids([e for e in every if e.location and e.location.entity_id == place])
        assert len(query(place=place)) >= 2
        for modality in ("asserted", "hypothetical", "negated"):
            assert query(modality=modality) == ids([e for e in every if e.modality == modality])
        assert query(modality=["hedged", "reported"]) == ids(
            [e for e in every if e.modality in ("hedged", "reported")])
        assert query(event_type="Battles") == ids([e for e in every if e.event_type == "Battles"]) != []
        sub = "Non-state actor overtakes territory"
        assert query(sub_event_type=sub) == ids([e for e in every if e.sub_event_type == sub]) != []
        day = min(e.date for e in every if e.date and e.date_precision == "day")
        since = datetime.date.fromisoformat(day) - datetime.timedelta(days=3)
        until = since + datetime.timedelta(days=6)
        in_range = [e for e in every if e.date and date_range(e.date, e.date_precision)[0] <= until  # type: ignore
                    and date_range(e.date, e.date_precision)[1] >= since]  # type: ignore[operator]
        assert query(since=since, until=until) == ids(in_range) != []
        assert query(since=since, until=until, place=place, modality="asserted") == ids(
            [e for e in in_range if e.location and e.location.entity_id == place and e.modality == "asserted"])
        doc_id = corpus[0][1][0].doc_id
        assert query(doc_id=doc_id) == ids([e for e in every if e.doc_id == doc_id])
        ordered = [e.date for e in repository.iter_events(connection) if e.date]
        starts = [date_range(d, "day")[0] for d in ordered]
        assert starts == sorted(starts)  # type: ignore[type-var]


def test_dated_events_overlap_the_range_they_may_mean() -> None:
    assert date_range("2018", "year") == (datetime.date(2018, 1, 1), datetime.date(2018, 12, 31))
    assert date_range("2024-02", "month") == (datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))
    assert date_range("2024-12-05", "day") == (datetime.date(2024, 12, 5),) * 2
    assert date_range("2024-12-05", "week") == (datetime.date(2024, 11, 29), datetime.date(2024, 12, 5))
    assert date_range(None, "unknown") == (None, None)
    assert date_range("2024-13-40", "day") == (None, None)


def test_a_year_event_is_found_by_a_range_inside_that_year(database: Database, kb: KnowledgeBase) -> None:
    source = article("y-1", "In 2018, Syrian government forces recaptured Deraa from rebels, officials said.",
                     published="2024-12-05")
    records = process(source, kb)
    stored_events = [r for r in records if isinstance(r, EventRecord)]
    assert stored_events and stored_events[0].date == "2018"
    store(database, source, records)
    with database.read() as connection:
        found = list(repository.iter_events(connection, since=datetime.date(2018, 6, 1),
                                            until=datetime.date(2018, 6, 30)))
        assert [e.event_id for e in found] == [stored_events[0].event_id]
        assert list(repository.iter_events(connection, since=datetime.date(2019, 1, 1))) == []


def test_ingest_runs_record_counts_and_errors(database: Database) -> None:
    with database.write() as connection:
        run_id = repository.start_run(connection, ["inbox/"], "0.1.0", "abc")
    with database.write() as connection:
        repository.update_run(connection, run_id, {"documents_read": 3, "documents_skipped": 1}, status="finished",
                              errors=[{"source": "inbox/bad.txt", "reason": "empty"}])
    with database.read() as connection:
        row = connection.execute(select(ingest_runs)).one()
    assert (row.status, row.documents_read, row.documents_skipped) == ("finished", 3, 1)
    assert row.errors == [{"source": "inbox/bad.txt", "reason": "empty"}] and row.inputs == ["inbox/"]
    assert row.finished_at is not None and row.finished_at >= row.started_at


def test_ingest_streams_and_commits_each_document_before_reading_the_next(
        database: Database, kb: KnowledgeBase, corpus: list) -> None:
    from frontwatch.records import Skipped
    from frontwatch.store.ingest import IngestSummary, ingest

    seen_committed: list[int] = []

    def sources():  # type: ignore[no-untyped-def]
        for index, (source, _) in enumerate(corpus[:5]):
            if index == 2:
                yield Skipped(source="bad.txt", reason="empty")
            seen_committed.append(row_counts(database)["documents"])  # another connection's view
            yield source

    summary = IngestSummary()
    ingest(sources(), kb, database, summary, inputs=["corpus/"])
    assert seen_committed == [0, 1, 2, 3, 4]  # pulled one at a time, each stored for good before the next
    assert (summary.documents, summary.stored, len(summary.skipped)) == (5, 5, 1)
    with database.read() as connection:
        run = repository.runs(connection)[0]
    assert (run.status, run.documents_stored, run.documents_skipped) == ("finished", 5, 1)
    assert run.errors == [{"source": "bad.txt", "reason": "empty"}]
