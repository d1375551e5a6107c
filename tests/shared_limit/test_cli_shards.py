"""``bulk --shard K/N`` and ``--shared-limit``: option checks, the row filter, per-shard journals, resume; and the
issue's done-when run at a small scale (4 processes, 2 CLI sync + 2 async, one Redis budget)."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bench._servers import emulator_process
from bench.shared_limit import SHARDS, run_once, write_csv
from hubspot_associations.cli import app
from hubspot_associations.cli._journal import load_journal
from hubspot_associations.emulator import EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.shared_limit.redis_support import RedisServer

HEADER = "from_type,from_id,to_type,to_id\n"


@pytest.fixture
def emulator() -> Iterator[RunningEmulator]:
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None)) as running:
        yield running


def _bulk(emulator: RunningEmulator, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(
        app, ["bulk", *args, "--base-url", emulator.base_url, "--token", emulator.token], catch_exceptions=False
    )
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("value", ["0/4", "5/4", "4", "a/b", "1/0", "-1/4", "1/4/2", "\uff11/4"])
def test_a_bad_shard_is_a_usage_error_before_anything_is_sent(
    emulator: RunningEmulator, tmp_path: Path, value: str
) -> None:
    rows = write_csv(tmp_path / "rows.csv", 4)
    code, _, err = _bulk(emulator, str(rows), "--shard", value)
    assert code == 2 and "--shard" in err
    assert emulator.state.put_count == 0
    assert not list(tmp_path.glob("*journal*"))


def test_a_bad_shared_limit_is_a_usage_error(emulator: RunningEmulator, tmp_path: Path) -> None:
    rows = write_csv(tmp_path / "rows.csv", 4)
    code, _, err = _bulk(emulator, str(rows), "--shared-limit", "http://user:pw-secret@127.0.0.1:6379")
    assert code == 2 and "--shared-limit" in err and "pw-secret" not in err
    assert emulator.state.put_count == 0


def test_shards_split_the_file_each_with_its_own_journal_report_and_resume(
    emulator: RunningEmulator, tmp_path: Path
) -> None:
    lines = [f"contacts,{1000001 + i},companies,{2000001 + i}\n" for i in range(10)]
    lines[5] = "contacts,not-an-id,companies,2000006\n"  # position 5: shard 2 of 4 owns it
    path = tmp_path / "rows.csv"
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    confirmed: dict[int, int] = {}
    for index in range(1, 5):
        code, out, _ = _bulk(emulator, str(path), "--shard", f"{index}/4", "--json")
        summary = json.loads(out)
        assert code == (1 if index == 2 else 0)
        journal = tmp_path / f"rows.csv.shard-{index}-of-4.journal"
        assert summary["journal"] == str(journal)
        for line in load_journal(journal):
            confirmed[line] = confirmed.get(line, 0) + 1
            assert (line - 2) % 4 == index - 1  # file line 2 is position 0
    assert sorted(confirmed) == [line for line in range(2, 12) if line != 7] and set(confirmed.values()) == {1}
    with (tmp_path / "rows.shard-2-of-4.failures.csv").open(newline="") as handle:
        assert [row["line"] for row in csv.DictReader(handle)] == ["7"]
    assert not (tmp_path / "rows.failures.csv").exists() and not (tmp_path / "rows.csv.journal").exists()
    sent = emulator.state.put_count
    code, out, _ = _bulk(emulator, str(path), "--shard", "3/4", "--resume", "--json")
    assert code == 0 and json.loads(out)["skipped_already_confirmed"] == 2
    assert emulator.state.put_count == sent  # nothing of shard 3 sent again
    code, _, err = _bulk(emulator, str(path), "--shard", "3/4")
    assert code == 2 and "--resume" in err  # its journal exists: resume or restart, as without shards


def test_four_processes_on_one_shared_limit_get_no_429_and_send_every_row_once(
    tmp_path: Path, redis_server: RedisServer
) -> None:
    limit, window, rows = 50, 1.0, 250
    path = write_csv(tmp_path / "rows.csv", rows)
    with emulator_process(limit, window) as base_url:
        # One request per row (250 requests, five windows): the batched run is tests/shared_limit/
        # test_batched_shards.py and bench/shared_limit.py.
        shared = run_once(base_url, path, rows, limit, window, redis_server.url, 1)
        baseline = run_once(base_url, path, rows, limit, window, None, 1)
    assert SHARDS == 4 and shared.exit_codes == [0, 0, 0, 0]
    assert shared.served_429 == 0, shared.fallbacks
    assert shared.exact  # every row stored once, confirmed by exactly one shard
    # Without the shared budget the four pacers each spend the whole limit: the emulator refuses some.
    assert baseline.served_429 > 0
