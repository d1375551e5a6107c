from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_status import BatchStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_response_labels_between_object_pair_links import BatchResponseLabelsBetweenObjectPairLinks


T = TypeVar("T", bound="BatchResponseLabelsBetweenObjectPair")


@_attrs_define
class BatchResponseLabelsBetweenObjectPair:
    """The answer of `batchCreate` when every input succeeded: one result per pair. **Real traffic** omits
    `requestedAt` and `links`.

        Example:
            {'status': 'COMPLETE', 'results': [{'fromObjectTypeId': '0-1', 'fromObjectId': '101', 'toObjectTypeId': '0-2',
                'toObjectId': '202', 'labels': []}], 'startedAt': '2026-11-23T09:30:00.113Z', 'completedAt':
                '2026-11-23T09:30:00.161Z'}

    """

    status: BatchStatus
    """ State of a batch. **Clients must accept values not listed here.** (HubSpot's description spells the value
    `CANCELLED`; the value sent is `CANCELED`.)
     """
    results: list[LabelsBetweenObjectPair]
    """ The pairs associated, with the labels now applied between each. """
    started_at: datetime.datetime
    """ When processing started (ISO 8601). """
    completed_at: datetime.datetime
    """ When processing finished (ISO 8601). """
    links: BatchResponseLabelsBetweenObjectPairLinks | Unset = UNSET
    """ Links related to the batch, by name. """
    requested_at: datetime.datetime | Unset = UNSET
    """ When the request was received (ISO 8601). """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        status = self.status.value

        results = []
        for results_item_data in self.results:
            results_item = results_item_data.to_dict()
            results.append(results_item)

        started_at = self.started_at.isoformat()

        completed_at = self.completed_at.isoformat()

        links: dict[str, Any] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links.to_dict()

        requested_at: str | Unset = UNSET
        if not isinstance(self.requested_at, Unset):
            requested_at = self.requested_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "status": status,
                "results": results,
                "startedAt": started_at,
                "completedAt": completed_at,
            }
        )
        if links is not UNSET:
            field_dict["links"] = links
        if requested_at is not UNSET:
            field_dict["requestedAt"] = requested_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        status = BatchStatus(d.pop("status"))

        results = []
        _results = d.pop("results")
        for results_item_data in _results:
            results_item = LabelsBetweenObjectPair.from_dict(results_item_data)

            results.append(results_item)

        started_at = datetime.datetime.fromisoformat(d.pop("startedAt"))

        completed_at = datetime.datetime.fromisoformat(d.pop("completedAt"))

        if "links" in d:
            from ..models.batch_response_labels_between_object_pair_links import (
                BatchResponseLabelsBetweenObjectPairLinks,
            )
        _links = d.pop("links", UNSET)
        links: BatchResponseLabelsBetweenObjectPairLinks | Unset
        if isinstance(_links, Unset):
            links = UNSET
        else:
            links = BatchResponseLabelsBetweenObjectPairLinks.from_dict(_links)

        _requested_at = d.pop("requestedAt", UNSET)
        requested_at: datetime.datetime | Unset
        if isinstance(_requested_at, Unset):
            requested_at = UNSET
        else:
            requested_at = datetime.datetime.fromisoformat(_requested_at)

        batch_response_labels_between_object_pair = cls(
            status=status,
            results=results,
            started_at=started_at,
            completed_at=completed_at,
            links=links,
            requested_at=requested_at,
        )

        batch_response_labels_between_object_pair.additional_properties = d
        return batch_response_labels_between_object_pair

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
from ..models.labels_between_object_pair import LabelsBetweenObjectPair  # noqa: E402
