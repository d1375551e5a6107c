"""From an HTTP answer to the error it means: the one status→class table and the functions that build the error.

:func:`error_from_response` (the client calls it for every non-2xx answer) and :func:`error_from_parts` (for
callers that hold only a status, headers and bytes) pick the class of ``_errors.py`` for the status and fill it
from the body as :mod:`._error_body` reads it. Neither ever raises: an unreadable body becomes a fallback message.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from . import _response
from ._errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    UnexpectedStatusError,
)

__all__ = ["error_from_parts", "error_from_response"]

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

    Never raises: anything unparseable becomes a fallback message (see :func:`._error_body.parse_error_body`).
    """
    from ._error_body import parse_error_body  # loaded by the first error, not by importing the client

    try:
        status = int(status_code)
    except Exception:
        status = 0
    cls = _class_for_status(status)
    fields = parse_error_body(status, headers, body)
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
