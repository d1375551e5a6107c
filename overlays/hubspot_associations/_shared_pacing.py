"""A pacer whose budget lives in Redis, so every process of one app on one account draws on one budget.

:class:`SharedPacer` behaves like :class:`~._pacing.Pacer` (same ``claim`` / ``observe`` / ``on_rate_limited``
interface, same sliding-window-log rule, same answer-based arrival bounds and headroom, same adoption of
``X-HubSpot-RateLimit-*`` headers, same hold after a 429), but the log and the learned numbers are kept in Redis:

* ``hubspot-associations:{ID}:log`` -- a sorted set, one member per claimed send, scored by its slot (Redis server
  time, microseconds); ``...:answers`` -- a hash, member to the time its answer came back.
* ``hubspot-associations:{ID}:state`` -- a hash: the limit and window the server reported, the estimate of traffic
  from clients that do not share this pacer, the 429 hold (``not_before``), and the member counter.

Every decision is one Lua script (:data:`_SCRIPT`), so it is atomic by construction: Redis runs scripts one at a
time, and the script reads the clock with ``TIME`` on the server, never a client's clock. A request may go at ``at``
once all but ``limit - 1`` of the sends in the log have arrived a window before ``at`` (a send has arrived by its
answer, or, in flight, by its slot plus the slowest answer any process saw in the last window): never more than
``limit`` requests arrive in any window, in whatever order the sends of all processes arrive. What a process learns
from an answer (its arrival bound, the headers) travels with its next claim, so a request costs one round trip to
Redis; a 429's hold is written at once.

The ``limits`` library's Redis moving-window strategy was the starting point; it is not used because it stamps
entries with the *client's* ``time.time()``, only answers "yes/no now" (no reservation of a future slot, so callers
would poll), takes whole-second expiries (no 0.5 % headroom on a 10 s window), and has no place for an answer time,
server-reported limits or a shared 429 hold. Its idea -- look at the ``limit``-th newest entry inside one script --
is the one used here.

If Redis cannot be reached (or answers slower than the socket timeout), claims fall back to an in-process
:class:`~._pacing.Pacer` that has observed every answer all along, one warning is logged, and Redis is tried again
at most every :data:`RECONNECT_INTERVAL` seconds. Nothing here imports ``redis`` until a shared limit is used.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ._clamps import clamp_rate_limit, clamp_wait
from ._logging import logger
from ._pacing import Pacer, Slot
from ._response import RateLimitInfo

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

KEY_PREFIX = "hubspot-associations"
"""Every key this module writes starts with it: ``hubspot-associations:{ID}:log`` and ``...:state``."""

REDIS_TIMEOUT = 0.2
"""Socket connect and read timeout (seconds) for connections opened from a URL: a Redis slower than this is down."""

ASYNC_CALL_TIMEOUT = 1.0
"""Bound on one whole async call (connect, handshake, script load, script): also covers a passed-in client."""

RECONNECT_INTERVAL = 2.0
"""After a failure, Redis is tried again at most this often (seconds); claims meanwhile are paced locally."""

# The application-specific key of the keyed hash below. It is not a secret: it separates our digests from every
# other system's hashes of the same token (no precomputed table of plain SHA-256 values of tokens applies).
_KEY_SALT = b"hubspot-associations/shared-limit/v1"

# A slot more than a day ahead is not a pace but a corrupted (or foreign) key: pace locally instead.
_MAX_AHEAD_US = 86_400 * 1_000_000

# KEYS: log (slot times), answers (member -> answer time), state. ARGV: mode (1 claim, 0 apply only), configured
# limit (0: none), configured window us (0: none), headroom, lag us, info max (0: none), info interval ms (0: none),
# info used (-1: none), info slot age us, info answer age us, hold us from now (0: none), then (member, answer age
# us) pairs. Returns {member, at us, now us} (claim) or {now us}.
# A process sends how long ago things happened on its own clock and the script turns ages into Redis time: the trip
# to Redis only makes an answer look later (a safe bound), and no two clocks are ever compared. Times are integer
# microseconds of Redis TIME, formatted with %.0f (Lua's default %.14g would round them). As in _pacing: an
# estimate of 2 or less foreign requests is noise; the window is 10 s until the server names one; the learned
# numbers expire after a quiet hour.
_SCRIPT = """
local function int(x) return string.format('%.0f', x) end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local log, answers, state = KEYS[1], KEYS[2], KEYS[3]
local configured, configured_window = tonumber(ARGV[2]), tonumber(ARGV[3])
local headroom, lag = tonumber(ARGV[4]), tonumber(ARGV[5])
local info_max, info_interval, info_used = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local info_at, info_until = now - tonumber(ARGV[9]), now - tonumber(ARGV[10])
local hold = tonumber(ARGV[11])
if hold > 0 then hold = now + hold end
for i = 12, #ARGV, 2 do
  redis.call('HSET', answers, ARGV[i], int(now - tonumber(ARGV[i + 1])))
end
local st = redis.call('HMGET', state, 'max', 'window', 'foreign', 'not_before', 'lag', 'lag_at')
local server_max, window = tonumber(st[1]), tonumber(st[2]) or 10000000
local foreign, not_before = tonumber(st[3]) or 0, tonumber(st[4]) or 0
if info_max > 0 then
  server_max = info_max
  redis.call('HSET', state, 'max', int(info_max))
  if info_interval > 0 then
    window = info_interval * 1000
    redis.call('HSET', state, 'window', int(window))
  end
end
if configured > 0 then window = configured_window end
local span = math.floor(window * (1 + headroom))
-- The slowest answer any process saw in the last window (each sends its own): in-flight sends of a slow process
-- count as late as that, whoever claims next.
local shared_lag, lag_at = tonumber(st[5]) or 0, tonumber(st[6]) or 0
if lag >= shared_lag or now - lag_at > span then
  redis.call('HSET', state, 'lag', int(lag), 'lag_at', int(now))
else
  lag = shared_lag
end
if lag > span then lag = span end
if info_max > 0 and info_used >= 0 then
  local estimate = info_used
  if estimate > 2 then
    estimate = estimate - redis.call('ZCOUNT', log, '(' .. int(info_at - span - lag), int(info_until))
  end
  if estimate <= 2 then estimate = 0 end
  if estimate > info_max - 1 then estimate = info_max - 1 end
  if estimate >= foreign then foreign = estimate else foreign = math.floor((foreign + estimate) / 2) end
  redis.call('HSET', state, 'foreign', int(foreign))
end
if hold > not_before then
  not_before = hold
  redis.call('HSET', state, 'not_before', int(hold))
end
redis.call('PEXPIRE', state, 3600000)
if ARGV[1] ~= '1' then return {now} end
local old = redis.call('ZRANGEBYSCORE', log, '-inf', int(now - 2 * span))
for i = 1, #old, 1000 do
  redis.call('HDEL', answers, unpack(old, i, math.min(i + 999, #old)))
end
if #old > 0 then redis.call('ZREMRANGEBYSCORE', log, '-inf', int(now - 2 * span)) end
local at = now
if not_before > at then at = not_before end
local maximum = server_max
if configured > 0 and (maximum == nil or configured < maximum) then maximum = configured end
if maximum ~= nil then
  local allowed = maximum - foreign
  if allowed < 1 then allowed = 1 end
  local entries = redis.call('ZRANGE', log, 0, -1, 'WITHSCORES')
  local n = #entries / 2
  if n >= allowed then
    -- Each send has arrived by its answer, or (in flight) by its slot plus the slowest recent answer. The next one
    -- goes a window after the allowed-th latest of those bounds: any window then holds fewer than allowed others,
    -- whatever order the sends of all processes arrived in.
    local members = {}
    for i = 1, n do members[i] = entries[2 * i - 1] end
    local bounds = {}
    for first = 1, n, 1000 do
      local last = math.min(first + 999, n)
      local answered = redis.call('HMGET', answers, unpack(members, first, last))
      for i = first, last do
        local slot, done = tonumber(entries[2 * i]), tonumber(answered[i - first + 1])
        local delay = lag
        if done ~= nil then delay = math.min(math.max(done - slot, 0), span) end
        bounds[i] = slot + delay
      end
    end
    table.sort(bounds, function(x, y) return x > y end)
    if bounds[allowed] + span > at then at = bounds[allowed] + span end
  end
end
local member = redis.call('HINCRBY', state, 'seq', 1)
redis.call('ZADD', log, int(at), member)
local ttl = int(math.floor(2 * span / 1000) + 1000)
redis.call('PEXPIRE', log, ttl)
redis.call('PEXPIRE', answers, ttl)
return {member, at, now}
"""


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


def account_key(secret: str) -> str:
    """The key id for whatever identifies an app on an account (a private-app token, an OAuth client id and hub id):
    a keyed SHA-256 (HMAC) of it, 32 hex digits. Only this digest is ever written to Redis.

    Safe to store: HMAC-SHA256 cannot be inverted, and private-app tokens carry a random UUID (122 bits), far past
    any guessing; the fixed, application-specific HMAC key keeps the digest distinct from plain hashes of the same
    token elsewhere. Every process computes the same id with no configuration, which is what shares the budget.
    """
    return hmac.new(_KEY_SALT, secret.encode(), hashlib.sha256).hexdigest()[:32]


def redacted_url(url: str) -> str:
    """``redis://user:pw@host:6379/0`` → ``redis://host:6379/0``: never log a Redis password."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return "a string without a scheme"  # could be anything, a password included: never echoed
    netloc, slash, path = rest.partition("/")
    return f"{scheme}://{netloc.rpartition('@')[2]}{slash}{path}"


def describe(connection: object) -> str:
    """Where a connection points, for logs and reprs: ``redis://host:port/db`` or ``unix://path`` (no password)."""
    kwargs = getattr(getattr(connection, "connection_pool", None), "connection_kwargs", {})
    if "path" in kwargs:
        return f"unix://{kwargs['path']}"
    return f"redis://{kwargs.get('host', '?')}:{kwargs.get('port', '?')}/{kwargs.get('db', 0)}"


def _no_retry_kwargs(asynchronous: bool) -> dict[str, Any]:
    from redis.backoff import NoBackoff

    if asynchronous:
        from redis.asyncio.retry import Retry as AsyncRetry

        return {"retry": AsyncRetry(NoBackoff(), 0)}
    from redis.retry import Retry

    return {"retry": Retry(NoBackoff(), 0)}


def connect_sync(url: str) -> redis.Redis:
    """A sync client for ``url`` with bounded timeouts and no client-side retries (we fall back instead)."""
    import redis

    return redis.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT, **_no_retry_kwargs(False)
    )


def connect_async(url: str) -> redis.asyncio.Redis:
    """An asyncio client for ``url`` with bounded timeouts and no client-side retries."""
    import redis.asyncio

    return redis.asyncio.Redis.from_url(
        url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT, **_no_retry_kwargs(True)
    )


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
        self._script: Any = connection.register_script(_SCRIPT)
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

    def close(self) -> None:
        """Close the Redis connections opened from a URL (a client passed in is the caller's to close)."""
        if self._owns_connection:
            self._connection.close()

    async def aclose(self) -> None:
        """:meth:`close` for a ``redis.asyncio.Redis`` (off asyncio it never connected: nothing to close)."""
        if self._owns_connection and self._on_asyncio(warn=False):
            result = self._connection.aclose()  # type: ignore[union-attr]
            await result

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

    def observe(self, info: RateLimitInfo | None, slot: Slot | None = None) -> None:
        """Learn from one answer, like :meth:`Pacer.observe`; what Redis must know goes with the next claim."""
        info = clamp_rate_limit(info)  # the same bounds as the in-process pacer, before anything reaches Redis
        self._local.observe(info, slot)  # answer time, lag, headers: the fallback is always warm
        if not isinstance(slot, SharedSlot) or slot.answered is None:
            return
        answered = slot.answered
        with self._lock:
            self._answers.append((slot.member, answered))
            if info is not None and info.max is not None and info.max >= 1:
                used = -1 if info.remaining is None else info.max - info.remaining
                self._info = (info.max, info.interval_ms or 0, used, slot.at, answered)

    def on_rate_limited(self, retry_after: float) -> None:
        """Hold every process back for ``retry_after`` seconds; sync connections write the hold at once."""
        wait = clamp_wait(retry_after)  # as Pacer.on_rate_limited: at most MAX_WAIT, nonsense ignored
        if wait is None or wait <= 0:
            return
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

_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@")


def _validate_key(key: object) -> str:
    from ._validation import InvalidInputError

    if not isinstance(key, str) or not 1 <= len(key) <= 128 or not set(key) <= _KEY_CHARS:
        raise InvalidInputError(
            "shared_limit_key", "must be 1 to 128 characters of letters, digits and - _ . : / @ (e.g. 'acme-prod')"
        )
    return key


def default_key_id(auth: object) -> Callable[[], str | None]:
    """Who shares a budget by default: processes with the same private-app token, or the same OAuth app installed
    on the same account (``hub_id`` from the token response; until the first refresh names it, ``None``)."""
    from ._auth import BearerToken
    from ._oauth import OAuthRefresh
    from ._validation import InvalidInputError

    if isinstance(auth, BearerToken):
        key_id = "token:" + account_key(auth.token)
        return lambda: key_id
    if isinstance(auth, OAuthRefresh):
        client_id = auth.client_id

        def oauth_key() -> str | None:
            hub_id = auth.hub_id
            return None if hub_id is None else f"oauth:{account_key(f'{client_id}:{hub_id}')}"

        return oauth_key
    raise InvalidInputError("shared_limit_key", "is required when auth is neither a token nor OAuthRefresh")


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
    from ._validation import InvalidInputError

    kind = "redis.asyncio.Redis" if asynchronous else "redis.Redis"
    try:
        import redis
        import redis.asyncio
    except ImportError:
        raise InvalidInputError(
            "shared_limit", "needs the redis client: pip install 'hubspot-associations[redis]'"
        ) from None
    if shared_limit_key is not None:
        fixed = _validate_key(shared_limit_key)

        def key_id() -> str | None:
            return fixed

    else:
        key_id = default_key_id(auth)
    connection: redis.Redis | redis.asyncio.Redis
    if isinstance(shared_limit, str):
        if not shared_limit.startswith(("redis://", "rediss://", "unix://")):
            got = redacted_url(shared_limit)
            raise InvalidInputError(
                "shared_limit", f"must be a redis://, rediss:// or unix:// URL or a {kind}, got {got!r}"
            )
        try:
            connection = connect_async(shared_limit) if asynchronous else connect_sync(shared_limit)
        except ValueError as exc:  # from_url's own checks (bad port, bad db number, ...)
            raise InvalidInputError("shared_limit", f"{redacted_url(shared_limit)!r}: {exc}") from None
    elif isinstance(shared_limit, redis.asyncio.Redis if asynchronous else redis.Redis):
        connection = shared_limit
    else:
        raise InvalidInputError("shared_limit", f"must be a Redis URL or a {kind}, got {type(shared_limit).__name__}")
    return SharedPacer(connection, key_id, limit, window_s, clock=clock, owns_connection=isinstance(shared_limit, str))
