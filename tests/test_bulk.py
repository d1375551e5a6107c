"""associate_many: one outcome per row, lazy input, typed errors, pacing (MockTransport and the emulator)."""

from __future__ import annotations

import gc
import itertools
import json
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest

import hubspot_associations._bulk._async as bulk_async_module
from hubspot_associations import (
    APITimeoutError,
    AssociationOutcome,
    AssociationRow,
    AssociationSpec,
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    InvalidInputError,
    LabelsBetweenObjectPair,
    OAuthRefreshError,
    RateLimitError,
    StoppedError,
    run_wide_failure,
)
from hubspot_associations._bulk._batches import RunState, Unit
from hubspot_associations._error_mapping import error_from_response
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.support import PAIR, FakeClock, Server, clock_seams

_DEFAULT_BODY = {
    "status": "COMPLETE",
    "results": [
        {
            "from": {"id": "1"},
            "to": {"id": "2"},
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
        }
    ],
    "startedAt": "2026-01-01T00:00:00.000Z",
    "completedAt": "2026-01-01T00:00:00.001Z",
}


def _handler(request: httpx.Request) -> httpx.Response:
    parts = request.url.path.split("/")
    from_id, to_id = parts[5], parts[-1]
    headers = {"X-HubSpot-Correlation-Id": f"corr-{from_id}"}
    if to_id == "404404":
        body = {
            "status": "error",
            "message": "nope",
            "category": "VALIDATION_ERROR",
            "correlationId": f"c-{from_id}",
            "context": {"INVALID_OBJECT_IDS": [f"COMPANY={to_id}"]},
        }
        return httpx.Response(400, json=body, headers=headers)
    if "/default/" in request.url.path:
        return httpx.Response(200, json=_DEFAULT_BODY, headers=headers)
    specs = json.loads(request.content)
    assert specs[0]["associationCategory"] in ("HUBSPOT_DEFINED", "USER_DEFINED")
    body = {"fromObjectTypeId": "0-1", "fromObjectId": from_id, "toObjectTypeId": "0-2", "toObjectId": to_id}
    return httpx.Response(201, json={**body, "labels": []}, headers=headers)


# These are the row engine's tests: one request per row (max_batch_size=1 makes associate_many's batch_size 1).
# Batches: tests/test_bulk_batches.py.


def _sync_client(handler: object = _handler, **kwargs: object) -> HubSpotAssociations:
    kwargs.setdefault("max_batch_size", 1)
    http = httpx.Client(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    return HubSpotAssociations("pat-test-token", http_client=http, **kwargs)  # type: ignore[arg-type]


def _async_client(handler: object = _handler, **kwargs: object) -> AsyncHubSpotAssociations:
    kwargs.setdefault("max_batch_size", 1)
    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]
    return AsyncHubSpotAssociations("pat-test-token", http_client=http, **kwargs)  # type: ignore[arg-type]


def _mixed_rows() -> list[AssociationRow]:
    return [
        AssociationRow("contacts", 1, "companies", 2),
        AssociationRow("contacts", "3", "companies", "4", [1]),
        AssociationRow("contacts", 5, "companies", 6, AssociationSpec("USER_DEFINED", 36), line=7),
        AssociationRow("contacts", "abc", "companies", 6),
        AssociationRow("cars", 1, "companies", 6),
        AssociationRow("contacts", 8, "companies", 404404),
    ]


def _check_mixed(outcomes: list[AssociationOutcome]) -> None:
    by_index = {o.index: o for o in outcomes}
    assert sorted(by_index) == list(range(6))
    assert [by_index[i].ok for i in range(6)] == [True, True, True, False, False, False]
    assert by_index[0].attempts == 1 and by_index[0].correlation_id == "corr-1"
    assert isinstance(by_index[1].result, LabelsBetweenObjectPair)
    assert by_index[2].row.line == 7
    invalid = by_index[3]
    assert isinstance(invalid.error, InvalidInputError) and invalid.error.argument == "from_object_id"
    assert invalid.attempts == 0 and invalid.error_category == "INVALID_INPUT" and invalid.status_code is None
    assert isinstance(by_index[4].error, InvalidInputError)
    refused = by_index[5]
    assert isinstance(refused.error, BadRequestError)
    assert refused.status_code == 400 and refused.error_category == "VALIDATION_ERROR"
    assert refused.correlation_id == "c-8" and refused.attempts == 1
    assert refused.message is not None and "COMPANY=404404" in refused.message


def test_row_defaults_and_spec_coercion() -> None:
    row = AssociationRow("contacts", 1, "companies", 2, [279, AssociationSpec("USER_DEFINED", 36)])
    assert row.specs == (AssociationSpec.hubspot_defined(279), AssociationSpec("USER_DEFINED", 36))
    assert not row.is_default and AssociationRow("contacts", 1, "companies", 2).is_default
    with pytest.raises(InvalidInputError):
        AssociationRow("contacts", 1, "companies", 2, [0])


def test_sync_one_outcome_per_row_with_typed_errors() -> None:
    with _sync_client() as client:
        outcomes = list(client.associate_many(_mixed_rows(), concurrency=3))
    _check_mixed(outcomes)


async def test_async_one_outcome_per_row_with_typed_errors() -> None:
    async with _async_client() as client, client.associate_many(_mixed_rows(), concurrency=3) as run:
        outcomes = [o async for o in run]
    _check_mixed(outcomes)


async def test_async_run_must_be_entered_before_anything_is_sent() -> None:
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return _handler(request)

    async with _async_client(handler) as client:
        run = client.associate_many(_mixed_rows())
        with pytest.raises(TypeError, match=r"async with client\.associate_many"):
            [o async for o in run]  # type: ignore[attr-defined]
        async with run as outcomes:
            assert len([o async for o in outcomes]) == 6
        with pytest.raises(RuntimeError, match="already entered"):
            async with run:
                pass
    assert len(sent) == 4  # the two invalid rows are never sent


async def test_async_accepts_async_iterables() -> None:
    async def rows() -> AsyncIterator[AssociationRow]:
        for number in range(1, 21):
            yield AssociationRow("contacts", number, "companies", number)

    async with _async_client() as client, client.associate_many(rows(), concurrency=4) as run:
        outcomes = [o async for o in run]
    assert sorted(o.index for o in outcomes) == list(range(20)) and all(o.ok for o in outcomes)


def test_not_a_row_is_a_failed_outcome() -> None:
    with _sync_client() as client:
        [outcome] = client.associate_many([("contacts", 1, "companies", 2)])  # type: ignore[list-item]
    assert isinstance(outcome.error, InvalidInputError) and outcome.error.argument == "row"


def test_none_rows_are_failed_outcomes_not_the_end_of_input() -> None:
    rows = [None, AssociationRow("contacts", 1, "companies", 2), None]
    with _sync_client() as client:
        outcomes = sorted(client.associate_many(rows, concurrency=2), key=lambda o: o.index)  # type: ignore[arg-type]
    assert [o.ok for o in outcomes] == [False, True, False]


def _failing_rows() -> Iterator[AssociationRow]:
    for number in range(1, 6):
        yield AssociationRow("contacts", number, "companies", number)
    raise ValueError("row source broke")


def test_sync_a_failing_row_source_raises_and_stops_every_worker() -> None:
    before = {thread.name for thread in threading.enumerate()}
    with _sync_client() as client, pytest.raises(ValueError, match="row source broke"):
        list(client.associate_many(_failing_rows(), concurrency=3))
    assert not [t for t in threading.enumerate() if t.name.startswith("hubspot-bulk") and t.name not in before]


async def test_async_a_failing_row_source_raises_and_stops_every_worker() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return _handler(request)

    seen: list[AssociationOutcome] = []
    async with _async_client(handler) as client:
        with pytest.raises(ValueError, match="row source broke"):
            async with client.associate_many(_failing_rows(), concurrency=3) as run:
                async for outcome in run:
                    seen.append(outcome)
        # The exception is the caller's own (not an ExceptionGroup), and it comes after the outcome of every row the
        # source gave before failing: nothing taken is dropped, nothing starts after.
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
    assert sorted(o.index for o in seen) == list(range(5)) and all(o.ok for o in seen)
    assert len(sent) == 5


class _SlowServer:
    """Answers after ``release`` is set; counts requests started, and those cancelled while in flight."""

    def __init__(self) -> None:
        self.started = 0
        self.cancelled = 0
        self.release = anyio.Event()

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.started += 1
        try:
            if request.url.path.endswith(f"/{_SLOW_ID}"):
                await self.release.wait()
        except anyio.get_cancelled_exc_class():
            self.cancelled += 1
            raise
        return _handler(request)


_SLOW_ID = 777777


def _slow_rows(fast: int) -> Iterator[AssociationRow]:
    """``fast`` rows answered at once, then rows the server holds until released."""
    for number in itertools.count(1):
        yield AssociationRow("contacts", number, "companies", _SLOW_ID if number > fast else number)


async def _until(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(5):
        while not condition():
            await anyio.sleep(0)


@pytest.mark.filterwarnings("error")  # no "coroutine ... was never awaited", no unraisable exceptions
async def test_async_leaving_the_block_cancels_rows_in_flight_at_once() -> None:
    server = _SlowServer()
    async with _async_client(server) as client:
        with anyio.fail_after(5):  # prompt: nothing waits for the held answers
            async with client.associate_many(_slow_rows(3), concurrency=4) as run:
                firsts = [await anext(run) for _ in range(3)]
                await _until(lambda: server.started == 7)
            # The block is left after 3 outcomes, with 4 rows held by the server.
        in_flight_when_left = server.started - 3
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
    assert [o.ok for o in firsts] == [True] * 3
    assert in_flight_when_left == 4 and server.cancelled == 4
    assert server.started == 7  # nothing started after the block was left
    gc.collect()


@pytest.mark.filterwarnings("error")
async def test_async_a_cancelled_consumer_stops_every_worker() -> None:
    server = _SlowServer()
    seen: list[AssociationOutcome] = []

    async def consume(client: AsyncHubSpotAssociations) -> None:
        async with client.associate_many(_slow_rows(2), concurrency=3) as run:
            async for outcome in run:
                seen.append(outcome)

    async with _async_client(server) as client:
        async with anyio.create_task_group() as group:  # the consumer is cancelled while it waits for an outcome
            group.start_soon(consume, client)
            # Both fast outcomes have reached the consumer (not merely been answered) and the three slow rows are held.
            await _until(lambda: len(seen) == 2 and server.started == 5)
            group.cancel_scope.cancel()
        started = server.started
        server.release.set()
        for _ in range(20):
            await anyio.lowlevel.checkpoint()
    assert len(seen) == 2 and server.cancelled == 3 and server.started == started == 5
    gc.collect()


async def test_async_a_timeout_around_one_outcome_leaves_the_run_usable() -> None:
    # A deadline around a single anext() (a pattern that breaks an async generator holding a task group).
    server = _SlowServer()
    async with _async_client(server) as client, client.associate_many(_slow_rows(1), concurrency=2) as run:
        first = await anext(run)
        with anyio.move_on_after(0.05) as scope:
            await anext(run)
        assert scope.cancelled_caught
        server.release.set()
        with anyio.fail_after(5):
            second = await anext(run)
    assert first.ok and first.index == 0 and second.ok


@pytest.mark.parametrize("concurrency", [0, -1, True, 1.5])
def test_concurrency_is_validated(concurrency: object) -> None:
    with _sync_client() as client, pytest.raises(InvalidInputError):
        client.associate_many([], concurrency=concurrency)  # type: ignore[arg-type]


def test_retried_rows_report_their_attempts() -> None:
    calls: dict[str, int] = {}

    def flaky(request: httpx.Request) -> httpx.Response:
        calls[request.url.path] = calls.get(request.url.path, 0) + 1
        if calls[request.url.path] == 1:
            return httpx.Response(503, json={"status": "error", "message": "busy"})
        return _handler(request)

    with _sync_client(flaky) as client:
        [outcome] = client.associate_many([AssociationRow("contacts", 1, "companies", 2)])
    assert outcome.ok and outcome.attempts == 2


class _CountingRows:
    """A generator of rows that records how many were pulled."""

    def __init__(self, count: int | None) -> None:
        self.pulled = 0
        self._count = count

    def __iter__(self) -> Iterator[AssociationRow]:
        numbers = itertools.count(1) if self._count is None else range(1, self._count + 1)
        for number in numbers:
            self.pulled += 1
            yield AssociationRow("contacts", number, "companies", number)


def test_sync_50k_row_generator_is_consumed_lazily() -> None:
    concurrency = 16
    rows = _CountingRows(50_000)
    seen = 0
    with _sync_client() as client:
        outcomes = client.associate_many(iter(rows), concurrency=concurrency)
        for outcome in outcomes:
            assert outcome.ok
            seen += 1
            # Never more than the rows in flight and the outcomes waiting for us: the input is not materialised.
            assert rows.pulled - seen <= 2 * concurrency
            if seen == 3_000:
                break
        outcomes.close()  # type: ignore[attr-defined]
    assert rows.pulled <= 3_000 + 2 * concurrency


def test_sync_every_row_gets_exactly_one_outcome() -> None:
    rows = _CountingRows(2_000)
    with _sync_client() as client:
        indexes = [o.index for o in client.associate_many(iter(rows), concurrency=8)]
    assert sorted(indexes) == list(range(2_000))


def test_sync_infinite_input_can_be_stopped() -> None:
    rows = _CountingRows(None)
    with _sync_client() as client:
        outcomes = client.associate_many(iter(rows), concurrency=4)
        first = list(itertools.islice(outcomes, 100))
        outcomes.close()  # type: ignore[attr-defined]
    assert len(first) == 100 and rows.pulled <= 100 + 2 * 4


async def test_async_input_is_consumed_lazily() -> None:
    concurrency = 8
    rows = _CountingRows(2_000)
    seen = 0
    async with _async_client() as client, client.associate_many(iter(rows), concurrency=concurrency) as run:
        async for outcome in run:
            assert outcome.ok
            seen += 1
            assert rows.pulled - seen <= 2 * concurrency
    assert seen == 2_000


def test_paced_to_the_servers_limit_without_429s() -> None:
    config = EmulatorConfig(rate_limit=20, rate_window_s=1.0, seed=1)
    with run_emulator_in_thread(config) as emulator:
        contacts = emulator.state.object_ids("0-1")[:50]
        companies = emulator.state.object_ids("0-2")[:50]
        rows = [AssociationRow("contacts", c, "companies", k) for c, k in zip(contacts, companies, strict=True)]
        # No configured limit: the client adopts 20/1 s from the first responses' headers.
        with HubSpotAssociations(emulator.token, base_url=emulator.base_url) as client:
            outcomes = list(client.associate_many(rows, concurrency=8, batch_size=1))
        # No 429 reaches the caller. The server itself may serve one when the machine is loaded: a request whose
        # predecessor (a limit earlier) is still unanswered is paced on the slowest recent answer, an estimate.
        assert all(o.ok for o in outcomes)
        assert emulator.state.counts_by_status.get(429, 0) <= 1
        assert emulator.state.put_count == 50


async def test_async_a_programming_error_reaches_the_caller_as_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    # Anything that is not a row's failure (a bug) stops the run and is raised as it is, not as an ExceptionGroup.
    original = bulk_async_module._run_unit

    async def broken(
        client: AsyncHubSpotAssociations, unit: Unit, state: RunState, stop: anyio.Event | None, outcomes: Any
    ) -> None:
        if unit.entries[0][0] == 3:
            raise RuntimeError("bug in row handling")
        await original(client, unit, state, stop, outcomes)

    monkeypatch.setattr(bulk_async_module, "_run_unit", broken)
    rows = _CountingRows(None)  # endless: only the stop ends the run
    async with _async_client() as client:
        with anyio.fail_after(5), pytest.raises(RuntimeError, match="bug in row handling"):
            async with client.associate_many(iter(rows), concurrency=2) as run:
                async for _ in run:
                    pass
    assert rows.pulled <= 3 + 1 + 2 * 2


def _slow_down_for_a_minute(sent: list[str]) -> Callable[[httpx.Request], httpx.Response]:
    """A server that answers every request 429 with ``Retry-After: 60``, noting each path in ``sent``."""

    def limited(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        body = {"status": "error", "message": "slow down", "category": "RATE_LIMITS", "policyName": "SECONDLY"}
        return httpx.Response(429, json=body, headers={"Retry-After": "60"})

    return limited


def test_sync_stop_ends_a_retry_wait_at_once_and_takes_no_new_rows() -> None:
    sent: list[str] = []

    limited = _slow_down_for_a_minute(sent)
    rows = _CountingRows(None)
    stop = threading.Event()
    with _sync_client(limited, timeout=120.0) as client:  # a budget the 30 s (capped) retry wait fits in
        timer = threading.Timer(0.3, stop.set)
        timer.start()
        outcomes = list(client.associate_many(iter(rows), concurrency=2, stop=stop, grace=0.5))
        timer.cancel()
    # Every row taken ended in its 60 s retry wait, as a StoppedError that counts the attempt sent.
    assert outcomes and all(isinstance(o.error, StoppedError) for o in outcomes)
    assert all(o.attempts == 1 for o in outcomes) and len(sent) == len(outcomes) <= 2
    assert rows.pulled == len(outcomes)


def test_sync_the_first_row_goes_alone_so_a_run_wide_failure_stops_after_one_request() -> None:
    sent: list[str] = []

    def unauthorized(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        body = {"status": "error", "message": "bad token", "category": "INVALID_AUTHENTICATION"}
        return httpx.Response(401, json=body)

    stop = threading.Event()
    seen = []
    # On a FakeClock the solo phase lasts until the first outcome, however slow the machine.
    with _sync_client(unauthorized, **clock_seams(FakeClock())) as client:
        for outcome in client.associate_many(iter(_CountingRows(200)), concurrency=8, stop=stop):
            seen.append(outcome)
            failure = run_wide_failure(outcome.error)
            assert failure is not None and failure.kind == "AUTHENTICATION" and not failure.object_pair_only
            stop.set()
    assert len(seen) == 1 and len(sent) == 1


def test_sync_a_first_row_slower_than_a_second_lets_the_other_workers_start() -> None:
    clock = FakeClock()
    first_held, started = threading.Event(), threading.Semaphore(0)

    def handler(request: httpx.Request) -> httpx.Response:
        started.release()
        if request.url.path.endswith("/1/associations/default/companies/2"):  # the first row: held for a while
            first_held.set()
            assert release.wait(10)
        return _handler(request)

    release = threading.Event()
    rows = [AssociationRow("contacts", n, "companies", n + 1) for n in range(1, 40, 2)]
    with _sync_client(handler, **clock_seams(clock)) as client:
        run = client.associate_many(iter(rows), concurrency=4)
        first = threading.Thread(target=lambda: outcomes.extend(run), daemon=True)
        outcomes: list[AssociationOutcome] = []
        first.start()
        assert first_held.wait(10) and started.acquire(timeout=10)
        # Alone while the first row is out, for longer than _SOLO_S of real time: the client's clock decides.
        assert not started.acquire(timeout=1.5)
        clock.now += 1.0  # _SOLO_S later, the first row still out: the others start without it
        assert started.acquire(timeout=10)
        release.set()
        first.join(10)
    assert sorted(o.index for o in outcomes) == list(range(len(rows))) and all(o.ok for o in outcomes)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (401, {"category": "EXPIRED_AUTHENTICATION", "message": "expired"}, "AUTHENTICATION"),
        (403, {"category": "MISSING_SCOPES", "message": "no", "context": {"requiredScopes": ["x"]}}, "MISSING_SCOPES"),
        (403, {"category": "FORBIDDEN", "message": "not this record"}, None),
        (429, {"policyName": "DAILY", "message": "daily"}, "DAILY_LIMIT"),
        (429, {"policyName": "SECONDLY", "message": "slow"}, None),
        (400, {"category": "VALIDATION_ERROR", "message": "bad id"}, None),
        (503, {"message": "busy"}, None),
    ],
)
def test_run_wide_failure_classification(status: int, body: dict[str, object], kind: str | None) -> None:
    error = error_from_response(httpx.Response(status, json={"status": "error", **body}))
    failure = run_wide_failure(error)
    assert (failure.kind if failure else None) == kind
    assert run_wide_failure(None) is None and run_wide_failure(OAuthRefreshError("refused")) is not None


async def test_async_stop_ends_a_retry_wait_at_once_and_takes_no_new_rows() -> None:
    # The async twin of the sync test above: every row taken ends in its 60 s retry wait, as a StoppedError.
    sent: list[str] = []

    limited = _slow_down_for_a_minute(sent)
    rows = _CountingRows(None)
    stop = anyio.Event()
    outcomes: list[AssociationOutcome] = []
    # A budget the 30 s (capped) retry wait fits in: the stop, not the deadline, must end it.
    async with _async_client(limited, timeout=120.0) as client, anyio.create_task_group() as group:

        async def stop_soon() -> None:
            await _until(lambda: bool(sent))
            # Once every other task is blocked, the first row is in its retry wait and the second waits for the
            # pacer (or retries): an ordering, not a guess at how long that takes.
            await anyio.wait_all_tasks_blocked()
            stop.set()

        group.start_soon(stop_soon)
        with anyio.fail_after(10):  # a hang guard: without stop the run would wait 60 s per row, forever
            async with client.associate_many(iter(rows), concurrency=2, stop=stop, grace=0.5) as run:
                outcomes = [outcome async for outcome in run]
    assert outcomes and all(isinstance(o.error, StoppedError) for o in outcomes)
    assert 1 <= len(sent) <= 2 and sum(o.attempts for o in outcomes) == len(sent)  # each attempt sent is counted
    # Each row taken from the input has an outcome: those in workers (sent, or paced) and at most one the feed held.
    assert rows.pulled == len(outcomes) <= 3


async def test_async_stop_gives_requests_on_the_wire_their_grace_then_ends_without_them() -> None:
    # Row 1 answers after the stop (inside the grace): confirmed. Row 2 never answers: cut off after the grace,
    # neither confirmed nor failed. Row 3, taken from the input while both workers were busy, is not attempted.
    stop = anyio.Event()
    sent: list[str] = []

    async def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        if "/contacts/2/" in request.url.path:
            await anyio.sleep_forever()
        await stop.wait()
        await anyio.wait_all_tasks_blocked()  # the run has seen the stop and is in its grace
        return _handler(request)

    rows = _CountingRows(None)
    async with _async_client(handler) as client, anyio.create_task_group() as group:

        async def stop_soon() -> None:
            await _until(lambda: len(sent) == 2)
            stop.set()

        group.start_soon(stop_soon)
        with anyio.fail_after(10):  # a hang guard: without the grace cut-off row 2 holds the run for an hour
            async with client.associate_many(iter(rows), concurrency=2, stop=stop, grace=1.0) as run:
                outcomes = {outcome.row.from_object_id: outcome async for outcome in run}
    assert outcomes[1].ok and outcomes[1].attempts == 1
    assert isinstance(outcomes[3].error, StoppedError) and outcomes[3].attempts == 0
    assert set(outcomes) == {1, 3} and rows.pulled == 3 and len(sent) == 2


async def test_async_stop_and_grace_are_checked_before_anything_is_sent() -> None:
    async with _async_client() as client:
        with pytest.raises(InvalidInputError, match="stop"):
            client.associate_many([], stop=threading.Event())  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError, match="grace"):
            client.associate_many([], stop=anyio.Event(), grace=-1)


# -- a row's budget is its own: waiting its turn is never charged to it (fake clock, nothing sleeps) ---------------

_LIMITED = httpx.Response(
    429,
    json={"status": "error", "message": "ten_secondly_rolling", "errorType": "RATE_LIMIT",
          "policyName": "TEN_SECONDLY_ROLLING"},
    headers={"X-HubSpot-RateLimit-Max": "10", "X-HubSpot-RateLimit-Remaining": "0",
             "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"},
)  # fmt: skip


def _rows(count: int) -> list[AssociationRow]:
    return [AssociationRow("contacts", number, "companies", 202, [279]) for number in range(1, count + 1)]


def test_sync_a_rows_budget_starts_when_it_may_be_sent() -> None:
    # One send per 10 s window and a 5 s budget: every row after the first waits 10 s (and more) for its turn.
    clock = FakeClock()
    server = Server()
    seams = clock_seams(clock)
    with HubSpotAssociations("pat-test-token", http_client=server.http(), timeout=5.0, rate_limit=1, **seams) as client:
        outcomes = list(client.associate_many(_rows(5), concurrency=1, batch_size=1))
        assert [outcome.ok for outcome in outcomes] == [True] * 5 and server.calls == 5
        assert clock.now - 1000.0 >= 40.0  # four waits of a window each, none taken from a row's 5 s
        # A single call keeps its whole-call budget, its wait for the pacer included, and says so.
        with pytest.raises(APITimeoutError) as info:
            client.associate("contacts", 9, "companies", 202, 279)
    assert "a single call's budget includes its wait" in str(info.value) and info.value.attempts == 0


async def test_async_a_rows_budget_starts_when_it_may_be_sent() -> None:
    clock = FakeClock()
    server = Server()
    seams = clock_seams(clock, asynchronous=True)
    http = server.async_http()
    client = AsyncHubSpotAssociations("pat-test-token", http_client=http, timeout=5.0, rate_limit=1, **seams)
    async with client, client.associate_many(_rows(6), concurrency=3, batch_size=1) as run:
        outcomes = [outcome async for outcome in run]
    assert [outcome.message for outcome in outcomes if not outcome.ok] == []
    assert server.calls == 6


def test_a_429_for_the_rolling_window_is_a_turn_lost_not_a_retry_of_the_row() -> None:
    # Six 429s in a row (another client keeps the window spent), then room: with max_retries=1 the row still gets
    # through, its attempts counted; a single call has only its retries.
    clock = FakeClock()
    server = Server(*[_LIMITED] * 6, httpx.Response(201, json=PAIR))
    with HubSpotAssociations(
        "pat-test-token", http_client=server.http(), max_retries=1, timeout=5.0, **clock_seams(clock)
    ) as client:
        [outcome] = client.associate_many(_rows(1))
        assert outcome.ok and outcome.attempts == 7
        # Each 429 waits for the window's end (10 s and its 0.5 % headroom), not beyond, and not from the budget.
        assert max(clock.waits) <= 10.05 + 1e-9
        server.replies = [_LIMITED]
        server.requests.clear()
        with pytest.raises(RateLimitError) as info:
            client.associate("contacts", 1, "companies", 202, 279, timeout=60.0)
    assert info.value.attempts == 2 and server.calls == 2
