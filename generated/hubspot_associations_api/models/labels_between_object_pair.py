from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import str_from_json

T = TypeVar("T", bound="LabelsBetweenObjectPair")


@_attrs_define
class LabelsBetweenObjectPair:
    """The labels applied between two records after the labelled operation.

    Example:
        {'fromObjectTypeId': '0-1', 'fromObjectId': '101', 'toObjectTypeId': '0-2', 'toObjectId': '202', 'labels':
            ['Manager']}

    """

    from_object_type_id: str
    """ Type id of the source record (`0-1`), whatever form the request used. """
    from_object_id: str
    """ Id of the source record. **Real traffic:** often a JSON number, sometimes above 2^31; read it as a
    string.
     """
    to_object_type_id: str
    """ Type id of the target record (`0-2`). """
    to_object_id: str
    """ Id of the target record. **Real traffic:** often a JSON number; read it as a string. """
    labels: list[str]
    """ The labels between the two records. Unlabelled HubSpot-defined types contribute no entry.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        from_object_type_id = self.from_object_type_id

        from_object_id = self.from_object_id

        to_object_type_id = self.to_object_type_id

        to_object_id = self.to_object_id

        labels = self.labels

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "fromObjectTypeId": from_object_type_id,
                "fromObjectId": from_object_id,
                "toObjectTypeId": to_object_type_id,
                "toObjectId": to_object_id,
                "labels": labels,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        from_object_type_id = str_from_json(d.pop("fromObjectTypeId"))

        from_object_id = str_from_json(d.pop("fromObjectId"))

        to_object_type_id = str_from_json(d.pop("toObjectTypeId"))

        to_object_id = str_from_json(d.pop("toObjectId"))

        labels = cast(list[str], d.pop("labels"))

        labels_between_object_pair = cls(
            from_object_type_id=from_object_type_id,
            from_object_id=from_object_id,
            to_object_type_id=to_object_type_id,
            to_object_id=to_object_id,
            labels=labels,
        )

        labels_between_object_pair.additional_properties = d
        return labels_between_object_pair

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
