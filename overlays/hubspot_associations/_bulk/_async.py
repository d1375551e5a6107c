"""The structured-concurrency bulk engine behind :meth:`AsyncHubSpotAssociations.associate_many`:
:class:`AsyncBulkRun`, whose worker tasks live in an anyio task group inside the caller's ``async with`` block
(design: the package docstring)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from .._errors import HubSpotError, StoppedError
from .._oauth import OAuthRefreshError
from .._validation import InvalidInputError, validate_count, validate_seconds
from ._batches import Answer, Batcher, BulkStats, RunState, Unit, unit_steps
from ._rows import _END, AssociationOutcome, AssociationRow, _failed

if TYPE_CHECKING:  # anyio is imported where used, so importing the SDK stays cheap
    from anyio import CancelScope, Event
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from .._client import AsyncHubSpotAssociations

__all__ = ["AsyncBulkRun", "associate_many_async"]

_Rows = Iterable[AssociationRow] | AsyncIterable[AssociationRow]  # what a run takes: a sync or an async iterable
_Item = AssociationOutcome | Exception  # what the outcomes stream carries; an Exception is raised to the caller


async def _run_unit(
    client: AsyncHubSpotAssociations,
    unit: Unit,
    state: RunState,
    stop: Event | None,
    outcomes: MemoryObjectSendStream[_Item],
) -> None:
    """Drive one unit's steps (``_batches.unit_steps``): each request through the client, queued behind the others
    (its budget starts when it may be sent), each decided outcome to the caller."""
    steps = unit_steps(client, unit, state)
    answer: Answer | None = None
    while True:
        try:
            step = steps.send(answer)
        except StopIteration:
            return
        if isinstance(step, list):
            for outcome in step:
                await outcomes.send(outcome)
            answer = None
            continue
        try:
            answer = await client._send(step, stop, queued=True)
        except (HubSpotError, InvalidInputError, OAuthRefreshError) as error:
            answer = error


def associate_many_async(
    client: AsyncHubSpotAssociations,
    rows: _Rows,
    concurrency: int,
    stop: Event | None,
    grace: float,
    batch_size: int = 1,
    stats: BulkStats | None = None,
) -> AsyncBulkRun:
    """The engine behind :meth:`AsyncHubSpotAssociations.associate_many` (``concurrency`` worker tasks); the method
    owns the defaults, this checks the values."""
    import anyio

    validate_count(concurrency, "concurrency")
    if stop is not None and not isinstance(stop, anyio.Event):
        raise InvalidInputError("stop", f"must be an anyio.Event, got {type(stop).__name__}")
    grace = validate_seconds(grace, "grace", allow_zero=True)
    return AsyncBulkRun(client, rows, concurrency, stop, grace, RunState(batch_size, stats))


class AsyncBulkRun:
    """A bulk run of the async client: enter it, then iterate the outcomes.

    ::

        async with client.associate_many(rows, concurrency=8) as outcomes:
            async for outcome in outcomes:
                ...

    Why a context manager and not a bare async generator: the workers are tasks in an anyio task group, and a
    task group (a cancel scope) must not stay open across a ``yield`` of an async generator. Under trio, and under
    anyio on asyncio, a timeout around ``anext()``, a consumer cancelled between two outcomes, or a generator left
    to the garbage collector would exit the scope in the wrong place (PEP 789 describes the problem). ``async with``
    gives the task group a place to live in the caller's own frame, so all of that works on both backends.

    Leaving the block (the end of the outcomes, ``break``, an exception, a cancellation) cancels the workers at
    once: a request in flight is abandoned (a PUT repeated later is harmless) and no new row starts. A bare
    ``async for`` without ``async with`` raises :class:`TypeError` before anything is sent.
    """

    def __init__(
        self,
        client: AsyncHubSpotAssociations,
        rows: _Rows,
        concurrency: int,
        stop: Event | None = None,
        grace: float = 1.0,
        state: RunState | None = None,
    ) -> None:
        self._client = client
        self._state = RunState(1, None) if state is None else state
        self._rows = rows
        self._concurrency = concurrency
        self._stop = stop
        self._grace = grace
        self._session: AbstractAsyncContextManager[AsyncIterator[AssociationOutcome]] | None = None

    async def __aenter__(self) -> AsyncIterator[AssociationOutcome]:
        if self._session is not None:
            raise RuntimeError("this associate_many run was already entered; call associate_many again")
        self._session = _session(self._client, self._rows, self._concurrency, self._stop, self._grace, self._state)
        return await self._session.__aenter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        assert self._session is not None
        return await self._session.__aexit__(exc_type, exc, tb)

    if not TYPE_CHECKING:  # at run time a clear message; for type checkers a bare ``async for`` is an error

        def __aiter__(self) -> AsyncIterator[AssociationOutcome]:
            raise TypeError(
                "enter the run first: `async with client.associate_many(rows) as outcomes: async for outcome in "
                "outcomes: ...` (its worker tasks need a block to live in)"
            )


class _Outcomes:
    """The iterator ``async with`` hands out: outcomes as they complete, then the failure that stopped the run."""

    def __init__(self, receive: MemoryObjectReceiveStream[_Item]) -> None:
        self._receive = receive

    def __aiter__(self) -> _Outcomes:
        return self

    async def __anext__(self) -> AssociationOutcome:
        import anyio

        try:
            item = await self._receive.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError):
            raise StopAsyncIteration from None
        if isinstance(item, Exception):
            raise item
        return item


@asynccontextmanager
async def _session(
    client: AsyncHubSpotAssociations,
    rows: _Rows,
    concurrency: int,
    stop: Event | None,
    grace: float,
    state: RunState,
) -> AsyncGenerator[AsyncIterator[AssociationOutcome], None]:
    # One task groups rows into units (a batch, or one row) and feeds them over an unbuffered stream to
    # ``concurrency`` long-lived workers (no task per row), which hand outcomes to the caller over a stream of
    # ``concurrency`` places. A worker holding a decided outcome waits for a place, so at most ``concurrency`` units
    # are in flight, plus one batch's worth of rows held by the feed and ``concurrency`` outcomes ahead of the caller.
    import anyio

    send, receive = anyio.create_memory_object_stream[_Item](concurrency)
    body_error: BaseException | None = None
    try:
        async with _news_written(client), anyio.create_task_group() as group:
            group.start_soon(_produce, client, rows, concurrency, send, stop, grace, state)
            try:
                with receive:
                    yield _Outcomes(receive)
            except BaseException as error:
                body_error = error
                raise
            finally:
                group.cancel_scope.cancel()  # the caller is done: abandon rows in flight, start none
    except BaseExceptionGroup as group_error:
        # The workers never raise (they send what they catch), so a group holding only the caller's own exception
        # is the task group wrapping it: give the caller back the exception it raised, not a group.
        if body_error is not None and group_error.exceptions == (body_error,):
            raise body_error from None
        raise


@asynccontextmanager
async def _news_written(client: AsyncHubSpotAssociations) -> AsyncIterator[None]:
    """At the end of the run, however it ends, the shared limit's last answers reach the other processes now
    (``SharedPacer.awrite_news``: bounded by its own timeout, shielded from a cancellation in progress)."""
    try:
        yield
    finally:
        if client._shared_pacer is not None:
            import anyio

            with anyio.CancelScope(shield=True):
                await client._shared_pacer.awrite_news()


async def _produce(
    client: AsyncHubSpotAssociations,
    rows: _Rows,
    concurrency: int,
    outcomes: MemoryObjectSendStream[_Item],
    stop: Event | None,
    grace: float,
    state: RunState,
) -> None:
    import anyio

    failures: list[Exception] = []  # the caller's iterable failing, or a programming error: raised after the rest
    on_wire: set[CancelScope] = set()  # one scope per unit being sent: cancelled when ``grace`` is over
    feed_scope = anyio.CancelScope()
    unit_send, unit_receive = anyio.create_memory_object_stream[Unit](0)
    async with outcomes:
        async with anyio.create_task_group() as watcher:
            async with anyio.create_task_group() as workers:
                workers.start_soon(_feed, rows, unit_send, outcomes.clone(), failures, feed_scope, stop, state)
                for _ in range(concurrency):
                    workers.start_soon(
                        _work,
                        client,
                        unit_receive.clone(),
                        outcomes.clone(),
                        failures,
                        workers.cancel_scope,
                        stop,
                        on_wire,
                        state,
                    )
                unit_receive.close()
                if stop is not None:
                    watcher.start_soon(_watch, stop, grace, feed_scope, on_wire)
            watcher.cancel_scope.cancel()  # every row is done: nothing left to stop
        if failures:
            await outcomes.send(failures[0])


async def _watch(stop: Event, grace: float, feed_scope: CancelScope, on_wire: set[CancelScope]) -> None:
    # The caller's ``stop``: no row is taken any more (at once), rows on the wire get ``grace`` seconds. Waits before
    # a retry or a paced send end by themselves (the workers pass ``stop`` to the client: StoppedError).
    import anyio

    await stop.wait()
    feed_scope.cancel()
    await anyio.sleep(grace)
    for scope in list(on_wire):
        scope.cancel()


async def _feed(
    rows: _Rows,
    send: MemoryObjectSendStream[Unit],
    outcomes: MemoryObjectSendStream[_Item],
    failures: list[Exception],
    scope: CancelScope,
    stop: Event | None,
    state: RunState,
) -> None:
    # Rows are pulled in this one task (an async iterable may suspend in __anext__, and an async generator must not
    # be driven from several tasks), one at a time, into the batcher, whose units go to a worker as one becomes
    # free: the input is never materialised. An exception from the iterable stops the feed: the rows already taken
    # finish (held rows are sent), their outcomes reach the caller, then the exception does. A stop ends the feed at
    # once; rows already taken but not handed to a worker are reported (StoppedError, not attempted), so nothing
    # taken from the input goes unreported.
    counter = itertools.count()
    batcher = Batcher(state)
    pending: Unit | None = None

    async def take(row: Any) -> None:
        nonlocal pending
        item = batcher.add(next(counter), row)
        if isinstance(item, AssociationOutcome):
            await outcomes.send(item)
        elif item is not None:
            pending = item
            await send.send(item)
            pending = None

    with send, outcomes:
        with scope:
            try:
                if isinstance(rows, AsyncIterable):
                    source = aiter(rows)
                    while stop is None or not stop.is_set():
                        try:
                            row = await anext(source)
                        except StopAsyncIteration:
                            break
                        await take(row)
                else:
                    rows_iterator: Iterator[Any] = iter(rows)
                    while stop is None or not stop.is_set():
                        item = next(rows_iterator, _END)
                        if item is _END:
                            break
                        await take(item)
            except Exception as error:
                failures.append(error)
            while (stop is None or not stop.is_set()) and (pending := batcher.flush()) is not None:
                await send.send(pending)
                pending = None
        held = batcher.drain()
        if pending is not None:
            held[:0] = [_failed(row, index, StoppedError(attempts=0)) for index, row, _ in pending.entries]
        for outcome in held:
            await outcomes.send(outcome)


async def _work(
    client: AsyncHubSpotAssociations,
    units: MemoryObjectReceiveStream[Unit],
    outcomes: MemoryObjectSendStream[_Item],
    failures: list[Exception],
    scope: CancelScope,
    stop: Event | None,
    on_wire: set[CancelScope],
    state: RunState,
) -> None:
    import anyio

    with units, outcomes:
        async for unit in units:
            with anyio.CancelScope() as unit_scope:
                on_wire.add(unit_scope)
                try:
                    await _run_unit(client, unit, state, stop, outcomes)
                except Exception as error:  # a programming error, not a row's failure: stop everything, tell the caller
                    failures.append(error)
                    scope.cancel()
                    return
                finally:
                    on_wire.discard(unit_scope)
            # a unit still on the wire when the grace after a stop ran out: its undecided rows get no outcome
