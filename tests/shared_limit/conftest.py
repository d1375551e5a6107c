"""Fixtures: a real redis-server per test module (flushed before each test) and the emulator."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.shared_limit.redis_support import RedisServer


@pytest.fixture
def anyio_backend() -> str:
    """redis.asyncio runs on asyncio only (the trio case is tested on its own, see test_shared_client)."""
    return "asyncio"


@pytest.fixture(scope="module")
def redis_module_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    server = RedisServer(Path(tmp_path_factory.mktemp("redis")))
    server.start()
    try:
        yield server
    finally:
        server.close_connections()
        server.stop()


@pytest.fixture
def redis_server(redis_module_server: RedisServer) -> Iterator[RedisServer]:
    if not redis_module_server.running:  # a test stopped it
        redis_module_server.start()
    redis_module_server.client().flushall()
    yield redis_module_server
    redis_module_server.close_connections()
