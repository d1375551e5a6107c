"""What a 2xx body must be to count as the documented result, checked on every successful call.

The generated ``from_dict`` builds the models; these functions add what it does not check (field types, the
older wrapped shape of the labelled answer, batch errors whose ``context`` is a JSON string). ``BaseClient._parse``
turns anything they raise into one :class:`UnexpectedResponseError`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation

if TYPE_CHECKING:
    from hubspot_associations_api.models import (
        CollectionResponseMultiAssociatedObjectWithLabel,
        ErrorContextObject,
        LabelsBetweenObjectPair,
        PublicAssociationMultiWithLabel,
    )

__all__ = [
    "describe",
    "next_cursor",
    "parse_default",
    "parse_labelled",
    "parse_no_body",
    "parse_page",
    "parse_read_item",
]

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


def _check_associated(items: Any) -> None:
    """Each associated record of a read: a string id, and association types with integer ids."""
    for item in items:
        if not isinstance(item.to_object_id, str):
            raise TypeError("toObjectId must be a string or an integer")
        for spec in item.association_types:
            if type(spec.type_id) is not int:
                raise TypeError("typeId must be an integer")
            if not isinstance(spec.category, str):
                raise TypeError("category must be a string")


def next_cursor(paging: Any) -> str | None:
    """``paging.next.after`` when more results remain; ``None`` on the last page. A cursor that is not a
    non-empty string is not HubSpot's (raises ``TypeError``)."""
    from hubspot_associations_api.types import Unset

    if isinstance(paging, Unset) or paging is None or isinstance(paging.next_, Unset) or paging.next_ is None:
        return None
    after = paging.next_.after
    if not (isinstance(after, str) and 0 < len(after) <= 1000 and after.isprintable()):
        raise TypeError("paging.next.after must be a non-empty cursor string")
    return after


def parse_read_item(data: Any) -> PublicAssociationMultiWithLabel:
    """One result of a batch read: one record's associated records (one page of them)."""
    from hubspot_associations_api.models import PublicAssociationMultiWithLabel

    parsed = PublicAssociationMultiWithLabel.from_dict(data)
    if not isinstance(parsed.from_.id, str):
        raise TypeError("from.id must be a string or an integer")
    _check_associated(parsed.to)
    next_cursor(parsed.paging)
    return parsed


def parse_page(data: Any) -> CollectionResponseMultiAssociatedObjectWithLabel:
    """One page of a record's associations (``listAssociations``)."""
    from hubspot_associations_api.models import CollectionResponseMultiAssociatedObjectWithLabel

    parsed = CollectionResponseMultiAssociatedObjectWithLabel.from_dict(data)
    _check_associated(parsed.results)
    next_cursor(parsed.paging)
    return parsed


def parse_no_body(data: Any) -> None:
    """A ``204``: no body (``BaseClient._parse`` passes ``None`` for an empty one); anything else is not it."""
    if data is not None:
        raise TypeError(f"expected no body, got {type(data).__name__}")
