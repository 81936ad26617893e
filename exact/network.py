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

Signs of algebraic numbers are decided exactly by :func:`sign`, within a documented budget:

1. rationals are compared directly;
2. otherwise the expression is evaluated in rigorous interval arithmetic (``mpmath.iv``, whose
   operations round outward); an interval that excludes 0 certifies the sign;
3. if the interval keeps containing 0, a *separation bound* (:func:`separation_bound`, after
   Burnikel, Fleischer, Mehlhorn & Schirra) gives ``B`` such that a nonzero value has
   ``|x| ≥ 2^-B``; interval evaluation at about ``B`` bits then either excludes 0 or shows
   ``|x| < 2^-B``, i.e. ``x = 0``.

The cost is bounded up front: an expression with more than :data:`MAX_SIGN_NODES` nodes, or whose
separation bound exceeds :data:`MAX_SIGN_BITS` bits, is refused with a one-line
:class:`SignBudgetError` (exit status 2 on the command line) instead of running for minutes, as
``sympy.minimal_polynomial`` did on nested radicals.

So no sign (hence no ``(·)_+``, no cone membership, no comparison) rests on floating point.

>>> from fractions import Fraction
>>> net = Network((Neuron((1, 0), 2), Neuron((0, 1), Fraction(-1, 2))))
>>> net.output([[1, 1], [-1, 2]])
(Fraction(3, 2), Fraction(-1, 1))
>>> net.objective([[1, 1], [-1, 2]], [1, -1], Fraction(1, 10))
Fraction(7, 16)
"""

from __future__ import annotations

import contextlib
import functools
import json
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import mpmath

from arrangement import rational as _rational
from arrangement.errors import InputError
from arrangement.lazy import lazy_module
from arrangement.readers import read_text
from exact.losses import Arithmetic, get_loss

if TYPE_CHECKING:
    import sympy
else:  # 0.4 s to import, and the rational paths never read it (arrangement/lazy.py)
    sympy = lazy_module("sympy")

__all__ = [
    "DECIMAL_NOTE",
    "FORMAT",
    "JSON_KEYS",
    "JSONDecimal",
    "MAX_ENTRY_DIGITS",
    "MAX_ENTRY_MAGNITUDE",
    "NEURON_KEYS",
    "Exact",
    "Network",
    "Neuron",
    "exact",
    "exact_eq",
    "exact_sqrt",
    "interval_enclosure",
    "interval_sign",
    "dot",
    "is_rational",
    "norm_sq",
    "MAX_SIGN_BITS",
    "MAX_SIGN_NODES",
    "NoIntervalError",
    "SignBudgetError",
    "check_entry",
    "clear_sign_cache",
    "parse_number",
    "separation_bound",
    "sign",
    "to_fraction_matrix",
    "to_fraction_vector",
    "to_fraction",
]

FORMAT = "relucvx-network/1"

#: An exact number: a Fraction, or a real algebraic sympy expression.
Exact: TypeAlias = "Fraction | sympy.Expr"


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
        raise InputError(f"not a number: {_short_text(e)}")
    if e.has(sympy.Float):
        raise InputError(f"binary float inside {_short_text(e)} is not exact")
    if e.has(sympy.zoo, sympy.nan, sympy.oo, -sympy.oo, sympy.I):
        raise InputError(f"not a finite real number: {_short_text(e)}")
    if _is_radical_tree(e):
        # no sympy assumption query here: on a radicand that is a hidden 0, `is_real` calls
        # minimal_polynomial, which ran for minutes (issue 11); our bounded sign decides instead
        for node in sympy.preorder_traversal(e):
            if (isinstance(node, sympy.Pow) and int(node.exp.q) > 1
                    and sign(node.base) < 0):
                raise InputError(f"not a real number: {_short_text(e)}")
        return e
    # other algebraic numbers (CRootOf from exact.closed_form) are never read from user text
    if e.is_real is False or e.is_algebraic is False:
        raise InputError(f"not a real algebraic number: {_short_text(e)}")
    return e


def _is_radical_tree(e: sympy.Basic) -> bool:
    """Only rationals, ``+``, ``×`` and rational powers (what :func:`parse_number` builds)."""
    for node in sympy.preorder_traversal(e):
        if isinstance(node, (sympy.Rational, sympy.Add, sympy.Mul)):
            continue
        if isinstance(node, sympy.Pow) and isinstance(node.exp, sympy.Rational):
            continue
        return False
    return True


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


def exact_sqrt(x: Exact) -> Exact:
    """Exact ``√x`` for ``x ≥ 0``: a Fraction when ``x`` is the square of a rational.

    >>> exact_sqrt(Fraction(9, 4)), exact_sqrt(Fraction(2))
    (Fraction(3, 2), sqrt(2))
    """
    if isinstance(x, Fraction):
        if x < 0:
            raise ValueError(f"square root of a negative number {x}")
        r = _rational.rational_root(x, 2)
        if r is not None:
            return r
        return sympy.sqrt(_sym(x))
    s = sign(x)
    if s < 0:
        raise ValueError(f"square root of a negative number {_short_text(x)}")
    if s == 0:
        return Fraction(0)  # a hidden 0 under a root would send sympy into minimal_polynomial
    return _canon(sympy.sqrt(x))


#: Most nodes an algebraic expression may have for :func:`sign` (sympy's tree, shared subtrees
#: counted once per occurrence).
MAX_SIGN_NODES = 2000

#: Largest separation bound (bits) :func:`sign` works to: deciding that a number is 0 takes
#: interval arithmetic at about this precision (measured: 0.5 s for a hidden 0 over 11 square
#: roots, about 5 s for one refused at the node limit).
MAX_SIGN_BITS = 1 << 16


class SignBudgetError(InputError):
    """The sign of an algebraic number cannot be decided within the documented budget."""


def interval_enclosure(e: sympy.Expr, iv: Any) -> Any:
    """Rigorous enclosure of ``e`` (mpmath interval arithmetic rounds outward).

    Raises :class:`NoIntervalError` when ``e`` uses an operation this evaluator does not cover,
    or when a positive radicand cannot be shown positive at ``iv``'s precision.

    >>> r = interval_enclosure(sympy.sqrt(2) + sympy.Rational(1, 3), mpmath.iv)
    >>> r
    mpi('1.7475468957064282', '1.7475468957064286')
    """
    if isinstance(e, sympy.Rational):
        return iv.mpf(int(e.p)) / iv.mpf(int(e.q))
    if isinstance(e, sympy.Add):
        acc = iv.mpf(0)
        for a in e.args:
            acc = acc + interval_enclosure(a, iv)
        return acc
    if isinstance(e, sympy.Mul):
        acc = iv.mpf(1)
        for a in e.args:
            acc = acc * interval_enclosure(a, iv)
        return acc
    if isinstance(e, sympy.Pow) and isinstance(e.exp, sympy.Rational):
        base = interval_enclosure(e.base, iv)
        p, q = int(e.exp.p), int(e.exp.q)
        if q == 1 and p >= 0:
            return base**p
        if not base.a > 0:
            # a radicand or divisor whose enclosure touches 0: decide its sign exactly (a smaller
            # expression, so this recursion ends); an exact 0 under a root is 0
            s = sign(e.base)
            if s == 0 and p > 0:
                return iv.mpf(0)
            if s <= 0:
                raise InputError(f"not a finite real number: {_short_text(e)}")
            raise NoIntervalError  # positive, but this precision cannot show it
        if q == 1:
            return base**p
        root = base
        qq = q
        while qq % 2 == 0:  # square roots are the common case: exact-rounded iv.sqrt
            root = iv.sqrt(root)
            qq //= 2
        if qq != 1:
            root = iv.exp(iv.log(root) / qq)
        return root**p
    raise NoIntervalError


class NoIntervalError(Exception):
    """The expression uses an operation the interval evaluator does not cover."""


def interval_sign(e: sympy.Expr, prec: int) -> int | None:
    """The sign of ``e`` if an outward-rounded enclosure at ``prec`` bits excludes 0, else None.

    Raises :class:`NoIntervalError` as :func:`interval_enclosure` does; None is no decision
    (``e`` may be 0), which :func:`sign` then settles exactly.

    >>> interval_sign(sympy.sqrt(2) - sympy.Rational(7, 5), 64)
    1
    >>> print(interval_sign(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(5 + 2 * sympy.sqrt(6)), 64))
    None
    """
    with _iv_precision(prec) as iv:
        return _enclosure_sign(interval_enclosure(e, iv))


@contextlib.contextmanager
def _iv_precision(prec: int) -> Iterator[Any]:
    """mpmath's interval context at ``prec`` bits, restored afterwards (it has no workprec)."""
    iv = mpmath.iv
    old = iv.prec
    try:
        iv.prec = prec
        yield iv
    finally:
        iv.prec = old


def _enclosure_sign(r: Any) -> int | None:
    return 1 if r.a > 0 else -1 if r.b < 0 else None


def _short_text(e: object) -> str:
    text = " ".join(str(e).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _count_nodes(e: sympy.Basic, limit: int) -> int:
    n = 0
    for _ in sympy.preorder_traversal(e):
        n += 1
        if n > limit:
            break
    return n


def _sqrt_rank(radicands: set[sympy.Rational]) -> int | None:
    """``log2 [Q(√r : r ∈ radicands) : Q]``: the rank over F2 of the classes of the radicands in
    ``Q*/Q*²`` (Kummer theory). None when a radicand is too big to factor cheaply."""
    primes: dict[int, int] = {}
    basis: dict[int, int] = {}  # leading bit -> reduced vector (XOR basis)
    for r in radicands:
        p, q = int(r.p), int(r.q)
        if max(abs(p).bit_length(), q.bit_length()) > 64:
            return None
        vec = 1 if p < 0 else 0  # bit 0 stands for the class of −1
        for n in (abs(p), q):
            for prime, k in sympy.factorint(n).items():
                if k % 2:
                    vec ^= 1 << primes.setdefault(prime, len(primes) + 1)
        while vec:
            top = vec.bit_length() - 1
            if top not in basis:
                basis[top] = vec
                break
            vec ^= basis[top]
    return len(basis)


def separation_bound(e: sympy.Expr) -> tuple[int, int]:
    """``(B, D)``: a nonzero value of the radical expression ``e`` has ``|e| ≥ 2^-B``; ``D``
    bounds the degree of the field its radicals generate.

    The proof (after Burnikel, Fleischer, Mehlhorn & Schirra, *A separation bound for real
    algebraic expressions*, ESA 2001) is short. Bottom-up, write every node as ``U/L`` with ``U``,
    ``L`` algebraic integers and track ``a``, ``b`` with ``|σ(U)| ≤ 2^a``, ``|σ(L)| ≤ 2^b`` for
    every embedding σ of the field ``K`` the radicals generate: a rational ``p/q`` is ``U = p``,
    ``L = q``; ``Σ U_i/L_i = (Σ_i U_i Π_{j≠i} L_j)/Π L_j``; products multiply; a quotient swaps;
    ``(U/L)^(1/k) = (U L^(k−1))^(1/k) / L``, whose numerator is a root of the monic
    ``t^k − U L^(k−1)``, hence an algebraic integer with ``|σ| ≤ 2^((a + (k−1)b)/k)``. ``[K:Q] ≤
    D``: square roots of rationals generate a field of degree ``2^rank`` (:func:`_sqrt_rank`),
    and every further distinct radical ``β^(1/k)`` at most multiplies the degree by ``k``. If
    ``e ≠ 0`` then ``U ≠ 0`` and its norm is a nonzero integer: ``1 ≤ |N(U)| = |U| Π_{σ≠id}
    |σ(U)| ≤ |U| 2^(a(D−1))``, so ``|e| = |U|/|L| ≥ 2^-(a(D−1) + b)``.

    >>> separation_bound(sympy.sqrt(2) - 1)   # sqrt(2) - 1 ≈ 0.41 ≥ 2^-2
    (2, 2)
    >>> separation_bound(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(6))[1]  # Q(√2, √3): degree 4
    4
    """
    memo: dict[sympy.Basic, tuple[int, int]] = {}
    radicals: set[tuple[sympy.Basic, int]] = set()

    def ab(x: sympy.Basic) -> tuple[int, int]:
        if x in memo:
            return memo[x]
        if isinstance(x, sympy.Rational):
            # ceil(log2 n), so that |p| ≤ 2^a and q ≤ 2^b
            out = ((abs(int(x.p)) - 1).bit_length() if x.p else 0, (int(x.q) - 1).bit_length())
        elif isinstance(x, sympy.Add):
            parts = [ab(t) for t in x.args]
            bsum = sum(b for _, b in parts)
            out = (max(a - b for a, b in parts) + bsum + (len(parts) - 1).bit_length(), bsum)
        elif isinstance(x, sympy.Mul):
            parts = [ab(t) for t in x.args]
            out = (sum(a for a, _ in parts), sum(b for _, b in parts))
        elif isinstance(x, sympy.Pow) and isinstance(x.exp, sympy.Rational):
            a, b = ab(x.base)
            p, k = int(x.exp.p), int(x.exp.q)
            if k > 1:
                radicals.add((x.base, k))
                a = -(-(a + (k - 1) * b) // k)  # ceiling
            out = (abs(p) * a, abs(p) * b) if p > 0 else (abs(p) * b, abs(p) * a)
        else:
            raise SignBudgetError(f"cannot decide the sign of {_short_text(e)} (not a radical "
                                  "expression)")
        out = (max(out[0], 0), max(out[1], 0))
        memo[x] = out
        return out

    a, b = ab(e)
    rational_sqrts = {r for r, k in radicals if k == 2 and isinstance(r, sympy.Rational)}
    rank = _sqrt_rank(rational_sqrts)
    degree = 2 ** (len(rational_sqrts) if rank is None else rank)
    for r, k in radicals:
        if not (k == 2 and isinstance(r, sympy.Rational)):
            degree *= k
            if degree > MAX_SIGN_BITS:  # the bound below is then over budget anyway
                break
    return a * (degree - 1) + b, degree


def sign(x: Exact) -> int:
    """The exact sign (−1, 0, +1) of a real algebraic number (see the module docstring).

    Raises :class:`SignBudgetError` (one line) when the decision is over the documented budget
    (:data:`MAX_SIGN_NODES`, :data:`MAX_SIGN_BITS`).

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
    return _algebraic_sign(x)


#: The exact arithmetic of this module, for the loss objects (exact.losses).
EXACT = Arithmetic(add, mul, sign)


def clear_sign_cache() -> None:
    """Forget the signs :func:`sign` has cached (for a caller that patches what they rest on).

    >>> clear_sign_cache()
    >>> sign(sympy.sqrt(3) - 2)
    -1
    """
    _algebraic_sign.cache_clear()


@functools.lru_cache(maxsize=4096)
def _algebraic_sign(x: sympy.Expr) -> int:
    # cached: a network's entries and outputs come back to the same numbers many times
    if _count_nodes(x, MAX_SIGN_NODES) > MAX_SIGN_NODES:
        raise SignBudgetError(f"algebraic number too large to decide its sign (more than "
                              f"{MAX_SIGN_NODES} operations): {_short_text(x)}")
    for prec in (64, 256):  # the common case: a nonzero number far from 0
        try:
            s = interval_sign(x, prec)
        except NoIntervalError:
            s = None
        if s is not None:
            return s
    if not _is_radical_tree(x):
        return _minpoly_sign(x)
    bits, degree = separation_bound(x)
    # A nonzero number is usually certified long before the bound matters, so the precision
    # grows up to the budget even when the bound is over it; only a decision that needs the
    # bound beyond the budget is refused.
    tiny = mpmath.iv.mpf(2) ** -bits if bits <= MAX_SIGN_BITS else None
    prec = 512
    while True:
        try:
            with _iv_precision(prec) as iv:
                r = interval_enclosure(x, iv)
                s = _enclosure_sign(r)
                if s is not None:
                    return s
                if tiny is not None and -tiny < r.a and r.b < tiny:
                    return 0  # |x| < 2^-bits, and a nonzero x would have |x| ≥ 2^-bits
        except NoIntervalError:
            pass
        # the enclosure's width shrinks like 2^-prec times the size of the intermediate values
        if prec >= (2 * MAX_SIGN_BITS if tiny is not None else MAX_SIGN_BITS):
            if tiny is None:
                raise SignBudgetError(
                    f"cannot decide the sign of {_short_text(x)} within the budget: it is 0 to "
                    f"{prec} bits, and proving it 0 needs {bits} bits (degree bound {degree}); "
                    f"the limit is {MAX_SIGN_BITS}")
            raise SignBudgetError(f"cannot decide the sign of {_short_text(x)} within the "
                                  f"budget of {MAX_SIGN_BITS} bits")
        prec *= 2


def _minpoly_sign(x: sympy.Expr) -> int:
    """Sign of an algebraic number that is not a radical expression (``CRootOf`` sums built by
    :mod:`exact.closed_form`, never user text): the minimal polynomial decides 0, then its root
    bound ``|x| ≥ |a_0| / (|a_0| + max_i |a_i|)`` fixes the precision that separates x from 0."""
    poly = sympy.Poly(sympy.minimal_polynomial(x, sympy.Dummy("t")), domain="QQ")
    # via numerator/denominator: str() of a huge coefficient exceeds int's 4300-digit limit
    coeffs = [Fraction(int(sympy.Rational(c).p), int(sympy.Rational(c).q))
              for c in poly.all_coeffs()]
    if poly.degree() == 1:
        root = -coeffs[1] / coeffs[0]
        return (root > 0) - (root < 0)
    a0 = abs(coeffs[-1])
    amax = max(abs(c) for c in coeffs[:-1])
    bound = a0 / (a0 + amax)
    bits = 64 + max(0, math.ceil(math.log2(bound.denominator) - math.log2(bound.numerator)))
    v = sympy.N(x, int(bits * 0.302) + 30)
    if v == 0:  # pragma: no cover - excluded by the minimal polynomial
        raise ArithmeticError(f"could not decide the sign of {_short_text(x)}")
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
        raise InputError(f'not an exact number: "{_short_text(text)}"')
    try:
        tree = sympy.sympify(s, locals={"sqrt": sympy.sqrt}, rational=True, evaluate=False)
        e = _rebuild(tree)
    except InputError as exc:
        raise InputError(f'{exc}: "{_short_text(text)}"') from None
    except Exception:  # any parser failure on untrusted text is bad input, reported in one line
        raise InputError(f'not an exact number: "{_short_text(text)}"') from None
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
        total = sympy.Add(*[_rebuild(a) for a in e.args])
        if not isinstance(total, sympy.Rational) and _is_radical_tree(total) and sign(total) == 0:
            return sympy.Integer(0)  # a hidden 0: keep it away from sympy's assumptions
        return total
    if isinstance(e, sympy.Mul):
        return sympy.Mul(*[_rebuild(a) for a in e.args])
    if isinstance(e, sympy.Pow):
        base, ex = _rebuild(e.base), _rebuild(e.exp)
        if not isinstance(ex, sympy.Rational) or abs(int(ex.p)) > 64 or int(ex.q) > 64:
            raise _Unsafe
        if isinstance(ex, sympy.Rational) and (int(ex.q) > 1 or ex < 0):
            s = sign(base) if _is_radical_tree(base) else 1
            if s == 0 and ex < 0:
                raise InputError("division by zero")
            if s == 0:
                return sympy.Integer(0)
            if s < 0 and int(ex.q) > 1:
                raise InputError("root of a negative number (not a real number)")
        if isinstance(base, sympy.Rational):
            size = max(abs(int(base.p)).bit_length(), int(base.q).bit_length())
            if size * abs(int(ex.p)) > _MAX_BITS:
                raise _Unsafe
        elif abs(int(ex.p)) > 8:
            raise _Unsafe
        return sympy.Pow(base, ex)
    raise _Unsafe


# re.ASCII: \d would also match other scripts' digits ("١٢" would be read as 12)
_RATIONAL_RE = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,4})?(/\d+)?", re.ASCII)
_TOKEN_RE = re.compile(r"\s*(\*\*|sqrt|\d+|[-+*/()])", re.ASCII)
_SMALL_EXP_RE = re.compile(r"\*\*(\(-?\d{1,3}(/\d{1,3})?\)|\d{1,3})(?!\d|\*\*)", re.ASCII)


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

    u: tuple[Exact, ...]
    alpha: Exact

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
    """``ℓ(f)`` for a loss of the registry (:mod:`exact.losses`), exactly (docs/MATH.md §1, §11).

    >>> loss_value((Fraction(1), Fraction(0)), (Fraction(0), Fraction(0)))
    Fraction(1, 2)
    >>> loss_value((Fraction(1, 2), Fraction(-2)), (Fraction(1), Fraction(-1)), "hinge")
    Fraction(1, 2)
    >>> loss_value((sympy.sqrt(2),), (Fraction(0),), "absolute")
    sqrt(2)
    """
    if len(f) != len(y):
        raise InputError(f"prediction has {len(f)} entries but y has {len(y)}")
    return get_loss(loss).value(f, y, EXACT)


@dataclass(frozen=True)
class Network:
    """A two-layer ReLU network ``θ = {(u_k, α_k)}`` with exact entries (docs/MATH.md §1).

    >>> net = Network((Neuron((1, 1), 1),))
    >>> net.width, net.dim, net.output([[1, 0], [-2, 1]])
    (1, 2, (Fraction(1, 1), Fraction(0, 1)))

    Reference: Wang, Lacotte & Pilanci 2022 (arXiv:2006.05900), seed 000 and poster 004.
    """

    neurons: tuple[Neuron, ...]
    #: How the numbers were read (e.g. "binary floats converted exactly"); not part of equality.
    notes: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "notes", tuple(str(t) for t in self.notes))
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

        out: dict = {
            "format": FORMAT,
            "exact": "rational" if self.is_rational else "algebraic",
            "neurons": [
                {"u": [enc(t) for t in nr.u], "alpha": enc(nr.alpha)} for nr in self.neurons
            ],
        }
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    @classmethod
    def from_json_dict(cls, data: object) -> Network:
        """Inverse of :meth:`to_json_dict`; malformed input raises a one-line InputError.

        Unknown keys are refused (a ``"bias"`` the format does not have would otherwise be
        dropped without a word), entries are checked by :func:`check_entry`, and an irrational
        entry that is exactly 0 is stored as ``Fraction(0)``.

        >>> Network.from_json_dict({"format": "relucvx-network/1",
        ...     "neurons": [{"u": ["1/2", 3], "alpha": "-1"}]}).neurons[0].u
        (Fraction(1, 2), Fraction(3, 1))
        >>> Network.from_json_dict({"format": "relucvx-network/1", "bias": 3, "neurons": []})
        Traceback (most recent call last):
        ...
        arrangement.errors.InputError: network JSON: unknown key 'bias' (known keys: format, \
exact, neurons, notes)
        """
        if not isinstance(data, dict):
            raise InputError("network JSON must be an object")
        _known_keys(data, JSON_KEYS, "network JSON")
        if data.get("format") != FORMAT:
            got = data.get("format")
            raise InputError(f"network JSON: expected format {FORMAT!r}, got {_short_text(got)!r}")
        kind = data.get("exact", "rational")
        if kind not in ("rational", "algebraic"):
            raise InputError(f"network JSON: 'exact' must be 'rational' or 'algebraic': "
                             f"{_short_text(kind)!r}")
        neurons = data.get("neurons")
        if not isinstance(neurons, list):
            raise InputError("network JSON: 'neurons' must be a list")
        notes = data.get("notes", [])
        if not isinstance(notes, list) or not all(isinstance(t, str) for t in notes):
            raise InputError("network JSON: 'notes' must be a list of strings")
        decimals = False

        def dec(v: object, where: str) -> Exact:
            nonlocal decimals
            if isinstance(v, bool) or not isinstance(v, (int, str)):
                raise InputError(f"network JSON: {where} must be a number or a string")
            if isinstance(v, JSONDecimal):
                decimals = True
            try:
                x = Fraction(v) if isinstance(v, int) else parse_number(v)
            except InputError as exc:
                raise InputError(f"network JSON: {where}: {exc}") from None
            if kind == "rational" and not isinstance(x, Fraction):
                raise InputError(f"network JSON: {where} is irrational but 'exact' is 'rational'")
            return check_entry(x, f"network JSON: {where}")

        out = []
        for k, nr in enumerate(neurons):
            if not isinstance(nr, dict):
                raise InputError(f"network JSON: neuron {k} must be an object")
            _known_keys(nr, NEURON_KEYS, f"network JSON: neuron {k}")
            if "u" not in nr or "alpha" not in nr:
                raise InputError(f"network JSON: neuron {k} needs 'u' and 'alpha'")
            if not isinstance(nr["u"], list):
                raise InputError(f"network JSON: neuron {k}: 'u' must be a list")
            u = tuple(dec(t, f"neuron {k} u[{i}]") for i, t in enumerate(nr["u"]))
            out.append(Neuron(u, dec(nr["alpha"], f"neuron {k} alpha")))
        if decimals and DECIMAL_NOTE not in notes:
            notes = [*notes, DECIMAL_NOTE]
        return cls(tuple(out), notes=tuple(notes))

    def write_json(self, path: str | Path) -> None:
        """Write :meth:`to_json_dict` to ``path``.

        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "n.json")
        >>> Network.from_lists([((1,), 1)]).write_json(p); Network.read_json(p).width
        1
        """
        Path(path).write_text(json.dumps(self.to_json_dict(), indent=1) + "\n")

    @classmethod
    def read_json(cls, path: str | Path, force: bool = False) -> Network:
        """Read a network file; unreadable or malformed files raise a one-line InputError.

        The file is read by :func:`arrangement.readers.read_text` (a regular file of at most
        :data:`arrangement.limits.MAX_FILE_BYTES` unless ``force``), duplicate keys are refused,
        JSON decimals are read exactly as decimals (``0.1`` is 1/10, noted in :attr:`notes`) and
        ``NaN``/``Infinity`` are refused.
        """
        text = read_text(path, force=force)
        try:
            data = json.loads(text, object_pairs_hook=_no_duplicates, parse_float=JSONDecimal,
                              parse_constant=_refuse_constant)
        except json.JSONDecodeError as e:
            raise InputError(f"{path}: invalid JSON: {e.msg} (line {e.lineno})") from None
        except RecursionError:
            raise InputError(f"{path}: invalid JSON: nested too deeply") from None
        except ValueError as e:  # an integer over Python's digit limit, a duplicate key
            raise InputError(f"{path}: {' '.join(str(e).split())}") from None
        return cls.from_json_dict(data)


# ---------------------------------------------------------------------------------------------
# Reading network files: limits and strictness (README, "Network files")
# ---------------------------------------------------------------------------------------------

#: Keys of a ``relucvx-network/1`` object, and of one neuron.
JSON_KEYS = ("format", "exact", "neurons", "notes")
NEURON_KEYS = ("u", "alpha")

#: The note of a network whose JSON held decimal numbers (read exactly as decimals).
DECIMAL_NOTE = "JSON decimals read exactly as decimals (0.1 is 1/10)"

#: Most decimal digits in the numerator or the denominator of one entry (a float64 converted
#: exactly needs at most 767; Python refuses to print integers over 4300 digits).
MAX_ENTRY_DIGITS = 1000

#: Largest magnitude of one entry. The solver's numeric guess and the check's projections work
#: in double precision (about 1.8e308), and outputs multiply weights with data.
MAX_ENTRY_MAGNITUDE = 10**30


class JSONDecimal(str):
    """The text of a JSON decimal number (``json.loads(parse_float=JSONDecimal)``), kept exact."""


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f"duplicate key {_short_text(k)!r} in a JSON object")
        out[k] = v
    return out


def _refuse_constant(name: str) -> object:
    raise ValueError(f"not a finite number: {name}")


def _known_keys(obj: dict, known: tuple[str, ...], where: str) -> None:
    unknown = [k for k in obj if k not in known]
    if unknown:
        raise InputError(f"{where}: unknown key {_short_text(unknown[0])!r} (known keys: "
                         f"{', '.join(known)})")


def check_entry(x: Exact, where: str = "entry") -> Exact:
    """``x`` if within the limits of a network entry, as ``Fraction(0)`` if it is exactly 0.

    Limits: :data:`MAX_ENTRY_DIGITS` digits in numerator and denominator,
    :data:`MAX_ENTRY_MAGNITUDE`, and the sign budget of :func:`sign` for radicals.

    >>> check_entry(sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(5 + 2 * sympy.sqrt(6)))
    Fraction(0, 1)
    >>> check_entry(Fraction(2**256))
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: entry: magnitude above 10^30 (the limit of a network entry)
    """
    if isinstance(x, Fraction):
        # compared as integers: str() of a huge integer is itself refused by Python
        if max(abs(x.numerator), x.denominator) >= 10**MAX_ENTRY_DIGITS:
            raise InputError(f"{where}: more than {MAX_ENTRY_DIGITS} digits")
        if abs(x) > MAX_ENTRY_MAGNITUDE:
            raise InputError(f"{where}: magnitude above 10^30 (the limit of a network entry)")
        return x
    try:
        s = sign(x)
    except SignBudgetError as exc:
        raise InputError(f"{where}: {exc}") from None
    if s == 0:
        return Fraction(0)
    try:
        over = interval_sign(x * s - MAX_ENTRY_MAGNITUDE, 64)
    except NoIntervalError:
        over = None
    if over != -1 and sign(x * s - MAX_ENTRY_MAGNITUDE) > 0:
        raise InputError(f"{where}: magnitude above 10^30 (the limit of a network entry)")
    return x
