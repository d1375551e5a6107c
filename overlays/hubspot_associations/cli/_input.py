"""Streaming readers for bulk input files: CSV with a header, or JSON Lines, each row tagged with its line number.

Both formats carry the same fields: ``from_type, from_id, to_type, to_id`` (required) and ``type_id``,
``category`` (optional; a ``type_id`` without ``category`` is ``HUBSPOT_DEFINED``; neither means the default
association). Other CSV columns are ignored, so a failure report can be fed back in as input; in a file that starts
with the report's header, the cells' spreadsheet escaping (:func:`._report.neutralise`) is undone. A row with more
values than the header has columns is refused, its values beyond the header kept in :attr:`RowProblem.extra`.

Readers yield :class:`ParsedRow` (a validated :class:`AssociationRow`) or :class:`RowProblem` (what is wrong, with
the line number) one at a time, so a file of any size is read in constant memory. A problem with the file as a
whole (no header, missing columns, not UTF-8) raises :class:`InputFileError`.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal

import attrs

from .._bulk import AssociationRow
from .._models import AssociationSpec, spec_from_text
from .._validation import InvalidInputError, validate_object_id, validate_object_type
from ._report import REPORT_COLUMNS, restore

__all__ = [
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "InputFileError",
    "InputFormat",
    "ParsedRow",
    "RowProblem",
    "detect_format",
    "read_rows",
    "row_fingerprint",
]

REQUIRED_FIELDS = ("from_type", "from_id", "to_type", "to_id")
OPTIONAL_FIELDS = ("type_id", "category")
InputFormat = Literal["csv", "jsonl"]
_JSONL_SUFFIXES = frozenset({".jsonl", ".ndjson", ".json"})
MAX_LINE_BYTES = 1 << 20
"""The longest line a bulk file may have (1 MiB; a row is a few dozen bytes): a longer one is refused as soon as it is
read, so a file without newlines cannot make the reader hold it whole."""
_MAX_COLUMNS_SHOWN = 10  # a header's columns named in an error message, at most


class InputFileError(Exception):
    """The file as a whole cannot be read as bulk input (nothing is sent)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(f"line {line}: {message}" if line is not None else message)
        self.line = line


@attrs.frozen(slots=True)
class ParsedRow:
    """A valid row and the fields it was read from (for reports)."""

    line: int
    row: AssociationRow
    fields: Mapping[str, str]


@attrs.frozen(slots=True)
class RowProblem:
    """A row that cannot be sent, and why; ``extra``: what it holds beyond the fields (kept in the failure report)."""

    line: int
    message: str
    fields: Mapping[str, str]
    extra: tuple[str, ...] = ()


def detect_format(path: Path) -> InputFormat:
    """JSON Lines for ``.jsonl``/``.ndjson``/``.json``, else CSV."""
    return "jsonl" if path.suffix.lower() in _JSONL_SUFFIXES else "csv"


def read_rows(path: Path, input_format: InputFormat | None = None) -> Iterator[ParsedRow | RowProblem]:
    """Stream the rows of ``path``; raises :class:`InputFileError` for an empty file or a bad header."""
    fmt = input_format or detect_format(path)
    reader = _read_csv if fmt == "csv" else _read_jsonl
    return reader(path)


def _raw_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered from 1, each at most :data:`MAX_LINE_BYTES` (else :class:`InputFileError`)."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise InputFileError(
                f"line longer than {MAX_LINE_BYTES // (1 << 20)} MiB (is this a bulk input file?)", line=number
            )
        yield number, raw


def _decoded_lines(handle: IO[bytes]) -> Iterator[str]:
    # Decoded one line at a time (not by a text wrapper reading ahead), so a decoding error names its own line.
    # utf-8-sig on the first line: spreadsheets often start CSV files with a byte-order mark.
    for number, raw in _raw_lines(handle):
        try:
            yield raw.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line)", line=number
            ) from None


def _read_csv(path: Path) -> Iterator[ParsedRow | RowProblem]:
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle))
        previous_end = 0  # the last line of the previous record: a record (quoted newlines) may span lines
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise InputFileError(f"{path.name} is empty: expected a header line with {', '.join(REQUIRED_FIELDS)}")
            columns = [cell.strip().lower() for cell in header]
            missing = [name for name in REQUIRED_FIELDS if name not in columns]
            if missing:
                found = ", ".join(columns[:_MAX_COLUMNS_SHOWN])
                if len(columns) > _MAX_COLUMNS_SHOWN:
                    found += f", ... ({len(columns)} columns)"
                raise InputFileError(f"header is missing column(s) {', '.join(missing)} (found: {found})", line=1)
            previous_end = reader.line_num
            seen = False
            is_report = tuple(header) == REPORT_COLUMNS  # our failure report: undo its spreadsheet escaping
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if not any(cell.strip() for cell in record):
                    continue  # blank lines are not rows
                seen = True
                if is_report:
                    record = [restore(cell) for cell in record]
                if len(record) > len(columns):  # kept as read, so a failure report loses none of it
                    fields = dict(zip(columns, record, strict=False))
                    message = f"{len(record)} values but the header has {len(columns)} columns"
                    yield RowProblem(start, message, fields, tuple(record[len(columns) :]))
                    continue
                fields = {name: value.strip() for name, value in zip(columns, record, strict=False)}
                yield _parse(start, fields)
        except csv.Error as exc:
            start = previous_end + 1
            span = (
                f" (a record from line {start} to {reader.line_num}: an unclosed quote?)"
                if reader.line_num > start
                else ""
            )
            raise InputFileError(f"malformed CSV: {exc}{span}", line=start) from None
    if not seen:
        raise InputFileError(f"{path.name} has a header but no rows")


def _read_jsonl(path: Path) -> Iterator[ParsedRow | RowProblem]:
    seen = False
    line_number = 0
    with path.open("rb") as handle:
        for line_number, raw in _raw_lines(handle):
            try:
                text = raw.decode("utf-8-sig" if line_number == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                raise InputFileError(f"not UTF-8 text ({exc.reason})", line=line_number) from None
            if not text:
                continue
            try:
                value: Any = json.loads(text)
            except (ValueError, RecursionError) as exc:  # JSONDecodeError, or a number or nesting json cannot take
                reason = _json_problem(exc)
                if not seen:  # the very first line: the file is not JSON Lines at all (a CSV, say)
                    raise InputFileError(
                        f"not JSON Lines: the first line is not JSON ({reason}); for CSV, use --format csv",
                        line=line_number,
                    ) from None
                seen = True
                yield RowProblem(line_number, f"not valid JSON ({reason})", {}, (text,))
                continue
            seen = True
            if not isinstance(value, dict):
                yield RowProblem(line_number, f"expected a JSON object, got {type(value).__name__}", {}, (text,))
                continue
            fields = {str(k): "" if v is None else str(v) for k, v in value.items()}
            if any(isinstance(value.get(name), bool | float | list | dict) for name in (*REQUIRED_FIELDS, "type_id")):
                yield RowProblem(line_number, "ids and type_id must be strings or integers", fields)
                continue
            yield _parse(line_number, fields)
    if not seen:
        raise InputFileError(f"{path.name} is empty: expected one JSON object per line")


def _json_problem(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return "a number too long to read"  # int() refuses more than sys.get_int_max_str_digits() digits


def _parse(line: int, fields: dict[str, str]) -> ParsedRow | RowProblem:
    missing = [name for name in REQUIRED_FIELDS if not fields.get(name)]
    if missing:
        return RowProblem(line, f"missing value(s) for {', '.join(missing)}", fields)
    try:
        from_type = validate_object_type(fields["from_type"], "from_type")
        from_id = validate_object_id(fields["from_id"], "from_id")
        to_type = validate_object_type(fields["to_type"], "to_type")
        to_id = validate_object_id(fields["to_id"], "to_id")
        specs = _specs(fields.get("type_id", ""), fields.get("category", ""))
    except InvalidInputError as exc:
        return RowProblem(line, str(exc), fields)
    return ParsedRow(line, AssociationRow(from_type, from_id, to_type, to_id, specs, line=line), fields)


def _specs(type_id: str, category: str) -> tuple[AssociationSpec, ...]:
    if not type_id:
        if category:
            raise InvalidInputError("category", f"given ({category!r}) without a type_id")
        return ()
    return (spec_from_text(type_id, category),)


def row_fingerprint(row: AssociationRow) -> str:
    """A short, stable hash of what a row asks for (not where it is), so a journal can tell if the input changed."""
    specs = ",".join(f"{s.association_category.value}:{s.association_type_id}" for s in row.specs)
    text = f"{row.from_object_type}|{row.from_object_id}|{row.to_object_type}|{row.to_object_id}|{specs}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]
