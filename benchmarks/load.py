"""A bounded load test of `frontwatch serve` on loopback.

Ingests the examples into a fresh SQLite database (or uses `--db`), starts `frontwatch serve`
(real uvicorn, 127.0.0.1, a free port) in a subprocess, and fires `--requests` requests from
this process (httpx, `--concurrency` at a time) across the pages, the API, GeoJSON and static
files. Every URL is requested once before timing (the fused picture is cached per database
change, so the first request pays for fusion: reported apart as `warm-up`).

An error is any answer that is not 2xx, or a request that fails. Prints requests, errors,
latency p50/p90/p99/max and requests per second, overall and per kind of URL.

Usage: `python benchmarks/load.py [--requests 3000] [--concurrency 8] [--db DB] [--token] [--json]`.
The server runs with FRONTWATCH_RATE_LIMIT=off unless `--rate-limit` says otherwise (one client
on loopback would otherwise be refused after 600 requests a minute, which is the point of it).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TOKEN = "load-test-token"


@dataclass
class Figures:
    requests: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    requests_per_s: float = 0.0
    latency_ms: dict[str, float] = field(default_factory=dict)
    by_kind: dict[str, dict[str, float]] = field(default_factory=dict)
    warmup_s: float = 0.0
    urls: int = 0
    concurrency: int = 0
    server: str = ""
    machine: str = ""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(latencies: list[float]) -> dict[str, float]:
    return {"count": len(latencies), "p50": round(percentile(latencies, 0.50) * 1000, 1),
            "p90": round(percentile(latencies, 0.90) * 1000, 1), "p99": round(percentile(latencies, 0.99) * 1000, 1),
            "max": round(max(latencies, default=0.0) * 1000, 1)}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def run_cli(*arguments: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run([sys.executable, "-m", "frontwatch.cli", *arguments], capture_output=True, text=True,
                            env=env, check=False)
    if result.returncode != 0:
        raise SystemExit(f"frontwatch {' '.join(arguments)} failed: {result.stderr[-2000:]}")


class Server:
    """`frontwatch serve` in a subprocess, stopped on exit."""

    def __init__(self, db: str, rate_limit: str, token: str | None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "FRONTWATCH_RATE_LIMIT": rate_limit}
        env.pop("FRONTWATCH_TOKEN", None)
        if token:
            env["FRONTWATCH_TOKEN"] = token
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen([sys.executable, "-m", "frontwatch.cli", "serve", "--db", db, "--host",
                                         "127.0.0.1", "--port", str(self.port)], env=env, stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def wait(self) -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(f"{self.base}/api/status", headers=self.headers, timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.3)
        self.log.seek(0)
        raise SystemExit(f"frontwatch serve did not start: {self.log.read().decode(errors='replace')[-3000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def url_mix(base: str, headers: dict[str, str]) -> list[tuple[str, str]]:
    """(kind, path) for every page, API endpoint and asset, ids taken from the database."""
    with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
        documents = [d["doc_id"] for d in client.get("/api/documents").json()["items"]]
        incidents = [i["incident_id"] for i in client.get("/api/incidents", params={"limit": 20}).json()["items"]]
    if not documents or not incidents:
        raise SystemExit("the database holds no documents or incidents: ingest something first")
    mix = [("page", p) for p in ("/", "/incidents", "/documents", "/contradictions", "/upload", "/docs",
                                  "/search?q=Deir%20Ezzour", "/incidents?q=shelling")]
    mix += [("page", f"/documents/{d}") for d in documents[:3]]
    mix += [("page", f"/incidents/{quote(i)}") for i in incidents[:3]]
    mix += [("api", p) for p in ("/api/status", "/api/documents", "/api/events?limit=100", "/api/incidents",
                                 "/api/incidents?place=Aleppo", "/api/situation", "/api/timeline",
                                 "/api/contradictions", "/api/corridors", "/api/quotes", "/api/search?q=Homs",
                                 "/api/events?since=2017-01-01&until=2020-12-31")]
    mix += [("api", f"/api/documents/{d}") for d in documents[:3]]
    mix += [("api", f"/api/incidents/{quote(i)}") for i in incidents[:3]]
    mix += [("geojson", p) for p in ("/api/incidents/geojson", "/api/situation/geojson", "/basemap.geojson")]
    mix += [("static", p) for p in ("/static/app.css", "/static/map.js", "/static/leaflet/leaflet.js", "/sides.css",
                                    "/openapi.json")]
    return mix


async def fire(base: str, headers: dict[str, str], mix: list[tuple[str, str]], total: int,
               concurrency: int) -> tuple[dict[str, list[float]], list[str], float]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    counter = iter(range(total))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, timeout=60) as client:
        async def worker() -> None:
            for number in counter:
                kind, path = mix[number % len(mix)]
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    await response.aread()
                    failed = None if response.is_success else f"{path}: {response.status_code}"
                except httpx.HTTPError as exc:
                    failed = f"{path}: {type(exc).__name__} {exc}"
                latencies[kind].append(time.perf_counter() - started)
                if failed:
                    errors.append(failed)

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started
    return latencies, errors, wall


def measure(requests: int, concurrency: int, db: str | None, rate_limit: str, token: bool) -> Figures:
    backend = "PostgreSQL" if db and db.startswith(("postgres", "postgresql")) else "SQLite"
    backend += " (the examples ingested)" if db is None else f" ({db.split('@')[-1]})"
    with tempfile.TemporaryDirectory(prefix="frontwatch-load-") as workdir:
        if db is None:
            db = str(Path(workdir) / "load.db")
            run_cli("ingest", str(EXAMPLES), "--db", db, "--no-progress")
        server = Server(db, rate_limit, TOKEN if token else None)
        try:
            server.wait()
            mix = url_mix(server.base, server.headers)
            started = time.perf_counter()
            _warm, warm_errors, _ = asyncio.run(fire(server.base, server.headers, mix, len(mix), 1))
            warmup_s = time.perf_counter() - started
            latencies, errors, wall = asyncio.run(fire(server.base, server.headers, mix, requests, concurrency))
        finally:
            server.stop()
    everything = [value for values in latencies.values() for value in values]
    errors = warm_errors + errors
    return Figures(requests=len(everything), errors=len(errors), error_samples=errors[:10], wall_s=round(wall, 2),
                   requests_per_s=round(len(everything) / wall, 1) if wall else 0.0, latency_ms=summary(everything),
                   by_kind={kind: summary(values) for kind, values in sorted(latencies.items())},
                   warmup_s=round(warmup_s, 2), urls=len(mix), concurrency=concurrency,
                   server=f"frontwatch serve (uvicorn, 1 worker) over {backend}",
                   machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")


def print_table(figures: Figures) -> None:
    latency = figures.latency_ms
    print(f"requests: {figures.requests} ({figures.urls} URLs, {figures.concurrency} at a time)")
    print(f"errors: {figures.errors}")
    print(f"latency ms: p50 {latency['p50']}  p90 {latency['p90']}  p99 {latency['p99']}  max {latency['max']}")
    print(f"requests/s: {figures.requests_per_s}  (wall {figures.wall_s} s; warm-up of every URL once: "
          f"{figures.warmup_s} s)")
    print(f"{'kind':<8} {'count':>6} {'p50':>8} {'p90':>8} {'p99':>8} {'max':>8}")
    for kind, row in figures.by_kind.items():
        print(f"{kind:<8} {int(row['count']):>6} {row['p50']:>8} {row['p90']:>8} {row['p99']:>8} {row['max']:>8}")
    print(f"machine: {figures.machine}")
    for sample in figures.error_samples:
        print(f"error: {sample}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000, help="requests to time (default 3000)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests in flight at once (default 8)")
    parser.add_argument("--db", help="serve this database instead of a fresh one with the examples")
    parser.add_argument("--rate-limit", default="off", help="FRONTWATCH_RATE_LIMIT for the server (default off)")
    parser.add_argument("--token", action="store_true", help="set FRONTWATCH_TOKEN and send it with every request")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    options = parser.parse_args(argv)
    figures = measure(options.requests, options.concurrency, options.db, options.rate_limit, options.token)
    if options.json:
        print(json.dumps(asdict(figures), indent=2))
    else:
        print_table(figures)
    return 1 if figures.errors else 0


if __name__ == "__main__":
    sys.exit(main())
