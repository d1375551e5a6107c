"""What the OAuth token endpoint answers: :class:`OAuthTokens`, :class:`OAuthRefreshError`, and the parser that
turns an answer (read within the body cap) into one or the other.

Used by ``_oauth.OAuthRefresh``; a token answer is outside data like any other, so every field is checked and a
message the server wrote is scrubbed of the client's secrets before it reaches an error.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import httpx

from . import _response
from ._auth import mask_secret, validate_token
from ._bounds import BodyReader, Deadline
from ._clamps import clamp_token_lifetime
from ._constants import DEFAULT_MAX_RESPONSE_BYTES
from ._errors import HubSpotError

__all__ = ["OAuthRefreshError", "OAuthTokens", "aread_capped", "parse_token_response", "read_capped"]


@attrs.frozen(slots=True)
class OAuthTokens:
    """The result of one token refresh, handed to ``on_refresh`` so callers can persist it.

    ``expires_at`` is a Unix time (per the ``clock`` of ``OAuthRefresh``), ``None`` if the server sent no
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


def read_capped(response: httpx.Response) -> None:
    """Read a token or 401 answer, refusing past ``DEFAULT_MAX_RESPONSE_BYTES`` decoded (a token is ~300 bytes)."""
    try:
        BodyReader(response, DEFAULT_MAX_RESPONSE_BYTES, Deadline(None)).read()
    finally:
        response.close()


async def aread_capped(response: httpx.Response) -> None:
    """The async twin of :func:`read_capped`."""
    try:
        await BodyReader(response, DEFAULT_MAX_RESPONSE_BYTES, Deadline(None)).aread()
    finally:
        await response.aclose()


def parse_token_response(
    response: httpx.Response, *, now: float, refresh_token: str, scrub: Callable[[str], str]
) -> OAuthTokens:
    """A token-endpoint answer (its body read) as :class:`OAuthTokens`, or :class:`OAuthRefreshError`.

    ``now`` dates ``expires_at``; ``refresh_token`` is kept when the answer rotates none; ``scrub`` removes the
    client's secrets from a message the server wrote.
    """
    parsed, _ = _response.parse_json(_response.read_body(response))
    body: dict[Any, Any] = parsed if isinstance(parsed, dict) else {}
    correlation_id = _response.correlation_id(response.headers, body)
    if not response.is_success:
        # Only strings are read from the body: anything else (a list, a huge number) is not a message.
        status = _response.first_text(body.get("status"))
        error = _response.first_text(body.get("error"))
        raw_message = _response.first_text(body.get("message"), body.get("error_description"), response.reason_phrase)
        code = " / ".join(part for part in (status, error) if part)
        text = f"OAuth token refresh failed: HTTP {response.status_code}" + (f" {code}" if code else "")
        if raw_message:
            text += f": {raw_message[:500]}"
        raise OAuthRefreshError(
            scrub(text),
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
        validate_token(access_token)
    except ValueError as exc:
        raise OAuthRefreshError(
            f"OAuth token refresh failed: unusable access_token in response ({exc})",
            status_code=response.status_code,
            correlation_id=correlation_id,
        ) from None
    rotated = body.get("refresh_token")
    if isinstance(rotated, str) and rotated:
        refresh_token = rotated
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
    expires_at = None if expires_in is None else now + expires_in
    hub_id = body.get("hub_id")
    if type(hub_id) is not int or not 0 < hub_id < 2**63:  # not bool, not a string: an id we can trust
        hub_id = None
    return OAuthTokens(access_token, refresh_token, expires_at, expires_in, scopes, hub_id)
