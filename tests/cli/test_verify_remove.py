"""``hubspot-associations verify`` and ``remove`` against a loopback emulator: the issue's done-when checks, scaled
down to keep the suite fast (bench/verify_remove.py runs the full 20,000-row case), plus journal, report, dry run.
"""

from __future__ import annotations

import csv
import json
import random
from pathlib import Path

import httpx

from hubspot_associations.cli._report import REPORT_COLUMNS
from hubspot_associations.emulator import RunningEmulator
from tests.cli.cli_support import Cli, write

HEADER = "from_type,from_id,to_type,to_id,type_id,category\n"


def _rows(count: int) -> list[tuple[int, int]]:
    """``count`` distinct contact → company pairs, several per contact (so reads carry many associations)."""
    return [(1000001 + n % 400, 2000001 + n // 400 + (n % 400) * 7 % 2000) for n in range(count)]


def _file(path: Path, pairs: list[tuple[int, int]], labelled: bool = False) -> Path:
    suffix = "1,HUBSPOT_DEFINED" if labelled else ","
    return write(path, HEADER + "".join(f"contacts,{a},companies,{b},{suffix}\n" for a, b in pairs))


def _remove_out_of_band(emulator: RunningEmulator, pairs: list[tuple[int, int]]) -> int:
    body = {
        "associations": [
            {"fromObjectTypeId": "0-1", "fromObjectId": a, "toObjectTypeId": "0-2", "toObjectId": b} for a, b in pairs
        ]
    }
    answer = httpx.post(f"{emulator.base_url}/_emulator/associations/remove", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    removed: int = answer.json()["removed"]
    return removed


def _report_pairs(path: Path) -> list[tuple[int, int, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == REPORT_COLUMNS
    return [(int(row[1]), int(row[3]), row[8]) for row in rows[1:]]


def _stored_pairs(emulator: RunningEmulator) -> set[tuple[int, int]]:
    return {(int(a.from_id), int(a.to_id)) for a in emulator.state.all_associations()}


def test_bulk_then_out_of_band_removal_then_verify_reports_exactly_those(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(2000)
    assert len(set(pairs)) == len(pairs)
    path = _file(tmp_path / "rows.csv", pairs)
    assert cli("bulk", str(path)).exit_code == 0
    gone = random.Random(37).sample(pairs, 37)
    assert _remove_out_of_band(cli.emulator, gone) == 37

    result = cli("verify", str(path), "--json")
    assert result.exit_code == 1, result.output
    summary = json.loads(result.stdout)
    assert summary["by_status"] == {"present": 2000 - 37, "missing": 37}
    reported = _report_pairs(tmp_path / "rows.verify.csv")
    assert sorted((a, b) for a, b, _ in reported) == sorted(gone)
    assert {category for _, _, category in reported} == {"MISSING"}
    # 2,000 rows from 400 contacts: one batch/read of 400 ids per 1,000-row chunk, no request per row.
    reads = [entry for entry in cli.emulator.state.request_log if entry[1].endswith("/batch/read")]
    assert len(reads) == 2

    # The report is a bulk input: feeding it back re-creates exactly the missing ones, and verify passes.
    assert cli("bulk", str(tmp_path / "rows.verify.csv")).exit_code == 0
    again = cli("verify", str(path), "--restart", "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["by_status"] == {"present": 2000}


def test_verify_is_read_only_and_resumable(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(300)
    path = _file(tmp_path / "rows.csv", pairs)
    assert cli("bulk", str(path)).exit_code == 0
    before = sorted(cli.emulator.state.all_associations())
    assert cli("verify", str(path)).exit_code == 0
    assert sorted(cli.emulator.state.all_associations()) == before
    methods = {method for method, route, _ in cli.emulator.state.request_log if "batch/read" in route}
    assert methods == {"POST"}
    # Every row verified is journaled: a resumed run reads nothing back again.
    count = len(cli.emulator.state.request_log)
    resumed = cli("verify", str(path), "--resume", "--json")
    assert resumed.exit_code == 0 and json.loads(resumed.stdout)["skipped"] == 300
    assert len(cli.emulator.state.request_log) == count
    # Without --resume/--restart an existing journal is refused (nothing read).
    assert cli("verify", str(path)).exit_code == 2


def test_verify_labels_reports_pairs_without_the_listed_type(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(50)
    default = _file(tmp_path / "default.csv", pairs)
    assert cli("bulk", str(default)).exit_code == 0
    labelled = _file(tmp_path / "labelled.csv", pairs, labelled=True)  # asks for "Primary" (1): never created
    assert cli("verify", str(labelled)).exit_code == 0  # without --labels: the pairs are associated
    result = cli("verify", str(labelled), "--labels", "--restart", "--json")
    assert result.exit_code == 1
    reported = _report_pairs(tmp_path / "labelled.verify.csv")
    assert len(reported) == 50 and {category for _, _, category in reported} == {"WRONG_LABELS"}


def test_verify_only_rows_a_bulk_journal_confirmed(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(20)
    path = _file(tmp_path / "rows.csv", pairs)
    write(tmp_path / "first.csv", HEADER + f"contacts,{pairs[0][0]},companies,{pairs[0][1]},,\n")
    assert cli("bulk", str(tmp_path / "first.csv"), "--journal", str(tmp_path / "bulk.journal")).exit_code == 0
    result = cli("verify", str(path), "--from-journal", str(tmp_path / "bulk.journal"), "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["rows"] == 1 and summary["skipped"] == 19
    # A journal of another file (or of this file before an edit) is refused: nothing is read.
    other = _file(tmp_path / "other.csv", list(reversed(pairs)))
    refused = cli("verify", str(other), "--from-journal", str(tmp_path / "bulk.journal"))
    assert refused.exit_code == 2 and "journal" in refused.output


def test_remove_leaves_exactly_the_listed_absent_and_the_others_intact(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(1500)
    path = _file(tmp_path / "rows.csv", pairs)
    assert cli("bulk", str(path)).exit_code == 0
    chosen = random.Random(500).sample(pairs, 500)
    removal = _file(tmp_path / "remove.csv", chosen)

    dry = cli("remove", str(removal), "--dry-run")
    assert dry.exit_code == 0 and "500 rows would be removed" in dry.stdout
    assert _stored_pairs(cli.emulator) == set(pairs)  # the dry run sent nothing

    result = cli("remove", str(removal), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["by_status"] == {"removed": 500}
    assert _stored_pairs(cli.emulator) == set(pairs) - set(chosen)
    # verify on the removed rows reports every one missing; on the others, none.
    assert cli("verify", str(removal)).exit_code == 1
    assert len(_report_pairs(tmp_path / "remove.verify.csv")) == 500


def test_remove_of_a_type_keeps_the_pairs_other_types(cli: Cli, tmp_path: Path) -> None:
    pairs = _rows(10)
    assert cli("bulk", str(_file(tmp_path / "default.csv", pairs))).exit_code == 0
    assert cli("bulk", str(_file(tmp_path / "primary.csv", pairs, labelled=True))).exit_code == 0
    assert cli("remove", str(tmp_path / "primary.csv")).exit_code == 0
    assert {a.type_id for a in cli.emulator.state.all_associations()} == {279}
    assert _stored_pairs(cli.emulator) == set(pairs)


def test_remove_reports_failures_and_invalid_rows_spreadsheet_safe(cli: Cli, tmp_path: Path) -> None:
    path = write(
        tmp_path / "rows.csv",
        HEADER + "contacts,1000001,companies,2000001,,\ncontacts,=1+2,companies,2000002,,\n"
        "contacts,1000002,companies,2000002,999999,USER_DEFINED\n",
    )
    result = cli("remove", str(path), "--json")
    assert result.exit_code == 1
    text = (tmp_path / "rows.remove.csv").read_text(encoding="utf-8")
    assert "'=1+2" in text and ",=1+2" not in text
    summary = json.loads(result.stdout)
    assert summary["invalid"] == 1 and summary["by_status"] == {"removed": 2}


def test_a_wrong_token_stops_after_one_request_with_exit_3(cli: Cli, tmp_path: Path) -> None:
    path = _file(tmp_path / "rows.csv", _rows(3000))
    for command in ("verify", "remove"):
        start = len(cli.emulator.state.request_log)
        result = cli(command, str(path), "--base-url", cli.emulator.base_url, "--token", "wrong", auth=False)
        assert result.exit_code == 3, result.output
        assert "Stopped" in result.stdout
        assert [status for _, _, status in cli.emulator.state.request_log[start:]] == [401]
