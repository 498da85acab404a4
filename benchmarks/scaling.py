"""Throughput of `frontwatch extract` on one worker, on every core, and on Ray in local mode.

Each configuration runs the real CLI as a subprocess, twice: on a small corpus (`--small` articles,
to measure start-up: imports, KB load, starting the pool or Ray) and on the large one (`--articles`).
The figures are marginal rates: (large - small) articles over (large - small) seconds, so start-up
does not count; end-to-end rates (articles over the whole run) are printed beside them.

- articles/s and MB/s (MB = 10^6 bytes of article text) from wall-clock time;
- CPU seconds per article (user + sys of the command and its worker processes), which a loaded
  machine distorts far less than wall time (not available for Ray: its workers are not our children);
- scaling efficiency = all-worker rate / (workers x one-worker rate) (target >= 0.80 on 2 cores),
  and the CPU overhead of the pool = CPU per article with N workers / CPU per article with one.

The machine's load average is printed before and after each run: other work on the machine lowers
the wall-clock rates. Usage: `python benchmarks/scaling.py [--articles 2000] [--small 40] [--no-ray]`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus import iter_articles, write_jsonl

from frontwatch.engines.pool import default_workers
from frontwatch.kb.index import load


@dataclass
class Run:
    config: str
    articles: int
    text_bytes: int
    wall_s: float
    cpu_s: float
    load_before: float
    load_after: float


def text_bytes(path: Path) -> int:
    total = 0
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            total += len(json.loads(line)["text"].encode("utf-8"))
    return total


def run_cli(config: str, arguments: list[str], corpus: Path, out: Path, articles: int, size: int) -> Run:
    if out.is_dir():
        shutil.rmtree(out)
    elif out.exists():
        out.unlink()
    command = [sys.executable, "-m", "frontwatch.cli", "extract", str(corpus), "--out", str(out), "--no-progress",
               *arguments]
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0 or f"read {articles} documents" not in result.stderr:
        raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}): {result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(config, articles, size, wall, cpu, load_before, os.getloadavg()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--articles", type=int, default=2000, help="articles in the large corpus (default 2000)")
    parser.add_argument("--small", type=int, default=40, help="articles in the start-up corpus (default 40)")
    parser.add_argument("--workers", type=int, default=default_workers(), help="all-core worker count")
    parser.add_argument("--no-ray", action="store_true", help="leave out Ray local mode")
    parser.add_argument("--no-events", action="store_true", help="core pipeline only (extract --no-events)")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory = Path(tempfile.mkdtemp(prefix="frontwatch-scaling-"))
    kb = load()
    large, small = directory / "large.jsonl", directory / "small.jsonl"
    write_jsonl(iter_articles(kb, args.articles, args.seed), large)
    write_jsonl(iter_articles(kb, args.small, args.seed + 1), small)
    sizes = {large: text_bytes(large), small: text_bytes(small)}
    counts = {large: args.articles, small: args.small}
    extra = ["--no-events"] if args.no_events else []
    configs: list[tuple[str, list[str], str]] = [
        ("1 worker", ["--workers", "1", *extra], "records.jsonl"),
        (f"{args.workers} workers", ["--workers", str(args.workers), *extra], "records.jsonl"),
    ]
    if not args.no_ray:
        configs.append(("Ray local (default CPUs)", ["--engine", "ray", *extra], "shards"))
    rows = []
    for name, arguments, out_name in configs:
        try:
            startup = run_cli(name, arguments, small, directory / out_name, counts[small], sizes[small])
            full = run_cli(name, arguments, large, directory / out_name, counts[large], sizes[large])
        except RuntimeError as exc:
            if "Ray" not in name:
                raise
            print(f"{name:>26}: failed: {str(exc)[-300:]}", flush=True)
            continue
        seconds = full.wall_s - startup.wall_s
        rows.append({
            "config": name,
            "articles_per_s": (full.articles - startup.articles) / seconds,
            "mb_per_s": (full.text_bytes - startup.text_bytes) / seconds / 1e6,
            "end_to_end_articles_per_s": full.articles / full.wall_s,
            "startup_s": startup.wall_s,
            "cpu_ms_per_article": None if "Ray" in name else
            1000 * (full.cpu_s - startup.cpu_s) / (full.articles - startup.articles),
            "runs": [asdict(startup), asdict(full)],
        })
        if not args.json:
            row = rows[-1]
            cpu = f"{row['cpu_ms_per_article']:.2f} ms CPU/article" if row["cpu_ms_per_article"] else "CPU n/a"
            print(f"{name:>26}: {row['articles_per_s']:7.1f} articles/s, {row['mb_per_s']:.3f} MB/s, {cpu}; "
                  f"end to end {row['end_to_end_articles_per_s']:.1f} articles/s, start-up {startup.wall_s:.1f} s; "
                  f"load {startup.load_before:.1f} -> {full.load_after:.1f}", flush=True)
    one, many = rows[0], rows[1]
    efficiency = many["articles_per_s"] / (args.workers * one["articles_per_s"])
    overhead = many["cpu_ms_per_article"] / one["cpu_ms_per_article"]
    summary = {"articles": args.articles, "corpus_mb": sizes[large] / 1e6, "workers": args.workers,
               "scaling_efficiency": efficiency, "cpu_overhead": overhead,
               "ray_vs_workers": rows[2]["articles_per_s"] / many["articles_per_s"] if len(rows) > 2 else None,
               "ray_vs_one_worker": rows[2]["articles_per_s"] / one["articles_per_s"] if len(rows) > 2 else None}
    if args.json:
        print(json.dumps({"summary": summary, "rows": rows}, indent=2))
    else:
        print(f"corpus: {args.articles} articles, {summary['corpus_mb']:.2f} MB of text; cores: {os.cpu_count()}")
        print(f"scaling efficiency ({args.workers} workers): {efficiency:.2f} (target >= 0.80); "
              f"CPU per article with {args.workers} workers / with one: {overhead:.3f}")
        if summary["ray_vs_workers"] is not None:
            print(f"Ray local / {args.workers} workers: {summary['ray_vs_workers']:.2f}; "
                  f"Ray local / 1 worker: {summary['ray_vs_one_worker']:.2f}")
    shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
