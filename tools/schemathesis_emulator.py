#!/usr/bin/env python3
"""Run Schemathesis against the emulator with our spec: spec and emulator must agree (``make schemathesis``).

Starts the emulator (default configuration, no rate limit) on a free loopback port, then runs ``schemathesis run``
on every operation (the two PUTs and the two batch POSTs) on every HubSpot API version the spec declares
(``x-hubspot-api-versions``: the spec is expanded to each version's paths first, see ``spec_versions.py``) with a
fixed seed and a bounded number of examples, checking that no answer is a 5xx and that status codes, content types
and bodies conform to the spec. Path parameters and batch inputs come mostly from seeded records
(``tools/schemathesis_hooks.py``), so success (and 207) responses are checked too; a path of any version that never
got a success answer fails the run. Exits with Schemathesis' status.

    python tools/schemathesis_emulator.py [--max-examples N] [--seed N] [extra schemathesis arguments...]
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml
from spec_versions import spec_on_every_version, versioned_operations

from hubspot_associations.emulator import EmulatorConfig, EmulatorState, run_emulator_in_thread

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "openapi" / "hubspot-crm-associations-v4.yaml"
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance,status_code_conformance"


def _succeeded(state: EmulatorState, template: str) -> bool:
    """Whether the emulator answered a 2xx on a path of ``template`` (so its success bodies were checked too)."""
    pattern = re.compile("/".join(re.escape(part) if "{" not in part else "[^/]+" for part in template.split("/")))
    return any(200 <= status < 300 and pattern.fullmatch(path) for _, path, status in state.request_log)


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
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    paths = sorted({path for op in versioned_operations(spec) for path in op.paths.values()})
    print(f"schemathesis: {len(paths)} paths on {len(spec.get('x-hubspot-api-versions') or [])} API versions")
    with (
        tempfile.TemporaryDirectory() as tmp,
        run_emulator_in_thread(EmulatorConfig(rate_limit=None)) as emulator,
    ):
        every_version = Path(tmp) / SPEC.name
        every_version.write_text(yaml.safe_dump(spec_on_every_version(spec), sort_keys=False), encoding="utf-8")
        command = [
            str(schemathesis),
            "--no-color",
            "run",
            str(every_version),
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
        unchecked = [path for path in paths if not _succeeded(emulator.state, path)]
    print(f"emulator answers by status: {dict(sorted(stats.items()))}", flush=True)
    if completed.returncode == 0 and unchecked:
        print(f"schemathesis: no success answer on {unchecked}", file=sys.stderr)
        return 1
    return completed.returncode


if __name__ == "__main__":
    raise SystemExit(main())
