"""The failure report is safe to open in a spreadsheet, keeps every row as read, in input order, and fed back as
input yields the same rows (issue 25, defects 2 and 8)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from hubspot_associations.cli._input import read_rows
from hubspot_associations.cli._report import REPORT_COLUMNS
from tests.cli.cli_support import Answer, AnsweringServer, Cli, as_read, assert_inert, run_against, write

HEADER = "from_type,from_id,to_type,to_id\n"


def _cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _read(path: Path) -> list[tuple[object, ...]]:
    return [as_read(item) for item in read_rows(path)]


def test_refused_rows_come_out_inert_and_come_back_as_read(cli: Cli, tmp_path: Path) -> None:
    rows = [
        '"=HYPERLINK(""http://evil.example"",""open me"")",1000001,companies,2000001',
        "contacts,+1000002,companies,2000002",
        "@SUM(1+1),1000003,companies,2000003",
        "contacts,-1000004,companies,2000004",
        "'=already escaped,1000005,companies,2000005",
        "contacts,1000006,companies,2000006",
        '" =spaced",1000007,companies,2000007',
        '"\t-tabbed",1000008,companies,2000008',
        "'plain quote,1000009,companies,2000009",
    ]
    path = write(tmp_path / "rows.csv", HEADER + "\n".join(rows) + "\n")
    result = cli("bulk", str(path), "--json")
    assert result.exit_code == 1 and json.loads(result.stdout)["failed"] == 8
    report = tmp_path / "rows.failures.csv"
    assert_inert(_cells(report))
    cells = {row[0] for row in _cells(report)[1:]}
    assert '\'=HYPERLINK("http://evil.example","open me")' in cells  # shown as the text it is
    assert {"''=already escaped", "''plain quote", "'=spaced", "'-tabbed"} <= cells
    # Fed back as input, the report yields every refused row exactly as it was first read, in input order.
    assert _read(report) == [row for row in _read(path) if row[0] == "RowProblem"]
    again = cli("bulk", str(report), "--report", str(tmp_path / "again.csv"), "--journal", str(tmp_path / "again.j"))
    assert again.exit_code == 1 and cli.emulator.state.put_count == 1  # the one valid row, from the first run
    assert [row[:6] for row in _cells(tmp_path / "again.csv")] == [row[:6] for row in _cells(report)]


def _hostile(path: str) -> Answer:
    body = {
        "status": "error",
        "category": "=cmd|' /C calc'!A0",
        "message": "@SUM(1+1)",
        "correlationId": "+1-555-0100",
    }
    return 0.0, 400, {"X-HubSpot-Correlation-Id": "-header-id"}, json.dumps(body).encode()


def test_server_text_in_the_report_is_inert(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + "contacts,1000001,companies,2000001\n")
    with AnsweringServer(_hostile) as server:
        result = run_against(server.base_url, "bulk", str(path), "--max-retries", "0")
    assert result.exit_code == 1
    report = tmp_path / "rows.failures.csv"
    assert_inert(_cells(report))
    row = dict(zip(REPORT_COLUMNS, _cells(report)[1], strict=True))
    assert row["error_category"] == "'=cmd|' /C calc'!A0" and row["correlation_id"] == "'+1-555-0100"


def test_a_row_with_an_extra_value_keeps_it_and_is_not_sent_when_fed_back(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + "contacts,1000001,companies,2000001, 99 ,=x\n")
    assert cli("bulk", str(path)).exit_code == 1
    report = tmp_path / "rows.failures.csv"
    (row,) = _cells(report)[1:]
    assert row[:4] == ["contacts", "1000001", "companies", "2000001"] and row[len(REPORT_COLUMNS) :] == [" 99 ", "'=x"]
    again = cli("bulk", str(report), "--report", str(tmp_path / "again.csv"), "--journal", str(tmp_path / "again.j"))
    assert again.exit_code == 1 and cli.emulator.state.put_count == 0  # refused again, not sent without its value
    assert _cells(tmp_path / "again.csv")[1][len(REPORT_COLUMNS) :] == [" 99 ", "'=x"]


def test_a_line_that_is_not_json_keeps_its_text_in_the_report(cli: Cli, tmp_path: Path) -> None:
    lines = ['{"from_type": "contacts", "from_id": 1000001, "to_type": "companies", "to_id": 2000001}', "=1+1 {"]
    path = write(tmp_path / "rows.jsonl", "\n".join(lines) + "\n")
    assert cli("bulk", str(path)).exit_code == 1
    report = tmp_path / "rows.failures.csv"
    assert _cells(report)[1][len(REPORT_COLUMNS) :] == ["'=1+1 {"]
    assert _read(report) == [("RowProblem", ("",) * 6, ("=1+1 {",))]


def _slow_second_row(path: str) -> Answer:
    delay = 0.4 if "/1000002/" in path else 0.0
    body = json.dumps({"status": "error", "category": "VALIDATION_ERROR", "message": "no"}).encode()
    return delay, 400, {}, body


def test_the_report_is_in_input_order_though_answers_are_not(tmp_path: Path) -> None:
    rows = [f"contacts,{1000001 + n},companies,{2000001 + n}" for n in range(8)]
    rows[4] = "contacts,not-an-id,companies,2000005"  # refused when read, while line 3 is still on the wire
    path = write(tmp_path / "rows.csv", HEADER + "\n".join(rows) + "\n")
    with AnsweringServer(_slow_second_row) as server:
        result = run_against(server.base_url, "bulk", str(path), "--max-retries", "0", "--concurrency", "4")
    assert result.exit_code == 1
    lines = [int(row[REPORT_COLUMNS.index("line")]) for row in _cells(tmp_path / "rows.failures.csv")[1:]]
    assert lines == list(range(2, 10))
