"""A dependency-free progress bar for long runs: drawn on a terminal, silent when piped.

>>> bar = ProgressBar("chambers", enabled=False)
>>> bar.update(1, 10); bar.close()
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Draws ``label [#####.....] k/m`` on ``stream`` when it is a terminal and enabled."""

    def __init__(self, label: str, *, enabled: bool = True, stream: TextIO | None = None,
                 min_interval: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.label = label
        self.min_interval = min_interval
        self._last = 0.0
        self._drawn = False

    def update(self, k: int, m: int) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if k < m and now - self._last < self.min_interval:
            return
        self._last = now
        width = 30
        filled = width * k // max(m, 1)
        self.stream.write(f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] {k}/{m}")
        self.stream.flush()
        self._drawn = True

    def close(self) -> None:
        if self._drawn:
            self.stream.write("\r" + " " * 60 + "\r")
            self.stream.flush()
