"""The ``hubspot-associations`` command-line tool (needs the ``cli`` extra: typer and rich).

    hubspot-associations associate contacts 101 companies 202 [--type 1] [--json]
    hubspot-associations bulk rows.csv [--resume] [--dry-run]
    hubspot-associations emulator --port 8765 --rate-limit 100/1 --fault-rate 0.1

Nothing outside this package imports it, so the SDK itself never depends on typer or rich.
"""

from __future__ import annotations

from ._commands import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point."""
    app()
