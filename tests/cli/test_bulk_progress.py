"""The progress display agrees with the summary (issue 25, defect 7): invalid rows count as failed, rows confirmed by
an earlier run are done from the start and never count in the rate or the ETA, and ``Resuming:`` is said once."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
from rich.progress import Progress, TaskID

from hubspot_associations.cli import _progress
from hubspot_associations.cli._journal import Journal, load_journal
from tests.cli.cli_support import Cli, write

HEADER = "from_type,from_id,to_type,to_id\n"


def _rows(count: int) -> str:
    return "".join(f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(count))


class _Recording(Progress):
    """The real progress bar, remembering every advance (what rich computes the rate and the ETA from)."""

    made: ClassVar[list[_Recording]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.advanced = 0.0
        self.started_at: float | None = None
        _Recording.made.append(self)

    def add_task(self, *args: Any, **kwargs: Any) -> TaskID:
        task = super().add_task(*args, **kwargs)
        self.started_at = self.tasks[0].completed
        return task

    def update(self, task_id: TaskID, *, advance: float | None = None, **kwargs: Any) -> None:
        self.advanced += advance or 0
        super().update(task_id, advance=advance, **kwargs)


@pytest.fixture
def recording(monkeypatch: pytest.MonkeyPatch) -> type[_Recording]:
    _Recording.made.clear()
    monkeypatch.setattr(_progress, "Progress", _Recording)
    return _Recording


def test_invalid_rows_are_failed_on_the_progress_bar_as_in_the_summary(cli: Cli, tmp_path: Path) -> None:
    invalid = "contacts,not-an-id,companies,2000001\ncontacts,1000001,,2000001\n"
    refused = "contacts,1999999,companies,2000001\n"  # no such contact: HubSpot refuses it
    path = write(tmp_path / "rows.csv", HEADER + _rows(6) + invalid + refused)
    result = cli("bulk", str(path), "--progress")
    assert result.exit_code == 1
    assert "6 ok" in result.stderr and "3 failed" in result.stderr and "9/9" in result.stderr
    assert "6 confirmed, 3 failed" in " ".join(result.stdout.split())


def test_a_resumed_run_says_so_once_and_counts_only_its_own_rows_in_the_rate(
    cli: Cli, tmp_path: Path, recording: type[_Recording]
) -> None:
    path = write(tmp_path / "rows.csv", HEADER + _rows(20))
    journal_path = tmp_path / "rows.csv.journal"
    assert cli("bulk", str(path), "--no-progress").exit_code == 0
    kept = sorted(load_journal(journal_path).items())[:15]  # as if the run had stopped after 15 rows
    with Journal(journal_path, "restart") as journal:
        for line, fingerprint in kept:
            journal.record(line, fingerprint)
    result = cli("bulk", str(path), "--resume", "--progress", "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["skipped_already_confirmed"] == 15
    assert result.stderr.count("Resuming:") == 1
    progress = recording.made[-1]  # the resumed run's
    assert progress.started_at == 15  # done from the start ...
    assert progress.advanced == 5  # ... so the rate and the ETA are made of the 5 rows this run sent
    assert progress.tasks[0].completed == 20 and "20 ok" in result.stderr
