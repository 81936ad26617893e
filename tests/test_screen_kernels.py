"""The compiled loops of exact.screen_kernels give the numpy screen's results bit for bit: the
polar descent (with and without a settle target and start multipliers) and the bounds of
float_violations (norm, half-space and warm multiplier bounds, and the state they leave), for
every dimension the kernels specialise on; the active-set steps to rounding (their own
elimination), and cutting planes with every loop compiled certify the full program's optimum.
Each comparison also fails on a planted bug. Small instances never import numba."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrangement.certificate import completeness_certificate
from exact import screen as screen_mod
from exact import screen_kernels
from exact.certify import solution_certificate, solve
from exact.convex import ConvexProgram
from exact.verify import verify_certificate
from properties import strategies as S
from properties.theorems_hinge import labels

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
    monkeypatch.setattr(screen_kernels, "MIN_CHAMBERS", 1)
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
    # (the active-set steps agree to rounding only: numpy's for both here)
    monkeypatch.setattr(screen_kernels, "active_set_steps",
                        lambda A, counts, rows, Gs, idx, scale, steps: screen_mod._numpy_active_set(
                            screen_mod.facet_arrays(cp), rows, Gs, idx, scale, steps))
    plain, fast = _both(monkeypatch, lambda: _screens(cp, vs))
    assert _same(plain, fast)
    plain, fast = _both(monkeypatch, lambda: _screens(cp, vs, settle=0.95, warm_descent=True))
    assert _same(plain, fast)


def _planted(monkeypatch, seed: int, fn):
    """Random rows of a random d = 4 facet array and ``fn(fa, rows, G)`` with numpy: the
    reference a planted bug must miss."""
    fa = _facets(seed, 4)
    rng = np.random.default_rng(seed + 1)
    rows = rng.integers(0, len(fa.counts), 200)
    G = rng.standard_normal((200, 4))
    plain, _ = _both(monkeypatch, lambda: fn(fa, rows, G))
    return fa, rows, G, plain


def test_a_planted_bug_in_the_descent_kernel_is_caught(monkeypatch):
    """A sweep kernel that skips each block's last facet gives other residuals."""
    fa, rows, G, plain = _planted(monkeypatch, 7, screen_mod.polar_descent)
    real = screen_kernels._make_sweep(4)

    def buggy(At, rb, la, starts, count):
        real(At[:-1], rb, la[:-1], starts[:-1], count)

    monkeypatch.setitem(screen_kernels._kernels, (screen_kernels._make_sweep, 4), buggy)
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

    monkeypatch.setitem(screen_kernels._kernels, (screen_kernels._make_bounds, 4), buggy)
    assert not _same(plain, _screens(cp, [v]))


def test_small_programs_and_the_switch_keep_numpy(monkeypatch):
    big = screen_kernels.MIN_CHAMBERS
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    assert not screen_kernels.use(big - 1) and screen_kernels.use(big)
    monkeypatch.setenv("RELUCVX_NUMBA", "0")
    assert not screen_kernels.enabled() and not screen_kernels.use(big)
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    assert screen_kernels.use(big)


def test_without_numba_the_screen_runs_in_numpy(monkeypatch):
    """numba that fails to import (not installed, a broken LLVM): enabled() says so once, and a
    screen of a large program takes the numpy loops and gives their results."""
    rng = np.random.default_rng(8)
    X = rng.integers(-9, 10, (14, 4)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, 14).tolist(), Fraction(1, 10))
    v = rng.standard_normal(14)
    monkeypatch.setenv("RELUCVX_NUMBA", "0")
    plain = _screens(cp, [v])
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    monkeypatch.setattr(screen_kernels, "MIN_CHAMBERS", 1)
    monkeypatch.setitem(sys.modules, "numba", None)  # `import numba` now raises ImportError
    monkeypatch.setitem(screen_kernels._state, "tried", False)
    monkeypatch.setitem(screen_kernels._state, "ok", True)
    assert not screen_kernels.enabled() and not screen_kernels.use(10**6)
    def never(*a, **k):
        raise AssertionError("a compiled loop ran without numba")

    for name in ("descent_sweeps", "block_bounds", "active_set_steps"):
        monkeypatch.setattr(screen_kernels, name, never)
    assert _same(plain, _screens(cp, [v]))


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


def _support_cond(fa, row: int, idx: np.ndarray) -> float:
    """The condition number of ``Â_S Â_Sᵀ`` for the facets ``idx`` (−1 padded) of a row."""
    S = idx[idx >= 0]
    if not len(S):
        return 1.0
    As = fa.A[row, S]
    return float(np.linalg.cond(As @ As.T))


def _kkt_distance2(fa, rows, r0, r1, i0, l0, i1, l1, delta):
    """The bound on ``‖r0 − r1‖²`` of two δ-KKT points of the projections (see its caller),
    with a factor 2 and an absolute ulp term for the rounding of the bound itself."""
    def terms(r_own, r_other, idx, lam):
        filled = idx >= 0
        lam = np.where(filled, lam, 0.0)
        As = fa.A[rows[:, None], np.maximum(idx, 0)]  # m×K×d
        own = np.abs(np.einsum("mk,mkd,md->m", lam, As, r_own))
        return (np.abs(lam).sum(axis=1) + filled.sum(axis=1) * np.linalg.norm(r_other, axis=1),
                own)
    a0, o0 = terms(r0, r1, i0, l0)
    a1, o1 = terms(r1, r0, i1, l1)
    return 2 * (delta * (a0 + a1) + o0 + o1) + 1e-24 * (1 + delta) ** 2


@settings(max_examples=30)
@given(seed=st.integers(0, 2**32 - 1), d=st.integers(2, 6))
@example(seed=2_864_213_298, d=4)  # a near-singular support: residuals 1.5e-8·‖g‖ apart
@example(seed=4340, d=5)  # an ill-conditioned support: multipliers 3e-5 relative apart
def test_active_set_steps_agree_with_numpy_to_rounding(seed, d):
    """The compiled active set (its own Gaussian elimination instead of LAPACK): the same
    supports and KKT verdicts, residuals equal to rounding, on rows started from a descent."""
    fa = _facets(seed, d)
    rng = np.random.default_rng(seed + 2)
    m = 200
    rows = rng.integers(0, len(fa.counts), m)
    G = rng.standard_normal((m, d)) * 10.0 ** rng.uniform(-2, 2, (m, 1))
    lam, _r = screen_mod.polar_descent(fa, rows, G, sweeps=3)
    with pytest.MonkeyPatch.context() as mp:
        plain, fast = _both(mp, lambda: screen_mod.active_set_projection(fa, rows, G, lam))
    r0, ok0, i0, l0 = plain
    r1, ok1, i1, l1 = fast
    same = (ok0 == ok1) & (i0 == i1).all(axis=1)
    assert same.mean() >= 0.98  # a verdict at the tolerance's edge may flip
    scale = np.linalg.norm(G, axis=1)[:, None]
    both = ok0 & ok1
    # where KKT holds to δ = tol·‖g‖ in both, the projection's uniqueness bounds the residuals'
    # distance: ‖r0 − r1‖² = Δλᵀ Â Δr ≤ δ (‖λ0‖₁ + ‖λ1‖₁ + |S0| ‖r1‖ + |S1| ‖r0‖) + |λ0ᵀ Â r0|
    # + |λ1ᵀ Â r1| (multipliers ≥ −δ, off-support slacks ≥ −δ, unit facets); a near-singular
    # support (four facets of a 4-D cone almost dependent) puts LAPACK and the kernel's
    # elimination 1e-8·‖g‖ apart there, far inside this bound and far above rounding
    assert np.all(_kkt_distance2(fa, rows, r0, r1, i0, l0, i1, l1, 1e-10 * scale[:, 0])[both]
                  >= np.einsum("md,md->m", r0 - r1, r0 - r1)[both])
    rest = same & ~both
    assert np.allclose(r0[rest], r1[rest], rtol=0, atol=1e-9 * scale.max())
    # the multipliers solve the support's normal equations: two eliminations agree to their
    # condition number times rounding (seed 4340: five facets of a 5-D cone with
    # cond(Â_S Â_Sᵀ) = 4e12, multipliers 1e4·‖g‖ apart by 3e-5 relative)
    cond = np.array([_support_cond(fa, r, i) for r, i in zip(rows, i0)])
    lim = np.maximum(1e-6, 1e-14 * cond)[:, None] * np.abs(l0) + 1e-8 * float(scale.max())
    assert np.all((np.abs(l0 - l1) <= lim)[both])
    # where both say KKT holds, r is the projection: ‖r‖² agrees to rounding
    t0, t1 = (np.einsum("md,md->m", x[both], x[both]) for x in (r0, r1))
    assert np.allclose(t0, t1, rtol=1e-9, atol=1e-12 * float((scale**2).max()))


def test_a_planted_bug_in_the_active_set_kernel_is_caught(monkeypatch):
    """Steps that never add a violated facet leave rows short of their projection."""
    fa, rows, G, plain = _planted(monkeypatch, 11, screen_mod.active_set_projection)
    real = screen_kernels._make_active(4)

    def buggy(A, counts, rows_, Gs, idx, scale, steps, r, ok, idx_out, lam_out):
        real(A, counts, rows_, Gs, idx, scale, 0, r, ok, idx_out, lam_out)

    monkeypatch.setitem(screen_kernels._kernels, (screen_kernels._make_active, 4), buggy)
    fast = screen_mod.active_set_projection(fa, rows, G)
    assert (plain[1] != fast[1]).any()


@settings(max_examples=20)
@given(S.instances(S.matrices(n_max=7, d_max=4)), st.sampled_from(["squared", "hinge"]),
       st.data())
def test_compiled_cutting_planes_certify_the_full_programs_optimum(inst, loss, data):
    """Cutting planes with every screen loop compiled (the threshold lowered to one chamber),
    degenerate data included: the certified interval overlaps the full program's (numpy
    path) and the certificate verifies."""
    y = inst.y if loss == "squared" else data.draw(labels(inst.n))
    cp_full = ConvexProgram(inst.X, y, inst.beta, loss)
    full = solve(inst.X, y, inst.beta, loss, program=cp_full, method="full")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(screen_kernels, "MIN_CHAMBERS", 1)
        cp = ConvexProgram(inst.X, y, inst.beta, loss, cp_full.arrangement)
        sol = solve(inst.X, y, inst.beta, loss, program=cp, method="cutting")
    assert sol.stats["method"] == "cutting"
    assert max(full.lower, sol.lower) <= min(full.upper, sol.upper)
    cert = solution_certificate(sol, inst.X, y, inst.beta)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg


def test_the_first_large_solve_of_a_process_stays_in_numpy(monkeypatch):
    """Without RELUCVX_NUMBA the compiled loops wait for WARM_SOLVES large solves; small
    solves do not count, and RELUCVX_NUMBA=1 compiles at once."""
    big = screen_kernels.MIN_CHAMBERS
    monkeypatch.delenv("RELUCVX_NUMBA", raising=False)
    monkeypatch.setitem(screen_kernels._state, "solved", 0)
    assert not screen_kernels.use(big)
    screen_kernels.solved(big - 1)
    assert not screen_kernels.use(big)
    monkeypatch.setenv("RELUCVX_NUMBA", "1")
    assert screen_kernels.use(big) == screen_kernels.enabled()
    monkeypatch.delenv("RELUCVX_NUMBA")
    screen_kernels.solved(big)
    with screen_kernels.solving():
        assert screen_kernels.use(big) == screen_kernels.enabled()
    # outside a solve (the command's extras), nothing compiled yet: numpy
    monkeypatch.setattr(screen_kernels, "_kernels", {})
    assert not screen_kernels.use(big)
    # ... and once some loops are compiled, it uses them there too
    monkeypatch.setattr(screen_kernels, "_kernels", {"compiled": None})
    assert screen_kernels.use(big) == screen_kernels.enabled()


def test_a_process_compiles_from_its_second_large_solve():
    """A fresh process: the first certified solve of a 2,320-chamber program, and the optimal
    set after it (`relucvx solve`'s extras), import no numba (its cost, 0.3-0.6 s, would
    exceed what it saves); the second solve uses the compiled loops. Both certify the same
    optimum."""
    code = """
        import os, sys
        os.environ.pop("RELUCVX_NUMBA", None)
        from arrangement.examples import example
        from exact.certify import solve
        ex = example("generic20x4")
        s1 = solve(ex.X, ex.y, ex.beta)
        from exact.optimal_set import optimal_set
        optimal_set(s1)  # the command's extras, after its one solve: no compile either
        first = "numba" in sys.modules
        s2 = solve(ex.X, ex.y, ex.beta)
        assert s1.lower <= s2.upper and s2.lower <= s1.upper
        second = "numba" in sys.modules  # before enabled(), which imports numba itself
        from exact import screen_kernels
        print(first, second == screen_kernels.enabled())
    """
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                         text=True, check=True)
    assert out.stdout.split() == ["False", "True"]
