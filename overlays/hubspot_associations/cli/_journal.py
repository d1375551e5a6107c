"""The bulk journal: an append-only file that says which rows HubSpot confirmed, and which were on the wire, so a
run can be resumed.

Format (UTF-8 text, one entry per line)::

    # hubspot-associations journal v3
    <input line number> <row fingerprint> <CRC-32 of "<line> <fingerprint>", 8 hex digits>
    > <line>,<line>,... <CRC-32 of everything before the space that precedes it, 8 hex digits>
    - <line>,<line>,... <CRC-32, likewise>

The first kind (the only one of v2) is a **confirmed** row. ``>`` lists the rows of one request **in flight**: it is
written and flushed before the request (a batch, or one row's PUT) is first sent, one entry per request (at most
:data:`MAX_LINES_PER_ENTRY` lines; a larger request writes several entries in one write), so it costs one write
per batch, not per row. ``-`` lists rows whose answer failed them (they are in the failure report): no longer in
flight. A row listed by a ``>`` entry and by no later confirmed or ``-`` entry was on the wire when the run ended
without an answer (a kill -9, a stop's grace running out): ``--resume`` reads those rows back first
(:func:`read_journal`'s ``in_flight``; docs/guides/bulk.md), journals the ones HubSpot has as confirmed and sends
only the others again.

A v2 journal (confirmed entries only, from an earlier version) is read as before; resuming it rewrites its header
to v3 in place (the same length, synced before anything is appended), so an older version refuses it rather than
calling its new entries damage.

**Guarantee: no row recorded in the journal as confirmed is sent again by ``--resume``.** Each entry is written
and flushed to the operating system the moment its outcome arrives (the rows one batch answer confirms: one write
and one flush), so it survives Ctrl-C, a crash or ``kill -9`` of this process; entries are also ``fsync``-ed once
:data:`FSYNC_EVERY` confirmed entries are unsynced and :data:`FSYNC_INTERVAL_S` has passed since the last ``fsync``
(and on close), so a power loss or OS crash loses at most the entries of that interval (a batched run confirms 100
rows per answer: an fsync per batch would cost more than the batch). In-flight entries are flushed, never synced on
their own: losing one costs only a re-send of its rows without reading them back. An association PUT, like a batch
create, is idempotent, so re-sending one creates nothing twice.

A torn last line (the process died mid-write) is ignored, and cut off when the run is resumed: a torn confirmed
entry counts as not confirmed (its row is sent again), a torn in-flight entry as not written. Any other line that is
not a well-formed entry with a matching checksum means the journal is damaged (a bit flip, an edit), which is
reported with its line number rather than mistaken for a changed input file. Failed rows are retried by
``--resume``. The fingerprint ties a confirmed entry to the row's content, so resuming with an edited input file is
refused rather than skipping the wrong rows; an in-flight row is read back as the file has it now.

A new journal is created with its header in one step (written next to it, then linked into place), so a journal
path is never a half-written file, and an existing file is never overwritten: ``--restart`` replaces only a file
that starts with the journal header.

A write that fails (a full disk) raises :class:`~._files.OutputWriteError` naming the journal, and nothing more is
appended after it: what was written before stays as it is (a torn last entry is cut off by ``--resume``, as above).
Writes are serialised by a lock: the bulk engine's worker threads record requests in flight while the main thread
records answers.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
import zlib
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import IO

import attrs

from ._files import OutputWriteError, commit_sibling, first_line_is, open_sibling

__all__ = [
    "FSYNC_EVERY",
    "FSYNC_INTERVAL_S",
    "HEADER",
    "MAX_LINES_PER_ENTRY",
    "Journal",
    "JournalDamagedError",
    "JournalError",
    "JournalMismatchError",
    "JournalState",
    "is_journal",
    "load_journal",
    "read_journal",
]

HEADER = "# hubspot-associations journal v3\n"
_HEADER_BYTES = HEADER.encode()
_V2_HEADER_BYTES = b"# hubspot-associations journal v2\n"  # confirmed entries only; read, and upgraded on resume
_ANY_VERSION = b"# hubspot-associations journal "
FSYNC_EVERY = 64
FSYNC_INTERVAL_S = 0.25
MAX_LINES_PER_ENTRY = 1000
"""The most input lines one in-flight (or failed) entry lists: a longer request writes several entries."""
_ENTRY = re.compile(rb"(\d{1,18}) ([0-9a-f]{16}) ([0-9a-f]{8})\n")
_LIST_ENTRY = re.compile(rb"([>-] \d{1,18}(?:,\d{1,18}){0,%d}) ([0-9a-f]{8})\n" % (MAX_LINES_PER_ENTRY - 1))
_IN_FLIGHT, _FAILED = ">", "-"
# The longest line an entry may be: no longer line is read whole (it is damage, or a torn tail if shorter).
_MAX_ENTRY_BYTES = 2 + 19 * MAX_LINES_PER_ENTRY + 1 + 8 + 1
_MAX_HEADER_BYTES = 80  # more than any version's header line

_WAY_OUT = (
    "--restart discards it and sends every row again (creating an association twice is harmless), "
    "or --journal PATH keeps it and starts a new one elsewhere"
)


class JournalError(Exception):
    """A journal cannot be used for this run (nothing is sent); the message says why and which flag helps."""


class JournalDamagedError(JournalError):
    """The journal itself is damaged: a line that is not an entry, not UTF-8, or whose checksum does not match."""


class JournalMismatchError(JournalError):
    """The journal does not belong to this input file (or the file changed since)."""


def is_journal(path: Path) -> bool:
    """True when ``path`` starts with a journal header (of any version): the only kind of file --restart replaces."""
    return first_line_is(path, _ANY_VERSION)


def _crc(text: str | bytes) -> str:
    """The checksum that ends every journal entry: CRC-32 of what precedes it, 8 hex digits."""
    return f"{zlib.crc32(text if isinstance(text, bytes) else text.encode()):08x}"


def _checksum(line: int, fingerprint: str) -> str:
    return _crc(f"{line} {fingerprint}")


def _entry(line: int, fingerprint: str) -> str:
    """One confirmed entry: ``<line> <fingerprint> <checksum>``."""
    text = f"{line} {fingerprint}"
    return f"{text} {_crc(text)}\n"


@attrs.frozen
class JournalState:
    """What a journal says: ``confirmed`` rows (``{input line: row fingerprint}``) and the rows ``in_flight`` when
    the run that wrote it ended (sent, or about to be, without an answer recorded; never a confirmed row)."""

    confirmed: dict[int, str]
    in_flight: frozenset[int] = frozenset()


def load_journal(path: Path) -> dict[int, str]:
    """Read the confirmed rows of a journal: ``{input line: row fingerprint}`` (see :func:`read_journal`)."""
    return read_journal(path).confirmed


def read_journal(path: Path) -> JournalState:
    """Read a journal (v3, or v2); a torn last line is skipped.

    Raises :class:`JournalError` (:class:`JournalDamagedError` for damage) with the line number and the way out.
    """
    confirmed: dict[int, str] = {}
    pending: set[int] = set()  # in flight so far: rows leave it when an entry confirms or fails them
    try:
        handle = path.open("rb")
    except IsADirectoryError:
        raise JournalError(f"journal {path} is a directory; pass --journal PATH with a file path") from None
    except OSError as exc:
        raise JournalError(f"journal {path} cannot be read ({exc.strerror}); pass --journal PATH") from None
    with handle:
        first = handle.readline(_MAX_HEADER_BYTES)
        lists = first == _HEADER_BYTES  # v2 has confirmed entries only
        if not lists and first != _V2_HEADER_BYTES:
            if first.startswith(_ANY_VERSION):
                raise JournalDamagedError(
                    f"journal {path}, line 1: unknown journal version or damaged header {_show(first)}; {_WAY_OUT}"
                )
            raise JournalError(
                f"{path} is not a hubspot-associations journal (line 1 is {_show(first)}); "
                "pass --journal PATH to use another file"
            )
        number = 1
        while raw := handle.readline(_MAX_ENTRY_BYTES + 1):
            number += 1
            if not raw.endswith(b"\n") and len(raw) <= _MAX_ENTRY_BYTES:
                break  # the end of the file mid-entry: a torn write at the moment of a kill, not confirmed
            match = _ENTRY.fullmatch(raw)
            listed = _LIST_ENTRY.fullmatch(raw) if match is None and lists else None
            if match is None and listed is None:
                what = "is not UTF-8 text" if not _is_utf8(raw) else f"is not an entry: {_show(raw)}"
                raise JournalDamagedError(f"journal {path}, line {number} {what}: the journal is damaged; {_WAY_OUT}")
            if listed is not None:
                if _crc(listed[1]) != listed[2].decode():
                    raise _mismatch(path, number)
                _in_flight(pending, listed[1])
                continue
            assert match is not None
            line, fingerprint, checksum = int(match[1]), match[2].decode(), match[3].decode()
            if _checksum(line, fingerprint) != checksum:
                raise _mismatch(path, number)
            confirmed[line] = fingerprint
            if pending:
                pending.discard(line)
    return JournalState(confirmed, frozenset(pending - confirmed.keys()))


def _in_flight(pending: set[int], entry: bytes) -> None:
    lines = map(int, entry[2:].split(b","))
    if entry[:1] == b">":
        pending.update(lines)
    else:
        pending.difference_update(lines)


def _mismatch(path: Path, number: int) -> JournalDamagedError:
    return JournalDamagedError(
        f"journal {path}, line {number}: checksum mismatch, the journal is damaged "
        f"(not a change of the input file); {_WAY_OUT}"
    )


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _show(raw: bytes) -> str:
    text = raw[:60].decode("utf-8", "replace").rstrip("\n")
    return repr(text + ("..." if len(raw) > 60 else ""))


class Journal:
    """Appends entries; ``with Journal(path, mode) as journal: journal.record(line, fingerprint)``.

    ``mode``: ``"new"`` creates it (failing if the path exists), ``"restart"`` replaces a journal, ``"resume"``
    appends to one that :func:`load_journal` accepted.
    """

    def __init__(self, path: Path, mode: str = "new", *, fsync_every: int = FSYNC_EVERY) -> None:
        self.path = path
        self._fsync_every = fsync_every
        self._unsynced = 0
        self._synced_at = time.monotonic()
        self._failed: OutputWriteError | None = None
        self._lock = threading.Lock()
        try:
            if mode == "resume":
                _cut_torn_tail(path)
                _upgrade_header(path)
            else:
                temp, handle = open_sibling(path)
                handle.write(HEADER)
                commit_sibling(temp, handle, path, replace=mode == "restart")
            self._handle: IO[str] = path.open("a", encoding="utf-8", newline="")
        except OSError as exc:
            raise OutputWriteError("journal", path, exc) from None

    def record(self, line: int, fingerprint: str) -> None:
        """Record one confirmed row, flushed to the OS before returning (see :meth:`record_all`)."""
        self.record_all(((line, fingerprint),))

    def record_all(self, rows: Collection[tuple[int, str]]) -> None:
        """Record confirmed rows ``(line, fingerprint)`` (the rows one answer confirmed) in one write, flushed to
        the OS before returning: one write and flush per answer, not per row.

        Raises :class:`~._files.OutputWriteError` if it cannot be written, and for every entry after that one.
        """
        if rows:
            self._write("".join([_entry(line, fp) for line, fp in rows]), confirmed=len(rows))

    def record_in_flight(self, lines: Iterable[int]) -> None:
        """Record that the rows at ``lines`` (one request's) are about to be sent: one write and flush, from any
        thread. Raises :class:`~._files.OutputWriteError` as :meth:`record_all` does; after :meth:`close` it writes
        nothing (the run is over: nothing more is sent)."""
        self._record_list(_IN_FLIGHT, lines)

    def record_failed(self, lines: Iterable[int]) -> None:
        """Record that the rows at ``lines`` were answered and failed (no longer in flight; ``--resume`` sends them
        again without reading them back)."""
        self._record_list(_FAILED, lines)

    def _record_list(self, kind: str, lines: Iterable[int]) -> None:
        numbers = [str(line) for line in lines]
        entries = []
        for start in range(0, len(numbers), MAX_LINES_PER_ENTRY):
            text = f"{kind} {','.join(numbers[start : start + MAX_LINES_PER_ENTRY])}"
            entries.append(f"{text} {_crc(text)}\n")
        if entries:
            self._write("".join(entries))

    def _write(self, text: str, *, confirmed: int = 0) -> None:
        """Write and flush ``text`` (entries), from any thread; ``confirmed``: how many confirmed entries it holds
        (they count towards the next fsync). Entries of rows in flight or failed come after :meth:`close` only
        from workers still winding down: nothing more is sent, so they are dropped."""
        with self._lock:  # checked under the lock: no entry follows a torn one, whichever thread wrote it
            if self._failed is not None:
                raise self._failed
            if not confirmed and self._handle.closed:
                return
            try:
                self._handle.write(text)
                self._handle.flush()
                if confirmed:
                    self._unsynced += confirmed
                    if self._unsynced >= self._fsync_every and time.monotonic() - self._synced_at >= FSYNC_INTERVAL_S:
                        self._sync()
            except OSError as exc:
                self._failed = OutputWriteError("journal", self.path, exc)
                raise self._failed from None

    def _sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._unsynced = 0
        self._synced_at = time.monotonic()

    def close(self) -> None:
        """Flush, fsync and close; :class:`~._files.OutputWriteError` if that fails (unless a write failed before)."""
        with self._lock:
            if self._handle.closed:
                return
            try:
                self._sync()
            except OSError as exc:
                if self._failed is None:
                    self._failed = OutputWriteError("journal", self.path, exc)
                    self._close_quietly()
                    raise self._failed from None
            self._close_quietly()

    def _close_quietly(self) -> None:
        with contextlib.suppress(OSError):  # a flush that failed before fails again here: already reported
            self._handle.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if exc_type is None:
            self.close()
        else:  # an error is on its way out: a failing fsync must not replace it
            with contextlib.suppress(OutputWriteError):
                self.close()


def _cut_torn_tail(path: Path) -> None:
    # A torn line from a killed run: cut it off, so our first entry is not glued onto it.
    with path.open("rb+") as handle:
        size = handle.seek(0, os.SEEK_END)
        if size == 0:
            return
        handle.seek(max(size - 4096, 0))
        tail = handle.read()
        if tail.endswith(b"\n"):
            return
        cut = tail.rfind(b"\n")
        if cut >= 0:
            handle.truncate(size - len(tail) + cut + 1)


def _upgrade_header(path: Path) -> None:
    # A v2 journal being resumed gets v3 entries: its header says so first (same length, synced before any entry).
    with path.open("rb+") as handle:
        if handle.read(len(_V2_HEADER_BYTES)) == _V2_HEADER_BYTES:
            handle.seek(0)
            handle.write(_HEADER_BYTES)
            handle.flush()
            os.fsync(handle.fileno())
