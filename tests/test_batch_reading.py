"""Reading a batch answer (``_batch.read_batch``): one outcome per input, in input order, matched by ids only.

Example answers in the shapes real traffic has (ids as numbers, optional keys missing, error items naming ids in
``context``, in ``message`` or nowhere), then properties over random inputs and answers: the outcomes are exactly
the inputs, an input is confirmed only when a result names its pair, an input an error names is failed with that
error, and hostile answers (huge, deep, naming nothing) stay inside the ``HubSpotError`` tree.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    AssociationSpec,
    BatchInputError,
    BatchUnconfirmedError,
    HubSpotError,
    InvalidInputError,
    OutcomeStatus,
    _batch,
)
from hubspot_associations._batch import OPERATIONS, BatchInput, BatchResult, read_batch
from tests.support import default_result, pair_result

DEFAULT = OPERATIONS["associate_default_batch"]
LABELLED = OPERATIONS["associate_batch"]
CONFIRMED, FAILED, UNCONFIRMED = OutcomeStatus.CONFIRMED, OutcomeStatus.FAILED, OutcomeStatus.UNCONFIRMED
BOUNDED = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def invalid_id(object_id: object) -> dict[str, Any]:
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "subCategory": "crm.associations.INVALID_IDENTIFIER",
        "message": f"{object_id} is not a valid ID",
        "context": {"id": [str(object_id)]},
    }


def self_association(object_id: object) -> dict[str, Any]:
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": f"Object {object_id} cannot be associated to itself ({object_id})",
    }


def inputs_of(*pairs: tuple[int, int], specs: tuple[AssociationSpec, ...] = ()) -> list[BatchInput]:
    return [BatchInput(str(a), str(b), specs) for a, b in pairs]


def statuses(result: BatchResult[Any]) -> list[OutcomeStatus]:
    return [outcome.status for outcome in result]


# -- examples ---------------------------------------------------------------------------------------------------


def test_a_partial_207_reads_per_input_in_input_order() -> None:
    inputs = inputs_of((101, 202), (103, 103), (104, 999), (105, 206), specs=(AssociationSpec.hubspot_defined(279),))
    body = {
        "status": "COMPLETE",
        "results": [pair_result(105, 206, ["Manager"]), pair_result(101, 202)],  # not in input order
        "numErrors": 2,
        "errors": [self_association(103), invalid_id(999)],
        "startedAt": "2026-11-23T09:30:00.113Z",
        "completedAt": "2026-11-23T09:30:00.161Z",
    }
    result = read_batch(LABELLED, inputs, body)
    assert statuses(result) == [CONFIRMED, FAILED, FAILED, CONFIRMED]
    assert [outcome.index for outcome in result] == [0, 1, 2, 3]
    assert result[3].results[0].labels == ["Manager"]
    assert result[0].results[0].from_object_id == "101"  # a JSON number, read as the input spells it
    self_error, id_error = result[1].error, result[2].error
    assert isinstance(self_error, BatchInputError) and isinstance(id_error, BatchInputError)
    assert self_error.context == {} and self_error.ids == ("103",) and "itself" in self_error.message
    assert id_error.sub_category == "crm.associations.INVALID_IDENTIFIER" and id_error.context == {"id": ["999"]}
    assert isinstance(self_error, HubSpotError) and result.unattributed == () and result.status == "COMPLETE"


def test_the_same_answer_reads_the_same_with_ids_as_strings_and_optional_keys_missing() -> None:
    inputs = inputs_of((101, 202), (103, 103))
    as_numbers = {"status": "COMPLETE", "results": [pair_result(101, 202)], "errors": [self_association(103)]}
    as_strings = {"results": [pair_result("101", "202")], "errors": [self_association("103")]}
    assert statuses(read_batch(LABELLED, inputs, as_numbers)) == statuses(read_batch(LABELLED, inputs, as_strings))
    assert statuses(read_batch(LABELLED, inputs, as_strings)) == [CONFIRMED, FAILED]


def test_default_results_confirm_their_pair_and_the_reverse_direction_is_attached() -> None:
    inputs = inputs_of((101, 202), (102, 202))
    body = {"results": [default_result(202, 101, 280), default_result(101, 202), default_result(202, 102, 280)]}
    result = read_batch(DEFAULT, inputs, body)
    assert statuses(result) == [CONFIRMED, UNCONFIRMED]  # only the reverse of 102 -> 202 came back
    assert [item.association_spec.association_type_id for item in result[0].results] == [280, 279]
    assert len(result[1].results) == 1 and isinstance(result[1].error, BatchUnconfirmedError)


def test_mirrored_pairs_between_two_types_are_told_apart_by_type_id_or_left_unconfirmed() -> None:
    inputs = inputs_of((1, 2), (2, 1), (5, 6))  # contact 1 -> company 2, and "contact 2" -> "company 1"
    told = {"results": [default_result(1, 2, 279), default_result(2, 1, 280), default_result(5, 6, 279)]}
    errors = [invalid_id(2), invalid_id(1)]  # which side each meant is not said
    assert statuses(read_batch(DEFAULT, inputs, {**told, "errors": errors})) == [CONFIRMED, FAILED, CONFIRMED]
    # Without an unambiguous result to learn 279 from, neither mirrored input is confirmed, nor failed by a guess.
    untold = {"results": [default_result(1, 2, 279), default_result(2, 1, 280)], "errors": errors}
    assert statuses(read_batch(DEFAULT, inputs[:2], untold)) == [UNCONFIRMED, UNCONFIRMED]
    # Between records of one type, A -> B and B -> A are one association.
    assert statuses(read_batch(DEFAULT, inputs[:2], untold, same_types=True)) == [CONFIRMED, CONFIRMED]


def test_an_unknown_type_error_names_the_inputs_that_asked_for_that_spec() -> None:
    unknown = AssociationSpec("USER_DEFINED", 999_999)
    inputs = [
        BatchInput("101", "202", (AssociationSpec.hubspot_defined(279),)),
        BatchInput("102", "202", (unknown,)),
    ]
    item = {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": "USER_DEFINED=999999 is not a valid association definition id",
    }
    result = read_batch(LABELLED, inputs, {"results": [pair_result(101, 202)], "errors": [item]})
    assert statuses(result) == [CONFIRMED, FAILED]


def test_errors_that_name_no_input_leave_inputs_unconfirmed_with_those_errors() -> None:
    inputs = inputs_of((101, 202), (102, 203))
    nameless = {"status": "error", "category": "VALIDATION_ERROR", "message": "Something went wrong"}
    result = read_batch(LABELLED, inputs, {"results": [pair_result(101, 202)], "errors": [nameless, invalid_id(5)]})
    assert statuses(result) == [CONFIRMED, UNCONFIRMED]
    error = result[1].error
    assert isinstance(error, BatchUnconfirmedError) and len(error.errors) == 2 and len(result.unattributed) == 2


def test_empty_errors_and_missing_results_confirm_nothing() -> None:
    inputs = inputs_of((101, 202), (102, 203))
    bodies: list[dict[str, Any]] = [{"errors": []}, {}, {"results": None, "errors": "nope"}, {"results": [{"a": 1}, 7]}]
    for body in bodies:
        assert statuses(read_batch(DEFAULT, inputs, body)) == [UNCONFIRMED, UNCONFIRMED]


def test_a_self_association_error_fails_only_that_input_not_others_sharing_the_id() -> None:
    inputs = inputs_of((7, 7), (7, 8))
    result = read_batch(LABELLED, inputs, {"results": [pair_result(7, 8)], "errors": [self_association(7)]})
    assert statuses(result) == [FAILED, CONFIRMED]


def test_an_unknown_id_fails_every_input_that_has_it() -> None:
    inputs = inputs_of((1, 999), (2, 999), (3, 4))
    result = read_batch(LABELLED, inputs, {"results": [pair_result(3, 4)], "errors": [invalid_id(999)]})
    assert statuses(result) == [FAILED, FAILED, CONFIRMED]
    assert result[0].error is result[1].error


def test_an_error_naming_one_id_does_not_fail_an_input_whose_pair_came_back() -> None:
    # "2 is not a valid ID" from another input (2 as a contact, say): which side it meant is not said.
    inputs = inputs_of((1, 2), (2, 3))
    result = read_batch(LABELLED, inputs, {"results": [pair_result(1, 2)], "errors": [invalid_id(2)]})
    assert statuses(result) == [CONFIRMED, FAILED]


def test_an_error_naming_both_ids_wins_over_a_result_for_the_same_input() -> None:
    inputs = inputs_of((1, 2))
    item = {"message": "Association from 1 to 2 failed"}
    result = read_batch(LABELLED, inputs, {"results": [pair_result(1, 2)], "errors": [item]})
    assert statuses(result) == [FAILED] and len(result[0].results) == 1


def test_context_as_a_json_string_and_ids_as_numbers_in_context_name_inputs() -> None:
    inputs = inputs_of((1, 2), (3, 4))
    items = [{"message": "bad", "context": json.dumps({"id": ["2"]})}, {"message": "bad", "context": {"ids": [[4]]}}]
    assert statuses(read_batch(LABELLED, inputs, {"errors": items})) == [FAILED, FAILED]


def test_object_type_ids_and_dates_in_messages_are_not_ids() -> None:
    inputs = inputs_of((1, 2))
    item = {"message": "0-1 to 0-2 failed at 2026-11-23T09:30:00.113Z after 1.5 s"}
    assert statuses(read_batch(LABELLED, inputs, {"errors": [item]})) == [UNCONFIRMED]


def test_duplicate_inputs_read_alike() -> None:
    inputs = inputs_of((1, 2), (1, 2), (3, 3), (3, 3))
    result = read_batch(LABELLED, inputs, {"results": [pair_result(1, 2)], "errors": [self_association(3)]})
    assert statuses(result) == [CONFIRMED, CONFIRMED, FAILED, FAILED]


def test_a_body_that_is_not_an_object_is_not_a_batch_answer() -> None:
    body: object
    for body in ([], "COMPLETE", None, 3):
        with pytest.raises(TypeError):
            read_batch(LABELLED, inputs_of((1, 2)), body)


@pytest.mark.parametrize(
    ("values", "argument"),
    [
        ([], "pairs"),
        ("12", "pairs"),
        ({1: 2}, "pairs"),
        ([(1, 2), (1,)], "pairs[1]"),
        ([(1, 2), (1, 2, 279)], "pairs[1]"),
        ([(1, 2), "12"], "pairs[1]"),
        ([(1, 2), (0, 2)], "pairs[1].from_id"),
        ([(1, "x")], "pairs[0].to_id"),
        ([(1, True)], "pairs[0].to_id"),
    ],
)
def test_bad_pairs_name_the_input(values: object, argument: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        DEFAULT.inputs(values, 100)
    assert caught.value.argument == argument


def test_bad_items_name_the_input() -> None:
    with pytest.raises(InvalidInputError) as caught:
        LABELLED.inputs([(1, 2, 279), (1, 2, [])], 100)
    assert caught.value.argument == "items[1].specs"
    with pytest.raises(InvalidInputError) as caught:
        LABELLED.inputs([(1, 2, 279), (1, 2)], 100)  # a default pair among labelled items
    assert caught.value.argument == "items[1]"


def test_more_inputs_than_the_limit_are_refused_without_reading_an_endless_iterable() -> None:
    def endless() -> Any:
        n = 1
        while True:
            yield (n, n + 1)
            n += 1

    with pytest.raises(InvalidInputError, match="more than 100 inputs"):
        DEFAULT.inputs(endless(), 100)
    assert len(DEFAULT.inputs([(n, n + 1) for n in range(1, 101)], 100)) == 100


# -- properties -------------------------------------------------------------------------------------------------

ids = st.integers(min_value=1, max_value=40) | st.integers(min_value=2**31, max_value=2**31 + 3)
spelled = st.sampled_from([int, str])  # ids as JSON numbers or strings


@st.composite
def answered(draw: st.DrawFn) -> tuple[list[BatchInput], dict[str, Any], dict[int, OutcomeStatus]]:
    """Inputs with unique ids (so what each error names is known), an answer, and what each input must read as."""
    count = draw(st.integers(min_value=1, max_value=25))
    numbers = draw(st.lists(ids, min_size=2 * count, max_size=2 * count, unique=True))
    inputs = [BatchInput(str(numbers[2 * i]), str(numbers[2 * i + 1])) for i in range(count)]
    results: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    expected: dict[int, OutcomeStatus] = {}
    for position, item in enumerate(inputs):
        fate = draw(st.sampled_from(["confirmed", "context", "message", "nameless", "missing"]))
        as_json = draw(spelled)
        source, target = as_json(item.from_id), as_json(item.to_id)
        named = draw(st.sampled_from([item.from_id, item.to_id]))
        if fate == "confirmed":
            results.append(pair_result(source, target, draw(st.lists(st.text(max_size=5), max_size=2))))
            expected[position] = CONFIRMED
        elif fate == "context":
            errors.append(invalid_id(named))
            expected[position] = FAILED
        elif fate == "message":
            errors.append({"status": "error", "message": f"Object {named} cannot be associated ({named})"})
            expected[position] = FAILED
        elif fate == "nameless":
            errors.append({"status": "error", "category": "VALIDATION_ERROR", "message": "invalid input"})
            expected[position] = UNCONFIRMED
        else:
            expected[position] = UNCONFIRMED
    body: dict[str, Any] = {
        "results": draw(st.permutations(results)),
        "errors": draw(st.permutations(errors)),
        "status": "COMPLETE",
    }
    for key in draw(st.sets(st.sampled_from(["errors", "status", "results"]))):  # optional keys missing
        if key == "status" or not body.get(key):
            body.pop(key)
    if draw(st.booleans()):
        body["numErrors"] = len(errors)
    return inputs, body, expected


@BOUNDED
@given(answered())
def test_each_input_reads_as_its_answer_says(case: tuple[list[BatchInput], dict[str, Any], dict[int, Any]]) -> None:
    inputs, body, expected = case
    result = read_batch(LABELLED, inputs, body)
    assert [outcome.input for outcome in result] == inputs
    assert {outcome.index: outcome.status for outcome in result} == expected
    for outcome in result.failed:
        assert isinstance(outcome.error, BatchInputError) and set(outcome.error.ids) & {outcome.from_id, outcome.to_id}
    for outcome in result.unconfirmed:
        assert isinstance(outcome.error, BatchUnconfirmedError)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=15,
)


@st.composite
def any_answer(draw: st.DrawFn) -> tuple[list[BatchInput], Any]:
    """Random inputs (shared ids, duplicates) and an answer mixing real result and error shapes with garbage."""
    pairs = draw(st.lists(st.tuples(ids, ids), min_size=1, max_size=20))
    inputs = [BatchInput(str(a), str(b)) for a, b in pairs]
    pool = [*{*(n for pair in pairs for n in pair)}, 999_999]
    spell = st.builds(lambda n, how: how(n), st.sampled_from(pool), spelled)
    result = st.builds(pair_result, spell, spell) | st.builds(default_result, spell, spell) | json_values
    error = (
        st.builds(invalid_id, spell)
        | st.builds(self_association, spell)
        | st.builds(lambda n, c: {"message": f"x {n}", "context": c}, spell, json_values)
        | json_values
    )
    body = st.fixed_dictionaries(
        {},
        optional={
            "results": st.lists(result, max_size=30) | json_values,
            "errors": st.lists(error, max_size=10) | json_values,
            "status": json_values,
        },
    )
    return inputs, draw(body)


@BOUNDED
@given(any_answer(), st.sampled_from([DEFAULT, LABELLED]))
def test_any_answer_accounts_for_every_input_and_confirms_only_what_it_names(
    case: tuple[list[BatchInput], Any], operation: Any
) -> None:
    inputs, body = case
    result = read_batch(operation, inputs, body)
    assert len(result.confirmed) + len(result.failed) + len(result.unconfirmed) == len(inputs) == len(result)
    assert [outcome.input for outcome in result] == inputs
    raw_results = body.get("results") if isinstance(body.get("results"), list) else []
    named_pairs = set()
    for item in raw_results:
        try:
            source, target = operation.pair(operation.item(item))
            named_pairs.add((str(source), str(target)))
        except Exception:
            continue
    for outcome in result.confirmed:
        assert (outcome.from_id, outcome.to_id) in named_pairs
        assert outcome.error is None
    for outcome in result.failed + result.unconfirmed:
        assert isinstance(outcome.error, HubSpotError)


@st.composite
def default_answer(draw: st.DrawFn) -> tuple[list[BatchInput], Any]:
    """Inputs over a few ids and a default answer naming their pairs either way round (or none), any type ids."""
    pairs = draw(st.lists(st.tuples(st.integers(1, 6), st.integers(1, 6)), min_size=1, max_size=12))
    inputs = [BatchInput(str(a), str(b)) for a, b in pairs]
    named = st.sampled_from(pairs).flatmap(lambda pair: st.sampled_from([pair, pair[::-1]]))
    result = st.builds(
        lambda pair, kind, how: default_result(how(pair[0]), how(pair[1]), kind),
        named,
        st.sampled_from([279, 280]),
        spelled,
    )
    return inputs, {
        "results": draw(st.lists(result, max_size=20)),
        "errors": draw(st.lists(st.builds(invalid_id, st.integers(1, 6)), max_size=2)),
    }


@BOUNDED
@given(default_answer() | any_answer(), st.booleans())
def test_a_batch_without_mirrored_pairs_reads_as_the_full_orientation_would(
    case: tuple[list[BatchInput], Any], same_types: bool
) -> None:
    # read_batch skips learning each direction's type id when no input's reverse is an input: the same outcomes.
    inputs, body = case
    fast = read_batch(DEFAULT, inputs, body, same_types=same_types)
    original = _batch._Index.__init__

    def as_if_mirrored(index: Any, inputs: Any) -> None:
        original(index, inputs)
        index.mirrored = True

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_batch._Index, "__init__", as_if_mirrored)
        full = read_batch(DEFAULT, inputs, body, same_types=same_types)
    assert [(o.status, o.error and str(o.error), o.results) for o in fast] == [
        (o.status, o.error and str(o.error), o.results) for o in full
    ]


# -- hostile answers --------------------------------------------------------------------------------------------


def test_a_hundred_thousand_results_and_errors_naming_one_shared_id_read_in_one_pass() -> None:
    inputs = [BatchInput(str(n), "7") for n in range(1, 2001)]  # 2,000 inputs sharing the target id 7
    body = {
        "results": [pair_result(n, 10**12 + n) for n in range(100_000)],  # ids matching nothing
        "errors": [invalid_id(7)] * 20_000 + [{"message": f"{n} and 7"} for n in range(20_000)],
    }
    result = read_batch(LABELLED, inputs, body)
    assert len(result.failed) == 2000 and result.unmatched_results == 100_000 and len(result.errors) == 40_000


def test_deeply_nested_context_is_walked_without_recursion() -> None:
    deep: Any = ["5"]
    for _ in range(100_000):
        deep = [deep]
    result = read_batch(LABELLED, inputs_of((5, 6)), {"errors": [{"message": "deep", "context": {"id": deep}}]})
    assert statuses(result) == [UNCONFIRMED]  # beyond the depth that is looked at: names nothing


# -- reading result items from their JSON (``BatchOperation.peek``) agrees with building the models -------------

_JSON_SCALAR = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 10**20), st.floats(allow_nan=False), st.text(max_size=4)
)
_ID = st.one_of(st.integers(-1, 10**20), st.sampled_from(["101", "0101", "7", "", " 5", "1e3", "٣"]), _JSON_SCALAR)
_CATEGORY = st.one_of(st.sampled_from(["HUBSPOT_DEFINED", "USER_DEFINED", "NEW_KIND"]), _JSON_SCALAR)


def _object(fields: dict[str, st.SearchStrategy[Any]]) -> st.SearchStrategy[Any]:
    """A JSON object with any subset of ``fields`` (and maybe an unknown key), or a JSON scalar in its place."""
    return st.one_of(st.fixed_dictionaries({}, optional={**fields, "extra": _JSON_SCALAR}), _JSON_SCALAR)


_DEFAULT_ITEM = _object(
    {
        "from": _object({"id": _ID}),
        "to": _object({"id": _ID}),
        "associationSpec": _object({"associationCategory": _CATEGORY, "associationTypeId": _ID}),
    }
)


def _without_peek(operation: Any) -> Any:
    from hubspot_associations._batch import BatchOperation

    return BatchOperation(
        argument=operation.argument,
        with_specs=operation.with_specs,
        kwargs=operation.kwargs,
        item=operation.item,
        pair=operation.pair,
        direction=operation.direction,
    )


_VALID: dict[str, Callable[[], Any]] = {
    "default": lambda: default_result("101", 202, 279),
    "labelled": lambda: pair_result(101, 202),
    "wrapped": lambda: {"entity": pair_result(101, "202")},
}


def _mutate(raw: Any, path: tuple[str, ...], value: object, delete: bool) -> Any:
    """``raw`` with the value at ``path`` (a key path into its objects) replaced or deleted."""
    if not path:
        return value
    holder = raw
    for key in path[:-1]:
        holder = holder.get(key) if isinstance(holder, dict) else None
    if isinstance(holder, dict):
        if delete:
            holder.pop(path[-1], None)
        else:
            holder[path[-1]] = value
    return raw


def _paths(raw: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = [prefix]
    if isinstance(raw, dict):
        for key, value in raw.items():
            found += _paths(value, (*prefix, key))
    return found


@BOUNDED
@given(st.sampled_from(sorted(_VALID)), st.data())
def test_a_result_item_read_from_its_json_reads_as_its_model_would(name: str, data: st.DataObject) -> None:
    raw = _VALID[name]()
    for _ in range(data.draw(st.integers(0, 2))):  # a well-formed item, with up to two values changed or missing
        path = data.draw(st.sampled_from(_paths(raw)))
        value = data.draw(st.one_of(_ID, _CATEGORY, _DEFAULT_ITEM, st.lists(st.text(max_size=2), max_size=2)))
        raw = _mutate(raw, path, value, data.draw(st.booleans()))
    operation = DEFAULT if name == "default" else LABELLED
    fast, slow = operation.read(raw), _without_peek(operation).read(raw)
    assert (fast is None) == (slow is None), (raw, fast, slow)
    if fast is not None and slow is not None:
        assert fast[1:] == slow[1:]  # the same pair (as the inputs spell it) and direction
        model = operation.item(fast[0])  # built later, when an outcome's results are read: it never fails then
        assert operation.pair(model) == operation.pair(slow[0])


def test_results_are_built_once_when_read() -> None:
    inputs = [BatchInput("101", "202")]
    answer = {"results": [default_result(101, 202, 279), default_result(202, 101, 280)]}
    outcome = read_batch(DEFAULT, inputs, answer)[0]
    first = outcome.results
    assert [item.association_spec.association_type_id for item in first] == [279, 280]
    assert outcome.results is first  # the same models on every read
