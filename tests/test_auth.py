"""Static tokens and the OAuth refresh flow, over httpx.MockTransport (sync and async)."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import anyio
import anyio.lowlevel
import httpx
import pytest
import trio

from hubspot_associations import HubSpotAssociations, InvalidInputError
from hubspot_associations._auth import (
    BearerToken,
    MissingCredentialsError,
    mask_secret,
    oauth_token_url,
    token_from_env,
)
from hubspot_associations._constants import OAUTH_TOKEN_URL_V3
from hubspot_associations._oauth import OAuthRefresh, OAuthRefreshError, OAuthTokens
from hubspot_associations.cli._connection import build_client
from tests.async_support import gather
from tests.support import EPOCH, FakeClock

CLIENT_ID = "client-id-123"
CLIENT_SECRET = "client-secret-SUPERSECRET-abcdef"
REFRESH_TOKEN = "refresh-token-na1-SECRET-0123456789"
OLD_ACCESS = "old-access-token-SECRET-abcdefghij"
API_URL = "https://api.hubapi.com/crm/v4/objects/contact/1/associations/company"
PAT = "pat-na1-11111111-2222-3333-4444-555555555555"


class FakeHubSpot:
    """Token endpoint plus one API endpoint that accepts only the latest access token."""

    def __init__(
        self,
        *,
        rotate: bool = False,
        token_status: int = 200,
        token_body: object | None = None,
        token_delay: float = 0.0,
        expired_tokens: tuple[str, ...] = (OLD_ACCESS,),
        always_expired: bool = False,
        on_expired: Callable[[], object] | None = None,
        stale_callers: int = 0,
    ) -> None:
        self.rotate = rotate
        self.token_status = token_status
        self.token_body = token_body
        self.token_delay = token_delay
        self.expired = set(expired_tokens)
        self.always_expired = always_expired
        self.on_expired = on_expired
        self.valid: str | None = None
        self.refresh_token = REFRESH_TOKEN
        self.token_requests: list[httpx.Request] = []
        self.api_requests: list[httpx.Request] = []
        self.api_auth: list[str] = []  # headers as sent (the request object is reused for the retry)
        self.lock = threading.Lock()
        # async_handler: a 401 is answered once this many stale requests have arrived (all hold a stale token)
        self.stale_callers = stale_callers
        self._stale = 0
        self._all_stale: anyio.Event | None = None

    def _token(self, request: httpx.Request) -> httpx.Response:
        with self.lock:
            self.token_requests.append(request)
            number = len(self.token_requests)
        if self.token_status != 200 or self.token_body is not None:
            body = self.token_body if self.token_body is not None else {}
            content = body if isinstance(body, bytes) else json.dumps(body).encode()
            return httpx.Response(self.token_status, content=content)
        form = parse_qs(request.content.decode())
        assert form["refresh_token"] == [self.refresh_token]
        access = f"new-access-{number}"
        with self.lock:
            if self.valid is not None:
                self.expired.add(self.valid)
            self.valid = access
        body = {
            "access_token": access,
            "expires_in": 1800,
            "token_type": "bearer",
            "scopes": ["crm.objects.contacts.read"],
        }
        if self.rotate:
            self.refresh_token = f"rotated-refresh-{number}"
            body["refresh_token"] = self.refresh_token
        else:
            body["refresh_token"] = REFRESH_TOKEN
        return httpx.Response(200, json=body)

    def _api(self, request: httpx.Request) -> httpx.Response:
        auth = request.headers.get("Authorization", "")
        with self.lock:
            self.api_requests.append(request)
            self.api_auth.append(auth)
        token = auth.removeprefix("Bearer ")
        if token and token == self.valid and not self.always_expired:
            return httpx.Response(200, json={"ok": True, "body": request.content.decode()})
        if token in self.expired or self.always_expired:
            if self.on_expired is not None:
                self.on_expired()
            return httpx.Response(
                401,
                json={
                    "status": "error",
                    "message": "The OAuth token used to make this call expired 5 second(s) ago.",
                    "category": "EXPIRED_AUTHENTICATION",
                    "correlationId": "c-expired",
                },
            )
        return httpx.Response(
            401,
            json={
                "status": "error",
                "message": "Authentication credentials not found.",
                "category": "INVALID_AUTHENTICATION",
            },
        )

    def handler(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/"):
            if self.token_delay:  # threads: keeps the refresh in flight so the others pile up on the lock
                time.sleep(self.token_delay)
            return self._token(request)
        return self._api(request)

    async def async_handler(self, request: httpx.Request) -> httpx.Response:
        """:meth:`handler` for an ``httpx.AsyncClient``, ordering tasks by events instead of waiting."""
        if request.url.path.startswith("/oauth/"):
            for _ in range(3):  # every other task runs on until it waits for the refresh lock
                await anyio.lowlevel.checkpoint()
            return self._token(request)
        response = self._api(request)
        if response.status_code == 401 and self.stale_callers:
            if self._all_stale is None:
                self._all_stale = anyio.Event()
            self._stale += 1
            if self._stale >= self.stale_callers:
                self._all_stale.set()
            await self._all_stale.wait()  # no refresh before every task has sent its stale token
        return response


def make_auth(clock: FakeClock | None = None, **kwargs: object) -> OAuthRefresh:
    return OAuthRefresh(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, clock=clock or FakeClock(EPOCH), **kwargs)  # type: ignore[arg-type]


def assert_no_secrets(text: str) -> None:
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, OLD_ACCESS, "SECRET", PAT):
        assert secret not in text


# -- BearerToken / token_from_env --------------------------------------------------------------------------------


def test_bearer_token_sets_header() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200)

    with httpx.Client(transport=httpx.MockTransport(handler), auth=BearerToken(PAT)) as client:
        client.get(API_URL)
    assert seen == [f"Bearer {PAT}"]


async def test_bearer_token_async() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["Authorization"])
        return httpx.Response(200)

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler), auth=BearerToken(PAT)) as client:
        await client.get(API_URL)
    assert seen == [f"Bearer {PAT}"]


def test_bearer_token_repr_masks() -> None:
    auth = BearerToken(PAT)
    assert repr(auth) == "BearerToken(token='pat-...***')"
    assert auth.token == PAT
    assert repr(BearerToken("short")) == "BearerToken(token='***')"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "pat-na1-SECRET\n",
        "pat-na1-SECRET\r\nX-Evil: 1",
        "pat-na1-SECRÉT",
        "Bearer pat-na1-SECRET",
        "pat SECRET",
        "pat\x00SECRET",
    ],
)
def test_bearer_token_rejects_bad_tokens_without_echoing(bad: str) -> None:
    with pytest.raises(ValueError) as info:
        BearerToken(bad)
    assert "SECRET" not in str(info.value)


def test_bearer_token_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        BearerToken(b"pat-na1-x")  # type: ignore[arg-type]


def test_mask_secret() -> None:
    assert mask_secret(None) == "''"
    assert mask_secret("abc") == "'***'"
    assert mask_secret(PAT) == "'pat-...***'"


def test_token_from_env() -> None:
    assert token_from_env({"HUBSPOT_ACCESS_TOKEN": PAT}) == PAT
    assert token_from_env({"HUBSPOT_ACCESS_TOKEN": f"  {PAT}\n"}) == PAT


@pytest.mark.parametrize("env", [{}, {"HUBSPOT_ACCESS_TOKEN": ""}, {"HUBSPOT_ACCESS_TOKEN": "  \n"}])
def test_token_from_env_missing(env: dict[str, str]) -> None:
    with pytest.raises(MissingCredentialsError) as info:
        token_from_env(env)
    assert isinstance(info.value, ValueError)
    assert str(info.value) == ("No HubSpot access token: pass access_token=..., auth=..., or set HUBSPOT_ACCESS_TOKEN")


def test_token_from_env_reads_os_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", PAT)
    assert token_from_env() == PAT
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
    with pytest.raises(MissingCredentialsError):
        token_from_env()


def test_token_from_env_malformed_not_echoed() -> None:
    with pytest.raises(ValueError) as info:
        token_from_env({"HUBSPOT_ACCESS_TOKEN": "pat-SECRET-é"})
    assert "SECRET" not in str(info.value)
    assert not isinstance(info.value, MissingCredentialsError)


# -- OAuthRefresh: construction and repr --------------------------------------------------------------------------


def test_oauth_repr_shows_client_id_only() -> None:
    auth = make_auth(access_token=OLD_ACCESS)
    assert repr(auth) == f"OAuthRefresh(client_id={CLIENT_ID!r})"
    assert_no_secrets(repr(auth))


def test_oauth_tokens_repr_masks() -> None:
    tokens = OAuthTokens(OLD_ACCESS, REFRESH_TOKEN, 1.0, 1800.0, ("a",))
    assert_no_secrets(repr(tokens))
    assert "expires_at=1.0" in repr(tokens)


def test_oauth_validates_arguments() -> None:
    with pytest.raises(ValueError):
        OAuthRefresh("", CLIENT_SECRET, REFRESH_TOKEN)
    with pytest.raises(ValueError) as info:
        OAuthRefresh(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN + "\n")
    assert "SECRET" not in str(info.value)
    with pytest.raises(ValueError):
        OAuthRefresh(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, token_url="oauth/v1/token")


# -- OAuthRefresh: refresh before use -----------------------------------------------------------------------------


def test_first_request_refreshes_with_form_post() -> None:
    hub = FakeHubSpot()
    clock = FakeClock(EPOCH)
    saved: list[OAuthTokens] = []
    auth = make_auth(clock, on_refresh=saved.append)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        response = client.get(API_URL)
    assert response.status_code == 200
    (token_request,) = hub.token_requests
    assert token_request.method == "POST"
    assert str(token_request.url) == "https://api.hubapi.com/oauth/v1/token"
    assert token_request.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "Authorization" not in token_request.headers
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["refresh_token"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
        "refresh_token": [REFRESH_TOKEN],
    }
    assert hub.api_auth == ["Bearer new-access-1"]
    assert saved == [
        OAuthTokens("new-access-1", REFRESH_TOKEN, clock.now + 1800, 1800.0, ("crm.objects.contacts.read",))
    ]
    tokens = auth.tokens
    assert tokens is not None and tokens.access_token == "new-access-1" and tokens.expires_in == 1800.0


def test_valid_token_is_used_until_margin_then_refreshed() -> None:
    hub = FakeHubSpot()
    hub.valid = OLD_ACCESS
    hub.expired = set()
    clock = FakeClock(EPOCH)
    auth = make_auth(clock, access_token=OLD_ACCESS, expires_at=clock.now + 600, refresh_margin=60.0)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        client.get(API_URL)
        clock.now += 539
        client.get(API_URL)
        assert hub.token_requests == []
        assert not auth.needs_refresh()
        clock.now += 1  # now == expires_at - margin
        assert auth.needs_refresh()
        assert client.get(API_URL).status_code == 200
    assert len(hub.token_requests) == 1
    assert hub.api_auth[-1] == "Bearer new-access-1"


def test_rotated_refresh_token_is_adopted() -> None:
    hub = FakeHubSpot(rotate=True)
    clock = FakeClock(EPOCH)
    saved: list[OAuthTokens] = []
    auth = make_auth(clock, on_refresh=saved.append)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        client.get(API_URL)
        clock.now += 1800
        client.get(API_URL)  # FakeHubSpot asserts the rotated refresh token is sent
    assert [t.refresh_token for t in saved] == ["rotated-refresh-1", "rotated-refresh-2"]


def test_relative_token_url_resolves_against_request_origin() -> None:
    hub = FakeHubSpot()
    auth = make_auth(token_url="/oauth/v1/token")
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        client.get("http://127.0.0.1:8765/crm/v4/objects/contact/1/associations/company?limit=5")
    assert str(hub.token_requests[0].url) == "http://127.0.0.1:8765/oauth/v1/token"


def _token_url_of(client: HubSpotAssociations) -> str:
    auth = client.auth
    assert isinstance(auth, OAuthRefresh)
    return str(auth.resolve_token_url(client._http.build_request("PUT", client.base_url + "/crm/v4/x")))


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        (None, "https://api.hubapi.com/oauth/v1/token"),
        ("http://127.0.0.1:8765", "http://127.0.0.1:8765/oauth/v1/token"),
        ("https://proxy.example/hubspot/", "https://proxy.example/hubspot/oauth/v1/token"),
    ],
)
def test_token_url_follows_the_clients_base_url(base_url: str | None, expected: str) -> None:
    token_requests: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if "/oauth/" in request.url.path:
            token_requests.append(str(request.url))
            return httpx.Response(200, json={"access_token": "new-access-1", "expires_in": 1800})
        return httpx.Response(200, json={})

    kwargs = {} if base_url is None else {"base_url": base_url}
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=make_auth(), http_client=http, **kwargs) as client:  # type: ignore[arg-type]
        client._http.get(client.base_url + "/crm/v4/anything", auth=client.auth)
        assert _token_url_of(client) == expected == oauth_token_url(client.base_url)
    # The refresh token and client secret went to the base URL's host, nowhere else.
    assert token_requests == [expected]


def test_library_and_cli_agree_on_the_token_url() -> None:
    for base_url in ("https://api.hubapi.com", "http://127.0.0.1:9/", "https://proxy.example/hs"):
        from_cli = build_client(
            token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN, base_url=base_url
        )
        from_library = HubSpotAssociations(auth=make_auth(), base_url=base_url)
        with from_cli, from_library:
            assert _token_url_of(from_cli) == _token_url_of(from_library) == oauth_token_url(base_url)


def test_a_named_token_url_is_the_users_decision_even_on_another_host() -> None:
    auth = make_auth(token_url="https://auth.example/oauth/v3/token")
    with HubSpotAssociations(auth=auth, base_url="http://127.0.0.1:8765") as client:
        assert _token_url_of(client) == "https://auth.example/oauth/v3/token"


def test_one_instance_follows_one_base_url() -> None:
    auth = make_auth()
    with HubSpotAssociations(auth=auth, base_url="http://127.0.0.1:8765"):
        pass
    with HubSpotAssociations(auth=auth, base_url="http://127.0.0.1:8765/"):  # the same root: fine
        pass
    with pytest.raises(InvalidInputError, match="already refreshes at") as caught:
        HubSpotAssociations(auth=auth, base_url="https://api.hubapi.com")
    assert caught.value.argument == "auth"
    assert_no_secrets(str(caught.value))


def test_v3_token_url() -> None:
    hub = FakeHubSpot()
    auth = make_auth(token_url=OAUTH_TOKEN_URL_V3)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        client.get(API_URL)
    assert str(hub.token_requests[0].url) == "https://api.hubapi.com/oauth/v3/token"
    assert parse_qs(hub.token_requests[0].content.decode())["grant_type"] == ["refresh_token"]


# -- OAuthRefresh: 401 handling -----------------------------------------------------------------------------------


def test_expired_401_refreshes_once_and_retries_with_body() -> None:
    hub = FakeHubSpot()
    auth = make_auth(access_token=OLD_ACCESS)  # expiry unknown: relies on the 401
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        response = client.put(API_URL, json={"a": 1})
    assert response.status_code == 200
    assert response.json()["body"] == '{"a":1}'
    assert len(hub.token_requests) == 1
    assert hub.api_auth == [f"Bearer {OLD_ACCESS}", "Bearer new-access-1"]


def test_second_401_is_returned_without_looping() -> None:
    hub = FakeHubSpot(always_expired=True)
    auth = make_auth(access_token=OLD_ACCESS)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        response = client.get(API_URL)
    assert response.status_code == 401
    assert len(hub.token_requests) == 1
    assert len(hub.api_requests) == 2


def test_invalid_authentication_401_is_not_refreshed() -> None:
    hub = FakeHubSpot()
    auth = make_auth(access_token="some-unknown-token-value")
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        response = client.get(API_URL)
    assert response.status_code == 401
    assert response.json()["category"] == "INVALID_AUTHENTICATION"
    assert hub.token_requests == []


def test_non_json_401_is_not_refreshed() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        return httpx.Response(401, content=b"<html>nope</html>")

    auth = make_auth(access_token=OLD_ACCESS)
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        assert client.get(API_URL).status_code == 401
    assert calls == ["/crm/v4/objects/contact/1/associations/company"]


async def test_async_expired_401_refreshes_and_retries() -> None:
    hub = FakeHubSpot()
    auth = make_auth(access_token=OLD_ACCESS)
    async with httpx.AsyncClient(transport=httpx.MockTransport(hub.async_handler), auth=auth) as client:
        response = await client.put(API_URL, json={"a": 1})
    assert response.status_code == 200
    assert len(hub.token_requests) == 1


# -- OAuthRefresh: failures ---------------------------------------------------------------------------------------


def test_refresh_failure_raises_without_secrets() -> None:
    hub = FakeHubSpot(
        token_status=400,
        token_body={
            "status": "BAD_REFRESH_TOKEN",
            "message": f"missing or invalid refresh token {REFRESH_TOKEN} for client secret {CLIENT_SECRET}",
            "error": "invalid_grant",
            "correlationId": "corr-1",
        },
    )
    auth = make_auth()
    with (
        httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client,
        pytest.raises(OAuthRefreshError) as info,
    ):
        client.get(API_URL)
    error = info.value
    assert error.status_code == 400
    assert error.status == "BAD_REFRESH_TOKEN"
    assert error.error == "invalid_grant"
    assert error.correlation_id == "corr-1"
    assert "missing or invalid refresh token" in str(error)
    for text in (str(error), repr(error), repr(error.args), error.message):
        assert_no_secrets(text)


def test_permanent_refresh_failure_is_remembered_until_new_credentials() -> None:
    hub = FakeHubSpot(token_status=400, token_body={"status": "BAD_REFRESH_TOKEN", "error": "invalid_grant"})
    auth = make_auth()
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        for _ in range(3):
            with pytest.raises(OAuthRefreshError):
                client.get(API_URL)
        assert len(hub.token_requests) == 1
        hub.token_status, hub.token_body = 200, None
        auth.set_tokens(refresh_token=REFRESH_TOKEN)
        assert client.get(API_URL).status_code == 200
    assert len(hub.token_requests) == 2


def test_server_error_during_refresh_is_not_remembered() -> None:
    hub = FakeHubSpot(token_status=503, token_body=b"<html>bad gateway</html>")
    auth = make_auth()
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        with pytest.raises(OAuthRefreshError) as info:
            client.get(API_URL)
        assert info.value.status_code == 503
        assert info.value.status is None
        hub.token_status, hub.token_body = 200, None
        assert client.get(API_URL).status_code == 200


def test_response_without_access_token_is_an_error() -> None:
    hub = FakeHubSpot(token_body={"token_type": "bearer"})
    auth = make_auth()
    client = httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth)
    with client, pytest.raises(OAuthRefreshError, match="no access_token"):
        client.get(API_URL)


def test_on_refresh_errors_propagate() -> None:
    hub = FakeHubSpot()

    def broken(tokens: OAuthTokens) -> None:
        raise RuntimeError("disk full")

    auth = make_auth(on_refresh=broken)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:
        with pytest.raises(RuntimeError, match="disk full"):
            client.get(API_URL)
        # the new token was adopted before the callback ran; the lock was released
        assert client.get(API_URL).status_code == 200
    assert len(hub.token_requests) == 1


def test_transport_error_during_refresh_releases_lock() -> None:
    fail = [True]

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.startswith("/oauth/") and fail[0]:
            raise httpx.ConnectError("refused", request=request)
        return FakeHubSpot().handler(request) if request.url.path.startswith("/oauth/") else httpx.Response(200)

    auth = make_auth()
    with httpx.Client(transport=httpx.MockTransport(handler), auth=auth) as client:
        with pytest.raises(httpx.ConnectError):
            client.get(API_URL)
        fail[0] = False
        done = threading.Event()

        def call_from_other_thread() -> None:
            client.get(API_URL)
            done.set()

        threading.Thread(target=call_from_other_thread, daemon=True).start()
        assert done.wait(2.0)


# -- OAuthRefresh: one refresh at a time --------------------------------------------------------------------------


def test_threads_share_one_refresh_before_expiry() -> None:
    hub = FakeHubSpot(token_delay=0.02)
    clock = FakeClock(EPOCH)
    auth = make_auth(clock, access_token=OLD_ACCESS, expires_at=clock.now - 1)
    barrier = threading.Barrier(20)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client:

        def call() -> int:
            barrier.wait()
            return client.get(API_URL).status_code

        with ThreadPoolExecutor(20) as pool:
            statuses = list(pool.map(lambda _: call(), range(20)))
    assert statuses == [200] * 20
    assert len(hub.token_requests) == 1
    assert len(hub.api_requests) == 20


def test_threads_share_one_refresh_after_expired_401() -> None:
    barrier = threading.Barrier(20, timeout=5)
    hub = FakeHubSpot(token_delay=0.02, on_expired=barrier.wait)  # all 20 hold a stale token at once
    auth = make_auth(access_token=OLD_ACCESS)
    with httpx.Client(transport=httpx.MockTransport(hub.handler), auth=auth) as client, ThreadPoolExecutor(20) as pool:
        statuses = list(pool.map(lambda _: client.get(API_URL).status_code, range(20)))
    assert statuses == [200] * 20
    assert len(hub.token_requests) == 1
    assert len(hub.api_requests) == 40


async def test_tasks_share_one_refresh_before_expiry() -> None:
    hub = FakeHubSpot()
    clock = FakeClock(EPOCH)
    auth = make_auth(clock, access_token=OLD_ACCESS, expires_at=clock.now - 1)
    async with httpx.AsyncClient(transport=httpx.MockTransport(hub.async_handler), auth=auth) as client:
        responses = await gather(*(client.get(API_URL) for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert len(hub.token_requests) == 1


async def test_tasks_share_one_refresh_after_expired_401() -> None:
    hub = FakeHubSpot(stale_callers=50)
    auth = make_auth(access_token=OLD_ACCESS)
    async with httpx.AsyncClient(transport=httpx.MockTransport(hub.async_handler), auth=auth) as client:
        responses = await gather(*(client.get(API_URL) for _ in range(50)))
    assert [r.status_code for r in responses] == [200] * 50
    assert len(hub.token_requests) == 1
    assert len(hub.api_requests) == 100


def test_async_lock_per_event_loop() -> None:
    hub = FakeHubSpot()
    clock = FakeClock(EPOCH)
    auth = make_auth(clock)

    async def run() -> int:
        async with httpx.AsyncClient(transport=httpx.MockTransport(hub.async_handler), auth=auth) as client:
            return (await client.get(API_URL)).status_code

    # One instance, four event loops of two kinds in turn: each refresh takes the lock of the loop it runs on
    # (an asyncio lock reused under trio, or another asyncio loop's lock, would fail).
    runners: list[Callable[[], int]] = [
        lambda: asyncio.run(run()),
        lambda: trio.run(run),
        lambda: anyio.run(run, backend="trio"),
    ]
    runners.append(runners[0])
    for runner in runners:
        assert runner() == 200
        clock.now += 3600  # force a refresh in the next loop
    assert len(hub.token_requests) == 4


def test_auth_flow_direct_drive() -> None:
    """The plain ``auth_flow`` (no locks) follows the same decisions."""
    hub = FakeHubSpot()
    auth = make_auth(access_token=OLD_ACCESS)
    request = httpx.Request("GET", API_URL)
    flow = auth.auth_flow(request)
    sent = next(flow)
    assert sent.headers["Authorization"] == f"Bearer {OLD_ACCESS}"
    response = hub.handler(sent)
    response.read()
    token_request = flow.send(response)
    assert token_request.url.path == "/oauth/v1/token"
    token_response = hub.handler(token_request)
    token_response.read()
    retried = flow.send(token_response)
    assert retried.headers["Authorization"] == "Bearer new-access-1"
    with pytest.raises(StopIteration):
        flow.send(hub.handler(retried))


def test_refresh_request_inherits_the_calls_timeout() -> None:
    auth = OAuthRefresh("client", "secret-value", "refresh-value")
    call = httpx.Request(
        "PUT", "https://api.hubapi.com/crm/v4/x", extensions={"timeout": {"connect": 1.0, "read": 2.0}}
    )
    refresh = auth.build_refresh_request(call)
    assert refresh.extensions["timeout"] == {"connect": 1.0, "read": 2.0}


@pytest.mark.parametrize("token_url", ["http://[::1/oauth/v1/token", "https://auth.example:99999/token", "ftp://x"])
def test_an_unparseable_token_url_is_refused_when_configured_not_at_the_first_refresh(token_url: str) -> None:
    # Before: "http://[::1..." passed the prefix check and raised httpx.InvalidURL (outside the error tree) inside
    # the first call that needed a token.
    with pytest.raises(ValueError, match="token_url must be"):
        make_auth(token_url=token_url)
