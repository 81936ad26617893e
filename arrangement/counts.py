"""Counting formulas for chambers and patterns (docs/MATH.md §3).

- Cover (1965): n hyperplanes in general position through the origin of a rank-r space cut it into
  ``2 Σ_{k=0}^{r−1} C(n−1, k)`` chambers.
- The same number bounds the chambers of *every* central arrangement of n distinct hyperplanes of
  rank r, which makes it a cheap, exact refusal threshold (:func:`estimate_chambers`).
- Pilanci–Ergen bound ``2r (e(n−1)/r)^r`` on the number of activation patterns (a float, or its
  exact integer ceiling from rational enclosures of e).

Exact claims are integers; the only float is :func:`pilanci_ergen_bound`, documented as such.

References: T. Cover, *Geometrical and statistical properties of systems of linear inequalities*,
IEEE Trans. Electron. Comput. 14 (1965); T. Zaslavsky, *Facing up to arrangements* (1975);
M. Pilanci and T. Ergen, *Neural networks are convex regularizers* (ICML 2020).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from itertools import combinations, islice
from typing import Any

import numpy as np

from arrangement.errors import TooLargeError
from arrangement.exactla import pivot_rows
from arrangement.lattice import exact_rank, hyperplane_classes, int_rows

__all__ = [
    "batch_det",
    "cover_count",
    "estimate_chambers",
    "is_general_position",
    "pilanci_ergen_bound",
    "pilanci_ergen_ceiling",
]

_SAFE = 2**62
_BATCH = 1 << 16  # r-subsets per vectorised determinant batch


def cover_count(n: int, r: int) -> int:
    """Cover's count ``2 Σ_{k=0}^{r−1} C(n−1, k)`` of chambers of n hyperplanes in general position.

    ``n`` nonzero, pairwise non-parallel rows of rank ``r``. With no hyperplane (``n = 0`` or
    ``r = 0``, e.g. only zero rows) there is one chamber, the whole space, and the count is 1.
    For ``r ≥ n`` the count is ``2^n`` (all sign vectors).

    >>> cover_count(3, 2), cover_count(4, 3), cover_count(0, 0), cover_count(3, 5)
    (6, 14, 1, 8)

    Reference: Cover (1965), Thm. 1; docs/MATH.md §3.
    """
    if n < 0 or r < 0:
        raise ValueError(f"cover_count needs n, r >= 0, got n={n}, r={r}")
    if n == 0 or r == 0:
        return 1
    return 2 * sum(math.comb(n - 1, k) for k in range(r))


def _pivot_columns(X: list[tuple[int, ...]], d: int) -> list[int]:
    # r linearly independent columns of X. X = X[:, P]·T with T of full row rank, so every row
    # subset has the same rank in X[:, P] as in X: general position can be tested on r × r
    # determinants instead of r × d ranks.
    return pivot_rows([[row[c] for row in X] for c in range(d)])


def batch_det(M: np.ndarray) -> np.ndarray:
    """Exact determinants of a batch ``M`` (b × r × r), by Laplace expansion over column subsets.

    Row i's minors on column set S come from row i−1's minors on S minus one column:
    ``r 2^{r−1}`` multiply-adds per matrix, every intermediate being a minor (or a partial sum
    of at most r products entry × minor), so the caller's Hadamard bound controls overflow.

    >>> batch_det(np.array([[[2, 1], [1, 3]], [[1, 2], [2, 4]]])).tolist()
    [5, 0]
    """
    r = M.shape[1]
    minors = {1 << j: M[:, 0, j] for j in range(r)}
    for i in range(1, r):
        nxt: dict[int, Any] = {}
        for S in range(1 << r):
            if S.bit_count() != i + 1:
                continue
            total = None
            cols = [j for j in range(r) if S >> j & 1]
            for pos, j in enumerate(cols):
                term = M[:, i, j] * minors[S ^ (1 << j)]
                if (i + pos) % 2:
                    term = -term
                total = term if total is None else total + term
            nxt[S] = total
        minors = nxt
    return minors[(1 << r) - 1]


def is_general_position(rows: Sequence[Sequence[int]], d: int | None = None, *,
                        max_subsets: int | None = 10**8) -> bool:
    """Exactly decide general position: no zero rows, no two rows parallel (or antiparallel), and
    every subset of at most ``r = rank`` rows linearly independent.

    Since subsets of independent sets are independent, the last condition is equivalent to
    "every r-subset has rank r". After restricting to r independent columns (which preserves the
    rank of every row subset) that is ``C(n, r)`` nonzero ``r × r`` determinants, computed in
    vectorised batches: numpy int64 when ``r · max|entry| · Hadamard bound < 2^62``, else
    Python integers. More than ``max_subsets`` subsets raise ``TooLargeError``.

    >>> is_general_position([[1, 0], [0, 1], [1, 1]])
    True
    >>> is_general_position([[1, 0, 0], [0, 1, 0], [1, 1, 0], [0, 0, 1]])
    False
    >>> is_general_position([[1, 2], [-2, -4]])
    False

    Reference: Cover (1965) (the hypothesis of his count); docs/MATH.md §3.
    """
    if d is None:
        d = len(rows[0]) if len(rows) else 0
    X = int_rows(rows, d)
    n = len(X)
    if any(not any(row) for row in X):
        return False
    normals, _ = hyperplane_classes(X)
    if len(normals) < n:
        return False
    if n <= 1:
        return True
    cols = _pivot_columns(X, d)
    r = len(cols)
    if r == 1:
        return False  # two nonzero rows of rank 1 are parallel (already excluded above)
    total = math.comb(n, r)
    if max_subsets is not None and total > max_subsets:
        raise TooLargeError(
            f"general position check needs {total} determinants (limit {max_subsets})")
    Y = [[row[c] for c in cols] for row in X]
    norms = sorted((math.isqrt(sum(v * v for v in row)) + 1 for row in Y), reverse=True)
    hadamard = math.prod(norms[:r])
    entry = max(abs(v) for row in Y for v in row)
    if r * entry * hadamard < _SAFE:
        Yarr = np.array(Y, dtype=np.int64)
    else:
        Yarr = np.empty((n, r), dtype=object)
        Yarr[:] = Y
    subsets = combinations(range(n), r)
    while True:
        batch = list(islice(subsets, _BATCH))
        if not batch:
            return True
        dets = batch_det(Yarr[np.array(batch, dtype=np.intp)])
        if (dets == 0).any():
            return False


def pilanci_ergen_bound(n: int, r: int) -> float:
    """The Pilanci–Ergen bound ``2r (e(n−1)/r)^r`` on the number of activation patterns, as a float.

    This is a floating-point **upper bound** used for orientation only, never an exact claim; see
    :func:`pilanci_ergen_ceiling` for its exact integer ceiling. Returns ``inf`` on overflow.
    Defined for ``n ≥ 1`` and ``r ≥ 1``. It dominates Cover's count for ``2 ≤ n`` and
    ``1 ≤ r ≤ n`` (checked exactly in the tests for n < 40), but not for ``n = 1``: the formula
    gives 0 while one nonzero row has 2 chambers.

    >>> round(pilanci_ergen_bound(3, 2), 6)
    29.556224

    Reference: Pilanci and Ergen (2020); docs/MATH.md §3.
    """
    if n < 1 or r < 1:
        raise ValueError(f"pilanci_ergen_bound needs n, r >= 1, got n={n}, r={r}")
    if n == 1:
        return 0.0
    try:
        return math.exp(math.log(2 * r) + r * (1 + math.log((n - 1) / r)))
    except OverflowError:
        return math.inf


def pilanci_ergen_ceiling(n: int, r: int) -> int:
    """The exact integer ``⌈2r (e(n−1)/r)^r⌉``, from rational enclosures of e.

    ``s_K = Σ_{k≤K} 1/k! < e < s_K + 1/(K!·K)``; the bound is irrational for ``n ≥ 2`` (e is
    transcendental), so refining K until both enclosures have the same floor q proves the
    ceiling is q + 1.

    >>> pilanci_ergen_ceiling(3, 2), pilanci_ergen_ceiling(1, 3)
    (30, 0)

    Reference: Pilanci and Ergen (2020).
    """
    if n < 1 or r < 1:
        raise ValueError(f"pilanci_ergen_ceiling needs n, r >= 1, got n={n}, r={r}")
    if n == 1:
        return 0
    scale = Fraction(2 * r * (n - 1) ** r, r**r)
    K = 8
    while True:
        partial = sum(Fraction(1, math.factorial(k)) for k in range(K + 1))
        lo = scale * partial**r
        hi = scale * (partial + Fraction(1, math.factorial(K) * K)) ** r
        if math.floor(lo) == math.floor(hi):
            return math.floor(lo) + 1
        K *= 2


def estimate_chambers(rows: Sequence[Sequence[int]], d: int) -> int:
    """A cheap, exact upper bound on the number of chambers: ``cover_count(m, r)``.

    ``m`` = number of distinct hyperplanes (parallel classes), ``r`` = rank. For every central
    arrangement, #chambers ≤ Cover's count, with equality in general position: by
    deletion–restriction ``c(A) = c(A∖H) + c(A^H)`` where ``A∖H`` has m−1 hyperplanes of rank
    ≤ r and ``A^H`` at most m−1 of rank r−1; Cover's count obeys
    ``cover(m, r) = cover(m−1, r) + cover(m−1, r−1)`` (Pascal) and is monotone in m and r, so
    induction on m gives the bound (Zaslavsky 1975; Cover 1965). Used to refuse huge runs.

    >>> estimate_chambers([[1, 0], [2, 0], [0, 1], [1, 1]], 2)
    6

    Reference: Cover (1965); Zaslavsky (1975); Stanley (2007), Prop. 2.4 ff.
    """
    X = int_rows(rows, d)
    normals, _ = hyperplane_classes(X)
    return cover_count(len(normals), exact_rank(normals))
