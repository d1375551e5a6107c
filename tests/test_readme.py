"""The README's Quickstart runs as written: every Python block of the section, in order, in one Python session,
against `hubspot-associations emulator` started the way the README starts it, with the environment its `export`
line sets, and each block prints exactly the ```text block that follows it (nothing when none does). So the README cannot
drift from the code. Nothing reaches HubSpot: every proxy variable points at a closed port, loopback excepted."""

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
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
# Runs the blocks (JSON on stdin) in one namespace, a marker line before each so outputs can be told apart.
RUNNER = """
import json, sys
namespace = {"__name__": "__main__"}
for index, block in enumerate(json.load(sys.stdin)):
    print(f"--- block {index}", flush=True)
    exec(compile(block, f"README.md Quickstart block {index}", "exec"), namespace)
"""


def quickstart() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("\n## Quickstart\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def blocks() -> list[tuple[str, str, str | None]]:
    """(language, code, the text block right after it, if any) for each fenced block of the Quickstart."""
    section = quickstart()
    fences = list(FENCE.finditer(section))
    found = []
    for index, fence in enumerate(fences):
        following = fences[index + 1] if index + 1 < len(fences) else None
        between = section[fence.end() : following.start()] if following else ""
        output = following.group(2) if following and following.group(1) == "text" and len(between) < 40 else None
        found.append((fence.group(1), fence.group(2), output))
    return found


def readme_environment() -> tuple[list[str], dict[str, str]]:
    """The emulator command line and the `export`ed variables of the Quickstart's first bash block."""
    bash = next(code for language, code, _ in blocks() if language == "bash")
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


@pytest.fixture
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


def test_the_quickstart_has_code_and_outputs() -> None:
    languages = [language for language, _, _ in blocks()]
    assert languages.count("python") >= 4  # calls, OAuth, bulk sync and async
    assert sum(output is not None for language, _, output in blocks() if language == "python") >= 4


def test_the_quickstart_runs_against_the_emulator(emulator: str) -> None:
    _, exported = readme_environment()
    assert exported["HUBSPOT_BASE_URL"].startswith("http://127.0.0.1:")
    closed = "http://127.0.0.1:9"  # so a block that tried HubSpot itself would fail, not reach it
    env = {key: value for key, value in os.environ.items() if not key.upper().endswith("_PROXY")}
    env |= {**exported, "HUBSPOT_BASE_URL": emulator, "HTTPS_PROXY": closed, "HTTP_PROXY": closed}
    env |= {"ALL_PROXY": closed, "NO_PROXY": "127.0.0.1,localhost"}
    python = [(code, output) for language, code, output in blocks() if language == "python"]
    done = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([code for code, _ in python]),
        env=env,
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
        expected = expected or ""  # a block the README shows no output for must print nothing
        assert actual == expected, f"Quickstart block {index} printed\n{actual}\ninstead of\n{expected}"
