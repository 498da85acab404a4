"""Peak memory of `frontwatch extract` as the corpus grows: flat when extraction streams.

For each corpus size it writes a synthetic JSONL corpus (benchmarks/corpus.py, articles streamed to
disk, never all held), runs `frontwatch extract CORPUS --out FILE` as a subprocess and reports:

- peak RSS of the largest single process (`resource.getrusage(RUSAGE_CHILDREN).ru_maxrss` of a fresh
  child runner, so earlier runs do not count), and
- peak RSS of the whole process tree (the CLI plus its worker processes), sampled from /proc every
  0.2 s (a sample can miss a spike shorter than that).

Usage: `python benchmarks/memory.py [--sizes 1000 10000 100000] [--workers N] [--no-events] [--json]`.
The ratio that matters is the 100k peak over the 10k peak (target: within 10%).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from corpus import iter_articles, write_jsonl

from frontwatch.kb.index import load

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


def tree_rss_kb(root: int) -> int:
    """Resident memory (KB) of all descendants of `root` (not `root` itself), from /proc."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
            parent, pages = int(fields[1]), int(fields[21])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = pages * PAGE_KB
    total, stack = 0, list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def measure(command: list[str]) -> dict[str, float]:
    """Run `command`, sampling its process tree's RSS; the largest single process's peak comes from
    a small runner process's RUSAGE_CHILDREN, so only this command counts."""
    runner = ("import resource, subprocess, sys; code = subprocess.call(sys.argv[1:]); "
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr); sys.exit(code)")
    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    process = subprocess.Popen([sys.executable, "-c", runner, *command], stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    peak_tree = 0
    while process.poll() is None:
        peak_tree = max(peak_tree, tree_rss_kb(process.pid))
        time.sleep(0.2)
    stderr = process.stderr.read() if process.stderr else ""
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = stderr.strip().splitlines()
    if process.returncode not in (0, 1) or not lines:
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}): {stderr[-2000:]}")
    return {
        "wall_s": time.perf_counter() - started,
        "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
        "peak_process_mb": int(lines[-1]) / 1024,
        "peak_tree_mb": peak_tree / 1024,
        "summary": next((line for line in lines if line.startswith("frontwatch: read")), ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--workers", type=int, default=None, help="--workers for extract (default: all cores)")
    parser.add_argument("--no-events", action="store_true", help="core pipeline only (extract --no-events)")
    parser.add_argument("--seed", type=int, default=29)
    parser.add_argument("--dir", type=Path, default=None, help="where corpora and outputs go (default: a temp dir)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    directory = args.dir or Path(tempfile.mkdtemp(prefix="frontwatch-memory-"))
    directory.mkdir(parents=True, exist_ok=True)
    kb = load()
    results = []
    for size in args.sizes:
        corpus = directory / f"corpus-{size}.jsonl"
        if not corpus.exists():
            write_jsonl(iter_articles(kb, size, args.seed), corpus)
        out = directory / f"records-{size}.jsonl"
        command = [sys.executable, "-m", "frontwatch.cli", "extract", str(corpus), "--out", str(out), "--no-progress"]
        if args.workers:
            command += ["--workers", str(args.workers)]
        if args.no_events:
            command.append("--no-events")
        load_before = os.getloadavg()[0]
        figures = measure(command)
        figures.update(articles=size, corpus_mb=corpus.stat().st_size / 1e6, output_mb=out.stat().st_size / 1e6,
                       loadavg_before=load_before, loadavg_after=os.getloadavg()[0])
        out.unlink()
        results.append(figures)
        if not args.json:
            print(f"{size:>7} articles ({figures['corpus_mb']:.0f} MB in, {figures['output_mb']:.0f} MB out): "
                  f"peak RSS largest process {figures['peak_process_mb']:.0f} MB, whole tree "
                  f"{figures['peak_tree_mb']:.0f} MB; {figures['wall_s']:.0f} s wall, {figures['cpu_s']:.0f} s CPU; "
                  f"load {load_before:.1f} -> {figures['loadavg_after']:.1f}", flush=True)
    by_size = {r["articles"]: r for r in results}
    if 10_000 in by_size and 100_000 in by_size:
        for key in ("peak_process_mb", "peak_tree_mb"):
            ratio = by_size[100_000][key] / by_size[10_000][key]
            if not args.json:
                print(f"{key}: 100k / 10k = {ratio:.3f} (target <= 1.10)")
    if args.json:
        print(json.dumps({"workers": args.workers, "events": not args.no_events, "results": results}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
