"""The float screen's faster layout (session 11) takes exactly the steps of the plain one:
exact.screen.polar_descent (d × m layout, facet k stepped only on the rows with more than k
facets) against a plain padded m × d coordinate descent, bit for bit; its lane sum against
numpy's einsum; float_violations' lazy ranking (_Ranked) against the full stable sort. Each
comparison also fails on a planted bug (a facet skipped, ties split by the ranking)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exact import screen as screen_mod
from exact.convex import ConvexProgram


def _program(seed: int, n: int = 12, d: int = 4) -> ConvexProgram:
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    return ConvexProgram(X, rng.integers(-5, 6, n).tolist(), Fraction(1, 10))


def _plain_descent(fa, rows, G, sweeps, target=None, every=2):
    """The coordinate descent of polar_descent on all rows at once, m × d, every facet slot
    (the padding slots â = 0 change nothing), rows frozen once below ``target``."""
    A = fa.A[rows]
    f = A.shape[1]
    lam = np.zeros((len(rows), f))
    r = np.array(G, dtype=float)
    live = np.ones(len(rows), dtype=bool)
    for sw in range(sweeps):
        for k in range(f):
            ak = A[live, k]
            rl, ll = r[live], lam[live, k]
            new = np.maximum(ll - np.einsum("md,md->m", ak, rl), 0.0)
            r[live] = rl + (new - ll)[:, None] * ak
            lam[live, k] = new
        if target is not None and sw % every == every - 1 and sw + 1 < sweeps:
            live &= ~(np.einsum("md,md->m", r, r) <= target)
    return lam, r


def _same(a, b) -> bool:
    return all(np.array_equal(x, y) for x, y in zip(a, b))


def _rows_and_g(cp, seed: int, m: int):
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, cp.p, m)  # unsorted, repeated
    G = rng.standard_normal((m, cp.d)) * 10.0 ** rng.uniform(-3, 3, (m, 1))
    return rows, G


@pytest.mark.parametrize("d", [2, 3, 4, 5])
@pytest.mark.parametrize("sweeps", [1, 3, 12])
def test_polar_descent_is_the_plain_descent_bit_for_bit(d, sweeps, monkeypatch):
    """Every λ and residual equal to the plain descent's, in blocks of any size (a block
    boundary inside a run of one facet count, and one block for everything)."""
    cp = _program(d, n=10 + d, d=d)
    fa = screen_mod.facet_arrays(cp)
    rows, G = _rows_and_g(cp, sweeps, 300)
    want = _plain_descent(fa, rows, G, sweeps)
    for block in (7, 128, 4096):
        monkeypatch.setattr(screen_mod, "DESCENT_ROWS", block)
        assert _same(screen_mod.polar_descent(fa, rows, G, sweeps=sweeps), want)


def test_polar_descent_with_a_target_is_the_plain_descent_bit_for_bit():
    """Rows stop once below the target (checked every other sweep) as in the plain descent."""
    cp = _program(1)
    fa = screen_mod.facet_arrays(cp)
    rows, G = _rows_and_g(cp, 5, 400)
    full = screen_mod.polar_descent(fa, rows, G)
    target = float(np.median(np.einsum("md,md->m", full[1], full[1]))) * 1.5
    got = screen_mod.polar_descent(fa, rows, G, target=target)
    assert _same(got, _plain_descent(fa, rows, G, 12, target=target))
    assert not _same(got, full)  # the target did stop rows


def test_planted_skipped_facet_is_caught(monkeypatch):
    """A descent that steps facet k only on the rows with more than k + 1 facets (its last
    facet never stepped on each row) is told apart by the comparison."""
    cp = _program(2)
    fa = screen_mod.facet_arrays(cp)
    rows, G = _rows_and_g(cp, 2, 300)
    want = _plain_descent(fa, rows, G, 12)
    real = screen_mod._count_starts
    monkeypatch.setattr(screen_mod, "_count_starts",
                        lambda cnt, fb: np.searchsorted(cnt, np.arange(fb) + 1,
                                                        side="right").tolist())
    assert not _same(screen_mod.polar_descent(fa, rows, G), want)
    monkeypatch.setattr(screen_mod, "_count_starts", real)
    assert _same(screen_mod.polar_descent(fa, rows, G), want)


@pytest.mark.parametrize("d", range(1, 10))
def test_lane_sum_is_the_dot_product(d):
    """The lane sum is the column sum of its products: exactly einsum's for d < 8 (the
    order the descent's path relies on), within rounding beyond."""
    rng = np.random.default_rng(d)
    m = 2000
    a = rng.standard_normal((m, d))
    b = rng.standard_normal((m, d)) * 10.0 ** rng.uniform(-8, 8, (m, d))
    want = np.einsum("md,md->m", a, b)
    out = np.empty(m)
    screen_mod._lane_sum(np.ascontiguousarray((a * b).T), out, np.empty((d, m)))
    if d < 8:
        assert np.array_equal(out, want)
    assert np.allclose(out, want, rtol=1e-12, atol=1e-300 + 1e-12 * np.abs(a * b).sum(1).max())


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=0, max_size=60), st.integers(1, 20), st.data())
def test_ranked_reads_as_the_full_stable_sort(keys, first, data):
    """Read as far as any n, the lazy order is the full stable argsort's prefix (ties,
    which are frequent, in their original order), and ``after`` holds the rest."""
    key = np.array(keys, dtype=float)
    full = np.argsort(key, kind="stable")
    rk = screen_mod._Ranked(key, first)
    for n in sorted(data.draw(st.lists(st.integers(0, len(key) + 3), max_size=4))):
        got = rk.upto(n)
        assert len(got) >= min(n, len(key))
        assert np.array_equal(got, full[:len(got)])
        k = min(n, len(got))
        assert sorted(rk.after(k).tolist()) == sorted(full[k:].tolist())


def test_planted_ranking_by_argpartition_is_caught():
    """A ranking that extends its prefix by argpartition's first entries (some of the tied
    keys, not all) puts later ties before earlier ones, and the comparison sees it."""
    key = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 2.0, 1.0, 0.0, 1.0, 1.0, 0.0, 1.0] * 3)
    full = np.argsort(key, kind="stable")

    class SomeTies(screen_mod._Ranked):
        def upto(self, n):
            while len(self.done) < n and len(self.rest):
                kr = self.key[self.rest]
                want = min(max(self.first, len(self.done)), len(kr)) - 1
                pick = np.sort(np.argpartition(kr, want)[:want + 1])
                part = self.rest[pick]
                self.done = np.concatenate([self.done, part[np.argsort(kr[pick], kind="stable")]])
                self.rest = np.delete(self.rest, pick)
            return self.done

    assert np.array_equal(screen_mod._Ranked(key, 5).upto(len(key)), full)
    assert not np.array_equal(SomeTies(key, 5).upto(len(key)), full)


def test_float_violations_unchanged_by_the_ranking_prefix(monkeypatch):
    """The screen's answer (with an early stop) does not depend on how far the ranking sorts
    at a time: the lazy order is the full one."""
    cp = _program(3, n=14)
    fa = screen_mod.facet_arrays(cp)
    v = np.random.default_rng(3).standard_normal(cp.n)
    full = screen_mod.float_violations(fa, v, 1e300)
    beta2 = float(np.quantile(full, 0.6))
    monkeypatch.setattr(screen_mod, "_DESCENT_BLOCK", 1)  # slices of 2: the stop is exercised
    outs = []
    for first in (1, 3, 10**9):
        real = screen_mod._Ranked
        monkeypatch.setattr(screen_mod, "_Ranked", lambda key, _f, _r=real, _x=first: _r(key, _x))
        outs.append(screen_mod.float_violations(fa, v, beta2, enough=2))
        monkeypatch.setattr(screen_mod, "_Ranked", real)
    assert np.isnan(outs[0]).any()  # the visit stopped early
    assert all(np.array_equal(o, outs[0], equal_nan=True) for o in outs)
