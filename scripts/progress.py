"""A one-line progress bar for long stages, drawn on stderr only when it is a terminal."""

from __future__ import annotations

import sys
import time
from typing import TextIO

WIDTH = 30


class Bar:
    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label = label
        self.total = max(1, total)
        self.done_count = 0
        self.stream = stream or sys.stderr
        self.started = time.monotonic()
        self._draw()

    def render(self) -> str:
        share = min(1.0, self.done_count / self.total)
        filled = round(WIDTH * share)
        elapsed = time.monotonic() - self.started
        return f"{self.label:<36} [{'#' * filled}{'.' * (WIDTH - filled)}] {share:4.0%} {elapsed:6.1f}s"

    def advance(self, n: int = 1) -> None:
        self.done_count += n
        self._draw()

    def done(self, summary: str) -> str:
        """Clear the bar; the caller prints the returned summary line."""
        if self.stream.isatty():
            self.stream.write("\r\033[K")
            self.stream.flush()
        return f"{self.label}: {summary}"

    def _draw(self) -> None:
        if self.stream.isatty():
            self.stream.write("\r" + self.render())
            self.stream.flush()
