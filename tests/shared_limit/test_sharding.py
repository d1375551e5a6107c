"""The shard filter and ``--shard`` parser (no Redis needed): properties over any K/N and any text."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from hypothesis import given
from hypothesis import strategies as st

from hubspot_associations.cli._sharding import Shard, parse_shard


@given(st.integers(min_value=1, max_value=50), st.integers(min_value=0, max_value=300))
def test_the_shards_of_a_file_partition_its_rows(count: int, rows: int) -> None:
    taken = [list(Shard(index, count).select(range(rows))) for index in range(1, count + 1)]
    assert sorted(row for shard in taken for row in shard) == list(range(rows))  # each row exactly once
    for index, shard in enumerate(taken, start=1):
        assert all(row % count == index - 1 for row in shard)


@given(st.text(max_size=20))
def test_any_text_is_a_shard_or_a_usage_error(text: str) -> None:
    try:
        shard = parse_shard(text)
    except typer.BadParameter as exc:
        assert exc.param_hint == "--shard"
        return
    assert shard is not None and 1 <= shard.index <= shard.count
    assert parse_shard(f"{shard.index}/{shard.count}") == shard


def test_default_names_carry_the_shard() -> None:
    shard = parse_shard("2/4")
    assert shard is not None
    assert shard.journal_path(Path("in/rows.csv")) == Path("in/rows.csv.shard-2-of-4.journal")
    assert shard.report_path(Path("in/rows.csv")) == Path("in/rows.shard-2-of-4.failures.csv")
    assert parse_shard(None) is None
    with pytest.raises(typer.BadParameter):
        parse_shard("1/10001")
