"""Helpers for CLI tests: run the Typer app in process against one emulator; write input files."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner, Result

from hubspot_associations.cli import app
from hubspot_associations.emulator import RunningEmulator


class Cli:
    """Runs the Typer app in process, against one emulator."""

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.runner = CliRunner()

    def __call__(self, *args: str, auth: bool = True) -> Result:
        extra = ["--base-url", self.emulator.base_url, "--token", self.emulator.token] if auth else []
        return self.runner.invoke(app, [*args, *extra], catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
