"""Bulk input as users have it: CSV separated by commas, semicolons or tabs, JSON Lines with our or HubSpot's keys,
a JSON array; duplicate rows; refusals that name the line, the problem and the fix."""

from __future__ import annotations

import csv
import json
import tracemalloc
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubspot_associations.cli._input import (
    MAX_LINE_BYTES,
    InputFileError,
    InputKind,
    ParsedRow,
    RowProblem,
    canonical_column,
    detect_input,
    read_rows,
)
from tests.cli.cli_support import Cli, confirmed_entries, write

COLUMNS = ("from_type", "from_id", "to_type", "to_id", "type_id", "category")
CAMEL = dict(
    zip(
        COLUMNS,
        ("fromObjectType", "fromObjectId", "toObjectType", "toObjectId", "associationTypeId", "associationCategory"),
        strict=True,
    )
)
Row = Mapping[str, str]
Rows = Sequence[Row]


def _write_csv(path: Path, rows: Rows, delimiter: str) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, COLUMNS, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)


def _write_jsonl(path: Path, rows: Rows, names: Mapping[str, str]) -> None:
    path.write_text("".join(json.dumps({names[k]: v for k, v in row.items()}) + "\n" for row in rows))


def _write_array(path: Path, rows: Rows) -> None:
    path.write_text(json.dumps(list(rows), indent=2))


SNAKE = {name: name for name in COLUMNS}
WRITERS: dict[str, tuple[str, Callable[[Path, Rows], None], InputKind]] = {
    "comma": ("rows.csv", lambda p, r: _write_csv(p, r, ","), InputKind("csv", ",")),
    "semicolon": ("rows.csv", lambda p, r: _write_csv(p, r, ";"), InputKind("csv", ";")),
    "tab": ("rows.tsv", lambda p, r: _write_csv(p, r, "\t"), InputKind("csv", "\t")),
    "jsonl": ("rows.jsonl", lambda p, r: _write_jsonl(p, r, SNAKE), InputKind("jsonl")),
    "camel": ("rows.ndjson", lambda p, r: _write_jsonl(p, r, CAMEL), InputKind("jsonl")),
    "array": ("rows.json", _write_array, InputKind("json_array")),
}


def _parsed(path: Path) -> list[tuple[object, ...]]:
    """What each row asks for (or what is wrong with it), in file order, without where it was in the file."""
    out: list[tuple[object, ...]] = []
    for item in read_rows(path):
        if isinstance(item, RowProblem):
            out.append(("problem", item.message))
        else:
            row = item.row
            specs = tuple((s.association_category.value, s.association_type_id) for s in row.specs)
            out.append((row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, specs))
    return out


# Values a spreadsheet might hold: good ids and types, and bad ones with separators and quotes in them.
_TRICKY = st.text(alphabet='0123456789ax-_;,\t" ', min_size=1, max_size=6).filter(lambda v: v == v.strip())
_ROW = st.fixed_dictionaries(
    {
        "from_type": st.sampled_from(["contacts", "0-1", "p_cars", "2-3456"]) | _TRICKY,
        "from_id": st.integers(1, 2**63 - 1).map(str) | _TRICKY,
        "to_type": st.sampled_from(["companies", "0-2", "deals"]) | _TRICKY,
        "to_id": st.integers(1, 2**63 - 1).map(str) | _TRICKY | st.just(""),
        "type_id": st.sampled_from(["", "1", "36"]) | _TRICKY,
        "category": st.sampled_from(["", "HUBSPOT_DEFINED", "USER_DEFINED", "user_defined"]) | _TRICKY,
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=8))
def test_the_same_rows_in_every_format_parse_alike(tmp_path_factory: pytest.TempPathFactory, rows: Rows) -> None:
    folder = tmp_path_factory.mktemp("formats")
    results = {}
    for name, (filename, writer, kind) in WRITERS.items():
        path = folder / name / filename
        path.parent.mkdir()
        writer(path, rows)
        assert detect_input(path) == kind, name
        results[name] = _parsed(path)
    assert len(results["comma"]) == len(rows)
    for name, parsed in results.items():
        assert parsed == results["comma"], name


@pytest.mark.parametrize("name", ["semicolon", "tab", "camel", "array"])
def test_each_format_runs_like_the_plain_csv(cli: Cli, tmp_path: Path, name: str) -> None:
    rows: Rows = [
        {"from_type": "contacts", "from_id": "1000001", "to_type": "companies", "to_id": "2000001"},
        {"from_type": "contacts", "from_id": "1000002", "to_type": "companies", "to_id": "2000002", "type_id": "36"},
        {"from_type": "0-1", "from_id": "1000003", "to_type": "0-3", "to_id": "3000003"},
    ]
    full = [{column: row.get(column, "") for column in COLUMNS} for row in rows]
    for row in full:
        if row["type_id"]:
            row["category"] = "USER_DEFINED"
    filename, writer, kind = WRITERS[name]
    path = tmp_path / filename
    writer(path, full)
    dry = cli("bulk", str(path), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout) == {"rows": 3, "invalid": 0, "valid": 3, "duplicates": 0, "sent": 0}
    assert f"Reading {filename} as {kind.describe()}." in dry.stderr
    result = cli("bulk", str(path), "--json", "--no-progress")
    assert result.exit_code == 0 and json.loads(result.stdout)["confirmed"] == 3, result.output
    stored = {(a.from_id, a.to_id, a.type_id) for a in cli.emulator.state.all_associations()}
    assert {("1000002", "2000002", 36), ("1000003", "3000003", 4)} <= stored
    assert any(a.from_id == "1000001" and a.to_id == "2000001" for a in cli.emulator.state.all_associations())


def test_hubspot_and_spelled_out_names_mean_our_columns() -> None:
    assert [
        canonical_column(name) for name in ("fromObjectType", "objectId", "To Object Id", "association-type-id")
    ] == [
        "from_type",
        "from_id",
        "to_id",
        "type_id",
    ]
    assert canonical_column(" Message ") == "message"  # a failure report's own column, kept


def test_a_header_naming_one_column_twice_is_refused_with_the_fix(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", "from_type,from_id,fromObjectId,to_type,to_id\ncontacts,1,1,companies,2\n")
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 2
    assert "line 1: header: 'from_id' and 'fromObjectId' both mean from_id: keep one of them" in result.stderr


def test_a_header_without_the_columns_says_which_names_work(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", "contact|company\n1|2\n")
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "line 1: header is missing column(s) from_type, from_id, to_type, to_id" in message
    assert "HubSpot's fromObjectType" in message and "commas, semicolons or tabs" in message


def test_json_array_problems_name_the_item_and_its_line(cli: Cli, tmp_path: Path) -> None:
    items = [
        {"fromObjectType": "contacts", "fromObjectId": 1000001, "toObjectType": "companies", "toObjectId": 2000001},
        {"fromObjectType": "contacts", "fromObjectId": "x", "toObjectType": "companies", "toObjectId": 2000001},
        ["not", "an", "object"],
    ]
    path = write(tmp_path / "rows.json", json.dumps(items, indent=2))
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 1
    stderr = " ".join(result.stderr.split())
    assert "rows.json: item 2 (line 8): from_id:" in stderr
    assert (
        "rows.json: item 3 (line 14): expected a JSON object with from_type, from_id, to_type, to_id, got an array"
        in (stderr)
    )


def test_json_lines_in_a_file_of_any_name_are_sniffed(tmp_path: Path) -> None:
    path = write(tmp_path / "export.txt", '{"from_type": "contacts", "from_id": 1, "to_type": "deals", "to_id": 2}\n')
    assert detect_input(path) == InputKind("jsonl")
    assert detect_input(write(tmp_path / "e.txt", '  [{"from_type": "contacts"}]')) == InputKind("json_array")
    assert detect_input(write(tmp_path / "s.txt", "from_type;from_id;to_type;to_id\n"), "csv") == InputKind("csv", ";")
    assert isinstance(next(read_rows(path)), ParsedRow)


def test_a_big_json_array_is_read_in_bounded_memory(tmp_path: Path) -> None:
    row = {"from_type": "contacts", "from_id": 1000001, "to_type": "companies", "to_id": 2000001}
    item = json.dumps({**row, "note": "x" * 100_000})  # 100 kB items: few of them, so the test is quick
    path = tmp_path / "rows.json"
    count = 20 * MAX_LINE_BYTES // (len(item) + 1)
    path.write_text("[" + ",".join([item] * count) + "]")  # 20 MiB on one line
    tracemalloc.start()
    try:
        seen = sum(1 for _ in read_rows(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert seen == count
    assert peak < 8 * MAX_LINE_BYTES  # about 2 MiB of text buffered, never the whole 20 MiB


# -- duplicates -----------------------------------------------------------------------------------------------------

DUPLICATED = (
    "from_type,from_id,to_type,to_id,type_id,category\n"
    "contacts,1000001,companies,2000001,,\n"  # line 2
    "contacts,1000002,companies,2000002,36,USER_DEFINED\n"  # line 3
    "0-1,1000001,0-2,2000001,,\n"  # line 4: line 2 again (contacts is 0-1)
    "contacts,1000002,companies,2000002,36,USER_DEFINED\n"  # line 5: line 3 again
    "contacts,1000002,companies,2000002,,\n"  # line 6: another association of the same records
)


def test_dry_run_lists_duplicates_without_failing(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", DUPLICATED)
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 0, result.output
    stderr = " ".join(result.stderr.split())
    assert "line 4: duplicate of line 2: not sent again (sent once, as line 2)" in stderr
    assert "line 5: duplicate of line 3" in stderr and "line 6:" not in stderr
    assert "5 rows checked, all valid, 2 duplicates (sent once); nothing sent." in " ".join(result.stdout.split())


def test_duplicates_are_sent_once_counted_and_stay_counted_on_resume(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", DUPLICATED)
    result = cli("bulk", str(path), "--json", "--no-progress", "--batch-size", "1")
    summary = json.loads(result.stdout)
    assert result.exit_code == 0, result.output
    assert (summary["rows"], summary["confirmed"], summary["duplicates"], summary["not_attempted"]) == (5, 3, 2, 0)
    assert "2 rows repeat an earlier row: not sent again (--dry-run lists them)" in " ".join(result.stderr.split())
    assert cli.emulator.state.put_count == 3
    journaled = [line.split()[0] for line in confirmed_entries(tmp_path / "rows.csv.journal")]
    assert sorted(journaled) == ["2", "3", "6"]
    again = json.loads(cli("bulk", str(path), "--json", "--resume", "--no-progress", "--batch-size", "1").stdout)
    assert (again["rows"], again["skipped_already_confirmed"], again["duplicates"]) == (5, 3, 2)
    assert cli.emulator.state.put_count == 3


def test_a_duplicate_in_another_shard_is_left_to_the_shard_of_its_first_row(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", DUPLICATED)  # shard 1/2: lines 2, 4, 6; shard 2/2: lines 3, 5
    first = json.loads(cli("bulk", str(path), "--json", "--shard", "1/2", "--no-progress").stdout)
    second = cli("bulk", str(path), "--dry-run", "--shard", "2/2")
    assert (first["rows"], first["confirmed"], first["duplicates"]) == (3, 2, 1)
    assert "line 5: duplicate of line 3: not sent again (sent once, as line 3)" in " ".join(second.stderr.split())
    header, row = DUPLICATED.splitlines()[:2]
    across = write(tmp_path / "across.csv", f"{header}\n{row}\n{row}\n")  # line 2: shard 1/2, line 3: shard 2/2
    shard_two = cli("bulk", str(across), "--dry-run", "--shard", "2/2")
    assert "line 3: duplicate of line 2: not sent again (sent once, by the shard that holds it)" in " ".join(
        shard_two.stderr.split()
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'[\n  {"from_type": "contacts"},\n  {"from_type": "contacts",\n   "from_id": 1 2}\n]',
            "line 4: item 2 (from line 3) is not valid JSON: Expecting ',' delimiter at column 17",
        ),
        (
            b'[\n{"from_type": "contacts"}\n\n{"from_type": "deals"}]',
            "line 4: not a JSON array: expected ',' or ']' after item 1, found '{'",
        ),
        (b'[{"from_type": "contacts"}] []', "line 1: text after the end of the JSON array"),
        (b'[\n\n{"from_type": "caf\xc3\n"}]', "line 3: not UTF-8 text"),
        (b"[]", "rows.json is an empty JSON array"),
    ],
)
def test_a_broken_json_array_is_refused_at_its_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "rows.json"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as raised:
        list(read_rows(path))
    assert message in str(raised.value)


def test_an_excel_unicode_text_file_is_refused_with_the_fix(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "rows.txt"
    path.write_bytes("from_type\tfrom_id\tto_type\tto_id\n".encode("utf-16"))  # with its byte-order mark
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 2
    assert 'line 1: the file is UTF-16 text (as Excel\'s "Unicode Text" saves it): save it as "CSV UTF-8"' in (
        " ".join(result.stderr.split())
    )


_JSONISH = st.lists(  # JSON's and CSV's punctuation, a valid key and value, a byte that is never UTF-8
    st.sampled_from(
        [b"[", b"]", b"{", b"}", b",", b";", b"\t", b":", b" ", b"\n", b'"from_type"', b"1", b'"', b"\xff"]
    ),
    max_size=40,
).map(b"".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=_JSONISH, name=st.sampled_from(["rows.json", "rows.jsonl", "rows.csv", "rows.tsv"]))
def test_any_file_reads_as_rows_or_one_input_file_error(
    tmp_path_factory: pytest.TempPathFactory, content: bytes, name: str
) -> None:
    path = tmp_path_factory.mktemp("hostile") / name
    path.write_bytes(content)
    try:
        items = list(read_rows(path))
    except InputFileError as exc:
        assert str(exc)
    else:
        assert all(isinstance(item, ParsedRow | RowProblem) for item in items)
