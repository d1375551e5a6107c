"""Bounds on every number the client adopts from a server (rate-limit headers, waits, token lifetimes), and on the
depth of the JSON it keeps.

The ranges live in ``_constants.py`` and are explained in docs/rate-limits.md. A value outside its range is clamped
into it; a negative, non-numeric or non-finite one is ignored (treated as absent), never obeyed. Each function is
applied where a value is adopted (the pacer, the retry policy, ``RateLimitError``, the OAuth refresh), so the
parsers stay faithful to what the server sent. :func:`clamp_json_depth` is applied where JSON a server sent is
kept on an error (``_response.parse_json``, ``BatchInputError.from_item``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from ._constants import (
    DAILY_LIMIT_RANGE,
    MAX_JSON_DEPTH,
    MAX_WAIT,
    RATE_LIMIT_INTERVAL_MS_RANGE,
    RATE_LIMIT_MAX_RANGE,
    RETRY_AFTER_RANGE,
    TOKEN_LIFETIME_RANGE,
)

if TYPE_CHECKING:
    from ._response import RateLimitInfo

__all__ = [
    "TOO_DEEP",
    "clamp_json_depth",
    "clamp_rate_limit",
    "clamp_retry_after",
    "clamp_token_lifetime",
    "clamp_wait",
]

TOO_DEEP = f"(nested deeper than {MAX_JSON_DEPTH} levels: not kept)"
"""What :func:`clamp_json_depth` puts in place of an object or array nested too deep."""


def _finite_non_negative(value: float | int | None) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (OverflowError, TypeError, ValueError):
        # An int too large for a float is still a (huge) finite number: it is clamped, not ignored.
        return math.inf if isinstance(value, int) and value > 0 else None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return number if number >= 0 else None


def clamp_wait(seconds: float | None, maximum: float = MAX_WAIT) -> float | None:
    """A wait a server asked for, in ``[0, maximum]``; ``None`` for a missing, negative or NaN value.

    >>> clamp_wait(1e308), clamp_wait(-5.0), clamp_wait(float("inf")), clamp_wait(2.5)
    (60.0, None, None, 2.5)
    """
    number = _finite_non_negative(seconds)
    return None if number is None else min(number, maximum)


def clamp_retry_after(seconds: float | None) -> float | None:
    """``Retry-After`` / ``retry-after-ms`` (as seconds) within ``RETRY_AFTER_RANGE``; ``None`` when unusable."""
    low, high = RETRY_AFTER_RANGE
    number = clamp_wait(seconds, high)
    return None if number is None else max(low, number)


def _clamp_int(value: int | None, bounds: tuple[int, int]) -> int | None:
    if value is None or value < 0:
        return None
    low, high = bounds
    return min(max(value, low), high)


def clamp_rate_limit(info: RateLimitInfo | None) -> RateLimitInfo | None:
    """Rate-limit headers bounded to what HubSpot can mean, so no header can stall or crash the pacer.

    ``Max`` into ``RATE_LIMIT_MAX_RANGE`` (``0`` stays "unknown"), ``Interval-Milliseconds`` into
    ``RATE_LIMIT_INTERVAL_MS_RANGE``, ``Remaining`` into ``[0, Max]``, the daily counts into ``DAILY_LIMIT_RANGE``.
    """
    if info is None:
        return None
    maximum = info.max if info.max is None or info.max < 1 else _clamp_int(info.max, RATE_LIMIT_MAX_RANGE)
    remaining = info.remaining
    if remaining is not None:
        remaining = max(0, min(remaining, maximum if maximum else RATE_LIMIT_MAX_RANGE[1]))
    interval_ms = None if not info.interval_ms else _clamp_int(info.interval_ms, RATE_LIMIT_INTERVAL_MS_RANGE)
    daily = _clamp_int(info.daily, DAILY_LIMIT_RANGE)
    daily_remaining = _clamp_int(info.daily_remaining, DAILY_LIMIT_RANGE)
    if (maximum, remaining, interval_ms, daily, daily_remaining) == (
        info.max,
        info.remaining,
        info.interval_ms,
        info.daily,
        info.daily_remaining,
    ):
        return info
    return attrs.evolve(
        info, max=maximum, remaining=remaining, interval_ms=interval_ms, daily=daily, daily_remaining=daily_remaining
    )


def clamp_token_lifetime(seconds: float | None) -> float | None:
    """An OAuth ``expires_in`` within ``TOKEN_LIFETIME_RANGE``; ``None`` (unknown) when negative or not a number."""
    number = _finite_non_negative(seconds)
    if number is None:
        return None
    low, high = TOKEN_LIFETIME_RANGE
    return min(max(number, low), high)


def clamp_json_depth(value: Any, levels: int = MAX_JSON_DEPTH) -> Any:
    """Decoded JSON with every object or array below ``levels`` levels of nesting replaced by :data:`TOO_DEEP`.

    The top-level value is level 1: ``clamp_json_depth([[1]], 1) == [TOO_DEEP]``. Returns ``value`` itself when
    nothing is that deep (no copy: the common case costs one walk); otherwise copies only the containers on the way
    to what was cut. It never recurses deeper than ``levels``, so it is safe on any depth ``json`` can parse.
    """
    if not isinstance(value, dict | list):
        return value
    if levels <= 0:
        return TOO_DEEP
    copied: Any = None
    for key, item in value.items() if isinstance(value, dict) else enumerate(value):
        kept = clamp_json_depth(item, levels - 1)
        if kept is not item:
            if copied is None:
                copied = value.copy()
            copied[key] = kept
    return value if copied is None else copied
