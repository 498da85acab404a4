"""`--engine ray` (engines/ray_engine.py) in Ray's local mode: the records equal the local engine's.

One Ray session for the module (starting Ray takes seconds). Skipped when Ray is not installed,
unless FRONTWATCH_REQUIRE_ALL=1 (CI, which installs it with the `test` extra): then it fails."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from frontwatch.engines.local import Summary
from frontwatch.engines.pool import ExtractOptions, extract_to_jsonl
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase
from frontwatch.store import open_database, repository
from frontwatch.store.ingest import IngestSummary, ingest
from test_pool import frontwatch, varied_documents, write_corpus

pytestmark = pytest.mark.ray


def require_ray() -> None:
    """Skip without Ray, or fail when FRONTWATCH_REQUIRE_ALL says every optional part must run."""
    try:
        import ray  # noqa: F401
        import ray.data  # noqa: F401
    except ImportError as exc:
        message = f"Ray is not installed ({exc}): pip install -e '.[ray]'"
        if os.environ.get("FRONTWATCH_REQUIRE_ALL", "") not in ("", "0"):
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def ray_session() -> Iterator[None]:
    require_ray()
    import ray

    from frontwatch.engines import ray_engine

    ray_engine.init()  # one CPU less than the machine, at least one
    try:
        yield
    finally:
        ray.shutdown()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("ray") / "corpus.jsonl", varied_documents(40), broken_after=15)


def test_the_cli_runs_the_ray_engine(corpus: Path, tmp_path: Path) -> None:
    """First in the module: the CLI starts (and stops) its own local Ray before the module's session does."""
    require_ray()
    out = tmp_path / "shards"
    result = frontwatch("extract", str(corpus), "--engine", "ray", "--workers", "1", "--out", str(out))
    assert result.returncode == 1, result.stderr  # two bad lines
    assert "read 40 documents, skipped 2" in result.stderr
    assert f"skipped {corpus}:16: not valid JSON" in result.stderr
    ones = frontwatch("extract", str(corpus), "--workers", "1")
    assert sorted(shard_lines(out)) == sorted(ones.stdout.splitlines())
    refused = frontwatch("extract", str(corpus), "--engine", "ray")
    assert refused.returncode == 2 and "--out DIR" in refused.stderr


def local_extract(paths: list[str], kb: KnowledgeBase) -> tuple[list[str], Summary]:
    out = io.StringIO()
    summary = Summary()
    extract_to_jsonl(iter_sources(paths), ExtractOptions(), out, summary, workers=1, kb=kb)
    return out.getvalue().splitlines(), summary


def shard_lines(directory: Path) -> list[str]:
    return [line for shard in sorted(directory.glob("part-*.jsonl"))
            for line in shard.read_text(encoding="utf-8").splitlines()]


def test_jsonl_shards_hold_the_local_records(ray_session: None, corpus: Path, kb: KnowledgeBase,
                                             tmp_path: Path) -> None:
    from frontwatch.engines import ray_engine

    expected, expected_summary = local_extract([str(corpus)], kb)
    summary = ray_engine.extract([str(corpus)], str(tmp_path / "shards"), ExtractOptions())
    lines = shard_lines(tmp_path / "shards")
    assert sorted(lines) == sorted(expected)  # the same JSONL lines, byte for byte
    assert (summary.documents, summary.records) == (expected_summary.documents, expected_summary.records) == (
        40, len(expected))
    assert sorted((s.source, s.reason) for s in summary.skipped) == sorted(
        (s.source, s.reason) for s in expected_summary.skipped)
    assert {s.source for s in summary.skipped} == {f"{corpus}:16", f"{corpus}:18"}


def test_parquet_in_and_out(ray_session: None, corpus: Path, kb: KnowledgeBase, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from frontwatch.engines import ray_engine

    documents = varied_documents(12)
    source = tmp_path / "corpus.parquet"
    pq.write_table(pa.Table.from_pylist(documents), source)
    summary = ray_engine.extract([str(source)], str(tmp_path / "out"), ExtractOptions(events=False),
                                 output_format="parquet")
    table = pa.concat_tables([pq.read_table(p) for p in sorted((tmp_path / "out").glob("part-*.parquet"))])
    assert table.column_names == ["doc_id", "record", "json"]
    got = [json.loads(line) for line in table.column("json").to_pylist()]
    assert [r["record"] for r in got] == table.column("record").to_pylist()
    jsonl = write_corpus(tmp_path / "same.jsonl", documents)
    out = io.StringIO()
    extract_to_jsonl(iter_sources([str(jsonl)]), ExtractOptions(events=False), out, Summary(), kb=kb)
    expected = [json.loads(line) for line in out.getvalue().splitlines()]
    # a Parquet row has no line number: its document's source is the file
    assert {r["source"] for r in got if r["record"] == "document"} == {str(source)}
    for record in expected + got:
        record.pop("source", None)
    key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    assert summary.documents == 12 and not summary.skipped


def test_ingest_with_ray_stores_what_local_ingest_stores(ray_session: None, db_url: str, corpus: Path,
                                                         kb: KnowledgeBase, tmp_path: Path) -> None:
    from frontwatch.engines import ray_engine

    local_url = f"sqlite:///{tmp_path / 'local.db'}"
    with open_database(local_url) as local:
        ingest(iter_sources([str(corpus)]), kb, local, IngestSummary(), inputs=[str(corpus)])
    summary = ray_engine.ingest([str(corpus)], db_url, ExtractOptions())
    assert (summary.stored, summary.unchanged, len(summary.skipped)) == (40, 0, 2)
    with open_database(local_url) as local, open_database(db_url) as database:
        with local.read() as expected, database.read() as connection:
            ids = sorted(d.doc_id for d in repository.iter_documents(expected))
            assert sorted(d.doc_id for d in repository.iter_documents(connection)) == ids
            for doc_id in ids:
                assert repository.document_records(connection, doc_id) == repository.document_records(expected, doc_id)
            run = repository.runs(connection, limit=1)[0]
            assert run.status == "finished" and run.documents_stored == 40 and run.documents_skipped == 2
    again = ray_engine.ingest([str(corpus)], db_url, ExtractOptions())
    assert (again.stored, again.unchanged) == (0, 40)


def test_a_missing_input_is_a_clean_error(ray_session: None, tmp_path: Path) -> None:
    from frontwatch.engines import ray_engine
    from frontwatch.errors import EngineError

    with pytest.raises(EngineError, match="no-such-corpus"):
        ray_engine.extract([str(tmp_path / "no-such-corpus.jsonl")], str(tmp_path / "out"), ExtractOptions())
