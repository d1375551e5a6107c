"""Named HubSpot-defined association type ids (category ``HUBSPOT_DEFINED``): a data table, not logic.

Source: HubSpot docs "Associations v4 → Association type ID values" (see ``docs/object-types.md`` §3). Types are
**directional**: ``CONTACT_TO_COMPANY`` (279) is not ``COMPANY_TO_CONTACT`` (280). ``*_PRIMARY`` marks the primary
association (only one primary company per record). Third-party code often mislabels these (279 is the *unlabelled*
contact→company type, 1 the *primary* one; 3 is deal→contact, 4 contact→deal); the tests pin them to the table.

``USER_DEFINED`` / ``INTEGRATOR_DEFINED`` ids are per portal and can reuse small numbers (1-4, 28...): read them from
``GET /crm/v4/associations/{from}/{to}/labels``, never from this module.

Examples:
    >>> CONTACT_TO_COMPANY, CONTACT_TO_COMPANY_PRIMARY
    (279, 1)
    >>> HUBSPOT_DEFINED["contacts", "companies"]
    DefaultAssociationTypes(default=279, primary=1)
    >>> describe(280).name
    'COMPANY_TO_CONTACT'
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final, Literal

import attrs

from . import object_types

__all__ = [
    "ALL_HUBSPOT_DEFINED",
    "CALL_TO_COMPANY",
    "CALL_TO_CONTACT",
    "CALL_TO_DEAL",
    "CALL_TO_TICKET",
    "CART_TO_CONTACT",
    "CART_TO_DISCOUNT",
    "CART_TO_LINE_ITEM",
    "CART_TO_ORDER",
    "CART_TO_QUOTE",
    "CART_TO_TASK",
    "CART_TO_TICKET",
    "CHILD_TO_PARENT_COMPANY",
    "COMMUNICATION_TO_COMPANY",
    "COMMUNICATION_TO_CONTACT",
    "COMMUNICATION_TO_DEAL",
    "COMMUNICATION_TO_TICKET",
    "COMPANY_TO_CALL",
    "COMPANY_TO_COMMUNICATION",
    "COMPANY_TO_COMPANY",
    "COMPANY_TO_CONTACT",
    "COMPANY_TO_CONTACT_PRIMARY",
    "COMPANY_TO_DEAL",
    "COMPANY_TO_DEAL_PRIMARY",
    "COMPANY_TO_EMAIL",
    "COMPANY_TO_INVOICE",
    "COMPANY_TO_MEETING",
    "COMPANY_TO_NOTE",
    "COMPANY_TO_ORDER",
    "COMPANY_TO_PAYMENT",
    "COMPANY_TO_POSTAL_MAIL",
    "COMPANY_TO_SUBSCRIPTION",
    "COMPANY_TO_TASK",
    "COMPANY_TO_TICKET",
    "COMPANY_TO_TICKET_PRIMARY",
    "CONTACT_TO_CALL",
    "CONTACT_TO_CART",
    "CONTACT_TO_COMMUNICATION",
    "CONTACT_TO_COMPANY",
    "CONTACT_TO_COMPANY_PRIMARY",
    "CONTACT_TO_CONTACT",
    "CONTACT_TO_DEAL",
    "CONTACT_TO_EMAIL",
    "CONTACT_TO_INVOICE",
    "CONTACT_TO_MEETING",
    "CONTACT_TO_NOTE",
    "CONTACT_TO_ORDER",
    "CONTACT_TO_PAYMENT",
    "CONTACT_TO_POSTAL_MAIL",
    "CONTACT_TO_SUBSCRIPTION",
    "CONTACT_TO_TASK",
    "CONTACT_TO_TICKET",
    "DEAL_TO_CALL",
    "DEAL_TO_COMMUNICATION",
    "DEAL_TO_COMPANY",
    "DEAL_TO_COMPANY_PRIMARY",
    "DEAL_TO_CONTACT",
    "DEAL_TO_DEAL",
    "DEAL_TO_DEAL_SPLIT",
    "DEAL_TO_EMAIL",
    "DEAL_TO_INVOICE",
    "DEAL_TO_LINE_ITEM",
    "DEAL_TO_MEETING",
    "DEAL_TO_NOTE",
    "DEAL_TO_ORDER",
    "DEAL_TO_PAYMENT",
    "DEAL_TO_POSTAL_MAIL",
    "DEAL_TO_PRODUCT",
    "DEAL_TO_QUOTE",
    "DEAL_TO_SUBSCRIPTION",
    "DEAL_TO_TASK",
    "DEAL_TO_TICKET",
    "EMAIL_TO_COMPANY",
    "EMAIL_TO_CONTACT",
    "EMAIL_TO_DEAL",
    "EMAIL_TO_TICKET",
    "HUBSPOT_DEFINED",
    "LEAD_TO_CALL",
    "LEAD_TO_COMMUNICATION",
    "LEAD_TO_COMPANY",
    "LEAD_TO_CONTACT",
    "LEAD_TO_EMAIL",
    "LEAD_TO_MEETING",
    "LEAD_TO_PRIMARY_CONTACT",
    "LEAD_TO_TASK",
    "MEETING_TO_COMPANY",
    "MEETING_TO_CONTACT",
    "MEETING_TO_DEAL",
    "MEETING_TO_TICKET",
    "NOTE_TO_COMPANY",
    "NOTE_TO_CONTACT",
    "NOTE_TO_DEAL",
    "NOTE_TO_TICKET",
    "ORDER_TO_CART",
    "ORDER_TO_COMPANY",
    "ORDER_TO_CONTACT",
    "ORDER_TO_DEAL",
    "ORDER_TO_DISCOUNT",
    "ORDER_TO_DISCOUNT_CODE",
    "ORDER_TO_INVOICE",
    "ORDER_TO_LINE_ITEM",
    "ORDER_TO_PAYMENT",
    "ORDER_TO_QUOTE",
    "ORDER_TO_SUBSCRIPTION",
    "ORDER_TO_TASK",
    "ORDER_TO_TICKET",
    "PARENT_TO_CHILD_COMPANY",
    "POSTAL_MAIL_TO_COMPANY",
    "POSTAL_MAIL_TO_CONTACT",
    "POSTAL_MAIL_TO_DEAL",
    "POSTAL_MAIL_TO_TICKET",
    "QUOTE_TO_CART",
    "QUOTE_TO_COMPANY",
    "QUOTE_TO_CONTACT",
    "QUOTE_TO_CONTACT_SIGNER",
    "QUOTE_TO_DEAL",
    "QUOTE_TO_DISCOUNT",
    "QUOTE_TO_FEE",
    "QUOTE_TO_INVOICE",
    "QUOTE_TO_LINE_ITEM",
    "QUOTE_TO_ORDER",
    "QUOTE_TO_PAYMENT",
    "QUOTE_TO_QUOTE_TEMPLATE",
    "QUOTE_TO_SUBSCRIPTION",
    "QUOTE_TO_TAX",
    "TASK_TO_COMPANY",
    "TASK_TO_CONTACT",
    "TASK_TO_DEAL",
    "TASK_TO_TICKET",
    "TICKET_TO_CALL",
    "TICKET_TO_COMMUNICATION",
    "TICKET_TO_COMPANY",
    "TICKET_TO_COMPANY_PRIMARY",
    "TICKET_TO_CONTACT",
    "TICKET_TO_CONVERSATION",
    "TICKET_TO_DEAL",
    "TICKET_TO_EMAIL",
    "TICKET_TO_MEETING",
    "TICKET_TO_NOTE",
    "TICKET_TO_ORDER",
    "TICKET_TO_POSTAL_MAIL",
    "TICKET_TO_TASK",
    "TICKET_TO_THREAD",
    "TICKET_TO_TICKET",
    "AssociationKind",
    "AssociationTypeInfo",
    "DefaultAssociationTypes",
    "default_type_id",
    "describe",
    "primary_type_id",
]

# Contact →
CONTACT_TO_CONTACT: Final = 449
CONTACT_TO_COMPANY: Final = 279
CONTACT_TO_COMPANY_PRIMARY: Final = 1
CONTACT_TO_DEAL: Final = 4
CONTACT_TO_TICKET: Final = 15
CONTACT_TO_CALL: Final = 193
CONTACT_TO_EMAIL: Final = 197
CONTACT_TO_MEETING: Final = 199
CONTACT_TO_NOTE: Final = 201
CONTACT_TO_TASK: Final = 203
CONTACT_TO_COMMUNICATION: Final = 82
CONTACT_TO_POSTAL_MAIL: Final = 454
CONTACT_TO_CART: Final = 587
CONTACT_TO_ORDER: Final = 508
CONTACT_TO_INVOICE: Final = 178
CONTACT_TO_PAYMENT: Final = 388
CONTACT_TO_SUBSCRIPTION: Final = 296

# Company →
COMPANY_TO_COMPANY: Final = 450
CHILD_TO_PARENT_COMPANY: Final = 14
PARENT_TO_CHILD_COMPANY: Final = 13
COMPANY_TO_CONTACT: Final = 280
COMPANY_TO_CONTACT_PRIMARY: Final = 2
COMPANY_TO_DEAL: Final = 342
COMPANY_TO_DEAL_PRIMARY: Final = 6
COMPANY_TO_TICKET: Final = 340
COMPANY_TO_TICKET_PRIMARY: Final = 25
COMPANY_TO_CALL: Final = 181
COMPANY_TO_EMAIL: Final = 185
COMPANY_TO_MEETING: Final = 187
COMPANY_TO_NOTE: Final = 189
COMPANY_TO_TASK: Final = 191
COMPANY_TO_COMMUNICATION: Final = 88
COMPANY_TO_POSTAL_MAIL: Final = 460
COMPANY_TO_INVOICE: Final = 180
COMPANY_TO_ORDER: Final = 510
COMPANY_TO_PAYMENT: Final = 390
COMPANY_TO_SUBSCRIPTION: Final = 298

# Deal →
DEAL_TO_DEAL: Final = 451
DEAL_TO_CONTACT: Final = 3
DEAL_TO_COMPANY: Final = 341
DEAL_TO_COMPANY_PRIMARY: Final = 5
DEAL_TO_TICKET: Final = 27
DEAL_TO_CALL: Final = 205
DEAL_TO_EMAIL: Final = 209
DEAL_TO_MEETING: Final = 211
DEAL_TO_NOTE: Final = 213
DEAL_TO_TASK: Final = 215
DEAL_TO_COMMUNICATION: Final = 86
DEAL_TO_POSTAL_MAIL: Final = 458
DEAL_TO_DEAL_SPLIT: Final = 313
DEAL_TO_LINE_ITEM: Final = 19
DEAL_TO_INVOICE: Final = 176
DEAL_TO_ORDER: Final = 511
DEAL_TO_PAYMENT: Final = 392
DEAL_TO_PRODUCT: Final = 630
DEAL_TO_QUOTE: Final = 63
DEAL_TO_SUBSCRIPTION: Final = 300

# Ticket →
TICKET_TO_TICKET: Final = 452
TICKET_TO_CONTACT: Final = 16
TICKET_TO_COMPANY: Final = 339
TICKET_TO_COMPANY_PRIMARY: Final = 26
TICKET_TO_DEAL: Final = 28
TICKET_TO_CALL: Final = 219
TICKET_TO_EMAIL: Final = 223
TICKET_TO_MEETING: Final = 225
TICKET_TO_NOTE: Final = 227
TICKET_TO_TASK: Final = 229
TICKET_TO_COMMUNICATION: Final = 84
TICKET_TO_POSTAL_MAIL: Final = 456
TICKET_TO_THREAD: Final = 32
TICKET_TO_CONVERSATION: Final = 278
TICKET_TO_ORDER: Final = 526

# Lead →
LEAD_TO_CONTACT: Final = 608
LEAD_TO_PRIMARY_CONTACT: Final = 578
LEAD_TO_CALL: Final = 596
LEAD_TO_EMAIL: Final = 598
LEAD_TO_MEETING: Final = 600
LEAD_TO_COMMUNICATION: Final = 602
LEAD_TO_COMPANY: Final = 610
LEAD_TO_TASK: Final = 646

# Call →
CALL_TO_CONTACT: Final = 194
CALL_TO_COMPANY: Final = 182
CALL_TO_DEAL: Final = 206
CALL_TO_TICKET: Final = 220

# Email →
EMAIL_TO_CONTACT: Final = 198
EMAIL_TO_COMPANY: Final = 186
EMAIL_TO_DEAL: Final = 210
EMAIL_TO_TICKET: Final = 224

# Meeting →
MEETING_TO_CONTACT: Final = 200
MEETING_TO_COMPANY: Final = 188
MEETING_TO_DEAL: Final = 212
MEETING_TO_TICKET: Final = 226

# Note →
NOTE_TO_CONTACT: Final = 202
NOTE_TO_COMPANY: Final = 190
NOTE_TO_DEAL: Final = 214
NOTE_TO_TICKET: Final = 228

# Postal Mail →
POSTAL_MAIL_TO_CONTACT: Final = 453
POSTAL_MAIL_TO_COMPANY: Final = 459
POSTAL_MAIL_TO_DEAL: Final = 457
POSTAL_MAIL_TO_TICKET: Final = 455

# Quote →
QUOTE_TO_CONTACT: Final = 69
QUOTE_TO_COMPANY: Final = 71
QUOTE_TO_DEAL: Final = 64
QUOTE_TO_LINE_ITEM: Final = 67
QUOTE_TO_QUOTE_TEMPLATE: Final = 286
QUOTE_TO_DISCOUNT: Final = 362
QUOTE_TO_FEE: Final = 364
QUOTE_TO_TAX: Final = 366
QUOTE_TO_CONTACT_SIGNER: Final = 702
QUOTE_TO_CART: Final = 733
QUOTE_TO_INVOICE: Final = 408
QUOTE_TO_ORDER: Final = 731
QUOTE_TO_PAYMENT: Final = 398
QUOTE_TO_SUBSCRIPTION: Final = 304

# Task →
TASK_TO_CONTACT: Final = 204
TASK_TO_COMPANY: Final = 192
TASK_TO_DEAL: Final = 216
TASK_TO_TICKET: Final = 230

# Communication →
COMMUNICATION_TO_CONTACT: Final = 81
COMMUNICATION_TO_COMPANY: Final = 87
COMMUNICATION_TO_DEAL: Final = 85
COMMUNICATION_TO_TICKET: Final = 83

# Order →
ORDER_TO_CART: Final = 593
ORDER_TO_CONTACT: Final = 507
ORDER_TO_COMPANY: Final = 509
ORDER_TO_DEAL: Final = 512
ORDER_TO_DISCOUNT: Final = 519
ORDER_TO_DISCOUNT_CODE: Final = 521
ORDER_TO_INVOICE: Final = 518
ORDER_TO_LINE_ITEM: Final = 513
ORDER_TO_PAYMENT: Final = 523
ORDER_TO_QUOTE: Final = 730
ORDER_TO_SUBSCRIPTION: Final = 516
ORDER_TO_TASK: Final = 726
ORDER_TO_TICKET: Final = 525

# Cart →
CART_TO_CONTACT: Final = 586
CART_TO_DISCOUNT: Final = 588
CART_TO_LINE_ITEM: Final = 590
CART_TO_ORDER: Final = 592
CART_TO_QUOTE: Final = 732
CART_TO_TASK: Final = 728
CART_TO_TICKET: Final = 594


_DEFAULT: Final = "default"
_PRIMARY: Final = "primary"
_LABELLED: Final = "labelled"

AssociationKind = Literal["default", "primary", "labelled"]


@attrs.frozen
class AssociationTypeInfo:
    """One HubSpot-defined association type.

    Attributes:
        type_id: the ``associationTypeId`` to send with category ``HUBSPOT_DEFINED``.
        from_type: plural name of the source object type (e.g. ``"contacts"``).
        to_type: plural name of the target object type.
        name: the constant's name in this module (e.g. ``"CONTACT_TO_COMPANY_PRIMARY"``).
        label: HubSpot's label for labelled types (``"Primary"``...); None for the unlabelled default type.
        kind: ``"default"`` (unlabelled, what ``associations/default`` creates), ``"primary"`` or ``"labelled"``.
    """

    type_id: int
    from_type: str
    to_type: str
    name: str
    label: str | None
    kind: AssociationKind


@attrs.frozen
class DefaultAssociationTypes:
    """The unlabelled (default) type id for an object pair and, where HubSpot has one, the primary type id."""

    default: int
    primary: int | None = None


# (type id, from plural, to plural, constant name, label, kind). Object names outside object_types' table
# (deal_splits, threads, conversations, quote_templates, discount_codes) are plural by the same convention.
_ROWS: Final[tuple[tuple[int, str, str, str, str | None, AssociationKind], ...]] = (
    (CONTACT_TO_CONTACT, "contacts", "contacts", "CONTACT_TO_CONTACT", None, _DEFAULT),
    (CONTACT_TO_COMPANY, "contacts", "companies", "CONTACT_TO_COMPANY", None, _DEFAULT),
    (CONTACT_TO_COMPANY_PRIMARY, "contacts", "companies", "CONTACT_TO_COMPANY_PRIMARY", "Primary", _PRIMARY),
    (CONTACT_TO_DEAL, "contacts", "deals", "CONTACT_TO_DEAL", None, _DEFAULT),
    (CONTACT_TO_TICKET, "contacts", "tickets", "CONTACT_TO_TICKET", None, _DEFAULT),
    (CONTACT_TO_CALL, "contacts", "calls", "CONTACT_TO_CALL", None, _DEFAULT),
    (CONTACT_TO_EMAIL, "contacts", "emails", "CONTACT_TO_EMAIL", None, _DEFAULT),
    (CONTACT_TO_MEETING, "contacts", "meetings", "CONTACT_TO_MEETING", None, _DEFAULT),
    (CONTACT_TO_NOTE, "contacts", "notes", "CONTACT_TO_NOTE", None, _DEFAULT),
    (CONTACT_TO_TASK, "contacts", "tasks", "CONTACT_TO_TASK", None, _DEFAULT),
    (CONTACT_TO_COMMUNICATION, "contacts", "communications", "CONTACT_TO_COMMUNICATION", None, _DEFAULT),
    (CONTACT_TO_POSTAL_MAIL, "contacts", "postal_mail", "CONTACT_TO_POSTAL_MAIL", None, _DEFAULT),
    (CONTACT_TO_CART, "contacts", "carts", "CONTACT_TO_CART", None, _DEFAULT),
    (CONTACT_TO_ORDER, "contacts", "orders", "CONTACT_TO_ORDER", None, _DEFAULT),
    (CONTACT_TO_INVOICE, "contacts", "invoices", "CONTACT_TO_INVOICE", None, _DEFAULT),
    (CONTACT_TO_PAYMENT, "contacts", "payments", "CONTACT_TO_PAYMENT", None, _DEFAULT),
    (CONTACT_TO_SUBSCRIPTION, "contacts", "subscriptions", "CONTACT_TO_SUBSCRIPTION", None, _DEFAULT),
    (COMPANY_TO_COMPANY, "companies", "companies", "COMPANY_TO_COMPANY", None, _DEFAULT),
    (
        CHILD_TO_PARENT_COMPANY,
        "companies",
        "companies",
        "CHILD_TO_PARENT_COMPANY",
        "Child to parent company",
        _LABELLED,
    ),
    (
        PARENT_TO_CHILD_COMPANY,
        "companies",
        "companies",
        "PARENT_TO_CHILD_COMPANY",
        "Parent to child company",
        _LABELLED,
    ),
    (COMPANY_TO_CONTACT, "companies", "contacts", "COMPANY_TO_CONTACT", None, _DEFAULT),
    (COMPANY_TO_CONTACT_PRIMARY, "companies", "contacts", "COMPANY_TO_CONTACT_PRIMARY", "Primary", _PRIMARY),
    (COMPANY_TO_DEAL, "companies", "deals", "COMPANY_TO_DEAL", None, _DEFAULT),
    (COMPANY_TO_DEAL_PRIMARY, "companies", "deals", "COMPANY_TO_DEAL_PRIMARY", "Primary", _PRIMARY),
    (COMPANY_TO_TICKET, "companies", "tickets", "COMPANY_TO_TICKET", None, _DEFAULT),
    (COMPANY_TO_TICKET_PRIMARY, "companies", "tickets", "COMPANY_TO_TICKET_PRIMARY", "Primary", _PRIMARY),
    (COMPANY_TO_CALL, "companies", "calls", "COMPANY_TO_CALL", None, _DEFAULT),
    (COMPANY_TO_EMAIL, "companies", "emails", "COMPANY_TO_EMAIL", None, _DEFAULT),
    (COMPANY_TO_MEETING, "companies", "meetings", "COMPANY_TO_MEETING", None, _DEFAULT),
    (COMPANY_TO_NOTE, "companies", "notes", "COMPANY_TO_NOTE", None, _DEFAULT),
    (COMPANY_TO_TASK, "companies", "tasks", "COMPANY_TO_TASK", None, _DEFAULT),
    (COMPANY_TO_COMMUNICATION, "companies", "communications", "COMPANY_TO_COMMUNICATION", None, _DEFAULT),
    (COMPANY_TO_POSTAL_MAIL, "companies", "postal_mail", "COMPANY_TO_POSTAL_MAIL", None, _DEFAULT),
    (COMPANY_TO_INVOICE, "companies", "invoices", "COMPANY_TO_INVOICE", None, _DEFAULT),
    (COMPANY_TO_ORDER, "companies", "orders", "COMPANY_TO_ORDER", None, _DEFAULT),
    (COMPANY_TO_PAYMENT, "companies", "payments", "COMPANY_TO_PAYMENT", None, _DEFAULT),
    (COMPANY_TO_SUBSCRIPTION, "companies", "subscriptions", "COMPANY_TO_SUBSCRIPTION", None, _DEFAULT),
    (DEAL_TO_DEAL, "deals", "deals", "DEAL_TO_DEAL", None, _DEFAULT),
    (DEAL_TO_CONTACT, "deals", "contacts", "DEAL_TO_CONTACT", None, _DEFAULT),
    (DEAL_TO_COMPANY, "deals", "companies", "DEAL_TO_COMPANY", None, _DEFAULT),
    (DEAL_TO_COMPANY_PRIMARY, "deals", "companies", "DEAL_TO_COMPANY_PRIMARY", "Primary", _PRIMARY),
    (DEAL_TO_TICKET, "deals", "tickets", "DEAL_TO_TICKET", None, _DEFAULT),
    (DEAL_TO_CALL, "deals", "calls", "DEAL_TO_CALL", None, _DEFAULT),
    (DEAL_TO_EMAIL, "deals", "emails", "DEAL_TO_EMAIL", None, _DEFAULT),
    (DEAL_TO_MEETING, "deals", "meetings", "DEAL_TO_MEETING", None, _DEFAULT),
    (DEAL_TO_NOTE, "deals", "notes", "DEAL_TO_NOTE", None, _DEFAULT),
    (DEAL_TO_TASK, "deals", "tasks", "DEAL_TO_TASK", None, _DEFAULT),
    (DEAL_TO_COMMUNICATION, "deals", "communications", "DEAL_TO_COMMUNICATION", None, _DEFAULT),
    (DEAL_TO_POSTAL_MAIL, "deals", "postal_mail", "DEAL_TO_POSTAL_MAIL", None, _DEFAULT),
    (DEAL_TO_DEAL_SPLIT, "deals", "deal_splits", "DEAL_TO_DEAL_SPLIT", None, _DEFAULT),
    (DEAL_TO_LINE_ITEM, "deals", "line_items", "DEAL_TO_LINE_ITEM", None, _DEFAULT),
    (DEAL_TO_INVOICE, "deals", "invoices", "DEAL_TO_INVOICE", None, _DEFAULT),
    (DEAL_TO_ORDER, "deals", "orders", "DEAL_TO_ORDER", None, _DEFAULT),
    (DEAL_TO_PAYMENT, "deals", "payments", "DEAL_TO_PAYMENT", None, _DEFAULT),
    (DEAL_TO_PRODUCT, "deals", "products", "DEAL_TO_PRODUCT", None, _DEFAULT),
    (DEAL_TO_QUOTE, "deals", "quotes", "DEAL_TO_QUOTE", None, _DEFAULT),
    (DEAL_TO_SUBSCRIPTION, "deals", "subscriptions", "DEAL_TO_SUBSCRIPTION", None, _DEFAULT),
    (TICKET_TO_TICKET, "tickets", "tickets", "TICKET_TO_TICKET", None, _DEFAULT),
    (TICKET_TO_CONTACT, "tickets", "contacts", "TICKET_TO_CONTACT", None, _DEFAULT),
    (TICKET_TO_COMPANY, "tickets", "companies", "TICKET_TO_COMPANY", None, _DEFAULT),
    (TICKET_TO_COMPANY_PRIMARY, "tickets", "companies", "TICKET_TO_COMPANY_PRIMARY", "Primary", _PRIMARY),
    (TICKET_TO_DEAL, "tickets", "deals", "TICKET_TO_DEAL", None, _DEFAULT),
    (TICKET_TO_CALL, "tickets", "calls", "TICKET_TO_CALL", None, _DEFAULT),
    (TICKET_TO_EMAIL, "tickets", "emails", "TICKET_TO_EMAIL", None, _DEFAULT),
    (TICKET_TO_MEETING, "tickets", "meetings", "TICKET_TO_MEETING", None, _DEFAULT),
    (TICKET_TO_NOTE, "tickets", "notes", "TICKET_TO_NOTE", None, _DEFAULT),
    (TICKET_TO_TASK, "tickets", "tasks", "TICKET_TO_TASK", None, _DEFAULT),
    (TICKET_TO_COMMUNICATION, "tickets", "communications", "TICKET_TO_COMMUNICATION", None, _DEFAULT),
    (TICKET_TO_POSTAL_MAIL, "tickets", "postal_mail", "TICKET_TO_POSTAL_MAIL", None, _DEFAULT),
    (TICKET_TO_THREAD, "tickets", "threads", "TICKET_TO_THREAD", None, _DEFAULT),
    (TICKET_TO_CONVERSATION, "tickets", "conversations", "TICKET_TO_CONVERSATION", None, _DEFAULT),
    (TICKET_TO_ORDER, "tickets", "orders", "TICKET_TO_ORDER", None, _DEFAULT),
    (LEAD_TO_CONTACT, "leads", "contacts", "LEAD_TO_CONTACT", None, _DEFAULT),
    (LEAD_TO_PRIMARY_CONTACT, "leads", "contacts", "LEAD_TO_PRIMARY_CONTACT", "Primary contact", _PRIMARY),
    (LEAD_TO_CALL, "leads", "calls", "LEAD_TO_CALL", None, _DEFAULT),
    (LEAD_TO_EMAIL, "leads", "emails", "LEAD_TO_EMAIL", None, _DEFAULT),
    (LEAD_TO_MEETING, "leads", "meetings", "LEAD_TO_MEETING", None, _DEFAULT),
    (LEAD_TO_COMMUNICATION, "leads", "communications", "LEAD_TO_COMMUNICATION", None, _DEFAULT),
    (LEAD_TO_COMPANY, "leads", "companies", "LEAD_TO_COMPANY", None, _DEFAULT),
    (LEAD_TO_TASK, "leads", "tasks", "LEAD_TO_TASK", None, _DEFAULT),
    (CALL_TO_CONTACT, "calls", "contacts", "CALL_TO_CONTACT", None, _DEFAULT),
    (CALL_TO_COMPANY, "calls", "companies", "CALL_TO_COMPANY", None, _DEFAULT),
    (CALL_TO_DEAL, "calls", "deals", "CALL_TO_DEAL", None, _DEFAULT),
    (CALL_TO_TICKET, "calls", "tickets", "CALL_TO_TICKET", None, _DEFAULT),
    (EMAIL_TO_CONTACT, "emails", "contacts", "EMAIL_TO_CONTACT", None, _DEFAULT),
    (EMAIL_TO_COMPANY, "emails", "companies", "EMAIL_TO_COMPANY", None, _DEFAULT),
    (EMAIL_TO_DEAL, "emails", "deals", "EMAIL_TO_DEAL", None, _DEFAULT),
    (EMAIL_TO_TICKET, "emails", "tickets", "EMAIL_TO_TICKET", None, _DEFAULT),
    (MEETING_TO_CONTACT, "meetings", "contacts", "MEETING_TO_CONTACT", None, _DEFAULT),
    (MEETING_TO_COMPANY, "meetings", "companies", "MEETING_TO_COMPANY", None, _DEFAULT),
    (MEETING_TO_DEAL, "meetings", "deals", "MEETING_TO_DEAL", None, _DEFAULT),
    (MEETING_TO_TICKET, "meetings", "tickets", "MEETING_TO_TICKET", None, _DEFAULT),
    (NOTE_TO_CONTACT, "notes", "contacts", "NOTE_TO_CONTACT", None, _DEFAULT),
    (NOTE_TO_COMPANY, "notes", "companies", "NOTE_TO_COMPANY", None, _DEFAULT),
    (NOTE_TO_DEAL, "notes", "deals", "NOTE_TO_DEAL", None, _DEFAULT),
    (NOTE_TO_TICKET, "notes", "tickets", "NOTE_TO_TICKET", None, _DEFAULT),
    (POSTAL_MAIL_TO_CONTACT, "postal_mail", "contacts", "POSTAL_MAIL_TO_CONTACT", None, _DEFAULT),
    (POSTAL_MAIL_TO_COMPANY, "postal_mail", "companies", "POSTAL_MAIL_TO_COMPANY", None, _DEFAULT),
    (POSTAL_MAIL_TO_DEAL, "postal_mail", "deals", "POSTAL_MAIL_TO_DEAL", None, _DEFAULT),
    (POSTAL_MAIL_TO_TICKET, "postal_mail", "tickets", "POSTAL_MAIL_TO_TICKET", None, _DEFAULT),
    (QUOTE_TO_CONTACT, "quotes", "contacts", "QUOTE_TO_CONTACT", None, _DEFAULT),
    (QUOTE_TO_COMPANY, "quotes", "companies", "QUOTE_TO_COMPANY", None, _DEFAULT),
    (QUOTE_TO_DEAL, "quotes", "deals", "QUOTE_TO_DEAL", None, _DEFAULT),
    (QUOTE_TO_LINE_ITEM, "quotes", "line_items", "QUOTE_TO_LINE_ITEM", None, _DEFAULT),
    (QUOTE_TO_QUOTE_TEMPLATE, "quotes", "quote_templates", "QUOTE_TO_QUOTE_TEMPLATE", None, _DEFAULT),
    (QUOTE_TO_DISCOUNT, "quotes", "discounts", "QUOTE_TO_DISCOUNT", None, _DEFAULT),
    (QUOTE_TO_FEE, "quotes", "fees", "QUOTE_TO_FEE", None, _DEFAULT),
    (QUOTE_TO_TAX, "quotes", "taxes", "QUOTE_TO_TAX", None, _DEFAULT),
    (
        QUOTE_TO_CONTACT_SIGNER,
        "quotes",
        "contacts",
        "QUOTE_TO_CONTACT_SIGNER",
        "Contact signer (e-signatures)",
        _LABELLED,
    ),
    (QUOTE_TO_CART, "quotes", "carts", "QUOTE_TO_CART", None, _DEFAULT),
    (QUOTE_TO_INVOICE, "quotes", "invoices", "QUOTE_TO_INVOICE", None, _DEFAULT),
    (QUOTE_TO_ORDER, "quotes", "orders", "QUOTE_TO_ORDER", None, _DEFAULT),
    (QUOTE_TO_PAYMENT, "quotes", "payments", "QUOTE_TO_PAYMENT", None, _DEFAULT),
    (QUOTE_TO_SUBSCRIPTION, "quotes", "subscriptions", "QUOTE_TO_SUBSCRIPTION", None, _DEFAULT),
    (TASK_TO_CONTACT, "tasks", "contacts", "TASK_TO_CONTACT", None, _DEFAULT),
    (TASK_TO_COMPANY, "tasks", "companies", "TASK_TO_COMPANY", None, _DEFAULT),
    (TASK_TO_DEAL, "tasks", "deals", "TASK_TO_DEAL", None, _DEFAULT),
    (TASK_TO_TICKET, "tasks", "tickets", "TASK_TO_TICKET", None, _DEFAULT),
    (COMMUNICATION_TO_CONTACT, "communications", "contacts", "COMMUNICATION_TO_CONTACT", None, _DEFAULT),
    (COMMUNICATION_TO_COMPANY, "communications", "companies", "COMMUNICATION_TO_COMPANY", None, _DEFAULT),
    (COMMUNICATION_TO_DEAL, "communications", "deals", "COMMUNICATION_TO_DEAL", None, _DEFAULT),
    (COMMUNICATION_TO_TICKET, "communications", "tickets", "COMMUNICATION_TO_TICKET", None, _DEFAULT),
    (ORDER_TO_CART, "orders", "carts", "ORDER_TO_CART", None, _DEFAULT),
    (ORDER_TO_CONTACT, "orders", "contacts", "ORDER_TO_CONTACT", None, _DEFAULT),
    (ORDER_TO_COMPANY, "orders", "companies", "ORDER_TO_COMPANY", None, _DEFAULT),
    (ORDER_TO_DEAL, "orders", "deals", "ORDER_TO_DEAL", None, _DEFAULT),
    (ORDER_TO_DISCOUNT, "orders", "discounts", "ORDER_TO_DISCOUNT", None, _DEFAULT),
    (ORDER_TO_DISCOUNT_CODE, "orders", "discount_codes", "ORDER_TO_DISCOUNT_CODE", None, _DEFAULT),
    (ORDER_TO_INVOICE, "orders", "invoices", "ORDER_TO_INVOICE", None, _DEFAULT),
    (ORDER_TO_LINE_ITEM, "orders", "line_items", "ORDER_TO_LINE_ITEM", None, _DEFAULT),
    (ORDER_TO_PAYMENT, "orders", "payments", "ORDER_TO_PAYMENT", None, _DEFAULT),
    (ORDER_TO_QUOTE, "orders", "quotes", "ORDER_TO_QUOTE", None, _DEFAULT),
    (ORDER_TO_SUBSCRIPTION, "orders", "subscriptions", "ORDER_TO_SUBSCRIPTION", None, _DEFAULT),
    (ORDER_TO_TASK, "orders", "tasks", "ORDER_TO_TASK", None, _DEFAULT),
    (ORDER_TO_TICKET, "orders", "tickets", "ORDER_TO_TICKET", None, _DEFAULT),
    (CART_TO_CONTACT, "carts", "contacts", "CART_TO_CONTACT", None, _DEFAULT),
    (CART_TO_DISCOUNT, "carts", "discounts", "CART_TO_DISCOUNT", None, _DEFAULT),
    (CART_TO_LINE_ITEM, "carts", "line_items", "CART_TO_LINE_ITEM", None, _DEFAULT),
    (CART_TO_ORDER, "carts", "orders", "CART_TO_ORDER", None, _DEFAULT),
    (CART_TO_QUOTE, "carts", "quotes", "CART_TO_QUOTE", None, _DEFAULT),
    (CART_TO_TASK, "carts", "tasks", "CART_TO_TASK", None, _DEFAULT),
    (CART_TO_TICKET, "carts", "tickets", "CART_TO_TICKET", None, _DEFAULT),
)

ALL_HUBSPOT_DEFINED: Final[tuple[AssociationTypeInfo, ...]] = tuple(AssociationTypeInfo(*row) for row in _ROWS)
"""Every HubSpot-defined association type in this module, grouped by source object."""

_BY_ID: Final[Mapping[int, AssociationTypeInfo]] = MappingProxyType(
    {info.type_id: info for info in ALL_HUBSPOT_DEFINED}
)


def _build_defaults() -> dict[tuple[str, str], DefaultAssociationTypes]:
    defaults = {(i.from_type, i.to_type): i.type_id for i in ALL_HUBSPOT_DEFINED if i.kind == _DEFAULT}
    primaries = {(i.from_type, i.to_type): i.type_id for i in ALL_HUBSPOT_DEFINED if i.kind == _PRIMARY}
    return {pair: DefaultAssociationTypes(default, primaries.get(pair)) for pair, default in defaults.items()}


HUBSPOT_DEFINED: Final[Mapping[tuple[str, str], DefaultAssociationTypes]] = MappingProxyType(_build_defaults())
"""``(from plural, to plural)`` → the unlabelled type id and the primary type id (None where there is none)."""


def _plural_name(value: str) -> str:
    try:
        return object_types.plural(value)
    except (TypeError, ValueError):
        # Objects outside the object-type table (threads, deal_splits...) are keyed by their lowercase name.
        return value.lower() if isinstance(value, str) else ""


def default_type_id(from_type: str, to_type: str) -> int | None:
    """The unlabelled HubSpot-defined type id from ``from_type`` to ``to_type`` (names or type ids), or None.

    Examples:
        >>> default_type_id("deal", "0-1")
        3
    """
    entry = HUBSPOT_DEFINED.get((_plural_name(from_type), _plural_name(to_type)))
    return entry.default if entry is not None else None


def primary_type_id(from_type: str, to_type: str) -> int | None:
    """The primary HubSpot-defined type id from ``from_type`` to ``to_type``, or None where HubSpot has none.

    Examples:
        >>> primary_type_id("contacts", "companies")
        1
    """
    entry = HUBSPOT_DEFINED.get((_plural_name(from_type), _plural_name(to_type)))
    return entry.primary if entry is not None else None


def describe(type_id: int, from_type: str | None = None, to_type: str | None = None) -> AssociationTypeInfo | None:
    """What a HubSpot-defined type id means, or None if unknown (or not between the given object types).

    Only meaningful for category ``HUBSPOT_DEFINED``: user-defined ids are per portal and may collide.

    Examples:
        >>> describe(1, "contacts", "companies").name
        'CONTACT_TO_COMPANY_PRIMARY'
        >>> describe(1, "companies", "contacts") is None
        True
    """
    info = _BY_ID.get(type_id)
    if info is None:
        return None
    if from_type is not None and _plural_name(from_type) != info.from_type:
        return None
    if to_type is not None and _plural_name(to_type) != info.to_type:
        return None
    return info
