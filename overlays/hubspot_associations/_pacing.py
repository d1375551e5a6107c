"""Client-side pacing shared by every call of one client, so bulk callers stay under HubSpot's limit.

The model (docs/rate-limits.md, "How the pacer paces", says it in prose):

* HubSpot counts the app's requests in a *rolling* window of ``W`` seconds (``X-HubSpot-RateLimit-Interval-
  Milliseconds``) and refuses one when ``Max`` of them already arrived in the last ``W`` seconds.
  ``X-HubSpot-RateLimit-Remaining`` is what was left of that window *when the request arrived*.
* The pacer keeps a sliding log of its own sends. A request may go at ``t`` once fewer than ``Max - F`` of our own
  sends can still be in the server's window at ``t``. A burst goes at once, then callers are released as our old
  sends age out: full throughput, and never more than ``Max`` of ours in any window.
* ``F`` is the other clients' share: an answer's ``Max - Remaining`` minus the sends of ours that can have been in
  that window. It is a fact about the last ``W`` seconds, not a permanent share: each answer replaces it, and
  without a newer answer it lapses ``W`` after the answer it came from (everything that answer counted has left
  the window by then). A run that starts after someone else spent the window therefore waits at most for that
  window's end, and returns to the full rate within a window of the others stopping.
* A limit of the client's own (``limit`` per ``window_s``) is a second, separate rule over our own sends only. It
  never reads the server's headers, and the server's rule is always applied in the server's window, whatever
  ``window_s`` is, so our own sends are never mistaken for someone else's.

HubSpot counts a request when it *arrives*, which can be well after its slot (a busy event loop, a new connection,
queueing at the server). A response proves its request has arrived, so a send counts until a window after its
answer; while it is in flight, until a window after its slot plus the slowest slot-to-answer time of the last
window. A 0.5 % headroom on each window covers the rest (the server's own clock and processing order).

The same object serves the sync client (``time.sleep(slot.wait)``) and the async client
(``await anyio.sleep(slot.wait)``): the lock is held only for a few arithmetic operations, never while sleeping.
"""

from __future__ import annotations

import bisect
import itertools
import math
import operator
import threading
import time
from collections import deque
from collections.abc import Callable

from ._clamps import clamp_rate_limit, clamp_wait
from ._response import RateLimitInfo
from ._validation import validate_count, validate_seconds

__all__ = ["HUBSPOT_WINDOW_S", "Pacer", "Slot"]

HUBSPOT_WINDOW_S = 10.0
"""The server's window when an answer has ``Max`` but no ``Interval-Milliseconds`` (HubSpot's documented 10 s)."""

_SPARE_HISTORY = 1024  # slots claimed ahead by waiting callers, and history before any limit is known


_SPARE = 2  # percent of the server's limit never taken (see _spare)
_GROW = 10  # percent of the limit left on top of the others' share while they are active
_NOISE = 2  # a share this small may be our own requests that overtook the answered one: not "others are active"


def _spare(maximum: int) -> int:
    """Requests per window left to the app's other clients even when none was seen: one that always got a 429
    would never show in ``Remaining``, and a bulk run would starve it for good. At least enough for their share to
    show above the noise (and so open the room to grow), from a limit of 50 on; below that, none."""
    return 0 if maximum < 50 else max(maximum * _SPARE // 100, _NOISE + 1)


class Slot:
    """One claimed send: when it may go (``at``, on the pacer's clock), how long to wait for that (``wait``), when
    its answer came back (``answered``, set by :meth:`Pacer.observe`), and whether the server refused it (429)."""

    __slots__ = ("answered", "at", "refused", "wait")
    at: float
    wait: float
    answered: float | None
    refused: bool

    def __init__(self, at: float, wait: float) -> None:
        self.at = at
        self.wait = wait
        self.answered = None
        self.refused = False

    def __repr__(self) -> str:
        return f"Slot(at={self.at!r}, wait={self.wait!r}, answered={self.answered!r})"


_AT = operator.attrgetter("at")


def _log_capacity(*limits: int | None) -> int:
    # The log must hold two windows of sends (see claim) *and* every slot claimed ahead by callers still waiting
    # for it: with only `limit` entries, 30 waiting callers would push 30 past sends out of the log, and observe()
    # would take the server's count of them for another client's traffic. Time-based pruning keeps it small.
    return 2 * max(limit or 0 for limit in limits) + _SPARE_HISTORY


class Pacer:
    """Sliding-window rate pacer for one client (the model: the module docstring, and docs/rate-limits.md).

    ``limit`` requests per ``window_s`` seconds is the client's own budget (``None``: none of its own). The
    server's budget (``X-HubSpot-RateLimit-Max`` per ``-Interval-Milliseconds``, shared with every other client of
    the app) is learnt from the answers passed to :meth:`observe`, and applies in the server's window alongside.

    ``headroom`` stretches each window by that fraction (0.5 % → 10.05 s for a 10 s window), on top of the time each
    request took to be answered (see the module docstring), so pass each response's slot to :meth:`observe`.

    Example::

        pacer = Pacer(limit=190, window_s=10.0)
        slot = pacer.claim()
        time.sleep(slot.wait)  # 0.0 for the first 190 calls of a window
        response = client.send(request)
        pacer.observe(rate_limit_info(response.headers), slot, refused=response.status_code == 429)
    """

    __slots__ = (
        "_clock",
        "_foreign",
        "_foreign_seen",
        "_foreign_until",
        "_headroom",
        "_lags",
        "_limit",
        "_lock",
        "_not_before",
        "_sends",
        "_server_limit",
        "_server_window",
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
        self._limit: int | None = limit
        self._window = window_s * (1.0 + headroom)  # our own budget's window
        self._server_limit: int | None = None
        self._server_window = HUBSPOT_WINDOW_S * (1.0 + headroom)  # replaced by the first Interval header
        self._headroom = headroom
        self._foreign = 0  # other clients' requests in the server's window, as of the latest answer
        self._foreign_until = -math.inf  # ... which stops counting then (a window after that answer)
        self._foreign_seen = -math.inf  # the slot of the answer the estimate came from (older answers are stale)
        self._not_before = -math.inf  # nobody goes before this (a 429's Retry-After)
        # (answered, lag) of the last window's answers, lags decreasing: lags[0] is the window's slowest answer.
        self._lags: deque[tuple[float, float]] = deque()
        self._sends: deque[Slot] = deque(maxlen=_log_capacity(limit))

    def __repr__(self) -> str:
        return f"Pacer(limit={self.limit!r}, window_s={self.window_s!r})"

    @property
    def limit(self) -> int | None:
        """The smaller of our own limit and the server's ``Max`` (each per its own window), before other traffic."""
        if self._limit is None:
            return self._server_limit
        if self._server_limit is None:
            return self._limit
        return min(self._limit, self._server_limit)

    @property
    def window_s(self) -> float:
        """Our own budget's window in seconds (the server's once learnt, without a ``limit``), without headroom."""
        window = self._server_window if self._limit is None and self._server_limit is not None else self._window
        return window / (1.0 + self._headroom)

    @property
    def server_window_s(self) -> float:
        """The server's window as last reported (HubSpot's 10 s before any answer), headroom included."""
        return self._server_window

    @property
    def foreign(self) -> int:
        """Other clients' requests in the server's current window, as estimated from the latest answer (0 once that
        estimate has lapsed)."""
        with self._lock:
            return self._foreign if self._clock() < self._foreign_until else 0

    def reserve(self) -> float:
        """:meth:`claim` a slot and return only its wait, for callers that do not report answers."""
        return self.claim().wait

    def claim(self) -> Slot:
        """Claim the next free send slot: sleep ``slot.wait`` seconds (``0.0``: go now), send, then pass the slot
        to :meth:`observe` with the answer.

        The slot is recorded immediately, so concurrent callers get successive slots; claim once per attempt.
        """
        now = self._clock()
        with self._lock:
            at = now if now > self._not_before else self._not_before
            sends = self._sends
            # Sends two windows old limit nobody (an answer counts at most a window late): drop them, so that the
            # log (and the bisects in observe) stays as small as two windows' traffic, even under a huge limit.
            horizon = now - 2 * self._span()
            while sends and sends[0].at <= horizon:
                sends.popleft()
            limit, maximum = self._limit, self._server_limit
            if limit is not None or maximum is not None:
                lag = self._lag(now)
                if limit is not None:
                    at = max(at, self._free_at(limit, self._window, lag))
                if maximum is not None:
                    # While the estimate of others' traffic holds, leave them their share and room to grow into it;
                    # once it lapses, all is ours but a sliver (see _spare).
                    window, spare, foreign = self._server_window, _spare(maximum), self._foreign
                    grow = _GROW * maximum // 100 if foreign > _NOISE else 0
                    shared = self._free_at(maximum - foreign - spare - grow, window, lag)
                    alone = self._free_at(maximum - spare, window, lag)
                    at = max(at, min(shared, max(self._foreign_until, alone)))
            if sends and sends[-1].at > at:
                at = sends[-1].at  # keep the log sorted (a limit or an estimate may have loosened)
            slot = Slot(at, at - now)
            sends.append(slot)
        return slot

    def _free_at(self, allowed: int, window: float, lag: float) -> float:
        """When fewer than ``allowed`` of our sends can still be in a ``window`` (call with the lock held)."""
        sends = self._sends
        if allowed < 1:
            return math.inf  # others hold the whole window: not before their estimate lapses (see claim)
        if len(sends) < allowed:
            return -math.inf
        oldest = sends[-allowed]
        answered = oldest.answered
        return oldest.at + min(window, lag if answered is None else answered - oldest.at) + window

    def observe(self, info: RateLimitInfo | None, slot: Slot | None = None, *, refused: bool = False) -> None:
        """Learn from one answer: when the request of ``slot`` was answered, and the rate-limit headers.

        ``refused``: the answer was a 429, so the server did not count this request (its ``Remaining`` is what was
        left without it).

        * The answer bounds when the request arrived (see the module docstring).
        * The server's ``Max`` and interval are adopted: the server's rule, in the server's window, next to our own
          ``limit`` (which they never change).
        * The server's used budget (``Max - Remaining``) minus our own sends it counted in that window (see
          :meth:`_own_counted`) is the other clients' share. It replaces the previous one (unless this answer was
          overtaken by a newer one) and lapses a window after this answer.
        """
        # Headers are the server's word, not ours: bounded to what HubSpot can mean (a 32-year window or a limit
        # of 5e18 would stall or crash every later call).
        info = clamp_rate_limit(info)
        now = self._clock()
        with self._lock:
            if slot is not None and slot.answered is None:
                # Never before its slot (a timer may fire a hair early; a frozen test clock never moves).
                slot.answered = now if now > slot.at else slot.at
                slot.refused = refused
                lag, lags = slot.answered - slot.at, self._lags
                while lags and lags[-1][1] <= lag:
                    lags.pop()  # a smaller lag seen earlier can never be the maximum again
                lags.append((now, lag))
            if info is None or info.max is None or info.max < 1:
                return
            if info.interval_ms:
                self._server_window = info.interval_ms / 1000.0 * (1.0 + self._headroom)
            if info.max != self._server_limit:
                self._server_limit = info.max
                capacity = _log_capacity(self._limit, info.max)
                if self._sends.maxlen != capacity:
                    self._sends = deque(self._sends, maxlen=capacity)
            if info.remaining is None:
                return
            seen = now if slot is None else slot.at
            if seen < self._foreign_seen:
                return  # an answer overtaken by a newer one: its window is older
            foreign = info.max - info.remaining  # what the server counted in its window, ours included
            if foreign > 0:  # else nobody else can have used any: skip counting ours
                foreign -= self._own_counted(seen, now, refused=refused)
            self._foreign = foreign if foreign > 0 else 0
            self._foreign_until = now + self._server_window
            self._foreign_seen = seen

    def _own_counted(self, seen: float, now: float, *, refused: bool) -> int:
        """How many of our sends the server counted in the window of an answer to a request sent at ``seen``
        (``seen`` <= its arrival <= ``now``), refused ones excepted (call with the lock held).

        An accepted answer takes every send up to this one that can have been in that window: the window's start is
        bounded by the sends' answers; the sends after this one are left out (they may have overtaken it on the
        way, a request or two; counting every send in flight instead would hide as many of the others' requests as
        we have in flight, and each would come back as a 429). A 429 takes only the sends that surely were counted
        (answered before the refused request was sent, and sent less than a window ago: a lower bound), so the
        full window it reports is left to the others until our own counted sends age out, or to its end.
        """
        window = self._server_window / (1.0 + self._headroom)  # the server's own, without our headroom
        sends = self._sends
        # (Bisecting a deque costs O(its length) per probe; the log stays about two windows long, see claim.)
        if refused:
            last = bisect.bisect_right(sends, now, key=_AT)
            first = bisect.bisect_right(sends, now - window, key=_AT)
            return sum(
                1
                for send in itertools.islice(sends, first, last)
                if not send.refused and send.answered is not None and send.answered <= seen
            )
        start = seen - window  # the window began after this, at the earliest
        first = bisect.bisect_right(sends, start - self._lag(now), key=_AT)
        last = bisect.bisect_right(sends, seen, key=_AT)
        return sum(
            1
            for send in itertools.islice(sends, first, last)
            if not send.refused and (send.at > start or send.answered is None or send.answered > start)
        )

    def _span(self) -> float:
        """The longest window a rule looks at: ours, and the server's once its limit is known."""
        return self._window if self._server_limit is None else max(self._window, self._server_window)

    def lag(self) -> float:
        """The slowest slot-to-answer time of the last window, at most a window (0.0 before any answer)."""
        now = self._clock()
        with self._lock:
            return self._lag(now)

    def _lag(self, now: float) -> float:
        """The slowest slot-to-answer time of the last window, at most a window (call with the lock held)."""
        window = self._span()
        lags, horizon = self._lags, now - window
        while lags and lags[0][0] <= horizon:
            lags.popleft()
        return min(lags[0][1], window) if lags else 0.0

    def on_rate_limited(self, retry_after: float) -> None:
        """Hold every caller back for ``retry_after`` seconds after a 429, but never beyond the end of the server's
        window (everything the 429 counted has left it by then); slots already handed out are kept.

        Only for a wait the headers do not explain (``Retry-After``, or no rate-limit headers): a 429 whose headers
        were passed to :meth:`observe` has already taught the pacer that the window is full. A negative or
        non-finite value is ignored; at most ``MAX_WAIT`` seconds are held.
        """
        wait = clamp_wait(retry_after)
        if wait is None or wait <= 0:
            return
        until = self._clock() + min(wait, self._server_window)
        with self._lock:
            if until > self._not_before:
                self._not_before = until
