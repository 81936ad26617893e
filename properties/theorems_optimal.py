"""Theorem checks about optimal values, optimal sets and certificates (MATH.md §2, §4, §6–§9).

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
from fractions import Fraction

import sympy
from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.instances import Instance
from arrangement.rational import to_matrix
from exact import certify, maps, transforms
from exact.network import Exact, Network, add, exact_eq, mul, sign
from properties import strategies as S
from properties.registry import THEOREMS, Counterexample, theorem

__all__ = [
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
]

#: Instances for the solve-based checks: every kind of data, ``n ≤ 5``, ``d ≤ 3``.
SOLVE_DATA = S.instances(S.matrices(n_max=5, d_max=3))
_CI = 8  # examples per solve-based theorem in the ci profile


def _solve(inst: Instance, **kw):
    return certify.solve(inst.X, inst.y, inst.beta, **kw)


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

    from exact.network import _interval

    old = mpmath.iv.prec
    try:
        mpmath.iv.prec = bits
        r = _interval(value, mpmath.iv)

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


def _sqrt_enclosure(q: Fraction, bits: int) -> tuple[Fraction, Fraction]:
    """``lo ≤ √q ≤ hi`` with rationals ``2^-bits`` apart (integer square roots)."""
    import math

    scale = 4**bits
    f = math.isqrt(q.numerator * scale // q.denominator)
    return Fraction(f, 2**bits), Fraction(f + 1, 2**bits)


def _objective_enclosure(W: Mapping, cp, bits: int = 300) -> tuple[Fraction, Fraction]:
    """Rational ``lo ≤ L^c(W) ≤ hi``: the loss exactly, each ‖w‖ enclosed."""
    loss = cp.loss_value(cp.prediction(W))
    lo = hi = Fraction(0)
    for w in W.values():
        a, b = _sqrt_enclosure(sum(v * v for v in w), bits)
        lo, hi = lo + a, hi + b
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
    real = sol.network.objective(inst.X, inst.y, inst.beta)
    if not exact_eq(real, up):
        return Counterexample.make("certified_bounds_valid", f"upper {up} is not the returned "
                                   f"network's objective {real}", inst, sol.network)
    other = net.objective(inst.X, inst.y, inst.beta)
    if sign(add(other, -lo)) < 0:
        return Counterexample.make("certified_bounds_valid", f"a network has objective {other} "
                                   f"below the certified lower bound {lo}", inst, net)
    return None


# ----------------------------------------------------------------------------- §2 value


class _PatternList:
    """A stand-in for :class:`Arrangement` whose "chambers" are all the ≥-patterns (faces
    included), each with the cone ``C_D = {u : (2D − I) X u ≥ 0}`` written with every row."""

    def __init__(self, X):
        from arrangement.faces import pattern_set

        arr = Arrangement(X)
        self.X = arr.X
        self._rows = arr.int_rows
        self._items = []
        for k, (D, w) in enumerate(pattern_set(arr.int_rows, arr.d).items()):
            signs = tuple(0 if not any(r) else (1 if D[j] else -1)
                          for j, r in enumerate(self._rows))
            self._items.append(_Item(k, signs, w, D))

    def chambers(self):
        return self._items

    def cone(self, i: int) -> list[tuple[int, ...]]:
        D = self._items[i].pattern
        return [tuple((2 * D[j] - 1) * v for v in r) for j, r in enumerate(self._rows) if any(r)]


class _Item:
    def __init__(self, index, signs, witness, pattern):
        self.index, self.signs, self.witness, self.pattern = index, signs, witness, pattern


@theorem("chambers_suffice_value", strategy=S.instances(S.matrices(n_max=4, d_max=3)),
         section="§2", cost="solve", ci_examples=_CI)
def chambers_suffice_value(inst: Instance) -> Counterexample | None:
    """The convex program over chamber patterns has the value of the program over the full
    ≥-pattern set (certified intervals overlap)."""
    from exact.convex import ConvexProgram

    a = _interval(_solve(inst))
    cp = ConvexProgram(inst.X, inst.y, inst.beta, arrangement=_PatternList(inst.X))
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
    a = Instance(inst.X, inst.y, inst.beta / c)
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
    """MATH.md §9's closed form for ``X = c aᵀ``, ``‖a‖ = 1`` (rational).

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
        z = soft(sum(v * t for v, t in zip(part, y))) / nn
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
    value = rank_one_value(inst.X, inst.y, inst.beta, a)
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
    """MATH.md §9's ``g(‖y₊‖) + g(‖y₋‖)``, ``g(t) = βt − β²/2`` if ``t > β``, else ``t²/2``.

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
    value = whitened_value(inst.y, inst.beta)
    iv = _interval(_solve(inst))
    if not _contains(iv, value):
        return Counterexample.make("closed_form_whitened", f"closed form {value} outside "
                                   f"{_fmt(iv)}", inst)
    return None


# ----------------------------------------------------------------------------- §6, §7 optimal set


def _fits(W: Mapping, cp) -> list[tuple[Fraction, ...]]:
    return [cp.fit(i, s, w) for (i, s), w in W.items()]


def prune(W: Mapping[tuple[int, int], Sequence[Fraction]], cp) -> dict:
    """Carathéodory pruning (MATH.md §7): while the fits ``F_g = s D_i X w_g`` are linearly
    dependent, ``Σ c_g F_g = 0``, orient c so that ``Σ c_g ‖w_g‖ ≥ 0`` (decided exactly) and set
    ``w_g ← (1 − c_g/c_max) w_g``: the fit is unchanged, the penalty does not increase, and one
    group vanishes. At the end the fits are independent, so at most ``rank ≤ n`` groups remain.

    >>> from exact.convex import ConvexProgram
    >>> cp = ConvexProgram([[1, 0]], [1], 1)
    >>> W = {(i, 1): (Fraction(1), Fraction(0)) for i in range(cp.p) if cp.signs[i] == (1,)}
    >>> len(prune(W, cp)) <= 1
    True
    """
    W = {k: tuple(Fraction(v) for v in w) for k, w in W.items() if any(w)}
    while len(W) > 0:
        keys = sorted(W)
        c = _null_vector(_fits({k: W[k] for k in keys}, cp))
        if c is None:
            return W

        if _weighted_norm_sign(c, [W[k] for k in keys]) < 0:
            c = [-v for v in c]
        if max(c) <= 0:  # Σ c_g ‖w_g‖ = 0: either orientation keeps the penalty
            c = [-v for v in c]
        cmax = max(c)
        new = {}
        for ck, k in zip(c, keys):
            f = 1 - ck / cmax
            if f != 0:
                new[k] = tuple(f * v for v in W[k])
        W = new
    return W


def _weighted_norm_sign(c: Sequence[Fraction], ws: Sequence[Sequence[Fraction]]) -> int:
    """sign(Σ c_g ‖w_g‖) from rational enclosures of the norms at growing precision; 0 when
    still undecided at 2000 bits (then the sum is below 2^-2000 in absolute value)."""
    for bits in (64, 256, 2000):
        lo = hi = Fraction(0)
        for ck, w in zip(c, ws):
            a, b = _sqrt_enclosure(sum(v * v for v in w), bits)
            lo += ck * (a if ck > 0 else b)
            hi += ck * (b if ck > 0 else a)
        if lo > 0:
            return 1
        if hi < 0:
            return -1
    return 0


def _null_vector(vectors: Sequence[Sequence[Fraction]]) -> list[Fraction] | None:
    """A nonzero c with ``Σ c_g v_g = 0`` (exact Gaussian elimination), or None if the vectors
    are linearly independent."""
    G = len(vectors)
    if G == 0:
        return None
    n = len(vectors[0])
    # rows of M are coordinates, columns are the vectors
    M = [[vectors[g][j] for g in range(G)] for j in range(n)]
    pivots: list[int] = []
    r = 0
    for col in range(G):
        piv = next((i for i in range(r, n) if M[i][col] != 0), None)
        if piv is None:
            continue
        M[r], M[piv] = M[piv], M[r]
        p = M[r][col]
        M[r] = [v / p for v in M[r]]
        for i in range(n):
            if i != r and M[i][col] != 0:
                f = M[i][col]
                M[i] = [a - f * b for a, b in zip(M[i], M[r])]
        pivots.append(col)
        r += 1
    free = next((col for col in range(G) if col not in pivots), None)
    if free is None:
        return None
    c = [Fraction(0)] * G
    c[free] = Fraction(1)
    for row, col in enumerate(pivots):
        c[col] = -M[row][free]
    return c


def _pruned_optimum(inst: Instance):
    sol = _solve(inst)
    cp = sol.program
    return sol, cp, prune(sol.groups, cp)


@theorem("m_star_bound", strategy=SOLVE_DATA, section="§6 §7", cost="solve", ci_examples=_CI)
def m_star_bound(inst: Instance) -> Counterexample | None:
    """Pruning a certified optimum keeps its fit and certification and leaves ≤ n + 1 groups
    (stats: how often ≤ n)."""
    sol, cp, W = _pruned_optimum(inst)
    thm = THEOREMS.get("m_star_bound")
    if cp.prediction(W) != cp.prediction(sol.groups):
        return Counterexample.make("m_star_bound", "pruning changed the fit", inst)
    for (i, _s), w in W.items():
        if not cp.in_cone(i, w):
            return Counterexample.make("m_star_bound", f"a pruned group left cone {i}", inst)
    lo, hi = _objective_enclosure(W, cp)
    if hi < sol.lower or lo > sol.upper:
        return Counterexample.make("m_star_bound", f"pruned objective in {_fmt((lo, hi))} left "
                                   f"the certified interval {_fmt(_interval(sol))}", inst)
    if thm is not None:
        thm.record("examples")
        thm.record("m<=n" if len(W) <= inst.n else "m=n+1" if len(W) == inst.n + 1 else "m>n+1")
    if len(W) > inst.n + 1:
        return Counterexample.make("m_star_bound", f"{len(W)} groups > n + 1 = {inst.n + 1}",
                                   inst)
    return None


@theorem("psi_optimum_minimal", strategy=SOLVE_DATA, section="§6", cost="solve",
         ci_examples=_CI)
def psi_optimum_minimal(inst: Instance) -> Counterexample | None:
    """ψ of a (pruned) certified optimum is a minimal network (poster 004, closed cones)."""
    sol, cp, W = _pruned_optimum(inst)
    net = maps.psi(W)
    ch = cp.arrangement.chambers()
    if not transforms.is_minimal(net, cp.X, ch):
        return Counterexample.make("psi_optimum_minimal", f"psi(W*) with {net.width} neurons "
                                   "is not minimal", inst, net)
    return None


@st.composite
def _with_split_seed(draw):
    return draw(SOLVE_DATA), draw(st.randoms(use_true_random=False))


@theorem("optimal_splits", strategy=_with_split_seed(), section="§6", cost="solve",
         ci_examples=_CI)
def optimal_splits(inst: Instance, rnd) -> Counterexample | None:
    """Splits of ψ(W*) are optimal (same objective as W*), and merging one (dropping zero
    neurons) gives back merge(ψ(W*)) up to the order of the neurons."""
    sol, cp, W = _pruned_optimum(inst)
    net = maps.psi(W)
    target = maps.convex_objective(W, cp.X, cp.y, cp.beta, cp.patterns)
    copy = _split_with(net, rnd)
    obj = copy.objective(inst.X, inst.y, inst.beta)
    a, b = _enclose(add(obj, mul(Fraction(-1), target)))
    if a > 0 or b < 0:
        return Counterexample.make("optimal_splits", f"a split of psi(W*) has objective {obj}, "
                                   f"not {target}", inst, copy)
    a = transforms.drop_zero(transforms.merge(copy)).neurons
    b = transforms.drop_zero(transforms.merge(net)).neurons
    if not _same_multiset(a, b):
        return Counterexample.make("optimal_splits", f"merging the split gives {len(a)} neurons,"
                                   f" merge(psi(W*)) has {len(b)}", inst, copy)
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
    ok, why = _verify(certify.solution_certificate(sol, inst.X, inst.y, inst.beta))
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
    node[path[-1]] = int(new) if new.denominator == 1 else f"{new.numerator}/{new.denominator}"
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
        listed = {tuple(c["signs"]) for c in cert["chambers"]}
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
        cert = certify.solution_certificate(_solve(inst), inst.X, inst.y, inst.beta)
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
