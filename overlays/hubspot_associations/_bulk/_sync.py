"""The threaded bulk engine behind :meth:`HubSpotAssociations.associate_many` (design: the package docstring)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING

from .._errors import HubSpotError
from .._oauth import OAuthRefreshError
from .._validation import InvalidInputError
from ._batches import Answer, Batcher, BulkStats, RunState, Unit, unit_steps
from ._rows import _END, AssociationOutcome, AssociationRow

if TYPE_CHECKING:
    from .._client import HubSpotAssociations

__all__ = ["associate_many_sync", "outcome_lists"]


def _run_unit(
    client: HubSpotAssociations,
    unit: Unit,
    state: RunState,
    halt: threading.Event,
    emit: Callable[[list[AssociationOutcome]], None],
    on_send: Callable[[Sequence[AssociationRow]], None] | None = None,
) -> None:
    """Drive one unit's steps (``_batches.unit_steps``): each request through the client, queued behind the others
    (its budget starts when it may be sent), each decided outcome to ``emit``; ``on_send`` first gets the unit's
    rows (every later request of the unit, a half or a row sent alone, carries some of them)."""
    if on_send is not None:
        on_send([row for _, row, _ in unit.entries])
    steps = unit_steps(client, unit, state)
    answer: Answer | None = None
    while True:
        try:
            step = steps.send(answer)
        except StopIteration:
            return
        if isinstance(step, list):
            emit(step)
            answer = None
            continue
        try:
            answer = client._send(step, halt, queued=True)
        except (HubSpotError, InvalidInputError, OAuthRefreshError) as error:
            answer = error


_POLL_S = 0.05  # how often the caller's ``stop`` is looked at while waiting for an outcome
_SOLO_S = 1.0  # the first row goes alone this long at most (a slow or retrying first row does not hold up the rest)


def associate_many_sync(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    concurrency: int,
    stop: threading.Event | None,
    grace: float,
    batch_size: int = 1,
    stats: BulkStats | None = None,
) -> Iterator[AssociationOutcome]:
    """The engine behind :meth:`HubSpotAssociations.associate_many` (``concurrency`` worker threads), a generator:
    the method checks its arguments before calling it, so bad values raise at once, not at the first ``next()``."""
    lists = outcome_lists(client, rows, concurrency, stop, grace, batch_size, stats)
    try:
        for decided in lists:
            yield from decided
    finally:
        lists.close()  # left early: the run stops now, not when the generator is collected


def outcome_lists(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    concurrency: int,
    stop: threading.Event | None,
    grace: float,
    batch_size: int = 1,
    stats: BulkStats | None = None,
    on_send: Callable[[Sequence[AssociationRow]], None] | None = None,
) -> Generator[list[AssociationOutcome], None, None]:
    """:func:`associate_many_sync`, yielding the outcomes one answer decided as one non-empty list (all the rows of
    a batch answer, or one row), for callers that write them in one go (the CLI's journal: one write per answer).

    ``on_send``, if given, is called in the worker thread with the rows of each unit (a batch, or one row) before
    its first request is sent, and the request waits for it (the CLI journals them in flight); it must be
    thread-safe, and what it raises ends the run like the rows iterable failing does."""
    # The threaded twin of the async run (_session): ``concurrency`` worker threads share the rows iterator and the
    # batcher (under a lock) and hand outcomes over a queue; a worker takes a unit (a batch, or one row) only with a
    # free slot (2 x ``concurrency``), freed when the caller has had the unit's last outcome. The first unit goes
    # alone (for at most _SOLO_S): its answer (a wrong token, a missing scope, a spent daily limit) often decides
    # every row's fate, and the caller may stop before the rest start.
    # ``halt`` is the workers' stop: set when the caller's ``stop`` is seen, or when the caller leaves early; it
    # ends retry waits at once (StoppedError) and keeps workers from taking rows; rows held for a batch not yet
    # sent are then reported not attempted. Workers are daemon threads, so one whose request is still on the wire
    # after ``grace`` is left behind rather than waited for.
    import queue
    import time

    source = iter(rows)
    counter = itertools.count()
    pull = threading.Lock()
    free = threading.Semaphore(2 * concurrency)
    halt = threading.Event()
    state = RunState(batch_size, stats)
    batcher = Batcher(state)
    ended = False
    # (outcomes, whether the unit is done), an exception for the caller, or None: a worker finished
    outcomes: queue.SimpleQueue[tuple[list[AssociationOutcome], bool] | Exception | None] = queue.SimpleQueue()

    gate = threading.Event()  # set when the solo phase is over: the first worker waits for it after its unit

    def take() -> Unit | AssociationOutcome | None:  # under ``pull``: the next unit, an invalid row, or None
        nonlocal ended
        while not halt.is_set():
            if ended:
                return batcher.flush()
            row = next(source, _END)
            if row is _END:
                ended = True
                continue
            item = batcher.add(next(counter), row)
            if item is not None:
                return item
        held = batcher.drain()
        if held:
            outcomes.put((held, False))
        return None

    def emit(decided: list[AssociationOutcome]) -> None:
        outcomes.put((decided, False))

    def worker() -> None:
        try:
            while True:
                free.acquire()
                with pull:
                    item = take()
                if item is None:
                    break
                if isinstance(item, AssociationOutcome):
                    outcomes.put(([item], True))
                else:
                    _run_unit(client, item, state, halt, emit, on_send)
                    outcomes.put(([], True))
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
    clock = client._clock  # the solo phase on the client's clock (a test's FakeClock holds it until an outcome)
    solo_until = clock() + _SOLO_S
    deadline: float | None = None  # set once stopping: when to stop waiting for requests on the wire
    try:
        running = concurrency
        while running:
            stopping = halt.is_set() or (stop is not None and stop.is_set())
            if stopping and deadline is None:
                halt.set()
                deadline = time.monotonic() + grace
            if waiting and (stopping or clock() >= solo_until):
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
                    item = outcomes.get(timeout=max(min(solo_until - clock(), _POLL_S), 0.0))
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
                decided, unit_done = item
                if decided:
                    yield decided
                if unit_done:
                    free.release()
            solo_until = min(solo_until, clock())  # the first outcome is in: the others may start
    finally:
        # Finished, or closed early (break, an exception, Ctrl-C): nothing new starts, no retry waits on.
        halt.set()
        gate.set()
        free.release(concurrency)
        end = time.monotonic() + grace if deadline is None else deadline
        for thread in threads:
            if thread.is_alive():
                thread.join(timeout=max(end - time.monotonic(), 0.0))
        if client._shared_pacer is not None:  # the run's last answers reach the other processes now
            client._shared_pacer.write_news()
