"""`make demo`: the whole tool against a local emulator, in about half a minute, leaving no process behind.

1. starts ``hubspot-associations emulator`` on a free port (100 requests per 1 s window, 10 % injected faults:
   JSON 500/503, Cloudflare HTML 502/520, dropped connections);
2. creates one default and one labelled association with ``hubspot-associations associate``;
3. writes a 2,000-row sample CSV (plus 5 rows naming records that do not exist) and runs ``bulk`` on it, in batches
   of 100 rows per request (``--batch-size``, the default), each row still with its own outcome;
4. prints a summary from the emulator's own counters, then stops the emulator.

The sample, its journal and its failure report stay in a new folder (``--output``; by default one in the system's
temporary folder), so the failure report the run points at can be opened after the demo.

Run: ``make demo`` (installs only the runtime and the ``cli`` extra), or ``python examples/demo.py [--rows N]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

RATE_LIMIT = "100/1"
FAULT_RATE = "0.1"
SEED = "7"
CLI = [sys.executable, "-m", "hubspot_associations.cli"]
TOKEN = "emulator-token"
# Seeded record ids of the emulator (see hubspot_associations.emulator): contacts, companies, deals.
CONTACT, COMPANY, DEAL = 1_000_000, 2_000_000, 3_000_000
BAD_ROWS = 5


def write_sample_csv(path: Path, rows: int) -> None:
    """Four kinds of row, cycling: default contact→company, labelled (Manager), default contact→deal, primary."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["from_type", "from_id", "to_type", "to_id", "type_id", "category"])
        for n in range(rows):
            contact, company, deal = CONTACT + 1 + n % 5000, COMPANY + 1 + (n * 7) % 5000, DEAL + 1 + n % 2000
            kind = n % 4
            if kind == 0:
                writer.writerow(["contacts", contact, "companies", company, "", ""])
            elif kind == 1:
                writer.writerow(["contacts", contact, "companies", company, 36, "USER_DEFINED"])
            elif kind == 2:
                writer.writerow(["contacts", contact, "deals", deal, "", ""])
            else:
                writer.writerow(["contacts", contact, "companies", company, 1, "HUBSPOT_DEFINED"])
        for n in range(BAD_ROWS):  # records that do not exist in the portal: HubSpot answers 400
            writer.writerow(["contacts", CONTACT + 900_000 + n, "companies", COMPANY + 1, "", ""])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(base_url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the emulator exited with status {process.returncode}")
        try:
            with urllib.request.urlopen(f"{base_url}/_emulator/stats", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the emulator did not start")


def stats(base_url: str) -> dict[str, object]:
    with urllib.request.urlopen(f"{base_url}/_emulator/stats", timeout=5) as response:
        body: dict[str, object] = json.load(response)
        return body


def run(title: str, args: list[str], env: dict[str, str]) -> int:
    print(f"\n$ hubspot-associations {' '.join(args)}", flush=True)
    return subprocess.run([*CLI, *args], env=env, check=False).returncode


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)  # uvicorn shuts down cleanly on Ctrl-C
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--output", type=Path, default=None, help="an empty or new folder for the files it writes")
    options = parser.parse_args(argv)
    if options.output is None:
        output = Path(tempfile.mkdtemp(prefix="hubspot-demo-"))
    else:
        output = options.output
        output.mkdir(parents=True, exist_ok=True)
        if any(output.iterdir()):
            parser.error(f"--output {output} is not empty")
    started = time.monotonic()
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "HUBSPOT_ACCESS_TOKEN": TOKEN, "HUBSPOT_BASE_URL": base_url}
    emulator_args = ["emulator", "--port", str(port), "--rate-limit", RATE_LIMIT, "--fault-rate", FAULT_RATE]
    print(f"$ hubspot-associations {' '.join(emulator_args)} --seed {SEED} &", flush=True)
    emulator = subprocess.Popen(
        [*CLI, *emulator_args, "--seed", SEED],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, so stop() reaches everything it started
    )
    try:
        wait_until_up(base_url, emulator)
        print(f"emulator up at {base_url} ({RATE_LIMIT} requests/s window, {FAULT_RATE} fault rate)")
        run("default", ["associate", "contacts", "1000001", "companies", "2000001"], env)
        run("labelled", ["associate", "contacts", "1000001", "companies", "2000001", "--type", "36:USER_DEFINED"], env)
        sample = output / "sample-associations.csv"
        write_sample_csv(sample, options.rows)
        before = stats(base_url)
        bulk_started = time.monotonic()
        status = run("bulk", ["bulk", str(sample), "--concurrency", "16"], env)
        bulk_seconds = time.monotonic() - bulk_started
        after = stats(base_url)
        # The journal's confirmed entries (its ">" and "-" lines list requests in flight and failed rows).
        lines = Path(str(sample) + ".journal").read_text().splitlines()[1:]
        journal = [line for line in lines if not line.startswith((">", "-"))]
        report = sample.with_name(sample.stem + ".failures.csv")
        failed = 0
        if report.exists():
            with report.open(newline="", encoding="utf-8") as handle:
                failed = sum(1 for _ in csv.DictReader(handle))
    finally:
        stop(emulator)
    counts = {int(k): int(v) for k, v in dict(after["counts_by_status"]).items()}  # type: ignore[call-overload]
    counts_before = {int(k): int(v) for k, v in dict(before["counts_by_status"]).items()}  # type: ignore[call-overload]
    absorbed = sum(n - counts_before.get(s, 0) for s, n in counts.items() if s == 0 or s == 429 or s >= 500)
    requests = sum(counts.values()) - sum(counts_before.values())
    total_rows = options.rows + BAD_ROWS
    print("\n── demo summary " + "─" * 50)
    print(f"rows in sample CSV     {total_rows} ({BAD_ROWS} name records that do not exist)")
    print(f"rows confirmed         {len(journal)}")
    print(f"rows failed            {failed} (see the failure report; expected: {BAD_ROWS})")
    print(f"retries absorbed       {absorbed} (injected faults, dropped connections and 429s the SDK retried)")
    print(f"429s from the emulator {counts.get(429, 0) - counts_before.get(429, 0)}")
    print(f"requests for the rows  {requests} ({total_rows / max(requests, 1):.1f} rows per request, batches of 100)")
    print(
        f"bulk time              {bulk_seconds:.1f} s ({total_rows / bulk_seconds:.0f} rows/s at a {RATE_LIMIT} limit)"
    )
    print(f"total time             {time.monotonic() - started:.1f} s")
    print(f"files kept in          {output} (the sample, its journal and the failure report)")
    ok = status == 1 and failed == BAD_ROWS and len(journal) == options.rows
    print("demo OK" if ok else "demo FAILED: unexpected results")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
