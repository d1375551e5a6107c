"""An offline, stateful HubSpot CRM v4 associations API for tests, demos and benchmarks.

It answers like real HubSpot (numeric ids in labelled responses, JSON errors with HubSpot's messages, Cloudflare's
HTML 502/52x, 429 without ``Retry-After``, OAuth expiry) and can inject faults from a seeded RNG; time comes from an
injectable ``Clock``. ``docs/emulator.md`` lists what is modelled and what is not.

Seeded record ids: contacts (``0-1``) ``1000001..``, companies
(``0-2``) ``2000001..``, deals (``0-3``) ``3000001..``, tickets (``0-5``) ``5000001..``; custom objects start at
``20000000001`` (beyond 2**31) in ``custom_objects`` order, one billion apart. Ask ``EmulatorState.object_ids``.

Where each concern lives:

* ``_facts`` -- HubSpot's messages, headers, limits, categories and fault kinds: one table (``docs/emulator.md``).
* ``_catalog`` -- object types and association types of the portal (its own, not the SDK's: an independent oracle).
* ``_config`` -- ``EmulatorConfig``: tokens, seeded records, limits, faults, OAuth clients, portal labels.
* ``_state`` -- the in-memory store: associations, tokens, quotas, the fault RNG, request counters.
* ``_app`` -- the Starlette app: association PUTs, OAuth token refresh, ``/_emulator`` inspection routes.
* ``_specs`` -- parsing the labelled PUT's body; ``_errors`` -- HubSpot-shaped error bodies.
* ``_rate_limit`` -- rolling-window and daily limits; ``_faults`` -- Cloudflare pages and dropped connections.
* ``_clock`` -- ``Clock``, ``SystemClock``, ``ManualClock``.
* ``_server`` -- serving with uvicorn, blocking or in a thread; ``_command`` -- ``python -m`` options (its
  ``--rate-limit`` is read by the SDK's ``_validation.parse_rate_limit``, the same parser as the CLI's).

For example:

    with run_emulator_in_thread(EmulatorConfig(fault_rate=0.1, seed=3)) as emulator:
        ...  # point a client at emulator.base_url with token emulator.token
"""

from ._app import create_app
from ._clock import Clock, ManualClock, SystemClock
from ._command import main
from ._config import DEFAULT_SCOPES, DEFAULT_TOKEN, EmulatorConfig, PortalLabel
from ._facts import FAULT_KINDS
from ._faults import ConnectionDropped
from ._server import RunningEmulator, run_emulator_in_thread, serve
from ._state import Association, EmulatorState

__all__ = [
    "DEFAULT_SCOPES",
    "DEFAULT_TOKEN",
    "FAULT_KINDS",
    "Association",
    "Clock",
    "ConnectionDropped",
    "EmulatorConfig",
    "EmulatorState",
    "ManualClock",
    "PortalLabel",
    "RunningEmulator",
    "SystemClock",
    "create_app",
    "main",
    "run_emulator_in_thread",
    "serve",
]
