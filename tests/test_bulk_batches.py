"""associate_many on batches: every row its exact outcome, whatever the answers (a fake server, the emulator).

The fake server gives each row a fate (confirmed; refused by name; left out of its batch's answer; poisoning any
batch it is in with a whole-batch 400) and each request a hiccup (none, a 503, an error item naming nobody); the
property: every row gets exactly one outcome, confirmed rows are exactly the good ones, refused rows carry the
reason HubSpot gave for them, and no row HubSpot confirmed is ever sent again.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import Counter
from collections.abc import Iterator, Sequence
from typing import Any

import anyio
import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    APIConnectionError,
    AssociationOutcome,
    AssociationRow,
    AsyncHubSpotAssociations,
    AuthenticationError,
    BadRequestError,
    BatchInputError,
    BatchOutcome,
    BulkStats,
    HubSpotAssociations,
    InvalidInputError,
    ServerError,
    StoppedError,
    run_wide_failure,
)
from hubspot_associations._bulk._batches import HOLD_BATCHES, Batcher, RunState, Unit
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.support import FakeClock, clock_seams, pair_result

FATES = ("ok", "bad", "lost", "poison")
HICCUPS = ("none", "none", "none", "503", "orphan")


class FakeHubSpot:
    """contacts -> companies, batch/create and the single labelled PUT; thread-safe; records what was confirmed."""

    def __init__(self, fates: list[str], hiccups: list[str]) -> None:
        self.fates = {str(1000 + number): fate for number, fate in enumerate(fates)}
        self.hiccups = itertools.cycle(hiccups or ["none"])
        self.lock = threading.Lock()
        self.confirmed: set[str] = set()  # from ids an answer confirmed
        self.resent_after_confirmed: list[str] = []
        self.requests = 0
        self.batches = 0  # batch requests (attempts)

    def _sent(self, from_id: str) -> None:
        if from_id in self.confirmed:
            self.resent_after_confirmed.append(from_id)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.requests += 1
            batch = request.url.path.endswith("/batch/create")
            self.batches += batch
            hiccup = next(self.hiccups)
            if hiccup == "503":
                return httpx.Response(503, json={"status": "error", "message": "busy"})
            if batch:
                return self._batch(json.loads(request.content)["inputs"], orphan=hiccup == "orphan")
            parts = request.url.path.split("/")
            return self._single(parts[5], parts[-1])

    def _batch(self, inputs: list[dict[str, Any]], *, orphan: bool) -> httpx.Response:
        pairs = [(item["from"]["id"], item["to"]["id"]) for item in inputs]
        for from_id, _ in pairs:
            self._sent(from_id)
        if any(self.fates[from_id] == "poison" for from_id, _ in pairs):
            body = {"status": "error", "message": "Invalid input JSON on line 1", "category": "VALIDATION_ERROR"}
            return httpx.Response(400, json=body)
        results, errors = [], []
        for from_id, to_id in pairs:
            fate = self.fates[from_id]
            if fate == "ok":
                results.append(pair_result(int(from_id), to_id))
                self.confirmed.add(from_id)
            elif fate == "bad":
                errors.append(
                    {
                        "status": "error",
                        "category": "VALIDATION_ERROR",
                        "message": f"{to_id} is not a valid ID",
                        "context": {"id": [to_id]},
                    }
                )
        if orphan:
            errors.append({"status": "error", "category": "VALIDATION_ERROR", "message": "something went wrong"})
        status = 207 if errors else 201
        answer: dict[str, Any] = {"status": "COMPLETE", "results": results, "errors": errors, "numErrors": len(errors)}
        return httpx.Response(
            status, json={**answer, "startedAt": "2026-01-01T00:00:00Z", "completedAt": "2026-01-01T00:00:01Z"}
        )

    def _single(self, from_id: str, to_id: str) -> httpx.Response:
        self._sent(from_id)
        if self.fates[from_id] in ("bad", "poison"):
            body = {
                "status": "error",
                "message": f"{self.fates[from_id]} row",
                "category": "VALIDATION_ERROR",
                "context": {"INVALID_OBJECT_IDS": [f"COMPANY={to_id}"]},
            }
            return httpx.Response(400, json=body)
        self.confirmed.add(from_id)
        return httpx.Response(201, json=pair_result(from_id, to_id))


def _rows(count: int) -> list[AssociationRow]:
    # Distinct ids on both sides: an error item naming one id names one row.
    return [AssociationRow("contacts", 1000 + n, "companies", 5000 + n, [1], line=n + 2) for n in range(count)]


def _check(outcomes: list[AssociationOutcome], fates: list[str], server: FakeHubSpot) -> None:
    by_index: dict[int, AssociationOutcome] = {}
    for outcome in outcomes:
        assert outcome.index not in by_index, "a row got two outcomes"
        by_index[outcome.index] = outcome
    assert sorted(by_index) == list(range(len(fates))), "a row got no outcome"
    for index, fate in enumerate(fates):
        outcome = by_index[index]
        if isinstance(outcome.error, ServerError):  # the 503s outlasted the retries: the request's error
            assert fate != "ok" or str(1000 + index) not in server.confirmed
            continue
        assert outcome.ok == (fate in ("ok", "lost")), (fate, outcome)
        if fate == "bad":
            assert isinstance(outcome.error, BatchInputError | BadRequestError)
            assert "5" + f"{index:03d}" in (outcome.message or "") or "bad row" in (outcome.message or "")
        if fate == "poison":
            assert isinstance(outcome.error, BadRequestError) and outcome.error.message == "poison row"
    assert server.resent_after_confirmed == [], "a row HubSpot confirmed was sent again"


RUNS = (
    st.lists(st.sampled_from(FATES), min_size=1, max_size=40),  # each row's fate
    st.lists(st.sampled_from(HICCUPS), max_size=8),  # each request's hiccup, in turn
    st.integers(min_value=1, max_value=12),  # batch size
    st.integers(min_value=1, max_value=3),  # concurrency
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*RUNS)
def test_every_row_gets_its_exact_outcome_whatever_the_answers(
    fates: list[str], hiccups: list[str], batch_size: int, concurrency: int
) -> None:
    server = FakeHubSpot(fates, hiccups)
    stats = BulkStats()
    http = httpx.Client(transport=httpx.MockTransport(server))
    seams = clock_seams(FakeClock())
    with HubSpotAssociations("pat-test", http_client=http, max_batch_size=12, **seams) as client:
        run = client.associate_many(_rows(len(fates)), concurrency=concurrency, batch_size=batch_size, stats=stats)
        outcomes = list(run)
    _check(outcomes, fates, server)
    assert stats.requests == server.requests and stats.batches <= server.batches
    if batch_size == 1:
        assert server.batches == 0 and server.requests >= len(fates)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(FATES), min_size=1, max_size=30),
    st.lists(st.sampled_from(HICCUPS), max_size=6),
    st.integers(min_value=2, max_value=10),
)
def test_the_async_client_gives_the_same_outcomes(fates: list[str], hiccups: list[str], batch_size: int) -> None:
    server = FakeHubSpot(fates, hiccups)

    async def main() -> list[AssociationOutcome]:
        http = httpx.AsyncClient(transport=httpx.MockTransport(server))
        seams = clock_seams(FakeClock(), asynchronous=True)
        async with (
            AsyncHubSpotAssociations("pat-test", http_client=http, **seams) as client,
            client.associate_many(_rows(len(fates)), concurrency=3, batch_size=batch_size) as run,
        ):
            return [outcome async for outcome in run]

    _check(anyio.run(main), fates, server)


def test_a_poisoned_row_costs_a_few_requests_not_its_neighbours() -> None:
    fates = ["ok"] * 100
    fates[37] = "poison"
    server = FakeHubSpot(fates, [])
    stats = BulkStats()
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        outcomes = list(client.associate_many(_rows(100), batch_size=100, stats=stats))
    _check(outcomes, fates, server)
    # Halves containing row 37: 100, [0, 50), [25, 50), [37, 50), [37, 43), [37, 40), then row 37 alone: each
    # split costs its two halves; at most log2(100) splits, not 99 neighbours sent alone.
    assert stats.splits == 6 and stats.requests == 1 + 2 * 6 and stats.resent_alone == 1
    assert [o.index for o in outcomes if not o.ok] == [37]


def test_unconfirmed_rows_are_sent_again_alone() -> None:
    fates = ["ok", "lost", "ok", "bad", "lost"]
    server = FakeHubSpot(fates, [])
    stats = BulkStats()
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        outcomes = list(client.associate_many(_rows(5), batch_size=5, stats=stats))
    _check(outcomes, fates, server)
    assert (stats.requests, stats.batches, stats.resent_alone) == (3, 1, 2)
    confirmed_by_batch = {o.index for o in outcomes if isinstance(o.result, BatchOutcome)}
    assert confirmed_by_batch == {0, 2}
    bad = next(o for o in outcomes if o.index == 3)
    assert isinstance(bad.error, BatchInputError) and bad.error_category == "VALIDATION_ERROR"
    assert bad.message == "VALIDATION_ERROR: 5003 is not a valid ID"


def test_a_wrong_token_costs_one_request_and_the_run_stops() -> None:
    calls: list[str] = []

    def refused(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(
            401, json={"status": "error", "message": "bad token", "category": "INVALID_AUTHENTICATION"}
        )

    stop = threading.Event()
    seen: list[AssociationOutcome] = []
    http = httpx.Client(transport=httpx.MockTransport(refused))
    with HubSpotAssociations("pat-wrong", http_client=http, **clock_seams(FakeClock())) as client:  # solo till answered
        for outcome in client.associate_many(_rows(450), concurrency=4, batch_size=100, stop=stop):
            seen.append(outcome)
            if run_wide_failure(outcome.error) is not None:
                stop.set()
    assert len(calls) == 1
    refused_rows = [o for o in seen if isinstance(o.error, AuthenticationError)]
    assert len(refused_rows) == 100
    assert all(isinstance(o.error, StoppedError) and o.attempts == 0 for o in seen if o not in refused_rows)
    assert len({o.index for o in seen}) == len(seen)


def test_a_batchs_budget_starts_when_it_may_be_sent() -> None:
    # One request per 10 s window and a 5 s budget: every batch after the first waits a window (and more) for its
    # turn at the pacer; none is charged for it (issue 24's guarantee, for batches).
    server = FakeHubSpot(["ok"] * 40, [])
    clock = FakeClock()
    http = httpx.Client(transport=httpx.MockTransport(server))
    with HubSpotAssociations("pat-test", http_client=http, timeout=5.0, rate_limit=1, **clock_seams(clock)) as c:
        outcomes = list(c.associate_many(_rows(40), concurrency=3, batch_size=10))
    assert [o.message for o in outcomes if not o.ok] == [] and server.requests == 4
    assert clock.now - 1000.0 >= 30.0


class _CountingRows:
    def __init__(self, count: int) -> None:
        self.pulled = 0
        self._count = count

    def __iter__(self) -> Iterator[AssociationRow]:
        for number in range(self._count):
            self.pulled += 1
            yield AssociationRow("contacts", 1000 + number % 40, "companies", 5000 + number % 40, [1])


def test_memory_stays_flat_rows_are_held_only_while_their_batch_is_in_flight() -> None:
    server = FakeHubSpot(["ok"] * 40, [])
    rows = _CountingRows(20_000)
    concurrency, batch_size = 3, 50
    seen = 0
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        for _ in client.associate_many(iter(rows), concurrency=concurrency, batch_size=batch_size):
            seen += 1
            # Units in flight or waiting for the caller (2 x concurrency slots), plus what the batcher may hold.
            assert rows.pulled - seen <= 2 * concurrency * batch_size + HOLD_BATCHES * batch_size + 1
    assert seen == 20_000


def test_a_stop_reports_rows_held_for_a_batch_not_attempted() -> None:
    server = FakeHubSpot(["ok"] * 40, [])
    stop = threading.Event()
    outcomes: list[AssociationOutcome] = []
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        rows = _CountingRows(10_000)
        for outcome in client.associate_many(iter(rows), concurrency=2, batch_size=30, stop=stop):
            outcomes.append(outcome)
            if len(outcomes) == 45:
                stop.set()
    indexes = [o.index for o in outcomes]
    assert sorted(indexes) == list(range(rows.pulled)), "every row taken from the input has its outcome"
    assert rows.pulled < 10_000
    stopped = [o for o in outcomes if isinstance(o.error, StoppedError)]
    assert all(o.attempts == 0 for o in stopped)
    assert all(o.ok for o in outcomes if o not in stopped)


def test_the_batcher_groups_by_operation_and_pair_and_holds_a_bounded_number_of_rows() -> None:
    batcher = Batcher(RunState(2, None))
    kinds = [("companies", []), ("companies", [1]), ("deals", [])] * 2
    rows = [AssociationRow("contacts", 10 + n, to_type, 20 + n, specs) for n, (to_type, specs) in enumerate(kinds)]
    rows.insert(3, AssociationRow("contacts", "x", "companies", 4))
    taken = [batcher.add(index, row) for index, row in enumerate(rows)]
    invalid = taken[3]
    assert isinstance(invalid, AssociationOutcome) and isinstance(invalid.error, InvalidInputError)
    assert [(unit.key, [i for i, _, _ in unit.entries]) for unit in taken if isinstance(unit, Unit)] == [
        (("associate_default_batch", "contacts", "companies"), [0, 4]),
        (("associate_batch", "contacts", "companies"), [1, 5]),
        (("associate_default_batch", "contacts", "deals"), [2, 6]),
    ]
    # Rows of many pairs (custom object types 2-100, 2-101, ...): past HOLD_BATCHES batches' worth held, the
    # fullest group goes out short, so held rows never pile up; a stop reports the rest not attempted.
    many = Batcher(RunState(2, None))
    many.add(0, AssociationRow("contacts", 1, "2-100", 2))
    results = [many.add(n, AssociationRow("contacts", 1, f"2-{100 + n}", 2)) for n in range(1, 2 * HOLD_BATCHES + 1)]
    assert results[:-1] == [None] * (2 * HOLD_BATCHES - 1)
    short = results[-1]
    assert isinstance(short, Unit) and [i for i, _, _ in short.entries] == [0]
    held = many.drain()
    assert len(held) == 2 * HOLD_BATCHES and all(isinstance(o.error, StoppedError) for o in held)
    assert many.flush() is None


def test_bad_arguments_are_refused_before_anything_is_sent() -> None:
    with HubSpotAssociations("pat-test", max_batch_size=50) as client:
        with pytest.raises(InvalidInputError, match="max_batch_size"):
            client.associate_many([], batch_size=51)
        with pytest.raises(InvalidInputError, match="batch_size"):
            client.associate_many([], batch_size=0)


# -- against the emulator: HubSpot's real per-input errors, its input cap --------------------------------------------


def _emulator_rows(contacts: list[str], companies: list[str]) -> tuple[list[AssociationRow], dict[int, str]]:
    """Good rows, with unknown ids and self-associations among them; the expected reason by index."""
    rows: list[AssociationRow] = []
    bad: dict[int, str] = {}
    for number, (contact, company) in enumerate(zip(contacts, companies, strict=True)):
        if number % 10 == 3:
            bad[len(rows)] = "99999999"
            rows.append(AssociationRow("contacts", contact, "companies", 99999999 - number))
        elif number % 10 == 7:
            # A self-association: refused in a batch (HubSpot's item) and by the single PUT (batch_size=1; the
            # emulator's 400 with the same message, our reading: docs/emulator.md)
            bad[len(rows)] = "itself"
            rows.append(AssociationRow("contacts", contact, "contacts", contact))
        else:
            rows.append(AssociationRow("contacts", contact, "companies", company, [] if number % 2 else [1]))
    return rows, bad


@pytest.mark.parametrize("batch_size", [1, 7, 100])
def test_the_emulator_confirms_the_good_rows_and_names_each_bad_one(batch_size: int) -> None:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=3)) as emulator:
        rows, bad = _emulator_rows(emulator.state.object_ids("0-1")[:60], emulator.state.object_ids("0-2")[:60])
        stats = BulkStats()
        with HubSpotAssociations(emulator.token, base_url=emulator.base_url) as client:
            outcomes = list(client.associate_many(rows, concurrency=4, batch_size=batch_size, stats=stats))
        assert sorted(o.index for o in outcomes) == list(range(len(rows)))
        for outcome in outcomes:
            assert outcome.ok == (outcome.index not in bad), outcome
            if outcome.index in bad:
                contact = outcome.row.from_object_id
                expected = {
                    "99999999": str(outcome.row.to_object_id)[:5],
                    "itself": f"Object {contact} cannot be associated to itself ({contact})",
                }[bad[outcome.index]]
                assert expected in (outcome.message or "")
        good = len(rows) - len(bad)
        assert stats.requests == sum(emulator.state.counts_by_status.values())
        if batch_size == 1:
            assert stats.requests == len(rows)
        else:
            # three groups (default, labelled, contact -> contact): ceil(rows / size) each, bad rows resent alone
            assert stats.requests <= 3 + len(rows) // batch_size + 3 + len(bad)
        assert good == sum(o.ok for o in outcomes)


def test_a_batch_over_the_servers_cap_is_split_and_the_run_goes_on_smaller() -> None:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=3, batch_input_limit=30)) as emulator:
        contacts, companies = emulator.state.object_ids("0-1")[:200], emulator.state.object_ids("0-2")[:200]
        rows = [AssociationRow("contacts", c, "companies", k) for c, k in zip(contacts, companies, strict=True)]
        stats = BulkStats()
        with HubSpotAssociations(emulator.token, base_url=emulator.base_url) as client:
            outcomes = list(client.associate_many(rows, concurrency=1, batch_size=100, stats=stats))
        assert all(o.ok for o in outcomes) and len(outcomes) == 200
        assert stats.batch_size == 30 and stats.cap_note is not None and "30" in stats.cap_note
        # One refused batch of 100, its halves (50: refused again, split; 25 + 25 ...), then batches of 30.
        assert stats.requests <= 12


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.sampled_from(("good", "good", "labelled", "unknown", "itself")), min_size=1, max_size=40),
    st.integers(min_value=1, max_value=15),
    st.integers(min_value=2, max_value=20),
    st.sampled_from((0.0, 0.1, 0.3)),
    st.integers(min_value=0, max_value=2**16),
)
def test_against_the_emulator_every_row_once_whatever_the_faults(
    kinds: list[str], batch_size: int, input_limit: int, fault_rate: float, seed: int
) -> None:
    # The emulator in process (ASGI): HubSpot's per-input errors, its input cap, 500s, 503s and connections that
    # drop after the association was stored (the answer lost: the row is sent again, harmlessly).
    from hubspot_associations.emulator import EmulatorState, create_app

    config = EmulatorConfig(
        rate_limit=None,
        seed=seed,
        fault_rate=fault_rate,
        faults=("500", "503", "drop_after_commit"),
        batch_input_limit=input_limit,
    )
    state = EmulatorState(config)
    contacts, companies = state.object_ids("0-1"), state.object_ids("0-2")
    rows = []
    for number, kind in enumerate(kinds):
        contact, company = contacts[number], companies[number]
        if kind == "unknown":
            rows.append(AssociationRow("contacts", contact, "companies", 99_000_000 + number))
        elif kind == "itself":
            rows.append(AssociationRow("contacts", contact, "contacts", contact, [449]))
        else:
            rows.append(AssociationRow("contacts", contact, "companies", company, [1] if kind == "labelled" else []))

    async def main() -> list[AssociationOutcome]:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(state=state)), base_url="http://e")
        seams = clock_seams(FakeClock(), asynchronous=True)
        async with (
            AsyncHubSpotAssociations("emulator-token", http_client=http, base_url="http://e", **seams) as client,
            client.associate_many(rows, concurrency=3, batch_size=batch_size) as run,
        ):
            return [outcome async for outcome in run]

    outcomes = anyio.run(main)
    assert sorted(o.index for o in outcomes) == list(range(len(rows))), "every row exactly once"
    for outcome in outcomes:
        kind = kinds[outcome.index]
        if kind == "unknown":
            assert not outcome.ok and str(outcome.row.to_object_id) in (outcome.message or "")
        elif kind == "itself":  # refused alike by a batch and by the single PUT (batch_size=1)
            assert not outcome.ok and "cannot be associated to itself" in (outcome.message or ""), outcome
        elif kind in ("good", "labelled") and not outcome.ok:  # only when the faults outlasted the retries
            assert isinstance(outcome.error, ServerError | APIConnectionError), outcome.error


def test_a_2xx_that_is_not_a_batch_answer_sends_each_row_alone() -> None:
    server = FakeHubSpot(["ok", "bad", "ok"], [])

    def garbled(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch/create"):
            return httpx.Response(200, content=b"<html>gateway</html>")
        return server(request)

    stats = BulkStats()
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(garbled))) as client:
        outcomes = list(client.associate_many(_rows(3), batch_size=3, stats=stats))
    _check(outcomes, ["ok", "bad", "ok"], server)
    assert (stats.requests, stats.resent_alone) == (4, 3)


def test_outcome_lists_hand_over_each_answers_rows_together() -> None:
    # What the CLI's journal writes in one go: a batch answer's decided rows arrive as one list, a row sent again
    # alone (left unconfirmed by its batch) in a list of its own; flattened, they are associate_many's outcomes.
    from hubspot_associations._bulk import outcome_lists

    fates = ["ok"] * 250
    fates[7] = fates[160] = "lost"
    fates[9] = "bad"
    server = FakeHubSpot(fates, [])
    with HubSpotAssociations("pat-test", http_client=httpx.Client(transport=httpx.MockTransport(server))) as client:
        lists = list(outcome_lists(client, _rows(250), 2, None, 1.0, 100))
    _check([outcome for decided in lists for outcome in decided], fates, server)
    assert sorted(len(decided) for decided in lists) == [1, 1, 50, 99, 99]
    for decided in lists:
        results = {type(outcome.result) for outcome in decided if outcome.ok}
        assert len(decided) == 1 or results == {BatchOutcome}  # rows sent alone come one by one


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*RUNS)
def test_on_send_announces_each_units_rows_before_any_of_them_is_sent(
    fates: list[str], hiccups: list[str], batch_size: int, concurrency: int
) -> None:
    # What the CLI journals as in flight: every row is announced once, with its unit, before the unit's first
    # request, and every later request of the unit (a retry, a half after a whole-batch 400, a row sent alone)
    # carries only rows announced already.
    from hubspot_associations._bulk import outcome_lists

    server = FakeHubSpot(fates, hiccups)
    lock = threading.Lock()
    announced: Counter[str] = Counter()
    early: list[str] = []  # rows on the wire before they were announced

    def transport(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/batch/create"):
            ids = [item["from"]["id"] for item in json.loads(request.content)["inputs"]]
        else:
            ids = [request.url.path.split("/")[5]]
        with lock:
            early.extend(from_id for from_id in ids if not announced[from_id])
        return server(request)

    def on_send(rows: Sequence[AssociationRow]) -> None:
        with lock:
            announced.update(str(row.from_object_id) for row in rows)

    http = httpx.Client(transport=httpx.MockTransport(transport))
    seams = clock_seams(FakeClock())
    with HubSpotAssociations("pat-test", http_client=http, max_batch_size=12, **seams) as client:
        lists = list(outcome_lists(client, _rows(len(fates)), concurrency, None, 1.0, batch_size, None, on_send))
    _check([outcome for decided in lists for outcome in decided], fates, server)
    assert early == []
    assert announced == Counter(str(1000 + n) for n in range(len(fates)))  # once each, however often it was sent


def test_an_on_send_that_raises_ends_the_run_before_its_unit_is_sent() -> None:
    from hubspot_associations._bulk import outcome_lists

    server = FakeHubSpot(["ok"] * 10, [])

    def on_send(rows: Sequence[AssociationRow]) -> None:
        raise OSError(28, "No space left on device")

    http = httpx.Client(transport=httpx.MockTransport(server))
    with HubSpotAssociations("pat-test", http_client=http) as client, pytest.raises(OSError, match="No space left"):
        list(outcome_lists(client, _rows(10), 4, None, 1.0, 5, None, on_send))
    assert server.requests == 0
