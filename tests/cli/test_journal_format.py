"""The journal format: every single-bit flip is caught (or costs only a re-send), nothing else escapes."""

from __future__ import annotations

import tempfile
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations.cli._files import OutputWriteError
from hubspot_associations.cli._journal import (
    HEADER,
    MAX_LINES_PER_ENTRY,
    Journal,
    JournalDamagedError,
    JournalError,
    JournalState,
    is_journal,
    load_journal,
    read_journal,
)
from tests.cli.cli_support import FullDisk

ENTRIES = {2: "0123456789abcdef", 3: "fedcba9876543210", 1234: "00ff00ff00ff00ff"}
V2_HEADER = b"# hubspot-associations journal v2\n"


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


def _each_bit_flip(path: Path) -> Iterator[tuple[int, bytes]]:
    """Writes each single-bit flip of the file at ``path`` in turn; yields the flipped byte's offset and the data."""
    original = path.read_bytes()
    for offset in range(len(original)):
        for bit in range(8):
            data = bytearray(original)
            data[offset] ^= 1 << bit
            path.write_bytes(bytes(data))
            yield offset, bytes(data)


def test_every_single_bit_flip_is_damage_or_only_drops_the_last_entry(journal: Path) -> None:
    last = len(journal.read_bytes()) - 1
    for offset, data in _each_bit_flip(journal):
        try:
            loaded = load_journal(journal)
        except JournalDamagedError:
            continue
        except JournalError:
            assert offset < len(HEADER)  # only a flipped header makes it "not a journal"
            continue
        if data.startswith(V2_HEADER):  # v3 -> v2: read as v2 (confirmed entries only), the same rows
            assert loaded == ENTRIES
            continue
        # Undetected only when the flip hit the very last newline: a torn last entry, sent again on resume.
        assert offset == last, (offset, loaded)
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


# -- in-flight entries (v3) ------------------------------------------------------------------------------------


def _with_requests(path: Path) -> JournalState:
    """A run's journal: three requests sent, the first answered (one row confirmed, one failed), the others not."""
    with Journal(path) as writer:
        writer.record_in_flight([2, 3, 1234])
        writer.record_in_flight([7])
        writer.record_all([(2, ENTRIES[2]), (1234, ENTRIES[1234])])
        writer.record_failed([3])
        writer.record_in_flight([8, 9])
        writer.record(9, ENTRIES[3])
    return JournalState({2: ENTRIES[2], 1234: ENTRIES[1234], 9: ENTRIES[3]}, frozenset({7, 8}))


def test_in_flight_rows_are_those_sent_and_neither_confirmed_nor_failed_since(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.journal"
    expected = _with_requests(path)
    assert read_journal(path) == expected
    assert load_journal(path) == expected.confirmed
    # One entry per request, not per row: 3 requests + 1 failed entry + 3 confirmed rows.
    assert len(path.read_text().splitlines()) == 1 + 3 + 1 + 3
    assert path.read_text().splitlines()[1].startswith("> 2,3,1234 ")


def test_a_request_larger_than_an_entry_is_several_entries_in_one_write(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.journal"
    lines = list(range(2, 2 + 2 * MAX_LINES_PER_ENTRY + 5))
    with Journal(path) as writer:
        writer.record_in_flight(lines)
        writer.record_in_flight([])  # nothing to say: nothing written
        assert read_journal(path).in_flight == frozenset(lines)  # flushed before it returns
    assert len(path.read_text().splitlines()) == 1 + 3


def test_every_single_bit_flip_of_an_in_flight_journal_is_damage_or_only_drops_the_last_entry(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.journal"
    with Journal(path) as writer:
        writer.record_in_flight([2, 3])
        writer.record_failed([3])
        writer.record_in_flight([40, 41])
    last = len(path.read_bytes()) - 1
    assert read_journal(path) == JournalState({}, frozenset({2, 40, 41}))
    for offset, _ in _each_bit_flip(path):
        try:
            loaded = read_journal(path)
        except JournalError:
            continue  # damage (a v2 header with in-flight entries is damage too), or "not a journal"
        assert offset == last, (offset, loaded)
        assert loaded == JournalState({}, frozenset({2}))  # the torn last entry counts as not written


@pytest.mark.parametrize(
    ("tail", "message"),
    [
        (b"> 2,3 00000000\n", "checksum mismatch"),
        (b"> 2,,3 00000000\n", "is not an entry"),
        (b"> " + b",".join([b"5"] * (MAX_LINES_PER_ENTRY + 1)) + b" 00000000\n", "is not an entry"),
        (b"* 2 00000000\n", "is not an entry"),
        (b"> 2\xff 00000000\n", "is not UTF-8"),
    ],
)
def test_a_damaged_in_flight_entry_is_reported_with_its_line(tmp_path: Path, tail: bytes, message: str) -> None:
    path = tmp_path / "rows.csv.journal"
    with Journal(path) as writer:
        writer.record_in_flight([2])
    path.write_bytes(path.read_bytes() + tail + b"2 0123456789abcdef bbf6c97a\n")
    with pytest.raises(JournalDamagedError, match=f"line 3.*{message}"):
        read_journal(path)


def test_a_torn_in_flight_entry_is_ignored_and_cut_off_on_resume(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.journal"
    expected = _with_requests(path)
    path.write_bytes(path.read_bytes() + b"> 50,51,5")
    assert read_journal(path) == expected
    with Journal(path, "resume") as writer:
        writer.record_in_flight([60])
    assert read_journal(path) == JournalState(expected.confirmed, expected.in_flight | {60})


def test_a_v2_journal_is_read_and_resuming_it_makes_it_v3(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv.journal"
    with Journal(path) as writer:
        writer.record_all(list(ENTRIES.items()))
    path.write_bytes(V2_HEADER + path.read_bytes()[len(HEADER) :])  # as an earlier version wrote it
    assert read_journal(path) == JournalState(ENTRIES) and is_journal(path)
    with_list = path.read_bytes() + b"> 7 " + f"{zlib.crc32(b'> 7'):08x}".encode() + b"\n"
    path.write_bytes(with_list)
    with pytest.raises(JournalDamagedError, match="line 5 is not an entry"):
        read_journal(path)  # a v2 journal has no in-flight entries
    path.write_bytes(V2_HEADER + path.read_bytes()[len(HEADER) :].split(b">")[0])
    with Journal(path, "resume") as writer:
        writer.record_in_flight([7])
    assert path.read_bytes().startswith(HEADER.encode())
    assert read_journal(path) == JournalState(ENTRIES, frozenset({7}))


def test_record_in_flight_after_close_writes_nothing(tmp_path: Path) -> None:
    # A worker thread left on the wire after the run ended: its request is stopped, and the journal is not touched.
    path = tmp_path / "rows.csv.journal"
    writer = Journal(path)
    writer.close()
    writer.record_in_flight([2])
    assert path.read_bytes() == HEADER.encode()


_operations = st.lists(
    st.tuples(st.sampled_from(["sent", "confirmed", "failed"]), st.lists(st.integers(1, 10**18 - 1), max_size=30)),
    max_size=25,
)


@settings(max_examples=60, deadline=None)
@given(_operations)
def test_any_sequence_of_entries_reads_back_as_written(operations: list[tuple[str, list[int]]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv.journal"
        confirmed: dict[int, str] = {}
        pending: set[int] = set()
        with Journal(path) as writer:
            for kind, lines in operations:
                if kind == "sent":
                    writer.record_in_flight(lines)
                    pending.update(lines)
                elif kind == "failed":
                    writer.record_failed(lines)
                    pending.difference_update(lines)
                else:
                    rows = [(line, f"{line % 2**64:016x}") for line in lines]
                    writer.record_all(rows)
                    confirmed.update(rows)
                    pending.difference_update(lines)
        assert read_journal(path) == JournalState(confirmed, frozenset(pending - confirmed.keys()))


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=200), st.sampled_from([b"", b"> 2", b"- ", b"> 1,2,3 "]))
def test_any_bytes_after_the_header_are_entries_damage_or_a_torn_tail(garbage: bytes, prefix: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "rows.csv.journal"
        path.write_bytes(HEADER.encode() + prefix + garbage)
        try:
            state = read_journal(path)
        except JournalDamagedError as exc:
            assert "line " in str(exc) and "--restart" in str(exc)
            return
        assert isinstance(state, JournalState)


def test_no_entry_follows_a_torn_one_whichever_kind_tore(tmp_path: Path) -> None:
    # The disk fills in the middle of an in-flight entry (a worker's) or a confirmed one (the main thread's): every
    # later write, of either kind, raises and writes nothing, so the torn line stays the last (and is ignored).
    for kind in ("in flight", "confirmed"):
        path = tmp_path / f"{kind}.journal"
        with Journal(path) as writer:
            writer.record_in_flight([2])
            writer._handle = FullDisk(writer._handle, room=5)  # type: ignore[assignment]
            with pytest.raises(OutputWriteError, match="No space left"):
                if kind == "in flight":
                    writer.record_in_flight([3, 4, 5])
                else:
                    writer.record_all([(2, ENTRIES[2])])
            with pytest.raises(OutputWriteError, match="No space left"):
                writer.record_in_flight([6])
            with pytest.raises(OutputWriteError, match="No space left"):
                writer.record_all([(3, ENTRIES[3])])
        assert not path.read_bytes().endswith(b"\n")  # the torn piece, and nothing after it
        assert read_journal(path) == JournalState({}, frozenset({2}))
