"""The run behind ``bulk``, without the command: plan_bulk checks everything first, run_plan sends."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from hubspot_associations import HubSpotAssociations
from hubspot_associations.cli._bulk_run import BulkSetupError, plan_bulk, run_plan
from hubspot_associations.emulator import RunningEmulator
from tests.cli.cli_support import write

TEXT = "from_type,from_id,to_type,to_id\n" + "".join(
    f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(12)
)


def test_plan_then_run_then_resume(emulator: RunningEmulator, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", TEXT)
    plan = plan_bulk(path, None)
    assert plan.journal_mode == "new" and plan.check.rows == 12 and plan.report_path.name == "rows.failures.csv"
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url) as client:
        summary = run_plan(client, plan, concurrency=3, console=Console(quiet=True))
    assert summary.ok and summary.confirmed == 12 and summary.not_attempted == summary.unfinished == 0
    with pytest.raises(BulkSetupError, match="--resume"):
        plan_bulk(path, None)
    resumed = plan_bulk(path, None, resume=True)
    assert resumed.journal_mode == "resume" and resumed.check.already_confirmed == 12
    assert resumed.notes == (
        "Reading rows.csv as CSV separated by commas.",
        "Resuming: 12 of 12 rows already confirmed, not sent again.",
    )


def test_plan_refuses_before_writing_anything(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", TEXT)
    with pytest.raises(BulkSetupError, match="is the input file itself"):
        plan_bulk(path, None, journal_path=path, restart=True)
    assert path.read_text() == TEXT and sorted(p.name for p in tmp_path.iterdir()) == ["rows.csv"]


def test_rows_confirmed_before_are_counted_as_such_when_a_resumed_run_stops_early(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    path = write(tmp_path / "rows.csv", TEXT)
    plan = plan_bulk(path, None)
    with HubSpotAssociations(emulator.token, base_url=emulator.base_url) as client:
        assert run_plan(client, plan, console=Console(quiet=True)).confirmed == 12
    journal = plan.journal_path
    header, *entries = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [entry for entry in entries if entry[0].isdigit() and int(entry.split()[0]) >= 11]  # lines 11-13
    journal.write_text(header + "".join(kept), encoding="utf-8")
    resumed = plan_bulk(path, None, resume=True)
    assert resumed.check.already_confirmed == 3
    # A refused token stops the run at its first request, before the reading reaches the last rows.
    with HubSpotAssociations("pat-na1-00000000-0000-0000-0000-000000000000", base_url=emulator.base_url) as client:
        summary = run_plan(client, resumed, batch_size=1, console=Console(quiet=True))
    assert summary.stopped_by is not None and summary.failed >= 1
    assert summary.skipped == 3  # confirmed by the earlier run: not "not attempted", wherever the run stopped
    parts = summary.confirmed + summary.failed + summary.skipped + summary.not_attempted + summary.unfinished
    assert parts + summary.duplicates == 12
