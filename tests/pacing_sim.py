"""A discrete-event simulation of one paced client sharing HubSpot's rolling window with other consumers.

Pure and deterministic: no threads, no sockets, no sleeping. The :class:`~hubspot_associations._pacing.Pacer`
under test reads the simulation's clock; ``concurrency`` workers each claim a slot, send at it, and learn from the
answer exactly as the clients do (``observe``, then on a 429 ``on_rate_limited`` with the client's own hold
policy, and the retry claims again). The server is the emulator's rule: a rolling window of ``limit`` accepted
arrivals per ``window`` seconds, refused requests not counted, ``Remaining`` after counting the request.
"""

from __future__ import annotations

import heapq
import itertools
import math
import random
from collections import deque

import attrs

from hubspot_associations._pacing import Pacer, Slot
from hubspot_associations._policy import rate_limit_hold
from hubspot_associations._response import rate_limit_info


@attrs.define
class RollingWindow:
    """The server: HubSpot's per-app rolling window (as ``emulator/_rate_limit.py`` models it)."""

    limit: int
    window: float
    accepted: deque[float] = attrs.field(factory=deque)

    def arrive(self, now: float) -> tuple[bool, int]:
        """Count a request arriving at ``now``: (accepted, Remaining as the answer's header says it)."""
        while self.accepted and self.accepted[0] <= now - self.window:
            self.accepted.popleft()
        if len(self.accepted) >= self.limit:
            return False, 0
        self.accepted.append(now)
        return True, self.limit - len(self.accepted)


@attrs.frozen
class Run:
    """What happened: our arrivals (time, accepted), the others' accepted arrivals, and when our rows were done
    (``finished``: each paced client's, ours first)."""

    ours: list[tuple[float, bool]]
    others: list[float]
    finished: list[float | None]

    @property
    def refused(self) -> int:
        return sum(1 for _, accepted in self.ours if not accepted)

    def count(self, start: float, end: float, *, others: bool = False, accepted_only: bool = True) -> int:
        """Arrivals in ``(start, end]``: ours (accepted ones by default) or the others' accepted ones."""
        if others:
            return sum(1 for t in self.others if start < t <= end)
        return sum(1 for t, ok in self.ours if start < t <= end and (ok or not accepted_only))


def max_in_window(times: list[float], window: float) -> int:
    """The most of ``times`` in any half-open window ``(t - window, t]``."""
    ordered = sorted(times)
    best, first = 0, 0
    for last, t in enumerate(ordered):
        while ordered[first] <= t - window:
            first += 1
        best = max(best, last - first + 1)
    return best


@attrs.frozen
class _Event:
    kind: str  # "other" (another consumer's request arrives), "claim", "arrive" (ours), "answer"
    client: int = 0
    slot: Slot | None = None
    accepted: bool = True
    remaining: int = 0


def simulate(
    *,
    limit: int,
    window: float,
    rows: int,
    concurrency: int,
    others: list[float],
    up: float = 0.01,
    down: float = 0.01,
    client_limit: int | None = None,
    client_window: float = 10.0,
    start: float = 0.0,
    horizon: float = math.inf,
    seed: int = 0,
    clients: int = 1,
) -> Run:
    """Send ``rows`` requests through a fresh pacer while other consumers' requests arrive at ``others`` times.

    ``up``/``down``: the network's delay to and from the server (each request's, jittered by up to 50 %).
    ``clients``: that many paced clients (each with its own pacer, ``rows`` and ``concurrency``) start together;
    the first is "ours", the others' arrivals count as other traffic.
    """
    rng = random.Random(seed)
    now = [start]
    pacers = [Pacer(client_limit, client_window, clock=lambda: now[0]) for _ in range(clients)]
    server = RollingWindow(limit, window)
    events: list[tuple[float, int, _Event]] = []
    order = itertools.count()

    def at(time: float, event: _Event) -> None:
        heapq.heappush(events, (time, next(order), event))

    for t in others:
        at(t, _Event("other"))
    ours: list[tuple[float, bool]] = []
    accepted_others: list[float] = []
    left = [rows] * clients  # rows not yet claimed by a worker
    done = [0] * clients
    finished: list[float | None] = [None] * clients

    def claim(client: int) -> None:
        slot = pacers[client].claim()
        at(slot.at + up * (1 + rng.random() / 2), _Event("arrive", client, slot))

    for client in range(clients):
        for _ in range(min(concurrency, rows)):
            left[client] -= 1
            at(start, _Event("claim", client))
    while events:
        time, _, event = heapq.heappop(events)
        if time > horizon:
            break
        now[0] = max(now[0], time)
        client, slot = event.client, event.slot
        if event.kind == "other":
            if server.arrive(time)[0]:
                accepted_others.append(time)
        elif event.kind == "claim":
            claim(client)
        elif event.kind == "arrive":
            accepted, remaining = server.arrive(time)
            if client == 0:
                ours.append((time, accepted))
            elif accepted:
                accepted_others.append(time)
            at(time + down * (1 + rng.random() / 2), _Event("answer", client, slot, accepted, remaining))
        else:  # an answer: learn from it, as BaseClient._outcome does
            headers = {
                "X-HubSpot-RateLimit-Max": str(limit),
                "X-HubSpot-RateLimit-Remaining": str(event.remaining),
                "X-HubSpot-RateLimit-Interval-Milliseconds": str(round(window * 1000)),
            }
            pacer = pacers[client]
            pacer.observe(rate_limit_info(headers), slot, refused=not event.accepted)
            if not event.accepted:
                pacer.on_rate_limited(rate_limit_hold(attempt=0, headers=headers, policy_name=None, rng=rng))
                claim(client)  # the same row again: a turn lost, not a failure
                continue
            done[client] += 1
            if done[client] == rows:
                finished[client] = time
            if left[client]:
                left[client] -= 1
                claim(client)
    return Run(ours, accepted_others, finished)


def steady(rate: float, begin: float, end: float) -> list[float]:
    """Another consumer sending ``rate`` requests a second, evenly, from ``begin`` until ``end``."""
    count = int((end - begin) * rate)
    return [begin + i / rate for i in range(count)]


def bursts(size: int, every: float, begin: float, end: float) -> list[float]:
    """Another consumer sending ``size`` requests at once every ``every`` seconds from ``begin`` until ``end``."""
    times: list[float] = []
    t = begin
    while t < end:
        times.extend([t] * size)
        t += every
    return times
