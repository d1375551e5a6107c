"""hubspot_associations: create HubSpot CRM v4 associations from Python.

Examples:
    >>> from hubspot_associations import HubSpotAssociations, AssociationSpec, AssociationCategory
    >>> from hubspot_associations.association_types import CONTACT_TO_COMPANY
    >>> with HubSpotAssociations() as client:  # doctest: +SKIP
    ...     client.associate_default("contacts", "101", "companies", "202")
    ...     client.associate("contacts", "101", "companies", "202", CONTACT_TO_COMPANY)

The generated, typed client underneath is ``hubspot_associations_api``; this package adds validation,
authentication, timeouts, retries, pacing and one tree of typed errors. Of the generated code only the request
builders (``_get_kwargs`` of the four operations) and the models run here; its ``Client``, ``sync``/``asyncio``
functions and error models never do (``generated/README.md`` says why and which template serves whom;
``tests/test_generated_contract.py`` pins the ``_get_kwargs`` shape).

Where each concern lives (private modules; everything public is re-exported here):

* the clients: ``_client.py`` (sync and async: how they send and wait), ``_base_client.py`` (configuration,
  request building, and every decision about an attempt's outcome), ``_api_versions.py`` (HubSpot's API versions
  and the one mapping of a v4 path to a version's path), ``_arguments.py`` (constructor and call
  arguments, checked before any request), ``_results.py`` (what a 2xx body must be), ``_http.py`` (the pool a
  client builds for itself, without a cookie jar, and request URLs built from the base URL parsed once);
* bounds: ``_bounds.py`` (the whole-call deadline, the decoded-body cap), ``_network.py`` (the deadline on every
  socket operation of our own pool), ``_clamps.py`` (bounds on every number a server tells us),
  ``_constants.py`` (defaults and ranges);
* answers: ``_response.py`` (headers: rate limits, Retry-After, correlation id; ``APIResponse``),
  ``_error_mapping.py`` (status to error class), ``_error_body.py`` (lenient error bodies, loaded by the first
  error), ``_errors.py`` (the exception tree);
* retries and pacing: ``_policy.py`` (retry and backoff, pure functions), ``_pacing.py`` (the local pacer),
  ``_shared_pacing.py`` and ``_shared_redis.py`` (the Redis-backed shared limit and its script and connections, loaded
  with ``shared_limit=``);
* credentials: ``_auth.py`` (static tokens and the checks every secret goes through), ``_oauth.py`` and
  ``_oauth_tokens.py`` (OAuth refresh, loaded on first use), ``_secrets.py`` (scrubbing secrets from everything
  that leaves the client);
* inputs and values: ``_validation.py`` (ids, names, counts), ``object_types.py`` and ``association_types.py``
  (HubSpot's tables), ``_models.py`` (association specs);
* batches: ``_batch.py`` (one entry per batch operation, and the reading of a batch answer into one outcome per
  input);
* bulk: ``_bulk/`` (``associate_many``: row types, the threaded and the async engine), ``_run_failure.py``
  (which errors end a run);
* around the SDK: ``_logging.py``, ``cli/`` (the ``hubspot-associations`` command), ``emulator/`` (offline
  HubSpot), ``pytest_plugin/`` (the ``hubspot_emulator`` fixture). Each package's docstring lists its modules.

Why the code is shaped for speed the way it is: ``docs/performance.md``.
"""

from typing import TYPE_CHECKING

from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation

from . import object_types
from ._api_versions import API_VERSIONS, DEFAULT_API_VERSION, ApiVersion
from ._auth import BearerToken, MissingCredentialsError
from ._client import (
    AsyncHubSpotAssociations,
    AsyncHubSpotAssociationsWithRawResponse,
    HubSpotAssociations,
    HubSpotAssociationsWithRawResponse,
)
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BATCH_SIZE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_BATCH_SIZE,
    OAUTH_TOKEN_URL_V1,
    OAUTH_TOKEN_URL_V3,
)
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    BatchInputError,
    BatchUnconfirmedError,
    CertificateVerificationError,
    ConflictError,
    HubSpotError,
    NotFoundError,
    PagingLimitError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
    StoppedError,
    UnexpectedResponseError,
    UnexpectedStatusError,
)
from ._response import APIResponse, RateLimitInfo
from ._results import next_cursor
from ._validation import InvalidInputError
from ._version import __version__

if TYPE_CHECKING:
    from hubspot_associations_api.models import LabelsBetweenObjectPair

    from . import association_types
    from ._batch import BatchInput, BatchOutcome, BatchResult, OutcomeStatus
    from ._bulk import AssociationOutcome, AssociationRow
    from ._models import AssociationCategory, AssociationSpec
    from ._oauth import OAuthRefresh, OAuthRefreshError, OAuthTokens
    from ._readback import RowCheck, RowStatus
    from ._run_failure import RunWideFailure, run_wide_failure


_LAZY = {
    "AssociationCategory": "._models",
    "AssociationSpec": "._models",
    "AssociationOutcome": "._bulk",
    "AssociationRow": "._bulk",
    "BatchInput": "._batch",
    "BatchOutcome": "._batch",
    "BatchResult": "._batch",
    "OutcomeStatus": "._batch",
    "OAuthRefresh": "._oauth",
    "OAuthRefreshError": "._oauth",
    "OAuthTokens": "._oauth",
    "RowCheck": "._readback",
    "RowStatus": "._readback",
    "RunWideFailure": "._run_failure",
    "run_wide_failure": "._run_failure",
}


def __getattr__(name: str) -> object:
    # ``hubspot_associations.association_types`` works without importing it first, but costs nothing until used:
    # a table of ~150 type ids most callers never touch.
    if name == "association_types":
        import importlib

        return importlib.import_module(f"{__name__}.association_types")
    # AssociationSpec (an attrs class) is built by the first labelled call or by these names.
    # The bulk machinery (threads, queues, two attrs classes) is imported by the first associate_many or by these;
    # the run-wide failure rule (a NamedTuple) by the first bulk run that asks for it; OAuth (three classes, one
    # an attrs class) by those who use it.
    if name == "LabelsBetweenObjectPair":  # the labelled result model: built by the first labelled call
        from hubspot_associations_api.models import LabelsBetweenObjectPair

        globals()[name] = LabelsBetweenObjectPair
        return LabelsBetweenObjectPair
    if name in _LAZY:
        import importlib

        value: object = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_BATCH_SIZE",
    "DEFAULT_MAX_RESPONSE_BYTES",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "MAX_BATCH_SIZE",
    "OAUTH_TOKEN_URL_V1",
    "OAUTH_TOKEN_URL_V3",
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "ApiVersion",
    "AssociationCategory",
    "AssociationOutcome",
    "AssociationRow",
    "AssociationSpec",
    "AsyncHubSpotAssociations",
    "AsyncHubSpotAssociationsWithRawResponse",
    "AuthenticationError",
    "BadRequestError",
    "BatchInput",
    "BatchInputError",
    "BatchOutcome",
    "BatchResponsePublicDefaultAssociation",
    "BatchResult",
    "BatchUnconfirmedError",
    "BearerToken",
    "CertificateVerificationError",
    "ConflictError",
    "HubSpotAssociations",
    "HubSpotAssociationsWithRawResponse",
    "HubSpotError",
    "InvalidInputError",
    "LabelsBetweenObjectPair",
    "MissingCredentialsError",
    "NotFoundError",
    "OAuthRefresh",
    "OAuthRefreshError",
    "OAuthTokens",
    "OutcomeStatus",
    "PagingLimitError",
    "PermissionDeniedError",
    "RateLimitError",
    "RateLimitInfo",
    "ResponseTooLargeError",
    "RowCheck",
    "RowStatus",
    "RunWideFailure",
    "ServerError",
    "StoppedError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "__version__",
    "association_types",
    "next_cursor",
    "object_types",
    "run_wide_failure",
]
