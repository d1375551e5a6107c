"""Peak RSS of ``associate_many`` streaming N rows from a generator, in a fresh process per run.

The transport is ``httpx.MockTransport`` returning the canned emulator answers without rate-limit headers (with
HubSpot's real 190/10 s headers the pacer would, correctly, take hours for a million rows). A flat profile means
the peak for 1M rows is the peak for 100k rows: rows are pulled lazily and outcomes are dropped as they arrive.

Rows go in batches of 100 (``associate_many``'s default); a batch request gets a 200 confirming each of its inputs
(built from the request, as the emulator answers), so the run is what a batched run against HubSpot is.

The parent measures each child with ``os.wait4`` (that child's own ``ru_maxrss``, in KiB on Linux).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator

import httpx

from ._common import ROOT, Check, Section, fmt, table

_FLAT_TOLERANCE = 1.10  # 1M rows may peak at most 10 % above 100k rows


def _rows(count: int) -> Iterator[object]:
    from hubspot_associations import AssociationRow

    for index in range(count):
        yield AssociationRow("contacts", 1000001 + index % 5000, "companies", 2000001 + index % 5000)


def _child(mode: str, rows: int) -> dict[str, float]:
    import resource

    import httpx

    from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations

    from ._servers import Canned, mock_handler, without_rate_limit

    canned = json.loads(os.environ["BENCH_CANNED"])
    warm_up = 200
    handler = _batch_aware(
        mock_handler(without_rate_limit({key: Canned.from_json(value) for key, value in canned.items()}))
    )
    ok = 0
    started = time.perf_counter()
    if mode == "sync":
        with HubSpotAssociations(
            "emulator-token", http_client=httpx.Client(transport=httpx.MockTransport(handler))
        ) as client:
            ok -= sum(outcome.ok for outcome in client.associate_many(_rows(warm_up)))  # type: ignore[arg-type]
            ok += warm_up
            _reset_peak()
            for outcome in client.associate_many(_rows(rows)):  # type: ignore[arg-type]
                ok += outcome.ok
    else:

        async def main() -> int:
            count = 0
            async with AsyncHubSpotAssociations(
                "emulator-token", http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
            ) as client:
                async with client.associate_many(_rows(warm_up)) as outcomes:  # type: ignore[arg-type]
                    async for outcome in outcomes:
                        count -= not outcome.ok
                _reset_peak()
                async with client.associate_many(_rows(rows)) as outcomes:  # type: ignore[arg-type]
                    async for outcome in outcomes:
                        count += outcome.ok
            return count

        ok = asyncio.run(main())
    elapsed = time.perf_counter() - started
    return {
        "rows": rows,
        "ok": ok,
        "seconds": elapsed,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "streaming_peak_kib": _status_kib("VmHWM"),
    }


def _batch_aware(single: Callable[[httpx.Request], httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
    """Answer ``batch/associate/default`` with a result (both directions) for each input; the rest as ``single``."""

    def handler(request: httpx.Request) -> httpx.Response:
        if not request.url.path.endswith("/batch/associate/default"):
            return single(request)
        spec = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
        results = []
        for item in json.loads(request.content)["inputs"]:
            results.append({"from": item["from"], "to": item["to"], "associationSpec": spec})
            results.append(
                {"from": item["to"], "to": item["from"], "associationSpec": {**spec, "associationTypeId": 280}}
            )
        body = {"status": "COMPLETE", "results": results, "startedAt": "2026-01-01T00:00:00Z"}
        return httpx.Response(200, json={**body, "completedAt": "2026-01-01T00:00:01Z"})

    return handler


def _reset_peak() -> None:
    """Reset the kernel's peak-RSS mark (VmHWM) so the streaming phase is measured on its own: the process peak
    is often set earlier, by imports (compiling source when no .pyc is written) rather than by the rows."""
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _status_kib(field: str) -> float:
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(field + ":"):
                return float(line.split()[1])
    return float("nan")


def _spawn(mode: str, rows: int, canned_json: str) -> subprocess.Popen[str]:
    env = dict(os.environ, BENCH_CANNED=canned_json, PYTHONPATH=str(ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "bench.memory", "--child", mode, "--rows", str(rows)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )


def _collect(proc: subprocess.Popen[str]) -> dict[str, float]:
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"memory child failed with {proc.returncode}")
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    result["maxrss_kib"] = usage.ru_maxrss
    return result


def run(*, quick: bool, canned_json: str) -> Section:
    small, large = (1_000, 4_000) if quick else (100_000, 1_000_000)
    section = Section("Memory: peak RSS of a streaming bulk run")
    rows = []
    # Two children at a time (two cores; memory is not a timing measurement): sync and async of one size.
    results: dict[tuple[str, int], dict[str, float]] = {}
    for size in (small, large):
        procs = {mode: _spawn(mode, size, canned_json) for mode in ("sync", "async")}
        for mode, proc in procs.items():
            results[mode, size] = _collect(proc)
    for mode in ("sync", "async"):
        low, high = results[mode, small], results[mode, large]
        growth = high["streaming_peak_kib"] / low["streaming_peak_kib"]
        lost = (small - low["ok"]) + (large - high["ok"])
        rows.append(
            [
                f"`associate_many` {mode}",
                f"{low['streaming_peak_kib'] / 1024:.1f} ({low['maxrss_kib'] / 1024:.1f})",
                f"{high['streaming_peak_kib'] / 1024:.1f} ({high['maxrss_kib'] / 1024:.1f})",
                f"{growth:.3f}x",
                f"{fmt(large / high['seconds'], 0)}",
                str(int(lost)),
            ]
        )
        section.checks.append(
            Check(
                f"flat memory ({mode})",
                f"peak {large:,} rows ≤ {_FLAT_TOLERANCE}x peak {small:,}",
                f"{growth:.3f}x",
                growth <= _FLAT_TOLERANCE and lost == 0,
            )
        )
    section.tables.append(
        table(
            [
                "run",
                f"streaming peak MiB (process peak), {small:,} rows",
                f"streaming peak MiB (process peak), {large:,} rows",
                "ratio",
                "rows/s (larger run)",
                "rows not ok",
            ],
            rows,
        )
    )
    section.notes.append(
        "Fresh process per run. Streaming peak: VmHWM after a 200-row warm-up and a reset of the mark "
        "(`/proc/self/clear_refs`), i.e. the peak while the rows stream; process peak: `os.wait4` ru_maxrss of the "
        "child, which includes imports. The ratio compares streaming peaks. Rows come from a generator; "
        "transport: `httpx.MockTransport` with the canned emulator answers minus rate-limit headers; default "
        "concurrency (8)."
    )
    return section


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--child", choices=("sync", "async"), required=True)
    parser.add_argument("--rows", type=int, required=True)
    args = parser.parse_args()
    print(json.dumps(_child(args.child, args.rows)))


if __name__ == "__main__":
    main()
