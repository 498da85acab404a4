"""The `frontwatch` command. Subcommands parse arguments, call one library
function and format its result; nothing else happens here."""

from __future__ import annotations

import sys
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated

import typer

from frontwatch import config
from frontwatch.errors import FrontwatchError

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Frontwatch: sourced, geocoded situation pictures from conflict news.")
kb_app = typer.Typer(no_args_is_help=True, help="Inspect and build the knowledge base index.")
app.add_typer(kb_app, name="kb")
db_app = typer.Typer(no_args_is_help=True, help="Inspect and upgrade the database.")
app.add_typer(db_app, name="db")

KbOption = Annotated[list[Path] | None, typer.Option("--kb", help="Extra KB directory (repeatable).")]
DbOption = Annotated[str | None, typer.Option(
    "--db", help="Database: a SQLite file path, sqlite:///PATH or postgresql://... "
                 "(default: FRONTWATCH_DB, else frontwatch.db in the user data directory).")]


EngineOption = Annotated[str, typer.Option(
    "--engine", help="local: this machine, --workers processes; ray: Ray Data, locally or on a cluster "
                     "(RAY_ADDRESS; pip install 'frontwatch[ray]'; see docs/scaling.md).")]
WorkersOption = Annotated[int | None, typer.Option(
    "--workers", "-w", min=1, help="Worker processes for --engine local (default: all cores); "
                                   "Ray CPUs for --engine ray (default: all but one).")]
OrderedOption = Annotated[bool, typer.Option(
    "--ordered/--unordered", help="Output in input order (default; the same bytes as one worker) "
                                  "or as documents finish.")]
ENGINES = ("local", "ray")


def _fail(message: str) -> None:
    typer.echo(f"frontwatch: error: {message}", err=True)
    raise typer.Exit(2)


def _load_kb(kb_dirs: list[Path] | None):  # type: ignore[no-untyped-def]
    from frontwatch.kb.index import load

    return load(config.extra_kb_dirs(kb_dirs))


def _prepare_local(kb_dirs: list[Path] | None, workers: int | None, events: bool = True):  # type: ignore[no-untyped-def]
    """(options, workers, kb): the KB is loaded here only for one worker; a pool's workers load it
    themselves, from the cached index this builds when missing."""
    from frontwatch.engines.pool import ExtractOptions, default_workers
    from frontwatch.kb.index import prepare

    dirs = config.extra_kb_dirs(kb_dirs)
    count = workers or default_workers()
    options = ExtractOptions(kb_dirs=tuple(str(d) for d in dirs), events=events)
    try:
        knowledge = _load_kb(kb_dirs) if count == 1 else None
        digest = knowledge.digest if knowledge is not None else prepare(dirs)
    except FrontwatchError as exc:
        _fail(str(exc))
    return options, count, knowledge, digest


@app.command()
def extract(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories, - for stdin, or http(s) URLs of RSS/Atom feeds or article pages (--engine ray: "
             "JSONL or Parquet files, directories or URIs).")],
    output_format: Annotated[str, typer.Option(
        "--format", help="Output format: jsonl, or parquet (--engine ray).")] = "jsonl",
    out: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write records here instead of stdout (--engine ray: a directory or URI for the "
                            "shards, required).")] = None,
    kb: KbOption = None,
    max_doc_mb: Annotated[float | None, typer.Option(help="Skip documents larger than this (MB).")] = None,
    with_events: Annotated[bool, typer.Option(
        "--events/--no-events", help="Also code events and quotes (default) or stop at mentions.")] = True,
    show_progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr (default: when a terminal).")] = None,
    engine: EngineOption = "local",
    workers: WorkersOption = None,
    ordered: OrderedOption = True,
) -> None:
    """Read articles and write document, mention, event and quote records as JSONL."""
    from frontwatch.engines.local import Summary, progress
    from frontwatch.engines.pool import extract_to_jsonl
    from frontwatch.ingest.readers import iter_sources

    if engine not in ENGINES:
        _fail(f"unknown --engine {engine!r} (supported: {', '.join(ENGINES)})")
    if engine == "ray":
        _extract_ray(paths, output_format, out, kb, with_events, workers, max_doc_mb)
        return
    if output_format != "jsonl":
        _fail(f"unknown --format {output_format!r} (supported: jsonl; parquet with --engine ray)")
    options, count, knowledge, _digest = _prepare_local(kb, workers, with_events)
    limit = int((max_doc_mb or config.max_doc_mb()) * 1_000_000)
    enabled = sys.stderr.isatty() if show_progress is None else show_progress
    summary = Summary()
    interrupted = False
    try:
        handle = open(out, "w", encoding="utf-8") if out else sys.stdout  # noqa: SIM115
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc.strerror})")
    try:
        with ExitStack() as stack:
            # URLs are fetched as by `ingest`, but nothing is remembered: no database here.
            reader = stack.enter_context(_web_reader(None, False)) if any(map(_is_url, paths)) else None
            sources = _inputs(paths, reader, lambda group: iter_sources(group, max_doc_bytes=limit))
            extract_to_jsonl(progress(sources, enabled), options, handle, summary, workers=count,
                             ordered=ordered, kb=knowledge)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        if out:
            handle.close()
    _report(summary, interrupted)


def _report(summary, interrupted: bool, after: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """Print the summary (and `after`, e.g. what fusion did); exit 130 when interrupted, 1 when
    anything was skipped, else 0."""
    for line in summary.details():
        typer.echo(line, err=True)
    typer.echo(summary.line(), err=True)
    if after:
        typer.echo(after, err=True)
    if interrupted:
        typer.echo("frontwatch: interrupted: the records above are complete documents; run again to finish",
                   err=True)
        raise typer.Exit(130)
    raise typer.Exit(1 if summary.failed else 0)


def _extract_ray(paths: list[str], output_format: str, out: Path | None, kb: list[Path] | None, events: bool,
                 workers: int | None, max_doc_mb: float | None) -> None:
    from frontwatch.engines.pool import ExtractOptions

    if output_format not in ("jsonl", "parquet"):
        _fail(f"unknown --format {output_format!r} (supported with --engine ray: jsonl, parquet)")
    if out is None:
        _fail("--engine ray writes shards to a directory: give it with --out DIR (or a URI)")
    try:
        from frontwatch.engines import ray_engine

        options = ExtractOptions(kb_dirs=tuple(str(d) for d in config.extra_kb_dirs(kb)), events=events)
        summary = ray_engine.extract(paths, str(out), options, output_format=output_format, num_cpus=workers,
                                     max_doc_bytes=int((max_doc_mb or config.max_doc_mb()) * 1_000_000))
    except FrontwatchError as exc:
        _fail(str(exc))
    _report(summary, False)


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(
        help="Files, directories, - for stdin, or http(s) URLs of RSS/Atom feeds or article pages (--engine ray: "
             "JSONL or Parquet files, directories or URIs).")],
    db: DbOption = None,
    kb: KbOption = None,
    max_doc_mb: Annotated[float | None, typer.Option(help="Skip documents larger than this (MB).")] = None,
    force: Annotated[bool, typer.Option(
        "--force", help="Process and store again documents stored unchanged (e.g. after a KB update); "
                        "for URLs, fetch unconditionally and read feed items seen before.")] = False,
    show_progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Progress bar on stderr (default: when a terminal).")] = None,
    engine: EngineOption = "local",
    workers: WorkersOption = None,
    ordered: OrderedOption = True,
    fuse_after: Annotated[bool, typer.Option(
        "--fuse/--no-fuse", help="Fold the new documents into the fused picture afterwards (default) "
                                 "or leave that to `frontwatch fuse`.")] = True,
) -> None:
    """Read articles and store their document, mention, event and quote records in the database,
    then fuse the new documents into the situation picture."""
    from sqlalchemy.exc import SQLAlchemyError

    from frontwatch.engines.local import progress
    from frontwatch.ingest.readers import iter_sources
    from frontwatch.store import open_database
    from frontwatch.store.ingest import IngestSummary
    from frontwatch.store.ingest import ingest as ingest_sources

    if engine not in ENGINES:
        _fail(f"unknown --engine {engine!r} (supported: {', '.join(ENGINES)})")
    limit = int((max_doc_mb or config.max_doc_mb()) * 1_000_000)
    if engine == "ray":
        _ingest_ray(paths, db, kb, force, workers, limit)
        return
    options, count, knowledge, digest = _prepare_local(kb, workers)
    try:
        database = open_database(db)
    except FrontwatchError as exc:
        _fail(str(exc))
    enabled = sys.stderr.isatty() if show_progress is None else show_progress
    summary = IngestSummary()
    failure = None
    interrupted = False
    with database, ExitStack() as stack:
        reader = stack.enter_context(_web_reader(database, force)) if any(map(_is_url, paths)) else None
        sources = _inputs(paths, reader, lambda group: iter_sources(group, max_doc_bytes=limit))
        try:
            ingest_sources(progress(sources, enabled), knowledge, database, summary, inputs=paths, force=force,
                           workers=count, ordered=ordered, options=options, kb_digest=digest,
                           on_result=reader.on_result if reader else None)
        except SQLAlchemyError as exc:
            where = f" while storing {summary.stopped_at.source}" if summary.stopped_at else ""
            failure = (f"database {database.display_url} failed{where}, batch stopped: "
                       f"{getattr(exc, 'orig', None) or exc} (documents already stored are kept, "
                       f"{summary.stored + summary.replaced} by this run; run it again to store the rest)")
        except KeyboardInterrupt:
            interrupted = True
        for result in reader.results if reader else []:
            typer.echo(f"  {result.line()}", err=True)
        fused = None
        if fuse_after and failure is None and not interrupted:
            from frontwatch.fuse.incremental import fuse as fuse_documents

            try:
                fused = fuse_documents(database, knowledge if knowledge is not None else _load_kb(kb))
            except SQLAlchemyError as exc:
                failure = (f"database {database.display_url} failed during fusion (the stored documents stay; "
                           f"run `frontwatch fuse`): {getattr(exc, 'orig', None) or exc}")
    if failure:
        for line in summary.details():
            typer.echo(line, err=True)
        typer.echo(summary.line(), err=True)
        _fail(failure)
    _report(summary, interrupted, fused.line() if fused is not None else None)


def _ingest_ray(paths: list[str], db: str | None, kb: list[Path] | None, force: bool, workers: int | None,
                max_doc_bytes: int) -> None:
    from frontwatch.engines.pool import ExtractOptions

    try:
        from frontwatch.engines import ray_engine

        options = ExtractOptions(kb_dirs=tuple(str(d) for d in config.extra_kb_dirs(kb)))
        summary = ray_engine.ingest(paths, db, options, force=force, num_cpus=workers, max_doc_bytes=max_doc_bytes)
    except FrontwatchError as exc:
        _fail(str(exc))
    _report(summary, False)


@app.command()
def fuse(
    db: DbOption = None,
    kb: KbOption = None,
    rebuild: Annotated[bool, typer.Option(
        "--rebuild", help="Forget the fused state and fuse every stored document again (one transaction).")] = False,
    batch: Annotated[int, typer.Option(min=1, help="Documents fused per transaction.")] = 1000,
) -> None:
    """Fold stored documents not fused yet (new, replaced or removed) into the fused picture.

    `ingest` does this at its end; run it after `ingest --no-fuse`, after a killed run, or with
    --rebuild after a KB change."""
    from sqlalchemy.exc import SQLAlchemyError

    from frontwatch.fuse.incremental import fuse as fuse_documents
    from frontwatch.store import open_database

    try:
        knowledge = _load_kb(kb)
        database = open_database(db)
    except FrontwatchError as exc:
        _fail(str(exc))
    with database:
        try:
            summary = fuse_documents(database, knowledge, rebuild=rebuild, batch_documents=batch)
        except SQLAlchemyError as exc:
            _fail(f"database {database.display_url} failed during fusion (committed batches stay; run again): "
                  f"{getattr(exc, 'orig', None) or exc}")
    typer.echo(summary.line(), err=True)


def _is_url(value: str) -> bool:
    from frontwatch.live.sources import is_url

    return is_url(value)


def _inputs(paths, reader, read_paths):  # type: ignore[no-untyped-def]
    from frontwatch.live.sources import iter_inputs

    return iter_inputs(paths, reader, read_paths)


@contextmanager
def _web_reader(database, force: bool):  # type: ignore[no-untyped-def]
    """A reader of URLs whose validators and seen feed items live in `database` (None: kept nowhere)."""
    from frontwatch.live.fetch import Fetcher
    from frontwatch.live.sources import WebReader
    from frontwatch.live.state import LiveState

    with Fetcher() as fetcher:
        yield WebReader(fetcher, LiveState(database) if database is not None else None, force=force)


@app.command()
def watch(
    feeds_file: Annotated[Path, typer.Argument(metavar="FEEDS.yaml", help="The feeds to poll (see docs/live.md).")],
    db: DbOption = None,
    kb: KbOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every feed once, now, and exit.")] = False,
    interval: Annotated[str | None, typer.Option(
        help="Default time between polls of a feed without its own interval (seconds, or 30m, 2h); "
             "default: the file's `interval`, else 15m.")] = None,
    fuse_after: Annotated[bool, typer.Option(
        "--fuse/--no-fuse", help="Fold each round's new documents into the fused picture (default) "
                                 "or leave that to `frontwatch fuse`.")] = True,
) -> None:
    """Poll RSS/Atom feeds on a schedule and ingest their new items, fusing each round's new
    documents into the situation picture; resumable after a restart."""
    from sqlalchemy.exc import SQLAlchemyError

    from frontwatch.live.fetch import Fetcher
    from frontwatch.live.watch import Watcher, load_feeds, parse_interval, stop_on_signals
    from frontwatch.store import open_database

    def report(line: str) -> None:
        typer.echo(line, err=True)

    try:
        default = parse_interval(interval, "--interval") if interval is not None else None
        feeds = load_feeds(feeds_file, default)
        knowledge = _load_kb(kb)
        database = open_database(db)
    except FrontwatchError as exc:
        _fail(str(exc))
    report(f"frontwatch: watching {len(feeds)} feed{'s' * (len(feeds) != 1)} into {database.display_url}")
    with database, Fetcher() as fetcher:
        watcher = Watcher(database, knowledge, feeds, fetcher, report, fuse=fuse_after)
        try:
            with stop_on_signals(watcher.stop, report):
                result = watcher.run(once=once)
        except SQLAlchemyError as exc:
            _fail(f"database {database.display_url} failed, watch stopped: {getattr(exc, 'orig', None) or exc}")
    if result is None:
        report("frontwatch: stopped")
        raise typer.Exit(0)
    raise typer.Exit(1 if result.summary.failed else 0)


@app.command(name="eval")
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold YAML files or directories of them.")],
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    kb: KbOption = None,
) -> None:
    """Score extraction against gold annotations (precision / recall / F1)."""
    from frontwatch.evaluate.report import format_json, format_table
    from frontwatch.evaluate.scorer import evaluate_gold

    try:
        report = evaluate_gold(gold, _load_kb(kb))
    except FrontwatchError as exc:
        _fail(str(exc))
    typer.echo(format_json(report) if output_format == "json" else format_table(report))


@app.command()
def classify(
    path: Annotated[str, typer.Argument(help="File of snippets (id<TAB>text or JSONL), or - for stdin.")] = "-",
    kb: KbOption = None,
) -> None:
    """Print `id<TAB>sub_event_type` (ACLED names) for one snippet per line."""
    from frontwatch.classify import classify_lines

    knowledge = _load_kb(kb)
    try:
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror})")
    failed = 0
    with handle:
        for item in classify_lines(handle, knowledge):
            if item.error:
                failed += 1
                typer.echo(f"frontwatch: skipped {path}:{item.error}", err=True)
                continue
            typer.echo(f"{item.snippet_id}\t{item.sub_event_type}")
    raise typer.Exit(1 if failed else 0)


AsOfOption = Annotated[str | None, typer.Option(
    "--as-of", help="Picture as of this date (YYYY-MM-DD); only documents published by then count.")]


def _as_of(value: str | None):  # type: ignore[no-untyped-def]
    import datetime

    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        _fail(f"--as-of {value!r} is not a date (use YYYY-MM-DD)")


SourcesOption = Annotated[Path | None, typer.Option(
    "--sources", help="Source registry (YAML) laid over the shipped one: outlet reliability tiers.")]


def _stored_picture(db: str | None, kb: list[Path] | None, as_of: str | None,  # type: ignore[no-untyped-def]
                    sources: Path | None = None):
    from frontwatch.fuse.sources import load_sources
    from frontwatch.fuse.stored import stored_picture
    from frontwatch.store import open_database

    when = _as_of(as_of)
    try:
        knowledge = _load_kb(kb)
        registry = load_sources(config.sources_file(sources))
        with open_database(db) as database:
            return stored_picture(database, knowledge, as_of=when, kb_dirs=config.extra_kb_dirs(kb),
                                  sources=registry)
    except FrontwatchError as exc:
        _fail(str(exc))


@app.command()
def situation(
    db: DbOption = None,
    as_of: AsOfOption = None,
    output_format: Annotated[str, typer.Option("--format", help="table, json or geojson.")] = "table",
    kb: KbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Who controls which place (with status, basis and sources), corridors and contradictions."""
    from frontwatch.report.tables import SITUATION_FORMATS, format_situation

    if output_format not in SITUATION_FORMATS:
        _fail(f"unknown --format {output_format!r} (supported: {', '.join(SITUATION_FORMATS)})")
    stored = _stored_picture(db, kb, as_of, sources)
    typer.echo(format_situation(stored.picture, output_format))


@app.command()
def brief(
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the briefing here (.html or .md).")],
    db: DbOption = None,
    as_of: AsOfOption = None,
    kb: KbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Write a sourced situation briefing: every sentence cites the spans it rests on."""
    from frontwatch.report.briefing import build_briefing, write_briefing

    if out.suffix.lower() not in (".html", ".htm", ".md", ".markdown"):
        _fail(f"{out}: the briefing is written as .html or .md")
    stored = _stored_picture(db, kb, as_of, sources)
    briefing = build_briefing(stored.picture, stored.documents, stored.quotes)
    try:
        write_briefing(briefing, out)
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc.strerror})")
    cited = sum(len(s.sentences) for s in briefing.sections)
    typer.echo(f"briefing written to {out} ({cited} sentences, {len(briefing.sources)} cited spans)", err=True)


@app.command()
def export(
    output_format: Annotated[str, typer.Option("--format", help="jsonl, acled-csv, geojson or plover.")] = "jsonl",
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    db: DbOption = None,
    as_of: AsOfOption = None,
    kb: KbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Export the fused picture: incidents, control, contradictions, corridors."""
    from frontwatch.export.formats import FORMATS, export_lines

    if output_format not in FORMATS:
        _fail(f"unknown --format {output_format!r} (supported: {', '.join(FORMATS)})")
    stored = _stored_picture(db, kb, as_of, sources)
    try:
        handle = open(out, "w", encoding="utf-8", newline="") if out else sys.stdout  # noqa: SIM115
    except OSError as exc:
        _fail(f"{out}: cannot write ({exc.strerror})")
    try:
        for chunk in export_lines(stored.picture, output_format):
            handle.write(chunk)
    finally:
        if out:
            handle.close()


@app.command()
def demo(
    examples: Annotated[Path, typer.Option(help="Directory of example articles.")] = Path("examples"),
    db: DbOption = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Where to write the briefing.")] = Path(
        "frontwatch-briefing.html"),
    kb: KbOption = None,
) -> None:
    """Ingest the bundled examples, print the situation and write a briefing.

    Uses the same database as `serve` and `situation` (FRONTWATCH_DB or the default), so
    `frontwatch serve` afterwards shows the demo; ingesting is idempotent, so running it
    again stores nothing twice."""
    from frontwatch.engines.local import progress
    from frontwatch.ingest.readers import iter_sources
    from frontwatch.report.briefing import build_briefing, write_briefing
    from frontwatch.report.tables import format_situation
    from frontwatch.store import open_database
    from frontwatch.store.ingest import IngestSummary
    from frontwatch.store.ingest import ingest as ingest_sources

    if not examples.is_dir():
        _fail(f"{examples}: no such directory (run from the repository root, or pass --examples DIR)")
    summary = IngestSummary()
    try:
        knowledge = _load_kb(kb)
        with open_database(db) as database:
            ingest_sources(progress(iter_sources([str(examples)]), False), knowledge, database, summary,
                           inputs=[str(examples)])
            typer.echo(summary.line(), err=True)
            from frontwatch.fuse.stored import stored_picture

            stored = stored_picture(database, knowledge, kb_dirs=config.extra_kb_dirs(kb))
            location = database.display_url
    except FrontwatchError as exc:
        _fail(str(exc))
    typer.echo(format_situation(stored.picture, "table"))
    write_briefing(build_briefing(stored.picture, stored.documents, stored.quotes), out)
    typer.echo("")
    typer.echo(f"database: {location}")
    typer.echo(f"briefing: {out.resolve()}")
    raise typer.Exit(1 if summary.failed else 0)


@app.command()
def serve(
    db: DbOption = None,
    host: Annotated[str, typer.Option(help="Address to listen on (beyond loopback, FRONTWATCH_TOKEN must be set "
                                           "and every request needs it).")]
    = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    kb: KbOption = None,
) -> None:
    """Serve the web app (map, timeline, incidents, evidence) and the REST API over the database."""
    from frontwatch.store import open_database
    from frontwatch.web.app import serve as serve_app
    from frontwatch.web.settings import WebSettings

    try:
        settings = WebSettings.from_environment(host, config.extra_kb_dirs(kb))
        if not settings.writes_enabled:
            _fail(f"{host} is not a loopback address and FRONTWATCH_TOKEN is not set: refusing to serve "
                  "the database to the network without a token (set FRONTWATCH_TOKEN, or --host 127.0.0.1)")
        knowledge = _load_kb(kb)
        database = open_database(db)
    except FrontwatchError as exc:
        _fail(str(exc))
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"database: {database.display_url}", err=True)
    typer.echo(f"serving http://{shown}:{port}/ (API reference: /docs)", err=True)
    with database:
        serve_app(database, knowledge, settings, port)


@kb_app.command("info")
def kb_info(kb: KbOption = None) -> None:
    """Build or load the KB index and print its size and load time."""
    from frontwatch.kb.index import cache_dir, timed_load

    try:
        knowledge, seconds = timed_load(config.extra_kb_dirs(kb))
    except FrontwatchError as exc:
        _fail(str(exc))
    typer.echo(f"places: {len(knowledge.places)}")
    typer.echo(f"actors: {len(knowledge.actors)}")
    typer.echo(f"names: {len(knowledge.names)}")
    typer.echo(f"cache: {cache_dir()} (digest {knowledge.digest})")
    typer.echo(f"loaded in {seconds:.2f} s")


@db_app.command("upgrade")
def db_upgrade(db: DbOption = None) -> None:
    """Create the database or bring its schema up to this version (also done on every open)."""
    from frontwatch.store import open_database
    from frontwatch.store.db import current_revision

    try:
        with open_database(db) as database:
            typer.echo(f"{database.display_url}: schema {current_revision(database)} (current)")
    except FrontwatchError as exc:
        _fail(str(exc))


@db_app.command("info")
def db_info(db: DbOption = None) -> None:
    """Print where the database is, its schema version and how many records it holds."""
    from frontwatch.store import open_database
    from frontwatch.store.db import display_url, resolve_url
    from frontwatch.store.info import database_info

    try:
        url = resolve_url(db)
        if url.get_backend_name() == "sqlite" and url.database and not Path(url.database).exists():
            typer.echo(f"database: {display_url(url)}")
            typer.echo("not created yet (frontwatch ingest or frontwatch db upgrade creates it)")
            return
        with open_database(db, upgrade=False) as database:
            info = database_info(database)
    except FrontwatchError as exc:
        _fail(str(exc))
    for line in info.lines():
        typer.echo(line)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
