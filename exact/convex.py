"""The convex program of a two-layer ReLU network on its chambers, and its numeric solution.

With the chambers ``D_1..D_p`` of the data's arrangement (docs/MATH.md §2) and two groups per
chamber
(sign ``s = ±1``), the training problem's hidden convex program is (docs/MATH.md §4)

    P*_c = min  ℓ( Σ_i D_i X (w_{i,+} − w_{i,−}) ) + β Σ_{i,s} ‖w_{i,s}‖₂
           s.t. w_{i,s} ∈ C_i = {u : (2D_i − I) X u ≥ 0},

a group lasso with cone constraints. Each cone is written with its irredundant facet rows
``arr.cone(i)`` (fewer rows than ``(2D_i − I) X``, same cone). Squared loss ``½‖z − y‖²`` and
hinge loss ``Σ_j max(0, 1 − y_j z_j)`` are supported.

:meth:`ConvexProgram.numeric_solve` solves it with cvxpy and Clarabel in floats: the result is a
*guess* only, which :mod:`exact.certify` turns into exact, certified bounds.

References: Pilanci & Ergen (2020), "Neural networks are convex regularizers"; Wang, Lacotte &
Pilanci (2022), "The hidden convex optimization landscape of regularized two-layer ReLU networks".
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from fractions import Fraction

import numpy as np

from arrangement.errors import InputError, NumericError
from arrangement.rational import to_fraction, to_matrix, to_vector

__all__ = ["ConvexProgram", "LOSSES"]

LOSSES = ("squared", "hinge")

Group = tuple[int, int]


class ConvexProgram:
    """The chamber-based convex program of ``(X, y, β)`` for a given loss (docs/MATH.md §4).

    Attributes: ``X, y, beta`` (exact), ``loss``, ``arrangement``, ``n, d``, ``p`` (number of
    chambers), ``patterns[i]`` (0/1 diagonal of ``D_i``), ``signs[i]`` (chamber sign vector),
    ``cones[i]`` (integer facet rows of ``C_i``) and ``groups`` (all ``(i, s)``, ``s = ±1``).

    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> cp.p, len(cp.groups), cp.cones[0]
    (6, 12, [(1, -1), (0, 1)])
    >>> W = cp.numeric_solve()
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6
    True

    References: Pilanci & Ergen (2020); Wang, Lacotte & Pilanci (2022).
    """

    def __init__(self, X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
                 loss: str = "squared", arrangement=None):
        if loss not in LOSSES:
            raise InputError(f"unknown loss {loss!r}: expected one of {', '.join(LOSSES)}")
        if arrangement is None:
            from arrangement.core import Arrangement

            arrangement = Arrangement(X)
        self.arrangement = arrangement
        self.X: tuple[tuple[Fraction, ...], ...] = tuple(
            tuple(Fraction(v) for v in row) for row in arrangement.X)
        if to_matrix(X) != self.X:
            raise InputError("the arrangement was built for a different matrix X")
        self.y: tuple[Fraction, ...] = to_vector(y, "y")
        self.beta: Fraction = to_fraction(beta, where="beta")
        self.loss = loss
        self.n, self.d = len(self.X), len(self.X[0])
        if len(self.y) != self.n:
            raise InputError(f"y has {len(self.y)} entries but X has {self.n} rows")
        if self.beta <= 0:
            raise InputError(f"beta must be positive, got {self.beta}")
        ch = arrangement.chambers()
        self.p = len(ch)
        self.signs: list[tuple[int, ...]] = [c.signs for c in ch]
        self.witnesses: list[tuple[int, ...]] = [c.witness for c in ch]
        self.patterns: list[tuple[int, ...]] = [c.pattern for c in ch]
        self.cones: list[list[tuple[int, ...]]] = [list(arrangement.cone(i)) for i in range(self.p)]
        self.groups: list[Group] = [(i, s) for i in range(self.p) for s in (1, -1)]
        self.numeric_value: float | None = None
        self.numeric_dual: np.ndarray | None = None

    # -- exact helpers ----------------------------------------------------------------------
    def in_cone(self, i: int, w: Sequence[Fraction]) -> bool:
        """Exact test ``w ∈ C_i`` (then ``(Xw)_+ = D_i X w``, docs/MATH.md §2)."""
        return all(sum((Fraction(a) * x for a, x in zip(row, w)), Fraction(0)) >= 0
                   for row in self.cones[i])

    def fit(self, i: int, s: int, w: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Exact ``s D_i X w`` (the group's contribution to the prediction)."""
        D = self.patterns[i]
        return tuple(
            s * sum((a * b for a, b in zip(row, w)), Fraction(0)) if D[j] else Fraction(0)
            for j, row in enumerate(self.X))

    def prediction(self, groups: Mapping[Group, Sequence[Fraction]]) -> tuple[Fraction, ...]:
        """Exact ``Σ s D_i X w_{i,s}`` of a set of rational groups.

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> cp.prediction({(0, 1): (Fraction(1), Fraction(0))})
        (Fraction(1, 1), Fraction(0, 1))
        """
        out = [Fraction(0)] * self.n
        for (i, s), w in groups.items():
            for j, f in enumerate(self.fit(i, s, w)):
                out[j] += f
        return tuple(out)

    def loss_value(self, z: Sequence[Fraction]) -> Fraction:
        """Exact ``ℓ(z)``: ``½‖z − y‖²`` or ``Σ max(0, 1 − y_j z_j)``."""
        if self.loss == "squared":
            return sum(((a - b) ** 2 for a, b in zip(z, self.y)), Fraction(0)) / 2
        return sum((max(Fraction(0), 1 - b * a) for a, b in zip(z, self.y)), Fraction(0))

    # -- numeric solve ------------------------------------------------------------------------
    def cvxpy_problem(self):
        """The program as a cvxpy ``Problem`` (floats), with its variables ``(Wp, Wm, z)``.

        Rows i of ``Wp`` / ``Wm`` are the groups ``(i, +1)`` / ``(i, −1)``; ``z`` is the
        prediction; the first constraint is ``z = Σ_i D_i X (w_{i,+} − w_{i,−})``.

        >>> prob, (Wp, Wm, z) = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2").cvxpy_problem()
        >>> Wp.shape, prob.is_dcp()
        ((4, 2), True)
        """
        import cvxpy as cvx
        import scipy.sparse as sp

        n, d, p = self.n, self.d, self.p
        Xf = np.array([[float(v) for v in row] for row in self.X])
        yf = np.array([float(v) for v in self.y])
        Dm = np.array(self.patterns, dtype=float).T  # n × p
        Wp = cvx.Variable((p, d))
        Wm = cvx.Variable((p, d))
        z = cvx.Variable(n)
        # prediction_j = Σ_i D_ij x_j·(w_{i,+} − w_{i,−}) = row sums of D ⊙ (X (Wp − Wm)ᵀ)
        pred = cvx.sum(cvx.multiply(Dm, Xf @ (Wp - Wm).T), axis=1)
        cons = [z == pred]
        # a·u >= 0 is unchanged by scaling a > 0: each integer facet row (600 digits for data
        # with 300-digit entries) is scaled to max |entry| 1 before it is a float (no overflow)
        blocks = [_unit_rows(c, d) if c else np.zeros((0, d)) for c in self.cones]
        if any(b.shape[0] for b in blocks):
            # block-diagonal facet rows acting on the row-major flattening of W
            Abig = sp.block_diag([sp.csr_matrix(b) for b in blocks], format="csr")
            cons += [Abig @ cvx.vec(Wp, order="C") >= 0, Abig @ cvx.vec(Wm, order="C") >= 0]
        norms = cvx.sum(cvx.norm(Wp, 2, axis=1)) + cvx.sum(cvx.norm(Wm, 2, axis=1))
        reg = float(self.beta) * norms
        if self.loss == "squared":
            obj = 0.5 * cvx.sum_squares(z - yf) + reg
        else:
            obj = cvx.sum(cvx.pos(1 - cvx.multiply(yf, z))) + reg
        return cvx.Problem(cvx.Minimize(obj), cons), (Wp, Wm, z)

    def numeric_solve(self, *, verbose: bool = False, eps: float = 1e-10
                      ) -> dict[Group, np.ndarray]:
        """Solve the program in floats (cvxpy + Clarabel); return ``{(i, s): w}`` for all groups.

        Also sets ``numeric_value`` and ``numeric_dual`` (the float dual vector ``v``: for the
        squared loss ``y − ŷ``, for hinge the multiplier of ``z = ŷ``, with ``0 ≤ v_j / y_j ≤ 1``).
        Floats only: nothing here is a claim.

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
        >>> W = cp.numeric_solve()
        >>> round(cp.numeric_value, 6)
        0.75
        """
        import cvxpy as cvx

        p = self.p
        yf = np.array([float(v) for v in self.y])
        prob, (Wp, Wm, z) = self.cvxpy_problem()
        cons = prob.constraints
        opts = dict(tol_gap_abs=eps, tol_gap_rel=eps, tol_feas=eps, tol_ktratio=1e-8,
                    max_iter=500)
        with warnings.catch_warnings():
            # "solution may be inaccurate": the result is only a guess, checked exactly later
            warnings.simplefilter("ignore", UserWarning)
            try:
                prob.solve(solver=cvx.CLARABEL, verbose=verbose, **opts)
            except cvx.error.SolverError:
                try:
                    prob.solve(solver=cvx.CLARABEL, verbose=verbose)
                except cvx.error.SolverError:
                    pass  # reported below, as one line
        if Wp.value is None:
            raise NumericError(f"the numeric guess of the convex program failed (Clarabel: "
                               f"{prob.status}); the data may be too badly scaled for floating "
                               "point (docs/limits.md)")
        self.numeric_value = float(prob.value)
        if self.loss == "squared":
            self.numeric_dual = yf - np.asarray(z.value, dtype=float)
        else:
            nu = np.asarray(cons[0].dual_value, dtype=float)
            # cvxpy's sign convention for equality multipliers: pick the one with y_j v_j ≥ 0
            self.numeric_dual = nu if float(np.dot(nu, yf)) >= 0 else -nu
        out: dict[Group, np.ndarray] = {}
        for i in range(p):
            out[(i, 1)] = np.asarray(Wp.value[i], dtype=float)
            out[(i, -1)] = np.asarray(Wm.value[i], dtype=float)
        return out


def _unit_rows(rows, d: int) -> np.ndarray:
    from arrangement.intmat import float_rows

    B = float_rows(rows).reshape(-1, d)
    return B / np.abs(B).max(axis=1, keepdims=True)
