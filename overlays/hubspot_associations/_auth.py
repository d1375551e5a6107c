"""Authentication as :class:`httpx.Auth` classes: a static bearer token and an OAuth refresh flow.

Both work with ``httpx.Client`` and ``httpx.AsyncClient`` alike, through any transport (``MockTransport``, the
emulator's ASGI app, a real network).
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any

import attrs
import httpx

from . import _response
from ._bounds import ACCEPT_ENCODING, BodyReader, Deadline
from ._clamps import clamp_token_lifetime
from ._constants import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_REFRESH_MARGIN, OAUTH_TOKEN_PATH_V1, TOKEN_ENV_VAR
from ._errors import HubSpotError
from ._secrets import Scrubber

if TYPE_CHECKING:  # imported where used: sync-only users do not pay for it at import
    import anyio

__all__ = [
    "BearerToken",
    "MissingCredentialsError",
    "OAuthRefresh",
    "OAuthRefreshError",
    "OAuthTokens",
    "mask_secret",
    "oauth_token_url",
    "token_from_env",
]


def _parses(url: str) -> bool:
    try:
        port = httpx.URL(url).port
    except httpx.InvalidURL:  # e.g. "http://[::1": refused here, not at the first refresh (outside the error tree)
        return False
    return port is None or 0 < port < 65536


def oauth_token_url(base_url: str, path: str = OAUTH_TOKEN_PATH_V1) -> str:
    """The token endpoint that belongs to an API root: ``base_url`` + ``/oauth/v1/token``.

    The one place the library and the CLI derive it, so a refresh token and client secret go to the host the user
    named as ``base_url`` (HubSpot, the emulator, a proxy), never to another one by default.

    >>> oauth_token_url("http://127.0.0.1:8080/")
    'http://127.0.0.1:8080/oauth/v1/token'
    """
    return base_url.rstrip("/") + path


def mask_secret(value: str | None) -> str:
    """Show at most the first four characters of a secret: ``'pat-...***'``; short secrets show nothing."""
    if not value:
        return "''"
    if len(value) < 12:
        return "'***'"
    return f"'{value[:4]}...***'"


def _validate_token(token: object, what: str = "access token") -> str:
    """Return ``token`` if it can go in an ``Authorization`` header; errors never echo the token."""
    if not isinstance(token, str):
        raise TypeError(f"HubSpot {what} must be a str, not {type(token).__name__}")
    if not token or token.isspace():
        raise ValueError(f"HubSpot {what} is empty")
    if "\r" in token or "\n" in token:
        raise ValueError(f"HubSpot {what} contains a line break (CR/LF); was it read from a file with a newline?")
    if not token.isascii():
        raise ValueError(f"HubSpot {what} contains non-ASCII characters")
    if token[:7].lower() == "bearer ":
        raise ValueError(f"pass the HubSpot {what} without the 'Bearer ' prefix")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ValueError(f"HubSpot {what} contains whitespace or control characters")
    return token


class MissingCredentialsError(ValueError):
    """No access token was passed and none is set in the environment."""

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or f"No HubSpot access token: pass access_token=..., auth=..., or set {TOKEN_ENV_VAR}")


def token_from_env(environ: Mapping[str, str] | None = None) -> str:
    """Read the access token from ``HUBSPOT_ACCESS_TOKEN``.

    Surrounding whitespace (a common ``.env`` slip) is stripped; an unset, empty or blank variable raises
    :class:`MissingCredentialsError`, a malformed token :class:`ValueError` (without echoing it).
    """
    env = os.environ if environ is None else environ
    value = env.get(TOKEN_ENV_VAR, "").strip()
    if not value:
        raise MissingCredentialsError()
    return _validate_token(value, f"access token in {TOKEN_ENV_VAR}")


class BearerToken(httpx.Auth):
    """A static token sent as ``Authorization: Bearer ...``: a private-app token (``pat-...``) or an OAuth access
    token you refresh yourself.

    >>> BearerToken("pat-na1-0123456789abcdef")
    BearerToken(token='pat-...***')
    """

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {_validate_token(token)}"

    @property
    def token(self) -> str:
        """The token itself (deliberately not part of ``repr``)."""
        return self._header[7:]

    def __repr__(self) -> str:
        return f"BearerToken(token={mask_secret(self.token)})"

    def secrets(self) -> tuple[str, ...]:
        """What must never be shown: the token (scrubbed from errors, logs and reprs by the client)."""
        return (self.token,)

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Set the ``Authorization`` header and send the request once."""
        request.headers["Authorization"] = self._header
        yield request

    # The base class's wrappers add a generator layer per request; a static token needs none of their machinery.
    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Same as :meth:`auth_flow` (no I/O, no locking)."""
        request.headers["Authorization"] = self._header
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Same as :meth:`auth_flow` (no I/O, no locking)."""
        request.headers["Authorization"] = self._header
        yield request


@attrs.frozen(slots=True)
class OAuthTokens:
    """The result of one token refresh, handed to ``on_refresh`` so callers can persist it.

    ``expires_at`` is a Unix time (per the ``clock`` of :class:`OAuthRefresh`), ``None`` if the server sent no
    ``expires_in``. Tokens are masked in ``repr``.
    """

    access_token: str = attrs.field(repr=False)
    refresh_token: str = attrs.field(repr=False)
    expires_at: float | None
    expires_in: float | None
    scopes: tuple[str, ...] = ()
    hub_id: int | None = None
    """The HubSpot account (portal) the token belongs to, when the token response names it."""

    def __repr__(self) -> str:
        return (
            f"OAuthTokens(access_token={mask_secret(self.access_token)}, "
            f"refresh_token={mask_secret(self.refresh_token)}, expires_at={self.expires_at!r}, "
            f"expires_in={self.expires_in!r}, scopes={self.scopes!r}, hub_id={self.hub_id!r})"
        )


class OAuthRefreshError(HubSpotError):
    """The token endpoint refused to refresh (e.g. 400 ``BAD_REFRESH_TOKEN`` / ``invalid_grant``).

    Carries the HTTP ``status_code``, HubSpot's ``status`` code and OAuth ``error`` code, the server's ``message``
    and ``correlation_id``. Never contains the client secret, refresh token or access token: they are scrubbed from
    the server's message too.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        status: str | None = None,
        error: str | None = None,
        correlation_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.status = status
        self.error = error
        self.correlation_id = correlation_id

    def copy(self) -> OAuthRefreshError:
        """A fresh exception with the same fields (so one failure can be raised again in other threads)."""
        return OAuthRefreshError(
            self.message,
            status_code=self.status_code,
            status=self.status,
            error=self.error,
            correlation_id=self.correlation_id,
        )


def _read(response: httpx.Response) -> None:
    """Read a token or 401 answer, refusing past ``DEFAULT_MAX_RESPONSE_BYTES`` decoded (a token is ~300 bytes)."""
    try:
        BodyReader(response, DEFAULT_MAX_RESPONSE_BYTES, Deadline(None)).read()
    finally:
        response.close()


async def _aread(response: httpx.Response) -> None:
    """The async twin of :func:`_read`."""
    try:
        await BodyReader(response, DEFAULT_MAX_RESPONSE_BYTES, Deadline(None)).aread()
    finally:
        await response.aclose()


@attrs.frozen(slots=True)
class _State:
    generation: int
    access_token: str | None
    refresh_token: str
    expires_at: float | None
    refresh_at: float | None  # when to refresh: refresh_margin before expires_at, but not before half the lifetime


def _refresh_at(expires_at: float | None, now: float, margin: float) -> float | None:
    """``margin`` seconds before ``expires_at``, or halfway through the remaining lifetime if that is later.

    A token that lives less than twice the margin (say ``expires_in=30`` with the 60 s margin) would otherwise be
    "about to expire" from the start and be refreshed before every request.
    """
    if expires_at is None:
        return None
    return max(expires_at - margin, now + (expires_at - now) / 2.0)


class OAuthRefresh(httpx.Auth):
    """OAuth 2 access token that refreshes itself with ``grant_type=refresh_token``.

    * Refreshes before a request when there is no access token yet or ``clock() >= expires_at - refresh_margin``
      (``expires_at`` comes from the token response's ``expires_in``; HubSpot tokens live about 30 minutes), but
      never before half the token's lifetime has passed: a token with ``expires_in`` below twice the margin is
      refreshed at half its lifetime, so at most once per half-lifetime, not before every request. ``expires_in``
      is bounded to ``TOKEN_LIFETIME_RANGE`` (10 s to a day); a negative or non-numeric one counts as unknown.
    * Refreshes once more when a response is 401 with ``category: EXPIRED_AUTHENTICATION`` and retries that request
      once with the new token; a second 401 is returned as it is. A 401 ``INVALID_AUTHENTICATION`` is returned
      without refreshing (HubSpot: a 401 is not by itself a reason to refresh).
    * The refresh is a form-encoded ``POST`` to the token endpoint, sent through the same client (so it works with
      any transport), v1 or v3 alike. By default (``token_url=None``) the endpoint follows the client's
      ``base_url``: :func:`oauth_token_url` of it once a :class:`~hubspot_associations.HubSpotAssociations` (or
      its async twin) adopts this auth, else ``/oauth/v1/token`` at the origin of the request being
      authenticated (a plain ``httpx.Client``). So the secrets go where the API calls go: HubSpot, the emulator,
      or your proxy. A ``token_url`` you name is used as given (a path starting with ``/`` resolves against the
      request's origin); one on another host than ``base_url`` is allowed, and is your decision.
    * A rotated ``refresh_token`` in the response is adopted; ``on_refresh`` is called with the new
      :class:`OAuthTokens` after every refresh, inside the refresh lock (its exceptions propagate to the request
      that triggered the refresh).
    * One refresh at a time: threads share a :class:`threading.Lock`, async tasks an :class:`anyio.Lock` per event
      loop (asyncio or trio); callers that waited re-check and reuse a token refreshed meanwhile. (A sync and an
      async client sharing one instance are each serialised, not against each other.)
    * A refresh refused with a 4xx (bad refresh token, bad client id) raises :class:`OAuthRefreshError` and is
      remembered: later requests raise it again without hammering the token endpoint, until
      :meth:`set_tokens` supplies new credentials. 5xx and transport errors are not remembered.

    ``clock`` returns Unix time (default :func:`time.time`) so ``expires_at`` can be persisted across processes.

    Example::

        auth = OAuthRefresh(client_id, client_secret, refresh_token, on_refresh=save_tokens)
        client = HubSpotAssociations(auth=auth)  # refreshes at https://api.hubapi.com/oauth/v1/token
    """

    requires_request_body = True  # the request may be sent twice (after a refresh on 401)
    requires_response_body = True  # a 401's JSON body says whether the token expired

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        refresh_token: str,
        *,
        access_token: str | None = None,
        expires_at: float | None = None,
        token_url: str | None = None,
        on_refresh: Callable[[OAuthTokens], None] | None = None,
        refresh_margin: float = DEFAULT_REFRESH_MARGIN,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not isinstance(client_id, str) or not client_id.strip():
            raise ValueError("client_id is empty")
        _validate_token(client_secret, "client secret")
        _validate_token(refresh_token, "refresh token")
        if access_token is not None:
            _validate_token(access_token)
        if token_url is not None and not (token_url.startswith(("/", "https://", "http://")) and _parses(token_url)):
            raise ValueError("token_url must be an absolute http(s) URL or a path starting with '/'")
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = token_url
        self._followed_base_url: str | None = None
        self.on_refresh = on_refresh
        self.refresh_margin = refresh_margin
        self._clock = clock
        if isinstance(refresh_margin, bool) or not isinstance(refresh_margin, int | float) or not refresh_margin >= 0:
            raise ValueError("refresh_margin must be a number of seconds >= 0")
        self._state = _State(
            0, access_token, refresh_token, expires_at, _refresh_at(expires_at, clock(), refresh_margin)
        )
        self._failure: OAuthRefreshError | None = None
        self._hub_id: int | None = None
        self._retired: deque[str] = deque(maxlen=8)
        self._thread_lock = threading.Lock()
        self._async_locks: weakref.WeakKeyDictionary[object, anyio.Lock] = weakref.WeakKeyDictionary()
        self._async_locks_guard = threading.Lock()

    def __repr__(self) -> str:
        return f"OAuthRefresh(client_id={self.client_id!r})"

    def secrets(self) -> tuple[str | None, ...]:
        """What must never be shown: the client secret, the current tokens and the last few replaced ones (a
        server may still echo a token it was sent just before a refresh)."""
        state = self._state
        return (self._client_secret, state.refresh_token, state.access_token, *self._retired)

    def _retire(self, old: _State) -> None:
        for token in (old.access_token, old.refresh_token):
            if token and token not in self._retired:
                self._retired.append(token)

    # -- state shared by the sync and async flows ---------------------------------------------------------------

    @property
    def hub_id(self) -> int | None:
        """The account id (``hub_id``) of the last token response that named one; ``None`` before that."""
        return self._hub_id

    @property
    def tokens(self) -> OAuthTokens | None:
        """The current tokens, or ``None`` before the first access token is known."""
        state = self._state
        if state.access_token is None:
            return None
        expires_in = None if state.expires_at is None else max(0.0, state.expires_at - self._clock())
        return OAuthTokens(state.access_token, state.refresh_token, state.expires_at, expires_in)

    def set_tokens(
        self, *, refresh_token: str | None = None, access_token: str | None = None, expires_at: float | None = None
    ) -> None:
        """Replace the credentials (e.g. after re-authorisation); clears a remembered refresh failure."""
        old = self._state
        new_refresh = old.refresh_token if refresh_token is None else _validate_token(refresh_token, "refresh token")
        if access_token is not None:
            _validate_token(access_token)
        # One attribute assignment, so concurrent flows see either the old or the new state, never a mix.
        refresh_at = _refresh_at(expires_at, self._clock(), self.refresh_margin)
        self._retire(old)
        self._state = _State(old.generation + 1, access_token, new_refresh, expires_at, refresh_at)
        self._failure = None

    def needs_refresh(self) -> bool:
        """True when there is no access token, or it expires within ``refresh_margin`` seconds and at least half
        its lifetime has passed."""
        state = self._state
        if state.access_token is None:
            return True
        return state.refresh_at is not None and self._clock() >= state.refresh_at

    def follow_base_url(self, base_url: str) -> None:
        """Refresh at :func:`oauth_token_url` of ``base_url`` (the clients call this; a named ``token_url`` wins).

        One instance follows one base URL: a second client with another ``base_url`` raises :class:`ValueError`
        rather than sending the secrets to the first one's host.
        """
        if self.token_url is not None:
            return
        base_url = base_url.rstrip("/")
        if self._followed_base_url is not None and self._followed_base_url != base_url:
            raise ValueError(
                f"this OAuthRefresh already refreshes at {self._followed_base_url!r}'s token endpoint; use one per "
                "base_url, or pass token_url=... explicitly to share it"
            )
        self._followed_base_url = base_url

    def resolve_token_url(self, request: httpx.Request) -> httpx.URL:
        """The token endpoint for ``request``: ``token_url`` if named (a path resolves against the request's
        origin), else the followed ``base_url``'s, else ``/oauth/v1/token`` at the request's origin."""
        if self.token_url is not None:
            return request.url.join(self.token_url)
        if self._followed_base_url is not None:
            return httpx.URL(oauth_token_url(self._followed_base_url))
        return request.url.join(OAUTH_TOKEN_PATH_V1)

    def build_refresh_request(self, request: httpx.Request) -> httpx.Request:
        """The ``POST token_url`` form request that exchanges the refresh token for a new access token."""
        return httpx.Request(
            "POST",
            self.resolve_token_url(request),
            data={
                "grant_type": "refresh_token",
                "client_id": self.client_id,
                "client_secret": self._client_secret,
                "refresh_token": self._state.refresh_token,
            },
            headers={"Accept": "application/json", "Accept-Encoding": ACCEPT_ENCODING},
            # The refresh inherits the timeout of the call it serves; a bare Request would wait forever.
            extensions={"timeout": request.extensions["timeout"]} if "timeout" in request.extensions else None,
        )

    def _scrub(self, text: str) -> str:
        return Scrubber(self.secrets).text(text)

    def parse_token_response(self, response: httpx.Response) -> OAuthTokens:
        """Turn a token-endpoint response into :class:`OAuthTokens`, or raise :class:`OAuthRefreshError`."""
        parsed, _ = _response.parse_json(_response.read_body(response))
        body: dict[Any, Any] = parsed if isinstance(parsed, dict) else {}
        correlation_id = _response.correlation_id(response.headers, body)
        if not response.is_success:
            # Only strings are read from the body: anything else (a list, a huge number) is not a message.
            status = _response.first_text(body.get("status"))
            error = _response.first_text(body.get("error"))
            raw_message = _response.first_text(
                body.get("message"), body.get("error_description"), response.reason_phrase
            )
            code = " / ".join(part for part in (status, error) if part)
            text = f"OAuth token refresh failed: HTTP {response.status_code}" + (f" {code}" if code else "")
            if raw_message:
                text += f": {raw_message[:500]}"
            raise OAuthRefreshError(
                self._scrub(text),
                status_code=response.status_code,
                status=status,
                error=error,
                correlation_id=correlation_id,
            )
        access_token = body.get("access_token")
        if not isinstance(access_token, str) or not access_token:
            raise OAuthRefreshError(
                f"OAuth token refresh failed: HTTP {response.status_code} response has no access_token",
                status_code=response.status_code,
                correlation_id=correlation_id,
            )
        try:
            _validate_token(access_token)
        except ValueError as exc:
            raise OAuthRefreshError(
                f"OAuth token refresh failed: unusable access_token in response ({exc})",
                status_code=response.status_code,
                correlation_id=correlation_id,
            ) from None
        refresh_token = body.get("refresh_token")
        if not isinstance(refresh_token, str) or not refresh_token:
            refresh_token = self._state.refresh_token
        expires_in: float | None
        try:
            # Bounded to TOKEN_LIFETIME_RANGE; negative or non-finite counts as unknown.
            expires_in = clamp_token_lifetime(float(body["expires_in"]))
        except (KeyError, TypeError, ValueError, OverflowError):  # OverflowError: an integer beyond any float
            expires_in = None
        scopes_raw = body.get("scopes", body.get("scope"))
        if isinstance(scopes_raw, str):
            scopes = tuple(scopes_raw.split())
        elif isinstance(scopes_raw, list):
            scopes = tuple(scope for scope in scopes_raw if isinstance(scope, str))
        else:
            scopes = ()
        expires_at = None if expires_in is None else self._clock() + expires_in
        hub_id = body.get("hub_id")
        if type(hub_id) is not int or not 0 < hub_id < 2**63:  # not bool, not a string: an id we can trust
            hub_id = None
        return OAuthTokens(access_token, refresh_token, expires_at, expires_in, scopes, hub_id)

    def _adopt(self, response: httpx.Response) -> None:
        """Parse the token response and install it (caller holds the refresh lock)."""
        try:
            tokens = self.parse_token_response(response)
        except OAuthRefreshError as exc:
            if exc.status_code is not None and 400 <= exc.status_code < 500:
                self._failure = exc.copy()
            raise
        old = self._state
        self._retire(old)
        refresh_at = _refresh_at(tokens.expires_at, self._clock(), self.refresh_margin)
        self._state = _State(
            old.generation + 1, tokens.access_token, tokens.refresh_token, tokens.expires_at, refresh_at
        )
        if tokens.hub_id is not None:
            self._hub_id = tokens.hub_id
        self._failure = None
        if self.on_refresh is not None:
            self.on_refresh(tokens)

    def _raise_if_failed(self) -> None:
        failure = self._failure
        if failure is not None:
            raise failure.copy()

    @staticmethod
    def is_expired_token_response(response: httpx.Response) -> bool:
        """True for a 401 whose JSON body has ``category: EXPIRED_AUTHENTICATION`` (the body must be read)."""
        if response.status_code != 401:
            return False
        from ._error_body import parse_error_body  # an error-only module (see its docstring)

        body = parse_error_body(401, response.headers, _response.read_body(response))
        return body.category == "EXPIRED_AUTHENTICATION"

    def _authorize(self, request: httpx.Request) -> int:
        """Put the current access token on ``request``; return the generation it belongs to."""
        state = self._state
        if state.access_token is not None:
            request.headers["Authorization"] = f"Bearer {state.access_token}"
        return state.generation

    # -- flows: identical decisions, different locks and I/O ----------------------------------------------------

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """Unlocked flow for callers that drive ``auth_flow`` directly; clients use the locked variants below."""
        if self.needs_refresh():
            self._raise_if_failed()
            self._adopt((yield self.build_refresh_request(request)))
        generation = self._authorize(request)
        response = yield request
        if self.is_expired_token_response(response):
            if self._state.generation == generation:
                self._raise_if_failed()
                self._adopt((yield self.build_refresh_request(request)))
            self._authorize(request)
            yield request

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The flow for :class:`httpx.Client`: one refresh at a time across threads."""
        request.read()
        if self.needs_refresh():
            self._raise_if_failed()
            with self._thread_lock:
                if self.needs_refresh():  # another thread may have refreshed while we waited
                    self._raise_if_failed()
                    token_response = yield self.build_refresh_request(request)
                    _read(token_response)
                    self._adopt(token_response)
        generation = self._authorize(request)
        response = yield request
        if response.status_code != 401:
            return
        _read(response)
        if not self.is_expired_token_response(response):
            return
        with self._thread_lock:
            if self._state.generation == generation:  # nobody refreshed since our token was issued
                self._raise_if_failed()
                token_response = yield self.build_refresh_request(request)
                _read(token_response)
                self._adopt(token_response)
        self._authorize(request)
        yield request

    def _async_lock(self) -> anyio.Lock:
        # One anyio lock per running event loop (an asyncio loop or a trio run): a lock belongs to the backend it
        # was first used on, and one instance may serve several ``asyncio.run``/``trio.run`` calls in turn.
        import anyio.lowlevel

        loop = anyio.lowlevel.current_token().native_token
        with self._async_locks_guard:
            lock = self._async_locks.get(loop)
            if lock is None:
                lock = self._async_locks[loop] = anyio.Lock()
            return lock

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """The flow for :class:`httpx.AsyncClient`: one refresh at a time across the tasks of an event loop."""
        await request.aread()
        if self.needs_refresh():
            self._raise_if_failed()
            async with self._async_lock():
                if self.needs_refresh():
                    self._raise_if_failed()
                    token_response = yield self.build_refresh_request(request)
                    await _aread(token_response)
                    self._adopt(token_response)
        generation = self._authorize(request)
        response = yield request
        if response.status_code != 401:
            return
        await _aread(response)
        if not self.is_expired_token_response(response):
            return
        async with self._async_lock():
            if self._state.generation == generation:
                self._raise_if_failed()
                token_response = yield self.build_refresh_request(request)
                await _aread(token_response)
                self._adopt(token_response)
        self._authorize(request)
        yield request
