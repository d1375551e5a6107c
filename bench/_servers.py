"""Loopback servers for the benchmarks.

* :func:`capture_canned` asks the real emulator once for a default and a labelled association and keeps the exact
  status, headers and body of each answer, so every fast server answers byte-for-byte like the emulator.
* :func:`fast_server` serves those canned answers from a **separate process** (its own core and GIL) with a raw
  ``asyncio.Protocol``: no HTTP framework, no routing beyond one ``in`` test, keep-alive, ~20 µs per request. The
  emulator (Starlette + uvicorn + h11) spends ~1.5 ms per request, which would drown a client's few tens of µs;
  against this server the per-call time is mostly client time, so ratios compare clients.
* :func:`mock_handler` is the same canned answer for ``httpx.MockTransport`` (no socket at all).

Run ``python -m bench._servers CANNED.json`` to serve: it prints ``PORT <n>`` and serves until stdin closes.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

from ._common import ROOT, TOKEN

DEFAULT_PATH = "/crm/v4/objects/contacts/1000001/associations/default/companies/2000001"
LABELLED_PATH = "/crm/v4/objects/contacts/1000001/associations/companies/2000001"
LABELLED_BODY = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}]

# The emulator enforces 190 requests / 10 s like HubSpot. Canned answers keep the X-HubSpot-RateLimit-* headers
# (the SDK parses them on every response, a real cost) but with a limit no benchmark reaches, so the SDK's pacer,
# which adopts the server's numbers, never paces the per-call and throughput runs.
# The SDK clamps these headers to what HubSpot can mean (Max <= 1,000, Interval >= 100 ms: see _constants), so the
# highest rate a header can grant is 1,000 per 100 ms = 10,000 requests/s: well above one client's sequential or
# 8-worker loopback rate, so the pacer still never waits.
UNREACHABLE_LIMIT = {
    "x-hubspot-ratelimit-max": "1000",
    "x-hubspot-ratelimit-remaining": "999",
    "x-hubspot-ratelimit-interval-milliseconds": "100",
}


@dataclass(frozen=True)
class Canned:
    """One recorded answer."""

    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def wire(self) -> bytes:
        """The HTTP/1.1 response bytes, as uvicorn wrote them."""
        reason = {200: "OK", 201: "Created"}.get(self.status, "OK")
        head = [f"HTTP/1.1 {self.status} {reason}"] + [f"{name}: {value}" for name, value in self.headers]
        return ("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + self.body

    def with_headers(self, replace: dict[str, str], drop: tuple[str, ...] = ()) -> Canned:
        headers = [(name, replace.get(name.lower(), value)) for name, value in self.headers if name.lower() not in drop]
        return Canned(self.status, headers, self.body)

    def to_json(self) -> dict[str, object]:
        return {"status": self.status, "headers": self.headers, "body": self.body.decode()}

    @classmethod
    def from_json(cls, data: dict[str, object]) -> Canned:
        headers = [(str(name), str(value)) for name, value in data["headers"]]  # type: ignore[attr-defined]
        return cls(int(data["status"]), headers, str(data["body"]).encode())  # type: ignore[call-overload]


CannedPair = dict[str, Canned]  # "default" and "labelled"


def capture_canned() -> CannedPair:
    """Record the emulator's answers to one default and one labelled PUT (headers as sent on the wire)."""
    from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread

    with run_emulator_in_thread(EmulatorConfig()) as emulator, httpx.Client(base_url=emulator.base_url) as client:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        answers = {
            "default": client.put(DEFAULT_PATH, headers=auth),
            "labelled": client.put(LABELLED_PATH, headers=auth, json=LABELLED_BODY),
        }
    canned: CannedPair = {}
    for key, response in answers.items():
        response.raise_for_status()
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in response.headers.raw]
        canned[key] = Canned(response.status_code, headers, response.content)
    return canned


def unlimited(canned: CannedPair) -> CannedPair:
    """The same answers with a rate limit no benchmark reaches (see :data:`UNREACHABLE_LIMIT`)."""
    return {key: value.with_headers(UNREACHABLE_LIMIT) for key, value in canned.items()}


def without_rate_limit(canned: CannedPair) -> CannedPair:
    """The same answers without X-HubSpot-RateLimit-* headers (no pacing and no pacer history at all)."""
    drop = tuple(name for name, _ in canned["default"].headers if name.lower().startswith("x-hubspot-ratelimit"))
    return {key: value.with_headers({}, drop) for key, value in canned.items()}


def mock_handler(canned: CannedPair) -> Callable[[httpx.Request], httpx.Response]:
    """An ``httpx.MockTransport`` handler answering like :func:`fast_server`."""
    default, labelled = canned["default"], canned["labelled"]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = default if "/associations/default/" in request.url.path else labelled
        return httpx.Response(answer.status, headers=answer.headers, content=answer.body)

    return handler


@contextmanager
def fast_server(canned: CannedPair) -> Iterator[str]:
    """Serve ``canned`` from a separate process on a free loopback port; yields the base URL."""
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "canned.json"
        path.write_text(json.dumps({key: value.to_json() for key, value in canned.items()}))
        with _child_server([str(path)]) as base_url:
            yield base_url


@contextmanager
def emulator_process(rate_limit: int | None, window_s: float) -> Iterator[str]:
    """The real emulator in its own process (so it does not share the client's GIL); yields the base URL.

    Inspect it over HTTP: ``GET /_emulator/stats`` (``counts_by_status``, ``unique_associations``) and
    ``POST /_emulator/reset``.
    """
    with _child_server(["--emulator", str(rate_limit or 0), str(window_s)]) as base_url:
        yield base_url


@contextmanager
def _child_server(args: list[str]) -> Iterator[str]:
    """Run ``python -m bench._servers ARGS``: it prints ``PORT <n>`` and serves until its stdin closes."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench._servers", *args],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().split()
        if len(line) != 2 or line[0] != "PORT":
            raise RuntimeError(f"loopback server did not start: {line!r}")
        yield f"http://127.0.0.1:{line[1]}"
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout is not None:
            proc.stdout.close()


class _CannedProtocol(asyncio.Protocol):
    """HTTP/1.1 keep-alive: read a head (and Content-Length body), write the canned answer."""

    def __init__(self, default: bytes, labelled: bytes) -> None:
        self._default = default
        self._labelled = labelled
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while True:
            end = buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buffer[:end]).lower()
            length = 0
            start = head.find(b"\r\ncontent-length:")
            if start >= 0:
                stop = head.find(b"\r\n", start + 2)
                length = int(head[start + 17 : stop if stop >= 0 else len(head)])
            total = end + 4 + length
            if len(buffer) < total:
                return
            del buffer[:total]
            request_line = head[: head.find(b"\r\n")]
            assert self._transport is not None
            self._transport.write(self._default if b"/associations/default/" in request_line else self._labelled)
            if b"\r\nconnection: close" in head:
                self._transport.close()
                return


async def _serve(canned: CannedPair) -> None:
    loop = asyncio.get_running_loop()
    default, labelled = canned["default"].wire(), canned["labelled"].wire()
    server = await loop.create_server(lambda: _CannedProtocol(default, labelled), "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    print(f"PORT {port}", flush=True)
    # Serve until the parent closes our stdin (or dies).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


def _serve_emulator(rate_limit: int, window_s: float) -> None:
    from hubspot_associations.emulator import EmulatorConfig, run_emulator_in_thread

    config = EmulatorConfig(rate_limit=rate_limit or None, rate_window_s=window_s)
    with run_emulator_in_thread(config) as emulator:
        print(f"PORT {emulator.base_url.rsplit(':', 1)[1]}", flush=True)
        sys.stdin.read()


def main(argv: list[str]) -> None:
    if argv[0] == "--emulator":
        _serve_emulator(int(argv[1]), float(argv[2]))
        return
    data = json.loads(Path(argv[0]).read_text())
    asyncio.run(_serve({key: Canned.from_json(value) for key, value in data.items()}))


if __name__ == "__main__":
    main(sys.argv[1:])
