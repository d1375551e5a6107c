"""The clients users import. Sync and async differ only in how they send and how they wait.

Configuration, the ``clock=``/``sleep=`` seams and every policy decision are in ``_base_client.py``; each client
here adds its send loop and its ``_pause`` (the one place a client waits). ``associate_many`` hands over to the
bulk engines in ``_bulk/`` (``_sync.py``, ``_async.py``), imported on first use.
"""

from __future__ import annotations

import threading
import time
from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator
from functools import cached_property
from typing import TYPE_CHECKING, Self, TypeVar

import httpx

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation

from ._base_client import BaseClient, PreparedCall, TimeoutLike
from ._constants import DEFAULT_CONCURRENCY, DEFAULT_MAX_ITEMS, DEFAULT_MAX_PAGES, PAGE_LIMIT
from ._errors import HubSpotError, StoppedError
from ._response import APIResponse
from ._validation import validate_count, validate_seconds

if TYPE_CHECKING:
    import anyio  # imported where used: sync-only users never import it

    from hubspot_associations_api.models import (  # loaded by the first call that returns them
        LabelsBetweenObjectPair,
        MultiAssociatedObjectWithLabel,
        PublicAssociationMultiWithLabel,
        PublicDefaultAssociation,
    )

    from ._batch import BatchResult  # loaded by the first batch call
    from ._bulk import AssociationOutcome, AssociationRow, AsyncBulkRun  # imported by the first associate_many
    from ._models import SpecsLike  # loaded by the first labelled call
    from ._readback import RowCheck  # loaded by the first verify_many/remove_many

T = TypeVar("T")

Pairs = Iterable[tuple[str | int, str | int]]
"""``associate_default_batch``'s inputs: ``(from_id, to_id)`` tuples."""
Items = Iterable[tuple[str | int, str | int, "SpecsLike"]]
"""``associate_batch``'s inputs: ``(from_id, to_id, specs)`` tuples, ``specs`` as :meth:`associate` takes them."""
Ids = Iterable[str | int | tuple[str | int, str]]
"""``read_batch``'s inputs: record ids, each alone or as ``(id, after)`` with the cursor of its next page."""


async def _async_sleep(seconds: float) -> None:
    """``anyio.sleep``: the wait works on asyncio and trio alike, and is where a cancellation lands.

    Imported on first use, so sync-only users never import anyio or asyncio (~50 ms).
    """
    import anyio

    await anyio.sleep(seconds)


class HubSpotAssociations(BaseClient[httpx.Client, Callable[[float], None]]):
    """Create HubSpot CRM associations, with timeouts, retries, pacing and typed errors built in.

    Examples:
        >>> client = HubSpotAssociations()  # token from HUBSPOT_ACCESS_TOKEN  # doctest: +SKIP
        >>> client.associate("contacts", "101", "companies", "202", CONTACT_TO_COMPANY)  # doctest: +SKIP

    One ``httpx.Client`` (one connection pool) per instance; use it as a context manager or call ``close``.
    An ``http_client`` you pass in is used as is (its timeouts are overridden per request) and not closed here.
    """

    _http_class = httpx.Client

    def _default_sleep(self) -> Callable[[float], None]:
        return time.sleep

    def _pause(self, seconds: float, stop: threading.Event | None, attempts: int) -> None:
        """Wait before an attempt; a ``stop`` set meanwhile ends the wait with :class:`StoppedError` (at once with
        the real sleep; with a ``sleep=`` seam, when it returns)."""
        if stop is None:
            self._sleep(seconds)
        elif self._stop_aware:
            if stop.wait(seconds):
                raise StoppedError(attempts=attempts)
        else:
            self._sleep(seconds)
            if stop.is_set():
                raise StoppedError(attempts=attempts)

    def associate_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> BatchResponsePublicDefaultAssociation:
        """Create the default (unlabelled) association between two records, in both directions."""
        return self.with_raw_response.associate_default(
            from_object_type, from_object_id, to_object_type, to_object_id, timeout=timeout
        ).parsed

    def associate(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: SpecsLike,
        *,
        timeout: TimeoutLike = None,
    ) -> LabelsBetweenObjectPair:
        """Create associations of the given types (a bare int is a HUBSPOT_DEFINED type id)."""
        return self.with_raw_response.associate(
            from_object_type, from_object_id, to_object_type, to_object_id, specs, timeout=timeout
        ).parsed

    def associate_default_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> BatchResult[PublicDefaultAssociation]:
        """Create the default association for many record pairs in one request (``batch/associate/default``).

        Returns one ``BatchOutcome`` per pair, in input order: confirmed, failed (with a
        ``BatchInputError``) or unconfirmed (HubSpot's answer named it nowhere). At most ``max_batch_size``
        pairs (default 100); bad input raises ``InvalidInputError`` before anything is sent. The request
        is one request to the pacer, with the retries, deadline and typed errors of every other call.
        """
        return self.with_raw_response.associate_default_batch(
            from_object_type, to_object_type, pairs, timeout=timeout
        ).parsed

    def associate_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> BatchResult[LabelsBetweenObjectPair]:
        """Create associations of the given types for many record pairs in one request (``batch/create``).

        ``items`` are ``(from_id, to_id, specs)`` tuples, ``specs`` as ``associate`` takes them. Returns one
        ``BatchOutcome`` per item, in input order, as ``associate_default_batch`` does.
        """
        return self.with_raw_response.associate_batch(from_object_type, to_object_type, items, timeout=timeout).parsed

    def list_associations(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        *,
        limit: int = PAGE_LIMIT,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutLike = None,
    ) -> list[MultiAssociatedObjectWithLabel]:
        """Every record of ``to_object_type`` associated with one record, with the association types between them.

        Follows HubSpot's pages (``limit`` a page, at most 500) for you, bounded: ``timeout`` is the budget of the
        whole read, every page included; more than ``max_items`` records or ``max_pages`` pages (or a cursor sent
        twice) raise ``PagingLimitError`` (docs/read-and-remove.md §3).
        """
        return self.with_raw_response.list_associations(
            object_type,
            object_id,
            to_object_type,
            limit=limit,
            max_items=max_items,
            max_pages=max_pages,
            timeout=timeout,
        ).parsed

    def remove(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> None:
        """Remove every association (all types and labels, both directions) between two records. Idempotent."""
        self.with_raw_response.remove(object_type, object_id, to_object_type, to_object_id, timeout=timeout)

    def read_batch(
        self, from_object_type: str, to_object_type: str, ids: Ids, *, timeout: TimeoutLike = None
    ) -> BatchResult[PublicAssociationMultiWithLabel]:
        """Read the associations of up to 1,000 records to ``to_object_type`` in one request (``batch/read``).

        One ``BatchOutcome`` per id, in input order: confirmed (its ``results[0]`` lists the associated
        records, and ``results[0].paging.next.after``, when set, is the cursor to send as ``(id, after)`` for the
        rest), failed (an error item names it; a ``207``'s other results are kept), or unconfirmed (HubSpot
        answered nothing for it: HubSpot omits records that have no associations). More than 1,000 ids (HubSpot's
        cap, whatever ``max_batch_size``) raise ``InvalidInputError`` before anything is sent.
        """
        return self.with_raw_response.read_batch(from_object_type, to_object_type, ids, timeout=timeout).parsed

    def archive_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> BatchResult[None]:
        """Remove every association between many record pairs in one request (``batch/archive``).

        HubSpot answers ``204``, which confirms every pair; read them back (``verify_many``) for proof.
        """
        return self.with_raw_response.archive_batch(from_object_type, to_object_type, pairs, timeout=timeout).parsed

    def archive_labels_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> BatchResult[None]:
        """Remove only the given association types (labels) between many record pairs (``batch/labels/archive``);
        ``items`` as ``associate_batch`` takes them."""
        return self.with_raw_response.archive_labels_batch(
            from_object_type, to_object_type, items, timeout=timeout
        ).parsed

    def verify_many(
        self, rows: Iterable[AssociationRow], *, labels: bool = False, batch_size: int = 1000
    ) -> Iterator[RowCheck]:
        """Read back the associations ``rows`` say should exist (``batch/read``, up to ``batch_size`` ≤ 1,000 rows
        a chunk, each record's pages followed) and yield one ``RowCheck`` per row, in input order:
        ``present``, ``missing``, ``unverified`` (could not be read, with why), or with ``labels=True``
        ``wrong_labels`` (the pair is associated but without every type the row lists). Read-only; the rows
        are taken lazily, a chunk at a time (docs/read-and-remove.md §4)."""
        from ._batch import READ_BATCH_LIMIT
        from ._readback import run_sync, verifier

        size = min(validate_count(batch_size, "batch_size"), READ_BATCH_LIMIT)
        return run_sync(self, rows, size, verifier(labels))

    def remove_many(self, rows: Iterable[AssociationRow], *, batch_size: int | None = None) -> Iterator[RowCheck]:
        """Remove exactly the associations ``rows`` list, in batches of ``batch_size`` (default ``max_batch_size``):
        a row without a type loses every association of its pair (``batch/archive``), a row with types only those
        (``batch/labels/archive``). One ``RowCheck`` per row, in input order: ``removed`` or ``failed``."""
        from ._readback import remover, run_sync

        size = self.max_batch_size if batch_size is None else validate_count(batch_size, "batch_size")
        return run_sync(self, rows, min(size, self.max_batch_size), remover)

    @cached_property
    def with_raw_response(self) -> HubSpotAssociationsWithRawResponse:
        """The same methods, returning ``APIResponse`` (headers, correlation id, rate limit, attempts)."""
        return HubSpotAssociationsWithRawResponse(self)

    def _send(
        self, call: PreparedCall[T], stop: threading.Event | None = None, *, queued: bool = False
    ) -> APIResponse[T]:
        try:
            return self._attempts(call, stop, queued)
        except HubSpotError as exc:
            self._scrubbed(exc, call)
            raise

    def _attempts(self, call: PreparedCall[T], stop: threading.Event | None, queued: bool) -> APIResponse[T]:
        # The policy (deadline, body cap, retries, errors) lives in BaseClient; this loop only sends and sleeps.
        # ``stop`` (bulk runs): once set, no further attempt starts and no wait goes on (StoppedError).
        deadline = self._deadline(call, queued)
        attempt = 0
        while True:
            if stop is not None and stop.is_set():
                raise StoppedError(attempts=attempt)
            slot = self.pacer.claim()
            if slot.wait > 0:
                self._may_wait(call, deadline, slot.wait, pacer=True)
                since = self._clock()
                self._pause(slot.wait, stop, attempt)
                deadline.turn_came(since)
            self._arm(call, deadline)
            try:
                response = self._http.send(call.request, auth=self.auth, stream=True)
                try:
                    self._reader(response, deadline).read()
                finally:
                    response.close()
            except httpx.RequestError as exc:  # transport errors, and a body httpx cannot decode (DecodingError)
                outcome: APIResponse[T] | float = self._transport_failure(call, exc, attempt, deadline)
            except HubSpotError as exc:  # authenticating (a refused OAuth refresh) or reading (too large, too late)
                self._final(exc, attempt)
                raise
            else:
                outcome = self._outcome(call, response, attempt, slot, deadline)
            if isinstance(outcome, APIResponse):
                return outcome
            if outcome > 0:  # a 429 waits at the pacer instead (its next claim)
                self._may_wait(call, deadline, outcome, pacer=False)
                self._pause(outcome, stop, attempt + 1)
            attempt += 1

    def close(self) -> None:
        """Close the connection pool (unless it was passed in), and Redis connections opened from a URL."""
        if self._owns_http:
            self._http.close()
        if self._shared_pacer is not None:
            self._shared_pacer.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def associate_many(
        self,
        rows: Iterable[AssociationRow],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        stop: threading.Event | None = None,
        grace: float = 1.0,
    ) -> Iterator[AssociationOutcome]:
        """Create many associations, yielding one ``AssociationOutcome`` per row as each completes.

        ``rows`` is consumed lazily (at most ``concurrency`` rows in flight, so memory stays flat for any number of
        rows); every attempt goes through this client's pacer and retry policy. A row that fails (invalid, refused,
        out of retries) yields a failed outcome with the typed error; the others carry on.

        Setting ``stop`` (from a signal handler, another thread, or the loop body) ends the run promptly: no row is
        taken from ``rows`` any more, rows waiting to retry end at once as failed outcomes with
        ``StoppedError``, and requests already on the wire get ``grace`` seconds to answer before the iterator
        ends without them (their rows are neither confirmed nor failed: the caller sends them again later).

        Examples:
            >>> rows = [AssociationRow("contacts", 101, "companies", 202), AssociationRow("contacts", 1, "deals", 3)]
            >>> failed = [o for o in client.associate_many(rows) if not o.ok]  # doctest: +SKIP
        """
        from ._bulk import associate_many_sync

        validate_count(concurrency, "concurrency")
        return associate_many_sync(self, rows, concurrency, stop, validate_seconds(grace, "grace", allow_zero=True))


class HubSpotAssociationsWithRawResponse:
    """``client.with_raw_response``: each method returns an ``APIResponse`` wrapping the parsed result."""

    def __init__(self, client: HubSpotAssociations) -> None:
        self._client = client

    def associate_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[BatchResponsePublicDefaultAssociation]:
        client = self._client
        call = client._prepare_default(from_object_type, from_object_id, to_object_type, to_object_id, timeout)
        return client._send(call)

    def associate(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: SpecsLike,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[LabelsBetweenObjectPair]:
        client = self._client
        call = client._prepare_labelled(from_object_type, from_object_id, to_object_type, to_object_id, specs, timeout)
        return client._send(call)

    def associate_default_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[PublicDefaultAssociation]]:
        client = self._client
        call = client._prepare_batch("associate_default_batch", from_object_type, to_object_type, pairs, timeout)
        return client._send(call)

    def associate_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[LabelsBetweenObjectPair]]:
        client = self._client
        call = client._prepare_batch("associate_batch", from_object_type, to_object_type, items, timeout)
        return client._send(call)

    def list_associations(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        *,
        limit: int = PAGE_LIMIT,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutLike = None,
    ) -> APIResponse[list[MultiAssociatedObjectWithLabel]]:
        """Every page's results, as the ``APIResponse`` of the last page (``attempts``: of all pages)."""
        client = self._client
        pager = client._pager(object_type, object_id, to_object_type, limit, max_items, max_pages, timeout)
        while (call := pager.next_call()) is not None:
            pager.add(client._send(call))
        return pager.result()

    def remove(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[None]:
        client = self._client
        return client._send(client._prepare_remove(object_type, object_id, to_object_type, to_object_id, timeout))

    def read_batch(
        self, from_object_type: str, to_object_type: str, ids: Ids, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[PublicAssociationMultiWithLabel]]:
        client = self._client
        return client._send(client._prepare_batch("read_batch", from_object_type, to_object_type, ids, timeout))

    def archive_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[None]]:
        client = self._client
        return client._send(client._prepare_batch("archive_batch", from_object_type, to_object_type, pairs, timeout))

    def archive_labels_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[None]]:
        client = self._client
        call = client._prepare_batch("archive_labels_batch", from_object_type, to_object_type, items, timeout)
        return client._send(call)


class AsyncHubSpotAssociations(BaseClient[httpx.AsyncClient, Callable[[float], Awaitable[None]]]):
    """The async twin of ``HubSpotAssociations``: same arguments, same policy, awaitable methods.

    Runs wherever httpx's ``AsyncClient`` runs: asyncio, trio, or anyio on either (every wait, lock and task goes
    through anyio).
    """

    _http_class = httpx.AsyncClient

    def _default_sleep(self) -> Callable[[float], Awaitable[None]]:
        return _async_sleep

    async def _pause(self, seconds: float, stop: anyio.Event | None, attempts: int) -> None:
        """The async :meth:`HubSpotAssociations._pause`."""
        if stop is None:
            await self._sleep(seconds)
        elif self._stop_aware:
            import anyio

            with anyio.move_on_after(seconds):
                await stop.wait()
                raise StoppedError(attempts=attempts)
        else:
            await self._sleep(seconds)
            if stop.is_set():
                raise StoppedError(attempts=attempts)

    async def associate_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> BatchResponsePublicDefaultAssociation:
        """Create the default (unlabelled) association between two records, in both directions."""
        raw = await self.with_raw_response.associate_default(
            from_object_type, from_object_id, to_object_type, to_object_id, timeout=timeout
        )
        return raw.parsed

    async def associate(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: SpecsLike,
        *,
        timeout: TimeoutLike = None,
    ) -> LabelsBetweenObjectPair:
        """Create associations of the given types (a bare int is a HUBSPOT_DEFINED type id)."""
        raw = await self.with_raw_response.associate(
            from_object_type, from_object_id, to_object_type, to_object_id, specs, timeout=timeout
        )
        return raw.parsed

    async def associate_default_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> BatchResult[PublicDefaultAssociation]:
        """Create the default association for many record pairs in one request (see the sync client)."""
        raw = await self.with_raw_response.associate_default_batch(
            from_object_type, to_object_type, pairs, timeout=timeout
        )
        return raw.parsed

    async def associate_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> BatchResult[LabelsBetweenObjectPair]:
        """Create associations of the given types for many record pairs in one request (see the sync client)."""
        raw = await self.with_raw_response.associate_batch(from_object_type, to_object_type, items, timeout=timeout)
        return raw.parsed

    async def list_associations(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        *,
        limit: int = PAGE_LIMIT,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutLike = None,
    ) -> list[MultiAssociatedObjectWithLabel]:
        """Every record of ``to_object_type`` associated with one record, with the association types between them.

        Follows HubSpot's pages (``limit`` a page, at most 500) for you, bounded: ``timeout`` is the budget of the
        whole read, every page included; more than ``max_items`` records or ``max_pages`` pages (or a cursor sent
        twice) raise ``PagingLimitError`` (docs/read-and-remove.md §3).
        """
        return (
            await self.with_raw_response.list_associations(
                object_type,
                object_id,
                to_object_type,
                limit=limit,
                max_items=max_items,
                max_pages=max_pages,
                timeout=timeout,
            )
        ).parsed

    async def remove(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> None:
        """Remove every association (all types and labels, both directions) between two records. Idempotent."""
        await self.with_raw_response.remove(object_type, object_id, to_object_type, to_object_id, timeout=timeout)

    async def read_batch(
        self, from_object_type: str, to_object_type: str, ids: Ids, *, timeout: TimeoutLike = None
    ) -> BatchResult[PublicAssociationMultiWithLabel]:
        """Read the associations of up to 1,000 records to ``to_object_type`` in one request (``batch/read``).

        One ``BatchOutcome`` per id, in input order: confirmed (its ``results[0]`` lists the associated
        records, and ``results[0].paging.next.after``, when set, is the cursor to send as ``(id, after)`` for the
        rest), failed (an error item names it; a ``207``'s other results are kept), or unconfirmed (HubSpot
        answered nothing for it: HubSpot omits records that have no associations). More than 1,000 ids (HubSpot's
        cap, whatever ``max_batch_size``) raise ``InvalidInputError`` before anything is sent.
        """
        return (await self.with_raw_response.read_batch(from_object_type, to_object_type, ids, timeout=timeout)).parsed

    async def archive_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> BatchResult[None]:
        """Remove every association between many record pairs in one request (``batch/archive``).

        HubSpot answers ``204``, which confirms every pair; read them back (``verify_many``) for proof.
        """
        return (
            await self.with_raw_response.archive_batch(from_object_type, to_object_type, pairs, timeout=timeout)
        ).parsed

    async def archive_labels_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> BatchResult[None]:
        """Remove only the given association types (labels) between many record pairs (``batch/labels/archive``);
        ``items`` as ``associate_batch`` takes them."""
        return (
            await self.with_raw_response.archive_labels_batch(from_object_type, to_object_type, items, timeout=timeout)
        ).parsed

    def verify_many(
        self,
        rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
        *,
        labels: bool = False,
        batch_size: int = 1000,
    ) -> AsyncIterator[RowCheck]:
        """The async twin of ``HubSpotAssociations.verify_many`` (``async for check in ...``); rows from a sync
        or an async iterable."""
        from ._batch import READ_BATCH_LIMIT
        from ._readback import run_async, verifier

        size = min(validate_count(batch_size, "batch_size"), READ_BATCH_LIMIT)
        return run_async(self, rows, size, verifier(labels))

    def remove_many(
        self, rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow], *, batch_size: int | None = None
    ) -> AsyncIterator[RowCheck]:
        """The async twin of ``HubSpotAssociations.remove_many``."""
        from ._readback import remover, run_async

        size = self.max_batch_size if batch_size is None else validate_count(batch_size, "batch_size")
        return run_async(self, rows, min(size, self.max_batch_size), remover)

    @cached_property
    def with_raw_response(self) -> AsyncHubSpotAssociationsWithRawResponse:
        """The same methods, returning ``APIResponse`` (headers, correlation id, rate limit, attempts)."""
        return AsyncHubSpotAssociationsWithRawResponse(self)

    async def _send(
        self, call: PreparedCall[T], stop: anyio.Event | None = None, *, queued: bool = False
    ) -> APIResponse[T]:
        try:
            return await self._attempts(call, stop, queued)
        except HubSpotError as exc:
            self._scrubbed(exc, call)
            raise

    async def _attempts(self, call: PreparedCall[T], stop: anyio.Event | None, queued: bool) -> APIResponse[T]:
        # The same loop as the sync client's; the deadline reads a monotonic clock, never an event-loop timer.
        # ``stop`` (bulk runs), as in the sync client: once set, no further attempt starts and no wait goes on.
        deadline = self._deadline(call, queued)
        attempt = 0
        while True:
            if stop is not None and stop.is_set():
                raise StoppedError(attempts=attempt)
            shared = self._shared_pacer  # a Redis budget: asked through redis.asyncio, never blocking the loop
            slot = self.pacer.claim() if shared is None else await shared.aclaim()
            if slot.wait > 0:
                self._may_wait(call, deadline, slot.wait, pacer=True)
                since = self._clock()
                await self._pause(slot.wait, stop, attempt)
                deadline.turn_came(since)
            self._arm(call, deadline)
            try:
                response = await self._http.send(call.request, auth=self.auth, stream=True)
                try:
                    await self._reader(response, deadline).aread()
                finally:
                    await response.aclose()
            except httpx.RequestError as exc:  # transport errors, and a body httpx cannot decode (DecodingError)
                outcome: APIResponse[T] | float = self._transport_failure(call, exc, attempt, deadline)
            except HubSpotError as exc:  # authenticating (a refused OAuth refresh) or reading (too large, too late)
                self._final(exc, attempt)
                raise
            else:
                outcome = self._outcome(call, response, attempt, slot, deadline)
                if shared is not None:
                    await shared.aflush()  # a 429's hold reaches the other processes now
            if isinstance(outcome, APIResponse):
                return outcome
            if outcome > 0:  # a 429 waits at the pacer instead (its next claim)
                self._may_wait(call, deadline, outcome, pacer=False)
                await self._pause(outcome, stop, attempt + 1)
            attempt += 1

    async def close(self) -> None:
        """Close the connection pool (unless it was passed in), and Redis connections opened from a URL."""
        if self._owns_http:
            await self._http.aclose()
        if self._shared_pacer is not None:
            await self._shared_pacer.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    def associate_many(
        self,
        rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        stop: anyio.Event | None = None,
        grace: float = 1.0,
    ) -> AsyncBulkRun:
        """The async twin of ``HubSpotAssociations.associate_many``, entered with ``async with``.

        Accepts a sync or an async iterable of rows, consumed lazily; at most ``concurrency`` rows in flight. The
        workers live in a task group for the duration of the ``async with`` block; leaving it cancels them:

            async with client.associate_many(rows) as outcomes:
                async for outcome in outcomes:
                    ...

        Leaving the block abandons the rows in flight without an outcome. To stop *with* their outcomes (a signal,
        a run-wide failure), set ``stop`` (an ``anyio.Event``, so it works on asyncio and trio) and keep
        iterating, exactly as with the sync client: no row is taken from ``rows`` any more, rows waiting to retry
        (or for the pacer) end at once as failed outcomes with ``StoppedError``, and requests already on the
        wire get ``grace`` seconds to answer before the outcomes end without them (neither confirmed nor failed:
        send them again later).
        """
        from ._bulk import associate_many_async

        return associate_many_async(self, rows, concurrency, stop, grace)


class AsyncHubSpotAssociationsWithRawResponse:
    """``client.with_raw_response`` for the async client."""

    def __init__(self, client: AsyncHubSpotAssociations) -> None:
        self._client = client

    async def associate_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[BatchResponsePublicDefaultAssociation]:
        client = self._client
        call = client._prepare_default(from_object_type, from_object_id, to_object_type, to_object_id, timeout)
        return await client._send(call)

    async def associate(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: SpecsLike,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[LabelsBetweenObjectPair]:
        client = self._client
        call = client._prepare_labelled(from_object_type, from_object_id, to_object_type, to_object_id, specs, timeout)
        return await client._send(call)

    async def associate_default_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[PublicDefaultAssociation]]:
        client = self._client
        call = client._prepare_batch("associate_default_batch", from_object_type, to_object_type, pairs, timeout)
        return await client._send(call)

    async def associate_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[LabelsBetweenObjectPair]]:
        client = self._client
        call = client._prepare_batch("associate_batch", from_object_type, to_object_type, items, timeout)
        return await client._send(call)

    async def list_associations(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        *,
        limit: int = PAGE_LIMIT,
        max_items: int = DEFAULT_MAX_ITEMS,
        max_pages: int = DEFAULT_MAX_PAGES,
        timeout: TimeoutLike = None,
    ) -> APIResponse[list[MultiAssociatedObjectWithLabel]]:
        """Every page's results, as the ``APIResponse`` of the last page (``attempts``: of all pages)."""
        client = self._client
        pager = client._pager(object_type, object_id, to_object_type, limit, max_items, max_pages, timeout)
        while (call := pager.next_call()) is not None:
            pager.add(await client._send(call))
        return pager.result()

    async def remove(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        *,
        timeout: TimeoutLike = None,
    ) -> APIResponse[None]:
        client = self._client
        return await client._send(client._prepare_remove(object_type, object_id, to_object_type, to_object_id, timeout))

    async def read_batch(
        self, from_object_type: str, to_object_type: str, ids: Ids, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[PublicAssociationMultiWithLabel]]:
        client = self._client
        return await client._send(client._prepare_batch("read_batch", from_object_type, to_object_type, ids, timeout))

    async def archive_batch(
        self, from_object_type: str, to_object_type: str, pairs: Pairs, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[None]]:
        client = self._client
        return await client._send(
            client._prepare_batch("archive_batch", from_object_type, to_object_type, pairs, timeout)
        )

    async def archive_labels_batch(
        self, from_object_type: str, to_object_type: str, items: Items, *, timeout: TimeoutLike = None
    ) -> APIResponse[BatchResult[None]]:
        client = self._client
        call = client._prepare_batch("archive_labels_batch", from_object_type, to_object_type, items, timeout)
        return await client._send(call)
