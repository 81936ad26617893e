"""Certified optima for the hinge loss (exact/certify.py, "Tightening (hinge loss)").

Oracle: orthonormal data (X Xᵀ = I) with labels ±1 has, for the positive points P and the
negative points N, ``P* = min(|P|, β√|P|) + min(|N|, β√|N|)`` (*derived* in
:func:`properties.theorems_hinge.orthonormal_hinge_value`), irrational in general: the certified
interval must contain it exactly. Elsewhere: gaps below the requested tolerance on fixed
instances chosen to be degenerate (duplicate points, collinear 1-D data, zero labels, a bias
column), certificates checked by the standard-library verifier, and the certified lower bound
never above the exact objective of any network.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from exact.certify import solution_certificate, solve
from exact.network import Network
from exact.verify import verify_certificate
from properties.theorems_hinge import orthonormal_hinge_value

F = Fraction
TOL = F(1, 10**12)


def _rel_gap(sol) -> Fraction:
    return sol.gap / max(F(1), abs(sol.upper))


def _contains(sol, value: sympy.Expr) -> bool:
    lo = sympy.Rational(sol.lower.numerator, sol.lower.denominator)
    hi = sympy.Rational(sol.upper.numerator, sol.upper.denominator)
    return bool(lo <= value) and bool(value <= hi)


Q3 = [[F(a, 3) for a in row] for row in ((1, 2, 2), (2, 1, -2), (2, -2, 1))]
H4 = [[F(a, 2) for a in row] for row in ((1, 1, 1, 1), (1, -1, 1, -1), (1, 1, -1, -1),
                                          (1, -1, -1, 1))]


@pytest.mark.parametrize("X,y,beta", [
    (Q3, [1, 1, -1], F(1, 10)),       # √2/10 + 1/10: irrational
    (Q3, [1, 1, -1], F(3, 2)),        # the negative point alone: min(1, 3/2) = 1
    (Q3, [1, -1, 0], F(1, 3)),        # a zero label costs 1
    (H4, [1, 1, 1, -1], F(1, 5)),     # β√3 + β
    (H4, [1, 1, 1, 1], F(1, 4)),      # 2β, rational
    (H4, [-1, -1, 1, 1], F(9, 10)),   # β√2 < 2 on each side: 9√2/5
])
def test_orthonormal_oracle(X, y, beta):
    sol = solve(X, y, beta, loss="hinge")
    assert _contains(sol, orthonormal_hinge_value(y, beta))
    assert _rel_gap(sol) <= TOL
    ok, msg = verify_certificate(solution_certificate(sol, X, y, beta))
    assert ok, msg


def test_orthonormal_oracle_at_high_precision():
    sol = solve(Q3, [1, 1, -1], F(1, 10), loss="hinge", tol=F(1, 10**30))
    assert _contains(sol, orthonormal_hinge_value([1, 1, -1], F(1, 10)))
    assert _rel_gap(sol) <= F(1, 10**30)


def _instance(seed: int):
    """A small instance from a fixed seed: ±1 labels, half-integer labels with zeros, or ±1
    labels with a bias column; entries in −4..4 so duplicates and collinear rows are common."""
    rng = np.random.default_rng(seed)
    n, d = int(rng.integers(3, 13)), int(rng.integers(1, 4))
    X = [[int(v) for v in row] for row in rng.integers(-4, 5, (n, d))]
    kind = seed % 3
    if kind == 0:
        y = [int(v) for v in rng.choice([-1, 1], n)]
    elif kind == 1:
        y = [F(int(v), 2) for v in rng.integers(-3, 4, n)]
    else:
        y = [int(v) for v in rng.choice([-1, 1], n)]
        X = [row + [1] for row in X]
    return X, y, F(int(rng.integers(1, 20)), 20)


@pytest.mark.parametrize("seed", range(12))
def test_fixed_instances_reach_the_default_tolerance(seed):
    X, y, beta = _instance(seed)
    sol = solve(X, y, beta, loss="hinge")
    assert _rel_gap(sol) <= TOL, (X, y, beta, float(_rel_gap(sol)))
    assert sol.network.objective(X, y, beta, loss="hinge") == sol.upper
    ok, msg = verify_certificate(solution_certificate(sol, X, y, beta))
    assert ok, msg


def test_duplicate_points_make_the_dual_non_unique():
    # rows 1 and 2 coincide with the same label: only μ₁ + μ₂ is determined, the Newton
    # system is singular and the ridge step has to find one solution
    X = [[2, 1], [-2, 1], [-2, 1], [0, 1], [3, 1]]
    y = [1, -1, -1, 1, -1]
    sol = solve(X, y, F(1, 4), loss="hinge")
    assert _rel_gap(sol) <= TOL
    assert sol.stats["rounds"] >= 1


def test_zero_network_is_certified_exactly():
    # β above every ‖Π(s XᵀD y)‖: the empty network is optimal and P* = n exactly
    X, y = [[1, 0], [0, 1], [1, 1]], [1, -1, 1]
    sol = solve(X, y, 10, loss="hinge")
    assert sol.lower == sol.upper == 3 and sol.network.width == 0


@settings(max_examples=8)
@given(st.data())
def test_lower_bound_is_below_every_network(data):
    n = data.draw(st.integers(2, 6))
    d = data.draw(st.integers(1, 3))
    ints = st.integers(-3, 3)
    X = [[data.draw(ints) for _ in range(d)] for _ in range(n)]
    y = [data.draw(st.sampled_from([-1, 1])) for _ in range(n)]
    beta = F(data.draw(st.integers(1, 10)), 10)
    sol = solve(X, y, beta, loss="hinge")
    assert sol.lower <= sol.upper == sol.network.objective(X, y, beta, loss="hinge")
    # any network, e.g. a perturbation of the certified one, costs at least the lower bound
    eps = F(data.draw(st.integers(-5, 5)), 100)
    moved = Network.from_lists([(tuple(u + eps for u in nr.u), nr.alpha * (1 + eps))
                                for nr in sol.network.neurons])
    assert moved.objective(X, y, beta, loss="hinge") >= sol.lower
    ok, msg = verify_certificate(solution_certificate(sol, X, y, beta))
    assert ok, msg


def test_scaled_dual_bound_refuses_a_hinge_dual_outside_the_box():
    from exact.certify import scaled_dual_bound

    y = (F(1), F(-1), F(0))
    with pytest.raises(ValueError, match="hinge dual"):
        scaled_dual_bound((F(2), F(0), F(0)), y, F(1, 10), F(1, 100), "hinge")  # μ₀ = 2
    with pytest.raises(ValueError, match="hinge dual"):
        scaled_dual_bound((F(0), F(0), F(1, 2)), y, F(1, 10), F(1, 100), "hinge")  # y₂ = 0
