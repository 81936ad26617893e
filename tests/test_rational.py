"""Exact parsing of numbers and matrices (arrangement/rational.py)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from arrangement.errors import InputError
from arrangement.rational import (
    MAX_EXPONENT,
    format_fraction,
    parse_fraction_string,
    primitive_integer_row,
    to_fraction,
    to_matrix,
    to_vector,
)

F = Fraction


@pytest.mark.parametrize(
    "text, expected",
    [
        ("0", F(0)),
        ("17", F(17)),
        ("-17", F(-17)),
        ("+4", F(4)),
        ("3/7", F(3, 7)),
        ("-3/7", F(-3, 7)),
        ("6/4", F(3, 2)),
        (" 3 / 7 ", F(3, 7)),
        ("0.1", F(1, 10)),
        ("-0.25", F(-1, 4)),
        (".5", F(1, 2)),
        ("5.", F(5)),
        ("1e-3", F(1, 1000)),
        ("2.5E+2", F(250)),
        ("-1.5e1", F(-15)),
        ("1E0", F(1)),
        ("0.30000000000000004", F(30000000000000004, 10**17)),
        ("123456789012345678901234567890", F(123456789012345678901234567890)),
        ("\t42\n", F(42)),
    ],
)
def test_text_is_parsed_exactly(text, expected):
    got = to_fraction(text)
    assert got == expected
    assert type(got) is Fraction


def test_decimal_text_never_goes_through_float():
    assert to_fraction("0.1") == F(1, 10) != F(0.1)
    assert to_fraction("0.1") + to_fraction("0.2") == to_fraction("0.3")
    assert to_fraction("1e-30") == F(1, 10**30)


@pytest.mark.parametrize(
    "value, expected",
    [
        (7, F(7)),
        (-2**80, F(-2**80)),
        (F(2, 3), F(2, 3)),
        (np.int64(-5), F(-5)),
        (np.uint8(200), F(200)),
        (Decimal("0.1"), F(1, 10)),
    ],
)
def test_exact_objects(value, expected):
    assert to_fraction(value) == expected


def test_sympy_rational_is_exact():
    sympy = pytest.importorskip("sympy")
    assert to_fraction(sympy.Rational(3, 7)) == F(3, 7)


def test_floats_only_when_allowed_and_then_exactly():
    with pytest.raises(InputError, match="binary float 0.1 refused"):
        to_fraction(0.1)
    with pytest.raises(InputError, match="refused"):
        to_fraction(np.float64(0.5))
    assert to_fraction(0.1, allow_float=True) == F(0.1) == F(3602879701896397, 2**55)
    assert to_fraction(np.float32(0.1), allow_float=True) == F(13421773, 2**27)
    assert to_fraction(np.float16(0.1), allow_float=True) == F(819, 8192)
    assert to_fraction(np.longdouble(1) / 3, allow_float=True) == F(
        *(np.longdouble(1) / 3).as_integer_ratio()
    )


@pytest.mark.parametrize(
    "value, fragment",
    [
        (True, "boolean"),
        (False, "boolean"),
        (np.bool_(True), "boolean"),
        (None, "null/None"),
        ("", "empty entry"),
        ("   ", "empty entry"),
        ("nan", "not a finite number: 'nan'"),
        ("NaN", "not a finite number"),
        ("inf", "not a finite number: 'inf'"),
        ("-Infinity", "not a finite number"),
        ("1/0", "division by zero: '1/0'"),
        ("abc", "not a number: 'abc'"),
        ("1,5", "not a number"),
        ("1.5/2", "not a number"),
        ("3/-7", "not a number"),
        ("1_000", "not a number"),
        ("0x10", "not a number"),
        (".", "not a number"),
        ("e5", "not a number"),
        ("--1", "not a number"),
        ("\u22121", "not a number"),  # a typographic minus sign
        ("1e" + str(MAX_EXPONENT + 1), "exponent too large"),
        ("9" * 5000, "number too long"),
        (b"1", "expected a number, got bytes"),
        ([1], "expected a number, got list"),
        (1 + 2j, "expected a number, got complex"),
        (Decimal("NaN"), "not a finite number"),
        (float("nan"), "refused"),
    ],
)
def test_bad_values(value, fragment):
    with pytest.raises(InputError) as info:
        to_fraction(value)
    msg = str(info.value)
    assert fragment in msg
    assert "\n" not in msg and len(msg) < 200


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -float("inf"), np.float64("nan")])
def test_nonfinite_floats_refused_even_when_floats_allowed(value):
    with pytest.raises(InputError, match="not a finite number"):
        to_fraction(value, allow_float=True)


def test_error_names_the_position():
    with pytest.raises(InputError, match=r"^X\[2\]\[1\]: not a number: 'abc'$"):
        to_fraction("abc", where="X[2][1]")
    with pytest.raises(InputError, match=r"^X\[1\]\[0\]: not a number: 'abc'$"):
        to_matrix([[1, 2], ["abc", 3]])
    with pytest.raises(InputError, match=r"^y\[2\]: not a finite number: 'inf'$"):
        to_vector([1, 2, "inf"])


def test_to_matrix_accepts_mixed_exact_entries():
    X = to_matrix([[1, "1/2", "0.25"], [F(-1, 3), np.int32(4), "1e2"]])
    assert X == ((F(1), F(1, 2), F(1, 4)), (F(-1, 3), F(4), F(100)))
    assert all(type(v) is Fraction for row in X for v in row)
    assert to_matrix(((1,),)) == ((F(1),),)


def test_to_matrix_numpy_arrays():
    assert to_matrix(np.array([[1, 2], [3, 4]])) == ((1, 2), (3, 4))
    with pytest.raises(InputError, match="refused"):
        to_matrix(np.array([[0.5]]))
    assert to_matrix(np.array([[0.5]]), allow_float=True) == ((F(1, 2),),)


@pytest.mark.parametrize(
    "rows, fragment",
    [
        ("1,2", "X must be a list of rows"),
        (5, "X must be a list of rows"),
        (None, "X must be a list of rows"),
        ([], "X is empty"),
        ([[]], "X[0] is empty"),
        ([[1], []], "X[1] is empty"),
        ([[1], [1, 2]], "ragged rows: X[0] has 1 entry but X[1] has 2 entries"),
        ([[1, 2], [3]], "ragged rows: X[0] has 2 entries but X[1] has 1 entry"),
        ([[1, 2], [3, 4, 5]], "ragged rows: X[0] has 2 entries but X[1] has 3"),
        ([1, 2], "X[0] must be a list of numbers"),
        ([[1], "12"], "X[1] must be a list of numbers"),
        ([[1, None]], "X[0][1]: expected a number, got nothing"),
        ([[1, True]], "X[0][1]: expected a number, got a boolean"),
    ],
)
def test_bad_matrices(rows, fragment):
    with pytest.raises(InputError) as info:
        to_matrix(rows)
    assert fragment in str(info.value)


def test_matrix_name_in_messages():
    with pytest.raises(InputError, match=r"^W is empty"):
        to_matrix([], name="W")


def test_to_vector():
    assert to_vector(["1", "0.5", "-2/3", 4]) == (F(1), F(1, 2), F(-2, 3), F(4))
    for bad, fragment in [([], "y is empty"), ("12", "y must be a list"), ([[1]], "y[0]")]:
        with pytest.raises(InputError, match=fragment.replace("[", r"\[").replace("]", r"\]")):
            to_vector(bad)


@pytest.mark.parametrize(
    "row, expected",
    [
        ([F(1, 2), F(-3, 4), 0], (2, -3, 0)),
        ([2, 4, 6], (1, 2, 3)),
        ([-2, -4], (-1, -2)),
        ([0, 0, 0], (0, 0, 0)),
        ([F(3, 5), F(4, 5)], (3, 4)),
        ([F(0), F(-7, 3)], (0, -1)),
        ([F(1, 6), F(1, 10), F(1, 15)], (5, 3, 2)),
    ],
)
def test_primitive_integer_row(row, expected):
    got = primitive_integer_row(row)
    assert got == expected
    assert all(type(v) is int for v in got)


fractions = st.fractions(max_denominator=10**12).filter(lambda q: abs(q.numerator) < 10**40)


@given(st.lists(fractions, min_size=1, max_size=6))
def test_primitive_row_is_a_positive_multiple_with_coprime_entries(row):
    import math

    p = primitive_integer_row(row)
    if all(q == 0 for q in row):
        assert p == tuple(0 for _ in row)
        return
    assert math.gcd(*p) == 1
    k = next(i for i, q in enumerate(row) if q != 0)
    scale = F(p[k]) / row[k]
    assert scale > 0
    assert all(F(a) == scale * q for a, q in zip(p, row, strict=True))


@given(fractions)
def test_format_parse_round_trip(q):
    s = format_fraction(q)
    assert parse_fraction_string(s) == q
    assert to_fraction(s) == q
    assert ("/" in s) == (q.denominator != 1)


@given(fractions)
def test_str_of_fraction_round_trip(q):
    assert to_fraction(str(q)) == q


@given(st.decimals(min_value=-(10**9), max_value=10**9, allow_nan=False, allow_infinity=False))
def test_decimal_text_round_trip(d):
    assert to_fraction(str(d)) == F(d)
    assert to_fraction(format(d, "e")) == F(d)


@given(st.integers(-(10**30), 10**30), st.integers(-60, 60))
def test_scientific_notation_is_exact(m, e):
    assert to_fraction(f"{m}e{e}") == F(m) * F(10) ** e
    assert to_fraction(f"{m}E+{e}" if e >= 0 else f"{m}E{e}") == F(m) * F(10) ** e


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_floats_convert_exactly_when_allowed(x):
    assert to_fraction(x, allow_float=True) == F(x)
    # repr(x) is the shortest text that reads back as x; parsing that text is exact decimal
    assert float(to_fraction(repr(x))) == x


# -- rational root bounds and the certificate encoding (arrangement/rational.py) -----------------
_positive = st.fractions(min_value=Fraction(1, 10**12), max_value=10**12)


@given(q=_positive, bits=st.integers(1, 80))
def test_sqrt_bounds_bracket_and_are_tight(q, bits):
    from arrangement.rational import sqrt_ceil, sqrt_floor

    lo, hi = sqrt_floor(q, bits), sqrt_ceil(q, bits)
    assert 0 < lo and lo * lo <= q <= hi * hi
    assert (hi - lo) <= hi * Fraction(2, 2**bits)  # relative error about 2^-bits


@given(q=_positive, scale=st.integers(1, 10**6))
def test_grid_roots_are_the_floor_and_ceiling_on_the_grid(q, scale):
    from arrangement.rational import root4_floor_on, sqrt_ceil_on, sqrt_floor_on

    lo, hi = sqrt_floor_on(q, scale), sqrt_ceil_on(q, scale)
    assert lo * lo <= q < (lo + Fraction(1, scale)) ** 2
    assert hi * hi >= q > (hi - Fraction(1, scale)) ** 2
    r = root4_floor_on(q, scale)
    assert r**4 <= q < (r + Fraction(1, scale)) ** 4


@given(r=st.fractions(min_value=0, max_value=10**6), bits=st.integers(1, 60))
def test_rational_roots_are_found_exactly(r, bits):
    from arrangement.rational import rational_root, root4_floor, sqrt_ceil

    assert rational_root(r * r, 2) == r and rational_root(r**4, 4) == r
    assert sqrt_ceil(r * r, bits) == r
    assert root4_floor(r**4, bits) <= r
    assert rational_root(Fraction(2) * (r * r or 1), 2) is None


def test_roots_refuse_other_orders_and_negative_input():
    from arrangement.rational import rational_root, root4_floor, sqrt_floor

    with pytest.raises(ValueError, match="power-of-two"):
        rational_root(8, 3)
    assert rational_root(-4, 2) is None
    assert sqrt_floor(-1, 10) == 0 and root4_floor(0, 10) == 0


@given(q=st.fractions())
def test_certificate_number_round_trips(q):
    from arrangement.rational import certificate_number, certificate_ratio

    enc = certificate_number(q)
    assert isinstance(enc, int) == (q.denominator == 1)
    assert Fraction(enc) == q
    assert certificate_ratio(q.numerator * 3, q.denominator * 3) == enc


def test_certificate_number_writes_huge_numbers_as_text():
    from arrangement.rational import CERT_INT_DIGITS, certificate_number, certificate_ratio

    big = 10**CERT_INT_DIGITS
    assert certificate_number(big - 1) == big - 1
    assert certificate_number(big) == "1" + "0" * CERT_INT_DIGITS  # beyond Python's 4300 digits too
    assert certificate_ratio(10**5000, 3) == "1" + "0" * 5000 + "/3"
