"""Everything ``bulk`` checks before it sends: output paths, the journal, and every row of the file (first pass).

The first pass streams the file: it counts rows (for the progress bar's ETA), checks every row, finds duplicate
rows (:func:`check_file`), and checks that a journal being resumed belongs to this file. Memory grows with the
number of rows only for the journal of a resumed run (one small dict entry per confirmed row) and for finding
duplicates (about 150 bytes per distinct row, for the first :data:`DUPLICATES_TRACKED` of them).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from pathlib import Path

import attrs

from ._files import OutputPathError, check_paths
from ._input import (
    InputFileError,
    InputFormat,
    InputKind,
    ParsedRow,
    RowProblem,
    detect_input,
    read_rows,
    row_fingerprint,
    row_key,
)
from ._journal import JournalError, JournalMismatchError, is_journal, read_journal
from ._report import is_report
from ._sharding import Shard

__all__ = [
    "DUPLICATES_TRACKED",
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


DUPLICATES_TRACKED = 1_000_000
"""Distinct rows remembered to find duplicates (about 150 MB): a repeat of a row past them is sent again, which is
harmless (an association PUT is idempotent), and the run says so."""


@attrs.frozen
class CheckResult:
    """What the first pass found.

    ``duplicates`` maps the line of each row of this run that repeats an earlier one to the earlier row's line
    (negative when another shard owns it): such a row is not sent, and counted as a duplicate, never dropped
    unannounced. ``duplicate_notes`` says so for the first ones (``line 9: duplicate of line 5, ...``).
    """

    rows: int
    problems: list[RowProblem]
    problem_count: int
    already_confirmed: int
    duplicates: Mapping[int, int] = attrs.field(factory=dict)
    duplicate_notes: list[str] = attrs.field(factory=list)
    untracked_after: int | None = None
    """The line after which rows were no longer remembered for duplicates (:data:`DUPLICATES_TRACKED`), if any."""
    in_flight: tuple[ParsedRow, ...] = ()
    """The rows to send that the journal had in flight when its run ended (read back before they are sent again)."""


def check_file(
    path: Path,
    input_format: InputKind | InputFormat | None,
    confirmed: dict[int, str],
    *,
    keep_problems: int = 1000,
    shard: Shard | None = None,
    tracked: int = DUPLICATES_TRACKED,
    in_flight: Collection[int] = frozenset(),
) -> CheckResult:
    """Count and validate every row, find duplicates, keep the rows to send whose lines are ``in_flight``; raise
    :class:`JournalMismatchError` if ``confirmed`` is not from this file.

    With a ``shard``, every row of the file is read (a duplicate's first occurrence may be another shard's row:
    then that shard sends it), and only the shard's rows are counted and checked.
    """
    rows = problem_count = matched = 0
    problems: list[RowProblem] = []
    first_lines: dict[int, int] = {}  # row key -> line of its first row (negative: another shard's)
    duplicates: dict[int, int] = {}
    notes: list[str] = []
    untracked_after: int | None = None
    sent_before: list[ParsedRow] = []
    for position, item in enumerate(read_rows(path, input_format)):
        mine = shard is None or shard.owns(position)
        earlier = None
        if isinstance(item, ParsedRow):
            key = row_key(item.row)
            earlier = first_lines.get(key)
            if earlier is None and len(first_lines) < tracked:
                first_lines[key] = item.line if mine else -item.line
            elif earlier is None and untracked_after is None:
                untracked_after = item.line - 1
        if not mine:
            continue
        rows += 1
        if isinstance(item, RowProblem):
            problem_count += 1
            if len(problems) < keep_problems:
                problems.append(item)
            continue
        if earlier is not None and item.line not in confirmed:
            duplicates[item.line] = earlier
            if len(notes) < keep_problems:
                notes.append(_duplicate_note(item, earlier))
            continue
        expected = confirmed.get(item.line)
        if expected is None and in_flight and item.line in in_flight:
            sent_before.append(item)
        elif expected is not None:
            if expected != row_fingerprint(item.row):
                raise JournalMismatchError(
                    f"line {item.line} of {path.name} is not the row the journal confirmed: the file changed since"
                )
            matched += 1
    if matched != len(confirmed):
        raise JournalMismatchError(
            f"the journal confirms {len(confirmed)} rows but only {matched} of them are in {path.name}"
        )
    return CheckResult(rows, problems, problem_count, matched, duplicates, notes, untracked_after, tuple(sent_before))


def _duplicate_note(item: ParsedRow, earlier: int) -> str:
    unit = "line" if item.source_line is None else "item"
    sender = f"as {unit} {earlier}" if earlier > 0 else "by the shard that holds it"
    return f"{item.where}: duplicate of {unit} {abs(earlier)}: not sent again (sent once, {sender})"


class BulkSetupError(Exception):
    """The run cannot start (nothing was sent or written); the message says why and what to pass instead."""


@attrs.frozen
class BulkPlan:
    """A checked run, ready to send: where its outputs go, how its journal opens, what is already confirmed."""

    file: Path
    input_format: InputKind  # what the file was found to hold
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
    try:
        kind = detect_input(file, input_format)
    except InputFileError as exc:
        raise BulkSetupError(f"{file}: {exc}") from None
    except OSError as exc:
        raise BulkSetupError(f"{file}: cannot be read ({exc.strerror or exc})") from None
    confirmed: dict[int, str] = {}
    in_flight: frozenset[int] = frozenset()
    mode = "new"
    notes: list[str] = [f"Reading {file.name} as {kind.describe()}."]
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
                state = read_journal(journal_path)
            except JournalError as exc:
                raise BulkSetupError(str(exc)) from None
            confirmed, in_flight = state.confirmed, state.in_flight
        elif resume:
            notes.append(f"No journal at {journal_path}: starting from the first row.")
    try:
        check = check_file(file, kind, confirmed, shard=shard, in_flight=in_flight)
    except InputFileError as exc:
        raise BulkSetupError(f"{file}: {exc}") from None
    except JournalMismatchError as exc:
        raise BulkSetupError(
            f"{exc}; --restart starts over (every row is sent again), --journal PATH keeps this journal"
        ) from None
    if check.already_confirmed:
        notes.append(f"Resuming: {check.already_confirmed} of {check.rows} rows already confirmed, not sent again.")
    if check.untracked_after is not None:
        notes.append(
            f"More than {DUPLICATES_TRACKED:,} distinct rows: rows after line {check.untracked_after} are not checked "
            "for repeats of new rows (a repeat is sent again, which is harmless)."
        )
    return BulkPlan(file, kind, journal_path, mode, report_path, confirmed, check, tuple(notes), shard)


def read_selected(
    path: Path, input_format: InputKind | InputFormat | None, shard: Shard | None
) -> Iterator[ParsedRow | RowProblem]:
    """The rows of ``path`` (of one shard, if given), as parsed rows or problems."""
    rows = read_rows(path, input_format)
    return rows if shard is None else shard.select(rows)
