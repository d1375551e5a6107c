"""Configuration of the emulator: tokens, seeded records, limits, faults and OAuth clients."""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from .._api_versions import API_VERSIONS, ApiVersion, api_version_of
from ._facts import (
    BATCH_READ_LIMIT,
    DEFAULT_BATCH_INPUT_LIMIT,
    DEFAULT_DAILY_LIMIT,
    DEFAULT_FAULTS,
    DEFAULT_RATE_LIMIT,
    DEFAULT_RATE_WINDOW_S,
    FAULT_KINDS,
    OAUTH_TOKEN_LIFETIME_S,
)

DEFAULT_SCOPES: frozenset[str] = frozenset(
    f"crm.objects.{kind}.{access}"
    for kind in ("contacts", "companies", "deals", "tickets", "custom")
    for access in ("read", "write")
)
"""Read and write scopes for contacts, companies, deals, tickets and custom objects."""

DEFAULT_TOKEN = "emulator-token"
"""The static (private-app style) access token configured by default."""


@attrs.frozen
class PortalLabel:
    """An association type defined by the emulated portal for one object pair.

    ``label`` is ``None`` for an unlabeled type; a ``HUBSPOT_DEFINED`` unlabeled entry is the pair's default
    association type (used for custom objects, whose defaults are portal-specific).
    """

    category: str
    type_id: int
    label: str | None = None


def _default_portal_labels() -> dict[tuple[str, str], tuple[PortalLabel, ...]]:
    return {
        ("0-1", "0-2"): (PortalLabel("USER_DEFINED", 36, "Manager"),),
        ("0-2", "0-1"): (PortalLabel("USER_DEFINED", 35, "Managed company"),),
        ("0-1", "2-3456"): (PortalLabel("HUBSPOT_DEFINED", 5001), PortalLabel("USER_DEFINED", 5003, "Driver")),
        ("2-3456", "0-1"): (PortalLabel("HUBSPOT_DEFINED", 5002), PortalLabel("USER_DEFINED", 5004, "Car driven")),
    }


def _check_fault_rate(_instance: object, _attribute: object, value: float) -> None:
    if not 0.0 <= value <= 1.0:
        raise ValueError(f"fault_rate must be within 0..1, got {value}")


def _check_api_versions(_instance: object, _attribute: object, value: tuple[str, ...] | None) -> None:
    if value is None:
        return
    if not value:
        raise ValueError("api_versions must name at least one version (None serves all of them)")
    for name in value:
        api_version_of(name, "api_versions")  # InvalidInputError (a ValueError) naming the supported versions


def _check_faults(_instance: object, _attribute: object, value: tuple[str, ...]) -> None:
    unknown = sorted(set(value) - FAULT_KINDS)
    if unknown:
        raise ValueError(f"unknown fault kinds {unknown}; choose from {sorted(FAULT_KINDS)}")


@attrs.frozen
class EmulatorConfig:
    """How the emulated HubSpot portal behaves.

    Records are seeded per object type: ``seed_objects["0-1"] = 5000`` creates contacts with ids
    ``1000001..1005000`` (see ``EmulatorState.object_ids``). Rate limiting uses a rolling window of
    ``rate_window_s`` seconds; ``None`` disables a limit (and its headers). Private-app tokens get the daily-limit
    headers on every answer, OAuth tokens never. ``faults`` are drawn from ``FAULT_KINDS``: ``"500"`` and
    ``"503"`` (HubSpot's JSON errors), ``"502_html"`` and ``"520_html"`` … ``"527_html"`` (Cloudflare's HTML pages),
    ``"drop"`` and ``"drop_after_commit"`` (the connection drops before or after the association is stored).
    ``batch_input_limit`` is the most inputs a batch request may carry (more: a 400); ``batch_read_limit`` the
    most ids one ``batch/read`` may carry (HubSpot's 1,000; more: a 400).
    ``api_versions`` names the HubSpot API versions served (``None``: every version the SDK knows, each on its own
    paths, e.g. ``("2026-09",)`` to prove a client no longer calls v4); a path of another version answers 404.

    For example:

        EmulatorConfig(rate_limit=10, rate_window_s=1.0, fault_rate=0.2, faults=("503",), seed=7)
    """

    tokens: Mapping[str, frozenset[str]] = attrs.field(factory=lambda: {DEFAULT_TOKEN: DEFAULT_SCOPES})
    seed_objects: Mapping[str, int] = attrs.field(
        factory=lambda: {"0-1": 5000, "0-2": 5000, "0-3": 2000, "0-5": 2000, "2-3456": 1000}
    )
    custom_objects: Mapping[str, str] = attrs.field(factory=lambda: {"2-3456": "cars"})
    portal_id: int = 12345
    rate_limit: int | None = DEFAULT_RATE_LIMIT
    rate_window_s: float = DEFAULT_RATE_WINDOW_S
    daily_limit: int | None = DEFAULT_DAILY_LIMIT
    fault_rate: float = attrs.field(default=0.0, validator=_check_fault_rate)
    faults: tuple[str, ...] = attrs.field(default=DEFAULT_FAULTS, validator=_check_faults)
    latency_s: float = 0.0
    seed: int | None = None
    oauth_clients: Mapping[str, str] = attrs.field(factory=lambda: {"emulator-client": "emulator-secret"})
    oauth_refresh_tokens: frozenset[str] = frozenset({"emulator-refresh"})
    oauth_token_lifetime_s: int = OAUTH_TOKEN_LIFETIME_S
    portal_labels: Mapping[tuple[str, str], tuple[PortalLabel, ...]] = attrs.field(factory=_default_portal_labels)
    default_scopes: frozenset[str] = DEFAULT_SCOPES
    batch_input_limit: int = DEFAULT_BATCH_INPUT_LIMIT
    batch_read_limit: int = BATCH_READ_LIMIT
    api_versions: tuple[str, ...] | None = attrs.field(default=None, validator=_check_api_versions)

    def served_api_versions(self) -> list[ApiVersion]:
        """The ``ApiVersion`` of each version served, in the SDK's order (oldest first)."""
        names = API_VERSIONS if self.api_versions is None else self.api_versions
        return [API_VERSIONS[name] for name in API_VERSIONS if name in names]
