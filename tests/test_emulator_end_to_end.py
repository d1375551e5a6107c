"""End to end over loopback: 1,000 associations through the overlay against a faulty, rate-limited emulator.

The emulator runs in a thread behind uvicorn on 127.0.0.1 (real sockets, real dropped connections). One request in
five fails (HTML 500/502, JSON 503, a connection dropped before or after the write was applied) and the emulator
allows 100 requests per second, so the run cannot take less than ~12 s. The async client sends 16 rows at a time:
with the default 8, the client's own backoffs (0.5 s, 1 s, 2 s...), not the rate limit, set the pace (~23 s); with
16 it typically takes 16-21 s, more when one row meets five faults in a row.

Every association must exist in the emulator exactly once, every attempt the client counted must be a request the
emulator saw, and the test prints how many retries that took (``pytest -s``). It runs on asyncio and on trio (real
sockets under both).
"""

from __future__ import annotations

import time

import anyio

from hubspot_associations import AssociationSpec, AsyncHubSpotAssociations
from hubspot_associations.emulator import Association, EmulatorConfig, run_emulator_in_thread

ROWS = 1000
CONCURRENCY = 16  # see the module docstring
FAULT_RATE = 0.2
FAULTS = ("500", "502_html", "503", "520_html", "drop", "drop_after_commit")
RATE_LIMIT, RATE_WINDOW_S = 100, 1.0
CONTACTS, COMPANIES = 1_000_001, 2_000_001
USER_DEFINED_MANAGER = AssociationSpec("USER_DEFINED", 36)  # the emulator portal's "Manager" contact -> company label


def _expected(index: int) -> Association:
    # Even rows ask for the default association (279), odd rows for the labelled USER_DEFINED 36.
    contact, company = str(CONTACTS + index), str(COMPANIES + index)
    if index % 2 == 0:
        return Association("0-1", contact, "0-2", company, "HUBSPOT_DEFINED", 279)
    return Association("0-1", contact, "0-2", company, "USER_DEFINED", 36)


async def _associate_all(client: AsyncHubSpotAssociations) -> list[int]:
    """Send every row, at most CONCURRENCY in flight; return the attempts each row took, in row order."""
    limiter = anyio.CapacityLimiter(CONCURRENCY)
    attempts = [0] * ROWS

    async def one(index: int) -> None:
        attempts[index] = await _one(index)

    async def _one(index: int) -> int:
        contact, company = CONTACTS + index, COMPANIES + index
        async with limiter:
            if index % 2 == 0:
                default = await client.with_raw_response.associate_default("contacts", contact, "companies", company)
                assert default.status_code == 200 and default.parsed.status == "COMPLETE"
                return default.attempts
            labelled = await client.with_raw_response.associate(
                "contacts", contact, "companies", company, USER_DEFINED_MANAGER
            )
            assert labelled.status_code == 201 and labelled.parsed.labels == ["Manager"]
            return labelled.attempts

    async with anyio.create_task_group() as group:
        for index in range(ROWS):
            group.start_soon(one, index)
    return attempts


async def test_1000_associations_survive_faults_and_a_tight_rate_limit() -> None:
    config = EmulatorConfig(
        rate_limit=RATE_LIMIT, rate_window_s=RATE_WINDOW_S, fault_rate=FAULT_RATE, faults=FAULTS, seed=20260
    )
    with run_emulator_in_thread(config) as emulator:
        started = time.monotonic()
        # max_retries 8: a row meets a fault with p = 0.2 per attempt, so 9 in a row (p = 5e-7) would be needed to
        # fail; the default 4 would fail one row in ~3,000 runs of this test and make it flaky.
        async with AsyncHubSpotAssociations(emulator.token, base_url=emulator.base_url, max_retries=8) as client:
            attempts = await _associate_all(client)
        elapsed = time.monotonic() - started
        state = emulator.state
        stored = state.all_associations()
        counts = state.counts_by_status
        put_count = state.put_count

    retries = sum(attempts) - ROWS
    faults = sum(n for status, n in counts.items() if status in (0, 500, 502, 503, 520))
    print(
        f"\n{ROWS} associations over loopback in {elapsed:.1f} s: {sum(attempts)} attempts, {retries} retries "
        f"(max {max(attempts)} attempts for one row); emulator answers by status {dict(sorted(counts.items()))}; "
        f"{put_count} PUTs applied"
    )

    # Every row confirmed, and every association stored exactly once (nothing missing, nothing extra).
    assert len(attempts) == ROWS
    assert len(stored) == ROWS
    assert sorted(stored) == sorted(_expected(index) for index in range(ROWS))
    # Faults happened and were absorbed by retries, attempt for attempt: each attempt the client counted is one
    # request the emulator answered (or dropped), and each retry followed exactly one fault or 429.
    assert retries > 0
    assert sum(counts.values()) == sum(attempts)
    assert counts.get(200, 0) + counts.get(201, 0) == ROWS
    assert retries == faults + counts.get(429, 0)
    assert faults >= ROWS * FAULT_RATE * 0.8  # ~20 % of accepted requests (about 250 of them) failed
    # drop_after_commit applied the write and then failed: the retry re-applied it, idempotently.
    assert put_count > ROWS
    # The client paced itself to the emulator's limit: 429s are the exception, not the way the limit is found.
    assert counts.get(429, 0) <= ROWS * 0.05
