"""Retry and backoff decisions: pure functions, so plain unit tests."""

from __future__ import annotations

import email.utils
import random

import httpx
import pytest

from hubspot_associations._constants import INITIAL_RETRY_DELAY, MAX_RETRY_DELAY
from hubspot_associations._policy import RETRYABLE_STATUSES, backoff_delay, retry_delay, should_retry
from hubspot_associations._response import is_daily_limit

REQUEST = httpx.Request("PUT", "https://api.hubapi.com/crm/v4/objects/0-1/1/associations/default/0-2/2")


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504, 520, 521, 522, 523, 524, 525, 526, 527])
def test_retryable_statuses(status: int) -> None:
    assert status in RETRYABLE_STATUSES
    assert should_retry(status=status, attempt=0, max_retries=4)


@pytest.mark.parametrize("status", [200, 201, 204, 400, 401, 403, 404, 409, 422, 501, 528])
def test_non_retryable_statuses(status: int) -> None:
    assert not should_retry(status=status, attempt=0, max_retries=4)


@pytest.mark.parametrize("policy", ["TEN_SECONDLY_ROLLING", "SECONDLY", None, "SOMETHING_NEW"])
def test_429_retried_unless_daily(policy: str | None) -> None:
    assert should_retry(status=429, daily=is_daily_limit(policy), attempt=0, max_retries=4)


@pytest.mark.parametrize("policy", ["DAILY", "daily", " Daily "])
def test_daily_429_not_retried(policy: str) -> None:
    assert is_daily_limit(policy)
    assert not should_retry(status=429, daily=is_daily_limit(policy), attempt=0, max_retries=4)


def test_attempts_are_bounded() -> None:
    assert should_retry(status=503, attempt=3, max_retries=4)
    assert not should_retry(status=503, attempt=4, max_retries=4)
    assert not should_retry(status=503, attempt=0, max_retries=0)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.ConnectError("refused", request=REQUEST),
        httpx.ReadError("reset", request=REQUEST),
        httpx.WriteError("broken pipe", request=REQUEST),
        httpx.RemoteProtocolError("server hung up", request=REQUEST),
        httpx.PoolTimeout("pool", request=REQUEST),
        httpx.ReadTimeout("read", request=REQUEST),
        httpx.ConnectTimeout("connect", request=REQUEST),
        httpx.WriteTimeout("write", request=REQUEST),
        httpx.ProxyError("proxy", request=REQUEST),
    ],
)
def test_transport_errors_retried(exc: BaseException) -> None:
    assert should_retry(status=None, attempt=0, max_retries=4, exception=exc)
    assert not should_retry(status=None, attempt=4, max_retries=4, exception=exc)


@pytest.mark.parametrize(
    "exc",
    [
        httpx.UnsupportedProtocol("ftp://", request=REQUEST),
        httpx.LocalProtocolError("bad header", request=REQUEST),
        httpx.InvalidURL("bad url"),
        httpx.TooManyRedirects("loop", request=REQUEST),
        ValueError("not transport"),
        None,
    ],
)
def test_other_errors_not_retried(exc: BaseException | None) -> None:
    assert not should_retry(status=None, attempt=0, max_retries=4, exception=exc)


def test_backoff_is_exponential_capped_and_jittered_downward() -> None:
    for attempt in range(12):
        base = min(INITIAL_RETRY_DELAY * 2**attempt, MAX_RETRY_DELAY)
        for seed in range(20):
            delay = backoff_delay(attempt, random.Random(seed))
            assert 0.75 * base <= delay <= base
    assert backoff_delay(100, random.Random(0)) <= MAX_RETRY_DELAY


def test_retry_delay_deterministic_with_rng() -> None:
    first = retry_delay(attempt=2, headers=None, status=503, policy_name=None, rng=random.Random(42))
    second = retry_delay(attempt=2, headers=None, status=503, policy_name=None, rng=random.Random(42))
    assert first == second
    assert 0.75 * 2.0 <= first <= 2.0


def test_retry_delay_honours_retry_after_and_caps_it() -> None:
    assert retry_delay(attempt=0, headers={"Retry-After": "3"}, status=503, policy_name=None) == 3.0
    assert retry_delay(attempt=0, headers={"retry-after": "3600"}, status=429, policy_name=None) == MAX_RETRY_DELAY
    assert retry_delay(attempt=0, headers={"retry-after-ms": "250"}, status=429, policy_name=None) == 0.25
    now = 1_700_000_000.0
    date = email.utils.formatdate(now + 4, usegmt=True)
    delay = retry_delay(attempt=0, headers=httpx.Headers({"Retry-After": date}), status=503, policy_name=None, now=now)
    assert delay == pytest.approx(4.0)


def test_retry_delay_ignores_bad_retry_after() -> None:
    delay = retry_delay(
        attempt=0,
        headers={"Retry-After": "later", "retry-after-ms": "x"},
        status=503,
        policy_name=None,
        rng=random.Random(1),
    )
    assert 0.75 * INITIAL_RETRY_DELAY <= delay <= INITIAL_RETRY_DELAY


def test_exhausted_window_429_waits_the_interval() -> None:
    headers = {
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "0",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    for seed in range(10):
        delay = retry_delay(
            attempt=0, headers=headers, status=429, policy_name="TEN_SECONDLY_ROLLING", rng=random.Random(seed)
        )
        assert 10.0 <= delay <= 11.0


def test_429_with_budget_left_uses_backoff() -> None:
    headers = {
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "50",
        "X-HubSpot-RateLimit-Interval-Milliseconds": "10000",
    }
    delay = retry_delay(attempt=1, headers=headers, status=429, policy_name="SECONDLY", rng=random.Random(3))
    assert 0.75 <= delay <= 1.0


def test_secondly_429_without_headers_waits_a_second() -> None:
    delay = retry_delay(attempt=0, headers={}, status=429, policy_name="SECONDLY", rng=random.Random(0))
    assert 1.0 <= delay <= 1.1


def test_429_without_any_hint_uses_backoff() -> None:
    delay = retry_delay(attempt=0, headers=None, status=429, policy_name=None, rng=random.Random(0))
    assert delay <= INITIAL_RETRY_DELAY
