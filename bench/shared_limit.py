"""Four processes, one limit: ``bulk --shard K/4`` (sync client, via the CLI) x2 and the async client x2, each a
shard of one CSV, against one emulator with a scaled-down limit -- with ``--shared-limit`` (one Redis budget) and
without it (four in-process pacers that only know their own requests).

The shards send batches of ``--batch-size`` rows (default 100, the CLI's default: ``bulk --batch-size``,
``associate_many(batch_size=)``); ``--batch-size 1`` is one request per row. A batch is one request for HubSpot's
limit, the pacer and Redis, so the share of the limit is one of *requests*: the default file holds ten windows'
worth of batches (``limit x batch size x 10`` rows), so the run spans ten windows at the batch rate.

Measured from the emulator (polled every 20 ms; its stats cost O(1)): when the limit admitted (every answer but a
429) the first request, the ``limit``-th, and the last, and the 429s it served. The share of the limit is requests
per window against the limit after the first window: ``(requests - limit) / (last - limit-th)`` against ``limit /
window``. A rolling window allows ``limit`` requests at once first, and each later request goes a window after the
one ``limit`` before it, so however long the first ``limit`` took to go out (four Python processes starting and
reading the file on a busy machine, each sending its first request alone) is paid once and replayed, never
recovered: it is reported apart (``first window``), with the share counted from the first request (which charges
it to the share, as :mod:`bench.bulk` does for one process whose first burst goes at once). Exactness: every row
stored once (pairs applied, repeats included, == distinct pairs == rows) and confirmed by exactly one shard (the CLI
shards' journals, the async shards' reports).

``python -m bench.shared_limit [--quick] [--batch-size N] [--rows N]`` needs ``redis-server`` on PATH (Debian:
``apt-get install redis-server``).
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
    """``rows`` distinct pairs of the emulator's 5,000 seeded contacts and companies (all valid)."""
    lines = ["from_type,from_id,to_type,to_id\n"]
    lines += [f"contacts,{1000001 + i % 5000},companies,{2000001 + (i // 5000 + i) % 5000}\n" for i in range(rows)]
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _shard_cmd(csv: Path, shard: Shard, base_url: str, redis_url: str | None, batch_size: int) -> list[str]:
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
        cmd += ["--batch-size", str(batch_size)]
        return cmd + (["--shared-limit", redis_url] if redis_url else [])
    cmd = [sys.executable, "-m", "bench._async_shard", str(csv), str(shard.index), str(shard.count), base_url, TOKEN]
    return [*cmd, redis_url or "-", str(batch_size)]


def _admitted(stats: dict[str, object]) -> int:
    """The requests the emulator's limit admitted: every answer but a 429 (a batch is one)."""
    counts: dict[str, int] = stats["counts_by_status"]  # type: ignore[assignment]
    return sum(int(n) for status, n in counts.items() if status != "429")


class _Watch:
    """Polls the emulator's stats: when the first and the ``limit``-th request were admitted, and when the last row
    was stored (and how many requests had been admitted by then)."""

    def __init__(self, base_url: str, rows: int, limit: int) -> None:
        self._client = httpx.Client(base_url=base_url)
        self._rows = rows
        self._limit = limit
        self.first: float | None = None
        self.limit_th: float | None = None
        self.last: float | None = None
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        while not self._stop.is_set():
            stats = self._client.get("/_emulator/stats").json()
            now = time.perf_counter()
            admitted = _admitted(stats)
            if admitted and self.first is None:
                self.first = now
            if admitted >= self._limit and self.limit_th is None:
                self.limit_th = now
            if int(stats["applied_pairs"]) >= self._rows:
                self.last, self.requests = now, _admitted(stats)
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
    batch_size: int
    requests: int
    elapsed: float
    first_window: float
    fraction: float
    fraction_from_start: float
    served_429: int
    applied_pairs: int
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
        return self.applied_pairs == rows and self.unique_pairs == rows and once


def run_once(
    base_url: str, csv: Path, rows: int, limit: int, window: float, redis_url: str | None, batch_size: int
) -> RunResult:
    """One run of the four shards; returns what was measured (see the module docstring)."""
    with httpx.Client(base_url=base_url) as inspect:
        inspect.post("/_emulator/reset").raise_for_status()
    for stale in csv.parent.glob(f"{csv.name}.shard-*"):
        stale.unlink()
    for stale in csv.parent.glob(f"{csv.stem}.shard-*"):
        stale.unlink()
    time.sleep(window)  # nothing of an earlier run left in the emulator's window
    watch = _Watch(base_url, rows, limit)
    procs = []
    for index in range(1, SHARDS + 1):
        cmd = _shard_cmd(csv, Shard(index, SHARDS), base_url, redis_url, batch_size)
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
    last = watch.last or time.perf_counter()
    first = watch.first or last
    limit_th = watch.limit_th or first
    requests = watch.requests or _admitted(stats)
    rate = limit / window
    all_lines = set(range(2, rows + 2))
    return RunResult(
        shared=redis_url is not None,
        rows=rows,
        batch_size=batch_size,
        requests=requests,
        elapsed=last - first,
        first_window=limit_th - first,
        fraction=(requests - limit) / (last - limit_th) / rate if last > limit_th else 0.0,
        fraction_from_start=(requests - limit) / (last - first) / rate if last > first else 0.0,
        served_429=int(stats["counts_by_status"].get("429", 0)),
        applied_pairs=int(stats["applied_pairs"]),
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
    parser.add_argument("--quick", action="store_true", help="a limit of 40 per 1 s and four windows' worth of rows")
    parser.add_argument("--batch-size", type=int, default=100, help="rows per request (1: one request per row)")
    parser.add_argument("--rows", type=int, help="rows in the file (default: ten windows' worth at the batch size)")
    parser.add_argument("--no-baseline", action="store_true", help="only the shared run (not four own pacers)")
    args = parser.parse_args(argv)
    # Four shards of 8 requests in flight: 32 requests may go before the first answers name the limit, so the limit
    # must be above 32 for a cold start without 429s (as with one process whose concurrency exceeds the limit).
    limit, window, windows = (40, 1.0, 4) if args.quick else (50, 1.0, 10)
    # Batched: `windows` windows' worth of full batches. One request per row: 240 / 1,000 rows, as before batches.
    rows = args.rows or (limit * windows * args.batch_size if args.batch_size > 1 else 240 if args.quick else 1000)
    from tests.shared_limit.redis_support import RedisServer

    results = []
    with tempfile.TemporaryDirectory() as tmp, emulator_process(limit, window) as base_url:
        server = RedisServer(Path(tmp))
        server.start()
        try:
            csv = write_csv(Path(tmp) / "rows.csv", rows)
            results.append(run_once(base_url, csv, rows, limit, window, server.url, args.batch_size))
            if not args.no_baseline:
                results.append(run_once(base_url, csv, rows, limit, window, None, args.batch_size))
        finally:
            server.stop()
    print(
        f"## Shared limit: {SHARDS} processes (2 CLI sync, 2 async), batches of {args.batch_size}, emulator limit "
        f"{limit} / {window:g} s\n"
    )
    header = [
        "pacer",
        "rows",
        "requests",
        "seconds (first window)",
        "of the limit after the first window",
        "from the first request",
        "429 served",
        "pairs applied / distinct",
        "confirmed once",
        "twice",
        "not confirmed (of which reported failed)",
        "exit codes",
    ]
    body = [
        [
            "shared (Redis)" if r.shared else "per process (baseline)",
            f"{r.rows:,}",
            f"{r.requests:,}",
            f"{r.elapsed:.1f} ({r.first_window:.2f})",
            f"{r.fraction:.1%}",
            f"{r.fraction_from_start:.1%}",
            str(r.served_429),
            f"{r.applied_pairs:,} / {r.unique_pairs:,}",
            str(r.confirmed_once),
            str(r.confirmed_twice),
            f"{r.not_confirmed} ({r.failed})",
            " ".join(map(str, r.exit_codes)),
        ]
        for r in results
    ]
    shared = results[0]
    print(table(header, body))
    for line in shared.fallbacks:
        print(f"- {line}")
    ok = shared.fraction >= _THROUGHPUT_TARGET and shared.served_429 == 0 and shared.exact
    baseline = f"; baseline served {results[1].served_429} 429s" if len(results) > 1 else ""
    print(
        f"\nshared: {'met' if ok else 'MISSED'} (≥ {_THROUGHPUT_TARGET:.0%} of the limit, no 429 served, rows once)"
        + baseline
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
