"""The SDK's one exception tree, and the one function that turns an HTTP response into an error.

Shape (after Stainless SDKs such as openai-python's ``_exceptions.py``)::

    HubSpotError
      APIConnectionError          transport failure, no HTTP status
        APITimeoutError
      APIStatusError              any non-2xx answer
        BadRequestError           400 (HubSpot also uses it for unknown record ids)
        AuthenticationError       401
        PermissionDeniedError     403
        NotFoundError             404
        ConflictError             409
        RateLimitError            429
        ServerError               500-599 (Cloudflare 520-527 included)
        UnexpectedStatusError     anything else
      UnexpectedResponseError     a 2xx whose body is not the documented result
        ResponseTooLargeError     any answer whose body is larger than ``max_response_bytes``

HubSpot error bodies have no single shape (``docs/real-traffic.md`` §4-5); :mod:`._response` reads them leniently
(it owns every fact taken from a response), so :func:`error_from_response` never raises. This module only maps a
status to a class.

These classes are pure data: whether to retry belongs to the retry policy, not here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple

import httpx

from . import _response
from ._clamps import clamp_rate_limit, clamp_wait

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "HubSpotError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "RunWideFailure",
    "ServerError",
    "StoppedError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
    "error_from_parts",
    "error_from_response",
    "redact_headers",
    "run_wide_failure",
]

_REDACTED = "[redacted]"
# Response headers rarely hold secrets, but a proxy or a test double may echo the request's; never keep them.
_SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie"})
# The three places HubSpot has put missing scopes over the years (newest first).
_SCOPE_KEYS = ("requiredGranularScopes", "requiredScopes", "missingScopes")
_SCOPE_SPLIT_RE = re.compile(r"[\s,]+")
# Old-style message: "... does not have proper permissions! (requires any of [contacts])".
_SCOPES_IN_MESSAGE_RE = re.compile(r"requires any of \[([^\]]*)\]")


def redact_headers(headers: httpx.Headers | Mapping[str, str] | None) -> httpx.Headers:
    """Return a copy of ``headers`` with ``Authorization``, ``Cookie`` and ``Set-Cookie`` values replaced.

    >>> redact_headers({"Authorization": "Bearer pat-na1-x", "X-A": "1"})["authorization"]
    '[redacted]'
    """
    if headers is None:
        return httpx.Headers()
    try:
        items: Iterable[tuple[str, str]] = (
            headers.multi_items() if isinstance(headers, httpx.Headers) else list(headers.items())
        )
        return httpx.Headers(
            [(name, _REDACTED if str(name).lower() in _SENSITIVE_HEADERS else value) for name, value in items]
        )
    except Exception:
        # Malformed header input must not turn error reporting into a second error.
        return httpx.Headers()


def _rebuild(cls: type[HubSpotError], state: dict[str, Any]) -> HubSpotError:
    """Unpickle without calling ``__init__`` (whose signature differs per class)."""
    error = cls.__new__(cls)
    if isinstance(state.get("headers"), list):
        state = {**state, "headers": httpx.Headers(state["headers"])}
    Exception.__init__(error, state.get("message", ""))
    error.__dict__.update(state)
    return error


class HubSpotError(Exception):
    """Root of every error this SDK raises on purpose.

    Attributes:
        message: a human-readable description.
        attempts: how many attempts the call made, the one that raised this included (``attempts - 1`` retries),
            set by the client where it raises the error; ``None`` for an error built outside a call (e.g. by
            :func:`error_from_response`).
    """

    message: str
    attempts: int | None = None

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __reduce__(self) -> tuple[Any, ...]:
        # httpx requests/responses may hold open streams and credentials: they do not travel through pickle.
        state: dict[str, Any] = {k: None if k in ("request", "response") else v for k, v in self.__dict__.items()}
        headers = state.get("headers")
        if isinstance(headers, httpx.Headers):
            state["headers"] = list(headers.multi_items())
        return (_rebuild, (type(self), state))


class APIConnectionError(HubSpotError):
    """The request never got a usable HTTP answer (DNS, refused connection, TLS, reset..., or a body httpx could
    not decode, e.g. a broken gzip stream).

    Attributes:
        request: the request that failed, when known. It is not shown in ``repr`` (it carries the token).
    """

    request: httpx.Request | None

    def __init__(self, message: str = "Connection error.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r})"


class APITimeoutError(APIConnectionError):
    """The request timed out before HubSpot answered, or the call ran out of its whole ``timeout=`` budget.

    Attributes (set when the call's budget ran out; ``None`` for a plain transport timeout):
        budget: the call's budget in seconds.
        attempts: attempts made, the one cut short included.
        attempt_seconds: time spent in attempts (connecting, sending, reading).
        wait_seconds: time spent waiting (pacer slots and retry backoff).
        last_error: the previous attempt's error when a retry's wait no longer fitted in the budget.
    """

    budget: float | None
    attempts: int | None
    attempt_seconds: float | None
    wait_seconds: float | None
    last_error: HubSpotError | None

    def __init__(self, message: str = "Request timed out.", *, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)
        self.budget = None
        self.attempts = None
        self.attempt_seconds = None
        self.wait_seconds = None
        self.last_error = None


class APIStatusError(HubSpotError):
    """HubSpot (or something in front of it) answered with a non-2xx status.

    Attributes:
        status_code: the HTTP status.
        category: body ``category`` (e.g. ``VALIDATION_ERROR``), else body ``errorType`` (``RATE_LIMIT``), else None.
        sub_category: body ``subCategory`` when it is a string.
        correlation_id: body ``correlationId``, else the ``X-HubSpot-Correlation-Id`` header; quote it to support.
        message: body ``message``, else a fallback such as ``"HTTP 502 Bad Gateway (non-JSON body)"``.
        context: body ``context`` as a dict (string forms are parsed; unparseable shapes kept under ``"_raw"``).
        errors: body ``errors`` items that are objects (their ``context`` normalised the same way).
        error_type: body ``errorType`` when present.
        json_body: the parsed JSON body, or None when the body was not JSON.
        headers: the response headers with credentials redacted.
        body: the raw response body.
        response: the :class:`httpx.Response`, when the error was built from one.
        request: the :class:`httpx.Request`, when known (never shown in ``repr``).
    """

    status_code: int
    category: str | None
    sub_category: str | None
    correlation_id: str | None
    context: dict[str, Any]
    errors: list[dict[str, Any]]
    error_type: str | None
    json_body: Any
    headers: httpx.Headers
    body: bytes | str
    response: httpx.Response | None
    request: httpx.Request | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        category: str | None = None,
        sub_category: str | None = None,
        correlation_id: str | None = None,
        context: Mapping[str, Any] | None = None,
        errors: list[dict[str, Any]] | None = None,
        error_type: str | None = None,
        json_body: Any = None,
        headers: httpx.Headers | Mapping[str, str] | None = None,
        body: bytes | str = b"",
        response: httpx.Response | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.category = category
        self.sub_category = sub_category
        self.correlation_id = correlation_id
        self.context = dict(context) if context else {}
        self.errors = list(errors) if errors else []
        self.error_type = error_type
        self.json_body = json_body
        self.headers = redact_headers(headers)
        self.body = body
        self.response = response
        self.request = request

    def __str__(self) -> str:
        prefix = f"{self.status_code} {self.category}" if self.category else str(self.status_code)
        # Fallback messages already start with "HTTP <status>"; don't say it twice.
        text = self.message if self.message.startswith(f"HTTP {self.status_code}") else f"{prefix}: {self.message}"
        if self.correlation_id:
            text += f" (correlation id {self.correlation_id})"
        return text

    def __repr__(self) -> str:
        # Deliberately field-by-field: the request (and its Authorization header) must never leak into logs.
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, category={self.category!r}, "
            f"message={self.message!r}, correlation_id={self.correlation_id!r})"
        )


class BadRequestError(APIStatusError):
    """400. HubSpot also answers 400 ``VALIDATION_ERROR`` (not 404) for unknown or wrong-type record ids.

    Attributes:
        invalid_object_ids: values of ``context["INVALID_OBJECT_IDS"]`` (top level and ``errors[]``), as sent,
            e.g. ``("CONTACT=123",)``.
        invalid_association_type_ids: values of ``context["INVALID_ASSOCIATION_TYPE_ID"]``.
    """

    invalid_object_ids: tuple[str, ...]
    invalid_association_type_ids: tuple[str, ...]

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        contexts = _all_contexts(self.context, self.errors)
        self.invalid_object_ids = _response.context_values(contexts, ("INVALID_OBJECT_IDS",))
        self.invalid_association_type_ids = _response.context_values(
            contexts, ("INVALID_ASSOCIATION_TYPE_ID", "INVALID_ASSOCIATION_TYPE_IDS")
        )


class AuthenticationError(APIStatusError):
    """401: the token is missing, invalid (``INVALID_AUTHENTICATION``) or expired (``EXPIRED_AUTHENTICATION``)."""

    @property
    def expired(self) -> bool:
        """True when HubSpot says the (OAuth) token expired, i.e. a refresh may help."""
        return self.category == "EXPIRED_AUTHENTICATION"


class PermissionDeniedError(APIStatusError):
    """403, usually ``MISSING_SCOPES``.

    Attributes:
        missing_scopes: scopes HubSpot says are required, gathered from ``requiredGranularScopes``,
            ``requiredScopes`` and ``missingScopes`` in the top-level ``context``, in ``errors[].context`` and at the
            top level of the body; de-duplicated, first-seen order.
    """

    missing_scopes: tuple[str, ...]

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        sources = _all_contexts(self.context, self.errors)
        if isinstance(self.json_body, dict):
            sources.append(self.json_body)
        scopes = list(_response.context_values(sources, _SCOPE_KEYS, _SCOPE_SPLIT_RE))
        for match in _SCOPES_IN_MESSAGE_RE.finditer(self.message):
            scopes.extend(_response.context_values([{"scopes": match.group(1)}], ("scopes",), _SCOPE_SPLIT_RE))
        self.missing_scopes = tuple(dict.fromkeys(scopes))


class NotFoundError(APIStatusError):
    """404. Note that unknown *records* come back as 400 (see :class:`BadRequestError`)."""


class ConflictError(APIStatusError):
    """409."""


class RateLimitError(APIStatusError):
    """429: a HubSpot rate limit (or a proxy's) was hit.

    Attributes:
        policy_name: body ``policyName`` (``DAILY``, ``TEN_SECONDLY_ROLLING``, ``SECONDLY``...), or None.
        is_daily: the daily cap was hit; waiting seconds will not help (it resets at the account's midnight).
            ``policyName`` decides; without one, the message ("daily limit"). The retry policy asks the same question
            (:func:`._response.is_daily_limit`), so a daily 429 is never retried.
        retry_after: seconds to wait: what the server asked for (``retry-after-ms``, else ``Retry-After`` in
            seconds or as an HTTP-date), read exactly as the retry policy reads it; else
            ``X-HubSpot-RateLimit-Interval-Milliseconds`` / 1000 unless daily; else None. HubSpot documents no
            ``Retry-After``, so it is usually derived from the interval header. Bounded like the client's own
            waits (at most ``MAX_WAIT`` seconds; a negative or non-finite header gives None).
    """

    policy_name: str | None
    is_daily: bool
    retry_after: float | None

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        policy = self.json_body.get("policyName") if isinstance(self.json_body, dict) else None
        self.policy_name = policy.strip() if isinstance(policy, str) and policy.strip() else None
        self.is_daily = _response.is_daily_limit(self.policy_name, self.message)
        retry_after = _response.retry_after(self.headers)
        if retry_after is None and not self.is_daily:
            info = clamp_rate_limit(_response.rate_limit_info(self.headers))  # the window the client would wait
            retry_after = info.interval_s if info is not None else None
        self.retry_after = clamp_wait(retry_after)


class ServerError(APIStatusError):
    """500-599, including Cloudflare's 520-527 (whose bodies are HTML)."""


class UnexpectedStatusError(APIStatusError):
    """Any status without a dedicated class (e.g. 3xx, 405, 422, 499)."""


class UnexpectedResponseError(HubSpotError):
    """HubSpot answered 2xx but the body is not the documented result (not JSON, or the wrong shape).

    Not an :class:`APIStatusError`: the request may well have succeeded, so callers should not treat it as a refusal.

    Attributes:
        status_code: the (2xx) HTTP status.
        correlation_id: the ``X-HubSpot-Correlation-Id`` header, when present.
        headers: the response headers with credentials redacted.
        body: the raw response body.
        response: the :class:`httpx.Response`.
        request: the :class:`httpx.Request`, when known (never shown in ``repr``).
    """

    status_code: int
    correlation_id: str | None
    headers: httpx.Headers
    body: bytes
    response: httpx.Response | None
    request: httpx.Request | None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        headers: httpx.Headers | Mapping[str, str] | None = None,
        body: bytes = b"",
        response: httpx.Response | None = None,
        request: httpx.Request | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.headers = redact_headers(headers)
        self.correlation_id = _response.correlation_id(self.headers)
        self.body = body
        self.response = response
        self.request = request

    @classmethod
    def from_response(cls, response: httpx.Response, message: str) -> UnexpectedResponseError:
        """Build the error for a 2xx ``response`` whose body could not be understood. Never raises."""
        return cls(
            message,
            status_code=response.status_code,
            headers=response.headers,
            body=_response.read_body(response),
            response=response,
            request=_response.request_of(response),
        )

    def __str__(self) -> str:
        if self.correlation_id:
            return f"{self.message} (correlation id {self.correlation_id})"
        return self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, message={self.message!r}, "
            f"correlation_id={self.correlation_id!r})"
        )


class ResponseTooLargeError(UnexpectedResponseError):
    """An answer (2xx or error) whose decoded body is larger than the client's ``max_response_bytes``.

    The body was not read past the limit (``body`` is empty); ``status_code``, ``correlation_id`` and the redacted
    ``headers`` are kept. For a 2xx the request may have succeeded.

    Attributes:
        limit: the limit in bytes that was exceeded.
    """

    limit: int

    def __init__(self, message: str, *, limit: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.limit = limit


_STATUS_CLASSES: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def _class_for_status(status_code: int) -> type[APIStatusError]:
    if 500 <= status_code <= 599:
        return ServerError
    return _STATUS_CLASSES.get(status_code, UnexpectedStatusError)


def error_from_response(response: httpx.Response) -> APIStatusError:
    """Turn a non-2xx :class:`httpx.Response` into the matching :class:`APIStatusError` subclass. Never raises.

    >>> err = error_from_response(httpx.Response(404, json={"message": "nope", "category": "OBJECT_NOT_FOUND"}))
    >>> type(err).__name__, str(err)
    ('NotFoundError', '404 OBJECT_NOT_FOUND: nope')
    """
    return error_from_parts(
        response.status_code,
        response.headers,
        _response.read_body(response),
        _response.request_of(response),
        response=response,
    )


def error_from_parts(
    status_code: int,
    headers: httpx.Headers | Mapping[str, str] | None,
    body: bytes | str,
    request: httpx.Request | None = None,
    *,
    response: httpx.Response | None = None,
) -> APIStatusError:
    """Build the error for ``status_code`` from raw headers and body (for callers that hold only bytes).

    Never raises: anything unparseable becomes a fallback message (see :func:`._response.parse_error_body`).
    """
    try:
        status = int(status_code)
    except Exception:
        status = 0
    cls = _class_for_status(status)
    fields = _response.parse_error_body(status, headers, body)
    try:
        return cls(
            fields.message,
            status_code=status,
            category=fields.category,
            sub_category=fields.sub_category,
            correlation_id=fields.correlation_id,
            context=fields.context,
            errors=fields.errors,
            error_type=fields.error_type,
            json_body=fields.json_body,
            headers=headers,
            body=body,
            response=response,
            request=request,
        )
    except Exception:  # a subclass hook failed on an exotic body; keep the class, drop the details
        return cls(fields.message, status_code=status, body=body, response=response, request=request)


def _all_contexts(context: dict[str, Any], errors: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    contexts: list[Mapping[str, Any]] = [context]
    contexts.extend(error["context"] for error in errors if isinstance(error.get("context"), dict))
    return contexts


# -- run-wide failures and stopped rows (bulk runs) ----------------------------------------------------------------


class StoppedError(HubSpotError):
    """A bulk row left unfinished because the run was asked to stop (Ctrl-C, or a run-wide failure).

    Attributes:
        attempts: requests sent for the row before the stop (0: never sent).
    """

    def __init__(self, message: str = "stopped before the row was finished", *, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts: int | None = attempts  # always an int here; the base class declares the type


class RunWideFailure(NamedTuple):
    """Why every following row would fail the same way, so a bulk run stops sending (see :func:`run_wide_failure`).

    Attributes:
        kind: ``AUTHENTICATION`` (401 after any refresh), ``OAUTH_REFRESH`` (the refresh token was refused),
            ``MISSING_SCOPES`` (403) or ``DAILY_LIMIT`` (429 with policy ``DAILY``).
        object_pair_only: only rows between the same two object types are affected (scopes are per object type).
        fix: what the user has to do before resuming.
    """

    kind: str
    object_pair_only: bool
    fix: str


def run_wide_failure(error: BaseException | None) -> RunWideFailure | None:
    """The one place that decides whether an error dooms the rows after it (None: it concerns this row only).

    * 401: the client already refreshed an OAuth token where it could; a 401 that reaches the caller survives it.
    * A refused OAuth refresh: every later request needs the same refresh.
    * 403 for missing scopes: HubSpot checks scopes per object type, so rows between the same two object types
      fail alike (another 403 concerns its row only).
    * 429 ``DAILY``: the daily cap resets at the account's midnight; seconds of backoff do not help.
    """
    from ._auth import OAuthRefreshError  # _auth imports this module

    if isinstance(error, AuthenticationError):
        return RunWideFailure(
            "AUTHENTICATION",
            False,
            "check the credentials: --token / HUBSPOT_ACCESS_TOKEN, or for OAuth --client-id, --client-secret and "
            "--refresh-token",
        )
    if isinstance(error, OAuthRefreshError):
        return RunWideFailure("OAUTH_REFRESH", False, "check --client-id, --client-secret and --refresh-token")
    if isinstance(error, PermissionDeniedError) and (error.missing_scopes or error.category == "MISSING_SCOPES"):
        scopes = f" ({', '.join(error.missing_scopes)})" if error.missing_scopes else ""
        return RunWideFailure("MISSING_SCOPES", True, f"grant the app the missing scopes{scopes}")
    if isinstance(error, RateLimitError) and error.is_daily:
        return RunWideFailure("DAILY_LIMIT", False, "wait for the daily limit to reset (the account's midnight)")
    return None
