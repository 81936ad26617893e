"""The completeness certificate of a chamber list (docs/MATH.md §7), checkable by
``exact/verify.py``; the format is specified in docs/certificates.md §5.

A list of chambers is *complete* when every chamber of the arrangement of ``X`` is in it. The
certificate lets a small standard-library checker prove that without enumerating anything. For
each chamber it holds only what the checker cannot recompute cheaply:

- an integer interior ``witness`` (the sign vector is recomputed from it);
- the ``facets``: the parallel classes whose flip is again a chamber, in the verifier's class
  numbering (classes sorted by their first row);
- ``farkas``: for every other class k, the evidence that the class is implied by the facets, so
  that the closed cone is exactly the facet cone (homogeneous Farkas lemma): either ``−S``, the
  bitmask S of d facets spanning a simplicial subcone that holds ``σ_k N_k`` (the verifier
  recomputes the multipliers by Cramer's rule and checks their signs), or integers ``D > 0`` and
  ``μ ≥ 0`` (one per facet) with ``D σ_k N_k = Σ_f μ_f σ_f N_f`` exactly.

Closure under crossing facets then proves completeness (docs/certificates.md §5).

How the subcones are found (Carathéodory): for the chambers with the same number of facets, in
blocks, d-subsets of the facets are tried in a fixed order; a subset holds a class when the exact
signs of its Cramer multipliers are nonnegative. Those signs come from one integer adjugate per
set of d classes, computed once for all chambers (a chamber's signs only flip columns) and
confirmed in int64 (bounded entries), or, for larger entries (real decimals, 17-digit floats),
computed in floats with a rigorous error bound and exactly in Python integers wherever that
bound leaves a sign open (:func:`filtered_subcone_table`); per chunk of subsets each class
takes the subcone that holds most classes. What that misses gets explicit multipliers: a
numeric NNLS guess solved exactly on its support with integer elimination, and pycddlib's exact
LP (``cdd.gmp``) as the last resort.

>>> from arrangement.core import Arrangement
>>> cert = completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]))
>>> cert["claims"], len(cert["chambers"])
({'chambers': 6, 'n': 3, 'd': 2}, 6)
>>> cert["chambers"][0]      # witness, facet classes, class 2 in the subcone of facets 0, 1
[[1, 1], [0, 1], [-3]]
>>> completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]), subcones=False)["chambers"][0]
[[1, 1], [0, 1], [1, 1, 1]]
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Sequence
from fractions import Fraction

import numpy as np

from arrangement import intmat
from arrangement.core import Arrangement
from arrangement.counts import batch_det
from arrangement.errors import InputError
from arrangement.exactla import independent_subset, integer_solve
from arrangement.rational import format_fraction

__all__ = ["BLOCK", "FORMAT", "completeness_certificate", "completeness_parts",
           "farkas_multipliers", "filtered_subcone_table", "int64_subcone_table",
           "json_row_texts", "small_int_row_texts", "write_certificate"]

#: The format tag every relucvx certificate carries (ARCHITECTURE.md, "Certificates").
FORMAT = "relucvx-certificate/3"


def _dot(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(x * y for x, y in zip(a, b))


def _solve_on_support(A: Sequence[Sequence[int]], support: list[int],
                      b: Sequence[int]) -> tuple[list[int], int] | None:
    """Exact μ ≥ 0 over ``support`` with ``Σ μ_t A[t] = b`` as integers ``(nums, D)``, μ = nums/D.

    The d × t system ``A_Sᵀ μ = b`` by fraction-free elimination
    (:func:`arrangement.exactla.integer_solve`: the identity is re-checked on all d coordinates).
    None when the support is dependent, ``b`` is outside its span, or μ has a negative entry.
    """
    found = integer_solve([[A[s][i] for s in support] for i in range(len(b))], b)
    if found is None or any(v < 0 for v in found[0]):
        return None
    return found


def _lp_multipliers(A: Sequence[Sequence[int]], b: Sequence[int]) -> list[Fraction] | None:
    """Exact μ ≥ 0 with ``Σ μ_t A[t] = b`` by cddlib's exact LP, or None if there is none."""
    import cdd
    import cdd.gmp

    from arrangement.quiet import cdd_quiet

    f, d = len(A), len(b)
    rows = [[0] + [int(s == t) for s in range(f)] for t in range(f)]  # μ_t ≥ 0
    rows += [[-b[i]] + [A[t][i] for t in range(f)] for i in range(d)]  # Σ μ_t A[t][i] = b_i
    mat = cdd.gmp.matrix_from_array(
        rows, lin_set=set(range(f, f + d)), rep_type=cdd.RepType.INEQUALITY,
        obj_type=cdd.LPObjType.MIN, obj_func=[0] + [1] * f)
    lp = cdd.gmp.linprog_from_matrix(mat)
    with cdd_quiet():  # cddlib's float pre-solve may print its pivot-cap line (quiet.py)
        cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL:
        return None
    mu = [Fraction(v) for v in lp.primal_solution]
    ok = all(v >= 0 for v in mu) and all(
        sum(mu[t] * A[t][i] for t in range(f)) == b[i] for i in range(d))
    return mu if ok else None


class _Cone:
    """The facet normals ``A`` of one chamber, ready for many Farkas solves ``Σ μ_t A[t] = b``."""

    def __init__(self, A: Sequence[Sequence[int]]):
        self.A = [tuple(int(v) for v in a) for a in A]
        if self.A:
            M = intmat.float_rows(self.A)  # guarded: no OverflowError on huge rows
            norms = np.linalg.norm(M, axis=1)
            norms[norms == 0] = 1.0
            # columns scaled to unit length, so the support threshold below is scale-free
            self.M = (M / norms[:, None]).T

    def solve(self, b: Sequence[int]) -> tuple[list[int], int] | None:
        """``(nums, D)`` with ``D > 0``, ``nums ≥ 0`` and ``Σ nums_t A[t] = D b``, or None."""
        f = len(self.A)
        if not any(b):
            return [0] * f, 1
        if f == 0:
            return None
        from arrangement.scipy_direct import nnls

        bb = intmat.float_rows([b])[0]
        try:
            mu, _res = nnls(self.M, bb / (float(np.linalg.norm(bb)) or 1.0))
        except RuntimeError:  # NNLS iteration limit: let the exact LP decide
            mu = None
        if mu is not None:
            order = [int(t) for t in np.argsort(-mu) if mu[t] > 1e-9]
            # NNLS's passive set is almost always independent: try it as is, thin it if not
            found = _solve_on_support(self.A, order, b) if order else None
            if found is None and order:
                support = independent_subset(self.A, order)
                if len(support) < len(order):
                    order = support
                    found = _solve_on_support(self.A, order, b)
            if found is not None:
                nums = [0] * f
                for t, v in zip(order, found[0]):
                    nums[t] = v
                return nums, found[1]
        mu = _lp_multipliers(self.A, b)
        if mu is None:
            return None
        D = math.lcm(*(v.denominator for v in mu))
        return [int(v * D) for v in mu], D


def farkas_multipliers(A: Sequence[Sequence[int]], b: Sequence[int]) -> list[Fraction] | None:
    """Exact ``μ ≥ 0`` with ``Σ_t μ_t A[t] = b`` (b in the cone spanned by the rows of A), or None.

    Numeric NNLS guess, exact solve on a linearly independent part of its support, exact LP
    (cdd.gmp) as the fallback; the answer is always checked exactly.

    >>> farkas_multipliers([[1, 0], [0, 1], [1, -1]], [2, 3])
    [Fraction(2, 1), Fraction(3, 1), Fraction(0, 1)]
    >>> farkas_multipliers([[1, 0], [0, 1]], [-1, 0]) is None
    True
    """
    found = _Cone(A).solve(b)
    return None if found is None else [Fraction(v, found[1]) for v in found[0]]


def _class_normals(arr: Arrangement) -> tuple[list[int], list[tuple[int, ...]], list[int]]:
    """The verifier's numbering of the classes (docs/certificates.md §5): ``order[c]`` is the
    index in ``arr.classes`` of class c (classes sorted by their first row), ``N[c]`` its normal
    (the first row scaled by the lcm of its denominators) and ``orient[c]`` the sign with
    ``N[c] = positive · orient[c] · arr.classes[order[c]].normal``."""
    order = sorted(range(len(arr.classes)), key=lambda k: min(arr.classes[k].rows))
    N, orient = [], []
    for k in order:
        r = min(arr.classes[k].rows)
        L = math.lcm(*(v.denominator for v in arr.X[r]))
        N.append(tuple(int(v * L) for v in arr.X[r]))
        orient.append(int(arr.row_orientation[r]))
    return order, N, orient


_SUBSETS: dict[tuple[int, int], np.ndarray] = {}


def _subsets(f: int, d: int) -> np.ndarray:
    """All d-subsets of range(f) as an (S, d) array, in a fixed shuffled order (cached)."""
    key = (f, d)
    if key not in _SUBSETS:
        subs = np.array(list(itertools.combinations(range(f), d)), dtype=np.int64)
        # a fixed shuffle: lexicographic order tries subcones of the first facets for too long
        _SUBSETS[key] = np.random.default_rng(0).permutation(subs.reshape(-1, d))
    return _SUBSETS[key]


def int64_subcone_table(N: np.ndarray, keys: np.ndarray, d: int, dtype: type
                   ) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``keys`` (d class indices, increasing: the columns of ``M = [N_c]``):
    ``|det M|`` when M is nonsingular with its integer adjugate confirmed (``M adj = det · I``
    checked exactly in int64), else 0; and for every class c one integer of bitmasks over the
    d columns: bit t for a negative and bit ``d + t`` for a nonzero entry t of
    ``sign(det) adj · N_c`` (exact: the Cramer multipliers of ``N_c`` in the unsigned subcone,
    up to the positive factor ``|det|``).

    Returned as ``det`` (U,) int64 and ``masks`` (U, m) of ``dtype``. The caller bounds the
    entries so that nothing overflows int64 (larger ones: :func:`filtered_subcone_table`).

    >>> N = np.array([[1, 0], [0, 1], [1, 1], [1, -1]])
    >>> det, masks = int64_subcone_table(N, np.array([[0, 1]]), 2, np.uint8)
    >>> det.tolist(), masks[0].tolist()  # class 3 = e0 − e1: multiplier 1 negative (bit 1)
    ([1], [4, 8, 12, 14])
    """
    M = np.swapaxes(N[keys], 1, 2)                           # (U, d, d): columns N_c
    Mf = M.astype(np.float64)
    det = np.linalg.det(Mf)
    good = np.abs(det) > 0.5
    inv = np.linalg.inv(np.where(good[:, None, None], Mf, np.eye(d)))
    detq = np.rint(det).astype(np.int64)
    # the adjugate's entries are (d−1)-minors: |adj| ≤ (d−1)!·max|N|^(d−1); anything larger is
    # a float failure, refused before the int64 products (which then cannot overflow)
    adjmax = float(math.factorial(d - 1) * max(int(np.abs(N).max(initial=0)), 1) ** (d - 1))
    adjf = np.rint(inv * det[:, None, None])
    good &= (np.abs(adjf) <= adjmax).all(axis=(1, 2))
    adj = np.where(good[:, None, None], adjf, 0).astype(np.int64)
    good &= (M @ adj == detq[:, None, None] * np.eye(d, dtype=np.int64)).all(axis=(1, 2))
    adj *= np.where(detq < 0, -1, 1).astype(np.int64)[:, None, None]
    Z = adj @ N.T                                            # (U, d, m): exact multipliers
    # the bits of one multiplier row at a time, in the masks' own small dtype (int64 sums
    # over (U, d, m) temporaries were most of this table's time)
    masks = np.zeros((Z.shape[0], Z.shape[2]), dtype=dtype)
    for t in range(d):
        zt = Z[:, t, :]
        masks |= (zt < 0).view(np.uint8).astype(dtype) << dtype(t)
        masks |= (zt != 0).view(np.uint8).astype(dtype) << dtype(d + t)
    return np.where(good, np.abs(detq), 0), masks


#: unit roundoff of float64
_U = 2.0**-53
#: the largest entry of the class normals that :func:`filtered_subcone_table` takes (its float
#: products of d entries stay far from overflow up to d = 6)
FILTER_MAX = 2.0**120
#: the largest d of :func:`filtered_subcone_table`: its permutation expansion of the minors
#: has (d − 1)! terms (120 at d = 6; at d = 8 a block of sets would need 0.6 GB); beyond, the
#: exact solver per class
FILTER_MAX_D = 6
#: sets of classes per call of the filtered table's float part
FILTER_CHUNK = 2048
#: the float error bounds of :func:`filtered_subcone_table` are taken this many times over
FILTER_SAFETY = 2.0


def _expansion(k: int) -> tuple[np.ndarray, np.ndarray]:
    """The permutations of range(k) as a (k!, k) array and their signs (±1.0)."""
    perms = np.array(list(itertools.permutations(range(k))), dtype=np.int64).reshape(-1, k)
    inv = np.array([sum(1 for a in range(k) for b in range(a + 1, k) if p[a] > p[b])
                    for p in perms.tolist()], dtype=np.int64)
    return perms, np.where(inv % 2 == 0, 1.0, -1.0)


def _float_cofactors(M: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float cofactors ``C[u, j, t] = (−1)^(j+t) det(M[u] without row j and column t)`` of a
    stack of d × d float matrices, by the permutation expansion of each minor, and a bound
    ``E ≥ |C − C*|`` on their error against the cofactors C* of the integer matrices that M's
    entries are the correctly rounded values of: a minor of order k is a sum of k! products of
    k entries, each entry off by at most u relatively and each product and sum adding at most
    u, so ``|C − C*| ≤ γ_n · perm(|minor|)`` with ``n = 2k + k!`` (Higham, Accuracy and
    Stability of Numerical Algorithms, §3.1), taken twice over (``γ_n = nu/(1 − nu)``)."""
    U, d, _ = M.shape
    k = d - 1
    if k == 0:
        return np.ones((U, 1, 1)), np.zeros((U, 1, 1))
    perms, sg = _expansion(k)
    C = np.empty((U, d, d))
    P = np.empty((U, d, d))
    for j in range(d):
        rows = np.array([a for a in range(d) if a != j])
        for t in range(d):
            cols = np.array([b for b in range(d) if b != t])
            sub = M[:, rows][:, :, cols]                       # (U, k, k)
            terms = sub[:, np.arange(k)[None, :], perms].prod(axis=2)   # (U, k!)
            C[:, j, t] = (-1.0) ** (j + t) * (terms @ sg)
            P[:, j, t] = np.abs(terms).sum(axis=1)
    n = 2 * k + len(perms) + 2
    return C, 2.0 * (n * _U / (1 - n * _U)) * P


def filtered_subcone_table(N: np.ndarray, keys: np.ndarray, d: int, dtype: type
                           ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`int64_subcone_table` for class normals of any size (``N``: (m, d) Python integers,
    ``|N| ≤`` :data:`FILTER_MAX`): the same masks, and ``det`` 1 for a nonsingular set, else 0
    (only its sign is read).

    The Cramer numerators ``Z[t, c] = Σ_j C[j, t] N_c[j]`` (C the cofactors of ``M = [N_c]``)
    are computed in floats with a rigorous error bound (:func:`_float_cofactors`, then the
    d products and sums of Z); where ``|Z| ≤`` bound the sign is not decided by the floats and
    that set's numerators are computed exactly in Python integers. So every sign is exact,
    as in the int64 table; the int64 table needs ``d!·max|N|^(d+1)·d² < 2^50``, which real
    decimals (4 digits: |N| ≈ 10^4) or 17-digit floats never meet.

    >>> N = np.array([[10**9, 1], [1, 10**9], [1, 1]], dtype=object)
    >>> det, masks = filtered_subcone_table(N, np.array([[0, 1]]), 2, np.uint8)
    >>> det.tolist(), [int(x) for x in masks[0]]  # bits 0-1 negative, 2-3 nonzero multipliers
    ([1], [4, 8, 12])
    """
    keys = np.asarray(keys, dtype=np.int64).reshape(-1, d)
    U, m = len(keys), N.shape[0]
    if U > FILTER_CHUNK:  # bounded temporaries ((U, k!, k) per minor: 77 MB at 16k sets, d = 6)
        parts = [filtered_subcone_table(N, keys[a:a + FILTER_CHUNK], d, dtype)
                 for a in range(0, U, FILTER_CHUNK)]
        return (np.concatenate([q[0] for q in parts]),
                np.concatenate([q[1] for q in parts]))
    Nf = np.array([[float(v) for v in row] for row in N.tolist()], dtype=float).reshape(m, d)
    M = np.swapaxes(Nf[keys], 1, 2)                              # (U, d, d): columns N_c
    C, E = _float_cofactors(M)
    aN = np.abs(Nf)
    g = (d + 3) * _U / (1 - (d + 3) * _U)
    # Z = Cᵀ N (U, d, m) and its bound: the cofactors' own error, then the rounding of N and of
    # the d products and sums
    # (one BLAS product each: einsum's loop over these three was a quarter of the writing of a
    # 17-digit (40, 4) certificate; the error bound holds in any order of summation)
    Z = np.tensordot(C, Nf, axes=([1], [1]))
    EZ = FILTER_SAFETY * (np.tensordot(E, aN, axes=([1], [1])) * (1 + g)
                + g * np.tensordot(np.abs(C), aN, axes=([1], [1]))) + 1e-300
    det = np.einsum("uj,uj->u", M[:, :, 0], C[:, :, 0])
    Edet = FILTER_SAFETY * (np.einsum("uj,uj->u", np.abs(M[:, :, 0]), E[:, :, 0]) * (1 + g)
                  + g * np.einsum("uj,uj->u", np.abs(M[:, :, 0]), np.abs(C[:, :, 0]))) + 1e-300
    sdet = np.where(det > Edet, 1, np.where(det < -Edet, -1, 0)).astype(np.int64)
    sz = np.where(Z > EZ, 1, np.where(Z < -EZ, -1, 0)).astype(np.int64)
    # a class of the set itself: Z = det·e_t exactly (the caller drops those classes anyway)
    unsure = np.abs(Z) <= EZ
    for t2 in range(d):
        unsure[np.arange(U), :, keys[:, t2]] = False
    # the sets the floats leave open, exactly (Python integers, arrangement.counts.batch_det)
    ex = np.flatnonzero(unsure.any(axis=(1, 2)) | (sdet == 0))
    if len(ex):
        Mx = np.swapaxes(N[keys[ex]], 1, 2)                      # (U', d, d) objects
        sdet[ex] = intmat.sign_int8(batch_det(Mx).reshape(-1, 1))[:, 0]
        Zx = np.matmul(np.swapaxes(_exact_cofactors(Mx), 1, 2), N.T)  # (U', d, m)
        sz[ex] = np.where(unsure[ex], intmat.sign_int8(Zx.reshape(len(ex), -1)).reshape(
            Zx.shape), sz[ex])
    at = np.arange(U)
    for t in range(d):
        for t2 in range(d):
            sz[at, t, keys[:, t2]] = sdet if t == t2 else 0
    good = sdet != 0
    sz = sz * np.where(sdet < 0, -1, 1)[:, None, None]           # sign(det)·adj·N_c
    masks: np.ndarray = np.zeros((U, m), dtype=dtype)
    for t in range(d):
        zt = sz[:, t, :]
        masks |= (zt < 0).view(np.uint8).astype(dtype) << dtype(t)
        masks |= (zt != 0).view(np.uint8).astype(dtype) << dtype(d + t)
    return good.astype(np.int64), masks


def _exact_cofactors(M: np.ndarray) -> np.ndarray:
    """The cofactors ``C[u, j, t] = (−1)^(j+t) det(M[u] without row j and column t)`` of a
    stack of integer matrices (Python integers, exact: :func:`arrangement.counts.batch_det`)."""
    U, d, _ = M.shape
    C = np.empty((U, d, d), dtype=object)
    if d == 1:
        C[:] = 1
        return C
    for j in range(d):
        rows = [a for a in range(d) if a != j]
        for t in range(d):
            cols = [b for b in range(d) if b != t]
            C[:, j, t] = (-1) ** (j + t) * batch_det(M[:, rows][:, :, cols])
    return C

#: the most sets of d classes (C(m, d)) for which _SubconeCache keeps a dense slot table
#: (int32, 4 bytes each): (40, 5) has 658,008, (100, 4) 3,921,225
DENSE_SETS = 1 << 24


class _SubconeCache:
    """The :func:`int64_subcone_table` entries of every set of d classes met so far, found by an
    int64 key (the classes in base m): neighbouring chambers share most facet sets, so each
    inverse is computed once (measured on (40, 5): 2.3M subsets tried, 277k distinct). Up to
    :data:`DENSE_SETS` sets the key is the set's rank in the combinatorial number system
    (``Σ_t C(c_t, t + 1)`` for increasing ``c_t``) into a dense table of slots: a lookup is one
    gather (the sorted keys' searches and insertions were half of the subcone search)."""

    def __init__(self, N: np.ndarray, d: int):
        self.N, self.d = N, d
        m = N.shape[0]
        self.dtype = np.uint8 if 2 * d <= 8 else np.uint16 if 2 * d <= 16 else np.uint32 \
            if 2 * d <= 32 else np.uint64
        self.dense: np.ndarray | None = None
        if math.comb(m, d) <= DENSE_SETS:
            # binom[c, t] = C(c, t + 1): the rank of an increasing row is a sum of d gathers
            self.binom = np.array([[math.comb(c, t + 1) for t in range(d)] for c in range(m)],
                                  dtype=np.int64).reshape(m, d)
            self.dense = np.full(math.comb(m, d), -1, dtype=np.int32)
        # one int64 key per set of classes when m^d fits, else no cache (unique rows per call)
        self.pw = np.int64(m) ** np.arange(d, dtype=np.int64) if m ** d < 2**62 else None
        self.keys = np.zeros(0, dtype=np.int64)      # sorted
        self.slots = np.zeros(0, dtype=np.int64)     # table row of each sorted key
        self.det = np.zeros(0, dtype=np.int64)
        self.masks = np.zeros((0, m), dtype=self.dtype)
        self.size = 0

    def table(self, keys: np.ndarray, d: int, dtype: type) -> tuple[np.ndarray, np.ndarray]:
        """The subcone table of the sets ``keys``: in int64 (:func:`int64_subcone_table`), or, for
        normals too large for it (an object array of Python integers), by
        :func:`filtered_subcone_table`."""
        if self.N.dtype == object:
            return filtered_subcone_table(self.N, keys, d, dtype)
        return int64_subcone_table(self.N, keys, d, dtype)

    def lookup(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """``(det, masks, idx)``: the table and the row of it for each row of ``rows`` (K, d)."""
        if self.dense is not None:
            return self._dense_lookup(rows)
        if self.pw is None:
            keys, inverse = np.unique(rows, axis=0, return_inverse=True)
            det, masks = self.table(keys, self.d, self.dtype)
            return det, masks, inverse.reshape(-1)
        uniq, first, inverse = np.unique(rows @ self.pw, return_index=True, return_inverse=True)
        pos = np.searchsorted(self.keys, uniq)
        found = pos < len(self.keys)
        found[found] = self.keys[pos[found]] == uniq[found]
        slot = np.empty(len(uniq), dtype=np.int64)
        slot[found] = self.slots[pos[found]]
        new = np.nonzero(~found)[0]
        if len(new):
            det, masks = self.table(rows[first[new]], self.d, self.dtype)
            lo, hi = self.size, self.size + len(new)
            self._grow(hi)
            self.det[lo:hi], self.masks[lo:hi] = det, masks
            slot[new] = np.arange(lo, hi)
            self.size = hi
            self.keys = np.insert(self.keys, pos[new], uniq[new])
            self.slots = np.insert(self.slots, pos[new], slot[new])
        return self.det, self.masks, slot[inverse.reshape(-1)]

    def _grow(self, hi: int) -> None:
        """Room for table rows up to ``hi`` (capacity doubled)."""
        lo = self.size
        if hi > len(self.det):
            cap = max(hi, 2 * len(self.det), 1024)
            self.det = np.concatenate([self.det[:lo], np.zeros(cap - lo, np.int64)])
            grown = np.zeros((cap, self.masks.shape[1]), dtype=self.dtype)
            grown[:lo] = self.masks[:lo]
            self.masks = grown

    def _dense_lookup(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """:meth:`lookup` through the dense table of slots (rows increasing)."""
        assert self.dense is not None
        rank = self.binom[rows, np.arange(self.d)].sum(axis=1)
        slot = self.dense[rank].astype(np.int64)
        miss = np.nonzero(slot < 0)[0]
        if len(miss):
            uniq, first = np.unique(rank[miss], return_index=True)
            det, masks = self.table(rows[miss[first]], self.d, self.dtype)
            lo, hi = self.size, self.size + len(uniq)
            self._grow(hi)
            self.det[lo:hi], self.masks[lo:hi] = det, masks
            self.dense[uniq] = np.arange(lo, hi, dtype=np.int32)
            self.size = hi
            slot[miss] = self.dense[rank[miss]]
        return self.det, self.masks, slot


def _subcones(F: np.ndarray, others: np.ndarray, S: np.ndarray, cache: _SubconeCache
              ) -> tuple[np.ndarray, np.ndarray]:
    """Simplicial subcones (Carathéodory) holding the other classes of a block of chambers.

    ``F`` (P, f): the facet classes of each chamber (increasing), ``others`` (P, q): its other
    classes, ``S`` (P, m) the class signs (in the verifier's orientation); ``cache`` holds the
    int64 class normals N. Returns ``(D, Smask)`` (P, q) int64: ``D > 0`` where a subcone was
    found and ``Smask`` its bitmask over the f facet positions (d bits), with ``σ_k N_k`` in the
    cone of the ``σ_f N_f`` it names. Exactly: the columns ``σ_t N_t`` form ``M diag(σ)``, so
    the multipliers are ``σ_k diag(σ) sign(det M) adj(M) N_k / |det M|``, whose signs are
    exact integer signs (:func:`int64_subcone_table`; the verifier recomputes them,
    docs/certificates.md §5). ``D = 0`` marks classes left to the exact solver. The subsets of
    facets are tried in chunks of a fixed shuffled order (16 first, then wider ones for the
    chambers left); per chunk each class takes the subcone holding it that holds most classes
    (fewer distinct inverses for the verifier).
    """
    P, f = F.shape
    q = others.shape[1]
    d = cache.d
    D = np.zeros((P, q), dtype=np.int64)
    Sm = np.zeros((P, q), dtype=np.int64)
    subs = _subsets(f, d)
    if q == 0 or len(subs) == 0 or P == 0:
        return D, Sm
    masks_of = (np.int64(1) << subs).sum(axis=1)
    dt = cache.dtype
    bits = (np.int64(1) << np.arange(d, dtype=np.int64)).astype(dt)
    low = dt((1 << d) - 1)
    negF = np.take_along_axis(S, F, axis=1) < 0                      # (P, f) facet signs
    # flip bit t of class k: σ_k σ_t = −1, so multiplier t must be ≤ 0 rather than ≥ 0
    flip_all = np.where(S < 0, low, dt(0)).astype(dt)                  # (P, m)
    is_other = np.zeros(S.shape, dtype=bool)
    np.put_along_axis(is_other, others, True, axis=1)
    lo, width = 0, 16
    while lo < len(subs):
        act = np.nonzero((D == 0).any(axis=1))[0]                    # chambers with classes left
        if len(act) == 0:
            break
        # the first chunk 16 subsets; then wider ones for the fewer chambers left (bounded work)
        chunk = subs[lo:lo + width]
        lo += len(chunk)
        width = max(16, min(4 * width, (1 << 18) // (len(act) * q + 1)))
        Fa = F[act]
        det, masks, idx = cache.lookup(Fa[:, chunk].reshape(-1, d))
        idx = idx.reshape(len(act), len(chunk))                      # (P', C)
        sT = (negF[act][:, chunk] * bits).sum(axis=2, dtype=dt)      # (P', C)
        # over all m classes (one gather of whole table rows), the facet classes dropped after:
        # the multiplier signs are right iff they agree with the flips where nonzero
        mk = masks[idx]                                              # (P', C, m)
        ok = ((mk ^ (sT[..., None] ^ flip_all[act][:, None, :])) & (mk >> dt(d))) == 0
        ok &= (det[idx] > 0)[..., None]
        ok &= is_other[act][:, None, :]
        score = ok.sum(axis=2, dtype=np.int32)                       # (P', C): classes held
        oth = others[act][:, None, :]
        ok = np.take_along_axis(ok, oth, axis=2)                     # (P', C, q)
        has = ok.any(axis=1) & (D[act] == 0)                         # (P', q)
        if not has.any():
            continue
        pick = np.argmax(np.where(ok, score[..., None], np.int32(-1)), axis=1)  # (P', q)
        pp, qq = np.nonzero(has)
        D[act[pp], qq] = det[idx[pp, pick[pp, qq]]]
        Sm[act[pp], qq] = masks_of[lo - len(chunk) + pick[pp, qq]]
    return D, Sm


def completeness_certificate(arr: Arrangement, subcones: bool = True) -> dict:
    """The JSON-ready completeness certificate of ``arr``'s chamber list (docs/certificates.md §5).

    Per chamber ``[witness, facets, farkas]``: the integer interior witness; the facet classes
    (the verifier's numbering, increasing); for every other class, in increasing order, either
    ``−S`` (``S > 0`` the bitmask of d facet positions spanning a simplicial subcone that holds
    the class: the verifier recomputes the multipliers by Cramer's rule) or ``D`` and one
    multiplier per facet with ``D σ_k N_k = Σ_f μ_f σ_f N_f`` (integers, ``D > 0``, ``μ ≥ 0``).
    ``subcones=False`` writes the explicit form only. Sign vectors and facet points are not
    written: the verifier recomputes what it needs from the witnesses.
    :func:`completeness_parts` gives the same certificate block by block (for streaming).

    >>> cert = completeness_certificate(Arrangement([[1, 1], [1, -1], [0, 0]]))
    >>> cert["format"], cert["kind"], cert["claims"]["chambers"]
    ('relucvx-certificate/3', 'arrangement', 4)
    >>> cert["chambers"][0]
    [[1, 0], [0, 1], []]
    >>> completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]))["chambers"][0]
    [[1, 1], [0, 1], [-3]]
    """
    head, blocks = completeness_parts(arr, subcones)
    head["chambers"] = [ch for block in blocks for ch in block]
    return head


#: chambers per block of :func:`completeness_parts` (bounds the memory of a streamed writer)
BLOCK = 8192


def completeness_parts(arr: Arrangement, subcones: bool = True, block: int = BLOCK,
                       texts: bool = False) -> tuple[dict, Iterator[list] | Iterator[str]]:
    """:func:`completeness_certificate` in parts: the certificate with ``None`` in place of its
    chamber list, and a generator of that list in blocks of ``block`` chambers (in order), each
    computed only when it is asked for, so a writer holds one block at a time. ``texts``: each
    block as the compact JSON text of its entries, comma-separated (what ``json.dumps`` of the
    block writes between its brackets; the integer rows made as text a block at a time).

    >>> head, blocks = completeness_parts(Arrangement([[1, 0], [0, 1], [1, 1]]), block=4)
    >>> head["chambers"] is None, [len(b) for b in blocks]
    (True, [4, 2])
    >>> next(completeness_parts(Arrangement([[1, 0], [0, 1], [1, 1]]), texts=True)[1])[:22]
    '[[1,1],[0,1],[-3]],[[2'
    """
    head = {
        "format": FORMAT,
        "kind": "arrangement",
        "data": {"X": [[format_fraction(v) for v in row] for row in arr.X]},
        "claims": {"chambers": len(arr.chambers()), "n": arr.n, "d": arr.d},
        "chambers": None,
    }
    return head, _blocks(arr, subcones, max(1, block), texts)


def _blocks(arr: Arrangement, subcones: bool, block: int, texts: bool = False
            ) -> Iterator[list] | Iterator[str]:
    ch = arr.chambers()
    p, d = len(ch), arr.d
    order, N, orient = _class_normals(arr)
    m = len(N)
    W = np.asarray(ch.W).reshape(p, d)  # witnesses as rows, converted per block
    nb = arr.neighbors()
    Nbig = max((abs(v) for row in N for v in row), default=0)
    # int64 is exact below: |det|, |adj|, |μ| ≤ d!·Nbig^d · d·Nbig and the float rounding of
    # the adjugate is exact below 2^50 (and checked: int64_subcone_table)
    fast = (subcones and m > 0
            and math.factorial(d) * max(Nbig, 1) ** (d + 1) * d * d < 2**50)
    Nn = np.array(N, dtype=np.int64 if fast else object).reshape(m, d)
    orient_a = np.array(orient, dtype=np.int64)
    # larger normals (real decimals, 17-digit floats): the same table with float-filtered
    # exact signs; before, every class of every chamber went to the exact solver one at a
    # time (diabetes (40, 4), 4 digits: 29.6 s against 0.66 s for small integers)
    filtered = (subcones and m > 0 and not fast and Nbig <= FILTER_MAX
                and d <= FILTER_MAX_D)
    cache = _SubconeCache(Nn, d) if fast or filtered else None
    for start in range(0, p, block):
        stop = min(p, start + block)
        if m:
            S = np.asarray(ch.class_signs[start:stop], dtype=np.int64)[:, order] * orient_a
            is_facet = nb[start:stop][:, order] >= 0
        else:
            S = np.zeros((stop - start, 0), dtype=np.int64)
            is_facet = np.zeros((stop - start, 0), dtype=bool)
        nfacets = is_facet.sum(axis=1)
        farkas: list = [[] for _ in range(stop - start)]  # lists, or their texts
        facet_lists: list[list[int]] = [[] for _ in range(stop - start)]
        for f in np.unique(nfacets).tolist():
            rows = np.nonzero(nfacets == f)[0]
            for lo in range(0, len(rows), 1024):
                _farkas_block(rows[lo:lo + 1024], f, S, is_facet, N, m,
                              cache if d <= f < 62 else None, farkas, facet_lists, start,
                              texts)
        if texts:
            wt, ft = json_row_texts(W[start:stop].tolist()), json_row_texts(facet_lists)
            yield ",".join([f"[[{w}],[{fl}],[{k}]]" for w, fl, k in zip(wt, ft, farkas)])
            continue
        yield [[w, facet_lists[r], farkas[r]] for r, w in enumerate(W[start:stop].tolist())]


def _farkas_block(rows: np.ndarray, f: int, S: np.ndarray, is_facet: np.ndarray,
                  N: list[tuple[int, ...]], m: int, cache: _SubconeCache | None,
                  farkas: list, facet_lists: list[list[int]], start: int,
                  texts: bool = False) -> None:
    """The facet lists and farkas entries of the chambers ``rows`` (positions in the current
    block, each with ``f`` facets), written into ``farkas`` / ``facet_lists`` (``texts``: the
    farkas entries as their JSON texts without brackets)."""
    F = np.nonzero(is_facet[rows])[1].reshape(len(rows), f)
    others = np.nonzero(~is_facet[rows])[1].reshape(len(rows), m - f)
    for r, fl in zip(rows.tolist(), F.tolist()):
        facet_lists[r] = fl
    if cache is not None:
        Dm, Sm = _subcones(F, others, S[rows], cache)
    else:
        Dm = np.zeros((len(rows), m - f), dtype=np.int64)
        Sm = Dm
    done = np.asarray((Dm > 0).all(axis=1))                  # every class in a subcone
    todo = np.arange(len(rows))
    if texts and done.any():
        held = small_int_row_texts(-Sm[done])  # their texts at once
        if held is not None:
            for r, txt in zip(rows[done].tolist(), held):
                farkas[r] = txt
            todo = np.nonzero(~done)[0]
    for t0, fl in zip(todo.tolist(), (-Sm[todo]).tolist()):
        r = int(rows[t0])
        if done[t0]:
            farkas[r] = json.dumps(fl, separators=(",", ":"))[1:-1] if texts else fl
            continue
        s = [int(v) for v in S[r]]
        out: list[int] = []
        cone = None
        for t, k in enumerate(others[t0].tolist()):
            if Dm[t0, t] > 0:
                out.append(fl[t])
                continue
            if cone is None:
                cone = _Cone([tuple(s[c] * v for v in N[c]) for c in F[t0].tolist()])
            found = cone.solve(tuple(s[k] * v for v in N[k]))
            if found is None:  # the enumerator's facet list would be wrong: a bug
                raise RuntimeError(f"chamber {start + r}: class {k} is not implied by the facets")
            nums, D = found
            g = math.gcd(D, *nums)
            out.append(D // g)
            out.extend(v // g for v in nums)
        farkas[r] = json.dumps(out, separators=(",", ":"))[1:-1] if texts else out


def json_row_texts(rows: list[list]) -> list[str]:
    """The compact JSON text of each row of ``rows`` without its brackets, from one
    ``json.dumps`` of them all (one C call per block of rows, not one per row). ``rows`` is
    non-empty and its rows are flat lists of ints and number texts ``"p/q"`` (nothing with
    brackets inside).

    >>> json_row_texts([[1, -2], [], ["3/4"]])
    ['1,-2', '', '"3/4"']
    """
    return json.dumps(rows, separators=(",", ":"))[2:-2].split("],[")


def small_int_row_texts(A: np.ndarray) -> list[str] | None:
    """The compact JSON texts (no brackets) of the rows of a 2-D integer array with entries in
    [−99, 999] (sign vectors, patterns, subcone masks), vectorised: each entry's text padded
    with spaces to a fixed width, the spaces deleted from the whole block at once. None for
    other arrays (the caller then takes :func:`json_row_texts`).

    >>> small_int_row_texts(np.array([[1, -1, 0], [-30, 999, 7]]))
    ['1,-1,0', '-30,999,7']
    """
    A = np.asarray(A)
    if A.ndim != 2 or A.shape[0] == 0 or A.dtype.kind not in "iu":
        return None
    if A.shape[1] == 0:
        return ["" for _ in range(A.shape[0])]
    lo, hi = int(A.min()), int(A.max())
    if lo < -99 or hi > 999:
        return None
    table = np.frombuffer("".join(f"{v:>3}," for v in range(lo, hi + 1)).encode(),
                          dtype=np.uint8).reshape(-1, 4)
    text = table[A.astype(np.int64) - lo]                    # (P, k, 4)
    text[:, -1, -1] = ord("\n")
    return text.tobytes().translate(None, b" ").decode("ascii").split("\n")[:-1]


def write_certificate(cert: dict, path: str) -> None:
    """Write ``cert`` as compact JSON to ``path`` (``-`` for standard output; a name ending in
    ``.gz`` is gzip-compressed, which ``exact/verify.py`` reads transparently).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> write_certificate({"format": FORMAT}, p); open(p).read()
    '{"format":"relucvx-certificate/3"}\\n'
    """
    import sys

    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # certificates may hold integers of thousands of digits
    try:
        text = json.dumps(cert, separators=(",", ":")) + "\n"
    finally:
        sys.set_int_max_str_digits(old)
    if path == "-":
        sys.stdout.write(text)
        return
    try:
        if path.endswith(".gz"):
            import gzip

            with gzip.open(path, "wb", compresslevel=1) as fh:  # fast; ~3x smaller still
                fh.write(text.encode("utf-8"))
        else:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
