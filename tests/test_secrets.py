"""No secret the client holds reaches an error, a log line, a repr or the CLI's output, even when a server echoes it.

The echo server (a real socket on 127.0.0.1 port 0) puts the bearer value it received into the error message, the
``X-HubSpot-Correlation-Id`` header, another header and the body; its token endpoint echoes the client secret.
"""

from __future__ import annotations

import csv
import json
import logging
import threading
import traceback
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from typer.testing import CliRunner

from hubspot_associations import (
    APIStatusError,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    HubSpotError,
    OAuthRefresh,
    OAuthRefreshError,
)
from hubspot_associations.cli import app
from tests.test_generated import DEFAULT_BODY as SUCCESS  # the default association's answer

TOKEN = "pat-na1-ECHOED-0000-1111-2222-333333333333"
CLIENT_SECRET = "client-secret-ECHOED-abcdef"
REFRESH_TOKEN = "refresh-token-ECHOED-ghijkl"
ACCESS_TOKEN = "oauth-access-ECHOED-mnopqr-0123"
PASSWORD = "url-password-ECHOED-xyz"
SECRETS = (TOKEN, CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN, PASSWORD)
GOOD = ("contacts", "101", "companies", "202")


class _Echo(BaseHTTPRequestHandler):
    refuse_refresh = False
    succeed = False  # answer PUTs with a 200 (the echo then only in the headers)

    def log_message(self, format: str, *args: Any) -> None:  # keep pytest output clean
        pass

    def _reply(self, status: int, body: dict[str, Any], echoed: str) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-HubSpot-Correlation-Id", f"cid-{echoed}")
        self.send_header("X-Echo", echoed)
        self.send_header("Retry-After", echoed[:20])
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # the token endpoint
        form = parse_qs(self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode())
        secret = form.get("client_secret", [""])[0]
        if self.refuse_refresh:
            body = {"status": "BAD_REFRESH_TOKEN", "message": f"bad {secret} {form.get('refresh_token')}"}
            self._reply(400, body, secret)
        else:
            self._reply(200, {"access_token": ACCESS_TOKEN, "expires_in": 1800, "refresh_token": REFRESH_TOKEN}, "")

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        bearer = self.headers.get("Authorization", "").removeprefix("Bearer ")
        if self.succeed:
            self._reply(200, SUCCESS, bearer)
            return
        body = {
            "status": "error",
            "category": "VALIDATION_ERROR",
            "message": f"token {bearer} is not allowed",
            "correlationId": f"cid-{bearer}",
            "context": {"token": [bearer]},
            "errors": [{"message": f"echo {bearer}", "context": {"t": [bearer]}}],
        }
        self._reply(400, body, bearer)


@pytest.fixture
def echo() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    _Echo.refuse_refresh = False
    _Echo.succeed = False


def userinfo(url: str) -> str:
    return url.replace("http://", f"http://someone:{PASSWORD}@")


def everything_shown(error: BaseException) -> str:
    """Every place an error shows itself: str, repr, traceback, headers, response and request, last_error too."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    for item in (error, getattr(error, "last_error", None)):
        for name in ("headers", "body", "json_body", "context", "errors", "correlation_id", "message"):
            parts.append(repr(getattr(item, name, None)))
        response = getattr(item, "response", None)
        if isinstance(response, httpx.Response):
            parts += [repr(response.headers.multi_items()), response.text, str(response.request.url)]
            parts.append(repr(response.request.headers.multi_items()))
        request = getattr(item, "request", None)
        if isinstance(request, httpx.Request):
            parts += [repr(request.headers.multi_items()), str(request.url)]
    return "\n".join(parts)


def assert_clean(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaked"


def oauth(token_url: str) -> OAuthRefresh:
    return OAuthRefresh("client-id", CLIENT_SECRET, REFRESH_TOKEN, token_url=token_url)


@pytest.fixture
def debug_log(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    with caplog.at_level(logging.DEBUG, logger="hubspot_associations"):
        yield caplog


@pytest.mark.parametrize("kind", ["static", "oauth"])
def test_echoed_token_is_scrubbed_everywhere_sync(echo: str, kind: str, debug_log: pytest.LogCaptureFixture) -> None:
    auth: Any = {"access_token": TOKEN} if kind == "static" else {"auth": oauth(echo + "/oauth/v1/token")}
    with HubSpotAssociations(base_url=userinfo(echo), max_retries=0, **auth) as client:
        assert_clean(repr(client))
        with pytest.raises(APIStatusError) as caught:
            client.associate(*GOOD, 279)
    error = caught.value
    assert error.status_code == 400 and "[redacted]" in str(error)
    assert error.correlation_id == "cid-[redacted]"
    assert_clean(everything_shown(error))
    assert_clean(debug_log.text)
    assert "correlation_id=cid-[redacted]" in debug_log.text


@pytest.mark.parametrize("kind", ["static", "oauth"])
async def test_echoed_token_is_scrubbed_everywhere_async(
    echo: str, kind: str, debug_log: pytest.LogCaptureFixture
) -> None:
    auth: Any = {"access_token": TOKEN} if kind == "static" else {"auth": oauth(echo + "/oauth/v1/token")}
    async with AsyncHubSpotAssociations(base_url=userinfo(echo), max_retries=0, **auth) as client:
        assert_clean(repr(client))
        with pytest.raises(APIStatusError) as caught:
            await client.associate(*GOOD, 279)
    assert_clean(everything_shown(caught.value))
    assert_clean(debug_log.text)


def test_retried_then_timed_out_error_is_scrubbed_with_its_last_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        bearer = request.headers["Authorization"]
        return httpx.Response(503, headers={"X-HubSpot-Correlation-Id": bearer}, json={"message": bearer})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(TOKEN, http_client=http, timeout=0.6) as client, pytest.raises(HubSpotError) as caught:
        client.associate(*GOOD, 279)
    assert_clean(everything_shown(caught.value))


def test_refused_refresh_echoing_the_client_secret_is_scrubbed(echo: str) -> None:
    _Echo.refuse_refresh = True
    client = HubSpotAssociations(auth=oauth(echo + "/oauth/v1/token"), base_url=echo, max_retries=0)
    with client, pytest.raises(OAuthRefreshError) as caught:
        client.associate(*GOOD, 279)
    assert_clean(everything_shown(caught.value))


def test_repr_masks_url_userinfo_and_tokens() -> None:
    client = HubSpotAssociations(TOKEN, base_url=f"https://someone:{PASSWORD}@proxy.example")
    shown = repr(client)
    assert_clean(shown)
    assert "someone:[redacted]@proxy.example" in shown


class _ForeignAuth(httpx.Auth):
    """An auth of the user's own: no ``secrets()``, only the header it sets."""

    def auth_flow(self, request: httpx.Request) -> Any:
        request.headers["Authorization"] = f"Bearer {ACCESS_TOKEN}"
        yield request


def test_foreign_auth_bearer_value_is_scrubbed_too() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": request.headers["Authorization"]})

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=_ForeignAuth(), http_client=http) as client, pytest.raises(APIStatusError) as caught:
        client.associate(*GOOD, 279)
    assert_clean(everything_shown(caught.value))


def test_foreign_auth_bearer_value_echoed_in_a_successful_answer_is_scrubbed() -> None:
    # A static BearerToken's header is its own secret; any other auth's request header counts as one too.
    def handler(request: httpx.Request) -> httpx.Response:
        echoed = {"X-HubSpot-Correlation-Id": "cid-" + request.headers["Authorization"][7:]}
        return httpx.Response(200, json=SUCCESS, headers=echoed)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=_ForeignAuth(), http_client=http) as client:
        raw = client.with_raw_response.associate_default(*GOOD)
    assert raw.correlation_id == "cid-[redacted]"
    assert_clean(repr(raw.http_response.headers.multi_items()))


# -- the CLI ------------------------------------------------------------------------------------------------------


def test_cli_associate_stderr_and_json_are_scrubbed(echo: str) -> None:
    runner = CliRunner()
    args = ["associate", *GOOD, "--base-url", echo, "--token", TOKEN, "--max-retries", "0"]
    plain = runner.invoke(app, args, catch_exceptions=False)
    assert plain.exit_code == 1 and "[redacted]" in plain.stderr
    assert_clean(plain.output + plain.stderr)
    as_json = runner.invoke(app, [*args, "--json"], catch_exceptions=False)
    assert as_json.exit_code == 1
    assert_clean(as_json.output + as_json.stderr)
    assert json.loads(as_json.stdout)["error"]["correlation_id"] == "cid-[redacted]"


def test_cli_bulk_output_report_and_journal_are_scrubbed(echo: str, tmp_path: Path) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("from_type,from_id,to_type,to_id\ncontacts,1,companies,2\ncontacts,3,companies,4\n")
    args = ["bulk", str(rows), "--base-url", echo, "--token", TOKEN, "--max-retries", "0", "--json"]
    result = CliRunner().invoke(app, args, catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert_clean(result.output + result.stderr)
    report = tmp_path / "rows.failures.csv"
    with report.open(newline="") as handle:
        lines = list(csv.DictReader(handle))
    assert len(lines) == 2 and all(line["correlation_id"] == "cid-[redacted]" for line in lines)
    written = [path.read_text() for path in tmp_path.iterdir() if path != rows]
    assert written and all(TOKEN not in text for text in written)


# -- a successful answer that echoes the token: its correlation id reaches raw responses, CLI output and reports --


@pytest.mark.parametrize("kind", ["static", "oauth"])
def test_echo_in_a_successful_answer_is_scrubbed_sync(echo: str, kind: str) -> None:
    _Echo.succeed = True
    auth: Any = {"access_token": TOKEN} if kind == "static" else {"auth": oauth(echo + "/oauth/v1/token")}
    with HubSpotAssociations(base_url=echo, max_retries=0, **auth) as client:
        raw = client.with_raw_response.associate_default(*GOOD)
    assert raw.correlation_id == "cid-[redacted]"
    assert_clean(repr(raw.headers.multi_items()) + repr(raw.http_response.headers.multi_items()))
    assert raw.headers["X-Echo"] == "[redacted]" and raw.parsed.results[0].to.id == "202"


async def test_echo_in_a_successful_answer_is_scrubbed_async(echo: str) -> None:
    _Echo.succeed = True
    async with AsyncHubSpotAssociations(TOKEN, base_url=echo, max_retries=0) as client:
        raw = await client.with_raw_response.associate_default(*GOOD)
    assert raw.correlation_id == "cid-[redacted]"
    assert_clean(repr(raw.headers.multi_items()))


def test_cli_success_output_report_and_journal_are_scrubbed(echo: str, tmp_path: Path) -> None:
    _Echo.succeed = True
    runner = CliRunner()
    args = ["associate", *GOOD, "--base-url", echo, "--token", TOKEN, "--max-retries", "0"]
    for extra in ([], ["--json"]):
        result = runner.invoke(app, [*args, *extra], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        assert "cid-[redacted]" in result.stdout
        assert_clean(result.output + result.stderr)
    rows = tmp_path / "rows.csv"
    rows.write_text("from_type,from_id,to_type,to_id\ncontacts,101,companies,202\n")
    bulk = ["bulk", str(rows), "--base-url", echo, "--token", TOKEN, "--max-retries", "0", "--json"]
    result = runner.invoke(app, bulk, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert_clean(result.output + result.stderr)
    written = [path.read_text() for path in tmp_path.iterdir() if path != rows]
    assert written and all(TOKEN not in text for text in written)
