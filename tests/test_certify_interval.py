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


def _instance17(seed: int, n: int = 12, d: int = 3):
    """Data as a CSV export writes it: 17-digit floats (the facets' integers near 2^57, far
    beyond the residuals' H/2^k scale, so integer multipliers round to 0)."""
    rng = np.random.default_rng(seed)
    X = [[F(f"{x:.17g}") for x in r] for r in 0.05 * rng.standard_normal((n, d))]
    y = [F(repr(float(t))) for t in rng.standard_normal(n)]
    return X, y, F(1, 10)


def _instance_mixed(seed: int, n: int = 12, d: int = 3):
    """17-digit floats of mixed scales, as raw features export (breast cancer's areas near
    1e3 beside smoothness near 1e-1): a facet's primitive integer row then has entries near
    2^76, beyond int64 (:func:`exact.screen.int_facets` holds Python ints)."""
    rng = np.random.default_rng(seed)
    scale = np.array([1e3, 1e-3, 1.0, 10.0][:d])
    X = [[F(f"{x:.17g}") for x in r] for r in rng.standard_normal((n, d)) * scale]
    y = [F(repr(float(t))) for t in rng.standard_normal(n)]
    return X, y, F(1, 10)


_INSTANCES17 = {"17 digits": _instance17, "mixed scales": _instance_mixed}


def _route_spies(monkeypatch):
    """Count the float route's checks and the int64 proofs that carry multipliers."""
    import exact.interval_pass as ip

    seen = {"float": 0, "int_mu": 0}
    real_float, real_proven = ip.float_bound_proven, ip.IntervalH.proven

    def float_spy(*a, **k):
        seen["float"] += 1
        return real_float(*a, **k)

    def proven_spy(self, AI, rows, cols, mu, T, **k):
        seen["int_mu"] += mu is not None and len(rows) > 0
        return real_proven(self, AI, rows, cols, mu, T, **k)

    monkeypatch.setattr(ip, "float_bound_proven", float_spy)
    monkeypatch.setattr(ip.IntervalH, "proven", proven_spy)
    return seen


@pytest.mark.parametrize("kind", sorted(_INSTANCES17))
@pytest.mark.parametrize("seed", [0, 1])
def test_17_digit_data_take_the_float_route_and_every_claim_holds(interval_calls, seed, kind,
                                                                   monkeypatch):
    """On 17-digit data the pass proves with multipliers only on the exact rows in floats
    (the kept multipliers of the screen, then NNLS; no int64 round with integer
    multipliers); every dismissal holds in Fractions and solve's certificate verifies. With
    facet rows beyond int64 (mixed scales) the pass still runs: the general dual_pieces,
    which it replaced there too (bc 17 digits, (37, 4): certification 3.2 → 0.15 s), is
    never called."""
    import exact.certify as certify_mod

    seen = _route_spies(monkeypatch)
    general = []
    real_general = certify_mod.dual_pieces
    monkeypatch.setattr(certify_mod, "dual_pieces",
                        lambda *a, **k: general.append(1) or real_general(*a, **k))
    X, y, beta = _INSTANCES17[kind](seed)
    cp = ConvexProgram(X, y, beta)
    if kind == "mixed scales":
        from exact.screen import int_facets

        assert int_facets(cp).dtype == object  # the rows this instance is about
    sol = certify_mod.solve(X, y, beta, program=cp)
    assert sol.stats["method"] == "cutting" and sol.stats["target_met"]
    assert seen["float"] > 0 and seen["int_mu"] == 0 and not general
    v, kw, dp = interval_calls[-1]
    assert dp is not None and dual_pass_failures(cp, v, dp, kw.get("floor", F(0))) == []
    ok, msg = _verify(sol, X, y, beta)
    assert ok, msg


@pytest.mark.parametrize("kind", sorted(_INSTANCES17))
def test_17_digit_pass_at_a_random_point_is_exact_and_a_lying_float_check_is_caught(
        monkeypatch, kind):
    """Away from an optimum (many groups above the must group's t) the float route's largest
    t is dual_pieces' and every claim holds; a planted float check that accepts every bound
    dismisses groups above t_max, which the Fraction audit finds."""
    import exact.interval_pass as ip
    from exact.certify import dual_pieces

    X, y, beta = _INSTANCES17[kind](2, 10, 3)
    cp = ConvexProgram(X, y, beta)
    rng = np.random.default_rng(2)
    v = tuple(F(int(a), 7) for a in rng.integers(-20, 20, cp.n))
    must = [(0, 1)]
    seen = _route_spies(monkeypatch)
    dp = ip.interval_dual_pieces(cp, v, must, top=0)
    assert dp is not None and seen["float"] > 0 and seen["int_mu"] == 0
    assert dual_pass_failures(cp, v, dp) == []
    assert dp.tmax == dual_pieces(cp, v, screen=False).tmax
    monkeypatch.setattr(ip, "float_bound_proven",
                        lambda G, lam, AF, counts, T: np.ones(len(G), dtype=bool))
    assert dual_pass_failures(cp, v, ip.interval_dual_pieces(cp, v, must, top=0)) != []
