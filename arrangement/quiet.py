"""Keep cddlib's floating-point pivot-cap line off the user's terminal.

Every exact LP of the project runs in pycddlib's GMP backend (``cdd.gmp``); none calls the
float backend (``cdd`` itself). Yet cddlib's GMP build, in ``dd_LPSolve``, first copies the LP
to doubles (``dd_LPgmp2LPf``) and solves that copy with the float routines
(``ddf_DualSimplexSolve``, ``ddf_CrissCrossSolve``), to start the exact solve from a basis the
float run found; the exact routines then check the basis (``dd_BasisStatus``) and re-solve
exactly when it is wrong. The float criss-cross routine prints, from C and straight to file
descriptor 2, ``max number N of pivots performed by the criss-cross method. Most likely due to
the floating-point arithmetics error.`` when it reaches its pivot cap on a degenerate LP. That
float run decides nothing (the exact status of the LP is what the callers read), so the line is
noise. :func:`cdd_quiet` captures descriptor 2 around a cddlib call and re-emits every line
except that one (under ``relucvx --quiet`` the re-emitted lines are dropped too).

This lives in the lowest layer that calls cddlib (DEVELOPERS.md, layers); ``exact.quiet``
re-exports it.
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
            keep: list[str] = []
            for line in tmp.read().decode("utf-8", "replace").splitlines():
                (dropped if CDD_PIVOT_MESSAGE in line else keep).append(line)
            if keep:
                sys.stderr.write("\n".join(keep) + "\n")
