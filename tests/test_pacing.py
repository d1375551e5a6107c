"""The shared pacer, driven by a fake clock (no real sleeping)."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from hubspot_associations._pacing import Pacer
from hubspot_associations._response import RateLimitInfo
from hubspot_associations._validation import InvalidInputError


class FakeClock:
    def __init__(self, start: float = 1000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def send_times(pacer: Pacer, clock: FakeClock, count: int) -> list[float]:
    """Reserve ``count`` slots at the current time and return when each request would be sent."""
    return [clock.now + pacer.reserve() for _ in range(count)]


def max_in_any_window(times: list[float], window: float) -> int:
    ordered = sorted(times)
    best = 0
    start = 0
    for end, t in enumerate(ordered):
        while ordered[start] <= t - window:
            start += 1
        best = max(best, end - start + 1)
    return best


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": True}, "limit"),
        ({"limit": 10, "window_s": 0}, "window_s"),
        ({"limit": 10, "window_s": float("inf")}, "window_s"),
        ({"limit": 10, "headroom": -1}, "headroom"),
    ],
)
def test_validation(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:  # a ValueError too
        Pacer(**kwargs)
    assert info.value.argument == argument and isinstance(info.value, ValueError)


def test_unknown_limit_never_waits() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    assert pacer.limit is None
    assert all(pacer.reserve() == 0.0 for _ in range(5000))


def test_burst_of_limit_fits_at_once_then_waits() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=10, window_s=10.0, headroom=0.0, clock=clock)
    assert [pacer.reserve() for _ in range(10)] == [0.0] * 10
    assert pacer.reserve() == pytest.approx(10.0)
    assert pacer.reserve() == pytest.approx(10.0)
    clock.advance(10.0)
    # slots 11 and 12 were taken for t=10, so 8 more go now and the 21st waits for the second window
    assert [pacer.reserve() for _ in range(8)] == [0.0] * 8
    assert pacer.reserve() == pytest.approx(10.0)


@pytest.mark.parametrize("limit", [1, 3, 100, 190])
def test_never_more_than_limit_in_any_window(limit: int) -> None:
    clock = FakeClock()
    pacer = Pacer(limit=limit, window_s=10.0, clock=clock)
    times: list[float] = []
    for step in range(400):
        times.extend(send_times(pacer, clock, 1 + step % 7))
        clock.advance(0.013 * (step % 5))
    assert max_in_any_window(times, 10.0) <= limit


def test_throughput_at_least_95_percent() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=190, window_s=10.0, clock=clock)
    times = send_times(pacer, clock, 190 * 20)
    rate = len(times) / (max(times) - min(times) + 10.2)
    assert rate >= 0.95 * 19.0
    assert max_in_any_window(times, 10.0) <= 190


def test_headroom_stretches_the_window() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=2, window_s=10.0, headroom=0.02, clock=clock)
    send_times(pacer, clock, 2)
    assert pacer.reserve() == pytest.approx(10.2)
    assert pacer.window_s == pytest.approx(10.0)


def test_observe_adopts_server_limit_when_unconfigured() -> None:
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=5, remaining=5, interval_ms=2000))
    assert pacer.limit == 5
    assert pacer.window_s == pytest.approx(2.0)
    assert [pacer.reserve() for _ in range(5)] == [0.0] * 5
    assert pacer.reserve() == pytest.approx(2.0)


def test_observe_counts_sends_made_before_the_limit_was_known() -> None:
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    send_times(pacer, clock, 3)  # three requests in flight before any header arrived
    pacer.observe(RateLimitInfo(max=5, remaining=4, interval_ms=10_000))  # server has seen one of them
    assert [pacer.reserve() for _ in range(2)] == [0.0, 0.0]
    assert pacer.reserve() == pytest.approx(10.0)


def test_explicit_limit_is_kept_but_tightened_by_server() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=100, window_s=10.0, clock=clock)
    pacer.observe(RateLimitInfo(max=190, remaining=189, interval_ms=1000))
    assert pacer.limit == 100
    assert pacer.window_s == pytest.approx(10.0)
    pacer.observe(RateLimitInfo(max=50, remaining=49, interval_ms=10_000))
    assert pacer.limit == 50


def test_observe_ignores_headers_without_max() -> None:
    pacer = Pacer(clock=FakeClock())
    pacer.observe(RateLimitInfo(daily=10, daily_remaining=5))
    assert pacer.limit is None


def test_own_burst_does_not_slow_us_down() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=10, window_s=10.0, headroom=0.0, clock=clock)
    send_times(pacer, clock, 8)
    clock.advance(0.1)
    # responses arrive out of order; the server has counted only some of our own requests
    for remaining in (5, 9, 2, 7):
        pacer.observe(RateLimitInfo(max=10, remaining=remaining, interval_ms=10_000))
    assert [pacer.reserve() for _ in range(2)] == [0.0, 0.0]
    assert pacer.reserve() > 0


def test_foreign_traffic_leaves_room_for_others() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=100, window_s=10.0, headroom=0.0, clock=clock)
    send_times(pacer, clock, 10)
    clock.advance(0.5)
    # the server has counted 60 requests while we sent 10: another process uses ~50 of the app's budget
    pacer.observe(RateLimitInfo(max=100, remaining=40, interval_ms=10_000))
    # Their 50, 3 never taken (2 %, at least 3), and 10 % for them to grow into while they are active: 37 of ours,
    # 10 sent.
    assert [pacer.reserve() for _ in range(27)] == [0.0] * 27
    assert pacer.reserve() > 0


def test_a_newer_answer_replaces_the_estimate_of_others() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=100, window_s=10.0, headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=100, remaining=20, interval_ms=10_000))  # 80 foreign
    assert pacer.foreign == 80
    clock.advance(4.0)
    pacer.observe(RateLimitInfo(max=100, remaining=100, interval_ms=10_000))  # their requests have aged out
    assert pacer.foreign == 0
    assert sum(1 for _ in range(100) if pacer.reserve() == 0.0) == 97  # the whole window is ours again, but 3


def test_the_estimate_of_others_lapses_a_window_after_its_answer() -> None:
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=10, remaining=0, interval_ms=10_000))  # someone else spent the whole window
    assert pacer.reserve() == pytest.approx(10.0)  # to that window's end, not beyond
    clock.advance(10.0)
    assert pacer.foreign == 0
    assert [pacer.reserve() for _ in range(9)] == [0.0] * 9  # then the full rate (with the slot above: 10)
    assert pacer.reserve() > 0


def test_an_older_answer_does_not_overwrite_a_newer_estimate() -> None:
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    early = pacer.claim()
    clock.advance(0.05)
    late = pacer.claim()
    clock.advance(0.1)
    pacer.observe(RateLimitInfo(max=100, remaining=48, interval_ms=10_000), late)  # 52 counted, 2 ours
    pacer.observe(RateLimitInfo(max=100, remaining=99, interval_ms=10_000), early)  # overtaken: older news
    assert pacer.foreign == 50


def test_own_sends_are_not_foreign_whatever_our_window() -> None:
    # Our own budget is 10 per second; HubSpot counts 190 per 10 s. The 80 we sent over the last 8 s are ours, in
    # the server's count of its own (10 s) window, however short our window is.
    clock = FakeClock()
    pacer = Pacer(limit=10, window_s=1.0, headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=190, remaining=190, interval_ms=10_000))
    for second in range(8):
        clock.advance(0.0 if second == 0 else 1.0)
        slots = [pacer.claim() for _ in range(10)]
        assert [slot.wait for slot in slots] == [0.0] * 10
    pacer.observe(RateLimitInfo(max=190, remaining=110, interval_ms=10_000), slots[-1])
    assert pacer.foreign == 0
    clock.advance(1.0)
    assert [pacer.reserve() for _ in range(10)] == [0.0] * 10  # our full 10 per second, not 1.3


def test_a_refused_request_is_not_counted_as_ours() -> None:
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    slot = pacer.claim()
    pacer.observe(RateLimitInfo(max=10, remaining=0, interval_ms=10_000), slot, refused=True)
    assert pacer.foreign == 10  # all ten are someone else's: the 429 itself was not counted
    assert slot.refused


def test_a_few_foreign_requests_are_left_their_share() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=10, window_s=10.0, headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=10, remaining=8, interval_ms=10_000))
    assert sum(1 for _ in range(20) if pacer.reserve() == 0.0) == 8  # their 2 (too few to keep 10 % free for)


def test_a_sliver_of_the_window_is_left_to_clients_that_never_got_through() -> None:
    # Another client whose every request met a full window never shows in Remaining; 2 % of the limit stays free
    # for it even when nobody else is seen, and once it gets through, it has 10 % more to grow into.
    clock = FakeClock()
    pacer = Pacer(headroom=0.0, clock=clock)
    pacer.observe(RateLimitInfo(max=200, remaining=200, interval_ms=10_000))
    assert sum(1 for _ in range(250) if pacer.reserve() == 0.0) == 196


def test_on_rate_limited_pushes_next_slot() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=100, clock=clock)
    assert pacer.reserve() == 0.0
    pacer.on_rate_limited(3.0)
    assert pacer.reserve() == pytest.approx(3.0)
    pacer.on_rate_limited(1.0)  # never pulls the hold earlier
    assert pacer.reserve() == pytest.approx(3.0)
    pacer.on_rate_limited(0.0)
    clock.advance(3.0)
    assert pacer.reserve() == 0.0


def test_on_rate_limited_applies_without_known_limit() -> None:
    clock = FakeClock()
    pacer = Pacer(clock=clock)
    pacer.on_rate_limited(2.0)
    assert pacer.reserve() == pytest.approx(2.0)


def test_threads_never_over_admit() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=50, window_s=10.0, clock=clock)
    barrier = threading.Barrier(16)
    results: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        barrier.wait()
        local = [pacer.reserve() for _ in range(100)]
        with lock:
            results.extend(local)

    threads = [threading.Thread(target=worker) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 1600
    assert results.count(0.0) == 50
    times = [clock.now + wait for wait in results]
    assert max_in_any_window(times, 10.0) <= 50


def test_repr() -> None:
    assert repr(Pacer(limit=5, window_s=1.0)) == "Pacer(limit=5, window_s=1.0)"


def test_log_keeps_only_two_windows_of_sends_under_a_huge_limit() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=100_000_000, window_s=1.0, headroom=0.0, clock=clock)
    for _ in range(1_000):  # 100 s of 10 requests per 100 ms
        assert send_times(pacer, clock, 10) == [clock.now] * 10
        clock.advance(0.1)
    assert len(pacer._sends) <= 210  # two windows' worth, not all 10,000 sends (memory and bisect cost)
    pacer.observe(RateLimitInfo(max=100_000_000, remaining=100_000_000 - 100, interval_ms=1_000))
    assert pacer._foreign == 0  # the server's 100 in the last window match ours, so no foreign traffic assumed


def test_a_slow_answer_delays_the_send_a_window_after_it() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=2, window_s=10.0, headroom=0.0, clock=clock)
    first = pacer.claim()
    pacer.claim()
    clock.advance(0.3)  # the first request's answer took 300 ms: it may have arrived up to 300 ms after its slot
    pacer.observe(None, first)
    assert pacer.reserve() == pytest.approx(10.0)  # a window after the answer, not after the slot


def test_a_request_in_flight_counts_as_late_as_the_slowest_recent_answer() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=1, window_s=1.0, headroom=0.0, clock=clock)
    first = pacer.claim()
    clock.advance(0.2)
    pacer.observe(None, first)  # answered 200 ms after its slot
    clock.advance(0.9)
    second = pacer.claim()
    assert second.wait == pytest.approx(0.1)  # a window after the first answer
    assert pacer.reserve() == pytest.approx(0.1 + 0.2 + 1.0)  # the second is unanswered: assume it is 200 ms late


def test_slow_answers_are_forgotten_after_a_window() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=1, window_s=1.0, headroom=0.0, clock=clock)
    first = pacer.claim()
    clock.advance(0.5)
    pacer.observe(None, first)
    clock.advance(1.5)  # that 500 ms answer is more than a window old
    assert pacer.claim().wait == 0.0
    assert pacer.reserve() == pytest.approx(1.0)  # the unanswered second request is not assumed late


def test_lateness_is_capped_at_one_window() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=1, window_s=1.0, headroom=0.0, clock=clock)
    first = pacer.claim()
    clock.advance(30.0)  # a request that hung until its timeout
    pacer.observe(None, first)
    pacer.claim()
    assert pacer.reserve() == pytest.approx(2.0)  # one window plus at most one window of lateness, not 30 s


def test_a_burst_that_queued_at_the_server_spreads_out_in_the_next_window() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=5, window_s=1.0, headroom=0.0, clock=clock)
    burst = [pacer.claim() for _ in range(5)]
    for slot in burst:  # a server that answers one request per 10 ms
        clock.advance(0.01)
        pacer.observe(None, slot)
    next_window = [pacer.claim().at - burst[0].at for _ in range(5)]
    assert next_window == pytest.approx([1.01, 1.02, 1.03, 1.04, 1.05])


def test_slow_answers_are_not_mistaken_for_foreign_traffic() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=50, window_s=1.0, headroom=0.0, clock=clock)
    send_times(pacer, clock, 30)
    clock.advance(0.9)
    late = [pacer.claim() for _ in range(20)][-1]
    clock.advance(0.15)
    # The server counted all 50 when the last request arrived; by the time its answer is back, the first 30 have
    # left our own last-second log. They are ours, not another client's.
    pacer.observe(RateLimitInfo(max=50, remaining=0, interval_ms=1_000), late)
    assert pacer.reserve() > 0.0
    assert pacer._foreign == 0


def test_callers_waiting_ahead_do_not_push_past_sends_out_of_the_count() -> None:
    clock = FakeClock()
    pacer = Pacer(limit=50, window_s=1.0, headroom=0.0, clock=clock)
    burst = [pacer.claim() for _ in range(50)]
    clock.advance(0.1)
    waiting = [pacer.claim() for _ in range(30)]  # 30 callers now sleep until the next window
    assert all(slot.wait > 0.8 for slot in waiting)
    pacer.observe(RateLimitInfo(max=50, remaining=0, interval_ms=1_000), burst[-1])
    assert pacer._foreign == 0  # the server's 50 are the burst, all ours
