"""The convex program of a two-layer ReLU network on its chambers, and its numeric solution.

With the chambers ``D_1..D_p`` of the data's arrangement (docs/MATH.md §2) and two groups per
chamber
(sign ``s = ±1``), the training problem's hidden convex program is (docs/MATH.md §4)

    P*_c = min  ℓ( Σ_i D_i X (w_{i,+} − w_{i,−}) ) + β Σ_{i,s} ‖w_{i,s}‖₂
           s.t. w_{i,s} ∈ C_i = {u : (2D_i − I) X u ≥ 0},

a group lasso with cone constraints. Each cone is written with its irredundant facet rows
``arr.cone(i)`` (fewer rows than ``(2D_i − I) X``, same cone). The loss is any of the registry
(:mod:`exact.losses`, docs/MATH.md §11); the program asks its loss object for everything
loss-specific.

:meth:`ConvexProgram.numeric_solve` solves it with cvxpy and Clarabel in floats: the result is a
*guess* only, which :mod:`exact.certify` turns into exact, certified bounds. The solver sees a
scaled copy: ``X / s_X``, ``y / s_y`` (squared loss only, ``scale_targets``) and
``β / (s_X s_y)``, whose solution is ``W' = (s_X / s_y) W`` with value ``P* / s_y²``, and every
facet row divided by its length (the cone is unchanged). Exact facet rows of full-precision
decimal data have entries of 1e17 and more; unscaled, they make the interior-point solver fail.
It may also be restricted to a working set of groups (the cutting-plane solve,
:mod:`exact.cutting`).

References: Pilanci & Ergen (2020), "Neural networks are convex regularizers"; Wang, Lacotte &
Pilanci (2022), "The hidden convex optimization landscape of regularized two-layer ReLU networks".
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping, Sequence
from fractions import Fraction
from typing import Any

import numpy as np

from arrangement.errors import InputError, NumericError
from arrangement.intmat import float_rows
from arrangement.rational import to_fraction, to_matrix, to_vector
from exact.losses import LOSS_NAMES, get_loss
from exact.types import ChamberSource, Group

__all__ = ["ConeList", "ConvexProgram", "GroupList", "cone_row", "cone_sizes", "HINGE_LABELS",
           "RowView", "LOSSES", "NumericSolveError", "pooled_rows", "require_hinge_labels"]

#: The registry's loss names (:data:`exact.losses.LOSSES` holds the loss objects).
LOSSES = LOSS_NAMES


class NumericSolveError(NumericError):
    """Every numeric solver failed on the program: nothing was claimed (exit status 3)."""

    exit_code = 3


#: The class labels the command line accepts with ``--loss hinge`` (0: a point whose loss is 1).
HINGE_LABELS = (-1, 0, 1)


def require_hinge_labels(y: Sequence[object], where: str = "y") -> None:
    """Refuse targets that are not class labels in {−1, 0, +1} for the hinge loss (the hinge
    loss object's :meth:`~exact.losses.Loss.validate`).

    The mathematics (and :func:`exact.certify.solve`) accepts any real ``y_j`` in
    ``max(0, 1 − y_j f_j)``, but real-valued targets given to ``--loss hinge`` are almost always
    regression data passed by mistake, so the command line refuses them rather than guess a
    mapping (issue: first-day papercuts).

    >>> require_hinge_labels([1, -1, 0])
    >>> require_hinge_labels(["1.51", 1])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: --loss hinge needs class labels y in {-1, 0, +1}, but y[0] = ...
    """
    get_loss("hinge").validate(y, where)


def _int_dtype(big: int):
    """The smallest numpy integer type holding ``±big`` (``abs`` included), else ``object``.

    >>> _int_dtype(9), _int_dtype(200), _int_dtype(2**40), _int_dtype(2**70)
    (<class 'numpy.int8'>, <class 'numpy.int16'>, <class 'numpy.int64'>, <class 'object'>)
    """
    for t in (np.int8, np.int16, np.int32):
        if big < np.iinfo(t).max:
            return t
    return np.int64 if big < 2**62 else object


def _cones(arrangement, ch, cache: dict) -> Sequence[list[tuple[int, ...]]]:
    """``[arrangement.cone(i) for every chamber i]`` as a :class:`ConeList`, from the neighbour
    table in one pass; the table's facet positions go to ``cache["facet_index"]`` for
    :meth:`ConvexProgram.padded_facets`."""
    p = len(ch)
    if p == 0 or not arrangement.classes:
        return [[] for _ in range(p)]
    # each facet row is ±(its class's normal): two shared tuples per class, not one per facet
    # of every chamber (a (40, 5) program held ~2 million small tuples)
    signed = {1: [tuple(int(v) for v in c.normal) for c in arrangement.classes]}
    signed[-1] = [tuple(-v for v in t) for t in signed[1]]
    ci, ck = np.nonzero(arrangement.neighbors() >= 0)  # row-major: arrangement.facets order
    cache["facet_index"] = (ci, ck)
    sk = np.asarray(ch.class_signs)[ci, ck]
    return ConeList(signed, sk, ck, np.searchsorted(ci, np.arange(p + 1)))


def cone_sizes(cones: Sequence[Sequence[object]]) -> np.ndarray:
    """The facet count of every chamber of ``cones`` (a :class:`ConeList` or a list of
    lists), without building a ConeList's rows.

    >>> cone_sizes([[(1, 0)], [(1, 0), (0, 1)], []]).tolist()
    [1, 2, 0]
    """
    if isinstance(cones, ConeList):
        return cones.sizes()
    return np.array([len(c) for c in cones], dtype=np.int64)


def cone_row(cones: Sequence[Sequence[tuple[int, ...]]], i: int, k: int) -> tuple[int, ...]:
    """``cones[i][k]``, without building chamber i's other rows of a :class:`ConeList`.

    >>> cone_row([[(1, 0)], [(1, 0), (0, 1)]], 1, 1)
    (0, 1)
    """
    if isinstance(cones, ConeList):
        return cones.row(i, k)
    return cones[i][k]


class ConeList(Sequence[list[tuple[int, ...]]]):
    """Each chamber's facet rows (``Arrangement.cone(i)``: a list of tuples of Python ints,
    each row one of two tuples shared per class), made on access from the neighbour table's
    arrays: a list per chamber, built for all p chambers when the program is made, was half
    of ``ConvexProgram``'s construction at (40, 4), and most callers read a few chambers.

    >>> from arrangement.core import Arrangement
    >>> arr = Arrangement([[1, 0], [0, 1]])
    >>> cones = ConvexProgram(arr.X, [1, 1], 1, arrangement=arr).cones
    >>> len(cones), cones[0] == arr.cone(0), cones[-1] == arr.cone(len(cones) - 1)
    (4, True, True)
    """

    __slots__ = ("_signed", "_sk", "_ck", "_starts")

    def __init__(self, signed: dict[int, list[tuple[int, ...]]], sk: np.ndarray,
                 ck: np.ndarray, starts: np.ndarray):
        self._signed, self._sk, self._ck, self._starts = signed, sk, ck, starts

    def __len__(self) -> int:
        return len(self._starts) - 1

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            a0, a1, step = i.indices(len(self))
            if step != 1:
                return [self[j] for j in range(a0, a1, step)]
            return list(self._block(a0, max(a0, a1)))
        p = len(self)
        if i < 0:
            i += p
        if not 0 <= i < p:
            raise IndexError("chamber index out of range")
        a, b = int(self._starts[i]), int(self._starts[i + 1])
        plus, minus = self._signed[1], self._signed[-1]
        return [plus[k] if s > 0 else minus[k]
                for s, k in zip(self._sk[a:b].tolist(), self._ck[a:b].tolist())]

    def sizes(self) -> np.ndarray:
        """Every chamber's facet count."""
        return np.diff(self._starts)

    def row(self, i: int, k: int) -> tuple[int, ...]:
        """``self[i][k]``, without building chamber i's other rows."""
        at = int(self._starts[i]) + k
        return self._signed[1 if self._sk[at] > 0 else -1][int(self._ck[at])]

    def __iter__(self) -> Iterator[list[tuple[int, ...]]]:
        for a0 in range(0, len(self), 4096):  # in blocks: no p-long Python lists at once
            yield from self._block(a0, min(a0 + 4096, len(self)))

    def _block(self, a0: int, a1: int) -> Iterator[list[tuple[int, ...]]]:
        """The cones of chambers ``a0 … a1 − 1``, from one conversion of their arrays."""
        plus, minus = self._signed[1], self._signed[-1]
        st = self._starts[a0:a1 + 1].tolist()
        sk = self._sk[st[0]:st[-1]].tolist()
        ck = self._ck[st[0]:st[-1]].tolist()
        for t in range(a1 - a0):
            lo, hi = st[t] - st[0], st[t + 1] - st[0]
            yield [plus[k] if s > 0 else minus[k] for s, k in zip(sk[lo:hi], ck[lo:hi])]


class RowView(Sequence[tuple[int, ...]]):
    """The rows of a 2-D integer numpy array as a read-only sequence of tuples of Python ints,
    made on access (no per-row objects are stored); ``numpy.asarray`` gives the array back.

    >>> v = RowView(np.array([[1, -1], [0, 1]], dtype=np.int8))
    >>> len(v), v[1], list(v), v[-1] == (0, 1), np.asarray(v).dtype
    (2, (0, 1), [(1, -1), (0, 1)], True, dtype('int8'))
    """

    __slots__ = ("_a",)
    _BLOCK = 4096

    def __init__(self, a: np.ndarray):
        self._a = a

    def __len__(self) -> int:
        return int(self._a.shape[0])

    def __getitem__(self, i: Any) -> Any:
        if isinstance(i, slice):
            return [tuple(r) for r in self._a[i].tolist()]
        return tuple(self._a[i].tolist())

    def __iter__(self) -> Iterator[tuple[int, ...]]:
        for a in range(0, len(self), self._BLOCK):
            yield from (tuple(r) for r in self._a[a:a + self._BLOCK].tolist())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return np.asarray(self._a, dtype=dtype)


class GroupList(Sequence[Group]):
    """All groups ``(i, s)`` of ``p`` chambers in the order ``(0, 1), (0, −1), (1, 1), …``, as a
    read-only sequence computed on access.

    >>> g = GroupList(2)
    >>> len(g), g[3], list(g), (1, -1) in g, (2, 1) in g
    (4, (1, -1), [(0, 1), (0, -1), (1, 1), (1, -1)], True, False)
    """

    __slots__ = ("p",)

    def __init__(self, p: int):
        self.p = p

    def __len__(self) -> int:
        return 2 * self.p

    def __getitem__(self, k: Any) -> Any:
        if isinstance(k, slice):
            return [self[j] for j in range(*k.indices(2 * self.p))]
        k = int(k)
        if k < 0:
            k += 2 * self.p
        if not 0 <= k < 2 * self.p:
            raise IndexError("group index out of range")
        return (k // 2, 1 - 2 * (k % 2))

    def __iter__(self) -> Iterator[Group]:
        for i in range(self.p):
            yield (i, 1)
            yield (i, -1)

    def __contains__(self, g: object) -> bool:
        if not isinstance(g, tuple) or len(g) != 2:
            return False
        i, s = g
        return bool(isinstance(i, (int, np.integer)) and 0 <= i < self.p and s in (1, -1))


def pooled_rows(M: np.ndarray, pool: int) -> np.ndarray:
    """The readout ``S M`` of a float array with one row per data row (rows × m → n × m): each
    output sums its ``pool`` consecutive rows, added in that order (``pool = 1``: M itself; a
    CNN's sum pooling over its patches, docs/cnn.md §1). The floats' counterpart of
    :meth:`ConvexProgram.pooled`, for the numeric guesses.

    >>> pooled_rows(np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 0.0], [4.0, -1.0]]), 2).tolist()
    [[3.0, 1.0], [7.0, -1.0]]
    """
    M = np.asarray(M, dtype=float)
    if pool == 1:
        return M
    out = M[0::pool].copy()
    for q in range(1, pool):
        out += M[q::pool]
    return out


class ConvexProgram:
    """The chamber-based convex program of ``(X, y, β)`` for a given loss (docs/MATH.md §4).

    Attributes: ``X, y, beta`` (exact), ``loss``, ``arrangement`` (the chamber source,
    :class:`exact.types.ChamberSource`: an Arrangement or a stand-in), ``n, d``, ``p`` (number of
    chambers), ``patterns[i]`` (0/1 diagonal of ``D_i``), ``signs[i]`` (chamber sign vector),
    ``cones[i]`` (integer facet rows of ``C_i``) and ``groups`` (all ``(i, s)``, ``s = ±1``).

    >>> cp = ConvexProgram([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> cp.p, len(cp.groups), cp.cones[0]
    (6, 12, [(1, -1), (0, 1)])
    >>> W = cp.numeric_solve()
    >>> abs(cp.numeric_value - 37 / 200) < 1e-6
    True

    References: Pilanci & Ergen (2020); Wang, Lacotte & Pilanci (2022).
    """

    def __init__(self, X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
                 loss: str = "squared", arrangement: ChamberSource | None = None, pool: int = 1):
        #: the loss object (exact.losses); ``loss`` is its name
        self.loss_fn = get_loss(loss)
        loss = self.loss_fn.name
        if arrangement is None:
            from arrangement.core import Arrangement

            arrangement = Arrangement(X)
        self.arrangement = arrangement
        self.X: tuple[tuple[Fraction, ...], ...] = tuple(
            tuple(Fraction(v) for v in row) for row in arrangement.X)
        if to_matrix(X) != self.X:
            raise InputError("the arrangement was built for a different matrix X")
        self.y: tuple[Fraction, ...] = to_vector(y, "y")
        self.beta: Fraction = to_fraction(beta, where="beta")
        self.loss = loss
        self.rows, self.d = len(self.X), len(self.X[0])
        # the readout hook: output j sums the contributions of rows j·pool … j·pool + pool − 1
        # (pool = 1: the dense program; a CNN's patches, docs/cnn.md); the loss sees outputs
        self.pool = pool
        if pool < 1 or self.rows % pool:
            raise InputError(f"{self.rows} rows cannot be pooled in blocks of {pool}")
        self.n = self.rows // pool
        if len(self.y) != self.n:
            raise InputError(f"y has {len(self.y)} entries but X has {self.n} rows"
                             + (f" of {pool} pooled rows" if pool > 1 else ""))
        if self.beta <= 0:
            raise InputError(f"beta must be positive, got {self.beta}")
        self.loss_fn.require_domain(self.y)
        ch: Any = arrangement.chambers()  # an Arrangement's Chambers (bulk arrays), or a list
        self.p = len(ch)
        #: arrays derived once per program (the facet index here; the screens' float arrays,
        #: exact.screen.facet_arrays; check's sign index, ...)
        self.cache: dict = {}
        # from the chamber arrays in bulk (the same Python ints as Chamber / Arrangement.cone,
        # which build small objects per chamber: a third of a (40, 5) solve)
        # kept as int8 / integer arrays behind read-only views (rows as tuples on access):
        # lists of tuples took ~180 MB on a (40, 5) program (issue 15: memory)
        self.signs: Sequence[tuple[int, ...]]
        self.witnesses: Sequence[tuple[int, ...]]
        self.patterns: Sequence[tuple[int, ...]]
        if isinstance(getattr(ch, "signs", None), np.ndarray):
            S = np.asarray(ch.signs, dtype=np.int8).reshape(self.p, self.rows)
            self.signs = RowView(S)
            self.witnesses = RowView(np.asarray(ch.W).reshape(self.p, -1))
            self.patterns = RowView((S >= 0).astype(np.int8))
            self.cones: Sequence[list[tuple[int, ...]]] = _cones(arrangement, ch, self.cache)
        else:  # a plain list of Chamber objects (e.g. a subsampled arrangement)
            self.signs = [c.signs for c in ch]
            self.witnesses = [c.witness for c in ch]
            self.patterns = [c.pattern for c in ch]
            self.cones = [list(arrangement.cone(i)) for i in range(self.p)]
        #: every ``(i, s)`` in order (a view: no 2p tuples are stored)
        self.groups: Sequence[Group] = GroupList(self.p)
        self.numeric_value: float | None = None
        self.numeric_dual: np.ndarray | None = None
        self.numeric_solver: str | None = None

    # -- the facets in bulk ---------------------------------------------------------------
    def padded_facets(self) -> tuple[np.ndarray, np.ndarray]:
        """``(AI, counts)``: chamber i's integer facet rows ``AI[i, :counts[i]]`` (the rows of
        ``cones[i]``, in order), zero-padded to ``p × fmax × d``; the smallest of int8 … int64
        that holds every entry with room for its negative (the data of (40, 5) fit int8: 18 MB,
        not 147), else Python ints. Built once, from the neighbour table in one vectorised
        step (each facet row is ± its class's normal): the screens' per-entry loops over
        ``cones`` took seconds on a (40, 5) program.

        >>> AI, counts = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1).padded_facets()
        >>> AI.shape, counts.tolist(), AI[0].tolist()
        ((4, 2, 2), [2, 2, 2, 2], [[1, 0], [0, 1]])
        """
        cached = self.cache.get("padded_facets")
        if cached is not None:
            return cached
        p, d = self.p, self.d
        # the bulk path needs an Arrangement's classes and neighbour table, beyond the
        # ChamberSource protocol; other chamber sources take the loop below
        arr: Any = self.arrangement
        ch: Any = arr.chambers()
        if (p and isinstance(getattr(ch, "class_signs", None), np.ndarray)
                and getattr(arr, "classes", None) and hasattr(arr, "neighbors")):
            normals = [tuple(int(v) for v in c.normal) for c in arr.classes]
            N = np.array(normals, dtype=_int_dtype(max(abs(v) for t in normals for v in t))
                         ).reshape(-1, d)
            fi = self.cache.get("facet_index")  # from _cones, when it built cones
            # row-major: the order of cones[i]
            ci, ck = fi if fi is not None else np.nonzero(arr.neighbors() >= 0)
            counts = np.bincount(ci, minlength=p).astype(np.int64)
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
            pos = np.arange(len(ci)) - starts[ci]
            fmax = max(int(counts.max(initial=0)), 1)
            AI = np.zeros((p, fmax, d), dtype=N.dtype)
            sk = np.asarray(ch.class_signs)[ci, ck].astype(N.dtype)
            AI[ci, pos] = sk[:, None] * N[ck]
        else:  # a plain list of chambers, or no hyperplanes
            counts = np.array([len(c) for c in self.cones], dtype=np.int64)
            fmax = max(int(counts.max(initial=0)), 1)
            big = max((abs(int(x)) for c in self.cones for row in c for x in row), default=0)
            AI = np.zeros((p, fmax, d), dtype=_int_dtype(big))
            for i, c in enumerate(self.cones):
                if c:
                    AI[i, :len(c)] = c
        self.cache["padded_facets"] = (AI, counts)
        return AI, counts

    def trim_cache(self) -> None:
        """Drop the screens' float arrays (:func:`exact.screen.facet_arrays`; rebuilt on
        demand): a certificate writer needs none of them, and at (40, 5) they hold ~350 MB.

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> from exact.screen import facet_arrays
        >>> from exact.screen import built_facet_arrays
        >>> fa = facet_arrays(cp); cp.trim_cache(); built_facet_arrays(cp) is None
        True
        """
        from exact.screen import drop_facet_arrays  # screen imports this module

        drop_facet_arrays(self)

    # -- exact helpers ----------------------------------------------------------------------
    def in_cone(self, i: int, w: Sequence[Fraction]) -> bool:
        """Exact test ``w ∈ C_i`` (then ``(Xw)_+ = D_i X w``, docs/MATH.md §2).

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> i = cp.patterns.index((1, 0))
        >>> cp.in_cone(i, (Fraction(1, 3), Fraction(-1, 7))), cp.in_cone(i, (-1, 0))
        (True, False)
        """
        if all(isinstance(x, (int, Fraction)) for x in w):
            # the facet rows are integers: test them on w's integer multiple U = c w, c > 0
            wq = [Fraction(x) for x in w]
            c = math.lcm(*(q.denominator for q in wq))
            U = [q.numerator * (c // q.denominator) for q in wq]
            return all(sum(a * u for a, u in zip(row, U) if a and u) >= 0
                       for row in self.cones[i])
        return all(sum((Fraction(a) * x for a, x in zip(row, w)), Fraction(0)) >= 0
                   for row in self.cones[i])

    def fit(self, i: int, s: int, w: Sequence[Fraction]) -> tuple[Fraction, ...]:
        """Exact ``s S D_i X w`` (the group's contribution to the prediction; S the readout).

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> i = cp.patterns.index((1, 0))
        >>> cp.fit(i, -1, (Fraction(1, 2), Fraction(3)))
        (Fraction(-1, 2), Fraction(0, 1))
        """
        D = self.patterns[i]
        if not all(isinstance(x, (int, Fraction)) for x in w):  # e.g. sympy entries
            return self.pooled(tuple(
                s * sum((a * b for a, b in zip(row, w)), Fraction(0)) if D[j] else Fraction(0)
                for j, row in enumerate(self.X)))
        # in integers, as prediction(): X = XI / L, w = U / c, one Fraction per output (the
        # Fraction products were most of the optimal set's and the pruning's exact work)
        L, XI = self.integer_rows()
        wq = [Fraction(x) for x in w]
        c = math.lcm(*(q.denominator for q in wq))
        U = [q.numerator * (c // q.denominator) for q in wq]
        k = self.pool
        acc = [0] * self.n
        for j, row in enumerate(XI):
            if D[j]:
                acc[j // k] += sum(a * b for a, b in zip(row, U) if a and b)
        return tuple(Fraction(s * t, L * c) if t else Fraction(0) for t in acc)

    def integer_rows(self) -> tuple[int, list[list[int]]]:
        """``(L, XI)`` with ``X = XI / L``, XI integer and L the least common denominator
        (computed once per program: fit(), prediction() and the certifier's integer paths
        read it).

        >>> ConvexProgram([[Fraction(1, 2), 1], [0, Fraction(1, 3)]], [1, 1], 1).integer_rows()
        (6, [[3, 6], [0, 2]])
        """
        if "int_rows" not in self.cache:
            L = math.lcm(*(q.denominator for row in self.X for q in row))
            self.cache["int_rows"] = (L, [[int(q * L) for q in row] for row in self.X])
        return self.cache["int_rows"]

    def pooled(self, z: Sequence) -> tuple:
        """The readout ``S z`` of one value per row: sums of ``pool`` consecutive rows.

        >>> ConvexProgram([[1], [2], [3], [4]], [1, 1], 1, pool=2).pooled((1, 2, 3, 4))
        (3, 7)
        """
        k = self.pool
        return tuple(z) if k == 1 else tuple(sum(z[j * k:(j + 1) * k]) for j in range(self.n))

    def spread(self, v: Sequence) -> tuple:
        """``Sᵀ v``: each output's value repeated on its ``pool`` rows (the dual on the rows).

        >>> ConvexProgram([[1], [2], [3], [4]], [1, 1], 1, pool=2).spread((5, 6))
        (5, 5, 6, 6)
        """
        return tuple(x for x in v for _ in range(self.pool))

    def prediction(self, groups: Mapping[Group, Sequence[Fraction]]) -> tuple[Fraction, ...]:
        """Exact ``Σ s D_i X w_{i,s}`` of a set of rational groups (summed over each output's
        rows when ``pool > 1``).

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, 1], 1)
        >>> cp.prediction({(0, 1): (Fraction(1), Fraction(0))})
        (Fraction(1, 1), Fraction(0, 1))
        """
        # one integer product for all groups: X = XI / L and every w on one common
        # denominator C, so output j is (Σ_g s_g [D_i]_j XI_j·U_g) / (L·C), one Fraction per
        # output (per-group Fractions were a tenth of solve's certification at (40, 4))
        items = [(g, [Fraction(x) for x in w]) for g, w in groups.items()]
        if not items:
            return tuple(Fraction(0) for _ in range(self.n))
        L, XI = self.integer_rows()
        C = math.lcm(*(q.denominator for _g, wq in items for q in wq))
        U = np.array([[q.numerator * (C // q.denominator) for q in wq] for _g, wq in items],
                     dtype=object).reshape(len(items), self.d)
        Z = np.array(XI, dtype=object).reshape(self.rows, self.d).dot(U.T)  # rows × groups
        M = np.array([[s if self.patterns[i][j] else 0 for j in range(self.rows)]
                      for (i, s), _wq in items], dtype=object).T  # each group's pattern, sign
        t = (Z * M).sum(axis=1)
        if self.pool > 1:
            t = t.reshape(self.n, self.pool).sum(axis=1)
        return tuple(Fraction(int(x), L * C) for x in t.tolist())

    def loss_value(self, z: Sequence[Fraction]) -> Fraction:
        """Exact ``ℓ(z)`` (the loss object's :meth:`~exact.losses.Loss.value`)."""
        return self.loss_fn.value(z, self.y)

    # -- numeric solve ------------------------------------------------------------------------
    def float_data(self) -> tuple[np.ndarray, np.ndarray, float, float, float]:
        """The data the conic solver sees: ``X / s_X`` and (squared loss) ``y / s_y`` with
        ``β' = β / (s_X s_y)``, so that no float entry is far from 1 (module docstring).

        Returns ``(X', y', β', s_X, s_y)``; the groups scale back by ``s_y / s_X`` and the
        value by ``s_y²``.

        >>> ConvexProgram([[2, 0], [0, 4]], [3, -6], 1).float_data()[2:]
        (0.041666666666666664, 4.0, 6.0)
        """
        # divide exactly first: an entry such as 10**400 has no float, its ratio to the largest
        # entry does (in [-1, 1]; tiny ratios round to 0, harmless in a guess)
        sxq = max((abs(v) for row in self.X for v in row), default=Fraction(0)) or Fraction(1)
        syq = (max((abs(v) for v in self.y), default=Fraction(0)) or Fraction(1)
               if self.loss_fn.scale_targets else Fraction(1))
        try:
            sx, sy = float(sxq), float(syq)
            beta = float(self.beta / (sxq * syq))
        except OverflowError:
            raise NumericSolveError("the data's scale is beyond the range of floating point "
                                    "(above 1e308 after scaling): the numeric guess cannot run; "
                                    "rescale the data") from None
        Xf = np.array([[float(v / sxq) for v in row] for row in self.X]).reshape(self.rows,
                                                                                 self.d)
        yf = np.array([float(v / syq) for v in self.y])
        return Xf, yf, beta, sx, sy

    def cvxpy_problem(self, groups: Sequence[Group] | None = None):
        """The program as a cvxpy ``Problem`` (floats, scaled), with its variables ``(W, z)``.

        ``groups`` restricts it to a working set of ``(i, s)`` (default: all groups, in the
        order of ``self.groups``); row k of ``W`` is the group ``groups[k]``; ``z`` is the
        prediction, and the first constraint is ``z = Σ_k s_k D_{i_k} X w_k``. The data are
        scaled (:meth:`float_data`) and every facet row is divided by its length: a positive
        row scaling leaves the cone unchanged, and exact integer facet rows of decimal data
        reach 1e17 and more, which the conic solver cannot digest (issue: real data).

        >>> prob, (W, z) = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2").cvxpy_problem()
        >>> W.shape, prob.is_dcp()
        ((8, 2), True)
        """
        import cvxpy as cvx
        import scipy.sparse as sp

        groups = list(self.groups if groups is None else groups)
        n, d, k = self.n, self.d, len(groups)
        Xf, yf, beta, _sx, _sy = self.float_data()
        M = np.array([[s * self.patterns[i][j] for (i, s) in groups] for j in range(self.rows)],
                     dtype=float).reshape(self.rows, k)  # rows × k: the sign times D_i
        W = cvx.Variable((max(k, 1), d))
        z = cvx.Variable(n)
        rowsum = cvx.sum(cvx.multiply(M, Xf @ W[:k].T), axis=1) if k else 0
        if k and self.pool > 1:
            S = sp.kron(sp.identity(n), np.ones((1, self.pool)), format="csr")  # the readout
            rowsum = S @ rowsum
        cons = [z == rowsum]
        blocks = []
        for i, _s in groups:
            c = self.cones[i]
            # a·u >= 0 is unchanged by scaling a > 0: each integer facet row (600 digits for
            # data with 300-digit entries) is scaled before it is a float (no overflow)
            b = float_rows(c).reshape(-1, d) if c else np.zeros((0, d))
            if b.shape[0]:
                b = b / np.linalg.norm(b, axis=1, keepdims=True)
            blocks.append(b)
        if any(b.shape[0] for b in blocks):
            # block-diagonal facet rows acting on the row-major flattening of W
            Abig = sp.block_diag([sp.csr_matrix(b) for b in blocks], format="csr")
            cons.append(Abig @ cvx.vec(W[:k], order="C") >= 0)
        reg = beta * cvx.sum(cvx.norm(W[:k], 2, axis=1)) if k else 0
        obj = self.loss_fn.cvxpy_loss(z, yf) + reg
        return cvx.Problem(cvx.Minimize(obj), cons), (W, z)

    def numeric_solve(self, *, verbose: bool = False, eps: float = 1e-10,
                      groups: Sequence[Group] | None = None) -> dict[Group, np.ndarray]:
        """Solve the program in floats (cvxpy); return ``{(i, s): w}`` for all groups (or the
        working set ``groups``).

        Also sets ``numeric_value`` and ``numeric_dual`` (the float dual vector ``v``: for the
        squared losses their residual, otherwise the multiplier of ``z = ŷ``: the loss object's
        :meth:`~exact.losses.Loss.numeric_dual`).
        Floats only: nothing here is a claim. Clarabel with tight tolerances is tried first,
        then Clarabel's defaults, then SCS (:data:`FALLBACKS`); when all of them fail,
        :class:`NumericSolveError` (exit status 3 on the command line).

        >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
        >>> W = cp.numeric_solve()
        >>> round(cp.numeric_value, 6)
        0.75
        """
        import cvxpy as cvx

        groups = list(self.groups if groups is None else groups)
        _Xf, yf, _beta, sx, sy = self.float_data()
        prob, (W, z) = self.cvxpy_problem(groups)
        tight = dict(tol_gap_abs=eps, tol_gap_rel=eps, tol_feas=eps, tol_ktratio=1e-8,
                     max_iter=500)
        tried = []
        for name, opts in ((cvx.CLARABEL, tight), (cvx.CLARABEL, {}),
                           ("SCS", dict(eps_abs=1e-9, eps_rel=1e-9, max_iters=200000))):
            if name not in cvx.installed_solvers():
                continue
            with warnings.catch_warnings():
                # "solution may be inaccurate": the result is only a guess, checked exactly
                warnings.simplefilter("ignore")
                try:
                    prob.solve(solver=name, verbose=verbose, **opts)
                except (cvx.error.SolverError, ValueError, ArithmeticError) as exc:
                    tried.append(f"{name}: {' '.join(str(exc).split())[:60]}")
                    continue
            if (W.value is not None and z.value is not None
                    and np.all(np.isfinite(W.value)) and prob.value is not None
                    and np.isfinite(prob.value)):
                self.numeric_solver = name
                break
            tried.append(f"{name}: status {prob.status}")
        else:
            raise NumericSolveError(
                f"the numeric solve of the convex program failed ({'; '.join(tried)}); "
                "no bound was claimed")
        scale = sy / sx  # back from the scaled program: W = (s_y / s_X) W'
        self.numeric_value = float(prob.value) * sy * sy
        nu = prob.constraints[0].dual_value
        nu = (np.zeros(self.n) if nu is None
              else np.asarray(nu, dtype=float).reshape(-1))
        self.numeric_dual = np.asarray(
            self.loss_fn.numeric_dual(yf, z.value, nu, sy), dtype=float).reshape(-1)
        Wv = np.asarray(W.value, dtype=float)
        return {g: scale * Wv[k] for k, g in enumerate(groups)}
