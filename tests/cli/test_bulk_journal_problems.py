"""A journal that cannot be used is explained: which line, what is wrong, and which flag gets the user out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hubspot_associations.cli._journal import load_journal
from tests.cli.cli_support import Cli, write

HEADER = "from_type,from_id,to_type,to_id\n"


@pytest.fixture
def done(cli: Cli, tmp_path: Path) -> tuple[Path, Path]:
    """A file of 10 rows whose run was completed, and its journal."""
    lines = "".join(f"contacts,{1000001 + n},companies,{2000001 + n}\n" for n in range(10))
    path = write(tmp_path / "rows.csv", HEADER + lines)
    assert cli("bulk", str(path)).exit_code == 0
    return path, tmp_path / "rows.csv.journal"


def _resume(cli: Cli, path: Path) -> tuple[int, str]:
    before = len(cli.emulator.state.request_log)
    result = cli("bulk", str(path), "--resume")
    assert len(cli.emulator.state.request_log) == before  # nothing sent
    assert "Traceback" not in result.output
    return result.exit_code, " ".join(result.stderr.split())


def test_a_bit_flip_mid_file_is_damage_with_its_line_not_a_changed_input(cli: Cli, done: tuple[Path, Path]) -> None:
    path, journal = done
    data = bytearray(journal.read_bytes())
    offset = data.index(b"\n", data.index(b"\n", len(b"# hubspot-associations journal v2\n") + 1) + 1) + 5
    data[offset] ^= 0x02  # line 4 (the third entry), inside its fingerprint
    journal.write_bytes(bytes(data))
    code, message = _resume(cli, path)
    assert code == 2
    assert "line 4" in message and "damaged" in message and "file changed" not in message
    assert "--restart" in message and "--journal PATH" in message
    restarted = cli("bulk", str(path), "--restart", "--json")  # the way out works
    assert restarted.exit_code == 0 and json.loads(restarted.stdout)["confirmed"] == 10


def test_invalid_utf8_in_the_journal(cli: Cli, done: tuple[Path, Path]) -> None:
    path, journal = done
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join([*lines[:3], b"\xff\xfe garbage\n", *lines[3:]]))
    code, message = _resume(cli, path)
    assert code == 2 and "line 4 is not UTF-8 text" in message and "--restart" in message


def test_a_directory_at_the_journal_path(cli: Cli, tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + "contacts,1000001,companies,2000001\n")
    (tmp_path / "rows.csv.journal").mkdir()
    for extra in ((), ("--resume",), ("--restart",)):
        result = cli("bulk", str(path), *extra)
        assert result.exit_code == 2 and "--journal" in result.stderr and "is a directory" in result.stderr
    assert cli.emulator.state.request_log == []


def test_a_changed_input_is_still_called_that(cli: Cli, done: tuple[Path, Path]) -> None:
    path, _ = done
    write(path, HEADER + "".join(f"contacts,{1000101 + n},companies,{2000101 + n}\n" for n in range(10)))
    code, message = _resume(cli, path)
    assert code == 2 and "line 2 of rows.csv" in message and "file changed since" in message
    assert "--restart" in message


def test_a_damaged_header_or_another_file(cli: Cli, done: tuple[Path, Path]) -> None:
    path, journal = done
    journal.write_bytes(journal.read_bytes().replace(b"journal v3", b"journal v7", 1))
    code, message = _resume(cli, path)
    assert code == 2 and "line 1" in message and "damaged header" in message and "--restart" in message


def test_a_torn_last_line_is_not_damage(cli: Cli, done: tuple[Path, Path]) -> None:
    path, journal = done
    lines = journal.read_bytes().splitlines(keepends=True)
    journal.write_bytes(b"".join(lines[:-1]) + lines[-1][:7])  # killed mid-write of the last entry
    before = len(cli.emulator.state.request_log)
    resumed = cli("bulk", str(path), "--resume", "--json")
    assert resumed.exit_code == 0, resumed.output
    summary = json.loads(resumed.stdout)
    # Its row was in flight (sent, the answer not journaled): read back, found, journaled again without a resend.
    assert (summary["confirmed"], summary["in_flight_found"], summary["in_flight_resent"]) == (0, 1, 0)
    assert [p for _, p, _ in cli.emulator.state.request_log[before:]] == [
        "/crm/v4/associations/contacts/companies/batch/read"
    ]
    assert len(load_journal(journal)) == 10  # the torn piece was cut, the row journaled again
    assert journal.read_bytes().count(b"\n") == len(journal.read_bytes().splitlines())


def test_a_long_last_line_is_damage_not_a_torn_entry(cli: Cli, done: tuple[Path, Path]) -> None:
    # A torn write is shorter than an entry; 20 MiB without a newline is something else, found without reading it all.
    path, journal = done
    last = journal.read_bytes().count(b"\n") + 1
    journal.write_bytes(journal.read_bytes() + b"x" * (20 << 20))
    code, message = _resume(cli, path)
    assert code == 2 and f"line {last} is not an entry" in message and "damaged" in message and "--restart" in message


def test_a_huge_file_without_newlines_at_the_journal_path_is_not_a_journal(cli: Cli, done: tuple[Path, Path]) -> None:
    path, journal = done
    journal.write_bytes(b"\x00" * (20 << 20))
    code, message = _resume(cli, path)
    assert code == 2 and "was not written by hubspot-associations" in message and "--journal" in message


def test_the_journal_is_read_in_bounded_memory(tmp_path: Path) -> None:
    import tracemalloc

    from hubspot_associations.cli._journal import HEADER as JOURNAL_HEADER
    from hubspot_associations.cli._journal import JournalError, load_journal

    for content in (b"\x00" * (20 << 20), JOURNAL_HEADER.encode() + b"7" * (20 << 20)):
        journal = tmp_path / "j"
        journal.write_bytes(content)
        tracemalloc.start()
        try:
            with pytest.raises(JournalError):
                load_journal(journal)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 1 << 20  # read a line at a time up to an entry's length, never the whole 20 MiB
