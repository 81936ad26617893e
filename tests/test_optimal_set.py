"""The optimal set and m* (exact/optimal_set.py); closed forms: tests/test_closed_form.py."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.examples import example
from exact.certify import solve
from exact.maps import convex_objective
from exact.network import exact_eq
from exact.optimal_set import count_minimal_optimal_networks, optimal_set, simplest_rational
from properties import strategies as PS

F = Fraction


def _solve(inst):
    return solve(inst.X, inst.y, inst.beta)


def test_v_data_optimal_set_is_exact():
    inst = example("v1d")
    sol = _solve(inst)
    S = optimal_set(sol)
    assert S.exact and S.value == F(37, 200)
    assert S.fit == (F(9, 10), F(1, 10), F(9, 10))
    assert S.dual == (F(1, 10), F(-1, 10), F(1, 10))
    assert S.m_star == 3 and S.m_star_le_n and not S.rays
    # four vertices (the kink neuron u ∝ (±1, 0) lies on the hyperplane x = 0, in two chambers
    # each), all giving the same network: a unique minimal optimal network of width 3
    assert len(S.vertices) == 4
    assert count_minimal_optimal_networks(S) == 1
    net = S.networks[0]
    assert net.width == 3 and net.output(inst.X) == S.fit
    assert exact_eq(net.objective(inst.X, inst.y, inst.beta), F(37, 200))
    cp = sol.program
    for W in S.vertices:
        assert convex_objective(W, cp.X, cp.y, cp.beta, cp.patterns) == F(37, 200)


def test_inexact_optimal_set_is_honest():
    sol = _solve(example("generic2d"))
    S = optimal_set(sol)
    assert not S.exact and S.value is None
    assert S.m_star <= S.n and S.m_star_le_n_plus_1
    assert all(sol.program.prediction(W) == S.fit for W in S.vertices)


@pytest.mark.parametrize("name", ["v1d", "generic2d"])
def test_too_many_candidates_gives_one_exact_vertex(name):
    # max_candidates below the number of candidate groups: no enumeration, one vertex from an
    # exact LP (pruned to independent fits), and m* is reported as an upper bound only
    sol = _solve(example(name))
    full = optimal_set(sol, networks=False)
    S = optimal_set(sol, networks=False, max_candidates=1)
    assert full.complete and not S.complete and "m* <=" in S.note
    assert len(S.vertices) == 1 and S.m_star >= full.m_star
    W = S.vertices[0]
    cp = sol.program
    assert cp.prediction(W) == S.fit == full.fit
    assert all(cp.in_cone(i, w) for (i, _s), w in W.items())
    # a vertex: its fits are linearly independent
    from exact.pruning import rank

    assert rank([cp.fit(i, s_, w) for (i, s_), w in W.items()]) == len(W)


def test_simplest_rational():
    assert simplest_rational(F(1, 3) - F(1, 10**9), F(1, 3) + F(1, 10**9)) == F(1, 3)
    assert simplest_rational(F(-7, 2), F(-13, 4)) == F(-7, 2)  # closed interval
    assert simplest_rational(F(2), F(3)) in (F(2), F(3))


@given(st.fractions(max_denominator=10**12), st.fractions(min_value=0, max_denominator=10**9))
def test_simplest_rational_has_the_smallest_denominator(lo, width):
    # against the definition, by brute force over the smaller denominators (the integer walk
    # of simplest_rational must agree with it on every interval, degenerate ones included)
    hi = lo + width
    x = simplest_rational(lo, hi)
    assert lo <= x <= hi
    for q in range(1, min(x.denominator, 2000)):
        assert math.ceil(lo * q) > math.floor(hi * q), (q, lo, hi)


# small integer data (n ≤ 5, d ≤ 2, not all zero), integer targets, β in {1/10, ..., 1}
SMALL = PS.instances(PS.integer_matrices(n_max=5, d_max=2).filter(lambda X: any(map(any, X))),
                     targets_for=lambda n: PS.targets(n, max_num=3, max_den=1),
                     beta_strategy=st.builds(F, st.integers(1, 10), st.just(10)))


@given(SMALL)
def test_m_star_at_most_n_plus_one(inst):
    sol = _solve(inst)
    S = optimal_set(sol, networks=False)
    assert S.m_star <= len(inst.X) + 1
    assert S.m_star_le_n  # squared loss: vertex supports are linearly independent
    cp = sol.program
    for W in S.vertices:
        assert cp.prediction(W) == S.fit
        assert all(cp.in_cone(i, w) for (i, _s), w in W.items())
    if S.exact:
        assert sol.lower <= S.value <= sol.upper


def test_m_star_can_exceed_rank_of_x():
    """docs/MATH.md §10: m* ≤ rank X is false; the bound that holds is m* ≤ n."""
    X = [[1, 0], [1, 1], [1, F(1, 2)]]
    y, beta = [0, 0, 1], F(1, 10)
    S = optimal_set(solve(X, y, beta))
    assert Arrangement(X).rank == 2
    assert S.m_star == 3 and S.m_star_le_n


@pytest.mark.parametrize("name", ["v1d", "generic2d"])
def test_size_budget_prunes_the_certified_solution(name):
    # max_bits = 0: no exact cddlib work at all; the one vertex is the certified solution
    # pruned (Carathéodory), m* is an upper bound, and the reason is stated
    sol = _solve(example(name))
    full = optimal_set(sol, networks=False)
    S = optimal_set(sol, networks=False, max_bits=0)
    assert full.skipped is None and full.complete
    assert not S.complete and S.skipped and "budget 0" in S.skipped and "m* <=" in S.note
    assert len(S.vertices) == 1 and S.m_star >= full.m_star
    cp = sol.program
    W = S.vertices[0]
    assert cp.prediction(W) == S.fit and all(cp.in_cone(i, w) for (i, _s), w in W.items())
    from exact.pruning import rank

    assert rank([cp.fit(i, s_, w) for (i, s_), w in W.items()]) == len(W)
    if full.exact:  # the exact v* check is a vertex enumeration too: skipped, and said so
        assert not S.exact and "v*" in S.skipped


@given(SMALL)
def test_budget_not_hit_changes_nothing(inst):
    # below the budget the result is the one without any budget (same vertices, same m*)
    from exact.optimal_set import lp_size_bits

    sol = _solve(inst)
    free = optimal_set(sol, networks=False, max_bits=None)
    cols = [sol.program.fit(g[0], g[1], free.directions[g]) for g in free.active_groups]
    S = optimal_set(sol, networks=False, max_bits=lp_size_bits(cols, free.fit))
    assert S.skipped is None and free.skipped is None
    assert (S.m_star, S.vertices, S.exact, S.complete) == \
        (free.m_star, free.vertices, free.exact, free.complete)


def _exact_t(cp, g, v) -> Fraction:
    """``‖Π_{C_i}(s XᵀD_i v)‖²`` by one exact projection (the oracle)."""
    from exact.projection import project_onto_cone

    i, s = g
    h = tuple(s * sum((row[c] * vj for row, vj, dj in zip(cp.X, v, cp.patterns[i]) if dj), F(0))
              for c in range(cp.d))
    return project_onto_cone(cp.cones[i], h).norm2


@settings(max_examples=25)
@given(PS.instances(PS.matrices(n_max=6, d_max=3)), st.data())
def test_screened_projections_dismiss_only_groups_below_the_threshold(inst, data):
    """Oracle: the exact projection of every group. A group left out of the certificates has
    exact ``t ≤ thr``; the certificates are the exact projections; ``stop`` answers None
    exactly when some group has ``t > stop``."""
    from exact.convex import ConvexProgram
    from exact.optimal_set import screened_projections

    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(PS.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    thr = data.draw(st.sampled_from([F(1, 100), F(1, 10), F(1), F(3)]))
    ts = {g: _exact_t(cp, g, v) for g in cp.groups}
    keep = [cp.groups[0]]
    certs, dismissed = screened_projections(cp, v, thr, keep=keep)
    assert len(certs) + dismissed == len(cp.groups) and keep[0] in certs
    assert all(ts[g] <= thr for g in cp.groups if g not in certs)
    assert all(c.norm2 == ts[g] for g, c in certs.items())
    stopped = screened_projections(cp, v, thr, stop=thr)
    assert (stopped is None) == any(t > thr for t in ts.values())


def test_planted_screen_bug_in_screened_projections_is_caught(monkeypatch):
    """Planted bug: the float screen claims every group dismissed by its norm. The exact
    re-check refuses the false claims, so every group with ``t > thr`` is still projected."""
    import numpy as np

    import exact.screen as screen_mod
    from exact.certify import h_matrix
    from exact.convex import ConvexProgram
    from exact.optimal_set import screened_projections

    real = screen_mod.rigorous_screen

    def lying(fa, H, den, thr, gF=None):  # gF: H in floats, when the caller has it
        res = real(fa, H, den, thr, gF)
        res.status[:] = 1
        return res

    monkeypatch.setattr(screen_mod, "rigorous_screen", lying)
    inst = example("v1d")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = (F(1, 10), F(-1, 10), F(1, 10))
    thr = F(1, 200)
    certs, _ = screened_projections(cp, v, thr)
    over = [g for g in cp.groups if _exact_t(cp, g, v) > thr]
    assert over and all(g in certs for g in over)
    H, den = h_matrix(cp, v)  # the plant is live: the screen did claim every group
    assert np.all(screen_mod.rigorous_screen(screen_mod.facet_arrays(cp), H, den, thr).status
                  == 1)


# -- session 9: the candidate's screen reused, the dual-value refutation, the rank mod p ---------
def _suite_instance(n: int, d: int, seed: int):
    import numpy as np

    rng = np.random.default_rng(seed)  # the solver suite's (n, d) rows (benchmarks/suite_solver)
    return rng.integers(-9, 10, size=(n, d)).tolist(), rng.integers(-5, 6, size=n).tolist()


def _inactive_exactly(sol, g, slack) -> bool:
    """κ‖Π(s XᵀD_i v)‖ + slack < β, decided exactly (the certified-inactive test)."""
    from exact.optimal_set import group_projection

    cp = sol.program
    t = group_projection(cp, g, sol.dual).norm2
    room = cp.beta - slack
    return room > 0 and sol.kappa ** 2 * t < room * room


# (12, 4): its gap (~4e-16) leaves no room (slack > β·2⁻²¹): the second screen runs there
@pytest.mark.parametrize("n, d, seed, live", [(20, 3, 10, True), (12, 4, 11, False)])
def test_groups_dismissed_by_a_nearby_candidate_screen_are_inactive(n, d, seed, live,
                                                                    monkeypatch):
    import exact.optimal_set as osm
    from arrangement.rational import sqrt_ceil

    X, y = _suite_instance(n, d, seed)
    sol = solve(X, y, F(1, 10))
    cp = sol.program
    screens: list = []
    rec, _ = osm._exact_dual(sol, osm.MAX_EXACT_BITS, None, [], screens)
    assert rec is None  # not exact: the candidate screens are the shortcut's input
    L = sqrt_ceil(sum((x * x for row in cp.X for x in row), F(0)), 96)
    slack = L * sqrt_ceil(2 * max(sol.gap, F(0)), 96)
    near = osm._screened_nearby(cp, sol, screens, L, slack)
    assert (near is not None) or not live  # the shortcut is live on the (20, 3) row
    if near is not None:
        rest = [g for g in cp.groups if g not in near]
        assert len(rest) > len(cp.groups) // 2
        assert all(_inactive_exactly(sol, g, slack) for g in rest)
    # and the optimal set is the same as with the second screen of every group
    fast = optimal_set(sol, networks=False, max_vertices=64)
    monkeypatch.setattr(osm, "_screened_nearby", lambda *a: None)
    slow = optimal_set(sol, networks=False, max_vertices=64)
    assert fast.active_groups == slow.active_groups and fast.m_star == slow.m_star
    assert fast.certified_inactive == slow.certified_inactive
    assert fast.vertices == slow.vertices and fast.fit == slow.fit


def test_planted_permissive_nearby_screen_is_caught():
    """Planted bugs: a candidate far from κv must not lend its screen (the Lipschitz room is
    gone), and a 'nearby' claim that dismisses everything is refuted by the exact projections
    of the inactivity test above."""
    import exact.optimal_set as osm
    from arrangement.rational import sqrt_ceil

    X, y = _suite_instance(20, 3, 10)
    sol = solve(X, y, F(1, 10))
    cp = sol.program
    L = sqrt_ceil(sum((x * x for row in cp.X for x in row), F(0)), 96)
    slack = L * sqrt_ceil(2 * max(sol.gap, F(0)), 96)
    center = tuple(sol.kappa * x for x in sol.dual)
    far = tuple(x + F(1, 10**6) for x in center)
    assert osm._screened_nearby(cp, sol, [(far, set())], L, slack) is None
    assert osm._screened_nearby(cp, sol, [(center, set())], L, slack) == set()
    # the lie "center's screen dismissed every group": the active groups are not inactive
    assert not all(_inactive_exactly(sol, g, slack) for g in sol.active_groups)


def test_dual_value_refutes_only_candidates_that_are_not_v_star():
    # v1d's exact v* passes lower <= vᵀy − ½‖v‖² <= upper (docs/MATH.md §7) and is recovered;
    # a candidate shifted by 1/1000 has a dual value outside [lower, upper]
    from exact.optimal_set import exact_dual

    sol = _solve(example("v1d"))
    v, _ = exact_dual(sol)
    cp = sol.program

    def value(c):
        return sum(a * b for a, b in zip(c, cp.y)) - sum(a * a for a in c) / 2

    assert sol.lower <= value(v) <= sol.upper
    shifted = tuple(x + F(1, 1000) for x in v)
    assert not sol.lower <= value(shifted) <= sol.upper


@given(st.lists(st.lists(st.fractions(max_denominator=50).filter(lambda q: abs(q) < 20),
                         min_size=3, max_size=3), min_size=1, max_size=6),
       st.integers(0, 3))
@settings(max_examples=60, deadline=None)
def test_integer_column_rank_is_the_rank(cols, dup):
    from arrangement.exactla import rank
    from exact.optimal_set import integer_column_rank

    cols = cols + [tuple(a + b for a, b in zip(cols[0], cols[-1]))] * dup  # dependent ones
    assert integer_column_rank(cols) == rank(cols)


def test_rank_mod_prime_deficient_or_undefined_falls_back():
    # planted: entries whose residues vanish mod p (rank 1 there, 2 over Q), and a denominator
    # divisible by p (no image): the exact elimination must decide
    import exact.optimal_set as osm
    from exact.optimal_set import integer_column_rank

    p = osm._PRIME
    assert osm._rank_mod_prime([(p, 0), (0, 1)]) == 1
    assert integer_column_rank([(p, 0), (0, 1)]) == 2
    assert osm._rank_mod_prime([(F(1, p), 0), (0, 1)]) == 0
    assert integer_column_rank([(F(1, p), 0), (0, 1)]) == 2
    assert integer_column_rank([(F(1, p), 0), (1, 0)]) == 1
