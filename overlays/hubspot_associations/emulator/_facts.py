"""What the emulator knows about how HubSpot answers: one table of messages, shapes, headers, limits and faults.

Every builder in :mod:`._errors` and every header the app sets reads from here, so a fact is corrected in one
place. ``docs/emulator.md`` describes each fact, where it comes from and what the emulator does *not* model.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

# -- headers -------------------------------------------------------------------------------------------------------

JSON_CONTENT_TYPE: Final = "application/json;charset=utf-8"
"""HubSpot's ``Content-Type`` for JSON bodies (no space before ``charset``)."""
HTML_CONTENT_TYPE: Final = "text/html; charset=UTF-8"
"""Cloudflare's ``Content-Type`` for its error pages."""
CORRELATION_HEADER: Final = "X-HubSpot-Correlation-Id"
"""Sent on every response; equals ``correlationId`` in error bodies."""
AUTH_FAILURE_HEADER: Final = "x-hubspot-auth-failure"
AUTH_FAILURE_VALUE: Final = "401 Unauthorized"
RATE_MAX_HEADER: Final = "X-HubSpot-RateLimit-Max"
RATE_REMAINING_HEADER: Final = "X-HubSpot-RateLimit-Remaining"
RATE_INTERVAL_HEADER: Final = "X-HubSpot-RateLimit-Interval-Milliseconds"
DAILY_HEADER: Final = "X-HubSpot-RateLimit-Daily"
"""Sent on every private-app response, never for OAuth access tokens."""
DAILY_REMAINING_HEADER: Final = "X-HubSpot-RateLimit-Daily-Remaining"

# -- limits --------------------------------------------------------------------------------------------------------

DEFAULT_RATE_LIMIT: Final = 190
"""Requests per rolling window of a Professional/Enterprise private app."""
DEFAULT_RATE_WINDOW_S: Final = 10.0
DEFAULT_DAILY_LIMIT: Final = 1_000_000
"""Requests per day of an Enterprise account (Free/Starter: 250,000)."""
DEFAULT_BATCH_INPUT_LIMIT: Final = 2000

BATCH_READ_LIMIT: Final = 1000
"""HubSpot's cap on ``batch/read`` inputs since 2025-02-10 (more: a 400)."""

PAGE_LIMIT: Final = 500
"""The largest page of a record's associations (``limit``; also each id's page in ``batch/read``)."""
"""Inputs one batch request may carry before a 400. HubSpot documents no limit for batch/create and
batch/associate/default; 2,000 is the most a production integration is known to send."""
OAUTH_TOKEN_LIFETIME_S: Final = 1800
"""What ``expires_in`` says for a refreshed OAuth access token (about 30 minutes)."""

# -- request vocabulary --------------------------------------------------------------------------------------------

ASSOCIATION_CATEGORIES: Final[tuple[str, ...]] = ("HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK")
"""Values accepted for ``associationCategory``, in the order HubSpot's deserializer lists them.

Deliberately not the SDK's ``_validation.ASSOCIATION_CATEGORIES``: this is HubSpot's side of the contract (the
emulator's independent oracle, as :mod:`._catalog` explains), exact-case and ordered for the error message it
echoes; the SDK's is what it lets users send (any ASCII case). Kept apart, a category one side lacks fails a test."""
MAX_OBJECT_ID_DIGITS: Final = 19
"""Record ids are 64-bit; a longer digit string names no record (and is never converted to ``int``)."""
INT32_MAX: Final = 2**31 - 1

# -- messages ------------------------------------------------------------------------------------------------------

AUTH_MESSAGE: Final = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details "
    "at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
EXPIRED_MESSAGE: Final = "The OAuth token used to make this call expired {seconds} second(s) ago."
SCOPES_MESSAGE: Final = (
    "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes."
)
SCOPES_DETAIL_MESSAGE: Final = "One or more of the following scopes are required."
SCOPES_LINK: Final = "https://developers.hubspot.com/scopes"
INVALID_ASSOCIATIONS_MESSAGE: Final = "One or more associations are invalid"
"""The message of both ``INVALID_OBJECT_IDS`` and ``INVALID_ASSOCIATION_TYPE_ID`` answers."""
INVALID_OBJECT_ID_ENTRY: Final = "{name}={object_id} is not valid"
"""One ``INVALID_OBJECT_IDS`` entry: ``CONTACT=38374264688 is not valid``."""
INVALID_TYPE_ENTRY: Final = "{category}={type_id} is not a valid association definition id"
"""One ``INVALID_ASSOCIATION_TYPE_ID`` entry; the matching ``associationSpec`` entry is ``{category}={type_id}``."""
UNKNOWN_OBJECT_TYPE_MESSAGE: Final = "Unable to infer object type from: {segment}"
"""Sent without ``category``."""
NO_DEFAULT_MESSAGE: Final = "There is no default association type from {from_name} to {to_name}"
INVALID_JSON_MESSAGE: Final = "Invalid input JSON on line {line}, column {column}: {detail}"
NO_BODY_MESSAGE: Final = "Invalid JSON input: a request body was expected, but none found"
"""A batch request without a body (quoted from real traffic)."""
TOO_MANY_INPUTS_MESSAGE: Final = "Batch input of {count} inputs exceeds the limit of {limit}"
"""Over the input cap (HubSpot's wording is not confirmed; batch/read's cap is said to be "rejected with an error")."""
INVALID_IDENTIFIER_MESSAGE: Final = "{object_id} is not a valid ID"
INVALID_IDENTIFIER_SUB_CATEGORY: Final = "crm.associations.INVALID_IDENTIFIER"
SELF_ASSOCIATION_MESSAGE: Final = "Object {object_id} cannot be associated to itself ({object_id})"
"""A batch item for a record associated with itself: sent without ``context``. The single PUTs' 400 for it reuses
the message (our reading, unconfirmed: ``docs/emulator.md``)."""
RATE_LIMIT_MESSAGE: Final = "You have reached your {policy} limit."
"""``{policy}`` is the lowercase policy name: ``daily``, ``ten_secondly_rolling``."""
RATE_LIMIT_GROUPS: Final[Mapping[str, str]] = MappingProxyType(
    {
        "DAILY": "publicapi:private-app-daily:{portal_id}",
        "TEN_SECONDLY_ROLLING": "publicapi:private-app-burst:{portal_id}",
    }
)
INTERNAL_ERROR_MESSAGE: Final = "internal error"
SERVICE_UNAVAILABLE_MESSAGE: Final = "Service Unavailable"
NOT_FOUND_MESSAGE: Final = "Resource not found: {path}"
METHOD_NOT_ALLOWED_MESSAGE: Final = "HTTP method {method} is not supported"

# -- faults --------------------------------------------------------------------------------------------------------

CLOUDFLARE_ERRORS: Final[Mapping[int, str]] = MappingProxyType(
    {
        502: "Bad gateway",
        520: "Web server is returning an unknown error",
        521: "Web server is down",
        522: "Connection timed out",
        523: "Origin is unreachable",
        524: "A timeout occurred",
        525: "SSL handshake failed",
        526: "Invalid SSL certificate",
        527: "Railgun Listener to origin error",
    }
)
"""The HTML pages Cloudflare (in front of HubSpot) serves instead of a HubSpot answer, by status."""

JSON_FAULTS: Final[Mapping[str, int]] = MappingProxyType({"500": 500, "503": 503})
"""Faults HubSpot itself answers, with its usual JSON error body."""
HTML_FAULTS: Final[Mapping[str, int]] = MappingProxyType({f"{status}_html": status for status in CLOUDFLARE_ERRORS})
"""Faults Cloudflare answers with an HTML page: ``502_html`` and ``520_html`` … ``527_html``."""
DROP_FAULTS: Final[tuple[str, ...]] = ("drop", "drop_after_commit")
"""The connection drops mid-response, before or after the association was stored."""
FAULT_KINDS: Final[frozenset[str]] = frozenset({*JSON_FAULTS, *HTML_FAULTS, *DROP_FAULTS})
"""Every fault kind the emulator knows how to inject."""
DEFAULT_FAULTS: Final[tuple[str, ...]] = ("500", "502_html", "503", "520_html", "drop")
"""What ``fault_rate`` draws from unless ``faults`` says otherwise."""
