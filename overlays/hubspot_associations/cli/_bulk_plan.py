"""Everything ``bulk`` checks before it sends: output paths, the journal, and every row of the file (first pass).

The first pass streams the file: it counts rows (for the progress bar's ETA), checks every row, and checks that a
journal being resumed belongs to this file. Memory stays flat in the number of rows, except for the journal of a
resumed run (one small dict entry per confirmed row).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import attrs

from ._files import OutputPathError, check_paths
from ._input import InputFileError, InputFormat, ParsedRow, RowProblem, read_rows, row_fingerprint
from ._journal import JournalError, JournalMismatchError, is_journal, load_journal
from ._report import is_report
from ._sharding import Shard

__all__ = [
    "BulkPlan",
    "BulkSetupError",
    "CheckResult",
    "check_file",
    "default_journal_path",
    "default_report_path",
    "plan_bulk",
    "read_selected",
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
    for item in read_selected(path, input_format, shard):
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


class BulkSetupError(Exception):
    """The run cannot start (nothing was sent or written); the message says why and what to pass instead."""


@attrs.frozen
class BulkPlan:
    """A checked run, ready to send: where its outputs go, how its journal opens, what is already confirmed."""

    file: Path
    input_format: InputFormat | None
    journal_path: Path
    journal_mode: str  # "new", "resume" or "restart" (see Journal)
    report_path: Path
    confirmed: dict[int, str]
    check: CheckResult
    notes: tuple[str, ...] = ()
    shard: Shard | None = None  # --shard K/N: only its rows, its own default journal and report


def plan_bulk(
    file: Path,
    input_format: InputFormat | None,
    *,
    journal_path: Path | None = None,
    report_path: Path | None = None,
    resume: bool = False,
    restart: bool = False,
    dry_run: bool = False,
    shard: Shard | None = None,
) -> BulkPlan:
    """Everything checked before anything is sent: output paths, the journal, every row of ``file``.

    Raises :class:`BulkSetupError` for an output that would harm a file (the input itself, the other output, a
    directory, a file this tool did not write), an existing journal without ``resume``/``restart``, a journal
    that is damaged or from another file, and an input file that cannot be read as rows.
    """
    journal_path = journal_path or (default_journal_path(file) if shard is None else shard.journal_path(file))
    report_path = report_path or (default_report_path(file) if shard is None else shard.report_path(file))
    try:
        check_paths(
            file,
            {"--journal": journal_path, "--report": report_path},
            replaceable={"--journal": is_journal, "--report": is_report},
        )
    except OutputPathError as exc:
        raise BulkSetupError(str(exc)) from None
    confirmed: dict[int, str] = {}
    mode = "new"
    notes: list[str] = []
    if not dry_run:
        exists = journal_path.exists()
        if exists and restart:
            mode = "restart"
        elif exists and not resume:
            raise BulkSetupError(
                f"{journal_path} exists from an earlier run of this file: pass --resume to continue it "
                "(rows it confirmed are not sent again), or --restart to start over"
            )
        elif exists:
            mode = "resume"
            try:
                confirmed = load_journal(journal_path)
            except JournalError as exc:
                raise BulkSetupError(str(exc)) from None
        elif resume:
            notes.append(f"No journal at {journal_path}: starting from the first row.")
    try:
        check = check_file(file, input_format, confirmed, shard=shard)
    except InputFileError as exc:
        raise BulkSetupError(f"{file}: {exc}") from None
    except JournalMismatchError as exc:
        raise BulkSetupError(
            f"{exc}; --restart starts over (every row is sent again), --journal PATH keeps this journal"
        ) from None
    if check.already_confirmed:
        notes.append(f"Resuming: {check.already_confirmed} of {check.rows} rows already confirmed, not sent again.")
    return BulkPlan(file, input_format, journal_path, mode, report_path, confirmed, check, tuple(notes), shard)


def read_selected(
    path: Path, input_format: InputFormat | None, shard: Shard | None
) -> Iterator[ParsedRow | RowProblem]:
    """The rows of ``path`` (of one shard, if given), as parsed rows or problems."""
    rows = read_rows(path, input_format)
    return rows if shard is None else shard.select(rows)
