"""The emulator's in-memory store: associations, tokens, quotas, fault RNG and request counters."""

from __future__ import annotations

import random
import secrets
import threading
from collections import Counter, deque
from collections.abc import Iterable
from typing import NamedTuple

import attrs

from ._catalog import Catalog
from ._clock import Clock, SystemClock
from ._config import EmulatorConfig
from ._faults import draw_fault
from ._rate_limit import RateDecision, RateLimiter

_REQUEST_LOG_SIZE = 100_000


class Association(NamedTuple):
    """One stored, directional association (ids as decimal strings)."""

    from_type_id: str
    from_id: str
    to_type_id: str
    to_id: str
    category: str
    type_id: int


@attrs.frozen
class TokenGrant:
    """What an access token may do: its scopes, expiry (epoch seconds, ``None`` = never) and quota key."""

    scopes: frozenset[str]
    expires_at: float | None
    app_key: str
    oauth: bool


class EmulatorState:
    """Thread-safe in-memory state of one emulated portal.

    Only the directions a client asked for are stored: the reverse association HubSpot creates automatically is
    reported in responses but not stored, so ``all_associations`` holds one row per requested association.
    Dropped connections are logged with status ``0``. Time (token expiry, rate windows, timestamps) comes from
    ``clock``: a ``SystemClock`` unless another ``Clock`` (e.g. a ``ManualClock``) is given.
    """

    config: EmulatorConfig
    catalog: Catalog

    def __init__(self, config: EmulatorConfig | None = None, *, clock: Clock | None = None) -> None:
        self.clock: Clock = clock or SystemClock()
        self._lock = threading.Lock()
        self._configure(config or EmulatorConfig())

    def _configure(self, config: EmulatorConfig) -> None:
        self.config = config
        self.catalog = Catalog(config)
        self._limiter = RateLimiter(config.rate_limit, config.rate_window_s, config.daily_limit)
        self._init_mutable()

    def _init_mutable(self) -> None:
        self._associations: dict[Association, None] = {}
        self._per_pair: Counter[tuple[str, str, str, str]] = Counter()  # stored associations of each record pair
        self._by_from: dict[tuple[str, str], dict[Association, None]] = {}
        self._put_count = 0
        self._batch_count = 0
        self._applied_pairs = 0
        self._token_grants = 0
        self._request_log: deque[tuple[str, str, int]] = deque(maxlen=_REQUEST_LOG_SIZE)
        self._counts: Counter[int] = Counter()
        self._tokens: dict[str, TokenGrant] = self._static_tokens()
        self._rng = random.Random(self.config.seed)
        self._limiter.reset()

    def _static_tokens(self) -> dict[str, TokenGrant]:
        return {
            token: TokenGrant(frozenset(scopes), None, f"private-app:{token}", False)
            for token, scopes in self.config.tokens.items()
        }

    def reset(self) -> None:
        """Return to the freshly configured state (associations, counters, issued tokens, quotas, RNG)."""
        with self._lock:
            self._init_mutable()

    def reconfigure(self, config: EmulatorConfig) -> None:
        """Serve ``config`` from now on (a running server picks it up with the next request).

        Stored associations, counters, the request log and issued OAuth tokens are kept; the catalog, the
        configured static tokens, rate-limit windows and the fault RNG start afresh from ``config``.
        """
        with self._lock:
            issued = {token: grant for token, grant in self._tokens.items() if grant.oauth}
            self.config = config
            self.catalog = Catalog(config)
            self._limiter = RateLimiter(config.rate_limit, config.rate_window_s, config.daily_limit)
            self._tokens = {**self._static_tokens(), **issued}
            self._rng = random.Random(config.seed)

    # -- records and associations ------------------------------------------------------------------------------

    def object_ids(self, type_id: str) -> list[str]:
        """The seeded record ids of an object type id (``"0-1"`` → ``["1000001", ...]``)."""
        return [str(number) for number in self.catalog.object_ids(type_id)]

    def association_types(self, from_type_id: str, to_type_id: str) -> list[tuple[str, int]]:
        """The ``(category, type id)`` pairs the portal accepts from one object type id to another."""
        with self._lock:
            return self.catalog.association_types(from_type_id, to_type_id)

    def associations(self, from_type_id: str, from_id: str) -> list[Association]:
        """Associations stored from one record, in insertion order."""
        with self._lock:
            return list(self._by_from.get((from_type_id, str(from_id)), ()))

    def all_associations(self) -> list[Association]:
        """Every stored association, in insertion order."""
        with self._lock:
            return list(self._associations)

    def association_counts(self) -> tuple[int, int]:
        """How many associations are stored, and between how many distinct record pairs (kept as they change:
        ``GET /_emulator/stats`` is polled during benchmarks and must not cost a pass over every association)."""
        with self._lock:
            return len(self._associations), len(self._per_pair)

    def apply(self, rows: Iterable[Association], *, batch: bool = False) -> None:
        """Store associations idempotently and count one applied PUT (or, with ``batch``, one batch request) and
        the distinct record pairs it applied (see `applied_pairs`)."""
        pairs: set[tuple[str, str, str, str]] = set()
        with self._lock:
            if batch:
                self._batch_count += 1
            else:
                self._put_count += 1
            for row in rows:
                pair = (row.from_type_id, row.from_id, row.to_type_id, row.to_id)
                pairs.add(pair)
                if row not in self._associations:
                    self._associations[row] = None
                    self._by_from.setdefault((row.from_type_id, row.from_id), {})[row] = None
                    self._per_pair[pair] += 1
            self._applied_pairs += len(pairs)

    def associated(self, from_type_id: str, from_id: str, to_type_id: str) -> list[tuple[str, list[Association]]]:
        """The records of ``to_type_id`` associated from one record, each with its stored associations, in the
        order they were first associated (what a read answers, page by page)."""
        grouped: dict[str, list[Association]] = {}
        with self._lock:
            for row in self._by_from.get((from_type_id, str(from_id)), ()):
                if row.to_type_id == to_type_id:
                    grouped.setdefault(row.to_id, []).append(row)
        return list(grouped.items())

    def remove(
        self,
        pairs: Iterable[tuple[str, str, str, str]],
        specs: Iterable[tuple[str, int]] | None = None,
    ) -> int:
        """Remove the associations between each ``(from_type_id, from_id, to_type_id, to_id)`` pair: all of them,
        both stored directions (``specs`` ``None``), or only those of ``specs`` from ``from`` to ``to``. Returns how
        many stored associations went. The out-of-band removal of ``POST /_emulator/associations/remove`` too."""
        only = None if specs is None else set(specs)
        removed = 0
        with self._lock:
            for from_type_id, from_id, to_type_id, to_id in pairs:
                sides = [(from_type_id, from_id, to_type_id, to_id)]
                if only is None:
                    sides.append((to_type_id, to_id, from_type_id, from_id))
                for a_type, a_id, b_type, b_id in sides:
                    stored = self._by_from.get((a_type, a_id))
                    if not stored:
                        continue
                    gone = [
                        row
                        for row in stored
                        if row.to_type_id == b_type
                        and row.to_id == b_id
                        and (only is None or (row.category, row.type_id) in only)
                    ]
                    for row in gone:
                        del stored[row]
                        del self._associations[row]
                        pair = (row.from_type_id, row.from_id, row.to_type_id, row.to_id)
                        self._per_pair[pair] -= 1
                        if not self._per_pair[pair]:
                            del self._per_pair[pair]
                    removed += len(gone)
        return removed

    @property
    def put_count(self) -> int:
        """How many association PUTs were applied, repeats included."""
        with self._lock:
            return self._put_count

    @property
    def applied_pairs(self) -> int:
        """How many record pairs the applied PUTs and batches stored, each request's distinct pairs counted, repeats
        across requests included: equal to the distinct pairs stored exactly when no pair was sent twice."""
        with self._lock:
            return self._applied_pairs

    @property
    def batch_count(self) -> int:
        """How many batch requests were applied (whatever their inputs came to), repeats included."""
        with self._lock:
            return self._batch_count

    # -- requests ------------------------------------------------------------------------------------------------

    def record(self, method: str, path: str, status: int) -> None:
        """Log one answered (or dropped, status 0) request."""
        with self._lock:
            self._request_log.append((method, path, status))
            self._counts[status] += 1

    @property
    def request_log(self) -> list[tuple[str, str, int]]:
        """The last requests as ``(method, path, status)``, oldest first."""
        with self._lock:
            return list(self._request_log)

    @property
    def counts_by_status(self) -> dict[int, int]:
        """How many requests were answered with each status (0 = dropped connection)."""
        with self._lock:
            return dict(self._counts)

    def consume_quota(self, grant: TokenGrant) -> RateDecision:
        """Count one request against the token's app window and the account's daily limit."""
        with self._lock:
            return self._limiter.consume(grant.app_key, self.clock.monotonic(), daily_headers=not grant.oauth)

    # -- tokens --------------------------------------------------------------------------------------------------

    def token(self, access_token: str) -> TokenGrant | None:
        """The grant behind an access token, or ``None`` when it is unknown."""
        with self._lock:
            return self._tokens.get(access_token)

    def issue_token(self, client_id: str) -> tuple[str, TokenGrant]:
        """Issue a new OAuth access token for ``client_id`` and count the grant."""
        access_token = "emu-" + secrets.token_urlsafe(24)
        grant = TokenGrant(
            self.config.default_scopes,
            self.clock.time() + self.config.oauth_token_lifetime_s,
            f"oauth:{client_id}",
            True,
        )
        with self._lock:
            self._tokens[access_token] = grant
            self._token_grants += 1
        return access_token, grant

    def expire_token(self, access_token: str) -> None:
        """Make a known token expired as of now (static tokens too); raises ``KeyError`` for unknown tokens."""
        with self._lock:
            grant = self._tokens[access_token]
            self._tokens[access_token] = attrs.evolve(grant, expires_at=self.clock.time() - 1.0)

    @property
    def token_grants(self) -> int:
        """How many OAuth access tokens were issued (refreshes)."""
        with self._lock:
            return self._token_grants

    # -- faults --------------------------------------------------------------------------------------------------

    def draw_fault(self) -> str | None:
        """Draw the fault (if any) for one association request (a PUT or a batch) from the seeded RNG."""
        with self._lock:
            return draw_fault(self._rng, self.config.fault_rate, self.config.faults)
