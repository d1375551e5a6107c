#!/usr/bin/env python3
"""What the lowest/newest test venvs install, read from pyproject.toml so the ranges there stay the one source.

    python tools/dependency_bounds.py lowest      # "httpx==0.27.0" ... : each runtime dependency at its floor
    python tools/dependency_bounds.py test-tools  # the dev pins of the tools the runtime tests need
    python tools/dependency_bounds.py test-tools --any-version  # their names only

``make test-lowest`` installs the package with the first list as pip constraints (transitive dependencies resolve
as pip chooses), ``make test-newest`` without constraints and with ``--upgrade`` (the newest releases the ranges
allow, which is what ``pip install hubspot-associations`` gives a user today). Both add the test tools, and
nothing else: no generator, no linters, no CLI or emulator extras, so a runtime import the ranges do not cover
fails there. The lowest venv takes the tools' names only: a pinned tool may need more than our floor (trio 0.35
needs attrs >= 23.2), and pip then picks the newest version of the tool that works with the floors. A runtime
dependency without a lower bound (``>=`` or ``==``) is an error: its lowest version would be whatever pip finds
first, which proves nothing.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement

TEST_TOOLS = ("pytest", "hypothesis", "trio", "trustme")
"""What the runtime test files import besides the package: pytest, property tests, the trio loop, test TLS certs."""


def _project(root: Path) -> dict[str, Any]:
    project: dict[str, Any] = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return project


def lowest(project: dict[str, Any]) -> list[str]:
    """``name==floor`` for every runtime dependency (its ``>=`` or ``==`` version)."""
    pins = []
    for line in project["dependencies"]:
        requirement = Requirement(line)
        floors = [spec.version for spec in requirement.specifier if spec.operator in (">=", "==")]
        if len(floors) != 1:
            raise SystemExit(f"pyproject.toml: {line!r} needs exactly one lower bound (>= or ==) to be tested")
        pins.append(f"{requirement.name}=={floors[0]}")
    return pins


def test_tools(project: dict[str, Any], *, any_version: bool = False) -> list[str]:
    """The ``dev`` extra's pins of :data:`TEST_TOOLS`, as written there (``any_version``: their names)."""
    dev = [Requirement(line) for line in project["optional-dependencies"]["dev"]]
    pins = {requirement.name: str(requirement) for requirement in dev}
    missing = [name for name in TEST_TOOLS if name not in pins]
    if missing:
        raise SystemExit(f"pyproject.toml: the dev extra pins no {', '.join(missing)}")
    return list(TEST_TOOLS) if any_version else [pins[name] for name in TEST_TOOLS]


def main(argv: list[str]) -> int:
    if argv not in (["lowest"], ["test-tools"], ["test-tools", "--any-version"]):
        print(__doc__, file=sys.stderr)
        return 2
    project = _project(Path(__file__).resolve().parent.parent)
    pins = lowest(project) if argv[0] == "lowest" else test_tools(project, any_version=len(argv) == 2)
    print("\n".join(pins))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
