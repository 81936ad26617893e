"""Theorem checks for the hinge loss ``Σ_j max(0, 1 − y_j f_j)`` on certified intervals.

The laws of docs/MATH.md §8 that survive a change of loss, restated for the hinge (each *derived* in
its docstring), and one closed form. As in :mod:`properties.theorems_optimal`, every value is a
certified interval from ``certify.solve(..., loss="hinge")`` (reached through the module so that
a test can plant a bug), and two values the theory calls equal must have overlapping intervals.

>>> from arrangement.instances import Instance
>>> hinge_negate_y(Instance([[-1, 1], [0, 1], [1, 1]], y=[1, -1, 1], beta="1/10")) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

import sympy
from hypothesis import strategies as st

from arrangement.instances import Instance
from exact import certify
from exact.network import Network, add, exact_eq, sign
from properties import strategies as S
from properties.registry import Counterexample, theorem

__all__ = ["hinge_bounds_valid", "hinge_negate_y", "hinge_orthonormal", "hinge_scale_X",
           "hinge_scale_y_beta", "labels", "orthonormal_hinge_value"]

_CI = 6  # examples per theorem in the ci profile


def labels(n: int) -> st.SearchStrategy[tuple]:
    """Hinge targets: mostly ±1, sometimes 0 (a point whose loss is 1 whatever the fit) or
    another rational (the hinge ``max(0, 1 − y_j f_j)`` is defined for any real ``y_j``).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(labels(4))
    ... def four_labels(y):
    ...     assert len(y) == 4 and all(v in (1, -1) or abs(v) <= 3 for v in y)
    >>> four_labels()
    """
    one = st.sampled_from([Fraction(1), Fraction(-1)])
    other = st.one_of(st.just(Fraction(0)), S.rationals(3, 2, nonzero=True))
    return st.tuples(*[st.one_of(one, one, one, other) for _ in range(n)])


@st.composite
def hinge_instances(draw, n_max: int = 5, d_max: int = 3) -> Instance:
    """An :class:`Instance` of every kind of data (:func:`properties.strategies.matrices`) with
    :func:`labels` and a β.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(hinge_instances())
    ... def labelled(inst):
    ...     assert len(inst.targets) == inst.n
    >>> labelled()
    """
    X = draw(S.matrices(n_max=n_max, d_max=d_max))
    return Instance(X, draw(labels(len(X))), draw(S.betas()), name="fuzz-hinge")


def _solve(X, y, beta):
    return certify.solve(X, y, beta, loss="hinge")


def _interval(inst: Instance) -> tuple[Fraction, Fraction]:
    sol = _solve(inst.X, inst.targets, inst.penalty)
    return Fraction(sol.lower), Fraction(sol.upper)


def _fmt(iv: tuple[Fraction, Fraction]) -> str:
    return f"[{float(iv[0]):.12g}, {float(iv[1]):.12g}]"


def _same(name: str, inst: Instance, other: Instance, **extra) -> Counterexample | None:
    a, b = _interval(inst), _interval(other)
    if a[0] <= b[1] and b[0] <= a[1]:
        return None
    return Counterexample.make(name, f"P* in {_fmt(a)} but the transformed instance gives "
                               f"{_fmt(b)}", inst, **extra)


@st.composite
def _with_network(draw):
    inst = draw(hinge_instances())
    return inst, draw(S.networks(inst.d, width_max=3))


@theorem("hinge_bounds_valid", strategy=_with_network(), section="§4 §7", cost="solve",
         ci_examples=_CI)
def hinge_bounds_valid(inst: Instance, net: Network) -> Counterexample | None:
    """Hinge loss: lower ≤ upper = L_β(returned network), and lower ≤ L_β(θ) for any network θ."""
    sol = _solve(inst.X, inst.targets, inst.penalty)
    lo, up = Fraction(sol.lower), Fraction(sol.upper)
    if lo > up:
        return Counterexample.make("hinge_bounds_valid", f"lower {lo} > upper {up}", inst)
    real = sol.network.objective(inst.X, inst.targets, inst.penalty, loss="hinge")
    if not exact_eq(real, up):
        return Counterexample.make("hinge_bounds_valid", f"upper {up} is not the returned "
                                   f"network's objective {real}", inst, sol.network)
    other = net.objective(inst.X, inst.targets, inst.penalty, loss="hinge")
    if sign(add(other, -lo)) < 0:
        return Counterexample.make("hinge_bounds_valid", f"a network has objective {other} "
                                   f"below the certified lower bound {lo}", inst, net)
    return None


@st.composite
def _with_factor(draw):
    return draw(hinge_instances()), draw(S.positive_rationals(4, 3))


@theorem("hinge_scale_X", strategy=_with_factor(), section="§8", cost="solve", ci_examples=_CI)
def hinge_scale_X(inst: Instance, c: Fraction) -> Counterexample | None:
    """Hinge loss: P*(cX, y, β) = P*(X, y, β/c) for c > 0.

    *Derived*: the convex program's fits ``D_i (cX) w`` equal ``D_i X (cw)`` and the cones do not
    change, so ``w ↦ cw`` maps one program onto the other with penalty ``β‖w‖ = (β/c)‖cw‖``.
    """
    return _same("hinge_scale_X", Instance(inst.X, inst.targets, inst.penalty / c),
                 S.scale_data(inst, c), c=c)


@theorem("hinge_scale_y_beta", strategy=_with_factor(), section="§8", cost="solve",
         ci_examples=_CI)
def hinge_scale_y_beta(inst: Instance, c: Fraction) -> Counterexample | None:
    """Hinge loss: (y, β) → (cy, cβ) leaves P* unchanged (c > 0) — unlike the squared loss,
    where P* is multiplied by c².

    *Derived*: ``max(0, 1 − c y_j f_j)`` at the fit ``f/c`` is the old loss at f, and the
    groups ``w/c`` cost ``cβ‖w/c‖ = β‖w‖``.
    """
    return _same("hinge_scale_y_beta", inst, S.scale_targets(inst, c), c=c)


@theorem("hinge_negate_y", strategy=hinge_instances(), section="§8", cost="solve",
         ci_examples=_CI)
def hinge_negate_y(inst: Instance) -> Counterexample | None:
    """Hinge loss: y → −y leaves P* unchanged (swap the signs of the groups, so f → −f and every
    margin ``y_j f_j`` is kept)."""
    return _same("hinge_negate_y", inst, S.negate_targets(inst))


def orthonormal_hinge_value(y: Sequence[Fraction], beta: Fraction) -> sympy.Expr:
    """``P*`` of the hinge loss for orthonormal rows (``XXᵀ = I``) and labels in {−1, 0, 1}:
    ``min(|P|, β√|P|) + min(|N|, β√|N|) + #{y_j = 0}`` with P, N the positive and negative points.

    *Derived*: with ``b_j = y_j f_j`` the positive points cost at least
    ``Σ_P (1 − b_j)_+ + β‖w‖ ≥ |P| − Σ_P b_j + β Σ_P b_j / √|P|`` (on orthonormal rows a group's
    fit has norm at most ``‖w‖``; Cauchy–Schwarz), which is linear in ``Σ b_j ∈ [0, |P|]``;
    one neuron ``u = Σ_P x_j`` attains the minimum. The same for N; a zero label costs 1.

    >>> orthonormal_hinge_value([Fraction(1)] * 4, Fraction(1, 4))   # min(4, 2·1/4)
    1/2
    """
    P = sum(1 for t in y if t > 0)
    N = sum(1 for t in y if t < 0)
    b = sympy.Rational(beta.numerator, beta.denominator)
    return (sympy.Min(P, b * sympy.sqrt(P)) + sympy.Min(N, b * sympy.sqrt(N))
            + sum(1 for t in y if t == 0))


@st.composite
def _orthonormal(draw):
    d = draw(st.integers(1, 3))
    Q = draw(S.orthogonal_matrices(d, max_num=2, max_den=2))
    y = [draw(st.sampled_from([Fraction(1), Fraction(-1), Fraction(0)])) for _ in range(d)]
    return Instance(Q, y, draw(S.betas()), name="fuzz-orthonormal-hinge")


@theorem("hinge_orthonormal", strategy=_orthonormal(), section="§9", cost="solve",
         ci_examples=_CI)
def hinge_orthonormal(inst: Instance) -> Counterexample | None:
    """Hinge loss on orthonormal data with labels in {−1, 0, 1}: the closed form
    ``min(|P|, β√|P|) + min(|N|, β√|N|) + #{y = 0}`` lies in the certified interval."""
    lo, up = _interval(inst)
    value = orthonormal_hinge_value(inst.targets, Fraction(inst.penalty))
    inside = (bool(sympy.Rational(lo.numerator, lo.denominator) <= value)
              and bool(value <= sympy.Rational(up.numerator, up.denominator)))
    if not inside:
        return Counterexample.make("hinge_orthonormal", f"closed form {value} outside the "
                                   f"certified interval {_fmt((lo, up))}", inst)
    return None
