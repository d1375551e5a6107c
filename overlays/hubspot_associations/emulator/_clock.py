"""The emulator's sense of time: token expiry, rate-limit windows and response timestamps all read one clock.

Tests inject a :class:`ManualClock` and move it with :meth:`~ManualClock.advance` instead of sleeping; a served
emulator uses a :class:`SystemClock`, which follows real time but can also be moved ahead (the pytest fixture's
``advance``), so a token expires or a rate window clears at once.
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class Clock(Protocol):
    """What the emulator asks of a clock."""

    def time(self) -> float:
        """Wall-clock time in epoch seconds (token expiry, ``startedAt``/``completedAt``)."""
        ...

    def monotonic(self) -> float:
        """A monotonic reading in seconds (rate-limit windows)."""
        ...

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds`` (>= 0) without waiting."""
        ...


def _check_step(seconds: float) -> float:
    if not seconds >= 0.0:  # also rejects NaN
        raise ValueError(f"a clock only moves forward; got {seconds!r} seconds")
    return float(seconds)


class SystemClock:
    """Real time plus an offset that ``advance`` grows (thread-safe)."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def time(self) -> float:
        return time.time() + self._offset

    def monotonic(self) -> float:
        return time.monotonic() + self._offset

    def advance(self, seconds: float) -> None:
        step = _check_step(seconds)
        with self._lock:
            self._offset += step


class ManualClock:
    """A clock that stands still until ``advance`` moves it (thread-safe).

    For example:

        clock = ManualClock()
        state = EmulatorState(EmulatorConfig(oauth_token_lifetime_s=1800), clock=clock)
        clock.advance(1800)  # every token issued so far has now expired
    """

    def __init__(self, start: float = 1_800_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()

    def time(self) -> float:
        with self._lock:
            return self._now

    def monotonic(self) -> float:
        return self.time()

    def advance(self, seconds: float) -> None:
        step = _check_step(seconds)
        with self._lock:
            self._now += step
