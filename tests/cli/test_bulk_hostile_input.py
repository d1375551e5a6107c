"""Hostile bulk input files: each ends in a clear message (exit 2 before sending, or a failed row), in bounded
memory, and the input file's bytes are unchanged."""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from hubspot_associations.cli._input import MAX_LINE_BYTES, InputFileError, read_rows
from tests.cli.cli_support import Cli

HEADER = b"from_type,from_id,to_type,to_id\n"


def _bulk(cli: Cli, path: Path) -> tuple[int, str, str]:
    before = path.read_bytes()
    result = cli("bulk", str(path), "--json", "--no-progress")
    assert path.read_bytes() == before
    assert "Traceback" not in result.output
    return result.exit_code, result.output, result.stdout


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        # 10 MB on one line: with a newline at the end, and with none at all.
        ("long.csv", HEADER + b"contacts,1," + b"x" * 10_000_000 + b",2\n", "line 2: line longer than 1 MiB"),
        ("nonl.csv", b"a" * 10_000_000, "line 1: line longer than 1 MiB"),
        ("nonl.jsonl", b"{" * 10_000_000, "line 1: line longer than 1 MiB"),
        # A JSON array: 10 MB of nesting; one item of 10 MB; 10 MB of items with no closing bracket.
        ("deep.json", b"[" * 10_000_000, "line 1: item 1 cannot be read (nested too deeply)"),
        ("huge-item.json", b'[{"from_type": "' + b"x" * 10_000_000 + b'"}]', "line 1: item 1 is longer than 1 MiB"),
        ("unclosed.json", b"[" + b"1,\n" * 100_000, "line 100001: the file ends inside item 100001"),
        ("cut.json", b"[" + b"1,\n" * 100_000 + b"2", "line 100001: not a JSON array: expected ',' or ']' after item"),
        # 1,000,000 columns (2 MB): the line is refused; deep quoting: one quoted field of 4 MB.
        ("cols.csv", HEADER + b"1," * 1_000_000 + b"\n", "line 2: line longer than 1 MiB"),
        ("quote.csv", HEADER + b'contacts,"' + b'""' * 2_000_000 + b'",companies,2\n', "line 2: line longer"),
        ("open-quote.csv", HEADER + b'contacts,"1,companies,2\n' + b"x,y\n" * 100_000, "line 2: malformed CSV"),
        # JSON the parser cannot take: nesting beyond the recursion limit, an integer of 100,000 digits.
        ("deep.jsonl", b'{"from_type":' + b"[" * 100_000 + b"]" * 100_000 + b"}\n", "nested too deeply"),
        ("bigint.jsonl", b'{"from_type":"contacts","from_id":' + b"9" * 100_000 + b"}\n", "a number too long"),
    ],
)
def test_hostile_files_exit_2_with_a_clear_message(
    cli: Cli, tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code, output, _stdout = _bulk(cli, path)
    assert code == 2, output
    assert message in output
    assert not cli.emulator.state.request_log


def test_a_header_with_many_columns_is_named_briefly(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_bytes(b",".join(b"c%d" % n for n in range(100_000)) + b"\n1\n")
    code, output, _stdout = _bulk(cli, path)
    assert code == 2 and "header is missing column(s) from_type" in output
    assert "c0, c1," in output and "(100000 columns)" in output and len(output) < 1000


def test_bad_lines_in_the_middle_of_jsonl_are_failed_rows(cli: Cli, tmp_path: Path) -> None:
    good = json.dumps({"from_type": "contacts", "from_id": 1000001, "to_type": "companies", "to_id": 2000001})
    deep = '{"from_type":' + "[" * 100_000 + "]" * 100_000 + "}"
    big = '{"from_type":"contacts","from_id":' + "9" * 100_000 + "}"
    path = tmp_path / "rows.jsonl"
    path.write_text("\n".join([good, deep, big]) + "\n")
    code, output, stdout = _bulk(cli, path)
    summary = json.loads(stdout)
    assert code == 1 and summary["confirmed"] == 1 and summary["failed"] == 2, output


def test_nul_bytes_are_failed_rows_with_their_line(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "nul.csv"
    path.write_bytes(
        HEADER
        + b"contacts,1000001\x00,companies,2000001\n"
        + b"\x00" * 1000
        + b"\ncontacts,1000002,companies,2000002\n"
    )
    code, output, stdout = _bulk(cli, path)
    summary = json.loads(stdout)
    assert code == 1 and summary["confirmed"] == 1 and summary["failed"] == 2, output
    report = (tmp_path / "nul.failures.csv").read_text()
    assert "from_id: must be a numeric string" in report and "missing value(s)" in report


@pytest.mark.parametrize("name", ["nonl.csv", "nonl.jsonl"])
def test_a_file_without_newlines_is_refused_in_bounded_memory(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"a" * (20 * MAX_LINE_BYTES))
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match="line 1: line longer"):
            list(read_rows(path))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_LINE_BYTES  # a line is read up to the cap, never the whole 20 MiB
