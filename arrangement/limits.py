"""The size policy: how large an input may be before any work starts (docs/limits.md).

Every reader and every command checks its input against these limits *before* it computes
anything, and refuses with one line (:class:`arrangement.errors.InputError`, exit status 2).
Limits marked *forceable* are lifted by ``--force`` (``force=True``): the input is legitimate,
only slow. The others protect the program itself (Python's recursion, its 4300-digit integer
printing, the float range of the numeric guess) and are never lifted.

Messages quote at most :data:`SHOW_CHARS` characters of an offending value (:func:`show`).

>>> check_shape(3, 2)
>>> check_shape(2, 10**6)
Traceback (most recent call last):
...
arrangement.errors.TooLargeError: d = 1000000 columns exceeds the limit of 100000 (pass --force ...)
"""

from __future__ import annotations

from fractions import Fraction

from arrangement.errors import InputError, TooLargeError

__all__ = [
    "MAX_DEPTH",
    "MAX_DIGITS",
    "MAX_DYNAMIC_RANGE",
    "MAX_SOLVE_DIGITS",
    "MAX_ENTRIES",
    "MAX_FILE_BYTES",
    "MAX_CERTIFICATE_D",
    "MAX_COLS",
    "MAX_PARAMETER_DIGITS",
    "MAX_RELU3_REGIONS",
    "MAX_RELU3_WIDTH",
    "MAX_ROWS",
    "PARAMETER_RANGE",
    "SHOW_CHARS",
    "check_digits",
    "check_output_entries",
    "check_dynamic_range",
    "check_parameter",
    "check_shape",
    "path_text",
    "show",
]

#: Largest number of decimal digits in the numerator or the denominator of one input number.
#: Not forceable: exact results grow from the inputs, and Python refuses to print integers above
#: 4300 digits, so a certificate could not even be written.
MAX_DIGITS = 1000

#: Largest nesting depth of a JSON input (data files need 3: ``{"X": [[...]]}``). Not forceable:
#: deeper text would exhaust Python's recursion before any check could run.
MAX_DEPTH = 32

#: Largest input file read, in bytes (forceable). Reading stops one byte past it.
MAX_FILE_BYTES = 64 * 2**20

#: Largest n (rows), d (columns) and n·d (entries) of a data matrix (forceable).
MAX_ROWS = 100_000
MAX_COLS = 100_000
MAX_ENTRIES = 2_000_000

#: ``beta`` and ``tol`` are handed to a floating-point solver as a guess: each must have at most
#: this many digits in numerator and denominator and lie in ``[1/10**k, 10**k]`` (zero aside
#: where a command allows it). Not forceable: outside it the float guess overflows or
#: underflows, and nothing sensible could be certified.
MAX_PARAMETER_DIGITS = 100
PARAMETER_RANGE = 100

#: ``solve`` and ``check`` start from a floating-point guess (cvxpy + Clarabel): the largest
#: nonzero magnitude among X, y and beta may be at most this many times the smallest
#: (forceable; above it the solver fails or its guess certifies nothing useful).
MAX_DYNAMIC_RANGE = 10**12

#: ``solve`` and ``check``: at most this many digits in the numerator and the denominator of each
#: entry of X, y and beta (forceable). Exact results (projections, closed forms) grow with the
#: inputs' sizes; 50-digit data already gives closed forms beyond Python's 4300-digit printing.
MAX_SOLVE_DIGITS = 40

#: Largest d of wide data (d >= 8 rank) for which ``solve --certificate`` runs without
#: ``--force``: the certificate's projections live in R^d (without a certificate, solve works in
#: at most 4 rank coordinates, exact/rowspace.py).
MAX_CERTIFICATE_D = 1000

#: ``--model relu3`` (exact/relu3.py): at most this many second-layer regions estimated over all
#: tuples of first-layer patterns (forceable; each region is a group of the convex program and
#: an exact LP to find), and a first-layer width of at most :data:`MAX_RELU3_WIDTH` (not
#: forceable: the tuples grow as (2·chambers)^width).
MAX_RELU3_REGIONS = 20_000
MAX_RELU3_WIDTH = 4

#: At most this many characters of an offending value appear in a message.
SHOW_CHARS = 40

_TEN_DIGITS = 10**MAX_DIGITS
_TEN_PARAM_DIGITS = 10**MAX_PARAMETER_DIGITS
_PARAM_HI = Fraction(10**PARAMETER_RANGE)
_PARAM_LO = Fraction(1, 10**PARAMETER_RANGE)


def show(value: object, limit: int = SHOW_CHARS) -> str:
    """A one-line rendering of ``value`` cut to at most ``limit`` characters.

    >>> show("abc")
    "'abc'"
    >>> show("9" * 5000)
    "'999999999999999999999999999999999999..."
    >>> show("a\\nb")
    "'a\\\\nb'"
    """
    text = repr(value) if isinstance(value, (str, bytes)) else str(value)
    text = " ".join(text.split())  # messages are one line, whatever the input held
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _digits_over(x: int, bound: int) -> bool:
    return abs(x) >= bound


def check_digits(q: Fraction, where: str | None = None, text: object = None) -> Fraction:
    """Return ``q`` when its numerator and denominator have at most :data:`MAX_DIGITS` digits.

    ``text`` (the value as the user wrote it) is quoted, cut short, in the message.

    >>> check_digits(Fraction(1, 3))
    Fraction(1, 3)
    >>> check_digits(Fraction(10**1000), where="X[0][0]", text="1e1000")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: X[0][0]: number too long: '1e1000' has more than 1000 digits
    """
    if _digits_over(q.numerator, _TEN_DIGITS) or _digits_over(q.denominator, _TEN_DIGITS):
        shown = show(text) if text is not None else f"a {q.numerator.bit_length()}-bit number"
        part = "numerator" if _digits_over(q.numerator, _TEN_DIGITS) else "denominator"
        message = (f"number too long: {shown} has more than {MAX_DIGITS} digits"
                   + ("" if text is not None else f" in its {part}"))
        raise InputError(f"{where}: {message}" if where else message)
    return q


def check_parameter(q: Fraction, name: str, *, allow_zero: bool = False) -> Fraction:
    """Return ``q`` when the parameter ``name`` (``beta``, ``--tol``) is in the documented range.

    ``q`` must be > 0 (or 0 when ``allow_zero``), have at most :data:`MAX_PARAMETER_DIGITS`
    digits in numerator and denominator, and lie in ``[10**-100, 10**100]``.

    >>> check_parameter(Fraction(1, 10), "beta")
    Fraction(1, 10)
    >>> check_parameter(Fraction(10**400), "beta")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: beta = 1000... is out of range: ...
    """
    if q == 0 and allow_zero:
        return q
    if q <= 0:
        raise InputError(f"{name} must be {'>= 0' if allow_zero else '> 0'}, got {show(q)}")
    if not _PARAM_LO <= q <= _PARAM_HI:
        raise InputError(f"{name} = {show(q)} is out of range: it must lie in "
                         f"[1e-{PARAMETER_RANGE}, 1e{PARAMETER_RANGE}]")
    if (_digits_over(q.numerator, _TEN_PARAM_DIGITS)
            or _digits_over(q.denominator, _TEN_PARAM_DIGITS)):
        raise InputError(f"{name} = {show(q)} has more than {MAX_PARAMETER_DIGITS} digits in its "
                         "numerator or denominator")
    return q


def check_shape(n: int, d: int, *, force: bool = False) -> None:
    """Refuse (:class:`TooLargeError`) a data matrix above :data:`MAX_ROWS`, :data:`MAX_COLS`
    or :data:`MAX_ENTRIES`, unless ``force``.

    >>> check_shape(10**6, 10**6, force=True)
    >>> check_shape(2000, 2000)
    Traceback (most recent call last):
    ...
    arrangement.errors.TooLargeError: n*d = 4000000 entries exceeds the limit of 2000000 (pass ...)
    """
    if force:
        return
    for label, value, limit in (("n", n, MAX_ROWS), ("d", d, MAX_COLS),
                                ("n*d", n * d, MAX_ENTRIES)):
        unit = {"n": "rows", "d": "columns", "n*d": "entries"}[label]
        if value > limit:
            raise TooLargeError(f"{label} = {value} {unit} exceeds the limit of {limit} "
                                "(pass --force to run anyway)")


def check_dynamic_range(X, y, beta, *, force: bool = False) -> None:
    """Refuse data whose nonzero magnitudes span more than :data:`MAX_DYNAMIC_RANGE`, or with
    an entry above :data:`MAX_SOLVE_DIGITS` digits, unless ``force``: the convex program's
    numeric guess is computed in floating point, and its exact results grow with the inputs.

    The comparisons are exact (Fractions); no float is formed.

    >>> check_dynamic_range([["1" * 41 + "/3"]], None, None)
    Traceback (most recent call last):
    ...
    arrangement.errors.TooLargeError: X[0][0] has more than 40 digits in its numerator or ...

    >>> check_dynamic_range([[1, 2]], [3], Fraction(1, 10))
    >>> check_dynamic_range([[2**64, 1]], [1], Fraction(1, 10))
    Traceback (most recent call last):
    ...
    arrangement.errors.TooLargeError: the nonzero magnitudes of X, y and beta span more than ...
    """
    if force:
        return
    named = [(abs(Fraction(v)), f"X[{i}][{j}]") for i, row in enumerate(X)
             for j, v in enumerate(row)]
    named += [(abs(Fraction(v)), f"y[{i}]") for i, v in enumerate(y or ())]
    named += [(abs(Fraction(beta)), "beta")] if beta is not None else []
    named = [t for t in named if t[0]]
    if not named:
        return
    hi = max(named, key=lambda t: t[0])
    lo = min(named, key=lambda t: t[0])
    if hi[0] > lo[0] * MAX_DYNAMIC_RANGE:
        raise TooLargeError(
            f"the nonzero magnitudes of X, y and beta span more than a factor 1e12 (largest "
            f"{hi[1]}, smallest {lo[1]}), beyond what the floating-point guess of the convex "
            "program can resolve: rescale the data, or pass --force to try anyway")
    bound = 10**MAX_SOLVE_DIGITS
    for q, where in named:
        if q.numerator >= bound or q.denominator >= bound:
            raise TooLargeError(
                f"{where} has more than {MAX_SOLVE_DIGITS} digits in its numerator or "
                "denominator: solve and check accept at most that (exact results grow from "
                "the inputs); pass --force to try anyway")


def check_output_entries(entries: int, what: str, *, force: bool = False) -> None:
    """Refuse (:class:`TooLargeError`) an output estimated above :data:`MAX_ENTRIES` numbers.

    >>> check_output_entries(10, "--cones")
    >>> check_output_entries(4 * 2000 * 2000, "--cones")
    Traceback (most recent call last):
    ...
    arrangement.errors.TooLargeError: --cones would print about 16000000 numbers; the limit is ...
    """
    if entries > MAX_ENTRIES and not force:
        raise TooLargeError(f"{what} would print about {entries} numbers; the limit is "
                            f"{MAX_ENTRIES} (pass --force to run anyway)")


def path_text(path: object) -> str:
    r"""A path for a one-line message: as typed when printable, else its ``repr`` (a file name
    may hold a newline).

    >>> print(path_text("data.json"), path_text("a\nb.json"))
    data.json 'a\nb.json'
    """
    text = str(path)
    return text if text.isprintable() else repr(text)
