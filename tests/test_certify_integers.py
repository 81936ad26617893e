"""The integer forms of the certification phase of ``solve`` (session 8, wt-cert) against
independent Fraction computations: the int64 interval re-checks of the dual pass's dismissals
(``dual_pieces`` with ``exact.interval_pass.IntervalH``), ``_cheap_bound``'s exact proof, the
integer kernel projectors and reduced matrices, the exact cone test, the network value and the
float image of H; each new check with a planted bug that the oracle catches."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import exact.certify as certify_mod
import exact.interval_pass as interval_mod
import exact.screen as screen_mod
from arrangement.exactla import kernel_projector
from exact.certify import dual_pieces, in_cone_exact, kernel_projector_int, matrix_key
from exact.convex import ConvexProgram
from exact.network import Network


def _program(n=10, d=3, seed=5):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    y = rng.integers(-5, 6, n).tolist()
    return ConvexProgram(X, y, F(1, 10))


def _dual_point(cp, seed=0):
    """A rational dual point with many denominators (74-bit-like H entries, as in solve)."""
    rng = np.random.default_rng(seed)
    return tuple(F(int(x), 2**60) for x in rng.integers(-2**56, 2**56, cp.n))


def _bad_dismissals(cp, v, dp, floor=F(0)):
    """Groups whose recorded bound is not ≤ the pass's threshold, by plain Fractions (the
    oracle): a dual bound ``‖g + Aᵀλ‖²`` for the groups in ``dp.bounds``, ``‖g‖²`` for the
    groups neither projected nor bounded."""
    thr = max(floor, dp.tmax)
    bad = []
    for i in range(cp.p):
        h = [sum((F(x) * v[j] for j, (x, on) in enumerate(zip(col, cp.patterns[i])) if on),
                 F(0)) for col in zip(*cp.X)]
        for s in (1, -1):
            if (i, s) in dp.certs:
                continue
            g = [s * x for x in h]
            lam = dp.bounds.get((i, s))
            if lam is not None:
                assert all(x >= 0 for x in lam)
                for lk, a in zip(lam, cp.cones[i]):
                    g = [gc + lk * ac for gc, ac in zip(g, a)]
            if sum(x * x for x in g) > thr:
                bad.append((i, s))
    return bad


def test_dual_pieces_int64_dismissals_hold_and_planted_liar_is_caught(monkeypatch):
    """Every dismissal of dual_pieces (int64 interval proofs included) holds in Fractions and
    the largest t is the one of the exact pass without a screen; a planted IntervalH.proven
    that accepts everything dismisses a group above the threshold, and the oracle sees it."""
    cp = _program()
    v = _dual_point(cp)
    dp = dual_pieces(cp, v)
    assert any(int(c) == 4 for c in dp.bounds.code.ravel())  # the int64 path was taken
    assert _bad_dismissals(cp, v, dp) == []
    assert dp.tmax == dual_pieces(cp, v, screen=False).tmax
    monkeypatch.setattr(interval_mod.IntervalH, "proven",
                        lambda self, AI, rows, cols, mu, T, facet=None:
                        np.ones(len(rows), dtype=bool))
    monkeypatch.setattr(screen_mod, "interval_proven",
                        lambda ih, AI, rows, cols, mu, T, facet=None:
                        np.ones(len(rows), dtype=bool))
    liar = dual_pieces(cp, v)
    assert _bad_dismissals(cp, v, liar) != []


def test_proven_below_with_intervals_matches_python_integers():
    """proven_below proves the same kind of claims with and without the int64 intervals:
    every group either path proves is below thr by the Fraction oracle."""
    from exact.certify import h_matrix
    from exact.interval_pass import IntervalH, ScaledDismissals
    from exact.screen import facet_arrays, proven_below

    cp = _program(12, 3, 7)
    v = _dual_point(cp, 3)
    H, den = h_matrix(cp, v)
    fa = facet_arrays(cp)
    thr = F(1, 20) * max(sum(F(int(x), den) ** 2 for x in row) for row in H.tolist())
    rec = ScaledDismissals(cp.cones, IntervalH(cp, v))
    rec.H = H
    done = proven_below(cp, fa, H, den, thr, record=rec, ih=IntervalH(cp, v))
    plain = proven_below(cp, fa, H, den, thr)
    assert done.sum() >= plain.sum() * 0.9 and done.any()
    for i, col in zip(*np.nonzero(done)):
        i, s = int(i), 1 - 2 * int(col)
        g = [F(s * int(x), den) for x in H[i]]
        lam = rec.get((i, s)) or (F(0),) * len(cp.cones[i])
        for lk, a in zip(lam, cp.cones[i]):
            g = [gc + lk * ac for gc, ac in zip(g, a)]
        assert sum(x * x for x in g) <= thr


def test_cheap_bound_proves_exactly_and_planted_liar_is_caught(monkeypatch):
    """_cheap_bound's multipliers give a dual bound ≤ thr in Fractions; with its exact proof
    (screen.exact_multipliers_ok) replaced by one that accepts everything, a bound above the
    threshold is returned, which the oracle catches."""
    A = [(1, 0, 0), (1, 1, 0), (0, 1, 1)]
    h, den = (-5, -3, 7), 4

    def bound(lam, s):
        g = [F(s * x, den) for x in h]
        for lk, a in zip(lam, A):
            g = [gc + lk * ac for gc, ac in zip(g, a)]
        return sum(x * x for x in g)

    exact_t = min(bound(certify_mod.project_onto_cone(A, [F(x, den) for x in h]).lam, 1),
                  F(10**9))
    for thr in (exact_t * F(101, 100), exact_t * 2, F(100)):
        lam = certify_mod._cheap_bound(A, h, den, 1, thr)
        assert lam is None or bound(lam, 1) <= thr
    tight = exact_t * F(999, 1000)  # below the projection's t: nothing can prove it
    assert certify_mod._cheap_bound(A, h, den, 1, tight) is None
    monkeypatch.setattr(screen_mod, "exact_multipliers_ok",
                        lambda AI, H, den, rows, signs, mu, thr: np.ones(len(rows), bool))
    lam = certify_mod._cheap_bound(A, h, den, 1, tight)
    assert lam is not None and bound(lam, 1) > tight


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.data())
def test_kernel_projector_int_is_the_fraction_projector(d, data):
    rows = data.draw(st.lists(st.lists(st.integers(-4, 4), min_size=d, max_size=d),
                              max_size=d + 1))
    PI, L = kernel_projector_int(rows, d)
    P = kernel_projector(rows, d) if rows else [[F(int(r == c)) for c in range(d)]
                                                for r in range(d)]
    assert L > 0
    assert [[F(int(PI[r][c]), L) for c in range(d)] for r in range(d)] == P
    import math  # the reduced form (one representation: the adjugate path gives the same)
    assert math.gcd(L, *(int(x) for x in np.asarray(PI).ravel())) == 1


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 4), st.data())
def test_in_cone_exact_and_matrix_key(d, data):
    rows = data.draw(st.lists(st.lists(st.integers(-5, 5), min_size=d, max_size=d),
                              max_size=4))
    w = data.draw(st.lists(st.fractions(min_value=-3, max_value=3, max_denominator=7),
                           min_size=d, max_size=d))
    assert in_cone_exact(rows, w) == all(sum(a * x for a, x in zip(r, w)) >= 0 for r in rows)
    K = np.array(data.draw(st.lists(st.integers(-9, 9), min_size=4, max_size=4))).reshape(2, 2)
    k = data.draw(st.integers(1, 5))
    assert matrix_key(K * k, 3 * k) == matrix_key(K, 3)
    assert (matrix_key(K, 3) == matrix_key(K, 4)) == (not K.any())


def test_network_value_and_reduced_K_against_fractions():
    """The exact objective of the upper bound (integers over one denominator) against
    Network.objective, and K_g = D X P_F Xᵀ D from the integer projector against Fractions."""
    cp = _program(8, 3, 2)
    rng = np.random.default_rng(4)
    neurons = [(tuple(F(int(a), int(b)) for a, b in zip(rng.integers(-9, 10, 3),
                                                            rng.integers(1, 9, 3))),
                F(int(rng.integers(-5, 6)), int(rng.integers(1, 5)))) for _ in range(4)]
    net = Network.from_lists(neurons)
    assert certify_mod._network_value(neurons, cp.X, cp.y, cp.beta, "squared") == \
        net.objective(cp.X, cp.y, cp.beta)
    i = next(k for k in range(cp.p) if len(cp.cones[k]) >= 2)
    F_ = (0, 1)
    K = certify_mod._reduced_K(cp, (i, 1), F_)
    P = kernel_projector([cp.cones[i][j] for j in F_], cp.d)
    Y = [[x if cp.patterns[i][j] else F(0) for x in row] for j, row in enumerate(cp.X)]
    ref = [[sum(Y[a][r] * P[r][c] * Y[b][c] for r in range(cp.d) for c in range(cp.d))
            for b in range(cp.n)] for a in range(cp.n)]
    assert K == ref


def test_float_g_power_of_two_denominator_is_correctly_rounded():
    rng = np.random.default_rng(1)
    H = np.array([[int(x) * 2**30 + int(t) for x, t in zip(r, q)]
                  for r, q in zip(rng.integers(-2**40, 2**40, (50, 3)),
                                  rng.integers(0, 2**30, (50, 3)))], dtype=object)
    for den in (2**70, 3 * 2**60):
        G = screen_mod.float_g(H, den)
        assert G.tolist() == [[int(x) / den for x in row] for row in H.tolist()]


@settings(max_examples=40, deadline=None)
@given(st.integers(1, 45), st.sampled_from([3, 40, 61, 80, 200]), st.data())
def test_pattern_matmul_float_is_exact(k, bits, data):
    """H = P @ B by float BLAS products on limbs, against Python integers (the 0/1 patterns of
    h_matrix; B's entries of any size)."""
    P = np.array(data.draw(st.lists(st.integers(0, 1), min_size=3 * k, max_size=3 * k)),
                 dtype=np.int64).reshape(3, k)
    B = np.array(data.draw(st.lists(st.integers(-2**bits, 2**bits), min_size=2 * k,
                                    max_size=2 * k)), dtype=object).reshape(k, 2)
    ref = [[sum(int(P[r, j]) * B[j, c] for j in range(k)) for c in range(2)] for r in range(3)]
    assert certify_mod.pattern_matmul_float(P.astype(float), B).tolist() == ref


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.sampled_from([0, 1, 2**20, 2**40]), st.data())
def test_interval_proven_is_intervalh_proven(seed, top, data):
    """screen.interval_proven (one int64 einsum) decides exactly as IntervalH.proven."""
    from exact.interval_pass import IntervalH
    from exact.screen import int_facets, interval_proven

    cp = _program(9, 3, 11)
    ih = IntervalH(cp, _dual_point(cp, seed % 7))
    AI = int_facets(cp)
    rng = np.random.default_rng(seed)
    m = 40
    rows = rng.integers(0, cp.p, m)
    cols = rng.integers(0, 2, m)
    mu = rng.integers(0, top + 1, (m, AI.shape[1])).astype(np.int64)
    T = ih.threshold(F(int(rng.integers(1, 10**6)), 10**7))
    assert (interval_proven(ih, AI, rows, cols, mu, T)
            == ih.proven(AI, rows, cols, mu, T)).all()


def test_rational_groups_are_the_exact_projections_of_the_rounded_groups(monkeypatch):
    """``_rational_groups`` (session 10): every rounded group outside its cone is replaced by
    its exact projection (compared with the Fraction active-set method on the same rounded
    point), found in integers on the facets the float group is tight on; on a solve's own
    float groups none of them falls back on the Fraction projection."""
    import exact.projection as projection_mod
    from exact.cutting import working_set_solve
    from exact.projection import project_onto_cone as fraction_projection

    cp = _program(16, 3, seed=2)
    W, _st = working_set_solve(cp)
    thr = 1e-7 * max(float(np.linalg.norm(w)) for w in W.values())
    fallbacks = []

    def counted(A, g):
        fallbacks.append(g)
        return fraction_projection(A, g)

    monkeypatch.setattr(projection_mod, "project_onto_cone", counted)
    out = certify_mod._rational_groups(cp, W, thr)
    monkeypatch.undo()
    k = certify_mod._grid(max(float(np.linalg.norm(w)) for w in W.values()))
    outside = 0
    for (i, s), w in W.items():
        if float(np.linalg.norm(w)) <= thr:
            continue
        wr = tuple(F(int(round(float(x) * 2.0**k)), 2**k) for x in w)
        ref = fraction_projection(cp.cones[i], wr).p
        outside += not in_cone_exact(cp.cones[i], wr)
        assert in_cone_exact(cp.cones[i], ref)
        assert out.get((i, s), ref if any(ref) else None) == (ref if any(ref) else None)
    assert outside and not fallbacks


def test_dual_grid_keeps_h_in_int64_and_the_digits_the_target_needs():
    """``dual_grid`` (session 10): the first refinement round's v on the grid ``2^-G`` gives an
    int64 H (below 2^60) and keeps ``3.33·digits + 16`` bits below the largest ``|v_j|``;
    no grid when the digits asked for do not fit."""
    import math

    from exact.certify import DUAL_GRID_BITS, dual_grid, h_matrix

    cp = _program(12, 3, seed=4)
    rng = np.random.default_rng(1)
    for digits in (4, 6):  # a random v has large g = XᵀD_i v: few digits fit
        vf = rng.normal(size=cp.n) * 0.3
        G = dual_grid(cp, vf.tolist(), digits)
        assert G is not None
        assert G >= int(digits * 3.33) + 16 - math.frexp(float(np.abs(vf).max()))[1]
        v = tuple(certify_mod._dyadic(float(x), G) for x in vf)
        assert all(abs(x - F(float(t))) <= F(1, 2**(G + 1)) for x, t in zip(v, vf))
        H, den = h_matrix(cp, v)
        assert H.dtype != object and int(np.abs(H).max()) < 2**DUAL_GRID_BITS
        assert den <= 2**G
    assert dual_grid(cp, [0.3] * cp.n, 60) is None


def test_solve_on_the_dual_grid_and_planted_too_coarse_grid(monkeypatch):
    """solve's first lower bound is taken on the dual grid (a float v) and meets the target;
    a planted grid far too coarse (8 bits) still gives exact, valid bounds (they bracket the
    optimum of the normal solve) and the later rounds, on every bit of the refinement, meet
    the target."""
    from exact.certify import solve

    cp = _program(12, 3, seed=0)  # a float refinement, not polished: the grid applies
    seen = []
    original = certify_mod._lower_bound

    def spy(cp_, v, *a, **k):
        seen.append(max(x.denominator for x in v))
        return original(cp_, v, *a, **k)

    monkeypatch.setattr(certify_mod, "_lower_bound", spy)
    good = solve(cp.X, cp.y, cp.beta, program=cp)
    assert good.stats["target_met"] and good.lower <= good.upper
    assert seen and seen[0] <= 2**60
    monkeypatch.setattr(certify_mod, "dual_grid", lambda *a: 8)
    seen.clear()
    bad = solve(cp.X, cp.y, cp.beta, program=cp)
    assert seen[0] <= 2**8  # the planted grid was used
    assert bad.lower <= good.upper and good.lower <= bad.upper  # both bracket P*
    assert bad.stats["target_met"] and len(seen) > 1  # round 2 on the full precision


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 2), st.integers(0, 10**6), st.data())
def test_prediction_is_the_sum_of_the_groups_fits(pool, seed, data):
    """``ConvexProgram.prediction`` (one integer product over all groups, session 10) against
    the Fraction sum ``Σ_g s S D_i X w_g`` computed entry by entry, with patch rows (pool 2)."""
    rng = np.random.default_rng(seed)
    n, d = 5, 3
    X = [[F(int(a), int(b)) for a, b in zip(rng.integers(-9, 10, d), rng.integers(1, 4, d))]
         for _ in range(n * pool)]
    cp = ConvexProgram(X, rng.integers(-5, 6, n).tolist(), F(1, 10), pool=pool)
    k = data.draw(st.integers(0, min(6, len(cp.groups))))
    groups = {g: tuple(data.draw(st.fractions(min_value=-3, max_value=3, max_denominator=9))
                       for _ in range(d)) for g in cp.groups[:k]}
    want = [F(0)] * n
    for (i, s), w in groups.items():
        for j, row in enumerate(X):
            if cp.patterns[i][j]:
                want[j // pool] += s * sum((a * b for a, b in zip(row, w)), F(0))
    assert cp.prediction(groups) == tuple(want)
