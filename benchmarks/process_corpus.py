"""Run `process()` over the benchmark corpus, for instruction counts and profiles of the pipeline's stages.

Usage:
  perf stat -e instructions -x, python benchmarks/process_corpus.py full --articles 1000
  python benchmarks/process_corpus.py full --articles 500 --profile /tmp/full.prof

`none` loads the KB, builds the corpus and warms up, then stops; `core` runs `process(..., events=False)`
(clean, segment, mentions); `full` runs `process()`. full minus core is the event stages (events, roles,
dates, modality, quotes); core minus none is the core stages. Prints CPU ms/article to stderr.
"""

from __future__ import annotations

import argparse
import cProfile
import sys
import time

from corpus import build_corpus

from frontwatch.kb.index import load
from frontwatch.pipeline import process

WARMUP = 5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=("none", "core", "full"))
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--profile", help="write a cProfile of the timed loop here")
    args = parser.parse_args(argv)
    kb = load()
    documents = build_corpus(kb, args.articles, args.seed).documents
    for document in documents[:WARMUP]:
        process(document, kb)
    if args.mode == "none":
        return 0
    profile = cProfile.Profile() if args.profile else None
    started = time.process_time()
    if profile is not None:
        profile.enable()
    for document in documents:
        process(document, kb, events=args.mode == "full")
    if profile is not None:
        profile.disable()
        profile.dump_stats(args.profile)
    elapsed = time.process_time() - started
    print(f"{args.mode}: {elapsed / len(documents) * 1000:.3f} ms/article (CPU) over {len(documents)} articles",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
