"""HubSpot-defined association type ids, pinned to the docs table (docs/object-types.md §3)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from hubspot_associations import association_types as at


@pytest.mark.parametrize(
    ("constant", "type_id"),
    [
        ("CONTACT_TO_COMPANY", 279),
        ("CONTACT_TO_COMPANY_PRIMARY", 1),
        ("COMPANY_TO_CONTACT", 280),
        ("COMPANY_TO_CONTACT_PRIMARY", 2),
        ("DEAL_TO_CONTACT", 3),  # third-party mocks swap 3 and 4
        ("CONTACT_TO_DEAL", 4),
        ("DEAL_TO_COMPANY", 341),
        ("COMPANY_TO_DEAL", 342),
        ("DEAL_TO_COMPANY_PRIMARY", 5),
        ("COMPANY_TO_DEAL_PRIMARY", 6),
        ("CONTACT_TO_TICKET", 15),
        ("TICKET_TO_CONTACT", 16),
        ("CONTACT_TO_CONTACT", 449),
        ("COMPANY_TO_COMPANY", 450),
        ("CHILD_TO_PARENT_COMPANY", 14),
        ("PARENT_TO_CHILD_COMPANY", 13),
        ("COMPANY_TO_TICKET_PRIMARY", 25),
        ("TICKET_TO_COMPANY_PRIMARY", 26),
        ("DEAL_TO_LINE_ITEM", 19),
        ("LEAD_TO_PRIMARY_CONTACT", 578),
        ("LEAD_TO_CONTACT", 608),
        ("QUOTE_TO_CONTACT_SIGNER", 702),
        ("CART_TO_TICKET", 594),
        ("ORDER_TO_DISCOUNT_CODE", 521),
    ],
)
def test_constants_match_docs_table(constant: str, type_id: int) -> None:
    assert getattr(at, constant) == type_id
    info = at.describe(type_id)
    assert info is not None and info.name == constant


def test_every_constant_is_in_the_table_and_vice_versa() -> None:
    constants = {name: value for name, value in vars(at).items() if name.isupper() and type(value) is int}
    assert len(constants) == len(at.ALL_HUBSPOT_DEFINED) == 142
    for info in at.ALL_HUBSPOT_DEFINED:
        assert constants[info.name] == info.type_id
    assert set(constants) <= set(at.__all__)


def test_type_ids_are_unique() -> None:
    ids = [info.type_id for info in at.ALL_HUBSPOT_DEFINED]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize(
    ("pair", "default", "primary"),
    [
        (("contacts", "companies"), 279, 1),
        (("companies", "contacts"), 280, 2),
        (("deals", "companies"), 341, 5),
        (("companies", "deals"), 342, 6),
        (("tickets", "companies"), 339, 26),
        (("companies", "tickets"), 340, 25),
        (("leads", "contacts"), 608, 578),
        (("deals", "contacts"), 3, None),
        (("contacts", "deals"), 4, None),
        (("companies", "companies"), 450, None),
        (("quotes", "contacts"), 69, None),
        (("notes", "contacts"), 202, None),
        (("postal_mail", "contacts"), 453, None),
    ],
)
def test_hubspot_defined_table(pair: tuple[str, str], default: int, primary: int | None) -> None:
    assert at.HUBSPOT_DEFINED[pair] == at.DefaultAssociationTypes(default, primary)


def test_default_and_primary_lookup_accept_any_spelling() -> None:
    assert at.default_type_id("contact", "COMPANY") == 279
    assert at.default_type_id("0-1", "0-2") == 279
    assert at.primary_type_id("0-1", "companies") == 1
    assert at.default_type_id("tickets", "threads") == 32
    assert at.default_type_id("deals", "deal_splits") == 313
    assert at.primary_type_id("contacts", "deals") is None
    assert at.default_type_id("p_cars", "contacts") is None
    assert at.default_type_id("not a type", "contacts") is None


def test_describe() -> None:
    info = at.describe(1)
    assert info == at.AssociationTypeInfo(
        1, "contacts", "companies", "CONTACT_TO_COMPANY_PRIMARY", "Primary", "primary"
    )
    assert at.describe(1, "contact", "company") is info
    assert at.describe(1, "0-1", "0-2") is info
    assert at.describe(1, "companies", "contacts") is None
    assert at.describe(1, to_type="deals") is None
    assert at.describe(279).label is None  # type: ignore[union-attr]
    assert at.describe(279).kind == "default"  # type: ignore[union-attr]
    assert at.describe(702).kind == "labelled"  # type: ignore[union-attr]
    assert at.describe(999_999) is None


def test_table_is_read_only() -> None:
    with pytest.raises(TypeError):
        at.HUBSPOT_DEFINED["x", "y"] = at.DefaultAssociationTypes(1)  # type: ignore[index]


def test_the_table_loads_on_first_use_not_with_the_package() -> None:
    code = (
        "import sys, hubspot_associations as h\n"
        "before = {m for m in ('hubspot_associations.association_types', 'difflib') if m in sys.modules}\n"
        "spec = h.association_types.CONTACT_TO_COMPANY\n"
        "print(sorted(before), 'hubspot_associations.association_types' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert result.stdout.split() == ["[]", "True"]
