"""The training losses: one class per loss, and the registry :data:`LOSSES` (docs/MATH.md §11).

Each loss ``ℓ(z) = Σ_j ℓ_j(z_j)`` is a :class:`Loss` object that knows everything the engine asks
of a loss: its exact value, its cvxpy expression (the numeric guess), which targets it accepts,
its Fenchel dual (the dual objective ``−ℓ*(−v)``, its domain and how to scale a dual vector into
feasibility), the dual candidate that ``check`` builds at a network's output, which exact
refinement ``solve`` runs, and capability flags. Modelled on scikit-learn's ``_loss`` module: a
loss is a class, a registry maps names to instances, and no other module branches on a loss's
name.

Every dual objective of the registry has, along the ray ``κv`` (κ ≥ 0), the form
``q(κ) = κ a − ½ κ² b + c`` on ``0 ≤ κ ≤ κ_box`` (:meth:`Loss.dual_form`): that is what makes
one rule :func:`best_scale` serve all of them (docs/MATH.md §11).

This module imports neither numpy nor cvxpy at load time (the command line's start-up reads the
registry's names).

>>> sorted(LOSSES)
['absolute', 'hinge', 'squared', 'squared_hinge']
>>> F = Fraction
>>> get_loss("absolute").value((F(1), F(3)), (F(0), F(1)))
Fraction(3, 1)
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from arrangement.errors import InputError
from exact.types import Vec

__all__ = ["Absolute", "Arithmetic", "ConicBlock", "FRACTIONS", "Hinge", "KKTForm", "LOSSES",
           "LOSS_NAMES", "Loss", "Squared", "SquaredHinge", "best_scale", "get_loss"]


@dataclass(frozen=True)
class Arithmetic:
    """The exact operations a loss value is computed with: Fractions (:data:`FRACTIONS`) or the
    algebraic numbers of :mod:`exact.network` (sympy radicals, signs decided exactly)."""

    add: Callable[[Any, Any], Any]
    mul: Callable[[Any, Any], Any]
    sign: Callable[[Any], int]


def _fraction_sign(x: Fraction) -> int:
    return (x > 0) - (x < 0)


#: Plain rational arithmetic.
FRACTIONS = Arithmetic(operator.add, operator.mul, _fraction_sign)


def best_scale(a: Fraction, b: Fraction, kfeas: Fraction | None, kbox: Fraction | None
               ) -> Fraction:
    """The ``κ ≥ 0`` maximising ``κ a − ½ κ² b`` (``b ≥ 0``) on ``κ ≤ min(kfeas, kbox)`` (None:
    no cap), docs/MATH.md §11; when nothing bounds κ and the objective is flat, κ = 1. With
    ``a > 0 = b`` and no cap there is no maximiser (the dual would be unbounded, which no loss
    with a finite optimum reaches: a linear dual comes with its box): ValueError.

    >>> best_scale(Fraction(1), Fraction(4), None, None)       # the vertex a / b
    Fraction(1, 4)
    >>> best_scale(Fraction(1), Fraction(0), Fraction(2), Fraction(3))   # linear: the cap
    Fraction(2, 1)
    >>> best_scale(Fraction(0), Fraction(0), None, None)                 # flat
    Fraction(1, 1)
    """
    caps = [k for k in (kfeas, kbox) if k is not None]
    cap = min(caps) if caps else None
    if b > 0:
        k = a / b
        return max(Fraction(0), k if cap is None else min(k, cap))
    if a < 0:
        return Fraction(0)
    if cap is None and a > 0:
        raise ValueError("best_scale: κa grows without bound (a > 0, b = 0, no cap)")
    return cap if cap is not None else Fraction(1)


@dataclass(frozen=True)
class ConicBlock:
    """A loss term ``ℓ(z)`` as a piece of a Clarabel cone program (``min ½xᵀPx + qᵀx`` s.t.
    ``Ax + s = b``, ``s ∈ K``; :func:`exact.cutting.clarabel_restricted` assembles it).

    The block's local variables are ``(z, ξ)``: the n predictions, then ``aux`` auxiliary
    variables of the loss. ``P`` (upper triangle, as Clarabel takes it) and ``q`` give its part
    of the objective, ``const`` the constant that makes the objective equal ``ℓ(z)``; ``A``, ``b``
    its constraint rows over ``(z, ξ)`` with the cones ``cones`` (``("nonneg", m)`` rows, in
    order). ``P`` and ``A`` are ``(rows, cols, values)`` triplets over local indices, so this
    module needs no numpy at load time. Floats only: a guess.
    """

    aux: int
    P: tuple
    q: tuple
    const: float
    A: tuple
    b: tuple
    cones: tuple[tuple[str, int], ...]


def _hinge_rows(yf: Any, n: int) -> tuple[tuple, Any, tuple[tuple[str, int], ...]]:
    """``ξ ≥ 0`` and ``ξ_j + y_j z_j ≥ 1`` (the hinge and squared hinge epigraphs) as rows
    ``Ax + s = b``, ``s ≥ 0``, over ``(z, ξ)``."""
    import numpy as np

    j = np.arange(n)
    rows = np.concatenate([j, n + j, n + j])
    cols = np.concatenate([n + j, n + j, j])
    vals = np.concatenate([-np.ones(n), -np.ones(n), -np.asarray(yf, dtype=float)])
    b = np.concatenate([np.zeros(n), -np.ones(n)])
    return (rows, cols, vals), b, (("nonneg", 2 * n),)


@dataclass(frozen=True)
class KKTForm:
    """What differs between the piecewise-linear losses' KKT systems on a fixed active set
    (docs/MATH.md §11; solved by :func:`exact.certify.kkt_newton`): with unknowns ``x_k`` for
    the free points j ∈ E, the dual is ``v_j = coef_j x_k``; the equations are
    ``(vᵀK_g v − β²) / (β² if relative else 1)`` per group and ``gain_j (Σ_g ρ_g K_g v)_j −
    target_j`` per free point.

    >>> KKTForm((1.0,), (1.0,), (2.0,), False).relative
    False
    """

    coef: Sequence[Any]
    gain: Sequence[Any]
    target: Sequence[Any]
    relative: bool


class Loss:
    """A convex, separable training loss ``ℓ(z) = Σ_j ℓ_j(z_j)`` (docs/MATH.md §11).

    Attributes (capabilities and choices the engine reads):

    - ``name`` (the ``--loss`` value) and ``formula`` (one line, for help texts);
    - ``labels``: the targets the command line accepts (None: any rational);
      ``domain_labels``: the targets the mathematics needs (:meth:`require_domain`, called by
      every program);
    - ``scale_targets``: whether the numeric guess may divide y by its largest entry (only for a
      loss homogeneous of degree two with the penalty, i.e. the squared loss);
    - ``dual_source``: the dual candidate of ``check``, ``"residual"`` (a function of the
      output, :meth:`residual_dual`) or ``"subgradient"`` (:meth:`subgradient_piece`, with the
      free coordinates fitted to stationarity);
    - ``refinement``: the exact refinement :func:`exact.certify.solve` runs on the active set
      (a name of :data:`exact.certify.REFINEMENTS`, or None);
    - ``supports_optimal_set``, ``supports_closed_form``: whether :mod:`exact.optimal_set` and
      :mod:`exact.closed_form` apply (they need a unique optimal fit and a quadratic loss).
    """

    name: str = ""
    formula: str = ""
    labels: tuple[int, ...] | None = None
    domain_labels: tuple[int, ...] | None = None
    scale_targets: bool = False
    dual_source: str = "subgradient"
    refinement: str | None = None
    supports_optimal_set: bool = False
    supports_closed_form: bool = False
    #: whether :meth:`clarabel_block` builds another form with ``stable=True``
    stable_block: bool = False

    def __repr__(self) -> str:
        return f"<loss {self.name}>"

    def kkt_form(self, y: Sequence[Any], one: Any) -> KKTForm | None:
        """The shape of this loss's KKT system on an active set for the damped Newton of
        :func:`exact.certify.kkt_newton` (None: the loss has no such refinement). ``y`` and
        ``one`` are in the Newton's number type (float or mpmath ``mpf``)."""
        return None

    # -- values -------------------------------------------------------------------------------
    def point(self, f: Any, t: Fraction, ar: Arithmetic) -> Any:
        """``ℓ_j(f)`` at one point with target ``t``, in the arithmetic ``ar``."""
        raise NotImplementedError

    def value(self, z: Sequence[Any], y: Sequence[Fraction], ar: Arithmetic = FRACTIONS) -> Any:
        """Exact ``ℓ(z)`` (Fractions, or ``ar``'s exact numbers).

        >>> F = Fraction
        >>> get_loss("squared").value((F(1), F(0)), (F(0), F(0)))
        Fraction(1, 2)
        """
        total: Any = Fraction(0)
        for f, t in zip(z, y, strict=True):
            total = ar.add(total, self.point(f, t, ar))
        return total

    def cvxpy_loss(self, z: Any, yf: Any) -> Any:
        """The loss as a cvxpy expression of the prediction variable ``z`` (floats ``yf``)."""
        raise NotImplementedError

    def validate(self, y: Sequence[object], where: str = "y") -> None:
        """Refuse targets outside :attr:`labels` with a one-line :class:`InputError`.

        >>> get_loss("squared_hinge").validate([Fraction(0)])  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        arrangement.errors.InputError: --loss squared_hinge needs class labels y in {-1, +1}, ...
        """
        if self.labels is None:
            return
        from arrangement.rational import format_fraction, to_vector

        ys = to_vector(y, where)
        allowed = ", ".join(f"{v:+d}" if v else "0" for v in self.labels)
        for j, t in enumerate(ys):
            if t not in self.labels:
                raise InputError(
                    f"--loss {self.name} needs class labels {where} in {{{allowed}}}, but "
                    f"{where}[{j}] = {format_fraction(t)} (map the classes to -1/+1 "
                    f"first, e.g. {where} = +1 for one class and -1 for the rest)")

    def require_domain(self, y: Sequence[Fraction], where: str = "y") -> None:
        """Refuse targets outside :attr:`domain_labels` (where the loss's dual of docs/MATH.md
        §11 is not derived) with a one-line :class:`InputError`.

        >>> get_loss("hinge").require_domain([Fraction(3, 2)])
        """
        if self.domain_labels is None:
            return
        for j, t in enumerate(y):
            if t not in self.domain_labels:
                raise InputError(f"the {self.name} loss needs labels {where}[j] in "
                                 f"{{{', '.join(f'{v:+d}' for v in self.domain_labels)}}}, "
                                 f"but {where}[{j}] = {t}")

    # -- the dual -----------------------------------------------------------------------------
    def clip_dual(self, v: Sequence[Fraction], y: Sequence[Fraction]) -> Vec:
        """The nearest point of the dual domain ``dom ℓ*(−·)`` (coordinate-wise): any rational v
        becomes a candidate whose scaled copies stay in the domain."""
        return tuple(v)

    def dual_form(self, v: Sequence[Fraction], y: Sequence[Fraction]
                  ) -> tuple[Fraction, Fraction, Fraction, Fraction | None]:
        """``(a, b, c, κ_box)`` with ``−ℓ*(−κv) = κ a − ½ κ² b + c`` for ``0 ≤ κ ≤ κ_box``
        (None: no bound); ValueError when v is outside the domain (docs/MATH.md §11)."""
        raise NotImplementedError

    def dual_objective(self, v: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction:
        """``−ℓ*(−v)`` exactly (ValueError outside the domain).

        >>> F = Fraction
        >>> get_loss("squared").dual_objective((F(1), F(2)), (F(1), F(2)))
        Fraction(5, 2)
        """
        a, b, c, kbox = self.dual_form(v, y)
        if kbox is not None and kbox < 1:
            raise ValueError(f"v is outside the {self.name} loss's dual domain")
        return a - b / 2 + c

    def scaled_dual_bound(self, v: Sequence[Fraction], y: Sequence[Fraction],
                          kfeas: Fraction | None) -> tuple[Fraction, Fraction]:
        """The best ``κ`` (at most ``kfeas``, which makes ``κv`` satisfy the chamber constraints)
        and the lower bound ``−ℓ*(−κv)`` it gives (weak duality, docs/MATH.md §11).

        >>> F = Fraction
        >>> get_loss("absolute").scaled_dual_bound((F(1, 2), F(-1)), (F(2), F(-1)), F(3))
        (Fraction(1, 1), Fraction(2, 1))
        """
        a, b, c, kbox = self.dual_form(v, y)
        kappa = best_scale(a, b, kfeas, kbox)
        return kappa, kappa * a - kappa * kappa * b / 2 + c

    def kappa_ceiling(self, v: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction | None:
        """An upper bound on the κ of :meth:`scaled_dual_bound` that does not depend on the
        chambers (None: none known); groups with ``κ_ceiling² ‖g‖² ≤ β²`` need no projection."""
        return None

    def numeric_dual(self, yf: Any, z: Any, nu: Any, sy: float) -> Any:
        """The float dual vector of the numeric solve, from the prediction ``z`` or the
        multiplier ``nu`` of ``z = ŷ`` (cvxpy's sign convention: the one with ``νᵀy ≥ 0``)."""
        import numpy as np

        return nu if float(np.dot(nu, yf)) >= 0 else -nu

    def residual_dual(self, y: Sequence[Fraction], f: Sequence[Fraction]) -> Vec | None:
        """``v = −ℓ'(f)`` where ℓ is differentiable (the squared losses): the dual vector that is
        optimal when f is (None for a loss without one)."""
        return None

    def subgradient_piece(self, f: Any, t: Fraction, ar: Arithmetic
                          ) -> tuple[Any, Fraction, Fraction]:
        """For ``check``'s subgradient dual: ``(m, a, b)`` with ``v_j = a + b μ_j``, ``μ_j ∈
        [0, 1]``, and the exact number m deciding ``μ_j``: 1 where ``m ≤ −band``, 0 where
        ``m ≥ band``, fitted in between (docs/MATH.md §11)."""
        raise NotImplementedError

    def snap_dual(self, v: Sequence[Fraction], y: Sequence[Fraction]) -> Vec | None:
        """A second dual candidate with the coordinates within 1e-9 of a kink of the domain put
        on it (None: no such candidate)."""
        return None

    def affine_pieces(self, t: Fraction) -> list[tuple[Fraction, Fraction]] | None:
        """``[(a_k, b_k)]`` with ``ℓ_j(f) = max_k (a_k f + b_k)`` at target ``t``, for a
        piecewise-linear loss (an exact LP then represents it; used by exact/relu3.py to
        polish a network's scales); None for a loss that is not.

        >>> get_loss("hinge").affine_pieces(Fraction(-1))
        [(Fraction(0, 1), Fraction(0, 1)), (Fraction(1, 1), Fraction(1, 1))]
        >>> get_loss("squared").affine_pieces(Fraction(1)) is None
        True
        """
        return None

    def clarabel_block(self, yf: Any, stable: bool = False) -> ConicBlock | None:
        """This loss's term of the direct Clarabel program (:class:`ConicBlock`) at the float
        targets ``yf``; None (the default): no block, the caller builds the program with cvxpy
        (:meth:`cvxpy_loss`). ``stable`` asks for the form that stays accurate on
        ill-conditioned data at the cost of a few more variables, where the loss has one
        (:attr:`stable_block`; otherwise the one form).

        >>> import numpy as np
        >>> blk = get_loss("absolute").clarabel_block(np.array([1.0, -2.0]))
        >>> blk.aux, blk.cones, list(blk.q)
        (2, (('nonneg', 4),), [0.0, 0.0, 1.0, 1.0])
        >>> Loss().clarabel_block(np.array([1.0])) is None
        True
        """
        return None


class Squared(Loss):
    """``ℓ(z) = ½‖z − y‖²``; ``−ℓ*(−v) = vᵀy − ½‖v‖²`` on all of Rⁿ (docs/MATH.md §7).

    >>> get_loss("squared").dual_form((Fraction(1),), (Fraction(3),))
    (Fraction(3, 1), Fraction(1, 1), Fraction(0, 1), None)
    """

    name = "squared"
    formula = "1/2 ||z - y||^2"
    scale_targets = True
    dual_source = "residual"
    refinement = "newton"
    supports_optimal_set = True
    supports_closed_form = True
    stable_block = True

    def point(self, f, t, ar):
        d = ar.add(f, -t)
        return ar.mul(Fraction(1, 2), ar.mul(d, d))

    def value(self, z, y, ar=FRACTIONS):
        # ½ Σ d²: one halving (the sympy form of an algebraic value stays the same as before)
        total: Any = Fraction(0)
        for f, t in zip(z, y, strict=True):
            d = ar.add(f, -t)
            total = ar.add(total, ar.mul(d, d))
        return ar.mul(Fraction(1, 2), total)

    def cvxpy_loss(self, z, yf):
        import cvxpy as cvx

        return 0.5 * cvx.sum_squares(z - yf)

    def dual_form(self, v, y):
        return _dot(v, y), _dot(v, v), Fraction(0), None

    def kappa_ceiling(self, v, y):
        vv = _dot(v, v)
        return _dot(v, y) / vv if vv else None

    def numeric_dual(self, yf, z, nu, sy):
        import numpy as np

        return sy * (yf - np.asarray(z, dtype=float))

    def residual_dual(self, y, f):
        return tuple(t - x for t, x in zip(y, f))

    def clarabel_block(self, yf, stable=False):
        """``½‖z − y‖² = ½ zᵀz − yᵀz + ½ yᵀy``; with ``stable``, ``½‖u‖²`` over the residual
        ``u = z − y`` (n more variables and zero-cone rows), the form cvxpy builds. The first
        leaves a constant ``½ yᵀy`` that can dwarf the objective: on raw 17-digit breast cancer
        (40, 4) (columns of scales 10^4 apart, y = ±1, objective 3.9 beside 20) its restricted
        optima were 6e-5 (relative) above those of the residual form, whose duals were within
        the rounds' slack; on the (40, 4) bench instance the residual form had two Clarabel
        solves stop at "InsufficientProgress" in six rounds (benchmarks/RESULTS.md, session 24).

        >>> import numpy as np
        >>> blk = get_loss("squared").clarabel_block(np.array([1.0, -2.0]), stable=True)
        >>> blk.aux, blk.cones, blk.const, blk.b
        (2, (('zero', 2),), 0.0, (-1.0, 2.0))
        """
        import numpy as np

        n = len(yf)
        j = np.arange(n)
        yf = np.asarray(yf, dtype=float)
        if stable:
            # rows u − z = −y (Ax + s = b, s in the zero cone); objective ½‖u‖²
            return ConicBlock(n, (n + j, n + j, np.ones(n)), (0.0,) * (2 * n), 0.0,
                              (np.concatenate([j, j]), np.concatenate([n + j, j]),
                               np.concatenate([np.ones(n), -np.ones(n)])),
                              tuple(float(t) for t in -yf), (("zero", n),))
        return ConicBlock(0, (j, j, np.ones(n)), tuple(-yf), 0.5 * float(yf @ yf),
                          (j[:0], j[:0], np.zeros(0)), (), ())


class Hinge(Loss):
    """``ℓ(z) = Σ_j max(0, 1 − y_j z_j)``; with ``μ_j = v_j / y_j``, ``−ℓ*(−v) = Σ_j μ_j`` on
    ``0 ≤ μ ≤ 1`` (and ``v_j = 0``, a constant 1, where ``y_j = 0``), docs/MATH.md §11.

    >>> F = Fraction
    >>> get_loss("hinge").dual_form((F(1, 2), F(0)), (F(1), F(0)))
    (Fraction(1, 2), Fraction(0, 1), Fraction(1, 1), Fraction(2, 1))
    """

    name = "hinge"
    formula = "sum_j max(0, 1 - y_j z_j)"
    labels = (-1, 0, 1)
    refinement = "hinge_kkt"

    def kkt_form(self, y, one):
        # v_j = y_j μ_j on the margin, margins y_j ŷ_j = 1, group equations relative to β²
        return KKTForm(tuple(y), tuple(y), (one,) * len(y), True)

    def point(self, f, t, ar):
        m = ar.add(Fraction(1), ar.mul(-t, f))
        return m if ar.sign(m) > 0 else Fraction(0)

    def cvxpy_loss(self, z, yf):
        import cvxpy as cvx

        return cvx.sum(cvx.pos(1 - cvx.multiply(yf, z)))

    def clip_dual(self, v, y):
        return tuple(Fraction(0) if t == 0 else min(max(x / t, Fraction(0)), Fraction(1)) * t
                     for x, t in zip(v, y))

    def dual_form(self, v, y):
        mus = [x / t for x, t in zip(v, y) if t != 0]
        if any(mu < 0 or mu > 1 for mu in mus) or any(x for x, t in zip(v, y) if t == 0):
            raise ValueError("the hinge dual needs 0 <= v_j / y_j <= 1 and v_j = 0 where "
                             "y_j = 0")
        mu_max = max(mus, default=Fraction(0))
        return (sum(mus, Fraction(0)), Fraction(0), Fraction(sum(1 for t in y if t == 0)),
                1 / mu_max if mu_max > 0 else None)

    def subgradient_piece(self, f, t, ar):
        # v_j = y_j μ_j; μ_j = 1 inside the margin (y_j f_j < 1), 0 beyond it
        return ar.add(ar.mul(t, f), Fraction(-1)), Fraction(0), t

    def affine_pieces(self, t):
        return [(Fraction(0), Fraction(0)), (-Fraction(t), Fraction(1))]

    def snap_dual(self, v, y):
        # μ_j within 1e-9 of a bound is most likely at it (e.g. μ = 1 for every point when the
        # zero network is optimal)
        mus = [x / t if t else Fraction(0) for x, t in zip(v, y)]
        return tuple(t * (Fraction(round(mu)) if abs(mu - round(mu)) < Fraction(1, 10**9)
                          and round(mu) in (0, 1) else mu) for mu, t in zip(mus, y))

    def clarabel_block(self, yf, stable=False):
        # Σ ξ with ξ ≥ 0, ξ ≥ 1 − y∘z
        import numpy as np

        n = len(yf)
        A, b, cones = _hinge_rows(yf, n)
        return ConicBlock(n, (np.zeros(0, dtype=int),) * 2 + (np.zeros(0),),
                          (0.0,) * n + (1.0,) * n, 0.0, A, tuple(b), cones)


class Absolute(Loss):
    """``ℓ(z) = Σ_j |z_j − y_j|``; ``−ℓ*(−v) = vᵀy`` on ``|v_j| ≤ 1`` (docs/MATH.md §11).

    >>> F = Fraction
    >>> get_loss("absolute").dual_form((F(1, 2), F(-1, 4)), (F(2), F(1)))
    (Fraction(3, 4), Fraction(0, 1), Fraction(0, 1), Fraction(2, 1))
    """

    name = "absolute"
    formula = "sum_j |z_j - y_j|"
    refinement = "absolute_kkt"

    def kkt_form(self, y, one):
        # v_j free on the interpolated points, ŷ_j = y_j there, group equations vᵀK_g v = β²
        return KKTForm((one,) * len(y), (one,) * len(y), tuple(y), False)

    def point(self, f, t, ar):
        d = ar.add(f, -t)
        return d if ar.sign(d) >= 0 else ar.mul(Fraction(-1), d)

    def cvxpy_loss(self, z, yf):
        import cvxpy as cvx

        return cvx.sum(cvx.abs(z - yf))

    def clip_dual(self, v, y):
        return tuple(min(max(x, Fraction(-1)), Fraction(1)) for x in v)

    def dual_form(self, v, y):
        big = max((abs(x) for x in v), default=Fraction(0))
        if big > 1:
            raise ValueError("the absolute loss's dual needs |v_j| <= 1")
        return _dot(v, y), Fraction(0), Fraction(0), 1 / big if big else None

    def numeric_dual(self, yf, z, nu, sy):
        # cvxpy's multiplier of z = ŷ is −ℓ'(z) itself (checked on the squared loss, where it
        # equals y − z); no sign guess: vᵀy = P* may be ~0 here
        return nu

    def subgradient_piece(self, f, t, ar):
        # v_j = sign(y_j − f_j) = −1 + 2μ_j: μ_j = 1 below the target, 0 above it
        return ar.add(f, -t), Fraction(-1), Fraction(2)

    def affine_pieces(self, t):
        return [(Fraction(1), -Fraction(t)), (Fraction(-1), Fraction(t))]

    def snap_dual(self, v, y):
        eps = Fraction(1, 10**9)
        return tuple(Fraction(1) if x > 1 - eps else Fraction(-1) if x < eps - 1 else x
                     for x in v)

    def clarabel_block(self, yf, stable=False):
        # Σ ξ with ξ ≥ z − y and ξ ≥ y − z
        import numpy as np

        n = len(yf)
        j = np.arange(n)
        yf = np.asarray(yf, dtype=float)
        rows = np.concatenate([j, j, n + j, n + j])
        cols = np.concatenate([n + j, j, n + j, j])
        vals = np.concatenate([-np.ones(n), np.ones(n), -np.ones(n), -np.ones(n)])
        return ConicBlock(n, (j[:0], j[:0], np.zeros(0)), (0.0,) * n + (1.0,) * n, 0.0,
                          (rows, cols, vals), tuple(np.concatenate([yf, -yf])),
                          (("nonneg", 2 * n),))


class SquaredHinge(Loss):
    """``ℓ(z) = ½ Σ_j max(0, 1 − y_j z_j)²`` with labels ``y_j = ±1``; with ``μ_j = y_j v_j``,
    ``−ℓ*(−v) = Σ_j (μ_j − ½ μ_j²) = vᵀy − ½‖v‖²`` on ``μ ≥ 0`` (docs/MATH.md §11): the squared
    loss's dual with a sign constraint.

    >>> F = Fraction
    >>> get_loss("squared_hinge").residual_dual((F(1), F(-1)), (F(1, 4), F(1, 2)))
    (Fraction(3, 4), Fraction(-3, 2))
    """

    name = "squared_hinge"
    formula = "1/2 sum_j max(0, 1 - y_j z_j)^2"
    labels = (-1, 1)
    domain_labels = (-1, 1)
    dual_source = "residual"
    refinement = "squared_hinge_newton"

    def point(self, f, t, ar):
        m = ar.add(Fraction(1), ar.mul(-t, f))
        return ar.mul(Fraction(1, 2), ar.mul(m, m)) if ar.sign(m) > 0 else Fraction(0)

    def cvxpy_loss(self, z, yf):
        import cvxpy as cvx

        return 0.5 * cvx.sum_squares(cvx.pos(1 - cvx.multiply(yf, z)))

    def clip_dual(self, v, y):
        return tuple(x if x * t > 0 else Fraction(0) for x, t in zip(v, y))

    def dual_form(self, v, y):
        if any(t * t != 1 for t in y):
            raise ValueError("the squared hinge's dual needs labels y_j = +1 or -1")
        if any(x * t < 0 for x, t in zip(v, y)):
            raise ValueError("the squared hinge's dual needs y_j v_j >= 0")
        return _dot(v, y), _dot(v, v), Fraction(0), None

    def kappa_ceiling(self, v, y):
        vv = _dot(v, v)
        return _dot(v, y) / vv if vv else None

    def numeric_dual(self, yf, z, nu, sy):
        import numpy as np

        zf = np.asarray(z, dtype=float)
        return yf * np.maximum(0.0, 1.0 - yf * zf)

    def residual_dual(self, y, f):
        # −ℓ_j'(f) = y_j max(0, 1 − y_j f)
        return tuple(t * max(Fraction(0), 1 - t * x) for t, x in zip(y, f))

    def clarabel_block(self, yf, stable=False):
        # ½‖ξ‖² with ξ ≥ 0, ξ ≥ 1 − y∘z
        import numpy as np

        n = len(yf)
        A, b, cones = _hinge_rows(yf, n)
        j = np.arange(n)
        return ConicBlock(n, (n + j, n + j, np.ones(n)), (0.0,) * (2 * n), 0.0, A, tuple(b),
                          cones)


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * t for x, t in zip(a, b) if x and t), Fraction(0))


#: The registry: ``--loss`` name → loss object.
LOSSES: dict[str, Loss] = {cls.name: cls() for cls in (Squared, Hinge, Absolute, SquaredHinge)}

#: The registry's names in order (the command line's ``--loss`` choices).
LOSS_NAMES: tuple[str, ...] = tuple(LOSSES)


def get_loss(name: str | Loss) -> Loss:
    """The loss object of a name (a :class:`Loss` is returned as is).

    >>> get_loss("hinge").dual_source
    'subgradient'
    >>> get_loss("l1")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: unknown loss 'l1': expected one of squared, hinge, absolute, \
squared_hinge
    """
    if isinstance(name, Loss):
        return name
    try:
        return LOSSES[name]
    except (KeyError, TypeError):
        raise InputError(f"unknown loss {name!r}: expected one of "
                         f"{', '.join(LOSS_NAMES)}") from None
