"""What one call may cost, whatever the server does: a deadline, a body cap, and clamps on what servers tell us.

* :class:`Deadline` is a call's whole time budget (``timeout=``): every attempt, every pacer wait and every retry
  backoff comes out of it; each attempt's httpx timeouts are capped by what is left, and a body is read chunk by
  chunk with the deadline checked between chunks, so a server that drips one byte at a time cannot stretch a call.
  It only reads a monotonic clock (no event-loop timers), so the sync client and any async backend share it.
* :class:`BodyReader` counts decoded bytes (after gzip/deflate/brotli) and refuses past ``max_response_bytes``.

The ``clamp_*`` functions that bound what a server tells us live in ``_clamps.py``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextvars import ContextVar

import httpx

from ._errors import APITimeoutError, HubSpotError, ResponseTooLargeError

__all__ = ["BodyReader", "Deadline", "bound_network", "budget_of", "set_network_deadline"]

_MIN_OPERATION_TIMEOUT = 0.001  # httpx/sockets read 0 as "non-blocking", not "no time left"


def budget_of(timeout: httpx.Timeout) -> float | None:
    """The whole-call budget an :class:`httpx.Timeout` stands for: its largest finite value (``None``: no limit).

    ``httpx.Timeout(30, connect=5)`` is a 30 s budget, the same as ``timeout=30``.
    """
    values = [value for value in (timeout.connect, timeout.read, timeout.write, timeout.pool) if value is not None]
    return max(values) if values else None


class Deadline:
    """One call's time budget and where it went.

    ``budget`` is in seconds (``None``: unlimited, only with an all-``None`` :class:`httpx.Timeout`). The clients
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
        "retry_seconds",
    )

    def __init__(self, budget: float | None, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget = budget
        self._clock = clock
        self._start = clock()
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

    def fits(self, wait: float) -> bool:
        """True when sleeping ``wait`` seconds still leaves time for an attempt."""
        return wait < self.remaining()

    def waited(self, seconds: float, *, pacer: bool) -> None:
        """Book a sleep of ``seconds`` as a pacer wait or a retry backoff."""
        if pacer:
            self.pacer_seconds += seconds
        else:
            self.retry_seconds += seconds

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


class BodyReader:
    """Collect one response's decoded body, refusing past ``limit`` bytes or past the call's deadline.

    Feed it ``response.iter_bytes()`` (or ``aiter_bytes()``) chunks; :meth:`finish` stores the body on the
    response the way :meth:`httpx.Response.read` would, so ``response.json()`` works afterwards.
    """

    __slots__ = ("_chunks", "_deadline", "_limit", "_response", "_size")

    def __init__(self, response: httpx.Response, limit: int, deadline: Deadline) -> None:
        self._response = response
        self._limit = limit
        self._deadline = deadline
        self._chunks: list[bytes] = []
        self._size = 0
        declared = response.headers.get("content-length")
        # Only an identity body's length is its decoded length; compressed ones are counted as they inflate.
        if declared is not None and "content-encoding" not in response.headers:
            try:
                length = int(declared)
            except ValueError:
                length = 0
            if length > limit:
                raise self._too_large(f"declares {length} bytes")

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

    def feed(self, chunk: bytes) -> None:
        """Take one decoded chunk; raises :class:`ResponseTooLargeError` or :class:`APITimeoutError`."""
        self._size += len(chunk)
        if self._size > self._limit:
            raise self._too_large(f"exceeds {self._limit} bytes once decoded")
        self._chunks.append(chunk)
        self._deadline.check(self._response.request, "while reading the response body")

    def finish(self) -> None:
        """Install the body on the response (what ``Response.read`` does after its own loop)."""
        self._response._content = b"".join(self._chunks)


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
