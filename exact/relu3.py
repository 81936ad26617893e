"""Three-layer ReLU sub-networks (seed 002), exactly: both pattern sets, the convex program,
certified bounds and the reconstructed network (docs/relu3.md).

The architecture (docs/relu3.md §1): K sub-networks, each ``((X W_1)_+ w_2)_+ w_3`` with first
layer ``W_1 ∈ R^{d×m1}`` in the unit Frobenius ball, ``w_2 ∈ R^{m1}``, ``w_3 ∈ R``, trained with
weight decay ``(β/2)(‖w_2‖² + w_3²)``. Its convex program (docs/relu3.md §3) ranges over

- *first-layer* signed patterns ``(i, s)``: chamber i of X (``arrangement.core.Arrangement``)
  and a sign s of the second-layer weight;
- *tuples* T of at most m1 distinct signed patterns (one per first-layer neuron), with lifted
  data ``X̃_T = [s_1 D_{i_1} X, …, s_k D_{i_k} X] ∈ Q^{n × kd}`` on the product cone
  ``C_T = C_{i_1} × … × C_{i_k}``;
- *second-layer* patterns ``D_2``: the full-dimensional regions of the rows of ``X̃_T`` inside
  ``C_T`` (enumerated with exact LPs, cdd.gmp, each with a rational interior witness).

Losses come from the loss registry (exact/losses.py): :data:`LOSSES` lists the ones this model
certifies (squared, hinge); :func:`loss_value` and :func:`dual_value` delegate to it.

>>> lp = LiftedPatterns([[1, 0], [0, 1], [1, 1]], width=2)
>>> lp.num_first, len(lp.tuples) > 0, all(r.witness for r in lp.regions)
(12, True, True)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING

import numpy as np

from arrangement.core import Arrangement
from arrangement.counts import cover_count, pilanci_ergen_ceiling
from arrangement.errors import InputError, NumericError, TooLargeError
from arrangement.exactla import dot
from arrangement.limits import MAX_RELU3_REGIONS, MAX_RELU3_WIDTH
from arrangement.rational import sqrt_ceil_on, sqrt_floor_on, to_matrix, to_vector
from exact.projection import cone_support
from exact.types import Vec

if TYPE_CHECKING:  # annotations only: the registry is imported where a loss is looked up
    from exact.losses import Loss

__all__ = [
    "LOSSES",
    "Region",
    "LiftedPatterns",
    "Relu3Network",
    "Relu3Solution",
    "lifted_rows",
    "estimate_regions",
    "num_tuples",
    "loss_value",
    "relu3_loss",
    "GAP_TARGET",
    "dual_value",
    "sqrt_up",
    "sqrt_down",
    "solve_relu3",
    "numeric_guess",
    "region_support",
    "network_from_groups",
    "group_output",
    "output_directions",
    "prune_groups",
    "polish_scales",
    "Relu3Prune",
    "full_cone_rows",
    "region_evidence",
    "relu3_certificate",
]

#: The losses this model certifies (docs/relu3.md §4, §4b), names of the loss registry
#: (exact/losses.py); nothing below branches on a name.
LOSSES = ("squared", "hinge")

#: The relative gap target of a relu3 solve (docs/relu3.md §4): ``upper − lower ≤
#: GAP_TARGET · max(1, |upper|)``; the command line reports whether it was met.
GAP_TARGET = Fraction(1, 10**9)

Signed = tuple[int, int]          # (chamber index, sign of the second-layer weight)
Rational = Fraction | int | str   # an exact number as the callers pass it ("1/10", 3, Fraction)


def relu3_loss(loss: str) -> Loss:
    """The registry's loss object for ``loss``, refused with one line unless this model
    certifies it (:data:`LOSSES`).

    >>> relu3_loss("hinge").name
    'hinge'
    >>> relu3_loss("absolute")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: --model relu3 certifies the losses squared and hinge only, \
not absolute
    """
    from exact.losses import get_loss

    if loss not in LOSSES:
        get_loss(loss)  # an unknown name: the registry's own message
        raise InputError(f"--model relu3 certifies the losses {' and '.join(LOSSES)} only, "
                         f"not {loss}")
    return get_loss(loss)


def loss_value(loss: str, z: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction:
    """The exact loss ``ℓ(z)`` (squared: ``½‖z − y‖²``; hinge: ``Σ max(0, 1 − y_j z_j)``).

    >>> loss_value("squared", [Fraction(1), Fraction(0)], [Fraction(0), Fraction(0)])
    Fraction(1, 2)
    >>> loss_value("hinge", [Fraction(1, 2), Fraction(0)], [Fraction(1), Fraction(-1)])
    Fraction(3, 2)
    """
    return relu3_loss(loss).value(tuple(z), tuple(y))


def dual_value(loss: str, v: Sequence[Fraction], y: Sequence[Fraction]) -> Fraction:
    """The exact dual objective ``−ℓ*(−v)`` at ``v`` (squared: ``vᵀy − ½‖v‖²``; hinge:
    ``Σ v_j / y_j`` on ``0 ≤ v_j / y_j ≤ 1``), docs/MATH.md §7, §11.

    >>> dual_value("squared", [Fraction(1)], [Fraction(2)])
    Fraction(3, 2)
    >>> dual_value("hinge", [Fraction(1, 2), Fraction(-1)], [Fraction(1), Fraction(-1)])
    Fraction(3, 2)
    """
    return relu3_loss(loss).dual_objective(tuple(v), tuple(y))


def sqrt_up(q: Fraction, digits: int = 30) -> Fraction:
    """A rational ``r ≥ √q`` within ``10^-digits`` (relative to max(1, √q)).

    >>> sqrt_up(Fraction(4)), sqrt_up(Fraction(2), 3)
    (Fraction(2, 1), Fraction(283, 200))
    """
    return sqrt_ceil_on(q, 10**digits)


def sqrt_down(q: Fraction, digits: int = 30) -> Fraction:
    """A rational ``0 ≤ r ≤ √q`` within ``10^-digits``.

    >>> sqrt_down(Fraction(9, 4)), sqrt_down(Fraction(2), 3)
    (Fraction(3, 2), Fraction(707, 500))
    """
    return sqrt_floor_on(q, 10**digits)


def lifted_rows(X: Sequence[Sequence[Fraction]], patterns: Sequence[Sequence[int]],
                signs: Sequence[int]) -> list[Vec]:
    """The rows of ``X̃ = [s_1 D_1 X, …, s_k D_k X]`` (docs/relu3.md §2), exactly.

    ``patterns[j]`` is the 0/1 diagonal of ``D_j``.

    >>> lifted_rows([[1, 2]], [[1], [0]], [1, -1])
    [(Fraction(1, 1), Fraction(2, 1), Fraction(0, 1), Fraction(0, 1))]
    """
    out = []
    for r, x in enumerate(X):
        row: list[Fraction] = []
        for D, s in zip(patterns, signs):
            row.extend(Fraction(s * D[r]) * Fraction(v) for v in x)
        out.append(tuple(row))
    return out


@dataclass(frozen=True)
class Region:
    """A second-layer pattern of a tuple: ``pattern`` = diagonal of ``D_2`` (``1[X̃z ≥ 0]``),
    ``witness`` a rational point z with ``z_j`` interior to ``C_{i_j}`` and ``sign(X̃ z)`` equal to
    the pattern's signs on every nonzero lifted row."""

    tuple_: tuple[Signed, ...]
    pattern: tuple[int, ...]
    witness: Vec


def _interior_point(rows: Sequence[Vec], dim: int) -> Vec | None:
    """A rational z with ``a·z > 0`` for every row (None if the open cone is empty), exact LP."""
    import cdd
    import cdd.gmp

    # maximise t  s.t.  a·z − t ≥ 0,  t ≤ 1,  −1 ≤ z_k ≤ 1  (bounded, so the LP is solvable)
    mat_rows: list[list[Fraction]] = [[Fraction(0), *a, Fraction(-1)] for a in rows]
    mat_rows.append([Fraction(1)] + [Fraction(0)] * dim + [Fraction(-1)])
    for k in range(dim):
        for sgn in (1, -1):
            e = [Fraction(0)] * dim
            e[k] = Fraction(sgn)
            mat_rows.append([Fraction(1), *e, Fraction(0)])
    mat = cdd.gmp.matrix_from_array(mat_rows, rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MAX,
                                    obj_func=[Fraction(0)] * (dim + 1) + [Fraction(1)])
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL or Fraction(lp.obj_value) <= 0:
        return None
    z = tuple(Fraction(v) for v in lp.primal_solution[:dim])
    # checked exactly: the LP's answer is only trusted after this
    if not all(dot(a, z) > 0 for a in rows):  # pragma: no cover - cdd.gmp is exact
        raise ArithmeticError("exact LP returned a point outside the open cone")
    return z


def num_tuples(p: int, width: int) -> int:
    """The number of tuples for p chambers: the p singletons ``(i, +)`` and the mixed-sign
    subsets of 2..width of the 2p signed patterns (docs/relu3.md §2).

    >>> num_tuples(6, 2)
    42
    """
    return p + sum(math.comb(2 * p, k) - 2 * math.comb(p, k) for k in range(2, width + 1))


def estimate_regions(n: int, r: int, num_first: int, width: int) -> int:
    """An upper bound on the number of second-layer regions summed over all tuples.

    A tuple of k signed patterns lifts to n hyperplanes in ``R^{kd}`` of rank ≤ ``min(n, k r)``;
    its regions inside the product cone are at most the arrangement's chambers, Cover's count
    (docs/MATH.md §3). Tuples: ``num_first`` singletons with ``s = +`` plus the mixed-sign
    subsets (docs/relu3.md §2).

    >>> estimate_regions(3, 2, 12, 2)
    294
    """
    p = num_first // 2
    total = p  # singletons (i, +): one region each
    for k in range(2, width + 1):
        mixed = math.comb(2 * p, k) - 2 * math.comb(p, k)
        total += mixed * cover_count(n, min(n, k * r))
    return total


@dataclass
class LiftedPatterns:
    """Both pattern sets of the three-layer program for data X and first-layer width m1.

    ``first`` is the first-layer arrangement; ``tuples`` the tuples of signed first-layer
    patterns the program ranges over; ``regions`` every (tuple, second-layer pattern) pair with
    its exact witness. ``force=False`` refuses above :data:`arrangement.limits.MAX_RELU3_REGIONS`
    estimated regions (:func:`estimate_regions`).

    >>> lp = LiftedPatterns([[1, 0], [-1, 0]], width=2)
    >>> sorted(r.pattern for r in lp.regions)
    [(0, 1), (0, 1), (1, 0), (1, 0), (1, 1), (1, 1), (1, 1), (1, 1)]
    """

    X: Sequence[Sequence[object]]
    width: int = 2
    force: bool = True
    first: Arrangement = field(init=False)
    tuples: list[tuple[Signed, ...]] = field(init=False)
    regions: list[Region] = field(init=False)

    def __post_init__(self) -> None:
        if not isinstance(self.width, int) or not 1 <= self.width <= MAX_RELU3_WIDTH:
            raise InputError(f"--width must be an integer in [1, {MAX_RELU3_WIDTH}], "
                             f"got {self.width!r}")
        self.Xq = to_matrix(self.X)
        self.first = Arrangement(self.Xq)
        n, r = self.first.n, self.first.rank
        if not self.force:
            self.first.require_size()
        est_first = self.first.estimate_chambers()
        if not self.force and num_tuples(est_first, self.width) > MAX_RELU3_REGIONS:
            # every tuple has at least one region (its product cone is full-dimensional)
            raise TooLargeError(
                f"about {num_tuples(est_first, self.width)} tuples of first-layer patterns "
                f"(n = {n}, rank {r}, width {self.width}); the limit is {MAX_RELU3_REGIONS} "
                "second-layer regions: pass --force to run")
        ch = self.first.chambers()
        self.patterns = [c.pattern for c in ch]
        self.cones = [self.first.cone(i) for i in range(len(ch))]
        p = len(ch)
        signed = [(i, s) for i in range(p) for s in (1, -1)]
        tuples: list[tuple[Signed, ...]] = [((i, 1),) for i in range(p)]
        for k in range(2, self.width + 1):
            for T in combinations(signed, k):
                ss = {s for _i, s in T}
                if ss == {1, -1}:  # all + is a sum of two-layer atoms, all − is zero
                    tuples.append(T)
        if not self.force:
            est = sum(self.estimate_tuple(T) for T in tuples)
            if est > MAX_RELU3_REGIONS:
                raise TooLargeError(
                    f"about {est} second-layer regions estimated (n = {n}, rank {r}, width "
                    f"{self.width}); the limit is {MAX_RELU3_REGIONS}: pass --force to run")
        self.tuples = tuples
        self.regions = [reg for T in tuples for reg in self.second_layer(T)]

    def estimate_tuple(self, T: Sequence[Signed]) -> int:
        """An upper bound on the regions of tuple T: only the *live* lifted rows split (a row
        where no neuron of one sign is active has a fixed sign on ``C_T``: ``s_j D_{i_j} x_r u_j``
        with ``u_j ∈ C_{i_j}`` is ≥ 0 when active), so Cover's count for ``m`` live rows of
        rank ≤ ``min(m, k·rank)`` bounds them (docs/MATH.md §3)."""
        live = 0
        for r in range(self.first.n):
            if not any(self.Xq[r]):
                continue
            signs = {s for i, s in T if self.patterns[i][r]}
            live += signs == {1, -1}
        R = min(live, len(T) * max(self.first.rank, 1))
        return cover_count(live, R) if live else 1

    @property
    def num_first(self) -> int:
        """Number of signed first-layer patterns ``(i, s)`` (twice the chambers of X)."""
        return 2 * len(self.patterns)

    def block_rows(self, T: Sequence[Signed]) -> list[Vec]:
        """The facet rows of the product cone ``C_T`` in ``R^{kd}``."""
        d, k = self.first.d, len(T)
        rows = []
        for j, (i, _s) in enumerate(T):
            for a in self.cones[i]:
                row = [Fraction(0)] * (k * d)
                row[j * d:(j + 1) * d] = [Fraction(v) for v in a]
                rows.append(tuple(row))
        return rows

    def lifted(self, T: Sequence[Signed]) -> list[Vec]:
        """The lifted data ``X̃_T`` (one row per data point)."""
        return lifted_rows(self.Xq, [self.patterns[i] for i, _ in T], [s for _, s in T])

    def region_rows(self, reg: Region) -> list[Vec]:
        """The facet rows of the region's closed cone ``K = C_T ∩ {(2D_2 − I) X̃ z ≥ 0}``."""
        rows = self.block_rows(reg.tuple_)
        for x, b in zip(self.lifted(reg.tuple_), reg.pattern):
            if any(x):
                rows.append(x if b else tuple(-v for v in x))
        return rows

    def second_layer(self, T: Sequence[Signed]) -> list[Region]:
        """Every full-dimensional region of the lifted rows inside ``C_T`` (exact LPs).

        Incremental: each lifted hyperplane splits the current regions; the side the witness
        lies on is kept for free, the other side is tested by one exact LP.
        """
        T = tuple(T)
        base = self.block_rows(T)
        dim = self.first.d * len(T)
        w0: list[Fraction] = []
        for i, _s in T:
            w0.extend(Fraction(v) for v in self.first.chambers()[i].witness)
        cells: list[tuple[list[Vec], Vec, list[int]]] = [(list(base), tuple(w0), [])]
        for x in self.lifted(T):
            if not any(x):
                cells = [(rows, w, sg + [0]) for rows, w, sg in cells]
                continue
            neg = tuple(-v for v in x)
            nxt = []
            for rows, w, sg in cells:
                t = dot(x, w)
                for side, h in ((1, x), (-1, neg)):
                    if t * side > 0:
                        nxt.append((rows + [h], w, sg + [side]))
                    else:
                        z = _interior_point(rows + [h], dim)
                        if z is not None:
                            nxt.append((rows + [h], z, sg + [side]))
            cells = nxt
        return [Region(T, tuple(1 if s >= 0 else 0 for s in sg), w) for _r, w, sg in cells]

    def counts(self) -> dict[str, int]:
        """Counts against the paper's bound (docs/relu3.md §2): chambers, tuples, regions, and
        the Pilanci–Ergen bound ``2R(e(n−1)/R)^R`` for the first layer (R = rank X) and for one
        tuple's lifted data at the largest lifted rank ``R = min(n, m1·rank)``.

        >>> c = LiftedPatterns([[1, 0], [0, 1]], width=2).counts()
        >>> c["chambers"], c["regions"] <= c["region_bound"]
        (4, True)
        """
        n, r = self.first.n, max(self.first.rank, 1)
        R = min(n, self.width * r)
        return {
            "chambers": len(self.patterns),
            "chamber_bound": pilanci_ergen_ceiling(n, r),
            "tuples": len(self.tuples),
            "regions": len(self.regions),
            "region_bound": estimate_regions(n, r, self.num_first, self.width),
            "lifted_pattern_bound_per_tuple": pilanci_ergen_ceiling(n, R),
        }


# -- networks ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Relu3Network:
    """K sub-networks ``((X W_1)_+ w_2)_+ w_3``; ``W1[k]`` lists the m1 first-layer neurons
    (vectors of R^d), so ``W_1 = W1[k]ᵀ``. Architecture: ``‖W1[k]‖_F ≤ 1`` (docs/relu3.md §1).

    >>> net = Relu3Network((((1, 0),),), ((1,),), (2,))
    >>> net.predict([[1, 0], [-1, 0]])
    (Fraction(2, 1), Fraction(0, 1))
    """

    W1: tuple[tuple[tuple[Fraction, ...], ...], ...]
    w2: tuple[tuple[Fraction, ...], ...]
    w3: tuple[Fraction, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "W1", tuple(tuple(tuple(Fraction(v) for v in u) for u in Wk)
                                             for Wk in self.W1))
        object.__setattr__(self, "w2", tuple(tuple(Fraction(v) for v in wk) for wk in self.w2))
        object.__setattr__(self, "w3", tuple(Fraction(v) for v in self.w3))
        if not (len(self.W1) == len(self.w2) == len(self.w3)):
            raise InputError("relu3 network: W1, w2 and w3 must list the same sub-networks")
        for Wk, wk in zip(self.W1, self.w2):
            if len(Wk) != len(wk):
                raise InputError("relu3 network: each sub-network needs one w2 entry per "
                                 "first-layer neuron")

    def predict(self, X: Sequence[Sequence[object]]) -> tuple[Fraction, ...]:
        """The exact output ``Σ_k ((X W_1k)_+ w_2k)_+ w_3k``."""
        Xq = to_matrix(X)
        out = []
        for x in Xq:
            tot = Fraction(0)
            for Wk, wk, ck in zip(self.W1, self.w2, self.w3):
                h = sum((max(Fraction(0), dot(x, u)) * a for u, a in zip(Wk, wk)), Fraction(0))
                tot += max(Fraction(0), h) * ck
            out.append(tot)
        return tuple(out)

    def in_architecture(self) -> bool:
        """``‖W_1k‖_F² ≤ 1`` for every sub-network, exactly."""
        return all(sum((v * v for u in Wk for v in u), Fraction(0)) <= 1 for Wk in self.W1)

    def objective(self, X: Sequence[Sequence[object]], y: Sequence[object], beta: Rational,
                  loss: str = "squared") -> Fraction:
        """The exact training objective ``ℓ(f) + (β/2) Σ_k (‖w_2k‖² + w_3k²)``.

        >>> Relu3Network((((1, 0),),), ((1,),), (1,)).objective([[1, 0]], [1], 1)
        Fraction(1, 1)
        """
        if not self.in_architecture():
            raise InputError("relu3 network: a first layer has Frobenius norm above 1 "
                             "(the architecture constrains ‖W1‖_F ≤ 1, docs/relu3.md §1)")
        yq = to_vector(y)
        b = Fraction(beta)
        pen = sum((sum((a * a for a in wk), Fraction(0)) + c * c
                   for wk, c in zip(self.w2, self.w3)), Fraction(0))
        return loss_value(loss, self.predict(X), yq) + b * pen / 2

    def to_json(self) -> dict:
        """JSON-ready form (exact numbers as strings), see README "Three-layer networks"."""
        from arrangement.rational import format_fraction as f
        return {"model": "relu3",
                "subnetworks": [{"W1": [[f(v) for v in u] for u in Wk],
                                 "w2": [f(a) for a in wk], "w3": f(c)}
                                for Wk, wk, c in zip(self.W1, self.w2, self.w3)]}

    @staticmethod
    def from_json(obj: object) -> Relu3Network:
        """Read the JSON form of :meth:`to_json` (numbers exact: ints, decimals, "p/q")."""
        from arrangement.rational import to_fraction
        if not isinstance(obj, dict) or not isinstance(obj.get("subnetworks"), list):
            raise InputError('relu3 network: expected {"subnetworks": [{"W1", "w2", "w3"}]}')
        W1, w2, w3 = [], [], []
        for k, sub in enumerate(obj["subnetworks"]):
            if not isinstance(sub, dict) or set(sub) != {"W1", "w2", "w3"}:
                raise InputError(f"relu3 network: sub-network {k} needs exactly W1, w2, w3")
            W = sub["W1"]
            if not isinstance(W, list) or not all(isinstance(u, list) for u in W):
                raise InputError(f"relu3 network: sub-network {k}: W1 must be a list of rows")
            if not isinstance(sub["w2"], list):
                raise InputError(f"relu3 network: sub-network {k}: w2 must be a list")
            W1.append(tuple(tuple(to_fraction(v, allow_float=True, where="W1") for v in u)
                            for u in W))
            w2.append(tuple(to_fraction(v, allow_float=True, where="w2") for v in sub["w2"]))
            w3.append(to_fraction(sub["w3"], allow_float=True, where="w3"))
        return Relu3Network(tuple(W1), tuple(w2), tuple(w3))


def network_from_groups(groups: Sequence[tuple[Sequence[Signed], int, Sequence[Vec]]],
                        d: int, width: int) -> Relu3Network:
    """A rational network whose output is ``Σ_g s3 (Σ_j s_j (X z_j)_+)_+`` and whose penalty is
    within ~1e-25 of ``β Σ_g Σ_j ‖z_j‖`` (docs/relu3.md §4): first-layer neuron ``z_j / r_j``,
    ``w_2j = s_j r_j / e``, ``w_3 = s3 e`` with ``r_j ≈ √(‖z_j‖ S)``, ``S ≥ Σ‖z_j‖``,
    ``e ≈ (Σ r_j²)^{1/4}``; ``Σ ‖z_j‖² / r_j² ≤ 1`` holds exactly.
    """
    W1, w2, w3 = [], [], []
    for T, s3, Z in groups:
        norms2 = [dot(z, z) for z in Z]
        if not any(norms2):
            continue
        S = sum((sqrt_up(q) for q in norms2), Fraction(0))
        neurons, outs = [], []
        rs = []
        for (_i, s), z, q in zip(T, Z, norms2):
            if q == 0:
                continue
            r = sqrt_up(sqrt_up(q) * S)
            rs.append(r)
            neurons.append(tuple(v / r for v in z))
            outs.append(s * r)
        e = sqrt_up(sqrt_up(sum((r * r for r in rs), Fraction(0))))
        while len(neurons) < width:  # zero neurons pad to the declared width
            neurons.append(tuple(Fraction(0) for _ in range(d)))
            outs.append(Fraction(0))
        W1.append(tuple(neurons))
        w2.append(tuple(o / e for o in outs))
        w3.append(s3 * e)
    return Relu3Network(tuple(W1), tuple(w2), tuple(w3))


Group3 = tuple[tuple[Signed, ...], int, tuple[Vec, ...]]   # (tuple T, s3, blocks z_j)


def group_output(X: Sequence[Sequence[Fraction]], T: Sequence[Signed], s3: int,
                 Z: Sequence[Sequence[Fraction]]) -> Vec:
    """The exact output ``s3 (Σ_j s_j (X z_j)_+)_+`` of one group (the sub-network that
    :func:`network_from_groups` builds from it): positively homogeneous of degree 1 in Z, and
    equal to ``s3 D_2 X̃_T z`` when z lies in its region's cone (docs/relu3.md §3, §4).

    >>> group_output([[1, 0], [0, 1]], ((0, 1), (1, -1)), 1, [(1, 0), (0, 2)])
    (Fraction(1, 1), Fraction(0, 1))
    """
    out = []
    for x in X:
        h = sum((s * max(Fraction(0), dot(x, z)) for (_i, s), z in zip(T, Z)), Fraction(0))
        out.append(s3 * max(Fraction(0), h))
    return tuple(out)


@dataclass
class Relu3Prune:
    """Result of :func:`prune_groups`: the pruned groups and the exact record.

    ``output_preserved``: the summed group outputs are exactly the input's (so is the loss);
    ``penalty_not_increased``: every step had ``Σ_g c_g Σ_j ‖z_{g,j}‖ ≥ 0`` (decided exactly),
    so the convex penalty ``β Σ_g Σ_j ‖z_{g,j}‖`` did not increase; ``rank``: exact rank of the
    final outputs (``= len(groups)``, linearly independent); ``steps``: Carathéodory steps made.
    """

    groups: list[Group3]
    steps: int = 0
    output_preserved: bool = True
    penalty_not_increased: bool = True
    rank: int = 0


def output_directions(X: Sequence[Sequence[Fraction]]) -> int:
    """The number of distinct nonzero rows of X up to positive scaling: the dimension bound on
    the group outputs, hence on the sub-networks of a pruned network (docs/relu3.md §4).

    >>> output_directions([[1, 0], [2, 0], [-1, 0], [0, 0], [0, 1]])
    3
    """
    seen = set()
    for x in X:
        xq = [Fraction(v) for v in x]
        k = next((c for c in range(len(xq)) if xq[c] != 0), None)
        if k is None:
            continue
        a = abs(xq[k])
        seen.add(tuple(v / a for v in xq))
    return len(seen)


def prune_groups(groups: Sequence[tuple[Sequence[Signed], int, Sequence[Sequence[Rational]]]],
                 X: Sequence[Sequence[object]]) -> Relu3Prune:
    """Exact Carathéodory pruning of three-layer groups (docs/relu3.md §4, "Pruning"; the
    two-layer version is exact/pruning.py).

    Each group's output ``N_g`` (:func:`group_output`) and its penalty ``Σ_j ‖z_{g,j}‖`` are
    both linear in a scale ``f ≥ 0`` of the group (``z → f z``). Groups are added one at a time
    to an independent set; while the outputs are linearly dependent, a rational null vector c
    (``Σ c_g N_g = 0``) oriented so that ``Σ c_g Σ_j ‖z_{g,j}‖ ≥ 0`` (exact sign,
    :func:`exact.pruning.sign_weighted_norms`) gives the step ``t = min_{c_g>0} 1/c_g``,
    ``z_g ← (1 − t c_g) z_g``: the output is unchanged, the penalty does not increase, and at
    least one group vanishes. The result has linearly independent outputs: at most
    :func:`output_directions` (≤ n) groups. Works for any z (a rounded one slightly outside
    its cone too: the outputs are the exact ReLU outputs, not the linear fits).

    >>> T = ((0, 1),)
    >>> g = [(T, 1, [(1, 0)]), (T, 1, [(2, 0)]), (((1, 1),), 1, [(0, 1)])]
    >>> r = prune_groups(g, [[1, 0], [0, 1]])
    >>> len(r.groups), r.output_preserved, r.penalty_not_increased, r.rank
    (2, True, True, 2)
    """
    from exact.pruning import null_vector, sign_weighted_norms

    Xq = to_matrix(X) if len(X) else []
    n = len(Xq)

    def total(gs: Sequence[Group3]) -> Vec:
        out = [Fraction(0)] * n
        for T, s3, Z in gs:
            for r, v in enumerate(group_output(Xq, T, s3, Z)):
                out[r] += v
        return tuple(out)

    items: list[Group3] = []
    for T, s3, Z in groups:
        Zq = tuple(tuple(Fraction(v) for v in z) for z in Z)
        if any(any(z) for z in Zq):
            items.append((tuple(T), int(s3), Zq))
    before = total(items)
    keep: list[Group3] = []
    outs: list[Vec] = []
    steps, ok_pen = 0, True
    for item in items:
        out = group_output(Xq, item[0], item[1], item[2])
        if not any(out):  # contributes nothing but penalty: dropping it lowers the objective
            continue
        keep.append(item)
        outs.append(out)
        while True:
            c = null_vector(outs)
            if c is None:
                break
            blocks = [z for _T, _s3, Z in keep for z in Z]
            cb = [ck for ck, (_T, _s3, Z) in zip(c, keep) for _z in Z]
            sgn = sign_weighted_norms(cb, blocks)
            if sgn < 0 or (sgn == 0 and max(c) <= 0):
                c = [-x for x in c]
                sgn = -sgn
            ok_pen &= sgn >= 0
            t = min(1 / x for x in c if x > 0)
            nk, no = [], []
            for ck, (T, s3, Z), o in zip(c, keep, outs):
                f = 1 - t * ck
                if f < 0:  # pragma: no cover - impossible by the choice of t
                    raise ArithmeticError("negative Carathéodory factor")
                if f:
                    nk.append((T, s3, tuple(tuple(f * v for v in z) for z in Z)))
                    no.append(tuple(f * v for v in o))
            keep, outs = nk, no
            steps += 1
    from exact.pruning import rank as exact_rank

    return Relu3Prune(keep, steps, total(keep) == before, ok_pen,
                      exact_rank(outs) if outs else 0)


def polish_scales(groups: Sequence[Group3], X: Sequence[Sequence[object]],
                  y: Sequence[object], beta: Rational, loss: str) -> list[Group3] | None:
    """For a piecewise-linear loss (:meth:`exact.losses.Loss.affine_pieces`, e.g. the hinge):
    rescale each group ``z_g → a_g z_g`` (``a_g ≥ 0`` rational) by the exact LP (cdd.gmp)

        min  Σ_j ξ_j + β Σ_g a_g P̄_g   s.t.  ξ_j ≥ a_k f_j + b_k for every piece,
             f = Σ_g a_g N_g,  a ≥ 0,

    with ``N_g`` the group outputs (:func:`group_output`) and ``P̄_g ≥ Σ_j ‖z_{g,j}‖`` rational
    (40 digits). Output and penalty are linear in the scales (docs/relu3.md §4), so this is the
    exact optimum over the family, and ``a = 1`` is feasible: the convex objective does not rise
    (beyond the ``P̄`` rounding, ~1e-40). It puts the margin points of the interior-point guess
    (``y_j f_j = 1 ± 1e-9``) exactly on the margin. None for a loss without affine pieces.

    >>> T = ((0, 1),)
    >>> g = polish_scales([(T, 1, ((Fraction(999, 1000), Fraction(0)),))], [[1, 0]], [1],
    ...                   "1/100", "hinge")
    >>> g[0][2], group_output([[1, 0]], *g[0])
    (((Fraction(1, 1), Fraction(0, 1)),), (Fraction(1, 1),))
    """
    import cdd
    import cdd.gmp

    lossobj = relu3_loss(loss)
    Xq, yq, b = to_matrix(X), to_vector(y), Fraction(beta)
    maybe = [lossobj.affine_pieces(t) for t in yq]
    pieces = [pc for pc in maybe if pc is not None]
    if len(pieces) < len(maybe):
        return None
    items = [(tuple(T), int(s3), tuple(tuple(Fraction(v) for v in z) for z in Z))
             for T, s3, Z in groups]
    if not items:
        return []
    k, n = len(items), len(yq)
    outs = [group_output(Xq, *g) for g in items]
    pbar = [sum((sqrt_up(dot(z, z), 40) for z in Z), Fraction(0)) for _T, _s, Z in items]
    zero = Fraction(0)
    rows: list[list[Fraction]] = []
    for g in range(k):  # a_g ≥ 0
        rows.append([zero] + [Fraction(int(h == g)) for h in range(k)] + [zero] * n)
    for j in range(n):  # ξ_j − a f_j − b ≥ 0
        for a, c in pieces[j]:
            rows.append([-c] + [-a * outs[g][j] for g in range(k)]
                        + [Fraction(int(i == j)) for i in range(n)])
    obj = [zero] + [b * p for p in pbar] + [Fraction(1)] * n
    mat = cdd.gmp.matrix_from_array(rows, rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MIN, obj_func=obj)
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL:  # pragma: no cover - bounded below by 0
        return None
    scales = [Fraction(x) for x in lp.primal_solution[:k]]
    if any(x < 0 for x in scales):  # pragma: no cover - cdd.gmp is exact
        raise ArithmeticError("exact LP returned a negative scale")

    def lp_value(sc: Sequence[Fraction]) -> Fraction:
        f = [sum((s_ * outs[g][j] for g, s_ in enumerate(sc)), zero) for j in range(n)]
        return sum((max(p * fj + c for p, c in pieces[j]) for j, fj in enumerate(f)), zero) \
            + b * sum((s_ * p for s_, p in zip(sc, pbar)), zero)

    if lp_value(scales) > lp_value([Fraction(1)] * k):  # pragma: no cover - a = 1 is feasible
        return None
    return [(T, s3, tuple(tuple(x * v for v in z) for z in Z))
            for (T, s3, Z), x in zip(items, scales) if x]


# -- the convex program and its certificate ------------------------------------------------------

@dataclass
class Relu3Solution:
    """A certified solve: ``lower ≤ P* ≤ upper`` (Fractions), the network attaining ``upper``,
    the dual vector ``v`` and multipliers ``nu`` (one per region and output sign) that prove
    ``lower``, and ``numeric_value`` (the solver's float guess). ``pruning`` is the exact record
    of :func:`prune_groups` (None with ``prune=False``); ``unpruned_upper`` and
    ``unpruned_network`` are the objective and the network before pruning."""

    lower: Fraction
    upper: Fraction
    network: Relu3Network
    v: Vec
    nu: list[tuple[Region, int, Vec]]
    numeric_value: float
    patterns: LiftedPatterns
    loss: str = "squared"
    pruning: Relu3Prune | None = None
    unpruned_upper: Fraction | None = None
    unpruned_network: Relu3Network | None = None

    @property
    def gap(self) -> Fraction:
        """``upper − lower`` (exact)."""
        return self.upper - self.lower

    @property
    def relative_gap(self) -> Fraction:
        """``(upper − lower) / max(|upper|, 1e-300)`` (exact)."""
        return self.gap / max(abs(self.upper), Fraction(1, 10**300))

    @property
    def target_met(self) -> bool:
        """Whether ``upper − lower ≤ GAP_TARGET · max(1, |upper|)`` (exact)."""
        return self.gap <= GAP_TARGET * max(Fraction(1), abs(self.upper))


def region_support(lp: LiftedPatterns, reg: Region, s3: int, v: Sequence[Fraction],
                   nu: Sequence[Fraction]) -> Fraction:
    """``max_j ‖Π_{C_{i_j}}(s_j XᵀD_{i_j} ω)‖²`` with ``ω = s3 D_2 v + (2D_2 − I) ν``: the squared
    bound on ``max {s3 vᵀD_2 X̃ z : z ∈ K, Σ‖z_j‖ ≤ 1}`` (docs/relu3.md §4; ν ≥ 0 required).

    >>> lp = LiftedPatterns([[1, 0], [0, 1]], width=1)
    >>> reg = lp.regions[0]
    >>> region_support(lp, reg, 1, [Fraction(1), Fraction(1)], [Fraction(0)] * 2)
    Fraction(2, 1)
    """
    if any(x < 0 for x in nu):
        raise ValueError("nu must be nonnegative")
    omega = [s3 * b * vv + (1 if b else -1) * nn for b, vv, nn in zip(reg.pattern, v, nu)]
    best = Fraction(0)
    for i, s in reg.tuple_:
        D = lp.patterns[i]
        g = [s * sum((Fraction(D[r]) * lp.Xq[r][c] * omega[r] for r in range(lp.first.n)),
                     Fraction(0)) for c in range(lp.first.d)]
        best = max(best, cone_support(lp.cones[i], g))
    return best


def _to_rational(x: float, den: int = 2**52) -> Fraction:
    return Fraction(round(float(x) * den), den)


def solve_relu3(X: Sequence[Sequence[object]], y: Sequence[object], beta: Rational, *,
                width: int = 2, loss: str = "squared", force: bool = True,
                patterns: LiftedPatterns | None = None, eps: float = 1e-11,
                prune: bool = True) -> Relu3Solution:
    """Solve the three-layer convex program (docs/relu3.md §3) and certify it exactly.

    The numeric guess (cvxpy + Clarabel) gives the groups z, the dual vector v and the lifted
    multipliers ν; exactly: ``lower`` = the loss's dual objective at ``κ v`` (v first put into
    the loss's dual domain, :meth:`exact.losses.Loss.clip_dual`) with κ at most the scale that
    makes every (region, output sign) constraint hold (:func:`region_support` ≤ β²), chosen by
    the registry's :meth:`~exact.losses.Loss.scaled_dual_bound`; ``upper`` = the exact objective
    of the reconstructed, pruned network. ``loss``: one of :data:`LOSSES`.

    >>> sol = solve_relu3([[1, 0], [0, 1]], [1, -1], "1/2", width=2)
    >>> sol.lower <= sol.upper and float(sol.relative_gap) < 1e-9
    True
    >>> h = solve_relu3([[1, 0], [0, 1]], [1, -1], "1/2", width=2, loss="hinge")
    >>> h.lower <= h.upper and float(h.relative_gap) < 1e-9, h.loss
    (True, 'hinge')
    """
    L = relu3_loss(loss)
    L.validate(y)  # class labels for the hinge
    lp = patterns if patterns is not None else LiftedPatterns(X, width=width, force=force)
    Xq = lp.Xq
    yq = to_vector(y)
    b = Fraction(beta)
    n, d = lp.first.n, lp.first.d
    if len(yq) != n:
        raise InputError(f"y has {len(yq)} entries but X has {n} rows")
    L.require_domain(yq)
    groups = [(reg, s3) for reg in lp.regions for s3 in (1, -1)]
    if groups:
        z_num, v_num, nu_num, value = numeric_guess(lp, groups, yq, b, eps, loss=loss)
    else:  # no group: the dual is unconstrained (v = y) and the empty network is optimal
        z_num, v_num, nu_num = [], np.array([float(a) for a in yq]), []
        value = float(loss_value(loss, [Fraction(0)] * n, yq))
    # -- lower bound: exact dual feasibility on every (region, sign) pair
    v = L.clip_dual(tuple(_to_rational(x) for x in v_num), yq) if groups else yq
    nus = []
    rho2 = Fraction(0)
    for (reg, s3), nu in zip(groups, nu_num):
        nuq = tuple(max(Fraction(0), _to_rational(x)) for x in nu)
        nus.append((reg, s3, nuq))
        rho2 = max(rho2, region_support(lp, reg, s3, v, nuq))
    # κ ≤ β / √ρ² keeps every constraint: ρ² is quadratic in (v, ν) (docs/relu3.md §4)
    t, _bound = L.scaled_dual_bound(v, yq, b / sqrt_up(rho2) if rho2 > 0 else None)
    v = tuple(t * a for a in v)
    nus = [(reg, s3, tuple(t * x for x in nu)) for reg, s3, nu in nus]
    lower = dual_value(loss, v, yq)
    # -- upper bound: the reconstructed network's exact objective. The interior-point guess
    # leaves many tiny groups; dropping those below a threshold changes the objective by about
    # their penalty, so the best of four thresholds is kept, then pruned exactly
    # (prune_groups: same output, penalty not increased, at most output_directions(X) groups)
    zmax = max((float(np.abs(z).max()) for z in z_num if len(z)), default=0.0)
    best: list[tuple[Fraction, list[Group3], Relu3Network]] = []
    for thr in (1e-3, 1e-5, 1e-7, 1e-9):
        gl: list[Group3] = []
        for (reg, s3), z in zip(groups, z_num):
            if float(np.abs(z).max()) <= thr * max(zmax, 1e-300):
                continue
            k = len(reg.tuple_)
            Z = tuple(tuple(_to_rational(x) for x in z[j * d:(j + 1) * d]) for j in range(k))
            gl.append((reg.tuple_, s3, Z))
        cand = network_from_groups(gl, d, lp.width)
        best.append((cand.objective(Xq, yq, b, loss), gl, cand))
    unpruned_upper, chosen, unpruned = min(best, key=lambda ug: (ug[0], len(ug[1])))
    pr = prune_groups(chosen, Xq) if prune else None
    net = network_from_groups(pr.groups, d, lp.width) if pr is not None else unpruned
    upper = net.objective(Xq, yq, b, loss)
    if pr is not None:
        # a piecewise-linear loss: the scales of the pruned groups by an exact LP (the margin
        # points of the guess put on the margin), kept when the exact objective is lower
        pol = polish_scales(pr.groups, Xq, yq, b, loss)
        if pol is not None:
            pnet = network_from_groups(prune_groups(pol, Xq).groups, d, lp.width)
            pup = pnet.objective(Xq, yq, b, loss)
            if pup < upper:
                net, upper = pnet, pup
    zero_net = loss_value(loss, [Fraction(0)] * n, yq)
    if zero_net < upper:  # the empty network is a network too
        net, upper = Relu3Network((), (), ()), zero_net
    return Relu3Solution(lower, upper, net, v, nus, value, lp, loss=loss, pruning=pr,
                         unpruned_upper=unpruned_upper, unpruned_network=unpruned)


def numeric_guess(lp: LiftedPatterns, groups: Sequence[tuple[Region, int]], y: Vec,
                  beta: Fraction, eps: float | None = 1e-11, loss: str = "squared"
                  ) -> tuple[list[np.ndarray], np.ndarray, list[np.ndarray], float]:
    """The float guess of the program over ``groups`` (pairs (region, s3)), cvxpy + Clarabel:
    ``(z per group, v, ν per group, value)``. ``eps=None`` uses Clarabel's default tolerances
    (the benchmark's baseline). ``loss`` is a name of :data:`LOSSES`: its cvxpy expression and
    its float dual come from the loss registry (y is scaled only for a loss that allows it,
    ``scale_targets``). Floats only: nothing here is claimed.

    >>> lp = LiftedPatterns([[1, 0], [0, 1]], width=1)
    >>> g = [(r, s) for r in lp.regions for s in (1, -1)]
    >>> round(numeric_guess(lp, g, (Fraction(1), Fraction(-1)), Fraction(1, 2))[3], 6)
    0.75
    """
    import warnings

    import cvxpy as cvx
    import scipy.sparse as sp

    n, d = lp.first.n, lp.first.d
    sx = float(max((abs(v) for row in lp.Xq for v in row), default=Fraction(1)) or 1)
    lossobj = relu3_loss(loss)
    sy = float(max((abs(v) for v in y), default=Fraction(1)) or 1) if lossobj.scale_targets else 1.0
    Xf = np.array([[float(v) for v in row] for row in lp.Xq]).reshape(n, d) / sx
    yf = np.array([float(v) for v in y]) / sy
    bf = float(beta) / (sx * sy)
    sizes = [len(reg.tuple_) * d for reg, _ in groups]
    offs = np.concatenate([[0], np.cumsum(sizes)]).astype(int)
    N = int(offs[-1])
    F = sp.lil_matrix((n, max(N, 1)))
    cone_blocks, lift_blocks = [], []
    for g, (reg, s3) in enumerate(groups):
        o = offs[g]
        for j, (i, s) in enumerate(reg.tuple_):
            Dcol = np.array(lp.patterns[i], dtype=float)
            Xt = s * Dcol[:, None] * Xf  # s_j D_{i_j} X
            D2 = np.array(reg.pattern, dtype=float)
            F[:, o + j * d:o + (j + 1) * d] = s3 * D2[:, None] * Xt
            a = np.array([[float(v) for v in row] for row in lp.cones[i]]).reshape(-1, d)
            if a.shape[0]:
                a = a / np.linalg.norm(a, axis=1, keepdims=True)
                blk = sp.lil_matrix((a.shape[0], max(N, 1)))
                blk[:, o + j * d:o + (j + 1) * d] = a
                cone_blocks.append(blk)
        L = sp.lil_matrix((n, max(N, 1)))
        for j, (i, s) in enumerate(reg.tuple_):
            Dcol = np.array(lp.patterns[i], dtype=float)
            sg = 2 * np.array(reg.pattern, dtype=float) - 1
            L[:, o + j * d:o + (j + 1) * d] = (sg * s * Dcol)[:, None] * Xf
        lift_blocks.append(L)
    Z = cvx.Variable(max(N, 1))
    cons = []
    if cone_blocks:
        cons.append(sp.vstack(cone_blocks).tocsr() @ Z >= 0)
    Lall = sp.vstack(lift_blocks).tocsr()
    lift_con = Lall @ Z >= 0
    cons.append(lift_con)
    Zm = cvx.reshape(Z[:N], (N // d, d), order="C")
    if lossobj.dual_source == "residual":  # the dual is a function of the output (squared)
        pred_con = None
        pred_expr = F.tocsr() @ Z
    else:  # the dual is the multiplier of f = Σ_g F_g z_g (hinge)
        pred_expr = cvx.Variable(n)
        pred_con = pred_expr == F.tocsr() @ Z
        cons.append(pred_con)
    obj = lossobj.cvxpy_loss(pred_expr, yf) + bf * cvx.sum(cvx.norm(Zm, 2, axis=1))
    prob = cvx.Problem(cvx.Minimize(obj), cons)
    tight = dict(tol_gap_abs=eps, tol_gap_rel=eps, tol_feas=eps, tol_ktratio=1e-9,
                 max_iter=500)
    for opts in ((tight, {}) if eps is not None else ({},)):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                prob.solve(solver=cvx.CLARABEL, **opts)
            except (cvx.error.SolverError, ValueError, ArithmeticError):
                continue
        if Z.value is not None and np.all(np.isfinite(Z.value)):
            break
    else:
        raise NumericError("the numeric solve of the three-layer program failed; no bound "
                           "was claimed")
    zval = np.asarray(Z.value, dtype=float) * (sy / sx)
    pred = F.tocsr() @ np.asarray(Z.value, dtype=float)
    nu_pred = None if pred_con is None else pred_con.dual_value
    nu_pred = np.zeros(n) if nu_pred is None else np.asarray(nu_pred, dtype=float).reshape(-1)
    v = np.asarray(lossobj.numeric_dual(yf, pred, nu_pred, sy), dtype=float)  # sy = 1 unless scaled
    lam = np.asarray(lift_con.dual_value, dtype=float).reshape(-1) * sy
    zs = [zval[offs[g]:offs[g + 1]] for g in range(len(groups))]
    nus = [lam[g * n:(g + 1) * n] for g in range(len(groups))]
    return zs, v, nus, float(prob.value) * sy * sy


# -- the certificate (docs/certificates.md, kind "relu3") -------------------------------------

def _farkas(facets: Sequence[Vec], a: Vec) -> list[Fraction]:
    """``μ ≥ 0`` with ``Σ_f μ_f f = a`` (a is implied by the facets), by an exact LP (cdd.gmp)."""
    import cdd
    import cdd.gmp

    k, dim = len(facets), len(a)
    rows = [[-a[c], *(f[c] for f in facets)] for c in range(dim)]  # equalities Σ μ f − a = 0
    rows += [[Fraction(0)] + [Fraction(int(t == s)) for t in range(k)] for s in range(k)]
    mat = cdd.gmp.matrix_from_array(rows, lin_set=set(range(dim)),
                                    rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MIN,
                                    obj_func=[Fraction(0)] + [Fraction(1)] * k)
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL:  # pragma: no cover - a redundant row is implied
        raise ArithmeticError("no Farkas multipliers for a redundant row")
    return [Fraction(x) for x in lp.primal_solution]


def full_cone_rows(X: Sequence[Sequence[Fraction]], pattern: Sequence[int]) -> list[Vec]:
    """All n rows ``(2D − I) X`` of a first-layer cone (zero rows included), the verifier's form.

    >>> full_cone_rows([[1, 2], [3, 4]], [1, 0])
    [(Fraction(1, 1), Fraction(2, 1)), (Fraction(-3, 1), Fraction(-4, 1))]
    """
    return [tuple(Fraction(v if b else -v) for v in x) for x, b in zip(X, pattern)]


def region_evidence(lp: LiftedPatterns, reg: Region) -> tuple[list[int], list[list[str]]]:
    """The facets of a region (indices into its row list: the n cone rows of each block, then
    the n signed lifted rows) and, for every other nonzero row, Farkas multipliers over the
    facets (strings), as the certificate lists them."""
    import cdd
    import cdd.gmp

    rows = _certificate_rows(lp, reg)
    live = [t for t, r in enumerate(rows) if any(r)]
    mat = cdd.gmp.matrix_from_array([[Fraction(0), *rows[t]] for t in live],
                                    rep_type=cdd.RepType.INEQUALITY)
    red = cdd.gmp.redundant_rows(mat)
    facets = [live[t] for t in range(len(live)) if t not in red]
    from arrangement.rational import format_fraction as f
    farkas = []
    for t in live:
        if t in facets:
            continue
        mu = _farkas([rows[u] for u in facets], rows[t])
        farkas.append([f(m) for m in mu])
    return facets, farkas


def _certificate_rows(lp: LiftedPatterns, reg: Region) -> list[Vec]:
    d, k = lp.first.d, len(reg.tuple_)
    rows: list[Vec] = []
    for j, (i, _s) in enumerate(reg.tuple_):
        for a in full_cone_rows(lp.Xq, lp.patterns[i]):
            row = [Fraction(0)] * (k * d)
            row[j * d:(j + 1) * d] = list(a)
            rows.append(tuple(row))
    for x, b in zip(lp.lifted(reg.tuple_), reg.pattern):
        rows.append(x if b else tuple(-v for v in x))
    return rows


def relu3_certificate(sol: Relu3Solution, y: Sequence[object], beta: Rational) -> dict:
    """The ``kind: "relu3"`` certificate of a solve (docs/certificates.md, "Kind relu3").

    >>> sol = solve_relu3([[1, 0], [0, 1]], [1, -1], "1/2", width=2)
    >>> cert = relu3_certificate(sol, [1, -1], "1/2")
    >>> cert["kind"], len(cert["tuples"]) == len(sol.patterns.tuples)
    ('relu3', True)
    """
    from arrangement.certificate import FORMAT, completeness_certificate
    from arrangement.rational import format_fraction as f

    lp = sol.patterns
    yq, b = to_vector(y), Fraction(beta)
    d = lp.first.d
    nu_of = {(id(reg), s3): nu for reg, s3, nu in sol.nu}
    tuples_out = []
    by_tuple: dict[tuple[Signed, ...], list[Region]] = {}
    for reg in lp.regions:
        by_tuple.setdefault(reg.tuple_, []).append(reg)
    for T in lp.tuples:
        regs_out = []
        for reg in by_tuple.get(T, []):
            facets, farkas = region_evidence(lp, reg)
            groups = []
            for s3 in (1, -1):
                nu = nu_of[(id(reg), s3)]
                omega = [s3 * bit * vv + (1 if bit else -1) * nn
                         for bit, vv, nn in zip(reg.pattern, sol.v, nu)]
                lams = []
                for i, s in T:
                    D = lp.patterns[i]
                    g = [s * sum((Fraction(D[r]) * lp.Xq[r][c] * omega[r]
                                  for r in range(lp.first.n)), Fraction(0)) for c in range(d)]
                    A = full_cone_rows(lp.Xq, D)
                    live = [r for r in range(len(A)) if any(A[r])]
                    from exact.projection import project_onto_cone
                    pc = project_onto_cone([A[r] for r in live], g)
                    lam = [Fraction(0)] * len(A)
                    for r, x in zip(live, pc.lam):
                        lam[r] = x
                    lams.append([f(x) for x in lam])
                groups.append({"s3": s3, "nu": [f(x) for x in nu], "lam": lams})
            regs_out.append({"witness": [f(x) for x in reg.witness], "facets": facets,
                             "farkas": farkas, "groups": groups})
        tuples_out.append({"neurons": [[i, s] for i, s in T], "regions": regs_out})
    net = sol.network.to_json()
    return {
        "format": FORMAT, "kind": "relu3",
        "data": {"X": [[f(v) for v in row] for row in lp.Xq], "y": [f(v) for v in yq],
                 "beta": f(b), "width": lp.width, "loss": sol.loss},
        "claims": {"lower": f(sol.lower), "upper": f(sol.upper)},
        "network": {"subnetworks": net["subnetworks"]},
        "dual": {"v": [f(x) for x in sol.v]},
        "first_layer": [list(c.witness) for c in lp.first.chambers()],
        "tuples": tuples_out,
        "completeness": completeness_certificate(lp.first),
    }
