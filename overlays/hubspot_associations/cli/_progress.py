"""What a ``bulk`` run shows and hears while it sends: the progress bar and shared-limit notices on stderr, and
Ctrl-C / SIGTERM."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

if TYPE_CHECKING:
    from .._pacing import Pacer
    from .._shared_pacing import SharedPacer

__all__ = ["SharedLimitNotices", "progress_bar", "stop_on_signals"]


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


def progress_bar(console: Console, enabled: bool) -> Progress:
    """Rows done of the total, rows/s, confirmed (ok), failed and pending rows, ETA and elapsed time (disabled: shows
    nothing). Rows, not requests: a batch of 100 moves it by 100."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn(
            "[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/] {task.fields[pending]} pending"
        ),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


class SharedLimitNotices:
    """With ``--shared-limit``: says once when the shared budget in Redis becomes unreachable (this process then
    paces alone) and once when it is back; :meth:`check` after each outcome. The SDK logs this too, but the CLI
    does not show the SDK's log."""

    def __init__(self, pacer: Pacer | SharedPacer, console: Console) -> None:
        from .._shared_pacing import SharedPacer  # imports redis only once a shared limit is used

        self._console = console
        self._pacer = pacer if isinstance(pacer, SharedPacer) else None
        self._shared = True

    def check(self) -> None:
        """Print a notice if the shared limit became unreachable, or reachable again, since the last check."""
        if self._pacer is None or self._pacer.shared == self._shared:
            return
        self._shared = not self._shared
        if self._shared:
            self._console.print("[green]The shared rate limit (--shared-limit) is reachable again:[/] sharing it.")
        else:
            self._console.print(
                "[yellow]The shared rate limit (--shared-limit) is unreachable:[/] this process now paces alone, "
                "without knowing what other processes send; no row is lost, and it keeps trying Redis."
            )


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event, console: Console) -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set ``stop`` (the run winds down); a second SIGINT raises KeyboardInterrupt at once. A signal
    ignored when the process started stays ignored."""
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return

    def handle(signum: int, frame: object) -> None:
        if interrupted.is_set() and signum == signal.SIGINT:
            raise KeyboardInterrupt
        interrupted.set()
        stop.set()
        console.print("[yellow]Interrupted: no new rows are sent; waiting a moment for requests on the wire...[/]")

    # A signal the process was started with ignored (``nohup``, a background job's SIGINT) stays ignored, as
    # Python's own KeyboardInterrupt does: Ctrl-C in the terminal is not meant for it.
    previous = {
        signum: signal.signal(signum, handle)
        for signum in (signal.SIGINT, signal.SIGTERM)
        if signal.getsignal(signum) is not signal.SIG_IGN
    }
    try:
        yield interrupted
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
