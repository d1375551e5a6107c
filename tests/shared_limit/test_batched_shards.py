"""Batched ``bulk`` shards on one ``--shared-limit``: a batch is one request in the shared Redis budget."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from bench._servers import emulator_process
from bench.shared_limit import run_once, write_csv
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread
from tests.shared_limit.redis_support import RedisServer


def test_two_batched_shards_on_one_shared_limit_get_no_429_and_confirm_every_row_once(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    rows, limit = 3000, 8  # 30 batches of 100 against 8 requests a second shared by two processes
    with run_emulator_in_thread(EmulatorConfig(rate_limit=limit, rate_window_s=1.0, seed=4)) as emulator:
        contacts, companies = emulator.state.object_ids("0-1"), emulator.state.object_ids("0-2")
        text = "".join(f"contacts,{contacts[n]},companies,{companies[(n * 7) % 5000]}\n" for n in range(rows))
        path = tmp_path / "rows.csv"
        path.write_text("from_type,from_id,to_type,to_id\n" + text, encoding="utf-8")
        command = [sys.executable, "-m", "hubspot_associations.cli", "bulk", str(path), "--json", "--no-progress"]
        command += ["--base-url", emulator.base_url, "--token", emulator.token, "--shared-limit", redis_server.url]
        command += ["--rate-limit", f"{limit}/1"]  # the budget known from the first request (not learnt from answers)
        shards = [
            subprocess.Popen([*command, "--shard", f"{k}/2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for k in (1, 2)
        ]
        results = [shard.communicate(timeout=120) for shard in shards]
        counts = emulator.state.counts_by_status
        stored = emulator.state.all_associations()
    assert [shard.returncode for shard in shards] == [0, 0], results
    summaries = [json.loads(out) for out, _ in results]
    assert sum(summary["confirmed"] for summary in summaries) == rows
    assert counts.get(429, 0) == 0 and sum(summary["requests"] for summary in summaries) == sum(counts.values())
    assert sum(counts.values()) <= 32  # 15 batches a shard (plus a short last one each at most)
    assert len({(a.from_id, a.to_id) for a in stored}) == rows


def test_four_batched_shards_sync_and_async_store_and_confirm_every_row_once(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    # bench/shared_limit.py's run at a small scale: 2 CLI shards and 2 associate_many shards, batches of 100, 100
    # requests against 50 a second; the emulator counts every pair it applied, repeats included.
    limit, window, rows = 50, 1.0, 10_000
    path = write_csv(tmp_path / "rows.csv", rows)
    with emulator_process(limit, window) as base_url:
        shared = run_once(base_url, path, rows, limit, window, redis_server.url, 100)
    assert shared.exit_codes == [0, 0, 0, 0] and shared.served_429 == 0, shared.fallbacks
    assert shared.applied_pairs == shared.unique_pairs == rows and shared.exact
    assert shared.requests == rows // 100  # a batch is one request: full batches, none split or resent
