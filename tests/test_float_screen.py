"""The float screen of the cutting planes (exact.screen.float_violations) against the exact
projections: every group whose exact ``t = ‖Π_C(s XᵀD v)‖²`` (exact.projection) exceeds the
threshold by a margin is reported violated, with and without the state carried between rounds
(drift bound, last multipliers as warm bounds and descent starts) and the settle level of the
descent; planted under-estimating bounds are caught by the same comparison."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement.instances import read_instance
from exact import screen as screen_mod
from exact.convex import ConvexProgram
from exact.projection import project_onto_cone
from properties import strategies as S

F = Fraction
#: a group counts as violated for these tests when its exact t is above β²(1 + rel)(1 + MARGIN)
#: (the screen works in floats: within the margin it may answer either way)
MARGIN = 1e-6


def _exact_ts(cp, v: np.ndarray) -> np.ndarray:
    """Exact ``t_{i,s}`` (p × 2, column 0: s = +1) at the float dual v (each entry read as the
    exact rational it is), by exact.projection; kept per data and dual, since the planted
    screens are compared with the same exact values (one p × 2 pass of exact projections per
    dual: most of this module's time)."""
    key = (tuple(tuple(row) for row in cp.X), np.asarray(v, dtype=float).tobytes())
    if key not in _TS:
        _TS[key] = _exact_ts_uncached(cp, v)
    return _TS[key].copy()


_TS: dict = {}


def _exact_ts_uncached(cp, v: np.ndarray) -> np.ndarray:
    vf = [F(float(x)) for x in v]
    out = np.zeros((cp.p, 2))
    for i in range(cp.p):
        D = cp.patterns[i]
        g = [sum((row[c] * vj for row, vj, dj in zip(cp.X, vf, D) if dj), F(0))
             for c in range(cp.d)]
        for col, s in ((0, 1), (1, -1)):
            gs = tuple(s * x for x in g)
            p = project_onto_cone(cp.cones[i], gs).p
            out[i, col] = float(sum((a * b for a, b in zip(p, gs)), F(0)))
    return out


def _misses(cp, vs, beta2: float, rel: float = 1e-7, carry: bool = True,
            settle: float | None = screen_mod.SETTLE, warm: bool = True) -> int:
    """Screen the duals ``vs`` in turn (one carried ViolationState when ``carry``) and count
    the groups violated beyond the margin (exact t) that the screen does not report above
    ``β²(1 + rel)``."""
    fa = screen_mod.facet_arrays(cp)
    state = screen_mod.ViolationState() if carry else None
    lim = beta2 * (1 + rel)
    misses = 0
    for v in vs:
        T = screen_mod.float_violations(fa, v, beta2, rel, state=state, settle=settle,
                                        warm_descent=warm)
        assert not np.isnan(T).any()  # no ``enough``: every group is decided
        want = _exact_ts(cp, v) > lim * (1 + MARGIN)
        misses += int(np.count_nonzero(want & ~(T > lim)))
    return misses


def _duals(cp, data) -> list[np.ndarray]:
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16)))
    vs = [rng.standard_normal(cp.n)]
    for h in data.draw(st.lists(st.sampled_from([1e-6, 1e-3, 0.1, 1.0]), min_size=1,
                                max_size=2)):
        vs.append(vs[-1] + h * rng.standard_normal(cp.n))
    return vs


def _beta2(cp, v, q: float) -> float:
    """A threshold with part of the groups above it (the q-quantile of the exact t)."""
    return float(np.quantile(_exact_ts(cp, v), q)) + 1e-12


@settings(max_examples=12, deadline=None)
@given(S.instances(S.matrices(n_max=6, d_max=3)), st.data())
def test_float_screen_reports_every_exactly_violated_group(inst, data):
    """Carried state or not, with the settle level or the full descent: no group whose exact
    violation exceeds the threshold by the margin is dismissed."""
    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    if screen_mod.facet_arrays(cp) is None:
        return
    vs = _duals(cp, data)
    beta2 = _beta2(cp, vs[0], data.draw(st.floats(0.3, 0.95)))
    settle = data.draw(st.sampled_from([screen_mod.SETTLE, None, 0.5, 2.0]))
    warm = data.draw(st.booleans())
    assert _misses(cp, vs, beta2, carry=True, settle=settle, warm=warm) == 0
    assert _misses(cp, vs, beta2, carry=False, settle=settle, warm=warm) == 0


def test_float_screen_on_an_example_matches_the_exact_violations():
    """On generic20x4 along nearby and distant duals: nothing violated is missed, and the
    screen's violated set is the exact one up to the margin (no group is reported violated
    whose exact t is below β²(1 + rel)(1 − margin))."""
    cp = ConvexProgram(*_example())
    fa = screen_mod.facet_arrays(cp)
    vs = _example_duals(cp)
    beta2 = _beta2(cp, vs[0], 0.7)
    lim = beta2 * (1 + 1e-7)
    ts = [_exact_ts(cp, v) for v in vs]
    for kw in ({}, {"settle": screen_mod.SETTLE, "warm_descent": True}):
        state = screen_mod.ViolationState()
        for v, t in zip(vs, ts):
            T = screen_mod.float_violations(fa, v, beta2, state=state, **kw)
            assert not np.any((t > lim * (1 + MARGIN)) & ~(T > lim))
            assert not np.any((T > lim) & (t < lim * (1 - MARGIN)))
            assert np.any(t > lim * (1 + MARGIN))  # there are violated groups to find


def _example():
    inst = read_instance("example:generic20x4")
    return inst.X, inst.y, inst.beta


def _example_duals(cp) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    v0 = 0.05 * rng.standard_normal(cp.n)
    return [v0, v0 + 1e-4 * rng.standard_normal(cp.n), v0 + 1e-2 * rng.standard_normal(cp.n)]


def test_planted_under_estimating_bound_is_caught(monkeypatch):
    """A descent whose residuals under-estimate (halved: its rows settle below the threshold
    and are dismissed without a projection) hides violated groups, and the comparison with
    the exact projections finds them; so does a warm bound from carried multipliers that
    under-estimates (the carried multipliers' residual halved in the state's upper estimates)."""
    cp = ConvexProgram(*_example())
    vs = _example_duals(cp)
    beta2 = _beta2(cp, vs[0], 0.7)
    assert _misses(cp, vs, beta2) == 0
    real = screen_mod.polar_descent

    def halved(fa, rows, G, *args, **kwargs):
        lam, r = real(fa, rows, G, *args, **kwargs)
        return lam, 0.5 * r

    monkeypatch.setattr(screen_mod, "polar_descent", halved)
    assert _misses(cp, vs, beta2) > 0
    monkeypatch.undo()

    real_fv = screen_mod.float_violations

    def shrunk_state(fa, v, beta2_, rel=1e-7, enough=None, state=None, settle=None,
                     warm_descent=False):
        if state is not None and state.U is not None:
            state.U = state.U / 4  # the carried upper estimates under-estimate
        return real_fv(fa, v, beta2_, rel, enough, state, settle, warm_descent)

    monkeypatch.setattr(screen_mod, "float_violations", shrunk_state)
    assert _misses(cp, vs, beta2) > 0
