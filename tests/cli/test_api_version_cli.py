"""``--api-version`` of ``associate`` and ``bulk``: each request on the version's path, typos refused first, and a
journal that does not care which version wrote it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from examples.demo import BAD_ROWS, write_sample_csv
from hubspot_associations.cli import app
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.cli.cli_support import Cli, confirmed_entries, write

ROWS = 200  # of the demo's sample file (four kinds of row), plus its BAD_ROWS naming records that do not exist


def _journal_lines(path: Path) -> dict[int, str]:
    entries = (line.split() for line in confirmed_entries(path))
    return {int(line): fingerprint for line, fingerprint, _ in entries}


@pytest.mark.parametrize("command", [["associate", "contacts", "1000001", "companies", "2000001"], ["bulk"]])
def test_a_typo_is_a_usage_error_naming_the_versions_before_anything_is_sent(
    cli: Cli, tmp_path: Path, command: list[str]
) -> None:
    if command == ["bulk"]:
        command = [
            "bulk",
            str(write(tmp_path / "rows.csv", "from_type,from_id,to_type,to_id\ncontacts,1,companies,2\n")),
        ]
    result = cli(*command, "--api-version", "2026-9")
    assert result.exit_code == 2
    assert "'v4', '2026-03', '2026-09'" in result.output and "did you mean '2026-09'" in result.output
    assert cli.emulator.state.request_log == []
    assert not (tmp_path / "rows.csv.journal").exists()


def test_associate_on_a_dated_version(cli: Cli) -> None:
    result = cli(
        "associate",
        "contacts",
        "1000001",
        "companies",
        "2000001",
        "--type",
        "36:USER_DEFINED",
        "--api-version",
        "2026-03",
    )
    assert result.exit_code == 0, result.output
    assert cli.emulator.state.request_log == [
        ("PUT", "/crm/objects/2026-03/contacts/1000001/associations/companies/2000001", 201)
    ]


def test_the_version_comes_from_the_environment_too(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_API_VERSION", "2026-09")
    assert cli("associate", "contacts", "1000001", "companies", "2000001").exit_code == 0
    assert cli.emulator.state.request_log[0][1].startswith("/crm/objects/2026-09/")


def test_bulk_of_the_demo_file_on_2026_09_confirms_every_good_row(tmp_path: Path) -> None:
    """The emulator serves only 2026-09 (a v4 request would get 404) and injects faults the run must absorb."""
    config = EmulatorConfig(
        rate_limit=None, fault_rate=0.1, faults=("503", "502_html", "drop"), seed=5, api_versions=("2026-09",)
    )
    with run_emulator_in_thread(config) as emulator:
        sample = tmp_path / "sample.csv"
        write_sample_csv(sample, ROWS)
        result = Cli(emulator)(
            "bulk", str(sample), "--json", "--api-version", "2026-09", "--concurrency", "8", "--batch-size", "1"
        )
        log = emulator.state.request_log
    assert result.exit_code == 1, result.output  # the demo's bad rows fail, as they should
    summary = json.loads(result.stdout)
    assert (summary["rows"], summary["confirmed"], summary["failed"]) == (ROWS + BAD_ROWS, ROWS, BAD_ROWS)
    assert summary["retries_absorbed"] > 0
    assert sorted(_journal_lines(Path(summary["journal"]))) == list(range(2, ROWS + 2))
    with Path(summary["failure_report"]).open(newline="") as handle:
        assert [row["http_status"] for row in csv.DictReader(handle)] == ["400"] * BAD_ROWS
    assert {path.split("/")[3] for _, path, _ in log} == {"2026-09"}
    assert all(path.startswith("/crm/objects/2026-09/contacts/") for _, path, _ in log)


def _rows(path: Path, emulator: RunningEmulator, count: int) -> Path:
    contacts, companies = emulator.state.object_ids("0-1"), emulator.state.object_ids("0-2")
    lines = "".join(f"contacts,{contacts[n]},companies,{companies[n]}\n" for n in range(count))
    return write(path, "from_type,from_id,to_type,to_id\n" + lines)


def test_a_journal_written_under_v4_resumes_under_2026_09(tmp_path: Path) -> None:
    """The journal records rows, not paths: moving version mid-job sends each unconfirmed row once, on the new one."""
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, daily_limit=12, api_versions=("v4",))) as old:
        path = _rows(tmp_path / "rows.csv", old, 40)
        first = Cli(old)("bulk", str(path), "--json", "--concurrency", "1", "--batch-size", "1")
        assert first.exit_code == 3, first.output  # the daily limit stopped it part-way
        assert {p.split("/")[2] for _, p, _ in old.state.request_log} == {"v4"}
    journal = tmp_path / "rows.csv.journal"
    confirmed = _journal_lines(journal)
    assert len(confirmed) == json.loads(first.stdout)["confirmed"] == 12
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, api_versions=("2026-09",))) as new:
        second = Cli(new)("bulk", str(path), "--json", "--resume", "--api-version", "2026-09", "--batch-size", "1")
        log = [p for _, p, _ in new.state.request_log]
    # A row the stop caught after it was journaled in flight (its request never left) is read back first, there too.
    reads = [p for p in log if p.endswith("/batch/read")]
    assert len(reads) <= 1 and all(p.startswith("/crm/associations/2026-09/") for p in reads)
    sent = [p for p in log if p not in reads]
    assert second.exit_code == 0, second.output
    summary = json.loads(second.stdout)
    assert (summary["skipped_already_confirmed"], summary["confirmed"], summary["failed"]) == (12, 28, 0)
    assert len(sent) == 28 and all(p.startswith("/crm/objects/2026-09/") for p in sent)
    lines = path.read_text(encoding="utf-8").splitlines()
    resent = {f"contacts,{p.split('/')[5]},companies,{p.split('/')[-1]}" for p in sent}
    assert not resent & {lines[line - 1] for line in confirmed}  # no row the v4 run confirmed is sent again
    assert sorted(_journal_lines(journal)) == list(range(2, 42))


def test_the_emulator_command_passes_api_version_through() -> None:
    result = CliRunner().invoke(app, ["emulator", "--port", "0", "--api-version", "2026-9"])
    assert result.exit_code == 2
    assert "'v4', '2026-03', '2026-09'" in result.output
