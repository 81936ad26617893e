"""A dependency-free progress bar for long runs: drawn on a terminal, silent when piped.

>>> bar = ProgressBar("enumerating chambers", unit="hyperplanes", enabled=False)
>>> bar.update(1, 10); bar.close()
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """Draws ``label [#####.....] k/m unit`` on ``stream`` when it is a terminal and enabled;
    ``unit`` names what ``k`` and ``m`` count (the chamber enumeration counts the hyperplanes
    added so far, not chambers).

    >>> import io
    >>> class Tty(io.StringIO):
    ...     def isatty(self): return True
    >>> out = Tty()
    >>> bar = ProgressBar("enumerating chambers", unit="hyperplanes", stream=out)
    >>> bar.update(40, 40)
    >>> out.getvalue().split("] ")[1]
    '40/40 hyperplanes'
    """

    def __init__(self, label: str, *, unit: str = "", enabled: bool = True,
                 stream: TextIO | None = None, min_interval: float = 0.1):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.label = label
        self.unit = f" {unit}" if unit else ""
        self.min_interval = min_interval
        self._last = 0.0
        self._width = 0

    def update(self, k: int, m: int) -> None:
        """Show that ``k`` of ``m`` steps are done (redrawn at most every ``min_interval``)."""
        if not self.enabled:
            return
        now = time.monotonic()
        if k < m and now - self._last < self.min_interval:
            return
        self._last = now
        width = 30
        filled = width * k // max(m, 1)
        text = f"{self.label} [{'#' * filled}{'.' * (width - filled)}] {k}/{m}{self.unit}"
        self.stream.write("\r" + text)
        self.stream.flush()
        self._width = max(self._width, len(text))

    def close(self) -> None:
        """Erase the bar (if one was drawn)."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
