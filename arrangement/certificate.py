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

How the subcones are found (Carathéodory): a batched float solve over all chambers with the same
number of facets picks, for each class, a subcone of d facets that holds it, preferring the one
that holds most classes; the integer adjugate checks it exactly in int64 (bounded entries). What
that misses gets explicit multipliers: a numeric NNLS guess solved exactly on its support with
integer elimination, and pycddlib's exact LP (``cdd.gmp``) as the last resort.

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
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from arrangement import intmat
from arrangement.core import Arrangement
from arrangement.errors import InputError
from arrangement.exactla import independent_subset, integer_solve
from arrangement.rational import format_fraction

__all__ = ["FORMAT", "completeness_certificate", "farkas_multipliers", "write_certificate"]

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
        from scipy.optimize import nnls

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


def _simplicial_farkas(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Batched simplicial subcones (Carathéodory) containing the targets.

    ``A``: (P, f, d) facet normals, ``B``: (P, q, d) targets, int64 with small entries. Returns
    ``(D, S)``: (P, q) int64 with ``D > 0`` where a subcone was found, and ``S`` its bitmask over
    the f facet positions (d bits): with ``M`` the d × d matrix whose columns are those facets,
    ``μ = sign(det M) adj(M) b ≥ 0`` and ``M μ = |det M| b``. ``D = 0`` marks targets left to the
    exact solver. The float solves only choose the subcone; the integer adjugate, the signs and
    the identity are checked exactly in int64 (the caller bounds the entries so that nothing
    overflows), which is what the verifier recomputes (docs/certificates.md §5).
    """
    P, f, d = A.shape
    q = B.shape[1]
    D = np.zeros((P, q), dtype=np.int64)
    S = np.zeros((P, q), dtype=np.int64)
    subs = _subsets(f, d)
    if q == 0 or len(subs) == 0:
        return D, S
    masks = (np.int64(1) << subs).sum(axis=1)
    Bf_all = np.swapaxes(B, 1, 2)[:, None].astype(np.float64)    # (P, 1, d, q)
    for lo in range(0, len(subs), 16):  # subcones in chunks; stop once every target is done
        act = np.nonzero((D == 0).any(axis=1))[0]            # chambers with targets left
        if len(act) == 0:
            break
        chunk = subs[lo:lo + 16]
        Aa, Ba, Da = A[act], B[act], D[act]
        pi = np.arange(len(act))[:, None]
        Mi = np.swapaxes(Aa[:, chunk, :], 2, 3)              # (P', S, d, d): columns = normals
        Mf = Mi.astype(np.float64)
        det = np.linalg.det(Mf)                              # (P', S)
        good = np.abs(det) > 0.5
        invs = np.linalg.inv(np.where(good[..., None, None], Mf, np.eye(d)))
        ok = ((invs @ Bf_all[act]) > -1e-9).all(axis=2) & good[..., None]  # (P', S, q)
        has = ok.any(axis=1) & (Da == 0)                     # (P', q)
        if not has.any():
            continue
        # prefer the subcone that holds the most targets: fewer distinct adjugates to recompute
        score = ok.sum(axis=2)                               # (P', S)
        pick = np.argmax(np.where(ok, score[..., None], -1), axis=1)   # (P', q)
        dsel = det[pi, pick]
        adj = np.rint(invs[pi, pick] * dsel[..., None, None]).astype(np.int64)
        Dq = np.rint(dsel).astype(np.int64)
        mu = (adj @ Ba[..., None])[..., 0]                   # (P', q, d)
        sgn = np.where(Dq < 0, -1, 1)
        Dq, mu = Dq * sgn, mu * sgn[..., None]
        lhs = (Mi[pi, pick] @ mu[..., None])[..., 0]         # exact, in int64
        valid = has & (Dq > 0) & (mu >= 0).all(axis=2) & (lhs == Dq[..., None] * Ba).all(axis=2)
        pp, qq = np.nonzero(valid)
        D[act[pp], qq] = Dq[pp, qq]
        S[act[pp], qq] = masks[lo + pick[pp, qq]]
    return D, S


def completeness_certificate(arr: Arrangement, subcones: bool = True) -> dict:
    """The JSON-ready completeness certificate of ``arr``'s chamber list (docs/certificates.md §5).

    Per chamber ``[witness, facets, farkas]``: the integer interior witness; the facet classes
    (the verifier's numbering, increasing); for every other class, in increasing order, either
    ``−S`` (``S > 0`` the bitmask of d facet positions spanning a simplicial subcone that holds
    the class: the verifier recomputes the multipliers by Cramer's rule) or ``D`` and one
    multiplier per facet with ``D σ_k N_k = Σ_f μ_f σ_f N_f`` (integers, ``D > 0``, ``μ ≥ 0``).
    ``subcones=False`` writes the explicit form only. Sign vectors and facet points are not
    written: the verifier recomputes what it needs from the witnesses.

    >>> cert = completeness_certificate(Arrangement([[1, 1], [1, -1], [0, 0]]))
    >>> cert["format"], cert["kind"], cert["claims"]["chambers"]
    ('relucvx-certificate/3', 'arrangement', 4)
    >>> cert["chambers"][0]
    [[1, 0], [0, 1], []]
    >>> completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]))["chambers"][0]
    [[1, 1], [0, 1], [-3]]
    """
    ch = arr.chambers()
    p, d = len(ch), arr.d
    order, N, orient = _class_normals(arr)
    m = len(N)
    W = ch.witnesses
    if m:
        S = np.asarray(ch.class_signs, dtype=np.int64)[:, order] * np.array(orient)
        is_facet = arr.neighbors()[:, order] >= 0
    else:
        S = np.zeros((p, 0), dtype=np.int64)
        is_facet = np.zeros((p, 0), dtype=bool)
    nfacets = is_facet.sum(axis=1)
    Nbig = max((abs(v) for row in N for v in row), default=0)
    # int64 is exact below: |det|, |adj|, |μ| ≤ d!·Nbig^d · d·Nbig and the float rounding of
    # the adjugate is exact below 2^50
    fast = (subcones and m > 0
            and math.factorial(d) * max(Nbig, 1) ** (d + 1) * d * d < 2**50)
    Nn = np.array(N, dtype=np.int64 if fast else object).reshape(m, d)
    farkas: list[list[int]] = [[] for _ in range(p)]
    facet_lists: list[list[int]] = [[] for _ in range(p)]
    for f in np.unique(nfacets).tolist():
        rows = np.nonzero(nfacets == f)[0]
        for start in range(0, len(rows), 256):
            block = rows[start:start + 256]
            F = np.nonzero(is_facet[block])[1].reshape(len(block), f)
            others = np.nonzero(~is_facet[block])[1].reshape(len(block), m - f)
            for i, fl in zip(block.tolist(), F.tolist()):
                facet_lists[i] = fl
            block = block.tolist()
            if fast and f >= d and f < 62:
                Sb = S[block]
                A = Sb[np.arange(len(block))[:, None], F][..., None] * Nn[F]
                B = Sb[np.arange(len(block))[:, None], others][..., None] * Nn[others]
                Dm, Sm = _simplicial_farkas(A, B)
            else:
                Dm = np.zeros((len(block), m - f), dtype=np.int64)
                Sm = Dm
            flat = (-Sm).tolist()
            complete = (Dm > 0).all(axis=1).tolist()
            for r, i in enumerate(block):
                if complete[r]:
                    farkas[i] = flat[r]
                    continue
                s = [int(v) for v in S[i]]
                out = []
                cone = None
                for t, k in enumerate(others[r]):
                    if Dm[r, t] > 0:
                        out.append(flat[r][t])
                        continue
                    if cone is None:
                        cone = _Cone([tuple(s[c] * v for v in N[c]) for c in F[r]])
                    found = cone.solve(tuple(s[k] * v for v in N[k]))
                    if found is None:  # the enumerator's facet list would be wrong: a bug
                        raise RuntimeError(f"chamber {i}: class {k} is not implied by the facets")
                    nums, D = found
                    g = math.gcd(D, *nums)
                    out.append(D // g)
                    out.extend(v // g for v in nums)
                farkas[i] = out
    chambers = [[list(W[i]), facet_lists[i], farkas[i]] for i in range(p)]
    return {
        "format": FORMAT,
        "kind": "arrangement",
        "data": {"X": [[format_fraction(v) for v in row] for row in arr.X]},
        "claims": {"chambers": p, "n": arr.n, "d": arr.d},
        "chambers": chambers,
    }


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
