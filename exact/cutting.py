"""Constraint generation (cutting planes) for the numeric guess, over the exact chamber list.

The convex program of docs/MATH.md §4 has ``2p`` groups, but at an optimum only a few are
active (at most n + 1 after pruning). Its dual (docs/MATH.md §7) has one constraint
``‖Π_{C_i}(s XᵀD_i v)‖ ≤ β`` per group. :func:`working_set_solve` solves the program restricted
to a working set of groups (:meth:`exact.convex.ConvexProgram.numeric_solve` with ``groups``),
screens *every* group of the complete chamber list for dual violation at the restricted
optimum's dual vector (:func:`exact.screen.float_violations`), adds the most violated ones and
repeats until none is violated; groups of the working set that are inactive and far from
tight leave it between rounds (:data:`PRUNE_REL`), and the groups added in one round point in
different directions (:data:`DIVERSE`). A restricted optimum whose dual is feasible for all
groups is an optimum of the full program (its dual certifies it), so the result is the same
guess the full program gives, at the cost of a few small conic solves.

The working set is seeded with the chambers reached by sampled Gaussian gates (the sampled
method of the literature) and by the least-squares fit ``±X⁺y``. Two safeguards keep the guess
as good as the full program's: a working-set group found violated means an inaccurate restricted
solve, and the rounds then go through the cvxpy chain of ``numeric_solve``; rounds that stall
above the tolerance are replaced by the full program when it is small
(:data:`FALLBACK_MAX_GROUPS`). For the squared loss the rounds stop early
(:data:`NEWTON_HANDOFF`) and :func:`exact.dual_newton.newton_polish` finishes the guess without
a conic solver; where it does not converge the rounds run as above. Nothing here is a claim: the
guess goes to :func:`exact.certify.solve`, whose certificate is exact and covers every chamber.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from exact.types import Group

__all__ = ["CscArrays", "clarabel_restricted", "clarabel_solver", "column_scales", "csc_arrays",
           "ranked_violations", "seed_groups", "violated_groups", "working_set_solve",
           "AUTO_MIN_GROUPS", "FALLBACK_MAX_GROUPS", "FALLBACK_VIOLATION", "MEMBER_SLACK"]

#: ``method="auto"`` uses cutting planes from this many groups (2p) on; below, the full program.
#: Measured (CPU s, certified solve, β = 1/10, random integer data; full / cutting): 180 groups
#: 0.088 / 0.027, 924 groups ((12, 4)) 0.239 / 0.173 squared and 0.229 / 0.069 hinge, 4628
#: groups 2.17 / 0.47; at 16–64 groups both take 10–70 ms. (1000 made (12, 4) run the full
#: program: 0.18 → 0.39 s in the solver suite.)
AUTO_MIN_GROUPS = 100

#: A group of the working set violated by more than this (relative to β²) at the restricted
#: optimum's dual means the restricted solve is inaccurate (:func:`working_set_solve`).
MEMBER_SLACK = 1e-4

#: Cutting planes that stop with a worst violation above this (relative to β²) have stalled;
#: up to :data:`FALLBACK_MAX_GROUPS` groups the full program is then solved instead (about 2 s
#: CPU at 4628 groups). Converged rounds end below 1e-7 (measured up to (40, 4)). 1e-5 until
#: session 24: raw breast cancer (23, 3), 17 digits, β = 1/100, stalled at 9.7e-6 and its
#: refinement missed the gap target by 10^7 (1.0e-5); from the full program's guess it is met
#: (5.9e-19); 210 random raw wine / breast-cancer subsets gave the same results at both
#: levels (benchmarks/RESULTS.md, session 24)
FALLBACK_VIOLATION = 1e-6
FALLBACK_MAX_GROUPS = 5000


def seed_groups(cp, gates: int = 200, seed: int = 0) -> list[Group]:
    """Groups of the chambers reached by ``gates`` Gaussian gate vectors and by ``±X⁺y``.

    A gate u lies in the chamber whose signs are ``sign(Xu)`` (found by lookup); gates that land
    on a hyperplane in floats are skipped.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> gs = seed_groups(cp, gates=50)
    >>> len(gs) > 0 and all(g in set(cp.groups) for g in gs)
    True
    """
    Xf = np.array([[float(x) for x in row] for row in cp.X])
    yf = np.array([float(t) for t in cp.y])
    rng = np.random.default_rng(seed)
    # gates in coordinates where every column has the same scale: raw features of mixed
    # scales (breast cancer's areas near 1e3 beside smoothness near 1e-1) otherwise send
    # every Gaussian gate to the few chambers the largest column decides
    U = rng.standard_normal((gates, cp.d)) / column_scales(Xf)
    ls = np.linalg.lstsq(Xf, np.repeat(yf, cp.pool) / cp.pool, rcond=None)[0]
    U = np.vstack([U, ls, -ls]) if np.any(ls) else U
    Z = Xf @ U.T  # n × gates
    zero = np.array([all(x == 0 for x in row) for row in cp.X], dtype=bool)
    amb = np.abs(Z) < 1e-12 * (np.abs(Xf) @ np.abs(U).T + 1e-300)
    keep = ~np.any(amb & ~zero[:, None], axis=0)  # gates on a hyperplane in floats: skipped
    Q = np.where(zero[:, None], 0, np.where(Z > 0, 1, -1)).T[keep].astype(np.int8)
    found = _lookup_rows(np.asarray(cp.signs, dtype=np.int8).reshape(cp.p, cp.rows), Q)
    out: list[Group] = []
    for i in dict.fromkeys(int(i) for i in found if i >= 0):
        out += [(i, 1), (i, -1)]
    return out


#: columns whose scales (root mean square) differ by less than this factor are left as they
#: are by :func:`column_scales` (the gates and the diversity of the cutting planes)
MIXED_SCALES = 10.0


def column_scales(Xf: np.ndarray) -> np.ndarray:
    """Per column of the float data, the scale that the gates and the cosines of the cutting
    planes divide out: the columns' root mean squares when they differ by more than
    :data:`MIXED_SCALES` (a zero column counts as 1), else ones (the rounds on data of one
    scale are unchanged).

    >>> column_scales(np.array([[1000.0, 0.1], [-2000.0, 0.2]])).round(3).tolist()
    [1581.139, 0.158]
    >>> column_scales(np.array([[1.0, 3.0], [-2.0, 1.0]])).tolist()
    [1.0, 1.0]
    """
    rms = np.sqrt(np.mean(Xf * Xf, axis=0)) if Xf.size else np.ones(Xf.shape[1])
    rms = np.where(rms > 0, rms, 1.0)
    if rms.max() <= MIXED_SCALES * rms.min():
        return np.ones_like(rms)
    return rms


def _lookup_rows(S: np.ndarray, Q: np.ndarray) -> np.ndarray:
    """For each row of ``Q``, the index of the equal row of ``S`` (−1 when none): rows hashed
    by a random integer weighting (in blocks, no per-row Python objects), hash matches checked
    entry by entry. Replaces a dict of p tuples (1.1 s at (100, 4), 319k chambers)."""
    p, m = S.shape
    w = np.random.default_rng(12345).integers(1, 2**40, m, dtype=np.int64)
    h = np.empty(p, dtype=np.int64)
    for a in range(0, p, 32768):
        h[a:a + 32768] = S[a:a + 32768].astype(np.int64) @ w  # |h| < m·2^41: no overflow
    order = np.argsort(h, kind="stable")
    hs = h[order]
    hq = Q.astype(np.int64) @ w
    out = np.full(len(Q), -1, dtype=np.int64)
    for k, pos in enumerate(np.searchsorted(hs, hq)):
        while pos < p and hs[pos] == hq[k]:
            if np.array_equal(S[order[pos]], Q[k]):
                out[k] = order[pos]
                break
            pos += 1
    return out


class CscArrays:
    """A compressed-sparse-column matrix as the arrays Clarabel's Python binding reads
    (``data``, ``indices``, ``indptr``, ``nnz``, ``shape``; canonical: rows sorted within each
    column, no duplicates), built by :func:`csc_arrays` without scipy.sparse: importing that
    was 0.1 s of every fresh ``relucvx solve`` (benchmarks/RESULTS.md, session 13)."""

    __slots__ = ("data", "indices", "indptr", "shape")
    has_canonical_format = True
    has_sorted_indices = True

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray,
                 shape: tuple[int, int]) -> None:
        self.data, self.indices, self.indptr, self.shape = data, indices, indptr, shape

    @property
    def nnz(self) -> int:
        return len(self.data)

    def toarray(self) -> np.ndarray:
        """The dense matrix (for tests and small examples)."""
        out = np.zeros(self.shape)
        cols = np.repeat(np.arange(self.shape[1]), np.diff(self.indptr))
        np.add.at(out, (self.indices, cols), self.data)
        return out


def csc_arrays(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray,
               shape: tuple[int, int]) -> CscArrays:
    """The CSC arrays of the triplets ``(rows[t], cols[t], vals[t])``: the matrix
    ``scipy.sparse.csc_matrix((vals, (rows, cols)), shape)`` gives: the same arrays, explicit
    zeros kept, duplicate entries summed (possibly in another order than scipy's, so equal to
    rounding; the solver's matrices have none), tests/test_csc_arrays.py.

    >>> A = csc_arrays(np.array([1, 0, 1]), np.array([0, 1, 1]), np.array([2.0, 3.0, 0.0]),
    ...                (2, 2))
    >>> A.indptr.tolist(), A.indices.tolist(), A.data.tolist()
    ([0, 1, 3], [1, 0, 1], [2.0, 3.0, 0.0])
    >>> A.toarray().tolist()
    [[0.0, 3.0], [2.0, 0.0]]
    """
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    vals = np.asarray(vals, dtype=float)
    order = np.lexsort((rows, cols))  # by column, then row; stable on duplicates
    r, c, v = rows[order], cols[order], vals[order]
    if len(r) > 1:
        first = np.ones(len(r), dtype=bool)
        first[1:] = (r[1:] != r[:-1]) | (c[1:] != c[:-1])
        if not first.all():
            at = np.flatnonzero(first)
            v = np.add.reduceat(v, at)
            r, c = r[at], c[at]
    indptr = np.zeros(shape[1] + 1, dtype=np.int64)
    np.cumsum(np.bincount(c, minlength=shape[1]), out=indptr[1:])
    return CscArrays(v, r, indptr, (int(shape[0]), int(shape[1])))


def clarabel_solver(P: CscArrays, q: np.ndarray, A: CscArrays, b: np.ndarray, cones: list,
                    settings):
    """``clarabel.DefaultSolver`` on :class:`CscArrays` matrices, which its Python binding reads
    by their attributes; a binding that refuses them (another release may want scipy's own
    class) gets the same arrays as ``scipy.sparse.csc_matrix`` instead.

    >>> import clarabel
    >>> P = csc_arrays(np.array([0]), np.array([0]), np.array([1.0]), (1, 1))
    >>> A = csc_arrays(np.array([0]), np.array([0]), np.array([-1.0]), (1, 1))
    >>> st = clarabel.DefaultSettings(); st.verbose = False
    >>> sol = clarabel_solver(P, np.array([-1.0]), A, np.array([0.0]),
    ...                       [clarabel.NonnegativeConeT(1)], st).solve()
    >>> str(sol.status), round(sol.x[0], 6)
    ('Solved', 1.0)
    """
    import clarabel

    try:
        return clarabel.DefaultSolver(P, q, A, b, cones, settings)
    except (TypeError, AttributeError, ValueError):
        import scipy.sparse as sp

        P2, A2 = (sp.csc_matrix((M.data, M.indices, M.indptr), shape=M.shape) for M in (P, A))
        return clarabel.DefaultSolver(P2, q, A2, b, cones, settings)


def clarabel_restricted(cp, groups: Sequence[Group], eps: float = 1e-12,
                        refine: bool = True, stable: bool = False
                        ) -> dict[Group, np.ndarray] | None:
    """The program restricted to ``groups``, handed to Clarabel directly (no cvxpy): the
    same scaled program as :meth:`exact.convex.ConvexProgram.cvxpy_problem` (data scaled by
    :meth:`~exact.convex.ConvexProgram.float_data`, facet rows of unit length), as a cone
    program ``min ½xᵀPx + qᵀx`` s.t. ``Ax + s = b``, ``s ∈ K`` in the variables
    ``x = (w_1 … w_k, t_1 … t_k, z, ξ)``: ``z = S Σ_k s_k D_k X w_k`` with the readout S
    (:func:`exact.convex.pooled_rows`; zero cone), ``â·w_k ≥ 0`` (non-negative cone),
    ``‖w_k‖ ≤ t_k`` (second-order cones), objective ``ℓ(z) + βΣt``; the loss term ``ℓ(z)`` and
    its auxiliary variables ξ and rows are the loss's own
    :meth:`~exact.losses.Loss.clarabel_block`. cvxpy's problem construction dominated the
    working-set rounds.

    Returns the float groups and sets ``cp.numeric_value`` / ``numeric_dual`` (the loss's
    :meth:`~exact.losses.Loss.numeric_dual` of the multiplier of ``z = S…``, which is
    ``−ℓ'(z)`` in Clarabel's sign convention) / ``numeric_solver`` as ``numeric_solve`` does;
    None when the loss has no block, the numbers are too large for floats or Clarabel does not
    report a solution, also with its refinement on and with tolerances of at least 1e-8 (the
    caller then falls back to ``numeric_solve``). ``refine=False``
    skips Clarabel's iterative refinement of each KKT solve: about half of its time ((40, 4),
    388 groups: 0.110 → 0.061 s CPU, the same 25 iterations, dual vector within 2e-11), but
    the working-set rounds do not use it (benchmarks/RESULTS.md, session 8: the changed path
    ended on a guess the exact refinement took 10× longer to certify). ``stable`` takes the
    loss's stable block (:meth:`~exact.losses.Loss.clarabel_block`). Floats only: a guess.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W = clarabel_restricted(cp, cp.groups)
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6
    True
    >>> W = clarabel_restricted(cp, cp.groups, refine=False)
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6
    True
    >>> W = clarabel_restricted(cp, cp.groups, stable=True)
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6
    True
    """
    import clarabel

    from exact.convex import pooled_rows
    from exact.screen import facet_arrays

    fa = facet_arrays(cp)
    if fa is None:
        return None
    groups = list(groups)
    fd = cp.cache.get("cutting_float_data")
    if fd is None:  # converted from Fractions once per program (15 ms per round at (40, 4))
        fd = cp.cache["cutting_float_data"] = cp.float_data()
    Xf, yf, beta, sx, sy = fd
    blk = cp.loss_fn.clarabel_block(yf, stable=stable)
    if blk is None:
        return None  # a loss without its cone block: the cvxpy chain builds the program
    n, d, k = cp.n, cp.d, len(groups)
    nw, nt = k * d, k
    iz = nw + nt  # first z column, then the loss's auxiliary variables
    nx = iz + n + blk.aux
    gi = np.array([i for i, _s in groups], dtype=np.int64)
    gs = np.array([s for _i, s in groups], dtype=float)
    # the fit on the rows, G (rows × kd): row j of group k is s_k D_k[j] x_j; then z = S G w
    # (dense: n × kd entries at most, and only its nonzeros enter A)
    Pk = fa.P[gi] * gs[:, None]  # k × rows: s_k D_k
    fit = pooled_rows((Pk.T[:, :, None] * Xf[:, None, :]).reshape(cp.rows, nw), cp.pool)
    fr, fc = np.nonzero(fit)
    # zero cone: z − S G w = 0
    rows = [fr, np.arange(n)]
    cols = [fc, iz + np.arange(n)]
    data = [-fit[fr, fc], np.ones(n)]
    r0 = n
    # non-negative cone: â·w_k ≥ 0, i.e. −â·w_k + s = 0
    cnt = fa.counts[gi]
    gk, fk = np.nonzero(np.arange(fa.A.shape[1])[None, :] < cnt[:, None])
    m = len(gk)
    rows.append(np.repeat(r0 + np.arange(m), d))
    cols.append((gk[:, None] * d + np.arange(d)).ravel())
    data.append(-fa.A[gi[gk], fk].ravel())
    r0 += m
    b = [np.zeros(r0)]
    cones = [clarabel.ZeroConeT(n), clarabel.NonnegativeConeT(m)]
    # the loss's rows over (z, ξ)
    lr, lc, lv = (np.asarray(t) for t in blk.A)
    rows.append(r0 + lr.astype(np.int64))
    cols.append(iz + lc.astype(np.int64))
    data.append(lv.astype(float))
    b.append(np.asarray(blk.b, dtype=float))
    cone_of = {"nonneg": clarabel.NonnegativeConeT, "zero": clarabel.ZeroConeT,
              "soc": clarabel.SecondOrderConeT}
    for kind, dim in blk.cones:
        cones.append(cone_of[kind](dim))
        r0 += dim
    # second-order cones (t_k, w_k)
    base = r0 + (d + 1) * np.arange(k)
    rows += [base, (base[:, None] + 1 + np.arange(d)).ravel()]
    cols += [nw + np.arange(k), np.arange(nw)]
    data += [-np.ones(k), -np.ones(nw)]
    b.append(np.zeros((d + 1) * k))
    r0 += (d + 1) * k
    cones += [clarabel.SecondOrderConeT(d + 1)] * k
    A = csc_arrays(np.concatenate(rows), np.concatenate(cols), np.concatenate(data), (r0, nx))
    q = np.zeros(nx)
    q[nw:iz] = beta
    q[iz:] = blk.q
    pr, pc, pv = (np.asarray(t) for t in blk.P)
    P = csc_arrays(iz + pr.astype(np.int64), iz + pc.astype(np.int64), pv.astype(float), (nx, nx))
    bb = np.concatenate(b)
    sol = None
    # a solve that stalls gets the same program with the refinement on, then looser
    # tolerances, before the caller's fallback: on 17-digit diabetes (40, 4) a 40-group round
    # without refinement stopped at InsufficientProgress (6 ms) and with it was Solved (9 ms),
    # while the fallback, cvxpy's chain, first imports cvxpy (~1.1 s in a new process)
    for e, r in dict.fromkeys([(eps, refine), (eps, True), (max(eps, 1e-8), True)]):
        st = clarabel.DefaultSettings()
        st.verbose = False
        st.tol_gap_abs = st.tol_gap_rel = st.tol_feas = e
        st.tol_ktratio = 1e-8
        st.max_iter = 500
        st.iterative_refinement_enable = r
        try:
            s = clarabel_solver(P, q, A, bb, cones, st).solve()
        except Exception:  # pragma: no cover - any solver failure: the next try, the caller
            continue
        if (str(s.status) in ("Solved", "AlmostSolved")
                and np.all(np.isfinite(np.asarray(s.x, dtype=float)))):
            sol = s
            break
    if sol is None:
        return None
    x = np.asarray(sol.x, dtype=float)
    z = x[iz:iz + n]
    w = x[:nw].reshape(k, d)
    cp.numeric_value = (float(sol.obj_val) + blk.const) * sy * sy
    nu = np.asarray(sol.z, dtype=float)[:n]
    cp.numeric_dual = np.asarray(cp.loss_fn.numeric_dual(yf, z, nu, sy),
                                 dtype=float).reshape(-1)
    cp.numeric_solver = "CLARABEL (direct)"
    scale = sy / sx
    return {g: scale * w[t] for t, g in enumerate(groups)}


def working_set_solve(cp, *, seed: Sequence[Group] | None = None, max_rounds: int = 50,
                      per_round: int | None = None, rel: float = 1e-7,
                      progress=None, prune: bool = True, newton: bool | None = None,
                      careful: bool = False) -> tuple[dict[Group, np.ndarray], dict]:
    """Cutting-plane solve of the program (module docstring): ``(W, stats)`` with ``W`` the
    float groups of the final working set and ``stats`` (``rounds``, ``working_set``,
    ``worst_violation`` as ``max t/β² − 1`` over all groups at the last dual, ``full_fallback``:
    whether the stalled rounds were replaced by the full program, ``direct``: whether
    the rounds stayed on the direct Clarabel program, ``careful``: whether they took its
    careful form (Clarabel's iterative refinement and the loss's stable block,
    :meth:`~exact.losses.Loss.clarabel_block`; from the start with ``careful``). A group of
    the working set found violated by more than :data:`MEMBER_SLACK` is a sign of an
    inaccurate restricted solve: the rounds then go on in the careful form, and on a second
    sign (or with no careful form) in the cvxpy chain of
    :meth:`~exact.convex.ConvexProgram.numeric_solve`;
    ``screen``: the :class:`exact.screen.ViolationState` of the last screen, whose float
    multipliers :func:`exact.certify.solve` hands to the exact interval pass to try first).

    Sets ``cp.numeric_value`` / ``cp.numeric_dual`` as :meth:`numeric_solve` does.
    ``progress(round, size, worst)`` is called after each round when given.

    ``newton`` (default: for the squared loss) ends the rounds early: once the worst
    violation is below :data:`NEWTON_HANDOFF` (the restricted solves then without Clarabel's
    iterative refinement, at a loose tolerance after a round far from the optimum when
    :data:`LOOSE_ABOVE` is finite; no polish rounds), the guess is finished by
    :func:`exact.dual_newton.newton_polish` (Newton in the dual's ρ on tiny n × n systems,
    down to ``rel·NEWTON_REL``) and ``stats["newton"]`` is True; when that does not converge,
    the rounds are run again without it, and the polish is tried once more from their optimum
    (``stats["newton"]`` says whether it finished the guess, ``stats["newton_stalled"]`` whether
    it ended on its stall acceptance, :data:`exact.dual_newton.STALL_ACCEPT`).

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W, st = working_set_solve(cp)
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6, st["worst_violation"] <= 1e-6
    (True, True)
    """
    from exact.screen import ViolationState, facet_arrays, float_violations

    fa = facet_arrays(cp)
    if fa is None:  # the caller (exact.certify) takes the full program then
        raise ValueError("cutting planes need numbers that fit floats (exact.screen.float_safe)")
    if newton is None:
        newton = cp.loss == "squared" and NEWTON_HANDOFF > 0
    state = ViolationState()
    ws = list(dict.fromkeys(seed if seed is not None else seed_groups(cp)))
    if not ws:
        ws = [cp.groups[0]]
    scales = column_scales(fa.X)  # for the diversity of each round's cutting planes
    per_round = per_round or max(20, 2 * cp.n)
    beta2 = float(cp.beta) ** 2
    rounds, worst = 0, float("inf")
    W: dict[Group, np.ndarray] = {}
    direct = True
    polish = 0
    ever: dict[Group, None] = {}
    while True:
        rounds += 1
        ever.update(dict.fromkeys(ws))
        # with the polish to come, a round after one that ended far from the optimum only
        # chooses cutting planes: Clarabel's tolerance is loose there (LOOSE_ABOVE)
        loose = newton and worst > LOOSE_ABOVE
        Wd = (clarabel_restricted(cp, ws, eps=LOOSE_EPS if loose else 1e-12,
                                  refine=careful or not newton, stable=careful)
              if direct else None)
        # not a loss it builds, or no solution: the cvxpy chain and fallbacks
        W = Wd if Wd is not None else cp.numeric_solve(groups=ws)
        # stop screening after a few rounds' worth of violated groups: only the last round
        # (none violated) needs every group's projection
        vrep = np.repeat(np.asarray(cp.numeric_dual, dtype=float), cp.pool)
        lvl = NEWTON_HANDOFF if newton else rel * POLISH_REL if polish else rel
        T = float_violations(fa, vrep, beta2, lvl, enough=ENOUGH * per_round, state=state)
        worst = float(np.nanmax(T) / beta2 - 1) if T.size else 0.0
        inws = np.zeros((len(T), 2), dtype=bool)
        if ws:
            wi = np.array(ws, dtype=np.int64)
            inws[wi[:, 0], (1 - wi[:, 1]) // 2] = True
        cand = ranked_violations(T, beta2 * (1 + lvl))
        if not len(cand[0]) and not polish and POLISH_ROUNDS and not newton:
            # converged at rel: polish rounds add every group violated above rel·POLISH_REL
            # (the drift bound makes this screen cheap), so that the guess's active set is
            # complete and not just within the tolerance
            polish = 1
            T = float_violations(fa, vrep, beta2, rel * POLISH_REL, enough=ENOUGH * per_round,
                                 state=state)
            cand = ranked_violations(T, beta2 * (1 + rel * POLISH_REL))
        member = inws[cand[0], cand[1]]
        inside = float(cand[2][member].max()) if member.any() else 0.0
        rows, cols, _t = (a[~member] for a in cand)
        if progress is not None:
            progress(rounds, len(ws), worst)
        # (a loose round's own groups are violated up to its tolerance: not a sign)
        if (direct and not loose and inside > beta2 * (1 + MEMBER_SLACK)
                and rounds < max_rounds):
            # a group of the working set is violated: the restricted solve is inaccurate.
            # Redo the round, and every later one, with the careful direct program (Clarabel's
            # iterative refinement and the loss's stable block): on raw 17-digit breast cancer
            # (40, 4), columns of scales 10^4 apart, the rounds' duals were 3e-3 off before and
            # within 1e-6 after, while cvxpy's chain ran SCS for 5 s of one round
            # (benchmarks/RESULTS.md, session 24). Still violated, or no careful form: redo it,
            # and every later one, with the cvxpy chain (Clarabel tight, then defaults, then
            # SCS; seen on standardized iris at β = 1e-9: the direct program reached only
            # "AlmostSolved", 40% above the restricted optimum). Without the polish and a
            # stable block, the careful form is the same program: the cvxpy chain at once.
            if careful or not (newton or cp.loss_fn.stable_block):
                direct = False
            careful = True
            continue
        if not len(rows) or rounds >= max_rounds or polish > POLISH_ROUNDS:
            break
        if polish:  # every violated group, none pruned
            top = int(ENOUGH * per_round)
            ws += [(int(i), 1 - 2 * int(c)) for i, c in zip(rows[:top], cols[:top])]
            polish += 1
            continue
        if prune:
            ws = _pruned(ws, W, T, beta2, LOOSE_PRUNE if loose else PRUNE_REL)
        if DIVERSE < 1.0:
            ws += _diverse(fa, np.repeat(np.asarray(cp.numeric_dual, dtype=float), cp.pool),
                           rows, cols, per_round, scales)
        else:
            ws += [(int(i), 1 - 2 * int(c)) for i, c in zip(rows[:per_round], cols[:per_round])]
    if newton:
        from exact.dual_newton import newton_polish

        res = (newton_polish(cp, W, rel=rel * NEWTON_REL, state=state)
               if direct and worst <= NEWTON_HANDOFF else None)
        if res is None:
            # not converged: the rounds of the conic solver alone, from every group the
            # rounds so far used ((30, 4) with the screen's settle level: 5 → 2 rounds)
            W, stats = working_set_solve(cp, seed=list(ever), max_rounds=max_rounds,
                                         per_round=per_round, rel=rel, progress=progress,
                                         prune=prune, newton=False, careful=careful)
            stats["newton"] = False
            # the polish once more, from the conic rounds' optimum: closer than the hand-over
            # it failed from. The conic guess alone stops at rel, and from there the exact
            # refinement of a large active set may not settle ((100, 4) on a path where the
            # first polish failed: 118 active groups, gap 1.3e-6 after 40 rounds)
            res = (newton_polish(cp, W, rel=rel * NEWTON_REL, state=stats["screen"])
                   if stats.get("direct") else None)
            if res is not None:
                W, st = res
                stats.update(working_set=st["working_set"], worst_violation=st["worst_violation"],
                             rounds=stats["rounds"] + st["rounds"], newton=True,
                             newton_stalled=st["stalled"])
            return W, stats
        W, st = res
        return W, {"rounds": rounds + st["rounds"], "working_set": st["working_set"],
                   "worst_violation": st["worst_violation"], "direct": True,
                   "careful": careful, "full_fallback": False, "newton": True,
                   "newton_stalled": st["stalled"], "screen": state}
    stats = {"rounds": rounds, "working_set": len(ws), "worst_violation": worst,
             "direct": direct, "careful": careful, "full_fallback": False, "screen": state}
    if worst > FALLBACK_VIOLATION and len(cp.groups) <= FALLBACK_MAX_GROUPS:
        # the rounds stalled above the tolerance (every violated group already in the working
        # set, the restricted solves inaccurate): on a program this small the full one is
        # cheap, and a stalled guess cost the refinement far more (iris at β = 1e-9, 424
        # groups: 60 s and the target missed, against 1 s from the full program's guess)
        W = cp.numeric_solve()
        stats["full_fallback"] = True
    return W, stats


#: a group of the working set stays for the next round when its weight is above this fraction
#: of the largest (active), or its dual constraint is within :data:`PRUNE_BAND` of tight;
#: the others leave (they rejoin when violated again). The restricted optimum only uses the
#: groups that stay, so the next round's objective is still no larger and the rounds still
#: end. Measured: (100, 4) working sets 6,602 → ~2,000 groups at the end, cutting planes
#: 81 → 51 s CPU (Clarabel 58 → 20 s); (40, 4) 2.6 → 1.6 s.
PRUNE_REL = 1e-6
PRUNE_BAND = 0.05


def violated_groups(T: np.ndarray, lim: float) -> list[tuple[float, Group]]:
    """``(t, group)`` for every entry of the screen ``T`` (p × 2, column 0 the sign +1) above
    ``lim`` (NaN: not), by decreasing t (:func:`ranked_violations`).

    >>> violated_groups(np.array([[0.5, 2.0], [np.nan, 1.5]]), 1.0)
    [(2.0, (0, -1)), (1.5, (1, -1))]
    """
    rows, cols, t = ranked_violations(T, lim)
    return [(float(x), (int(i), 1 - 2 * int(c))) for x, i, c in zip(t, rows, cols)]


def ranked_violations(T: np.ndarray, lim: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The entries of the screen ``T`` (p × 2, column 0 the sign +1) above ``lim`` (NaN: not)
    as arrays ``(rows, cols, t)``, by decreasing t, ties by decreasing chamber, then sign +1
    first (the order of the tuples ``(t, (i, s))`` sorted in reverse), without a Python tuple
    per entry (thousands per round at (40, 4)).

    >>> rows, cols, t = ranked_violations(np.array([[0.5, 2.0], [np.nan, 1.5], [2.0, 0.0]]), 1.0)
    >>> rows.tolist(), cols.tolist(), t.tolist()
    ([2, 0, 1], [0, 1, 1], [2.0, 2.0, 1.5])
    """
    i, c = np.nonzero(np.nan_to_num(T, nan=0.0) > lim)
    t = T[i, c]
    order = np.lexsort((c, -i, -t))
    return i[order], c[order], t[order]


#: with ``newton`` (:func:`working_set_solve`), the conic rounds stop once no group is
#: violated by more than this (relative to β²) and the dual Newton finishes the guess. Since
#: session 10 the polish also converges from 1e-3, but the rounds did not get fewer ((40, 4):
#: 5 against 4), and from 1e-1 three of eleven corpus solves fell back on the conic rounds
#: (benchmarks/RESULTS.md, session 10)
NEWTON_HANDOFF = 1e-5

#: with ``newton`` (:func:`working_set_solve`), a round that follows one whose worst violation
#: was above this (relative to β²; the first round too) solves at Clarabel tolerance
#: :data:`LOOSE_EPS` instead of 1e-12: its dual vector only chooses the next cutting planes, and
#: the round that hands over to the polish (worst violation below :data:`NEWTON_HANDOFF`) comes
#: after a closer one. In a loose round a group counts as active for the pruning above
#: :data:`LOOSE_PRUNE` of the largest (an interior point stopped early leaves the inactive ones
#: at about 1e-4 of it). Measured ((40, 4) bench instance: Clarabel iterations 25, 24, 31, 24 →
#: 13, 14, 12, 25, the same 4 rounds; the 11-instance corpus: Clarabel iterations × columns
#: −23%, the same 61 rounds; benchmarks/RESULTS.md, session 11 wt-conic). Off (infinite) since
#: session 12: from the loose rounds' path the polish failed at (100, 4) and the conic rounds
#: ran again (cutting planes 37.3 s CPU, against 16.1 s with every round tight); without them
#: (40, 5) 4.32 -> 3.95 s and the 15-instance corpus 7.8 -> 7.6 s (benchmarks/RESULTS.md).
LOOSE_ABOVE = float("inf")
LOOSE_EPS = 1e-4
LOOSE_PRUNE = 1e-2

#: the dual Newton's screen ends below ``rel·NEWTON_REL``: its v is float-accurate, and the
#: exact refinement then starts at the optimum's active set
NEWTON_REL = 1e-2

# (Until session 12 the guess of the rounds without the dual Newton was re-solved over every
# group ever in the working set. That last solve was the largest of the rounds and the
# certification no longer needs it: without it the hinge corpus took 9.56 -> 7.44 s CPU, the
# squared loss with the polish off 14.4 -> 10.7 s, every gap within 1e-12; benchmarks/RESULTS.md,
# session 12.)

#: after the rounds converge at ``rel``, up to this many polish rounds add every group
#: violated above ``rel·POLISH_REL`` (no pruning, no diversity)
POLISH_ROUNDS = 4
POLISH_REL = 1e-2


def _pruned(ws: list[Group], W: dict[Group, np.ndarray], T: np.ndarray, beta2: float,
            rel: float = PRUNE_REL) -> list[Group]:
    """The groups of ``ws`` that stay for the next round (:data:`PRUNE_REL`): active in
    ``W`` (above ``rel`` times the largest), or with ``T`` (the screen's estimate, NaN unknown)
    above ``β²(1 − PRUNE_BAND)``."""
    norms = {g: float(np.linalg.norm(w)) for g, w in W.items()}
    wmax = max(norms.values(), default=0.0)
    out = []
    for g in ws:
        i, s = g
        t = T[i, 0 if s == 1 else 1]
        if norms.get(g, 0.0) > rel * wmax or not t <= beta2 * (1 - PRUNE_BAND):
            out.append(g)
    return out


#: the groups added in a round point in different directions: a violated group joins only
#: when the cosine of its ``s XᵀD v`` with each group already chosen this round is at most
#: this (the most violated groups are mostly neighbouring chambers with nearly the same
#: vector, and one of them does the work of all). Measured, CPU of the cutting planes (s,
#: rounds): (40, 4) 1.0 (off) 1.73, 8; 0.9 0.79, 5; 0.95 0.90, 5; 0.99 1.41, 7. (40, 5) 0.9
#: 5.9, 7; 0.95 5.1, 6; 0.97 5.0, 6. (100, 4) 0.9 23.8, 18; 0.97 18.2, 11.
DIVERSE = 0.95

#: a round's screen stops after this many times ``per_round`` confirmed violated groups (the
#: pool :func:`_diverse` picks from; measured on (40, 4): 1× 7 rounds, 2× 6, 4× 5, 8× 6, all
#: groups 6)
ENOUGH = 4


def _diverse(fa, v: np.ndarray, rows: np.ndarray, cols: np.ndarray, k: int,
             scales: np.ndarray) -> list[Group]:
    """Up to ``k`` of the violated groups ``(rows, cols)`` (by decreasing violation,
    :func:`ranked_violations`), greedily, skipping a group whose vector ``s XᵀD v`` has a
    cosine above :data:`DIVERSE` with one already taken, the cosines taken in the coordinates
    where the columns have one scale (``scales``: :func:`column_scales`; g = XᵀDv scales with
    them)."""
    sg = 1.0 - 2.0 * cols
    Gc = (fa.P[rows] @ (v[:, None] * fa.X)) * sg[:, None] / scales
    Gc /= np.linalg.norm(Gc, axis=1, keepdims=True) + 1e-300
    chosen: list[Group] = []
    Cm = np.zeros((k, Gc.shape[1]))
    for t in range(len(rows)):
        if chosen and float((Cm[:len(chosen)] @ Gc[t]).max()) > DIVERSE:
            continue
        Cm[len(chosen)] = Gc[t]
        chosen.append((int(rows[t]), 1 - 2 * int(cols[t])))
        if len(chosen) >= k:
            break
    return chosen
