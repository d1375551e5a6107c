"""Options every API command shares (credentials, base URL, retries, pacing) and the client built from them."""

from __future__ import annotations

from typing import Annotated, Any

import httpx
import typer

from .. import _validation
from .._api_versions import API_VERSIONS, DEFAULT_API_VERSION, api_version_of
from .._auth import BearerToken
from .._client import HubSpotAssociations
from .._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, TOKEN_ENV_VAR
from .._oauth import OAuthRefresh
from .._validation import InvalidInputError

__all__ = [
    "ApiVersionOption",
    "BaseUrlOption",
    "ClientIdOption",
    "ClientSecretOption",
    "MaxRetriesOption",
    "RateLimitOption",
    "RefreshTokenOption",
    "SharedLimitOption",
    "TokenOption",
    "build_client",
    "parse_rate_limit",
]

_AUTH = "Authentication"
_CONNECTION = "Connection"

TokenOption = Annotated[
    str | None,
    typer.Option(
        "--token", envvar=TOKEN_ENV_VAR, show_default=False, rich_help_panel=_AUTH, help="Private-app or access token."
    ),
]
ClientIdOption = Annotated[
    str | None,
    typer.Option(envvar="HUBSPOT_CLIENT_ID", show_default=False, rich_help_panel=_AUTH, help="OAuth client id."),
]
ClientSecretOption = Annotated[
    str | None,
    typer.Option(
        envvar="HUBSPOT_CLIENT_SECRET", show_default=False, rich_help_panel=_AUTH, help="OAuth client secret."
    ),
]
RefreshTokenOption = Annotated[
    str | None,
    typer.Option(
        envvar="HUBSPOT_REFRESH_TOKEN", show_default=False, rich_help_panel=_AUTH, help="OAuth refresh token."
    ),
]
BaseUrlOption = Annotated[
    str,
    typer.Option(
        envvar="HUBSPOT_BASE_URL", rich_help_panel=_CONNECTION, help="API root: the emulator's URL, or a proxy."
    ),
]


def _api_version(value: str) -> str:
    """``--api-version``, checked while the options are parsed: a typo is a usage error before anything else."""
    try:
        return api_version_of(value, "--api-version").name
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.reason, param_hint="--api-version") from None


ApiVersionOption = Annotated[
    str,
    typer.Option(
        envvar="HUBSPOT_API_VERSION",
        callback=_api_version,
        metavar="VERSION",
        rich_help_panel=_CONNECTION,
        help=f"HubSpot API version: {', '.join(API_VERSIONS)}. v4 is unsupported from 2027-03-30; moving is this "
        "one option (same rows, same journal).",
    ),
]
MaxRetriesOption = Annotated[
    int, typer.Option(min=0, rich_help_panel=_CONNECTION, help="Retries per request after the first attempt.")
]


def _connection_option(metavar: str, help_text: str) -> Any:
    """An optional ``--…`` of the Connection panel whose value is a spelled-out string (no default shown)."""
    return typer.Option(metavar=metavar, show_default=False, rich_help_panel=_CONNECTION, help=help_text)


RateLimitOption = Annotated[
    str | None,
    _connection_option(
        "N/SECONDS",
        "A limit of your own on top of HubSpot's, e.g. 60/1 (at most 60 requests in any second; N alone: per 10 s). "
        "HubSpot's limit, and what other clients of the app use of it, is always taken from its headers.",
    ),
]
SharedLimitOption = Annotated[
    str | None,
    _connection_option(
        "REDIS_URL",
        "Share one rate-limit budget with every process of this app and account through Redis, e.g. "
        "redis://127.0.0.1:6379/0 (needs the 'redis' extra).",
    ),
]


def parse_rate_limit(text: str | None) -> tuple[int | None, float]:
    """``"190/10"`` → ``(190, 10.0)``; ``None`` → no configured limit (adopt the server's)."""
    if text is None:
        return None, 10.0
    try:
        return _validation.parse_rate_limit(text)
    except InvalidInputError as exc:
        raise typer.BadParameter(exc.reason, param_hint=exc.argument) from None


def _auth(
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    refresh_token: str | None,
) -> httpx.Auth:
    if token:
        try:
            return BearerToken(token.strip())
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--token") from None
    oauth = {"--client-id": client_id, "--client-secret": client_secret, "--refresh-token": refresh_token}
    if not any(oauth.values()):
        raise typer.BadParameter(
            f"no credentials: pass --token (or set {TOKEN_ENV_VAR}), or --client-id, --client-secret and "
            "--refresh-token (or HUBSPOT_CLIENT_ID, HUBSPOT_CLIENT_SECRET, HUBSPOT_REFRESH_TOKEN)",
            param_hint="--token",
        )
    missing = [name for name, value in oauth.items() if not value]
    if missing:
        raise typer.BadParameter(f"OAuth also needs {', '.join(missing)}", param_hint="--client-id")
    # No token_url: the client makes the refresh follow --base-url (oauth_token_url, as for library users).
    try:
        return OAuthRefresh(str(client_id), str(client_secret), str(refresh_token))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--client-id") from None


def build_client(
    *,
    token: str | None,
    client_id: str | None,
    client_secret: str | None,
    refresh_token: str | None,
    base_url: str = DEFAULT_BASE_URL,
    api_version: str = DEFAULT_API_VERSION,
    max_retries: int = DEFAULT_MAX_RETRIES,
    rate_limit: str | None = None,
    shared_limit: str | None = None,
) -> HubSpotAssociations:
    """The sync client for a command; bad options raise :class:`typer.BadParameter` (exit status 2)."""
    limit, window = parse_rate_limit(rate_limit)
    auth = _auth(token, client_id, client_secret, refresh_token)
    try:
        return HubSpotAssociations(
            auth=auth,
            base_url=base_url,
            api_version=api_version,
            max_retries=max_retries,
            rate_limit=limit,
            rate_limit_window=window,
            shared_limit=shared_limit,
        )
    except InvalidInputError as exc:
        hint = "--shared-limit" if exc.argument.startswith("shared_limit") else None
        raise typer.BadParameter(exc.reason if hint else str(exc), param_hint=hint) from None
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
