"""Static-token authentication: :class:`BearerToken` (an :class:`httpx.Auth`), the token from the environment,
and the checks every token, secret and token URL goes through.

The OAuth refresh flow (:class:`OAuthRefresh`, :class:`OAuthTokens`, :class:`OAuthRefreshError`) lives in
``_oauth.py``, imported only by those who use it. Both work with ``httpx.Client`` and ``httpx.AsyncClient`` alike,
through any transport (``MockTransport``, the emulator's ASGI app, a real network).
"""

from __future__ import annotations

import os
from collections.abc import AsyncGenerator, Generator, Mapping

import httpx

from ._constants import OAUTH_TOKEN_PATH_V1, TOKEN_ENV_VAR

__all__ = [
    "BearerToken",
    "MissingCredentialsError",
    "mask_secret",
    "oauth_token_url",
    "token_from_env",
    "validate_token",
]


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


def validate_token(token: object, what: str = "access token") -> str:
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
    return validate_token(value, f"access token in {TOKEN_ENV_VAR}")


class BearerToken(httpx.Auth):
    """A static token sent as ``Authorization: Bearer ...``: a private-app token (``pat-...``) or an OAuth access
    token you refresh yourself.

    Examples:
        >>> BearerToken("pat-na1-0123456789abcdef")
        BearerToken(token='pat-...***')
    """

    __slots__ = ("_header",)

    def __init__(self, token: str) -> None:
        self._header = f"Bearer {validate_token(token)}"

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
        """Same as ``auth_flow`` (no I/O, no locking)."""
        request.headers["Authorization"] = self._header
        yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        """Same as ``auth_flow`` (no I/O, no locking)."""
        request.headers["Authorization"] = self._header
        yield request
