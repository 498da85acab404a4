"""The load test's CI-sized run: `benchmarks/load.py --requests 300` against a real
`frontwatch serve` on loopback answers every request without an error (timing is reported by
the script, never asserted here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

LOAD = Path(__file__).resolve().parent.parent / "benchmarks" / "load.py"


def test_load_test_serves_every_request_without_error() -> None:
    result = subprocess.run([sys.executable, str(LOAD), "--requests", "300", "--concurrency", "4", "--json"],
                            capture_output=True, text=True, timeout=480, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    figures = json.loads(result.stdout)
    assert figures["requests"] == 300 and figures["errors"] == 0, figures["error_samples"]
    assert set(figures["by_kind"]) == {"api", "geojson", "page", "static"}
    assert figures["latency_ms"]["p50"] > 0 and figures["requests_per_s"] > 0
