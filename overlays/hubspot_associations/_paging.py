"""Reading all of one record's associations to a type across pages (``listAssociations``), bounded.

HubSpot pages the answer (at most 500 a page, ``paging.next.after`` while more remain). :class:`Pager` is the one
page loop both clients drive (``while (call := pager.next_call()) is not None: pager.add(send(call))``); each page
is an ordinary call through ``BaseClient._call`` and the clients' send loops (retries, pacing, typed errors), and
three bounds hold whatever the server sends (docs/read-and-remove.md §3):

* **time**: ``timeout=`` is the budget of the whole read, every page included: each page's call gets what is left
  (its per-operation limits capped by it), and a read whose budget is spent raises :class:`APITimeoutError`;
* **memory**: at most ``max_items`` associated records are kept; one more raises :class:`PagingLimitError`;
* **pages**: at most ``max_pages`` pages, and a cursor HubSpot already sent (a server paging in a circle) raises
  :class:`PagingLimitError` at once.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import httpx

from ._arguments import timeout_of
from ._bounds import budget_of
from ._constants import PAGE_LIMIT
from ._errors import APITimeoutError, PagingLimitError
from ._response import APIResponse
from ._results import next_cursor, parse_page
from ._validation import InvalidInputError, validate_count, validate_object_id, validate_object_type

if TYPE_CHECKING:
    from hubspot_associations_api.models import (
        CollectionResponseMultiAssociatedObjectWithLabel,
        MultiAssociatedObjectWithLabel,
    )

    from ._base_client import BaseClient, PreparedCall, TimeoutLike

__all__ = ["Pager"]


class Pager:
    """One bounded read across pages: builds each page's call, and gathers the pages' results."""

    def __init__(
        self,
        client: BaseClient[Any, Any],
        object_type: object,
        object_id: object,
        to_object_type: object,
        *,
        limit: object,
        max_items: object,
        max_pages: object,
        timeout: TimeoutLike,
    ) -> None:
        from hubspot_associations_api.api.associations import list_associations

        self._op = list_associations
        self._client = client
        self._path = (
            validate_object_type(object_type, "object_type"),
            validate_object_id(object_id, "object_id"),
            validate_object_type(to_object_type, "to_object_type"),
        )
        self._limit = validate_count(limit, "limit")
        if self._limit > PAGE_LIMIT:
            raise InvalidInputError("limit", f"must be at most {PAGE_LIMIT} (HubSpot's largest page), got {limit!r}")
        self._max_items = validate_count(max_items, "max_items")
        self._max_pages = validate_count(max_pages, "max_pages")
        self._limits = client.timeout if timeout is None else timeout_of(timeout)
        budget = budget_of(self._limits)
        self._clock: Callable[[], float] = client._clock
        self._ends = math.inf if budget is None else self._clock() + budget
        self.items: list[MultiAssociatedObjectWithLabel] = []
        self._after: str | None = None
        self._seen: set[str] = set()
        self._pages = 0
        self._attempts = 0
        self._done = False
        self._last: APIResponse[CollectionResponseMultiAssociatedObjectWithLabel] | None = None

    def next_call(self) -> PreparedCall[CollectionResponseMultiAssociatedObjectWithLabel] | None:
        """The next page's call, or ``None`` when the last page has been read."""
        if self._done:
            return None
        if self._pages >= self._max_pages:
            raise PagingLimitError(f"more than max_pages={self._max_pages} pages", items=len(self.items))
        kwargs = self._op._get_kwargs(
            *self._path, limit=self._limit, **({} if self._after is None else {"after": self._after})
        )
        return self._client._call(kwargs, self._page_timeout(), parse_page)

    def _page_timeout(self) -> httpx.Timeout:
        """The call's limits, each capped by what is left of the whole read's budget."""
        if self._ends == math.inf:
            return self._limits
        left = self._ends - self._clock()
        if left <= 0:
            raise APITimeoutError(
                f"the read's budget was spent after {self._pages} page(s) ({len(self.items)} associated records)"
            )
        return httpx.Timeout(
            **{name: left if value is None else min(value, left) for name, value in self._limits.as_dict().items()}
        )

    def add(self, response: APIResponse[CollectionResponseMultiAssociatedObjectWithLabel]) -> None:
        """Take one page's answer: keep its results (bounded), and its cursor, if any, for the next page."""
        page = response.parsed
        self._pages += 1
        self._attempts += response.attempts
        self._last = response
        if len(self.items) + len(page.results) > self._max_items:
            raise PagingLimitError(f"more than max_items={self._max_items} associated records", items=len(self.items))
        self.items.extend(page.results)
        after = next_cursor(page.paging)
        if after is not None and after in self._seen:
            raise PagingLimitError(
                f"HubSpot sent the cursor {after[:40]!r} twice (pages in a circle)", items=len(self.items)
            )
        if after is not None:
            self._seen.add(after)
        self._after = after
        self._done = after is None

    def result(self) -> APIResponse[list[MultiAssociatedObjectWithLabel]]:
        """Every page's results, as an :class:`APIResponse` of the last page (``attempts``: of all pages)."""
        assert self._last is not None  # a read sends at least one page
        return APIResponse(self.items, self._last.http_response, self._attempts)
