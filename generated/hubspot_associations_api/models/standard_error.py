from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

T = TypeVar("T", bound="StandardError")


@_attrs_define
class StandardError:
    """An error for one part of a batch. HubSpot's spec types `subCategory` as an object here; **real traffic**
    sends a string such as `crm.associations.INVALID_IDENTIFIER`, so no type is imposed. `status` holds the
    literal `error` in real payloads, not an HTTP status.

        Example:
            {'status': 'error', 'category': 'VALIDATION_ERROR', 'subCategory': 'crm.associations.INVALID_IDENTIFIER',
                'message': 'One or more associations are invalid', 'context': {'INVALID_OBJECT_IDS': ['CONTACT=38374264688 is
                not valid']}, 'links': {}, 'errors': []}

    """

    status: str
    """ Always `error` in real traffic. """
    category: str
    """ The error category. """
    message: str
    """ A human-readable message. """
    context: StandardErrorContext
    """ Details by key. """
    links: StandardErrorLinks
    """ Links by name. """
    errors: list[ErrorDetail]
    """ Further details. """
    id: str | Unset = UNSET
    """ Id of the batch input the error refers to, if any. """
    sub_category: Any | Unset = UNSET
    """ A more specific category (a string in real traffic, an object in HubSpot's spec). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status

        category = self.category

        message = self.message

        context = self.context.to_dict()

        links = self.links.to_dict()

        errors = []
        for errors_item_data in self.errors:
            errors_item = errors_item_data.to_dict()
            errors.append(errors_item)

        id = self.id

        sub_category = self.sub_category

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "category": category,
                "message": message,
                "context": context,
                "links": links,
                "errors": errors,
            }
        )
        if id is not UNSET:
            field_dict["id"] = id
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = str_from_json(d.pop("status"))

        category = str_from_json(d.pop("category"))

        message = str_from_json(d.pop("message"))

        context = StandardErrorContext.from_dict(d.pop("context"))

        links = StandardErrorLinks.from_dict(d.pop("links"))

        errors = []
        _errors = d.pop("errors")
        for errors_item_data in _errors:
            errors_item = ErrorDetail.from_dict(errors_item_data)

            errors.append(errors_item)

        id = str_from_json(d.pop("id", UNSET))

        sub_category = d.pop("subCategory", UNSET)

        standard_error = cls(
            status=status,
            category=category,
            message=message,
            context=context,
            links=links,
            errors=errors,
            id=id,
            sub_category=sub_category,
        )

        standard_error.additional_properties = d
        return standard_error

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


# Imported here, after the class, so that models which refer to each other can import each other.
from ..models.error_detail import ErrorDetail  # noqa: E402
from ..models.standard_error_context import StandardErrorContext  # noqa: E402
from ..models.standard_error_links import StandardErrorLinks  # noqa: E402
