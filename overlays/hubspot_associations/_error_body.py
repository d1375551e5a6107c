"""Reading an error response's body, leniently: loaded by the first error, never by a successful call.

HubSpot error bodies have no single shape (``docs/real-traffic.md`` §4-5, and the **Real traffic** notes in
``openapi/hubspot-crm-associations-v4.yaml``): 429 bodies carry ``errorType`` and ``policyName`` and no
``category``; "Unable to infer object type" bodies have no ``category``; ``context`` may be an object of any values,
a JSON-encoded string or a Java ``Map.toString()`` string; ``subCategory`` may be a string or an object; Cloudflare
answers 5xx with HTML. Nothing here raises on what a server sends.

* :func:`parse_error_body` — the fields of :class:`ErrorBody` (message, category, context, ``errors[]``...) from any
  body; :mod:`._error_mapping` builds the typed error from them.
* :func:`normalize_context` — an error's ``context`` as a dict, whatever form it came in (also used for the per-item
  errors of a batch result, ``_base_client._decoded``).
* :func:`context_values` / :func:`all_contexts` / :func:`missing_scopes` — the values the error classes expose
  (``invalid_object_ids``, ``missing_scopes``).

Headers (rate limits, ``Retry-After``, correlation id) and the generic body helpers (:func:`._response.parse_json`)
are read in :mod:`._response`, which every successful call uses; this module stays off that path (pinned by
``tests/test_import_footprint.py``), so its importers load it where an error is built.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs
import httpx

from ._response import HeadersLike, correlation_id, first_text, parse_json, text_of

__all__ = [
    "ErrorBody",
    "all_contexts",
    "context_values",
    "missing_scopes",
    "normalize_context",
    "parse_error_body",
]

_MAX_MESSAGE_CHARS = 500
# Cloudflare's own status codes; httpx knows no reason phrase for them.
_EXTRA_REASON_PHRASES = {
    520: "Web Server Returned an Unknown Error",
    521: "Web Server Is Down",
    522: "Connection Timed Out",
    523: "Origin Is Unreachable",
    524: "A Timeout Occurred",
    525: "SSL Handshake Failed",
    526: "Invalid SSL Certificate",
    527: "Railgun Error",
}
_HTML_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_WHITESPACE_RE = re.compile(r"\s+")
# One entry of Java's Map.toString(): ``key=[a, b]`` or ``key=value``; HubSpot's spec documents context this way.
_JAVA_MAP_ENTRY_RE = re.compile(r"\s*([^=,{}\[\]]+?)\s*=\s*(\[[^\]]*\]|[^,}]*)")


def normalize_context(value: Any) -> dict[str, Any]:
    """An error's ``context`` as a dict, whatever HubSpot sent.

    A dict is copied (keys as str, values untouched); a string is parsed as JSON (HubSpot's documentation example
    sends ``"{\\"missingScopes\\":[...]}"``) or as Java ``Map.toString()`` (``{a=[x, y], b=[z]}`` →
    ``{"a": ["x", "y"], "b": ["z"]}``); anything else is kept under ``"_raw"``.
    """
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(key): item for key, item in value.items()}
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return {}
        parsed, is_json = parse_json(stripped)
        if is_json and isinstance(parsed, dict):
            return {str(key): item for key, item in parsed.items()}
        if stripped.startswith("{") and stripped.endswith("}"):
            entries: dict[str, Any] = {}
            for match in _JAVA_MAP_ENTRY_RE.finditer(stripped[1:-1]):
                key, raw = match.group(1).strip(), match.group(2).strip()
                if key:
                    entries[key] = _split_items(raw, _LIST_SPLIT_RE)
            if entries:
                return entries
    return {"_raw": value}


_LIST_SPLIT_RE = re.compile(r"\s*,\s*")


def _split_items(value: Any, separator: re.Pattern[str], depth: int = 0) -> list[str]:
    """Flatten a context value (list, single string, ``"[a, b]"``, number) into non-empty strings."""
    if value is None or isinstance(value, bool) or depth > 20:
        return []
    if isinstance(value, list | tuple):
        return [piece for item in value for piece in _split_items(item, separator, depth + 1)]
    if isinstance(value, int):
        return [str(value)] if value.bit_length() <= 64 else []
    if isinstance(value, float):
        return [repr(value)]
    if not isinstance(value, str):
        return []
    text = value.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    return [piece.strip().strip("'\"") for piece in separator.split(text) if piece.strip().strip("'\"")]


def context_values(
    sources: list[Mapping[str, Any]], keys: tuple[str, ...], separator: re.Pattern[str] = _LIST_SPLIT_RE
) -> tuple[str, ...]:
    """The values under any of ``keys`` in ``sources`` (contexts, or a body), flattened to strings, de-duplicated
    in first-seen order: e.g. ``INVALID_OBJECT_IDS`` from the top-level context and every ``errors[].context``."""
    values: list[str] = []
    for source in sources:
        for key in keys:
            if key in source:
                values.extend(_split_items(source[key], separator))
    return tuple(dict.fromkeys(values))


@attrs.frozen(slots=True)
class ErrorBody:
    """What an error response says, read leniently (see :func:`parse_error_body`)."""

    message: str
    category: str | None = None
    sub_category: str | None = None
    correlation_id: str | None = None
    context: dict[str, Any] = attrs.Factory(dict)
    errors: list[dict[str, Any]] = attrs.Factory(list)
    error_type: str | None = None
    policy_name: str | None = None
    json_body: Any = None


def _reason_phrase(status: int) -> str:
    return httpx.codes.get_reason_phrase(status) or _EXTRA_REASON_PHRASES.get(status, "")


def _fallback_message(status: int, text: str, is_json: bool) -> str:
    reason = _reason_phrase(status)
    head = f"HTTP {status} {reason}" if reason else f"HTTP {status}"
    if not text.strip():
        return f"{head} (empty body)"
    if is_json:
        return f"{head} (JSON body without a message)"
    title = _HTML_TITLE_RE.search(text[:100_000])
    if title:
        cleaned = _WHITESPACE_RE.sub(" ", title.group(1)).strip()
        if cleaned:
            return f"{head} (non-JSON body: {cleaned[:200]})"
    return f"{head} (non-JSON body)"


def _truncate(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE_CHARS else message[: _MAX_MESSAGE_CHARS - 3] + "..."


def _error_item(item: dict[Any, Any]) -> dict[str, Any]:
    normalized = {str(key): value for key, value in item.items()}
    if "context" in normalized:
        normalized["context"] = normalize_context(normalized["context"])
    return normalized


def parse_error_body(status: int, headers: HeadersLike | None, body: bytes | str) -> ErrorBody:
    """Read HubSpot's error fields out of ``body``, whatever its shape; never raises.

    ``message`` is the body's ``message`` (or OAuth's ``error_description``/``error``, or the first
    ``errors[].message``), else a fallback such as ``"HTTP 502 Bad Gateway (non-JSON body: 502 Bad Gateway)"``.
    ``category`` falls back to ``errorType`` (``RATE_LIMIT``); ``sub_category`` is kept only when it is a string
    (the object form stays in ``json_body``); ``context`` and each ``errors[].context`` are normalised by
    :func:`normalize_context`.
    """
    try:
        return _parse_error_body(status, headers, body)
    except Exception:  # a shape nobody foresaw: keep the status, lose the details rather than the error
        return ErrorBody(f"HTTP {status} (unreadable error body)", correlation_id=correlation_id(headers))


def _parse_error_body(status: int, headers: HeadersLike | None, body: bytes | str) -> ErrorBody:
    text = text_of(body)
    parsed, is_json = parse_json(text)
    data: dict[Any, Any] = parsed if isinstance(parsed, dict) else {}

    raw_errors: Any = data.get("errors") if data else parsed if isinstance(parsed, list) else None
    errors = (
        [_error_item(item) for item in raw_errors if isinstance(item, dict)] if isinstance(raw_errors, list) else []
    )
    message = first_text(data.get("message"), data.get("error_description"), data.get("error"))
    if message is None:
        message = next((m for m in (first_text(e.get("message")) for e in errors) if m), None)
    if message is None:
        message = _fallback_message(status, text, is_json)
    error_type = first_text(data.get("errorType"))
    return ErrorBody(
        message=_truncate(message),
        category=first_text(data.get("category")) or error_type,
        sub_category=first_text(data.get("subCategory")),
        correlation_id=correlation_id(headers, data),
        context=normalize_context(data.get("context")),
        errors=errors,
        error_type=error_type,
        policy_name=first_text(data.get("policyName")),
        json_body=parsed if is_json else None,
    )


# The three places HubSpot has put missing scopes over the years (newest first).
_SCOPE_KEYS = ("requiredGranularScopes", "requiredScopes", "missingScopes")
_SCOPE_SPLIT_RE = re.compile(r"[\s,]+")
# Old-style message: "... does not have proper permissions! (requires any of [contacts])".
_SCOPES_IN_MESSAGE_RE = re.compile(r"requires any of \[([^\]]*)\]")


def all_contexts(context: dict[str, Any], errors: list[dict[str, Any]]) -> list[Mapping[str, Any]]:
    """The top-level ``context`` and every ``errors[].context`` that is an object, in that order."""
    contexts: list[Mapping[str, Any]] = [context]
    contexts.extend(error["context"] for error in errors if isinstance(error.get("context"), dict))
    return contexts


def missing_scopes(
    context: dict[str, Any], errors: list[dict[str, Any]], json_body: Any, message: str
) -> tuple[str, ...]:
    """The scopes a 403 says are required: under ``requiredGranularScopes``, ``requiredScopes`` or ``missingScopes``
    in the contexts and at the top level of the body, then in an old-style message; de-duplicated, first-seen order."""
    sources = all_contexts(context, errors)
    if isinstance(json_body, dict):
        sources.append(json_body)
    scopes = list(context_values(sources, _SCOPE_KEYS, _SCOPE_SPLIT_RE))
    for match in _SCOPES_IN_MESSAGE_RE.finditer(message):
        scopes.extend(context_values([{"scopes": match.group(1)}], ("scopes",), _SCOPE_SPLIT_RE))
    return tuple(dict.fromkeys(scopes))
