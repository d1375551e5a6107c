"""Contains all the data models used in inputs/outputs"""

from .association_spec import AssociationSpec
from .association_spec_association_category import AssociationSpecAssociationCategory
from .batch_response_public_default_association import BatchResponsePublicDefaultAssociation
from .batch_response_public_default_association_links import BatchResponsePublicDefaultAssociationLinks
from .batch_response_public_default_association_status import BatchResponsePublicDefaultAssociationStatus
from .error import Error
from .error_context_object import ErrorContextObject
from .error_detail import ErrorDetail
from .error_links import ErrorLinks
from .error_sub_category_object import ErrorSubCategoryObject
from .labels_between_object_pair import LabelsBetweenObjectPair
from .public_default_association import PublicDefaultAssociation
from .public_object_id import PublicObjectId
from .rate_limit_error import RateLimitError
from .standard_error import StandardError
from .standard_error_links import StandardErrorLinks

__all__ = (
    "AssociationSpec",
    "AssociationSpecAssociationCategory",
    "BatchResponsePublicDefaultAssociation",
    "BatchResponsePublicDefaultAssociationLinks",
    "BatchResponsePublicDefaultAssociationStatus",
    "Error",
    "ErrorContextObject",
    "ErrorDetail",
    "ErrorLinks",
    "ErrorSubCategoryObject",
    "LabelsBetweenObjectPair",
    "PublicDefaultAssociation",
    "PublicObjectId",
    "RateLimitError",
    "StandardError",
    "StandardErrorLinks",
)
