"""What a 2xx body must be to count as the documented result, checked on every successful call.

The generated ``from_dict`` builds the models; these functions add what it does not check (field types, the
older wrapped shape of the labelled answer, batch errors whose ``context`` is a JSON string). ``BaseClient._parse``
turns anything they raise into one :class:`UnexpectedResponseError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation

if TYPE_CHECKING:
    from hubspot_associations_api.models import ErrorContextObject, LabelsBetweenObjectPair

__all__ = ["describe", "parse_default", "parse_labelled"]

T = TypeVar("T")

# The generated from_dict trusts field types (an id of null or true would come back as None/True); a body that
# parses but has the wrong field types is not the documented result either. Plain checks: this runs on every call.


def parse_default(data: Any) -> BatchResponsePublicDefaultAssociation:
    parsed = BatchResponsePublicDefaultAssociation.from_dict(data)
    for item in parsed.results:
        if not (isinstance(item.from_.id, str) and isinstance(item.to.id, str)):
            raise TypeError("result ids must be strings or integers")
        if type(item.association_spec.association_type_id) is not int:  # not bool, not float
            raise TypeError("associationTypeId must be an integer")
    if isinstance(parsed.errors, list):  # usually absent or empty
        for error in parsed.errors:
            error.context = _decoded(error.context)
            for detail in error.errors if isinstance(error.errors, list) else ():
                detail.context = _decoded(detail.context)
    return parsed


def _decoded(context: T) -> T | ErrorContextObject:
    """A batch error's ``context`` sent as a string (JSON-encoded, as in HubSpot's own documentation example, or
    Java's ``Map.toString()``) as the object it encodes; anything else unchanged."""
    if not isinstance(context, str):
        return context
    # Imported here: only a batch result that carries errors gets this far (see test_import_footprint.py).
    from hubspot_associations_api.models import ErrorContextObject

    from ._error_body import normalize_context

    decoded = normalize_context(context)
    return context if "_raw" in decoded or not context.strip() else ErrorContextObject.from_dict(decoded)


def parse_labelled(data: Any) -> LabelsBetweenObjectPair:
    # From 2025-09 to 2026-02 HubSpot's spec wrapped the pair as {"createdResourceId", "entity", "location"}.
    if isinstance(data, dict) and "entity" in data and "fromObjectId" not in data:
        data = data["entity"]
    from hubspot_associations_api.models.labels_between_object_pair import LabelsBetweenObjectPair  # first use

    parsed = LabelsBetweenObjectPair.from_dict(data)
    ids = (parsed.from_object_type_id, parsed.from_object_id, parsed.to_object_type_id, parsed.to_object_id)
    if not all(isinstance(value, str) for value in ids):
        raise TypeError("object type ids and ids must be strings or integers")
    labels = parsed.labels
    if not (isinstance(labels, list) and all(isinstance(label, str) for label in labels)):
        raise TypeError("labels must be a list of strings")
    return parsed


def describe(exc: BaseException) -> str:
    """``exc`` for a message: its type and at most 200 characters of its text (which may quote the body)."""
    try:
        text = str(exc)
    except Exception:  # e.g. a RecursionError while formatting a deeply nested value
        text = ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__
