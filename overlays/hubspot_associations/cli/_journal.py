"""The bulk journal: an append-only file with one line per row HubSpot confirmed, so a run can be resumed.

Format (text, one entry per line)::

    # hubspot-associations journal v1
    <input line number> <row fingerprint>

**Guarantee: no row recorded in the journal is sent again by ``--resume``.** Each entry is written and flushed to
the operating system the moment its outcome arrives, so it survives Ctrl-C, a crash or ``kill -9`` of this
process; entries are also ``fsync``-ed every :data:`FSYNC_EVERY` entries (and on close), so a power loss or OS
crash loses at most that many. What the journal cannot know about is a row HubSpot confirmed whose answer had not
reached us when the process died (at most ``--concurrency`` rows): those are sent again on resume. An association
PUT is idempotent, so re-sending one creates nothing twice.

A torn last line (the process died mid-write) is ignored: that row counts as not confirmed and is sent again.
Only confirmed rows are journaled; failed rows are retried by ``--resume``. The fingerprint ties an entry to the
row's content, so resuming with an edited input file is refused rather than skipping the wrong rows.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

__all__ = ["FSYNC_EVERY", "HEADER", "Journal", "JournalMismatchError", "load_journal"]

HEADER = "# hubspot-associations journal v1\n"
FSYNC_EVERY = 64


class JournalMismatchError(Exception):
    """The journal does not belong to this input file (or the file changed since)."""


def load_journal(path: Path) -> dict[int, str]:
    """Read the confirmed rows of a journal: ``{input line: row fingerprint}``; a torn last line is skipped."""
    confirmed: dict[int, str] = {}
    with path.open("r", encoding="utf-8", newline="") as handle:
        first = handle.readline()
        if first and first != HEADER:
            raise JournalMismatchError(f"{path} is not a hubspot-associations journal")
        for text in handle:
            if not text.endswith("\n"):
                break  # torn write at the moment of a kill: not confirmed
            line, _, fingerprint = text.strip().partition(" ")
            if line.isdigit() and fingerprint:
                confirmed[int(line)] = fingerprint
    return confirmed


class Journal:
    """Appends confirmed rows; ``with Journal(path) as journal: journal.record(line, fingerprint)``."""

    def __init__(self, path: Path, *, fsync_every: int = FSYNC_EVERY) -> None:
        self.path = path
        self._fsync_every = fsync_every
        self._unsynced = 0
        new = not path.exists() or path.stat().st_size == 0
        self._handle: IO[str] = path.open("a", encoding="utf-8", newline="")
        if new:
            self._handle.write(HEADER)
            self._sync()
        elif not _ends_with_newline(path):
            # A torn line from a killed run: end it so our first entry is not glued onto it (it stays invalid).
            self._handle.write("\n")
            self._handle.flush()

    def record(self, line: int, fingerprint: str) -> None:
        """Record one confirmed row, flushed to the OS before returning."""
        self._handle.write(f"{line} {fingerprint}\n")
        self._handle.flush()
        self._unsynced += 1
        if self._unsynced >= self._fsync_every:
            self._sync()

    def _sync(self) -> None:
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._unsynced = 0

    def close(self) -> None:
        """Flush, fsync and close."""
        if not self._handle.closed:
            self._sync()
            self._handle.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _ends_with_newline(path: Path) -> bool:
    with path.open("rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"
