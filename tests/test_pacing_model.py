"""The pacer's model of HubSpot's rolling window, as a pure function: Hypothesis against a simulated server.

``tests/pacing_sim.py`` runs a pacer (on the simulation's clock, no threads, no sleeping) against a rolling window
shared with other consumers: one that spent the window before we started, a steady one, a bursty one, each
stopping at some point, or another paced client like us. The properties are the model's promises
(docs/rate-limits.md, "How the pacer paces"):

* our own requests alone never exceed the server's limit in any of its windows (beyond the first ``concurrency``
  sent before any answer told us the limit), nor our own ``limit`` in any of our windows;
* every row gets through (429s are turns lost, never the end of a row);
* once the others stop, we are back at the full rate within one window;
* 429s happen only where we could not know: the blind start, and the others' traffic rising.
"""

from __future__ import annotations

import math

import attrs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubspot_associations._pacing import _spare
from tests.pacing_sim import Run, bursts, max_in_window, simulate, steady

MODEL = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

windows = st.sampled_from([1.0, 2.0, 10.0])


@attrs.frozen
class Scenario:
    limit: int
    window: float
    rows: int
    concurrency: int
    kind: str  # how the others behave: "none", "spent" (before we start), "steady", "bursty"
    others: list[float]  # when the others' requests arrive
    stop: float  # when the others stop
    own: tuple[int, float] | None  # our own limit per our own window, if any
    latency: float  # each way, jittered by up to 50 %
    seed: int

    def run(self) -> Run:
        return simulate(
            limit=self.limit,
            window=self.window,
            rows=self.rows,
            concurrency=self.concurrency,
            others=self.others,
            up=self.latency,
            down=self.latency,
            client_limit=None if self.own is None else self.own[0],
            client_window=10.0 if self.own is None else self.own[1],
            seed=self.seed,
        )

    def full_rate(self) -> float:
        """Requests per server window the pacer may send once alone: the server's limit (but the sliver it leaves
        to clients it cannot see), or our own if tighter."""
        alone = self.limit - _spare(self.limit)
        return alone if self.own is None else min(alone, self.own[0] * self.window / self.own[1])

    def alone(self, rows: int) -> float:
        """The longest a client alone may take for ``rows`` requests once its earlier sends have aged out."""
        # Our own requests that overtook the answered one on the way count as others' (a request or two).
        server = (max(self.limit - _spare(self.limit) - 2, 1), self.window)
        budgets = [server] if self.own is None else [server, self.own]
        per_window = 1.01, 4 * self.latency
        # With two rules, a burst that one of them cuts short waits for the other: up to one more of our windows.
        seam = 0.0 if self.own is None else self.own[1] * per_window[0] + per_window[1]
        return (
            max(math.ceil(rows / n) * (w * per_window[0] + per_window[1]) for n, w in budgets) + seam + 4 * self.latency
        )


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    limit = draw(st.integers(5, 250))
    window = draw(windows)
    kind = draw(st.sampled_from(["none", "spent", "steady", "bursty"]))
    stop = draw(st.floats(0.0, 4.0)) * window
    if kind == "spent":
        others = [-draw(st.floats(0.0, 0.99)) * window] * draw(st.integers(1, limit))
        stop = 0.0
    elif kind == "steady":
        others = steady(draw(st.floats(0.05, 0.7)) * limit / window, 0.0, stop)
    elif kind == "bursty":
        others = bursts(draw(st.integers(1, limit)), draw(st.floats(0.2, 2.0)) * window, 0.0, stop)
    else:
        others, stop = [], 0.0
    own = draw(st.none() | st.tuples(st.integers(1, 300), st.sampled_from([0.5, 1.0, 3.0, 10.0])))
    return Scenario(
        limit=limit,
        window=window,
        rows=draw(st.integers(1, 5)) * limit,
        concurrency=draw(st.integers(1, 16)),
        kind=kind,
        others=others,
        stop=stop,
        own=own,
        latency=draw(st.floats(0.0, 0.004)) * min(window, own[1] if own else window),
        seed=draw(st.integers(0, 2**16)),
    )


@MODEL
@given(scenarios())
def test_the_model_holds_against_a_rolling_window_shared_with_others(scenario: Scenario) -> None:
    run = scenario.run()
    limit, window, concurrency, own = scenario.limit, scenario.window, scenario.concurrency, scenario.own
    ours = [t for t, _ in run.ours]
    # Every row got through: a 429 only ever delays a row.
    finished = run.finished[0]
    assert finished is not None
    # Our own doing never exceeds the server's limit: only the blind first burst (before any answer) may.
    assert max_in_window(ours, window) <= max(limit, concurrency)
    # Our own limit, in our own window, whatever the server's window is.
    if own is not None:
        assert max_in_window(ours, own[1]) <= own[0]
    # 429s only where we could not have known: the blind start, and each rise in the others' traffic (a burst, or
    # a steady consumer's requests arriving while ours were already on their way).
    rises = len(set(scenario.others)) if scenario.kind != "spent" else 0
    assert run.refused <= concurrency * (1 + rises)
    # Back at the full rate one window after the others stopped: from then on, the rows still to go take no
    # longer than a client alone would need for them (a window per budget's worth, plus the answers' round trips),
    # given workers enough to use the rate.
    settle = scenario.stop + window * 1.01 + 6 * scenario.latency
    left = sum(1 for t, ok in run.ours if ok and t > settle)
    if left and concurrency >= scenario.full_rate() / window * 4 * scenario.latency + 1:
        assert finished - settle <= scenario.alone(left)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    limit=st.integers(5, 200),
    window=windows,
    clients=st.integers(2, 3),
    concurrency=st.integers(1, 12),
    latency=st.floats(0.0, 0.004),
    seed=st.integers(0, 2**16),
)
def test_paced_clients_without_a_shared_budget_all_finish_and_use_the_limit(
    limit: int, window: float, clients: int, concurrency: int, latency: float, seed: int
) -> None:
    rows = 3 * limit
    run = simulate(
        limit=limit,
        window=window,
        rows=rows,
        concurrency=concurrency,
        others=[],
        up=latency * window,
        down=latency * window,
        clients=clients,
        seed=seed,
    )
    assert all(finished is not None for finished in run.finished)  # every row of every client, none failed
    # Together they keep the window busy: all rows of all clients in about the time one budget allows for them.
    ideal = clients * rows / limit * window
    assert max(t for t in run.finished if t is not None) <= ideal * 1.25 + 2 * window


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    limit=st.integers(50, 250),
    window=windows,
    share=st.floats(0.05, 0.5),
    concurrency=st.integers(1, 16),
    seed=st.integers(0, 2**16),
)
def test_a_steady_consumer_is_left_its_requests(
    limit: int, window: float, share: float, concurrency: int, seed: int
) -> None:
    # Our burst at the start takes the window (we could not know); then a consumer that got through at all (the
    # sliver of the window always left free) has room to grow into: after a few windows nearly all of its requests
    # get through, however long our run goes on. (Without that room, each of its requests that met a full window
    # would shrink its share for good: a bulk run would starve a webhook handler.)
    rate = share * limit / window
    others = steady(rate, 0.0, 16 * window)
    run = simulate(
        limit=limit, window=window, rows=20 * limit, concurrency=concurrency, others=others, seed=seed,
        up=0.002 * window, down=0.002 * window,
    )  # fmt: skip
    finished = run.finished[0]
    assert finished is not None and finished > 16 * window  # we ran alongside it all along
    # Its share grows by the room left (10 % of the limit) each window: from nothing to half the limit in five.
    sent = sum(1 for t in others if t > 8 * window)
    assert run.count(8 * window, 16 * window, others=True) >= 0.9 * sent
