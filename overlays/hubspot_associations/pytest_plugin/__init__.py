"""pytest plugin: the ``hubspot_emulator`` fixture, an offline HubSpot for your own test suite.

Registered through the ``pytest11`` entry point of ``hubspot-associations``; the fixture needs the ``emulator``
extra (``pip install "hubspot-associations[emulator]"``). Without it pytest runs as usual and only a test that asks
for the fixture fails, naming the extra. This module imports nothing from the emulator until a test asks.

One emulator per test session serves on a free loopback port (sync and async clients, any event loop); every test
gets it reset to a fresh configured state: no associations, no issued tokens, full quotas. Configure it per test
with ``@pytest.mark.hubspot_emulator(**EmulatorConfig fields)`` or at run time with the knobs of
``HubSpotEmulator``. For example:

    def test_links_contact_to_company(hubspot_emulator):
        with hubspot_emulator.client() as client:
            client.associate_default("contacts", "1000001", "companies", "2000001")
        assert len(hubspot_emulator.associations()) == 1
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from hubspot_associations import AsyncHubSpotAssociations, HubSpotAssociations, OAuthRefresh
    from hubspot_associations.emulator import Association, EmulatorConfig, EmulatorState, RunningEmulator, SystemClock

__all__ = ["HubSpotEmulator"]

_EXTRA_MISSING = (
    "the hubspot_emulator fixture needs the emulator extra: pip install 'hubspot-associations[emulator]' "
    "(missing: {missing})"
)


class HubSpotEmulator:
    """What the ``hubspot_emulator`` fixture gives a test: where the emulator is, credentials, state and knobs.

    * ``base_url``, ``token`` (a private-app style token with every default scope), ``oauth_client_id``,
      ``oauth_client_secret``, ``oauth_refresh_token``, ``oauth_token_url`` (v1 on the emulator);
    * ``config`` and ``state`` (an ``hubspot_associations.emulator.EmulatorState``: ``all_associations()``,
      ``request_log``, ``counts_by_status``, ``put_count``, ``token_grants``), ``associations()``, ``object_ids()``;
    * knobs: ``configure(**changes)``, ``inject_faults(*kinds, rate=1.0)``, ``clear_faults()``,
      ``set_rate_limit(limit, window_s)``, ``advance(seconds)`` (the emulator's clock), ``expire_token(token)``;
    * ``client(**kwargs)`` / ``async_client(**kwargs)`` / ``oauth(**kwargs)``: SDK objects pointed at it.
    """

    def __init__(self, running: RunningEmulator, clock: SystemClock) -> None:
        self._running = running
        self._clock = clock
        self.base_url: str = running.base_url

    # -- credentials ---------------------------------------------------------------------------------------------

    @property
    def token(self) -> str:
        """The first static access token of the current config (``emulator-token`` by default)."""
        return self._running.token

    @property
    def oauth_client_id(self) -> str:
        return next(iter(self.config.oauth_clients))

    @property
    def oauth_client_secret(self) -> str:
        return self.config.oauth_clients[self.oauth_client_id]

    @property
    def oauth_refresh_token(self) -> str:
        return sorted(self.config.oauth_refresh_tokens)[0]

    @property
    def oauth_token_url(self) -> str:
        return f"{self.base_url}/oauth/v1/token"

    # -- state ---------------------------------------------------------------------------------------------------

    @property
    def state(self) -> EmulatorState:
        return self._running.state

    @property
    def config(self) -> EmulatorConfig:
        return self._running.state.config

    def associations(self) -> list[Association]:
        """Every association stored so far, in the order they were made."""
        return self.state.all_associations()

    def object_ids(self, type_id: str) -> list[str]:
        """The seeded record ids of an object type id (``"0-1"`` → ``["1000001", ...]``)."""
        return self.state.object_ids(type_id)

    # -- knobs ---------------------------------------------------------------------------------------------------

    def configure(self, **changes: Any) -> EmulatorConfig:
        """Change ``hubspot_associations.emulator.EmulatorConfig`` fields now; stored data is kept."""
        import attrs

        config = attrs.evolve(self.config, **changes)
        self.state.reconfigure(config)
        return config

    def inject_faults(self, *kinds: str, rate: float = 1.0, seed: int | None = None) -> None:
        """Answer association PUTs with faults (``"503"``, ``"502_html"``, ``"drop"``, ...) at ``rate``."""
        from hubspot_associations.emulator._facts import DEFAULT_FAULTS

        self.configure(fault_rate=rate, faults=kinds or DEFAULT_FAULTS, seed=seed)

    def clear_faults(self) -> None:
        """Stop injecting faults."""
        self.configure(fault_rate=0.0)

    def set_rate_limit(self, limit: int | None, window_s: float = 10.0, *, daily: int | None = None) -> None:
        """Requests per rolling window (``None``: unlimited) and per day; windows start empty."""
        self.configure(rate_limit=limit, rate_window_s=window_s, daily_limit=daily)

    def advance(self, seconds: float) -> None:
        """Move the emulator's clock forward: tokens expire and rate windows clear without waiting."""
        self._clock.advance(seconds)

    def expire_token(self, token: str) -> None:
        """Make an issued (or static) access token expired as of now."""
        self.state.expire_token(token)

    # -- SDK objects ---------------------------------------------------------------------------------------------

    def client(self, **kwargs: Any) -> HubSpotAssociations:
        """A ``hubspot_associations.HubSpotAssociations`` for the emulator (``token`` unless ``auth=``)."""
        from hubspot_associations import HubSpotAssociations

        return HubSpotAssociations(**self._client_arguments(kwargs))

    def async_client(self, **kwargs: Any) -> AsyncHubSpotAssociations:
        """The same as ``client``, for ``hubspot_associations.AsyncHubSpotAssociations``."""
        from hubspot_associations import AsyncHubSpotAssociations

        return AsyncHubSpotAssociations(**self._client_arguments(kwargs))

    def oauth(self, **kwargs: Any) -> OAuthRefresh:
        """An ``hubspot_associations.OAuthRefresh`` with the emulator's OAuth credentials and token URL."""
        from hubspot_associations import OAuthRefresh

        arguments: dict[str, Any] = {
            "client_id": self.oauth_client_id,
            "client_secret": self.oauth_client_secret,
            "refresh_token": self.oauth_refresh_token,
            "token_url": self.oauth_token_url,
            **kwargs,
        }
        return OAuthRefresh(**arguments)

    def _client_arguments(self, kwargs: dict[str, Any]) -> dict[str, Any]:
        arguments: dict[str, Any] = {"base_url": self.base_url, **kwargs}
        if "auth" not in arguments:
            arguments.setdefault("access_token", self.token)
        return arguments

    def __repr__(self) -> str:
        return f"HubSpotEmulator(base_url={self.base_url!r})"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "hubspot_emulator(**fields): EmulatorConfig fields for this test's hubspot_emulator"
    )


def _missing_extra() -> list[str]:
    return [name for name in ("starlette", "uvicorn") if importlib.util.find_spec(name) is None]


@pytest.fixture(scope="session")
def _hubspot_emulator_session() -> Iterator[tuple[RunningEmulator, SystemClock]]:
    missing = _missing_extra()
    if missing:
        pytest.fail(_EXTRA_MISSING.format(missing=", ".join(missing)), pytrace=False)
    from hubspot_associations.emulator import SystemClock, run_emulator_in_thread

    clock = SystemClock()
    with run_emulator_in_thread(clock=clock) as running:
        yield running, clock


@pytest.fixture
def hubspot_emulator(
    request: pytest.FixtureRequest, _hubspot_emulator_session: tuple[RunningEmulator, SystemClock]
) -> HubSpotEmulator:
    """An offline HubSpot (the package's emulator) reset for this test; see ``HubSpotEmulator``."""
    from hubspot_associations.emulator import EmulatorConfig

    running, clock = _hubspot_emulator_session
    marker = request.node.get_closest_marker("hubspot_emulator")
    config = EmulatorConfig(**marker.kwargs) if marker is not None else EmulatorConfig()
    running.state.reconfigure(config)
    running.state.reset()
    return HubSpotEmulator(running, clock)
