"""The failure report: one CSV row per input row that was not confirmed, with why.

Its first six columns are the bulk input columns, so the report can be fed back to ``bulk`` to retry just the
failures (the other columns are ignored on input).

The report is written to a temporary file next to its path and renamed into place when the run ends, so an
existing file is never truncated mid-run. Only a file that starts with this report's header line (written by an
earlier run) is ever replaced; a run without failures removes such a stale report, which would describe rows since
retried.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from .._bulk import AssociationOutcome
from ._files import commit_sibling, discard_sibling, first_line_is, open_sibling

__all__ = ["REPORT_COLUMNS", "REPORT_HEADER", "FailureReport", "is_report"]

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


def is_report(path: Path) -> bool:
    """True when ``path`` is a failure report this tool wrote (its first line is the report header)."""
    return first_line_is(path, REPORT_HEADER)


class FailureReport:
    """Writes failures as they happen; the file is created with the first failure only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._temp: Path | None = None
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def add_problem(self, line: int, message: str, fields: Mapping[str, str]) -> None:
        """A row that was never sent (invalid input)."""
        self._write(line, fields, http_status=None, error_category="INVALID_INPUT", message=message, correlation=None)

    def add_not_attempted(self, line: int, reason: str, fields: Mapping[str, str]) -> None:
        """A valid row that was not sent because an earlier answer showed it would fail the same way."""
        self._write(line, fields, http_status=None, error_category="NOT_ATTEMPTED", message=reason, correlation=None)

    def add_outcome(self, outcome: AssociationOutcome, fields: Mapping[str, str]) -> None:
        """A row HubSpot refused, or that ran out of retries."""
        self._write(
            outcome.row.line or 0,
            fields,
            http_status=outcome.status_code,
            error_category=outcome.error_category,
            message=outcome.message or "",
            correlation=outcome.correlation_id,
        )

    def _write(
        self,
        line: int,
        fields: Mapping[str, str],
        *,
        http_status: int | None,
        error_category: str | None,
        message: str,
        correlation: str | None,
    ) -> None:
        if self._writer is None:
            self._temp, self._handle = open_sibling(self.path)
            self._writer = csv.DictWriter(self._handle, REPORT_COLUMNS)
            self._writer.writeheader()
        row = {name: fields.get(name, "") for name in REPORT_COLUMNS[:6]}
        row.update(
            line=str(line),
            http_status="" if http_status is None else str(http_status),
            error_category=error_category or "",
            message=message,
            correlation_id=correlation or "",
        )
        self._writer.writerow(row)
        assert self._handle is not None
        self._handle.flush()
        self.count += 1

    def close(self) -> None:
        """Move the finished report into place (or remove a stale one of ours when nothing failed)."""
        if self._handle is not None and self._temp is not None:
            commit_sibling(self._temp, self._handle, self.path, replace=True)
        elif is_report(self.path):
            self.path.unlink()

    def abandon(self) -> None:
        """Drop the temporary file (the run failed before it ended)."""
        if self._handle is not None and self._temp is not None:
            discard_sibling(self._temp, self._handle)
