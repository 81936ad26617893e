"""Keep cddlib's diagnostic lines about pivot limits off the user's terminal.

pycddlib's exact backend (``cdd.gmp``) runs its LPs in GMP rationals; no call of the project
uses cddlib's floating-point backend. Yet cddlib prints, from C and straight to file descriptor
2, ``max number N of pivots performed by the criss-cross method. Most likely due to the
floating-point arithmetics error.`` whenever the criss-cross phase of its (exact) dual simplex
reaches its pivot cap on a degenerate LP; the text is shared with the float build and is wrong
here. The LP's status then says whether the answer is usable (the callers check it and retry
with the other pivoting rule), so the line is noise. :func:`cdd_quiet` captures descriptor 2
around a cddlib call and re-emits every line except that one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator

__all__ = ["CDD_PIVOT_MESSAGE", "cdd_quiet"]

#: The part of cddlib's pivot-cap message that identifies it.
CDD_PIVOT_MESSAGE = "pivots performed by the criss-cross method"


@contextlib.contextmanager
def cdd_quiet() -> Iterator[list[str]]:
    """Capture C-level stderr; drop cddlib's pivot-cap lines, re-emit the rest on exit.

    Yields a list that receives the dropped lines (for tests and diagnostics).

    >>> with cdd_quiet() as dropped:
    ...     _ = os.write(2, b"max number 9 of pivots performed by the criss-cross method.\\n")
    >>> dropped
    ['max number 9 of pivots performed by the criss-cross method.']
    """
    dropped: list[str] = []
    fd = 2  # C's stderr, whatever Python's sys.stderr is at the moment
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), fd)
        try:
            yield dropped
        finally:
            sys.stderr.flush()
            os.dup2(saved, fd)
            os.close(saved)
            tmp.seek(0)
            keep = []
            for line in tmp.read().decode("utf-8", "replace").splitlines():
                (dropped if CDD_PIVOT_MESSAGE in line else keep).append(line)
            if keep:
                sys.stderr.write("\n".join(keep) + "\n")
