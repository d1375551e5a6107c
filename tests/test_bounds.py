"""A hostile server costs a call its budget, never more: deadline, body cap and clamped headers, sync and async.

Servers are either ``httpx.MockTransport`` handlers or real sockets on 127.0.0.1 port 0 (a daemon thread that
stops when the client hangs up). Each test is bounded: budgets of about a second, bodies capped at 1 MiB, and the
memory test runs in a subprocess so its peak RSS is its own.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import textwrap
import threading
import zlib
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from hubspot_associations import (
    APIConnectionError,
    APITimeoutError,
    AsyncHubSpotAssociations,
    HubSpotAssociations,
    RateLimitError,
    ResponseTooLargeError,
    ServerError,
)
from hubspot_associations._constants import MAX_RETRY_DELAY, MAX_WAIT
from tests.support import FakeClock, clock_seams

TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555"
GOOD = ("contacts", "101", "companies", "202")
PAIR: dict[str, Any] = {
    "fromObjectTypeId": "0-1",
    "fromObjectId": 101,
    "toObjectTypeId": "0-2",
    "toObjectId": 202,
    "labels": [],
}


# -- a dripping socket ------------------------------------------------------------------------------------------


class DripServer:
    """Answers every request with a 200 whose body arrives one byte per ``interval`` (never finishing in time).

    :meth:`client_hung_up` says whether the client gave up before the drip ran out (~10 s): the tests' proof that a
    deadline ended the call, as an order of events rather than a wall-clock bound.
    """

    def __init__(self, interval: float, *, status: int = 200, in_headers: bool = False) -> None:
        self.interval = interval
        self.status = status
        self.in_headers = in_headers  # drip the header block itself (the body never starts)
        self.connections = 0
        self.hung_up = 0  # drips the client ended by closing the connection
        self._ended = threading.Event()  # a drip ended (hung up, or ran out)
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._drip, args=(conn,), daemon=True).start()

    def _drip(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2.0)
            try:
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(65536)
                if self.in_headers:
                    conn.sendall(f"HTTP/1.1 {self.status} OK\r\nX-Drip: ".encode())
                else:
                    conn.sendall(f"HTTP/1.1 {self.status} OK\r\nContent-Length: 100000\r\n\r\n".encode())
                for _ in range(int(10 / self.interval)):  # at most ~10 s, then the thread ends whatever happens
                    if self._stop.wait(self.interval):
                        return
                    conn.sendall(b"x")
            except OSError:
                self.hung_up += 1  # the client hung up: that is the point
            finally:
                self._ended.set()

    def client_hung_up(self) -> bool:
        """Wait for a drip to end; True when the client hung up on it (not when the drip ran out)."""
        self._ended.wait(timeout=15)
        return self.hung_up > 0

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(timeout=2)


@pytest.fixture
def drip() -> Iterator[DripServer]:
    server = DripServer(0.05)
    yield server
    server.close()


@pytest.mark.parametrize("pool", ["owned", "passed in"])
def test_drip_ends_at_the_deadline_sync(drip: DripServer, pool: str) -> None:
    # The client's own pool caps every socket read by the deadline; a pool passed in keeps httpx's per-read
    # timeouts, and the deadline is then checked between body chunks.
    http = None if pool == "owned" else httpx.Client()
    client = HubSpotAssociations(TOKEN, base_url=drip.url, timeout=1.0, max_retries=2, http_client=http)
    with client, pytest.raises(APITimeoutError) as caught:
        client.associate(*GOOD, 279)
    # Without a whole-call deadline this ran until the server gave up (~10 s per attempt, three attempts).
    assert drip.client_hung_up()
    error = caught.value
    assert error.budget == 1.0
    assert error.attempts == 1 and drip.connections == 1  # no retry: the budget was spent
    assert error.attempt_seconds is not None and error.attempt_seconds >= 0.9
    during = "waiting for an answer (ReadTimeout)" if pool == "owned" else "while reading the response body"
    assert f"1 s budget {during}" in str(error)
    assert "1 attempt(s) took" in str(error) and "waits took" in str(error)
    if http is not None:
        http.close()


@pytest.mark.parametrize("pool", ["owned", "passed in"])
async def test_drip_ends_at_the_deadline_async(drip: DripServer, pool: str) -> None:
    http = None if pool == "owned" else httpx.AsyncClient()
    client = AsyncHubSpotAssociations(TOKEN, base_url=drip.url, timeout=1.0, max_retries=2, http_client=http)
    async with client:
        with pytest.raises(APITimeoutError) as caught:
            await client.associate(*GOOD, 279)
    assert drip.client_hung_up()
    assert caught.value.attempts == 1
    if http is not None:
        assert "while reading the response body" in str(caught.value)
        await http.aclose()


@pytest.fixture
def header_drip() -> Iterator[DripServer]:
    server = DripServer(0.05, in_headers=True)
    yield server
    server.close()


def test_dripped_headers_end_at_the_deadline_sync(header_drip: DripServer) -> None:
    # httpx gives every socket read the full read timeout: only the client's own pool, whose reads are capped by
    # the call's deadline, stops a status line that never ends.
    with (
        HubSpotAssociations(TOKEN, base_url=header_drip.url, timeout=1.0, max_retries=2) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.associate(*GOOD, 279)
    assert header_drip.client_hung_up()
    assert caught.value.budget == 1.0 and header_drip.connections == 1


async def test_dripped_headers_end_at_the_deadline_async(header_drip: DripServer) -> None:
    async with AsyncHubSpotAssociations(TOKEN, base_url=header_drip.url, timeout=1.0, max_retries=2) as client:
        with pytest.raises(APITimeoutError) as caught:
            await client.associate(*GOOD, 279)
    assert header_drip.client_hung_up()
    assert caught.value.budget == 1.0


def test_per_call_timeout_is_the_budget(drip: DripServer) -> None:
    with (
        HubSpotAssociations(TOKEN, base_url=drip.url, timeout=30.0) as client,
        pytest.raises(APITimeoutError) as caught,
    ):
        client.associate(*GOOD, 279, timeout=httpx.Timeout(0.5, connect=0.2))
    assert drip.client_hung_up()
    assert caught.value.budget == 0.5


# -- the budget across retries and waits (MockTransport, injected clock) ---------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    """Waits advance it instead of waiting; the clients below take it as ``clock=``/``sleep=``."""
    return FakeClock()


def mock(*replies: httpx.Response) -> httpx.MockTransport:
    queue = list(replies)

    def handler(request: httpx.Request) -> httpx.Response:
        reply = queue.pop(0) if len(queue) > 1 else queue[0]
        return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)  # a fresh stream

    return httpx.MockTransport(handler)


def sync_client(transport: httpx.MockTransport, clock: FakeClock, **kwargs: Any) -> HubSpotAssociations:
    return HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), **clock_seams(clock), **kwargs)


def async_client(transport: httpx.MockTransport, clock: FakeClock, **kwargs: Any) -> AsyncHubSpotAssociations:
    http = httpx.AsyncClient(transport=transport)
    return AsyncHubSpotAssociations(TOKEN, http_client=http, **clock_seams(clock, asynchronous=True), **kwargs)


RATE_LIMITED = httpx.Response(
    429,
    json={"status": "error", "message": "You have reached your ten_secondly_rolling limit.", "errorType": "RATE_LIMIT",
          "policyName": "TEN_SECONDLY_ROLLING"},
    headers={"X-HubSpot-RateLimit-Remaining": "0", "X-HubSpot-RateLimit-Interval-Milliseconds": "10000"},
)  # fmt: skip


def test_retry_that_does_not_fit_raises_timeout_with_the_last_error(clock: FakeClock) -> None:
    client = sync_client(mock(RATE_LIMITED), clock, timeout=25.0)
    with pytest.raises(APITimeoutError) as caught:
        client.associate(*GOOD, 279)
    error = caught.value
    # Two waits to the window's end (10.05 s) fit in 25 s, the third does not: raised before sleeping it, not after.
    # A 429's retry waits at the pacer, and a single call's budget includes that wait (its message says so).
    assert len(clock.waits) == 2 and sum(clock.waits) < 25.0
    assert error.attempts == 3
    assert isinstance(error.last_error, RateLimitError) and error.__cause__ is error.last_error
    assert error.wait_seconds == pytest.approx(sum(clock.waits))
    assert "waiting for a pacer slot" in str(error) and "a single call's budget includes its wait" in str(error)
    assert "last attempt: RateLimitError" in str(error)


async def test_retry_that_does_not_fit_raises_timeout_async(clock: FakeClock) -> None:
    client = async_client(mock(RATE_LIMITED), clock, timeout=25.0)
    with pytest.raises(APITimeoutError) as caught:
        await client.associate(*GOOD, 279)
    assert len(clock.waits) == 2
    assert isinstance(caught.value.last_error, RateLimitError)


def test_errors_within_budget_keep_their_type(clock: FakeClock) -> None:
    client = sync_client(mock(httpx.Response(503)), clock, timeout=30.0, max_retries=2)
    with pytest.raises(ServerError):
        client.associate(*GOOD, 279)
    assert len(clock.waits) == 2


def test_pacer_wait_that_does_not_fit_raises_timeout(clock: FakeClock) -> None:
    client = sync_client(mock(httpx.Response(201, json=PAIR)), clock, timeout=5.0, rate_limit=1, rate_limit_window=10.0)
    client.associate(*GOOD, 279)
    with pytest.raises(APITimeoutError) as caught:
        client.associate(*GOOD, 279)  # the next slot is ~10 s away, more than the 5 s budget
    assert "waiting for a pacer slot" in str(caught.value)
    assert clock.waits == []


# -- body cap ---------------------------------------------------------------------------------------------------


def streamed(status: int, chunks: Iterator[bytes], counter: list[int], **headers: str) -> httpx.Response:
    def count() -> Iterator[bytes]:
        for chunk in chunks:
            counter.append(len(chunk))
            yield chunk

    class Stream(httpx.SyncByteStream, httpx.AsyncByteStream):
        def __iter__(self) -> Iterator[bytes]:
            return count()

        async def __aiter__(self) -> Any:
            for chunk in count():
                yield chunk

    return httpx.Response(status, headers=headers, stream=Stream())


def zeros(total: int, size: int = 65536) -> Iterator[bytes]:
    block = b"0" * size
    for _ in range(total // size):
        yield block


def gzip_bomb(blocks: int) -> Iterator[bytes]:
    """About 1 KiB of gzip per MiB of zeros, streamed: ``blocks`` MiB once inflated, never built in memory."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    mib = b"\0" * 1024 * 1024
    yield compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)  # the gzip header and the first MiB
    block = compressor.compress(mib) + compressor.flush(zlib.Z_FULL_FLUSH)  # after a full flush: repeatable
    for _ in range(blocks - 1):
        yield block


@pytest.mark.parametrize("status", [201, 500])
def test_200_mb_body_is_refused_early(status: int) -> None:
    sent: list[int] = []
    cid = {"X-HubSpot-Correlation-Id": "cid-1234"}
    transport = httpx.MockTransport(lambda request: streamed(status, zeros(200 * 1024 * 1024), sent, **cid))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_retries=0)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.associate(*GOOD, 279)
    error = caught.value
    assert sum(sent) <= 1024 * 1024 + 65536  # one chunk past the limit, not 200 MB
    assert error.status_code == status and error.correlation_id == "cid-1234" and error.limit == 1024 * 1024
    assert error.body == b""


async def test_200_mb_body_is_refused_early_async() -> None:
    sent: list[int] = []
    transport = httpx.MockTransport(lambda request: streamed(201, zeros(200 * 1024 * 1024), sent))
    client = AsyncHubSpotAssociations(TOKEN, http_client=httpx.AsyncClient(transport=transport))
    with pytest.raises(ResponseTooLargeError):
        await client.associate(*GOOD, 279)
    assert sum(sent) <= 1024 * 1024 + 65536


def test_declared_length_over_the_limit_is_refused_before_reading() -> None:
    sent: list[int] = []
    transport = httpx.MockTransport(
        lambda request: streamed(201, zeros(1024 * 1024), sent, **{"Content-Length": str(1024 * 1024)})
    )
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_response_bytes=1000)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.associate(*GOOD, 279)
    assert sent == []
    assert "declares 1048576 bytes" in str(caught.value)


def test_gzip_bomb_is_refused_on_decoded_size() -> None:
    sent: list[int] = []
    transport = httpx.MockTransport(
        lambda request: streamed(429, gzip_bomb(10_000), sent, **{"Content-Encoding": "gzip"})
    )
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_retries=0)
    with pytest.raises(ResponseTooLargeError) as caught:
        client.associate(*GOOD, 279)
    assert caught.value.status_code == 429
    assert sum(sent) < 100_000  # a few KiB of the 10 MiB bomb were read


def _one_chunk_bomb(encoding: str, decoded: int) -> bytes:
    """``decoded`` zero bytes compressed into one chunk (as one network read can bring ~1000x that inflated)."""
    wbits = {"gzip": zlib.MAX_WBITS | 16, "deflate": zlib.MAX_WBITS, "raw deflate": -zlib.MAX_WBITS}[encoding]
    compressor = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return compressor.compress(b"\0" * decoded) + compressor.flush()


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw deflate", "gzip, gzip"])
def test_one_compressed_chunk_never_inflates_past_the_cap_in_memory(encoding: str) -> None:
    # httpx's own decoders inflate each network chunk whole: 64 KiB of gzip become 64 MiB before anything counts.
    import tracemalloc

    if encoding == "gzip, gzip":  # nested: the inner layer is itself a bomb
        inner = _one_chunk_bomb("gzip", 64 * 1024 * 1024)
        compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        body = compressor.compress(inner) + compressor.flush()
    else:
        body = _one_chunk_bomb(encoding, 64 * 1024 * 1024)
    header = "deflate" if encoding == "raw deflate" else encoding
    transport = httpx.MockTransport(lambda request: streamed(201, iter([body]), [], **{"Content-Encoding": header}))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_retries=0)
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError) as caught:
            client.associate(*GOOD, 279)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert caught.value.status_code == 201
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB for a 1 MiB cap"


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw deflate"])
def test_compressed_bodies_under_the_cap_are_decoded(encoding: str) -> None:
    compressor = zlib.compressobj(
        6, zlib.DEFLATED, {"gzip": 31, "deflate": zlib.MAX_WBITS, "raw deflate": -zlib.MAX_WBITS}[encoding]
    )
    body = compressor.compress(json.dumps(PAIR).encode()) + compressor.flush()
    header = "deflate" if encoding == "raw deflate" else encoding
    transport = httpx.MockTransport(lambda request: streamed(201, iter([body]), [], **{"Content-Encoding": header}))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport))
    assert client.associate(*GOOD, 279).to_object_id == "202"


def test_requests_ask_only_for_encodings_decoded_within_the_cap() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return streamed(201, iter([b"x"]), [], **{"Content-Encoding": "br"})

    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=httpx.MockTransport(answer)), max_retries=0)
    with pytest.raises(APIConnectionError, match="'br' was not asked for"):
        client.associate(*GOOD, 279)
    assert seen == ["gzip, deflate"]


def test_small_bodies_still_parse_and_stay_readable() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(201, json=PAIR))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_response_bytes=1000)
    raw = client.with_raw_response.associate(*GOOD, 279)
    assert raw.parsed.to_object_id == "202"
    assert raw.http_response.json() == PAIR


def test_undecodable_body_is_a_typed_error() -> None:
    transport = httpx.MockTransport(
        lambda request: streamed(201, iter([b"not gzip"]), [], **{"Content-Encoding": "gzip"})
    )
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_retries=0)
    with pytest.raises(APIConnectionError) as caught:  # as for an unstreamed body: a broken transfer
        client.associate(*GOOD, 279)
    assert "DecodingError" in str(caught.value)


@pytest.mark.parametrize("value", [0, -1, 1.5, True, "1"])
def test_max_response_bytes_is_validated(value: Any) -> None:
    from hubspot_associations import InvalidInputError

    with pytest.raises(InvalidInputError, match="max_response_bytes"):
        HubSpotAssociations(TOKEN, max_response_bytes=value)


_RSS_SCRIPT = textwrap.dedent(
    """
    import anyio, resource, socket, sys, threading, zlib
    import httpx
    from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations, ResponseTooLargeError

    def serve(sock):
        while True:
            conn, _ = sock.accept()
            threading.Thread(target=bomb, args=(conn,), daemon=True).start()

    def bomb(conn):
        # 10 MB of gzip that inflates to 10 GiB, generated block by block (never in memory).
        with conn:
            try:
                data = b""
                while b"\\r\\n\\r\\n" not in data:
                    data += conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\\r\\nContent-Encoding: gzip\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n")
                c = zlib.compressobj(9, zlib.DEFLATED, 31)
                mib = b"\\0" * 1048576
                head = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
                block = c.compress(mib) + c.flush(zlib.Z_FULL_FLUSH)
                conn.sendall(b"%x\\r\\n%s\\r\\n" % (len(head), head))
                burst = block * 64
                for _ in range(10240 // 64):
                    conn.sendall(b"%x\\r\\n%s\\r\\n" % (len(burst), burst))
            except OSError:
                pass

    sock = socket.create_server(("127.0.0.1", 0))
    threading.Thread(target=serve, args=(sock,), daemon=True).start()
    url = "http://127.0.0.1:%d" % sock.getsockname()[1]
    token = "pat-na1-11111111-2222-3333-4444-555555555555"
    refused = 0
    with HubSpotAssociations(token, base_url=url, timeout=20) as client:
        try:
            client.associate("contacts", 1, "companies", 2, 279)
        except ResponseTooLargeError:
            refused += 1

    async def main():
        global refused
        async with AsyncHubSpotAssociations(token, base_url=url, timeout=20) as client:
            try:
                await client.associate("contacts", 1, "companies", 2, 279)
            except ResponseTooLargeError:
                refused += 1

    anyio.run(main)
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    c.compress(b"\\0" * 1048576)
    c.flush(zlib.Z_FULL_FLUSH)
    bomb = len(c.compress(b"\\0" * 1048576) + c.flush(zlib.Z_FULL_FLUSH)) * 10240
    # The peak of this program's own memory: VmHWM starts afresh at exec, while ru_maxrss keeps the peak of the
    # forked parent (pytest, hundreds of MiB by the end of a run) across the exec.
    try:
        with open("/proc/self/status") as status:
            peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
    except OSError:
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(refused, peak, bomb)
    """
)


def test_gzip_bomb_over_a_socket_stays_under_300_mb_rss() -> None:
    result = subprocess.run(
        [sys.executable, "-c", _RSS_SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    refused, max_rss_kib, bomb_bytes = (int(part) for part in result.stdout.split())
    assert refused == 2  # sync and async
    assert bomb_bytes > 10_000_000  # the bomb really is ~10 MB of gzip for 10 GiB
    print(f"gzip bomb: peak RSS {max_rss_kib / 1024:.0f} MiB")
    assert max_rss_kib < 300 * 1024, f"peak RSS {max_rss_kib / 1024:.0f} MiB"


# -- hostile rate-limit headers ---------------------------------------------------------------------------------

HOSTILE = {
    "X-HubSpot-RateLimit-Max": "1",
    "X-HubSpot-RateLimit-Remaining": "0",
    "X-HubSpot-RateLimit-Interval-Milliseconds": "1000000000000",
}


def test_hostile_window_cannot_stall_the_next_call(clock: FakeClock) -> None:
    client = sync_client(mock(httpx.Response(201, json=PAIR, headers=HOSTILE)), clock, timeout=120.0)
    client.associate(*GOOD, 279)
    slot = client.pacer.claim()
    # The 10^12 ms window is clamped to HubSpot's 10 s one: the next call waits at most a window, not 32 years.
    assert slot.wait <= 10.1
    assert client.pacer.window_s == 10.0


async def test_hostile_window_cannot_stall_the_next_call_async(clock: FakeClock) -> None:
    client = async_client(mock(httpx.Response(201, json=PAIR, headers=HOSTILE)), clock, timeout=120.0)
    await client.associate(*GOOD, 279)
    await client.associate(*GOOD, 279)
    assert len(clock.waits) == 1 and clock.waits[0] <= 10.1


@pytest.mark.parametrize(("maximum", "adopted"), [("5000000000000000000", 1000), ("9" * 4000, None)])
def test_huge_limit_header_after_a_successful_put_is_no_crash(
    maximum: str, adopted: int | None, clock: FakeClock
) -> None:
    # 5e18 is a number, clamped to 1000 per window; 4000 digits are garbage to the parser (ignored).
    headers = {"X-HubSpot-RateLimit-Max": maximum, "X-HubSpot-RateLimit-Remaining": maximum}
    client = sync_client(mock(httpx.Response(201, json=PAIR, headers=headers)), clock)
    assert client.associate(*GOOD, 279).to_object_id == "202"
    assert client.pacer.limit == adopted


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "-5"}, "backoff"),
        ({"Retry-After": "1e308"}, MAX_RETRY_DELAY),
        ({"Retry-After": "inf"}, "backoff"),
        ({"retry-after-ms": "-100"}, "backoff"),
        ({"retry-after-ms": "1e400"}, "backoff"),
        ({"retry-after-ms": "99999999"}, MAX_RETRY_DELAY),
    ],
)
def test_retry_after_values_are_clamped_or_ignored(headers: dict[str, str], expected: Any, clock: FakeClock) -> None:
    transport = mock(httpx.Response(503, headers=headers), httpx.Response(201, json=PAIR))
    sync_client(transport, clock, timeout=120.0).associate(*GOOD, 279)
    (wait,) = clock.waits
    if expected == "backoff":
        assert 0.375 <= wait <= 0.5  # the first exponential backoff, not "retry at once"
    else:
        assert wait == expected


def test_rate_limit_error_retry_after_is_bounded() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(429, headers={"Retry-After": "1e308"}))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport), max_retries=0)
    with pytest.raises(RateLimitError) as caught:
        client.associate(*GOOD, 279)
    assert caught.value.retry_after == MAX_WAIT
    negative = httpx.MockTransport(lambda request: httpx.Response(429, headers={"Retry-After": "-5"}))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=negative), max_retries=0)
    with pytest.raises(RateLimitError) as caught:
        client.associate(*GOOD, 279)
    assert caught.value.retry_after is None


def test_on_rate_limited_holds_at_most_to_the_windows_end() -> None:
    from hubspot_associations._pacing import Pacer

    now = [0.0]
    pacer = Pacer(clock=lambda: now[0])
    pacer.on_rate_limited(1e308)
    # Everything the 429 counted has left HubSpot's window (10 s, plus the pacer's 0.5 % headroom) by then.
    assert pacer.claim().wait == pytest.approx(10.05) and pacer.claim().wait < MAX_WAIT
    pacer = Pacer(clock=lambda: now[0])
    pacer.on_rate_limited(float("nan"))
    pacer.on_rate_limited(-5.0)
    assert pacer.claim().wait == 0.0


def test_clamps_keep_sane_values_untouched() -> None:
    from hubspot_associations._clamps import clamp_rate_limit
    from hubspot_associations._response import RateLimitInfo

    real = RateLimitInfo(190, 150, 10000, 1_000_000, 999_000)
    assert clamp_rate_limit(real) is real
    assert json.dumps(clamp_rate_limit(RateLimitInfo(5, 9, 50, None, None)).__repr__())  # remaining <= max
    assert clamp_rate_limit(RateLimitInfo(5, 9, 50, None, None)) == RateLimitInfo(5, 5, 100, None, None)


# -- token refresh at most once per half-lifetime -----------------------------------------------------------------


class TokenServer:
    """A token endpoint granting ``expires_in`` tokens, and an API that accepts them; counts the grants."""

    def __init__(self, expires_in: Any) -> None:
        self.expires_in = expires_in
        self.grants = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v1/token":
            self.grants += 1
            token = f"oauth-access-{self.grants:04d}-xxxxxxxxxxxx"
            return httpx.Response(200, json={"access_token": token, "expires_in": self.expires_in})
        return httpx.Response(201, json=PAIR)


def oauth(now: list[float]) -> Any:
    from hubspot_associations import OAuthRefresh

    return OAuthRefresh("client-id", "client-secret-value-1234", "refresh-token-value-5678", clock=lambda: now[0])


def test_short_lived_token_is_refreshed_once_per_half_lifetime_sync() -> None:
    server, now = TokenServer(30), [0.0]
    http = httpx.Client(transport=httpx.MockTransport(server))
    with HubSpotAssociations(auth=oauth(now), base_url="https://api.hubapi.com", http_client=http) as client:
        for _ in range(2000):
            client.associate(*GOOD, 279)
            now[0] += 0.05  # 2,000 calls over 100 s of the injected clock
    # One grant at the start, then one every 15 s (half of 30 s): 7, not 2,000.
    assert server.grants == 7


async def test_short_lived_token_is_refreshed_once_per_half_lifetime_async() -> None:
    server, now = TokenServer(30), [0.0]
    http = httpx.AsyncClient(transport=httpx.MockTransport(server))
    async with AsyncHubSpotAssociations(auth=oauth(now), http_client=http) as client:
        for _ in range(2000):
            await client.associate(*GOOD, 279)
            now[0] += 0.05
    assert server.grants == 7


@pytest.mark.parametrize(("expires_in", "grants"), [(1800, 1), (0, 10), (-5, 1), ("nan", 1), (1e308, 1)])
def test_token_lifetimes_are_bounded(expires_in: Any, grants: int) -> None:
    # 0 s is taken as the 10 s minimum (a refresh every 5 s during the 50 s: 10 grants); negative or NaN as unknown.
    server, now = TokenServer(expires_in), [0.0]
    http = httpx.Client(transport=httpx.MockTransport(server))
    with HubSpotAssociations(auth=oauth(now), http_client=http) as client:
        for _ in range(500):
            client.associate(*GOOD, 279)
            now[0] += 0.1
    assert server.grants == grants


@pytest.mark.parametrize("where", ["token endpoint", "401"])
def test_oauth_answers_are_capped_too(where: str) -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/oauth/v1/token" and where == "token endpoint":
            return streamed(200, gzip_bomb(10_000), sent, **{"Content-Encoding": "gzip"})
        if request.url.path == "/oauth/v1/token":
            return httpx.Response(200, json={"access_token": "oauth-access-0001-xxxxxxxx", "expires_in": 1800})
        return streamed(401, gzip_bomb(10_000), sent, **{"Content-Encoding": "gzip"})

    now = [0.0]
    http = httpx.Client(transport=httpx.MockTransport(handler))
    with HubSpotAssociations(auth=oauth(now), http_client=http) as client, pytest.raises(ResponseTooLargeError):
        client.associate(*GOOD, 279)
    assert sum(sent) < 100_000


async def test_oauth_answers_are_capped_too_async() -> None:
    sent: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        return streamed(200, gzip_bomb(10_000), sent, **{"Content-Encoding": "gzip"})

    http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
    async with AsyncHubSpotAssociations(auth=oauth([0.0]), http_client=http) as client:
        with pytest.raises(ResponseTooLargeError):
            await client.associate(*GOOD, 279)
    assert sum(sent) < 100_000


def test_raw_rate_limit_of_a_huge_interval_does_not_raise() -> None:
    headers = {"X-HubSpot-RateLimit-Interval-Milliseconds": "9" * 25, "X-HubSpot-RateLimit-Max": "9" * 400}
    transport = httpx.MockTransport(lambda request: httpx.Response(201, json=PAIR, headers=headers))
    client = HubSpotAssociations(TOKEN, http_client=httpx.Client(transport=transport))
    raw = client.with_raw_response.associate(*GOOD, 279)
    assert raw.rate_limit is not None and raw.rate_limit.interval_s is not None
    assert client.pacer.window_s == 10.0


# -- the socket-level deadline reaches into httpx/httpcore privates: unknown shapes are left alone ----------------


def test_owned_pool_gets_the_deadline_backend_and_a_second_bound_is_a_no_op() -> None:
    # If a future httpx moved these attributes, this fails (instead of the bound silently vanishing).
    from hubspot_associations._bounds import bound_network
    from hubspot_associations._network import _AsyncBackend, _Backend

    with HubSpotAssociations(TOKEN) as client:
        backend = client._http._transport._pool._network_backend  # type: ignore[attr-defined]
        assert isinstance(backend, _Backend)
        bound_network(client._http)
        assert client._http._transport._pool._network_backend is backend  # type: ignore[attr-defined]
    aclient = AsyncHubSpotAssociations(TOKEN)
    assert isinstance(aclient._http._transport._pool._network_backend, _AsyncBackend)  # type: ignore[attr-defined]


def test_unknown_shapes_are_left_alone() -> None:
    from types import SimpleNamespace

    from hubspot_associations._bounds import bound_network

    foreign = object()
    shapes: list[Any] = [
        httpx.Client(transport=httpx.MockTransport(lambda request: httpx.Response(200))),  # no _pool
        SimpleNamespace(),  # no _transport, no _mounts
        SimpleNamespace(_transport=None, _mounts={"all://": None}),  # a NO_PROXY mount is None
        SimpleNamespace(_transport=SimpleNamespace(_pool=SimpleNamespace(_network_backend=foreign)), _mounts={}),
        SimpleNamespace(_transport=SimpleNamespace(_pool=SimpleNamespace()), _mounts={}),
    ]
    for shape in shapes:
        bound_network(shape)
    assert shapes[3]._transport._pool._network_backend is foreign  # not an httpcore backend: untouched
    assert not hasattr(shapes[4]._transport._pool, "_network_backend")
