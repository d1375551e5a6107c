"""HubSpot CRM object types: names, singular/plural forms, type ids, custom objects.

HubSpot accepts several spellings of an object type in a request path (names ``contact``/``contacts``, type ids
``0-1``, custom objects as ``2-<n>``, ``p_<name>`` or ``p<portalId>_<name>``), answers with type ids, and echoes
UPPERCASE singular names in errors (``CONTACT=123``). This module maps between them.

Which spellings ``normalize_object_type`` accepts (a deliberate trade-off):

* a **known standard name**, singular or plural, any case (``Contacts`` → ``contacts``): the table below, from
  HubSpot's "using object APIs" page;
* a **type id** ``<digits>-<digits>`` (``0-1``, ``0-999``, ``2-33642689``): numeric ids cannot be typos of a name, and
  HubSpot adds standard objects faster than any SDK table, so unknown ``0-<n>`` ids are let through for the server to
  judge;
* a **custom object name** ``p_<name>`` or ``p<portalId>_<name>``;
* anything else is rejected with ``ValueError`` naming close matches. In particular a **bare unknown name**
  (``cars``) is rejected: since 2025-06-24 HubSpot no longer resolves custom objects by their base name and answers
  "Unable to infer object type from: cars", so such a name is either a typo or a request that would fail anyway.
  Unlisted standard objects can still be reached through their ``0-<n>`` id.

The value sent in the path is what the caller wrote (names lowercased): HubSpot accepts every accepted form.
"""

from __future__ import annotations

import re
from typing import Final

import attrs

__all__ = [
    "APPOINTMENTS",
    "CALLS",
    "CAMPAIGNS",
    "CARTS",
    "COMMUNICATIONS",
    "COMPANIES",
    "CONTACTS",
    "COURSES",
    "DEALS",
    "DISCOUNTS",
    "EMAILS",
    "FEEDBACK_SUBMISSIONS",
    "FEES",
    "GOALS",
    "INVOICES",
    "LEADS",
    "LINE_ITEMS",
    "LISTINGS",
    "MARKETING_EVENTS",
    "MEETINGS",
    "NOTES",
    "ORDERS",
    "PAYMENTS",
    "POSTAL_MAIL",
    "PRODUCTS",
    "PROJECTS",
    "QUOTES",
    "SERVICES",
    "STANDARD_OBJECT_TYPES",
    "SUBSCRIPTIONS",
    "TASKS",
    "TAXES",
    "TICKETS",
    "USERS",
    "ObjectType",
    "from_error_name",
    "get_object_type",
    "is_custom_object_type",
    "normalize_object_type",
    "object_type_id",
    "plural",
    "singular",
]


@attrs.frozen
class ObjectType:
    """A HubSpot-defined CRM object type.

    Attributes:
        type_id: the object type id HubSpot returns in responses, e.g. ``"0-1"``.
        singular: lowercase singular name, e.g. ``"contact"``; HubSpot errors echo it uppercased.
        plural: lowercase plural name, e.g. ``"contacts"`` (the form used in most API paths).
        aliases: other names HubSpot uses for the same object (e.g. ``goal_targets`` in the v3 objects API).
    """

    type_id: str
    singular: str
    plural: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every lowercase name that denotes this object type."""
        return (self.plural, self.singular, *self.aliases)


# Source: developers.hubspot.com/docs/guides/crm/using-object-apis (see docs/object-types.md §1), plus Campaign 0-35.
APPOINTMENTS: Final = ObjectType("0-421", "appointment", "appointments")
CALLS: Final = ObjectType("0-48", "call", "calls")
CAMPAIGNS: Final = ObjectType("0-35", "campaign", "campaigns")
CARTS: Final = ObjectType("0-142", "cart", "carts")
COMMUNICATIONS: Final = ObjectType("0-18", "communication", "communications")
COMPANIES: Final = ObjectType("0-2", "company", "companies")
CONTACTS: Final = ObjectType("0-1", "contact", "contacts")
COURSES: Final = ObjectType("0-410", "course", "courses")
DEALS: Final = ObjectType("0-3", "deal", "deals")
DISCOUNTS: Final = ObjectType("0-84", "discount", "discounts")
EMAILS: Final = ObjectType("0-49", "email", "emails")
FEEDBACK_SUBMISSIONS: Final = ObjectType("0-19", "feedback_submission", "feedback_submissions")
FEES: Final = ObjectType("0-85", "fee", "fees")
GOALS: Final = ObjectType("0-74", "goal", "goals", aliases=("goal_targets", "goal_target"))
INVOICES: Final = ObjectType("0-53", "invoice", "invoices")
LEADS: Final = ObjectType("0-136", "lead", "leads")
LINE_ITEMS: Final = ObjectType("0-8", "line_item", "line_items")
LISTINGS: Final = ObjectType("0-420", "listing", "listings")
MARKETING_EVENTS: Final = ObjectType("0-54", "marketing_event", "marketing_events")
MEETINGS: Final = ObjectType("0-47", "meeting", "meetings")
NOTES: Final = ObjectType("0-46", "note", "notes")
ORDERS: Final = ObjectType("0-123", "order", "orders")
PAYMENTS: Final = ObjectType("0-101", "payment", "payments", aliases=("commerce_payments", "commerce_payment"))
POSTAL_MAIL: Final = ObjectType("0-116", "postal_mail", "postal_mail")
PRODUCTS: Final = ObjectType("0-7", "product", "products")
PROJECTS: Final = ObjectType("0-970", "project", "projects")
QUOTES: Final = ObjectType("0-14", "quote", "quotes")
SERVICES: Final = ObjectType("0-162", "service", "services")
SUBSCRIPTIONS: Final = ObjectType("0-69", "subscription", "subscriptions")
TASKS: Final = ObjectType("0-27", "task", "tasks")
TAXES: Final = ObjectType("0-86", "tax", "taxes")
TICKETS: Final = ObjectType("0-5", "ticket", "tickets")
USERS: Final = ObjectType("0-115", "user", "users")

STANDARD_OBJECT_TYPES: Final[tuple[ObjectType, ...]] = (
    CONTACTS,
    COMPANIES,
    DEALS,
    TICKETS,
    PRODUCTS,
    LINE_ITEMS,
    QUOTES,
    COMMUNICATIONS,
    FEEDBACK_SUBMISSIONS,
    TASKS,
    CAMPAIGNS,
    NOTES,
    MEETINGS,
    CALLS,
    EMAILS,
    INVOICES,
    MARKETING_EVENTS,
    SUBSCRIPTIONS,
    GOALS,
    DISCOUNTS,
    FEES,
    TAXES,
    PAYMENTS,
    USERS,
    POSTAL_MAIL,
    ORDERS,
    LEADS,
    CARTS,
    SERVICES,
    COURSES,
    LISTINGS,
    APPOINTMENTS,
    PROJECTS,
)
"""Every standard object type this SDK knows, in type-id order."""

_BY_NAME: Final[dict[str, ObjectType]] = {name: t for t in STANDARD_OBJECT_TYPES for name in t.names}
_BY_ID: Final[dict[str, ObjectType]] = {t.type_id: t for t in STANDARD_OBJECT_TYPES}
# Exact canonical spellings: the common case skips every regex.
_FAST_PATH: Final[frozenset[str]] = frozenset(_BY_NAME) | frozenset(_BY_ID)

# Patterns, not compiled ones: only names off the fast path need them, so they are compiled (and cached by ``re``)
# on first use instead of on every import (docs/performance.md).
_TYPE_ID: Final = r"(?:0|[1-9][0-9]*)-[1-9][0-9]*"
_CUSTOM_NAME: Final = r"p(?:[1-9][0-9]*)?_[A-Za-z][A-Za-z0-9_]*"
_PLAIN_NAME: Final = r"[A-Za-z][A-Za-z0-9_]*"
_MAX_LENGTH: Final = 200


def normalize_object_type(value: str) -> str:
    """Validate an object type and return the form to put in the request path.

    Known names are lowercased; type ids and custom object names are returned as written.

    Examples:
        >>> normalize_object_type("Contacts"), normalize_object_type("0-1"), normalize_object_type("p_cars")
        ('contacts', '0-1', 'p_cars')

    Raises:
        ValueError: not a known name, type id or custom object name (the message suggests close matches).
        TypeError: ``value`` is not a string.
    """
    if not isinstance(value, str):
        raise TypeError(f"object type must be a str, got {type(value).__name__}")
    if value in _FAST_PATH:
        return value
    if not value:
        raise ValueError("object type must not be empty")
    if len(value) <= _MAX_LENGTH:
        if re.fullmatch(_TYPE_ID, value) or re.fullmatch(_CUSTOM_NAME, value):
            return value
        if re.fullmatch(_PLAIN_NAME, value):
            lowered = value.lower()
            if lowered in _BY_NAME:
                return lowered
            raise ValueError(_unknown_name_message(value))
    raise ValueError(
        f"{value!r} is not an object type: {_suggestion(value)}use a name such as 'contacts', a type id such as "
        "'0-1' or '2-123', or a custom object name such as 'p_cars' or 'p12345_cars'"
    )


def _suggestion(value: str) -> str:
    """``"did you mean ...? "`` for near-misses such as ``line-items`` or ``Compnies``, else ``""``."""
    if len(value) > _MAX_LENGTH:
        return ""
    import difflib  # only for an error message; not worth its import time for every user

    matches = difflib.get_close_matches(value.lower().replace("-", "_"), _BY_NAME, n=3, cutoff=0.6)
    return f"did you mean {' or '.join(repr(m) for m in matches)}? " if matches else ""


def _unknown_name_message(value: str) -> str:
    return (
        f"unknown object type {value!r}; {_suggestion(value)}Custom objects must be given as '2-<id>', 'p_<name>' or "
        "'p<portalId>_<name>' (HubSpot no longer resolves custom objects by their bare name); other standard "
        "objects by their type id '0-<n>'"
    )


def get_object_type(value: str) -> ObjectType | None:
    """The standard ``ObjectType`` for a name (any case) or type id, or None (custom, unknown or invalid).

    Examples:
        >>> get_object_type("CONTACT") is CONTACTS
        True
    """
    if not isinstance(value, str):
        return None
    return _BY_ID.get(value) or _BY_NAME.get(value.lower())


def object_type_id(value: str) -> str | None:
    """The type id for ``value``: names map to ``0-<n>``, ids pass through, ``p_`` names give None.

    A ``p_<name>`` custom object's ``2-<n>`` id depends on the portal, so it cannot be known offline.

    Examples:
        >>> object_type_id("deals"), object_type_id("2-123"), object_type_id("p_cars")
        ('0-3', '2-123', None)

    Raises:
        ValueError: ``value`` is not a valid object type.
    """
    normalized = normalize_object_type(value)
    known = get_object_type(normalized)
    if known is not None:
        return known.type_id
    return normalized if re.fullmatch(_TYPE_ID, normalized) else None


def is_custom_object_type(value: str) -> bool:
    """True for custom objects: ``2-<n>``, ``p_<name>``, ``p<portalId>_<name>``. Never raises."""
    if not isinstance(value, str):
        return False
    if value.startswith("2-"):
        return re.fullmatch(_TYPE_ID, value) is not None
    return re.fullmatch(_CUSTOM_NAME, value) is not None


def singular(value: str) -> str:
    """Singular name of a standard object type (``"0-1"`` → ``"contact"``); other valid types come back normalized.

    Raises:
        ValueError: ``value`` is not a valid object type.
    """
    normalized = normalize_object_type(value)
    known = get_object_type(normalized)
    return known.singular if known is not None else normalized


def plural(value: str) -> str:
    """Plural name of a standard object type (``"company"`` → ``"companies"``); other valid types come back normalized.

    Raises:
        ValueError: ``value`` is not a valid object type.
    """
    normalized = normalize_object_type(value)
    known = get_object_type(normalized)
    return known.plural if known is not None else normalized


def from_error_name(name: str) -> ObjectType | None:
    """The object type named in a HubSpot error (``"CONTACT"``, ``"LINE_ITEM"``), or None if unknown.

    Examples:
        >>> from_error_name("LINE_ITEM") is LINE_ITEMS
        True
    """
    if not isinstance(name, str):
        return None
    return _BY_NAME.get(name.strip().lower())
