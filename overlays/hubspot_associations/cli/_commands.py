"""The ``hubspot-associations`` app: ``--version``, the registration of its commands, and the ``emulator`` command.

``associate`` lives in :mod:`._associate`, ``bulk`` in :mod:`._bulk_command`, ``verify`` and ``remove`` in
:mod:`._readback_command`; exit statuses in :mod:`._output`.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer
from typer.core import TyperArgument, TyperCommand

from ._associate import associate, parse_type_option
from ._bulk_command import bulk, exit_status
from ._output import EXIT_USAGE, fail
from ._readback_command import remove, verify

__all__ = ["app", "exit_status", "parse_type_option"]

app: typer.Typer = typer.Typer(
    name="hubspot-associations",
    rich_markup_mode="rich",
    help="Create HubSpot CRM associations, one at a time or in bulk; verify or remove them; run an emulator.",
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
    """Create HubSpot CRM associations, one at a time or in bulk; verify or remove them; run an emulator."""


class _PlainUsage(TyperCommand):
    """A usage line as users read them (``bulk [OPTIONS] FILE``), not Typer's ``{FILE}`` for a required argument."""

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # Any: click's Context, or the one typer >= 0.25 vendors
        pieces = [self.options_metavar] if self.options_metavar else []
        for param in self.get_params(ctx):
            if isinstance(param, TyperArgument):
                name = param.metavar or (param.name or "").upper()
                pieces.append(name if param.required else f"[{name}]")
            else:
                pieces.extend(param.get_usage_pieces(ctx))
        return pieces


app.command(cls=_PlainUsage)(associate)
app.command(cls=_PlainUsage)(bulk)
app.command(cls=_PlainUsage)(verify)
app.command(cls=_PlainUsage)(remove)


@app.command(
    add_help_option=False,  # --help goes to the emulator's own parser, which lists every option
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def emulator(ctx: typer.Context) -> None:
    """Run the offline HubSpot emulator until Ctrl-C (fake credentials, printed on start; --help lists its options)."""
    try:
        from ..emulator import main as emulator_main
    except ModuleNotFoundError as exc:
        fail(f"the emulator needs {exc.name}: pip install 'hubspot-associations[cli]'", EXIT_USAGE)
    raise typer.Exit(emulator_main(ctx.args, prog="hubspot-associations emulator"))
