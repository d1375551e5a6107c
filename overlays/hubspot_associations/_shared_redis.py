"""The Redis side of the shared limit: the Lua script, key names and ids, and connections (never a password logged).

:class:`~._shared_pacing.SharedPacer` decides with :data:`SCRIPT`; this module holds everything that is about
Redis rather than pacing: which keys exist and who shares them (:func:`account_key`, :func:`default_key_id`), how a
connection is opened from a URL with bounded timeouts (:func:`open_connection`), and how one is named in logs
(:func:`describe`, :func:`redacted_url`). Nothing here imports ``redis`` until a shared limit is used.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import redis
    import redis.asyncio

__all__ = [
    "KEY_PREFIX",
    "REDIS_TIMEOUT",
    "SCRIPT",
    "account_key",
    "connect_async",
    "connect_sync",
    "default_key_id",
    "describe",
    "open_connection",
    "redacted_url",
    "validate_key",
]

KEY_PREFIX = "hubspot-associations"
"""Every key this module writes starts with it: ``hubspot-associations:{ID}:log`` and ``...:state``."""

REDIS_TIMEOUT = 0.2
"""Socket connect and read timeout (seconds) for connections opened from a URL: a Redis slower than this is down."""

# The application-specific key of the keyed hash below. It is not a secret: it separates our digests from every
# other system's hashes of the same token (no precomputed table of plain SHA-256 values of tokens applies).
_KEY_SALT = b"hubspot-associations/shared-limit/v1"

# KEYS: log (slot times), answers (member -> answer time), state. ARGV: mode (1 claim, 0 apply only), configured
# limit (0: none), configured window us (0: none), headroom, lag us, info max (0: none), info interval ms (0: none),
# info used (-1: none), info slot age us, info answer age us, hold us from now (0: none), then (member, answer age
# us) pairs. Returns {member, at us, now us} (claim) or {now us}.
# A process sends how long ago things happened on its own clock and the script turns ages into Redis time: the trip
# to Redis only makes an answer look later (a safe bound), and no two clocks are ever compared. Times are integer
# microseconds of Redis TIME, formatted with %.0f (Lua's default %.14g would round them). As in _pacing: the
# estimate of foreign requests is counted against our sends in the *server's* window (whatever the configured one),
# each answer replaces it and it lapses a server window after its answer (docs/rate-limits.md); an estimate of 2 or
# less is noise; the window is 10 s until the server names one; the learned numbers expire after a quiet hour.
SCRIPT = """
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
local st = redis.call('HMGET', state, 'max', 'window', 'foreign', 'not_before', 'lag', 'lag_at', 'foreign_until')
local server_max, window = tonumber(st[1]), tonumber(st[2]) or 10000000
local foreign, not_before = tonumber(st[3]) or 0, tonumber(st[4]) or 0
local foreign_until = tonumber(st[7]) or 0
if info_max > 0 then
  server_max = info_max
  redis.call('HSET', state, 'max', int(info_max))
  if info_interval > 0 then
    window = info_interval * 1000
    redis.call('HSET', state, 'window', int(window))
  end
end
local server_window = window
if configured > 0 then window = configured_window end
local span = math.floor(window * (1 + headroom))
-- The slowest answer any process saw in the last window (each sends its own): how far before an answered request's
-- window our sends may have been sent and still counted in it (the others' share, below).
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
    estimate = estimate - redis.call('ZCOUNT', log, '(' .. int(info_at - server_window - lag), int(info_at))
  end
  if estimate <= 2 then estimate = 0 end
  if estimate > info_max - 1 then estimate = info_max - 1 end
  foreign, foreign_until = estimate, info_until + math.floor(server_window * (1 + headroom))
  redis.call('HSET', state, 'foreign', int(foreign), 'foreign_until', int(foreign_until))
end
if now >= foreign_until then foreign = 0 end
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
    -- Each send has arrived by its answer. One whose answer Redis has not heard of (in flight, or answered in a
    -- process that has not claimed since) may still arrive: it counts as arriving up to a window after its slot,
    -- never by a guess from other requests' speed (the slowest answer so far says nothing of a request stuck on a
    -- busy machine). The next one goes a window after the allowed-th latest of those bounds: any window then holds
    -- fewer than allowed others, whatever order the sends of all processes arrived in.
    local members = {}
    for i = 1, n do members[i] = entries[2 * i - 1] end
    local bounds = {}
    for first = 1, n, 1000 do
      local last = math.min(first + 999, n)
      local answered = redis.call('HMGET', answers, unpack(members, first, last))
      for i = first, last do
        local slot, done = tonumber(entries[2 * i]), tonumber(answered[i - first + 1])
        local delay = span
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


_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/@")


def validate_key(key: object) -> str:
    """A ``shared_limit_key`` given by the user: 1 to 128 characters that are safe in a Redis key name."""
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


def open_connection(shared_limit: object, *, asynchronous: bool) -> tuple[redis.Redis | redis.asyncio.Redis, bool]:
    """The client's ``shared_limit`` as a connection, and whether we opened it (so we close it).

    Raises:
        InvalidInputError: the ``redis`` extra is missing, or ``shared_limit`` is neither a Redis URL nor a client of
            the right kind (the message never shows a password).
    """
    from ._validation import InvalidInputError

    kind = "redis.asyncio.Redis" if asynchronous else "redis.Redis"
    try:
        import redis
        import redis.asyncio
    except ImportError:
        raise InvalidInputError(
            "shared_limit", "needs the redis client: pip install 'hubspot-associations[redis]'"
        ) from None
    if isinstance(shared_limit, str):
        if not shared_limit.startswith(("redis://", "rediss://", "unix://")):
            got = redacted_url(shared_limit)
            raise InvalidInputError(
                "shared_limit", f"must be a redis://, rediss:// or unix:// URL or a {kind}, got {got!r}"
            )
        try:
            return (connect_async(shared_limit) if asynchronous else connect_sync(shared_limit)), True
        except ValueError as exc:  # from_url's own checks (bad port, bad db number, ...)
            raise InvalidInputError("shared_limit", f"{redacted_url(shared_limit)!r}: {exc}") from None
    if isinstance(shared_limit, redis.asyncio.Redis if asynchronous else redis.Redis):
        return shared_limit, False
    raise InvalidInputError("shared_limit", f"must be a Redis URL or a {kind}, got {type(shared_limit).__name__}")
