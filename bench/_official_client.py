"""Per-call timing of HubSpot's official client (``hubspot-api-client``), run by ``bench/per_call.py`` with the
Python of ``bench/.venvs/official`` against the same loopback server. Self-contained: that venv has neither this
repository nor httpx. Prints one JSON line of median per-call µs.

Measured: ``basic_api.create_default`` and ``basic_api.create`` (one ``BasicApi`` built once, so its urllib3 pool
keeps the connection alive), plus a raw ``requests.Session().put`` + ``.json()`` of the same answers for context.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import time
from collections.abc import Callable
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--calls", type=int, default=200)
    args = parser.parse_args()

    import requests  # type: ignore[import-untyped, unused-ignore]
    from hubspot import HubSpot  # type: ignore[import-not-found, unused-ignore]
    from hubspot.crm.associations.v4 import AssociationSpec  # type: ignore[import-not-found, unused-ignore]

    api: Any = HubSpot(access_token=args.token, host=args.base_url).crm.associations.v4.basic_api
    spec = [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=279)]
    session: Any = requests.Session()
    session.headers["Authorization"] = f"Bearer {args.token}"
    base = args.base_url
    body = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]

    variants: dict[str, Callable[[], object]] = {
        "create_default": lambda: api.create_default("contacts", "1000001", "companies", "2000001"),
        "create": lambda: api.create("contacts", "1000001", "companies", "2000001", spec),
        "requests default": lambda: session.put(
            f"{base}/crm/v4/objects/contacts/1000001/associations/default/companies/2000001"
        ).json(),
        "requests labelled": lambda: session.put(
            f"{base}/crm/v4/objects/contacts/1000001/associations/companies/2000001", json=body
        ).json(),
    }
    names = list(variants)
    samples: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        for _ in range(min(args.calls, 50)):
            variants[name]()
    clock = time.perf_counter_ns
    for index in range(args.rounds):
        gc.collect()
        for name in names[index % len(names) :] + names[: index % len(names)]:
            call, out = variants[name], samples[name]
            for _ in range(args.calls):
                start = clock()
                call()
                out.append((clock() - start) / 1000)
    print(json.dumps({name: statistics.median(values) for name, values in samples.items()}))


if __name__ == "__main__":
    main()
