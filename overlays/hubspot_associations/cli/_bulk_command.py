"""The ``bulk`` command: options and output around :func:`._bulk_run.plan_bulk` and :func:`._bulk_run.run_plan`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from .._api_versions import DEFAULT_API_VERSION
from .._constants import DEFAULT_BASE_URL, DEFAULT_MAX_BATCH_SIZE, DEFAULT_MAX_RETRIES, MAX_BATCH_SIZE
from ._bulk_run import BulkSetupError, BulkSummary, CheckResult, plan_bulk, run_plan
from ._connection import (
    ApiVersionOption,
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
from ._files import OutputWriteError
from ._input import InputFileError
from ._input_option import parse_input_format
from ._output import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_STOPPED,
    EXIT_USAGE,
    escape,
    fail,
    plural,
    stderr_console,
    stdout_console,
)
from ._sharding import parse_shard

__all__ = ["bulk", "exit_status"]


def bulk(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True,
            dir_okay=False,
            readable=True,
            metavar="FILE",
            show_default=False,
            help="CSV with a header (separated by commas, semicolons or tabs), JSON Lines, or a JSON array.",
        ),
    ],
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run from its journal (rows left on the wire are read back first).",
        ),
    ] = False,
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
            metavar="csv|json",
            show_default=False,
            help="Input format; json is JSON Lines or a JSON array (default: JSON for .json, .jsonl, .ndjson or a "
            "first character [ or {, else CSV; the CSV separator is sniffed from the header).",
        ),
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Requests in flight at once.")] = 8,
    batch_size: Annotated[
        int,
        typer.Option(
            min=1,
            max=MAX_BATCH_SIZE,
            help="Rows per request (batches per object-type pair; every row still gets its own outcome). "
            "1 sends each row alone.",
        ),
    ] = DEFAULT_MAX_BATCH_SIZE,
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
    api_version: ApiVersionOption = DEFAULT_API_VERSION,
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

    Columns (CSV header or JSON keys): from_type, from_id, to_type, to_id, and optionally type_id, category;
    or HubSpot's fromObjectType, fromObjectId, toObjectType, toObjectId, associationTypeId, associationCategory.
    A row that repeats an earlier one is sent once (--dry-run lists them).

    Exit status:
    0 every row confirmed;
    1 some rows failed (see the failure report);
    2 bad usage, input file, journal or output path (nothing sent);
    3 stopped early, rows may have been sent (every later row would fail alike: wrong token, missing scopes,
    daily limit; or the journal or report cannot be written: disk full; or the input broke mid-run): fix, --resume;
    130 interrupted (Ctrl-C, SIGTERM), --resume continues.
    """
    if resume and restart:
        raise typer.BadParameter("use either --resume or --restart", param_hint="--resume")
    err = stderr_console()
    shard = parse_shard(shard_option)
    try:
        plan = plan_bulk(
            file,
            parse_input_format(input_format),
            journal_path=journal,
            report_path=report,
            resume=resume,
            restart=restart,
            dry_run=dry_run,
            shard=shard,
        )
    except BulkSetupError as exc:
        fail(str(exc), EXIT_USAGE)
    for note in plan.notes:
        err.print(escape(note))
    check = plan.check
    for problem in check.problems:
        err.print(f"[red]{escape(file.name)}: {problem.where}:[/] {escape(problem.message)}")
    if check.problem_count > len(check.problems):
        err.print(f"... and {check.problem_count - len(check.problems)} more invalid rows")
    _print_duplicates(err, file, check, listed=dry_run)
    if dry_run:
        _print_check(file, check, json_output)
        raise typer.Exit(EXIT_FAILED if check.problem_count else 0)
    client = build_client(
        token=token,
        client_id=client_id,
        client_secret=client_secret,
        refresh_token=refresh_token,
        base_url=base_url,
        api_version=api_version,
        max_retries=max_retries,
        rate_limit=rate_limit,
        shared_limit=shared_limit,
        max_batch_size=batch_size,
    )
    with client:
        try:
            summary = run_plan(
                client,
                plan,
                concurrency=concurrency,
                batch_size=batch_size,
                console=err,
                show_progress=err.is_terminal if progress is None else progress,
            )
        except OutputWriteError as exc:  # the journal could not be created: nothing was sent
            fail(str(exc), EXIT_USAGE)
        except (InputFileError, OSError) as exc:  # the input file changed under us, or cannot be read
            fail(f"{file}: {exc}", EXIT_USAGE)
        except KeyboardInterrupt:  # a second Ctrl-C: no summary, but the journal holds every confirmed row
            fail("interrupted twice: stopped at once; run again with --resume to continue", EXIT_INTERRUPTED)
    _print_summary(file, summary, json_output)
    raise typer.Exit(exit_status(summary))


def exit_status(summary: BulkSummary) -> int:
    """130 interrupted; 3 stopped by a run-wide failure (rows not attempted); 1 some row failed; else 0."""
    if summary.interrupted:
        return EXIT_INTERRUPTED
    if summary.stopped_by is not None or summary.blocked_pairs:
        return EXIT_STOPPED
    return 0 if summary.ok else EXIT_FAILED


def _print_duplicates(err: Console, file: Path, check: CheckResult, *, listed: bool) -> None:
    """Each duplicate row (``--dry-run``), or how many there are: none is sent twice, none is dropped unsaid."""
    count = len(check.duplicates)
    if not count:
        return
    if not listed:
        err.print(
            f"[yellow]{escape(file.name)}: {plural(count, 'row repeats', 'rows repeat')} an earlier row:[/] "
            "not sent again (--dry-run lists them)"
        )
        return
    for note in check.duplicate_notes:
        err.print(f"[yellow]{escape(file.name)}: {escape(note)}[/]")
    if count > len(check.duplicate_notes):
        err.print(f"... and {count - len(check.duplicate_notes)} more duplicate rows")


def _print_check(file: Path, check: CheckResult, json_output: bool) -> None:
    rows, problems, duplicates = check.rows, check.problem_count, len(check.duplicates)
    if json_output:
        counts = {"rows": rows, "invalid": problems, "valid": rows - problems, "duplicates": duplicates, "sent": 0}
        typer.echo(json.dumps(counts))
        return
    verdict = "[green]all valid[/]" if not problems else f"[red]{problems} invalid[/]"
    repeats = f", [yellow]{plural(duplicates, 'duplicate', 'duplicates')} (sent once)[/]" if duplicates else ""
    stdout_console().print(f"Dry run of {escape(file.name)}: {rows} rows checked, {verdict}{repeats}; nothing sent.")


def _print_summary(file: Path, summary: BulkSummary, json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps(summary.as_dict()))
        return
    out = stdout_console()
    if summary.interrupted:
        status = "[yellow]interrupted[/]"
    elif summary.stopped_by is not None:
        status = "[red]stopped[/]"
    else:
        status = "[green]done[/]" if summary.ok else "[red]done[/]"
    unsent = ""
    if summary.duplicates:
        unsent += f", [yellow]{plural(summary.duplicates, 'duplicate', 'duplicates')} not sent again[/]"
    if summary.not_attempted:
        unsent += f", [yellow]{summary.not_attempted} not attempted[/]"
    if summary.unfinished:
        unsent += f", [yellow]{summary.unfinished} unfinished[/]"
    out.print(
        f"{status} {escape(file.name)}: {summary.rows} rows, [green]{summary.confirmed} confirmed[/], "
        f"[red]{summary.failed} failed[/]{unsent}, {summary.skipped} already confirmed earlier; "
        f"{plural(summary.retries, 'retry', 'retries')} absorbed; {summary.seconds:.1f} s; "
        f"{plural(summary.requests, 'request', 'requests')} ({summary.rows_per_request:.1f} rows per request)"
    )
    if summary.in_flight_found or summary.in_flight_resent:
        out.print(
            f"In flight when the last run stopped: "
            f"{plural(summary.in_flight_found + summary.in_flight_resent, 'row', 'rows')}, read back first: "
            f"{summary.in_flight_found} found in HubSpot (journaled, not sent again), {summary.in_flight_resent} "
            "sent again"
        )
    if summary.stopped_by is not None:
        out.print(f"[red]Stopped sending:[/] {escape(summary.stopped_by)}")
    for pair in summary.blocked_pairs:
        out.print(f"[red]Not sent:[/] the rows {escape(pair)} (missing scopes; see the failure report)")
    if summary.report_path is not None:
        out.print(f"Failure report: {escape(str(summary.report_path))}")
    if not summary.ok:
        out.print(f"Journal: {escape(str(summary.journal_path))} (run again with --resume to continue)")
