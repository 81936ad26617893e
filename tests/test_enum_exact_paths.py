"""The fast exact paths of the enumerator (issue 15): float-filtered signs, the batched base
cases, witness reduction, all against exact oracles.

- ``intmat.sign_matmul`` / ``sign_det2`` equal the signs of Python-integer products, also for
  entries far beyond int64 and for cancellations to exactly 0; a planted bug (no error margin)
  is caught;
- ``reduce_witnesses`` never changes a witness's chamber;
- the batched 2-D sectors and the 3-D facet enumeration give, on degenerate and wide-ranging
  data, exactly the brute-force chambers; on larger instances (d = 4…6, random integers and
  real decimals) the witnesses realise distinct sign vectors and their number is Zaslavsky's
  count from the intersection lattice — together a proof that the set is complete and exact;
- the exact angular order (angle π included); the 3-D sector signs read off that order, alone
  and in padded batches, with tiny float proposals that force the exact ``M w ± h`` fallback;
  the split witnesses; the dedup under planted key collisions; the reduced lattice bases; the
  split-history walk against the sign-key matching, all against brute force.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from oracles import brute_force_chambers, exact_signs

from arrangement import chambers as chambers_module
from arrangement import intmat
from arrangement.chambers import (
    angular_order,
    chambers_3d_batch,
    distinct_classes,
    oriented_lines,
    reduce_witnesses,
    sectors_2d,
    split_witnesses,
)
from arrangement.core import Arrangement
from arrangement.lattice import chambers_from_chi

big_ints = st.one_of(st.integers(-9, 9), st.integers(-(2**80), 2**80),
                     st.integers(-(2**62), 2**62))


def exact_product_signs(A, B):
    return [[(s > 0) - (s < 0) for s in (sum(a * b for a, b in zip(r, c)) for c in zip(*B))]
            for r in A]


@given(st.integers(1, 4), st.integers(1, 4), st.integers(1, 5), st.data())
@settings(max_examples=150)
def test_sign_matmul_is_exact(p, k, q, data):
    A = data.draw(st.lists(st.lists(big_ints, min_size=k, max_size=k), min_size=p, max_size=p))
    B = data.draw(st.lists(st.lists(big_ints, min_size=q, max_size=q), min_size=k, max_size=k))
    if data.draw(st.booleans()) and q >= 2:  # plant an exact cancellation: column 1 = -column 0
        for r in A:
            r[-1] = r[0]
        for row in B:
            row[1] = row[0]
        B[-1][1] = -B[0][0] if k > 1 else B[-1][1]
    S = intmat.sign_matmul(intmat.as_int_array(A), intmat.as_int_array(B))
    assert S.tolist() == exact_product_signs(A, B)


@given(st.lists(st.tuples(big_ints, big_ints, big_ints, big_ints), min_size=1, max_size=6),
       st.booleans())
@settings(max_examples=100)
def test_sign_det2_is_exact(rows, parallel):
    """2 × 2 determinants, with and without the caller's floats, equal the exact signs; with
    ``parallel`` the second row is a multiple of the first (determinant exactly 0)."""
    A = [(a, b) for a, b, _, _ in rows]
    B = [(a * 3 + 0 * c, b * 3) if parallel else (c, d) for a, b, c, d in rows]
    want = [(s > 0) - (s < 0) for s in (a * d - b * c for (a, b), (c, d) in zip(A, B))]
    Ai, Bi = intmat.as_int_array(A), intmat.as_int_array(B)
    assert intmat.sign_det2(Ai, Bi).tolist() == want
    Af, Bf = intmat.rounded_floats(Ai), intmat.rounded_floats(Bi)
    assert intmat.sign_det2(Ai, Bi, Af, Bf).tolist() == want


def _exact_lines(Y, gid):
    """Oracle for oriented_lines: lines as primitive oriented rows in a dict, by first row."""
    seen: dict = {}
    ori, line, first = [], [], []
    for t, ((a, b), g) in enumerate(zip(Y, gid)):
        s = 1 if (a > 0 or (a == 0 and b > 0)) else -1
        q = math.gcd(a, b)
        key = (g, s * a // q, s * b // q)
        if key not in seen:
            seen[key] = len(first)
            first.append(t)
        ori.append(s)
        line.append(seen[key])
    return ori, line, first


line_rows = st.tuples(st.integers(-(2**90), 2**90), st.integers(-(2**90), 2**90)).filter(
    lambda r: r != (0, 0))


@given(st.lists(st.tuples(line_rows, st.integers(0, 2), st.integers(-3, 3)), min_size=1,
                max_size=12), st.booleans())
@settings(max_examples=150)
def test_oriented_lines_equal_the_exact_grouping(items, near):
    """Rows beyond int64 (the float-angle grouping), with repeated lines (multiples, either
    orientation) and, with ``near``, a distinct line within 1e-25 rad of another (the exact
    fallback): the same lines, orientations and first rows as exact primitive tuples."""
    Y, gid = [], []
    for (a, b), g, m in items:
        Y.append((a, b))
        gid.append(g)
        if m:  # the same line again, scaled by m (m < 0: the other orientation)
            Y.append((a * m, b * m))
            gid.append(g)
    if near:
        a, b = Y[0]
        Y.append((a * 2**84 + 1, b * 2**84) if a else (1, b * 2**84))
        gid.append(gid[0])
    Yi = intmat.as_int_array(Y)
    if Yi.dtype != object:
        Yi = Yi.astype(object)
    g = np.array(gid, dtype=np.int64)
    ori, line, first, L, Lf = oriented_lines(Yi, g)
    want = _exact_lines(Y, gid)
    assert (ori.tolist(), line.tolist(), first.tolist()) == want
    for t, k in enumerate(line.tolist()):  # Y[t] is a positive multiple of ori[t] · L[k]
        la, lb = (int(v) for v in L[k])
        ya, yb = Y[t][0] * int(ori[t]), Y[t][1] * int(ori[t])
        assert ya * lb == yb * la and ya * la + yb * lb > 0
    assert Lf.tolist() == [[float(int(v)) for v in r] for r in L]


def test_sign_det2_and_oriented_lines_beyond_floats():
    """Entries beyond 2^1000 (no rounded floats): both take their exact paths."""
    big = 2**1100
    A = intmat.as_int_array([[big, 1], [big, 1]])
    B = intmat.as_int_array([[2 * big, 2], [big, 2]])
    assert intmat.sign_det2(A, B).tolist() == [0, 1]
    Y = intmat.as_int_array([[big, -2], [-2 * big, 4], [1, big]])
    ori, line, first, L, Lf = oriented_lines(Y, np.zeros(3, dtype=np.int64))
    assert (ori.tolist(), line.tolist(), first.tolist()) == ([1, -1, 1], [0, 0, 1], [0, 2])
    assert Lf is None


def test_lll_reduces_a_basis_beyond_53_bits():
    """Regression (random profile): float vectors of 2^54 entries lost their low bits, and a
    skewed basis came back unreduced; the exact Gram entries reduce it."""
    skew = [[0, 0, 2**54 + 3], [0, 1, 1], [1, 0, 0]]
    for i in range(1, 3):
        skew[i] = [x + (2**65 + 7) * y for x, y in zip(skew[i], skew[i - 1])]
    out = intmat._lll(skew)
    assert _same_lattice(skew, out) and _lll_reduced(out)


def test_planted_no_near_check_splits_a_line(monkeypatch):
    """Planted bug: without the exact check of near angles (every pair taken as distinct)
    a line met twice, as rows of different scale, would count as two."""
    Y = intmat.as_int_array([[3 * 2**70 + 1, 7], [6 * 2**70 + 2, 14], [1, 1]])
    g = np.zeros(3, dtype=np.int64)
    assert oriented_lines(Y, g)[1].tolist() == [0, 0, 1]
    monkeypatch.setattr(chambers_module, "_SAME_ANGLE", -1.0)
    assert oriented_lines(Y, g)[1].tolist() != [0, 0, 1]


def test_planted_no_margin_gives_wrong_signs(monkeypatch):
    """Planted bug: a float filter without its error margin trusts a rounded 0 or sign."""
    A = intmat.as_int_array([[2**70, 1, -(2**70)]])
    B = intmat.as_int_array([[1], [1], [1]])
    assert intmat.sign_matmul(A, B).tolist() == [[1]]
    monkeypatch.setattr(intmat, "_filtered_signs",
                        lambda F, E, k: np.sign(F).astype(np.int8))
    assert intmat.sign_matmul(A, B).tolist() != [[1]]


@given(st.lists(st.tuples(st.integers(-40, 40), st.integers(-40, 40), st.integers(-40, 40)),
                min_size=1, max_size=9), st.integers(0, 2**90))
@settings(max_examples=60)
def test_reduce_witnesses_keeps_every_chamber(rows, scale):
    arr = Arrangement(rows)
    if not arr.classes or arr.rank < 3:
        return
    ch = arr.chambers()
    N = intmat.as_int_array([c.normal for c in arr.classes])
    W = intmat.as_int_array([[v * (scale + 1) + (t % 3) for t, v in enumerate(w)]
                             for w in ch.witnesses])
    R = reduce_witnesses(W, N)
    for w0, w1 in zip(W.tolist(), R.tolist()):
        s0 = exact_signs([c.normal for c in arr.classes], w0)
        assert exact_signs([c.normal for c in arr.classes], w1) == s0


@given(st.lists(st.tuples(st.integers(-5, 5), st.integers(-5, 5), st.integers(-5, 5)),
                min_size=2, max_size=7),
       st.sampled_from([1, 2**40, 10**30]))
@settings(max_examples=80)
def test_facet_enumeration_in_3d_equals_brute_force(rows, big):
    X = [(a * big + (a != 0), b, c * big - 1) for a, b, c in rows]
    N, _, _ = distinct_classes(intmat.as_int_array(X))
    if N.shape[0] < 2 or np.linalg.matrix_rank(intmat.float_directions(N)) < 3:
        return
    W = chambers_module._chambers_3d(N)
    rowsN = N.tolist()
    got = [tuple(exact_signs(rowsN, w)) for w in W.tolist()]
    assert len(set(got)) == len(got)
    assert set(got) == brute_force_chambers(rowsN)


def test_sectors_2d_batches_are_independent():
    """Two problems in one batch give the sectors each gives alone."""
    Y = intmat.as_int_array([[1, 0], [0, 1], [1, 1], [2, -1], [1, 3]])
    g = np.array([0, 0, 0, 1, 1])
    T, tg = sectors_2d(Y, g)
    for b in (0, 1):
        alone, _ = sectors_2d(Y[g == b], np.zeros(int((g == b).sum()), dtype=np.int64))
        assert sorted(map(tuple, T[tg == b].tolist())) == sorted(map(tuple, alone.tolist()))
        assert len(alone) == 2 * int((g == b).sum())


def _decimals(name: str, n: int, cols: int, digits: int) -> list[list[str]]:
    from sklearn.datasets import load_diabetes, load_iris

    X = (load_iris() if name == "iris" else load_diabetes()).data[:, :cols].astype(float)
    X = (X - X.mean(0)) / X.std(0)
    return [[f"{v:.{digits}f}" for v in r] for r in X[:n]]


CASES = [
    pytest.param(lambda: np.random.default_rng(1).integers(-9, 10, (12, 6)).tolist(), id="12x6"),
    pytest.param(lambda: np.random.default_rng(2).integers(-9, 10, (14, 5)).tolist(), id="14x5"),
    pytest.param(lambda: np.random.default_rng(3).integers(-2, 3, (16, 5)).tolist(),
                 id="16x5-degenerate"),
    pytest.param(lambda: np.random.default_rng(4).integers(-9, 10, (7, 9)).tolist(), id="wide"),
    pytest.param(lambda: _decimals("iris", 18, 4, 3), id="iris-3-digits"),
    pytest.param(lambda: _decimals("diabetes", 16, 4, 4), id="diabetes-4-digits"),
    pytest.param(lambda: _decimals("diabetes", 10, 6, 3), id="diabetes-6-columns"),
]


@pytest.mark.parametrize("make", CASES)
def test_chambers_are_exact_and_complete(make):
    """Distinct exact witnesses, as many as Zaslavsky's count: the chamber set is exactly right."""
    pytest.importorskip("sklearn")
    X = make()
    arr = Arrangement(X)
    ch = arr.chambers()
    rows = arr.essential_rows
    J = arr.essential_columns
    signs = set()
    for c in ch:
        s = tuple(exact_signs(arr.X, c.witness))
        assert s == c.signs
        signs.add(s)
    assert len(signs) == len(ch) == chambers_from_chi(list(rows), len(J))


# -- the combinatorial 3-D path, the float-proposed witnesses, their exact fallbacks -------------

def _exact_angle_key_order(rays):
    """Oracle: counter-clockwise order from angle 0 by exact half-plane and cross products."""
    from functools import cmp_to_key

    def half(r):
        return 0 if (r[1] > 0 or (r[1] == 0 and r[0] > 0)) else 1

    def cmp(s, t):
        a, b = rays[s], rays[t]
        if half(a) != half(b):
            return half(a) - half(b)
        c = a[0] * b[1] - a[1] * b[0]
        return -1 if c > 0 else (1 if c < 0 else 0)

    return sorted(range(len(rays)), key=cmp_to_key(cmp))


@given(st.lists(st.tuples(st.one_of(st.integers(-3, 3), st.integers(-(2**70), 2**70)),
                          st.one_of(st.integers(-3, 3), st.integers(-(2**70), 2**70))),
                min_size=1, max_size=8))
@settings(max_examples=150)
def test_angular_order_is_the_exact_one(rays):
    """Distinct directions (axis rays and the angle π included) in the exact angular order."""
    seen, dirs = set(), []
    for x, y in rays:
        if (x, y) == (0, 0):
            continue
        g = math.gcd(x, y)
        key = (x // g, y // g)
        if key not in seen:
            seen.add(key)
            dirs.append((x, y))
    if not dirs:
        return
    R = intmat.as_int_array(dirs)
    order = angular_order(R, np.zeros(len(dirs), dtype=np.int64))
    got = [dirs[i] for i in order.tolist()]
    want = [dirs[i] for i in _exact_angle_key_order(dirs)]
    assert got == want


def test_angular_order_puts_angle_pi_first_in_the_lower_half():
    """Regression: arctan2 gives +π for (−1, 0), which had sent it to the end of its half."""
    R = intmat.as_int_array([[3, -1], [-1, 0], [0, -1], [1, 0]])
    assert angular_order(R, np.zeros(4, dtype=np.int64)).tolist() == [3, 1, 2, 0]


planes3 = st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4)),
                   min_size=2, max_size=7)


@given(planes3, st.sampled_from([1, 3, 20]), st.booleans())
@settings(max_examples=80)
def test_3d_chambers_at_any_proposal_size_equal_brute_force(rows, bits, pencil):
    """Tiny proposals (1–3 bits) fail the exact check for most chambers and send them to the
    exact ``M w ± h`` construction; a pencil (all planes through one line) gives planes with
    a single line. Every way, the chamber set is exactly brute force's."""
    if pencil:  # planes through the line spanned by (1, 2, 3): normals orthogonal to it
        rows = [(a * 2 - b, -a, 0) if c % 2 else (c * 3, 0, -c) for a, b, c in rows]
    N, _, _ = distinct_classes(intmat.as_int_array(rows))
    if N.shape[0] < 2:
        return
    W = chambers_module._chambers_3d(N, bits=bits)
    rowsN = N.tolist()
    got = [tuple(exact_signs(rowsN, w)) for w in W.tolist()]
    assert len(set(got)) == len(got)
    assert set(got) == brute_force_chambers(rowsN)


@given(st.lists(st.tuples(st.integers(-6, 6), st.integers(-6, 6), st.integers(-6, 6),
                          st.integers(-6, 6)), min_size=2, max_size=7),
       st.sampled_from([1, 2, 20]), st.sampled_from([1, 2**45]))
@settings(max_examples=80)
def test_split_witnesses_realise_both_sides(rows, bits, scale):
    """The two witnesses at each point of a restricted chamber have exactly the restricted
    chamber's signs and ±1 on the new plane: with proposals of 1–2 bits (often wrong, so
    rejected by the exact check and built by the exact construction), and with large
    witnesses."""
    N, _, _ = distinct_classes(intmat.as_int_array(rows))
    if N.shape[0] < 2:
        return
    h, prev = N[-1], N[:-1]
    B = intmat.nullspace_basis(h)
    Y, _, _ = distinct_classes(intmat.matmul(prev, B))
    T = chambers_module._chambers_distinct(Y, 3)
    Wr = intmat.shrink(intmat.primitive_rows(intmat.matmul(T, B.T)).astype(object) * scale)
    S, approx = intmat.signs_and_floats(Wr, prev.T)
    hx = intmat.matmul(prev, h.reshape(-1, 1)).ravel()
    P, Q = split_witnesses(Wr, S, approx, hx, h, N, bits=bits)
    rowsN = N.tolist()
    for w, p, q in zip(Wr.tolist(), P.tolist(), Q.tolist()):
        s = tuple(exact_signs(rowsN[:-1], w))
        assert tuple(exact_signs(rowsN, p)) == (*s, 1)
        assert tuple(exact_signs(rowsN, q)) == (*s, -1)


def test_one_bit_proposals_are_rejected_and_built_exactly(monkeypatch):
    """The tests above are not vacuous: at 1 bit the exact check rejects proposals and the
    exact construction (which ends in ``reduce_witnesses``) runs, in 3-D and in the split."""
    from arrangement import chambers

    calls = []
    real = chambers.reduce_witnesses
    monkeypatch.setattr(chambers, "reduce_witnesses", lambda W, N, bits=20: (
        calls.append(len(W)), real(W, N, bits))[1])
    N, _, _ = distinct_classes(intmat.as_int_array(
        [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1], [1, -2, 3], [5, 1, -1]]))
    W = chambers_module._chambers_3d(N, bits=1)
    assert calls and len({tuple(r) for r in intmat.sign_matmul(W, N.T).tolist()}) == len(W)
    calls.clear()
    N4 = intmat.as_int_array([[1, 0, 0, 0], [0, 1, 0, 0], [1, 1, 1, 0], [1, -1, 2, 3]])
    B = intmat.nullspace_basis(N4[-1])
    Y, _, _ = distinct_classes(intmat.matmul(N4[:-1], B))
    Wr = intmat.primitive_rows(intmat.matmul(chambers_module._chambers_distinct(Y, 3), B.T))
    split_witnesses(Wr, *intmat.signs_and_floats(Wr, N4[:-1].T), N4[:-1] @ N4[-1], N4[-1], N4,
                    bits=1)
    assert calls


@given(st.integers(1, 30), st.integers(1, 6), st.data())
@settings(max_examples=60)
def test_distinct_sides_with_planted_key_collisions(q, m, data):
    """All key weights equal (so different sign vectors collide): the exact comparison must
    notice and the result must still be exactly the distinct vectors."""
    g = np.array(data.draw(st.lists(st.integers(0, m - 1), min_size=q, max_size=q)))
    Sv = np.array(data.draw(st.lists(st.lists(st.sampled_from([-1, 1]), min_size=m,
                                              max_size=m), min_size=q, max_size=q)),
                  dtype=np.int8)
    Sv[np.arange(q), g] = 0
    full = {tuple(int(v) if j != gi else s for j, v in enumerate(r))
            for r, gi in zip(Sv.tolist(), g.tolist()) for s in (1, -1)}
    for z in (None, np.ones(m, dtype=np.uint64)):
        rows, side = chambers_module._distinct_sides(Sv, g, z)
        got = [tuple(int(v) if j != g[r] else int(sd) for j, v in enumerate(Sv[r]))
               for r, sd in zip(rows.tolist(), side.tolist())]
        assert len(got) == len(set(got)) and set(got) == full


MORE_CASES = [
    pytest.param(lambda: _decimals("diabetes", 11, 6, 4), id="diabetes-6-columns-4-digits"),
    pytest.param(lambda: _decimals("iris", 14, 4, 5), id="iris-5-digits"),
    pytest.param(lambda: np.random.default_rng(7).integers(-1, 2, (14, 6)).tolist(),
                 id="14x6-degenerate"),
    pytest.param(lambda: [[int(v) * 10**20 + (t % 3) for t, v in enumerate(r)]
                          for r in np.random.default_rng(8).integers(-9, 10, (11, 5)).tolist()],
                 id="11x5-huge-entries"),
]


@pytest.mark.parametrize("make", MORE_CASES)
def test_more_chambers_are_exact_and_complete(make):
    test_chambers_are_exact_and_complete(make)


@given(st.lists(st.one_of(st.integers(-9, 9), st.integers(-(2**40), 2**40),
                          st.integers(-(2**300), 2**300), st.integers(-(2**600), 2**600)),
                min_size=2, max_size=6))
@settings(max_examples=100)
@example([0, -6, 158319761, 3 * 2**598 + 7])  # beyond 400 bits: the pivot basis was a sublattice
def test_kernel_basis_is_a_basis_of_the_kernel_lattice(h):
    """``h·B = 0`` and ``det(BᵀB) = |h|²/gcd(h)²``: the columns span exactly the lattice
    ``{u ∈ Z^d : h·u = 0}`` (its covolume is ``|h/gcd(h)|``), so no restricted chamber is lost
    or merged whatever LLL did."""
    import sympy

    if not any(h):
        return
    g = math.gcd(*h)
    B = intmat.kernel_basis(h)
    Bo = [[int(v) for v in r] for r in B.tolist()]
    assert all(sum(hi * r[c] for hi, r in zip(h, Bo)) == 0 for c in range(len(h) - 1))
    G = sympy.Matrix(Bo).T * sympy.Matrix(Bo)
    assert G.det() == sum(v * v for v in h) // (g * g)


@given(st.lists(planes3, min_size=1, max_size=4), st.sampled_from([1, 20]))
@settings(max_examples=40)
def test_3d_batches_equal_single_problems_and_brute_force(problems, bits):
    """A batch of 3-D problems of different sizes (padded sign vectors, one dedup with
    per-problem salts) gives each problem exactly its brute-force chambers."""
    Ns = []
    for rows in problems:
        N, _, _ = distinct_classes(intmat.as_int_array(rows))
        if N.shape[0] >= 2:
            Ns.append(N)
    if not Ns:
        return
    for N, W in zip(Ns, chambers_3d_batch(Ns, bits)):
        rowsN = N.tolist()
        got = [tuple(exact_signs(rowsN, w)) for w in W.tolist()]
        assert len(set(got)) == len(got)
        assert set(got) == brute_force_chambers(rowsN)


@given(st.lists(st.lists(st.integers(-3, 3), min_size=4, max_size=4), min_size=1, max_size=7),
       st.sampled_from([2, 10**9]))
@settings(max_examples=60)
def test_history_walk_and_key_matching_equal_brute_force(X, walk_from):
    """Both ways of finding the cut chambers (the split-history walk, forced from 2
    hyperplanes on, and the sign-key matching) give exactly brute force's chamber set."""
    from arrangement import chambers

    old = chambers.WALK_FROM
    chambers.WALK_FROM = walk_from
    try:
        got = {c.signs for c in Arrangement(X).chambers()}
    finally:
        chambers.WALK_FROM = old
    assert got == brute_force_chambers(X)


@pytest.mark.parametrize("backend", ["python", "flint"])
def test_kernel_basis_backends_give_bases_of_the_kernel_lattice(backend, monkeypatch):
    """FLINT's LLL of the weighted lattice (when python-flint is installed) and the Euclid +
    hand-written LLL path: both a basis of ``{h·u = 0}`` (Gram determinant |h/gcd|²), on
    17-digit-sized normals too, and a planted bug (a basis of a sublattice: one vector
    doubled) fails the same check."""
    import random

    import sympy

    if backend == "flint":
        monkeypatch.setattr(intmat, "_flint", pytest.importorskip("flint"))
    else:
        monkeypatch.setattr(intmat, "_flint", None)
    rnd = random.Random(5)

    def gram_ok(h, B):
        Bo = [[int(v) for v in r] for r in B.tolist()]
        if any(sum(hi * r[c] for hi, r in zip(h, Bo)) for c in range(len(h) - 1)):
            return False
        g = math.gcd(*h)
        G = sympy.Matrix(Bo).T * sympy.Matrix(Bo)
        return G.det() == sum(v * v for v in h) // (g * g)

    for bits in (12, 60, 200):
        for d in (3, 4, 6):
            h = [rnd.randint(-2**bits, 2**bits) for _ in range(d)]
            B = intmat.kernel_basis(h)
            assert gram_ok(h, B)
    bad = B.astype(object).copy()
    bad[:, 0] *= 2
    assert not gram_ok(h, bad)


def test_importing_the_packages_keeps_sympy_on_python_ground_types():
    """Without SYMPY_GROUND_TYPES in the environment, importing exact (which imports
    arrangement) sets it to python before sympy is imported: with python-flint installed,
    sympy would otherwise pick FLINT ground types (OverflowError in notebook 04)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "SYMPY_GROUND_TYPES"}
    code = ("import os, exact, sympy; from sympy.external.gmpy import GROUND_TYPES; "
            "print(os.environ.get('SYMPY_GROUND_TYPES'), GROUND_TYPES)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    assert out.stdout.split() == ["python", "python"]


def _spans_the_kernel(h, B):
    """``h·B = 0`` and ``B₀ × B₁ = ±h/gcd(h)``: two kernel vectors whose cross product is the
    primitive normal span the whole lattice ``{u ∈ Z³ : h·u = 0}`` (its covolume)."""
    b0 = [int(v) for v in B[:, 0]]
    b1 = [int(v) for v in B[:, 1]]
    if any(sum(x * y for x, y in zip(h, b)) for b in (b0, b1)):
        return False
    cross = [b0[1] * b1[2] - b0[2] * b1[1], b0[2] * b1[0] - b0[0] * b1[2],
             b0[0] * b1[1] - b0[1] * b1[0]]
    g = math.gcd(*h)
    return cross in ([v // g for v in h], [-v // g for v in h])


def _gauss_reduced(B):
    b0 = [int(v) for v in B[:, 0]]
    b1 = [int(v) for v in B[:, 1]]
    n0, n1 = sum(v * v for v in b0), sum(v * v for v in b1)
    m = sum(x * y for x, y in zip(b0, b1))
    return n0 <= n1 and 2 * abs(m) <= n0


sized = st.one_of(st.integers(-9, 9), st.integers(-(2**30), 2**30),
                  st.integers(-(10**17), 10**17), st.integers(-(2**700), 2**700))


@given(st.lists(st.tuples(sized, sized, sized).filter(any), min_size=1, max_size=6))
@settings(max_examples=150)
def test_plane_bases_are_gauss_reduced_bases_of_the_kernel(rows):
    """``kernel_bases_3d``: a basis of each plane's integer lattice, Gauss-reduced; on small
    normals its first column is a shortest kernel vector (brute force over a box that must
    hold one). Planted bugs: a doubled column (a sublattice) fails the span check, a column
    moved by a multiple of the other (still a basis) fails the reduction check.
    ``_plane_bases_3d`` mixes these with the pivot bases of the small rows."""
    H = intmat.as_int_array(rows)
    B = intmat.kernel_bases_3d(H)
    assert all(_spans_the_kernel(h, b) and _gauss_reduced(b) for h, b in zip(rows, B))
    # the pivot bases below 2^28 span the plane (a sublattice may do: only the chambers count)
    mixed = chambers_module._plane_bases_3d(H, 2**28)
    for h, b, r in zip(rows, mixed, B):
        if max(abs(v) for v in h) >= 2**28:
            assert (b == r).all()
        else:
            b0, b1 = [int(v) for v in b[:, 0]], [int(v) for v in b[:, 1]]
            assert not any(sum(x * y for x, y in zip(h, c)) for c in (b0, b1))
            assert np.linalg.matrix_rank(np.array([b0, b1], dtype=float)) == 2
    for h, b in zip(rows, B):
        if max(abs(v) for v in h) <= 9:  # covolume ≤ 9√3: a shortest vector lies in [−5, 5]³
            box = range(-5, 6)
            best = min(x * x + y * y + z * z for x in box for y in box for z in box
                       if (x, y, z) != (0, 0, 0) and h[0] * x + h[1] * y + h[2] * z == 0)
            assert sum(int(v) ** 2 for v in b[:, 0]) == best
    bad = B[0].astype(object).copy()
    bad[:, 0] *= 2
    assert not _spans_the_kernel(rows[0], bad)
    moved = B[0].astype(object).copy()
    moved[:, 1] += 3 * moved[:, 0]
    assert _spans_the_kernel(rows[0], moved) and not _gauss_reduced(moved)


@given(st.lists(st.tuples(st.integers(-4, 4), st.integers(-4, 4), st.integers(-4, 4),
                          st.integers(-3, 3), st.integers(-3, 3), st.integers(-3, 3)),
                min_size=2, max_size=6),
       st.sampled_from([2**28, 10**17, 2**200]))
@settings(max_examples=40)
def test_3d_chambers_with_large_normals_equal_brute_force(rows, scale):
    """Normals at and beyond 2^28 (some rows small, some large: both kinds of basis in one
    batch) give exactly the brute-force chambers."""
    planes = [(a * scale + e, b * scale + f, c * scale + g) if i % 2 else (a, b, c)
              for i, (a, b, c, e, f, g) in enumerate(rows)]
    N, _, _ = distinct_classes(intmat.as_int_array(planes))
    if N.shape[0] < 2:
        return
    W = chambers_3d_batch([N])[0]
    rowsN = N.tolist()
    got = [tuple(exact_signs(rowsN, w)) for w in W.tolist()]
    assert len(set(got)) == len(got)
    assert set(got) == brute_force_chambers(rowsN)


def _lll_reduced(b, delta=Fraction(74, 100), eta=Fraction(51, 100)):
    """Exact Gram–Schmidt check of LLL reduction, with a little slack for the float-guided
    steps: ``|μ_kj| ≤ η`` and ``|b*_k|² ≥ (δ − μ²_k,k−1) |b*_{k−1}|²``."""
    n = len(b)
    bs, nb, mu = [], [], [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        v = [Fraction(x) for x in b[i]]
        for j in range(i):
            mu[i][j] = sum(Fraction(x) * y for x, y in zip(b[i], bs[j])) / nb[j]
            v = [x - mu[i][j] * y for x, y in zip(v, bs[j])]
        bs.append(v)
        nb.append(sum(x * x for x in v))
    size = all(abs(mu[i][j]) <= eta for i in range(n) for j in range(i))
    lovasz = all(nb[k] >= (delta - mu[k][k - 1] ** 2) * nb[k - 1] for k in range(1, n))
    return size and lovasz


def _same_lattice(a, b):
    """Rows of b are integer combinations of the rows of a and the Gram determinants agree."""
    import sympy

    A, B = sympy.Matrix(a), sympy.Matrix(b)
    if (A * A.T).det() != (B * B.T).det():
        return False
    U = B * A.T * (A * A.T).inv()  # B = U A for a full-row-rank A
    return U * A == B and all(x.is_integer for x in U)


@given(st.integers(2, 4), st.integers(0, 2), st.sampled_from([3, 30, 62, 120]), st.data())
@settings(max_examples=60)
def test_hand_written_lll_gives_a_reduced_basis_of_the_same_lattice(n, extra, bits, data):
    """``intmat._lll`` (float-guided, exact updates) returns an LLL-reduced basis (checked in
    exact rationals) of exactly the input's lattice, for skewed bases up to 400 bits (beyond,
    documented: the input itself). Planted bugs: a doubled row (a
    sublattice) fails the lattice check, the unreduced input fails the reduction check."""
    d = n + extra
    rows = data.draw(st.lists(st.lists(st.integers(-(2**bits), 2**bits), min_size=d,
                                       max_size=d), min_size=n, max_size=n))
    import sympy

    if sympy.Matrix(rows).rank() < n:
        return
    # a skewed basis of the same lattice: row i += K · row i−1, with K above
    # |r_i|/|r_{i−1}| + 1 (< 2^(bits+2) for d ≤ 6), so that |μ_{i,i−1}| > 1
    skew = [list(r) for r in rows]
    for i in range(1, n):
        skew[i] = [x + (2**(bits + 3) + 7) * y for x, y in zip(skew[i], skew[i - 1])]
    out = intmat._lll(skew)
    if max(abs(x) for r in skew for x in r).bit_length() > 400:
        assert out == skew  # documented: beyond floats' squares, the input basis as it is
        return
    assert _same_lattice(skew, out) and _lll_reduced(out)
    doubled = [list(r) for r in out]
    doubled[0] = [2 * x for x in doubled[0]]
    assert not _same_lattice(skew, doubled)
    assert not _lll_reduced(skew)


@given(st.lists(st.tuples(st.integers(0, 2), st.integers(-3, 3), st.integers(1, 3),
                          st.sampled_from([0, 1, 2**40])), min_size=1, max_size=30),
       st.sampled_from([2**80, 2**1100]))
@settings(max_examples=80)
def test_line_ids_of_python_ints_equal_the_exact_dictionary(rows, scale):
    """The float-sorted grouping of Python-int rows equals the dictionary of exact tuples,
    on exact repeats and on distinct rows whose floats coincide (``v`` and ``v + 1`` at
    2^80: the exact check must send those to the dictionary), and beyond floats (2^1100).
    Planted bug: grouping by floats alone merges such rows (checked on a fixed example)."""
    gid = np.array([g for g, *_ in rows], dtype=np.int64)
    C = np.array([[a * scale + e, b] for _, a, b, e in rows], dtype=object)
    got = chambers_module._line_ids(C, gid)
    want = chambers_module._line_ids_exact(C, gid)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    close = np.array([[2**80, 1], [2**80 + 1, 1]], dtype=object)
    by_float = len(np.unique(close.astype(float), axis=0))
    firsts = chambers_module._line_ids(close, np.zeros(2, np.int64))[1]
    assert by_float == 1 and firsts.tolist() == [0, 1]


@given(st.one_of(st.just(0), sized), st.one_of(st.just(0), sized))
@settings(max_examples=300)
def test_ext_gcd_gives_bezout_coefficients(a, b):
    """``_ext_gcd`` (CPython's modular inverse): ``g = gcd(a, b)`` (math.gcd, the oracle) and
    ``x a + y b = g``; a coefficient off by one (planted) breaks the identity unless b = 0."""
    g, x, y = intmat._ext_gcd(a, b)
    assert g == math.gcd(a, b) and x * a + y * b == g
    if b:
        assert (x + 1) * a + y * b != g or a == 0


def test_plane_bases_refuse_a_start_beyond_the_pivot_bound():
    """The pivot bases hold entries below 2^31 only: a larger ``start`` is refused, not
    silently overflowed."""
    with pytest.raises(ValueError, match="at most 2"):
        chambers_module._plane_bases_3d(intmat.as_int_array([[1, 2, 3]]), 2**40)
