"""One shard of a bulk CSV on the *async* client (the CLI runs the sync one), for :mod:`bench.shared_limit`.

``python -m bench._async_shard FILE K N BASE_URL TOKEN REDIS_URL|- BATCH_SIZE`` sends shard K of N of FILE (the
rows whose 0-based position modulo N is K-1, as ``bulk --shard K/N`` does) through ``associate_many(batch_size=)``
and prints one JSON line: the input lines it got confirmed, the failed ones with their error type.
"""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

from hubspot_associations import AsyncHubSpotAssociations
from hubspot_associations.cli._input import ParsedRow, read_rows
from hubspot_associations.cli._sharding import Shard


async def run(
    path: Path, shard: Shard, base_url: str, token: str, redis_url: str | None, batch_size: int
) -> dict[str, object]:
    rows = [item.row for item in shard.select(read_rows(path)) if isinstance(item, ParsedRow)]
    confirmed: list[int] = []
    failed: dict[int, str] = {}
    client = AsyncHubSpotAssociations(token, base_url=base_url, shared_limit=redis_url)
    async with client, client.associate_many(rows, concurrency=8, batch_size=batch_size) as outcomes:
        async for outcome in outcomes:
            line = outcome.row.line or 0
            if outcome.ok:
                confirmed.append(line)
            else:
                failed[line] = type(outcome.error).__name__
    return {"confirmed": confirmed, "failed": failed}


def main(argv: list[str]) -> None:
    path, index, count, base_url, token, redis_url, batch_size = argv
    shard = Shard(int(index), int(count))
    redis = None if redis_url == "-" else redis_url
    result = asyncio.run(run(Path(path), shard, base_url, token, redis, int(batch_size)))
    print(json.dumps(result))


if __name__ == "__main__":
    main(sys.argv[1:])
