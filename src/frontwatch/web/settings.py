"""The web app's settings: where it listens, the token, upload and rate limits.

Defaults live here and in `frontwatch.config`; `from_environment` reads FRONTWATCH_TOKEN,
FRONTWATCH_MAX_UPLOAD_MB, FRONTWATCH_MAX_DOC_MB and FRONTWATCH_RATE_LIMIT; `frontwatch serve`
flags override them. An app made without settings (tests, embedding) has no rate limit.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from frontwatch import config
from frontwatch.errors import ConfigError

if TYPE_CHECKING:
    from limits import RateLimitItem

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
    # requests per client address, as `limits` writes it ("600/minute"); None: unlimited
    rate_limit: str | None = None

    def __post_init__(self) -> None:
        if self.rate_limit is not None:
            parse_rate_limit(self.rate_limit)

    @classmethod
    def from_environment(cls, host: str = "127.0.0.1", kb_dirs: list[Path] | None = None) -> WebSettings:
        return cls(host=host, token=config.web_token(),
                   max_upload_bytes=int(config.max_upload_mb() * 1_000_000),
                   max_doc_bytes=int(config.max_doc_mb() * 1_000_000), kb_dirs=list(kb_dirs or []),
                   rate_limit=config.rate_limit())

    @property
    def loopback(self) -> bool:
        return is_loopback(self.host)

    @property
    def reads_need_token(self) -> bool:
        """Beyond loopback every request needs the token: pages, API, assets, /docs."""
        return not self.loopback

    @property
    def token_required(self) -> bool:
        """Writes need the token when one is set, and always off loopback."""
        return self.token is not None or not self.loopback

    @property
    def writes_enabled(self) -> bool:
        """Off loopback without a token nobody could be authorised: everything is refused
        (and `frontwatch serve` does not start)."""
        return self.token is not None or self.loopback


def parse_rate_limit(value: str) -> RateLimitItem:
    """`"600/minute"` as a `limits` item; ConfigError naming FRONTWATCH_RATE_LIMIT otherwise."""
    from limits import parse

    try:
        return parse(value)
    except ValueError:
        raise ConfigError("FRONTWATCH_RATE_LIMIT", value, "expected COUNT/PERIOD such as 600/minute or "
                                                          "20/second, or off") from None
