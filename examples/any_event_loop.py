"""The async client on any event loop: the same scenario under asyncio.run, trio.run and anyio.run(backend="trio").

    python examples/any_event_loop.py        # runs the scenario under all three, prints one line per runner

The scenario, against the offline emulator served in process (``httpx.ASGITransport``, no port, no thread):

1. one call;
2. a retried call (the first attempt answers 503 with ``retry-after-ms``);
3. a paced burst: 12 concurrent calls through a 5-per-0.5-s client limit, held to that limit;
4. a 200-row ``associate_many``;
5. an OAuth refresh shared by 20 concurrent tasks (the token URL follows ``base_url``: the emulator's);
6. a bulk run over an endless row source, cancelled by the caller's deadline: it stops at once, nothing more is sent.

``tests/test_any_event_loop.py`` runs it under each runner.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import trio

from hubspot_associations import AssociationRow, AsyncHubSpotAssociations, OAuthRefresh
from hubspot_associations.emulator import EmulatorConfig, EmulatorState, create_app

BASE_URL = "http://emulator"
TOKEN = "emulator-token"
CONTACT, COMPANY = 1000001, 2000001


def _client(
    state: EmulatorState, transport: httpx.AsyncBaseTransport | None = None, **kwargs: object
) -> AsyncHubSpotAssociations:
    http = httpx.AsyncClient(transport=transport or httpx.ASGITransport(app=create_app(state=state)))
    kwargs.setdefault("access_token", TOKEN)
    return AsyncHubSpotAssociations(base_url=BASE_URL, http_client=http, **kwargs)  # type: ignore[arg-type]


class _BusyOnce(httpx.AsyncBaseTransport):
    """Answers the first request with a 503 asking for a 50 ms pause, then passes everything to the emulator."""

    def __init__(self, state: EmulatorState) -> None:
        self._inner = httpx.ASGITransport(app=create_app(state=state))
        self.busy_answers = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.busy_answers == 0:
            self.busy_answers += 1
            return httpx.Response(503, headers={"retry-after-ms": "50"}, json={"status": "error", "message": "busy"})
        return await self._inner.handle_async_request(request)


class _Recorder(httpx.AsyncBaseTransport):
    """Passes every request to the emulator, noting when it was handed over."""

    def __init__(self, state: EmulatorState) -> None:
        self._inner = httpx.ASGITransport(app=create_app(state=state))
        self.sent: list[float] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(time.monotonic())
        return await self._inner.handle_async_request(request)


async def _gather(calls: list[Callable[[], Coroutine[Any, Any, object]]]) -> None:
    async with anyio.create_task_group() as group:
        for call in calls:
            group.start_soon(call)


def _rows(count: int | None) -> Iterator[AssociationRow]:
    numbers = itertools.count() if count is None else range(count)
    for number in numbers:
        yield AssociationRow("contacts", CONTACT + number % 5000, "companies", COMPANY + number % 5000)


async def scenario() -> dict[str, int]:
    """Run the six steps on the current event loop; return what was observed (each step also asserts)."""
    seen: dict[str, int] = {}

    # 1. One call.
    state = EmulatorState(EmulatorConfig(seed=1))
    async with _client(state) as client:
        result = await client.associate_default("contacts", CONTACT, "companies", COMPANY)
    assert result.status == "COMPLETE"
    seen["one_call"] = state.put_count

    # 2. A retried call: the wait before the second attempt is anyio's sleep.
    state = EmulatorState(EmulatorConfig(seed=1))
    busy = _BusyOnce(state)
    async with _client(state, busy) as client:
        raw = await client.with_raw_response.associate_default("contacts", CONTACT, "companies", COMPANY)
    assert raw.attempts == 2 and busy.busy_answers == 1
    seen["retried_attempts"] = raw.attempts

    # 3. A paced burst: 12 calls at once through the client's limit of 5 per 0.5 s. The send times are taken where
    # the request leaves the client (after the pacer's wait), so they bound the pace whatever the machine's load.
    state = EmulatorState(EmulatorConfig(rate_limit=None, seed=1))
    recorder = _Recorder(state)
    async with _client(state, recorder, rate_limit=5, rate_limit_window=0.5) as client:
        started = time.monotonic()

        def call(number: int) -> Callable[[], Coroutine[Any, Any, object]]:
            return lambda: client.associate_default("contacts", CONTACT + number, "companies", COMPANY)

        await _gather([call(number) for number in range(12)])
    sent_at = sorted(at - started for at in recorder.sent)
    assert state.put_count == 12 and len(sent_at) == 12
    assert sent_at[5] >= 0.5 and sent_at[10] >= 1.0, sent_at  # 5 at once, 5 a window later, 2 another window later
    seen["paced_burst"] = state.put_count

    # 4. A 200-row associate_many.
    state = EmulatorState(EmulatorConfig(rate_limit=None, seed=1))
    async with _client(state) as client, client.associate_many(_rows(200), concurrency=8, batch_size=1) as outcomes:
        confirmed = [outcome.index async for outcome in outcomes if outcome.ok]
    assert sorted(confirmed) == list(range(200)) and state.put_count == 200
    seen["bulk_confirmed"] = len(confirmed)

    # 5. OAuth: 20 tasks start with no access token; one refresh, at the emulator (base_url), serves them all.
    state = EmulatorState(EmulatorConfig(rate_limit=None, seed=1))
    auth = OAuthRefresh("emulator-client", "emulator-secret", "emulator-refresh")
    async with _client(state, access_token=None, auth=auth) as client:

        def oauth_call(number: int) -> Callable[[], Coroutine[Any, Any, object]]:
            return lambda: client.associate_default("contacts", CONTACT + number, "companies", COMPANY)

        await _gather([oauth_call(number) for number in range(20)])
    assert state.token_grants == 1 and state.put_count == 20
    seen["oauth_refreshes"] = state.token_grants

    # 6. A cancelled bulk run: an endless source, 10 ms per answer; the caller's deadline ends it.
    state = EmulatorState(EmulatorConfig(rate_limit=None, latency_s=0.01, seed=1))
    async with _client(state) as client:
        with anyio.move_on_after(0.2) as deadline:
            async with client.associate_many(_rows(None), concurrency=4, batch_size=1) as outcomes:
                async for _ in outcomes:
                    pass
        assert deadline.cancelled_caught
        sent = state.put_count
        await anyio.sleep(0.05)  # five answer times: a worker still running would have sent more
    assert 0 < sent == state.put_count
    seen["cancelled_after"] = sent
    return seen


RUNNERS: dict[str, Callable[[], dict[str, int]]] = {
    "asyncio.run": lambda: asyncio.run(scenario()),
    "trio.run": lambda: trio.run(scenario),
    'anyio.run(backend="trio")': lambda: anyio.run(scenario, backend="trio"),
}


def main() -> None:
    for name, runner in RUNNERS.items():
        print(f"{name}: {runner()}")


if __name__ == "__main__":
    main()
