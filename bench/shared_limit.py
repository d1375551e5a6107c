"""Four processes, one limit: ``bulk --shard K/4`` (sync client, via the CLI) x2 and the async client x2, each a
shard of one CSV, against one emulator with a scaled-down limit -- with ``--shared-limit`` (one Redis budget) and
without it (four in-process pacers that only know their own requests).

Measured from the emulator (polled every 20 ms): the first and last accepted PUT, so throughput is
``(rows - limit) / elapsed`` against ``limit / window`` as in :mod:`bench.bulk` (a rolling window allows one burst
of ``limit`` first); the 429s it served; and whether every row was stored exactly once (200 answers == distinct
pairs == rows) and confirmed by exactly one shard (the CLI shards' journals, the async shards' reports).

``python -m bench.shared_limit [--quick]`` needs ``redis-server`` on PATH (Debian: ``apt-get install redis-server``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx

from hubspot_associations.cli._journal import load_journal
from hubspot_associations.cli._sharding import Shard

from ._common import ROOT, TOKEN, table
from ._servers import emulator_process

SHARDS = 4
_THROUGHPUT_TARGET = 0.95


def write_csv(path: Path, rows: int) -> Path:
    lines = ["from_type,from_id,to_type,to_id\n"]
    lines += [f"contacts,{1000001 + i},companies,{2000001 + i}\n" for i in range(rows)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _shard_cmd(csv: Path, shard: Shard, base_url: str, redis_url: str | None) -> list[str]:
    if shard.index <= SHARDS // 2:  # the CLI, on the sync client
        cmd = [
            sys.executable,
            "-m",
            "hubspot_associations.cli",
            "bulk",
            str(csv),
            "--shard",
            f"{shard.index}/{shard.count}",
        ]
        cmd += ["--json", "--no-progress", "--base-url", base_url, "--token", TOKEN, "--concurrency", "8"]
        # One request per row, as the async shards (bench._async_shard): the budget shared is one of requests.
        cmd += ["--batch-size", "1"]
        return cmd + (["--shared-limit", redis_url] if redis_url else [])
    return [sys.executable, "-m", "bench._async_shard", str(csv), str(shard.index), str(shard.count), base_url, TOKEN]


class _Watch:
    """Polls the emulator's stats: when the first and the last 200 were counted."""

    def __init__(self, base_url: str, rows: int) -> None:
        self._client = httpx.Client(base_url=base_url)
        self._rows = rows
        self.first: float | None = None
        self.last: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            done = int(self._client.get("/_emulator/stats").json()["counts_by_status"].get("200", 0))
            now = time.perf_counter()
            if done and self.first is None:
                self.first = now
            if done >= self._rows:
                self.last = now
                return
            time.sleep(0.02)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self._client.close()


@dataclass
class RunResult:
    """What one run measured (see the module docstring)."""

    shared: bool
    rows: int
    elapsed: float
    fraction: float
    served_429: int
    stored_200: int
    unique_pairs: int
    confirmed_once: int
    confirmed_twice: int
    not_confirmed: int
    failed: int
    exit_codes: list[int]
    fallbacks: list[str]

    @property
    def exact(self) -> bool:
        """Zero rows lost or sent twice: each row stored once and confirmed by exactly one shard."""
        rows = self.rows
        once = self.confirmed_once == rows and self.confirmed_twice == 0
        return self.stored_200 == rows and self.unique_pairs == rows and once


def run_once(base_url: str, csv: Path, rows: int, limit: int, window: float, redis_url: str | None) -> RunResult:
    """One run of the four shards; returns what was measured (see the module docstring)."""
    with httpx.Client(base_url=base_url) as inspect:
        inspect.post("/_emulator/reset").raise_for_status()
    for stale in csv.parent.glob(f"{csv.name}.shard-*"):
        stale.unlink()
    for stale in csv.parent.glob(f"{csv.stem}.shard-*"):
        stale.unlink()
    time.sleep(window)  # nothing of an earlier run left in the emulator's window
    watch = _Watch(base_url, rows)
    procs = []
    for index in range(1, SHARDS + 1):
        cmd = _shard_cmd(csv, Shard(index, SHARDS), base_url, redis_url)
        if index > SHARDS // 2:
            cmd.append(redis_url or "-")
        env = {**os.environ, "HUBSPOT_ASSOCIATIONS_LOG": "warning"}  # warnings only: 429s and Redis fallbacks
        procs.append(
            subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        )
    confirmed: Counter[int] = Counter()
    failed: dict[int, str] = {}
    exit_codes = []
    fallbacks: list[str] = []
    for index, proc in enumerate(procs, start=1):
        out, err = proc.communicate(timeout=600)
        exit_codes.append(proc.returncode)
        fallbacks += [f"shard {index}: {line[24:]}" for line in err.splitlines() if "shared rate limit" in line]
        shard = Shard(index, SHARDS)
        if index <= SHARDS // 2:
            journal = shard.journal_path(csv)
            confirmed.update(list(load_journal(journal)) if journal.exists() else [])
            if proc.returncode not in (0, 1):
                raise RuntimeError(f"shard {index} failed: {err[-2000:]}")
        else:
            if proc.returncode != 0:
                raise RuntimeError(f"shard {index} failed: {err[-2000:]}")
            result = json.loads(out)
            confirmed.update(result["confirmed"])
            failed.update({int(line): kind for line, kind in result["failed"].items()})
    watch.stop()
    with httpx.Client(base_url=base_url) as inspect:
        stats = inspect.get("/_emulator/stats").json()
    elapsed = (watch.last or time.perf_counter()) - (watch.first or 0.0)
    sustained = (rows - limit) / elapsed if elapsed > 0 else 0.0
    all_lines = set(range(2, rows + 2))
    return RunResult(
        shared=redis_url is not None,
        rows=rows,
        elapsed=elapsed,
        fraction=sustained / (limit / window),
        served_429=int(stats["counts_by_status"].get("429", 0)),
        stored_200=int(stats["counts_by_status"].get("200", 0)),
        unique_pairs=int(stats["unique_pairs"]),
        confirmed_once=sum(1 for line in all_lines if confirmed[line] == 1),
        confirmed_twice=sum(1 for count in confirmed.values() if count > 1),
        not_confirmed=len(all_lines - set(confirmed)),
        failed=len(failed),
        exit_codes=exit_codes,
        fallbacks=fallbacks,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="240 rows at 40 per 1 s instead of 1000 at 50 per 1 s")
    args = parser.parse_args(argv)
    # Four shards of 8 rows in flight: 32 requests go before the first answer names the limit, so the limit must be
    # above 32 for a cold start without 429s (as with one process whose concurrency exceeds the limit).
    limit, window, rows = (40, 1.0, 240) if args.quick else (50, 1.0, 1000)
    from tests.shared_limit.redis_support import RedisServer

    results = []
    with tempfile.TemporaryDirectory() as tmp, emulator_process(limit, window) as base_url:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            csv = write_csv(Path(tmp) / "rows.csv", rows)
            results.append(run_once(base_url, csv, rows, limit, window, server.url))
            results.append(run_once(base_url, csv, rows, limit, window, None))
        finally:
            server.stop()
    print(f"## Shared limit: {SHARDS} processes (2 CLI sync, 2 async), emulator limit {limit} / {window:g} s\n")
    header = [
        "pacer",
        "rows",
        "seconds",
        "of limit",
        "429 served",
        "stored / distinct",
        "confirmed once",
        "twice",
        "not confirmed (of which reported failed)",
        "exit codes",
    ]
    body = [
        [
            "shared (Redis)" if r.shared else "per process (baseline)",
            f"{r.rows:,}",
            f"{r.elapsed:.1f}",
            f"{r.fraction:.1%}",
            str(r.served_429),
            f"{r.stored_200} / {r.unique_pairs}",
            str(r.confirmed_once),
            str(r.confirmed_twice),
            f"{r.not_confirmed} ({r.failed})",
            " ".join(map(str, r.exit_codes)),
        ]
        for r in results
    ]
    shared, baseline = results
    print(table(header, body))
    for line in shared.fallbacks:
        print(f"- {line}")
    ok = shared.fraction >= _THROUGHPUT_TARGET and shared.served_429 == 0 and shared.exact
    print(
        f"\nshared: {'met' if ok else 'MISSED'} (≥ {_THROUGHPUT_TARGET:.0%} of the limit, no 429 served, rows once); "
        f"baseline served {baseline.served_429} 429s"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
