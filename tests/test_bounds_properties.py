"""Property tests (Hypothesis) for what the client adopts from a server and for the scrubber.

Whatever a server sends in its rate-limit and retry headers, every wait stays within its documented maximum and
nothing raises; whatever text surrounds a secret, the scrubber removes it.
"""

from __future__ import annotations

import httpx
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hubspot_associations import RateLimitError
from hubspot_associations._clamps import clamp_rate_limit
from hubspot_associations._constants import (
    MAX_RETRY_DELAY,
    MAX_WAIT,
    RATE_LIMIT_INTERVAL_MS_RANGE,
    RATE_LIMIT_MAX_RANGE,
)
from hubspot_associations._pacing import Pacer
from hubspot_associations._policy import retry_delay
from hubspot_associations._response import RateLimitInfo, rate_limit_info
from hubspot_associations._secrets import REDACTED, Scrubber

BOUNDED = settings(max_examples=200, deadline=None)

NAMES = [
    "X-HubSpot-RateLimit-Max",
    "X-HubSpot-RateLimit-Remaining",
    "X-HubSpot-RateLimit-Interval-Milliseconds",
    "X-HubSpot-RateLimit-Daily",
    "X-HubSpot-RateLimit-Daily-Remaining",
    "Retry-After",
    "retry-after-ms",
]
numbers = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet="0123456789-.e+ ", max_size=40),
    st.just("Wed, 21 Oct 2015 07:28:00 GMT"),
    st.just("Fri, 31 Dec 9999 23:59:59 GMT"),
)
headers_strategy = st.dictionaries(st.sampled_from(NAMES), numbers, max_size=len(NAMES))


@BOUNDED
@given(headers=headers_strategy, status=st.sampled_from([429, 500, 503]), attempt=st.integers(0, 10))
def test_waits_from_any_headers_are_bounded(headers: dict[str, str], status: int, attempt: int) -> None:
    wait = retry_delay(attempt=attempt, headers=headers, status=status, policy_name=None)
    assert 0.0 <= wait <= MAX_RETRY_DELAY
    pacer = Pacer(clock=lambda: 0.0)
    pacer.observe(rate_limit_info(headers), pacer.claim())
    pacer.on_rate_limited(wait)
    assert 0.0 <= pacer.claim().wait <= MAX_WAIT + 2 * RATE_LIMIT_INTERVAL_MS_RANGE[1] / 1000 * 1.005
    error = RateLimitError("limited", status_code=429, headers=httpx.Headers(headers))
    assert error.retry_after is None or 0.0 <= error.retry_after <= MAX_WAIT


@BOUNDED
@given(
    st.builds(
        RateLimitInfo,
        st.none() | st.integers(0, 10**40),
        st.none() | st.integers(0, 10**40),
        st.none() | st.integers(1, 10**40),
        st.none() | st.integers(0, 10**40),
        st.none() | st.integers(0, 10**40),
    )
)
def test_clamped_rate_limits_are_within_range(info: RateLimitInfo) -> None:
    clamped = clamp_rate_limit(info)
    assert clamped is not None
    if clamped.max:
        assert RATE_LIMIT_MAX_RANGE[0] <= clamped.max <= RATE_LIMIT_MAX_RANGE[1]
        assert clamped.remaining is None or 0 <= clamped.remaining <= clamped.max
    if clamped.interval_ms is not None:
        low, high = RATE_LIMIT_INTERVAL_MS_RANGE
        assert low <= clamped.interval_ms <= high
        assert clamped.interval_s is not None and clamped.interval_s <= high / 1000


secrets = st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), min_size=8, max_size=60)


@BOUNDED
@given(secret=secrets, before=st.text(max_size=50), after=st.text(max_size=50))
def test_scrubbed_text_never_contains_the_secret(secret: str, before: str, after: str) -> None:
    assume(secret not in REDACTED)  # a "secret" that is part of the placeholder itself is not a real token
    scrubber = Scrubber(lambda: [secret])
    scrubbed = scrubber.text(before + secret + after + secret)
    assert secret not in scrubbed
    assert REDACTED in scrubbed
    headers = scrubber.headers(httpx.Headers({"X-Echo": f"{(before.isascii() and before) or ''}{secret}"}))
    assert secret not in headers["x-echo"]
