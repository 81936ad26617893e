"""One BLAS thread for the small dense float work of the enumerator and the certifier.

The float work around the exact computations is many tiny matrices (SVDs of n × groups fits,
least squares for cone projections, NNLS for dual bounds, and the enumeration's float-filtered
sign products, whose inner dimension is d). With OpenBLAS's default thread pool
each call pays a synchronisation cost far larger than the arithmetic: a full SVD of a 20 × 100
matrix takes 2.4 ms with two threads and 0.12 ms with one on the 2-core machine of
``benchmarks/RESULTS.md`` (measured with ``numpy.linalg.svd``), and much more when another
process holds a core. :func:`single_threaded_blas` limits every BLAS library loaded in the
process (numpy's and scipy's OpenBLAS) through threadpoolctl, the scikit-learn project's
library for exactly this. In the enumeration of 17-digit diabetes rows, (60, 4), the two
threads took 1.08 s CPU for 0.70 s wall, one thread 0.67 s for 0.67 s (benchmarks/RESULTS.md,
session 18).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator
from typing import Any

__all__ = ["single_threaded_blas"]


@contextlib.contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Run the body with one BLAS thread, restoring the previous limits afterwards.

    scipy's own BLAS copy is loaded first (:func:`arrangement.scipy_direct.load_blas`), so that
    it is limited too. Its packages are not imported for it: ``scipy.linalg`` and
    ``scipy.optimize`` were, about 0.16 s of CPU in every fresh ``relucvx solve``
    (benchmarks/RESULTS.md, session 12), and their compiled modules link that same copy
    (threadpoolctl lists the same two libraries either way).

    >>> import numpy as np
    >>> with single_threaded_blas():
    ...     s = np.linalg.svd(np.eye(3), compute_uv=False)
    >>> s.tolist()
    [1.0, 1.0, 1.0]
    """
    with _controller().limit(limits=1, user_api="blas"):
        yield


@functools.cache
def _controller() -> Any:
    """One ``ThreadpoolController`` per process, made after scipy's BLAS is loaded:
    threadpoolctl's ``threadpool_limits`` scans the loaded libraries on every call (0.6 ms;
    a BLAS loaded after the first call is not limited)."""
    from threadpoolctl import ThreadpoolController

    from arrangement.scipy_direct import load_blas

    load_blas()  # scipy's BLAS, loaded before the libraries are listed
    return ThreadpoolController()
