"""OAuth refresh-token grants, token expiry and the EXPIRED_AUTHENTICATION answer."""

from __future__ import annotations

import pytest

from hubspot_associations.emulator import DEFAULT_SCOPES, EmulatorConfig, ManualClock
from tests.emulator.emulator_support import COMPANY, CONTACT, ClientFactory, default_url

URL = default_url("contact", CONTACT, "company", COMPANY)
FORM = {
    "grant_type": "refresh_token",
    "client_id": "emulator-client",
    "client_secret": "emulator-secret",
    "refresh_token": "emulator-refresh",
}


@pytest.mark.parametrize("version", ["v1", "v3"])
async def test_refresh_issues_a_working_token(emulator_client: ClientFactory, version: str) -> None:
    async with emulator_client(EmulatorConfig(daily_limit=100)) as (client, state):
        response = await client.post(f"/oauth/{version}/token", data=FORM)

        assert response.status_code == 200
        body = response.json()
        assert body["token_type"] == "bearer"
        assert body["token_use"] == "access_token"
        assert body["refresh_token"] == "emulator-refresh"
        assert body["expires_in"] == 1800
        assert body["hub_id"] == 12345
        assert body["scopes"] == sorted(DEFAULT_SCOPES)
        assert state.token_grants == 1

        put = await client.put(URL, headers={"Authorization": f"Bearer {body['access_token']}"})
        assert put.status_code == 200
        assert "X-HubSpot-RateLimit-Daily" not in put.headers  # HubSpot sends no daily headers to OAuth apps
        assert put.headers["X-HubSpot-RateLimit-Max"] == "190"


async def test_each_refresh_gives_a_new_token(emulator_client: ClientFactory) -> None:
    async with emulator_client() as (client, state):
        tokens = {(await client.post("/oauth/v1/token", data=FORM)).json()["access_token"] for _ in range(3)}

        assert len(tokens) == 3
        assert state.token_grants == 3


@pytest.mark.parametrize(
    ("changes", "status", "error"),
    [
        ({"client_id": "other"}, "BAD_CLIENT_ID", "invalid_client"),
        ({"client_secret": "wrong"}, "BAD_CLIENT_ID", "invalid_client"),
        ({"refresh_token": "stale"}, "BAD_REFRESH_TOKEN", "invalid_grant"),
        ({"grant_type": "password"}, "BAD_GRANT_TYPE", "unsupported_grant_type"),
    ],
)
async def test_refresh_failures(
    emulator_client: ClientFactory, changes: dict[str, str], status: str, error: str
) -> None:
    async with emulator_client() as (client, state):
        response = await client.post("/oauth/v3/token", data={**FORM, **changes})

        assert response.status_code == 400
        body = response.json()
        assert body["status"] == status
        assert body["error"] == error
        assert body["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
        assert state.token_grants == 0


async def test_token_expires_after_its_lifetime(emulator_client: ClientFactory) -> None:
    clock = ManualClock(start=1_800_000_000.0)  # 2027-01-15T08:00:00Z
    async with emulator_client(EmulatorConfig(oauth_token_lifetime_s=1800), clock=clock) as (client, _state):
        token = (await client.post("/oauth/v1/token", data=FORM)).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        clock.advance(1799.9)
        assert (await client.put(URL, headers=headers)).status_code == 200

        clock.advance(12.1)
        response = await client.put(URL, headers=headers)

        assert response.status_code == 401
        body = response.json()
        assert body["category"] == "EXPIRED_AUTHENTICATION"
        assert body["message"] == "The OAuth token used to make this call expired 12 second(s) ago."
        assert body["context"]["expire time"] == ["2027-01-15T08:30:00.000Z"]


async def test_expire_token_forces_expiry(emulator_client: ClientFactory) -> None:
    async with emulator_client() as (client, state):
        token = (await client.post("/oauth/v1/token", data=FORM)).json()["access_token"]
        state.expire_token(token)

        response = await client.put(URL, headers={"Authorization": f"Bearer {token}"})

        assert response.status_code == 401
        assert response.json()["category"] == "EXPIRED_AUTHENTICATION"
        assert response.json()["message"] == "The OAuth token used to make this call expired 1 second(s) ago."
        with pytest.raises(KeyError):
            state.expire_token("never-issued")


async def test_reset_forgets_issued_tokens(emulator_client: ClientFactory) -> None:
    async with emulator_client() as (client, state):
        token = (await client.post("/oauth/v1/token", data=FORM)).json()["access_token"]
        state.reset()

        response = await client.put(URL, headers={"Authorization": f"Bearer {token}"})

        assert response.json()["category"] == "INVALID_AUTHENTICATION"
        assert state.token_grants == 0
