"""Child process for the cross-process tests: ``python -m tests.shared_limit.claimer URL KEY MODE ...``.

* ``claim N LIMIT WINDOW``: claim N slots (never sleeping) and print each slot's Redis time in microseconds.
* ``hold SECONDS``: claim once, then report a 429 that asks to wait SECONDS, and exit.
"""

from __future__ import annotations

import sys

from hubspot_associations._shared_pacing import SharedPacer, SharedSlot
from tests.shared_limit.redis_support import patient_connection


def main(argv: list[str]) -> None:
    url, key, mode, *rest = argv
    if mode == "claim":
        count, limit, window = int(rest[0]), int(rest[1]), float(rest[2])
        pacer = SharedPacer(patient_connection(url), lambda: key, limit, window)
        for _ in range(count):
            slot = pacer.claim()
            assert isinstance(slot, SharedSlot), "Redis must be reachable in this test"
            print(round((slot.at - slot.offset) * 1_000_000))
    elif mode == "hold":
        pacer = SharedPacer(patient_connection(url), lambda: key)
        assert isinstance(pacer.claim(), SharedSlot)
        pacer.on_rate_limited(float(rest[0]))
        print("held")


if __name__ == "__main__":
    main(sys.argv[1:])
