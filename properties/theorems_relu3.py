"""Theorem checks for three-layer ReLU sub-networks (docs/relu3.md §6), on certified intervals.

Every value is a certified interval ``[lower, upper]`` from :func:`exact.relu3.solve_relu3`,
reached through the module (``relu3.solve_relu3``) so that a test can plant a bug; two values
the theory calls equal must have overlapping intervals, and a value the theory bounds must have
its interval on the right side.

>>> from arrangement.instances import Instance
>>> relu3_scaling(Instance([[1, 0], [0, 1]], y=[1, -1], beta="1/4"), Fraction(2)) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from arrangement.exactla import Number
from arrangement.instances import Instance
from exact import certify, relu3
from exact.types import Vec
from properties import strategies as S
from properties.registry import Counterexample, theorem

__all__ = ["relu3_gd_above_lower", "relu3_upper_attained", "relu3_scaling",
           "relu3_vs_two_layer", "relu3_pruned", "relu3_hinge_bounds", "relu3_instances",
           "relu3_hinge_instances", "gd_relu3"]

_CI = 3       # examples per theorem in the ci profile (each solves one or more programs)
WIDTH = 2     # first-layer width of the checks
GD_STARTS = 6
GD_K = 3      # sub-networks in the gradient-descent runs


@st.composite
def relu3_instances(draw: st.DrawFn, n_max: int = 4, d_max: int = 2) -> Instance:
    """Tiny instances (n ≤ 4, d ≤ 2) of every kind of data, with targets and β.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None)
    ... @given(relu3_instances())
    ... def tiny(inst):
    ...     assert inst.n <= 8 and inst.d <= 2
    >>> tiny()
    """
    return draw(S.instances(S.matrices(n_max=n_max, d_max=d_max)))


def _interval(inst: Instance, width: int = WIDTH, **kw: Any) -> tuple[Fraction, Fraction]:
    sol = relu3.solve_relu3(inst.X, inst.targets, inst.penalty, width=width, **kw)
    return Fraction(sol.lower), Fraction(sol.upper)


def _fmt(iv: tuple[Fraction, Fraction]) -> str:
    return f"[{float(iv[0]):.12g}, {float(iv[1]):.12g}]"


def gd_relu3(X: Sequence[Sequence[Number]], y: Sequence[Number], beta: Number, *,
             width: int = WIDTH, K: int = GD_K, seed: int = 0,
             maxiter: int = 300) -> relu3.Relu3Network:
    """L-BFGS (scipy) on the non-convex three-layer objective from one random start; the first
    layers are parametrised as ``V / max(1, ‖V‖_F)`` (inside the ball by construction). Returns
    the final network with exact rational weights (its first layers pushed into the ball
    exactly). Floats only until then: nothing here is a claim.

    >>> net = gd_relu3([[1, 0], [0, 1]], [1, -1], Fraction(1, 4), seed=1)
    >>> net.in_architecture()
    True
    """
    from scipy.optimize import minimize

    Xf = np.array([[float(v) for v in r] for r in X], dtype=float)
    yf = np.array([float(v) for v in y])
    b = float(beta)
    n, d = Xf.shape
    rng = np.random.default_rng(seed)
    size = K * (width * d + width + 1)

    def unpack(p: np.ndarray) -> list[tuple[np.ndarray, np.ndarray, float]]:
        out, o = [], 0
        for _ in range(K):
            V = p[o:o + width * d].reshape(width, d)
            o += width * d
            w2 = p[o:o + width]
            o += width
            w3 = p[o]
            o += 1
            out.append((V / max(1.0, float(np.linalg.norm(V))), w2, w3))
        return out

    def f(p: np.ndarray) -> float:
        pred = np.zeros(n)
        pen = 0.0
        for W, w2, w3 in unpack(p):
            pred += np.maximum(np.maximum(Xf @ W.T, 0) @ w2, 0) * w3
            pen += float(w2 @ w2 + w3 * w3)
        return 0.5 * float(np.sum((pred - yf) ** 2)) + 0.5 * b * pen

    res = minimize(f, rng.normal(0, 1, size), method="L-BFGS-B", options={"maxiter": maxiter})
    W1: list[tuple[Vec, ...]] = []
    w2s: list[Vec] = []
    w3s: list[Fraction] = []
    for W, w2, w3 in unpack(res.x):
        Wq = tuple(tuple(Fraction(float(v)) for v in u) for u in W)
        nrm = sum((v * v for u in Wq for v in u), Fraction(0))
        if nrm > 1:  # float rounding: divide exactly by a rational ≥ the norm
            s = relu3.sqrt_up(nrm)
            Wq = tuple(tuple(v / s for v in u) for u in Wq)
        W1.append(Wq)
        w2s.append(tuple(Fraction(float(a)) for a in w2))
        w3s.append(Fraction(float(w3)))
    return relu3.Relu3Network(tuple(W1), tuple(w2s), tuple(w3s))


@theorem("relu3_gd_above_lower", strategy=relu3_instances(), section="relu3 §3 §4",
         cost="solve", ci_examples=_CI)
def relu3_gd_above_lower(inst: Instance) -> Counterexample | None:
    """Three-layer: gradient descent on the non-convex network from many starts never ends
    below the certified lower bound (exact objective of each final network ≥ lower)."""
    lo, _up = _interval(inst)
    for seed in range(GD_STARTS):
        net = gd_relu3(inst.X, inst.targets, inst.penalty, seed=seed)
        val = net.objective(inst.X, inst.targets, inst.penalty)
        if val < lo:
            return Counterexample.make("relu3_gd_above_lower", f"gradient descent (start "
                                       f"{seed}) reached {float(val):.15g} below the certified "
                                       f"lower bound {float(lo):.15g}", inst, seed=seed)
    return None


@theorem("relu3_upper_attained", strategy=relu3_instances(), section="relu3 §4",
         cost="solve", ci_examples=_CI)
def relu3_upper_attained(inst: Instance) -> Counterexample | None:
    """Three-layer: the reconstructed network is in the architecture (‖W1‖_F ≤ 1, width ≤ m1),
    attains the upper bound exactly, and closes the gap to ≤ 1e-9 relative."""
    sol = relu3.solve_relu3(inst.X, inst.targets, inst.penalty, width=WIDTH)
    net = sol.network
    if not net.in_architecture() or any(len(Wk) > WIDTH for Wk in net.W1):
        return Counterexample.make("relu3_upper_attained", "the reconstructed network leaves "
                                   "the architecture", inst)
    if net.objective(inst.X, inst.targets, inst.penalty) != sol.upper:
        return Counterexample.make("relu3_upper_attained", "upper is not the network's "
                                   "objective", inst)
    if sol.lower > sol.upper or sol.gap > Fraction(1, 10**9) * max(Fraction(1), sol.upper):
        return Counterexample.make("relu3_upper_attained", f"gap {float(sol.gap):.3g} between "
                                   f"{_fmt((sol.lower, sol.upper))}", inst)
    return None


@theorem("relu3_pruned", strategy=relu3_instances(), section="relu3 §4", cost="solve",
         ci_examples=_CI)
def relu3_pruned(inst: Instance) -> Counterexample | None:
    """Three-layer pruning (docs/relu3.md §4, "Pruning"): the pruned network has the unpruned
    network's output exactly, at most ``output_directions(X)`` (≤ n) sub-networks, and an
    objective not above the unpruned one's (rounding of the reconstruction aside: 1e-20
    relative)."""
    sol = relu3.solve_relu3(inst.X, inst.targets, inst.penalty, width=WIDTH)
    net, old = sol.network, sol.unpruned_network
    if old is None or sol.unpruned_upper is None:
        return Counterexample.make("relu3_pruned", "the solve kept no unpruned network", inst)
    if len(net.w3) and net.predict(inst.X) != old.predict(inst.X):
        return Counterexample.make("relu3_pruned", "pruning changed the network's output", inst)
    bound = relu3.output_directions(inst.X)
    if len(net.w3) > bound:
        return Counterexample.make("relu3_pruned", f"{len(net.w3)} sub-networks after pruning, "
                                   f"more than the {bound} row directions of X", inst)
    slack = Fraction(1, 10**20) * max(Fraction(1), abs(sol.unpruned_upper))
    if sol.upper > sol.unpruned_upper + slack:
        return Counterexample.make("relu3_pruned", f"pruning raised the objective from "
                                   f"{float(sol.unpruned_upper):.15g} to {float(sol.upper):.15g}",
                                   inst)
    return None


@st.composite
def _with_factor(draw: st.DrawFn) -> tuple[Instance, Fraction]:
    return draw(relu3_instances()), draw(S.positive_rationals(4, 3))


@theorem("relu3_scaling", strategy=_with_factor(), section="relu3 §6", cost="solve",
         ci_examples=_CI)
def relu3_scaling(inst: Instance, c: Fraction) -> Counterexample | None:
    """Three-layer: ``P*(X, cy, cβ) = c² P*(X, y, β)`` and ``P*(cX, y, β) = P*(X, y, β/c)``.

    *Derived* (docs/relu3.md §6): the convex program's fits are degree 1 in z and the penalty
    is degree 1, so ``z → cz`` maps the first pair; ``D_2 X̃`` is linear in X with the same
    patterns, so ``cX`` with z is X with cz, at penalty ``β‖z‖ = (β/c)‖cz‖``.
    """
    base = _interval(inst)
    sy = _interval(S.scale_targets(inst, c))
    scaled = (c * c * base[0], c * c * base[1])
    if not (sy[0] <= scaled[1] and scaled[0] <= sy[1]):
        return Counterexample.make("relu3_scaling", f"c² P* in {_fmt(scaled)} but (cy, cβ) "
                                   f"gives {_fmt(sy)}", inst, c=c)
    a = _interval(S.scale_data(inst, c))
    b = _interval(Instance(inst.X, inst.targets, inst.penalty / c))
    if not (a[0] <= b[1] and b[0] <= a[1]):
        return Counterexample.make("relu3_scaling", f"P*(cX, y, β) in {_fmt(a)} but "
                                   f"P*(X, y, β/c) in {_fmt(b)}", inst, c=c)
    return None


@theorem("relu3_vs_two_layer", strategy=relu3_instances(), section="relu3 §6",
         cost="solve", ci_examples=_CI)
def relu3_vs_two_layer(inst: Instance) -> Counterexample | None:
    """Three vs two layers: width 1 is exactly the two-layer program, ``P*_3(1) = P*_2``, and
    widening never hurts, ``P*_3(2) ≤ P*_3(1)`` (docs/relu3.md §6)."""
    two = certify.solve(inst.X, inst.targets, inst.penalty)
    t2 = (Fraction(two.lower), Fraction(two.upper))
    one = _interval(inst, width=1)
    if not (one[0] <= t2[1] and t2[0] <= one[1]):
        return Counterexample.make("relu3_vs_two_layer", f"P*_3(m1=1) in {_fmt(one)} but "
                                   f"P*_2 in {_fmt(t2)}", inst)
    wide = _interval(inst, width=2)
    if wide[0] > one[1]:
        return Counterexample.make("relu3_vs_two_layer", f"P*_3(m1=2) in {_fmt(wide)} above "
                                   f"P*_3(m1=1) in {_fmt(one)}", inst)
    return None


@st.composite
def relu3_hinge_instances(draw: st.DrawFn, n_max: int = 4, d_max: int = 2) -> Instance:
    """:func:`relu3_instances` with class labels ``y_j ∈ {−1, 0, +1}`` (mostly ±1) for the
    hinge loss.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, database=None)
    ... @given(relu3_hinge_instances())
    ... def labelled(inst):
    ...     assert set(inst.y) <= {-1, 0, 1}
    >>> labelled()
    """
    inst = draw(relu3_instances(n_max=n_max, d_max=d_max))
    lab = st.sampled_from([Fraction(1), Fraction(-1), Fraction(1), Fraction(-1), Fraction(0)])
    y = tuple(draw(lab) for _ in range(inst.n))
    return Instance(inst.X, y, inst.beta)


@theorem("relu3_hinge_bounds", strategy=relu3_hinge_instances(), section="relu3 §4b",
         cost="solve", ci_examples=_CI)
def relu3_hinge_bounds(inst: Instance) -> Counterexample | None:
    """Three-layer, hinge loss: ``lower ≤ upper`` = the returned network's exact hinge
    objective (in the architecture), and width 1 is the two-layer hinge program: its interval
    meets the dense solver's (docs/relu3.md §4b, §6)."""
    sol = relu3.solve_relu3(inst.X, inst.targets, inst.penalty, width=WIDTH, loss="hinge")
    if sol.lower > sol.upper:
        return Counterexample.make("relu3_hinge_bounds", f"lower {float(sol.lower):.15g} > "
                                   f"upper {float(sol.upper):.15g}", inst)
    net = sol.network
    if not net.in_architecture() or \
            net.objective(inst.X, inst.targets, inst.penalty, "hinge") != sol.upper:
        return Counterexample.make("relu3_hinge_bounds", "upper is not the returned network's "
                                   "hinge objective", inst)
    two = certify.solve(inst.X, inst.targets, inst.penalty, loss="hinge")
    t2 = (Fraction(two.lower), Fraction(two.upper))
    one = _interval(inst, width=1, loss="hinge")
    if not (one[0] <= t2[1] and t2[0] <= one[1]):
        return Counterexample.make("relu3_hinge_bounds", f"P*_3(m1=1, hinge) in {_fmt(one)} "
                                   f"but P*_2(hinge) in {_fmt(t2)}", inst)
    return None
