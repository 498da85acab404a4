"""What protects the web app: security headers on every response, a request-size limit,
a rate limit per client, the token (for writes, and for everything beyond loopback),
same-origin checks on writes and, on loopback, a Host check against DNS rebinding.
docs/web.md ("Security model") explains each; tests/test_web_security.py and
tests/test_web_hardening.py prove them."""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from fastapi import HTTPException, Request
from starlette.requests import HTTPConnection

from frontwatch.web.settings import WebSettings, is_loopback, parse_rate_limit

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Nothing but this origin: no CDN, no inline script, no framing. Inline style attributes are
# refused too (Leaflet and Swagger UI set styles through the DOM, which CSP allows).
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
                           "form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The browser's sign-in: `?token=TOKEN` once sets this cookie (HttpOnly, SameSite=Lax) holding
# an HMAC of the token, not the token itself.
SESSION_COOKIE = "frontwatch_session"
SESSION_MAX_AGE_S = 30 * 24 * 3600
TOKEN_PARAMETER = "token"


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (name, value) for name, value in SECURITY_HEADERS if name not in names]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequestTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"request body larger than {limit / 1_000_000:g} MB "
                              "(FRONTWATCH_MAX_UPLOAD_MB raises the limit)")


class BodyLimit:
    """Refuses request bodies over `max_bytes`: at once when Content-Length says so, else
    while reading (the handler's read fails with 413), so an upload is never held whole."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await _plain_response(send, 413, RequestTooLarge(self.max_bytes).detail)
            return
        seen = 0

        async def counted_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise RequestTooLarge(self.max_bytes)
            return message

        await self.app(scope, counted_receive, send)


class HostCheck:
    """On a loopback address, answers only requests addressed to a loopback name: a web page
    elsewhere cannot reach the server through a DNS name rebound to 127.0.0.1."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.active = settings.loopback

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.active and scope["type"] == "http":
            host = dict(scope.get("headers", [])).get(b"host", b"").decode("latin-1")
            if not is_loopback(_hostname(host)):
                await _plain_response(send, 421, f"this server answers only to localhost, not {host!r}")
                return
        await self.app(scope, receive, send)


def _hostname(host: str) -> str:
    return urlsplit(f"//{host}").hostname or ""


async def _plain_response(send: Send, status: int, text: str,
                          headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


class RateLimit:
    """At most `limit` requests per client address (a sliding window, `limits` in memory):
    the one over the limit gets 429 with Retry-After in seconds. Behind a reverse proxy every
    request comes from the proxy's address: limit there instead (docs/web.md)."""

    def __init__(self, app: ASGIApp, limit: str | None) -> None:
        from limits.storage import MemoryStorage
        from limits.strategies import SlidingWindowCounterRateLimiter

        self.app = app
        self.item = parse_rate_limit(limit) if limit else None
        self.limiter = SlidingWindowCounterRateLimiter(MemoryStorage())

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.item is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        key = client[0] if client else "unknown"
        if not self.limiter.hit(self.item, key):
            reset_at, _remaining = self.limiter.get_window_stats(self.item, key)
            retry_after = max(1, math.ceil(reset_at - time.time()))
            await _plain_response(send, 429, f"too many requests from {key}: at most {self.item} "
                                             f"(FRONTWATCH_RATE_LIMIT); retry in {retry_after} s",
                                  [(b"retry-after", str(retry_after).encode())])
            return
        await self.app(scope, receive, send)


def session_value(token: str) -> str:
    """What the sign-in cookie holds: an HMAC of the token (the token never sits in a cookie)."""
    return hmac.new(token.encode(), b"frontwatch-session-v1", hashlib.sha256).hexdigest()


def token_matches(settings: WebSettings, supplied: str | None) -> bool:
    """Constant-time comparison with the configured token (False when none is set)."""
    if settings.token is None or not supplied:
        return False
    return hmac.compare_digest(supplied.encode(), settings.token.encode())


def credentials_valid(settings: WebSettings, connection: HTTPConnection) -> bool:
    """The request carries the token: Authorization: Bearer, X-Frontwatch-Token, or the cookie."""
    if token_matches(settings, bearer_token(connection)):
        return True
    cookie = connection.cookies.get(SESSION_COOKIE)
    return (settings.token is not None and cookie is not None
            and hmac.compare_digest(cookie.encode(), session_value(settings.token).encode()))


class TokenGate:
    """The token at the door. `?token=TOKEN` on a GET (any bind, when a token is set) checks it
    and answers a redirect to the same address without it, setting the sign-in cookie. Beyond
    loopback every request needs the token (header or cookie): pages, API, assets, /docs."""

    def __init__(self, app: ASGIApp, settings: WebSettings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        connection = HTTPConnection(scope)
        settings = self.settings
        if (settings.token is not None and TOKEN_PARAMETER in connection.query_params
                and scope["method"] in ("GET", "HEAD")):
            await self._sign_in(connection, send)
            return
        if settings.reads_need_token and not credentials_valid(settings, connection):
            await _refuse(connection, send, settings)
            return
        await self.app(scope, receive, send)

    async def _sign_in(self, connection: HTTPConnection, send: Send) -> None:
        settings = self.settings
        assert settings.token is not None
        if not token_matches(settings, connection.query_params.get(TOKEN_PARAMETER)):
            await _refuse(connection, send, settings, wrong=True)
            return
        rest = [(k, v) for k, v in connection.query_params.multi_items() if k != TOKEN_PARAMETER]
        # re-encoded (no CR/LF or backslash gets into the header) and never `//host`: a redirect
        # to this server only
        raw = connection.scope.get("raw_path") or connection.url.path.encode()
        path = "/" + quote(raw.decode("latin-1"), safe="/%:@!$&'()*+,;=-._~").lstrip("/")
        location = path + (f"?{urlencode(rest)}" if rest else "")
        secure = "; Secure" if connection.url.scheme == "https" else ""
        cookie = (f"{SESSION_COOKIE}={session_value(settings.token)}; Path=/; Max-Age={SESSION_MAX_AGE_S}; "
                  f"HttpOnly; SameSite=Lax{secure}")
        await _plain_response(send, 303, "signed in", [(b"location", location.encode("ascii")),
                                                      (b"set-cookie", cookie.encode()),
                                                      (b"cache-control", b"no-store")])


async def _refuse(connection: HTTPConnection, send: Send, settings: WebSettings, wrong: bool = False) -> None:
    if settings.token is None:
        await _plain_response(send, 403, "this server listens beyond loopback and FRONTWATCH_TOKEN is not set: "
                                         "nobody can be let in")
        return
    problem = "wrong token" if wrong else "this server needs its token"
    await _plain_response(send, 401, f"{problem}: send Authorization: Bearer TOKEN, or open any page once "
                                     "with ?token=TOKEN added to its address (a cookie then keeps you in)",
                          [(b"www-authenticate", b"Bearer")])


def check_same_origin(request: Request) -> None:
    """Refuse a write sent by another site's page (CSRF): browsers send Origin (or at least
    Sec-Fetch-Site) with every POST; tools like curl send neither and are let through."""
    if request.headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
        raise HTTPException(403, "cross-site request refused")
    origin = request.headers.get("origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or parts.netloc.lower() != request.headers.get("host", "").lower():
            raise HTTPException(403, f"request from origin {origin!r} refused (not this site)")


def bearer_token(request: HTTPConnection) -> str | None:
    """The token of an `Authorization: Bearer ...` or `X-Frontwatch-Token` header."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-frontwatch-token")


def authorize_write(request: Request, settings: WebSettings, supplied: str | None) -> None:
    """Raise 403/401 unless this request may write (see WebSettings.token_required): the token
    in a header, in the form (`supplied`) or the sign-in cookie."""
    check_same_origin(request)
    if not settings.writes_enabled:
        raise HTTPException(403, "uploads are disabled: the server listens on a non-loopback address "
                                 "and FRONTWATCH_TOKEN is not set")
    if not settings.token_required:
        return
    if not (token_matches(settings, supplied) or credentials_valid(settings, request)):
        raise HTTPException(401, "a valid token is required (Authorization: Bearer TOKEN, "
                                 "or the token field of the upload form)",
                            headers={"WWW-Authenticate": "Bearer"})
