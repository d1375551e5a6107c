"""``hubspot-associations associate`` against the emulator."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from hubspot_associations.cli import app
from hubspot_associations.emulator import Association
from tests.cli.cli_support import Cli, write


def test_default_association(cli: Cli) -> None:
    result = cli("associate", "contacts", "1000001", "companies", "2000001")
    assert result.exit_code == 0, result.output
    assert "contacts 1000001 → companies 2000001 (type 279" in result.stdout
    assert "companies 2000001 → contacts 1000001 (type 280" in result.stdout
    assert cli.emulator.state.all_associations() == [
        Association("0-1", "1000001", "0-2", "2000001", "HUBSPOT_DEFINED", 279)
    ]


def test_labelled_association_with_json(cli: Cli) -> None:
    result = cli(
        "associate", "contacts", "1000001", "companies", "2000001", "--type", "36:user_defined", "-t", "1", "--json"
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["ok"] is True and body["attempts"] == 1 and body["correlation_id"]
    assert body["result"]["labels"] == ["Manager", "Primary"]
    assert {(a.category, a.type_id) for a in cli.emulator.state.all_associations()} == {
        ("USER_DEFINED", 36),
        ("HUBSPOT_DEFINED", 1),
    }


def test_refused_by_hubspot_exits_1_with_the_reason(cli: Cli) -> None:
    result = cli("associate", "contacts", "1999999", "companies", "2000001")
    assert result.exit_code == 1
    assert "400 VALIDATION_ERROR" in result.stderr and "CONTACT=1999999" in result.stderr
    json_result = cli("associate", "contacts", "1999999", "companies", "2000001", "--json")
    error = json.loads(json_result.stdout)["error"]
    assert json_result.exit_code == 1 and error["status"] == 400 and error["correlation_id"]
    assert error["attempts"] == 1  # a 400 is final: read from the error, not guessed


def test_bad_arguments_exit_2_before_sending(cli: Cli) -> None:
    bad_id = cli("associate", "contacts", "12ab", "companies", "2000001")
    assert bad_id.exit_code == 2 and "FROM_ID" in bad_id.output and "numeric" in bad_id.output
    bad_type = cli("associate", "cars", "1", "companies", "2000001")
    assert bad_type.exit_code == 2 and "FROM_TYPE" in bad_type.output
    bad_category = cli("associate", "contacts", "1000001", "companies", "2000001", "--type", "36:FRIENDS")
    assert bad_category.exit_code == 2 and "FRIENDS" in bad_category.output
    bad_spec = cli("associate", "contacts", "1000001", "companies", "2000001", "--type", "x")
    assert bad_spec.exit_code == 2 and "ID[:CATEGORY]" in bad_spec.output
    assert cli.emulator.state.put_count == 0


def test_missing_credentials(cli: Cli) -> None:
    result = cli("associate", "contacts", "1000001", "companies", "2000001", auth=False)
    assert result.exit_code == 2 and "no credentials" in result.output


def test_token_from_environment(cli: Cli) -> None:
    args = ["associate", "contacts", "1000001", "companies", "2000001", "--base-url", cli.emulator.base_url]
    result = CliRunner().invoke(app, args, env={"HUBSPOT_ACCESS_TOKEN": cli.emulator.token})
    assert result.exit_code == 0, result.output


def test_oauth_settings_refresh_against_the_base_url(cli: Cli) -> None:
    args = ["associate", "contacts", "1000001", "companies", "2000001", "--base-url", cli.emulator.base_url]
    env = {"HUBSPOT_CLIENT_ID": "emulator-client", "HUBSPOT_CLIENT_SECRET": "emulator-secret"}
    result = CliRunner().invoke(app, [*args, "--refresh-token", "emulator-refresh"], env=env)
    assert result.exit_code == 0, result.output
    assert cli.emulator.state.token_grants == 1
    partial = CliRunner().invoke(app, [*args, "--client-id", "emulator-client"])
    assert partial.exit_code == 2 and "--client-secret" in partial.output


def test_unknown_association_type_gives_hubspots_reason_everywhere(cli: Cli, tmp_path: Path) -> None:
    reason = "INVALID_ASSOCIATION_TYPE_ID: USER_DEFINED=987654 is not a valid association definition id"
    args = ("associate", "contacts", "1000001", "companies", "2000001", "--type", "987654:USER_DEFINED")
    result = cli(*args)
    assert result.exit_code == 1 and reason in result.stderr
    as_json = cli(*args, "--json")
    error = json.loads(as_json.stdout)["error"]
    assert reason in error["message"] and error["invalid_object_ids"] == []
    assert error["invalid_association_type_ids"] == ["USER_DEFINED=987654 is not a valid association definition id"]
    rows = write(
        tmp_path / "rows.csv",
        "from_type,from_id,to_type,to_id,type_id,category\n" + ",".join(args[1:5]) + ",987654,USER_DEFINED\n",
    )
    bulk = cli("bulk", str(rows))
    assert bulk.exit_code == 1  # the summary counts it; the report says why
    with (tmp_path / "rows.failures.csv").open(newline="") as handle:
        (row,) = csv.DictReader(handle)
    assert reason in row["message"]
    assert cli.emulator.state.all_associations() == []
