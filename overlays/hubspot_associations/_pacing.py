"""Client-side pacing shared by every call of one client, so bulk callers stay under HubSpot's limit.

HubSpot counts requests in a *rolling* window (e.g. 190 per 10 s). A token bucket with capacity ``limit`` would
let up to twice the limit through in the first window (the full bucket plus its refill), so :class:`Pacer` keeps a
sliding log of the last ``limit`` send times instead: request ``n`` may go once request ``n - limit`` is a window
(plus a little headroom for network jitter) in the past. A burst of ``limit`` goes at once, then callers are
released as old slots age out — full throughput, and never more than ``limit`` in any window.

The same object serves the sync client (``time.sleep(pacer.reserve())``) and the async client
(``await asyncio.sleep(pacer.reserve())``): the lock is held only for a few arithmetic operations, never while
sleeping.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections import deque
from collections.abc import Callable

from ._policy import RateLimitInfo

__all__ = ["Pacer"]

_UNKNOWN_LIMIT_HISTORY = 1024
_NOISE = 2  # foreign-traffic estimates this small are header timing noise, not another client


class Pacer:
    """Sliding-window rate pacer.

    ``limit`` requests per ``window_s`` seconds; ``None`` means "unknown yet": no pacing until a response's
    ``X-HubSpot-RateLimit-Max`` / ``-Interval-Milliseconds`` headers are passed to :meth:`observe`, which then adopts
    them. An explicit ``limit`` (with its ``window_s``) is never overridden by headers, only tightened when the
    server's own numbers are stricter.

    ``headroom`` stretches the window by that fraction (2 % → 10.2 s for a 10 s window) because the server counts
    arrival times, which differ from our send times by varying latency; throughput stays ≥ 98 % of the limit.

    Example::

        pacer = Pacer(limit=190, window_s=10.0)
        time.sleep(pacer.reserve())  # 0.0 for the first 190 calls of a window
        response = client.send(request)
        info = rate_limit_info(response.headers)
        if info is not None:
            pacer.observe(info)
    """

    __slots__ = (
        "_clock",
        "_configured",
        "_foreign",
        "_headroom",
        "_limit",
        "_lock",
        "_not_before",
        "_sends",
        "_server_limit",
        "_window",
    )

    def __init__(
        self,
        limit: int | None = None,
        window_s: float = 10.0,
        *,
        headroom: float = 0.02,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit is not None and limit < 1:
            raise ValueError("limit must be a positive number of requests or None")
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        if headroom < 0:
            raise ValueError("headroom must not be negative")
        self._clock = clock
        self._lock = threading.Lock()
        self._configured = limit is not None
        self._limit: int | None = limit
        self._server_limit: int | None = None
        self._window = window_s * (1.0 + headroom)
        self._headroom = headroom
        self._foreign = 0  # requests other clients of the same app spend in our window, estimated from headers
        self._not_before = 0.0  # nobody goes before this (set by a 429)
        # Until a limit is known, keep enough history to compare with the first headers.
        self._sends: deque[float] = deque(maxlen=limit or _UNKNOWN_LIMIT_HISTORY)

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit!r}, window_s={self.window_s!r})"

    @property
    def limit(self) -> int | None:
        """Requests allowed per window by our own budget (configured or adopted), before subtracting other traffic."""
        return self._effective_max()

    @property
    def window_s(self) -> float:
        """The window length in seconds, without headroom."""
        return self._window / (1.0 + self._headroom)

    def _effective_max(self) -> int | None:
        if self._limit is None:
            return self._server_limit
        if self._server_limit is None:
            return self._limit
        return min(self._limit, self._server_limit)

    def reserve(self) -> float:
        """Claim the next free send slot and return how many seconds to wait before sending (``0.0``: go now).

        The slot is recorded immediately, so concurrent callers get successive slots. Sleep for the returned time,
        then send; do not call again for the same request.
        """
        now = self._clock()
        with self._lock:
            slot = now if now > self._not_before else self._not_before
            sends = self._sends
            # Sends a whole window old no longer limit anyone: drop them, so that the log (and the bisects in
            # observe) stay as small as one window's traffic, even under a huge limit.
            horizon = now - self._window
            while sends and sends[0] <= horizon:
                sends.popleft()
            maximum = self._effective_max()
            if maximum is not None:
                allowed = maximum - self._foreign
                if allowed < 1:
                    allowed = 1
                if len(sends) >= allowed:
                    earliest = sends[-allowed] + self._window
                    if earliest > slot:
                        slot = earliest
            if sends and sends[-1] > slot:
                slot = sends[-1]  # keep the log sorted after a limit increase
            sends.append(slot)
        return slot - now

    def observe(self, info: RateLimitInfo) -> None:
        """Adapt to the rate-limit headers of a response.

        * Without a configured limit, adopt the server's ``Max`` and interval.
        * Compare the server's used budget (``Max - Remaining``) with what this pacer sent in the last window. If
          the server counts clearly more, other processes share the app's limit: leave them that share. Our own
          in-flight requests make the server count *less* than our log, so our own bursts never slow us down and
          the estimate errs low; a rise is therefore adopted at once, a fall only halfway per response, so one
          header never flips the pace back and forth.
        """
        if info.max is None or info.max < 1:
            return
        now = self._clock()
        with self._lock:
            if info.interval_ms and not self._configured:
                self._window = info.interval_ms / 1000.0 * (1.0 + self._headroom)
            if info.max != self._server_limit:
                self._server_limit = info.max
                maximum = self._effective_max() or _UNKNOWN_LIMIT_HISTORY
                if self._sends.maxlen != maximum:
                    self._sends = deque(self._sends, maxlen=maximum)
            if info.remaining is None:
                return
            used_by_server = info.max - info.remaining
            # Slots reserved for the future are not sent yet, so count only the past window.
            ours = bisect.bisect_right(self._sends, now) - bisect.bisect_right(self._sends, now - self._window)
            foreign = used_by_server - ours
            if foreign <= _NOISE:
                foreign = 0
            foreign = min(foreign, info.max - 1)
            if foreign >= self._foreign:
                self._foreign = foreign
            else:
                self._foreign = (self._foreign + foreign) // 2

    def on_rate_limited(self, retry_after: float) -> None:
        """Hold every caller back for ``retry_after`` seconds after a 429; slots already handed out are kept."""
        if retry_after <= 0:
            return
        until = self._clock() + retry_after
        with self._lock:
            if until > self._not_before:
                self._not_before = until
