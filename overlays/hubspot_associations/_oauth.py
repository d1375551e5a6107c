"""OAuth 2 refresh as an :class:`httpx.Auth`: :class:`OAuthRefresh` (the token endpoint's answers, the
:class:`OAuthTokens` it hands to ``on_refresh`` and :class:`OAuthRefreshError`, are read in ``_oauth_tokens.py``).

Imported only by those who use OAuth (``hubspot_associations.OAuthRefresh`` resolves on first use), so a client
with a static token never builds these classes. The refresh decisions are written once (``OAuthRefresh._flow``);
the sync and async drivers around it differ only in their lock and how they read a body.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections import deque
from collections.abc import AsyncGenerator, Callable, Generator
from typing import TYPE_CHECKING

import attrs
import httpx

from . import _response
from ._auth import oauth_token_url, validate_token
from ._bounds import ACCEPT_ENCODING
from ._constants import DEFAULT_REFRESH_MARGIN, OAUTH_TOKEN_PATH_V1
from ._oauth_tokens import OAuthRefreshError, OAuthTokens, aread_capped, parse_token_response, read_capped
from ._secrets import Scrubber

if TYPE_CHECKING:  # imported where used: sync-only users do not pay for it at import
    import anyio

__all__ = ["OAuthRefresh", "OAuthRefreshError", "OAuthTokens"]

_ACQUIRE = object()
"""A step of ``OAuthRefresh._flow``: take the refresh lock."""
_RELEASE = object()
"""A step of ``OAuthRefresh._flow``: give the refresh lock back."""


def _answer(reply: httpx.Response | None) -> httpx.Response:
    """What a driver sent back for a request step (always a response: ``None`` answers only the lock steps)."""
    assert reply is not None
    return reply


def _parses(url: str) -> bool:
    try:
        port = httpx.URL(url).port
    except httpx.InvalidURL:  # e.g. "http://[::1": refused here, not at the first refresh (outside the error tree)
        return False
    return port is None or 0 < port < 65536


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
      ``base_url``: ``oauth_token_url`` of it once a ``hubspot_associations.HubSpotAssociations`` (or
      its async twin) adopts this auth, else ``/oauth/v1/token`` at the origin of the request being
      authenticated (a plain ``httpx.Client``). So the secrets go where the API calls go: HubSpot, the emulator,
      or your proxy. A ``token_url`` you name is used as given (a path starting with ``/`` resolves against the
      request's origin); one on another host than ``base_url`` is allowed, and is your decision.
    * A rotated ``refresh_token`` in the response is adopted; ``on_refresh`` is called with the new
      ``OAuthTokens`` after every refresh, inside the refresh lock (its exceptions propagate to the request
      that triggered the refresh).
    * One refresh at a time: threads share a ``threading.Lock``, async tasks an ``anyio.Lock`` per event
      loop (asyncio or trio); callers that waited re-check and reuse a token refreshed meanwhile. (A sync and an
      async client sharing one instance are each serialised, not against each other.)
    * A refresh refused with a 4xx (bad refresh token, bad client id) raises ``OAuthRefreshError`` and is
      remembered: later requests raise it again without hammering the token endpoint, until
      ``set_tokens`` supplies new credentials. 5xx and transport errors are not remembered.

    ``clock`` returns Unix time (default ``time.time``) so ``expires_at`` can be persisted across processes.

    For example:

        auth = OAuthRefresh(client_id, client_secret, refresh_token, on_refresh=save_tokens)
        client = HubSpotAssociations(auth=auth)  # refreshes at https://api.hubapi.com/oauth/v1/token
    """

    requires_request_body = True  # the request may be sent twice (after a refresh on 401)
    # A 401's JSON body says whether the token expired, but the flows read it themselves, within the body cap:
    # httpx's own wrappers would read every answer whole.
    requires_response_body = False

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
        validate_token(client_secret, "client secret")
        validate_token(refresh_token, "refresh token")
        if access_token is not None:
            validate_token(access_token)
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
        new_refresh = old.refresh_token if refresh_token is None else validate_token(refresh_token, "refresh token")
        if access_token is not None:
            validate_token(access_token)
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
        """Refresh at ``oauth_token_url`` of ``base_url`` (the clients call this; a named ``token_url`` wins).

        One instance follows one base URL: a second client with another ``base_url`` raises ``ValueError``
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
        """Turn a token-endpoint response into ``OAuthTokens``, or raise ``OAuthRefreshError``."""
        return parse_token_response(
            response, now=self._clock(), refresh_token=self._state.refresh_token, scrub=self._scrub
        )

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

    # -- the flow: its decisions written once; the sync and async drivers own locking and I/O -----------------

    def _flow(self, request: httpx.Request) -> Generator[object, httpx.Response | None, None]:
        """Every decision of one authenticated request, as steps for a driver.

        Yields a request to send (the driver sends back its answer, whose body it has read within the cap when
        this flow looks at it: a token answer or a 401), or :data:`_ACQUIRE` / :data:`_RELEASE` for the refresh
        lock (the driver sends back ``None``, and releases a held lock itself if the flow raises or is closed).
        """
        if self.needs_refresh():
            self._raise_if_failed()
            yield _ACQUIRE
            if self.needs_refresh():  # another thread or task may have refreshed while we waited
                self._raise_if_failed()
                self._adopt(_answer((yield self.build_refresh_request(request))))
            yield _RELEASE
        generation = self._authorize(request)
        response = _answer((yield request))
        if not self.is_expired_token_response(response):
            return
        yield _ACQUIRE
        if self._state.generation == generation:  # nobody refreshed since our token was issued
            self._raise_if_failed()
            self._adopt(_answer((yield self.build_refresh_request(request))))
        yield _RELEASE
        self._authorize(request)
        yield request

    @staticmethod
    def _must_read(step: httpx.Request, request: httpx.Request, response: httpx.Response) -> bool:
        """Whether the flow reads ``response``'s body: a token answer, or a 401 to the request itself."""
        return step is not request or response.status_code == 401

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """The flow for ``httpx.Client`` (and for callers driving ``auth_flow`` themselves): one refresh at a
        time across threads."""
        request.read()
        flow = self._flow(request)
        locked = False
        reply: httpx.Response | None = None
        try:
            while True:
                try:
                    step = flow.send(reply)
                except StopIteration:
                    return
                reply = None
                if step is _ACQUIRE:
                    self._thread_lock.acquire()
                    locked = True
                elif step is _RELEASE:
                    self._thread_lock.release()
                    locked = False
                else:
                    assert isinstance(step, httpx.Request)
                    reply = yield step
                    if self._must_read(step, request, reply):
                        read_capped(reply)
        finally:
            if locked:
                self._thread_lock.release()

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        """``auth_flow`` itself (no wrapper layer)."""
        return self.auth_flow(request)

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
        """The flow for ``httpx.AsyncClient``: one refresh at a time across the tasks of an event loop."""
        await request.aread()
        flow = self._flow(request)
        held: anyio.Lock | None = None
        reply: httpx.Response | None = None
        try:
            while True:
                try:
                    step = flow.send(reply)
                except StopIteration:
                    return
                reply = None
                if step is _ACQUIRE:
                    held = self._async_lock()
                    await held.acquire()
                elif step is _RELEASE:
                    assert held is not None
                    held.release()
                    held = None
                else:
                    assert isinstance(step, httpx.Request)
                    reply = yield step
                    if self._must_read(step, request, reply):
                        await aread_capped(reply)
        finally:
            if held is not None:
                held.release()
