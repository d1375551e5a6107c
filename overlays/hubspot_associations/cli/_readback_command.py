"""The ``verify`` and ``remove`` commands: read back, or remove, exactly the associations a file lists.

Both are built from ``bulk``'s parts, not copies of them: the input reader (:mod:`._input`), the checks of output
paths, journal and rows before anything is sent (:func:`._bulk_plan.plan_bulk`, with their own default paths), the
journal (:mod:`._journal`: a row is journaled once verified present, or removed, so ``--resume`` skips it) and the
spreadsheet-safe failure report (:mod:`._report`, whose input columns make it a valid input file again: feeding
``verify``'s report to ``bulk`` re-creates exactly the missing associations). The work itself is the SDK's
:meth:`HubSpotAssociations.verify_many` and :meth:`HubSpotAssociations.remove_many` (``_readback.py``).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import attrs
import typer

from .._api_versions import DEFAULT_API_VERSION
from .._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES
from .._run_failure import run_wide_failure
from ._bulk_plan import BulkPlan, BulkSetupError, check_file, plan_bulk, read_selected
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
from ._input import InputFileError, ParsedRow, RowProblem, row_fingerprint
from ._input_option import parse_input_format
from ._journal import Journal, JournalError, load_journal
from ._output import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_STOPPED,
    EXIT_USAGE,
    escape,
    fail,
    stderr_console,
    stdout_console,
)
from ._report import FailureReport

if TYPE_CHECKING:
    from .._bulk import AssociationRow
    from .._readback import RowCheck

__all__ = ["remove", "verify"]

FileArgument = Annotated[
    Path,
    typer.Argument(
        exists=True,
        dir_okay=False,
        readable=True,
        metavar="FILE",
        show_default=False,
        help="CSV with a header, or JSON Lines (the columns of bulk's input).",
    ),
]
ResumeOption = Annotated[bool, typer.Option("--resume", help="Continue an interrupted run from its journal.")]
RestartOption = Annotated[bool, typer.Option("--restart", help="Discard an existing journal and start over.")]
JournalOption = Annotated[Path | None, typer.Option(show_default=False, help="Journal path (default: see above).")]
ReportOption = Annotated[Path | None, typer.Option(show_default=False, help="Report path (default: see above).")]
FormatOption = Annotated[
    str | None,
    typer.Option("--format", metavar="csv|jsonl", show_default=False, help="Input format (default: by suffix)."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")]


@attrs.define
class Summary:
    """What a ``verify`` or ``remove`` run came to (``--json`` prints :meth:`as_dict`)."""

    rows: int = 0
    ok: int = 0
    not_ok: int = 0
    invalid: int = 0
    skipped: int = 0
    by_status: dict[str, int] = attrs.field(factory=dict)
    seconds: float = 0.0
    report_path: Path | None = None
    journal_path: Path | None = None
    interrupted: bool = False
    stopped_by: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "ok": self.ok,
            "not_ok": self.not_ok,
            "invalid": self.invalid,
            "skipped": self.skipped,
            "by_status": self.by_status,
            "seconds": round(self.seconds, 3),
            "report": None if self.report_path is None else str(self.report_path),
            "journal": None if self.journal_path is None else str(self.journal_path),
            "interrupted": self.interrupted,
            "stopped_by": self.stopped_by,
        }

    @property
    def all_ok(self) -> bool:
        return not (self.not_ok or self.invalid or self.interrupted or self.stopped_by)


def _plan(
    file: Path,
    fmt: str | None,
    what: str,
    journal: Path | None,
    report: Path | None,
    *,
    resume: bool,
    restart: bool,
    dry_run: bool,
) -> BulkPlan:
    if resume and restart:
        raise typer.BadParameter("use either --resume or --restart", param_hint="--resume")
    try:
        return plan_bulk(
            file,
            parse_input_format(fmt),
            journal_path=journal or file.with_name(f"{file.name}.{what}.journal"),
            report_path=report or file.with_name(f"{file.stem}.{what}.csv"),
            resume=resume,
            restart=restart,
            dry_run=dry_run,
        )
    except BulkSetupError as exc:
        fail(str(exc), EXIT_USAGE)


def _run(
    plan: BulkPlan,
    work: Callable[[Iterable[AssociationRow]], Iterator[RowCheck]],
    only: dict[int, str] | None = None,
) -> Summary:
    """Feed the plan's rows (not yet journaled; with ``only``, just those a bulk journal confirmed) to ``work``,
    journal each row that came out ok, and report every other row and every invalid one, in input order."""
    summary = Summary(report_path=plan.report_path, journal_path=plan.journal_path)
    report = FailureReport(plan.report_path)
    fields: dict[int, ParsedRow] = {}  # rows taken but not answered yet: at most one chunk

    def rows() -> Iterator[AssociationRow]:
        for item in read_selected(plan.file, plan.input_format, None):
            if isinstance(item, RowProblem):
                summary.invalid += 1
                report.add_problem(item.line, item.message, item.fields, item.extra)
                continue
            fingerprint = row_fingerprint(item.row)
            if plan.confirmed.get(item.line) == fingerprint or (
                only is not None and only.get(item.line) != fingerprint
            ):
                summary.skipped += 1
                continue
            fields[item.line] = item
            report.opened(item.line)
            yield item.row

    started = time.monotonic()
    try:
        with Journal(plan.journal_path, plan.journal_mode) as journal:
            for check in work(rows()):
                line = check.row.line or 0
                parsed = fields.pop(line)
                summary.rows += 1
                summary.by_status[check.status.value] = summary.by_status.get(check.status.value, 0) + 1
                if check.ok:
                    summary.ok += 1
                    journal.record(line, row_fingerprint(parsed.row))
                    report.settled(line)
                else:
                    summary.not_ok += 1
                    report.add_result(
                        line,
                        parsed.fields,
                        check.error_category,
                        check.message,
                        check.status_code,
                        check.correlation_id,
                    )
                    failure = run_wide_failure(check.error)
                    if failure is not None:  # every following request would fail alike: stop, as bulk does
                        summary.stopped_by = f"{check.message} ({failure.fix})"
                        break
    except KeyboardInterrupt:
        summary.interrupted = True
    finally:
        summary.seconds = time.monotonic() - started
        report.close()
    summary.report_path = plan.report_path if report.count else None
    return summary


def _finish(file: Path, summary: Summary, verb: str, json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps(summary.as_dict()))
    else:
        out = stdout_console()
        counts = ", ".join(f"{count} {status.replace('_', ' ')}" for status, count in sorted(summary.by_status.items()))
        state = (
            "[yellow]interrupted[/]" if summary.interrupted else "[green]done[/]" if summary.all_ok else "[red]done[/]"
        )
        out.print(
            f"{state} {verb} {escape(file.name)}: {summary.rows} rows ({counts or 'none'}), {summary.invalid} invalid, "
            f"{summary.skipped} skipped (journaled earlier or not in --from-journal); {summary.seconds:.1f} s"
        )
        if summary.report_path is not None:
            out.print(f"Report: {escape(str(summary.report_path))}")
        if not summary.all_ok:
            out.print(f"Journal: {escape(str(summary.journal_path))} (run again with --resume to continue)")
    if summary.stopped_by is not None and not json_output:
        stdout_console().print(f"[red]Stopped:[/] {escape(summary.stopped_by)}; --resume continues after the fix")
    if summary.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if summary.stopped_by is not None:
        raise typer.Exit(EXIT_STOPPED)
    raise typer.Exit(0 if summary.all_ok else EXIT_FAILED)


def verify(
    file: FileArgument,
    labels: Annotated[
        bool, typer.Option("--labels", help="Also report pairs present without every type listed.")
    ] = False,
    from_journal: Annotated[
        Path | None,
        typer.Option(show_default=False, help="Verify only the rows this bulk journal (of FILE) confirmed."),
    ] = None,
    batch_size: Annotated[int, typer.Option(min=1, max=1000, help="Rows read back per batch/read request.")] = 1000,
    resume: ResumeOption = False,
    restart: RestartOption = False,
    journal: JournalOption = None,
    report: ReportOption = None,
    input_format: FormatOption = None,
    json_output: JsonOption = False,
    token: TokenOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    refresh_token: RefreshTokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    api_version: ApiVersionOption = DEFAULT_API_VERSION,
    max_retries: MaxRetriesOption = DEFAULT_MAX_RETRIES,
    rate_limit: RateLimitOption = None,
    shared_limit: SharedLimitOption = None,
) -> None:
    """Check that every association listed in FILE exists in HubSpot; read-only.

    Reads back the listed records in batches (batch/read, up to 1,000 ids a request, paced like bulk) and writes
    each association that is missing (with --labels, or present without a listed type) to the report (default
    FILE without suffix + .verify.csv; it is a valid bulk input: `bulk REPORT` re-creates them). Rows verified
    present are journaled (default FILE.verify.journal), so --resume goes on where a run stopped.

    Exit status: 0 every association present; 1 some missing, wrong, unreadable or invalid (see the report); 2
    bad usage, input, journal or output path (nothing read); 3 stopped early because every request would fail
    alike (wrong token, missing scopes, daily limit): fix it, --resume; 130 interrupted (--resume continues).
    """
    plan = _plan(file, input_format, "verify", journal, report, resume=resume, restart=restart, dry_run=False)
    only: dict[int, str] | None = None
    if from_journal is not None:
        try:
            only = load_journal(from_journal)
            check_file(file, plan.input_format, only)  # every entry is a row of FILE, unchanged since the run
        except JournalError as exc:
            fail(f"--from-journal {from_journal}: {exc}", EXIT_USAGE)
    _echo_notes(plan)
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
    )
    with client:
        summary = _guarded(
            file, lambda: _run(plan, lambda rows: client.verify_many(rows, labels=labels, batch_size=batch_size), only)
        )
    _finish(file, summary, "verifying", json_output)


def remove(
    file: FileArgument,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print what would be removed; send nothing.")] = False,
    batch_size: Annotated[int, typer.Option(min=1, max=2000, help="Rows per batch archive request.")] = 100,
    resume: ResumeOption = False,
    restart: RestartOption = False,
    journal: JournalOption = None,
    report: ReportOption = None,
    input_format: FormatOption = None,
    json_output: JsonOption = False,
    token: TokenOption = None,
    client_id: ClientIdOption = None,
    client_secret: ClientSecretOption = None,
    refresh_token: RefreshTokenOption = None,
    base_url: BaseUrlOption = DEFAULT_BASE_URL,
    api_version: ApiVersionOption = DEFAULT_API_VERSION,
    max_retries: MaxRetriesOption = DEFAULT_MAX_RETRIES,
    rate_limit: RateLimitOption = None,
    shared_limit: SharedLimitOption = None,
) -> None:
    """Remove exactly the associations listed in FILE, nothing else.

    A row without type_id removes every association between its two records (batch/archive); a row with a
    type_id removes only that association type (batch/labels/archive), the pair's others stay. Rows HubSpot
    confirmed removed are journaled (default FILE.remove.journal) for --resume; the others go to the report
    (default FILE without suffix + .remove.csv). Removing is not undone by anything: an association that existed
    before your bulk run and is listed here is removed too (HubSpot cannot tell it from one the run created).

    Exit status: 0 every row removed; 1 some failed (see the report); 2 bad usage, input, journal or output
    path (nothing sent); 3 stopped early (wrong token, missing scopes, daily limit): fix it, --resume; 130
    interrupted (--resume continues).
    """
    plan = _plan(file, input_format, "remove", journal, report, resume=resume, restart=restart, dry_run=dry_run)
    if dry_run:
        _dry_run(plan, json_output)
    _echo_notes(plan)
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
    )
    client.max_batch_size = batch_size  # typer checked 1..2000 (MAX_BATCH_SIZE)
    with client:
        summary = _guarded(file, lambda: _run(plan, client.remove_many))
    _finish(file, summary, "removing", json_output)


def _echo_notes(plan: BulkPlan) -> None:
    err = stderr_console()
    for note in plan.notes:
        err.print(escape(note))
    for problem in plan.check.problems[:20]:
        err.print(f"[red]{escape(plan.file.name)}: line {problem.line}:[/] {escape(problem.message)}")


def _guarded(file: Path, run: Callable[[], Summary]) -> Summary:
    try:
        return run()
    except OutputWriteError as exc:
        fail(str(exc), EXIT_USAGE)
    except (InputFileError, OSError) as exc:
        fail(f"{file}: {exc}", EXIT_USAGE)


def _dry_run(plan: BulkPlan, json_output: bool) -> None:
    """Say what each valid row would remove (nothing is sent, no journal or report written)."""
    out = stdout_console()
    would = 0
    for item in read_selected(plan.file, plan.input_format, None):
        if isinstance(item, RowProblem) or plan.confirmed.get(item.line) == row_fingerprint(item.row):
            continue
        would += 1
        if not json_output:
            row = item.row
            what = (
                "every association"
                if not row.specs
                else "type(s) "
                + ", ".join(f"{s.association_category.value}:{s.association_type_id}" for s in row.specs)
            )
            out.print(
                f"line {item.line}: would remove {what} between {escape(row.from_object_type)} "
                f"{row.from_object_id} and {escape(row.to_object_type)} {row.to_object_id}",
                soft_wrap=True,
            )
    invalid = plan.check.problem_count
    if json_output:
        typer.echo(json.dumps({"rows": plan.check.rows, "would_remove": would, "invalid": invalid, "sent": 0}))
    else:
        out.print(
            f"Dry run of {escape(plan.file.name)}: {would} rows would be removed, {invalid} invalid; nothing sent."
        )
    raise typer.Exit(EXIT_FAILED if invalid else 0)
