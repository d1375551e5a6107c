"""``bulk --shared-limit`` with Redis killed mid-run and started again (issue 25, defect 5): the CLI says once, in
plain words, that the shared limit is unreachable and this process paces alone, and once when it is back; every row
is still confirmed."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hubspot_associations import _shared_pacing
from hubspot_associations.cli import app
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.shared_limit.redis_support import RedisServer

ROWS = 400
DOWN_AT, UP_AT = 40, 100  # PUTs answered when Redis is killed, and when it is started again


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, latency_s=0.004)) as running:
        yield running


def _outage(emulator: RunningEmulator, redis_server: RedisServer, done: threading.Event) -> None:
    """Kill Redis once DOWN_AT rows are answered; start it again (same port) at UP_AT."""
    for threshold, action in ((DOWN_AT, redis_server.stop), (UP_AT, redis_server.start)):
        while emulator.state.put_count < threshold and not done.is_set():
            done.wait(0.002)
        action()


def test_an_outage_of_the_shared_limit_is_announced_once_and_its_end_too(
    emulator: RunningEmulator, redis_server: RedisServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_shared_pacing, "RECONNECT_INTERVAL", 0.05)  # try Redis again soon (default 2 s)
    path = tmp_path / "rows.csv"
    rows = "".join(f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(ROWS))
    path.write_text("from_type,from_id,to_type,to_id\n" + rows, encoding="utf-8")
    command = ["bulk", str(path), "--json", "--concurrency", "2", "--shared-limit", redis_server.url]
    command += ["--base-url", emulator.base_url, "--token", emulator.token]
    done = threading.Event()
    outage = threading.Thread(target=_outage, args=(emulator, redis_server, done))
    outage.start()
    try:
        result = CliRunner().invoke(app, command, catch_exceptions=False)
    finally:
        done.set()
        outage.join()
    assert result.exit_code == 0 and json.loads(result.stdout)["confirmed"] == ROWS  # no row lost
    err = " ".join(result.stderr.split())
    down = "The shared rate limit (--shared-limit) is unreachable: this process now paces alone"
    back = "The shared rate limit (--shared-limit) is reachable again"
    assert err.count(down) == 1 and err.count(back) == 1
    assert err.index(down) < err.index(back)
