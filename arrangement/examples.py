"""Built-in instances: small exact data sets with known answers, usable as ``example:NAME``.

Each entry of :data:`EXAMPLES` is an :class:`Example`: a one-line description, a builder returning
the :class:`~arrangement.instances.Instance` (exact integers and Fractions, with ``y`` and
``beta`` so that ``relucvx solve`` runs on it), and where known the oracles the tests use:
``expected_chambers`` (the number of chambers of the arrangement of X) and ``p_star`` (the optimal
value of the squared-loss training problem, from the closed forms of docs/MATH.md section 9).

>>> example_names()
('v1d', 'rank1', 'whitened', 'generic2d', 'degenerate', 'generic20x4')
>>> example("v1d").X[0], example("v1d").beta
((Fraction(-1, 1), Fraction(1, 1)), Fraction(1, 10))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction

from arrangement.errors import InputError
from arrangement.instances import Instance

__all__ = ["EXAMPLES", "Example", "example", "example_info", "example_names"]

F = Fraction


@dataclass(frozen=True)
class Example:
    """A named built-in instance with its description and known answers (None: not known)."""

    name: str
    description: str
    builder: Callable[[], Instance]
    expected_chambers: int | None = None
    p_star: Fraction | None = None


def _v1d() -> Instance:
    # x = (-1, 0, 1) with a bias column: 3 distinct lines through 0 in R^2, so 6 chambers,
    # the 2n prefix/suffix sets of the sorted x
    return Instance(
        X=((-1, 1), (0, 1), (1, 1)), y=(1, 0, 1), beta=F(1, 10), name="v1d"
    )


# rank one X = c a^T with |a| = 1; c has both signs so c+ and c- are both nonzero
_RANK1_A = (F(3, 5), F(4, 5))
_RANK1_C = (2, -1, 3, -2, 1)


def _rank1() -> Instance:
    X = tuple(tuple(c * a for a in _RANK1_A) for c in _RANK1_C)
    return Instance(X=X, y=(1, 2, 2, 1, -1), beta=F(1, 2), name="rank1")


# (1/3)[[1,2,2],[2,1,-2],[2,-2,1]] is orthogonal, so X X^T = I_3 exactly
_WHITENED = ((1, 2, 2), (2, 1, -2), (2, -2, 1))


def _whitened() -> Instance:
    X = tuple(tuple(F(v, 3) for v in row) for row in _WHITENED)
    # |y+| = 5 > beta and |y-| = 1/20 < beta: both branches of g in docs/MATH.md section 9
    return Instance(X=X, y=(3, F(-1, 20), 4), beta=F(1, 10), name="whitened")


def _generic2d() -> Instance:
    # slopes 0, inf, 1, -1, 2, -1/2: no two rows parallel, so 6 lines and 12 chambers
    X = ((1, 0), (0, 1), (1, 1), (1, -1), (1, 2), (2, -1))
    return Instance(X=X, y=(1, -1, 2, 0, 1, -2), beta=F(1, 10), name="generic2d")


def _degenerate() -> Instance:
    X = (
        (1, 2, 0),
        (1, 2, 0),  # duplicate of row 0
        (-1, -2, 0),  # antipodal to row 0
        (F(3, 2), 3, 0),  # positive multiple of row 0, with a fraction
        (0, 0, 0),  # zero row: no hyperplane, always active
        (0, 1, 1),
        (1, 0, -1),
        (1, 1, 1),
    )
    # the 4 distinct planes are in general position in R^3: 2 (1 + 3 + 3) = 14 chambers
    return Instance(X=X, y=(1, 0, -1, 2, 1, -1, 1, 0), beta=F(1, 10), name="degenerate")


# drawn once with random.Random(20), entries in [-9, 9], kept because every 4 rows are linearly
# independent (checked exactly in tests/test_instances.py); hard-coded so the instance does not
# depend on the random module's algorithm
_GENERIC20X4 = (
    (-4, -1, 0, -6), (-9, -8, -3, -3), (3, -7, 9, 2), (0, 5, -8, -5), (3, 8, 3, 3),
    (-1, -9, 5, -7), (9, 6, 1, -2), (-3, 0, 5, 1), (3, -3, -8, 2), (-5, -7, 2, -9),
    (-6, 6, -2, 8), (-5, 0, -9, -5), (2, 2, 7, -5), (-9, -2, 4, 7), (5, -2, 3, 3),
    (8, 0, 7, 0), (-7, 6, -1, 2), (-5, 5, -2, 6), (-5, 2, 1, 8), (-5, 8, -6, -1),
)
_GENERIC20X4_Y = (5, -5, 3, -2, 0, 1, -2, 3, 3, -1, 2, 5, -3, -3, -3, -1, -5, 4, 5, -4)


def _generic20x4() -> Instance:
    return Instance(X=_GENERIC20X4, y=_GENERIC20X4_Y, beta=F(1, 10), name="generic20x4")


EXAMPLES: dict[str, Example] = {
    e.name: e
    for e in (
        Example(
            "v1d",
            "1-D data x = (-1, 0, 1) with a bias column, y = (1, 0, 1), beta = 1/10 "
            "(docs/MATH.md 9: P* = 37/200)",
            _v1d,
            expected_chambers=6,
            p_star=F(37, 200),
        ),
        Example(
            "rank1",
            "rank one X = c a^T, a = (3/5, 4/5), c = (2, -1, 3, -2, 1), beta = 1/2 "
            "(closed form of docs/MATH.md 9)",
            _rank1,
            expected_chambers=2,
            p_star=F(1549, 560),
        ),
        Example(
            "whitened",
            "whitened X X^T = I_3 (a rational orthogonal matrix), y = (3, -1/20, 4), "
            "beta = 1/10 (closed form of docs/MATH.md 9)",
            _whitened,
            expected_chambers=8,
            p_star=F(397, 800),
        ),
        Example(
            "generic2d",
            "6 integer rows in R^2, no two parallel: 12 chambers",
            _generic2d,
            expected_chambers=12,
        ),
        Example(
            "degenerate",
            "d = 3 with duplicate, antipodal, positive-multiple and zero rows: 4 planes, "
            "14 chambers",
            _degenerate,
            expected_chambers=14,
        ),
        Example(
            "generic20x4",
            "20 integer rows in R^4 in general position (entries in [-9, 9]): Cover's count "
            "2320 chambers",
            _generic20x4,
            expected_chambers=2320,
        ),
    )
}


def example_names() -> tuple[str, ...]:
    """The names of the built-in examples, in a fixed order.

    >>> "generic2d" in example_names()
    True
    """
    return tuple(EXAMPLES)


def example_info(name: str) -> Example:
    """The :class:`Example` record (description, known answers) for ``name``.

    >>> example_info("generic2d").expected_chambers
    12
    """
    try:
        return EXAMPLES[name]
    except KeyError:
        raise InputError(
            f"unknown example {name!r} (available: {', '.join(example_names())})"
        ) from None


def example(name: str) -> Instance:
    """Build the built-in instance ``name`` (a fresh, exact :class:`Instance`).

    >>> inst = example("generic20x4")
    >>> inst.n, inst.d, inst.beta
    (20, 4, Fraction(1, 10))
    """
    return example_info(name).builder()
