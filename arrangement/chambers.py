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

import math
from collections.abc import Callable, Sequence

import numpy as np

from arrangement import intmat

ProgressHook = Callable[[int, int], None]

#: Integers below this magnitude are exactly representable as binary64 floats.
FLOAT_EXACT = 2**53


def _signs(A: np.ndarray) -> np.ndarray:
    if A.dtype == object:
        return np.sign(A.astype(object)).astype(np.int8) if A.size else A.astype(np.int8)
    return np.sign(A).astype(np.int8)


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
    m = N.shape[0]
    if m == 1:
        h = N[0]
        return intmat.shrink(np.array([[h[0], h[1]], [-h[0], -h[1]]], dtype=object))
    dirs = [(-int(a), int(b)) for b, a in ((r[0], r[1]) for r in N)]  # direction of line b·u=0
    rays = dirs + [(-x, -y) for x, y in dirs]
    if max(max(abs(x), abs(y)) for x, y in dirs) < FLOAT_EXACT:
        # guarded float path: below 2**53 every coordinate converts to a float exactly (no
        # OverflowError, no rounding to 0); atan2 only proposes the order, checked below
        order = sorted(range(2 * m), key=lambda i: math.atan2(rays[i][1], rays[i][0]))
        sorted_rays = [rays[i] for i in order]
    else:  # 1e400, 1e-400 scaled to integers, 4000-digit entries: compare exactly
        sorted_rays = _exact_angular_sort(rays)

    def cross(a: tuple[int, int], b: tuple[int, int]) -> int:
        return a[0] * b[1] - a[1] * b[0]

    # Floats only proposed the order; it is accepted only if every turn is exactly a left turn
    # of less than π (consecutive cross products > 0) and the turns wind once (angle sum 2π).
    if not all(cross(sorted_rays[i], sorted_rays[(i + 1) % (2 * m)]) > 0 for i in range(2 * m)):
        sorted_rays = _exact_angular_sort(rays)
    W = []
    for i in range(2 * m):
        a, b = sorted_rays[i], sorted_rays[(i + 1) % (2 * m)]
        w = (a[0] + b[0], a[1] + b[1])
        g = math.gcd(*w)
        W.append((w[0] // g, w[1] // g))
    return intmat.as_int_array(W)


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


def _chambers_distinct(N: np.ndarray, d: int, progress: ProgressHook | None = None) -> np.ndarray:
    """Witnesses (p × d integer array) of the chambers of distinct canonical normals ``N``."""
    m = N.shape[0]
    if m == 0:
        return np.zeros((1, d), dtype=np.int64)
    if d == 1:
        return np.array([[1], [-1]], dtype=np.int64)
    if d == 2:
        return _chambers_2d(N)
    W = np.zeros((1, d), dtype=np.int64)
    S = np.zeros((1, 0), dtype=np.int8)  # signs of the chambers on N[:k]
    rng = np.random.default_rng(0x5EED)
    z = rng.integers(1, 2**63, size=m, dtype=np.uint64)  # Zobrist weights for sign keys
    keys = np.zeros(1, dtype=np.uint64)
    for k in range(m):
        h = N[k]
        hcol = h.reshape(d, 1)
        if k == 0:
            Wn = intmat.shrink(np.vstack([hcol.T, -hcol.T]).astype(object))
            W, S = Wn, np.array([[1], [-1]], dtype=np.int8)
            keys = np.array([z[0], 0], dtype=np.uint64)
            continue
        prev = N[:k]
        B = intmat.nullspace_basis(h)
        Y = intmat.matmul(prev, B)
        Yc, ycls, yor = distinct_classes(Y)
        T = _chambers_distinct(Yc, d - 1)
        Wr = intmat.primitive_rows(intmat.matmul(T, B.T))  # witnesses on H_k
        vals = intmat.matmul(Wr, prev.T)  # (split × k), nonzero by construction
        Sr = _signs(vals)
        hx = intmat.matmul(prev, hcol).ravel()  # x_j · h_k
        # M per split chamber: smallest integer with M|x_j·w| > |x_j·h| for all j < k.
        absv = np.abs(vals.astype(object)) if vals.dtype == object else np.abs(vals)
        absh = np.abs(hx.astype(object)) if hx.dtype == object else np.abs(hx)
        M = (absh[None, :] // absv).max(axis=1) + 1
        Mw = _scale_rows(Wr, M)
        plus = intmat.primitive_rows(_add_row(Mw, h, +1))
        minus = intmat.primitive_rows(_add_row(Mw, h, -1))
        split_keys = (Sr > 0).astype(np.uint64) @ z[:k] if k else np.zeros(len(Sr), np.uint64)
        # Old chambers that H_k cuts are replaced by the two halves above.
        order = np.argsort(split_keys, kind="stable")
        sk = split_keys[order]
        pos = np.searchsorted(sk, keys)
        pos_c = np.minimum(pos, len(sk) - 1)
        hit = sk[pos_c] == keys
        if hit.any():
            idx_old = np.nonzero(hit)[0]
            idx_new = order[pos_c[idx_old]]
            if not np.array_equal(S[idx_old], Sr[idx_new]):
                raise AssertionError("sign-key collision: refusing to guess")  # pragma: no cover
        if int(hit.sum()) != len(Sr):
            raise AssertionError("a restricted chamber matched no chamber")  # pragma: no cover
        keep = ~hit
        Wk = W[keep]
        sk_new = _signs(intmat.matmul(Wk, hcol)).ravel()
        if (sk_new == 0).any():
            raise AssertionError("an uncut chamber's witness lies on the new hyperplane")
        W = _vstack([Wk, plus, minus])
        S = np.vstack([
            np.hstack([S[keep], sk_new.reshape(-1, 1)]),
            np.hstack([Sr, np.ones((len(Sr), 1), dtype=np.int8)]),
            np.hstack([Sr, -np.ones((len(Sr), 1), dtype=np.int8)]),
        ])
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
