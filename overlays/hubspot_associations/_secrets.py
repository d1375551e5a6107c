"""The one place secrets are scrubbed: from text, headers, errors (and their chains) and URLs.

* :func:`redact_headers` — credential headers (``Authorization``, ``Cookie``...) blanked; every error that keeps a
  response's headers keeps this copy (``_errors.py``).
* :class:`Scrubber` — one client's own secrets removed from text, headers and errors.
* :func:`url_secrets` / :func:`mask_url` — the secrets in a URL's userinfo.

A client knows every secret it holds: its static token or its OAuth client secret, refresh and access tokens
(``secrets()`` on the auth object), the password and user in ``base_url``'s userinfo, and whatever bearer value its
requests actually carried. A :class:`Scrubber` asks for them each time it scrubs (tokens rotate), and replaces each
occurrence with ``[redacted]``: a server or proxy that echoes the token in a message, in
``X-HubSpot-Correlation-Id`` or any other header cannot put it into an exception, a log line, a repr or CLI output.

Errors are scrubbed in place when they leave the client (``BaseClient``), so everything downstream (``str``,
``repr``, ``headers``, ``response``, tracebacks, the bulk runner, the CLI's output, report and journal) sees only
scrubbed values; so are a successful answer's headers (its correlation id is printed and journalled too).

Headers are copied as the bytes the server sent (:attr:`httpx.Headers.raw`), never decoded and encoded again: a
server may send any byte in a header value (latin-1, UTF-8, invalid UTF-8, controls), and httpx encodes text it is
given as ASCII, so a rebuild from decoded text would raise ``UnicodeEncodeError`` out of error reporting.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import chain
from typing import Any, NamedTuple

import httpx

__all__ = ["REDACTED", "Scrubber", "mask_url", "redact_headers", "url_secrets"]

REDACTED = "[redacted]"
# Response headers rarely hold secrets, but a proxy or a test double may echo the request's; never keep them.
_SENSITIVE_HEADERS = frozenset({b"authorization", b"proxy-authorization", b"cookie", b"set-cookie"})
_REDACTED_BYTES = REDACTED.encode()
_SENSITIVE_PARTS = (b"authorization", b"cookie")  # what every name in _SENSITIVE_HEADERS contains
_MIN_USERNAME_SECRET = 8  # a URL user long enough to be a token; short ones ("api") would scrub ordinary words
_MAX_DEPTH = 20  # nested JSON bodies and exception chains are walked at most this deep


def redact_headers(headers: httpx.Headers | Mapping[str, str] | None) -> httpx.Headers:
    """Return a copy of ``headers`` with ``Authorization``, ``Cookie`` and ``Set-Cookie`` values replaced.

    Every other header is kept byte for byte, whatever bytes it holds.

    >>> redact_headers({"Authorization": "Bearer pat-na1-x", "X-A": "1"})["authorization"]
    '[redacted]'
    """
    return _rebuilt(headers, lambda value: value)


def _raw(text: object) -> bytes:
    """A header name or value as bytes: bytes as they are, text as UTF-8 (what cannot be encoded replaced)."""
    if isinstance(text, bytes):
        return text
    return str(text).encode("utf-8", "replace")


def _rebuilt(headers: httpx.Headers | Mapping[str, str] | None, value_of: Callable[[bytes], bytes]) -> httpx.Headers:
    """A copy of ``headers`` built from raw bytes: credential headers redacted, every other value through
    ``value_of``. Never raises: malformed input must not turn error reporting into a second error."""
    if headers is None:
        return httpx.Headers()
    try:
        items: Iterable[tuple[object, object]] = (
            headers.raw if isinstance(headers, httpx.Headers) else list(headers.items())
        )
        pairs = [(_raw(name), _raw(value)) for name, value in items]
        return httpx.Headers(
            [
                (name, _REDACTED_BYTES if name.strip().lower() in _SENSITIVE_HEADERS else value_of(value))
                for name, value in pairs
            ]
        )
    except Exception:
        return httpx.Headers()


def url_secrets(url: httpx.URL | str) -> list[str]:
    """The secrets in a URL's userinfo: the password, a token-like user name, and their raw (%-encoded) forms."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return []
    found: list[str] = []
    raw_user, _, raw_password = parsed.userinfo.decode("ascii", "replace").partition(":")
    if parsed.password:
        found += [parsed.password, raw_password]
    if len(parsed.username) >= _MIN_USERNAME_SECRET:
        found += [parsed.username, raw_user]
    return [secret for secret in found if secret]


def mask_url(url: str) -> str:
    """``url`` with its userinfo password (and a token-like user) replaced, for reprs and messages."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        return url
    if not parsed.userinfo:
        return url
    raw_user = parsed.userinfo.decode("ascii", "replace").partition(":")[0]
    user = raw_user if len(parsed.username) < _MIN_USERNAME_SECRET else REDACTED
    shown = f"{user}:{REDACTED}" if parsed.password else user
    # Rebuilt as text: httpx would percent-encode the brackets of the placeholder.
    return str(parsed.copy_with(userinfo=b"")).replace("://", f"://{shown}@", 1)


def _replaced(value: bytes, encoded: list[bytes]) -> bytes:
    """``value`` with every secret (UTF-8 bytes, longest first) replaced by ``[redacted]``."""
    for secret in encoded:
        if secret in value:
            value = value.replace(secret, _REDACTED_BYTES)
    return value


class _Secrets(NamedTuple):
    """One scrub's secrets, longest first: as text (messages, fields) and as UTF-8 bytes (headers, bodies)."""

    text: list[str]
    encoded: list[bytes]


def _bearer(headers: httpx.Headers) -> str | None:
    value: str | None = headers.get("authorization")
    if not value:
        return None
    scheme, _, credential = value.partition(" ")
    return credential.strip() or scheme.strip()


class Scrubber:
    """Removes one client's secrets from text, headers and errors.

    ``sources`` returns the current secrets (called on each use, so rotated tokens are covered).
    """

    __slots__ = ("_last", "_sources")

    def __init__(self, sources: Callable[[], Iterable[str | None]]) -> None:
        self._sources = sources
        # The last answer of secrets(): (what the sources gave, sorted, encoded). Tokens rarely change, and every
        # successful call scrubs its answer, so the sorting and encoding are done once per set of secrets.
        self._last: tuple[tuple[str | None, ...], list[str], list[bytes]] = ((), [], [])

    def _known(self, *extra: str | None) -> tuple[list[str], list[bytes]]:
        """The secrets to remove, longest first, as text and as UTF-8 bytes."""
        given = (*self._sources(), *extra)
        last = self._last  # one read: another thread may replace it meanwhile, never half of it
        if given != last[0]:
            ordered = sorted({secret for secret in given if secret}, key=len, reverse=True)
            last = self._last = (given, ordered, [secret.encode("utf-8", "replace") for secret in ordered])
        return last[1], last[2]

    def secrets(self, *extra: str | None) -> list[str]:
        """The secrets to remove, longest first (so a secret containing another is removed whole)."""
        return list(self._known(*extra)[0])

    def text(self, text: str, secrets: list[str] | None = None) -> str:
        """``text`` with every secret replaced by ``[redacted]``."""
        for secret in self.secrets() if secrets is None else secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def headers(self, headers: httpx.Headers, secrets: list[str] | None = None) -> httpx.Headers:
        """A copy of ``headers``: credential headers redacted, every other value scrubbed (as bytes, any bytes)."""
        encoded = self._known()[1] if secrets is None else [secret.encode("utf-8", "replace") for secret in secrets]
        return self._headers(headers, encoded)

    @staticmethod
    def _headers(headers: httpx.Headers, encoded: list[bytes]) -> httpx.Headers:
        return _rebuilt(headers, lambda value: _replaced(value, encoded))

    def answer(self, response: httpx.Response, request: httpx.Request | None) -> None:
        """Scrub a successful answer's headers in place (its correlation id reaches raw responses, CLI output,
        journals and reports); ``request``'s bearer value counts as a secret, as in :meth:`error` (``None``: the
        client's auth is a static token, already among the secrets)."""
        known, encoded = self._known(None if request is None else _bearer(request.headers))
        if not known:
            return
        # Runs on every successful call, and the usual answer echoes nothing: look before rebuilding the headers.
        headers = response.headers
        text = b"\n".join(chain.from_iterable(headers.raw))
        lowered = text.lower()  # a credential header's name (or, harmlessly, a value naming one) means: rebuild
        if any(secret in text for secret in encoded) or any(name in lowered for name in _SENSITIVE_PARTS):
            response.headers = self._headers(headers, encoded)

    def error(self, error: BaseException, request: httpx.Request | None = None) -> None:
        """Scrub ``error`` in place: its message, fields, headers, body, response and request, and its chain.

        The bearer value ``request`` carried counts as a secret too (it covers any :class:`httpx.Auth`).
        """
        extra = _bearer(request.headers) if request is not None else None
        known, encoded = self._known(extra)
        if known:
            self._error(error, _Secrets(known, encoded), set(), 0)

    def _error(self, error: BaseException, known: _Secrets, seen: set[int], depth: int) -> None:
        if id(error) in seen or depth > _MAX_DEPTH:
            return
        seen.add(id(error))
        error.args = tuple(self._value(arg, known, depth) for arg in error.args)
        state = getattr(error, "__dict__", None)
        if isinstance(state, dict):
            for name, value in list(state.items()):
                if isinstance(value, BaseException):
                    self._error(value, known, seen, depth + 1)
                elif name == "response" and isinstance(value, httpx.Response):
                    self._response(value, known)
                elif name == "request" and isinstance(value, httpx.Request):
                    self._request(value, known)
                else:
                    state[name] = self._value(value, known, depth)
        for linked in (error.__cause__, error.__context__):
            if linked is not None:
                self._error(linked, known, seen, depth + 1)

    def _value(self, value: Any, known: _Secrets, depth: int) -> Any:
        if depth > _MAX_DEPTH:
            return value
        if isinstance(value, str):
            return self.text(value, known.text)
        if isinstance(value, bytes):
            return _replaced(value, known.encoded)
        if isinstance(value, httpx.Headers):
            return self._headers(value, known.encoded)
        if isinstance(value, dict):
            return {
                self._value(key, known, depth + 1): self._value(item, known, depth + 1) for key, item in value.items()
            }
        if isinstance(value, list):
            return [self._value(item, known, depth + 1) for item in value]
        if isinstance(value, tuple):
            return tuple(self._value(item, known, depth + 1) for item in value)
        return value

    def _request(self, request: httpx.Request, known: _Secrets) -> None:
        # The call is over: its request is only kept for inspection, so its credentials can go.
        request.headers = self._headers(request.headers, known.encoded)
        if request.url.userinfo:
            request.url = request.url.copy_with(userinfo=b"")

    def _response(self, response: httpx.Response, known: _Secrets) -> None:
        response.headers = self._headers(response.headers, known.encoded)
        content = getattr(response, "_content", None)
        if isinstance(content, bytes):
            response._content = self._value(content, known, 0)
        try:
            request = response.request
        except RuntimeError:  # built without a request
            return
        self._request(request, known)
