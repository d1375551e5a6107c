"""The ``hubspot-associations`` command-line tool (needs the ``cli`` extra: typer and rich).

    hubspot-associations associate contacts 101 companies 202 [--type 1] [--json]
    hubspot-associations bulk rows.csv [--resume] [--dry-run]
    hubspot-associations emulator --port 8765 --rate-limit 100/1 --fault-rate 0.1

Nothing outside this package imports it, so the SDK itself never depends on typer or rich; the console script
imports them only when it runs, and says how to install them when they are missing.

Where each concern lives:

* ``_commands`` -- the typer app, ``--version``, the registration of the commands, the ``emulator`` command.
* ``_associate`` -- the ``associate`` command (``--type`` parsing, text and JSON output).
* ``_bulk_command`` -- the ``bulk`` command's options, output and exit status.
* ``_output`` -- consoles, markup escaping, ``Error:`` and the exit statuses.
* ``_connection`` -- the options every API command shares and the client built from them.
* ``_bulk_plan`` -- everything ``bulk`` checks before sending: output paths, the journal, the first pass.
* ``_bulk_run`` -- the sending pass, the circuit breaker and ``BulkSummary``.
* ``_progress`` -- the progress bar and Ctrl-C / SIGTERM handling.
* ``_input`` -- reading CSV and JSON Lines rows; ``_journal`` -- the resume journal; ``_report`` -- the failure
  report; ``_files`` -- refusing outputs that would harm a file; ``_sharding`` -- ``--shard K/N``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._commands import app

__all__ = ["EXTRA_MISSING_STATUS", "app", "main"]

EXTRA_MISSING_STATUS = 2
_CLI_MODULES = ("typer", "rich", "click")


def __getattr__(name: str) -> Any:
    if name == "app":
        from ._commands import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point."""
    try:
        from ._commands import app
    except ModuleNotFoundError as exc:
        if exc.name not in _CLI_MODULES:
            raise
        print(
            f"hubspot-associations: the command line needs the 'cli' extra ({exc.name} is not installed):\n"
            "    pip install 'hubspot-associations[cli]'",
            file=sys.stderr,
        )
        raise SystemExit(EXTRA_MISSING_STATUS) from None
    _collect_less()
    app()


def _collect_less() -> None:
    """Tune the garbage collector for this process (a CLI run, not the SDK inside someone's program): what is loaded
    now lives until exit, so it is left out of every collection (``gc.freeze``); and a collection waits for 10,000
    new container objects instead of 700. A bulk run makes a few short-lived objects per row, nearly all freed by
    reference counting; collecting every 700 of them cost ~4 us of CPU per row (docs/performance.md)."""
    import gc

    gc.freeze()
    gc.set_threshold(10_000, 10, 10)
