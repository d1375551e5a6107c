"""Fixtures for CLI tests: a live emulator over loopback and a CliRunner with its credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.cli.cli_support import Cli


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    """A fresh emulator without rate limit or faults."""
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=1)) as running:
        yield running


@pytest.fixture(autouse=True)
def _no_ambient_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HUBSPOT_ACCESS_TOKEN", "HUBSPOT_CLIENT_ID", "HUBSPOT_CLIENT_SECRET", "HUBSPOT_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("HUBSPOT_BASE_URL", raising=False)


@pytest.fixture
def cli(emulator: RunningEmulator) -> Cli:
    return Cli(emulator)
