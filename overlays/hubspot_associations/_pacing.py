"""Client-side pacing shared by every call of one client, so bulk callers stay under HubSpot's limit.

HubSpot counts requests in a *rolling* window (e.g. 190 per 10 s). A token bucket with capacity ``limit`` would
let up to twice the limit through in the first window (the full bucket plus its refill), so :class:`Pacer` keeps a
sliding log of the last ``limit`` send times instead: request ``n`` may go once request ``n - limit`` is a window
in the past. A burst of ``limit`` goes at once, then callers are released as old slots age out — full throughput,
and never more than ``limit`` in any window.

HubSpot counts a request when it *arrives*, which can be well after its slot (a busy event loop, a new connection,
queueing at the server). A response proves its request has arrived, so request ``n`` waits for a window after
request ``n - limit`` was *answered*; if that one is still in flight, after its slot plus the slowest
slot-to-answer time of the last window. Slow answers slow the pace exactly as much as they could have pushed
arrivals together, and a burst that queued at the server spreads itself out in the next window. A 0.5 % headroom on
the window covers the rest (the server's own clock and processing order).

The same object serves the sync client (``time.sleep(slot.wait)``) and the async client
(``await anyio.sleep(slot.wait)``): the lock is held only for a few arithmetic operations, never while sleeping.
"""

from __future__ import annotations

import bisect
import operator
import threading
import time
from collections import deque
from collections.abc import Callable

from ._clamps import clamp_rate_limit, clamp_wait
from ._response import RateLimitInfo
from ._validation import validate_count, validate_seconds

__all__ = ["Pacer", "Slot"]

_SPARE_HISTORY = 1024  # slots claimed ahead by waiting callers, and history before any limit is known
_NOISE = 2  # foreign-traffic estimates this small are header timing noise, not another client


class Slot:
    """One claimed send: when it may go (``at``, on the pacer's clock), how long to wait for that (``wait``), and
    when its answer came back (``answered``, set by :meth:`Pacer.observe`)."""

    __slots__ = ("answered", "at", "wait")
    at: float
    wait: float
    answered: float | None

    def __init__(self, at: float, wait: float) -> None:
        self.at = at
        self.wait = wait
        self.answered = None

    def __repr__(self) -> str:
        return f"Slot(at={self.at!r}, wait={self.wait!r}, answered={self.answered!r})"


_AT = operator.attrgetter("at")


def _log_capacity(limit: int | None) -> int:
    # The log must hold two windows of sends (see claim) *and* every slot claimed ahead by callers still waiting
    # for it: with only `limit` entries, 30 waiting callers would push 30 past sends out of the log, and observe()
    # would take the server's count of them for another client's traffic. Time-based pruning keeps it small.
    return 2 * (limit or 0) + _SPARE_HISTORY


class Pacer:
    """Sliding-window rate pacer.

    ``limit`` requests per ``window_s`` seconds; ``None`` means "unknown yet": no pacing until a response's
    ``X-HubSpot-RateLimit-Max`` / ``-Interval-Milliseconds`` headers are passed to :meth:`observe`, which then adopts
    them. An explicit ``limit`` (with its ``window_s``) is never overridden by headers, only tightened when the
    server's own numbers are stricter.

    ``headroom`` stretches the window by that fraction (0.5 % → 10.05 s for a 10 s window), on top of the time each
    request took to be answered (see the module docstring), so pass each response's slot to :meth:`observe`.

    Example::

        pacer = Pacer(limit=190, window_s=10.0)
        slot = pacer.claim()
        time.sleep(slot.wait)  # 0.0 for the first 190 calls of a window
        response = client.send(request)
        pacer.observe(rate_limit_info(response.headers), slot)
    """

    __slots__ = (
        "_clock",
        "_configured",
        "_foreign",
        "_headroom",
        "_lags",
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
        headroom: float = 0.005,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if limit is not None:
            validate_count(limit, "limit", unit=" (requests per window) or None")
        window_s = validate_seconds(window_s, "window_s")
        headroom = validate_seconds(headroom, "headroom", allow_zero=True)
        self._clock = clock
        self._lock = threading.Lock()
        self._configured = limit is not None
        self._limit: int | None = limit
        self._server_limit: int | None = None
        self._window = window_s * (1.0 + headroom)
        self._headroom = headroom
        self._foreign = 0  # requests other clients of the same app spend in our window, estimated from headers
        self._not_before = 0.0  # nobody goes before this (set by a 429)
        # (answered, lag) of the last window's answers, lags decreasing: lags[0] is the window's slowest answer.
        self._lags: deque[tuple[float, float]] = deque()
        self._sends: deque[Slot] = deque(maxlen=_log_capacity(limit))

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
        """:meth:`claim` a slot and return only its wait, for callers that do not report answers."""
        return self.claim().wait

    def claim(self) -> Slot:
        """Claim the next free send slot: sleep ``slot.wait`` seconds (``0.0``: go now), send, then pass the slot
        to :meth:`observe` with the answer.

        The slot is recorded immediately, so concurrent callers get successive slots; claim once per attempt.
        """
        now = self._clock()
        window = self._window
        with self._lock:
            at = now if now > self._not_before else self._not_before
            sends = self._sends
            # Sends two windows old limit nobody (an answer counts at most a window late): drop them, so that the
            # log (and the bisects in observe) stays as small as two windows' traffic, even under a huge limit.
            horizon = now - 2 * window
            while sends and sends[0].at <= horizon:
                sends.popleft()
            maximum = self._effective_max()
            if maximum is not None:
                allowed = maximum - self._foreign
                if allowed < 1:
                    allowed = 1
                if len(sends) >= allowed:
                    oldest = sends[-allowed]
                    answered = oldest.answered
                    arrived_by = oldest.at + min(window, self._lag(now) if answered is None else answered - oldest.at)
                    if arrived_by + window > at:
                        at = arrived_by + window
            if sends and sends[-1].at > at:
                at = sends[-1].at  # keep the log sorted after a limit increase
            slot = Slot(at, at - now)
            sends.append(slot)
        return slot

    def observe(self, info: RateLimitInfo | None, slot: Slot | None = None) -> None:
        """Learn from one answer: when the request of ``slot`` was answered, and the rate-limit headers.

        * The answer bounds when the request arrived (see the module docstring).
        * Without a configured limit, adopt the server's ``Max`` and interval.
        * Compare the server's used budget (``Max - Remaining``) with what this pacer sent in the window the server
          looked at (ending when this request arrived, so starting at most a window and a lag before its slot).
          If the server counts clearly more, other processes share the app's limit: leave them that share. Our own
          in-flight requests make the server count *less* than our log, so our own bursts never slow us down and
          the estimate errs low; a rise is therefore adopted at once, a fall only halfway per response, so one
          header never flips the pace back and forth.
        """
        # Headers are the server's word, not ours: bounded to what HubSpot can mean (a 32-year window or a limit
        # of 5e18 would stall or crash every later call).
        info = clamp_rate_limit(info)
        now = self._clock()
        with self._lock:
            if slot is not None and slot.answered is None:
                # Never before its slot (a timer may fire a hair early; a frozen test clock never moves).
                slot.answered = now if now > slot.at else slot.at
                lag, lags = slot.answered - slot.at, self._lags
                while lags and lags[-1][1] <= lag:
                    lags.pop()  # a smaller lag seen earlier can never be the maximum again
                lags.append((now, lag))
            if info is None or info.max is None or info.max < 1:
                return
            if info.interval_ms and not self._configured:
                self._window = info.interval_ms / 1000.0 * (1.0 + self._headroom)
            if info.max != self._server_limit:
                self._server_limit = info.max
                capacity = _log_capacity(self._effective_max())
                if self._sends.maxlen != capacity:
                    self._sends = deque(self._sends, maxlen=capacity)
            if info.remaining is None:
                return
            foreign = info.max - info.remaining  # what the server counted in its window, ours included
            if foreign > _NOISE:  # else nobody else can have used more than noise: skip counting ours
                # Slots reserved for the future are not sent yet, so count only up to now. (Bisecting a deque
                # costs O(its length) per probe; the log stays about two windows long, see claim.)
                since = (now if slot is None else slot.at) - self._window - self._lag(now)
                sends = self._sends
                foreign -= bisect.bisect_right(sends, now, key=_AT) - bisect.bisect_right(sends, since, key=_AT)
            if foreign <= _NOISE:
                foreign = 0
            foreign = min(foreign, info.max - 1)
            if foreign >= self._foreign:
                self._foreign = foreign
            else:
                self._foreign = (self._foreign + foreign) // 2

    def lag(self) -> float:
        """The slowest slot-to-answer time of the last window, at most a window (0.0 before any answer)."""
        now = self._clock()
        with self._lock:
            return self._lag(now)

    def _lag(self, now: float) -> float:
        """The slowest slot-to-answer time of the last window, at most a window (call with the lock held)."""
        lags, horizon = self._lags, now - self._window
        while lags and lags[0][0] <= horizon:
            lags.popleft()
        return min(lags[0][1], self._window) if lags else 0.0

    def on_rate_limited(self, retry_after: float) -> None:
        """Hold every caller back for ``retry_after`` seconds after a 429; slots already handed out are kept.

        A negative or non-finite value is ignored; at most ``MAX_WAIT`` seconds are held.
        """
        wait = clamp_wait(retry_after)
        if wait is None or wait <= 0:
            return
        until = self._clock() + wait
        with self._lock:
            if until > self._not_before:
                self._not_before = until
