"""A full disk under the journal or the failure report (issue 25, defect 4): the error names the file that could not
be written, the exit status says "some rows sent, run incomplete, resumable" (3), what was journaled stays intact,
and --resume finishes the run. The disk fills by way of a fake file object (tests.cli.cli_support.FullDisk)."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hubspot_associations.cli import _bulk_run, _journal, _report
from hubspot_associations.cli._bulk_plan import read_selected
from hubspot_associations.cli._files import open_sibling
from hubspot_associations.cli._journal import HEADER as JOURNAL_HEADER
from hubspot_associations.cli._journal import Journal, load_journal
from tests.cli.cli_support import Cli, FullDisk, write


class FullForAnswers(FullDisk):
    """Room for a number of confirmed entries; in-flight entries go through (the run stops at the same answer
    whatever the threads' interleaving)."""

    def write(self, text: str) -> int:
        return self._handle.write(text) if text.startswith(">") else super().write(text)


HEADER = "from_type,from_id,to_type,to_id\n"
ROWS = 40
ENTRY = len("12 0123456789abcdef 01234567\n")  # a journal entry of a two-digit line number


def _rows(tmp_path: Path, invalid: tuple[int, ...] = ()) -> Path:
    lines = [f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(ROWS)]
    for n in invalid:
        lines[n] = f"contacts,not-an-id-{n},companies,{2000001 + n}\n"
    return write(tmp_path / "rows.csv", HEADER + "".join(lines))


def _journal_fills_after(monkeypatch: pytest.MonkeyPatch, room: int) -> None:
    real_init = Journal.__init__

    def init(self: Journal, *args: Any, **kwargs: Any) -> None:
        real_init(self, *args, **kwargs)
        self._handle = FullForAnswers(self._handle, room)  # type: ignore[assignment]

    monkeypatch.setattr(Journal, "__init__", init)


def _summary(output: str) -> dict[str, Any]:
    summary: dict[str, Any] = json.loads(output)
    return summary


def test_a_full_disk_under_the_journal_names_it_exits_3_and_resume_finishes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _rows(tmp_path)
    journal = tmp_path / "rows.csv.journal"
    _journal_fills_after(monkeypatch, room=10 * ENTRY + 7)  # 10 entries, then one torn 7 characters in
    result = cli("bulk", str(path), "--batch-size", "1", "--json")
    assert result.exit_code == 3  # some rows sent, the run is incomplete, --resume continues
    summary = _summary(result.stdout)
    assert f"cannot write the journal {journal} (No space left on device)" in summary["stopped_by"]
    assert "--resume" in summary["stopped_by"] and str(path) + ":" not in result.stderr
    assert "Traceback" not in result.output
    confirmed = load_journal(journal)  # intact: ten entries, the torn eleventh ignored
    assert len(confirmed) == 10 and summary["confirmed"] == 10
    assert summary["confirmed"] + summary["unfinished"] + summary["not_attempted"] == ROWS
    sent = cli.emulator.state.put_count
    monkeypatch.undo()  # space is free again
    resumed = cli("bulk", str(path), "--batch-size", "1", "--resume", "--json")
    again = _summary(resumed.stdout)
    assert resumed.exit_code == 0
    # Rows sent before the disk filled were in flight: read back and found (at least the eleventh, whose answer
    # could not be journaled), journaled without a resend; only rows the journal did not hold are sent again.
    assert again["in_flight_found"] >= 1
    assert again["skipped_already_confirmed"] == 10 + again["in_flight_found"]
    assert len(load_journal(journal)) == ROWS
    assert cli.emulator.state.put_count == sent + ROWS - 10 - again["in_flight_found"]


def test_the_text_summary_names_the_journal_too(cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _rows(tmp_path)
    _journal_fills_after(monkeypatch, room=0)
    result = cli("bulk", str(path))
    assert result.exit_code == 3
    text = " ".join(result.stdout.split())
    assert f"Stopped sending: cannot write the journal {tmp_path / 'rows.csv.journal'}" in text
    assert "run again with --resume" in text


def test_a_journal_that_cannot_be_created_is_named_and_nothing_is_sent(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _rows(tmp_path)

    def no_space(path: Path) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(_journal, "open_sibling", no_space)
    result = cli("bulk", str(path))
    assert result.exit_code == 2 and cli.emulator.state.put_count == 0  # 2: nothing sent
    message = " ".join(result.stderr.split())
    assert f"cannot write the journal {tmp_path / 'rows.csv.journal'} (No space left on device)" in message


def test_a_full_disk_under_the_report_names_it_and_leaves_no_half_report(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _rows(tmp_path, invalid=(3, 30))
    report = tmp_path / "rows.failures.csv"

    def small_disk(path: Path) -> tuple[Path, Any]:
        temp, handle = open_sibling(path)
        return temp, FullDisk(handle, room=len(",".join(_report.REPORT_COLUMNS)) + 2)  # the header only

    monkeypatch.setattr(_report, "open_sibling", small_disk)
    result = cli("bulk", str(path), "--json")
    assert result.exit_code == 3
    summary = _summary(result.stdout)
    assert f"cannot write the failure report {report} (No space left on device)" in summary["stopped_by"]
    assert summary["failure_report"] is None and not report.exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert load_journal(tmp_path / "rows.csv.journal")  # rows confirmed before the failure are journaled
    monkeypatch.undo()
    resumed = cli("bulk", str(path), "--resume", "--json")
    assert resumed.exit_code == 1 and _summary(resumed.stdout)["failed"] == 2
    assert [line.split(",")[6] for line in report.read_text().splitlines()[1:]] == ["5", "32"]


def test_a_failing_final_fsync_of_the_journal_is_reported(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _rows(tmp_path)
    real_fsync = os.fsync
    journal = tmp_path / "rows.csv.journal"

    def fsync(fd: int) -> None:
        if os.readlink(f"/proc/self/fd/{fd}") == str(journal):
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)  # the journal's os module is this one
    result = cli("bulk", str(path), "--json")
    assert result.exit_code == 3
    assert f"cannot write the journal {journal} (Input/output error)" in _summary(result.stdout)["stopped_by"]
    assert journal.read_text().startswith(JOURNAL_HEADER)


def test_an_input_file_broken_mid_run_stops_with_3_not_2(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same class of fault on the input side: rows were sent, so the exit status is not 2 ("nothing sent")."""
    path = _rows(tmp_path)

    def breaking(*args: Any) -> Iterator[Any]:  # the sending pass: after 10 rows, a line that is not UTF-8 appears
        for number, item in enumerate(read_selected(*args)):
            if number == 10:
                with path.open("ab") as handle:
                    handle.write(b"contacts,\xff\xfe,companies,2000001\n")
            yield item

    monkeypatch.setattr(_bulk_run, "read_selected", breaking)
    result = cli("bulk", str(path), "--json")
    assert result.exit_code == 3
    summary = _summary(result.stdout)
    assert summary["stopped_by"].startswith(f"{path}: line 42: not UTF-8 text") and "--resume" in summary["stopped_by"]
    assert len(load_journal(tmp_path / "rows.csv.journal")) == summary["confirmed"] == ROWS
