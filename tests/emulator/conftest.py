"""Fixtures for emulator tests: an in-process client bound to a fresh emulator app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from hubspot_associations.emulator import Clock, EmulatorConfig, EmulatorState, create_app
from tests.emulator.emulator_support import ClientFactory


@asynccontextmanager
async def _emulator_client(
    config: EmulatorConfig | None = None, *, clock: Clock | None = None
) -> AsyncIterator[tuple[httpx.AsyncClient, EmulatorState]]:
    state = EmulatorState(config, clock=clock)
    app = create_app(state=state)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://emulator") as client:
        yield client, state


@pytest.fixture
def emulator_client() -> ClientFactory:
    """``async with emulator_client(config, clock=...) as (client, state)``: a client talking to a fresh app in process."""
    return _emulator_client


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    """A client for an emulator with the default configuration."""
    async with _emulator_client() as (http, _state):
        yield http
