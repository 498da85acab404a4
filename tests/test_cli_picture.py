"""`frontwatch demo`, `situation`, `brief` and `export` end to end, on SQLite and PostgreSQL
(the `db_url` fixture), run in-process with typer's test runner."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from typer.testing import CliRunner

from frontwatch.cli import app

ROOT = Path(__file__).resolve().parent.parent
runner = CliRunner()


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_demo_then_situation_brief_and_exports(db_url: str, tmp_path: Path) -> None:
    briefing = tmp_path / "brief.html"
    result = run("demo", "--examples", str(ROOT / "examples"), "--db", db_url, "--out", str(briefing))
    assert result.exit_code == 0, result.output
    assert "Aleppo" in result.output and f"briefing: {briefing.resolve()}" in result.output
    assert re.search(r"Deir ez-Zor\s+SY\s+sdf", result.output)
    assert briefing.read_text(encoding="utf-8").count('class="claim"') >= 10

    again = run("demo", "--examples", str(ROOT / "examples"), "--db", db_url, "--out", str(briefing))
    assert again.exit_code == 0 and "unchanged 2" in again.output  # idempotent

    situation = json.loads(run("situation", "--db", db_url, "--format", "json").output)
    held = {p["place"]["entity_id"]: p["controller"] for p in situation["control"]}
    assert held["170063"] == "opposition" and held["172408"] == "druze" and held["174448"] == "sdf"
    assert any(c["kind"] == "whereabouts" for c in situation["contradictions"])
    assert any(c["corridor_id"] == "sy-deir-ez-zor-iraq" and c["status"] == "cut" for c in situation["corridors"])
    geo = json.loads(run("situation", "--db", db_url, "--format", "geojson").output)
    assert {f["properties"]["kind"] for f in geo["features"]} == {"control"}

    # the seeds carry no publication date: a picture as of a past date holds nothing
    past = json.loads(run("situation", "--db", db_url, "--format", "json", "--as-of", "2020-01-01").output)
    assert past["control"] == []

    markdown = tmp_path / "brief.md"
    assert run("brief", "--db", db_url, "--out", str(markdown)).exit_code == 0
    assert "## Control of places" in markdown.read_text(encoding="utf-8")

    acled = tmp_path / "events.csv"
    assert run("export", "--db", db_url, "--format", "acled-csv", "--out", str(acled)).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(acled.read_text(encoding="utf-8"))))
    assert rows and all(r["event_type"] and r["notes"] for r in rows)
    lines = run("export", "--db", db_url, "--format", "jsonl").output.splitlines()
    assert {json.loads(line)["record"] for line in lines} >= {"incident", "control", "contradiction", "corridor"}


def test_bad_options_are_clear_errors(tmp_path: Path) -> None:
    db = str(tmp_path / "x.db")
    assert "--as-of 'soon' is not a date" in run("situation", "--db", db, "--as-of", "soon").output
    assert "unknown --format 'xml'" in run("export", "--db", db, "--format", "xml").output
    assert "written as .html or .md" in run("brief", "--db", db, "--out", str(tmp_path / "b.pdf")).output
    assert "no such directory" in run("demo", "--examples", str(tmp_path / "none"), "--db", db).output
