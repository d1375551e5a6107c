"""Shared constants and URL helpers for the emulator tests."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx

from hubspot_associations.emulator import EmulatorState

AUTH = {"Authorization": "Bearer emulator-token"}
CONTACT, COMPANY, DEAL, TICKET = "1000001", "2000001", "3000001", "5000001"

ClientFactory = Callable[..., AbstractAsyncContextManager[tuple[httpx.AsyncClient, EmulatorState]]]


def labelled_url(from_type: str, from_id: str, to_type: str, to_id: str) -> str:
    """Path of the labelled PUT."""
    return f"/crm/v4/objects/{from_type}/{from_id}/associations/{to_type}/{to_id}"


def default_url(from_type: str, from_id: str, to_type: str, to_id: str) -> str:
    """Path of the default PUT."""
    return f"/crm/v4/objects/{from_type}/{from_id}/associations/default/{to_type}/{to_id}"
