from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicAssociationMultiPost")


@_attrs_define
class PublicAssociationMultiPost:
    """One record pair of a batch of labelled associations, with the types to create between them.

    Example:
        {'from': {'id': '101'}, 'to': {'id': '202'}, 'types': [{'associationCategory': 'USER_DEFINED',
            'associationTypeId': 36}]}

    """

    from_: PublicObjectId
    """ A reference to one record by its id. """
    to: PublicObjectId
    """ A reference to one record by its id. """
    types: list[AssociationSpec]
    """ The association types to create between the pair; at least one. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.to_dict()

        to = self.to.to_dict()

        types = []
        for types_item_data in self.types:
            types_item = types_item_data.to_dict()
            types.append(types_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
                "types": types,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_ = PublicObjectId.from_dict(d.pop("from"))

        to = PublicObjectId.from_dict(d.pop("to"))

        types = []
        _types = d.pop("types")
        for types_item_data in _types:
            types_item = AssociationSpec.from_dict(types_item_data)

            types.append(types_item)

        public_association_multi_post = cls(
            from_=from_,
            to=to,
            types=types,
        )

        public_association_multi_post.additional_properties = d
        return public_association_multi_post

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
