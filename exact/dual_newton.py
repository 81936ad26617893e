"""Column generation in the dual's ρ-parametrisation: the polish that finishes the squared loss's
numeric guess after a few conic rounds (docs/MATH.md §7).

For the squared loss ``½‖ŷ − y‖² + βΣ‖w_g‖``, with each group g of a working set restricted to
a face ``F_g`` of its cone (the facets its projection lies on), ``K_g = S D_i X P_F XᵀD_i Sᵀ``
(P_F the orthogonal projector onto ``{u : a·u = 0, a ∈ F_g}``, S the readout) and
``M(ρ) = I + Σ ρ_g K_g``, the restricted dual ``max vᵀy − ½‖v‖²`` s.t. ``vᵀK_g v ≤ β²`` has
the Lagrangian dual

    φ(ρ) = ½ yᵀM(ρ)⁻¹y + β²/2 Σ ρ_g,   ρ ≥ 0,

minimised by Newton on tiny n × n systems (:func:`active_newton`); then ``v = M⁻¹y = y − ŷ``
and ``w_g = ρ_g P_F (s XᵀD_i Sᵀ v)``.
:func:`newton_polish` finishes a float guess (the conic rounds of :mod:`exact.cutting`) by
column generation: Newton on the working set, each face checked against the group's float
cone projection at the new v (until none changes), groups with ρ = 0 far from tight dropped,
every group of the chamber list screened at v (:func:`exact.screen.float_violations`), the
violated ones added with their projections' faces. A v feasible for every group with
stationary ρ is an optimum of the whole program: the guess a conic solve of the full program
gives, to float accuracy. The face-restricted φ is only a local model (a wrong face can make
a group look feasible while its cone projection is far above β): from a guess far from the
optimum the faces need not settle, and the caller then keeps the conic path. Floats only,
nothing here is a claim: :func:`exact.certify.solve` certifies exactly.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from exact.types import Group

__all__ = ["active_newton", "newton_polish", "group_faces", "face_fit", "face_kernel",
           "DROP_BAND", "FACE_STEPS", "NEWTON_BUDGET", "START_REL"]

#: a group of the working set with ρ = 0 leaves it when its dual constraint is below
#: ``β²(1 − DROP_BAND)`` (it rejoins when violated again)
DROP_BAND = 0.05



#: :func:`active_newton` takes a free set as stationary when the error stops halving below
#: this (relative to β²): the ridge on dependent fits slows the last digits
STALL = 1e-6

#: :func:`newton_polish` also ends when every group violated above ``rel`` is already in its
#: working set and the worst violation is below this (relative to β²): Newton stalled there
STALL_ACCEPT = 1e-6

#: the ridge on the Hessian of :func:`active_newton`, relative to its largest diagonal entry
RIDGE = 1e-10

#: groups joining the free set at a time in :func:`active_newton`
JOIN = 8

#: :func:`newton_polish` starts from the groups of its guess above this fraction of the largest
#: (the others rejoin when the screen finds them violated)
START_REL = 1e-6

#: :func:`newton_polish` gives up after this many Newton iterations in all (converged polishes
#: took 30-40 at (40, 4) since the one-SVD pruning, 100-300 before; it also gives up as soon as
#: one Newton solve runs out of its iterations)
NEWTON_BUDGET = 3000

#: at most this many face corrections (Newton, then every face re-read) per round
FACE_STEPS = 12


def _fit_rows(fa, pool: int, i: int) -> np.ndarray:
    """``Y_i = S D_i X`` (n × d): the fit of chamber i's groups per unit of w (readout S)."""
    from exact.convex import pooled_rows

    return pooled_rows(fa.P[i][:, None] * fa.X, pool)


def face_kernel(fa, i: int, face: Sequence[int]) -> np.ndarray:
    """An orthonormal basis N (d × (d − rank), columns) of the kernel of the facets ``face``
    of chamber i: the directions of the face's linear span (an SVD of the facets' rows,
    rank at 1e-10 of the largest singular value).

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]
    >>> face_kernel(fa, i, ()).tolist(), (face_kernel(fa, i, (0,)) ** 2).round(12).tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[0.0], [1.0]])
    """
    d = fa.A.shape[2]
    if not len(face):
        return np.eye(d)
    _u, sv, Vt = np.linalg.svd(fa.A[i, list(face)], full_matrices=True)
    rank = int(np.sum(sv > 1e-10 * sv[0])) if sv.size and sv[0] > 0 else 0
    return Vt[rank:].T  # d × (d − rank)


def face_fit(fa, pool: int, i: int, face: Sequence[int]) -> np.ndarray:
    """``Z = Y_i N`` (n × (d − rank)) with ``K = Z Zᵀ = Y_i P_F Y_iᵀ`` (module docstring):
    ``Y_i = S D_i X`` and N the kernel basis of the facets ``face`` of chamber i
    (:func:`face_kernel`). The polish works with Z: ``vᵀKv = ‖Zᵀv‖²`` and ``Kv = Z(Zᵀv)``
    cost O(nd) where K costs O(n²).

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]
    >>> face_fit(fa, 1, i, ()).tolist(), (face_fit(fa, 1, i, (0,)) ** 2).round(12).tolist()
    ([[1.0, 0.0], [0.0, 1.0]], [[0.0], [1.0]])
    """
    return _fit_rows(fa, pool, i) @ face_kernel(fa, i, face)


def group_faces(fa, pool: int, groups: Sequence[Group], v: np.ndarray,
                support: np.ndarray | None = None
                ) -> tuple[list[tuple[int, ...]], np.ndarray, np.ndarray]:
    """For each group ``(i, s)``, the face of its cone that the float projection of
    ``g = s XᵀD_i Sᵀ v`` lies on (the support of the multipliers of batched active-set steps,
    :func:`exact.screen.active_set_projection`, started from ``support`` when given; NNLS
    where those do not settle), that projection ``q`` (rows) and ``t = ‖q‖²``.

    >>> from exact.convex import ConvexProgram
    >>> from exact.screen import facet_arrays
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> fa = facet_arrays(cp)
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 0.0]][0]  # u0 ≥ 0 ≥ u1
    >>> F, q, t = group_faces(fa, 1, [(i, 1)], np.array([1.0, 1.0]))
    >>> F, (q + 0.0).round(12).tolist(), round(float(t[0]), 12)
    ([()], [[1.0, 0.0]], 1.0)
    """
    from exact.screen import active_set_projection

    rows = np.array([i for i, _s in groups], dtype=np.int64)
    sg = np.array([s for _i, s in groups], dtype=float)
    vrep = np.repeat(np.asarray(v, dtype=float), pool)
    Gs = sg[:, None] * (fa.P[rows] @ (vrep[:, None] * fa.X))
    r, ok, idx, lam = active_set_projection(fa, rows, Gs, support=support)
    faces: list[tuple[int, ...]] = []
    for m in range(len(rows)):
        if ok[m]:
            faces.append(tuple(sorted(int(k) for k in idx[m] if k >= 0)))
            continue
        from arrangement.scipy_direct import nnls

        k = int(fa.counts[rows[m]])
        lm, _res = nnls(fa.A[rows[m], :k].T, -Gs[m], maxiter=50 * k + 50)
        r[m] = Gs[m] + fa.A[rows[m], :k].T @ lm
        faces.append(tuple(int(j) for j in np.flatnonzero(lm > 1e-12 * (np.abs(lm).max()
                                                                        + 1e-300))))
    return faces, r, np.einsum("md,md->m", r, r)


def _stacked(Z: Sequence[np.ndarray] | np.ndarray, n: int) -> np.ndarray:
    """The fits ``Z_g`` (n × k_g each) as one G × n × k array, zero columns padding the
    narrower ones (a zero column adds nothing to ``Z Zᵀ``)."""
    if isinstance(Z, np.ndarray) and Z.ndim == 3:
        return np.asarray(Z, dtype=float)
    k = max((z.shape[1] for z in Z), default=0)
    out = np.zeros((len(Z), n, max(k, 1)))
    for g, z in enumerate(Z):
        out[g, :, :z.shape[1]] = z
    return out


def _null_prune(rho: np.ndarray, grad: np.ndarray, C: np.ndarray, lim: float
                ) -> np.ndarray | None:
    """Carathéodory pruning of a free set with dependent fits: ``C = L⁻¹B`` (B's columns
    ``K_g v``, ``LLᵀ = M``). Along a null direction c of C (``Σ c_g K_g v = 0``) v stays
    ``M⁻¹y`` and φ changes linearly, by ``grad·c`` (docs/MATH.md §7); each step goes down that
    slope (the gradient projected onto the null space; where it is below ``lim``, φ is flat
    there and any null direction does) until a ρ reaches 0, and the null space loses that
    group's coordinate (a Householder reflection of its basis), until none is left: the groups
    left have independent fits, and Newton's Hessian on them is regular. Returns the new ρ of
    the free set (None: no null space, or no ρ moved). One SVD for the whole pruning: the former one
    eigendecomposition per pruned group dominated the polish (134 at (40, 4))."""
    _u, sv, Vt = np.linalg.svd(C, full_matrices=True)
    top = float(sv[0]) if sv.size else 0.0
    rank = int(np.sum(sv > np.sqrt(RIDGE) * top)) if top > 0 else 0
    N = Vt[rank:].T.copy()  # f × m, orthonormal
    if not N.shape[1]:
        return None
    r = rho.copy()
    while N.shape[1]:
        c = N @ (N.T @ grad)  # the step is −c: it lowers ρ_g where c_g > 0
        if not float(np.abs(c).max()) > lim:
            # flat: the null direction with the largest entry, oriented to lower it
            c = N[:, 0] if N.shape[1] == 1 else N @ (N.T[:, int(np.argmax(np.abs(N).max(axis=1)))])
            c = c if float(c.max()) >= -float(c.min()) else -c
        top_c = float(np.abs(c).max())
        neg = np.flatnonzero(c > 1e-9 * top_c)  # a coordinate fixed at 0 has a zero row
        if not len(neg):
            # no ρ falls along −c (a rounding residue of the projected gradient): nothing to
            # prune along it (the argmin below raised a ValueError that escaped the polish,
            # seen from a handoff at worst violation 0.3)
            break
        ratios = r[neg] / c[neg]
        j = int(neg[np.argmin(ratios)])
        r0 = r
        r = np.maximum(r - float(ratios.min()) * c, 0.0)
        r[j] = 0.0
        # groups that reached 0 together (equal fits) are at 0, not at rounding residues: the
        # ratio test then fixes them next, with a zero step
        r[r <= 1e-14 * r0] = 0.0
        # the null directions that keep ρ_j = 0: a reflection maps row j of the basis onto
        # its first column, which leaves
        h = N[j].copy()
        h[0] += np.copysign(float(np.linalg.norm(h)), h[0])
        N = (N - np.outer(N @ h, h) * (2.0 / float(h @ h)))[:, 1:]
        N[j] = 0.0  # exactly: rounding must not let a fixed coordinate move again
    return None if np.array_equal(r, rho) else r


def active_newton(Z: Sequence[np.ndarray] | np.ndarray, y: np.ndarray, b2: float,
                  rho0: np.ndarray, *, tol: float = 1e-13, maxit: int = 400,
                  info: dict | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``min_{ρ≥0} φ(ρ)`` (module docstring) by an active-set Newton method for many groups,
    each given by its fit ``Z_g`` (n × k_g, ``K_g = Z_g Z_gᵀ``, :func:`face_fit`; a sequence, or
    a G × n × k array): Newton steps on the free set ``ρ_g > 0`` only (projected: a ρ that
    reaches 0 leaves), steps along the null space of the Hessian where the free groups' fits
    are dependent (φ is linear there: each step runs until a ρ reaches 0, a Carathéodory
    pruning, :func:`_null_prune`), and, once the free set is stationary (or stalled at
    rounding), the groups with ``∂φ/∂ρ_g < 0`` beyond ``tol·β²`` join, the most negative
    :data:`JOIN` at a time. ``M = I + Σρ_g Z_g Z_gᵀ`` is factored by Cholesky (it is at least
    I); a pivoted Cholesky of the free set's Hessian tells when its fits are dependent. The
    Hessians stay of the size of the free set, unlike those of the certification's projected
    Newton over every group (:func:`exact.certify.solve`). Returns ``(ρ, v)`` and adds the
    iterations spent to ``info["iterations"]`` when given, and sets ``info["unfinished"]`` when
    ``maxit`` ran out first. Floats only: a guess.

    >>> Z = [np.array([[1.0], [0.0]]), np.array([[0.0], [1.0]]), np.array([[0.5**0.5], [0]])]
    >>> rho, v = active_newton(Z, np.array([1.0, 2.0]), 0.25, np.zeros(3))
    >>> (v.round(9) + 0.0).tolist(), float(rho[1].round(9)), float((rho[0] + rho[2] / 2).round(9))
    ([0.5, 0.5], 3.0, 1.0)
    """
    from arrangement.scipy_direct import lapack

    dpotrf, dpotrs, dpstrf, dtrtrs = lapack("dpotrf", "dpotrs", "dpstrf", "dtrtrs")

    y = np.asarray(y, dtype=float)
    n = len(y)
    Zp = _stacked(Z, n)
    G, _n, k = Zp.shape
    Zall = Zp.transpose(1, 0, 2).reshape(n, G * k)
    rho = np.maximum(np.asarray(rho0, dtype=float).copy(), 0.0)
    eps = 2.0**-52

    def system(r):
        on = np.flatnonzero(r > 0)
        S = (Zp[on] * np.sqrt(r[on])[:, None, None]).transpose(1, 0, 2).reshape(n, -1)
        M = S @ S.T
        M[np.diag_indices_from(M)] += 1.0
        L, bad = dpotrf(M, lower=1)
        if bad:
            raise np.linalg.LinAlgError("M not positive definite (non-finite numbers)")
        v = dpotrs(L, y, lower=1)[0]
        return L, v, float(y @ v) / 2 + b2 / 2 * float(r.sum())

    def pruned(free, grad, C, margin):
        # the Carathéodory pruning of the free set (_null_prune) with its system, kept when φ
        # did not rise beyond margin·eps (relative); None: nothing moved, or it rose
        r = _null_prune(rho[free], grad[free], C, lim)
        if r is None:
            return None
        new = rho.copy()
        new[free] = r
        L2, v2, f2 = system(new)
        return (new, L2, v2, f2) if f2 <= f + abs(f) * eps * margin else None

    L, v, f = system(rho)
    lim = tol * b2
    prev = None
    idle = 0  # steps in a row that did not lower φ beyond rounding
    for _it in range(maxit):
        u = (Zall.T @ v).reshape(G, k)
        grad = (b2 - np.einsum("gk,gk->g", u, u)) / 2
        free = np.flatnonzero(rho > 0)
        err = float(np.abs(grad[free]).max()) if len(free) else 0.0
        # stationary on the free set: converged, or stalled at rounding (the error stops
        # halving, or φ stops falling; the ridge on dependent fits slows the last digits)
        stalled = idle > 0 or (prev is not None and err > prev / 2 and err <= b2 * STALL)
        prev = err
        joining = err <= lim or stalled
        if joining:
            prev = None
            out = np.flatnonzero((rho <= 0) & (grad < -lim))
            if not len(out) or idle > 1:
                break
            # a few of the most negative join (their ρ starts at 0)
            free = np.union1d(free, out[np.argsort(grad[out])[:JOIN]])
        B = np.einsum("gnk,gk->ng", Zp[free], u[free])  # n × |free|: K_g v
        C = dtrtrs(L, B, lower=1)[0]
        H = C.T @ C  # the Hessian B M⁻¹ B on the free set
        dmax = float(np.diag(H).max()) if len(free) else 0.0
        if not joining and len(free) > 1 and dmax > 0:
            rank = int(dpstrf(H, tol=RIDGE * dmax, lower=1)[2])
            if rank < len(free):
                # dependent fits: the pruning along the Hessian's null space (docs/MATH.md
                # §7), kept when φ did not rise beyond rounding
                done = pruned(free, grad, C, 10)
                if done is not None:
                    rho, L, v, f = done
                    prev = None
                    continue
        H[np.diag_indices_from(H)] += max(dmax * RIDGE, b2 * eps)
        sel = np.arange(len(free))
        while len(sel):
            Hs, bad_ = dpotrf(H[np.ix_(sel, sel)], lower=1)
            step = (dpotrs(Hs, -grad[free[sel]], lower=1)[0] if not bad_
                    else np.linalg.lstsq(H[np.ix_(sel, sel)], -grad[free[sel]], rcond=None)[0])
            # a group at ρ = 0 that the step would push below 0 stays out (projected step)
            bad = (rho[free[sel]] <= 0) & (step < 0)
            if not bad.any():
                break
            sel = sel[~bad]
        if joining and not (rho[free[sel]] <= 0).any():
            # no joining group survived: a coordinate step on the most negative one
            j = int(np.argmin(np.where(rho[free] <= 0, grad[free], np.inf)))
            sel = np.array([j])
            step = np.array([-grad[free[j]] / H[j, j]])
        free = free[sel]
        # the step's first blocking group (ρ reaching 0 along it)
        down = step < 0
        tmax = float(np.min(rho[free][down] / -step[down])) if down.any() else np.inf
        t = 1.0
        for _ls in range(60):
            new = rho.copy()
            if t <= tmax:  # on the segment: feasible, the blocking group reaches 0 exactly
                new[free] = np.maximum(rho[free] + t * step, 0.0)
                if t == tmax:
                    new[free[down][np.argmin(rho[free][down] / -step[down])]] = 0.0
            else:
                # the projected step (those reaching 0 leave): several groups can leave at
                # once; when it does not lower φ, the step stops at the first blocking group
                new[free] = np.maximum(rho[free] + t * step, 0.0)
            L2, v2, f2 = system(new)
            if f2 <= f + abs(f) * eps * 10:
                break
            t = tmax if t > tmax else t / 2
        else:
            break
        idle = idle + 1 if f2 >= f - abs(f) * eps * 100 else 0
        rho, L, v, f = new, L2, v2, f2
    else:
        if info is not None:
            info["unfinished"] = True
    # the loop prunes in its Newton iterations only: one that ends on dependent fits (equal
    # fits: a neuron on a hyperplane lies in two cones) gets the last Carathéodory pruning here
    free = np.flatnonzero(rho > 0)
    if len(free) > 1:
        u = (Zall.T @ v).reshape(G, k)
        grad = (b2 - np.einsum("gk,gk->g", u, u)) / 2
        C = dtrtrs(L, np.einsum("gnk,gk->ng", Zp[free], u[free]), lower=1)[0]
        H = C.T @ C
        dmax = float(np.diag(H).max())
        if dmax > 0 and int(dpstrf(H, tol=RIDGE * dmax, lower=1)[2]) < len(free):
            # φ is flat or falling along the null space: a rise is rounding in M⁻¹y, which
            # grows with ρ (29 ulps at ρ ≈ 219 with two equal fits), so the loop's idle margin,
            # not its step margin
            done = pruned(free, grad, C, 100)
            if done is not None:
                rho, v = done[0], done[2]
    if info is not None:
        info["iterations"] = info.get("iterations", 0) + _it + 1
    return rho, v


def _restricted(fa, pool: int, yf: np.ndarray, b2: float, ws: list[Group],
                faces: dict[Group, tuple[int, ...]], rho: dict[Group, float], Kc: dict,
                info: dict | None = None
                ) -> tuple[np.ndarray, np.ndarray, list[tuple[int, ...]], np.ndarray, bool]:
    """Newton on the working set ``ws`` (:func:`active_newton`), then the faces checked
    against the float projections at the new v: a group with ρ > 0 changes its face by at
    most one facet per step (the primal active-set rule of
    :func:`exact.certify._settle_faces`), a group at ρ = 0 takes its projection's face; until
    no face of a group with ρ > 0 changes (at most :data:`FACE_STEPS`). Returns
    ``(ρ, v, faces, t, settled)`` with ``t = ‖q‖²`` at the final v."""
    settled = False
    r = np.array([rho.get(g, 0.0) for g in ws])
    F = [faces[g] for g in ws]
    sup = None
    for _step in range(FACE_STEPS):
        Ks = []
        for g, f in zip(ws, F):
            key = (g[0], f)
            if key not in Kc:
                Kc[key] = face_fit(fa, pool, g[0], f)
            Ks.append(Kc[key])
        r, v = active_newton(Ks, yf, b2, r, info=info)
        if info is not None and info.get("unfinished"):
            # Newton used all its iterations on these faces: the faces' corrections went
            # where they do not settle ((100, 4) from the screen's settle level: every later
            # step ran out too, 4,000 iterations in all, 37 s with the former iterations)
            return r, v, F, np.zeros(len(ws)), False
        newF, _q, t = group_faces(fa, pool, ws, v, sup)
        changed = False
        for k in range(len(ws)):
            if newF[k] == F[k]:
                continue
            if r[k] > 0:
                changed = True
                old, nw = set(F[k]), set(newF[k])
                add, rem = sorted(nw - old), sorted(old - nw)
                # one facet at a time: joining first (a q outside its cone), else leaving
                F[k] = tuple(sorted(old | {add[0]})) if add else tuple(sorted(old - {rem[0]}))
            else:
                F[k] = newF[k]
                # violated on its new face: it joins in the next Newton solve
                changed |= bool(t[k] > b2 * (1 + 1e-12))
        if not changed:
            settled = True
            break
    return r, v, F, t, settled


def newton_polish(cp, W, *, rel: float = 1e-9, max_rounds: int = 10,
                  per_round: int | None = None, state=None
                  ) -> tuple[dict[Group, np.ndarray], dict] | None:
    """The squared loss's optimum polished from a float guess ``W`` (groups → w, e.g. a
    conic solve of a restricted program) by column generation in ρ (module docstring):
    the groups of W above 1e-9 of the largest start with ``ρ = ‖w‖/β`` and the faces of their
    projections at ``v = y − ŷ(W)``; then rounds of Newton on the working set with face
    corrections (:func:`active_newton`), a screen of every group at the new v
    (:func:`exact.screen.float_violations`, ``state`` carried over), and the violated groups
    joining at ρ = 0, until none is violated by more than ``rel`` (relative to β²), or until
    Newton stalls below :data:`STALL_ACCEPT` with every violated group already in the working
    set (then ``stats["worst_violation"]`` is above ``rel``).
    Returns ``(W, stats)`` with the float groups ``ρ_g q_g`` and ``stats`` (``rounds``,
    ``working_set``, ``worst_violation``, ``stalled``: ended by that acceptance), and sets
    ``cp.numeric_value`` (the primal objective of W) and ``cp.numeric_dual`` (v); None when
    it does not apply (not the squared loss, numbers too large for floats) or does not
    converge (a singular system, faces that do not settle, rounds that end above ``rel``):
    the caller keeps its own guess then. Floats only.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W, st = newton_polish(cp, {cp.groups[0]: np.zeros(2)})
    >>> abs(cp.numeric_value - 37 / 200) < 1e-12, st["worst_violation"] <= 1e-9
    (True, True)
    """
    from exact.cutting import violated_groups
    from exact.screen import ViolationState, facet_arrays, float_violations

    fa = facet_arrays(cp)
    if fa is None or cp.loss != "squared":
        return None
    pool = cp.pool
    yf = np.array([float(t) for t in cp.y])
    b2 = float(cp.beta) ** 2
    beta = float(cp.beta)
    per_round = per_round or max(20, 2 * cp.n)
    norms = {g: float(np.linalg.norm(w)) for g, w in W.items()}
    wmax = max(norms.values(), default=0.0)
    ws = [g for g, nm in norms.items() if nm > START_REL * wmax]
    fit = np.zeros(cp.n)
    for g in ws:
        fit += g[1] * (_fit_rows(fa, pool, g[0]) @ np.asarray(W[g], dtype=float))
    v = yf - fit
    rho = {g: norms[g] / beta for g in ws}
    faces: dict[Group, tuple[int, ...]] = {}
    if ws:
        faces.update(zip(ws, group_faces(fa, pool, ws, v)[0]))
    state = state if state is not None else ViolationState()
    Kc: dict = {}
    info = {"iterations": 0}
    rounds, worst = 0, float("inf")
    stalled = False
    while rounds < max_rounds:
        rounds += 1
        if ws:
            try:
                r, v, F, t, settled = _restricted(fa, pool, yf, b2, ws, faces, rho, Kc, info)
            except (ZeroDivisionError, np.linalg.LinAlgError):
                return None
            rho = {g: float(x) for g, x in zip(ws, r)}
            faces = dict(zip(ws, F))
            if info["iterations"] > NEWTON_BUDGET or info.get("unfinished"):
                return None  # faces or free sets that keep changing: give up
        else:
            r, t, v, settled = np.zeros(0), np.zeros(0), yf, True
        T = float_violations(fa, np.repeat(v, pool), b2, rel, state=state)
        worst = float(np.nanmax(T) / b2 - 1) if T.size else 0.0
        inws = set(ws)
        viol = violated_groups(T, b2 * (1 + rel))
        if not viol:
            break
        cand = [x for x in viol if x[1] not in inws]
        if not cand and worst <= STALL_ACCEPT:
            # every violated group is already in the working set, and Newton has stalled on
            # it (the ridge on dependent fits, :data:`STALL`): more rounds would repeat this one
            # (r60x3s0 of the corpus: ten rounds at 5.8e-8, then the conic rounds again)
            stalled = True
            break
        keep = [g for g, x, tg in zip(ws, r, t) if x > 0 or tg > b2 * (1 - DROP_BAND)]
        new = [g for _t, g in cand[:per_round]]  # violated_groups: by decreasing t
        if new:
            faces.update(zip(new, group_faces(fa, pool, new, v)[0]))
        ws = keep + new
    if not ((worst <= rel or stalled) and settled):
        return None
    out: dict[Group, np.ndarray] = {}
    live = [g for g in ws if rho.get(g, 0.0) > 0]
    if live:
        _F, Q, _t = group_faces(fa, pool, live, v, None)
        for k, g in enumerate(live):
            # q on its settled face: P_F g (the projection of the face's subspace)
            out[g] = rho[g] * Q[k]
    fit = np.zeros(cp.n)
    for (i, s), w in out.items():
        fit += s * (_fit_rows(fa, pool, i) @ w)
    cp.numeric_value = 0.5 * float(np.sum((fit - yf) ** 2)) + beta * sum(
        float(np.linalg.norm(w)) for w in out.values())
    cp.numeric_dual = v
    cp.numeric_solver = "dual Newton"
    return out, {"rounds": rounds, "working_set": len(ws), "worst_violation": worst,
                 "stalled": stalled}
