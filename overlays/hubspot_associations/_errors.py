"""The SDK's one exception tree. Pure data: whether to retry belongs to the retry policy, not here.

Shape (after Stainless SDKs such as openai-python's ``_exceptions.py``)::

    HubSpotError
      APIConnectionError          transport failure, no HTTP status
        APITimeoutError
        CertificateVerificationError  the server's TLS certificate is not trusted (never retried)
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
      StoppedError                a bulk row left unfinished because the run was stopped
      PagingLimitError            a paged read beyond its max_items/max_pages, or paging in a circle
      BatchInputError             one input of a batch that an ``errors[]`` item of the answer names
      BatchUnconfirmedError       one input of a batch that the answer neither confirms nor names

(``APIStatusError`` and ``UnexpectedResponseError`` share a private base, ``_AnswerError``: the fields of the HTTP
answer they came from.)

Where the rest lives: which class a response maps to, :func:`error_from_response` (``_error_mapping.py``); reading
an error body leniently (``_error_body.py``, loaded by the first error, which the class hooks below import where
they run); headers, correlation id and ``Retry-After`` (``_response.py``); redacting credential headers
(``_secrets.redact_headers``); whether an error dooms a bulk run's following rows (``_run_failure.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from . import _response
from ._clamps import clamp_json_depth, clamp_rate_limit, clamp_wait
from ._secrets import redact_headers

__all__ = [
    "APIConnectionError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "BatchInputError",
    "BatchUnconfirmedError",
    "CertificateVerificationError",
    "ConflictError",
    "HubSpotError",
    "NotFoundError",
    "PagingLimitError",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseTooLargeError",
    "ServerError",
    "StoppedError",
    "UnexpectedResponseError",
    "UnexpectedStatusError",
]


_MAX_REASON_VALUES = 10  # a batch may name hundreds of ids: str() shows this many per reason, then a count


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
            ``._error_mapping.error_from_response``).
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
            state["headers"] = list(headers.raw)  # the bytes as sent: decoded text may not encode back
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


class CertificateVerificationError(APIConnectionError):
    """The server's TLS certificate failed verification (untrusted issuer, self-signed, expired, wrong host name).

    Never retried: every attempt would get the same certificate. The usual causes are a proxy or security appliance
    that intercepts TLS with its own CA (give its CA bundle to the client: ``SSL_CERT_FILE``, or
    ``http_client=httpx.Client(verify=ssl_context)``), or a ``base_url`` that names the wrong host.

    Attributes:
        reason: what the TLS library said, e.g. ``"self-signed certificate"``.
    """

    reason: str

    def __init__(self, message: str, *, reason: str, request: httpx.Request | None = None) -> None:
        super().__init__(message, request=request)
        self.reason = reason


class _AnswerError(HubSpotError):
    """What an error built from an HTTP answer keeps (the private base of the two that are)."""

    status_code: int
    correlation_id: str | None
    headers: httpx.Headers
    response: httpx.Response | None
    request: httpx.Request | None

    def _keep_answer(
        self,
        status_code: int,
        headers: httpx.Headers | Mapping[str, str] | None,
        response: httpx.Response | None,
        request: httpx.Request | None,
    ) -> None:
        self.status_code = status_code
        self.headers = redact_headers(headers)  # never the credentials, whatever the server echoed
        self.response = response
        self.request = request

    def _correlation_id_from_headers(self) -> None:
        """Take the correlation id from the (redacted) headers: for an answer whose body says nothing."""
        self.correlation_id = _response.correlation_id(self.headers)

    def _cite(self, text: str) -> str:
        """``text`` with the correlation id to quote to HubSpot support, when there is one."""
        return f"{text} (correlation id {self.correlation_id})" if self.correlation_id else text


class APIStatusError(_AnswerError):
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
        response: the ``httpx.Response``, when the error was built from one.
        request: the ``httpx.Request``, when known (never shown in ``repr``).
    """

    category: str | None
    sub_category: str | None
    context: dict[str, Any]
    errors: list[dict[str, Any]]
    error_type: str | None
    json_body: Any
    body: bytes | str

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
        self._keep_answer(status_code, headers, response, request)
        self.category = category
        self.sub_category = sub_category
        self.correlation_id = correlation_id
        self.context = dict(context) if context else {}
        self.errors = list(errors) if errors else []
        self.error_type = error_type
        self.json_body = json_body
        self.body = body

    def __str__(self) -> str:
        prefix = f"{self.status_code} {self.category}" if self.category else str(self.status_code)
        # Fallback messages already start with "HTTP <status>"; don't say it twice.
        text = self.message if self.message.startswith(f"HTTP {self.status_code}") else f"{prefix}: {self.message}"
        reasons = "; ".join(self._reasons())
        return self._cite(f"{text}; {reasons}" if reasons else text)

    def _reasons(self) -> list[str]:
        """The specific reasons the body gives beyond its message (``KEY: values``), for :meth:`__str__`."""
        return []

    def __repr__(self) -> str:
        # Deliberately field-by-field: the request (and its Authorization header) must never leak into logs.
        return (
            f"{type(self).__name__}(status_code={self.status_code!r}, category={self.category!r}, "
            f"message={self.message!r}, correlation_id={self.correlation_id!r})"
        )


class BadRequestError(APIStatusError):
    """400. HubSpot also answers 400 ``VALIDATION_ERROR`` (not 404) for unknown or wrong-type record ids, and for
    association types unknown for the pair or of the wrong category.

    Its message says only "One or more associations are invalid"; ``str(error)`` adds the reasons HubSpot gave in
    ``context``, e.g. ``400 VALIDATION_ERROR: One or more associations are invalid; INVALID_ASSOCIATION_TYPE_ID:
    USER_DEFINED=987654 is not a valid association definition id (correlation id ...)`` (at most 10 values per
    reason, then how many more).

    Attributes:
        invalid_object_ids: values of ``context["INVALID_OBJECT_IDS"]`` (top level and ``errors[]``), as sent,
            e.g. ``("CONTACT=123",)``.
        invalid_association_type_ids: values of ``context["INVALID_ASSOCIATION_TYPE_ID"]``.
    """

    invalid_object_ids: tuple[str, ...]
    invalid_association_type_ids: tuple[str, ...]

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        from ._error_body import all_contexts, context_values  # an error-only module (see its docstring)

        contexts = all_contexts(self.context, self.errors)
        self.invalid_object_ids = context_values(contexts, ("INVALID_OBJECT_IDS",))
        self.invalid_association_type_ids = context_values(
            contexts, ("INVALID_ASSOCIATION_TYPE_ID", "INVALID_ASSOCIATION_TYPE_IDS")
        )

    def _reasons(self) -> list[str]:
        reasons = []
        for key, values in (
            ("INVALID_OBJECT_IDS", self.invalid_object_ids),
            ("INVALID_ASSOCIATION_TYPE_ID", self.invalid_association_type_ids),
        ):
            if values:
                shown = ", ".join(values[:_MAX_REASON_VALUES])
                more = len(values) - _MAX_REASON_VALUES
                reasons.append(f"{key}: {shown}" + (f" and {more} more" if more > 0 else ""))
        return reasons


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
        from ._error_body import missing_scopes  # an error-only module (see its docstring)

        self.missing_scopes = missing_scopes(self.context, self.errors, self.json_body, self.message)


class NotFoundError(APIStatusError):
    """404. Note that unknown *records* come back as 400 (see ``BadRequestError``)."""


class ConflictError(APIStatusError):
    """409."""


class RateLimitError(APIStatusError):
    """429: a HubSpot rate limit (or a proxy's) was hit.

    Attributes:
        policy_name: body ``policyName`` (``DAILY``, ``TEN_SECONDLY_ROLLING``, ``SECONDLY``...), or None.
        is_daily: the daily cap was hit; waiting seconds will not help (it resets at the account's midnight).
            ``policyName`` decides; without one, the message ("daily limit"). The retry policy asks the same question
            (``._response.is_daily_limit``), so a daily 429 is never retried.
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


class UnexpectedResponseError(_AnswerError):
    """HubSpot answered 2xx but the body is not the documented result (not JSON, or the wrong shape).

    Not an ``APIStatusError``: the request may well have succeeded, so callers should not treat it as a refusal.

    Attributes:
        status_code: the (2xx) HTTP status.
        correlation_id: the ``X-HubSpot-Correlation-Id`` header, when present.
        headers: the response headers with credentials redacted.
        body: the raw response body.
        response: the ``httpx.Response``.
        request: the ``httpx.Request``, when known (never shown in ``repr``).
    """

    body: bytes

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
        self._keep_answer(status_code, headers, response, request)
        self._correlation_id_from_headers()
        self.body = body

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
        return self._cite(self.message)

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


class StoppedError(HubSpotError):
    """A bulk row left unfinished because the run was asked to stop (Ctrl-C, or a run-wide failure).

    Attributes:
        attempts: requests sent for the row before the stop (0: never sent).
    """

    def __init__(self, message: str = "stopped before the row was finished", *, attempts: int = 0) -> None:
        super().__init__(message)
        self.attempts: int | None = attempts  # always an int here; the base class declares the type


class PagingLimitError(HubSpotError):
    """A paged read (``list_associations``) stopped at one of its bounds: more than ``max_items`` associated
    records, more than ``max_pages`` pages, or a cursor HubSpot had already sent. ``items`` is how many records
    had been read; nothing read is returned (raise ``max_items`` or read fewer)."""

    items: int

    def __init__(self, message: str, *, items: int = 0) -> None:
        super().__init__(message)
        self.items = items


class BatchInputError(HubSpotError):
    """One input of a batch that HubSpot refused: made from the ``errors[]`` item of the answer that names it.

    The batch request itself succeeded (2xx); this error is an outcome's ``error``, not raised by the call. The
    same instance is shared by every input the item names (an unknown record id named by several inputs).

    Attributes:
        category: the item's ``category`` (e.g. ``VALIDATION_ERROR``), when a string.
        sub_category: the item's ``subCategory`` when a string (``crm.associations.INVALID_IDENTIFIER``).
        context: the item's ``context`` as a dict (string forms parsed, as for ``APIStatusError``).
        ids: the input ids the item names (in ``context`` values, ``id`` or ``message``), as decimal strings.
        item: the item as HubSpot sent it.
    """

    category: str | None
    sub_category: str | None
    context: dict[str, Any]
    ids: tuple[str, ...]
    item: Any

    def __init__(
        self,
        message: str,
        *,
        category: str | None = None,
        sub_category: str | None = None,
        context: Mapping[str, Any] | None = None,
        item: Any = None,
    ) -> None:
        super().__init__(message)
        self.category = category
        self.sub_category = sub_category
        self.context = dict(context) if context else {}
        self.ids = ()
        self.item = item

    @classmethod
    def from_item(cls, item: Mapping[str, Any]) -> BatchInputError:
        """The error of one ``errors[]`` item, whatever its fields hold (its JSON kept to 32 levels of nesting, as
        an error body's is). Never raises."""
        from ._error_body import normalize_context

        item = clamp_json_depth(item)

        def text(key: str) -> str | None:
            value = item.get(key)
            return value if isinstance(value, str) else None

        return cls(
            (text("message") or "HubSpot named this input in an error without a message")[:500],
            category=text("category"),
            sub_category=text("subCategory"),
            context=normalize_context(item.get("context")),
            item=item,
        )

    def __str__(self) -> str:
        return f"{self.category}: {self.message}" if self.category else self.message

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(category={self.category!r}, sub_category={self.sub_category!r}, "
            f"message={self.message!r}, ids={self.ids!r})"
        )


class BatchUnconfirmedError(HubSpotError):
    """One input of a batch that HubSpot's answer neither confirmed nor named in an error.

    The association may or may not exist; the batch operations are idempotent, so sending the input again is safe.

    Attributes:
        errors: the answer's ``errors[]`` items that failed no input (possibly none): one of them may be this
            input's reason. Shared by every unconfirmed input of the batch.
    """

    errors: tuple[BatchInputError, ...]

    def __init__(self, message: str, *, errors: tuple[BatchInputError, ...] = ()) -> None:
        super().__init__(message)
        self.errors = errors

    def __repr__(self) -> str:
        return f"{type(self).__name__}(message={self.message!r}, errors={len(self.errors)})"
