"""Schemathesis hooks for ``tools/schemathesis_emulator.py``: draw most cases from the emulator's seeded records.

Schemathesis alone generates random object types and ids, which the emulator (like HubSpot) answers with 400s; the
success responses would never be checked against the spec. ``flatmap_case`` keeps each generated case with
probability 1/4 and otherwise swaps its path parameters for a seeded record pair (type names in the forms HubSpot
accepts, ids of records that exist) and, for the labelled operations, its body for association types the portal
knows (now and then one it does not). A batch gets one to five such pairs, now and then with an unknown id or a
record associated with itself, so its 207 answers are checked too. Loaded by Schemathesis through
``SCHEMATHESIS_HOOKS=schemathesis_hooks``.
"""

from __future__ import annotations

from typing import Any

import schemathesis
from hypothesis import strategies as st
from schemathesis.generation.case import Case as GenericCase
from schemathesis.hooks import HookContext

from hubspot_associations.emulator import EmulatorState

Case = GenericCase[Any]
_STATE = EmulatorState()  # the default configuration, which tools/schemathesis_emulator.py serves
_RECORDS_PER_TYPE = 3

# (source type as written in the path, its type id), the same for the target
_PAIRS: tuple[tuple[tuple[str, str], tuple[str, str]], ...] = (
    (("contacts", "0-1"), ("companies", "0-2")),
    (("0-2", "0-2"), ("contact", "0-1")),
    (("deals", "0-3"), ("tickets", "0-5")),
    (("ticket", "0-5"), ("0-1", "0-1")),
    (("contacts", "0-1"), ("p_cars", "2-3456")),
    (("2-3456", "2-3456"), ("contacts", "0-1")),
)


def _ids(type_id: str) -> st.SearchStrategy[str]:
    return st.sampled_from(_STATE.object_ids(type_id)[:_RECORDS_PER_TYPE])


def _specs(from_type_id: str, to_type_id: str) -> st.SearchStrategy[list[dict[str, Any]]]:
    known = [
        {"associationCategory": category, "associationTypeId": type_id}
        for category, type_id in _STATE.association_types(from_type_id, to_type_id)
    ]
    unknown = {"associationCategory": "USER_DEFINED", "associationTypeId": 999_999}
    return st.one_of(
        st.lists(st.sampled_from(known), min_size=1, max_size=3, unique_by=lambda spec: spec["associationTypeId"]),
        st.lists(st.sampled_from([*known, unknown]), min_size=1, max_size=2),
    )


def _seeded(case: Case) -> st.SearchStrategy[Case]:
    if case.method.upper() == "GET":
        return _seeded_page(case)
    if "toObjectId" not in case.path_parameters:
        return _seeded_batch(case)
    labelled = "objectId" in case.path_parameters
    with_body = case.method.upper() == "PUT"  # the DELETE of a pair has no body
    from_name, from_id = ("objectType", "objectId") if labelled else ("fromObjectType", "fromObjectId")

    def for_pair(pair: tuple[tuple[str, str], tuple[str, str]]) -> st.SearchStrategy[Case]:
        (from_type, from_type_id), (to_type, to_type_id) = pair
        body = _specs(from_type_id, to_type_id) if labelled and with_body else st.just(case.body)

        def build(values: tuple[str, str, Any]) -> Case:
            source_id, target_id, specs = values
            case.path_parameters = {
                from_name: from_type,
                from_id: source_id,
                "toObjectType": to_type,
                "toObjectId": target_id,
            }
            case.body = specs
            return case

        return st.tuples(_ids(from_type_id), _ids(to_type_id), body).map(build)

    return st.sampled_from(_PAIRS).flatmap(for_pair)


def _seeded_page(case: Case) -> st.SearchStrategy[Case]:
    """A page of a seeded record's associations, with the generated ``after``/``limit`` (if any) kept."""

    def for_pair(pair: tuple[tuple[str, str], tuple[str, str]]) -> st.SearchStrategy[Case]:
        (from_type, from_type_id), (to_type, _) = pair

        def build(source_id: str) -> Case:
            case.path_parameters = {"objectType": from_type, "objectId": source_id, "toObjectType": to_type}
            return case

        return _ids(from_type_id).map(build)

    return st.sampled_from(_PAIRS).flatmap(for_pair)


def _seeded_batch(case: Case) -> st.SearchStrategy[Case]:
    """A batch between a seeded pair of types: one to five inputs of seeded ids (as strings or numbers), now and
    then an unknown id or a record associated with itself; for ``batch/create`` and ``batch/labels/archive`` with
    types as for the PUT, for ``batch/read`` ids (as strings), for ``batch/archive`` a list of targets."""
    labelled = case.path.endswith(("/batch/create", "/batch/labels/archive"))
    if case.path.endswith("/batch/read"):
        return _seeded_read(case)
    archive = case.path.endswith("/batch/archive")

    def for_pair(pair: tuple[tuple[str, str], tuple[str, str]]) -> st.SearchStrategy[Case]:
        (from_type, from_type_id), (to_type, to_type_id) = pair
        spelled = st.sampled_from([str, int])
        source = st.builds(lambda i, how: how(i), _ids(from_type_id) | st.just("999"), spelled)
        target = st.builds(lambda i, how: how(i), _ids(to_type_id) | _ids(from_type_id), spelled)
        one: st.SearchStrategy[dict[str, Any]] = st.fixed_dictionaries(
            {
                "from": st.builds(lambda i: {"id": i}, source),
                "to": st.builds(lambda i: [{"id": i}] if archive else {"id": i}, target),
                **({"types": _specs(from_type_id, to_type_id)} if labelled else {}),
            }
        )

        def build(inputs: list[Any]) -> Case:
            case.path_parameters = {"fromObjectType": from_type, "toObjectType": to_type}
            case.body = {"inputs": inputs}
            return case

        return st.lists(one, min_size=1, max_size=5).map(build)

    return st.sampled_from(_PAIRS).flatmap(for_pair)


def _seeded_read(case: Case) -> st.SearchStrategy[Case]:
    def for_pair(pair: tuple[tuple[str, str], tuple[str, str]]) -> st.SearchStrategy[Case]:
        (from_type, from_type_id), (to_type, _) = pair
        one = st.builds(lambda i: {"id": i}, _ids(from_type_id) | st.just("999"))

        def build(inputs: list[Any]) -> Case:
            case.path_parameters = {"fromObjectType": from_type, "toObjectType": to_type}
            case.body = {"inputs": inputs}
            return case

        return st.lists(one, min_size=1, max_size=5).map(build)

    return st.sampled_from(_PAIRS).flatmap(for_pair)


@schemathesis.hook
def flatmap_case(context: HookContext, case: Case) -> st.SearchStrategy[Case]:
    """One case in four as generated, three in four on seeded records."""
    return st.one_of(st.just(case), _seeded(case), _seeded(case), _seeded(case))
