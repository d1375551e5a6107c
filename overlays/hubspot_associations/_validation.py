"""Input checks that run before any request is sent, so bad input fails here with a clear message, not at HubSpot.

Every check raises :class:`InvalidInputError` naming the offending argument. The checks run on every call, so the
common valid input takes a fast path (a frozenset or type check) before any regex.

Object id policy: HubSpot record ids are positive 64-bit integers. An id is accepted as an ``int`` (not ``bool``) or a
string of ASCII digits, 1 ≤ id ≤ 2**63-1, and returned as a string. ``0`` and leading zeros (``"007"``) are
rejected: HubSpot never issues them, and ``"007"`` vs ``"7"`` would name the same record in two spellings.
"""

from __future__ import annotations

import enum
import math
import re
import unicodedata
from collections.abc import Sized
from typing import Final, TypeVar

from . import object_types

__all__ = [
    "ASSOCIATION_CATEGORIES",
    "MAX_ASSOCIATION_TYPE_ID",
    "MAX_OBJECT_ID",
    "InvalidInputError",
    "is_plain_id",
    "parse_rate_limit",
    "require_non_empty",
    "validate_category",
    "validate_count",
    "validate_object_id",
    "validate_object_type",
    "validate_seconds",
    "validate_type_id",
]

MAX_OBJECT_ID: Final = 2**63 - 1
"""Largest record id accepted (HubSpot ids are 64-bit; some exceed 2**31)."""

MAX_ASSOCIATION_TYPE_ID: Final = 2**31 - 1
"""``associationTypeId`` is an ``int32`` in HubSpot's spec."""

ASSOCIATION_CATEGORIES: Final[frozenset[str]] = frozenset(
    {"HUBSPOT_DEFINED", "INTEGRATOR_DEFINED", "USER_DEFINED", "WORK"}
)
"""Values of ``associationCategory`` (``WORK`` added 2026-02). HubSpot compares them case-sensitively, so the SDK
sends these spellings; :func:`validate_category` accepts any ASCII case of them (one rule for the library, the CLI
and input files). The emulator keeps its own copy on purpose (see ``emulator/_facts.py``)."""

# Anchored with fullmatch; [0-9] (not \\d) so that non-ASCII digits such as "١٢" are refused.
_OBJECT_ID_RE: Final = re.compile(r"[1-9][0-9]{0,18}")
_PATH_CHARACTERS: Final = frozenset("/?#%\\")
_MAX_REPR: Final = 60


class InvalidInputError(ValueError):
    """An argument failed validation before any request was sent.

    Attributes:
        argument: the name of the offending argument, e.g. ``"from_object_id"``.
        reason: what is wrong, without the argument name.
    """

    argument: str
    reason: str

    def __init__(self, argument: str, reason: str) -> None:
        super().__init__(f"{argument}: {reason}")
        self.argument = argument
        self.reason = reason

    def __reduce__(self) -> tuple[type[InvalidInputError], tuple[str, str]]:
        return (type(self), (self.argument, self.reason))


def _shown(value: object) -> str:
    """A short repr for messages (user input can be huge)."""
    text = repr(value)
    return text if len(text) <= _MAX_REPR else text[: _MAX_REPR - 3] + "..."


def validate_object_type(value: object, argument: str) -> str:
    """Return the object type to put in the path (see :func:`object_types.normalize_object_type`).

    >>> validate_object_type("Contacts", "from_object_type")
    'contacts'

    Raises:
        InvalidInputError: not a string, empty, contains whitespace, control, non-ASCII or path characters, or is
            not a known name / type id / custom object name.
    """
    if not isinstance(value, str):
        raise InvalidInputError(argument, f"must be a str object type such as 'contacts', got {_shown(value)}")
    try:
        return object_types.normalize_object_type(value)
    except ValueError as exc:
        raise InvalidInputError(argument, _object_type_problem(value) or str(exc)) from None


def _object_type_problem(value: str) -> str | None:
    """A more precise reason than the generic one, for the common kinds of malformed object type."""
    if not value:
        return "must not be empty"
    if not value.isascii():
        return f"must be ASCII, got {_shown(value)}"
    if any(ch.isspace() or unicodedata.category(ch) == "Cc" for ch in value):
        return f"must not contain whitespace or control characters, got {_shown(value)}"
    if ".." in value or any(ch in _PATH_CHARACTERS for ch in value):
        return f"must not contain path characters ('/', '?', '#', '%', '\\\\', '..'), got {_shown(value)}"
    return None


def is_plain_id(value: str) -> bool:
    """A string :func:`validate_object_id` returns as it is, checked the quick way: 1-18 ASCII digits, no leading
    zero (always <= ``MAX_OBJECT_ID``). The usual id, in a file or a call; False says nothing about the others."""
    return 0 < len(value) < 19 and value[0] != "0" and value.isdigit() and value.isascii()


def validate_object_id(value: object, argument: str) -> str:
    """Return a record id as a decimal string.

    Accepts an ``int`` or a string of ASCII digits, 1 ≤ id ≤ 2**63-1; rejects ``bool``, ``0``, leading zeros,
    signs, whitespace and anything else (see the module docstring for why).

    >>> validate_object_id(12345678901, "from_object_id")
    '12345678901'

    Raises:
        InvalidInputError: the id is not acceptable.
    """
    if type(value) is str and is_plain_id(value):
        return value  # the usual case, first
    if isinstance(value, str):
        if _OBJECT_ID_RE.fullmatch(value) and int(value) <= MAX_OBJECT_ID:
            return value
        raise InvalidInputError(argument, _object_id_problem(value))
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= MAX_OBJECT_ID:
            return str(int(value))
        raise InvalidInputError(argument, f"must be between 1 and 2**63-1, got {_shown(value)}")
    raise InvalidInputError(argument, f"must be a positive int or a numeric string of digits, got {_shown(value)}")


def _object_id_problem(value: str) -> str:
    if not value:
        return "must not be empty"
    if value.isascii() and value.isdigit():
        # No int(): Python refuses to convert digit strings longer than 4300 characters.
        if not value.strip("0"):
            return f"must be a positive id, got {_shown(value)}"
        if value.startswith("0"):
            return f"must not have leading zeros, got {_shown(value)}"
        return f"must be at most 2**63-1, got {_shown(value)}"
    return f"must be a numeric string of digits, got {_shown(value)}"


def _enum_value(value: object) -> object:
    return value.value if isinstance(value, enum.Enum) else value


def validate_category(value: object, argument: str) -> str:
    """Return an ``associationCategory`` as a plain ``str``.

    Accepts ``HUBSPOT_DEFINED``, ``INTEGRATOR_DEFINED``, ``USER_DEFINED``, ``WORK`` in any ASCII case (returned in
    upper case, the spelling HubSpot compares), or an enum member whose ``.value`` is one of them. Surrounding
    whitespace is refused.

    >>> validate_category("user_defined", "association_category")
    'USER_DEFINED'

    Raises:
        InvalidInputError: anything else.
    """
    raw = _enum_value(value)
    if isinstance(raw, str):
        if raw in ASSOCIATION_CATEGORIES:
            return str.__str__(raw)  # a plain str even for StrEnum members
        # isascii first: str.upper maps some non-ASCII letters to ASCII (the long s, U+017F, becomes "S").
        if raw.isascii() and (upper := raw.upper()) in ASSOCIATION_CATEGORIES:
            return upper
    allowed = ", ".join(sorted(ASSOCIATION_CATEGORIES))
    raise InvalidInputError(argument, f"must be one of {allowed}, got {_shown(value)}")


def validate_type_id(value: object, argument: str) -> int:
    """Return an ``associationTypeId``: an ``int`` (not ``bool``), 1 ≤ id ≤ 2**31-1 (HubSpot's int32).

    Raises:
        InvalidInputError: anything else, including numeric strings (pass ints: ids come from HubSpot as numbers).
    """
    if isinstance(value, int) and not isinstance(value, bool):
        if 1 <= value <= MAX_ASSOCIATION_TYPE_ID:
            return int(value)
        raise InvalidInputError(argument, f"must be between 1 and 2**31-1, got {_shown(value)}")
    raise InvalidInputError(argument, f"must be an int association type id, got {_shown(value)}")


def validate_count(value: object, argument: str, *, minimum: int = 1, unit: str = "") -> int:
    """Return a count given to the SDK (retries, a rate limit, workers, bytes): an ``int`` (not ``bool``) ≥ minimum.

    ``unit`` is said in the message, e.g. ``" (bytes)"``.

    Raises:
        InvalidInputError: anything else.
    """
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        expected = "a positive int" if minimum == 1 else f"an int >= {minimum}"
        raise InvalidInputError(argument, f"must be {expected}{unit}, got {_shown(value)}")
    return int(value)


def validate_seconds(value: object, argument: str, *, allow_zero: bool = False) -> float:
    """Return a duration given to the SDK: a finite ``int`` or ``float`` (not ``bool``) > 0 (≥ 0 if ``allow_zero``).

    Raises:
        InvalidInputError: anything else, including NaN and infinity.
    """
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or not (value >= 0 if allow_zero else value > 0)
        or not value < math.inf
    ):
        expected = "a number of seconds >= 0" if allow_zero else "a positive number of seconds"
        raise InvalidInputError(argument, f"must be {expected}, got {_shown(value)}")
    return float(value)


def parse_rate_limit(text: str, argument: str = "--rate-limit", *, default_window: float = 10.0) -> tuple[int, float]:
    """A rate limit given on a command line: ``"190/10"`` → ``(190, 10.0)``; ``"190"`` → ``(190, default_window)``.

    One parser for the ``hubspot-associations`` options and the emulator's ``--rate-limit`` (which adds its own
    ``off`` words on top); the numbers it returns are checked again where they are used (``rate_limit=``,
    ``rate_limit_window=``).

    Raises:
        InvalidInputError: not ``N[/SECONDS]``, or N < 1, or SECONDS not > 0 (the reason is what the user sees).
    """
    count, _, seconds = text.partition("/")
    try:
        limit, window = int(count), (float(seconds) if seconds else default_window)
    except ValueError:
        raise InvalidInputError(argument, f"expected N/SECONDS such as 190/10, got {_shown(text)}") from None
    if limit < 1 or not window > 0:  # `not >` also refuses NaN
        raise InvalidInputError(argument, "N and SECONDS must be positive")
    return limit, window


_SizedT = TypeVar("_SizedT", bound=Sized)


def require_non_empty(value: _SizedT, argument: str) -> _SizedT:
    """Return ``value`` unchanged if it has at least one item.

    Raises:
        InvalidInputError: ``value`` is empty, None, or has no length.
    """
    try:
        size = len(value)
    except TypeError:
        raise InvalidInputError(argument, f"must be a non-empty collection, got {_shown(value)}") from None
    if size == 0:
        raise InvalidInputError(argument, "must not be empty")
    return value
