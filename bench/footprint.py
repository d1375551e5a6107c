"""Installed footprint: fresh venvs under ``bench/.venvs/`` (gitignored), ours with a plain ``pip install <repo>``
(no extras) and the official ``pip install hubspot-api-client``; size of what each adds to site-packages.

The venvs are reused by the other benchmarks (import time from a regular install, the official client's per-call
script). Ours is rebuilt on every full run from a copy of the source (nothing is built inside the work tree); the
official one is kept once it installed (``.installed`` marker).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from ._common import ROOT, VENVS_DIR, Section, fmt_bytes, ratio, table, venv_python

OFFICIAL_REQUIREMENT = "hubspot-api-client==12.0.0"  # the version the README compares against
# What `python -m venv` puts in every site-packages: not part of either footprint.
_SEED = ("pip", "setuptools", "pkg_resources", "_distutils_hack", "distutils-precedence.pth")


def _pip(venv: Path, *args: str) -> None:
    subprocess.run([str(venv_python(venv)), "-m", "pip", "install", "--quiet", *args], check=True)


def _new_venv(venv: Path) -> None:
    shutil.rmtree(venv, ignore_errors=True)
    venv.parent.mkdir(parents=True, exist_ok=True)
    # The base interpreter of this venv, so every venv runs the same Python.
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)


def ensure_official() -> Path:
    venv = VENVS_DIR / "official"
    marker = venv / ".installed"
    if not (marker.exists() and marker.read_text() == OFFICIAL_REQUIREMENT):
        _new_venv(venv)
        _pip(venv, OFFICIAL_REQUIREMENT)
        marker.write_text(OFFICIAL_REQUIREMENT)
    return venv


def ensure_ours() -> Path:
    venv = VENVS_DIR / "ours"
    _new_venv(venv)
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "src"
        source.mkdir()
        ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
        for name in ("pyproject.toml", "README.md", "LICENSE", "setup.cfg", "MANIFEST.in"):
            if (ROOT / name).exists():
                shutil.copy2(ROOT / name, source / name)
        for name in ("overlays", "generated"):
            shutil.copytree(ROOT / name, source / name, ignore=ignore)
        _pip(venv, str(source))
    return venv


def site_packages(venv: Path) -> Path:
    found = sorted((venv / "lib").glob("python3*/site-packages"))
    if not found:
        raise RuntimeError(f"no site-packages under {venv}")
    return found[0]


def footprint(venv: Path) -> tuple[int, int, list[str]]:
    """Bytes on disk (files, .pyc included) of everything installed beyond the venv seed; file count; dists."""
    root = site_packages(venv)
    size = files = 0
    dists = []
    for entry in root.iterdir():
        stem = entry.name.split("-")[0]
        if entry.name in _SEED or stem in _SEED:
            continue
        if entry.name.endswith(".dist-info"):
            dists.append(entry.name.removesuffix(".dist-info"))
        paths = entry.rglob("*") if entry.is_dir() else iter([entry])
        for path in paths:
            if path.is_file() and not path.is_symlink():
                size += path.stat().st_size
                files += 1
    return size, files, sorted(dists)


def run(*, ours: Path, official: Path | None) -> Section:
    section = Section("Footprint (installed into fresh venvs)")
    ours_size, ours_files, ours_dists = footprint(ours)
    rows = [
        [
            "`pip install hubspot-associations` (no extras)",
            fmt_bytes(ours_size),
            f"{ours_files:,}",
            str(len(ours_dists)),
            "1.00x",
        ]
    ]
    if official is not None:
        size, files, dists = footprint(official)
        rows.append(
            [
                f"`pip install {OFFICIAL_REQUIREMENT}`",
                fmt_bytes(size),
                f"{files:,}",
                str(len(dists)),
                ratio(size, ours_size),
            ]
        )
        section.notes.append("Official: " + ", ".join(dists) + ".")
    section.tables.append(table(["install", "site-packages added", "files", "distributions", "vs ours"], rows))
    section.notes.insert(0, "Ours: " + ", ".join(ours_dists) + ".")
    section.notes.append(
        "Sizes are bytes of files (compiled .pyc included) beyond what `python -m venv` seeds (pip, setuptools)."
    )
    return section
