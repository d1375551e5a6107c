"""Help screens and messages a person can read: every --help, --version, the missing extra, line numbers, ports."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from hubspot_associations import __version__
from hubspot_associations.cli import app
from tests.cli.cli_support import write

HEADER = "from_type,from_id,to_type,to_id,type_id\n"


def _help(*command: str) -> str:
    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.replace("│", " ").split())
    assert "<bool>" not in text and "[/" not in text
    assert "``" not in text and ":class:" not in text and ":func:" not in text  # no raw reST
    return text


def test_main_help() -> None:
    text = _help()
    assert "Usage: hubspot-associations [OPTIONS] COMMAND" in text
    assert "--version Print the version and exit." in text
    for command in ("associate", "bulk", "emulator"):
        assert command in text


def test_bulk_help_renders_defaults_progress_and_exit_codes() -> None:
    text = _help("bulk")
    assert "Journal path (default: FILE.journal)." in text
    assert "Failure report path (default: FILE without suffix + .failures.csv)." in text
    assert "--format csv|json Input format; json is JSON Lines or a JSON array (default: JSON for .json" in text
    assert "or HubSpot's fromObjectType, fromObjectId, toObjectType, toObjectId" in text
    assert "--progress --no-progress Show a progress bar with rate, counts and ETA on stderr" in text
    for code in ("0 every row confirmed", "1 some rows failed", "2 bad usage", "3 stopped early", "130 interrupted"):
        assert code in text


def test_associate_help() -> None:
    text = _help("associate")
    assert "Associate two records" in text and "--type -t ID[:CATEGORY] Association type (repeatable)" in text
    assert "[env var: HUBSPOT_ACCESS_TOKEN]" in text and "[default: https://api.hubapi.com]" in text


@pytest.mark.parametrize(
    ("command", "usage"),
    [
        ("bulk", "Usage: hubspot-associations bulk [OPTIONS] FILE "),
        ("associate", "Usage: hubspot-associations associate [OPTIONS] FROM_TYPE FROM_ID TO_TYPE TO_ID "),
    ],
)
def test_usage_lines_name_arguments_plainly(command: str, usage: str) -> None:
    text = _help(command)
    assert text.startswith(usage) and "{" not in text.partition("Options")[0]


def test_a_missing_argument_names_it_plainly() -> None:
    result = CliRunner().invoke(app, ["bulk"], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 2 and "Usage: hubspot-associations bulk [OPTIONS] FILE" in result.output


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"hubspot-associations {__version__}"


def test_the_console_script_without_the_cli_extra_says_what_to_install() -> None:
    code = "import sys; sys.modules['typer'] = None; from hubspot_associations.cli import main; main()"
    result = subprocess.run([sys.executable, "-c", code, "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "pip install 'hubspot-associations[cli]'" in result.stderr and "Traceback" not in result.stderr


def test_non_utf8_bytes_are_reported_on_their_own_line(tmp_path: Path) -> None:
    path = tmp_path / "rows.csv"
    path.write_bytes(HEADER.encode() + b"contacts,1000001,companies,2000001,\n" * 2 + b"\xff\xfe,1,2\n")
    result = CliRunner().invoke(app, ["bulk", str(path), "--dry-run"])
    assert result.exit_code == 2 and "line 4: not UTF-8 text" in result.stderr


def test_type_id_errors_name_the_column(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + "contacts,1000001,companies,2000001,0\ncontacts,1,companies,2,x\n")
    result = CliRunner().invoke(app, ["bulk", str(path), "--dry-run"])
    assert result.exit_code == 1
    assert "line 2: type_id: must be between 1" in result.stderr and "line 3: type_id:" in result.stderr
    assert "association_type_id" not in result.stderr


def test_format_jsonl_on_a_csv_stops_with_one_error(tmp_path: Path) -> None:
    path = write(tmp_path / "rows.csv", HEADER + "contacts,1000001,companies,2000001,\n" * 50)
    result = CliRunner().invoke(app, ["bulk", str(path), "--format", "jsonl", "--dry-run"])
    assert result.exit_code == 2
    assert result.stderr.count("Error") == 1 and "line 1: not JSON Lines" in result.stderr
    assert "--format csv" in result.stderr


def _emulator(*args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "hubspot_associations.cli", "emulator", *args]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_emulator_port_0_prints_the_port_it_bound_and_logs_requests() -> None:
    process = _emulator("--port", "0", "--rate-limit", "off", "--log-requests")
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        match = re.fullmatch(r"HubSpot emulator: http://127\.0\.0\.1:(\d+)\n", first)
        assert match and int(match[1]) != 0, first
        banner = [first]
        while banner[-1] not in ("Ctrl-C stops it.\n", "") and len(banner) < 30:  # "": the process ended
            banner.append(process.stdout.readline())
        assert "  rate limit     off\n" in banner and "  access token   emulator-token\n" in banner
        for _ in range(100):  # the server starts right after printing
            try:
                response = httpx.get(f"http://127.0.0.1:{match[1]}/nowhere", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.05)
        assert response.status_code == 404
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=10)
    assert "Ctrl-C stops it.\n" in banner
    assert re.search(r"^GET /nowhere 404 \d+ ms$", rest, re.MULTILINE), rest


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_emulator_bad_port_is_a_clean_usage_error(port: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "hubspot_associations.cli", "emulator", "--port", port],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr and "--port" in result.stderr


def test_emulator_port_in_use_is_a_clean_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _emulator("--port", str(port))
        _, stderr = process.communicate(timeout=60)
    assert process.returncode == 2 and "Traceback" not in stderr
    assert f"cannot listen on 127.0.0.1:{port}" in stderr and "in use" in stderr
