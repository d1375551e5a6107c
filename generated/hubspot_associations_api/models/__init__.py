"""Contains all the data models used in inputs/outputs"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .association_spec import AssociationSpec
    from .association_spec_association_category import AssociationSpecAssociationCategory
    from .association_spec_with_label import AssociationSpecWithLabel
    from .association_spec_with_label_category import AssociationSpecWithLabelCategory
    from .batch_input_public_association_multi_archive import BatchInputPublicAssociationMultiArchive
    from .batch_input_public_association_multi_post import BatchInputPublicAssociationMultiPost
    from .batch_input_public_default_association_multi_post import BatchInputPublicDefaultAssociationMultiPost
    from .batch_input_public_fetch_associations_batch_request import BatchInputPublicFetchAssociationsBatchRequest
    from .batch_response_labels_between_object_pair import BatchResponseLabelsBetweenObjectPair
    from .batch_response_labels_between_object_pair_links import BatchResponseLabelsBetweenObjectPairLinks
    from .batch_response_labels_between_object_pair_with_errors import BatchResponseLabelsBetweenObjectPairWithErrors
    from .batch_response_labels_between_object_pair_with_errors_links import (
        BatchResponseLabelsBetweenObjectPairWithErrorsLinks,
    )
    from .batch_response_public_association_multi_with_label import BatchResponsePublicAssociationMultiWithLabel
    from .batch_response_public_association_multi_with_label_with_errors import (
        BatchResponsePublicAssociationMultiWithLabelWithErrors,
    )
    from .batch_response_public_default_association import BatchResponsePublicDefaultAssociation
    from .batch_response_public_default_association_links import BatchResponsePublicDefaultAssociationLinks
    from .batch_response_public_default_association_status import BatchResponsePublicDefaultAssociationStatus
    from .batch_status import BatchStatus
    from .collection_response_multi_associated_object_with_label import CollectionResponseMultiAssociatedObjectWithLabel
    from .error import Error
    from .error_context_object import ErrorContextObject
    from .error_detail import ErrorDetail
    from .error_links import ErrorLinks
    from .error_sub_category_object import ErrorSubCategoryObject
    from .forward_paging import ForwardPaging
    from .labels_between_object_pair import LabelsBetweenObjectPair
    from .multi_associated_object_with_label import MultiAssociatedObjectWithLabel
    from .next_page import NextPage
    from .public_association_multi_archive import PublicAssociationMultiArchive
    from .public_association_multi_post import PublicAssociationMultiPost
    from .public_association_multi_with_label import PublicAssociationMultiWithLabel
    from .public_default_association import PublicDefaultAssociation
    from .public_default_association_multi_post import PublicDefaultAssociationMultiPost
    from .public_fetch_associations_batch_request import PublicFetchAssociationsBatchRequest
    from .public_object_id import PublicObjectId
    from .rate_limit_error import RateLimitError
    from .standard_error import StandardError
    from .standard_error_links import StandardErrorLinks

_MODULES: dict[str, str] = {
    "AssociationSpec": ".association_spec",
    "AssociationSpecAssociationCategory": ".association_spec_association_category",
    "AssociationSpecWithLabel": ".association_spec_with_label",
    "AssociationSpecWithLabelCategory": ".association_spec_with_label_category",
    "BatchInputPublicAssociationMultiArchive": ".batch_input_public_association_multi_archive",
    "BatchInputPublicAssociationMultiPost": ".batch_input_public_association_multi_post",
    "BatchInputPublicDefaultAssociationMultiPost": ".batch_input_public_default_association_multi_post",
    "BatchInputPublicFetchAssociationsBatchRequest": ".batch_input_public_fetch_associations_batch_request",
    "BatchResponseLabelsBetweenObjectPair": ".batch_response_labels_between_object_pair",
    "BatchResponseLabelsBetweenObjectPairLinks": ".batch_response_labels_between_object_pair_links",
    "BatchResponseLabelsBetweenObjectPairWithErrors": ".batch_response_labels_between_object_pair_with_errors",
    "BatchResponseLabelsBetweenObjectPairWithErrorsLinks": ".batch_response_labels_between_object_pair_with_errors_links",
    "BatchResponsePublicAssociationMultiWithLabel": ".batch_response_public_association_multi_with_label",
    "BatchResponsePublicAssociationMultiWithLabelWithErrors": ".batch_response_public_association_multi_with_label_with_errors",
    "BatchResponsePublicDefaultAssociation": ".batch_response_public_default_association",
    "BatchResponsePublicDefaultAssociationLinks": ".batch_response_public_default_association_links",
    "BatchResponsePublicDefaultAssociationStatus": ".batch_response_public_default_association_status",
    "BatchStatus": ".batch_status",
    "CollectionResponseMultiAssociatedObjectWithLabel": ".collection_response_multi_associated_object_with_label",
    "Error": ".error",
    "ErrorContextObject": ".error_context_object",
    "ErrorDetail": ".error_detail",
    "ErrorLinks": ".error_links",
    "ErrorSubCategoryObject": ".error_sub_category_object",
    "ForwardPaging": ".forward_paging",
    "LabelsBetweenObjectPair": ".labels_between_object_pair",
    "MultiAssociatedObjectWithLabel": ".multi_associated_object_with_label",
    "NextPage": ".next_page",
    "PublicAssociationMultiArchive": ".public_association_multi_archive",
    "PublicAssociationMultiPost": ".public_association_multi_post",
    "PublicAssociationMultiWithLabel": ".public_association_multi_with_label",
    "PublicDefaultAssociation": ".public_default_association",
    "PublicDefaultAssociationMultiPost": ".public_default_association_multi_post",
    "PublicFetchAssociationsBatchRequest": ".public_fetch_associations_batch_request",
    "PublicObjectId": ".public_object_id",
    "RateLimitError": ".rate_limit_error",
    "StandardError": ".standard_error",
    "StandardErrorLinks": ".standard_error_links",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # __import__ rather than importlib.import_module, so that `python -X importtime` still lists the model.
    value = getattr(__import__(module[1:], globals(), None, (name,), 1), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_MODULES))


__all__ = (
    "AssociationSpec",
    "AssociationSpecAssociationCategory",
    "AssociationSpecWithLabel",
    "AssociationSpecWithLabelCategory",
    "BatchInputPublicAssociationMultiArchive",
    "BatchInputPublicAssociationMultiPost",
    "BatchInputPublicDefaultAssociationMultiPost",
    "BatchInputPublicFetchAssociationsBatchRequest",
    "BatchResponseLabelsBetweenObjectPair",
    "BatchResponseLabelsBetweenObjectPairLinks",
    "BatchResponseLabelsBetweenObjectPairWithErrors",
    "BatchResponseLabelsBetweenObjectPairWithErrorsLinks",
    "BatchResponsePublicAssociationMultiWithLabel",
    "BatchResponsePublicAssociationMultiWithLabelWithErrors",
    "BatchResponsePublicDefaultAssociation",
    "BatchResponsePublicDefaultAssociationLinks",
    "BatchResponsePublicDefaultAssociationStatus",
    "BatchStatus",
    "CollectionResponseMultiAssociatedObjectWithLabel",
    "Error",
    "ErrorContextObject",
    "ErrorDetail",
    "ErrorLinks",
    "ErrorSubCategoryObject",
    "ForwardPaging",
    "LabelsBetweenObjectPair",
    "MultiAssociatedObjectWithLabel",
    "NextPage",
    "PublicAssociationMultiArchive",
    "PublicAssociationMultiPost",
    "PublicAssociationMultiWithLabel",
    "PublicDefaultAssociation",
    "PublicDefaultAssociationMultiPost",
    "PublicFetchAssociationsBatchRequest",
    "PublicObjectId",
    "RateLimitError",
    "StandardError",
    "StandardErrorLinks",
)
