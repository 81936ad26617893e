"""The chamber enumerator (arrangement/chambers.py, arrangement/core.py) against exact oracles.

What is checked (docs/MATH.md §2, §3):

- known chamber counts (coordinate, braid, lines in the plane, the V data, …);
- the chamber sign vectors equal, as a set, those found by brute force over all ``2^n`` strict
  sign vectors, each decided by an exact LP (pycddlib's GMP backend) — for n ≤ 7;
- Cover's count for data in general position;
- every witness is exact: ``sign(X w)`` computed with Fractions equals the chamber's signs, with
  zeros exactly at the zero rows; sign vectors and patterns are pairwise distinct.
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import (
    brute_force_chambers,
    cover_count,
    distinct_hyperplanes,
    exact_rank,
    exact_signs,
)

from arrangement.chambers import chamber_witnesses, enumerate_chambers
from arrangement.core import Arrangement
from arrangement.errors import TooLargeError
from properties.strategies import (
    int_degenerate_matrices as degenerate_matrices,
)
from properties.strategies import int_matrices, moment_curve_matrices, small_matrices


def sign_set(arr: Arrangement) -> set[tuple[int, ...]]:
    return {c.signs for c in arr.chambers()}


# ----------------------------------------------------------------------------- known counts


def braid(k: int) -> list[list[int]]:
    """Rows ``e_i − e_j`` (i < j) in R^k: the braid arrangement A_{k−1}, k! chambers."""
    rows = []
    for i, j in itertools.combinations(range(k), 2):
        r = [0] * k
        r[i], r[j] = 1, -1
        rows.append(r)
    return rows


KNOWN = [
    pytest.param([[-1, 1], [0, 1], [1, 1]], 6, id="V-data"),
    pytest.param([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], 14, id="boolean3+ones"),
    pytest.param(braid(3), 6, id="braid-A2"),
    pytest.param(braid(4), 24, id="braid-A3"),
    pytest.param(braid(5), 120, id="braid-A4"),
    pytest.param([[0, 0, 0], [0, 0, 0]], 1, id="all-zero"),
    pytest.param([[2], [-3], [0]], 2, id="d=1"),
    # 5 rows, 3 distinct lines through 0 in R²: 2·3 sectors
    pytest.param([[1, 2], [-2, -4], [3, 1], [0, 5], [0, -1]], 6, id="lines-with-repeats"),
    # rank 1 in R³: one hyperplane, two half-spaces
    pytest.param([[1, 2, 3], [-2, -4, -6], [0, 0, 0]], 2, id="rank-1"),
] + [pytest.param(np.eye(d, dtype=int).tolist(), 2**d, id=f"coordinate-R{d}") for d in range(1, 6)]


@pytest.mark.parametrize("X, count", KNOWN)
def test_known_counts(X, count):
    """Known chamber counts: V data 6, braid A_{k−1} k!, coordinate arrangement 2^d, …"""
    arr = Arrangement(X)
    assert len(arr.chambers()) == count
    assert arr.num_chambers() == count


@pytest.mark.parametrize("m", [1, 2, 3, 5, 9, 16])
def test_m_distinct_lines_in_the_plane(m):
    """m distinct lines through the origin of R² cut it into 2m sectors (docs/MATH.md §3, r = 2)."""
    rows = [[1, k] for k in range(m - 1)] + [[0, 1]]  # pairwise non-parallel
    rows += [[-3 * a, -3 * b] for a, b in rows[: m // 2]]  # antipodal copies add nothing
    assert len(Arrangement(rows).chambers()) == 2 * m


def test_empty_arrangement_has_one_chamber_with_zero_witness():
    """With no hyperplane the only chamber is R^d; its witness is 0 and all signs are 0."""
    ch = Arrangement([[0, 0], [0, 0]]).chambers()
    assert len(ch) == 1
    assert ch[0].signs == (0, 0) and ch[0].witness == (0, 0) and ch[0].pattern == (1, 1)
    assert enumerate_chambers([], 3) == [(0, 0, 0)]


def test_huge_entries_are_exact():
    """Entries beyond int64 take the Python-integer path and still give exact witnesses."""
    big = 2**70
    X = [[big, 1, 0], [1, big, 0], [0, 1, big + 1], [1, 1, 1], [big, -big, 3]]
    arr = Arrangement(X)
    assert sign_set(arr) == brute_force_chambers(X)
    for c in arr.chambers():
        assert exact_signs(X, c.witness) == c.signs


def test_rational_input_equals_primitive_integer_rows():
    """Fraction / decimal-string rows give the same chambers as their primitive integer rows."""
    Xq = [["1/2", "-0.75"], [Fraction(3, 7), Fraction(1, 7)], ["0", "0"], ["-2.5", "1"]]
    Xi = [[2, -3], [3, 1], [0, 0], [-5, 2]]
    assert sign_set(Arrangement(Xq)) == sign_set(Arrangement(Xi)) == brute_force_chambers(Xi)


def test_force_false_refuses_large_estimates():
    """``chambers(force=False)`` raises TooLargeError when Cover's estimate exceeds the limit."""
    arr = Arrangement(braid(4))
    assert arr.estimate_chambers() == cover_count(6, 3)
    with pytest.raises(TooLargeError):
        arr.chambers(force=False, limit=arr.estimate_chambers() - 1)
    assert len(arr.chambers(force=False, limit=arr.estimate_chambers())) == 24


def test_progress_hook_reports_every_hyperplane():
    """The progress hook of the incremental enumerator sees k = 1..m−1 out of m, in order."""
    seen = []
    Arrangement(braid(4)).chambers(progress=lambda k, m: seen.append((k, m)))
    assert seen == [(k, 6) for k in range(2, 7)] or seen == [(k, 6) for k in range(1, 7)]


def test_chamber_witnesses_contract():
    """``chamber_witnesses`` returns canonical normals and per-row class/orientation."""
    W, N, cls, orient = chamber_witnesses([[0, 2, -4], [0, -1, 2], [0, 0, 0], [3, 0, 0]], 3)
    assert N.tolist() == [[0, 1, -2], [1, 0, 0]]
    assert cls.tolist() == [0, 0, -1, 1] and orient.tolist() == [1, -1, 0, 1]
    assert len(W) == 4
    with pytest.raises(ValueError):
        chamber_witnesses([[1, 2]], 3)


# ----------------------------------------------------------------------------- oracles


@given(small_matrices(n_max=7, d_max=4))
def test_chambers_equal_brute_force(X):
    """Chamber sign vectors = the strict sign vectors σ with {σ_j x_j·u ≥ 1} feasible (exact LP).

    docs/MATH.md §2: chambers are the full-dimensional cells, no zero sign outside the zero rows.
    """
    assert sign_set(Arrangement(X)) == brute_force_chambers(X)


def seeded_degenerate(seed: int, n_base: int, extra: int, d: int) -> list[list[int]]:
    """A reproducible random matrix with zero, duplicate, multiple and antipodal rows."""
    rng = random.Random(seed)
    base = [[rng.randint(-3, 3) for _ in range(d)] for _ in range(n_base)]
    rows = [list(r) for r in base]
    for _ in range(extra):
        src = rng.choice(base)
        rows.append(rng.choice([[0] * d, list(src), [2 * v for v in src], [-v for v in src]]))
    rng.shuffle(rows)
    return rows


@pytest.mark.parametrize("seed", range(16))
def test_chambers_equal_brute_force_seeded(seed):
    """The brute-force oracle on fixed larger instances (9–10 rows, d = 2..5, degenerate)."""
    d = 2 + seed % 4
    X = seeded_degenerate(seed, n_base=6 + seed % 2, extra=3, d=d)
    arr = Arrangement(X)
    assert sign_set(arr) == brute_force_chambers(X)
    for c in arr.chambers():
        assert exact_signs(X, c.witness) == c.signs


@pytest.mark.parametrize("big", [2**40, 2**62, 2**80])
def test_nearly_parallel_lines_in_the_plane(big):
    """Lines whose normals differ by 1 in entries ~``big``: floats cannot order their angles,
    the exact angular sort must; still 2m sectors with exact witnesses."""
    X = [[big + k, 1] for k in range(5)] + [[1, -big], [-big - 2, -1]]
    arr = Arrangement(X)
    assert len(arr.chambers()) == 2 * 6
    assert sign_set(arr) == brute_force_chambers(X)
    for c in arr.chambers():
        assert exact_signs(X, c.witness) == c.signs


@given(int_matrices(n_max=7, d_min=3, d_max=5, max_abs=2))
def test_enumerate_chambers_equals_brute_force(X):
    """``enumerate_chambers(rows, d)`` alone: its witnesses realise exactly the brute-force set."""
    W = enumerate_chambers(X, len(X[0]))
    signs = [exact_signs(X, w) for w in W]
    assert len(set(signs)) == len(signs)
    assert set(signs) == brute_force_chambers(X)


@given(moment_curve_matrices(n_max=9, d_max=5))
def test_cover_count_in_general_position(X):
    """Rows on the moment curve are in general position: #chambers = 2 Σ_{k<r} C(n−1, k) (§3)."""
    n, d = len(X), len(X[0])
    r = min(n, d)
    assert exact_rank(X) == r
    arr = Arrangement(X)
    assert arr.rank == r
    assert len(arr.chambers()) == cover_count(n, r) == arr.estimate_chambers()


@given(small_matrices(n_max=8, d_max=4))
def test_estimate_is_an_upper_bound(X):
    """Cover's count for the m distinct hyperplanes bounds the chamber count from above (§3)."""
    m = len(distinct_hyperplanes(X))
    arr = Arrangement(X)
    assert len(arr.classes) == m
    assert arr.rank == exact_rank(X)
    assert len(arr.chambers()) <= cover_count(m, arr.rank) == arr.estimate_chambers()


# ----------------------------------------------------------------------------- witnesses


def check_chambers_exact(X, arr: Arrangement) -> None:
    ch = arr.chambers()
    zero = {j for j, x in enumerate(X) if not any(Fraction(v) for v in x)}
    assert set(arr.zero_rows) == zero
    seen_signs, seen_patterns = set(), set()
    for i, c in enumerate(ch):
        assert c.index == i
        assert all(isinstance(v, int) for v in c.witness)
        s = exact_signs(X, c.witness)
        assert s == c.signs
        assert {j for j, v in enumerate(s) if v == 0} == zero
        assert c.pattern == tuple(int(v >= 0) for v in s)
        assert tuple(ch.signs[i].tolist()) == c.signs
        assert tuple(ch.patterns[i].tolist()) == c.pattern
        assert ch.witnesses[i] == c.witness
        # class signs: row j = orientation_j · class sign of its class
        for j in range(len(X)):
            k = arr.row_class[j]
            expected = 0 if k < 0 else arr.row_orientation[j] * int(ch.class_signs[i][k])
            assert c.signs[j] == expected
        seen_signs.add(c.signs)
        seen_patterns.add(c.pattern)
    assert len(seen_signs) == len(ch) == len(seen_patterns)


@given(small_matrices(n_max=8, d_max=4))
def test_witnesses_are_exact(X):
    """sign(X w) (Fractions) = signs; zeros exactly at zero rows; signs, patterns distinct (§2)."""
    check_chambers_exact(X, Arrangement(X))


@settings(max_examples=15)
@given(degenerate_matrices(base_n_max=6, extra_max=6, d_min=3, d_max=5, max_abs=9))
def test_witnesses_are_exact_larger(X):
    """Same, for larger degenerate instances (up to 12 rows in R^5)."""
    check_chambers_exact(X, Arrangement(X))


@given(st.lists(st.integers(-2**40, 2**40), min_size=4, max_size=4),
       st.integers(2, 4))
def test_witnesses_exact_with_large_entries(v, d):
    """Rows with entries near 2^40 (products beyond int64 bounds): witnesses still exact."""
    X = [[v[(i + k) % 4] * (k + 1) + i for k in range(d)] for i in range(5)]
    arr = Arrangement(X)
    check_chambers_exact(X, arr)
    assert len(arr.chambers()) <= cover_count(len(arr.classes), arr.rank)


def test_parallel_classes_contract():
    """Classes: primitive normals, first nonzero entry > 0, rows positive multiples of o·normal."""
    X = [[0, -2, 4], [0, 3, -6], [1, 1, 1], [0, 0, 0], [-2, -2, -2], [5, 0, 0]]
    arr = Arrangement(X)
    for c in arr.classes:
        assert math.gcd(*c.normal) == 1
        assert next(v for v in c.normal if v) > 0
        for j, o in zip(c.rows, c.orientations, strict=True):
            ratios = {Fraction(x) / (o * a) for x, a in zip(X[j], c.normal, strict=True) if a}
            assert len(ratios) == 1 and ratios.pop() > 0
            assert all(x == 0 for x, a in zip(X[j], c.normal, strict=True) if a == 0)
    assert arr.zero_rows == (3,)
    assert sorted(len(c.rows) for c in arr.classes) == [1, 2, 2]


@given(st.integers(0, 40), st.integers(0, 140), st.integers(0, 2**32 - 1))
@settings(max_examples=60)
def test_packed_lexicographic_order_is_lexsort(p, m, seed):
    """core's packed-word chamber order is ``np.lexsort(-S.T[::-1])`` (+ before −, column 0
    first), across word boundaries (m > 64) and with repeated rows (stable)."""
    from arrangement import core

    rng = np.random.default_rng(seed)
    S = rng.choice(np.array([-1, 1], dtype=np.int8), size=(p, m))
    if p > 2:
        S[1] = S[0]
    want = np.lexsort(-S.T[::-1]) if m else np.arange(p)
    assert core._lex_order(S).tolist() == want.tolist()
