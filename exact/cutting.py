"""Constraint generation (cutting planes) for the numeric guess, over the exact chamber list.

The convex program of docs/MATH.md §4 has ``2p`` groups, but at an optimum only a few are
active (at most n + 1 after pruning). Its dual (docs/MATH.md §7) has one constraint
``‖Π_{C_i}(s XᵀD_i v)‖ ≤ β`` per group. :func:`working_set_solve` solves the program restricted
to a working set of groups (:meth:`exact.convex.ConvexProgram.numeric_solve` with ``groups``),
screens *every* group of the complete chamber list for dual violation at the restricted
optimum's dual vector (:func:`exact.screen.float_violations`), adds the most violated ones and
repeats until none is violated. A restricted optimum whose dual is feasible for all groups is an
optimum of the full program (its dual certifies it), so the result is the same guess the full
program gives, at the cost of a few small conic solves.

The working set is seeded with the chambers reached by sampled Gaussian gates (the sampled
method of the literature) and by the least-squares fit ``±X⁺y``. Nothing here is a claim: the
guess goes to :func:`exact.certify.solve`, whose certificate is exact and covers every chamber.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["seed_groups", "working_set_solve", "AUTO_MIN_GROUPS"]

Group = tuple[int, int]

#: ``method="auto"`` uses cutting planes from this many groups (2p) on; below, the full program.
AUTO_MIN_GROUPS = 1000


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
    index = {sg: i for i, sg in enumerate(cp.signs)}
    Xf = np.array([[float(x) for x in row] for row in cp.X])
    yf = np.array([float(t) for t in cp.y])
    rng = np.random.default_rng(seed)
    U = rng.standard_normal((gates, cp.d))
    ls = np.linalg.lstsq(Xf, np.repeat(yf, cp.pool) / cp.pool, rcond=None)[0]
    U = np.vstack([U, ls, -ls]) if np.any(ls) else U
    Z = Xf @ U.T  # n × gates
    zero = np.array([all(x == 0 for x in row) for row in cp.X])
    out: list[Group] = []
    seen = set()
    for k in range(U.shape[0]):
        z = Z[:, k]
        if np.any((np.abs(z) < 1e-12 * (np.abs(Xf) @ np.abs(U[k]) + 1e-300)) & ~zero):
            continue
        sg = tuple(0 if zero[j] else (1 if z[j] > 0 else -1) for j in range(cp.rows))
        i = index.get(sg)
        if i is not None and i not in seen:
            seen.add(i)
            out += [(i, 1), (i, -1)]
    return out


def working_set_solve(cp, *, seed: Sequence[Group] | None = None, max_rounds: int = 50,
                      per_round: int | None = None, rel: float = 1e-7,
                      progress=None) -> tuple[dict[Group, np.ndarray], dict]:
    """Cutting-plane solve of the program (module docstring): ``(W, stats)`` with ``W`` the
    float groups of the final working set and ``stats`` (``rounds``, ``working_set``,
    ``worst_violation`` as ``max t/β² − 1`` over all groups at the last dual).

    Sets ``cp.numeric_value`` / ``cp.numeric_dual`` as :meth:`numeric_solve` does.
    ``progress(round, size, worst)`` is called after each round when given.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> W, st = working_set_solve(cp)
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6, st["worst_violation"] <= 1e-6
    (True, True)
    """
    from exact.screen import facet_arrays, float_violations

    fa = facet_arrays(cp)
    ws = list(dict.fromkeys(seed if seed is not None else seed_groups(cp)))
    if not ws:
        ws = [cp.groups[0]]
    per_round = per_round or max(20, 2 * cp.n)
    beta2 = float(cp.beta) ** 2
    rounds, worst = 0, float("inf")
    W: dict[Group, np.ndarray] = {}
    while True:
        rounds += 1
        W = cp.numeric_solve(groups=ws)
        # stop screening after a few rounds' worth of violated groups: only the last round
        # (none violated) needs every group's projection
        T = float_violations(fa, np.repeat(np.asarray(cp.numeric_dual, dtype=float), cp.pool),
                             beta2, rel,
                             enough=4 * per_round)
        worst = float(np.nanmax(T) / beta2 - 1) if T.size else 0.0
        inws = set(ws)
        viol = np.argwhere(np.nan_to_num(T, nan=0.0) > beta2 * (1 + rel))
        cand = [(float(T[i, c]), (int(i), 1 - 2 * int(c))) for i, c in viol]
        cand = [x for x in cand if x[1] not in inws]
        if progress is not None:
            progress(rounds, len(ws), worst)
        if not cand or rounds >= max_rounds:
            break
        cand.sort(reverse=True)
        ws += [g for _t, g in cand[:per_round]]
    return W, {"rounds": rounds, "working_set": len(ws), "worst_violation": worst}
