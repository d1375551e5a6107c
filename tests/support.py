"""Fakes shared by the client, async client and auth tests: a scripted HTTP server, a fake clock, canned bodies.

Import from here rather than defining another copy (``from tests.support import Server, FakeClock, PAIR``).
Async-only helpers are in ``tests/async_support.py``; suite-wide fixtures in ``tests/conftest.py``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest

BIG_ID = 2**40 + 7
"""A record id above 2**31: a 32-bit int would overflow."""

EPOCH = 1_700_000_000.0
"""A plausible ``time.time()`` (2023-11) for clocks that stand in for the wall clock (token expiry)."""

PAIR: dict[str, Any] = {
    "fromObjectTypeId": "0-1",
    "fromObjectId": 101,
    "toObjectTypeId": "0-2",
    "toObjectId": BIG_ID,
    "labels": ["Manager"],
}
"""A labelled association's 201 body (``LabelsBetweenObjectPair``), ids as JSON numbers."""

UNLABELLED_PAIR: dict[str, Any] = {**PAIR, "labels": []}
"""The same pair when only unlabelled types were given."""

DEFAULT_BODY: dict[str, Any] = {
    "status": "COMPLETE",
    "results": [
        {
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
            "from": {"id": 101},
            "to": {"id": str(BIG_ID)},
        },
        {
            "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 280},
            "from": {"id": BIG_ID},
            "to": {"id": "101"},
        },
    ],
    "startedAt": "2026-11-23T09:30:00.113Z",
    "completedAt": "2026-11-23T09:30:00.161Z",
    "requestedAt": "2026-11-23T09:29:59.900Z",
}
"""A default association's 200 body: both directions, ids as numbers and as strings."""


def pair_result(from_id: object, to_id: object, labels: list[str] | None = None) -> dict[str, Any]:
    """One ``batch/create`` result item (``LabelsBetweenObjectPair``, contact -> company), ids as given."""
    return {
        "fromObjectTypeId": "0-1",
        "fromObjectId": from_id,
        "toObjectTypeId": "0-2",
        "toObjectId": to_id,
        "labels": labels or [],
    }


def default_result(from_id: object, to_id: object, type_id: int = 279) -> dict[str, Any]:
    """One ``batch/associate/default`` result item (``PublicDefaultAssociation``), ids as given."""
    return {
        "from": {"id": from_id},
        "to": {"id": to_id},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id},
    }


def hubspot_error(
    status: int,
    message: str,
    correlation_id: str | None = None,
    category: str | None = None,
    *,
    headers: dict[str, str] | None = None,
    **fields: Any,
) -> httpx.Response:
    """A HubSpot error answer: ``{"status": "error", "message", "correlationId", "category", **fields}``, leaving
    out a ``correlation_id`` or ``category`` that is ``None`` (HubSpot omits them at times too)."""
    body: dict[str, Any] = {"status": "error", "message": message}
    if correlation_id is not None:
        body["correlationId"] = correlation_id
    if category is not None:
        body["category"] = category
    return httpx.Response(status, json={**body, **fields}, headers=headers)


Reply = httpx.Response | Exception | Callable[[httpx.Request], httpx.Response]


class Server:
    """A MockTransport handler that plays a script of replies (the last one repeats) and records every request.

    Works for ``httpx.Client`` and ``httpx.AsyncClient`` alike; thread-safe. With no replies, every request gets
    a 201 with :data:`PAIR`.
    """

    def __init__(self, *replies: Reply) -> None:
        self.replies = list(replies) or [httpx.Response(201, json=PAIR)]
        self.requests: list[httpx.Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
            reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        if isinstance(reply, httpx.Response):
            # A fresh copy each time: a Response object must not be sent twice.
            return httpx.Response(reply.status_code, headers=reply.headers, content=reply.content)
        return reply(request)

    @property
    def calls(self) -> int:
        return len(self.requests)

    def http(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


class FakeClock:
    """A clock that moves only when told: call it (or ``monotonic()``) for the time; ``sleep`` records the wait
    and, unless ``advance=False``, moves the clock by it. ``async_sleep`` is the same for async code."""

    def __init__(self, start: float = 1000.0, *, advance: bool = True) -> None:
        self.now = start
        self.advance = advance
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        if self.advance:
            self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await anyio.lowlevel.checkpoint()


def clock_seams(clock: FakeClock | None, *, asynchronous: bool = False) -> dict[str, Any]:
    """The client keyword arguments that put all its timing on ``clock``: ``clock=`` (deadlines, pacer) and
    ``sleep=`` (every wait); ``{}`` for ``None`` (the real clock). ``asynchronous`` for
    :class:`AsyncHubSpotAssociations`."""
    if clock is None:
        return {}
    return {"clock": clock.monotonic, "sleep": clock.async_sleep if asynchronous else clock.sleep}


class FakeTime(FakeClock):
    """A :class:`FakeClock` that also stands in for the whole ``time`` module (what it does not fake is real)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def load_tool(script: Path) -> ModuleType:
    """A script of ``tools/`` (not a package) imported as a module named after it, for tests of its functions."""
    spec = importlib.util.spec_from_file_location(script.stem, script)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[script.stem] = module  # dataclasses and pickling look the module up by name
    spec.loader.exec_module(module)
    return module


# Headless Chromium with no first-run, sync, update or background traffic of its own (HTML rendering tests).
HEADLESS_CHROMIUM = (
    *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"),
    *("--disable-component-update", "--disable-sync"),
)


def chromium() -> str:
    """Debian's ``chromium`` (``.ci/run`` installs it), or the browser ``CHROMIUM`` names; the test fails without."""
    for candidate in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(candidate) if candidate else None
        if found:
            return found
    pytest.fail("headless Chromium is needed: `apt-get install chromium` (.ci/run does), or set CHROMIUM=/path")


@contextmanager
def raw_server(answer: Callable[[socket.socket], None]) -> Iterator[str]:
    """``http://127.0.0.1:<port>``: a socket that hands each connection to ``answer`` and then closes it, for
    answers httpx's own servers cannot give (any header bytes, a reset). Connections are served one at a time."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)  # the loop looks at ``done`` this often
    done = threading.Event()

    def serve() -> None:
        while not done.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                answer(connection)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        done.set()
        thread.join()
        listener.close()
