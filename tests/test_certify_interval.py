"""solve's lower bound through the int64 interval pass (exact/interval_pass.py, session 11):
its ``floor``, ``faces`` and ``top`` options keep every claim exact (the Fraction audit below),
solve's certificates from it verify, and a planted bug in its proofs (every group dismissed)
is caught by the audit and by the verifier."""

from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pytest

from exact.convex import ConvexProgram
from tests.oracles import dual_pass_failures


def _instance(seed: int, n: int = 12, d: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    y = rng.integers(-5, 6, n).tolist()
    return X, y, F(1, 10)


def _verify(sol, X, y, beta):
    from arrangement.certificate import completeness_certificate
    from exact.certificates import solution_certificate
    from exact.verify import verify_certificate

    cert = solution_certificate(sol, X, y, beta)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    return verify_certificate(json.loads(json.dumps(cert)))


@pytest.mark.parametrize("seed", [0, 3])
def test_solve_takes_the_interval_pass_and_its_certificate_verifies(interval_calls, seed):
    """solve's lower bounds come from interval_dual_pieces (spied), with the refinement's
    must groups and faces and top=0; every dismissal holds in Fractions at the final dual
    point, and the written certificate verifies."""
    import exact.certify as certify_mod

    X, y, beta = _instance(seed)
    calls = interval_calls
    cp = ConvexProgram(X, y, beta)
    sol = certify_mod.solve(X, y, beta, program=cp)
    assert calls and all(dp is not None for _v, _kw, dp in calls)
    assert any(kw.get("top") == 0 and kw.get("faces") for _v, kw, _dp in calls)
    v, kw, dp = calls[-1]
    assert dual_pass_failures(cp, v, dp, kw.get("floor", F(0))) == []
    assert sol.stats["target_met"] and sol.lower <= sol.upper
    ok, msg = _verify(sol, X, y, beta)
    assert ok, msg


@pytest.mark.parametrize("seed", [1, 2])
def test_floor_faces_and_top_keep_the_pass_exact(seed):
    """With a floor, a wrong face guess and top=0 the pass still proves only true claims: the
    largest t above the floor is the one of dual_pieces, every bound is below max(floor,
    t_max), and a wrong face guess changes no projection (the exact KKT check refuses it)."""
    from exact.certify import dual_pieces
    from exact.interval_pass import interval_dual_pieces

    X, y, beta = _instance(seed, 10, 3)
    cp = ConvexProgram(X, y, beta)
    rng = np.random.default_rng(seed)
    v = tuple(F(int(a), 97) for a in rng.integers(-40, 40, cp.n))
    ref = dual_pieces(cp, v, screen=False)
    must = sorted(ref.ts, key=lambda g: -ref.ts[g])[:3]
    wrong = {g: (0,) for g in must}  # a guess that is (most often) not the active face
    for floor in (F(0), ref.tmax / 2, ref.tmax * 2):
        for top in (0, 512):
            dp = interval_dual_pieces(cp, v, must, floor=floor, faces=wrong, top=top)
            assert dp is not None
            assert dual_pass_failures(cp, v, dp, floor) == []
            if floor <= ref.tmax:
                assert dp.tmax == ref.tmax
            for g in must:
                assert dp.ts[g] == ref.ts[g]


def test_planted_bug_every_group_dismissed_is_caught(monkeypatch):
    """A planted interval proof that accepts every group (its threshold taken as huge) makes
    solve's dual pass dismiss groups above t_max: the Fraction audit finds them, and the
    certificate written from that solve is refused by the verifier (or its lower bound is not
    one: then the exact audit above is what catches it)."""
    import exact.certify as certify_mod
    from exact.interval_pass import IntervalH, interval_dual_pieces

    X, y, beta = _instance(5, 12, 3)
    cp = ConvexProgram(X, y, beta)
    rng = np.random.default_rng(5)
    v = tuple(F(int(a), 7) for a in rng.integers(-20, 20, cp.n))
    must = [(0, 1)]
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v, must, top=0)) == []
    monkeypatch.setattr(IntervalH, "threshold", lambda self, thr: 2**62)
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v, must, top=0)) != []
    # the same liar inside solve: some recorded bound exceeds β²/κ², and the verifier's exact
    # re-check of every chamber refuses the certificate
    bad = certify_mod.solve(X, y, beta, program=ConvexProgram(X, y, beta))
    ok, msg = _verify(bad, X, y, beta)
    assert not ok, msg


def test_pending_upper_bound_decides_as_the_exact_one():
    """The guess's upper bound computed only on demand (certify._PendingUpper): its lazy
    value is _upper_bound's, and the float-estimate comparisons (_below, _at_most) give the
    exact answers, also for bounds closer than the estimate's margin (decided exactly)."""
    import exact.certify as C

    X, y, beta = _instance(4, 10, 3)
    cp = ConvexProgram(X, y, beta)
    sol = C.solve(X, y, beta, program=cp)
    groups = dict(sol.groups)
    exact = C._upper_bound(cp, groups, 80)
    est = C._upper_estimate(cp, groups, cp.prediction(groups))
    assert abs(est - float(exact.value)) <= 1e-14 * abs(float(exact.value))
    for delta in (F(-1, 10**6), F(-1, 10**20), F(0), F(1, 10**20), F(1, 10**6)):
        other = C._Upper(exact.value + delta, {}, [])
        pend = C._PendingUpper(cp, groups, 80, est)
        assert C._below(other, pend) == (other.value < exact.value)
        pend = C._PendingUpper(cp, groups, 80, est)
        assert C._at_most(other, pend) == (other.value <= exact.value)
    pend = C._PendingUpper(cp, groups, 80, est)
    assert pend.value == exact.value and pend.neurons == exact.neurons
    assert C._positive(C._PendingUpper(cp, groups, 80, est))
    # with a met target, a bound within the estimate's margin is kept without computing the
    # pending one (it stays pending); far above it, or with the target missed, exactly as before
    lo = C._Lower(exact.value - abs(exact.value) / 10**13, (), F(1), {}, {}, {})
    tol = F(1, 10**12)
    for delta, kept in ((F(1, 10**20), True), (F(-1, 10**20), True), (F(1, 10**6), False)):
        other = C._Upper(exact.value + delta, {}, [])
        pend = C._PendingUpper(cp, groups, 80, est)
        assert C._below(other, pend, enough=(lo, tol)) == kept
        assert C._pending(pend) == (delta != F(1, 10**6))
    far = C._Lower(exact.value - abs(exact.value) / 10**6, (), F(1), {}, {}, {})
    other = C._Upper(exact.value + F(1, 10**20), {}, [])
    pend = C._PendingUpper(cp, groups, 80, est)
    assert not C._below(other, pend, enough=(far, tol)) and not C._pending(pend)
