"""What every command prints with: rich consoles on stdout and stderr, markup escaping, and the exit statuses.

Exit status: 0 success; 1 HubSpot refused something (or, for ``bulk``, any row failed); 2 bad usage, bad input
file or journal, or an output path that would harm a file (nothing sent); 3 (``bulk``) the run stopped sending
because every following row would fail the same way (wrong token, missing scopes, daily limit), or because the
journal or failure report cannot be written (a full disk; the message names the file), or the input file broke
mid-run: some rows may have been sent, the rows not attempted are counted as such, and ``--resume`` continues once
the cause is fixed; 130 interrupted (Ctrl-C, SIGTERM; ``--resume`` continues).
"""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

__all__ = [
    "EXIT_FAILED",
    "EXIT_INTERRUPTED",
    "EXIT_STOPPED",
    "EXIT_USAGE",
    "escape",
    "fail",
    "plural",
    "stderr_console",
    "stdout_console",
]

EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_STOPPED = 3
EXIT_INTERRUPTED = 130


def stdout_console() -> Console:
    """Results: soft-wrapped, no automatic highlighting (server text is printed as it came)."""
    return Console(soft_wrap=True, highlight=False)


def stderr_console() -> Console:
    """Errors, notes and the progress bar."""
    return Console(stderr=True, soft_wrap=True, highlight=False)


def fail(message: str, code: int) -> NoReturn:
    """Print ``Error: message`` on stderr and exit with ``code``."""
    stderr_console().print(f"[red]Error:[/] {escape(message)}")
    raise typer.Exit(code)


def escape(text: str) -> str:
    """``text`` (user input, server answers) with rich markup made literal."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def plural(count: int, one: str, many: str) -> str:
    """``plural(1, "retry", "retries")`` → ``"1 retry"``."""
    return f"{count} {one if count == 1 else many}"
