"""A pacer whose budget lives in Redis, so every process of one app on one account draws on one budget.

:class:`SharedPacer` behaves like :class:`~._pacing.Pacer` (same ``claim`` / ``observe`` / ``on_rate_limited``
interface, same sliding-window-log rule, same answer-based arrival bounds and headroom, same adoption of
``X-HubSpot-RateLimit-*`` headers, same hold after a 429), but the log and the learned numbers are kept in Redis:

* ``hubspot-associations:{ID}:log`` -- a sorted set, one member per claimed send, scored by its slot (Redis server
  time, microseconds); ``...:answers`` -- a hash, member to the time its answer came back.
* ``hubspot-associations:{ID}:state`` -- a hash: the limit and window the server reported, the estimate of traffic
  from clients that do not share this pacer, the 429 hold (``not_before``), and the member counter.

Every decision is one Lua script (:data:`._shared_redis.SCRIPT`), so it is atomic by construction: Redis runs
scripts one at a time, and the script reads the clock with ``TIME`` on the server, never a client's clock. A request
may go at ``at`` once all but ``limit - 1`` of the sends in the log have arrived a window before ``at`` (a send has
arrived by its answer; one whose answer Redis has not heard of yet counts as arriving up to a window after its slot):
never more than ``limit`` requests arrive in any window, in whatever order the sends of all processes arrive. What a
process learns from an answer (its arrival bound, the headers) travels with its next claim, so a request costs one
round trip to Redis; a 429's hold is written at once, and the answers still unwritten when the client closes are
written then (a process whose run is over claims no more).

The ``limits`` library's Redis moving-window strategy was the starting point; it is not used because it stamps
entries with the *client's* ``time.time()``, only answers "yes/no now" (no reservation of a future slot, so callers
would poll), takes whole-second expiries (no 0.5 % headroom on a 10 s window), and has no place for an answer time,
server-reported limits or a shared 429 hold. Its idea -- look at the ``limit``-th newest entry inside one script --
is the one used here.

If Redis cannot be reached (or answers slower than the socket timeout), claims fall back to an in-process
:class:`~._pacing.Pacer` that has observed every answer all along, one warning is logged, and Redis is tried again
at most every :data:`RECONNECT_INTERVAL` seconds. Nothing here imports ``redis`` until a shared limit is used.

The script, key names and connection helpers are in :mod:`._shared_redis`; this module is the pacer and
:func:`build_shared_pacer`, which the client calls.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._clamps import clamp_rate_limit, clamp_wait
from ._logging import logger
from ._pacing import Pacer, Slot
from ._response import RateLimitInfo
from ._shared_redis import (
    KEY_PREFIX,
    REDIS_TIMEOUT,
    SCRIPT,
    account_key,
    connect_async,
    connect_sync,
    default_key_id,
    describe,
    open_connection,
    redacted_url,
    validate_key,
)

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "ASYNC_CALL_TIMEOUT",
    "KEY_PREFIX",
    "RECONNECT_INTERVAL",
    "REDIS_TIMEOUT",
    "SharedPacer",
    "SharedSlot",
    "account_key",
    "build_shared_pacer",
    "connect_async",
    "connect_sync",
    "default_key_id",
    "describe",
    "redacted_url",
]

ASYNC_CALL_TIMEOUT = 1.0
"""Bound on one whole async call (connect, handshake, script load, script): also covers a passed-in client."""

RECONNECT_INTERVAL = 2.0
"""After a failure, Redis is tried again at most this often (seconds); claims meanwhile are paced locally."""

# A slot more than a day ahead is not a pace but a corrupted (or foreign) key: pace locally instead.
_MAX_AHEAD_US = 86_400 * 1_000_000


class SharedSlot(Slot):
    """A slot claimed in Redis: ``at`` and ``answered`` are on this process's clock like any :class:`Slot`;
    ``member`` names its log entry and ``offset`` converts to Redis time (``local - offset``)."""

    __slots__ = ("member", "offset")

    def __init__(self, at: float, wait: float, member: str, offset: float) -> None:
        super().__init__(at, wait)
        self.member = member
        self.offset = offset

    def __repr__(self) -> str:
        return f"SharedSlot(at={self.at!r}, wait={self.wait!r}, answered={self.answered!r}, member={self.member!r})"


class SharedPacer:
    """The Redis-backed twin of :class:`Pacer` (see the module docstring).

    ``connection`` is a ``redis.Redis`` (sync client: :meth:`claim`) or ``redis.asyncio.Redis`` (async client:
    :meth:`aclaim` and :meth:`aflush`). ``key_id`` returns the budget's id, or ``None`` while it is not known yet
    (an OAuth app before its first token response names the account): those claims are paced locally.
    """

    def __init__(
        self,
        connection: redis.Redis | redis.asyncio.Redis,
        key_id: Callable[[], str | None],
        limit: int | None = None,
        window_s: float = 10.0,
        *,
        headroom: float = 0.005,
        clock: Callable[[], float] = time.monotonic,
        owns_connection: bool = False,
    ) -> None:
        self._local = Pacer(limit, window_s, headroom=headroom, clock=clock)
        self._connection = connection
        self._owns_connection = owns_connection
        self._script: Any = connection.register_script(SCRIPT)
        self._key_id = key_id
        self._configured = 0 if limit is None else limit
        self._configured_window_us = round(window_s * 1_000_000) if limit is not None else 0
        self._headroom = headroom
        self._label = describe(connection)
        self._clock = clock
        self._lock = threading.Lock()
        self._answers: list[tuple[str, float]] = []  # (member, answered on our clock), sent with the next claim
        self._info: tuple[int, int, int, float, float] | None = None  # max, interval ms, used, slot at, answered
        self._hold_until = 0.0  # a 429 hold not yet written (our clock; 0.0: none)
        self._retry_at = 0.0  # Redis is not tried again before this (local clock)
        self._down = False
        self._warned_loop = False

    def __repr__(self) -> str:
        return f"SharedPacer(limit={self.limit!r}, window_s={self.window_s!r}, redis={self._label!r})"

    @property
    def limit(self) -> int | None:
        """The limit known to this process (configured or adopted), like :attr:`Pacer.limit`."""
        return self._local.limit

    @property
    def window_s(self) -> float:
        """The window length in seconds, without headroom."""
        return self._local.window_s

    @property
    def shared(self) -> bool:
        """``False`` while claims are paced locally (Redis unreachable)."""
        return not self._down

    def reserve(self) -> float:
        """:meth:`claim` a slot and return only its wait."""
        return self.claim().wait

    def write_news(self) -> None:
        """Write the answers not yet in Redis (:meth:`_has_news`) now, not with this process's next claim: at the
        end of a run (``associate_many``'s, and :meth:`close`), so the other processes count its last requests from
        their answers, not as arriving up to a window after their slots. A sync connection only (an async one:
        :meth:`awrite_news`)."""
        if self._has_news() and not hasattr(self._connection, "__aenter__"):
            self._flush_sync()

    async def awrite_news(self) -> None:
        """:meth:`write_news` for a ``redis.asyncio.Redis`` (off asyncio it never connected: nothing to write)."""
        if self._has_news() and self._on_asyncio(warn=False):
            await self._aflush_now()

    def close(self) -> None:
        """Write the answers not yet in Redis (:meth:`write_news`), then close the Redis connections opened from a
        URL (a client passed in is the caller's to close)."""
        self.write_news()  # an async connection's are written by aclose
        if self._owns_connection:
            self._connection.close()

    async def aclose(self) -> None:
        """:meth:`close` for a ``redis.asyncio.Redis`` (off asyncio it never connected: nothing to close)."""
        if not self._on_asyncio(warn=False):
            return
        await self.awrite_news()
        if self._owns_connection:
            result = self._connection.aclose()  # type: ignore[union-attr]
            await result

    def _has_news(self) -> bool:
        """Whether this process learnt something Redis does not know yet. Answers travel with the next claim; a
        process that stops claiming (its run is over) must write its last ones when it closes, or every other
        process counts those sends as arriving up to a window after their slots, and loses their share of the
        budget for a window (measured: the end of each shard of ``bench/shared_limit.py``)."""
        with self._lock:
            return bool(self._answers or self._info or self._hold_until)

    # -- talking to Redis ---------------------------------------------------------------------------------------

    def _keys(self) -> list[str] | None:
        key_id = self._key_id()
        if key_id is None or (self._down and self._clock() < self._retry_at):
            return None
        prefix = f"{KEY_PREFIX}:{{{key_id}}}"
        return [f"{prefix}:log", f"{prefix}:answers", f"{prefix}:state"]

    def _args(self, claim: bool) -> list[int | float | str]:
        """The script's arguments, taking (and clearing) everything learned since the last call."""
        lag_us = round(self._local.lag() * 1_000_000)
        with self._lock:
            answers, self._answers = self._answers, []
            info, self._info = self._info, None
            hold_until, self._hold_until = self._hold_until, 0.0
        now = self._clock()
        max_, interval, used, slot_at, answered = info or (0, 0, -1, now, now)
        ages: list[str] = []
        for member, answered_at in answers:
            ages += (member, str(round((now - answered_at) * 1_000_000)))
        return [
            "1" if claim else "0",
            self._configured,
            self._configured_window_us,
            repr(self._headroom),
            lag_us,
            max_,
            interval,
            used,
            round((now - slot_at) * 1_000_000),
            round((now - answered) * 1_000_000),
            max(round((hold_until - now) * 1_000_000), 0),
            *ages,
        ]

    def _failed(self, exc: BaseException) -> None:
        self._retry_at = self._clock() + RECONNECT_INTERVAL
        if not self._down:
            self._down = True
            logger.warning(
                "shared rate limit at %s unavailable (%s): pacing in this process only, retrying every %.0f s",
                self._label,
                type(exc).__name__,
                RECONNECT_INTERVAL,
            )

    def _slot(self, result: object) -> SharedSlot:
        """The claim script's answer as a slot; raises ValueError for anything else (then we pace locally)."""
        if not (isinstance(result, list | tuple) and len(result) == 3 and all(type(x) is int for x in result)):
            raise ValueError("unexpected answer from the shared-limit script")
        member, at_us, now_us = result
        if not 0 <= at_us - now_us <= _MAX_AHEAD_US:
            raise ValueError("shared-limit slot out of range")
        now = self._clock()
        self._rejoined()
        offset = now - now_us / 1_000_000
        return SharedSlot(at_us / 1_000_000 + offset, (at_us - now_us) / 1_000_000, str(member), offset)

    def _rejoined(self) -> None:
        if self._down:
            self._down = False
            logger.warning("shared rate limit at %s reachable again: sharing the budget", self._label)

    # -- the Pacer interface --------------------------------------------------------------------------------------

    def claim(self) -> Slot:
        """Claim the next free slot of the shared budget (sync ``redis.Redis``); the local pacer's if Redis fails."""
        keys = self._keys()
        if keys is not None:
            args = self._args(True)
            for attempt in range(self._attempts()):
                try:
                    return self._slot(self._script(keys=keys, args=args))
                except Exception as exc:  # any Redis, socket or answer failure: pace locally, never fail the call
                    if attempt + 1 == self._attempts():
                        self._failed(exc)
        return self._local.claim()

    async def aclaim(self) -> Slot:
        """:meth:`claim` for the async client (``redis.asyncio.Redis``), bounded by :data:`ASYNC_CALL_TIMEOUT`."""
        import asyncio

        keys = self._keys() if self._on_asyncio() else None
        if keys is not None:
            args = self._args(True)
            for attempt in range(self._attempts()):
                try:
                    return self._slot(await asyncio.wait_for(self._script(keys=keys, args=args), ASYNC_CALL_TIMEOUT))
                except Exception as exc:  # includes asyncio.TimeoutError; CancelledError is a BaseException
                    if attempt + 1 == self._attempts():
                        self._failed(exc)
        return self._local.claim()

    def _on_asyncio(self, *, warn: bool = True) -> bool:
        """``redis.asyncio`` needs asyncio: on trio the async client paces locally (one warning says so)."""
        import asyncio

        try:
            asyncio.get_running_loop()
        except RuntimeError:  # trio, or anything else that is not an asyncio loop
            if warn and not self._warned_loop:
                self._warned_loop = True
                logger.warning(
                    "shared rate limit at %s needs asyncio (redis.asyncio), not this event loop: "
                    "pacing in this process only",
                    self._label,
                )
            return False
        return True

    def _attempts(self) -> int:
        """Two tries while Redis is up (one timeout on a busy machine is not an outage), one while it is down."""
        return 1 if self._down else 2

    def observe(self, info: RateLimitInfo | None, slot: Slot | None = None, *, refused: bool = False) -> None:
        """Learn from one answer, like :meth:`Pacer.observe`; what Redis must know goes with the next claim."""
        info = clamp_rate_limit(info)  # the same bounds as the in-process pacer, before anything reaches Redis
        self._local.observe(info, slot, refused=refused)  # answer time, lag, headers: the fallback is always warm
        if not isinstance(slot, SharedSlot) or slot.answered is None:
            return
        answered = slot.answered
        with self._lock:
            self._answers.append((slot.member, answered))
            if info is not None and info.max is not None and info.max >= 1:
                used = -1 if info.remaining is None else info.max - info.remaining
                self._info = (info.max, info.interval_ms or 0, used, slot.at, answered)

    def on_rate_limited(self, retry_after: float) -> None:
        """Hold every process back for ``retry_after`` seconds, at most to the server window's end (a whole window
        when the 429's headers explain it, ``retry_after`` 0: the script in Redis has no model of others' share to
        learn that from); sync connections write the hold at once."""
        wait = clamp_wait(retry_after)  # as Pacer.on_rate_limited: at most MAX_WAIT, nonsense ignored
        if wait is None or wait < 0:
            return
        wait = min(wait, self._local.server_window_s) if wait > 0 else self._local.server_window_s
        self._local.on_rate_limited(wait)
        until = self._clock() + wait
        with self._lock:
            self._hold_until = max(self._hold_until, until)
        if not hasattr(self._connection, "__aenter__"):  # sync client: write now (the async one calls aflush)
            self._flush_sync()

    def _flush_sync(self) -> None:
        keys = self._keys()
        if keys is None:
            return
        try:
            self._script(keys=keys, args=self._args(False))
        except Exception as exc:
            self._failed(exc)
        else:
            self._rejoined()

    async def aflush(self) -> None:
        """Write a pending 429 hold now (async client, after each answer; costs nothing otherwise)."""
        if not self._hold_until or not self._on_asyncio():
            return
        await self._aflush_now()

    async def _aflush_now(self) -> None:
        import asyncio

        keys = self._keys()
        if keys is None:
            return
        try:
            await asyncio.wait_for(self._script(keys=keys, args=self._args(False)), ASYNC_CALL_TIMEOUT)
        except Exception as exc:
            self._failed(exc)
        else:
            self._rejoined()


# -- building one from the client's arguments ----------------------------------------------------------------------


def build_shared_pacer(
    shared_limit: object,
    shared_limit_key: object,
    auth: object,
    limit: int | None,
    window_s: float,
    *,
    asynchronous: bool,
    clock: Callable[[], float] = time.monotonic,
) -> SharedPacer:
    """The client's :class:`SharedPacer`; bad arguments raise :class:`InvalidInputError` (nothing is sent)."""
    connection, owned = open_connection(shared_limit, asynchronous=asynchronous)
    if shared_limit_key is not None:
        fixed = validate_key(shared_limit_key)

        def key_id() -> str | None:
            return fixed

    else:
        key_id = default_key_id(auth)
    return SharedPacer(connection, key_id, limit, window_s, clock=clock, owns_connection=owned)
