"""Vectorised screening of the dual constraints ``‖Π_{C_i}(s XᵀD_i v)‖² ≤ thr`` on every chamber.

The dual bound (docs/MATH.md §7) needs ``t_{i,s} = ‖Π_{C_i}(g)‖²``, ``g = s XᵀD_i v``, for all
``2p`` groups, but only the largest matters. Two cheap upper bounds settle most groups at once:

* the **norm bound** ``t ≤ ‖g‖²`` (``Π_C`` is non-expansive and ``Π_C(0) = 0``);
* the **half-space bound** of one facet a with ``a·g < 0``: ``C ⊆ H = {u : a·u ≥ 0}`` so
  ``‖Π_C(g)‖ = dist(g, C°) ≤ dist(g, H°) = ‖Π_H(g)‖`` (Moreau; ``C° ⊇ H°``), and
  ``‖Π_H(g)‖² = ‖g‖² − (a·g)²/‖a‖²``. It is the dual bound ``‖g + λa‖²`` with
  ``λ = −a·g/‖a‖² ≥ 0``, which the certificate records exactly (``"bound": "dual"``).

:func:`rigorous_screen` evaluates both in float64 for all groups in a few numpy operations and
*proves* ``bound ≤ thr`` with outward rounding: every float quantity carries an a-priori error
bound (unit roundoff ``u = 2⁻⁵³``; the entries of ``g`` are correctly rounded quotients of exact
integers, so each has relative error ``≤ u``; the normalised facet rows have componentwise
relative error ``≤ (d + 5)u``; a k-term float dot product errs by at most ``k·u`` times the sum of
the absolute terms), and a group is dismissed only when the *upper* end of its bound is below a
*lower* float approximation of ``thr``. Anything the margin cannot decide (and anything that
overflows or underflows) is left to the exact path of :func:`exact.certify.dual_pieces`. The
dismissal by one facet is re-derived exactly (integer numerators over one common denominator)
for the certificate, so the float pass decides *which* bound to write, never its value.

:func:`float_violations` is the non-rigorous counterpart for the cutting-plane solve
(:mod:`exact.cutting`): float estimates of every ``t_{i,s}`` at a float ``v`` (the bounds, then a
float NNLS projection where the bounds exceed the threshold). Its answers only choose which
groups enter the working set; the certificate is always exact.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np

__all__ = ["FacetArrays", "ScreenResult", "exact_facet_lambda", "facet_arrays",
           "float_violations", "rigorous_screen", "UNIT_ROUNDOFF"]

#: float64's unit roundoff.
UNIT_ROUNDOFF = 2.0**-53
_TINY = 1e-280  # absolute slack for subnormal and underflowed terms


@dataclass
class FacetArrays:
    """The chambers' facets as padded float arrays: ``A[i, k]`` the k-th facet row of chamber i
    divided by its length (zero rows beyond ``counts[i]``), ``P`` the 0/1 patterns (p × n) and
    ``X`` the data in floats."""

    A: np.ndarray
    counts: np.ndarray
    P: np.ndarray
    X: np.ndarray


def facet_arrays(cp) -> FacetArrays:
    """Build (once per program) the float arrays the screens need.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> fa.A.shape, fa.counts.tolist()
    ((4, 2, 2), [2, 2, 2, 2])
    """
    cached = cp.cache.get("facet_arrays")
    if cached is not None:
        return cached
    p, d = cp.p, cp.d
    fmax = max([len(c) for c in cp.cones] + [1])
    A = np.zeros((p, fmax, d))
    counts = np.zeros(p, dtype=np.int64)
    for i, c in enumerate(cp.cones):
        if c:
            a = np.array([[float(x) for x in row] for row in c])
            A[i, :len(c)] = a / np.linalg.norm(a, axis=1, keepdims=True)
            counts[i] = len(c)
    fa = FacetArrays(A, counts, np.array(cp.patterns, dtype=float).reshape(p, cp.n),
                     np.array([[float(x) for x in row] for row in cp.X]).reshape(cp.n, d))
    cp.cache["facet_arrays"] = fa  # built once per program, used by every screen
    return fa


@dataclass
class ScreenResult:
    """Per chamber i and sign s (column 0: s = +1, column 1: s = −1): ``status`` 0 undecided,
    1 dismissed by the norm bound, 2 dismissed by the half-space bound of facet ``facet[i, c]``;
    ``norm_hi[i]`` a proven upper bound on ``‖g_i‖²`` (inf when unknown)."""

    status: np.ndarray
    facet: np.ndarray
    norm_hi: np.ndarray


def _float_g(H: np.ndarray, den: int) -> np.ndarray | None:
    """``H / den`` correctly rounded (relative error ≤ u per entry), or None on overflow."""
    try:
        if H.dtype != object and abs(den) < 2**53 and int(np.abs(H).max(initial=0)) < 2**53:
            return H.astype(float) / float(den)  # two exact conversions, one rounding
        return np.array([[int(x) / den for x in row] for row in H], dtype=float).reshape(H.shape)
    except OverflowError:
        return None


def rigorous_screen(fa: FacetArrays, H: np.ndarray, den: int, thr: Fraction) -> ScreenResult:
    """Prove, for as many groups as possible, ``‖Π_{C_i}(s H_i / den)‖² ≤ thr`` (module
    docstring); ``H`` is the exact integer matrix of ``g_i = Xᵀ D_i v = H_i / den``.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> H = np.array([[1, 1], [1, 0], [0, 1], [0, 0]])   # (some) g_i, den 1
    >>> r = rigorous_screen(facet_arrays(cp), H, 1, Fraction(3, 2))
    >>> r.status.shape, int((r.status > 0).sum()) >= 6
    ((4, 2), True)
    """
    p, fmax, d = fa.A.shape
    u = UNIT_ROUNDOFF
    status = np.zeros((p, 2), dtype=np.int8)
    facet = np.full((p, 2), -1, dtype=np.int64)
    g = _float_g(H, den)
    thr_f = float(thr) * (1 - 4 * u) if thr > 0 else 0.0
    if g is None or p == 0 or not np.isfinite(thr_f):
        return ScreenResult(status, facet, np.full(p, np.inf))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        S = np.einsum("ij,ij->i", g, g)
        norm_hi = S * (1 + 2 * (d + 10) * u) + _TINY
        norm_hi[~np.isfinite(norm_hi)] = np.inf
        ok = norm_hi <= thr_f
        status[ok, :] = 1
        # half-space bounds: c = â·g per facet, with a proven error radius
        C = np.einsum("ikd,id->ik", fa.A, g)
        Cabs = np.einsum("ikd,id->ik", np.abs(fa.A), np.abs(g))
        err = (2 * d + 12) * u * Cabs + _TINY
        valid = np.arange(fmax)[None, :] < fa.counts[:, None]
        for col, s in ((0, 1), (1, -1)):
            cs = s * C  # â·(s g)
            neg = valid & (cs + err < 0)
            low = np.where(neg, -cs - err, 0.0)  # ≤ |â·g| where the facet is violated
            best = np.argmax(low, axis=1)
            L = low[np.arange(p), best]
            bound = (norm_hi - (L * L) * (1 - 2 * u)) * (1 + 2 * u) + _TINY
            bound = np.maximum(bound, _TINY)
            hit = (status[:, col] == 0) & (L > 0) & np.isfinite(bound) & (bound <= thr_f)
            status[hit, col] = 2
            facet[hit, col] = best[hit]
    return ScreenResult(status, facet, norm_hi)


def exact_facet_lambda(a: tuple[int, ...], hrow, den: int, s: int, nfacets: int, k: int
                       ) -> tuple[Fraction, ...]:
    """The exact multipliers of the half-space bound of facet k: ``λ_k = −a·g/‖a‖²`` with
    ``g = s·hrow/den`` (integers), zero elsewhere.

    >>> exact_facet_lambda((1, 0), (-2, 1), 1, 1, 2, 0)
    (Fraction(2, 1), Fraction(0, 1))
    """
    ag = s * sum(int(x) * int(y) for x, y in zip(a, hrow))
    aa = sum(int(x) * int(x) for x in a)
    lam = [Fraction(0)] * nfacets
    lam[k] = Fraction(max(0, -ag), aa * den)
    return tuple(lam)


def float_violations(fa: FacetArrays, v: np.ndarray, beta2: float, rel: float = 1e-7
                     ) -> np.ndarray:
    """Float estimates of ``t_{i,s} = ‖Π_{C_i}(s XᵀD_i v)‖²`` (p × 2) at a float v.

    Entries whose norm or half-space bound is at most ``β²(1 + rel)`` are those bounds (the
    group is not violated); the others are float projections (NNLS on the facet rows). Floats
    only: this chooses cutting planes, it proves nothing.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> t = float_violations(fa, np.array([1.0, 1.0]), 0.25)
    >>> round(float(t.max()), 12)
    2.0
    """
    from scipy.optimize import nnls

    p, fmax, d = fa.A.shape
    G = fa.P @ (v[:, None] * fa.X)  # p × d: g_i = Xᵀ D_i v
    S = np.einsum("ij,ij->i", G, G)
    C = np.einsum("ikd,id->ik", fa.A, G)
    valid = np.arange(fmax)[None, :] < fa.counts[:, None]
    out = np.empty((p, 2))
    lim = beta2 * (1 + rel)
    for col, s in ((0, 1), (1, -1)):
        cs = np.where(valid, s * C, 0.0)
        low = np.maximum(-cs, 0.0).max(axis=1)
        bound = np.maximum(S - low * low, 0.0)
        out[:, col] = bound
        for i in np.flatnonzero(bound > lim):
            k = int(fa.counts[i])
            if k == 0:
                continue
            At = fa.A[i, :k].T
            try:
                lam, res = nnls(At, -s * G[i], maxiter=50 * k + 50)
            except RuntimeError:  # pragma: no cover - keep the bound
                continue
            out[i, col] = min(bound[i], float(res) ** 2)
    return out

