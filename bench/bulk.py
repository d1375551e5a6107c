"""Bulk: ``associate_many`` at the rate limit (emulator) and without one (fast canned server).

**At the limit.** Sync, and async on each event loop anyio runs it on (asyncio, trio). The emulator, with its limit
scaled down to L requests per W-second rolling window so a run takes seconds, serves one client that configures
nothing: the SDK adopts the limit from the ``X-HubSpot-RateLimit-*`` headers. A rolling window allows a burst of L
and then L per W, so throughput is measured after the first burst: ``(rows - L) / elapsed`` against ``L / W``.
Reported: that fraction, rows confirmed vs stored by the emulator, 429s seen by the caller (failed outcomes) and
429s the emulator served (absorbed by the SDK's retry policy).

**Without a limit.** Requests per second of ``associate_many`` vs raw httpx with the same concurrency (tasks over
``httpx.AsyncClient``; threads over one ``httpx.Client`` for sync), against the fast canned server of
:mod:`bench._servers` (the emulator, ~1.5 ms of server time per request, would cap both). Rounds alternate raw and SDK.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import time
from collections import Counter
from collections.abc import Iterator

import anyio
import httpx

from hubspot_associations import AssociationRow, AsyncHubSpotAssociations, HubSpotAssociations, RateLimitError

from ._common import TOKEN, Check, Section, fmt, median, ratio, table
from ._servers import CannedPair, capture_canned, emulator_process, fast_server, unlimited

_THROUGHPUT_TARGET = 0.95
_CONCURRENCY = 8


def _rows(count: int, offset: int = 0) -> Iterator[AssociationRow]:
    for index in range(offset, offset + count):
        yield AssociationRow("contacts", 1000001 + index % 5000, "companies", 2000001 + index % 5000)


def _at_limit(quick: bool, section: Section) -> None:
    limit, window = (20, 0.5) if quick else (50, 1.0)
    count = 60 if quick else 1000  # 1000 rows at 50/s: ~19 s per run
    rows_out = []
    with emulator_process(limit, window) as base_url, httpx.Client(base_url=base_url) as inspect:
        for mode in ("sync", "async asyncio", "async trio"):
            inspect.post("/_emulator/reset").raise_for_status()
            time.sleep(window)  # nothing of the previous run left in any window
            started = time.perf_counter()
            errors: Counter[str] = Counter()
            confirmed = surfaced_429 = 0
            if mode == "sync":
                with HubSpotAssociations(TOKEN, base_url=base_url) as client:
                    for outcome in client.associate_many(_rows(count), concurrency=_CONCURRENCY, batch_size=1):
                        confirmed += outcome.ok
                        if outcome.error is not None:
                            errors[type(outcome.error).__name__] += 1
                            surfaced_429 += isinstance(outcome.error, RateLimitError)
            else:

                async def consume(errors: Counter[str]) -> tuple[int, int]:
                    ok = limited = 0
                    async with (
                        AsyncHubSpotAssociations(TOKEN, base_url=base_url) as client,
                        client.associate_many(_rows(count), concurrency=_CONCURRENCY, batch_size=1) as outcomes,
                    ):
                        async for outcome in outcomes:
                            ok += outcome.ok
                            if outcome.error is not None:
                                errors[type(outcome.error).__name__] += 1
                                limited += isinstance(outcome.error, RateLimitError)
                    return ok, limited

                confirmed, surfaced_429 = anyio.run(consume, errors, backend=mode.removeprefix("async "))
            elapsed = time.perf_counter() - started
            stats = inspect.get("/_emulator/stats").json()
            stored = int(stats["unique_associations"])
            served_429 = int(stats["counts_by_status"].get("429", 0))
            sustained = (count - limit) / elapsed
            fraction = sustained / (limit / window)
            lost = count - stored
            rows_out.append(
                [
                    f"`associate_many` {mode}",
                    f"{count:,}",
                    f"{elapsed:.1f}",
                    f"{sustained:.1f} / {limit / window:.0f}",
                    f"{fraction:.1%}",
                    f"{confirmed:,} / {stored:,}",
                    str(surfaced_429),
                    str(served_429),
                    ", ".join(f"{k} {v}" for k, v in errors.items()) or "none",
                ]
            )
            section.checks.append(
                Check(
                    f"throughput at the limit ({mode})",
                    f"≥ {_THROUGHPUT_TARGET:.0%} of limit",
                    f"{fraction:.1%}",
                    fraction >= _THROUGHPUT_TARGET,
                )
            )
            section.checks.append(
                Check(
                    f"rows lost / 429 surfaced ({mode})",
                    "0 / 0",
                    f"{lost} / {surfaced_429} ({served_429} served)",
                    lost == 0 and confirmed == count and surfaced_429 == 0,
                )
            )
    section.tables.append(
        table(
            [
                f"run (emulator process, limit {limit} / {window:g} s)",
                "rows",
                "seconds",
                "sustained rows/s / limit",
                "of limit",
                "confirmed / stored",
                "429 to caller",
                "429 served",
                "failed rows",
            ],
            rows_out,
        )
    )


async def _raw_async(base_url: str, count: int) -> float:
    counter = itertools.count()
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {TOKEN}"}) as client:

        async def worker() -> None:
            while next(counter) < count:
                url = f"{base_url}/crm/v4/objects/contacts/1000001/associations/default/companies/2000001"
                (await client.put(url)).json()

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(_CONCURRENCY)))
        return count / (time.perf_counter() - started)


async def _sdk_async(base_url: str, count: int) -> float:
    async with AsyncHubSpotAssociations(TOKEN, base_url=base_url) as client:
        started = time.perf_counter()
        ok = 0
        async with client.associate_many(_rows(count), concurrency=_CONCURRENCY, batch_size=1) as outcomes:
            async for outcome in outcomes:
                ok += outcome.ok
        rate = count / (time.perf_counter() - started)
    assert ok == count, f"{count - ok} rows failed against the canned server"
    return rate


def _raw_sync(base_url: str, count: int) -> float:
    url = f"{base_url}/crm/v4/objects/contacts/1000001/associations/default/companies/2000001"
    with (
        httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as client,
        concurrent.futures.ThreadPoolExecutor(_CONCURRENCY) as pool,
    ):
        started = time.perf_counter()
        for _ in pool.map(lambda _: client.put(url).json(), range(count)):
            pass
        return count / (time.perf_counter() - started)


def _sdk_sync(base_url: str, count: int) -> float:
    with HubSpotAssociations(TOKEN, base_url=base_url) as client:
        started = time.perf_counter()
        ok = sum(outcome.ok for outcome in client.associate_many(_rows(count), concurrency=_CONCURRENCY, batch_size=1))
        rate = count / (time.perf_counter() - started)
    assert ok == count, f"{count - ok} rows failed against the canned server"
    return rate


def _unlimited(quick: bool, section: Section, canned: CannedPair) -> None:
    rounds, count = (1, 100) if quick else (5, 1000)
    rates: dict[str, list[float]] = {"raw async": [], "sdk async": [], "raw sync": [], "sdk sync": []}
    with fast_server(unlimited(canned)) as base_url:
        asyncio.run(_raw_async(base_url, 50))  # warm-up
        asyncio.run(_sdk_async(base_url, 50))
        for index in range(rounds):
            order = ["raw", "sdk"] if index % 2 == 0 else ["sdk", "raw"]
            for who in order:
                coroutine = _raw_async if who == "raw" else _sdk_async
                rates[f"{who} async"].append(asyncio.run(coroutine(base_url, count)))
            for who in order:
                function = _raw_sync if who == "raw" else _sdk_sync
                rates[f"{who} sync"].append(function(base_url, count))
    rows = []
    for mode, raw_name in (("async", "`httpx.AsyncClient`, 8 tasks"), ("sync", "`httpx.Client`, 8 threads")):
        raw, sdk = median(rates[f"raw {mode}"]), median(rates[f"sdk {mode}"])
        rows.append([f"`associate_many` {mode} vs raw {raw_name}", fmt(raw, 0), fmt(sdk, 0), ratio(sdk, raw)])
    section.tables.append(table(["no limit (fast canned server)", "raw req/s", "SDK req/s", "SDK / raw"], rows))
    section.notes.append(
        f"No limit: median of {rounds} rounds x {count:,} rows, concurrency {_CONCURRENCY} for both, default "
        "associations, raw and SDK alternating."
    )


def run(*, quick: bool, canned: CannedPair | None = None) -> Section:
    section = Section("Bulk")
    _at_limit(quick, section)
    _unlimited(quick, section, canned or capture_canned())
    section.notes.insert(
        0,
        "At the limit: the client configures no limit and adopts the emulator's headers; throughput excludes the "
        "first window's burst of L (a rolling window allows it): (rows - L) / elapsed vs L / W. The emulator runs "
        "in its own process; 429s served are read from its `/_emulator/stats` (`counts_by_status`).",
    )
    return section
