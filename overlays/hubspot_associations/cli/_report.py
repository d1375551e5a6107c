"""The failure report: one CSV row per input row that was not confirmed, with why.

Its first six columns are the bulk input columns, so the report can be fed back to ``bulk`` to retry just the
failures (the other columns are ignored on input).
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from .._bulk import AssociationOutcome

__all__ = ["REPORT_COLUMNS", "FailureReport"]

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


class FailureReport:
    """Writes failures as they happen; the file is created with the first failure only."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.count = 0
        self._handle: IO[str] | None = None
        self._writer: csv.DictWriter[str] | None = None

    def add_problem(self, line: int, message: str, fields: Mapping[str, str]) -> None:
        """A row that was never sent (invalid input)."""
        self._write(line, fields, http_status=None, error_category="INVALID_INPUT", message=message, correlation=None)

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
            self._handle = self.path.open("w", encoding="utf-8", newline="")
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
        if self._handle is not None:
            self._handle.close()
