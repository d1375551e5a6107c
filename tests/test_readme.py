"""The README's Quickstart and every guide in docs/guides/ run as written.

Each page's Python blocks run in order, in one Python session per page, against `hubspot-associations emulator`
started the way the README starts it, with the environment its `export` line sets; each block prints exactly the
```text block that follows it (nothing when none does). The README's three CLI commands run too, on its rows file.
So the docs cannot drift from the code. Nothing reaches HubSpot: every proxy variable points at a closed port,
loopback excepted."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
GUIDES = ROOT / "docs" / "guides"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# Runs the blocks (JSON on stdin) in one namespace, a marker line before each so outputs can be told apart.
RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
name, blocks = json.load(sys.stdin)
for index, block in enumerate(blocks):
    print(f"--- block {index}", flush=True)
    exec(compile(block, f"{name} block {index}", "exec"), namespace)
"""
# Guides whose examples are run here; a guide with Python blocks that is not listed fails the test below.
RUN_GUIDES = (
    "api-versions.md",
    "async.md",
    "batch.md",
    "bulk.md",
    "client.md",
    "oauth.md",
    "shared-limit.md",
    "testing.md",
    "verify-and-remove.md",
)


def section(text: str, heading: str) -> str:
    start = text.index(f"\n## {heading}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def quickstart() -> str:
    return section(README.read_text(encoding="utf-8"), "Quickstart")


def blocks(text: str) -> list[tuple[str, str, str | None]]:
    """(language, code, the text block right after it, if any) for each fenced block of the text."""
    fences = list(FENCE.finditer(text))
    found = []
    for index, fence in enumerate(fences):
        following = fences[index + 1] if index + 1 < len(fences) else None
        between = text[fence.end() : following.start()] if following else ""
        output = following.group(2) if following and following.group(1) == "text" and len(between) < 40 else None
        found.append((fence.group(1), fence.group(2), output))
    return found


def pages() -> dict[str, str]:
    """Every page whose Python blocks run: the README's Quickstart and each guide, by name."""
    found = {"README.md Quickstart": quickstart()}
    for guide in sorted(GUIDES.glob("*.md")):
        found[f"docs/guides/{guide.name}"] = guide.read_text(encoding="utf-8")
    return found


def readme_environment() -> tuple[list[str], dict[str, str]]:
    """The emulator command line and the `export`ed variables of the Quickstart's first bash block."""
    bash = next(code for language, code, _ in blocks(quickstart()) if language == "bash")
    command: list[str] = []
    exported: dict[str, str] = {}
    for line in bash.splitlines():
        words = shlex.split(line, comments=True)
        if words[:2] == ["hubspot-associations", "emulator"]:
            command = words
        elif words[:1] == ["export"]:
            for word in words[1:]:
                name, _, value = word.partition("=")
                exported[name] = value
    assert command and exported, "the Quickstart's bash block must start the emulator and export its settings"
    return command, exported


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def emulator() -> Iterator[str]:
    """`hubspot-associations emulator` with the README's options, on a free port instead of the README's."""
    command, _ = readme_environment()
    port = _free_port()
    options = command[2:]
    options[options.index("--port") + 1] = str(port)
    process = subprocess.Popen(
        [sys.executable, "-m", "hubspot_associations.cli", "emulator", *options],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, "the emulator exited"
                assert time.monotonic() < deadline, "the emulator did not start within 30 s"
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _environment(emulator: str) -> dict[str, str]:
    """The README's exports, pointed at the test's emulator, with every proxy closed but loopback."""
    _, exported = readme_environment()
    assert exported["HUBSPOT_BASE_URL"].startswith("http://127.0.0.1:")
    closed = "http://127.0.0.1:9"  # so a block that tried HubSpot itself would fail, not reach it
    env = {key: value for key, value in os.environ.items() if not key.upper().endswith("_PROXY")}
    env |= {**exported, "HUBSPOT_BASE_URL": emulator, "HTTPS_PROXY": closed, "HTTP_PROXY": closed}
    env |= {"ALL_PROXY": closed, "NO_PROXY": "127.0.0.1,localhost"}
    for name in ("HUBSPOT_CLIENT_ID", "HUBSPOT_CLIENT_SECRET", "HUBSPOT_REFRESH_TOKEN"):
        env.pop(name, None)  # the OAuth guide falls back to the emulator's client
    return env


def test_the_quickstart_reaches_a_call_in_the_first_60_lines() -> None:
    head = "\n".join(README.read_text(encoding="utf-8").splitlines()[:62])
    python = [code for language, code, output in blocks(head) if language == "python" and output is not None]
    assert python and "client.associate" in python[0]


def test_the_pages_have_code_and_outputs() -> None:
    runnable = {name for name, text in pages().items() if any(language == "python" for language, _, _ in blocks(text))}
    assert runnable == {"README.md Quickstart", *(f"docs/guides/{name}" for name in RUN_GUIDES)}
    outputs = sum(output is not None for text in pages().values() for language, _, output in blocks(text))
    assert outputs >= 6  # the Quickstart, client, OAuth, async, bulk sync and async


@pytest.mark.parametrize("name", ["README.md Quickstart", *(f"docs/guides/{name}" for name in RUN_GUIDES)])
def test_the_page_runs_against_the_emulator(name: str, emulator: str) -> None:
    python = [(code, output) for language, code, output in blocks(pages()[name]) if language == "python"]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([name, [code for code, _ in python]]),
        env=_environment(emulator),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    printed = re.split(r"^--- block \d+\n", done.stdout, flags=re.MULTILINE)[1:]
    assert len(printed) == len(python)
    for index, ((_code, expected), actual) in enumerate(zip(python, printed, strict=True)):
        expected = expected or ""  # a block the page shows no output for must print nothing
        assert actual == expected, f"{name} block {index} printed\n{actual}\ninstead of\n{expected}"


def _run_commands(bash: str, emulator: str, cwd: Path) -> list[subprocess.CompletedProcess[str]]:
    """Each `hubspot-associations associate|bulk|verify|remove` line of a bash block, run as the CLI module."""
    done = []
    for line in bash.splitlines():
        words = shlex.split(line, comments=True)
        if words[:1] != ["hubspot-associations"] or words[1] not in ("associate", "bulk", "verify", "remove"):
            continue
        if "--shared-limit" in words:  # a Redis of the example's network: tests/shared_limit/ runs a real one
            at = words.index("--shared-limit")
            del words[at : at + 2]
        done.append(
            subprocess.run(
                [sys.executable, "-m", "hubspot_associations.cli", *words[1:]],
                env=_environment(emulator),
                cwd=cwd,
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
            )
        )
        assert done[-1].returncode == 0, (line, done[-1].stdout + done[-1].stderr)
    return done


def _readme_rows() -> str:
    cli = section(README.read_text(encoding="utf-8"), "The command line in three commands")
    (csv,) = [code for language, code, _ in blocks(cli) if language == "csv"]
    return csv


def test_the_readme_cli_commands_run(emulator: str, tmp_path: Path) -> None:
    """The README's rows file and its three commands: each exits 0, and the run confirms every row."""
    cli = section(README.read_text(encoding="utf-8"), "The command line in three commands")
    (bash,) = [code for language, code, _ in blocks(cli) if language == "bash"]
    csv = _readme_rows()
    (tmp_path / "rows.csv").write_text(csv, encoding="utf-8")
    commands = [shlex.split(line, comments=True)[1] for line in bash.splitlines() if line.strip()]
    assert commands == ["associate", "bulk", "bulk"]
    _associate, _dry_run, run = _run_commands(bash, emulator, tmp_path)
    rows = len(csv.strip().splitlines()) - 1
    assert f"{rows} confirmed" in run.stdout, run.stdout
    assert (tmp_path / "rows.csv.journal").is_file()


def test_the_cli_guide_commands_run(emulator: str, tmp_path: Path) -> None:
    guide = blocks((GUIDES / "cli.md").read_text(encoding="utf-8"))
    (csv, *_) = [code for language, code, _ in guide if language == "csv"]
    (bash, *_) = [code for language, code, _ in guide if language == "bash"]
    (tmp_path / "rows.csv").write_text(csv, encoding="utf-8")
    assert len(_run_commands(bash, emulator, tmp_path)) == 7
    assert (tmp_path / "failures.csv").exists() is False  # every row was confirmed: no report to read
    # The API version guide's commands continue that run on 2026-09: every row already confirmed, none sent again.
    versions = blocks((GUIDES / "api-versions.md").read_text(encoding="utf-8"))
    (moved,) = [code for language, code, _ in versions if language == "bash"]
    _associate, resumed = _run_commands(moved, emulator, tmp_path)
    assert "0 confirmed" in resumed.stdout and "3 already confirmed earlier" in resumed.stdout, resumed.stdout
