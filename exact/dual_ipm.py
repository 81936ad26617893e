"""Primal-dual interior-point methods for the program's dual on a working set of groups.

With ``μ_j = v_j / y_j`` the hinge's dual (docs/MATH.md §7, §11; the module docstring of
:mod:`exact.certify`) is

    max Σ_j μ_j   over   0 ≤ μ ≤ 1,   f_g(μ) = ‖Π_{C_g}(s XᵀD_g v)‖² ≤ β²   (g in the set),

a linear objective over a box and convex constraints: ``f_g`` is the square of a support
function (``‖Π_C u‖ = max{⟨w, u⟩ : w ∈ C, ‖w‖ ≤ 1}``), C¹ with gradient ``2 s Y_g q_g``
(``q_g = Π_{C_g}(s Y_gᵀ v)``, ``Y_g = S D_g X``) and, on the face F its projection lies on,
the Hessian ``2 Y_g P_F Y_gᵀ`` (in v; times y on both sides in μ). The squared loss's dual is
``max yᵀv − ½‖v‖²`` under the same constraints, v free (:func:`squared_dual_ipm`); both are
:func:`qcqp_ipm` with the constraints read off the faces at every iterate.

Why an interior-point method: at a hinge optimum of real data the primal is often degenerate
(many groups can carry the weight, several neurons fit the same margins), and an active set
read off a conic guess to 1e-6 is then often inconsistent: the square KKT systems of
:func:`exact.certify.kkt_newton` have no solution on it and pivots do not repair it
(benchmarks/RESULTS.md, session 26). A path-following method needs no active set: it follows
the central path ``λ_i s_i = 1/t`` to the optimal face, degenerate or not. This is the
primal-dual method of Boyd & Vandenberghe, *Convex Optimization* (2004), §11.7, with the
Newton system reduced to n × n; the multipliers of the group constraints give the network:
``w_g = ρ_g q_g`` with ``ρ_g = 2λ_g / β²`` (stationarity: ``1 = y ∘ Σ_g ρ_g K_g v`` plus the
box's multipliers, so ``ŷ = Σ_g ρ_g s D_g X q_g`` puts the margin points on the margin). The
squared loss meets the same degeneracy at optima where the neurons sit on faces shared by
neighbouring chambers (raw wine (36, 4), β = 1/1000: several optimal networks, the dual
Newton polish of :mod:`exact.certify` unable to settle the conic guess's active set;
benchmarks/RESULTS.md, session 28); there the interior-point guess is its second try.

Floats only (the faces are re-read from float projections at every iterate): nothing here is
a claim. :mod:`exact.certify` rounds ``μ`` and ``ρ`` to rationals and recomputes both bounds
exactly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from exact.types import Group

__all__ = ["IPMResult", "QCQPResult", "FaceTracker", "hinge_dual_ipm", "hinge_guess",
           "qcqp_ipm", "squared_dual_ipm", "squared_guess"]


@dataclass
class IPMResult:
    """The last iterate of :func:`hinge_dual_ipm` or :func:`squared_dual_ipm`.

    ``mu`` (n) the method's variables (the hinge's μ; the squared loss's v), ``v`` the dual
    point (``y ∘ μ`` for the hinge), ``rho`` (one per group of ``groups``) the primal scales
    ``2κ_g/β²``, ``faces`` the groups' faces at ``mu`` and ``q`` their projections there (rows:
    the network is ``w_g = ρ_g q_g``), ``gap`` the surrogate duality gap (absolute, in the
    objective's units), ``residual`` the max-norm of the dual residual, ``iterations`` and
    ``converged``."""

    mu: np.ndarray
    v: np.ndarray
    rho: np.ndarray
    groups: list[Group]
    faces: list[tuple[int, ...]]
    q: np.ndarray
    gap: float
    residual: float
    iterations: int
    converged: bool


def _solve_spd(H: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Solve ``H z = rhs`` (columns) for a symmetric positive definite H: Cholesky on unit
    diagonal, with a relative ridge when that fails, least squares as the last resort."""
    n = H.shape[0]
    scale = np.sqrt(np.maximum(np.diag(H), 1e-300))
    Hs = H / scale[:, None] / scale[None, :]
    b = rhs / scale[:, None]
    for ridge in (0.0, 1e-14, 1e-12, 1e-10):
        try:
            L = np.linalg.cholesky(Hs + ridge * np.eye(n))
        except np.linalg.LinAlgError:
            continue
        return np.linalg.solve(L.T, np.linalg.solve(L, b)) / scale[:, None]
    return np.linalg.lstsq(Hs, b, rcond=1e-14)[0] / scale[:, None]


#: a starting guess is clipped into ``[START_EDGE, 1 − START_EDGE]``: on raw data a larger
#: margin moves ``u = Xᵀ(y ∘ μ)`` far (10³ per unit of μ) and the start, scaled to be feasible,
#: ends near 0
START_EDGE = 1e-6

#: :func:`qcqp_ipm` stops, unconverged, when its gap has been within tolerance and its
#: residual has not halved in this many iterations
STALL_ITERATIONS = 8

#: the neighbourhood of the central path kept by :func:`qcqp_ipm`: every complementarity
#: product at least this fraction of their mean
CENTRAL = 1e-4


@dataclass
class QCQPResult:
    """The last iterate of :func:`qcqp_ipm`: ``x``, the constraints' multipliers ``kappa``
    (of ``‖M_gᵀx_g‖²/r − 1 ≤ 0``), the surrogate gap, the max-norm of the dual residual,
    ``converged`` and ``iterations``."""

    x: np.ndarray
    kappa: np.ndarray
    gap: float
    residual: float
    converged: bool
    iterations: int


def qcqp_ipm(obj: np.ndarray, upper: np.ndarray, cons, r: float, x0: np.ndarray, *,
             quad: np.ndarray | None = None, lower: np.ndarray | None = None,
             tol: float = 1e-14, maxit: int = 100) -> QCQPResult:
    """``max objᵀx − ½ Σ_k quad_k x_k²`` over ``x_k ≥ 0`` where ``lower[k]`` (default: every
    k), ``x_k ≤ 1`` where ``upper[k]``, and ``‖M_gᵀ x[I_g]‖² ≤ r`` for ``(I_g, M_g)`` in
    ``cons``, by a primal-dual interior-point method (Boyd & Vandenberghe §11.7, the Newton
    system reduced to x) with Mehrotra's centring (σ from the affine step's gap), exact step
    lengths to the quadratic constraints (each is a quadratic in the step) and a
    neighbourhood of the central path (:data:`CENTRAL`). ``quad`` (default 0) is a diagonal
    of nonnegative weights: the squared loss's dual has ``quad = 1`` and no bounds.

    ``cons`` may also be a function of x returning the constraints to use there: a convex
    piecewise quadratic constraint (the hinge's ``‖Π_C u‖²``, one quadratic per face of C) is
    then its piece at x, and every iterate is checked against the pieces at itself.

    ``x0`` must be strictly feasible. Returns a :class:`QCQPResult`.

    >>> cons = [(np.array([0, 1]), np.array([[1.0], [1.0]]))]     # (x₀ + x₁)² ≤ 1
    >>> res = qcqp_ipm(np.ones(2), np.ones(2, bool), cons, 1.0, np.full(2, 0.25))
    >>> res.converged, res.x.round(9).tolist(), round(float(res.kappa[0]), 9)
    (True, [0.5, 0.5], 0.5)

    With ``quad``: ``max 2x − x²/2`` (x ≤ 2 at the unconstrained optimum) under ``x² ≤ 1``:

    >>> res = qcqp_ipm(np.array([2.0]), np.zeros(1, bool), [(np.array([0]), np.ones((1, 1)))],
    ...                1.0, np.array([0.0]), quad=np.ones(1), lower=np.zeros(1, bool))
    >>> res.converged, round(float(res.x[0]), 9), round(float(res.kappa[0]), 9)
    (True, 1.0, 0.5)
    """
    N = len(x0)
    x = np.asarray(x0, dtype=float).copy()
    G = len(cons(x) if callable(cons) else cons)
    ub = np.asarray(upper, dtype=bool)
    lb = np.ones(N, bool) if lower is None else np.asarray(lower, dtype=bool)
    Q = np.zeros(N) if quad is None else np.asarray(quad, dtype=float)
    nu, nl = int(ub.sum()), int(lb.sum())
    iu, il = np.flatnonzero(ub), np.flatnonzero(lb)

    pieces = cons if callable(cons) else (lambda _x: cons)

    def zvals(x):
        return [M.T @ x[idx] for idx, M in pieces(x)]

    def cvals(Zm):
        return np.array([float(z @ z) for z in Zm]) / r - 1.0

    Zm = zvals(x)
    c = cvals(Zm)
    if G and (c >= 0).any() or (x[lb] <= 0).any() or (x[ub] >= 1).any():
        raise ValueError("qcqp_ipm needs a strictly feasible start")
    kap = 1.0 / -c
    lo = 1.0 / x[lb]
    up = 1.0 / (1.0 - x[ub])
    m = G + nl + nu
    gap = rdn = best_rd = float("inf")
    since = 0
    converged = False
    it = 0
    for it in range(1, maxit + 1):  # noqa: B007 (the count is returned)
        s = -c
        xl, xu = x[lb], x[ub]
        cons_x = pieces(x)
        gr = [(2.0 / r) * (M @ z) for (idx, M), z in zip(cons_x, Zm)]
        grad = obj - Q * x
        rd = -grad
        rd[lb] -= lo
        rd[ub] += up
        terms = np.abs(obj) + np.abs(Q * x)
        terms[lb] += lo
        terms[ub] += up
        for (idx, _M), gv, k in zip(cons_x, gr, kap):
            rd[idx] += k * gv
            terms[idx] += k * np.abs(gv)
        gap = float(kap @ s + lo @ xl + up @ (1 - xu))
        rdn = float(np.abs(rd).max()) if N else 0.0
        scale = max(1.0, abs(float(obj @ x - 0.5 * (Q * x) @ x)))
        # the residual is a difference of terms as large as the multipliers (ρ ~ 1/β):
        # rounding leaves it at about 1e-16 of them
        if gap <= tol * scale and rdn <= max(tol * scale, 1e-12 * float(terms.max())):
            converged = True
            break
        # at the gap's tolerance the residual may stall above rounding (faces that switch
        # between iterates on raw data): more iterations then only cost ((36, 4) raw wine,
        # squared loss: 2e-8 from iteration 40 to 150)
        if gap <= tol * scale:
            if rdn < 0.5 * best_rd:
                best_rd, since = rdn, 0
            else:
                since += 1
            if since >= STALL_ITERATIONS:
                break
        H = np.diag(Q)
        r1 = np.zeros(N)  # the right-hand side's part proportional to 1/t
        for (idx, M), gv, k, sg in zip(cons_x, gr, kap, s):
            H[np.ix_(idx, idx)] += (2.0 * k / r) * (M @ M.T) + (k / sg) * np.outer(gv, gv)
            r1[idx] -= gv / sg
        dl = lo / xl
        du = up / (1 - xu)
        H[il, il] += dl
        H[iu, iu] += du
        r1[lb] += 1.0 / xl
        r1[ub] -= 1.0 / (1 - xu)
        d0, d1 = _solve_spd(H, np.stack([grad, r1], axis=1)).T

        def direction(tinv, d0=d0, d1=d1, gr=gr, s=s, dl=dl, du=du, kap=kap, lo=lo, up=up,
                      cons_x=cons_x, xl=xl, xu=xu):
            dx = d0 + tinv * d1
            dc = np.array([gv @ dx[idx] for (idx, _M), gv in zip(cons_x, gr)])
            return (dx, dc, tinv / s - kap + (kap / s) * dc, tinv / xl - lo - dl * dx[lb],
                    tinv / (1 - xu) - up + du * dx[ub])

        def longest(dx, dk, dlo, dup, s=s, kap=kap, lo=lo, up=up, xl=xl, xu=xu, Zm=Zm,
                    cons_x=cons_x) -> tuple[float, float]:
            # separate primal and dual step lengths: a multiplier of a bound far from its
            # value (a start scaled towards 0) must not stop x from moving
            ap = ad = 1.0
            for z, dz in ((xl, dx[lb]), (1 - xu, -dx[ub])):
                neg = dz < 0
                if neg.any():
                    ap = min(ap, float(np.min(-z[neg] / dz[neg])))
            for z, dz in ((kap, dk), (lo, dlo), (up, dup)):
                neg = dz < 0
                if neg.any():
                    ad = min(ad, float(np.min(-z[neg] / dz[neg])))
            # each constraint is quadratic along the step: its exact first root (the linear
            # slack overshoots, most on the constraints of low rank)
            for (idx, M), z, sg in zip(cons_x, Zm, s):
                zd = M.T @ dx[idx]
                qa, qb = float(zd @ zd) / r, 2.0 * float(z @ zd) / r
                den = qb + np.sqrt(qb * qb + 4.0 * qa * sg)
                if qa > 0 and den > 0:
                    ap = min(ap, (2.0 * sg) / den)
                elif qb > 0:
                    ap = min(ap, sg / qb)
            return ap, ad

        aff = direction(0.0)
        dx, dc, dk, dlo, dup = aff
        a = min(longest(dx, dk, dlo, dup))
        gap_aff = float((kap + a * dk) @ (s - a * dc) + (lo + a * dlo) @ (xl + a * dx[lb])
                        + (up + a * dup) @ (1 - xu - a * dx[ub]))
        sigma = min(1.0, max(gap_aff, 0.0) / gap) ** 3
        dx, dc, dk, dlo, dup = direction(sigma * gap / m)
        ap, ad = longest(dx, dk, dlo, dup)
        # one step length for x and the multipliers: separate ones (as in linear programming)
        # broke the centrality of these nonlinear constraints on random data
        step = 0.99 * min(ap, ad)
        for _ls in range(60):
            # stay near the central path: a point hugging one boundary early makes every
            # later step short
            xn = x + step * dx
            Zn = zvals(xn)
            cn = cvals(Zn)
            kn, lon, upn = kap + step * dk, lo + step * dlo, up + step * dup
            if (cn < 0).all() and (xn[lb] > 0).all() and (xn[ub] < 1).all():
                prods = np.concatenate([kn * -cn, lon * xn[lb], upn * (1 - xn[ub])])
                if prods.min() >= CENTRAL * prods.mean():
                    break
            step *= 0.5
        else:
            break
        x, Zm, c = xn, Zn, cn
        kap, lo, up = kn, lon, upn
    return QCQPResult(x=x, kappa=kap, gap=gap, residual=rdn, converged=converged,
                      iterations=it)


#: the relative tolerances of :class:`FaceTracker`: a facet ``a`` is violated by ``q`` when
#: ``a·q < −FEASIBLE·‖q‖``, a multiplier negative when ``λ < −MULTIPLIER·‖u‖``
FEASIBLE = 1e-12
MULTIPLIER = 1e-12


class FaceTracker:
    """Accurate float projections ``q_g = Π_{C_g}(u_g)``, ``u_g = s Y_gᵀ v``, kept face by face.

    On raw data ``u_g`` is large (``‖x‖`` of 10³ and more) while ``q_g`` is of size β: a
    projection computed from ``u_g`` loses that ratio in digits (the batched screens of
    :mod:`exact.screen` put 20% errors on ``‖q‖²`` and missed facets at raw breast cancer,
    β = 1/100). On a face F with orthonormal kernel basis N, ``q = s N (Z_Fᵀ v)`` with
    ``Z_F = Y_g N`` computed once: no cancellation. Each call starts from the group's last
    face and corrects it like an active-set method: a facet violated by q joins, a facet with
    a negative multiplier (``u − q = −A_Fᵀλ``, accurate relative to ‖u‖) leaves, the worst
    first, until q is feasible and every multiplier nonnegative.

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> fa = facet_arrays(cp)
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 0.0]][0]  # u0 ≥ 0 ≥ u1
    >>> ft = FaceTracker(fa, 1, [(i, 1)])
    >>> q, t = ft(np.array([1.0, 1.0]))
    >>> ft.faces, (q + 0.0).round(12).tolist(), t.round(12).tolist()
    ([()], [[1.0, 0.0]], [1.0])
    """

    def __init__(self, fa, pool: int, groups: Sequence[Group]):
        from exact.convex import pooled_rows

        self.fa, self.pool = fa, pool
        self.groups = [(int(i), int(sg)) for i, sg in groups]
        # Y_g = S D_i X, the fit of the chamber's groups per unit of w (readout S)
        self.Y = [pooled_rows(fa.P[i][:, None] * fa.X, pool) for i, _s in self.groups]
        self.A = [fa.A[i, : int(fa.counts[i])] for i, _s in self.groups]
        self.faces: list[tuple[int, ...] | None] = [None] * len(self.groups)
        self._basis: dict[tuple[int, tuple[int, ...]], tuple[np.ndarray, np.ndarray]] = {}

    def basis(self, g: int, face: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
        """``(N, Z)`` of group g's face: N an orthonormal basis of the facets' kernel (d × k),
        ``Z = Y_g N`` (n × k)."""
        key = (self.groups[g][0], face)
        got = self._basis.get(key)
        if got is None:
            from exact.dual_newton import face_kernel

            N = face_kernel(self.fa, self.groups[g][0], face)
            got = self._basis[key] = (N, self.Y[g] @ N)
        return got

    def _start(self, g: int, u: np.ndarray) -> tuple[int, ...]:
        from arrangement.scipy_direct import nnls

        A = self.A[g]
        if not len(A):
            return ()
        lam, _r = nnls(A.T, -u, maxiter=50 * len(A) + 50)
        top = float(lam.max()) if lam.size else 0.0
        return tuple(int(k) for k in np.flatnonzero(lam > 1e-9 * top)) if top > 0 else ()

    def project(self, g: int, v: np.ndarray, max_steps: int = 64) -> np.ndarray:
        """Group g's projection at v (class docstring), its face updated in place.

        The face corrections are one facet at a time and can cycle (a warm face far from the
        new one, on a thin cone of raw data): a face seen twice restarts them once from the
        face of an NNLS projection, and a second cycle settles for the best feasible q seen,
        the one of largest norm (for feasible q on faces, ``‖u − q‖² = ‖u‖² − ‖q‖²``, so it
        is the closest to u), or the NNLS projection itself when none was feasible."""
        i, sg = self.groups[g]
        A = self.A[g]
        u = sg * (self.Y[g].T @ v)
        face = self.faces[g]
        restarted = face is None  # a cold start is already the NNLS face
        if face is None:
            face = self._start(g, u)
        nu = float(np.linalg.norm(u))
        seen: set[tuple[int, ...]] = set()
        best: tuple[float, np.ndarray, tuple[int, ...]] | None = None
        for _step in range(2 * max_steps):
            if face in seen or len(seen) >= max_steps:
                if restarted:
                    break
                restarted, seen, face = True, set(), self._start(g, u)
                continue
            seen.add(face)
            N, Z = self.basis(g, face)
            q = sg * (N @ (Z.T @ v))
            nq = float(np.linalg.norm(q))
            slack = A @ q if len(A) else np.zeros(0)
            out = [k for k in range(len(A)) if k not in face]
            worst = min(out, key=lambda k: slack[k]) if out else None
            feasible = worst is None or slack[worst] >= -FEASIBLE * max(nq, 1e-300)
            if feasible and (best is None or nq > best[0]):
                best = (nq, q, face)
            if face:
                lam = -np.linalg.lstsq(A[list(face)].T, u - q, rcond=None)[0]
                low = int(np.argmin(lam))
                if lam[low] < -MULTIPLIER * nu:
                    face = tuple(k for k in face if k != face[low])
                    continue
            if not feasible and worst is not None:
                face = tuple(sorted(face + (worst,)))
                continue
            self.faces[g] = face
            return q
        if best is None:  # no feasible face seen: the NNLS projection, accurate to ‖u‖·ε
            from arrangement.scipy_direct import nnls

            lam, _r = nnls(A.T, -u, maxiter=50 * len(A) + 50)
            self.faces[g] = self._start(g, u)
            return u + A.T @ lam
        self.faces[g] = best[2]
        return best[1]

    def __call__(self, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """``(q, t)``: every group's projection at v (rows) and ``t = ‖q‖²``."""
        q = np.array([self.project(g, v) for g in range(len(self.groups))]).reshape(
            len(self.groups), -1)
        return q, np.einsum("gd,gd->g", q, q)

    def fits(self, free: np.ndarray | None = None, y: np.ndarray | None = None
             ) -> list[np.ndarray]:
        """``y ∘ Z_F`` (``Z_F`` without y) on the ``free`` coordinates (default all) for every
        group's current face: its constraint in μ is ``‖(y ∘ Z_F)ᵀμ‖² ≤ β²`` (in v:
        ``‖Z_Fᵀv‖² ≤ β²``)."""
        out = []
        for g, f in enumerate(self.faces):
            if f is None:
                continue
            Z = self.basis(g, f)[1]
            Z = Z if y is None else Z * y[:, None]
            out.append(Z if free is None else Z[free])
        return out


def hinge_dual_ipm(fa, pool: int, y: Sequence[float], beta2: float, groups: Sequence[Group],
                   mu0: Sequence[float] | None = None, *, tol: float = 1e-14,
                   maxit: int = 150) -> IPMResult:
    """Maximise ``Σ μ_j`` over ``0 ≤ μ ≤ 1`` and ``‖Π_{C_g}(s Y_gᵀ(y ∘ μ))‖ ≤ β`` for the
    ``groups`` (module docstring) by :func:`qcqp_ipm`; coordinates with ``y_j = 0`` stay at 0.

    Each constraint is the convex, C¹, piecewise quadratic ``‖Π_C u‖²``: at every iterate
    its piece is that of the face its projection lies on (:class:`FaceTracker`), where it is
    ``‖(y ∘ Z_F)ᵀμ‖²`` with the exact value, gradient and (piecewise) Hessian.

    Parameters
    ----------
    fa : exact.screen.FacetArrays
        The program's facet arrays (:func:`exact.screen.facet_arrays`).
    pool : int
        The readout's pooling (1 for the dense program).
    y : sequence of float
        The labels (n outputs).
    beta2 : float
        β².
    groups : sequence of (chamber, sign)
        The working set.
    mu0 : sequence of float, optional
        A starting guess (e.g. the conic solver's dual over y): clipped into the box
        (:data:`START_EDGE`) and scaled towards 0 until every constraint holds with room.
    tol : float
        The interior-point method's relative tolerance.
    maxit : int
        Its iterations at most.

    Returns
    -------
    IPMResult

    Examples
    --------
    One point ``x = 1`` with label 1 and β = 1/2: its chambers are ``w ≥ 0`` (pattern 1) and
    ``w ≤ 0`` (pattern 0, fitting nothing). The dual is ``max μ`` over ``μ ≤ 1``, ``μ² ≤ 1/4``:
    μ = 1/2, and the network ``w = ρ q`` with ``q = 1/2`` fits ``ŷ = 1`` for ρ = 2 = 2κ/β².

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[1]], [1], "1/2", "hinge")
    >>> res = hinge_dual_ipm(facet_arrays(cp), 1, [1.0], 0.25, cp.groups)
    >>> res.converged, round(float(res.mu[0]), 9), round(float(res.rho.max()), 6)
    (True, 0.5, 2.0)

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, Cambridge University Press (2004),
    §11.7 (primal-dual interior-point methods).
    """
    yv = np.asarray(y, dtype=float)
    n = len(yv)
    free = yv != 0
    fidx = np.flatnonzero(free)
    nm = len(fidx)

    def lift(x):
        mu = np.zeros(n)
        mu[fidx] = x
        return mu, yv * mu

    mu = (np.clip(np.asarray(mu0, dtype=float)[fidx], START_EDGE, 1 - START_EDGE)
          if mu0 is not None else np.full(nm, 0.5))
    return _face_ipm(fa, pool, groups, beta2, mu, lift, lambda t: t.fits(free, yv),
                     np.ones(nm), np.ones(nm, bool), tol=tol, maxit=maxit)


def squared_dual_ipm(fa, pool: int, y: Sequence[float], beta2: float, groups: Sequence[Group],
                     v0: Sequence[float] | None = None, *, tol: float = 1e-14,
                     maxit: int = 150) -> IPMResult:
    """Maximise ``yᵀv − ½‖v‖²`` over ``‖Π_{C_g}(s Y_gᵀ v)‖ ≤ β`` for the ``groups``: the squared
    loss's dual (docs/MATH.md §7), by :func:`qcqp_ipm` with each constraint on its current
    face (:class:`FaceTracker`) as in :func:`hinge_dual_ipm`; v is free.

    Stationarity ``y − v = Σ_g κ_g (2/β²) s Y_g q_g`` gives the network ``w_g = ρ_g q_g``,
    ``ρ_g = 2κ_g/β²``, whose fit is ``y − v``. The start is ``v0`` (default 0, always strictly
    feasible), scaled towards 0 until every constraint holds with room.

    Parameters
    ----------
    fa : exact.screen.FacetArrays
        The program's facet arrays (:func:`exact.screen.facet_arrays`).
    pool : int
        The readout's pooling (1 for the dense program).
    y : sequence of float
        The targets (n outputs).
    beta2 : float
        β².
    groups : sequence of (chamber, sign)
        The working set.
    v0 : sequence of float, optional
        A starting guess (e.g. the conic solver's dual).
    tol : float
        The interior-point method's relative tolerance.
    maxit : int
        Its iterations at most.

    Returns
    -------
    IPMResult

    Examples
    --------
    One point ``x = 1``, target 1, β = 1/2: the dual is ``max v − v²/2`` over ``v² ≤ 1/4``
    (the chamber ``w ≥ 0``), so v = 1/2, and the network ``w = ρ q`` with ``q = 1/2`` fits
    ``ŷ = 1 − v = 1/2`` for ρ = 1.

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[1]], [1], "1/2")
    >>> res = squared_dual_ipm(facet_arrays(cp), 1, [1.0], 0.25, cp.groups)
    >>> res.converged, round(float(res.v[0]), 9), round(float(res.rho.max()), 6)
    (True, 0.5, 1.0)

    References
    ----------
    S. Boyd and L. Vandenberghe, *Convex Optimization*, Cambridge University Press (2004),
    §11.7 (primal-dual interior-point methods).
    """
    yv = np.asarray(y, dtype=float)
    n = len(yv)
    v = np.zeros(n) if v0 is None else np.asarray(v0, dtype=float)
    none = np.zeros(n, bool)
    return _face_ipm(fa, pool, groups, beta2, v, lambda x: (x, x), lambda t: t.fits(), yv,
                     none, tol=tol, maxit=maxit, quad=np.ones(n), lower=none)


#: a start is scaled towards 0 until every constraint has ``‖Π_C u‖² ≤ START_ROOM·β²``
START_ROOM = 0.8


def _face_ipm(fa, pool: int, groups: Sequence[Group], beta2: float, x0: np.ndarray, lift,
              fit, obj: np.ndarray, upper: np.ndarray, **ipm) -> IPMResult:
    """The body :func:`hinge_dual_ipm` and :func:`squared_dual_ipm` share: the constraints'
    pieces on the groups' current faces (:class:`FaceTracker`, one tracking per iterate),
    the start ``x0`` scaled into the interior (:data:`START_ROOM`), :func:`qcqp_ipm` with
    ``obj``, ``upper`` and the keywords ``ipm``, and the network read off its optimum.
    ``lift(x)`` gives ``(μ, v)``, the dual point v at which the groups are projected;
    ``fit(tracker)`` the constraints' matrices on the free coordinates."""
    groups = list(groups)
    tracker = FaceTracker(fa, pool, groups)
    idx = np.arange(len(x0))
    last: dict = {}

    def pieces(x):
        key = x.tobytes()
        if key not in last:
            tracker(lift(x)[1])
            last.clear()
            last[key] = [(idx, Z) for Z in fit(tracker)]
        return last[key]

    x = np.array(x0, dtype=float)
    top = max((float(np.sum((M.T @ x) ** 2)) / beta2 for _i, M in pieces(x)), default=0.0)
    if top > START_ROOM:
        x = x * np.sqrt(START_ROOM / top)
    res = qcqp_ipm(obj, upper, pieces, beta2, x, **ipm)
    mu, v = lift(res.x)
    q, _t = tracker(v)
    return IPMResult(mu=mu, v=v, rho=2.0 * res.kappa / beta2, groups=groups,
                     faces=[f if f is not None else () for f in tracker.faces], q=q,
                     gap=res.gap, residual=res.residual, iterations=res.iterations,
                     converged=res.converged)


#: rounds of :func:`hinge_guess` at most
GUESS_ROUNDS = 8
#: a group is violated at a dual point when ``t > β²(1 + VIOLATED)``
VIOLATED = 1e-9


def hinge_guess(cp, groups: Sequence[Group], mu0: Sequence[float], *,
                max_rounds: int = GUESS_ROUNDS, per_round: int | None = None
                ) -> tuple[dict[Group, np.ndarray], np.ndarray, dict] | None:
    """A float guess for the hinge program from :func:`hinge_dual_ipm` by cutting planes
    (:func:`ipm_cutting_planes`) from the working set ``groups`` and the start ``mu0``.

    Returns ``(W, v, stats)``: the groups ``w_g = ρ_g q_g`` of the last round with ρ_g > 0,
    the dual point ``v = y ∘ μ`` and ``{"rounds", "working_set", "converged", "iterations",
    "violated"}`` (the confirmed violated groups left when the rounds ran out); None when the
    program's numbers do not fit floats (:func:`exact.screen.facet_arrays`). Floats only: the
    caller certifies exactly (:mod:`exact.certify`).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, -1, 1], "1/10", "hinge")
    >>> W, v, st = hinge_guess(cp, [cp.groups[0]], [0.5, 0.5, 0.5])
    >>> st["violated"], st["converged"]
    (0, True)
    """
    yv = [float(t) for t in cp.y]
    beta2 = float(cp.beta) ** 2
    return ipm_cutting_planes(
        cp, groups, lambda fa, ws: hinge_dual_ipm(fa, cp.pool, yv, beta2, ws, mu0),
        max_rounds=max_rounds, per_round=per_round)


def squared_guess(cp, groups: Sequence[Group], v0: Sequence[float] | None = None, *,
                  max_rounds: int = GUESS_ROUNDS, per_round: int | None = None
                  ) -> tuple[dict[Group, np.ndarray], np.ndarray, dict] | None:
    """A float guess for the squared-loss program from :func:`squared_dual_ipm` by cutting
    planes (:func:`ipm_cutting_planes`) from the working set ``groups`` and the start ``v0``;
    returns what :func:`hinge_guess` does.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W, v, st = squared_guess(cp, [cp.groups[0]])
    >>> st["violated"], st["converged"]
    (0, True)
    >>> round(float(np.dot([1, 0, 1], v) - np.dot(v, v) / 2), 9)   # P* = 37/200
    0.185
    """
    yv = [float(t) for t in cp.y]
    beta2 = float(cp.beta) ** 2
    return ipm_cutting_planes(
        cp, groups, lambda fa, ws: squared_dual_ipm(fa, cp.pool, yv, beta2, ws, v0),
        max_rounds=max_rounds, per_round=per_round)


def ipm_cutting_planes(cp, groups: Sequence[Group], solve, *, max_rounds: int = GUESS_ROUNDS,
                       per_round: int | None = None
                       ) -> tuple[dict[Group, np.ndarray], np.ndarray, dict] | None:
    """Cutting planes around an interior-point method: ``solve(fa, working_set)`` (an
    :class:`IPMResult`) on the working set, every group of the chamber list screened at its
    dual point (:func:`exact.screen.float_violations`, each candidate confirmed by an
    accurate projection, :class:`FaceTracker`: the batched screen is far off on raw data),
    the most violated ``per_round`` (default ``6n``) added, until none is. Each round starts
    from the caller's start, not from the last optimum: that may violate the new groups by
    orders of magnitude, and scaled to feasibility it starts near 0.

    Returns ``(W, v, stats)`` as :func:`hinge_guess` does; None when the program's numbers
    do not fit floats.

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W, v, st = ipm_cutting_planes(
    ...     cp, [cp.groups[0]], lambda fa, ws: squared_dual_ipm(fa, 1, [1, 0, 1], 0.01, ws))
    >>> st["rounds"] > 1, st["violated"]
    (True, 0)
    """
    from exact.screen import facet_arrays, float_violations

    fa = facet_arrays(cp)
    if fa is None:
        return None
    from exact.cutting import ranked_violations

    beta2 = float(cp.beta) ** 2
    per_round = per_round or 6 * cp.n
    ws = list(dict.fromkeys((int(i), int(s)) for i, s in groups))
    res = None
    rounds = iterations = 0
    left = 0
    for rounds in range(1, max_rounds + 1):  # noqa: B007 (the count is reported)
        res = solve(fa, ws)
        iterations += res.iterations
        v = res.v
        T = float_violations(fa, v, beta2, VIOLATED)
        rows, cols, _t = ranked_violations(T, beta2 * (1 + VIOLATED))
        have = set(ws)
        cand = [g for g in ((int(i), 1 - 2 * int(c)) for i, c in zip(rows, cols))
                if g not in have]
        if not cand:
            left = 0
            break
        _q, t = FaceTracker(fa, cp.pool, cand)(v)
        new = [g for g, tg in sorted(zip(cand, t), key=lambda p: -p[1])
               if tg > beta2 * (1 + VIOLATED)]
        left = len(new)
        if not new:
            break
        ws += new[:per_round]
    assert res is not None
    W = {g: r * q for g, r, q in zip(res.groups, res.rho, res.q) if r > 0}
    return W, res.v, {"rounds": rounds, "working_set": len(ws), "converged": res.converged,
                      "iterations": iterations, "violated": left}
