"""Run the per-document function on Ray Data: on this machine, or on a cluster (`RAY_ADDRESS`).

The pipeline is read -> extract -> write, streamed by Ray Data block by block:

- read: JSONL/NDJSON/CSV/TSV files go through the same line readers as `frontwatch extract`
  (`ingest.readers`), inside a Ray datasource, so a broken line is a Skipped naming `path:LINE`
  and documents carry the same `source`; Parquet files go through `ray.data.read_parquet`, their
  columns named as in a JSONL corpus. Paths are local files, directories or any URI pyarrow's
  file systems know (`s3://`, `gs://`, `abfs://`, `hdfs://`).
- extract: `map_batches` with `compute=TaskPoolStrategy(size=N)`: each Ray worker process loads the
  KB once (kept for the tasks it runs next) and calls `engines.pool.extract_one`, the function every
  engine uses. Read, extract and write fuse into one task per block.
- write: `extract` writes shards (`part-TASK-ID.jsonl` or `.parquet`) into a directory or URI from
  the workers themselves; `ingest` stores each batch of documents in one database transaction
  from the workers (documents in savepoints), and only small per-document outcomes reach the driver.

Ray is an optional dependency (`pip install 'frontwatch[ray]'`). See docs/scaling.md.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from frontwatch.engines.local import Summary, to_json
from frontwatch.engines.pool import ExtractOptions, extract_one
from frontwatch.errors import EngineError
from frontwatch.records import OutputRecord, Skipped, SourceDocument

if TYPE_CHECKING:
    import pyarrow

    from frontwatch.kb.index import KnowledgeBase
    from frontwatch.store.db import Database
    from frontwatch.store.ingest import IngestSummary

# The source-document columns of the read stage (all strings, null when absent); `kind` is
# "document" or "skipped" (then `reason` says why and only `source` is set).
SOURCE_COLUMNS = ("kind", "source", "reason", "text", "doc_id", "title", "outlet", "url", "published", "language")
# The columns of the extract stage and of Parquet shards: `json` is the record's JSONL line, byte
# for byte what `frontwatch extract` writes; `record` its kind ("skipped" rows never reach a shard).
RECORD_COLUMNS = ("doc_id", "record", "json")
READ_BLOCK_DOCUMENTS = 64  # documents per block the reader yields
BATCH_DOCUMENTS = 16  # documents per map_batches call (and per database transaction in ingest)
LINE_KINDS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv", ".tsv": "tsv"}


def _ray() -> Any:
    try:
        import ray
        import ray.data  # noqa: F401
    except ImportError as exc:
        raise EngineError(f"--engine ray needs Ray Data ({exc.name} is missing): "
                          "pip install 'frontwatch[ray]'") from exc
    return ray


def default_cpus() -> int:
    """CPUs for a local Ray: one less than the machine (at least 1). Ray Data in local mode can stall
    when its workers take every CPU and the driver gets none (DESIGN.md, library notes)."""
    return max(1, (os.cpu_count() or 2) - 1)


def init(num_cpus: int | None = None) -> None:
    """Connect to the cluster named by RAY_ADDRESS, else start Ray on this machine with `num_cpus`
    (default: one less than the machine). Nothing happens when Ray is already initialised."""
    ray = _ray()
    # Ray Data logs every operator's progress at INFO; the CLI prints its own summary.
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    ray.data.DataContext.get_current().enable_progress_bars = False
    if ray.is_initialized():
        return
    address = os.environ.get("RAY_ADDRESS")
    try:
        if address:
            ray.init(log_to_driver=False)  # ray.init reads RAY_ADDRESS itself
        else:
            ray.init(num_cpus=num_cpus or default_cpus(), include_dashboard=False, log_to_driver=False,
                     configure_logging=False)
    except Exception as exc:  # noqa: BLE001 - Ray raises plain Exception for a node that fails to start
        where = f"the Ray cluster at RAY_ADDRESS={address}" if address else "a local Ray"
        raise EngineError(f"cannot start {where}: {' '.join(str(exc).split())} "
                          "(a busy machine can time out Ray's start: try again, or use --engine local)") from exc


def task_count(num_cpus: int | None) -> int:
    """Concurrent extraction tasks: `num_cpus` when given, else every CPU Ray has."""
    if num_cpus:
        return num_cpus
    return max(1, int(_ray().cluster_resources().get("CPU", 1)))


# ---------------------------------------------------------------- read


def _line_kind(path: str) -> str:
    suffix = os.path.splitext(path.rstrip("/"))[1].lower()
    return LINE_KINDS.get(suffix, "jsonl")


def _source_table(items: Sequence[SourceDocument | Skipped]) -> pyarrow.Table:
    import pyarrow as pa

    columns: dict[str, list[str | None]] = {name: [] for name in SOURCE_COLUMNS}
    for item in items:
        row: dict[str, str | None]
        if isinstance(item, Skipped):
            row = {"kind": "skipped", "source": item.source, "reason": item.reason}
        else:
            row = {"kind": "document", **item.model_dump()}
        for name in SOURCE_COLUMNS:
            columns[name].append(row.get(name))
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})


def _item(row: dict[str, Any]) -> SourceDocument | Skipped:
    if row["kind"] == "skipped":
        return Skipped(source=row["source"], reason=row["reason"])
    return SourceDocument(**{name: row[name] for name in SOURCE_COLUMNS[3:]}, source=row["source"])


def _line_datasource(paths: list[str], max_doc_bytes: int) -> Any:
    from ray.data.datasource import FileBasedDatasource

    class LineCorpusDatasource(FileBasedDatasource):  # type: ignore[misc]
        """JSONL/CSV/TSV files read by Frontwatch's own line readers, one block per 64 documents."""

        def _read_stream(self, f: Any, path: str) -> Iterator[pyarrow.Table]:
            from frontwatch.ingest.readers import read_lines

            batch: list[SourceDocument | Skipped] = []
            for item in read_lines(f, path, _line_kind(path), max_doc_bytes):
                batch.append(item)
                if len(batch) >= READ_BLOCK_DOCUMENTS:
                    yield _source_table(batch)
                    batch = []
            if batch:
                yield _source_table(batch)

    return LineCorpusDatasource(paths, file_extensions=[suffix[1:] for suffix in LINE_KINDS])


def _parquet_rows(batch: pyarrow.Table) -> pyarrow.Table:
    """Parquet corpus rows (any column names the JSONL reader accepts) as source-document rows."""
    from frontwatch.errors import InputError
    from frontwatch.ingest.tabular import document_from_fields, skipped_from

    items: list[SourceDocument | Skipped] = []
    for row in batch.to_pylist():
        fields = {str(key).lower(): value for key, value in row.items()}
        source = str(fields.pop("path", "parquet"))
        try:
            items.append(document_from_fields(fields, source))
        except InputError as error:
            items.append(skipped_from(error))
    return _source_table(items)


def read_corpus(paths: Sequence[str], max_doc_bytes: int) -> Any:
    """A Ray Dataset of source-document rows (SOURCE_COLUMNS) from JSONL/CSV/TSV/Parquet paths or URIs;
    a path ending in .parquet, or a directory/prefix holding .parquet files, is read as Parquet."""
    ray = _ray()
    parquet = [p for p in paths if _is_parquet(p)]
    lines = [p for p in paths if p not in parquet]
    datasets = []
    try:
        if lines:
            datasets.append(ray.data.read_datasource(_line_datasource(lines, max_doc_bytes)))
        if parquet:
            table = ray.data.read_parquet(parquet, include_paths=True)
            datasets.append(table.map_batches(_parquet_rows, batch_format="pyarrow", batch_size=BATCH_DOCUMENTS * 4))
    except (OSError, ValueError) as exc:  # a missing path, an unknown URI scheme
        raise EngineError(f"cannot read {', '.join(paths)}: {exc}") from exc
    dataset = datasets[0]
    for other in datasets[1:]:
        dataset = dataset.union(other)
    return dataset


def _is_parquet(path: str) -> bool:
    if path.rstrip("/").lower().endswith(".parquet"):
        return True
    import pyarrow.fs as pafs

    try:
        filesystem, root = pafs.FileSystem.from_uri(path) if "://" in path else (pafs.LocalFileSystem(), path)
        info = filesystem.get_file_info(root)
        if info.type != pafs.FileType.Directory:
            return False
        found = filesystem.get_file_info(pafs.FileSelector(root, recursive=True))
    except (OSError, ValueError):
        return False
    return any(entry.path.lower().endswith(".parquet") for entry in found)


# ---------------------------------------------------------------- extract


# What a Ray worker process loaded once and keeps for every task it runs: KBs by options, databases by URL.
# Tasks rather than actors: with one CPU (a 2-core machine, one CPU left to the driver) an actor pool
# would hold the only CPU while the read tasks that feed it wait for one; a task reads, extracts and
# writes its block in one go (Ray Data fuses the stages), and the worker process is reused.
_worker_kbs: dict[ExtractOptions, KnowledgeBase] = {}
_worker_databases: dict[str, Database] = {}


def _kb_for(options: ExtractOptions) -> KnowledgeBase:
    kb = _worker_kbs.get(options)
    if kb is None:
        kb = _worker_kbs[options] = options.load_kb()
    return kb


def extract_batch(batch: pyarrow.Table, options: ExtractOptions) -> pyarrow.Table:
    """Source rows -> record rows (RECORD_COLUMNS), with the KB this worker process loaded once."""
    import pyarrow as pa

    kb = _kb_for(options)
    columns: dict[str, list[str | None]] = {name: [] for name in RECORD_COLUMNS}
    for row in batch.to_pylist():
        result = extract_one(_item(row), kb, options)
        if isinstance(result, Skipped):
            _append(columns, None, "skipped", json.dumps(result.model_dump(), ensure_ascii=False))
            continue
        assert isinstance(result, list)
        for record in result:
            _append(columns, record.doc_id, record.record, to_json(record))  # type: ignore[union-attr]
    return pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})


def _append(columns: dict[str, list[str | None]], doc_id: str | None, record: str, data: str) -> None:
    columns["doc_id"].append(doc_id)
    columns["record"].append(record)
    columns["json"].append(data)


class ShardSink:
    """Writes each write task's records to one shard file (JSONL lines or a Parquet table of
    RECORD_COLUMNS) and returns its counts; the driver adds them up in `on_write_complete`."""

    def __init__(self, out: str, output_format: str) -> None:
        self.out = out.rstrip("/")
        self.output_format = output_format
        self.summary = Summary()
        self.files: list[str] = []


def _shard_sink(out: str, output_format: str) -> Any:
    from ray.data.datasource import Datasink

    class RecordShardDatasink(ShardSink, Datasink):  # type: ignore[misc]
        def on_write_start(self, schema: Any = None) -> None:
            filesystem, root = _filesystem(self.out)
            filesystem.create_dir(root, recursive=True)

        def write(self, blocks: Any, ctx: Any) -> dict[str, Any]:
            import pyarrow as pa

            tables = [block if isinstance(block, pa.Table) else pa.Table.from_pandas(block) for block in blocks]
            table = pa.concat_tables(tables) if tables else pa.table({n: pa.array([], pa.string())
                                                                        for n in RECORD_COLUMNS})
            kinds = table.column("record").to_pylist()
            skipped = [json.loads(data) for kind, data in zip(kinds, table.column("json").to_pylist(), strict=True)
                       if kind == "skipped"]
            records = table.filter(pa.compute.not_equal(table.column("record"), "skipped"))
            result: dict[str, Any] = {"documents": kinds.count("document"), "records": records.num_rows,
                                      "skipped": skipped, "file": None}
            if records.num_rows:
                name = f"{self.out}/part-{ctx.task_idx:05d}-{uuid.uuid4().hex[:8]}.{self.output_format}"
                filesystem, path = _filesystem(name)
                with filesystem.open_output_stream(path) as stream:
                    if self.output_format == "parquet":
                        import pyarrow.parquet as pq

                        pq.write_table(records, stream)
                    else:
                        for line in records.column("json").to_pylist():
                            stream.write(line.encode("utf-8") + b"\n")
                result["file"] = name
            return result

        def on_write_complete(self, write_result: Any) -> None:
            for returned in write_result.write_returns:
                self.summary.documents += returned["documents"]
                self.summary.records += returned["records"]
                self.summary.skipped.extend(Skipped(**skip) for skip in returned["skipped"])
                if returned["file"]:
                    self.files.append(returned["file"])

    return RecordShardDatasink(out, output_format)


def _filesystem(uri: str) -> tuple[Any, str]:
    import pyarrow.fs as pafs

    if "://" in uri:
        return pafs.FileSystem.from_uri(uri)  # type: ignore[no-any-return]
    return pafs.LocalFileSystem(), os.path.abspath(uri)


def extract(paths: Sequence[str], out: str, options: ExtractOptions, *, output_format: str = "jsonl",
            num_cpus: int | None = None, max_doc_bytes: int = 20_000_000) -> Summary:
    """`frontwatch extract --engine ray`: records of every document in `paths`, as JSONL or Parquet
    shards in the directory or URI `out`. Returns the batch summary (documents, records, skipped)."""
    ray = _ray()
    init(num_cpus)
    tasks = task_count(num_cpus)
    records = read_corpus(paths, max_doc_bytes).map_batches(
        extract_batch, fn_kwargs={"options": replace(options, form="records")}, batch_format="pyarrow",
        batch_size=BATCH_DOCUMENTS, compute=ray.data.TaskPoolStrategy(size=tasks))
    sink = _shard_sink(out, output_format)
    try:
        records.write_datasink(sink)
    except ray.exceptions.RayError as exc:
        raise EngineError(f"the Ray job failed: {exc}") from exc
    return sink.summary  # type: ignore[no-any-return]


# ---------------------------------------------------------------- ingest


def store_batch(batch: pyarrow.Table, options: ExtractOptions, db_url: str, kb_digest: str, run_id: int,
                force: bool) -> pyarrow.Table:
    """`ingest`'s work on one batch of source rows: check each against the store, process the new
    ones and write them in one transaction; returns one outcome row per document."""
    import pyarrow as pa

    from frontwatch.store import open_database
    from frontwatch.store.ingest import store_many, stored_unchanged

    kb = _kb_for(options)
    database = _worker_databases.get(db_url)
    if database is None:
        database = _worker_databases[db_url] = open_database(db_url, upgrade=False)
    outcomes: list[tuple[str, str, str | None, int]] = []  # (outcome, source, reason, records)
    to_store: list[tuple[SourceDocument, list[OutputRecord]]] = []
    for row in batch.to_pylist():
        item = _item(row)
        if isinstance(item, Skipped):
            outcomes.append(("skipped", item.source, item.reason, 0))
            continue
        if not force:
            with database.read() as connection:
                if stored_unchanged(connection, item):
                    outcomes.append(("unchanged", item.source, None, 0))
                    continue
        result = extract_one(item, kb, options)
        if isinstance(result, Skipped):
            outcomes.append(("skipped", result.source, result.reason, 0))
            continue
        assert isinstance(result, list)
        to_store.append((item, result))
    stored = store_many(database, to_store, kb_digest=kb_digest, run_id=run_id, force=force)
    for (source, records), outcome in zip(to_store, stored, strict=True):
        if isinstance(outcome, Skipped):
            outcomes.append(("skipped", outcome.source, outcome.reason, 0))
        else:
            outcomes.append((outcome, source.source, None, len(records)))
    return pa.table({
        "outcome": pa.array([o[0] for o in outcomes], pa.string()),
        "source": pa.array([o[1] for o in outcomes], pa.string()),
        "reason": pa.array([o[2] for o in outcomes], pa.string()),
        "records": pa.array([o[3] for o in outcomes], pa.int64()),
    })


def ingest(paths: Sequence[str], db: str | None, options: ExtractOptions, *, force: bool = False,
           num_cpus: int | None = None, max_doc_bytes: int = 20_000_000) -> IngestSummary:
    """`frontwatch ingest --engine ray`: extract with Ray and store from the Ray workers, a batch of
    documents per transaction. The run is recorded in `ingest_runs` like a local ingest."""
    from pathlib import Path

    from frontwatch import __version__
    from frontwatch.kb.index import prepare
    from frontwatch.store import open_database, repository
    from frontwatch.store.ingest import IngestSummary

    ray = _ray()
    digest = prepare([Path(d) for d in options.kb_dirs])
    summary = IngestSummary()
    with open_database(db) as database:  # creates or migrates the schema before any worker connects
        if database.backend == "sqlite" and os.environ.get("RAY_ADDRESS"):
            raise EngineError("a SQLite file cannot be shared by a Ray cluster's nodes: give --db postgresql://...")
        url = database.url.render_as_string(hide_password=False)
        with database.write() as connection:
            summary.run_id = repository.start_run(connection, list(paths), __version__, digest)
        status = "failed"
        try:
            init(num_cpus)
            outcomes = read_corpus(paths, max_doc_bytes).map_batches(
                store_batch, fn_kwargs={"options": replace(options, form="records"), "db_url": url,
                                        "kb_digest": digest, "run_id": summary.run_id, "force": force},
                batch_format="pyarrow", batch_size=BATCH_DOCUMENTS,
                compute=ray.data.TaskPoolStrategy(size=task_count(num_cpus)))
            try:
                for row in outcomes.iter_rows():
                    if row["outcome"] == "skipped":
                        summary.skipped.append(Skipped(source=row["source"], reason=row["reason"]))
                    else:
                        summary.count(row["outcome"], row["records"])
            except ray.exceptions.RayError as exc:
                raise EngineError(f"the Ray job failed: {exc}") from exc
            status = "finished"
        finally:
            errors = [{"source": skip.source, "reason": skip.reason} for skip in summary.skipped]
            with database.write() as connection:
                repository.update_run(connection, summary.run_id, summary.run_counts(), status=status, errors=errors)
    return summary
