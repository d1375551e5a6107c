"""Everything the sync and async clients share: configuration, request building, and every policy decision.

The two clients differ only in how they send a request and how they wait (see ``_client.py``). Each attempt's
outcome goes through :meth:`BaseClient._outcome`, which either accepts the response, returns how long to wait
before the next attempt, or raises the typed error, so retries, pacing and error mapping live here once.
"""

from __future__ import annotations

import contextlib
import inspect
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar, cast

import attrs
import httpx

from hubspot_associations_api.api.associations import associate_default as _default_op
from hubspot_associations_api.api.associations import associate_with_labels as _labelled_op
from hubspot_associations_api.models import BatchResponsePublicDefaultAssociation, LabelsBetweenObjectPair

if TYPE_CHECKING:
    from hubspot_associations_api.models import ErrorContextObject

from . import _logging
from ._auth import BearerToken, MissingCredentialsError, OAuthRefresh, token_from_env
from ._bounds import ACCEPT_ENCODING, BodyReader, Deadline, bound_network, budget_of
from ._constants import DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT
from ._error_mapping import error_from_response
from ._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    HubSpotError,
    RateLimitError,
    UnexpectedResponseError,
)
from ._models import coerce_specs
from ._pacing import Pacer, Slot
from ._policy import retry_delay, should_retry
from ._response import APIResponse, rate_limit_info
from ._secrets import Scrubber, mask_url, url_secrets
from ._validation import (
    InvalidInputError,
    validate_count,
    validate_object_id,
    validate_object_type,
    validate_seconds,
)

if TYPE_CHECKING:  # imported only when a shared limit is used (it imports redis)
    from ._shared_pacing import SharedPacer

T = TypeVar("T")
E = TypeVar("E", bound=HubSpotError)
HttpT = TypeVar("HttpT", httpx.Client, httpx.AsyncClient)
SleepT = TypeVar("SleepT")
"""The ``sleep=`` seam's type: ``Callable[[float], None]`` (sync client), ``Callable[[float], Awaitable[None]]``."""

TimeoutLike = float | httpx.Timeout | None


@attrs.frozen(slots=True)
class PreparedCall(Generic[T]):
    """A validated call, ready to be sent as often as retries need: the request, how to read its answer, and its
    timeouts (each attempt's per-operation limits; their largest finite value is the whole call's budget)."""

    request: httpx.Request
    parse: Callable[[Any], T]
    timeout: httpx.Timeout


# The generated from_dict trusts field types (an id of null or true would come back as None/True); a body that
# parses but has the wrong field types is not the documented result either. Plain checks: this runs on every call.


def _parse_default(data: Any) -> BatchResponsePublicDefaultAssociation:
    parsed = BatchResponsePublicDefaultAssociation.from_dict(data)
    for item in parsed.results:
        if not (isinstance(item.from_.id, str) and isinstance(item.to.id, str)):
            raise TypeError("result ids must be strings or integers")
        if type(item.association_spec.association_type_id) is not int:  # not bool, not float
            raise TypeError("associationTypeId must be an integer")
    if isinstance(parsed.errors, list):  # usually absent or empty
        for error in parsed.errors:
            error.context = _decoded(error.context)
            for detail in error.errors if isinstance(error.errors, list) else ():
                detail.context = _decoded(detail.context)
    return parsed


def _decoded(context: T) -> T | ErrorContextObject:
    """A batch error's ``context`` sent as a string (JSON-encoded, as in HubSpot's own documentation example, or
    Java's ``Map.toString()``) as the object it encodes; anything else unchanged."""
    if not isinstance(context, str):
        return context
    # Imported here: only a batch result that carries errors gets this far (see test_import_footprint.py).
    from hubspot_associations_api.models import ErrorContextObject

    from ._error_body import normalize_context

    decoded = normalize_context(context)
    return context if "_raw" in decoded or not context.strip() else ErrorContextObject.from_dict(decoded)


def _parse_labelled(data: Any) -> LabelsBetweenObjectPair:
    # From 2025-09 to 2026-02 HubSpot's spec wrapped the pair as {"createdResourceId", "entity", "location"}.
    if isinstance(data, dict) and "entity" in data and "fromObjectId" not in data:
        data = data["entity"]
    parsed = LabelsBetweenObjectPair.from_dict(data)
    ids = (parsed.from_object_type_id, parsed.from_object_id, parsed.to_object_type_id, parsed.to_object_id)
    if not all(isinstance(value, str) for value in ids):
        raise TypeError("object type ids and ids must be strings or integers")
    labels = parsed.labels
    if not (isinstance(labels, list) and all(isinstance(label, str) for label in labels)):
        raise TypeError("labels must be a list of strings")
    return parsed


def _describe(exc: BaseException) -> str:
    """``exc`` for a message: its type and at most 200 characters of its text (which may quote the body)."""
    try:
        text = str(exc)
    except Exception:  # e.g. a RecursionError while formatting a deeply nested value
        text = ""
    return f"{type(exc).__name__}: {text[:200]}" if text else type(exc).__name__


def _path_args(
    from_object_type: object, from_object_id: object, to_object_type: object, to_object_id: object
) -> tuple[str, str, str, str]:
    """The four path segments, validated and normalised; raises InvalidInputError naming the argument."""
    return (
        validate_object_type(from_object_type, "from_object_type"),
        validate_object_id(from_object_id, "from_object_id"),
        validate_object_type(to_object_type, "to_object_type"),
        validate_object_id(to_object_id, "to_object_id"),
    )


def _timeout(value: float | httpx.Timeout) -> httpx.Timeout:
    """``timeout=`` as an :class:`httpx.Timeout`; see :class:`BaseClient` for what it bounds."""
    if isinstance(value, httpx.Timeout):
        return value
    try:
        seconds = validate_seconds(value, "timeout")
    except InvalidInputError:
        raise InvalidInputError(
            "timeout", f"must be a positive number of seconds or an httpx.Timeout, got {value!r}"
        ) from None
    # A plain number is the whole call's budget; connecting never gets longer than the default 5 s of it.
    return httpx.Timeout(seconds, connect=min(seconds, DEFAULT_TIMEOUT.connect or 5.0))


def _base_url(value: str) -> str:
    try:
        url = httpx.URL(value)
    except (httpx.InvalidURL, TypeError):  # e.g. "http://[::1", a port beyond 65535, not a str
        url = httpx.URL()
    if url.scheme not in ("http", "https") or not url.host or not 0 < (url.port or 80) < 65536:
        raise InvalidInputError("base_url", f"must be an http(s) URL such as {DEFAULT_BASE_URL!r}, got {value!r}")
    return str(url).rstrip("/")


def _auth(access_token: str | None, auth: httpx.Auth | None, base_url: str) -> httpx.Auth:
    if auth is not None and access_token is not None:
        raise InvalidInputError("auth", "pass either access_token or auth, not both")
    if auth is not None:
        if not isinstance(auth, httpx.Auth):
            raise InvalidInputError("auth", f"must be an httpx.Auth such as OAuthRefresh, got {type(auth).__name__}")
        if isinstance(auth, OAuthRefresh):
            try:
                auth.follow_base_url(base_url)  # the refresh goes to base_url's host unless token_url says otherwise
            except ValueError as exc:
                raise InvalidInputError("auth", str(exc)) from None
        return auth
    try:
        return BearerToken(access_token if access_token is not None else token_from_env())
    except MissingCredentialsError:
        raise
    except (TypeError, ValueError) as exc:  # BearerToken's message never contains the token itself
        raise InvalidInputError("access_token", str(exc)) from None


def _check_transport(http_client: httpx.Client | httpx.AsyncClient) -> None:
    # httpx accepts any transport and fails only at the first request, with an AttributeError from inside httpx
    # (the usual case: ``httpx.ASGITransport``, which is async-only, in an ``httpx.Client``). Say so up front.
    transport = getattr(http_client, "_transport", None)
    sync = isinstance(http_client, httpx.Client)
    expected = httpx.BaseTransport if sync else httpx.AsyncBaseTransport
    if transport is None or isinstance(transport, expected):
        return
    hint = (
        " (for the emulator from the sync client, serve it with run_emulator_in_thread() and pass its base_url, "
        "or use AsyncHubSpotAssociations)"
        if sync
        else ""
    )
    raise InvalidInputError(
        "http_client",
        f"its transport {type(transport).__name__} is not an httpx.{expected.__name__}, so it cannot serve an "
        f"httpx.{type(http_client).__name__}{hint}",
    )


def _seam(value: object, name: str, *, refuse_async: bool = False) -> Any:
    """``clock=`` / ``sleep=`` checked: a callable (for ``sleep``, a coroutine function only for the async client)."""
    if not callable(value):
        raise InvalidInputError(name, f"must be a callable, got {type(value).__name__}")
    if refuse_async and inspect.iscoroutinefunction(value):
        raise InvalidInputError(name, "is an async function: it belongs to AsyncHubSpotAssociations")
    return value


class BaseClient(Generic[HttpT, SleepT]):
    """Configuration and policy shared by :class:`HubSpotAssociations` and :class:`AsyncHubSpotAssociations`.

    Each owns one ``HttpT`` (one connection pool) unless ``http_client`` is passed in: that one is used as is (its
    timeouts are overridden per request) and not closed by the client.

    ``timeout`` (here, or per call) is the budget of the **whole call**: every attempt, every pacer wait and every
    retry backoff come out of it, and a call that runs out raises :class:`APITimeoutError` saying where the time
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

    ``clock`` and ``sleep`` are seams for tests and simulations: ``clock()`` returns monotonic seconds (default
    :func:`time.monotonic`) and drives every call's deadline and the pacer; ``sleep(seconds)`` (default
    :func:`time.sleep`, or an awaitable ``anyio.sleep`` for the async client) is every wait: pacer slots, retry
    backoff, and ``associate_many``'s pauses. A fake clock that ``sleep`` moves forward therefore drives them
    all, and nothing waits for real. With a ``sleep`` of your own a ``stop`` event is looked at before and after
    each wait rather than ending it midway. Neither appears in ``repr``.
    """

    _http_class: ClassVar[type[httpx.Client] | type[httpx.AsyncClient]]
    base_url: str
    """Where requests go, without a trailing slash."""
    timeout: httpx.Timeout
    """The default timeout of every request (``timeout=`` per call overrides it)."""
    max_retries: int
    max_response_bytes: int
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
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        rate_limit: int | None = None,
        rate_limit_window: float = 10.0,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
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
        self.base_url = _base_url(base_url)
        self.timeout = _timeout(timeout)
        self.max_response_bytes = validate_count(max_response_bytes, "max_response_bytes", unit=" (bytes)")
        self.auth = _auth(access_token, auth, self.base_url)
        # The seams, looked up here once: every deadline, pacer slot and wait of this client reads them.
        self._clock: Callable[[], float] = time.monotonic if clock is None else _seam(clock, "clock")
        sync = self._http_class is httpx.Client  # an async function cannot be the sync client's sleep
        self._sleep: SleepT = self._default_sleep() if sleep is None else _seam(sleep, "sleep", refuse_async=sync)
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
        self._scrubber = Scrubber(self._secrets)
        self._rng = random.Random()
        _logging.configure_from_env()
        http_class = self._http_class
        if http_client is not None and not isinstance(http_client, http_class):
            raise InvalidInputError(
                "http_client", f"must be an httpx.{http_class.__name__}, got {type(http_client).__name__}"
            )
        if http_client is not None:
            _check_transport(http_client)
        self._owns_http = http_client is None
        self._http: HttpT = http_client if http_client is not None else cast(HttpT, http_class(timeout=self.timeout))
        if http_client is None:
            bound_network(self._http)  # the deadline also bounds each socket read (a dripped status line)

    def _default_sleep(self) -> SleepT:
        """The real wait of this kind of client (``time.sleep``, ``anyio.sleep``)."""
        raise NotImplementedError

    def __repr__(self) -> str:
        return self._scrubber.text(
            f"{type(self).__name__}(base_url={mask_url(self.base_url)!r}, auth={self.auth!r}, "
            f"max_retries={self.max_retries}, pacer={self.pacer!r})"
        )

    def _secrets(self) -> list[str | None]:
        """Every secret this client holds: its auth's (``secrets()``, when it has one) and ``base_url``'s userinfo."""
        found: list[str | None] = list(url_secrets(self.base_url))
        secrets = getattr(self.auth, "secrets", None)
        if callable(secrets):
            # A foreign auth's hook must not turn error reporting into another error.
            with contextlib.suppress(Exception):
                found.extend(value for value in secrets() if isinstance(value, str))
        return found

    def _scrubbed(self, error: HubSpotError, call: PreparedCall[Any]) -> None:
        """Scrub ``error`` in place: this client's secrets and the bearer value the request carried."""
        self._scrubber.error(error, call.request)

    # -- building requests -------------------------------------------------------------------------------------

    def _call(self, kwargs: dict[str, Any], timeout: TimeoutLike, parse: Callable[[Any], T]) -> PreparedCall[T]:
        limits = self.timeout if timeout is None else _timeout(timeout)
        request = self._http.build_request(
            kwargs["method"],
            self.base_url + kwargs["url"],
            params=kwargs.get("params"),
            json=kwargs.get("json"),
            headers=kwargs.get("headers"),
            timeout=limits,
        )
        request.headers["Accept-Encoding"] = ACCEPT_ENCODING  # only what BodyReader decodes within its cap
        return PreparedCall(request, parse, limits)

    def _prepare_default(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        timeout: TimeoutLike,
    ) -> PreparedCall[BatchResponsePublicDefaultAssociation]:
        kwargs = _default_op._get_kwargs(*_path_args(from_object_type, from_object_id, to_object_type, to_object_id))
        return self._call(kwargs, timeout, _parse_default)

    def _prepare_labelled(
        self,
        from_object_type: str,
        from_object_id: str | int,
        to_object_type: str,
        to_object_id: str | int,
        specs: object,
        timeout: TimeoutLike,
    ) -> PreparedCall[LabelsBetweenObjectPair]:
        kwargs = _labelled_op._get_kwargs(
            *_path_args(from_object_type, from_object_id, to_object_type, to_object_id),
            body=[spec.to_wire() for spec in coerce_specs(specs)],
        )
        return self._call(kwargs, timeout, _parse_labelled)

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
        if not deadline.fits(wait):
            what = "waiting for a pacer slot" if pacer else "before a retry"
            raise deadline.exceeded(call.request, f"{what} (a {wait:.2f} s wait was due)", deadline.last_error)
        deadline.waited(wait, pacer=pacer)

    def _reader(self, response: httpx.Response, deadline: Deadline) -> BodyReader:
        """The bounded reader for one streamed answer (raises at once for a declared oversize body)."""
        return BodyReader(response, self.max_response_bytes, deadline)

    def _outcome(
        self, call: PreparedCall[T], response: httpx.Response, attempt: int, slot: Slot, deadline: Deadline
    ) -> APIResponse[T] | float:
        """The result of a successful attempt, or the seconds to wait before retrying; raises when final."""
        deadline.end_attempt()
        self.pacer.observe(rate_limit_info(response.headers), slot)
        status = response.status_code
        request = call.request
        _logging.log_request(
            request.method, request.url, status=status, attempt=attempt, headers=response.headers, scrub=self._scrub
        )
        if 200 <= status < 300:
            self._scrubber.answer(response, request)  # an echoed token must not reach CLI output or a journal
            return APIResponse(self._parse(call, response, attempt), response, attempt + 1)
        error = error_from_response(response)
        policy_name = error.policy_name if isinstance(error, RateLimitError) else None
        daily = isinstance(error, RateLimitError) and error.is_daily  # the error's answer is the policy's answer
        if not should_retry(status=status, daily=daily, attempt=attempt, max_retries=self.max_retries):
            raise self._final(error, attempt)
        deadline.last_error = self._final(error, attempt)
        wait = retry_delay(
            attempt=attempt, headers=response.headers, status=status, policy_name=policy_name, rng=self._rng
        )
        if status == 429:
            self.pacer.on_rate_limited(wait)
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
        if isinstance(exc, httpx.TimeoutException) and deadline.remaining() <= 0:
            # The attempt's timeouts were cut to the budget left: this is the call's deadline, not the server's.
            raise deadline.exceeded(request, f"waiting for an answer ({type(exc).__name__})") from exc
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
            return call.parse(response.json())
        except Exception as exc:
            error = UnexpectedResponseError.from_response(
                response,
                f"HubSpot answered {response.status_code} but the body is not the documented result ({_describe(exc)})",
            )
            raise cls._final(error, attempt) from None

    def _scrub(self, text: str) -> str:
        return self._scrubber.text(text)

    def _deadline(self, call: PreparedCall[Any]) -> Deadline:
        return Deadline(budget_of(call.timeout), self._clock)


__all__ = ["APIStatusError", "BaseClient", "PreparedCall", "TimeoutLike"]
