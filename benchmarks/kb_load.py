"""KB index load time and size: loads the cached index in fresh processes and prints the figures.

    python benchmarks/kb_load.py [--runs 5]

Builds the index first if it is not cached (not timed). Prints the cache file size, the number
of index keys and places, and the min and median load time over the runs (a fresh interpreter
each, as `frontwatch` pays it)."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

_PROBE = ("import time, sys; from frontwatch.kb import index; t = time.perf_counter(); kb = index.load(); "
          "d = time.perf_counter() - t; p = index.cache_dir() / f'kb-{kb.digest}.marshal'; "
          "print(d, p.stat().st_size, len(kb.names), len(kb.places))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True)  # build / warm the cache
    times: list[float] = []
    size = keys = places = 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True).stdout
        seconds, size_text, keys_text, places_text = out.split()
        times.append(float(seconds))
        size, keys, places = int(size_text), int(keys_text), int(places_text)
    print(f"cache file {size / 1e6:.1f} MB, {keys} name keys, {places} places")
    print(f"load over {runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
