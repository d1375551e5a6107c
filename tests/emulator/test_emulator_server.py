"""The emulator over real loopback sockets (uvicorn in a thread) and its command line."""

from __future__ import annotations

import asyncio
import socket

import httpx
import pytest

from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from hubspot_associations.emulator._command import config_from_args
from hubspot_associations.emulator._server import listening_socket
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


def test_accepted_connections_send_without_delay() -> None:
    # Without TCP_NODELAY each response's second write waits for the client's delayed ACK (~40 ms per request).
    async def nodelay_of_an_accepted_connection() -> int:
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listening_socket("127.0.0.1"))
        async with server:
            _, writer = await asyncio.open_connection(*server.sockets[0].getsockname()[:2])
            try:
                return await asyncio.wait_for(accepted, timeout=10)
            finally:
                writer.close()

    assert asyncio.run(nodelay_of_an_accepted_connection()) != 0


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
            "--batch-limit",
            "100",
        ]
    )

    assert (host, port) == ("127.0.0.1", 9000)
    assert (config.rate_limit, config.rate_window_s, config.daily_limit) == (100, 10.0, 5000)
    assert (config.fault_rate, config.faults, config.latency_s, config.seed) == (0.1, ("503", "drop"), 0.025, 7)
    assert list(config.tokens) == ["pat-test"] and config.batch_input_limit == 100


def test_command_line_defaults_and_no_daily_limit() -> None:
    default, _host, _port = config_from_args([])
    unlimited, _host, _port = config_from_args(["--daily-limit", "none"])

    assert (default.rate_limit, default.daily_limit, default.faults) == (190, 1_000_000, EmulatorConfig().faults)
    assert unlimited.daily_limit is None


@pytest.mark.parametrize(
    "argv",
    [
        ["--faults", "boom"],
        ["--rate-limit", "x/y"],
        ["--rate-limit", "0/10"],
        ["--fault-rate", "2"],
        ["--daily-limit", "lots"],
        ["--batch-limit", "0"],
        ["--latency-ms", "-1"],
    ],
)
def test_command_line_rejects_bad_options(argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exc_info:
        config_from_args(argv)
    assert exc_info.value.code == 2
