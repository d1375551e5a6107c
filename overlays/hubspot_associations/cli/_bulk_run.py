"""One ``bulk`` run: check the file (and the journal), then stream its rows through ``associate_many``.

The file is read twice, both times streaming: a first pass counts rows (for the progress bar's ETA), checks every
row, and checks that a journal being resumed belongs to this file; the second pass sends. Memory stays flat in the
number of rows, except for the journal of a resumed run (one small dict entry per confirmed row).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import attrs
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from .._bulk import DEFAULT_CONCURRENCY, AssociationOutcome, AssociationRow
from .._client import HubSpotAssociations
from ._input import InputFormat, ParsedRow, RowProblem, read_rows, row_fingerprint
from ._journal import Journal, JournalMismatchError, load_journal
from ._report import FailureReport
from ._sharding import Shard

__all__ = [
    "BulkSummary",
    "CheckResult",
    "check_file",
    "default_journal_path",
    "default_report_path",
    "load_confirmed",
    "run_bulk",
]


def default_journal_path(path: Path) -> Path:
    """``rows.csv`` → ``rows.csv.journal``, next to the input."""
    return path.with_name(path.name + ".journal")


def default_report_path(path: Path) -> Path:
    """``rows.csv`` → ``rows.failures.csv``, next to the input."""
    return path.with_name(path.stem + ".failures.csv")


@attrs.frozen
class CheckResult:
    """What the first pass found."""

    rows: int
    problems: list[RowProblem]
    problem_count: int
    already_confirmed: int


def check_file(
    path: Path,
    input_format: InputFormat | None,
    confirmed: dict[int, str],
    *,
    keep_problems: int = 1000,
    shard: Shard | None = None,
) -> CheckResult:
    """Count and validate every row; raise :class:`JournalMismatchError` if ``confirmed`` is not from this file."""
    rows = problem_count = matched = 0
    problems: list[RowProblem] = []
    for item in _read(path, input_format, shard):
        rows += 1
        if isinstance(item, RowProblem):
            problem_count += 1
            if len(problems) < keep_problems:
                problems.append(item)
            continue
        expected = confirmed.get(item.line)
        if expected is not None:
            if expected != row_fingerprint(item.row):
                raise JournalMismatchError(
                    f"line {item.line} of {path.name} is not the row the journal confirmed: the file changed since"
                )
            matched += 1
    if matched != len(confirmed):
        raise JournalMismatchError(
            f"the journal confirms {len(confirmed)} rows but only {matched} of them are in {path.name}"
        )
    return CheckResult(rows, problems, problem_count, matched)


@attrs.frozen
class BulkSummary:
    """The result of a run, for the command's output and exit status."""

    rows: int
    confirmed: int
    failed: int
    skipped: int
    retries: int
    seconds: float
    interrupted: bool
    report_path: Path | None
    journal_path: Path

    @property
    def ok(self) -> bool:
        """Every row is confirmed (now or by an earlier run) and the run finished."""
        return self.failed == 0 and not self.interrupted

    def as_dict(self) -> dict[str, object]:
        return {
            "rows": self.rows,
            "confirmed": self.confirmed,
            "failed": self.failed,
            "skipped_already_confirmed": self.skipped,
            "retries_absorbed": self.retries,
            "seconds": round(self.seconds, 3),
            "interrupted": self.interrupted,
            "failure_report": None if self.report_path is None else str(self.report_path),
            "journal": str(self.journal_path),
        }


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/]"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


def run_bulk(
    client: HubSpotAssociations,
    path: Path,
    *,
    input_format: InputFormat | None,
    journal_path: Path,
    report_path: Path,
    confirmed: dict[int, str],
    total: int,
    concurrency: int = DEFAULT_CONCURRENCY,
    console: Console,
    show_progress: bool,
    on_outcome: Callable[[AssociationOutcome], None] | None = None,
    shard: Shard | None = None,
) -> BulkSummary:
    """Send every row not in ``confirmed``; journal confirmations, report failures. Ctrl-C ends it cleanly."""
    started = time.monotonic()
    report_path.unlink(missing_ok=True)  # a report from an earlier run would describe rows since retried
    report = FailureReport(report_path)
    counts = {"ok": 0, "failed": 0, "skipped": 0, "retries": 0}
    interrupted = False
    with Journal(journal_path) as journal, _progress(console, show_progress) as progress:
        task = progress.add_task(path.name, total=total, ok=0, failed=0)

        def advance() -> None:
            progress.update(task, advance=1, ok=counts["ok"] + counts["skipped"], failed=counts["failed"])

        def rows_to_send() -> Iterator[AssociationRow]:
            for item in _read(path, input_format, shard):
                if isinstance(item, RowProblem):
                    report.add_problem(item.line, item.message, item.fields)
                    counts["failed"] += 1
                    advance()
                elif isinstance(item, ParsedRow) and item.line in confirmed:
                    counts["skipped"] += 1
                    advance()
                else:
                    yield item.row

        outcomes = client.associate_many(rows_to_send(), concurrency=concurrency)
        try:
            for outcome in outcomes:
                if outcome.ok:
                    journal.record(outcome.row.line or 0, row_fingerprint(outcome.row))
                    counts["ok"] += 1
                else:
                    report.add_outcome(outcome, _fields_of(outcome.row))
                    counts["failed"] += 1
                counts["retries"] += max(outcome.attempts - 1, 0)
                if on_outcome is not None:
                    on_outcome(outcome)
                advance()
        except KeyboardInterrupt:
            interrupted = True
            console.print("[yellow]Interrupted: finishing the requests already sent...[/]")
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()
    report.close()
    return BulkSummary(
        rows=total,
        confirmed=counts["ok"],
        failed=counts["failed"],
        skipped=counts["skipped"],
        retries=counts["retries"],
        seconds=time.monotonic() - started,
        interrupted=interrupted,
        report_path=report_path if report.count else None,
        journal_path=journal_path,
    )


def _read(path: Path, input_format: InputFormat | None, shard: Shard | None) -> Iterator[ParsedRow | RowProblem]:
    rows = read_rows(path, input_format)
    return rows if shard is None else shard.select(rows)


def load_confirmed(journal_path: Path) -> dict[int, str]:
    """The journal's confirmed rows, or nothing when there is no journal yet."""
    return load_journal(journal_path) if journal_path.exists() else {}


def _fields_of(row: AssociationRow) -> dict[str, str]:
    spec = row.specs[0] if row.specs else None
    return {
        "from_type": str(row.from_object_type),
        "from_id": str(row.from_object_id),
        "to_type": str(row.to_object_type),
        "to_id": str(row.to_object_id),
        "type_id": "" if spec is None else str(spec.association_type_id),
        "category": "" if spec is None else spec.association_category.value,
    }
