"""The compiled loops of exact.screen_kernels give the numpy screen's results bit for bit: the
polar descent (with and without a settle target and start multipliers) and the bounds of
float_violations (norm, half-space and warm multiplier bounds, and the state they leave), for
every dimension the kernels specialise on. Each comparison also fails on a planted bug. Small
instances never import numba."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exact import screen as screen_mod
from exact import screen_kernels
from exact.convex import ConvexProgram

pytestmark = pytest.mark.skipif(not screen_kernels.enabled(), reason="numba is not available")


def _facets(seed: int, d: int, p: int = 60, fmax: int = 9) -> screen_mod.FacetArrays:
    """Random unit facet rows, zero padded beyond each chamber's count (only ``A`` and
    ``counts`` are read by the loops compared here)."""
    rng = np.random.default_rng(seed)
    counts = rng.integers(0, fmax + 1, p)
    A = rng.standard_normal((p, fmax, d))
    A /= np.linalg.norm(A, axis=2, keepdims=True)
    A[np.arange(fmax)[None, :] >= counts[:, None]] = 0.0
    return screen_mod.FacetArrays(A=np.ascontiguousarray(A), counts=counts,
                                  P=np.zeros((p, 1)), X=np.zeros((1, d)))


def _both(monkeypatch, fn):
    """``fn()`` with the numpy loops, then with the compiled ones (every block compiled)."""
    monkeypatch.setenv("RELUCVX_NUMBA", "0")
    plain = fn()
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    monkeypatch.setattr(screen_kernels, "MIN_ROWS", 1)
    return plain, fn()


def _same(a, b) -> bool:
    return all(np.array_equal(x, y, equal_nan=True) for x, y in zip(a, b))


@settings(max_examples=40)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(1, 9), sweeps=st.integers(1, 13),
       mode=st.sampled_from(["plain", "target", "warm", "warm+target"]))
def test_descent_is_the_numpy_descent_bit_for_bit(seed, d, sweeps, mode):
    fa = _facets(seed, d)
    rng = np.random.default_rng(seed + 1)
    m = 200
    rows = rng.integers(0, len(fa.counts), m)
    G = rng.standard_normal((m, d)) * 10.0 ** rng.uniform(-3, 3, (m, 1))
    lam0 = (np.abs(rng.standard_normal((m, fa.A.shape[1]))) if "warm" in mode else None)
    target = float(np.median(np.einsum("md,md->m", G, G))) * 0.3 if "target" in mode else None
    with pytest.MonkeyPatch.context() as mp:
        plain, fast = _both(mp, lambda: screen_mod.polar_descent(
            fa, rows, G, sweeps=sweeps, target=target, every=2 + seed % 2, lam0=lam0))
    assert _same(plain, fast)


def _screens(cp, vs, **kw):
    fa = screen_mod.facet_arrays(cp)
    state = screen_mod.ViolationState()
    outs = [screen_mod.float_violations(fa, v, float(cp.beta) ** 2, state=state, **kw)
            for v in vs]
    return outs + [state.sup, state.mult, state.kept, state.U]


@pytest.mark.parametrize("d", [2, 3, 4, 5])
def test_float_violations_are_the_numpy_ones_bit_for_bit(d, monkeypatch):
    """Three screens along a path of v (the first without a state's multipliers, the later
    ones with the drift and warm bounds): every estimate and every slot of the state equal."""
    rng = np.random.default_rng(d)
    n = 14
    X = rng.integers(-9, 10, (n, d)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, n).tolist(), Fraction(1, 10))
    v0 = rng.standard_normal(n)
    vs = [v0, v0 + 0.05 * rng.standard_normal(n), v0 + 0.1 * rng.standard_normal(n)]
    plain, fast = _both(monkeypatch, lambda: _screens(cp, vs))
    assert _same(plain, fast)
    plain, fast = _both(monkeypatch, lambda: _screens(cp, vs, settle=0.95, warm_descent=True))
    assert _same(plain, fast)


def test_a_planted_bug_in_the_descent_kernel_is_caught(monkeypatch):
    """A sweep kernel that skips each block's last facet gives other residuals."""
    fa = _facets(7, 4)
    rng = np.random.default_rng(3)
    rows = rng.integers(0, len(fa.counts), 200)
    G = rng.standard_normal((200, 4))
    plain, _ = _both(monkeypatch, lambda: screen_mod.polar_descent(fa, rows, G))
    real = screen_kernels._make_sweep(4)

    def buggy(At, rb, la, starts, count):
        real(At[:-1], rb, la[:-1], starts[:-1], count)

    monkeypatch.setitem(screen_kernels._sweep_kernels, 4, buggy)
    fast = screen_mod.polar_descent(fa, rows, G)
    assert not _same(plain, fast)


def test_a_planted_bug_in_the_bounds_kernel_is_caught(monkeypatch):
    """Bounds that ignore the half-space bound (the norm bound only) differ."""
    rng = np.random.default_rng(4)
    X = rng.integers(-9, 10, (14, 4)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, 14).tolist(), Fraction(1, 10))
    v = rng.standard_normal(14)
    plain, _ = _both(monkeypatch, lambda: _screens(cp, [v]))

    def buggy(A, G, rows, out, sup, mult, mode):
        out[rows] = np.minimum(out[rows], np.einsum("md,md->m", G[rows], G[rows])[:, None])

    monkeypatch.setitem(screen_kernels._bound_kernels, 4, buggy)
    assert not _same(plain, _screens(cp, [v]))


def test_small_blocks_and_the_switch_keep_numpy(monkeypatch):
    At, rb, la = np.zeros((1, 2, 3)), np.ones((2, 3)), np.zeros((1, 3))
    assert not screen_kernels.descent_sweeps(At, rb, la, [0], 1)  # below MIN_ROWS
    monkeypatch.setattr(screen_kernels, "MIN_ROWS", 1)
    monkeypatch.setenv("RELUCVX_NUMBA", "0")
    assert not screen_kernels.enabled()
    assert not screen_kernels.descent_sweeps(At, rb, la, [0], 1)
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    assert screen_kernels.descent_sweeps(At, rb, la, [0], 1)


def test_a_small_solve_does_not_import_numba():
    code = """
        import sys
        from exact.certify import solve
        sol = solve([[1, 0], [0, 1], [1, 1], [-1, 2]], [1, -1, 2, 0], "1/10")
        assert sol.lower <= sol.upper
        print("numba" in sys.modules)
    """
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.strip() == "False"
