"""Write the cold-first-call and per-call figures into docs/performance.md's performance table (``make bench`` does).

The table sits between ``<!-- bench:table:start -->`` and ``<!-- bench:table:end -->``. It shows the two latest
runs side by side (each with its time and load average): a new run becomes "run 2" and the previous "run 2"
becomes "run 1", so two ``make bench`` runs minutes apart fill both columns. The figures of both runs are kept
in a JSON comment inside the block; nothing outside the markers is touched.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ._common import Section, table

START, END = "<!-- bench:table:start -->", "<!-- bench:table:end -->"
_DATA = re.compile(r"<!-- bench:data (\[.*\]) -->")
_COLD_BUDGET_MS = 15.0
_CALL_RATIO = 1.07


def _ms(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.0f} ms"


def _us(value: float | None) -> str:
    return "n/a" if value is None or value != value else f"{value:.0f} µs"


def _x(value: float | None, base: float | None) -> str:
    if value is None or base is None or value != value or base != base or base <= 0:
        return "n/a"
    return f"{value / base:.2f}x"


def _bold(text: str, missed: bool) -> str:
    return f"**{text}**" if missed else text


def _column(run: dict[str, Any]) -> list[str]:
    f: dict[str, float] = run["figures"]
    floor, ours, added = f.get("cold.floor"), f.get("cold.ours"), f.get("cold.ours.vs_floor")
    cpu_added = f.get("cold.ours.cpu_vs_floor")
    cold_missed = added is None or cpu_added is None or max(added, cpu_added) > _COLD_BUDGET_MS
    cells = [
        f"{run['when']}, load {run['load']}",
        _ms(floor),
        _bold(
            f"{_ms(ours)} (floor {added:+.0f}; CPU {cpu_added:+.0f})"
            if added is not None and cpu_added is not None
            else "n/a",
            cold_missed,
        ),
        f"{_ms(f.get('cold.official'))} / {_ms(f.get('cold.official_tls'))}",
        f"{_ms(f.get('import.ours'))} / {_ms(f.get('import.official'))} / {_ms(f.get('import.floor'))}",
    ]
    for kind in ("default", "labelled"):
        raw, sdk, official = (f.get(f"call.{kind}.{who}") for who in ("raw", "ours", "official"))
        missed = raw is None or sdk is None or sdk > raw * _CALL_RATIO
        cells.append(
            f"{_bold(f'{_us(sdk)} ({_x(sdk, raw)})', missed)} / {_us(raw)} / {_us(official)} ({_x(official, raw)})"
        )
    return cells


_ROWS = [
    ("run (UTC, load average 1/5/15 min)", ""),
    ("cold first call, floor: `import httpx, attrs` + `httpx.Client().put(...).json()`", "—"),
    ("cold first call, ours: import + `HubSpotAssociations(...)` + one `associate_default`", "≤ floor + 15 ms"),
    ("cold first call, official `create_default`: http loopback / + its first TLS context", "ours below"),
    ("import only: ours / official / `import httpx, attrs`", "—"),
    ("per call `associate_default`: ours (vs raw) / raw httpx / official `create_default` (vs raw)", "≤ 1.07x raw"),
    ("per call `associate`: ours (vs raw) / raw httpx / official `create` (vs raw)", "≤ 1.07x raw"),
]


def render(runs: Sequence[dict[str, Any]]) -> str:
    columns = [_column(run) for run in runs]
    header = ["whole process (wall, median of 21) / per call (median of 2,000)", "target"] + [
        f"run {index + 1}" for index in range(len(runs))
    ]
    rows = [[label, target, *(column[i] for column in columns)] for i, (label, target) in enumerate(_ROWS)]
    data = json.dumps(list(runs), sort_keys=True)
    return "\n".join([START, f"<!-- bench:data {data} -->", "", table(header, rows), "", END])


def update(readme: Path, sections: Sequence[Section]) -> None:
    text = readme.read_text()
    if START not in text or END not in text:
        raise RuntimeError(f"{readme} has no {START} ... {END} block")
    head, rest = text.split(START, 1)
    block, tail = rest.split(END, 1)
    found = _DATA.search(block)
    previous: list[dict[str, Any]] = json.loads(found.group(1)) if found else []
    figures = {key: value for section in sections for key, value in section.figures.items()}
    load = "/".join(f"{value:.1f}" for value in os.getloadavg())
    run = {"when": f"{datetime.now(UTC):%Y-%m-%d %H:%M}", "load": load, "figures": figures}
    runs = [*previous[-1:], run]
    readme.write_text(head + render(runs) + tail)
