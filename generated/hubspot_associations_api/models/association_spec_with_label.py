from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.association_spec_with_label_category import AssociationSpecWithLabelCategory
from ..types import UNSET, Unset

T = TypeVar("T", bound="AssociationSpecWithLabel")


@_attrs_define
class AssociationSpecWithLabel:
    """One association type between two records as read back, with its label (if any)."""

    category: AssociationSpecWithLabelCategory
    """ Who defined the type (as `associationCategory`). **Clients must accept values not listed.** """
    type_id: int
    """ The association type id. """
    label: None | str | Unset = UNSET
    """ The label, or null for an unlabelled type. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        category = self.category.value

        type_id = self.type_id

        label: None | str | Unset
        if isinstance(self.label, Unset):
            label = UNSET
        else:
            label = self.label

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "category": category,
                "typeId": type_id,
            }
        )
        if label is not UNSET:
            field_dict["label"] = label

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        category = AssociationSpecWithLabelCategory(d.pop("category"))

        type_id = d.pop("typeId")

        def _parse_label(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        label = _parse_label(d.pop("label", UNSET))

        association_spec_with_label = cls(
            category=category,
            type_id=type_id,
            label=label,
        )

        association_spec_with_label.additional_properties = d
        return association_spec_with_label

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
