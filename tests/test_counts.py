"""Counting formulas (arrangement/counts.py): Cover's count, general position, Pilanci–Ergen.

Oracles: the lattice's ``|χ(−1)|`` (itself checked against Whitney and brute force in
test_lattice.py), a brute-force general-position test over all row subsets, sympy determinants.
"""

from __future__ import annotations

import itertools
import math
import random

import numpy as np
import pytest
import sympy
from hypothesis import assume, given
from hypothesis import strategies as st

from arrangement.counts import (
    batch_det,
    cover_count,
    estimate_chambers,
    is_general_position,
    pilanci_ergen_bound,
    pilanci_ergen_ceiling,
)
from arrangement.errors import TooLargeError
from arrangement.lattice import (
    canonical_normal,
    chambers_from_chi,
    exact_rank,
    hyperplane_classes,
)
from properties import strategies as S


@st.composite
def moment_curve(draw, n_max: int = 8, d_max: int = 4):
    """Rows c_j (1, t_j, …, t_j^{r−1}) embedded in R^d (r ≤ d): general position by Vandermonde;
    padded with zero columns or mixed by an invertible map to make r < d non-trivial."""
    d = draw(st.integers(1, d_max))
    r = draw(st.integers(1, d))
    ts = draw(st.lists(st.integers(-5, 5), min_size=1, max_size=n_max, unique=True))
    if r == 1:
        ts = ts[:1]
    rows = []
    for t in ts:
        c = draw(st.sampled_from([1, -1, 2, -3]))
        rows.append([c * t**k for k in range(r)] + [0] * (d - r))
    # unit upper-triangular change of coordinates keeps general position
    A = [[1 if i == j else (draw(st.integers(-2, 2)) if j > i else 0) for j in range(d)]
         for i in range(d)]
    rows = [[sum(row[i] * A[i][c] for i in range(d)) for c in range(d)] for row in rows]
    return rows, d


def brute_force_general_position(rows) -> bool:
    if any(not any(r) for r in rows):
        return False
    for a, b in itertools.combinations(rows, 2):
        if canonical_normal(a) == canonical_normal(b):
            return False
    r = exact_rank(rows)
    return all(exact_rank(S) == len(S)
               for k in range(1, r + 1) for S in itertools.combinations(rows, k))


def test_cover_count_values():
    assert [cover_count(n, 2) for n in range(1, 6)] == [2, 4, 6, 8, 10]
    assert [cover_count(n, 3) for n in range(1, 6)] == [2, 4, 8, 14, 22]
    assert cover_count(0, 0) == cover_count(0, 3) == 1
    assert cover_count(40, 4) == 19840
    for n in range(1, 12):
        for r in range(1, 12):
            if r >= n:
                assert cover_count(n, r) == 2**n
            if n >= 2 and r >= 2:  # Pascal: the deletion–restriction recursion
                assert cover_count(n, r) == cover_count(n - 1, r) + cover_count(n - 1, r - 1)
    assert cover_count(3, 0) == 1  # only zero rows: no hyperplane, one chamber
    with pytest.raises(ValueError):
        cover_count(-1, 2)


def test_general_position_examples():
    assert is_general_position([[1, 0], [0, 1], [1, 1]])
    assert is_general_position([])
    assert is_general_position([[3, 1]])
    assert not is_general_position([[0, 0]])
    assert not is_general_position([[1, 2], [2, 4]])
    assert not is_general_position([[1, 2], [-1, -2]])
    assert not is_general_position([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    # rank 2 in R^3, pairwise independent: general position for the rank-2 arrangement
    assert is_general_position([[1, 0, 1], [0, 1, 1], [1, 1, 2], [1, -1, 0]])


def test_general_position_limit():
    rows = [[1, k, k * k] for k in range(30)]
    with pytest.raises(TooLargeError):
        is_general_position(rows, max_subsets=100)
    assert is_general_position(rows)


@pytest.mark.parametrize("r", [1, 2, 3, 4, 5])
def test_batch_det_matches_sympy(r):
    rng = random.Random(r)
    M = np.array([[[rng.randint(-9, 9) for _ in range(r)] for _ in range(r)]
                  for _ in range(30)], dtype=np.int64)
    expected = [sympy.Matrix(m.tolist()).det() for m in M]
    assert batch_det(M).tolist() == expected
    assert [int(v) for v in batch_det(M.astype(object))] == expected


def test_general_position_with_huge_entries():
    # Object (Python int) path: a 3 × 3 minor is zero only because of exact cancellation.
    big = 10**20
    rows = [[big, 1, 0], [0, big, 1], [1, 0, big], [big, big + 1, 1]]
    assert not is_general_position(rows)  # row 3 = row 0 + row 1
    rows[3] = [big, big + 1, 2]
    assert is_general_position(rows)


def test_generic_40_by_4():
    rng = random.Random(40)
    rows = [[rng.randint(-50, 50) for _ in range(4)] for _ in range(40)]
    assert is_general_position(rows)
    assert chambers_from_chi(rows, 4) == cover_count(40, 4) == estimate_chambers(rows, 4)
    rows.append([a + b for a, b in zip(rows[0], rows[1])])  # rows 0, 1, 40 span a plane
    assert not is_general_position(rows)


@given(S.rows_and_dim())
def test_general_position_matches_brute_force(case):
    rows, d = case
    assert is_general_position(rows, d) == brute_force_general_position(rows)


@given(moment_curve())
def test_cover_count_in_general_position(case):
    rows, d = case
    assert is_general_position(rows, d)
    r = exact_rank(rows)
    assert chambers_from_chi(rows, d) == cover_count(len(rows), r) == estimate_chambers(rows, d)


@given(S.rows_and_dim())
def test_cover_count_whenever_general_position(case):
    rows, d = case
    assume(is_general_position(rows, d))
    assert chambers_from_chi(rows, d) == cover_count(len(rows), exact_rank(rows))


@given(S.rows_and_dim())
def test_estimate_is_an_upper_bound_tight_exactly_in_general_position(case):
    rows, d = case
    normals, _ = hyperplane_classes(rows)
    est = estimate_chambers(rows, d)
    count = chambers_from_chi(rows, d)
    assert count <= est
    # one representative per hyperplane: equality iff those are in general position
    assert (count == est) == is_general_position(normals, d)


def test_pilanci_ergen():
    assert pilanci_ergen_bound(1, 2) == 0.0 and pilanci_ergen_ceiling(1, 2) == 0
    assert pilanci_ergen_ceiling(3, 2) == 30  # 4·(2e/2)^2·… = 29.556…
    assert math.isinf(pilanci_ergen_bound(10**6, 10**5))
    for n in range(2, 40):
        for r in range(1, n + 1):
            ceiling = pilanci_ergen_ceiling(n, r)
            bound = pilanci_ergen_bound(n, r)
            assert ceiling - 1 < bound * (1 + 1e-12) and bound <= ceiling * (1 + 1e-12)
            assert cover_count(n, r) <= ceiling
    with pytest.raises(ValueError):
        pilanci_ergen_bound(0, 1)
    with pytest.raises(ValueError):
        pilanci_ergen_ceiling(3, 0)
