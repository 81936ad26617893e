"""Theorem checks for every loss of the registry (:data:`exact.losses.LOSSES`), on certified
intervals.

The laws of docs/MATH.md §8 that hold for every convex loss ``ℓ(z) = Σ_j ℓ_j(z_j)`` of the
registry are registered once per loss, named ``<loss>_<law>`` (a loss that already has the law
under that name, the hinge in :mod:`properties.theorems_hinge`, keeps its own); then the laws of
one loss (docs/MATH.md §11). As in :mod:`properties.theorems_optimal`, every value is a certified
interval from ``certify.solve`` (reached through the module so that a test can plant a bug), and
two values the theory calls equal must have overlapping intervals.

>>> from arrangement.instances import Instance
>>> inst = Instance([[-1, 1], [0, 1], [1, 1]], y=[1, -1, 1], beta="1/10")
>>> THEOREMS["absolute_negate_y"].check(inst) is None
True
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import strategies as st

from arrangement.instances import Instance
from exact import certify
from exact.losses import LOSS_NAMES, get_loss
from exact.network import Network, add, exact_eq, sign
from properties import strategies as S
from properties.registry import THEOREMS, Counterexample, theorem

__all__ = ["loss_instances"]

_CI = 4  # examples per theorem in the ci profile


def loss_instances(loss: str, n_max: int = 4, d_max: int = 2) -> st.SearchStrategy[Instance]:
    """Instances for a loss: class labels ±1 for the classification losses (those with
    ``labels``), rational targets otherwise, and a β.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(loss_instances("squared_hinge"))
    ... def labelled(inst):
    ...     assert all(t in (1, -1) for t in inst.y)
    >>> labelled()
    """
    @st.composite
    def draw_instance(draw):
        X = draw(S.matrices(n_max=n_max, d_max=d_max))
        if get_loss(loss).labels is not None:
            y = draw(st.lists(st.sampled_from([Fraction(1), Fraction(-1)]), min_size=len(X),
                              max_size=len(X)))
        else:
            y = draw(S.targets(len(X)))
        return Instance(X, y, draw(S.betas()), name=f"fuzz-{loss}")

    return draw_instance()


def _data(inst: Instance) -> tuple[tuple[tuple[Fraction, ...], ...], tuple[Fraction, ...],
                                   Fraction]:
    """``(X, y, β)`` of an instance that has targets and a β (every drawn one has)."""
    assert inst.y is not None and inst.beta is not None
    return inst.X, inst.y, inst.beta


def _interval(inst: Instance, loss: str) -> tuple[Fraction, Fraction]:
    X, y, beta = _data(inst)
    sol = certify.solve(X, y, beta, loss=loss)
    return Fraction(sol.lower), Fraction(sol.upper)


def _fmt(iv: tuple[Fraction, Fraction]) -> str:
    return f"[{float(iv[0]):.12g}, {float(iv[1]):.12g}]"


def _overlap(name: str, a, b, inst: Instance, **extra) -> Counterexample | None:
    if a[0] <= b[1] and b[0] <= a[1]:
        return None
    return Counterexample.make(name, f"P* in {_fmt(a)} but the transformed instance gives "
                               f"{_fmt(b)}", inst, **extra)


# -- the laws of every loss -----------------------------------------------------------------------
def _register_laws(loss: str) -> None:
    """``<loss>_bounds_valid``, ``<loss>_scale_X`` and ``<loss>_negate_y`` (unless registered)."""

    @st.composite
    def with_network(draw):
        inst = draw(loss_instances(loss))
        return inst, draw(S.networks(inst.d, width_max=3))

    @st.composite
    def with_factor(draw):
        return draw(loss_instances(loss)), draw(S.positive_rationals(4, 3))

    def bounds_valid(inst: Instance, net: Network) -> Counterexample | None:
        X, y, beta = _data(inst)
        sol = certify.solve(X, y, beta, loss=loss)
        lo, up = Fraction(sol.lower), Fraction(sol.upper)
        name = f"{loss}_bounds_valid"
        if lo > up:
            return Counterexample.make(name, f"lower {lo} > upper {up}", inst)
        real = sol.network.objective(X, y, beta, loss=loss)
        if not exact_eq(real, up):
            return Counterexample.make(name, f"upper {up} is not the returned network's "
                                       f"objective {real}", inst, sol.network)
        other = net.objective(X, y, beta, loss=loss)
        if sign(add(other, -lo)) < 0:
            return Counterexample.make(name, f"a network has objective {other} below the "
                                       f"certified lower bound {lo}", inst, net)
        return None

    def scale_X(inst: Instance, c: Fraction) -> Counterexample | None:  # noqa: N802
        X, y, beta = _data(inst)
        return _overlap(f"{loss}_scale_X", _interval(Instance(X, y, beta / c), loss),
                        _interval(S.scale_data(inst, c), loss), inst, c=c)

    def negate_y(inst: Instance) -> Counterexample | None:
        return _overlap(f"{loss}_negate_y", _interval(inst, loss),
                        _interval(S.negate_targets(inst), loss), inst)

    laws = [
        ("bounds_valid", bounds_valid, with_network(), "§4 §7 §11",
         "lower ≤ upper = L_β(returned network), and lower ≤ L_β(θ) for any network θ."),
        ("scale_X", scale_X, with_factor(), "§8",
         "P*(cX, y, β) = P*(X, y, β/c) for c > 0 (w ↦ cw maps one program onto the other; "
         "the loss sees the same fits)."),
        ("negate_y", negate_y, loss_instances(loss), "§8",
         "y → −y leaves P* unchanged (swap the signs of the groups: f → −f, and "
         "ℓ_j(−f, −y_j) = ℓ_j(f, y_j) for every loss of the registry)."),
    ]
    for law, fn, strategy, section, text in laws:
        name = f"{loss}_{law}"
        if name in THEOREMS:
            continue
        fn.__name__ = fn.__qualname__ = name
        theorem(name, strategy=strategy, section=section, cost="solve", ci_examples=_CI,
                description=f"{loss.replace('_', ' ').capitalize()} loss: {text}")(fn)


for _name in LOSS_NAMES:
    _register_laws(_name)


# -- the laws of one loss -------------------------------------------------------------------------
@st.composite
def _absolute_with_factor(draw):
    return draw(loss_instances("absolute")), draw(S.positive_rationals(4, 3))


@theorem("absolute_scale_y", strategy=_absolute_with_factor(), section="§11", cost="solve",
         ci_examples=_CI)
def absolute_scale_y(inst: Instance, c: Fraction) -> Counterexample | None:
    """Absolute loss: P*(X, cy, β) = c · P*(X, y, β) for c > 0.

    *Derived*: ``w ↦ cw`` multiplies every fit by c, the loss ``Σ|f_j − c y_j|`` at ``cf`` is c
    times the old one, and the penalty ``β‖cw‖`` is c times the old one too.
    """
    lo, up = _interval(inst, "absolute")
    X, y, beta = _data(inst)
    other = _interval(Instance(X, tuple(c * t for t in y), beta), "absolute")
    return _overlap("absolute_scale_y", (c * lo, c * up), other, inst, c=c)


@theorem("squared_hinge_below_squared", strategy=loss_instances("squared_hinge"), section="§11",
         cost="solve", ci_examples=_CI)
def squared_hinge_below_squared(inst: Instance) -> Counterexample | None:
    """Labels ±1: P*(squared hinge) ≤ P*(squared).

    *Derived*: ``½ max(0, 1 − y_j f)² ≤ ½ (f − y_j)²`` for ``y_j = ±1``, pointwise.
    """
    a = _interval(inst, "squared_hinge")
    b = _interval(inst, "squared")
    if a[0] <= b[1]:
        return None
    return Counterexample.make("squared_hinge_below_squared", f"squared hinge P* in {_fmt(a)} "
                               f"above the squared loss's {_fmt(b)}", inst)
