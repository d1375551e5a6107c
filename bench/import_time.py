"""Cold import time: a fresh interpreter per sample, ``import hubspot_associations`` vs ``import httpx`` vs the
official client's ``from hubspot import HubSpot``, plus ``import httpx, attrs``: both are required runtime
dependencies, so that is the floor any version of this package can reach.

"Cold" means a new process each time (nothing imported yet), with bytecode caches present, as after ``pip install``:
one discarded warm-up run per candidate writes any missing ``.pyc`` (``PYTHONDONTWRITEBYTECODE`` is removed for
the children, otherwise every sample would recompile from source). Candidates run interleaved, round by round, so
drift on a shared machine hits them alike. The time is taken inside the child around the import statement only.
"""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ._common import ROOT, Section, fmt, median, table

_PROBE = "import time; t0 = time.perf_counter(); {stmt}; print((time.perf_counter() - t0) * 1000)"
_LIST_ABOVE_MS = 15.0  # beyond the floor, list the largest imports (a hint where to look)


@dataclass(frozen=True)
class Candidate:
    label: str
    python: Path
    statement: str


def _sample(candidate: Candidate) -> float:
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    out = subprocess.run(
        [str(candidate.python), "-c", _PROBE.format(stmt=candidate.statement)],
        capture_output=True,
        text=True,
        check=True,
        env=env,
        cwd="/",  # not the repo: its overlays/ must not shadow the installed package
    ).stdout
    return float(out.strip().splitlines()[-1])


def top_imports(python: Path, statement: str, exclude: str, limit: int = 8) -> list[tuple[str, float]]:
    """What ``statement`` imports beyond ``exclude``: outermost foreign modules by cumulative ms, and our own
    modules by self ms (``-X importtime``, which inflates every number somewhat)."""

    def tree(stmt: str) -> list[tuple[int, str, float, float]]:
        env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
        err = subprocess.run(
            [str(python), "-X", "importtime", "-c", stmt], capture_output=True, text=True, check=True, env=env, cwd="/"
        ).stderr
        rows = []
        for line in err.splitlines():
            if not line.startswith("import time:") or "cumulative" in line:
                continue
            own, cumulative, name = line[len("import time:") :].split("|")
            depth = (len(name) - len(name.lstrip())) // 2
            rows.append((depth, name.strip(), int(own) / 1000, int(cumulative) / 1000))
        return rows

    def ours(name: str) -> bool:
        return name.split(".")[0] in ("hubspot_associations", "hubspot_associations_api")

    baseline = {name for _, name, _, _ in tree(exclude)}
    added: list[tuple[str, float]] = []
    stack: list[tuple[int, str]] = []
    # -X importtime prints children before their parent: walk backwards to see each parent first.
    for depth, name, own, cumulative in reversed(tree(statement)):
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parent = stack[-1][1] if stack else None
        stack.append((depth, name))
        if ours(name):
            added.append((name + " (self)", own))
        elif name not in baseline and (parent is None or parent in baseline or ours(parent)):
            added.append((name, cumulative))
    added.sort(key=lambda item: -item[1])
    return added[:limit]


# Run in a child: where the time of ``import hubspot_associations`` goes once httpx and attrs are loaded, by
# cProfile (which inflates every figure alike, so the shares are what to read). Buckets by the functions they
# start at: attrs building classes (its decorators), the import system loading modules (finding, reading and
# unmarshalling .pyc files, not running them), re.compile, and the rest (running our modules' own top level).
_PROFILE = """
import cProfile, json, pstats, sys, time
import httpx, attrs
before = set(sys.modules)
profile = cProfile.Profile()
start = time.perf_counter()
profile.enable()
import hubspot_associations
profile.disable()
wall = (time.perf_counter() - start) * 1000
stats = pstats.Stats(profile).stats
def cumulative(match):
    return sum(row[3] for (path, _, name), row in stats.items() if match(path.replace(chr(92), "/"), name)) * 1000
total = sum(row[2] for row in stats.values()) * 1000
attrs_ms = cumulative(lambda path, name: path.endswith("attr/_make.py") and name == "wrap")
loading = cumulative(lambda path, name: "importlib" in path and name in ("get_code", "_find_spec"))
regex = cumulative(lambda path, name: path.endswith("re/__init__.py") and name == "_compile")
classes = sum(row[1] for (path, _, name), row in stats.items() if path.endswith("attr/_make.py") and name == "wrap")
new = [name for name in sys.modules if name not in before]
print(json.dumps({"wall": wall, "profiled": total, "attrs": attrs_ms, "loading": loading, "regex": regex,
                  "classes": classes, "modules": len(new)}))
"""


def import_profile(python: Path) -> dict[str, float]:
    """Where ``import hubspot_associations`` spends its time beyond ``import httpx, attrs`` (see ``_PROFILE``)."""
    env = {key: value for key, value in os.environ.items() if key not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    out = subprocess.run(
        [str(python), "-c", _PROFILE], capture_output=True, text=True, check=True, env=env, cwd="/"
    ).stdout
    result: dict[str, float] = json.loads(out.strip().splitlines()[-1])
    return result


def run(*, quick: bool, ours_python: Path, official_python: Path | None) -> Section:
    samples = 2 if quick else 21
    candidates = [
        Candidate("hubspot_associations", ours_python, "import hubspot_associations"),
        Candidate("httpx", ours_python, "import httpx"),
        Candidate("httpx + attrs", ours_python, "import httpx, attrs"),
    ]
    if official_python is not None:
        candidates.append(Candidate("official `hubspot`", official_python, "from hubspot import HubSpot"))
    for candidate in candidates:
        _sample(candidate)  # warm-up: writes .pyc files
    times: dict[str, list[float]] = {c.label: [] for c in candidates}
    for _ in range(samples):
        for candidate in candidates:
            times[candidate.label].append(_sample(candidate))
    medians = {label: median(values) for label, values in times.items()}
    httpx_ms = medians["httpx"]
    rows = []
    for candidate in candidates:
        ms = medians[candidate.label]
        rows.append(
            [
                f"`{candidate.statement}`",
                fmt(ms),
                f"{ms - httpx_ms:+.1f}",
                f"{ms / httpx_ms:.2f}x",
                f"{min(times[candidate.label]):.1f}-{max(times[candidate.label]):.1f}",
            ]
        )
    ours_ms = medians["hubspot_associations"]
    section = Section("Import time (fresh process, median)")
    section.tables.append(table(["import", "median ms", "vs httpx ms", "vs httpx", "range ms"], rows))
    # No target here any more: an import is only part of what a cold process pays, and deferring work to the first
    # call would game it. bench/cold.py times the whole process (import + client + first call) against a floor.
    keys = {
        "hubspot_associations": "ours",
        "httpx": "httpx",
        "httpx + attrs": "floor",
        "official `hubspot`": "official",
    }
    section.figures.update({f"import.{keys[label]}": ms for label, ms in medians.items()})
    where = "bench/.venvs/ours (a plain `pip install .`)" if ours_python.is_relative_to(ROOT / "bench") else "this venv"
    floor_ms = medians["httpx + attrs"]
    section.notes.append(
        f"{samples} samples per import, interleaved; ours and httpx from {where}. Beyond the floor of its two "
        f"required dependencies (`import httpx, attrs`: attrs adds {floor_ms - httpx_ms:+.1f} ms to httpx), the "
        f"package itself adds {ours_ms - floor_ms:+.1f} ms."
    )
    profile = import_profile(ours_python)
    profiled = profile["profiled"] or 1.0
    own = profiled - profile["attrs"] - profile["loading"] - profile["regex"]
    section.tables.append(
        table(
            ["where `import hubspot_associations` goes (after `import httpx, attrs`; cProfile)", "share"],
            [
                [f"attrs building {profile['classes']:.0f} classes", f"{profile['attrs'] / profiled:.0%}"],
                [
                    f"the import system loading {profile['modules']:.0f} modules (find, read, unmarshal)",
                    f"{profile['loading'] / profiled:.0%}",
                ],
                ["`re.compile`", f"{profile['regex'] / profiled:.0%}"],
                ["running the modules' own top level (ours and the generated package)", f"{own / profiled:.0%}"],
            ],
        )
    )
    section.figures.update({"import.attrs_share": profile["attrs"] / profiled, "import.modules": profile["modules"]})
    if ours_ms - floor_ms > _LIST_ABOVE_MS:
        added = top_imports(ours_python, "import hubspot_associations", "import httpx, attrs")
        listing = ", ".join(f"`{name}` {ms:.1f}" for name, ms in added)
        section.notes.append(
            f"Largest imports beyond `import httpx, attrs` (`-X importtime` cumulative ms, inflated): {listing}."
        )
    return section
