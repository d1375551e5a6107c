"""Defaults shared by the sync and async clients: one place for every number a caller might ask about."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.hubapi.com"
"""Where HubSpot's public API lives; the emulator is reached by passing another base URL."""

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""The whole call (every attempt, retry backoff and pacer wait) gets 30 s; each connect at most 5 s of it.

A plain number ``t`` means ``httpx.Timeout(t, connect=min(t, 5))``; an ``httpx.Timeout``'s largest finite value
is the call's budget and its fields cap each attempt's connect/read/write/pool waits (see ``_bounds.Deadline``).
"""

DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024
"""Decoded response bodies larger than this (1 MiB) are refused; an association answer is a few KB."""

DEFAULT_MAX_RETRIES = 4
"""Retries after the first attempt, so at most five attempts per call."""

MAX_TURNS_LOST = 60
"""A queued call (a row of ``associate_many``) retries a 429 for the rolling window this often on top of
``max_retries``: such a 429 is a turn lost to another client of the app, not the row's fault. Each one waits for
the window to move on (at most a window), so this is about ten minutes of a limit that others keep spent."""

INITIAL_RETRY_DELAY = 0.5
"""First exponential-backoff delay in seconds (doubled on every further retry)."""

MAX_RETRY_DELAY = 30.0
"""No single retry wait (backoff, rate-limit interval or ``Retry-After``) is longer than this, in seconds."""

# -- What the client adopts from a server, bounded (docs/rate-limits.md says which values HubSpot means) -----------
# A header outside these ranges is clamped into them; a negative, non-numeric or non-finite one is ignored.

MAX_WAIT = 60.0
"""No single wait the client takes on a server's word (pacer slot, 429 hold, retry) is longer than this, in s."""

RATE_LIMIT_MAX_RANGE = (1, 1000)
"""``X-HubSpot-RateLimit-Max``: HubSpot's limits are 100-250 per 10 s window (legacy: 15 per second)."""

RATE_LIMIT_INTERVAL_MS_RANGE = (100, 10_000)
"""``X-HubSpot-RateLimit-Interval-Milliseconds``: HubSpot's rolling windows are 1 s (legacy/search) and 10 s.

Longer windows would stall callers; shorter ones only cost 429s, and the emulator uses them to keep tests fast."""

DAILY_LIMIT_RANGE = (0, 10_000_000)
"""``X-HubSpot-RateLimit-Daily`` / ``-Daily-Remaining``: at most a few million requests per account per day."""

RETRY_AFTER_RANGE = (0.0, MAX_RETRY_DELAY)
"""``Retry-After`` / ``retry-after-ms`` in seconds (HubSpot documents neither; proxies and the emulator send them)."""

TOKEN_LIFETIME_RANGE = (10.0, 86_400.0)
"""An OAuth ``expires_in`` in seconds: HubSpot's access tokens live 30 minutes (6 hours before 2020)."""

MAX_JSON_DEPTH = 32
"""Levels of nesting the SDK keeps of JSON a server sent (an error's ``json_body``, ``context``, ``errors``, a batch
error item): HubSpot's error bodies nest 5 deep (``{"errors": [{"context": {"id": [...]}}]}``). Deeper values are
replaced, so that pickling, ``copy.deepcopy`` and logging an error stay far from Python's recursion limit (a ~900-deep
body, which ``json`` still parses, made both raise ``RecursionError``)."""

DEFAULT_REFRESH_MARGIN = 60.0
"""Refresh an OAuth access token this long before it expires, or at half its lifetime if that comes later."""

TOKEN_ENV_VAR = "HUBSPOT_ACCESS_TOKEN"
"""Environment variable read for a private-app (``pat-...``) or OAuth access token when none is passed."""

LOG_ENV_VAR = "HUBSPOT_ASSOCIATIONS_LOG"
"""Environment variable that switches on stderr logging: ``debug``, ``info``, ``warning`` or ``error``."""

OAUTH_TOKEN_URL_V1 = "https://api.hubapi.com/oauth/v1/token"
"""HubSpot's v1 token endpoint (deprecated from 2027-02-16)."""

OAUTH_TOKEN_URL_V3 = "https://api.hubapi.com/oauth/v3/token"
"""HubSpot's v3 token endpoint; same form fields as v1 for ``grant_type=refresh_token``."""

OAUTH_TOKEN_PATH_V1 = "/oauth/v1/token"
"""The v1 token path, resolved against the request's origin (useful with the emulator)."""

OAUTH_TOKEN_PATH_V3 = "/oauth/v3/token"
"""The v3 token path, resolved against the request's origin."""

# Response headers HubSpot sends (values are decimal strings).
HEADER_CORRELATION_ID = "X-HubSpot-Correlation-Id"
HEADER_RATE_LIMIT_MAX = "X-HubSpot-RateLimit-Max"
HEADER_RATE_LIMIT_REMAINING = "X-HubSpot-RateLimit-Remaining"
HEADER_RATE_LIMIT_INTERVAL_MS = "X-HubSpot-RateLimit-Interval-Milliseconds"
HEADER_RATE_LIMIT_DAILY = "X-HubSpot-RateLimit-Daily"
HEADER_RATE_LIMIT_DAILY_REMAINING = "X-HubSpot-RateLimit-Daily-Remaining"

DEFAULT_MAX_BATCH_SIZE = 100
"""Inputs per batch request unless the client's ``max_batch_size`` says otherwise. HubSpot documents no limit for
batch/create and batch/associate/default; 100 is what HubSpot's own tools send (docs/batch.md §2)."""

MAX_BATCH_SIZE = 2000
"""The largest ``max_batch_size`` a client accepts: the most any production integration is known to send in one
batch (docs/batch.md §2); HubSpot may refuse larger batches with a 400."""

PAGE_LIMIT = 500
"""HubSpot's largest (and default) page of ``listAssociations``."""

DEFAULT_MAX_ITEMS = 100_000
"""The most associated records one ``list_associations`` keeps unless ``max_items`` says otherwise."""

DEFAULT_MAX_PAGES = 1_000
"""The most pages one ``list_associations`` follows unless ``max_pages`` says otherwise."""

DEFAULT_CONCURRENCY = 8
"""Rows in flight at once in ``associate_many``. Enough to keep HubSpot's 190-per-10-s budget busy at ~1 s latency;
the pacer, not this number, decides the request rate."""
