"""KB index load time and size: loads the cached index in fresh processes and prints the figures.

    python benchmarks/kb_load.py [--runs 5]

Builds the index first if it is not cached (not timed). Prints the cache file size, the number
of index keys and places, and the min and median load time over the runs (a fresh interpreter
each, as `frontwatch` pays it), wall clock and CPU time."""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys

_PROBE = ("import time, sys; from frontwatch.kb import index; t = time.perf_counter(); c = time.process_time(); "
          "kb = index.load(); d = time.perf_counter() - t; c = time.process_time() - c; "
          "p = index.cache_dir() / f'kb-{kb.digest}.marshal'; "
          "print(d, c, p.stat().st_size, len(kb.names), len(kb.places))")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True)  # build / warm the cache
    times: list[float] = []
    cpu: list[float] = []
    size = keys = places = 0
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", _PROBE], check=True, capture_output=True, text=True).stdout
        seconds, cpu_seconds, size_text, keys_text, places_text = out.split()
        times.append(float(seconds))
        cpu.append(float(cpu_seconds))
        size, keys, places = int(size_text), int(keys_text), int(places_text)
    print(f"cache file {size / 1e6:.1f} MB, {keys} name keys, {places} places")
    print(f"load over {runs} runs: min {min(times):.2f} s, median {statistics.median(times):.2f} s wall; "
          f"CPU min {min(cpu):.2f} s, median {statistics.median(cpu):.2f} s (less sensitive to a busy machine)")


if __name__ == "__main__":
    main()
