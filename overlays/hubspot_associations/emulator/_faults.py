"""Injected faults: Cloudflare's HTML 502/520-527 pages and dropped connections (JSON 500/503 are in ``_errors``)."""

from __future__ import annotations

import logging
import random
import secrets

import httpx
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ._facts import CLOUDFLARE_ERRORS, HTML_CONTENT_TYPE, JSON_CONTENT_TYPE


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


def cloudflare_html(status: int, headers: dict[str, str], host: str = "api.hubapi.com") -> Response:
    """The HTML error page Cloudflare serves in front of HubSpot: its plain 502 page, or its 52x page."""
    text = CLOUDFLARE_ERRORS[status]
    if status == 502:
        title = f"{status} {text}"
        body = (
            f"<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
            "<hr><center>cloudflare</center>\r\n</body>\r\n</html>\r\n"
        )
    else:
        body = (
            f'<!DOCTYPE html>\n<html lang="en-US"><head><title>{host} | {status}: {text}</title></head>\n'
            f'<body><div id="cf-error-details"><h1><span class="inline-block">{text}</span>'
            f'<span class="code-label">Error code {status}</span></h1>'
            f'<p>Cloudflare Ray ID: <strong class="font-semibold">{secrets.token_hex(8)}</strong></p>'
            "</div></body></html>\n"
        )
    return Response(body, status_code=status, headers=headers, media_type=HTML_CONTENT_TYPE)


class DroppedResponse(Response):
    """Starts a 200 response promising a body, sends part of it, then drops the connection."""

    def __init__(self, headers: dict[str, str]) -> None:
        super().__init__(b"", status_code=200, headers=headers, media_type=JSON_CONTENT_TYPE)

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
