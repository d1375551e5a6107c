"""The rate limit is per app and account, not per API version: clients on v4 and on 2026-09 share one budget."""

from __future__ import annotations

import threading

from hubspot_associations import AssociationRow, HubSpotAssociations
from hubspot_associations._shared_pacing import KEY_PREFIX, account_key
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.shared_limit.redis_support import RedisServer

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"


def test_a_v4_and_a_2026_09_client_draw_on_one_budget(redis_server: RedisServer) -> None:
    config = EmulatorConfig(rate_limit=10, rate_window_s=0.5, tokens={TOKEN: EmulatorConfig().default_scopes})
    ok: dict[str, int] = {}
    with run_emulator_in_thread(config) as emulator:

        def run(version: str, offset: int) -> None:
            rows = [
                AssociationRow("contacts", 1000001 + i, "companies", 2000001 + i) for i in range(offset, offset + 25)
            ]
            client = HubSpotAssociations(
                TOKEN, base_url=emulator.base_url, api_version=version, shared_limit=redis_server.url
            )
            with client:
                ok[version] = sum(outcome.ok for outcome in client.associate_many(rows, concurrency=4, batch_size=1))

        threads = [threading.Thread(target=run, args=args) for args in (("v4", 0), ("2026-09", 25))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        log = emulator.state.request_log
    assert ok == {"v4": 25, "2026-09": 25}
    # Both versions drew on one budget: 10 per 0.5 s for both clients together, not one 429 (two budgets, without
    # shared_limit, send twice that and collected 13 429s in a trial run).
    assert emulator.state.counts_by_status == {200: 50}
    assert {path.split("/")[2] for _, path, _ in log} == {"v4", "objects"}  # /crm/v4/... and /crm/objects/2026-09/...
    # One account key, whatever the version (its log, state and answers entries): nothing per version.
    keys = {key.decode() if isinstance(key, bytes) else key for key in redis_server.client().keys(f"{KEY_PREFIX}:*")}
    assert {key.rsplit(":", 1)[0] for key in keys} == {f"{KEY_PREFIX}:{{token:{account_key(TOKEN)}}}"}
