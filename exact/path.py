"""A continuous path of non-increasing objective from any network to a global optimum (docs/MATH.md
§6).

Seed 004 (poster of Wang, Lacotte & Pilanci 2022) states: *"Let θ ∈ Θ_m be any neural net. There
exists a continuous path in Θ_m from θ to a nearly minimal neural net along which the loss
function is strictly decreasing"*, and seed 000 (arXiv:2006.05900, consequences (iii) and (iv))
adds an explicit path from any network to the global minimum of its sublevel set once the width
is large enough (no spurious valleys). :func:`path` builds such a path exactly, in three
segments, and reports the exact objective at every breakpoint:

1. **Scale** (segment 1). Each neuron moves along ``(c u, α/c)``, c from 1 towards
   ``c* = (α²/‖u‖²)^{1/4}``. The output is unchanged (positive homogeneity) and the penalty
   ``(β/2)(c²‖u‖² + α²/c²)``, a function of ``c²`` that decreases up to ``c*²`` and increases
   after, decreases monotonically. When ``c*`` is irrational the breakpoint uses a rational c
   between 1 and ``c*`` (within a relative ``2^{-60}`` of ``c*``): the network is *nearly scaled*
   and its objective is an exact rational. Dead neurons (``(Xu)_+ = 0``) and half-zero neurons
   shrink to ``(0, 0)`` along ``(t u, t α)``, t from 1 to 0: output 0, penalty decreasing. The
   width stays m (zero neurons are kept as free slots).
2. **Merge** (segment 2). Continue the rescaling to exactly scaled neurons (still decreasing),
   then, for each group (chamber, sign) of φ(θ₁) (docs/MATH.md §5) holding neurons ``T`` with
   ``w_t = |α_t| u_t ∈ C_i``, move ``w_t(λ) = (1 − λ) w_t + λ γ_t w`` (``w = Σ w_t``, γ = the
   first neuron takes all) and realise each ``w_t(λ)`` as the scaled neuron ψ(w_t(λ)). Every
   ``w_t(λ)`` stays in the convex cone C_i, so the output ``s D_i X Σ w_t(λ)`` is constant, and
   the penalty ``f(λ) = β Σ_t ‖w_t(λ)‖`` is convex with left derivative at 1 equal to
   ``β(w·Σ_{γ_t=0} w_t / ‖w‖ − Σ_{γ_t=0} ‖w_t‖) ≤ 0`` (Cauchy–Schwarz), so f is non-increasing on
   [0, 1] (*derived*). The endpoint is ``θ₂ = ψ(W₀)``, ``W₀ = φ(θ₁)``, a minimal network with
   ``L_β(θ₂) = L^c(W₀) ≤ L_β(θ₁)`` (checked exactly).
3. **Convex segment** (segment 3). ``W(λ) = (1 − λ) W₀ + λ W*`` with W* the certified optimum of
   :func:`exact.certify.solve`, pruned to linearly independent fits (Carathéodory, docs/MATH.md §7;
   pruning never increases ``L^c``) so that it has at most ``rank`` groups. The network
   ``ψ(W(λ))`` (one neuron per group of ``supp W₀ ∪ supp W*``, each in a fixed slot) has
   ``L_β(ψ(W(λ))) = L^c(W(λ))`` (docs/MATH.md §5), and ``g(λ) = L^c(W(λ))`` is convex (docs/MATH.md
   §4). If
   W* were an exact minimiser, g would be non-increasing on [0, 1]. W* is only certified within
   the solve gap, so the segment ends at ``λ_end``: 1 when the exact left derivative ``g'(1⁻)``
   is ≤ 0, otherwise a rational λ found by bisection with ``g'(λ_end⁻) ≤ 0`` (signs of algebraic
   numbers decided exactly); by convexity g is non-increasing on ``[0, λ_end]``. If
   ``g(0) ≤ g(1)`` already, the segment is skipped.

The width condition: segment 3 needs ``|supp W₀ ∪ supp W*| ≤ m`` neurons. With a smaller width
the path stops at θ₂ with a note saying how many neurons are missing (``widen=True`` appends
zero neurons, which change nothing, and continues).

Objectives at breakpoints are exact: Fractions for rational networks (θ, θ₁), sympy algebraic
numbers for ψ-networks (sums of square roots of rationals), compared with
:func:`exact.network.sign`. :meth:`Path.sample` evaluates ``g`` exactly at ``k + 1`` equally spaced
points of the convex segment (for plots: ``float`` of them).

References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900 (seed 000) and poster (seed 004);
docs/MATH.md §4–§7.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from arrangement.errors import InputError
from exact.convex import ConvexProgram
from exact.maps import convex_objective, phi, psi_neuron, rational_fourth_root
from exact.network import (
    Exact,
    Network,
    Neuron,
    NoIntervalError,
    add,
    div,
    dot,
    exact_sqrt,
    interval_sign,
    mul,
    norm_sq,
    sign,
)
from exact.transforms import held_groups, is_scaled_neuron
from exact.types import Group

__all__ = ["Path", "compare", "path"]


def _sub(a: Exact, b: Exact) -> Exact:
    return add(a, mul(Fraction(-1), b))


def compare(a: Exact, b: Exact) -> int:
    """The exact sign of ``a − b`` (−1, 0, +1) for rational or real algebraic numbers.

    Objectives of ψ-networks are sums of square roots of rationals that can agree with a
    rational objective to hundreds of digits (a nearly scaled network against its exactly
    scaled twin), so rigorous interval evaluation (outward rounding, :mod:`mpmath.iv`) is tried
    up to 16384 bits before :func:`exact.network.sign` decides exactly with minimal polynomials.

    >>> import sympy
    >>> compare(sympy.sqrt(2), Fraction(141421356237, 10**11)), compare(Fraction(1), Fraction(1))
    (1, 0)
    """
    if isinstance(a, Fraction) and isinstance(b, Fraction):
        return (a > b) - (a < b)
    diff = _sub(a, b)
    if isinstance(diff, Fraction):
        return (diff > 0) - (diff < 0)
    try:
        for prec in (64, 256, 1024, 4096, 16384):
            s = interval_sign(diff, prec)
            if s is not None:
                return s
    except NoIntervalError:
        pass
    return sign(diff)


def _le(a: Exact, b: Exact) -> bool:
    return compare(a, b) <= 0


@dataclass
class Path:
    """Breakpoints of a continuous path of non-increasing objective (module docstring).

    ``breakpoints[k]`` is a network of the same width as the input (possibly widened),
    ``objectives[k]`` its exact objective, ``labels[k]`` what it is; ``notes`` explain what was
    done. The convex segment (if any) is ``W(λ) = (1 − λ) W0 + λ W1`` for ``λ ∈ [0, lam_end]``,
    realised in the neuron slots ``slots``; ``lower`` is the certified lower bound on ``P*``.
    """

    breakpoints: list[Network]
    objectives: list[Exact]
    labels: list[str]
    notes: list[str] = field(default_factory=list)
    W0: dict = field(default_factory=dict, repr=False)
    W1: dict = field(default_factory=dict, repr=False)
    lam_end: Fraction = Fraction(0)
    slots: dict = field(default_factory=dict, repr=False)
    width: int = 0
    lower: Fraction | None = None
    upper: Fraction | None = None
    reaches_optimum: bool = False
    _data: tuple = field(default=(), repr=False)

    @property
    def final_objective(self) -> Exact:
        return self.objectives[-1]

    def convex_point(self, lam: int | Fraction | str) -> dict:
        """``W(λ) = (1 − λ) W0 + λ W1`` on the union of the supports (exact)."""
        lam = Fraction(lam)
        out = {}
        d = self._data[4]
        for g in self.slots:
            a = self.W0.get(g, (Fraction(0),) * d)
            b = self.W1.get(g, (Fraction(0),) * d)
            out[g] = tuple(add(mul(1 - lam, x), mul(lam, z)) for x, z in zip(a, b))
        return out

    def network_at(self, lam: int | Fraction | str) -> Network:
        """The network ``ψ(W(λ))`` of the convex segment, each group in its fixed slot."""
        return _realise(self.convex_point(lam), self.slots, self.width, self._data[4])

    def sample(self, k: int = 10) -> list[Exact]:
        """Exact objectives ``L^c(W(λ_j))`` at ``λ_j = λ_end · j/k``, j = 0..k (non-increasing).

        ``L^c(W(λ)) = L_β(ψ(W(λ)))``: these are objectives of networks on the path. An empty
        list when the path has no convex segment.

        >>> p = path(Network.from_lists([((0, 1), 1)]), [[1, 0], [0, 1]], [1, 1], "1/2")
        >>> vals = p.sample(4)
        >>> len(vals), all(_le(vals[j + 1], vals[j]) for j in range(4))
        (5, True)
        """
        if not self.slots or self.lam_end == 0 or k < 1:
            return []
        X, y, beta, patterns, _ = self._data
        return [convex_objective({g: w for g, w in self.convex_point(self.lam_end * j / k).items()
                                  if any(sign(t) for t in w)}, X, y, beta, patterns)
                for j in range(k + 1)]


def _zero(d: int) -> Neuron:
    return Neuron((Fraction(0),) * d, Fraction(0))


def _realise(W: dict, slots: dict, width: int, d: int) -> Network:
    neurons = [_zero(d) for _ in range(width)]
    for g, w in W.items():
        nr = psi_neuron(w, g[1])
        if nr is not None:
            neurons[slots[g]] = nr
    return Network(tuple(neurons))


def _near_scale(nr: Neuron) -> Neuron:
    """Rescale towards ``‖u‖ = |α|``: exactly when c* is rational or the neuron is algebraic,
    else by a rational c between 1 and c* (segment 1 of the module docstring)."""
    if is_scaled_neuron(nr):
        return nr
    N = div(mul(nr.alpha, nr.alpha), norm_sq(nr.u))  # c*⁴
    if isinstance(N, Fraction) and nr.is_rational:
        if N > 1:
            c = max(Fraction(1), rational_fourth_root(N))
        else:
            c = min(Fraction(1), 1 / rational_fourth_root(1 / N))
    else:
        c = exact_sqrt(exact_sqrt(N))
    return Neuron(tuple(mul(c, t) for t in nr.u), div(nr.alpha, c))


def _prune(W: dict, cp: ConvexProgram) -> dict:
    """Carathéodory pruning (docs/MATH.md §7): while the fits ``F_g = s D_i X w_g`` are linearly
    dependent, ``Σ c_g F_g = 0``, scale ``w_g ← (1 − c_g/c_max) w_g`` with the sign of c chosen so
    that ``Σ c_g ‖w_g‖ ≥ 0``: the fit stays, the penalty does not increase, a group vanishes."""
    import sympy

    W = {g: tuple(w) for g, w in W.items() if any(w)}
    while len(W) > 1:
        keys = sorted(W)
        F = sympy.Matrix([[sympy.Rational(x.numerator, x.denominator)
                           for x in cp.fit(i, s, W[(i, s)])] for i, s in keys]).T
        null = F.nullspace()
        if not null:
            return W
        c = [Fraction(int(sympy.fraction(t)[0]), int(sympy.fraction(t)[1])) for t in null[0]]
        total: Exact = Fraction(0)
        for cg, g in zip(c, keys):
            if cg:
                total = add(total, mul(cg, exact_sqrt(norm_sq(W[g]))))
        if sign(total) < 0:
            c = [-t for t in c]
        cmax = max(c)
        if cmax <= 0:  # Σ c_g ‖w_g‖ ≥ 0 with all c_g ≤ 0 forces c = 0 on the support
            return W
        new = {}
        for cg, g in zip(c, keys):
            f = 1 - cg / cmax
            if f != 0:
                new[g] = tuple(f * t for t in W[g])
        W = new
    return W


def _left_slope(W0: dict, W1: dict, lam: Fraction, cp: ConvexProgram) -> Exact:
    """``g'(λ⁻)`` for ``g(λ) = L^c((1 − λ) W0 + λ W1)`` (squared loss), exactly."""
    keys = sorted(set(W0) | set(W1))
    z = (Fraction(0),) * cp.d
    Wl = {g: tuple((1 - lam) * a + lam * b for a, b in zip(W0.get(g, z), W1.get(g, z)))
          for g in keys}
    r = [a - b for a, b in zip(cp.prediction(Wl), cp.y)]
    dy = [a - b for a, b in zip(cp.prediction(W1), cp.prediction(W0))]
    slope: Exact = sum((a * b for a, b in zip(r, dy)), Fraction(0))
    reg: Exact = Fraction(0)
    for g in keys:
        delta = tuple(b - a for a, b in zip(W0.get(g, z), W1.get(g, z)))
        if not any(delta):
            continue
        w = Wl[g]
        if any(w):
            reg = add(reg, div(dot(w, delta), exact_sqrt(norm_sq(w))))
        else:  # the norm's kink: left derivative of ‖a + λδ‖ where it vanishes is −‖δ‖
            reg = add(reg, mul(Fraction(-1), exact_sqrt(norm_sq(delta))))
    return add(slope, mul(cp.beta, reg))


def path(net: Network, X: Sequence[Sequence[object]], y: Sequence[object], beta: object, *,
         arrangement=None, program: ConvexProgram | None = None, solution=None,
         widen: bool = False, prune: bool = True) -> Path:
    """A continuous path of non-increasing objective from ``net`` towards a certified global
    optimum, with exact objectives at its breakpoints (module docstring; seeds 000, 004).

    ``solution`` (an :class:`exact.certify.Solution` of the same data) is computed when not
    given. Squared loss; the network must be rational or algebraic with rational φ(θ).

    >>> p = path(Network.from_lists([((0, 1), 1)]), [[1, 0], [0, 1]], [1, 1], "1/2")
    >>> p.labels[:3], p.labels[3].startswith("convex segment end")
    (['start', 'scaled (exactly)', 'merged: psi(phi)'], True)
    >>> [str(v) for v in p.objectives[:3]]                 # P* = √2/2 − 1/8 (docs/MATH.md §9)
    ['1', '1', '1']
    >>> p.lower <= p.final_objective <= p.upper + Fraction(1, 10**12)
    True
    >>> all(_le(b, a) for a, b in zip(p.objectives, p.objectives[1:]))
    True

    References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900 (seed 000, (iii)–(iv)), poster
    (seed 004, "continuous path ... along which the loss is decreasing"); docs/MATH.md §6.
    """
    cp = program if program is not None else ConvexProgram(X, y, beta, "squared", arrangement)
    if net.width and net.dim != cp.d:
        raise InputError(f"the network has input dimension {net.dim} but X has {cp.d} columns")
    d, m = cp.d, net.width
    data = (cp.X, cp.y, cp.beta, cp.patterns, d)
    obj = [net.objective(cp.X, cp.y, cp.beta)]
    bps, labels, notes = [net], ["start"], []

    def push(nw: Network, label: str, value: Exact | None = None) -> None:
        v = nw.objective(cp.X, cp.y, cp.beta) if value is None else value
        if not _le(v, obj[-1]):  # pragma: no cover - the constructions above exclude it
            raise ArithmeticError(f"objective increased at '{label}': a bug")
        bps.append(nw)
        obj.append(v)
        labels.append(label)

    # 1. scale (nearly), shrink dead and half-zero neurons to (0, 0)
    neurons, exact_scale = [], True
    for nr in net.neurons:
        alive = not nr.is_zero and any(s > 0 for s in nr.preactivation_signs(cp.X))
        if not alive:
            neurons.append(_zero(d))
            continue
        new = _near_scale(nr)
        exact_scale &= is_scaled_neuron(new)
        neurons.append(new)
    th1 = Network(tuple(neurons))
    dead = sum(1 for a, b in zip(net.neurons, neurons) if not a.is_zero and b.is_zero)
    push(th1, "scaled (exactly)" if exact_scale else "nearly scaled")
    notes.append(f"segment 1: rescaled {m} neurons along (c u, alpha/c) towards |u| = |alpha|"
                 + ("" if exact_scale else " (rational c: nearly scaled)")
                 + (f"; {dead} dead neuron(s) shrunk to (0, 0)" if dead else ""))
    # 2. merge within each (chamber, sign): θ₂ = ψ(φ(θ₁)), each group in its first neuron's slot
    held = held_groups(th1, cp.X, cp.signs)
    W0 = phi(th1, cp.X, cp.signs)
    slots: dict[Group, int] = {}
    for k, gs in enumerate(held):
        if gs and not th1.neurons[k].is_zero and gs[0] not in slots:
            slots[gs[0]] = k
    slots = {g: k for g, k in slots.items() if g in W0}
    th2 = _realise(W0, slots, m, d)
    push(th2, "merged: psi(phi)", obj[-1] if th2 == th1 else
         convex_objective(W0, cp.X, cp.y, cp.beta, cp.patterns))
    nz = sum(1 for nr in th1.neurons if not nr.is_zero)
    notes.append(f"segment 2: {nz} live neurons merged into {len(W0)} (one per chamber and sign):"
                 " a minimal network psi(phi(theta))")
    result = Path(bps, obj, labels, notes, W0=W0, width=m, _data=data)
    # 3. the convex segment to the certified optimum
    if solution is None:
        from exact.certify import solve

        solution = solve(cp.X, cp.y, cp.beta, program=cp)
    result.lower, result.upper = solution.lower, solution.upper
    if not all(isinstance(t, Fraction) for w in W0.values() for t in w):
        notes.append("segment 3 skipped: phi(theta) is not rational")
        return result
    W1 = _prune(solution.groups, cp) if prune else dict(solution.groups)
    new_groups = [g for g in sorted(W1) if g not in slots]
    free = [k for k in range(m) if k not in slots.values()]
    if len(new_groups) > len(free):
        need = len(new_groups) - len(free)
        if not widen:
            notes.append(f"segment 3 needs width {m + need} = |supp phi(theta) U supp W*| but "
                         f"the network has width {m}: the path stops at psi(phi(theta)); pass "
                         f"widen=True to append {need} zero neuron(s) (they change nothing)")
            return result
        free += list(range(m, m + need))
        m += need
        result.width = m
        notes.append(f"widened by {need} zero neuron(s) to width {m}")
        result.breakpoints = [Network(b.neurons + (_zero(d),) * need) for b in bps]
        bps = result.breakpoints
    for g, k in zip(new_groups, free):
        slots[g] = k
    result.slots, result.W1 = slots, W1
    g0 = obj[-1]
    g1 = g0 if W1 == W0 else convex_objective(W1, cp.X, cp.y, cp.beta, cp.patterns)
    if _le(g0, g1):
        notes.append("segment 3 skipped: psi(phi(theta)) is already at least as good as the "
                     "certified optimum")
        result.reaches_optimum = True
        return result
    lam, shown = Fraction(1), "1"
    if sign(_left_slope(W0, W1, lam, cp)) > 0:
        # g' is non-decreasing (g convex), g'(0⁺) < 0 as g(0) > g(1), g'(1⁻) > 0: the largest
        # λ = 1 − 10^{-k} with g'(λ⁻) ≤ 0, else bisection on [0, 9/10]
        lam = Fraction(0)
        for k in range(1, 41):
            cand = 1 - Fraction(1, 10**k)
            if sign(_left_slope(W0, W1, cand, cp)) > 0:
                break
            lam, shown = cand, f"1 - 1e-{k}"
        if lam == 0:
            lo, hi = Fraction(0), Fraction(9, 10)
            for _ in range(40):
                mid = (lo + hi) / 2
                if sign(_left_slope(W0, W1, mid, cp)) <= 0:
                    lo = mid
                else:
                    hi = mid
            lam, shown = lo, str(lo)
        notes.append(f"segment 3 ends at lambda = {shown} < 1, where the exact slope of the "
                     "convex objective is still <= 0 (W* is optimal only within the certified "
                     "gap)")
    result.lam_end = lam
    end = _realise(result.convex_point(lam), slots, m, d)
    push(end, f"convex segment end (lambda = {shown})",
         convex_objective({g: w for g, w in result.convex_point(lam).items() if any(w)},
                          cp.X, cp.y, cp.beta, cp.patterns))
    result.objectives, result.labels = obj, labels
    result.reaches_optimum = True
    notes.append(f"segment 3: straight segment from phi(theta) to the certified optimum W* "
                 f"({len(W1)} groups) in the convex space, mapped by psi; width used "
                 f"{len(slots)} of {m}")
    return result
