"""The batch calls on both clients, through httpx.MockTransport: wire format, per-input outcomes from 200/201/207,
bad input refused before sending, whole-request failures with the single calls' retries and errors, the body cap.

Sync tests first; the async client's twins at the end run on asyncio and trio (``tests/conftest.py``).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hubspot_associations import (
    MAX_BATCH_SIZE,
    APIResponse,
    AssociationSpec,
    AsyncHubSpotAssociations,
    BadRequestError,
    BatchInputError,
    HubSpotAssociations,
    InvalidInputError,
    OutcomeStatus,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    UnexpectedResponseError,
)
from hubspot_associations._batch import BatchInput
from tests.support import BIG_ID, FakeClock, Server, clock_seams, default_result, hubspot_error, pair_result

TOKEN = "pat-na1-SECRET-11111111-2222-3333-4444-555555555555"
BASE = "https://api.hubapi.com"
CREATE_URL = f"{BASE}/crm/v4/associations/contacts/companies/batch/create"
DEFAULT_URL = f"{BASE}/crm/v4/associations/contacts/companies/batch/associate/default"


ALL_OK = {
    "status": "COMPLETE",
    "results": [pair_result(101, BIG_ID, ["Manager"]), pair_result(102, 202)],
    "startedAt": "2026-11-23T09:30:00.113Z",
    "completedAt": "2026-11-23T09:30:00.161Z",
}
PARTIAL = {
    "status": "COMPLETE",
    "results": [pair_result(101, BIG_ID)],
    "numErrors": 1,
    "errors": [
        {
            "status": "error",
            "category": "VALIDATION_ERROR",
            "subCategory": "crm.associations.INVALID_IDENTIFIER",
            "message": "999 is not a valid ID",
            "context": {"id": ["999"]},
        }
    ],
    "startedAt": "2026-11-23T09:30:00.113Z",
    "completedAt": "2026-11-23T09:30:00.161Z",
}
ITEMS: list[tuple[int | str, int | str, Any]] = [
    (101, BIG_ID, 279),
    ("102", "202", [279, AssociationSpec("USER_DEFINED", 36)]),
]
CONFIRMED, FAILED = OutcomeStatus.CONFIRMED, OutcomeStatus.FAILED


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(server: Server, clock: FakeClock | None = None, **kwargs: Any) -> HubSpotAssociations:
    return HubSpotAssociations(TOKEN, http_client=server.http(), **clock_seams(clock), **kwargs)


def test_wire_format_of_both_batch_calls() -> None:
    default_body = {**ALL_OK, "results": [default_result(101, 202, 279), default_result(202, 101, 280)]}
    server = Server(httpx.Response(201, json=ALL_OK), httpx.Response(200, json=default_body))
    client = make(server)
    client.associate_batch("contacts", "companies", ITEMS)
    client.associate_default_batch("Contacts", "0-2", [(101, 202)])
    labelled, default = server.requests
    assert (labelled.method, str(labelled.url)) == ("POST", CREATE_URL)
    assert json.loads(labelled.content) == {
        "inputs": [
            {
                "from": {"id": "101"},
                "to": {"id": str(BIG_ID)},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
            },
            {
                "from": {"id": "102"},
                "to": {"id": "202"},
                "types": [
                    {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
                    {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
                ],
            },
        ]
    }
    assert labelled.headers["Content-Type"] == "application/json"
    assert str(default.url) == f"{BASE}/crm/v4/associations/contacts/0-2/batch/associate/default"
    assert json.loads(default.content) == {"inputs": [{"from": {"id": "101"}, "to": {"id": "202"}}]}
    assert default.headers["Content-Type"] == "application/json"
    assert default.headers["Content-Length"] == str(len(default.content))


@pytest.mark.parametrize("status", [200, 201, 207])
def test_any_success_status_reads_the_same(status: int) -> None:
    result = make(Server(httpx.Response(status, json=ALL_OK))).associate_batch("contacts", "companies", ITEMS)
    assert [outcome.status for outcome in result] == [CONFIRMED, CONFIRMED] and result.all_confirmed
    assert result[0].results[0].labels == ["Manager"] and result[0].to_id == str(BIG_ID)


def test_a_partial_207_gives_outcomes_in_input_order_and_the_raw_response() -> None:
    server = Server(httpx.Response(207, json=PARTIAL, headers={"X-HubSpot-Correlation-Id": "cid-207"}))
    raw = make(server).with_raw_response.associate_batch("contacts", "companies", [(101, BIG_ID, 279), (5, 999, 279)])
    assert isinstance(raw, APIResponse) and raw.status_code == 207 and raw.correlation_id == "cid-207"
    confirmed, failed = raw.parsed
    assert (confirmed.status, failed.status) == (CONFIRMED, FAILED)
    assert isinstance(failed.error, BatchInputError) and failed.error.ids == ("999",)
    assert failed.error.sub_category == "crm.associations.INVALID_IDENTIFIER"


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (lambda c: c.associate_default_batch("contacts", "companies", []), "pairs"),
        (lambda c: c.associate_default_batch("contacts", "companies", [(1, 2)] * 101), "pairs"),
        (lambda c: c.associate_default_batch("contacts", "companies", [(1, 2), (3, "x")]), "pairs[1].to_id"),
        (lambda c: c.associate_default_batch("contacts", "no such/type", [(1, 2)]), "to_object_type"),
        (lambda c: c.associate_batch("contacts", "companies", [(1, 2, 279), (3, 4)]), "items[1]"),
        (lambda c: c.associate_batch("contacts", "companies", [(1, 2, 0)]), "items[0].specs"),
    ],
)
def test_bad_input_is_refused_before_anything_is_sent(call: Any, argument: str) -> None:
    server = Server(httpx.Response(201, json=ALL_OK))
    with pytest.raises(InvalidInputError) as caught:
        call(make(server))
    assert caught.value.argument == argument and server.calls == 0


def test_the_batch_limit_is_a_client_option_up_to_two_thousand() -> None:
    server = Server(httpx.Response(200, json={"results": []}))
    assert make(server).max_batch_size == 100
    result = make(server, max_batch_size=MAX_BATCH_SIZE).associate_default_batch(
        "contacts", "companies", [(n, n + 1) for n in range(1, 2001)]
    )
    assert len(result) == 2000 and len(result.unconfirmed) == 2000 and server.calls == 1
    for bad in (0, MAX_BATCH_SIZE + 1, True, 10.0):
        with pytest.raises(InvalidInputError, match="max_batch_size"):
            make(server, max_batch_size=bad)


def test_a_429_then_success_is_one_retried_request(clock: FakeClock) -> None:
    limited = hubspot_error(
        429,
        "You have reached your ten_secondly_rolling limit.",
        "cid-429",
        errorType="RATE_LIMIT",
        policyName="TEN_SECONDLY_ROLLING",
        headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Max": "190"},
    )
    server = Server(limited, httpx.Response(201, json=ALL_OK))
    raw = make(server, clock).with_raw_response.associate_batch("contacts", "companies", ITEMS)
    assert raw.attempts == 2 and raw.parsed.all_confirmed and clock.waits


@pytest.mark.parametrize(
    ("reply", "error"),
    [
        (hubspot_error(400, "Invalid JSON input: a request body was expected, but none found", "c", "VALIDATION_ERROR"),
         BadRequestError),
        (hubspot_error(403, "missing scopes", "c", "MISSING_SCOPES"), PermissionDeniedError),
        (hubspot_error(429, "You have reached your daily limit.", "c", policyName="DAILY"), RateLimitError),
        (httpx.Response(201, json=[ALL_OK]), UnexpectedResponseError),
        (httpx.Response(201, content=b"[" * 100_000 + b"]" * 100_000), UnexpectedResponseError),
    ],
)  # fmt: skip
def test_whole_request_failures_raise_the_typed_errors(reply: httpx.Response, error: type[Exception]) -> None:
    server = Server(reply)
    with pytest.raises(error):
        make(server, max_retries=0).associate_default_batch("contacts", "companies", [(101, 202)])


def test_a_hundred_thousand_results_hit_the_body_cap() -> None:
    body = {"status": "COMPLETE", "results": [pair_result(n, n + 1) for n in range(100_000)]}
    server = Server(httpx.Response(201, json=body))
    with pytest.raises(ResponseTooLargeError):
        make(server).associate_batch("contacts", "companies", ITEMS)
    # With the cap raised the same answer reads: nothing it names is an input, so nothing is confirmed.
    result = make(server, max_response_bytes=64 * 1024 * 1024).associate_batch("contacts", "companies", ITEMS)
    assert len(result.unconfirmed) == 2 and result.unmatched_results == 100_000


def test_per_call_timeout_sets_the_attempts_timeouts() -> None:
    server = Server(httpx.Response(201, json=ALL_OK))
    make(server).associate_batch("contacts", "companies", ITEMS, timeout=7.0)
    assert server.requests[0].extensions["timeout"]["read"] <= 7.0


# -- the async client -------------------------------------------------------------------------------------------


def make_async(server: Server, **kwargs: Any) -> AsyncHubSpotAssociations:
    return AsyncHubSpotAssociations(TOKEN, http_client=server.async_http(), **kwargs)


async def test_async_batch_calls_read_like_the_sync_ones() -> None:
    server = Server(
        httpx.Response(207, json=PARTIAL), httpx.Response(200, json={"results": [default_result(1, 2, 279)]})
    )
    client = make_async(server)
    raw = await client.with_raw_response.associate_batch(
        "contacts", "companies", [(101, BIG_ID, 279), (5, 999, 279)], timeout=5.0
    )
    assert [outcome.status for outcome in raw.parsed] == [CONFIRMED, FAILED] and raw.status_code == 207
    result = await client.associate_default_batch("contacts", "companies", [(1, 2)])
    assert result[0].ok and str(server.requests[1].url) == DEFAULT_URL


async def test_async_bad_input_is_refused_before_anything_is_sent() -> None:
    server = Server(httpx.Response(201, json=ALL_OK))
    with pytest.raises(InvalidInputError):
        await make_async(server, max_batch_size=1).associate_batch("contacts", "companies", ITEMS)
    assert server.calls == 0


# -- the create operations' request bodies, built in wire form, are what the generated models give ---------------

_SPEC = st.builds(
    AssociationSpec,
    st.sampled_from(["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"]),
    st.integers(1, 2**31 - 1),
)
_INPUT = st.builds(
    BatchInput,
    st.integers(1, 2**63 - 1).map(str),
    st.integers(1, 2**63 - 1).map(str),
    st.lists(_SPEC, min_size=1, max_size=3).map(tuple),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_INPUT, min_size=1, max_size=5))
def test_batch_bodies_in_wire_form_are_the_generated_models_bodies(inputs: list[BatchInput]) -> None:
    from hubspot_associations._batch import _default_body, _labelled_body
    from hubspot_associations_api.models import (
        BatchInputPublicAssociationMultiPost,
        BatchInputPublicDefaultAssociationMultiPost,
        PublicAssociationMultiPost,
        PublicDefaultAssociationMultiPost,
        PublicObjectId,
    )

    default = BatchInputPublicDefaultAssociationMultiPost(
        [PublicDefaultAssociationMultiPost(PublicObjectId(i.from_id), PublicObjectId(i.to_id)) for i in inputs]
    )
    labelled = BatchInputPublicAssociationMultiPost(
        [
            PublicAssociationMultiPost(
                PublicObjectId(i.from_id), PublicObjectId(i.to_id), [spec.to_wire() for spec in i.specs]
            )
            for i in inputs
        ]
    )
    # The same JSON, keys in the same order (what the generated models would have had httpx send).
    with pytest.raises(ValueError, match="not validated ids"):  # written unescaped: digits only
        _default_body([BatchInput('1"', "2")])
    assert json.dumps(json.loads(_default_body(inputs))) == json.dumps(default.to_dict())
    assert json.dumps(json.loads(_labelled_body(inputs))) == json.dumps(labelled.to_dict())
