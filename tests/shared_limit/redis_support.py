"""A real ``redis-server`` for the shared-limit tests: started on a free port, stopped (and restarted) on demand."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import redis

_STARTUP_TIMEOUT_S = 10.0
_PATIENT_TIMEOUT_S = 30.0


def patient_connection(url: str) -> redis.Redis:
    """A connection as ``shared_limit=URL`` opens it (no retries), but with a 30 s timeout instead of the SDK's
    ``REDIS_TIMEOUT`` (0.2 s). On a loaded test machine redis-server can take longer than that to answer (sixteen
    threads' scripts queued behind each other fell back to local pacing under a load of 7 on 2 cores), and the
    pacer then rightly paces locally: not what a test of the shared budget's rules is about. The fallback itself is
    tested with the SDK's own timeout (:meth:`RedisServer.connection` with ``patient=False``)."""
    from hubspot_associations._shared_redis import _no_retry_kwargs

    return redis.Redis.from_url(
        url, socket_timeout=_PATIENT_TIMEOUT_S, socket_connect_timeout=_PATIENT_TIMEOUT_S, **_no_retry_kwargs(False)
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class RedisServer:
    """``redis-server --port N --save '' --appendonly no`` in a child process; :meth:`stop` and :meth:`start`
    kill and restart it on the same port (the "Redis down and back" tests)."""

    def __init__(self, workdir: Path) -> None:
        executable = shutil.which("redis-server")
        if executable is None:  # .ci/run installs it; a developer machine without it gets a clear message
            raise RuntimeError("redis-server is not installed: apt-get install -y redis-server")
        self._executable = executable
        self._workdir = workdir
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        self._opened: list[redis.Redis] = []

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self._proc = subprocess.Popen(
            [self._executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self._workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5)
        deadline = time.monotonic() + _STARTUP_TIMEOUT_S
        try:
            while True:
                try:
                    client.ping()
                    return
                except (redis.ConnectionError, redis.TimeoutError):  # not listening yet, or slow (a loaded machine)
                    if self._proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("redis-server did not start") from None
                    time.sleep(0.02)
        finally:
            client.close()

    @property
    def running(self) -> bool:
        return self._proc is not None

    def pause(self) -> None:
        """SIGSTOP: the server accepts connections (the kernel does) but never answers -- a "slow" Redis."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._proc is not None
        self._proc.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.kill()
            proc.wait(timeout=10)

    def client(self) -> redis.Redis:
        """A plain client for inspecting the server; closed by :meth:`close_connections`."""
        client = redis.Redis(port=self.port, socket_timeout=2, socket_connect_timeout=2)
        self._opened.append(client)
        return client

    def connection(self, *, patient: bool = True) -> redis.Redis:
        """A connection as ``shared_limit=URL`` opens it (no retries), with a timeout a loaded machine does not reach
        (:func:`patient_connection`), or with ``patient=False`` the SDK's own short one; closed like :meth:`client`."""
        from hubspot_associations._shared_pacing import connect_sync

        client = patient_connection(self.url) if patient else connect_sync(self.url)
        self._opened.append(client)
        return client

    def close_connections(self) -> None:
        opened, self._opened = self._opened, []
        for client in opened:
            client.close()
