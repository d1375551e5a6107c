"""shared_limit= on both clients: argument checks, the default keys, no secret in Redis, no redis import otherwise."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
import redis
import redis.asyncio

from hubspot_associations import (
    AssociationRow,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    InvalidInputError,
    OAuthRefresh,
)
from hubspot_associations._shared_pacing import KEY_PREFIX, SharedPacer, account_key
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.shared_limit.redis_support import RedisServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


def _all_redis_text(server: RedisServer) -> str:
    """Every key, hash field, value and set member in the server, as one text (reprs of the raw bytes)."""
    client = server.client()
    parts: list[str] = []
    for key in client.keys("*"):
        parts.append(repr(key))
        kind = client.type(key)
        if kind == b"hash":
            parts.append(repr(client.hgetall(key)))
        elif kind == b"zset":
            parts.append(repr(client.zrange(key, 0, -1)))
    client.close()
    return "\n".join(parts)


class _CustomAuth(httpx.Auth):
    pass


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"shared_limit": 6379}, "shared_limit"),
        ({"shared_limit": "http://127.0.0.1:6379"}, "shared_limit"),
        ({"shared_limit": "127.0.0.1:6379"}, "shared_limit"),
        ({"shared_limit": "redis://127.0.0.1:notaport/0"}, "shared_limit"),
        ({"shared_limit": "redis://127.0.0.1:6379/0", "shared_limit_key": ""}, "shared_limit_key"),
        ({"shared_limit": "redis://127.0.0.1:6379/0", "shared_limit_key": "two words"}, "shared_limit_key"),
        ({"shared_limit": "redis://127.0.0.1:6379/0", "shared_limit_key": 7}, "shared_limit_key"),
        ({"shared_limit_key": "acme"}, "shared_limit_key"),
        ({"shared_limit": redis.asyncio.Redis()}, "shared_limit"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(kwargs: dict[str, object], argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(TOKEN, **kwargs)  # type: ignore[arg-type]
    assert info.value.argument == argument


def test_the_async_client_wants_the_asyncio_redis_client() -> None:
    with pytest.raises(InvalidInputError, match=r"redis\.asyncio\.Redis"):
        AsyncHubSpotAssociations(TOKEN, shared_limit=redis.Redis())


def test_a_custom_auth_needs_an_explicit_key() -> None:
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(auth=_CustomAuth(), shared_limit="redis://127.0.0.1:6379/0")
    assert info.value.argument == "shared_limit_key"
    client = HubSpotAssociations(auth=_CustomAuth(), shared_limit="redis://127.0.0.1:6379/0", shared_limit_key="acme")
    assert isinstance(client.pacer, SharedPacer)


def test_a_password_in_the_url_never_shows() -> None:
    client = HubSpotAssociations(TOKEN, shared_limit="redis://user:hunter2-secret@127.0.0.1:1/0")
    assert "hunter2" not in repr(client)
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(TOKEN, shared_limit="redis://user:hunter2-secret@127.0.0.1:x/0")
    assert "hunter2" not in str(info.value)


def _rows(count: int, offset: int = 0) -> list[AssociationRow]:
    return [AssociationRow("contacts", 1000001 + i, "companies", 2000001 + i) for i in range(offset, offset + count)]


async def test_sync_and_async_clients_share_one_budget_without_429s_or_secrets_in_redis(
    redis_server: RedisServer,
) -> None:
    config = EmulatorConfig(rate_limit=10, rate_window_s=0.5, tokens={TOKEN: EmulatorConfig().default_scopes})
    with run_emulator_in_thread(config) as emulator:
        sync = HubSpotAssociations(TOKEN, base_url=emulator.base_url, shared_limit=redis_server.url)
        connection = redis.asyncio.Redis.from_url(redis_server.url)  # passed in: ours to close, not the client's
        async_ = AsyncHubSpotAssociations(TOKEN, base_url=emulator.base_url, shared_limit=connection)

        async def run_async() -> int:
            async with async_.associate_many(_rows(30, 30), concurrency=4, batch_size=1) as outcomes:
                return sum([outcome.ok async for outcome in outcomes])

        task = asyncio.create_task(run_async())
        sync_ok = await asyncio.to_thread(
            lambda: sum(o.ok for o in sync.associate_many(_rows(30), concurrency=4, batch_size=1))
        )
        async_ok = await task
        sync.close()
        await async_.close()
        await connection.aclose()
        assert (sync_ok, async_ok) == (30, 30)
        assert emulator.state.counts_by_status == {200: 60}  # not one 429: both drew on one budget
    stored = _all_redis_text(redis_server)
    assert f"{KEY_PREFIX}:{{token:{account_key(TOKEN)}}}:log" in stored
    assert TOKEN not in stored and TOKEN[8:] not in stored


def test_an_oauth_app_shares_by_account_id_from_the_token_response(redis_server: RedisServer) -> None:
    config = EmulatorConfig(rate_limit=10, rate_window_s=1.0)
    with run_emulator_in_thread(config) as emulator:
        auth = OAuthRefresh("emulator-client", "emulator-secret", "emulator-refresh", token_url="/oauth/v1/token")
        with HubSpotAssociations(auth=auth, base_url=emulator.base_url, shared_limit=redis_server.url) as client:
            for row in _rows(3):
                client.associate_default(row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id)
        assert auth.hub_id == config.portal_id
        access_token = auth.tokens.access_token if auth.tokens else ""
    stored = _all_redis_text(redis_server)
    assert f"{{oauth:{account_key(f'emulator-client:{config.portal_id}')}}}" in stored
    for secret in ("emulator-secret", "emulator-refresh", access_token):
        assert secret not in stored


def test_an_explicit_key_overrides_the_default(redis_server: RedisServer) -> None:
    with run_emulator_in_thread(EmulatorConfig(tokens={TOKEN: EmulatorConfig().default_scopes})) as emulator:
        client = HubSpotAssociations(
            TOKEN, base_url=emulator.base_url, shared_limit=redis_server.url, shared_limit_key="acme-prod"
        )
        with client:
            client.associate_default("contacts", 1000001, "companies", 2000001)
    assert redis_server.client().exists(f"{KEY_PREFIX}:{{acme-prod}}:log") == 1


def test_redis_is_not_imported_without_a_shared_limit() -> None:
    code = (
        "import sys; from hubspot_associations import HubSpotAssociations, AsyncHubSpotAssociations; "
        f"HubSpotAssociations({TOKEN!r}); AsyncHubSpotAssociations({TOKEN!r}); "
        "assert not [m for m in sys.modules if m == 'redis' or m.startswith('redis.')], 'redis imported'; "
        "assert 'hubspot_associations._shared_pacing' not in sys.modules; "
        "assert 'hubspot_associations._shared_redis' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=60)


def test_on_trio_the_async_client_paces_locally_with_one_warning(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    import anyio

    config = EmulatorConfig(rate_limit=10, rate_window_s=1.0, tokens={TOKEN: EmulatorConfig().default_scopes})

    async def run(base_url: str) -> int:
        client = AsyncHubSpotAssociations(TOKEN, base_url=base_url, shared_limit=redis_server.url)
        async with client, client.associate_many(_rows(5), concurrency=2, batch_size=1) as outcomes:
            return sum([outcome.ok async for outcome in outcomes])

    with run_emulator_in_thread(config) as emulator, caplog.at_level("WARNING", logger="hubspot_associations"):
        assert anyio.run(run, emulator.base_url, backend="trio") == 5
    assert [r.getMessage() for r in caplog.records if "needs asyncio" in r.getMessage()] == [
        f"shared rate limit at {redis_server.url} needs asyncio (redis.asyncio), not this event loop: "
        "pacing in this process only"
    ]
    assert redis_server.client().keys("*") == []  # nothing reached Redis


async def test_a_bulk_run_writes_its_last_answers_to_redis_when_it_ends_not_with_a_later_claim(
    redis_server: RedisServer,
) -> None:
    # The clients stay open after their runs (a long-lived service): the other processes must still learn when the
    # run's last requests were answered, not count them as arriving up to a window after their slots.
    config = EmulatorConfig(rate_limit=10, rate_window_s=1.0, tokens={TOKEN: EmulatorConfig().default_scopes})
    with run_emulator_in_thread(config) as emulator:
        sync = HubSpotAssociations(TOKEN, base_url=emulator.base_url, shared_limit=redis_server.url)
        assert sum(o.ok for o in sync.associate_many(_rows(4), concurrency=2, batch_size=1)) == 4
        assert isinstance(sync.pacer, SharedPacer) and not sync.pacer._has_news()
        connection = redis.asyncio.Redis.from_url(redis_server.url)
        async_ = AsyncHubSpotAssociations(TOKEN, base_url=emulator.base_url, shared_limit=connection)
        async with async_.associate_many(_rows(4, 4), concurrency=2, batch_size=1) as outcomes:
            assert sum([outcome.ok async for outcome in outcomes]) == 4
        assert isinstance(async_.pacer, SharedPacer) and not async_.pacer._has_news()
        sync.close()
        await async_.close()
        await connection.aclose()
