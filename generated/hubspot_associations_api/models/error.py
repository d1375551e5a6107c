from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset, str_from_json

if TYPE_CHECKING:
    from ..models.error_detail import ErrorDetail
    from ..models.error_links import ErrorLinks


T = TypeVar("T", bound="Error")


@_attrs_define
class Error:
    """HubSpot's error body. Only `message` is required: **real traffic** often omits `category` (for example
    "Unable to infer object type from: …", and every `429`, see `RateLimitError`) and sometimes
    `correlationId`, although HubSpot's spec marks both required.

        Example:
            {'status': 'error', 'message': 'One or more associations are invalid', 'correlationId':
                '9f0e1d2c-3b4a-4596-8877-665544332211', 'category': 'VALIDATION_ERROR', 'context': {'INVALID_OBJECT_IDS':
                ['CONTACT=38374264688 is not valid']}}

    """

    message: str
    """ A human-readable message. """
    status: str | Unset = UNSET
    """ Always `error`. Sent on every real error body, though HubSpot's spec does not list it.
     """
    category: str | Unset = UNSET
    """ The error category, e.g. `VALIDATION_ERROR`, `INVALID_AUTHENTICATION`, `MISSING_SCOPES`. """
    correlation_id: str | Unset = UNSET
    """ HubSpot's id for this request (a UUID); equal to the `X-HubSpot-Correlation-Id` header. """
    sub_category: ErrorSubCategoryObject | str | Unset = UNSET
    """ A more specific category, when HubSpot gives one. **Real traffic** sends a string such as
    `crm.associations.INVALID_IDENTIFIER`; HubSpot's spec (and documentation example) an object.
     """
    context: ErrorContextObject | str | Unset = UNSET
    """ Details of an error condition, by key, e.g. `INVALID_OBJECT_IDS`, `requiredGranularScopes`. Values are
    usually lists of strings but may be anything. **Real traffic** (and HubSpot's own documentation example)
    also sends the whole object JSON-encoded as a string, e.g. `"{\\"missingScopes\\":[\\"scope1\\"]}"`; the SDK's
    error objects decode it.
     """
    links: ErrorLinks | Unset = UNSET
    """ Links to documentation about the error, by name. """
    errors: list[ErrorDetail] | Unset = UNSET
    """ Further details, one per problem. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        message = self.message

        status = self.status

        category = self.category

        correlation_id = self.correlation_id

        sub_category: dict[str, Any] | str | Unset
        if isinstance(self.sub_category, Unset):
            sub_category = UNSET
        elif isinstance(self.sub_category, ErrorSubCategoryObject):
            sub_category = self.sub_category.to_dict()
        else:
            sub_category = self.sub_category

        context: dict[str, Any] | str | Unset
        if isinstance(self.context, Unset):
            context = UNSET
        elif isinstance(self.context, ErrorContextObject):
            context = self.context.to_dict()
        else:
            context = self.context

        links: dict[str, Any] | Unset = UNSET
        if not isinstance(self.links, Unset):
            links = self.links.to_dict()

        errors: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.errors, Unset):
            errors = []
            for errors_item_data in self.errors:
                errors_item = errors_item_data.to_dict()
                errors.append(errors_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "message": message,
            }
        )
        if status is not UNSET:
            field_dict["status"] = status
        if category is not UNSET:
            field_dict["category"] = category
        if correlation_id is not UNSET:
            field_dict["correlationId"] = correlation_id
        if sub_category is not UNSET:
            field_dict["subCategory"] = sub_category
        if context is not UNSET:
            field_dict["context"] = context
        if links is not UNSET:
            field_dict["links"] = links
        if errors is not UNSET:
            field_dict["errors"] = errors

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        message = str_from_json(d.pop("message"))

        status = str_from_json(d.pop("status", UNSET))

        category = str_from_json(d.pop("category", UNSET))

        correlation_id = str_from_json(d.pop("correlationId", UNSET))

        def _parse_sub_category(data: object) -> ErrorSubCategoryObject | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_sub_category_error_sub_category_object = ErrorSubCategoryObject.from_dict(data)

                return componentsschemas_error_sub_category_error_sub_category_object
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorSubCategoryObject | str | Unset, data)

        sub_category = _parse_sub_category(d.pop("subCategory", UNSET))

        def _parse_context(data: object) -> ErrorContextObject | str | Unset:
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_error_context_error_context_object = ErrorContextObject.from_dict(data)

                return componentsschemas_error_context_error_context_object
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(ErrorContextObject | str | Unset, data)

        context = _parse_context(d.pop("context", UNSET))

        if "links" in d:
            from ..models.error_links import ErrorLinks
        _links = d.pop("links", UNSET)
        links: ErrorLinks | Unset
        if isinstance(_links, Unset):
            links = UNSET
        else:
            links = ErrorLinks.from_dict(_links)

        if "errors" in d:
            from ..models.error_detail import ErrorDetail
        _errors = d.pop("errors", UNSET)
        errors: list[ErrorDetail] | Unset = UNSET
        if _errors is not UNSET:
            errors = []
            for errors_item_data in _errors:
                errors_item = ErrorDetail.from_dict(errors_item_data)

                errors.append(errors_item)

        error = cls(
            message=message,
            status=status,
            category=category,
            correlation_id=correlation_id,
            sub_category=sub_category,
            context=context,
            links=links,
            errors=errors,
        )

        error.additional_properties = d
        return error

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
from ..models.error_context_object import ErrorContextObject  # noqa: E402
from ..models.error_sub_category_object import ErrorSubCategoryObject  # noqa: E402
