"""``hubspot-associations bulk``: CSV and JSON Lines, dry run, bad input with line numbers, journal, report."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from hubspot_associations.cli._journal import HEADER as JOURNAL_HEADER
from tests.cli.cli_support import Cli, confirmed_entries, write

HEADER = "from_type,from_id,to_type,to_id,type_id,category\n"


def _csv_rows(count: int, start: int = 1) -> str:
    lines = []
    for n in range(start, start + count):
        if n % 2:
            lines.append(f"contacts,{1000000 + n},companies,{2000000 + n},,\n")
        else:
            lines.append(f"contacts,{1000000 + n},companies,{2000000 + n},36,USER_DEFINED\n")
    return "".join(lines)


def test_csv_all_rows_confirmed(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _csv_rows(40))
    result = cli("bulk", str(path), "--batch-size", "1", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 40 and summary["confirmed"] == 40 and summary["failed"] == 0
    assert summary["failure_report"] is None
    assert cli.emulator.state.put_count == 40 and len(cli.emulator.state.all_associations()) == 40
    assert len(confirmed_entries(tmp_path / "rows.csv.journal")) == 40  # one per row


def test_jsonl_input(cli: Cli, tmp_path: Path) -> None:
    lines = [
        {"from_type": "contacts", "from_id": 1000001, "to_type": "companies", "to_id": "2000001"},
        {"from_type": "0-1", "from_id": "1000002", "to_type": "0-2", "to_id": 2000002, "type_id": 1},
    ]
    path = write(tmp_path / "rows.jsonl", "\n".join(json.dumps(line) for line in lines) + "\n\n")
    result = cli("bulk", str(path), "--batch-size", "1")
    assert result.exit_code == 0, result.output
    assert "2 confirmed" in result.stdout
    assert {a.type_id for a in cli.emulator.state.all_associations()} == {279, 1}


def test_failures_are_reported_with_line_status_and_correlation_id(cli: Cli, tmp_path: Path) -> None:
    text = HEADER + _csv_rows(3) + "contacts,1999999,companies,2000001,,\ncontacts,x1,companies,2000001,,\n"
    path = write(tmp_path / "rows.csv", text)
    result = cli("bulk", str(path), "--batch-size", "1")
    assert result.exit_code == 1
    assert "3 confirmed" in result.stdout and "2 failed" in result.stdout
    assert "rows.csv: line 6: from_id" in result.stderr
    with (tmp_path / "rows.failures.csv").open(newline="") as handle:
        report = {row["line"]: row for row in csv.DictReader(handle)}
    assert set(report) == {"5", "6"}
    assert report["5"]["http_status"] == "400" and report["5"]["error_category"] == "VALIDATION_ERROR"
    assert report["5"]["correlation_id"] and "CONTACT=1999999" in report["5"]["message"]
    assert report["6"]["error_category"] == "INVALID_INPUT" and report["6"]["from_id"] == "x1"


def test_dry_run_validates_everything_and_sends_nothing(cli: Cli, tmp_path: Path) -> None:
    text = (
        HEADER
        + "contacts,1000001,companies,2000001,,\n"
        + "contacts,0012,companies,2000001,,\n"  # line 3: leading zeros
        + "\n"
        + "contacts,1000001,companies,2000001,36,FRIENDS\n"  # line 5: unknown category
        + "cars,1000001,companies,2000001,,\n"  # line 6: unknown object type
        + "contacts,1000001,companies,,,\n"  # line 7: missing to_id
        + "contacts,1000001,companies,2000001,abc,\n"  # line 8: bad type id
        + "contacts,1000001,companies,2000001,,USER_DEFINED\n"  # line 9: category without type id
    )
    path = write(tmp_path / "rows.csv", text)
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 1
    for line, words in [
        (3, "leading zeros"),
        (5, "FRIENDS"),
        (6, "cars"),
        (7, "to_id"),
        (8, "type_id"),
        (9, "without"),
    ]:
        assert f"line {line}:" in result.stderr and words in result.stderr, (line, result.stderr)
    assert "line 2:" not in result.stderr and "line 4:" not in result.stderr
    assert "7 rows checked" in result.stdout and "6 invalid" in result.stdout
    assert cli.emulator.state.request_log == []
    assert not (tmp_path / "rows.csv.journal").exists()


def test_dry_run_of_a_valid_file_exits_0(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _csv_rows(5))
    result = cli("bulk", str(path), "--dry-run", auth=False)
    assert result.exit_code == 0 and "all valid" in result.stdout


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "is empty"),
        ("\n\n", "is empty"),
        (HEADER, "has a header but no rows"),
        ("from_type,from_id,to_id\ncontacts,1,2\n", "line 1: header is missing column(s) to_type"),
        ("from,to\n", "header is missing column(s) from_type, from_id, to_type, to_id"),
    ],
)
def test_bad_files_exit_2_with_the_reason(cli: Cli, tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path / "rows.csv", text)
    for extra in ((), ("--dry-run",)):
        result = cli("bulk", str(path), *extra)
        assert result.exit_code == 2, result.output
        assert message in result.stderr
    assert cli.emulator.state.request_log == []


def test_bad_jsonl_lines_have_line_numbers(cli: Cli, tmp_path: Path) -> None:
    text = '{"from_type": "contacts", "from_id": 1000001, "to_type": "companies", "to_id": 2000001}\n[1]\n{oops\n'
    path = write(
        tmp_path / "rows.jsonl",
        text + '{"from_type": "contacts", "from_id": true, "to_type": "companies", "to_id": 1}\n',
    )
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 1
    assert "line 2: expected a JSON object" in result.stderr
    assert "line 3: not valid JSON" in result.stderr
    assert "line 4: ids and type_id" in result.stderr
    empty = cli("bulk", str(write(tmp_path / "empty.jsonl", "")))
    assert empty.exit_code == 2 and "is empty" in empty.stderr


def test_not_utf8(cli: Cli, tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(HEADER.encode() + b"contacts,1000001,companies,2000001,,\n\xff\xfe,1,2\n")
    result = cli("bulk", str(path), "--dry-run")
    assert result.exit_code == 2 and "not UTF-8" in result.stderr


def test_resume_skips_journaled_rows_and_retries_failures(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _csv_rows(10))
    journal = tmp_path / "rows.csv.journal"
    assert cli("bulk", str(path), "--batch-size", "1").exit_code == 0
    # A second plain run must not silently start over.
    again = cli("bulk", str(path), "--batch-size", "1")
    assert again.exit_code == 2 and "--resume" in again.stderr
    # Forget lines 5, 8 and 9, as if the run had been killed before journaling them (9 mid-write) or sending them
    # (no entry has them in flight: they are not read back, see test_bulk_in_flight.py).
    kept = [line for line in confirmed_entries(journal) if line.split()[0] not in ("5", "8", "9")]
    journal.write_text(JOURNAL_HEADER + "".join(kept) + "9 torn")  # plus a torn last line
    before = cli.emulator.state.put_count
    resumed = cli("bulk", str(path), "--batch-size", "1", "--resume", "--json")
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    assert summary["confirmed"] == 3 and summary["skipped_already_confirmed"] == 7
    assert cli.emulator.state.put_count - before == 3
    restarted = cli("bulk", str(path), "--batch-size", "1", "--restart", "--json")
    assert restarted.exit_code == 0 and json.loads(restarted.stdout)["confirmed"] == 10


def test_resume_refuses_a_changed_file(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _csv_rows(4))
    assert cli("bulk", str(path)).exit_code == 0
    write(path, HEADER + _csv_rows(4, start=100))
    result = cli("bulk", str(path), "--resume")
    assert result.exit_code == 2 and "file changed" in result.stderr


def test_progress_bar_shows_rate_and_counts(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _csv_rows(6) + "contacts,1999999,companies,2000001,,\n")
    result = cli("bulk", str(path), "--progress")
    assert result.exit_code == 1
    assert "rows/s" in result.stderr and "6 ok" in result.stderr and "1 failed" in result.stderr
    assert "7/7" in result.stderr
