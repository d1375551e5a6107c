"""The constructor's and each call's arguments, checked before any request is sent.

Each function returns the normalised value or raises :class:`InvalidInputError` naming the argument; the number
and id checks themselves live in ``_validation.py``, the token's in ``_auth.py``.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import httpx

from ._auth import BearerToken, MissingCredentialsError, token_from_env
from ._constants import DEFAULT_BASE_URL, DEFAULT_TIMEOUT
from ._validation import InvalidInputError, validate_object_id, validate_object_type, validate_seconds

__all__ = ["auth_of", "base_url_of", "check_transport", "path_args", "seam", "timeout_of"]


def path_args(
    from_object_type: object, from_object_id: object, to_object_type: object, to_object_id: object
) -> tuple[str, str, str, str]:
    """The four path segments, validated and normalised; raises InvalidInputError naming the argument."""
    return (
        validate_object_type(from_object_type, "from_object_type"),
        validate_object_id(from_object_id, "from_object_id"),
        validate_object_type(to_object_type, "to_object_type"),
        validate_object_id(to_object_id, "to_object_id"),
    )


def timeout_of(value: float | httpx.Timeout) -> httpx.Timeout:
    """``timeout=`` as an :class:`httpx.Timeout`; see :class:`BaseClient` for what it bounds."""
    if isinstance(value, httpx.Timeout):
        return value
    try:
        seconds = validate_seconds(value, "timeout")
    except InvalidInputError:
        raise InvalidInputError(
            "timeout", f"must be a positive number of seconds or an httpx.Timeout, got {value!r}"
        ) from None
    # A plain number is the whole call's budget; connecting never gets longer than the default 5 s of it.
    return httpx.Timeout(seconds, connect=min(seconds, DEFAULT_TIMEOUT.connect or 5.0))


def base_url_of(value: str) -> str:
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):  # e.g. "http://[::1", a port beyond 65535, not a str
        url = httpx.URL()
    if url.scheme not in ("http", "https") or not url.host or not 0 < (url.port or 80) < 65536:
        raise InvalidInputError("base_url", f"must be an http(s) URL such as {DEFAULT_BASE_URL!r}, got {value!r}")
    return str(url).rstrip("/")


def auth_of(access_token: str | None, auth: httpx.Auth | None, base_url: str) -> httpx.Auth:
    if auth is not None and access_token is not None:
        raise InvalidInputError("auth", "pass either access_token or auth, not both")
    if auth is not None:
        if not isinstance(auth, httpx.Auth):
            raise InvalidInputError("auth", f"must be an httpx.Auth such as OAuthRefresh, got {type(auth).__name__}")
        oauth = sys.modules.get(f"{__package__}._oauth")  # not loaded: then auth cannot be an OAuthRefresh
        if oauth is not None and isinstance(auth, oauth.OAuthRefresh):
            try:
                auth.follow_base_url(base_url)  # the refresh goes to base_url's host unless token_url says otherwise
            except ValueError as exc:
                raise InvalidInputError("auth", str(exc)) from None
        return auth
    try:
        return BearerToken(access_token if access_token is not None else token_from_env())
    except MissingCredentialsError:
        raise
    except (TypeError, ValueError) as exc:  # BearerToken's message never contains the token itself
        raise InvalidInputError("access_token", str(exc)) from None


def check_transport(http_client: httpx.Client | httpx.AsyncClient) -> None:
    # httpx accepts any transport and fails only at the first request, with an AttributeError from inside httpx
    # (the usual case: ``httpx.ASGITransport``, which is async-only, in an ``httpx.Client``). Say so up front.
    transport = getattr(http_client, "_transport", None)
    sync = isinstance(http_client, httpx.Client)
    expected = httpx.BaseTransport if sync else httpx.AsyncBaseTransport
    if transport is None or isinstance(transport, expected):
        return
    hint = (
        " (for the emulator from the sync client, serve it with run_emulator_in_thread() and pass its base_url, "
        "or use AsyncHubSpotAssociations)"
        if sync
        else ""
    )
    raise InvalidInputError(
        "http_client",
        f"its transport {type(transport).__name__} is not an httpx.{expected.__name__}, so it cannot serve an "
        f"httpx.{type(http_client).__name__}{hint}",
    )


def seam(value: object, name: str, *, refuse_async: bool = False) -> Any:
    """``clock=`` / ``sleep=`` checked: a callable (for ``sleep``, a coroutine function only for the async client)."""
    if not callable(value):
        raise InvalidInputError(name, f"must be a callable, got {type(value).__name__}")
    if refuse_async and inspect.iscoroutinefunction(value):
        raise InvalidInputError(name, "is an async function: it belongs to AsyncHubSpotAssociations")
    return value
