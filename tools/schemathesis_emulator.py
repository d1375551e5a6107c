#!/usr/bin/env python3
"""Run Schemathesis against the emulator with our spec: spec and emulator must agree (``make schemathesis``).

Starts the emulator (default configuration, no rate limit) on a free loopback port, then runs ``schemathesis run``
on all four operations (the two PUTs and the two batch POSTs) with a fixed seed and a bounded number of examples,
checking that no answer is a 5xx and that status codes, content types and bodies conform to the spec. Path
parameters and batch inputs come mostly from seeded records (``tools/schemathesis_hooks.py``), so success (and
207) responses are checked too. Exits with Schemathesis' status.

    python tools/schemathesis_emulator.py [--max-examples N] [--seed N] [extra schemathesis arguments...]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "hubspot-crm-associations-v4.yaml"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--max-examples", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20261202)
    args, extra = parser.parse_known_args(argv)
    schemathesis = Path(sys.executable).with_name("schemathesis")
    env = {
        **os.environ,
        "SCHEMATHESIS_HOOKS": "schemathesis_hooks",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tools"), os.environ.get("PYTHONPATH")])),
    }
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None)) as emulator:
        command = [
            str(schemathesis),
            "--no-color",
            "run",
            str(SPEC),
            "--url",
            emulator.base_url,
            "--header",
            f"Authorization: Bearer {emulator.token}",
            "--checks",
            CHECKS,
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            str(args.max_examples),
            "--seed",
            str(args.seed),
            "--generation-database",
            "none",
            "--workers",
            "1",
            *extra,
        ]
        completed = subprocess.run(command, env=env, cwd=ROOT, check=False)
        stats = emulator.state.counts_by_status
    print(f"emulator answers by status: {dict(sorted(stats.items()))}", flush=True)
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
