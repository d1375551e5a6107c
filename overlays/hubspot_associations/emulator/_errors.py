"""HubSpot-shaped error bodies. Each builder returns ``(status, body)``; the app adds the correlation id."""

from __future__ import annotations

from typing import Any

ErrorBody = tuple[int, dict[str, Any]]

_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details "
    "at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
_SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. "
    "Read more about required scopes here: https://developers.hubspot.com/scopes."
)
_SCOPES_LINK = "https://developers.hubspot.com/scopes"


def invalid_authentication() -> ErrorBody:
    """401 for a missing or unknown token."""
    return 401, {"status": "error", "message": _AUTH_MESSAGE, "category": "INVALID_AUTHENTICATION"}


def expired_authentication(seconds_ago: int, expired_at_iso: str) -> ErrorBody:
    """401 for an OAuth token past its expiry."""
    return 401, {
        "status": "error",
        "message": f"The OAuth token used to make this call expired {seconds_ago} second(s) ago.",
        "category": "EXPIRED_AUTHENTICATION",
        "context": {"expire time": [expired_at_iso]},
    }


def missing_scopes(required: list[str]) -> ErrorBody:
    """403 when the token lacks a write scope of either object."""
    return 403, {
        "status": "error",
        "message": _SCOPES_MESSAGE,
        "errors": [
            {
                "message": "One or more of the following scopes are required.",
                "context": {"requiredGranularScopes": required},
            }
        ],
        "links": {"scopes": _SCOPES_LINK},
        "category": "MISSING_SCOPES",
    }


def unknown_object_type(segment: str) -> ErrorBody:
    """400 for a path segment that names no object type (real bodies have no ``category``)."""
    return 400, {"status": "error", "message": f"Unable to infer object type from: {segment}"}


def invalid_object_ids(invalid: list[str]) -> ErrorBody:
    """400 for record ids that are not numeric or do not exist (``["CONTACT=99"]``)."""
    return 400, {
        "status": "error",
        "message": "One or more associations are invalid",
        "context": {"INVALID_OBJECT_IDS": invalid},
        "category": "VALIDATION_ERROR",
    }


def invalid_association_types(type_ids: list[str]) -> ErrorBody:
    """400 for association type ids unknown for the pair or category."""
    count = len(type_ids)
    noun = "association type id is" if count == 1 else "association type ids are"
    return 400, {
        "status": "error",
        "message": f"{count} {noun} not valid",
        "context": {"INVALID_ASSOCIATION_TYPE_ID": type_ids},
        "category": "VALIDATION_ERROR",
    }


def no_default_association(from_name: str, to_name: str) -> ErrorBody:
    """400 when a pair has no default association type."""
    return 400, {
        "status": "error",
        "message": f"There is no default association type from {from_name} to {to_name}",
        "category": "VALIDATION_ERROR",
    }


def invalid_input(line: int, column: int, detail: str) -> ErrorBody:
    """400 for a body that is not a valid list of association specs."""
    return 400, {
        "status": "error",
        "message": f"Invalid input JSON on line {line}, column {column}: {detail}",
        "category": "VALIDATION_ERROR",
    }


def rate_limited(policy: str, portal_id: int) -> ErrorBody:
    """429 in HubSpot's rate-limit shape (``errorType``/``policyName``, no ``category``)."""
    if policy == "DAILY":
        message, group = "You have reached your daily limit.", f"publicapi:private-app-daily:{portal_id}"
    else:
        message, group = f"You have reached your {policy.lower()} limit.", f"publicapi:private-app-burst:{portal_id}"
    return 429, {
        "status": "error",
        "message": message,
        "errorType": "RATE_LIMIT",
        "policyName": policy,
        "groupName": group,
    }


def service_unavailable() -> ErrorBody:
    """503 injected as a fault."""
    return 503, {"status": "error", "message": "Service Unavailable", "category": "SERVICE_UNAVAILABLE"}


def not_found(path: str) -> ErrorBody:
    """404 for a path the emulator does not serve."""
    return 404, {"status": "error", "message": f"Resource not found: {path}", "category": "OBJECT_NOT_FOUND"}


def method_not_allowed(method: str) -> ErrorBody:
    """405 for a method a route does not accept."""
    return 405, {"status": "error", "message": f"HTTP method {method} is not supported", "category": "VALIDATION_ERROR"}


def oauth_error(status: str, message: str, error: str) -> ErrorBody:
    """400 from the OAuth token endpoint (``BAD_CLIENT_ID``, ``BAD_REFRESH_TOKEN``, ...)."""
    return 400, {"status": status, "message": message, "error": error}
