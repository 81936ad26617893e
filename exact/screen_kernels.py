"""Compiled inner loops of the float screen (:mod:`exact.screen`), by numba.

The screen's batched polar descent steps one facet of every row at a time: about ten numpy
passes over the block per step, and most of their time went to the calls themselves ((40, 4)
bench solve: 22 descents, ~50k numpy calls). Here the same step is one fused loop over the
rows, compiled once per dimension d (so the loops over d unroll and the loop over rows
vectorises).

The descent and the bounds do the same float operations in the same order as the numpy code
they replace, so their results are identical bit for bit (tests/test_screen_kernels.py). The
batched active-set steps of the projections are compiled too, one row at a time; their small
linear systems are solved by Gaussian elimination instead of LAPACK, so they agree with
numpy's to rounding only, and the cutting planes' path can differ with and without numba
(benchmarks/RESULTS.md, session 15). All of this only speeds up float *guesses*; nothing here
is a claim (the certificate is always exact).

The screen asks :func:`use` with its program's chamber count: the compiled loops run on
programs of at least :data:`MIN_CHAMBERS` chambers, and only once the process has finished
:data:`WARM_SOLVES` certified solve of that size in numpy (:func:`solved`). numba's import,
first dispatch and cached kernels cost 0.3–0.45 s and ~120 MB per process, more than they save
in one solve: a one-shot `relucvx solve` of the (40, 4) bench instance took 1.09–1.14 s wall
with numpy against 1.39–1.66 s compiled, 17-digit diabetes (40, 4) 1.23–1.33 against
1.70–1.91 s, and the (100, 4) scale solve 14.9 s against 19.7–20.1 s; (40, 5) 4.8–5.0 against
3.6–4.7 s (benchmarks/RESULTS.md, session 16). A process that solves again (notebooks, the
fuzzer, the benchmarks' repetitions, a library user's loop) gets the compiled loops from its
second solve on. ``RELUCVX_NUMBA=0`` (or numba missing) keeps every loop in numpy,
``RELUCVX_NUMBA=1`` compiles from the first solve.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np

__all__ = ["MIN_CHAMBERS", "WARM_SOLVES", "active_set_steps", "block_bounds",
           "descent_sweeps", "enabled", "solved", "use"]

#: programs with fewer chambers stay in numpy (no numba import, no dispatch)
MIN_CHAMBERS = 2048

#: certified solves of programs of at least MIN_CHAMBERS chambers that a process finishes in
#: numpy before it compiles (the fixed cost is then spread over a process that solves again)
WARM_SOLVES = 1

#: the compiled kernels by (factory, d), made on first use
_kernels: dict[tuple[Callable, int], Callable] = {}
_state = {"tried": False, "ok": False, "solved": 0, "solving": 0}


def enabled() -> bool:
    """Whether the compiled loops are used (numba importable and not switched off by
    ``RELUCVX_NUMBA=0``); imports numba on the first call that answers True.

    >>> isinstance(enabled(), bool)
    True
    """
    if os.environ.get("RELUCVX_NUMBA", "1") == "0":
        return False
    if not _state["tried"]:
        _state["tried"] = True
        try:
            import numba  # noqa: F401
        except Exception:  # not installed, or a broken LLVM: numpy does the work
            _state["ok"] = False
        else:
            _state["ok"] = True
    return bool(_state["ok"])


def _kernel(make: Callable[[int], Callable], D: int) -> Callable:
    """The kernel ``make(D)``, compiled (or loaded from numba's cache) once per process."""
    kern = _kernels.get((make, D))
    if kern is None:
        kern = _kernels[make, D] = make(D)
    return kern


def use(chambers: int) -> bool:
    """Whether a screen of a program with this many chambers runs the compiled loops: at
    least :data:`MIN_CHAMBERS` of them, the process warm (:data:`WARM_SOLVES` large solves
    finished, or ``RELUCVX_NUMBA=1``), and :func:`enabled`. A warm process compiles for a
    certified solve (:func:`solving`) only; a screen outside one (the optimal set of `relucvx
    solve`'s extras, right after its one solve) uses the loops only once they are compiled:
    loading numba and its cached kernels there took 0.6 s of a 0.95 s command on
    ``example:generic20x4``, for 0.03 s of screening.

    >>> use(10)
    False
    """
    if chambers < MIN_CHAMBERS:
        return False
    if os.environ.get("RELUCVX_NUMBA") != "1":
        if _state["solved"] < WARM_SOLVES or not (_state["solving"] or _kernels):
            return False
    return enabled()


@contextmanager
def solving() -> Iterator[None]:
    """The extent of a certified solve (:func:`exact.certify.solve`), for :func:`use`.

    >>> with solving():
    ...     _state["solving"] > 0
    True
    """
    _state["solving"] += 1
    try:
        yield
    finally:
        _state["solving"] -= 1


def solved(chambers: int) -> None:
    """Count a finished certified solve of a program with this many chambers (called by
    :func:`exact.certify.solve`); from :data:`WARM_SOLVES` of at least :data:`MIN_CHAMBERS`
    on, :func:`use` compiles.

    >>> before = _state["solved"]; solved(10); _state["solved"] == before
    True
    """
    if chambers >= MIN_CHAMBERS:
        _state["solved"] += 1


def _lane_dot_py(x, y, D):  # pragma: no cover - compiled as _lane_dot
    """``x·y`` over D entries in the order of numpy's einsum over a contiguous last axis of
    length D < 8 (exact.screen._lane_sum): the even terms in turn, the odd terms in turn,
    then the two sums; plainly in turn otherwise."""
    if 2 <= D < 8:
        q0 = x[0] * y[0]
        q1 = x[1] * y[1]
        for h in range(1, D // 2):
            q0 = q0 + x[2 * h] * y[2 * h]
            q1 = q1 + x[2 * h + 1] * y[2 * h + 1]
        if D % 2:
            q0 = q0 + x[D - 1] * y[D - 1]
        return q0 + q1
    c = 0.0
    for j in range(D):
        c += x[j] * y[j]
    return c


_lane_dot: Callable  # compiled from _lane_dot_py by _helpers(), on first use


def _helpers() -> None:
    """The compiled helpers the kernels call, as module globals (a kernel that calls a compiled
    *closure* is compiled again in every process; a global one is cached with it)."""
    global _lane_dot
    if "_lane_dot" not in globals():
        import numba

        _lane_dot = numba.njit(cache=True, nogil=True, inline="always")(_lane_dot_py)


def _make_sweep(D: int) -> Callable:
    """The descent sweep kernel for dimension ``D`` (a compile-time constant of the closure:
    numba's cache keys each ``D`` apart)."""
    import numba

    lane = 2 <= D < 8

    @numba.njit(cache=True, nogil=True)
    def sweep(At, rb, la, starts, count):  # pragma: no cover - compiled
        fb = At.shape[0]
        m = At.shape[2]
        for _sw in range(count):
            for k in range(fb):
                for t in range(starts[k], m):
                    # â_k·r in the order of exact.screen._lane_sum (numpy's einsum on m × d)
                    if lane:
                        q0 = At[k, 0, t] * rb[0, t]
                        q1 = At[k, 1, t] * rb[1, t]
                        for h in range(1, D // 2):
                            q0 = q0 + At[k, 2 * h, t] * rb[2 * h, t]
                            q1 = q1 + At[k, 2 * h + 1, t] * rb[2 * h + 1, t]
                        if D % 2:
                            q0 = q0 + At[k, D - 1, t] * rb[D - 1, t]
                        c = q0 + q1
                    else:
                        c = 0.0
                        for j in range(D):
                            c += At[k, j, t] * rb[j, t]
                    old = la[k, t]
                    c = max(old - c, 0.0)
                    dl = c - old
                    la[k, t] = c
                    for j in range(D):
                        rb[j, t] = rb[j, t] + At[k, j, t] * dl

    return sweep


def descent_sweeps(At: np.ndarray, rb: np.ndarray, la: np.ndarray, starts: list[int] |
                   np.ndarray, count: int) -> None:
    """``count`` sweeps of :func:`exact.screen.polar_descent` over one block, in place: for
    each facet k, on the rows from ``starts[k]`` on, ``λ_k ← max(λ_k − â_k·r, 0)`` and
    ``r ← r + â_k·Δλ_k`` (``At`` fb × d × m unit facet rows, ``rb`` d × m residuals, ``la``
    fb × m multipliers, float64): the same bits as the numpy loop.
    Only call it when :func:`enabled`.

    >>> At = np.zeros((1, 2, 3)); At[0, 0] = 1.0  # one facet, â = e₁
    >>> rb = np.zeros((2, 3)); rb[0] = -1.0; rb[1] = 2.0  # every r = (−1, 2)
    >>> la = np.zeros((1, 3))
    >>> if enabled():
    ...     descent_sweeps(At, rb, la, [0], 1)
    ...     assert rb[:, 0].tolist() == [0.0, 2.0] and la[0, 0] == 1.0
    """
    D = At.shape[1]
    kern = _kernel(_make_sweep, D)
    kern(At, rb, la, np.asarray(starts, dtype=np.int64), int(count))


def _make_bounds(D: int) -> Callable:
    """The bounds kernel of :func:`block_bounds` for dimension ``D``."""
    import numba

    _helpers()

    @numba.njit(cache=True, nogil=True)
    def bounds(A, G, rows, out, sup, mult, mode):  # pragma: no cover - compiled
        f = A.shape[1]
        K = sup.shape[2]
        C = np.empty(f)
        lamf = np.empty(f)
        r = np.empty(D)
        for t in range(rows.shape[0]):
            i = rows[t]
            S = _lane_dot(G[i], G[i], D)
            for k in range(f):
                C[k] = _lane_dot(A[i, k], G[i], D)
            for col in range(2):
                s = 1.0 - 2.0 * col
                best = 0
                if f:
                    # argmin (argmax for s = −1) over every slot, padding included: the first
                    # extreme one, as numpy's
                    bv = C[0]
                    for k in range(1, f):
                        if (C[k] < bv) if col == 0 else (C[k] > bv):
                            bv, best = C[k], k
                    low = max(-s * C[best], 0.0)
                else:
                    low = 0.0
                hb = max(S - low * low, 0.0)
                if mode > 0 and K:
                    if mode == 2:
                        for k in range(f):
                            lamf[k] = 0.0
                        for q in range(K):
                            k = sup[i, col, q]
                            if k >= 0:
                                lamf[k] += max(mult[i, col, q], 0.0)
                        for j in range(D):
                            e = 0.0
                            for k in range(f):
                                e += lamf[k] * A[i, k, j]
                            r[j] = s * G[i, j] + e
                        sb = _lane_dot(r, r, D)
                    else:
                        sb = S
                    if not (sb <= hb):
                        for q in range(K):
                            sup[i, col, q] = -1
                            mult[i, col, q] = 0.0
                        if low > 0:
                            sup[i, col, 0] = best
                        mult[i, col, 0] = low
                    # np.minimum: NaN wins
                    if hb == hb and (sb != sb or sb < hb):
                        hb = sb
                o = out[i, col]
                if o == o and (hb != hb or hb < o):
                    out[i, col] = hb

    return bounds


def block_bounds(A: np.ndarray, G: np.ndarray, rows: np.ndarray,
                 out: np.ndarray, sup: np.ndarray | None, mult: np.ndarray | None,
                 warm: bool) -> None:
    """The norm, half-space and last-multiplier bounds of :func:`exact.screen.float_violations`
    for the chambers ``rows``, in place (``out`` p × 2; ``sup`` / ``mult`` the
    :class:`~exact.screen.ViolationState`'s p × 2 × K slots, None without a state), as
    ``exact.screen._bounds_block`` computes them, bit for bit. Only call it when
    :func:`enabled`.

    >>> A = np.zeros((1, 1, 2)); A[0, 0, 0] = 1.0  # one chamber, one facet â = e₁
    >>> G = np.array([[-1.0, 2.0]]); out = np.full((1, 2), np.inf)
    >>> if enabled():
    ...     block_bounds(A, G, np.arange(1), out, None, None, False)
    ...     assert out[0].tolist() == [4.0, 5.0]  # ‖Π_H(g)‖² = 4, and ‖−g‖² = 5
    """
    D = A.shape[2]
    kern = _kernel(_make_bounds, D)
    if sup is None or mult is None:
        sup = np.zeros((1, 2, 0), dtype=np.int16)
        mult = np.zeros((1, 2, 0))
        mode = 0
    else:
        mode = 2 if warm else 1
    kern(A, G, np.asarray(rows, dtype=np.int64), out, sup, mult, mode)


def _make_active(D: int) -> Callable:
    """The active-set kernel of :func:`active_set_steps` for dimension ``D``."""
    import numba

    @numba.njit(cache=True, nogil=True)
    def active(A, counts, rows, Gs, idx, scale, steps, r, ok, idx_out, lam_out
               ):  # pragma: no cover - compiled
        K = idx.shape[1]
        As = np.empty((K, D))
        M = np.empty((K, K + 1))
        lt = np.empty(K)
        rt = np.empty(D)
        nxt = np.empty(K, dtype=np.int64)
        for t in range(rows.shape[0]):
            i = rows[t]
            cnt = counts[i]
            sc = scale[t]
            it = idx[t].copy()
            for _step in range(steps + 1):
                # the least-squares multipliers on the support: (As Asᵀ + εI) λ = −As g, an
                # empty slot's row and column the identity (its λ is then 0)
                for k in range(K):
                    for j in range(D):
                        As[k, j] = A[i, it[k], j] if it[k] >= 0 else 0.0
                for k in range(K):
                    for q in range(K):
                        acc = 0.0
                        for j in range(D):
                            acc += As[k, j] * As[q, j]
                        M[k, q] = acc
                    M[k, k] += 1e-13 if it[k] >= 0 else 1.0
                    acc = 0.0
                    for j in range(D):
                        acc += As[k, j] * Gs[t, j]
                    M[k, K] = -acc
                # Gaussian elimination with partial pivoting on the augmented K × (K + 1)
                singular = False
                for c in range(K):
                    piv = c
                    for q in range(c + 1, K):
                        if abs(M[q, c]) > abs(M[piv, c]):
                            piv = q
                    if M[piv, c] == 0.0:
                        singular = True
                        break
                    if piv != c:
                        for q in range(K + 1):
                            M[c, q], M[piv, q] = M[piv, q], M[c, q]
                    for q in range(c + 1, K):
                        fct = M[q, c] / M[c, c]
                        for h in range(c, K + 1):
                            M[q, h] -= fct * M[c, h]
                if singular:
                    break
                for c in range(K - 1, -1, -1):
                    acc = M[c, K]
                    for q in range(c + 1, K):
                        acc -= M[c, q] * lt[q]
                    lt[c] = acc / M[c, c]
                for j in range(D):
                    acc = Gs[t, j]
                    for k in range(K):
                        acc += lt[k] * As[k, j]
                    rt[j] = acc
                for j in range(D):
                    r[t, j] = rt[j]
                for k in range(K):
                    lam_out[t, k] = lt[k]
                    idx_out[t, k] = it[k]
                # KKT: λ ≥ 0 on the support and â·r ≥ 0 on every other facet
                anyneg = False
                for k in range(K):
                    if it[k] >= 0 and lt[k] < -sc:
                        anyneg = True
                worst = -1
                wv = np.inf
                for k in range(cnt):
                    insup = False
                    for q in range(K):
                        if it[q] == k:
                            insup = True
                    if insup:
                        continue
                    ar = 0.0
                    for j in range(D):
                        ar += A[i, k, j] * rt[j]
                    if ar < -sc and ar < wv:
                        wv, worst = ar, k
                if not anyneg and worst < 0:
                    ok[t] = True
                    break
                # the next support: drop the negative multipliers; with none, add the worst
                # facet in the first empty slot (a full support still violated: NNLS decides)
                for k in range(K):
                    nxt[k] = -1 if (it[k] >= 0 and lt[k] < -sc) else it[k]
                if not anyneg:
                    slot = 0
                    for k in range(1, K):
                        if nxt[k] < nxt[slot]:
                            slot = k
                    if nxt[slot] >= 0:
                        break
                    nxt[slot] = worst
                for k in range(K):
                    it[k] = nxt[k]

    return active


def active_set_steps(A: np.ndarray, counts: np.ndarray, rows: np.ndarray, Gs: np.ndarray,
                     idx: np.ndarray, scale: np.ndarray, steps: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The steps of :func:`exact.screen.active_set_projection` from the supports ``idx``
    (m × K facet indices, −1 empty), one row at a time: ``(r, kkt, idx, λ)`` as it returns
    them (only call it when :func:`enabled`). Each K × K system is solved by Gaussian
    elimination with partial pivoting instead of LAPACK, so the multipliers agree with
    numpy's to rounding, not bit for bit (floats only: a guess that the caller's exact checks
    or NNLS confirm).

    >>> A = np.zeros((1, 1, 2)); A[0, 0, 0] = 1.0  # one chamber, â = e₁
    >>> rows = np.zeros(1, dtype=np.int64); Gs = np.array([[-1.0, 2.0]])
    >>> idx = np.full((1, 1), -1); scale = np.full(1, 1e-12)
    >>> if enabled():
    ...     r, kkt, _idx, _lam = active_set_steps(A, np.array([1]), rows, Gs, idx, scale, 3)
    ...     assert (r[0].round(9) + 0.0).tolist() == [0.0, 2.0] and kkt[0]
    """
    m = len(rows)
    D = A.shape[2]
    kern = _kernel(_make_active, D)
    r = np.array(Gs, dtype=float)
    ok = np.zeros(m, dtype=np.bool_)
    idx = np.ascontiguousarray(idx, dtype=np.int64)
    idx_out = idx.copy()
    lam_out = np.zeros((m, idx.shape[1]))
    kern(A, np.asarray(counts, dtype=np.int64), np.asarray(rows, dtype=np.int64),
         np.ascontiguousarray(Gs, dtype=float), idx, np.asarray(scale, dtype=float),
         int(steps), r, ok, idx_out, lam_out)
    return r, ok, idx_out, lam_out
