"""Errors keep server JSON to ``MAX_JSON_DEPTH`` levels, so every error the SDK raises pickles and deep-copies.

A body nested ~900 levels (``json`` still parses it) used to make ``pickle.dumps`` and ``copy.deepcopy`` of the error
raise ``RecursionError``; the depth is now cut where the JSON is kept (``_clamps.clamp_json_depth``).
"""

from __future__ import annotations

import copy
import json
import pickle
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations import BadRequestError, BatchInputError, HubSpotAssociations
from hubspot_associations._clamps import TOO_DEEP, clamp_json_depth
from hubspot_associations._constants import MAX_JSON_DEPTH
from hubspot_associations._error_mapping import error_from_parts
from hubspot_associations._errors import APIStatusError, BatchUnconfirmedError
from tests.support import Server

TOKEN = "pat-na1-00000000-0000-0000-0000-000000000000"


def nested(depth: int, shape: str, leaf: str = "1") -> str:
    """JSON text of ``depth`` nested containers around ``leaf`` (built as text: no recursion to build it)."""
    opens: list[str] = []
    closes: list[str] = []
    for level in range(depth):
        as_dict = shape == "dict" or (shape == "mixed" and level % 2 == 0)
        opens.append('{"k":' if as_dict else "[")
        closes.append("}" if as_dict else "]")
    return "".join(opens) + leaf + "".join(reversed(closes))


def depth_of(value: Any) -> int:
    """Levels of containers in decoded JSON (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, level)
            stack.extend((child, level + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


PLACES: dict[str, Callable[[str], str]] = {
    "body": lambda inner: inner,
    "context": lambda inner: '{"message": "m", "context": ' + inner + "}",
    "context as a JSON string": lambda inner: '{"message": "m", "context": ' + json.dumps(inner) + "}",
    "errors[].context": lambda inner: '{"message": "m", "errors": [{"message": "e", "context": ' + inner + "}]}",
    "subCategory": lambda inner: '{"message": "m", "subCategory": ' + inner + "}",
}


def assert_travels(error: BaseException) -> None:
    """The error pickles and deep-copies to an equal one, and prints."""
    for clone in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(clone) is type(error) and str(clone) == str(error)
        assert clone.__dict__.keys() == error.__dict__.keys()
        for name in ("json_body", "context", "errors", "item"):
            assert getattr(clone, name, None) == getattr(error, name, None)
    repr(error)


@settings(max_examples=60, deadline=None)
@given(
    depth=st.integers(min_value=0, max_value=1500),
    shape=st.sampled_from(["list", "dict", "mixed"]),
    place=st.sampled_from(sorted(PLACES)),
    status=st.sampled_from([400, 403, 404, 429, 500, 418]),
)
def test_any_depth_in_any_place_gives_an_error_that_pickles_and_copies(
    depth: int, shape: str, place: str, status: int
) -> None:
    error = error_from_parts(status, {"X-HubSpot-Correlation-Id": "cid"}, PLACES[place](nested(depth, shape)))
    assert isinstance(error, APIStatusError)
    assert depth_of(error.json_body) <= MAX_JSON_DEPTH
    assert depth_of(error.context) <= MAX_JSON_DEPTH and depth_of(error.errors) <= MAX_JSON_DEPTH
    assert_travels(error)


@pytest.mark.parametrize("shape", ["list", "dict", "mixed"])
def test_the_limit_is_kept_whole_and_one_level_more_is_cut_at_the_limit(shape: str) -> None:
    at_limit = nested(MAX_JSON_DEPTH, shape)
    assert error_from_parts(400, None, at_limit).json_body == json.loads(at_limit)  # kept exactly
    over = error_from_parts(400, None, nested(MAX_JSON_DEPTH + 1, shape)).json_body
    assert depth_of(over) == MAX_JSON_DEPTH
    innermost = over
    for _ in range(MAX_JSON_DEPTH - 1):
        innermost = innermost["k"] if isinstance(innermost, dict) else innermost[0]
    assert innermost in ({"k": TOO_DEEP}, [TOO_DEEP])  # the container one level past the limit, and only it


def test_clamp_returns_the_same_object_when_nothing_is_too_deep_and_never_changes_its_input() -> None:
    shallow = {"a": [1, {"b": 2}], "c": "x"}
    assert clamp_json_depth(shallow) is shallow
    deep = {"keep": [1, 2], "cut": json.loads(nested(40, "list"))}
    before = json.dumps(deep)
    clamped = clamp_json_depth(deep, 3)
    assert clamped == {"keep": [1, 2], "cut": [[TOO_DEEP]]}
    assert clamped["keep"] is deep["keep"]  # only the containers on the way to a cut are copied
    assert json.dumps(deep) == before
    assert clamp_json_depth("text") == "text" and clamp_json_depth([], 0) == TOO_DEEP


def test_a_deep_400_raised_by_a_call_pickles_and_copies() -> None:
    body = '{"status": "error", "message": "bad", "category": "VALIDATION_ERROR", "context": ' + nested(900, "dict")
    server = Server(httpx.Response(400, content=(body + "}").encode(), headers={"Content-Type": "application/json"}))
    client = HubSpotAssociations(TOKEN, http_client=server.http())
    with pytest.raises(BadRequestError) as raised:
        client.associate_default("contacts", 1, "companies", 2)
    assert depth_of(raised.value.json_body) <= MAX_JSON_DEPTH
    assert_travels(raised.value)


def test_a_batch_error_item_nested_deep_pickles_and_copies() -> None:
    item = '{"status": "error", "category": "VALIDATION_ERROR", "message": "2 is not a valid ID", "context": '
    body = '{"status": "COMPLETE", "results": [], "numErrors": 1, "errors": [' + item + nested(900, "mixed") + "}]}"
    server = Server(httpx.Response(207, content=body.encode(), headers={"Content-Type": "application/json"}))
    client = HubSpotAssociations(TOKEN, http_client=server.http())
    result = client.associate_default_batch("contacts", "companies", [(1, 2)])
    error = result[0].error
    assert isinstance(error, BatchInputError | BatchUnconfirmedError)
    assert_travels(error)
    if isinstance(error, BatchUnconfirmedError):
        assert all(depth_of(e.item) <= MAX_JSON_DEPTH for e in error.errors)
    else:
        assert depth_of(error.item) <= MAX_JSON_DEPTH
    direct = BatchInputError.from_item(json.loads(item + nested(900, "dict") + "}"))
    assert depth_of(direct.item) <= MAX_JSON_DEPTH and depth_of(direct.context) <= MAX_JSON_DEPTH
    assert_travels(direct)
