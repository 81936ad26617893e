"""The direct Clarabel program of the cutting planes (exact/cutting.py: clarabel_restricted)
against the cvxpy program of the same working set, for every loss of the registry, on dense
programs and on pooled ones (a CNN's patch program): each loss's own cone block
(exact/losses.py: Loss.clarabel_block) and the sparse readout matrix replace the old
loss-name and pool branches.

Oracle: cvxpy's formulation (exact/convex.py: ConvexProgram.cvxpy_problem), independent of
the hand-written cone program. Both are float guesses; the values must agree to solver
accuracy, and the float dual vector must be the optimal dual of the restricted program (its
dual objective equals the value).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from exact.conv import ConvProgram
from exact.convex import ConvexProgram, pooled_rows
from exact.cutting import clarabel_restricted
from exact.losses import LOSS_NAMES, ConicBlock, Loss, get_loss
from properties import strategies as S

F = Fraction
CLASSES = {"hinge", "squared_hinge"}


@st.composite
def programs(draw, loss: str, pooled: bool):
    """A small dense or pooled program of ``loss`` (labels ±1 for the margin losses)."""
    n = draw(st.integers(1, 4))
    if pooled:
        L = draw(st.integers(2, 5))
        h, stride = draw(S.filter_strides(L))
        d = L
        X = draw(st.lists(st.lists(st.integers(-3, 3), min_size=d, max_size=d), min_size=n,
                          max_size=n))
    else:  # small integers, or rational data degenerate by construction (properties.strategies)
        d = draw(st.integers(1, 3))
        X = draw(st.one_of(
            st.lists(st.lists(st.integers(-3, 3), min_size=d, max_size=d), min_size=n,
                     max_size=n),
            S.matrices(n_max=4, d_max=3)))
        n = len(X)
    if loss in CLASSES:
        y = draw(st.lists(st.sampled_from([-1, 1]), min_size=n, max_size=n))
    else:
        y = draw(st.lists(st.integers(-3, 3), min_size=n, max_size=n))
    beta = draw(st.sampled_from([F(1, 10), F(1, 3), F(1)]))
    if pooled:
        return ConvProgram(X, y, beta, h, stride, loss)
    return ConvexProgram(X, y, beta, loss)


def _dual_objective(cp, v: np.ndarray) -> float:
    """``−ℓ*(−v)`` in floats, by the loss's exact dual form (v clipped into the domain)."""
    vq = cp.loss_fn.clip_dual(tuple(F(float(x)) for x in v), cp.y)
    a, b, c, _kbox = cp.loss_fn.dual_form(vq, cp.y)
    return float(a - b / 2 + c)


@settings(max_examples=15, deadline=None)
@given(st.data())
@pytest.mark.parametrize("pooled", [False, True], ids=["dense", "pooled"])
@pytest.mark.parametrize("loss", LOSS_NAMES)
def test_direct_clarabel_matches_cvxpy_for_every_loss(loss, pooled, data):
    cp = data.draw(programs(loss, pooled))
    mask = data.draw(st.lists(st.booleans(), min_size=len(cp.groups), max_size=len(cp.groups)))
    ws = [g for g, keep in zip(cp.groups, mask) if keep] or [cp.groups[0]]
    cp.numeric_solve(groups=ws)
    want = cp.numeric_value
    W = clarabel_restricted(cp, ws)
    assert W is not None and set(W) == set(ws)
    got = cp.numeric_value
    if abs(got - want) > 1e-6 * max(1.0, abs(want)):
        # the plain squared block is off now and then (2.5e-6 relative in 2 of 6,000 random
        # squared-dense examples; the flaky failure of sessions 22–23): the cutting planes
        # then take the careful form (exact.cutting.working_set_solve), which must match
        W = clarabel_restricted(cp, ws, stable=True)
        assert W is not None and set(W) == set(ws)
        got = cp.numeric_value
    assert cp.numeric_solver == "CLARABEL (direct)"
    assert abs(got - want) <= 1e-6 * max(1.0, abs(want)), (got, want)
    # the groups are in their cones and reproduce the value (up to float noise)
    Xf = np.array([[float(x) for x in row] for row in cp.X]).reshape(cp.rows, cp.d)
    rowfit = np.zeros(cp.rows)
    for (i, s), w in W.items():
        for a in cp.cones[i]:
            assert float(np.dot(np.array(a, dtype=float), w)) >= -1e-6 * (
                1 + np.linalg.norm(w) * np.linalg.norm(a))
        rowfit += s * np.array(cp.patterns[i], dtype=float) * (Xf @ w)
    z = pooled_rows(rowfit[:, None], cp.pool)[:, 0]
    yq = tuple(F(float(t)) for t in z)
    primal = float(cp.loss_fn.value(yq, cp.y)) + float(cp.beta) * sum(
        float(np.linalg.norm(w)) for w in W.values())
    assert abs(primal - got) <= 1e-5 * max(1.0, abs(got)), (primal, got)
    # the float dual vector is the restricted program's optimal dual: −ℓ*(−v) = value
    assert abs(_dual_objective(cp, cp.numeric_dual) - got) <= 1e-5 * max(1.0, abs(got))


def test_every_loss_of_the_registry_has_a_block():
    for name in LOSS_NAMES:
        blk = get_loss(name).clarabel_block(np.array([1.0, -1.0]))
        assert isinstance(blk, ConicBlock) and len(blk.q) == 2 + blk.aux
        assert sum(dim for _kind, dim in blk.cones) == len(blk.b)


def test_a_loss_without_a_block_falls_back_to_cvxpy(monkeypatch):
    """The default ``Loss.clarabel_block`` is None: clarabel_restricted declines (None) and the
    working-set solve takes the cvxpy chain (same value)."""
    from exact.cutting import working_set_solve

    cp = ConvProgram([[1, 0, -1], [0, 1, 1]], [1, -1], F(1, 10), 2)
    W0, _ = working_set_solve(cp)
    v0 = cp.numeric_value
    monkeypatch.setattr(type(cp.loss_fn), "clarabel_block", Loss.clarabel_block)
    assert clarabel_restricted(cp, cp.groups) is None
    W1, _ = working_set_solve(cp)
    assert cp.numeric_solver != "CLARABEL (direct)"
    assert abs(cp.numeric_value - v0) <= 1e-6 * max(1.0, v0)


def test_planted_bug_a_dense_readout_on_a_pooled_program_is_caught():
    """A readout that ignores the pooling (each output reads only its first patch) gives
    another value than cvxpy's program: the comparison above can fail."""

    cp = ConvProgram([[1, 2, -1], [0, 1, 1], [2, -1, 0]], [1, -1, 2], F(1, 10), 2)
    cp.numeric_solve()
    want = cp.numeric_value
    import exact.convex as CV

    orig = CV.pooled_rows

    def first_patch_only(M, pool):
        return np.asarray(M, dtype=float)[0::pool].copy()

    try:
        CV.pooled_rows = first_patch_only
        clarabel_restricted(cp, cp.groups)
    finally:
        CV.pooled_rows = orig
    assert abs(cp.numeric_value - want) > 1e-3


class _Stalled:
    """A solver whose solve reports Clarabel's InsufficientProgress (no usable point)."""

    def solve(self):
        class Sol:
            status = "InsufficientProgress"
            x = [float("nan")]
        return Sol()


def _stall_first(monkeypatch, stalls: int) -> list[bool]:
    """Make the first ``stalls`` Clarabel solves stall; returns the refinement flag of each
    solve asked for."""
    import exact.cutting as cutting

    real, seen = cutting.clarabel_solver, []

    def solver(P, q, A, b, cones, settings):
        seen.append(bool(settings.iterative_refinement_enable))
        return _Stalled() if len(seen) <= stalls else real(P, q, A, b, cones, settings)

    monkeypatch.setattr(cutting, "clarabel_solver", solver)
    return seen


def test_a_stalled_solve_is_retried_with_refinement_before_the_fallback(monkeypatch):
    """17-digit diabetes (40, 4): a round without refinement stopped at InsufficientProgress
    and the fallback was cvxpy's chain (its import alone ~1 s). The same program is tried
    with the refinement on, then with looser tolerances; the answer is the program's."""
    cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    seen = _stall_first(monkeypatch, 1)
    W = clarabel_restricted(cp, cp.groups, refine=False)
    assert W is not None and seen == [False, True]
    assert abs(cp.numeric_value - 37 / 200) < 1e-6
    seen = _stall_first(monkeypatch, 2)
    assert clarabel_restricted(cp, cp.groups, refine=False) is not None and len(seen) == 3
    assert abs(cp.numeric_value - 37 / 200) < 1e-6


def test_a_solve_that_stalls_every_time_declines(monkeypatch):
    """Three stalls (as asked, refined, loose): None, so the caller falls back."""
    cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    seen = _stall_first(monkeypatch, 3)
    assert clarabel_restricted(cp, cp.groups, refine=False) is None and len(seen) == 3
