"""Exact integer matrices on numpy: int64 when provably safe, Python integers otherwise.

The chamber enumerator multiplies integer witnesses by integer rows many times. numpy's int64 is
fast but wraps silently on overflow, so every product here first bounds its entries
(``max|A| · max|B| · k`` for a k-term dot product) and falls back to object arrays of Python
integers when the bound reaches 2**62. Results are therefore always exact.

>>> import numpy as np
>>> A = as_int_array([[2, -3], [4, 5]])
>>> matmul(A, as_int_array([[1], [1]])).ravel().tolist()
[-1, 9]
>>> big = as_int_array([[2**70, 1]])
>>> matmul(big, as_int_array([[1], [1]])).ravel().tolist() == [2**70 + 1]
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

_SAFE = 2**62


def max_abs(A: np.ndarray) -> int:
    """``max |A_ij|`` as a Python int (0 for an empty array).

    >>> max_abs(as_int_array([[3, -7]]))
    7
    """
    if A.size == 0:
        return 0
    if A.dtype == object:
        return max(abs(int(v)) for v in A.flat)
    return int(np.abs(A).max())


def as_int_array(rows: Sequence[Sequence[int]] | np.ndarray,
                 ncols: int | None = None) -> np.ndarray:
    """A 2-D integer array: int64 when every entry fits comfortably, else Python ``int`` objects.

    ``ncols`` fixes the shape of an empty input (``len(rows) × ncols``).

    >>> as_int_array([[1, 2], [3, 4]]).dtype
    dtype('int64')
    >>> as_int_array([[2**64]]).dtype
    dtype('O')
    >>> as_int_array([], ncols=3).shape
    (0, 3)
    """
    A = np.array(rows, dtype=object)
    if ncols is not None:
        A = A.reshape(len(rows), ncols)
    elif A.ndim == 1:
        A = A.reshape(len(A), -1) if A.size else A.reshape(0, 0)
    return shrink(A)


def shrink(A: np.ndarray) -> np.ndarray:
    """Convert to int64 when all entries are below 2**62 in absolute value (exactly)."""
    if A.dtype == object and max_abs(A) < _SAFE:
        return A.astype(np.int64)
    return A


def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact product ``A @ B`` of integer matrices (int64 when the bound allows, else objects).

    >>> matmul(as_int_array([[3, 1]]), as_int_array([[2], [-6]])).tolist()
    [[0]]
    """
    k = A.shape[1] if A.ndim == 2 else 1
    bound = max_abs(A) * max_abs(B) * max(k, 1)
    if bound < _SAFE and A.dtype != object and B.dtype != object:
        return A @ B
    return shrink(np.dot(A.astype(object), B.astype(object)))


def row_gcd(A: np.ndarray) -> np.ndarray:
    """The gcd of each row (0 for a zero row), as a 1-D array of the same kind."""
    if A.dtype == object:
        return np.array([math.gcd(*map(int, r)) if len(r) else 0 for r in A], dtype=object)
    return np.gcd.reduce(A, axis=1)


def primitive_rows(A: np.ndarray) -> np.ndarray:
    """Divide each nonzero row by the gcd of its entries (signs kept).

    >>> primitive_rows(as_int_array([[4, -6], [0, 0]])).tolist()
    [[2, -3], [0, 0]]
    """
    if A.size == 0:
        return A
    g = row_gcd(A)
    g = np.where(g == 0, 1, g)
    if A.dtype == object:
        return shrink(np.array([[int(v) // int(gi) for v in r] for r, gi in zip(A, g)],
                               dtype=object).reshape(A.shape))
    return A // g[:, None]


def canonical_rows(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Primitive rows oriented so the first nonzero entry is positive, and the sign used.

    Row ``j`` of the input is a positive multiple of ``sign[j] * canonical[j]``; zero rows get
    sign 0.

    >>> C, s = canonical_rows(as_int_array([[-2, 4], [0, 3], [0, 0]]))
    >>> C.tolist(), s.tolist()
    ([[1, -2], [0, 1], [0, 0]], [-1, 1, 0])
    """
    P = primitive_rows(A)
    n = P.shape[0]
    sign = np.zeros(n, dtype=np.int64)
    nz = P != 0
    has = nz.any(axis=1)
    first = np.argmax(nz, axis=1)
    lead = np.array([P[i, first[i]] for i in range(n)], dtype=object) if n else np.zeros(0)
    for i in range(n):
        if has[i]:
            sign[i] = 1 if lead[i] > 0 else -1
    if P.dtype == object:
        C = np.array([[v * int(s) for v in r] for r, s in zip(P, sign)], dtype=object)
        C = C.reshape(P.shape)
    else:
        C = P * sign[:, None]
    C = np.where(has[:, None], C, 0) if C.dtype != object else C
    return C, sign


def nullspace_basis(h: Sequence[int]) -> np.ndarray:
    """An integer basis (as columns, d × (d−1)) of the hyperplane ``{u : h·u = 0}``, h ≠ 0.

    The pivot is the entry of smallest nonzero magnitude, which keeps the basis small:
    column i is ``h_p e_i − h_i e_p``.

    >>> B = nullspace_basis([1, 2, 0])
    >>> B.tolist()
    [[-2, 0], [1, 0], [0, 1]]
    """
    h = [int(v) for v in h]
    d = len(h)
    p = min((i for i in range(d) if h[i] != 0), key=lambda i: abs(h[i]))
    cols = []
    for i in range(d):
        if i == p:
            continue
        c = [0] * d
        c[i] = h[p]
        c[p] = -h[i]
        g = math.gcd(*c)
        cols.append([v // g for v in c])
    B = np.array(cols, dtype=object).T.reshape(d, d - 1)
    return shrink(B)


def float_rows(rows: Sequence[Sequence[int]] | np.ndarray) -> np.ndarray:
    """Integer (or rational) rows as floats for a numeric *guess*, each row scaled first.

    A rational row is first multiplied by the lcm of its denominators (a positive constant).
    ``float(10**400)`` raises OverflowError; here each row is shifted so that its largest entry
    stays below 2**60 before conversion. The result is each row times a positive constant
    (exact for rows below 2**53, rounded otherwise), so it is only fit for guesses that are
    checked exactly afterwards, and for scale-free uses (normalised rows or right-hand sides).

    >>> F = float_rows([[10**400, -(10**399)], [3, 4]])
    >>> F[1].tolist(), round(float(F[0, 0] / F[0, 1]), 12)
    ([3.0, 4.0], -10.0)
    >>> from fractions import Fraction
    >>> float_rows([[Fraction(1, 10**400), Fraction(-1, 3 * 10**400)]]).tolist()
    [[3.0, -1.0]]
    """
    from fractions import Fraction

    out = []
    for r in rows:
        if any(type(v) is Fraction and v.denominator != 1 for v in r):
            den = math.lcm(*(Fraction(v).denominator for v in r))
            ints = [int(Fraction(v) * den) for v in r]
        else:
            ints = [int(v) for v in r]
        shift = max((abs(v).bit_length() for v in ints), default=0) - 60
        out.append([float(v >> shift) if shift > 0 else float(v) for v in ints])
    return np.array(out, dtype=float).reshape(len(out), -1)
