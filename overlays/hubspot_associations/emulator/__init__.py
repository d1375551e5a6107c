"""An offline, stateful HubSpot CRM v4 associations API for tests, demos and benchmarks.

It answers like real HubSpot (numeric ids in labelled responses, JSON errors with HubSpot's messages, Cloudflare's
HTML 502/52x, 429 without ``Retry-After``, OAuth expiry) and can inject faults from a seeded RNG; time comes from an
injectable :class:`Clock`. ``docs/emulator.md`` lists what is modelled and what is not.

Seeded record ids: contacts (``0-1``) ``1000001..``, companies
(``0-2``) ``2000001..``, deals (``0-3``) ``3000001..``, tickets (``0-5``) ``5000001..``; custom objects start at
``20000000001`` (beyond 2**31) in ``custom_objects`` order, one billion apart. Ask :meth:`EmulatorState.object_ids`.

Example::

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
