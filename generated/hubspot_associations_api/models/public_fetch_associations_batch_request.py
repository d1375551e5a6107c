from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

T = TypeVar("T", bound="PublicFetchAssociationsBatchRequest")


@_attrs_define
class PublicFetchAssociationsBatchRequest:
    """One record whose associations to read, optionally from a cursor."""

    id: str
    """ The record id. """
    after: str | Unset = UNSET
    """ The cursor of this record's next page (its previous result's `paging.next.after`). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        after = self.after

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "id": id,
            }
        )
        if after is not UNSET:
            field_dict["after"] = after

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        id = str_from_json(d.pop("id"))

        after = str_from_json(d.pop("after", UNSET))

        public_fetch_associations_batch_request = cls(
            id=id,
            after=after,
        )

        public_fetch_associations_batch_request.additional_properties = d
        return public_fetch_associations_batch_request

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
