"""Run every benchmark and write ``bench/results/results.md`` (also printed): ``make bench``.

    python bench/run.py              # full run (creates bench/.venvs/ for the footprint and the official client)
    python bench/run.py --quick      # small sizes, a smoke run
    python bench/run.py --quick --no-venvs   # pure-python parts only (what tests/test_bench_smoke.py runs)

Everything runs against servers on loopback or in-process transports. Absolute times depend on the machine; the
ratios, measured side by side in this one run, are the result.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository root importable so `bench.*` resolves
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(Path(__file__).resolve().parent.parent), os.environ.get("PYTHONPATH")])
    )

import httpx

import hubspot_associations
from bench import bulk, cold, footprint, import_time, memory, per_call, readme
from bench._common import RESULTS_DIR, ROOT, VENVS_DIR, Check, Section, table, venv_python, verdict
from bench._servers import capture_canned

SECTIONS = ("footprint", "import", "cold", "per_call", "bulk", "memory")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes: a smoke run of every script")
    parser.add_argument("--no-venvs", action="store_true", help="skip what needs bench/.venvs (footprint, official)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated subset of {','.join(SECTIONS)}")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR / "results.md")
    parser.add_argument(
        "--readme",
        action="store_true",
        help="also write the cold-first-call and per-call figures into docs/performance.md's performance table",
    )
    args = parser.parse_args(argv)
    only = {name.strip() for name in args.only.split(",") if name.strip()}
    unknown = only - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}")

    if not args.no_venvs:  # two full runs at once would rebuild bench/.venvs under each other
        VENVS_DIR.mkdir(parents=True, exist_ok=True)
        lock = (VENVS_DIR / ".lock").open("w")
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            parser.error("another bench/run.py is using bench/.venvs (bench/.venvs/.lock is held)")

    started = time.perf_counter()
    sections: list[Section] = []
    ours_python = Path(sys.executable)
    official_python: Path | None = None
    canned = capture_canned()

    def timed(name: str, build: Callable[[], Section]) -> None:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        begin = time.perf_counter()
        section = build()
        section.seconds = time.perf_counter() - begin
        print(f"[bench] {name} done in {section.seconds:.1f} s", file=sys.stderr, flush=True)
        sections.append(section)

    if not args.no_venvs:
        print(
            "[bench] preparing bench/.venvs (ours: pip install <repo>; official: hubspot-api-client) ...",
            file=sys.stderr,
            flush=True,
        )
        official_venv = footprint.ensure_official()
        ours_venv = footprint.ensure_ours()
        ours_python, official_python = venv_python(ours_venv), venv_python(official_venv)
        if "footprint" in only:
            timed("footprint", lambda: footprint.run(ours=ours_venv, official=official_venv))
    if "import" in only:
        timed(
            "import",
            lambda: import_time.run(quick=args.quick, ours_python=ours_python, official_python=official_python),
        )
    if "cold" in only:
        timed(
            "cold",
            lambda: cold.run(quick=args.quick, ours_python=ours_python, official_python=official_python, canned=canned),
        )
    if "per_call" in only:
        timed("per_call", lambda: per_call.run(quick=args.quick, official_python=official_python, canned=canned))
    if "bulk" in only:
        timed("bulk", lambda: bulk.run(quick=args.quick, canned=canned))
    if "memory" in only:
        canned_json = json.dumps({key: value.to_json() for key, value in canned.items()})
        timed("memory", lambda: memory.run(quick=args.quick, canned_json=canned_json))

    total = time.perf_counter() - started
    report = render(sections, quick=args.quick, total=total)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report)
    print(report)
    if args.readme:
        if args.quick or args.no_venvs:
            parser.error("--readme needs a full run with venvs (no --quick, no --no-venvs)")
        readme.update(ROOT / "docs" / "performance.md", sections)
        print("[bench] updated the performance table in docs/performance.md", file=sys.stderr)
    print(f"[bench] wrote {args.out} in {total:.0f} s", file=sys.stderr)
    return 0


def render(sections: list[Section], *, quick: bool, total: float) -> str:
    checks: list[Check] = [check for section in sections for check in section.checks]
    head = [
        "# hubspot-associations benchmarks" + (" (quick smoke run: sizes too small for conclusions)" if quick else ""),
        "",
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · Python {platform.python_version()} · httpx {httpx.__version__} · "
        f"hubspot-associations {hubspot_associations.__version__} · {os.cpu_count()} CPUs · total {total:.0f} s. "
        "Absolute times vary between machines; the ratios, measured side by side in this run, are the result.",
        "",
        "## Targets",
        "",
        table(
            ["check", "target", "measured", "result"], [[c.name, c.target, c.measured, verdict(c.met)] for c in checks]
        ),
        "",
    ]
    body = [section.markdown() for section in sections]
    timing = table(["section", "seconds"], [[s.title, f"{s.seconds:.1f}"] for s in sections])
    return "\n".join(head + body + ["## Run time", "", timing, ""])


if __name__ == "__main__":
    sys.exit(main())
