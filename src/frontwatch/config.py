"""Defaults in one place; environment variables and CLI flags override them.

| variable | meaning | default |
|---|---|---|
| FRONTWATCH_CACHE_DIR | where the compiled KB index is cached | the user cache dir (platformdirs) |
| FRONTWATCH_KB | extra KB directories, separated by the OS path separator | none |
| FRONTWATCH_MAX_DOC_MB | largest single document read, in MB | 20 |
| FRONTWATCH_DB | the database, a file path or URL (like `--db`) | frontwatch.db in the user data dir |
| FRONTWATCH_TOKEN | token `frontwatch serve` requires for uploads (docs/web.md, security model) | none |
| FRONTWATCH_MAX_UPLOAD_MB | largest upload request `frontwatch serve` accepts, in MB | 20 |
| FRONTWATCH_SOURCES | a source registry laid over the shipped one (like `--sources`) | none |
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MAX_DOC_MB = 20.0
DEFAULT_MAX_UPLOAD_MB = 20.0


def max_doc_mb() -> float:
    value = os.environ.get("FRONTWATCH_MAX_DOC_MB")
    return float(value) if value else DEFAULT_MAX_DOC_MB


def extra_kb_dirs(cli_dirs: list[Path] | None) -> list[Path]:
    env = os.environ.get("FRONTWATCH_KB")
    dirs = [Path(p) for p in env.split(os.pathsep) if p] if env else []
    return dirs + list(cli_dirs or [])


def web_token() -> str | None:
    """The write token of the web app (FRONTWATCH_TOKEN); None when unset or empty."""
    return os.environ.get("FRONTWATCH_TOKEN") or None


def max_upload_mb() -> float:
    value = os.environ.get("FRONTWATCH_MAX_UPLOAD_MB")
    return float(value) if value else DEFAULT_MAX_UPLOAD_MB


def database() -> str | None:
    """The database named by FRONTWATCH_DB (a path or URL); None when unset or empty."""
    return os.environ.get("FRONTWATCH_DB") or None


def sources_file(cli_file: Path | None = None) -> Path | None:
    """The user's source registry: `--sources`, else FRONTWATCH_SOURCES, else none."""
    if cli_file is not None:
        return cli_file
    env = os.environ.get("FRONTWATCH_SOURCES")
    return Path(env) if env else None
