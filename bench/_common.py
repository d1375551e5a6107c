"""Shared helpers: paths, statistics, subprocess plumbing and the result types every section returns."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "bench"
RESULTS_DIR = BENCH_DIR / "results"
VENVS_DIR = BENCH_DIR / ".venvs"
TOKEN = "emulator-token"

# The benchmarks measure the SDK with logging off, as a library ships; a stray HUBSPOT_ASSOCIATIONS_LOG would
# add formatting cost to every call.
os.environ.pop("HUBSPOT_ASSOCIATIONS_LOG", None)


@dataclass(frozen=True)
class Check:
    """One target from the issue and whether this run met it (``met`` None: not measured in this run)."""

    name: str
    target: str
    measured: str
    met: bool | None


@dataclass
class Section:
    """What one benchmark script reports: markdown tables, target checks and notes for the reader."""

    title: str
    tables: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    figures: dict[str, float] = field(default_factory=dict)
    """Medians by key (``cold.ours`` ms, ``call.default.raw`` µs, ...) for the performance table (bench/readme.py)."""

    def markdown(self) -> str:
        parts = [f"## {self.title}", ""]
        for table in self.tables:
            parts += [table, ""]
        for note in self.notes:
            parts += [f"- {note}"]
        if self.notes:
            parts.append("")
        return "\n".join(parts)


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A GitHub markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def ratio(value: float, baseline: float) -> str:
    """``value / baseline`` as ``1.03x``."""
    if baseline <= 0 or value != value or baseline != baseline:
        return "n/a"
    return f"{value / baseline:.2f}x"


def verdict(met: bool | None) -> str:
    return "n/a" if met is None else ("met" if met else "**missed**")


def fmt(value: float, digits: int = 1) -> str:
    return "n/a" if value != value else f"{value:,.{digits}f}"


def fmt_bytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MiB"


def run_json(cmd: Sequence[str], *, timeout: float = 600.0, cwd: Path = ROOT) -> Any:
    """Run a command whose last stdout line is JSON; raise with its stderr when it fails."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stderr[-4000:]}")
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    return json.loads(lines[-1])


def module_cmd(module: str, *args: str, python: str | None = None) -> list[str]:
    """A command running ``python -m bench.<module>`` (needs ``cwd=ROOT`` or ``PYTHONPATH=ROOT``)."""
    return [python or sys.executable, "-m", f"bench.{module}", *args]


def venv_python(venv: Path) -> Path:
    return venv / "bin" / "python"
