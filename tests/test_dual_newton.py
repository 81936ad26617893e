"""The dual Newton polish (exact/dual_newton.py) from rough and perturbed starts, against
independent oracles: the full program's conic solve, the certified interval of
:func:`exact.certify.solve` and, for :func:`active_newton` alone, cvxpy on the restricted dual
``max yᵀv − ½‖v‖²`` s.t. ``‖Z_gᵀv‖ ≤ β`` (docs/MATH.md §7). Floats only: the polish is a guess;
the checks here say it is the right guess, not that anything is proven."""

from __future__ import annotations

import functools
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import exact.dual_newton as dn
from exact.certify import solve
from exact.convex import ConvexProgram
from exact.cutting import clarabel_restricted
from exact.dual_newton import active_newton, newton_polish
from properties import strategies as S
from tests.oracles import polished_guess_agrees


def _oracle_check(cp, res):
    """``res`` (newton_polish's answer on cp) against the full program's float value, the
    certified interval and a fresh screen of every group at its dual vector."""
    assert res is not None, "the polish did not converge"
    polished_guess_agrees(cp)
    sol = solve(cp.X, cp.y, cp.beta, method="full",
                program=ConvexProgram(cp.X, cp.y, cp.beta, arrangement=cp.arrangement))
    tol = 1e-9 * max(1.0, float(sol.upper))
    assert float(sol.lower) - tol <= cp.numeric_value <= float(sol.upper) + tol


def _perturbed(W, rel, seed):
    rng = np.random.default_rng(seed)
    return {g: w * (1 + rel * rng.standard_normal(w.shape)) for g, w in W.items()}


@settings(max_examples=25, deadline=None)
@given(st.one_of(S.instances(S.matrices(n_max=7, d_max=3)),
                 S.instances(S.degenerate_matrices())),
       st.sampled_from([1e-3, 1e-5]), st.sampled_from([0.0, 1e-6, 1e-3]),
       st.integers(0, 2**16))
def test_polish_converges_from_rough_and_perturbed_starts(inst, eps, rel, seed):
    """A handoff as rough as a conic solve to ``eps`` (the rounds stopping at a handoff of
    1e-3 instead of 1e-5), each w perturbed by ``rel`` relative: the polish still ends at the
    optimum."""
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    W0 = clarabel_restricted(cp, cp.groups, eps=eps, refine=False)
    if W0 is None:
        return
    _oracle_check(cp, newton_polish(cp, _perturbed(W0, rel, seed)))


def _suite_program(seed: int, n: int = 12, d: int = 4) -> ConvexProgram:
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, size=(n, d)).tolist()
    y = rng.integers(-5, 6, size=n).tolist()
    return ConvexProgram(X, y, F(1, 10))


@pytest.mark.parametrize("seed", [0, 3, 11])
@pytest.mark.parametrize("rel", [1e-6, 1e-3])
def test_polish_from_a_perturbed_restricted_guess(seed, rel):
    """(12, 4) instances (hundreds of groups): the guess of a restricted program on half the
    groups, perturbed; the screen finds the rest."""
    cp = _suite_program(seed)
    W0 = clarabel_restricted(cp, cp.groups[::2], eps=1e-6, refine=False)
    assert W0 is not None
    _oracle_check(cp, newton_polish(cp, _perturbed(W0, rel, seed)))


def _cvxpy_dual(Z, y, b2):
    import cvxpy as cvx

    v = cvx.Variable(len(y))
    cons = [cvx.sum_squares(z.T @ v) <= b2 for z in Z]
    # tight: at cvxpy's default tolerances the oracle itself was 2.5e-5 off (seen at n = 2,
    # k = 3, G = 2, dup = 2, seed = 501, against Clarabel at 1e-10 and the Newton, which agree)
    cvx.Problem(cvx.Maximize(y @ v - cvx.sum_squares(v) / 2), cons).solve(
        solver="CLARABEL", tol_gap_abs=1e-10, tol_gap_rel=1e-10, tol_feas=1e-10)
    return np.asarray(v.value)


@settings(max_examples=25, deadline=None)
@given(st.integers(2, 6), st.integers(1, 3), st.integers(1, 12), st.integers(0, 3),
       st.integers(0, 2**16))
@example(3, 3, 1, 1, 1)  # two equal fits, both left active without the last pruning
@example(2, 3, 2, 2, 501)  # the cvxpy oracle 2.5e-5 off at its default tolerances
@example(4, 1, 4, 1, 233)
def test_active_newton_with_many_dependent_fits(n, k, G, dup, seed):
    """More groups than data points, duplicates and sums of fits (a neuron on a hyperplane
    lies in both cones; G > n forces dependent fits and the Carathéodory pruning): v is the
    restricted dual's optimum (cvxpy), ρ ≥ 0 reproduces it (``v = M(ρ)⁻¹y``), and the groups
    left with ρ > 0 have independent fits ``K_g v``."""
    rng = np.random.default_rng(seed)
    Z = [rng.standard_normal((n, k)) for _ in range(G)]
    Z += [Z[int(rng.integers(G))] for _ in range(dup)]  # equal fits
    if G > 1:
        Z.append(np.hstack([Z[0], Z[1]]) / 2)  # a fit in the span of two others
    y = rng.integers(-5, 6, size=n).astype(float)
    b2 = 0.05
    rho, v = active_newton(Z, y, b2, rng.uniform(0, 2, len(Z)))
    want = _cvxpy_dual(Z, y, b2)
    assert np.allclose(v, want, atol=1e-5 * max(1.0, float(np.abs(y).max())))
    assert (rho >= 0).all()
    M = np.eye(n) + sum(r * z @ z.T for r, z in zip(rho, Z))
    assert np.allclose(M @ v, y, atol=1e-8 * max(1.0, float(np.abs(y).max())))
    live = np.flatnonzero(rho > 0)
    if len(live):
        B = np.array([Z[g] @ (Z[g].T @ v) for g in live]).T
        sv = np.linalg.svd(B, compute_uv=False)
        assert len(live) <= n and sv[-1] > 1e-7 * sv[0]


def test_a_newton_that_runs_out_makes_the_polish_give_up(monkeypatch):
    """Planted: Newton capped at 2 iterations (as when faces keep changing): the polish must
    answer None (the caller then runs the conic rounds), never a guess it did not finish."""
    cp = _suite_program(11)
    W0 = clarabel_restricted(cp, cp.groups[::2], eps=1e-6, refine=False)
    assert newton_polish(cp, W0) is not None
    monkeypatch.setattr(dn, "active_newton", functools.partial(dn.active_newton, maxit=2))
    assert newton_polish(ConvexProgram(cp.X, cp.y, cp.beta, arrangement=cp.arrangement),
                         W0) is None
