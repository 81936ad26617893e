"""Exact enumeration of the chambers of a central hyperplane arrangement.

Algorithm (deletion–restriction, docs/MATH.md §3; no linear program is solved): hyperplanes are
added one at a time. When ``H_k`` is added, the chambers of ``A_{k−1}`` that it cuts are exactly
the chambers of the restriction ``A_{k−1}^{H_k}`` (an arrangement of dimension d − 1, enumerated
recursively in integer coordinates of ``H_k``). A restricted chamber with integer witness ``w``
(lying on ``H_k`` and off every earlier hyperplane) yields the two new chambers with witnesses
``M w ± h_k``, where the integer ``M`` is large enough that no earlier sign changes:
``M |x_j·w| > |x_j·h_k|`` for all earlier ``j``. Every other chamber keeps its witness and gets the
sign ``sign(h_k·u)``, which is nonzero precisely because the chamber was not cut. In dimension 2
the chambers are the sectors between consecutive rays, found by an angular sort that is checked
exactly.

All witnesses are integer vectors; all signs come from exact integer products
(:mod:`arrangement.intmat`). The work is ``O(d · Σ_k #chambers(A_k))`` sign evaluations, done as
matrix products.

References: T. Zaslavsky, *Facing up to arrangements*, Mem. AMS 154 (1975); R. P. Stanley,
*An introduction to hyperplane arrangements*, Lect. 1 (deletion–restriction).

>>> sorted(enumerate_chambers([[1, 0], [0, 1]], 2))
[(-1, -1), (-1, 1), (1, -1), (1, 1)]
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from arrangement import intmat

ProgressHook = Callable[[int, int], None]

def _signs(A: np.ndarray) -> np.ndarray:
    return intmat.sign_int8(A)


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


def sectors_2d(Y: np.ndarray, gid: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Sector witnesses of many line arrangements of R² at once.

    Row ``t`` of ``Y`` is the normal of a line of problem ``gid[t]``; within a problem the
    normals are distinct canonical rows (:func:`distinct_classes`). Returns ``(T, g)``: one
    primitive integer witness per sector, and the problem it belongs to.

    Floats only propose the angular order of the rays (``arctan2``); it is accepted for a
    problem only if it is the exact one: the rays are grouped by exact half-plane, and each
    turn from one ray to the next is exactly a left turn of less than π (cross product > 0,
    :func:`arrangement.intmat.sign_rowdot`). A problem that fails is sorted exactly.

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
        R = np.concatenate([D, -D])
        g = np.concatenate([gm, gm])
        half = _half(R)
        Rf = intmat.float_directions(R)
        ang = np.arctan2(Rf[:, 1], Rf[:, 0])
        order = np.lexsort((ang, half, g))
        R, g = R[order], g[order]
        # the next ray of each ray within its problem, cyclically
        n = len(g)
        start = np.r_[0, np.nonzero(g[1:] != g[:-1])[0] + 1]
        last = np.r_[start[1:] - 1, n - 1]
        nxt = np.arange(1, n + 1)
        nxt[last] = start
        Rn = R[nxt]
        ok = intmat.sign_rowdot(R, np.stack([Rn[:, 1], -Rn[:, 0]], axis=1)) > 0
        if not ok.all():  # float misordered some problem: sort those exactly
            bad = np.unique(g[~ok])
            for b in bad.tolist():
                idx = np.nonzero(g == b)[0]
                rays = [(int(x), int(y)) for x, y in R[idx]]
                sr = _exact_angular_sort(rays)
                R[idx] = np.array(sr, dtype=R.dtype)
                Rn[idx] = np.roll(R[idx], -1, axis=0)
        parts_T.append(R + Rn)
        parts_g.append(g)
    T = _vstack(parts_T)
    return intmat.primitive_rows(T), np.concatenate(parts_g)


def _exact_angular_sort(rays: list[tuple[int, int]]) -> list[tuple[int, int]]:
    from functools import cmp_to_key

    def half(r: tuple[int, int]) -> int:
        return 0 if (r[1] > 0 or (r[1] == 0 and r[0] > 0)) else 1

    def cmp(a: tuple[int, int], b: tuple[int, int]) -> int:
        ha, hb = half(a), half(b)
        if ha != hb:
            return ha - hb
        c = a[0] * b[1] - a[1] * b[0]
        return -1 if c > 0 else (1 if c < 0 else 0)

    return sorted(rays, key=cmp_to_key(cmp))


def _chambers_3d(N: np.ndarray) -> np.ndarray:
    """Witnesses of the chambers of m ≥ 2 distinct planes through the origin of R³, at once.

    Every chamber has a facet, and the facets on ``H_k`` are the sectors of the lines
    ``H_j ∩ H_k`` in ``H_k`` (the restriction to ``H_k`` of *all* the other planes). A sector
    witness ``w`` lies on ``H_k`` and off every other plane, so ``M w ± h_k`` with
    ``M |h_j·w| > |h_j·h_k|`` (j ≠ k) are witnesses of the two chambers on either side of that
    facet. All sectors of all planes are found in one batch (:func:`sectors_2d`); the distinct
    sign vectors among the ``2 Σ_k #sectors_k`` candidates are exactly the chambers.
    """
    m = N.shape[0]
    Bs = [intmat.nullspace_basis(h) for h in N]  # 3 × 2 integer bases of the planes
    Bobj = any(B.dtype == object for B in Bs)
    Bst = np.stack([B.astype(object) if Bobj else B for B in Bs])  # m × 3 × 2
    # restricted normals y_kj = B_kᵀ h_j (row k·m + j), as two exact products
    BT = np.concatenate([Bst[:, :, 0], Bst[:, :, 1]]).T  # 3 × 2m
    P = intmat.matmul(N, intmat.shrink(BT) if BT.dtype == object else BT)  # m × 2m: h_j · b
    Y = np.stack([P[:, :m].T, P[:, m:].T], axis=2).reshape(m * m, 2)  # row k·m + j
    k_of = np.repeat(np.arange(m), m)
    j_of = np.tile(np.arange(m), m)
    off = k_of != j_of
    Y, k_of = Y[off], k_of[off]
    C, _ = intmat.canonical_rows(Y)
    keep = _first_of_each(C, k_of)  # H_j ∩ H_k may repeat within one plane
    T, g = sectors_2d(C[keep], k_of[keep])
    Bg = Bst[g]  # q × 3 × 2
    if Bg.dtype == object or T.dtype == object or (
            intmat.max_abs(T) * max(intmat.max_abs(B) for B in Bs) * 2 >= 2**62):
        Wf = Bg.astype(object)[:, :, 0] * T.astype(object)[:, :1] + \
            Bg.astype(object)[:, :, 1] * T.astype(object)[:, 1:]
        w = intmat.primitive_rows(intmat.shrink(Wf))
    else:
        w = intmat.primitive_rows(Bg[:, :, 0] * T[:, :1] + Bg[:, :, 1] * T[:, 1:])
    hh = np.abs(intmat.matmul(N, N.T))[g]  # |h_j · h_g|
    # q × m, zero exactly at column g (w lies on H_g). Only signs and M matter: where every
    # |h_j·h_g| < 2^60, values of magnitude ≥ 2^60 (clipped) give the quotient 0 all the same.
    if intmat.max_abs(hh) < intmat.CLIP // 2:
        vals = intmat.clipped_matmul(w, N.T)
    else:
        vals = intmat.matmul(w, N.T)
    q = len(g)
    rows = np.arange(q)
    absv = np.abs(vals)
    if (absv == 0).sum() != q or (absv[rows, g] != 0).any():
        raise AssertionError("a sector witness lies on a second plane")  # pragma: no cover
    absv[rows, g] = 1
    hh[rows, g] = 0
    M = (hh // absv).max(axis=1) + 1
    Mw = _scale_rows(w, M)
    Hg = N[g]
    cand = _vstack([_add_rows(Mw, Hg, +1), _add_rows(Mw, Hg, -1)])
    Sv = intmat.sign_int8(vals)
    Sp, Sm = Sv.copy(), Sv.copy()
    Sp[rows, g], Sm[rows, g] = 1, -1
    S = np.concatenate([Sp, Sm])
    # among candidates with one sign vector keep the smallest witness
    size = intmat.row_max_abs(cand)
    if size.dtype == object:
        size = np.array([int(v).bit_length() for v in size], dtype=np.int64)
    order = np.argsort(size, kind="stable")
    key = np.packbits(S[order] > 0, axis=1)
    _, first = np.unique(np.ascontiguousarray(key).view(
        np.dtype((np.void, key.shape[1]))).ravel(), return_index=True)
    return intmat.primitive_rows(cand[order[first]])


def _first_of_each(C: np.ndarray, gid: np.ndarray) -> np.ndarray:
    """Indices of the first occurrence of each distinct (gid, row) pair, in input order."""
    if C.dtype != object:
        _, idx = np.unique(np.column_stack([gid, C]), axis=0, return_index=True)
        return np.sort(idx)
    seen: set[tuple[int, ...]] = set()
    out = []
    for t, (g, r) in enumerate(zip(gid.tolist(), C.tolist())):
        key = (g, *r)
        if key not in seen:
            seen.add(key)
            out.append(t)
    return np.array(out, dtype=np.int64)


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


def split_witnesses(W: np.ndarray, vals: np.ndarray, hx: np.ndarray, h: np.ndarray,
                    N: np.ndarray, bits: int = 20) -> tuple[np.ndarray, np.ndarray]:
    """Witnesses of the two chambers on either side of ``H = {h·u = 0}`` at each point of ``W``.

    Row ``r`` of ``W`` lies on ``H`` and off the earlier hyperplanes ``N[:-1]`` (``N[-1] = h``);
    ``vals = W N[:-1]ᵀ`` and ``hx = N[:-1] h`` are exact. The points ``M w ± h`` with
    ``M |x_j·w| > |x_j·h|`` are exact witnesses (docs/MATH.md §3), but grow by the bits of M.
    Here the same points are proposed in floats, with M doubled for a margin, scaled to about
    ``bits`` bits and rounded; a proposal is kept only if its exact signs on ``N`` are those of
    its chamber (``sign(vals)`` and ±1 on ``h``). The others are retried at 1.5× and 2.25× the
    bits, and any still failing get the exact ``M w ± h``.

    >>> N = intmat.as_int_array([[1, 0], [0, 1]])
    >>> W = intmat.as_int_array([[5, 0], [-3, 0]])
    >>> P, Q = split_witnesses(W, W @ N[:1].T, N[:1] @ N[1], N[1], N)
    >>> intmat.sign_matmul(P, N.T).tolist(), intmat.sign_matmul(Q, N.T).tolist()
    ([[1, 1], [-1, 1]], [[1, -1], [-1, -1]])
    """
    p = W.shape[0]
    S = intmat.sign_int8(vals)
    out = [np.zeros((p, W.shape[1]), dtype=np.int64), np.zeros((p, W.shape[1]), dtype=np.int64)]
    todo = [np.arange(p), np.arange(p)]
    if max(intmat.max_abs(vals), intmat.max_abs(W)).bit_length() < 900 and p:
        Wf = intmat.to_float(W)
        wmax = np.abs(Wf).max(axis=1, keepdims=True)
        ratio = np.abs(intmat.to_float(hx))[None, :] / np.abs(intmat.to_float(vals))
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
        absv = np.abs(vals[rest].astype(object)) if vals.dtype == object else np.abs(vals[rest])
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
        return reduce_witnesses(_chambers_3d(N), N)
    rng = np.random.default_rng(0x5EED)
    z = rng.integers(1, 2**63, size=m, dtype=np.uint64)  # Zobrist weights for sign keys
    h0 = N[0].reshape(1, d)
    W = _vstack([h0, -h0])  # the chambers of N[:1]
    keys = np.array([z[0], 0], dtype=np.uint64)
    if progress is not None:
        progress(1, m)
    for k in range(1, m):
        h = N[k]
        hcol = h.reshape(d, 1)
        prev = N[:k]
        B = intmat.nullspace_basis(h)
        Y = intmat.matmul(prev, B)
        Yc, ycls, yor = distinct_classes(Y)
        T = _chambers_distinct(Yc, d - 1)
        Wr = intmat.primitive_rows(intmat.matmul(T, B.T))  # witnesses on H_k
        vals = intmat.matmul(Wr, prev.T)  # (split × k), nonzero by construction
        Sr = _signs(vals)
        hx = intmat.matmul(prev, hcol).ravel()  # x_j · h_k
        plus, minus = split_witnesses(Wr, vals, hx, h, N[:k + 1])
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
    return W


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
