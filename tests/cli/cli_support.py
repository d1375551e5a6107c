"""Helpers for CLI tests: run the Typer app in process against one emulator; write input files."""

from __future__ import annotations

import errno
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import attrs
from typer.testing import CliRunner, Result

from hubspot_associations.cli import app
from hubspot_associations.cli._input import ParsedRow, RowProblem
from hubspot_associations.cli._report import FORMULA_TRIGGERS, REPORT_COLUMNS
from hubspot_associations.emulator import RunningEmulator


class Cli:
    """Runs the Typer app in process, against one emulator."""

    def __init__(self, emulator: RunningEmulator) -> None:
        self.emulator = emulator
        self.runner = CliRunner()

    def __call__(self, *args: str, auth: bool = True) -> Result:
        extra = ["--base-url", self.emulator.base_url, "--token", self.emulator.token] if auth else []
        return self.runner.invoke(app, [*args, *extra], catch_exceptions=False)


def confirmed_entries(journal: Path) -> list[str]:
    """A bulk journal's confirmed entries (``<line> <fingerprint> <crc>``, with their newline; a torn last one too):
    its lines but the header and the in-flight (``>``) and failed (``-``) entries."""
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)[1:]
    return [line for line in lines if not line.startswith((">", "-"))]


def run_against(base_url: str, *args: str) -> Result:
    """Run the Typer app against a stand-in for HubSpot at ``base_url`` (any token)."""
    command = [*args, "--base-url", base_url, "--token", "pat-na1-test"]
    return CliRunner().invoke(app, command, catch_exceptions=False)


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


class FullDisk:
    """A text file object whose disk fills after ``room`` more characters: the write that does not fit writes what
    fits (a torn line, as a real full disk leaves) and raises ``OSError(ENOSPC)``, as does every write after it."""

    def __init__(self, handle: IO[str], room: int) -> None:
        self._handle = handle
        self.room = room

    def write(self, text: str) -> int:
        if len(text) > self.room:
            self._handle.write(text[: self.room])
            self.room = 0
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.room -= len(text)
        return self._handle.write(text)

    def __getattr__(self, name: str) -> Any:  # flush, fileno, close, closed: the real file's
        return getattr(self._handle, name)


Answer = tuple[float, int, dict[str, str], bytes]
"""What :class:`AnsweringServer` does for one PUT: seconds to wait, status, headers, body."""


class AnsweringServer:
    """A stand-in for HubSpot on 127.0.0.1 that answers every PUT with ``answer(path)``."""

    def __init__(self, answer: Callable[[str], Answer]) -> None:
        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_PUT(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                delay, status, headers, body = answer(self.path)
                time.sleep(delay)
                self.send_response(status)
                for name, value in {"Content-Type": "application/json", **headers}.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> AnsweringServer:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def as_read(item: ParsedRow | RowProblem) -> tuple[object, ...]:
    """What a row holds, apart from its line number: a refused row its input fields and the values beyond the
    header as read, a valid row what it asks for."""
    if isinstance(item, ParsedRow):
        return ("ParsedRow", attrs.evolve(item.row, line=None))
    return ("RowProblem", tuple(item.fields.get(name, "") for name in REPORT_COLUMNS[:6]), item.extra)


def assert_inert(rows: list[list[str]]) -> None:
    """No cell is one a spreadsheet would evaluate (its first character, or first after whitespace, a trigger)."""
    for row in rows:
        for cell in row:
            assert cell[:1] not in FORMULA_TRIGGERS and cell.lstrip()[:1] not in FORMULA_TRIGGERS, cell
