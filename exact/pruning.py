"""Exact Carathéodory pruning of a convex point (docs/MATH.md §7 "Pruning", §6 ``m* ≤ n + 1``).

Given rational groups ``W = {(i, s): w}`` with ``w ∈ C_i``, write ``F_g = s D_i X w_g`` for the
*fit* of group g (its contribution to the prediction, docs/MATH.md §4). While the fits of the
nonzero
groups are linearly dependent, take an exact rational null vector c (``Σ_g c_g F_g = 0``, found by
fraction elimination), orient it so that ``Σ_g c_g ‖w_g‖ ≥ 0`` and at least one ``c_g > 0``, and
make the standard Carathéodory step

    t = min_{c_g > 0} 1 / c_g,        w_g ← (1 − t c_g) w_g.

Then (*derived*; every claim below is checked exactly by :func:`prune_with_record`):

* every factor ``1 − t c_g`` is ``≥ 0``, so each ``w_g`` stays in its closed cone ``C_i``;
* the fit is unchanged: ``Σ (1 − t c_g) F_g = Σ F_g − t Σ c_g F_g = Σ F_g``;
* the group attaining the minimum vanishes, so the loop ends after at most ``#groups`` steps with
  linearly independent fits: at most ``rank(fits) ≤ n`` nonzero groups remain (fits are masked
  by the patterns, so ``rank X`` is no bound);
* the penalty is *linear in the scales* along the step: ``‖(1 − t c_g) w_g‖ = (1 − t c_g)‖w_g‖``
  because the factor is nonnegative, so it changes by ``−β t Σ c_g ‖w_g‖ ≤ 0`` (the orientation).
  Hence pruning never increases the convex objective ``L^c``, for *any* feasible W.
* At an optimum it changes nothing: with ``v* = y − ŷ*``, every optimal group is
  ``w_g = ρ_g q_g`` with ``q_g = Π_{C_i}(s XᵀD_i v*)``, ``‖q_g‖ = β`` (docs/MATH.md §7, "Optimal
  set"),
  so ``v*ᵀF_g = ρ_g q_gᵀ(s XᵀD_i v*) = ρ_g ‖q_g‖² = β ‖w_g‖`` and therefore
  ``β Σ c_g ‖w_g‖ = v*ᵀ Σ c_g F_g = 0``: the penalty is exactly unchanged and the pruned point is
  again optimal (this is the argument of Wang, Lacotte & Pilanci 2022, arXiv:2006.05900, for
  ``m* ≤ n + 1``, poster seed 004; for the squared loss it gives ``m* ≤ n``).

The orientation needs the sign of ``Σ c_g ‖w_g‖``, a sum of square roots: it is decided with
rational enclosures of the norms at growing precision and, when those cannot separate it from 0,
exactly with :func:`exact.network.sign` (sympy minimal polynomials). So no step rests on floats.

>>> from exact.convex import ConvexProgram
>>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
>>> half = (Fraction(1, 2), Fraction(0))          # u = (1, 0) lies on the boundary of 2 chambers
>>> W = {(i, 1): half for i in range(cp.p) if cp.in_cone(i, half)}
>>> len(W), len(prune(W, cp)), cp.prediction(prune(W, cp)) == cp.prediction(W)
(2, 1, True)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from arrangement.exactla import Number, null_vector, rank
from exact.types import Group, Vec

if TYPE_CHECKING:  # annotations only: exact.convex imports numpy and the loss registry
    from exact.convex import ConvexProgram

#: ``null_vector`` and ``rank`` are re-exported from arrangement/exactla.py (the one LA layer)
__all__ = ["PruneResult", "PruneStep", "norm_enclosure", "null_vector", "penalty_enclosure",
           "prune", "prune_with_record", "rank", "rational_null_vector", "sign_weighted_norms"]


def norm_enclosure(w: Sequence[Fraction], bits: int = 128) -> tuple[Fraction, Fraction]:
    """Rationals ``lo ≤ ‖w‖ ≤ hi`` at most ``2^-bits`` apart (equal when ‖w‖ is rational).

    >>> norm_enclosure((Fraction(3), Fraction(4)))
    (Fraction(5, 1), Fraction(5, 1))
    >>> lo, hi = norm_enclosure((1, 1), bits=10); lo < 2 ** 0.5 < hi
    True
    """
    q = sum((Fraction(x) ** 2 for x in w), Fraction(0))
    a, b = q.numerator, q.denominator
    ra, rb = math.isqrt(a), math.isqrt(b)
    if ra * ra == a and rb * rb == b:
        return Fraction(ra, rb), Fraction(ra, rb)
    f = math.isqrt(a * 4**bits // b)
    return Fraction(f, 2**bits), Fraction(f + 1, 2**bits)


def sign_weighted_norms(c: Sequence[Fraction], ws: Sequence[Sequence[Fraction]]) -> int:
    """Exact ``sign(Σ c_g ‖w_g‖)``: rational enclosures first, sympy's exact sign last.

    >>> F = Fraction
    >>> sign_weighted_norms([F(1), F(-1)], [(F(3), F(4)), (F(5),)])   # 5 − 5
    0
    >>> sign_weighted_norms([F(1), F(-1)], [(F(1), F(1)), (F(7, 5),)])  # √2 > 1.4
    1
    """
    for bits in (64, 256, 1024):
        lo = hi = Fraction(0)
        for ck, w in zip(c, ws):
            a, b = norm_enclosure(w, bits)
            lo += ck * (a if ck > 0 else b)
            hi += ck * (b if ck > 0 else a)
        if lo > 0:
            return 1
        if hi < 0:
            return -1
    from exact.network import add, exact_sqrt, mul, sign

    total = Fraction(0)
    for ck, w in zip(c, ws):
        if ck:
            total = add(total, mul(ck, exact_sqrt(sum((x * x for x in w), Fraction(0)))))
    return sign(total)


def _fit(program: ConvexProgram, g: Group, w: Vec) -> Vec:
    return tuple(program.fit(g[0], g[1], w))


def _scaled(v: Sequence[Number]) -> tuple[int, list[int]]:
    # v = u / L with u integer (L > 0 the lcm of the denominators)
    q = [Fraction(x) for x in v]
    L = math.lcm(*(x.denominator for x in q)) if q else 1
    return L, [x.numerator * (L // x.denominator) for x in q]


def _integer_rank(vectors: Sequence[Sequence[Number]]) -> int:
    # exactla.rank, fraction-free on the vectors scaled to integers
    from arrangement.exactla import integer_rank

    return integer_rank([_scaled(v)[1] for v in vectors]) if vectors else 0


def rational_null_vector(vectors: Sequence[Sequence[Number]]) -> list[Fraction] | None:
    """The null vector of :func:`arrangement.exactla.null_vector` (``Σ_g c_g v_g = 0``, the
    first free column of the RREF with coefficient 1; None when the vectors are independent),
    computed fraction-free: each vector is scaled to integers, the first one dependent on those
    before it is found by integer elimination, and its coefficients by one integer solve
    (:func:`arrangement.exactla.integer_solve`, Cramer, re-checked on every coordinate).

    That first free column c is the first vector dependent on its predecessors (all earlier
    columns are pivots), so ``c_c = 1`` and the earlier coefficients are unique: the same
    vector as the RREF's, without its Fraction arithmetic (most of the pruning's time).

    >>> rational_null_vector([(1, 0), (0, 1), (1, 1)])
    [Fraction(-1, 1), Fraction(-1, 1), Fraction(1, 1)]
    >>> rational_null_vector([(Fraction(1, 2), 0), (0, 1)]) is None
    True
    >>> rational_null_vector([(0, 0), (1, 2)])
    [Fraction(1, 1), Fraction(0, 1)]
    """
    from arrangement.exactla import extend_basis, integer_solve

    if not vectors:
        return None
    scaled = [_scaled(v) for v in vectors]
    if not scaled[0][1]:  # vectors of length 0: every one is zero
        return [Fraction(1)] + [Fraction(0)] * (len(vectors) - 1)
    basis: list[tuple[int, list[int]]] = []
    for c, (Lc, uc) in enumerate(scaled):
        grown = extend_basis(basis, uc)
        if len(grown) > len(basis):
            basis = grown
            continue
        out = [Fraction(0)] * len(vectors)
        out[c] = Fraction(1)
        if c:
            # u_c = Σ_j (x_j / D) u_j, u_j = L_j v_j: v_c = Σ_j x_j L_j / (D L_c) v_j
            M = [[scaled[j][1][r] for j in range(c)] for r in range(len(uc))]
            sol = integer_solve(M, uc)
            if sol is None:  # pragma: no cover - the earlier columns are independent
                raise ArithmeticError("a dependent vector outside the span of its predecessors")
            x, D = sol
            for j in range(c):
                out[j] = Fraction(-x[j] * scaled[j][0], D * Lc)
        return out
    return None


# -- pruning --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PruneStep:
    """One Carathéodory step: the groups it saw (sorted), the null vector c (rational, oriented:
    ``Σ c_g ‖w_g‖ ≥ 0``), the step t and the group(s) that vanished."""

    groups: tuple[Group, ...]
    c: tuple[Fraction, ...]
    t: Fraction
    removed: tuple[Group, ...]
    penalty_sign: int  # sign of Σ c_g ‖w_g‖: 0 keeps the penalty, 1 lowers it


@dataclass
class PruneResult:
    """Result of :func:`prune_with_record`: the pruned groups and the exact record.

    ``fit_preserved`` (checked exactly), ``in_cones`` (every pruned group still in its cone),
    ``penalty_not_increased`` (every step had ``Σ c_g ‖w_g‖ ≥ 0``, decided exactly, so
    ``Σ‖w_g‖`` did not increase), ``rank`` (exact rank of the final fits, ``= len(groups)``).
    """

    groups: dict[Group, Vec]
    steps: list[PruneStep] = field(default_factory=list)
    fit_preserved: bool = True
    in_cones: bool = True
    penalty_not_increased: bool = True
    rank: int = 0

    @property
    def null_vectors(self) -> list[tuple[Fraction, ...]]:
        """The rational null vectors used, one per step."""
        return [s.c for s in self.steps]


def prune_with_record(groups: Mapping[Group, Sequence[Number]], program: ConvexProgram
                      ) -> PruneResult:
    """Carathéodory pruning (module docstring) with the null vectors used and exact checks.

    ``program`` is an :class:`exact.convex.ConvexProgram` (for ``fit`` and ``in_cone``).
    Zero groups are dropped first. The result has linearly independent fits, hence at most
    ``n`` groups; its fit equals the input's exactly, and ``Σ‖w_g‖`` did not increase
    (unchanged when the input was optimal, docs/MATH.md §7).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> e = (Fraction(1), Fraction(1))
    >>> W = {(i, 1): e for i in range(cp.p) if cp.in_cone(i, e)}
    >>> r = prune_with_record(W, cp); len(r.groups), r.fit_preserved, r.null_vectors
    (1, True, [])

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; poster (seed 004).
    """
    W: dict[Group, Vec] = {}
    for k, w in groups.items():
        wv = tuple(Fraction(x) for x in w)
        if any(wv):
            W[(int(k[0]), int(k[1]))] = wv
    W0 = W
    steps: list[PruneStep] = []
    ok_pen = True
    fits: list[Vec] = []
    while W:
        keys = sorted(W)
        fits = [_fit(program, k, W[k]) for k in keys]
        c = rational_null_vector(fits)
        if c is None:
            break
        sgn = sign_weighted_norms(c, [W[k] for k in keys])
        # orientation: Σ c_g ‖w_g‖ ≥ 0 makes the step non-increasing in the penalty; when the sum
        # is 0 either orientation works, and one with a positive entry exists (c ≠ 0)
        if sgn < 0 or (sgn == 0 and max(c) <= 0):
            c = [-x for x in c]
            sgn = -sgn
        ok_pen &= sgn >= 0
        t = min(1 / x for x in c if x > 0)
        new: dict[Group, Vec] = {}
        removed = []
        for ck, k in zip(c, keys):
            f = 1 - t * ck
            if f < 0:  # pragma: no cover - impossible by the choice of t
                raise ArithmeticError("negative Carathéodory factor")
            if f == 0:
                removed.append(k)
            else:
                new[k] = tuple(f * x for x in W[k])
        steps.append(PruneStep(tuple(keys), tuple(c), t, tuple(removed), sgn))
        W = new
    # without a step W is the input itself, its fits the last ones computed and independent
    # (no null vector): the fit is preserved and the rank is their number without recomputing
    # them (the recomputation was most of a small solve's pruning, already independent)
    return PruneResult(
        groups=W, steps=steps,
        fit_preserved=not steps or program.prediction(W) == program.prediction(W0),
        in_cones=all(program.in_cone(i, w) for (i, _s), w in W.items()),
        penalty_not_increased=ok_pen,
        rank=len(fits) if W and len(fits) == len(W) and not steps else _integer_rank(
            [_fit(program, k, w) for k, w in W.items()]),
    )


def prune(groups: Mapping[Group, Sequence[Number]], program: ConvexProgram) -> dict[Group, Vec]:
    """Carathéodory pruning (docs/MATH.md §7): same fit exactly, penalty not increased, at most
    ``n`` nonzero groups; see :func:`prune_with_record` for the record.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1], [1, 1]], [1, 1, 2], "1/10")
    >>> W = {(i, 1): (Fraction(1, 2), Fraction(1, 2)) for i in range(cp.p)
    ...      if cp.signs[i] == (1, 1, 1)}
    >>> W[next(iter(W))] = (Fraction(1), Fraction(1))
    >>> len(prune(W, cp)) <= 3
    True

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; poster (seed 004).
    """
    return prune_with_record(groups, program).groups


def penalty_enclosure(groups: Mapping[Group, Sequence[Fraction]], bits: int = 128
                      ) -> tuple[Fraction, Fraction]:
    """Rationals ``lo ≤ Σ_g ‖w_g‖ ≤ hi`` (multiply by β for the penalty).

    >>> penalty_enclosure({(0, 1): (3, 4), (1, -1): (0, 1)})
    (Fraction(6, 1), Fraction(6, 1))
    """
    lo = hi = Fraction(0)
    for w in groups.values():
        a, b = norm_enclosure(w, bits)
        lo, hi = lo + a, hi + b
    return lo, hi
