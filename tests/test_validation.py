"""Bad input is refused before any request, with a message that names the argument."""

from __future__ import annotations

import enum
import math
import pickle
from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubspot_associations._validation import (
    ASSOCIATION_CATEGORIES,
    InvalidInputError,
    parse_rate_limit,
    require_non_empty,
    validate_category,
    validate_count,
    validate_object_id,
    validate_object_type,
    validate_seconds,
    validate_type_id,
)


def _refused(check: Callable[[object, str], object], value: object, argument: str) -> InvalidInputError:
    """The error ``check`` raises for ``value``, after checking it names ``argument`` first."""
    with pytest.raises(InvalidInputError) as info:
        check(value, argument)
    assert info.value.argument == argument
    assert str(info.value).startswith(f"{argument}: ")
    return info.value


class Category(enum.Enum):
    HUBSPOT_DEFINED = "HUBSPOT_DEFINED"
    BOGUS = "BOGUS"


class StrCategory(enum.StrEnum):
    USER_DEFINED = "USER_DEFINED"


# --- object types --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("contacts", "contacts"),
        ("contact", "contact"),
        ("COMPANIES", "companies"),
        ("Line_Items", "line_items"),
        ("0-1", "0-1"),
        ("0-136", "0-136"),
        ("2-33642689", "2-33642689"),
        ("p_cars", "p_cars"),
        ("p7712148_credentialings", "p7712148_credentialings"),
    ],
)
def test_object_type_accepted(value: str, expected: str) -> None:
    assert validate_object_type(value, "from_object_type") == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "must not be empty"),
        ("contacts/1", "path characters"),
        ("..", "path characters"),
        ("a?b", "path characters"),
        ("a#b", "path characters"),
        ("a%2Fb", "path characters"),
        ("a b", "whitespace"),
        ("\n", "whitespace"),
        (" contacts", "whitespace"),
        ("contacts\x00", "control"),
        ("contáctos", "ASCII"),
        ("cars", "unknown object type"),
        ("contcts", "did you mean 'contacts'"),
        ("0-", "not an object type"),
        ("-1", "not an object type"),
        (None, "must be a str"),
        (1, "must be a str"),
        (b"contacts", "must be a str"),
    ],
)
def test_object_type_rejected(value: object, fragment: str) -> None:
    error = _refused(validate_object_type, value, "to_object_type")
    assert fragment in str(error)
    assert isinstance(error, ValueError)


# --- object ids ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1", "1"),
        ("12345", "12345"),
        (12345, "12345"),
        ("9223372036854775807", "9223372036854775807"),
        (2**63 - 1, str(2**63 - 1)),
        (2**31 + 5, str(2**31 + 5)),  # ids above int32 are real (one official SDK overflowed on them)
    ],
)
def test_object_id_accepted(value: object, expected: str) -> None:
    assert validate_object_id(value, "from_object_id") == expected


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "must not be empty"),
        ("12a", "numeric string of digits, got '12a'"),
        ("-1", "numeric string"),
        ("+1", "numeric string"),
        (" 1", "numeric string"),
        ("1\n", "numeric string"),
        ("1/2", "numeric string"),
        ("..", "numeric string"),
        ("1.0", "numeric string"),
        ("1e3", "numeric string"),
        ("١٢", "numeric string"),
        ("0", "positive"),
        ("007", "leading zeros"),
        ("9223372036854775808", "at most 2**63-1"),
        ("99999999999999999999999", "at most 2**63-1"),
        ("1" * 5000, "at most 2**63-1"),
        ("0" * 5000, "positive"),
        (0, "between 1 and 2**63-1"),
        (-1, "between 1 and 2**63-1"),
        (2**63, "between 1 and 2**63-1"),
        (True, "positive int"),
        (False, "positive int"),
        (None, "positive int"),
        (1.0, "positive int"),
        (b"1", "positive int"),
    ],
)
def test_object_id_rejected(value: object, fragment: str) -> None:
    assert fragment in str(_refused(validate_object_id, value, "from_object_id"))


def test_huge_value_is_shortened_in_message() -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_object_id("x" * 10_000, "to_object_id")
    assert len(str(info.value)) < 200


# --- categories ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", sorted(ASSOCIATION_CATEGORIES))
def test_category_accepted(value: str) -> None:
    result = validate_category(value, "association_category")
    assert result == value and type(result) is str


def test_category_enum_members() -> None:
    assert validate_category(Category.HUBSPOT_DEFINED, "c") == "HUBSPOT_DEFINED"
    result = validate_category(StrCategory.USER_DEFINED, "c")
    assert result == "USER_DEFINED" and type(result) is str


@pytest.mark.parametrize(
    ("value", "expected"), [("hubspot_defined", "HUBSPOT_DEFINED"), ("User_Defined", "USER_DEFINED")]
)
def test_category_any_ascii_case(value: str, expected: str) -> None:
    result = validate_category(value, "association_category")
    assert result == expected and type(result) is str


@pytest.mark.parametrize("value", ["hub\u017fpot_defined", "UNKNOWN", "", " WORK", "WORK\n", None, 1, Category.BOGUS])
def test_category_rejected(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_category(value, "specs[0].association_category")
    assert info.value.argument == "specs[0].association_category"
    assert str(info.value).startswith("specs[0].association_category: must be one of HUBSPOT_DEFINED")


# --- association type ids ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [1, 279, 2**31 - 1])
def test_type_id_accepted(value: int) -> None:
    assert validate_type_id(value, "association_type_id") == value


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (0, "between 1 and 2**31-1"),
        (-1, "between 1 and 2**31-1"),
        (2**31, "between 1 and 2**31-1"),
        (True, "must be an int"),
        ("279", "must be an int"),
        (279.0, "must be an int"),
        (None, "must be an int"),
    ],
)
def test_type_id_rejected(value: object, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_type_id(value, "specs[1].association_type_id")
    assert info.value.argument == "specs[1].association_type_id"
    assert fragment in str(info.value)


# --- non-empty -----------------------------------------------------------------------------------------------------


def test_require_non_empty() -> None:
    items = [1]
    assert require_non_empty(items, "specs") is items
    with pytest.raises(InvalidInputError, match=r"^specs: must not be empty$"):
        require_non_empty([], "specs")
    with pytest.raises(InvalidInputError, match=r"^specs: must be a non-empty collection"):
        require_non_empty(None, "specs")  # type: ignore[type-var]


def test_invalid_input_error_pickles() -> None:
    error = InvalidInputError("from_object_id", "must be a numeric string of digits, got '12a'")
    clone = pickle.loads(pickle.dumps(error))
    assert clone.argument == "from_object_id"
    assert str(clone) == str(error)


# --- counts and durations ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "minimum"), [(1, 1), (0, 0), (2**40, 1)])
def test_count_accepted(value: int, minimum: int) -> None:
    assert validate_count(value, "concurrency", minimum=minimum) == value


@pytest.mark.parametrize(
    ("value", "minimum", "fragment"),
    [(0, 1, "a positive int"), (-1, 0, "an int >= 0"), (True, 1, "a positive int"), (1.0, 1, "a positive int")],
)
def test_count_rejected(value: object, minimum: int, fragment: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_count(value, "max_retries", minimum=minimum)
    assert info.value.argument == "max_retries" and fragment in info.value.reason


@pytest.mark.parametrize("value", [0.001, 1, 10.0])
def test_seconds_accepted(value: float) -> None:
    result = validate_seconds(value, "rate_limit_window")
    assert result == value and type(result) is float


@pytest.mark.parametrize("value", [0, -1, float("nan"), float("inf"), True, "10", None])
def test_seconds_rejected(value: object) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_seconds(value, "rate_limit_window")
    assert info.value.argument == "rate_limit_window"


def test_seconds_allow_zero() -> None:
    assert validate_seconds(0, "grace", allow_zero=True) == 0.0
    with pytest.raises(InvalidInputError, match=r"^grace: must be a number of seconds >= 0"):
        validate_seconds(-0.5, "grace", allow_zero=True)


# --- rate-limit strings (the CLI's --rate-limit and the emulator's) ------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [("190/10", (190, 10.0)), ("5", (5, 10.0)), ("100/0.5", (100, 0.5))])
def test_rate_limit_string_accepted(text: str, expected: tuple[int, float]) -> None:
    assert parse_rate_limit(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("x/y", "expected N/SECONDS such as 190/10, got 'x/y'"),
        ("off", "expected N/SECONDS such as 190/10, got 'off'"),
        ("0/10", "N and SECONDS must be positive"),
        ("5/-1", "N and SECONDS must be positive"),
        ("5/nan", "N and SECONDS must be positive"),
    ],
)
def test_rate_limit_string_rejected(text: str, reason: str) -> None:
    assert _refused(lambda value, argument: parse_rate_limit(str(value), argument), text, "--rate-limit").reason == (
        reason
    )


@given(st.text(max_size=40))
def test_rate_limit_string_parses_or_says_why(text: str) -> None:
    try:
        limit, window = parse_rate_limit(text)
    except InvalidInputError as exc:
        assert exc.argument == "--rate-limit" and len(exc.reason) < 200
    else:
        assert limit >= 1 and window > 0 and not math.isnan(window)
