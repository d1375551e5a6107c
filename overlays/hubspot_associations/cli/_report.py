"""The failure report: one CSV row per input row that was not confirmed, with why, in input order.

Its first six columns are the bulk input columns, so the report can be fed back to ``bulk`` to retry just the
failures (the other columns are ignored on input). A row refused for having more values than its header has
columns keeps those values after the report's last column (a JSON Lines line that is not an object keeps its text
there), so fed back it is refused again, its values intact.

**Spreadsheet safety.** A cell that a spreadsheet would evaluate as a formula (its first character, or its first
one after leading whitespace, is ``=``, ``+``, ``-`` or ``@``, or it starts with a tab or carriage return) is
written with a ``'`` in front, as OWASP recommends against CSV injection; so is a cell that starts with ``'``, so
the rule can be undone exactly. The input reader undoes it in a file that starts with this report's header (and
only there): a report fed back as input yields the rows as they were read (:func:`neutralise`, :func:`restore`).

The report is written to a temporary file next to its path and renamed into place when the run ends, so an
existing file is never truncated mid-run. Only a file that starts with this report's header line (written by an
earlier run) is ever replaced; a run without failures removes such a stale report, which would describe rows since
retried. A write that fails (a full disk) raises :class:`~._files.OutputWriteError` naming the report; the
incomplete report is then dropped, never moved into place.
"""

from __future__ import annotations

import _csv
import collections
import csv
import heapq
import threading
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import IO

from .._bulk import AssociationOutcome
from ._files import OutputWriteError, commit_sibling, discard_sibling, first_line_is, open_sibling

__all__ = ["REPORT_COLUMNS", "REPORT_HEADER", "FailureReport", "is_report", "neutralise", "restore"]

REPORT_COLUMNS = (
    "from_type",
    "from_id",
    "to_type",
    "to_id",
    "type_id",
    "category",
    "line",
    "http_status",
    "error_category",
    "message",
    "correlation_id",
)
REPORT_HEADER = (",".join(REPORT_COLUMNS) + "\r\n").encode()
_INPUT_COLUMNS = REPORT_COLUMNS[:6]
FORMULA_TRIGGERS = frozenset("=+-@\t\r")
"""First characters that make a spreadsheet evaluate a cell (OWASP, "CSV Injection")."""
_ESCAPE = "'"


def neutralise(cell: str) -> str:
    """``cell`` as a spreadsheet shows it as text: ``'`` in front of a formula trigger, and of a leading ``'``."""
    if cell and (cell[0] in FORMULA_TRIGGERS or cell[0] == _ESCAPE or cell.lstrip()[:1] in FORMULA_TRIGGERS):
        return _ESCAPE + cell
    return cell


def restore(cell: str) -> str:
    """Undo :func:`neutralise` (only :func:`neutralise` writes a leading ``'`` into a report)."""
    return cell[1:] if cell.startswith(_ESCAPE) else cell


def is_report(path: Path) -> bool:
    """True when ``path`` is a failure report this tool wrote (its first line is the report header)."""
    return first_line_is(path, REPORT_HEADER)


class FailureReport:
    """Writes failures in input order; the file is created with the first failure only.

    Rows are not answered in input order (several are in flight at once), so a failure is held back while an
    earlier row sent with :meth:`opened` has no outcome yet; :meth:`settled` says a sent row needs no report line.
    It is safe to use from several threads.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._temp: Path | None = None
        self._handle: IO[str] | None = None
        self._writer: _csv.Writer | None = None
        self._failed: OutputWriteError | None = None
        self._lock = threading.Lock()
        self._open: collections.deque[int] = collections.deque()  # lines sent, in order (settled ones lazily removed)
        self._settled: set[int] = set()  # lines in _open that have their outcome
        self._held: list[tuple[int, int, list[str]]] = []  # (line, sequence, cells): a heap of rows not yet written
        self._sequence = 0

    def opened(self, line: int) -> None:
        """Row ``line`` was sent: failures of later lines wait until it is settled or reported."""
        with self._lock:
            self._open.append(line)

    def settled(self, line: int) -> None:
        """Sent row ``line`` ended without a report line (confirmed, or stopped before its answer)."""
        self.settled_all((line,))

    def settled_all(self, lines: Iterable[int]) -> None:
        """:meth:`settled` for the rows of one answer, under one lock."""
        with self._lock:
            self._settled.update(lines)
            self._drain()

    def add_problem(self, line: int, message: str, fields: Mapping[str, str], extra: Sequence[str] = ()) -> None:
        """A row that was never sent (invalid input); ``extra``: its values beyond the input's header."""
        self._add(line, fields, None, "INVALID_INPUT", message, None, extra)

    def add_not_attempted(self, line: int, reason: str, fields: Mapping[str, str]) -> None:
        """A valid row that was not sent because an earlier answer showed it would fail the same way."""
        self._add(line, fields, None, "NOT_ATTEMPTED", reason, None)

    def add_outcome(self, outcome: AssociationOutcome, fields: Mapping[str, str]) -> None:
        """A row HubSpot refused, or that ran out of retries."""
        line = outcome.row.line or 0
        status, category = outcome.status_code, outcome.error_category
        self._add(line, fields, status, category, outcome.message or "", outcome.correlation_id, sent=True)

    def add_result(
        self,
        line: int,
        fields: Mapping[str, str],
        error_category: str,
        message: str,
        http_status: int | None = None,
        correlation_id: str | None = None,
    ) -> None:
        """A sent row whose answer was not what it asked for (``verify``: missing; ``remove``: failed)."""
        self._add(line, fields, http_status, error_category, message, correlation_id, sent=True)

    def _add(
        self,
        line: int,
        fields: Mapping[str, str],
        http_status: int | None,
        error_category: str | None,
        message: str,
        correlation: str | None,
        extra: Sequence[str] = (),
        *,
        sent: bool = False,
    ) -> None:
        cells = [fields.get(name, "") for name in _INPUT_COLUMNS]
        cells += [str(line), "" if http_status is None else str(http_status), error_category or "", message]
        cells += [correlation or "", *extra]
        with self._lock:
            self._sequence += 1
            heapq.heappush(self._held, (line, self._sequence, [neutralise(cell) for cell in cells]))
            if sent:
                self._settled.add(line)
            self._drain()

    def _drain(self) -> None:
        """Write the held rows that no earlier sent row is waiting for (call with the lock held)."""
        while self._open and self._open[0] in self._settled:
            self._settled.discard(self._open.popleft())
        first_open = self._open[0] if self._open else None
        while self._held and (first_open is None or self._held[0][0] < first_open):
            self._write(heapq.heappop(self._held)[2])

    def _write(self, cells: list[str]) -> None:
        if self._failed is not None:
            raise self._failed
        try:
            if self._writer is None:
                self._temp, self._handle = open_sibling(self.path)
                self._writer = csv.writer(self._handle)
                self._writer.writerow(REPORT_COLUMNS)
            self._writer.writerow(cells)
            assert self._handle is not None
            self._handle.flush()
        except OSError as exc:
            self._failed = OutputWriteError("failure report", self.path, exc)
            raise self._failed from None
        self.count += 1

    def close(self) -> None:
        """Write the rows still held, move the finished report into place (or remove a stale one of ours when
        nothing failed); :class:`~._files.OutputWriteError` if the report could not be written whole."""
        with self._lock:
            self._open.clear()  # rows still on the wire get no answer now
            try:
                self._drain()
                if self._failed is not None:
                    raise self._failed
                if self._handle is not None and self._temp is not None:
                    try:
                        commit_sibling(self._temp, self._handle, self.path, replace=True)
                    except OSError as exc:
                        self._failed = OutputWriteError("failure report", self.path, exc)
                        raise self._failed from None
                elif is_report(self.path):
                    self.path.unlink()
            except OutputWriteError:
                self.abandon()
                raise

    def abandon(self) -> None:
        """Drop the temporary file (the run failed before it ended, or the report could not be written)."""
        if self._handle is not None and self._temp is not None:
            discard_sibling(self._temp, self._handle)
