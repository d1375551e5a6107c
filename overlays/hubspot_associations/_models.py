"""Values users build: association specs (:class:`AssociationSpec`, :data:`AssociationCategory`) and their one
coercion from Python values (:func:`coerce_specs`) and from text (:func:`spec_from_text`).

The raw-response wrapper :class:`APIResponse` lives beside the header reading it uses (``_response.py``); the
generated result models are re-exported where users import them (``hubspot_associations/__init__.py``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import attrs

from hubspot_associations_api.models import AssociationSpec as _WireAssociationSpec
from hubspot_associations_api.models import AssociationSpecAssociationCategory

from ._validation import MAX_ASSOCIATION_TYPE_ID, InvalidInputError, validate_category, validate_type_id

__all__ = [
    "AssociationCategory",
    "AssociationSpec",
    "SpecsLike",
    "coerce_specs",
    "spec_from_text",
]

AssociationCategory = AssociationSpecAssociationCategory
"""Who defined an association type. The generated enum: values HubSpot adds later are kept (``is_known`` False)."""


def _to_category(value: object) -> AssociationSpecAssociationCategory:
    return AssociationSpecAssociationCategory(validate_category(value, "association_category"))


def _check_type_id(instance: object, attribute: attrs.Attribute[int], value: object) -> None:
    validate_type_id(value, "association_type_id")


@attrs.frozen(slots=True)
class AssociationSpec:
    """One association type to create: a category and a type id, validated on construction.

    Examples:
        >>> AssociationSpec(AssociationCategory.HUBSPOT_DEFINED, 279)
        AssociationSpec(association_category='HUBSPOT_DEFINED', association_type_id=279)
        >>> AssociationSpec("USER_DEFINED", 36).association_category is AssociationCategory.USER_DEFINED
        True
    """

    association_category: AssociationSpecAssociationCategory = attrs.field(converter=_to_category)
    association_type_id: int = attrs.field(validator=_check_type_id)

    def __repr__(self) -> str:
        return (
            f"AssociationSpec(association_category={self.association_category.value!r}, "
            f"association_type_id={self.association_type_id})"
        )

    @classmethod
    def hubspot_defined(cls, type_id: int) -> AssociationSpec:
        """A HubSpot-defined type, e.g. ``AssociationSpec.hubspot_defined(CONTACT_TO_COMPANY)``."""
        return cls(AssociationSpecAssociationCategory.HUBSPOT_DEFINED, type_id)

    def to_wire(self) -> _WireAssociationSpec:
        """The generated model the request body is built from."""
        return _WireAssociationSpec(self.association_category, self.association_type_id)


SpecsLike = AssociationSpec | int | Iterable[AssociationSpec | int]
"""What ``associate`` accepts: one spec, a bare int (a HUBSPOT_DEFINED type id), or a non-empty list of them."""


def coerce_specs(specs: object, argument: str = "specs", *, allow_empty: bool = False) -> list[AssociationSpec]:
    """Turn what the caller passed into a list of validated specs (bare ints are HUBSPOT_DEFINED).

    The one coercion of specs given as Python values (``associate``, :class:`AssociationRow`); text (CLI arguments,
    input files) goes through :func:`spec_from_text`. Empty is refused unless ``allow_empty`` (a bulk row with no
    specs asks for the default association).
    """
    if type(specs) is AssociationSpec:  # the usual single spec: nothing to walk or convert
        return [specs]
    items: Iterable[object]
    single = isinstance(specs, AssociationSpec | int | str | bytes)
    if single:
        items = (specs,)
    elif isinstance(specs, Iterable):
        items = specs
    else:
        raise InvalidInputError(
            argument, f"expected an AssociationSpec, an int type id or a list of them, got {specs!r}"
        )
    result: list[AssociationSpec] = []
    for index, item in enumerate(items):
        if isinstance(item, AssociationSpec):
            result.append(item)
        elif isinstance(item, int) and not isinstance(item, bool):
            # Validate here so the error names the caller's argument ("specs"), not the spec's field.
            type_id = validate_type_id(item, argument if single else f"{argument}[{index}]")
            result.append(_hubspot_defined(type_id))
        else:
            raise InvalidInputError(
                f"{argument}[{index}]", f"expected an AssociationSpec or an int type id, got {item!r}"
            )
    if not result and not allow_empty:
        raise InvalidInputError(argument, "at least one association spec is required")
    return result


@functools.lru_cache(maxsize=1024)
def _hubspot_defined(type_id: int) -> AssociationSpec:
    """The (immutable) spec of a bare int type id: built and validated once per id, as most calls pass a constant
    of ``association_types`` (building an attrs spec with its converter and validator is most of ``coerce_specs``).
    """
    return AssociationSpec(AssociationSpecAssociationCategory.HUBSPOT_DEFINED, type_id)


_MAX_TYPE_ID_DIGITS = len(str(MAX_ASSOCIATION_TYPE_ID))


def spec_from_text(
    type_id: str, category: str = "", *, type_id_argument: str = "type_id", category_argument: str = "category"
) -> AssociationSpec:
    """The spec written as text (a CLI ``--type``, an input file's columns): ASCII digits and a category.

    The category follows the library's rule (:func:`validate_category`: any ASCII case); empty means
    HUBSPOT_DEFINED. Errors name the text's own fields, not the model's.

    >>> spec_from_text("36", "user_defined")
    AssociationSpec(association_category='USER_DEFINED', association_type_id=36)
    """
    if not (type_id.isascii() and type_id.isdigit()):
        raise InvalidInputError(type_id_argument, f"must be a positive integer, got {type_id[:60]!r}")
    category_value = validate_category(category or "HUBSPOT_DEFINED", category_argument)
    if len(type_id.lstrip("0")) > _MAX_TYPE_ID_DIGITS:  # before int(): it refuses over 4300 digits
        raise InvalidInputError(type_id_argument, f"must be between 1 and 2**31-1, got {type_id[:60]!r}")
    return AssociationSpec(category_value, validate_type_id(int(type_id), type_id_argument))
