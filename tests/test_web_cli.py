"""`frontwatch serve`: options, settings from the environment, the warning off loopback.
(The real server runs in tests/test_web_browser.py.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from frontwatch.cli import app

runner = CliRunner()


@pytest.fixture()
def served(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_serve(database: Any, kb: Any, settings: Any, port: int, **_options: Any) -> None:
        calls.append({"database": database.display_url, "settings": settings, "port": port})

    monkeypatch.setattr("frontwatch.web.app.serve", fake_serve)
    return calls


def test_serve_passes_database_address_and_token(served: list[dict[str, Any]], tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FRONTWATCH_TOKEN", "abc")
    monkeypatch.setenv("FRONTWATCH_MAX_UPLOAD_MB", "2")
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db"), "--port", "8123"])
    assert result.exit_code == 0, result.output
    settings = served[0]["settings"]
    assert served[0]["port"] == 8123 and served[0]["database"].endswith("w.db")
    assert settings.host == "127.0.0.1" and settings.token == "abc" and settings.max_upload_bytes == 2_000_000
    assert "serving http://127.0.0.1:8123/" in result.output


def test_serve_off_loopback_without_token_refuses_to_start(served: list[dict[str, Any]], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTWATCH_TOKEN", raising=False)
    result = runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db"), "--host", "0.0.0.0"])
    assert result.exit_code == 2 and served == []
    assert "FRONTWATCH_TOKEN is not set: refusing to serve" in result.output
    monkeypatch.setenv("FRONTWATCH_TOKEN", "t0ken")
    started = runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db"), "--host", "0.0.0.0"])
    assert started.exit_code == 0, started.output
    assert served[0]["settings"].reads_need_token


def test_serve_reads_the_rate_limit(served: list[dict[str, Any]], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FRONTWATCH_RATE_LIMIT", raising=False)
    assert runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db")]).exit_code == 0
    assert served[-1]["settings"].rate_limit == "600/minute"
    monkeypatch.setenv("FRONTWATCH_RATE_LIMIT", "off")
    assert runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db")]).exit_code == 0
    assert served[-1]["settings"].rate_limit is None
    monkeypatch.setenv("FRONTWATCH_RATE_LIMIT", "lots")
    bad = runner.invoke(app, ["serve", "--db", str(tmp_path / "w.db")])
    assert bad.exit_code == 2 and "FRONTWATCH_RATE_LIMIT='lots'" in bad.output and len(served) == 2


def test_serve_help_and_bad_port() -> None:
    help_text = runner.invoke(app, ["serve", "--help"]).output
    assert "--host" in help_text and "--port" in help_text and "--db" in help_text
    assert runner.invoke(app, ["serve", "--port", "70000"]).exit_code == 2
