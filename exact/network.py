"""Exact two-layer ReLU networks and the exact numbers they are made of (docs/MATH.md §1, §5).

A network of width m is ``θ = {(u_k, α_k)}`` with output ``f_θ = Σ_k (X u_k)_+ α_k`` and training
objective ``L_β(θ) = ℓ(f_θ) + (β/2) Σ_k (‖u_k‖² + α_k²)`` (Wang, Lacotte & Pilanci 2022,
arXiv:2006.05900, seeds 000 and 004).

Numbers
-------
Every entry is *exact*: a :class:`fractions.Fraction` when rational, otherwise a real algebraic
``sympy`` number built from rationals with ``+ − × ÷`` and rational powers (square roots appear
because the map ψ of docs/MATH.md §5 takes ``√‖w‖``). :func:`exact` normalises inputs (a sympy
rational
becomes a Fraction, so rational networks stay in fast Fraction arithmetic).

Signs of algebraic numbers are decided exactly by :func:`sign`:

1. rationals are compared directly;
2. otherwise the expression is evaluated in rigorous interval arithmetic (``mpmath.iv``, whose
   operations round outward) at increasing precision; an interval that excludes 0 certifies the
   sign;
3. if the interval keeps containing 0, ``sympy.minimal_polynomial`` decides exactly whether the
   number is 0 (its minimal polynomial is ``x``); if it is not 0, the root bound
   ``|x| ≥ |a_0| / (|a_0| + max_i |a_i|)`` of the minimal polynomial tells how much precision
   separates it from 0, and the interval evaluation is repeated at that precision.

So no sign (hence no ``(·)_+``, no cone membership, no comparison) rests on floating point.

>>> from fractions import Fraction
>>> net = Network((Neuron((1, 0), 2), Neuron((0, 1), Fraction(-1, 2))))
>>> net.output([[1, 1], [-1, 2]])
(Fraction(3, 2), Fraction(-1, 1))
>>> net.objective([[1, 1], [-1, 2]], [1, -1], Fraction(1, 10))
Fraction(7, 16)
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import Any

import mpmath
import sympy

from arrangement import rational as _rational
from arrangement.errors import InputError

__all__ = [
    "FORMAT",
    "Exact",
    "Network",
    "Neuron",
    "exact",
    "exact_eq",
    "exact_sqrt",
    "dot",
    "is_rational",
    "norm_sq",
    "parse_number",
    "sign",
    "to_fraction_matrix",
    "to_fraction_vector",
    "to_fraction",
]

FORMAT = "relucvx-network/1"

#: An exact number: a Fraction, or a real algebraic sympy expression.
Exact = Fraction | sympy.Expr


# ---------------------------------------------------------------------------------------------
# Exact numbers
# ---------------------------------------------------------------------------------------------


def is_rational(x: object) -> bool:
    """True when ``x`` is a Fraction or an int (the fast exact case).

    >>> is_rational(Fraction(1, 3)), is_rational(sympy.sqrt(2))
    (True, False)
    """
    return isinstance(x, (Fraction, int)) and not isinstance(x, bool)


def exact(x: object) -> Exact:
    """Normalise ``x`` to an exact number: Fraction when rational, else a sympy algebraic number.

    Accepts what :func:`arrangement.rational.to_fraction` accepts (int, Fraction, Decimal, exact
    text such as ``"3/4"`` or ``"0.1"`` = 1/10), radical text (``"sqrt(2)/3"``) and sympy numbers.
    Binary floats are refused: the project never rounds silently (ARCHITECTURE.md, *Numbers*).

    >>> exact("0.1"), exact(sympy.Rational(2, 4)), exact(sympy.sqrt(8))
    (Fraction(1, 10), Fraction(1, 2), 2*sqrt(2))
    """
    if isinstance(x, Fraction):
        return x
    if isinstance(x, sympy.Basic):
        return _from_sympy(x)
    if isinstance(x, str):
        return parse_number(x)
    return _rational.to_fraction(x)


def _from_sympy(e: sympy.Basic) -> Exact:
    if isinstance(e, sympy.Rational):
        return Fraction(int(e.p), int(e.q))
    if not isinstance(e, sympy.Expr) or not e.is_number or e.free_symbols:
        raise InputError(f"not a number: {e}")
    if e.has(sympy.Float):
        raise InputError(f"binary float inside {e} is not exact")
    if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        raise InputError(f"not a finite real number: {e}")
    if e.is_real is False or e.is_algebraic is False:
        raise InputError(f"not a real algebraic number: {e}")
    return e


def _sym(x: Exact) -> sympy.Expr:
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    if isinstance(x, int):
        return sympy.Integer(x)
    return x


def _canon(e: Any) -> Exact:
    """Fraction if ``e`` is rational, else the expanded sympy expression (a best-effort form)."""
    if isinstance(e, Fraction):
        return e
    if isinstance(e, int):
        return Fraction(e)
    if isinstance(e, sympy.Rational):
        return Fraction(int(e.p), int(e.q))
    if isinstance(e, sympy.Add) or (isinstance(e, sympy.Mul) and any(a.is_Add for a in e.args)):
        # Expanding lets sympy's automatic collection cancel like radicals (e.g. (1+√2)² − 2√2).
        e = sympy.expand(e)
        if isinstance(e, sympy.Rational):
            return Fraction(int(e.p), int(e.q))
    return e


def add(a: Exact, b: Exact) -> Exact:
    """Exact sum.

    >>> add(Fraction(1, 2), sympy.sqrt(2) - Fraction(1, 2))
    sqrt(2)
    """
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a + b
    return _canon(_sym(a) + _sym(b))


def mul(a: Exact, b: Exact) -> Exact:
    """Exact product.

    >>> mul(sympy.sqrt(2), sympy.sqrt(2))
    Fraction(2, 1)
    """
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a * b
    return _canon(_sym(a) * _sym(b))


def div(a: Exact, b: Exact) -> Exact:
    """Exact quotient (``b`` nonzero).

    >>> div(Fraction(2), sympy.sqrt(2))
    sqrt(2)
    """
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a / b
    return _canon(_sym(a) / _sym(b))


def dot(a: Sequence[Exact], b: Sequence[Exact]) -> Exact:
    """Exact inner product of two equally long sequences.

    >>> dot((Fraction(1), Fraction(2)), (Fraction(3), Fraction(-1)))
    Fraction(1, 1)
    """
    if all(isinstance(t, Fraction) for t in a) and all(isinstance(t, Fraction) for t in b):
        return sum((s * t for s, t in zip(a, b, strict=True)), Fraction(0))
    return _canon(sympy.Add(*[_sym(s) * _sym(t) for s, t in zip(a, b, strict=True)]))


def norm_sq(v: Sequence[Exact]) -> Exact:
    """Exact ``‖v‖²``.

    >>> norm_sq((Fraction(3), Fraction(4)))
    Fraction(25, 1)
    """
    return dot(v, v)


def _perfect_square(q: Fraction) -> Fraction | None:
    if q < 0:
        return None
    a, b = math.isqrt(q.numerator), math.isqrt(q.denominator)
    if a * a == q.numerator and b * b == q.denominator:
        return Fraction(a, b)
    return None


def exact_sqrt(x: Exact) -> Exact:
    """Exact ``√x`` for ``x ≥ 0``: a Fraction when ``x`` is the square of a rational.

    >>> exact_sqrt(Fraction(9, 4)), exact_sqrt(Fraction(2))
    (Fraction(3, 2), sqrt(2))
    """
    if isinstance(x, Fraction):
        if x < 0:
            raise ValueError(f"square root of a negative number {x}")
        r = _perfect_square(x)
        if r is not None:
            return r
        return sympy.sqrt(_sym(x))
    if sign(x) < 0:
        raise ValueError(f"square root of a negative number {x}")
    return _canon(sympy.sqrt(x))


def _interval(e: sympy.Expr, iv: Any) -> Any:
    """Rigorous enclosure of ``e`` (mpmath interval arithmetic rounds outward)."""
    if isinstance(e, sympy.Rational):
        return iv.mpf(int(e.p)) / iv.mpf(int(e.q))
    if isinstance(e, sympy.Add):
        acc = iv.mpf(0)
        for a in e.args:
            acc = acc + _interval(a, iv)
        return acc
    if isinstance(e, sympy.Mul):
        acc = iv.mpf(1)
        for a in e.args:
            acc = acc * _interval(a, iv)
        return acc
    if isinstance(e, sympy.Pow) and isinstance(e.exp, sympy.Rational):
        base = _interval(e.base, iv)
        p, q = int(e.exp.p), int(e.exp.q)
        if q == 1:
            return base**p
        if not base.a > 0:
            raise _NoInterval
        root = base
        qq = q
        while qq % 2 == 0:  # square roots are the common case: exact-rounded iv.sqrt
            root = iv.sqrt(root)
            qq //= 2
        if qq != 1:
            root = iv.exp(iv.log(root) / qq)
        return root**p
    raise _NoInterval


class _NoInterval(Exception):
    """The expression uses an operation the interval evaluator does not cover."""


def _interval_sign(e: sympy.Expr, prec: int) -> int | None:
    iv = mpmath.iv
    old = iv.prec
    try:
        iv.prec = prec
        r = _interval(e, iv)
        if r.a > 0:
            return 1
        if r.b < 0:
            return -1
        return None
    finally:
        iv.prec = old


def sign(x: Exact) -> int:
    """The exact sign (−1, 0, +1) of a real algebraic number (see the module docstring).

    >>> r2, r3 = sympy.sqrt(2), sympy.sqrt(3)
    >>> sign(Fraction(-1, 3)), sign(r2 + r3 - sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    (-1, 0)
    >>> sign(sympy.sqrt(2) - Fraction(141421356, 100000000))
    1
    """
    if isinstance(x, (Fraction, int)):
        return (x > 0) - (x < 0)
    x = _from_sympy(x)
    if isinstance(x, Fraction):
        return (x > 0) - (x < 0)
    try:
        for prec in (64, 256):
            s = _interval_sign(x, prec)
            if s is not None:
                return s
    except _NoInterval:
        pass
    poly = sympy.Poly(sympy.minimal_polynomial(x, sympy.Dummy("t")), domain="QQ")
    # via numerator/denominator: str() of a huge coefficient exceeds int's 4300-digit limit
    coeffs = [Fraction(int(sympy.Rational(c).p), int(sympy.Rational(c).q))
              for c in poly.all_coeffs()]
    if poly.degree() == 1:
        root = -coeffs[1] / coeffs[0]
        return (root > 0) - (root < 0)
    # x ≠ 0: the Cauchy bound on the reciprocal polynomial bounds |x| from below.
    a0 = abs(coeffs[-1])
    amax = max(abs(c) for c in coeffs[:-1])
    bound = a0 / (a0 + amax)
    bits = 64 + max(0, math.ceil(math.log2(bound.denominator) - math.log2(bound.numerator)))
    try:
        for prec in (bits, 2 * bits, 4 * bits, 16 * bits):
            s = _interval_sign(x, prec)
            if s is not None:
                return s
    except _NoInterval:
        pass
    # Outside the interval evaluator's reach: evalf with more digits than the root bound needs.
    digits = int(bits * 0.302) + 30
    v = sympy.N(x, digits)
    if v == 0:  # pragma: no cover - excluded by the minimal polynomial
        raise ArithmeticError(f"could not decide the sign of {x}")
    return 1 if v > 0 else -1


def exact_eq(a: Exact, b: Exact) -> bool:
    """Exact equality of two exact numbers.

    >>> exact_eq(sympy.sqrt(8), 2 * sympy.sqrt(2)), exact_eq(Fraction(1, 3), Fraction(1, 2))
    (True, False)
    """
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a == b
    return sign(add(a, mul(Fraction(-1), b))) == 0


def _rational_direction(u: Sequence[Exact]) -> tuple[Exact, tuple[Fraction, ...]] | None:
    """Write ``u = c·r`` with ``r`` rational when possible (ψ's output always is: u = w/√‖w‖).

    Then ``sign(x·u) = sign(c)·sign(x·r)`` is decided in Fractions, which is what keeps outputs of
    ψ-networks fast.
    """
    if all(isinstance(t, Fraction) for t in u):
        return Fraction(1), tuple(u)
    c = next((t for t in u if not (isinstance(t, Fraction) and t == 0)), None)
    if c is None:
        return Fraction(1), tuple(Fraction(0) for _ in u)
    r = []
    for t in u:
        q = div(t, c)
        if not isinstance(q, Fraction):
            return None
        r.append(q)
    return c, tuple(r)


def parse_number(text: str) -> Exact:
    """Parse an exact number from text: ``"p/q"``, a decimal, or a radical like ``"sqrt(2)/3"``.

    Radical expressions are tokenised first (integers, ``sqrt``, ``+ − * / ( )`` and ``**`` with
    a small exponent) and only then handed to ``sympy.sympify``, so nothing but numbers is ever
    evaluated. Anything else raises :class:`InputError`.

    >>> parse_number("3/4"), parse_number("-0.25"), parse_number("13**(3/4)*sqrt(3)/13")
    (Fraction(3, 4), Fraction(-1, 4), 13**(3/4)*sqrt(3)/13)
    >>> parse_number("__import__('os')")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: not an exact number: "__import__('os')"
    """
    if not isinstance(text, str):
        raise InputError(f"expected a number string, got {type(text).__name__}")
    s = text.strip()
    if len(s) > 20000:
        raise InputError("number string too long")
    if _RATIONAL_RE.fullmatch(s):
        return _rational.parse_fraction_string(s)
    if not s or not _safe_radical(s):
        raise InputError(f'not an exact number: "{text}"')
    try:
        tree = sympy.sympify(s, locals={"sqrt": sympy.sqrt}, rational=True, evaluate=False)
        e = _rebuild(tree)
    except Exception:  # any parser failure on untrusted text is bad input, reported in one line
        raise InputError(f'not an exact number: "{text}"') from None
    return _from_sympy(e)


class _Unsafe(Exception):
    """A parsed number whose evaluation could be huge, or that is not a radical expression."""


_MAX_BITS = 100_000


def _rebuild(e: sympy.Basic) -> sympy.Expr:
    """Evaluate an unevaluated radical expression bottom-up, bounding every power first."""
    if isinstance(e, sympy.Rational):
        if max(abs(int(e.p)).bit_length(), int(e.q).bit_length()) > _MAX_BITS:
            raise _Unsafe
        return e
    if isinstance(e, sympy.Add):
        return sympy.Add(*[_rebuild(a) for a in e.args])
    if isinstance(e, sympy.Mul):
        return sympy.Mul(*[_rebuild(a) for a in e.args])
    if isinstance(e, sympy.Pow):
        base, ex = _rebuild(e.base), _rebuild(e.exp)
        if not isinstance(ex, sympy.Rational) or abs(int(ex.p)) > 64 or int(ex.q) > 64:
            raise _Unsafe
        if isinstance(base, sympy.Rational):
            size = max(abs(int(base.p)).bit_length(), int(base.q).bit_length())
            if size * abs(int(ex.p)) > _MAX_BITS:
                raise _Unsafe
        elif abs(int(ex.p)) > 8:
            raise _Unsafe
        return sympy.Pow(base, ex)
    raise _Unsafe


_RATIONAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?(/\d+)?")
_TOKEN_RE = re.compile(r"\s*(\*\*|sqrt|\d+|[-+*/()])")
_SMALL_EXP_RE = re.compile(r"\*\*(\(-?\d{1,3}(/\d{1,3})?\)|\d{1,3})(?!\d|\*\*)")


def _safe_radical(s: str) -> bool:
    pos = 0
    while pos < len(s):
        m = _TOKEN_RE.match(s, pos)
        if m is None:
            return False
        if m.group(1) == "**":
            # Exponents are bounded so that sympify cannot be asked to build a huge integer.
            e = _SMALL_EXP_RE.match(s, m.start(1))
            if e is None:
                return False
            pos = e.end()
            continue
        if m.group(1).isdigit() and len(m.group(1)) > 2000:
            return False
        pos = m.end()
    return s.count("(") == s.count(")")


def to_fraction(x: object) -> Fraction:
    """An exact rational (see :func:`arrangement.rational.to_fraction`); radicals are refused.

    >>> to_fraction("0.1")
    Fraction(1, 10)
    """
    v = exact(x)
    if not isinstance(v, Fraction):
        raise InputError(f"expected a rational number, got {v}")
    return v


def to_fraction_vector(v: Iterable[object], name: str = "y") -> tuple[Fraction, ...]:
    """A tuple of Fractions (:func:`arrangement.rational.to_vector`, with a fast path).

    >>> to_fraction_vector([1, "1/2"])
    (Fraction(1, 1), Fraction(1, 2))
    """
    if isinstance(v, tuple) and all(isinstance(t, Fraction) for t in v):
        return v
    return _rational.to_vector(v, name)


def to_fraction_matrix(
    X: Iterable[Iterable[object]], name: str = "X"
) -> tuple[tuple[Fraction, ...], ...]:
    """A rectangular tuple of tuples of Fractions (:func:`arrangement.rational.to_matrix`, with a
    fast path for matrices that already are).

    >>> to_fraction_matrix([[1, 0], [0, "2"]])
    ((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(2, 1)))
    """
    if (
        isinstance(X, tuple)
        and X
        and all(isinstance(r, tuple) and all(isinstance(t, Fraction) for t in r) for r in X)
        and len({len(r) for r in X}) == 1
    ):
        return X
    return _rational.to_matrix(X, name)


# ---------------------------------------------------------------------------------------------
# Networks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Neuron:
    """One hidden neuron ``(u, α)``: contributes ``(X u)_+ α`` to the output.

    Entries are normalised by :func:`exact` (Fractions when rational).

    >>> Neuron((1, "1/2"), -2)
    Neuron(u=(Fraction(1, 1), Fraction(1, 2)), alpha=Fraction(-2, 1))
    """

    u: tuple
    alpha: object

    def __post_init__(self) -> None:
        object.__setattr__(self, "u", tuple(exact(t) for t in self.u))
        object.__setattr__(self, "alpha", exact(self.alpha))

    @property
    def is_rational(self) -> bool:
        """All entries are Fractions."""
        return isinstance(self.alpha, Fraction) and all(isinstance(t, Fraction) for t in self.u)

    @property
    def is_zero(self) -> bool:
        """``u = 0`` or ``α = 0``: the neuron contributes nothing to the output for any X."""
        return sign(self.alpha) == 0 or all(sign(t) == 0 for t in self.u)

    def preactivation_signs(self, X: Sequence[Sequence[Fraction]]) -> tuple[int, ...]:
        """``sign(X u)`` exactly, one entry per row of X.

        >>> Neuron((1, -1), 1).preactivation_signs([[1, 1], [0, 1], [2, 0]])
        (0, -1, 1)
        """
        rd = _rational_direction(self.u)
        if rd is not None:
            c, r = rd
            sc = sign(c)
            return tuple(sc * sign(dot(x, r)) for x in X)
        return tuple(sign(dot(x, self.u)) for x in X)

    def activation(self, X: Sequence[Sequence[Fraction]]) -> tuple[Exact, ...]:
        """``(X u)_+`` exactly.

        >>> Neuron((1, -1), 1).activation([[1, 1], [0, 1], [2, 0]])
        (Fraction(0, 1), Fraction(0, 1), Fraction(2, 1))
        """
        rd = _rational_direction(self.u)
        out = []
        for x in X:
            if rd is not None:
                c, r = rd
                z = mul(c, dot(x, r))
            else:
                z = dot(x, self.u)
            out.append(z if sign(z) > 0 else Fraction(0))
        return tuple(out)

    def contribution(self, X: Sequence[Sequence[Fraction]]) -> tuple[Exact, ...]:
        """``(X u)_+ α`` exactly (for ψ-neurons the radicals cancel and this is rational).

        >>> Neuron((1, -1), -3).contribution([[1, 1], [2, 0]])
        (Fraction(0, 1), Fraction(-6, 1))
        """
        rd = _rational_direction(self.u)
        if rd is not None:
            c, r = rd
            ca = mul(c, self.alpha)
            sc = sign(c)
            return tuple(
                mul(ca, z) if sc * sign(z) > 0 else Fraction(0) for z in (dot(x, r) for x in X)
            )
        return tuple(mul(a, self.alpha) for a in self.activation(X))

    def sq_norms(self) -> Exact:
        """``‖u‖² + α²`` exactly.

        >>> Neuron((3, 4), 1).sq_norms()
        Fraction(26, 1)
        """
        return add(norm_sq(self.u), mul(self.alpha, self.alpha))


def _sum(values: Iterable[Exact]) -> Exact:
    acc: Exact = Fraction(0)
    for v in values:
        acc = add(acc, v)
    return acc


def loss_value(f: Sequence[Exact], y: Sequence[Fraction], loss: str = "squared") -> Exact:
    """``ℓ(f)``: squared ``½‖f − y‖²`` or hinge ``Σ max(0, 1 − y_j f_j)``, exactly (docs/MATH.md
    §1).

    >>> loss_value((Fraction(1), Fraction(0)), (Fraction(0), Fraction(0)))
    Fraction(1, 2)
    >>> loss_value((Fraction(1, 2), Fraction(-2)), (Fraction(1), Fraction(-1)), "hinge")
    Fraction(1, 2)
    """
    if len(f) != len(y):
        raise InputError(f"prediction has {len(f)} entries but y has {len(y)}")
    if loss == "squared":
        diffs = [add(a, -b) for a, b in zip(f, y, strict=True)]
        return mul(Fraction(1, 2), _sum(mul(d, d) for d in diffs))
    if loss == "hinge":
        terms = []
        for a, b in zip(f, y, strict=True):
            t = add(Fraction(1), mul(-b, a))
            if sign(t) > 0:
                terms.append(t)
        return _sum(terms)
    raise InputError(f"unknown loss {loss!r} (expected 'squared' or 'hinge')")


@dataclass(frozen=True)
class Network:
    """A two-layer ReLU network ``θ = {(u_k, α_k)}`` with exact entries (docs/MATH.md §1).

    >>> net = Network((Neuron((1, 1), 1),))
    >>> net.width, net.dim, net.output([[1, 0], [-2, 1]])
    (1, 2, (Fraction(1, 1), Fraction(0, 1)))

    Reference: Wang, Lacotte & Pilanci 2022 (arXiv:2006.05900), seed 000 and poster 004.
    """

    neurons: tuple[Neuron, ...]

    def __post_init__(self) -> None:
        ns = tuple(self.neurons)
        for nr in ns:
            if not isinstance(nr, Neuron):
                raise InputError(f"expected Neuron objects, got {type(nr).__name__}")
        if len({len(nr.u) for nr in ns}) > 1:
            raise InputError("neurons have input weights of different dimensions")
        object.__setattr__(self, "neurons", ns)

    @classmethod
    def from_lists(cls, pairs: Iterable[tuple[Iterable[object], object]]) -> Network:
        """Build from ``[(u, alpha), ...]``.

        >>> Network.from_lists([((1, 2), 3)]).width
        1
        """
        return cls(tuple(Neuron(tuple(u), a) for u, a in pairs))

    @property
    def width(self) -> int:
        """Number of neurons m."""
        return len(self.neurons)

    @property
    def dim(self) -> int:
        """Input dimension d (0 for the empty network)."""
        return len(self.neurons[0].u) if self.neurons else 0

    @property
    def is_rational(self) -> bool:
        """All entries are Fractions."""
        return all(nr.is_rational for nr in self.neurons)

    def _check_X(self, X: Sequence[Sequence[object]]) -> tuple[tuple[Fraction, ...], ...]:
        Xf = to_fraction_matrix(X)
        if self.neurons and Xf and len(Xf[0]) != self.dim:
            raise InputError(f"X has {len(Xf[0])} columns but the network has dimension {self.dim}")
        return Xf

    def output(self, X: Sequence[Sequence[object]]) -> tuple[Exact, ...]:
        """``f_θ = Σ_k (X u_k)_+ α_k`` exactly, one entry per row of X.

        >>> Network.from_lists([((1,), 2), ((-1,), 1)]).output([[3], [-1]])
        (Fraction(6, 1), Fraction(1, 1))
        """
        Xf = self._check_X(X)
        f: list[Exact] = [Fraction(0)] * len(Xf)
        for nr in self.neurons:
            for j, c in enumerate(nr.contribution(Xf)):
                f[j] = add(f[j], c)
        return tuple(f)

    def penalty(self, beta: object) -> Exact:
        """``(β/2) Σ_k (‖u_k‖² + α_k²)`` exactly.

        >>> Network.from_lists([((3, 4), 5)]).penalty(Fraction(1, 10))
        Fraction(5, 2)
        """
        b = exact(beta)
        return mul(mul(b, Fraction(1, 2)), _sum(nr.sq_norms() for nr in self.neurons))

    def objective(
        self,
        X: Sequence[Sequence[object]],
        y: Sequence[object],
        beta: object,
        loss: str = "squared",
    ) -> Exact:
        """``L_β(θ) = ℓ(f_θ) + (β/2) Σ_k (‖u_k‖² + α_k²)`` exactly (docs/MATH.md §1).

        >>> Network.from_lists([((1,), 1)]).objective([[1], [2]], [1, 2], 2)
        Fraction(2, 1)
        """
        f = self.output(X)
        return add(loss_value(f, to_fraction_vector(y), loss), self.penalty(beta))

    # -- JSON ------------------------------------------------------------------------------

    def to_json_dict(self) -> dict:
        """The ``relucvx-network/1`` dictionary: rationals as ``"p/q"``, radicals as sympy text.

        ``"exact"`` is ``"rational"`` or ``"algebraic"``.

        >>> Network.from_lists([((1, "1/2"), sympy.sqrt(2))]).to_json_dict()["neurons"]
        [{'u': ['1', '1/2'], 'alpha': 'sqrt(2)'}]
        """

        def enc(x: Exact) -> str:
            if isinstance(x, Fraction):
                return str(x)
            text = sympy.sstr(x)
            back = parse_number(text)  # refuse what could not be read back (e.g. CRootOf)
            if not exact_eq(back, x):  # pragma: no cover - sstr of radicals round-trips
                raise InputError(f"cannot write {text} exactly")
            return text

        return {
            "format": FORMAT,
            "exact": "rational" if self.is_rational else "algebraic",
            "neurons": [
                {"u": [enc(t) for t in nr.u], "alpha": enc(nr.alpha)} for nr in self.neurons
            ],
        }

    @classmethod
    def from_json_dict(cls, data: object) -> Network:
        """Inverse of :meth:`to_json_dict`; malformed input raises a one-line InputError.

        >>> Network.from_json_dict({"format": "relucvx-network/1",
        ...     "neurons": [{"u": ["1/2", 3], "alpha": "-1"}]}).neurons[0].u
        (Fraction(1, 2), Fraction(3, 1))
        """
        if not isinstance(data, dict):
            raise InputError("network JSON must be an object")
        if data.get("format") != FORMAT:
            got = data.get("format")
            raise InputError(f"network JSON: expected format {FORMAT!r}, got {got!r}")
        kind = data.get("exact", "rational")
        if kind not in ("rational", "algebraic"):
            raise InputError(f"network JSON: 'exact' must be 'rational' or 'algebraic': {kind!r}")
        neurons = data.get("neurons")
        if not isinstance(neurons, list):
            raise InputError("network JSON: 'neurons' must be a list")

        def dec(v: object, where: str) -> Exact:
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise InputError(f"network JSON: {where} must be an integer or a string")
            x = Fraction(v) if isinstance(v, int) else parse_number(v)
            if kind == "rational" and not isinstance(x, Fraction):
                raise InputError(f"network JSON: {where} is irrational but 'exact' is 'rational'")
            return x

        out = []
        for k, nr in enumerate(neurons):
            if not isinstance(nr, dict) or "u" not in nr or "alpha" not in nr:
                raise InputError(f"network JSON: neuron {k} needs 'u' and 'alpha'")
            if not isinstance(nr["u"], list):
                raise InputError(f"network JSON: neuron {k}: 'u' must be a list")
            u = tuple(dec(t, f"neuron {k} u[{i}]") for i, t in enumerate(nr["u"]))
            out.append(Neuron(u, dec(nr["alpha"], f"neuron {k} alpha")))
        return cls(tuple(out))

    def write_json(self, path: str | Path) -> None:
        """Write :meth:`to_json_dict` to ``path``.

        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "n.json")
        >>> Network.from_lists([((1,), 1)]).write_json(p); Network.read_json(p).width
        1
        """
        Path(path).write_text(json.dumps(self.to_json_dict(), indent=1) + "\n")

    @classmethod
    def read_json(cls, path: str | Path) -> Network:
        """Read a network file; unreadable or malformed files raise a one-line InputError."""
        try:
            text = Path(path).read_text()
        except OSError as e:
            raise InputError(f"cannot read {path}: {e.strerror or e}") from None
        try:
            data = json.loads(text)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: invalid JSON: {e.msg} (line {e.lineno})") from None
        return cls.from_json_dict(data)
