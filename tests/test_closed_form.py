"""Closed forms of P* and their proofs (exact/closed_form.py; docs/MATH.md §7, §9).

Oracles: the closed forms of docs/MATH.md §9 (V data, rank one, whitened), the certified interval of
``solve(..., tol=1e-40)`` (exact containment), and an independent high-precision Newton solve of
the KKT system in (v, ρ) with mpmath.

Every call passes ``time_limit=None``: the default wall-clock limit would make a result depend on
the machine's load (a run under load once failed a proof that passes alone), and tests check
correctness, not time. Only ``test_time_limit_refuses`` sets a limit.
"""

from __future__ import annotations

import dataclasses
import time
from fractions import Fraction

import mpmath
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.examples import example
from exact import closed_form as cfm
from exact.certify import solve
from exact.closed_form import MAX_UNKNOWNS, closed_form, in_interval, kkt_point, prove_kkt
from exact.optimal_set import optimal_set

F = Fraction
TIGHT = F(1, 10**40)


def _solve(inst):
    return solve(inst.X, inst.y, inst.beta)


def _bias(xs):
    """1-D data with a bias column (docs/MATH.md §9): the ramps' kinks couple the active groups."""
    return [[x, 1] for x in xs]


def _kkt_oracle(sol, groups, facets, dps=60):
    """P* by Newton on ``v + Σ ρ_g K_g v = y``, ``vᵀK_g v = β²`` (floats in, mpmath out).

    Independent of the elimination: a different system (n + k unknowns, v and ρ), numeric.
    """
    cp = sol.program
    with mpmath.workdps(dps):
        def mf(q):
            q = F(q)
            return mpmath.mpf(q.numerator) / q.denominator

        X = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in row]
                          for row in cp.X])
        Ks = []
        for g in groups:
            Z = cfm._face_basis(cp.cones[g[0]], facets[g], cp.d)
            D = sympy.diag(*cp.patterns[g[0]])
            K = D * X * Z * (Z.T * Z).inv() * Z.T * X.T * D
            Ks.append(mpmath.matrix([[mf(F(int(K[a, b].p), int(K[a, b].q)))
                                      for b in range(cp.n)] for a in range(cp.n)]))
        y = mpmath.matrix([mf(t) for t in cp.y])
        b2 = mf(cp.beta) ** 2
        n, k = cp.n, len(groups)
        v0 = mpmath.matrix([float(sol.kappa * x) for x in sol.dual])
        A = mpmath.matrix([[(Ks[g] * v0)[j] for g in range(k)] for j in range(n)])
        r0 = mpmath.lu_solve(A.T * A, A.T * (y - v0))

        def system(*z):
            v = mpmath.matrix(z[:n])
            out = v - y
            for g in range(k):
                out += z[n + g] * (Ks[g] * v)
            return list(out) + [(v.T * Ks[g] * v)[0] - b2 for g in range(k)]

        z = mpmath.findroot(system, list(v0) + list(r0), tol=mpmath.mpf(10) ** (5 - dps))
        v = mpmath.matrix(z[:n])
        return (y.T * v)[0] - (v.T * v)[0] / 2


def _check_against_oracles(sol, cf):
    assert in_interval(cf.minimal_polynomial, cf.interval, sol.lower, sol.upper)
    with mpmath.workdps(60):
        value = mpmath.mpf(str(sympy.N(cf.value, 60)))
        assert abs(value - _kkt_oracle(sol, cf.groups, cf.facets)) < mpmath.mpf(10) ** -45


# -- the oracles of docs/MATH.md §9 ----------------------------------------------------------------
def test_v_data_closed_form_is_37_over_200():
    sol = _solve(example("v1d"))
    cf = closed_form(sol, time_limit=None)
    assert cf is not None and cf.value == sympy.Rational(37, 200)
    assert cf.verified and cf.proved and cf.minimal_polynomial.degree() == 1


def test_v_data_through_the_kkt_system_is_proved():
    # four optimal vertices; two groups are tight at v* without being in the chosen vertex:
    # their dual feasibility is an equality, settled by exact projections
    sol = _solve(example("v1d"))
    cf = closed_form(sol, use_exact=False, time_limit=None)
    assert cf is not None and cf.value == sympy.Rational(37, 200)
    assert cf.verified and cf.proved and "tight at v* by exact projection" in cf.note
    assert len(cf.groups) == 3 and len(cf.point.components) == 1


def test_rank_one_closed_form_from_the_kkt_system():
    inst = example("rank1")
    sol = _solve(inst)
    cf = closed_form(sol, use_exact=False, time_limit=None)  # force the KKT elimination
    assert cf is not None and cf.verified and cf.proved
    assert cf.value == sympy.Rational(1549, 560)  # docs/MATH.md §9 (examples.py's oracle)
    assert optimal_set(sol).value == F(1549, 560)


def test_whitened_closed_form_irrational():
    # X X^T = I; y₊ = (1, 0, 1): ‖y₊‖ = √2 > β, ‖y₋‖ = 1/20 < β: P* = β√2 − β²/2 + 1/800
    Q = ((1, 2, 2), (2, 1, -2), (2, -2, 1))
    X = tuple(tuple(F(v, 3) for v in row) for row in Q)
    beta = F(1, 10)
    sol = solve(X, (1, F(-1, 20), 1), beta)
    S = optimal_set(sol)
    assert not S.exact and S.m_star == 1 and "certified" in S.note
    assert S.vertex_excess is not None and S.vertex_excess <= sol.gap + F(1, 10**20)
    cf = closed_form(sol, S, time_limit=None)
    expected = sympy.sqrt(2) / 10 - sympy.Rational(1, 200) + sympy.Rational(1, 800)
    # irrational, and proved: exact KKT point in Q(√2), dual feasibility by interval bounds
    assert cf is not None and cf.verified and cf.proved and cf.note.startswith("KKT system")
    assert "proved (docs/MATH.md §7)" in cf.note
    assert sympy.simplify(cf.value - expected) == 0
    assert cf.minimal_polynomial.degree() == 2
    a, b = cf.interval
    assert a <= b


def test_whitened_example_rational_closed_form():
    sol = _solve(example("whitened"))
    cf = closed_form(sol, use_exact=False, time_limit=None)
    assert cf is not None and cf.verified and cf.proved
    assert cf.value == sympy.Rational(397, 800)


# -- coupled components (found by a search over small 1-D data with a bias column) ---------------
COUPLED = [
    # three groups, every kink on a data point (faces of dimension 1, 1, 1)
    pytest.param((-4, 0, 1, 3, 4), (1, -2, 0, -1, -1), F(3, 10), [3], 4, id="three-kinks-at-data"),
    # three groups, one kink strictly between data points (faces 1, 2, 1): degree 16
    pytest.param((-1, 1, 2, 4), (1, 3, -1, -2), F(3, 5), [3], 16, id="three-one-free-kink"),
    # four coupled groups (faces 1, 1, 1, 1)
    pytest.param((-3, -1, 0, 3, 4), (3, 1, 3, 0, -1), F(1, 5), [4], 4, id="four-coupled"),
    # two components; an inactive group tight at v* mixes both fields (compositum)
    pytest.param((-4, -3, -1, 1, 2, 4), (1, -2, 3, 2, 1, 2), F(2, 5), [1, 2], 4,
                 id="two-components-mixed-tight"),
]


@pytest.mark.parametrize(("xs", "y", "beta", "sizes", "degree"), COUPLED)
def test_coupled_components_are_proved(xs, y, beta, sizes, degree):
    sol = solve(_bias(xs), y, beta, tol=TIGHT)
    cf = closed_form(sol, time_limit=None)
    assert cf is not None and cf.verified and cf.proved, cf and cf.note
    assert sorted(len(c) for c in cf.point.components) == sizes
    assert cf.minimal_polynomial.degree() == degree
    _check_against_oracles(sol, cf)


def test_three_coupled_groups_exact_minimal_polynomial():
    sol = solve(_bias((-4, 0, 1, 3, 4)), (1, -2, 0, -1, -1), F(3, 10), tol=TIGHT)
    cf = closed_form(sol, time_limit=None)
    P = sympy.Symbol("P")
    R = sympy.Rational
    expected = (P**4 - R(24269, 9200) * P**3 + R(1416467739, 677120000) * P**2
                - R(5897223357173, 12459008000000) * P + R(29053042102887889, 1833965977600000000))
    assert cf.minimal_polynomial == sympy.Poly(expected, P)
    assert cf.groups == ((0, -1), (7, -1), (8, 1))
    assert abs(sympy.N(cf.value, 30) - sympy.Float("1.30910908987401750241297714496", 30)) < 1e-28


def test_two_components_sum_of_roots():
    # shares θ₁ (degree 1 in Q(√2) form) and θ₂ (rational) add up; P* = 35723/4000 + 2457√2/2000
    sol = solve(_bias((-2, -1, 0, 1, 3, 4)), (1, 3, -3, 0, -2, 2), F(7, 10), tol=TIGHT)
    cf = closed_form(sol, time_limit=None)
    assert cf is not None and cf.proved
    expected = sympy.Rational(35723, 4000) + 2457 * sympy.sqrt(2) / 2000
    assert sympy.simplify(cf.value - expected) == 0
    assert len(cf.point.components) == 2
    _check_against_oracles(sol, cf)


# -- planted bugs: a proof must be able to fail ---------------------------------------------------
@pytest.fixture(scope="module")
def three_coupled():
    sol = solve(_bias((-4, 0, 1, 3, 4)), (1, -2, 0, -1, -1), F(3, 10), tol=TIGHT)
    cf = closed_form(sol, time_limit=None)
    assert cf is not None and cf.proved
    return sol, cf.point


EPS = F(1, 10**30)


def _nudge(number, eps=EPS):
    k, e = number
    return k, (e[0] + eps,) + tuple(e[1:])


def test_perturbed_v_is_not_proved(three_coupled):
    sol, pt = three_coupled
    j = next(j for j, (k, _e) in enumerate(pt.v) if k == 1)  # a row of the component
    v = list(pt.v)
    v[j] = _nudge(v[j])
    ok, note = prove_kkt(sol.program, dataclasses.replace(pt, v=v))
    assert not ok and "exactly" in note


def test_perturbed_rho_is_not_proved(three_coupled):
    sol, pt = three_coupled
    g = pt.groups[0]
    ok, note = prove_kkt(sol.program, dataclasses.replace(pt, rho={**pt.rho, g: _nudge(pt.rho[g])}))
    assert not ok and "fit" in note


def test_untouched_row_must_keep_y():
    # whitened data: the one active group does not touch row 1, where v* = y exactly
    X = tuple(tuple(F(v, 3) for v in row) for row in ((1, 2, 2), (2, 1, -2), (2, -2, 1)))
    sol = solve(X, (1, F(-1, 20), 1), F(1, 10))
    pt = closed_form(sol, time_limit=None).point
    assert pt.v[1] == (0, (F(-1, 20),)) and prove_kkt(sol.program, pt)[0]
    v = list(pt.v)
    v[1] = _nudge(v[1])
    ok, note = prove_kkt(sol.program, dataclasses.replace(pt, v=v))
    assert not ok and "no group touches" in note


def test_tampered_bookkeeping_is_not_proved():
    X = tuple(tuple(F(v, 3) for v in row) for row in ((1, 2, 2), (2, 1, -2), (2, -2, 1)))
    sol = solve(X, (1, F(-1, 20), 1), F(1, 10))
    pt = closed_form(sol, time_limit=None).point
    assert pt.constant == F(1, 800) and prove_kkt(sol.program, pt)[0]  # ½ (1/20)², row 1
    for bad in (dataclasses.replace(pt, constant=F(0)),
                dataclasses.replace(pt, fields=pt.fields + pt.fields[1:]),  # a stray root
                dataclasses.replace(pt, components=[])):
        ok, note = prove_kkt(sol.program, bad)
        assert not ok and note.startswith("not proved")


def test_wrong_sign_is_not_proved(three_coupled):

    # the reduced system does not see the signs s: the same (ρ, v) solves it, but the group
    # (i, −s) leaves its cone or breaks dual feasibility
    sol, pt = three_coupled
    (i, s), *rest = pt.groups
    wrong = tuple(sorted([(i, -s), *rest]))
    facets = {(i, -s): pt.facets[(i, s)], **{g: pt.facets[g] for g in rest}}
    bad = kkt_point(sol, wrong, facets)
    assert bad is not None
    ok, note = prove_kkt(sol.program, bad)
    assert not ok and note.startswith("not proved")


@pytest.mark.parametrize("drop", range(3))
def test_wrong_active_set_is_not_proved(three_coupled, drop):
    # dropping any one group still has a KKT point nearest the certified dual; it fails a
    # different check each time (a face multiplier < 0, a violated dual constraint, ρ < 0)
    sol, pt = three_coupled
    fewer = tuple(g for k, g in enumerate(pt.groups) if k != drop)
    bad = kkt_point(sol, fewer, {g: pt.facets[g] for g in fewer})
    assert bad is not None
    ok, note = prove_kkt(sol.program, bad)
    assert not ok and note.startswith("not proved")



def test_undecidable_tight_group_is_reported(monkeypatch):
    # without the compositum, the tight group that mixes the two components' fields cannot be
    # decided: the value is still derived and verified, but not proved, and the note says why
    monkeypatch.setattr(cfm._Arith, "compositum", lambda self, ks: None)
    sol = solve(_bias((-4, -3, -1, 1, 2, 4)), (1, -2, 3, 2, 1, 2), F(2, 5), tol=TIGHT)
    cf = closed_form(sol, time_limit=None)
    assert cf is not None and cf.verified and not cf.proved
    assert "undecided" in cf.note and "norm beta" in cf.note


# -- limits ---------------------------------------------------------------------------------------
def test_large_components_are_refused_quickly():
    sol = _solve(example("v1d"))
    cp = sol.program
    # the faces are read at the dual; this instance's optimal dual is (1/10, -1/10, 1/10) and
    # its projections are degenerate (zero multipliers), so a dual off by one rounding unit
    # can drop a facet: pin the exact dual the test is about
    exact_dual = tuple(F(x).limit_denominator(1000) for x in sol.dual)
    assert exact_dual == (F(1, 10), F(-1, 10), F(1, 10))
    assert max(abs(a - b) for a, b in zip(exact_dual, sol.dual)) < F(1, 10**12)
    sol.dual = exact_dual

    def unknowns(W):
        groups = tuple(sorted(W))
        data = cfm._component_data(cp, groups, cfm._faces_at(cp, groups, sol.dual))
        return sum(data[g][0].shape[1] for g in groups)

    big = max(optimal_set(sol, networks=False).vertices, key=unknowns)
    groups = tuple(sorted(big))
    assert unknowns(big) > MAX_UNKNOWNS  # faces of dimensions 2, 2, 2: six unknowns

    t = time.perf_counter()
    assert kkt_point(sol, groups) is None
    assert time.perf_counter() - t < 1


def test_time_limit_refuses():
    sol = solve(_bias((-1, 1, 2, 4)), (1, 3, -1, -2), F(3, 5))
    assert closed_form(sol, time_limit=0) is None
    assert kkt_point(sol, [(0, -1), (4, 1), (5, 1)], time_limit=0) is None


def test_unproved_mode_says_so():
    sol = _solve(example("v1d"))
    cf = closed_form(sol, use_exact=False, prove=False, time_limit=None)
    assert cf is not None and cf.verified and not cf.proved and "prove=False" in cf.note


def test_number_field_enclosures_are_rigorous():
    K = cfm._NumberField((F(-2), F(0), F(1)), F(1), F(2))  # θ = √2
    for bits in (8, 64, 300):
        lo, hi = K.enclose(K.theta, bits)
        assert lo * lo <= 2 <= hi * hi and hi - lo <= F(1, 2**bits)
    # (1 + θ)² = 3 + 2θ, and θ² − 2 = 0 exactly
    assert K.mul((F(1), F(1)), (F(1), F(1))) == (F(3), F(2))
    assert K.mul(K.theta, K.theta) == (F(2), F(0))


@settings(max_examples=5, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=4, max_size=4), st.integers(1, 9))
def test_kkt_closed_forms_agree_with_the_oracles(y, b):
    sol = solve(_bias((-2, -1, 1, 2)), y, F(b, 10), tol=TIGHT)
    cf = closed_form(sol, use_exact=False, time_limit=None)
    if cf is not None and cf.point is not None:
        assert cf.verified or not cf.proved  # a proved value lies in the certified interval
        _check_against_oracles(sol, cf)

