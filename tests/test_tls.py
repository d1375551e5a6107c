"""A TLS certificate that fails verification ends the call at once, with a clear typed error; genuine connection
faults (refused, reset) keep being retried.

The server is real: 127.0.0.1 with a certificate from a throwaway CA (``trustme``) that the client does not trust,
so the failure comes out of the ``ssl`` module on each network backend (sync, asyncio, trio) as it would from a
TLS-intercepting proxy. Every wait goes through a fake clock: nothing sleeps for real.
"""

from __future__ import annotations

import json
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import nullcontext
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import trustme

from hubspot_associations import (
    APIConnectionError,
    AsyncHubSpotAssociations,
    CertificateVerificationError,
    HubSpotAssociations,
    run_wide_failure,
)
from tests.support import DEFAULT_BODY, FakeClock, clock_seams, raw_server

TOKEN = "pat-na1-00000000-1111-2222-3333-444444444444"
PAIR = ("contacts", "101", "companies", "202")


class _Answer(BaseHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_PUT(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        data = json.dumps(DEFAULT_BODY).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client refusing our certificate breaks the handshake here: that is the point


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture(scope="module")
def tls_server(ca: trustme.CA) -> Iterator[str]:
    """``https://127.0.0.1:<port>``, serving a certificate for 127.0.0.1 signed by ``ca``."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)
    server = _QuietServer(("127.0.0.1", 0), _Answer)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _assert_not_retried(error: CertificateVerificationError, clock: FakeClock) -> None:
    assert error.attempts == 1
    assert clock.waits == []  # no backoff, no pacer wait
    assert error.reason
    assert "127.0.0.1" in str(error) and "failed verification" in str(error) and "Not retried" in str(error)
    assert isinstance(error, APIConnectionError)  # callers catching connection errors still catch it
    assert isinstance(error.__cause__, httpx.ConnectError)
    failure = run_wide_failure(error)
    assert failure is not None and failure.kind == "TLS_CERTIFICATE"  # a bulk run stops instead of failing each row


def test_untrusted_certificate_fails_at_once(tls_server: str) -> None:
    clock = FakeClock()
    with (
        HubSpotAssociations(TOKEN, base_url=tls_server, max_retries=4, **clock_seams(clock)) as client,
        pytest.raises(CertificateVerificationError) as caught,
    ):
        client.associate_default(*PAIR)
    _assert_not_retried(caught.value, clock)


async def test_untrusted_certificate_fails_at_once_async(tls_server: str) -> None:
    clock = FakeClock()
    async with AsyncHubSpotAssociations(
        TOKEN, base_url=tls_server, max_retries=4, **clock_seams(clock, asynchronous=True)
    ) as client:
        with pytest.raises(CertificateVerificationError) as caught:
            await client.associate_default(*PAIR)
    _assert_not_retried(caught.value, clock)


def test_the_same_server_is_fine_once_its_ca_is_trusted(tls_server: str, ca: trustme.CA) -> None:
    # The control: the server answers; only trust was missing.
    context = ssl.create_default_context()
    ca.configure_trust(context)
    with (
        httpx.Client(verify=context) as http,
        HubSpotAssociations(TOKEN, base_url=tls_server, http_client=http, **clock_seams(FakeClock())) as client,
    ):
        assert client.associate_default(*PAIR).status == "COMPLETE"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _reset(connection: socket.socket) -> None:
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")  # linger 0


@pytest.mark.parametrize("fault", ["refused", "reset"])
def test_refused_and_reset_connections_are_still_retried(fault: str) -> None:
    clock = FakeClock()
    with (
        nullcontext(f"http://127.0.0.1:{_free_port()}") if fault == "refused" else raw_server(_reset) as base_url,
        HubSpotAssociations(TOKEN, base_url=base_url, max_retries=2, **clock_seams(clock)) as client,
        pytest.raises(APIConnectionError) as caught,
    ):
        client.associate_default(*PAIR)
    assert not isinstance(caught.value, CertificateVerificationError)
    assert caught.value.attempts == 3
    assert len(clock.waits) == 2  # two backoffs, on the fake clock
    assert run_wide_failure(caught.value) is None
