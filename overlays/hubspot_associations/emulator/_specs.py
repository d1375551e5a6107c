"""Parsing of the labelled PUT's body: a top-level JSON array of association specs.

Whatever the bytes, the answer is a list of specs or the 400 HubSpot gives: invalid UTF-8, invalid JSON, numbers
beyond Python's int-conversion limit, nesting beyond the recursion limit, wrong types anywhere.
"""

from __future__ import annotations

import json
from typing import Any

from . import _errors
from ._facts import ASSOCIATION_CATEGORIES, INT32_MAX

_ENUM_VALUES = "[" + ", ".join(ASSOCIATION_CATEGORIES) + "]"


_JSON_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "Boolean"),  # before int: a bool is an int in Python
    (int, "Integer"),
    (float, "Floating-point"),
    (str, "String"),
    (list, "Array"),
    (dict, "Object"),
)


def json_kind(value: object) -> str:
    """How Jackson names the JSON token HubSpot could not map."""
    return next((name for kind, name in _JSON_KINDS if isinstance(value, kind)), "Null")


def _type_id(value: object) -> int | None:
    """An ``associationTypeId`` as an int32, or ``None`` when it is not one (digit strings are coerced)."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= len(str(INT32_MAX)):
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not -INT32_MAX - 1 <= value <= INT32_MAX:
        return None
    return value


def parse_specs(raw: bytes) -> list[tuple[str, int]] | _errors.ErrorBody:
    """``[(category, type id), ...]`` from the body, or the 400 HubSpot answers for malformed input."""
    try:
        data = load_json(raw)
    except InvalidBody as exc:
        return exc.error
    if not isinstance(data, list):
        return _errors.invalid_input(
            1,
            1,
            f"Cannot deserialize value of type `java.util.ArrayList<AssociationSpec>` from {json_kind(data)} value",
        )
    if not data:
        return _errors.invalid_input(1, 2, "At least one association spec is required")
    specs: list[tuple[str, int]] = []
    for item in data:
        try:
            specs.append(spec_of(item))
        except InvalidBody as exc:
            return exc.error
    return specs


class InvalidBody(Exception):
    """A body HubSpot refuses as a whole: ``error`` is the 400 it answers."""

    def __init__(self, error: _errors.ErrorBody) -> None:
        super().__init__(error[1]["message"])
        self.error = error


def load_json(raw: bytes) -> Any:
    """The body as JSON; raises :class:`InvalidBody` with the 400 HubSpot answers for bytes that are not JSON."""
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InvalidBody(_errors.invalid_input(exc.lineno, exc.colno, exc.msg)) from None
    except UnicodeDecodeError:
        raise InvalidBody(_errors.invalid_input(1, 1, "Invalid UTF-8 input")) from None
    except RecursionError:
        raise InvalidBody(_errors.invalid_input(1, 1, "Document nesting depth exceeds the maximum allowed")) from None
    except ValueError:  # an integer literal beyond sys.get_int_max_str_digits()
        raise InvalidBody(_errors.invalid_input(1, 1, "Number value length exceeds the maximum allowed")) from None


def spec_of(item: object) -> tuple[str, int]:
    """One ``{associationCategory, associationTypeId}`` as ``(category, type id)``; raises :class:`InvalidBody`."""
    if not isinstance(item, dict):
        raise InvalidBody(
            _errors.invalid_input(1, 2, "Cannot construct instance of `AssociationSpec` from non-object value")
        )
    category = item.get("associationCategory")
    type_value = item.get("associationTypeId")
    if category is None or type_value is None:
        missing = "associationCategory" if category is None else "associationTypeId"
        raise InvalidBody(_errors.invalid_input(1, 2, f"Missing required creator property '{missing}'"))
    if not isinstance(category, str):
        raise InvalidBody(
            _errors.invalid_input(
                1, 2, f"Cannot deserialize value of type `AssociationCategory` from {json_kind(category)} value"
            )
        )
    if category not in ASSOCIATION_CATEGORIES:
        raise InvalidBody(
            _errors.invalid_input(
                1,
                2,
                f'Cannot deserialize value of type `AssociationCategory` from String "{category}": '
                f"not one of the values accepted for Enum class: {_ENUM_VALUES}",
            )
        )
    type_id = _type_id(type_value)
    if type_id is None:
        raise InvalidBody(
            _errors.invalid_input(1, 2, f"Cannot deserialize value of type `int` from {json_kind(type_value)} value")
        )
    return category, type_id
