"""Ctrl-C (SIGINT) or SIGTERM during a bulk run whose requests hang: a prompt, clean exit and a resumable journal."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from hubspot_associations.cli._journal import HEADER as JOURNAL_HEADER
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.cli.cli_support import Cli, confirmed_entries, write

ROWS = 60
ANSWERED = 20  # requests the proxy forwards before it starts to hang


class _HangingProxy:
    """Forwards the first ``answered`` requests (PUTs, batch POSTs) to an emulator, then accepts every request and
    never answers."""

    def __init__(self, upstream: str, answered: int) -> None:
        self.release = threading.Event()
        self.hanging = 0
        count = {"n": 0}
        lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_PUT(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    count["n"] += 1
                    forward = count["n"] <= answered
                    if not forward:
                        proxy.hanging += 1
                if not forward:
                    proxy.release.wait(60)
                    return
                headers = {"Authorization": self.headers["Authorization"], "Content-Type": "application/json"}
                answer = httpx.request(self.command, upstream + self.path, content=body, headers=headers)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            do_POST = do_PUT

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> _HangingProxy:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=5)) as running:
        yield running


def _start_in_the_foreground(command: list[str]) -> subprocess.Popen[str]:
    """Start the CLI as a shell starts a command in the foreground: SIGINT at its default, whatever pytest inherited.
    A shell starts a background job (``make check &``, a CI step run that way) with SIGINT ignored; an ignored signal
    stays ignored across exec, and Python then installs no KeyboardInterrupt, so the Ctrl-C sent below would be
    lost. A handled signal is reset to its default in the child: the test's SIGINT is the user's Ctrl-C again."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=os.environ.copy()
        )
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def _journaled(journal: Path) -> set[int]:
    assert journal.read_text().startswith(JOURNAL_HEADER)
    return {int(line.split()[0]) for line in confirmed_entries(journal)}


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
@pytest.mark.parametrize(("signum", "batch"), [(signal.SIGINT, 1), (signal.SIGTERM, 1), (signal.SIGINT, 2)])
def test_a_signal_stops_a_hanging_run_promptly_and_resume_finishes_it(
    emulator: RunningEmulator, tmp_path: Path, signum: int, batch: int
) -> None:
    # batch 1: a request per row; batch 2: 30 batches of two rows, the first ten answered, then four hang.
    answered = ANSWERED // batch
    contacts = emulator.state.object_ids("0-1")[:ROWS]
    companies = emulator.state.object_ids("0-2")[:ROWS]
    lines = "".join(f"contacts,{c},companies,{k}\n" for c, k in zip(contacts, companies, strict=True))
    path = write(tmp_path / "rows.csv", "from_type,from_id,to_type,to_id\n" + lines)
    journal = tmp_path / "rows.csv.journal"
    with _HangingProxy(emulator.base_url, answered) as proxy:
        command = [sys.executable, "-m", "hubspot_associations.cli", "bulk", str(path), "--no-progress", "--json"]
        command += [
            "--base-url",
            proxy.base_url,
            "--token",
            emulator.token,
            "--concurrency",
            "4",
            "--batch-size",
            str(batch),
        ]
        process = _start_in_the_foreground(command)
        try:
            deadline = time.monotonic() + 20
            while proxy.hanging < 4:  # every worker has a request hanging on the wire
                assert process.poll() is None, process.communicate()
                assert time.monotonic() < deadline, "the run never reached the hanging requests"
                time.sleep(0.02)
            process.send_signal(signum)
            stdout, stderr = process.communicate(timeout=5)  # the hang guard: a run that ignores the signal fails here
        finally:
            process.kill()
            process.wait()
    assert process.returncode == 130, stderr
    assert "Traceback" not in stderr and "Interrupted" in stderr
    summary = json.loads(stdout)
    assert summary["interrupted"] is True and summary["confirmed"] == ANSWERED
    assert summary["unfinished"] == 4 * batch and summary["not_attempted"] == ROWS - ANSWERED - 4 * batch
    assert summary["confirmed"] + summary["unfinished"] + summary["not_attempted"] == ROWS
    confirmed = _journaled(journal)
    assert len(confirmed) == ANSWERED

    before = len(emulator.state.request_log)
    resumed = Cli(emulator)("bulk", str(path), "--resume", "--json", "--batch-size", "1")
    assert resumed.exit_code == 0, resumed.output
    again = json.loads(resumed.stdout)
    assert again["skipped_already_confirmed"] == ANSWERED
    # The hanging requests never reached HubSpot: read back (one batch read), not found, sent again.
    assert (again["in_flight_found"], again["in_flight_resent"]) == (0, 4 * batch)
    # Nothing lost: every row exists once; nothing sent twice: no journaled row was sent by the resume.
    stored = Counter((a.from_id, a.to_id) for a in emulator.state.all_associations())
    assert stored == Counter({(c, k): 1 for c, k in zip(contacts, companies, strict=True)})
    read = "/crm/v4/associations/contacts/companies/batch/read"
    assert [p for _, p, _ in emulator.state.request_log[before:]].count(read) == 1
    resumed_paths = {p for _, p, _ in emulator.state.request_log[before:]} - {read}
    journaled_paths = {
        f"/crm/v4/objects/contacts/{contacts[line - 2]}/associations/default/companies/{companies[line - 2]}"
        for line in confirmed
    }
    assert not resumed_paths & journaled_paths
    assert len(resumed_paths) == ROWS - ANSWERED


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_ctrl_c_during_a_hanging_associate_exits_130_without_a_traceback(emulator: RunningEmulator) -> None:
    with _HangingProxy(emulator.base_url, 0) as proxy:
        command = [sys.executable, "-m", "hubspot_associations.cli", "associate", "contacts", "1000001"]
        command += ["companies", "2000001", "--base-url", proxy.base_url, "--token", emulator.token]
        process = _start_in_the_foreground(command)
        try:
            deadline = time.monotonic() + 20
            while proxy.hanging < 1:
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.02)
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=5)
        finally:
            process.kill()
            process.wait()
    assert process.returncode == 130 and "Traceback" not in stderr and "interrupted" in stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_signal_ignored_when_the_run_starts_stays_ignored() -> None:
    # A run started with SIGINT ignored (`nohup`, a shell's background job): Ctrl-C in the terminal is not for it,
    # as Python's own KeyboardInterrupt leaves it; SIGTERM still stops it.
    from rich.console import Console

    from hubspot_associations.cli._progress import stop_on_signals

    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        stop = threading.Event()
        with stop_on_signals(stop, Console(file=io.StringIO())) as interrupted:
            assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
            os.kill(os.getpid(), signal.SIGINT)  # a handler would run before the next line (main thread)
            assert not interrupted.is_set() and not stop.is_set()
            os.kill(os.getpid(), signal.SIGTERM)
            assert interrupted.wait(5) and stop.is_set()
        assert signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, previous)
