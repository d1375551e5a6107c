"""``python -m hubspot_associations.emulator``: parse options into an :class:`EmulatorConfig` and serve."""

from __future__ import annotations

import argparse
import contextlib
import sys

from .._api_versions import API_VERSIONS, api_version_of
from .._validation import InvalidInputError, parse_rate_limit
from ._config import DEFAULT_SCOPES, DEFAULT_TOKEN, EmulatorConfig
from ._facts import DEFAULT_DAILY_LIMIT, DEFAULT_FAULTS, DEFAULT_RATE_WINDOW_S, FAULT_KINDS
from ._server import listening_socket, serve


def _rate_limit(text: str) -> tuple[int | None, float]:
    """``none``/``off``/``0``: no limit; else N[/SECONDS] read by the SDK CLI's own parser (same words, same errors)."""
    if text.lower() in ("none", "off", "0"):
        return None, DEFAULT_RATE_WINDOW_S
    try:
        return parse_rate_limit(text, default_window=DEFAULT_RATE_WINDOW_S)
    except InvalidInputError as exc:
        raise argparse.ArgumentTypeError(exc.reason) from None


def _daily_limit(text: str) -> int | None:
    if text.lower() in ("none", "off", "0"):
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of requests per day or 'none', got {text!r}") from None


def _faults(text: str) -> tuple[str, ...]:
    kinds = tuple(kind.strip() for kind in text.split(",") if kind.strip())
    unknown = sorted(set(kinds) - FAULT_KINDS)
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown fault kinds {unknown}; choose from {sorted(FAULT_KINDS)}")
    return kinds


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


def build_parser() -> argparse.ArgumentParser:
    """The emulator's command-line options."""
    parser = argparse.ArgumentParser(prog="python -m hubspot_associations.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=_port, default=8765, help="TCP port, 0 for any free one")
    parser.add_argument("--rate-limit", type=_rate_limit, default=(190, 10.0), metavar="N/SECONDS")
    parser.add_argument("--daily-limit", type=_daily_limit, default=DEFAULT_DAILY_LIMIT, metavar="N|none")
    parser.add_argument("--fault-rate", type=float, default=0.0, metavar="P")
    parser.add_argument("--faults", type=_faults, default=DEFAULT_FAULTS, metavar="KINDS")
    parser.add_argument("--latency-ms", type=float, default=0.0, metavar="N")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="static access token with all default scopes")
    parser.add_argument(
        "--api-version",
        type=_api_version,
        action="append",
        dest="api_versions",
        metavar="VERSION",
        help=f"serve only this HubSpot API version (repeatable; one of {', '.join(API_VERSIONS)}); default: every "
        "version at once, each on its own paths. Serving only a dated one shows a client no longer calls v4.",
    )
    return parser


def config_from_args(argv: list[str] | None = None) -> tuple[EmulatorConfig, str, int]:
    """Parse ``argv`` into ``(config, host, port)``; exits with status 2 on bad options."""
    parser = build_parser()
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
            api_versions=None if args.api_versions is None else tuple(args.api_versions),
        )
    except ValueError as exc:
        parser.error(str(exc))
    return config, args.host, args.port


def main(argv: list[str] | None = None) -> int:
    """Run the emulator until Ctrl-C; returns the process exit status."""
    config, host, port = config_from_args(argv)
    try:
        sock = listening_socket(host, port)
    except OSError as exc:  # in use, not an address of this machine, a privileged port...
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr, flush=True)
        return 2
    bound = sock.getsockname()[1]  # the port really bound (--port 0 picks one)
    print(f"HubSpot emulator: http://{host}:{bound}", flush=True)
    print(f"Access token: {next(iter(config.tokens))}", flush=True)
    print(f"API versions: {', '.join(version.name for version in config.served_api_versions())}", flush=True)
    with sock, contextlib.suppress(KeyboardInterrupt):
        serve(config, host=host, port=bound, sock=sock)
    return 0
