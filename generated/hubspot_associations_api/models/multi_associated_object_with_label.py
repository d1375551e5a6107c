from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import str_from_json

T = TypeVar("T", bound="MultiAssociatedObjectWithLabel")


@_attrs_define
class MultiAssociatedObjectWithLabel:
    """One associated record, with every association type between it and the record read."""

    to_object_id: str
    """ Id of the associated record. **Real traffic:** often a JSON number; read it as a string. """
    association_types: list[AssociationSpecWithLabel]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        to_object_id = self.to_object_id

        association_types = []
        for association_types_item_data in self.association_types:
            association_types_item = association_types_item_data.to_dict()
            association_types.append(association_types_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "toObjectId": to_object_id,
                "associationTypes": association_types,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        to_object_id = str_from_json(d.pop("toObjectId"))

        association_types = []
        _association_types = d.pop("associationTypes")
        for association_types_item_data in _association_types:
            association_types_item = AssociationSpecWithLabel.from_dict(association_types_item_data)

            association_types.append(association_types_item)

        multi_associated_object_with_label = cls(
            to_object_id=to_object_id,
            association_types=association_types,
        )

        multi_associated_object_with_label.additional_properties = d
        return multi_associated_object_with_label

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
from ..models.association_spec_with_label import AssociationSpecWithLabel  # noqa: E402
