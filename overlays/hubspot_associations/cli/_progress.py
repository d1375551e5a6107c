"""What a ``bulk`` run shows and hears while it sends: the progress bar on stderr, and Ctrl-C / SIGTERM."""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator

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

__all__ = ["progress_bar", "stop_on_signals"]


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text("-- rows/s" if speed is None else f"{speed:,.0f} rows/s", style="progress.data.speed")


def progress_bar(console: Console, enabled: bool) -> Progress:
    """Rows done of the total, rows/s, ok and failed counts, ETA and elapsed time (disabled: shows nothing)."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        _RateColumn(),
        TextColumn("[green]{task.fields[ok]} ok[/] [red]{task.fields[failed]} failed[/]"),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=not enabled,
        transient=False,
    )


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event, console: Console) -> Iterator[threading.Event]:
    """SIGINT/SIGTERM set ``stop`` (the run winds down); a second SIGINT raises KeyboardInterrupt at once."""
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

    previous = {signum: signal.signal(signum, handle) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield interrupted
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
