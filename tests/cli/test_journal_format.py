"""The journal format: every single-bit flip is caught (or costs only a re-send), nothing else escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from hubspot_associations.cli._files import OutputWriteError
from hubspot_associations.cli._journal import (
    HEADER,
    Journal,
    JournalDamagedError,
    JournalError,
    is_journal,
    load_journal,
)

ENTRIES = {2: "0123456789abcdef", 3: "fedcba9876543210", 1234: "00ff00ff00ff00ff"}


@pytest.fixture
def journal(tmp_path: Path) -> Path:
    path = tmp_path / "rows.csv.journal"
    with Journal(path) as writer:
        for line, fingerprint in ENTRIES.items():
            writer.record(line, fingerprint)
    return path


def test_round_trip_and_creation_never_overwrites(journal: Path) -> None:
    assert load_journal(journal) == ENTRIES and is_journal(journal)
    with pytest.raises(OutputWriteError, match="File exists") as raised:
        Journal(journal, "new")
    assert raised.value.path == journal
    assert load_journal(journal) == ENTRIES


def test_every_single_bit_flip_is_damage_or_only_drops_the_last_entry(journal: Path) -> None:
    original = journal.read_bytes()
    header = len(HEADER)
    for offset in range(len(original)):
        for bit in range(8):
            data = bytearray(original)
            data[offset] ^= 1 << bit
            journal.write_bytes(bytes(data))
            try:
                loaded = load_journal(journal)
            except JournalDamagedError:
                continue
            except JournalError:
                assert offset < header  # only a flipped header makes it "not a journal"
                continue
            # Undetected only when the flip hit the very last newline: a torn last entry, sent again on resume.
            assert offset == len(original) - 1, (offset, bit, loaded)
            assert loaded == dict(list(ENTRIES.items())[:-1])


def test_restart_replaces_and_resume_cuts_a_torn_tail(journal: Path) -> None:
    journal.write_bytes(journal.read_bytes() + b"99 0123")
    with Journal(journal, "resume") as writer:
        writer.record(5, "aaaaaaaaaaaaaaaa")
    assert load_journal(journal) == {**ENTRIES, 5: "aaaaaaaaaaaaaaaa"}
    with Journal(journal, "restart"):
        pass
    assert journal.read_text() == HEADER and load_journal(journal) == {}


def test_an_answers_rows_are_on_disk_when_record_all_returns(tmp_path: Path) -> None:
    # One write and flush for the rows one batch answer confirmed: all of them reach the OS before it returns (a
    # kill -9 right after loses none), as the same entries recorded one by one would.
    one_by_one = tmp_path / "one.journal"
    with Journal(one_by_one) as writer:
        for line, fingerprint in ENTRIES.items():
            writer.record(line, fingerprint)
    path = tmp_path / "all.journal"
    with Journal(path) as writer:
        writer.record_all([])
        assert path.read_bytes() == HEADER.encode()
        writer.record_all(list(ENTRIES.items()))
        assert path.read_bytes() == one_by_one.read_bytes()  # read by another handle, before close
        assert load_journal(path) == ENTRIES


def test_after_a_failed_write_no_answer_is_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "rows.csv.journal"
    with Journal(path) as writer:

        def full(*args: object) -> None:
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(writer._handle, "write", full)
        with pytest.raises(OutputWriteError, match="No space left"):
            writer.record_all(list(ENTRIES.items()))
        monkeypatch.undo()
        with pytest.raises(OutputWriteError, match="No space left"):
            writer.record_all([(5, "aaaaaaaaaaaaaaaa")])
    assert load_journal(path) == {}
