"""Injected faults: HTML 5xx, JSON 503, dropped connections, latency; all reproducible with a seed."""

from __future__ import annotations

import time

import httpx
import pytest

from hubspot_associations.emulator import ConnectionDropped, EmulatorConfig
from tests.emulator.emulator_support import AUTH, COMPANY, CONTACT, ClientFactory, default_url

URL = default_url("contact", CONTACT, "company", COMPANY)


async def _outcomes(emulator_client: ClientFactory, config: EmulatorConfig, count: int) -> list[int]:
    outcomes: list[int] = []
    async with emulator_client(config) as (client, _state):
        for _ in range(count):
            try:
                outcomes.append((await client.put(URL, headers=AUTH)).status_code)
            except ConnectionDropped:
                outcomes.append(0)
    return outcomes


async def test_faults_are_deterministic_for_a_seed(emulator_client: ClientFactory) -> None:
    config = EmulatorConfig(rate_limit=None, fault_rate=0.5, faults=("500_html", "502_html", "503", "drop"), seed=42)

    first = await _outcomes(emulator_client, config, 60)
    second = await _outcomes(emulator_client, config, 60)
    other_seed = await _outcomes(emulator_client, EmulatorConfig(rate_limit=None, fault_rate=0.5, seed=43), 60)

    assert first == second
    assert first != other_seed
    assert set(first) == {0, 200, 500, 502, 503}
    assert 15 < first.count(200) < 45


@pytest.mark.parametrize("kind", ["500_html", "502_html"])
async def test_html_gateway_errors(emulator_client: ClientFactory, kind: str) -> None:
    status = int(kind[:3])
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=(kind,))) as (client, state):
        response = await client.put(URL, headers=AUTH)

        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert f"<h1>{status} " in response.text
        assert "<center>cloudflare</center>" in response.text
        assert state.all_associations() == []


async def test_503_json(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("503",))) as (client, _state):
        response = await client.put(URL, headers=AUTH)

        assert response.status_code == 503
        assert response.json() == {
            "status": "error",
            "message": "Service Unavailable",
            "correlationId": response.headers["X-HubSpot-Correlation-Id"],
            "category": "SERVICE_UNAVAILABLE",
        }


async def test_drop_raises_a_transport_error_without_applying(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("drop",))) as (client, state):
        with pytest.raises(httpx.TransportError):
            await client.put(URL, headers=AUTH)

        assert state.all_associations() == []
        assert state.counts_by_status == {0: 1}


async def test_drop_after_commit_applies_then_drops(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("drop_after_commit",))) as (client, state):
        with pytest.raises(ConnectionDropped):
            await client.put(URL, headers=AUTH)
        with pytest.raises(ConnectionDropped):
            await client.put(URL, headers=AUTH)

        assert len(state.all_associations()) == 1
        assert state.put_count == 2


async def test_faults_only_after_auth(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("503",))) as (client, _state):
        assert (await client.put(URL)).status_code == 401
        assert (await client.get("/_emulator/stats")).status_code == 200


async def test_latency(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(latency_s=0.05)) as (client, _state):
        started = time.perf_counter()
        await client.put(URL, headers=AUTH)
        assert time.perf_counter() - started >= 0.05


def test_config_validates_faults() -> None:
    with pytest.raises(ValueError, match="fault_rate"):
        EmulatorConfig(fault_rate=1.5)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        EmulatorConfig(faults=("boom",))
