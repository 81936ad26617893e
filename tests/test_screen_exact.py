"""The exact re-check of descent multipliers (:func:`exact.screen.exact_multipliers_ok`)
against a plain Fraction computation, on its int64 path and on its Python-integer path,
including residuals exactly at the threshold and multipliers whose exponents are far apart
(which force the Python-integer path)."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import exact.screen as screen_mod
from exact.screen import Dismissals, exact_multipliers_ok


def _reference(AI, H, den, rows, signs, mu, thr):
    out = []
    for r, i in enumerate(rows.tolist()):
        g = [F(int(signs[r]) * int(x), den) for x in H[i]]
        for k in range(mu.shape[1]):
            lam = F(float(mu[r, k]))
            g = [gc + lam * int(a) for gc, a in zip(g, AI[i, k])]
        out.append(sum(x * x for x in g) <= thr)
    return out


dyadic = st.one_of(st.just(0.0), st.integers(0, 2**30).flatmap(
    lambda m: st.integers(-60, 40).map(lambda e: float(m) * 2.0**e)))


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 5), st.data())
def test_exact_multipliers_ok_matches_fractions(d, f, p, data):
    AI = np.array(data.draw(st.lists(st.integers(-2**20, 2**20), min_size=p * f * d,
                                     max_size=p * f * d))).reshape(p, f, d)
    big = data.draw(st.sampled_from([2**10, 2**70]))  # int64 H and Python-int H
    H = np.array(data.draw(st.lists(st.integers(-big, big), min_size=p * d, max_size=p * d)),
                 dtype=object).reshape(p, d)
    den = data.draw(st.integers(1, 2 * big))
    m = data.draw(st.integers(1, 6))
    rows = np.array(data.draw(st.lists(st.integers(0, p - 1), min_size=m, max_size=m)))
    signs = np.array(data.draw(st.lists(st.sampled_from([1, -1]), min_size=m, max_size=m)))
    mu = np.array(data.draw(st.lists(dyadic, min_size=m * f, max_size=m * f))).reshape(m, f)
    # the threshold: a random one, or exactly the first group's value (the boundary case)
    exact0 = _value(AI, H, den, rows[0], signs[0], mu[0])
    thr = data.draw(st.sampled_from([exact0, exact0 * F(1, 2) + F(1, 3), F(1, 7)]))
    got = exact_multipliers_ok(AI, H, den, rows, signs, mu, thr).tolist()
    assert got == _reference(AI, H, den, rows, signs, mu, thr)
    if thr == exact0:
        assert got[0]


def _value(AI, H, den, i, s, mu_row):
    g = [F(int(s) * int(x), den) for x in H[i]]
    for k, lam in enumerate(mu_row.tolist()):
        g = [gc + F(lam) * int(a) for gc, a in zip(g, AI[i, k])]
    return sum(x * x for x in g)


def test_int64_path_is_taken_and_refuses_a_violated_group(monkeypatch):
    """The int64 path decides small cases (its answer is not None) and rejects a group whose
    residual exceeds the threshold by the smallest step; a planted int64 path that accepts
    everything is caught by the Fraction reference."""
    AI = np.array([[[1, 0], [0, 1]]])
    H = np.array([[-3, 4]], dtype=object)
    rows, signs = np.array([0, 0]), np.array([1, 1])
    mu = np.array([[3.0, 0.0], [2.5, 0.0]])  # residuals (0, 4) and (-0.5, 4)
    thr = F(16)
    fast = screen_mod._multipliers_ok_int64(AI, H, 1, rows, signs, mu, thr, 2)
    assert fast is not None and fast.tolist() == [True, False]
    assert exact_multipliers_ok(AI, H, 1, rows, signs, mu, thr).tolist() == [True, False]
    monkeypatch.setattr(screen_mod, "_multipliers_ok_int64",
                        lambda *a: np.ones(len(a[3]), dtype=bool))
    got = exact_multipliers_ok(AI, H, 1, rows, signs, mu, thr).tolist()
    assert got != _reference(AI, H, 1, rows, signs, mu, thr)


def test_dismissals_join_multiplier_rows_in_order():
    """Multiplier rows added in several calls are read back per group, in the order added."""
    cones = [[(1, 0), (0, 1)]] * 3
    t = Dismissals(cones, np.array([[1, 1]] * 3), 1)
    t.add_multipliers(np.array([0]), np.array([0]), np.array([[0.5, 0.0]]))
    t.add_multipliers(np.array([], dtype=int), np.array([], dtype=int), np.zeros((0, 2)))
    t.add_multipliers(np.array([1, 2]), np.array([1, 0]), np.array([[0.0, 2.0], [1.0, 1.0]]))
    assert t[(0, 1)] == (F(1, 2), F(0))
    assert t[(1, -1)] == (F(0), F(2))
    assert t.ratios((2, 1)) == [(1, 1), (1, 1)]
    t.add_multipliers(np.array([1]), np.array([0]), np.array([[0.25, 0.0]]))
    assert t[(1, 1)] == (F(1, 4), F(0)) and t[(2, 1)] == (F(1), F(1)) and len(t) == 4
