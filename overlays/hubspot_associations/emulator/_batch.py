"""The two batch operations: parsing their body, and answering each input as HubSpot does.

Whatever the bytes, :func:`parse_inputs` returns the inputs or the 400 HubSpot gives for the whole request (no body,
invalid JSON, the wrong shape, more inputs than ``EmulatorConfig.batch_input_limit``). :func:`answer_inputs` then
checks each input on its own (``docs/emulator.md`` says on what evidence): an unknown record id gives an
``INVALID_IDENTIFIER`` item with the id in ``context.id`` (once per id), a record associated with itself an item with
no ``context`` (the id only in the message), an association type the portal does not know for the pair an item
naming the spec; the other inputs are associated. No item says which input it belongs to: there is no index.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from . import _errors
from ._catalog import Catalog, ObjectType
from ._specs import InvalidBody, json_kind, load_json, spec_of


class BatchInput(NamedTuple):
    """One input as sent: ids as decimal strings (JSON numbers are accepted), specs for ``batch/create``."""

    from_id: str
    to_id: str
    specs: tuple[tuple[str, int], ...]


def parse_inputs(raw: bytes, *, labelled: bool, limit: int) -> list[BatchInput] | _errors.ErrorBody:
    """The inputs of a batch body, or the whole-request 400."""
    model = "BatchInputPublicAssociationMultiPost" if labelled else "BatchInputPublicDefaultAssociationMultiPost"
    values = _inputs_of(raw, model, limit)
    if not isinstance(values, list):
        return values
    inputs: list[BatchInput] = []
    for value in values:
        parsed = _input(value, labelled)
        if not isinstance(parsed, BatchInput):
            return parsed
        inputs.append(parsed)
    return inputs


def _record_id(value: object, side: str) -> str | _errors.ErrorBody:
    if not isinstance(value, dict) or "id" not in value:
        return _errors.invalid_input(1, 2, f"Missing required creator property '{side}'")
    object_id = value["id"]
    if isinstance(object_id, int) and not isinstance(object_id, bool):
        return str(object_id)
    if isinstance(object_id, str):
        return object_id
    return _errors.invalid_input(1, 2, f"Cannot deserialize value of type `String` from {json_kind(object_id)} value")


def _input(value: object, labelled: bool) -> BatchInput | _errors.ErrorBody:
    if not isinstance(value, dict):
        return _errors.invalid_input(1, 2, "Cannot construct instance of an input from non-object value")
    from_id = _record_id(value.get("from"), "from")
    if not isinstance(from_id, str):
        return from_id
    to_id = _record_id(value.get("to"), "to")
    if not isinstance(to_id, str):
        return to_id
    if not labelled:
        return BatchInput(from_id, to_id, ())
    types = value.get("types")
    if not isinstance(types, list) or not types:
        return _errors.invalid_input(1, 2, "Missing required creator property 'types'")
    try:
        return BatchInput(from_id, to_id, tuple(spec_of(item) for item in types))
    except InvalidBody as exc:
        return exc.error


class Answer(NamedTuple):
    """What the inputs came to: the inputs to associate, and one error item per problem."""

    valid: list[BatchInput]
    errors: list[dict[str, Any]]


def answer_inputs(
    catalog: Catalog, from_type: ObjectType, to_type: ObjectType, inputs: list[BatchInput], *, labelled: bool
) -> Answer:
    """Check each input on its own; see the module docstring."""
    valid: list[BatchInput] = []
    errors: list[dict[str, Any]] = []
    reported: set[object] = set()  # each bad id and spec is reported once, however many inputs carry it

    def report(key: object, item: dict[str, Any]) -> None:
        if key not in reported:
            reported.add(key)
            errors.append(item)

    pair = (from_type.type_id, to_type.type_id)
    for batch_input in inputs:
        ok = True
        for object_type, object_id in ((from_type, batch_input.from_id), (to_type, batch_input.to_id)):
            if not catalog.has_record(object_type, object_id):
                ok = False
                report(("id", object_id), _errors.invalid_identifier(object_id))
        if ok and from_type.type_id == to_type.type_id and int(batch_input.from_id) == int(batch_input.to_id):
            ok = False
            object_id = str(int(batch_input.from_id))
            report(("self", object_id), _errors.self_association(object_id))
        for spec in batch_input.specs:
            if not catalog.is_known(*pair, *spec):
                ok = False
                report(("spec", spec), _errors.invalid_association_type_item(*spec))
        if ok:
            valid.append(batch_input)
    return Answer(valid, errors)


class ReadInput(NamedTuple):
    """One input of ``batch/read``: a record id, and the cursor of its next page (an offset, as the emulator
    writes it) or ``0``."""

    object_id: str
    offset: int


def _inputs_of(raw: bytes, model: str, limit: int) -> list[Any] | _errors.ErrorBody:
    """The ``inputs`` list of any batch body (``model`` names it in HubSpot's message), or the whole-request 400:
    no body, invalid JSON, the wrong shape, no inputs, more than ``limit``."""
    if not raw.strip():
        return _errors.no_body()
    try:
        data = load_json(raw)
    except InvalidBody as exc:
        return exc.error
    if not isinstance(data, dict):
        return _errors.invalid_input(1, 1, f"Cannot deserialize value of type `{model}` from {json_kind(data)} value")
    values = data.get("inputs")
    if not isinstance(values, list):
        return _errors.invalid_input(1, 2, "Missing required creator property 'inputs'")
    if not values:
        return _errors.invalid_input(1, 2, "At least one input is required")
    if len(values) > limit:
        return _errors.too_many_inputs(len(values), limit)
    return values


def parse_read_inputs(raw: bytes, *, limit: int) -> list[ReadInput] | _errors.ErrorBody:
    """The inputs of a ``batch/read`` body (``{"inputs": [{"id", "after"?}]}``), or the whole-request 400."""
    values = _inputs_of(raw, "BatchInputPublicFetchAssociationsBatchRequest", limit)
    if not isinstance(values, list):
        return values
    inputs: list[ReadInput] = []
    for value in values:
        object_id = _record_id(value, "id") if isinstance(value, dict) else _record_id(None, "id")
        if not isinstance(object_id, str):
            return object_id
        after = value.get("after") if isinstance(value, dict) else None
        if after is None:
            offset = 0
        elif isinstance(after, str) and after.isascii() and after.isdigit() and len(after) <= 9:
            offset = int(after)
        else:
            return _errors.invalid_input(1, 2, "Invalid paging cursor 'after'")
        inputs.append(ReadInput(object_id, offset))
    return inputs


def parse_archive_inputs(raw: bytes, *, limit: int) -> list[BatchInput] | _errors.ErrorBody:
    """The pairs of a ``batch/archive`` body (``{"inputs": [{"from": {"id"}, "to": [{"id"}...]}]}``), one per
    ``to`` id, or the whole-request 400."""
    values = _inputs_of(raw, "BatchInputPublicAssociationMultiArchive", limit)
    if not isinstance(values, list):
        return values
    inputs: list[BatchInput] = []
    for value in values:
        if not isinstance(value, dict):
            return _errors.invalid_input(1, 2, "Cannot construct instance of an input from non-object value")
        from_id = _record_id(value.get("from"), "from")
        if not isinstance(from_id, str):
            return from_id
        targets = value.get("to")
        if not isinstance(targets, list) or not targets:
            return _errors.invalid_input(1, 2, "Missing required creator property 'to'")
        for target in targets:
            to_id = _record_id(target, "to")
            if not isinstance(to_id, str):
                return to_id
            inputs.append(BatchInput(from_id, to_id, ()))
    return inputs


__all__ = [
    "Answer",
    "BatchInput",
    "ReadInput",
    "answer_inputs",
    "parse_archive_inputs",
    "parse_inputs",
    "parse_read_inputs",
]
