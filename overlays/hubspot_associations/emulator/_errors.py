"""HubSpot-shaped error bodies. Each builder returns ``(status, body)``; the app adds the correlation id.

Messages, keys and shapes come from :mod:`._facts`; ``docs/emulator.md`` describes them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import _facts as facts

ErrorBody = tuple[int, dict[str, Any]]


def invalid_authentication() -> ErrorBody:
    """401 for a missing or unknown token."""
    return 401, {"status": "error", "message": facts.AUTH_MESSAGE, "category": "INVALID_AUTHENTICATION"}


def expired_authentication(seconds_ago: int, expired_at_iso: str) -> ErrorBody:
    """401 for an OAuth token past its expiry."""
    return 401, {
        "status": "error",
        "message": facts.EXPIRED_MESSAGE.format(seconds=seconds_ago),
        "category": "EXPIRED_AUTHENTICATION",
        "context": {"expire time": [expired_at_iso]},
    }


def missing_scopes(required: list[str]) -> ErrorBody:
    """403 when the token lacks a write scope of either object."""
    return 403, {
        "status": "error",
        "message": facts.SCOPES_MESSAGE,
        "errors": [{"message": facts.SCOPES_DETAIL_MESSAGE, "context": {"requiredGranularScopes": required}}],
        "links": {"scopes": facts.SCOPES_LINK},
        "category": "MISSING_SCOPES",
    }


def unknown_object_type(segment: str) -> ErrorBody:
    """400 for a path segment that names no object type (real bodies have no ``category``)."""
    return 400, {"status": "error", "message": facts.UNKNOWN_OBJECT_TYPE_MESSAGE.format(segment=segment)}


def invalid_object_ids(invalid: Sequence[tuple[str, str]]) -> ErrorBody:
    """400 for record ids that are not numeric or do not exist, given as ``(error name, id)`` pairs.

    ``context`` lists each one as ``CONTACT=99 is not valid`` under ``INVALID_OBJECT_IDS``, with the ids under
    ``objectId`` and their types under ``objectType`` (in the same order).
    """
    return 400, {
        "status": "error",
        "message": facts.INVALID_ASSOCIATIONS_MESSAGE,
        "context": {
            "objectId": [object_id for _name, object_id in invalid],
            "objectType": [name for name, _object_id in invalid],
            "INVALID_OBJECT_IDS": [
                facts.INVALID_OBJECT_ID_ENTRY.format(name=name, object_id=object_id) for name, object_id in invalid
            ],
        },
        "category": "VALIDATION_ERROR",
    }


def invalid_association_types(specs: Sequence[tuple[str, int]]) -> ErrorBody:
    """400 for association specs ``(category, type id)`` unknown for the pair.

    ``context.associationSpec`` names each spec as ``USER_DEFINED=3``; ``INVALID_ASSOCIATION_TYPE_ID`` says why.
    """
    return 400, {
        "status": "error",
        "message": facts.INVALID_ASSOCIATIONS_MESSAGE,
        "context": {
            "associationSpec": [f"{category}={type_id}" for category, type_id in specs],
            "INVALID_ASSOCIATION_TYPE_ID": [
                facts.INVALID_TYPE_ENTRY.format(category=category, type_id=type_id) for category, type_id in specs
            ],
        },
        "category": "VALIDATION_ERROR",
    }


def no_default_association(from_name: str, to_name: str) -> ErrorBody:
    """400 when a pair has no default association type."""
    return 400, {
        "status": "error",
        "message": facts.NO_DEFAULT_MESSAGE.format(from_name=from_name, to_name=to_name),
        "category": "VALIDATION_ERROR",
    }


def invalid_input(line: int, column: int, detail: str) -> ErrorBody:
    """400 for a body that is not a valid list of association specs."""
    return 400, {
        "status": "error",
        "message": facts.INVALID_JSON_MESSAGE.format(line=line, column=column, detail=detail),
        "category": "VALIDATION_ERROR",
    }


def no_body() -> ErrorBody:
    """400 for a batch request without a body."""
    return 400, {"status": "error", "message": facts.NO_BODY_MESSAGE, "category": "VALIDATION_ERROR"}


def too_many_inputs(count: int, limit: int) -> ErrorBody:
    """400 for a batch with more inputs than the emulator's ``batch_input_limit``."""
    return 400, {
        "status": "error",
        "message": facts.TOO_MANY_INPUTS_MESSAGE.format(count=count, limit=limit),
        "category": "VALIDATION_ERROR",
    }


def invalid_identifier(object_id: str) -> dict[str, Any]:
    """A batch ``errors[]`` item for a record id that names no record: the id in ``context.id``."""
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "subCategory": facts.INVALID_IDENTIFIER_SUB_CATEGORY,
        "message": facts.INVALID_IDENTIFIER_MESSAGE.format(object_id=object_id),
        "context": {"id": [object_id]},
    }


def self_association(object_id: str) -> dict[str, Any]:
    """A batch ``errors[]`` item for a record associated with itself: no ``context``, the id only in the message."""
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": facts.SELF_ASSOCIATION_MESSAGE.format(object_id=object_id),
    }


def self_association_refused(object_id: str) -> ErrorBody:
    """400 for a single ``PUT`` of a record with itself: the batch item's body and message. Our reading, not
    confirmed by HubSpot (``docs/emulator.md``)."""
    return 400, self_association(object_id)


def invalid_association_type_item(category: str, type_id: int) -> dict[str, Any]:
    """A batch ``errors[]`` item for an association type unknown for the pair: it names the spec, no record id."""
    return {
        "status": "error",
        "category": "VALIDATION_ERROR",
        "message": facts.INVALID_TYPE_ENTRY.format(category=category, type_id=type_id),
        "context": {"associationSpec": [f"{category}={type_id}"]},
    }


def rate_limited(policy: str, portal_id: int, request_id: str) -> ErrorBody:
    """429 in HubSpot's rate-limit shape (``errorType``/``policyName``/``requestId``, no ``category``)."""
    return 429, {
        "status": "error",
        "message": facts.RATE_LIMIT_MESSAGE.format(policy=policy.lower()),
        "errorType": "RATE_LIMIT",
        "policyName": policy,
        "groupName": facts.RATE_LIMIT_GROUPS[policy].format(portal_id=portal_id),
        "requestId": request_id,
    }


def internal_error() -> ErrorBody:
    """500 as HubSpot itself answers it: JSON, like every other HubSpot error."""
    return 500, {"status": "error", "message": facts.INTERNAL_ERROR_MESSAGE, "category": "INTERNAL_ERROR"}


def service_unavailable() -> ErrorBody:
    """503 injected as a fault."""
    return 503, {"status": "error", "message": facts.SERVICE_UNAVAILABLE_MESSAGE, "category": "SERVICE_UNAVAILABLE"}


def invalid_query(name: str, detail: str) -> ErrorBody:
    """400 for a query parameter out of range (``limit`` above 500, a cursor this endpoint never sent)."""
    return 400, {
        "status": "error",
        "message": f"Invalid query parameter '{name}': {detail}",
        "category": "VALIDATION_ERROR",
    }


def admin_bad_request(detail: str) -> ErrorBody:
    """400 for a body the emulator's own admin routes cannot read."""
    return 400, {"status": "error", "message": detail, "category": "VALIDATION_ERROR"}


def not_found(path: str) -> ErrorBody:
    """404 for a path the emulator does not serve."""
    return 404, {
        "status": "error",
        "message": facts.NOT_FOUND_MESSAGE.format(path=path),
        "category": "OBJECT_NOT_FOUND",
    }


def method_not_allowed(method: str) -> ErrorBody:
    """405 for a method a route does not accept."""
    return 405, {
        "status": "error",
        "message": facts.METHOD_NOT_ALLOWED_MESSAGE.format(method=method),
        "category": "VALIDATION_ERROR",
    }


def oauth_error(status: str, message: str, error: str) -> ErrorBody:
    """400 from the OAuth token endpoint (``BAD_CLIENT_ID``, ``BAD_REFRESH_TOKEN``, ...)."""
    return 400, {"status": status, "message": message, "error": error}
