"""``verify_many`` and ``remove_many``: check that rows' associations exist, or remove exactly them, in batches.

Both take the rows ``associate_many`` takes (:class:`AssociationRow`), lazily, in chunks of at most ``batch_size``
rows, and yield one :class:`RowCheck` per row **in input order**, a chunk at a time (memory is bounded by the
chunk, whatever the file's size). Each chunk is grouped by its object types; each group is one or more batch calls
through the client (its pacer, retries, deadline and typed errors). A batch call that fails as a whole gives every
row of its group that error; nothing is dropped (docs/read-and-remove.md §4).

The work on a chunk has no I/O of its own (:class:`_Verification`, :class:`_Removal`: the calls it needs one at a
time, then a verdict per row); :func:`run_sync` and :func:`run_async` drive it with either client, so the two
clients' ``verify_many`` and ``remove_many`` are the same logic.

**verify** reads back the ``from`` records of a group with ``batch/read`` (≤ 1,000 ids a request), following each
record's own pages (``(id, after)``) up to ``max_pages`` pages a record, and keeps only the associations the rows
ask about. A row is ``present`` when its ``to`` record is associated (with ``labels=True``: and every association
type the row lists is among those found, else ``wrong_labels``), ``missing`` when it is not (HubSpot returns no
result for a record without associations), ``unverified`` when HubSpot's answer failed the record, the call
failed, or the record had more pages than ``max_pages``.

**remove** sends the rows without a type to ``batch/archive`` (every association of the pair goes) and the rows
with one to ``batch/labels/archive`` (only that type goes). A row is ``removed`` when HubSpot's ``204`` confirmed
its batch, ``failed`` otherwise, with the reason.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final, NamedTuple

import attrs

from ._bulk._batches import BulkStats, tally
from ._errors import APIStatusError, BatchInputError, HubSpotError, ResponseTooLargeError

if TYPE_CHECKING:
    import threading

    from ._batch import BatchResult
    from ._bulk import AssociationRow
    from ._client import AsyncHubSpotAssociations, HubSpotAssociations

__all__ = ["MAX_PAGES_PER_RECORD", "Call", "RowCheck", "RowStatus", "remover", "run_async", "run_sync", "verifier"]

MAX_PAGES_PER_RECORD: Final = 1_000
"""The most pages ``verify_many`` follows for one record (500,000 associations) before it calls it unverified."""


class RowStatus(enum.StrEnum):
    """What verifying or removing one row came to."""

    PRESENT = "present"
    MISSING = "missing"
    WRONG_LABELS = "wrong_labels"
    UNVERIFIED = "unverified"
    REMOVED = "removed"
    FAILED = "failed"


@attrs.frozen(slots=True)
class RowCheck:
    """One row's result: ``status``, and for anything but ``present``/``removed`` a ``message`` saying why (with the
    ``error`` it came from, when there was one). ``found``: the association types found between the pair
    (``(category, type id)``), for ``verify``."""

    row: AssociationRow
    status: RowStatus
    message: str = ""
    error: HubSpotError | None = None
    found: tuple[tuple[str, int], ...] = ()

    @property
    def ok(self) -> bool:
        return self.status in (RowStatus.PRESENT, RowStatus.REMOVED)

    @property
    def status_code(self) -> int | None:
        return self.error.status_code if isinstance(self.error, APIStatusError) else None

    @property
    def correlation_id(self) -> str | None:
        return self.error.correlation_id if isinstance(self.error, APIStatusError) else None

    @property
    def error_category(self) -> str:
        """The report's ``error_category``: ``MISSING``, ``WRONG_LABELS``, HubSpot's category, ``UNVERIFIED``..."""
        category = getattr(self.error, "category", None)
        if self.status in (RowStatus.MISSING, RowStatus.WRONG_LABELS) or not isinstance(category, str) or not category:
            return self.status.value.upper()
        return category


def _chunks(rows: Iterable[AssociationRow], size: int) -> Iterator[list[AssociationRow]]:
    iterator = iter(rows)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def _spec_keys(row: AssociationRow) -> set[tuple[str, int]]:
    return {(spec.association_category.value, spec.association_type_id) for spec in row.specs}


def _ids(row: AssociationRow) -> tuple[str, str]:
    from ._validation import validate_object_id

    return validate_object_id(row.from_object_id, "from_id"), validate_object_id(row.to_object_id, "to_id")


class Call(NamedTuple):
    """One batch call a chunk needs: the client method's name and its arguments."""

    method: str
    from_type: str
    to_type: str
    inputs: list[Any]


class _Verification:
    """One chunk's read-back, without I/O: :meth:`next_call` gives the batch reads it needs one at a time,
    :meth:`answer` takes each one's result (or the error it raised), :meth:`checks` gives the verdict per row.
    The sync and async ``verify_many`` only drive it."""

    def __init__(self, chunk: Sequence[AssociationRow], labels: bool, max_pages: int) -> None:
        self._chunk = chunk
        self._labels = labels
        self._max_pages = max_pages
        self._ids = [_ids(row) for row in chunk]  # validated before any request
        # Per (from type, to type): which ``to`` ids each ``from`` record is asked about.
        self._wanted: dict[tuple[str, str], dict[str, set[str]]] = {}
        for row, (from_id, to_id) in zip(chunk, self._ids, strict=True):
            group = self._wanted.setdefault((row.from_object_type, row.to_object_type), {})
            group.setdefault(from_id, set()).add(to_id)
        self._found: dict[tuple[str, str, str], dict[str, set[tuple[str, int]]]] = {}
        self._trouble: dict[tuple[str, str, str], tuple[str, HubSpotError | None]] = {}
        self._pages: dict[tuple[str, str, str], int] = {}
        self._pending: list[Call] = [
            Call("read_batch", from_type, to_type, list(wanted))
            for (from_type, to_type), wanted in self._wanted.items()
        ]
        self._current: Call | None = None

    def next_call(self) -> Call | None:
        self._current = self._pending.pop() if self._pending else None
        return self._current

    def answer(self, result: BatchResult[Any] | HubSpotError) -> None:
        call = self._current
        assert call is not None
        if isinstance(result, ResponseTooLargeError) and len(call.inputs) > 1:
            # Many records with many associations: read them again in two halves (the body cap holds).
            half = len(call.inputs) // 2
            self._pending += [call._replace(inputs=call.inputs[half:]), call._replace(inputs=call.inputs[:half])]
        elif isinstance(result, HubSpotError):
            why = (
                "one page of the record is larger than max_response_bytes"
                if isinstance(result, ResponseTooLargeError)
                else "reading back failed"
            )
            for asked in call.inputs:
                key = (call.from_type, call.to_type, asked if isinstance(asked, str) else asked[0])
                self._trouble[key] = (f"{why}: {result}", result)
        else:
            self._read(call, result)

    def _read(self, call: Call, answer: BatchResult[Any]) -> None:
        wanted = self._wanted[(call.from_type, call.to_type)]
        further: list[Any] = []
        for outcome in answer:
            key = (call.from_type, call.to_type, outcome.input.from_id)
            error = outcome.error
            if error is not None and (isinstance(error, BatchInputError) or error.errors):
                # failed, or unconfirmed while the answer carried errors that failed no record: cannot tell
                self._trouble[key] = (f"HubSpot could not read the record: {error}", error)
                continue
            keep = wanted[key[2]]
            for result in outcome.results:
                for associated in result.to:
                    if associated.to_object_id in keep:
                        types = self._found.setdefault(key, {}).setdefault(associated.to_object_id, set())
                        types.update((str(spec.category), spec.type_id) for spec in associated.association_types)
                after = _next(result)
                if after is None:
                    continue
                self._pages[key] = self._pages.get(key, 0) + 1
                if self._pages[key] >= self._max_pages:
                    self._trouble[key] = (
                        f"more than {self._max_pages} pages of associations: not read to the end",
                        None,
                    )
                else:
                    further.append((key[2], after))
        if further:
            self._pending.append(call._replace(inputs=further))

    def checks(self) -> list[RowCheck]:
        checks = []
        for row, (from_id, to_id) in zip(self._chunk, self._ids, strict=True):
            key = (row.from_object_type, row.to_object_type, from_id)
            checks.append(_verdict(row, self._found.get(key, {}).get(to_id), self._trouble.get(key), self._labels))
        return checks


class _Removal:
    """One chunk's removal, without I/O, driven like :class:`_Verification`: rows without types go to
    ``archive_batch``, rows with types to ``archive_labels_batch``, one call per object-type pair."""

    def __init__(self, chunk: Sequence[AssociationRow]) -> None:
        self._chunk = chunk
        self._results: list[RowCheck | None] = [None] * len(chunk)
        groups: dict[tuple[str, str, bool], list[int]] = {}
        inputs = [_ids(row) for row in chunk]  # validated before any request
        for position, row in enumerate(chunk):
            groups.setdefault((row.from_object_type, row.to_object_type, bool(row.specs)), []).append(position)
        self._pending = [
            (
                Call(
                    "archive_labels_batch" if only_types else "archive_batch",
                    from_type,
                    to_type,
                    [(*inputs[p], chunk[p].specs) if only_types else inputs[p] for p in positions],
                ),
                positions,
            )
            for (from_type, to_type, only_types), positions in groups.items()
        ]
        self._positions: list[int] = []

    def next_call(self) -> Call | None:
        if not self._pending:
            return None
        call, self._positions = self._pending.pop(0)
        return call

    def answer(self, result: BatchResult[Any] | HubSpotError) -> None:
        for n, position in enumerate(self._positions):
            row = self._chunk[position]
            if isinstance(result, HubSpotError):
                self._results[position] = RowCheck(row, RowStatus.FAILED, str(result), result)
            elif result[n].ok:
                self._results[position] = RowCheck(row, RowStatus.REMOVED)
            else:
                self._results[position] = RowCheck(row, RowStatus.FAILED, str(result[n].error), result[n].error)

    def checks(self) -> list[RowCheck]:
        assert all(check is not None for check in self._results)
        return [check for check in self._results if check is not None]


_Work = Callable[[list["AssociationRow"]], "_Verification | _Removal"]


def run_sync(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    size: int,
    work: _Work,
    stop: threading.Event | None = None,
    stats: BulkStats | None = None,
) -> Iterator[RowCheck]:
    """Drive ``work`` over ``rows`` a chunk at a time with the sync client's batch methods; with a ``stop`` (the
    CLI's read-back on resume), the same requests go through ``client._send`` with it, so once it is set a call (or
    its wait for the pacer or a retry) ends at once with ``StoppedError``, and ``stats`` counts them."""
    for chunk in _chunks(rows, size):
        job = work(chunk)
        while (call := job.next_call()) is not None:
            answer: object = None
            try:
                if stop is None:
                    job.answer(getattr(client, call.method)(call.from_type, call.to_type, call.inputs))
                else:
                    prepared = client._prepare_batch(call.method, call.from_type, call.to_type, call.inputs, None)
                    response = client._send(prepared, stop)
                    answer = response
                    job.answer(response.parsed)
            except HubSpotError as exc:
                answer = exc
                job.answer(exc)
            if stats is not None:
                tally(stats, answer, batch=True)
        yield from job.checks()


async def run_async(
    client: AsyncHubSpotAssociations,
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow],
    size: int,
    work: _Work,
) -> AsyncIterator[RowCheck]:
    """The async twin of :func:`run_sync` (rows from a sync or an async iterable)."""
    async for chunk in _achunks(rows, size):
        job = work(chunk)
        while (call := job.next_call()) is not None:
            try:
                job.answer(await getattr(client, call.method)(call.from_type, call.to_type, call.inputs))
            except HubSpotError as exc:
                job.answer(exc)
        for check in job.checks():
            yield check


def verifier(labels: bool, max_pages: int = MAX_PAGES_PER_RECORD) -> _Work:
    """What ``verify_many`` does with each chunk."""
    return lambda chunk: _Verification(chunk, labels, max_pages)


remover: _Work = _Removal
"""What ``remove_many`` does with each chunk."""


async def _achunks(
    rows: Iterable[AssociationRow] | AsyncIterable[AssociationRow], size: int
) -> AsyncIterator[list[AssociationRow]]:
    if not isinstance(rows, AsyncIterable):
        for whole in _chunks(rows, size):
            yield whole
        return
    chunk: list[AssociationRow] = []
    async for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _next(result: Any) -> str | None:
    from ._results import next_cursor

    return next_cursor(result.paging)


def _verdict(
    row: AssociationRow,
    types: set[tuple[str, int]] | None,
    trouble: tuple[str, HubSpotError | None] | None,
    labels: bool,
) -> RowCheck:
    if types is not None:
        found = tuple(sorted(types))
        expected = _spec_keys(row)
        if labels and not expected <= types:
            missing = ", ".join(f"{category}:{type_id}" for category, type_id in sorted(expected - types))
            present = ", ".join(f"{category}:{type_id}" for category, type_id in found)
            return RowCheck(row, RowStatus.WRONG_LABELS, f"missing type(s) {missing}; found {present}", found=found)
        return RowCheck(row, RowStatus.PRESENT, found=found)
    if trouble is not None:
        return RowCheck(row, RowStatus.UNVERIFIED, trouble[0], trouble[1])
    return RowCheck(row, RowStatus.MISSING, "no such association in HubSpot")
