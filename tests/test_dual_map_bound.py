"""exact.optimal_set.dual_map_bound: ``L ≥ ‖Xᵀ D_i Sᵀ u‖/‖u‖`` on every chamber, pooled readouts
included (the optimal set's certified-inactive slack ``L·√(2 gap)`` rests on it, docs/MATH.md
§7). The oracle is the exact norm itself, over every chamber and sampled u; a planted bound
without the pool's √pool (``‖X‖_F``, what the slack used before) fails on a constant signal."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from exact.conv import ConvProgram
from exact.optimal_set import dual_map_bound


def _worst_ratio2(cp, u):
    """max over chambers of ‖Xᵀ D_i Sᵀ u‖² / ‖u‖², exactly."""
    uu = sum(x * x for x in u)
    ur = [u[r // cp.pool] for r in range(cp.rows)]  # Sᵀu: u_j on signal j's rows
    best = Fraction(0)
    for pat in cp.patterns:
        g = [sum((ur[r] * cp.X[r][c] for r in range(cp.rows) if pat[r]), Fraction(0))
             for c in range(cp.d)]
        best = max(best, sum(x * x for x in g) / uu)
    return best


@given(st.integers(1, 3), st.integers(2, 3), st.data())
def test_the_bound_holds_on_every_chamber(n, h, data):
    L = data.draw(st.integers(h, h + 2))
    X = [data.draw(st.lists(st.integers(-3, 3), min_size=L, max_size=L)) for _ in range(n)]
    cp = ConvProgram(X, [1] * n, Fraction(1, 10), h)
    u = data.draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n).filter(any))
    Lb = dual_map_bound(cp)
    assert _worst_ratio2(cp, [Fraction(x) for x in u]) <= Lb * Lb


def test_planted_bug_the_bound_without_the_pool_fails():
    """A constant signal: every patch is (1, 1), the all-active chamber sums them, and
    ‖(3, 3)‖² = 18 exceeds ‖X‖_F² = 6 (the bound without √pool); dual_map_bound holds."""
    cp = ConvProgram([[1, 1, 1, 1]], [1], Fraction(1, 10), 2)
    assert cp.pool == 3
    worst = _worst_ratio2(cp, [Fraction(1)])
    fro2 = sum(x * x for row in cp.X for x in row)
    assert worst == 18 and fro2 == 6 and worst > fro2
    assert worst <= dual_map_bound(cp) ** 2
