"""What one call may cost, whatever the server does: a deadline, a body cap, and clamps on what servers tell us.

* :class:`Deadline` is a call's whole time budget (``timeout=``): every attempt, every pacer wait and every retry
  backoff comes out of it; each attempt's httpx timeouts are capped by what is left, and a body is read chunk by
  chunk with the deadline checked between chunks, so a server that drips one byte at a time cannot stretch a call.
  It only reads a monotonic clock (no event-loop timers), so the sync client and any async backend share it.
* :class:`BodyReader` decodes the raw body itself (gzip, deflate) and refuses past ``max_response_bytes`` decoded
  bytes. It does not use httpx's decoders: they inflate each network read whole, so 64 KiB of a gzip bomb become
  64 MiB in one call before anything can count them; here no decompress call may produce more than the cap allows.

The ``clamp_*`` functions that bound what a server tells us live in ``_clamps.py``.
"""

from __future__ import annotations

import math
import time
import zlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

import httpx

from ._errors import APITimeoutError, HubSpotError, ResponseTooLargeError

__all__ = ["ACCEPT_ENCODING", "BodyReader", "Deadline", "bound_network", "budget_of", "set_network_deadline"]

ACCEPT_ENCODING = "gzip, deflate"
"""What every request asks for: the encodings :class:`BodyReader` decodes within its cap (not br or zstd, which
httpx would otherwise offer when their packages happen to be installed)."""

_ZLIB_WBITS = {"gzip": zlib.MAX_WBITS | 16, "x-gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS}
_UNBOUNDED = frozenset({"br", "zstd", "compress", "x-compress"})  # encodings we never ask for and cannot bound

_MIN_OPERATION_TIMEOUT = 0.001  # httpx/sockets read 0 as "non-blocking", not "no time left"


def budget_of(timeout: httpx.Timeout) -> float | None:
    """The whole-call budget an :class:`httpx.Timeout` stands for: its largest finite value (``None``: no limit).

    ``httpx.Timeout(30, connect=5)`` is a 30 s budget, the same as ``timeout=30``.
    """
    values = [value for value in (timeout.connect, timeout.read, timeout.write, timeout.pool) if value is not None]
    return max(values) if values else None


class Deadline:
    """One call's time budget and where it went.

    ``budget`` is in seconds (``None``: unlimited, only with an all-``None`` :class:`httpx.Timeout`). A single call's
    budget covers everything from the call on, its waits for the pacer included. A ``queued`` call (one row of a
    bulk run, or any request a caller queues behind others) is not charged for waiting its turn: its budget stands
    still during pacer waits, so it starts when the request may be sent, and still bounds every attempt, retry
    backoff and the call's own retries. The clients
    call :meth:`attempt_timeouts` before each attempt, :meth:`end_attempt` after it, :meth:`fits` and
    :meth:`waited` around each sleep, and :meth:`check` between body chunks; :meth:`exceeded` builds the error.
    """

    __slots__ = (
        "_attempt_started",
        "_clock",
        "_start",
        "attempt_seconds",
        "attempts",
        "budget",
        "last_error",
        "pacer_seconds",
        "queued",
        "retry_seconds",
        "turns_lost",
    )

    def __init__(
        self, budget: float | None, clock: Callable[[], float] = time.monotonic, *, queued: bool = False
    ) -> None:
        self.budget = budget
        self.queued = queued
        self._clock = clock
        self._start = clock()
        self.turns_lost = 0  # 429s for the rolling window of a queued call: turns lost, not retries
        self._attempt_started: float | None = None
        self.attempts = 0
        self.attempt_seconds = 0.0
        self.pacer_seconds = 0.0
        self.retry_seconds = 0.0
        self.last_error: HubSpotError | None = None  # why the previous attempt failed, when it is being retried

    def elapsed(self) -> float:
        """Seconds since the call started."""
        return self._clock() - self._start

    def remaining(self) -> float:
        """Seconds left (``inf`` without a budget; may be negative once spent)."""
        return math.inf if self.budget is None else self.budget - self.elapsed()

    def fits(self, wait: float, *, pacer: bool = False) -> bool:
        """True when sleeping ``wait`` seconds still leaves time for an attempt (a queued call's pacer waits always
        fit: they are not taken from its budget)."""
        return (pacer and self.queued) or wait < self.remaining()

    def waited(self, seconds: float, *, pacer: bool) -> None:
        """Book a sleep of ``seconds`` as a pacer wait or a retry backoff."""
        if pacer:
            self.pacer_seconds += seconds
        else:
            self.retry_seconds += seconds

    def turn_came(self, since: float) -> None:
        """A pacer wait that began at ``since`` (the clock's reading) is over: a queued call's budget stood still
        meanwhile, however long the wait really took; a single call's went on."""
        if self.queued:
            self._start += self._clock() - since

    def attempt_timeouts(self, timeout: httpx.Timeout) -> dict[str, float | None]:
        """Start an attempt: httpx's per-operation timeouts, each capped by the remaining budget."""
        self.attempts += 1
        self._attempt_started = self._clock()
        left = self.remaining()
        if left == math.inf:
            set_network_deadline(math.inf)
            return timeout.as_dict()
        left = max(left, _MIN_OPERATION_TIMEOUT)
        set_network_deadline(left)
        return {name: left if value is None else min(value, left) for name, value in timeout.as_dict().items()}

    def end_attempt(self) -> None:
        """Book the time since :meth:`attempt_timeouts` as attempt time (idempotent)."""
        if self._attempt_started is not None:
            self.attempt_seconds += self._clock() - self._attempt_started
            self._attempt_started = None

    def check(self, request: httpx.Request | None, during: str) -> None:
        """Raise :meth:`exceeded` if the budget is spent (called between body chunks)."""
        if self.budget is not None and self.remaining() <= 0:
            raise self.exceeded(request, during)

    def exceeded(
        self, request: httpx.Request | None, during: str, last_error: HubSpotError | None = None
    ) -> APITimeoutError:
        """The :class:`APITimeoutError` for a spent budget, saying where the time went."""
        self.end_attempt()
        budget = "no" if self.budget is None else f"{self.budget:g} s"
        message = (
            f"call ran out of its {budget} budget {during} after {self.elapsed():.2f} s: "
            f"{self.attempts} attempt(s) took {self.attempt_seconds:.2f} s, waits took "
            f"{self.pacer_seconds + self.retry_seconds:.2f} s (pacer {self.pacer_seconds:.2f} s, "
            f"retry backoff {self.retry_seconds:.2f} s)"
        )
        if last_error is not None:
            message += f"; last attempt: {type(last_error).__name__}: {last_error}"
        error = APITimeoutError(message, request=request)
        error.budget = self.budget
        error.attempts = self.attempts
        error.attempt_seconds = self.attempt_seconds
        error.wait_seconds = self.pacer_seconds + self.retry_seconds
        error.last_error = last_error
        if last_error is not None:
            error.__cause__ = last_error
        return error


def _framing(headers: httpx.Headers) -> tuple[str, str | None]:
    """``Content-Encoding`` (all of them, comma-joined) and ``Content-Length``, in one pass over the raw headers
    (this runs on every response; two lookups would walk the list twice and decode every key)."""
    encodings: list[bytes] = []
    length: bytes | None = None
    for name, value in headers.raw:
        if len(name) == 16 and name.lower() == b"content-encoding":
            encodings.append(value)
        elif length is None and len(name) == 14 and name.lower() == b"content-length":
            length = value
    encoding = b",".join(encodings).decode("latin-1") if encodings else ""
    return encoding, None if length is None else length.decode("latin-1")


class BodyReader:
    """Collect one response's body, decoding it within ``limit`` bytes and the call's deadline.

    :meth:`read` (or :meth:`aread`) pulls the raw chunks and stores the decoded body on the response the way
    :meth:`httpx.Response.read` would, so ``response.json()`` works afterwards. A body that cannot
    be decoded raises :class:`httpx.DecodingError`, as httpx's own decoders would (a broken transfer).
    """

    __slots__ = ("_chunks", "_deadline", "_decoders", "_limit", "_response", "_size")

    def __init__(self, response: httpx.Response, limit: int, deadline: Deadline) -> None:
        self._response = response
        self._limit = limit
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self._size = 0
        encoding, declared = _framing(response.headers)
        self._decoders = self._decoders_for(encoding) if encoding else []
        # Only an identity body's length is its decoded length; compressed ones are counted as they inflate.
        if declared is not None and not self._decoders:
            try:
                length = int(declared)
            except ValueError:
                length = 0
            if length > limit:
                raise self._too_large(f"declares {length} bytes")

    def _decoders_for(self, header: str) -> list[list[Any]]:
        """One ``[decompressobj, bytes produced, encoding]`` per encoding, in decoding order (last applied first)."""
        decoders: list[list[Any]] = []
        for token in reversed([part.strip().lower() for part in header.split(",")]):
            if token in _ZLIB_WBITS:
                decoders.append([zlib.decompressobj(_ZLIB_WBITS[token]), 0, token])
            elif token in _UNBOUNDED:
                raise httpx.DecodingError(
                    f"Content-Encoding {token!r} was not asked for ({ACCEPT_ENCODING})", request=self._response.request
                )
            # identity, empty and unknown tokens pass through, as httpx does
        return decoders

    def _too_large(self, what: str) -> ResponseTooLargeError:
        response = self._response
        return ResponseTooLargeError(
            f"HubSpot answered {response.status_code} with a body that {what}, more than the "
            f"{self._limit}-byte limit (max_response_bytes); it was not read",
            status_code=response.status_code,
            headers=response.headers,
            response=response,
            request=response.request,
            limit=self._limit,
        )

    def _decode(self, data: bytes, final: bool = False) -> bytes:
        for stage in self._decoders:
            try:
                out = self._inflate(stage, data, final)
            except zlib.error as exc:
                if stage[2] != "deflate" or stage[1]:
                    raise httpx.DecodingError(
                        f"{stage[2]} body cannot be decoded: {exc}", request=self._response.request
                    ) from None
                # "deflate" is zlib-wrapped by the RFC, raw in some servers: the second reading, as httpx does
                stage[:] = [zlib.decompressobj(-zlib.MAX_WBITS), 0, "raw deflate"]
                try:
                    out = self._inflate(stage, data, final)
                except zlib.error as raw_exc:
                    raise httpx.DecodingError(
                        f"deflate body cannot be decoded: {raw_exc}", request=self._response.request
                    ) from None
            data = out
        return data

    def _inflate(self, stage: list[Any], data: bytes, final: bool) -> bytes:
        """One stage's output for ``data``: never more than the cap allows (it stops one byte past, and refuses)."""
        decoder, produced = stage[0], stage[1]
        out: bytes = decoder.decompress(data, self._limit - produced + 1) if data else b""  # never max_length=0
        if decoder.unconsumed_tail:  # it stopped at the cap with input left
            raise self._too_large(f"exceeds {self._limit} bytes once decoded")
        if final:
            out += decoder.flush()
        stage[1] = produced + len(out)
        if stage[1] > self._limit:
            raise self._too_large(f"exceeds {self._limit} bytes once decoded")
        return out

    def feed(self, chunk: bytes) -> None:
        """Take one raw chunk; raises :class:`ResponseTooLargeError`, :class:`APITimeoutError` or DecodingError."""
        self._take(self._decode(chunk) if self._decoders else chunk)
        self._deadline.check(self._response.request, "while reading the response body")

    def _take(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._limit:
            raise self._too_large(f"exceeds {self._limit} bytes once decoded")
        if data:
            self._chunks.append(data)

    def finish(self) -> None:
        """Install the body on the response (what ``Response.read`` does after its own loop)."""
        if self._decoders:
            self._take(self._decode(b"", final=True))
        self._response._content = b"".join(self._chunks)

    def _already_read(self) -> bool:
        # An in-process transport (MockTransport, ASGI) or an auth flow may hand over a response already read and
        # decoded by httpx: nothing came over a network, so only its size is checked.
        if not hasattr(self._response, "_content"):
            return False
        self._decoders = []
        self._take(self._response.content)
        return True

    def read(self) -> None:
        """Read the body of a streamed response within the cap and the deadline, and install it."""
        if not self._already_read():
            for chunk in self._response.iter_raw():
                self.feed(chunk)
        self.finish()

    async def aread(self) -> None:
        """The async twin of :meth:`read`."""
        if not self._already_read():
            async for chunk in self._response.aiter_raw():
                self.feed(chunk)
        self.finish()


# -- the deadline inside httpcore: every socket read and write, not just between body chunks -------------------
#
# httpx hands each socket operation the attempt's timeout afresh, so a server that sends one byte of its status
# line or headers per interval keeps an attempt alive for as long as it likes. The client's own connection pool
# therefore gets a network backend whose streams cap every connect, read and write by the running call's deadline
# (a context variable: per thread for the sync client, per task for the async one). A pool passed in through
# ``http_client`` is left alone; there the chunk-by-chunk check above still bounds the body.

NETWORK_DEADLINE: ContextVar[float | None] = ContextVar("hubspot_associations_network_deadline", default=None)
"""When the running call's socket operations must be done (``time.monotonic()``), or ``None``; see ``_network.py``."""


def set_network_deadline(seconds_left: float) -> None:
    """Let socket operations of this thread/task take at most ``seconds_left`` more seconds (real clock)."""
    NETWORK_DEADLINE.set(None if seconds_left == math.inf else time.monotonic() + seconds_left)


def bound_network(http: httpx.Client | httpx.AsyncClient) -> None:
    """Make the socket operations of ``http``'s own pools honour :func:`set_network_deadline`.

    Reaches into httpx's transports (``_transport``, ``_mounts``) and httpcore's pools (``_network_backend``):
    anything of another shape (a custom transport, a future httpx) is left as it is. The wrappers live in
    ``_network.py``, imported here: httpcore (which imports anyio) is loaded by then, never by ``import``.
    """
    from ._network import wrap_backend

    transports = [getattr(http, "_transport", None), *getattr(http, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None:
            wrapped = wrap_backend(backend)
            if wrapped is not backend:
                pool._network_backend = wrapped  # type: ignore[union-attr]
