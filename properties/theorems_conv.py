"""Theorem checks for two-layer CNNs on 1-D signals (docs/cnn.md §3), on certified intervals.

Every value is a certified interval from :func:`exact.conv.solve_conv`, reached through the
module (``conv.solve_conv``, which calls ``exact.certify.solve`` at call time) so that a test can
plant a bug in either; two values the theory calls equal must have overlapping intervals, and a
value the theory bounds must lie on the right side. The examples are tiny (n ≤ 4 signals of
length L ≤ 5) with a drawn filter width and a stride that tiles the signal.

>>> c = ConvInstance(Instance([[1, 2], [0, -1]], y=[1, 0], beta="1/10"), 2, 1)
>>> conv_one_patch_is_dense(c) is None, conv_reversal(c) is None
(True, True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import numpy as np
from hypothesis import strategies as st

from arrangement.exactla import Number
from arrangement.instances import Instance
from exact import certify, conv, pruning
from properties import strategies as S
from properties.registry import Counterexample, theorem

__all__ = ["ConvInstance", "conv_gd_never_below", "conv_instances", "conv_one_patch_is_dense",
           "conv_permutation", "conv_psi_attains_upper", "conv_reversal", "conv_scale_y_beta",
           "conv_width_bound", "gd_conv"]

_CI = 5         # examples per theorem in the ci profile (each solves one or two programs)
GD_STARTS = 4   # random starts of the gradient descent in conv_gd_never_below
GD_WIDTH = 3    # filters of those CNNs


@dataclass(frozen=True)
class ConvInstance:
    """An instance whose rows are the signals, with a filter width ``h`` and a ``stride``."""

    inst: Instance
    h: int
    stride: int


@st.composite
def conv_instances(draw: st.DrawFn, n_max: int = 4, L_max: int = 5) -> ConvInstance:
    """Small integer signals, targets and β, a width ``h ≤ L`` and a stride dividing ``L − h``
    (the shapes :func:`exact.conv.num_patches` accepts).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(conv_instances())
    ... def tiles(c):
    ...     assert (len(c.inst.X[0]) - c.h) % c.stride == 0 and c.inst.n <= 4
    >>> tiles()
    """
    n = draw(st.integers(2, n_max))
    L = draw(st.integers(2, L_max))
    X = [[draw(st.integers(-3, 3)) for _ in range(L)] for _ in range(n)]
    y = [draw(st.integers(-2, 2)) for _ in range(n)]
    h, stride = draw(S.filter_strides(L))
    return ConvInstance(Instance(X, y=y, beta=draw(S.betas())), h, stride)


def _interval(c: ConvInstance, X: Sequence[Sequence[Number]] | None = None,
              y: Sequence[Number] | None = None, beta: Number | None = None
              ) -> tuple[Fraction, Fraction]:
    sol = conv.solve_conv(c.inst.X if X is None else X, c.inst.targets if y is None else y,
                          c.inst.penalty if beta is None else beta, c.h, c.stride)
    return Fraction(sol.lower), Fraction(sol.upper)


def _overlap(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _fmt(iv: tuple[Fraction, Fraction]) -> str:
    return f"[{float(iv[0]):.12g}, {float(iv[1]):.12g}]"


def _ce(name: str, message: str, c: ConvInstance, **extra: Any) -> Counterexample:
    return Counterexample.make(name, message, c.inst, h=c.h, stride=c.stride, **extra)


@theorem("conv_one_patch_is_dense", strategy=conv_instances().map(
    lambda c: ConvInstance(c.inst, len(c.inst.X[0]), 1)), section="cnn §3", cost="solve",
    ci_examples=_CI)
def conv_one_patch_is_dense(c: ConvInstance) -> Counterexample | None:
    """With one patch (h = L, stride 1) the CNN's P* is the dense two-layer P* (P = X, S = I)."""
    a = _interval(c)
    sol = certify.solve(c.inst.X, c.inst.targets, c.inst.penalty)
    b = (Fraction(sol.lower), Fraction(sol.upper))
    if _overlap(a, b):
        return None
    return _ce("conv_one_patch_is_dense", f"CNN P* in {_fmt(a)}, dense P* in {_fmt(b)}", c)


@theorem("conv_reversal", strategy=conv_instances(), section="cnn §3", cost="solve",
         ci_examples=_CI)
def conv_reversal(c: ConvInstance) -> Counterexample | None:
    """Reversing every signal leaves the CNN's P* unchanged (each patch is reversed, a linear
    isometry of R^h, and the patch positions are permuted within each signal)."""
    a = _interval(c)
    b = _interval(c, X=[list(row)[::-1] for row in c.inst.X])
    if _overlap(a, b):
        return None
    return _ce("conv_reversal", f"P* in {_fmt(a)} but the reversed signals give {_fmt(b)}", c)


@theorem("conv_permutation", strategy=conv_instances().flatmap(
    lambda c: st.tuples(st.just(c), st.permutations(range(c.inst.n)))), section="cnn §3",
    cost="solve", ci_examples=_CI)
def conv_permutation(c: ConvInstance, perm: Sequence[int]) -> Counterexample | None:
    """Permuting the samples (signals with their targets) leaves the CNN's P* unchanged."""
    a = _interval(c)
    b = _interval(c, X=[c.inst.X[j] for j in perm], y=[c.inst.targets[j] for j in perm])
    if _overlap(a, b):
        return None
    return _ce("conv_permutation", f"P* in {_fmt(a)} but the permuted samples give {_fmt(b)}",
               c, perm=list(perm))


@theorem("conv_scale_y_beta", strategy=st.tuples(conv_instances(),
                                                  S.rationals(3, 2, nonzero=True).map(abs)),
         section="cnn §3", cost="solve", ci_examples=_CI)
def conv_scale_y_beta(c: ConvInstance, k: Fraction) -> Counterexample | None:
    """(y, β) → (ky, kβ), k > 0, multiplies the CNN's P* by k² (filters and output weights
    scaled by √k, as in the dense law of docs/MATH.md §8)."""
    a = _interval(c)
    b = _interval(c, y=[k * t for t in c.inst.targets], beta=k * c.inst.penalty)
    ka = (k * k * a[0], k * k * a[1])
    if _overlap(ka, b):
        return None
    return _ce("conv_scale_y_beta", f"k² P* in {_fmt(ka)} but the scaled instance gives "
                                    f"{_fmt(b)}", c, k=k)


@theorem("conv_width_bound", strategy=conv_instances(), section="cnn §3", cost="solve",
         ci_examples=_CI)
def conv_width_bound(c: ConvInstance) -> Counterexample | None:
    """m* ≤ n + 1: Carathéodory pruning of the certified optimum (exact.pruning, on the pooled
    fits) keeps its fit, does not raise its penalty and leaves at most n groups; the optimum's
    groups lie in their cones and its CNN has one filter per nonzero group."""
    name = "conv_width_bound"
    sol = conv.solve_conv(c.inst.X, c.inst.targets, c.inst.penalty, c.h, c.stride)
    cp = conv.conv_program(sol)
    bad = [g for g, w in sol.groups.items() if not cp.in_cone(g[0], w)]
    if bad:
        return _ce(name, f"group {bad[0]} is outside its cone", c)
    groups = sum(1 for w in sol.groups.values() if any(w))
    width = conv.conv_network(sol).width
    if width != groups:
        return _ce(name, f"{width} filters for {groups} nonzero groups", c)
    r = pruning.prune_with_record(sol.groups, cp)
    if cp.prediction(r.groups) != cp.prediction(sol.groups) or not r.penalty_not_increased:
        return _ce(name, "pruning changed the fit or raised the penalty", c)
    if len(r.groups) > c.inst.n:
        return _ce(name, f"pruning left {len(r.groups)} groups > n = {c.inst.n}", c)
    return None


@theorem("conv_psi_attains_upper", strategy=conv_instances(), section="cnn §3", cost="solve",
         ci_examples=_CI)
def conv_psi_attains_upper(c: ConvInstance) -> Counterexample | None:
    """ψ of the certified optimum (one filter per group) is a CNN whose exact objective is the
    certified upper bound and whose output is the convex program's prediction."""
    name = "conv_psi_attains_upper"
    X, y, beta = c.inst.X, c.inst.targets, c.inst.penalty
    sol = conv.solve_conv(X, y, beta, c.h, c.stride)
    net = conv.conv_network(sol)
    if net.output(X) != conv.conv_program(sol).prediction(sol.groups):
        return _ce(name, "the CNN's output is not the convex program's prediction", c)
    obj = net.objective(X, y, beta)
    if obj != sol.upper:
        return _ce(name, f"the CNN's objective {float(obj):.12g} != upper "
                         f"{float(sol.upper):.12g}", c)
    return None


def gd_conv(X: Sequence[Sequence[Number]], y: Sequence[Number], beta: Number, h: int,
            stride: int = 1, *, width: int = GD_WIDTH, seed: int = 0) -> conv.ConvNetwork:
    """L-BFGS (scipy) on the non-convex CNN objective (squared loss) from one random start;
    returns the final CNN with exact rational weights (the floats, read exactly). Floats only
    until then: nothing here is a claim.

    >>> net = gd_conv([[1, 0, -1], [0, 1, 1]], [1, -1], Fraction(1, 10), 2, seed=1)
    >>> net.width, net.h, net.objective([[1, 0, -1], [0, 1, 1]], [1, -1], "1/10") < 1
    (3, 2, True)
    """
    from scipy.optimize import minimize

    P = np.array([[float(v) for v in r] for r in conv.patches(X, h, stride)])
    n, m, b = len(X), width, float(Fraction(beta))
    K = len(P) // n
    yf = np.array([float(Fraction(t)) for t in y])

    def f(th: np.ndarray) -> tuple[float, np.ndarray]:
        U, a = th[:m * h].reshape(m, h), th[m * h:]
        Z = P @ U.T
        act = np.maximum(Z, 0)
        r = (act @ a).reshape(n, K).sum(axis=1) - yf
        dr = np.repeat(r, K)  # row jK + k of P carries signal j's residual
        gU = ((dr[:, None] * (Z > 0)) * a).T @ P + b * U
        return (0.5 * r @ r + b / 2 * (np.sum(U * U) + a @ a),
                np.concatenate([gU.ravel(), act.T @ dr + b * a]))

    rng = np.random.default_rng(seed)
    th = minimize(f, rng.standard_normal(m * (h + 1)), jac=True, method="L-BFGS-B").x
    return conv.ConvNetwork(tuple(tuple(Fraction(float(t)) for t in u)
                                  for u in th[:m * h].reshape(m, h)),
                            tuple(Fraction(float(t)) for t in th[m * h:]), stride)


@theorem("conv_gd_never_below", strategy=conv_instances(), section="cnn §3", cost="solve",
         ci_examples=_CI)
def conv_gd_never_below(c: ConvInstance) -> Counterexample | None:
    """L-BFGS on the non-convex CNN from several starts never ends below the certified lower
    bound (each final CNN's objective computed exactly)."""
    X, y, beta = c.inst.X, c.inst.targets, c.inst.penalty
    lower = conv.solve_conv(X, y, beta, c.h, c.stride).lower
    for seed in range(GD_STARTS):
        net = gd_conv(X, y, beta, c.h, c.stride, seed=seed)
        obj = net.objective(X, y, beta)
        if obj < lower:
            return _ce("conv_gd_never_below", f"gradient descent reached {float(obj):.12g} < "
                                              f"the certified lower bound {float(lower):.12g}",
                       c, seed=seed)
    return None
