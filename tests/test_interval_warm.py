"""Warm multipliers for the exact interval pass (exact/interval_pass.py, session 14): the float
multipliers a screen keeps (:attr:`exact.screen.ViolationState.kept`) are tried first by
:func:`exact.interval_pass.interval_dual_pieces` (``warm``). They only choose: the pass gives
the same largest t as the cold pass and every claim holds in Fractions, whatever the
multipliers (stale, garbage, negative, huge, NaN, of the wrong shape); solve hands its last
screen over, and a planted bug in the warm proofs (every warm group taken as proven) is caught
by the exact audit."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from exact.convex import ConvexProgram
from exact.interval_pass import interval_dual_pieces
from exact.screen import ViolationState, facet_arrays, float_violations
from tests.oracles import dual_pass_failures


def _instance(seed: int, n: int = 10, d: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, n).tolist(), F(1, 10))
    v = tuple(F(int(a), 97) for a in rng.integers(-40, 40, n))
    return cp, v, rng


def _screened(cp: ConvexProgram, v, shift: float = 0.0, seed: int = 0) -> ViolationState:
    """A screen's state at a float v near ``v`` (moved by ``shift`` relative, at random):
    every group visited by its descent or active-set steps has kept multipliers."""
    fa = facet_arrays(cp)
    rng = np.random.default_rng(seed)
    vf = np.array([float(x) for x in v]) * (1 + shift * rng.standard_normal(cp.n))
    state = ViolationState()
    # a threshold below every t: every group goes through the descent
    float_violations(fa, np.repeat(vf, cp.pool), 1e-12, state=state)
    return state


@given(seed=st.integers(0, 2**16), n=st.integers(5, 10), d=st.integers(2, 3),
       shift=st.sampled_from([0.0, 1e-9, 1e-3, 0.3]))
def test_warm_pass_has_the_cold_tmax_and_every_claim_holds(seed, n, d, shift):
    """On random small instances and dual points, warm multipliers from a screen at v or near
    it (up to 30% away): the warm pass's largest t is the cold pass's (and dual_pieces'), and
    the Fraction audit finds no false claim."""
    from exact.certify import dual_pieces

    cp, v, _rng = _instance(seed, n, d)
    if not cp.p:
        return
    state = _screened(cp, v, shift, seed)
    assert state.kept is not None and state.kept.shape[:2] == (cp.p, 2)
    cold = interval_dual_pieces(cp, v)
    warm = interval_dual_pieces(cp, v, warm=state)
    assert cold is not None and warm is not None
    assert warm.tmax == cold.tmax == dual_pieces(cp, v, screen=False).tmax
    assert dual_pass_failures(cp, v, warm) == []


def _verify(sol, X, y, beta):
    import json

    from arrangement.certificate import completeness_certificate
    from exact.certificates import solution_certificate
    from exact.verify import verify_certificate

    cert = solution_certificate(sol, X, y, beta)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    return verify_certificate(json.loads(json.dumps(cert)))


def _count_warm_proofs(monkeypatch):
    """Spy on IntervalH.proven's K-slot form (the warm proofs): [(tried, proven)]."""
    from exact.interval_pass import IntervalH

    seen: list[tuple[int, int]] = []
    real = IntervalH.proven

    def spy(self, AI, rows, cols, mu, T, facet=None, AF=None):
        ok = real(self, AI, rows, cols, mu, T, facet=facet, AF=AF)
        if facet is not None and np.ndim(facet) == 2:
            seen.append((len(rows), int(ok.sum())))
        return ok

    monkeypatch.setattr(IntervalH, "proven", spy)
    return seen


def test_warm_multipliers_prove_groups_and_solve_hands_them_over(monkeypatch, interval_calls):
    """solve passes its last screen to the interval pass (spied), the warm proofs settle
    groups there, and the certificate of that solve verifies; the solution's stats do not
    keep the screen's arrays."""
    import exact.certify as certify_mod

    seen = _count_warm_proofs(monkeypatch)
    rng = np.random.default_rng(3)
    X, y, beta = rng.integers(-9, 10, (14, 3)).tolist(), rng.integers(-5, 6, 14).tolist(), F(1, 10)
    calls = interval_calls
    cp = ConvexProgram(X, y, beta)
    sol = certify_mod.solve(X, y, beta, program=cp, method="cutting")
    assert calls and all(isinstance(kw.get("warm"), ViolationState) for _v, kw, _dp in calls)
    assert "screen" not in sol.stats["cutting"]
    assert seen and sum(p for _t, p in seen) > 0
    v, kw, dp = calls[-1]
    assert dual_pass_failures(cp, v, dp, kw.get("floor", F(0))) == []
    ok, msg = _verify(sol, X, y, beta)
    assert ok, msg


@pytest.mark.parametrize("kind", ["huge", "negative", "nan", "inf", "random", "shape", "none"])
def test_garbage_warm_multipliers_change_nothing_claimed(kind, monkeypatch):
    """Warm multipliers that are garbage (huge, negative, NaN, ±inf, random, of another
    program's shape, absent) prove no false group: the pass has the cold tmax and the Fraction
    audit holds. Groups with a positive entry are tried (the spy sees the K-slot proofs; an
    infinite or huge one is taken as μ = 0); without one, or of the wrong shape, none is."""
    seen = _count_warm_proofs(monkeypatch)
    cp, v, rng = _instance(7, 12, 3)
    state = _screened(cp, v)
    assert state.kept is not None
    shape = state.kept.shape
    if kind == "huge":
        state.kept = np.full(shape, 3e38, dtype=np.float32)
    elif kind == "negative":
        state.kept = -np.abs(state.kept) - 1
    elif kind == "nan":
        state.kept = np.full(shape, np.nan, dtype=np.float32)
    elif kind == "inf":
        state.kept = np.where(rng.random(shape) < 0.5, np.inf, -np.inf).astype(np.float32)
    elif kind == "random":
        state.kept = (rng.random(shape) * 10.0 ** rng.integers(-3, 9, shape)).astype(np.float32)
    elif kind == "shape":
        state.kept = np.ones((shape[0] + 1, 2, shape[2]), dtype=np.float32)
    else:
        state.kept = None
    cold = interval_dual_pieces(cp, v)
    warm = interval_dual_pieces(cp, v, warm=state)
    assert cold is not None and warm is not None
    assert warm.tmax == cold.tmax
    assert dual_pass_failures(cp, v, warm) == []
    assert bool(seen) == (kind in ("huge", "inf", "random"))


def test_planted_bug_warm_proofs_that_accept_every_group_are_caught(monkeypatch):
    """A planted warm proof that accepts every group it is given (its check skipped) makes
    the pass dismiss groups it cannot bound: the Fraction audit finds them. So the audit in
    the tests above can fail on a wrong warm proof."""
    from exact.interval_pass import IntervalH

    cp, v, rng = _instance(5, 12, 3)
    state = _screened(cp, v)
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v, warm=state)) == []
    real = IntervalH.proven

    def liar(self, AI, rows, cols, mu, T, facet=None, AF=None):
        if facet is not None and np.ndim(facet) == 2:
            return np.ones(len(rows), dtype=bool)
        return real(self, AI, rows, cols, mu, T, facet=facet, AF=AF)

    monkeypatch.setattr(IntervalH, "proven", liar)
    # garbage multipliers: with an honest check they prove nothing wrong; the liar accepts them
    state.kept = (rng.random(state.kept.shape) * 1e6).astype(np.float32)
    assert dual_pass_failures(cp, v, interval_dual_pieces(cp, v, warm=state)) != []
