"""Is this network a global optimum? The polynomial-time test of seed 000, with a certificate.

Wang, Lacotte & Pilanci (2022, arXiv:2006.05900, seed 000, consequence (ii)) show that checking
whether a given two-layer ReLU network θ is a global minimum of the regularised training loss is
a convex question. :func:`check` answers it exactly (docs/MATH.md §4–§7), for the squared loss as
below and for the hinge loss as in the paragraph "Hinge loss":

(a) **The network's own patterns.** For each neuron k, the chambers whose *closed* cone holds
    ``u_k`` (several when ``u_k`` lies on a hyperplane); φ(θ) (:func:`exact.maps.phi`) is the
    candidate convex point W, and ``ŷ = f_θ`` the network's exact output.
(b) **Stationarity on the subsampled program** (docs/MATH.md §6): with ``v = y − ŷ``, for every
group
    ``(i, s)`` used by θ, ``q = Π_{C_i}(s XᵀD_i v)`` (exact projection). W is optimal for the
    convex program restricted to θ's chambers iff ``‖q‖ = β`` and ``w_{i,s}`` is a positive
    multiple of q for the used groups, and ``‖q‖ ≤ β`` for the other groups of those chambers
    (the KKT conditions of the group lasso with cone constraints). Reported as diagnostics.
(c) **Dual feasibility on every chamber.** ``t_{i,s} = ‖Π_{C_i}(s XᵀD_i v)‖² = pᵀg`` for all
    chambers i and signs s, each with its projection certificate; the most violated constraint
    is the argmax of t, and the violation is ``t_max − β²`` (exact). Only the groups near the
    top are projected (:func:`exact.certify.dual_pass`, the int64 pass of
    :mod:`exact.interval_pass`): every other group is proven below ``t_max`` by a Moreau bound
    whose multipliers are checked exactly in int64 interval arithmetic on ``H = den · XᵀD_i v``,
    which is also what the certificate records.

Certified bounds. ``UB = L_β(θ)`` (the exact objective of θ: any network's objective is an upper
bound on ``P* = P*_c``); ``LB = κ vᵀy − ½ κ² ‖v‖²`` with a rational ``κ ≥ 0``,
``κ² t_max ≤ β²`` (so κv is dual feasible, weak duality of docs/MATH.md §7). The verdict is
``"optimal"`` when ``UB − LB ≤ tol · max(1, |UB|)``: θ is then within ``ε = UB − LB`` of the
global optimum of the non-convex training problem, and the certificate proves it. Otherwise the
full convex program is solved (:func:`exact.certify.solve`). If solve's lower bound LB*
puts θ within ε (``L_β(θ) − LB* ≤ ε``) the verdict is ``"optimal"`` with solve's dual vector as
the evidence — also when solve's network is slightly better: θ is within the tolerance, and the
better network is still reported. If solve's network is better by more than ε, the verdict is
``"not optimal"`` and that network is returned as ``better`` (``L_β(θ) − P*`` then lies in
``[L_β(θ) − L_β(better), L_β(θ) − LB*]``). If neither happens the verdict is ``"undecided"``.

Exactness. Rational networks are handled in Fractions throughout. Algebraic networks (e.g. ψ of
a convex point, with square roots) are accepted: their objective is exact (sympy, signs decided
by :func:`exact.network.sign`); when their output is irrational, v is replaced by a rational
approximation of ``y − ŷ`` (any rational v gives a valid lower bound) and the stationarity
diagnostics are not reported. Certificates (:func:`check_certificate`) need a rational network:
the standard-library verifier recomputes its objective in Fractions.

Hinge loss (*derived* from the hinge dual of :mod:`exact.certify`). ``y − ŷ`` is not a dual
point; its analogue is ``v_j = y_j μ_j`` with μ a subgradient of ``max(0, 1 − y_j f_j)`` at the
network's output (:func:`hinge_subgradient_dual`: ``μ_j = 1`` on broken margins, 0 on strict
ones, fitted in [0, 1] on the margin, up to a band of ``MARGIN_BAND``); steps (b), (c) and the
verdicts are then the same, with ``LB = κ Σ_j μ_j + #{y_j = 0}`` (``κ μ_j ≤ 1``, ``κ² t_max ≤
β²``). The certificate's dual source is then ``"subgradient"`` and lists the band.

Certificate (``kind: "check"``, written by :mod:`exact.certificates`): specified in
docs/certificates.md; ``exact/verify.py`` checks it.

References: Wang, Lacotte & Pilanci (2022), "The hidden convex optimization landscape of
regularized two-layer ReLU networks", arXiv:2006.05900 (seed 000; poster, seed 004); Pilanci &
Ergen (2020), "Neural networks are convex regularizers".
"""

from __future__ import annotations

import math
import operator
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import cast

from arrangement.errors import InputError
from arrangement.rational import format_fraction, to_fraction
from exact.certify import dual_pass, scaled_dual_bound
from exact.convex import ConvexProgram
from exact.losses import get_loss
from exact.network import Exact, Network, add, loss_value, mul
from exact.projection import ProjectionCertificate
from exact.transforms import is_scaled
from exact.types import Group, Vec

__all__ = ["CheckResult", "check", "check_certificate", "hinge_subgradient_dual",
           "nearly_minimal", "network_output", "neuron_signs", "number_text", "own_groups",
           "result_summary", "subgradient_dual", "VERDICTS"]

VERDICTS = ("optimal", "not optimal", "undecided")


_BITS = 256  # binary digits of the rational κ ≈ β/√t_max (a lower approximation)


@dataclass
class CheckResult:
    """The answer of :func:`check` (see the module docstring).

    ``objective`` = ``upper`` = ``L_β(θ)`` exactly; ``lower`` a certified lower bound on ``P*``;
    ``gap = upper − lower``; ``worst_chamber`` the (chamber, sign) maximising
    ``t = ‖Π_{C_i}(s XᵀD_i v)‖²`` at ``v = y − f_θ`` and ``violation = t_max − β²`` (≤ 0 iff
    ``y − f_θ`` itself is dual feasible); ``better`` a network with an exactly smaller objective
    (verdict "not optimal"), ``better_objective`` its objective, ``optimum`` solve's certified
    ``(lower, upper)`` when the full program was solved; ``stationarity`` the diagnostics of step
    (b); ``certificate`` the ``kind: "check"`` certificate (None for an algebraic network).
    """

    verdict: str
    objective: Exact
    lower: Fraction
    upper: Exact
    worst_chamber: Group | None
    violation: Fraction
    better: Network | None
    certificate: dict | None
    tol: Fraction = Fraction(1, 10**9)
    epsilon: Exact = Fraction(0)
    better_objective: Exact | None = None
    optimum: tuple[Fraction, Fraction] | None = None
    stationarity: dict = field(default_factory=dict)
    neuron_groups: list[list[Group]] = field(default_factory=list)
    dual_source: str = "residual"
    network: Network | None = field(default=None, repr=False)
    dual: Vec = field(default=(), repr=False)
    kappa: Fraction = Fraction(0)
    projections: dict[Group, ProjectionCertificate] = field(default_factory=dict, repr=False)
    #: λ ≥ 0 of the groups settled by the dual bound ‖g + Aᵀλ‖² (exact.certify.DualPieces)
    bounds: Mapping[Group, tuple] = field(default_factory=dict, repr=False)
    t: dict[Group, Fraction] = field(default_factory=dict, repr=False)
    groups: dict = field(default_factory=dict, repr=False)
    program: ConvexProgram | None = field(default=None, repr=False)
    seconds: float = 0.0

    @property
    def gap(self) -> Exact:
        """``upper − lower`` (exact): θ is within this of the global optimum."""
        return add(self.upper, -self.lower)

    @property
    def optimal(self) -> bool:
        return self.verdict == "optimal"


# -- small exact helpers --------------------------------------------------------------------------

def number_text(x: Exact) -> str:
    """An exact number as text: ``"p/q"`` for rationals, sympy's radical text otherwise.

    >>> number_text(Fraction(-3, 4)), number_text(Fraction(2))
    ('-3/4', '2')
    """
    if isinstance(x, (Fraction, int)):
        return format_fraction(Fraction(x))
    import sympy

    return sympy.sstr(x)


def _rational_approx(x: Exact, digits: int = 80) -> Fraction:
    if isinstance(x, Fraction):
        return x
    import sympy

    return Fraction(str(sympy.N(x, digits))).limit_denominator(10 ** (digits - 5))


def _le(a: Exact, b: Exact) -> bool:
    """``a ≤ b`` exactly (rational or algebraic; :func:`exact.path.compare`)."""
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return a <= b
    from exact.path import compare

    return compare(a, b) <= 0


#: Hinge loss: margins ``y_j f_j`` within this of 1 count as "on the margin" (module docstring).
MARGIN_BAND = Fraction(1, 10**9)


def hinge_subgradient_dual(cp: ConvexProgram, yhat: Sequence[Exact], W: dict,
                           band: Fraction = MARGIN_BAND) -> Vec:
    """The hinge loss's dual candidate at a network's output: ``v_j = y_j μ_j`` with ``μ`` a
    subgradient of ``max(0, 1 − y_j f_j)`` at ``f = yhat``, up to a band around the margin (the
    analogue of ``y − f`` for the squared loss, docs/MATH.md §7): :func:`subgradient_dual` for
    the hinge (whatever ``cp.loss`` is).

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2", "hinge")
    >>> hinge_subgradient_dual(cp, (Fraction(2), Fraction(0)), {})
    (Fraction(0, 1), Fraction(-1, 1))
    """
    from exact.losses import get_loss

    return subgradient_dual(cp, yhat, W, band, get_loss("hinge"))


def subgradient_dual(cp: ConvexProgram, yhat: Sequence[Exact], W: dict,
                     band: Fraction = MARGIN_BAND, loss=None) -> Vec:
    """A nonsmooth loss's dual candidate at a network's output (docs/MATH.md §11): ``v_j = a_j +
    b_j μ_j`` with ``μ_j ∈ [0, 1]`` from the loss's
    :meth:`~exact.losses.Loss.subgradient_piece` (hinge: ``v_j = y_j μ_j``; absolute:
    ``v_j = 2μ_j − 1``), a subgradient at ``f = yhat`` up to a band around the kink.

    ``μ_j = 1`` where the piece's number ``m_j ≤ −band``, ``μ_j = 0`` where ``m_j ≥ band``
    (hinge: ``m_j = y_j f_j − 1``), decided exactly. Points inside the band are "on the kink":
    their ``μ_j ∈ [0, 1]`` is fitted, by bounded least squares in floats, to the stationarity of
    θ's own groups (``Π_{C_i}(s XᵀD_i v) = β w/‖w‖`` for every nonzero group w of φ(θ),
    linearised on the face of ``C_i`` holding w: ``Zᵀ s XᵀD_i v = β Zᵀw/‖w‖`` with Z a basis of
    ``{u : a·u = 0}`` over the facets a with ``a·w = 0``) and rounded to a nearby simple
    rational in [0, 1]. The band lets a rounded optimum (margins ``1 ± 1e-16``)
    keep its free μ; any μ in [0, 1] gives a valid lower bound, the fit only makes it tight.

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2", "absolute")
    >>> subgradient_dual(cp, (Fraction(2), Fraction(-3)), {})    # above, below the targets
    (Fraction(-1, 1), Fraction(1, 1))
    """
    from exact.network import EXACT, sign

    loss = cp.loss_fn if loss is None else loss
    mus: list[Fraction | None] = []
    aff: list[tuple[Fraction, Fraction]] = []
    for t, f in zip(cp.y, yhat):
        m, a, b = loss.subgradient_piece(f, t, EXACT)
        aff.append((a, b))
        if b == 0:  # v_j = a_j whatever μ_j (a hinge point with y_j = 0)
            mus.append(Fraction(0))
            continue
        mus.append(Fraction(1) if sign(add(m, band)) <= 0 else
                   Fraction(0) if sign(add(m, -band)) >= 0 else None)
    free = [j for j, mu in enumerate(mus) if mu is None]
    if free:
        import numpy as np
        from scipy.linalg import null_space
        from scipy.optimize import lsq_linear

        Xf = np.array([[float(x) for x in row] for row in cp.X])
        A_rows, b_rows = [], []
        for (i, s), w in W.items():
            wf = np.array([float(x) for x in w])
            nw = float(np.linalg.norm(wf))
            if nw == 0:
                continue
            tight = [a for a in cp.cones[i] if sum((x * t for x, t in zip(a, w)), 0) == 0]
            Z = (null_space(np.array(tight, dtype=float)) if tight else np.eye(cp.d)).T
            if Z.shape[0] == 0:
                continue
            # F_i = S D_i X: output j's row of the group's feature map (its pooled rows)
            D = np.array(cp.patterns[i], dtype=float)
            Fi = (D[:, None] * Xf).reshape(cp.n, cp.pool, cp.d).sum(axis=1)
            fixed = sum((float(aff[j][0] + aff[j][1] * (mu or 0)) * Fi[j]
                         for j, mu in enumerate(mus)), np.zeros(cp.d))
            cols = [s * float(aff[j][1]) * Fi[j] for j in free]
            A_rows.append(Z @ np.column_stack(cols))
            b_rows.append(Z @ (float(cp.beta) * wf / nw - s * fixed))
        if A_rows:
            sol = lsq_linear(np.vstack(A_rows), np.concatenate(b_rows), bounds=(0.0, 1.0))
            guess = sol.x
        else:
            guess = np.zeros(len(free))
        for j, x in zip(free, guess):
            q = Fraction(float(x)).limit_denominator(10**6)
            if abs(float(q) - float(x)) > 1e-12:
                q = Fraction(round(float(x) * 2**40), 2**40)
            mus[j] = min(max(q, Fraction(0)), Fraction(1))
    return tuple(a + b * cast(Fraction, mu) for (a, b), mu in zip(aff, mus))  # all set above


def neuron_signs(net: Network, X: Sequence[Sequence[Fraction]]) -> list[tuple[int, ...]]:
    """``sign(X u_k)`` exactly for every neuron k (one tuple per neuron, one entry per row).

    Rational neurons in one exact integer product (X and u scaled to integers: a 17-digit float
    weight is a long rational, and one Fraction dot product per row and neuron took
    milliseconds); algebraic ones by :meth:`exact.network.Neuron.preactivation_signs`.

    >>> neuron_signs(Network.from_lists([((1, -1), 1), ((Fraction(1, 3), 0), 2)]),
    ...              [[1, 1], [0, 1], [2, 0]])
    [(0, -1, 1), (1, 0, 1)]
    """
    from arrangement import intmat

    out: list[tuple[int, ...] | None] = [None] * net.width
    ops, _Lx, _scales, rat = _integer_neurons(net, X)
    if ops is not None:
        S = intmat.sign_matmul(*ops)
        for c, k in enumerate(rat):
            out[k] = tuple(int(t) for t in S[:, c])
    return [o if o is not None else nr.preactivation_signs(X)
            for o, nr in zip(out, net.neurons)]


def _integer_data(X: Sequence[Sequence[Fraction]]) -> tuple[int, object]:
    """``(Lx, XI)``: the lcm of X's denominators and the integer matrix ``XI = Lx·X``."""
    from arrangement import intmat

    Lx = math.lcm(*(Fraction(q).denominator for row in X for q in row))
    return Lx, intmat.as_int_array([[int(Fraction(q) * Lx) for q in row] for row in X])


def _integer_neurons(net: Network, X: Sequence[Sequence[Fraction]], xdata=None):
    """``((XI, U), Lx, scales, rat)``: the integer matrices ``XI = Lx·X`` and ``U[:, c] =
    L_c·u_k`` of the rational neurons ``k = rat[c]`` (``L_c = scales[c]``, the lcm of u_k's
    denominators), whose exact product gives the preactivations ``Lx·L_c·X u_k``; ``xdata``
    is :func:`_integer_data` of X when already made (a program keeps it)."""
    from arrangement import intmat

    rat = [k for k, nr in enumerate(net.neurons) if all(isinstance(t, Fraction) for t in nr.u)]
    if not rat or not X:
        return None, 1, [], rat
    Lx, XI = xdata if xdata is not None else _integer_data(X)
    cols, scales = [], []
    for k in rat:
        u = cast(tuple[Fraction, ...], net.neurons[k].u)
        Lu = math.lcm(*(t.denominator for t in u))
        cols.append([t.numerator * (Lu // t.denominator) for t in u])
        scales.append(Lu)
    U = intmat.as_int_array([list(c) for c in zip(*cols)])  # d × (rational neurons)
    return (XI, U), Lx, scales, rat


def network_output(net: Network, X: Sequence[Sequence[Fraction]]) -> tuple[Exact, ...]:
    """``f_θ(X)`` exactly, as :meth:`exact.network.Network.output`; a rational network in one
    integer product and one common denominator (the Fraction dot products per row and neuron
    took most of a check on 20k chambers once the dual pass was fast).

    >>> net = Network.from_lists([((1, Fraction(-1, 3)), 2), ((Fraction(1, 2), 0), -1)])
    >>> X = [[1, 1], [3, 0], [-1, 2]]
    >>> network_output(net, X) == net.output(X)
    True
    """
    if not net.is_rational or not net.width or not X:
        return net.output(X)
    return _RationalNetwork(net, X).output()


class _RationalNetwork:
    """A rational network's exact preactivations ``Lx·L_c·X u_k`` as one integer product
    (:func:`_integer_neurons`), read for its signs, its output and φ's group sums: one product
    and one common denominator each, where check made two products and Fraction sums."""

    def __init__(self, net: Network, X: Sequence[Sequence[Fraction]], xdata=None):
        from arrangement import intmat

        self.net = net
        ops, self.Lx, self.scales, self.rat = _integer_neurons(net, X, xdata)
        self.U = ops[1].T.tolist() if ops is not None else []  # per neuron: L_c·u_k
        self.Z = intmat.matmul(*ops).tolist() if ops is not None else []  # rows × neurons

    def signs(self) -> list[tuple[int, ...]]:
        """``sign(X u_k)`` per neuron (as :func:`neuron_signs`)."""
        cols = list(zip(*self.Z)) if self.Z else [() for _ in self.rat]
        return [tuple((z > 0) - (z < 0) for z in col) for col in cols]

    def output(self) -> tuple[Fraction, ...]:
        """``f_θ(X)`` (as :func:`network_output`)."""
        Lx, scales = self.Lx, self.scales
        alphas = [cast(Fraction, self.net.neurons[k].alpha) for k in self.rat]
        L = Lx * math.lcm(*(sc * a.denominator for sc, a in zip(scales, alphas)))
        w = [a.numerator * (L // (Lx * sc * a.denominator)) for sc, a in zip(scales, alphas)]
        return tuple(Fraction(sum(c * z for c, z in zip(w, row) if z > 0), L) for row in self.Z)

    def group_sums(self, chosen: Mapping[int, int]) -> dict:
        """:func:`exact.maps.group_sums` (``Σ |α_k| u_k`` per group, zero sums dropped, in
        :func:`exact.maps.group_key_order`), over one common denominator per group."""
        from exact.maps import group_key_order

        col = {k: c for c, k in enumerate(self.rat)}
        members: dict[Group, list[tuple[int, Fraction]]] = {}
        for k, i in chosen.items():
            a = cast(Fraction, self.net.neurons[k].alpha)
            if a:
                members.setdefault((i, 1 if a > 0 else -1), []).append((col[k], abs(a)))
        out = {}
        for key in sorted(members, key=group_key_order):
            ms = members[key]
            # |α_k| u_k = (an / ad)(U_k / L_k): every term over M = lcm(ad·L_k)
            M = math.lcm(*(a.denominator * self.scales[c] for c, a in ms))
            num = [0] * len(self.U[0])
            for c, a in ms:
                f = a.numerator * (M // (a.denominator * self.scales[c]))
                for j, x in enumerate(self.U[c]):
                    num[j] += f * x
            if any(num):
                out[key] = tuple(Fraction(x, M) for x in num)
        return out


def own_groups(net: Network, cp: ConvexProgram) -> tuple[list[list[Group]], dict]:
    """``(held, W)``: :func:`exact.transforms.held_groups` and φ(θ) (:func:`exact.maps.phi`,
    each neuron in its lowest chamber) of a network on the program's chambers, the same values,
    with the chamber matching of all neurons done on the program's int8 sign matrix (the
    per-chamber tuple loops took seconds on 20k chambers).

    >>> cp = ConvexProgram([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> net = Network.from_lists([((1, 0), 1), ((2, 0), 2), ((0, -1), -1)])
    >>> held, W = own_groups(net, cp)
    >>> from exact.maps import phi
    >>> from exact.transforms import held_groups
    >>> W == phi(net, cp.X, cp.signs), held == held_groups(net, cp.X, cp.signs)
    (True, True)
    """
    return _own_groups(net, cp, None)


def _own_groups(net: Network, cp: ConvexProgram, rn: _RationalNetwork | None
                ) -> tuple[list[list[Group]], dict]:
    """:func:`own_groups`, the signs and group sums read from ``rn`` when given (a rational
    network's one integer product)."""
    import numpy as np

    from exact.maps import group_sums
    from exact.network import sign

    packed = cp.cache.get("check_packed_signs")
    if packed is None:  # per program: each chamber's + and − rows as bits, in 64-bit words
        S = np.asarray(cp.signs, dtype=np.int8).reshape(cp.p, cp.rows)
        packed = cp.cache["check_packed_signs"] = (_words(S > 0), _words(S < 0))
    pos, neg = packed
    signs = [sign(nr.alpha) for nr in net.neurons]
    live = [k for k, s in enumerate(signs) if s != 0]
    held: list[list[Group]] = [[] for _ in net.neurons]
    chosen: dict[int, int] = {}
    if live:
        sg = rn.signs() if rn is not None else neuron_signs(net, cp.X)
        SU = np.array([sg[k] for k in live], dtype=np.int8).reshape(len(live), cp.rows)
        nb, pb = _words(SU < 0), _words(SU > 0)
        # the closed cone of chamber i holds u iff no row has opposite strict signs, i.e. iff
        # i's sign vector (±1, 0 only on the zero rows of X) completes u's on its zero rows:
        # the 2^z completions looked up among the chambers' packed sign vectors (a neuron of
        # an optimum lies on a few hyperplanes); a neuron on many hyperplanes is matched
        # against every chamber below
        index = cp.cache.get("check_sign_index")
        if index is None:  # per program: packed sign vector -> chamber, the free rows' bits
            S = np.asarray(cp.signs, dtype=np.int8).reshape(cp.p, cp.rows)
            free = (S != 0).any(axis=0)  # not a zero row of X
            index = cp.cache["check_sign_index"] = (
                {k: i for i, k in enumerate(_keys(pos, neg))},
                _keys(_words(free[None, :]), _words(np.zeros((1, cp.rows), dtype=bool)))[0])
        table, free_key = index
        shift = 64 * pos.shape[1]
        fmask = free_key >> shift
        scan = []
        for c, (k, key) in enumerate(zip(live, _keys(pb, nb))):
            P, N = key >> shift, key & ((1 << shift) - 1)
            Z = fmask & ~(P | N)
            if Z.bit_count() > _MAX_COMPLETION_BITS:
                scan.append(c)
                continue
            ids, sub = [], Z
            while True:  # every subset of Z's bits: those rows +, the others −
                i = table.get(((P | sub) << shift) | (N | (Z & ~sub)))
                if i is not None:
                    ids.append(i)
                if not sub:
                    break
                sub = (sub - 1) & Z
            if not ids:
                raise InputError(f"no listed chamber's closed cone holds neuron {k}")
            ids.sort()
            held[k], chosen[k] = [(i, signs[k]) for i in ids], ids[0]
        if scan:
            # the closed cone of chamber i holds u iff no row has opposite strict signs: all
            # those neurons at once, one 64-bit AND per word (p × neurons)
            nb, pb = nb[scan], pb[scan]
            clash = np.zeros((cp.p, len(scan)), dtype=bool)
            for w in range(pos.shape[1]):
                clash |= ((pos[:, w, None] & nb[None, :, w])
                          | (neg[:, w, None] & pb[None, :, w])) != 0
            ks, idx = np.nonzero(~clash.T)  # by neuron, then by chamber
            cuts = np.searchsorted(ks, np.arange(len(scan) + 1))
            for t, c in enumerate(scan):
                k = live[c]
                ids = idx[cuts[t]:cuts[t + 1]].tolist()
                if not ids:
                    raise InputError(f"no listed chamber's closed cone holds neuron {k}")
                held[k] = [(i, signs[k]) for i in ids]
                chosen[k] = ids[0]
        chosen = dict(sorted(chosen.items()))  # by neuron, as group_sums has always seen it
    return held, (rn.group_sums(chosen) if rn is not None else group_sums(net, chosen))


#: own_groups looks up the 2^z sign completions of a neuron on z ≤ this many hyperplanes
_MAX_COMPLETION_BITS = 8


def _keys(pos, neg) -> list[int]:
    """Each row's packed ``+`` and ``−`` words (:func:`_words`) as one integer: the ``+``
    words' bits above the ``−`` words' (``64·words`` bits each)."""
    import numpy as np

    # one little-endian integer per row of [neg words | pos words]: the same bits, one
    # conversion per row (two per row and a shift were most of a first check at (40, 4))
    L = 16 * pos.shape[1]
    b = np.ascontiguousarray(np.hstack([neg, pos])).tobytes()
    return [int.from_bytes(b[k:k + L], "little") for k in range(0, len(b), L)]


def _words(B):
    """The rows of a boolean matrix as bits in 64-bit words (``m × ⌈n/64⌉`` uint64), packed
    the same way for every matrix of the same width: bitwise AND of two such rows is the AND
    of the rows."""
    import numpy as np

    b = np.packbits(np.asarray(B, dtype=bool), axis=1)
    pad = (-b.shape[1]) % 8
    if pad or not b.shape[1]:
        b = np.pad(b, ((0, 0), (0, pad if b.shape[1] else 8)))
    return np.ascontiguousarray(b).view(np.uint64)


def nearly_minimal(net: Network, held: list[list[Group]]) -> bool:
    """:func:`exact.transforms.is_nearly_minimal` from the network's held groups
    (:func:`own_groups`): scaled, and the neurons each group holds positively colinear.

    >>> net = Network.from_lists([((0, 1), 1), ((0, 2), 2)])
    >>> nearly_minimal(net, [[(0, 1)], [(0, 1)]])
    True
    >>> nearly_minimal(Network.from_lists([((0, 1), 1), ((1, 0), 1)]), [[(0, 1)], [(0, 1)]])
    False
    """
    from exact.transforms import positively_colinear

    if not is_scaled(net):
        return False
    members: dict[Group, list[int]] = {}
    for k, gs in enumerate(held):
        for g in gs:
            members.setdefault(g, []).append(k)
    return all(positively_colinear(net.neurons[ks[0]].u, net.neurons[a].u)
               for ks in members.values() for a in ks[1:])


def _stationarity(net: Network, cp: ConvexProgram, W: dict, held: list[list[Group]],
                  v: Vec, certs, ts, exact_v: bool) -> dict:
    """Step (b): KKT conditions of the program restricted to θ's own chambers (docs/MATH.md §6)."""
    out: dict = {"scaled": is_scaled(net), "nearly_minimal": nearly_minimal(net, held)}
    chambers = sorted({i for gs in held for i, _ in gs})
    out["chambers"] = chambers
    if not exact_v or not all(isinstance(t, Fraction) for w in W.values() for t in w):
        out.update(stationary=None, subsampled_optimal=None, groups=[])
        return out
    b2 = cp.beta * cp.beta
    rows = []
    for g, w in W.items():
        # q ∥ w with q·w > 0, on integer multiples of q and w (positive scalings: the same)
        qn = certs[g].integer_form()[0]
        L = math.lcm(*(x.denominator for x in w))
        wn = [x.numerator * (L // x.denominator) for x in w]
        qw = sum(map(operator.mul, qn, wn))
        parallel = qw > 0 and qw * qw == (sum(map(operator.mul, qn, qn))
                                          * sum(map(operator.mul, wn, wn)))
        rows.append({"group": g, "t": ts[g], "norm_is_beta": ts[g] == b2, "parallel": parallel})
    stationary = all(r["norm_is_beta"] and r["parallel"] for r in rows)
    others_ok = False
    if stationary:
        # the other groups of θ's chambers: t ≤ β². A group left unprojected is bounded by
        # t_max, which settles it when t_max ≤ β²; otherwise it is projected now
        tmax = max(ts.values(), default=Fraction(0))
        others_ok = True
        for g in ((i, s) for i in chambers for s in (1, -1)):
            if g in W:
                continue
            if g not in ts:
                if tmax <= b2:
                    continue
                from exact.optimal_set import group_projection

                certs[g] = c = group_projection(cp, g, v)
                ts[g] = c.norm2
            if ts[g] > b2:
                others_ok = False
                break
    out.update(groups=rows, stationary=stationary, subsampled_optimal=stationary and others_ok)
    return out


# -- the test -------------------------------------------------------------------------------------
def check(net: Network, X: Sequence[Sequence[object]], y: Sequence[object], beta: object, *,
          tol: object = Fraction(1, 10**9), arrangement=None, loss: str = "squared",
          program: ConvexProgram | None = None, find_better: bool = True,
          certificate: bool = True) -> CheckResult:
    """Certified global-optimality test of a two-layer ReLU network (module docstring; seed 000).

    Returns a :class:`CheckResult`: verdict ``"optimal"`` when ``L_β(θ) − LB ≤ tol·max(1, L_β(θ))``
    for a certified lower bound LB on ``P*``, else ``"not optimal"`` with a network of exactly
    smaller objective (from :func:`exact.certify.solve`, unless ``find_better=False``).

    >>> from exact.network import Network
    >>> X, y, beta = [[-1, 1], [0, 1], [1, 1]], [1, 0, 1], Fraction(1, 10)  # docs/MATH.md §9
    >>> r = check(Network.from_lists([((0, 1), 1)]), X, y, beta)
    >>> r.verdict, r.better_objective < r.objective
    ('not optimal', True)
    >>> r.worst_chamber, r.violation > 0
    ((3, -1), True)

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900 (seed 000 §"checking global
    optimality", poster 004); docs/MATH.md §5–§7.
    """
    from arrangement.blas import single_threaded_blas

    with single_threaded_blas():
        return _check(net, X, y, beta, tol=tol, arrangement=arrangement, loss=loss,
                      program=program, find_better=find_better, certificate=certificate)


def _check(net: Network, X, y, beta, *, tol, arrangement, loss: str, program, find_better: bool,
           certificate: bool) -> CheckResult:
    t0 = time.perf_counter()
    get_loss(loss)  # an unknown name: InputError with the registry's names
    cp = program if program is not None else ConvexProgram(X, y, beta, loss, arrangement)
    tol = to_fraction(tol, where="tol")
    if tol < 0:
        raise InputError(f"tol must be >= 0, got {format_fraction(tol)}")
    if net.width and net.dim != cp.d:
        raise InputError(f"the network has input dimension {net.dim} but X has {cp.d} columns")
    # (a) the network's own patterns, φ(θ), the exact output and objective
    rn = None
    if net.is_rational and net.width and cp.X:
        xdata = cp.cache.get("check_integer_X")
        if xdata is None:  # per program: Lx and the integer matrix Lx·X
            xdata = cp.cache["check_integer_X"] = _integer_data(cp.X)
        rn = _RationalNetwork(net, cp.X, xdata)
    held, W = _own_groups(net, cp, rn)
    yhat = rn.output() if rn is not None else network_output(net, cp.X)
    if cp.pool == 1:  # the objective from that output (Network.objective recomputes it)
        objective = add(loss_value(yhat, cp.y, cp.loss), net.penalty(cp.beta))
    else:
        objective = net.objective(cp.X, cp.y, cp.beta, loss=loss)
    exact_v = all(isinstance(t, Fraction) for t in yhat)
    v = cp.loss_fn.residual_dual(cp.y, [f if isinstance(f, Fraction) else _rational_approx(f)
                                        for f in yhat])
    if v is None:  # a nonsmooth loss: a subgradient, fitted on the kinks
        v = subgradient_dual(cp, yhat, W)
    # (c) dual feasibility on every chamber, (b) stationarity on θ's own chambers
    # floor 0: the largest t is exact, so is the worst chamber; θ's groups projected exactly
    dp = dual_pass(cp, v, must=list(W))
    certs, ts = dp.certs, dp.ts
    tmax = dp.tmax  # then the ties by == (cheap), not every pair of t by <
    worst = min((g for g, t in ts.items() if t == tmax), key=lambda g: (g[0], -g[1]),
                default=None)
    violation = tmax - cp.beta * cp.beta
    kappa, lower = scaled_dual_bound(v, cp.y, cp.beta, tmax, loss, _BITS)
    stat = _stationarity(net, cp, W, held, v, certs, ts, exact_v)
    eps = mul(tol, objective) if not _le(objective, Fraction(1)) else tol
    res = CheckResult(verdict="optimal", objective=objective, lower=lower, upper=objective,
                      worst_chamber=worst, violation=violation, better=None, certificate=None,
                      tol=tol, epsilon=eps, stationarity=stat, neuron_groups=held,
                      network=net, dual=v, kappa=kappa, projections=certs, bounds=dp.bounds, t=ts,
                      groups=W, program=cp,
                      dual_source=cp.loss_fn.dual_source)
    if not _le(add(objective, -lower), eps):
        res.verdict = "undecided"
        if find_better:
            _compare_with_optimum(res, cp)
    res.seconds = time.perf_counter() - t0
    if certificate and net.is_rational:
        res.certificate = check_certificate(res)
    return res


def _compare_with_optimum(res: CheckResult, cp: ConvexProgram) -> None:
    """Solve the convex program; decide the verdict by the documented meaning of ``tol``.

    "optimal" when solve's lower bound puts θ within ε of ``P*`` (even if solve found a
    slightly better network: θ is still within the tolerance, and the better network is
    reported beside the verdict); "not optimal" when a network better by more than ε exists
    (so θ is more than ε above ``P*``); "undecided" otherwise.
    """
    from exact.certify import solve

    stol = min(Fraction(1, 10**12), res.tol / 100) if res.tol > 0 else Fraction(1, 10**30)
    sol = solve(cp.X, cp.y, cp.beta, cp.loss, tol=stol, program=cp)
    better_obj = sol.network.objective(cp.X, cp.y, cp.beta, loss=cp.loss)
    res.optimum = (sol.lower, sol.upper)
    if not _le(res.objective, better_obj):
        res.better, res.better_objective = sol.network, better_obj
    if _le(add(res.objective, -sol.lower), res.epsilon):
        # solve's dual closes the gap to within ε: θ is optimal in the documented sense
        res.verdict = "optimal"
        res.lower, res.kappa, res.dual = sol.lower, sol.kappa, sol.dual
        res.projections = sol.projections
        res.bounds = sol.bounds
        res.dual_source = "solve"
    elif res.better is not None and not _le(add(res.objective, -better_obj), res.epsilon):
        res.verdict = "not optimal"


# -- the certificate ------------------------------------------------------------------------------
def check_certificate(result: CheckResult, *, completeness: bool = True) -> dict:
    """The ``kind: "check"`` certificate (docs/certificates.md): a re-export of
    :func:`exact.certificates.check_certificate`; ``completeness`` embeds the arrangement's
    completeness certificate (without it the verifier answers "not proved").

    >>> r = check(Network.from_lists([((0, 1), 1)]), [[1, 0], [0, 1]], [1, -1], "1/2")
    >>> cert = check_certificate(r)
    >>> cert["kind"], cert["claims"]["verdict"], cert["dual"]["source"]
    ('check', 'not optimal', 'residual')
    >>> from exact.verify import verify_certificate
    >>> verify_certificate(cert)[0]
    True
    """
    from exact.certificates import check_certificate as write

    return write(result, completeness=completeness)


def result_summary(result: CheckResult) -> dict:
    """The JSON-ready summary behind ``relucvx check --json`` (exact numbers as text).

    >>> r = check(Network.from_lists([((0, 1), 1)]), [[1, 0], [0, 1]], [1, -1], "1/2")
    >>> s = result_summary(r)
    >>> s["verdict"], s["worst_chamber"], s["objective"]
    ('not optimal', [0, -1], '3')
    """
    st = result.stationarity
    out: dict = {
        "verdict": result.verdict,
        "objective": number_text(result.objective),
        "lower": number_text(result.lower),
        "upper": number_text(result.upper),
        "gap": number_text(result.gap),
        "tol": number_text(result.tol),
        "epsilon": number_text(result.epsilon),
        "worst_chamber": list(result.worst_chamber) if result.worst_chamber else None,
        "violation": number_text(result.violation),
        "dual_source": result.dual_source,
        "loss": result.program.loss if result.program is not None else None,
        "kappa": number_text(result.kappa),
        "chambers": result.program.p if result.program is not None else None,
        "width": result.network.width if result.network is not None else None,
        "neuron_groups": [[list(g) for g in gs] for gs in result.neuron_groups],
        "scaled": st.get("scaled"),
        "nearly_minimal": st.get("nearly_minimal"),
        "stationary": st.get("stationary"),
        "subsampled_optimal": st.get("subsampled_optimal"),
        "seconds": round(result.seconds, 4),
    }
    if result.optimum is not None:
        out["optimum_lower"] = number_text(result.optimum[0])
        out["optimum_upper"] = number_text(result.optimum[1])
    if result.better_objective is not None:
        out["better_objective"] = number_text(result.better_objective)
        out["excess_lower"] = number_text(add(result.objective, -result.better_objective))
        if result.optimum is not None:
            out["excess_upper"] = number_text(add(result.objective, -result.optimum[0]))
    return out
