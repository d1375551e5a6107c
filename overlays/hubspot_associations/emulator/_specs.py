"""Parsing of the labelled PUT's body: a top-level JSON array of association specs."""

from __future__ import annotations

import json

from . import _errors
from ._config import ASSOCIATION_CATEGORIES

_ENUM_VALUES = "[HUBSPOT_DEFINED, USER_DEFINED, INTEGRATOR_DEFINED, WORK]"


def parse_specs(raw: bytes) -> list[tuple[str, int]] | _errors.ErrorBody:
    """``[(category, type id), ...]`` from the body, or the 400 HubSpot answers for malformed input."""
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            return _errors.invalid_input(exc.lineno, exc.colno, exc.msg)
        return _errors.invalid_input(1, 1, "Invalid UTF-8 input")
    if not isinstance(data, list):
        kind = type(data).__name__
        return _errors.invalid_input(
            1, 1, f"Cannot deserialize value of type `java.util.ArrayList<AssociationSpec>` from {kind} value"
        )
    if not data:
        return _errors.invalid_input(1, 2, "At least one association spec is required")
    specs: list[tuple[str, int]] = []
    for item in data:
        if not isinstance(item, dict):
            return _errors.invalid_input(1, 2, "Cannot construct instance of `AssociationSpec` from non-object value")
        category = item.get("associationCategory")
        type_id = item.get("associationTypeId")
        if category is None or type_id is None:
            missing = "associationCategory" if category is None else "associationTypeId"
            return _errors.invalid_input(1, 2, f"Missing required creator property '{missing}'")
        if category not in ASSOCIATION_CATEGORIES:
            return _errors.invalid_input(
                1,
                2,
                f'Cannot deserialize value of type `AssociationCategory` from String "{category}": '
                f"not one of the values accepted for Enum class: {_ENUM_VALUES}",
            )
        if isinstance(type_id, str) and type_id.isascii() and type_id.isdigit():
            type_id = int(type_id)
        if isinstance(type_id, bool) or not isinstance(type_id, int):
            return _errors.invalid_input(
                1, 2, f"Cannot deserialize value of type `int` from {type(type_id).__name__} value"
            )
        specs.append((category, type_id))
    return specs
