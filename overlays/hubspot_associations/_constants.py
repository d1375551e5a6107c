"""Defaults shared by the sync and async clients: one place for every number a caller might ask about."""

from __future__ import annotations

import httpx

DEFAULT_BASE_URL = "https://api.hubapi.com"
"""Where HubSpot's public API lives; the emulator is reached by passing another base URL."""

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=5.0)
"""30 s for a whole read/write/pool wait, 5 s to connect: association calls are small, a slow connect is a dead host."""

DEFAULT_MAX_RETRIES = 4
"""Retries after the first attempt, so at most five attempts per call."""

INITIAL_RETRY_DELAY = 0.5
"""First exponential-backoff delay in seconds (doubled on every further retry)."""

MAX_RETRY_DELAY = 30.0
"""No single wait (backoff, rate-limit interval or ``Retry-After``) is longer than this, in seconds."""

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

DEFAULT_CONCURRENCY = 8
"""Rows in flight at once in ``associate_many``. Enough to keep HubSpot's 190-per-10-s budget busy at ~1 s latency;
the pacer, not this number, decides the request rate."""
