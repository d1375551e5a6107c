"""HubSpot's official client (``hubspot-api-client``) creating a CSV's associations with its batch API, as its
documentation shows: chunks of 100 per ``batch_api.create_default`` / ``batch_api.create`` call, sequential, no
pacing, no retry configured. Run by ``bench/bulk_batches.py`` with the Python of ``bench/.venvs/official`` (which has
neither this repository nor httpx). Prints one JSON line.

Counted: requests, 429s (an ``ApiException`` loses its chunk: the caller does not know what happened to those rows),
rows confirmed (results naming the pair), and failed rows it can name (error items naming an id of the chunk).
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--file", required=True)
    parser.add_argument("--chunk", type=int, default=100)
    args = parser.parse_args()

    from hubspot import HubSpot  # type: ignore[import-not-found, unused-ignore]
    from hubspot.crm.associations.v4 import (  # type: ignore[import-not-found, unused-ignore]
        AssociationSpec,
        BatchInputPublicAssociationMultiPost,
        BatchInputPublicDefaultAssociationMultiPost,
        PublicAssociationMultiPost,
        PublicDefaultAssociationMultiPost,
        PublicObjectId,
    )
    from hubspot.crm.associations.v4.exceptions import ApiException  # type: ignore[import-not-found, unused-ignore]

    batch_api: Any = HubSpot(access_token=args.token, host=args.base_url).crm.associations.v4.batch_api
    groups: dict[tuple[str, str, str], list[dict[str, str]]] = {}
    with open(args.file, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            groups.setdefault((row["from_type"], row["to_type"], row.get("type_id") or ""), []).append(row)

    requests = limited = other_errors = confirmed = named = lost = 0
    started = time.perf_counter()
    for (from_type, to_type, type_id), rows in groups.items():
        for start in range(0, len(rows), args.chunk):
            chunk = rows[start : start + args.chunk]
            ids = {row["from_id"] for row in chunk} | {row["to_id"] for row in chunk}
            requests += 1
            try:
                if type_id:
                    spec = [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=int(type_id))]
                    inputs = [
                        PublicAssociationMultiPost(
                            _from=PublicObjectId(id=r["from_id"]), to=PublicObjectId(id=r["to_id"]), types=spec
                        )
                        for r in chunk
                    ]
                    body: Any = BatchInputPublicAssociationMultiPost(inputs=inputs)
                    raw = batch_api.create(from_type, to_type, body, _preload_content=False)
                else:
                    inputs = [
                        PublicDefaultAssociationMultiPost(
                            _from=PublicObjectId(id=r["from_id"]), to=PublicObjectId(id=r["to_id"])
                        )
                        for r in chunk
                    ]
                    body = BatchInputPublicDefaultAssociationMultiPost(inputs=inputs)
                    raw = batch_api.create_default(from_type, to_type, body, _preload_content=False)
            except ApiException as error:
                limited += error.status == 429
                other_errors += error.status != 429
                lost += len(chunk)
                continue
            # Read as JSON: the client's models deserialise only the status code its spec declares (201/207 give None).
            answer = json.loads(raw.data)
            results = answer.get("results") or []
            confirmed += len(results) if type_id else len(results) // 2  # default results name both directions
            for item in answer.get("errors") or []:
                text = json.dumps(item, default=str)
                named += any(identifier in text for identifier in ids)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - started,
                "requests": requests,
                "http_429": limited,
                "other_errors": other_errors,
                "confirmed": confirmed,
                "named_failed": named,
                "rows_lost": lost,
            }
        )
    )


if __name__ == "__main__":
    main()
