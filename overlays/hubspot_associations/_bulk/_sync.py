"""The threaded bulk engine behind :meth:`HubSpotAssociations.associate_many` (design: the package docstring)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, cast

from .._errors import HubSpotError
from .._oauth import OAuthRefreshError
from .._validation import InvalidInputError
from ._rows import _END, AssociationOutcome, AssociationRow, _confirmed, _failed, _prepare

if TYPE_CHECKING:
    from .._client import HubSpotAssociations

__all__ = ["associate_many_sync"]


def _run_sync(
    client: HubSpotAssociations, index: int, row: AssociationRow, halt: threading.Event
) -> AssociationOutcome:
    try:
        call = _prepare(client, row)
        return _confirmed(row, index, client._send(call, halt, queued=True))
    except (HubSpotError, InvalidInputError, OAuthRefreshError) as error:
        return _failed(row, index, error)


_POLL_S = 0.05  # how often the caller's ``stop`` is looked at while waiting for an outcome
_SOLO_S = 1.0  # the first row goes alone this long at most (a slow or retrying first row does not hold up the rest)


def associate_many_sync(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    concurrency: int,
    stop: threading.Event | None,
    grace: float,
) -> Iterator[AssociationOutcome]:
    """The engine behind :meth:`HubSpotAssociations.associate_many` (``concurrency`` worker threads), a generator:
    the method checks ``concurrency`` and ``grace`` before calling it, so bad values raise at once, not at the first
    ``next()``."""
    # The threaded twin of the async run (_session): ``concurrency`` worker threads share the rows iterator (under
    # a lock) and hand outcomes over a queue; a worker takes a row only with a free slot (2 x ``concurrency``),
    # freed when the caller comes back for the next outcome. The first row goes alone (for at most _SOLO_S): its
    # answer (a wrong token, a missing scope, a spent daily limit) often decides every row's fate, and the caller
    # may stop before the rest start.
    # ``halt`` is the workers' stop: set when the caller's ``stop`` is seen, or when the caller leaves early; it
    # ends retry waits at once (StoppedError) and keeps workers from taking rows. Workers are daemon threads, so
    # one whose request is still on the wire after ``grace`` is left behind rather than waited for.
    import queue
    import time

    source = iter(rows)
    counter = itertools.count()
    pull = threading.Lock()
    free = threading.Semaphore(2 * concurrency)
    halt = threading.Event()
    outcomes: queue.SimpleQueue[AssociationOutcome | Exception | None] = queue.SimpleQueue()  # None: one finished

    gate = threading.Event()  # set when the solo phase is over: the first worker waits for it after its row

    def worker() -> None:
        try:
            while True:
                free.acquire()
                with pull:
                    if halt.is_set():
                        break
                    row = next(source, _END)
                    index = next(counter)
                if row is _END:
                    break
                outcomes.put(_run_sync(client, index, cast(AssociationRow, row), halt))
                gate.wait()
        except Exception as error:  # a programming error or the caller's iterable failing: raised to the caller
            outcomes.put(error)
        outcomes.put(None)

    threads = [
        threading.Thread(target=worker, name=f"hubspot-bulk-{number}", daemon=True) for number in range(concurrency)
    ]
    if concurrency == 1:
        gate.set()
    threads[0].start()
    waiting = threads[1:]  # started with the first outcome, or after _SOLO_S if the first row takes longer
    solo_until = time.monotonic() + _SOLO_S
    deadline: float | None = None  # set once stopping: when to stop waiting for requests on the wire
    try:
        running = concurrency
        while running:
            stopping = halt.is_set() or (stop is not None and stop.is_set())
            if stopping and deadline is None:
                halt.set()
                deadline = time.monotonic() + grace
            if waiting and (stopping or time.monotonic() >= solo_until):
                gate.set()
                if stopping:
                    running -= len(waiting)  # never started
                else:
                    for thread in waiting:
                        thread.start()
                waiting = []
            try:
                if deadline is not None:
                    item = outcomes.get(timeout=max(deadline - time.monotonic(), 0.0))
                elif waiting:
                    item = outcomes.get(timeout=max(min(solo_until - time.monotonic(), _POLL_S), 0.0))
                elif stop is not None:
                    item = outcomes.get(timeout=_POLL_S)
                else:
                    item = outcomes.get()
            except queue.Empty:
                if deadline is not None:
                    return  # grace over: the rows still on the wire are left unfinished
                continue
            if item is None:
                running -= 1
            elif isinstance(item, Exception):
                raise item
            else:
                yield item
                free.release()
            solo_until = min(solo_until, time.monotonic())  # the first outcome is in: the others may start
    finally:
        # Finished, or closed early (break, an exception, Ctrl-C): nothing new starts, no retry waits on.
        halt.set()
        gate.set()
        free.release(concurrency)
        end = time.monotonic() + grace if deadline is None else deadline
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=max(end - time.monotonic(), 0.0))
