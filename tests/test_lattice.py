"""The intersection lattice, Möbius function and characteristic polynomial (arrangement/lattice.py).

Oracles, all independent of the lattice code: Whitney's subset formula, a brute-force chamber
count over all 2^n strict sign vectors (each decided by an exact LP in pycddlib's GMP backend),
the chamber enumerator, and closed forms (three lines, the braid arrangement, Cover's count).
"""

from __future__ import annotations

import itertools
import math
import random
from fractions import Fraction

import cdd
import cdd.gmp
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from arrangement.errors import InputError, TooLargeError
from arrangement.lattice import (
    T,
    canonical_normal,
    chambers_from_chi,
    characteristic_polynomial,
    exact_rank,
    f_vector,
    intersection_lattice,
    whitney_characteristic_polynomial,
)
from properties.strategies import rows_and_dim

# ----------------------------------------------------------------------------- strategies


# ----------------------------------------------------------------------------- LP oracle


def strict_sign_feasible(X: list[list[int]], d: int, signs: tuple[int, ...]) -> bool:
    """Is ``{u : s_j x_j·u > 0 for all j}`` nonempty?  Exact LP (cdd.gmp): maximise t subject to
    ``s_j x_j·u ≥ t`` and ``t ≤ 1``; the open cone is nonempty iff the optimum is positive."""
    A = [[0, *[s * v for v in x], -1] for x, s in zip(X, signs)]
    A.append([1] + [0] * d + [-1])
    mat = cdd.gmp.matrix_from_array(A, rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MAX, obj_func=[0] * (d + 1) + [1])
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    assert lp.status == cdd.LPStatusType.OPTIMAL
    return Fraction(lp.obj_value) > 0


def brute_force_chamber_count(rows: list[list[int]], d: int) -> int:
    """Chambers = feasible strict sign vectors on the nonzero rows (2^n LPs)."""
    X = [r for r in rows if any(r)]
    return sum(strict_sign_feasible(X, d, s) for s in itertools.product((1, -1), repeat=len(X)))


# ----------------------------------------------------------------------------- known examples


def braid(k: int) -> list[list[int]]:
    return [[1 if c == i else -1 if c == j else 0 for c in range(k)]
            for i, j in itertools.combinations(range(k), 2)]


def test_three_lines():
    rows = [[1, 0], [0, 1], [1, 1]]
    assert characteristic_polynomial(rows, 2) == sympy.Poly(T**2 - 3 * T + 2, T)
    assert chambers_from_chi(rows, 2) == 6
    assert f_vector(rows, 2) == (1, 6, 6)


@pytest.mark.parametrize("k", [2, 3, 4])
def test_braid_arrangement(k):
    # A_{k−1}: χ(t) = t(t−1)…(t−k+1), k! chambers (Stanley, Cor. 2.2).
    rows = braid(k)
    expected = sympy.Poly(sympy.prod([T - i for i in range(k)]), T)
    assert characteristic_polynomial(rows, k) == expected
    assert whitney_characteristic_polynomial(rows, k) == expected
    assert chambers_from_chi(rows, k) == math.factorial(k)


def test_braid_a3_faces():
    # Faces of A_3 = ordered set partitions of {1..4}: 1, 14, 36, 24 by number of blocks.
    assert f_vector(braid(4), 4) == (0, 1, 14, 36, 24)


def test_coordinate_arrangement():
    # Boolean arrangement in R^3: χ = (t−1)^3, 8 chambers, 27 faces.
    rows = [[1, 0, 0], [0, 1, 0], [0, 0, 1]]
    assert characteristic_polynomial(rows, 3) == sympy.Poly((T - 1) ** 3, T)
    assert f_vector(rows, 3) == (1, 6, 12, 8)


@pytest.mark.parametrize("rows, d, chi, f", [
    ([], 0, 1, (1,)),
    ([[]], 0, 1, (1,)),
    ([], 3, T**3, (0, 0, 0, 1)),
    ([[0, 0], [0, 0]], 2, T**2, (0, 0, 1)),
    ([[2]], 1, T - 1, (1, 2)),
    ([[3, 0], [-1, 0], [0, 0]], 2, T**2 - T, (0, 1, 2)),
])
def test_degenerate_cases(rows, d, chi, f):
    assert characteristic_polynomial(rows, d) == sympy.Poly(chi, T)
    assert whitney_characteristic_polynomial(rows, d) == sympy.Poly(chi, T)
    assert f_vector(rows, d) == f


def test_lattice_of_parallel_rows_and_zero_rows():
    L = intersection_lattice([[1, 0], [-2, 0], [0, 1], [0, 0], [0, 5]], 2)
    assert [sorted(f.rows) for f in L.flats] == [[], [0, 1], [2, 4], [0, 1, 2, 4]]
    assert L.mobius == (1, -1, -1, 1)
    assert L.flats[-1].basis == ()
    assert L.flats[-1].lower == (1, 2)
    assert L.flats[0].upper == (1, 2)


def test_bad_input():
    with pytest.raises(InputError):
        characteristic_polynomial([[1, 2], [3]], 2)
    with pytest.raises(InputError):
        characteristic_polynomial([[1.5, 2]], 2)
    with pytest.raises(InputError):
        characteristic_polynomial([], -1)


def test_whitney_refuses_many_hyperplanes():
    rows = [[1, k] for k in range(17)]
    with pytest.raises(TooLargeError):
        whitney_characteristic_polynomial(rows, 2)
    assert whitney_characteristic_polynomial(rows[:16], 2) == sympy.Poly(
        T**2 - 16 * T + 15, T)


def test_generic_40_by_4_matches_cover():
    rng = random.Random(40)
    rows = [[rng.randint(-50, 50) for _ in range(4)] for _ in range(40)]
    L = intersection_lattice(rows, 4)
    # Generic: μ(0̂, F) = (−1)^k for the C(40, k) flats of rank k < 4 (Boolean intervals).
    assert L.characteristic_polynomial() == sympy.Poly(
        T**4 - 40 * T**3 + 780 * T**2 - 9880 * T + 9139, T)
    assert L.chambers() == 2 * sum(math.comb(39, k) for k in range(4)) == 19840
    f = L.f_vector()
    assert f[0] == 1 and f[4] == 19840
    assert sum((-1) ** k * c for k, c in enumerate(f)) == 1


def test_big_entries_use_exact_integers():
    # Entries far beyond int64: the products must fall back to Python integers.
    big = 10**30
    rows = [[big, 1, 0], [1, big, 1], [0, 1, big], [big, big + 1, 1], [1, 1, 1]]
    assert characteristic_polynomial(rows, 3) == whitney_characteristic_polynomial(rows, 3)
    for f in intersection_lattice(rows, 3).flats:
        for b in f.basis:
            for j in f.rows:
                assert sum(x * y for x, y in zip(rows[j], b)) == 0


# ----------------------------------------------------------------------------- properties


@given(rows_and_dim())
def test_lattice_chi_equals_whitney(case):
    rows, d = case
    assert characteristic_polynomial(rows, d) == whitney_characteristic_polynomial(rows, d)


@given(rows_and_dim(n_max=6, d_max=3))
def test_chi_counts_chambers_by_brute_force(case):
    rows, d = case
    assert chambers_from_chi(rows, d) == brute_force_chamber_count(rows, d)


@given(rows_and_dim())
def test_chi_counts_the_enumerators_chambers(case):
    from arrangement.chambers import enumerate_chambers

    rows, d = case
    assert chambers_from_chi(rows, d) == len(enumerate_chambers(rows, d))


@given(rows_and_dim())
def test_lattice_structure(case):
    """Closed row sets, ranks, exact bases, covers, Möbius signs, restriction values."""
    rows, d = case
    L = intersection_lattice(rows, d)
    nonzero = [j for j, r in enumerate(rows) if any(r)]
    r = exact_rank([rows[j] for j in nonzero])
    assert L.rank == r
    assert L.flats[0].rows == frozenset() and L.flats[0].rank == 0
    assert L.flats[-1].rows == frozenset(nonzero) and L.flats[-1].rank == r
    assert len(set(L.index)) == len(L.flats)
    for i, f in enumerate(L.flats):
        vecs = [rows[j] for j in f.rows]
        assert exact_rank(vecs) == f.rank == d - f.dim
        # closed: every other nonzero row raises the rank
        for j in nonzero:
            if j not in f.rows:
                assert exact_rank([*vecs, rows[j]]) == f.rank + 1
        # the basis spans exactly the flat
        assert len(f.basis) == f.dim and exact_rank(f.basis) == f.dim
        for b in f.basis:
            for j in f.rows:
                assert sum(x * y for x, y in zip(rows[j], b)) == 0
        for g in f.lower:
            assert L.flats[g].rank == f.rank - 1 and L.flats[g].rows < f.rows
            assert i in L.flats[g].upper
        if i:
            assert f.lower
    # Möbius signs alternate (Rota) and χ(−1) agrees with the restriction recursion at 0̂.
    for f, mu in zip(L.flats, L.mobius):
        assert mu != 0 and (mu > 0) == (f.rank % 2 == 0)
    chi = L.characteristic_polynomial()
    assert L.restriction_chi_at_minus_one[0] == chi.eval(-1)
    assert chi.degree() == d and chi.LC() == 1
    if r:
        assert chi.eval(1) == 0  # a nonempty central arrangement has χ(1) = 0


@given(rows_and_dim())
def test_restriction_values_match_recomputed_restrictions(case):
    """χ_{A^F}(−1) from the up-set recursion = χ(−1) of the rows restricted to F's basis."""
    rows, d = case
    L = intersection_lattice(rows, d)
    for f, c in zip(L.flats, L.restriction_chi_at_minus_one):
        restricted = [[sum(x * y for x, y in zip(row, b)) for b in f.basis] for row in rows]
        assert characteristic_polynomial(restricted, f.dim).eval(-1) == c


@given(rows_and_dim(), st.randoms(use_true_random=False))
def test_chi_invariant_under_row_operations(case, rnd):
    """Permuting rows, nonzero rescaling, duplicating and adding zero rows keep χ (docs/MATH.md §8);
    so does X → XA for an invertible integer A."""
    rows, d = case
    chi = characteristic_polynomial(rows, d)
    scales = [rnd.choice([1, -1, 2, -5]) for _ in rows]
    other = [[c * v for v in row] for c, row in zip(scales, rows)]
    other += [list(row) for row in rows[: rnd.randint(0, len(rows))]]
    other.append([0] * d)
    rnd.shuffle(other)
    assert characteristic_polynomial(other, d) == chi
    # A = unit upper triangular with random entries: det 1.
    A = [[1 if i == j else (rnd.randint(-2, 2) if j > i else 0) for j in range(d)]
         for i in range(d)]
    XA = [[sum(row[i] * A[i][c] for i in range(d)) for c in range(d)] for row in rows]
    assert characteristic_polynomial(XA, d) == chi


@given(rows_and_dim())
def test_f_vector_basic_identities(case):
    rows, d = case
    L = intersection_lattice(rows, d)
    f = L.f_vector()
    assert len(f) == d + 1
    assert f[d] == L.chambers()
    assert f[d - L.rank] == 1 and all(c == 0 for c in f[: d - L.rank])
    assert sum((-1) ** k * c for k, c in enumerate(f)) == (-1) ** d  # Euler (faces.py doc)


def test_canonical_normal():
    assert canonical_normal((0, -4, 6)) == (0, 2, -3)
    assert canonical_normal((0, 0)) == (0, 0)
