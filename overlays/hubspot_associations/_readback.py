"""``verify_many`` and ``remove_many``: check that rows' associations exist, or remove exactly them, in batches.

Both take the rows ``associate_many`` takes (:class:`AssociationRow`), lazily, in chunks of at most ``batch_size``
rows, and yield one :class:`RowCheck` per row **in input order**, a chunk at a time (memory is bounded by the
chunk, whatever the file's size). Each chunk is grouped by its object types; each group is one or more batch calls
through the client (its pacer, retries, deadline and typed errors). A batch call that fails as a whole gives every
row of its group that error; nothing is dropped (docs/read-and-remove.md §4).

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
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Final

import attrs

from ._batch import READ_BATCH_LIMIT
from ._errors import APIStatusError, BatchInputError, HubSpotError, ResponseTooLargeError

if TYPE_CHECKING:
    from ._bulk import AssociationRow
    from ._client import HubSpotAssociations

__all__ = ["MAX_PAGES_PER_RECORD", "RowCheck", "RowStatus", "remove_many", "verify_many"]

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


def _groups(chunk: Sequence[AssociationRow], key: Callable[[AssociationRow], Any]) -> dict[Any, list[int]]:
    """Positions of the chunk's rows by ``key``, each group in input order."""
    groups: dict[Any, list[int]] = {}
    for position, row in enumerate(chunk):
        groups.setdefault(key(row), []).append(position)
    return groups


def _spec_keys(row: AssociationRow) -> set[tuple[str, int]]:
    return {(spec.association_category.value, spec.association_type_id) for spec in row.specs}


def _ids(row: AssociationRow) -> tuple[str, str]:
    from ._validation import validate_object_id

    return validate_object_id(row.from_object_id, "from_id"), validate_object_id(row.to_object_id, "to_id")


def verify_many(
    client: HubSpotAssociations,
    rows: Iterable[AssociationRow],
    *,
    labels: bool = False,
    batch_size: int = 1000,
    max_pages: int = MAX_PAGES_PER_RECORD,
) -> Iterator[RowCheck]:
    """See the module docstring; ``HubSpotAssociations.verify_many`` is the public entry."""
    size = min(batch_size, READ_BATCH_LIMIT)
    for chunk in _chunks(rows, size):
        results: list[RowCheck | None] = [None] * len(chunk)
        for (from_type, to_type), positions in _groups(
            chunk, lambda row: (row.from_object_type, row.to_object_type)
        ).items():
            wanted: dict[str, set[str]] = {}
            for position in positions:
                from_id, to_id = _ids(chunk[position])
                wanted.setdefault(from_id, set()).add(to_id)
            found, trouble = _read_back(client, from_type, to_type, wanted, max_pages)
            for position in positions:
                row = chunk[position]
                from_id, to_id = _ids(row)
                results[position] = _verdict(row, found.get(from_id, {}).get(to_id), trouble.get(from_id), labels)
        for result in results:
            assert result is not None  # every position belongs to one group
            yield result


def _read_back(
    client: HubSpotAssociations, from_type: str, to_type: str, wanted: dict[str, set[str]], max_pages: int
) -> tuple[dict[str, dict[str, set[tuple[str, int]]]], dict[str, tuple[str, HubSpotError | None]]]:
    """Per ``from`` id, the wanted ``to`` ids found with their types; and the ids that could not be read, why.

    An answer larger than the client's ``max_response_bytes`` (many records with many associations) is read again
    in two halves, down to one record a request; only a single record's page beyond the cap is unverified."""
    found: dict[str, dict[str, set[tuple[str, int]]]] = {}
    trouble: dict[str, tuple[str, HubSpotError | None]] = {}
    ids: list[str | tuple[str, str]] = list(wanted)
    pending = [ids[start : start + READ_BATCH_LIMIT] for start in range(0, len(ids), READ_BATCH_LIMIT)]
    pages = dict.fromkeys(wanted, 0)
    while pending:
        batch = pending.pop()
        try:
            answer = client.read_batch(from_type, to_type, batch)
        except ResponseTooLargeError as exc:
            if len(batch) > 1:
                pending += [batch[len(batch) // 2 :], batch[: len(batch) // 2]]
                continue
            _fail(trouble, batch, f"one page of the record is larger than max_response_bytes: {exc}", exc)
            continue
        except HubSpotError as exc:
            _fail(trouble, batch, f"reading back failed: {exc}", exc)
            continue
        further: list[str | tuple[str, str]] = []
        for outcome in answer:
            object_id = outcome.input.from_id
            error = outcome.error
            if error is not None and (isinstance(error, BatchInputError) or error.errors):
                # failed, or unconfirmed while the answer carried errors that failed no record: cannot tell
                trouble[object_id] = (f"HubSpot could not read the record: {error}", error)
                continue
            for result in outcome.results:
                keep = wanted[object_id]
                for associated in result.to:
                    if associated.to_object_id in keep:
                        types = found.setdefault(object_id, {}).setdefault(associated.to_object_id, set())
                        types.update((str(spec.category), spec.type_id) for spec in associated.association_types)
                after = _next(result)
                if after is None:
                    continue
                pages[object_id] += 1
                if pages[object_id] >= max_pages:
                    trouble[object_id] = (f"more than {max_pages} pages of associations: not read to the end", None)
                else:
                    further.append((object_id, after))
        if further:
            pending.append(further)
    return found, trouble


def _fail(
    trouble: dict[str, tuple[str, HubSpotError | None]],
    batch: Sequence[str | tuple[str, str]],
    reason: str,
    error: HubSpotError,
) -> None:
    for asked in batch:
        trouble[asked if isinstance(asked, str) else asked[0]] = (reason, error)


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


def remove_many(client: HubSpotAssociations, rows: Iterable[AssociationRow], *, batch_size: int) -> Iterator[RowCheck]:
    """See the module docstring; ``HubSpotAssociations.remove_many`` is the public entry."""
    for chunk in _chunks(rows, batch_size):
        results: list[RowCheck | None] = [None] * len(chunk)
        key = lambda row: (row.from_object_type, row.to_object_type, bool(row.specs))  # noqa: E731
        for (from_type, to_type, only_types), positions in _groups(chunk, key).items():
            try:
                if only_types:
                    items = [(*_ids(chunk[p]), chunk[p].specs) for p in positions]
                    answer = client.archive_labels_batch(from_type, to_type, items)
                else:
                    answer = client.archive_batch(from_type, to_type, [_ids(chunk[p]) for p in positions])
            except HubSpotError as exc:
                for position in positions:
                    results[position] = RowCheck(chunk[position], RowStatus.FAILED, str(exc), exc)
                continue
            for position, outcome in zip(positions, answer, strict=True):
                row = chunk[position]
                if outcome.ok:
                    results[position] = RowCheck(row, RowStatus.REMOVED)
                else:
                    results[position] = RowCheck(row, RowStatus.FAILED, str(outcome.error), outcome.error)
        for result in results:
            assert result is not None
            yield result
