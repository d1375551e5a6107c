"""Whether an error dooms the rows after it in a bulk run: :func:`run_wide_failure` and its answer.

Used by the CLI's ``bulk`` (it stops sending, and counts the rest as not attempted) and by callers of
``associate_many`` who want the same rule; the bulk runner itself (``_bulk.py``) only runs rows. The rows a stopped
run leaves unfinished carry :class:`._errors.StoppedError`, which is part of the error tree.
"""

from __future__ import annotations

from typing import NamedTuple

from ._errors import AuthenticationError, CertificateVerificationError, PermissionDeniedError, RateLimitError
from ._oauth import OAuthRefreshError

__all__ = ["RunWideFailure", "run_wide_failure"]


class RunWideFailure(NamedTuple):
    """Why every following row would fail the same way, so a bulk run stops sending (see ``run_wide_failure``).

    Attributes:
        kind: ``AUTHENTICATION`` (401 after any refresh), ``OAUTH_REFRESH`` (the refresh token was refused),
            ``MISSING_SCOPES`` (403), ``DAILY_LIMIT`` (429 with policy ``DAILY``) or ``TLS_CERTIFICATE`` (the
            server's certificate is not trusted).
        object_pair_only: only rows between the same two object types are affected (scopes are per object type).
        fix: what the user has to do before resuming.
    """

    kind: str
    object_pair_only: bool
    fix: str


def run_wide_failure(error: BaseException | None) -> RunWideFailure | None:
    """The one place that decides whether an error dooms the rows after it (None: it concerns this row only).

    * 401: the client already refreshed an OAuth token where it could; a 401 that reaches the caller survives it.
    * A refused OAuth refresh: every later request needs the same refresh.
    * 403 for missing scopes: HubSpot checks scopes per object type, so rows between the same two object types
      fail alike (another 403 concerns its row only).
    * 429 ``DAILY``: the daily cap resets at the account's midnight; seconds of backoff do not help.
    * A certificate that fails verification: every request meets the same certificate.
    """
    if isinstance(error, AuthenticationError):
        return RunWideFailure(
            "AUTHENTICATION",
            False,
            "check the credentials: --token / HUBSPOT_ACCESS_TOKEN, or for OAuth --client-id, --client-secret and "
            "--refresh-token",
        )
    if isinstance(error, OAuthRefreshError):
        return RunWideFailure("OAUTH_REFRESH", False, "check --client-id, --client-secret and --refresh-token")
    if isinstance(error, PermissionDeniedError) and (error.missing_scopes or error.category == "MISSING_SCOPES"):
        scopes = f" ({', '.join(error.missing_scopes)})" if error.missing_scopes else ""
        return RunWideFailure("MISSING_SCOPES", True, f"grant the app the missing scopes{scopes}")
    if isinstance(error, RateLimitError) and error.is_daily:
        return RunWideFailure("DAILY_LIMIT", False, "wait for the daily limit to reset (the account's midnight)")
    if isinstance(error, CertificateVerificationError):
        return RunWideFailure(
            "TLS_CERTIFICATE",
            False,
            "make the server's certificate trusted (a TLS-intercepting proxy's CA in SSL_CERT_FILE) or fix --base-url",
        )
    return None
