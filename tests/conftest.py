"""Fixtures for the whole suite: every async test runs on both event loops httpx supports.

anyio's pytest plugin (``anyio_mode = "auto"`` in pyproject.toml) owns every ``async def`` test and fixture; this
fixture parametrises them over asyncio and trio, so each async test is collected twice (``[asyncio]``, ``[trio]``).

Hypothesis runs without its timing checks: a per-example ``deadline`` (200 ms by default) and the ``too_slow``
health check fail a test when a loaded machine stalls the process, not when the code is wrong (no timing thresholds
in unit tests). Loaded here, before any test module builds its own ``settings(...)``, so those inherit it too.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("hubspot-associations", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("hubspot-associations")


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """The event loop an async test runs on."""
    return str(request.param)
