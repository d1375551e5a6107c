"""The SDK's logger and the few helpers that format its lines.

Silent by default (a library must not configure logging for its host). ``HUBSPOT_ASSOCIATIONS_LOG=debug`` (or
``info``, ``warning``, ``error``) attaches one stderr handler to the ``hubspot_associations`` logger.

Lines carry method, path (never the query string), status, attempt, correlation id, elapsed time and wait, and
only an allow-list of response headers, so tokens cannot leak into logs. Every helper checks
:meth:`logging.Logger.isEnabledFor` before formatting, so disabled logging costs one method call.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable, Mapping
from typing import TypedDict, Unpack

import httpx

from ._constants import HEADER_RATE_LIMIT_DAILY_REMAINING, HEADER_RATE_LIMIT_REMAINING, LOG_ENV_VAR
from ._response import HeadersLike, header
from ._response import correlation_id as _response_correlation_id

__all__ = [
    "LOGGED_HEADERS",
    "configure_from_env",
    "format_request_line",
    "log_request",
    "log_retry",
    "logger",
    "safe_path",
]

logger = logging.getLogger("hubspot_associations")
# A library must not print through logging's last-resort handler: nothing is shown until the application
# configures logging or sets HUBSPOT_ASSOCIATIONS_LOG.
logger.addHandler(logging.NullHandler())
"""The SDK's logger; configure it like any other, or via ``HUBSPOT_ASSOCIATIONS_LOG``."""

LOGGED_HEADERS: tuple[str, ...] = (
    HEADER_RATE_LIMIT_REMAINING,
    HEADER_RATE_LIMIT_DAILY_REMAINING,
    "Retry-After",
)
"""The only headers that may appear in a log line (an allow-list: ``Authorization`` can never be printed)."""

_LEVELS = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "warn": logging.WARNING,
    "error": logging.ERROR,
}
_HANDLER_MARK = "_hubspot_associations_env_handler"


def configure_from_env(environ: Mapping[str, str] | None = None) -> bool:
    """Apply ``HUBSPOT_ASSOCIATIONS_LOG``: set the logger's level and attach one stderr handler.

    Idempotent: calling it again adjusts the level but never adds a second handler. Returns ``True`` when the
    variable named a known level, ``False`` when it was unset, empty or unknown (then nothing changes).
    """
    env = os.environ if environ is None else environ
    value = env.get(LOG_ENV_VAR, "").strip().lower()
    level = _LEVELS.get(value)
    if level is None:
        return False
    logger.setLevel(level)
    handler = next((h for h in logger.handlers if getattr(h, _HANDLER_MARK, False)), None)
    if handler is None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)
    handler.setLevel(level)
    return True


def safe_path(url: httpx.URL | str) -> str:
    """The path of ``url`` without origin, query string or fragment (query values could hold secrets)."""
    if isinstance(url, httpx.URL):
        return url.path
    text = str(url)
    if "://" in text:
        try:
            return httpx.URL(text).path
        except httpx.InvalidURL:
            pass  # fall back to cutting the string
    for separator in ("?", "#"):
        index = text.find(separator)
        if index != -1:
            text = text[:index]
    return text


def _allowed_headers(headers: HeadersLike | None) -> str:
    if not headers:
        return ""
    parts = []
    for name in LOGGED_HEADERS:
        value = header(headers, name)
        if value is not None:
            parts.append(f"{name}={value[:40]}")
    return " ".join(parts)


def format_request_line(
    method: str,
    url: httpx.URL | str,
    *,
    status: int | None = None,
    attempt: int = 0,
    correlation_id: str | None = None,
    elapsed: float | None = None,
    wait: float | None = None,
    error: BaseException | None = None,
    headers: HeadersLike | None = None,
    scrub: Callable[[str], str] | None = None,
) -> str:
    """One log line: ``PUT /crm/v4/... -> 201 attempt=1 correlation_id=... elapsed=0.123s``.

    ``attempt`` is 0-based (as in :mod:`._policy`) and printed 1-based. ``headers`` (request or response) only
    contribute the allow-listed :data:`LOGGED_HEADERS` and the correlation id; ``error`` only its type name.
    ``scrub`` (the client's secret scrubber) is applied to the finished line: a server may echo the token in the
    correlation id or an allow-listed header. Control characters come out as ``\\xNN`` (one line, no escapes).
    """
    outcome = str(status) if status is not None else (type(error).__name__ if error is not None else "-")
    parts = [f"{method.upper()} {safe_path(url)} -> {outcome}", f"attempt={attempt + 1}"]
    cid = correlation_id if correlation_id is not None else _response_correlation_id(headers)
    if cid:
        parts.append(f"correlation_id={cid}")
    if elapsed is not None:
        parts.append(f"elapsed={elapsed:.3f}s")
    if wait is not None:
        parts.append(f"wait={wait:.3f}s")
    extra = _allowed_headers(headers)
    if extra:
        parts.append(extra)
    line = " ".join(parts)
    return (line if scrub is None else scrub(line)).translate(_CONTROLS)


# A server's bytes (correlation id, allow-listed headers) may hold line breaks or terminal escapes: shown as \xNN,
# they can neither forge a log line nor recolour a terminal.
_CONTROLS = {code: f"\\x{code:02x}" for code in (*range(0x20), *range(0x7F, 0xA0))}


class _LineContext(TypedDict, total=False):
    correlation_id: str | None
    error: BaseException | None
    headers: HeadersLike | None
    scrub: Callable[[str], str] | None


class RequestLineFields(_LineContext, total=False):
    """The keyword arguments of :func:`format_request_line`, passed through by :func:`log_request`."""

    status: int | None
    attempt: int
    elapsed: float | None
    wait: float | None


class RetryLineFields(_LineContext):
    """:func:`log_retry`'s: it always says which status (or None), attempt and wait."""

    status: int | None
    attempt: int
    wait: float


def log_request(method: str, url: httpx.URL | str, **fields: Unpack[RequestLineFields]) -> None:
    """Log one finished attempt at DEBUG (nothing is formatted when DEBUG is off)."""
    if not logger.isEnabledFor(logging.DEBUG):
        return
    logger.debug("%s", format_request_line(method, url, **fields))


def log_retry(method: str, url: httpx.URL | str, **fields: Unpack[RetryLineFields]) -> None:
    """Log that a failed attempt will be retried after ``wait`` seconds.

    WARNING for a 429 (client-side pacing did not keep us under the limit: another process shares it), INFO for
    server errors and transport errors.
    """
    level = logging.WARNING if fields["status"] == 429 else logging.INFO
    if not logger.isEnabledFor(level):
        return
    logger.log(level, "retrying %s", format_request_line(method, url, **fields))
