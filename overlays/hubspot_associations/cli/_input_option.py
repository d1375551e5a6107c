"""The ``--format`` option of the commands that read an input file (``bulk``, ``verify``, ``remove``)."""

from __future__ import annotations

import typer

from ._input import InputFormat

__all__ = ["parse_input_format"]


def parse_input_format(value: str | None) -> InputFormat | None:
    """``--format``'s value as an input format (``None``: detect it from the file); case-insensitive ``csv``, or
    ``json``, ``jsonl`` or ``ndjson`` (JSON Lines or a JSON array). Anything else is a usage error naming the option."""
    if value is None:
        return None
    lowered = value.lower()
    if lowered == "csv":
        return "csv"
    if lowered in ("json", "jsonl", "ndjson"):
        return "jsonl"
    raise typer.BadParameter(f"expected csv or json, got {value!r}", param_hint="--format")
