"""Response headers may hold any bytes (latin-1, UTF-8, invalid UTF-8, controls): every copy the SDK makes of them
(the scrubber, the redacted copy an error keeps, pickling) keeps them byte for byte and never raises.

Two ways in: a raw HTTP/1.1 answer over a real socket (what h11 lets through: any byte from 0x80 up), and
:class:`httpx.MockTransport` answers built from bytes (controls too, as a custom transport or proxy may hand over).
The property test of every kind of hostile answer is in ``tests/test_properties.py``.
"""

from __future__ import annotations

import logging
import pickle
import socket
from collections.abc import Callable

import httpx
import pytest

from hubspot_associations import (
    AsyncHubSpotAssociations,
    BadRequestError,
    HubSpotAssociations,
    RateLimitError,
)
from hubspot_associations._secrets import redact_headers
from tests.support import FakeClock, clock_seams, raw_server

TOKEN = "pat-na1-00000000-1111-2222-3333-444444444444"
PAIR = ("contacts", "101", "companies", "202")
VALUES = {
    "utf-8": "٣".encode(),  # ARABIC-INDIC DIGIT THREE: the example
    "latin-1": "été".encode("latin-1"),
    "invalid utf-8": b"\xff\xfe\xc3",
    "echoed token": f"Bearer {TOKEN} é".encode(),
}
CONTROLS = {**VALUES, "controls": b"a\x00b\x01c\x1b[31m", "newline": b"x\r\ny: z"}
BODY = b'{"status":"error","message":"One or more associations are invalid","category":"VALIDATION_ERROR"}'


OTHER = b"X-Other-\xe9"  # a header name h11 would refuse on the wire; a transport may still hand it over


def _answer(value: bytes, other: bytes = OTHER) -> list[tuple[bytes, bytes]]:
    return [
        (b"Content-Type", b"application/json"),
        (b"X-HubSpot-RateLimit-Daily-Remaining", value),
        (b"X-HubSpot-Correlation-Id", b"cid-" + value),
        (other, value),
    ]


def _check(error: BadRequestError | RateLimitError, value: bytes) -> None:
    raw = dict(error.headers.raw)
    scrubbed = value.replace(TOKEN.encode(), b"[redacted]")
    assert raw[b"X-HubSpot-RateLimit-Daily-Remaining"] == scrubbed  # kept byte for byte, the token removed
    assert TOKEN not in str(error) and TOKEN not in repr(error)
    assert error.correlation_id is not None and error.correlation_id.startswith("cid-")
    copy = pickle.loads(pickle.dumps(error))
    assert copy.headers.raw == error.headers.raw


def _send_after_the_request(answer: bytes) -> Callable[[socket.socket], None]:
    def send(connection: socket.socket) -> None:
        received = b""
        while b"\r\n\r\n" not in received:
            chunk = connection.recv(65536)
            if not chunk:
                return
            received += chunk
        connection.sendall(answer)

    return send


@pytest.mark.parametrize("value", list(VALUES.values()), ids=list(VALUES))
def test_any_header_bytes_over_a_real_socket(value: bytes) -> None:
    head = b"".join(name + b": " + item + b"\r\n" for name, item in _answer(value, b"X-Other"))
    answer = b"HTTP/1.1 400 Bad Request\r\n" + head + b"Content-Length: %d\r\n\r\n" % len(BODY) + BODY
    with (
        raw_server(_send_after_the_request(answer)) as base_url,
        HubSpotAssociations(TOKEN, base_url=base_url, max_retries=0, **clock_seams(FakeClock())) as client,
        pytest.raises(BadRequestError) as caught,
    ):
        client.associate_default(*PAIR)
    _check(caught.value, value)


def _mock(status: int, value: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(status, headers=_answer(value), content=BODY))


@pytest.mark.parametrize("value", list(CONTROLS.values()), ids=list(CONTROLS))
def test_any_header_bytes_in_an_error_sync(value: bytes) -> None:
    clock = FakeClock()
    http = httpx.Client(transport=_mock(429, value))
    with (
        HubSpotAssociations(TOKEN, http_client=http, max_retries=1, **clock_seams(clock)) as client,
        pytest.raises(RateLimitError) as caught,
    ):
        client.associate_default(*PAIR)
    _check(caught.value, value)
    assert caught.value.attempts == 2  # the retry read the same headers


@pytest.mark.parametrize("value", list(CONTROLS.values()), ids=list(CONTROLS))
async def test_any_header_bytes_in_an_error_async(value: bytes) -> None:
    http = httpx.AsyncClient(transport=_mock(400, value))
    async with AsyncHubSpotAssociations(
        TOKEN, http_client=http, max_retries=0, **clock_seams(FakeClock(), asynchronous=True)
    ) as client:
        with pytest.raises(BadRequestError) as caught:
            await client.associate_default(*PAIR)
    _check(caught.value, value)


@pytest.mark.parametrize("value", list(CONTROLS.values()), ids=list(CONTROLS))
def test_a_successful_answer_echoing_the_token_is_scrubbed_byte_for_byte(value: bytes) -> None:
    body = b'{"fromObjectTypeId":"0-1","fromObjectId":101,"toObjectTypeId":"0-2","toObjectId":202,"labels":[]}'
    transport = httpx.MockTransport(lambda request: httpx.Response(201, headers=_answer(value), content=body))
    with HubSpotAssociations(
        TOKEN, http_client=httpx.Client(transport=transport), **clock_seams(FakeClock())
    ) as client:
        raw = client.with_raw_response.associate(*PAIR, 279)
    assert dict(raw.headers.raw)[OTHER] == value.replace(TOKEN.encode(), b"[redacted]")


def test_redacted_copies_of_any_headers() -> None:
    headers = httpx.Headers([(b"Authorization", b"Bearer \xff"), (b"X-A", b"\xd9\xa3"), (b"Set-Cookie", b"\x00")])
    assert redact_headers(headers).raw == [
        (b"Authorization", b"[redacted]"),
        (b"X-A", b"\xd9\xa3"),
        (b"Set-Cookie", b"[redacted]"),
    ]
    # A plain mapping of text (any characters) is kept as UTF-8, not dropped.
    assert redact_headers({"X-B": "٣", "Cookie": "é"}).raw == [(b"X-B", "٣".encode()), (b"Cookie", b"[redacted]")]


def test_log_lines_show_control_bytes_escaped(caplog: pytest.LogCaptureFixture) -> None:
    value = CONTROLS["newline"] + b"\x1b[31m"
    http = httpx.Client(transport=_mock(429, value))
    with (
        caplog.at_level(logging.DEBUG, logger="hubspot_associations"),
        HubSpotAssociations(TOKEN, http_client=http, max_retries=1, **clock_seams(FakeClock())) as client,
        pytest.raises(RateLimitError),
    ):
        client.associate_default(*PAIR)
    lines = [record.getMessage() for record in caplog.records]
    assert len(lines) == 3 and any("correlation_id=cid-x\\x0d\\x0ay: z\\x1b[31m" in line for line in lines)
    assert not any(char in line for line in lines for char in "\r\n\x1b")
