"""Wide data (d ≫ n): the convex program solved in O(rank) coordinates, exactly.

**Theorem.** Let ``X ∈ Q^{n×d}`` have rank r, let the rows of ``B ∈ Q^{r×d}`` be a basis of its
row space, ``G = B Bᵀ`` and ``X = X_c B`` (``X_c = X Bᵀ G⁻¹``). Let ``C ∈ Q^{k×r}`` satisfy
``Cᵀ C = G`` and put ``X_red = X_c Cᵀ ∈ Q^{n×k}``. Then the convex program of docs/MATH.md §4
(and the training problem of §1) has the same optimal value on ``(X, y, β)`` and on
``(X_red, y, β)``, for every convex loss; and ``u' ↦ M u'`` with ``M = Bᵀ G⁻¹ Cᵀ`` maps a
network for ``X_red`` to a network for X with the same output and no larger objective.

*Proof.* (1) For any u, write ``u = u_R + u_K`` with ``u_R`` in the row space R of X and
``u_K ∈ ker X``. Then ``X u = X u_R``, ``‖u_R‖ ≤ ‖u‖``, and ``u_R`` lies in every chamber cone
that u lies in, because each cone's lineality space is ker X (docs/MATH.md §2). So replacing
every group ``w_{i,s}`` (or every neuron ``u_k``) by its component in R keeps feasibility and
the prediction and does not increase the objective: the value over ``R^d`` equals the value
over R. The same holds for ``X_red`` and its row space ``R' = image(C)`` (``X_red = X_c Cᵀ`` has
rank r, its rows lie in ``image(C)`` of dimension r). (2) ``T: R → R'``, ``Bᵀ z ↦ C z`` is a linear
isometry: ``‖Bᵀ z‖² = zᵀ G z = zᵀ Cᵀ C z = ‖C z‖²``. It preserves the data map,
``X Bᵀ z = X_c G z = X_c Cᵀ C z = X_red C z``, and it maps the chamber cones of X (intersected
with R) onto those of ``X_red`` (intersected with R'), since a point's sign vector is a function of
its data image. So the programs restricted to R and R' are the same program, and by (1) the
values agree. (3) For any u', ``X M u' = X_c G G⁻¹ Cᵀ u' = X_red u'`` and
``‖M u'‖² = u'ᵀ C G⁻¹ Cᵀ u' = ‖P u'‖² ≤ ‖u'‖²``, where ``P = C G⁻¹ Cᵀ`` is the orthogonal
projector onto ``image(C)`` (``P² = P = Pᵀ`` because ``CᵀC = G``). ∎

A naive reduction ``X = X_c B`` with a rational, non-orthonormal basis B would *change* the
value, since ``‖Bᵀ z‖ ≠ ‖z‖``; an orthonormal basis is irrational in general. ``C`` is rational:
``G = L D Lᵀ`` (exact LDLᵀ, ``D_i > 0``), each ``D_i`` a sum of at most four rational squares
(Lagrange: ``p/q = (pq)/q²``), so ``k ≤ 4r`` and ``zᵀGz = Σ_i Σ_t (a_{it} (Lᵀz)_i)²``.

>>> red = reduce_to_row_space([[1, 1, 1, 1], [1, 1, 1, 1]])
>>> red.X, red.k
(((Fraction(2, 1),), (Fraction(2, 1),)), 1)
>>> red.lift_vector([Fraction(1)])
(Fraction(1, 2), Fraction(1, 2), Fraction(1, 2), Fraction(1, 2))
"""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from arrangement.exactla import inverse, pivot_rows
from arrangement.rational import to_matrix
from exact.network import Network, Neuron

__all__ = ["RowSpaceReduction", "chamber_map", "four_squares", "reduce_to_row_space",
           "wide_reduction"]


def four_squares(q: Fraction) -> tuple[Fraction, ...]:
    """Rationals ``a_t`` (at most four, all nonzero) with ``Σ a_t² = q``, for ``q > 0``.

    >>> four_squares(Fraction(9, 4)), four_squares(Fraction(2))
    ((Fraction(3, 2),), (Fraction(1, 1), Fraction(1, 1)))
    >>> sum(a * a for a in four_squares(Fraction(7, 3))) == Fraction(7, 3)
    True
    """
    p, s = q.numerator, q.denominator
    if p <= 0:
        raise ValueError("four_squares needs q > 0")
    m = p * s  # q = (p s) / s²
    root = math.isqrt(m)
    if root * root == m:
        return (Fraction(root, s),)
    from sympy.solvers.diophantine.diophantine import sum_of_four_squares

    parts = sorted((int(t) for t in sum_of_four_squares(m) if t), reverse=True)
    return tuple(Fraction(t, s) for t in parts)


def _ldl(G: list[list[Fraction]]) -> tuple[list[list[Fraction]], list[Fraction]]:
    """``G = L D Lᵀ`` for a positive definite rational G (L unit lower triangular)."""
    r = len(G)
    L = [[Fraction(int(i == j)) for j in range(r)] for i in range(r)]
    D: list[Fraction] = []
    for j in range(r):
        D.append(G[j][j] - sum(L[j][t] ** 2 * D[t] for t in range(j)))
        for i in range(j + 1, r):
            L[i][j] = (G[i][j] - sum(L[i][t] * L[j][t] * D[t] for t in range(j))) / D[j]
    return L, D


@dataclass(frozen=True)
class RowSpaceReduction:
    """``X_red`` (n × k) with the same convex program as X (see the module's theorem), and
    ``M`` (d × k) mapping a network of ``X_red`` back to one of X."""

    X: tuple[tuple[Fraction, ...], ...]
    #: the columns of M, column t as (integer vector of length d, positive denominator)
    M: tuple[tuple[tuple[int, ...], int], ...]
    d: int

    @property
    def k(self) -> int:
        """The reduced dimension (``rank ≤ k ≤ 4 rank``)."""
        return len(self.M)

    def lift_vector(self, u: Sequence[int | Fraction | str]) -> tuple[Fraction, ...]:
        """``M u`` for rational u: a point of R^k as a point of R^d with the same data image."""
        # integer arithmetic with one common denominator: d Fractions are built once, at the end
        coef = [Fraction(c) / den for c, (_, den) in zip(u, self.M)]
        common = math.lcm(*(c.denominator for c in coef)) if coef else 1
        out = [0] * self.d
        for c, (col, _) in zip(coef, self.M):
            if c:
                m = c.numerator * (common // c.denominator)
                out = [a + m * b for a, b in zip(out, col)]
        return tuple(Fraction(a, common) for a in out)

    def lift_network(self, net: Network) -> Network:
        """The network of X with the same output as ``net`` on ``X_red``, objective no larger.

        >>> red = reduce_to_row_space([[1, 1, 1, 1]])
        >>> red.lift_network(Network.from_lists([((2,), 1)])).neurons[0].u
        (Fraction(1, 1), Fraction(1, 1), Fraction(1, 1), Fraction(1, 1))
        """
        if not net.is_rational:
            raise ValueError("lift_network needs a rational network")
        return Network(tuple(Neuron(self.lift_vector(nr.u), nr.alpha) for nr in net.neurons))


def reduce_to_row_space(X: Sequence[Sequence[object]]) -> RowSpaceReduction:
    """The isometric reduction of the module's theorem (exact; ``X ≠ 0``).

    >>> X = [[1, 2, 0, 0, 0, 0], [0, 1, 1, 0, 0, 0]]
    >>> red = reduce_to_row_space(X)
    >>> red.k <= 8, len(red.X[0]) == red.k
    (True, True)
    >>> from arrangement.core import Arrangement
    >>> len(Arrangement(red.X).chambers()) == len(Arrangement(X).chambers())
    True
    """
    # integer rows: row i of X is scale[i] * P[i]; the basis B is made of integer rows P
    Xf = [[Fraction(v) for v in row] for row in to_matrix(X)]
    n, d = len(Xf), len(Xf[0])
    scale, P = [], []
    for row in Xf:
        den = math.lcm(*(v.denominator for v in row))
        P.append([int(v * den) for v in row])
        scale.append(Fraction(1, den))
    basis_rows = [P[i] for i in pivot_rows(P)]
    if not basis_rows:
        raise ValueError("reduce_to_row_space needs a nonzero X")
    B = basis_rows
    r = len(B)

    def idot(a: list[int], b: list[int]) -> int:
        return sum(map(operator.mul, a, b))

    G = [[Fraction(idot(B[i], B[j])) for j in range(r)] for i in range(r)]
    Ginv = inverse(G)
    XBt = [[scale[i] * idot(P[i], B[j]) for j in range(r)] for i in range(n)]
    Xc = [[sum(XBt[i][t] * Ginv[t][j] for t in range(r)) for j in range(r)] for i in range(n)]
    L, D = _ldl(G)
    # rows of C: a_{it} · (row i of Lᵀ) = a_{it} · (column i of L)
    C: list[list[Fraction]] = []
    for i in range(r):
        for a in four_squares(D[i]):
            C.append([a * L[j][i] for j in range(r)])
    k = len(C)
    Xred = tuple(tuple(sum((Xc[i][j] * C[t][j] for j in range(r)), Fraction(0)) for t in range(k))
                 for i in range(n))
    # M = Bᵀ G⁻¹ Cᵀ, column t = Bᵀ z_t with z_t = G⁻¹ C[t], kept as integers over a denominator
    cols = []
    for t in range(k):
        z = [sum(Ginv[i][j] * C[t][j] for j in range(r)) for i in range(r)]
        den = math.lcm(*(q.denominator for q in z))
        col = [0] * d
        for i in range(r):
            if z[i]:
                m = int(z[i] * den)
                col = [a + m * b for a, b in zip(col, B[i])]
        cols.append((tuple(col), den))
    return RowSpaceReduction(X=Xred, M=tuple(cols), d=d)


#: Reduce only when d is at least this large and at least WIDE_FACTOR times the rank: the
#: reduced dimension k can reach 4 rank, so narrower data gains nothing.
WIDE_MIN_D = 64
WIDE_FACTOR = 8


def wide_reduction(X: Sequence[Sequence[object]], rank: int) -> RowSpaceReduction | None:
    """:func:`reduce_to_row_space` when X is wide (``d ≥ 64`` and ``d ≥ 8 rank``), else None.

    >>> wide_reduction([[1, 2], [3, 4]], 2) is None
    True
    >>> wide_reduction([[1] * 100], 1).k
    1
    """
    d = len(X[0])
    if rank == 0 or d < WIDE_MIN_D or d < WIDE_FACTOR * rank:
        return None
    return reduce_to_row_space(X)


def chamber_map(source, target) -> list[int]:
    """For two arrangements with the same sign vectors (X and its reduction), the index in
    ``target`` of each chamber of ``source``.

    >>> from arrangement.core import Arrangement
    >>> X = [[1] * 64, [1, -1] * 32]
    >>> a, b = Arrangement(X), Arrangement(reduce_to_row_space(X).X)
    >>> sorted(chamber_map(b, a)) == list(range(4))
    True
    """
    import numpy as np

    S = source.chambers().signs  # p × n row signs, the same sign vectors in both
    reps = [c.rows[0] for c in target.classes]
    ori = np.array([target.row_orientation[j] for j in reps], dtype=np.int8)
    class_signs = S[:, reps] * ori if reps else S[:, :0]
    return [int(i) for i in target.index_of(class_signs)]
