"""Progress on stderr: a live spinner with elapsed time on a terminal, plain timestamped
lines otherwise (CI logs), and the per-stage timings for the build report."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console


class Progress:
    def __init__(self, quiet: bool = False) -> None:
        self.console = Console(stderr=True, highlight=False)
        self.quiet = quiet
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()

    @contextmanager
    def stage(self, title: str) -> Iterator[None]:
        started = time.perf_counter()
        if self.quiet:
            yield
        elif self.console.is_terminal:
            with self.console.status(f"{title} …"):
                yield
        else:
            yield
        elapsed = time.perf_counter() - started
        self.timings[title] = elapsed
        if not self.quiet:
            self.console.print(f"[green]✓[/green] {title} [dim]({elapsed:.2f} s)[/dim]")

    def note(self, message: str) -> None:
        if not self.quiet:
            self.console.print(message)

    @property
    def total(self) -> float:
        return time.perf_counter() - self._start


def error(message: str) -> None:
    """One line on stderr, no traceback: what a user needs to fix the input."""
    print(f"migkg: error: {message}", file=sys.stderr)
