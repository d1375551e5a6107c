"""One ``bulk`` run: plan it (:mod:`._bulk_plan`), then stream its rows through ``associate_many`` (in batches of
``--batch-size`` rows: each row still gets its own outcome, journal entry or failure-report line).

The file is read twice, both times streaming: the plan's first pass counts and checks every row (and the journal
being resumed); the second pass, here, sends. Confirmations go to the journal, failures to the failure report, and a
run-wide failure (wrong token, daily limit; missing scopes for one object pair) stops what would fail alike.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import attrs
from rich.console import Console

from .._bulk import DEFAULT_CONCURRENCY, AssociationOutcome, AssociationRow, BulkStats, batch_size_of, outcome_lists
from .._client import HubSpotAssociations
from .._errors import StoppedError
from .._run_failure import run_wide_failure
from ..object_types import object_type_id
from ._bulk_plan import (
    BulkPlan,
    BulkSetupError,
    CheckResult,
    check_file,
    default_journal_path,
    default_report_path,
    plan_bulk,
    read_selected,
)
from ._files import OutputWriteError
from ._input import InputFileError, InputFormat, InputKind, ParsedRow, RowProblem, row_fields, row_fingerprint
from ._journal import Journal
from ._progress import SharedLimitNotices, progress_bar, stop_on_signals
from ._report import FailureReport
from ._sharding import Shard

__all__ = [
    "BulkPlan",
    "BulkSetupError",
    "BulkSummary",
    "CheckResult",
    "check_file",
    "default_journal_path",
    "default_report_path",
    "plan_bulk",
    "run_bulk",
    "run_plan",
]


_FREE_SPACE = (
    "the rows confirmed before it are journaled: make room (or fix the file), then run again with --resume "
    "(rows confirmed since are sent again; creating an association twice is harmless)"
)
_CHANGED = (
    "it changed while it was being sent: the rows confirmed before are journaled; put the file back as it was and "
    "run again with --resume"
)


@attrs.frozen
class BulkSummary:
    """The result of a run, for the command's output and exit status.

    ``not_attempted``: rows never sent (the run stopped first); ``unfinished``: rows sent but without a final
    answer when the run stopped (left retrying, or still on the wire). Neither is journaled: ``--resume`` sends them.
    """

    rows: int
    confirmed: int
    failed: int
    skipped: int
    retries: int
    seconds: float
    interrupted: bool
    report_path: Path | None
    journal_path: Path
    not_attempted: int = 0
    unfinished: int = 0
    problems: int = 0
    """Failed rows that were never sent (invalid in the file)."""
    stopped_by: str | None = None
    """Why the run stopped sending early (a run-wide failure: its kind, line and fix), else None."""
    blocked_pairs: tuple[str, ...] = ()
    """Object-type pairs whose rows were not sent after a 403 for missing scopes."""
    duplicates: int = 0
    """Rows that repeat an earlier row of the file: not sent again (the earlier row's outcome is theirs)."""
    requests: int = 0
    """HTTP requests sent (batches and single rows, retries included)."""
    batch_size: int = 1
    """The batch size the run ended with (lower than ``--batch-size`` if HubSpot refused a batch as too large)."""

    @property
    def rows_per_request(self) -> float:
        """Rows HubSpot decided (confirmed or refused) per request sent."""
        sent = self.confirmed + self.failed - self.problems
        return sent / self.requests if self.requests else 0.0

    @property
    def ok(self) -> bool:
        """Every row is confirmed (now or by an earlier run) and the run finished."""
        return self.failed == 0 and not self.interrupted and not self.not_attempted and not self.unfinished

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "confirmed": self.confirmed,
            "failed": self.failed,
            "not_attempted": self.not_attempted,
            "unfinished": self.unfinished,
            "skipped_already_confirmed": self.skipped,
            "duplicates": self.duplicates,
            "retries_absorbed": self.retries,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "stopped_by": self.stopped_by,
            "blocked_object_pairs": list(self.blocked_pairs),
            "requests": self.requests,
            "rows_per_request": round(self.rows_per_request, 2),
            "batch_size": self.batch_size,
            "failure_report": None if self.report_path is None else str(self.report_path),
            "journal": str(self.journal_path),
        }


def run_bulk(
    client: HubSpotAssociations,
    path: Path,
    *,
    input_format: InputKind | InputFormat | None,
    journal_path: Path,
    journal_mode: str,
    report_path: Path,
    confirmed: dict[int, str],
    total: int,
    concurrency: int = DEFAULT_CONCURRENCY,
    batch_size: int | None = None,
    console: Console,
    show_progress: bool,
    grace: float = 1.0,
    on_outcome: Callable[[AssociationOutcome], None] | None = None,
    shard: Shard | None = None,
    duplicates: Mapping[int, int] | None = None,
) -> BulkSummary:
    """Send every row not in ``confirmed`` nor in ``duplicates`` (see :class:`CheckResult`); journal
    confirmations, report failures.

    The first Ctrl-C or SIGTERM stops it within about ``grace`` seconds (a second Ctrl-C raises
    ``KeyboardInterrupt`` at once); a run-wide failure (:func:`run_wide_failure`) stops it too, or, for missing
    scopes, stops the rows of that object-type pair.
    """
    started = time.monotonic()
    journal = Journal(journal_path, journal_mode)  # OutputWriteError here: nothing is sent yet
    report = FailureReport(report_path)
    counts = dict.fromkeys(
        ("ok", "failed", "problems", "skipped", "duplicates", "pulled", "blocked", "stopped", "unrecorded"), 0
    )
    repeats = duplicates or {}
    stopped_unsent = 0
    stop = threading.Event()
    stopped_by: list[str] = []
    blocked: dict[tuple[str, str], str] = {}  # object-type pair -> why its rows are not sent
    halted: list[str] = []  # why the run cannot go on (an output cannot be written, the input changed)

    def halt(reason: str) -> None:
        if not halted:
            halted.append(reason)
        stop.set()

    def could_not_write(exc: OutputWriteError) -> None:
        halt(f"{exc}; {_FREE_SPACE}")

    notices = SharedLimitNotices(client.pacer, console)
    stats = BulkStats()
    cap_said = False
    try:
        with journal, progress_bar(console, show_progress) as progress, stop_on_signals(stop, console) as interrupted:
            # Rows confirmed by an earlier run are done from the start: they never count in the rate or the ETA.
            task = progress.add_task(
                path.name, total=total, completed=len(confirmed), ok=len(confirmed), failed=0, pending=total
            )

            def advance(rows: int = 1) -> None:
                ok, failed = counts["ok"] + counts["skipped"], counts["failed"] + counts["problems"]
                done = ok + failed + counts["duplicates"] + counts["blocked"] + counts["stopped"] + counts["unrecorded"]
                pending = total - done
                progress.update(task, advance=rows, ok=ok, failed=failed, pending=pending)

            def rows_to_send() -> Iterator[AssociationRow]:
                try:
                    yield from sendable(read_selected(path, input_format, shard))
                except (InputFileError, OSError) as exc:  # the first pass read it all: the file changed since
                    halt(f"{path}: {exc}; {_CHANGED}")

            def sendable(items: Iterator[ParsedRow | RowProblem]) -> Iterator[AssociationRow]:
                for item in items:
                    try:
                        if isinstance(item, RowProblem):
                            counts["problems"] += 1
                            advance()
                            report.add_problem(item.line, item.message, item.fields, item.extra)
                        elif item.line in confirmed:
                            counts["skipped"] += 1
                        elif item.line in repeats:  # sent once, as the line it repeats
                            counts["duplicates"] += 1
                            advance()
                        elif blocked and (reason := blocked.get(_pair(item.row))) is not None:
                            counts["blocked"] += 1
                            advance()
                            report.add_not_attempted(item.line, reason, item.fields)
                        else:
                            counts["pulled"] += 1
                            report.opened(item.line)
                            yield item.row
                    except OutputWriteError as exc:
                        could_not_write(exc)

            # One list per answer (a batch's decided rows): their journal entries go out in one write and flush.
            answers = outcome_lists(
                client, rows_to_send(), concurrency, stop, grace, batch_size_of(client, batch_size), stats
            )
            for decided in answers:
                # The confirmed rows first, together: one report call, one journal write (the usual case: all).
                confirmed_now = [outcome for outcome in decided if outcome.error is None]
                journaled: list[tuple[int, str]] = []
                if confirmed_now:
                    lines = [outcome.row.line or 0 for outcome in confirmed_now]
                    journaled = [(line, row_fingerprint(o.row)) for line, o in zip(lines, confirmed_now, strict=True)]
                    try:
                        report.settled_all(lines)  # may write failures it held back for these rows
                    except OutputWriteError as exc:  # the report failed, not these rows: still journaled below
                        could_not_write(exc)
                for outcome in decided:
                    error = outcome.error
                    if error is None:
                        if on_outcome is not None:
                            on_outcome(outcome)
                        continue
                    line = outcome.row.line or 0
                    try:
                        if isinstance(error, StoppedError):  # not journaled, not a failure: --resume sends it
                            report.settled(line)
                            counts["stopped"] += 1
                            stopped_unsent += outcome.attempts == 0
                        else:
                            _trip(outcome, stop, stopped_by, blocked)
                            report.add_outcome(outcome, row_fields(outcome.row))
                            counts["failed"] += 1
                    except OutputWriteError as exc:  # neither journaled nor reported: --resume sends it again
                        counts["unrecorded"] += 1
                        could_not_write(exc)
                    if on_outcome is not None:
                        on_outcome(outcome)
                try:
                    journal.record_all(journaled)
                    counts["ok"] += len(journaled)
                except OutputWriteError as exc:  # not journaled: --resume sends them again
                    counts["unrecorded"] += len(journaled)
                    could_not_write(exc)
                notices.check()
                if stats.cap_note is not None and not cap_said:
                    cap_said = True
                    console.print(f"[yellow]Smaller batches:[/] {stats.cap_note}")
                advance(len(decided))
    except OutputWriteError as exc:  # the journal's last fsync
        could_not_write(exc)
    except BaseException:
        report.abandon()
        raise
    report_kept = bool(report.count)
    try:
        report.close()
    except OutputWriteError as exc:  # the report is dropped, not left half-written
        could_not_write(exc)
        report_kept = False
    stopped_by[:0] = halted
    reached = counts["skipped"] + counts["duplicates"] + counts["problems"] + counts["blocked"] + counts["pulled"]
    # Pulled rows without an outcome were still on the wire when the grace period ended.
    answered = counts["ok"] + counts["failed"] + counts["stopped"] + counts["unrecorded"]
    on_the_wire = counts["pulled"] - answered
    return BulkSummary(
        rows=total,
        confirmed=counts["ok"],
        failed=counts["failed"] + counts["problems"],
        skipped=counts["skipped"],
        retries=stats.retries,
        seconds=time.monotonic() - started,
        interrupted=interrupted.is_set(),
        report_path=report_path if report_kept else None,
        journal_path=journal_path,
        not_attempted=total - reached + counts["blocked"] + stopped_unsent,
        unfinished=counts["stopped"] - stopped_unsent + on_the_wire + counts["unrecorded"],
        stopped_by=stopped_by[0] if stopped_by else None,
        blocked_pairs=tuple(f"{a} -> {b}" for a, b in blocked),
        duplicates=counts["duplicates"],
        problems=counts["problems"],
        requests=stats.requests,
        batch_size=stats.batch_size,
    )


def _pair(row: AssociationRow) -> tuple[str, str]:
    """The object-type pair of a (validated) row, names and type ids alike (``contacts`` and ``0-1`` are one)."""
    types = (str(row.from_object_type), str(row.to_object_type))
    return (object_type_id(types[0]) or types[0], object_type_id(types[1]) or types[1])


def _trip(
    outcome: AssociationOutcome, stop: threading.Event, stopped_by: list[str], blocked: dict[tuple[str, str], str]
) -> None:
    """The circuit breaker: stop the run (or the rows of one object pair) when every later row would fail too."""
    failure = run_wide_failure(outcome.error)
    if failure is None:
        return
    line = outcome.row.line or 0
    if failure.object_pair_only:
        pair = _pair(outcome.row)
        if pair not in blocked:
            blocked[pair] = f"not sent: line {line} of this object pair was refused ({failure.kind}); {failure.fix}"
        return
    if not stop.is_set():
        stopped_by.append(
            f"every following row would fail the same way: {failure.kind} (line {line}: {outcome.message}); "
            f"{failure.fix}"
        )
        stop.set()


def run_plan(
    client: HubSpotAssociations,
    plan: BulkPlan,
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    batch_size: int | None = None,
    console: Console,
    show_progress: bool = False,
    grace: float = 1.0,
) -> BulkSummary:
    """Send a planned run (see :func:`run_bulk`)."""
    return run_bulk(
        client,
        plan.file,
        input_format=plan.input_format,
        journal_path=plan.journal_path,
        journal_mode=plan.journal_mode,
        report_path=plan.report_path,
        confirmed=plan.confirmed,
        total=plan.check.rows,
        concurrency=concurrency,
        batch_size=batch_size,
        console=console,
        show_progress=show_progress,
        grace=grace,
        shard=plan.shard,
        duplicates=plan.check.duplicates,
    )
