"""One ``bulk`` run: plan it (:mod:`._bulk_plan`), then stream its rows through ``associate_many`` (in batches of
``--batch-size`` rows: each row still gets its own outcome, journal entry or failure-report line).

The file is read twice, both times streaming: the plan's first pass counts and checks every row (and the journal
being resumed); the second pass, here, sends. Confirmations go to the journal, failures to the failure report, and a
run-wide failure (wrong token, daily limit; missing scopes for one object pair) stops what would fail alike.

Each request's rows are journaled *in flight* before it is sent (:mod:`._journal`). A resumed run first reads back
the rows its journal had in flight without an answer (:func:`_read_back`, ``batch/read`` through the same client),
so a kill -9 costs a read per 1,000 such rows instead of resending every batch that was on the wire.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

import attrs
from rich.console import Console
from rich.markup import escape

from .._bulk import DEFAULT_CONCURRENCY, AssociationOutcome, AssociationRow, BulkStats, batch_size_of, outcome_lists
from .._client import HubSpotAssociations
from .._errors import HubSpotError, StoppedError
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
    in_flight_found: int = 0
    """Rows the resumed journal had in flight (sent without an answer journaled) that reading back found in HubSpot:
    journaled confirmed without being sent again (counted in ``skipped``: an earlier run's request created them)."""
    in_flight_resent: int = 0
    """Rows the resumed journal had in flight that reading back did not find (or could not read): sent again with
    the other rows (unless the run stops first: they stay in flight, and the next ``--resume`` reads them back)."""

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
            "in_flight_found": self.in_flight_found,
            "in_flight_resent": self.in_flight_resent,
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
    in_flight: Sequence[ParsedRow] = (),
) -> BulkSummary:
    """Send every row not in ``confirmed`` nor in ``duplicates`` (see :class:`CheckResult`); journal
    confirmations, report failures. The rows ``in_flight`` (an earlier run sent them, no answer journaled) are read
    back first: those HubSpot has are journaled confirmed and not sent.

    The first Ctrl-C or SIGTERM stops it within about ``grace`` seconds (a second Ctrl-C raises
    ``KeyboardInterrupt`` at once); a run-wide failure (:func:`run_wide_failure`) stops it too, or, for missing
    scopes, stops the rows of that object-type pair.
    """
    started = time.monotonic()
    journal = Journal(journal_path, journal_mode)  # OutputWriteError here: nothing is sent yet
    report = FailureReport(report_path)
    counts = dict.fromkeys(("ok", "failed", "problems", "duplicates", "pulled", "blocked", "stopped", "unrecorded"), 0)
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
    found: dict[int, str] = {}

    def sending(rows: Sequence[AssociationRow]) -> None:  # in a worker, before the request goes out
        try:
            journal.record_in_flight([row.line or 0 for row in rows])
        except OutputWriteError as exc:
            could_not_write(exc)

    try:
        with journal, progress_bar(console, show_progress) as progress, stop_on_signals(stop, console) as interrupted:
            try:
                found = _read_back(client, journal, in_flight, stop, console, stats)
            except OutputWriteError as exc:  # not journaled: the next --resume reads them back again
                could_not_write(exc)
            confirmed = {**confirmed, **found} if found else confirmed
            # Rows confirmed by an earlier run are done from the start: they never count in the rate or the ETA.
            task = progress.add_task(
                path.name,
                total=total,
                completed=len(confirmed),
                ok=len(confirmed),
                failed=0,
                pending=total - len(confirmed),
            )

            def advance(rows: int = 1) -> None:
                ok, failed = counts["ok"] + len(confirmed), counts["failed"] + counts["problems"]
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
                        elif item.line in confirmed:  # counted from the start (skipped), wherever a stop comes
                            continue
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
                client, rows_to_send(), concurrency, stop, grace, batch_size_of(client, batch_size), stats, sending
            )
            for decided in answers:
                # The confirmed rows first, together: one report call, one journal write (the usual case: all).
                confirmed_now = [outcome for outcome in decided if outcome.error is None]
                journaled: list[tuple[int, str]] = []
                failed: list[int] = []  # answered, in the report: no longer in flight
                if confirmed_now:
                    lines = [outcome.row.line or 0 for outcome in confirmed_now]
                    journaled = [(line, row_fingerprint(o.row)) for line, o in zip(lines, confirmed_now, strict=True)]
                    try:
                        report.settled_all(lines)  # may write failures it held back for these rows
                    except OutputWriteError as exc:  # the report failed, not these rows: still journaled below
                        could_not_write(exc)
                for outcome in decided:
                    error = outcome.error
                    if error is not None:
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
                                failed.append(line)
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
                _record_failed(journal, failed, could_not_write)
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
    # Rows an earlier run confirmed are done, whether or not the reading got to them before a stop.
    skipped = len(confirmed)
    reached = skipped + counts["duplicates"] + counts["problems"] + counts["blocked"] + counts["pulled"]
    # Pulled rows without an outcome were still on the wire when the grace period ended.
    answered = counts["ok"] + counts["failed"] + counts["stopped"] + counts["unrecorded"]
    on_the_wire = counts["pulled"] - answered
    return BulkSummary(
        rows=total,
        confirmed=counts["ok"],
        failed=counts["failed"] + counts["problems"],
        skipped=skipped,
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
        in_flight_found=len(found),
        in_flight_resent=len(in_flight) - len(found),
    )


def _read_back(
    client: HubSpotAssociations,
    journal: Journal,
    rows: Sequence[ParsedRow],
    stop: threading.Event,
    console: Console,
    stats: BulkStats,
) -> dict[int, str]:
    """Read back the rows an earlier run had in flight (``batch/read``, <= 1,000 ids a request, through the client's
    pacer and retries, counted in ``stats``; a stop ends it at once): journal those HubSpot has (a labelled row:
    with all its types) as confirmed and return them (``{line: fingerprint}``); the others are sent as usual. A
    read that fails leaves its rows to be sent again (idempotent), said once."""
    if not rows:
        return {}
    from .._batch import READ_BATCH_LIMIT
    from .._readback import RowStatus, run_sync, verifier
    from .._validation import InvalidInputError

    found: dict[int, str] = {}
    trouble: str | None = None
    try:
        checks = run_sync(client, (parsed.row for parsed in rows), READ_BATCH_LIMIT, verifier(True), stop, stats)
        for parsed, check in zip(rows, checks, strict=True):
            if check.status is RowStatus.PRESENT:
                found[parsed.line] = row_fingerprint(parsed.row)
            elif check.status is RowStatus.UNVERIFIED and trouble is None:
                trouble = check.message
    except (HubSpotError, InvalidInputError) as exc:  # a row the read cannot take: the send reports it
        trouble = str(exc)
    journal.record_all(list(found.items()))
    if trouble is not None and not stop.is_set():
        console.print(
            f"[yellow]Reading back the rows in flight when the last run stopped failed[/] ({escape(trouble)}): "
            "those not read are sent again (creating an association twice is harmless)"
        )
    return found


def _record_failed(journal: Journal, lines: list[int], could_not_write: Callable[[OutputWriteError], None]) -> None:
    """Journal that an answer failed these rows (they are in the report): a resume sends them without a read."""
    if lines:
        try:
            journal.record_failed(lines)
        except OutputWriteError as exc:  # they stay in flight: the next --resume reads them back first
            could_not_write(exc)


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
        in_flight=plan.check.in_flight,
    )
