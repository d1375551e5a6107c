from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.batch_status import BatchStatus
from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.batch_response_labels_between_object_pair_with_errors_links import (
        BatchResponseLabelsBetweenObjectPairWithErrorsLinks,
    )
    from ..models.standard_error import StandardError


T = TypeVar("T", bound="BatchResponseLabelsBetweenObjectPairWithErrors")


@_attrs_define
class BatchResponseLabelsBetweenObjectPairWithErrors:
    """The answer of `batchCreate` when some inputs failed (`207`): the pairs that succeeded and one `errors[]`
    item per problem. No item carries the index of its input.

        Example:
            {'status': 'COMPLETE', 'results': [], 'numErrors': 1, 'errors': [{'status': 'error', 'category':
                'VALIDATION_ERROR', 'subCategory': 'crm.associations.INVALID_IDENTIFIER', 'message': '999 is not a valid ID',
                'context': {'id': ['999']}}], 'startedAt': '2026-11-23T09:30:00.113Z', 'completedAt':
                '2026-11-23T09:30:00.161Z'}

    """

    status: BatchStatus
    """ State of a batch. **Clients must accept values not listed here.** (HubSpot's description spells the value
    `CANCELLED`; the value sent is `CANCELED`.)
     """
    results: list[LabelsBetweenObjectPair]
    """ The pairs associated (possibly none). """
    started_at: datetime.datetime
    """ When processing started (ISO 8601). """
    completed_at: datetime.datetime
    """ When processing finished (ISO 8601). """
    errors: list[StandardError] | Unset = UNSET
    """ One item per problem. """
    num_errors: int | Unset = UNSET
    """ Number of entries in `errors`. """
    links: BatchResponseLabelsBetweenObjectPairWithErrorsLinks | Unset = UNSET
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

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        num_errors = self.num_errors

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
        if errors is not UNSET:
            field_dict["errors"] = errors
        if num_errors is not UNSET:
            field_dict["numErrors"] = num_errors
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

        if "errors" in d:
            from ..models.standard_error import StandardError
        _errors = d.pop("errors", UNSET)
        errors: list[StandardError] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = StandardError.from_dict(errors_item_data)

                errors.append(errors_item)

        num_errors = d.pop("numErrors", UNSET)

        if "links" in d:
            from ..models.batch_response_labels_between_object_pair_with_errors_links import (
                BatchResponseLabelsBetweenObjectPairWithErrorsLinks,
            )
        _links = d.pop("links", UNSET)
        links: BatchResponseLabelsBetweenObjectPairWithErrorsLinks | Unset
        if isinstance(_links, Unset):
            links = UNSET
        else:
            links = BatchResponseLabelsBetweenObjectPairWithErrorsLinks.from_dict(_links)

        _requested_at = d.pop("requestedAt", UNSET)
        requested_at: datetime.datetime | Unset
        if isinstance(_requested_at, Unset):
            requested_at = UNSET
        else:
            requested_at = datetime.datetime.fromisoformat(_requested_at)

        batch_response_labels_between_object_pair_with_errors = cls(
            status=status,
            results=results,
            started_at=started_at,
            completed_at=completed_at,
            errors=errors,
            num_errors=num_errors,
            links=links,
            requested_at=requested_at,
        )

        batch_response_labels_between_object_pair_with_errors.additional_properties = d
        return batch_response_labels_between_object_pair_with_errors

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
