"""Retry and backoff decisions as pure functions.

The sync and async clients call these and differ only in how they sleep and send (the Stainless ``_base_client``
pattern). Nothing here does I/O or keeps state; randomness comes from an injectable :class:`random.Random` so
tests are deterministic.

Conventions:

* ``attempt`` is the 0-based index of the attempt that just failed: ``0`` after the first try. With
  ``max_retries=4`` a call makes at most five attempts.
* ``policy_name`` is the ``policyName`` of a 429 body (``DAILY``, ``TEN_SECONDLY_ROLLING``, ``SECONDLY``), or
  ``None`` when unknown.
"""

from __future__ import annotations

import email.utils
import math
import random
import time
from collections.abc import Mapping

import attrs
import httpx

from ._constants import (
    HEADER_RATE_LIMIT_DAILY,
    HEADER_RATE_LIMIT_DAILY_REMAINING,
    HEADER_RATE_LIMIT_INTERVAL_MS,
    HEADER_RATE_LIMIT_MAX,
    HEADER_RATE_LIMIT_REMAINING,
    INITIAL_RETRY_DELAY,
    MAX_RETRY_DELAY,
)

__all__ = [
    "NON_RETRYABLE_TRANSPORT_ERRORS",
    "RETRYABLE_STATUSES",
    "RateLimitInfo",
    "backoff_delay",
    "is_daily_limit",
    "parse_retry_after",
    "rate_limit_info",
    "retry_delay",
    "should_retry",
]

HeadersLike = Mapping[str, str] | httpx.Headers

RETRYABLE_STATUSES: frozenset[int] = frozenset({429, 500, 502, 503, 504, *range(520, 528)})
"""Statuses worth another attempt: rate limits (except ``DAILY``), server errors and Cloudflare's 52x.

400/401/403/404/409 are answers about the request itself and are never retried (HubSpot reports missing records as
400, see docs/real-traffic.md §3).
"""

NON_RETRYABLE_TRANSPORT_ERRORS: tuple[type[httpx.TransportError], ...] = (
    httpx.UnsupportedProtocol,
    httpx.LocalProtocolError,
)
"""Transport errors that mean *our* request or URL is wrong, so another attempt fails the same way.

Every other :class:`httpx.TransportError` (connect/read/write/pool timeouts, connection resets, remote protocol
errors, proxy errors) is retried: all association writes are idempotent PUT/POST-batch operations, so resending
after a read error cannot create a duplicate.
"""

_RATE_LIMIT_JITTER = 0.1  # up to +10 % on a rate-limit interval wait, so workers don't return in lockstep


def is_daily_limit(policy_name: str | None) -> bool:
    """True when a 429's ``policyName`` is the daily cap, which resets at the account's midnight, not in seconds."""
    return policy_name is not None and policy_name.strip().upper() == "DAILY"


def should_retry(
    *,
    status: int | None,
    policy_name: str | None,
    attempt: int,
    max_retries: int,
    exception: BaseException | None = None,
) -> bool:
    """Decide whether the attempt that just failed deserves another try.

    ``status`` is the HTTP status, or ``None`` when the request failed in transport (then ``exception`` says how).

    >>> should_retry(status=503, policy_name=None, attempt=0, max_retries=4)
    True
    >>> should_retry(status=429, policy_name="DAILY", attempt=0, max_retries=4)
    False
    """
    if attempt >= max_retries:
        return False
    if status is None:
        return isinstance(exception, httpx.TransportError) and not isinstance(exception, NON_RETRYABLE_TRANSPORT_ERRORS)
    if status == 429:
        return not is_daily_limit(policy_name)
    return status in RETRYABLE_STATUSES


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value: delta-seconds or an HTTP-date.

    Returns ``None`` for a missing or unparseable value; a date in the past gives ``0.0``. ``now`` is a Unix time
    (defaults to :func:`time.time`) used for HTTP-dates.

    >>> parse_retry_after("2")
    2.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412478.0)
    2.0
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if math.isnan(seconds) or math.isinf(seconds):
            return None
        return max(0.0, seconds)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # RFC 9110 dates are GMT; a naive result means the zone was missing
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


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


def _header(headers: HeadersLike, name: str) -> str | None:
    value: str | None = headers.get(name)
    if isinstance(headers, httpx.Headers):
        return value
    if value is not None:
        return value
    lowered = name.lower()
    for key, candidate in headers.items():
        if key.lower() == lowered:
            return candidate
    return None


def _non_negative_int(value: str | bytes | None) -> int | None:
    if value is None:
        return None
    try:
        number = int(value)  # int() accepts str and bytes and strips surrounding whitespace itself
    except ValueError:
        return None
    return number if number >= 0 else None


_RATE_LIMIT_FIELDS = {
    HEADER_RATE_LIMIT_MAX.lower(): "max",
    HEADER_RATE_LIMIT_REMAINING.lower(): "remaining",
    HEADER_RATE_LIMIT_INTERVAL_MS.lower(): "interval_ms",
    HEADER_RATE_LIMIT_DAILY.lower(): "daily",
    HEADER_RATE_LIMIT_DAILY_REMAINING.lower(): "daily_remaining",
}
_RAW_FIELDS = {key.encode(): field for key, field in _RATE_LIMIT_FIELDS.items()}


def rate_limit_info(headers: HeadersLike | None) -> RateLimitInfo | None:
    """Parse the ``X-HubSpot-RateLimit-*`` headers; ``None`` when none of them is usable (e.g. search endpoints).

    Runs on every response, so it makes one pass over the raw headers instead of one lookup per field.
    """
    if headers is None:
        return None
    found: dict[str, str | bytes] = {}
    if isinstance(headers, httpx.Headers):
        fields = _RAW_FIELDS
        for raw_key, raw_value in headers.raw:
            raw_field = fields.get(raw_key.lower())
            if raw_field is not None:
                found[raw_field] = raw_value
    else:
        for key, value in headers.items():
            field = _RATE_LIMIT_FIELDS.get(key.lower())
            if field is not None:
                found[field] = value
    if not found:
        return None
    maximum = _non_negative_int(found.get("max"))
    remaining = _non_negative_int(found.get("remaining"))
    interval_ms = _non_negative_int(found.get("interval_ms")) or None
    daily = _non_negative_int(found.get("daily"))
    daily_remaining = _non_negative_int(found.get("daily_remaining"))
    if maximum is None and remaining is None and interval_ms is None and daily is None and daily_remaining is None:
        return None
    return RateLimitInfo(maximum, remaining, interval_ms, daily, daily_remaining)


def backoff_delay(attempt: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with jitter: ``INITIAL_RETRY_DELAY * 2**attempt``, capped, minus up to 25 %.

    The jitter only shortens the wait (as in the Stainless SDKs), so the cap stays a true maximum.
    """
    base = min(INITIAL_RETRY_DELAY * (2.0 ** max(0, attempt)), MAX_RETRY_DELAY)
    draw = (rng or random).random()
    return base * (1.0 - 0.25 * draw)


def retry_delay(
    *,
    attempt: int,
    headers: HeadersLike | None,
    status: int | None,
    policy_name: str | None,
    rng: random.Random | None = None,
    now: float | None = None,
) -> float:
    """Seconds to wait before retrying the attempt that just failed (``attempt`` is 0-based).

    In order of preference:

    1. ``Retry-After`` (or ``retry-after-ms``) when the server sent one, capped at ``MAX_RETRY_DELAY``. HubSpot
       documents none, but proxies and the emulator may send it.
    2. A 429 whose headers say the window is exhausted (``X-HubSpot-RateLimit-Remaining: 0``) waits the whole
       ``X-HubSpot-RateLimit-Interval-Milliseconds`` plus up to 10 % jitter: in a rolling window that is the one wait
       that is sure to free a slot, and every extra 429 counts against HubSpot's 5 % error budget. A ``SECONDLY``
       429 without headers waits one second.
    3. Otherwise (5xx, transport errors, a 429 that still shows remaining budget, e.g. search's per-second limit):
       exponential backoff, see :func:`backoff_delay`.

    Pass a seeded ``rng`` for deterministic results.
    """
    if headers is not None:
        retry_after_ms = _header(headers, "retry-after-ms")
        if retry_after_ms is not None:
            try:
                millis = float(retry_after_ms)
            except ValueError:
                millis = math.nan
            if math.isfinite(millis) and millis >= 0:
                return min(millis / 1000.0, MAX_RETRY_DELAY)
        retry_after = parse_retry_after(_header(headers, "retry-after"), now=now)
        if retry_after is not None:
            return min(retry_after, MAX_RETRY_DELAY)
    if status == 429:
        info = rate_limit_info(headers)
        interval = info.interval_s if info is not None else None
        if interval is None and policy_name is not None and policy_name.strip().upper() == "SECONDLY":
            interval = 1.0
        exhausted = info is None or info.remaining is None or info.remaining == 0
        if interval is not None and exhausted:
            draw = (rng or random).random()
            return min(interval * (1.0 + _RATE_LIMIT_JITTER * draw), MAX_RETRY_DELAY)
    return backoff_delay(attempt, rng)
