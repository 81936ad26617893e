"""Batched float NNLS: many small problems ``min_{λ ≥ 0} ‖g + Aᵀλ‖`` solved at once.

Floats only, and only guesses: the multipliers it proposes become certificates only after an
exact or error-bounded proof (:meth:`exact.interval_pass.IntervalH.proven`,
:func:`exact.screen.exact_multipliers_ok`, :func:`exact.certify.batch_nnls_bounds`). By
Moreau's decomposition ``‖g + Aᵀλ‖ ≥ ‖Π_C(g)‖`` for every λ ≥ 0, with equality at the optimum
(docs/MATH.md §7), so any proven λ gives an upper bound on the cone projection's norm.

Reference: Lawson & Hanson, "Solving Least Squares Problems" (1974), ch. 23 (the NNLS active-set
method, here with the passive set of each problem kept in ``d`` slots so that every
least-squares step is one batched ``d × d`` solve).
"""

from __future__ import annotations

import numpy as np

__all__ = ["batched_nnls", "count_sliced_descent", "spd_solve"]


def batched_nnls(A: np.ndarray, counts: np.ndarray, G: np.ndarray, maxit: int | None = None,
                 lam0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``λ = argmin_{λ ≥ 0} ‖g + Âᵀλ‖`` for many small problems at once (floats): Lawson–Hanson
    with the passive set of each row kept in ``d`` slots, so every least-squares step is one
    batched d × d solve. ``A``: m × f × d facet rows (zero rows beyond ``counts``), ``G``: m × d.
    Returns ``(λ, r)`` with ``r = g + Aᵀλ``; ``‖r‖² ≥ ‖Π_C(g)‖²`` for any λ ≥ 0 (Moreau), with
    equality at the optimum. Floats only: it proposes multipliers, :meth:`IntervalH.proven`
    proves.

    ``lam0`` (m × f, multipliers of the rows A, e.g. a few sweeps of
    :func:`exact.screen.polar_descent`) warm-starts it: the passive set of each row starts as
    the (at most d) largest positive entries, so a nearly right guess needs one least-squares
    step instead of one outer iteration per facet.

    >>> import numpy as np
    >>> lam, r = batched_nnls(np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([2]),
    ...                       np.array([[-1.0, -2.0]]))
    >>> lam.round(12).tolist(), float(abs(r).max()) < 1e-12
    ([[1.0, 2.0]], True)
    >>> lam, r = batched_nnls(np.array([[[1.0, 0.0], [0.0, 1.0]]]), np.array([2]),
    ...                       np.array([[-1.0, -2.0]]), lam0=np.array([[0.9, 0.0]]))
    >>> lam.round(12).tolist()
    [[1.0, 2.0]]
    """
    m, f, d = A.shape
    maxit = 3 * d + 3 if maxit is None else maxit
    scale = np.sqrt(np.einsum("md,md->m", G, G))
    scale[scale == 0] = 1.0
    nrm = np.sqrt(np.einsum("mfd,mfd->mf", A, A))
    An = A / np.where(nrm > 0, nrm, 1.0)[:, :, None]  # unit rows: better conditioned
    g = G / scale[:, None]
    valid = (np.arange(f)[None, :] < counts[:, None]) & (nrm > 0)
    S = np.zeros((m, d), dtype=np.int64)
    has = np.zeros((m, d), dtype=bool)
    lam = np.zeros((m, d))
    r = g.copy()
    diag = np.arange(d)
    flat = An.reshape(m * f, d)

    def inner(rows: np.ndarray) -> None:
        """The least-squares steps on the passive sets of ``rows``, stepping back to stay
        ≥ 0 (Lawson–Hanson's inner loop), then their residuals."""
        todo = rows
        # gathered once (a flat take: faster than 2-D fancy indexing), then subsets
        AS = np.take(flat, rows[:, None] * f + S[rows], axis=0) * has[rows][:, :, None]
        sub = AS
        for _ in range(d + 1):
            if not len(todo):
                break
            ht = has[todo]
            Gm = sub @ sub.transpose(0, 2, 1)
            Gm[:, diag, diag] += np.where(ht, 1e-14, 1.0)  # a unit pivot on the empty slots
            z = spd_solve(Gm, -(sub @ g[todo][:, :, None])[..., 0])
            z = np.where(ht, z, 0.0)
            bad = (ht & (z <= 0)).any(axis=1)
            lam[todo[~bad]] = z[~bad]
            if not bad.any():
                break
            b, zb = todo[bad], z[bad]
            lb, cond = lam[b], ht[bad] & (zb <= 0)
            alpha = np.where(cond, lb / np.where(cond, lb - zb, 1.0), np.inf).min(axis=1)
            lam[b] = lb + alpha[:, None] * (zb - lb)
            keep = has[b] & (lam[b] > 1e-15)
            has[b] = keep
            lam[b] = np.where(keep, lam[b], 0.0)
            sub = sub[bad] * keep[:, :, None]
            todo = b
        AS *= has[rows][:, :, None]
        r[rows] = g[rows] + (lam[rows][:, None, :] @ AS)[:, 0]

    if lam0 is not None and m:
        # the warm passive sets: the largest positive λ̂ = λ·‖a‖/‖g‖ (feasible: λ̂ ≥ 0)
        l0 = np.where(valid, lam0 * nrm, 0.0) / scale[:, None]
        top = np.argsort(-l0, axis=1, kind="stable")[:, :d]
        v0 = np.take_along_axis(l0, top, axis=1)
        S[:, :top.shape[1]] = top
        has[:, :top.shape[1]] = v0 > 0
        lam[:, :top.shape[1]] = np.where(v0 > 0, v0, 0.0)
        inner(np.flatnonzero(has.any(axis=1)))
    act = np.arange(m)
    for it in range(maxit):
        if not len(act):
            break
        # every row in the first round: the arrays themselves, no gathered copies
        An_a, r_a, S_a = (An, r, S) if it == 0 else (An[act], r[act], S[act])
        w = np.where(valid[act], np.einsum("mfd,md->mf", An_a, r_a), np.inf)
        k, sl = np.nonzero(has[act])
        w[k, S_a[k, sl]] = np.inf  # passive facets are not candidates
        j = np.argmin(w, axis=1)
        go = (w[np.arange(len(act)), j] < -1e-12) & ~has[act].all(axis=1)
        act, j = act[go], j[go]
        if not len(act):
            break
        slot = np.argmax(~has[act], axis=1)
        S[act, slot], has[act, slot], lam[act, slot] = j, True, 0.0
        inner(act)
    out = np.zeros((m, f))
    k, sl = np.nonzero(has)
    out[k, S[k, sl]] = lam[k, sl]  # a row's passive slots hold distinct facets
    out = out / np.where(nrm > 0, nrm, 1.0)  # multipliers of the given rows A
    return out * scale[:, None], r * scale[:, None]


def spd_solve(Gm: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``Gm x = b`` for many small symmetric positive definite systems (m × k × k, m × k):
    Cholesky unrolled over the k ≤ d entries, each step one vector operation over all m
    systems (LAPACK's batched solve pays a call per system: 7× slower for 8000 4 × 4 systems);
    LAPACK for few systems. Floats only, like everything here.

    >>> import numpy as np
    >>> G = np.tile(np.array([[4.0, 2.0], [2.0, 3.0]]), (300, 1, 1))
    >>> x = spd_solve(G, np.tile([2.0, 1.0], (300, 1)))
    >>> bool(np.allclose(x, [0.5, 0.0]))
    True
    """
    m, k, _ = Gm.shape
    if m < 200:
        return np.linalg.solve(Gm, b[:, :, None])[..., 0]
    L: list[list[np.ndarray]] = [[] for _ in range(k)]
    for j in range(k):
        s = Gm[:, j, j].copy()
        for t in range(j):
            s -= L[j][t] * L[j][t]
        s = np.sqrt(np.maximum(s, 1e-300))
        for i in range(j + 1, k):
            v = Gm[:, i, j].copy()
            for t in range(j):
                v -= L[i][t] * L[j][t]
            L[i].append(v / s)
        L[j].append(s)
    y: list[np.ndarray] = []
    for j in range(k):
        v = b[:, j].copy()
        for t in range(j):
            v -= L[j][t] * y[t]
        y.append(v / L[j][j])
    x: list[np.ndarray] = [np.empty(0)] * k
    for j in reversed(range(k)):
        v = y[j]
        for t in range(j + 1, k):
            v = v - L[t][j] * x[t]
        x[j] = v / L[j][j]
    return np.stack(x, axis=1)


def count_sliced_descent(A: np.ndarray, counts: np.ndarray, rows: np.ndarray, G: np.ndarray,
                         sweeps: int) -> tuple[np.ndarray, np.ndarray]:
    """The batched polar coordinate descent of :func:`exact.screen.polar_descent` (``min_{λ ≥
    0} ‖g + Σ_k λ_k â_k‖²`` with the unit facet rows ``â = A[rows[r], k]``, ``sweeps`` passes
    over the facets in their order), for rows of a few facet counts: the rows are taken in
    runs of one facet count each (no padding facets), every run in a ``d × m`` layout where a
    coordinate step is a few vector operations on contiguous rows of length m. Returns ``(λ,
    r)``, λ as wide as the largest count and ``r = g + Âᵀλ``: any ``λ ≥ 0`` bounds ``‖Π_C(g)‖²``
    by ``‖r‖²`` (Moreau), so this only proposes; floats only.

    >>> import numpy as np
    >>> A = np.array([[[1.0, 0.0], [0.0, 1.0]]])
    >>> lam, r = count_sliced_descent(A, np.array([2]), np.array([0]), np.array([[-1.0, 2.0]]), 2)
    >>> lam.tolist(), r.tolist()
    ([[1.0, 0.0]], [[0.0, 2.0]])
    """
    rows = np.asarray(rows)
    m = len(rows)
    cnt = counts[rows]
    order = np.argsort(cnt, kind="stable")
    cnt = cnt[order]
    fmax = int(cnt.max(initial=0))
    lam = np.zeros((m, max(fmax, 1)))
    r = np.array(G, dtype=float)
    edges = [0, *(np.flatnonzero(np.diff(cnt)) + 1).tolist(), m]
    for a, b in zip(edges[:-1], edges[1:]):
        f = int(cnt[a]) if b > a else 0
        if f == 0:
            continue
        sel = order[a:b]
        At = np.ascontiguousarray(A[rows[sel], :f].transpose(1, 2, 0))  # f × d × m
        rb = np.ascontiguousarray(r[sel].T)  # d × m
        la = np.zeros((f, b - a))
        d = rb.shape[0]
        for _ in range(sweeps):
            for k in range(f):
                ak = At[k]
                c = ak[0] * rb[0]
                for j in range(1, d):
                    c += ak[j] * rb[j]
                new = np.maximum(la[k] - c, 0.0)
                rb += (new - la[k]) * ak
                la[k] = new
        lam[sel, :f] = la.T
        r[sel] = rb.T
    return lam, r
