"""``hubspot-associations emulator`` delegates to the emulator's own ``main(argv)``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import hubspot_associations.emulator as emulator_package
from hubspot_associations.cli import app


def test_options_are_passed_through(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []

    def fake_main(argv: list[str] | None = None) -> int:
        seen.append(list(argv or []))
        return 0

    monkeypatch.setattr(emulator_package, "main", fake_main)
    args = ["emulator", "--port", "9999", "--rate-limit", "100/1", "--fault-rate", "0.1", "--seed", "3"]
    result = CliRunner().invoke(app, [*args, "--latency-ms", "5"])
    assert result.exit_code == 0, result.output
    assert seen == [
        [
            "--host",
            "127.0.0.1",
            "--port",
            "9999",
            "--rate-limit",
            "100/1",
            "--fault-rate",
            "0.1",
            "--seed",
            "3",
            "--latency-ms",
            "5",
        ]
    ]


def test_bad_fault_rate_is_a_usage_error() -> None:
    result = CliRunner().invoke(app, ["emulator", "--fault-rate", "2"])
    assert result.exit_code == 2


def test_help_lists_every_command() -> None:
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("associate", "bulk", "emulator"):
        assert command in result.output
