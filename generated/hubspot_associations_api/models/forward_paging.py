from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.next_page import NextPage


T = TypeVar("T", bound="ForwardPaging")


@_attrs_define
class ForwardPaging:
    """Present only when more results remain."""

    next_: NextPage | Unset = UNSET
    """ Where the next page starts. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        next_: dict[str, Any] | Unset = UNSET
        if not isinstance(self.next_, Unset):
            next_ = self.next_.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        if "next" in d:
            from ..models.next_page import NextPage
        _next_ = d.pop("next", UNSET)
        next_: NextPage | Unset
        if isinstance(_next_, Unset):
            next_ = UNSET
        else:
            next_ = NextPage.from_dict(_next_)

        forward_paging = cls(
            next_=next_,
        )

        forward_paging.additional_properties = d
        return forward_paging

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
