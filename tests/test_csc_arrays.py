"""exact.cutting.csc_arrays: the CSC arrays handed to Clarabel without scipy.sparse.

The oracle is scipy's own ``csc_matrix((vals, (rows, cols)), shape)``: the same ``indptr``,
``indices`` and ``data``, bit for bit without duplicates (explicit zeros kept; duplicates summed,
in their given order, to rounding), on triplets with
duplicates, zeros and empty columns; and a fresh process that solves a program by cutting planes
never imports scipy.sparse.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from exact.convex import pooled_rows
from exact.cutting import csc_arrays

ROOT = Path(__file__).resolve().parent.parent


@st.composite
def triplets(draw):
    m = draw(st.integers(1, 6))
    n = draw(st.integers(1, 6))
    k = draw(st.integers(0, 25))
    rows = draw(st.lists(st.integers(0, m - 1), min_size=k, max_size=k))
    cols = draw(st.lists(st.integers(0, n - 1), min_size=k, max_size=k))
    vals = draw(st.lists(st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.1, 1e-300, 3.5, -2.25]),
                         min_size=k, max_size=k))
    return np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64), np.array(vals), (m, n)


def _same_as_scipy(got, rows, cols, vals, shape) -> bool:
    """Whether ``got`` holds scipy's CSC arrays of the triplets (the floats bit for bit without
    duplicates; scipy sums duplicates in its own order, so equal to rounding otherwise)."""
    import scipy.sparse as sp

    want = sp.csc_matrix((vals, (rows, cols)), shape=shape)
    want.sum_duplicates()
    if (tuple(got.shape) != want.shape or got.nnz != want.nnz
            or np.asarray(got.indptr).tolist() != want.indptr.tolist()
            or np.asarray(got.indices).tolist() != want.indices.tolist()):
        return False
    if len(set(zip(rows.tolist(), cols.tolist()))) == len(rows):
        return bool(np.array_equal(got.data, want.data))
    return bool(np.allclose(got.data, want.data, rtol=1e-15, atol=1e-15))


@given(triplets())
def test_the_arrays_are_scipys(t):
    rows, cols, vals, shape = t
    got = csc_arrays(rows, cols, vals, shape)
    assert _same_as_scipy(got, rows, cols, vals, shape)
    dense = np.zeros(shape)
    np.add.at(dense, (rows, cols), vals)
    assert np.allclose(got.toarray(), dense, rtol=1e-15, atol=1e-15)


def test_planted_bug_a_builder_that_does_not_sort_rows_is_caught():
    """A builder that orders the entries by column only (rows left in input order) is not
    scipy's: the comparison above fails on a column whose rows come unsorted."""
    from exact.cutting import CscArrays

    def by_column_only(rows, cols, vals, shape):
        order = np.argsort(cols, kind="stable")
        indptr = np.zeros(shape[1] + 1, dtype=np.int64)
        np.cumsum(np.bincount(cols, minlength=shape[1]), out=indptr[1:])
        return CscArrays(vals[order], rows[order], indptr, shape)

    rows, cols, vals = np.array([1, 0, 0]), np.array([0, 0, 1]), np.array([2.0, 3.0, 4.0])
    assert _same_as_scipy(csc_arrays(rows, cols, vals, (2, 2)), rows, cols, vals, (2, 2))
    assert not _same_as_scipy(by_column_only(rows, cols, vals, (2, 2)), rows, cols, vals, (2, 2))


def test_pooled_rows_sums_each_signals_patches():
    from exact.conv import ConvProgram

    cp = ConvProgram([[1, 0, -1, 2], [0, 1, 1, -1]], [1, -1], "1/10", 2)
    M = np.arange(cp.rows * 2, dtype=float).reshape(cp.rows, 2)
    want = np.array([M[j * cp.pool:(j + 1) * cp.pool].sum(axis=0) for j in range(cp.n)])
    assert np.array_equal(pooled_rows(M, cp.pool), want)


def test_a_fresh_cutting_plane_solve_does_not_import_scipy_sparse():
    code = (
        "import sys\n"
        "import numpy as np\n"
        "from exact.convex import ConvexProgram\n"
        "from exact.cutting import working_set_solve\n"
        "rng = np.random.default_rng(2)\n"
        "X = rng.integers(-5, 6, size=(12, 3)).tolist()\n"
        "cp = ConvexProgram(X, rng.integers(-3, 4, size=12).tolist(), '1/10')\n"
        "W, st = working_set_solve(cp)\n"
        "assert cp.numeric_solver in ('CLARABEL (direct)', 'dual Newton'), cp.numeric_solver\n"
        "print('scipy.sparse' in sys.modules)\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"}, check=True)
    assert out.stdout.strip() == "False", out.stdout + out.stderr


def test_a_binding_that_refuses_the_arrays_gets_scipys_matrices(monkeypatch):
    """If a Clarabel release reads only scipy's own matrices, clarabel_solver hands it those,
    and the restricted solve gives the same numbers."""
    import clarabel
    import scipy.sparse as sp

    from exact.convex import ConvexProgram
    from exact.cutting import clarabel_restricted

    cp = ConvexProgram([[-1, 1], [0, 1], [1, 1], [2, -1]], [1, 0, 1, -1], "1/10")
    W0 = clarabel_restricted(cp, cp.groups)
    v0, d0 = cp.numeric_value, np.array(cp.numeric_dual)
    real = clarabel.DefaultSolver
    seen = []

    def strict(P, q, A, b, cones, st):
        if not (sp.issparse(P) and sp.issparse(A)):
            raise TypeError("argument 'P': 'CscArrays' object cannot be converted")
        seen.append(True)
        return real(P, q, A, b, cones, st)

    monkeypatch.setattr(clarabel, "DefaultSolver", strict)
    W1 = clarabel_restricted(cp, cp.groups)
    assert seen and W1 is not None and set(W1) == set(W0)
    assert cp.numeric_value == v0 and np.array_equal(np.array(cp.numeric_dual), d0)
    assert all(np.array_equal(W0[g], W1[g]) for g in W0)
