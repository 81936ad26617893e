"""arrangement/scipy_direct.py: scipy's nnls and LAPACK routines without importing
scipy.optimize or scipy.linalg, bit for bit.

The certifier's NNLS guesses and Newton steps decide which groups are screened and which
multipliers are tried, so the solve's path (rounds, floats, gap) stays the same only if every
answer is scipy's own, to the last bit; and the point of the module is that a solve in a fresh
process imports neither package.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy.optimize import nnls as scipy_nnls

from arrangement import scipy_direct as mod

ROOT = Path(__file__).resolve().parent.parent


def _direct():
    f = mod._compiled()
    if f is None:  # pragma: no cover - another scipy: nnls is scipy.optimize.nnls itself
        pytest.skip("the installed scipy's nnls wrapper is not the mirrored one")
    return f


def _problems():
    """Random small problems like the certifier's (facet rows as columns, d ≤ 5, up to 30
    facets), with integer, float, rank-deficient and zero columns, and right-hand sides of
    every sign."""
    rng = np.random.default_rng(20261203)
    for _ in range(300):
        d = int(rng.integers(1, 6))
        k = int(rng.integers(1, 31))
        A = rng.integers(-9, 10, (d, k)).astype(float)
        kind = rng.integers(0, 4)
        if kind == 1:
            A = A + rng.standard_normal((d, k)) * 1e-3
        elif kind == 2 and k > 1:
            A[:, 1] = 2 * A[:, 0]  # dependent columns
        elif kind == 3:
            A[:, 0] = 0.0
        b = rng.standard_normal(d) * 10 ** float(rng.integers(-3, 4))
        yield A, b, 50 * k + 50


def test_answers_are_scipys_bit_for_bit():
    f = _direct()
    n = 0
    for A, b, maxiter in _problems():
        x, r = mod._as_scipy(f, A, b, maxiter)
        xs, rs = scipy_nnls(A, b, maxiter=maxiter)
        assert x.dtype == xs.dtype and x.tobytes() == xs.tobytes()
        assert type(r) is type(rs) and r == rs
        n += 1
    assert n == 300


def test_the_default_iterations_and_the_error_are_scipys():
    f = _direct()
    rng = np.random.default_rng(7)
    A, b = rng.standard_normal((5, 40)), rng.standard_normal(5)
    x, r = mod._as_scipy(f, A, b, None)  # scipy's default: 3 n
    xs, rs = scipy_nnls(A, b)
    assert x.tobytes() == xs.tobytes() and r == rs
    with pytest.raises(RuntimeError, match="Maximum number of iterations"):
        scipy_nnls(A, b, maxiter=1)
    with pytest.raises(RuntimeError, match="Maximum number of iterations"):
        mod._as_scipy(f, A, b, 1)
    with pytest.raises(ValueError, match="Incompatible dimensions"):
        mod._as_scipy(f, A, b[:4], None)
    with pytest.raises(ValueError):
        mod._as_scipy(f, A, np.array([1.0, np.nan, 0, 0, 0]), None)  # asarray_chkfinite


def test_another_wrapper_falls_back_on_scipy_optimize(monkeypatch):
    """A scipy whose wrapper lacks one of the mirrored statements gets no direct routine."""
    monkeypatch.setattr(mod, "_WRAPPER_LINES", (*mod._WRAPPER_LINES, "x = never_in_scipy()"))
    assert mod._compiled() is None
    monkeypatch.setattr(mod, "_direct", [None])  # the fallback: scipy.optimize.nnls itself
    A, b = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], [2.0, 1.0, 1.0]
    x, r = mod.nnls(A, b)
    xs, rs = scipy_nnls(A, b)
    assert x.tobytes() == xs.tobytes() and r == rs


def test_a_fresh_solve_imports_neither_scipy_optimize_nor_scipy_linalg():
    """The (15, 3) instance below calls nnls from the screen and from the dual Newton; a fresh
    process solving it imports neither scipy.optimize nor scipy.linalg, and the solve is
    certified."""
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import arrangement.scipy_direct as m
        from exact.certify import solve
        calls = []
        inner = m.nnls
        m.nnls = lambda *a, **k: calls.append(1) or inner(*a, **k)
        rng = np.random.default_rng(4)
        X, y = rng.integers(-9, 10, (15, 3)).tolist(), rng.integers(-5, 6, 15).tolist()
        sol = solve(X, y, "1/10")
        assert sol.lower <= sol.upper and sol.stats["target_met"]
        imported = "scipy.optimize" in sys.modules or "scipy.linalg" in sys.modules
        print(len(calls) > 0, m._compiled() is not None and m._flapack(()) is not None, imported)
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120, env={**os.environ, "PYTHONPATH": str(ROOT)})
    called, mirrored, imported = out.stdout.split()
    assert called == "True"
    if mirrored == "True":  # the installed scipy's wrapper is the mirrored one
        assert imported == "False"


def _fresh(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, check=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    return out.stdout.strip()


def test_lapack_gives_scipy_linalg_lapacks_own_routines():
    """In a fresh process: the routines come without scipy.linalg, and they are the very objects
    scipy.linalg.lapack exports once it is imported."""
    out = _fresh("""
        import sys
        from arrangement.scipy_direct import lapack
        names = ("dpotrf", "dpotrs", "dpstrf", "dtrtrs")
        got = lapack(*names)
        before = "scipy.linalg" in sys.modules
        import scipy.linalg.lapack as L
        print(before, all(f is getattr(L, n) for f, n in zip(got, names)))
    """)
    assert out == "False True"


def test_load_blas_loads_the_libraries_scipy_linalg_loads():
    """threadpoolctl sees the same BLAS libraries after load_blas() as after importing
    scipy.linalg and scipy.optimize (what arrangement/blas.py imported before), so the same ones are
    limited to one thread."""
    out = _fresh("""
        import numpy, scipy.sparse
        from threadpoolctl import threadpool_info
        from arrangement.scipy_direct import load_blas
        load_blas()
        a = sorted(lib["filepath"] for lib in threadpool_info())
        import scipy.linalg, scipy.optimize
        b = sorted(lib["filepath"] for lib in threadpool_info())
        print(a == b, len(a))
    """)
    same, n = out.split()
    assert same == "True" and int(n) >= 1


def test_another_lapack_module_falls_back_on_scipy_linalg(monkeypatch):
    import scipy.linalg.lapack as L

    monkeypatch.setattr(mod, "_LAPACK_LINE", "from somewhere_else import *")
    assert mod._extension("scipy.linalg", "_flapack", "lapack",
                          lambda lines: mod._LAPACK_LINE in lines) is None
    (f,) = mod.lapack("dpotrf")
    assert f is L.dpotrf
