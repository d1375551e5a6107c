"""Batch operations: one entry per operation, and the reading of a batch answer into one outcome per input.

HubSpot's batch answers carry no input index (docs/batch.md §3): results name their pair by ids, and an
``errors[]`` item names its input, if at all, only by ids in its ``context`` values or its ``message`` (or, for an
unknown association type, by the spec it names). :func:`read_batch` is the one reading of such an answer, a pure
function of the inputs and the decoded JSON:

* an input is **confirmed** only when a result names its exact pair (``from``, ``to``); results in the reverse
  direction (the default operation answers both) are attached to it but confirm nothing on their own. A default
  result names no object types, so when a batch between two different types holds both (A, B) and (B, A), a result
  (B, A) may be either input's: its type id decides (each direction has one default type id, learnt from results
  whose direction is certain), and when that cannot tell, it confirms neither and fails neither;
* an input is **failed** when an error item names it: an item naming both ids of an input (a self-association)
  names only the inputs it matches fully, and fails them even when a result lists their pair too (the answer
  contradicts itself; re-sending is idempotent); an item naming one id (an unknown record) or, naming no input id,
  a spec (``USER_DEFINED=3``) fails the inputs with that id or spec that no result confirms: "2000001 is not a valid
  ID" does not say on which side, and an input whose exact pair came back is not the one it meant;
* every other input is **unconfirmed**, with the errors that failed no input attached (they may be its reason).

So the outcomes are exactly the inputs, in input order, for any answer. The work is linear in the answer's size
(the body cap in ``_bounds.py`` bounds it), never recursive, and nothing here raises for a JSON object; a body that
is not an object raises ``TypeError``, which ``BaseClient._parse`` turns into :class:`UnexpectedResponseError`.

Each operation is one :class:`BatchOperation` in :data:`OPERATIONS`: how its inputs are checked, its request built
(through the generated ``_get_kwargs``, so the path goes the way every other request's does) and its result items
read. The next batch operation is a spec change plus one entry here and its public method in ``_client.py``.

Two shapes beyond "a pair in, a pair out" are settings of an entry, read here only:

* ``by_id`` (batch read): an input is one record id, optionally with the cursor of its next page (``(id, after)``);
  it is held as the pair ``(id, id)`` and a result names it by ``from.id``, so the one reading above applies as is;
* ``no_body`` (the archives): HubSpot answers ``204`` with no body, which confirms the whole request and so every
  input; a body, if one ever comes, is read like any batch answer.
"""

from __future__ import annotations

import enum
import functools
import itertools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

import attrs

from ._errors import BatchInputError, BatchUnconfirmedError
from ._validation import InvalidInputError, validate_object_id, validate_object_type
from .object_types import object_type_id

if TYPE_CHECKING:
    from hubspot_associations_api.models import (
        LabelsBetweenObjectPair,
        PublicAssociationMultiWithLabel,
        PublicDefaultAssociation,
    )

    from ._models import AssociationSpec

__all__ = [
    "OPERATIONS",
    "READ_BATCH_LIMIT",
    "BatchInput",
    "BatchOperation",
    "BatchOutcome",
    "BatchResult",
    "OutcomeStatus",
    "read_batch",
]

R = TypeVar("R")

READ_BATCH_LIMIT: Final = 1000
"""The most ids one batch read takes: HubSpot's cap since 2025-02-10 (docs/read-and-remove.md §2)."""

MAX_IDS_PER_ERROR: Final = 16
"""An error item names one or two ids; matching stops after this many that belong to inputs (a hostile item
naming thousands stays linear)."""

_MAX_CONTEXT_DEPTH: Final = 4
_MAX_CONTEXT_VALUES: Final = 256
# A record id in text: ASCII digits not glued to a word, a dot or a hyphen (so "0-1", "1.5" and dates give none).
_ID_IN_TEXT: Final = re.compile(r"(?<![\w.\-])[0-9]{1,25}(?![\w.\-])")
# A spec in text, as HubSpot writes it: ``USER_DEFINED=3``. Not ``CONTACT=38374264688`` (an object id).
_SPEC_IN_TEXT: Final = re.compile(r"\b([A-Z][A-Z_]*_DEFINED|WORK)=([0-9]{1,10})\b")
_MAX_ID_DIGITS: Final = 19
_ID_LIMIT: Final = 10**_MAX_ID_DIGITS


class OutcomeStatus(enum.StrEnum):
    """What HubSpot's answer says about one input."""

    CONFIRMED = "confirmed"
    """A result names the input's pair: the association exists."""
    FAILED = "failed"
    """An error item names the input: ``error`` is the ``BatchInputError`` made from it."""
    UNCONFIRMED = "unconfirmed"
    """Neither: the association may or may not exist (send it again; the operations are idempotent)."""


@attrs.frozen(slots=True)
class BatchInput:
    """One input of a batch, validated: record ids as decimal strings, and the specs asked for (empty for the
    default association)."""

    from_id: str
    to_id: str
    specs: tuple[AssociationSpec, ...] = ()
    after: str | None = None
    """For batch read only: the cursor of the record's next page."""


@attrs.frozen(slots=True)
class BatchOutcome(Generic[R]):
    """What happened to one input of a batch.

    Attributes:
        index: the input's position in what was passed (0-based).
        input: the input, validated.
        status: ``OutcomeStatus``.
        results: the result items HubSpot returned for this pair (for the default operation, both directions), as
            the generated models; built from the answer's JSON when first read (a bulk run that only needs the
            status never pays for them), from items already checked to be well-formed.
        error: for a failed input the ``BatchInputError`` naming it; for an unconfirmed one a
            ``BatchUnconfirmedError`` carrying the errors that failed no input; ``None`` when confirmed.
    """

    index: int
    input: BatchInput
    status: OutcomeStatus
    error: BatchInputError | BatchUnconfirmedError | None = None
    _found: tuple[Any, ...] = attrs.field(default=(), repr=False, alias="found")
    _build: Callable[[Any], R] | None = attrs.field(default=None, repr=False, eq=False, alias="build")
    _built: tuple[R, ...] | None = attrs.field(default=None, init=False, repr=False, eq=False)

    @property
    def results(self) -> tuple[R, ...]:
        built = self._built
        if built is None:
            build = self._build
            built = self._found if build is None else tuple(build(raw) for raw in self._found)
            object.__setattr__(self, "_built", built)  # once: the same objects on every read
        return built

    @property
    def ok(self) -> bool:
        """True when HubSpot confirmed the association."""
        return self.status is OutcomeStatus.CONFIRMED

    @property
    def from_id(self) -> str:
        return self.input.from_id

    @property
    def to_id(self) -> str:
        return self.input.to_id


@attrs.frozen(slots=True)
class BatchResult(Generic[R]):
    """The answer to one batch request: one ``BatchOutcome`` per input, **in input order**.

    Iterating, ``len()`` and indexing go over the outcomes. ``errors`` holds every ``errors[]`` item of the answer
    (as ``BatchInputError``), ``unattributed`` those that failed no input, ``unmatched_results`` how many result
    items named no input (or could not be read), ``status`` the body's ``status`` (``COMPLETE``...) when it had one.
    """

    outcomes: tuple[BatchOutcome[R], ...]
    errors: tuple[BatchInputError, ...] = ()
    unattributed: tuple[BatchInputError, ...] = ()
    unmatched_results: int = 0
    status: str | None = None

    def __iter__(self) -> Iterator[BatchOutcome[R]]:
        return iter(self.outcomes)

    def __len__(self) -> int:
        return len(self.outcomes)

    def __getitem__(self, index: int) -> BatchOutcome[R]:
        return self.outcomes[index]

    def _with(self, status: OutcomeStatus) -> list[BatchOutcome[R]]:
        return [outcome for outcome in self.outcomes if outcome.status is status]

    @property
    def confirmed(self) -> list[BatchOutcome[R]]:
        return self._with(OutcomeStatus.CONFIRMED)

    @property
    def failed(self) -> list[BatchOutcome[R]]:
        return self._with(OutcomeStatus.FAILED)

    @property
    def unconfirmed(self) -> list[BatchOutcome[R]]:
        return self._with(OutcomeStatus.UNCONFIRMED)

    @property
    def all_confirmed(self) -> bool:
        return all(outcome.ok for outcome in self.outcomes)


# -- the operations -------------------------------------------------------------------------------------------


class BatchOperation(Generic[R]):
    """One batch operation: what an input is, how the request is built, how a result item is read.

    ``argument`` names the inputs in error messages; ``with_specs`` says whether an input carries specs
    (``(from_id, to_id, specs)``) or not (``(from_id, to_id)``); ``kwargs`` builds the generated ``_get_kwargs``
    dict from the two path segments and the inputs; ``item`` reads one result item (``None`` when it is not one)
    and ``pair`` its (from, to) ids; ``direction``, for an operation whose results may name a pair reversed without
    saying so, gives what tells the two directions apart (the association type id).

    ``by_id`` and ``no_body`` are the two other shapes (see the module docstring); ``max_inputs`` is HubSpot's own
    cap of the operation, which replaces the client's ``max_batch_size`` for it (batch read: 1,000).

    ``peek``, when given, reads a result item's pair and direction straight from its JSON, returning ``None``
    exactly when ``item`` would refuse it (``tests/test_batch_reading.py`` checks the two agree on any JSON); the
    models are then built only when an outcome's ``results`` are read. The bulk engine reads 100 or more result
    items per request and needs only their ids: building each model would be most of its CPU per row.
    """

    __slots__ = (
        "argument",
        "by_id",
        "direction",
        "item",
        "kwargs",
        "max_inputs",
        "no_body",
        "pair",
        "peek",
        "with_specs",
    )

    def __init__(
        self,
        *,
        argument: str,
        with_specs: bool,
        kwargs: Callable[[str, str, Sequence[BatchInput]], dict[str, Any]],
        item: Callable[[Any], R],
        pair: Callable[[R], tuple[object, object]],
        direction: Callable[[R], object] | None = None,
        by_id: bool = False,
        no_body: bool = False,
        max_inputs: int | None = None,
        peek: Callable[[Any], tuple[object, object, object] | None] | None = None,
    ) -> None:
        self.argument = argument
        self.with_specs = with_specs
        self.kwargs = kwargs
        self.item = item
        self.pair = pair
        self.direction = direction
        self.by_id = by_id
        self.no_body = no_body
        self.max_inputs = max_inputs
        self.peek = peek

    def read(self, raw: Any) -> tuple[Any, str, str, object] | None:
        """One result item: what to keep of it (its JSON when ``peek`` vouches for it, else the model), the ids of
        its pair as the inputs spell them, and its direction (``None`` without one); ``None`` when it is not a
        result item of this operation."""
        if type(raw) is not dict and not isinstance(raw, Mapping):  # a JSON object, or not a result item
            return None
        peek = self.peek
        if peek is not None:
            seen = peek(raw)
            if seen is None:
                return None
            first, second, kind = seen
            kept: Any = raw
        else:
            try:
                kept = self.item(raw)
                first, second = self.pair(kept)
                kind = None if self.direction is None else self.direction(kept)
            except Exception:  # not a result item (wrong shape, wrong types): it confirms nothing
                return None
        source, target = _id(first), _id(second)
        if source is None or target is None:
            return None
        return kept, source, target, kind

    def inputs(self, values: object, limit: int) -> list[BatchInput]:
        """The inputs, validated; raises :class:`InvalidInputError` naming the input before anything is sent."""
        limit = limit if self.max_inputs is None else self.max_inputs
        if self.by_id:
            return _id_inputs(values, self.argument, limit)
        return _inputs(values, self.argument, self.with_specs, limit)

    def prepare(
        self, from_object_type: object, to_object_type: object, values: object, limit: int
    ) -> tuple[dict[str, Any], Callable[[Any], BatchResult[R]]]:
        """The request (the generated ``_get_kwargs`` dict) and the parser of its answer, for ``BaseClient._call``;
        raises :class:`InvalidInputError` naming the argument or input before anything is sent."""
        from_type = validate_object_type(from_object_type, "from_object_type")
        to_type = validate_object_type(to_object_type, "to_object_type")
        return self.prepare_checked(from_type, to_type, self.inputs(values, limit))

    def prepare_checked(
        self, from_type: str, to_type: str, inputs: Sequence[BatchInput]
    ) -> tuple[dict[str, Any], Callable[[Any], BatchResult[R]]]:
        """:meth:`prepare` for object types and inputs that are validated already (the bulk engine's rows)."""
        same = (object_type_id(from_type) or from_type) == (object_type_id(to_type) or to_type)
        return self.kwargs(from_type, to_type, inputs), lambda data: read_batch(self, inputs, data, same_types=same)


class _Encoded:
    """What a generated ``_get_kwargs`` takes as the body of a create operation, whose JSON is encoded here instead.

    The two create operations carry 100 or more inputs per request: building a generated model per input, turning
    it into a dict and JSON-encoding that was more CPU per row than the rest of the request. Their bytes are
    written here from the validated inputs (ids are ASCII digits, categories enum values, type ids integers:
    nothing to escape), and sent as httpx's ``content`` (``_encoded``). ``tests/test_batch_client.py`` checks the
    bytes decode to what the generated models give, for any inputs, so a regenerated spec that changes the shape
    fails there.
    """

    def to_dict(self) -> None:  # the generated code puts it under "json"; _encoded replaces it
        return None


_ENCODED = _Encoded()


def _encoded(kwargs: dict[str, Any], content: bytes) -> dict[str, Any]:
    del kwargs["json"]
    kwargs["content"] = content  # with the generated Content-Type header: application/json
    return kwargs


def _pair_json(item: BatchInput) -> str:
    if not (item.from_id.isdigit() and item.to_id.isdigit() and item.from_id.isascii() and item.to_id.isascii()):
        raise ValueError(f"not validated ids: {item.from_id!r} -> {item.to_id!r}")  # BatchInput is public
    return f'"from":{{"id":"{item.from_id}"}},"to":{{"id":"{item.to_id}"}}'


def _default_body(inputs: Sequence[BatchInput]) -> bytes:
    return ('{"inputs":[{' + "},{".join([_pair_json(i) for i in inputs]) + "}]}").encode()


def _labelled_body(inputs: Sequence[BatchInput]) -> bytes:
    items = [
        _pair_json(i)
        + ',"types":['
        + ",".join(
            [
                f'{{"associationCategory":"{spec.association_category.value}",'
                f'"associationTypeId":{int(spec.association_type_id)}}}'
                for spec in i.specs
            ]
        )
        + "]"
        for i in inputs
    ]
    return ('{"inputs":[{' + "},{".join(items) + "}]}").encode()


def _default_kwargs(from_type: str, to_type: str, inputs: Sequence[BatchInput]) -> dict[str, Any]:
    from hubspot_associations_api.api.associations import batch_associate_default as op

    return _encoded(op._get_kwargs(from_type, to_type, body=_ENCODED), _default_body(inputs))  # type: ignore[arg-type]


def _labelled_kwargs(
    from_type: str, to_type: str, inputs: Sequence[BatchInput], *, archive: bool = False
) -> dict[str, Any]:
    from hubspot_associations_api.api.associations import batch_archive_labels, batch_create

    op: Any = batch_archive_labels if archive else batch_create  # batchArchiveLabels takes batchCreate's body
    return _encoded(op._get_kwargs(from_type, to_type, body=_ENCODED), _labelled_body(inputs))


def _read_kwargs(from_type: str, to_type: str, inputs: Sequence[BatchInput]) -> dict[str, Any]:
    from hubspot_associations_api.api.associations import batch_read as op
    from hubspot_associations_api.models import (
        BatchInputPublicFetchAssociationsBatchRequest,
        PublicFetchAssociationsBatchRequest,
    )
    from hubspot_associations_api.types import UNSET

    body = BatchInputPublicFetchAssociationsBatchRequest(
        [PublicFetchAssociationsBatchRequest(i.from_id, UNSET if i.after is None else i.after) for i in inputs]
    )
    return op._get_kwargs(from_type, to_type, body=body)


def _archive_kwargs(from_type: str, to_type: str, inputs: Sequence[BatchInput]) -> dict[str, Any]:
    from hubspot_associations_api.api.associations import batch_archive as op
    from hubspot_associations_api.models import (
        BatchInputPublicAssociationMultiArchive,
        PublicAssociationMultiArchive,
        PublicObjectId,
    )

    # One input per pair, as given (HubSpot takes a list of ``to`` ids; one each keeps inputs and outcomes 1:1).
    body = BatchInputPublicAssociationMultiArchive(
        [PublicAssociationMultiArchive(PublicObjectId(i.from_id), [PublicObjectId(i.to_id)]) for i in inputs]
    )
    return op._get_kwargs(from_type, to_type, body=body)


def _archive_labels_kwargs(from_type: str, to_type: str, inputs: Sequence[BatchInput]) -> dict[str, Any]:
    return _labelled_kwargs(from_type, to_type, inputs, archive=True)


def _default_item(data: Any) -> PublicDefaultAssociation:
    from hubspot_associations_api.models import PublicDefaultAssociation

    item = PublicDefaultAssociation.from_dict(data)
    if not (isinstance(item.from_.id, str) and isinstance(item.to.id, str)):
        raise TypeError("result ids must be strings or integers")
    if type(item.association_spec.association_type_id) is not int:
        raise TypeError("associationTypeId must be an integer")
    return item


def _default_peek(raw: Any) -> tuple[object, object, object] | None:
    """:func:`_default_item`'s checks on the JSON (see ``BatchOperation.peek``): ``(from id, to id, type id)``."""
    spec, source, target = raw.get("associationSpec"), raw.get("from"), raw.get("to")
    if not (type(spec) is dict and type(source) is dict and type(target) is dict):
        return None
    kind = spec.get("associationTypeId")
    if type(kind) is not int or type(spec.get("associationCategory")) is not str:
        return None
    first, second = source.get("id"), target.get("id")
    if (type(first) is str or type(first) is int) and (type(second) is str or type(second) is int):  # _is_json_id
        return first, second, kind
    return None


def _is_json_id(value: object) -> bool:
    return type(value) is str or type(value) is int  # str_from_json keeps a str, makes an int one (never a bool)


def _labelled_peek(raw: Any) -> tuple[object, object, object] | None:
    """:func:`_labelled_item`'s checks on the JSON (see ``BatchOperation.peek``): ``(from id, to id, None)``."""
    if "entity" in raw and "fromObjectId" not in raw:  # the 2025-09 wrapped shape (``parse_labelled``)
        raw = raw["entity"]
        if type(raw) is not dict:
            return None
    first, second = raw.get("fromObjectId"), raw.get("toObjectId")
    if not (_is_json_id(first) and _is_json_id(second)):
        return None
    if not (_is_json_id(raw.get("fromObjectTypeId")) and _is_json_id(raw.get("toObjectTypeId"))):
        return None
    labels = raw.get("labels")
    if type(labels) is not list or not all(type(label) is str for label in labels):
        return None
    return first, second, None


def _labelled_item(data: Any) -> LabelsBetweenObjectPair:
    from ._results import parse_labelled

    return parse_labelled(data)


def _read_item(data: Any) -> PublicAssociationMultiWithLabel:
    from ._results import parse_read_item

    return parse_read_item(data)


def _no_item(data: Any) -> None:
    raise TypeError("the archives' answers have no result items")


def _no_pair(item: None) -> tuple[object, object]:
    raise TypeError("the archives' answers have no result items")


OPERATIONS: Final[Mapping[str, BatchOperation[Any]]] = {
    "associate_default_batch": BatchOperation["PublicDefaultAssociation"](
        argument="pairs",
        with_specs=False,
        kwargs=_default_kwargs,
        item=_default_item,
        pair=lambda item: (item.from_.id, item.to.id),
        direction=lambda item: item.association_spec.association_type_id,
        peek=_default_peek,
    ),
    "associate_batch": BatchOperation["LabelsBetweenObjectPair"](
        argument="items",
        with_specs=True,
        kwargs=_labelled_kwargs,
        item=_labelled_item,
        pair=lambda item: (item.from_object_id, item.to_object_id),
        peek=_labelled_peek,
    ),
    "read_batch": BatchOperation["PublicAssociationMultiWithLabel"](
        argument="ids",
        with_specs=False,
        kwargs=_read_kwargs,
        item=_read_item,
        pair=lambda item: (item.from_.id, item.from_.id),
        by_id=True,
        max_inputs=READ_BATCH_LIMIT,
    ),
    "archive_batch": BatchOperation[None](
        argument="pairs", with_specs=False, kwargs=_archive_kwargs, item=_no_item, pair=_no_pair, no_body=True
    ),
    "archive_labels_batch": BatchOperation[None](
        argument="items", with_specs=True, kwargs=_archive_labels_kwargs, item=_no_item, pair=_no_pair, no_body=True
    ),
}
"""Each batch operation by the name of its client method."""


# -- checking inputs ------------------------------------------------------------------------------------------


def _inputs(values: object, argument: str, with_specs: bool, limit: int) -> list[BatchInput]:
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        shape = "(from_id, to_id, specs)" if with_specs else "(from_id, to_id)"
        raise InvalidInputError(argument, f"expected an iterable of {shape} tuples, got {type(values).__name__}")
    size = 3 if with_specs else 2
    # Never more than limit + 1 taken: an endless iterable fails as fast as a long list.
    taken = list(itertools.islice(values, limit + 1))
    if not taken:
        raise InvalidInputError(argument, "at least one input is required")
    if len(taken) > limit:
        raise InvalidInputError(
            argument, f"more than {limit} inputs (the client's max_batch_size); split them into several batches"
        )
    from ._models import coerce_specs

    inputs: list[BatchInput] = []
    for index, value in enumerate(taken):
        where = f"{argument}[{index}]"
        if not isinstance(value, tuple | list) or len(value) != size:
            shape = "(from_id, to_id, specs)" if with_specs else "(from_id, to_id)"
            raise InvalidInputError(where, f"expected a {shape} tuple, got {_short(value)}")
        from_id = validate_object_id(value[0], f"{where}.from_id")
        to_id = validate_object_id(value[1], f"{where}.to_id")
        specs = tuple(coerce_specs(value[2], f"{where}.specs")) if with_specs else ()
        inputs.append(BatchInput(from_id, to_id, specs))
    return inputs


def _id_inputs(values: object, argument: str, limit: int) -> list[BatchInput]:
    """Batch read's inputs: record ids, each alone or as ``(id, after)`` with the cursor of its next page."""
    if isinstance(values, str | bytes | Mapping) or not isinstance(values, Iterable):
        raise InvalidInputError(argument, f"expected an iterable of record ids, got {type(values).__name__}")
    taken = list(itertools.islice(values, limit + 1))
    if not taken:
        raise InvalidInputError(argument, "at least one input is required")
    if len(taken) > limit:
        raise InvalidInputError(argument, f"more than {limit} ids (HubSpot's cap); split them into several batches")
    inputs: list[BatchInput] = []
    for index, value in enumerate(taken):
        where = f"{argument}[{index}]"
        after: object = None
        if isinstance(value, tuple | list):
            if len(value) != 2:
                raise InvalidInputError(where, f"expected an id or an (id, after) tuple, got {_short(value)}")
            value, after = value
        object_id = validate_object_id(value, where)
        if after is not None and not (isinstance(after, str) and 0 < len(after) <= 1000 and after.isprintable()):
            raise InvalidInputError(f"{where}.after", f"expected a cursor string from HubSpot, got {_short(after)}")
        inputs.append(BatchInput(object_id, object_id, after=after))
    return inputs


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- reading answers ------------------------------------------------------------------------------------------


def _id(value: object) -> str | None:
    """An id as the inputs spell it (decimal, no leading zeros), from a JSON number or string; else ``None``."""
    if type(value) is int:  # HubSpot's (docs/batch.md §1), first: two ids per result item
        return str(value) if 0 < value < _ID_LIMIT else None
    if type(value) is str and 0 < len(value) <= _MAX_ID_DIGITS and value[0] != "0" and value.isdigit():
        return value if value.isascii() else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if 0 < value < _ID_LIMIT else None
    if isinstance(value, str) and 0 < len(value) <= _MAX_ID_DIGITS + 6 and value.isascii() and value.isdigit():
        stripped = value.lstrip("0")
        return stripped if 0 < len(stripped) <= _MAX_ID_DIGITS else None
    return None


def _texts(item: Mapping[str, Any]) -> Iterator[object]:
    """The values an error item may name ids or specs in: ``id``, ``message``, and ``context`` values (a few levels
    deep, a bounded number, walked without recursion)."""
    yield item.get("id")
    yield item.get("message")
    from ._error_body import normalize_context

    pending: list[tuple[object, int]] = [(normalize_context(item.get("context")), 0)]
    seen = 0
    while pending and seen < _MAX_CONTEXT_VALUES:
        value, depth = pending.pop()
        seen += 1
        if isinstance(value, Mapping):
            if depth < _MAX_CONTEXT_DEPTH:
                pending.extend((child, depth + 1) for child in itertools.islice(value.values(), _MAX_CONTEXT_VALUES))
        elif isinstance(value, list):
            if depth < _MAX_CONTEXT_DEPTH:
                pending.extend((child, depth + 1) for child in value[:_MAX_CONTEXT_VALUES])
        else:
            yield value


def _named(item: Mapping[str, Any], known_ids: Mapping[str, object]) -> tuple[list[str], list[tuple[str, int]]]:
    """The input ids (at most :data:`MAX_IDS_PER_ERROR`) and the specs an error item names."""
    ids: list[str] = []
    specs: list[tuple[str, int]] = []
    for value in _texts(item):
        if isinstance(value, str):
            for match in _SPEC_IN_TEXT.finditer(value):
                specs.append((match.group(1), int(match.group(2))))
            candidates: Iterable[object] = _ID_IN_TEXT.findall(_SPEC_IN_TEXT.sub(" ", value))
        else:
            candidates = (value,)
        for candidate in candidates:
            found = _id(candidate)
            if found is not None and found in known_ids and found not in ids:
                ids.append(found)
                if len(ids) >= MAX_IDS_PER_ERROR:
                    return ids, specs
    return ids, specs


class _Index:
    """The inputs by pair, by id and by spec, for matching an answer to them in linear time (by id and by spec are
    built when an error item is read: most answers have none)."""

    def __init__(self, inputs: Sequence[BatchInput]) -> None:
        self._inputs = inputs
        self.by_pair: dict[tuple[str, str], list[int]] = {}
        for index, item in enumerate(inputs):
            self.by_pair.setdefault((item.from_id, item.to_id), []).append(index)
        # Whether some input's reverse pair is an input too (a self-association is its own reverse): only then may
        # a result match inputs both as it is and reversed (``_orientation``).
        self.mirrored = any((target, source) in self.by_pair for source, target in self.by_pair)
        # What has been matched already: each pair, id and spec is looked up once, however many errors name it.
        self._done: set[object] = set()

    @functools.cached_property
    def by_id(self) -> dict[str, list[int]]:
        by_id: dict[str, list[int]] = {}
        for index, item in enumerate(self._inputs):
            by_id.setdefault(item.from_id, []).append(index)
            if item.to_id != item.from_id:
                by_id.setdefault(item.to_id, []).append(index)
        return by_id

    @functools.cached_property
    def by_spec(self) -> dict[tuple[str, int], list[int]]:
        by_spec: dict[tuple[str, int], list[int]] = {}
        for index, item in enumerate(self._inputs):
            for spec in item.specs:
                by_spec.setdefault((spec.association_category.value, spec.association_type_id), []).append(index)
        return by_spec

    def named(self, ids: list[str], specs: list[tuple[str, int]]) -> tuple[bool, list[int]]:
        """For an error item naming ``ids`` and ``specs``: whether it names inputs beyond doubt (both ids, or a
        spec), and the inputs it names that no earlier item did (see the module docstring for the rules)."""
        keys: list[Any] = [pair for pair in itertools.product(ids, repeat=2) if pair in self.by_pair]
        table: Mapping[Any, list[int]] = self.by_pair
        full = bool(keys)
        if not keys and ids:
            keys, table = list(ids), self.by_id
        elif not keys:
            keys, table, full = [spec for spec in specs if spec in self.by_spec], self.by_spec, True
        fresh = [key for key in keys if key not in self._done]
        self._done.update(fresh)
        return full, [position for key in fresh for position in table[key]]


Orient = Callable[[object, list[int], list[int]], tuple[list[int], list[int], bool]]
Read = tuple[Any, str, str, object]
"""A result item read (``BatchOperation.read``): what is kept of it, its pair's ids, its direction."""


def _orientation(operation: BatchOperation[R], index: _Index, read: list[Read], same_types: bool) -> Orient:
    """How a result of direction ``kind`` whose pair matches ``forward`` inputs as it is and ``reverse`` inputs
    reversed is read: the inputs it confirms, those it is only attached to, and whether that is because its
    direction is unknown."""
    if operation.direction is None:
        return lambda kind, forward, reverse: (forward, [], False)
    if same_types:  # A -> B and B -> A between one type are the same association
        return lambda kind, forward, reverse: ([*forward, *reverse], [], False)
    if not index.mirrored:  # no result matches inputs both ways: its direction is never in doubt
        return lambda kind, forward, reverse: (forward, reverse, False)
    # Type ids seen only on unambiguous forward results, and only on unambiguous reverse ones.
    forward_kinds: set[object] = set()
    reverse_kinds: set[object] = set()
    for _, source, target, kind in read:
        as_is, flipped = (source, target) in index.by_pair, (target, source) in index.by_pair
        if as_is != flipped:
            (forward_kinds if as_is else reverse_kinds).add(kind)

    def orient(kind: object, forward: list[int], reverse: list[int]) -> tuple[list[int], list[int], bool]:
        if not (forward and reverse):
            return forward, reverse, False
        # One default type per direction: a type id is the forward one if seen forward or unlike the reverse one.
        is_forward = kind in forward_kinds or bool(reverse_kinds and kind not in reverse_kinds)
        is_reverse = kind in reverse_kinds or bool(forward_kinds and kind not in forward_kinds)
        if is_forward and not is_reverse:
            return forward, reverse, False
        if is_reverse and not is_forward:
            return [], [*reverse, *forward], False
        return [], [*forward, *reverse], True  # cannot tell: attached to both, confirms neither

    return orient


def _error_of(item: object) -> BatchInputError:
    if isinstance(item, Mapping):
        return BatchInputError.from_item(item)
    return BatchInputError(f"an errors[] item that is not an object ({type(item).__name__})", item=None)


def read_batch(
    operation: BatchOperation[R], inputs: Sequence[BatchInput], data: Any, *, same_types: bool = False
) -> BatchResult[R]:
    """One :class:`BatchOutcome` per input, in input order, from a batch answer's decoded JSON (see the module
    docstring for the rules). ``same_types``: the batch is between records of one object type. Raises
    ``TypeError`` only when ``data`` is not a JSON object."""
    if data is None and operation.no_body:  # 204: the request, so each input, is done (module docstring)
        return BatchResult(tuple(BatchOutcome(n, asked, OutcomeStatus.CONFIRMED) for n, asked in enumerate(inputs)))
    if not isinstance(data, Mapping):
        raise TypeError(f"a batch answer is a JSON object, got {type(data).__name__}")
    index = _Index(inputs)
    results: list[list[Any]] = [[] for _ in inputs]  # the result items of each input (JSON, or models)
    confirmed = [False] * len(inputs)
    unmatched = 0
    read: list[Read] = []
    raw_results = data.get("results")
    for raw in raw_results if isinstance(raw_results, list) else ():
        found = operation.read(raw)
        if found is None:  # not a result item (wrong shape, wrong types): it confirms nothing
            unmatched += 1
        else:
            read.append(found)
    orient = _orientation(operation, index, read, same_types)
    maybe = [False] * len(inputs)  # a result may be this input's (which direction it is could not be told)
    by_pair, directed = index.by_pair, operation.direction is not None
    none: list[int] = []
    for item, source, target, kind in read:
        forward = by_pair.get((source, target), none)
        reverse = by_pair.get((target, source), none) if directed else none
        confirms, attaches, ambiguous = orient(kind, forward, reverse)
        for position in confirms:
            confirmed[position] = True
            results[position].append(item)
        for position in attaches:  # the other direction of an input's pair: attached, confirms nothing
            results[position].append(item)
            maybe[position] = maybe[position] or ambiguous
        if not confirms and not attaches:
            unmatched += 1

    errors: list[BatchInputError] = []
    failures: dict[int, BatchInputError] = {}
    raw_errors = data.get("errors")
    for raw in raw_errors if isinstance(raw_errors, list) else ():
        error = _error_of(raw)
        errors.append(error)
        ids, specs = _named(raw, index.by_id) if isinstance(raw, Mapping) else ([], [])
        error.ids = tuple(ids)
        full, positions = index.named(ids, specs)
        for position in positions:
            if full or not (confirmed[position] or maybe[position]):
                failures.setdefault(position, error)
    attributed = {id(error) for error in failures.values()}
    orphans = tuple(error for error in errors if id(error) not in attributed)
    outcomes: list[BatchOutcome[R]] = []
    build = operation.item if operation.peek is not None else None  # items kept as JSON: models built when read
    for position, asked in enumerate(inputs):
        found = tuple(results[position])
        reason: BatchInputError | BatchUnconfirmedError | None = failures.get(position)
        if reason is not None:
            status = OutcomeStatus.FAILED
        elif confirmed[position]:
            status = OutcomeStatus.CONFIRMED
        else:
            status, reason = OutcomeStatus.UNCONFIRMED, _unconfirmed(orphans)
        outcomes.append(BatchOutcome(position, asked, status, reason, found, build))
    said = data.get("status")
    return BatchResult(tuple(outcomes), tuple(errors), orphans, unmatched, said if isinstance(said, str) else None)


def _unconfirmed(orphans: tuple[BatchInputError, ...]) -> BatchUnconfirmedError:
    reason = f"; {len(orphans)} error(s) of the batch failed no input (see .errors)" if orphans else ""
    return BatchUnconfirmedError(
        f"HubSpot's answer neither confirmed this input nor named it in an error{reason}", errors=orphans
    )
