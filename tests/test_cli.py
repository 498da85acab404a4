"""End-to-end tests of the `frontwatch` command, run as a real subprocess."""

from __future__ import annotations

import hashlib
import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from frontwatch.kb.index import KnowledgeBase

REPO = Path(__file__).resolve().parent.parent
GOOD_ARTICLE = ("Rebels seize Hama\n\n"
                "Syrian rebels entered Hama on Thursday after government forces withdrew towards Homs, "
                "a war monitor said.\n")
GOOD_JSONL_LINES = [
    {"text": "Turkish troops shelled positions near Manbij on Monday, killing three SDF fighters.",
     "published": "2024-12-02", "title": "Shelling near Manbij"},
    {"text": "Russian drones struck Kharkiv overnight, regional officials said.", "title": "Kharkiv"},
]


def frontwatch(*args: str, env: dict[str, str] | None = None,
               stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """Run the CLI as users do (a fresh interpreter, the KB cache of this test session)."""
    return subprocess.run([sys.executable, "-m", "frontwatch.cli", *args], capture_output=True, text=True,
                          cwd=REPO, env={**os.environ, **(env or {})}, input=stdin, timeout=300)


def records(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def summary_counts(stderr: str) -> tuple[int, int, int]:
    found = re.search(r"read (\d+) documents?, skipped (\d+), wrote (\d+) records", stderr)
    assert found, stderr
    return int(found.group(1)), int(found.group(2)), int(found.group(3))


@pytest.fixture()
def mixed_dir(tmp_path: Path) -> Path:
    """A directory with one good article, one JSONL with a broken line, and three bad files."""
    directory = tmp_path / "inbox"
    directory.mkdir()
    (directory / "good.txt").write_text(GOOD_ARTICLE, encoding="utf-8")
    (directory / "empty.txt").write_bytes(b"")
    (directory / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    noise = random.Random(11)
    # high bytes and printable ASCII, no NUL or control bytes: only decoding can refuse it
    (directory / "garbled.txt").write_bytes(bytes(
        noise.choice([noise.randrange(0x80, 0x100), noise.randrange(0x20, 0x7F)]) for _ in range(3000)))
    lines = [json.dumps(GOOD_JSONL_LINES[0]), '{"text": "broken line, never closed', json.dumps(GOOD_JSONL_LINES[1])]
    (directory / "feed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return directory


def test_extract_reports_each_bad_input_and_keeps_going(mixed_dir: Path) -> None:
    result = frontwatch("extract", str(mixed_dir))
    assert result.returncode == 1, result.stderr
    skipped = [line for line in result.stderr.splitlines() if line.strip().startswith("skipped ")]
    named = " ".join(skipped)
    for name in ("empty.txt", "image.txt", "garbled.txt"):
        assert str(mixed_dir / name) in named, result.stderr
    assert f"{mixed_dir / 'feed.jsonl'}:2" in named  # the JSONL line number
    assert "good.txt" not in named and f"{mixed_dir / 'feed.jsonl'}:1" not in named
    assert len(skipped) == 4

    out = records(result.stdout)
    documents = [r for r in out if r["record"] == "document"]
    assert len(documents) == 3
    texts = {d["text"] for d in documents}
    assert {line["text"] for line in GOOD_JSONL_LINES} <= texts
    assert any(text.startswith("Syrian rebels entered Hama") for text in texts)
    assert {d["title"] for d in documents} == {"Rebels seize Hama", "Shelling near Manbij", "Kharkiv"}
    for document in documents:
        assert document["text_sha256"] == hashlib.sha256(document["text"].encode()).hexdigest()
    assert summary_counts(result.stderr) == (3, 4, len(out))


def test_records_point_into_their_document_text(mixed_dir: Path) -> None:
    out = records(frontwatch("extract", str(mixed_dir)).stdout)
    texts = {r["doc_id"]: r["text"] for r in out if r["record"] == "document"}
    mentions = [r for r in out if r["record"] == "mention"]
    assert {"Hama", "Homs", "Manbij", "Kharkiv"} <= {m["surface"] for m in mentions}
    for record in out:
        if record["record"] == "mention":
            assert texts[record["doc_id"]][record["start"]:record["end"]] == record["surface"]
        elif record["record"] == "event":
            evidence = record["evidence"]
            assert texts[record["doc_id"]][evidence["start"]:evidence["end"]] == evidence["text"]


def test_good_input_exits_zero_and_out_writes_the_file(tmp_path: Path) -> None:
    article = tmp_path / "good.txt"
    article.write_text(GOOD_ARTICLE, encoding="utf-8")
    target = tmp_path / "records.jsonl"
    result = frontwatch("extract", str(article), "--out", str(target))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    written = records(target.read_text(encoding="utf-8"))
    assert written[0]["record"] == "document" and written[0]["source"] == str(article)
    hama = [r for r in written if r["record"] == "mention" and r["surface"] == "Hama"]
    assert hama and hama[0]["geonames_id"] == 170017
    assert summary_counts(result.stderr) == (1, 0, len(written))
    assert "skipped " not in result.stderr.replace("skipped 0", "")


def test_stdin_is_read_with_a_dash() -> None:
    result = frontwatch("extract", "-", stdin="Russian drones struck Kharkiv overnight, officials said.\n")
    assert result.returncode == 0, result.stderr
    out = records(result.stdout)
    assert out[0]["record"] == "document"
    assert any(r["record"] == "mention" and r["surface"] == "Kharkiv" for r in out)


def test_missing_path_is_reported_not_fatal(tmp_path: Path) -> None:
    article = tmp_path / "good.txt"
    article.write_text(GOOD_ARTICLE, encoding="utf-8")
    result = frontwatch("extract", str(tmp_path / "missing.txt"), str(article))
    assert result.returncode == 1
    assert str(tmp_path / "missing.txt") in result.stderr
    assert summary_counts(result.stderr)[:2] == (1, 1)


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = frontwatch("extract", str(tmp_path), "--format", "xml")
    assert result.returncode == 2 and "unknown --format 'xml'" in result.stderr


def test_user_kb_via_option_and_environment(tmp_path: Path, user_kb_dir: Path, user_kb: KnowledgeBase) -> None:
    article = tmp_path / "lakeside.txt"
    article.write_text("Fighters of the Liwa al-Buhayra attacked army positions near Hama.\n", encoding="utf-8")
    for args, env in ((["--kb", str(user_kb_dir)], {}), ([], {"FRONTWATCH_KB": str(user_kb_dir)})):
        result = frontwatch("extract", str(article), *args, env=env)
        assert result.returncode == 0, result.stderr
        ids = {r.get("entity_id") for r in records(result.stdout) if r["record"] == "mention"}
        assert "lakeside-brigade" in ids
    plain = records(frontwatch("extract", str(article)).stdout)
    assert "lakeside-brigade" not in {r.get("entity_id") for r in plain}


def test_malformed_user_kb_is_a_clean_error(tmp_path: Path) -> None:
    broken = tmp_path / "kb" / "places" / "broken.yaml"
    broken.parent.mkdir(parents=True)
    broken.write_text("places:\n  - id: a\n    name: 'unterminated\n", encoding="utf-8")
    article = tmp_path / "a.txt"
    article.write_text(GOOD_ARTICLE, encoding="utf-8")
    result = frontwatch("extract", str(article), "--kb", str(tmp_path / "kb"))
    assert result.returncode == 2
    assert str(broken) in result.stderr and "Traceback" not in result.stderr


# ------------------------------------------------------------------ eval


def test_eval_prints_the_scorers_json(kb: KnowledgeBase) -> None:
    from frontwatch.evaluate.report import as_dict
    from frontwatch.evaluate.scorer import evaluate_gold

    gold = REPO / "tests" / "gold" / "seed_000.yaml"
    result = frontwatch("eval", str(gold.relative_to(REPO)), "--format", "json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert set(report) == {"scores", "accuracy", "files", "errors"}
    assert {"mentions.recognised", "mentions.linked", "events", "quotes", "control_changes"} <= set(report["scores"])
    for name, score in report["scores"].items():
        assert set(score) == {"precision", "recall", "f1", "tp", "fp", "fn"}, name
        if score["tp"] + score["fp"]:
            assert score["precision"] == round(score["tp"] / (score["tp"] + score["fp"]), 4)
        assert 0 <= score["f1"] <= 1
    assert "geocoding_161km" in report["accuracy"]
    assert report["files"]["seed_000.yaml"]["gold_mentions"] > 0
    # the command only formats what the library computes
    assert report == json.loads(json.dumps(as_dict(evaluate_gold([gold], kb))))


def test_eval_of_a_missing_gold_file_is_a_clean_error() -> None:
    result = frontwatch("eval", "tests/gold/no_such_file.yaml", "--format", "json")
    assert result.returncode == 2
    assert "no_such_file.yaml" in result.stderr and "Traceback" not in result.stderr
