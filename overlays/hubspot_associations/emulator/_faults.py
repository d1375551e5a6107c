"""Injected faults: Cloudflare-style HTML 5xx, JSON 503 and dropped connections."""

from __future__ import annotations

import logging
import random

import httpx
from starlette.responses import HTMLResponse, Response
from starlette.types import Receive, Scope, Send

_HTML_TITLES = {500: "500 Internal Server Error", 502: "502 Bad Gateway"}


class ConnectionDropped(httpx.RemoteProtocolError):
    """Raised by the app to drop a connection mid-response.

    Over uvicorn the server then closes the socket, so clients see ``httpx.RemoteProtocolError``; in process
    (``httpx.ASGITransport``) this exception itself reaches the client and, being an ``httpx.TransportError``,
    takes the same retry path.
    """


def draw_fault(rng: random.Random, rate: float, kinds: tuple[str, ...]) -> str | None:
    """Pick the fault for one request, or ``None``; deterministic for a seeded ``rng``."""
    if rate <= 0.0 or not kinds or rng.random() >= rate:
        return None
    return kinds[0] if len(kinds) == 1 else rng.choice(kinds)


def cloudflare_html(status: int, headers: dict[str, str]) -> Response:
    """An HTML error page as Cloudflare serves it in front of HubSpot."""
    title = _HTML_TITLES[status]
    body = (
        f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center>"
        "<hr><center>cloudflare</center></body></html>"
    )
    return HTMLResponse(body, status_code=status, headers=headers)


class DroppedResponse(Response):
    """Starts a 200 response promising a body, sends part of it, then drops the connection."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(b"", status_code=200, headers=headers, media_type="application/json")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]
        raw_headers.append((b"content-length", b"512"))
        await send({"type": "http.response.start", "status": 200, "headers": raw_headers})
        await send({"type": "http.response.body", "body": b'{"status":"COMPL', "more_body": True})
        raise ConnectionDropped("emulator dropped the connection mid-response")


class DropLogFilter(logging.Filter):
    """Keeps uvicorn from logging a traceback for every intentionally dropped connection."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info is not None and isinstance(record.exc_info[1], ConnectionDropped))
