"""Cold first call: what a CLI run, a cron job or a serverless function feels. One whole fresh process per sample
(interpreter start, imports, building the client, one ``associate_default`` against a loopback server, exit),
timed from outside, so nothing a lazy import defers to the first call escapes the measurement.

Candidates, run interleaved round by round (drift on a shared machine hits them alike):

* **floor**: ``import httpx, attrs`` + ``httpx.Client().put(...).json()``: the two required runtime dependencies
  and the same request, which no version of this package can undercut;
* **ours**: ``import hubspot_associations`` + ``HubSpotAssociations(...)`` + one ``associate_default``;
* **official**: ``hubspot-api-client``'s ``create_default``, once as measured over plain http and once plus the TLS
  context it builds on its first https call (urllib3 builds it lazily, on connect; httpx builds it in ``Client()``,
  so floor and ours already pay for theirs);
* **bare interpreter** (``python -c pass``) for reference.

Every child runs from ``/`` with ``PYTHONPATH`` unset, with bytecode caches present (one discarded warm-up each).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from ._common import TOKEN, Check, Section, fmt, median, table
from ._servers import CannedPair, capture_canned, fast_server, unlimited

_BUDGET_MS = 15.0
_FROM, _TO = "1000001", "2000001"

FLOOR = """
import sys, httpx, attrs
with httpx.Client() as http:
    url = sys.argv[1] + "/crm/v4/objects/contacts/{f}/associations/default/companies/{t}"
    assert http.put(url, headers={{"Authorization": "Bearer " + sys.argv[2]}}).json()["status"]
"""

OURS = """
import sys
from hubspot_associations import HubSpotAssociations
with HubSpotAssociations(sys.argv[2], base_url=sys.argv[1]) as client:
    assert client.associate_default("contacts", {f}, "companies", {t}).results
"""

OFFICIAL = """
import sys
from hubspot import HubSpot
api = HubSpot(access_token=sys.argv[2], host=sys.argv[1]).crm.associations.v4.basic_api
assert api.create_default("contacts", "{f}", "companies", "{t}").results
"""

# What urllib3 does on its first https connection with the official client's settings (CERT_REQUIRED, certifi's
# bundle): build a context and load the CA file. Over http:// (the loopback server) it never happens.
OFFICIAL_TLS = (
    OFFICIAL
    + """
import certifi
from urllib3.util.ssl_ import create_urllib3_context
create_urllib3_context().load_verify_locations(certifi.where())
"""
)


@dataclass(frozen=True)
class Candidate:
    key: str
    label: str
    python: Path
    script: str


def _env() -> dict[str, str]:
    drop = ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH", "HUBSPOT_ASSOCIATIONS_LOG")
    return {key: value for key, value in os.environ.items() if key not in drop}


def _wall_ms(candidate: Candidate, base_url: str, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [str(candidate.python), "-c", candidate.script, base_url, TOKEN],
        capture_output=True,
        text=True,
        env=env,
        cwd="/",  # not the repo: its overlays/ must not shadow the installed package
        check=False,
        timeout=60,
    )
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        raise RuntimeError(f"{candidate.label} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return elapsed


def _spread(values: list[float]) -> str:
    """Interquartile range, then min-max."""
    if len(values) < 4:
        return f"{min(values):.0f}-{max(values):.0f}"
    q1, _, q3 = statistics.quantiles(values, n=4)
    return f"IQR {q1:.0f}-{q3:.0f}, {min(values):.0f}-{max(values):.0f}"


def candidates(ours_python: Path, official_python: Path | None) -> list[Candidate]:
    fill = {"f": _FROM, "t": _TO}
    found = [
        Candidate("bare", "bare interpreter: `python -c pass`", ours_python, "pass"),
        Candidate(
            "floor",
            "floor: `import httpx, attrs` + `httpx.Client().put(...).json()`",
            ours_python,
            FLOOR.format(**fill),
        ),
        Candidate(
            "ours",
            "ours: `import hubspot_associations` + `HubSpotAssociations(...)` + one `associate_default`",
            ours_python,
            OURS.format(**fill),
        ),
    ]
    if official_python is not None:
        found += [
            Candidate(
                "official",
                "official: `create_default` (no TLS context: http loopback)",
                official_python,
                OFFICIAL.format(**fill),
            ),
            Candidate(
                "official_tls",
                "official: `create_default` + the TLS context of its first https call",
                official_python,
                OFFICIAL_TLS.format(**fill),
            ),
        ]
    return found


def measure(candidates: list[Candidate], *, samples: int, canned: CannedPair | None = None) -> dict[str, list[float]]:
    """Wall ms of each candidate's whole process, ``samples`` rounds, order rotated every round."""
    env = _env()
    times: dict[str, list[float]] = {c.key: [] for c in candidates}
    with fast_server(unlimited(canned or capture_canned())) as base_url:
        for candidate in candidates:
            _wall_ms(candidate, base_url, env)  # warm-up: writes .pyc files, fails loudly if a script is broken
        for index in range(samples):
            order = candidates[index % len(candidates) :] + candidates[: index % len(candidates)]
            for candidate in order:
                times[candidate.key].append(_wall_ms(candidate, base_url, env))
    return times


def run(*, quick: bool, ours_python: Path, official_python: Path | None, canned: CannedPair | None = None) -> Section:
    samples = 3 if quick else 21
    found = candidates(ours_python, official_python)
    labels = {c.key: c.label for c in found}
    times = measure(found, samples=samples, canned=canned)
    medians = {key: median(values) for key, values in times.items()}
    floor = medians["floor"]
    rows = [
        [labels[key], fmt(ms, 0), f"{ms - floor:+.0f}" if key != "floor" else "0", _spread(times[key])]
        for key, ms in medians.items()
    ]
    section = Section("Cold first call (whole process, wall)")
    section.tables.append(table(["whole process", "median ms", "vs floor ms", "spread ms"], rows))
    section.figures.update({f"cold.{key}": ms for key, ms in medians.items()})
    ours = medians["ours"]
    section.checks.append(
        Check(
            "cold first call",
            f"≤ floor + {_BUDGET_MS:.0f} ms",
            f"floor {ours - floor:+.0f} ms",
            ours - floor <= _BUDGET_MS,
        )
    )
    if "official" in medians:
        official = min(medians["official"], medians["official_tls"])
        section.checks.append(
            Check(
                "cold first call vs official",
                "below the official client's",
                f"{ours:.0f} vs {medians['official']:.0f} / {medians['official_tls']:.0f} ms (http / + TLS)",
                ours < official,
            )
        )
    section.notes.append(
        f"{samples} fresh processes per candidate, interleaved, timed from outside (spawn to exit); loopback server "
        "with the emulator's canned answers in its own process. Interpreter start is in every figure (bare row)."
    )
    return section
