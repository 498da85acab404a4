"""HTTP for live sources: one polite client with timeouts, retries with backoff, bounded
redirects, a size cap, robots.txt and conditional GET (ETag / Last-Modified).

Everything that goes wrong becomes a `FetchError` naming the URL and the reason; a batch
reports it and goes on.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit

import httpx
from protego import Protego

from frontwatch import __version__, config
from frontwatch.errors import FetchError, RobotsDisallowed

# The product token robots.txt rules are matched against (RFC 9309).
ROBOTS_AGENT = "Frontwatch"
MAX_REDIRECTS = 5  # RFC 9309 asks crawlers to follow at least five for robots.txt
# Waits before retry 1, 2, 3 ...: BACKOFF_SECONDS * 2**n.
BACKOFF_SECONDS = 1.0
# A Retry-After longer than this is not waited for: the URL fails now and a later poll retries it.
MAX_RETRY_AFTER_SECONDS = 120.0
# 5xx that say "try again" (501 Not Implemented or 505 never get better) and 429 Too Many Requests.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# A whole response must arrive within this many timeouts (httpx's read timeout is per read, so a
# server trickling one byte a second would otherwise never time out).
RESPONSE_TIMEOUTS = 4
READ_CHUNK = 64 * 1024  # bytes per read of a response body
ROBOTS_MAX_BYTES = 512_000  # what is parsed of a robots.txt (Google reads 500 KiB)
ROBOTS_TTL_SECONDS = 24 * 3600.0  # RFC 9309: a cached robots.txt is used for at most 24 hours
ROBOTS_FAILURE_TTL_SECONDS = 600.0  # an unreachable robots.txt is asked for again after this
# A robots.txt Crawl-delay is honoured up to this many seconds between requests to one site.
MAX_CRAWL_DELAY_SECONDS = 30.0


@dataclass(frozen=True)
class FetchSettings:
    """How the client behaves; `from_environment()` reads the FRONTWATCH_* variables."""

    timeout: float = config.DEFAULT_HTTP_TIMEOUT
    max_bytes: int = int(config.DEFAULT_MAX_FETCH_MB * 1_000_000)
    retries: int = config.DEFAULT_HTTP_RETRIES
    contact: str | None = None
    backoff: float = BACKOFF_SECONDS
    max_retry_after: float = MAX_RETRY_AFTER_SECONDS
    max_redirects: int = MAX_REDIRECTS
    respect_robots: bool = True

    @classmethod
    def from_environment(cls) -> FetchSettings:
        return cls(timeout=config.http_timeout(), max_bytes=int(config.max_fetch_mb() * 1_000_000),
                   retries=config.http_retries(), contact=config.contact())

    @property
    def user_agent(self) -> str:
        contact = f"; +{self.contact}" if self.contact else ""
        return f"{ROBOTS_AGENT}/{__version__} (news monitoring{contact})"


@dataclass(frozen=True)
class Validators:
    """What the server said identifies this version (sent back for a conditional GET)."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers


@dataclass
class Fetched:
    """A response: its body (empty for 304 Not Modified) and what describes it."""

    url: str           # as asked for
    final_url: str     # after redirects
    status: int
    content: bytes = b""
    content_type: str = ""
    validators: Validators = field(default_factory=Validators)

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(frozen=True)
class _Robots:
    expires: float                   # time.monotonic() after which robots.txt is read again
    rules: Protego | None = None     # None: no rules, everything allowed
    unavailable: str | None = None   # why everything is disallowed (robots.txt unreachable)
    crawl_delay: float = 0.0


class _Retryable(Exception):
    def __init__(self, reason: str, status: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after


class Fetcher:
    """One HTTP client (connections reused) and the robots.txt rules of the hosts it visited.

    `sleep` is what waits between retries (tests pass a recorder)."""

    def __init__(self, settings: FetchSettings | None = None, *, sleep: Callable[[float], None] = time.sleep,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.settings = settings or FetchSettings.from_environment()
        self.sleep = sleep
        self.client = httpx.Client(timeout=httpx.Timeout(self.settings.timeout), follow_redirects=False,
                                   headers={"User-Agent": self.settings.user_agent}, transport=transport)
        self._robots: dict[str, _Robots] = {}
        self._last_request: dict[str, float] = {}  # origin -> time.monotonic() of the last request

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def fetch(self, url: str, validators: Validators | None = None) -> Fetched:
        """GET `url` (following redirects), conditionally when `validators` are given;
        raises FetchError (RobotsDisallowed when robots.txt forbids it)."""
        scheme = urlsplit(url).scheme.lower()
        if scheme not in ("http", "https"):
            raise FetchError(url, f"not a web URL (scheme {scheme or 'missing'}; http and https are supported)")
        headers = (validators or Validators()).headers()
        return self._follow(url, headers, self.settings.max_bytes, robots=self.settings.respect_robots)

    # ------------------------------------------------------------ redirects, retries, body

    def _follow(self, url: str, headers: dict[str, str], limit: int, *, robots: bool,
                truncate: bool = False) -> Fetched:
        chain = [url]
        current = url
        while True:
            if urlsplit(current).scheme.lower() not in ("http", "https"):
                raise FetchError(url, f"redirected to a non-web URL: {' -> '.join(chain)}")
            if robots:
                self._check_robots(current)
            response = self._get(current, headers, limit, truncate)
            self._last_request[_origin(current)] = time.monotonic()
            if response.status not in REDIRECT_STATUSES:
                response.url = url
                return response
            location = response.final_url
            if location in chain:
                raise FetchError(url, f"redirect loop: {' -> '.join([*chain, location])}", response.status)
            if len(chain) > self.settings.max_redirects:
                raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects}): "
                                      f"{' -> '.join(chain)} -> ...", response.status)
            chain.append(location)
            current = location

    def _get(self, url: str, headers: dict[str, str], limit: int, truncate: bool) -> Fetched:
        attempt = 0
        while True:
            try:
                return self._get_once(url, headers, limit, truncate)
            except _Retryable as problem:
                tries = f"{attempt + 1} attempt{'s' * (attempt > 0)}"
                if attempt >= self.settings.retries:
                    raise FetchError(url, f"{problem.reason} (gave up after {tries})", problem.status) from None
                delay = problem.retry_after
                if delay is None:
                    delay = self.settings.backoff * 2 ** attempt
                elif delay > self.settings.max_retry_after:
                    raise FetchError(url, f"{problem.reason}; the server asks to retry after {delay:.0f} s, longer "
                                          f"than the {self.settings.max_retry_after:.0f} s we wait",
                                     problem.status) from None
                self.sleep(delay)
                attempt += 1

    def _get_once(self, url: str, headers: dict[str, str], limit: int, truncate: bool) -> Fetched:
        timeout = self.settings.timeout
        try:
            response = self.client.send(self.client.build_request("GET", url, headers=headers), stream=True)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(_describe(exc)) from exc
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out: no response within {timeout:g} s") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, _describe(exc)) from exc
        try:
            status = response.status_code
            if status in RETRY_STATUSES:
                raise _Retryable(f"HTTP {status} {response.reason_phrase}".strip(), status,
                                 retry_after(response.headers.get("retry-after")))
            validators = Validators(response.headers.get("etag"), response.headers.get("last-modified"))
            content_type = response.headers.get("content-type", "")
            if status == 304:
                return Fetched(url, url, status, validators=validators, content_type=content_type)
            if status in REDIRECT_STATUSES and response.headers.get("location"):
                return Fetched(url, urljoin(url, response.headers["location"]), status)
            if status >= 400:
                raise FetchError(url, f"HTTP {status} {response.reason_phrase}".strip(), status)
            if 300 <= status < 400:
                raise FetchError(url, f"HTTP {status} without a Location to follow", status)
            body = self._read_body(response, url, limit, truncate)
            return Fetched(url, str(response.url), status, body, content_type, validators)
        finally:
            response.close()

    def _read_body(self, response: httpx.Response, url: str, limit: int, truncate: bool) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise FetchError(url, f"too large: {_megabytes(int(declared))} declared, the limit is "
                                  f"{_megabytes(limit)} (FRONTWATCH_MAX_FETCH_MB)", response.status_code)
        deadline = time.monotonic() + self.settings.timeout * RESPONSE_TIMEOUTS
        chunks: list[bytes] = []
        size = 0
        try:
            # iter_bytes decompresses: the cap applies to what we would hold, so a gzip bomb stops too.
            # Fixed-size chunks: reading stops at most one chunk past the cap, whatever the socket gives.
            for chunk in response.iter_bytes(chunk_size=READ_CHUNK):
                chunks.append(chunk)
                size += len(chunk)
                if size > limit:
                    if truncate:
                        return b"".join(chunks)[:limit]
                    raise FetchError(url, f"too large: stopped reading at {_megabytes(size)}, the limit is "
                                          f"{_megabytes(limit)} (FRONTWATCH_MAX_FETCH_MB)", response.status_code)
                if time.monotonic() > deadline:
                    raise FetchError(url, f"too slow: the response did not arrive within "
                                          f"{self.settings.timeout * RESPONSE_TIMEOUTS:g} s", response.status_code)
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out: the response stalled for {self.settings.timeout:g} s",
                             response.status_code) from exc
        except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
            raise _Retryable(f"connection broken while reading ({_describe(exc)})") from exc
        return b"".join(chunks)

    # ------------------------------------------------------------ robots.txt

    def _check_robots(self, url: str) -> None:
        origin = _origin(url)
        robots = self._robots.get(origin)
        if robots is None or time.monotonic() > robots.expires:
            robots = self._robots[origin] = self._load_robots(origin)
        if robots.unavailable:
            raise RobotsDisallowed(url, robots.unavailable)
        if robots.rules is not None and not robots.rules.can_fetch(url, ROBOTS_AGENT):
            raise RobotsDisallowed(url, f"disallowed by {origin}/robots.txt for {ROBOTS_AGENT}")
        last = self._last_request.get(origin)
        if robots.crawl_delay and last is not None:
            wait = last + robots.crawl_delay - time.monotonic()
            if wait > 0:
                self.sleep(wait)

    def _load_robots(self, origin: str) -> _Robots:
        now = time.monotonic()
        try:
            fetched = self._follow(f"{origin}/robots.txt", {}, ROBOTS_MAX_BYTES, robots=False, truncate=True)
        except FetchError as error:
            if error.status is not None and 400 <= error.status < 500:
                return _Robots(now + ROBOTS_TTL_SECONDS)  # RFC 9309: no robots.txt, no rules
            # RFC 9309: a robots.txt that cannot be reached means the whole site is disallowed.
            reason = f"{origin}/robots.txt is unavailable ({error.problem}), so the site is treated as disallowed"
            return _Robots(now + ROBOTS_FAILURE_TTL_SECONDS, unavailable=reason)
        finally:
            self._last_request[origin] = time.monotonic()
        rules = Protego.parse(fetched.content.decode("utf-8", errors="replace"))
        delay = min(float(rules.crawl_delay(ROBOTS_AGENT) or 0.0), MAX_CRAWL_DELAY_SECONDS)
        return _Robots(now + ROBOTS_TTL_SECONDS, rules, crawl_delay=delay)


def retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delay-seconds or an HTTP date); None if absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _describe(exc: Exception) -> str:
    detail = str(exc).strip()
    kinds: dict[type[Exception], str] = {
        httpx.ConnectError: "cannot connect", httpx.ConnectTimeout: "timed out connecting",
        httpx.RemoteProtocolError: "connection broken", httpx.ReadError: "connection broken"}
    kind = kinds.get(type(exc), type(exc).__name__)
    return f"{kind}: {detail}" if detail else kind


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"
