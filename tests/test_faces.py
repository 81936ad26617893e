"""Faces, witnesses and the ≥-pattern set (arrangement/faces.py).

Oracles: brute force over all 3^n sign vectors (each decided by an exact LP in pycddlib's GMP
backend), the lattice's f-vector (Zaslavsky), Euler's relation, and a brute-force chamber
enumerator written here so faces.py can be tested without the production enumerator.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import cdd
import cdd.gmp
import pytest
from hypothesis import given

from arrangement.chambers import enumerate_chambers
from arrangement.counts import pilanci_ergen_ceiling
from arrangement.faces import Face, euler_sum, f_vector_from_faces, faces, pattern_set
from arrangement.lattice import exact_rank, f_vector, intersection_lattice
from properties.strategies import rows_and_dim

# ----------------------------------------------------------------------------- LP oracle


def face_witness(X, d: int, signs) -> tuple[int, ...] | None:
    """An integer u with sign(Xu) = signs, or None: exact LP (cdd.gmp) maximising t subject to
    ``s_j x_j·u ≥ t`` (s_j ≠ 0), ``x_j·u = 0`` (s_j = 0), ``t ≤ 1``; nonempty iff optimum > 0
    (or if no sign is strict, when u = 0 works)."""
    if any(s and not any(x) for x, s in zip(X, signs)):
        return None
    strict = [(x, s) for x, s in zip(X, signs) if s]
    if not strict:
        return (0,) * d
    A = [[0, *[s * v for v in x], -1] for x, s in strict]
    A.append([1] + [0] * d + [-1])
    eq = [x for x, s in zip(X, signs) if not s and any(x)]
    lin = range(len(A), len(A) + len(eq))
    A += [[0, *x, 0] for x in eq]
    mat = cdd.gmp.matrix_from_array(A, lin_set=lin, rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MAX, obj_func=[0] * (d + 1) + [1])
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL or Fraction(lp.obj_value) <= 0:
        return None
    u = [Fraction(v) for v in lp.primal_solution[:d]]
    den = math.lcm(*(v.denominator for v in u))
    return tuple(int(v * den) for v in u)


def brute_force_faces(rows, d) -> dict[tuple[int, ...], tuple[int, ...]]:
    """sign vector → witness for every feasible sign vector (3^n LPs; zero rows fixed to 0)."""
    choices = [(0,) if not any(x) else (1, 0, -1) for x in rows]
    out = {}
    for signs in itertools.product(*choices):
        u = face_witness(rows, d, signs)
        if u is not None:
            out[signs] = u
    return out


def brute_force_enumerator(rows, d) -> list[tuple[int, ...]]:
    """Development fallback for arrangement.chambers.enumerate_chambers: one witness per
    feasible strict sign vector on the nonzero rows."""
    X = [list(r) for r in rows if any(r)]
    if not X:
        return [(0,) * d]
    out = []
    for signs in itertools.product((1, -1), repeat=len(X)):
        u = face_witness(X, d, signs)
        if u is not None:
            out.append(u)
    return out


def sign_vector(rows, u) -> tuple[int, ...]:
    out = []
    for x in rows:
        v = sum(a * b for a, b in zip(x, u))
        out.append((v > 0) - (v < 0))
    return tuple(out)


# ----------------------------------------------------------------------------- examples


def test_three_lines():
    rows = [[1, 0], [0, 1], [1, 1]]
    fs = faces(rows, 2)
    assert f_vector_from_faces(fs, 2) == (1, 6, 6)
    assert fs[-1] == Face(signs=(0, 0, 0), witness=(0, 0), dim=0)
    # Chambers miss the sign vectors (+,+,−) and (−,−,+); every lower face's ≥-pattern is
    # already a chamber pattern here, so 𝒟 is exactly the 6 chamber patterns.
    P = pattern_set(rows, 2)
    assert set(P) == {(1, 1, 1), (1, 0, 1), (1, 0, 0), (0, 1, 1), (0, 1, 0), (0, 0, 0)}
    assert {f.pattern for f in fs if f.dim == 2} == set(P)
    assert (1, 1, 1) in P


def test_antiparallel_rows_give_face_only_patterns():
    # x and −x: chambers give (1,0) and (0,1); the hyperplane itself gives (1,1) (docs/MATH.md §2).
    P = pattern_set([[1, 1], [-1, -1]], 2)
    assert set(P) == {(1, 0), (0, 1), (1, 1)}
    assert sign_vector([[1, 1], [-1, -1]], P[(1, 1)]) == (0, 0)


def test_zero_rows_and_d0():
    assert faces([], 0) == [Face((), (), 0)]
    assert faces([[0, 0]], 2) == [Face((0,), (0, 0), 2)]
    assert pattern_set([[0], [0]], 1) == {(1, 1): (0,)}


def test_braid_faces():
    rows = [[1 if c == i else -1 if c == j else 0 for c in range(4)]
            for i, j in itertools.combinations(range(4), 2)]
    fs = faces(rows, 4)
    assert f_vector_from_faces(fs, 4) == f_vector(rows, 4) == (0, 1, 14, 36, 24)
    assert euler_sum(f_vector_from_faces(fs, 4)) == 1


@pytest.mark.parametrize("d", [1, 2, 3, 4, 5])
def test_euler_relation_examples(d):
    # Coordinate arrangement in R^d: f_k = C(d, k) 2^k; Σ (−1)^k C(d,k) 2^k = (−1)^d.
    rows = [[int(i == j) for j in range(d)] for i in range(d)]
    f = f_vector_from_faces(faces(rows, d), d)
    assert f == tuple(math.comb(d, k) * 2**k for k in range(d + 1))
    assert euler_sum(f) == (-1) ** d


# ----------------------------------------------------------------------------- properties


@given(rows_and_dim(n_max=5, d_max=3))
def test_faces_match_brute_force(case):
    rows, d = case
    fs = faces(rows, d, enumerator=enumerate_chambers)
    expected = brute_force_faces(rows, d)
    signs = [f.signs for f in fs]
    assert len(set(signs)) == len(signs)
    assert set(signs) == set(expected)
    for f in fs:
        assert len(f.witness) == d and all(isinstance(v, int) for v in f.witness)
        assert sign_vector(rows, f.witness) == f.signs
        zero = [rows[j] for j, s in enumerate(f.signs) if s == 0]
        assert f.dim == d - exact_rank(zero)


@given(rows_and_dim(n_max=7, d_max=4))
def test_fallback_and_real_enumerator_agree(case):
    rows, d = case
    a = {f.signs for f in faces(rows, d, enumerator=brute_force_enumerator)}
    b = {f.signs for f in faces(rows, d, enumerator=enumerate_chambers)}
    assert a == b


@given(rows_and_dim(n_max=7, d_max=4))
def test_f_vector_from_faces_equals_lattice(case):
    rows, d = case
    f = f_vector_from_faces(faces(rows, d), d)
    assert f == f_vector(rows, d)
    assert euler_sum(f) == (-1) ** d


@given(rows_and_dim(n_max=7, d_max=4))
def test_faces_per_flat_equal_restriction_counts(case):
    rows, d = case
    L = intersection_lattice(rows, d)
    zero_rows = {j for j, r in enumerate(rows) if not any(r)}
    per_flat: dict[frozenset[int], int] = {}
    for f in faces(rows, d, lattice=L):
        key = frozenset(j for j, s in enumerate(f.signs) if s == 0) - zero_rows
        per_flat[key] = per_flat.get(key, 0) + 1
    assert set(per_flat) == set(L.index)
    for flat, c in zip(L.flats, L.restriction_chi_at_minus_one):
        assert per_flat[flat.rows] == abs(c)


@given(rows_and_dim(n_max=5, d_max=3))
def test_pattern_set_matches_brute_force(case):
    rows, d = case
    P = pattern_set(rows, d)
    expected = {tuple(int(s >= 0) for s in signs) for signs in brute_force_faces(rows, d)}
    assert set(P) == expected
    for pattern, u in P.items():
        assert tuple(int(s >= 0) for s in sign_vector(rows, u)) == pattern
    assert (1,) * len(rows) in P  # u = 0


@given(rows_and_dim(n_max=7, d_max=4))
def test_pattern_count_within_pilanci_ergen(case):
    """docs/MATH.md §3: the number of patterns is at most 2r(e(n−1)/r)^r — checked here for the full
    ≥-pattern set (chambers and lower faces), for n ≥ 2 rows of rank r ≥ 1."""
    rows, d = case
    r = exact_rank(rows)
    if len(rows) < 2 or r == 0:
        return
    assert len(pattern_set(rows, d)) <= pilanci_ergen_ceiling(len(rows), r)


def test_faulty_enumerator_is_caught():
    rows = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]

    def drops_one(r, k):
        return brute_force_enumerator(r, k)[1:]

    def repeats_one(r, k):
        w = brute_force_enumerator(r, k)
        return [w[0], *w[:-1]]

    def off_the_face(r, k):
        return [tuple(0 for _ in w) for w in brute_force_enumerator(r, k)]

    for bad in (drops_one, repeats_one, off_the_face):
        with pytest.raises(AssertionError):
            faces(rows, 3, enumerator=bad)
