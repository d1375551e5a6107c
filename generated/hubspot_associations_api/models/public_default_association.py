from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicDefaultAssociation")


@_attrs_define
class PublicDefaultAssociation:
    """One association created by the default operation, with its direction and type.

    Example:
        {'associationSpec': {'associationCategory': 'HUBSPOT_DEFINED', 'associationTypeId': 279}, 'from': {'id': '101'},
            'to': {'id': '202'}}

    """

    association_spec: AssociationSpec
    """ One association type between two records, given by its category and its type id. """
    from_: PublicObjectId
    """ A reference to one record by its id. """
    to: PublicObjectId
    """ A reference to one record by its id. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        association_spec = self.association_spec.to_dict()

        from_ = self.from_.to_dict()

        to = self.to.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "associationSpec": association_spec,
                "from": from_,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        association_spec = AssociationSpec.from_dict(d.pop("associationSpec"))

        from_ = PublicObjectId.from_dict(d.pop("from"))

        to = PublicObjectId.from_dict(d.pop("to"))

        public_default_association = cls(
            association_spec=association_spec,
            from_=from_,
            to=to,
        )

        public_default_association.additional_properties = d
        return public_default_association

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
from ..models.association_spec import AssociationSpec  # noqa: E402
from ..models.public_object_id import PublicObjectId  # noqa: E402
