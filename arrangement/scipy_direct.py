"""scipy's compiled routines without importing the scipy packages around them.

Two of scipy's packages cost a fresh process far more than the routines used from them:
``scipy.optimize`` (its package import builds linprog, shgo, scipy.fft, scipy.special,
scipy.spatial, ...: about 0.11 s of CPU) for its NNLS, and ``scipy.linalg`` (about 0.05 s) for
four LAPACK routines and the loading of scipy's BLAS copy (arrangement/blas.py) — more than a small
solve's own work (benchmarks/RESULTS.md, session 12). The routines themselves are compiled
code in single extension modules, ``scipy.optimize._slsqplib`` and ``scipy.linalg._flapack``,
which load in 2–3 ms each. This module is in the lowest package so that the completeness
certificate (arrangement/certificate.py) and the certifier (exact/screen.py, exact/certify.py,
exact/projection.py, exact/dual_newton.py, arrangement/blas.py) can all use it.

Each extension module is loaded alone (the importlib recipe for importing a module from its
file, registered under its own name, so that the package reuses it when it is imported later)
and used exactly as scipy uses it, so the answers are scipy's, bit for bit
(tests/test_scipy_direct.py compares them):

- :func:`nnls` calls ``_slsqplib.nnls`` as ``scipy.optimize.nnls`` does: the same conversions
  and checks, the same arguments, the same ``RuntimeError`` when the iterations run out. It
  does so only when the installed wrapper, ``scipy/optimize/_nnls.py``, is the one mirrored
  here (:data:`_WRAPPER_LINES`).
- :func:`lapack` returns the very function objects that ``scipy.linalg.lapack`` exports (it
  re-exports ``_flapack``'s with ``import *``, :data:`_LAPACK_LINE`).

With any other scipy, or once the package is imported anyway, they are scipy's own public
functions. Floats only, and only guesses: every multiplier or factor they give is proven
exactly afterwards by the caller (docs/MATH.md §7), as before.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["lapack", "load_blas", "nnls"]

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

#: The statement of scipy's ``scipy/linalg/lapack.py`` that exports ``_flapack``'s functions.
_LAPACK_LINE = "from scipy.linalg._flapack import *"


def _extension(package: str, module: str, source: str, needs: Callable[[set[str]], bool]
               ) -> Any:
    """The extension module ``package.module``, loaded without importing ``package`` (only
    scipy's light top level), when the lines of ``package``'s ``source`` module satisfy
    ``needs``; None when anything is not as expected."""
    from importlib.machinery import PathFinder

    name = f"{package}.{module}"
    try:
        pkg = importlib.util.find_spec(package)  # imports the parent (scipy) only
        where = list(pkg.submodule_search_locations or []) if pkg else []
        wrapper = PathFinder.find_spec(f"{package}.{source}", where)
        if wrapper is None or not wrapper.origin:
            return None
        with open(wrapper.origin, encoding="utf-8") as fh:
            if not needs({line.strip() for line in fh}):
                return None
        lib = sys.modules.get(name)
        if lib is None:
            spec = PathFinder.find_spec(name, where)
            if spec is None or spec.loader is None:
                return None
            lib = importlib.util.module_from_spec(spec)
            sys.modules[name] = lib  # the module the package will use when imported
            spec.loader.exec_module(lib)
        return lib
    except (ImportError, OSError, AttributeError, ValueError):
        return None  # any doubt: the package's own functions


#: ``[routine]`` once looked up: scipy's compiled nnls (:func:`_compiled`), or None for
#: ``scipy.optimize.nnls`` itself.
_direct: list[Callable[..., Any] | None] = []


def _compiled() -> Callable[..., Any] | None:
    """scipy's compiled nnls, loaded without ``scipy.optimize``, when the installed wrapper is
    the one :func:`nnls` mirrors (:data:`_WRAPPER_LINES`); else None."""
    lib = _extension("scipy.optimize", "_slsqplib", "_nnls",
                     lambda lines: all(line in lines for line in _WRAPPER_LINES))
    f = getattr(lib, "nnls", None)
    return f if callable(f) else None


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


def _flapack(names: tuple[str, ...]) -> Any:
    """scipy's ``_flapack`` module when ``scipy.linalg.lapack`` exports its functions as they
    are (:data:`_LAPACK_LINE`, and none of ``names`` redefined there); else None."""
    def plain(lines: set[str]) -> bool:
        code = {line.split("#")[0].strip() for line in lines}
        return _LAPACK_LINE in code and not any(
            line.startswith((f"def {n}(", f"{n} =", f"{n}=")) for n in names for line in code)

    if "scipy.linalg" in sys.modules:
        return None
    return _extension("scipy.linalg", "_flapack", "lapack", plain)


def lapack(*names: str) -> tuple[Any, ...]:
    """The LAPACK routines ``names`` of ``scipy.linalg.lapack`` (the same objects), without
    importing ``scipy.linalg`` when its ``lapack`` module re-exports ``_flapack`` as is.

    >>> import numpy as np
    >>> (dpotrf,) = lapack("dpotrf")
    >>> L, info = dpotrf(np.array([[4.0, 2.0], [2.0, 5.0]]), lower=1)
    >>> np.tril(L).tolist(), info
    ([[2.0, 0.0], [1.0, 2.0]], 0)
    """
    lib = _flapack(names)
    if lib is None or not all(hasattr(lib, n) for n in names):
        import scipy.linalg.lapack

        lib = scipy.linalg.lapack
    return tuple(getattr(lib, n) for n in names)


def load_blas() -> None:
    """Load scipy's own BLAS copy into the process (what
    :func:`arrangement.blas.single_threaded_blas` needs before it sets the thread limits):
    ``_flapack`` links it, so loading that module alone does; else ``scipy.linalg``.

    >>> load_blas()  # tests/test_scipy_direct.py: the same libraries as scipy.linalg's import
    """
    if _flapack(()) is None:
        import scipy.linalg  # noqa: F401  (loads scipy's BLAS)
