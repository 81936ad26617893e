"""The int64 interval proofs and float guesses of check's dual pass (exact/interval_pass.py,
exact/nnls.py): every claim of :meth:`IntervalH.proven` holds in exact arithmetic on the true
rows, the float and integer paths of the proof agree, a planted bug (the interval's width
ignored) is caught by the exact oracle, and the float guesses (warm-started NNLS, the batched
SPD solve) agree with their cold and LAPACK counterparts; the K-slot form of the proof (the
warm multipliers' facets) decides as full multiplier rows."""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pytest

from exact.convex import ConvexProgram


def _instance(seed: int, n: int = 10, d: int = 3):
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, (n, d)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, n).tolist(), F(1, 10))
    # long denominators: the intervals are rounded (k > 0) and their width matters
    v = tuple(F(int(a), 10**30 + 11 * j) for j, a in enumerate(rng.integers(-10**6, 10**6, n)))
    return cp, v, rng


def _exact_value(ih, AI, i: int, col: int, mu) -> F:
    """``‖s H_i/2^k + Σ_k μ_k a_ik‖²`` on the true row (Python integers): what proven claims."""
    s = 1 - 2 * col
    row = ih.row(i)
    M = [sum(int(m) * int(AI[i, k, c]) for k, m in enumerate(mu)) for c in range(len(row))]
    return sum((F(s * h, 2**ih.k) + m) ** 2 for h, m in zip(row, M))


def _groups_and_multipliers(cp, ih, AI, fa, rng):
    """Every group with multipliers near its best single facet's (some proofs hold, some not)."""
    p, f, _d = AI.shape
    rows = np.repeat(np.arange(p), 2)
    cols = np.tile([0, 1], p)
    G = (1 - 2 * cols)[:, None] * ih.mid[rows]
    C = np.einsum("mkd,md->mk", fa.raw[rows], G)
    aa = np.maximum(np.einsum("mkd,mkd->mk", fa.raw[rows], fa.raw[rows]), 1.0)
    lam = np.maximum(-C / aa, 0.0) * (rng.random((len(rows), f)) < 0.6)
    return rows, cols, np.rint(lam).astype(np.int64)


@pytest.mark.parametrize("seed, block", [(0, None), (1, None), (0, 7), (1, 1)])
def test_interval_proofs_hold_exactly_and_both_paths_agree(seed, block, monkeypatch):
    import exact.interval_pass as ip
    from exact.interval_pass import IntervalH
    from exact.screen import facet_arrays, int_facets

    if block is not None:  # the float path in blocks of rows (a remainder block with 7)
        monkeypatch.setattr(ip, "_PROVEN_BLOCK", block)
    cp, v, rng = _instance(seed)
    ih, AI, fa = IntervalH(cp, v), int_facets(cp), facet_arrays(cp)
    assert ih.k > 0 and ih.W is not None
    rows, cols, mu = _groups_and_multipliers(cp, ih, AI, fa, rng)
    vals = [_exact_value(ih, AI, int(i), int(c), m) for i, c, m in zip(rows, cols, mu)]
    T = int(sorted(vals)[len(vals) // 2])  # half of them below
    ok_f = ih.proven(AI, rows, cols, mu, T, AF=fa.raw)
    ok_i = ih.proven(AI, rows, cols, mu, T)
    assert (ok_f == ok_i).all() and 0 < ok_f.sum() < len(rows)
    assert all(vals[r] <= T for r in np.flatnonzero(ok_f))
    # one facet per group (the facet form), and no multipliers (the norm)
    k = np.argmax(mu, axis=1)
    one = mu[np.arange(len(rows)), k]
    ok1 = ih.proven(AI, rows, cols, one, T, facet=k)
    sole = np.zeros_like(mu)
    sole[np.arange(len(rows)), k] = one
    assert (ok1 == ih.proven(AI, rows, cols, sole, T)).all()
    ok0 = ih.proven(AI, rows, cols, None, T)
    assert all(_exact_value(ih, AI, int(rows[r]), int(cols[r]), [0] * AI.shape[1]) <= T
               for r in np.flatnonzero(ok0))


def test_planted_bug_an_interval_read_at_one_end_is_caught():
    """A proof that reads the interval of H/2^k at its lower end only (its width dropped)
    claims bounds that the exact value on the true row breaks: the oracle above catches it."""
    from exact.interval_pass import IntervalH
    from exact.screen import facet_arrays, int_facets

    cp, v, rng = _instance(0)
    ih, AI, fa = IntervalH(cp, v), int_facets(cp), facet_arrays(cp)
    rows, cols, mu = _groups_and_multipliers(cp, ih, AI, fa, rng)
    bug = IntervalH(cp, v)
    bug.S2, bug.W = 2 * bug.Hl, None  # the planted bug: Hh forgotten
    wrong = 0
    for r in range(len(rows)):
        i, c = int(rows[r]), int(cols[r])
        val = _exact_value(ih, AI, i, c, mu[r])
        T = int(val) - 1 if val.denominator == 1 else int(val)  # just below the true value
        if T < 0:
            continue
        assert not ih.proven(AI, rows[r:r + 1], cols[r:r + 1], mu[r:r + 1], T, AF=fa.raw)[0]
        wrong += bool(bug.proven(AI, rows[r:r + 1], cols[r:r + 1], mu[r:r + 1], T,
                                 AF=fa.raw)[0])
    assert wrong > 0


def test_kslot_proofs_agree_with_full_rows_and_hold_exactly():
    """IntervalH.proven with μ on facets ``facet[r, k]`` (m × K) decides as the same
    multipliers scattered into full rows, every claim holds on the true row in Fractions, and
    slots outside the chamber's facet rows count as μ = 0."""
    from exact.interval_pass import IntervalH
    from exact.screen import facet_arrays, int_facets

    cp, v, rng = _instance(1)
    ih, AI, fa = IntervalH(cp, v), int_facets(cp), facet_arrays(cp)
    rows, cols, mu = _groups_and_multipliers(cp, ih, AI, fa, rng)
    K = 2
    fk = np.argsort(-mu, axis=1, kind="stable")[:, :K]
    mk = np.take_along_axis(mu, fk, axis=1)
    full = np.zeros_like(mu)
    np.put_along_axis(full, fk, mk, axis=1)
    vals = [_exact_value(ih, AI, int(i), int(c), m) for i, c, m in zip(rows, cols, full)]
    T = int(sorted(vals)[len(vals) // 2])
    ok = ih.proven(AI, rows, cols, mk, T, facet=fk)
    assert (ok == ih.proven(AI, rows, cols, full, T)).all() and 0 < ok.sum() < len(rows)
    assert all(vals[r] <= T for r in np.flatnonzero(ok))
    # a slot at −1 or past the facet rows: its μ ignored (as if 0)
    bad = fk.copy()
    bad[:, 1] = np.where(np.arange(len(rows)) % 2, -1, AI.shape[1] + 3)
    kept = mk.copy()
    kept[:, 1] = 0
    assert (ih.proven(AI, rows, cols, mk, T, facet=bad)
            == ih.proven(AI, rows, cols, kept, T, facet=fk)).all()


def test_warm_started_nnls_reaches_the_cold_optimum():
    from exact.nnls import batched_nnls
    from exact.screen import facet_arrays, polar_descent

    cp, v, rng = _instance(2, n=12, d=4)
    fa = facet_arrays(cp)
    rows = np.arange(cp.p)
    G = rng.standard_normal((cp.p, cp.d))
    fb = int(fa.counts.max())
    lam_c, r_c = batched_nnls(fa.raw[rows, :fb], fa.counts, G)
    lam0, _r = polar_descent(fa, rows, G, sweeps=2)
    lam0 = lam0[:, :fb] / np.where(fa.raw_norms[:, :fb] > 0, fa.raw_norms[:, :fb], 1.0)
    lam_w, r_w = batched_nnls(fa.raw[rows, :fb], fa.counts, G, lam0=lam0)
    assert (lam_w >= 0).all() and (lam_c >= 0).all()
    # the same distance to the polar cone (the optimum is unique in r, not always in λ)
    assert np.allclose(np.einsum("md,md->m", r_w, r_w), np.einsum("md,md->m", r_c, r_c),
                       rtol=1e-9, atol=1e-12)
    assert np.allclose(r_w, G + np.einsum("mk,mkd->md", lam_w, fa.raw[rows, :fb]), atol=1e-9)


def test_batched_spd_solve_matches_lapack():
    from exact.nnls import spd_solve

    rng = np.random.default_rng(0)
    for k in (1, 2, 3, 4, 6):
        A = rng.standard_normal((400, k, k))
        G = A @ A.transpose(0, 2, 1) + 1e-3 * np.eye(k)
        b = rng.standard_normal((400, k))
        assert np.allclose(spd_solve(G, b), np.linalg.solve(G, b[..., None])[..., 0],
                           rtol=1e-8, atol=1e-8)


def test_own_groups_on_many_rows_and_a_dead_neuron():
    """More than 64 rows (several 64-bit words per chamber), a neuron on a hyperplane (held by
    several chambers) and a zero-output neuron: the same groups and φ as the reference maps."""
    from exact.check import own_groups
    from exact.maps import phi
    from exact.network import Network
    from exact.transforms import held_groups

    rng = np.random.default_rng(4)
    X = rng.integers(-9, 10, (70, 2)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, 70).tolist(), F(1, 10))
    x0 = X[0]
    net = Network.from_lists([((-x0[1], x0[0]), 1), ((1, 2), -2), ((3, -1), 0), ((2, 5), 1)])
    held, W = own_groups(net, cp)
    assert held == held_groups(net, cp.X, cp.signs) and W == phi(net, cp.X, cp.signs)
    assert len(held[0]) >= 2 and held[2] == []


@pytest.mark.parametrize("sweeps", [1, 3])
def test_count_sliced_descent_is_the_polar_descent(sweeps):
    """The descent by runs of one facet count (check's layout) takes the same coordinate steps
    as exact.screen.polar_descent, in any row order: the same λ and residual up to rounding."""
    from exact.nnls import count_sliced_descent
    from exact.screen import facet_arrays, polar_descent

    cp, _v, rng = _instance(3, n=12, d=4)
    fa = facet_arrays(cp)
    rows = rng.permutation(np.repeat(np.arange(cp.p), 2))  # unsorted, repeated
    G = rng.standard_normal((len(rows), cp.d))
    lam_p, r_p = polar_descent(fa, rows, G, sweeps=sweeps)
    lam_s, r_s = count_sliced_descent(fa.A, fa.counts, rows, G, sweeps)
    fb = int(fa.counts[rows].max())
    assert lam_s.shape == (len(rows), fb) and (lam_s >= 0).all()
    assert np.allclose(lam_s, lam_p[:, :fb], atol=1e-12) and np.allclose(r_s, r_p, atol=1e-12)
    assert np.allclose(r_s, G + np.einsum("mk,mkd->md", lam_s, fa.A[rows, :fb]), atol=1e-12)


def test_own_groups_by_sign_completions_and_by_the_scan():
    """Neurons on 0, 1, 2 hyperplanes (looked up by the 2^z completions of their signs) and
    u = 0 (on every hyperplane: the scan over all chambers, past _MAX_COMPLETION_BITS), on data
    with a zero row: the same groups and φ as the reference maps; a wrong completion table
    (one chamber's key dropped) loses that chamber."""
    from exact import check as chk
    from exact.maps import phi
    from exact.network import Network
    from exact.transforms import held_groups

    rng = np.random.default_rng(5)
    X = rng.integers(-4, 5, (12, 3)).tolist() + [[0, 0, 0]]
    X += [[1, 0, 0], [0, 1, 0], [2, 0, 0]]  # u = (0, 0, 1) lies on these three (two planes)
    cp = ConvexProgram(X, rng.integers(-5, 6, len(X)).tolist(), F(1, 10))
    net = Network.from_lists([((0, 0, 1), 1), ((0, 0, -2), -1), ((3, 1, 7), 2),
                              ((0, 0, 0), 1), ((-X[0][1], X[0][0], 0), -1)])
    held, W = chk.own_groups(net, cp)
    assert held == held_groups(net, cp.X, cp.signs) and W == phi(net, cp.X, cp.signs)
    assert len(held[0]) >= 2 and len(held[2]) == 1 and len(held[3]) == cp.p
    # planted bug: a chamber missing from the completion table is missing from held
    table, free = cp.cache["check_sign_index"]
    i0 = held[0][0][0]
    bad = {k: i for k, i in table.items() if i != i0}
    cp.cache["check_sign_index"] = (bad, free)
    held_bad, _W = chk.own_groups(Network.from_lists([((0, 0, 1), 1)]), cp)
    assert (i0, 1) not in held_bad[0] and held_bad[0] == [g for g in held[0] if g[0] != i0]


def _moreau_value(cp, H, den, g, lam) -> F:
    """``‖s H_i/den + A_iᵀλ‖²`` exactly (the Moreau bound a dismissal by λ claims)."""
    i, s = g
    r = [F(s * int(h), den) for h in H[i]]
    for a, l in zip(cp.cones[i], lam):
        for c, x in enumerate(a):
            r[c] += l * x
    return sum(x * x for x in r)


def test_float_ties_dismissed_by_exact_dyadic_bounds():
    """At solve's optimum many groups tie with t_max in floats (t below it by ~1e-15): the
    dual pass dismisses them by exact dyadic multipliers (code 5, or code 6: the float rows
    that floats with an error bound proved) instead of projecting them.
    Every such λ is ≥ 0 and bounds the group by t_max exactly, its ratios are the reduced λ,
    the largest t and the worst chamber are those of the general exact pass, and the check
    certificate verifies; a planted bug (one recorded multiplier tripled) breaks the bound."""
    from exact.certify import dual_pieces, h_matrix, solve
    from exact.check import check
    from exact.verify import verify_certificate

    rng = np.random.default_rng(1)
    X, y = rng.integers(-9, 10, (12, 3)).tolist(), rng.integers(-5, 6, 12).tolist()
    cp = ConvexProgram(X, y, F(1, 10))
    r = check(solve(X, y, F(1, 10), program=cp).network, X, y, F(1, 10), program=cp,
              find_better=False)
    b = r.bounds
    c5 = [(int(i), 1 - 2 * int(c)) for i, c in zip(*np.nonzero(np.isin(b.code, (5, 6))))]
    assert c5 and not any(g in r.projections for g in c5)
    H, den = h_matrix(cp, r.dual)
    tmax = max(r.t.values())
    for g in c5:
        lam = b[g]
        assert all(x >= 0 for x in lam) and len(lam) == len(cp.cones[g[0]])
        assert _moreau_value(cp, H, den, g, lam) <= tmax
        assert b.ratios(g) == [(x.numerator, x.denominator) for x in lam]
    ref = dual_pieces(cp, r.dual, must=list(r.groups))
    assert ref.tmax == tmax
    worst = min((g for g, t in ref.ts.items() if t == tmax), key=lambda g: (g[0], -g[1]))
    assert r.worst_chamber == worst and r.verdict == "optimal"
    assert verify_certificate(r.certificate)[0]
    # the planted bug: a multiplier recorded three times too large
    g = c5[0]
    shift, bden = b.shift, b.den
    # (a_j, b_j) with a_j·2^shift / (b_j·den) = λ_j
    pairs = [(x.numerator * bden, x.denominator << shift) for x in b[g]]
    assert [F(a << shift, q * bden) for a, q in pairs] == list(b[g])
    j = max(range(len(pairs)), key=lambda t: b[g][t])
    pairs[j] = (3 * pairs[j][0], pairs[j][1])
    b.add_dyadic(g[0], 0 if g[1] == 1 else 1, pairs)
    assert _moreau_value(cp, H, den, g, b[g]) > tmax
    # the same bug in a float row (code 6): its λ read back exactly, and the bound broken
    g6 = [(int(i), 1 - 2 * int(c)) for i, c in zip(*np.nonzero(b.code == 6))]
    if g6:
        g = g6[0]
        col = 0 if g[1] == 1 else 1
        row = b.fmu[int(b.arg[g[0], col])].copy()
        assert [F(x) * 2**shift / bden for x in row[:len(b[g])]] == list(b[g])
        row[int(np.argmax(row))] *= 3
        b.add_float_rows(np.array([g[0]]), np.array([col]), row[None, :])
        assert _moreau_value(cp, H, den, g, b[g]) > tmax


@pytest.mark.parametrize("seed", range(6))
def test_rows_scaled_are_the_correctly_rounded_exact_rows(seed):
    """``IntervalH.rows_scaled`` (31-bit limbs, BLAS, one rounding) against ``row(i) / 2^k``
    by Python's correctly rounded integer division, bit for bit: small integers, 17-digit
    floats as data and 100-digit denominators in v (several limbs, both signs)."""
    from exact.interval_pass import IntervalH

    rng = np.random.default_rng(seed)
    n, d = 9, 3
    if seed % 2:
        X = [[F(repr(float(x))) for x in r] for r in rng.standard_normal((n, d))]
    else:
        X = rng.integers(-9, 10, (n, d)).tolist()
    cp = ConvexProgram(X, rng.integers(-5, 6, n).tolist(), F(1, 10))
    v = tuple(F(int(a), 10**(10 * (seed % 3) + 1) + 13 * j)
              for j, a in enumerate(rng.integers(-10**9, 10**9, n)))
    ih = IntervalH(cp, v)
    idx = rng.integers(0, cp.p, 40)
    got = ih.rows_scaled(idx)
    want = np.array([[x / 2**ih.k for x in ih.row(int(i))] for i in idx], dtype=float)
    assert got.dtype == float and np.array_equal(got, want)


def test_planted_bug_rows_scaled_without_the_low_limbs_is_caught():
    """Dropping every limb but the top one (a float-only shortcut) changes the floats: the
    comparison above can fail."""
    from exact.interval_pass import IntervalH

    rng = np.random.default_rng(1)
    X = [[F(repr(float(x))) for x in r] for r in rng.standard_normal((9, 3))]
    cp = ConvexProgram(X, rng.integers(-5, 6, 9).tolist(), F(1, 10))
    ih = IntervalH(cp, tuple(F(int(a), 10**21 + 7) for a in rng.integers(-10**9, 10**9, 9)))
    idx = np.arange(cp.p)
    good = ih.rows_scaled(idx)
    ih._limbs = [np.zeros_like(L) for L in ih._limbs[:-1]] + [ih._limbs[-1]]
    assert not np.array_equal(ih.rows_scaled(idx), good)


def test_rows_scaled_with_narrow_limbs_is_the_same(monkeypatch):
    """Many rows take narrower limbs (the BLAS sums must stay below 2^53): with LIMB forced to
    5 bits (many limbs, carries between them) the floats are still row(i)/2^k bit for bit."""
    from exact.interval_pass import IntervalH

    rng = np.random.default_rng(3)
    X = [[F(repr(float(x))) for x in r] for r in rng.standard_normal((9, 3))]
    cp = ConvexProgram(X, rng.integers(-5, 6, 9).tolist(), F(1, 10))
    monkeypatch.setattr(IntervalH, "LIMB", 5)
    ih = IntervalH(cp, tuple(F(int(a), 10**21 + 7) for a in rng.integers(-10**9, 10**9, 9)))
    idx = np.arange(cp.p)
    want = np.array([[x / 2**ih.k for x in ih.row(int(i))] for i in idx], dtype=float)
    assert len(ih._limbs or []) == 0 and np.array_equal(ih.rows_scaled(idx), want)
    assert len(ih._limbs) > 10


def _exact_quotients(S, bits: int, shift: int) -> list:
    H = [sum(int(S[j][i]) << (bits * j) for j in range(len(S))) for i in range(len(S[0]))]
    return [h / (1 << shift) for h in H]


def test_round_limb_sums_rounds_as_python_does():
    """``arrangement.intmat.round_limb_sums`` against Python's correctly rounded integer
    division, bit for bit: random limbs of 1–31 bits (carries, both signs, cancellation),
    and the halfway cases just above and below 53 bits where the sticky bit decides."""
    from hypothesis import given
    from hypothesis import strategies as st

    from arrangement.intmat import round_limb_sums

    @given(st.sampled_from([1, 5, 20, 31]), st.integers(0, 300),
           st.lists(st.lists(st.integers(-(2**60), 2**60), min_size=3, max_size=3),
                    min_size=1, max_size=6))
    def check(bits, shift, limbs):
        S = [np.array(r, dtype=np.int64) for r in limbs]
        got = round_limb_sums(S, bits, shift)
        want = _exact_quotients(S, bits, shift)
        if got is None:  # only where a quotient is not a normal float
            assert any(w == 0 or abs(w) < np.finfo(float).tiny for w, h in
                       zip(want, _exact_quotients(S, bits, 0)) if h != 0)
        else:
            assert got.tolist() == want

    check()
    for top in (2**53, 2**62, 2**70 + 2**17, 2**95):
        ulp = 2 ** max(0, top.bit_length() - 53)
        for h in (top + ulp // 2, top + ulp // 2 + 1, top + ulp // 2 - 1, top + 3 * ulp // 2,
                  top + ulp // 2 + 2**0):
            digs = []
            x = h
            while x:
                digs.append(x & (2**31 - 1))
                x >>= 31
            S = [np.array([g, -g]) for g in digs]
            assert round_limb_sums(S, 31, 3).tolist() == [h / 8, -h / 8]


def test_planted_bug_round_limb_sums_without_the_sticky_bit_is_caught():
    """The same function with its sticky bit dropped (the bits below the 62-bit window
    ignored) rounds ``2^80 + 2^27 + 1`` (half an ulp and one more) down to even, where the
    exact quotient rounds up: the comparison above catches it."""
    import inspect

    from arrangement import intmat

    src = inspect.getsource(intmat.round_limb_sums)
    assert src.count("Y |= sticky.astype(np.int64)") == 1
    ns = dict(vars(intmat))
    exec(src.replace("Y |= sticky.astype(np.int64)", "pass"), ns)  # the planted bug
    h = 2**80 + 2**27 + 1
    digs = []
    x = h
    while x:
        digs.append(x & (2**31 - 1))
        x >>= 31
    S = [np.array([g]) for g in digs]
    assert intmat.round_limb_sums(S, 31).tolist() == _exact_quotients(S, 31, 0)
    assert ns["round_limb_sums"](S, 31).tolist() != _exact_quotients(S, 31, 0)


def test_round_limb_sums_refuses_limbs_and_widths_outside_its_contract():
    """Limbs of 2^61 or more (a carry could leave int64) and limb widths outside 1..31 are
    refused with ValueError, not rounded wrongly; a quotient below the normal floats gives
    None (the caller's Python-integer path)."""
    from arrangement.intmat import round_limb_sums

    with pytest.raises(ValueError):
        round_limb_sums([np.array([2**61])], 31)
    with pytest.raises(ValueError):
        round_limb_sums([np.array([1])], 32)
    with pytest.raises(ValueError):
        round_limb_sums([np.array([1])], 31, -1)
    assert round_limb_sums([np.array([1])], 31, 1100) is None
    assert round_limb_sums([np.array([0, -3])], 31, 1000).tolist() == [0.0, -3 / 2**1000]
