"""Helpers for async tests that must run on asyncio and trio alike (anyio, never asyncio directly)."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar, cast

import anyio

T = TypeVar("T")


async def gather(*awaitables: Awaitable[T]) -> list[T]:
    """``asyncio.gather`` for both backends: run every awaitable in one task group, results in argument order.

    An exception in one cancels the others and surfaces in an ``ExceptionGroup`` (anyio's task group rules).
    """
    results: list[object] = [None] * len(awaitables)

    async def run(index: int, awaitable: Awaitable[T]) -> None:
        results[index] = await awaitable

    async with anyio.create_task_group() as group:
        for index, awaitable in enumerate(awaitables):
            group.start_soon(run, index, awaitable)
    return cast(list[T], results)
