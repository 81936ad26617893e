"""Certified global optima of two-layer ReLU training: exact bounds ``LB ≤ P* ≤ UB``.

:func:`solve` turns a float solution of the convex program (:mod:`exact.convex`) into exact
rational bounds on the optimal training objective ``P*`` (docs/MATH.md §4, §7):

* **Upper bound.** Rational groups ``w_{i,s} ∈ C_i`` (membership checked exactly) give a rational
  network: for each group a rational ``c ≈ √‖w‖`` and the neuron ``(w/c, s c)``. Its output is
  ``s D_i X w`` exactly and its penalty ``(β/2)(‖w‖²/c² + c²) ≥ β‖w‖`` is rational (docs/MATH.md §5,
  positive homogeneity). ``UB`` is the exact training objective of that network.
* **Lower bound.** Any rational ``v`` and, for every chamber i and sign s, the exact projection
  ``p = Π_{C_i}(s XᵀD_i v)`` with its KKT certificate (:mod:`exact.projection`) give
  ``t_{i,s} = ‖p‖² = pᵀg``; a rational ``κ ≥ 0`` with ``κ² t_{i,s} ≤ β²`` for all (i, s) makes
  ``κv`` dual feasible, so ``LB = −ℓ*(−κv)`` is a lower bound (weak duality, docs/MATH.md §7):

  - squared loss: ``LB = κ vᵀy − ½ κ² ‖v‖²``;
  - hinge loss (*derived* here): ``ℓ_j(z) = max(0, 1 − y_j z)`` has
    ``−ℓ_j*(−v_j) = v_j / y_j`` on ``0 ≤ v_j / y_j ≤ 1`` (and ``ℓ_j ≡ 1``, ``v_j = 0`` when
    ``y_j = 0``), so ``LB = κ Σ_{y_j≠0} v_j / y_j + #{j : y_j = 0}`` with ``0 ≤ κ v_j / y_j ≤ 1``.
  - every loss: ``−ℓ*(−κv)`` from its object of :mod:`exact.losses` (absolute, squared hinge:
    docs/MATH.md §11).

* **Tightening (squared loss).** On a fixed active set — groups G, and for each group the facets
  F_g its projection touches — the optimality conditions of docs/MATH.md §7 (``w_g = ρ_g q_g``,
  ``q_g = Π(s XᵀD_g v)``, ``‖q_g‖ = β``, ``v = y − ŷ``) reduce to the stationarity of the smooth
  convex function of ``ρ ≥ 0`` (*derived*)

      φ(ρ) = ½ yᵀ M(ρ)⁻¹ y + ½ β² Σ_g ρ_g,    M(ρ) = I + Σ_g ρ_g K_g,    K_g = D_g X P_g XᵀD_g,

  with ``P_g`` the orthogonal projector onto ``{u : a_j·u = 0, j ∈ F_g}``: then ``v = M⁻¹y``,
  ``∂φ/∂ρ_g = ½(β² − vᵀK_g v)`` (``vᵀK_g v = ‖q_g‖²``) and ``∇²φ = Bᵀ M⁻¹ B`` with
  ``B = [K_g v]``. Projected Newton in floats solves it; when more digits are needed, Newton
  steps solved in floats on residuals computed in exact integers (:func:`_polish`; the mpmath
  Newton only where that stalls) carry it to the working precision; ``v`` and ``ρ`` are then
  rounded to rationals, the groups are set to ``ρ_g · Π_{C_g}(s XᵀD_g v)`` (exact projections,
  so always feasible), and both bounds are recomputed exactly from scratch. The faces start as
  the facets the conic guess's ``w_g`` is tight on and are settled in floats before an exact
  round (:func:`_settle_faces`: a facet ``P_F g`` violates joins, a negative multiplier's facet
  leaves), since with ρ of size 1/β a wrong face puts ``ρ_g P_F g`` far outside its cone. If the
  gap is still too large, the active set is updated from the exact projections (groups with
  ``t > β²`` join, faces follow the multipliers' supports) and the precision is raised. When
  that misses the target, the same refinement runs once more from the interior-point guess of
  :func:`exact.dual_ipm.squared_guess` (:func:`_squared_ipm_pass`; dense program), then a
  monotone second pass. No check is ever loosened: every reported bound is one of the exact
  computations above.

* **Tightening (hinge loss,** *derived* **here).** With ``μ_j = v_j / y_j`` the dual is
  ``max Σ_j μ_j`` over ``0 ≤ μ ≤ 1`` and ``‖Π_{C_i}(s XᵀD_i v)‖ ≤ β``. On a fixed active set —
  the points on the margin E (``0 < μ_j < 1``), the points inside it V (``μ_j = 1``), the rest
  (``μ_j = 0``), the groups G and their faces — the optimality conditions are the square system

      vᵀK_g v / β² = 1  (g ∈ G),     y_j (Σ_g ρ_g K_g v)_j = 1  (j ∈ E),

  in the unknowns ``(μ_E, ρ)`` (``v_j = y_j`` on V, 0 elsewhere): the group conditions of the
  squared case and the margins, since the fit of ``w_g = ρ_g q_g`` is ``ρ_g K_g v``. Its Jacobian
  is singular whenever the dual is not unique (duplicate or collinear points), so Newton's step is
  taken with a tiny Levenberg–Marquardt ridge (it still converges to *a* solution, and any
  solution certifies the same value). The active set comes from a float guess after a
  Carathéodory pruning of its groups (:func:`_purify`), first the interior-point method's on the
  conic guess's working set (:func:`exact.dual_ipm.hinge_guess`, dense program), then the
  conic guess itself; when the system has no solution on it
  (a float Newton residual far above rounding), one pivot (:func:`_hinge_pivot`: a group out,
  or a margin point to its bound, kept only if the new solution is consistent) repairs it; it
  is updated from the exact results
  (``μ`` leaving [0, 1] is fixed at the bound, a broken margin frees its ``μ``, groups follow
  their ρ and projections), and the precision is raised as for the squared loss. The bounds are
  then recomputed exactly as above: ``v`` clipped into the box, ``κ`` from the exact projections,
  the network from the exact projections scaled by the rounded ρ.

Certificate (:func:`solution_certificate`, written by :mod:`exact.certificates`): the format
``kind: "solve"`` and the checks that prove ``lower ≤ P* ≤ upper`` are specified in
docs/certificates.md; ``exact/verify.py`` checks them.

References: Pilanci & Ergen (2020), "Neural networks are convex regularizers"; Wang, Lacotte &
Pilanci (2022), "The hidden convex optimization landscape of regularized two-layer ReLU networks".
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from arrangement.exactla import dot, lu_factor, lu_solve
from arrangement.rational import root4_floor, sqrt_floor
from exact.convex import ConvexProgram
from exact.interval_pass import DualPieces, interval_dual_pieces
from exact.losses import get_loss
from exact.network import Network, Neuron
from exact.projection import (
    FaceCache,
    ProjectionCertificate,
    integer_projection,
    project_onto_cone,
)
from exact.screen import ViolationState
from exact.types import Group, Vec

__all__ = ["Solution", "DualPieces", "METHODS", "dual_pass", "dual_pieces", "h_matrix",
           "dual_bound", "scaled_dual_bound", "solve", "solution_certificate", "certify_bounds",
           "kkt_newton", "batch_nnls_bounds", "batch_nnls_multipliers", "in_cone_exact",
           "CERTIFICATE_FORMAT", "guess_weights", "ipm_working_set"]

CERTIFICATE_FORMAT = "relucvx-certificate/3"  # docs/certificates.md



@dataclass
class Solution:
    """Certified bounds ``lower ≤ P* ≤ upper`` with everything needed to check them.

    ``groups`` holds the nonzero convex groups ``(i, s) → w`` (rational, ``w ∈ C_i``), of which
    ``network`` is the rational image; ``dual`` is v and ``kappa`` its scale (κv is dual
    feasible); ``projections[(i, s)]`` certifies ``Π_{C_i}(s XᵀD_i v)``.
    """

    lower: Fraction
    upper: Fraction
    gap: Fraction
    network: Network
    groups: dict[Group, Vec]
    active_groups: list[Group]
    dual: Vec
    kappa: Fraction
    projections: dict[Group, ProjectionCertificate]
    chambers: int
    loss: str
    beta: Fraction = Fraction(0)
    program: ConvexProgram | None = field(default=None, repr=False)
    stats: dict = field(default_factory=dict)
    #: multipliers λ ≥ 0 of the groups settled by the dual bound ‖g + Aᵀλ‖² (DualPieces)
    bounds: Mapping[Group, tuple[Fraction, ...]] = field(default_factory=dict)

    @property
    def relative_gap(self) -> Fraction:
        """``gap / max(1, |upper|)``."""
        return self.gap / max(Fraction(1), abs(self.upper))


# -- exact small helpers -------------------------------------------------------------------------

def _log2(q: Fraction) -> int:
    """Rough ``log2 q`` for ``q > 0`` (an integer within 1)."""
    return q.numerator.bit_length() - q.denominator.bit_length()


def _to_frac(x: object, bits: int = 200) -> Fraction:
    """A float, mpmath ``mpf`` or Fraction rounded exactly onto the grid ``2^-bits`` (floats:
    exactly).

    The mpf is read through its exact mantissa and exponent, so no working precision interferes.
    """
    if isinstance(x, float | np.floating):
        return Fraction(float(x))
    if isinstance(x, Fraction):
        return Fraction(round(x * 2**bits), 2**bits)
    sgn, man, exp, _bc = x._mpf_  # type: ignore[attr-defined]  # x = (−1)^sgn · man · 2^exp exactly
    man = -int(man) if sgn else int(man)
    if exp + bits >= 0:
        return Fraction(man * 2 ** (exp + bits), 2**bits)
    sh = -(exp + bits)
    q = (abs(man) + (1 << (sh - 1))) >> sh  # round half up on |man|
    return Fraction(q if man >= 0 else -q, 2**bits)


def _neuron(w: Vec, s: int, bits: int) -> Neuron:
    """The rational neuron ``(w/c, s·c)`` with ``c ≈ √‖w‖`` (docs/MATH.md §5): output ``s D X w`` on
    the group's cone and penalty ``(β/2)(‖w‖²/c² + c²) ≥ β‖w‖``, tight to second order."""
    c = root4_floor(dot(w, w), bits) or Fraction(1)
    return Neuron(tuple(x / c for x in w), s * c)


def _network_value(neurons: Sequence[tuple[Vec, Fraction]], X, y, beta, loss,
                   pool: int = 1) -> Fraction:
    """Exact training objective ``ℓ(Σ α (Xu)_+) + (β/2) Σ (‖u‖² + α²)`` (docs/MATH.md §1);
    with ``pool > 1`` output j sums rows ``j·pool …`` (a CNN's patches, docs/cnn.md).

    >>> _network_value([((Fraction(1), Fraction(0)), Fraction(2))], [[1, 0], [-1, 1]], [1, 1],
    ...                Fraction(1, 2), "squared")
    Fraction(9, 4)
    """
    # in integers: X = XI / L (one common denominator), u = U / c; then x_j·u = XI_j·U / (L c),
    # its sign is that of the integer, and output j gets α Σ_rows (XI_j·U)_+ / (L c) at once
    # (per-entry Fraction products dominated the upper bound of a CNN's nK patch rows). The
    # outputs are then summed over the neurons as integers over one common denominator (one
    # Fraction per output instead of one Fraction addition per neuron and output)
    X = [[Fraction(q) for q in row] for row in X]
    L = math.lcm(*(q.denominator for row in X for q in row))
    XI = np.array([[int(q * L) for q in row] for row in X], dtype=object).reshape(len(X), -1)
    m = len(X) // pool
    if not neurons:
        return get_loss(loss).value([Fraction(0)] * m, y)
    Us, dks, nums = [], [], []
    pen = Fraction(0)
    for u, a in neurons:
        uq = [Fraction(q) for q in u]
        a = Fraction(a)
        c = math.lcm(*(q.denominator for q in uq))
        U = [q.numerator * (c // q.denominator) for q in uq]
        Us.append(U)
        dks.append(a.denominator * L * c)
        nums.append(a.numerator)
        pen += Fraction(sum(t * t for t in U), c * c) + a * a
    # all neurons at once: Z = XI·[U_k] (object products in C loops), its positive part
    # pooled per output, then Σ_k α_k (·)/(L c_k) over one common denominator D
    Z = XI.dot(np.array(Us, dtype=object).reshape(len(Us), -1).T)  # rows × neurons
    Z = np.where(Z > 0, Z, 0)
    if pool > 1:
        Z = Z.reshape(m, pool, len(Us)).sum(axis=1)
    D = math.lcm(*dks)
    wk = np.array([a * (D // dk) for a, dk in zip(nums, dks)], dtype=object)
    out = [Fraction(int(t), D) for t in Z.dot(wk).tolist()]
    return get_loss(loss).value(out, y) + beta / 2 * pen


def in_cone_exact(cone: Sequence[Sequence[int]], w: Sequence[Fraction]) -> bool:
    """Exact test ``A w ≥ 0`` for integer rows A and a rational w, in integers (w scaled by the
    lcm of its denominators: the same signs, no Fraction products).

    >>> in_cone_exact([(1, 0), (1, -1)], (Fraction(1, 3), Fraction(1, 4)))
    True
    >>> in_cone_exact([(1, 0), (1, -1)], (Fraction(1, 3), Fraction(1, 2)))
    False
    """
    wq = [Fraction(x) for x in w]
    c = math.lcm(*(q.denominator for q in wq))
    U = [q.numerator * (c // q.denominator) for q in wq]
    return all(sum(int(a) * t for a, t in zip(row, U) if a and t) >= 0 for row in cone)


# -- the two bounds -------------------------------------------------------------------------------
def h_matrix(cp: ConvexProgram, v: Vec) -> tuple[np.ndarray, int]:
    """Integers ``H`` (p × d) and ``den`` with ``h_i = Xᵀ D_i v = H_i / den`` exactly.

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> H, den = h_matrix(cp, (Fraction(1, 2), Fraction(1, 3)))
    >>> den, sorted(map(tuple, H.tolist()))
    (6, [(0, 0), (0, 2), (3, 0), (3, 2)])
    """
    from arrangement import intmat
    from exact.screen import built_facet_arrays

    Lx = math.lcm(*(q.denominator for row in cp.X for q in row))
    Lv = math.lcm(*(q.denominator for q in v))
    XI = np.array([[int(q * Lx) for q in row] for row in cp.X], dtype=object)
    if cp.pool > 1:
        Pm = np.array(cp.patterns, dtype=np.int64).reshape(cp.p, cp.rows)  # entries 0/1
        # Sᵀv repeats v_j on signal j's rows: sum each signal's masked rows in small integers
        # first, then weight by the (long) v_j, n·d instead of rows·d long products per chamber
        VI = np.array([int(q * Lv) for q in v], dtype=object)
        XB = XI.reshape(cp.n, cp.pool, cp.d)
        if intmat.max_abs(XI) * cp.pool >= 2**62:  # no int64 sum: exact objects
            XB, Pb = XB.astype(object), Pm.astype(object)
        else:
            XB, Pb = XB.astype(np.int64), Pm
        G = np.einsum("pjk,jkc->pjc", Pb.reshape(cp.p, cp.n, cp.pool), XB)
        H = intmat.shrink((G.astype(object) * VI[None, :, None]).sum(axis=1))
        return H.reshape(cp.p, cp.d), Lx * Lv
    VI = np.array([int(q * Lv) for q in v], dtype=object)
    B = intmat.shrink((VI[:, None] * XI).reshape(cp.rows, cp.d))
    fa = built_facet_arrays(cp)
    if fa is not None and fa.P.shape == (cp.p, cp.rows):
        # the screens' float patterns (built once per program): exact float products below
        return pattern_matmul_float(fa.P, B), Lx * Lv
    Pm = np.array(cp.patterns, dtype=np.int64).reshape(cp.p, cp.rows)  # entries 0/1
    return _pattern_matmul(Pm, B), Lx * Lv


def pattern_matmul_float(Pf: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact ``P @ B`` for a 0/1 matrix ``P`` given in floats and integers ``B`` of any size,
    by BLAS float products: ``B`` is split into limbs of ``52 − bits(k)`` bits (k = columns of
    P), so every product sum is an integer below 2⁵² and exact in floats; the limbs are
    recombined in int64 when a bound allows, else in Python integers. numpy's int64 matmul
    (no BLAS) was most of :func:`h_matrix` at (40, 5).

    >>> P = np.array([[1.0, 0.0], [1.0, 1.0]])
    >>> B = np.array([[2**100 + 3], [-(2**70)]], dtype=object)
    >>> pattern_matmul_float(P, B).tolist() == [[2**100 + 3], [2**100 + 3 - 2**70]]
    True
    >>> pattern_matmul_float(P, np.array([[5], [-7]])).tolist()
    [[5], [-2]]
    """
    from arrangement import intmat

    k = Pf.shape[1] if Pf.ndim == 2 else 1
    lb = 52 - max(k, 1).bit_length()
    if lb < 8 or Pf.size == 0 or B.size == 0:
        return intmat.matmul(np.asarray(Pf, dtype=np.int64), B)
    mask = (1 << lb) - 1
    limbs = []
    R = B if B.dtype == object else B.astype(np.int64)
    while intmat.max_abs(R) >= 2**lb:
        limbs.append((Pf @ (R & mask).astype(float)).astype(np.int64))
        R = R >> lb
    top = (Pf @ R.astype(float)).astype(np.int64)  # |R| < 2^lb: sums below 2^52, exact
    return _recombine_limbs(top, limbs, lb)


def _recombine_limbs(top: np.ndarray, limbs: list[np.ndarray], lb: int) -> np.ndarray:
    """``top·2^{lb·k} + Σ_j limbs[j]·2^{lb·j}`` exactly (int64 parts of a limb product): in
    int64 when a bound on the sum from the parts stays below 2⁶² (no Python integer per entry,
    no pass over objects to shrink them back), else in Python integers.

    >>> top, low = np.array([[1]], dtype=np.int64), np.array([[3]], dtype=np.int64)
    >>> _recombine_limbs(top, [low], 31).tolist(), _recombine_limbs(top, [low], 70).tolist()
    ([[2147483651]], [[1180591620717411303427]])
    """
    from arrangement import intmat

    bound = intmat.max_abs(top)
    for T in reversed(limbs):
        bound = (bound << lb) + intmat.max_abs(T)
    if bound < 2**62:
        H64 = top
        for T in reversed(limbs):
            H64 = (H64 << lb) + T
        return H64
    H = top.astype(object)
    for T in reversed(limbs):
        H = (H << lb) + T.astype(object)
    return H


#: limb width of :func:`_pattern_matmul` (a 0/1 row sum of n limbs stays below 2⁶² for n < 2³¹)
_LIMB = 31


def _pattern_matmul(P: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact ``P @ B`` for a 0/1 int64 matrix ``P`` and integers ``B`` of any size: in int64
    products of 31-bit limbs of ``B`` (``B = Σ_k B_k 2^{31k}``, floor shifts, so the top limb
    carries the sign), recombined in Python ints only at the end. The p × n × d object
    products of ``intmat.matmul`` took seconds on a (40, 5) program.

    >>> P = np.array([[1, 0], [1, 1]], dtype=np.int64)
    >>> B = np.array([[2**100 + 3], [-(2**70)]], dtype=object)
    >>> _pattern_matmul(P, B).tolist() == [[2**100 + 3], [2**100 + 3 - 2**70]]
    True
    """
    from arrangement import intmat

    k = P.shape[1] if P.ndim == 2 else 1
    if B.dtype != object or k >= 2**(62 - _LIMB) or P.size == 0 or B.size == 0:
        return intmat.matmul(P, B)
    limbs = []
    R = B
    while intmat.max_abs(R) * k >= 2**62:
        limbs.append(P @ (R & (2**_LIMB - 1)).astype(np.int64))
        R = R >> _LIMB
    top = P @ R.astype(np.int64)
    return _recombine_limbs(top, limbs, _LIMB)


def dual_bound(A: Sequence[Sequence[int]], g: Sequence[Fraction],
               lam: Sequence[Fraction]) -> Fraction:
    """``‖g + Aᵀλ‖²``: an upper bound on ``‖Π_{Au ≥ 0}(g)‖²`` for every ``λ ≥ 0`` (Moreau).

    >>> dual_bound([(1, 0), (0, 1)], (Fraction(-1), Fraction(2)), (Fraction(1), Fraction(0)))
    Fraction(4, 1)
    """
    if any(x < 0 for x in lam):
        raise ValueError("the multipliers of a dual bound must be >= 0")
    r = list(g)
    for lk, a in zip(lam, A):
        if lk:
            for c, x in enumerate(a):
                r[c] += lk * x
    return dot(r, r)


def _cheap_bound(A: Sequence[Sequence[int]], hrow: Sequence[int], den: int, s: int,
                 thr: Fraction) -> tuple[Fraction, ...] | None:
    """Multipliers ``λ ≥ 0`` whose dual bound is ``≤ thr``, if a cheap search finds them.

    First the best single facet (the projection onto its half-space, integer arithmetic), then
    a float NNLS for the polar-cone distance rounded to dyadic ``λ ≥ 0`` and checked exactly.
    """
    g = [s * int(x) for x in hrow]
    n2 = sum(x * x for x in g)
    limit = thr * den * den  # compare numerators: bounds are (integer)/den²
    best, arg = None, -1
    for k, a in enumerate(A):
        ag = sum(x * y for x, y in zip(a, g))
        if ag < 0:
            aa = sum(x * x for x in a)
            b = Fraction(n2 * aa - ag * ag, aa)
            if best is None or b < best:
                best, arg, lam_k = b, k, Fraction(-ag, aa * den)
    if best is not None and best <= limit:
        one_facet = [Fraction(0)] * len(A)
        one_facet[arg] = lam_k
        return tuple(one_facet)
    if len(A) < 2:
        return None
    from arrangement.scipy_direct import nnls

    Af = np.array(A, dtype=float)
    # int / int is correctly rounded, as float(Fraction(x, den)) is (g and den may exceed a
    # double)
    gf = np.array([x / den for x in g], dtype=float)
    try:
        lf, _ = nnls(Af.T, -gf, maxiter=50 * len(A) + 50)
    except RuntimeError:  # pragma: no cover - NNLS did not converge: project exactly instead
        return None
    num = np.where(lf > 0, np.round(lf * 2.0**40), 0.0)
    if not (np.all(np.isfinite(num)) and np.all(num < 2.0**53)):
        return None
    # proven exactly in integers (exact.screen.exact_multipliers_ok), as every other
    # dismissal of dual_pieces is; the multipliers are dyadic, N/2^40, exact in floats
    from exact.screen import exact_multipliers_ok

    big = max((abs(int(x)) for a in A for x in a), default=0) >= 2**62
    AI = np.array([[list(a) for a in A]], dtype=object if big else np.int64)
    ok = exact_multipliers_ok(AI, np.array([[int(x) for x in hrow]], dtype=object), den,
                              np.zeros(1, dtype=np.int64), np.array([s]),
                              (num / 2.0**40)[None, :], thr)
    return tuple(Fraction(int(x), 2**40) for x in num) if bool(ok[0]) else None


def dual_pass(cp: ConvexProgram, v: Vec, *, must: Sequence[Group] = (),
              floor: Fraction = Fraction(0)) -> DualPieces:
    """The exact dual pass of ``check`` at v (a network's own dual point): the int64 interval pass
    (:func:`exact.interval_pass.interval_dual_pieces`; exact largest ``t``, so ``floor`` is not
    needed there), else :func:`dual_pieces` when the numbers do not fit int64 or floats.

    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> v = (Fraction(1, 7), Fraction(-2, 9), Fraction(1, 3))
    >>> dual_pass(cp, v).tmax == dual_pieces(cp, v).tmax
    True
    """
    dp = interval_dual_pieces(cp, v, must=must)
    return dp if dp is not None else dual_pieces(cp, v, must=must, floor=floor)


def dual_pieces(cp: ConvexProgram, v: Vec, *, must: Sequence[Group] = (),
                floor: Fraction = Fraction(0), screen: bool = True,
                faces: Mapping[Group, Sequence[int]] | None = None) -> DualPieces:
    """Project ``g = s XᵀD_i v`` onto ``C_i`` only where it can matter (docs/MATH.md §7).

    The groups in ``must`` are projected first. Then every other group is screened at once
    against ``thr = max(floor, largest t so far)`` (:func:`exact.screen.rigorous_screen`: float
    norm and half-space bounds with proven error margins); the groups the screen cannot dismiss
    are visited by decreasing ``‖g‖²`` and projected exactly unless a cheap exact dual bound
    (:func:`dual_bound`: one facet's half-space, or rounded float multipliers) or the grown
    threshold settles them. Callers pick ``floor`` so that the groups left out are dual feasible
    by their bound alone (e.g. ``β²/κ_opt²`` for the squared-loss bound). ``screen=False`` skips
    the float screen (every group then takes the exact path; for tests). ``faces`` (optional)
    guesses the facets a group's projection touches (the refinement's active faces): each
    projection is found in integers over ``den`` on that guess
    (:func:`exact.projection.integer_projection`, KKT checked exactly; a wrong guess falls
    back on the exact active-set method). Every dismissal of
    the float screen is re-checked in exact integer arithmetic before it is trusted
    (:func:`exact.screen.exact_norm_ok`, ``exact_facet_ok``, ``exact_multipliers_ok``), so the
    returned bounds are exact whatever the floats did.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> dp = dual_pieces(cp, (Fraction(1, 2), Fraction(-1, 2)))
    >>> dp.tmax, len(dp.ts) < 2 * cp.p
    (Fraction(1, 4), True)
    """
    from exact.screen import Dismissals, facet_arrays, float_g, proven_below

    H, den = h_matrix(cp, v)
    certs: dict[Group, ProjectionCertificate] = {}
    ts: dict[Group, Fraction] = {}
    ih = None
    if screen and cp.p and facet_arrays(cp) is not None:
        from exact.interval_pass import IntervalH, ScaledDismissals

        # H again as int64 intervals: most re-checks of the screen's dismissals then run in
        # int64 (IntervalH.proven) instead of Python integers ((40, 4): 74-bit H entries)
        ih = IntervalH(cp, v)
        bounds: Dismissals = ScaledDismissals(cp.cones, ih)
        bounds.H = H  # the exact rows (the same as ih's), for the half-space multipliers
    else:
        bounds = Dismissals(cp.cones, H, den)
    bounds.v = tuple(v)  # type: ignore[attr-defined]  # H's dual vector, for the writer

    def n2(i: int) -> Fraction:
        return Fraction(sum(int(x) * int(x) for x in H[i]), den * den)

    def project(g: Group) -> None:
        # in integers over den on the guessed face (the Fraction Gram systems of
        # project_onto_cone were a quarter of the dual pass at (40, 4))
        i, s = g
        c, t = integer_projection(cp.cones[i], [s * int(x) for x in H[i]], den,
                                  tuple(faces.get(g, ())) if faces else ())
        certs[g] = c
        ts[g] = t

    for g in must:
        if g not in certs:
            project(g)
    tmax = max(ts.values(), default=Fraction(0))
    fa = facet_arrays(cp) if cp.p else None
    # H in floats once, for the screens and the order below (three conversions of an object
    # H were a tenth of the dual pass at (40, 4))
    gF = float_g(H, den) if cp.p else None
    with np.errstate(all="ignore"):
        Hf = (np.einsum("ij,ij->i", gF, gF) if gF is not None and np.all(np.isfinite(gF))
              else _row_norms_float(H, den))
    if not ts and floor <= 0 and cp.p:
        # no threshold yet: the group of largest norm names a first worst candidate
        i0 = int(np.argmax(Hf))
        for s in (1, -1):
            project((i0, s))
        tmax = max(ts.values())
    done = np.zeros((cp.p, 2), dtype=bool)
    for i, s in certs:
        done[i, 0 if s == 1 else 1] = True
    if screen and fa is not None:
        # every float dismissal is re-checked in exact integers (exact.screen.proven_below):
        # the float margins only choose the bound, a failed check sends the group to the
        # exact path below
        done |= proven_below(cp, fa, H, den, max(floor, tmax), skip=done.copy(), record=bounds,
                             gF=gF, ih=ih)
    todo = np.flatnonzero(~done.all(axis=1))
    if fa is not None and len(todo):
        # the NNLS multipliers of every group still above the threshold, proven in one
        # vectorised float pass (the per-group proofs of _cheap_bound dominated a (40, 5) pass)
        thr0 = max(floor, tmax)
        cand = [(int(i), s) for i in todo.tolist() if Hf[i] > float(thr0)
                for s in (1, -1) if not done[i, 0 if s == 1 else 1] and (i, s) not in certs]
        nscaled = len(bounds)
        rows, sgs, mu = batch_nnls_multipliers(cp, H, den, cand, thr0, ih=ih, record=bounds)
        cols = (1 - sgs) // 2
        bounds.add_multipliers(rows, cols, mu)
        done[rows, cols] = True
        if len(bounds) > nscaled + len(rows):  # the ones proven on ih's intervals
            done |= bounds.code != 0
        # the loop below visits only the chambers with a group still open (it spent most of
        # its time on chambers both of whose groups the batch had just settled)
        todo = np.flatnonzero(~done.all(axis=1))
    for i in sorted(todo.tolist(), key=lambda i: -Hf[i]):
        thr = max(floor, tmax)
        if n2(i) <= thr:
            # settled by its norm; when the float order leaves a clear margin, every later
            # group (smaller float norm) is settled by its norm too
            if float(thr) > 1e-250 and Hf[i] * (1 + 1e-9) < float(thr) * (1 - 1e-9):
                break
            continue
        for s in (1, -1):
            if done[i, 0 if s == 1 else 1] or (i, s) in certs:
                continue
            lam = _cheap_bound(cp.cones[i], H[i], den, s, thr)
            if lam is not None:
                bounds[(i, s)] = lam
                continue
            project((i, s))
            tmax = max(tmax, ts[(i, s)])
    return DualPieces(certs, ts, [], [], bounds)


def batch_nnls_bounds(cp: ConvexProgram, H: np.ndarray, den: int, groups: Sequence[Group],
                      thr: Fraction) -> dict[Group, tuple[Fraction, ...]]:
    """Dual-bound multipliers ``λ ≥ 0`` *proven* to give ``‖g + Aᵀλ‖² ≤ thr`` (Moreau, as in
    :func:`dual_bound`) for those of ``groups`` where a float NNLS finds them, ``g = s H_i/den``.

    The second half of :func:`_cheap_bound` for many groups at once: one batched float NNLS
    (:func:`exact.nnls.batched_nnls`) guesses λ, rounded to the dyadic grid ``2^-40`` (short
    certificate texts), and :func:`exact.screen.exact_multipliers_ok` proves the bound in
    integers, as every other dismissal of :func:`dual_pieces` is proven. Groups it cannot prove
    are left out (the caller's exact path decides them). :func:`batch_nnls_multipliers` gives
    the same multipliers as dyadic float rows (no Fractions).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> i = next(k for k in range(cp.p) if cp.signs[k] == (1, 1))   # the cone u ≥ 0
    >>> H = np.zeros((cp.p, 2), dtype=np.int64); H[i] = (-3, -4)
    >>> cp.cones[i], batch_nnls_bounds(cp, H, 1, [(i, 1)], Fraction(1, 10))[(i, 1)]
    ([(1, 0), (0, 1)], (Fraction(3, 1), Fraction(4, 1)))
    """
    rows, signs, mu = batch_nnls_multipliers(cp, H, den, groups, thr)
    out: dict[Group, tuple[Fraction, ...]] = {}
    for i, s, m in zip(rows.tolist(), signs.tolist(), mu):
        f = len(cp.cones[i])
        out[(i, s)] = tuple(Fraction(float(x)) for x in m[:f])
    return out


def batch_nnls_multipliers(cp: ConvexProgram, H: np.ndarray, den: int, groups: Sequence[Group],
                           thr: Fraction, ih=None, record=None
                           ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`batch_nnls_bounds` as arrays ``(rows, signs, μ)``: the proven groups
    ``(rows[r], signs[r])`` and their multipliers, dyadic floats (exact rationals ``N/2^40``)
    padded to the widest cone, ready for :meth:`exact.screen.Dismissals.add_multipliers`.

    With ``ih`` (the same H as :class:`exact.interval_pass.IntervalH` intervals) and ``record``
    (:class:`exact.interval_pass.ScaledDismissals`), the multipliers are first proven in int64
    on the intervals, rounded to integers on the ``H/2^k`` scale, and recorded there
    (``record.add_scaled``); only the groups that leaves are returned as above.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> i = next(k for k in range(cp.p) if cp.signs[k] == (1, 1))
    >>> H = np.zeros((cp.p, 2), dtype=np.int64); H[i] = (-3, -4)
    >>> rows, signs, mu = batch_nnls_multipliers(cp, H, 1, [(i, 1), (i, -1)], Fraction(1, 10))
    >>> rows.tolist() == [i], signs.tolist(), mu.tolist()
    (True, [1], [[3.0, 4.0]])
    """
    from exact.nnls import batched_nnls
    from exact.screen import exact_multipliers_ok, facet_arrays, float_g, int_facets

    fa = facet_arrays(cp) if cp.p else None
    none = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
            np.zeros((0, 0)))
    if fa is None or fa.raw is None or not groups:
        return none
    groups = [g for g in groups if fa.counts[g[0]] >= 2]
    if not groups:
        return none
    idx = np.array([i for i, _s in groups], dtype=np.int64)
    sg = np.array([s for _i, s in groups], dtype=np.int64)
    gf = float_g(H[idx], den)  # correctly rounded, as int / int is
    if gf is None or not np.all(np.isfinite(gf)):
        return none
    with np.errstate(all="ignore"):
        L, _r = batched_nnls(fa.raw[idx], fa.counts[idx], gf * sg[:, None])
        num = np.where(L > 0, np.round(L * 2.0**40), 0.0)  # NaN (no guess) becomes 0
        num = np.where(np.isfinite(num) & (num < 2.0**53), num, 0.0)
    lf = num / 2.0**40  # exact: dyadic, numerator < 2⁵³
    AI = int_facets(cp)
    if ih is not None and record is not None and AI.dtype != object:
        from exact.screen import interval_proven, scaled_int_multipliers

        mi = scaled_int_multipliers(L, den, ih.k)
        cols = (1 - sg) // 2
        ok = interval_proven(ih, AI, idx, cols, mi, ih.threshold(thr))
        record.add_scaled(idx[ok], cols[ok], mi[ok])
        idx, sg, lf = idx[~ok], sg[~ok], lf[~ok]
    proved = exact_multipliers_ok(AI, H, den, idx, sg, lf, thr)
    return idx[proved], sg[proved], lf[proved]


def _row_norms_float(H: np.ndarray, den: int) -> np.ndarray:
    """``‖H_i / den‖²`` in floats (an ordering only; inf where it overflows)."""
    try:
        if H.dtype != object:
            G = H.astype(float) / float(den)
        else:
            try:  # relative error ≤ 2u per entry (an ordering to about 1e-15)
                fden = float(den)
                G = H.astype(float) / fden
                fast = bool(np.all(np.isfinite(G))) and 0 < fden < 1e300
            except OverflowError:  # past 1e308: the correctly rounded quotients below
                fast = False
            if not fast:
                G = np.array([[int(x) / den for x in row] for row in H], dtype=float)
        return np.einsum("ij,ij->i", G, G).reshape(-1) if G.size else np.zeros(len(H))
    except OverflowError:  # no float ordering: every group then takes the exact path
        return np.full(len(H), np.inf)


@dataclass
class _Lower:
    value: Fraction
    v: Vec
    kappa: Fraction
    certs: dict[Group, ProjectionCertificate]
    ts: dict[Group, Fraction]
    bounds: Mapping[Group, tuple[Fraction, ...]] = field(default_factory=dict)


@dataclass
class _Upper:
    value: Fraction
    groups: dict[Group, Vec]
    neurons: list[tuple[Vec, Fraction]]


def _lower_bound(cp: ConvexProgram, v: Vec, bits: int, must: Sequence[Group] = (),
                 faces: Mapping[Group, Sequence[int]] | None = None,
                 warm: ViolationState | None = None) -> _Lower:
    """Exact dual bound from any rational v (docs/MATH.md §7); see the module docstring.
    ``warm``: the numeric guess's last screen (its float multipliers, tried first by the
    interval pass: they only save time, every bound is still checked exactly)."""
    beta, y = cp.beta, cp.y
    # into the loss's dual domain (e.g. the hinge's box 0 ≤ v_j / y_j ≤ 1), coordinate-wise
    v = cp.loss_fn.clip_dual(v, y)
    kopt = cp.loss_fn.kappa_ceiling(v, y)
    # κ never exceeds its ceiling, so groups with κ_ceiling²‖g‖² ≤ β² need no projection
    floor = beta * beta / (kopt * kopt) if kopt is not None and kopt > 0 else Fraction(0)
    # check's int64 interval pass first (measured on solve's own dual points, session 11: 1.3-1.5x
    # faster than dual_pieces at (30, 4), (40, 4), (40, 5), (100, 4)); dual_pieces when the
    # numbers do not fit it
    dp = interval_dual_pieces(cp, v, must=must, floor=floor, faces=faces,
                              top=0 if must else 512, warm=warm)
    if dp is None:
        dp = dual_pieces(cp, v, must=must, floor=floor, faces=faces)
    kappa, value = scaled_dual_bound(v, y, beta, dp.tmax, cp.loss, bits)
    return _Lower(value, v, kappa, dp.certs, dp.ts, dp.bounds)


def scaled_dual_bound(v: Sequence[Fraction], y: Sequence[Fraction], beta: Fraction,
                      tmax: Fraction, loss: str = "squared", bits: int = 256
                      ) -> tuple[Fraction, Fraction]:
    """The best rational scale ``κ ≥ 0`` making ``κv`` dual feasible, and the lower bound on
    ``P*`` it gives (weak duality, docs/MATH.md §7; module docstring).

    ``tmax`` is the largest ``‖Π_{C_i}(s XᵀD_i v)‖²`` over all chambers and signs, so
    ``κ² tmax ≤ β²`` (checked exactly) is dual feasibility. Squared loss:
    ``κ vᵀy − ½κ²‖v‖²`` with κ at most its unconstrained optimum ``vᵀy/‖v‖²``; hinge loss (v
    already in the box ``0 ≤ v_j / y_j ≤ 1``, ``v_j = 0`` where ``y_j = 0``):
    ``κ Σ v_j / y_j + #{y_j = 0}`` with ``κ v_j / y_j ≤ 1`` too.

    >>> F = Fraction
    >>> scaled_dual_bound((F(1, 10), F(-1, 10)), (F(1), F(0)), F(1, 10), F(1, 100))
    (Fraction(1, 1), Fraction(9, 100))
    >>> scaled_dual_bound((F(1, 2), F(-1, 4)), (F(1), F(-1)), F(1, 10), F(1, 25), "hinge")
    (Fraction(1, 2), Fraction(3, 8))
    """
    kfeas = None if tmax <= 0 else sqrt_floor(beta * beta / tmax, bits)
    if kfeas is not None:
        assert kfeas * kfeas * tmax <= beta * beta  # exact: κ² t_max ≤ β²
    # the rest is the loss's: −ℓ*(−κv) maximised over its own box (exact.losses.best_scale)
    return get_loss(loss).scaled_dual_bound(v, y, kfeas)


def _upper_bound(cp: ConvexProgram, groups: Mapping[Group, Vec], bits: int) -> _Upper:
    """Exact objective of the rational network of rational feasible groups (docs/MATH.md §5)."""
    kept: dict[Group, Vec] = {}
    neurons: list[tuple[Vec, Fraction]] = []
    for (i, s), w in groups.items():
        if not any(w):
            continue
        if not in_cone_exact(cp.cones[i], w):  # pragma: no cover - callers pass feasible groups
            raise ArithmeticError(f"group {(i, s)} is not in its cone")
        kept[(i, s)] = tuple(w)
        nr = _neuron(tuple(w), s, bits)
        neurons.append((nr.u, nr.alpha))
    value = _network_value(neurons, cp.X, cp.y, cp.beta, cp.loss, cp.pool)
    return _Upper(value, kept, neurons)


class _PendingUpper(_Upper):
    """The :class:`_Upper` of ``groups``, computed (:func:`_upper_bound`) only when its
    ``value``, ``groups`` or ``neurons`` is first read; ``estimate`` (a float) stands in for
    the comparisons it clearly decides (:func:`_below`, :func:`_at_most`)."""

    def __init__(self, cp: ConvexProgram, groups: Mapping[Group, Vec], bits: int,
                 estimate: float):
        self._args = (cp, groups, bits)
        self.estimate = estimate
        # relative: a few roundings per group in the penalty's float sum, and room to spare
        self.margin = _ESTIMATE_MARGIN + 8 * (len(groups) + 4) * 2.0**-53

    def __getattr__(self, name: str):
        if name in ("value", "groups", "neurons") and "_args" in self.__dict__:
            up = _upper_bound(*self.__dict__.pop("_args"))
            self.value, self.groups, self.neurons = up.value, up.groups, up.neurons
            return getattr(self, name)
        raise AttributeError(name)


def _pending(up: _Upper) -> bool:
    return isinstance(up, _PendingUpper) and "_args" in up.__dict__


#: the relative margin by which a float estimate of an upper bound decides a comparison (its
#: error is a few units of 1e-16 per group: the loss is exact, the penalty estimate β‖w‖ is
#: below the exact neuron penalty by a relative 1e-30 or so; (40, 4)'s refined bound is
#: 3e-13 below the conic guess's). A comparison the margin cannot decide is made exactly, and
#: a wrong decision would only keep the larger of two exact upper bounds
_ESTIMATE_MARGIN = 1e-13


def _approx(up: _Upper) -> float:
    return up.estimate if _pending(up) else float(up.value)  # type: ignore[attr-defined]


def _below(new: _Upper, old: _Upper, enough: tuple[_Lower, Fraction] | None = None) -> bool:
    """``new.value < old.value`` (exact), decided by ``old``'s float estimate without computing
    it when the estimate is clearly larger. With ``enough = (lo, tol)``, also True without
    computing ``old`` when the estimate cannot decide (the two within its margin, about 1e-13
    relative) and ``new`` already meets the gap target with ``lo``: keeping it can cost at
    most that margin on a met target ((40, 4): 7 ms of exact neurons saved; the new bound was
    2.8e-14 below the estimate)."""
    if _pending(old):
        est = old.estimate  # type: ignore[attr-defined]
        nv, mg = float(new.value), old.margin * abs(est)  # type: ignore[attr-defined]
        if nv < est - mg:
            return True
        if enough is not None and nv <= est + mg:
            lo, tol = enough
            if new.value - lo.value <= tol * max(Fraction(1), abs(new.value)):
                return True
    return new.value < old.value


def _at_most(a: _Upper, b: _Upper) -> bool:
    """``a.value <= b.value`` (exact), ``b``'s estimate first when it clearly decides."""
    if _pending(b):
        est, av, mg = b.estimate, float(a.value), b.margin  # type: ignore[attr-defined]
        if av < est - mg * abs(est):
            return True
        if av > est + mg * abs(est):
            return False
    return a.value <= b.value


def _positive(up: _Upper) -> bool:
    """``up.value > 0``: an objective is ≥ 0, and 0 only without penalty (no neuron), which
    the estimate (exact loss plus β Σ‖w‖) shows as 0 too."""
    if _pending(up):
        return up.estimate > 0  # type: ignore[attr-defined]
    return up.value > 0


def _upper_estimate(cp: ConvexProgram, groups: Mapping[Group, Vec], pred) -> float:
    """A float estimate of :func:`_upper_bound`'s value: the loss of the exact prediction
    (``pred``, :meth:`ConvexProgram.prediction` of the groups) plus ``β Σ‖w‖`` (the exact
    neurons' penalty exceeds it only to second order in their rounding, docs/MATH.md §5).

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> g = next(i for i in range(cp.p) if cp.signs[i] == (1, 1))
    >>> w = {(g, 1): (Fraction(1, 2), Fraction(1, 2))}
    >>> est = _upper_estimate(cp, w, cp.prediction(w))
    >>> abs(est - float(_upper_bound(cp, w, 64).value)) < 1e-12
    True
    """
    pen = sum(math.sqrt(sum(float(x) ** 2 for x in w)) for w in groups.values())
    return float(cp.loss_fn.value(list(pred), cp.y)) + float(cp.beta) * pen


def certify_bounds(cp: ConvexProgram, groups: Mapping[Group, Sequence[object]],
                   v: Sequence[object], bits: int = 128) -> tuple[Fraction, Fraction]:
    """Exact ``(LB, UB)`` from given rational feasible groups and a rational dual vector.

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> w = {(i, 1): (Fraction(1, 2), Fraction(1, 2)) for i in range(cp.p)
    ...      if cp.signs[i] == (1, 1)}
    >>> lo, up = certify_bounds(cp, w, (Fraction(1, 2), Fraction(1, 2)))
    >>> lo <= 2 ** 0.5 - 0.5 <= up          # P* = √2 − ½ (whitened data, docs/MATH.md §9)
    True
    """
    gr = {k: tuple(Fraction(x) for x in w)  # type: ignore[call-overload]
          for k, w in groups.items()}
    lo = _lower_bound(cp, tuple(Fraction(x) for x in v), bits)  # type: ignore[call-overload]
    up = _upper_bound(cp, gr, bits)
    return lo.value, up.value


# -- from floats to rational feasible groups ------------------------------------------------------
def _dyadic(x: float, k: int) -> Fraction:
    """``round(x · 2^k) / 2^k``: floats rounded onto one common dyadic grid, so that sums of
    many rounded numbers keep a small denominator (arbitrary rationals would make the exact
    arithmetic downstream explode)."""
    return Fraction(int(round(float(x) * 2.0**k)), 2**k)


def _grid(scale: float) -> int:
    """Binary places for rounding floats of magnitude ``scale`` to about 48 significant bits."""
    return 48 - (math.frexp(scale)[1] if scale > 0 else 0)


def _rational_groups(cp: ConvexProgram, W: Mapping[Group, np.ndarray], thr: float
                     ) -> dict[Group, Vec]:
    """Round the float groups to rationals and repair feasibility exactly.

    A rounded group outside its cone is replaced by its exact projection onto the cone (the
    nearest feasible point; the cone is closed and convex), so the pattern identity
    ``(Xw)_+ = D_i X w`` holds exactly.
    """
    from arrangement.intmat import float_rows

    out: dict[Group, Vec] = {}
    k = _grid(max((float(np.linalg.norm(w)) for w in W.values()), default=0.0))
    for (i, s), w in W.items():
        nw = float(np.linalg.norm(w))
        if nw <= thr:
            continue
        wi = [int(round(float(x) * 2.0**k)) for x in w]  # w ≈ wi / 2^k (as _dyadic rounds)
        A = cp.cones[i]
        if A and any(sum(map(operator.mul, a, wi)) < 0 for a in A):
            # in integers over 2^k (the Fraction active-set projection took 1.6 s of 96
            # rounded groups at (40, 5), profiled). The rounding error (~1e-16 relative) is
            # below what a float NNLS sees, so the active set is sought among the facets the
            # float w is tight on ((40, 4): 54 of 60 projections fell back on Fractions)
            Af = float_rows(A).reshape(-1, cp.d)
            Af = Af / np.linalg.norm(Af, axis=1, keepdims=True)
            near = np.flatnonzero(Af @ np.asarray(w, dtype=float) <= TIGHT_FACET * nw)
            wr = integer_projection(A, wi, 2**k, near=near.tolist())[0].p
        else:
            wr = tuple(Fraction(t, 2**k) for t in wi)
        if any(wr):
            out[(i, s)] = wr
    return out


def _purify(cp: ConvexProgram, W: Mapping[Group, np.ndarray], groups: Sequence[Group],
            rcond: float = 1e-9) -> dict[Group, float]:
    """Carathéodory pruning in floats (docs/MATH.md §7): weights ``γ_g ∈ (0, 1]`` on a subset of the
    groups with the same total fit ``Σ γ_g s D_i X w_g`` and linearly independent fits.

    At an optimum the penalty is unchanged too (``Σ c_g ‖w_g‖ = 0`` for every dependence
    ``Σ c_g F_g = 0`` of the fits), so this moves towards a vertex of the optimal polytope: at
    most ``rank ≤ n`` groups, and a nonsingular reduced Hessian for the Newton refinement.
    """
    Xf = np.array([[float(t) for t in row] for row in cp.X])
    S = list(groups)
    fits = {}
    for g in S:
        i, s = g
        fits[g] = (s * np.array(cp.patterns[i], dtype=float) * (Xf @ W[g])).reshape(
            cp.n, cp.pool).sum(axis=1)
    gam = np.ones(len(S))
    while S:
        B = np.column_stack([fits[g] for g in S])
        _, sv, Vt = np.linalg.svd(B, full_matrices=True)
        rank = int(np.sum(sv > rcond * sv[0])) if sv.size and sv[0] > 0 else 0
        if rank == len(S):
            break
        # One SVD gives every dependence Σ c_g F_g ≈ 0 at once (the rows of Vt past the rank);
        # each one removes a group, and the later ones are cleared of that group by
        # elimination, so no SVD is repeated per removed group (they are tiny and many).
        N = Vt[rank:].T.copy()
        alive = np.ones(len(S), dtype=bool)
        for k in range(N.shape[1]):
            c = np.where(alive, N[:, k], 0.0)
            big = np.abs(c).max()
            if big <= 0:
                continue
            if c[np.argmax(np.abs(c))] < 0:  # orient so that some entry is clearly positive
                c = -c
            pos = np.flatnonzero(c > 1e-12 * big)
            j = pos[np.argmin(gam[pos] / c[pos])]
            gam = gam - (gam[j] / c[j]) * c
            gam[j], alive[j] = 0.0, False
            N[:, k + 1:] -= np.outer(c, N[j, k + 1:] / c[j])
        keep = [t for t in range(len(S)) if alive[t] and gam[t] > 1e-12]
        S, gam = [S[t] for t in keep], gam[keep]
    weights = dict(zip(S, gam.tolist()))
    return {g: weights[g] for g in S}


# -- the reduced problem and its Newton solve ------------------------------------------------------
#: when no step of the line search (60 halvings) lowers φ, :func:`_newton` retries with its
#: ridge 10^4 times larger, up to this many times in all (Levenberg–Marquardt): on a singular
#: Hessian (more groups than data points) the high-precision pass's ridge, √eps = 1e-20 of the
#: diagonal, made a step of ~1e20 that 60 halvings could not shorten, and it stopped at its
#: start (found by the random hypothesis profile: G = 4 groups, n = 2)
RIDGE_BOOSTS = 6


def _newton(Ks: list, y: Sequence, b2, rho0: Sequence, *, one, eps, maxit: int = 60,
            budget: int | None = None) -> tuple:
    """Projected Newton for ``min_{ρ≥0} φ(ρ)`` (module docstring), number type-generic.

    ``Ks`` are the ``K_g`` as lists of lists, ``y`` and ``b2 = β²`` in the same number type
    (floats for a first pass, mpmath ``mpf`` for the high-precision pass); ``one`` is that
    type's 1 and ``eps`` its relative accuracy. ``budget`` (the list-of-lists pass only) caps
    its evaluations of ``M(ρ)``, line searches included: the point reached is returned then
    (:data:`MPF_EVALUATIONS`). Returns ``(ρ, v)`` with ``v = M(ρ)⁻¹ y``.
    """
    if isinstance(one, float):
        return _newton_float(Ks, y, b2, rho0, eps=eps, maxit=maxit)
    n, G = len(y), len(Ks)
    zero = one - one
    rho = [max(zero, r * one) for r in rho0]

    def system(r):
        M = [[(one if a == c else zero) for c in range(n)] for a in range(n)]
        for g in range(G):
            if r[g]:
                K, rg = Ks[g], r[g]
                for a in range(n):
                    Ma, Ka = M[a], K[a]
                    for c in range(n):
                        if Ka[c]:
                            Ma[c] += rg * Ka[c]
        LU = lu_factor(M)
        v = lu_solve(LU, y)
        return LU, v, sum(p * q for p, q in zip(y, v)) / 2 + b2 / 2 * sum(r)

    def matvec(K, x):
        return [sum(k * t for k, t in zip(row, x)) for row in K]

    LU, v, f = system(rho)
    evaluations = 1
    prev = None
    for _ in range(maxit):
        if budget is not None and evaluations > budget:
            break  # the pure-Python line search's budget: the point so far is the guess
        kv = [matvec(Ks[g], v) for g in range(G)]
        grad = [(b2 - sum(p * q for p, q in zip(v, kv[g]))) / 2 for g in range(G)]
        free = [g for g in range(G) if rho[g] > 0 or grad[g] < 0]
        err = max([abs(grad[g]) for g in free] + [zero])
        # converged, or stalled at the working precision (Newton converges quadratically: a
        # step that does not halve the error means rounding noise dominates)
        if err <= b2 * eps * 100 or (prev is not None and err <= b2 * eps ** (one / 4)
                                      and err > prev / 2):
            break
        prev = err
        Mi = {g: lu_solve(LU, kv[g]) for g in free}
        H = [[sum(p * q for p, q in zip(kv[g], Mi[h])) for h in free] for g in free]
        # The Hessian Bᵀ M⁻¹ B is singular when the active fits are dependent (a non-unique
        # optimal ρ, docs/MATH.md §7): a tiny ridge keeps the step defined; any stationary ρ gives
        # the same v.
        # (a group whose fit K_g v vanishes has a zero row: the absolute floor sends it to 0)
        ridge = max(max(H[k][k] for k in range(len(free))) * eps ** (one / 2), b2 * eps)
        accepted = False
        for boost in range(RIDGE_BOOSTS):
            Hr = [list(row) for row in H]
            for k in range(len(free)):
                Hr[k][k] += ridge * (one * 10) ** (4 * boost)
            step = lu_solve(lu_factor(Hr), [-grad[g] for g in free])
            t = one
            for _ls in range(60):
                new = list(rho)
                for k, g in enumerate(free):
                    new[g] = max(zero, rho[g] + t * step[k])
                LU2, v2, f2 = system(new)
                evaluations += 1
                if f2 <= f + abs(f) * eps * 10:
                    accepted = True
                    break
                t /= 2
                if budget is not None and evaluations > budget:
                    break
            if accepted or (budget is not None and evaluations > budget):
                break
        if not accepted:
            break
        rho, LU, v, f = new, LU2, v2, f2
    return rho, v


#: evaluations of M(ρ) (an LU of n × n mpf numbers each, ~40 ms at n = 23) the pure-Python
#: mpmath Newton of :func:`_refine` may spend, its line search included; from the float pass's
#: point a converging one takes about a dozen.
#: Raw wine (23, 3), 17 digits: 6,245 of them in 27 calls, 250 s of a 280 s solve
#: (benchmarks/RESULTS.md, session 24)
MPF_EVALUATIONS = 40


def _stationarity_error(Ks: list, v: Sequence[float], rho: Sequence[float], b2: float
                        ) -> float:
    """``max |β² − vᵀK_g v| / 2`` over the groups that are free at ρ (floats; what
    :func:`_newton` drives to 0)."""
    if not len(Ks):
        return 0.0
    vf = np.asarray(v, dtype=float)
    KA = np.asarray(Ks, dtype=float).reshape(len(Ks), len(vf), len(vf))
    gr = (b2 - (KA @ vf) @ vf) / 2
    sel = (np.asarray(rho, dtype=float) > 0) | (gr < 0)
    return float(np.abs(gr[sel]).max()) if sel.any() else 0.0


def _newton_float(Ks: list, y: Sequence[float], b2: float, rho0: Sequence[float], *,
                  eps: float, maxit: int = 60) -> tuple[list[float], list[float]]:
    """:func:`_newton` in numpy doubles (LAPACK solves instead of list-of-lists LU): the same
    steps, stopping rules, ridge and line search. Pure-Python LU on the n × n systems of a
    (100, 4) solve (~100 groups) dominated the refinement. Floats only: a guess.

    >>> K = [[[1.0, 0.0], [0.0, 0.0]], [[0.0, 0.0], [0.0, 1.0]]]
    >>> rho, v = _newton_float(K, [1.0, 2.0], 0.25, [0.0, 0.0], eps=2.0**-52)
    >>> [round(r, 9) for r in rho], [round(x, 9) for x in v]
    ([1.0, 3.0], [0.5, 0.5])
    """
    yv = np.asarray(y, dtype=float)
    n, G = len(yv), len(Ks)
    KA = np.asarray(Ks, dtype=float).reshape(G, n, n)
    rho = np.maximum(np.asarray(rho0, dtype=float).reshape(G), 0.0)
    eye = np.eye(n)

    def system(r):
        M = eye + np.tensordot(r, KA, axes=1)
        try:
            v = np.linalg.solve(M, yv)
        except np.linalg.LinAlgError:
            raise ZeroDivisionError("singular matrix in the Newton refinement") from None
        return M, v, float(yv @ v) / 2 + b2 / 2 * float(r.sum())

    M, v, f = system(rho)
    prev = None
    for _ in range(maxit):
        kv = KA @ v  # G × n
        grad = (b2 - kv @ v) / 2
        free = np.flatnonzero((rho > 0) | (grad < 0))
        err = float(np.abs(grad[free]).max()) if len(free) else 0.0
        if err <= b2 * eps * 100 or (prev is not None and err <= b2 * eps ** 0.25
                                      and err > prev / 2):
            break
        prev = err
        B = kv[free]  # |free| × n
        try:
            Mi = np.linalg.solve(M, B.T)  # n × |free|
        except np.linalg.LinAlgError:
            raise ZeroDivisionError("singular matrix in the Newton refinement") from None
        H = B @ Mi
        ridge = max(float(np.diag(H).max()) * eps ** 0.5, b2 * eps)
        accepted = False
        for boost in range(RIDGE_BOOSTS):
            Hr = H.copy()
            Hr[np.diag_indices_from(Hr)] += ridge * 10.0 ** (4 * boost)
            try:
                step = np.linalg.solve(Hr, -grad[free])
            except np.linalg.LinAlgError:
                raise ZeroDivisionError("singular matrix in the Newton refinement") from None
            t = 1.0
            for _ls in range(60):
                new = rho.copy()
                new[free] = np.maximum(rho[free] + t * step, 0.0)
                M2, v2, f2 = system(new)
                if f2 <= f + abs(f) * eps * 10:
                    accepted = True
                    break
                t /= 2
            if accepted:
                break
        if not accepted:
            break
        rho, M, v, f = new, M2, v2, f2
    return rho.tolist(), v.tolist()


def _reduced_K(cp: ConvexProgram, g: Group, F: Sequence[int]) -> list[list[Fraction]]:
    """``K_g = D_i X P_F XᵀD_i`` exactly (the sign s does not enter).

    Computed as one integer product on common denominators (X scaled to integers, P_F on the
    lcm of its denominators): n² Fractions are built once instead of n²·d Fraction products.
    """
    return _fractions_of(*_reduced_K_int(cp, g, F))


def _fractions_of(KI: np.ndarray, den: int) -> list[list[Fraction]]:
    """``KI / den`` as lists of Fractions, one Fraction per distinct entry (the zero rows and
    columns of the points off the pattern, and the symmetric pairs, share theirs)."""
    zero = Fraction(0)
    memo: dict[int, Fraction] = {}
    out = []
    for row in KI.tolist():
        r = []
        for x in row:
            if not x:
                r.append(zero)
                continue
            f = memo.get(x)
            if f is None:
                f = memo[x] = Fraction(int(x), den)
            r.append(f)
        out.append(r)
    return out


def _reduced_K_int(cp: ConvexProgram, g: Group, F: Sequence[int]) -> tuple[np.ndarray, int]:
    """:func:`_reduced_K` as integers over one denominator: ``K_g = KI / den``."""
    from arrangement import intmat

    i, _s = g
    PI, Lp = kernel_projector_int([cp.cones[i][j] for j in F], cp.d)
    Lx, XI = cp.integer_rows()
    XA = cp.cache.get("int_rows_array")
    if XA is None:  # per program: the integer rows as one array (int64 when they fit)
        XA = cp.cache["int_rows_array"] = intmat.as_int_array(XI, cp.d)
    # D_i X: the rows off the pattern zeroed (a mask product, no per-row Python lists)
    YI = XA * np.asarray(cp.patterns[i], dtype=np.int64).reshape(-1, 1).astype(XA.dtype)
    if cp.pool > 1:  # the readout: K_g = (S D_i X) P_F (S D_i X)ᵀ
        YI = intmat.as_int_array(YI.reshape(cp.n, cp.pool, cp.d).sum(axis=1))
    KI = intmat.matmul(intmat.matmul(YI, PI), YI.T)
    return np.asarray(KI), Lx * Lx * Lp


def kernel_projector_int(rows: Sequence[Sequence[int]], d: int) -> tuple[np.ndarray, int]:
    """The orthogonal projector onto ``{u : a·u = 0 for every row a}`` of integer rows, as
    integers over one denominator: ``(PI, L)`` with ``P = PI / L`` (``P = I − Bᵀ(BBᵀ)⁻¹B``, B
    an independent subset of the rows, chosen fraction-free); only the small Gram inverse is
    in Fractions (``arrangement.exactla.kernel_projector`` builds the d × d products in
    Fractions, which was most of :func:`_reduced_K_int`).

    >>> PI, L = kernel_projector_int([(1, 1), (2, 2)], 2)
    >>> (PI.tolist(), L)
    ([[1, -1], [-1, 1]], 2)
    >>> from arrangement.exactla import kernel_projector
    >>> P = kernel_projector([(1, 2, 0), (0, 1, 3)], 3)
    >>> PI, L = kernel_projector_int([(1, 2, 0), (0, 1, 3)], 3)
    >>> all(Fraction(int(PI[r][c]), L) == P[r][c] for r in range(3) for c in range(3))
    True
    """
    from arrangement import intmat
    from arrangement.exactla import inverse, pivot_rows

    R = [[int(x) for x in row] for row in rows]
    B = [R[k] for k in pivot_rows(R)] if R else []
    if not B:
        return intmat.as_int_array([[int(r == c) for c in range(d)] for r in range(d)]), 1
    G = [[sum(x * y for x, y in zip(a, b)) for b in B] for a in B]
    if len(B) <= 3:
        # G⁻¹ = adj(G)/det(G) in integers (the Fraction inverse was most of this function;
        # det > 0: a Gram matrix of independent rows); the gcd below gives the same reduced
        # (PI, L) as any other common denominator
        L, adj = (G[0][0], [[1]]) if len(B) == 1 else FaceCache().adjugate(B)
        GI = intmat.as_int_array(adj)
    else:
        Gi = inverse(G)
        L = math.lcm(*(q.denominator for row in Gi for q in row))
        GI = intmat.as_int_array([[int(q * L) for q in row] for row in Gi])
    BI = intmat.as_int_array(B)
    S = intmat.matmul(intmat.matmul(BI.T, GI), BI)  # L · Bᵀ(BBᵀ)⁻¹B
    PI = np.asarray(intmat.as_int_array([[L * int(r == c) for c in range(d)] for r in range(d)]),
                    dtype=object) - np.asarray(S, dtype=object)
    q = math.gcd(L, *(int(x) for x in PI.ravel().tolist()))
    return intmat.shrink(PI // q), L // q


def _start_digits(digits: int) -> int:
    """Working digits of the first refinement round for a target of ``digits`` digits.

    The gap is second order in the error of (ρ, v) near the optimum, so doubles (about 16
    digits) already meet a 1e-12 target; finer targets start in mpmath with a margin.
    """
    return FLOAT_DIGITS if digits <= 14 else max(60, digits + 40)


#: Rounds at this many working digits use floats only (no mpmath pass).
FLOAT_DIGITS = 16


def _refine(Kq: Sequence, y: Vec, beta2: Fraction, rho0: Sequence[float], dps: int,
            polish: float = 0.0, Kf: list | None = None,
            KI: Sequence[tuple[np.ndarray, int]] | None = None) -> tuple:
    """Newton in floats, then in mpmath at ``dps`` digits: quadratic convergence means the
    high-precision pass needs only a few steps. At ``FLOAT_DIGITS`` the float pass is all,
    unless the gap its stationarity error alone costs exceeds ``polish`` (> 0, an absolute gap
    budget): with ``e = max |β² − vᵀK_g v| / 2`` over the free groups, scaling v into dual
    feasibility loses about ``e Σ_g ρ_g`` of the lower bound (first order: along the ray κv the
    dual's slope at κ = 1 is ``vᵀy − ‖v‖² = β² Σ ρ_g`` by stationarity). Rounding in an
    ill-conditioned ``M(ρ)`` (a CNN's pooled fits) can leave such an e; the result is then
    polished by the mpmath pass at ``2 · FLOAT_DIGITS`` (one or two Newton steps from the float
    point) instead of costing a whole second round. The polish is :func:`_polish_free_set`;
    the pure-Python mpmath Newton runs only when it fails, and only up to
    :data:`MPMATH_MAX_N` points (else the float point is returned: still a guess whose
    bounds are exact)."""
    from mpmath import mp

    if Kf is None:  # the float images of Kq (the caller may pass them, converted once)
        Kf = [np.array([[float(x) for x in row] for row in K], dtype=float) for K in Kq]
    rho, v = _newton(Kf, [float(t) for t in y], float(beta2), list(rho0), one=1.0,
                     eps=2.0**-52)
    if dps <= FLOAT_DIGITS:
        if polish <= 0 or _stationarity_error(Kf, v, rho, float(beta2)) * sum(rho) <= polish:
            return rho, v
        dps = 2 * FLOAT_DIGITS
    fast = _polish_free_set(Kq, y, beta2, rho, v, dps, Kf, KI)  # float steps, exact residuals
    if fast is not None:
        return fast
    if len(y) > MPMATH_MAX_N:
        # the pure-Python mpf Newton costs ~n³ mpf operations per line-search try: at (100, 4)
        # it line-searched for over 7 min (benchmarks/RESULTS.md, session 9). The float point
        # is still a valid guess: its bounds are exact, and the next round changes the
        # active set or raises the precision
        return rho, v
    with mp.workdps(dps):
        def m(x: Fraction):
            return mp.mpf(x.numerator) / x.denominator

        Km = [[[m(x) for x in row] for row in K] for K in Kq]
        rho, v = _newton(Km, [m(t) for t in y], m(beta2), [mp.mpf(r) for r in rho],
                         one=mp.mpf(1), eps=mp.mpf(10) ** (-dps), budget=MPF_EVALUATIONS)
        return [+r for r in rho], [+x for x in v]


#: the working digits a refinement pass goes on with when its float rounds repeat an active
#: set with the same faces (a cycle: :func:`_tighten`)
CYCLE_DIGITS = 2 * FLOAT_DIGITS

#: :func:`_polish` gives up after this many Newton steps in a row that do not cut its error
#: fourfold (1 was the rule until session 24: it gave up on Newton's first step in)
POLISH_RISES = 2

#: the mpmath Newton (the last resort of :func:`_refine` when :func:`_polish_free_set`
#: fails) runs only up to this many data points
MPMATH_MAX_N = 24

#: free-set corrections :func:`_polish_free_set` tries before it gives up
POLISH_TRIES = 16

#: :func:`_polish_free_set` frees a held group (ρ = 0) whose constraint the polished v
#: violates by more than this, relative to β² (t exact, :func:`_held_t`). It was 1e-9 until
#: session 25: on raw wine (25, 3) at β = 1/100 four groups stayed held
#: at violations of 5e-11 to 1.4e-10 and the gap stalled at 1.9e-11 against a 1e-12 target
#: (benchmarks/RESULTS.md, session 25)
LATE_SLACK = 1e-13


def _polish_free_set(Kq: Sequence, y: Vec, beta2: Fraction, rho: Sequence[float],
                     v: Sequence[float], dps: int, Kf: Sequence | None = None,
                     KI: Sequence[tuple[np.ndarray, int]] | None = None
                     ) -> tuple[list[Fraction], list[Fraction]] | None:
    """:func:`_polish` with its free set corrected (an active-set method on the polish, at
    most :data:`POLISH_TRIES` tries): groups whose ρ a step sends to ≤ 0 are held at 0 and
    the polish restarts from the float point without them; a held group whose constraint
    the polished v violates (``vᵀK_g v > β²``) is freed again. The float Newton stops at a
    noise floor on ill-conditioned systems (near-dependent fits, (100, 4): smallest singular
    value of ``[K_g v]`` 7e-5) and keeps free groups whose ρ belongs at 0; the first
    exact-residual step then overshoots them. ``None`` when every try fails. A guess: the
    bounds are recomputed exactly.

    >>> F = Fraction
    >>> K = [[[F(1), F(0)], [F(0), F(0)]], [[F(0), F(0)], [F(0), F(1)]]]
    >>> rho, v = _polish_free_set(K, (F(1), F(2)), F(1, 4), [1.0, 3.0], [0.5, 0.5], 40)
    >>> [float(r) for r in rho], [float(x) for x in v]
    ([1.0, 3.0], [0.5, 0.5])
    """
    G, n = len(Kq), len(y)
    if Kf is None:
        Kf = [np.array([[float(x) for x in row] for row in K], dtype=float) for K in Kq]
    b2 = float(beta2)
    rho = [float(r) for r in rho]
    # at most n free groups: more would ask n unknowns v to meet more than n equations
    # vᵀK_g v = β², and the polish's Jacobian (n + k square, [K_g v] of rank ≤ n) is then
    # singular, its LAPACK step rounding noise that differs between BLAS kernels. The
    # smallest multipliers are held at 0, and freed again below if their v violates them
    free = [g for g in range(G) if rho[g] > 0]
    for g in sorted(free, key=rho.__getitem__)[:max(0, len(free) - n)]:
        rho[g] = 0.0
    free = [g for g in free if rho[g] > 0]
    top = max(rho, default=0.0)
    best = None
    for _try in range(POLISH_TRIES):
        why: dict = {}
        got = _polish(Kq, y, beta2, rho, v, dps, Kf=Kf, KI=KI, why=why, free=free)
        if got is None:
            if not why.get("negative"):
                return best  # the last polished point (its violation is what the bound costs)
            # the smallest of them leaves (one change per try, as an active-set method
            # does: dropping them all at once cycled at (100, 4))
            out = min(why["negative"], key=lambda g: rho[g])
            free = [g for g in free if g != out]
            rho[out] = 0.0
            continue
        # a group held at 0 whose constraint the polished v violates belongs in the free set
        inn = set(free)
        th = {g: _held_t(Kq, KI, g, got[1]) for g in range(G) if g not in inn}
        late = [g for g, x in th.items() if x > b2 * (1 + LATE_SLACK)]
        if not late:
            return got
        best = got
        g = max(late, key=th.__getitem__)
        rho = [float(r) for r in got[0]]
        if len(inn) >= n:  # the late group comes in, the smallest multiplier leaves (above)
            out = min(inn, key=lambda h: rho[h])
            inn.discard(out)
            rho[out] = 0.0
        free = sorted(inn | {g})
        rho[g] = 1e-3 * top  # a start the polish converges from (1e-6 stalled)
        v = [float(x) for x in got[1]]
    return best


def _held_t(Kq: Sequence, KI: Sequence[tuple[np.ndarray, int]] | None, g: int,
            v: Sequence[Fraction]) -> float:
    """``vᵀK_g v`` at the polished v, exactly (``K_g = KI_g / den_g``, from ``Kq`` when no
    integer forms are given), rounded to a float at the end: the free-set check of
    :func:`_polish_free_set`. In floats the product loses the digits the check needs on data
    of mixed scales: ``K_g`` carries the squares of the large columns while ``‖XᵀD v‖²`` is
    near β² (raw breast cancer (37, 3), β = 1/100: a group violated by 9.9e-9 relative looked
    feasible, and the gap stalled at 9.6e-10 relative).

    >>> F = Fraction
    >>> _held_t([[[F(1), F(0)], [F(0), F(3)]]], None, 0, [F(1, 2), F(1, 3)])
    0.5833333333333334
    """
    if KI is not None:
        K, den = KI[g]
    else:
        mats, dens = _int_matrices([Kq[g]])
        K, den = mats[0], dens[0]
    L = math.lcm(*(Fraction(x).denominator for x in v))
    V = np.array([int(Fraction(x) * L) for x in v], dtype=object)
    return float(Fraction(int(V.dot(K.dot(V))), den * L * L))


def _int_matrices(Kq: list) -> tuple[list[np.ndarray], list[int]]:
    """Each exact ``K_g`` (lists of Fractions) as an integer object matrix over its common
    denominator: ``K_g = KI_g / den_g``."""
    out, dens = [], []
    for K in Kq:
        den = math.lcm(*(Fraction(x).denominator for row in K for x in row)) if K else 1
        out.append(np.array([[int(Fraction(x) * den) for x in row] for row in K], dtype=object)
                   .reshape(len(K), len(K)))
        dens.append(den)
    return out, dens


def _polish(Kq: Sequence, y: Vec, beta2: Fraction, rho: Sequence[float], v: Sequence[float],
            dps: int, maxit: int | None = None, Kf: Sequence | None = None,
            KI: Sequence[tuple[np.ndarray, int]] | None = None, why: dict | None = None,
            free: Sequence[int] | None = None
            ) -> tuple[list[Fraction], list[Fraction]] | None:
    """Mixed-precision Newton (iterative refinement) on the stationarity system of φ at the
    float point ``(ρ, v)`` of :func:`_newton_float`, its free groups (``ρ_g > 0``) fixed:

        M(ρ) v = y,     vᵀK_g v = β²  (ρ_g > 0),

    residuals in exact integer arithmetic (``v`` and ``ρ`` on the grid ``2^-B``, ``K_g`` over
    its denominator), Newton steps ``[[M, B], [−Bᵀ, 0]] δ = −R`` solved in floats. Each step
    gains about ``16 − log₁₀ cond`` digits, so a few steps reach ``dps`` digits, in place of
    the pure-Python mpmath Newton (:func:`_newton` on mpf lists) that dominated the
    certification of a (40, 4) program. ``None`` when it does not converge (a free ρ turning
    negative, a singular step, two steps in a row that do not cut the error fourfold); ``why``
    (when given) then gets ``"negative"``, the groups whose ρ a step sent to ≤ 0, for
    :func:`_polish_free_set` to correct. A guess either way: every bound is recomputed
    exactly from the rounded result.

    >>> F = Fraction
    >>> K = [[[F(1), F(0)], [F(0), F(0)]], [[F(0), F(0)], [F(0), F(1)]]]
    >>> rho, v = _polish(K, (F(1), F(2)), F(1, 4), [1.0 + 1e-9, 3.0], [0.5, 0.5 + 1e-9], 40)
    >>> [float(r) for r in rho], [float(x) for x in v]
    ([1.0, 3.0], [0.5, 0.5])
    """
    n, G = len(y), len(Kq)
    free = [g for g in range(G) if rho[g] > 0] if free is None else list(free)
    if not n or not free or len(free) > n:
        return None  # more free groups than points: a singular system (_polish_free_set)
    if KI is not None:  # the caller's integer forms (K_g = KI_g / den_g)
        mats, dens = [KI[g][0] for g in free], [KI[g][1] for g in free]
    else:
        mats, dens = _int_matrices([Kq[g] for g in free])
    Kf = [np.asarray(Kf[g], dtype=float).reshape(n, n) if Kf is not None else
          np.array([[float(x) for x in row] for row in Kq[g]], dtype=float).reshape(n, n)
          for g in free]
    yq = [Fraction(t) for t in y]
    Ly = math.lcm(*(t.denominator for t in yq))
    scale = max([abs(float(t)) for t in yq] + [abs(float(x)) for x in v]
                + [float(rho[g]) for g in free] + [1e-300])
    # the absolute grid 2^-B: about dps + 12 digits below the largest number
    B = max(64, int(dps * 3.33) + 40 - math.frexp(scale)[1])
    one = 1 << B

    def q(x: float) -> int:
        return round(Fraction(float(x)) * one)

    V = np.array([q(x) for x in v], dtype=object)
    P = [q(rho[g]) for g in free]
    L = math.lcm(*dens) * Ly
    Yn = np.array([int(t * L) for t in yq], dtype=object)  # y·L, integers
    target = 10.0 ** (-dps) * 100
    b2f = float(beta2)
    yscale = max(1.0, max(abs(float(t)) for t in yq))
    prev = math.inf
    rises = 0
    its = maxit if maxit is not None else 4 + dps // 8
    for _ in range(its):
        KV = [K.dot(V) for K in mats]  # K_g v = KV_g / (den_g 2^B)
        # R1 = v + Σ ρ_g K_g v − y over the common denominator L·2^{2B}
        R1 = V * (L * one) - Yn * (one * one)
        for Pg, KVg, dg in zip(P, KV, dens):
            R1 = R1 + KVg * (Pg * (L // dg))
        D1 = L * one * one
        r1 = np.array([int(a) / D1 for a in R1], dtype=float)
        r2 = np.array([float((beta2 - Fraction(int(V.dot(KVg)), dg * one * one)) / 2)
                       for KVg, dg in zip(KV, dens)], dtype=float)
        err = max(float(np.abs(r1).max()) / yscale, float(np.abs(r2).max()) / b2f)
        if err <= target:
            break
        if err > prev / 4:
            # not converging (rounding noise or a wrong free set) after two such steps in a
            # row: a single one is Newton's way in from a far point. Raw 17-digit breast
            # cancer (40, 4) (columns of scales 10^4 apart, cond J 5e17): the first step
            # traded r2 1e-8 -> 2e-12 for r1 1e-8 -> 2e-6, the next ones 9e-12, 1e-21, 2e-29
            # (benchmarks/RESULTS.md, session 24); stopped at the first, the float point
            # stayed and the gap stalled at 2e-9
            rises += 1
            if rises >= POLISH_RISES:
                return None
        else:
            rises = 0
        prev = err
        vf = np.array([int(a) / one for a in V], dtype=float)
        rf = np.array([p / one for p in P], dtype=float)
        M = np.eye(n)
        for r, K in zip(rf, Kf):
            M += r * K
        Bm = np.column_stack([K @ vf for K in Kf])  # n × |free|
        k = len(free)
        J = np.zeros((n + k, n + k))
        J[:n, :n], J[:n, n:], J[n:, :n] = M, Bm, -Bm.T
        try:
            step = np.linalg.solve(J, -np.concatenate([r1, r2]))
        except np.linalg.LinAlgError:
            return None
        if not np.all(np.isfinite(step)):
            return None
        V = V + np.array([q(s) for s in step[:n]], dtype=object)
        P = [p + q(s) for p, s in zip(P, step[n:])]
        if any(p <= 0 for p in P):
            if why is not None:
                why["negative"] = [g for g, p in zip(free, P) if p <= 0]
            return None
    else:
        return None
    out_rho = [Fraction(0)] * G
    for g, p in zip(free, P):
        out_rho[g] = Fraction(p, one)
    return out_rho, [Fraction(int(a), one) for a in V]


# -- solve ---------------------------------------------------------------------------------------
def solve(X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
          loss: str = "squared", tol: Fraction = Fraction(1, 10**12), *,
          arrangement=None, program: ConvexProgram | None = None,
          max_rounds: int = 8, method: str = "auto", progress=None) -> Solution:
    """Certified global optimum of two-layer ReLU training: ``lower ≤ P* ≤ upper``, exact.

    ``P*`` is the optimal value of ``ℓ(Σ_k (Xu_k)_+ α_k) + (β/2) Σ_k (‖u_k‖² + α_k²)`` over
    networks of any width (equal to the convex program's value, docs/MATH.md §4); the returned
    network
    attains ``upper``. The gap is driven below ``tol · max(1, |upper|)`` when the Newton
    refinement on the active set converges (the loss's ``refinement``); when it does not, the
    bounds of the conic guess are returned, still exact and valid but wider.

    ``method`` picks the numeric guess: ``"full"`` (every group in one conic program),
    ``"cutting"`` (constraint generation over the exact chamber list, :mod:`exact.cutting`) or
    ``"auto"`` (cutting planes from :data:`exact.cutting.AUTO_MIN_GROUPS` groups on). The
    certificate is the same either way: dual feasibility on every chamber. ``progress(round,
    working_set, worst_violation)`` is called after each cutting-plane round.

    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")   # docs/MATH.md §9
    >>> sol.lower <= Fraction(37, 200) <= sol.upper, sol.gap <= Fraction(1, 10**12)
    (True, True)

    References: Pilanci & Ergen (2020); Wang, Lacotte & Pilanci (2022).
    """
    from arrangement.blas import single_threaded_blas
    from exact import screen_kernels

    with single_threaded_blas(), screen_kernels.solving():
        sol = _solve(X, y, beta, loss, tol, arrangement=arrangement, program=program,
                     max_rounds=max_rounds, method=method, progress=progress)
    # a process that solves again gets the compiled screen loops (exact.screen_kernels)
    screen_kernels.solved(int(sol.stats.get("chambers", 0)))
    return sol


METHODS = ("auto", "full", "cutting")

#: groups added per cutting-plane round, per data point: every round screens all groups, so
#: fewer, larger rounds are cheaper (measured, CPU of the cutting planes at 2n / 6n / 12n per
#: round: (40, 4) 2.7 / 1.4 s; (30, 5) 5.5 / 4.3 s; (40, 5) 21.8 / 17.0 / 19.2 s)
PER_ROUND = 6


#: a missed gap target from the cutting planes' guess is refined once more from the full
#: program's guess on programs of at most this many groups (about 2 s of cvxpy and Clarabel
#: at 4,628 groups, the cutting planes' own fallback size, exact.cutting.FALLBACK_MAX_GROUPS)
RETRY_MAX_GROUPS = 5000


def _solve(X, y, beta, loss: str, tol: Fraction, *, arrangement, program, max_rounds: int,
           method: str = "auto", progress=None) -> Solution:
    t0 = time.perf_counter()
    tol = Fraction(tol)
    cp = program if program is not None else ConvexProgram(X, y, beta, loss, arrangement)
    stats: dict = {"chambers": cp.p}
    digits = max(12, -_log2(tol) * 30103 // 100000 + 1) if tol > 0 else 60
    # binary places: for κ and v (first-order effect on the gap), and for c ≈ √‖w‖ in the
    # neurons (second-order effect: the penalty excess is about β‖w‖ε², so half the bits do;
    # every neuron's c² ends up in the denominator of UB, so they are kept short)
    bits = int(digits * 3.33) + 64
    cbits = int(digits * 3.33) // 2 + 40
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}: expected one of {', '.join(METHODS)}")
    from exact.cutting import AUTO_MIN_GROUPS, working_set_solve
    from exact.screen import float_safe

    # the cutting planes pick groups by float violations: numbers too large for floats take
    # the full program, whose conic rows are scaled first (exact.convex)
    if float_safe(cp) and (method == "cutting"
                           or (method == "auto" and len(cp.groups) >= AUTO_MIN_GROUPS)):
        W, stats["cutting"] = working_set_solve(cp, per_round=max(20, PER_ROUND * cp.n),
                                                  progress=progress)
        # the last screen's float multipliers go to the exact passes, not into the stats
        warm = stats["cutting"].pop("screen", None)
        stats["method"] = "cutting"
    else:
        W = cp.numeric_solve()
        warm = None
        stats["method"] = "full"
    stats["numeric_seconds"] = time.perf_counter() - t0
    info: dict = {}
    best_lo, best_up, rounds = _refined(cp, W, warm, tol, digits, bits, cbits, max_rounds,
                                        t0, info)
    cut = stats.get("cutting")
    if (not _met(best_lo, best_up, tol) and cut is not None and not cut["full_fallback"]
            and len(cp.groups) <= RETRY_MAX_GROUPS):
        # a missed target from the cutting planes' guess: on a program this small the full
        # program's guess is cheap, and it may carry the active set the refinement missed
        # (raw wine (23, 3), 17 digits, β = 1/10: the dual Newton polish stalled at 2e-7 on
        # dependent fits, gap 1.3e-8 relative; from the full program 5.0e-21)
        lo2, up2, r2 = _refined(cp, cp.numeric_solve(), None, tol, digits, bits, cbits,
                                max_rounds, t0, info)
        rounds += r2
        if lo2.value > best_lo.value:
            best_lo = lo2
        if _below(up2, best_up):
            best_up = up2
        stats["full_retry"] = True
    stats["rounds"] = rounds
    stats["target_met"] = _met(best_lo, best_up, tol)
    stats["tol"] = tol
    if not stats["target_met"]:
        stats["reason"] = missed_reason(rounds, info)
    stats["seconds"] = time.perf_counter() - t0
    return _solution(cp, best_lo, best_up, stats)


#: a group of a float guess counts as active when its weight is above this fraction of the
#: largest
ACTIVE_REL = 1e-7


def guess_weights(W: Mapping[Group, np.ndarray]) -> tuple[dict[Group, float], float]:
    """``(norms, thr)`` of a float guess ``W``: each group's weight ``‖w_g‖`` and the activity
    threshold, :data:`ACTIVE_REL` times the largest (0 for an empty or zero guess).

    >>> guess_weights({(0, 1): np.array([3.0, 4.0]), (0, -1): np.zeros(2)})
    ({(0, 1): 5.0, (0, -1): 0.0}, 5e-07)
    """
    norms = {g: float(np.linalg.norm(w)) for g, w in W.items()}
    return norms, ACTIVE_REL * max(norms.values(), default=0.0)


def _refined(cp: ConvexProgram, W, warm, tol: Fraction, digits: int, bits: int, cbits: int,
             max_rounds: int, t0: float, info: dict) -> tuple[_Lower, _Upper, int]:
    """The exact bounds from the float guess ``W``: its own upper bound (or the empty
    network's), the loss's refinement (module docstring) and, for the squared loss when the
    target is missed, its monotone second pass; the unrefined dual vector when the
    refinement fails. Returns ``(lower, upper, rounds)``; ``info`` gets what the passes
    record (:func:`missed_reason`). ``t0``: the solve's start (the second pass's budget)."""
    norms, thr = guess_weights(W)
    groups0 = _rational_groups(cp, W, thr)
    pred0 = cp.prediction(groups0)
    # the guess's exact upper bound only when something reads it: the refinement's usually
    # beats it by far, and its neurons (a rational fourth root per group) and exact value
    # were a twentieth of a (40, 4) certification. A float estimate decides meanwhile
    up: _Upper = _PendingUpper(cp, groups0, cbits, _upper_estimate(cp, groups0, pred0))
    zero = _upper_bound(cp, {}, cbits)  # the empty network: optimal when β is large
    if _at_most(zero, up):
        up, groups0 = zero, {}
        pred0 = cp.prediction(groups0)
    v0 = cp.loss_fn.residual_dual(cp.y, pred0)
    if v0 is None:  # no residual: the conic solver's multiplier, on a dyadic grid
        nd = cp.numeric_dual if cp.numeric_dual is not None else np.zeros(cp.n)
        k = _grid(float(np.max(np.abs(nd))) if cp.n else 0.0)
        v0 = tuple(_dyadic(x, k) for x in nd)

    best_lo: _Lower | None = None
    best_up = up
    rounds = 0
    # looked up by name at call time, so that a test can replace a refinement loop
    tighten = (globals()[REFINEMENTS[cp.loss_fn.refinement]] if cp.loss_fn.refinement
               else None)
    if _positive(up) and groups0 and tighten is not None:
        try:
            best_lo, best_up, rounds = tighten(cp, W, norms, thr, v0, best_up, tol, digits,
                                               bits, cbits, max_rounds, info=info, warm=warm)
        except (ArithmeticError, ZeroDivisionError, ValueError):  # pragma: no cover
            best_lo = None  # keep the unrefined certificate below: still exact and valid
    if best_lo is None or best_up.value - best_lo.value > tol * max(Fraction(1),
                                                                     abs(best_up.value)):
        # the unrefined dual vector may still do better (refinement failed or stalled)
        cands = [v0]
        snap = cp.loss_fn.snap_dual(v0, cp.y)  # coordinates at a kink of the dual domain
        if snap is not None:
            cands.append(snap)
        for cand in cands:
            lo0 = _lower_bound(cp, cand, bits, warm=warm)
            if best_lo is None or lo0.value > best_lo.value:
                best_lo = lo0
    if (cp.loss_fn.refinement == "newton" and _positive(up) and groups0
            and not _met(best_lo, best_up, tol)):
        # from the interior-point guess: at a degenerate optimum (many groups of neighbouring
        # chambers tight, several networks optimal) the conic guess's active set can be one
        # whose KKT systems the polish cannot solve (raw wine (36, 4), β = 1/1000: the gap
        # stopped at 2.5e-11 on 33–36 merged groups); the central path ends near the
        # optimal face's centre (benchmarks/RESULTS.md, session 28)
        got = _squared_ipm_pass(cp, W, v0, best_up, tol, digits, bits, cbits, max_rounds,
                                info, warm)
        if got is not None:
            lo2, up2, r2 = got
            rounds += r2
            if lo2 is not None and (best_lo is None or lo2.value > best_lo.value):
                best_lo = lo2
            best_up = up2 if _below(up2, best_up) else best_up
    if (cp.loss_fn.refinement == "newton" and _positive(up) and groups0
            and not _met(best_lo, best_up, tol)):
        # second pass (issue: a missed gap target): a monotone active set, more rounds
        try:
            budget = max(1.0, 2 * (time.perf_counter() - t0))
            lo2, up2, r2 = _tighten(cp, W, norms, thr, v0, best_up, tol, digits, bits, cbits,
                                    4 * max_rounds, monotone=True,
                                    deadline=time.perf_counter() + budget, info=info,
                                    warm=warm)
            rounds += r2
            if lo2 is not None and (best_lo is None or lo2.value > best_lo.value):
                best_lo = lo2
            best_up = up2 if _below(up2, best_up) else best_up
        except (ArithmeticError, ZeroDivisionError, ValueError):  # pragma: no cover
            pass
    assert best_lo is not None  # the candidate loop above always sets one
    return best_lo, best_up, rounds


def missed_reason(rounds: int, info: Mapping[str, object]) -> str:
    """Why the refinement missed the gap target, from what the passes recorded in ``info``:
    a float Newton residual far above rounding on the hinge's KKT system means no solution
    exists on the active set read off the conic guess (a wrong active set, not a lack of
    digits); a gap that more digits on the same active set did not halve means the rounds
    stopped there; a spent time budget means the second pass was cut short.

    >>> missed_reason(4, {"residual": 7.2e-7})[:60]
    'the Newton refinement of the active set did not settle in 4 '
    >>> "no solution" in missed_reason(4, {"residual": 7.2e-7})
    True
    >>> "stopped shrinking at 256 digits" in missed_reason(6, {"stalled": 256})
    True
    """
    why = []
    res = info.get("residual")
    if isinstance(res, float) and res > 1e-10:
        why.append(f"its optimality system has no solution on the active set read off the "
                   f"conic guess, Newton residual {res:.1e}: a wrong active set")
    if info.get("stalled"):
        why.append(f"the gap stopped shrinking at {info['stalled']} digits on an unchanged "
                   "active set")
    if info.get("budget"):
        why.append("the second pass ran out of its time budget")
    return (f"the Newton refinement of the active set did not settle in {rounds} rounds"
            + "".join(f"; {w}" for w in why)
            + " (the bounds are exact but wider: try a larger --tol or beta)")


def _met(lo: _Lower | None, up: _Upper, tol: Fraction) -> bool:
    """Whether the exact bounds meet the relative gap target ``tol · max(1, |upper|)``."""
    return lo is not None and up.value - lo.value <= tol * max(Fraction(1), abs(up.value))


def _solution(cp: ConvexProgram, lo: _Lower, up: _Upper, stats: dict) -> Solution:
    net = Network(tuple(Neuron(u, a) for u, a in up.neurons))
    return Solution(lower=lo.value, upper=up.value, gap=up.value - lo.value, network=net,
                    groups=dict(up.groups), active_groups=sorted(up.groups), dual=lo.v,
                    kappa=lo.kappa, projections=lo.certs, chambers=cp.p, loss=cp.loss,
                    beta=cp.beta, program=cp, stats=stats, bounds=lo.bounds)


def exact_float_quotient(KI: np.ndarray, den: int) -> np.ndarray | None:
    """``KI / den`` in floats, each entry the correctly rounded quotient, when every entry and
    ``den > 0`` are below 2^53 (exact floats, so one IEEE division per entry is the correctly
    rounded quotient, as Python's int / int is); None otherwise (the caller divides entry by
    entry).

    >>> exact_float_quotient(np.array([[1, 3]]), 4).tolist()
    [[0.25, 0.75]]
    >>> exact_float_quotient(np.array([[2**60]], dtype=object), 3) is None
    True
    """
    from arrangement import intmat

    if 0 < den < 2**53 and intmat.max_abs(KI) < 2**53:
        return np.asarray(KI, dtype=float) / float(den)
    return None


def float_K(Kcache: dict, ck: tuple) -> np.ndarray:
    """The float image of the cached exact ``K_g`` of ``ck = (group, faces)``, converted once:
    from its integer form ``KI / den`` when cached (Python's int / int is correctly rounded,
    as ``float(Fraction)`` is), else from its Fractions.

    >>> float_K({((0, 1), ()): [[Fraction(1, 2)]]}, ((0, 1), ())).tolist()
    [[0.5]]
    >>> float_K({((0, 1), (), "int"): (np.array([[1, 3]], dtype=object), 4)}, ((0, 1), ())).tolist()
    [[0.25, 0.75]]
    """
    fk = (*ck, "float")
    if fk not in Kcache:
        ik = (*ck, "int")
        if ik in Kcache:
            KI, den = Kcache[ik]
            # one Python division per entry was 2.5 ms of a (40, 4) solve (31 matrices 40 × 40)
            F = exact_float_quotient(KI, den)
            if F is None:
                F = np.array([x / den if x else 0.0 for x in KI.ravel().tolist()],
                             dtype=float).reshape(KI.shape)
            Kcache[fk] = F
        else:
            K = Kcache[ck]
            Kcache[fk] = np.array([[float(x) for x in row] for row in K], dtype=float).reshape(
                len(K), len(K))
    return Kcache[fk]


def matrix_key(KI: np.ndarray, den: int) -> tuple:
    """A hashable key of the rational matrix ``KI / den`` (integers over ``den > 0``): equal
    keys exactly when the matrices are equal (numerator and denominator divided by their gcd).

    >>> matrix_key(np.array([[2, 4]]), 6) == matrix_key(np.array([[1, 2]]), 3)
    True
    >>> matrix_key(np.array([[2, 4]]), 6) == matrix_key(np.array([[1, 2]]), 4)
    False
    """
    flat = KI.ravel().tolist()
    q = math.gcd(den, *flat)
    # (ints already: tolist gives Python ints for object and int64 arrays alike)
    return (KI.shape, den // q, tuple(flat) if q == 1 else tuple(x // q for x in flat))


class ExactMatrices(Sequence):
    """The exact ``K_g`` (lists of Fractions) of the cache keys ``cks``, built only when read:
    the float Newton, the integer residuals of :func:`_polish` and the merge keys all work on
    the integer forms, so most rounds never need the n² Fractions per matrix (building and
    hashing them was most of :func:`_merged_system` at (40, 4)).

    >>> Kc = {((0, 1), (), "int"): (np.array([[1, 3]], dtype=object), 4)}
    >>> ExactMatrices(Kc, [((0, 1), ())])[0]
    [[Fraction(1, 4), Fraction(3, 4)]]
    """

    def __init__(self, Kcache: dict, cks: Sequence[tuple]):
        self.Kcache, self.cks = Kcache, list(cks)

    def __len__(self) -> int:
        return len(self.cks)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(len(self)))]
        ck = self.cks[k]
        if ck not in self.Kcache:
            self.Kcache[ck] = _fractions_of(*self.Kcache[ck + ("int",)])
        return self.Kcache[ck]


def _merged_system(cp: ConvexProgram, active: Mapping[Group, tuple[int, ...]],
                   rho0: Mapping[Group, float], Kcache: dict
                   ) -> tuple[ExactMatrices, list[Group], dict]:
    """The reduced matrices ``K_g`` of the active set, one per distinct matrix.

    Groups with the same K_g (a neuron on a hyperplane lies in two cones) have the same fit
    and the same stationarity condition: only their sum of ρ matters. Merging them keeps the
    Newton systems nonsingular, hence quadratically convergent. Returns ``(Ks, keys, r0)``
    with ``keys[k]`` the group standing for ``Ks[k]`` and ``r0`` its summed starting ρ. The
    matrices are kept as integers over a denominator (``Kcache[(g, F, "int")]``), compared by
    :func:`matrix_key`; ``Ks`` builds their Fractions only when read (:class:`ExactMatrices`).
    """
    cks: list[tuple] = []
    keys: list[Group] = []
    seen: dict[tuple, Group] = {}
    r0: dict[Group, float] = {}
    for g in sorted(active):
        ck = (g, active[g])
        if ck + ("key",) not in Kcache:
            KI, den = _reduced_K_int(cp, g, active[g])
            if KI.dtype != object:
                # the float image now, from int64: from the object copy (float_K) the
                # bound on its entries cost 0.1 ms per matrix
                F = exact_float_quotient(KI, den)
                if F is not None:
                    Kcache[ck + ("float",)] = F
            Kcache[ck + ("int",)] = (KI.astype(object), den)
            Kcache[ck + ("key",)] = matrix_key(KI, den)
        key = Kcache[ck + ("key",)]
        if key in seen:
            r0[seen[key]] += rho0.get(g, 0.0)
            continue
        seen[key] = g
        r0[g] = rho0.get(g, 0.0)
        cks.append(ck)
        keys.append(g)
    return ExactMatrices(Kcache, cks), keys, r0


#: A facet is read as tight at a group of the conic guess when ``a·w ≤ this · ‖a‖‖w‖`` (the
#: interior-point solver leaves about 1e-9 on a facet; interior neurons are far above).
TIGHT_FACET = 1e-6


def _initial_active(cp: ConvexProgram, W, norms: Mapping[Group, float], thr: float, v0: Vec,
                    rcond: float = 1e-9) -> tuple[dict[Group, tuple[int, ...]], dict[Group, float]]:
    """The active set read off the conic guess: its groups above ``thr`` pruned to independent
    fits (:func:`_purify`), each with the facets its ``w`` is tight on (:data:`TIGHT_FACET`)
    and a starting ``ρ = γ‖w‖/β`` (``w = ρ q`` with ``‖q‖ = β`` at an optimum).

    The faces come from the primal ``w``, not from projections at the dual guess ``v0``: at a
    small β the dual is tiny and the solver's absolute accuracy leaves it with a large relative
    error (wrong faces, and a Newton system without a solution), while ``w`` is of size one.
    At an optimum both agree: ``w = ρ q`` lies on exactly the facets ``q`` lies on, and a facet
    ``q`` lies on with a zero multiplier leaves ``P_F g = q`` unchanged. ``v0`` is kept for
    the groups whose ``w`` is too small (below 1e-3 of the largest) to show its facets.
    """
    active: dict[Group, tuple[int, ...]] = {}
    rho0: dict[Group, float] = {}
    wmax = max(norms.values(), default=0.0)
    for g, gm in _purify(cp, W, [g for g, nm in norms.items() if nm > thr], rcond).items():
        i, s = g
        A = cp.cones[i]
        w = np.asarray(W[g], dtype=float)
        nw = float(np.linalg.norm(w))
        if A and nw > 1e-3 * wmax and np.isfinite(nw):
            from arrangement.intmat import float_rows

            Af = float_rows(A).reshape(-1, cp.d)
            Af = Af / np.linalg.norm(Af, axis=1, keepdims=True)
            active[g] = tuple(int(k) for k in np.flatnonzero(Af @ w <= TIGHT_FACET * nw))
        else:
            # h_i = Xᵀ D_i v0 of this chamber alone (h_matrix builds all p rows: 0.1 s at
            # (40, 5) for the few groups whose w is small)
            D, V = cp.patterns[i], cp.spread(v0)
            gv = tuple(s * sum((x * V[j] for j, x in enumerate(col) if D[j] and x), Fraction(0))
                       for col in zip(*cp.X))
            active[g] = project_onto_cone(A, gv).support
        rho0[g] = gm * norms[g] / float(cp.beta)
    return active, rho0


def _next_active(active: Mapping[Group, tuple[int, ...]], keys: Sequence[Group],
                 rr: Mapping[Group, Fraction], lo: _Lower, beta2: Fraction, dps: int,
                 keep_tight: bool = True
                 ) -> tuple[dict[Group, tuple[int, ...]], dict[Group, float], bool]:
    """The active groups for the next refinement round, from the exact projections at the new
    v: a key stays while its ρ > 0 or (``keep_tight``) its projection is tight (``t ≥ β²``),
    with the faces its projection now touches (the hinge drops tight groups with ρ = 0: each
    one adds an unknown to its square system but no margin); groups merged into a key stay
    (they are merged again); a group joins when its projection exceeds β² by more than the
    working precision. Returns
    ``(active, ρ₀, changed)``."""
    new: dict[Group, tuple[int, ...]] = {}
    changed = False
    for g in keys:
        if rr[g] > 0 or (keep_tight and lo.ts.get(g, Fraction(0)) >= beta2):
            new[g] = lo.certs[g].support
            changed |= new[g] != active[g]
        else:
            changed = True
    new.update({g: f for g, f in active.items() if g not in keys})
    margin = beta2 * (1 + Fraction(1, 10 ** (dps // 3)))
    for g, t in lo.ts.items():
        if g not in active and t > margin:
            new[g] = lo.certs[g].support
            changed = True
    return new, {g: float(rr.get(g, 0)) for g in new}, changed


def _settle_faces(cp: ConvexProgram, active: Mapping[Group, tuple[int, ...]],
                  rho0: Mapping[Group, float], Kcache: dict, max_steps: int = 12
                  ) -> tuple[dict[Group, tuple[int, ...]], dict[Group, float]]:
    """The faces of the squared loss's active set made consistent in floats before any exact
    step (the primal active-set rule for each projection ``q_g = P_F g``).

    Float Newton on the current faces gives ρ and v; for each group with ρ > 0 the face F is
    checked against its cone: ``q = P_F g`` must satisfy every facet (else the most violated
    one joins F) and its multipliers ``λ`` in ``g = q − A_Fᵀλ`` must be ≥ 0 (else the most
    negative leaves F). At most one change per group and step; the loop stops when no face
    changes. A face that is not the projection's makes ``ρ_g q_g`` leave its cone, and the
    exact projection that replaces it then has a fit far from Newton's (ρ is of size 1/β):
    this keeps such faces out of the exact rounds. Floats only; everything is re-checked.
    """
    from exact.screen import facet_arrays

    active, rho0 = dict(active), dict(rho0)
    fa = facet_arrays(cp)  # the unit facet rows and float patterns, built once per program
    Xf = np.array([[float(t) for t in row] for row in cp.X]).reshape(cp.rows, cp.d)
    yf = [float(t) for t in cp.y]
    b2 = float(cp.beta) ** 2
    for _step in range(max_steps):
        Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        Kf = [float_K(Kcache, (g, active[g])) for g in keys]
        try:
            rho, v = _newton(Kf, yf, b2, [r0[g] for g in keys], one=1.0, eps=2.0**-52)
        except ZeroDivisionError:
            break
        vf = np.array(v, dtype=float)
        changed = False
        for g, r in zip(keys, rho):
            rho0[g] = float(r)
            i, s = g
            if r <= 0 or not cp.cones[i]:
                continue
            if fa is not None:  # the same floats as below, without converting the rows again
                A, Pi = fa.A[i, :fa.counts[i]], fa.P[i]
            else:
                from arrangement.intmat import float_rows

                A = float_rows(cp.cones[i]).reshape(-1, cp.d)
                A = A / np.linalg.norm(A, axis=1, keepdims=True)
                Pi = np.array(cp.patterns[i], dtype=float)
            # v on the rows (Sᵀv): each of a signal's patch rows carries its v_j (docs/cnn.md)
            h = s * (Xf.T @ (Pi * np.repeat(vf, cp.pool)))
            F = list(active[g])
            c = np.linalg.lstsq(A[F].T, h, rcond=None)[0] if F else np.zeros(0)
            q = h - (A[F].T @ c if F else 0.0)
            scale = max(float(np.linalg.norm(h)), 1e-300)
            slack = A @ q
            slack[F] = np.inf
            k = int(np.argmin(slack))
            if slack[k] < -1e-9 * scale:
                active[g] = tuple(sorted(F + [k]))
                changed = True
            elif F and float(np.max(c)) > 1e-9 * scale:  # λ = −c < 0: the facet leaves
                active[g] = tuple(f for t, f in enumerate(F) if t != int(np.argmax(c)))
                changed = True
        if not changed:
            break
    return active, rho0


def _tighten(cp: ConvexProgram, W, norms, thr, v0: Vec, up0: _Upper, tol: Fraction,
             digits: int, bits: int, cbits: int, max_rounds: int, monotone: bool = False,
             deadline: float | None = None, info: dict | None = None,
             warm: ViolationState | None = None):
    """The refinement loop of the module docstring; returns the best exact bounds found.

    ``monotone`` keeps every group that was ever active (at ρ = 0 when it dropped out): the
    slower but steadier second pass, used when the first one misses the target because the
    active set keeps oscillating (many groups near interpolation, small β). ``info`` (when
    given) gets ``"budget": True`` if the deadline stopped the loop. ``warm``: the numeric
    guess's last screen, for the exact passes (:func:`_lower_bound`)."""
    beta2 = cp.beta * cp.beta
    active, rho0 = _initial_active(cp, W, norms, thr, v0)
    best_lo: _Lower | None = None
    best_up = up0
    dps0 = _start_digits(digits)
    dps = dps0
    rounds = 0
    Kcache: dict = {}
    stall: Fraction | None = None  # the gap of the last round that kept the active set
    seen: set[frozenset] = set()  # the settled active sets (with faces) of the float rounds
    while rounds < max_rounds:
        if deadline is not None and rounds and time.perf_counter() > deadline:
            if info is not None:
                info["budget"] = True
            break  # the second pass's time budget (a bonus pass: never let it dominate)
        rounds += 1
        if dps <= FLOAT_DIGITS:
            active, rho0 = _settle_faces(cp, active, rho0, Kcache)
            key = frozenset(active.items())
            if key in seen:
                # a cycle: a facet weakly active at the optimum (multiplier 0) is on the
                # face in floats and off it in the exact projection, round after round (raw
                # breast cancer (13, 3), 17 digits, β = 1/100: 40 rounds at 16 digits, gap
                # 5e-12). More digits decide it (benchmarks/RESULTS.md, session 24)
                dps = max(dps, CYCLE_DIGITS)
            seen.add(key)
        Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        # (the float pass is polished when its stationarity error alone, first order in the
        # gap through κ, would use a quarter of the gap target)
        rho, v = _refine(Ks, cp.y, beta2, [r0[g] for g in keys], dps,
                         polish=float(tol) * max(1.0, abs(_approx(best_up))) / 4,
                         Kf=[float_K(Kcache, (g, active[g])) for g in keys],
                         KI=[Kcache[(g, active[g], "int")] for g in keys])
        # v and ρ on a dyadic grid fine enough for tol (their error enters the gap to first
        # order) but no finer: the exact arithmetic downstream grows with it
        eff = dps if dps > FLOAT_DIGITS or not v or isinstance(v[0], float) else (
            2 * FLOAT_DIGITS)  # a polished float pass: mpmath digits
        rbits = (52 if eff <= FLOAT_DIGITS else
                 min(int((eff - 10) * 3.32), bits + 16 * max(0, eff // dps0 - 1)))
        # a first round's float v on a common grid when that still carries the digits tol
        # needs and keeps H = den·XᵀD_i v in int64 ((40, 5): 66-bit H entries in Python ints
        # were a third of the dual pass); later rounds take every bit. Not a polished (mpf)
        # v: its extra digits make the gap far smaller than tol, which the optimal-set
        # extras use (their Lipschitz room, exact.optimal_set)
        vr = tuple(_to_frac(x, rbits) for x in v)
        vg = (dual_grid(cp, v, digits)
              if rounds == 1 and all(isinstance(x, float | np.floating) for x in v) else None)
        if vg is not None and max(x.denominator for x in vr) > 2**vg:  # floats: 2^(52 − e_j)
            vr = tuple(_dyadic(float(x), vg) for x in v)  # vg: only for float v
        rr = {g: max(Fraction(0), _to_frac(r, rbits)) for g, r in zip(keys, rho)}
        lo = _lower_bound(cp, vr, bits, must=keys, faces=active, warm=warm)
        groups = {g: tuple(r * x for x in lo.certs[g].p) for g, r in rr.items() if r > 0}
        up = _upper_bound(cp, groups, cbits + 16 * (dps // dps0 - 1))
        if best_lo is None or lo.value > best_lo.value:
            best_lo = lo
        if _below(up, best_up, enough=(best_lo, tol)):
            best_up = up
        if best_up.value - best_lo.value <= tol * max(Fraction(1), abs(best_up.value)):
            break
        new, rho0, changed = _next_active(active, keys, rr, lo, beta2, dps)
        if monotone:
            for g, f in active.items():
                if g not in new:
                    new[g] = lo.certs[g].support if g in lo.certs else f
                    rho0[g] = 0.0
            # a group that left and was kept at ρ = 0 is no change: else an unchanged active
            # set never reaches the digits below (raw wine (25, 3), β = 1/100: 32 rounds of
            # the same bounds at 32 digits)
            changed = new != active
        active = new
        if not changed:
            gap = up.value - lo.value
            if stall is not None and gap > stall / 2:
                # twice the digits on the same active set and the gap not halved: the digits
                # are not what is missing (raw breast cancer (40, 4), 17 digits: the gap
                # 1.29e-8 from 128 to 131,072 digits, each round 4x the last, 150 s of the
                # 180). Stop here; the bounds are exact either way
                if info is not None:
                    info["stalled"] = dps
                break
            stall = gap
            dps *= 2
        else:
            stall = None
    return best_lo, best_up, rounds


#: bits of H entries :func:`dual_grid` aims below (int64 holds 2⁶³; two bits spare for the
#: float estimate of the largest entry)
DUAL_GRID_BITS = 60


def dual_grid(cp: ConvexProgram, v: Sequence, digits: int) -> int | None:
    """Binary places ``G`` for a dual vector v (floats, mpf or Fractions) on the common grid
    ``2^-G`` such that ``H = den·XᵀD_i v`` fits int64 (:data:`DUAL_GRID_BITS`, from a float
    estimate of the largest ``|XᵀD_i v|``; the exact H is computed after, whatever its size)
    while the grid keeps ``3.33·digits + 16`` bits below the largest ``|v_j|``, more than a
    gap target of ``digits`` digits needs (the gap is first order in v's rounding, at most
    ``2^-G`` per entry). None when no such grid exists (or no float estimate): then v keeps
    its own precision. Any grid gives a valid bound; this only chooses its cost.

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> dual_grid(cp, [0.5, -0.25], 12)
    60
    >>> dual_grid(cp, [0.5, -0.25], 40) is None      # 149 bits: H cannot be int64
    True
    """
    from exact.screen import facet_arrays

    fa = facet_arrays(cp)
    if fa is None or not len(v):
        return None
    try:
        vf = np.array([float(x) for x in v], dtype=float)
    except (OverflowError, TypeError, ValueError):
        return None
    vmax = float(np.max(np.abs(vf)))
    if not (np.isfinite(vmax) and vmax > 0):
        return None
    need = int(digits * 3.33) + 16 - math.frexp(vmax)[1]
    with np.errstate(all="ignore"):
        G = fa.P @ (np.repeat(vf, cp.pool)[:, None] * fa.X)
        gmax = float(np.max(np.abs(G), initial=0.0)) * (1 + 1e-6)
    Lx = cp.integer_rows()[0]
    if not (np.isfinite(gmax) and gmax > 0):
        return None
    fit = DUAL_GRID_BITS - math.frexp(gmax)[1] - (int(Lx) - 1).bit_length()  # |H| < 2^60
    return fit if fit >= need else None


# -- hinge loss: the KKT system on a fixed active set ---------------------------------------------
def _backtrack(x: Sequence, step: Sequence, state, err, one, zero, tries: int = 16):
    """The damped step of the Gauss–Newton solvers here: halve ``step`` until the residual's
    max-norm falls below ``err``; ``(x, v, Kv, F, error)`` at the new point, or ``None`` when
    ``tries`` halvings do not decrease it (rounding noise dominates)."""
    t = one
    for _ls in range(tries):
        xn = [a + t * b for a, b in zip(x, step)]
        vn, kvn, Fn = state(xn)
        en = max((abs(f) for f in Fn), default=zero)
        if en < err:
            return xn, vn, kvn, Fn, en
        t /= 2
    return None


def kkt_newton(loss: str, Ks: list, y: Sequence, E: Sequence[int], base: Sequence, b2,
               x0: Sequence, *, one, eps, maxit: int = 40) -> tuple | None:
    """Damped Gauss–Newton on a piecewise-linear loss's optimality conditions on a fixed active
    set (module docstring; docs/MATH.md §11), generic in the number type like :func:`_newton`.
    What differs between the losses comes from their :meth:`exact.losses.Loss.kkt_form`.

    Unknowns ``x = (x_E, ρ)``: the free dual coordinates (``v_j = coef_j x_k`` for j ∈ E,
    ``v = base`` elsewhere) and one ρ per group. Equations: ``vᵀK_g v = β²`` per group (divided
    by β² for the hinge: a small β must not hide them under the margins' rounding) and
    ``gain_j (Σ_g ρ_g K_g v)_j = target_j`` for j ∈ E (the fit of ``w_g = ρ_g q_g`` is
    ``ρ_g K_g v``): the hinge's margins ``y_j ŷ_j = 1`` (``x = μ = v / y``), the absolute
    loss's interpolation ``ŷ_j = y_j`` (``x = v``). The step is taken on unit columns of the
    Jacobian (ρ ~ 1/β and μ ~ β differ by orders of magnitude). Returns
    ``(x_E, ρ, v, residual)`` (the largest |equation| at the end), or None when even the
    ridged system is singular.

    >>> K = [[[1.0]]]          # one point, one group: v = 1/2 on it, ρ = 2 fits y = 1
    >>> xE, rho, v, err = kkt_newton("absolute", K, [1.0], [0], [0.0], 0.25, [0.4, 1.5],
    ...                              one=1.0, eps=2.0**-52)
    >>> [round(t, 12) for t in xE + rho], err < 1e-12
    ([0.5, 2.0], True)
    """
    form = get_loss(loss).kkt_form(y, one)
    if form is None:
        raise ValueError(f"the {loss} loss has no KKT refinement")
    coef, gain, target = form.coef, form.gain, form.target
    sc = b2 if form.relative else one  # the group equations' unit
    G, m = len(Ks), len(E)
    zero = one - one
    x = [t * one for t in x0]

    def state(x):
        v = list(base)
        for k, j in enumerate(E):
            v[j] = coef[j] * x[k]
        kv = [[sum(a * b for a, b in zip(row, v) if b) for row in K] for K in Ks]
        F = [(sum(a * b for a, b in zip(v, kv[g])) - b2) / sc for g in range(G)]
        F += [gain[j] * sum(x[m + g] * kv[g][j] for g in range(G)) - target[j] for j in E]
        return v, kv, F

    v, kv, F = state(x)
    err = max((abs(f) for f in F), default=zero)
    for _ in range(maxit):
        if err <= eps * 100:
            break
        J = [[zero] * (m + G) for _ in range(G + m)]
        for g in range(G):
            for k, j in enumerate(E):
                J[g][k] = 2 * kv[g][j] * coef[j] / sc
        for r, j in enumerate(E):
            row = J[G + r]
            for k, jj in enumerate(E):
                row[k] = gain[j] * coef[jj] * sum(x[m + g] * Ks[g][j][jj] for g in range(G))
            for g in range(G):
                row[m + g] = gain[j] * kv[g][j]
        # J is singular whenever the solution is not unique (duplicate or collinear points give
        # dependent equations, more groups than points leave ρ free): the minimum-norm
        # Gauss–Newton step still converges to *a* solution, and any solution is as good as
        # another. Floats: least squares by SVD (normal equations would square the condition
        # number and stall near 1e-7); high precision: normal equations with a tiny ridge.
        if isinstance(one, float):
            Jf = np.array(J, dtype=float).reshape(G + m, m + G)
            cn = np.linalg.norm(Jf, axis=0)
            cn[cn == 0] = 1.0
            step = (np.linalg.lstsq(Jf / cn, -np.array(F, dtype=float), rcond=1e-13)[0]
                    / cn).tolist()
        else:
            N = len(J[0]) if J else 0
            JtJ = [[sum(J[r][a] * J[r][c] for r in range(len(J))) for c in range(N)]
                   for a in range(N)]
            # unit columns: D JᵀJ D with D = diag(JᵀJ)^(-1/2), then the ridge is relative
            dg = [JtJ[a][a] ** (one / 2) if JtJ[a][a] else one for a in range(N)]
            for a in range(N):
                for c in range(N):
                    JtJ[a][c] /= dg[a] * dg[c]
                JtJ[a][a] += eps ** (one / 2)
            try:
                z = lu_solve(lu_factor(JtJ), [-sum(J[r][a] * F[r] for r in range(len(J))) / dg[a]
                                         for a in range(N)])
            except ZeroDivisionError:
                return None
            step = [z[a] / dg[a] for a in range(N)]
        found = _backtrack(x, step, state, err, one, zero)
        if found is None:
            break  # no decrease: rounding noise dominates
        xn, vn, kvn, Fn, en = found
        stalled = en > err / 2 and err <= eps ** (one / 2)
        x, v, kv, F, err = xn, vn, kvn, Fn, en
        if stalled:
            break
    return x[:m], x[m:], v, err


def _hinge_newton(Ks: list, y: Sequence, E: Sequence[int], base: Sequence, b2, x0: Sequence, *,
                  one, eps, maxit: int = 40) -> tuple | None:
    """:func:`kkt_newton` for the hinge loss: unknowns ``(μ_E, ρ)``, ``v_j = y_j μ_j`` on the
    margin E, equations ``vᵀK_g v / β² = 1`` and ``y_j (Σ_g ρ_g K_g v)_j = 1``."""
    return kkt_newton("hinge", Ks, y, E, base, b2, x0, one=one, eps=eps, maxit=maxit)


#: A float Newton residual on the hinge's (relative) KKT system above this means the system has
#: no solution near the start: rounding alone stays near 1e-15.
HINGE_RESIDUAL = 1e-11


#: A float residual at most this (and above :data:`HINGE_RESIDUAL`) may be the rounding of an
#: ill-conditioned solvable system: :data:`HINGE_CONFIRM_DIGITS` digits decide before a pivot.
HINGE_BLUR = 1e-7
HINGE_CONFIRM_DIGITS = 40


def _hinge_newton_digits(Ks: Sequence, y: Sequence[Fraction], E: Sequence[int], V: set,
                         beta2: Fraction, res: tuple, dps: int) -> tuple[tuple | None, bool]:
    """:func:`_hinge_newton` in mpmath at ``dps`` digits on the exact ``K_g`` (``Ks``), from a
    float result ``res``: ``(result, solved)``, solved when its residual is at most
    ``10^(-dps/2)`` (quadratic convergence from a nearby start gets there in a few steps).

    >>> from fractions import Fraction as F
    >>> start = (([0.5000001]), [2.0000001], [0.5], 1e-7)
    >>> got, ok = _hinge_newton_digits([[[F(1)]]], [F(1)], [0], set(), F(1, 4), start, 30)
    >>> ok, float(got[0][0]), float(got[1][0])
    (True, 0.5, 2.0)
    """
    from mpmath import mp

    with mp.workdps(dps):
        def m(q: Fraction):
            return mp.mpf(q.numerator) / q.denominator

        Km = [[[m(t) for t in row] for row in K] for K in Ks]
        ym = [m(t) for t in y]
        out = _hinge_newton(Km, ym, E, [ym[j] if j in V else mp.mpf(0) for j in range(len(y))],
                            m(beta2), [mp.mpf(t) for t in list(res[0]) + list(res[1])],
                            one=mp.mpf(1), eps=mp.mpf(10) ** (-dps), maxit=20)
        return out, out is not None and out[3] <= mp.mpf(10) ** (-dps // 2)


def _hinge_pivot(Kf: list, yf: Sequence[float], E: Sequence[int], V: set, b2: float,
                 res: tuple, max_tries: int = 48) -> tuple | None:
    """One active-set pivot for the hinge's KKT system (module docstring) when it has no
    solution: every set one step away — one group out, or one margin point j ∈ E fixed at the
    bound its μ_j is nearest to (into V at 1, out at 0) — is solved by float Newton from the
    current point, and the first with a rounding-level residual that is also *consistent*
    wins: ρ ≥ 0 and 0 ≤ μ ≤ 1, the dropped group's constraint ``vᵀK_g v ≤ β²`` holds, and every
    point off the margin is on its side of it (``y_j ŷ_j ≤ 1`` on V, ``≥ 1`` elsewhere).

    Candidates are tried from the most likely: groups by increasing ρ, points by the distance
    of μ to its bound. Returns ``(dropped key indices, E, V, Newton result)`` or None. Floats
    only: the exact bounds are recomputed from whatever this picks.

    The typical case (the wine fixture of tests/test_gap_target.py): the conic guess splits
    one neuron between a chamber and a nearly parallel copy on its neighbour's facet; both
    constraints cannot be tight at once, and dropping the copy solves the system. One point,
    two groups:

    >>> K = [[[1.0]], [[0.5]]]                   # vᵀK_g v = β² for both: no solution
    >>> bad = _hinge_newton(K, [1.0], [0], [0.0], 0.25, [0.4, 1.0, 1.0], one=1.0, eps=2.0**-52)
    >>> bad[3] > 1e-3
    True
    >>> drop, E, V, (mu, rho, v, res) = _hinge_pivot(K, [1.0], [0], set(), 0.25, bad)
    >>> drop, E, round(mu[0], 12), round(rho[0], 12), res < 1e-12
    ([1], [0], 0.5, 2.0, True)
    """
    G = len(Kf)
    mus, rho = list(res[0]), list(res[1])
    n = len(yf)
    tol = 1e-9
    cands = [(rho[g], "g", g) for g in range(G)]
    cands += [(min(abs(t), abs(1 - t)), "e", k) for k, t in enumerate(mus)]
    thr = HINGE_RESIDUAL
    for _score, kind, idx in sorted(cands)[:max_tries]:
        Vn, Kuse = set(V), Kf
        if kind == "g":
            if G == 1:
                continue
            Kuse = [K for g, K in enumerate(Kf) if g != idx]
            En, x0 = list(E), mus + [r for g, r in enumerate(rho) if g != idx]
        else:
            j = E[idx]
            En = [e for e in E if e != j]
            if mus[idx] >= 0.5:
                Vn.add(j)
            x0 = [t for k, t in enumerate(mus) if k != idx] + rho
        base = [yf[j] if j in Vn else 0.0 for j in range(n)]
        out = _hinge_newton(Kuse, yf, En, base, b2, x0, one=1.0, eps=2.0**-52)
        if out is None or out[3] > thr:
            continue
        mu2, rho2, v, _e = out
        if min(rho2, default=0.0) < -tol * max(1.0, max(rho2)) or any(
                t < -tol or t > 1 + tol for t in mu2):
            continue
        kv = [[sum(a * b for a, b in zip(row, v)) for row in K] for K in Kuse]
        pred = [sum(r * kv[g][j] for g, r in enumerate(rho2)) for j in range(n)]
        side = all(yf[j] == 0 or j in En
                   or (yf[j] * pred[j] <= 1 + tol if j in Vn else yf[j] * pred[j] >= 1 - tol)
                   for j in range(n))
        if kind == "g":
            K = Kf[idx]
            side = side and sum(a * sum(k * b for k, b in zip(row, v))
                                for a, row in zip(v, K)) <= b2 * (1 + tol)
        if side:
            return ([idx] if kind == "g" else []), En, Vn, out
    return None


def _tighten_hinge(cp: ConvexProgram, W, norms, thr, v0: Vec, up0: _Upper, tol: Fraction,
                   digits: int, bits: int, cbits: int, max_rounds: int,
                   info: dict | None = None, warm: ViolationState | None = None):
    """Refinement for the hinge loss (module docstring): Newton on the KKT system of the active
    set read off the conic guess, exact bounds recomputed from scratch, active set updated.

    The fits of a hinge optimum are often dependent (many points sit on the margin) and the
    conic guess blurs a dependence to about its own accuracy, so the guess is first pruned
    with a loose rank tolerance, and again with a strict one when that does not converge.
    ``info`` (when given) gets ``"residual"``: the smallest final float Newton residual.
    """
    best_lo, best_up, rounds = None, up0, 0
    trial: dict = {}
    if _hinge_ipm_applies(cp):
        # the conic guess alone first when its KKT system is solvable as read off: cheaper
        # than the interior-point guess wherever it works (benchmarks/RESULTS.md, session 32)
        best_lo, best_up, rounds = _tighten_hinge_once(
            cp, W, norms, thr, v0, best_up, tol, digits, bits, cbits,
            min(max_rounds, CONIC_TRIAL_ROUNDS), 1e-5, info, warm, trial=True, state=trial)
        if _met(best_lo, best_up, tol):
            return best_lo, best_up, rounds
    for W1, norms1, thr1, v1 in _hinge_guesses(cp, W, norms, thr, v0, info):
        for rcond in (1e-5, 1e-9):
            # the conic guess's loose pass goes on where its trial stopped, not from scratch
            resume = trial if W1 is W and rcond == 1e-5 else None
            lo, best_up, r = _tighten_hinge_once(cp, W1, norms1, thr1, v1, best_up, tol, digits,
                                                 bits, cbits, max_rounds, rcond, info, warm,
                                                 state=resume)
            rounds += r
            if lo is not None and (best_lo is None or lo.value > best_lo.value):
                best_lo = lo
            if _met(best_lo, best_up, tol):
                return best_lo, best_up, rounds
    return best_lo, best_up, rounds


#: whether the hinge refinement starts from the interior-point guess (:mod:`exact.dual_ipm`)
HINGE_IPM = True


def _hinge_ipm_applies(cp: ConvexProgram) -> bool:
    # the dense program with some nonzero label only: a CNN's pooled readout keeps the conic
    # path (untested there), and with y = 0 the optimum is the zero network
    return HINGE_IPM and cp.pool == 1 and any(cp.y)


#: rounds of the conic guess's trial before the interior-point guess (:func:`_tighten_hinge`):
#: it runs only when the float KKT system read off the conic guess has a rounding-level
#: solution; on gap_search seed 31 (raw data) every such trial met the target in 1–2 rounds,
#: and the conic refinements that failed had first residuals of 6e-10 to 1 (session 32)
CONIC_TRIAL_ROUNDS = 2
#: whether a squared-loss refinement that misses its target is tried once more from the
#: interior-point guess (:func:`_squared_ipm_pass`)
SQUARED_IPM = True


#: the key of a solve's ``info`` set once an interior-point guess has run in it: the
#: full-program retry after a miss would redo the same cutting planes of the same dual to the
#: same optimum (its start differs, its result does not)
IPM_RAN = "ipm_ran"


#: an interior-point guess starts from at most this many groups per data point (the largest)
IPM_START_PER_POINT = 10


def ipm_working_set(cp: ConvexProgram, W: Mapping[Group, np.ndarray]) -> list[Group]:
    """The groups an interior-point guess (:mod:`exact.dual_ipm`) starts its cutting planes
    from: the active groups of the float guess ``W`` (:func:`guess_weights`), the
    largest first, at most :data:`IPM_START_PER_POINT` per data point. The cutting planes
    add every group its dual point violates; started on every group of a full-program guess
    (its zero weights included), each iteration projected thousands of groups (raw breast
    cancer (20, 4), β = 1/100, as a process's second solve: 4,640 groups, 150 iterations,
    226 s; benchmarks/RESULTS.md, session 29).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W = {g: np.zeros(2) for g in cp.groups}
    >>> W[cp.groups[3]], W[cp.groups[1]] = np.ones(2), np.full(2, 1e-3)
    >>> ipm_working_set(cp, W) == [cp.groups[3], cp.groups[1]]
    True
    """
    norms, thr = guess_weights(W)
    big = sorted((g for g, t in norms.items() if t > thr), key=lambda g: -norms[g])
    return big[:IPM_START_PER_POINT * max(cp.n, 1)]


def _ipm_start(guess, info: dict | None):
    """The start ``(W, norms, thr, v)`` of a refinement from an interior-point guess
    ``guess()`` (:mod:`exact.dual_ipm`: ``(W, v, stats)`` or None), once per solve
    (:data:`IPM_RAN` in ``info``), its dual point rounded to a dyadic grid; None when it has
    run already, fails numerically (a guess lost, not the solve: ``info["ipm_error"]`` says
    why) or returns no network. ``info["ipm"]`` gets its stats."""
    if info is not None:
        if info.get(IPM_RAN):
            return None
        info[IPM_RAN] = True
    try:
        got = guess()
    except (ValueError, ArithmeticError, np.linalg.LinAlgError) as err:
        if info is not None:
            info["ipm_error"] = f"{type(err).__name__}: {err}"
        return None
    if got is None:
        return None
    W2, v2, st = got
    if info is not None:
        info["ipm"] = st
    norms, thr = guess_weights(W2)
    if thr <= 0:
        return None
    k = _grid(float(np.max(np.abs(v2))) if len(v2) else 0.0)
    return W2, norms, thr, tuple(_dyadic(float(x), k) for x in v2)


def _squared_ipm_pass(cp: ConvexProgram, W, v0: Vec, up0: _Upper, tol: Fraction, digits: int,
                      bits: int, cbits: int, max_rounds: int, info: dict,
                      warm: ViolationState | None):
    """The squared loss's refinement (:func:`_tighten`) from the interior-point guess of
    :func:`exact.dual_ipm.squared_guess` (cutting planes from the working set of ``W``,
    started at ``v0``): ``(lower, upper, rounds)``, or None when it is off
    (:data:`SQUARED_IPM`, a CNN's pooled readout) or yields no start (:func:`_ipm_start`)."""
    if not SQUARED_IPM or cp.pool != 1:
        return None
    from exact.dual_ipm import squared_guess

    start = _ipm_start(lambda: squared_guess(cp, ipm_working_set(cp, W),
                                              [float(x) for x in v0]), info)
    if start is None:
        return None
    W2, norms, thr, v2 = start
    return _tighten(cp, W2, norms, thr, v2, up0, tol, digits, bits, cbits, max_rounds,
                    info=info, warm=warm)


def _hinge_guesses(cp: ConvexProgram, W, norms, thr, v0: Vec, info: dict | None):
    """The guesses the hinge refinement starts from, best first, as ``(W, norms, thr, v0)``:
    the interior-point method's on the conic guess's working set (:func:`exact.dual_ipm.
    hinge_guess`: on raw real data the conic guess is often too inaccurate, or its
    degenerate optimum too blurred, for the KKT systems to settle — benchmarks/RESULTS.md,
    session 27; once per solve, :func:`_ipm_start`), then the conic guess itself. Generated
    lazily: the second only when the first misses the target."""
    if _hinge_ipm_applies(cp):
        from exact.dual_ipm import hinge_guess

        yf = [float(t) for t in cp.y]
        mu0 = [float(v) / t if t else 0.0 for v, t in zip(v0, yf)]
        start = _ipm_start(lambda: hinge_guess(cp, ipm_working_set(cp, W), mu0), info)
        if start is not None:
            yield start
    yield W, norms, thr, v0


def _tighten_hinge_once(cp: ConvexProgram, W, norms, thr, v0: Vec, up0: _Upper, tol: Fraction,
                        digits: int, bits: int, cbits: int, max_rounds: int, rcond: float,
                        info: dict | None = None, warm: ViolationState | None = None,
                        trial: bool = False, state: dict | None = None):
    # trial: give up, before any exact work, when the first float KKT system has no
    # rounding-level solution (HINGE_RESIDUAL).  state: a non-empty dict resumes the run
    # that left it (its rounds count toward max_rounds); a run stopped only by max_rounds
    # leaves its state there, any other end empties it

    y = cp.y
    yf = [float(t) for t in y]
    beta2 = cp.beta * cp.beta
    best_up = up0
    if state:
        E, V, mu, active, rho0 = state["E"], state["V"], state["mu"], state["active"], state["rho0"]
        best_lo, dps, rounds, Kcache = state["lo"], state["dps"], state["rounds"], state["K"]
    else:
        mu = [float(v) / t if t else 0.0 for v, t in zip(v0, yf)]
        tau = 1e-6
        E = [j for j in range(cp.n) if yf[j] and tau < mu[j] < 1 - tau]
        V = {j for j in range(cp.n) if yf[j] and mu[j] >= 1 - tau}
        active, rho0 = _initial_active(cp, W, norms, thr, v0, rcond)
        best_lo = None
        dps = _start_digits(digits)
        rounds = 0
        Kcache = {}
    first = rounds
    if state is not None:
        state.clear()
    stopped = False
    while rounds < max_rounds and active:
        rounds += 1
        Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        x0 = [mu[j] for j in E] + [r0[g] for g in keys]
        base = [yf[j] if j in V else 0.0 for j in range(cp.n)]
        Kf = [float_K(Kcache, (g, active[g])).tolist() for g in keys]
        res = _hinge_newton(Kf, yf, E, base, float(beta2), x0, one=1.0, eps=2.0**-52)
        if trial and rounds == 1 and (res is None or res[3] > HINGE_RESIDUAL):
            return None, best_up, 0
        solved, deep = True, False
        if (res is not None and HINGE_RESIDUAL < res[3] <= HINGE_BLUR
                and dps <= FLOAT_DIGITS):
            # raw-data scales make the K_g so ill-conditioned (cond 1e33 on an (8, 3)
            # instance with one column 1000× the others) that float Newton stalls near 1e-10
            # on a solvable system: digits decide before a pivot treats it as unsolvable
            deep_res, ok = _hinge_newton_digits(Ks, y, E, V, beta2, res, HINGE_CONFIRM_DIGITS)
            if ok:
                res, dps, deep = deep_res, HINGE_CONFIRM_DIGITS, True
        if res is not None and res[3] > HINGE_RESIDUAL and not deep:
            # no KKT solution on this active set: one pivot (a group or a margin point out)
            piv = _hinge_pivot(Kf, yf, E, V, float(beta2), res)
            if piv is not None:
                drop, E, V, res = piv
                gone = [Kcache[(keys[k], active[keys[k]], "key")] for k in drop]
                active = {g: f for g, f in active.items()
                          if Kcache[(g, f, "key")] not in gone}
                Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        if info is not None and res is not None:
            info["residual"] = min(info.get("residual", math.inf), float(res[3]))
        # floats may stall near 1e-8 where the system is singular (the ridge slows Newton
        # down): then digits help; a high-precision pass that does not converge means the
        # active set is wrong, and more digits would only make the same failure slower
        if res is not None and dps > FLOAT_DIGITS and not deep:
            res, solved = _hinge_newton_digits(Ks, y, E, V, beta2, res, dps)
        if res is None:
            stopped = True
            break
        mus, rho, _v, _err = res
        rbits = 52 if dps <= FLOAT_DIGITS else int((dps - 10) * 3.32)
        mur = {j: min(max(_to_frac(t, rbits), Fraction(0)), Fraction(1))
               for j, t in zip(E, mus)}
        vr = tuple(y[j] * mur[j] if j in mur else (y[j] if j in V else Fraction(0))
                   for j in range(cp.n))
        rr = {g: max(Fraction(0), _to_frac(r, rbits)) for g, r in zip(keys, rho)}
        lo = _lower_bound(cp, vr, bits, must=keys, faces=active, warm=warm)
        groups = {g: tuple(r * x for x in lo.certs[g].p) for g, r in rr.items() if r > 0}
        up = _upper_bound(cp, groups, cbits)
        if best_lo is None or lo.value > best_lo.value:
            best_lo = lo
        if up.value < best_up.value:
            best_up = up
        if best_up.value - best_lo.value <= tol * max(Fraction(1), abs(best_up.value)):
            stopped = True
            break
        # update the active set: μ leaving [0, 1] fixes it at the bound, a margin broken by
        # the new prediction frees its μ, groups follow their ρ and their projections
        pred = cp.prediction(groups)
        changed = False
        newE = []
        for j, t in zip(E, mus):
            if t <= 0:
                changed = True
            elif t >= 1:
                V.add(j)
                changed = True
            else:
                newE.append(j)
        for j in range(cp.n):
            if not y[j] or j in newE:
                continue
            margin = y[j] * pred[j]
            if (j in V and margin > 1) or (j not in V and margin < 1):
                V.discard(j)
                newE.append(j)
                changed = True
        E = sorted(newE)
        mu = [float(vr[j] / y[j]) if y[j] else 0.0 for j in range(cp.n)]
        active, rho0, groups_changed = _next_active(active, keys, rr, lo, beta2, dps,
                                                    keep_tight=False)
        changed |= groups_changed
        if not changed:
            if not solved:
                stopped = True
                break
            dps = max(2 * dps, 60)
    if state is not None and not stopped and active:
        state.update(E=E, V=V, mu=mu, active=active, rho0=rho0, lo=best_lo, dps=dps,
                     rounds=rounds, K=Kcache)
    return best_lo, best_up, rounds - first


# -- squared hinge and absolute loss: the same machinery on their own active sets -----------------
def _tighten_squared_hinge(cp: ConvexProgram, W, norms, thr, v0: Vec, up0: _Upper, tol: Fraction,
                           digits: int, bits: int, cbits: int, max_rounds: int,
                           info: dict | None = None, warm: ViolationState | None = None):
    """Refinement for the squared hinge (labels ±1, docs/MATH.md §11, *derived*): on the points S
    below the margin (``y_j ŷ_j < 1``) its optimality conditions are those of the squared loss
    restricted to S (``v_j = y_j − ŷ_j`` on S, ``v_j = 0`` elsewhere), so the squared loss's
    Newton (:func:`_refine`) runs on the ``K_g`` and ``y`` with every row and column outside S
    set to zero (``M(ρ)`` is then the identity there and ``v = M⁻¹y`` vanishes off S). S is
    updated from the exact prediction of each round, the active groups as for the squared loss.
    """
    beta2 = cp.beta * cp.beta
    active, rho0 = _initial_active(cp, W, norms, thr, v0)
    S = frozenset(j for j in range(cp.n) if v0[j] * cp.y[j] > 0)
    best_lo: _Lower | None = None
    best_up = up0
    dps0 = _start_digits(digits)
    dps = dps0
    rounds = 0
    Kcache: dict = {}
    zero = Fraction(0)
    while rounds < max_rounds and active:
        rounds += 1
        Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        Km = [[[x if a in S and c in S else zero for c, x in enumerate(row)]
               for a, row in enumerate(K)] for K in Ks]
        ym = tuple(t if j in S else zero for j, t in enumerate(cp.y))
        rho, v = _refine(Km, ym, beta2, [r0[g] for g in keys], dps)
        eff = dps if dps > FLOAT_DIGITS or not v or isinstance(v[0], float) else (
            2 * FLOAT_DIGITS)  # a polished float pass: mpmath digits
        rbits = (52 if eff <= FLOAT_DIGITS else
                 min(int((eff - 10) * 3.32), bits + 16 * max(0, eff // dps0 - 1)))
        vr = tuple(_to_frac(x, rbits) if j in S else zero for j, x in enumerate(v))
        rr = {g: max(zero, _to_frac(r, rbits)) for g, r in zip(keys, rho)}
        lo = _lower_bound(cp, vr, bits, must=keys, faces=active, warm=warm)
        groups = {g: tuple(r * x for x in lo.certs[g].p) for g, r in rr.items() if r > 0}
        up = _upper_bound(cp, groups, cbits + 16 * (dps // dps0 - 1))
        if best_lo is None or lo.value > best_lo.value:
            best_lo = lo
        if up.value < best_up.value:
            best_up = up
        if _met(best_lo, best_up, tol):
            break
        pred = cp.prediction(groups)
        newS = frozenset(j for j in range(cp.n) if cp.y[j] * pred[j] < 1)
        active, rho0, changed = _next_active(active, keys, rr, lo, beta2, dps)
        changed |= newS != S
        S = newS
        if not changed:
            dps *= 2
    return best_lo, best_up, rounds


def _tighten_absolute(cp: ConvexProgram, W, norms, thr, v0: Vec, up0: _Upper, tol: Fraction,
                      digits: int, bits: int, cbits: int, max_rounds: int,
                      info: dict | None = None, warm: ViolationState | None = None):
    """Refinement for the absolute loss (docs/MATH.md §11): :func:`kkt_newton` on the active
    set read off the conic guess — the interpolated points E (``|v_j| < 1``), the signs of the
    others, the groups pruned as for the hinge — then exact bounds from scratch, the active set
    updated from the exact results, the precision raised when it settles."""
    from mpmath import mp

    best_lo: _Lower | None = None
    best_up = up0
    rounds = 0
    for rcond in (1e-5, 1e-9):
        lo, best_up, r = _tighten_absolute_once(cp, W, norms, thr, v0, best_up, tol, digits,
                                                bits, cbits, max_rounds, rcond, info, mp,
                                                warm)
        rounds += r
        if lo is not None and (best_lo is None or lo.value > best_lo.value):
            best_lo = lo
        if _met(best_lo, best_up, tol):
            break
    return best_lo, best_up, rounds


def _tighten_absolute_once(cp, W, norms, thr, v0, up0, tol, digits, bits, cbits, max_rounds,
                           rcond, info, mp, warm=None):
    y = cp.y
    beta2 = cp.beta * cp.beta
    vf = [float(x) for x in v0]
    tau = 1e-6
    E = [j for j in range(cp.n) if abs(vf[j]) < 1 - tau]
    sgn = {j: (1 if vf[j] > 0 else -1) for j in range(cp.n) if j not in E}
    active, rho0 = _initial_active(cp, W, norms, thr, v0, rcond)
    best_lo: _Lower | None = None
    best_up = up0
    dps = _start_digits(digits)
    rounds = 0
    Kcache: dict = {}
    while rounds < max_rounds and active:
        rounds += 1
        Ks, keys, r0 = _merged_system(cp, active, rho0, Kcache)
        x0 = [vf[j] for j in E] + [r0[g] for g in keys]
        base = [float(sgn.get(j, 0)) for j in range(cp.n)]
        Kf = [float_K(Kcache, (g, active[g])).tolist() for g in keys]
        res = kkt_newton("absolute", Kf, [float(t) for t in y], E, base, float(beta2), x0,
                         one=1.0, eps=2.0**-52)
        if info is not None and res is not None:
            info["residual"] = min(info.get("residual", math.inf), float(res[3]))
        solved = True
        if res is not None and dps > FLOAT_DIGITS:
            with mp.workdps(dps):
                def m(q: Fraction):
                    return mp.mpf(q.numerator) / q.denominator

                Km = [[[m(t) for t in row] for row in K] for K in Ks]
                res = kkt_newton("absolute", Km, [m(t) for t in y], E,
                                 [mp.mpf(sgn.get(j, 0)) for j in range(cp.n)], m(beta2),
                                 [mp.mpf(t) for t in res[0] + res[1]], one=mp.mpf(1),
                                 eps=mp.mpf(10) ** (-dps), maxit=20)
                solved = res is not None and res[3] <= mp.mpf(10) ** (-dps // 2)
        if res is None:
            break
        vE, rho, _v, _err = res
        rbits = 52 if dps <= FLOAT_DIGITS else int((dps - 10) * 3.32)
        ver = {j: min(max(_to_frac(t, rbits), Fraction(-1)), Fraction(1)) for j, t in zip(E, vE)}
        vr = tuple(ver[j] if j in ver else Fraction(sgn[j]) for j in range(cp.n))
        rr = {g: max(Fraction(0), _to_frac(r, rbits)) for g, r in zip(keys, rho)}
        lo = _lower_bound(cp, vr, bits, must=keys, faces=active, warm=warm)
        groups = {g: tuple(r * x for x in lo.certs[g].p) for g, r in rr.items() if r > 0}
        up = _upper_bound(cp, groups, cbits)
        if best_lo is None or lo.value > best_lo.value:
            best_lo = lo
        if up.value < best_up.value:
            best_up = up
        if _met(best_lo, best_up, tol):
            break
        # v_j leaving (−1, 1) fixes it at that sign; a residual whose sign disagrees with the
        # fixed v_j frees it; groups follow their ρ and their projections
        pred = cp.prediction(groups)
        changed = False
        newE = []
        for j, t in zip(E, vE):
            if abs(t) >= 1:
                sgn[j] = 1 if t > 0 else -1
                changed = True
            else:
                newE.append(j)
        for j in range(cp.n):
            if j in newE:
                continue
            r = y[j] - pred[j]
            if j in sgn and r * sgn[j] < 0:
                del sgn[j]
                newE.append(j)
                changed = True
        E = sorted(newE)
        vf = [float(x) for x in vr]
        active, rho0, groups_changed = _next_active(active, keys, rr, lo, beta2, dps,
                                                    keep_tight=False)
        changed |= groups_changed
        if not changed:
            if not solved:
                break
            dps = max(2 * dps, 60)
    return best_lo, best_up, rounds


#: The exact refinements a loss may name (``exact.losses.Loss.refinement``) → the loop above
#: that runs it, each returning ``(best lower, best upper, rounds)``.
REFINEMENTS = {"newton": "_tighten", "hinge_kkt": "_tighten_hinge",
               "squared_hinge_newton": "_tighten_squared_hinge",
               "absolute_kkt": "_tighten_absolute"}


# -- the certificate ------------------------------------------------------------------------------
def solution_certificate(sol: Solution, X: Sequence[Sequence[object]], y: Sequence[object],
                         beta: object, *, completeness: bool = True) -> dict:
    """The certificate of a :class:`Solution` (docs/certificates.md): a re-export of
    :func:`exact.certificates.solution_certificate`.

    >>> sol = solve([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> cert = solution_certificate(sol, [[1, 0], [0, 1]], [1, -1], "1/2")
    >>> cert["format"], cert["kind"], cert["claims"]["num_chambers"]
    ('relucvx-certificate/3', 'solve', 4)
    """
    from exact.certificates import solution_certificate as write

    return write(sol, X, y, beta, completeness=completeness)
