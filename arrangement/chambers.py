"""Exact enumeration of the chambers of a central hyperplane arrangement.

Algorithm (deletion–restriction, docs/MATH.md §3; no linear program is solved): hyperplanes are
added one at a time. When ``H_k`` is added, the chambers of ``A_{k−1}`` that it cuts are exactly
the chambers of the restriction ``A_{k−1}^{H_k}`` (an arrangement of dimension d − 1, enumerated
recursively in integer coordinates of ``H_k``: a reduced basis of its lattice when ``h_k`` is
large). A restricted chamber with integer witness ``w`` (lying on ``H_k`` and off every earlier
hyperplane) yields the two new chambers with witnesses ``M w ± h_k``, where the integer ``M`` is
large enough that no earlier sign changes: ``M |x_j·w| > |x_j·h_k|`` for all earlier ``j``;
those points are proposed in floats at about 20 bits and kept where their exact signs are right
(:func:`split_witnesses`), built exactly otherwise. Every other chamber keeps its witness. The
cut chambers are found by sign keys, or, from :data:`WALK_FROM` hyperplanes on, by walking the
history of splits (:class:`_History`). In dimension 2 the chambers are the sectors between
consecutive rays, found by an angular sort that is checked exactly; in dimension 3 they are the
two sides of every facet sector, their signs read off the exact angular order in each plane
(:func:`chambers_3d_batch`, many 3-D problems at once).

All witnesses are integer vectors; every sign is exact (:mod:`arrangement.intmat`: int64 when a
bound allows, floats with a proven error margin, Python integers where those cannot decide);
floats only ever *propose* a witness or an order that exact arithmetic then accepts or rejects.

References: T. Zaslavsky, *Facing up to arrangements*, Mem. AMS 154 (1975); R. P. Stanley,
*An introduction to hyperplane arrangements*, Lect. 1 (deletion–restriction).

>>> sorted(enumerate_chambers([[1, 0], [0, 1]], 2))
[(-1, -1), (-1, 1), (1, -1), (1, 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import cast

import numpy as np

from arrangement import intmat

ProgressHook = Callable[[int, int], None]

def distinct_classes(R: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Canonical normals of the distinct hyperplanes, and per row its class and orientation.

    Rows that are zero get class −1 and orientation 0.
    """
    C, orient = intmat.canonical_rows(R)
    index: dict[tuple[int, ...], int] = {}
    cls = np.full(R.shape[0], -1, dtype=np.int64)
    reps: list[tuple[int, ...]] = []
    for j in range(R.shape[0]):
        if orient[j] == 0:
            continue
        key = tuple(int(v) for v in C[j])
        k = index.get(key)
        if k is None:
            k = index[key] = len(reps)
            reps.append(key)
        cls[j] = k
    N = intmat.as_int_array(reps) if reps else np.zeros((0, R.shape[1]), dtype=np.int64)
    return N, cls, orient


def _chambers_2d(N: np.ndarray) -> np.ndarray:
    """Witnesses of the sectors cut out by m ≥ 1 distinct lines through the origin of R²."""
    return sectors_2d(N, np.zeros(N.shape[0], dtype=np.int64))[0]


def _half(R: np.ndarray) -> np.ndarray:
    """0 for directions of angle in [0, π), 1 for [π, 2π) (exact integer comparisons)."""
    return np.where((R[:, 1] > 0) | ((R[:, 1] == 0) & (R[:, 0] > 0)), 0, 1)


def angular_order(R: np.ndarray, gid: np.ndarray, Rf: np.ndarray | None = None) -> np.ndarray:
    """The permutation sorting nonzero integer directions of R² by problem, then exactly
    counter-clockwise from angle 0 within each problem of two or more directions.

    Floats only propose the order (``arctan2``); it is accepted for a problem only if it is the
    exact one: the rays are grouped by exact half-plane, and each turn from one ray to the next
    (cyclically) is exactly a left turn of less than π (cross product > 0,
    :func:`arrangement.intmat.sign_det2`). Within a half-plane the angles then increase, so the
    order is the angular one. A problem that fails is sorted exactly. Directions must be
    pairwise non-parallel within a problem, except that a problem of exactly two may be a
    line's two rays. ``Rf``: R's correctly rounded floats
    (:func:`arrangement.intmat.rounded_floats`), when the caller holds them.

    >>> R = intmat.as_int_array([[0, 1], [1, 0], [-1, -1], [5, 7]])
    >>> angular_order(R, np.array([0, 0, 0, 1])).tolist()
    [1, 0, 2, 3]
    """
    gid = np.asarray(gid, dtype=np.int64)
    n = len(gid)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    if Rf is None:
        Rf = intmat.rounded_floats(R)
    # correctly rounded floats keep every sign and zero, and the turn test's error bound holds
    # for them; beyond 2^1000, shifted directions only propose the order
    rounded = Rf is not None
    if Rf is None:
        Rf = intmat.float_directions(R)
    half = _half(Rf if rounded else R)
    ang = np.arctan2(Rf[:, 1], Rf[:, 0])
    ang[(half == 1) & (ang > 0)] = -np.pi  # angle π opens the lower half-plane: arctan2 says +π
    order = np.lexsort((ang, half, gid))
    Rs, g = R[order], gid[order]
    start = np.r_[0, np.nonzero(g[1:] != g[:-1])[0] + 1]
    last = np.r_[start[1:] - 1, n - 1]
    nxt = np.arange(1, n + 1)
    nxt[last] = start
    Rn = Rs[nxt]
    if rounded:
        Rfs = Rf[order]
        ok = intmat.sign_det2(Rs, Rn, Rfs, Rfs[nxt]) > 0
    else:
        ok = intmat.sign_det2(Rs, Rn) > 0
    size = (last - start + 1)[np.searchsorted(start, np.arange(n), side="right") - 1]
    ok |= size <= 2  # one line's two rays: grouped by half-plane, their order is exact
    if not ok.all():  # float misordered some problem: sort those exactly
        from functools import cmp_to_key

        for b in np.unique(g[~ok]).tolist():
            idx = np.nonzero(g == b)[0]
            rays = [(int(x), int(y)) for x, y in Rs[idx]]

            def cmp(s: int, t: int, rays: list[tuple[int, int]] = rays) -> int:
                return _angle_cmp(rays[s], rays[t])

            perm = sorted(range(len(idx)), key=cmp_to_key(cmp))
            order[idx] = order[idx[perm]]
    return order


def _angle_cmp(a: tuple[int, int], b: tuple[int, int]) -> int:
    ha = 0 if (a[1] > 0 or (a[1] == 0 and a[0] > 0)) else 1
    hb = 0 if (b[1] > 0 or (b[1] == 0 and b[0] > 0)) else 1
    if ha != hb:
        return ha - hb
    c = a[0] * b[1] - a[1] * b[0]
    return -1 if c > 0 else (1 if c < 0 else 0)


def sectors_2d(Y: np.ndarray, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sector witnesses of many line arrangements of R² at once.

    Row ``t`` of ``Y`` is the normal of a line of problem ``gid[t]``; within a problem the
    normals are distinct canonical rows (:func:`distinct_classes`). Returns ``(T, g)``: one
    primitive integer witness per sector, and the problem it belongs to: the sum of the two
    rays bounding the sector, in the exact angular order (:func:`angular_order`).

    >>> T, g = sectors_2d(intmat.as_int_array([[1, 0], [0, 1], [1, 1]]), np.array([0, 0, 1]))
    >>> sorted(map(tuple, T[g == 0].tolist())), sorted(map(tuple, T[g == 1].tolist()))
    ([(-1, -1), (-1, 1), (1, -1), (1, 1)], [(-1, -1), (1, 1)])
    """
    gid = np.asarray(gid, dtype=np.int64)
    if Y.shape[0] == 0:
        return np.zeros((0, 2), dtype=np.int64), gid[:0]
    counts = np.bincount(gid)
    single = counts[gid] == 1
    parts_T, parts_g = [], []
    if single.any():  # one line: its two sides, witnesses ± its normal
        Y1 = Y[single]
        parts_T += [Y1, -Y1]
        parts_g += [gid[single], gid[single]]
    multi = ~single
    if multi.any():
        Ym, gm = Y[multi], gid[multi]
        D = np.stack([-Ym[:, 1], Ym[:, 0]], axis=1)  # direction of the line y·u = 0
        R = _vstack([D, -D])
        g = np.concatenate([gm, gm])
        order = angular_order(R, g)
        R, g = R[order], g[order]
        n = len(g)
        start = np.r_[0, np.nonzero(g[1:] != g[:-1])[0] + 1]
        last = np.r_[start[1:] - 1, n - 1]
        nxt = np.arange(1, n + 1)
        nxt[last] = start
        parts_T.append(_add_rows(R, R[nxt], 1))
        parts_g.append(g)
    T = _vstack(parts_T)
    return intmat.primitive_rows(T), np.concatenate(parts_g)


def _chambers_3d(N: np.ndarray, bits: int = 20) -> np.ndarray:
    """Witnesses of the chambers of m ≥ 2 distinct planes through the origin of R³, at once.

    Every chamber has a facet, and the facets on ``H_k`` are the sectors of the lines
    ``H_j ∩ H_k`` in ``H_k`` (the restriction to ``H_k`` of *all* the other planes). The two
    chambers on either side of the facet of sector σ have the signs of σ on every ``H_j``,
    j ≠ k, and ±1 on ``H_k``; the distinct sign vectors among these ``2 Σ_k #sectors_k``
    candidates are exactly the chambers. The signs of σ need no arithmetic: in the exact
    angular order of the rays (:func:`angular_order`) the line with normal ``c`` is positive
    exactly on the half-turn of sectors from its ray ``−D`` to its ray ``D = rot₉₀(c)``.

    A witness of each chamber is proposed in floats near its facet (the sector's bisector
    moved off ``H_k`` by half the distance to the nearest other plane, about ``bits`` bits) and
    kept only where its exact signs are the chamber's; the rest get the exact construction
    ``M w ± h_k`` from the sector witness ``w`` (thin chambers).

    >>> N = intmat.as_int_array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]])
    >>> W = _chambers_3d(N)
    >>> len(W), len({tuple(r) for r in intmat.sign_matmul(W, N.T).tolist()})
    (14, 14)

    Many such problems are solved in one batch by :func:`chambers_3d_batch`; this is a batch
    of one.
    """
    return chambers_3d_batch([N], bits)[0]


def chambers_3d_batch(Ns: list[np.ndarray], bits: int = 20) -> list[np.ndarray]:
    """:func:`_chambers_3d` for several problems at once (planes of all problems side by side,
    their sign vectors padded to the widest problem): one pass of numpy calls for all.

    >>> Ns = [intmat.as_int_array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]),
    ...       intmat.as_int_array([[1, 0, 0], [0, 1, 1]])]
    >>> [len(W) for W in chambers_3d_batch(Ns)]
    [14, 4]
    """
    P = len(Ns)
    ms = np.array([N.shape[0] for N in Ns], dtype=np.int64)
    mmax = int(ms.max())
    Nall = _vstack(list(Ns))
    M = Nall.shape[0]
    pid = np.repeat(np.arange(P), ms)  # the problem of each plane
    off = np.r_[0, np.cumsum(ms)[:-1]]
    loc = np.arange(M) - off[pid]  # the index of each plane within its problem
    # 3 × 2 integer bases of the planes (reduced ones only where y_kj would leave int64)
    Bst = _plane_bases_3d(Nall, 2**28)  # M × 3 × 2
    Bobj = Bst.dtype == object
    # the pairs (k, j ≠ k) of planes of one problem, and y_kj = B_kᵀ h_j exactly
    cnt = ms[pid]
    k_of = np.repeat(np.arange(M), cnt)
    jl = np.arange(len(k_of)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    j_of = off[pid[k_of]] + jl
    keep = j_of != k_of
    k_of, j_of, jl = k_of[keep], j_of[keep], jl[keep]
    if (not Bobj and Nall.dtype != object
            and intmat.max_abs(Nall) * intmat.max_abs(Bst.reshape(M, 6)) * 3 < 2**62):
        Y = np.einsum("ti,tic->tc", Nall[j_of], Bst[k_of])
    else:
        Y = intmat.shrink((Nall[j_of].astype(object)[:, :, None]
                           * Bst[k_of].astype(object)).sum(axis=1))
    # y_kj = (positive) · ori · Lc[line]: H_j's side on H_k; H_j ∩ H_k may repeat in one plane
    ori, line, first, Lc, Lf = oriented_lines(Y, k_of)
    Lg = k_of[first]
    nl = len(first)
    # rays D, −D of every line, sorted counter-clockwise within each plane
    D = np.stack([-Lc[:, 1], Lc[:, 0]], axis=1)
    R = _vstack([D, -D])
    g = np.concatenate([Lg, Lg])
    lab = np.tile(np.arange(nl), 2)
    neg = np.repeat([False, True], nl)
    # the rays' floats once, for the order's turn test and the proposals (three conversions of
    # the Python-int rays of 17-digit data were a tenth of these batches)
    Rf = None if Lf is None else np.vstack([np.stack([-Lf[:, 1], Lf[:, 0]], axis=1),
                                            np.stack([Lf[:, 1], -Lf[:, 0]], axis=1)])
    order = angular_order(R, g, Rf)
    R, g, lab, neg = R[order], g[order], lab[order], neg[order]
    Rf = None if Rf is None else Rf[order]
    q = len(g)
    start = np.r_[0, np.nonzero(g[1:] != g[:-1])[0] + 1]
    last = np.r_[start[1:] - 1, q - 1]
    size = last - start + 1
    st_of = np.repeat(start, size)
    n_of = np.repeat(size, size)
    i = np.arange(q) - st_of  # position of each ray (and of the sector it opens) in its plane
    nxt = np.arange(1, q + 1)
    nxt[last] = start
    a = np.zeros(nl, dtype=np.int64)
    a[lab[neg]] = i[neg]  # position of each line's ray −D
    # sector s (from ray s to the next) of plane g[s]: the sign of every plane j ≠ g[s]
    A = np.zeros((M, mmax), dtype=np.int32)
    A[k_of, jl] = a[line]
    O = np.zeros((M, mmax), dtype=np.int8)
    O[k_of, jl] = ori
    # ray s lies in the half-turn [−D, D) of a line iff (s − pos(−D)) mod n < n/2
    delta = i.astype(np.int32)[:, None] - A[g]
    half = (n_of // 2).astype(np.int32)[:, None]
    inside = ((delta >= 0) & (delta < half)) | (delta < half - n_of.astype(np.int32)[:, None])
    Og = O[g]
    Sv = np.where(inside, Og, -Og)  # zero exactly at the plane's own column and the padding
    sec, side = _distinct_sides(Sv, loc[g], group=pid[g])
    want = Sv[sec]
    gs = g[sec]
    pr = pid[gs]
    want[np.arange(len(sec)), loc[gs]] = side
    W = np.zeros((len(sec), 3), dtype=np.int64)
    todo = np.arange(len(sec))
    two = n_of[sec] == 2  # one line in the plane: the sectors are its two half-planes
    batch = _Batch(Ns, Nall, pid, loc, ms)
    # floats may cancel to 0 for entries of very different sizes: such proposals fail the check
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        W, todo = _propose_3d(W, todo, Bst, batch, R, sec, nxt, side, gs, two, want, bits, Rf)
    for p in np.unique(pr[todo]).tolist():  # the exact construction M w ± h_g (thin chambers)
        rows = todo[pr[todo] == p]
        N = Ns[p]
        gl = loc[gs[rows]]
        Rs, Rn = R[sec[rows]], R[nxt[sec[rows]]]
        Ro, Rno = Rs.astype(object), Rn.astype(object)
        rot = np.stack([-Ro[:, 1], Ro[:, 0]], axis=1)
        To = np.where(two[rows][:, None], rot, Ro + Rno)
        Bg = Bst[gs[rows]].astype(object)
        w = intmat.primitive_rows(intmat.shrink(Bg[:, :, 0] * To[:, :1] + Bg[:, :, 1] * To[:, 1:]))
        vals = intmat.matmul(w, N.T)
        absv = np.abs(vals.astype(object))
        r = np.arange(len(rows))
        if (absv == 0).sum() != len(rows) or (absv[r, gl] != 0).any():
            raise AssertionError("a sector witness lies on a second plane")  # pragma: no cover
        absv[r, gl] = 1
        hh = np.abs(intmat.matmul(N, N.T).astype(object))[gl]
        hh[r, gl] = 0
        Mx = (hh // absv).max(axis=1) + 1
        E = intmat.shrink(w.astype(object) * Mx[:, None]
                          + side[rows].astype(object)[:, None] * N[gl].astype(object))
        E = reduce_witnesses(intmat.primitive_rows(E), N, bits)
        if not (intmat.sign_matmul(E, N.T) == want[rows][:, :N.shape[0]]).all():
            raise AssertionError("an exact facet witness has the wrong signs")  # pragma: no cover
        if E.dtype == object:
            W = W.astype(object)
        W[rows] = E
    W = intmat.shrink(W) if W.dtype == object else W
    by = np.argsort(pr, kind="stable")
    bounds = np.searchsorted(pr[by], np.arange(P + 1))
    return [W[by[bounds[p]:bounds[p + 1]]] for p in range(P)]


class _Batch:
    """The planes of a batch of 3-D problems, with per-row exact signs and float products."""

    def __init__(self, Ns: list[np.ndarray], Nall: np.ndarray, pid: np.ndarray,
                 loc: np.ndarray, ms: np.ndarray):
        self.Ns, self.Nall, self.pid, self.loc, self.ms = Ns, Nall, pid, loc, ms
        self.mmax = int(ms.max())
        if len(Ns) > 1:
            pad = np.zeros((len(Ns), self.mmax, 3), dtype=Nall.dtype)
            pad[pid, loc] = Nall
            self.pad = pad

    def signs(self, U: np.ndarray, pr: np.ndarray) -> np.ndarray:
        """Exact ``sign(N_p · u)`` for each row u of ``U`` (problem ``pr``), padded with 0."""
        if len(self.Ns) == 1:
            return intmat.sign_matmul(U, self.Ns[0].T)
        if (self.pad.dtype != object and U.dtype != object
                and intmat.max_abs(self.Nall) * intmat.max_abs(U) * 3 < 2**62):
            return intmat.sign_int8(np.einsum("rmk,rk->rm", self.pad[pr], U))
        out = np.zeros((len(U), self.mmax), dtype=np.int8)
        for p in np.unique(pr).tolist():
            r = np.nonzero(pr == p)[0]
            out[r, :self.ms[p]] = intmat.sign_matmul(U[r], self.Ns[p].T)
        return out

    def dots(self, F: np.ndarray, Nf: np.ndarray, pr: np.ndarray,
             fill: float) -> np.ndarray:
        """Float ``N̂_p · f`` for each row f of ``F`` (``Nf``: the normalised planes), padding
        columns ``fill``."""
        if len(self.Ns) == 1:
            return F @ Nf.T
        padf = np.zeros((len(self.Ns), self.mmax, 3))
        padf[self.pid, self.loc] = Nf
        out = np.einsum("rmk,rk->rm", padf[pr], F)
        out[np.arange(self.mmax)[None, :] >= self.ms[pr][:, None]] = fill
        return out


def _distinct_sides(Sv: np.ndarray, g: np.ndarray, z: np.ndarray | None = None,
                    group: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The distinct sign vectors among ``Sv[s]`` with ``±1`` put at column ``g[s]`` (where
    ``Sv`` is 0): one ``(row, side)`` per distinct vector. Rows are grouped by 64-bit Zobrist
    keys, and every row grouped with a kept one is compared with it exactly (a collision of
    keys between different vectors is then sorted out exactly).

    >>> Sv = np.array([[0, 1], [0, -1], [1, 0]], dtype=np.int8)
    >>> rows, side = _distinct_sides(Sv, np.array([0, 0, 1]))
    >>> sorted(zip(rows.tolist(), side.tolist()))
    [(0, -1), (0, 1), (1, -1), (1, 1)]
    """
    q, m = Sv.shape
    if z is None:
        z = np.asarray(np.random.default_rng(0xC0FFEE).integers(1, 2**63, size=m,
                                                                dtype=np.uint64))
    base = (Sv > 0).astype(np.uint64) @ z if m else np.zeros(q, dtype=np.uint64)
    if group is None:
        group = np.zeros(q, dtype=np.int64)
    else:
        salt = np.random.default_rng(0xBA7C).integers(1, 2**63, size=int(group.max()) + 1,
                                                      dtype=np.uint64)
        base = base + salt[group]
    keys = np.concatenate([base + z[g], base])
    order = np.argsort(keys, kind="stable")
    ks = keys[order]
    new = np.r_[True, ks[1:] != ks[:-1]]
    head = order[np.maximum.accumulate(np.where(new, np.arange(len(ks)), 0))]
    # every candidate must equal the head of its key group exactly
    dup = np.nonzero(~new)[0]
    a, b = order[dup], head[dup]
    ra, rb = a % q, b % q
    sa, sb = np.where(a < q, 1, -1), np.where(b < q, 1, -1)
    Ra, Rb = Sv[ra], Sv[rb]
    n = np.arange(len(ra))
    Ra[n, g[ra]] = sa
    Rb[n, g[rb]] = sb
    if not ((Ra == Rb).all() and (group[ra] == group[rb]).all()):  # a 64-bit key collision
        S = np.concatenate([Sv, Sv])
        S[np.arange(q), g] = 1
        S[np.arange(q) + q, g] = -1
        S = np.hstack([np.concatenate([group, group]).astype(np.int64).reshape(-1, 1).view(
            np.int8), S])
        _, pick = np.unique(np.ascontiguousarray(S).view(
            np.dtype((np.void, S.shape[1]))).ravel(), return_index=True)
        return pick % q, np.where(pick < q, 1, -1).astype(np.int8)
    pick = order[new]
    return pick % q, np.where(pick < q, 1, -1).astype(np.int8)


def _propose_3d(W: np.ndarray, todo: np.ndarray, Bst: np.ndarray, batch: _Batch,
                R: np.ndarray, sec: np.ndarray, nxt: np.ndarray, side: np.ndarray,
                gs: np.ndarray, two: np.ndarray, want: np.ndarray,
                bits: int, Rr: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The float proposals of :func:`chambers_3d_batch`, kept where their exact signs are
    ``want``; returns the witnesses and the rows still to do. ``Rr``: R's correctly rounded
    floats (:func:`arrangement.intmat.rounded_floats`), when the caller holds them."""
    N = batch.Nall
    # at least 500 bits (2^499 is a float, and rounding is monotone: the floats' test is exact)
    wide = (intmat.max_abs(R).bit_length() >= 500 if Rr is None
            else bool(np.abs(Rr).max() >= 2.0**499))
    if wide or intmat.max_abs(N).bit_length() >= 500:
        return W, todo
    pr = batch.pid[gs]
    Nf = intmat.float_directions(N)
    Nf = Nf / np.abs(Nf).max(axis=1, keepdims=True)
    rows = np.arange(len(gs))
    if Rr is None:
        Rf, Rnf = intmat.float_directions(R[sec]), intmat.float_directions(R[nxt[sec]])
    else:
        Rf, Rnf = Rr[sec], Rr[nxt[sec]]
    Rf = Rf / np.hypot(Rf[:, 0], Rf[:, 1])[:, None]
    Rnf = Rnf / np.hypot(Rnf[:, 0], Rnf[:, 1])[:, None]
    t = np.where(two[:, None], np.stack([-Rf[:, 1], Rf[:, 0]], axis=1), Rf + Rnf)
    Bf = intmat.to_float(Bst[gs])  # the bases as floats (< 2**500)
    Bf = Bf / np.abs(Bf).max(axis=(1, 2), keepdims=True)
    w = np.einsum("qij,qj->qi", Bf, t)
    w /= np.abs(w).max(axis=1, keepdims=True)
    af = np.abs(batch.dots(w, Nf, pr, np.inf))  # |ĥ_j · w|, ≈ 0 at column g
    af[rows, batch.loc[gs]] = np.inf
    # moving by ε ĥ_g changes ĥ_j·u by at most 3ε (entries of ĥ at most 1): ε = min |ĥ_j·w| / 8
    eps = np.min(af, axis=1, keepdims=True) / 8
    U0 = w + np.minimum(eps, 0.5) * side[:, None] * Nf[gs]
    U0 /= np.abs(U0).max(axis=1, keepdims=True)
    U0[~np.isfinite(U0)] = 0.0
    for b in (bits, bits * 3 // 2, bits * 9 // 4):
        if len(todo) == 0:
            break
        U = np.round(U0[todo] * 2.0**b).astype(np.int64)
        ok = (batch.signs(U, pr[todo]) == want[todo]).all(axis=1)
        W[todo[ok]] = U[ok]
        todo = todo[~ok]
    return W, todo


def oriented_lines(Y: np.ndarray, gid: np.ndarray
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]:
    """The distinct lines ``{y·u = 0}`` of nonzero integer rows ``Y`` (m × 2) of problems
    ``gid``: ``(ori, line, first, L, Lf)`` with ``Y[t]`` a positive multiple of
    ``ori[t] · L[line[t]]``, ``first`` the first row of each line (lines numbered in order of
    first occurrence), ``L = ori[first] · Y[first]`` the lines' oriented rows (first nonzero
    entry positive) and ``Lf`` their correctly rounded floats (None beyond 2^1000).

    Small integers are made primitive (:func:`arrangement.intmat.canonical_rows`) and grouped
    by exact equality (:func:`_line_ids`). Python-int rows skip the gcds (a tenth of the 3-D
    restrictions of 17-digit data, ~1 µs per gcd of 120-bit entries): their oriented rows are
    sorted by float angle, and rows of one line, whose float angles are within ~1e-15 of one
    another, are adjacent; each adjacent pair within :data:`_SAME_ANGLE` must be exactly
    parallel (2 × 2 determinant 0, :func:`arrangement.intmat.sign_det2`), else (two distinct
    lines that close) the exact grouping decides.

    >>> Y = intmat.as_int_array([[2**70, -2], [-(2**71), 4], [0, -3], [1, 1]])
    >>> ori, line, first, L, Lf = oriented_lines(Y, np.zeros(4, dtype=np.int64))
    >>> ori.tolist(), line.tolist(), first.tolist(), L[:, 1].tolist()
    ([1, -1, -1, 1], [0, 0, 1, 2], [0, 2, 3], [-2, 3, 1])
    """
    Yf = intmat.rounded_floats(Y) if Y.dtype == object else None
    if Yf is not None and len(Y) and (Yf != 0).any(axis=1).all():
        # float signs and zeros are exact: the orientation is exact
        ori = np.where(Yf[:, 0] != 0, np.sign(Yf[:, 0]), np.sign(Yf[:, 1])).astype(np.int64)
        Cf = Yf * ori[:, None]
        order = np.lexsort((np.arctan2(Cf[:, 1], Cf[:, 0]), gid))
        ang = np.arctan2(Cf[order, 1], Cf[order, 0])
        gs = gid[order]
        near = np.nonzero((gs[1:] == gs[:-1]) & (ang[1:] - ang[:-1] <= _SAME_ANGLE))[0]
        a, b = order[near], order[near + 1]
        # oriented rows that are parallel are positive multiples: one line
        if not intmat.sign_det2(Y[a], Y[b], Yf[a], Yf[b]).any():
            new = np.ones(len(order), dtype=bool)
            new[near + 1] = False
            starts = np.nonzero(new)[0]
            low = np.minimum.reduceat(order, starts)  # each line's first row
            rank = np.empty(len(starts), dtype=np.int64)
            srt = np.argsort(low, kind="stable")
            rank[srt] = np.arange(len(starts))
            line = np.empty(len(order), dtype=np.int64)
            line[order] = rank[np.cumsum(new) - 1]
            first = low[srt]
            L = intmat.shrink(Y[first] * ori[first][:, None])
            return ori, line, first, L, Cf[first]
    C, ori = intmat.canonical_rows(Y)
    line, first = _line_ids(C, gid)
    L = C[first]
    return ori, line, first, L, intmat.rounded_floats(L)


#: float angles (radians) of oriented integer rows closer than this are checked for being one
#: line exactly; rows of one line differ by rounding only (~1e-15)
_SAME_ANGLE = 1e-9


def _line_ids(C: np.ndarray, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For rows ``C`` of problems ``gid``: the index of each row's distinct (gid, row) pair,
    and the first row of each pair, pairs numbered in order of first occurrence.

    Python-int rows are sorted by their floats (equal rows have equal floats, so each pair's
    rows are contiguous); the grouping is accepted only if every row equals, exactly, the one
    before it in its float run; otherwise (distinct rows with the same floats, or rows beyond
    floats) a dictionary of exact tuples decides.

    >>> C = intmat.as_int_array([[2**80, 3], [1, 2], [2**80, 3], [2**80 + 1, 3]])
    >>> ids, first = _line_ids(C, np.array([0, 0, 0, 0]))
    >>> ids.tolist(), first.tolist()
    ([0, 1, 0, 2], [0, 1, 3])
    """
    if C.dtype != object:
        order = np.lexsort((*C.T[::-1], gid))  # stable: the first occurrence leads its run
        Cs, gs = C[order], gid[order]
        new = np.r_[True, (gs[1:] != gs[:-1]) | (Cs[1:] != Cs[:-1]).any(axis=1)]
    else:
        try:
            F = C.astype(np.float64)
        except OverflowError:
            return _line_ids_exact(C, gid)
        order = np.lexsort((*F.T[::-1], gid))
        Cs, gs, Fs = C[order], gid[order], F[order]
        new = np.r_[True, (gs[1:] != gs[:-1]) | (Fs[1:] != Fs[:-1]).any(axis=1)]
        same = (Cs[1:] == Cs[:-1]).astype(bool).all(axis=1)
        if (~new[1:] & ~same).any():  # distinct rows share floats: decide exactly
            return _line_ids_exact(C, gid)
    run = np.cumsum(new) - 1  # run index of each sorted row
    first = order[new]
    srt = np.argsort(first)
    rank = np.empty(len(first), dtype=np.int64)
    rank[srt] = np.arange(len(first))
    ids = np.empty(len(gid), dtype=np.int64)
    ids[order] = rank[run]
    return ids, first[srt]


def _line_ids_exact(C: np.ndarray, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_line_ids` by a dictionary of exact tuples (any integers)."""
    seen: dict[tuple[int, ...], int] = {}
    ids_l: list[int] = []
    firsts_l: list[int] = []
    for t, (g, r) in enumerate(zip(gid.tolist(), C.tolist())):
        key = (g, *r)
        k = seen.get(key)
        if k is None:
            k = seen[key] = len(firsts_l)
            firsts_l.append(t)
        ids_l.append(k)
    return np.array(ids_l, dtype=np.int64), np.array(firsts_l, dtype=np.int64)


def _add_rows(W: np.ndarray, H: np.ndarray, s: int) -> np.ndarray:
    if W.dtype != object and H.dtype != object:
        if intmat.max_abs(W) + intmat.max_abs(H) < 2**62:
            return W + s * H
    return intmat.shrink(W.astype(object) + s * H.astype(object))


def reduce_witnesses(W: np.ndarray, N: np.ndarray, bits: int = 20) -> np.ndarray:
    """:func:`round_witnesses` at ``bits``, then at 1.5× and 2.25× that many bits for the
    rows still larger (thin chambers need more bits).

    >>> N = intmat.as_int_array([[1, 0], [0, 1], [1, -(2**25)]])  # thin: 0 < 2^25 u_2 < u_1
    >>> reduce_witnesses(intmat.as_int_array([[2**90, 2**60 + 1]]), N).tolist()
    [[1073741824, 1]]
    """
    for b in (bits, bits * 3 // 2, bits * 9 // 4):
        W = round_witnesses(W, N, b)
    return W


def round_witnesses(W: np.ndarray, N: np.ndarray, bits: int = 20) -> np.ndarray:
    """Smaller witnesses of the same chambers: each row rounded to about ``bits`` bits, kept
    only where the exact signs on every row of ``N`` are unchanged.

    Rounding moves a witness a little; in a chamber that is not too thin it stays inside,
    which the exact sign check (:func:`arrangement.intmat.sign_matmul`) decides. Rows that
    fail, or are already small, keep their witness. Without this, ``M w ± h`` makes witnesses
    grow by the bits of M at every level of the recursion and leave int64.

    >>> N = intmat.as_int_array([[1, 0], [0, 1]])
    >>> round_witnesses(intmat.as_int_array([[3 * 2**70, 2**70 + 5]]), N).tolist()
    [[3, 1]]
    """
    if W.shape[0] == 0 or N.shape[0] == 0:
        return W
    size = intmat.row_max_abs(W)
    big = np.nonzero(size >= 2**bits)[0]
    if len(big) == 0:
        return W
    Wb = W[big]
    sb = size[big]
    # scale each row to below 2**bits (exact shifts of Python ints), then float-round
    shift = np.array([max(int(v).bit_length() - bits, 0) for v in sb], dtype=np.int64)
    if Wb.dtype == object:
        scaled = np.array([[int(x) >> int(sh) for x in r] for r, sh in zip(Wb.tolist(), shift)],
                          dtype=object).reshape(Wb.shape)
        F = intmat.to_float(scaled)
    else:
        F = Wb.astype(np.float64) / np.exp2(shift)[:, None]
    R = np.round(F).astype(np.int64)
    R = intmat.primitive_rows(R)
    same = (intmat.sign_matmul(R, N.T) == intmat.sign_matmul(Wb, N.T)).all(axis=1)
    if not same.any():
        return W
    out = W.astype(object) if W.dtype == object else W.copy()
    out[big[same]] = R[same]
    return intmat.shrink(out) if out.dtype == object else out


#: From this entry size on, planes get an LLL-reduced lattice basis (smaller restricted normals).
REDUCE_BASIS_FROM = 2**10


def _plane_bases_3d(H: np.ndarray, start: int = REDUCE_BASIS_FROM) -> np.ndarray:
    """Integer bases (``M × 3 × 2``) of the planes ``{h·u = 0}`` of the rows of H: the pivot
    basis (:func:`arrangement.intmat.nullspace_bases`, all at once) for rows below ``start``,
    the Gauss-reduced lattice basis (:func:`arrangement.intmat.kernel_bases_3d`) for the rest.
    ``start`` is at most 2^31, the pivot bases' bound.

    >>> B = _plane_bases_3d(intmat.as_int_array([[1, 2, 0], [12346, 23456, 34567]]), 2**10)
    >>> B.shape, (intmat.as_int_array([[12346, 23456, 34567]]) @ B[1]).tolist()
    ((2, 3, 2), [[0, 0]])
    """
    if start > 2**31:
        raise ValueError("_plane_bases_3d: start must be at most 2^31")
    M = H.shape[0]
    big = intmat.row_max_abs(H) >= start
    if not big.any():
        return intmat.nullspace_bases(H)
    R = intmat.kernel_bases_3d(H[big])
    if big.all():
        return R
    small = intmat.nullspace_bases(H[~big])  # below start ≤ 2^31: its int64 conversion
    out = np.empty((M, 3, 2), dtype=R.dtype)
    out[big], out[~big] = R, small
    return out


def _plane_basis(h: np.ndarray, start: int = REDUCE_BASIS_FROM) -> np.ndarray:
    """An integer basis of ``{h·u = 0}``: the pivot basis for ``|h| < start``, else the
    reduced lattice basis (:func:`arrangement.intmat.kernel_basis`)."""
    size = intmat.max_abs(h.reshape(1, -1))
    if size < start:
        return intmat.nullspace_basis(cast(Sequence[int], h))  # an integer row serves
    return intmat.kernel_basis(cast(Sequence[int], h))


def split_witnesses(W: np.ndarray, S: np.ndarray, approx: np.ndarray | None, hx: np.ndarray,
                    h: np.ndarray, N: np.ndarray, bits: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Witnesses of the two chambers on either side of ``H = {h·u = 0}`` at each point of ``W``.

    Row ``r`` of ``W`` lies on ``H`` and off the earlier hyperplanes ``N[:-1]`` (``N[-1] = h``);
    ``S = sign(W N[:-1]ᵀ)`` and ``hx = N[:-1] h`` are exact, ``approx`` is ``W N[:-1]ᵀ`` in
    floats (:func:`arrangement.intmat.signs_and_floats`; None: build every witness exactly).
    The points ``M w ± h`` with ``M |x_j·w| > |x_j·h|`` are exact witnesses (docs/MATH.md §3),
    but grow by the bits of M. Here the same points are proposed in floats, with M doubled for
    a margin, scaled to about ``bits`` bits and rounded; a proposal is kept only if its exact
    signs on ``N`` are those of its chamber (``S`` and ±1 on ``h``). The others are retried at
    1.5× and 2.25× the bits, and any still failing get the exact ``M w ± h``, whose exact
    values ``W N[:-1]ᵀ`` are formed for those rows only.

    >>> N = intmat.as_int_array([[1, 0], [0, 1]])
    >>> W = intmat.as_int_array([[5, 0], [-3, 0]])
    >>> S, F = intmat.signs_and_floats(W, N[:1].T)
    >>> P, Q = split_witnesses(W, S, F, N[:1] @ N[1], N[1], N)
    >>> intmat.sign_matmul(P, N.T).tolist(), intmat.sign_matmul(Q, N.T).tolist()
    ([[1, 1], [-1, 1]], [[1, -1], [-1, -1]])
    """
    p = W.shape[0]
    out = [np.zeros((p, W.shape[1]), dtype=np.int64), np.zeros((p, W.shape[1]), dtype=np.int64)]
    todo = [np.arange(p), np.arange(p)]
    if approx is not None and intmat.max_abs(W).bit_length() < 900 and p:
        Wf = intmat.to_float(W)
        wmax = np.abs(Wf).max(axis=1, keepdims=True)
        with np.errstate(divide="ignore", invalid="ignore"):  # a float 0: fails the check
            ratio = np.abs(intmat.to_float(hx))[None, :] / np.abs(approx)
        hf = intmat.to_float(h.reshape(1, -1))
        # u = w/|w| ± h/(M' |w|): the float image of M' w ± h with M' = 2 max(M, |h|/|w|)
        # (any M' > M will do; the floor keeps h's share of u at most 1/2)
        rmax = np.maximum(ratio.max(axis=1, keepdims=True), float(np.abs(hf).max()) / wmax)
        step = hf / (2.0 * rmax * wmax)
        Wf = Wf / wmax
        for side, sgn in ((0, 1.0), (1, -1.0)):
            C = Wf + sgn * step
            C = C / np.abs(C).max(axis=1, keepdims=True)
            C[~np.isfinite(C)] = 0.0  # never happens for finite input; fails the check below
            for b in (bits, bits * 3 // 2, bits * 9 // 4):
                idx = todo[side]
                if len(idx) == 0:
                    break
                U = np.round(C[idx] * 2.0**b).astype(np.int64)
                want = np.hstack([S[idx], np.full((len(idx), 1), 1 if sgn > 0 else -1, np.int8)])
                ok = (intmat.sign_matmul(U, N.T) == want).all(axis=1)
                out[side][idx[ok]] = U[ok]
                todo[side] = idx[~ok]
    if len(todo[0]) or len(todo[1]):  # thin chambers: the exact construction
        rest = np.union1d(todo[0], todo[1])
        vals = intmat.matmul(W[rest], N[:-1].T)
        absv = np.abs(vals.astype(object)) if vals.dtype == object else np.abs(vals)
        absh = np.abs(hx.astype(object)) if hx.dtype == object else np.abs(hx)
        M = (absh[None, :] // absv).max(axis=1) + 1
        Mw = _scale_rows(W[rest], M)
        for side, sgn in ((0, 1), (1, -1)):
            idx = todo[side]
            if len(idx) == 0:
                continue
            E = reduce_witnesses(intmat.primitive_rows(_add_row(Mw[np.searchsorted(rest, idx)],
                                                                h, sgn)), N)
            if E.dtype == object:
                out[side] = out[side].astype(object)
            out[side][idx] = E
            out[side] = intmat.shrink(out[side]) if out[side].dtype == object else out[side]
    return out[0], out[1]


def _chambers_distinct(N: np.ndarray, d: int, progress: ProgressHook | None = None) -> np.ndarray:
    """Witnesses (p × d integer array) of the chambers of distinct canonical normals ``N``."""
    m = N.shape[0]
    if m == 0:
        return np.zeros((1, d), dtype=np.int64)
    if d == 1:
        return np.array([[1], [-1]], dtype=np.int64)
    if d == 2:
        return _chambers_2d(N)
    if d == 3 and m >= 2 and progress is None:
        return _chambers_3d(N)
    walk = m >= WALK_FROM
    rng = np.random.default_rng(0x5EED)
    z = np.asarray(rng.integers(1, 2**63, size=m, dtype=np.uint64))  # Zobrist sign weights
    h0 = N[0].reshape(1, d)
    W = _vstack([h0, -h0])  # the chambers of N[:1]
    keys = np.array([z[0], 0], dtype=np.uint64)
    tree = _History(W) if walk else None
    if progress is not None:
        progress(1, m)
    restricted = _restrictions_4d(N) if d == 4 else {}
    for k in range(1, m):
        h = N[k]
        hcol = h.reshape(d, 1)
        prev = N[:k]
        if k in restricted:
            B, T = restricted[k]
        else:
            B = _plane_basis(h)
            Yc = distinct_classes(intmat.matmul(prev, B))[0]
            T = _chambers_distinct(Yc, d - 1)
        Wr = intmat.primitive_rows(intmat.matmul(T, B.T))  # witnesses on H_k
        # (split × k), nonzero by construction; the values only as floats: exact products of
        # 17-digit rows were the largest cost of their enumeration
        Sr, approx = intmat.signs_and_floats(Wr, prev.T)
        hx = intmat.matmul(prev, hcol).ravel()  # x_j · h_k
        plus, minus = split_witnesses(Wr, Sr, approx, hx, h, N[:k + 1])
        if tree is not None:
            tree.split(k, Sr, plus, minus)
            if progress is not None:
                progress(k + 1, m)
            continue
        split_keys = (Sr > 0).astype(np.uint64) @ z[:k]
        # Old chambers that H_k cuts are replaced by the two halves above; a key match is
        # accepted only when the old chamber's exact signs are the restricted chamber's.
        order = np.argsort(split_keys, kind="stable")
        sk = split_keys[order]
        pos = np.searchsorted(sk, keys)
        pos_c = np.minimum(pos, len(sk) - 1)
        hit = sk[pos_c] == keys
        idx_old = np.nonzero(hit)[0]
        if len(idx_old) != len(Sr):
            raise AssertionError("a restricted chamber matched no chamber")  # pragma: no cover
        idx_new = order[pos_c[idx_old]]
        if not np.array_equal(intmat.sign_matmul(W[idx_old], prev.T), Sr[idx_new]):
            raise AssertionError("sign-key collision: refusing to guess")  # pragma: no cover
        keep = ~hit
        Wk = W[keep]
        sk_new = intmat.sign_matmul(Wk, hcol).ravel()
        if (sk_new == 0).any():
            raise AssertionError("an uncut chamber's witness lies on the new hyperplane")
        W = _vstack([Wk, plus, minus])
        zk = z[k]
        keys = np.concatenate([
            keys[keep] + np.where(sk_new > 0, zk, np.uint64(0)).astype(np.uint64),
            split_keys + zk,
            split_keys,
        ])
        if progress is not None:
            progress(k + 1, m)
    return tree.leaves() if tree is not None else W


#: From this many hyperplanes on, cut chambers are found by walking the history of splits
#: (:class:`_History`) instead of matching sign keys against every chamber at every step.
WALK_FROM = 40


class _History:
    """The chambers of the incremental enumeration as the leaves of its history of splits.

    Node 0 is the whole space, split by ``H_0`` into nodes 1 and 2 (witnesses ``±h_0``). When
    ``H_k`` cuts a chamber, that leaf records the step and its two halves. The chamber of
    ``A_{k−1}`` containing a point ``w`` on ``H_k`` (off every earlier hyperplane) is found
    from the root by following, at each split on ``H_j``, the half of ``sign(h_j·w)``: exact
    signs only, and only for the cut chambers, never a pass over all chambers per step.
    """

    def __init__(self, W0: np.ndarray):
        self.step = np.array([0, -1, -1], dtype=np.int64)  # split step of each node (−1: leaf)
        self.plus = np.array([1, -1, -1], dtype=np.int64)
        self.minus = np.array([2, -1, -1], dtype=np.int64)
        self.blocks = [W0]  # witnesses of nodes 1, 2, ...
        self.size = 3

    def _grow(self, extra: int) -> None:
        need = self.size + extra
        if need > len(self.step):
            cap = max(need, 2 * len(self.step))
            for name in ("step", "plus", "minus"):
                old = getattr(self, name)
                new = np.full(cap, -1, dtype=np.int64)
                new[:len(old)] = old
                setattr(self, name, new)

    def split(self, k: int, Sr: np.ndarray, plus: np.ndarray, minus: np.ndarray) -> None:
        """Split, by ``H_k``, the chambers containing the restricted chambers of signs ``Sr``
        (on ``H_0 … H_{k−1}``); their halves get the witnesses ``plus`` / ``minus``."""
        q = len(Sr)
        ids = np.zeros(q, dtype=np.int64)
        for j in range(k):
            sel = np.nonzero(self.step[ids] == j)[0]
            if len(sel):
                at = ids[sel]
                ids[sel] = np.where(Sr[sel, j] > 0, self.plus[at], self.minus[at])
        if (self.step[ids] != -1).any() or len(np.unique(ids)) != q:  # pragma: no cover
            raise AssertionError("a restricted chamber found no chamber of its own")
        self._grow(2 * q)
        new = self.size + np.arange(2 * q)
        self.step[ids] = k
        self.plus[ids] = new[:q]
        self.minus[ids] = new[q:]
        self.step[new] = -1
        self.size += 2 * q
        self.blocks += [plus, minus]

    def leaves(self) -> np.ndarray:
        """The witnesses of the current chambers."""
        W = _vstack(self.blocks)
        return W[np.nonzero(self.step[1:self.size] == -1)[0]]


#: Batches of the 3-D restrictions of one 4-D enumeration hold at most this many plane pairs.
BATCH_PAIRS = 2000


def _restrictions_4d(N: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """For each step k ≥ 1 of the 4-D enumeration of ``N`` whose restriction ``N[:k]`` to
    ``H_k`` has two planes or more: the basis of ``H_k`` and the restricted chambers, the 3-D
    problems solved in batches of at most :data:`BATCH_PAIRS` plane pairs
    (:func:`chambers_3d_batch`)."""
    out: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    pending: list[tuple[int, np.ndarray, np.ndarray]] = []
    pairs = 0

    def flush() -> None:
        Ts = chambers_3d_batch([Yc for _, _, Yc in pending])
        for (k, B, _), T in zip(pending, Ts):
            out[k] = (B, T)
        pending.clear()

    for k in range(1, N.shape[0]):
        B = _plane_basis(N[k])
        Yc = distinct_classes(intmat.matmul(N[:k], B))[0]
        if Yc.shape[0] < 2:
            continue
        if pending and pairs + Yc.shape[0] ** 2 > BATCH_PAIRS:
            flush()
            pairs = 0
        pending.append((k, B, Yc))
        pairs += Yc.shape[0] ** 2
    if pending:
        flush()
    return out


def _scale_rows(W: np.ndarray, M: np.ndarray) -> np.ndarray:
    if W.dtype != object and M.dtype != object:
        bound = intmat.max_abs(W) * intmat.max_abs(M)
        if bound < 2**62:
            return W * M[:, None]
    return intmat.shrink(W.astype(object) * M.astype(object)[:, None])


def _add_row(W: np.ndarray, h: np.ndarray, s: int) -> np.ndarray:
    if W.dtype != object and h.dtype != object:
        if intmat.max_abs(W) + intmat.max_abs(h.reshape(1, -1)) < 2**62:
            return W + s * h[None, :]
    return intmat.shrink(W.astype(object) + s * h.astype(object)[None, :])


def _vstack(parts: list[np.ndarray]) -> np.ndarray:
    if any(p.dtype == object for p in parts):
        return intmat.shrink(np.vstack([p.astype(object) for p in parts]))
    return np.vstack(parts)


def chamber_witnesses(
    rows: Sequence[Sequence[int]] | np.ndarray, d: int, progress: ProgressHook | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Witnesses and class data of the chambers of ``{x_j · u = 0}`` for integer rows.

    Returns ``(W, N, cls, orient)``: ``W`` (p × d) holds one integer interior witness per chamber,
    ``N`` the canonical normals of the distinct hyperplanes, and per input row its class index
    (−1 for a zero row) and orientation (row j is a positive multiple of ``orient[j] · N[cls[j]]``).

    >>> W, N, cls, orient = chamber_witnesses([[1, 1], [-2, -2], [0, 0]], 2)
    >>> len(W), N.tolist(), cls.tolist(), orient.tolist()
    (2, [[1, 1]], [0, 0, -1], [1, -1, 0])
    """
    R = intmat.as_int_array(rows) if len(rows) else np.zeros((0, d), dtype=np.int64)
    if R.shape[0] and R.shape[1] != d:
        raise ValueError(f"rows have {R.shape[1]} columns, expected {d}")
    if d == 0:
        return (np.zeros((1, 0), dtype=np.int64), np.zeros((0, 0), dtype=np.int64),
                np.full(R.shape[0], -1), np.zeros(R.shape[0], dtype=np.int64))
    N, cls, orient = distinct_classes(R.reshape(-1, d))
    W = _chambers_distinct(N, d, progress)
    return W, N, cls, orient


def enumerate_chambers(rows: Sequence[Sequence[int]] | np.ndarray, d: int) -> list[tuple[int, ...]]:
    """One exact integer interior witness per chamber of the central arrangement of ``rows``.

    Zero rows define no hyperplane; parallel and antiparallel rows define one. With no
    hyperplane the only chamber is the whole space, with witness 0.

    >>> len(enumerate_chambers([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], 3))
    14
    >>> enumerate_chambers([], 2)
    [(0, 0)]
    """
    W = chamber_witnesses(rows, d)[0]
    return [tuple(int(v) for v in r) for r in W]
