"""Keep the benchmark scripts from rotting: the quick, venv-free mode of ``bench/run.py`` must produce its tables.

No timing is asserted (a loaded CI machine would make that flaky); only that every pure-python section ran and the
report carries ratios and verdicts.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_quick_bench_writes_a_table_with_ratios(tmp_path: Path) -> None:
    out = tmp_path / "results.md"
    env = {key: value for key, value in os.environ.items() if key != "HUBSPOT_ASSOCIATIONS_LOG"}
    proc = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--quick", "--no-venvs", "--out", str(out)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = out.read_text()
    assert report == proc.stdout.rstrip("\n") + "\n" or report.strip() in proc.stdout
    for heading in ("## Targets", "## Import time", "## Cold first call", "## Per call", "## Bulk", "## Memory"):
        assert heading in report, heading
    assert "| check | target | measured | result |" in report
    # Ratios (e.g. "1.04x") and a verdict for every measured target.
    assert any(
        cell.strip().endswith("x") and cell.strip()[:-1].replace(".", "").isdigit() for cell in report.split("|")
    )
    assert report.count(" met |") + report.count(" **missed** |") >= 8
