"""The user's files are sacred: output paths are checked before anything is sent, and written atomically.

* :func:`check_paths` refuses an output (journal, failure report) that *is* the input file or another output —
  compared after resolving symlinks and relative paths (``os.path.realpath``) and, for files that exist, by
  identity (``os.path.samefile``: hard links too) — and an output that is a directory or an existing file this
  tool did not write (recognised by its first line).
* :func:`open_sibling` / :func:`commit_sibling` write a whole file next to its destination and rename it into
  place, so a reader (or a crash) never sees half a file, and nothing is truncated before the new content is
  complete.
* :class:`OutputWriteError` names the output that could not be written (a full disk, a lost mount), so the error is
  never blamed on the input file.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

__all__ = [
    "OutputPathError",
    "OutputWriteError",
    "check_paths",
    "commit_sibling",
    "discard_sibling",
    "first_line_is",
    "open_sibling",
]


class OutputPathError(Exception):
    """An output path would harm a file (nothing has been sent or written)."""


class OutputWriteError(Exception):
    """An output file (the journal, the failure report) could not be written; the message names it and says why."""

    def __init__(self, what: str, path: Path, error: OSError) -> None:
        super().__init__(f"cannot write the {what} {path} ({error.strerror or error})")
        self.path = path
        self.errno = error.errno


def _same(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): different files
        return False


def first_line_is(path: Path, expected: bytes) -> bool:
    """True when ``path`` is a readable file whose first bytes are ``expected`` (a header this tool writes)."""
    try:
        with path.open("rb") as handle:
            return handle.read(len(expected)) == expected
    except OSError:
        return False


def check_paths(
    input_path: Path,
    outputs: dict[str, Path],
    *,
    replaceable: dict[str, Callable[[Path], bool]],
) -> None:
    """Raise :class:`OutputPathError` unless every output is a distinct, writable place that harms no user file.

    ``outputs`` maps an option name (``--journal``) to its path; an output that exists is accepted only when its
    ``replaceable`` predicate says this tool wrote it.
    """
    named = list(outputs.items())
    for index, (option, path) in enumerate(named):
        if _same(path, input_path):
            raise OutputPathError(f"{option} {path} is the input file itself; choose another {option} path")
        for other_option, other in named[index + 1 :]:
            if _same(path, other):
                raise OutputPathError(f"{option} and {other_option} are the same file ({path}); give two paths")
        if path.is_dir():
            raise OutputPathError(f"{option} {path} is a directory; give a file path")
        parent = path.parent
        if not parent.is_dir():
            raise OutputPathError(f"{option} {path}: the directory {parent} does not exist")
        check = replaceable.get(option)
        if check is not None and (path.exists() or path.is_symlink()) and not check(path):
            raise OutputPathError(
                f"{option} {path} exists and was not written by hubspot-associations; it is left alone: "
                f"choose another {option} path"
            )


def open_sibling(path: Path) -> tuple[Path, IO[str]]:
    """A new, empty text file in ``path``'s directory (so a rename onto ``path`` is atomic), open for writing."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    return Path(name), os.fdopen(fd, "w", encoding="utf-8", newline="")


def commit_sibling(temp: Path, handle: IO[str], path: Path, *, replace: bool) -> None:
    """Flush, fsync and close ``handle`` (open on ``temp``), then move ``temp`` to ``path`` in one step.

    ``replace=False`` never touches an existing ``path`` (``FileExistsError``); the temporary file is removed
    whatever happens.
    """
    try:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        if replace:
            os.replace(temp, path)
        else:
            os.link(temp, path)  # fails rather than clobber a file that appeared since the check
    finally:
        handle.close()
        temp.unlink(missing_ok=True)


def discard_sibling(temp: Path, handle: IO[str]) -> None:
    """Close and remove a temporary file that is not needed."""
    handle.close()
    temp.unlink(missing_ok=True)
