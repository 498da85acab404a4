"""What protects the web app: security headers on every response, a request-size limit,
the write token, same-origin checks on writes and, on loopback, a Host check against
DNS rebinding. docs/web.md ("Security model") explains each; tests/test_web_security.py
proves them."""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from frontwatch.web.settings import WebSettings, is_loopback

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


async def _plain_response(send: Send, status: int, text: str) -> None:
    body = text.encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


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


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer ...` or `X-Frontwatch-Token` header."""
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.headers.get("x-frontwatch-token")


def authorize_write(request: Request, settings: WebSettings, supplied: str | None) -> None:
    """Raise 403/401 unless this request may write (see WebSettings.token_required)."""
    check_same_origin(request)
    if not settings.writes_enabled:
        raise HTTPException(403, "uploads are disabled: the server listens on a non-loopback address "
                                 "and FRONTWATCH_TOKEN is not set")
    if not settings.token_required:
        return
    assert settings.token is not None
    if not supplied or not hmac.compare_digest(supplied.encode(), settings.token.encode()):
        raise HTTPException(401, "a valid token is required (Authorization: Bearer TOKEN, "
                                 "or the token field of the upload form)",
                            headers={"WWW-Authenticate": "Bearer"})
