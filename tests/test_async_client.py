"""AsyncHubSpotAssociations end to end through httpx.MockTransport: the same behaviour as the sync client.

Tests that take the ``clock`` fixture build their client on a ``FakeClock`` (``clock=``/``sleep=``), so waits are
recorded, not slept (the fake sleep still yields to the event loop). Every test runs on asyncio and on trio (``tests/conftest.py``). The sync twin,
with the fuller matrices, is ``test_client.py``.
"""

from __future__ import annotations

import json
import logging
from typing import Any
from urllib.parse import parse_qs

import anyio
import anyio.lowlevel
import httpx
import pytest

from hubspot_associations import (
    DEFAULT_TIMEOUT,
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AssociationCategory,
    AssociationRow,
    AssociationSpec,
    AsyncHubSpotAssociations,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    HubSpotError,
    InvalidInputError,
    MissingCredentialsError,
    NotFoundError,
    OAuthRefresh,
    OAuthTokens,
    PermissionDeniedError,
    RateLimitError,
    RateLimitInfo,
    ServerError,
    StoppedError,
    UnexpectedResponseError,
)
from tests.async_support import gather
from tests.support import BIG_ID, DEFAULT_BODY, UNLABELLED_PAIR, FakeClock, Server, clock_seams, hubspot_error

TOKEN = "pat-eu1-SECRET-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
BASE = "https://api.hubapi.com"


def err(status: int, category: str | None, cid: str, **extra: Any) -> httpx.Response:
    return hubspot_error(status, f"{status} happened", cid, category, **extra)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def make(server: Any, clock: FakeClock | None = None, **kwargs: Any) -> AsyncHubSpotAssociations:
    """A client of ``server``; with ``clock``, its deadlines, pacer and waits all run on that fake clock."""
    kwargs.setdefault("access_token", TOKEN)
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    return AsyncHubSpotAssociations(http_client=http, **clock_seams(clock, asynchronous=True), **kwargs)


GOOD: tuple[str, str, str, str] = ("contacts", "101", "companies", "202")


# -- wire format, credentials, results -------------------------------------------------------------------------------


async def test_wire_format_of_both_calls() -> None:
    server = Server(httpx.Response(200, json=DEFAULT_BODY), httpx.Response(201, json=UNLABELLED_PAIR))
    client = make(server)
    await client.associate_default(*GOOD)
    await client.associate(*GOOD, [279, AssociationSpec("USER_DEFINED", 36)])
    default, labelled = server.requests
    assert (default.method, str(default.url)) == (
        "PUT",
        f"{BASE}/crm/v4/objects/contacts/101/associations/default/companies/202",
    )
    assert default.headers["Authorization"] == f"Bearer {TOKEN}"
    assert default.content == b"" and "content-type" not in default.headers
    assert (labelled.method, str(labelled.url)) == (
        "PUT",
        f"{BASE}/crm/v4/objects/contacts/101/associations/companies/202",
    )
    assert labelled.headers["Authorization"] == f"Bearer {TOKEN}"
    assert labelled.headers["Content-Type"] == "application/json"
    assert json.loads(labelled.content) == [
        {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
        {"associationCategory": "USER_DEFINED", "associationTypeId": 36},
    ]


@pytest.mark.parametrize(
    ("from_type", "to_type", "path"),
    [
        ("contact", "company", "contact/7/associations/company/8"),
        ("0-1", "2-123", "0-1/7/associations/2-123/8"),
        ("p_cars", "Deals", "p_cars/7/associations/deals/8"),
    ],
)
async def test_object_type_forms_and_int_ids(from_type: str, to_type: str, path: str) -> None:
    server = Server()
    await make(server).associate(from_type, 7, to_type, 8, 279)
    assert server.requests[0].url.path == f"/crm/v4/objects/{path}"


async def test_token_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", TOKEN)
    server = Server()
    client = AsyncHubSpotAssociations(http_client=httpx.AsyncClient(transport=httpx.MockTransport(server)))
    await client.associate(*GOOD, 279)
    assert server.requests[0].headers["Authorization"] == f"Bearer {TOKEN}"


def test_missing_credentials_and_both_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    with pytest.raises(MissingCredentialsError, match="HUBSPOT_ACCESS_TOKEN"):
        AsyncHubSpotAssociations()
    with pytest.raises(InvalidInputError, match=r"^auth:"):
        AsyncHubSpotAssociations(TOKEN, auth=OAuthRefresh("id", "client-secret-0123456789", "refresh-0123456789"))


async def test_results_ids_unknown_values_and_raw_response() -> None:
    body = {
        **DEFAULT_BODY,
        "status": "ARCHIVED",
        "extra": [1],
        "results": [
            {**DEFAULT_BODY["results"][0], "associationSpec": {"associationCategory": "TEAM", "associationTypeId": 5}}
        ],
    }
    headers = {
        "X-HubSpot-Correlation-Id": "cid-a",
        "X-HubSpot-RateLimit-Max": "190",
        "X-HubSpot-RateLimit-Remaining": "180",
    }
    raw = await make(Server(httpx.Response(200, json=body, headers=headers))).with_raw_response.associate_default(*GOOD)
    assert (raw.status_code, raw.correlation_id, raw.attempts) == (200, "cid-a", 1)
    assert raw.rate_limit == RateLimitInfo(max=190, remaining=180)
    assert raw.headers["x-hubspot-ratelimit-max"] == "190"
    result = raw.parsed
    assert result.status == "ARCHIVED" and not result.status.is_known
    assert result.additional_properties == {"extra": [1]}
    (item,) = result.results
    assert (item.from_.id, item.to.id) == ("101", str(BIG_ID))
    assert item.association_spec.association_category == "TEAM"
    assert item.association_spec.association_type_id == 5


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json=UNLABELLED_PAIR),
        httpx.Response(201, json=UNLABELLED_PAIR),
        httpx.Response(200, json={"createdResourceId": "101", "entity": UNLABELLED_PAIR, "location": "https://x"}),
    ],
)
async def test_labelled_any_2xx_is_success(response: httpx.Response) -> None:
    pair = await make(Server(response)).associate(*GOOD, AssociationSpec(AssociationCategory.HUBSPOT_DEFINED, 279))
    assert (pair.from_object_type_id, pair.from_object_id, pair.to_object_type_id, pair.to_object_id) == (
        "0-1",
        "101",
        "0-2",
        str(BIG_ID),
    )
    assert pair.labels == []


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(200, json={"nope": 1}),
        httpx.Response(204),
        httpx.Response(200, text="<html/>"),
        httpx.Response(201, json={**UNLABELLED_PAIR, "fromObjectId": None}),
    ],
)
async def test_2xx_with_non_matching_body(response: httpx.Response) -> None:
    server = Server(response)
    with pytest.raises(UnexpectedResponseError) as info:
        await make(server).associate(*GOOD, 279)
    assert info.value.status_code == response.status_code
    assert server.calls == 1


# -- errors and retries ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "cls"),
    [
        (err(400, "VALIDATION_ERROR", "c400", context={"INVALID_OBJECT_IDS": ["CONTACT=101"]}), BadRequestError),
        (err(400, None, "c400b"), BadRequestError),
        (err(401, "INVALID_AUTHENTICATION", "c401"), AuthenticationError),
        (err(401, "EXPIRED_AUTHENTICATION", "c401e"), AuthenticationError),
        (
            err(403, "MISSING_SCOPES", "c403", context={"requiredScopes": ["crm.objects.contacts.write"]}),
            PermissionDeniedError,
        ),
        (err(404, "OBJECT_NOT_FOUND", "c404"), NotFoundError),
        (err(409, "CONFLICT", "c409"), ConflictError),
        (err(429, None, "c429", errorType="RATE_LIMIT", policyName="DAILY"), RateLimitError),
    ],
)
async def test_client_errors_typed_and_single_attempt(
    response: httpx.Response, cls: type[APIStatusError], clock: FakeClock
) -> None:
    server = Server(response, httpx.Response(201, json=UNLABELLED_PAIR))
    with pytest.raises(cls) as info:
        await make(server, clock).associate(*GOOD, 279)
    error = info.value
    assert type(error) is cls
    assert error.correlation_id == response.json()["correlationId"]
    assert server.calls == 1
    assert clock.waits == []
    if isinstance(error, BadRequestError) and error.category:
        assert error.invalid_object_ids == ("CONTACT=101",)
    if isinstance(error, AuthenticationError):
        assert error.expired == (error.category == "EXPIRED_AUTHENTICATION")
    if isinstance(error, PermissionDeniedError):
        assert error.missing_scopes == ("crm.objects.contacts.write",)
    if isinstance(error, RateLimitError):
        assert error.policy_name == "DAILY"


def assert_exponential(waits: list[float]) -> None:
    for attempt, wait in enumerate(waits):
        assert 0.375 * 2**attempt <= wait <= 0.5 * 2**attempt, waits


async def test_503_503_200(clock: FakeClock) -> None:
    server = Server(httpx.Response(503), httpx.Response(503), httpx.Response(200, json=DEFAULT_BODY))
    raw = await make(server, clock).with_raw_response.associate_default(*GOOD)
    assert raw.attempts == 3
    assert len(clock.waits) == 2
    assert_exponential(clock.waits)


@pytest.mark.parametrize(("max_retries", "attempts"), [(4, 5), (0, 1), (2, 3)])
async def test_server_error_after_exactly_n_attempts(max_retries: int, attempts: int, clock: FakeClock) -> None:
    html = httpx.Response(520, text="<html><title>oops</title></html>", headers={"X-HubSpot-Correlation-Id": "c520"})
    server = Server(html)
    with pytest.raises(ServerError) as info:
        await make(server, clock, max_retries=max_retries).associate(*GOOD, 279)
    assert server.calls == attempts
    assert info.value.correlation_id == "c520"
    assert_exponential(clock.waits)
    assert len(clock.waits) == attempts - 1


async def test_429_ten_secondly_then_200(clock: FakeClock) -> None:
    limited = err(429, None, "c429", errorType="RATE_LIMIT", policyName="TEN_SECONDLY_ROLLING")
    limited.headers.update({"X-HubSpot-RateLimit-Remaining": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"})
    server = Server(limited, httpx.Response(201, json=UNLABELLED_PAIR))
    raw = await make(server, clock).with_raw_response.associate(*GOOD, 279)
    assert raw.attempts == 2
    assert 10.0 <= clock.waits[0] <= 11.0


@pytest.mark.parametrize(("retry_after", "wait"), [("4", 4.0), ("0.5", 0.5), ("3600", 30.0)])
async def test_retry_after_honoured(retry_after: str, wait: float, clock: FakeClock) -> None:
    server = Server(
        httpx.Response(503, headers={"Retry-After": retry_after}), httpx.Response(201, json=UNLABELLED_PAIR)
    )
    raw = await make(server, clock, timeout=60.0).with_raw_response.associate(*GOOD, 279)  # room for a 30 s wait
    assert raw.attempts == 2
    assert clock.waits == [wait]


async def test_read_error_then_success(clock: FakeClock) -> None:
    server = Server(httpx.ReadError("reset"), httpx.Response(201, json=UNLABELLED_PAIR))
    raw = await make(server, clock).with_raw_response.associate(*GOOD, 279)
    assert raw.attempts == 2
    assert server.requests[1].content == server.requests[0].content


@pytest.mark.parametrize(
    ("exc", "cls"), [(httpx.ReadTimeout("slow"), APITimeoutError), (httpx.ConnectError("refused"), APIConnectionError)]
)
async def test_transport_errors(exc: Exception, cls: type[APIConnectionError], clock: FakeClock) -> None:
    server = Server(exc)
    with pytest.raises(cls) as info:
        await make(server, clock, max_retries=3).associate_default(*GOOD)
    assert type(info.value) is cls
    assert server.calls == 4
    assert_exponential(clock.waits)


# -- pacing ----------------------------------------------------------------------------------------------------------


def test_bad_sleep_seam_is_refused_before_any_request() -> None:
    not_callable: Any = 0.5
    with pytest.raises(InvalidInputError, match=r"^sleep:"):
        AsyncHubSpotAssociations(TOKEN, sleep=not_callable)


async def test_one_fake_clock_drives_the_deadline_pacer_and_bulk_pauses(clock: FakeClock) -> None:
    server = Server(httpx.Response(503), httpx.Response(201, json=UNLABELLED_PAIR))
    client = make(server, clock, rate_limit=1, rate_limit_window=10.0)
    rows = [AssociationRow("contacts", i, "companies", 202, [279]) for i in (1, 2, 3)]
    async with client.associate_many(rows, concurrency=1, batch_size=1) as run:
        outcomes = [outcome async for outcome in run]
    assert [outcome.ok for outcome in outcomes] == [True] * 3 and server.calls == 4
    assert clock.now - 1000.0 >= 30.0  # three pacer windows of fake time, none of it slept
    assert sum(clock.waits) == pytest.approx(clock.now - 1000.0)


async def test_a_stop_is_seen_when_an_injected_sleep_returns(clock: FakeClock) -> None:
    stop = anyio.Event()

    async def sleep(seconds: float) -> None:
        await clock.async_sleep(seconds)
        stop.set()

    client = AsyncHubSpotAssociations(TOKEN, http_client=Server().async_http(), clock=clock, sleep=sleep)
    with pytest.raises(StoppedError) as info:
        await client._pause(2.0, stop, 3)
    assert info.value.attempts == 3 and clock.waits == [2.0]


def max_in_window(times: list[float], window: float) -> int:
    times = sorted(times)
    return max(sum(1 for t in times[i:] if t < start + window) for i, start in enumerate(times))


async def test_configured_rate_limit_shared_by_gathered_calls() -> None:
    frozen = FakeClock(advance=False)  # all tasks reserve at one instant; their waits are their slots
    server = Server()
    client = make(server, frozen, rate_limit=5, rate_limit_window=1.0)
    await gather(*(client.associate("contacts", i + 1, "companies", 2, 279) for i in range(12)))
    assert server.calls == 12
    assert len(frozen.waits) == 7
    assert max_in_window([0.0] * 5 + frozen.waits, 1.0) == 5


async def test_sequential_calls_paced_and_headers_adopted(clock: FakeClock) -> None:
    sent: list[float] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(clock.now)
        headers = {"X-HubSpot-RateLimit-Max": "4", "X-HubSpot-RateLimit-Interval-Milliseconds": "2000"}
        return httpx.Response(201, json=UNLABELLED_PAIR, headers=headers)

    client = make(handler, clock)
    for i in range(13):
        await client.associate("contacts", i + 1, "companies", 2, 279)
    assert (client.pacer.limit, client.pacer.window_s) == (4, 2.0)
    assert max_in_window(sent, 2.0) == 4


# -- OAuth -----------------------------------------------------------------------------------------------------------

CLIENT_SECRET = "client-secret-ASYNC-SECRET-0123456789"
REFRESH_TOKEN = "refresh-token-ASYNC-SECRET-0123456789"
STALE = "stale-access-ASYNC-SECRET-0123456789"


class OAuthServer:
    def __init__(self) -> None:
        self.issued = 0
        self.current = "only-valid-after-refresh"
        self.token_paths: list[str] = []
        self.forms: list[dict[str, list[str]]] = []
        self.api_auth: list[str] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            self.token_paths.append(request.url.path)
            self.forms.append(parse_qs((await request.aread()).decode()))
            await anyio.lowlevel.checkpoint()  # let other tasks pile up on the refresh lock
            self.issued += 1
            self.current = f"access-ASYNC-SECRET-{self.issued:04d}-0123456789"
            return httpx.Response(
                200,
                json={
                    "access_token": self.current,
                    "refresh_token": f"rotated-ASYNC-{self.issued:04d}",
                    "expires_in": 1800,
                },
            )
        self.api_auth.append(request.headers.get("Authorization", ""))
        await anyio.lowlevel.checkpoint()
        if request.headers.get("Authorization") != f"Bearer {self.current}":
            return err(401, "EXPIRED_AUTHENTICATION", "c-exp")
        return httpx.Response(201, json=UNLABELLED_PAIR)

    def client(self, auth: OAuthRefresh) -> AsyncHubSpotAssociations:
        return AsyncHubSpotAssociations(
            auth=auth, base_url=BASE, http_client=httpx.AsyncClient(transport=httpx.MockTransport(self))
        )


@pytest.mark.parametrize("token_url", ["/oauth/v1/token", "/oauth/v3/token"])
async def test_oauth_first_call_fetches_token(token_url: str) -> None:
    server = OAuthServer()
    await server.client(OAuthRefresh("cid", CLIENT_SECRET, REFRESH_TOKEN, token_url=token_url)).associate(*GOOD, 279)
    assert server.token_paths == [token_url]
    assert server.forms[0]["grant_type"] == ["refresh_token"]
    assert server.forms[0]["refresh_token"] == [REFRESH_TOKEN]
    assert server.api_auth == [f"Bearer {server.current}"]


async def test_oauth_expired_refreshes_once() -> None:
    server = OAuthServer()
    got: list[OAuthTokens] = []
    auth = OAuthRefresh(
        "cid", CLIENT_SECRET, REFRESH_TOKEN, access_token=STALE, token_url="/oauth/v1/token", on_refresh=got.append
    )
    raw = await server.client(auth).with_raw_response.associate(*GOOD, 279)
    assert raw.attempts == 1
    assert server.api_auth == [f"Bearer {STALE}", f"Bearer {server.current}"]
    assert [t.refresh_token for t in got] == ["rotated-ASYNC-0001"]


async def test_oauth_fifty_tasks_one_refresh(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = OAuthServer()
    got: list[OAuthTokens] = []
    auth = OAuthRefresh(
        "cid", CLIENT_SECRET, REFRESH_TOKEN, access_token=STALE, token_url="/oauth/v1/token", on_refresh=got.append
    )
    client = server.client(auth)
    results = await gather(*(client.associate("contacts", i + 1, "companies", 2, 279) for i in range(50)))
    assert len(results) == 50
    assert len(server.token_paths) == 1
    assert [t.refresh_token for t in got] == ["rotated-ASYNC-0001"]
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, STALE, server.current, "rotated-ASYNC-0001"):
        assert secret not in caplog.text
        assert secret not in repr(client)
        assert secret not in repr(auth)


# -- bad input, secrets, timeouts, lifecycle -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("position", "value", "argument"),
    [
        (0, "", "from_object_type"),
        (0, "contacts/1", "from_object_type"),
        (0, "..", "from_object_type"),
        (2, "a?b", "to_object_type"),
        (2, "a#b", "to_object_type"),
        (2, "a b", "to_object_type"),
        (0, "\n", "from_object_type"),
        (2, 3, "to_object_type"),
        (1, "", "from_object_id"),
        (1, -1, "from_object_id"),
        (3, "abc", "to_object_id"),
        (3, True, "to_object_id"),
        (4, [], "specs"),
        (4, 0, "specs"),
        (4, 2**31, "specs"),
        (4, True, "specs[0]"),
        (4, [1, "x"], "specs[1]"),
        (4, None, "specs"),
    ],
)
async def test_bad_input_sends_nothing(position: int, value: Any, argument: str) -> None:
    server = Server()
    args: list[Any] = [*GOOD, 279]
    args[position] = value
    a, b, c, d, specs = args
    client = make(server)
    with pytest.raises(InvalidInputError) as info:
        await client.associate(a, b, c, d, specs)
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}:")
    if position < 4:
        with pytest.raises(InvalidInputError, match=f"^{argument}:"):
            await client.with_raw_response.associate_default(a, b, c, d)
    with pytest.raises(InvalidInputError, match=r"^association_category:"):
        AssociationSpec("TEAM", 1)
    assert server.calls == 0


async def test_token_not_in_logs_reprs_or_errors(clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    server = Server(
        httpx.Response(201, json=UNLABELLED_PAIR),
        httpx.Response(503),
        httpx.Response(201, json=UNLABELLED_PAIR),
        err(403, "MISSING_SCOPES", "c403"),
        httpx.ConnectError("refused"),
    )
    client = make(server, clock, max_retries=1)
    errors: list[HubSpotError] = []
    for _ in range(4):
        try:
            await client.associate(*GOOD, 279)
        except HubSpotError as exc:
            errors.append(exc)
    assert [type(e) for e in errors] == [PermissionDeniedError, APIConnectionError]
    assert "retrying PUT" in caplog.text
    for text in [caplog.text, repr(client), repr(client.auth), *map(str, errors), *map(repr, errors)]:
        assert TOKEN not in text


async def test_timeouts_reach_the_request(clock: FakeClock) -> None:
    server = Server(
        httpx.Response(201, json=UNLABELLED_PAIR),
        httpx.Response(201, json=UNLABELLED_PAIR),
        httpx.Response(200, json=DEFAULT_BODY),
    )
    client = make(server, clock)
    await client.associate(*GOOD, 279)
    await client.associate(*GOOD, 279, timeout=1.5)
    await client.associate_default(*GOOD, timeout=httpx.Timeout(9.0, connect=2.0))
    seen = [request.extensions["timeout"] for request in server.requests]
    expected = [
        {"connect": 5.0, "read": 30.0, "write": 30.0, "pool": 30.0},
        {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5},
        {"connect": 2.0, "read": 9.0, "write": 9.0, "pool": 9.0},
    ]
    # Each is the call's per-operation timeout capped by the budget left: on the fake clock no time has passed.
    assert seen == expected


async def test_async_context_manager_closes_only_owned_client() -> None:
    async with AsyncHubSpotAssociations(TOKEN) as owned:
        assert owned._http.timeout == DEFAULT_TIMEOUT
    assert owned._http.is_closed
    injected = httpx.AsyncClient(transport=httpx.MockTransport(Server()))
    async with AsyncHubSpotAssociations(TOKEN, http_client=injected) as client:
        await client.associate(*GOOD, 279)
    assert not injected.is_closed
    await injected.aclose()


async def test_oauth_a_refresh_cancelled_midway_frees_the_lock_for_the_next_task() -> None:
    # The refresh lock is held while the token request is in flight; a caller cancelled then (a deadline, a bulk run
    # left early) must release it, and the next caller refreshes instead of waiting forever.
    first_token_request = anyio.Event()
    token_requests = 0

    async def handler(request: httpx.Request) -> httpx.Response:
        nonlocal token_requests
        if request.url.path.startswith("/oauth/"):
            token_requests += 1
            if token_requests == 1:
                first_token_request.set()
                await anyio.sleep_forever()  # the first refresh never answers: its caller is cancelled
            return httpx.Response(200, json={"access_token": "access-ASYNC-SECRET-0002-0123456789", "expires_in": 1800})
        return httpx.Response(201, json=UNLABELLED_PAIR)

    auth = OAuthRefresh("cid", CLIENT_SECRET, REFRESH_TOKEN)
    client = AsyncHubSpotAssociations(
        auth=auth, base_url=BASE, http_client=httpx.AsyncClient(transport=httpx.MockTransport(handler))
    )
    with anyio.fail_after(5):
        async with anyio.create_task_group() as group:
            group.start_soon(client.associate, *GOOD, 279)
            await first_token_request.wait()
            group.cancel_scope.cancel()
        pair = await client.associate(*GOOD, 279)
    assert pair.to_object_id == str(BIG_ID) and token_requests == 2
