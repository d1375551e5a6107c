"""``--format``: one parser for every command that reads an input file (bulk, verify, remove)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from hubspot_associations.cli import app
from hubspot_associations.cli._input_option import parse_input_format
from tests.cli.cli_support import write


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), ("csv", "csv"), ("CSV", "csv"), ("json", "jsonl"), ("JSONL", "jsonl"), ("ndjson", "jsonl")],
)
def test_format_spellings(value: str | None, expected: str | None) -> None:
    assert parse_input_format(value) == expected


@pytest.mark.parametrize("value", ["xml", "", "csv ", "tsv"])
def test_other_formats_are_a_usage_error_naming_the_option(value: str) -> None:
    with pytest.raises(typer.BadParameter, match="expected csv or json") as raised:
        parse_input_format(value)
    assert raised.value.param_hint == "--format"


@pytest.mark.parametrize("command", ["bulk", "verify", "remove"])
def test_every_reading_command_refuses_an_unknown_format_before_sending(tmp_path: Path, command: str) -> None:
    path = write(tmp_path / "rows.csv", "from_type,from_id,to_type,to_id\ncontacts,1,companies,2\n")
    result = CliRunner().invoke(app, [command, str(path), "--format", "xml", "--token", "pat-na1-x"])
    assert result.exit_code == 2
    assert "Invalid value for --format: expected csv or json, got 'xml'" in result.stderr
    assert not list(tmp_path.glob("*.journal"))  # nothing planned, nothing sent
