"""The circuit breaker: an answer that dooms every following row stops the run (exit 3); --resume continues."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from hubspot_associations.cli import app
from hubspot_associations.emulator import DEFAULT_SCOPES, EmulatorConfig, run_emulator_in_thread
from tests.cli.cli_support import Cli, write

EXIT_STOPPED = 3


def _rows(path: Path, count: int, to_type: str = "companies", first_to: int = 2000001) -> Path:
    lines = "".join(f"contacts,{1000001 + n},{to_type},{first_to + n}\n" for n in range(count))
    return write(path, "from_type,from_id,to_type,to_id\n" + lines)


def test_a_wrong_token_over_200_rows_sends_one_request_and_resume_finishes(cli: Cli, tmp_path: Path) -> None:
    path = _rows(tmp_path / "rows.csv", 200)
    args = ["bulk", str(path), "--json", "--base-url", cli.emulator.base_url, "--token", "pat-na1-wrong-token"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == EXIT_STOPPED, result.output
    assert len(cli.emulator.state.request_log) == 1  # the first request (a batch of 100 rows) goes alone
    summary = json.loads(result.stdout)
    assert summary["failed"] + summary["not_attempted"] == 200 and summary["failed"] == 100
    assert summary["requests"] == 1
    assert summary["confirmed"] == 0 and "AUTHENTICATION" in summary["stopped_by"]
    with (tmp_path / "rows.failures.csv").open(newline="") as handle:
        failed = list(csv.DictReader(handle))
    assert len(failed) == summary["failed"] and all(row["http_status"] == "401" for row in failed)

    resumed = cli("bulk", str(path), "--resume", "--json")  # the right token now
    assert resumed.exit_code == 0, resumed.output
    assert json.loads(resumed.stdout)["confirmed"] == 200
    assert len(cli.emulator.state.all_associations()) == 200


def test_text_summary_says_why_it_stopped(cli: Cli, tmp_path: Path) -> None:
    path = _rows(tmp_path / "rows.csv", 20)
    args = [
        "bulk",
        str(path),
        "--batch-size",
        "1",
        "--base-url",
        cli.emulator.base_url,
        "--token",
        "pat-na1-wrong-token",
    ]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == EXIT_STOPPED
    assert "stopped rows.csv" in result.stdout and "19 not attempted" in result.stdout
    assert "Stopped sending:" in result.stdout and "--token" in result.stdout and "--resume" in result.stdout


def test_missing_scopes_stop_only_that_object_pair(tmp_path: Path) -> None:
    scopes = DEFAULT_SCOPES - {"crm.objects.deals.write"}
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, tokens={"pat-na1-few": scopes})) as emulator:
        text = _rows(tmp_path / "a.csv", 30).read_text()
        deals = _rows(tmp_path / "b.csv", 30, "deals", 3000001).read_text().splitlines(keepends=True)[1:]
        path = write(tmp_path / "rows.csv", text + "".join(deals))
        args = [
            "bulk",
            str(path),
            "--batch-size",
            "1",
            "--json",
            "--base-url",
            emulator.base_url,
            "--token",
            "pat-na1-few",
        ]
        result = CliRunner().invoke(app, [*args, "--concurrency", "1"], catch_exceptions=False)
        assert result.exit_code == EXIT_STOPPED, result.output
        summary = json.loads(result.stdout)
        # The row the worker had already taken when the 403 came back is sent (and fails) too.
        failed = summary["failed"]
        assert summary["confirmed"] == 30 and 1 <= failed <= 2 and summary["not_attempted"] == 30 - failed
        assert summary["blocked_object_pairs"] == ["0-1 -> 0-3"] and summary["stopped_by"] is None
        assert sum(1 for _, p, _ in emulator.state.request_log if "/deals/" in p) == failed
        with (tmp_path / "rows.failures.csv").open(newline="") as handle:
            report = list(csv.DictReader(handle))
        assert [row["error_category"] for row in report].count("NOT_ATTEMPTED") == 30 - failed
        assert [row["http_status"] for row in report].count("403") == failed


def test_a_spent_daily_limit_stops_the_run(tmp_path: Path) -> None:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, daily_limit=5)) as emulator:
        path = _rows(tmp_path / "rows.csv", 50)
        result = Cli(emulator)("bulk", str(path), "--batch-size", "1", "--json", "--concurrency", "1")
        assert result.exit_code == EXIT_STOPPED, result.output
        summary = json.loads(result.stdout)
        assert summary["confirmed"] == 5 and "DAILY_LIMIT" in summary["stopped_by"]
        assert 1 <= summary["failed"] <= 2 and summary["failed"] + summary["not_attempted"] == 45
        assert len(emulator.state.request_log) == 5 + summary["failed"]


def test_a_refused_oauth_refresh_stops_the_run(cli: Cli, tmp_path: Path) -> None:
    path = _rows(tmp_path / "rows.csv", 50)
    oauth = ["--client-id", "nobody", "--client-secret", "s3cr3t-value", "--refresh-token", "r3fr3sh-value"]
    args = ["bulk", str(path), "--batch-size", "1", "--json", "--base-url", cli.emulator.base_url, *oauth]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == EXIT_STOPPED, result.output
    summary = json.loads(result.stdout)
    assert summary["failed"] == 1 and summary["not_attempted"] == 49 and "OAUTH_REFRESH" in summary["stopped_by"]
    assert "s3cr3t-value" not in result.output and "r3fr3sh-value" not in result.output
    assert len(cli.emulator.state.request_log) <= 1


def test_a_401_that_survives_a_successful_oauth_refresh_stops_the_run(tmp_path: Path) -> None:
    # The token endpoint accepts the refresh, but every token it issues is already expired (lifetime 0): the API's
    # 401 EXPIRED_AUTHENTICATION comes back after the refresh too. No refresh can fix that, so the run stops.
    config = EmulatorConfig(rate_limit=None, oauth_token_lifetime_s=0)
    with run_emulator_in_thread(config) as emulator:
        path = _rows(tmp_path / "rows.csv", 200)
        oauth = ["--client-id", "emulator-client", "--client-secret", "emulator-secret"]
        args = [
            "bulk",
            str(path),
            "--batch-size",
            "1",
            "--json",
            "--base-url",
            emulator.base_url,
            *oauth,
            "--refresh-token",
        ]
        result = CliRunner().invoke(app, [*args, "emulator-refresh"], catch_exceptions=False)
        assert result.exit_code == EXIT_STOPPED, result.output
        summary = json.loads(result.stdout)
        assert summary["confirmed"] == 0 and "AUTHENTICATION" in summary["stopped_by"]
        assert "OAUTH_REFRESH" not in summary["stopped_by"]  # the refresh itself succeeded
        assert "--refresh-token" in summary["stopped_by"]  # the way out names the OAuth flags, not only --token
        assert 1 <= summary["failed"] <= 8 and summary["failed"] + summary["not_attempted"] == 200
        api_calls = [path for _, path, _ in emulator.state.request_log if "/associations/" in path]
        refreshes = [path for _, path, _ in emulator.state.request_log if path.endswith("/oauth/v1/token")]
        assert refreshes and len(api_calls) <= 2 * 8  # a handful of rows, each sent before and after its refresh
        with (tmp_path / "rows.failures.csv").open(newline="") as handle:
            report = list(csv.DictReader(handle))
        assert [row["http_status"] for row in report].count("401") == summary["failed"]
        assert "emulator-secret" not in result.output and "emulator-refresh" not in result.output
