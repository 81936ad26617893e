"""exact/dual_ipm.py: the interior-point guesses of the hinge refinement and of the squared
loss's rescue pass.

Oracles: the exact projection (:func:`exact.projection.project_onto_cone`) for the face-tracked
float projections; the certified optimum of the conic path alone (``HINGE_IPM`` off: conic
guess, KKT Newton, exact bounds) for the interior-point optimum; a raw real-data instance where
the conic path missed its gap target (benchmarks/RESULTS.md, session 26) for the rescue.
"""

from __future__ import annotations

import importlib.util
import json
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import exact.certify as certify
import exact.dual_ipm as dual_ipm
from exact.convex import ConvexProgram
from exact.dual_ipm import (
    FaceTracker,
    hinge_dual_ipm,
    hinge_guess,
    qcqp_ipm,
    squared_dual_ipm,
    squared_guess,
)
from exact.projection import project_onto_cone
from exact.screen import facet_arrays


def _program(seed: int, n: int = 8, d: int = 3, beta: str = "1/10", big: bool = False):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d))
    if big:  # raw-data scales: one column a thousand times the others
        X[:, 0] *= 1000
    y = rng.choice([-1, 1], n)
    y[0], y[1] = 1, -1
    return ConvexProgram(X.tolist(), y.tolist(), beta, "hinge")


def _exact_t(cp, g, v):
    i, s = g
    D = cp.patterns[i]
    vr = [Fraction(float(x)) for x in v]
    u = tuple(s * sum((x * vr[j] for j, x in enumerate(col) if D[j] and x), Fraction(0))
              for col in zip(*cp.X))
    return float(sum(p * p for p in project_onto_cone(cp.cones[i], u).p))


def _network(cp, fa, res) -> tuple[np.ndarray, float]:
    """The fit and the penalty sum ``Σ ρ_g ‖q_g‖`` of an IPM result's network ``w_g = ρ_g q_g``."""
    Xf = np.array([[float(x) for x in row] for row in cp.X])
    yhat = np.zeros(cp.n)
    pen = 0.0
    for (i, s), r, q in zip(res.groups, res.rho, res.q):
        yhat += s * r * (fa.P[i] * (Xf @ q))
        pen += r * float(np.linalg.norm(q))
    return yhat, pen


@given(st.integers(0, 10**6), st.booleans())
# warm faces whose one-facet corrections cycled (found by a randomized run): the tracker
# returned q = 0 where ‖Π_C u‖² = 96.8, and an infeasible q of norm² 275 where it is 261
@example(1122, True)
@example(1074, True)
@example(1038, False)
def test_tracked_projections_match_the_exact_ones(seed, big):
    cp = _program(seed, big=big)
    fa = facet_arrays(cp)
    rng = np.random.default_rng(seed + 1)
    groups = [cp.groups[k] for k in rng.choice(len(cp.groups), 6, replace=False)]
    ft = FaceTracker(fa, 1, groups)
    # two points in a row: the second starts from the first one's faces
    for _ in range(2):
        v = rng.normal(size=cp.n)
        _q, t = ft(v)
        for g, tg in zip(groups, t):
            te = _exact_t(cp, g, v)
            assert abs(tg - te) <= 1e-9 * max(1.0, te)


def test_planted_bug_a_tracker_that_never_adds_a_facet_is_caught(monkeypatch):
    # the comparison above must notice a projection that ignores violated facets
    monkeypatch.setattr(dual_ipm, "FEASIBLE", float("inf"))
    cp = _program(3)
    fa = facet_arrays(cp)
    v = np.random.default_rng(4).normal(size=cp.n)
    ft = FaceTracker(fa, 1, list(cp.groups))
    ft.faces = [()] * len(cp.groups)  # start every group on the whole space
    _q, t = ft(v)
    off = [abs(tg - _exact_t(cp, g, v)) for g, tg in zip(cp.groups, t)]
    assert max(off) > 1e-3


@pytest.mark.parametrize("seed", [0, 1, 2, 5])
def test_interior_point_optimum_is_the_certified_optimum(seed, monkeypatch):
    cp = _program(seed)
    fa = facet_arrays(cp)
    yf = [float(t) for t in cp.y]
    res = hinge_dual_ipm(fa, 1, yf, float(cp.beta) ** 2, list(cp.groups))
    assert res.converged
    monkeypatch.setattr(certify, "HINGE_IPM", False)
    sol = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert sol.stats["target_met"]
    # every group is in the set: Σμ is the optimum P* (strong duality, docs/MATH.md §7)
    assert abs(float(res.mu.sum()) - float(sol.upper)) <= 1e-9 * max(1.0, float(sol.upper))
    # and the network w_g = ρ_g q_g attains it
    yhat, pen = _network(cp, fa, res)
    value = np.maximum(0.0, 1 - np.array(yf) * yhat).sum() + float(cp.beta) * pen
    assert abs(value - float(sol.upper)) <= 1e-7 * max(1.0, float(sol.upper))


def test_qcqp_ipm_refuses_an_infeasible_start():
    cons = [(np.array([0]), np.array([[1.0]]))]
    with pytest.raises(ValueError, match="strictly feasible"):
        qcqp_ipm(np.ones(1), np.ones(1, bool), cons, 1.0, np.array([2.0]))


def test_cutting_planes_add_the_violated_groups():
    cp = _program(7, n=10)
    yf = [float(t) for t in cp.y]
    W, v, stats = hinge_guess(cp, [cp.groups[0]], [0.5] * cp.n)
    assert stats["violated"] == 0 and stats["rounds"] > 1 and stats["working_set"] > 1
    ft = FaceTracker(facet_arrays(cp), 1, list(cp.groups))
    _q, t = ft(np.asarray(v))
    assert t.max() <= float(cp.beta) ** 2 * (1 + 1e-8)
    assert all(0 <= x / t_ <= 1 + 1e-12 for x, t_ in zip(v, yf))


_GS = Path(__file__).resolve().parent.parent / "benchmarks" / "gap_search.py"


def _gap_search():
    pytest.importorskip("sklearn")
    spec = importlib.util.spec_from_file_location("gap_search", _GS)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_raw_wine_instance_meets_its_gap_target_and_verifies():
    # seed 31, draw #4: raw wine (24, 4), β = 1/100, 17-digit features. The conic path alone
    # ended at a relative gap of 1.6e-6 (benchmarks/RESULTS.md, session 26: about 17 groups
    # carry weight, the KKT systems on that active set have no solution)
    gs = _gap_search()
    rng = np.random.default_rng(31)
    betas = [Fraction(1, 10), Fraction(1, 1000), Fraction(1, 100)]
    for _ in range(5):
        inst = gs.draw(rng, (20, 30), (4, 5), betas, False, {})
    assert inst["name"] == "wine" and len(inst["X"]) == 24 and inst["beta"] == Fraction(1, 100)
    sol = certify.solve(inst["X"], inst["y"], inst["beta"], "hinge")
    assert sol.stats["target_met"], sol.stats.get("reason")
    assert sol.lower <= sol.upper
    from exact.certificates import solution_certificate
    from exact.verify import verify_certificate

    cert = solution_certificate(sol, inst["X"], inst["y"], inst["beta"])
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg


@pytest.fixture
def spy(monkeypatch):
    """``spy(module, name)``: the list of calls of ``module.name``, which still runs."""

    def install(module, name):
        calls: list[int] = []
        real = getattr(module, name)

        def counted(*a, **k):
            calls.append(1)
            return real(*a, **k)

        monkeypatch.setattr(module, name, counted)
        return calls

    return install


def test_a_failing_interior_point_guess_falls_back_to_the_conic_guess(monkeypatch, spy):
    # a numeric failure inside the interior-point method must cost only its guess: the KKT
    # refinement still runs from the conic guess, and the target is still met
    def broken(*_a, **_k):
        raise ValueError("qcqp_ipm needs a strictly feasible start")

    monkeypatch.setattr(dual_ipm, "hinge_guess", broken)
    calls = spy(certify, "_tighten_hinge_once")
    cp = _program(5)
    info: dict = {}
    guesses = list(certify._hinge_guesses(cp, {cp.groups[0]: np.ones(cp.d)}, {}, 0.0,
                                          (Fraction(0),) * cp.n, info))
    assert len(guesses) == 1 and "strictly feasible" in info["ipm_error"]
    sol = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert calls and sol.stats["target_met"]


def test_the_interior_point_guess_runs_once_per_solve(spy):
    # the full-program retry after a miss would redo the same cutting planes to the same optimum
    runs = spy(dual_ipm, "hinge_guess")
    cp = _program(2)
    W = {g: np.ones(cp.d) for g in cp.groups[:2]}
    v0 = tuple(Fraction(t, 2) for t in cp.y)
    info: dict = {}
    first = list(certify._hinge_guesses(cp, W, {}, 0.0, v0, info))
    second = list(certify._hinge_guesses(cp, W, {}, 0.0, v0, info))
    assert len(runs) == 1 and len(first) == 2 and len(second) == 1


def test_a_failed_interior_point_guess_is_not_rerun_in_the_same_solve(monkeypatch, spy):
    # a failure counts as the one run: the retry would fail the same way
    def broken(*_a, **_k):
        raise np.linalg.LinAlgError("singular")

    monkeypatch.setattr(dual_ipm, "squared_guess", broken)
    runs = spy(dual_ipm, "squared_guess")
    cp = _squared(8)
    info: dict = {}
    up0 = certify._upper_bound(cp, {}, 80)
    args = (cp, {cp.groups[0]: np.ones(cp.d)}, (Fraction(0),) * cp.n, up0, Fraction(1, 10**12),
            13, 107, 61, 40, info, None)
    assert certify._squared_ipm_pass(*args) is None
    assert certify._squared_ipm_pass(*args) is None
    assert len(runs) == 1 and "singular" in info["ipm_error"]


def test_tracker_falls_back_to_the_nnls_projection_when_no_face_is_feasible(monkeypatch):
    # every face the corrections may visit is made infeasible (start at the empty face, one
    # step): the projection must still be the cone's, from NNLS
    cp = _program(4)
    fa = facet_arrays(cp)
    rng = np.random.default_rng(4)
    groups = list(cp.groups[:8])
    ft = FaceTracker(fa, 1, groups)
    monkeypatch.setattr(ft, "_start", lambda g, u: ())
    fell = 0
    for _ in range(3):
        v = rng.normal(size=cp.n)
        for g, grp in enumerate(groups):
            u = grp[1] * (ft.Y[g].T @ v)
            q = ft.project(g, v, max_steps=1)
            te = _exact_t(cp, grp, v)
            assert abs(float(q @ q) - te) <= 1e-9 * max(1.0, te)
            fell += bool(len(ft.A[g]) and (ft.A[g] @ u < 0).any())
    assert fell  # some u lay outside its cone: the fallback ran


def _squared(seed: int, n: int = 8, d: int = 3, beta: str = "1/10", big: bool = False):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d))
    if big:
        X[:, 0] *= 1000
    return ConvexProgram(X.tolist(), rng.integers(-5, 6, n).tolist(), beta)


@pytest.mark.parametrize("seed,big", [(0, False), (1, False), (2, True), (3, True)])
def test_squared_interior_point_optimum_is_the_certified_optimum(seed, big):
    cp = _squared(seed, big=big)
    fa = facet_arrays(cp)
    yf = np.array([float(t) for t in cp.y])
    res = squared_dual_ipm(fa, 1, yf.tolist(), float(cp.beta) ** 2, list(cp.groups))
    sol = certify.solve(cp.X, cp.y, cp.beta, "squared")
    assert sol.stats["target_met"]
    # every group is in the set: the dual value is P* (strong duality, docs/MATH.md §7)
    dual = float(yf @ res.v - res.v @ res.v / 2)
    assert abs(dual - float(sol.upper)) <= 1e-9 * max(1.0, float(sol.upper))
    # and the network w_g = ρ_g q_g fits y − v (stationarity) and attains it
    yhat, pen = _network(cp, fa, res)
    assert np.abs(yhat - (yf - res.v)).max() <= 1e-6 * max(1.0, float(np.abs(yf).max()))
    value = float(np.sum((yhat - yf) ** 2) / 2 + float(cp.beta) * pen)
    assert abs(value - float(sol.upper)) <= 1e-7 * max(1.0, float(sol.upper))


def test_squared_guess_from_a_poor_start_refines_to_the_target():
    # one group and v = 0: the cutting planes must find the optimal groups themselves
    cp = _squared(5, n=10)
    sol = certify.solve(cp.X, cp.y, cp.beta, "squared")
    W, v, st = squared_guess(cp, [cp.groups[0]])
    assert st["violated"] == 0 and st["rounds"] > 1
    tol = Fraction(1, 10**12)
    up0 = certify._upper_bound(cp, {}, 80)
    got = certify._squared_ipm_pass(cp, W, (Fraction(0),) * cp.n, up0, tol, 13, 107, 61, 40,
                                    {}, None)
    assert got is not None
    lo, up, _r = got
    assert certify._met(lo, up, tol)
    assert lo.value <= sol.upper and sol.lower <= up.value


def test_a_stalled_squared_refinement_is_rescued_by_the_interior_point_pass(monkeypatch):
    # both passes from the conic guess made to stall (no bound at all): the target is met only
    # through the interior-point pass, and missed with it off
    cp = _squared(6, n=10)
    real_tighten, real_pass = certify._tighten, certify._squared_ipm_pass
    inside = []

    def stalled(cp_, W, norms, thr, v0, up0, *a, **k):
        if inside:
            return real_tighten(cp_, W, norms, thr, v0, up0, *a, **k)
        return None, up0, 1

    def rescue(*a, **k):
        inside.append(1)
        try:
            return real_pass(*a, **k)
        finally:
            inside.pop()

    monkeypatch.setattr(certify, "_tighten", stalled)
    monkeypatch.setattr(certify, "_squared_ipm_pass", rescue)
    sol = certify.solve(cp.X, cp.y, cp.beta, "squared", method="full")
    assert sol.stats["target_met"]
    monkeypatch.setattr(certify, "SQUARED_IPM", False)
    sol = certify.solve(cp.X, cp.y, cp.beta, "squared", method="full")
    assert not sol.stats["target_met"]


def test_a_failing_squared_interior_point_pass_only_loses_its_guess(monkeypatch):
    def broken(*_a, **_k):
        raise np.linalg.LinAlgError("singular")

    monkeypatch.setattr(dual_ipm, "squared_guess", broken)
    cp = _squared(7)
    info: dict = {}
    up0 = certify._upper_bound(cp, {}, 80)
    got = certify._squared_ipm_pass(cp, {cp.groups[0]: np.ones(cp.d)}, (Fraction(0),) * cp.n,
                                    up0, Fraction(1, 10**12), 13, 107, 61, 40, info, None)
    assert got is None and "singular" in info["ipm_error"]


def test_the_interior_point_guess_starts_from_the_active_groups_only(monkeypatch):
    # a full-program guess holds every group, most at weight ~0: the IPM's cutting planes
    # start from its active groups (raw breast cancer (20, 4): 4,640 groups, 226 s before)
    seen = []
    real = dual_ipm.hinge_guess

    def record(cp_, groups, *a, **k):
        seen.append(list(groups))
        return real(cp_, groups, *a, **k)

    monkeypatch.setattr(dual_ipm, "hinge_guess", record)
    monkeypatch.setattr(certify, "CONIC_TRIAL_ROUNDS", 0)  # the conic trial meets here
    cp = _program(5)
    sol = certify.solve(cp.X, cp.y, cp.beta, "hinge", method="full")
    assert sol.stats["target_met"] and seen
    assert 0 < len(seen[0]) <= cp.n + 1 < len(cp.groups)
    assert len(seen[0]) == len(set(seen[0]))


def test_the_conic_trial_skips_the_interior_point_guess_only_when_it_meets(monkeypatch, spy):
    # the conic guess's trial (certify.CONIC_TRIAL_ROUNDS) replaces the interior-point guess
    # where it meets the target; with no trial rounds the interior-point guess runs, and both
    # certify the same optimum
    runs = spy(dual_ipm, "hinge_guess")
    cp = _program(5)
    sol = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert sol.stats["target_met"] and not runs
    monkeypatch.setattr(certify, "CONIC_TRIAL_ROUNDS", 0)
    again = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert again.stats["target_met"] and len(runs) == 1
    assert max(sol.lower, again.lower) <= min(sol.upper, again.upper)


def test_a_conic_trial_with_no_kkt_solution_gives_up_before_any_exact_bound(monkeypatch):
    # raw-data scales (one column 1000× the others): the KKT system read off the conic guess
    # has no rounding-level solution (first residual ~1e-2), so the trial must hand over to
    # the interior-point guess at once, with no exact bound computed on its behalf
    events: list = []

    def recorder(module, name, tag):
        real = getattr(module, name)

        def run(*a, **k):
            out = real(*a, **k)
            events.append((tag, None if tag != "newton" or out is None else float(out[3])))
            return out

        monkeypatch.setattr(module, name, run)

    recorder(certify, "_hinge_newton", "newton")
    recorder(certify, "_lower_bound", "lower")
    recorder(dual_ipm, "hinge_guess", "ipm")
    cp = _program(2, big=True)
    sol = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert sol.stats["target_met"]
    tags = [t for t, _ in events]
    start = tags.index("newton")  # the trial's first (and only) float KKT solve
    assert events[start][1] > certify.HINGE_RESIDUAL
    assert tags[start + 1] == "ipm"


def test_the_conic_pass_resumes_where_its_trial_stopped(monkeypatch, spy):
    # a one-round trial that passes its check but misses: with no interior-point guess the
    # conic guess's loose pass goes on from the trial's end state (its active set read off
    # once) and ends exactly where a run without the trial ends
    monkeypatch.setattr(dual_ipm, "hinge_guess", lambda *_a, **_k: None)
    reads = spy(certify, "_initial_active")
    cp = _program(6, n=12, beta="1/1000")
    monkeypatch.setattr(certify, "CONIC_TRIAL_ROUNDS", 1)
    resumed = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert len(reads) == 1 and resumed.stats["rounds"] >= 2
    monkeypatch.setattr(certify, "CONIC_TRIAL_ROUNDS", 0)
    fresh = certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert resumed.stats["target_met"] and fresh.stats["target_met"]
    assert (resumed.lower, resumed.upper, resumed.stats["rounds"]) == (
        fresh.lower, fresh.upper, fresh.stats["rounds"])


def test_a_blurred_float_residual_is_decided_by_digits_not_by_a_pivot(monkeypatch, spy):
    # (8, 3) with one column 1000× the others: the K_g of the interior-point guess's active
    # set have condition numbers near 1e33, and float Newton stalls at a residual ~2.6e-10 on
    # a system that has a solution (40 digits reach ~1e-35). The pivot, meant for systems
    # with no solution, must not run there; mpmath decides first. (Whether that active set's
    # faces are right is another matter: on this instance they are not, RESULTS.md session
    # 33.) The solve is stopped at its first exact bound, after the round in question.
    class Stop(Exception):
        pass

    def stop(*_a, **_k):
        raise Stop

    floats = []
    real_newton = certify._hinge_newton

    def newton(*a, **k):
        out = real_newton(*a, **k)
        if isinstance(k.get("one"), float):
            floats.append(None if out is None else float(out[3]))
        return out

    monkeypatch.setattr(certify, "_hinge_newton", newton)
    monkeypatch.setattr(certify, "_lower_bound", stop)
    pivots = spy(certify, "_hinge_pivot")
    digits = spy(certify, "_hinge_newton_digits")
    ipm = spy(dual_ipm, "hinge_guess")
    cp = _program(0, big=True)
    with pytest.raises(Stop):
        certify.solve(cp.X, cp.y, cp.beta, "hinge")
    assert ipm and floats[0] > certify.HINGE_RESIDUAL  # the trial gave up
    assert certify.HINGE_RESIDUAL < floats[1] <= certify.HINGE_BLUR  # the guess's first round
    assert digits and not pivots
