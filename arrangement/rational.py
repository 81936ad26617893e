"""Exact numbers: parsing user input into :class:`fractions.Fraction`, writing exact numbers
(text and certificate encoding), rational root bounds, and primitive integer rows.

Every number a user hands in (an int, a ``Fraction``, a string such as ``"3/7"``, ``"-0.25"`` or
``"2.5E+2"``) is parsed *exactly*: the text ``0.1`` is ``1/10``, never the binary float nearest to
it. A binary float is accepted only when the caller says so (``allow_float=True``) and is then
converted exactly (``Fraction(0.1)`` is ``3602879701896397/36028797018963968``), never rounded.

Anything else (booleans, ``None``, NaN, infinities, empty text, ``"1/0"``, garbage) raises
:class:`arrangement.errors.InputError` with a one-line message that names the value and, when
the caller passes ``where``, its position (``"X[2][1]: not a number: 'abc'"``).
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from decimal import Decimal
from fractions import Fraction
from typing import TypeGuard

from arrangement.errors import InputError
from arrangement.limits import MAX_DIGITS, check_digits, show

__all__ = [
    "CERT_INT_DIGITS",
    "MAX_EXPONENT",
    "certificate_number",
    "certificate_ratio",
    "format_fraction",
    "parse_fraction_string",
    "primitive_integer_row",
    "rational_root",
    "root4_floor",
    "root4_floor_on",
    "sqrt_ceil",
    "sqrt_ceil_on",
    "sqrt_floor",
    "sqrt_floor_on",
    "to_fraction",
    "to_matrix",
    "to_vector",
]

#: Largest ``|exponent|`` accepted in scientific notation: ``"1e999999999"`` would otherwise make
#: Python build a billion-digit integer and hang instead of reporting bad input.
MAX_EXPONENT = 10_000

# re.ASCII: \d must mean 0-9 only. Python's int() reads Arabic-Indic or full-width digits
# ("١٢", "１２") as 12; such text is refused, never silently read as a number.
_DECIMAL = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?", re.ASCII)
_RATIO = re.compile(r"([+-]?\d+)\s*/\s*(\d+)", re.ASCII)
_NONFINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE | re.ASCII)
_TOO_LONG = MAX_DIGITS + 1  # significant digits in the text beyond which we refuse unread

_show = show


def _fail(message: str, where: str | None) -> InputError:
    return InputError(f"{where}: {message}" if where else message)


def _parse_text(text: str, where: str | None) -> Fraction:
    try:
        q = _parse_stripped(text, where)
    except ValueError:  # int() refuses more digits than sys.get_int_max_str_digits()
        raise _fail(f"number too long: {_show(text)} ({len(text)} characters)", where) from None
    return check_digits(q, where, text)


def _too_long(digits: str, text: str, where: str | None) -> None:
    # counted before int() runs: converting a million digits is itself quadratic work
    if len(digits) > _TOO_LONG and len(digits.lstrip("0")) > MAX_DIGITS:
        raise _fail(f"number too long: {_show(text)} has more than {MAX_DIGITS} digits", where)


def _parse_stripped(text: str, where: str | None) -> Fraction:
    s = text.strip()
    body = s[1:] if s[:1] in ("-", "+") else s
    if body.isascii() and body.isdigit() and len(body) <= MAX_DIGITS:
        return Fraction(int(s))  # the common case, a plain integer: no regex needed
    if not s:
        raise _fail("empty entry (expected a number)", where)
    if _NONFINITE.fullmatch(s):
        raise _fail(f"not a finite number: {_show(text)}", where)
    m = _RATIO.fullmatch(s)
    if m:
        _too_long(m.group(1).lstrip("+-"), text, where)
        _too_long(m.group(2), text, where)
        if int(m.group(2)) == 0:
            raise _fail(f"division by zero: {_show(text)}", where)
        return Fraction(int(m.group(1)), int(m.group(2)))
    m = _DECIMAL.fullmatch(s)
    if m and (m.group(2) or m.group(3)):  # at least one digit, before or after the point
        sign, whole, frac, exp = m.group(1), m.group(2), m.group(3) or "", m.group(4)
        e = int(exp) if exp else 0
        if abs(e) > MAX_EXPONENT:
            raise _fail(
                f"exponent too large in {_show(text)} (|exponent| must be <= {MAX_EXPONENT})",
                where,
            )
        _too_long((whole or "") + frac, text, where)
        # the digits and the exponent are combined as integers: no float is ever formed
        mantissa = int((whole or "0") + frac)
        q = Fraction(mantissa) * Fraction(10) ** (e - len(frac))
        return -q if sign == "-" else q
    if any(c.isdigit() and not c.isascii() for c in s):
        raise _fail(f"not a number: {_show(text)} (only the ASCII digits 0-9 are read)", where)
    raise _fail(f"not a number: {_show(text)}", where)


def to_fraction(value: object, *, allow_float: bool = False, where: str | None = None) -> Fraction:
    """Convert one user-supplied number to an exact :class:`~fractions.Fraction`.

    Accepts ints (numpy integers too), rationals, ``Decimal`` and text: integers, ``"p/q"``,
    decimals and scientific notation, all parsed exactly. Binary floats are converted exactly
    when ``allow_float`` is true and refused otherwise. ``where`` names the position for the
    error message.

    >>> to_fraction("0.1"), to_fraction("1e-3"), to_fraction("-3/7"), to_fraction(5)
    (Fraction(1, 10), Fraction(1, 1000), Fraction(-3, 7), Fraction(5, 1))
    >>> to_fraction("abc", where="X[2][1]")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: X[2][1]: not a number: 'abc'
    """
    # bool is an int subclass (and numpy's bool_ is not): reject both before the integer test
    if isinstance(value, bool) or (
        type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool")
    ):
        raise _fail(f"expected a number, got a boolean: {_show(value)}", where)
    if value is None:
        raise _fail("expected a number, got nothing (null/None)", where)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, numbers.Integral):
        return Fraction(int(value))
    if isinstance(value, numbers.Rational):  # e.g. sympy.Rational
        return Fraction(int(value.numerator), int(value.denominator))
    if isinstance(value, str):
        return _parse_text(value, where)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise _fail(f"not a finite number: {_show(value)}", where)
        return Fraction(value)
    if isinstance(value, numbers.Real) and hasattr(value, "as_integer_ratio"):
        # Python and numpy floats (including long double, via its own as_integer_ratio)
        if not allow_float:
            raise _fail(
                f"binary float {_show(value)} refused: write it as text ('0.1' is exactly 1/10) "
                "or as 'p/q'",
                where,
            )
        try:
            p, q = value.as_integer_ratio()
        except (ValueError, OverflowError):
            raise _fail(f"not a finite number: {_show(value)}", where) from None
        return Fraction(int(p), int(q))
    raise _fail(f"expected a number, got {type(value).__name__}: {_show(value)}", where)


def parse_fraction_string(text: str, *, where: str | None = None) -> Fraction:
    """Parse the text of a number exactly; the inverse of :func:`format_fraction`.

    >>> parse_fraction_string("-22/7"), parse_fraction_string("12")
    (Fraction(-22, 7), Fraction(12, 1))
    """
    if not isinstance(text, str):
        raise _fail(f"expected the text of a number, got {type(text).__name__}", where)
    return _parse_text(text, where)


def format_fraction(q: Fraction | int) -> str:
    """Render an exact number as ``"p/q"``, or ``"p"`` when it is an integer.

    >>> format_fraction(Fraction(-6, 4)), format_fraction(Fraction(8, 2)), format_fraction(0)
    ('-3/2', '4', '0')
    """
    q = Fraction(q)
    if max(abs(q.numerator), q.denominator).bit_length() > _STR_SAFE_BITS:
        return _format_long(q)
    return str(q.numerator) if q.denominator == 1 else f"{q.numerator}/{q.denominator}"


#: Integers below this many bits print within Python's default 4300-digit limit.
_STR_SAFE_BITS = 14_000
#: Exact *results* (not inputs) may be long; beyond this many digits printing is refused.
MAX_OUTPUT_DIGITS = 200_000


def _format_long(q: Fraction) -> str:
    import sys

    bits = max(abs(q.numerator), q.denominator).bit_length()
    if bits * 0.30103 > MAX_OUTPUT_DIGITS:
        from arrangement.errors import RelucvxError

        raise RelucvxError(f"an exact result has about {int(bits * 0.30103)} digits, more than "
                           f"{MAX_OUTPUT_DIGITS} can be written")
    # sys.set_int_max_str_digits guards *parsing* untrusted text; this is our own exact
    # result, printed once, so the limit is lifted for this conversion only
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        num, den = str(q.numerator), str(q.denominator)
    finally:
        sys.set_int_max_str_digits(old)
    return num if q.denominator == 1 else f"{num}/{den}"


def _entries(k: int) -> str:
    return "1 entry" if k == 1 else f"{k} entries"


def _is_sequence(obj: object) -> TypeGuard[Sequence[object]]:
    return isinstance(obj, Sequence) and not isinstance(obj, (str, bytes, bytearray))


def _is_exact_row(row: object) -> TypeGuard[tuple[Fraction, ...]]:
    return type(row) is tuple and all(type(v) is Fraction for v in row)


def _as_list(obj: object) -> object:
    # numpy arrays are accepted as nested lists (tolist keeps integers exact, floats stay floats)
    tolist = getattr(obj, "tolist", None)
    return tolist() if callable(tolist) and hasattr(obj, "ndim") else obj


def to_matrix(
    rows: object, name: str = "X", allow_float: bool = False
) -> tuple[tuple[Fraction, ...], ...]:
    """Convert a list of rows into an exact, rectangular, nonempty matrix.

    >>> to_matrix([[1, "1/2"], ["0.25", "-3"]])
    ((Fraction(1, 1), Fraction(1, 2)), (Fraction(1, 4), Fraction(-3, 1)))
    >>> to_matrix([[1, 2], [3]])
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: ragged rows: X[0] has 2 entries but X[1] has 1 entry
    """
    rows = _as_list(rows)
    if not _is_sequence(rows):
        raise InputError(f"{name} must be a list of rows (a list of lists), got "
                         f"{type(rows).__name__}")
    if len(rows) == 0:
        raise InputError(f"{name} is empty: it needs at least one row")
    out: list[tuple[Fraction, ...]] = []
    width = None
    for i, row in enumerate(rows):
        if not _is_sequence(row):
            raise InputError(f"{name}[{i}] must be a list of numbers, got {type(row).__name__}: "
                             f"{_show(row)}")
        if len(row) == 0:
            raise InputError(f"{name}[{i}] is empty: rows need at least one entry")
        if width is None:
            width = len(row)
        elif len(row) != width:
            raise InputError(f"ragged rows: {name}[0] has {_entries(width)} but {name}[{i}] "
                             f"has {_entries(len(row))}")
        if _is_exact_row(row):
            out.append(row)  # already exact (an Instance's own X): nothing to convert
            continue
        out.append(tuple(to_fraction(v, allow_float=allow_float, where=f"{name}[{i}][{j}]")
                         for j, v in enumerate(row)))
    return tuple(out)


def to_vector(values: object, name: str = "y", allow_float: bool = False) -> tuple[Fraction, ...]:
    """Convert a list of numbers into an exact, nonempty vector.

    >>> to_vector(["1", "0.5", "-2/3"])
    (Fraction(1, 1), Fraction(1, 2), Fraction(-2, 3))
    """
    values = _as_list(values)
    if not _is_sequence(values):
        raise InputError(f"{name} must be a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise InputError(f"{name} is empty: it needs at least one entry")
    return tuple(to_fraction(v, allow_float=allow_float, where=f"{name}[{i}]")
                 for i, v in enumerate(values))


def primitive_integer_row(row: Sequence[Fraction | int]) -> tuple[int, ...]:
    """The positive multiple of ``row`` whose entries are coprime integers (zero row: zeros).

    Positive scaling does not move a hyperplane or flip a sign, so the enumerator may work on
    these rows instead of the rationals.

    >>> primitive_integer_row([Fraction(1, 2), Fraction(-3, 4), 0])
    (2, -3, 0)
    >>> primitive_integer_row([0, 0])
    (0, 0)
    """
    qs = [Fraction(v) for v in row]
    scale = math.lcm(*(q.denominator for q in qs)) if qs else 1
    ints = [int(q * scale) for q in qs]
    g = math.gcd(*ints) if ints else 0
    return tuple(v // g for v in ints) if g else tuple(ints)


# -- certificate encoding ------------------------------------------------------------------------
#: Integers with fewer digits than this are written as JSON integers; longer ones as text (JSON
#: writers and readers are bounded by Python's 4300-digit int ↔ str limit).
CERT_INT_DIGITS = 4000

#: Below this many bits :func:`certificate_ratio` formats directly (well inside Python's
#: 4300-digit int ↔ str limit); longer numbers go through :func:`format_fraction`'s guarded path.
_SHORT_BITS = 10_000


def certificate_number(x: Fraction | int) -> int | str:
    """An exact number as certificates write it (docs/certificates.md): an int, or ``"p/q"``.

    Integers of :data:`CERT_INT_DIGITS` digits or more become text too; any length is written
    (Python's 4300-digit conversion limit is lifted for our own results, up to the output
    limit of :func:`format_fraction`).

    >>> certificate_number(Fraction(6, 3)), certificate_number(Fraction(-1, 3))
    (2, '-1/3')
    >>> len(certificate_number(10**5000))
    5001
    """
    x = Fraction(x)
    if x.denominator == 1 and abs(x.numerator) < 10**CERT_INT_DIGITS:
        return int(x)
    return format_fraction(x)


def certificate_ratio(num: int, den: int) -> int | str:
    """``num/den`` (``den > 0``, any common factor) as :func:`certificate_number` writes it,
    without building a Fraction.

    >>> certificate_ratio(6, 4), certificate_ratio(-8, 2)
    ('3/2', -4)
    """
    g = math.gcd(num, den)
    if g != 1:
        num, den = num // g, den // g
    if max(num.bit_length(), den.bit_length()) >= _SHORT_BITS:
        return certificate_number(Fraction(num, den))
    return num if den == 1 else f"{num}/{den}"


def certificate_reduced(num: int, den: int) -> int | str:
    """``num/den`` as :func:`certificate_ratio` writes it, for a pair already in lowest terms
    (``den > 0``): no gcd (the dual-bound multipliers come reduced, millions of them at (40, 5)).

    >>> certificate_reduced(3, 4), certificate_reduced(-5, 1)
    ('3/4', -5)
    """
    if num.bit_length() < _SHORT_BITS and den.bit_length() < _SHORT_BITS:
        return num if den == 1 else f"{num}/{den}"
    return certificate_ratio(num, den)


# -- roots: exact when rational, else rational bounds on a grid ----------------------------------
def rational_root(q: Fraction | int, k: int) -> Fraction | None:
    """The rational ``k``-th root of ``q ≥ 0`` (k = 1, 2, 4, 8, ...), or None if it is irrational.

    >>> rational_root(Fraction(9, 4), 2), rational_root(Fraction(16, 81), 4), rational_root(2, 2)
    (Fraction(3, 2), Fraction(2, 3), None)
    """
    q = Fraction(q)
    if q < 0:
        return None
    ra, rb = _iroot(q.numerator, k), _iroot(q.denominator, k)
    return Fraction(ra, rb) if ra**k == q.numerator and rb**k == q.denominator else None


def _iroot(a: int, k: int) -> int:
    """``⌊a^{1/k}⌋`` for k a power of two, by nested isqrt (floors of monotone roots nest)."""
    if k < 1 or k & (k - 1):
        raise ValueError(f"only square and fourth (power-of-two) roots are supported, got k = {k}")
    while k > 1:
        a, k = math.isqrt(a), k // 2
    return a


def sqrt_floor_on(q: Fraction | int, scale: int) -> Fraction:
    """``⌊√q · scale⌋ / scale`` exactly: the largest grid point ``≤ √q`` (``q ≤ 0``: 0).

    >>> sqrt_floor_on(Fraction(2), 1000), sqrt_floor_on(Fraction(9, 4), 2)
    (Fraction(707, 500), Fraction(3, 2))
    """
    q = Fraction(q)
    if q <= 0:
        return Fraction(0)
    return Fraction(math.isqrt(q.numerator * scale * scale // q.denominator), scale)


def sqrt_ceil_on(q: Fraction | int, scale: int) -> Fraction:
    """``⌈√q · scale⌉ / scale`` exactly: the smallest grid point ``≥ √q`` (``q ≤ 0``: 0).

    >>> sqrt_ceil_on(Fraction(2), 1000), sqrt_ceil_on(Fraction(4), 7)
    (Fraction(283, 200), Fraction(2, 1))
    """
    q = Fraction(q)
    r = sqrt_floor_on(q, scale)
    return r if r * r >= q else r + Fraction(1, scale)


def _bits_scale(q: Fraction, bits: int, k: int) -> int:
    # 2^b with b = bits + max(0, -log2(q)/k + 2): a root of about `bits` significant bits
    mag = q.numerator.bit_length() - q.denominator.bit_length()
    return 1 << (bits + max(0, -mag // k + 2))


def sqrt_floor(q: Fraction | int, bits: int) -> Fraction:
    """A rational ``0 ≤ r ≤ √q`` with relative error about ``2^-bits`` (``q ≤ 0``: 0); exact when
    √q is a rational with a small enough power-of-two denominator.

    >>> sqrt_floor(Fraction(9, 4), 8), float(sqrt_floor(Fraction(2), 20))
    (Fraction(3, 2), 1.4142131805419922)
    """
    q = Fraction(q)
    return Fraction(0) if q <= 0 else sqrt_floor_on(q, _bits_scale(q, bits, 2))


def sqrt_ceil(q: Fraction | int, bits: int) -> Fraction:
    """A rational ``r ≥ √q`` with relative error about ``2^-bits`` (``q ≤ 0``: 0); exactly √q
    when q is the square of a rational.

    >>> sqrt_ceil(Fraction(9, 25), 4), sqrt_ceil(Fraction(2), 4)
    (Fraction(3, 5), Fraction(23, 16))
    """
    q = Fraction(q)
    if q <= 0:
        return Fraction(0)
    exact = rational_root(q, 2)
    return exact if exact is not None else sqrt_ceil_on(q, _bits_scale(q, bits, 2))


def root4_floor_on(q: Fraction | int, scale: int) -> Fraction:
    """``⌊q^{1/4} · scale⌋ / scale`` exactly (``q ≤ 0``: 0): ``isqrt(isqrt(⌊q·scale⁴⌋))``.

    >>> root4_floor_on(Fraction(2), 1000)
    Fraction(1189, 1000)
    """
    q = Fraction(q)
    if q <= 0:
        return Fraction(0)
    return Fraction(_iroot(q.numerator * scale**4 // q.denominator, 4), scale)


def root4_floor(q: Fraction | int, bits: int) -> Fraction:
    """A rational ``0 ≤ r ≤ q^{1/4}`` with relative error about ``2^-bits`` (``q ≤ 0``: 0).

    >>> float(root4_floor(Fraction(2), 20)), root4_floor(Fraction(1, 16), 4)
    (1.1892070770263672, Fraction(1, 2))
    """
    q = Fraction(q)
    return Fraction(0) if q <= 0 else root4_floor_on(q, _bits_scale(q, bits, 4))
