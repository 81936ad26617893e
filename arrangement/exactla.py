"""The project's one linear-algebra layer: exact over Q, plus the numeric LU of the Newton steps.

Exact part (every result a ``Fraction`` or an ``int``, never rounded):

- :func:`rref` (reduced row echelon form and pivot columns), :func:`rank`, :func:`nullspace`,
  :func:`null_vector`, :func:`solve` (square systems), :func:`inverse`, :func:`dot`,
  :func:`independent_subset` (greedy, in a given order), :func:`span_projector` and
  :func:`kernel_projector` (orthogonal projectors onto a span and onto its orthogonal
  complement);
- fraction-free integer routines: :func:`integer_solve` (Bareiss, with the determinant as common
  denominator), :func:`pivot_columns`, :func:`pivot_rows`, :func:`extend_basis`,
  :func:`integer_rank`.

Backend, chosen by measurement (README, *Dependencies*; benchmarks/RESULTS.md, *Exact linear
algebra backends*): python-flint's ``fmpq_mat`` when python-flint is installed (6–30x faster than
Fractions on the callers' 4x4 to 20x20 systems, conversion included), else hand-written Fraction
elimination. sympy's ``DomainMatrix`` over QQ was measured too: without FLINT it is within ±20% of
the Fraction code (slower on the 2x2–4x4 Gram systems that dominate the calls) and is not used.
Both backends give identical answers: RREF, rank, solutions, inverses and projectors are unique,
and :func:`nullspace` is built from the RREF in one fixed way. The fraction-free integer routines
stay hand-written (incremental bases; faster than either library on 40x5 and 160x3 integer rows).
``RELUCVX_LINALG=python`` in the environment (or :func:`use_backend`) forces the Fraction code.

Numeric part: :func:`lu_factor` / :func:`lu_solve`, LU with partial pivoting, generic in the
number type (floats, or mpmath ``mpf`` at any working precision); they only feed numeric guesses
that are re-checked exactly. mpmath's own ``mp.lu_solve`` measured 2.5x slower on 5x5 to 40x40
mpf systems (it builds ``matrix`` objects and refines the residual), so it is not used;
:func:`float_solve` is numpy's LAPACK solve for float systems.

>>> independent_subset([(1, 0), (2, 0), (0, 1)], [0, 1, 2])
[0, 2]
>>> rank([(1, 2), (2, 4)]), solve([[2, 0], [0, 4]], [1, 1])
(1, [Fraction(1, 2), Fraction(1, 4)])
"""

from __future__ import annotations

import contextlib
import math
import os
from collections.abc import Iterator, Sequence
from fractions import Fraction
from typing import Any, cast

__all__ = [
    "BACKENDS", "backend", "use_backend",
    "to_fractions", "rref", "rank", "nullspace", "null_vector", "solve", "inverse",
    "dot", "independent_subset", "span_projector", "kernel_projector",
    "integer_solve", "pivot_columns", "pivot_rows", "extend_basis", "integer_rank",
    "lu_factor", "lu_solve", "float_solve",
]

Number = Fraction | int
Matrix = Sequence[Sequence[Any]]

try:  # optional: python-flint (pip install relucvx[flint])
    import flint as _flint_module  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the installation
    _flint_module = None

#: The exact backends this installation can use, fastest first.
BACKENDS: tuple[str, ...] = ("flint", "python") if _flint_module is not None else ("python",)
_state = {"backend": BACKENDS[0] if os.environ.get("RELUCVX_LINALG", "") != "python"
          else "python"}


def backend() -> str:
    """The exact backend in use: ``"flint"`` (python-flint's ``fmpq_mat``) or ``"python"``.

    >>> backend() in BACKENDS
    True
    """
    return _state["backend"]


@contextlib.contextmanager
def use_backend(name: str) -> Iterator[None]:
    """Run a block with the exact backend ``name`` (one of :data:`BACKENDS`).

    >>> with use_backend("python"):
    ...     backend()
    'python'
    """
    if name not in BACKENDS:
        raise ValueError(f"linear-algebra backend {name!r} is not available (have {BACKENDS})")
    old = _state["backend"]
    _state["backend"] = name
    try:
        yield
    finally:
        _state["backend"] = old


def _flint() -> Any:
    return _flint_module if _state["backend"] == "flint" else None


def to_fractions(M: Matrix) -> list[list[Fraction]]:
    """``M`` as a fresh list of lists of ``Fraction`` (ints, Fractions or exact decimal text).

    >>> to_fractions([[1, "1/2"]])
    [[Fraction(1, 1), Fraction(1, 2)]]
    """
    return [[Fraction(x) for x in row] for row in M]


def _fmat(fl: Any, M: Sequence[Sequence[Fraction]], cols: int) -> Any:
    # fmpq_mat(r, c, entries) also accepts an empty matrix (r = 0 or c = 0)
    flat = [fl.fmpq(x.numerator, x.denominator) for row in M for x in row]
    return fl.fmpq_mat(len(M), cols, flat)


def _from_fmat(A: Any) -> list[list[Fraction]]:
    c = A.ncols()
    flat = [Fraction(int(x.p), int(x.q)) for x in A.entries()]
    return [flat[r * c:(r + 1) * c] for r in range(A.nrows())]


# -- exact, over Q -------------------------------------------------------------------------------
def rref(M: Matrix) -> tuple[list[list[Fraction]], list[int]]:
    """Reduced row echelon form of ``M`` (pivots 1, zero rows last) and its pivot columns.

    >>> R, piv = rref([[2, 4, 1], [1, 2, 3]])
    >>> [[str(x) for x in row] for row in R], piv
    ([['1', '2', '0'], ['0', '0', '1']], [0, 2])
    """
    A = to_fractions(M)
    if not A:
        return [], []
    n = len(A[0])
    fl = _flint()
    if fl is not None:
        R, r = _fmat(fl, A, n).rref()
        out = _from_fmat(R)
        piv = [next(j for j in range(n) if out[i][j]) for i in range(r)]
        return out, piv
    pivots: list[int] = []
    r = 0
    m = len(A)
    for col in range(n):
        p = next((i for i in range(r, m) if A[i][col]), None)
        if p is None:
            continue
        A[r], A[p] = A[p], A[r]
        pv = A[r][col]
        if pv != 1:
            A[r] = [v / pv for v in A[r]]
        Ar = A[r]
        for i in range(m):
            if i != r and A[i][col]:
                f = A[i][col]
                A[i] = [a - f * b if b else a for a, b in zip(A[i], Ar)]
        pivots.append(col)
        r += 1
        if r == m:
            break
    return A, pivots


def rank(M: Matrix) -> int:
    """Rank over Q of the rows of ``M``.

    >>> rank([(1, 2), (2, 4), (0, 1)]), rank([])
    (2, 0)
    """
    if not M or not len(M[0]):
        return 0
    fl = _flint()
    if fl is not None:
        return int(_fmat(fl, to_fractions(M), len(M[0])).rank())
    return len(rref(M)[1])


def nullspace(M: Matrix) -> list[list[Fraction]]:
    """A basis of ``{x : M x = 0}``: one vector per non-pivot column c of the RREF, with
    ``x_c = 1`` and zeros at the other non-pivot columns (so the basis is the same for every
    backend).

    >>> nullspace([[1, 1, 0], [0, 0, 1]])
    [[Fraction(-1, 1), Fraction(1, 1), Fraction(0, 1)]]
    """
    if not M:
        return []
    n = len(M[0])
    R, piv = rref(M)
    out = []
    for free in (c for c in range(n) if c not in piv):
        x = [Fraction(0)] * n
        x[free] = Fraction(1)
        for row, col in enumerate(piv):
            x[col] = -R[row][free]
        out.append(x)
    return out


def null_vector(vectors: Sequence[Sequence[Number]]) -> list[Fraction] | None:
    """A nonzero rational c with ``Σ_g c_g v_g = 0``, or None when the vectors are independent:
    the first :func:`nullspace` vector of the matrix whose columns are the vectors (the first
    free column gets coefficient 1).

    >>> null_vector([(1, 0), (0, 1), (1, 1)])
    [Fraction(-1, 1), Fraction(-1, 1), Fraction(1, 1)]
    >>> null_vector([(1, 0), (0, 1)]) is None
    True
    """
    if not vectors:
        return None
    cols = [list(col) for col in zip(*vectors)]
    if not cols:  # vectors of length 0: every one is zero
        return [Fraction(1)] + [Fraction(0)] * (len(vectors) - 1)
    basis = nullspace(cols)
    return basis[0] if basis else None


def solve(M: Matrix, b: Sequence[Number]) -> list[Fraction] | None:
    """The solution of the square system ``M x = b`` exactly, or None if ``M`` is singular.

    >>> solve([[1, 1], [1, -1]], [3, 1])
    [Fraction(2, 1), Fraction(1, 1)]
    >>> solve([[1, 1], [2, 2]], [1, 2]) is None
    True
    """
    k = len(M)
    if k == 0:
        return []
    fl = _flint()
    if fl is not None:
        A = _fmat(fl, to_fractions(M), k)
        try:
            x = A.solve(_fmat(fl, [[Fraction(v)] for v in b], 1))
        except ZeroDivisionError:
            return None
        return [row[0] for row in _from_fmat(x)]
    A = [[Fraction(v) for v in M[r]] + [Fraction(b[r])] for r in range(k)]
    for c in range(k):
        piv = next((r for r in range(c, k) if A[r][c] != 0), None)
        if piv is None:
            return None
        A[c], A[piv] = A[piv], A[c]
        pc = A[c][c]
        Ac = A[c]
        for r in range(c + 1, k):
            f = A[r][c]
            if f:
                f = f / pc
                Ar = A[r]
                for t in range(c, k + 1):
                    if Ac[t]:
                        Ar[t] -= f * Ac[t]
    x = [Fraction(0)] * k
    for r in range(k - 1, -1, -1):
        s = A[r][k] - sum((A[r][t] * x[t] for t in range(r + 1, k)), Fraction(0))
        x[r] = s / A[r][r]
    return x


def inverse(A: Matrix) -> list[list[Fraction]]:
    """Exact inverse over the rationals (``A`` must be invertible: ZeroDivisionError otherwise).

    >>> inverse([[2, 1], [1, 1]])
    [[Fraction(1, 1), Fraction(-1, 1)], [Fraction(-1, 1), Fraction(2, 1)]]
    """
    d = len(A)
    fl = _flint()
    if fl is not None:
        return _from_fmat(_fmat(fl, to_fractions(A), d).inv())
    M = [[Fraction(v) for v in row] + [Fraction(int(i == j)) for j in range(d)]
         for i, row in enumerate(A)]
    for col in range(d):
        piv = next((i for i in range(col, d) if M[i][col] != 0), None)
        if piv is None:
            raise ZeroDivisionError("singular matrix in inverse()")
        M[col], M[piv] = M[piv], M[col]
        p = M[col][col]
        M[col] = [v / p for v in M[col]]
        for i in range(d):
            if i != col and M[i][col] != 0:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[col])]
    return [row[d:] for row in M]


def independent_subset(rows: Sequence[Sequence[Number]], order: Sequence[int]) -> list[int]:
    """Greedy maximal linearly independent subset of ``rows`` taken in ``order`` (exact): the
    pivot columns of the matrix whose columns are those rows.

    >>> independent_subset([(1, 1), (2, 2), (1, -1)], [1, 0, 2])
    [1, 2]
    """
    order = list(order)
    if not order:
        return []
    fl = _flint()
    if fl is not None:
        cols = [list(c) for c in zip(*(rows[j] for j in order))]
        if not cols:
            return []
        return [order[c] for c in rref(cols)[1]]
    basis: list[tuple[list[Fraction], int]] = []  # reduced rows with their pivot column
    chosen: list[int] = []
    for j in order:
        r = [Fraction(x) for x in rows[j]]
        for b, c in basis:
            if r[c]:
                f = r[c] / b[c]
                r = [x - f * y for x, y in zip(r, b)]
        lead = next((t for t, x in enumerate(r) if x), None)
        if lead is not None:
            basis.append((r, lead))
            chosen.append(j)
    return chosen


def dot(a: Sequence[Number], b: Sequence[Number]) -> Fraction:
    """``a·b`` exactly (zero entries skipped: most rows here are sparse).

    >>> dot([Fraction(1, 2), 0, 3], [4, 5, Fraction(1, 3)])
    Fraction(3, 1)
    """
    return cast(Fraction, sum((x * y for x, y in zip(a, b) if x and y), Fraction(0)))


def span_projector(rows: Sequence[Sequence[Number]], d: int) -> list[list[Fraction]]:
    """The orthogonal projector ``Bᵀ(BBᵀ)⁻¹B`` onto the span of ``rows`` in ``Q^d`` (B an
    independent subset of the rows), exactly.

    >>> span_projector([(1, 1), (2, 2)], 2)
    [[Fraction(1, 2), Fraction(1, 2)], [Fraction(1, 2), Fraction(1, 2)]]
    """
    R = to_fractions(rows)
    B = [R[k] for k in independent_subset(R, range(len(R)))]
    if not B:
        return [[Fraction(0)] * d for _ in range(d)]
    G = [[dot(a, b) for b in B] for a in B]
    # P = Bᵀ Z with Z = G⁻¹ B
    Z = [[sum((g * Bt[c] for g, Bt in zip(Gi, B) if g), Fraction(0)) for c in range(d)]
         for Gi in inverse(G)]
    return [[sum((B[k][r] * Z[k][c] for k in range(len(B))), Fraction(0)) for c in range(d)]
            for r in range(d)]


def kernel_projector(rows: Sequence[Sequence[Number]], d: int) -> list[list[Fraction]]:
    """The orthogonal projector ``I − Bᵀ(BBᵀ)⁻¹B`` onto ``{u : a·u = 0 for every row a}``.

    >>> kernel_projector([(1, 0)], 2)
    [[Fraction(0, 1), Fraction(0, 1)], [Fraction(0, 1), Fraction(1, 1)]]
    """
    P = span_projector(rows, d)
    return [[int(r == c) - P[r][c] for c in range(d)] for r in range(d)]


# -- exact, fraction-free on integers ------------------------------------------------------------
def integer_solve(M: Sequence[Sequence[int]], b: Sequence[int]) -> tuple[list[int], int] | None:
    """Integers ``(x, D)``, ``D > 0``, with ``M (x/D) = b`` for an integer d × t matrix ``M`` of
    full column rank t, or None (dependent columns, or ``b`` outside their span).

    Fraction-free (Bareiss) elimination with row pivoting: integer arithmetic only; ``D`` is
    ``±`` the determinant of the chosen t × t minor, and ``D x`` is integral (Cramer), so the
    back-substitution divides exactly. The identity is re-checked on all d rows at the end.

    >>> integer_solve([[2, 0], [0, 3], [2, 3]], [1, 1, 2])
    ([3, 2], 6)
    >>> integer_solve([[1], [1]], [1, 2]) is None
    True
    """
    d = len(b)
    t = len(M[0]) if d else 0
    if t == 0:
        return ([], 1) if not any(b) else None
    R = [[int(v) for v in M[i]] + [int(b[i])] for i in range(d)]
    prev = 1
    for c in range(t):
        piv = next((r for r in range(c, d) if R[r][c] != 0), None)
        if piv is None:  # the columns are linearly dependent
            return None
        R[c], R[piv] = R[piv], R[c]
        p = R[c][c]
        for r in range(c + 1, d):
            a = R[r][c]
            R[r] = [(p * R[r][k] - a * R[c][k]) // prev for k in range(t + 1)]
        prev = p
    D = R[t - 1][t - 1]
    x = [0] * t
    for i in range(t - 1, -1, -1):
        q, rem = divmod(D * R[i][t] - sum(R[i][j] * x[j] for j in range(i + 1, t)), R[i][i])
        if rem:  # cannot happen by Cramer; refuse rather than trust it
            return None
        x[i] = q
    if D < 0:
        D, x = -D, [-v for v in x]
    for i in range(d):
        if sum(v * int(M[i][j]) for j, v in enumerate(x)) != D * int(b[i]):
            return None
    return x, D


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


def integer_rank(rows: Sequence[Sequence[int]]) -> int:
    """Rank over Q of integer rows, by fraction-free elimination.

    >>> integer_rank([(1, 2, 3), (2, 4, 6), (0, 1, 1)])
    2
    """
    basis: list[tuple[int, list[int]]] = []
    for vec in rows:
        basis = extend_basis(basis, vec)
    return len(basis)


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


# -- numeric (floats or mpmath mpf): guesses only ------------------------------------------------
def lu_factor(M: Sequence[Sequence[Any]]) -> tuple[list[list[Any]], list[int]]:
    """LU factorisation with partial pivoting of a list-of-lists matrix of floats or mpf
    (ZeroDivisionError on an exactly zero pivot). Feeds :func:`lu_solve`.

    >>> lu_solve(lu_factor([[0.0, 2.0], [4.0, 0.0]]), [2.0, 8.0])
    [2.0, 1.0]
    """
    n = len(M)
    A = [list(row) for row in M]
    perm = list(range(n))
    for c in range(n):
        piv = max(range(c, n), key=lambda r: abs(A[r][c]))
        if A[piv][c] == 0:
            raise ZeroDivisionError("singular matrix in the Newton refinement")
        A[c], A[piv] = A[piv], A[c]
        perm[c], perm[piv] = perm[piv], perm[c]
        inv = 1 / A[c][c]
        Ac = A[c]
        for r in range(c + 1, n):
            f = A[r][c] * inv
            if f:
                Ar = A[r]
                Ar[c] = f
                for t in range(c + 1, n):
                    Ar[t] -= f * Ac[t]
            else:
                A[r][c] = f
    return A, perm


def lu_solve(LU: tuple[list[list[Any]], list[int]], b: Sequence[Any]) -> list[Any]:
    """Solve ``M x = b`` from ``LU = lu_factor(M)``, in the number type of the factors.

    >>> import mpmath
    >>> with mpmath.workdps(30):
    ...     x = lu_solve(lu_factor([[mpmath.mpf(3)]]), [mpmath.mpf(1)])
    ...     print(x[0])
    0.333333333333333333333333333333
    """
    A, perm = LU
    n = len(A)
    x = [b[perm[r]] for r in range(n)]
    for r in range(n):
        Ar = A[r]
        x[r] = x[r] - sum(Ar[t] * x[t] for t in range(r))
    for r in range(n - 1, -1, -1):
        Ar = A[r]
        x[r] = (x[r] - sum(Ar[t] * x[t] for t in range(r + 1, n))) / Ar[r]
    return x


def float_solve(M: Sequence[Sequence[float]], b: Sequence[float]) -> list[float]:
    """``M x = b`` in floats by numpy's LAPACK solve (LinAlgError when singular).

    >>> float_solve([[2.0, 0.0], [0.0, 4.0]], [1.0, 1.0])
    [0.5, 0.25]
    """
    import numpy as np

    return [float(v) for v in np.linalg.solve(np.asarray(M, dtype=float),
                                               np.asarray(b, dtype=float))]
