"""The exact dual pass on int64 intervals of ``H = den · XᵀD_i v``: exact projections only near
the top.

For a rational dual point v, every group ``(i, s)`` needs ``t = ‖Π_{C_i}(s XᵀD_i v)‖²`` bounded
(docs/MATH.md §7). :func:`interval_dual_pieces` projects exactly only the groups that can reach
the largest t and proves every other one below it by a Moreau bound ``‖g + Aᵀλ‖²`` whose
multipliers are checked exactly on int64 intervals of H (:class:`IntervalH`), or in Python
integers near the threshold. ``check`` uses it (through :func:`exact.certify.dual_pass`,
which falls back on the general :func:`exact.certify.dual_pieces` when the numbers do not
fit), and so does solve's lower bound, which hands it the float multipliers its numeric
guess's screens kept (``warm``), tried before any descent of its own.

Reference: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900 (seed 000), for the dual.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING

from arrangement.intmat import round_limb_sums
from exact.convex import ConvexProgram
from exact.nnls import batched_nnls, count_sliced_descent
from exact.projection import FaceCache, ProjectionCertificate, integer_projection
from exact.screen import TINY, UNIT_ROUNDOFF, Dismissals, ViolationState, join_rows
from exact.types import Group, Vec

if TYPE_CHECKING:
    import numpy as np

#: sweeps of the polar descent before the warm-started NNLS (measured on (40, 4) at solve's
#: optimum, from the best single facet's step: 3 sweeps prove 24101 of the 31190 groups the
#: norm and single facets leave, and NNLS proves 6756 of the other 7091)
_SWEEPS = 3
#: the facet counts where the groups of the descent are sliced (arrays as wide as each slice's
#: largest count)
_SLICES = (6, 9)

__all__ = ["DualPieces", "IntervalH", "ScaledDismissals", "dyadic_ratios", "face_cache",
           "float_bound_proven", "interval_dual_pieces"]

@dataclass
class DualPieces:
    """The exact ingredients of the dual bound at ``v`` (docs/MATH.md §7).

    ``certs[(i, s)]`` / ``ts[(i, s)] = ‖Π_{C_i}(g)‖²`` for the groups that were projected.
    ``bounds[(i, s)] = λ`` for groups settled by a cheaper bound: by Moreau's decomposition
    ``‖Π_C(g)‖ = min_{λ ≥ 0} ‖g + Aᵀλ‖`` (distance from g to the polar cone ``{−Aᵀλ}``), so
    *any* ``λ ≥ 0`` gives ``t ≤ ‖g + Aᵀλ‖²``. Groups in neither dict are bounded by ``‖g‖²``
    (λ = 0). Every such bound is at most ``max(floor, max(ts))``; with ``floor = 0`` the
    largest ``t`` is therefore exact.
    """

    certs: dict[Group, ProjectionCertificate]
    ts: dict[Group, Fraction]
    h: list[Vec]
    norms: list[Fraction]
    bounds: Mapping[Group, tuple[Fraction, ...]] = field(default_factory=dict)

    @property
    def tmax(self) -> Fraction:
        return max(self.ts.values(), default=Fraction(0))


#: rows per block of :meth:`IntervalH.proven`'s float product (its m × f × d gather of the facet
#: rows is made one block at a time)
_PROVEN_BLOCK = 8192
#: rows per block of the pass's first float bounds
_BOUND_ROWS = 16384


def _patterns_float(cp: ConvexProgram, P: np.ndarray) -> np.ndarray:
    """The program's 0/1 patterns ``P`` (p × rows) in floats, once per program: the screens'
    ``facet_arrays(cp).P`` when that is built (the same numbers: ``cp.patterns`` as floats), so
    that the program holds one p × rows float copy, not two (56 MiB each at (40, 5)).

    >>> import numpy as np
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> P = np.asarray(cp.patterns, dtype=np.int8).reshape(cp.p, cp.rows)
    >>> own = _patterns_float(cp, P)  # no float arrays yet: its own copy
    >>> fa = facet_arrays(cp)
    >>> _patterns_float(cp, P) is fa.P, own.tolist() == fa.P.tolist()
    (True, True)
    """
    from exact.screen import built_facet_arrays

    fa = built_facet_arrays(cp)
    if fa is not None and fa.P.shape == P.shape:
        cp.cache.pop("interval_patterns_float", None)  # a copy made before fa: not needed
        return fa.P
    Pf = cp.cache.get("interval_patterns_float")
    if Pf is None:  # no float arrays of the screens: the patterns converted here
        Pf = cp.cache["interval_patterns_float"] = P.astype(float)
    return Pf


#: Sums of d squares of the interval screen stay below 2^63 (int64): entries below ``2^h1`` with
#: ``d · 2^(2·h1) < 2^63``; the rounded ``H/2^k`` themselves stay below ``2^(h1 − 2)``.
_INT64_BITS = 63


class IntervalH:
    """``H_i = den · Xᵀ D_i v`` (the integers of :func:`exact.certify.h_matrix`) for every
    chamber at once as int64 intervals ``2^k·Hl ≤ H ≤ 2^k·Hh``, and exact rows on demand.

    ``B_r = den · v_{j(r)} x_r`` (row r of the data, j(r) its output) is exact and ``H = P B``
    with the 0/1 patterns P; ``k`` makes ``⌊B/2^k⌋`` times the row count fit ``2^h0``, so ``Hl =
    P⌊B/2^k⌋`` and ``Hh = Hl + P·[B/2^k ∉ ℤ]`` are int64 products (no Python integer per
    chamber; ``k = 0`` gives ``Hl = Hh = H``). ``row(i)`` (also ``self[i]``) is the exact ``H_i``.

    >>> from exact.certify import h_matrix
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> v = (Fraction(1, 2), Fraction(1, 3))
    >>> ih, (H, den) = IntervalH(cp, v), h_matrix(cp, v)
    >>> ih.den == den, [ih.row(i) for i in range(cp.p)] == [tuple(r) for r in H.tolist()]
    (True, True)
    """

    def __init__(self, cp: ConvexProgram, v: Sequence[Fraction]):
        import math

        import numpy as np

        Lx = math.lcm(*(q.denominator for row in cp.X for q in row))
        Lv = math.lcm(*(Fraction(q).denominator for q in v))
        self.den: int = Lx * Lv
        VI = [int(Fraction(q) * Lv) for q in v]
        self.B = [[VI[r // cp.pool] * int(q * Lx) for q in row] for r, row in enumerate(cp.X)]
        self.P = np.asarray(cp.patterns, dtype=np.int8).reshape(cp.p, cp.rows)
        d, rows = cp.d, cp.rows
        self.h1 = (_INT64_BITS - d.bit_length()) // 2
        big = max((abs(x) for r in self.B for x in r), default=0)
        self.k = k = max(0, big.bit_length() - (self.h1 - 2 - rows.bit_length()))
        Bl = np.array([[x >> k for x in r] for r in self.B], dtype=np.int64).reshape(rows, d)
        E = (np.array([[int((x >> k) << k != x) for x in r] for r in self.B], dtype=np.int64
                      ).reshape(rows, d) if k else np.zeros((rows, 0), dtype=np.int64))
        # one float product for both: every entry and partial sum is an integer of magnitude
        # below rows · 2^(h1 − 2 − bits(rows)) < 2^53, so BLAS computes it exactly
        Pf = _patterns_float(cp, self.P)
        HE = (Pf @ np.hstack([Bl, E]).astype(float)).astype(np.int64)
        self.Hl = np.ascontiguousarray(HE[:, :d])
        self.Hh = self.Hl + HE[:, d:] if k else self.Hl
        #: ``Hl + Hh`` and ``Hh − Hl`` (None when ``k = 0``): what :meth:`proven` reads, the
        #: largest ``|x|`` over ``[lo, hi]`` being ``(|lo + hi| + (hi − lo)) / 2`` exactly
        self.S2 = self.Hl + self.Hh
        self.W = self.Hh - self.Hl if k else None
        #: the centres of the intervals in floats (the ``H/2^k`` scale): what the float
        #: searches for multipliers and projections see
        self.mid = self.S2.astype(float) / 2
        self._rows: dict[int, tuple[int, ...]] = {}
        self._limbs: list[np.ndarray] | None = None  # of B, for rows_scaled, on first use
        self._cols = [list(c) for c in zip(*self.B)] or [[] for _ in range(d)]  # B's columns
        self.amax = 0  # the largest |facet entry|, on first use

    def row(self, i: int) -> tuple[int, ...]:
        """The exact integer row ``H_i``."""
        r = self._rows.get(i)
        if r is None:
            bits = self.P[i].tolist()
            r = self._rows[i] = tuple(sum(itertools.compress(col, bits)) for col in self._cols)
        return r

    def __getitem__(self, i: int) -> tuple[int, ...]:
        return self.row(int(i))

    #: bits per limb of :meth:`rows_scaled` (at most: fewer when there are more than 2^21
    #: rows, so that a limb product of ``rows`` 0/1 terms stays below 2^53 and BLAS sums it
    #: exactly in floats)
    LIMB = 31

    def rows_scaled(self, idx: np.ndarray) -> np.ndarray:
        """``H_i / 2^k`` for the chambers ``idx``, each entry the correctly rounded float of
        the exact value (what :meth:`row` divided by ``2^k`` gives), m × d.

        ``B`` is cut into signed 31-bit limbs once; each limb's product with the patterns is
        exact in float64 (0/1 terms, sums below ``rows · 2^31``), and the limbs are carried
        and rounded once in int64 (:func:`arrangement.intmat.round_limb_sums`); where a
        result is not a normal float they are added as Python integers and Python's int
        division rounds once. With 17-digit data the limbs replaced a Python sum over each
        chamber's rows (a fifth of a certification), and the int64 rounding their Python
        integers (diabetes 17 digits, (40, 4): 23k rows, 0.039 → about 0.005 s CPU).

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> ih = IntervalH(cp, (Fraction(1, 3), Fraction(2**70 + 1, 7)))
        >>> got = ih.rows_scaled(list(range(cp.p)))
        >>> got.tolist() == [[x / 2**ih.k for x in ih.row(i)] for i in range(cp.p)]
        True
        """
        import numpy as np

        idx = np.asarray(idx, dtype=np.int64)
        d, rows = len(self._cols), self.P.shape[1]
        bits = max(1, min(self.LIMB, 52 - rows.bit_length()))
        if self._limbs is None:
            mask = (1 << bits) - 1
            top = max((abs(x) for r in self.B for x in r), default=0).bit_length()
            nl = max(1, -(-top // bits))
            self._limbs = [np.array([[(abs(x) >> (bits * j) & mask) * (1 if x >= 0 else -1)
                                      for x in r] for r in self.B], dtype=float
                                    ).reshape(rows, d) for j in range(nl)]
        Pg = self.P[idx].astype(float)
        # the limb products are exact integers below 2^52: carried and rounded in int64
        # (arrangement.intmat.round_limb_sums) unless a result is not a normal float
        out = round_limb_sums([(Pg @ Lj).astype(np.int64) for Lj in self._limbs], bits, self.k)
        if out is not None:
            return out
        H = np.zeros((len(idx), d), dtype=object)
        for j, Lj in enumerate(self._limbs):
            H += (Pg @ Lj).astype(np.int64).astype(object) << (bits * j)
        if self.k == 0:
            return H.astype(float)
        # Python's int / int rounds the exact quotient once, also where H itself is beyond
        # floats (wine's 17-digit floats: H above 2^1024, H/2^k not)
        return (H / (1 << self.k)).astype(float)

    def threshold(self, thr: Fraction) -> int:
        """``⌊thr·den²/2^{2k}⌋`` (capped below 2⁶³): a sum of squares ``N`` on the ``H/2^k``
        scale with ``N ≤`` it has ``N·2^{2k}/den² ≤ thr``."""
        T = (thr.numerator * self.den * self.den) // (thr.denominator << (2 * self.k))
        return min(T, 2**63 - 1)

    def proven(self, AI, rows, cols, mu, T: int, facet=None, AF=None):
        """Exactly, in int64, per group ``(rows[r], s = 1 − 2·cols[r])``: ``‖s H_i/2^k + Σ_k
        μ_rk a_ik‖² ≤ T`` for every H in the interval, with integer multipliers ``μ ≥ 0``
        (None: all zero; with ``facet``, ``mu`` is one multiplier per row, on that facet; with
        ``facet`` m × K, ``mu`` m × K is on the facets ``facet[r, k]``).
        By Moreau that is ``‖Π_{C_i}(g)‖² ≤ thr`` for ``T = threshold(thr)``, with ``λ =
        μ·2^k/den`` (docs/MATH.md §7). Entries that could overflow leave the group unproven.
        ``AF``, when given, holds ``AI`` in floats (exact: small integers): ``Σ_k μ_k a_k`` is
        then one float product wherever every term and partial sum is an integer below 2⁵³,
        hence exact in any order of summation.

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> ih = IntervalH(cp, (Fraction(1), Fraction(-1)))
        >>> import numpy as np
        >>> from exact.screen import int_facets
        >>> AI = int_facets(cp)
        >>> i = next(i for i in range(cp.p) if ih.row(i) == (1, -1))  # g = (1, −1)
        >>> rows, cols = np.array([i, i]), np.array([0, 0])
        >>> mu = np.zeros((2, AI.shape[1]), dtype=np.int64)
        >>> mu[1, next(k for k in range(2) if AI[i, k].tolist() == [0, 1])] = 1  # λ on u₂ ≥ 0
        >>> ih.proven(AI, rows, cols, mu, ih.threshold(Fraction(1))).tolist()
        [False, True]
        """
        import numpy as np

        S = self.S2[rows]  # 2·centre of the interval of s·H/2^k: ±(Hl + Hh)
        S = np.where(cols.astype(bool)[:, None], -S, S)
        ok = np.ones(len(rows), dtype=bool)
        if mu is not None:
            f = 1 if facet is not None else mu.shape[1]
            amax = self.amax if self.amax else max(int(np.abs(AI).max(initial=0)), 1)
            self.amax = amax
            # |2 Σ_k μ_k a_k| ≤ 2 f · max μ · max|a| < 2^62 and |Hl + Hh| < 2^h1: no overflow
            lim = (2**61) // (f * amax)
            if facet is not None and np.ndim(facet) == 2:
                # μ_rk on facets facet[r, k] (a facet outside the chamber's rows: μ taken 0)
                fk = np.asarray(facet)
                f = max(fk.shape[1], 1)
                lim = (2**61) // (f * amax)
                inside = (fk >= 0) & (fk < AI.shape[1])
                mu = np.where(inside, mu, 0)
                ok &= mu.max(axis=1, initial=0) < lim
                mu = np.where(ok[:, None], mu, 0)
                fk = np.where(inside, fk, 0)
                M = np.zeros((len(rows), AI.shape[2]), dtype=np.int64)
                for k in range(fk.shape[1]):
                    M += mu[:, k, None] * AI[rows, fk[:, k]]
            elif facet is not None:
                ok &= mu < lim
                M = np.where(ok, mu, 0)[:, None] * AI[rows, facet]
            else:
                ok &= mu.max(axis=1, initial=0) < lim
                mu = np.where(ok[:, None], mu, 0)
                big = int(mu.max(initial=0))
                if AF is not None and big * f * amax < 2**53:
                    # in blocks of rows: AF[rows, :f] is an m × f × d copy (tens of MiB at
                    # (40, 5)); every term and partial sum is an integer below 2^53, so the
                    # sums are exact whatever the blocks
                    M = np.empty((len(rows), AI.shape[2]), dtype=np.int64)
                    muf = mu.astype(float)
                    for b in range(0, len(rows), _PROVEN_BLOCK):
                        e = b + _PROVEN_BLOCK
                        M[b:e] = np.einsum("mk,mkd->md", muf[b:e], AF[rows[b:e], :f])
                else:  # one facet column at a time: m × d int64 products, no m × f × d copy
                    M = np.zeros((len(rows), AI.shape[2]), dtype=np.int64)
                    for k in np.flatnonzero(mu.any(axis=0)).tolist():
                        M += mu[:, k, None] * AI[rows, k]
            S = S + 2 * M
        R = np.abs(S)
        if self.W is not None:
            R += self.W[rows]
        R >>= 1  # max(|lo|, |hi|) = (|lo + hi| + (hi − lo)) / 2, an integer
        ok &= (R < 2**self.h1).all(axis=1)
        R = np.where(ok[:, None], R, 0)
        return ok & (np.einsum("md,md->m", R, R) <= T)


class ScaledDismissals(Dismissals):
    """:class:`exact.screen.Dismissals` plus integer multiplier rows on the scale of an
    :class:`IntervalH`: ``λ = μ·2^k/den`` (code 4), and exact dyadic multipliers on that
    scale, ``λ_j = a_j·2^k/(b_j·den)`` (code 5, :meth:`add_dyadic`), or the same from rows of
    float multipliers, each float being the dyadic ``a_j/b_j`` (code 6,
    :meth:`add_float_rows`)."""

    def __init__(self, cones, ih: IntervalH):
        import numpy as np

        super().__init__(cones, ih, ih.den)  # type: ignore[arg-type]  # rows on demand
        self.shift = ih.k
        self._imu = np.zeros((0, 0), dtype=np.int64)
        self._imu_parts: list[np.ndarray] = []  # joined on first read (no repeated vstack)
        self._imu_rows = 0
        self._dyadic: dict[Group, tuple[tuple[int, int], ...]] = {}  # code 5
        self._fmu = np.zeros((0, 0))  # code 6: float multiplier rows (joined on first read)
        self._fmu_parts: list[np.ndarray] = []
        self._fmu_rows = 0

    @property
    def imu(self) -> np.ndarray:
        """The recorded integer multiplier rows, one per group of code 4 (row ``arg[i, col]``)."""
        if self._imu_parts:
            self._imu, self._imu_parts = join_rows(self._imu, self._imu_parts), []
        return self._imu

    def add_scaled(self, rows, cols, mu) -> None:
        """Record integer multiplier rows ``mu[r] ≥ 0`` (λ = μ·2^k/den) for the groups."""
        import numpy as np

        base = self._imu_rows
        if len(rows):
            self._imu_parts.append(np.asarray(mu, dtype=np.int64))
            self._imu_rows += len(rows)
        self.code[rows, cols] = 4
        self.arg[rows, cols] = base + np.arange(len(rows))

    def add_dyadic(self, i: int, col: int, pairs: Sequence[tuple[int, int]]) -> None:
        """Record ``λ_j = a_j·2^shift/(b_j·den)`` for group ``(i, 1 − 2·col)`` from integer
        pairs ``(a_j ≥ 0, b_j > 0)`` (dyadic float multipliers on the ``H/2^k`` scale, one per
        facet); the Fractions (a gcd of numbers of the size of den each) are made only when
        read (code 5)."""
        self.code[i, col] = 5
        self._dyadic[(i, 1 - 2 * col)] = tuple(pairs)

    def add_float_rows(self, rows, cols, lam) -> None:
        """Record ``λ_j = a_j·2^shift/(b_j·den)`` for the groups ``(rows[r], 1 − 2·cols[r])``
        where ``a_j/b_j`` is the float ``lam[r, j]`` exactly (:func:`dyadic_ratios`: entries
        not in ``(0, ∞)`` count as 0), as :meth:`add_dyadic` would from its pairs. The floats
        are kept as one array per call: with 17-digit data nearly every group is proven this
        way, and a tuple of integer pairs per group was a fifth of the (100, 4)
        certification's time and more memory than the floats.

        >>> import numpy as np
        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> ih = IntervalH(cp, (Fraction(1), Fraction(-1)))
        >>> b = ScaledDismissals(cp.cones, ih)
        >>> b.add_float_rows(np.array([0]), np.array([1]), np.array([[0.75, -1.0]]))
        >>> b[(0, -1)] == tuple(Fraction(a * 2**ih.k, q * ih.den)
        ...                     for a, q in [(3, 4), (0, 1)][:len(cp.cones[0])])
        True
        """
        import numpy as np

        lam = np.asarray(lam, dtype=float)
        base = self._fmu_rows
        if len(rows):
            self._fmu_parts.append(np.where((lam > 0) & (lam < np.inf), lam, 0.0))
            self._fmu_rows += len(rows)
        self.code[rows, cols] = 6
        self.arg[rows, cols] = base + np.arange(len(rows))

    @property
    def fmu(self) -> np.ndarray:
        """The recorded float multiplier rows, one per group of code 6 (row ``arg[i, col]``)."""
        if self._fmu_parts:
            self._fmu, self._fmu_parts = join_rows(self._fmu, self._fmu_parts), []
        return self._fmu

    def scaled_rows(self, b0: int, b1: int):
        """For chambers ``b0 … b1 − 1`` (rows) and the signs +1, −1 (columns): the row of
        :attr:`imu` holding the group's integer multipliers, −1 where λ is recorded otherwise
        (for a writer that turns whole blocks of them into text at once; λ = μ·2^shift/den)."""
        import numpy as np

        return np.where(self.code[b0:b1] == 4, self.arg[b0:b1], -1)

    def float_rows(self, b0: int, b1: int):
        """For chambers ``b0 … b1 − 1`` (rows) and the signs +1, −1 (columns): the row of
        :attr:`fmu` holding the group's float multipliers (code 6), −1 where λ is recorded
        otherwise (for a writer that turns whole blocks of them into text at once; each float
        the dyadic a/b, λ = a·2^shift/(b·den)).

        >>> import numpy as np
        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> b = ScaledDismissals(cp.cones, IntervalH(cp, (Fraction(1), Fraction(-1))))
        >>> b.add_float_rows(np.array([2]), np.array([1]), np.array([[0.5, 0.25]]))
        >>> b.float_rows(2, 3).tolist()
        [[-1, 0]]
        """
        import numpy as np

        return np.where(self.code[b0:b1] == 6, self.arg[b0:b1], -1)

    def _scaled(self, g):
        i, s = g
        col = 0 if s == 1 else 1
        if not (0 <= i < len(self.code)):
            return None
        c = int(self.code[i, col])
        f = int(self._sizes[i])
        if c == 5:
            return [(a << self.shift, b * self.den) for a, b in self._dyadic[(i, s)][:f]]
        if c == 6:
            row = self.fmu[int(self.arg[i, col]), :f].tolist()
            return [(a << self.shift, b * self.den) for a, b in dyadic_ratios(row)]
        if c != 4:
            return None
        return [(int(m) << self.shift, self.den) for m in self.imu[int(self.arg[i, col]), :f]]

    def __getitem__(self, g):
        sc = self._scaled(g)
        if sc is None:
            return super().__getitem__(g)
        return tuple(Fraction(a, b) if a else Fraction(0) for a, b in sc)

    def ratios(self, g) -> list[tuple[int, int]] | None:
        sc = self._scaled(g)
        if sc is None:
            return super().ratios(g)
        out = []
        for a, b in sc:
            q = math.gcd(a, b)
            out.append((a // q, b // q) if a else (0, 1))
        return out


def _warm_kept(warm: ViolationState | None, p: int) -> np.ndarray | None:
    """A screen's kept multipliers (``warm.kept``, p × 2 × f, on the unit facet rows) when
    they fit a program of p chambers, else None."""
    import numpy as np

    kept = None if warm is None else warm.kept
    if kept is None:
        return None
    kept = np.asarray(kept)
    return kept if kept.ndim == 3 and kept.shape[:2] == (p, 2) and kept.shape[2] else None


def face_cache(cp: ConvexProgram) -> FaceCache:
    """The program's :class:`~exact.projection.FaceCache` (the Gram adjugates of the active
    sets the interval pass projected on, keyed by their facet rows), made on first use: later
    passes on the same program (solve's rounds, ``check`` again) reuse them.

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> face_cache(cp) is face_cache(cp), len(face_cache(cp))
    (True, 0)
    """
    fc = cp.cache.get("interval_face_cache")
    if fc is None:
        fc = cp.cache["interval_face_cache"] = FaceCache()
    return fc


def dyadic_ratios(lam: Sequence[float]) -> list[tuple[int, int]]:
    """The float multipliers ``lam`` as exact dyadic ratios ``(a, b)`` (b a power of two), the
    ones that are not in ``(0, ∞)`` (negative, zero, NaN, infinite) as ``(0, 1)``: the λ ≥ 0
    that :class:`ScaledDismissals` records with :meth:`~ScaledDismissals.add_dyadic`.

    >>> dyadic_ratios([0.75, -1.0, float("nan"), 3.0])
    [(3, 4), (0, 1), (0, 1), (3, 1)]
    """
    return [x.as_integer_ratio() if 0 < x < math.inf else (0, 1) for x in lam]


def float_bound_proven(G: np.ndarray, lam: np.ndarray, AF: np.ndarray, counts: np.ndarray,
                       T: float) -> np.ndarray:
    """Per row m, whether ``‖g_m + Σ_{j < counts[m]} λ_mj a_mj‖² ≤ T`` holds for the exact
    numbers that ``G`` (m × d) and ``AF`` (m × f × d) are the correctly rounded floats of, with
    the multipliers of :func:`dyadic_ratios` (λ where ``0 < λ < ∞``, else 0), decided in floats
    with a rigorous error bound; False means "not decided". ``T`` is a float at most the exact
    threshold.

    The residual is a sum of f + 1 terms: the rounding of g and of the facet entries (u each),
    of the products (u) and of the sums (γ_f, Higham, Accuracy and Stability of Numerical
    Algorithms, §4.2) bound its error entry by entry by ``e = 2(f + 4)u(|g| + Σ λ_j |a_j|)``;
    then ``‖r‖² ≤ Σ(|r̂| + e)²``, whose float value is raised by ``2(d + 2)u``.

    >>> import numpy as np
    >>> G = np.array([[3.0, -4.0]])
    >>> AF = np.array([[[0.0, 1.0]]])                    # the facet u₂ ≥ 0
    >>> float_bound_proven(G, np.array([[4.0]]), AF, np.array([1]), 9.0 + 1e-9).tolist()
    [True]
    >>> float_bound_proven(G, np.array([[4.0]]), AF, np.array([1]), 9.0).tolist()  # a tie
    [False]
    """
    import numpy as np

    m, f, d = AF.shape
    u = UNIT_ROUNDOFF
    lam = np.asarray(lam, dtype=float)[:, :f]
    with np.errstate(invalid="ignore", over="ignore"):
        lam = np.where((lam > 0) & (lam < np.inf), lam, 0.0)
        lam = np.where(np.arange(f)[None, :] < np.asarray(counts)[:, None], lam, 0.0)
        r = G + np.einsum("mk,mkd->md", lam, AF)
        e = 2 * (f + 4) * u * (np.abs(G) + np.einsum("mk,mkd->md", lam, np.abs(AF))) \
            + (f + 2) * TINY  # (screen's slack per underflowed term)
        up = np.einsum("md,md->m", np.abs(r) + e, np.abs(r) + e) * (1 + 2 * (d + 2) * u)
        return np.isfinite(up) & (up <= T)


def interval_dual_pieces(cp: ConvexProgram, v: Vec, must: Sequence[Group] = (), *,
                         floor: Fraction = Fraction(0),
                         faces: Mapping[Group, Sequence[int]] | None = None,
                         top: int = 512, warm: ViolationState | None = None
                         ) -> DualPieces | None:
    """The exact dual pass at v: the same :class:`DualPieces` as
    :func:`exact.certify.dual_pieces` with ``floor = 0`` (the largest ``t`` exact, every other
    group bounded by at most it), found in int64 interval arithmetic (:class:`IntervalH`).

    First the groups in ``must`` and a few of largest float estimate are projected exactly;
    their largest ``t`` is the threshold. Then every other group is proven below it, exactly
    in int64 (:meth:`IntervalH.proven`): by its norm, by the best single facet, or by
    integer multipliers from the batched polar descent
    (:func:`exact.nnls.count_sliced_descent`) and, for the groups that leaves, from
    :func:`exact.nnls.batched_nnls`. The groups left are projected exactly
    (integer KKT systems), the likeliest first, the threshold raised as it goes, until none
    is left. Facet rows beyond int64 (17-digit data of mixed scales: Python ints in
    :func:`exact.screen.int_facets`) take the float route alone, the norm bound still in
    int64 (it reads no facet). None when the numbers do not fit floats (the caller then
    uses :func:`exact.certify.dual_pieces`, as :func:`exact.certify.dual_pass` does).

    ``floor`` and ``faces`` mean what they mean for :func:`exact.certify.dual_pieces`: every
    group is proven below ``max(floor, largest t so far)`` (so with ``floor > 0`` only the
    largest t above it is exact), and ``faces[g]`` (a guess of the facets the projection of a
    group in ``must`` touches) is tried first as its active set. ``top``: how many groups of
    largest float bound set the first threshold with ``must`` (0: ``must`` alone, as at an
    optimum, where its groups have the largest t; 16 when ``must`` is empty).

    ``warm``: a float screen's state (:class:`exact.screen.ViolationState`, e.g. the last one
    of the numeric guess at a v near this one, which :func:`exact.certify.solve` passes): the
    groups its carried multipliers prove are settled with them (rounded to integers, checked
    by :meth:`IntervalH.proven` like every other bound), before any descent or NNLS. Any λ ≥ 0
    is a valid Moreau bound, so ``warm`` changes what is found first, never what is claimed:
    the same largest ``t``, whatever the multipliers (garbage ones only cost time).

    >>> from exact.certify import dual_pieces
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> v = (Fraction(1, 7), Fraction(-2, 9), Fraction(1, 3))
    >>> interval_dual_pieces(cp, v).tmax == dual_pieces(cp, v).tmax
    True
    """
    import numpy as np

    from exact.screen import facet_arrays, facet_square_lengths, int_facets

    fa = facet_arrays(cp) if cp.p else None
    AI = int_facets(cp) if fa is not None else None
    if fa is None or fa.raw is None or AI is None:
        return None
    ih = IntervalH(cp, v)
    den = ih.den
    certs: dict[Group, ProjectionCertificate] = {}
    ts: dict[Group, Fraction] = {}
    bounds = ScaledDismissals(cp.cones, ih)
    p, fmax, d = fa.A.shape
    hm, raw = ih.mid, fa.raw
    done = np.zeros((p, 2), dtype=bool)
    aa = facet_square_lengths(cp)  # per program: the facets' squared lengths
    AF = raw if fa.raw_exact else None  # the integer facet rows in floats, exactly
    fcache = face_cache(cp)

    def nnls(g: np.ndarray, lam0: np.ndarray | None = None, pad: bool = True
             ) -> tuple[np.ndarray, np.ndarray]:
        """Float NNLS multipliers (of the integer rows) and residuals for groups g (m × 2),
        warm-started from ``lam0`` when given; as wide as g's largest facet count, or padded
        to ``fmax``."""
        fb = max(int(fa.counts[g[:, 0]].max(initial=0)), 1)
        G = (1 - 2 * g[:, 1])[:, None] * hm[g[:, 0]]
        lam, r = batched_nnls(raw[g[:, 0], :fb], fa.counts[g[:, 0]], G,
                              lam0=None if lam0 is None else lam0[:, :fb])
        return (np.pad(lam, ((0, 0), (0, fmax - fb))) if pad else lam), r

    def integers(lam: np.ndarray) -> np.ndarray:
        """Float multipliers rounded to integers ≥ 0; a non-finite or huge one becomes 0 (any
        λ ≥ 0 gives a valid bound: never a negative or wrapped int64)."""
        x = np.rint(lam)
        x = np.where(np.isfinite(x) & (x > 0) & (x < 2.0**62), x, 0.0)
        return x.astype(np.int64)

    def record(rs: np.ndarray, cs_: np.ndarray, mu: np.ndarray) -> None:
        """Record the proven groups ``(rs, cs_)`` with their integer multiplier rows ``mu``: a
        single facet by its index, several as a scaled row."""
        one = (mu > 0).sum(axis=1) == 1
        bounds.add_facets(rs[one], cs_[one], np.argmax(mu[one], axis=1))
        bounds.add_scaled(rs[~one], cs_[~one], mu[~one])
        done[rs, cs_] = True

    # facet rows beyond int64 (raw 17-digit features of mixed scales, e.g. breast cancer's
    # areas near 1e3 beside smoothness near 1e-1: entries near 2^76) take the float route
    # alone: integer multipliers could not prove a group there anyway (integral below), and
    # the general dual_pieces took 3.2 s where this pass takes 0.15 s (bc, (37, 4), 15,614
    # chambers; benchmarks/RESULTS.md, session 23)
    amax = max(int(np.abs(AI).max(initial=0)), 1) if AI.dtype != object else None

    def integral(T: int) -> bool:
        """Whether integer multipliers can prove groups below T: rounding one to an integer
        moves the residual by up to ``max|a|/2`` on the H/2^k scale, and from ``max|a| > √T``
        on a multiplier of 1 already moves it by as much as the bound allows (17-digit
        diabetes (40, 4): ``max|a| ≈ 2^60`` against ``√T ≈ 2^22``, every multiplier rounded to
        0 and no group proven by one; 4 digits: ``max|a| ≈ 2^15``, ``√T ≈ 2^18``, most proven).
        Otherwise the multipliers are found and checked only on the exact rows in floats
        (``precise`` and :func:`float_bound_proven`): the same bounds, without an int64 round
        that proves nothing."""
        return amax is not None and amax * amax <= T

    def settle(pend: np.ndarray, lam: np.ndarray, est: np.ndarray, cand: np.ndarray | None,
               T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Prove the groups ``pend[cand]`` (all when None) below T with their multipliers
        rounded to integers, record the proven ones; the rest of ``(pend, lam, est)``."""
        idx = np.arange(len(pend)) if cand is None else np.flatnonzero(cand)
        g, mu = pend[idx], integers(lam[idx])
        ok = ih.proven(AI, g[:, 0], g[:, 1], mu, T, AF=AF)
        record(g[ok, 0], g[ok, 1], mu[ok])
        keep = np.ones(len(pend), dtype=bool)
        keep[idx[ok]] = False
        return pend[keep], lam[keep], est[keep]

    top_t: list[Fraction] = []

    def multipliers(pend: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Multipliers for the groups ``pend`` (sorted by facet count), proven below T where
        they suffice; the rest of ``(pend, λ, estimate)``, λ as wide as the largest count.

        A few sweeps of the batched polar descent first, from the best single facet's step
        (worth half a sweep: the descent runs on g + λ₁a from λ = 0, its multipliers then get
        λ₁ back on that facet); the groups whose estimate is clearly below T are proven with
        them rounded to integers (which moves the residual by O(max|a|) on the H/2^k scale:
        far less than 1e-4 of T). Then NNLS warm-started from them, for the rest."""
        rs, cs_ = pend[:, 0], pend[:, 1]
        fb = max(int(fa.counts[rs].max(initial=0)), 1)
        l1, k1 = lam1[rs, cs_], best[rs, cs_]
        G = (1 - 2 * cs_)[:, None] * hm[rs] + l1[:, None] * raw[rs, k1]
        lam, r = count_sliced_descent(fa.A, fa.counts, rs, G, _SWEEPS)
        # the facet lengths of these rows only (a p × fmax copy of them was 28 MiB at (40, 5));
        # the square root is correctly rounded entry by entry, the same numbers either way
        nrm = np.sqrt(aa[rs, :fb])
        lam = lam[:, :fb] / np.where(nrm > 0, nrm, 1.0)
        lam[np.arange(len(pend)), k1] += l1
        est = np.einsum("md,md->m", r, r)
        if not integral(T):  # the descent's multipliers start the precise NNLS
            return pend, lam, est
        pend, lam, est = settle(pend, lam, est, est <= float(T) * (1 - 1e-4), T)
        if len(pend):
            lam, r = nnls(pend, lam, pad=False)
            est = np.einsum("md,md->m", r, r)
            pend, lam, est = settle(pend, lam, est, None, T)
        return pend, lam, est

    def project(i: int, s: int, lam: np.ndarray | None = None) -> None:
        order: list[int] = []
        if faces and (i, s) in faces:
            order = [int(j) for j in faces[(i, s)]]
        elif lam is not None and len(lam):
            cut = 1e-9 * max(float(lam.max()), 1e-300)
            order = [j for j in np.argsort(-lam).tolist() if lam[j] > cut]
        c, t = integer_projection(cp.cones[i], [s * x for x in ih.row(i)], den, order, fcache)
        certs[(i, s)] = c
        ts[(i, s)] = t
        if not top_t or t > top_t[0]:  # the largest t so far (one comparison per projection)
            top_t[:] = [t]
        done[i, 0 if s == 1 else 1] = True

    def full_bound(i: int, s: int, lam: list[float], tn: int, td: int, rhs0: int):
        """λ ≥ 0 with ``‖g + Aᵀλ‖² ≤ tn/td`` (exactly, Python integers) from float multipliers
        on the H/2^k scale, or None: ``λ_j = λ̂_j·2^k/den``, ``λ̂_j = a_j/b_j`` the exact dyadic,
        returned as the pairs ``(a_j, b_j)`` (:meth:`ScaledDismissals.add_dyadic`); ``rhs0 =
        tn·den²``. With ``Q = 2^q`` the largest b_j (the lcm of powers of two), ``Q·den·(g +
        Aᵀλ)`` is the integer vector R below, and the bound reads ``‖R‖²·td ≤ rhs0·Q²``."""
        A = cp.cones[i]
        ratios = dyadic_ratios(lam[:len(A)])
        q = max(b for _a, b in ratios).bit_length() - 1
        R = [(s * x) << q for x in ih.row(i)]
        for (a, b), row in zip(ratios, A):
            if a:
                c = a << (ih.k + q - (b.bit_length() - 1))  # a·2^k·Q/b
                for j, x in enumerate(row):
                    if x:
                        R[j] += c * x
        if sum(x * x for x in R) * td > rhs0 << (2 * q):
            return None
        return ratios  # λ_j = (a_j·2^k)/(b_j·den), made into Fractions only when read

    def precise(g: np.ndarray, lam0: np.ndarray, tmax: Fraction
                ) -> tuple[np.ndarray, np.ndarray, float, np.ndarray]:
        """NNLS again on the exact rows of groups g in floats (``H/2^k`` correctly rounded,
        not the intervals' centres), warm-started from ``lam0``: the multipliers (fmax wide),
        the float ``t`` and ``t_max``, all on the ``H/2^k`` scale, and those rows ``s·H/2^k``."""
        sc = 1 << ih.k
        G = (1 - 2 * g[:, 1]).astype(float)[:, None] * ih.rows_scaled(g[:, 0]).reshape(len(g), d)
        fb = max(int(fa.counts[g[:, 0]].max(initial=0)), 1)
        lam, r = batched_nnls(raw[g[:, 0], :fb], fa.counts[g[:, 0]], G, lam0=lam0[:, :fb])
        return (np.pad(lam, ((0, 0), (0, fmax - fb))), np.einsum("md,md->m", r, r),
                float(tmax) * (den / sc) ** 2, G)

    def project_all(g: np.ndarray, lam: np.ndarray) -> None:
        for t_ in range(len(g)):
            project(int(g[t_, 0]), 1 - 2 * int(g[t_, 1]), lam[t_])

    mg = np.array([(i, 0 if s == 1 else 1) for i, s in dict.fromkeys(must)],
                  dtype=np.int64).reshape(-1, 2)
    if len(mg):
        # the guessed faces first: the NNLS orders only for the groups without one
        hinted = np.array([faces is not None and (int(i), 1 - 2 * int(c)) in faces
                           for i, c in mg], dtype=bool)
        project_all(mg[hinted], np.zeros((int(hinted.sum()), fmax)))
        if (~hinted).any():
            project_all(mg[~hinted], nnls(mg[~hinted])[0])
    # float bounds on the H/2^k scale: the norm, and the best single facet per sign (the
    # padding rows of raw are zero, so their C and score are 0)
    if "interval_inv_facet_norms" not in cp.cache:  # per program: 1/‖a‖², 0 on padding rows
        cp.cache["interval_inv_facet_norms"] = np.divide(1.0, aa, out=np.zeros_like(aa),
                                                      where=aa > 0)
    inv = cp.cache["interval_inv_facet_norms"]
    nf = np.einsum("id,id->i", hm, hm)
    ub = np.empty((p, 2))
    best = np.zeros((p, 2), dtype=np.int64)
    lam1 = np.zeros((p, 2))  # the best single facet's float multiplier (of the integer row)
    # in blocks of rows: three p × fmax float temporaries (28 MiB apiece at (40, 5)) were
    # the peak of the whole pass; every row's values are its own, so the blocks change no bit
    for a in range(0, p, _BOUND_ROWS):
        blk = slice(a, min(a + _BOUND_ROWS, p))
        C = np.einsum("ikd,id->ik", raw[blk], hm[blk])
        ib = inv[blk]
        # the drop of the half-space bound below ‖g‖², where a·(s g) < 0 (in place: the
        # same products, (C·C)·inv, without another temporary)
        drop = C * C
        drop *= ib
        score = np.empty_like(drop)
        ar = np.arange(len(C))
        for col, s in ((0, 1), (1, -1)):
            score.fill(0.0)  # drop where the facet can cut s·g, else 0 (one buffer, both signs)
            np.copyto(score, drop, where=C < 0 if s == 1 else C > 0)
            b = best[blk, col] = np.argmax(score, axis=1)
            ub[blk, col] = np.maximum(nf[blk] - score[ar, b], 0.0)
            lam1[blk, col] = np.maximum(-s * C[ar, b] * ib[ar, b], 0.0)
    mu1 = np.stack([integers(lam1[:, 0]), integers(lam1[:, 1])], axis=1)
    # a first threshold: the groups of largest bound, their float projections, the best few
    # projected exactly
    n_top = top if top_t else max(top, 16)
    flat = -ub.ravel()
    cut = (np.argpartition(flat, n_top)[:n_top] if flat.size > n_top
           else np.arange(flat.size))[:n_top]
    cut = cut[np.argsort(flat[cut], kind="stable")]
    first = np.column_stack(np.unravel_index(cut, ub.shape))
    first = first[~done[first[:, 0], first[:, 1]]]
    if len(first):
        lam0, r0 = nnls(first)
        est0 = np.einsum("md,md->m", r0, r0)
        lead = np.flatnonzero(est0 >= est0.max() * (1 - 1e-6))[:16]
        project_all(first[lead], lam0[lead])

    def first_round(T: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The first round's proofs below T (norm, best facet, multipliers): what they leave,
        with its multipliers (fmax wide) and float estimates."""
        pend = np.argwhere(~done)
        # the norm, then the best single facet, tried where their float values can reach T
        # (a float only chooses: a group left out goes on to the multipliers below)
        reach = float(T) * (1 + 1e-3)
        c = np.flatnonzero(nf[pend[:, 0]] <= reach)
        if len(c):
            ok = ih.proven(AI, pend[c, 0], pend[c, 1], None, T)
            done[pend[c[ok], 0], pend[c[ok], 1]] = True
            pend = np.delete(pend, c[ok], axis=0)
        c = np.flatnonzero(ub[pend[:, 0], pend[:, 1]] <= reach)
        if len(c) and integral(T):  # (its multiplier rounded to an integer, as below)
            rs, cs_ = pend[c, 0], pend[c, 1]
            ks = best[rs, cs_]
            ok = ih.proven(AI, rs, cs_, mu1[rs, cs_], T, facet=ks)
            bounds.add_facets(rs[ok], cs_[ok], ks[ok])
            done[rs[ok], cs_[ok]] = True
            pend = np.delete(pend, c[ok], axis=0)
        if kept is not None and len(pend):
            pend = settle_warm(pend, T) if integral(T) else settle_warm_float(pend, T)
        lam: np.ndarray | None = None
        est: np.ndarray | None = None
        if len(pend):
            # by facet count, in a few slices: each works on arrays as wide as its own largest
            # count ((40, 4): 17 facets at most, 6 on average)
            pend = pend[np.argsort(fa.counts[pend[:, 0]], kind="stable")]
            cnt = fa.counts[pend[:, 0]]
            edges = [0, *np.searchsorted(cnt, _SLICES, side="right").tolist(), len(pend)]
            left = [multipliers(pend[a:b], T) for a, b in zip(edges[:-1], edges[1:]) if b > a]
            pend = np.concatenate([q[0] for q in left])
            est = np.concatenate([q[2] for q in left])
            lam = np.zeros((len(pend), fmax))
            at = 0
            for q in left:
                lam[at:at + len(q[0]), :q[1].shape[1]] = q[1]
                at += len(q[0])
        if lam is None or est is None:
            return pend, np.zeros((len(pend), fmax)), np.zeros(len(pend))
        return pend, lam, est

    kept = _warm_kept(warm, p)
    try:
        warm_scale = den / (1 << ih.k)  # H/2^k = (den/2^k)·XᵀD v: a float, past 1e308 none
    except OverflowError:
        kept = None

    def kept_blocks(pend: np.ndarray):
        """The groups ``pend`` in blocks of :data:`_PROVEN_BLOCK`, each as ``(b, c, rows,
        cols, λ)``: the block's start, the positions within it of the groups with a kept
        multiplier ``> 0``, and their kept multipliers (as wide as the block's largest facet
        count). In blocks of rows: the temporaries of a whole (40, 5) pass (300k groups × 22
        facets, int64 indices) were larger than the saving."""
        assert kept is not None
        flat = kept.reshape(-1, kept.shape[2])  # a view: one fancy index on 2p rows
        for b in range(0, len(pend), _PROVEN_BLOCK):
            pb = pend[b:b + _PROVEN_BLOCK]
            fb = min(max(int(fa.counts[pb[:, 0]].max(initial=0)), 1), flat.shape[1])
            lw = flat[2 * pb[:, 0] + pb[:, 1], :fb]
            c = np.flatnonzero((lw > 0).any(axis=1))  # (NaN > 0 is False)
            if len(c):
                yield b, c, pb[c, 0], pb[c, 1], lw[c]

    def settle_warm(pend: np.ndarray, T: int) -> np.ndarray:
        """Prove the groups ``pend`` below T with the numeric guess's kept multipliers (the
        largest d of each, rescaled from the unit facet rows to the integer rows ``raw`` and the
        ``H/2^k`` scale, ``λ·(den/2^k)/‖a‖``, rounded to integers as :func:`settle` does),
        record the proven ones; the rest (by :func:`kept_blocks`)."""
        left = np.ones(len(pend), dtype=bool)
        for b, c, rs, cs_, lw in kept_blocks(pend):
            fb = lw.shape[1]
            K = min(d, fb)
            fk = (np.argpartition(lw, fb - K, axis=1)[:, fb - K:] if K < fb
                  else np.broadcast_to(np.arange(fb), lw.shape))
            # 1/‖a‖ from the program's 1/‖a‖² (0 on padding rows); a NaN, inf or negative λ
            # becomes μ = 0 in integers()
            with np.errstate(all="ignore"):
                lk = (np.take_along_axis(lw, fk, axis=1).astype(float)
                      * (warm_scale * np.sqrt(inv[rs[:, None], fk])))
            mu = integers(lk)
            ok = ih.proven(AI, rs, cs_, mu, T, facet=fk)
            # the K slots as full multiplier rows (distinct facets: argpartition's indices)
            full = np.zeros((int(ok.sum()), fb), dtype=np.int64)
            np.put_along_axis(full, fk[ok], mu[ok], axis=1)
            record(rs[ok], cs_[ok], full)
            left[b + c[ok]] = False
        return pend[left]

    def settle_warm_float(pend: np.ndarray, T: int) -> np.ndarray:
        """:func:`settle_warm` where integer multipliers prove nothing (:func:`integral`):
        the kept multipliers, rescaled to the integer rows and the H/2^k scale as there but
        not rounded, on the exact rows in floats (:meth:`IntervalH.rows_scaled`), checked by
        :func:`float_bound_proven` below T; records the proven ones, returns the rest. (17-digit
        diabetes (40, 4): most of the groups the norm leaves, before any descent or NNLS.)"""
        T_low = float(T) * (1 - 4 * UNIT_ROUNDOFF)  # T is at most the exact threshold
        left = np.ones(len(pend), dtype=bool)
        for b, c, rs, cs_, lw in kept_blocks(pend):
            fb = lw.shape[1]
            with np.errstate(all="ignore"):  # a NaN, inf or negative λ counts as 0
                lk = lw.astype(float) * (warm_scale * np.sqrt(inv[rs, :fb]))
            G = (1 - 2 * cs_).astype(float)[:, None] * ih.rows_scaled(rs).reshape(len(rs), d)
            ok = float_bound_proven(G, lk, raw[rs, :fb], fa.counts[rs], T_low)
            bounds.add_float_rows(rs[ok], cs_[ok], lk[ok])
            done[rs[ok], cs_[ok]] = True
            left[b + c[ok]] = False
        return pend[left]

    batch = 8
    # what a round leaves (groups, multipliers, estimates) goes on to the next one as it is:
    # the multipliers are retried at the new threshold, not searched again ((40, 4): the
    # second round's descent and NNLS on the same few hundred groups were a tenth of the pass)
    carry: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
    T_last = -1
    tried = np.zeros((p, 2), dtype=bool)  # groups whose precise bound failed at tried_at
    tried_at: Fraction | None = None
    while True:
        tmax = max(top_t[0], floor) if top_t else floor
        T = ih.threshold(tmax)
        if carry is not None:
            alive = ~done[carry[0][:, 0], carry[0][:, 1]]
            pend, lam, est = carry[0][alive], carry[1][alive], carry[2][alive]
            if T != T_last and len(pend) and integral(T):
                pend, lam, est = settle(pend, lam, est, None, T)
            T_last = T
            if not len(pend):
                break
        else:
            T_last = T
            pend, lam, est = first_round(T)
            if not len(pend):
                break
        assert lam is not None and est is not None  # set by the stages above
        if tried_at != tmax:
            tried[:] = False
            tried_at = tmax
        # near the threshold the int64 intervals are too coarse: the same multipliers at full
        # precision, checked in Python integers (a bound exceeds t by O(δλ²), δλ ~ 1e-16)
        # near the threshold the int64 intervals are too coarse: the multipliers again by NNLS
        # on the exact rows in floats, then checked in Python integers (a bound exceeds t by
        # O(δλ²), δλ ~ 1e-16). A group whose float t equals t_max to 1e-10 is taken for a
        # tie (t = t_max exactly, as where neighbouring chambers share a face at an optimum),
        # which no rounded bound proves: it is projected without trying one
        tn, td = tmax.numerator, tmax.denominator
        keep = np.ones(len(pend), dtype=bool)
        # (without integer multipliers the estimates are the descent's, above t: every
        # untried group gets the precise NNLS)
        near = np.flatnonzero(((est <= float(T) * (1 + 1e-5)) | (not integral(T)))
                              & ~tried[pend[:, 0], pend[:, 1]])
        if len(near):
            # the exact check of full_bound (Python integers) only where floats with a
            # rigorous error bound cannot decide it: with 17-digit data the int64 intervals
            # prove almost nothing and full_bound ran on every group (diabetes (40, 4): 23k
            # calls, 0.44 s of a 0.97 s solve). In blocks of groups: there nearly every group
            # is near, and the NNLS temporaries of all at once were the pass's peak
            T_low = float(tmax * den * den / (1 << (2 * ih.k))) * (1 - 4 * UNIT_ROUNDOFF)
            est_p = np.empty(len(near))
            sure = np.empty(len(near), dtype=bool)
            for b in range(0, len(near), _PROVEN_BLOCK):
                nb = near[b:b + _PROVEN_BLOCK]
                lam[nb], est_p[b:b + len(nb)], T_p, G_p = precise(pend[nb], lam[nb], tmax)
                sure[b:b + len(nb)] = float_bound_proven(G_p, lam[nb], raw[pend[nb, 0]],
                                                         fa.counts[pend[nb, 0]], T_low)
            est[near] = est_p
            tried[pend[near, 0], pend[near, 1]] = True
            # a float tie (|t − t_max| ≤ 1e-10 t_max) is most often t < t_max by ~1e-15 (at a
            # rational approximation of an optimum, the faces neighbouring chambers share give
            # t's a few units of the 16th digit apart): the exact bound proves those as well,
            # the quadratic error O(δλ²) being far below that gap; the ties it cannot prove
            # (t = t_max exactly, or above) are projected at once
            tie = np.abs(est_p - T_p) <= 1e-10 * T_p
            rhs0 = tn * den * den
            # proven in floats: their multipliers as they are (exact dyadics); the others by
            # full_bound in Python integers
            ns = near[sure]
            if len(ns):
                w = max(int(fa.counts[pend[ns, 0]].max()), 1)
                bounds.add_float_rows(pend[ns, 0], pend[ns, 1], lam[ns, :w])
            proven_ = ns.tolist()
            nu = near[~sure]
            for t_, (i, col), lr in zip(nu.tolist(), pend[nu].tolist(), lam[nu].tolist()):
                lam_ = full_bound(i, 1 - 2 * col, lr, tn, td, rhs0)
                if lam_ is not None:
                    bounds.add_dyadic(i, col, lam_)
                    proven_.append(t_)
            if proven_:
                done[pend[proven_, 0], pend[proven_, 1]] = True
                keep[proven_] = False
            left_ties = near[tie & keep[near]]
            project_all(pend[left_ties], lam[left_ties])
            keep[left_ties] = False
        pend, lam, est = pend[keep], lam[keep], est[keep]
        if not len(pend):
            break
        # exactly: the ties with the threshold (all of them when few), then by estimate
        if len(pend) <= 2 * batch:
            pick = np.arange(len(pend))
        else:
            near = np.flatnonzero(np.abs(est - float(T)) <= 1e-5 * float(T))
            pick = np.array(list(dict.fromkeys(
                near.tolist() + np.argsort(-est, kind="stable")[:batch].tolist())))
        project_all(pend[pick], lam[pick])
        carry = (pend, lam, est)
        if max(top_t[0], floor) == tmax:
            batch *= 2  # the threshold did not move: fewer, larger rounds
    return DualPieces(certs, ts, [], [], bounds)
