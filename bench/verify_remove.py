"""The issue's done-when story at full size, against a loopback emulator (no rate limit), through the CLI:

1. ``bulk`` of 20,000 rows (500 contacts x 40 companies);
2. 37 of those associations removed out of band (``POST /_emulator/associations/remove``);
3. ``verify`` on the run's input: exit 1, the report lists exactly those 37;
4. ``remove`` of 500 other rows: exactly those 500 absent afterwards, every other association intact;
5. ``verify`` again on the bulk input: exactly 37 + 500 missing.

Prints what each step took and checks; ``verify`` is reported as a ratio to the ``bulk`` run measured in the same
run (the baseline): reading back costs one request per 1,000 rows, creating one per row or per batch. Exit status
1 if any check fails. ``python -m bench.verify_remove [--rows N]`` (the test suite runs the same story at 2,000 rows:
tests/cli/test_verify_remove.py).
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

import httpx
from typer.testing import CliRunner

from hubspot_associations.cli import app
from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread

OUT_OF_BAND = 37
REMOVED = 500


def _file(path: Path, pairs: list[tuple[int, int]]) -> Path:
    path.write_text("from_type,from_id,to_type,to_id\n" + "".join(f"contacts,{a},companies,{b}\n" for a, b in pairs))
    return path


def _reported(path: Path) -> set[tuple[int, int]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return {(int(row["from_id"]), int(row["to_id"])) for row in csv.DictReader(handle)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args(argv)
    contacts = max(1, args.rows // 40)
    pairs = [(1000001 + n % contacts, 2000001 + n // contacts) for n in range(args.rows)]
    rng = random.Random(30)
    gone = rng.sample(pairs, OUT_OF_BAND)
    chosen = rng.sample(sorted(set(pairs) - set(gone)), REMOVED)
    config = EmulatorConfig(rate_limit=None, daily_limit=None, seed_objects={"0-1": contacts + 10, "0-2": 5000})
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, run_emulator_in_thread(config) as emulator:
        runner = CliRunner()

        def cli(*words: str) -> tuple[int, dict[str, object], float]:
            started = time.perf_counter()
            result = runner.invoke(app, [*words, "--json", "--base-url", emulator.base_url, "--token", emulator.token])
            seconds = time.perf_counter() - started
            return result.exit_code, json.loads(result.stdout.splitlines()[-1]), seconds

        rows = _file(Path(tmp) / "rows.csv", pairs)
        code, _, bulk_s = cli("bulk", str(rows), "--concurrency", "16")
        if code != 0:
            failures.append(f"bulk exited {code}")
        body = {
            "associations": [
                {"fromObjectTypeId": "0-1", "fromObjectId": a, "toObjectTypeId": "0-2", "toObjectId": b}
                for a, b in gone
            ]
        }
        removed = httpx.post(f"{emulator.base_url}/_emulator/associations/remove", json=body).json()["removed"]
        if removed != OUT_OF_BAND:
            failures.append(f"out-of-band removal removed {removed}")
        code, _, verify_s = cli("verify", str(rows))
        missing = _reported(Path(tmp) / "rows.verify.csv")
        if code != 1 or missing != set(gone):
            failures.append(f"verify: exit {code}, {len(missing)} reported, exactly the 37: {missing == set(gone)}")
        code, _, remove_s = cli("remove", str(_file(Path(tmp) / "wrong.csv", chosen)))
        stored = {(int(a.from_id), int(a.to_id)) for a in emulator.state.all_associations()}
        if code != 0 or stored != set(pairs) - set(gone) - set(chosen):
            failures.append(
                f"remove: exit {code}, stored set as expected: {stored == set(pairs) - set(gone) - set(chosen)}"
            )
        code, _, _ = cli("verify", str(rows), "--restart")
        if _reported(Path(tmp) / "rows.verify.csv") != set(gone) | set(chosen):
            failures.append("second verify did not report exactly the 537 absent")
        reads = sum(1 for _, path, _ in emulator.state.request_log if path.endswith("/batch/read"))
    print(
        f"rows {args.rows}: bulk {bulk_s:.1f} s (baseline); verify {verify_s:.1f} s = {verify_s / bulk_s:.2f}x bulk; "
        f"remove of {REMOVED} rows {remove_s:.2f} s; batch reads sent {reads} (two verifies)"
    )
    print("checks: " + ("all passed" if not failures else "; ".join(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
