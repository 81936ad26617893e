"""Cutting planes over the exact chamber list and the rigorous screen (exact/cutting.py,
exact/screen.py, the screened exact/certify.dual_pieces).

Oracles: the full conic program (the same certified interval must come out of both numeric
guesses), exact projections of every group (the screen may dismiss a group only when its exact
``t`` is below the threshold), and the standard-library verifier for every certificate.
"""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.certificate import completeness_certificate
from arrangement.instances import read_instance
from exact import screen as screen_mod
from exact.certify import dual_pieces, h_matrix, solution_certificate, solve
from exact.convex import ConvexProgram
from exact.cutting import (
    clarabel_restricted,
    ranked_violations,
    seed_groups,
    violated_groups,
    working_set_solve,
)
from exact.projection import project_onto_cone
from exact.verify import verify_certificate
from properties import strategies as S
from properties.theorems_hinge import labels
from tests.oracles import polished_guess_agrees

F = Fraction


def _exact_t(cp, i: int, s: int, v) -> Fraction:
    D = cp.patterns[i]
    g = tuple(s * sum((row[c] * vj for row, vj, dj in zip(cp.X, v, D) if dj), F(0))
              for c in range(cp.d))
    p = project_onto_cone(cp.cones[i], g).p
    return sum((a * b for a, b in zip(p, g)), F(0))


def screen_is_sound(cp, v, thr: Fraction) -> bool:
    """Every group the screen dismisses at ``thr`` has exact ``t ≤ thr``."""
    H, den = h_matrix(cp, v)
    res = screen_mod.rigorous_screen(screen_mod.facet_arrays(cp), H, den, thr)
    for i, col in zip(*np.nonzero(res.status > 0)):
        if _exact_t(cp, int(i), 1 - 2 * int(col), v) > thr:
            return False
    return True


def _verify(sol, X, y, beta):
    cert = solution_certificate(sol, X, y, beta)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    return verify_certificate(json.loads(json.dumps(cert)))


@settings(max_examples=25)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.sampled_from(["squared", "hinge"]),
       st.data())
def test_cutting_planes_and_full_program_overlap(inst, loss, data):
    y = inst.y if loss == "squared" else data.draw(labels(inst.n))
    cp_full = ConvexProgram(inst.X, y, inst.beta, loss)
    full = solve(inst.X, y, inst.beta, loss, program=cp_full, method="full")
    cp_cut = ConvexProgram(inst.X, y, inst.beta, loss, cp_full.arrangement)
    cut_sol = solve(inst.X, y, inst.beta, loss, program=cp_cut, method="cutting")
    assert cut_sol.stats["method"] == "cutting"
    assert max(full.lower, cut_sol.lower) <= min(full.upper, cut_sol.upper)
    ok, msg = _verify(cut_sol, inst.X, y, inst.beta)
    assert ok, msg


@settings(max_examples=15)
@given(S.instances(S.matrices(n_max=6, d_max=3)))
def test_working_set_grows_from_a_single_group(inst):
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    W, st_ = working_set_solve(cp, seed=[cp.groups[0]], per_round=1)
    full = ConvexProgram(inst.X, inst.y, inst.beta, arrangement=cp.arrangement)
    full.numeric_solve()
    # the restricted optimum with no violated group is the full optimum (floats)
    if st_["worst_violation"] <= 1e-7:
        assert abs(cp.numeric_value - full.numeric_value) <= 1e-5 * max(1, full.numeric_value)


@settings(max_examples=30)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_screen_dismisses_only_feasible_groups(inst, data):
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(S.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    thr = data.draw(st.sampled_from([F(1, 100), F(1, 10), F(1), F(3)]))
    assert screen_is_sound(cp, v, thr)


@settings(max_examples=30)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_screened_dual_pieces_have_the_exact_worst_group(inst, data):
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(S.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    a = dual_pieces(cp, v, screen=True)
    b = dual_pieces(cp, v, screen=False)
    worst = max(_exact_t(cp, i, s, v) for i, s in cp.groups)
    assert a.tmax == b.tmax == worst


def _buggy_screen(real, pick):
    """A planted bug: the real screen, then ``pick(status)`` more groups marked dismissed
    (by the norm bound, status 1, or by facet 0's half-space bound, status 2)."""

    def buggy(fa, H, den, thr, gF=None):  # gF: H in floats, when the caller has it
        res = real(fa, H, den, thr, gF)
        rows, cols, kind = pick(res.status)
        res.status[rows, cols] = kind
        res.facet[rows, cols] = 0
        return res

    return buggy


def test_planted_screen_bug_is_caught(monkeypatch):
    """A screen that silently dismisses violated groups fails the soundness check; the exact
    re-check in dual_pieces refuses its dismissals, so the in-process lower bound stays exact
    (the worst group is still found) and the certificate still verifies. Without the exact
    re-check (planted a second time), the worst group is lost: the re-check is what catches it."""
    X, y, beta = [[-1, 1], [0, 1], [1, 1]], [1, 0, 1], F(1, 10)
    cp = ConvexProgram(X, y, beta)
    v = (F(1), F(0), F(1))
    worst = max(_exact_t(cp, i, s, v) for i, s in cp.groups)
    real = screen_mod.rigorous_screen
    assert screen_is_sound(cp, v, F(1, 100))
    for kind in (1, 2):
        buggy = _buggy_screen(real, lambda st_, k=kind: (*np.nonzero(st_ == 0), k))
        monkeypatch.setattr(screen_mod, "rigorous_screen", buggy)
        assert not screen_is_sound(cp, v, F(1, 100))
        assert dual_pieces(cp, v, floor=F(1, 100)).tmax == worst
        sol = solve(X, y, beta, program=ConvexProgram(X, y, beta), method="cutting")
        ok, msg = _verify(sol, X, y, beta)
        assert ok, msg
        monkeypatch.setattr(screen_mod, "exact_norm_ok", lambda H, den, rows, thr:
                            np.ones(len(rows), dtype=bool))
        monkeypatch.setattr(screen_mod, "exact_facet_ok", lambda AI, H, den, rows, sg, ks, thr:
                            np.ones(len(rows), dtype=bool))
        assert dual_pieces(cp, v, floor=F(1, 100)).tmax < worst
        monkeypatch.undo()


@settings(max_examples=30)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_dual_pieces_exact_under_a_random_faulty_screen(inst, data):
    """Whatever the float screen dismisses (a random planted subset, by norm or half-space),
    the screened dual pieces still have the exact worst group and only exact bounds."""
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(S.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=2 * cp.p, max_size=2 * cp.p)))
    kind = data.draw(st.sampled_from([1, 2]))
    real = screen_mod.rigorous_screen
    buggy = _buggy_screen(real, lambda st_: (*np.nonzero(mask.reshape(-1, 2) & (st_ == 0)),
                                             kind))
    worst = max(_exact_t(cp, i, s, v) for i, s in cp.groups)
    screen_mod.rigorous_screen = buggy
    try:
        dp = dual_pieces(cp, v)
    finally:
        screen_mod.rigorous_screen = real
    assert dp.tmax == worst
    for (i, s), lam in dp.bounds.items():
        g = [s * x for x in h_matrix_row(cp, i, v)]
        assert all(x >= 0 for x in lam)
        r = list(g)
        for lk, a in zip(lam, cp.cones[i]):
            r = [rc + lk * ac for rc, ac in zip(r, a)]
        assert sum(x * x for x in r) <= worst


def h_matrix_row(cp, i, v):
    H, den = h_matrix(cp, v)
    return [F(int(x), den) for x in H[i]]


def test_exact_checks_refuse_wrong_claims():
    """Each exact re-check against brute-force Fractions on a tiny case, both answers."""
    AI = np.array([[[1, 0], [0, 1]], [[1, 1], [0, 0]]])
    H = np.array([[-3, 2], [1, -4]])
    rows, sg = np.array([0, 0, 1, 1]), np.array([1, -1, 1, -1])
    # norms: 13/4 and 17/4
    assert screen_mod.exact_norm_ok(H, 2, np.array([0, 1]), F(13, 4)).tolist() == [True, False]
    # facet 0 of chamber 0 at g = ±(-3, 2): violated for s = +1 only, bound 4 = ‖(0, 2)‖²
    ok = screen_mod.exact_facet_ok(AI, H, 1, rows[:2], sg[:2], np.array([0, 0]), F(4))
    assert ok.tolist() == [True, False]
    ok = screen_mod.exact_facet_ok(AI, H, 1, rows[:2], sg[:2], np.array([0, 0]), F(39, 10))
    assert ok.tolist() == [False, False]
    # multipliers: chamber 1, facet (1, 1), g = (1, -4), λ = 3/2: r = (5/2, -5/2), ‖r‖² = 25/2
    mu = np.array([[1.5, 0.0]])
    for thr, want in ((F(25, 2), True), (F(12), False)):
        got = screen_mod.exact_multipliers_ok(AI, H, 1, np.array([1]), np.array([1]), mu, thr)
        assert got.tolist() == [want]
    assert not screen_mod.exact_multipliers_ok(AI, H, 1, np.array([1]), np.array([1]),
                                               -mu, F(10**6)).any()


def test_seed_groups_are_real_groups():
    inst = read_instance("example:generic20x4")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    gs = seed_groups(cp)
    assert gs and set(gs) <= set(cp.groups) and len(gs) == len(set(gs))


def test_generic20x4_solves_by_cutting_planes_and_verifies():
    inst = read_instance("example:generic20x4")
    sol = solve(inst.X, inst.y, inst.beta)
    assert sol.stats["method"] == "cutting" and sol.stats["target_met"]
    full = solve(inst.X, inst.y, inst.beta, program=sol.program, method="full")
    assert max(full.lower, sol.lower) <= min(full.upper, sol.upper)
    ok, msg = _verify(sol, inst.X, inst.y, inst.beta)
    assert ok, msg


@settings(max_examples=30)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_descent_multipliers_are_proven_exactly(inst, data):
    """Every dual bound ‖g + Aᵀμ‖² the float proof accepts is ≤ thr in exact arithmetic."""
    from exact.certify import dual_bound

    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(S.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    thr = data.draw(st.sampled_from([F(1, 100), F(1, 10), F(1), F(3)]))
    H, den = h_matrix(cp, v)
    fa = screen_mod.facet_arrays(cp)
    gF = screen_mod.float_g(H, den)
    rows = np.repeat(np.arange(cp.p), 2)
    sg = np.tile([1, -1], cp.p)
    mu, ok = screen_mod.descent_multipliers(fa, rows, sg[:, None] * gF[rows], thr)
    for t in np.flatnonzero(ok):
        i, s = int(rows[t]), int(sg[t])
        A = cp.cones[i]
        g = tuple(s * F(int(x), den) for x in H[i])
        lam = tuple(F(float(x)) for x in mu[t, :len(A)])
        assert dual_bound(A, g, lam) <= thr


def test_inaccurate_direct_solve_switches_to_the_cvxpy_chain(monkeypatch):
    """Planted inaccuracy: the direct Clarabel program returns a dual 1.5 times too long, so
    groups of the working set look violated; the rounds switch to the cvxpy chain
    (``direct`` False) and end at the full program's value, with no violated group."""
    import exact.cutting as cutting

    real = cutting.clarabel_restricted

    def bad(cp, groups, eps=1e-12, **kw):
        W = real(cp, groups, eps, **kw)
        cp.numeric_dual = 1.5 * np.asarray(cp.numeric_dual)
        return W

    monkeypatch.setattr(cutting, "clarabel_restricted", bad)
    inst = read_instance("example:generic20x4")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    W, st_ = working_set_solve(cp)
    assert st_["direct"] is False and st_["worst_violation"] <= 1e-6
    full = ConvexProgram(inst.X, inst.y, inst.beta, arrangement=cp.arrangement)
    full.numeric_solve()
    assert abs(cp.numeric_value - full.numeric_value) <= 1e-6 * max(1, full.numeric_value)


@pytest.mark.parametrize("newton", [True, False])
def test_inaccurate_direct_solve_takes_the_careful_form_first(monkeypatch, newton):
    """Planted inaccuracy in the plain direct program only (a dual 1.5 times too long unless
    the careful form is asked for): the rounds go on in the careful direct program
    (``careful``, still ``direct``), never call the cvxpy chain, and end at the full
    program's value with no violated group. With the careful form bad too, the test above
    switches to the cvxpy chain."""
    import exact.cutting as cutting

    real = cutting.clarabel_restricted
    forms = []

    def bad(cp, groups, eps=1e-12, refine=True, stable=False):
        W = real(cp, groups, eps, refine=refine, stable=stable)
        forms.append(stable)
        if not stable:
            cp.numeric_dual = 1.5 * np.asarray(cp.numeric_dual)
        return W

    monkeypatch.setattr(cutting, "clarabel_restricted", bad)
    inst = read_instance("example:generic20x4")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)

    def no_chain(**kw):
        raise AssertionError("the cvxpy chain was called")

    monkeypatch.setattr(cp, "numeric_solve", no_chain)
    W, st_ = working_set_solve(cp, newton=newton)
    assert st_["careful"] is True and st_["direct"] is True
    assert forms[0] is False and forms[-1] is True
    assert st_["worst_violation"] <= 1e-6
    full = ConvexProgram(inst.X, inst.y, inst.beta, arrangement=cp.arrangement)
    full.numeric_solve()
    assert abs(cp.numeric_value - full.numeric_value) <= 1e-6 * max(1, full.numeric_value)


def test_stable_block_is_the_same_program():
    """The squared loss's stable block (the residual u = z − y as variables) gives the same
    restricted optimum as its plain block, on a small exact instance and on generic20x4."""
    for X, y, beta in (([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10"),
                       tuple(getattr(read_instance("example:generic20x4"), a)
                             for a in ("X", "y", "beta"))):
        cp = ConvexProgram(X, y, beta)
        gs = seed_groups(cp)
        W0 = clarabel_restricted(cp, gs)
        v0, d0 = cp.numeric_value, np.array(cp.numeric_dual)
        W1 = clarabel_restricted(cp, gs, stable=True)
        assert W0 is not None and W1 is not None
        assert abs(cp.numeric_value - v0) <= 1e-8 * max(1.0, v0)
        assert np.abs(np.array(cp.numeric_dual) - d0).max() <= 1e-6


def test_stalled_rounds_fall_back_to_the_full_program(monkeypatch):
    """Planted stall: every restricted solve (direct and cvxpy) returns a dual 1.5 times too
    long, so the rounds end violated; on a program of at most FALLBACK_MAX_GROUPS groups the
    full program is solved instead and its guess is returned (all groups); above that budget
    the stalled guess is kept."""
    import exact.cutting as cutting

    inst = read_instance("example:generic20x4")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    real_direct, real_solve = cutting.clarabel_restricted, cp.numeric_solve

    def bad_direct(cp_, groups, eps=1e-12, **kw):
        W = real_direct(cp_, groups, eps, **kw)
        cp_.numeric_dual = 1.5 * np.asarray(cp_.numeric_dual)
        return W

    def bad_solve(*, groups=None, **kw):
        W = real_solve(groups=groups, **kw)
        if groups is not None:
            cp.numeric_dual = 1.5 * np.asarray(cp.numeric_dual)
        return W

    monkeypatch.setattr(cutting, "clarabel_restricted", bad_direct)
    monkeypatch.setattr(cp, "numeric_solve", bad_solve)
    W, st_ = working_set_solve(cp, max_rounds=4)
    assert st_["full_fallback"] is True and set(W) == set(cp.groups)
    assert st_["worst_violation"] > cutting.FALLBACK_VIOLATION
    full = ConvexProgram(inst.X, inst.y, inst.beta, arrangement=cp.arrangement)
    full.numeric_solve()
    assert abs(cp.numeric_value - full.numeric_value) <= 1e-9 * max(1, full.numeric_value)
    monkeypatch.setattr(cutting, "FALLBACK_MAX_GROUPS", len(cp.groups) - 1)
    W, st_ = working_set_solve(cp, max_rounds=4)
    assert st_["full_fallback"] is False and len(W) < len(cp.groups)


def test_iris_at_tiny_beta_meets_the_target_by_auto():
    """Standardized iris at β = 1e-9 (424 groups): the cutting planes' restricted solves stall
    there; auto still meets the gap target (found when auto went down to 100 groups)."""
    from pathlib import Path

    path = Path(__file__).resolve().parent / "data" / "iris_15x3_standardized.csv"
    inst = read_instance(str(path), target="last", beta="1e-9")
    sol = solve(inst.X, inst.y, F("1e-9"))
    assert sol.stats["method"] == "cutting" and sol.stats["target_met"]


def test_streamed_certificate_is_the_same_bytes(tmp_path, capsys):
    """write_solution_certificate writes, one chamber at a time, exactly the bytes of
    write_certificate(solution_certificate(...)), plain, gzip-compressed and on stdout."""
    import gzip

    from arrangement.certificate import write_certificate
    from exact.certificates import write_solution_certificate

    inst = read_instance("example:generic20x4")
    sol = solve(inst.X, inst.y, inst.beta)
    ref = tmp_path / "ref.json"
    write_certificate(solution_certificate(sol, inst.X, inst.y, inst.beta), str(ref))
    want = ref.read_bytes()
    out = tmp_path / "c.json"
    write_solution_certificate(sol, inst.X, inst.y, inst.beta, str(out))
    assert out.read_bytes() == want
    gz = tmp_path / "c.json.gz"
    write_solution_certificate(sol, inst.X, inst.y, inst.beta, str(gz))
    assert gzip.decompress(gz.read_bytes()) == want
    capsys.readouterr()
    write_solution_certificate(sol, inst.X, inst.y, inst.beta, "-")
    assert capsys.readouterr().out.encode() == want
    ok, msg = verify_certificate(json.loads(want))
    assert ok, msg


def _stateless_violated(fa, v, beta2):
    T = screen_mod.float_violations(fa, v, beta2)
    return T > beta2 * (1 + 1e-7)


def _screen_sequence_misses(cp, vs, beta2, corrupt=None) -> int:
    """Screen the duals ``vs`` in turn with one carried ViolationState (as the cutting planes
    do) and count the groups violated by a fresh screen that the carried one calls feasible.
    ``corrupt(state)`` plants a bug in the state before each screen after the first."""
    fa = screen_mod.facet_arrays(cp)
    state = screen_mod.ViolationState()
    misses = 0
    for k, v in enumerate(vs):
        if k and corrupt is not None:
            corrupt(state)
        T = screen_mod.float_violations(fa, v, beta2, state=state)
        want = _stateless_violated(fa, v, beta2)
        misses += int(np.count_nonzero(want & ~(T > beta2 * (1 + 1e-7))))
    return misses


@settings(max_examples=25, deadline=None)
@given(S.instances(S.matrices(n_max=7, d_max=3)), st.data())
def test_carried_screen_state_misses_no_violated_group(inst, data):
    """The drift bound and the last multipliers carried between screens (ViolationState) never
    hide a group that a fresh screen finds violated, along a sequence of nearby and distant
    duals; a planted bug (the carried upper estimates shrunk 100-fold) is caught by the same
    comparison whenever it hides something."""
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    if screen_mod.facet_arrays(cp) is None:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    v0 = rng.standard_normal(cp.n)
    steps = data.draw(st.lists(st.sampled_from([1e-6, 1e-3, 0.1, 1.0]), min_size=1, max_size=4))
    vs = [v0]
    for h in steps:
        vs.append(vs[-1] + h * rng.standard_normal(cp.n))
    fa = screen_mod.facet_arrays(cp)
    T0 = screen_mod.float_violations(fa, v0, 1e300)
    beta2 = float(np.quantile(T0, data.draw(st.floats(0.3, 0.95)))) + 1e-12
    assert _screen_sequence_misses(cp, vs, beta2) == 0


def test_planted_state_bug_is_caught():
    """Carried upper estimates shrunk 100-fold (a planted bug in the incremental screen) hide
    violated groups, and the comparison with a fresh screen finds them."""
    inst = read_instance("example:generic20x4")
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    rng = np.random.default_rng(0)
    v0 = 0.05 * rng.standard_normal(cp.n)
    vs = [v0, v0 + 1e-4 * rng.standard_normal(cp.n), v0 + 1e-2 * rng.standard_normal(cp.n)]
    fa = screen_mod.facet_arrays(cp)
    beta2 = float(np.quantile(screen_mod.float_violations(fa, v0, 1e300), 0.7))

    def shrink(state):
        state.U = state.U / 100
        state.mult = None  # no multiplier bound either: only the drift bound decides
        state.sup = None

    assert _screen_sequence_misses(cp, vs, beta2) == 0
    assert _screen_sequence_misses(cp, vs, beta2, corrupt=shrink) > 0


@settings(max_examples=30, deadline=None)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_active_set_projection_matches_the_exact_projection(inst, data):
    """Where the batched active-set steps report the KKT conditions met, ‖r‖² is the exact
    ‖Π_C(g)‖² (projection.project_onto_cone) to a relative 1e-9."""
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    fa = screen_mod.facet_arrays(cp)
    if fa is None:
        return
    v = tuple(data.draw(st.lists(S.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    H, den = h_matrix(cp, v)
    gF = screen_mod.float_g(H, den)
    rows = np.repeat(np.arange(cp.p), 2)
    sg = np.tile([1, -1], cp.p)
    r, ok, _idx, _lam = screen_mod.active_set_projection(fa, rows, sg[:, None] * gF[rows])
    for t in np.flatnonzero(ok):
        i, s = int(rows[t]), int(sg[t])
        want = float(_exact_t(cp, i, s, v))
        got = float(r[t] @ r[t])
        assert abs(got - want) <= 1e-9 * max(1.0, float(gF[i] @ gF[i]))


# -- the dual Newton polish of the squared loss's guess (exact/dual_newton.py) -----------------
def _suite_program(seed: int = 11, n: int = 12, d: int = 4) -> ConvexProgram:
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, size=(n, d)).tolist()
    y = rng.integers(-5, 6, size=n).tolist()
    return ConvexProgram(X, y, F(1, 10))


def _polish_checked(cp, W0):
    """The polished guess from ``W0``, checked against oracles: the full program's float value
    and the exact optimum's interval, and a fresh screen of every group (no carried state) at
    its dual vector."""
    from exact.dual_newton import newton_polish

    res = newton_polish(cp, W0)
    assert res is not None, "the polish did not converge"
    W, st_ = res
    polished_guess_agrees(cp)
    # the groups' fit reproduces y − v (v is the residual of W's prediction)
    Xf = np.array([[float(x) for x in row] for row in cp.X])
    fit = sum((s * np.array(cp.patterns[i], dtype=float) * (Xf @ w) for (i, s), w in W.items()),
              np.zeros(cp.n))
    assert np.allclose(fit, np.array([float(t) for t in cp.y]) - cp.numeric_dual, atol=1e-9)
    return W, st_


@settings(max_examples=30, deadline=None)
@given(st.one_of(S.instances(S.matrices(n_max=7, d_max=3)),
                 S.instances(S.degenerate_matrices())))
def test_newton_polish_and_full_program_overlap(inst):
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    # a handoff as in working_set_solve: a conic solve of the full program, loose
    W0 = clarabel_restricted(cp, cp.groups, eps=1e-6, refine=False)
    if W0 is None:
        return
    W, _st = _polish_checked(cp, W0)
    sol = solve(inst.X, inst.y, inst.beta, program=ConvexProgram(
        inst.X, inst.y, inst.beta, arrangement=cp.arrangement), method="full")
    tol = 1e-9 * max(1.0, float(sol.upper))
    assert float(sol.lower) - tol <= cp.numeric_value <= float(sol.upper) + tol


def test_newton_polish_from_a_rough_guess():
    cp = _suite_program()
    W0 = clarabel_restricted(cp, seed_groups(cp, gates=20))  # the seeds' program only
    _W, st_ = _polish_checked(cp, W0)
    assert st_["rounds"] > 1  # groups joined from the screen


def test_planted_dropped_violation_is_caught(monkeypatch):
    import exact.cutting as cut

    cp = _suite_program()
    W0 = clarabel_restricted(cp, seed_groups(cp, gates=20))
    W, _st = _polish_checked(cp, W0)
    wmax0 = max(float(np.linalg.norm(w)) for w in W0.values())
    start = {g for g, w in W0.items() if float(np.linalg.norm(w)) > 1e-6 * wmax0}
    # the largest active group of the optimum that the polish had to find by screening
    lost0 = max((g for g in W if g not in start), key=lambda g: float(np.linalg.norm(W[g])))
    # with the same sign in the chambers next to it (a neuron on a hyperplane lies in both
    # cones: a neighbour can stand in for it and leave the optimum unchanged)
    P0 = np.array(cp.patterns[lost0[0]])
    lost = {g for g in cp.groups if g[1] == lost0[1]
            and int(np.abs(np.array(cp.patterns[g[0]]) - P0).sum()) <= 1}
    real = cut.violated_groups

    def faulty(T, lim):  # those groups silently dropped from every screen result
        return [x for x in real(T, lim) if x[1] not in lost]

    monkeypatch.setattr(cut, "violated_groups", faulty)
    with pytest.raises(AssertionError):
        _polish_checked(ConvexProgram(cp.X, cp.y, cp.beta, arrangement=cp.arrangement), W0)


def test_newton_guess_feeds_a_certificate_that_verifies():
    cp = _suite_program()
    X, y = cp.X, cp.y
    sol = solve(X, y, cp.beta, program=cp, method="cutting")
    assert sol.stats["cutting"]["newton"] is True
    assert sol.stats["target_met"]
    ok, msg = _verify(sol, X, y, cp.beta)
    assert ok, msg
    ref = solve(X, y, cp.beta, program=ConvexProgram(X, y, cp.beta, arrangement=cp.arrangement),
                method="full")
    assert max(ref.lower, sol.lower) <= min(ref.upper, sol.upper)


def test_newton_off_keeps_the_conic_rounds():
    cp = _suite_program()
    _W, st_ = working_set_solve(cp, newton=False)
    assert "newton" not in st_ and st_["worst_violation"] <= 1e-7


def _certifies_the_full_optimum(sol, cp) -> None:
    """The solve met its target, its certificate verifies, and its interval overlaps the
    full program's."""
    assert sol.stats["target_met"]
    ok, msg = _verify(sol, cp.X, cp.y, cp.beta)
    assert ok, msg
    ref = solve(cp.X, cp.y, cp.beta, method="full",
                program=ConvexProgram(cp.X, cp.y, cp.beta, arrangement=cp.arrangement))
    assert max(ref.lower, sol.lower) <= min(ref.upper, sol.upper)


def test_a_polish_that_fails_hands_over_to_the_conic_rounds(monkeypatch):
    """When the dual Newton polish does not converge (here: neither time), the conic rounds run
    on from every group used so far; the guess still certifies, with the full program's
    optimum."""
    import exact.dual_newton as dn

    calls = []

    def failing(*args, **kwargs):
        calls.append(1)
        return None

    monkeypatch.setattr(dn, "newton_polish", failing)
    cp = _suite_program()
    sol = solve(cp.X, cp.y, cp.beta, program=cp, method="cutting")
    assert len(calls) == 2 and sol.stats["cutting"]["newton"] is False
    _certifies_the_full_optimum(sol, cp)


def test_a_failed_polish_is_tried_again_from_the_conic_optimum(monkeypatch):
    """The first polish fails; the conic rounds run on, and the polish from their optimum
    (closer than the first hand-over) finishes the guess: stats say newton, the second call
    starts from the conic rounds' groups, and the solve certifies the full program's
    optimum."""
    import exact.dual_newton as dn

    real = dn.newton_polish
    calls = []

    def first_fails(cp_, W, **kwargs):
        calls.append(len(W))
        return None if len(calls) == 1 else real(cp_, W, **kwargs)

    monkeypatch.setattr(dn, "newton_polish", first_fails)
    cp = _suite_program()
    sol = solve(cp.X, cp.y, cp.beta, program=cp, method="cutting")
    assert len(calls) == 2 and sol.stats["cutting"]["newton"] is True
    assert sol.stats["cutting"]["worst_violation"] <= 1e-9
    _certifies_the_full_optimum(sol, cp)


def test_active_newton_on_duplicate_and_dependent_fits():
    from exact.dual_newton import active_newton

    # K_0 = K_2 (a neuron on a hyperplane in two cones): non-unique ρ, one v
    # (the fits Z_g, K_g = Z_g Z_gᵀ)
    Z0, Z1 = np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]])
    y = np.array([1.0, 2.0])
    rho, v = active_newton([Z0, Z1, Z0], y, 0.25, np.ones(3))
    assert np.allclose(v, [0.5, 0.5]) and (rho >= 0).all()
    assert abs(rho[0] + rho[2] - 1.0) < 1e-9 and abs(rho[1] - 3.0) < 1e-9
    # K_3 = K_0 + K_1 binds: v = β y/‖y‖ (the constraint ‖v‖ ≤ β), only ρ_3 > 0
    rho, v = active_newton([Z0, Z1, Z0, np.eye(2)], y, 0.25, np.ones(4))
    assert np.allclose(v, 0.5 * y / np.linalg.norm(y)) and np.allclose(rho[:3], 0.0)


@given(st.lists(st.tuples(st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, float("nan")]),
                          st.sampled_from([0.0, 0.5, 1.0, 1.5, 2.0, float("nan")])),
                min_size=0, max_size=30),
       st.sampled_from([0.0, 0.9, 1.0, 1.7]))
def test_ranked_violations_is_the_sorted_list_of_violated_groups(rows, lim):
    # ties in t are common (the values repeat): the order must still be the tuples' own;
    # the oracle is a plain loop over the entries
    T = np.array(rows, dtype=float).reshape(-1, 2)
    want = sorted(((float(T[i, c]), (i, 1 - 2 * c)) for i in range(len(T)) for c in (0, 1)
                   if T[i, c] > lim), reverse=True)  # NaN > lim is False: never violated
    ri, ci, t = ranked_violations(T, lim)
    assert [(float(a), (int(i), 1 - 2 * int(c))) for a, i, c in zip(t, ri, ci)] == want
    assert violated_groups(T, lim) == want


def test_seed_gates_reach_the_chambers_of_mixed_scale_data(monkeypatch):
    """On columns of mixed scales (a feature near 1e3 beside one near 1e-1, as raw breast
    cancer data) Gaussian gates in raw coordinates nearly all fall in the few chambers the
    large column decides; the gates of seed_groups (in unit-scale coordinates) reach many
    more, and every group they give is a group of the program."""
    import exact.cutting as cutting
    from exact.convex import ConvexProgram

    rng = np.random.default_rng(4)
    X = [[f"{a:.6g}", f"{b:.6g}", f"{c:.6g}"] for a, b, c in
         zip(1000 + 300 * rng.standard_normal(16), 0.1 + 0.02 * rng.standard_normal(16),
             rng.standard_normal(16))]
    y = rng.integers(-3, 4, 16).tolist()
    cp = ConvexProgram(X, y, "1/10")
    scaled = cutting.seed_groups(cp)
    assert set(scaled) <= set(cp.groups)
    monkeypatch.setattr(cutting, "column_scales", lambda Xf: np.ones(Xf.shape[1]))
    raw = cutting.seed_groups(cp)
    assert len(scaled) >= 3 * len(raw), (len(scaled), len(raw))
