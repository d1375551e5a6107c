"""``associate_many``: create many associations, one outcome per row, at the rate the pacer allows.

Where things live: the row and outcome value types, and the row -> call mapping both engines share, in
``_rows.py``; the threaded engine behind :meth:`HubSpotAssociations.associate_many` in ``_sync.py``; the task-group
engine behind :meth:`AsyncHubSpotAssociations.associate_many` (:class:`AsyncBulkRun`) in ``_async.py``. This
package's ``__init__`` only says how they fit together and re-exports them; ``hubspot_associations`` imports it on
first use (``associate_many``, or ``AssociationRow``/``AssociationOutcome``), so importing the SDK stays cheap.

Design (shared by the sync and async clients):

* **Batches.** Rows are grouped by operation and object-type pair into batches of up to ``batch_size``
  (``_batches.py``: how rows are grouped, and how each row of a batch gets its exact outcome: confirmed, failed
  with the reason HubSpot gave for it, or sent again alone through the single-record PUT). ``batch_size=1`` sends
  each row alone, one request per row. A batch is one request for the pacer, the retries and the deadline.
* **Lazy input, flat memory.** ``concurrency`` workers pull the rows iterable (through the batcher, which holds at
  most one batch's worth of rows not yet in flight), so at most ``concurrency`` units (batches, or rows) are in
  flight and a bounded number of decided outcomes wait for the caller (a worker that had to wait for the caller
  to come back before its next request would leave its connection idle): a generator of ten million rows costs
  what a few batches cost. The input is never ``list()``-ed.
* **Outcomes as they complete**, not in input order: a row that is retrying with backoff never holds back the
  rows behind it, which keeps the pacer's budget in use. Each outcome carries its input ``index`` (and the row's
  ``line``, for files), so callers that need the input order (a journal keyed by line number does not) can sort.
* **One outcome per row, nothing dropped.** A row that fails validation, is refused by HubSpot, or runs out of
  retries becomes a failed :class:`AssociationOutcome` holding the typed error; the other rows carry on.
  Programming errors (anything not in :data:`RowError`) still propagate.
* **Stopping** (sync): ``stop=threading.Event()``; once set, no row is taken from the input, waits before a retry
  or a paced send end at once (a failed outcome with :class:`StoppedError`), and requests on the wire get
  ``grace`` seconds. The first request (a batch, or a row) is sent alone (for at most ``_SOLO_S``) so that a
  caller who stops on a run-wide failure (:func:`run_wide_failure`) has spent one request, not ``concurrency``.
* **Pacing.** Every attempt, retries included, reserves a slot from the client's :class:`~._pacing.Pacer` before it
  is sent, so the client's limit (configured, or adopted from HubSpot's ``X-HubSpot-RateLimit-*`` headers) is used
  fully and 429s are the exception, and absorbed by the retry policy when they happen.

* **Structured concurrency (async).** The async workers are tasks in an anyio task group that lives in the
  caller's ``async with`` block (:class:`AsyncBulkRun`), so the run works on asyncio and trio, and leaving the block
  cancels it (rows in flight get no outcome). ``stop=anyio.Event()`` and ``grace`` stop it as the sync run stops,
  with an outcome for every row taken from the input except those still on the wire after ``grace``.

Example::

    rows = (AssociationRow("contacts", c, "companies", k) for c, k in pairs)
    for outcome in client.associate_many(rows, concurrency=8, batch_size=100):
        if not outcome.ok:
            print(outcome.row, outcome.error)

    async with async_client.associate_many(rows, concurrency=8) as outcomes:
        async for outcome in outcomes:
            ...
"""

from __future__ import annotations

from .._constants import DEFAULT_CONCURRENCY
from ._async import AsyncBulkRun, associate_many_async
from ._batches import BulkStats, batch_size_of
from ._rows import AssociationOutcome, AssociationResult, AssociationRow, RowError
from ._sync import associate_many_sync, outcome_lists

__all__ = [
    "DEFAULT_CONCURRENCY",
    "AssociationOutcome",
    "AssociationResult",
    "AssociationRow",
    "AsyncBulkRun",
    "BulkStats",
    "RowError",
    "associate_many_async",
    "associate_many_sync",
    "batch_size_of",
    "outcome_lists",
]
