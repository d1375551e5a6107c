"""_response: the one reader of headers and bodies. Each former disagreement between its copies has one answer here."""

from __future__ import annotations

import email.utils
import json
import time
from typing import Any

import httpx
import pytest

from hubspot_associations import HubSpotAssociations, RateLimitError
from hubspot_associations._error_body import normalize_context, parse_error_body
from hubspot_associations._error_mapping import error_from_parts
from hubspot_associations._policy import retry_delay, should_retry
from hubspot_associations._response import (
    RateLimitInfo,
    correlation_id,
    header,
    is_daily_limit,
    parse_json,
    rate_limit_info,
    retry_after,
)
from tests.support import FakeClock, clock_seams

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
DAILY_WITHOUT_POLICY = {"status": "error", "message": "You have reached your daily limit.", "errorType": "RATE_LIMIT"}


def retry_after_value(value: str | None, now: float | None = None) -> float | None:
    return retry_after(None if value is None else {"Retry-After": value}, now=now)


def test_retry_after_seconds_and_garbage() -> None:
    assert retry_after_value("2") == 2.0
    assert retry_after_value(" 1.5 ") == 1.5
    assert retry_after_value("0") == 0.0
    assert retry_after_value("-3") is None  # delta-seconds are digits: a negative value is garbage, not "now"
    assert retry_after_value(None) is None
    assert retry_after_value("") is None
    assert retry_after_value("soon") is None
    assert retry_after_value("nan") is None
    assert retry_after_value("inf") is None
    assert retry_after_value("1e999") is None


def test_retry_after_http_date() -> None:
    now = 1_700_000_000.0
    future = email.utils.formatdate(now + 7, usegmt=True)
    past = email.utils.formatdate(now - 7, usegmt=True)
    assert retry_after_value(future, now=now) == pytest.approx(7.0)
    assert retry_after_value(past, now=now) == 0.0
    # "-0000" (RFC 5322: UTC, local offset unknown) and a missing zone are read as UTC, never in the host's zone.
    assert retry_after_value(future.replace("GMT", "-0000"), now=now) == pytest.approx(7.0)
    assert retry_after_value(future.replace(" GMT", ""), now=now) == pytest.approx(7.0)
    assert retry_after_value("Wed, 99 Foo 2015 07:28:00 GMT", now=now) is None


def test_retry_after_ms_wins_over_retry_after() -> None:
    assert retry_after({"retry-after-ms": "1500"}) == 1.5
    assert retry_after({"Retry-After-Ms": "1500", "Retry-After": "9"}) == 1.5
    assert retry_after({"retry-after-ms": "soon", "Retry-After": "9"}) == 9.0  # garbage ms: fall back
    assert retry_after({"retry-after-ms": "-1"}) is None


def test_header_lookup_is_case_insensitive_for_any_mapping() -> None:
    assert header({"x-hubspot-correlation-id": "a"}, "X-HubSpot-Correlation-Id") == "a"
    assert header(httpx.Headers({"X-HUBSPOT-CORRELATION-ID": "b"}), "x-hubspot-correlation-id") == "b"
    assert header({}, "Retry-After") is None
    assert header(None, "Retry-After") is None
    assert header({1: "x", "retry-after": 5}, "Retry-After") == "5"  # type: ignore[dict-item]


def test_rate_limit_info_parses_headers_case_insensitively() -> None:
    headers = httpx.Headers(
        {
            "x-hubspot-ratelimit-max": "190",
            "X-HubSpot-RateLimit-Remaining": "12",
            "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
            "X-HubSpot-RateLimit-Daily": "1000000",
            "X-HubSpot-RateLimit-Daily-Remaining": "999000",
        }
    )
    info = rate_limit_info(headers)
    assert info == RateLimitInfo(max=190, remaining=12, interval_ms=10000, daily=1_000_000, daily_remaining=999_000)
    assert info is not None and info.interval_s == 10.0
    assert rate_limit_info({"X-HUBSPOT-RATELIMIT-MAX": "100"}) == RateLimitInfo(max=100)


def test_rate_limit_info_tolerates_garbage() -> None:
    assert rate_limit_info(None) is None
    assert rate_limit_info({}) is None
    assert rate_limit_info({"X-HubSpot-Correlation-Id": "abc"}) is None
    info = rate_limit_info(
        {"X-HubSpot-RateLimit-Max": "lots", "X-HubSpot-RateLimit-Remaining": "-1", "x-hubspot-ratelimit-daily": "5"}
    )
    assert info == RateLimitInfo(daily=5)
    assert rate_limit_info({"X-HubSpot-RateLimit-Interval-Milliseconds": "0"}) is None
    assert rate_limit_info({"X-HubSpot-RateLimit-Max": "9" * 5000}) is None


def test_rate_limit_info_is_frozen() -> None:
    info = RateLimitInfo(max=1)
    with pytest.raises(AttributeError):
        info.max = 2  # type: ignore[misc]


def test_correlation_id_body_first_then_header() -> None:
    headers = {"X-HubSpot-Correlation-Id": " from-header "}
    assert correlation_id(headers, {"correlationId": "from-body"}) == "from-body"
    assert correlation_id(headers, {"correlationId": 7}) == "from-header"
    assert correlation_id(headers) == "from-header"
    assert correlation_id(None, None) is None


@pytest.mark.parametrize(
    ("policy", "message", "daily"),
    [
        ("DAILY", "You have reached your daily limit.", True),
        (" daily ", None, True),
        (None, "You have reached your daily limit.", True),
        (None, "You have reached your ten_secondly_rolling limit.", False),
        # policyName wins: a named non-daily policy is not daily whatever the message says.
        ("TEN_SECONDLY_ROLLING", "You have reached your daily limit.", False),
        ("", "daily limit", True),  # a blank policyName is no policyName
        (None, None, False),
    ],
)
def test_the_daily_decision(policy: str | None, message: str | None, daily: bool) -> None:
    assert is_daily_limit(policy, message) is daily
    body = {"message": message or "limit", **({"policyName": policy} if policy is not None else {})}
    error = error_from_parts(429, {}, json.dumps(body).encode())
    assert isinstance(error, RateLimitError)
    assert error.is_daily is daily
    assert should_retry(status=429, daily=error.is_daily, attempt=0, max_retries=4) is not daily


def answering(
    responses: list[httpx.Response], seen: list[httpx.Request], clock: FakeClock | None = None
) -> HubSpotAssociations:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return responses[min(len(seen), len(responses)) - 1]

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return HubSpotAssociations(TOKEN, http_client=http, **clock_seams(clock))


def test_daily_message_without_policy_name_is_daily_and_not_retried() -> None:
    clock = FakeClock()
    seen: list[httpx.Request] = []
    client = answering([httpx.Response(429, json=DAILY_WITHOUT_POLICY)], seen, clock)
    with client, pytest.raises(RateLimitError) as caught:
        client.associate_default("contacts", "1", "companies", "2")
    assert caught.value.is_daily
    assert caught.value.retry_after is None
    assert len(seen) == 1 and clock.waits == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Retry-After": "<in 20 s, -0000>"},
        {"retry-after-ms": "1500"},
        {"Retry-After": "4"},
    ],
    ids=["http-date--0000", "retry-after-ms", "seconds"],
)
def test_error_retry_after_is_what_the_policy_waits(headers: dict[str, str]) -> None:
    if headers.get("Retry-After") == "<in 20 s, -0000>":  # built here: collection may happen long before the run
        headers = {"Retry-After": email.utils.formatdate(time.time() + 20, usegmt=True).replace("GMT", "-0000")}
    error = error_from_parts(429, headers, b'{"message":"You have reached your ten_secondly_rolling limit."}')
    assert isinstance(error, RateLimitError)
    waited = retry_delay(attempt=0, headers=headers, status=429, policy_name=error.policy_name)
    assert error.retry_after is not None
    assert error.retry_after == pytest.approx(waited, abs=1.0)  # an HTTP-date is read twice, a moment apart
    assert error.retry_after > 1.0


def test_parse_json_never_raises() -> None:
    assert parse_json(b'{"a": 1}') == ({"a": 1}, True)
    assert parse_json(b"\xff\xfe{") == (None, False)
    assert parse_json(b"[" * 100_000) == (None, False)
    assert parse_json(b"1" * 5000) == (None, False)  # longer than int() converts
    assert parse_json(b"") == (None, False)
    assert parse_json("\ufeff[]") == ([], True)


def test_context_forms() -> None:
    assert normalize_context('{"missingScopes":["a","b"]}') == {"missingScopes": ["a", "b"]}
    assert normalize_context("{INVALID_OBJECT_IDS=[CONTACT=1, CONTACT=2]}") == {
        "INVALID_OBJECT_IDS": ["CONTACT=1", "CONTACT=2"]
    }
    assert normalize_context({"n": {"deep": [1]}}) == {"n": {"deep": [1]}}
    assert normalize_context(["x"]) == {"_raw": ["x"]}
    assert normalize_context("") == {}


@pytest.mark.parametrize(
    "body",
    [
        {"status": "error", "message": "m", "subCategory": {"code": "X"}, "context": "not json"},
        {"status": "error", "message": ["not", "a", "string"], "errors": "nope", "context": 5},
        {"errors": [{"message": "from the first detail"}, 3]},
        [{"message": "a list body"}],
    ],
)
def test_error_bodies_of_any_shape_give_a_message(body: Any) -> None:
    parsed = parse_error_body(400, {"X-HubSpot-Correlation-Id": "cid"}, json.dumps(body).encode())
    assert parsed.message
    assert parsed.correlation_id == "cid"
    assert parsed.sub_category is None
