"""The one linear-algebra layer (arrangement/exactla.py): every exact routine against sympy's
``Matrix`` (an independent implementation) on both backends, and the numeric LU against numpy."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from arrangement import exactla as la

entries = st.fractions(min_value=-5, max_value=5, max_denominator=4)


@st.composite
def matrices(draw, max_rows=6, max_cols=6, square=False, low_rank=True):
    r = draw(st.integers(1, max_rows))
    c = r if square else draw(st.integers(1, max_cols))
    M = [[draw(entries) for _ in range(c)] for _ in range(r)]
    if low_rank and r > 1 and draw(st.booleans()):  # a dependent row, often
        i, j = draw(st.integers(0, r - 1)), draw(st.integers(0, r - 1))
        f = draw(entries)
        M[i] = [a + f * b for a, b in zip(M[i], M[j])] if i != j else [Fraction(0)] * c
    return M


def sym(M):
    return sympy.Matrix([[sympy.Rational(x.numerator, x.denominator) for x in row] for row in M])


def frac(x):
    return Fraction(int(x.p), int(x.q))


@pytest.fixture(params=la.BACKENDS)
def backend(request):
    with la.use_backend(request.param):
        yield request.param


def test_backend_switch_refuses_unknown():
    with pytest.raises(ValueError, match="not available"):
        with la.use_backend("nope"):
            pass


@settings(max_examples=60, deadline=None)
@given(M=matrices())
def test_rref_rank_nullspace_match_sympy(M):
    S = sym(M)
    R_s, piv_s = S.rref()
    for name in la.BACKENDS:
        with la.use_backend(name):
            R, piv = la.rref(M)
            assert piv == list(piv_s)
            assert R == [[frac(R_s[i, j]) for j in range(S.cols)] for i in range(S.rows)]
            assert la.rank(M) == S.rank()
            N = la.nullspace(M)
            assert len(N) == S.cols - S.rank()
            assert all(all(sum(a * x for a, x in zip(row, v)) == 0 for row in M) for v in N)
            assert la.rank(N) == len(N) if N else True


@settings(max_examples=60, deadline=None)
@given(M=matrices(square=True), b=st.lists(entries, min_size=6, max_size=6))
def test_solve_and_inverse_match_sympy(M, b):
    S = sym(M)
    k = len(M)
    b = b[:k]
    for name in la.BACKENDS:
        with la.use_backend(name):
            x = la.solve(M, b)
            if S.det() == 0:
                assert x is None
                with pytest.raises(ZeroDivisionError):
                    la.inverse(M)
            else:
                xs = S.LUsolve(sympy.Matrix([sympy.Rational(v.numerator, v.denominator)
                                             for v in b]))
                assert x == [frac(v) for v in xs]
                inv = S.inv()
                assert la.inverse(M) == [[frac(inv[i, j]) for j in range(k)] for i in range(k)]


@settings(max_examples=60, deadline=None)
@given(M=matrices(max_rows=7, max_cols=4), data=st.data())
def test_independent_subset_is_greedy(M, data):
    order = data.draw(st.permutations(range(len(M))))
    for name in la.BACKENDS:
        with la.use_backend(name):
            chosen = la.independent_subset(M, order)
            # greedy: j is chosen iff it is independent of the rows before it in the order
            kept = []
            for j in order:
                if sym([*[M[t] for t in kept], M[j]]).rank() > len(kept):
                    kept.append(j)
            assert chosen == kept


@settings(max_examples=40, deadline=None)
@given(M=matrices(max_rows=4, max_cols=5))
def test_projectors(M):
    d = len(M[0])
    S = sym(M)
    for name in la.BACKENDS:
        with la.use_backend(name):
            P = la.span_projector(M, d)
            K = la.kernel_projector(M, d)
            Ps = sympy.Matrix(P)
            assert Ps * Ps == Ps and Ps.T == Ps and Ps.rank() == S.rank()
            assert all(K[r][c] == int(r == c) - P[r][c] for r in range(d) for c in range(d))
            # P fixes the rows, K kills them
            for row in M:
                assert list(Ps * sympy.Matrix(row)) == [sympy.Rational(x) for x in row]
                assert all(sum(K[r][c] * row[c] for c in range(d)) == 0 for r in range(d))


def test_null_vector_and_empty_cases(backend):
    assert la.null_vector([(1, 0), (0, 1), (1, 1)]) == [-1, -1, 1]
    assert la.null_vector([(1, 0), (0, 1)]) is None
    assert la.null_vector([]) is None
    assert la.null_vector([(), ()]) == [1, 0]
    assert la.rank([]) == 0 and la.rank([[]]) == 0
    assert la.solve([], []) == []
    assert la.independent_subset([(1, 2)], []) == []
    assert la.span_projector([], 2) == [[0, 0], [0, 0]]
    assert la.rref([]) == ([], [])


@settings(max_examples=60, deadline=None)
@given(st.integers(1, 5), st.integers(1, 3), st.data())
def test_integer_solve(d, t, data):
    M = [[data.draw(st.integers(-4, 4)) for _ in range(t)] for _ in range(d)]
    b = [data.draw(st.integers(-6, 6)) for _ in range(d)]
    got = la.integer_solve(M, b)
    S = sympy.Matrix(M)
    if S.rank() < t:
        assert got is None
        return
    sol = sympy.Matrix.hstack(S, sympy.Matrix(b)).rank() == t
    if not sol:
        assert got is None
        return
    x, D = got
    assert D > 0 and all(isinstance(v, int) for v in x)
    assert all(sum(M[i][j] * x[j] for j in range(t)) == D * b[i] for i in range(d))


def test_integer_rank_and_pivots_agree_with_rank():
    rows = [(1, 2, 3), (2, 4, 6), (0, 1, 1), (1, 3, 4)]
    assert la.integer_rank(rows) == la.rank(rows) == 2
    assert la.pivot_rows(rows) == la.independent_subset(rows, range(4)) == [0, 2]


@pytest.mark.parametrize("k", [1, 3, 8])
def test_lu_matches_numpy_in_floats_and_mpf(k):
    import mpmath

    rng = np.random.default_rng(k)
    A = rng.normal(size=(k, k)) + 3 * np.eye(k)
    b = rng.normal(size=k)
    want = np.linalg.solve(A, b)
    got = la.lu_solve(la.lu_factor(A.tolist()), b.tolist())
    assert np.allclose(got, want, rtol=1e-12, atol=1e-12)
    assert np.allclose(la.float_solve(A.tolist(), b.tolist()), want)
    with mpmath.workdps(50):
        Am = [[mpmath.mpf(float(v)) for v in row] for row in A]
        bm = [mpmath.mpf(float(v)) for v in b]
        x = la.lu_solve(la.lu_factor(Am), bm)
        res = max(abs(sum(Am[i][j] * x[j] for j in range(k)) - bm[i]) for i in range(k))
        assert res < mpmath.mpf(10) ** -45


def test_lu_refuses_singular():
    with pytest.raises(ZeroDivisionError):
        la.lu_factor([[1.0, 2.0], [2.0, 4.0]])
