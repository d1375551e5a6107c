"""Reading one HubSpot response's headers: the single home for every fact the SDK takes from them.

It runs on every call. Every consumer asks here — the error tree (``_errors.py``), the retry policy
(``_policy.py``), the pacer (through :func:`rate_limit_info`), logging, OAuth and bulk outcomes — so a header is
read one way only:

* :func:`header` — case-insensitive lookup in :class:`httpx.Headers` or any mapping.
* :func:`rate_limit_info` — ``X-HubSpot-RateLimit-*`` as :class:`RateLimitInfo`.
* :func:`retry_after` — ``retry-after-ms``, else ``Retry-After`` (delta-seconds or an HTTP-date).
* :func:`correlation_id` — body ``correlationId``, else ``X-HubSpot-Correlation-Id``.
* :func:`is_daily_limit` — whether a 429 is the daily cap (``policyName`` wins; the message decides without one).
* :class:`APIResponse` — a parsed result with its response (``with_raw_response``), whose properties ask the above.
* :func:`read_body` / :func:`parse_json` / :func:`text_of` — generic body reading that never raises (OAuth token
  answers, and the error-body parser).

An error response's body (message, category, ``context`` in its several forms) is read by :mod:`._error_body`,
loaded only when an error is built. HubSpot documents no ``Retry-After``; proxies and the emulator may send one.
Nothing here raises on what a server sends.
"""

from __future__ import annotations

import datetime
import email.utils
import json
import math
import time
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs
import httpx

from ._clamps import clamp_json_depth
from ._constants import (
    HEADER_CORRELATION_ID,
    HEADER_RATE_LIMIT_DAILY,
    HEADER_RATE_LIMIT_DAILY_REMAINING,
    HEADER_RATE_LIMIT_INTERVAL_MS,
    HEADER_RATE_LIMIT_MAX,
    HEADER_RATE_LIMIT_REMAINING,
)

__all__ = [
    "APIResponse",
    "HeadersLike",
    "RateLimitInfo",
    "correlation_id",
    "first_text",
    "header",
    "is_daily_limit",
    "parse_json",
    "rate_limit_info",
    "read_body",
    "request_of",
    "retry_after",
    "text_of",
]

HeadersLike = httpx.Headers | Mapping[str, str]
T = TypeVar("T")

# -- headers --------------------------------------------------------------------------------------------------------


def header(headers: HeadersLike | None, name: str) -> str | None:
    """The value of header ``name`` (any case) in :class:`httpx.Headers` or a plain mapping; ``None`` if absent.

    Never raises, whatever the mapping holds.

    >>> header({"x-hubspot-correlation-id": "abc"}, "X-HubSpot-Correlation-Id")
    'abc'
    """
    if headers is None:
        return None
    try:
        if isinstance(headers, httpx.Headers):
            found: str | None = headers.get(name)
            return found
        direct = headers.get(name)
        if isinstance(direct, str):
            return direct
        wanted = name.lower()
        for key, value in headers.items():
            if isinstance(key, str) and key.lower() == wanted:
                return value if isinstance(value, str) else str(value)
    except Exception:
        return None
    return None


@attrs.frozen(slots=True)
class RateLimitInfo:
    """HubSpot's rate-limit headers of one response; a field is ``None`` when its header is absent or garbage.

    ``max``/``remaining`` count requests in the rolling window of ``interval_ms`` milliseconds (10 000 in practice);
    ``daily``/``daily_remaining`` are per account per day and are not sent to OAuth apps.
    """

    max: int | None = None
    remaining: int | None = None
    interval_ms: int | None = None
    daily: int | None = None
    daily_remaining: int | None = None

    @property
    def interval_s(self) -> float | None:
        """The window length in seconds, or ``None`` when unknown."""
        return None if self.interval_ms is None else self.interval_ms / 1000.0


_RATE_LIMIT_FIELDS = {
    HEADER_RATE_LIMIT_MAX.lower(): "max",
    HEADER_RATE_LIMIT_REMAINING.lower(): "remaining",
    HEADER_RATE_LIMIT_INTERVAL_MS.lower(): "interval_ms",
    HEADER_RATE_LIMIT_DAILY.lower(): "daily",
    HEADER_RATE_LIMIT_DAILY_REMAINING.lower(): "daily_remaining",
}
_RAW_FIELDS = {key.encode(): field for key, field in _RATE_LIMIT_FIELDS.items()}
_MAX_COUNT_DIGITS = 18  # header counts are small decimals; a longer run of digits is garbage, not a limit


def _count(value: str | bytes | None) -> int | None:
    if value is None or len(value) > _MAX_COUNT_DIGITS + 8:
        return None
    try:
        number = int(value)  # int() accepts str and bytes and strips surrounding whitespace itself
    except ValueError:
        return None
    return number if number >= 0 else None


def rate_limit_info(headers: HeadersLike | None) -> RateLimitInfo | None:
    """Parse the ``X-HubSpot-RateLimit-*`` headers; ``None`` when none of them is usable (e.g. search endpoints).

    Runs on every response, so it makes one pass over the raw headers instead of one lookup per field.

    >>> rate_limit_info({"X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Remaining": "187"})
    RateLimitInfo(max=190, remaining=187, interval_ms=None, daily=None, daily_remaining=None)
    """
    if headers is None:
        return None
    found: dict[str, str | bytes] = {}
    try:
        if isinstance(headers, httpx.Headers):
            fields = _RAW_FIELDS
            for raw_key, raw_value in headers.raw:
                raw_field = fields.get(raw_key.lower())
                if raw_field is not None:
                    found[raw_field] = raw_value
        else:
            for key, value in headers.items():
                field = _RATE_LIMIT_FIELDS.get(key.lower()) if isinstance(key, str) else None
                if field is not None and isinstance(value, str | bytes):
                    found[field] = value
    except Exception:
        return None
    if not found:
        return None
    maximum = _count(found.get("max"))
    remaining = _count(found.get("remaining"))
    interval_ms = _count(found.get("interval_ms")) or None
    daily = _count(found.get("daily"))
    daily_remaining = _count(found.get("daily_remaining"))
    if maximum is None and remaining is None and interval_ms is None and daily is None and daily_remaining is None:
        return None
    return RateLimitInfo(maximum, remaining, interval_ms, daily, daily_remaining)


def _seconds(text: str) -> float | None:
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None


def retry_after(headers: HeadersLike | None, *, now: float | None = None) -> float | None:
    """Seconds the server asks us to wait before the next attempt, or ``None`` when it says nothing usable.

    ``retry-after-ms`` (milliseconds, sent by some proxies and SDK test servers) wins over ``Retry-After``, which is
    delta-seconds or an HTTP-date (RFC 9110 §10.2.3). A date without a usable zone (``-0000``, which RFC 5322 defines
    as UTC with no local offset, or none at all) is read as UTC; a date in the past gives ``0.0``. Negative,
    non-finite or unparseable values count as absent. ``now`` is a Unix time for dates (default :func:`time.time`).
    The value is the server's; callers cap it (see :mod:`._policy`).

    >>> retry_after({"Retry-After": "2"}), retry_after({"retry-after-ms": "1500"})
    (2.0, 1.5)
    >>> retry_after({"Retry-After": "Wed, 21 Oct 2015 07:28:00 -0000"}, now=1445412478.0)
    2.0
    """
    millis = header(headers, "retry-after-ms")
    if millis is not None:
        value = _seconds(millis.strip())
        if value is not None:
            return value / 1000.0
    raw = header(headers, "retry-after")
    if raw is None or not raw.strip():
        return None
    text = raw.strip()
    seconds = _seconds(text)
    if seconds is not None:
        return seconds
    try:
        when = email.utils.parsedate_to_datetime(text)
        if when.tzinfo is None:
            when = when.replace(tzinfo=datetime.UTC)
        stamp = when.timestamp()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    current = time.time() if now is None else now
    return max(0.0, stamp - current)


def first_text(*values: Any) -> str | None:
    """The first of ``values`` that is a non-blank string, stripped (body fields of any JSON type go in)."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def correlation_id(headers: HeadersLike | None, body: Any = None) -> str | None:
    """HubSpot's id for the request: the body's ``correlationId`` (a parsed JSON object), else the
    ``X-HubSpot-Correlation-Id`` header (the two are equal on real responses)."""
    from_body = first_text(body.get("correlationId")) if isinstance(body, dict) else None
    return from_body or first_text(header(headers, HEADER_CORRELATION_ID))


def is_daily_limit(policy_name: str | None, message: str | None = None) -> bool:
    """True when a 429 is HubSpot's daily cap, which resets at the account's midnight: retrying in seconds is futile.

    ``policyName`` decides when the body has one (``DAILY``; ``TEN_SECONDLY_ROLLING``, ``SECONDLY`` or a new name
    are not daily, whatever the message says). Without one, the message decides: HubSpot's daily message is "You
    have reached your daily limit." This one answer serves both :attr:`RateLimitError.is_daily` and the retry policy.

    >>> is_daily_limit("DAILY"), is_daily_limit(None, "You have reached your daily limit."), is_daily_limit(None)
    (True, True, False)
    """
    name = first_text(policy_name)
    if name is not None:
        return name.upper() == "DAILY"
    return isinstance(message, str) and "daily limit" in message.lower()


# eq=False: one call's answer is equal only to itself, and not building __eq__/__hash__ saves import time.
@attrs.frozen(slots=True, eq=False)
class APIResponse(Generic[T]):
    """A parsed result together with the HTTP response it came from (``client.with_raw_response.<method>``).

    ``attempts`` counts every try, so ``attempts - 1`` retries were absorbed.
    """

    parsed: T
    http_response: httpx.Response = attrs.field(repr=False)
    attempts: int

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def correlation_id(self) -> str | None:
        """HubSpot's request id (``X-HubSpot-Correlation-Id``); quote it to HubSpot support."""
        return correlation_id(self.http_response.headers)

    @property
    def rate_limit(self) -> RateLimitInfo | None:
        """The ``X-HubSpot-RateLimit-*`` headers of this response, parsed."""
        return rate_limit_info(self.http_response.headers)


# -- bodies (generic; an error body's fields are read in _error_body.py) ------------------------------------------


def read_body(response: httpx.Response) -> bytes:
    """The response's bytes; a streamed response not read yet is read now; ``b""`` when that fails."""
    try:
        return response.content
    except Exception:
        try:
            return response.read()
        except Exception:
            return b""


def request_of(response: httpx.Response) -> httpx.Request | None:
    """The request of ``response``, or ``None`` when it was built without one."""
    try:
        return response.request
    except RuntimeError:  # httpx raises when the response was built without a request
        return None


def text_of(body: bytes | str) -> str:
    """``body`` as text: UTF-8 (a BOM is dropped), undecodable bytes replaced, never raising."""
    if isinstance(body, str):
        return body
    if isinstance(body, bytes | bytearray | memoryview):
        return bytes(body).decode("utf-8-sig", errors="replace")
    return ""


def parse_json(body: bytes | str) -> tuple[Any, bool]:
    """``(value, True)`` when ``body`` is JSON, else ``(None, False)``; never raises.

    Invalid UTF-8 is replaced, not fatal; nesting too deep for the parser and numbers too long to convert count as
    "not JSON" (``json`` raises ``RecursionError`` and ``ValueError`` for them). What it parses is kept to
    ``MAX_JSON_DEPTH`` levels (:func:`._clamps.clamp_json_depth`): errors keep it, and must pickle and copy.
    """
    stripped = text_of(body).lstrip("\ufeff").strip()
    if not stripped:
        return None, False
    try:
        return clamp_json_depth(json.loads(stripped)), True
    except (ValueError, RecursionError, MemoryError):
        return None, False
