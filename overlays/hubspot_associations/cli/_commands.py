"""The ``hubspot-associations`` commands: ``associate``, ``bulk`` and ``emulator``.

Exit status: 0 success; 1 HubSpot refused something (or, for ``bulk``, any row failed); 2 bad usage, bad input
file or journal, or an output path that would harm a file (nothing sent); 3 (``bulk``) the run stopped sending
because every following row would fail the same way (wrong token, missing scopes, daily limit): the rows not
attempted are counted as such, and ``--resume`` continues once the cause is fixed; 130 interrupted (Ctrl-C,
SIGTERM; ``--resume`` continues).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation, LabelsBetweenObjectPair

from .._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES
from .._errors import APIStatusError, BadRequestError, HubSpotError, PermissionDeniedError
from .._models import AssociationSpec, spec_from_text
from .._oauth import OAuthRefreshError
from .._validation import InvalidInputError, validate_object_id, validate_object_type
from ._bulk_run import BulkSetupError, BulkSummary, plan_bulk, run_plan
from ._connection import (
    BaseUrlOption,
    ClientIdOption,
    ClientSecretOption,
    MaxRetriesOption,
    RateLimitOption,
    RefreshTokenOption,
    SharedLimitOption,
    TokenOption,
    build_client,
)
from ._input import InputFileError, InputFormat
from ._sharding import parse_shard

__all__ = ["app"]

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_INTERRUPTED = 130

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


def _stdout() -> Console:
    return Console(soft_wrap=True, highlight=False)


def _stderr() -> Console:
    return Console(stderr=True, soft_wrap=True, highlight=False)


def _fail(message: str, code: int) -> NoReturn:
    _stderr().print(f"[red]Error:[/] {_escape(message)}")
    raise typer.Exit(code)


def _escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


# -- associate ----------------------------------------------------------------------------------------------------


def parse_type_option(value: str) -> AssociationSpec:
    """``"279"`` → HUBSPOT_DEFINED 279; ``"36:USER_DEFINED"`` → USER_DEFINED 36 (category case-insensitive)."""
    type_id, _, category = value.partition(":")
    try:
        return spec_from_text(type_id.strip(), category.strip())
    except InvalidInputError as exc:
        raise typer.BadParameter(
            f"expected ID[:CATEGORY] such as 279 or 36:USER_DEFINED; in {value!r} the {exc.argument} {exc.reason}",
            param_hint="--type",
        ) from None


def _result_json(result: BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair) -> dict[str, Any]:
    return result.to_dict()


def _describe(
    result: BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair, from_type: str, to_type: str
) -> list[str]:
    if isinstance(result, LabelsBetweenObjectPair):
        labels = ", ".join(result.labels) if result.labels else "(unlabelled types only)"
        return [
            f"Associated {from_type} {result.from_object_id} → {to_type} {result.to_object_id} "
            f"({result.from_object_type_id} → {result.to_object_type_id}); labels: {labels}"
        ]
    lines = []
    for index, item in enumerate(result.results):
        direction = (from_type, to_type) if index == 0 else (to_type, from_type)
        lines.append(
            f"Default association {direction[0]} {item.from_.id} → {direction[1]} {item.to.id} "
            f"(type {item.association_spec.association_type_id}, {item.association_spec.association_category.value})"
        )
    return lines


def _error_json(error: BaseException) -> dict[str, Any]:
    body: dict[str, Any] = {"type": type(error).__name__, "message": str(error)}
    if isinstance(error, HubSpotError) and error.attempts is not None:
        body["attempts"] = error.attempts
    if isinstance(error, APIStatusError):
        body.update(status=error.status_code, category=error.category, correlation_id=error.correlation_id)
    return body


@app.command()
def associate(
    from_type: Annotated[str, typer.Argument(help="Object type, e.g. contacts, 0-1, p_cars.", show_default=False)],
    from_id: Annotated[str, typer.Argument(help="Record id.", show_default=False)],
    to_type: Annotated[str, typer.Argument(help="Object type of the other record.", show_default=False)],
    to_id: Annotated[str, typer.Argument(help="Record id of the other record.", show_default=False)],
    types: Annotated[
        list[str] | None,
        typer.Option(
            "--type",
            "-t",
            metavar="ID[:CATEGORY]",
            show_default=False,
            help="Association type (repeatable); CATEGORY defaults to HUBSPOT_DEFINED. Without it: the default "
            "association.",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result (or error) as JSON.")] = False,
    token: TokenOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    refresh_token: RefreshTokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    max_retries: MaxRetriesOption = DEFAULT_MAX_RETRIES,
) -> None:
    """Associate two records: the default association, or the types given with --type.

    Example: hubspot-associations associate contacts 101 companies 202 --type 1
    """
    specs = [parse_type_option(value) for value in types or ()]
    try:
        validate_object_type(from_type, "FROM_TYPE")
        validate_object_id(from_id, "FROM_ID")
        validate_object_type(to_type, "TO_TYPE")
        validate_object_id(to_id, "TO_ID")
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.reason, param_hint=exc.argument) from None
    client = build_client(
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        base_url=base_url,
        max_retries=max_retries,
    )
    with client:
        try:
            raw: Any
            if specs:
                raw = client.with_raw_response.associate(from_type, from_id, to_type, to_id, specs)
            else:
                raw = client.with_raw_response.associate_default(from_type, from_id, to_type, to_id)
        except KeyboardInterrupt:
            _fail(
                "interrupted: the association may or may not exist now (running it again is harmless)", EXIT_INTERRUPTED
            )
        except (HubSpotError, OAuthRefreshError) as error:
            if json_output:
                typer.echo(json.dumps({"ok": False, "error": _error_json(error)}, indent=2))
                raise typer.Exit(EXIT_FAILED) from None
            hint = ""
            if isinstance(error, PermissionDeniedError) and error.missing_scopes:
                hint = f" (missing scopes: {', '.join(error.missing_scopes)})"
            if isinstance(error, BadRequestError) and error.invalid_object_ids:
                hint = f" (invalid object ids: {', '.join(error.invalid_object_ids)})"
            _fail(f"{error}{hint}", EXIT_FAILED)
    if json_output:
        body = {
            "ok": True,
            "result": _result_json(raw.parsed),
            "correlation_id": raw.correlation_id,
            "attempts": raw.attempts,
        }
        typer.echo(json.dumps(body, indent=2))
        return
    out = _stdout()
    for line in _describe(raw.parsed, from_type, to_type):
        out.print(f"[green]✓[/] {_escape(line)}")
    retries = f", {_plural(raw.attempts - 1, 'retry', 'retries')} absorbed" if raw.attempts > 1 else ""
    out.print(f"[dim]correlation id {_escape(raw.correlation_id or '-')}{retries}[/]")  # the server's text


# -- bulk ---------------------------------------------------------------------------------------------------------


@app.command()
def bulk(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="FILE",
            show_default=False,
            help="CSV with a header, or JSON Lines.",
        ),
    ],
    resume: Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its journal.")] = False,
    restart: Annotated[bool, typer.Option("--restart", help="Discard an existing journal and start over.")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check every row and report problems; send nothing.")] = (
        False
    ),
    journal: Annotated[
        Path | None, typer.Option(show_default=False, help="Journal path (default: FILE.journal).")
    ] = None,
    report: Annotated[
        Path | None,
        typer.Option(show_default=False, help="Failure report path (default: FILE without suffix + .failures.csv)."),
    ] = None,
    input_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            metavar="csv|jsonl",
            show_default=False,
            help="Input format (default: by suffix: .jsonl, .ndjson, .json are JSON Lines, others CSV).",
        ),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Rows in flight at once.")] = 8,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress",
            show_default=False,
            help="Show a progress bar with rate, counts and ETA on stderr (default: when stderr is a terminal).",
        ),
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    token: TokenOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    refresh_token: RefreshTokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    max_retries: MaxRetriesOption = DEFAULT_MAX_RETRIES,
    rate_limit: RateLimitOption = None,
    shared_limit: SharedLimitOption = None,
    shard_option: Annotated[
        str | None,
        typer.Option(
            "--shard",
            metavar="K/N",
            show_default=False,
            help="Work only shard K of N (rows whose 0-based position modulo N is K-1), with its own journal "
            "and report (default names: FILE.shard-K-of-N.journal, FILE without suffix + .shard-K-of-N.failures.csv).",
        ),
    ] = None,
) -> None:
    """Create every association listed in FILE, with a journal for --resume and a CSV report of failures.

    Columns (CSV header or JSON keys): from_type, from_id, to_type, to_id, and optionally type_id, category.

    Exit status:
    0 every row confirmed;
    1 some rows failed (see the failure report);
    2 bad usage, input file, journal or output path (nothing sent);
    3 stopped early, every later row would fail alike (wrong token, missing scopes, daily limit): fix, --resume;
    130 interrupted (Ctrl-C, SIGTERM), --resume continues.
    """
    if resume and restart:
        raise typer.BadParameter("use either --resume or --restart", param_hint="--resume")
    err = _stderr()
    shard = parse_shard(shard_option)
    try:
        plan = plan_bulk(
            file,
            _input_format(input_format),
            journal_path=journal,
            report_path=report,
            resume=resume,
            restart=restart,
            dry_run=dry_run,
            shard=shard,
        )
    except BulkSetupError as exc:
        _fail(str(exc), EXIT_USAGE)
    for note in plan.notes:
        err.print(_escape(note))
    check = plan.check
    for problem in check.problems:
        err.print(f"[red]{_escape(file.name)}: line {problem.line}:[/] {_escape(problem.message)}")
    if check.problem_count > len(check.problems):
        err.print(f"... and {check.problem_count - len(check.problems)} more invalid rows")
    if dry_run:
        _print_check(file, check.rows, check.problem_count, json_output)
        raise typer.Exit(EXIT_FAILED if check.problem_count else 0)
    client = build_client(
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        base_url=base_url,
        max_retries=max_retries,
        rate_limit=rate_limit,
        shared_limit=shared_limit,
    )
    if check.already_confirmed:
        err.print(f"Resuming: {check.already_confirmed} of {check.rows} rows already confirmed, not sent again.")
    with client:
        try:
            summary = run_plan(
                client,
                plan,
                concurrency=concurrency,
                console=err,
                show_progress=err.is_terminal if progress is None else progress,
            )
        except (InputFileError, OSError) as exc:  # the file changed under us, a disk full...
            _fail(f"{file}: {exc}", EXIT_USAGE)
        except KeyboardInterrupt:  # a second Ctrl-C: no summary, but the journal holds every confirmed row
            _fail("interrupted twice: stopped at once; run again with --resume to continue", EXIT_INTERRUPTED)
    _print_summary(file, summary, json_output)
    raise typer.Exit(exit_status(summary))


def exit_status(summary: BulkSummary) -> int:
    """130 interrupted; 3 stopped by a run-wide failure (rows not attempted); 1 some row failed; else 0."""
    if summary.interrupted:
        return EXIT_INTERRUPTED
    if summary.stopped_by is not None or summary.blocked_pairs:
        return EXIT_STOPPED
    return 0 if summary.ok else EXIT_FAILED


def _input_format(value: str | None) -> InputFormat | None:
    if value is None:
        return None
    lowered = value.lower()
    if lowered == "csv":
        return "csv"
    if lowered in ("jsonl", "ndjson"):
        return "jsonl"
    raise typer.BadParameter(f"expected csv or jsonl, got {value!r}", param_hint="--format")


def _print_check(file: Path, rows: int, problems: int, json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps({"rows": rows, "invalid": problems, "valid": rows - problems, "sent": 0}))
        return
    verdict = "[green]all valid[/]" if not problems else f"[red]{problems} invalid[/]"
    _stdout().print(f"Dry run of {_escape(file.name)}: {rows} rows checked, {verdict}; nothing sent.")


def _print_summary(file: Path, summary: BulkSummary, json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps(summary.as_dict()))
        return
    out = _stdout()
    if summary.interrupted:
        status = "[yellow]interrupted[/]"
    elif summary.stopped_by is not None:
        status = "[red]stopped[/]"
    else:
        status = "[green]done[/]" if summary.ok else "[red]done[/]"
    unsent = ""
    if summary.not_attempted:
        unsent += f", [yellow]{summary.not_attempted} not attempted[/]"
    if summary.unfinished:
        unsent += f", [yellow]{summary.unfinished} unfinished[/]"
    out.print(
        f"{status} {_escape(file.name)}: {summary.rows} rows, [green]{summary.confirmed} confirmed[/], "
        f"[red]{summary.failed} failed[/]{unsent}, {summary.skipped} already confirmed earlier; "
        f"{_plural(summary.retries, 'retry', 'retries')} absorbed; {summary.seconds:.1f} s"
    )
    if summary.stopped_by is not None:
        reason = _escape(summary.stopped_by)
        out.print(f"[red]Stopped sending:[/] every following row would fail the same way: {reason}")
    for pair in summary.blocked_pairs:
        out.print(f"[red]Not sent:[/] the rows {_escape(pair)} (missing scopes; see the failure report)")
    if summary.report_path is not None:
        out.print(f"Failure report: {_escape(str(summary.report_path))}")
    if not summary.ok:
        out.print(f"Journal: {_escape(str(summary.journal_path))} (run again with --resume to continue)")


# -- emulator -----------------------------------------------------------------------------------------------------


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
        _fail(f"the emulator needs {exc.name}: pip install 'hubspot-associations[cli]'", EXIT_USAGE)

    argv = ["--host", host, "--port", str(port), "--rate-limit", rate_limit, "--fault-rate", str(fault_rate)]
    if seed is not None:
        argv += ["--seed", str(seed)]
    raise typer.Exit(emulator_main([*argv, *ctx.args]))
