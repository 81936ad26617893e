"""The completeness certificate of a chamber list (docs/MATH.md §7), checkable by
``exact/verify.py``.

A list of chambers is *complete* when every chamber of the arrangement of ``X`` is in it. The
certificate written here lets a small standard-library checker prove that without enumerating
anything itself. For each chamber it holds

- ``signs`` and an integer interior ``witness`` u with ``sign(X u) = signs`` (docs/MATH.md §2);
- ``facets``: one entry per facet hyperplane, ``{"row": j, "witness": p}`` with j the first row
  of the facet's parallel class and p an exact point with ``x_j·p = 0`` that is strictly on the
  chamber's side of every hyperplane not parallel to ``x_j`` (so the facet is a real facet). For
  the neighbour across the facet, with witness u′, ``p = |x_j·u′| u + |x_j·u| u′``: the segment
  ``[u, u′]`` crosses that one hyperplane only, and p is where it does;
- ``farkas``: for every nonzero row k *not* parallel to a facet row, nonnegative multipliers with
  ``σ_k x_k = Σ_f λ_f σ_f x_f`` exactly (homogeneous Farkas lemma): the inequality of row k is
  implied by the facet inequalities, so the closed cone is exactly ``{u : σ_f x_f·u ≥ 0}``.
  Rows parallel to a facet row carry no entry: the verifier handles them by exact
  proportionality (``x_k = c x_j`` with ``c ≠ 0`` and ``σ_k = sign(c) σ_j``, which is implied by
  the checked signs).

Closure under crossing facets (flipping the facet's parallel class gives a listed sign vector)
then proves completeness; the argument is in the docstring of ``exact/verify.py``.

How the multipliers are found: a numeric guess (``scipy.optimize.nnls`` on the facet normals),
then its support is thinned to linearly independent normals and solved *exactly* with integer
Cramer's rule on the Gram system; the result is re-checked exactly (λ ≥ 0 and the identity). If
anything fails the exact LP of pycddlib's ``cdd.gmp`` decides. Every number written is exact.

>>> from arrangement.core import Arrangement
>>> cert = completeness_certificate(Arrangement([[1, 0], [0, 1], [1, 1]]))
>>> cert["claims"], len(cert["chambers"])
({'chambers': 6, 'n': 3, 'd': 2}, 6)
>>> cert["chambers"][0]["facets"]
[{'row': 0, 'witness': ['0', '1']}, {'row': 1, 'witness': ['1', '0']}]
>>> cert["chambers"][0]["farkas"]
[{'row': 2, 'lambda': [[0, '1'], [1, '1']]}]
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

from arrangement import intmat
from arrangement.core import Arrangement
from arrangement.errors import InputError
from arrangement.exactla import independent_subset
from arrangement.rational import format_fraction

__all__ = ["FORMAT", "completeness_certificate", "farkas_multipliers", "write_certificate"]

#: The format tag every relucvx certificate carries (ARCHITECTURE.md, "Certificates").
FORMAT = "relucvx-certificate/1"


def _ratio(p: int, q: int) -> str:
    """``p/q`` (q > 0) in lowest terms as the certificate writes it, without building a Fraction."""
    g = math.gcd(p, q)
    p, q = p // g, q // g
    return str(p) if q == 1 else f"{p}/{q}"


def _dot(a: Sequence[int], b: Sequence[int]) -> int:
    return sum(x * y for x, y in zip(a, b))


def _solve_on_support(A: Sequence[Sequence[int]], support: list[int],
                      b: Sequence[int]) -> tuple[list[int], int] | None:
    """Exact μ ≥ 0 over ``support`` with ``Σ μ_t A[t] = b`` as integers ``(nums, D)``, μ = nums/D.

    Fraction-free (Bareiss) elimination of the d × t system ``A_Sᵀ μ = b`` with row pivoting:
    integer arithmetic only, the last pivot ``D`` is the determinant of the chosen t × t minor,
    and ``D μ`` is integral (Cramer), so back-substitution divides exactly. The identity is
    re-checked on all d coordinates at the end (``b`` might lie outside the span of the support).
    None when the support is dependent, μ has a negative entry, or the identity fails.
    """
    t, d = len(support), len(b)
    R = [[A[s][i] for s in support] + [b[i]] for i in range(d)]
    prev = 1
    for c in range(t):
        piv = next((r for r in range(c, d) if R[r][c] != 0), None)
        if piv is None:  # the support is linearly dependent
            return None
        R[c], R[piv] = R[piv], R[c]
        p = R[c][c]
        for r in range(c + 1, d):
            a = R[r][c]
            R[r] = [(p * R[r][k] - a * R[c][k]) // prev for k in range(t + 1)]
        prev = p
    D = R[t - 1][t - 1]
    x = [0] * t
    for i in range(t - 1, -1, -1):
        q, rem = divmod(D * R[i][t] - sum(R[i][j] * x[j] for j in range(i + 1, t)), R[i][i])
        if rem:  # cannot happen by Cramer; refuse rather than trust it
            return None
        x[i] = q
    if D < 0:
        D, x = -D, [-v for v in x]
    if any(v < 0 for v in x):
        return None
    for i in range(d):
        if sum(v * A[s][i] for v, s in zip(x, support)) != D * b[i]:
            return None
    return x, D


def _lp_multipliers(A: Sequence[Sequence[int]], b: Sequence[int]) -> list[Fraction] | None:
    """Exact μ ≥ 0 with ``Σ μ_t A[t] = b`` by cddlib's exact LP, or None if there is none."""
    import cdd
    import cdd.gmp

    f, d = len(A), len(b)
    rows = [[0] + [int(s == t) for s in range(f)] for t in range(f)]  # μ_t ≥ 0
    rows += [[-b[i]] + [A[t][i] for t in range(f)] for i in range(d)]  # Σ μ_t A[t][i] = b_i
    mat = cdd.gmp.matrix_from_array(
        rows, lin_set=set(range(f, f + d)), rep_type=cdd.RepType.INEQUALITY,
        obj_type=cdd.LPObjType.MIN, obj_func=[0] + [1] * f)
    lp = cdd.gmp.linprog_from_matrix(mat)
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


def _row_scales(arr: Arrangement) -> list[Fraction]:
    """``s_j > 0`` with ``x_j = s_j · o_j · normal`` of the row's class (0 for zero rows)."""
    out = []
    for j, x in enumerate(arr.X):
        c = arr.row_class[j]
        if c < 0:
            out.append(Fraction(0))
            continue
        normal = arr.classes[c].normal
        t = next(k for k, v in enumerate(normal) if v)
        out.append(abs(x[t]) / normal[t])
    return out


def completeness_certificate(arr: Arrangement) -> dict:
    """The JSON-ready completeness certificate of ``arr``'s chamber list (docs/MATH.md §7).

    Every number is an int or a string ``"p/q"``; the field-by-field format is in the module
    docstring of this module and in ``exact/verify.py``, which checks it.

    >>> cert = completeness_certificate(Arrangement([[1, 1], [1, -1], [0, 0]]))
    >>> cert["format"], cert["kind"], cert["claims"]["chambers"]
    ('relucvx-certificate/1', 'arrangement', 4)
    >>> cert["chambers"][0]["signs"], cert["chambers"][0]["farkas"]
    ([1, 1, 0], [])
    """
    ch = arr.chambers()
    nb = arr.neighbors()
    W = ch.witnesses
    S = ch.class_signs
    normals = [c.normal for c in arr.classes]
    rep = [c.rows[0] for c in arr.classes]
    scale = _row_scales(arr)
    # the inequality of class k in chamber i is S[i,k]·normal_k·u ≥ 0
    chambers = []
    for i in range(len(ch)):
        u = W[i]
        s = [int(v) for v in S[i]]
        fac = [int(k) for k in np.nonzero(nb[i] >= 0)[0]]
        facets = []
        for k in fac:
            u2 = W[int(nb[i, k])]
            a, b = abs(_dot(normals[k], u2)), abs(_dot(normals[k], u))
            p = [a * x + b * y for x, y in zip(u, u2)]
            g = math.gcd(*p)
            p = [v // g for v in p] if g > 1 else p  # positive rescaling keeps every sign
            facets.append({"row": rep[k], "witness": [str(v) for v in p]})
        cone = _Cone([tuple(s[k] * v for v in normals[k]) for k in fac])
        farkas = []
        facset = set(fac)
        for k in range(len(normals)):
            if k in facset:
                continue
            found = cone.solve(tuple(s[k] * v for v in normals[k]))
            if found is None:  # the enumerator's facet list would be wrong: a bug, not bad input
                raise RuntimeError(f"chamber {i}: class {k} is not implied by the facets")
            nums, D = found
            for r in arr.classes[k].rows:
                # σ_r x_r = s_r S_k n_k and σ_f x_f = s_f S_f n_f, so λ_f = μ_f s_r / s_f
                sr = scale[r]
                lam = []
                for f, num in zip(fac, nums):
                    if num:
                        sf = scale[rep[f]]
                        lam.append([rep[f], _ratio(num * sr.numerator * sf.denominator,
                                                   D * sr.denominator * sf.numerator)])
                farkas.append({"row": r, "lambda": lam})
        farkas.sort(key=lambda e: e["row"])
        chambers.append({
            "signs": [int(v) for v in ch.signs[i]],
            "witness": [str(v) for v in u],
            "facets": facets,
            "farkas": farkas,
        })
    return {
        "format": FORMAT,
        "kind": "arrangement",
        "data": {"X": [[format_fraction(v) for v in row] for row in arr.X]},
        "claims": {"chambers": len(ch), "n": arr.n, "d": arr.d},
        "chambers": chambers,
    }


def write_certificate(cert: dict, path: str) -> None:
    """Write ``cert`` as compact JSON to ``path`` (``-`` for standard output).

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> write_certificate({"format": FORMAT}, p); open(p).read()
    '{"format":"relucvx-certificate/1"}\\n'
    """
    text = json.dumps(cert, separators=(",", ":")) + "\n"
    if path == "-":
        import sys

        sys.stdout.write(text)
        return
    try:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None
