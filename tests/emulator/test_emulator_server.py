"""The emulator over real loopback sockets (uvicorn in a thread) and its command line."""

from __future__ import annotations

import httpx
import pytest

from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from hubspot_associations.emulator._command import config_from_args
from tests.emulator.emulator_support import AUTH, COMPANY, CONTACT, default_url

URL = default_url("contact", CONTACT, "company", COMPANY)


def test_loopback_success_drop_and_inspection() -> None:
    config = EmulatorConfig(fault_rate=0.5, faults=("drop_after_commit",), seed=1)
    with run_emulator_in_thread(config) as emulator:
        assert emulator.base_url.startswith("http://127.0.0.1:")
        outcomes: list[str] = []
        with httpx.Client(base_url=emulator.base_url, headers=AUTH) as client:
            for _ in range(12):
                try:
                    response = client.put(URL)
                    outcomes.append(str(response.status_code))
                except httpx.RemoteProtocolError:
                    outcomes.append("dropped")
            stats = client.get("/_emulator/stats").json()

        assert set(outcomes) == {"200", "dropped"}
        assert stats["put_count"] == 12
        assert stats["unique_associations"] == 1
        assert stats["counts_by_status"] == {"0": outcomes.count("dropped"), "200": outcomes.count("200")}
        assert emulator.state.put_count == 12

    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{emulator.base_url}/_emulator/stats")


def test_command_line_options() -> None:
    config, host, port = config_from_args(
        [
            "--port",
            "9000",
            "--rate-limit",
            "100/10",
            "--daily-limit",
            "5000",
            "--fault-rate",
            "0.1",
            "--faults",
            "503,drop",
            "--latency-ms",
            "25",
            "--seed",
            "7",
            "--token",
            "pat-test",
        ]
    )

    assert (host, port) == ("127.0.0.1", 9000)
    assert (config.rate_limit, config.rate_window_s, config.daily_limit) == (100, 10.0, 5000)
    assert (config.fault_rate, config.faults, config.latency_s, config.seed) == (0.1, ("503", "drop"), 0.025, 7)
    assert list(config.tokens) == ["pat-test"]


@pytest.mark.parametrize("argv", [["--faults", "boom"], ["--rate-limit", "x/y"], ["--fault-rate", "2"]])
def test_command_line_rejects_bad_options(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc_info:
        config_from_args(argv)
    assert exc_info.value.code == 2
