"""Streaming readers for bulk input files, each row tagged with its line number: CSV with a header (separated by
commas, semicolons or tabs: sniffed from the header), JSON Lines, or a JSON array of objects (rows numbered by item).

Every format carries the same fields: ``from_type, from_id, to_type, to_id`` (required) and ``type_id``,
``category`` (optional; a ``type_id`` without ``category`` is ``HUBSPOT_DEFINED``; neither means the default
association). HubSpot's own names are accepted too (``fromObjectType``, ``fromObjectId``, ``toObjectType``,
``toObjectId``, ``associationTypeId``, ``associationCategory``; :func:`canonical_column`). Other CSV columns are
ignored, so a failure report can be fed back in as input; in a file that starts with the report's header, the cells'
spreadsheet escaping (:func:`._report.neutralise`) is undone. A row with more values than the header has columns is
refused, its values beyond the header kept in :attr:`RowProblem.extra`.

Readers yield :class:`ParsedRow` (a validated :class:`AssociationRow`) or :class:`RowProblem` (what is wrong, with
the line number) one at a time, so a file of any size is read in constant memory. A problem with the file as a
whole (no header, missing columns, not UTF-8) raises :class:`InputFileError`.
"""

from __future__ import annotations

import codecs
import csv
import functools
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Literal, cast

import attrs

from .._bulk import AssociationRow
from .._models import AssociationSpec, spec_from_text
from .._validation import InvalidInputError, is_plain_id, validate_object_id, validate_object_type
from ..object_types import object_type_id
from ._report import REPORT_COLUMNS, restore

__all__ = [
    "OPTIONAL_FIELDS",
    "REQUIRED_FIELDS",
    "InputFileError",
    "InputFormat",
    "InputKind",
    "ParsedRow",
    "RowKey",
    "RowProblem",
    "canonical_column",
    "detect_format",
    "detect_input",
    "read_rows",
    "row_fields",
    "row_fingerprint",
    "row_key",
    "scan_rows",
]

REQUIRED_FIELDS = ("from_type", "from_id", "to_type", "to_id")
OPTIONAL_FIELDS = ("type_id", "category")
InputFormat = Literal["csv", "jsonl"]
"""What ``--format`` asks for: ``jsonl`` means JSON, one object per line or one array of objects (sniffed)."""
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
    """A valid row and the fields it was read from (for reports).

    ``line`` numbers the row (its line; for a JSON array, its item number: 1 is the first object), and is what the
    journal and the failure report record; ``source_line`` is the line a JSON array's item starts on. ``fields``
    given as None means the row's own values are the fields, as written (a CSV row read on the fast path).
    """

    line: int
    row: AssociationRow
    _fields: Mapping[str, str] | None = attrs.field(default=None, alias="fields")
    source_line: int | None = None

    @property
    def fields(self) -> Mapping[str, str]:
        """The row's values by column (``from_type``, ``from_id``, ...), for reports."""
        return row_fields(self.row) if self._fields is None else self._fields

    @property
    def where(self) -> str:
        """``line 7``, or ``item 3 (line 9)`` for a JSON array."""
        return _where(self.line, self.source_line)


@attrs.frozen(slots=True)
class RowProblem:
    """A row that cannot be sent, and why; ``extra``: what it holds beyond the fields (kept in the failure report);
    ``line`` and ``source_line`` as in :class:`ParsedRow`."""

    line: int
    message: str
    fields: Mapping[str, str]
    extra: tuple[str, ...] = ()
    source_line: int | None = None

    @property
    def where(self) -> str:
        """``line 7``, or ``item 3 (line 9)`` for a JSON array."""
        return _where(self.line, self.source_line)


def _where(line: int, source_line: int | None) -> str:
    return f"line {line}" if source_line is None else f"item {line} (line {source_line})"


def detect_format(path: Path) -> InputFormat:
    """JSON for ``.jsonl``/``.ndjson``/``.json``, else CSV (by suffix only; :func:`detect_input` also sniffs)."""
    return "jsonl" if path.suffix.lower() in _JSONL_SUFFIXES else "csv"


def read_rows(path: Path, input_format: InputKind | InputFormat | None = None) -> Iterator[ParsedRow | RowProblem]:
    """Stream the rows of ``path``; raises :class:`InputFileError` for an empty file or a bad header.

    ``input_format``: what :func:`detect_input` found (or a format to detect the details of, or ``None``).
    """
    kind = input_format if isinstance(input_format, InputKind) else detect_input(path, input_format)
    if kind.format == "csv":
        return cast("Iterator[ParsedRow | RowProblem]", _read_csv(path, kind.delimiter))  # no keys_for: no RowKey
    return _read_json_array(path) if kind.format == "json_array" else _read_jsonl(path)


RowKey = tuple[int, int]
"""A row read for its key only: ``(line, row_key)``."""


def scan_rows(
    path: Path, input_format: InputKind | InputFormat | None, whole: Collection[int] = ()
) -> Iterator[RowKey | ParsedRow | RowProblem]:
    """:func:`read_rows` for a first pass that needs only each row's :func:`row_key`: the usual CSV row (see
    :class:`_FastColumns`) comes as ``(line, key)``, without building the row; the rows of the lines in ``whole``
    (a journal's, to check their fingerprints) and every other row come as :func:`read_rows` gives them."""
    kind = input_format if isinstance(input_format, InputKind) else detect_input(path, input_format)
    if kind.format == "csv":
        return _read_csv(path, kind.delimiter, keys_for=whole)
    return read_rows(path, kind)


# -- what kind of file: sniffed from its first bytes ------------------------------------------------------------

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


@attrs.frozen
class InputKind:
    """What an input file holds: CSV (and its separator), JSON Lines or a JSON array."""

    format: Literal["csv", "jsonl", "json_array"]
    delimiter: str = ","

    def describe(self) -> str:
        """``CSV separated by semicolons``, ``JSON Lines``, ``a JSON array (rows numbered by item)``."""
        if self.format == "csv":
            return f"CSV separated by {_DELIMITERS[self.delimiter]}s"
        return "JSON Lines" if self.format == "jsonl" else "a JSON array (rows numbered by item: 1 is the first)"


def detect_input(path: Path, input_format: InputFormat | None = None) -> InputKind:
    """Sniff ``path``: JSON (``--format jsonl``, a JSON suffix, or a first character ``[`` or ``{``) is an array
    when it starts with ``[``, else JSON Lines; CSV's separator is the one of ``,``, ``;``, tab that splits the
    header into the required columns. Reads at most the first line (1 MiB); a file it cannot open raises
    :class:`OSError`, a UTF-16 file (Excel's "Unicode Text") :class:`InputFileError`.
    """
    with path.open("rb") as handle:
        first = handle.readline(MAX_LINE_BYTES)
    if first.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputFileError(
            'the file is UTF-16 text (as Excel\'s "Unicode Text" saves it): save it as "CSV UTF-8" instead',
            line=1,
        )
    text = first.decode("utf-8-sig", "replace").lstrip()
    json_file = input_format == "jsonl" or (input_format is None and detect_format(path) == "jsonl")
    if json_file or (input_format is None and text[:1] in ("[", "{")):
        return InputKind("json_array" if text.startswith("[") else "jsonl")
    return InputKind("csv", _sniff_delimiter(text))


def _sniff_delimiter(header: str) -> str:
    """The separator that splits ``header`` into every required column; else the one that splits it most."""
    splits = {sep: _cells(header, sep) for sep in _DELIMITERS}
    for sep, cells in splits.items():
        if set(REQUIRED_FIELDS) <= {canonical_column(cell) for cell in cells}:
            return sep
    return max(splits, key=lambda sep: len(splits[sep]))  # ties: the first, a comma


def _cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return []


# -- column names: ours and HubSpot's --------------------------------------------------------------------------

_COLUMN_ALIASES = {
    **{name.replace("_", ""): name for name in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)},
    # HubSpot's names for the fields (docs/hubspot-api.md §4).
    "fromobjecttype": "from_type",
    "objecttype": "from_type",
    "fromobjectid": "from_id",
    "objectid": "from_id",
    "toobjecttype": "to_type",
    "toobjectid": "to_id",
    "associationtypeid": "type_id",
    "associationcategory": "category",
}
_SEPARATORS = re.compile(r"[\s_-]+")


@functools.lru_cache(maxsize=256)  # a JSON file repeats its keys on every row
def canonical_column(name: str) -> str:
    """Our name for a column or JSON key: ``fromObjectType``, ``From Type``, ``from_object_type`` → ``from_type``;
    a name we do not know, lower-cased (``line``, ``message``: a failure report's own columns)."""
    lowered = name.strip().lower()
    return _COLUMN_ALIASES.get(_SEPARATORS.sub("", lowered), lowered)


def _canonical_names(names: Iterable[str]) -> tuple[list[str], str | None]:
    """The canonical names, and a problem if two of ``names`` mean the same field (``from_id`` and ``fromObjectId``)."""
    canonical: list[str] = []
    first: dict[str, str] = {}
    for name in names:
        column = canonical_column(name)
        if column in (*REQUIRED_FIELDS, *OPTIONAL_FIELDS) and column in first:
            return canonical, f"{first[column]!r} and {name.strip()!r} both mean {column}: keep one of them"
        first.setdefault(column, name.strip())
        canonical.append(column)
    return canonical, None


def _raw_lines(handle: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """The file's lines, numbered from 1, each at most :data:`MAX_LINE_BYTES` (else :class:`InputFileError`)."""
    number = 0
    while raw := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(raw) > MAX_LINE_BYTES:
            raise _too_long(number)
        yield number, raw


def _too_long(number: int) -> InputFileError:
    return InputFileError(
        f"line longer than {MAX_LINE_BYTES // (1 << 20)} MiB (is this a bulk input file?)", line=number
    )


_BLOCK = 1 << 16
"""How much of a CSV file is read and decoded at a time (less than :data:`MAX_LINE_BYTES`)."""


def _decoded_lines(handle: IO[bytes]) -> Iterator[str]:
    """The file's lines as :func:`_raw_lines` gives them (split at ``\\n``, each kept whole with its end), decoded.

    Read and decoded a block at a time (one ``read`` and one ``decode`` for ~1,000 rows, not one each per row); a
    block that does not decode is decoded again line by line, so the error names its own line, as it would
    reading line by line. utf-8-sig for the first block: spreadsheets often start CSV files with a byte-order mark.
    """
    number = 0  # lines yielded
    rest = b""  # the start of a line whose end is not read yet
    while True:
        block = handle.read(_BLOCK)
        data = rest + block if rest else block
        if not data:
            return
        end = data.rfind(b"\n") + 1 if block else len(data)  # at the end of the file, a last line without its \n
        if not end:
            if len(data) > MAX_LINE_BYTES:  # no line end in sight: refused before it is held whole
                raise _too_long(number + 1)
            rest = data
            continue
        rest = data[end:]
        whole = data[:end]
        first_end = whole.find(b"\n") + 1 or end
        if first_end > MAX_LINE_BYTES:  # only the first line can be that long: the others fit in one block
            raise _too_long(number + 1)
        try:
            text = whole.decode("utf-8-sig" if number == 0 else "utf-8")
        except UnicodeDecodeError as exc:
            _undecodable(whole, number)  # raises for the line at fault: one always is (a \n ends any UTF-8 sequence)
            raise InputFileError(f"not UTF-8 text ({exc.reason})", line=number + 1) from None
        lines = text.split("\n")
        last = lines.pop()  # "" after a final \n; else the file's last line, which has none
        number += len(lines)
        yield from [line + "\n" for line in lines]
        if not whole.endswith(b"\n"):
            number += 1
            yield last
        if not block:
            return
        if len(rest) > MAX_LINE_BYTES:
            raise _too_long(number + 1)


def _undecodable(whole: bytes, number: int) -> None:
    """Raise the decoding error of the first line of ``whole`` (lines after ``number``) that is not UTF-8."""
    for offset, raw in enumerate(_split_keep(whole), start=1):
        try:
            raw.decode("utf-8-sig" if number + offset == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            raise InputFileError(
                f"not UTF-8 text ({exc.reason} at byte {exc.start + 1} of the line): save or export the file as UTF-8",
                line=number + offset,
            ) from None


def _split_keep(data: bytes) -> list[bytes]:
    """``data`` split after each ``\\n`` (as ``readline`` splits), each piece keeping it."""
    pieces = data.split(b"\n")
    last = pieces.pop()
    return [piece + b"\n" for piece in pieces] + ([last] if last else [])


def _read_csv(
    path: Path, delimiter: str = ",", keys_for: Collection[int] | None = None
) -> Iterator[RowKey | ParsedRow | RowProblem]:
    # keys_for: None, rows as read_rows gives them; else the usual rows as (line, key) but for these lines.
    with path.open("rb") as handle:
        reader = csv.reader(_decoded_lines(handle), delimiter=delimiter)
        previous_end = 0  # the last line of the previous record: a record (quoted newlines) may span lines
        try:
            header = next(reader, None)
            if header is None or not any(cell.strip() for cell in header):
                raise InputFileError(f"{path.name} is empty: expected a header line with {', '.join(REQUIRED_FIELDS)}")
            columns, clash = _canonical_names(header)
            if clash:
                raise InputFileError(f"header: {clash}", line=1)
            missing = [name for name in REQUIRED_FIELDS if name not in columns]
            if missing:
                found = ", ".join(cell.strip() for cell in header[:_MAX_COLUMNS_SHOWN])
                if len(columns) > _MAX_COLUMNS_SHOWN:
                    found += f", ... ({len(columns)} columns)"
                raise InputFileError(
                    f"header is missing column(s) {', '.join(missing)} (found: {found}); the first line must name "
                    f"the columns {', '.join(REQUIRED_FIELDS)} (or HubSpot's fromObjectType, fromObjectId, "
                    "toObjectType, toObjectId), separated by commas, semicolons or tabs",
                    line=1,
                )
            previous_end = reader.line_num
            seen = False
            is_report = tuple(header) == REPORT_COLUMNS  # our failure report: undo its spreadsheet escaping
            fast = None if is_report else _FastColumns.of(columns)
            for record in reader:
                start, previous_end = previous_end + 1, reader.line_num
                if fast is not None:
                    if keys_for is not None and start not in keys_for:
                        key = fast.key(record)
                        if key is not None:
                            seen = True
                            yield start, key
                            continue
                    elif (row := fast.row(record, start)) is not None:
                        seen = True
                        yield ParsedRow(start, row)
                        continue
                if not any(cell.strip() for cell in record):
                    continue  # blank lines are not rows
                seen = True
                if is_report:
                    record = [restore(cell) for cell in record]
                if len(record) > len(columns):  # kept as read, so a failure report loses none of it
                    fields = dict(zip(columns, record, strict=False))
                    message = (
                        f"{len(record)} values but the header has {len(columns)} columns: quote a value that "
                        f"holds a {_DELIMITERS[delimiter]}"
                    )
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
        raise InputFileError(f"{path.name} has a header but no rows: add one row per association below it")


class _FastColumns:
    """The usual CSV row, read without building its fields: a default association whose object types are written
    as we would send them (``contacts``, ``0-1``) and whose ids are plain digits. :meth:`row` gives None for
    anything else, which then takes the full path (:func:`_parse`: same result, or the exact problem); so this is
    only faster, never different (``tests/test_bulk_input.py`` checks both paths agree on any row)."""

    __slots__ = ("count", "ids", "optional", "types")

    def __init__(self, count: int, types: tuple[int, int], ids: tuple[int, int], optional: tuple[int, ...]) -> None:
        self.count, self.types, self.ids, self.optional = count, types, ids, optional

    @classmethod
    def of(cls, columns: list[str]) -> _FastColumns | None:
        """For a header of our columns only (each once: an unknown column is kept in reports, so not fast)."""
        if not set(columns) <= {*REQUIRED_FIELDS, *OPTIONAL_FIELDS} or len(set(columns)) != len(columns):
            return None
        at = {name: index for index, name in enumerate(columns)}
        optional = tuple(at[name] for name in OPTIONAL_FIELDS if name in at)
        return cls(len(columns), (at["from_type"], at["to_type"]), (at["from_id"], at["to_id"]), optional)

    def values(self, record: list[str]) -> tuple[str, str, str, str] | None:
        """The row's (from type, from id, to type, to id), when it is a usual row."""
        if len(record) != self.count:
            return None
        for index in self.optional:  # a label: the full path
            if record[index]:
                return None
        from_type, to_type = record[self.types[0]], record[self.types[1]]
        from_id, to_id = record[self.ids[0]], record[self.ids[1]]
        if is_plain_id(from_id) and is_plain_id(to_id) and _is_sendable_type(from_type) and _is_sendable_type(to_type):
            return from_type, from_id, to_type, to_id
        return None

    def row(self, record: list[str], line: int) -> AssociationRow | None:
        values = self.values(record)
        return None if values is None else AssociationRow(*values, line=line)

    def key(self, record: list[str]) -> int | None:
        """:func:`row_key` of the row :meth:`row` would give (None when it gives none)."""
        values = self.values(record)
        return None if values is None else _key(values[0], values[1], values[2], values[3], ())


@functools.lru_cache(maxsize=1024)  # a file names a few object types, on every row
def _is_sendable_type(cell: str) -> bool:
    """An object type :func:`validate_object_type` returns as it is."""
    try:
        return validate_object_type(cell, "from_type") == cell
    except InvalidInputError:
        return False


def row_fields(row: AssociationRow) -> dict[str, str]:
    """A row's values by column, as an input file's fields (for reports)."""
    spec = row.specs[0] if row.specs else None
    return {
        "from_type": str(row.from_object_type),
        "from_id": str(row.from_object_id),
        "to_type": str(row.to_object_type),
        "to_id": str(row.to_object_id),
        "type_id": "" if spec is None else str(spec.association_type_id),
        "category": "" if spec is None else spec.association_category.value,
    }


def _read_jsonl(path: Path) -> Iterator[ParsedRow | RowProblem]:
    seen = False
    line_number = 0
    with path.open("rb") as handle:
        for line_number, raw in _raw_lines(handle):
            try:
                text = raw.decode("utf-8-sig" if line_number == 1 else "utf-8").strip()
            except UnicodeDecodeError as exc:
                raise InputFileError(
                    f"not UTF-8 text ({exc.reason}): save the file as UTF-8", line=line_number
                ) from None
            if not text:
                continue
            try:
                value: Any = json.loads(text)
            except (ValueError, RecursionError) as exc:  # JSONDecodeError, or a number or nesting json cannot take
                reason = _json_problem(exc)
                if not seen:  # the very first line: the file is not JSON Lines at all (a CSV, say)
                    raise InputFileError(
                        f"not JSON Lines: the first line is not JSON ({reason}); a JSON file holds one object per "
                        "line, or one array of objects; for CSV, use --format csv",
                        line=line_number,
                    ) from None
                seen = True
                yield RowProblem(
                    line_number, f"not valid JSON ({reason}): write the row as one JSON object", {}, (text,)
                )
                continue
            seen = True
            yield _json_row(line_number, value, text)
    if not seen:
        raise InputFileError(f"{path.name} is empty: expected one JSON object per line")


def _json_row(number: int, value: Any, text: str, source_line: int | None = None) -> ParsedRow | RowProblem:
    """One JSON value as a row: an object whose keys are column names (ours or HubSpot's)."""
    if not isinstance(value, dict):
        message = f"expected a JSON object with from_type, from_id, to_type, to_id, got {_json_type(value)}"
        return RowProblem(number, message, {}, (text,), source_line=source_line)
    names, clash = _canonical_names(str(key) for key in value)
    fields = {name: "" if v is None else str(v) for name, v in zip(names, value.values(), strict=True)}
    if clash:
        return RowProblem(number, clash, fields, source_line=source_line)
    values = dict(zip(names, value.values(), strict=True))
    if any(isinstance(values.get(name), bool | float | list | dict) for name in (*REQUIRED_FIELDS, "type_id")):
        message = 'ids and type_id must be strings or integers ("123" or 123)'
        return RowProblem(number, message, fields, source_line=source_line)
    parsed = _parse(number, fields)
    return attrs.evolve(parsed, source_line=source_line) if source_line is not None else parsed


def _json_type(value: Any) -> str:
    return {list: "an array", str: "a string", bool: "true/false", type(None): "null"}.get(type(value), "a number")


_MAX_ITEM_CHARS = MAX_LINE_BYTES
_READ_CHARS = 1 << 20
_JSON = json.JSONDecoder()
_NOT_WHITESPACE = re.compile(r"[^ \t\n\r]")


class _JsonArrayStream:
    """A JSON array's items, one at a time: at most about 2 MiB of the file in memory, whatever its size.

    ``json`` cannot stream, so the text is read in chunks and each item is decoded with ``raw_decode`` once at
    least :data:`_MAX_ITEM_CHARS` of it (or the end of the file) are buffered: an item that does not end within
    them is refused as too long. Lines are counted as the text is consumed, so every error names its line.
    """

    def __init__(self, handle: IO[bytes]) -> None:
        self._handle = handle
        self._decoder = codecs.getincrementaldecoder("utf-8-sig")()
        self._text = ""
        self._pos = 0
        self._eof = False
        self.line = 1  # the line of the text at self._pos

    def _fill(self) -> None:
        while not self._eof and len(self._text) - self._pos < _MAX_ITEM_CHARS:
            chunk = self._handle.read(_READ_CHARS)
            self._eof = not chunk
            try:
                decoded = self._decoder.decode(chunk, final=self._eof)
            except UnicodeDecodeError as exc:
                where = self._line_at(len(self._text)) + chunk[: exc.start].count(b"\n")
                raise InputFileError(f"not UTF-8 text ({exc.reason}): save the file as UTF-8", line=where) from None
            self._text = self._text[self._pos :] + decoded
            self._pos = 0

    def _line_at(self, position: int) -> int:
        return self.line + self._text.count("\n", self._pos, position)

    def _advance(self, position: int) -> None:
        self.line = self._line_at(position)
        self._pos = position

    def _next_char(self) -> str:
        """The next character that is not whitespace (consumed up to it, not past it); "" at the end."""
        while True:
            self._fill()
            match = _NOT_WHITESPACE.search(self._text, self._pos)
            if match is not None:
                self._advance(match.start())
                return match.group()
            self._advance(len(self._text))
            if self._eof:
                return ""

    def _expect(self, allowed: str, after: str) -> str:
        char = self._next_char()
        if char not in allowed or not char:
            found = repr(char) if char else "the end of the file"
            wanted = " or ".join(repr(c) for c in allowed)
            raise InputFileError(f"not a JSON array: expected {wanted} {after}, found {found}", line=self.line)
        self._advance(self._pos + 1)
        return char

    def items(self) -> Iterator[tuple[int, int, Any, str]]:
        """``(item number, its first line, value, its text)`` for each item; :class:`InputFileError` if malformed."""
        self._expect("[", "at the start")
        if self._next_char() == "]":
            self._advance(self._pos + 1)
        else:
            number = 0
            while True:
                number += 1
                yield self._item(number)
                if self._expect(",]", f"after item {number}") == "]":
                    break
        if self._next_char():
            raise InputFileError("text after the end of the JSON array: one file holds one array", line=self.line)

    def _item(self, number: int) -> tuple[int, int, Any, str]:
        self._next_char()
        start, line = self._pos, self.line
        try:
            value, end = _JSON.raw_decode(self._text, start)
        except json.JSONDecodeError as exc:
            at_end = exc.pos >= len(self._text) - 1 or exc.msg.startswith("Unterminated string")
            if at_end and self._eof:
                raise InputFileError(
                    f"the file ends inside item {number} ({exc.msg}): is it complete? A JSON array ends with ']'",
                    line=line,
                ) from None
            if at_end:
                raise InputFileError(
                    f"item {number} is longer than {_MAX_ITEM_CHARS >> 20} MiB (is this a bulk input file?)", line=line
                ) from None
            column = exc.pos - self._text.rfind("\n", 0, exc.pos)
            raise InputFileError(
                f"item {number} (from line {line}) is not valid JSON: {exc.msg} at column {column}; fix the file, "
                "or export it again",
                line=self._line_at(exc.pos),
            ) from None
        except (ValueError, RecursionError) as exc:
            raise InputFileError(f"item {number} cannot be read ({_json_problem(exc)})", line=line) from None
        self._advance(end)
        return number, line, value, self._text[start : min(end, start + 200)]


def _read_json_array(path: Path) -> Iterator[ParsedRow | RowProblem]:
    seen = False
    with path.open("rb") as handle:
        for number, line, value, text in _JsonArrayStream(handle).items():
            seen = True
            yield _json_row(number, value, text, source_line=line)
    if not seen:
        raise InputFileError(f"{path.name} is an empty JSON array: expected objects with {', '.join(REQUIRED_FIELDS)}")


def _json_problem(exc: ValueError | RecursionError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return exc.msg
    if isinstance(exc, RecursionError):
        return "nested too deeply"
    return "a number too long to read"  # int() refuses more than sys.get_int_max_str_digits() digits


def _parse(line: int, fields: dict[str, str]) -> ParsedRow | RowProblem:
    get = fields.get
    from_type, from_id, to_type, to_id = get("from_type"), get("from_id"), get("to_type"), get("to_id")
    if not (from_type and from_id and to_type and to_id):
        missing = [name for name in REQUIRED_FIELDS if not get(name)]
        return RowProblem(line, f"missing value(s) for {', '.join(missing)}: fill them in, or delete the row", fields)
    try:
        from_type = validate_object_type(from_type, "from_type")
        from_id = validate_object_id(from_id, "from_id")
        to_type = validate_object_type(to_type, "to_type")
        to_id = validate_object_id(to_id, "to_id")
        type_id, category = get("type_id"), get("category")
        specs = _specs(type_id or "", category or "") if type_id or category else ()
    except InvalidInputError as exc:
        return RowProblem(line, str(exc), fields)
    return ParsedRow(line, AssociationRow(from_type, from_id, to_type, to_id, specs, line=line), fields)


def _specs(type_id: str, category: str) -> tuple[AssociationSpec, ...]:
    if not type_id:
        if category:
            raise InvalidInputError("category", f"given ({category!r}) without a type_id: add the type_id, or clear it")
        return ()
    return (spec_from_text(type_id, category),)


def row_fingerprint(row: AssociationRow) -> str:
    """A short, stable hash of what a row asks for (not where it is), so a journal can tell if the input changed."""
    specs = (
        ",".join([f"{s.association_category.value}:{s.association_type_id}" for s in row.specs]) if row.specs else ""
    )
    text = f"{row.from_object_type}|{row.from_object_id}|{row.to_object_type}|{row.to_object_id}|{specs}"
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def row_key(row: AssociationRow) -> int:
    """What a row asks for, as a 128-bit number: rows with equal keys create the same associations (duplicates).

    Object types compare by type id (``contacts`` and ``0-1`` are one). 128 bits, so two different rows of any
    file never share a key by chance (a shared key means a row is not sent: it must be a real duplicate).
    """
    specs = sorted(f"{s.association_category.value}:{s.association_type_id}" for s in row.specs) if row.specs else ()
    return _key(row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, specs)


def _key(from_type: object, from_id: object, to_type: object, to_id: object, specs: Iterable[str]) -> int:
    text = "|".join([_type_key(from_type), str(from_id), _type_key(to_type), str(to_id), *specs])
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=16).digest())


@functools.lru_cache(maxsize=1024)  # a file names a few object types on every row
def _type_key(value: object) -> str:
    return object_type_id(str(value)) or str(value).lower()
