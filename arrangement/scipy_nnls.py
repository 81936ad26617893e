"""``scipy.optimize.nnls`` without importing ``scipy.optimize``.

The float NNLS guesses of the completeness certificate (arrangement/certificate.py) and of the
certifier (exact/screen.py, exact/certify.py, exact/projection.py, exact/dual_newton.py) are
scipy's Lawson–Hanson routine (this module is in the lowest package so that both can use it).
Importing ``scipy.optimize`` for it builds the whole package (linprog, shgo, scipy.fft,
scipy.special, scipy.spatial, ...): about 0.11 s of CPU in a fresh process, more than a small
solve's own work (benchmarks/RESULTS.md, session 12). The routine itself is compiled code in the
extension module ``scipy.optimize._slsqplib`` (scipy 1.17), which loads in about 2 ms.

:func:`nnls` loads that extension module alone (the importlib recipe for importing a module from
its file) and calls it exactly as ``scipy.optimize.nnls`` does: the same conversions and checks,
the same arguments, the same ``RuntimeError`` when the iterations run out. So its answers are
scipy's, bit for bit (tests/test_scipy_nnls.py compares them). It does so only when the installed
scipy's wrapper, ``scipy/optimize/_nnls.py``, is the one mirrored here (:data:`_WRAPPER_LINES`);
with any other scipy, or once ``scipy.optimize`` is imported anyway, it is
``scipy.optimize.nnls`` itself.

Floats only, and only guesses: every multiplier they propose is proven exactly afterwards by
the caller (docs/MATH.md §7), as before.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["nnls"]

#: The statements of scipy's ``scipy/optimize/_nnls.py`` (as of scipy 1.17) that :func:`nnls`
#: repeats: the compiled routine it calls, the conversions of ``A`` and ``b``, the call, and the
#: error on running out of iterations. All must be in the installed file for the direct path.
_WRAPPER_LINES = (
    "from ._slsqplib import nnls as _nnls",
    "A = np.asarray_chkfinite(A, dtype=np.float64, order='C')",
    "b = np.asarray_chkfinite(b, dtype=np.float64)",
    "if not maxiter:",
    "maxiter = 3*n",
    "x, rnorm, info = _nnls(A, b, maxiter)",
    "if info == 3:",
    'raise RuntimeError("Maximum number of iterations reached.")',
)

#: ``[routine]`` once looked up: scipy's compiled nnls (:func:`_compiled`), or None for
#: ``scipy.optimize.nnls`` itself.
_direct: list[Callable[..., Any] | None] = []


def _compiled() -> Callable[..., Any] | None:
    """scipy's compiled nnls, loaded without ``scipy.optimize``, when the installed wrapper is
    the one :func:`nnls` mirrors (:data:`_WRAPPER_LINES`); else None."""
    from importlib.machinery import PathFinder

    try:
        # finds scipy.optimize: imports the light top-level scipy only, not scipy.optimize
        pkg = importlib.util.find_spec("scipy.optimize")
        where = list(pkg.submodule_search_locations or []) if pkg else []
        wrapper = PathFinder.find_spec("scipy.optimize._nnls", where)
        if wrapper is None or not wrapper.origin:
            return None
        with open(wrapper.origin, encoding="utf-8") as fh:
            lines = {line.strip() for line in fh}
        if not all(line in lines for line in _WRAPPER_LINES):
            return None
        lib = sys.modules.get("scipy.optimize._slsqplib")
        if lib is None:
            spec = PathFinder.find_spec("scipy.optimize._slsqplib", where)
            if spec is None or spec.loader is None:
                return None
            lib = importlib.util.module_from_spec(spec)
            sys.modules[spec.name] = lib  # the module scipy.optimize will use when imported
            spec.loader.exec_module(lib)
        f = getattr(lib, "nnls", None)
        return f if callable(f) else None
    except (ImportError, OSError, AttributeError, ValueError):
        return None  # any doubt: scipy.optimize's own nnls


def _as_scipy(f: Callable[..., Any], A: Any, b: Any, maxiter: int | None
              ) -> tuple[Any, float]:
    """``scipy.optimize.nnls(A, b, maxiter=maxiter)`` with its compiled routine ``f``: the
    statements of scipy/optimize/_nnls.py, one for one (:data:`_WRAPPER_LINES`)."""
    A = np.asarray_chkfinite(A, dtype=np.float64, order='C')
    b = np.asarray_chkfinite(b, dtype=np.float64)
    if len(A.shape) != 2:
        raise ValueError(f"Expected a 2D array, but the shape of A is {A.shape}")
    if (b.ndim > 2) or ((b.ndim == 2) and (b.shape[1] != 1)):
        raise ValueError("Expected a 1D array,(or 2D with one column), but the,"
                         f" shape of b is {b.shape}")
    elif (b.ndim == 2) and (b.shape[1] == 1):
        b = b.ravel()
    m, n = A.shape
    if m != b.shape[0]:
        raise ValueError("Incompatible dimensions. The first dimension of "
                         f"A is {m}, while the shape of b is {(b.shape[0], )}")
    if not maxiter:
        maxiter = 3 * n
    x, rnorm, info = f(A, b, maxiter)
    if info == 3:
        raise RuntimeError("Maximum number of iterations reached.")
    return x, rnorm


# x is an ndarray; typed Any as scipy's own (untyped) nnls is, which its call sites were written for
def nnls(A: Any, b: Any, *, maxiter: int | None = None) -> tuple[Any, float]:
    """``(x, ‖Ax − b‖)`` for ``x = argmin_{x ≥ 0} ‖Ax − b‖``: ``scipy.optimize.nnls(A, b,
    maxiter=maxiter)``, bit for bit, without importing ``scipy.optimize`` (module docstring).
    ``maxiter`` None (or 0) means scipy's default, ``3 n``; running out raises ``RuntimeError``.

    >>> x, r = nnls([[1, 0], [1, 0], [0, 1]], [2, 1, 1])
    >>> x.round(12).tolist(), round(r, 12)
    ([1.5, 1.0], 0.707106781187)
    >>> nnls([[1, 0], [0, 1]], [-1, -1])[0].tolist()
    [0.0, 0.0]
    """
    if not _direct:  # looked up once; scipy.optimize's own when it is imported already
        _direct.append(None if "scipy.optimize" in sys.modules else _compiled())
    f = _direct[0]
    if f is None:
        from scipy.optimize import nnls as scipy_nnls

        return scipy_nnls(A, b, maxiter=maxiter)
    return _as_scipy(f, A, b, maxiter)
