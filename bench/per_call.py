"""Per-call cost: ``associate_default`` / ``associate`` vs a raw ``httpx.Client.put`` + ``.json()`` of the same
answer, and vs HubSpot's official client, sequential calls on one keep-alive connection.

Two settings:

* **loopback**: against :func:`bench._servers.fast_server` (canned emulator answers from a separate process, so
  server time is small and constant and the ratio compares the clients).
* **in-process**: ``httpx.MockTransport`` for both raw and SDK, no socket: the difference is exactly what the SDK
  adds per call (validation, request building, auth flow, rate-limit headers, parsing into models).

Raw and SDK run interleaved in rounds (order rotated each round) so drift hits them alike; each call is timed on its
own and the table shows the median call. The official client runs as a subprocess in its own venv
(``bench/_official_client.py``) against the same server.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from hubspot_associations import HubSpotAssociations
from hubspot_associations.association_types import CONTACT_TO_COMPANY

from ._common import BENCH_DIR, TOKEN, Check, Section, fmt, median, ratio, run_json, table
from ._servers import (
    LABELLED_BODY,
    CannedPair,
    capture_canned,
    fast_server,
    mock_handler,
    unlimited,
)

Call = Callable[[], object]
_RATIO_TARGET = 1.07
_ADDED_TARGET_US = 50.0


def _variants(raw: httpx.Client, sdk: HubSpotAssociations, base: str) -> dict[str, Call]:
    def raw_default() -> object:
        return raw.put(f"{base}/crm/v4/objects/contacts/{1000001}/associations/default/companies/{2000001}").json()

    def raw_labelled() -> object:
        url = f"{base}/crm/v4/objects/contacts/{1000001}/associations/companies/{2000001}"
        return raw.put(url, json=LABELLED_BODY).json()

    def sdk_default() -> object:
        return sdk.associate_default("contacts", 1000001, "companies", 2000001)

    def sdk_labelled() -> object:
        return sdk.associate("contacts", 1000001, "companies", 2000001, CONTACT_TO_COMPANY)

    return {
        "raw default": raw_default,
        "raw labelled": raw_labelled,
        "sdk default": sdk_default,
        "sdk labelled": sdk_labelled,
    }


def _interleaved(variants: dict[str, Call], rounds: int, calls: int) -> dict[str, list[float]]:
    """Per-call µs of each variant, ``rounds`` x ``calls`` calls, order rotated every round."""
    names = list(variants)
    samples: dict[str, list[float]] = {name: [] for name in names}
    clock = time.perf_counter_ns
    for name in names:  # warm-up: connections, caches, first-call imports
        for _ in range(min(calls, 50)):
            variants[name]()
    for index in range(rounds):
        gc.collect()
        order = names[index % len(names) :] + names[: index % len(names)]
        for name in order:
            call, out = variants[name], samples[name]
            for _ in range(calls):
                start = clock()
                call()
                out.append((clock() - start) / 1000)
    return samples


def _official(python: Path, base_url: str, rounds: int, calls: int) -> dict[str, float]:
    script = str(BENCH_DIR / "_official_client.py")
    args = [str(python), script, "--base-url", base_url, "--token", TOKEN, "--rounds", str(rounds)]
    result: dict[str, float] = run_json([*args, "--calls", str(calls)])
    return result


def run(*, quick: bool, official_python: Path | None, canned: CannedPair | None = None) -> Section:
    rounds, calls = (2, 50) if quick else (10, 200)  # 10 x 200 = 2,000 calls of each variant
    canned = unlimited(canned or capture_canned())
    section = Section("Per call (sequential, keep-alive)")

    with fast_server(canned) as base_url:
        with (
            httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}) as raw,
            HubSpotAssociations(TOKEN, base_url=base_url) as sdk,
        ):
            loopback = {
                name: median(v) for name, v in _interleaved(_variants(raw, sdk, base_url), rounds, calls).items()
            }
        official = _official(official_python, base_url, rounds, calls) if official_python is not None else {}

    mock_base = "https://api.hubapi.com"
    transport = httpx.MockTransport(mock_handler(canned))
    with (
        httpx.Client(transport=transport, headers={"Authorization": f"Bearer {TOKEN}"}) as raw,
        HubSpotAssociations(TOKEN, base_url=mock_base, http_client=httpx.Client(transport=transport)) as sdk,
    ):
        mock_rounds = 2 if quick else 10
        mock_calls = 100 if quick else 1000
        in_process = {
            name: median(v) for name, v in _interleaved(_variants(raw, sdk, mock_base), mock_rounds, mock_calls).items()
        }

    rows = []
    for kind, official_name in (("default", "create_default"), ("labelled", "create")):
        raw_us, sdk_us = loopback[f"raw {kind}"], loopback[f"sdk {kind}"]
        off_us = official.get(official_name, float("nan"))
        method = "associate_default" if kind == "default" else "associate"
        rows.append(
            [
                f"`{method}` loopback",
                fmt(raw_us),
                fmt(sdk_us),
                ratio(sdk_us, raw_us),
                f"{fmt(off_us)} (`{official_name}`)" if official else "not run",
                ratio(off_us, raw_us) if official else "n/a",
            ]
        )
        section.figures.update(
            {f"call.{kind}.raw": raw_us, f"call.{kind}.ours": sdk_us, f"call.{kind}.official": off_us}
        )
        section.checks.append(
            Check(
                f"`{method}` per call",
                f"≤ {_RATIO_TARGET}x raw httpx",
                ratio(sdk_us, raw_us),
                sdk_us <= raw_us * _RATIO_TARGET,
            )
        )
    for kind in ("default", "labelled"):
        raw_us, sdk_us = in_process[f"raw {kind}"], in_process[f"sdk {kind}"]
        method = "associate_default" if kind == "default" else "associate"
        rows.append([f"`{method}` in-process (MockTransport)", fmt(raw_us), fmt(sdk_us), ratio(sdk_us, raw_us), "", ""])
        section.checks.append(
            Check(
                f"`{method}` added in-process",
                f"< {_ADDED_TARGET_US:.0f} µs",
                f"{sdk_us - raw_us:+.1f} µs",
                sdk_us - raw_us < _ADDED_TARGET_US,
            )
        )
    section.tables.append(
        table(["call", "raw httpx µs", "hubspot_associations µs", "SDK / raw", "official µs", "official / raw"], rows)
    )
    if official:
        section.tables.append(
            table(
                ["official venv baseline", "µs"],
                [
                    [f"raw `requests.Session.put` + json ({kind})", fmt(official[f"requests {kind}"])]
                    for kind in ("default", "labelled")
                ],
            )
        )
    section.notes.append(
        f"Median of {rounds} x {calls} calls per variant (in-process: {mock_rounds} x {mock_calls}); each call timed "
        "alone. Loopback server: canned emulator answers (same status, headers, body) from a raw asyncio server in "
        "its own process, not the emulator (uvicorn+h11, ~1.5 ms per request), so server time does not drown the "
        "clients' own cost."
    )
    return section
