"""C-level stderr kept quiet: cddlib's float pivot-cap line, and everything under ``--quiet``.

* :func:`cdd_quiet` (from :mod:`arrangement.quiet`, where the cddlib calls of the lowest layer
  need it too) wraps one cddlib call and drops the pivot-cap line that cddlib's internal
  floating-point pre-solve prints (the LP itself is exact; see that module).
* :func:`c_stderr_silenced` is what ``relucvx --quiet`` adds to :class:`exact.cli.ErrorsOnly`:
  Python's ``sys.stderr`` is filtered there, but C libraries (cddlib, the conic solvers) write
  to file descriptor 2 directly. While it runs, descriptor 2 goes to the null device, and the
  filtered Python stream is given a stream on the original descriptor.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from collections.abc import Iterator
from typing import TextIO

from arrangement.quiet import CDD_PIVOT_MESSAGE, cdd_quiet

__all__ = ["CDD_PIVOT_MESSAGE", "cdd_quiet", "c_stderr_silenced"]


def _writes_to_fd2(stream: TextIO) -> bool:
    try:
        return stream.fileno() == 2
    except (AttributeError, OSError, io.UnsupportedOperation, ValueError):
        return False  # e.g. a test's in-memory capture: it does not go through descriptor 2


@contextlib.contextmanager
def c_stderr_silenced(stream: TextIO | None = None) -> Iterator[TextIO]:
    """Send file descriptor 2 to the null device while the block runs; yield the stream that
    still reaches the original stderr.

    That is ``stream`` (default ``sys.stderr``) itself when it does not write through
    descriptor 2 (an in-memory capture), else a new text stream on a duplicate of the
    original descriptor. On exit descriptor 2 is restored (so a traceback printed afterwards
    is seen).

    >>> with c_stderr_silenced() as err:
    ...     _ = os.write(2, b"from C: dropped\\n")
    >>> err.closed or err is sys.stderr
    True
    """
    stream = sys.stderr if stream is None else stream
    stream.flush()
    sys.stderr.flush()
    saved = os.dup(2)
    out: TextIO = stream
    if _writes_to_fd2(stream):
        out = os.fdopen(os.dup(saved), "w", buffering=1, encoding="utf-8",
                        errors="backslashreplace")
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield out
    finally:
        with contextlib.suppress(OSError, ValueError):
            out.flush()
        os.dup2(saved, 2)
        os.close(saved)
        if out is not stream:
            out.close()
