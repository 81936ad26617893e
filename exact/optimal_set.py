"""The optimal set ``W*`` of the convex program, its vertices, and ``m*`` (docs/MATH.md §6, §7).

For the squared loss the optimal fit ``ŷ*`` is unique, ``v* = y − ŷ*``, and with
``q_{i,s} = Π_{C_i}(s XᵀD_i v*)`` (docs/MATH.md §7, "Optimal set (derived)"):

* a group can be nonzero at an optimum only if ``‖q_{i,s}‖ = β`` (it is *active*), and then it is a
  nonnegative multiple of ``q_{i,s}``. (*Derived*: at an optimum the penalty equals
  ``v*ᵀŷ* = Σ_g (s XᵀD_i v*)ᵀ w_g ≤ Σ_g ‖q_g‖ ‖w_g‖ ≤ β Σ_g ‖w_g‖`` by Moreau's decomposition,
  and equality forces ``w_g ∥ q_g`` and ``‖q_g‖ = β`` wherever ``w_g ≠ 0``.)
* conversely every ``W = {ρ_g q_g}`` with ``ρ ≥ 0`` and fit ``Σ ρ_g s D_i X q_g = ŷ*`` is optimal:
  its penalty is ``β Σ ρ_g β = Σ ρ_g q_gᵀ(s XᵀD_i v*) = v*ᵀŷ*``, the same for all of them.

So ``W*`` is (the image of) the polytope ``{ρ ≥ 0 : Σ_g ρ_g s D_i X q_g = ŷ*}`` over the active
groups — bounded, because ``β² Σ ρ_g = v*ᵀŷ*`` is fixed. Every point's support contains the
support of a vertex (basic feasible solutions), so ``m* = min ‖W‖₀`` is attained at a vertex, and a
vertex's columns ``s D_i X q_g`` are linearly independent vectors of ``R^n``: ``m* ≤ n`` (the
patterns ``D_i`` mask rows, so the fits need not lie in the column space of X and ``m* ≤ rank X``
fails: X = [[1, 0], [1, 1], [1, 1/2]], y = (0, 0, 1), β = 1/10 has m* = 3 > 2; the poster's
``n + 1`` is for general convex losses). Each vertex W gives, via ψ (:func:`exact.maps.psi`), a
minimal optimal network; by the poster's theorem (seed 004) every optimal network of width
``m ≥ m*`` is a split of ψ(W) for some ``W ∈ W*``.

What is exact. :func:`optimal_set` first tries to make the certified solution *exact*: the
certified dual ``κv`` is within ``√(2·gap)`` of ``v*`` (the dual objective is 1-strongly concave),
so it takes the simplest rationals in that ball and checks exactly whether one of them is ``v*``:
dual feasible (``‖Π_{C_i}(s XᵀD_i v)‖² ≤ β²`` for every chamber and sign: exact projections with
certificates, except for the groups an exact bound already puts below ``β²``, the screened
bounds of the certificates' dual pass, :func:`screened_projections`) and primal attainable
(the polytope above, with ``ŷ = y − v``, is nonempty; its points have objective
``vᵀy − ½‖v‖²``, the dual value: gap 0). Then ``exact=True``, ``value`` is ``P*`` and the
vertices are exactly the minimal-support optimal points. This succeeds whenever ``v*`` is
rational with moderate denominators (the V data of docs/MATH.md §9, the rank-one and whitened
examples with rational optimum).

Otherwise (``exact=False``) the polytope is built on the certified data: the candidate groups are
those *not certified inactive* (``κ‖p_g‖ + L √(2 gap) ≥ β`` with ``L = ‖X‖_F``, times √pool
for a CNN's pooled readout (:func:`dual_map_bound`), where projections are nonexpansive, so
every truly active group is a candidate), the directions are the certified
rational projections ``p_g`` at v (or the solution's own ``w_g`` when it is not a multiple of
``p_g``), and ``ŷ`` is the certified fit (``‖ŷ − ŷ*‖ ≤ √(2 gap)``). Its vertices and supports are
exact *for that polytope*; each vertex has the certified fit exactly and objective at most
``lower + vertex_excess`` (rational enclosures), so it is a certified ``vertex_excess``-optimal
point, and ``m_star`` is the minimal support among them.

References: Wang, Lacotte & Pilanci (2022), "The hidden convex optimization landscape of
regularized two-layer ReLU networks", arXiv:2006.05900; poster (seed 004); docs/MATH.md §6, §7.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from arrangement.exactla import dot
from arrangement.rational import sqrt_ceil
from exact.network import Network
from exact.projection import ProjectionCertificate, integer_projection, project_onto_cone
from exact.pruning import norm_enclosure
from exact.quiet import cdd_quiet
from exact.types import Group, Vec

__all__ = ["MAX_EXACT_BITS", "OptimalSet", "OverBudget", "count_minimal_optimal_networks",
           "dual_map_bound", "exact_dual", "group_projection", "h_rows", "integer_column_rank",
           "lp_size_bits",
           "optimal_set", "polytope_vertices", "screen_estimate", "screened_projections",
           "simplest_rational", "vertex_bound"]

#: Size budget of the exact cddlib computations on the optimal polytope (vertex enumeration,
#: the one-vertex LP), in total bits of the matrix entries (:func:`lp_size_bits`). The exact
#: simplex grows faster than linearly in it: measured 2.6 s at 1.8e5 bits, 8 s at 4.6e5 and
#: 68 s at 1.5e6 (standardized iris, beta = 1e-9: 308 candidate groups with 836-bit entries).
#: Above it the vertex is the certified solution's own point, pruned exactly (Carathéodory).
MAX_EXACT_BITS = 100_000


class OverBudget(ArithmeticError):
    """The extras' time budget ran out (``deadline`` of :func:`optimal_set`): the message says
    where. Raised between exact steps, never inside one, so nothing half-done is returned."""


def _check_deadline(deadline: float | None, where: str) -> None:
    if deadline is not None and time.process_time() > deadline:
        raise OverBudget(f"its time budget ran out during {where}")


@dataclass
class OptimalSet:
    """The vertices of the optimal polytope (module docstring) and ``m*``.

    ``active_groups``: groups spanning the polytope (exact case: ``‖q_g‖ = β`` exactly;
    otherwise the groups not certified inactive); ``directions[g]``: the rational direction of
    group g; ``fit``: the fit ``ŷ``; ``vertices``: one dict ``{g: w}`` (nonzero groups) per
    vertex; ``m_star``: the smallest vertex support; ``networks``: ψ of each vertex; ``exact``:
    see the module docstring; ``note``: what was certified.
    """

    active_groups: list[Group]
    directions: dict[Group, Vec]
    fit: Vec
    vertices: list[dict[Group, Vec]]
    m_star: int
    networks: list[Network]
    exact: bool
    note: str
    n: int = 0
    rank: int = 0
    value: Fraction | None = None
    dual: Vec | None = None
    rays: list[dict[Group, Fraction]] = field(default_factory=list)
    vertex_excess: Fraction | None = None
    certified_inactive: int = 0
    #: False when there were too many candidate groups to enumerate the vertices: ``vertices``
    #: then holds one vertex and ``m_star`` is only an upper bound on m*
    complete: bool = True
    #: why the exact cddlib computations (vertex enumeration, the one-vertex LP) were skipped
    #: (None: they ran): the polytope's matrix was above the size budget ``max_bits``
    skipped: str | None = None

    @property
    def m_star_le_n(self) -> bool:
        """``m* ≤ n`` (expected for the squared loss: vertex supports are independent)."""
        return self.m_star <= self.n

    @property
    def m_star_le_n_plus_1(self) -> bool:
        """``m* ≤ n + 1`` (Wang, Lacotte & Pilanci 2022; poster seed 004)."""
        return self.m_star <= self.n + 1

    @property
    def minimal_vertices(self) -> list[dict[Group, Vec]]:
        """The vertices with exactly ``m*`` nonzero groups."""
        return [W for W in self.vertices if len(W) == self.m_star]


# -- small exact helpers --------------------------------------------------------------------------

def simplest_rational(lo: Fraction, hi: Fraction) -> Fraction:
    """The rational with the smallest denominator in ``[lo, hi]`` (continued fractions).

    >>> simplest_rational(Fraction(99, 1000), Fraction(101, 1000))
    Fraction(1, 10)
    >>> simplest_rational(Fraction(-1, 3), Fraction(1, 5))
    Fraction(0, 1)
    """
    lo, hi = Fraction(lo), Fraction(hi)
    if lo > hi:
        raise ValueError("empty interval")
    # the continued fraction on integer pairs: lo = a/b, hi = c/e (b, e > 0, not necessarily
    # reduced); the Fraction version spent its time in gcds (a third of a small solve's extras)
    a, b, c, e = lo.numerator, lo.denominator, hi.numerator, hi.denominator
    terms: list[int] = []
    for _ in range(10_000):
        fl = a // b
        if fl * b == a or (fl + 1) * e <= c:
            terms.append(fl if fl * b == a else fl + 1)
            break
        terms.append(fl)
        # fl < lo ≤ hi < fl + 1: recurse on the reciprocals of the fractional parts
        a, b, c, e = e, c - fl * e, b, a - fl * b
    else:  # pragma: no cover - needs an absurdly long continued fraction
        raise ArithmeticError("continued fraction too long")
    p, q = terms[-1], 1
    for t in reversed(terms[:-1]):
        p, q = t * p + q, p
    return Fraction(p, q)


def _h(cp, i: int, v: Vec) -> Vec:
    """``Xᵀ D_i v`` exactly."""
    D = cp.patterns[i]
    out = [Fraction(0)] * cp.d
    for j, row in enumerate(cp.X):
        if D[j] and v[j]:
            for c, x in enumerate(row):
                if x:
                    out[c] += v[j] * x
    return tuple(out)


def group_projection(cp, g: Group, v: Vec) -> ProjectionCertificate:
    """``Π_{C_i}(s XᵀD_i v)`` for the group ``g = (i, s)`` of the program ``cp``, exactly, with
    its KKT multipliers (docs/MATH.md §7).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> i = next(k for k in range(cp.p) if cp.patterns[k] == (1, 1))
    >>> group_projection(cp, (i, 1), (Fraction(1), Fraction(-1))).p
    (Fraction(1, 1), Fraction(0, 1))
    """
    i, s = g
    h = _h(cp, i, v)
    return project_onto_cone(cp.cones[i], h if s == 1 else tuple(-x for x in h))


def h_rows(cp, v: Vec, chambers: Sequence[int]) -> tuple[dict[int, list[int]], int]:
    """The rows ``chambers`` of :func:`exact.certify.h_matrix`: integers ``H_i`` and the same
    ``den`` with ``Xᵀ D_i Sᵀv = H_i / den`` exactly, for a few chambers without the whole
    p × d matrix.

    >>> from exact.certify import h_matrix
    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> v = (Fraction(1, 10), Fraction(-1, 3), Fraction(1, 10))
    >>> (H, den), (Hk, dk) = h_matrix(cp, v), h_rows(cp, v, [0, 4])
    >>> dk == den and all(Hk[i] == [int(x) for x in H[i]] for i in (0, 4))
    True
    """
    Lx = math.lcm(*(q.denominator for row in cp.X for q in row))
    Lv = math.lcm(*(q.denominator for q in v))
    vr = cp.spread(v)  # the dual on the rows (a CNN's pooled readout repeats v_j)
    B = [[int(q * Lv) * int(x * Lx) for x in row] if q else None
         for q, row in zip(vr, cp.X)]
    out: dict[int, list[int]] = {}
    for i in chambers:
        acc = [0] * cp.d
        for r, on in enumerate(cp.patterns[i]):
            b = B[r]
            if on and b is not None:
                acc = [a + x for a, x in zip(acc, b)]
        out[i] = acc
    return out, Lx * Lv


#: CPU seconds per group of the screen of every group (:func:`screened_projections`: H, the
#: float bounds, their exact re-checks, the projections left), measured on the solver suite's
#: (12, 4) (924 groups in about 5.5 ms) and (20, 3) (724 groups, 92 projections, 14 ms): the
#: low end, so that an estimate above the budget is a sure skip.
SCREEN_SECONDS_PER_GROUP = 5e-6


def screen_estimate(p: int) -> float:
    """The expected CPU seconds of the screen of every group of a program with ``p`` chambers
    (:data:`SCREEN_SECONDS_PER_GROUP`): checked against the extras' deadline before the screen
    starts, so that a screen that cannot fit is skipped before it is paid for.

    >>> screen_estimate(462)
    0.00462
    """
    return SCREEN_SECONDS_PER_GROUP * 2 * p


def screened_projections(cp, v: Vec, thr: Fraction, keep: Sequence[Group] = (),
                         stop: Fraction | None = None, deadline: float | None = None,
                         estimate: float = 0.0
                         ) -> tuple[dict[Group, ProjectionCertificate], int] | None:
    """Exact projections ``Π_{C_i}(s XᵀD_i v)`` of the groups that are not *proven* to have
    ``t = ‖Π‖² ≤ thr``, and the number of groups so proven: ``(certs, dismissed)``.

    The proofs are those of the certificates' dual pass (:func:`exact.certify.dual_pieces`,
    docs/certificates.md): the float norm and half-space bounds and the descent multipliers of
    :mod:`exact.screen`, each dismissal re-checked in exact integer arithmetic; every other
    group is projected exactly, the groups in ``keep`` always. With ``stop``, None as soon as a
    projection has ``t > stop`` (the active groups are visited first, then by decreasing
    ``‖g‖``). Replaces one exact projection per chamber and sign (the extras' largest cost).
    Past ``deadline`` (a ``time.process_time()`` value) :class:`OverBudget` is raised between
    two projections, and before the screen of every group when ``estimate`` (its expected CPU
    seconds, e.g. measured on a previous screen of the same program) would cross it.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> v = (Fraction(1, 10), Fraction(-1, 10), Fraction(1, 10))
    >>> certs, dismissed = screened_projections(cp, v, Fraction(1, 200))
    >>> len(certs) + dismissed == len(cp.groups), dismissed > 0
    (True, True)
    >>> all(group_projection(cp, g, v).norm2 <= Fraction(1, 200)
    ...     for g in cp.groups if g not in certs)
    True
    """
    import numpy as np

    from exact.certify import h_matrix
    from exact.screen import facet_arrays, float_g, proven_below

    fa = facet_arrays(cp) if cp.p else None
    first = list(dict.fromkeys(keep))
    certs: dict[Group, ProjectionCertificate] = {}
    # the kept groups first, before the screen of every group: with ``stop`` a candidate v*
    # is usually refuted by one of them (breast cancer 20 x 5: a 1 s screen saved per refuted
    # candidate). Their rows of H alone (h_rows: the same integers over the same den as
    # h_matrix's), so that a refuted candidate never pays for the whole of H ((12, 4): 4 ms
    # of the extras' 16 were a candidate refuted by its third kept group)
    if first:
        Hk, den = h_rows(cp, v, sorted({i for i, _s in first}))
        r2: list[float] = []
        guesses = (_support_guesses(fa, Hk, den, first, residuals=r2) if fa is not None
                   else [[]] * len(first))
        pairs = list(zip(first, guesses))
        if stop is not None and len(r2) == len(pairs):
            # the float ‖Π‖² of the NNLS (its residual) names the likely refuter: projected
            # first, one exact projection refutes most wrong candidates
            pairs = [pairs[t] for t in sorted(range(len(pairs)),
                                              key=lambda t: -r2[t] if r2[t] == r2[t] else 0.0)]
        for (i, s), guess in pairs:
            _check_deadline(deadline, f"the exact projections ({len(certs)} of {len(first)} "
                                      "kept groups done)")
            c, t = integer_projection(cp.cones[i], [s * int(x) for x in Hk[i]], den, guess)
            if stop is not None and t > stop:
                return None
            certs[(i, s)] = c
    _check_deadline(deadline, "the screen of every group")
    estimate = max(estimate, screen_estimate(cp.p))
    if deadline is not None and time.process_time() + estimate > deadline:
        raise OverBudget(f"its time budget would run out during the screen of every group "
                         f"({2 * cp.p} groups, about {estimate:.3f} s CPU, estimated from their "
                         "number and from any previous screen)")
    H, den = h_matrix(cp, v)
    gF = float_g(H, den) if fa is not None else None  # once (object H: 0.04 s per conversion)
    done = np.zeros((cp.p, 2), dtype=bool)
    if fa is not None and thr > 0:
        done = proven_below(cp, fa, H, den, thr, gF=gF)
        _check_deadline(deadline, "the screen of every group (its NNLS multipliers)")
        done |= _nnls_proven(cp, fa, H, den, thr, ~done, gF)
    for i, s in keep:
        done[i, 0 if s == 1 else 1] = False
    _check_deadline(deadline, "the screen of every group")
    firsts = set(first)
    rest = np.argwhere(~done)
    norms = np.array([sum(int(x) * int(x) for x in H[i]) for i in rest[:, 0].tolist()],
                     dtype=object)
    order = sorted(range(len(rest)), key=lambda t: -norms[t])
    todo = [g for g in ((int(rest[t, 0]), 1 - 2 * int(rest[t, 1])) for t in order)
            if g not in firsts]
    guesses = _support_guesses(fa, H, den, todo, gF) if fa is not None else [[]] * len(todo)
    for (i, s), guess in zip(todo, guesses):
        _check_deadline(deadline, f"the exact projections ({len(certs)} of "
                                  f"{len(first) + len(todo)} done)")
        # in integers over den (exact.projection.integer_projection), on the support of a
        # batched float NNLS: the Fraction projections were most of the extras
        c, t = integer_projection(cp.cones[i], [s * int(x) for x in H[i]], den, guess)
        if stop is not None and t > stop:
            return None
        certs[(i, s)] = c
    return certs, int(done.sum())


def _support_guesses(fa, H, den: int, groups: Sequence[Group], gF=None,
                     residuals: list[float] | None = None) -> list[list[int]]:
    """Per group, the facets a batched float NNLS of the dual uses, by decreasing multiplier
    (:func:`exact.nnls.batched_nnls`; empty where floats fail): the guessed active sets. ``H``
    is the whole p × d matrix of :func:`exact.certify.h_matrix` or a mapping of some of its
    rows (:func:`h_rows`). ``residuals`` (when given) gets each group's float ``‖g + Aᵀλ‖²``,
    about ``‖Π‖²`` (nothing when floats fail)."""
    import numpy as np

    from exact.nnls import batched_nnls
    from exact.screen import float_g

    rows = np.array([i for i, _s in groups], dtype=np.int64)
    if isinstance(H, Mapping):  # only some rows (h_rows): their floats alone
        gF = float_g(np.array([list(H[i]) for i in rows.tolist()], dtype=object
                              ).reshape(len(rows), -1), den) if len(groups) else None
        at = np.arange(len(rows))
    else:
        if gF is None and len(groups):
            gF = float_g(H, den)
        at = rows
    if gF is None or fa.raw is None or not len(groups):
        return [[] for _ in groups]
    sg = np.array([s for _i, s in groups], dtype=float)
    fb = max(int(fa.counts[rows].max(initial=0)), 1)
    with np.errstate(all="ignore"):
        lam, res = batched_nnls(fa.raw[rows, :fb], fa.counts[rows], sg[:, None] * gF[at])
        if residuals is not None:
            residuals.extend(np.einsum("md,md->m", res, res).tolist())
    out: list[list[int]] = []
    for row in lam:
        if not np.isfinite(row).all() or not row.any():
            out.append([])
            continue
        cut = 1e-9 * float(row.max())
        out.append([j for j in np.argsort(-row).tolist() if row[j] > cut])
    return out


def _nnls_proven(cp, fa, H, den: int, thr: Fraction, todo, gF=None):
    """The groups of the mask ``todo`` whose float NNLS multipliers
    (:func:`exact.nnls.batched_nnls`, dyadic floats ≥ 0) prove ``t ≤ thr`` exactly
    (:func:`exact.screen.exact_multipliers_ok`): the descent of the screen stops after a few
    sweeps, and every group it leaves was an exact projection."""
    import numpy as np

    from exact.nnls import batched_nnls
    from exact.screen import exact_multipliers_ok, float_g, int_facets

    out = np.zeros_like(todo)
    g = np.argwhere(todo)
    if gF is None and len(g):
        gF = float_g(H, den)
    if gF is None or fa.raw is None or not np.isfinite(gF).all():
        return out
    fb = max(int(fa.counts[g[:, 0]].max(initial=0)), 1)
    sg = 1 - 2 * g[:, 1]
    with np.errstate(all="ignore"):
        lam, _r = batched_nnls(fa.raw[g[:, 0], :fb], fa.counts[g[:, 0]], sg[:, None] * gF[g[:, 0]])
    if not np.isfinite(lam).all():
        return out
    ok = exact_multipliers_ok(int_facets(cp), H, den, g[:, 0], sg, lam, thr)
    out[g[ok, 0], g[ok, 1]] = True
    return out


def _positive_multiple(w: Vec, p: Vec) -> Fraction | None:
    """r > 0 with ``w = r p`` exactly, else None."""
    k = next((j for j, x in enumerate(p) if x), None)
    if k is None or not w[k]:
        return None
    r = w[k] / p[k]
    return r if r > 0 and all(a == r * b for a, b in zip(w, p)) else None


# -- vertex enumeration ---------------------------------------------------------------------------
def polytope_vertices(columns: Sequence[Sequence[Fraction]], b: Sequence[Fraction]
                      ) -> tuple[list[tuple[Fraction, ...]], list[tuple[Fraction, ...]]]:
    """Vertices and extreme rays of ``{ρ ≥ 0 : Σ_g ρ_g columns[g] = b}``, exactly (cdd.gmp).

    H-representation ``b_j − Σ_g ρ_g F_gj = 0`` (rows in ``lin_set``) and ``ρ_g ≥ 0``; the
    generators are read back as Fractions. An empty polytope has no vertices.

    >>> verts, rays = polytope_vertices([(1, 0), (0, 1), (1, 1)], (1, 1))
    >>> [tuple(map(str, r)) for r in verts], rays
    ([('0', '0', '1'), ('1', '1', '0')], [])
    """
    import cdd
    import cdd.gmp

    k = len(columns)
    n = len(b)
    if k == 0:
        return ([()] if not any(b) else []), []
    rows = [[Fraction(b[j])] + [-Fraction(columns[g][j]) for g in range(k)] for j in range(n)]
    rows += [[Fraction(0)] + [Fraction(int(g == t)) for t in range(k)] for g in range(k)]
    mat = cdd.gmp.matrix_from_array(rows, lin_set=set(range(n)),
                                    rep_type=cdd.RepType.INEQUALITY)
    with cdd_quiet():
        gen = cdd.gmp.copy_generators(cdd.gmp.polyhedron_from_matrix(mat))
    verts, rays = [], []
    for t, row in enumerate(gen.array):
        x = tuple(Fraction(v) for v in row[1:])
        if row[0] != 0:
            h = Fraction(row[0])
            verts.append(x if h == 1 else tuple(v / h for v in x))
        else:
            rays.append(x)
            if t in gen.lin_set:  # pragma: no cover - ρ ≥ 0 leaves no lineality
                rays.append(tuple(-v for v in x))
    # by support size, then lexicographically; each value replaced by its rank among the
    # distinct values (the same order as comparing the Fractions, without their slow __lt__)
    rank = {x: t for t, x in enumerate(sorted({x for r in verts for x in r}))}
    verts.sort(key=lambda r: (sum(1 for v in r if v), tuple(rank[x] for x in r)))
    return verts, rays


# -- the exact dual -------------------------------------------------------------------------------
def exact_dual(solution, max_bits: int | None = None
               ) -> tuple[Vec, dict[Group, ProjectionCertificate]] | None:
    """Try to recover the exact optimal dual ``v* = y − ŷ*`` of a certified squared-loss solution.

    Candidates are the simplest rationals within ``√(2·gap)`` of ``κv`` coordinatewise (then a
    few smaller radii); a candidate is accepted only when it is exactly dual feasible (exact
    projections for every chamber and sign) and the primal polytope over its tight groups, with
    fit ``y − v``, is nonempty: then the dual and primal values coincide and ``v = v*``. Returns
    ``(v*, projections)`` (the projections of the groups the screen could not prove below β²,
    every tight group among them: :func:`screened_projections`) or None; None also when the
    primal check's polytope is above ``max_bits`` (:func:`lp_size_bits`; None: no budget).

    >>> from exact.certify import solve
    >>> v, _ = exact_dual(solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10"))
    >>> v
    (Fraction(1, 10), Fraction(-1, 10), Fraction(1, 10))
    """
    return _exact_dual(solution, max_bits)[0]


def _too_far(a: Vec, C: Sequence[int], Dc: int, r2: Fraction) -> bool:
    """``‖a − C/Dc‖² > r2`` exactly, in integers: ``Σ (A_j Dc − C_j Da)² > r2 (Da Dc)²`` with
    ``a = A/Da`` over the lcm of its denominators."""
    Da = math.lcm(*(x.denominator for x in a))
    dist = sum((x.numerator * (Da // x.denominator) * Dc - c * Da) ** 2 for x, c in zip(a, C))
    return dist * r2.denominator > r2.numerator * (Da * Dc) ** 2


def _exact_dual(solution, max_bits: int | None, deadline: float | None = None,
                costs: list[float] | None = None,
                screens: list[tuple[Vec, set[Group]]] | None = None):
    """:func:`exact_dual` and why it gave up on the size budget (None: it did not); the CPU
    seconds of each screen are appended to ``costs``, and each candidate screened in full to
    ``screens`` with the groups it did *not* prove below ``β²(1 − 2⁻²⁰)``."""
    cp = solution.program
    if cp is None or not cp.loss_fn.supports_optimal_set:
        return None, None
    beta2 = cp.beta * cp.beta
    center = tuple(solution.kappa * x for x in solution.dual)
    # κv = C / Dc in integers: the distance test below without a Fraction per coordinate
    # (its Fraction sum was a third of a refuted candidate's cost at (12, 4))
    Dc = math.lcm(*(c.denominator for c in center))
    C = [c.numerator * (Dc // c.denominator) for c in center]
    gap = max(solution.gap, Fraction(0))
    r0 = sqrt_ceil(2 * gap, 96)
    radii = [r0] if r0 == 0 else [r0, r0 / 2**20, r0 / 2**60]
    seen: set[Vec] = set()
    first = list(solution.active_groups)
    for r in radii:
        cand = tuple(simplest_rational(c - r, c + r) for c in center)
        if cand in seen:
            continue
        seen.add(cand)
        if _too_far(cand, C, Dc, 2 * gap):
            continue  # too far from κv to be v* (strong concavity of the dual)
        if not solution.lower <= dot(cand, cp.y) - dot(cand, cand) / 2 <= solution.upper:
            # v* has dual value P* ∈ [lower, upper] (strong duality, docs/MATH.md §7): a
            # candidate off by ~ŷ*·(its rounding) ≫ gap is refuted in O(n), not by a screen
            continue
        # dual feasible: every group proven below β²(1 − 2⁻²⁰) (so neither violated nor
        # tight) by the screen, the rest projected exactly, the likely violators first
        c0 = time.process_time()
        res = screened_projections(cp, cand, beta2 * (1 - Fraction(1, 2**20)), keep=first,
                                   stop=beta2, deadline=deadline,
                                   estimate=max(costs or [0.0]))
        if costs is not None:
            costs.append(time.process_time() - c0)
        if res is None:
            continue
        certs = res[0]
        if screens is not None:
            screens.append((cand, set(certs)))
        yhat = tuple(t - x for t, x in zip(cp.y, cand))
        act = [g for g in cp.groups if g in certs and certs[g].norm2 == beta2]
        cols = [cp.fit(g[0], g[1], certs[g].p) for g in act]
        size = lp_size_bits(cols, yhat)
        if max_bits is not None and size > max_bits:
            return None, (f"the exact check of a candidate v* (primal attainability, "
                          f"{len(act)} tight groups) has {size} bits > budget {max_bits}")
        verts, _ = polytope_vertices(cols, yhat)
        if verts:
            return (cand, certs), None
    return None, None


# -- the optimal set ------------------------------------------------------------------------------
def lp_size_bits(columns: Sequence[Sequence[Fraction]], b: Sequence[Fraction]) -> int:
    """The size of the exact LP / vertex enumeration on ``{ρ ≥ 0 : Σ_g ρ_g columns[g] = b}``:
    the total bit length of the numerators and denominators of its entries.

    >>> lp_size_bits([(Fraction(1, 3), 0)], (Fraction(7), Fraction(0)))
    9
    """
    def bits(x: Fraction) -> int:
        if not isinstance(x, Fraction):  # re-wrapping every Fraction cost more than the sum
            x = Fraction(x)
        return x.numerator.bit_length() + x.denominator.bit_length()

    return sum(bits(x) for c in columns for x in c) + sum(bits(x) for x in b)


def _vertex_groups(keys: Sequence[Group], dirs: Mapping[Group, Vec], rho: Sequence[Fraction],
                   memo: dict | None = None) -> dict[Group, Vec]:
    """``{g: ρ_g d_g}`` over the nonzero ρ; ``memo`` shares the products between vertices (many
    vertices repeat the same (group, ρ) pairs)."""
    if memo is None:
        return {g: tuple(r * x for x in dirs[g]) for g, r in zip(keys, rho) if r}
    out = {}
    for g, r in zip(keys, rho):
        if r:
            w = memo.get((g, r))
            if w is None:
                w = memo[(g, r)] = tuple(r * x for x in dirs[g])
            out[g] = w
    return out


def integer_column_rank(cols: Sequence[Sequence[Fraction]]) -> int:
    """The rank of rational vectors: when their rank modulo a prime is already the largest
    possible, ``min(#vectors, length)``, that is the rank (a minor nonzero mod p is nonzero);
    otherwise each vector is scaled to integers and eliminated fraction-free
    (:func:`arrangement.exactla.integer_rank`; the Fraction rref of 92 fits of length 20 took
    a third of a small solve's extras, the integer one still 16 ms).

    >>> integer_column_rank([(Fraction(1, 2), 1), (1, 2), (0, Fraction(1, 3))])
    2
    >>> integer_column_rank([(1, 2, 3), (2, 4, 6)]), integer_column_rank([(0, 0)])
    (1, 0)
    """
    from arrangement.exactla import integer_rank

    if not cols or not len(cols[0]):
        return 0
    full = min(len(cols), len(cols[0]))
    if _rank_mod_prime(cols) == full:
        return full
    rows = []
    for c in cols:
        q = [x if isinstance(x, Fraction) else Fraction(x) for x in c]
        L = math.lcm(*(x.denominator for x in q))
        rows.append([x.numerator * (L // x.denominator) for x in q])
    return integer_rank(rows)


#: the prime of :func:`_rank_mod_prime` (2³¹ − 1: products of residues fit in int64)
_PRIME = 2**31 - 1


def _rank_mod_prime(cols: Sequence[Sequence[Fraction]]) -> int:
    """A lower bound on the rank over Q: the rank of the vectors' images in GF(p) (0 when a
    denominator is divisible by p: no image). Rationals with denominators prime to p map
    ring-homomorphically to GF(p), so every minor nonzero there is nonzero over Q."""
    import numpy as np

    inv: dict[int, int] = {}
    rows = []
    for c in cols:
        row = []
        for x in c:
            q = x if isinstance(x, Fraction) else Fraction(x)
            den = q.denominator
            if den % _PRIME == 0:
                return 0
            if den not in inv:
                inv[den] = pow(den, -1, _PRIME)
            row.append(q.numerator % _PRIME * inv[den] % _PRIME)
        rows.append(row)
    A = np.array(rows, dtype=np.int64)
    r = 0
    for col in range(A.shape[1]):
        nz = np.flatnonzero(A[r:, col])
        if not len(nz):
            continue
        piv = r + int(nz[0])
        A[[r, piv]] = A[[piv, r]]
        A[r] = A[r] * pow(int(A[r, col]), -1, _PRIME) % _PRIME
        f = A[:, col].copy()
        f[r] = 0
        A = (A - (f[:, None] * A[r][None, :]) % _PRIME) % _PRIME
        r += 1
        if r == A.shape[0]:
            break
    return r


def vertex_bound(k: int, rank: int) -> int:
    """An upper bound on the number of vertices of ``{ρ ≥ 0 : Σ_g ρ_g F_g = b}`` with k columns
    of rank r, known before enumerating them: the polytope has dimension at most ``D = k − r``
    and at most k facets (``ρ_g ≥ 0``), so by McMullen's upper bound theorem (dual form) it
    has at most ``C(k − ⌊(D+1)/2⌋, k − D) + C(k − ⌊(D+2)/2⌋, k − D)`` vertices; also at most
    ``C(k, r)`` (one basis each).

    >>> vertex_bound(5, 3), vertex_bound(19, 8), vertex_bound(4, 4)
    (5, 2574, 1)
    """
    D = k - rank
    if D <= 0:
        return 1
    ubt = math.comb(k - (D + 1) // 2, k - D) + math.comb(k - (D + 2) // 2, k - D)
    return min(ubt, math.comb(k, rank))


def optimal_set(solution, *, networks: bool = True, max_candidates: int = 24,
                max_bits: int | None = MAX_EXACT_BITS,
                max_vertices: int | None = None, deadline: float | None = None) -> OptimalSet:
    """The vertices of the optimal polytope of a certified squared-loss solution, and ``m*``.

    Exact when :func:`exact_dual` recovers ``v*`` (then ``exact=True`` and ``value = P*``);
    otherwise the polytope on the certified candidates and the certified fit (module
    docstring). ``networks=False`` skips ψ of the vertices. Above ``max_candidates`` candidate
    groups the vertices (possibly exponentially many) are not enumerated: one vertex is found by
    an exact LP, ``complete`` is False and ``m_star`` is an upper bound. Above ``max_bits``
    (:func:`lp_size_bits`; None: no budget) neither runs: the one vertex is the certified
    solution's own point pruned exactly to independent fits, ``complete`` is False and
    ``skipped`` says why. The same happens when the vertices could be more than
    ``max_vertices`` (:func:`vertex_bound`, before any enumeration; None: no budget): each
    vertex costs exact work (its fit, its objective, its network). Past ``deadline`` (a
    ``time.process_time()`` value: CPU, so other jobs on the machine do not eat it; None: none)
    :class:`OverBudget` is raised between exact steps.

    >>> from exact.certify import solve
    >>> S = optimal_set(solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10"))   # docs/MATH.md §9
    >>> S.exact, S.value, S.m_star, S.fit
    (True, Fraction(37, 200), 3, (Fraction(9, 10), Fraction(1, 10), Fraction(9, 10)))

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900; poster (seed 004).
    """
    cp = solution.program
    if cp is None:
        raise ValueError("the solution carries no convex program")
    if not cp.loss_fn.supports_optimal_set:
        raise ValueError(f"the optimal set is derived for the squared loss only, not for the "
                         f"{cp.loss} loss (docs/MATH.md §7, §11)")
    beta = cp.beta
    costs: list[float] = []  # CPU seconds of each screen: the estimate of the next one
    screens: list[tuple[Vec, set[Group]]] = []
    rec, dual_skipped = _exact_dual(solution, max_bits, deadline, costs, screens)
    dirs: dict[Group, Vec] = {}
    inactive = 0
    if rec is not None:
        v, certs = rec
        keys = [g for g in cp.groups if g in certs and certs[g].norm2 == beta * beta]
        dirs = {g: certs[g].p for g in keys}
        fit = tuple(t - x for t, x in zip(cp.y, v))
        value = dot(v, cp.y) - dot(v, v) / 2
        exact = True
    else:
        v, value, exact = None, None, False
        fit = tuple(cp.prediction(solution.groups))
        gap = max(solution.gap, Fraction(0))
        L = dual_map_bound(cp)
        slack = L * sqrt_ceil(2 * gap, 96)
        keys = []
        # certified inactive by a bound alone: t ≤ thr < ((β − slack)/κ)² gives
        # κ‖p_g‖ + slack < β; the screen proves t ≤ thr for most groups, the rest are projected
        reach = (beta - slack) / solution.kappa if solution.kappa > 0 else Fraction(-1)
        certs0: dict[Group, ProjectionCertificate] = dict(solution.projections)
        near = _screened_nearby(cp, solution, screens, L, slack)
        if near is not None:
            # the groups a candidate's screen proved small are certified inactive here too
            # (_screened_nearby): only the others are projected, and no second screen runs
            todo = [g for g in cp.groups
                    if (g in near or g in solution.groups) and g not in certs0]
            certs0.update(_projections(cp, solution.dual, todo, deadline))
        elif reach > 0:
            thr = reach * reach * (1 - Fraction(1, 2**20))
            screened = screened_projections(cp, solution.dual, thr,
                                            keep=[g for g in solution.groups
                                                  if g not in certs0], deadline=deadline,
                                            estimate=max(costs, default=0.0))
            assert screened is not None  # None only with a stop value
            for g, c0 in screened[0].items():
                certs0.setdefault(g, c0)
        for g in cp.groups:
            got = certs0.get(g)
            if got is None:
                if near is not None or reach > 0:
                    inactive += 1  # proven t ≤ thr above (or near): certified inactive
                    continue
                _check_deadline(deadline, "the projections of the candidate groups")
                got = group_projection(cp, g, solution.dual)
            c = got
            w = solution.groups.get(g)
            if w is None:
                # certified inactive: ‖q*_g‖ ≤ κ‖p_g‖ + L √(2 gap) < β (dual_map_bound)
                if not any(c.p) or solution.kappa * sqrt_ceil(c.norm2, 96) + slack < beta:
                    inactive += 1
                    continue
                dirs[g] = c.p
            else:
                dirs[g] = c.p if _positive_multiple(tuple(w), c.p) is not None else tuple(w)
            keys.append(g)
    cols = [cp.fit(g[0], g[1], dirs[g]) for g in keys]
    size = lp_size_bits(cols, fit)
    skipped = None
    rays: list[tuple[Fraction, ...]]
    _check_deadline(deadline, "the candidate groups")
    rk = integer_column_rank(cols)
    nv = vertex_bound(len(keys), rk)
    _check_deadline(deadline, "the rank of the candidate fits")
    if max_bits is not None and size > max_bits:
        # the exact simplex on big rationals took minutes (MAX_EXACT_BITS): the certified
        # solution is itself a point of the polytope, and pruning it gives a vertex
        skipped = (f"the optimal polytope's matrix has {size} bits > budget {max_bits} "
                   f"({len(keys)} candidate groups)")
        complete = False
        verts, rays = [_solution_vertex(cp, solution, keys, dirs)], []
    elif max_vertices is not None and len(keys) <= max_candidates and nv > max_vertices:
        # (12, 4): 512 vertices took 1.5x the certified solve; the bound is known up front
        skipped = (f"the optimal polytope may have up to {nv} vertices ({len(keys)} candidate "
                   f"groups of rank {rk}) > budget {max_vertices}")
        complete = False
        verts, rays = [_solution_vertex(cp, solution, keys, dirs)], []
    elif len(keys) <= max_candidates:
        complete = True
        verts, rays = polytope_vertices(cols, fit)
    else:
        # the vertices can be exponentially many: one vertex, by an exact LP and pruning
        complete = False
        verts, rays = [_one_vertex(cp, keys, dirs, cols, fit)], []
    memo: dict = {}
    vertices = [_vertex_groups(keys, dirs, r, memo) for r in verts]
    for r in verts:  # exact: every vertex has the fit, Σ ρ_g F_g (F_g linear in the group)
        z = [Fraction(0)] * len(fit)
        for rho, col in zip(r, cols):
            if rho:
                for j, f in enumerate(col):
                    if f:
                        z[j] += rho * f
        if tuple(z) != tuple(fit):  # pragma: no cover - cdd is exact
            raise ArithmeticError("a vertex of the optimal polytope misses the fit")
    if not vertices:  # pragma: no cover - the certified solution is a point of the polytope
        raise ArithmeticError("the optimal polytope is empty")
    m_star = min(len(W) for W in vertices)
    excess: Fraction | None
    if exact:
        # ‖q_g‖ = β exactly, so L^c(W) = ½‖v‖² + β² Σ ρ_g: rational, and equal to P*
        for r in verts:
            obj = dot(v, v) / 2 + beta * beta * sum(r, Fraction(0))
            if obj != value:  # pragma: no cover - the derivation in the module docstring
                raise ArithmeticError("a vertex of the exact optimal polytope is not optimal")
        excess = Fraction(0)
        note = (f"exact: v* recovered and verified (dual feasible for all {cp.p} chambers x 2 "
                f"signs, primal attained, gap 0); P* = {value}; W* has {len(vertices)} "
                f"vertices; m* = {m_star} (exact)")
    else:
        loss = cp.loss_value(fit)
        # Σ_g ‖ρ_g d_g‖ ≤ Σ_g ρ_g·hi(‖d_g‖): one norm enclosure per group, not per vertex
        used = {t for r in verts for t, x in enumerate(r) if x}
        hi = {t: norm_enclosure(dirs[keys[t]])[1] for t in used}
        excess = max((loss + beta * sum((x * hi[t] for t, x in enumerate(r) if x), Fraction(0))
                      for r in verts), default=Fraction(0)) - solution.lower
        note = ("certified, not exact: vertices of {rho >= 0 : sum rho_g F_g = yhat} over the "
                f"{len(keys)} groups not certified inactive ({inactive} certified inactive) and "
                "the certified fit yhat (|yhat - yhat*| <= sqrt(2 gap)); supports are exact for "
                f"this polytope; each vertex is within {float(excess):.3g} of P*; m* = {m_star} "
                "on this polytope")
    if rays:
        note += f"; the polytope has {len(rays)} unbounded directions (not optimal)"
    if dual_skipped is not None:
        note += f"; recovery of the exact v* skipped: {dual_skipped}"
    if skipped is not None:
        note += (f"; vertex enumeration and exact LP skipped: {skipped}; one vertex by pruning "
                 f"the certified solution, so m* <= {m_star} only")
    elif not complete:
        note += (f"; vertex enumeration skipped ({len(keys)} candidate groups > max_candidates "
                 f"= {max_candidates}): one vertex from an exact LP, so m* <= {m_star} only")
    nets = []
    if networks:
        from exact.maps import psi

        nets = [psi(W) for W in vertices]
    return OptimalSet(
        active_groups=list(keys), directions=dirs, fit=tuple(fit), vertices=vertices,
        m_star=m_star, networks=nets, exact=exact, note=note, n=cp.n, rank=rk, value=value,
        dual=v, rays=[dict(zip(keys, r)) for r in rays], vertex_excess=excess,
        certified_inactive=inactive, complete=complete,
        skipped="; ".join(t for t in (dual_skipped, skipped) if t) or None)


def dual_map_bound(cp) -> Fraction:
    """A rational ``L ≥ ‖Xᵀ D_i Sᵀ u‖ / ‖u‖`` for every chamber i and every u ≠ 0 (S the
    readout): ``‖X‖_F·√pool``, rounded up. With ``pool = 1`` (S = I) it is ``‖X‖_F``; a CNN's
    pooled readout repeats each u_j on its signal's ``pool`` rows, so ``‖Sᵀu‖ = √pool·‖u‖``
    (docs/cnn.md §1). The optimal set's certified-inactive test and :func:`_screened_nearby`
    move bounds between dual points with it (docs/MATH.md §7).

    >>> from exact.convex import ConvexProgram
    >>> dual_map_bound(ConvexProgram([[3, 0], [0, 4]], [1, 1], 1))
    Fraction(5, 1)
    >>> L = dual_map_bound(ConvexProgram([[1, 1], [1, 1], [1, 1]], [1], 1, pool=3))
    >>> L * L >= 18, round(float(L), 9)  # u = 1 on all three rows: ‖(3, 3)‖ = √18 = √6·√3
    (True, 4.242640687)
    """
    fro = sum((x * x for row in cp.X for x in row), Fraction(0))
    return sqrt_ceil(fro * cp.pool, 96)


def _screened_nearby(cp, solution, screens: Sequence[tuple[Vec, set[Group]]], L: Fraction,
                     slack: Fraction) -> set[Group] | None:
    """The groups of a candidate's full screen that it did not prove small, when that proof
    also certifies every other group inactive at the certified dual; else None.

    A candidate ``a`` dismissed group g with ``‖Π(g_a)‖² ≤ β²(1 − 2⁻²⁰)``, so
    ``‖Π(g_a)‖ ≤ β(1 − 2⁻²¹)``. At ``b = κv`` (``g_b = s XᵀD_i b``), projections onto a closed
    convex cone being nonexpansive and ``‖XᵀD_i‖ ≤ ‖X‖_F ≤ L``:
    ``‖Π(g_b)‖ ≤ ‖Π(g_a)‖ + L‖a − b‖``. So when ``L·E + slack < β·2⁻²¹`` with ``E ≥ ‖a − b‖``,
    every dismissed group has ``κ‖p_g‖ + slack < β``: the certified-inactive test of
    :func:`optimal_set` (docs/MATH.md §7; the same bound the second screen would prove). With a
    CNN's pooled readout L is :func:`dual_map_bound`'s ``‖X‖_F·√pool``."""
    center = tuple(solution.kappa * x for x in solution.dual)
    for a, kept in screens:
        E = sqrt_ceil(sum(((x - y) ** 2 for x, y in zip(a, center)), Fraction(0)), 96)
        if L * E + slack < cp.beta / 2**21:
            return kept
    return None


def _projections(cp, v: Vec, groups: Sequence[Group], deadline: float | None
                 ) -> dict[Group, ProjectionCertificate]:
    """Exact projections ``Π_{C_i}(s XᵀD_i v)`` of ``groups``, in integers on the active sets of
    a batched float NNLS (as :func:`screened_projections` makes them), no screen."""
    from exact.certify import h_matrix
    from exact.screen import facet_arrays

    H, den = h_matrix(cp, v)
    fa = facet_arrays(cp) if cp.p else None
    guesses = _support_guesses(fa, H, den, groups) if fa is not None else [[]] * len(groups)
    out: dict[Group, ProjectionCertificate] = {}
    for (i, s), guess in zip(groups, guesses):
        _check_deadline(deadline, f"the exact projections ({len(out)} of {len(groups)} done)")
        out[(i, s)] = integer_projection(cp.cones[i], [s * int(x) for x in H[i]], den, guess)[0]
    return out


def _solution_vertex(cp, solution, keys: Sequence[Group], dirs: Mapping[Group, Vec]) -> tuple:
    """One vertex of ``{ρ ≥ 0 : Σ_g ρ_g F_g = fit}`` without an LP: the certified solution's
    groups are a point of it (each ``w_g`` is a positive multiple of ``dirs[g]``, and the fit is
    theirs), pruned exactly to independent fits (Carathéodory, :mod:`exact.pruning`)."""
    from exact.pruning import prune

    W = prune({g: tuple(w) for g, w in solution.groups.items() if any(w)}, cp)
    pos = {g: t for t, g in enumerate(keys)}
    out = [Fraction(0)] * len(keys)
    for g, w in W.items():
        r = _positive_multiple(tuple(w), tuple(dirs[g]))
        if g not in pos or r is None:  # pragma: no cover - dirs are built from these groups
            raise ArithmeticError("the certified solution is not a point of the polytope")
        out[pos[g]] = r
    return tuple(out)


def _one_vertex(cp, keys: Sequence[Group], dirs: Mapping[Group, Vec],
                cols: Sequence[Sequence[Fraction]], fit: Sequence[Fraction]) -> tuple:
    """One vertex of ``{ρ ≥ 0 : Σ_g ρ_g cols[g] = fit}``: an optimal basic solution of an exact
    LP (cddlib, minimising Σρ), pruned exactly to independent columns (Carathéodory) in case
    the LP's answer is not basic."""
    import cdd
    import cdd.gmp

    from exact.pruning import prune

    k, n = len(keys), len(fit)
    rows = [[Fraction(fit[j])] + [-Fraction(cols[g][j]) for g in range(k)] for j in range(n)]
    rows += [[Fraction(0)] + [Fraction(int(g == t)) for t in range(k)] for g in range(k)]
    mat = cdd.gmp.matrix_from_array(rows, lin_set=set(range(n)),
                                    rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MIN, obj_func=[0] + [1] * k)
    # exact (GMP) LP; cddlib's pivot-cap message is noise here (exact.quiet): on a cap the
    # status is not OPTIMAL and the other pivoting rule is tried
    for rule in (cdd.LPSolverType.DUAL_SIMPLEX, cdd.LPSolverType.CRISS_CROSS):
        lp = cdd.gmp.linprog_from_matrix(mat)
        with cdd_quiet():
            cdd.gmp.linprog_solve(lp, rule)
        if lp.status == cdd.LPStatusType.OPTIMAL:
            break
    if lp.status != cdd.LPStatusType.OPTIMAL:  # pragma: no cover - the solution is feasible
        raise ArithmeticError("the optimal polytope is empty")
    rho = [Fraction(x) for x in lp.primal_solution]
    W = prune(_vertex_groups(keys, dirs, rho), cp)
    pos = {g: t for t, g in enumerate(keys)}
    out = [Fraction(0)] * k
    for g, w in W.items():
        r = _positive_multiple(tuple(w), tuple(dirs[g]))
        if r is None:  # pragma: no cover - pruning keeps each group's direction
            raise ArithmeticError("a pruned group is not a positive multiple of its direction")
        out[pos[g]] = r
    return tuple(out)


def count_minimal_optimal_networks(optset: OptimalSet) -> int:
    """The number of distinct networks ψ(W) over the vertices W, up to permutation of neurons.

    Two vertices give the same network exactly when they have the same multiset of
    ``(sign, w)`` (a neuron on a hyperplane lies in several chambers' cones, so different
    groups can carry the same neuron). These are the *sparsest* minimal optimal networks: when
    W* has more than one point, ψ of every point of W* is minimal too (infinitely many), and
    every one of them is ψ of a convex combination of these vertices.

    >>> from exact.certify import solve
    >>> count_minimal_optimal_networks(optimal_set(solve([[1, 0], [0, 1]], [1, -1], "1/2")))
    1
    """
    seen = set()
    ids: dict = {}  # each distinct (sign, w) once: the vertices share most of them
    for W in optset.vertices:
        seen.add(tuple(sorted(ids.setdefault((s, w), len(ids)) for (_i, s), w in W.items())))
    return len(seen)
