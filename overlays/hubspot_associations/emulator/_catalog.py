"""What the emulated portal knows: object types (with their aliases) and association types per object pair.

These tables are deliberately not the SDK's (``object_types``, ``association_types``): the emulator is the tests'
stand-in for HubSpot, an independent oracle. Shared with the SDK, a wrong id would be accepted by both sides and
every test would pass while HubSpot refuses it; kept apart, a disagreement fails a test. Update both from HubSpot.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from ._config import EmulatorConfig
from ._facts import MAX_OBJECT_ID_DIGITS

# Record ids of standard objects start above these bases, so an id of one type is never valid for another.
_STANDARD_ID_BASES: Mapping[str, int] = {"0-1": 1_000_000, "0-2": 2_000_000, "0-3": 3_000_000, "0-5": 5_000_000}
# Custom-object ids start beyond 2**31, as real ones often do (one official SDK overflowed on them).
_CUSTOM_ID_BASE = 20_000_000_000
_CUSTOM_ID_STRIDE = 1_000_000_000


@attrs.frozen
class ObjectType:
    """One object type the portal accepts in paths."""

    type_id: str
    error_name: str  # how validation errors name it, e.g. "CONTACT"
    write_scope: str
    id_base: int


STANDARD_TYPES: tuple[tuple[ObjectType, tuple[str, ...]], ...] = (  # each with its names, the plural last
    (ObjectType("0-1", "CONTACT", "crm.objects.contacts.write", _STANDARD_ID_BASES["0-1"]), ("contact", "contacts")),
    (ObjectType("0-2", "COMPANY", "crm.objects.companies.write", _STANDARD_ID_BASES["0-2"]), ("company", "companies")),
    (ObjectType("0-3", "DEAL", "crm.objects.deals.write", _STANDARD_ID_BASES["0-3"]), ("deal", "deals")),
    (ObjectType("0-5", "TICKET", "crm.objects.tickets.write", _STANDARD_ID_BASES["0-5"]), ("ticket", "tickets")),
)

# HubSpot-defined association types, directional: (from type id, to type id) -> {type id: label}.
HUBSPOT_DEFINED: Mapping[tuple[str, str], Mapping[int, str | None]] = {
    ("0-1", "0-1"): {449: None},
    ("0-1", "0-2"): {279: None, 1: "Primary"},
    ("0-1", "0-3"): {4: None},
    ("0-1", "0-5"): {15: None},
    ("0-2", "0-2"): {450: None, 13: "Parent Company", 14: "Child Company"},
    ("0-2", "0-1"): {280: None, 2: "Primary"},
    ("0-2", "0-3"): {342: None, 6: "Primary"},
    ("0-2", "0-5"): {340: None, 25: "Primary"},
    ("0-3", "0-3"): {451: None},
    ("0-3", "0-1"): {3: None},
    ("0-3", "0-2"): {341: None, 5: "Primary"},
    ("0-3", "0-5"): {27: None},
    ("0-5", "0-5"): {452: None},
    ("0-5", "0-1"): {16: None},
    ("0-5", "0-2"): {339: None, 26: "Primary"},
    ("0-5", "0-3"): {28: None},
}

# The default (most generic) type per standard pair: the unlabeled HubSpot-defined one.
_STANDARD_DEFAULTS: Mapping[tuple[str, str], int] = {
    pair: next(type_id for type_id, label in types.items() if label is None) for pair, types in HUBSPOT_DEFINED.items()
}


class Catalog:
    """Object types by alias and association types by pair, built once per app for O(1) lookups."""

    def __init__(self, config: EmulatorConfig) -> None:
        self._types: dict[str, ObjectType] = {}
        self._record_counts: dict[str, int] = dict(config.seed_objects)
        for object_type, names in STANDARD_TYPES:
            for alias in (object_type.type_id, *names):
                self._types[alias] = object_type
        for index, (type_id, name) in enumerate(config.custom_objects.items()):
            short = name.lower().removeprefix("p_")
            base = _CUSTOM_ID_BASE + index * _CUSTOM_ID_STRIDE
            custom = ObjectType(type_id, short.upper(), "crm.objects.custom.write", base)
            for alias in (type_id, f"p_{short}", f"p{config.portal_id}_{short}"):
                self._types[alias.lower()] = custom
        # (from, to) -> {(category, type id): label}
        self._association_types: dict[tuple[str, str], dict[tuple[str, int], str | None]] = {
            pair: {("HUBSPOT_DEFINED", type_id): label for type_id, label in types.items()}
            for pair, types in HUBSPOT_DEFINED.items()
        }
        self._defaults: dict[tuple[str, str], int] = dict(_STANDARD_DEFAULTS)
        for pair, labels in config.portal_labels.items():
            known = self._association_types.setdefault(pair, {})
            for portal_label in labels:
                known[(portal_label.category, portal_label.type_id)] = portal_label.label
                if portal_label.category == "HUBSPOT_DEFINED" and portal_label.label is None:
                    self._defaults.setdefault(pair, portal_label.type_id)

    def object_type(self, segment: str) -> ObjectType | None:
        """The object type a path segment names (case-insensitive), or ``None``."""
        return self._types.get(segment) or self._types.get(segment.lower())

    def object_ids(self, type_id: str) -> range:
        """The seeded record ids of a type, as integers."""
        object_type = self._types.get(type_id)
        if object_type is None:
            raise KeyError(f"unknown object type id {type_id!r}")
        count = self._record_counts.get(type_id, 0)
        return range(object_type.id_base + 1, object_type.id_base + count + 1)

    def has_record(self, object_type: ObjectType, object_id: str) -> bool:
        """Whether ``object_id`` names a seeded record of ``object_type``."""
        if not (object_id.isascii() and object_id.isdigit()) or len(object_id.lstrip("0")) > MAX_OBJECT_ID_DIGITS:
            return False
        number = int(object_id)
        return object_type.id_base < number <= object_type.id_base + self._record_counts.get(object_type.type_id, 0)

    def default_type(self, from_type_id: str, to_type_id: str) -> int | None:
        """The default association type id for a pair, or ``None`` when the pair has none."""
        return self._defaults.get((from_type_id, to_type_id))

    def is_known(self, from_type_id: str, to_type_id: str, category: str, type_id: int) -> bool:
        """Whether ``(category, type_id)`` is a valid association type for the pair."""
        return (category, type_id) in self._association_types.get((from_type_id, to_type_id), {})

    def association_types(self, from_type_id: str, to_type_id: str) -> list[tuple[str, int]]:
        """Every valid ``(category, type id)`` for a pair, HubSpot-defined first."""
        return list(self._association_types.get((from_type_id, to_type_id), {}))

    def label(self, from_type_id: str, to_type_id: str, category: str, type_id: int) -> str | None:
        """The label of a known association type (``None`` for unlabeled types)."""
        return self._association_types.get((from_type_id, to_type_id), {}).get((category, type_id))
