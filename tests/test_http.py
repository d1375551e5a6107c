"""The two pieces of httpx's per-request work the client removes (``_http.py``, docs/performance.md).

* The pool a client builds for itself keeps no cookies: a ``Set-Cookie`` is never sent back (over a real socket,
  sync and async). A pool passed in as ``http_client`` keeps httpx's cookie handling.
* Request URLs built from the parsed base are the URLs httpx's parser makes of ``base_url + path``, for any base
  and any path (Hypothesis), and the builder falls back to parsing when httpx's internals are not what it expects.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations
from hubspot_associations._http import UrlBuilder
from tests.support import DEFAULT_BODY

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
GOOD = ("contacts", "101", "companies", "202")


class _CookieServer(ThreadingHTTPServer):
    daemon_threads = True
    cookies_seen: list[str | None]


class _Handler(BaseHTTPRequestHandler):
    server: _CookieServer

    def do_PUT(self) -> None:
        self.server.cookies_seen.append(self.headers.get("Cookie"))
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = json.dumps(DEFAULT_BODY).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Set-Cookie", "__cf_bm=edge-cookie; Path=/; HttpOnly")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return None


@pytest.fixture
def cookie_server() -> Iterator[_CookieServer]:
    server = _CookieServer(("127.0.0.1", 0), _Handler)
    server.cookies_seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def _base(server: _CookieServer) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}"


def test_own_pool_never_sends_a_cookie_back(cookie_server: _CookieServer) -> None:
    with HubSpotAssociations(TOKEN, base_url=_base(cookie_server), max_retries=0) as client:
        for _ in range(3):
            client.associate_default(*GOOD)
        assert len(client._http.cookies) == 0
    assert cookie_server.cookies_seen == [None, None, None]


@pytest.mark.anyio
async def test_own_async_pool_never_sends_a_cookie_back(cookie_server: _CookieServer) -> None:
    async with AsyncHubSpotAssociations(TOKEN, base_url=_base(cookie_server), max_retries=0) as client:
        for _ in range(3):
            await client.associate_default(*GOOD)
        assert len(client._http.cookies) == 0
    assert cookie_server.cookies_seen == [None, None, None]


def test_a_passed_in_pool_keeps_httpx_cookie_handling(cookie_server: _CookieServer) -> None:
    with httpx.Client() as http, HubSpotAssociations(TOKEN, base_url=_base(cookie_server), http_client=http) as client:
        client.associate_default(*GOOD)
        client.associate_default(*GOOD)
    assert cookie_server.cookies_seen == [None, "__cf_bm=edge-cookie"]


# -- URLs ------------------------------------------------------------------------------------------------------

_HOSTS = st.sampled_from(
    ["api.hubapi.com", "127.0.0.1", "[::1]", "localhost", "xn--bcher-kva.example", "Api.HubApi.COM"]
)
_PORTS = st.sampled_from(["", ":80", ":443", ":8080", ":65535"])
_USERINFO = st.sampled_from(["", "user@", "user:pass@", "a%20b:c%2Fd@"])
_SEGMENT = st.one_of(
    st.sampled_from([".", "..", "%2e", "%2E%2e", "", "a%20b", "%zz"]),  # dot-segments and escapes, good and bad
    st.text(st.sampled_from("abcXYZ019-_~.%/ éü?#[]@!$&'()*+,;="), max_size=12),
)
_PREFIX = st.lists(_SEGMENT, max_size=3).map(lambda parts: "".join("/" + part for part in parts))
_PATHS = st.one_of(
    st.lists(st.from_regex(r"[A-Za-z0-9_~-]{0,12}", fullmatch=True), max_size=8).map(
        lambda parts: "".join("/" + part for part in parts)
    ),
    _PREFIX,
)


def _parsed_or_none(text: str) -> httpx.URL | None:
    try:
        return httpx.URL(text)
    except httpx.InvalidURL:
        return None


@given(st.sampled_from(["http", "https"]), _USERINFO, _HOSTS, _PORTS, _PREFIX, _PATHS)
def test_built_urls_are_the_urls_httpx_parses(
    scheme: str, userinfo: str, host: str, port: str, prefix: str, path: str
) -> None:
    base = f"{scheme}://{userinfo}{host}{port}{prefix}".rstrip("/")
    if _parsed_or_none(base) is None:
        return  # not a base URL the client accepts (base_url_of refuses it before any builder exists)
    expected = _parsed_or_none(base + path)
    built = UrlBuilder(base).url(path)
    if expected is None:
        assert isinstance(built, str)  # left to httpx, which refuses it as it always did
        return
    assert httpx.URL(built) == expected
    assert str(httpx.URL(built)) == str(expected)
    assert httpx.URL(built).raw_path == expected.raw_path


def test_the_usual_path_is_built_without_parsing() -> None:
    built = UrlBuilder("https://api.hubapi.com").url("/crm/v4/objects/contacts/101/associations/default/companies/2")
    assert isinstance(built, httpx.URL)
    assert str(built) == "https://api.hubapi.com/crm/v4/objects/contacts/101/associations/default/companies/2"


@pytest.mark.parametrize(
    "path",
    [
        "/" + "a" * 200_000 + "!",  # a run the pattern takes, then refuses at its last character
        "/" + "%4" * 100_000,  # escapes cut short, over and over
        "/" * 100_000 + ".",  # empty segments, then a dot
        "/a%" + "%" * 100_000,
    ],
)
def test_hostile_paths_are_refused_in_one_pass_and_parsed_instead(path: str) -> None:
    # The pattern cannot backtrack badly (each segment starts with "/", which no segment contains), so a 200 KB path
    # fails the fast check in linear time and goes to httpx's parser, whatever it holds.
    assert UrlBuilder("https://api.hubapi.com").url(path) == "https://api.hubapi.com" + path


def test_a_base_with_a_query_is_parsed_every_time() -> None:
    assert UrlBuilder("https://api.hubapi.com/?hapikey=x").url("/a") == "https://api.hubapi.com/?hapikey=x/a"


def test_other_httpx_internals_mean_parsing_every_time(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed_type = type(httpx.URL("https://api.hubapi.com")._uri_reference)
    monkeypatch.setattr(parsed_type, "_replace", lambda self, **changes: self)  # a parser that built another URL
    builder = UrlBuilder("https://api.hubapi.com")
    assert builder.url("/crm/v4/objects/0-1/1") == "https://api.hubapi.com/crm/v4/objects/0-1/1"


def test_a_reassigned_base_url_is_followed() -> None:
    from tests.support import Server

    server = Server(httpx.Response(200, json=DEFAULT_BODY))
    with HubSpotAssociations(TOKEN, base_url="https://api.hubapi.com", http_client=server.http()) as client:
        client.associate_default(*GOOD)
        client.base_url = "https://eu1.api.hubapi.com/proxy"
        client.associate_default(*GOOD)
    assert [str(request.url) for request in server.requests] == [
        "https://api.hubapi.com/crm/v4/objects/contacts/101/associations/default/companies/202",
        "https://eu1.api.hubapi.com/proxy/crm/v4/objects/contacts/101/associations/default/companies/202",
    ]
