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
overflows or underflows) is left to the exact path of :func:`exact.certify.dual_pieces`.

The float pass only *chooses* a bound: :func:`exact.certify.dual_pieces` re-checks every
dismissal in exact integer arithmetic before trusting it, vectorised over the dismissed groups
(:func:`exact_norm_ok`: ``‖h‖²·td ≤ tn·den²``; :func:`exact_facet_ok`: ``(‖h‖²‖a‖² −
(a·h)²)·td ≤ tn·den²‖a‖²``; :func:`exact_multipliers_ok`: the residual ``s·Q·h + den·Σ N_k a_k``
of dyadic multipliers ``μ = N/Q``; ``thr = tn/td``, ``g = h/den``), int64 where a bound proves
no overflow and Python integers otherwise. A group whose check fails goes to the exact path.
The settled groups' multipliers are kept compactly (:class:`Dismissals`).

:func:`float_violations` is the non-rigorous counterpart for the cutting-plane solve
(:mod:`exact.cutting`): float estimates of every ``t_{i,s}`` at a float ``v`` (the bounds, then a
float NNLS projection where the bounds exceed the threshold). Its answers only choose which
groups enter the working set; the certificate is always exact.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from exact import screen_kernels
from exact.convex import cone_row, cone_sizes

__all__ = ["Dismissals", "FacetArrays", "ScreenResult", "ViolationState", "blocked_screen",
           "descent_multipliers", "dyadic_integers", "exact_facet_lambda", "exact_facet_ok",
           "exact_multipliers_ok", "exact_norm_ok", "active_set_projection", "facet_arrays",
           "built_facet_arrays", "drop_facet_arrays",
           "facet_square_lengths", "float_g", "float_safe", "float_violations",
           "int_facets", "int_multipliers", "interval_proven", "multiplier_bounds_below",
           "join_rows", "padded_facets", "scaled_int_multipliers",
           "polar_descent", "proven_below", "rigorous_screen", "DESCENT_BLOCK", "DESCENT_ROWS",
           "SCREEN_BLOCK", "TINY",
           "UNIT_ROUNDOFF"]

#: float64's unit roundoff.
UNIT_ROUNDOFF = 2.0**-53
#: absolute slack of the float error bounds for subnormal and underflowed terms
TINY = 1e-280


@dataclass
class FacetArrays:
    """The chambers' facets as padded float arrays: ``A[i, k]`` the k-th facet row of chamber i
    divided by its length (zero rows beyond ``counts[i]``), ``P`` the 0/1 patterns (p × n) and
    ``X`` the data in floats."""

    A: np.ndarray
    counts: np.ndarray
    P: np.ndarray
    X: np.ndarray
    #: the integer facet rows in floats (exact while ``raw_exact``: every entry below 2⁵³)
    raw: np.ndarray | None = None
    raw_exact: bool = True
    #: the float lengths of the rows of ``raw`` (p × fmax), computed once
    raw_norms: np.ndarray | None = None


#: Facet rows and data with an entry of this many bits or more are not screened in floats:
#: their products would overflow (a float holds about 2**1024); every group is then decided
#: exactly, as without a screen.
FLOAT_SAFE_BITS = 500


def padded_facets(cp) -> tuple[np.ndarray, np.ndarray, int]:
    """``(A, counts, big)``: the chambers' integer facet rows zero-padded to ``p × fmax × d``
    (:meth:`exact.convex.ConvexProgram.padded_facets`: the smallest integer dtype that holds
    them, Python ints beyond int64), the facet counts, and the largest ``|entry|``; built once
    per program (the screens, :func:`float_safe` and :func:`int_facets` all read it).

    >>> from exact.convex import ConvexProgram
    >>> A, counts, big = padded_facets(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> A.shape, counts.tolist(), big
    ((4, 2, 2), [2, 2, 2, 2], 1)
    """
    cached = cp.cache.get("screen_padded_facets")
    if cached is None:
        AI, counts = cp.padded_facets()
        # (an int dtype from ConvexProgram.padded_facets holds every entry's negative)
        big = (max(int(AI.max(initial=0)), -int(AI.min(initial=0))) if AI.dtype != object
               else max((abs(int(x)) for x in AI.flat), default=0))
        cached = cp.cache["screen_padded_facets"] = (AI, counts, big)
    return cached


def float_safe(cp) -> bool:
    """Whether every facet row and data entry of ``cp`` converts to floats with room for
    the screens' products (below ``2**FLOAT_SAFE_BITS``).

    >>> from exact.convex import ConvexProgram
    >>> float_safe(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    True
    >>> float_safe(ConvexProgram([[10**200, 1], [0, 1]], [1, 1], 1))
    False
    """
    cached = cp.cache.get("float_safe")
    if cached is None:  # asked by solve and by facet_arrays: one pass over the facets
        _A, _counts, big = padded_facets(cp)
        cached = big.bit_length() < FLOAT_SAFE_BITS and all(
            abs(x.numerator).bit_length() < FLOAT_SAFE_BITS
            and x.denominator.bit_length() < FLOAT_SAFE_BITS for row in cp.X for x in row)
        cp.cache["float_safe"] = cached
    return cached


def built_facet_arrays(cp) -> FacetArrays | None:
    """The program's float arrays if :func:`facet_arrays` has already built them, else None
    (never built here): for callers that use them only when another pass paid for them, such
    as exact products that can run on the screens' float patterns.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> built_facet_arrays(cp) is None
    True
    >>> fa = facet_arrays(cp)
    >>> built_facet_arrays(cp) is fa
    True
    """
    fa = cp.cache.get("facet_arrays")
    return fa if isinstance(fa, FacetArrays) else None


def drop_facet_arrays(cp) -> None:
    """Forget the program's float arrays (:func:`facet_arrays` rebuilds them on demand).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
    >>> fa = facet_arrays(cp); drop_facet_arrays(cp); built_facet_arrays(cp) is None
    True
    """
    cp.cache.pop("facet_arrays", None)


def facet_arrays(cp) -> FacetArrays | None:
    """Build (once per program) the float arrays the screens need; None when the numbers
    are too large for floats (:func:`float_safe`), and then nothing is screened.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> fa.A.shape, fa.counts.tolist()
    ((4, 2, 2), [2, 2, 2, 2])
    """
    cached = cp.cache.get("facet_arrays", False)
    if cached is not False:
        return cached
    if not float_safe(cp):
        cp.cache["facet_arrays"] = None
        return None
    p, d = cp.p, cp.d
    Aint, counts, big = padded_facets(cp)
    # each entry correctly rounded (as float(int) rounds), then the rows normalised
    raw = (Aint.astype(float) if Aint.dtype != object else
           np.array([float(x) for x in Aint.flat]).reshape(Aint.shape))
    if big * big * d < 2**53:
        # every square and partial sum an integer below 2^53: exact in any order, so these
        # are the norms np.linalg.norm gives, and the squares are facet_square_lengths's
        aa = cp.cache["facet_square_lengths"] = np.einsum("ikd,ikd->ik", raw, raw)
        nrm = np.sqrt(aa)[..., None]
    else:
        nrm = np.linalg.norm(raw, axis=2, keepdims=True)
    A = np.divide(raw, nrm, out=np.zeros_like(raw), where=nrm > 0)
    fa = FacetArrays(A, counts.copy(),  # patterns: an int8 view's array, not p row tuples
                     np.asarray(cp.patterns).astype(float).reshape(p, cp.rows),
                     np.array([[float(x) for x in row] for row in cp.X]).reshape(cp.rows, d),
                     raw, big < 2**53, nrm[..., 0])
    cp.cache["facet_arrays"] = fa  # built once per program, used by every screen
    return fa


def facet_square_lengths(cp) -> np.ndarray:
    """``‖a‖²`` of every facet row of ``cp`` (p × fmax floats, 0 on the padding rows), from
    :func:`facet_arrays`' float rows, once per program (made with those rows when they are
    exact integers); ValueError when :func:`facet_arrays` is None.

    >>> from exact.convex import ConvexProgram
    >>> sorted(facet_square_lengths(ConvexProgram([[1, 0], [1, 2]], [1, 1], 1))[0].tolist())
    [1.0, 5.0]
    """
    aa = cp.cache.get("facet_square_lengths")
    if aa is None:
        fa = facet_arrays(cp)
        if fa is None or fa.raw is None:
            raise ValueError("no float facet rows: the numbers do not fit floats")
        aa = cp.cache["facet_square_lengths"] = np.einsum("ikd,ikd->ik", fa.raw, fa.raw)
    return aa


@dataclass
class ScreenResult:
    """Per chamber i and sign s (column 0: s = +1, column 1: s = −1): ``status`` 0 undecided,
    1 dismissed by the norm bound, 2 dismissed by the half-space bound of facet ``facet[i, c]``;
    ``norm_hi[i]`` a proven upper bound on ``‖g_i‖²`` (inf when unknown)."""

    status: np.ndarray
    facet: np.ndarray
    norm_hi: np.ndarray


def float_g(H: np.ndarray, den: int) -> np.ndarray | None:
    """``H / den`` correctly rounded (relative error ≤ u per entry), or None on overflow.

    >>> float_g(np.array([[1, -3]]), 4).tolist()
    [[0.25, -0.75]]
    >>> float_g(np.array([[2**60 + 1, -3]], dtype=object), 2**70).tolist() == [
    ...     [(2**60 + 1) / 2**70, -3 / 2**70]]
    True
    """
    try:
        if H.dtype != object and abs(den) < 2**53 and int(np.abs(H).max(initial=0)) < 2**53:
            return H.astype(float) / float(den)  # two exact conversions, one rounding
        k = int(den).bit_length() - 1
        if den > 0 and den == 1 << k and k < 900:
            # den = 2^k (integer X, dyadic v: solve's case): float(int) rounds correctly and
            # the scaling by 2^-k is exact (no entry underflows: |H_ij| ≥ 1 or 0), one rounding
            # (an object array's astype is a C loop: (40, 4), 20 → 3 ms)
            try:
                return np.ldexp(H.astype(float), -k)
            except OverflowError:  # an entry past 2^1024: the quotients below
                pass
        # Python's int / int is correctly rounded; one map over the flat array (a third of
        # the CPU of a comprehension over rows with int() calls: (40, 5), 0.38 → 0.12 s)
        flat = H.ravel()
        return np.fromiter(map(operator.truediv, flat, itertools.repeat(den, len(flat))),
                           dtype=float, count=len(flat)).reshape(H.shape)
    except OverflowError:
        return None


def rigorous_screen(fa: FacetArrays, H: np.ndarray, den: int, thr: Fraction,
                    gF: np.ndarray | None = None) -> ScreenResult:
    """Prove, for as many groups as possible, ``‖Π_{C_i}(s H_i / den)‖² ≤ thr`` (module
    docstring); ``H`` is the exact integer matrix of ``g_i = Xᵀ D_i v = H_i / den``. ``gF``:
    :func:`float_g` of ``H`` when the caller has it already (None: computed here).

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
    g = float_g(H, den) if gF is None else gF
    thr_f = float(thr) * (1 - 4 * u) if thr > 0 else 0.0
    if g is None or p == 0 or not np.isfinite(thr_f):
        return ScreenResult(status, facet, np.full(p, np.inf))
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        S = np.einsum("ij,ij->i", g, g)
        norm_hi = S * (1 + 2 * (d + 10) * u) + TINY
        norm_hi[~np.isfinite(norm_hi)] = np.inf
        ok = norm_hi <= thr_f
        status[ok, :] = 1
        # half-space bounds: c = â·g per facet, with a proven error radius
        C = np.einsum("ikd,id->ik", fa.A, g)
        Cabs = np.einsum("ikd,id->ik", np.abs(fa.A), np.abs(g))
        err = (2 * d + 12) * u * Cabs + TINY
        valid = np.arange(fmax)[None, :] < fa.counts[:, None]
        for col, s in ((0, 1), (1, -1)):
            cs = s * C  # â·(s g)
            neg = valid & (cs + err < 0)
            low = np.where(neg, -cs - err, 0.0)  # ≤ |â·g| where the facet is violated
            best = np.argmax(low, axis=1)
            L = low[np.arange(p), best]
            bound = (norm_hi - (L * L) * (1 - 2 * u)) * (1 + 2 * u) + TINY
            bound = np.maximum(bound, TINY)
            hit = (status[:, col] == 0) & (L > 0) & np.isfinite(bound) & (bound <= thr_f)
            status[hit, col] = 2
            facet[hit, col] = best[hit]
    return ScreenResult(status, facet, norm_hi)


def polar_descent(fa: FacetArrays, rows: np.ndarray, G: np.ndarray, sweeps: int = 12,
                  target: float | None = None, every: int = 2,
                  lam0: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Batched coordinate descent for ``min_{λ ≥ 0} ‖g + Σ_k λ_k â_k‖²`` (the distance from g
    to the polar cone; its value is ``‖Π_C(g)‖²`` by Moreau), one problem per row of ``G``
    (chamber ``rows[r]``), all at once (numpy, or the same steps compiled by
    :mod:`exact.screen_kernels` on large programs). Returns ``(λ, r)`` with ``r = g + Âᵀλ``: any
    ``λ ≥ 0`` gives the upper bound ``‖r‖²``, so stopping early is safe; floats only. With
    ``target``, a row stops once ``‖r‖² ≤ target``: its bound is
    then good enough for the caller, and the sweeps go on only over the rows still above
    (checked after every ``every``-th sweep; a row's λ never depends on when it is checked
    while it stays above the target). With ``lam0`` (m × f, ≥ 0) the descent starts from those
    multipliers instead of zero (and, with ``target``, rows already below it do not sweep).

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]  # u ≥ 0
    >>> lam, r = polar_descent(fa, np.array([i]), np.array([[-1.0, 2.0]]))
    >>> r.round(12).tolist()
    [[0.0, 2.0]]
    >>> lam, r = polar_descent(fa, np.array([i]), np.array([[-1.0, 2.0]]), target=10.0)
    >>> r.round(12).tolist()
    [[0.0, 2.0]]
    >>> lam, r = polar_descent(fa, np.array([i]), np.array([[-1.0, 2.0]]), lam0=lam, sweeps=1)
    >>> r.round(12).tolist()
    [[0.0, 2.0]]
    """
    rows = np.asarray(rows)
    G = np.asarray(G, dtype=float)
    f, d = fa.A.shape[1], fa.A.shape[2]
    lam = np.zeros((len(rows), f))
    r = G.copy()
    # in blocks of rows (the sweeps then stay in cache: one pass over 300k rows at a time was
    # memory-bound, and its f × m × d copy the largest temporary of a (40, 5) solve), each in
    # a d × m layout (a coordinate step is then a few operations on contiguous rows of length
    # m; with m × d, numpy's loops over d = 4 took twice as long). The rows are sorted by
    # facet count, so facet k is stepped only on the block's suffix of rows with more than k
    # facets: the padding facets (â = 0) leave every λ and r unchanged, and were most of the
    # work ((40, 4): at most 15 facets, 6 on average)
    order = np.argsort(fa.counts[rows], kind="stable")
    fast = screen_kernels.use(len(fa.counts))
    for a in range(0, len(rows), DESCENT_ROWS):
        sel = order[a:a + DESCENT_ROWS]
        fb = int(fa.counts[rows[sel]].max(initial=0))
        if fb == 0:
            continue
        At = np.ascontiguousarray(fa.A[rows[sel], :fb].transpose(1, 2, 0))  # fb × d × m
        if lam0 is None:
            la, rb = np.zeros((fb, len(sel))), np.ascontiguousarray(r[sel].T)
        else:
            la = np.maximum(np.asarray(lam0, dtype=float)[sel, :fb].T, 0.0)
            rb = np.ascontiguousarray(r[sel].T + np.einsum("km,kdm->dm", la, At))
            if target is not None:
                sel, At, la, rb = _settle_rows(lam, r, target, fb, sel, At, la, rb)
        starts = _count_starts(fa.counts[rows[sel]], fb)
        # the numpy steps' temporaries, written in place
        buf = None if fast else np.empty((2 * d + 2, len(sel)))
        sw = 0
        while sw < (sweeps if len(sel) else 0):
            # the sweeps up to the next settle check in one compiled loop (the same bits)
            run = sweeps - sw if target is None else min(every - sw % every, sweeps - sw)
            if fast:
                screen_kernels.descent_sweeps(At, rb, la, starts, run)
                sw += run - 1
            else:
                assert buf is not None
                _numpy_sweep(At, rb, la, starts, buf, fb, d)
            if target is not None and sw % every == every - 1 and sw + 1 < sweeps:
                # rows already below the target keep their λ; at (40, 4) three quarters of
                # the dual pass's rows are there after four sweeps
                # (every such row stops, whatever its block: a row's λ never depends on the
                # other rows, so blocks of any size give the same multipliers)
                sel, At, la, rb = _settle_rows(lam, r, target, fb, sel, At, la, rb)
                if not len(sel):
                    break
                starts = _count_starts(fa.counts[rows[sel]], fb)
            sw += 1
        lam[sel, :fb] = la.T
        r[sel] = rb.T
    return lam, r


def _numpy_sweep(At: np.ndarray, rb: np.ndarray, la: np.ndarray, starts: list[int],
                 buf: np.ndarray, fb: int, d: int) -> None:
    """One sweep of :func:`polar_descent` over a block in numpy (the operations that
    :func:`exact.screen_kernels.descent_sweeps` compiles)."""
    m = At.shape[2]
    for k in range(fb):
        s0 = starts[k]
        n = m - s0
        ak, rk, lk = At[k, :, s0:], rb[:, s0:], la[k, s0:]
        p, c, dl = buf[:d, :n], buf[d, :n], buf[d + 1, :n]
        np.multiply(ak, rk, out=p)
        _lane_sum(p, c, buf[d + 2:2 * d + 2, :n])
        np.subtract(lk, c, out=c)
        np.maximum(c, 0.0, out=c)  # the new λ_k
        np.subtract(c, lk, out=dl)
        lk[...] = c
        np.multiply(ak, dl, out=p)
        rk += p


def _lane_sum(p: np.ndarray, out: np.ndarray, tmp: np.ndarray) -> None:
    """``out = Σ_j p[j]`` over the rows of the d × m products ``p`` (``tmp``: d × m scratch),
    summed in the order of numpy's ``einsum("md,md->m")`` on m × d arrays for d < 8 (the
    even j in turn, the odd j in turn, then the two sums), so that the descent's steps in the
    d × m layout round as they did in the m × d one: rounding-level changes of the screen's
    estimates changed the cutting planes' path (corpus: 51 → 58 rounds)."""
    d = p.shape[0]
    if d >= 8 or d < 2:
        np.sum(p, axis=0, out=out)
        return
    q = p[0:2]  # p is scratch: the lane sums are formed in place where there is no pair
    if d >= 4:
        q = np.add(p[0:2], p[2:4], out=tmp[:2])
        for j in range(4, d - 1, 2):
            q += p[j:j + 2]
    if d % 2:
        q[0] += p[d - 1]
    np.add(q[0], q[1], out=out)


def _count_starts(cnt: np.ndarray, fb: int) -> list[int]:
    """For counts sorted increasingly, the first position with a count above k, k < fb."""
    return np.searchsorted(cnt, np.arange(fb), side="right").tolist()


def _settle_rows(lam: np.ndarray, r: np.ndarray, target: float, fb: int, sel: np.ndarray,
                 At: np.ndarray, la: np.ndarray, rb: np.ndarray) -> tuple:
    """The rows of a descent block (``At`` fb × d × m, ``rb`` d × m) already below ``target``
    written to ``lam`` and ``r`` (their λ stays: a row's λ never depends on the other rows) and
    dropped from the block; returns the block's ``(sel, At, la, rb)`` for the rows that go on
    (still in their order)."""
    low = np.einsum("dm,dm->m", rb, rb) <= target
    if not low.any():
        return sel, At, la, rb
    lam[sel[low], :fb] = la[:, low].T
    r[sel[low]] = rb[:, low].T
    keep = ~low
    return (sel[keep], np.ascontiguousarray(At[:, :, keep]), la[:, keep],
            np.ascontiguousarray(rb[:, keep]))


#: half the candidates per slice of :func:`float_violations`' visit (the slices' bounds
#: decide where an ``enough`` visit stops, and so the cutting planes' path)
_DESCENT_BLOCK = 2048
#: rows per block of :func:`polar_descent`
DESCENT_ROWS = 4096


def multiplier_bounds_below(fa: FacetArrays, rows: np.ndarray, Gf: np.ndarray,
                            mu: np.ndarray, thr: Fraction) -> np.ndarray:
    """For each row r, prove ``‖g_r + Σ_k μ_rk a_k‖² ≤ thr`` in floats (True) or leave it open
    (False), with the *integer* facet rows a_k of chamber ``rows[r]`` and float multipliers
    μ ≥ 0 (exact dyadic rationals). ``Gf`` holds the correctly rounded entries of g. Each
    residual entry's float error is at most ``(f + 4)·u·(|g_c| + Σ_k |μ_k a_kc|)`` (a product and
    an f + 1 term sum, and a rounded a when ``raw_exact`` is False), so the bound is proven when
    ``Σ (|r̃_c| + e_c)²``, rounded up, is below a lower float approximation of thr.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]
    >>> mu = np.zeros((1, fa.A.shape[1])); mu[0, [k for k in range(2) if fa.raw[i, k, 0]]] = 1
    >>> multiplier_bounds_below(fa, np.array([i]), np.array([[-1.0, 2.0]]), mu, Fraction(5))
    array([ True])
    """
    u = UNIT_ROUNDOFF
    f = fa.A.shape[1]
    assert fa.raw is not None  # facet_arrays always sets it; None only in hand-made arrays
    with np.errstate(all="ignore"):
        # Σ_k μ_k a_k and Σ_k |μ_k a_k| by einsum (no m × f × d product temporaries); the error
        # bound holds for any order of summation
        Ar = fa.raw[rows]  # m × f × d
        r = Gf + np.einsum("mk,mkd->md", mu, Ar)
        e = (f + 4) * u * (np.abs(Gf) + np.einsum("mk,mkd->md", np.abs(mu), np.abs(Ar))) + TINY
        hi = np.einsum("md,md->m", np.abs(r) + e, np.abs(r) + e)
        hi = hi * (1 + (Gf.shape[1] + 3) * u) + TINY
    t = float(thr) * (1 - 4 * u)
    if not np.isfinite(t) or t < 1e-250:
        return np.zeros(len(rows), dtype=bool)
    return np.isfinite(hi) & (hi <= t) & np.all(mu >= 0, axis=1)


def descent_multipliers(fa: FacetArrays, rows: np.ndarray, Gs: np.ndarray, thr: Fraction
                        ) -> tuple[np.ndarray, np.ndarray]:
    """Multipliers for the integer facet rows from :func:`polar_descent`, rounded to 30-bit
    floats (exact dyadic rationals ≥ 0), and which of them :func:`multiplier_bounds_below`
    proves: ``(μ, proved)``.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]
    >>> mu, ok = descent_multipliers(fa, np.array([i]), np.array([[-1.0, 2.0]]), Fraction(5))
    >>> ok.tolist(), sorted(mu[0].tolist())
    ([True], [0.0, 1.0])
    """
    lam, _r = polar_descent(fa, rows, Gs)
    mu = _raw_multipliers(fa, rows, lam)
    m, e = np.frexp(mu)
    mu = np.maximum(np.ldexp(np.round(m * 2.0**30), e - 30), 0.0)
    return mu, multiplier_bounds_below(fa, rows, Gs, mu, thr)


def _raw_multipliers(fa: FacetArrays, rows: np.ndarray, lam: np.ndarray) -> np.ndarray:
    """Multipliers of the unit facet rows ``â`` as multipliers of the integer rows (floats)."""
    assert fa.raw is not None  # facet_arrays always sets it
    norms = (fa.raw_norms[rows] if fa.raw_norms is not None
             else np.linalg.norm(fa.raw[rows], axis=2))
    with np.errstate(all="ignore"):
        return np.where(norms > 0, lam / np.where(norms > 0, norms, 1.0), 0.0)


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


@dataclass
class ViolationState:
    """What :func:`float_violations` keeps from one cutting-plane round to the next: the dual
    vector ``v`` of the last screen (None before the first) and ``U`` (p × 2), float upper
    estimates of every ``t_{i,s}`` at that ``v``. Floats only: it steers the guess."""

    v: np.ndarray | None = None
    U: np.ndarray | None = None
    #: per group (p × 2 × K, K = min(d, facets)) the facets and multipliers λ ≥ 0 of its last
    #: projection (or half-space bound); −1 marks an empty slot. Any λ ≥ 0 gives the upper
    #: bound ‖g + Σ λ_k â_k‖² at a new v, and the support starts the next active-set steps
    sup: np.ndarray | None = None
    mult: np.ndarray | None = None
    #: per group (p × 2 × fmax, float32, on the unit rows ``A`` of :class:`FacetArrays`) the
    #: multipliers λ ≥ 0 of its last descent, or of its active-set steps where it went on to
    #: them, at the v of that screen (zero where it was never visited). Never read by the
    #: screen (its estimates and the rounds' path are the same without it): for an exact pass
    #: to try first (:func:`exact.interval_pass.interval_dual_pieces`' ``warm``). Any λ ≥ 0
    #: bounds ``t`` (Moreau, docs/MATH.md §7), however stale
    kept: np.ndarray | None = None


#: a ``settle`` level for :func:`float_violations`: a group's estimate is refined only while
#: it is above this fraction of β² (below, it is an upper bound ≤ SETTLE·β², no projection).
#: exact.cutting's pruning asks only whether an estimate is ≤ β²(1 − PRUNE_BAND) = 0.95 β²,
#: which the settled estimates answer as the full descent would. Not the default: it changes
#: the carried estimates and so the rounds' path. From the changed (40, 5) guess the mpf
#: Newton of exact.certify stalled (RESULTS.md, session 9, wt-screen); with that Newton capped,
#: exact.dual_newton's polish still failed on the changed path at (30, 4) and (100, 4), and the
#: conic rounds then cost 2-3x (RESULTS.md, "Session 9: the merged main")
SETTLE = 0.95
#: descent sweeps before the active-set steps of :func:`float_violations`
_SWEEPS = 12
#: relative slack of the float drift bound (a guess: it only chooses the groups to re-screen)
DRIFT_SLACK = 1e-9
#: a descent residual r counts as inside its cone when ``â·r ≥ −FEASIBLE_TOL·‖r‖`` for every
#: facet; then ``(g·r)²/‖r‖²`` is a lower estimate of ``t`` that confirms a violation
FEASIBLE_TOL = 1e-9


def float_violations(fa: FacetArrays, v: np.ndarray, beta2: float, rel: float = 1e-7,
                     enough: int | None = None, state: ViolationState | None = None,
                     settle: float | None = None, warm_descent: bool = False
                     ) -> np.ndarray:
    """Float estimates of ``t_{i,s} = ‖Π_{C_i}(s XᵀD_i v)‖²`` (p × 2) at a float v.

    Entries whose norm or half-space bound is at most ``β²(1 + rel)`` are those bounds (the
    group is not violated); the others are float projections (a batched polar descent, then
    batched active-set steps, :func:`active_set_projection`, and NNLS on the facet rows where
    those cannot confirm), visited by decreasing bound.
    With ``enough``, the visit stops once that many groups are confirmed violated, and the
    groups not visited are marked NaN (unknown).

    With ``state`` (read and updated in place), the last round's upper estimates ``U`` at
    ``v₀`` are carried over: ``Π_C`` is 1-Lipschitz, so ``√t(v) ≤ √U + ‖XᵀD_i(v − v₀)‖``, and
    only the chambers where that drift bound exceeds the threshold are screened again (the
    others keep the drift bound as their entry); each group's last multipliers λ ≥ 0 give a
    third upper bound ``‖g + Σ λ_k â_k‖²`` at the new v and start its active-set steps.
    With ``settle`` (a fraction of β², e.g. :data:`SETTLE`), a descent row stops once its
    estimate is below ``settle·β²`` (never above the threshold): it is then only that upper
    bound. With ``warm_descent`` (and ``state``), the descent starts from each group's carried
    multipliers, and the rows it settles keep their largest multipliers for the next screen.
    Both keep every violated group; both change the estimates below the threshold.
    Floats only: this chooses cutting planes, it proves nothing.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> t = float_violations(fa, np.array([1.0, 1.0]), 0.25)
    >>> round(float(t.max()), 12)
    2.0
    >>> state = ViolationState()
    >>> t1 = float_violations(fa, np.array([0.1, 0.1]), 0.25, state=state)
    >>> t2 = float_violations(fa, np.array([0.1, 0.2]), 0.25, state=state)
    >>> bool((t2 <= 0.25).all()), round(float(t1.max()), 12)
    (True, 0.02)
    """
    p, fmax, d = fa.A.shape
    lim = beta2 * (1 + rel)
    out = np.full((p, 2), np.inf)
    if state is not None and state.v is not None and state.U is not None:
        # g_i = Xᵀ D_i v and the move Xᵀ D_i (v − v₀) in one pass over the patterns
        both = fa.P @ np.hstack([v[:, None] * fa.X, (v - state.v)[:, None] * fa.X])
        G, dG = np.ascontiguousarray(both[:, :d]), both[:, d:]
        drift = np.sqrt(np.einsum("ij,ij->i", dG, dG)) * (1 + DRIFT_SLACK) + 1e-300
        out = (np.sqrt(np.maximum(state.U, 0.0)) + drift[:, None]) ** 2
        live = np.flatnonzero(out.max(axis=1) > lim)
        del both, dG
    else:
        G = fa.P @ (v[:, None] * fa.X)  # p × d: g_i = Xᵀ D_i v
        live = np.arange(p)
    # the norm and half-space bounds of the chambers still in doubt
    K = min(d, fmax)
    warm = state is not None and state.sup is not None and state.mult is not None
    if state is not None and not warm:
        state.sup = np.full((p, 2, K), -1, dtype=np.int16)
        state.mult = np.zeros((p, 2, K))
    # in blocks of rows (views when they are consecutive: copying the facet arrays of all
    # chambers took 0.6 s per round at (100, 4))
    for q in range(0, len(live), SCREEN_BLOCK // 4):
        _bounds_block(fa, G, live[q:q + SCREEN_BLOCK // 4], out, state, warm, K)
    cand = np.argwhere(out > lim)
    # by decreasing bound, in slices: a batched descent first (most candidates fall below the
    # threshold without an NNLS); a violation is confirmed by the descent's residual r when it
    # lies in the cone (then (g·r)²/‖r‖² ≤ t), else by NNLS. Descent values alone are upper
    # bounds: counting them stopped the visit early, left groups NaN and ended the cutting
    # planes on a dual 3.5% infeasible ((30, 5)). With ``enough``, the visit stops once that
    # many are confirmed; the rest is NaN (unknown).
    step = 2 * _DESCENT_BLOCK
    ranked = _Ranked(-out[cand[:, 0], cand[:, 1]], 4 * step)
    # a descent row stops once below the settle level: it is then not violated whatever the
    # remaining sweeps do, and the rows that go on get the same λ as without the stop
    tgt = None if settle is None else min(settle * beta2, lim)
    found = 0
    stop = len(cand)
    for a in range(0, len(cand), step):
        c = cand[ranked.upto(a + step)[a:a + step]]
        c = c[np.argsort(fa.counts[c[:, 0]], kind="stable")]  # narrow descent blocks
        sg = (1 - 2 * c[:, 1])[:, None]
        gs = sg * G[c[:, 0]]
        lam0 = None
        if (warm_descent and warm and state is not None and state.sup is not None
                and state.mult is not None):
            lam0 = _scatter_multipliers(state.sup[c[:, 0], c[:, 1]],
                                        state.mult[c[:, 0], c[:, 1]], fmax)
        lam, r = polar_descent(fa, c[:, 0], gs, sweeps=_SWEEPS, target=tgt, lam0=lam0)
        rr = np.einsum("md,md->m", r, r)
        up = np.minimum(out[c[:, 0], c[:, 1]], rr)
        out[c[:, 0], c[:, 1]] = up
        over = up > lim
        if warm_descent and state is not None and state.sup is not None \
                and state.mult is not None and K:
            # the settled rows keep their descent's largest multipliers: at the next v they
            # give the warm bound and start the descent (v moves little between rounds)
            st = ~over
            top = (np.argpartition(-lam[st], K - 1, axis=1)[:, :K] if K < lam.shape[1]
                   else np.argsort(-lam[st], axis=1))
            tl = np.take_along_axis(lam[st], top, axis=1)
            state.sup[c[st, 0], c[st, 1]] = np.where(tl > 0, top, -1)
            state.mult[c[st, 0], c[st, 1]] = np.where(tl > 0, tl, 0.0)
        if state is not None:
            if state.kept is None:
                state.kept = np.zeros((p, 2, fmax), dtype=np.float32)
            # every row (the ones going on to the active-set steps are rewritten below)
            _keep_rows(state.kept, c, lam)
        c, gs, r, rr = c[over], gs[over], r[over], rr[over]
        lam = lam[over]
        # the support (the last round's, else the descent's), polished by a few batched
        # active-set steps: where the KKT conditions hold, ‖r‖² is the projection's value (up
        # to rounding). Measured, (40, 4): NNLS calls 11.8k → 1.5k over the rounds
        support = (state.sup[c[:, 0], c[:, 1]]
                   if warm and state is not None and state.sup is not None else None)
        rp, kkt, sidx, slam = active_set_projection(fa, c[:, 0], gs, lam, support=support)
        if state is not None and state.sup is not None and state.mult is not None and K:
            state.sup[c[:, 0], c[:, 1]] = sidx
            state.mult[c[:, 0], c[:, 1]] = np.maximum(slam, 0.0)
            if state.kept is not None and len(c):
                _keep_rows(state.kept, c, _scatter_multipliers(sidx, slam, fmax))
        tp = np.einsum("md,md->m", rp, rp)
        out[c[kkt, 0], c[kkt, 1]] = np.minimum(out[c[kkt, 0], c[kkt, 1]], tp[kkt])
        found += int(np.count_nonzero(tp[kkt] > lim))
        c, gs, r, rr = c[~kkt], gs[~kkt], r[~kkt], rr[~kkt]
        inside = (np.einsum("mkd,md->mk", fa.A[c[:, 0]], r)
                  >= -FEASIBLE_TOL * np.sqrt(rr)[:, None]).all(axis=1)
        gr = np.maximum(np.einsum("md,md->m", gs, r), 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            sure = inside & (gr * gr > lim * rr)
        found += int(np.count_nonzero(sure))
        found += _nnls_confirm(fa, G, c[~sure], out, lim)
        if enough is not None and found >= enough:
            stop = a + step
            break
    if state is not None:
        state.v, state.U = np.array(v, dtype=float), out.copy()
    rest = cand[ranked.after(stop)]
    out[rest[:, 0], rest[:, 1]] = np.nan
    return out


class _Ranked:
    """The stable increasing order of ``key`` (``np.argsort(key, kind="stable")``), sorted
    only as far as it is read: :meth:`upto` extends the sorted prefix (at least ``first``
    entries, then doubling) by every entry up to a partition value, ties included, in their
    original order; since the entries left are all above it, the prefix is that of the full
    order. The visit of :func:`float_violations` mostly stops after a third of its candidates,
    and sorting all of them was a tenth of its time at (40, 4)."""

    def __init__(self, key: np.ndarray, first: int) -> None:
        self.key, self.first = key, max(int(first), 1)
        self.done = np.zeros(0, dtype=np.int64)
        self.rest = np.arange(len(key))

    def upto(self, n: int) -> np.ndarray:
        """The order's first ``min(n, len(key))`` entries or more."""
        while len(self.done) < n and len(self.rest):
            want = max(self.first, len(self.done)) - 1
            kr = self.key[self.rest]
            if want >= len(kr) - 1:
                low = np.ones(len(kr), dtype=bool)
            else:
                low = kr <= np.partition(kr, want)[want]
            part = self.rest[low]
            self.done = np.concatenate([self.done, part[np.argsort(kr[low], kind="stable")]])
            self.rest = self.rest[~low]
        return self.done

    def after(self, n: int) -> np.ndarray:
        """The entries after the first n of the order (in any order)."""
        return np.concatenate([self.done[n:], self.rest])


def _keep_rows(kept: np.ndarray, c: np.ndarray, lam: np.ndarray) -> None:
    """``kept[i, col] = λ`` (p × 2 × f, :attr:`ViolationState.kept`) for the groups ``c`` (m ×
    2) and the rows of ``lam`` (m × f', f' ≤ f; zero beyond f'; floats only: whoever reads
    them checks what they prove).

    >>> kept = np.ones((1, 2, 3), dtype=np.float32)
    >>> _keep_rows(kept, np.array([[0, 1]]), np.array([[0.5, 2.0]]))
    >>> kept[0].tolist()
    [[1.0, 1.0, 1.0], [0.5, 2.0, 0.0]]
    """
    if not len(c):
        return
    flat = kept.reshape(-1, kept.shape[2])  # a view: one fancy index on 2p rows
    g = 2 * c[:, 0] + c[:, 1]
    w = min(lam.shape[1], flat.shape[1])
    if w == flat.shape[1]:
        flat[g] = lam[:, :w]  # (one fancy index without a slice: twice as fast)
    else:
        flat[g, w:] = 0.0
        flat[g, :w] = lam[:, :w]


def _scatter_multipliers(sup: np.ndarray, mult: np.ndarray, f: int) -> np.ndarray:
    """The compact multipliers ``(sup, mult)`` (m × K facet indices, −1 empty) as m × f."""
    r, k = np.nonzero(sup >= 0)
    # by bincount: a facet twice in a support adds up, as Σ λ_k â_k over the slots does
    w = np.maximum(mult[r, k], 0.0)
    return np.bincount(r * f + sup[r, k], weights=w, minlength=len(sup) * f).reshape(len(sup), f)


def _bounds_block(fa: FacetArrays, G: np.ndarray, rows: np.ndarray, out: np.ndarray,
                  state: ViolationState | None, warm: bool, K: int) -> None:
    """The norm, half-space and (``warm``) last-multiplier bounds of the chambers ``rows``
    into ``out`` (:func:`float_violations`); the better of the last two is kept in ``state``."""
    m = len(rows)
    if m == 0:
        return
    if screen_kernels.use(len(fa.counts)):
        screen_kernels.block_bounds(fa.A, G, rows, out, None if state is None else state.sup,
                                    None if state is None else state.mult, warm)
        return
    if int(rows[-1]) - int(rows[0]) + 1 == m:  # consecutive: views, no copies
        blk = slice(int(rows[0]), int(rows[-1]) + 1)
        Ab, Gl = fa.A[blk], G[blk]
    else:
        Ab, Gl = fa.A[rows], G[rows]
    S = np.einsum("ij,ij->i", Gl, Gl)
    C = np.einsum("ikd,id->ik", Ab, Gl)  # zero on the padding rows (â = 0)
    at = np.arange(m)
    for col, s in ((0, 1), (1, -1)):
        if C.shape[1]:
            best = np.argmin(C, axis=1) if s == 1 else np.argmax(C, axis=1)
            low = np.maximum(-s * C[at, best], 0.0)
        else:
            best, low = np.zeros(m, dtype=np.int64), np.zeros(m)
        hb = np.maximum(S - low * low, 0.0)
        if state is not None and state.sup is not None and state.mult is not None and K:
            # the last round's multipliers at the new v, where they beat the half-space bound
            if warm:
                sup, mult = state.sup[rows, col], state.mult[rows, col]
                # scattered to m × f and summed over the block's facet rows: gathering the
                # m × K × d support rows cost 5× more ((40, 5): 0.3 s per column and round)
                r = s * Gl + np.einsum("mk,mkd->md", _scatter_multipliers(sup, mult, Ab.shape[1]),
                                       Ab)
                sb = np.einsum("md,md->m", r, r)
                hs = ~(sb <= hb)
            else:  # no multipliers yet: their bound is the norm bound ‖g‖² ≥ hb, bit for bit
                sb, hs = S, np.ones(m, dtype=bool)
            # only the rows whose half-space bound won are rewritten (writing back every row
            # of the block was a tenth of the bounds' time at (40, 5))
            hr = rows[hs]
            ns = np.full((len(hr), state.sup.shape[2]), -1, dtype=state.sup.dtype)
            ns[:, 0] = np.where(low[hs] > 0, best[hs], -1)
            nm = np.zeros((len(hr), state.mult.shape[2]))
            nm[:, 0] = low[hs]
            state.sup[hr, col], state.mult[hr, col] = ns, nm
            hb = np.minimum(hb, sb)
        out[rows, col] = np.minimum(out[rows, col], hb)


def active_set_projection(fa: FacetArrays, rows: np.ndarray, Gs: np.ndarray,
                          lam: np.ndarray | None = None, steps: int | None = None,
                          tol: float = 1e-10, support: np.ndarray | None = None
                          ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Batched active-set steps for ``min_{λ ≥ 0} ‖g + Σ_k λ_k â_k‖²`` (one problem per row of
    ``Gs``, chamber ``rows[r]``): a support of at most d facets (started from the largest
    multipliers of ``lam`` or from ``support`` (m × K facet indices, −1 empty) when given, else
    from the most violated facet), the least-squares
    λ on it (one small regularised d × d system per problem, all solved at once), negative
    multipliers dropped, else the most violated facet added. Returns ``(r, kkt)``: the
    residual ``r = g + Âᵀλ`` and where the KKT conditions hold to ``tol·‖g‖`` (λ ≥ 0 on the
    support, ``â·r ≥ 0`` on every facet), i.e. where ``r`` is the projection ``Π_C(g)`` up to
    rounding, and the last support and multipliers ``(idx, λ)`` (m × K). Floats only.

    >>> from exact.convex import ConvexProgram
    >>> fa = facet_arrays(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1))
    >>> i = [k for k, sg in enumerate(fa.P.tolist()) if sg == [1.0, 1.0]][0]  # u ≥ 0
    >>> r, ok, _idx, _lam = active_set_projection(fa, np.array([i]), np.array([[-1.0, 2.0]]))
    >>> (r.round(9) + 0.0).tolist(), ok.tolist()
    ([[0.0, 2.0]], [True])
    """
    m = len(rows)
    f, d = fa.A.shape[1], fa.A.shape[2]
    K = min(d, f)  # a projection has at most d facets in its support
    if K == 0:  # no facets: the cone is the whole space
        return Gs.copy(), np.ones(m, dtype=bool), np.zeros((m, 0), np.int64), np.zeros((m, 0))
    steps = 2 * d + 2 if steps is None else steps
    scale = np.sqrt(np.einsum("md,md->m", Gs, Gs)) * tol + 1e-300
    idx = np.full((m, K), -1, dtype=np.int64)  # the support's facets, −1 for an empty slot
    if support is not None:
        idx[:] = support[:, :K]
        idx[idx >= fa.counts[rows][:, None]] = -1
    elif lam is not None:
        top = np.argsort(-lam, axis=1, kind="stable")[:, :K]
        pos = np.take_along_axis(lam, top, axis=1) > 0
        idx[:, :K] = np.where(pos, top, -1)
    else:
        valid = np.arange(f)[None, :] < fa.counts[rows][:, None]
        ag = np.einsum("mkd,md->mk", fa.A[rows], Gs)  # m × f × d, unit rows, zero padding
        first = np.argmin(np.where(valid, ag, np.inf), axis=1)
        hit = np.where(valid, ag, np.inf)[np.arange(m), first] < -scale
        idx[hit, 0] = first[hit]
    if screen_kernels.use(len(fa.counts)):
        return screen_kernels.active_set_steps(fa.A, fa.counts, rows, Gs, idx, scale, steps)
    return _numpy_active_set(fa, rows, Gs, idx, scale, steps)


def _numpy_active_set(fa: FacetArrays, rows: np.ndarray, Gs: np.ndarray, idx: np.ndarray,
                      scale: np.ndarray, steps: int
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The steps of :func:`active_set_projection` from the supports ``idx``, batched in
    numpy (what :func:`exact.screen_kernels.active_set_steps` does row by row)."""
    m = len(rows)
    f = fa.A.shape[1]
    K = idx.shape[1]
    A = fa.A[rows]
    valid = np.arange(f)[None, :] < fa.counts[rows][:, None]
    r = Gs.copy()
    ok = np.zeros(m, dtype=bool)
    todo = np.arange(m)
    eye = np.eye(K)[None, :, :]
    lam_out = np.zeros((m, K))
    idx_out = idx.copy()
    for _ in range(steps + 1):
        if not len(todo):
            break
        it = idx[todo]
        filled = it >= 0
        As = np.where(filled[:, :, None], A[todo[:, None], np.maximum(it, 0)], 0.0)  # m×K×d
        M = np.einsum("mkd,mld->mkl", As, As) + eye * np.where(filled, 1e-13, 1.0)[:, :, None]
        bvec = -np.einsum("mkd,md->mk", As, Gs[todo])
        try:
            lt = np.linalg.solve(M, bvec[:, :, None])[:, :, 0]
        except np.linalg.LinAlgError:  # pragma: no cover - a singular batch: NNLS decides
            break
        rt = Gs[todo] + np.einsum("mk,mkd->md", lt, As)
        r[todo] = rt
        lam_out[todo], idx_out[todo] = lt, it
        ar_all = np.einsum("mkd,md->mk", A[todo], rt)
        sc = scale[todo][:, None]
        insup = np.zeros((len(todo), f), dtype=bool)
        rr_, cc_ = np.nonzero(filled)
        insup[rr_, it[rr_, cc_]] = True
        neg = filled & (lt < -sc)
        viol = valid[todo] & ~insup & (ar_all < -sc)
        good = ~neg.any(axis=1) & ~viol.any(axis=1)
        ok[todo[good]] = True
        # the next support: drop the negative multipliers; with none, add the worst facet
        nxt = np.where(neg, -1, it)
        add = ~neg.any(axis=1) & viol.any(axis=1)
        worst = np.argmin(np.where(viol, ar_all, np.inf), axis=1)
        slot = np.argmin(nxt, axis=1)  # an empty slot (−1) when there is one
        room = nxt[np.arange(len(todo)), slot] < 0
        sel = add & room
        nxt[np.flatnonzero(sel), slot[sel]] = worst[sel]
        idx[todo] = nxt
        todo = todo[~good & ~(add & ~room)]  # a full support still violated: NNLS decides
    return r, ok, idx_out, lam_out


def _nnls_confirm(fa: FacetArrays, G: np.ndarray, c: np.ndarray, out: np.ndarray,
                  lim: float) -> int:
    """NNLS projections of the groups ``c`` (rows (i, col)) into ``out``; how many stay
    above ``lim``."""
    from arrangement.scipy_direct import nnls

    found = 0
    for i, col in c:
        k = int(fa.counts[i])
        if k:
            s = 1 - 2 * int(col)
            try:
                _lam, res = nnls(fa.A[i, :k].T, -s * G[i], maxiter=50 * k + 50)
                out[i, col] = min(out[i, col], float(res) ** 2)
            except RuntimeError:  # pragma: no cover - keep the bound
                pass
        found += bool(out[i, col] > lim)
    return found


# -- the exact re-check of the float dismissals --------------------------------------------------
def int_facets(cp) -> np.ndarray:
    """The chambers' integer facet rows, zero-padded to ``p × fmax × d`` (int64 when every
    entry is below 2⁶², else Python ints); built once per program.

    >>> from exact.convex import ConvexProgram
    >>> int_facets(ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)).shape
    (4, 2, 2)
    """
    return padded_facets(cp)[0]


def _ints(A: np.ndarray, bound: int) -> np.ndarray:
    """``A`` as int64 when ``bound`` (a proven bound on every value computed from it) is below
    2⁶², else as Python ints: the products below are then exact either way."""
    if bound < 2**62 and A.dtype != object:
        return A.astype(np.int64)
    return A.astype(object)


def _below(lhs: np.ndarray, scale: np.ndarray, thr: Fraction) -> np.ndarray:
    """``lhs_r ≤ thr · scale_r`` exactly, for integer arrays (compared as Python ints)."""
    lhs, scale = lhs.astype(object), scale.astype(object)
    return np.asarray(lhs * thr.denominator <= scale * thr.numerator, dtype=bool)


def exact_norm_ok(H: np.ndarray, den: int, rows: np.ndarray, thr: Fraction) -> np.ndarray:
    """Exactly, per r: ``‖H_{rows[r]} / den‖² ≤ thr`` (the norm bound's claim).

    >>> exact_norm_ok(np.array([[1, 1], [2, 0]]), 2, np.array([0, 1]), Fraction(1, 2)).tolist()
    [True, False]
    """
    Hr = H[rows]
    hmax = max(int(np.abs(Hr).max(initial=0)) if Hr.dtype != object else
               int(max(map(abs, Hr.flat), default=0)), 0)
    Hr = _ints(Hr, H.shape[1] * hmax * hmax)
    n2 = (Hr * Hr).sum(axis=1)
    return _below(n2, np.full(len(rows), den * den, dtype=object), thr)


def exact_facet_ok(AI: np.ndarray, H: np.ndarray, den: int, rows: np.ndarray, signs: np.ndarray,
                   ks: np.ndarray, thr: Fraction) -> np.ndarray:
    """Exactly, per r: the half-space bound of facet ``ks[r]`` of chamber ``rows[r]`` at
    ``g = signs[r]·H_{rows[r]}/den`` is ``≤ thr`` and the facet is violated (``a·g < 0``).

    With ``λ = −a·g/‖a‖²`` the bound is ``‖g + λa‖² = ‖g‖² − (a·g)²/‖a‖²`` (module docstring),
    so the test is ``(‖h‖²‖a‖² − (a·h)²)·td ≤ tn·den²·‖a‖²`` in integers (``thr = tn/td``).
    ``AI`` is :func:`int_facets`.

    >>> AI = np.array([[[1, 0], [0, 1]]])
    >>> H = np.array([[-2, 1]])
    >>> exact_facet_ok(AI, H, 1, np.array([0, 0]), np.array([1, -1]), np.array([0, 0]),
    ...                Fraction(1)).tolist()
    [True, False]
    """
    A = AI[rows, ks]  # m × d
    Hr = H[rows]
    d = H.shape[1]
    amax = int(np.abs(A).max(initial=0)) if A.dtype != object else int(max(
        map(abs, A.flat), default=0))
    hmax = int(np.abs(Hr).max(initial=0)) if Hr.dtype != object else int(max(
        map(abs, Hr.flat), default=0))
    bound = (d * amax * hmax) ** 2 + 1
    A, Hr = _ints(A, bound), _ints(Hr, bound)
    sg = signs.astype(A.dtype)
    ag = sg * (A * Hr).sum(axis=1)  # a·(s h)
    aa = (A * A).sum(axis=1)
    n2 = (Hr * Hr).sum(axis=1)
    lhs = n2 * aa - ag * ag  # ≥ 0 (Cauchy–Schwarz), no overflow by the bound
    ok = _below(lhs, aa.astype(object) * (den * den), thr)
    return ok & np.asarray(ag < 0, dtype=bool)


def dyadic_integers(mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Exact integers for rows of dyadic floats ``μ ≥ 0``: ``(N, Q)`` with ``μ_r = N_r / Q_r``
    (Python ints; ``Q_r`` a power of two).

    >>> N, Q = dyadic_integers(np.array([[0.5, 3.0], [0.0, 0.0]]))
    >>> N.tolist(), Q.tolist()
    ([[1, 6], [0, 0]], [2, 1])
    """
    M, _tz, shift, base, _nz = _dyadic_parts(mu)
    N = M.astype(object) << shift.astype(object)  # exact Python ints, elementwise
    Q = np.ones(len(base), dtype=object) << (-base).astype(object)
    return N, Q


def _dyadic_parts(mu: np.ndarray) -> tuple[np.ndarray, ...]:
    """``(M, tz, shift, base, nz)`` with ``μ_rk = M_rk·2^(shift_rk + base_r)`` exactly: M an odd
    int64 below 2^53 (frexp, its ``tz`` trailing zero bits stripped), ``Q_r = 2^(−base_r)`` the
    common denominator of row r, ``shift ≥ 0``; ``nz`` marks the nonzero entries."""
    m, e = np.frexp(mu)  # μ = m·2^e, m·2^53 an exact integer
    M = (m * 2.0**53).astype(np.int64)
    E = e.astype(np.int64) - 53
    nz = M != 0
    # strip the trailing zero bits (so the common exponent stays small): the lowest set bit
    # of M is M & −M, a power of two whose log2 is exact in floats
    tz = np.where(nz, np.log2(np.where(nz, M & -M, 1).astype(float)).astype(np.int64), 0)
    M, E = M >> tz, E + tz
    big = np.iinfo(np.int64).max
    emin = np.where(nz, E, big).min(axis=1, initial=big)
    base = np.minimum(np.where(emin == big, 0, emin), 0)  # Q_r = 2^(−base_r)
    shift = np.where(nz, E - base[:, None], 0)
    return M, tz, shift, base, nz


def exact_multipliers_ok(AI: np.ndarray, H: np.ndarray, den: int, rows: np.ndarray,
                         signs: np.ndarray, mu: np.ndarray, thr: Fraction) -> np.ndarray:
    """Exactly, per r: ``‖s_r H_i/den + Σ_k μ_rk a_ik‖² ≤ thr`` (i = rows[r]) for dyadic float
    multipliers ``μ ≥ 0`` (:func:`descent_multipliers`): with ``μ_r = N_r/Q_r``, the test is
    ``‖s_r Q_r H_i + den Σ_k N_rk a_ik‖²·td ≤ tn·den²·Q_r²`` in Python integers.

    >>> AI = np.array([[[1, 0], [0, 1]]])
    >>> exact_multipliers_ok(AI, np.array([[-1, 2]]), 1, np.array([0, 0]), np.array([1, 1]),
    ...                      np.array([[1.0, 0.0], [0.5, 0.0]]), Fraction(4)).tolist()
    [True, False]
    """
    if len(rows) == 0:
        return np.zeros(0, dtype=bool)
    if np.any(~np.isfinite(mu)) or np.any(mu < 0):
        return np.zeros(len(rows), dtype=bool)
    f = mu.shape[1]
    out = np.zeros(len(rows), dtype=bool)
    # in blocks of rows: the m × f × d object arrays of a (40, 5) solve took gigabytes at once
    for a in range(0, len(rows), _EXACT_BLOCK):
        b = slice(a, a + _EXACT_BLOCK)
        out[b] = _multipliers_ok_block(AI, H, den, rows[b], signs[b], mu[b], thr, f)
    return out


#: rows per block of :func:`exact_multipliers_ok`
_EXACT_BLOCK = 4096


def _multipliers_ok_block(AI: np.ndarray, H: np.ndarray, den: int, rows: np.ndarray,
                          signs: np.ndarray, mu: np.ndarray, thr: Fraction, f: int
                          ) -> np.ndarray:
    fast = _multipliers_ok_int64(AI, H, den, rows, signs, mu, thr, f)
    if fast is not None:
        return fast
    N, Q = dyadic_integers(mu)
    A = AI[rows, :f]  # m × f × d
    Hr = H[rows].astype(object)
    # Σ_k N_k a_k: N split into 31-bit limbs, each limb's sum in int64 when a bound proves it
    # exact (limb < 2^31, |a| < 2^abits, f terms: below 2^62), recombined in Python ints (m × d
    # big-integer operations instead of m × f × d); else all in Python ints. Same integers.
    # N_rk = μ_rk·Q_r < 2^(e_rk + log2 Q_r) with μ = m·2^e, 1/2 ≤ m < 1 (frexp)
    qbits = np.array([int(q).bit_length() - 1 for q in Q], dtype=np.int64)
    nbits = int(np.max(np.frexp(mu)[1] + qbits[:, None], initial=0))
    abits = (int(np.abs(A.astype(np.int64)).max(initial=0)).bit_length()
             if A.dtype != object else 64)
    limbs = -(-max(nbits, 1) // 31)
    if A.dtype != object and 31 + abits + max(f, 1).bit_length() < 62 and limbs <= 8:
        A64 = A.astype(np.int64)
        S = np.zeros((len(rows), A.shape[2]), dtype=object)
        rest = N
        for t in range(limbs):
            low = (rest & (2**31 - 1)).astype(np.int64)
            rest = rest >> 31
            part = np.einsum("mk,mkd->md", low, A64).astype(object)
            S = S + (part << (31 * t) if t else part)
        if rest.any():  # pragma: no cover - the bit bound above is proven; never drop bits
            S = (N[:, :, None] * A.astype(object)).sum(axis=1)
    else:
        S = (N[:, :, None] * A.astype(object)).sum(axis=1)
    R = (signs.astype(object) * Q)[:, None] * Hr + den * S
    return _below((R * R).sum(axis=1), Q * Q * (den * den), thr)


def _multipliers_ok_int64(AI: np.ndarray, H: np.ndarray, den: int, rows: np.ndarray,
                          signs: np.ndarray, mu: np.ndarray, thr: Fraction, f: int
                          ) -> np.ndarray | None:
    """The test of :func:`_multipliers_ok_block` with ``N`` and ``S = Σ_k N_k a_k`` in int64,
    or None when a bit bound cannot prove them exact there (the caller then takes the Python
    integer path). The same integers as :func:`dyadic_integers`: ``μ = M·2^E`` (frexp, M an
    integer below 2^53, its trailing zero bits stripped), ``Q_r = 2^(−base_r)``, ``N = M <<
    (E − base)``; only ``Q``, ``H`` and the residual are Python integers (m × d big-integer
    operations, against m × f for N and m × d per 31-bit limb of N before: (40, 5) 2.2 → 1.0 s).
    """
    A = AI[rows, :f]
    if A.dtype == object:
        return None
    M, tz, shift, base, nz = _dyadic_parts(mu)
    # bits of N_rk = M_rk·2^shift_rk: below 53 − tz + shift (M < 2^53 before the strip)
    nbits = int(np.where(nz, 53 - tz + shift, 0).max(initial=0))
    A64 = A.astype(np.int64)
    abits = int(np.abs(A64).max(initial=0)).bit_length()
    if nbits + abits + max(f, 1).bit_length() >= 62:
        return None
    N = np.where(nz, M << np.where(nz, shift, 0), 0)
    S = np.einsum("mk,mkd->md", N, A64).astype(object)  # |S| < 2^62 by the bound: exact
    Q = np.ones(len(base), dtype=object) << (-base).astype(object)
    R = (signs.astype(object) * Q)[:, None] * H[rows].astype(object) + den * S
    return _below((R * R).sum(axis=1), Q * Q * (den * den), thr)


def join_rows(rows: np.ndarray, parts: list[np.ndarray]) -> np.ndarray:
    """``rows`` followed by the blocks ``parts``, all zero-padded on the right to the widest:
    how the dismissal stores join the multiplier rows recorded block by block (one
    concatenation when read, not one per block).

    >>> join_rows(np.zeros((0, 0)), [np.ones((1, 2)), np.ones((1, 3))]).tolist()
    [[1.0, 1.0, 0.0], [1.0, 1.0, 1.0]]
    """
    blocks = ([rows] if rows.shape[0] else []) + list(parts)
    if not blocks:
        return rows
    width = max(q.shape[1] for q in blocks)
    return np.concatenate([np.pad(q, ((0, 0), (0, width - q.shape[1]))) for q in blocks])


class Dismissals(Mapping):
    """The multipliers λ of the groups a dual bound settled, ``{(i, s): λ}`` as a read-only
    mapping, stored compactly (no per-group Python objects until a group is asked for):

    * half-space bounds: the facet index per group; ``λ_k = max(0, −a·g)/‖a‖²``, computed from
      the exact ``H``/``den`` on demand (:func:`exact_facet_lambda`);
    * descent multipliers: a row of dyadic floats per group (exact rationals);
    * any other group: an explicit tuple of Fractions (``table[(i, s)] = λ``).

    >>> t = Dismissals([[(1, 0), (0, 1)]], np.array([[-2, 1]]), 1)
    >>> t.add_facets(np.array([0]), np.array([0]), np.array([0]))
    >>> t[(0, 1)], (0, -1) in t, len(t)
    ((Fraction(2, 1), Fraction(0, 1)), False, 1)
    """

    def __init__(self, cones, H: np.ndarray, den: int):
        self.cones, self.H, self.den = cones, H, den
        p = len(cones)
        self._sizes = cone_sizes(cones)  # facet counts (a ConeList builds rows on access)
        #: per chamber and sign column: 0 none, 1 facet, 2 multiplier row, 3 explicit
        self.code = np.zeros((p, 2), dtype=np.int8)
        self.arg = np.full((p, 2), -1, dtype=np.int64)
        self._mu_parts: list[np.ndarray] = []  # joined on first read (no repeated vstack)
        self._mu_rows = 0
        self._mu = np.zeros((0, 0))
        self.extra: dict = {}

    @property
    def mu(self) -> np.ndarray:
        """The recorded multiplier rows, one per group of code 2 (row ``arg[i, col]``)."""
        if self._mu_parts:
            self._mu, self._mu_parts = join_rows(self._mu, self._mu_parts), []
        return self._mu

    def add_facets(self, rows: np.ndarray, cols: np.ndarray, ks: np.ndarray) -> None:
        """Record half-space bounds: group ``(rows[r], 1 − 2·cols[r])`` by facet ``ks[r]``."""
        self.code[rows, cols] = 1
        self.arg[rows, cols] = ks

    def add_multipliers(self, rows: np.ndarray, cols: np.ndarray, mu: np.ndarray) -> None:
        """Record dyadic float multiplier rows ``mu[r]`` (≥ 0, exact) for the given groups."""
        base = self._mu_rows
        if len(rows):
            self._mu_parts.append(np.array(mu, dtype=float))
            self._mu_rows += len(rows)
        self.code[rows, cols] = 2
        self.arg[rows, cols] = base + np.arange(len(rows))

    def __setitem__(self, g, lam) -> None:
        i, s = g
        col = 0 if s == 1 else 1
        self.code[i, col] = 3
        self.extra[g] = tuple(lam)

    def __getitem__(self, g):
        i, s = g
        col = 0 if s == 1 else 1
        c = int(self.code[i, col]) if 0 <= i < len(self.code) else 0
        if c == 0:
            raise KeyError(g)
        if c == 3:
            return self.extra[g]
        k = int(self.arg[i, col])
        f = int(self._sizes[i])
        if c == 1:
            return exact_facet_lambda(cone_row(self.cones, i, k), self.H[i], self.den, s, f, k)
        return tuple(Fraction(float(x)) for x in self.mu[k, :f])

    def ratios(self, g) -> list[tuple[int, int]] | None:
        """λ of ``g`` as reduced ``(numerator, denominator)`` pairs (None when not recorded),
        without building Fractions (for the certificate writer)."""
        i, s = g
        col = 0 if s == 1 else 1
        c = int(self.code[i, col])
        if c == 0:
            return None
        f = int(self._sizes[i])
        if c == 1:
            k = int(self.arg[i, col])
            a = cone_row(self.cones, i, k)
            ag = s * sum(int(x) * int(y) for x, y in zip(a, self.H[i]))
            num, den = max(0, -ag), sum(int(x) * int(x) for x in a) * self.den
            q = math.gcd(num, den)
            out = [(0, 1)] * f
            out[k] = (num // q, den // q)
            return out
        if c == 2:
            return [float(x).as_integer_ratio() for x in self.mu[int(self.arg[i, col]), :f]]
        return [(x.numerator, x.denominator) for x in map(Fraction, self.extra[g])]

    def multiplier_rows(self, b0: int, b1: int) -> np.ndarray:
        """For chambers ``b0 … b1 − 1`` (rows) and the signs +1, −1 (columns): the row of
        :attr:`mu` holding the group's descent multipliers, −1 where λ is recorded otherwise
        (for a writer that turns whole blocks of them into text at once).

        >>> t = Dismissals([[(1, 0)], [(0, 1)]], np.array([[1, 0], [0, 1]]), 1)
        >>> t.add_multipliers(np.array([1]), np.array([1]), np.array([[0.5]]))
        >>> t.multiplier_rows(0, 2).tolist()
        [[-1, -1], [-1, 0]]
        """
        return np.where(self.code[b0:b1] == 2, self.arg[b0:b1], -1)

    def __iter__(self):
        for i, col in zip(*np.nonzero(self.code)):
            yield (int(i), 1 - 2 * int(col))

    def __len__(self) -> int:
        return int(np.count_nonzero(self.code))


# -- the certified dismissals: float bounds, each re-checked exactly -------------------------------
#: chambers per block of :func:`blocked_screen` (its p × fmax float temporaries were part of a
#: (40, 5) solve's peak memory)
SCREEN_BLOCK = 32768

#: groups per block of the descent multipliers in :func:`proven_below` (their m × f × d float
#: temporaries and their proof were the peak of a (40, 5) solve's memory)
DESCENT_BLOCK = 16384


def blocked_screen(fa: FacetArrays, H: np.ndarray, den: int, thr: Fraction,
                   gF: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``(status, facet)`` of :func:`rigorous_screen` computed on blocks of
    :data:`SCREEN_BLOCK` chambers (views of the facet arrays): the same values as one call.
    ``gF``: :func:`float_g` of ``H`` when the caller has it already.

    >>> from exact.convex import ConvexProgram
    >>> from exact.certify import h_matrix
    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> fa = facet_arrays(cp)
    >>> H, den = h_matrix(cp, (Fraction(1, 2), Fraction(-1, 2)))
    >>> status, facet = blocked_screen(fa, H, den, Fraction(1, 4))
    >>> bool((status == rigorous_screen(fa, H, den, Fraction(1, 4)).status).all())
    True
    """
    from dataclasses import replace

    p = H.shape[0]
    status = np.zeros((p, 2), dtype=np.int8)
    facet = np.full((p, 2), -1, dtype=np.int64)
    for a in range(0, p, SCREEN_BLOCK):
        b = slice(a, a + SCREEN_BLOCK)
        part = replace(fa, A=fa.A[b], counts=fa.counts[b], P=fa.P[b],
                       raw=None if fa.raw is None else fa.raw[b],
                       raw_norms=None if fa.raw_norms is None else fa.raw_norms[b])
        r = rigorous_screen(part, H[b], den, thr, None if gF is None else gF[b])
        status[b], facet[b] = r.status, r.facet
    return status, facet


def proven_below(cp, fa: FacetArrays, H: np.ndarray, den: int, thr: Fraction,
                 skip: np.ndarray | None = None, record: Dismissals | None = None,
                 gF: np.ndarray | None = None, ih=None) -> np.ndarray:
    """The groups (a p × 2 mask, column 0 for s = +1) *proven* to have
    ``‖Π_{C_i}(s H_i/den)‖² ≤ thr``: the float norm, half-space and descent-multiplier bounds
    of this module, each dismissal re-checked in exact integers (:func:`exact_norm_ok`,
    :func:`exact_facet_ok`, :func:`exact_multipliers_ok`); a failed re-check leaves the group
    unproven, for the caller's exact projection. Groups in ``skip`` are not screened. The
    half-space and multiplier proofs are added to ``record`` (the certificate's dismissals).
    Used by the dual pass of :func:`exact.certify.dual_pieces` and by the extras
    (:func:`exact.optimal_set.screened_projections`). ``gF``: :func:`float_g` of ``H`` when the
    caller has it already (None: computed here).

    ``ih`` (optional): the same ``H`` as int64 intervals (:class:`exact.interval_pass.IntervalH`);
    each re-check is then tried first exactly in int64 on the intervals
    (:meth:`~exact.interval_pass.IntervalH.proven`: integer multipliers on the ``H/2^k``
    scale), and only the groups it leaves take the Python-integer checks above. The descent
    multipliers it proves are recorded as integer rows (``record.add_scaled``, which ``record``
    must then offer: :class:`exact.interval_pass.ScaledDismissals`).

    >>> from exact.convex import ConvexProgram
    >>> from exact.certify import h_matrix
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> H, den = h_matrix(cp, (Fraction(1, 10), Fraction(-1, 10), Fraction(1, 10)))
    >>> done = proven_below(cp, facet_arrays(cp), H, den, Fraction(1, 200))
    >>> done.shape, bool(done.any())
    ((6, 2), True)
    >>> from exact.interval_pass import IntervalH
    >>> ih = IntervalH(cp, (Fraction(1, 10), Fraction(-1, 10), Fraction(1, 10)))
    >>> bool((proven_below(cp, facet_arrays(cp), H, den, Fraction(1, 200), ih=ih) == done).all())
    True
    """
    if gF is None:  # once, for the screen and the descent below
        gF = float_g(H, den)
    status, facet = blocked_screen(fa, H, den, thr, gF)
    if skip is not None:
        status[skip] = 0
    AI = int_facets(cp)
    if AI.dtype == object:
        ih = None  # the int64 interval checks need int64 facets
    T = ih.threshold(thr) if ih is not None else 0
    rows, cols = np.nonzero(status == 1)
    if len(rows):
        ok = ih.proven(AI, rows, cols, None, T) if ih is not None else np.zeros(len(rows), bool)
        rest = np.flatnonzero(~ok)
        if len(rest):
            ok[rest] = exact_norm_ok(H, den, rows[rest], thr)
        status[rows[~ok], cols[~ok]] = 0
    rows, cols = np.nonzero(status == 2)
    if len(rows):
        ks = facet[rows, cols]
        ok = np.zeros(len(rows), dtype=bool)
        if ih is not None:
            # λ of the facet on the H/2^k scale, rounded: any λ ≥ 0 bounds the half-space
            # bound from above, and the recorded exact λ (the best one) is then below too
            a = fa.raw[rows, ks] if fa.raw is not None else None
            if a is not None:
                sg = (1 - 2 * cols).astype(float)
                aa = np.einsum("md,md->m", a, a)
                with np.errstate(all="ignore"):
                    lam = -sg * np.einsum("md,md->m", a, ih.mid[rows]) / np.where(aa > 0, aa, 1)
                ok = ih.proven(AI, rows, cols, int_multipliers(lam), T, facet=ks)
        rest = np.flatnonzero(~ok)
        if len(rest):
            ok[rest] = exact_facet_ok(AI, H, den, rows[rest], 1 - 2 * cols[rest], ks[rest], thr)
        status[rows[~ok], cols[~ok]] = 0
        if record is not None:
            record.add_facets(rows[ok], cols[ok], ks[ok])
    done = status > 0
    # the rest: batched polar-cone descent, its multipliers proven in floats, then exactly
    und = np.argwhere(~(done if skip is None else done | skip))
    if len(und):  # by facet count: narrow descent blocks (polar_descent)
        und = und[np.argsort(fa.counts[und[:, 0]], kind="stable")]
    if gF is None and len(und):
        gF = float_g(H, den)
    scaled = ih is not None and record is not None and hasattr(record, "add_scaled")
    scaled_parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for a in range(0, len(und) if gF is not None else 0, DESCENT_BLOCK):
        assert gF is not None  # the range is empty otherwise
        ub = und[a:a + DESCENT_BLOCK]
        sg = (1 - 2 * ub[:, 1])[:, None]
        if ih is not None and (scaled or record is None):
            # int64 interval proofs of the descent's multipliers, rounded to integers on the
            # H/2^k scale (λ = μ·2^k/den); the groups they leave take the float filter and
            # the Python-integer check with the same descent's dyadic multipliers
            Gs = sg * gF[ub[:, 0]]
            # rows stop at 0.98 thr: the int64 intervals then keep a margin to spare
            lam, _r = polar_descent(fa, ub[:, 0], Gs, target=0.98 * float(thr))
            mu_f = _raw_multipliers(fa, ub[:, 0], lam)
            mi = scaled_int_multipliers(mu_f, den, ih.k)
            ok = interval_proven(ih, AI, ub[:, 0], ub[:, 1], mi, T)
            if record is not None and ok.any():
                # recorded once at the end: add_scaled stacks its rows (quadratic per block)
                scaled_parts.append((ub[ok, 0], ub[ok, 1], mi[ok]))
            done[ub[ok, 0], ub[ok, 1]] = True
            m_, e_ = np.frexp(mu_f[~ok])
            mu = np.maximum(np.ldexp(np.round(m_ * 2.0**30), e_ - 30), 0.0)
            ub, Gs = ub[~ok], Gs[~ok]
            proved = multiplier_bounds_below(fa, ub[:, 0], Gs, mu, thr)
        else:
            mu, proved = descent_multipliers(fa, ub[:, 0], sg * gF[ub[:, 0]], thr)
        sel = np.flatnonzero(proved)
        if len(sel):
            r, c = ub[sel, 0], ub[sel, 1]
            ok = exact_multipliers_ok(AI, H, den, r, 1 - 2 * c, mu[sel], thr)
            if record is not None:
                record.add_multipliers(r[ok], c[ok], mu[sel[ok]])
            done[r[ok], c[ok]] = True
    if scaled_parts and record is not None:
        width = max(q[2].shape[1] for q in scaled_parts)
        record.add_scaled(np.concatenate([q[0] for q in scaled_parts]),  # type: ignore[attr-defined]
                          np.concatenate([q[1] for q in scaled_parts]),
                          np.concatenate([np.pad(q[2], ((0, 0), (0, width - q[2].shape[1])))
                                          for q in scaled_parts]))
    return done


def interval_proven(ih, AI: np.ndarray, rows: np.ndarray, cols: np.ndarray,
                    mu: np.ndarray | None, T: int, facet: np.ndarray | None = None
                    ) -> np.ndarray:
    """:meth:`exact.interval_pass.IntervalH.proven` (the same claims, the same int64 bounds
    against overflow): exactly, per group ``(rows[r], s = 1 − 2·cols[r])``, ``‖s H_i/2^k +
    Σ_k μ_rk a_ik‖² ≤ T`` for every H in ``ih``'s interval, with integer multipliers μ ≥ 0;
    the multiplier sums by one int64 einsum over the used facet columns (a loop over the
    columns with a gather each was most of the dual pass's interval proofs at (40, 5)).

    >>> from exact.convex import ConvexProgram
    >>> from exact.interval_pass import IntervalH
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> ih = IntervalH(cp, (Fraction(1, 10), Fraction(-1, 10), Fraction(1, 10)))
    >>> AI = int_facets(cp)
    >>> rows, cols = np.arange(cp.p), np.zeros(cp.p, dtype=np.int64)
    >>> mu = np.ones((cp.p, AI.shape[1]), dtype=np.int64)
    >>> T = ih.threshold(Fraction(1, 50))
    >>> bool((interval_proven(ih, AI, rows, cols, mu, T)
    ...       == ih.proven(AI, rows, cols, mu, T)).all())
    True
    """
    if mu is None or facet is not None:
        return ih.proven(AI, rows, cols, mu, T, facet)
    s = (1 - 2 * cols)[:, None]
    lo = np.where(s > 0, ih.Hl[rows], -ih.Hh[rows])
    hi = np.where(s > 0, ih.Hh[rows], -ih.Hl[rows])
    f = mu.shape[1]
    amax = ih.amax if ih.amax else max(int(np.abs(AI).max(initial=0)), 1)
    ih.amax = amax
    # |Σ_k μ_k a_k| ≤ f · max μ · max|a| < 2^62: no overflow
    ok = mu.max(axis=1, initial=0) < (2**62) // (max(f, 1) * amax)
    mu = np.where(ok[:, None], mu, 0)
    used = np.flatnonzero(mu.any(axis=0))
    if len(used):
        fb = int(used[-1]) + 1
        M = np.einsum("mk,mkd->md", mu[:, :fb], AI[rows, :fb])
        lo, hi = lo + M, hi + M
    R = np.maximum(np.abs(lo), np.abs(hi))
    ok &= (R < 2**ih.h1).all(axis=1)
    R = np.where(ok[:, None], R, 0)
    return ok & ((R * R).sum(axis=1) <= T)


def int_multipliers(lam: np.ndarray) -> np.ndarray:
    """Float multipliers rounded to int64 integers ≥ 0; a non-finite or huge one becomes 0
    (any λ ≥ 0 gives a valid Moreau bound: never a negative or wrapped int64).

    >>> int_multipliers(np.array([[1.4, -2.0, np.nan, 1e300]])).tolist()
    [[1, 0, 0, 0]]
    """
    with np.errstate(all="ignore"):
        x = np.rint(lam)
        x = np.where(np.isfinite(x) & (x > 0) & (x < 2.0**62), x, 0.0)
    return x.astype(np.int64)


def scaled_int_multipliers(lam: np.ndarray, den: int, k: int) -> np.ndarray:
    """The multipliers ``λ`` of ``g = H/den`` as the int64 multipliers ``μ ≈ λ·den/2^k`` of the
    interval rows ``H/2^k`` (:class:`exact.interval_pass.IntervalH`), by
    :func:`int_multipliers`; when ``den/2^k`` overflows a float every one becomes 0 (still a
    valid Moreau bound).

    >>> scaled_int_multipliers(np.array([[0.5, 2.0]]), 12, 2).tolist()
    [[2, 6]]
    >>> scaled_int_multipliers(np.array([[1.0]]), 2**1100, 0).tolist()
    [[0]]
    """
    try:
        scale = den / (1 << k)  # int / int: no float overflow below 2^1024
    except OverflowError:
        scale = math.inf
    with np.errstate(all="ignore"):
        return int_multipliers(lam * scale)
