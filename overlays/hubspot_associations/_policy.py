"""Retry and backoff decisions as pure functions.

The sync and async clients call these and differ only in how they sleep and send (the Stainless ``_base_client``
pattern). Nothing here does I/O or keeps state; randomness comes from an injectable :class:`random.Random` so
tests are deterministic.

Conventions:

* ``attempt`` is the 0-based index of the attempt that just failed: ``0`` after the first try. With
  ``max_retries=4`` a call makes at most five attempts.
* ``policy_name`` is the ``policyName`` of a 429 body (``DAILY``, ``TEN_SECONDLY_ROLLING``, ``SECONDLY``), or
  ``None`` when unknown; ``daily`` is the one answer to "is this the daily cap" (:func:`._response.is_daily_limit`,
  also behind :attr:`RateLimitError.is_daily`). Headers are read by :mod:`._response` only.
"""

from __future__ import annotations

import random
import ssl

import httpx

from ._clamps import clamp_rate_limit, clamp_retry_after
from ._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from ._response import HeadersLike, rate_limit_info, retry_after

__all__ = [
    "NON_RETRYABLE_TRANSPORT_ERRORS",
    "RETRYABLE_STATUSES",
    "backoff_delay",
    "certificate_failure",
    "rate_limit_hold",
    "retry_delay",
    "should_retry",
]

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

A connection whose TLS certificate fails verification (:func:`certificate_failure`) is not retried either: the
same certificate comes back on every attempt. Every other :class:`httpx.TransportError` (connect/read/write/pool
timeouts, connection resets and refusals, remote protocol errors, proxy errors) is retried: all association writes
are idempotent PUT/POST-batch operations, so resending after a read error cannot create a duplicate.
"""

_MAX_CHAIN = 20  # exception chains are walked at most this deep


def certificate_failure(exception: BaseException | None) -> ssl.SSLCertVerificationError | None:
    """The :class:`ssl.SSLCertVerificationError` behind a transport error, or ``None``.

    httpx raises ``ConnectError`` for it, chained (``__cause__``/``__context__``) to httpcore's error and, on each
    network backend (sync, asyncio, trio), to the ``ssl`` module's own; this walks that chain.
    """
    seen: set[int] = set()
    while exception is not None and id(exception) not in seen and len(seen) < _MAX_CHAIN:
        if isinstance(exception, ssl.SSLCertVerificationError):
            return exception
        seen.add(id(exception))
        exception = exception.__cause__ or exception.__context__
    return None


_RATE_LIMIT_JITTER = 0.1  # up to +10 % on a rate-limit interval wait, so workers don't return in lockstep


def should_retry(
    *,
    status: int | None,
    attempt: int,
    max_retries: int,
    daily: bool = False,
    exception: BaseException | None = None,
) -> bool:
    """Decide whether the attempt that just failed deserves another try.

    ``status`` is the HTTP status, or ``None`` when the request failed in transport (then ``exception`` says how).
    ``daily`` marks a 429 for the daily cap (:attr:`RateLimitError.is_daily`), which is never retried.

    >>> should_retry(status=503, attempt=0, max_retries=4)
    True
    >>> should_retry(status=429, daily=True, attempt=0, max_retries=4)
    False
    """
    if attempt >= max_retries:
        return False
    if status is None:
        return (
            isinstance(exception, httpx.TransportError)
            and not isinstance(exception, NON_RETRYABLE_TRANSPORT_ERRORS)
            and certificate_failure(exception) is None
        )
    if status == 429:
        return not daily
    return status in RETRYABLE_STATUSES


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

    1. ``Retry-After`` (or ``retry-after-ms``) when the server sent one, clamped to ``RETRY_AFTER_RANGE`` (at most
       ``MAX_RETRY_DELAY``); a negative or non-finite value is ignored. HubSpot documents neither, but proxies and
       the emulator may send them.
    2. A 429 whose headers say the window is exhausted (``X-HubSpot-RateLimit-Remaining: 0``) waits the whole
       ``X-HubSpot-RateLimit-Interval-Milliseconds`` plus up to 10 % jitter: in a rolling window that is the one wait
       that is sure to free a slot, and every extra 429 counts against HubSpot's 5 % error budget. A ``SECONDLY``
       429 without headers waits one second.
    3. Otherwise (5xx, transport errors, a 429 that still shows remaining budget, e.g. search's per-second limit):
       exponential backoff, see :func:`backoff_delay`.

    Pass a seeded ``rng`` for deterministic results.
    """
    asked = clamp_retry_after(retry_after(headers, now=now))
    if asked is not None:
        return asked
    if status == 429:
        info = clamp_rate_limit(rate_limit_info(headers))
        interval = info.interval_s if info is not None else None
        if interval is None and policy_name is not None and policy_name.strip().upper() == "SECONDLY":
            interval = 1.0
        exhausted = info is None or info.remaining is None or info.remaining == 0
        if interval is not None and exhausted:
            draw = (rng or random).random()
            return min(interval * (1.0 + _RATE_LIMIT_JITTER * draw), MAX_RETRY_DELAY)
    return backoff_delay(attempt, rng)


def rate_limit_hold(*, attempt: int, headers: HeadersLike | None, policy_name: str | None, rng: random.Random) -> float:
    """How long a 429 (not the daily cap) holds the pacer, for every caller: the retry itself then queues there.

    The server's ``Retry-After`` when it sent one. ``0.0`` when the answer has the rate-limit headers: the pacer
    has just learnt from them that the window is full and waits for its first free slot, never beyond the
    window's end. Otherwise (no headers to go by) :func:`retry_delay`'s wait, which the pacer also caps at a window.
    """
    asked = clamp_retry_after(retry_after(headers))
    if asked is not None:
        return asked
    info = clamp_rate_limit(rate_limit_info(headers))
    if info is not None and info.max is not None and info.remaining is not None:
        return 0.0
    return retry_delay(attempt=attempt, headers=headers, status=429, policy_name=policy_name, rng=rng)
