"""Dump every record `process()` returns for a fixed set of inputs, one JSON line per record.

A speed change must not change a single output byte: dump before, dump after, compare.

Inputs: the gold articles and examples (real prose, with and without events), and benchmark
corpora of `--articles` articles for each `--seed` (with and without events).

Usage: `python benchmarks/dump_records.py OUT.jsonl [--articles 2000] [--seed 13 --seed 7]`, then
`cmp before.jsonl after.jsonl` (or `diff`, whose first lines show where outputs part).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator
from pathlib import Path

from corpus import build_corpus

from frontwatch.evaluate.gold import gold_files, load_gold
from frontwatch.ingest.readers import iter_sources
from frontwatch.kb.index import KnowledgeBase, load
from frontwatch.pipeline import process
from frontwatch.records import SourceDocument

ROOT = Path(__file__).resolve().parent.parent


def real_documents() -> list[SourceDocument]:
    """The gold articles and the examples, in a fixed order."""
    paths = [str(load_gold(path).doc_path) for path in gold_files([ROOT / "tests" / "gold"])]
    paths += sorted(str(p) for p in (ROOT / "examples").glob("*.txt"))
    return [s for s in iter_sources(paths) if isinstance(s, SourceDocument)]


def dumped_lines(kb: KnowledgeBase, articles: int, seeds: list[int]) -> Iterator[str]:
    batches = [("real", real_documents())]
    batches += [(f"corpus seed {seed}", build_corpus(kb, articles, seed).documents) for seed in seeds]
    for label, documents in batches:
        for events in (False, True):
            yield f'{{"batch": "{label}", "events": {str(events).lower()}}}'
            for document in documents:
                for record in process(document, kb, events=events):
                    yield record.model_dump_json()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, action="append", help="corpus seeds (default 13 and 7)")
    args = parser.parse_args(argv)
    kb = load()
    sha = hashlib.sha256()
    lines = 0
    with args.out.open("w", encoding="utf-8") as handle:
        for line in dumped_lines(kb, args.articles, args.seed or [13, 7]):
            handle.write(line + "\n")
            sha.update(line.encode() + b"\n")
            lines += 1
    print(f"{lines} lines, sha256 {sha.hexdigest()[:16]}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
