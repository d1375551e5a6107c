"""The bulk run's values: :class:`AssociationRow` (one association to create), :class:`AssociationOutcome` (what
happened to it), and the row -> call mapping the sync and async engines (``_sync.py``, ``_async.py``) share."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation, LabelsBetweenObjectPair

from .._base_client import BaseClient, PreparedCall
from .._batch import BatchOutcome
from .._errors import APIStatusError, BatchInputError, HubSpotError, UnexpectedResponseError
from .._models import AssociationSpec, coerce_specs
from .._oauth import OAuthRefreshError
from .._response import APIResponse
from .._validation import InvalidInputError

__all__ = ["AssociationOutcome", "AssociationResult", "AssociationRow", "RowError"]

RowError = HubSpotError | InvalidInputError | OAuthRefreshError
"""What a failed row carries: invalid input (nothing sent), an API error, or a refused OAuth refresh."""

AssociationResult = BatchResponsePublicDefaultAssociation | LabelsBetweenObjectPair | BatchOutcome[Any]
"""What a confirmed row carries: the single PUT's parsed answer (the default association's batch response, or the
labelled pair), or, for a row a batch confirmed, its :class:`BatchOutcome` (the result items naming its pair)."""


def _specs(value: Iterable[AssociationSpec | int] | AssociationSpec | int) -> tuple[AssociationSpec, ...]:
    if type(value) is tuple and all(type(spec) is AssociationSpec for spec in value):
        return value  # specs already validated (an input file's rows): kept as they are
    return tuple(coerce_specs(value, allow_empty=True))


@attrs.frozen(slots=True)
class AssociationRow:
    """One association to create. ``specs`` empty means the default (unlabelled) association.

    Ids and types are *not* validated here (bad rows become failed outcomes, with the reason, when sent); ``specs``
    are ``AssociationSpec`` values, already validated (bare ints become ``HUBSPOT_DEFINED``). ``line`` is
    where the row came from in an input file, for reports.

    Examples:
        >>> AssociationRow("contacts", 101, "companies", 202).specs
        ()
        >>> AssociationRow("contacts", 101, "companies", 202, specs=[279]).specs
        (AssociationSpec(association_category='HUBSPOT_DEFINED', association_type_id=279),)
    """

    from_object_type: str
    from_object_id: str | int
    to_object_type: str
    to_object_id: str | int
    specs: tuple[AssociationSpec, ...] = attrs.field(default=(), converter=_specs)
    line: int | None = attrs.field(default=None, kw_only=True)

    @property
    def is_default(self) -> bool:
        """True when this row asks for the default association (no specs)."""
        return not self.specs


@attrs.frozen(slots=True)
class AssociationOutcome:
    """What happened to one row: ``result`` when HubSpot confirmed it, else ``error``.

    Attributes:
        row: the input row.
        index: its 0-based position in the input iterable.
        result: the parsed response of a confirmed row, else None.
        error: the typed error of a failed row, else None.
        attempts: attempts of the request that decided this row (0 when validation failed; ``attempts - 1``
            retries were absorbed), confirmed or failed; for a row decided by a batch, the batch request's.
        correlation_id: HubSpot's request id of the final answer, when there was one.
    """

    row: AssociationRow
    index: int
    result: AssociationResult | None
    error: RowError | None
    attempts: int
    correlation_id: str | None = None

    @property
    def ok(self) -> bool:
        """True when HubSpot confirmed the association."""
        return self.error is None

    @property
    def status_code(self) -> int | None:
        """The HTTP status of the final answer for a failed row (None when no HTTP answer was involved, or when a
        batch answer named the row in its ``errors[]``: that answer's status is the whole batch's)."""
        error = self.error
        if isinstance(error, APIStatusError | UnexpectedResponseError):
            return error.status_code
        if isinstance(error, OAuthRefreshError):
            return error.status_code
        return None

    @property
    def error_category(self) -> str | None:
        """A short machine-readable kind of failure: HubSpot's ``category`` when it sent one, else our own label."""
        error = self.error
        if error is None:
            return None
        if isinstance(error, APIStatusError | BatchInputError) and error.category:
            return error.category
        if isinstance(error, InvalidInputError):
            return "INVALID_INPUT"
        if isinstance(error, OAuthRefreshError):
            return "OAUTH_REFRESH"
        return type(error).__name__

    @property
    def message(self) -> str | None:
        """A human-readable reason for a failed row: ``str(error)``, which names the ids or association types HubSpot
        says are invalid, when it does (see ``BadRequestError``)."""
        error = self.error
        return None if error is None else str(error)


# -- the row -> call mapping both clients share ------------------------------------------------------------------


def _prepare(client: BaseClient[Any, Any], row: AssociationRow) -> PreparedCall[Any]:
    """Validate one row and build its request (raises :class:`InvalidInputError`)."""
    if not isinstance(row, AssociationRow):
        raise InvalidInputError("row", f"expected an AssociationRow, got {type(row).__name__}")
    if row.is_default:
        return client._prepare_default(
            row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, None
        )
    return client._prepare_labelled(
        row.from_object_type, row.from_object_id, row.to_object_type, row.to_object_id, row.specs, None
    )


def _confirmed(row: AssociationRow, index: int, response: APIResponse[Any]) -> AssociationOutcome:
    return AssociationOutcome(row, index, response.parsed, None, response.attempts, response.correlation_id)


def _failed(row: Any, index: int, error: RowError) -> AssociationOutcome:
    if not isinstance(row, AssociationRow):
        row = AssociationRow(repr(row), "", "", "")
    correlation_id = getattr(error, "correlation_id", None)
    return AssociationOutcome(row, index, None, error, _attempts_of(error), correlation_id)


def _attempts_of(error: RowError) -> int:
    # The client sets the count on every error it raises from a call; invalid input never reached the wire.
    if isinstance(error, HubSpotError) and error.attempts is not None:
        return error.attempts
    return 0


_END = object()  # the end of the rows (None could be a caller's bad row, reported as a failed outcome)
