"""Serving the emulator with uvicorn: blocking, or in a background thread on a free loopback port."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import attrs
import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._app import create_app
from ._clock import Clock
from ._config import EmulatorConfig
from ._faults import DropLogFilter
from ._state import EmulatorState

_STARTUP_TIMEOUT_S = 10.0


@attrs.frozen
class RunningEmulator:
    """A live emulator: where it listens, its state and one configured access token."""

    base_url: str
    state: EmulatorState
    app: Starlette

    @property
    def token(self) -> str:
        """The first configured static access token."""
        return next(iter(self.state.config.tokens))


def _quiet_drops() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, DropLogFilter) for f in logger.filters):
        logger.addFilter(DropLogFilter())


def _uvicorn_config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, lifespan="off", access_log=False)


def listening_socket(host: str, port: int = 0) -> socket.socket:
    """A TCP socket bound to ``port`` on ``host`` (0: a free port; ask ``getsockname()`` which).

    ``IPPROTO_TCP`` is given explicitly: asyncio turns on ``TCP_NODELAY`` only for sockets whose ``proto`` says TCP,
    and without it every response (uvicorn writes headers and body separately) waits ~40 ms for a delayed ACK.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


@contextmanager
def run_emulator_in_thread(
    config: EmulatorConfig | None = None, *, host: str = "127.0.0.1", clock: Clock | None = None
) -> Iterator[RunningEmulator]:
    """Serve an emulator on a free port in a background thread for the duration of the ``with`` block.

    ``clock`` (default: a ``SystemClock``) is the emulator's time: move it with ``clock.advance(seconds)``.

    For example:

        with run_emulator_in_thread(EmulatorConfig(seed=1)) as emulator:
            httpx.put(f"{emulator.base_url}/crm/v4/...", headers={"Authorization": f"Bearer {emulator.token}"})
    """
    _quiet_drops()
    state = EmulatorState(config, clock=clock)
    app = create_app(state=state)
    sock = listening_socket(host)
    port = sock.getsockname()[1]
    server = uvicorn.Server(_uvicorn_config(app, host, port, "warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="hubspot-emulator", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the HubSpot emulator did not start")
            time.sleep(0.01)
        yield RunningEmulator(f"http://{host}:{port}", state, app)
    finally:
        server.should_exit = True
        thread.join(timeout=_STARTUP_TIMEOUT_S)
        sock.close()


def serve(
    config: EmulatorConfig | None = None,
    host: str = "127.0.0.1",
    port: int = 8765,
    *,
    sock: socket.socket | None = None,
    log_requests: bool = False,
) -> None:
    """Serve the emulator in the foreground until interrupted (Ctrl-C), on ``sock`` if given (already bound).

    ``log_requests`` prints one line per request to stdout (``RequestLog``).
    """
    _quiet_drops()
    app: ASGIApp = create_app(config)
    if log_requests:
        app = RequestLog(app)
    server = uvicorn.Server(_uvicorn_config(app, host, port, "info"))
    server.run(sockets=None if sock is None else [sock])


_MAX_PATH_SHOWN = 200


class RequestLog:
    """ASGI middleware printing ``PUT /crm/v4/objects/... 200 3 ms`` per request (``dropped``: a cut connection).

    The path is printed without its query string, cut at 200 characters, with anything unprintable escaped: a
    request is outside input and must not write control sequences to the operator's terminal.
    """

    def __init__(self, app: ASGIApp, write: Callable[[str], None] | None = None) -> None:
        self.app = app
        self._write = write or (lambda line: print(line, flush=True))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0
        started = time.perf_counter()

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        shown = "dropped"  # the app raised: the connection was cut (a drop fault), whatever status was started
        try:
            await self.app(scope, receive, send_and_note)
            shown = str(status)
        finally:
            elapsed_ms = (time.perf_counter() - started) * 1000
            self._write(f"{_printable(scope['method'])} {_printable(scope['path'])} {shown} {elapsed_ms:.0f} ms")


def _printable(text: str) -> str:
    cut = text[:_MAX_PATH_SHOWN]
    shown = "".join(c if c.isprintable() and c != "\\" else c.encode("unicode_escape").decode() for c in cut)
    return shown + ("..." if len(text) > _MAX_PATH_SHOWN else "")
