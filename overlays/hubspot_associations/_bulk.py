"""``associate_many``: create many associations, one outcome per row, at the rate the pacer allows.

Design (shared by the sync and async clients):

* **Lazy input, flat memory.** ``concurrency`` workers pull the rows iterable one row at a time, so at most
  ``concurrency`` rows are in flight and at most ``concurrency`` more finished outcomes wait for the caller (a
  worker that had to wait for the caller to come back before its next request would leave its connection idle):
  a generator of ten million rows costs what a few dozen rows cost. The input is never ``list()``-ed.
* **Outcomes as they complete**, not in input order: a row that is retrying with backoff never holds back the
  rows behind it, which keeps the pacer's budget in use. Each outcome carries its input ``index`` (and the row's
  ``line``, for files), so callers that need the input order (a journal keyed by line number does not) can sort.
* **One outcome per row, nothing dropped.** A row that fails validation, is refused by HubSpot, or runs out of
  retries becomes a failed :class:`AssociationOutcome` holding the typed error; the other rows carry on.
  Programming errors (anything not in :data:`RowError`) still propagate.
* **Stopping** (sync): ``stop=threading.Event()``; once set, no row is taken from the input, waits before a retry
  or a paced send end at once (a failed outcome with :class:`StoppedError`), and requests on the wire get
  ``grace`` seconds. The first row is sent alone (for at most ``_SOLO_S``) so that a caller who stops on a
  run-wide failure (:func:`run_wide_failure`) has spent one request, not ``concurrency``.
* **Pacing.** Every attempt, retries included, reserves a slot from the client's :class:`~._pacing.Pacer` before it
  is sent, so the client's limit (configured, or adopted from HubSpot's ``X-HubSpot-RateLimit-*`` headers) is used
  fully and 429s are the exception, and absorbed by the retry policy when they happen.

* **Structured concurrency (async).** The async workers are tasks in an anyio task group that lives in the
  caller's ``async with`` block (:class:`AsyncBulkRun`), so the run works on asyncio and trio, and leaving the block
  cancels it (rows in flight get no outcome). ``stop=anyio.Event()`` and ``grace`` stop it as the sync run stops,
  with an outcome for every row taken from the input except those still on the wire after ``grace``.

Example::

    rows = (AssociationRow("contacts", c, "companies", k) for c, k in pairs)
    for outcome in client.associate_many(rows, concurrency=8):
        if not outcome.ok:
            print(outcome.row, outcome.error)

    async with async_client.associate_many(rows, concurrency=8) as outcomes:
        async for outcome in outcomes:
            ...
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable, Iterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, cast

import attrs

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation, LabelsBetweenObjectPair

from ._auth import OAuthRefreshError
from ._base_client import BaseClient, PreparedCall
from ._constants import DEFAULT_CONCURRENCY
from ._errors import (
    APIStatusError,
    BadRequestError,
    HubSpotError,
    StoppedError,
    UnexpectedResponseError,
)
from ._models import AssociationSpec, coerce_specs
from ._response import APIResponse
from ._validation import InvalidInputError, validate_count, validate_seconds

if TYPE_CHECKING:  # anyio and queue are imported where used, so importing the SDK stays cheap
    from anyio import CancelScope, Event
    from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream

    from ._client import AsyncHubSpotAssociations, HubSpotAssociations

__all__ = [
    "DEFAULT_CONCURRENCY",
    "AssociationOutcome",
    "AssociationResult",
    "AssociationRow",
    "AsyncBulkRun",
    "RowError",
    "associate_many_async",
    "associate_many_sync",
]

RowError = HubSpotError | InvalidInputError | OAuthRefreshError
"""What a failed row carries: invalid input (nothing sent), an API error, or a refused OAuth refresh."""

AssociationResult = BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair
"""What a confirmed row carries: the default association's batch response, or the labelled pair."""


def _specs(value: Iterable[AssociationSpec | int] | AssociationSpec | int) -> tuple[AssociationSpec, ...]:
    return tuple(coerce_specs(value, allow_empty=True))


@attrs.frozen(slots=True)
class AssociationRow:
    """One association to create. ``specs`` empty means the default (unlabelled) association.

    Ids and types are *not* validated here (bad rows become failed outcomes, with the reason, when sent); ``specs``
    are :class:`AssociationSpec` values, already validated (bare ints become ``HUBSPOT_DEFINED``). ``line`` is
    where the row came from in an input file, for reports.

    >>> AssociationRow("contacts", 101, "companies", 202).specs
    ()
    >>> AssociationRow("contacts", 101, "companies", 202, specs=[279]).specs
    (AssociationSpec(association_category='HUBSPOT_DEFINED', association_type_id=279),)
    """

    from_object_type: str
    from_object_id: str | int
    to_object_type: str
    to_object_id: str | int
    specs: tuple[AssociationSpec, ...] = attrs.field(default=(), converter=_specs)
    line: int | None = attrs.field(default=None, kw_only=True)

    @property
    def is_default(self) -> bool:
        """True when this row asks for the default association (no specs)."""
        return not self.specs


@attrs.frozen(slots=True)
class AssociationOutcome:
    """What happened to one row: ``result`` when HubSpot confirmed it, else ``error``.

    Attributes:
        row: the input row.
        index: its 0-based position in the input iterable.
        result: the parsed response of a confirmed row, else None.
        error: the typed error of a failed row, else None.
        attempts: attempts made for this row (0 when validation failed; ``attempts - 1`` retries were absorbed),
            confirmed or failed: a failed row reads it from its error (:attr:`HubSpotError.attempts`).
        correlation_id: HubSpot's request id of the final answer, when there was one.
    """

    row: AssociationRow
    index: int
    result: AssociationResult | None
    error: RowError | None
    attempts: int
    correlation_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when HubSpot confirmed the association."""
        return self.error is None

    @property
    def status_code(self) -> int | None:
        """The HTTP status of the final answer for a failed row (None when no HTTP answer was involved)."""
        error = self.error
        if isinstance(error, APIStatusError | UnexpectedResponseError):
            return error.status_code
        if isinstance(error, OAuthRefreshError):
            return error.status_code
        return None

    @property
    def error_category(self) -> str | None:
        """A short machine-readable kind of failure: HubSpot's ``category`` when it sent one, else our own label."""
        error = self.error
        if error is None:
            return None
        if isinstance(error, APIStatusError) and error.category:
            return error.category
        if isinstance(error, InvalidInputError):
            return "INVALID_INPUT"
        if isinstance(error, OAuthRefreshError):
            return "OAUTH_REFRESH"
        return type(error).__name__

    @property
    def message(self) -> str | None:
        """A human-readable reason for a failed row (naming the ids HubSpot says do not exist, when it does)."""
        error = self.error
        if error is None:
            return None
        text = str(error)
        if isinstance(error, BadRequestError) and error.invalid_object_ids:
            text += f"; invalid object ids: {', '.join(error.invalid_object_ids)}"
        return text


# -- the row -> call mapping both clients share ------------------------------------------------------------------


def _prepare(client: BaseClient[Any], row: AssociationRow) -> PreparedCall[Any]:
    """Validate one row and build its request (raises :class:`InvalidInputError`)."""
    if not isinstance(row, AssociationRow):
        raise InvalidInputError("row", f"expected an AssociationRow, got {type(row).__name__}")
    if row.is_default:
        return client._prepare_default(
            row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, None
        )
    return client._prepare_labelled(
        row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, row.specs, None
    )


def _confirmed(row: AssociationRow, index: int, response: APIResponse[Any]) -> AssociationOutcome:
    return AssociationOutcome(row, index, response.parsed, None, response.attempts, response.correlation_id)


def _failed(row: Any, index: int, error: RowError) -> AssociationOutcome:
    if not isinstance(row, AssociationRow):
        row = AssociationRow(repr(row), "", "", "")
    correlation_id = getattr(error, "correlation_id", None)
    return AssociationOutcome(row, index, None, error, _attempts_of(error), correlation_id)


def _attempts_of(error: RowError) -> int:
    # The client sets the count on every error it raises from a call; invalid input never reached the wire.
    if isinstance(error, HubSpotError) and error.attempts is not None:
        return error.attempts
    return 0


_END = object()  # the end of the rows (None could be a caller's bad row, reported as a failed outcome)


# -- sync ---------------------------------------------------------------------------------------------------------


def _run_sync(
    client: HubSpotAssociations, index: int, row: AssociationRow, halt: threading.Event
) -> AssociationOutcome:
    try:
        call = _prepare(client, row)
        return _confirmed(row, index, client._send(call, halt))
    except (HubSpotError, InvalidInputError, OAuthRefreshError) as error:
        return _failed(row, index, error)


def associate_many_sync(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    stop: threading.Event | None = None,
    grace: float = 1.0,
) -> Iterator[AssociationOutcome]:
    """The engine behind :meth:`HubSpotAssociations.associate_many` (``concurrency`` worker threads)."""
    validate_count(concurrency, "concurrency")
    return _sync_outcomes(client, rows, concurrency, stop, validate_seconds(grace, "grace", allow_zero=True))


_POLL_S = 0.05  # how often the caller's ``stop`` is looked at while waiting for an outcome
_SOLO_S = 1.0  # the first row goes alone this long at most (a slow or retrying first row does not hold up the rest)


def _sync_outcomes(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    concurrency: int,
    stop: threading.Event | None,
    grace: float,
) -> Iterator[AssociationOutcome]:
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


# -- async --------------------------------------------------------------------------------------------------------


async def _run_async(
    client: AsyncHubSpotAssociations, index: int, row: AssociationRow, stop: Event | None
) -> AssociationOutcome:
    try:
        call = _prepare(client, row)
        return _confirmed(row, index, await client._send(call, stop))
    except (HubSpotError, InvalidInputError, OAuthRefreshError) as error:
        return _failed(row, index, error)


def associate_many_async(
    client: AsyncHubSpotAssociations,
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
    *,
    concurrency: int = DEFAULT_CONCURRENCY,
    stop: Event | None = None,
    grace: float = 1.0,
) -> AsyncBulkRun:
    """The engine behind :meth:`AsyncHubSpotAssociations.associate_many` (``concurrency`` worker tasks)."""
    import anyio

    validate_count(concurrency, "concurrency")
    if stop is not None and not isinstance(stop, anyio.Event):
        raise InvalidInputError("stop", f"must be an anyio.Event, got {type(stop).__name__}")
    return AsyncBulkRun(client, rows, concurrency, stop, validate_seconds(grace, "grace", allow_zero=True))


_Item = AssociationOutcome | Exception  # what the outcomes stream carries; an Exception is raised to the caller


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
        rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
        concurrency: int,
        stop: Event | None = None,
        grace: float = 1.0,
    ) -> None:
        self._client = client
        self._rows = rows
        self._concurrency = concurrency
        self._stop = stop
        self._grace = grace
        self._session: AbstractAsyncContextManager[AsyncIterator[AssociationOutcome]] | None = None

    async def __aenter__(self) -> AsyncIterator[AssociationOutcome]:
        if self._session is not None:
            raise RuntimeError("this associate_many run was already entered; call associate_many again")
        self._session = _session(self._client, self._rows, self._concurrency, self._stop, self._grace)
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
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
    concurrency: int,
    stop: Event | None,
    grace: float,
) -> AsyncGenerator[AsyncIterator[AssociationOutcome], None]:
    # One task feeds rows over an unbuffered stream to ``concurrency`` long-lived workers (no task per row), which
    # hand outcomes to the caller over a stream of ``concurrency`` places. A worker holding a finished outcome waits
    # for a place, so at most 2 x ``concurrency`` rows are pulled ahead of the caller (in flight, or waiting).
    import anyio

    send, receive = anyio.create_memory_object_stream[_Item](concurrency)
    body_error: BaseException | None = None
    try:
        async with anyio.create_task_group() as group:
            group.start_soon(_produce, client, rows, concurrency, send, stop, grace)
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


async def _produce(
    client: AsyncHubSpotAssociations,
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
    concurrency: int,
    outcomes: MemoryObjectSendStream[_Item],
    stop: Event | None,
    grace: float,
) -> None:
    import anyio

    failures: list[Exception] = []  # the caller's iterable failing, or a programming error: raised after the rest
    on_wire: set[CancelScope] = set()  # one scope per row being sent: cancelled when ``grace`` is over
    feed_scope = anyio.CancelScope()
    row_send, row_receive = anyio.create_memory_object_stream[tuple[int, Any]](0)
    async with outcomes:
        async with anyio.create_task_group() as watcher:
            async with anyio.create_task_group() as workers:
                workers.start_soon(_feed, rows, row_send, outcomes.clone(), failures, feed_scope, stop)
                for _ in range(concurrency):
                    workers.start_soon(
                        _work,
                        client,
                        row_receive.clone(),
                        outcomes.clone(),
                        failures,
                        workers.cancel_scope,
                        stop,
                        on_wire,
                    )
                row_receive.close()
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
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
    send: MemoryObjectSendStream[tuple[int, Any]],
    outcomes: MemoryObjectSendStream[_Item],
    failures: list[Exception],
    scope: CancelScope,
    stop: Event | None,
) -> None:
    # Rows are pulled in this one task (an async iterable may suspend in __anext__, and an async generator must not
    # be driven from several tasks), one at a time as a worker becomes free: the input is never materialised.
    # An exception from the iterable stops the feed: the rows already taken finish, their outcomes reach the
    # caller, then the exception does. A stop ends the feed at once; a row already taken but not yet handed to a
    # worker is reported (StoppedError, not attempted), so nothing taken from the input goes unreported.
    counter = itertools.count()
    pending: tuple[int, Any] | None = None
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
                        pending = (next(counter), row)
                        await send.send(pending)
                        pending = None
                else:
                    rows_iterator: Iterator[Any] = iter(rows)
                    while stop is None or not stop.is_set():
                        item = next(rows_iterator, _END)
                        if item is _END:
                            break
                        pending = (next(counter), item)
                        await send.send(pending)
                        pending = None
            except Exception as error:
                failures.append(error)
        if pending is not None:
            await outcomes.send(_failed(pending[1], pending[0], StoppedError(attempts=0)))


async def _work(
    client: AsyncHubSpotAssociations,
    rows: MemoryObjectReceiveStream[tuple[int, Any]],
    outcomes: MemoryObjectSendStream[_Item],
    failures: list[Exception],
    scope: CancelScope,
    stop: Event | None,
    on_wire: set[CancelScope],
) -> None:
    import anyio

    with rows, outcomes:
        async for index, row in rows:
            outcome: AssociationOutcome | None = None
            with anyio.CancelScope() as row_scope:
                on_wire.add(row_scope)
                try:
                    outcome = await _run_async(client, index, row, stop)
                except Exception as error:  # a programming error, not a row's failure: stop everything, tell the caller
                    failures.append(error)
                    scope.cancel()
                    return
                finally:
                    on_wire.discard(row_scope)
            if outcome is None:  # still on the wire when the grace after a stop ran out: neither confirmed nor failed
                continue
            await outcomes.send(outcome)
