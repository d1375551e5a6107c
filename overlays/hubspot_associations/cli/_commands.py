"""The ``hubspot-associations`` app: ``--version``, the registration of its commands, and the ``emulator`` command.

``associate`` lives in :mod:`._associate`, ``bulk`` in :mod:`._bulk_command`, ``verify`` and ``remove`` in
:mod:`._readback_command`; exit statuses in :mod:`._output`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from ._associate import associate, parse_type_option
from ._bulk_command import bulk, exit_status
from ._output import EXIT_USAGE, fail
from ._readback_command import remove, verify

__all__ = ["app", "exit_status", "parse_type_option"]

app: typer.Typer = typer.Typer(
    name="hubspot-associations",
    rich_markup_mode="rich",
    help="Create HubSpot CRM associations: one at a time, in bulk from a file, or against a local emulator.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _version(value: bool) -> None:
    if value:
        from .._version import __version__

        typer.echo(f"hubspot-associations {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    """Create HubSpot CRM associations: one at a time, in bulk from a file, or against a local emulator."""


app.command()(associate)
app.command()(bulk)
app.command()(verify)
app.command()(remove)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def emulator(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")] = 8765,
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    rate_limit: Annotated[
        str, typer.Option(metavar="N/SECONDS", help="Rolling-window limit per app, or 'off'.")
    ] = "190/10",
    fault_rate: Annotated[float, typer.Option(min=0.0, max=1.0, help="Share of PUTs that get a fault.")] = 0.0,
    seed: Annotated[int | None, typer.Option(show_default=False, help="Seed for reproducible faults.")] = None,
) -> None:
    """Run the offline HubSpot emulator until Ctrl-C (extra options go to python -m hubspot_associations.emulator)."""
    try:
        from ..emulator import main as emulator_main
    except ModuleNotFoundError as exc:
        fail(f"the emulator needs {exc.name}: pip install 'hubspot-associations[cli]'", EXIT_USAGE)

    argv = ["--host", host, "--port", str(port), "--rate-limit", rate_limit, "--fault-rate", str(fault_rate)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    raise typer.Exit(emulator_main([*argv, *ctx.args]))
