"""The float screen of the cutting planes (:func:`exact.screen.float_violations`) against the
exact projections (:func:`exact.projection.project_onto_cone`).

The screen only guesses (the certificate re-checks everything exactly), but a guess that loses
a violated group ends the cutting planes on an infeasible dual, so whatever bounds, warm starts
or early stops make it fast, it must (up to a small relative margin, for float rounding):

* report every group whose exact ``t = ‖Π_C(s XᵀD v)‖²`` exceeds ``β²(1 + rel)`` as above that
  level (or NaN, "not visited", only when ``enough`` stopped the visit);
* give no finite entry below the exact ``t`` (its entries are upper bounds or projections), and
  report no group above ``β²(1 + rel)`` whose exact ``t`` is below it;
* with ``enough``, confirm at least ``min(enough, #violated)`` groups.

Planted bugs (a descent whose residuals under-estimate, facet rows that are not unit so the
half-space bound under-estimates) make the same comparison fail.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exact import screen as screen_mod
from exact.convex import ConvexProgram
from exact.projection import project_onto_cone

F = Fraction
#: relative margin around the threshold and the exact values (float rounding of the screen)
MARGIN = 1e-6


def exact_values(cp, v) -> np.ndarray:
    """The exact ``t_{i,s}`` (p × 2, column 0: s = +1) as floats, from the exact projections."""
    t = np.zeros((cp.p, 2))
    for i in range(cp.p):
        D = cp.patterns[i]
        g = [sum((row[c] * vj for row, vj, dj in zip(cp.X, v, D) if dj), F(0))
             for c in range(cp.d)]
        p = project_onto_cone(cp.cones[i], g).p
        tp = sum((a * b for a, b in zip(p, g)), F(0))
        # Π_C(−g) for the sign s = −1
        q = project_onto_cone(cp.cones[i], [-x for x in g]).p
        tq = sum((-a * b for a, b in zip(q, g)), F(0))
        t[i] = float(tp), float(tq)
    return t


def screen_errors(T: np.ndarray, t: np.ndarray, beta2: float, rel: float,
                  enough: int | None = None) -> list[str]:
    """What is wrong with the screen's answer ``T`` against the exact values ``t`` (empty when
    nothing): missed violations, entries below the truth, false violations, too few found."""
    lim = beta2 * (1 + rel)
    scale = MARGIN * max(float(t.max(initial=0.0)), beta2, 1e-300)
    errs = []
    viol = t > lim + scale
    known = ~np.isnan(T)
    if enough is None and not known.all():
        errs.append(f"{int((~known).sum())} NaN entries without enough")
    for i, c in np.argwhere(viol & known & ~(np.nan_to_num(T, nan=0.0) > lim)):
        errs.append(f"violated group {(int(i), int(c))} missed: t={t[i, c]!r} T={T[i, c]!r}")
    for i, c in np.argwhere(known & (np.nan_to_num(T, nan=np.inf) < t - scale)):
        errs.append(f"group {(int(i), int(c))} below the truth: t={t[i, c]!r} T={T[i, c]!r}")
    for i, c in np.argwhere(known & (np.nan_to_num(T, nan=0.0) > lim) & (t < lim - scale)):
        errs.append(f"group {(int(i), int(c))} falsely violated: t={t[i, c]!r} T={T[i, c]!r}")
    found = int(np.count_nonzero(np.nan_to_num(T, nan=0.0) > lim))
    want = int(np.count_nonzero(viol))
    if enough is not None and found < min(enough, want):
        errs.append(f"{found} confirmed of {want} violated, enough={enough}")
    return errs


@st.composite
def programs(draw):
    """Programs with tens to a hundred chambers (the suite's small instances have only a
    few): integer data, n ≤ 9 rows, d ≤ 4 columns."""
    d = draw(st.integers(2, 4))
    n = draw(st.integers(d + 1, 9 if d < 4 else 7))
    X = draw(st.lists(st.lists(st.integers(-6, 6), min_size=d, max_size=d), min_size=n,
                      max_size=n))
    y = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    cp = ConvexProgram(X, y, "1/10")
    return cp, screen_mod.facet_arrays(cp)


def _duals(rng, n: int, steps) -> list[tuple[Fraction, ...]]:
    """A rational dual and nearby ones (the moves of the cutting-plane rounds)."""
    v = [F(int(x), 64) for x in rng.integers(-128, 129, n)]
    out = [tuple(v)]
    for h in steps:
        v = [x + F(int(round(h * 4096 * z)), 4096) for x, z in zip(v, rng.standard_normal(n))]
        out.append(tuple(v))
    return out


def _threshold(t: np.ndarray, q: float) -> float:
    """A β² between the exact values (some groups violated, most not)."""
    return float(np.quantile(t, q)) * (1 + 1e-3) + 1e-9


@settings(max_examples=30, deadline=None)
@given(programs(), st.data())
def test_screen_finds_every_exactly_violated_group(prog, data):
    """One screen (no state, every group visited) against the exact projections."""
    cp, fa = prog
    if fa is None:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    (v,) = _duals(rng, cp.n, [])
    t = exact_values(cp, v)
    beta2 = _threshold(t, data.draw(st.floats(0.3, 0.97)))
    rel = data.draw(st.sampled_from([1e-7, 1e-9]))
    T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2, rel)
    assert not screen_errors(T, t, beta2, rel)


@settings(max_examples=25, deadline=None)
@given(programs(), st.data())
def test_carried_state_and_enough_lose_no_violated_group(prog, data):
    """A sequence of nearby duals screened with one carried ViolationState (drift bound, last
    multipliers, warm starts) and, at random, an ``enough`` stop, as the cutting planes do:
    every screen of the sequence against the exact projections at its own dual."""
    cp, fa = prog
    if fa is None:
        return
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    steps = data.draw(st.lists(st.sampled_from([1e-4, 1e-2, 0.1, 1.0]), min_size=1, max_size=4))
    vs = _duals(rng, cp.n, steps)
    t0 = exact_values(cp, vs[0])
    beta2 = _threshold(t0, data.draw(st.floats(0.3, 0.95)))
    state = screen_mod.ViolationState()
    for v in vs:
        t = exact_values(cp, v)
        enough = data.draw(st.sampled_from([None, 1, 3, 10**6]))
        T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2, 1e-7,
                                        enough=enough, state=state)
        assert not screen_errors(T, t, beta2, 1e-7, enough)


def _fixed():
    """A fixed program, dual and threshold where a fifth of the groups are violated."""
    rng = np.random.default_rng(3)
    X = rng.integers(-4, 5, size=(9, 3)).tolist()
    y = rng.integers(-3, 4, size=9).tolist()
    cp = ConvexProgram(X, y, "1/10")
    fa = screen_mod.facet_arrays(cp)
    (v,) = _duals(rng, cp.n, [])
    t = exact_values(cp, v)
    return cp, fa, v, t, _threshold(t, 0.8)


def test_fixed_instance_screen_is_right():
    cp, fa, v, t, beta2 = _fixed()
    assert 0 < int(np.count_nonzero(t > beta2 * (1 + 1e-7))) < t.size
    T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2)
    assert not screen_errors(T, t, beta2, 1e-7)


def test_planted_descent_bug_is_caught(monkeypatch):
    """A descent whose residuals under-estimate ‖Π_C(g)‖² (r halved) silently dismisses
    violated groups: the comparison with the exact projections finds them."""
    cp, fa, v, t, beta2 = _fixed()
    good = screen_mod.polar_descent

    def halved(*args, **kwargs):
        lam, r = good(*args, **kwargs)
        return lam, 0.5 * r

    monkeypatch.setattr(screen_mod, "polar_descent", halved)
    T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2)
    assert any("missed" in e for e in screen_errors(T, t, beta2, 1e-7))


def test_planted_bound_bug_is_caught():
    """Facet rows of length 1.5 instead of 1 make the half-space bound ‖g‖² − (a·g)²
    under-estimate (and dismiss violated groups without a projection)."""
    cp, fa, v, t, beta2 = _fixed()
    bad = screen_mod.FacetArrays(1.5 * fa.A, fa.counts, fa.P, fa.X, fa.raw, fa.raw_exact,
                                 fa.raw_norms)
    T = screen_mod.float_violations(bad, np.array([float(x) for x in v]), beta2)
    assert screen_errors(T, t, beta2, 1e-7)


def test_planted_enough_bug_is_caught():
    """An answer that confirms fewer groups than ``enough`` asks (and marks the rest NaN) is
    reported, as is a violated group turned into a small bound."""
    cp, fa, v, t, beta2 = _fixed()
    T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2)
    lim = beta2 * (1 + 1e-7)
    hit = np.argwhere(T > lim)
    assert len(hit) >= 2
    T2 = T.copy()
    T2[tuple(hit[0])] = np.nan
    assert screen_errors(T2, t, beta2, 1e-7, enough=len(hit))
    T3 = T.copy()
    T3[tuple(hit[0])] = 0.5 * beta2
    assert any("missed" in e for e in screen_errors(T3, t, beta2, 1e-7))


@pytest.mark.parametrize("enough", [1, 5])
def test_enough_confirms_the_largest_first(enough):
    """With ``enough``, the confirmed groups are real violations and at least ``enough`` of
    them (the visit goes by decreasing bound)."""
    cp, fa, v, t, beta2 = _fixed()
    T = screen_mod.float_violations(fa, np.array([float(x) for x in v]), beta2, enough=enough)
    assert not screen_errors(T, t, beta2, 1e-7, enough)

