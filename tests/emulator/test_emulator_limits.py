"""Rolling-window and daily rate limits."""

from __future__ import annotations

import uuid

from hubspot_associations.emulator import EmulatorConfig, ManualClock
from tests.emulator.emulator_support import AUTH, COMPANY, CONTACT, ClientFactory, default_url

URL = default_url("contact", CONTACT, "company", COMPANY)


async def test_rolling_window_429_then_recovers(emulator_client: ClientFactory) -> None:
    config = EmulatorConfig(rate_limit=3, rate_window_s=0.3)
    clock = ManualClock()
    async with emulator_client(config, clock=clock) as (client, state):
        remaining = [(await client.put(URL, headers=AUTH)).headers["X-HubSpot-RateLimit-Remaining"] for _ in range(3)]
        refused = await client.put(URL, headers=AUTH)
        refused_again = await client.put(URL, headers=AUTH)

        assert remaining == ["2", "1", "0"]
        assert refused.status_code == 429
        assert "Retry-After" not in refused.headers
        assert refused.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "300"
        assert refused.headers["X-HubSpot-RateLimit-Remaining"] == "0"
        body = refused.json()
        assert body == {
            "status": "error",
            "message": "You have reached your ten_secondly_rolling limit.",
            "correlationId": refused.headers["X-HubSpot-Correlation-Id"],
            "errorType": "RATE_LIMIT",
            "policyName": "TEN_SECONDLY_ROLLING",
            "groupName": "publicapi:private-app-burst:12345",
            "requestId": body["requestId"],
        }
        assert uuid.UUID(body["requestId"]) and body["requestId"] != body["correlationId"]
        assert "category" not in body
        assert refused_again.status_code == 429
        assert state.put_count == 3

        clock.advance(0.29)
        assert (await client.put(URL, headers=AUTH)).status_code == 429  # the window has not rolled on yet
        clock.advance(0.01)  # 429s did not consume the window, so a full window later all is free again
        recovered = await client.put(URL, headers=AUTH)
        assert recovered.status_code == 200
        assert recovered.headers["X-HubSpot-RateLimit-Remaining"] == "2"


async def test_window_is_per_app(emulator_client: ClientFactory) -> None:
    scopes = EmulatorConfig().default_scopes
    config = EmulatorConfig(tokens={"a": scopes, "b": scopes}, rate_limit=1, rate_window_s=60)
    async with emulator_client(config) as (client, _state):
        first_a = await client.put(URL, headers={"Authorization": "Bearer a"})
        second_a = await client.put(URL, headers={"Authorization": "Bearer a"})
        first_b = await client.put(URL, headers={"Authorization": "Bearer b"})

        assert [first_a.status_code, second_a.status_code, first_b.status_code] == [200, 429, 200]


async def test_daily_limit(emulator_client: ClientFactory) -> None:
    config = EmulatorConfig(rate_limit=None, daily_limit=2)
    async with emulator_client(config) as (client, _state):
        responses = [await client.put(URL, headers=AUTH) for _ in range(3)]

        assert [r.status_code for r in responses] == [200, 200, 429]
        assert [r.headers["X-HubSpot-RateLimit-Daily-Remaining"] for r in responses] == ["1", "0", "0"]
        assert all(r.headers["X-HubSpot-RateLimit-Daily"] == "2" for r in responses)
        assert "X-HubSpot-RateLimit-Max" not in responses[0].headers
        body = responses[2].json()
        assert body["policyName"] == "DAILY"
        assert body["message"] == "You have reached your daily limit."
        assert body["errorType"] == "RATE_LIMIT"


async def test_unlimited_sends_no_rate_headers(emulator_client: ClientFactory) -> None:
    async with emulator_client(EmulatorConfig(rate_limit=None, daily_limit=None)) as (client, _state):
        responses = [await client.put(URL, headers=AUTH) for _ in range(250)]

        assert {r.status_code for r in responses} == {200}
        assert not any(name.lower().startswith("x-hubspot-ratelimit") for name in responses[0].headers)
