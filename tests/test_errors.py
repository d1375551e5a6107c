"""The error tree and error_from_response, driven by real HubSpot error bodies (docs/real-traffic.md, docs/hubspot-api.md)."""

from __future__ import annotations

import email.utils
import json
import pickle
import time
from typing import Any

import httpx
import pytest

from hubspot_associations._error_mapping import error_from_parts, error_from_response
from hubspot_associations._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    HubSpotError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedResponseError,
    UnexpectedStatusError,
)
from hubspot_associations._secrets import redact_headers

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
URL = "https://api.hubapi.com/crm/v4/objects/contacts/1/associations/default/companies/2"
CID = "c033cdaa-2c40-4a64-ae48-b4cec88dad24"


def make_response(
    status: int, body: Any = None, *, content: bytes | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    """A response attached to a request that carries a real-looking bearer token."""
    request = httpx.Request("PUT", URL, headers={"Authorization": f"Bearer {TOKEN}"})
    all_headers = {"X-HubSpot-Correlation-Id": "header-cid", **(headers or {})}
    if content is None:
        content = json.dumps(body).encode() if body is not None else b""
    return httpx.Response(status, content=content, headers=all_headers, request=request)


# --- bodies taken from real traffic --------------------------------------------------------------------------------

INVALID_IDS_BODY = {
    "status": "error",
    "message": "One or more associations are invalid",
    "correlationId": CID,
    "context": {"INVALID_OBJECT_IDS": ["CONTACT=999", "COMPANY=5"]},
    "category": "VALIDATION_ERROR",
}
INFER_BODY = {"status": "error", "message": "Unable to infer object type from: cars", "correlationId": CID}
INVALID_AUTH_BODY = {
    "status": "error",
    "message": "Authentication credentials not found. This API supports OAuth 2.0 authentication.",
    "correlationId": CID,
    "category": "INVALID_AUTHENTICATION",
}
EXPIRED_BODY = {
    "status": "error",
    "message": "The OAuth token used to make this call expired 5 second(s) ago.",
    "correlationId": CID,
    "category": "EXPIRED_AUTHENTICATION",
    "context": {"expire time": ["2026-11-23T09:00:00.000Z"]},
}
SCOPES_GRANULAR_BODY = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call.",
    "correlationId": CID,
    "errors": [
        {
            "message": "One or more of the following scopes are required.",
            "context": {"requiredGranularScopes": ["crm.objects.contacts.write", "crm.objects.companies.write"]},
        }
    ],
    "links": {"scopes": "https://developers.hubspot.com/scopes"},
    "category": "MISSING_SCOPES",
}
SCOPES_TOP_LEVEL_BODY = {
    "status": "error",
    "message": "This app hasn't been granted all required scopes to make this call.",
    "correlationId": CID,
    "context": {"requiredScopes": ["contacts"]},
    "category": "MISSING_SCOPES",
}
DAILY_BODY = {
    "status": "error",
    "message": "You have reached your daily limit.",
    "errorType": "RATE_LIMIT",
    "correlationId": CID,
    "policyName": "DAILY",
    "requestId": "3d3e35b7-0dae-4b9f-a6e3-9c230cbcf8dd",
}
TEN_SECONDLY_BODY = {
    "status": "error",
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "correlationId": CID,
    "policyName": "TEN_SECONDLY_ROLLING",
    "groupName": "publicapi:hapikey-secondly:2431623",
}
CLOUDFLARE_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>api.hubapi.com | 520: Web server is returning an unknown error"
    b"</title></head><body><h1>Error 520</h1></body></html>"
)


# --- class selection -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (520, ServerError),
        (527, ServerError),
        (599, ServerError),
        (301, UnexpectedStatusError),
        (405, UnexpectedStatusError),
        (422, UnexpectedStatusError),
        (499, UnexpectedStatusError),
        (600, UnexpectedStatusError),
    ],
)
def test_class_by_status(status: int, cls: type[APIStatusError]) -> None:
    error = error_from_response(make_response(status, {"message": "x"}))
    assert type(error) is cls
    assert isinstance(error, APIStatusError)
    assert isinstance(error, HubSpotError)
    assert error.status_code == status


def test_hierarchy() -> None:
    assert issubclass(APITimeoutError, APIConnectionError)
    assert issubclass(APIConnectionError, HubSpotError)
    assert not issubclass(APIConnectionError, APIStatusError)
    assert APITimeoutError().message == "Request timed out."
    request = httpx.Request("GET", URL, headers={"Authorization": f"Bearer {TOKEN}"})
    error = APIConnectionError("boom", request=request)
    assert error.request is request
    assert TOKEN not in repr(error) and TOKEN not in str(error)


# --- 400 -----------------------------------------------------------------------------------------------------------


def test_400_invalid_object_ids() -> None:
    error = error_from_response(make_response(400, INVALID_IDS_BODY))
    assert isinstance(error, BadRequestError)
    assert error.category == "VALIDATION_ERROR"
    assert error.message == "One or more associations are invalid"
    assert error.correlation_id == CID  # the body wins over the header
    assert error.invalid_object_ids == ("CONTACT=999", "COMPANY=5")
    assert error.invalid_association_type_ids == ()
    assert error.context == {"INVALID_OBJECT_IDS": ["CONTACT=999", "COMPANY=5"]}
    assert str(error) == (  # the reason HubSpot gave, in what every display shows
        "400 VALIDATION_ERROR: One or more associations are invalid; INVALID_OBJECT_IDS: CONTACT=999, COMPANY=5 "
        f"(correlation id {CID})"
    )
    assert error.json_body == INVALID_IDS_BODY
    assert error.response is not None and error.request is not None


def test_400_invalid_association_type_in_errors_context() -> None:
    body = {
        "status": "error",
        "message": "One or more associations are invalid",
        "correlationId": CID,
        "category": "VALIDATION_ERROR",
        "errors": [{"message": "bad type", "context": {"INVALID_ASSOCIATION_TYPE_ID": "[12345, 678]"}}],
    }
    error = error_from_response(make_response(400, body))
    assert isinstance(error, BadRequestError)
    assert error.invalid_association_type_ids == ("12345", "678")
    assert "; INVALID_ASSOCIATION_TYPE_ID: 12345, 678 (correlation id" in str(error)


def test_400_unknown_association_type_names_the_spec_in_str() -> None:
    # The body the emulator and HubSpot send for a type id unknown for the pair (tests/cassettes/
    # invalid_association_type_400.yaml): the message alone says nothing about which spec is wrong.
    body = {
        "status": "error",
        "message": "One or more associations are invalid",
        "correlationId": CID,
        "context": {
            "associationSpec": ["USER_DEFINED=987654"],
            "INVALID_ASSOCIATION_TYPE_ID": ["USER_DEFINED=987654 is not a valid association definition id"],
        },
        "category": "VALIDATION_ERROR",
    }
    error = error_from_response(make_response(400, body))
    assert error.message == "One or more associations are invalid"  # HubSpot's own field, as it sent it
    assert str(error) == (
        "400 VALIDATION_ERROR: One or more associations are invalid; INVALID_ASSOCIATION_TYPE_ID: "
        f"USER_DEFINED=987654 is not a valid association definition id (correlation id {CID})"
    )


def test_400_with_hundreds_of_reasons_shows_ten_and_a_count() -> None:
    ids = [f"CONTACT={n}" for n in range(250)]
    error = error_from_response(make_response(400, {**INVALID_IDS_BODY, "context": {"INVALID_OBJECT_IDS": ids}}))
    assert isinstance(error, BadRequestError) and len(error.invalid_object_ids) == 250
    assert f"INVALID_OBJECT_IDS: {', '.join(ids[:10])} and 240 more (correlation id" in str(error)


def test_400_unable_to_infer_object_type_has_no_category() -> None:
    error = error_from_response(make_response(400, INFER_BODY))
    assert isinstance(error, BadRequestError)
    assert error.category is None
    assert error.message == "Unable to infer object type from: cars"
    assert str(error) == f"400: Unable to infer object type from: cars (correlation id {CID})"


# --- 401 / 403 -----------------------------------------------------------------------------------------------------


def test_401_invalid_authentication() -> None:
    error = error_from_response(make_response(401, INVALID_AUTH_BODY, headers={"x-hubspot-auth-failure": "401"}))
    assert isinstance(error, AuthenticationError)
    assert error.category == "INVALID_AUTHENTICATION"
    assert error.expired is False


def test_401_expired_authentication() -> None:
    error = error_from_response(make_response(401, EXPIRED_BODY))
    assert isinstance(error, AuthenticationError)
    assert error.expired is True
    assert error.context == {"expire time": ["2026-11-23T09:00:00.000Z"]}


def test_403_granular_scopes_in_errors_context() -> None:
    error = error_from_response(make_response(403, SCOPES_GRANULAR_BODY))
    assert isinstance(error, PermissionDeniedError)
    assert error.category == "MISSING_SCOPES"
    assert error.missing_scopes == ("crm.objects.contacts.write", "crm.objects.companies.write")


def test_403_older_required_scopes_top_level_context() -> None:
    error = error_from_response(make_response(403, SCOPES_TOP_LEVEL_BODY))
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scopes == ("contacts",)


def test_403_scopes_from_every_place_deduplicated_in_order() -> None:
    body = {
        "status": "error",
        "message": "missing scopes",
        "category": "MISSING_SCOPES",
        "context": {"requiredGranularScopes": "crm.objects.deals.write", "missingScopes": "[a, b]"},
        "errors": [
            {"message": "m", "context": {"requiredScopes": ["a", "crm.objects.deals.write", "c"]}},
            {"message": "m", "context": "{missingScopes=[d, a]}"},
        ],
        "requiredScopes": ["e"],
    }
    error = error_from_response(make_response(403, body))
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scopes == ("crm.objects.deals.write", "a", "b", "c", "d", "e")


def test_403_context_string_from_the_spec_example() -> None:
    body = {
        "message": "m",
        "category": "MISSING_SCOPES",
        "context": "{invalidPropertyName=[x], missingScopes=[s1, s2]}",
    }
    error = error_from_response(make_response(403, body))
    assert isinstance(error, PermissionDeniedError)
    assert error.context == {"invalidPropertyName": ["x"], "missingScopes": ["s1", "s2"]}
    assert error.missing_scopes == ("s1", "s2")


def test_403_legacy_message_scopes() -> None:
    body = {"message": "This oauth-token does not have proper permissions! (requires any of [contacts, timeline])"}
    error = error_from_response(make_response(403, body))
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scopes == ("contacts", "timeline")


def test_403_without_scopes() -> None:
    error = error_from_response(make_response(403, {"message": "Forbidden"}))
    assert isinstance(error, PermissionDeniedError)
    assert error.missing_scopes == ()


# --- 404 / 409 -----------------------------------------------------------------------------------------------------


def test_404_and_409() -> None:
    not_found = error_from_response(
        make_response(404, {"status": "error", "message": "resource not found", "correlationId": CID})
    )
    assert isinstance(not_found, NotFoundError)
    conflict = error_from_response(
        make_response(409, {"status": "error", "message": "Conflict", "category": "CONFLICT", "correlationId": CID})
    )
    assert isinstance(conflict, ConflictError)
    assert str(conflict).startswith("409 CONFLICT: Conflict")


# --- 429 -----------------------------------------------------------------------------------------------------------


def test_429_daily() -> None:
    error = error_from_response(
        make_response(429, DAILY_BODY, headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
    )
    assert isinstance(error, RateLimitError)
    assert error.category == "RATE_LIMIT"  # errorType stands in for the missing category
    assert error.error_type == "RATE_LIMIT"
    assert error.policy_name == "DAILY"
    assert error.is_daily is True
    assert error.retry_after is None  # waiting the 10 s window would not help


def test_429_ten_secondly_uses_interval_header() -> None:
    error = error_from_response(
        make_response(
            429,
            TEN_SECONDLY_BODY,
            headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000", "X-HubSpot-RateLimit-Remaining": "0"},
        )
    )
    assert isinstance(error, RateLimitError)
    assert error.policy_name == "TEN_SECONDLY_ROLLING"
    assert error.is_daily is False
    assert error.retry_after == 10.0
    assert str(error) == f"429 RATE_LIMIT: You have reached your ten_secondly_rolling limit. (correlation id {CID})"


def test_429_retry_after_seconds_wins() -> None:
    error = error_from_response(
        make_response(
            429, TEN_SECONDLY_BODY, headers={"Retry-After": "3", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"}
        )
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 3.0


def test_429_retry_after_http_date() -> None:
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    error = error_from_response(make_response(429, TEN_SECONDLY_BODY, headers={"Retry-After": when}))
    assert isinstance(error, RateLimitError)
    assert error.retry_after is not None
    assert 25.0 <= error.retry_after <= 31.0


def test_429_retry_after_in_the_past_is_zero_and_garbage_is_ignored() -> None:
    past = error_from_response(
        make_response(429, TEN_SECONDLY_BODY, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    )
    assert isinstance(past, RateLimitError)
    assert past.retry_after == 0.0
    garbage = error_from_response(make_response(429, TEN_SECONDLY_BODY, headers={"Retry-After": "soon"}))
    assert isinstance(garbage, RateLimitError)
    assert garbage.retry_after is None


def test_429_without_body_or_headers() -> None:
    error = error_from_response(make_response(429, content=b""))
    assert isinstance(error, RateLimitError)
    assert error.policy_name is None
    assert error.is_daily is False
    assert error.retry_after is None


# --- 5xx and malformed bodies --------------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [502, 520])
def test_cloudflare_html(status: int) -> None:
    error = error_from_response(
        make_response(status, content=CLOUDFLARE_HTML, headers={"Content-Type": "text/html; charset=UTF-8"})
    )
    assert isinstance(error, ServerError)
    assert error.category is None
    assert error.json_body is None
    assert error.message.startswith(f"HTTP {status} ")
    assert "non-JSON body" in error.message
    assert "520: Web server is returning an unknown error" in error.message
    assert error.body == CLOUDFLARE_HTML
    assert error.correlation_id == "header-cid"


def test_html_without_title() -> None:
    error = error_from_response(make_response(502, content=b"<html><body>Bad gateway</body></html>"))
    assert error.message == "HTTP 502 Bad Gateway (non-JSON body)"
    assert str(error) == "HTTP 502 Bad Gateway (non-JSON body) (correlation id header-cid)"


def test_empty_body() -> None:
    error = error_from_response(make_response(503, content=b""))
    assert isinstance(error, ServerError)
    assert error.message == "HTTP 503 Service Unavailable (empty body)"
    assert error.context == {} and error.errors == []


def test_truncated_json() -> None:
    error = error_from_response(make_response(400, content=b'{"status":"error","message":"One or more'))
    assert isinstance(error, BadRequestError)
    assert error.message == "HTTP 400 Bad Request (non-JSON body)"
    assert error.json_body is None
    assert error.invalid_object_ids == ()


def test_json_array_body_uses_first_message() -> None:
    error = error_from_response(make_response(400, [{"message": "first"}, "junk", {"message": "second"}]))
    assert error.message == "first"
    assert [e["message"] for e in error.errors] == ["first", "second"]


def test_json_scalar_body() -> None:
    error = error_from_response(make_response(500, "oops"))
    assert error.message == "HTTP 500 Internal Server Error (JSON body without a message)"
    assert error.json_body == "oops"


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        ("just a string", {"_raw": "just a string"}),
        ('{"a": ["b"]}', {"a": ["b"]}),
        (["x", "y"], {"_raw": ["x", "y"]}),
        ({"k": "v"}, {"k": "v"}),
        ({"k": ["v1", "v2"]}, {"k": ["v1", "v2"]}),
        (42, {"_raw": 42}),
        (None, {}),
        ("", {}),
    ],
)
def test_context_shapes(context: Any, expected: dict[str, Any]) -> None:
    error = error_from_response(
        make_response(400, {"message": "m", "category": "VALIDATION_ERROR", "context": context})
    )
    assert error.context == expected


@pytest.mark.parametrize(
    "body",
    [
        {"message": 12, "category": ["x"], "correlationId": {"a": 1}, "errors": "nope", "subCategory": {}},
        {"errors": [1, None, {"context": 5}], "context": [[["deep"]]]},
        {"message": "   "},
        {},
    ],
)
def test_wrong_types_never_raise(body: dict[str, Any]) -> None:
    error = error_from_response(make_response(400, body))
    assert isinstance(error, BadRequestError)
    assert error.message.startswith("HTTP 400") or error.message
    assert error.category is None
    assert error.sub_category is None
    assert error.correlation_id == "header-cid"


@pytest.mark.parametrize(
    "content",
    [b"\xff\xfe\x00garbage", b"[" * 100_000, b"\xef\xbb\xbf" + json.dumps(INVALID_IDS_BODY).encode(), b"null"],
)
def test_odd_bytes_never_raise(content: bytes) -> None:
    error = error_from_response(make_response(400, content=content))
    assert isinstance(error, BadRequestError)
    assert error.message


def test_bom_prefixed_json_is_parsed() -> None:
    error = error_from_response(make_response(400, content=b"\xef\xbb\xbf" + json.dumps(INVALID_IDS_BODY).encode()))
    assert isinstance(error, BadRequestError)
    assert error.invalid_object_ids == ("CONTACT=999", "COMPANY=5")


def test_oauth_style_error_body() -> None:
    body = {"status": "BAD_REFRESH_TOKEN", "error": "invalid_grant", "error_description": "missing or invalid token"}
    error = error_from_response(make_response(400, body))
    assert error.message == "missing or invalid token"


def test_long_message_is_truncated() -> None:
    error = error_from_response(make_response(400, {"message": "x" * 10_000}))
    assert len(error.message) == 500
    assert error.message.endswith("...")


def test_streamed_unread_response() -> None:
    request = httpx.Request("PUT", URL)
    response = httpx.Response(404, stream=httpx.ByteStream(b'{"message":"gone"}'), request=request)
    error = error_from_response(response)
    assert isinstance(error, NotFoundError)
    assert error.message == "gone"


def test_response_without_request() -> None:
    error = error_from_response(httpx.Response(409, json={"message": "dup"}))
    assert isinstance(error, ConflictError)
    assert error.request is None


# --- error_from_parts ----------------------------------------------------------------------------------------------


def test_error_from_parts_with_plain_mapping_headers() -> None:
    error = error_from_parts(
        429,
        {"x-hubspot-correlation-id": "hdr", "X-HubSpot-RateLimit-Interval-Milliseconds": "1000"},
        b'{"errorType":"RATE_LIMIT","policyName":"SECONDLY","message":"You have reached your secondly limit."}',
    )
    assert isinstance(error, RateLimitError)
    assert error.correlation_id == "hdr"
    assert error.policy_name == "SECONDLY"
    assert error.retry_after == 1.0
    assert error.response is None


def test_error_from_parts_accepts_str_body_and_no_headers() -> None:
    error = error_from_parts(404, None, '{"message": "nope"}')
    assert isinstance(error, NotFoundError)
    assert error.message == "nope"
    assert error.correlation_id is None
    assert str(error) == "404: nope"


# --- redaction, repr, pickling -------------------------------------------------------------------------------------


def test_authorization_never_in_str_or_repr() -> None:
    response = make_response(
        401,
        INVALID_AUTH_BODY,
        headers={"Authorization": f"Bearer {TOKEN}", "Set-Cookie": "session=secret", "Cookie": "c=secret"},
    )
    error = error_from_response(response)
    for text in (str(error), repr(error), repr(error.headers), str(error.args)):
        assert TOKEN not in text
        assert "secret" not in text
    assert error.headers["authorization"] == "[redacted]"
    assert error.headers["set-cookie"] == "[redacted]"
    assert error.headers["cookie"] == "[redacted]"
    assert error.headers["x-hubspot-correlation-id"] == "header-cid"
    # The request (with the token) is still available to code that asks for it explicitly.
    assert error.request is not None and error.request.headers["authorization"] == f"Bearer {TOKEN}"


def test_repr_is_short_and_informative() -> None:
    error = error_from_response(make_response(400, INVALID_IDS_BODY))
    assert repr(error) == (
        "BadRequestError(status_code=400, category='VALIDATION_ERROR', "
        f"message='One or more associations are invalid', correlation_id='{CID}')"
    )


def test_redact_headers_with_mapping_and_multi_values() -> None:
    headers = httpx.Headers([("Set-Cookie", "a=1"), ("Set-Cookie", "b=2"), ("X-Ok", "1")])
    redacted = redact_headers(headers)
    assert redacted.get_list("set-cookie") == ["[redacted]", "[redacted]"]
    assert redact_headers({"AUTHORIZATION": "Bearer x"})["authorization"] == "[redacted]"
    assert len(redact_headers(None)) == 0


def test_pickle_round_trip_drops_request_and_response() -> None:
    error = error_from_response(
        make_response(429, TEN_SECONDLY_BODY, headers={"X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
    )
    clone = pickle.loads(pickle.dumps(error))
    assert type(clone) is RateLimitError
    assert str(clone) == str(error)
    assert clone.retry_after == 10.0
    assert clone.policy_name == "TEN_SECONDLY_ROLLING"
    assert clone.headers["x-hubspot-correlation-id"] == "header-cid"
    assert clone.response is None and clone.request is None
    assert TOKEN.encode() not in pickle.dumps(error)


def test_pickle_connection_error() -> None:
    clone = pickle.loads(pickle.dumps(APITimeoutError(request=httpx.Request("GET", URL))))
    assert type(clone) is APITimeoutError
    assert clone.message == "Request timed out."


def test_direct_construction() -> None:
    error = PermissionDeniedError(
        "nope", status_code=403, context={"requiredScopes": ["crm.objects.contacts.read"]}, category="MISSING_SCOPES"
    )
    assert error.missing_scopes == ("crm.objects.contacts.read",)
    assert str(error) == "403 MISSING_SCOPES: nope"


# --- 2xx with an undocumented body ---------------------------------------------------------------------------------


def test_unexpected_response_error() -> None:
    response = make_response(201, content=b"<html>not json</html>", headers={"Set-Cookie": "s=secret"})
    error = UnexpectedResponseError.from_response(response, "HubSpot answered 201 but the body is not JSON")
    assert isinstance(error, HubSpotError)
    assert not isinstance(error, APIStatusError)
    assert error.status_code == 201
    assert error.body == b"<html>not json</html>"
    assert error.correlation_id == "header-cid"
    assert str(error) == "HubSpot answered 201 but the body is not JSON (correlation id header-cid)"
    assert error.headers["set-cookie"] == "[redacted]"
    for text in (str(error), repr(error)):
        assert TOKEN not in text and "secret" not in text
    clone = pickle.loads(pickle.dumps(error))
    assert clone.status_code == 201 and clone.response is None
