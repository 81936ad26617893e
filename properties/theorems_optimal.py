"""Theorem checks about optimal values, optimal sets and certificates (docs/MATH.md §2, §4, §6–§9).

Every value here is a *certified interval* ``[lower, upper] ∋ P*`` from
:func:`exact.certify.solve` (reached as ``certify.solve`` so a test can plant a bug). Two values
that the theory says are equal must have overlapping intervals (after the transformation's
factor); a closed form must lie inside the interval. A check can therefore never fail because
of floating point: only a wrong bound or a false claim makes it fail.

Sizes are small (``n ≤ 5``, ``d ≤ 3``) because each example solves one or two convex programs
(about 0.1–0.5 s each).

>>> from arrangement.instances import Instance
>>> metamorphic_negate_y(Instance([[-1, 1], [0, 1], [1, 1]], y=[1, 0, 1], beta="1/10")) is None
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import sympy
from hypothesis import strategies as st

from arrangement.core import Arrangement, Chamber
from arrangement.instances import Instance
from arrangement.rational import certificate_number, to_matrix
from exact import certify, maps, optimal_set, pruning, transforms
from exact.network import Exact, Network, add, exact_eq, mul, sign
from exact.types import ChamberSource
from properties import strategies as S
from properties.registry import THEOREMS, Counterexample, theorem

__all__ = [
    "PatternItem",
    "PatternList",
    "SubArrangement",
    "certificate_corruptions",
    "certificates_verify",
    "certified_bounds_valid",
    "chambers_suffice_value",
    "closed_form_rank_one",
    "closed_form_whitened",
    "m_star_bound",
    "metamorphic_negate_y",
    "metamorphic_orthogonal",
    "metamorphic_row_permutation",
    "metamorphic_scale_X",
    "metamorphic_scale_y_beta",
    "optimal_splits",
    "prune",
    "psi_optimum_minimal",
    "gd_stationary_subsampled_optimal",
    "stationarity_tolerance",
    "subsampled_program",
]

#: Instances for the solve-based checks: every kind of data, ``n ≤ 5``, ``d ≤ 3``.
SOLVE_DATA = S.instances(S.matrices(n_max=5, d_max=3))
_CI = 8  # examples per solve-based theorem in the ci profile


def _solve(inst: Instance, **kw):
    return certify.solve(inst.X, inst.targets, inst.penalty, **kw)


def _interval(sol) -> tuple[Fraction, Fraction]:
    return Fraction(sol.lower), Fraction(sol.upper)


def _overlap(a: tuple[Fraction, Fraction], b: tuple[Fraction, Fraction]) -> bool:
    return a[0] <= b[1] and b[0] <= a[1]


def _fmt(iv: tuple[Fraction, Fraction]) -> str:
    return f"[{float(iv[0]):.12g}, {float(iv[1]):.12g}]"


def _enclose(value: Exact, bits: int = 400) -> tuple[Fraction, Fraction]:
    """A rational enclosure of an exact real algebraic number (outward-rounded intervals)."""
    if isinstance(value, Fraction):
        return value, value
    import mpmath

    from exact.network import interval_enclosure

    old = mpmath.iv.prec
    try:
        mpmath.iv.prec = bits
        r = interval_enclosure(value, mpmath.iv)

        def exact_of(raw) -> Fraction:  # a raw mpf (sign, man, exp, bc): ±man·2^exp
            sgn, man, exp, _bc = raw
            return (-1) ** sgn * Fraction(man) * Fraction(2) ** exp

        a, b = r._mpi_
        return exact_of(a), exact_of(b)
    finally:
        mpmath.iv.prec = old


def _contains(iv: tuple[Fraction, Fraction], value: Exact) -> bool:
    """False only when ``value`` is certainly outside ``iv`` (enclosures, never a float)."""
    lo, hi = _enclose(value)
    return hi >= iv[0] and lo <= iv[1]


def _objective_enclosure(W: Mapping, cp, bits: int = 300) -> tuple[Fraction, Fraction]:
    """Rational ``lo ≤ L^c(W) ≤ hi``: the loss exactly, each ‖w‖ enclosed."""
    loss = cp.loss_value(cp.prediction(W))
    lo, hi = pruning.penalty_enclosure(W, bits)
    return loss + cp.beta * lo, loss + cp.beta * hi


# ----------------------------------------------------------------------------- §4, §7 bounds


@theorem("certified_bounds_valid", strategy=S.instances_with_networks(
    matrices_strategy=S.matrices(n_max=5, d_max=3)), section="§4 §7", cost="solve",
    ci_examples=_CI)
def certified_bounds_valid(inst: Instance, net: Network) -> Counterexample | None:
    """lower ≤ upper = L_β(returned network), and lower ≤ L_β(θ) for any network θ
    (P*_c ≤ P*_m for every width m)."""
    sol = _solve(inst)
    lo, up = _interval(sol)
    if lo > up:
        return Counterexample.make("certified_bounds_valid", f"lower {lo} > upper {up}", inst)
    real = sol.network.objective(inst.X, inst.targets, inst.penalty)
    if not exact_eq(real, up):
        return Counterexample.make("certified_bounds_valid", f"upper {up} is not the returned "
                                   f"network's objective {real}", inst, sol.network)
    other = net.objective(inst.X, inst.targets, inst.penalty)
    if sign(add(other, -lo)) < 0:
        return Counterexample.make("certified_bounds_valid", f"a network has objective {other} "
                                   f"below the certified lower bound {lo}", inst, net)
    return None


# ----------------------------------------------------------------------------- §2 value


class PatternList:
    """A chamber source (:class:`exact.types.ChamberSource`) whose "chambers" are all the
    ≥-patterns (faces included), each with the cone ``C_D = {u : (2D − I) X u ≥ 0}`` written
    with every nonzero row.

    >>> from exact.types import ChamberSource
    >>> src = PatternList([[1, 0], [-1, 0]])  # 2 chambers, and the line between them
    >>> isinstance(src, ChamberSource), [c.pattern for c in src.chambers()]
    (True, [(1, 0), (0, 1), (1, 1)])
    >>> src.cone(2), src.facet_rows(2)
    ([(1, 0), (-1, 0)], [0, 1])
    """

    def __init__(self, X):
        from arrangement.faces import pattern_set

        arr = Arrangement(X)
        self.X = arr.X
        self._rows = arr.int_rows
        self._items = []
        for k, (D, w) in enumerate(pattern_set(arr.int_rows, arr.d).items()):
            signs = tuple(0 if not any(r) else (1 if D[j] else -1)
                          for j, r in enumerate(self._rows))
            self._items.append(PatternItem(k, signs, tuple(int(v) for v in w), tuple(D)))

    def chambers(self) -> list[PatternItem]:
        return self._items

    def cone(self, i: int) -> list[tuple[int, ...]]:
        D = self._items[i].pattern
        return [tuple((2 * D[j] - 1) * v for v in r) for j, r in enumerate(self._rows) if any(r)]

    def facet_rows(self, i: int) -> list[int]:
        # cone(i) row t is (2D_j − 1)·(primitive row j) = a positive multiple of σ_j x_j
        return [j for j, r in enumerate(self._rows) if any(r)]


@dataclass(frozen=True)
class PatternItem:
    """One ≥-pattern of :class:`PatternList` (an :class:`exact.types.ChamberLike`)."""

    index: int
    signs: tuple[int, ...]
    witness: tuple[int, ...]
    pattern: tuple[int, ...]


@theorem("chambers_suffice_value", strategy=S.instances(S.matrices(n_max=4, d_max=3)),
         section="§2", cost="solve", ci_examples=_CI)
def chambers_suffice_value(inst: Instance) -> Counterexample | None:
    """The convex program over chamber patterns has the value of the program over the full
    ≥-pattern set (certified intervals overlap)."""
    from exact.convex import ConvexProgram

    a = _interval(_solve(inst))
    cp = ConvexProgram(inst.X, inst.targets, inst.penalty, arrangement=PatternList(inst.X))
    b = _interval(_solve(inst, program=cp))
    if not _overlap(a, b):
        return Counterexample.make("chambers_suffice_value", f"chambers give {_fmt(a)}, all "
                                   f"{cp.p} patterns give {_fmt(b)}", inst)
    return None


# ----------------------------------------------------------------------------- §8 metamorphic


def _metamorphic(name: str, inst: Instance, other: Instance, factor: Fraction = Fraction(1),
                 **extra) -> Counterexample | None:
    a = _interval(_solve(inst))
    b = _interval(_solve(other))
    b = (b[0] / factor, b[1] / factor)
    if not _overlap(a, b):
        return Counterexample.make(name, f"P* in {_fmt(a)} but the transformed instance gives "
                                   f"{_fmt(b)} (after dividing by {factor})", inst, **extra)
    return None


@st.composite
def _with_permutation(draw):
    inst = draw(SOLVE_DATA)
    return inst, tuple(draw(st.permutations(range(inst.n))))


@theorem("metamorphic_row_permutation", strategy=_with_permutation(), section="§8",
         cost="solve", ci_examples=_CI)
def metamorphic_row_permutation(inst: Instance, perm: Sequence[int]) -> Counterexample | None:
    """Permuting the rows of (X, y) leaves P* unchanged."""
    return _metamorphic("metamorphic_row_permutation", inst, S.permute_rows(inst, perm),
                        perm=perm)


@st.composite
def _with_orthogonal(draw):
    inst = draw(SOLVE_DATA)
    return inst, draw(S.orthogonal_matrices(inst.d, max_num=2, max_den=2))


@theorem("metamorphic_orthogonal", strategy=_with_orthogonal(), section="§8", cost="solve",
         ci_examples=_CI)
def metamorphic_orthogonal(inst: Instance, Q: Sequence[Sequence[Fraction]]
                           ) -> Counterexample | None:
    """X → XQ with Q orthogonal (rational, by Cayley's transform) leaves P* unchanged."""
    return _metamorphic("metamorphic_orthogonal", inst, S.transform_columns(inst, Q), Q=Q)


@st.composite
def _with_factor(draw):
    return draw(SOLVE_DATA), draw(S.positive_rationals(4, 3))


@theorem("metamorphic_scale_X", strategy=_with_factor(), section="§8", cost="solve",
         ci_examples=_CI)
def metamorphic_scale_X(inst: Instance, c: Fraction) -> Counterexample | None:
    """P*(cX, y, β) = P*(X, y, β/c) for c > 0."""
    a = Instance(inst.X, inst.targets, inst.penalty / c)
    return _metamorphic("metamorphic_scale_X", a, S.scale_data(inst, c), c=c)


@theorem("metamorphic_scale_y_beta", strategy=_with_factor(), section="§8", cost="solve",
         ci_examples=_CI)
def metamorphic_scale_y_beta(inst: Instance, c: Fraction) -> Counterexample | None:
    """(y, β) → (cy, cβ) multiplies P* by c²."""
    return _metamorphic("metamorphic_scale_y_beta", inst, S.scale_targets(inst, c), c * c, c=c)


@theorem("metamorphic_negate_y", strategy=SOLVE_DATA, section="§8", cost="solve",
         ci_examples=_CI)
def metamorphic_negate_y(inst: Instance) -> Counterexample | None:
    """y → −y leaves P* unchanged (swap the signs of the groups)."""
    return _metamorphic("metamorphic_negate_y", inst, S.negate_targets(inst))


# ----------------------------------------------------------------------------- §9 closed forms


@st.composite
def _rank_one(draw):
    d = draw(st.integers(1, 3))
    a = draw(S.rational_unit_vectors(d, max_num=3, max_den=2))
    n = draw(st.integers(1, 5))
    c = [draw(S.rationals(3, 2)) for _ in range(n)]
    X = [[ci * aj for aj in a] for ci in c]
    return Instance(X, draw(S.targets(n)), draw(S.betas()))


def rank_one_value(X: Sequence[Sequence[Fraction]], y: Sequence[Fraction], beta: Fraction,
                   a: Sequence[Fraction]) -> Fraction:
    """docs/MATH.md §9's closed form for ``X = c aᵀ``, ``‖a‖ = 1`` (rational).

    >>> F = Fraction
    >>> rank_one_value([[F(3, 5), F(4, 5)]], [F(2)], F(1), [F(3, 5), F(4, 5)])  # ½·1² + 1·1
    Fraction(3, 2)
    """
    c = [sum(x * t for x, t in zip(row, a)) for row in X]  # X a = c (‖a‖ = 1)

    def soft(t: Fraction) -> Fraction:
        return (1 if t > 0 else -1) * max(abs(t) - beta, Fraction(0))

    yhat = [Fraction(0)] * len(c)
    reg = Fraction(0)
    for part in ([max(v, Fraction(0)) for v in c], [max(-v, Fraction(0)) for v in c]):
        nn = sum(v * v for v in part)
        if nn == 0:
            continue
        z = soft(sum((v * t for v, t in zip(part, y)), Fraction(0))) / nn
        yhat = [h + z * v for h, v in zip(yhat, part)]
        reg += abs(z)
    return sum(((h - t) ** 2 for h, t in zip(yhat, y)), Fraction(0)) / 2 + beta * reg


@theorem("closed_form_rank_one", strategy=_rank_one(), section="§9", cost="solve",
         ci_examples=_CI)
def closed_form_rank_one(inst: Instance) -> Counterexample | None:
    """For rank-one X = c aᵀ (‖a‖ = 1) the closed form of §9 lies in the certified interval."""
    row = next((r for r in inst.X if any(r)), None)
    if row is None:
        return None
    nrm2 = sum(v * v for v in row)
    # a = row/‖row‖ is rational here: X was built from a rational unit vector
    r = sympy.sqrt(sympy.Rational(nrm2.numerator, nrm2.denominator))
    if not r.is_Rational:
        return None
    nrm = Fraction(int(r.p), int(r.q))
    a = [v / nrm for v in row]
    value = rank_one_value(inst.X, inst.targets, inst.penalty, a)
    iv = _interval(_solve(inst))
    if not _contains(iv, value):
        return Counterexample.make("closed_form_rank_one", f"closed form {value} outside "
                                   f"{_fmt(iv)}", inst)
    return None


@st.composite
def _whitened(draw):
    d = draw(st.integers(1, 3))
    Q = draw(S.orthogonal_matrices(d, max_num=2, max_den=2))
    n = draw(st.integers(1, d))
    return Instance(Q[:n], draw(S.targets(n)), draw(S.betas()))


def whitened_value(y: Sequence[Fraction], beta: Fraction) -> Exact:
    """docs/MATH.md §9's ``g(‖y₊‖) + g(‖y₋‖)``, ``g(t) = βt − β²/2`` if ``t > β``, else ``t²/2``.

    >>> whitened_value([Fraction(3), Fraction(-1, 2)], Fraction(1))
    Fraction(21, 8)
    """
    total: Exact = Fraction(0)
    for part in ([max(v, Fraction(0)) for v in y], [max(-v, Fraction(0)) for v in y]):
        t2 = sum(v * v for v in part)
        if t2 > beta * beta:
            from exact.network import exact_sqrt

            total = add(total, add(mul(beta, exact_sqrt(t2)), -beta * beta / 2))
        else:
            total = add(total, t2 / 2)
    return total


@theorem("closed_form_whitened", strategy=_whitened(), section="§9", cost="solve",
         ci_examples=_CI)
def closed_form_whitened(inst: Instance) -> Counterexample | None:
    """For whitened data (XXᵀ = I) the closed form g(‖y₊‖) + g(‖y₋‖) lies in the interval."""
    value = whitened_value(inst.targets, inst.penalty)
    iv = _interval(_solve(inst))
    if not _contains(iv, value):
        return Counterexample.make("closed_form_whitened", f"closed form {value} outside "
                                   f"{_fmt(iv)}", inst)
    return None


# ----------------------------------------------------------------------------- §6, §7 optimal set


def prune(W: Mapping[tuple[int, int], Sequence[Fraction]], cp) -> dict:
    """Carathéodory pruning (docs/MATH.md §7): :func:`exact.pruning.prune`, reached through its
    module so that a test can plant a bug in it. Same fit exactly, penalty not increased, at
    most ``n`` nonzero groups.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0]], [1], 1)
    >>> W = {(i, 1): (Fraction(1), Fraction(0)) for i in range(cp.p) if cp.signs[i] == (1,)}
    >>> len(prune(W, cp)) <= 1
    True
    """
    return pruning.prune(W, cp)


class _Optimum:
    """A certified optimum and the optimal-set data the §6 checks use.

    ``W`` is a vertex of the optimal polytope with the fewest nonzero groups
    (:func:`exact.optimal_set.optimal_set`: exactly optimal when ``optset.exact``, otherwise a
    certified ``vertex_excess``-optimal point of the polytope on the certified data), and
    ``m_star`` its support size. When ``optimal_set`` raises, ``optset`` is None, ``W`` is the
    Carathéodory pruning of solve's groups (at most ``n`` groups, a certified near-optimum) and
    ``m_star`` is None: pruning gives an upper bound on the support, not m*.
    """

    def __init__(self, sol, cp, W, optset, error: str = ""):
        self.sol, self.cp, self.W, self.optset, self.error = sol, cp, W, optset, error

    @property
    def m_star(self) -> int | None:
        return None if self.optset is None else self.optset.m_star


#: what ``optimal_set`` may raise on an instance it cannot handle (then pruning stands in)
_OPTSET_ERRORS = (ArithmeticError, ValueError, ZeroDivisionError, RuntimeError)


def _optimum(inst: Instance) -> _Optimum:
    sol = _solve(inst)
    cp = sol.program
    try:
        S = optimal_set.optimal_set(sol, networks=False)
    except _OPTSET_ERRORS as exc:
        return _Optimum(sol, cp, prune(sol.groups, cp), None, f"{type(exc).__name__}: {exc}")
    return _Optimum(sol, cp, S.minimal_vertices[0], S)


def _record(name: str, *keys: str) -> None:
    thm = THEOREMS.get(name)
    if thm is not None:
        for k in keys:
            thm.record(k)


@theorem("m_star_bound", strategy=SOLVE_DATA, section="§6 §7", cost="solve", ci_examples=_CI)
def m_star_bound(inst: Instance) -> Counterexample | None:
    """m* of the certified optimal polytope (exact.optimal_set) is ≤ n + 1, its minimal vertex
    has the optimal fit and value, and pruning solve's optimum keeps fit and certification
    (stats: how often m* ≤ n; exact vs certified polytopes; pruning fallbacks)."""
    name = "m_star_bound"
    sol = _solve(inst)
    cp = sol.program
    # (1) Carathéodory pruning of solve's certified near-optimum (docs/MATH.md §7, "Pruning")
    P = prune(sol.groups, cp)
    if cp.prediction(P) != cp.prediction(sol.groups):
        return Counterexample.make(name, "pruning changed the fit", inst)
    for (i, _s), w in P.items():
        if not cp.in_cone(i, w):
            return Counterexample.make(name, f"a pruned group left cone {i}", inst)
    lo, hi = _objective_enclosure(P, cp)
    if hi < sol.lower or lo > sol.upper:
        return Counterexample.make(name, f"pruned objective in {_fmt((lo, hi))} left the "
                                   f"certified interval {_fmt(_interval(sol))}", inst)
    if len(P) > inst.n:
        return Counterexample.make(name, f"pruning left {len(P)} groups > n = {inst.n} (the "
                                   "fits should be linearly independent)", inst)
    # (2) m* from the vertices of the optimal polytope (docs/MATH.md §7, "Optimal set")
    try:
        O = optimal_set.optimal_set(sol, networks=False)
    except _OPTSET_ERRORS:
        _record(name, "examples", "optimal_set raised (pruned width only)")
        return None
    W = O.minimal_vertices[0]
    if len(W) != O.m_star or any(len(V) < O.m_star for V in O.vertices):
        return Counterexample.make(name, f"m* = {O.m_star} is not the smallest vertex support "
                                   f"{sorted(len(V) for V in O.vertices)}", inst)
    if cp.prediction(W) != tuple(O.fit):
        return Counterexample.make(name, "a minimal vertex of W* misses the optimal fit", inst)
    for (i, _s), w in W.items():
        if not cp.in_cone(i, w):
            return Counterexample.make(name, f"a minimal vertex of W* left cone {i}", inst)
    lo, hi = _objective_enclosure(W, cp)
    if hi < sol.lower:
        return Counterexample.make(name, f"a vertex of W* has objective in {_fmt((lo, hi))}, "
                                   f"below the certified lower bound {float(sol.lower):.12g}",
                                   inst)
    if O.exact and (O.value is None or not (lo <= O.value <= hi)
                    or not sol.lower <= O.value <= sol.upper):
        return Counterexample.make(name, f"exact P* = {O.value} is not the vertex objective "
                                   f"{_fmt((lo, hi))} or outside {_fmt(_interval(sol))}", inst)
    if not O.exact and O.vertex_excess is not None and lo > sol.lower + O.vertex_excess:
        return Counterexample.make(name, f"vertex objective {_fmt((lo, hi))} exceeds lower + "
                                   f"vertex_excess = {float(sol.lower + O.vertex_excess):.12g}",
                                   inst)
    if O.m_star_le_n != (O.m_star <= inst.n) or O.m_star_le_n_plus_1 != (O.m_star <= inst.n + 1):
        return Counterexample.make(name, "m_star_le_n / m_star_le_n_plus_1 disagree with m*",
                                   inst)
    _record(name, "examples", "exact W*" if O.exact else "certified W*",
            "m*<=n" if O.m_star <= inst.n else "m*=n+1" if O.m_star == inst.n + 1 else "m*>n+1")
    if O.m_star > inst.n + 1:
        return Counterexample.make(name, f"m* = {O.m_star} > n + 1 = {inst.n + 1}", inst)
    return None


@theorem("psi_optimum_minimal", strategy=SOLVE_DATA, section="§6", cost="solve",
         ci_examples=_CI)
def psi_optimum_minimal(inst: Instance) -> Counterexample | None:
    """ψ of every vertex of the certified optimal polytope (a minimal-support optimum) is a
    minimal network (closed cones, docs/MATH.md §6); the pruned optimum when optimal_set raises."""
    opt = _optimum(inst)
    ch = opt.cp.arrangement.chambers()
    verts = opt.optset.vertices[:_MAX_VERTICES] if opt.optset is not None else [opt.W]
    for W in verts:
        net = maps.psi(W)
        if not transforms.is_minimal(net, opt.cp.X, ch):
            return Counterexample.make("psi_optimum_minimal", f"psi(W) of a vertex W of W* with "
                                       f"{net.width} neurons is not minimal", inst, net)
    return None


_MAX_VERTICES = 6  # vertices of W* checked per example (ψ needs exact square roots)


@st.composite
def _with_split_seed(draw):
    return draw(SOLVE_DATA), draw(st.randoms(use_true_random=False))


@theorem("optimal_splits", strategy=_with_split_seed(), section="§6", cost="solve",
         ci_examples=_CI)
def optimal_splits(inst: Instance, rnd) -> Counterexample | None:
    """Splits of ψ(W*) are optimal (same objective as W*), and merging one (dropping zero
    neurons) gives back merge(ψ(W*)) up to the order of the neurons (W*: a minimal vertex of
    the certified optimal polytope, or the pruned optimum when optimal_set raises)."""
    opt = _optimum(inst)
    cp, W = opt.cp, opt.W
    net = maps.psi(W)
    target = maps.convex_objective(W, cp.X, cp.y, cp.beta, cp.patterns)
    copy = _split_with(net, rnd)
    obj = copy.objective(inst.X, inst.targets, inst.penalty)
    a, b = _enclose(add(obj, mul(Fraction(-1), target)))
    if a > 0 or b < 0:
        return Counterexample.make("optimal_splits", f"a split of psi(W*) has objective {obj}, "
                                   f"not {target}", inst, copy)
    merged = transforms.drop_zero(transforms.merge(copy)).neurons
    expected = transforms.drop_zero(transforms.merge(net)).neurons
    if not _same_multiset(merged, expected):
        return Counterexample.make("optimal_splits", f"merging the split gives {len(merged)} "
                                   f"neurons, merge(psi(W*)) has {len(expected)}", inst, copy)
    return None


def _split_with(net: Network, rnd) -> Network:
    """A rational split of every neuron into 1–3 parts (weights from a Pythagorean unit vector),
    permuted: like :func:`properties.strategies.split_copies`, driven by a hypothesis random."""
    from exact.network import Neuron

    out = []
    for nr in net.neurons:
        k = rnd.randint(1, 3)
        if k == 1:
            out.append(nr)
            continue
        t = [Fraction(rnd.randint(-3, 3), rnd.randint(1, 2)) for _ in range(k - 1)]
        n2 = sum(v * v for v in t)
        e = [abs(2 * v / (n2 + 1)) for v in t] + [abs((n2 - 1) / (n2 + 1))]
        out += [Neuron(tuple(mul(r, x) for x in nr.u), mul(r, nr.alpha)) for r in e]
    rnd.shuffle(out)
    return Network(tuple(out))


def _same_multiset(a: Sequence, b: Sequence) -> bool:
    if len(a) != len(b):
        return False
    rest = list(b)
    for nr in a:
        hit = next((k for k, o in enumerate(rest)
                    if exact_eq(nr.alpha, o.alpha)
                    and all(exact_eq(s, t) for s, t in zip(nr.u, o.u))), None)
        if hit is None:
            return False
        rest.pop(hit)
    return True


# ----------------------------------------------------------------------------- §7 certificates


def _verify(cert: dict) -> tuple[bool, str]:
    from exact.verify import verify_certificate

    # a JSON round trip: the verifier must accept what a file would hold
    return verify_certificate(json.loads(json.dumps(cert)))


@theorem("certificates_verify", strategy=SOLVE_DATA, section="§7", cost="solve",
         ci_examples=_CI)
def certificates_verify(inst: Instance) -> Counterexample | None:
    """The completeness certificate of the chambers and the certificate of solve both verify."""
    from arrangement.certificate import completeness_certificate

    ok, why = _verify(completeness_certificate(Arrangement(inst.X)))
    if not ok:
        return Counterexample.make("certificates_verify", f"arrangement certificate rejected: "
                                   f"{why}", inst)
    sol = _solve(inst)
    ok, why = _verify(certify.solution_certificate(sol, inst.X, inst.targets, inst.penalty))
    if not ok:
        return Counterexample.make("certificates_verify", f"solve certificate rejected: {why}",
                                   inst)
    return None


def _numeric_leaves(obj, path=()) -> list[tuple]:
    out = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("format", "kind", "loss"):
                continue
            out += _numeric_leaves(v, (*path, k))
    elif isinstance(obj, list):
        for k, v in enumerate(obj):
            out += _numeric_leaves(v, (*path, k))
    elif isinstance(obj, bool):
        pass
    elif isinstance(obj, int):
        out.append(path)
    elif isinstance(obj, str):
        try:
            Fraction(obj)
        except (ValueError, ZeroDivisionError):
            return out
        out.append(path)
    return out


def _corrupt(cert: dict, path: tuple, how: str) -> dict:
    cert = json.loads(json.dumps(cert))
    node = cert
    for k in path[:-1]:
        node = node[k]
    v = Fraction(node[path[-1]])
    new = {"plus1": v + 1, "negate": -v, "zero": Fraction(0), "half": v / 2}[how]
    node[path[-1]] = certificate_number(new)
    return cert


@st.composite
def _corruption(draw):
    inst = draw(S.instances(S.matrices(n_max=4, d_max=3)))
    return (inst, draw(st.sampled_from(["arrangement", "solve"])),
            draw(st.integers(0, 10**6)), draw(st.sampled_from(["plus1", "negate", "zero",
                                                                "half"])))


def _still_true(cert: dict) -> tuple[bool, str]:
    """Independent judgement of an accepted (corrupted) certificate's claims."""
    X = to_matrix(cert["data"]["X"])
    if cert["kind"] == "arrangement":
        arr = Arrangement(X)
        from exact.verify import arrangement_sign_vectors

        listed = arrangement_sign_vectors(cert)  # recomputed from the witnesses
        real = {c.signs for c in arr.chambers()}
        ok = listed == real and cert["claims"]["chambers"] == len(real)
        return ok, f"claims {len(listed)} chambers, the data have {len(real)}"
    y, beta = cert["data"]["y"], cert["data"]["beta"]
    sol = certify.solve(X, y, beta)
    claim = (Fraction(cert["claims"]["lower"]), Fraction(cert["claims"]["upper"]))
    return _overlap(claim, _interval(sol)), f"claims {_fmt(claim)}, P* in {_fmt(_interval(sol))}"


@theorem("certificate_corruptions", strategy=_corruption(), section="§7", cost="solve",
         ci_examples=_CI)
def certificate_corruptions(inst: Instance, kind: str, where: int, how: str
                            ) -> Counterexample | None:
    """Changing one number of a certificate gets it rejected, unless its claims are still true
    (judged independently)."""
    from arrangement.certificate import completeness_certificate

    if kind == "arrangement":
        cert = completeness_certificate(Arrangement(inst.X))
    else:
        cert = certify.solution_certificate(_solve(inst), inst.X, inst.targets, inst.penalty)
    leaves = _numeric_leaves(cert)
    path = leaves[where % len(leaves)]
    bad = _corrupt(cert, path, how)
    ok, _why = _verify(bad)
    if not ok:
        return None
    true, detail = _still_true(bad)
    if not true:
        return Counterexample.make("certificate_corruptions", f"{kind} certificate with {how} at"
                                   f" {list(path)} is accepted but false: {detail}", inst,
                                   kind=kind, path=list(path), how=how)
    return None


# ----------------------------------------------------------------------------- §6 gradient descent


#: plain gradient descent of :func:`_train`: width, steps, step-size factor, initial scale
GD_WIDTH, GD_STEPS, GD_STEP, GD_INIT = 4, 4000, Fraction(1, 4), 0.5


def _train(inst: Instance, steps: int | None = None) -> Network:
    """Plain full-batch gradient descent in float64 on ``L_β(θ) = ½‖Σ_k (Xu_k)_+ α_k − y‖² +
    (β/2)Σ_k(‖u_k‖² + α_k²)`` (width :data:`GD_WIDTH`), from a Gaussian start seeded by a hash
    of the drawn data, with the fixed step ``GD_STEP / (‖X‖₂² (1 + ‖y‖_∞) + β)``. Neurons that
    decayed to nothing (``‖u‖² + α² < 1e-24``) are removed, and the final float weights are
    converted exactly (``Fraction(float)``): the result is the rational network at which GD
    stopped.

    >>> net = _train(Instance([[1, 0], [0, 1]], y=[1, 0], beta="1/10"))
    >>> net.width <= GD_WIDTH and net.is_rational
    True
    """
    import hashlib

    import numpy as np

    X = np.array([[float(v) for v in r] for r in inst.X])
    y = np.array([float(v) for v in inst.targets])
    b = float(inst.penalty)
    seed = int(hashlib.sha256(inst.to_json_text().encode()).hexdigest()[:12], 16)
    rng = np.random.default_rng(seed)
    U = GD_INIT * rng.standard_normal((inst.d, GD_WIDTH))
    a = GD_INIT * rng.standard_normal(GD_WIDTH)
    lip = float(np.linalg.norm(X, 2)) ** 2 * (1 + float(np.abs(y).max(initial=0))) + b
    lr = float(GD_STEP) / lip
    for _ in range(GD_STEPS if steps is None else steps):
        Z = X @ U
        r = np.maximum(Z, 0) @ a - y
        ga = np.maximum(Z, 0).T @ r + b * a
        gU = X.T @ ((Z > 0) * np.outer(r, a)) + b * U
        a, U = a - lr * ga, U - lr * gU
    keep = [k for k in range(GD_WIDTH) if float(U[:, k] @ U[:, k] + a[k] * a[k]) >= 1e-24]
    from exact.network import Neuron

    return Network(tuple(Neuron(tuple(Fraction(float(x)) for x in U[:, k]), Fraction(float(a[k])))
                         for k in keep))


def _gradient(net: Network, X, y, beta: Fraction):
    """The exact gradient of ``L_β`` at a rational network whose neurons lie on no hyperplane of
    a nonzero row (where ``L_β`` is differentiable): with ``v = y − f_θ`` and ``h_k = XᵀD_k v``
    (``D_k = 1[Xu_k > 0]``), ``∇_{u_k} = −α_k h_k + β u_k`` and ``∇_{α_k} = −u_kᵀh_k + β α_k``.
    Returns ``(v, f_θ, [(∇u_k, ∇α_k, h_k)])``, or None on a hyperplane."""
    out = net.output(X)
    v = tuple(t - f for t, f in zip(y, out))
    grads = []
    for nr in net.neurons:
        pre = [sum((x * u for x, u in zip(row, nr.u)), Fraction(0)) for row in X]
        if any(p == 0 and any(row) for p, row in zip(pre, X)):
            return None
        h = tuple(sum((v[j] * X[j][c] for j in range(len(X)) if pre[j] > 0), Fraction(0))
                  for c in range(len(nr.u)))
        gu = tuple(-nr.alpha * hc + beta * uc for hc, uc in zip(h, nr.u))
        ga = -sum((uc * hc for uc, hc in zip(nr.u, h)), Fraction(0)) + beta * nr.alpha
        grads.append((gu, ga, h))
    return v, out, grads


def stationarity_tolerance(net: Network, X, y, beta: Fraction) -> tuple[Fraction, Fraction] | None:
    """``(τ, ‖∇L_β(θ)‖²)``: a rational bound on ``L_β(θ) − P*_sub`` computed from how far θ is
    from stationarity, ``P*_sub`` being the value of the convex program restricted to the
    chambers holding θ's neurons (the *subsampled* program, docs/MATH.md §6). None when a neuron
    lies
    on a hyperplane (``L_β`` not differentiable there).

    Derivation (every step exact). Write ``v = y − f_θ``, ``ŷ = f_θ``, ``ε = ∇L_β(θ)``.

    1. Summing ``u_k·∇_{u_k} + α_k ∇_{α_k} = −2α_k u_kᵀh_k + β(‖u_k‖² + α_k²)`` over k gives
       ``½⟨θ, ε⟩ = β/2 Σ(‖u_k‖² + α_k²) − vᵀŷ = L_β(θ) − (vᵀy − ½‖v‖²)``.
    2. Neuron k's chamber i has ``D_i X = D_k X`` and ``s XᵀD_i v = ±h_k`` for both signs; since
       ``α_k h_k = β u_k − ∇_{u_k}`` and projection onto a cone is nonexpansive,
       ``t_{i,±} = ‖Π_{C_i}(±h_k)‖² ≤ ‖h_k‖² ≤ ρ_k²``, ``ρ_k = (β‖u_k‖ + ‖∇_{u_k}‖)/|α_k|``
       (upper enclosures of the norms). A neuron with ``D_k X = 0`` (dead) has ``h_k = 0``
       and ``ρ_k = 0``. Take ``ρ_i = min ρ_k`` over the neurons of chamber i.
    3. ``κ = min(1, β / max_i ρ_i)`` makes κv feasible for the subsampled dual, so
       ``P*_sub ≥ κvᵀy − ½κ²‖v‖²`` (weak duality, docs/MATH.md §7), and with step 1
       ``L_β(θ) − P*_sub ≤ τ = ½⟨θ, ε⟩ + (1 − κ) vᵀŷ + ½(1 − κ)² ‖v‖²``.

    At an exact stationary point ``ε = 0``, ``‖u_k‖ = |α_k|`` and ρ_i = β, so κ = 1 and τ = 0:
    the theorem of docs/MATH.md §6 (seed 000). τ → 0 as ε → 0 as long as no neuron shrinks to 0
    (``ρ_k`` divides by ``|α_k|``: a neuron still decaying towards 0 is *not* close to
    stationary relative to its size, and its chamber may have ``t > β²`` unseen by ε).

    >>> net = Network.from_lists([((1, 0), 1)])   # scaled, and stationary for these data:
    >>> stationarity_tolerance(net, [(Fraction(1), Fraction(0))], [Fraction(2)], Fraction(1))
    (Fraction(0, 1), Fraction(0, 1))
    """
    X = tuple(tuple(Fraction(v) for v in r) for r in X)
    y = tuple(Fraction(v) for v in y)
    g = _gradient(net, X, y, beta)
    if g is None:
        return None
    v, out, grads = g
    inner = sum((sum((a * u for a, u in zip(gu, nr.u)), Fraction(0)) + ga * nr.alpha
                 for (gu, ga, _h), nr in zip(grads, net.neurons)), Fraction(0))
    gnorm2 = sum((sum((a * a for a in gu), Fraction(0)) + ga * ga for gu, ga, _h in grads),
                 Fraction(0))
    per_chamber: dict[tuple, Fraction] = {}
    for (gu, _ga, _h), nr in zip(grads, net.neurons):
        if nr.alpha == 0:
            continue  # a zero-output neuron holds no chamber (exact.transforms.held_groups)
        key = tuple(sum((x * u for x, u in zip(row, nr.u)), Fraction(0)) > 0 for row in X)
        dead = not any(any(row) for row, on in zip(X, key) if on)  # D_k X = 0, so h_k = 0
        rho = Fraction(0) if dead else (
            (beta * pruning.norm_enclosure(nr.u)[1] + pruning.norm_enclosure(gu)[1])
            / abs(nr.alpha))
        per_chamber[key] = min(rho, per_chamber.get(key, rho))
    rho_max = max(per_chamber.values(), default=Fraction(0))
    kappa = min(Fraction(1), beta / rho_max) if rho_max > 0 else Fraction(1)
    vy = sum((a * f for a, f in zip(v, out)), Fraction(0))
    vv = sum((a * a for a in v), Fraction(0))
    return inner / 2 + (1 - kappa) * vy + (1 - kappa) ** 2 * vv / 2, gnorm2


class SubArrangement:
    """The chambers ``idx`` of an arrangement as a chamber source
    (:class:`exact.types.ChamberSource`) for :class:`exact.convex.ConvexProgram`: the
    subsampled program (docs/MATH.md §6). Entry k is chamber ``idx[k]``, re-indexed to k.

    >>> from exact.types import ChamberSource
    >>> arr = Arrangement([[1, 0], [0, 1], [1, 1]])
    >>> sub = SubArrangement(arr, [4, 1])
    >>> isinstance(sub, ChamberSource), [c.index for c in sub.chambers()]
    (True, [0, 1])
    >>> sub.cone(1) == arr.cone(1), sub.facet_rows(0) == arr.facet_rows(4)
    (True, True)
    """

    def __init__(self, arr: ChamberSource, idx: Sequence[int]):
        ch = arr.chambers()
        self.X, self._arr, self._idx = arr.X, arr, list(idx)
        self._items = [Chamber(k, ch[i].signs, ch[i].witness) for k, i in enumerate(self._idx)]

    def chambers(self) -> list[Chamber]:
        return self._items

    def cone(self, k: int) -> list[tuple[int, ...]]:
        return list(self._arr.cone(self._idx[k]))

    def facet_rows(self, k: int) -> list[int]:
        return list(self._arr.facet_rows(self._idx[k]))


def subsampled_program(inst: Instance, chambers: Sequence[int],
                       arr: ChamberSource | None = None):
    """The convex program of ``inst`` restricted to the given chambers (both signs each)."""
    from exact.convex import ConvexProgram

    arr = Arrangement(inst.X) if arr is None else arr
    return ConvexProgram(inst.X, inst.targets, inst.penalty,
                         arrangement=SubArrangement(arr, chambers))


@theorem("gd_stationary_subsampled_optimal", strategy=SOLVE_DATA, section="§6", cost="solve",
         ci_examples=_CI)
def gd_stationary_subsampled_optimal(inst: Instance) -> Counterexample | None:
    """A network at which gradient descent has stopped is optimal for its subsampled
    program, up to τ from its gradient: L_β(θ) − (certified lower bound of the program on
    θ's chambers) ≤ τ + that bound's gap, and ≥ 0 (stats: τ informative, sub vs full gap).

    θ is :func:`_train`'s network (float GD, converted exactly). GD stops only approximately, so
    the exact claim is the quantitative one: τ (:func:`stationarity_tolerance`) is a rigorous
    bound on ``L_β(θ) − P*_sub`` computed from the exact gradient at θ, 0 at an exact
    stationary point; the subsampled program is solved and certified by ``certify.solve`` on
    the chambers ``exact.check.check`` reports for θ's neurons."""
    from exact import check as check_module

    name = "gd_stationary_subsampled_optimal"
    net = _train(inst)
    res = check_module.check(net, inst.X, inst.targets, inst.penalty, find_better=False,
                             certificate=False)
    tol = stationarity_tolerance(net, inst.X, inst.targets, inst.penalty)
    if tol is None:
        _record(name, "examples", "neuron on a hyperplane (skipped)")
        return None
    tau, gnorm2 = tol
    L = res.objective  # exact: θ is rational
    chambers = res.stationarity.get("chambers", [])
    if chambers:
        assert res.program is not None  # check() keeps the program it solved
        arr = res.program.arrangement
        sub = _solve(inst, program=subsampled_program(inst, chambers, arr))
        lower_sub, slack = sub.lower, sub.gap
    else:  # no neuron with α ≠ 0: the subsampled program is min ½‖y‖² (value attained)
        lower_sub, slack = sum((t * t for t in inst.targets), Fraction(0)) / 2, Fraction(0)
    gap_sub = L - lower_sub
    extra = dict(chambers=chambers, tau=tau, gradient_norm2=gnorm2, gap_sub=gap_sub,
                 theta=net.to_json_dict())
    if gap_sub < 0:
        return Counterexample.make(name, f"L(theta) = {float(L):.12g} is below the certified "
                                   f"lower bound {float(lower_sub):.12g} of its own subsampled "
                                   "program", inst, net, **extra)
    if gap_sub > tau + slack:
        return Counterexample.make(name, f"subsampled gap {float(gap_sub):.6g} exceeds the "
                                   f"stationarity tolerance {float(tau):.6g} (+ solve gap "
                                   f"{float(slack):.3g}); |grad| = {float(gnorm2) ** 0.5:.3g}",
                                   inst, net, **extra)
    full = _solve(inst)
    gap_full = L - full.lower
    keys = ["examples"]
    keys.append("tau <= 10|grad|" if tau * tau <= 100 * gnorm2 else "tau > 10|grad|")
    keys.append("gap_sub < gap_full" if gap_sub < gap_full - full.gap else
                "gap_sub ~ gap_full")
    if res.stationarity.get("subsampled_optimal"):
        keys.append("exactly subsampled-optimal")
    _record(name, *keys)
    return None
