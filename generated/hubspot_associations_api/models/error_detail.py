from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

T = TypeVar("T", bound="ErrorDetail")


@_attrs_define
class ErrorDetail:
    """One detail of an error.

    Example:
        {'message': 'One or more of the following scopes are required.', 'context': {'requiredGranularScopes':
            ['crm.objects.companies.write']}}

    """

    message: str
    """ A human-readable message for this detail. """
    code: str | Unset = UNSET
    """ A code for this detail. """
    in_: str | Unset = UNSET
    """ The field or parameter the detail refers to. """
    sub_category: ErrorSubCategoryObject | str | Unset = UNSET
    """ A more specific category, when HubSpot gives one. **Real traffic** sends a string such as
    `crm.associations.INVALID_IDENTIFIER`; HubSpot's spec (and documentation example) an object.
     """
    context: ErrorContextObject | str | Unset = UNSET
    """ Details of an error condition, by key, e.g. `INVALID_OBJECT_IDS`, `requiredGranularScopes`. Values are
    usually lists of strings but may be anything. **Real traffic** (and HubSpot's own documentation example)
    also sends the whole object JSON-encoded as a string, e.g. `"{\\"missingScopes\\":[\\"scope1\\"]}"`; the SDK's
    error objects decode it.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        code = self.code

        in_ = self.in_

        sub_category: dict[str, Any] | str | Unset
        if isinstance(self.sub_category, Unset):
            sub_category = UNSET
        elif isinstance(self.sub_category, ErrorSubCategoryObject):
            sub_category = self.sub_category.to_dict()
        else:
            sub_category = self.sub_category

        context: dict[str, Any] | str | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, ErrorContextObject):
            context = self.context.to_dict()
        else:
            context = self.context

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if code is not UNSET:
            field_dict["code"] = code
        if in_ is not UNSET:
            field_dict["in"] = in_
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category
        if context is not UNSET:
            field_dict["context"] = context

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = str_from_json(d.pop("message"))

        code = str_from_json(d.pop("code", UNSET))

        in_ = str_from_json(d.pop("in", UNSET))

        def _parse_sub_category(data: object) -> ErrorSubCategoryObject | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_sub_category_error_sub_category_object = ErrorSubCategoryObject.from_dict(data)

                return componentsschemas_error_sub_category_error_sub_category_object
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorSubCategoryObject | str | Unset, data)

        sub_category = _parse_sub_category(d.pop("subCategory", UNSET))

        def _parse_context(data: object) -> ErrorContextObject | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_context_error_context_object = ErrorContextObject.from_dict(data)

                return componentsschemas_error_context_error_context_object
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorContextObject | str | Unset, data)

        context = _parse_context(d.pop("context", UNSET))

        error_detail = cls(
            message=message,
            code=code,
            in_=in_,
            sub_category=sub_category,
            context=context,
        )

        error_detail.additional_properties = d
        return error_detail

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
from ..models.error_context_object import ErrorContextObject  # noqa: E402
from ..models.error_sub_category_object import ErrorSubCategoryObject  # noqa: E402
