"""Fixtures for the whole suite: every async test runs on both event loops httpx supports.

anyio's pytest plugin (``anyio_mode = "auto"`` in pyproject.toml) owns every ``async def`` test and fixture; this
fixture parametrises them over asyncio and trio, so each async test is collected twice (``[asyncio]``, ``[trio]``).
"""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The event loop an async test runs on."""
    return str(request.param)
