"""Exact rational linear algebra shared by the layers (Fractions; small dense systems).

>>> independent_subset([(1, 0), (2, 0), (0, 1)], [0, 1, 2])
[0, 2]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction


def independent_subset(rows: Sequence[Sequence[Fraction | int]], order: Sequence[int]) -> list[int]:
    """Greedy maximal linearly independent subset of ``rows`` taken in ``order`` (exact).

    >>> independent_subset([(1, 1), (2, 2), (1, -1)], [1, 0, 2])
    [1, 2]
    """
    basis: list[tuple[list[Fraction], int]] = []  # reduced rows with their pivot column
    chosen: list[int] = []
    for j in order:
        r = [Fraction(x) for x in rows[j]]
        for b, c in basis:
            if r[c]:
                f = r[c] / b[c]
                r = [x - f * y for x, y in zip(r, b)]
        c = next((t for t, x in enumerate(r) if x), None)
        if c is not None:
            basis.append((r, c))
            chosen.append(j)
    return chosen


def inverse(A: Sequence[Sequence[Fraction | int]]) -> list[list[Fraction]]:
    """Exact inverse by Gauss–Jordan elimination over the rationals (``A`` must be invertible).

    >>> inverse([[2, 1], [1, 1]])
    [[Fraction(1, 1), Fraction(-1, 1)], [Fraction(-1, 1), Fraction(2, 1)]]
    """
    d = len(A)
    M = [[Fraction(v) for v in row] + [Fraction(int(i == j)) for j in range(d)]
         for i, row in enumerate(A)]
    for col in range(d):
        piv = next(i for i in range(col, d) if M[i][col] != 0)
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        M[col] = [v / p for v in M[col]]
        for i in range(d):
            if i != col and M[i][col] != 0:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[col])]
    return [row[d:] for row in M]


def pivot_columns(rows: Sequence[Sequence[int]]) -> list[int]:
    """Columns J, ``|J| = rank``, on which the integer ``rows`` keep their rank (sorted).

    Fraction-free elimination to an echelon basis: every basis vector vanishes at the pivots
    of the earlier ones, so the basis restricted to the pivot columns is triangular with a
    nonzero diagonal, and the rows restricted to J span ``Q^J``. Restricting to J is then
    injective on the row space: ``u ↦ (u_J, 0)`` realises every value of ``X u``
    (docs/MATH.md §2: the cones' lineality is ker X), which is what lets wide data (d ≫ n) be
    handled in ``rank`` coordinates.

    >>> pivot_columns([(0, 2, 4, 0), (0, 1, 2, 0)])
    [1]
    >>> pivot_columns([(1, 1, 0), (1, 1, 1), (2, 2, 1)])
    [0, 2]
    """
    basis: list[tuple[int, list[int]]] = []
    for vec in rows:
        basis = extend_basis(basis, vec)
    return sorted(p for p, _ in basis)


def pivot_rows(rows: Sequence[Sequence[int]]) -> list[int]:
    """Indices of a maximal independent subset of the integer ``rows``, greedily in order
    (fraction-free: integer arithmetic only, fast on long rows).

    >>> pivot_rows([(1, 2, 3), (2, 4, 6), (0, 1, 1)])
    [0, 2]
    """
    basis: list[tuple[int, list[int]]] = []
    chosen: list[int] = []
    for index, vec in enumerate(rows):
        extended = extend_basis(basis, vec)
        if len(extended) > len(basis):
            chosen.append(index)
        basis = extended
    return chosen


def extend_basis(basis: list[tuple[int, list[int]]], vec: Sequence[int]
                 ) -> list[tuple[int, list[int]]]:
    """``basis`` (echelon rows ``(pivot, row)``) with ``vec`` added if it is independent of it.

    Exact and fraction-free: ``vec`` is reduced against the rows and kept, with its first
    nonzero position as pivot, only if something is left; otherwise ``basis`` comes back as is.

    >>> b = extend_basis([], (1, 2, 3))
    >>> len(extend_basis(b, (2, 4, 6))), len(extend_basis(b, (0, 1, 1)))
    (1, 2)
    """
    v = _eliminate(basis, vec)
    p = next((i for i, x in enumerate(v) if x), None)
    return basis if p is None else [*basis, (p, v)]


def _eliminate(basis: list[tuple[int, list[int]]], vec: Sequence[int]) -> list[int]:
    # against an echelon basis whose vectors vanish at all earlier pivots (so no pivot refills)
    v = [int(x) for x in vec]
    for p, b in basis:
        if v[p]:
            bp, vp = b[p], v[p]
            v = [bp * x - vp * y for x, y in zip(v, b)]
            g = math.gcd(*v)
            if g > 1:
                v = [x // g for x in v]
    return v
