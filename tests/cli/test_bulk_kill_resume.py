"""A bulk run killed with SIGKILL mid-way, then resumed: every row exists once, no journaled row is sent again."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.cli.cli_support import Cli, confirmed_entries, write

ROWS = 400


def _journaled(journal: Path) -> dict[int, str]:
    if not journal.exists():
        return {}
    entries = {}
    for text in confirmed_entries(journal):
        if text.endswith("\n"):
            line, fingerprint, _checksum = text.split()
            entries[int(line)] = fingerprint
    return entries


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_then_resume_sends_no_confirmed_row_again(tmp_path: Path) -> None:
    # 100 requests/s with 5 % injected 503s: ~4 s for the whole file, so the kill lands mid-run.
    config = EmulatorConfig(rate_limit=100, rate_window_s=1.0, fault_rate=0.05, faults=("503",), seed=11)
    with run_emulator_in_thread(config) as emulator:
        contacts = emulator.state.object_ids("0-1")[:ROWS]
        companies = emulator.state.object_ids("0-2")[:ROWS]
        lines = "".join(f"contacts,{c},companies,{k}\n" for c, k in zip(contacts, companies, strict=True))
        path = write(tmp_path / "rows.csv", "from_type,from_id,to_type,to_id\n" + lines)
        journal = tmp_path / "rows.csv.journal"
        paths = {
            line: f"/crm/v4/objects/contacts/{c}/associations/default/companies/{k}"
            for line, (c, k) in enumerate(zip(contacts, companies, strict=True), start=2)
        }

        command = [sys.executable, "-m", "hubspot_associations.cli", "bulk", str(path), "--no-progress"]
        command += [
            "--base-url",
            emulator.base_url,
            "--token",
            emulator.token,
            "--concurrency",
            "8",
            "--batch-size",
            "1",
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=os.environ.copy())
        try:
            deadline = time.monotonic() + 15
            while len(_journaled(journal)) < 100:
                assert process.poll() is None, process.stderr.read() if process.stderr else ""
                assert time.monotonic() < deadline, "the bulk run made no progress"
                time.sleep(0.02)
            process.send_signal(signal.SIGKILL)
        finally:
            process.kill()
            process.wait(timeout=10)
        assert process.returncode == -signal.SIGKILL
        settled = -1  # let the requests the dead process left in flight reach the server (a loaded machine: longer)
        while settled != len(emulator.state.request_log):
            settled = len(emulator.state.request_log)
            time.sleep(0.3)
        before_resume = len(emulator.state.request_log)
        confirmed_before = _journaled(journal)
        assert 100 <= len(confirmed_before) < ROWS

        result = Cli(emulator)("bulk", str(path), "--resume", "--json", "--batch-size", "1")
        assert result.exit_code == 0, result.output
        log = emulator.state.request_log

    # Every row exists, exactly once, in the emulator.
    stored = Counter((a.from_id, a.to_id) for a in emulator.state.all_associations())
    assert stored == Counter({(c, k): 1 for c, k in zip(contacts, companies, strict=True)})
    # No row the journal had confirmed was sent by the resumed run ...
    resumed_paths = Counter(p for _, p, _ in log[before_resume:])
    assert not [line for line in confirmed_before if resumed_paths[paths[line]]]
    # ... and each of them was accepted exactly once overall (5xx answers are not acceptances).
    accepted = Counter(p for _, p, status in log if 200 <= status < 300)
    assert all(accepted[paths[line]] == 1 for line in confirmed_before)
    # Rows not journaled before the kill were sent by the resume, except those in flight that HubSpot had accepted:
    # read back, not sent again (at most one batch, here one row, is accepted twice for the kill).
    assert all(accepted[p] >= 1 for p in paths.values())
    assert sum(1 for p in paths.values() if accepted[p] > 1) <= 1
    summary = json.loads(result.stdout)
    assert summary["in_flight_found"] + summary["in_flight_resent"] >= 1
    assert len(_journaled(journal)) == ROWS
