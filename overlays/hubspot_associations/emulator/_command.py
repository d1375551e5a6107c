"""The emulator's command line (``hubspot-associations emulator``, ``python -m hubspot_associations.emulator``).

One parser for both spellings: the ``hubspot-associations emulator`` command hands its arguments here unchanged,
so every option and its help live in :func:`build_parser` only. :func:`main` prints a banner (where it listens,
its limits, the seeded record ids and its fake credentials) and serves until Ctrl-C.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import sys
import textwrap
from collections.abc import Callable, Sequence

from .._api_versions import API_VERSIONS, api_version_of
from .._validation import InvalidInputError, parse_rate_limit
from ._catalog import STANDARD_TYPES, Catalog
from ._config import DEFAULT_SCOPES, DEFAULT_TOKEN, EmulatorConfig
from ._facts import DEFAULT_BATCH_INPUT_LIMIT, DEFAULT_DAILY_LIMIT, DEFAULT_FAULTS, DEFAULT_RATE_WINDOW_S, FAULT_KINDS
from ._server import listening_socket, serve

__all__ = ["banner", "build_parser", "config_from_args", "main"]

DEFAULT_PROG = "python -m hubspot_associations.emulator"
_OFF = ("none", "off", "0")

_DESCRIPTION = (
    "Serve an offline, stateful HubSpot CRM associations API (every version, single and batch) until Ctrl-C, for "
    "tests, demos and trying the SDK and the CLI without a portal. It answers like HubSpot: its errors, rate limits "
    "(429), OAuth refresh, and, on request, injected faults. Its credentials are fake and printed on start."
)
_EPILOG = (
    "Example, then point the SDK or the CLI at it:\n"
    "  %(prog)s --port 8765 --rate-limit 100/10 --fault-rate 0.1 --seed 7 --log-requests\n"
    "  export HUBSPOT_BASE_URL=http://127.0.0.1:8765 HUBSPOT_ACCESS_TOKEN=emulator-token"
)


class _Formatter(argparse.HelpFormatter):
    """Each line of the description and epilog is a paragraph wrapped to the terminal, except indented lines
    (commands, kept as they are); words with hyphens are never split across lines."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return textwrap.wrap(" ".join(text.split()), width, break_on_hyphens=False)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(
            line
            if line.startswith("  ")
            else textwrap.fill(line, width, initial_indent=indent, subsequent_indent=indent, break_on_hyphens=False)
            for line in text.splitlines()
        )


def _rate_limit(text: str) -> tuple[int | None, float]:
    """``none``/``off``/``0``: no limit; else N[/SECONDS] read by the SDK CLI's own parser (same words, same errors)."""
    if text.lower() in _OFF:
        return None, DEFAULT_RATE_WINDOW_S
    try:
        return parse_rate_limit(text, default_window=DEFAULT_RATE_WINDOW_S)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _daily_limit(text: str) -> int | None:
    if text.lower() in _OFF:
        return None
    try:
        limit = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of requests per day or 'off', got {text!r}") from None
    if limit < 0:
        raise argparse.ArgumentTypeError(f"expected a number of requests per day or 'off', got {text!r}")
    return limit


def _batch_limit(text: str) -> int:
    try:
        limit = int(text)
    except ValueError:
        limit = 0
    if limit < 1:
        raise argparse.ArgumentTypeError(f"expected a number of inputs of at least 1, got {text!r}")
    return limit


def _faults(text: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    unknown = sorted(set(kinds) - FAULT_KINDS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown fault kinds {unknown}; choose from {sorted(FAULT_KINDS)}")
    return kinds


def _number(low: float, high: float, what: str) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}")
        return value

    return parse


def _api_version(text: str) -> str:
    try:
        return api_version_of(text, "--api-version").name
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is 0..65535 (0: any free port), got {port}")
    return port


def build_parser(prog: str = DEFAULT_PROG) -> argparse.ArgumentParser:
    """The emulator's command-line options, each with a sentence of help."""
    parser = argparse.ArgumentParser(prog=prog, description=_DESCRIPTION, epilog=_EPILOG, formatter_class=_Formatter)
    listen = parser.add_argument_group("where it listens")
    listen.add_argument(
        "--host", default="127.0.0.1", help="Interface to bind (default: 127.0.0.1, this machine only)."
    )
    listen.add_argument(
        "--port", type=_port, default=8765, help="TCP port; 0 picks a free one, shown in the banner (default: 8765)."
    )
    limits = parser.add_argument_group("limits")
    limits.add_argument(
        "--rate-limit",
        type=_rate_limit,
        default=(190, DEFAULT_RATE_WINDOW_S),
        metavar="N[/SECONDS]|off",
        help="Requests per app per rolling window of SECONDS, more is a 429; N alone means per 10 s, HubSpot's window "
        "(default: 190/10, a Professional or Enterprise private app).",
    )
    limits.add_argument(
        "--daily-limit",
        type=_daily_limit,
        default=DEFAULT_DAILY_LIMIT,
        metavar="N|off",
        help=f"Requests per day for private-app tokens, more is a 429 (DAILY); OAuth tokens have none "
        f"(default: {DEFAULT_DAILY_LIMIT}, Enterprise; Free and Starter have 250000).",
    )
    limits.add_argument(
        "--batch-limit",
        type=_batch_limit,
        default=DEFAULT_BATCH_INPUT_LIMIT,
        metavar="N",
        help=f"Most inputs one batch request may carry, more is a 400; HubSpot documents no limit (default: "
        f"{DEFAULT_BATCH_INPUT_LIMIT}, the most a production integration is known to send).",
    )
    faults = parser.add_argument_group("faults and latency")
    faults.add_argument(
        "--fault-rate",
        type=_number(0.0, 1.0, "a share from 0 to 1"),
        default=0.0,
        metavar="P",
        help="Share of association requests, single or batch (0 to 1), answered with a fault from --faults instead "
        "(default: 0).",
    )
    faults.add_argument(
        "--faults",
        type=_faults,
        default=DEFAULT_FAULTS,
        metavar="KIND,...",
        help="Fault kinds to draw from: 500 and 503 (HubSpot's JSON errors), 502_html and 520_html to 527_html "
        "(Cloudflare's HTML pages), drop and drop_after_commit (the connection closes before or after the "
        f"association is stored) (default: {','.join(DEFAULT_FAULTS)}).",
    )
    faults.add_argument(
        "--latency-ms",
        type=_number(0.0, 60_000.0, "milliseconds from 0 to 60000"),
        default=0.0,
        metavar="MS",
        help="Delay every association request by MS milliseconds, like a network round trip (default: 0).",
    )
    faults.add_argument(
        "--seed", type=int, default=None, help="Seed for the fault draws, to repeat a run exactly (default: random)."
    )
    credentials = parser.add_argument_group("credentials (fake: never pass a real HubSpot token)")
    credentials.add_argument(
        "--token",
        default=DEFAULT_TOKEN,
        help=f"The static private-app access token it accepts, with every default scope (default: {DEFAULT_TOKEN}). "
        "A token given here is not printed.",
    )
    output = parser.add_argument_group("output")
    output.add_argument(
        "--log-requests",
        action="store_true",
        help="Print one line per request to stdout: method, path, status (or 'dropped') and time taken.",
    )
    api = parser.add_argument_group("API versions")
    api.add_argument(
        "--api-version",
        type=_api_version,
        action="append",
        dest="api_versions",
        metavar="VERSION",
        help=f"Serve only this HubSpot API version, repeatable: one of {', '.join(API_VERSIONS)} (default: every "
        "version at once, each on its own paths). Serving only a dated one shows a client no longer calls v4.",
    )
    return parser


def config_from_args(argv: Sequence[str] | None = None, *, prog: str = DEFAULT_PROG) -> tuple[EmulatorConfig, str, int]:
    """Parse ``argv`` into ``(config, host, port)``; exits with status 2 on bad options."""
    config, host, port, _log = _parse(argv, prog)
    return config, host, port


def _parse(argv: Sequence[str] | None, prog: str) -> tuple[EmulatorConfig, str, int, bool]:
    parser = build_parser(prog)
    args = parser.parse_args(argv)
    rate_limit, window_s = args.rate_limit
    try:
        config = EmulatorConfig(
            tokens={args.token: DEFAULT_SCOPES},
            rate_limit=rate_limit,
            rate_window_s=window_s,
            daily_limit=args.daily_limit,
            fault_rate=args.fault_rate,
            faults=args.faults,
            latency_s=args.latency_ms / 1000.0,
            seed=args.seed,
            batch_input_limit=args.batch_limit,
            api_versions=None if args.api_versions is None else tuple(args.api_versions),
        )
    except ValueError as exc:
        parser.error(str(exc))
    return config, args.host, args.port, args.log_requests


def banner(config: EmulatorConfig, base_url: str, *, log_requests: bool = False) -> list[str]:
    """What the emulator prints on start: where it listens, its limits and faults, its records and credentials.

    A token the user chose (``--token``) is not printed: it might be a real one; the default token and the OAuth
    client credentials are the emulator's own fakes, printed so they can be copied.
    """
    window = f"{config.rate_window_s:g} s"
    limit = (
        "off"
        if config.rate_limit is None
        else f"{config.rate_limit} requests per {window} rolling window per app (429 beyond it)"
    )
    daily = (
        "off" if config.daily_limit is None else f"{config.daily_limit:,} requests per day (private-app tokens only)"
    )
    faults = (
        "none"
        if config.fault_rate == 0
        else f"{config.fault_rate:.0%} of association requests, drawn from {', '.join(config.faults)}"
        + ("" if config.seed is None else f" (seed {config.seed})")
    )
    if config.latency_s:
        faults += f"; every request waits {config.latency_s * 1000:g} ms"
    records = [f"{name} ({type_id}) {ids.start}..{ids.stop - 1}" for name, type_id, ids in _seeded(config)]
    token = next(iter(config.tokens))
    own = token == DEFAULT_TOKEN
    (client_id, client_secret), *_ = config.oauth_clients.items()
    refresh = ", ".join(sorted(config.oauth_refresh_tokens))
    versions = ", ".join(version.name for version in config.served_api_versions())
    return [
        f"HubSpot emulator: {base_url}",
        f"  rate limit     {limit}",
        f"  daily limit    {daily}",
        f"  batch limit    {config.batch_input_limit:,} inputs per batch request (400 beyond it)",
        f"  API versions   {versions} (each on its own paths)",
        f"  faults         {faults}",
        *(f"  {'records' if n == 0 else '':<15}{line}" for n, line in enumerate(records)),
        f"  access token   {token if own else 'the one given with --token (not shown)'}",
        f"  OAuth          client id {client_id}, client secret {client_secret}, refresh token {refresh}",
        f"  try            export HUBSPOT_BASE_URL={base_url} HUBSPOT_ACCESS_TOKEN={token if own else '<--token>'}",
        "  requests       " + ("logged below, one line each" if log_requests else "not logged (--log-requests)"),
        "Ctrl-C stops it.",
    ]


def _seeded(config: EmulatorConfig) -> list[tuple[str, str, range]]:
    catalog = Catalog(config)
    names = {object_type.type_id: aliases[-1] for object_type, aliases in STANDARD_TYPES} | dict(config.custom_objects)
    return [
        (names.get(type_id, type_id), type_id, catalog.object_ids(type_id))
        for type_id, count in config.seed_objects.items()
        if count > 0
    ]


def main(argv: Sequence[str] | None = None, *, prog: str = DEFAULT_PROG) -> int:
    """Run the emulator until Ctrl-C; returns the process exit status."""
    config, host, port, log_requests = _parse(argv, prog)
    try:
        sock = listening_socket(host, port)
    except OSError as exc:  # in use, not an address of this machine, a privileged port...
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return 2
    bound = sock.getsockname()[1]  # the port really bound (--port 0 picks one)
    print("\n".join(banner(config, f"http://{host}:{bound}", log_requests=log_requests)), flush=True)
    with sock, contextlib.suppress(KeyboardInterrupt):
        serve(config, host=host, port=bound, sock=sock, log_requests=log_requests)
    return 0
