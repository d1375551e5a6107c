"""Object type names, ids and custom objects (docs/object-types.md §1-2)."""

from __future__ import annotations

import pytest

from hubspot_associations import object_types as ot


@pytest.mark.parametrize(
    ("plural", "singular", "type_id"),
    [
        ("contacts", "contact", "0-1"),
        ("companies", "company", "0-2"),
        ("deals", "deal", "0-3"),
        ("tickets", "ticket", "0-5"),
        ("products", "product", "0-7"),
        ("line_items", "line_item", "0-8"),
        ("quotes", "quote", "0-14"),
        ("communications", "communication", "0-18"),
        ("feedback_submissions", "feedback_submission", "0-19"),
        ("tasks", "task", "0-27"),
        ("campaigns", "campaign", "0-35"),
        ("notes", "note", "0-46"),
        ("meetings", "meeting", "0-47"),
        ("calls", "call", "0-48"),
        ("emails", "email", "0-49"),
        ("invoices", "invoice", "0-53"),
        ("marketing_events", "marketing_event", "0-54"),
        ("subscriptions", "subscription", "0-69"),
        ("goals", "goal", "0-74"),
        ("discounts", "discount", "0-84"),
        ("fees", "fee", "0-85"),
        ("taxes", "tax", "0-86"),
        ("payments", "payment", "0-101"),
        ("users", "user", "0-115"),
        ("postal_mail", "postal_mail", "0-116"),
        ("orders", "order", "0-123"),
        ("leads", "lead", "0-136"),
        ("carts", "cart", "0-142"),
        ("services", "service", "0-162"),
        ("courses", "course", "0-410"),
        ("listings", "listing", "0-420"),
        ("appointments", "appointment", "0-421"),
        ("projects", "project", "0-970"),
    ],
)
def test_table_matches_facts(plural: str, singular: str, type_id: str) -> None:
    record = ot.get_object_type(plural)
    assert record is not None
    assert (record.type_id, record.singular, record.plural) == (type_id, singular, plural)
    assert ot.get_object_type(singular) is record
    assert ot.get_object_type(type_id) is record
    assert ot.object_type_id(plural) == type_id
    assert ot.object_type_id(singular.upper()) == type_id
    assert ot.singular(type_id) == singular
    assert ot.plural(singular) == plural
    assert ot.from_error_name(singular.upper()) is record
    assert record in ot.STANDARD_OBJECT_TYPES


def test_table_has_unique_ids_and_names() -> None:
    ids = [t.type_id for t in ot.STANDARD_OBJECT_TYPES]
    names = [name for t in ot.STANDARD_OBJECT_TYPES for name in set(t.names)]
    assert len(ids) == len(set(ids)) == 33
    assert len(names) == len(set(names))


def test_old_wrong_ids_are_not_used() -> None:
    # Older copies said Invoices 0-52 and Notes 0-4; the current table says 0-53 and 0-46.
    assert ot.object_type_id("invoices") == "0-53"
    assert ot.object_type_id("notes") == "0-46"
    assert ot.get_object_type("0-4") is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("contacts", "contacts"),
        ("Contacts", "contacts"),
        ("CONTACT", "contact"),
        ("0-1", "0-1"),
        ("0-999", "0-999"),  # an unlisted standard object: let HubSpot judge
        ("2-123", "2-123"),
        ("p_cars", "p_cars"),
        ("p12345_cars", "p12345_cars"),
        ("p_Cars_2", "p_Cars_2"),
        ("goal_targets", "goal_targets"),
    ],
)
def test_normalize_accepts(value: str, expected: str) -> None:
    assert ot.normalize_object_type(value) == expected


@pytest.mark.parametrize(
    "value", ["", "cars", "contacts/1", "0-01", "00-1", "0-", "1", "p_", "p0_cars", "_cars", "con tacts", "x" * 300]
)
def test_normalize_rejects(value: str) -> None:
    with pytest.raises(ValueError):
        ot.normalize_object_type(value)


def test_normalize_rejects_non_str() -> None:
    with pytest.raises(TypeError):
        ot.normalize_object_type(1)  # type: ignore[arg-type]


def test_unknown_name_suggests_close_matches() -> None:
    with pytest.raises(ValueError, match="did you mean 'companies'"):
        ot.normalize_object_type("compnies")
    with pytest.raises(ValueError, match="did you mean 'line_items'"):
        ot.normalize_object_type("line-items")
    with pytest.raises(ValueError, match="p_<name>"):
        ot.normalize_object_type("cars")


def test_object_type_id_for_custom_objects() -> None:
    assert ot.object_type_id("2-33642689") == "2-33642689"
    assert ot.object_type_id("p_cars") is None
    assert ot.object_type_id("p7712148_credentialings") is None
    assert ot.object_type_id("0-999") == "0-999"


@pytest.mark.parametrize(
    ("value", "custom"),
    [
        ("2-123", True),
        ("p_cars", True),
        ("p7712148_credentialings", True),
        ("0-1", False),
        ("contacts", False),
        ("postal_mail", False),
        ("2-", False),
        ("", False),
        (None, False),
    ],
)
def test_is_custom_object_type(value: str, custom: bool) -> None:
    assert ot.is_custom_object_type(value) is custom


def test_singular_plural_pass_through_unknown_valid_types() -> None:
    assert ot.singular("p_cars") == "p_cars"
    assert ot.plural("2-5") == "2-5"
    assert ot.plural("COMPANY") == "companies"
    with pytest.raises(ValueError):
        ot.plural("cars")


def test_from_error_name() -> None:
    assert ot.from_error_name("CONTACT") is ot.CONTACTS
    assert ot.from_error_name("LINE_ITEM") is ot.LINE_ITEMS
    assert ot.from_error_name("POSTAL_MAIL") is ot.POSTAL_MAIL
    assert ot.from_error_name("COMPANY") is ot.COMPANIES
    assert ot.from_error_name("SPACESHIP") is None
    assert ot.from_error_name(None) is None  # type: ignore[arg-type]


def test_aliases() -> None:
    assert ot.get_object_type("goal_targets") is ot.GOALS
    assert ot.get_object_type("commerce_payments") is ot.PAYMENTS


def test_object_type_is_frozen_and_hashable() -> None:
    import attrs

    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        ot.CONTACTS.type_id = "0-9"  # type: ignore[misc]
    assert {ot.CONTACTS: 1}[ot.ObjectType("0-1", "contact", "contacts")] == 1
