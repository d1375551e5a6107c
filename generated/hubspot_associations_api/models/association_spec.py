from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.association_spec_association_category import AssociationSpecAssociationCategory

T = TypeVar("T", bound="AssociationSpec")


@_attrs_define
class AssociationSpec:
    """One association type between two records, given by its category and its type id.

    Example:
        {'associationCategory': 'HUBSPOT_DEFINED', 'associationTypeId': 279}

    """

    association_category: AssociationSpecAssociationCategory
    """ Who defined the association type. `HUBSPOT_DEFINED` types have the same id in every portal (contact →
    company `279`, primary company `1`); `USER_DEFINED` labels are created in a portal and
    `INTEGRATOR_DEFINED` ones by an app, so their ids differ per portal. `WORK` was added in 2026.
    **Clients must accept values not listed here**, as the list has grown before.
     """
    association_type_id: int
    """ The id of the association type. Ids are directional: contact → company `279`, company → contact `280`.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        association_category = self.association_category.value

        association_type_id = self.association_type_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "associationCategory": association_category,
                "associationTypeId": association_type_id,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        association_category = AssociationSpecAssociationCategory(d.pop("associationCategory"))

        association_type_id = d.pop("associationTypeId")

        association_spec = cls(
            association_category=association_category,
            association_type_id=association_type_id,
        )

        association_spec.additional_properties = d
        return association_spec

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
