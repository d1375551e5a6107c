"""Two pieces of httpx's per-request work a HubSpot client does not need, removed (docs/performance.md):

* :func:`own_pool` builds the pool a client makes for itself (no ``http_client`` passed): it asks only for the
  encodings ``BodyReader`` decodes within its cap, and it **keeps no cookies**. httpx runs every response through
  ``http.cookiejar`` so it can send ``Set-Cookie`` values back (~24 µs per response, about half of what the SDK's
  own work costs per call); HubSpot's API authenticates every request by its token, and HubSpot's official client
  (urllib3) keeps no cookies either. A pool passed in as ``http_client`` keeps its own cookie behaviour.
* :class:`UrlBuilder` makes each request's :class:`httpx.URL` from the base URL parsed once, instead of parsing
  ``base_url + path`` again on every call (~13 µs, httpx's URL parser). It uses httpx's parsed form
  (``URL._uri_reference``, a ``ParseResult``), so it checks itself against the parser when it is built, and only
  takes paths made of characters that need no encoding; anything else is parsed as before.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from ._bounds import ACCEPT_ENCODING

__all__ = ["UrlBuilder", "own_pool"]

# Segments of unreserved characters but ".", and percent-escapes (RFC 3986 §2): the parser leaves such a path as it
# is (no "." means no dot-segments for it to remove), so building it unparsed gives the same URL.
_PLAIN_PATH = re.compile(r"(?:/(?:[A-Za-z0-9_~-]|%[0-9A-Fa-f]{2})*)*")


class _NoCookies(httpx.Cookies):
    """A cookie jar that keeps nothing the server sets (what :func:`own_pool` installs)."""

    def extract_cookies(self, response: httpx.Response) -> None:
        return None


class _Cookieless:
    """Mixin: the client's ``cookies`` is always an empty :class:`_NoCookies` (httpx's setter included)."""

    _no_cookies: httpx.Cookies

    def __init__(self, **kwargs: Any) -> None:
        self._no_cookies = _NoCookies()  # before httpx's __init__, in case a version of it reads self.cookies
        super().__init__(**kwargs)

    @property
    def cookies(self) -> httpx.Cookies:
        return self._no_cookies

    @cookies.setter
    def cookies(self, value: Any) -> None:
        self._no_cookies = _NoCookies()


class _OwnClient(_Cookieless, httpx.Client):
    pass


class _OwnAsyncClient(_Cookieless, httpx.AsyncClient):
    pass


def own_pool(http_class: type[httpx.Client] | type[httpx.AsyncClient], timeout: httpx.Timeout) -> Any:
    """The pool a client builds for itself: an ``http_class`` that keeps no cookies and asks for
    ``ACCEPT_ENCODING`` by default (a pool passed in gets that header per request instead)."""
    pool_class = _OwnClient if issubclass(http_class, httpx.Client) else _OwnAsyncClient
    return pool_class(timeout=timeout, headers={"Accept-Encoding": ACCEPT_ENCODING})


class UrlBuilder:
    """``base_url`` + a path as an :class:`httpx.URL`, without parsing the base again for each request."""

    __slots__ = ("_base", "_prefix", "base_url")

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self._base: Any = None
        self._prefix = ""
        try:
            parsed = httpx.URL(base_url)._uri_reference
            if parsed.query is None and parsed.fragment is None:
                self._base, self._prefix = parsed, parsed.path.rstrip("/")
                probe = "/crm/v4/objects/0-1/1/associations/default/0-2/2"
                built = self.url(probe)
                if built != httpx.URL(base_url + probe) or str(built) != base_url + probe:
                    self._base = None
        except Exception:  # another httpx's internals: parse every URL, as httpx users do
            self._base = None

    def url(self, path: str) -> httpx.URL | str:
        """The URL of ``path`` (which starts with ``/``): built from the parsed base when it can be, else a string."""
        base = self._base
        if base is None or _PLAIN_PATH.fullmatch(path) is None:
            return self.base_url + path
        url = httpx.URL.__new__(httpx.URL)
        url._uri_reference = base._replace(path=self._prefix + path)
        return url
