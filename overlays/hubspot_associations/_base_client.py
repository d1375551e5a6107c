"""Everything the sync and async clients share: configuration, request building, and every policy decision.

The two clients differ only in how they send a request and how they wait (see ``_client.py``). Each attempt's
outcome goes through :meth:`BaseClient._outcome`, which either accepts the response, returns how long to wait
before the next attempt, or raises the typed error, so retries, pacing and error mapping live here once.
Arguments are checked in ``_arguments.py`` (before any request), a 2xx body in ``_results.py``, the deadline and
body cap in ``_bounds.py``.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import httpx

from hubspot_associations_api.api.associations import associate_default as _default_op
from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation

from . import _logging
from ._api_versions import DEFAULT_API_VERSION, ApiVersion, api_version_of
from ._arguments import auth_of, base_url_of, check_transport, path_args, seam, timeout_of
from ._auth import BearerToken
from ._bounds import ACCEPT_ENCODING, BodyReader, Deadline, bound_network, budget_of
from ._constants import (
    DEFAULT_BASE_URL,
    DEFAULT_MAX_BATCH_SIZE,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    MAX_BATCH_SIZE,
    MAX_TURNS_LOST,
)
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    CertificateVerificationError,
    HubSpotError,
    RateLimitError,
    UnexpectedResponseError,
)
from ._http import UrlBuilder, own_pool
from ._pacing import Pacer, Slot
from ._response import APIResponse, rate_limit_info
from ._results import describe, parse_default, parse_labelled
from ._secrets import Scrubber, mask_url, url_secrets
from ._validation import InvalidInputError, validate_count, validate_seconds

if TYPE_CHECKING:
    from hubspot_associations_api.models import LabelsBetweenObjectPair

    from ._batch import BatchResult
    from ._paging import Pager
    from ._shared_pacing import SharedPacer  # imported only when a shared limit is used (it imports redis)

T = TypeVar("T")
E = TypeVar("E", bound=HubSpotError)
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
SleepT = TypeVar("SleepT")
"""The ``sleep=`` seam's type: ``Callable[[float], None]`` (sync client), ``Callable[[float], Awaitable[None]]``."""

TimeoutLike = float | httpx.Timeout | None

_JSON_CONTENT_TYPE = {"Content-Type": "application/json"}


class PreparedCall(Generic[T]):
    """A validated call, ready to be sent as often as retries need: the request, how to read its answer, and its
    timeouts (each attempt's per-operation limits; their largest finite value is the whole call's budget).

    A plain slotted class, not attrs: it is internal, made once per call, and an attrs class costs ~0.3 ms to
    build at import (see docs/performance.md).
    """

    __slots__ = ("parse", "request", "timeout")

    def __init__(self, request: httpx.Request, parse: Callable[[Any], T], timeout: httpx.Timeout) -> None:
        self.request = request
        self.parse = parse
        self.timeout = timeout


class BaseClient(Generic[HttpT, SleepT]):
    """Configuration and policy shared by :class:`HubSpotAssociations` and :class:`AsyncHubSpotAssociations`.

    Each owns one ``HttpT`` (one connection pool, which keeps no cookies: see ``_http.py``) unless ``http_client``
    is passed in: that one is used as is (its timeouts are overridden per request) and not closed by the client.

    ``timeout`` (here, or per call) is the budget of the **whole call**: every attempt, every pacer wait and every
    retry backoff come out of it (a row of ``associate_many`` is not charged for waiting its turn at the pacer: its
    budget starts when it may be sent), and a call that runs out raises :class:`APITimeoutError` saying where the time
    went (attempts, pacer waits, backoff). A number ``t`` is ``httpx.Timeout(t, connect=min(t, 5))``: a budget of
    ``t`` seconds, each connect at most 5 s of it. With an :class:`httpx.Timeout`, its fields cap each attempt's
    connect/read/write/pool waits (httpx's per-operation meaning) and its largest finite value is the call's
    budget: ``httpx.Timeout(30, connect=5)`` is a 30 s budget; ``httpx.Timeout(None)`` means no limit at all.
    Every per-operation limit of an attempt is further capped by the budget left, and the body is read chunk by
    chunk with the deadline checked between chunks, so a server dripping bytes cannot stretch a call; the client's
    own pool also caps each socket read and write by the deadline (a pool passed in as ``http_client`` keeps
    httpx's per-operation timeouts, capped at the start of each attempt). A retry whose
    wait (backoff, ``Retry-After``, rate-limit interval) no longer fits raises the :class:`APITimeoutError` at
    once, with the previous attempt's error as ``last_error`` (and ``__cause__``).

    ``max_response_bytes`` (default 1 MiB) caps every response body, success or error, counted after decoding
    (gzip, deflate...): a larger one raises :class:`ResponseTooLargeError` with its status and correlation id.

    ``max_batch_size`` (default 100, at most 2,000) is the most inputs one batch call (``associate_batch``,
    ``associate_default_batch``) takes; more raise :class:`InvalidInputError` before anything is sent. HubSpot
    documents no limit for these operations: docs/batch.md §2 gives the evidence for both numbers.

    ``clock`` and ``sleep`` are seams for tests and simulations: ``clock()`` returns monotonic seconds (default
    :func:`time.monotonic`) and drives every call's deadline and the pacer; ``sleep(seconds)`` (default
    :func:`time.sleep`, or an awaitable ``anyio.sleep`` for the async client) is every wait: pacer slots, retry
    backoff, and ``associate_many``'s pauses. A fake clock that ``sleep`` moves forward therefore drives them
    all, and nothing waits for real. With a ``sleep`` of your own a ``stop`` event is looked at before and after
    each wait rather than ending it midway. Neither appears in ``repr``.

    ``api_version`` is the HubSpot API version every request goes to: ``"v4"`` (the default) or a dated one such
    as ``"2026-09"`` (:data:`API_VERSIONS` lists them; anything else raises :class:`InvalidInputError` before a
    request is sent). It changes only the path (``/crm/v4/objects/…`` → ``/crm/objects/2026-09/…``); bodies,
    results, errors and the rate limit are the same on every version (``docs/api-versions.md``).
    """

    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    base_url: str
    """Where requests go, without a trailing slash."""
    timeout: httpx.Timeout
    """The default timeout of every request (``timeout=`` per call overrides it)."""
    max_retries: int
    max_response_bytes: int
    max_batch_size: int
    """The most inputs one batch call takes."""
    auth: httpx.Auth
    """How requests are authenticated: :class:`BearerToken`, :class:`OAuthRefresh` or your own ``httpx.Auth``."""
    pacer: Pacer | SharedPacer
    """Spaces requests under the rate limit (adopted from HubSpot's headers, or ``rate_limit``)."""

    def __init__(
        self,
        access_token: str | None = None,
        *,
        auth: httpx.Auth | None = None,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: int | None = None,
        rate_limit_window: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        http_client: HttpT | None = None,
        shared_limit: object = None,
        shared_limit_key: str | None = None,
        clock: Callable[[], float] | None = None,
        sleep: SleepT | None = None,
    ) -> None:
        self.max_retries = validate_count(max_retries, "max_retries", minimum=0)
        if rate_limit is not None:
            validate_count(rate_limit, "rate_limit", unit=" (requests per window) or None")
        window = validate_seconds(rate_limit_window, "rate_limit_window")
        self.base_url = base_url_of(base_url)
        self._api_version: ApiVersion = api_version_of(api_version)
        self.timeout = timeout_of(timeout)
        self.max_response_bytes = validate_count(max_response_bytes, "max_response_bytes", unit=" (bytes)")
        self.max_batch_size = validate_count(max_batch_size, "max_batch_size", unit=" (inputs per batch request)")
        if self.max_batch_size > MAX_BATCH_SIZE:
            raise InvalidInputError(
                "max_batch_size",
                f"must be at most {MAX_BATCH_SIZE} (the most a batch is known to work with), got {max_batch_size}",
            )
        self.auth = auth_of(access_token, auth, self.base_url)
        # The seams, looked up here once: every deadline, pacer slot and wait of this client reads them.
        self._clock: Callable[[], float] = time.monotonic if clock is None else seam(clock, "clock")
        sync = self._http_class is httpx.Client  # an async function cannot be the sync client's sleep
        self._sleep: SleepT = self._default_sleep() if sleep is None else seam(sleep, "sleep", refuse_async=sync)
        self._stop_aware = sleep is None  # the real sleep: a ``stop`` set meanwhile ends a wait midway
        # self.pacer (Pacer | SharedPacer, declared on the class) is set below
        self._shared_pacer: SharedPacer | None = None
        if shared_limit is not None:
            # A budget in Redis shared by every process of this app and account (see _shared_pacing).
            from ._shared_pacing import build_shared_pacer

            self.pacer = self._shared_pacer = build_shared_pacer(
                shared_limit,
                shared_limit_key,
                self.auth,
                rate_limit,
                window,
                asynchronous=self._http_class is httpx.AsyncClient,
                clock=self._clock,
            )
        elif shared_limit_key is not None:
            raise InvalidInputError("shared_limit_key", "only applies with shared_limit=")
        else:
            self.pacer = Pacer(rate_limit, window, clock=self._clock)
        self._url_secrets: tuple[str, list[str]] = ("", [])
        self._urls = UrlBuilder(self.base_url)
        self._scrubber = Scrubber(self._secrets)
        self._rng = random.Random()
        _logging.configure_from_env()
        http_class = self._http_class
        if http_client is not None and not isinstance(http_client, http_class):
            raise InvalidInputError(
                "http_client", f"must be an httpx.{http_class.__name__}, got {type(http_client).__name__}"
            )
        if http_client is not None:
            check_transport(http_client)
        self._owns_http = http_client is None
        if http_client is None:
            # Accept-Encoding: only what BodyReader decodes within its cap; no cookie jar (see _http.py).
            http_client = cast(HttpT, own_pool(http_class, self.timeout))
        self._http: HttpT = http_client
        if self._owns_http:
            bound_network(self._http)  # the deadline also bounds each socket read (a dripped status line)

    @property
    def api_version(self) -> str:
        """The HubSpot API version this client speaks (``"v4"``, ``"2026-03"``, ``"2026-09"``...)."""
        return self._api_version.name

    def _default_sleep(self) -> SleepT:
        """The real wait of this kind of client (``time.sleep``, ``anyio.sleep``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self._scrubber.text(
            f"{type(self).__name__}(base_url={mask_url(self.base_url)!r}, api_version={self.api_version!r}, "
            f"auth={self.auth!r}, max_retries={self.max_retries}, pacer={self.pacer!r})"
        )

    def _secrets(self) -> list[str | None]:
        """Every secret this client holds: its auth's (``secrets()``, when it has one) and ``base_url``'s userinfo."""
        if self._url_secrets[0] != self.base_url:  # computed once per base_url: this runs on every call
            self._url_secrets = (self.base_url, url_secrets(self.base_url))
        found: list[str | None] = list(self._url_secrets[1])
        secrets = getattr(self.auth, "secrets", None)
        if callable(secrets):
            try:  # noqa: SIM105 (not contextlib.suppress: this runs on every call, and a try costs nothing)
                found.extend(value for value in secrets() if isinstance(value, str))
            except Exception:  # a foreign auth's hook must not turn error reporting into another error
                pass
        return found

    def _scrubbed(self, error: HubSpotError, call: PreparedCall[Any]) -> None:
        """Scrub ``error`` in place: this client's secrets and the bearer value the request carried."""
        self._scrubber.error(error, call.request)

    # -- building requests -------------------------------------------------------------------------------------

    def _call(self, kwargs: dict[str, Any], timeout: TimeoutLike, parse: Callable[[Any], T]) -> PreparedCall[T]:
        limits = self.timeout if timeout is None else timeout_of(timeout)
        json = kwargs.get("json")
        headers = kwargs.get("headers")
        if json is not None and headers == _JSON_CONTENT_TYPE:
            headers = None  # httpx sets this very header for json=; merging a copy of it costs more than the call
        # No timeout= here: _arm sets each attempt's timeouts (capped by the deadline) before it is sent.
        urls = self._urls
        if urls.base_url != self.base_url:  # base_url is a public attribute: it may have been reassigned
            urls = self._urls = UrlBuilder(self.base_url)
        # The generated operations name v4 paths; this is the one place they move to the client's API version.
        path = self._api_version.path(kwargs["url"])
        request = self._http.build_request(  # "content": a body encoded already (_batch._encoded)
            kwargs["method"],
            urls.url(path),
            params=kwargs.get("params"),
            json=json,
            headers=headers,
            content=kwargs.get("content"),
        )
        if not self._owns_http:  # our own pool sends it by default (see __init__)
            request.headers["Accept-Encoding"] = ACCEPT_ENCODING
        return PreparedCall(request, parse, limits)

    def _prepare_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        timeout: TimeoutLike,
    ) -> PreparedCall[BatchResponsePublicDefaultAssociation]:
        kwargs = _default_op._get_kwargs(*path_args(from_object_type, from_object_id, to_object_type, to_object_id))
        return self._call(kwargs, timeout, parse_default)

    def _prepare_labelled(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: object,
        timeout: TimeoutLike,
    ) -> PreparedCall[LabelsBetweenObjectPair]:
        # The labelled operation (and its result model, see _results) load with the first labelled call: a process
        # that only makes default associations never builds them (docs/performance.md).
        from hubspot_associations_api.api.associations import associate_with_labels as labelled_op

        from ._models import coerce_specs

        kwargs = labelled_op._get_kwargs(
            *path_args(from_object_type, from_object_id, to_object_type, to_object_id),
            body=[spec.to_wire() for spec in coerce_specs(specs)],
        )
        return self._call(kwargs, timeout, parse_labelled)

    def _prepare_batch(
        self, name: str, from_object_type: str, to_object_type: str, inputs: object, timeout: TimeoutLike
    ) -> PreparedCall[BatchResult[Any]]:
        """A batch call: the operation ``name`` of ``_batch.OPERATIONS`` (the client method's name) with its
        inputs validated, its request built by the generated ``_get_kwargs`` and its answer read per input."""
        from ._batch import OPERATIONS  # the first batch call loads the batch machinery (docs/performance.md)

        kwargs, parse = OPERATIONS[name].prepare(from_object_type, to_object_type, inputs, self.max_batch_size)
        return self._call(kwargs, timeout, parse)

    def _prepare_remove(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        timeout: TimeoutLike,
    ) -> PreparedCall[None]:
        from hubspot_associations_api.api.associations import remove_associations as remove_op

        from ._results import parse_no_body

        kwargs = remove_op._get_kwargs(*path_args(object_type, object_id, to_object_type, to_object_id))
        return self._call(kwargs, timeout, parse_no_body)

    def _pager(
        self,
        object_type: str,
        object_id: str | int,
        to_object_type: str,
        limit: int,
        max_items: int,
        max_pages: int,
        timeout: TimeoutLike,
    ) -> Pager:
        """The page loop of ``list_associations`` (``_paging.py``), arguments checked before any request."""
        from ._paging import Pager

        return Pager(
            self,
            object_type,
            object_id,
            to_object_type,
            limit=limit,
            max_items=max_items,
            max_pages=max_pages,
            timeout=timeout,
        )

    # -- deciding what an attempt's outcome means ------------------------------------------------------------

    # -- the deadline around each attempt and wait (the clients' loops call these in order) -----------------------

    @staticmethod
    def _arm(call: PreparedCall[Any], deadline: Deadline) -> None:
        """Start an attempt: its httpx timeouts are the call's, each capped by the budget left."""
        if deadline.remaining() <= 0:
            raise deadline.exceeded(call.request, "before an attempt", deadline.last_error)
        call.request.extensions["timeout"] = deadline.attempt_timeouts(call.timeout)

    @staticmethod
    def _may_wait(call: PreparedCall[Any], deadline: Deadline, wait: float, *, pacer: bool) -> None:
        """Book a wait, or raise the deadline's error when the wait would not leave time for another attempt."""
        if not deadline.fits(wait, pacer=pacer):
            due = f"a {wait:.2f} s wait was due"
            what = (
                f"waiting for a pacer slot ({due}; a single call's budget includes its wait for the rate limit, "
                "unlike a row of associate_many)"
                if pacer
                else f"before a retry ({due})"
            )
            raise deadline.exceeded(call.request, what, deadline.last_error)
        deadline.waited(wait, pacer=pacer)

    def _reader(self, response: httpx.Response, deadline: Deadline) -> BodyReader:
        """The bounded reader for one streamed answer (raises at once for a declared oversize body)."""
        return BodyReader(response, self.max_response_bytes, deadline)

    def _outcome(
        self, call: PreparedCall[T], response: httpx.Response, attempt: int, slot: Slot, deadline: Deadline
    ) -> APIResponse[T] | float:
        """The result of a successful attempt, or the seconds to wait before retrying; raises when final."""
        deadline.end_attempt()
        status = response.status_code
        self.pacer.observe(rate_limit_info(response.headers), slot, refused=status == 429)
        request = call.request
        _logging.log_request(
            request.method, request.url, status=status, attempt=attempt, headers=response.headers, scrub=self._scrub
        )
        if 200 <= status < 300:
            # An echoed token must not reach CLI output or a journal. A static token's header is its own secret.
            self._scrubber.answer(response, None if type(self.auth) is BearerToken else request)
            return APIResponse(self._parse(call, response, attempt), response, attempt + 1)
        # Imported here: a call that succeeds never needs the error mapping or the retry policy (test_import_footprint)
        from ._error_mapping import error_from_response
        from ._policy import rate_limit_hold, retry_delay, should_retry

        error = error_from_response(response)
        policy_name = error.policy_name if isinstance(error, RateLimitError) else None
        daily = isinstance(error, RateLimitError) and error.is_daily  # the error's answer is the policy's answer
        # A queued call's 429 for the rolling window is a turn lost to the app's other clients, not a retry of its own.
        turn = status == 429 and not daily and deadline.queued and deadline.turns_lost < MAX_TURNS_LOST
        retries = attempt - deadline.turns_lost
        if turn:
            deadline.turns_lost += 1
        elif not should_retry(status=status, daily=daily, attempt=retries, max_retries=self.max_retries):
            raise self._final(error, attempt)
        deadline.last_error = self._final(error, attempt)
        if status == 429:
            # The retry queues at the pacer, which now knows the window is full (or holds for what the server said),
            # never beyond the window's end: a pacer wait, not a backoff.
            hold = rate_limit_hold(attempt=retries, headers=response.headers, policy_name=policy_name, rng=self._rng)
            self.pacer.on_rate_limited(hold)
            wait = 0.0
        else:
            wait = retry_delay(
                attempt=retries, headers=response.headers, status=status, policy_name=policy_name, rng=self._rng
            )
        _logging.log_retry(
            request.method,
            request.url,
            status=status,
            attempt=attempt,
            wait=wait,
            headers=response.headers,
            scrub=self._scrub,
        )
        return wait

    def _transport_failure(
        self, call: PreparedCall[Any], exc: httpx.RequestError, attempt: int, deadline: Deadline
    ) -> float:
        """Seconds to wait before retrying after a transport error; raises the typed error when final."""
        deadline.end_attempt()
        request = call.request
        _logging.log_request(request.method, request.url, attempt=attempt, error=exc, scrub=self._scrub)
        from ._policy import certificate_failure, retry_delay, should_retry  # the error path only, as in _outcome

        if isinstance(exc, httpx.TimeoutException) and deadline.remaining() <= 0:
            # The attempt's timeouts were cut to the budget left: this is the call's deadline, not the server's.
            raise deadline.exceeded(request, f"waiting for an answer ({type(exc).__name__})") from exc
        untrusted = certificate_failure(exc)
        if untrusted is not None:
            reason = str(untrusted.verify_message or untrusted.reason or untrusted)
            message = (
                f"TLS certificate of {request.url.host} failed verification: {reason}. Not retried (every attempt "
                "gets the same certificate): if a proxy intercepts TLS, give its CA bundle to the client "
                "(SSL_CERT_FILE, or http_client=httpx.Client(verify=...)); else check base_url's host"
            )
            raise self._final(CertificateVerificationError(message, reason=reason, request=request), attempt) from exc
        if not should_retry(status=None, attempt=attempt, max_retries=self.max_retries, exception=exc):
            kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
            error = kind(f"{type(exc).__name__} after {attempt + 1} attempt(s): {exc}", request=request)
            raise self._final(error, attempt) from exc
        deadline.last_error = self._final(APIConnectionError(f"{type(exc).__name__}: {exc}", request=request), attempt)
        wait = retry_delay(attempt=attempt, headers=None, status=None, policy_name=None, rng=self._rng)
        _logging.log_retry(
            request.method, request.url, status=None, attempt=attempt, wait=wait, error=exc, scrub=self._scrub
        )
        return wait

    @staticmethod
    def _final(error: E, attempt: int) -> E:
        """``error``, marked with the attempts the call made (``attempt`` is the 0-based index of the last one)."""
        error.attempts = attempt + 1
        return error

    @classmethod
    def _parse(cls, call: PreparedCall[T], response: httpx.Response, attempt: int) -> T:
        # Any 2xx with the documented body is success, whatever the exact code (HubSpot has moved 201 <-> 200).
        # Whatever the body makes json or the models raise (ValueError for invalid UTF-8 or a number too long,
        # RecursionError for deep nesting, KeyError/TypeError for wrong shapes, ...), it is not the documented
        # result: one typed error, never the parser's own exception.
        try:
            # An empty body (a 204) reaches the parser as None: only the no-body operations accept it.
            return call.parse(response.json() if response.content else None)
        except Exception as exc:
            error = UnexpectedResponseError.from_response(
                response,
                f"HubSpot answered {response.status_code} but the body is not the documented result ({describe(exc)})",
            )
            raise cls._final(error, attempt) from None

    def _scrub(self, text: str) -> str:
        return self._scrubber.text(text)

    def _deadline(self, call: PreparedCall[Any], queued: bool) -> Deadline:
        """The call's budget; ``queued`` (any request queued behind others, e.g. a bulk row): pacer waits are not
        taken from it, so it starts when the request may be sent (see :class:`Deadline`)."""
        return Deadline(budget_of(call.timeout), self._clock, queued=queued)


__all__ = ["APIStatusError", "BaseClient", "PreparedCall", "TimeoutLike"]
