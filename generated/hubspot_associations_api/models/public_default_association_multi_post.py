from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

T = TypeVar("T", bound="PublicDefaultAssociationMultiPost")


@_attrs_define
class PublicDefaultAssociationMultiPost:
    """One record pair of a batch of default associations.

    Example:
        {'from': {'id': '101'}, 'to': {'id': '202'}}

    """

    from_: PublicObjectId
    """ A reference to one record by its id. """
    to: PublicObjectId
    """ A reference to one record by its id. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_ = self.from_.to_dict()

        to = self.to.to_dict()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "from": from_,
                "to": to,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_ = PublicObjectId.from_dict(d.pop("from"))

        to = PublicObjectId.from_dict(d.pop("to"))

        public_default_association_multi_post = cls(
            from_=from_,
            to=to,
        )

        public_default_association_multi_post.additional_properties = d
        return public_default_association_multi_post

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
from ..models.public_object_id import PublicObjectId  # noqa: E402
