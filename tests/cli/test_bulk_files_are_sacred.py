"""``bulk`` never harms the user's files: outputs that are the input or each other are refused before sending."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hubspot_associations.cli._journal import HEADER as JOURNAL_HEADER
from tests.cli.cli_support import Cli, confirmed_entries, write

HEADER = "from_type,from_id,to_type,to_id\n"
ROWS = "".join(f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(5))


@pytest.fixture
def rows(tmp_path: Path) -> Path:
    return write(tmp_path / "rows.csv", HEADER + ROWS)


def _aliases(rows: Path) -> dict[str, Path]:
    tmp = rows.parent
    (tmp / "sub").mkdir()
    symlink = tmp / "link.csv"
    symlink.symlink_to(rows)
    hardlink = tmp / "hard.csv"
    os.link(rows, hardlink)
    return {
        "same": rows,
        "dotted": tmp / "sub" / ".." / "rows.csv",
        "symlink": symlink,
        "hardlink": hardlink,
    }


@pytest.mark.parametrize("alias", ["same", "dotted", "symlink", "hardlink"])
@pytest.mark.parametrize(
    "options",
    [
        ("--report", "{path}"),
        ("--journal", "{path}"),
        ("--journal", "{path}", "--restart"),
        ("--journal", "{path}", "--resume"),
        ("--report", "{path}", "--dry-run"),
    ],
)
def test_an_output_that_is_the_input_is_refused(cli: Cli, rows: Path, alias: str, options: tuple[str, ...]) -> None:
    path = _aliases(rows)[alias]
    before = rows.read_bytes()
    result = cli("bulk", str(rows), *(option.format(path=path) for option in options))
    assert result.exit_code == 2, result.output
    assert "is the input file itself" in result.stderr
    assert rows.read_bytes() == before
    assert cli.emulator.state.request_log == []
    assert sorted(p.name for p in rows.parent.iterdir()) == ["hard.csv", "link.csv", "rows.csv", "sub"]


def test_relative_paths_are_resolved(cli: Cli, rows: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(rows.parent)
    before = rows.read_bytes()
    result = cli("bulk", "rows.csv", "--report", str(rows))
    assert result.exit_code == 2 and "is the input file itself" in result.stderr
    assert rows.read_bytes() == before


def test_journal_and_report_must_differ(cli: Cli, rows: Path) -> None:
    out = rows.parent / "out.csv"
    result = cli("bulk", str(rows), "--journal", str(out), "--report", str(out))
    assert result.exit_code == 2 and "are the same file" in result.stderr
    assert not out.exists() and cli.emulator.state.request_log == []


def test_existing_files_not_written_by_us_are_left_alone(cli: Cli, rows: Path) -> None:
    other = write(rows.parent / "notes.csv", "my,own,data\n1,2,3\n")
    before = other.read_bytes()
    for options in (
        ("--report", str(other)),
        ("--journal", str(other)),
        ("--journal", str(other), "--restart"),
        ("--journal", str(other), "--resume"),
    ):
        result = cli("bulk", str(rows), *options)
        assert result.exit_code == 2, (options, result.output)
        assert "was not written by hubspot-associations" in result.stderr
        assert other.read_bytes() == before
    assert cli.emulator.state.request_log == []


def test_a_directory_as_output_is_refused(cli: Cli, rows: Path) -> None:
    folder = rows.parent / "folder"
    folder.mkdir()
    for option in ("--report", "--journal"):
        result = cli("bulk", str(rows), option, str(folder))
        assert result.exit_code == 2 and "is a directory" in result.stderr
    missing = cli("bulk", str(rows), "--report", str(rows.parent / "nowhere" / "r.csv"))
    assert missing.exit_code == 2 and "does not exist" in missing.stderr


def test_our_own_report_is_replaced_atomically_and_removed_when_stale(cli: Cli, rows: Path) -> None:
    path = write(rows.parent / "bad.csv", HEADER + "contacts,1999999,companies,2000001\n" + ROWS)
    report = rows.parent / "bad.failures.csv"
    first = cli("bulk", str(path))
    assert first.exit_code == 1 and report.exists()
    again = cli("bulk", str(path), "--resume")  # replaces the report of the earlier run
    assert again.exit_code == 1 and len(report.read_text().splitlines()) == 2  # header + the one failure
    write(path, HEADER + ROWS)
    fixed = cli("bulk", str(path), "--restart")
    assert fixed.exit_code == 0, fixed.output
    assert not report.exists()  # it described a row that no longer fails
    assert not [p.name for p in rows.parent.iterdir() if p.name.endswith(".tmp")]


def test_restart_replaces_only_a_real_journal(cli: Cli, rows: Path) -> None:
    assert cli("bulk", str(rows)).exit_code == 0
    journal = rows.parent / "rows.csv.journal"
    assert journal.read_text().startswith(JOURNAL_HEADER)
    restarted = cli("bulk", str(rows), "--restart", "--json")
    assert restarted.exit_code == 0
    assert len(confirmed_entries(journal)) == 5
