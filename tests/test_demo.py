"""``make demo`` (examples/demo.py), small: it ends OK, and the failure report it points at is still there after it."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

DEMO = Path(__file__).parent.parent / "examples" / "demo.py"


def test_the_demo_keeps_the_files_it_points_at(tmp_path: Path) -> None:
    output = tmp_path / "demo"
    result = subprocess.run(
        [sys.executable, str(DEMO), "--rows", "40", "--output", str(output)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0 and "demo OK" in result.stdout, result.stdout + result.stderr
    pointed = re.search(r"^Failure report: (.+)$", result.stdout, re.MULTILINE)
    assert pointed, result.stdout
    report = Path(pointed[1])
    assert report.parent == output and report.read_text().count("\n") == 1 + 5  # header + the 5 rows that fail
    assert f"files kept in          {output} " in result.stdout


def test_the_demo_refuses_a_folder_with_files_in_it(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("keep me")
    result = subprocess.run(
        [sys.executable, str(DEMO), "--output", str(tmp_path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2 and "is not empty" in result.stderr
    assert (tmp_path / "mine.txt").read_text() == "keep me"
