"""``hubspot-associations emulator``: its help lists every option, its banner says what a user needs, its requests log.

The command hands its arguments unchanged to the emulator's own ``main(argv)``, so its options live in one parser.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest
from typer.testing import CliRunner

import hubspot_associations.emulator as emulator_package
from hubspot_associations.cli import app
from hubspot_associations.emulator import DEFAULT_TOKEN, ConnectionDropped, EmulatorConfig, create_app
from hubspot_associations.emulator._command import banner, build_parser, config_from_args
from hubspot_associations.emulator._server import RequestLog


def test_arguments_are_passed_through_unchanged(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[list[str], str]] = []

    def fake_main(argv: list[str] | None = None, *, prog: str = "") -> int:
        seen.append((list(argv or []), prog))
        return 0

    monkeypatch.setattr(emulator_package, "main", fake_main)
    args = ["--port", "9999", "--rate-limit", "100/1", "--fault-rate", "0.1", "--latency-ms", "5", "--log-requests"]
    result = CliRunner().invoke(app, ["emulator", *args])
    assert result.exit_code == 0, result.output
    assert seen == [(args, "hubspot-associations emulator")]


def test_bad_fault_rate_is_a_usage_error_naming_the_option() -> None:
    result = CliRunner().invoke(app, ["emulator", "--fault-rate", "2"])
    assert result.exit_code == 2 and "--fault-rate: expected a share from 0 to 1" in result.output


def test_help_lists_every_option_with_a_sentence() -> None:
    result = CliRunner().invoke(app, ["emulator", "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert text.startswith("usage: hubspot-associations emulator ")
    options = [action for action in build_parser()._actions if action.option_strings != ["-h", "--help"]]
    assert len(options) >= 10
    for action in options:
        assert action.help and action.help.endswith("."), action.dest
        assert " ".join(action.help.split()) in text, action.option_strings
        assert action.option_strings[-1] in text
    words = ("--faults", "--daily-limit", "--batch-limit", "--latency-ms", "--token", "--log-requests", "--api-version")
    for word in (*words, "per 10 s"):
        assert word in text
    assert ":class:" not in text and "``" not in text  # no raw reST


def test_rate_limit_without_a_window_is_per_ten_seconds_and_the_banner_says_so() -> None:
    config, _host, _port = config_from_args(["--rate-limit", "100"])
    assert (config.rate_limit, config.rate_window_s) == (100, 10.0)
    lines = banner(config, "http://127.0.0.1:8765")
    assert "  rate limit     100 requests per 10 s rolling window per app (429 beyond it)" in lines
    off, _host, _port = config_from_args(["--rate-limit", "off", "--daily-limit", "off"])
    assert "  rate limit     off" in banner(off, "http://x") and "  daily limit    off" in banner(off, "http://x")


def test_banner_shows_url_records_and_the_fake_credentials() -> None:
    config = EmulatorConfig()
    text = "\n".join(banner(config, "http://127.0.0.1:8765"))
    assert text.startswith("HubSpot emulator: http://127.0.0.1:8765\n")
    for expected in (
        "contacts (0-1) 1000001..1005000",
        "companies (0-2) 2000001..2005000",
        "deals (0-3) 3000001..3002000",
        "tickets (0-5) 5000001..5002000",
        "cars (2-3456) 20000000001..20000001000",
        f"access token   {DEFAULT_TOKEN}",
        "client id emulator-client, client secret emulator-secret, refresh token emulator-refresh",
        "1,000,000 requests per day",
        "batch limit    2,000 inputs per batch request (400 beyond it)",
        "API versions   v4, 2026-03, 2026-09 (each on its own paths)",
        "faults         none",
    ):
        assert expected in text


def test_banner_never_shows_a_token_the_user_passed() -> None:
    config, _host, _port = config_from_args(["--token", "pat-na1-REAL-SECRET", "--fault-rate", "0.1", "--seed", "3"])
    text = "\n".join(banner(config, "http://127.0.0.1:1"))
    assert "REAL-SECRET" not in text and "the one given with --token (not shown)" in text
    assert "10% of association requests, drawn from 500, 502_html, 503, 520_html, drop (seed 3)" in text


def test_request_log_prints_method_path_and_status_without_query_or_control_characters() -> None:
    lines: list[str] = []
    config = EmulatorConfig(rate_limit=None, fault_rate=1.0, faults=("drop",), seed=1)
    logged = RequestLog(create_app(config), lines.append)

    async def requests() -> None:
        transport = httpx.ASGITransport(app=logged)
        async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
            await client.get("/nowhere/%1b%5b31m?token=secret")
            with pytest.raises(ConnectionDropped):  # ASGITransport hands the app's exception on
                await client.put(
                    "/crm/v4/objects/contacts/1000001/associations/default/companies/2000001",
                    headers={"Authorization": f"Bearer {DEFAULT_TOKEN}"},
                )

    asyncio.run(requests())
    assert [line.rsplit(" ", 2)[0] for line in lines] == [
        "GET /nowhere/\\x1b[31m 404",
        "PUT /crm/v4/objects/contacts/1000001/associations/default/companies/2000001 dropped",
    ]
    assert all(line.endswith(" ms") for line in lines) and "secret" not in "".join(lines)
