"""Injected faults: JSON 500/503, Cloudflare's HTML 502/52x, dropped connections, latency; reproducible by seed."""

from __future__ import annotations

import anyio
import httpx
import pytest
from trio.testing import MockClock

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
    config = EmulatorConfig(rate_limit=None, fault_rate=0.5, faults=("500", "502_html", "503", "drop"), seed=42)

    first = await _outcomes(emulator_client, config, 60)
    second = await _outcomes(emulator_client, config, 60)
    other_seed = await _outcomes(emulator_client, EmulatorConfig(rate_limit=None, fault_rate=0.5, seed=43), 60)

    assert first == second
    assert first != other_seed
    assert set(first) == {0, 200, 500, 502, 503}
    assert 15 < first.count(200) < 45


async def test_cloudflare_502_page(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=("502_html",))) as (client, state):
        response = await client.put(URL, headers=AUTH)

        assert response.status_code == 502
        assert response.headers["content-type"] == "text/html; charset=UTF-8"
        assert "<h1>502 Bad gateway</h1>" in response.text
        assert "<center>cloudflare</center>" in response.text
        assert state.all_associations() == []


@pytest.mark.parametrize(
    ("status", "text"),
    [
        (520, "Web server is returning an unknown error"),
        (521, "Web server is down"),
        (522, "Connection timed out"),
        (523, "Origin is unreachable"),
        (524, "A timeout occurred"),
        (525, "SSL handshake failed"),
        (526, "Invalid SSL certificate"),
        (527, "Railgun Listener to origin error"),
    ],
)
async def test_cloudflare_52x_pages(emulator_client: ClientFactory, status: int, text: str) -> None:
    config = EmulatorConfig(fault_rate=1.0, faults=(f"{status}_html",))
    async with emulator_client(config) as (client, state):
        response = await client.put(URL, headers=AUTH)

        assert response.status_code == status
        assert response.headers["content-type"] == "text/html; charset=UTF-8"
        assert f"<title>api.hubapi.com | {status}: {text}</title>" in response.text
        assert f"Error code {status}" in response.text
        assert "Cloudflare Ray ID" in response.text
        assert state.all_associations() == []


@pytest.mark.parametrize(
    ("kind", "message", "category"),
    [("500", "internal error", "INTERNAL_ERROR"), ("503", "Service Unavailable", "SERVICE_UNAVAILABLE")],
)
async def test_hubspot_5xx_are_json(emulator_client: ClientFactory, kind: str, message: str, category: str) -> None:
    async with emulator_client(EmulatorConfig(fault_rate=1.0, faults=(kind,))) as (client, state):
        response = await client.put(URL, headers=AUTH)

        assert response.status_code == int(kind)
        assert response.headers["content-type"] == "application/json;charset=utf-8"
        assert response.json() == {
            "status": "error",
            "message": message,
            "correlationId": response.headers["X-HubSpot-Correlation-Id"],
            "category": category,
        }
        assert state.all_associations() == []


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


@pytest.mark.parametrize(
    "anyio_backend", [("trio", {"clock": MockClock(autojump_threshold=0)})], ids=["trio-mock-clock"]
)
async def test_latency(emulator_client: ClientFactory) -> None:
    # On trio's virtual clock (it jumps ahead whenever every task waits), so the latency is measured, not slept.
    async with emulator_client(EmulatorConfig(latency_s=0.05)) as (client, _state):
        started = anyio.current_time()
        await client.put(URL, headers=AUTH)
        assert anyio.current_time() - started >= 0.05


def test_config_validates_faults() -> None:
    with pytest.raises(ValueError, match="fault_rate"):
        EmulatorConfig(fault_rate=1.5)
    with pytest.raises(ValueError, match="unknown fault kinds"):
        EmulatorConfig(faults=("boom",))
