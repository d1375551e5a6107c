from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

if TYPE_CHECKING:
    from ..models.error_detail_context import ErrorDetailContext


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
    sub_category: str | Unset = UNSET
    """ A more specific category. """
    context: ErrorDetailContext | Unset = UNSET
    """ Details by key, e.g. `requiredGranularScopes`. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        code = self.code

        in_ = self.in_

        sub_category = self.sub_category

        context: dict[str, Any] | Unset = UNSET
        if not isinstance(self.context, Unset):
            context = self.context.to_dict()

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

        sub_category = str_from_json(d.pop("subCategory", UNSET))

        if "context" in d:
            from ..models.error_detail_context import ErrorDetailContext
        _context = d.pop("context", UNSET)
        context: ErrorDetailContext | Unset
        if isinstance(_context, Unset):
            context = UNSET
        else:
            context = ErrorDetailContext.from_dict(_context)

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
