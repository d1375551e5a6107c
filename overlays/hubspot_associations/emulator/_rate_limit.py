"""Rolling-window and daily request limits, as HubSpot applies them per app and per account.

Only accepted requests consume quota: a request answered with 429 does not count against either limit, so a
client that backs off for the window length always gets through again.
"""

from __future__ import annotations

from collections import deque

import attrs


@attrs.frozen
class RateDecision:
    """The outcome of one quota check; ``policy`` is set when the request must be refused."""

    policy: str | None  # None, "TEN_SECONDLY_ROLLING" or "DAILY"
    headers: dict[str, str]


class RateLimiter:
    """Counts requests per app in a rolling window (a deque of timestamps) and per account per day.

    Not thread-safe on its own; :class:`EmulatorState` calls it under its lock.
    """

    def __init__(self, limit: int | None, window_s: float, daily_limit: int | None) -> None:
        self._limit = limit
        self._window_s = window_s
        self._interval_ms = str(round(window_s * 1000))
        self._daily_limit = daily_limit
        self._windows: dict[str, deque[float]] = {}
        self._daily_used = 0

    def reset(self) -> None:
        """Forget every request seen so far."""
        self._windows.clear()
        self._daily_used = 0

    def consume(self, app_key: str, now: float, *, daily_headers: bool) -> RateDecision:
        """Count one request of ``app_key`` at monotonic time ``now`` unless a limit is exhausted."""
        headers: dict[str, str] = {}
        policy: str | None = None
        window: deque[float] | None = None
        if self._limit is not None:
            window = self._windows.get(app_key)
            if window is None:
                window = self._windows[app_key] = deque()
            horizon = now - self._window_s
            while window and window[0] <= horizon:
                window.popleft()
            if len(window) >= self._limit:
                policy = "TEN_SECONDLY_ROLLING"
        if self._daily_limit is not None and policy is None and self._daily_used >= self._daily_limit:
            policy = "DAILY"
        if policy is None:
            if window is not None:
                window.append(now)
            self._daily_used += 1
        if self._limit is not None and window is not None:
            headers["X-HubSpot-RateLimit-Max"] = str(self._limit)
            headers["X-HubSpot-RateLimit-Remaining"] = str(max(self._limit - len(window), 0))
            headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = self._interval_ms
        if self._daily_limit is not None and daily_headers:
            headers["X-HubSpot-RateLimit-Daily"] = str(self._daily_limit)
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = str(max(self._daily_limit - self._daily_used, 0))
        return RateDecision(policy, headers)
