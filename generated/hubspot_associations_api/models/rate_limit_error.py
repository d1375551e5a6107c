from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

T = TypeVar("T", bound="RateLimitError")


@_attrs_define
class RateLimitError:
    """The body of a `429`. It has a shape of its own: `errorType` and `policyName` instead of `category`. Only
    `message` is required: bodies without `policyName` occur (then the message names the limit, e.g. "You
    have reached your daily limit.").

        Example:
            {'status': 'error', 'message': 'You have reached your ten_secondly_rolling limit.', 'errorType': 'RATE_LIMIT',
                'policyName': 'TEN_SECONDLY_ROLLING', 'correlationId': '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d'}

    """

    message: str
    """ A human-readable message naming the limit. """
    status: str | Unset = UNSET
    """ Always `error`. """
    error_type: str | Unset = UNSET
    """ Always `RATE_LIMIT`. """
    policy_name: str | Unset = UNSET
    """ Which limit was reached: `TEN_SECONDLY_ROLLING`, `SECONDLY` (legacy) or `DAILY`. Other values may
    appear.
     """
    correlation_id: str | Unset = UNSET
    """ HubSpot's id for this request. """
    group_name: str | Unset = UNSET
    """ Internal name of the limit group. """
    request_id: str | Unset = UNSET
    """ Another id for this request, sent on some bodies. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status = self.status

        error_type = self.error_type

        policy_name = self.policy_name

        correlation_id = self.correlation_id

        group_name = self.group_name

        request_id = self.request_id

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if error_type is not UNSET:
            field_dict["errorType"] = error_type
        if policy_name is not UNSET:
            field_dict["policyName"] = policy_name
        if correlation_id is not UNSET:
            field_dict["correlationId"] = correlation_id
        if group_name is not UNSET:
            field_dict["groupName"] = group_name
        if request_id is not UNSET:
            field_dict["requestId"] = request_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = str_from_json(d.pop("message"))

        status = str_from_json(d.pop("status", UNSET))

        error_type = str_from_json(d.pop("errorType", UNSET))

        policy_name = str_from_json(d.pop("policyName", UNSET))

        correlation_id = str_from_json(d.pop("correlationId", UNSET))

        group_name = str_from_json(d.pop("groupName", UNSET))

        request_id = str_from_json(d.pop("requestId", UNSET))

        rate_limit_error = cls(
            message=message,
            status=status,
            error_type=error_type,
            policy_name=policy_name,
            correlation_id=correlation_id,
            group_name=group_name,
            request_id=request_id,
        )

        rate_limit_error.additional_properties = d
        return rate_limit_error

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
