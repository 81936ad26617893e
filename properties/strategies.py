"""Hypothesis strategies for exact data, networks, convex points and transformations.

Composable in the style of hypothesis's own strategies: every function returns a
``SearchStrategy`` and takes keyword bounds; combine them with ``st.one_of``, ``.map`` and
``.flatmap`` or draw from them inside your own ``@st.composite``. Sizes are drawn *first*, with
small lower bounds, so hypothesis shrinks a failure towards the fewest rows, columns and neurons.

Numbers are exact: matrices are tuples of tuples of :class:`~fractions.Fraction`, instances are
:class:`arrangement.instances.Instance`, networks :class:`exact.network.Network` (rational unless
a strategy says otherwise).

Data (docs/MATH.md §1–§3)

- :func:`generic_matrices` — general position *by construction*: rows on the moment curve
  ``c_j (1, t_j, …, t_j^{d−1})`` with distinct rational ``t_j`` and ``c_j ≠ 0`` (any d of them
  form a scaled Vandermonde matrix, so every ``min(n, d)`` rows are independent, and no two are
  parallel), then mixed ``X → XA`` by an invertible rational A (general position is preserved by
  ``X → XA``). With ``bias=True`` the last column is all ones and A is affine on the rest.
  Bounds: ``n ≤ 6``, ``2 ≤ d ≤ 3``, ``t = p/q`` with ``|p| ≤ 6``, ``q ≤ 3``.
- :func:`integer_matrices` — i.i.d. integers (any degeneracy, by luck); ``n ≤ 6``, ``d ≤ 3``,
  ``|x| ≤ 3``.
- :func:`degenerate_matrices` — degenerate *by construction*: a base matrix plus zero rows,
  duplicates, positive and negative multiples, shuffled; ``n ≤ 3 + 4``, ``d ≤ 3``.
- :func:`low_rank_matrices` — ``X = B·C`` with inner dimension ``r < d``; ``n ≤ 6``,
  ``2 ≤ d ≤ 3``.
- :func:`with_bias` — appends a column of ones to any matrix strategy.
- :func:`rational_matrices` — i.i.d. small rationals, nothing made generic.
- :func:`matrices` — one of the above.
- :func:`targets`, :func:`betas`, :func:`instances` — y, β and whole instances;
  :func:`loss_targets` (class labels for the losses that read labels), :func:`stored_instances`
  (instances as files hold them: wide rationals, y and β optional, free-text notes).
- :func:`filter_strides` — a filter width and a stride that fit an axis (the CNNs of
  docs/cnn.md).
- :func:`cones_and_points` — an integer cone ``{u : Au ≥ 0}`` (possibly no row, dependent,
  zero or opposite rows) and a rational point, for projections onto cones (docs/MATH.md §7).

Networks (docs/MATH.md §1, §5, §6)

- :func:`networks` (arbitrary rational), :func:`scaled_networks` (``‖u_k‖ = |α_k|``, rational:
  directions are rational points of the unit sphere), :func:`split_copies` (a split of a given
  network, rational by default), :func:`mixed_networks` (free, scaled, colinear-copy and zero
  neurons mixed), :func:`minimal_networks` (one scaled neuron strictly inside
  each of a few distinct (chamber, sign) groups), :func:`convex_points` (``W = {(i, s): w}``
  with ``w`` in the closed cone ``C_i``), :func:`relu3_networks` (three-layer networks of
  docs/relu3.md, first layers in the Frobenius ball).

Transformations (docs/MATH.md §6, §8)

- :func:`invertible_matrices`, :func:`orthogonal_matrices` (Cayley transforms, rational),
  :func:`rational_unit_vectors`, :func:`positive_rationals`, ``st.permutations`` for rows;
- :func:`network_transformations`: ``(label, network')`` by permutation, splitting, merging,
  rescaling or zero neurons;
- the pure maps :func:`permute_rows`, :func:`transform_columns`, :func:`scale_data`,
  :func:`scale_targets`, :func:`negate_targets` act on instances.

Integer lists (the arrangement tests, compared with the oracles of tests/oracles.py)

- :func:`int_matrices`, :func:`int_degenerate_matrices`, :func:`int_low_rank_matrices`,
  :func:`moment_curve_matrices` (general position by construction), :func:`small_matrices`
  (one of them), :func:`rows_and_dim` (rows plus d, possibly no row): plain
  ``list[list[int]]``, ``d ≤ 4``.

>>> from hypothesis import given, settings
>>> @settings(max_examples=10, database=None)
... @given(generic_matrices(n_min=3, d_min=2, d_max=2))
... def three_rows_two_columns(X):
...     assert len(X) >= 3 and len(X[0]) == 2
>>> three_rows_two_columns()
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction

from hypothesis import strategies as st

from arrangement.exactla import inverse
from arrangement.instances import Instance

__all__ = [
    "betas",
    "cones_and_points",
    "convex_points",
    "degenerate_matrices",
    "filter_strides",
    "generic_matrices",
    "instances",
    "instances_with_networks",
    "int_degenerate_matrices",
    "int_low_rank_matrices",
    "int_matrices",
    "integer_matrices",
    "invertible_matrices",
    "loss_targets",
    "low_rank_matrices",
    "mat_mul",
    "matrices",
    "minimal_networks",
    "mixed_networks",
    "moment_curve_matrices",
    "negate_targets",
    "network_transformations",
    "networks",
    "orthogonal_matrices",
    "permute_rows",
    "positive_rationals",
    "rational_matrices",
    "rational_unit_near",
    "rational_unit_vectors",
    "rationals",
    "relu3_networks",
    "rows_and_dim",
    "scale_data",
    "scale_targets",
    "scaled_networks",
    "small_matrices",
    "split_copies",
    "stored_instances",
    "targets",
    "transform_columns",
    "with_bias",
]

Matrix = tuple[tuple[Fraction, ...], ...]


# ----------------------------------------------------------------------------- numbers


def rationals(max_num: int = 4, max_den: int = 3, nonzero: bool = False
              ) -> st.SearchStrategy[Fraction]:
    """``p/q`` with ``|p| ≤ max_num``, ``1 ≤ q ≤ max_den`` (shrinks towards 0, or ±1).

    >>> from hypothesis import find
    >>> find(rationals(), lambda v: v < 0)
    Fraction(-1, 1)
    >>> find(rationals(), lambda v: abs(v) > 4)
    Traceback (most recent call last):
    hypothesis.errors.NoSuchExample: No examples found of condition lambda v: abs(v) > 4
    """
    nums = st.integers(-max_num, max_num)
    if nonzero:
        nums = nums.filter(lambda p: p != 0)
    return st.builds(Fraction, nums, st.integers(1, max_den))


def positive_rationals(max_num: int = 9, max_den: int = 4) -> st.SearchStrategy[Fraction]:
    """``p/q > 0`` with ``1 ≤ p ≤ max_num``, ``1 ≤ q ≤ max_den`` (shrinks towards 1).

    >>> from hypothesis import find
    >>> find(positive_rationals(), lambda v: v < 1)
    Fraction(1, 2)
    """
    return st.builds(Fraction, st.integers(1, max_num), st.integers(1, max_den))


def mat_mul(A: Sequence[Sequence[Fraction | int]], B: Sequence[Sequence[Fraction | int]]
            ) -> Matrix:
    """Exact matrix product of two lists of rows.

    >>> mat_mul([[1, 2]], [[3], [4]])
    ((Fraction(11, 1),),)
    """
    return tuple(tuple(sum((Fraction(a) * Fraction(B[k][j]) for k, a in enumerate(row)),
                           Fraction(0)) for j in range(len(B[0]))) for row in A)


def _frac_matrix(rows: Sequence[Sequence[int | Fraction]]) -> Matrix:
    return tuple(tuple(Fraction(v) for v in r) for r in rows)


# ----------------------------------------------------------------------------- transformations


@st.composite
def invertible_matrices(draw, d: int, max_abs: int = 2, rational: bool = True) -> Matrix:
    """An invertible ``d × d`` matrix ``P·L·U`` (permutation, unit lower, upper triangular with
    nonzero diagonal): ``det = ±Π U_kk ≠ 0`` by construction. Shrinks towards the identity.

    >>> from hypothesis import find
    >>> find(invertible_matrices(2), lambda A: True)  # shrinks towards the identity
    ((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)))
    """
    den = st.integers(1, 3) if rational else st.just(1)

    def entry(nonzero: bool = False) -> Fraction:
        if nonzero:
            p = draw(st.integers(1, max_abs)) * draw(st.sampled_from([1, -1]))
        else:
            p = draw(st.integers(-max_abs, max_abs))
        return Fraction(p, draw(den))

    L = [[Fraction(int(i == j)) if i <= j else entry() for j in range(d)] for i in range(d)]
    U = [[entry(nonzero=True) if i == j else (entry() if i < j else Fraction(0))
          for j in range(d)] for i in range(d)]
    perm = draw(st.permutations(range(d)))
    LU = mat_mul(L, U)
    return tuple(LU[perm[i]] for i in range(d))


@st.composite
def orthogonal_matrices(draw, d: int, max_num: int = 3, max_den: int = 3) -> Matrix:
    """A rational orthogonal ``d × d`` matrix: the Cayley transform ``(I − S)(I + S)⁻¹`` of a
    rational skew-symmetric S (``I + S`` is always invertible), times a diagonal of ±1.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(orthogonal_matrices(2))
    ... def orthogonal(Q):
    ...     assert mat_mul(Q, tuple(zip(*Q))) == ((1, 0), (0, 1))
    >>> orthogonal()
    """
    S = [[Fraction(0)] * d for _ in range(d)]
    for i in range(d):
        for j in range(i + 1, d):
            v = draw(rationals(max_num, max_den))
            S[i][j], S[j][i] = v, -v
    eye = [[Fraction(int(i == j)) for j in range(d)] for i in range(d)]
    minus = [[eye[i][j] - S[i][j] for j in range(d)] for i in range(d)]
    plus = [[eye[i][j] + S[i][j] for j in range(d)] for i in range(d)]
    Q = mat_mul(minus, tuple(map(tuple, inverse(plus))))
    signs = [draw(st.sampled_from([1, -1])) for _ in range(d)]
    return tuple(tuple(Q[i][j] * signs[j] for j in range(d)) for i in range(d))


@st.composite
def rational_unit_vectors(draw, k: int, max_num: int = 4, max_den: int = 3
                          ) -> tuple[Fraction, ...]:
    """A rational point of the unit sphere in ``Q^k`` (inverse stereographic projection of a
    rational ``t ∈ Q^{k−1}``: ``((2t, |t|² − 1) / (|t|² + 1))``), up to a sign.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(rational_unit_vectors(3))
    ... def unit(e):
    ...     assert sum(v * v for v in e) == 1
    >>> unit()
    """
    if k == 1:
        return (Fraction(draw(st.sampled_from([1, -1]))),)
    t = [draw(rationals(max_num, max_den)) for _ in range(k - 1)]
    n2 = sum(v * v for v in t)
    e = tuple(2 * v / (n2 + 1) for v in t) + ((n2 - 1) / (n2 + 1),)
    if draw(st.booleans()):
        e = tuple(-v for v in e)
    return e


def rational_unit_near(w: Sequence[int | Fraction], X: Sequence[Sequence[Fraction]],
                       signs: Sequence[int]) -> tuple[Fraction, ...]:
    """A rational unit vector e with ``sign(X e) = signs`` on the rows where ``signs ≠ 0``,
    close to the direction of ``w`` (which must satisfy those strict signs).

    Rational points are dense on the sphere: approximate the stereographic coordinates of
    ``w/‖w‖`` with growing denominators until the exact signs agree. A zero ``w`` (the witness
    of the only chamber of an all-zero X, where every sign is 0) gives the first basis vector.

    >>> rational_unit_near((1, 1), [[1, 0], [0, 1]], (1, 1))
    (Fraction(3, 5), Fraction(4, 5))
    >>> rational_unit_near((0, 0), [[0, 0]], (0,))
    (Fraction(1, 1), Fraction(0, 1))
    """
    k = len(w)
    big = max((abs(Fraction(v)) for v in w), default=Fraction(0))
    if big == 0:
        if any(signs):
            raise ValueError("w = 0 cannot satisfy strict signs")
        return (Fraction(1),) + (Fraction(0),) * (k - 1)
    wf = [float(Fraction(v) / big) for v in w]  # scaled first: huge integers overflow a float
    nrm = math.sqrt(sum(v * v for v in wf))
    if k == 1:
        return (Fraction(1 if wf[0] > 0 else -1),)
    v = [a / nrm for a in wf]
    south = v[-1] >= 0  # project from the pole farther away: denominator ≥ 1
    for den in (4, 16, 64, 256, 4096, 10**6, 10**9, 10**12):
        if south:
            t = [Fraction(a / (1 + v[-1])).limit_denominator(den) for a in v[:-1]]
        else:
            t = [Fraction(a / (1 - v[-1])).limit_denominator(den) for a in v[:-1]]
        n2 = sum((a * a for a in t), Fraction(0))
        last = (1 - n2) / (1 + n2) if south else (n2 - 1) / (n2 + 1)
        e = tuple(2 * a / (1 + n2) for a in t) + (last,)
        if all(s == 0 or s * sum((Fraction(x) * y for x, y in zip(row, e)), Fraction(0)) > 0
               for row, s in zip(X, signs)):
            return e
    raise ArithmeticError("no rational unit vector found near w")  # pragma: no cover


# ----------------------------------------------------------------------------- data


@st.composite
def generic_matrices(draw, n_min: int = 1, n_max: int = 6, d_min: int = 2, d_max: int = 3,
                     mix: bool = True, bias: bool = False, t_num: int = 6, t_den: int = 3
                     ) -> Matrix:
    """Data in general position by construction (module docstring); ``2 ≤ d``.

    Without bias: rows ``c_j (1, t_j, …, t_j^{d−1})``, ``c_j ∈ {±1, ±2, ±1/2}``, then ``XA``.
    With bias: rows ``(t_j, …, t_j^{d−1}, 1)`` mixed by ``[[A', 0], [b, 1]]``, which keeps the
    last column at 1 (an affine change of the features). Needs ``n_max ≤ 2·t_num·t_den + 1``.

    >>> from arrangement.counts import is_general_position
    >>> from arrangement.rational import primitive_integer_row
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(generic_matrices(n_min=4))
    ... def generic(X):
    ...     assert is_general_position([primitive_integer_row(r) for r in X])
    >>> generic()
    """
    n = draw(st.integers(n_min, n_max))
    d = draw(st.integers(max(d_min, 2), max(d_max, 2)))
    ts = draw(st.lists(rationals(t_num, t_den), min_size=n, max_size=n,
                       unique=True))
    if bias:
        rows = [tuple(t**k for k in range(1, d)) + (Fraction(1),) for t in ts]
        if mix:
            A1 = draw(invertible_matrices(d - 1))
            b = [draw(rationals(2, 2)) for _ in range(d - 1)]
            A = [list(r) + [Fraction(0)] for r in A1] + [b + [Fraction(1)]]
            return mat_mul(rows, A)
        return _frac_matrix(rows)
    scales = st.sampled_from([Fraction(1), Fraction(-1), Fraction(2), Fraction(-2),
                              Fraction(1, 2), Fraction(-1, 2)])
    rows = []
    for t in ts:
        c = draw(scales)
        rows.append(tuple(c * t**k for k in range(d)))
    if mix:
        return mat_mul(rows, draw(invertible_matrices(d)))
    return _frac_matrix(rows)


@st.composite
def integer_matrices(draw, n_min: int = 1, n_max: int = 6, d_min: int = 1, d_max: int = 3,
                     max_abs: int = 3, nonzero_rows: bool = False) -> Matrix:
    """An ``n × d`` integer matrix with i.i.d. entries in ``[−max_abs, max_abs]``; with
    ``nonzero_rows`` no row is zero (repeated and parallel rows still occur).

    >>> from hypothesis import find
    >>> find(integer_matrices(), lambda X: len(X) >= 2)
    ((Fraction(0, 1),), (Fraction(0, 1),))
    >>> find(integer_matrices(d_min=2, nonzero_rows=True), lambda X: True)
    ((Fraction(0, 1), Fraction(1, 1)),)
    """
    n = draw(st.integers(n_min, n_max))
    d = draw(st.integers(d_min, d_max))
    e = st.integers(-max_abs, max_abs)
    row = st.lists(e, min_size=d, max_size=d)
    if nonzero_rows:
        row = row.filter(any)
    return _frac_matrix([draw(row) for _ in range(n)])


@st.composite
def low_rank_matrices(draw, n_min: int = 2, n_max: int = 6, d_min: int = 2, d_max: int = 3,
                      max_abs: int = 2) -> Matrix:
    """``X = B·C`` with B ``n × r``, C ``r × d`` and ``1 ≤ r < d``: rank ≤ r, ``ker X ≠ 0``.

    >>> from hypothesis import find
    >>> find(low_rank_matrices(), lambda X: any(v != 0 for r in X for v in r))
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1)))
    """
    d = draw(st.integers(max(d_min, 2), max(d_max, 2)))
    r = draw(st.integers(1, d - 1))
    n = draw(st.integers(n_min, n_max))
    e = st.integers(-max_abs, max_abs)
    B = [draw(st.lists(e, min_size=r, max_size=r)) for _ in range(n)]
    C = [draw(st.lists(e, min_size=d, max_size=d)) for _ in range(r)]
    return mat_mul(B, C)


@st.composite
def degenerate_matrices(draw, base_n_max: int = 3, extra_max: int = 4, d_min: int = 1,
                        d_max: int = 3, max_abs: int = 3) -> Matrix:
    """A base matrix with degenerate rows appended, shuffled: zero rows, exact duplicates,
    positive multiples ``c·x`` and negative multiples ``−c·x`` (``c ∈ {1/2, 1, 2, 3}``), and
    optionally a rank-deficient base (``B·C``). ``n ≤ base_n_max + extra_max``.

    >>> from hypothesis import find
    >>> X = find(degenerate_matrices(extra_max=2), lambda X: len(X) == 3)
    >>> len(X), len({tuple(r) for r in X}) < 3 or any(not any(r) for r in X)
    (3, True)
    """
    if d_max >= 2 and draw(st.booleans()):
        base = draw(low_rank_matrices(n_min=1, n_max=base_n_max, d_min=max(d_min, 2),
                                      d_max=d_max))
    else:
        base = draw(integer_matrices(n_min=1, n_max=base_n_max, d_min=d_min, d_max=d_max,
                                     max_abs=max_abs))
    d = len(base[0])
    rows = list(base)
    factors = st.sampled_from([Fraction(1), Fraction(2), Fraction(1, 2), Fraction(3)])
    for _ in range(draw(st.integers(0, extra_max))):
        kind = draw(st.sampled_from(["zero", "dup", "pos", "neg"]))
        src = base[draw(st.integers(0, len(base) - 1))]
        if kind == "zero":
            rows.append(tuple(Fraction(0) for _ in range(d)))
        elif kind == "dup":
            rows.append(src)
        else:
            c = draw(factors) * (1 if kind == "pos" else -1)
            rows.append(tuple(c * v for v in src))
    return tuple(draw(st.permutations(rows)))


def with_bias(matrix_strategy: st.SearchStrategy[Matrix]) -> st.SearchStrategy[Matrix]:
    """Append a column of ones (the bias input) to every matrix the strategy draws.

    >>> from hypothesis import find
    >>> find(with_bias(integer_matrices(d_max=1)), lambda X: True)
    ((Fraction(0, 1), Fraction(1, 1)),)
    """
    return matrix_strategy.map(lambda X: tuple(tuple(r) + (Fraction(1),) for r in X))


def matrices(n_max: int = 6, d_max: int = 3) -> st.SearchStrategy[Matrix]:
    """Any of the data strategies: generic (plain, with bias), integer, low-rank, degenerate.

    >>> from hypothesis import find
    >>> X = find(matrices(n_max=4), lambda X: len(X) >= 4)
    >>> len(X), len({len(row) for row in X})  # four rows of one width (which one may vary)
    (4, 1)
    """
    return st.one_of(
        generic_matrices(n_max=n_max, d_max=max(2, d_max)),
        generic_matrices(n_max=n_max, d_max=max(2, d_max), bias=True),
        integer_matrices(n_max=n_max, d_max=d_max),
        low_rank_matrices(n_max=max(2, n_max), d_max=max(2, d_max)),
        degenerate_matrices(base_n_max=min(3, n_max), extra_max=max(0, n_max - 3),
                            d_max=d_max),
        with_bias(integer_matrices(n_max=n_max, d_max=max(1, d_max - 1))),
    )


def targets(n: int, max_num: int = 3, max_den: int = 2) -> st.SearchStrategy[tuple]:
    """A target vector ``y ∈ Q^n`` (shrinks towards 0).

    >>> from hypothesis import find
    >>> find(targets(3), lambda y: True)
    (Fraction(0, 1), Fraction(0, 1), Fraction(0, 1))
    """
    return st.tuples(*[rationals(max_num, max_den) for _ in range(n)])


def betas() -> st.SearchStrategy[Fraction]:
    """A regularisation ``β > 0``: a few typical values first, then any ``p/q``.

    >>> from hypothesis import find
    >>> find(betas(), lambda b: b > 2)
    Fraction(3, 1)
    """
    return st.one_of(st.sampled_from([Fraction(1, 2), Fraction(1, 10), Fraction(1), Fraction(2)]),
                     positive_rationals(4, 10))


@st.composite
def instances(draw, matrices_strategy: st.SearchStrategy[Matrix] | None = None,
              with_targets: bool = True, with_beta: bool = True,
              targets_for: Callable[[int], st.SearchStrategy] | None = None,
              beta_strategy: st.SearchStrategy | None = None, name: str = "fuzz",
              notes: st.SearchStrategy[tuple[str, ...]] | None = None) -> Instance:
    """An :class:`Instance` with data from ``matrices_strategy`` (default :func:`matrices`),
    targets and β.

    The targets of n rows are drawn from ``targets_for(n)`` (default :func:`targets`), β from
    ``beta_strategy`` (default :func:`betas`); either may draw ``None`` (no targets, no β), and
    ``with_targets=False`` / ``with_beta=False`` leave them out. ``notes`` draws the free-text
    notes.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(instances())
    ... def consistent(inst):
    ...     assert inst.n == len(inst.y) and inst.beta > 0
    >>> consistent()
    >>> from hypothesis import find
    >>> find(instances(integer_matrices(d_max=1), targets_for=lambda n: loss_targets("hinge", n),
    ...                beta_strategy=st.just(Fraction(1, 10))), lambda inst: inst.n == 2).y
    (Fraction(-1, 1), Fraction(-1, 1))
    """
    X = draw(matrices_strategy if matrices_strategy is not None else matrices())
    y = beta = None
    if with_targets:
        y = draw(targets_for(len(X)) if targets_for is not None else targets(len(X)))
    if with_beta:
        beta = draw(beta_strategy if beta_strategy is not None else betas())
    extra = draw(notes) if notes is not None else ()
    return Instance(X, y, beta, name=name, notes=extra)


def loss_targets(loss: str, n: int, entries: st.SearchStrategy[Fraction] | None = None,
                 labels: Sequence[int] | None = None) -> st.SearchStrategy[tuple]:
    """Targets of ``n`` points for a loss of the registry (:mod:`exact.losses`): class labels
    where the loss reads labels (its ``labels``; ``labels=`` narrows them, e.g. to ``(-1, 1)``),
    else ``n`` draws of ``entries`` (default :func:`rationals` ``(3, 2)``).

    >>> from hypothesis import find
    >>> find(loss_targets("squared_hinge", 3), lambda y: sum(y) == 1)
    (Fraction(-1, 1), Fraction(1, 1), Fraction(1, 1))
    >>> find(loss_targets("absolute", 2), lambda y: True)
    (Fraction(0, 1), Fraction(0, 1))
    """
    from exact.losses import get_loss

    allowed = get_loss(loss).labels
    if allowed is not None:
        allowed = tuple(v for v in allowed if labels is None or v in labels)
        one = st.sampled_from(sorted(Fraction(v) for v in allowed))
        return st.tuples(*[one for _ in range(n)])
    entry = entries if entries is not None else rationals(3, 2)
    return st.tuples(*[entry for _ in range(n)])


def stored_instances(n_max: int = 5, d_max: int = 4, max_den: int = 1000,
                     max_abs: int = 10**6) -> st.SearchStrategy[Instance]:
    """Instances as a data file may hold them, for round trips through files: entries any
    ``p/q`` with ``q ≤ max_den`` and ``|p/q| < max_abs`` (zero, repeated and parallel rows
    included), targets and β each present or absent, the name ``"h"`` and up to two notes of
    any Unicode text.

    >>> from hypothesis import find
    >>> inst = find(stored_instances(), lambda i: i.y is not None and i.beta is not None)
    >>> inst.X, inst.y, inst.beta, inst.notes
    (((Fraction(0, 1),),), (Fraction(0, 1),), Fraction(1, 1), ())
    """
    wide = st.fractions(max_denominator=max_den).filter(lambda q: abs(q) < max_abs)
    return instances(rational_matrices(n_max=n_max, d_max=d_max, entries=wide),
                     targets_for=lambda n: st.none() | st.tuples(*[wide for _ in range(n)]),
                     beta_strategy=st.none() | wide.filter(lambda q: q > 0), name="h",
                     notes=st.lists(st.text(), max_size=2).map(tuple))


@st.composite
def cones_and_points(draw, d_min: int = 1, d_max: int = 4, m_max: int = 5, max_abs: int = 3,
                     extra_max: int = 2, point: st.SearchStrategy[Fraction] | None = None
                     ) -> tuple[list[tuple[int, ...]], tuple[Fraction, ...]]:
    """``(A, g)``: the rows of a polyhedral cone ``{u : Au ≥ 0}`` in ``Z^d`` and a rational
    point g of ``Q^d`` (entries of ``point``, default ``p/q`` in ``[−5, 5]`` with ``q ≤ 4``).

    ``0 ≤ m ≤ m_max`` i.i.d. rows with entries in ``[−max_abs, max_abs]`` (no row: the whole
    space), then up to ``extra_max`` degenerate rows made on purpose, shuffled in: a zero row,
    a duplicate, a positive multiple or the opposite of a drawn row (a cone with a lineality
    space).

    >>> from hypothesis import find
    >>> A, x = find(cones_and_points(), lambda c: len(c[0]) == 2
    ...             and c[0][0] == tuple(-a for a in c[0][1]) and any(c[0][0]))
    >>> sorted(A), x  # a line's two half-spaces, in the order the shrinker leaves them
    ([(-1,), (1,)], (Fraction(0, 1),))
    """
    d = draw(st.integers(d_min, d_max))
    m = draw(st.integers(0, m_max))
    e = st.integers(-max_abs, max_abs)
    rows = [tuple(draw(st.lists(e, min_size=d, max_size=d))) for _ in range(m)]
    base = list(rows)
    for _ in range(draw(st.integers(0, extra_max)) if base else 0):
        src = base[draw(st.integers(0, len(base) - 1))]
        c = draw(st.sampled_from([0, 1, 2, -1]))
        rows.insert(draw(st.integers(0, len(rows))), tuple(c * v for v in src))
    entry = point if point is not None else st.fractions(min_value=-5, max_value=5,
                                                         max_denominator=4)
    return rows, tuple(Fraction(draw(entry)) for _ in range(d))


@st.composite
def relu3_networks(draw, d: int = 2, width: int = 2, k_max: int = 3, max_out: int = 2):
    """A three-layer network of docs/relu3.md §1 (:class:`exact.relu3.Relu3Network`):
    ``1 ≤ K ≤ k_max`` sub-networks, each a first layer of ``width`` rows of entries ``p/10``
    (``|p| ≤ 9``; scaled into the Frobenius ball ``‖W1‖_F ≤ 1/2`` exactly when it leaves the unit
    ball), a second layer and an output weight of entries ``p/10`` with ``|p| ≤ 10·max_out``.

    >>> from hypothesis import find
    >>> net = find(relu3_networks(), lambda n: len(n.W1) == 2)
    >>> len(net.W1), all(sum(v * v for u in W for v in u) <= 1 for W in net.W1)
    (2, True)
    """
    from exact.relu3 import Relu3Network, sqrt_up

    tenths = st.integers(-9, 9).map(lambda p: Fraction(p, 10))
    outs = st.integers(-10 * max_out, 10 * max_out).map(lambda p: Fraction(p, 10))
    W1, w2, w3 = [], [], []
    for _k in range(draw(st.integers(1, k_max))):
        W = tuple(tuple(draw(tenths) for _ in range(d)) for _ in range(width))
        nrm = sum(v * v for u in W for v in u)
        if nrm > 1:
            W = tuple(tuple(v / (2 * sqrt_up(nrm)) for v in u) for u in W)
        W1.append(W)
        w2.append(tuple(draw(outs) for _ in range(width)))
        w3.append(draw(outs))
    return Relu3Network(tuple(W1), tuple(w2), tuple(w3))


@st.composite
def filter_strides(draw, length: int) -> tuple[int, int]:
    """``(h, stride)`` of a convolution filter along an axis of ``length`` samples
    (docs/cnn.md): ``1 ≤ h ≤ length`` and a stride that divides ``length − h``, so that the
    windows cover every sample; shrinks towards ``h = 1``, stride 1.

    >>> from hypothesis import find
    >>> find(filter_strides(5), lambda hs: hs[1] > 1)
    (1, 2)
    """
    h = draw(st.integers(1, length))
    stride = draw(st.sampled_from([s for s in range(1, length - h + 2)
                                   if (length - h) % s == 0]))
    return h, stride


# ----------------------------------------------------------------------------- networks


@st.composite
def networks(draw, d: int, width_min: int = 0, width_max: int = 4, max_num: int = 3,
             max_den: int = 2):
    """An arbitrary rational network of input dimension d (zero neurons allowed).

    >>> from hypothesis import find
    >>> find(networks(2, width_min=1), lambda net: True).dim
    2
    """
    from exact.network import Network, Neuron

    m = draw(st.integers(width_min, width_max))
    out = []
    for _ in range(m):
        u = tuple(draw(rationals(max_num, max_den)) for _ in range(d))
        out.append(Neuron(u, draw(rationals(max_num, max_den))))
    return Network(tuple(out))


@st.composite
def scaled_networks(draw, d: int, width_min: int = 0, width_max: int = 4):
    """A rational *scaled* network (``‖u_k‖ = |α_k|``): ``u = r e``, ``α = ±r`` with e a rational
    unit vector and ``r > 0`` rational.

    >>> from exact.transforms import is_scaled
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(scaled_networks(3, width_min=1))
    ... def scaled(net):
    ...     assert is_scaled(net)
    >>> scaled()
    """
    from exact.network import Network, Neuron

    m = draw(st.integers(width_min, width_max))
    out = []
    for _ in range(m):
        e = draw(rational_unit_vectors(d))
        r = draw(positive_rationals(3, 2))
        out.append(Neuron(tuple(r * v for v in e), r * draw(st.sampled_from([1, -1]))))
    return Network(tuple(out))


@st.composite
def rational_matrices(draw, n_min: int = 1, n_max: int = 5, d_min: int = 1, d_max: int = 3,
                      max_num: int = 4, max_den: int = 3,
                      entries: st.SearchStrategy[Fraction] | None = None) -> Matrix:
    """An arbitrary rational ``n × d`` matrix of :func:`rationals` entries (or of ``entries``):
    zero rows, repeated and parallel rows all occur (nothing is made generic).

    >>> from hypothesis import find
    >>> find(rational_matrices(n_min=2, d_min=2), lambda X: True)
    ((Fraction(0, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(0, 1)))
    """
    n = draw(st.integers(n_min, n_max))
    d = draw(st.integers(d_min, d_max))
    entry = entries if entries is not None else rationals(max_num, max_den)
    return tuple(tuple(Fraction(draw(entry)) for _ in range(d)) for _ in range(n))


@st.composite
def mixed_networks(draw, d: int, width_min: int = 0, width_max: int = 4,
                   kinds: Sequence[str] = ("free", "scaled", "copy", "zero")):
    """A rational network whose neurons are each of one of ``kinds``: ``free`` (any rational
    ``(u, α)``), ``scaled`` (``(r e, ±r)`` with e a rational unit vector), ``copy`` (a positive
    multiple ``(c u, c α)`` of an earlier neuron, so that merges apply) and ``zero``.

    >>> from hypothesis import find
    >>> net = find(mixed_networks(2, width_min=2, kinds=("free", "copy")),
    ...            lambda n: n.neurons[1].alpha == 2 * n.neurons[0].alpha != 0)
    >>> net.neurons[1].u == tuple(2 * t for t in net.neurons[0].u)
    True
    """
    from exact.network import Network, Neuron

    neurons: list = []
    for _ in range(draw(st.integers(width_min, width_max))):
        kind = draw(st.sampled_from(list(kinds)))
        if kind == "copy" and neurons:
            base = draw(st.sampled_from(neurons))
            c = draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2)]))
            neurons.append(Neuron(tuple(c * t for t in base.u), c * base.alpha))
        elif kind == "scaled":
            e = draw(rational_unit_vectors(d))
            r = draw(positive_rationals(5, 3))
            neurons.append(Neuron(tuple(r * t for t in e), draw(st.sampled_from([1, -1])) * r))
        elif kind == "zero":
            neurons.append(Neuron((Fraction(0),) * d, Fraction(0)))
        else:
            neurons.append(Neuron(tuple(draw(rationals()) for _ in range(d)), draw(rationals())))
    return Network(tuple(neurons))


@st.composite
def split_copies(draw, net, rational: bool = True, max_parts: int = 3):
    """A split of ``net`` (docs/MATH.md §6): some neurons replaced by ``(√γ_t u, √γ_t α)``,
    ``Σγ_t = 1``, then permuted. With ``rational`` the ``√γ_t`` are the entries of a rational
    unit vector, so the copy stays rational.

    >>> from exact.network import Network
    >>> net = Network.from_lists([((3, 4), 5)])
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(split_copies(net))
    ... def same_squared_weight(split):  # Σ (√γ_t α)² = α²
    ...     assert sum(n.alpha ** 2 for n in split.neurons) == 25
    >>> same_squared_weight()
    """
    from exact.network import Network, Neuron

    out = []
    for nr in net.neurons:
        parts = draw(st.integers(1, max_parts))
        if parts == 1:
            out.append(nr)
            continue
        if rational:
            roots = [abs(v) for v in draw(rational_unit_vectors(parts))]
        else:
            from exact.network import exact_sqrt

            ws = [draw(st.integers(0, 3)) for _ in range(parts)]
            if sum(ws) == 0:
                ws[0] = 1
            roots = [exact_sqrt(Fraction(w, sum(ws))) for w in ws]
        from exact.network import mul

        out += [Neuron(tuple(mul(r, t) for t in nr.u), mul(r, nr.alpha)) for r in roots]
    perm = draw(st.permutations(range(len(out))))
    return Network(tuple(out[k] for k in perm))


@st.composite
def convex_points(draw, arrangement, max_groups: int = 4, boundary: bool = True,
                  free: bool = False):
    """A rational convex point ``W = {(i, s): w}`` with ``w ∈ C_i`` (docs/MATH.md §4): a positive
    multiple of chamber i's interior witness, or (``boundary``) a nonnegative combination of
    the cone's rays plus a lineality vector, which may lie on the cone's boundary.

    With ``free``, each draw is instead any ``w`` of :func:`rationals` ``(4, 3)`` entries (zero
    included), put into one of the closed cones that contain it (the chambers whose signs agree
    with ``sign(Xw)`` where it is nonzero, decided here in Fractions) and added to what that
    group already holds: zero vectors, points on several cones' boundaries and sums stay in.

    >>> from arrangement.core import Arrangement
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(convex_points(Arrangement([[1, 0], [0, 1]])))
    ... def signed_groups(W):
    ...     assert all(s in (1, -1) for _, s in W)
    >>> signed_groups()
    >>> from hypothesis import find
    >>> find(convex_points(Arrangement([[1, 0], [0, 1]]), free=True),
    ...      lambda W: any(not any(w) for w in W.values()))
    {(0, 1): (Fraction(0, 1), Fraction(0, 1))}
    """
    ch = arrangement.chambers()
    k = draw(st.integers(0, max_groups))
    W: dict = {}
    if free:
        X = arrangement.X
        for _ in range(k):
            u = tuple(draw(rationals(4, 3)) for _ in range(arrangement.d))
            xu = [sum((a * b for a, b in zip(x, u)), Fraction(0)) for x in X]
            cones = [c.index for c in ch
                     if all(sg * v >= 0 for sg, v in zip(c.signs, xu))]
            key = (draw(st.sampled_from(cones)), draw(st.sampled_from([1, -1])))
            held = W.get(key, (Fraction(0),) * arrangement.d)
            W[key] = tuple(a + b for a, b in zip(held, u))  # C_i is a convex cone
        return W
    for _ in range(k):
        i = draw(st.integers(0, len(ch) - 1))
        s = draw(st.sampled_from([1, -1]))
        if boundary and draw(st.booleans()):
            rays, lin = arrangement.cone_generators(i)
            w = [Fraction(0)] * arrangement.d
            for r in rays:
                c = draw(st.sampled_from([Fraction(0), Fraction(1), Fraction(1, 2), Fraction(2)]))
                w = [a + c * b for a, b in zip(w, r)]
            for r in lin:
                c = draw(rationals(2, 2))
                w = [a + c * b for a, b in zip(w, r)]
        else:
            c = draw(positive_rationals(3, 3))
            w = [c * v for v in ch[i].witness]
        if any(w):
            W[(i, s)] = tuple(w)
    return W


@st.composite
def minimal_networks(draw, arrangement, max_width: int = 4):
    """A rational minimal network (docs/MATH.md §6): distinct (chamber, sign) groups, one scaled
    neuron ``(r e, ±r)`` strictly inside each chamber (so no other closed cone holds it).

    >>> from arrangement.core import Arrangement
    >>> from exact.transforms import is_minimal
    >>> arr = Arrangement([[1, 0], [0, 1], [1, 1]])
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(minimal_networks(arr))
    ... def minimal(net):
    ...     assert is_minimal(net, arr.X, arr.chambers())
    >>> minimal()
    """
    from exact.network import Network, Neuron

    ch = arrangement.chambers()
    groups = [(i, s) for i in range(len(ch)) for s in (1, -1)]
    chosen = draw(st.lists(st.sampled_from(groups), max_size=max_width, unique=True))
    out = []
    for i, s in chosen:
        e = rational_unit_near(ch[i].witness, arrangement.X, ch[i].signs)
        r = draw(positive_rationals(3, 2))
        out.append(Neuron(tuple(r * v for v in e), s * r))
    return Network(tuple(out))


@st.composite
def network_transformations(draw, net):
    """``(label, net')`` with ``net'`` computing the same function as ``net`` (docs/MATH.md §6):
    a permutation, a split, a merge, a positive rescaling or added zero neurons. Splits and
    merges keep the penalty as well; rescaling changes it.

    >>> from exact.network import Network
    >>> from hypothesis import find
    >>> net = Network.from_lists([((1, 1), 2)])
    >>> sorted({find(network_transformations(net), lambda t, k=k: t[0] == k)[0]
    ...         for k in ("permute", "split", "merge", "rescale", "zero")})
    ['merge', 'permute', 'rescale', 'split', 'zero']
    """
    from exact import transforms

    kinds = ["permute", "split", "merge", "zero"] + (["rescale"] if net.width else [])
    kind = draw(st.sampled_from(kinds))
    if kind == "permute":
        return kind, transforms.permute(net, draw(st.permutations(range(net.width))))
    if kind == "split":
        return kind, draw(split_copies(net))
    if kind == "merge":
        return kind, transforms.merge(net)
    if kind == "zero":
        if not net.width:
            return "permute", net
        return kind, transforms.add_zero(net, draw(st.integers(1, 2)))
    k = draw(st.integers(0, net.width - 1))
    return kind, transforms.rescale(net, k, draw(positive_rationals(4, 4)))


# ----------------------------------------------------------------------------- data maps


def permute_rows(inst: Instance, perm: Sequence[int]) -> Instance:
    """Rows (and targets) of ``inst`` in the order ``perm``.

    >>> permute_rows(Instance([[1], [2]], y=[3, 4]), [1, 0]).y
    (Fraction(4, 1), Fraction(3, 1))
    """
    y = None if inst.y is None else tuple(inst.y[k] for k in perm)
    return Instance(tuple(inst.X[k] for k in perm), y, inst.beta, inst.name)


def transform_columns(inst: Instance, A: Sequence[Sequence[Fraction]]) -> Instance:
    """``X → XA``.

    >>> transform_columns(Instance([[1, 2]]), [[0, 1], [1, 0]]).X
    ((Fraction(2, 1), Fraction(1, 1)),)
    """
    return Instance(mat_mul(inst.X, A), inst.y, inst.beta, inst.name)


def scale_data(inst: Instance, c: Fraction, beta_too: bool = False) -> Instance:
    """``X → cX`` (and ``β → β/c`` when ``beta_too``; docs/MATH.md §8).

    >>> scale_data(Instance([[1, 2]], y=[1], beta=1), Fraction(2), beta_too=True).beta
    Fraction(1, 2)
    """
    beta = inst.beta / c if (beta_too and inst.beta is not None) else inst.beta
    return Instance(tuple(tuple(c * v for v in r) for r in inst.X), inst.y, beta, inst.name)


def scale_targets(inst: Instance, c: Fraction) -> Instance:
    """``(y, β) → (cy, cβ)`` (docs/MATH.md §8: ``P*`` is multiplied by ``c²``).

    >>> scale_targets(Instance([[1]], y=[1], beta=1), Fraction(3)).y
    (Fraction(3, 1),)
    """
    if inst.y is None or inst.beta is None:
        raise ValueError("scale_targets needs an instance with targets and a beta")
    return Instance(inst.X, tuple(c * v for v in inst.y), c * inst.beta, inst.name)


def negate_targets(inst: Instance) -> Instance:
    """``y → −y``.

    >>> negate_targets(Instance([[1]], y=[2], beta=1)).y
    (Fraction(-2, 1),)
    """
    if inst.y is None:
        raise ValueError("negate_targets needs an instance with targets")
    return Instance(inst.X, tuple(-v for v in inst.y), inst.beta, inst.name)


@st.composite
def instances_with_networks(draw, kinds: Sequence[str] = ("arbitrary", "scaled", "split",
                                                          "minimal"),
                            matrices_strategy: st.SearchStrategy[Matrix] | None = None,
                            width_max: int = 4):
    """``(instance, network)``: data with targets and β, and a rational network of the data's
    dimension, of one of the ``kinds``: ``arbitrary`` (:func:`networks`), ``scaled``
    (:func:`scaled_networks`), ``split`` (a :func:`split_copies` of a scaled network, so some
    neurons are positively colinear) or ``minimal`` (:func:`minimal_networks`).
    Bounds: ``n ≤ 5``, ``d ≤ 3``, width ``≤ width_max`` (``≤ 3·width_max`` for splits).

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(instances_with_networks())
    ... def same_dimension(pair):
    ...     inst, net = pair
    ...     assert net.width == 0 or net.dim == inst.d
    >>> same_dimension()
    """
    inst = draw(instances(matrices_strategy if matrices_strategy is not None
                          else matrices(n_max=5, d_max=3)))
    kind = draw(st.sampled_from(list(kinds)))
    if kind == "arbitrary":
        net = draw(networks(inst.d, width_max=width_max))
    elif kind == "scaled":
        net = draw(scaled_networks(inst.d, width_max=width_max))
    elif kind == "split":
        net = draw(split_copies(draw(scaled_networks(inst.d, width_max=width_max))))
    else:
        from arrangement.core import Arrangement

        net = draw(minimal_networks(Arrangement(inst.X), max_width=width_max))
    return inst, net


# ----------------------------------------------------------------------------- integer lists

# The arrangement tests feed these to integer-only code (intmat, numpy products) and compare with
# the oracles of tests/oracles.py: plain ``list[list[int]]`` rows, d up to 4.

IntMatrix = list[list[int]]


@st.composite
def int_matrices(draw, n_min: int = 1, n_max: int = 6, d_min: int = 1, d_max: int = 4,
                 max_abs: int = 3) -> IntMatrix:
    """An ``n × d`` integer matrix, i.i.d. entries in ``[−max_abs, max_abs]`` (any degeneracy).

    >>> from hypothesis import find
    >>> find(int_matrices(), lambda X: len(X) >= 2 and any(map(any, X)))
    [[0], [1]]
    """
    n = draw(st.integers(n_min, n_max))
    d = draw(st.integers(d_min, d_max))
    entry = st.integers(-max_abs, max_abs)
    return [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(n)]


@st.composite
def int_degenerate_matrices(draw, base_n_max: int = 4, extra_max: int = 4, d_min: int = 1,
                        d_max: int = 4, max_abs: int = 3, max_factor: int = 3) -> IntMatrix:
    """A base matrix with degenerate rows appended, then shuffled.

    Each extra row is one of: a zero row, an exact duplicate of a base row, a positive multiple
    ``c·x`` (``2 ≤ c ≤ max_factor``) or an antipodal multiple ``−c·x`` (``1 ≤ c ≤ max_factor``).
    Size: ``n ≤ base_n_max + extra_max``, entries ``≤ max_abs·max_factor`` in absolute value.

    >>> from hypothesis import given, settings
    >>> @settings(max_examples=10, database=None)
    ... @given(int_degenerate_matrices(d_max=2))
    ... def bounded(X):
    ...     assert len(X) <= 8 and all(len(r) == len(X[0]) <= 2 for r in X)
    >>> bounded()
    """
    base = draw(int_matrices(n_min=1, n_max=base_n_max, d_min=d_min, d_max=d_max,
                             max_abs=max_abs))
    d = len(base[0])
    rows = [list(r) for r in base]
    for _ in range(draw(st.integers(0, extra_max))):
        kind = draw(st.sampled_from(["zero", "dup", "mult", "anti"]))
        src = base[draw(st.integers(0, len(base) - 1))]
        if kind == "zero":
            rows.append([0] * d)
        elif kind == "dup":
            rows.append(list(src))
        elif kind == "mult":
            c = draw(st.integers(2, max_factor))
            rows.append([c * v for v in src])
        else:
            c = draw(st.integers(1, max_factor))
            rows.append([-c * v for v in src])
    return draw(st.permutations(rows))


@st.composite
def int_low_rank_matrices(draw, n_min: int = 2, n_max: int = 6, d_min: int = 2, d_max: int = 4,
                      max_abs: int = 2) -> IntMatrix:
    """``X = B·C`` with ``B`` n×r, ``C`` r×d, ``1 ≤ r < d``: rank X ≤ r (ker X ≠ 0).

    Entries of B and C lie in ``[−max_abs, max_abs]``; so ``|x| ≤ r·max_abs²``.

    >>> from hypothesis import given, settings
    >>> from arrangement.lattice import exact_rank
    >>> @settings(max_examples=10, database=None)
    ... @given(int_low_rank_matrices())
    ... def deficient(X):
    ...     assert exact_rank(X) < len(X[0])
    >>> deficient()
    """
    d = draw(st.integers(max(d_min, 2), d_max))
    r = draw(st.integers(1, d - 1))
    n = draw(st.integers(n_min, n_max))
    entry = st.integers(-max_abs, max_abs)
    B = [draw(st.lists(entry, min_size=r, max_size=r)) for _ in range(n)]
    C = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(r)]
    return [[sum(B[i][k] * C[k][j] for k in range(r)) for j in range(d)] for i in range(n)]


@st.composite
def moment_curve_matrices(draw, n_min: int = 1, n_max: int = 7, d_min: int = 2, d_max: int = 4,
                          t_abs: int = 5, max_scale: int = 2) -> IntMatrix:
    """Rows ``c_j (1, t_j, …, t_j^{d−1})``, distinct integers t_j, ``c_j ∈ ±[1, max_scale]``.

    In general position for the central arrangement (see the module docstring), so the chamber
    count is Cover's ``2 Σ_{k<r} C(n−1, k)`` with ``r = min(n, d)`` (docs/MATH.md §3).
    Requires ``d ≥ 2`` (for d = 1 all rows are parallel) and ``n_max ≤ 2·t_abs + 1``.

    >>> from hypothesis import given, settings
    >>> from arrangement.counts import is_general_position
    >>> @settings(max_examples=10, database=None)
    ... @given(moment_curve_matrices())
    ... def generic(X):
    ...     assert is_general_position(X)
    >>> generic()
    """
    d = draw(st.integers(max(d_min, 2), d_max))
    ts = draw(st.lists(st.integers(-t_abs, t_abs), min_size=n_min, max_size=n_max, unique=True))
    scale = st.integers(1, max_scale).flatmap(lambda c: st.sampled_from([c, -c]))
    rows = []
    for t in ts:
        c = draw(scale)
        rows.append([c * t**k for k in range(d)])
    return rows


@st.composite
def rows_and_dim(draw, n_max: int = 7, d_min: int = 1, d_max: int = 4, max_abs: int = 3):
    """(rows, d): entries in [−max_abs, max_abs], optionally low rank, then zero, duplicate,
    parallel and antiparallel rows inserted at random places (n ≤ n_max).

    >>> from hypothesis import find
    >>> find(rows_and_dim(), lambda rd: rd[1] == 2 and len(rd[0]) == 1)
    ([[0, 0]], 2)
    """
    d = draw(st.integers(d_min, d_max))
    base_n = draw(st.integers(0, n_max))
    entry = st.integers(-max_abs, max_abs)
    if d >= 2 and draw(st.booleans()):
        k = draw(st.integers(1, d - 1))  # rank ≤ k < d: a non-essential arrangement
        C = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(k)]
        B = [draw(st.lists(st.integers(-2, 2), min_size=k, max_size=k)) for _ in range(base_n)]
        rows = [[sum(b[i] * C[i][c] for i in range(k)) for c in range(d)] for b in B]
    else:
        rows = [draw(st.lists(entry, min_size=d, max_size=d)) for _ in range(base_n)]
    for _ in range(draw(st.integers(0, n_max - base_n))):
        src = rows[draw(st.integers(0, len(rows) - 1))] if rows else [0] * d
        c = draw(st.sampled_from([1, -1, 2, -3, 0]))
        rows.insert(draw(st.integers(0, len(rows))), [c * v for v in src])
    return rows, d


def small_matrices(n_max: int = 8, d_max: int = 4) -> st.SearchStrategy[IntMatrix]:
    """Any of the integer-list strategies above, at most ``n_max`` rows and ``d_max`` columns.

    >>> from hypothesis import find
    >>> find(small_matrices(), lambda X: len(X) >= 3)
    [[0], [0], [0]]
    """
    return st.one_of(
        int_matrices(n_max=min(n_max, 6), d_max=d_max),
        int_degenerate_matrices(base_n_max=min(4, n_max), extra_max=max(0, n_max - 4), d_max=d_max),
        int_low_rank_matrices(n_max=min(6, n_max), d_max=max(2, d_max)),
        moment_curve_matrices(n_max=min(7, n_max), d_max=max(2, d_max)),
    )
