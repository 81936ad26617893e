"""A status line with a running clock for the long phases of ``solve`` and ``check``.

The cutting-plane rounds report themselves, but the exact certification after them (and the
whole solve below 1000 groups, and ``check``'s dual pass) can run for minutes without a
callback: a line that only changed at each round looked like a hang. :class:`StatusLine`
redraws ``label: detail (N s)`` once a second from a daemon thread, on a terminal only
(silent when stderr is piped, with ``--json`` or ``--quiet``), and erases itself on close.

>>> import io
>>> class Tty(io.StringIO):
...     def isatty(self): return True
>>> out = Tty()
>>> line = StatusLine("solving", "numeric guess, then exact certification", stream=out,
...                   interval=60)
>>> line.set("cutting planes: round 1")
>>> line.close()
>>> "solving: cutting planes: round 1 (0 s)" in out.getvalue()
True
>>> StatusLine("solving", stream=io.StringIO()).enabled   # not a terminal: nothing drawn
False
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

__all__ = ["StatusLine"]


class StatusLine:
    """``label: detail (elapsed s)`` on ``stream`` when it is a terminal, redrawn every
    ``interval`` seconds and whenever :meth:`set` changes the detail; :meth:`close` erases it.

    >>> StatusLine("checking", enabled=False).enabled
    False
    """

    def __init__(self, label: str, detail: str = "", *, enabled: bool = True,
                 stream: TextIO | None = None, interval: float = 1.0) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled and getattr(self.stream, "isatty", lambda: False)()
        self.label, self.detail = label, detail
        self.interval = interval
        self._t0 = time.monotonic()
        self._width = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if self.enabled:
            self._draw()
            self._thread = threading.Thread(target=self._tick, daemon=True)
            self._thread.start()

    def _draw(self) -> None:
        with self._lock:
            if self._stop.is_set():
                return
            text = f"{self.label}: {self.detail} ({time.monotonic() - self._t0:.0f} s)"
            pad = " " * max(0, self._width - len(text))
            self.stream.write("\r" + text + pad)
            self.stream.flush()
            self._width = max(self._width, len(text))

    def _tick(self) -> None:
        while not self._stop.wait(self.interval):
            self._draw()

    def set(self, detail: str) -> None:
        """Show ``detail`` from now on (redrawn at once)."""
        self.detail = detail
        if self.enabled:
            self._draw()

    def close(self) -> None:
        """Stop the clock and erase the line (if one was drawn)."""
        if not self.enabled:
            return
        with self._lock:
            self._stop.set()
            if self._width:
                self.stream.write("\r" + " " * self._width + "\r")
                self.stream.flush()
                self._width = 0
        if self._thread is not None:
            self._thread.join(timeout=2 * self.interval)
