"""HubSpotAssociations end to end through httpx.MockTransport: wire format, parsing, errors, retries, pacing, OAuth.

Sleeping is faked: tests that take the ``clock`` fixture build their client with ``clock=``/``sleep=`` from a
``FakeClock`` (``make(server, clock)``), so its deadlines, pacer and waits all run on that clock, every wait is
recorded instead of slept, and the whole file runs in well under a second.
The asyncio twin lives in ``test_async_client.py``.
"""

from __future__ import annotations

import json
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest

from hubspot_associations import (
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIResponse,
    APIStatusError,
    APITimeoutError,
    AssociationCategory,
    AssociationRow,
    AssociationSpec,
    AsyncHubSpotAssociations,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    HubSpotAssociations,
    HubSpotError,
    InvalidInputError,
    MissingCredentialsError,
    NotFoundError,
    OAuthRefresh,
    OAuthRefreshError,
    OAuthTokens,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    ServerError,
    StoppedError,
    UnexpectedResponseError,
)
from tests.support import BIG_ID, DEFAULT_BODY, PAIR, FakeClock, Server, clock_seams, hubspot_error

TOKEN = "pat-na1-SECRET-11111111-2222-3333-4444-555555555555"
BASE = "https://api.hubapi.com"
DEFAULT_URL = f"{BASE}/crm/v4/objects/contacts/101/associations/default/companies/202"
LABELLED_URL = f"{BASE}/crm/v4/objects/contacts/101/associations/companies/202"


ERR_400_IDS = hubspot_error(
    400,
    "One or more associations are invalid",
    "cid-400",
    "VALIDATION_ERROR",
    context={"INVALID_OBJECT_IDS": ["CONTACT=101"]},
)
ERR_400_INFER = hubspot_error(400, "Unable to infer object type from: cars", "cid-infer")
ERR_401_INVALID = hubspot_error(401, "Authentication credentials not found.", "cid-401", "INVALID_AUTHENTICATION")
ERR_401_EXPIRED = hubspot_error(
    401,
    "The OAuth token used to make this call expired 5 second(s) ago.",
    "cid-expired",
    "EXPIRED_AUTHENTICATION",
    context={"expire time": ["2026-11-23T09:00:00Z"]},
)
ERR_403 = hubspot_error(
    403,
    "This app hasn't been granted all required scopes to make this call.",
    "cid-403",
    "MISSING_SCOPES",
    errors=[{"message": "scopes", "context": {"requiredGranularScopes": ["crm.objects.contacts.write"]}}],
)
ERR_404 = hubspot_error(404, "Resource not found", "cid-404", "OBJECT_NOT_FOUND")
ERR_409 = hubspot_error(409, "Conflict", "cid-409", "CONFLICT")
ERR_429_DAILY = hubspot_error(
    429, "You have reached your daily limit.", "cid-daily", errorType="RATE_LIMIT", policyName="DAILY"
)
RATE_HEADERS = {
    "X-HubSpot-RateLimit-Max": "100",
    "X-HubSpot-RateLimit-Remaining": "0",
    "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
}
ERR_429_TEN = hubspot_error(
    429,
    "You have reached your ten_secondly_rolling limit.",
    "cid-ten",
    headers=RATE_HEADERS,
    errorType="RATE_LIMIT",
    policyName="TEN_SECONDLY_ROLLING",
)
HTML_502 = httpx.Response(
    502,
    text="<html><head><title>502 Bad Gateway</title></head></html>",
    headers={"X-HubSpot-Correlation-Id": "cid-502"},
)
HTML_520 = httpx.Response(
    520, text="<html><title>Origin error</title></html>", headers={"X-HubSpot-Correlation-Id": "cid-520"}
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(server: Server, clock: FakeClock | None = None, **kwargs: Any) -> HubSpotAssociations:
    """A client of ``server``; with ``clock``, its deadlines, pacer and waits all run on that fake clock."""
    kwargs.setdefault("access_token", TOKEN)
    return HubSpotAssociations(http_client=server.http(), **clock_seams(clock), **kwargs)


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content)


# -- 1. wire format ----------------------------------------------------------------------------------------------


def test_default_wire_format() -> None:
    server = Server(httpx.Response(200, json=DEFAULT_BODY))
    make(server).associate_default("contacts", "101", "companies", "202")
    (request,) = server.requests
    assert request.method == "PUT"
    assert str(request.url) == DEFAULT_URL
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.content == b""
    assert "content-type" not in request.headers


def test_labelled_wire_format() -> None:
    server = Server()
    spec = AssociationSpec(AssociationCategory.HUBSPOT_DEFINED, 279)
    make(server).associate("contacts", "101", "companies", "202", spec)
    (request,) = server.requests
    assert request.method == "PUT"
    assert str(request.url) == LABELLED_URL
    assert request.headers["Authorization"] == f"Bearer {TOKEN}"
    assert request.headers["Content-Type"] == "application/json"
    assert body_of(request) == [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]


@pytest.mark.parametrize(
    ("specs", "expected"),
    [
        (279, [("HUBSPOT_DEFINED", 279)]),
        ([279], [("HUBSPOT_DEFINED", 279)]),
        (
            [AssociationSpec.hubspot_defined(1), AssociationSpec("USER_DEFINED", 36), 279],
            [("HUBSPOT_DEFINED", 1), ("USER_DEFINED", 36), ("HUBSPOT_DEFINED", 279)],
        ),
        (
            (AssociationSpec("INTEGRATOR_DEFINED", 7), AssociationSpec("WORK", 9)),
            [("INTEGRATOR_DEFINED", 7), ("WORK", 9)],
        ),
    ],
)
def test_specs_forms_on_the_wire(specs: Any, expected: list[tuple[str, int]]) -> None:
    server = Server()
    make(server).associate("contacts", 101, "companies", 202, specs)
    assert body_of(server.requests[0]) == [
        {"associationCategory": category, "associationTypeId": type_id} for category, type_id in expected
    ]


@pytest.mark.parametrize(
    ("from_type", "from_id", "to_type", "to_id", "path"),
    [
        ("contacts", 101, "companies", 202, "contacts/101/associations/{x}companies/202"),
        ("contact", "101", "company", "202", "contact/101/associations/{x}company/202"),
        ("Contacts", BIG_ID, "COMPANIES", 2**63 - 1, f"contacts/{BIG_ID}/associations/{{x}}companies/{2**63 - 1}"),
        ("0-1", 1, "0-2", 2, "0-1/1/associations/{x}0-2/2"),
        ("2-123", "5", "p_cars", "6", "2-123/5/associations/{x}p_cars/6"),
        ("p7712148_credentialings", 5, "0-3", 6, "p7712148_credentialings/5/associations/{x}0-3/6"),
    ],
)
def test_object_type_and_id_forms_in_path(from_type: str, from_id: Any, to_type: str, to_id: Any, path: str) -> None:
    server = Server(httpx.Response(200, json=DEFAULT_BODY), httpx.Response(201, json=PAIR))
    client = make(server)
    client.associate_default(from_type, from_id, to_type, to_id)
    client.associate(from_type, from_id, to_type, to_id, 279)
    assert [r.url.path for r in server.requests] == [
        "/crm/v4/objects/" + path.format(x="default/"),
        "/crm/v4/objects/" + path.format(x=""),
    ]


def test_base_url_with_trailing_slash_and_port() -> None:
    server = Server()
    make(server, base_url="http://localhost:8080/").associate("contacts", 1, "companies", 2, 279)
    assert str(server.requests[0].url) == "http://localhost:8080/crm/v4/objects/contacts/1/associations/companies/2"


# -- 2. credentials ------------------------------------------------------------------------------------------------


def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", f"  {TOKEN}\n")
    server = Server()
    HubSpotAssociations(http_client=server.http()).associate("contacts", 1, "companies", 2, 279)
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_explicit_token_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-from-the-environment-000")
    server = Server()
    make(server).associate("contacts", 1, "companies", 2, 279)
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_credentials(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    if value is None:
        monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    else:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", value)
    with pytest.raises(MissingCredentialsError, match="HUBSPOT_ACCESS_TOKEN"):
        HubSpotAssociations()


def test_token_and_auth_together_is_an_error() -> None:
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(TOKEN, auth=OAuthRefresh("id", "client-secret-0123456789", "refresh-0123456789"))
    assert info.value.argument == "auth"
    assert TOKEN not in str(info.value)


@pytest.mark.parametrize("token", [123, "Bearer pat-na1-abcdef0123456789", "pat-na1-abc\n", "pat na1"])
def test_malformed_token_is_invalid_input_without_echo(token: Any) -> None:
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(token)
    assert info.value.argument == "access_token"
    assert str(token).strip() not in str(info.value)


# -- 3. results ----------------------------------------------------------------------------------------------------


def test_default_result_fields_and_numeric_ids() -> None:
    result = make(Server(httpx.Response(200, json=DEFAULT_BODY))).associate_default("contacts", 101, "companies", 202)
    assert result.status == "COMPLETE"
    assert result.status.is_known
    first, second = result.results
    assert first.association_spec.association_category == AssociationCategory.HUBSPOT_DEFINED
    assert first.association_spec.association_type_id == 279
    assert (first.from_.id, first.to.id) == ("101", str(BIG_ID))
    assert (second.from_.id, second.to.id) == (str(BIG_ID), "101")
    assert isinstance(first.from_.id, str)
    assert result.started_at.isoformat() == "2026-11-23T09:30:00.113000+00:00"
    assert result.completed_at.isoformat() == "2026-11-23T09:30:00.161000+00:00"
    assert result.requested_at.isoformat() == "2026-11-23T09:29:59.900000+00:00"  # type: ignore[union-attr]


def test_default_result_with_errors() -> None:
    body = {
        **DEFAULT_BODY,
        "numErrors": 1,
        "errors": [
            {
                "status": "error",
                "category": "VALIDATION_ERROR",
                "message": "x",
                "context": {},
                "errors": [],
                "links": {},
            }
        ],
    }
    result = make(Server(httpx.Response(200, json=body))).associate_default("contacts", 101, "companies", 202)
    assert result.num_errors == 1
    assert len(result.errors) == 1  # type: ignore[arg-type]


def test_unknown_enum_values_and_fields_are_kept() -> None:
    body = {
        **DEFAULT_BODY,
        "status": "ARCHIVED",
        "brandNewField": {"x": 1},
        "results": [
            {
                **DEFAULT_BODY["results"][0],
                "associationSpec": {"associationCategory": "TEAM", "associationTypeId": 9},
                "weight": 3,
            }
        ],
    }
    result = make(Server(httpx.Response(200, json=body))).associate_default("contacts", 101, "companies", 202)
    assert result.status == "ARCHIVED"
    assert not result.status.is_known
    assert result.additional_properties == {"brandNewField": {"x": 1}}
    (item,) = result.results
    assert item.association_spec.association_category == "TEAM"
    assert not item.association_spec.association_category.is_known
    assert item.additional_properties == {"weight": 3}


def test_labelled_unknown_fields_kept_and_ids_str() -> None:
    pair = make(Server(httpx.Response(201, json={**PAIR, "note": "new"}))).associate(
        "contacts", 101, "companies", 202, 279
    )
    assert (pair.from_object_type_id, pair.from_object_id, pair.to_object_type_id, pair.to_object_id) == (
        "0-1",
        "101",
        "0-2",
        str(BIG_ID),
    )
    assert pair.labels == ["Manager"]
    assert pair.additional_properties == {"note": "new"}


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json=PAIR),
        httpx.Response(201, json=PAIR, headers={"Location": "/crm/v4/objects/0-1/101/associations/0-2"}),
        httpx.Response(202, json=PAIR),
        httpx.Response(200, json={"createdResourceId": "101", "entity": PAIR, "location": "https://x/y"}),
        httpx.Response(201, json={"createdResourceId": "101", "entity": PAIR, "location": "https://x/y"}),
    ],
)
def test_any_2xx_with_a_body_is_success(response: httpx.Response) -> None:
    raw = make(Server(response)).with_raw_response.associate("contacts", 101, "companies", 202, 279)
    assert raw.status_code == response.status_code
    assert raw.parsed.to_object_id == str(BIG_ID)
    assert raw.parsed.labels == ["Manager"]


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json={"unexpected": True}),
        httpx.Response(200, json=[]),
        httpx.Response(200, json=None),
        httpx.Response(200, json="COMPLETE"),
        httpx.Response(204),
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(201, json={**PAIR, "fromObjectId": None}),
        httpx.Response(201, json={**PAIR, "toObjectId": True}),
        httpx.Response(201, json={**PAIR, "labels": "Manager"}),
        httpx.Response(201, json={**PAIR, "labels": ["Manager", 7]}),
        httpx.Response(201, json={"createdResourceId": "1", "entity": None, "location": "x"}),
        httpx.Response(200, content=b"[" * 50_000),  # nesting deep enough to blow the JSON decoder's stack
    ],
)
def test_2xx_with_non_matching_body_is_unexpected_response(response: httpx.Response) -> None:
    server = Server(response)
    with pytest.raises(UnexpectedResponseError) as info:
        make(server).associate("contacts", 101, "companies", 202, 279)
    assert info.value.status_code == response.status_code
    assert not isinstance(info.value, APIStatusError)
    assert server.calls == 1  # not retried: the write may well have happened


@pytest.mark.parametrize(
    "body",
    [
        {**DEFAULT_BODY, "results": None},
        {**DEFAULT_BODY, "status": None},
        {**DEFAULT_BODY, "startedAt": "yesterday"},
        {**DEFAULT_BODY, "results": [{**DEFAULT_BODY["results"][0], "from": {"id": None}}]},
        {
            **DEFAULT_BODY,
            "results": [
                {
                    **DEFAULT_BODY["results"][0],
                    "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": "279"},
                }
            ],
        },
        {
            **DEFAULT_BODY,
            "results": [
                {
                    **DEFAULT_BODY["results"][0],
                    "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": True},
                }
            ],
        },
        PAIR,
    ],
)
def test_default_with_non_matching_body(body: Any) -> None:
    server = Server(httpx.Response(200, json=body, headers={"X-HubSpot-Correlation-Id": "cid-odd"}))
    with pytest.raises(UnexpectedResponseError) as info:
        make(server).associate_default("contacts", 101, "companies", 202)
    assert info.value.correlation_id == "cid-odd"
    assert "cid-odd" in str(info.value)


def test_raw_response_fields() -> None:
    headers = {
        "X-HubSpot-Correlation-Id": "cid-ok",
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "189",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
        "X-HubSpot-RateLimit-Daily": "1000000",
        "X-HubSpot-RateLimit-Daily-Remaining": "999999",
    }
    client = make(Server(httpx.Response(200, json=DEFAULT_BODY, headers=headers)))
    raw = client.with_raw_response.associate_default("contacts", 101, "companies", 202)
    assert isinstance(raw, APIResponse)
    assert raw.status_code == 200
    assert raw.headers["x-hubspot-correlation-id"] == "cid-ok"
    assert raw.correlation_id == "cid-ok"
    assert raw.rate_limit == RateLimitInfo(190, 189, 10000, 1_000_000, 999_999)
    assert raw.attempts == 1
    assert raw.parsed.results[0].association_spec.association_type_id == 279
    assert client.with_raw_response is client.with_raw_response


# -- 4. every error class ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "cls", "category", "correlation_id"),
    [
        (ERR_400_IDS, BadRequestError, "VALIDATION_ERROR", "cid-400"),
        (ERR_400_INFER, BadRequestError, None, "cid-infer"),
        (ERR_401_INVALID, AuthenticationError, "INVALID_AUTHENTICATION", "cid-401"),
        (ERR_401_EXPIRED, AuthenticationError, "EXPIRED_AUTHENTICATION", "cid-expired"),
        (ERR_403, PermissionDeniedError, "MISSING_SCOPES", "cid-403"),
        (ERR_404, NotFoundError, "OBJECT_NOT_FOUND", "cid-404"),
        (ERR_409, ConflictError, "CONFLICT", "cid-409"),
        (ERR_429_DAILY, RateLimitError, "RATE_LIMIT", "cid-daily"),
    ],
)
def test_client_errors_are_typed_and_not_retried(
    response: httpx.Response, cls: type[APIStatusError], category: str | None, correlation_id: str, clock: FakeClock
) -> None:
    server = Server(response, httpx.Response(201, json=PAIR))
    with pytest.raises(cls) as info:
        make(server, clock).associate("contacts", 101, "companies", 202, 279)
    error = info.value
    assert type(error) is cls
    assert error.status_code == response.status_code
    assert error.category == category
    assert error.correlation_id == correlation_id
    assert correlation_id in str(error)
    assert server.calls == 1
    assert clock.waits == []


def test_error_details() -> None:
    def raise_for(response: httpx.Response) -> APIStatusError:
        with pytest.raises(APIStatusError) as info:
            make(Server(response)).associate_default("contacts", 101, "companies", 202)
        return info.value

    bad = raise_for(ERR_400_IDS)
    assert isinstance(bad, BadRequestError)
    assert bad.invalid_object_ids == ("CONTACT=101",)
    infer = raise_for(ERR_400_INFER)
    assert infer.message == "Unable to infer object type from: cars"
    expired = raise_for(ERR_401_EXPIRED)
    invalid = raise_for(ERR_401_INVALID)
    assert isinstance(expired, AuthenticationError) and expired.expired
    assert isinstance(invalid, AuthenticationError) and not invalid.expired
    denied = raise_for(ERR_403)
    assert isinstance(denied, PermissionDeniedError)
    assert denied.missing_scopes == ("crm.objects.contacts.write",)
    daily = raise_for(ERR_429_DAILY)
    assert isinstance(daily, RateLimitError)
    assert (daily.policy_name, daily.is_daily) == ("DAILY", True)


@pytest.mark.parametrize(("response", "reason"), [(HTML_502, "502 Bad Gateway"), (HTML_520, "Origin error")])
def test_html_server_errors_after_all_retries(response: httpx.Response, reason: str, clock: FakeClock) -> None:
    server = Server(response)
    with pytest.raises(ServerError) as info:
        make(server, clock, max_retries=2).associate("contacts", 101, "companies", 202, 279)
    assert server.calls == 3
    assert info.value.status_code == response.status_code
    assert info.value.correlation_id == response.headers["X-HubSpot-Correlation-Id"]
    assert reason in info.value.message
    assert len(clock.waits) == 2


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ReadTimeout("read timed out"), APITimeoutError),
        (httpx.ConnectTimeout("connect timed out"), APITimeoutError),
        (httpx.PoolTimeout("pool"), APITimeoutError),
        (httpx.ConnectError("connection refused"), APIConnectionError),
        (httpx.RemoteProtocolError("server hung up"), APIConnectionError),
    ],
)
def test_transport_errors_after_retries(exc: Exception, cls: type[APIConnectionError], clock: FakeClock) -> None:
    server = Server(exc)
    with pytest.raises(cls) as info:
        make(server, clock, max_retries=1).associate_default("contacts", 101, "companies", 202)
    assert type(info.value) is cls
    assert server.calls == 2
    assert "after 2 attempt(s)" in str(info.value)
    assert isinstance(info.value.__cause__, type(exc))
    assert info.value.request is not None and str(info.value.request.url) == DEFAULT_URL


def test_unsupported_protocol_is_not_retried(clock: FakeClock) -> None:
    server = Server(httpx.UnsupportedProtocol("nope"))
    with pytest.raises(APIConnectionError):
        make(server, clock).associate_default("contacts", 101, "companies", 202)
    assert server.calls == 1


def test_all_errors_share_one_root() -> None:
    for cls in (APIConnectionError, APITimeoutError, APIStatusError, UnexpectedResponseError, RateLimitError):
        assert issubclass(cls, HubSpotError)
    assert issubclass(InvalidInputError, ValueError)


# -- 5. retries ----------------------------------------------------------------------------------------------------


def assert_exponential(waits: list[float]) -> None:
    # 0.5 s doubled per retry, jitter shortens each wait by at most 25 %.
    for attempt, wait in enumerate(waits):
        assert 0.375 * 2**attempt <= wait <= 0.5 * 2**attempt, waits


def test_503_503_200_succeeds_on_third_attempt(clock: FakeClock) -> None:
    server = Server(httpx.Response(503), httpx.Response(503, text="busy"), httpx.Response(200, json=DEFAULT_BODY))
    raw = make(server, clock).with_raw_response.associate_default("contacts", 101, "companies", 202)
    assert raw.attempts == 3
    assert server.calls == 3
    assert len(clock.waits) == 2
    assert_exponential(clock.waits)


def test_500_five_times_gives_server_error_after_exactly_five_attempts(clock: FakeClock) -> None:
    server = Server(httpx.Response(500, json={"status": "error", "message": "internal", "correlationId": "cid-500"}))
    with pytest.raises(ServerError) as info:
        make(server, clock, max_retries=4).associate("contacts", 101, "companies", 202, 279)
    assert server.calls == 5
    assert info.value.correlation_id == "cid-500"
    assert len(clock.waits) == 4
    assert_exponential(clock.waits)


def test_default_max_retries_is_four(clock: FakeClock) -> None:
    server = Server(httpx.Response(503))
    with pytest.raises(ServerError):
        make(server, clock).associate("contacts", 101, "companies", 202, 279)
    assert server.calls == 5


def test_max_retries_zero_means_one_attempt(clock: FakeClock) -> None:
    server = Server(httpx.Response(503), httpx.Response(200, json=DEFAULT_BODY))
    with pytest.raises(ServerError):
        make(server, clock, max_retries=0).associate_default("contacts", 101, "companies", 202)
    assert server.calls == 1
    assert clock.waits == []


def test_429_ten_secondly_waits_the_interval_then_succeeds(clock: FakeClock) -> None:
    server = Server(ERR_429_TEN, httpx.Response(201, json=PAIR))
    raw = make(server, clock).with_raw_response.associate("contacts", 101, "companies", 202, 279)
    assert raw.attempts == 2
    assert server.calls == 2
    # The whole 10 s window plus at most 10 % jitter; the pacer may add the rest of its 0.5 % headroom on top.
    assert 10.0 <= clock.waits[0] <= 11.0
    assert 10.05 - 1e-9 <= sum(clock.waits) <= 11.0


def test_429_without_headers_backs_off_exponentially(clock: FakeClock) -> None:
    bare = hubspot_error(429, "You have reached your ten_secondly_rolling limit.", policyName="TEN_SECONDLY_ROLLING")
    server = Server(bare, bare, httpx.Response(201, json=PAIR))
    raw = make(server, clock).with_raw_response.associate("contacts", 101, "companies", 202, 279)
    assert raw.attempts == 3
    assert_exponential(clock.waits)


@pytest.mark.parametrize(
    ("first", "expected_wait"),
    [
        (httpx.Response(503, headers={"Retry-After": "7"}), 7.0),
        (httpx.Response(429, json={"policyName": "SECONDLY"}, headers={"Retry-After": "3"}), 3.0),
        (httpx.Response(503, headers={"Retry-After": "120"}), 30.0),  # capped
        (httpx.Response(503, headers={"Retry-After": "0"}), 0.0),
    ],
)
def test_retry_after_is_honoured(first: httpx.Response, expected_wait: float, clock: FakeClock) -> None:
    server = Server(first, httpx.Response(201, json=PAIR))
    # A budget with room for the longest (capped) wait: the default 30 s would not fit a 30 s wait plus an attempt.
    client = make(server, clock, timeout=60.0)
    raw = client.with_raw_response.associate("contacts", 101, "companies", 202, 279)
    assert raw.attempts == 2
    assert clock.waits == ([expected_wait] if expected_wait else [])  # Retry-After: 0 is no wait at all


def test_read_error_then_success(clock: FakeClock) -> None:
    server = Server(httpx.ReadError("connection reset"), httpx.Response(201, json=PAIR))
    raw = make(server, clock).with_raw_response.associate("contacts", 101, "companies", 202, [279, 1])
    assert raw.attempts == 2
    # The retried request carries the same body.
    assert server.requests[0].content == server.requests[1].content
    assert body_of(server.requests[1])[1] == {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
    assert_exponential(clock.waits)


# -- 6. pacing -----------------------------------------------------------------------------------------------------


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + window) for i, start in enumerate(times))


def test_configured_rate_limit_paces_sequential_calls(clock: FakeClock) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        return httpx.Response(201, json=PAIR)

    client = make(Server(handler), clock, rate_limit=5, rate_limit_window=1.0)
    for i in range(12):
        client.associate("contacts", i + 1, "companies", 202, 279)
    assert len(sent) == 12
    assert max_in_window(sent, 1.0) == 5
    assert sent[-1] - sent[0] < 2.2  # a burst of 5 per window, not one call per 0.2 s


def test_pacer_is_shared_between_threads() -> None:
    frozen = FakeClock(advance=False)  # every thread reserves at the same instant; the waits say when each may go
    server = Server()
    client = make(server, frozen, rate_limit=5, rate_limit_window=1.0)
    with ThreadPoolExecutor(12) as pool:
        list(pool.map(lambda i: client.associate("contacts", i + 1, "companies", 202, 279), range(12)))
    assert server.calls == 12
    assert len(frozen.waits) == 7  # the first five go at once
    slots = [0.0] * 5 + frozen.waits
    assert max_in_window(slots, 1.0) == 5


def test_pacer_adopts_rate_limit_headers(clock: FakeClock) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        headers = {"X-HubSpot-RateLimit-Max": "3", "X-HubSpot-RateLimit-Interval-Milliseconds": "1000"}
        return httpx.Response(201, json=PAIR, headers=headers)

    client = make(Server(handler), clock)
    assert client.pacer.limit is None
    for i in range(9):
        client.associate("contacts", i + 1, "companies", 202, 279)
    assert client.pacer.limit == 3
    assert client.pacer.window_s == 1.0
    assert max_in_window(sent, 1.0) == 3
    assert clock.waits  # it did slow down


def test_configured_limit_is_not_raised_by_headers(clock: FakeClock) -> None:
    headers = {"X-HubSpot-RateLimit-Max": "190", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
    client = make(Server(httpx.Response(201, json=PAIR, headers=headers)), clock, rate_limit=2, rate_limit_window=1.0)
    client.associate("contacts", 1, "companies", 202, 279)
    assert client.pacer.limit == 2
    assert client.pacer.window_s == 1.0


# -- 7. OAuth through the client -----------------------------------------------------------------------------------

CLIENT_SECRET = "client-secret-SUPERSECRET-0123456789"
REFRESH_TOKEN = "refresh-token-SECRET-na1-0123456789"
STALE_ACCESS = "stale-access-token-SECRET-0123456789"


class OAuthServer:
    """Token endpoint plus the API; the API accepts only the access token issued last."""

    def __init__(self, *, token_status: int = 200, token_body: dict[str, Any] | None = None) -> None:
        self.lock = threading.Lock()
        self.issued = 0
        self.current: str | None = None
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.api_auth: list[str] = []  # snapshot: the auth flow re-sends the same (mutated) request object
        self.token_status = token_status
        self.token_body = token_body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            with self.lock:
                self.token_requests.append(request)
                if self.token_body is not None:
                    return httpx.Response(self.token_status, json=self.token_body)
                self.issued += 1
                self.current = f"access-token-SECRET-{self.issued:04d}-0123456789"
                body = {
                    "access_token": self.current,
                    "refresh_token": f"rotated-refresh-SECRET-{self.issued:04d}",
                    "expires_in": 1800,
                    "token_type": "bearer",
                    "token_use": "access_token",
                }
            return httpx.Response(200, json=body)
        with self.lock:
            self.api_requests.append(request)
            self.api_auth.append(request.headers.get("Authorization", ""))
        if request.headers.get("Authorization") != f"Bearer {self.current}":
            return httpx.Response(401, json=ERR_401_EXPIRED.json())
        return httpx.Response(201, json=PAIR, headers={"X-HubSpot-Correlation-Id": "cid-oauth"})

    def client(self, auth: OAuthRefresh, **kwargs: Any) -> HubSpotAssociations:
        return HubSpotAssociations(
            auth=auth, base_url=BASE, http_client=httpx.Client(transport=httpx.MockTransport(self)), **kwargs
        )


def oauth(token_url: str = "/oauth/v1/token", **kwargs: Any) -> OAuthRefresh:
    return OAuthRefresh("client-id-123", CLIENT_SECRET, REFRESH_TOKEN, token_url=token_url, **kwargs)


def test_oauth_first_call_fetches_a_token() -> None:
    server = OAuthServer()
    server.client(oauth()).associate("contacts", 101, "companies", 202, 279)
    (token_request,) = server.token_requests
    assert token_request.method == "POST"
    assert str(token_request.url) == f"{BASE}/oauth/v1/token"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qs(token_request.content.decode())
    assert form == {
        "grant_type": ["refresh_token"],
        "client_id": ["client-id-123"],
        "client_secret": [CLIENT_SECRET],
        "refresh_token": [REFRESH_TOKEN],
    }
    (api_request,) = server.api_requests
    assert api_request.headers["Authorization"] == f"Bearer {server.current}"


@pytest.mark.parametrize("token_url", ["/oauth/v3/token", f"{BASE}/oauth/v3/token"])
def test_oauth_v3_token_url(token_url: str) -> None:
    server = OAuthServer()
    server.client(oauth(token_url)).associate("contacts", 101, "companies", 202, 279)
    assert [r.url.path for r in server.token_requests] == ["/oauth/v3/token"]


def test_oauth_expired_401_refreshes_once_and_succeeds() -> None:
    server = OAuthServer()
    server.current = "valid-only-after-refresh"
    refreshed: list[OAuthTokens] = []
    client = server.client(oauth(access_token=STALE_ACCESS, on_refresh=refreshed.append))
    raw = client.with_raw_response.associate("contacts", 101, "companies", 202, 279)
    assert raw.attempts == 1  # the auth flow retried under the hood; the client saw one success
    assert raw.correlation_id == "cid-oauth"
    assert len(server.token_requests) == 1
    assert server.api_auth == [
        f"Bearer {STALE_ACCESS}",
        f"Bearer {server.current}",
    ]
    assert body_of(server.api_requests[1]) == body_of(server.api_requests[0])
    assert [t.refresh_token for t in refreshed] == ["rotated-refresh-SECRET-0001"]


def test_oauth_twenty_threads_share_one_refresh() -> None:
    server = OAuthServer()
    server.current = "valid-only-after-refresh"
    refreshed: list[OAuthTokens] = []
    client = server.client(oauth(access_token=STALE_ACCESS, on_refresh=refreshed.append))
    with ThreadPoolExecutor(20) as pool:
        results = list(pool.map(lambda i: client.associate("contacts", i + 1, "companies", 202, 279), range(20)))
    assert len(results) == 20
    assert len(server.token_requests) == 1
    assert len(refreshed) == 1
    assert refreshed[0].refresh_token == "rotated-refresh-SECRET-0001"
    assert refreshed[0].expires_in == 1800.0
    # The next refresh sends the rotated refresh token.
    auth = client.auth
    assert isinstance(auth, OAuthRefresh)
    assert auth.tokens is not None and auth.tokens.refresh_token == "rotated-refresh-SECRET-0001"


def test_oauth_invalid_401_is_not_refreshed_and_not_retried() -> None:
    server = OAuthServer()
    client = HubSpotAssociations(
        auth=oauth(access_token=STALE_ACCESS),
        base_url=BASE,
        http_client=httpx.Client(transport=httpx.MockTransport(Server(ERR_401_INVALID))),
    )
    with pytest.raises(AuthenticationError) as info:
        client.associate("contacts", 101, "companies", 202, 279)
    assert not info.value.expired
    assert server.token_requests == []


def test_oauth_refused_refresh_raises_without_secrets() -> None:
    body = {
        "status": "BAD_REFRESH_TOKEN",
        "error": "invalid_grant",
        "message": f"bad token {REFRESH_TOKEN} / {CLIENT_SECRET}",
    }
    server = OAuthServer(token_status=400, token_body=body)
    client = server.client(oauth())
    with pytest.raises(OAuthRefreshError) as info:
        client.associate("contacts", 101, "companies", 202, 279)
    assert info.value.status_code == 400
    for text in (str(info.value), repr(info.value)):
        assert REFRESH_TOKEN not in text and CLIENT_SECRET not in text
    assert server.api_requests == []


# -- 8. bad input: zero requests -----------------------------------------------------------------------------------

GOOD: tuple[str, str, str, str] = ("contacts", "101", "companies", "202")
BAD_INPUTS: list[tuple[int, Any, str]] = [
    *[
        (0, value, "from_object_type")
        for value in ["", "contacts/1", "..", "a?b", "a#b", "a b", "\n", "cars", "%2F", 5, None, b"contacts"]
    ],
    *[(2, value, "to_object_type") for value in ["", "../companies", "companies?x=1", "\t", ["companies"]]],
    *[
        (1, value, "from_object_id")
        for value in ["", "-1", -1, 0, "0", "abc", "1.5", 1.5, True, None, "007", " 1", 2**63, "1/2"]
    ],
    *[(3, value, "to_object_id") for value in ["", "x", False, -5, "١٢"]],
]


@pytest.mark.parametrize(("position", "value", "argument"), BAD_INPUTS)
def test_bad_positional_input_sends_nothing(position: int, value: Any, argument: str) -> None:
    server = Server()
    client = make(server)
    args: list[Any] = list(GOOD)
    args[position] = value
    a, b, c, d = args
    with pytest.raises(InvalidInputError) as info:
        client.associate_default(a, b, c, d)
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}:")
    with pytest.raises(InvalidInputError, match=f"^{argument}"):
        client.with_raw_response.associate(a, b, c, d, 279)
    assert server.calls == 0


@pytest.mark.parametrize(
    ("specs", "argument"),
    [
        ([], "specs"),
        ((), "specs"),
        (0, "specs"),
        (-1, "specs"),
        (2**31, "specs"),
        (True, "specs[0]"),
        (None, "specs"),
        (1.5, "specs"),
        ("HUBSPOT_DEFINED", "specs[0]"),
        ([279, 0], "specs[1]"),
        ([279, True], "specs[1]"),
        ([{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}], "specs[0]"),
        ([AssociationSpec.hubspot_defined(279), "279"], "specs[1]"),
    ],
)
def test_bad_specs_send_nothing(specs: Any, argument: str) -> None:
    server = Server()
    with pytest.raises(InvalidInputError) as info:
        make(server).associate(*GOOD, specs)
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}:")
    assert isinstance(info.value, ValueError)
    assert server.calls == 0


@pytest.mark.parametrize(
    ("category", "type_id", "argument"),
    [
        ("TEAM", 1, "association_category"),
        ("hub\u017fpot_defined", 1, "association_category"),  # U+017F upper-cases to "S": refused, not folded
        (None, 1, "association_category"),
        ("HUBSPOT_DEFINED", 0, "association_type_id"),
        ("HUBSPOT_DEFINED", 2**31, "association_type_id"),
        ("HUBSPOT_DEFINED", True, "association_type_id"),
        ("HUBSPOT_DEFINED", "279", "association_type_id"),
    ],
)
def test_bad_association_spec(category: Any, type_id: Any, argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        AssociationSpec(category, type_id)
    assert info.value.argument == argument


@pytest.mark.parametrize("timeout", [0, -1, True, "5", float("nan"), float("inf"), [1.0]])
def test_bad_timeout_sends_nothing(timeout: Any) -> None:
    server = Server()
    with pytest.raises(InvalidInputError, match=r"^timeout"):
        make(server).associate_default(*GOOD, timeout=timeout)
    assert server.calls == 0


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": True}, "max_retries"),
        ({"rate_limit": 0}, "rate_limit"),
        ({"rate_limit": 1.5}, "rate_limit"),
        ({"rate_limit_window": -1}, "rate_limit_window"),
        ({"rate_limit_window": 0}, "rate_limit_window"),
        ({"rate_limit_window": float("nan")}, "rate_limit_window"),
        ({"rate_limit_window": "10"}, "rate_limit_window"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"timeout": 0}, "timeout"),
        ({"base_url": "ftp://x"}, "base_url"),
        ({"base_url": "not a url"}, "base_url"),
        ({"base_url": "http://[::1"}, "base_url"),  # httpx.InvalidURL, not an InvalidInputError, before
        ({"base_url": "http://127.0.0.1:99999"}, "base_url"),
        ({"base_url": 8080}, "base_url"),
        ({"auth": "token"}, "auth"),
    ],
)
def test_bad_constructor_arguments(kwargs: dict[str, Any], argument: str) -> None:
    kwargs = {"access_token": None if "auth" in kwargs else TOKEN, **kwargs}
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(**kwargs)
    assert info.value.argument == argument


async def _async_sleep(seconds: float) -> None:
    return None


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [({"clock": 5.0}, "clock"), ({"sleep": "time.sleep"}, "sleep"), ({"sleep": _async_sleep}, "sleep")],
)
def test_bad_clock_and_sleep_seams_are_refused_before_any_request(kwargs: dict[str, Any], argument: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        HubSpotAssociations(TOKEN, http_client=Server().http(), **kwargs)
    assert info.value.argument == argument


def test_seams_stay_out_of_repr(clock: FakeClock) -> None:
    text = repr(make(Server(), clock))
    assert "FakeClock" not in text and "sleep" not in text and "clock" not in text


def test_one_fake_clock_drives_the_deadline_pacer_and_bulk_pauses(clock: FakeClock) -> None:
    server = Server(httpx.Response(503), httpx.Response(201, json=PAIR))
    client = make(server, clock, rate_limit=1, rate_limit_window=10.0)
    rows = [AssociationRow("contacts", i, "companies", 202, [279]) for i in (1, 2, 3)]
    outcomes = list(client.associate_many(rows, concurrency=1, batch_size=1))
    assert [outcome.ok for outcome in outcomes] == [True] * 3 and server.calls == 4
    # One send per 10.05 s window (the pacer), the retry's backoff folded into the first wait: 30 s of fake time
    # passed, all of it in the client's waits, none of it slept.
    assert clock.now - 1000.0 >= 30.0
    assert sum(clock.waits) == pytest.approx(clock.now - 1000.0)


def test_a_stop_is_seen_when_an_injected_sleep_returns(clock: FakeClock) -> None:
    stop = threading.Event()

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        stop.set()  # as if a signal handler ran meanwhile

    client = HubSpotAssociations(TOKEN, http_client=Server().http(), clock=clock, sleep=sleep)
    with pytest.raises(StoppedError) as info:
        client._pause(2.0, stop, 3)
    assert info.value.attempts == 3 and clock.waits == [2.0]
    client._pause(1.0, None, 0)  # without a stop event: only the wait
    assert clock.waits == [2.0, 1.0]


# -- 9. secrets ----------------------------------------------------------------------------------------------------


def test_token_never_leaks_into_reprs_errors_or_logs(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="hubspot_associations")
    echo = httpx.Response(400, json={"status": "error", "message": "bad", "category": "VALIDATION_ERROR"})
    server = Server(
        httpx.Response(201, json=PAIR),  # success
        httpx.Response(503, headers={"X-HubSpot-Correlation-Id": "cid-retry"}),  # retry ...
        httpx.Response(201, json=PAIR),  # ... then success
        echo,  # failure
        HTML_502,
        HTML_502,  # failure after retries
        httpx.ConnectError("refused"),
        httpx.ConnectError("refused"),
        httpx.Response(200, json={"nope": 1}),
    )
    client = make(server, clock, max_retries=1)
    errors: list[BaseException] = []
    for _ in range(6):
        try:  # success, retry then success, 400, 502 x2, connect error x2, unexpected 200
            client.associate("contacts", 101, "companies", 202, 279)
        except (HubSpotError, ValueError) as exc:
            errors.append(exc)
    assert [type(e) for e in errors] == [BadRequestError, ServerError, APIConnectionError, UnexpectedResponseError]
    assert "retrying PUT /crm/v4/objects/contacts/101/associations/companies/202 -> 503" in caplog.text
    texts = [caplog.text, repr(client), repr(client.auth), str(client.__dict__)]
    texts += [text for e in errors for text in (str(e), repr(e), str(getattr(e, "headers", "")))]
    for text in texts:
        assert TOKEN not in text
        assert TOKEN[8:] not in text


def test_oauth_secrets_never_leak(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = OAuthServer()
    server.current = "valid-only-after-refresh"
    client = server.client(oauth(access_token=STALE_ACCESS))
    client.associate("contacts", 101, "companies", 202, 279)
    assert server.current is not None
    texts = [caplog.text, repr(client), repr(client.auth), str(client.auth), repr(client.auth.tokens)]  # type: ignore[attr-defined]
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, STALE_ACCESS, server.current, "rotated-refresh-SECRET-0001"):
        for text in texts:
            assert secret not in text


# -- 10. timeouts and lifecycle ------------------------------------------------------------------------------------


def timeout_seen(server: Server, index: int = -1) -> dict[str, float | None]:
    value: dict[str, float | None] = server.requests[index].extensions["timeout"]
    return value


def assert_timeouts(seen: dict[str, float | None], expected: dict[str, float]) -> None:
    """Each attempt gets the call's per-operation timeouts, capped by the budget left: on a clock that has not moved
    (the tests below run on a FakeClock), exactly the nominal values."""
    assert seen == expected


def test_default_timeout_is_connect_5_total_30(clock: FakeClock) -> None:
    assert httpx.Timeout(30.0, connect=5.0) == DEFAULT_TIMEOUT
    server = Server()
    make(server, clock).associate(*GOOD, 279)
    assert_timeouts(timeout_seen(server), {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0})


def test_per_call_timeout_reaches_the_request(clock: FakeClock) -> None:
    server = Server(
        httpx.Response(200, json=DEFAULT_BODY), httpx.Response(201, json=PAIR), httpx.Response(201, json=PAIR)
    )
    client = make(server, clock)
    client.associate_default(*GOOD, timeout=2.5)
    assert_timeouts(timeout_seen(server), {"connect": 2.5, "read": 2.5, "write": 2.5, "pool": 2.5})
    client.associate(*GOOD, 279, timeout=httpx.Timeout(12.0, connect=1.0))
    assert_timeouts(timeout_seen(server), {"connect": 1.0, "read": 12.0, "write": 12.0, "pool": 12.0})
    client.associate(*GOOD, 279)  # the override was for that call only
    assert_timeouts(timeout_seen(server), {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0})


def test_client_timeout_number_keeps_connect_at_most_5(clock: FakeClock) -> None:
    server = Server()
    make(server, clock, timeout=10).associate(*GOOD, 279)
    assert_timeouts(timeout_seen(server), {"connect": 5.0, "read": 10.0, "write": 10.0, "pool": 10.0})


def test_per_call_timeout_is_the_budget_of_every_retry(clock: FakeClock) -> None:
    seen: list[float | None] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.extensions["timeout"]["read"])
        return httpx.Response(503) if len(seen) == 1 else httpx.Response(201, json=PAIR)

    client = HubSpotAssociations(
        TOKEN, http_client=httpx.Client(transport=httpx.MockTransport(handler)), **clock_seams(clock)
    )
    client.associate(*GOOD, 279, timeout=3.0)
    # The second attempt gets what the first attempt and the backoff left of the 3 s budget.
    assert len(seen) == 2 and clock.waits and seen[0] is not None and seen[1] is not None
    assert seen[0] <= 3.0
    assert seen[1] == pytest.approx(3.0 - clock.waits[0], abs=0.2)


def test_context_manager_closes_owned_client() -> None:
    with HubSpotAssociations(TOKEN) as client:
        http = client._http
        assert isinstance(http, httpx.Client)
        assert not http.is_closed
        assert http.timeout == DEFAULT_TIMEOUT
    assert http.is_closed


def test_context_manager_leaves_injected_client_open() -> None:
    server = Server()
    http = server.http()
    with HubSpotAssociations(TOKEN, http_client=http) as client:
        client.associate(*GOOD, 279)
    assert not http.is_closed
    http.close()


def test_close_is_explicit_too() -> None:
    client = HubSpotAssociations(TOKEN, timeout=httpx.Timeout(7.0))
    client.close()
    assert client._http.is_closed


@pytest.mark.parametrize(
    ("client_class", "wrong", "expected"),
    [
        (HubSpotAssociations, httpx.AsyncClient(), "must be an httpx.Client, got AsyncClient"),
        (AsyncHubSpotAssociations, httpx.Client(), "must be an httpx.AsyncClient, got Client"),
    ],
)
def test_http_client_of_the_other_kind_is_rejected(client_class: Any, wrong: Any, expected: str) -> None:
    with pytest.raises(InvalidInputError, match=expected) as info:
        client_class(TOKEN, http_client=wrong)
    assert info.value.argument == "http_client"
