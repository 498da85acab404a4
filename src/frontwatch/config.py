"""Defaults in one place; environment variables and CLI flags override them.

| variable | meaning | default |
|---|---|---|
| FRONTWATCH_CACHE_DIR | where the compiled KB index is cached | the user cache dir (platformdirs) |
| FRONTWATCH_KB | extra KB directories, separated by the OS path separator | none |
| FRONTWATCH_MAX_DOC_MB | largest single document read, in MB | 20 |
| FRONTWATCH_DB | the database, a file path or URL (like `--db`) | frontwatch.db in the user data dir |
| FRONTWATCH_TOKEN | token `frontwatch serve` requires for uploads (docs/web.md, security model) | none |
| FRONTWATCH_MAX_UPLOAD_MB | largest upload request `frontwatch serve` accepts, in MB | 20 |
| FRONTWATCH_RATE_LIMIT | requests per client address `frontwatch serve` answers (`600/minute`; `off`) | 600/minute |
| FRONTWATCH_CONTACT | a URL or e-mail address put in the User-Agent of web requests | none |
| FRONTWATCH_HTTP_TIMEOUT | seconds to wait to connect and for each read of a web response | 20 |
| FRONTWATCH_MAX_FETCH_MB | largest web response read (a feed or a page), in MB | 10 |
| FRONTWATCH_HTTP_RETRIES | retries of a request after a connection error, 5xx or 429 | 3 |


| FRONTWATCH_SOURCES | a source registry laid over the shipped one (like `--sources`) | none |
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_MAX_DOC_MB = 20.0
DEFAULT_MAX_UPLOAD_MB = 20.0
# Per client address, over a sliding minute. Opening the map costs about 12 requests (page,
# styles, scripts, outlines, timeline, incidents): 600/minute is 50 map loads, far above one
# analyst's clicking and far below what a script hammering the server sends.
DEFAULT_RATE_LIMIT = "600/minute"
RATE_LIMIT_OFF = frozenset({"off", "none", "0", "unlimited"})
DEFAULT_HTTP_TIMEOUT = 20.0
DEFAULT_MAX_FETCH_MB = 10.0
DEFAULT_HTTP_RETRIES = 3


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


def rate_limit() -> str | None:
    """FRONTWATCH_RATE_LIMIT as a `limits` string ("600/minute", "20/second"); None when `off`."""
    value = (os.environ.get("FRONTWATCH_RATE_LIMIT") or DEFAULT_RATE_LIMIT).strip()
    return None if value.lower() in RATE_LIMIT_OFF else value


def contact() -> str | None:
    """Who to contact about our web requests (FRONTWATCH_CONTACT), for the User-Agent."""
    return os.environ.get("FRONTWATCH_CONTACT", "").strip() or None


def http_timeout() -> float:
    value = os.environ.get("FRONTWATCH_HTTP_TIMEOUT")
    return float(value) if value else DEFAULT_HTTP_TIMEOUT


def max_fetch_mb() -> float:
    value = os.environ.get("FRONTWATCH_MAX_FETCH_MB")
    return float(value) if value else DEFAULT_MAX_FETCH_MB


def http_retries() -> int:
    value = os.environ.get("FRONTWATCH_HTTP_RETRIES")
    return int(value) if value else DEFAULT_HTTP_RETRIES


def sources_file(cli_file: Path | None = None) -> Path | None:
    """The user's source registry: `--sources`, else FRONTWATCH_SOURCES, else none."""
    if cli_file is not None:
        return cli_file
    env = os.environ.get("FRONTWATCH_SOURCES")
    return Path(env) if env else None
