"""The web app's settings: where it listens, the write token, upload limits.

Defaults live here and in `frontwatch.config`; `from_environment` reads FRONTWATCH_TOKEN,
FRONTWATCH_MAX_UPLOAD_MB and FRONTWATCH_MAX_DOC_MB; `frontwatch serve` flags override them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path

from frontwatch import config

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
# Most files one upload may carry: each is processed while the request waits.
MAX_UPLOAD_FILES = 20
# Largest page of a list endpoint (`limit`), and the default.
MAX_PAGE = 500
DEFAULT_PAGE = 50


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class WebSettings:
    host: str = "127.0.0.1"
    token: str | None = None
    max_upload_bytes: int = int(config.DEFAULT_MAX_UPLOAD_MB * 1_000_000)
    max_doc_bytes: int = int(config.DEFAULT_MAX_DOC_MB * 1_000_000)
    max_upload_files: int = MAX_UPLOAD_FILES
    kb_dirs: list[Path] = field(default_factory=list)

    @classmethod
    def from_environment(cls, host: str = "127.0.0.1", kb_dirs: list[Path] | None = None) -> WebSettings:
        return cls(host=host, token=config.web_token(),
                   max_upload_bytes=int(config.max_upload_mb() * 1_000_000),
                   max_doc_bytes=int(config.max_doc_mb() * 1_000_000), kb_dirs=list(kb_dirs or []))

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def token_required(self) -> bool:
        """Writes need the token when one is set, and always off loopback."""
        return self.token is not None or not self.loopback

    @property
    def writes_enabled(self) -> bool:
        """Off loopback without a token nobody could be authorised: uploads are refused outright."""
        return self.token is not None or self.loopback
