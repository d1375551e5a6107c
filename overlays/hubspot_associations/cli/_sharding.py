"""``bulk --shard K/N``: one input file worked by N processes (on N machines), each resumable on its own.

Shard K (1 to N) takes the rows whose 0-based position in the file modulo N is K-1 -- every row, valid or not,
belongs to exactly one shard, so the N failure reports together cover every invalid row once. Each shard has its
own default journal and report next to the input (``rows.csv.shard-2-of-4.journal``,
``rows.shard-2-of-4.failures.csv``), so shards never write each other's files and ``--resume`` continues one shard.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import attrs
import typer

__all__ = ["Shard", "parse_shard"]

T = TypeVar("T")

_MAX_SHARDS = 10_000


@attrs.frozen
class Shard:
    """Shard ``index`` (1-based) of ``count``."""

    index: int
    count: int

    @property
    def tag(self) -> str:
        return f"shard-{self.index}-of-{self.count}"

    def select(self, rows: Iterable[T]) -> Iterator[T]:
        """The rows of this shard, lazily: positions ``index - 1``, ``index - 1 + count``, ..."""
        return (row for position, row in enumerate(rows) if self.owns(position))

    def owns(self, position: int) -> bool:
        """Whether the row at 0-based ``position`` of the file belongs to this shard."""
        return position % self.count == self.index - 1

    def journal_path(self, path: Path) -> Path:
        """``rows.csv`` → ``rows.csv.shard-K-of-N.journal``."""
        return path.with_name(f"{path.name}.{self.tag}.journal")

    def report_path(self, path: Path) -> Path:
        """``rows.csv`` → ``rows.shard-K-of-N.failures.csv``."""
        return path.with_name(f"{path.stem}.{self.tag}.failures.csv")


def parse_shard(text: str | None) -> Shard | None:
    """``"2/4"`` → ``Shard(2, 4)``; ``None`` → no sharding; anything else is a usage error (exit status 2)."""
    if text is None:
        return None
    index, sep, count = text.strip().partition("/")
    if not (sep and index.isascii() and index.isdigit() and count.isascii() and count.isdigit()):
        raise typer.BadParameter(f"expected K/N such as 1/4, got {text!r}", param_hint="--shard")
    shard = Shard(int(index), int(count))
    if not 1 <= shard.count <= _MAX_SHARDS:
        raise typer.BadParameter(f"N must be from 1 to {_MAX_SHARDS}, got {shard.count}", param_hint="--shard")
    if not 1 <= shard.index <= shard.count:
        raise typer.BadParameter(f"K must be from 1 to N ({shard.count}), got {shard.index}", param_hint="--shard")
    return shard
