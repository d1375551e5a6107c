"""Rows into batches, and one batch's life, for both bulk engines (``_sync.py``, ``_async.py``).

* :class:`Batcher` groups the rows as they are read by operation and object-type pair (default rows go through
  ``batch/associate/default``, labelled rows through ``batch/create`` with each row's own types) into
  :class:`Unit` s of up to the run's batch size. It holds at most :data:`HOLD_BATCHES` batches' worth of rows that
  are not yet in flight (past that, the fullest group goes out short), so memory stays flat whatever the input's
  size and mix, and a file mixing a few kinds of row (default and labelled, two object pairs) still sends full
  batches.
* :func:`unit_steps` is one unit's life as a generator that does no I/O: it yields a request to send (a
  :class:`PreparedCall`) and is sent back the answer (an :class:`APIResponse`, or the typed error), or it yields
  the outcomes it has decided. The sync engine drives it with ``client._send``, the async one with ``await``, so
  the rules live here once:

  - a row the batch answer confirms is confirmed; one it names in an error fails with that error;
  - a row it leaves unconfirmed (or whose error could not be tied to it), and every row of a 2xx answer that is
    not a batch answer, is sent again **alone** through the single-record PUT, whose answer is exact (the PUT is
    idempotent);
  - a batch refused as a whole with a 400 (its body: not auth, scopes or limits, which are run-wide) is split in
    halves, each sent again, down to single rows sent alone; a 400 saying the batch is over HubSpot's input cap
    also lowers the run's batch size (:meth:`RunState.shrink`) for every later batch;
  - any other error (after the client's retries: 5xx, timeouts, 401, 403, daily limit, a stop) is every row's of
    the part that carried it.

  So every row of a unit gets exactly one outcome (unless a request is abandoned on the wire after a stop's grace).
A part of one row is always the single-record PUT: ``batch_size=1`` is the one-request-per-row run of before.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import attrs

from .._batch import OPERATIONS, BatchInput, OutcomeStatus
from .._errors import BadRequestError, HubSpotError, UnexpectedResponseError
from .._oauth import OAuthRefreshError
from .._response import APIResponse
from .._run_failure import run_wide_failure
from .._validation import InvalidInputError, validate_object_id, validate_object_type
from ._rows import AssociationOutcome, AssociationRow, _confirmed, _failed, _prepare

if TYPE_CHECKING:
    from .._base_client import BaseClient, PreparedCall

__all__ = ["Batcher", "BulkStats", "RunState", "Unit", "batch_size_of", "unit_steps"]

Entry = tuple[int, AssociationRow, BatchInput]
"""A row in a unit: its input index, the row, and its validated batch input."""
Key = tuple[str, str, str]
"""What rows of one batch share: the operation's name and the (validated) object types."""
Answer = APIResponse[Any] | HubSpotError | InvalidInputError | OAuthRefreshError
Step = Generator["PreparedCall[Any] | list[AssociationOutcome]", "Answer | None", None]

HOLD_BATCHES = 4
"""How many batches' worth of rows the batcher may hold while their groups fill up."""

# A 400 saying the batch has more inputs than HubSpot takes ("Batch input of 200 inputs exceeds the limit of 100").
_OVER_CAP = re.compile(r"\b(exceed(s|ed)?|too many|more than|limit|maximum|at most)\b", re.IGNORECASE)
_CAP_NUMBER = re.compile(r"\b(?:limit of|maximum of|at most|max(?:imum)?:?)\s*([0-9]{1,6})\b", re.IGNORECASE)


@attrs.define
class BulkStats:
    """What a bulk run sent, for summaries: pass one to ``associate_many(stats=...)`` and read it as it goes.

    Attributes:
        requests: HTTP requests sent (retries included).
        retries: requests that repeated an earlier one (after a 429, a 5xx, a dropped connection).
        batches: batch requests among them.
        resent_alone: rows sent again alone through the single-record PUT (left unconfirmed by their batch, or
            down to one row after a whole-batch 400).
        splits: batches split in halves after a whole-batch 400.
        batch_size: the batch size in use (lowered when HubSpot said a batch was over its cap).
        cap_note: what HubSpot said when it lowered the batch size (once), else None.
    """

    requests: int = 0
    retries: int = 0
    batches: int = 0
    resent_alone: int = 0
    splits: int = 0
    batch_size: int = 0
    cap_note: str | None = None


def tally(stats: BulkStats, answer: object, *, batch: bool, alone: bool = False) -> None:
    """Count one request's answer (an ``APIResponse`` or the error it ended in) in ``stats``: its attempts, retries
    included; nothing for one that never left (a ``StoppedError`` with no attempt)."""
    attempts = getattr(answer, "attempts", None) or 0
    stats.requests += attempts
    stats.retries += max(attempts - 1, 0)
    stats.batches += bool(batch and attempts)
    stats.resent_alone += alone


class RunState:
    """The run-wide batching state the workers share: the batch size in use and the counts (under a lock)."""

    def __init__(self, batch_size: int, stats: BulkStats | None) -> None:
        self.stats: BulkStats = BulkStats() if stats is None else stats
        self.stats.batch_size = batch_size
        self.lock: threading.Lock = threading.Lock()

    @property
    def size(self) -> int:
        return self.stats.batch_size

    def count(self, answer: Answer | None, *, batch: bool, alone: bool) -> None:
        with self.lock:
            tally(self.stats, answer, batch=batch, alone=alone)

    def split(self) -> None:
        with self.lock:
            self.stats.splits += 1

    def shrink(self, sent: int, error: BadRequestError) -> None:
        """HubSpot refused a batch of ``sent`` inputs as over its cap: later batches carry at most the cap it named
        (or half of ``sent``)."""
        match = _CAP_NUMBER.search(error.message)
        cap = int(match.group(1)) if match else sent // 2
        cap = max(1, min(cap, sent - 1))
        with self.lock:
            if cap < self.stats.batch_size:
                self.stats.batch_size = cap
                if self.stats.cap_note is None:
                    self.stats.cap_note = (
                        f"HubSpot refused a batch of {sent} rows as too large ({error.message}); "
                        f"the run goes on with batches of at most {cap}"
                    )


@attrs.frozen(slots=True)
class Unit:
    """Rows that go out together: one batch request (or one PUT for a single row)."""

    key: Key
    entries: tuple[Entry, ...]


_TYPES: dict[str, str] = {}
"""Object types already validated (as written -> as sent): a run names a few, on every row."""
_MAX_TYPES = 1024


def _object_type(value: object, argument: str) -> str:
    known = _TYPES.get(value) if type(value) is str else None
    if known is None:
        known = validate_object_type(value, argument)
        if len(_TYPES) < _MAX_TYPES:
            _TYPES[value] = known  # type: ignore[index]  # a str: validate_object_type refuses anything else
    return known


def _entry(index: int, row: object) -> tuple[Key, Entry]:
    """A row checked for a batch (raises :class:`InvalidInputError`, as its single PUT would)."""
    if not isinstance(row, AssociationRow):
        raise InvalidInputError("row", f"expected an AssociationRow, got {type(row).__name__}")
    from_type = _object_type(row.from_object_type, "from_object_type")
    to_type = _object_type(row.to_object_type, "to_object_type")
    specs = row.specs
    item = BatchInput(
        validate_object_id(row.from_object_id, "from_object_id"),
        validate_object_id(row.to_object_id, "to_object_id"),
        specs,
    )
    name = "associate_batch" if specs else "associate_default_batch"
    return (name, from_type, to_type), (index, row, item)


class Batcher:
    """Groups rows into units as they are read (see the module docstring); not thread-safe (the engines call it
    from one place at a time)."""

    def __init__(self, state: RunState) -> None:
        self._state = state
        self._groups: dict[Key, list[Entry]] = {}
        self._held = 0

    def add(self, index: int, row: object) -> Unit | AssociationOutcome | None:
        """Take one row: a unit ready to send, a failed outcome (invalid row, nothing sent), or None (held)."""
        try:
            key, entry = _entry(index, row)
        except InvalidInputError as error:
            return _failed(row, index, error)
        group = self._groups.setdefault(key, [])
        group.append(entry)
        self._held += 1
        size = self._state.size
        if len(group) >= size:
            return self._take(key)
        if self._held > HOLD_BATCHES * size:  # rows of many pairs: the fullest goes out short, rows never pile up
            return self._take(max(self._groups, key=lambda k: len(self._groups[k])))
        return None

    def flush(self) -> Unit | None:
        """At the end of the input: the next held group, until none is left."""
        return self._take(next(iter(self._groups))) if self._groups else None

    def drain(self) -> list[AssociationOutcome]:
        """On a stop: every held row, reported not attempted (:class:`StoppedError`, 0 attempts)."""
        from .._errors import StoppedError

        held = [entry for group in self._groups.values() for entry in group]
        self._groups.clear()
        self._held = 0
        return [_failed(row, index, StoppedError(attempts=0)) for index, row, _ in held]

    def _take(self, key: Key) -> Unit:
        entries = self._groups.pop(key)
        self._held -= len(entries)
        return Unit(key, tuple(entries))


def _batch_call(client: BaseClient[Any, Any], key: Key, entries: tuple[Entry, ...]) -> PreparedCall[Any]:
    name, from_type, to_type = key
    kwargs, parse = OPERATIONS[name].prepare_checked(from_type, to_type, [item for _, _, item in entries])
    return client._call(kwargs, None, parse)


def _splits(error: Answer) -> bool:
    """A whole-batch 400 about its body (auth, scopes and limits are run-wide, never split)."""
    return isinstance(error, BadRequestError) and run_wide_failure(error) is None


def unit_steps(client: BaseClient[Any, Any], unit: Unit, state: RunState) -> Step:
    """One unit's life (see the module docstring): yields requests (sent back their answer) and outcomes."""
    parts: list[tuple[tuple[Entry, ...], bool]] = [(unit.entries, False)]  # (rows, sent alone after a batch)
    while parts:
        entries, again = parts.pop()
        if len(entries) == 1:
            index, row, _ = entries[0]
            try:
                call = _prepare(client, row)
            except InvalidInputError as error:  # checked when batched already; kept exact all the same
                yield [_failed(row, index, error)]
                continue
            answer = yield call
            assert answer is not None
            state.count(answer, batch=False, alone=again)
            if isinstance(answer, APIResponse):
                yield [_confirmed(row, index, answer)]
            else:
                yield [_failed(row, index, answer)]
            continue
        answer = yield _batch_call(client, unit.key, entries)
        assert answer is not None
        state.count(answer, batch=True, alone=False)
        if isinstance(answer, APIResponse):
            decided: list[AssociationOutcome] = []
            unconfirmed: list[Entry] = []
            attempts, correlation = answer.attempts, answer.correlation_id  # a header lookup: once, not per row
            for entry, outcome in zip(entries, answer.parsed.outcomes, strict=True):
                index, row, _ = entry
                if outcome.status is OutcomeStatus.CONFIRMED:
                    decided.append(AssociationOutcome(row, index, outcome, None, attempts, correlation))
                elif outcome.status is OutcomeStatus.FAILED:
                    decided.append(AssociationOutcome(row, index, None, outcome.error, attempts, correlation))
                else:
                    unconfirmed.append(entry)
            if decided:
                yield decided
            parts.extend(((entry,), True) for entry in reversed(unconfirmed))
        elif isinstance(answer, UnexpectedResponseError) and 200 <= answer.status_code < 300:
            # A 2xx whose body is not a batch answer: it may have created them all, or none; each row alone says.
            parts.extend(((entry,), True) for entry in reversed(entries))
        elif _splits(answer):
            assert isinstance(answer, BadRequestError)
            if _OVER_CAP.search(answer.message) and "input" in answer.message.lower():
                state.shrink(len(entries), answer)
            state.split()
            half = len(entries) // 2
            parts.append((entries[half:], True))
            parts.append((entries[:half], True))
        else:
            yield [_failed(row, index, answer) for index, row, _ in entries]


def batch_size_of(client: BaseClient[Any, Any], batch_size: object) -> int:
    """``associate_many``'s ``batch_size``, checked: None is the client's ``max_batch_size``; at most that."""
    from .._validation import validate_count

    if batch_size is None:
        return client.max_batch_size
    size = validate_count(batch_size, "batch_size", unit=" (rows per request; 1 sends each row alone)")
    if size > client.max_batch_size:
        raise InvalidInputError(
            "batch_size",
            f"must be at most the client's max_batch_size ({client.max_batch_size}), got {size}: "
            "raise max_batch_size (at most 2,000) to send larger batches",
        )
    return size
