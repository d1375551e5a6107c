"""The client on every event loop, and the sync path on none.

* ``examples/any_event_loop.py`` (one call, a retried call, a paced burst, a 200-row ``associate_many``, an OAuth
  refresh under 20 concurrent tasks, a cancelled bulk run) passes under ``asyncio.run``, ``trio.run`` and
  ``anyio.run(backend="trio")``.
* Importing the SDK, and using the sync client, imports neither asyncio nor anyio (nor trio).
* The emulator from the sync client: served by ``run_emulator_in_thread`` (loopback); ``httpx.ASGITransport``
  (async-only) in a sync client is refused with a clear error before any request.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx
import pytest

from examples import any_event_loop
from hubspot_associations import (
    AssociationRow,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    InvalidInputError,
    OAuthRefresh,
)
from hubspot_associations.emulator import EmulatorConfig, EmulatorState, create_app, run_emulator_in_thread

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("runner", sorted(any_event_loop.RUNNERS))
def test_the_same_script_passes_under_each_runner(runner: str) -> None:
    seen = any_event_loop.RUNNERS[runner]()
    assert seen["one_call"] == 1 and seen["retried_attempts"] == 2 and seen["paced_burst"] == 12
    assert seen["bulk_confirmed"] == 200 and seen["oauth_refreshes"] == 1 and seen["cancelled_after"] > 0


def test_the_sync_path_imports_no_event_loop_library() -> None:
    code = textwrap.dedent(
        """
        import sys
        import httpx
        import hubspot_associations
        from hubspot_associations import AssociationRow, HubSpotAssociations, OAuthRefresh

        after_import = sorted(m for m in ("asyncio", "anyio", "trio") if m in sys.modules)
        calls = []

        def handler(request):
            calls.append(request.url.path)
            if request.url.path.startswith("/oauth/"):
                return httpx.Response(200, json={"access_token": "access-0123456789", "expires_in": 1800})
            if len(calls) == 2:  # the first API attempt: busy, retried after a pause
                return httpx.Response(503, headers={"retry-after-ms": "1"}, json={"status": "error"})
            return httpx.Response(201, json={"fromObjectTypeId": "0-1", "fromObjectId": 1, "toObjectTypeId": "0-2",
                                             "toObjectId": 2, "labels": []})

        auth = OAuthRefresh("client-id", "client-secret-0123456789", "refresh-token-0123456789")
        http = httpx.Client(transport=httpx.MockTransport(handler))
        with HubSpotAssociations(auth=auth, http_client=http, rate_limit=100) as client:
            client.associate("contacts", 1, "companies", 2, 279)
            rows = [AssociationRow("contacts", n, "companies", 2, [279]) for n in range(1, 21)]
            assert all(outcome.ok for outcome in client.associate_many(rows, concurrency=4, batch_size=1))
        assert calls[0] == "/oauth/v1/token" and len(calls) == 23, calls
        after_use = sorted(m for m in ("asyncio", "anyio", "trio") if m in sys.modules)
        print(after_import, after_use)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["[]", "[]"]


def test_the_async_client_imports_anyio_when_it_first_waits() -> None:
    # The counterpart: the async machinery is there when used (imported on first use, not at import).
    code = (
        "import sys, asyncio, hubspot_associations\n"
        "assert 'anyio' not in sys.modules\n"
        "from examples.any_event_loop import scenario\n"
        "asyncio.run(scenario())\n"
        "print('anyio' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_sync_client_against_the_emulator_in_a_thread_with_oauth() -> None:
    # The README's "emulator from the sync client" example: a real server on a free loopback port.
    with run_emulator_in_thread(EmulatorConfig(seed=1)) as emulator:
        auth = OAuthRefresh("emulator-client", "emulator-secret", "emulator-refresh")
        with HubSpotAssociations(auth=auth, base_url=emulator.base_url) as client:
            client.associate_default("contacts", 1000001, "companies", 2000001)
            rows = [AssociationRow("contacts", 1000001 + n, "companies", 2000001) for n in range(10)]
            assert all(outcome.ok for outcome in client.associate_many(rows, batch_size=1))
        assert emulator.state.token_grants == 1 and emulator.state.put_count == 11


def test_an_async_only_transport_in_a_sync_client_is_refused_before_any_request() -> None:
    app = create_app(state=EmulatorState(EmulatorConfig(seed=1)))
    with pytest.raises(InvalidInputError, match="run_emulator_in_thread") as caught:
        HubSpotAssociations("emulator-token", http_client=httpx.Client(transport=httpx.ASGITransport(app=app)))  # type: ignore[arg-type]
    assert caught.value.argument == "http_client" and "ASGITransport" in str(caught.value)

    class SyncOnly(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            return httpx.Response(200)

    with pytest.raises(InvalidInputError, match="AsyncBaseTransport"):
        AsyncHubSpotAssociations("emulator-token", http_client=httpx.AsyncClient(transport=SyncOnly()))  # type: ignore[arg-type]
