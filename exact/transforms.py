"""Transformations that keep a network's output, and the minimality predicates (docs/MATH.md §6).

- :func:`permute`, :func:`add_zero`: change nothing.
- :func:`rescale` ``(u, α) → (cu, α/c)``, ``c > 0``: same output (positive homogeneity), new
  penalty.
- :func:`split` ``(u, α) → {(√γ_t u, √γ_t α)}``, ``γ_t ≥ 0``, ``Σγ_t = 1``: same output and same
  penalty.
- :func:`merge`: the inverse of split (positively colinear, same sign, same ratio ``‖u‖/|α|``).
- :func:`drop_zero`: removes neurons with ``u = 0`` or ``α = 0``.
- :func:`to_scaled`: rescales each neuron so that ``‖u‖ = |α|`` (the smallest penalty over its
  rescalings).
- :func:`minimalize`: a minimal network with the same output on X and no larger objective.

Predicates (poster 004's definitions, "holds" = closed cones, so a neuron on a hyperplane is held
by every chamber cone whose closure contains it): :func:`is_scaled`, :func:`is_minimal`,
:func:`is_nearly_minimal`. A zero neuron ``(0, 0)`` has sign 0 and belongs to no signed group,
so it never breaks minimality.

Square roots (split's ``√γ_t``, to_scaled's factor ``(α²/‖u‖²)^{1/4}``, merge's ``√Σρ_t²``) are
Fractions when the radicand is a rational square, exact sympy radicals otherwise.

>>> from fractions import Fraction
>>> net = Network.from_lists([((3, 4), 5)])
>>> parts = split(net, 0, [Fraction(9, 25), Fraction(16, 25)])
>>> [n.alpha for n in parts.neurons]
[Fraction(3, 1), Fraction(4, 1)]
>>> merge(parts) == net
True

Reference: Wang, Lacotte & Pilanci 2022, arXiv:2006.05900 (seed 000), poster (seed 004).
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from arrangement.errors import InputError
from exact.maps import chamber_signs, in_closed_cone, psi_neuron
from exact.network import (
    Exact,
    Network,
    Neuron,
    add,
    div,
    dot,
    exact,
    exact_eq,
    exact_sqrt,
    mul,
    norm_sq,
    sign,
    to_fraction_matrix,
)

__all__ = [
    "add_zero",
    "drop_zero",
    "held_groups",
    "is_minimal",
    "is_nearly_minimal",
    "is_scaled",
    "is_scaled_neuron",
    "merge",
    "minimalize",
    "permute",
    "positively_colinear",
    "rescale",
    "split",
    "to_scaled",
]


def _neuron_index(net: Network, k: int) -> int:
    if not isinstance(k, int) or not (-net.width <= k < net.width):
        raise InputError(f"neuron index {k} out of range for width {net.width}")
    return k % net.width


def permute(net: Network, perm: Sequence[int]) -> Network:
    """Reorder the neurons: neuron t of the result is neuron ``perm[t]`` of ``net``.

    >>> permute(Network.from_lists([((1,), 1), ((2,), 2)]), [1, 0]).neurons[0].alpha
    Fraction(2, 1)
    """
    p = list(perm)
    if sorted(p) != list(range(net.width)):
        raise InputError(f"{p} is not a permutation of range({net.width})")
    return Network(tuple(net.neurons[t] for t in p))


def split(net: Network, k: int, gammas: Sequence[object]) -> Network:
    """Replace neuron k by ``(√γ_t u_k, √γ_t α_k)`` for each t (placed where neuron k was).

    Same output (``Σ γ_t = 1`` and positive homogeneity) and same penalty
    (``Σ γ_t (‖u‖² + α²)``), docs/MATH.md §6.

    >>> split(Network.from_lists([((2,), 2)]), 0, ["1/4", "3/4"]).neurons
    (Neuron(u=(Fraction(1, 1),), alpha=Fraction(1, 1)), Neuron(u=(sqrt(3),), alpha=sqrt(3)))
    """
    k = _neuron_index(net, k)
    gs = [exact(g) for g in gammas]
    if not gs:
        raise InputError("split needs at least one gamma")
    if any(sign(g) < 0 for g in gs):
        raise InputError("split: every gamma must be >= 0")
    total: Exact = Fraction(0)
    for g in gs:
        total = add(total, g)
    if not exact_eq(total, Fraction(1)):
        raise InputError(f"split: gammas must sum to 1, not {total}")
    nr = net.neurons[k]
    parts = []
    for g in gs:
        r = exact_sqrt(g)
        parts.append(Neuron(tuple(mul(r, t) for t in nr.u), mul(r, nr.alpha)))
    return Network(net.neurons[:k] + tuple(parts) + net.neurons[k + 1 :])


def positively_colinear(u: Sequence[Exact], v: Sequence[Exact]) -> bool:
    """``u = λv`` for some ``λ > 0`` (both nonzero): all 2×2 minors vanish and ``u·v > 0``.

    >>> positively_colinear((1, 2), (2, 4)), positively_colinear((1, 2), (-1, -2))
    (True, False)
    """
    u = tuple(exact(t) for t in u)
    v = tuple(exact(t) for t in v)
    if sign(dot(u, v)) <= 0:
        return False
    for i in range(len(u)):
        for j in range(i + 1, len(u)):
            if not exact_eq(mul(u[i], v[j]), mul(u[j], v[i])):
                return False
    return True


def _same_ratio(a: Neuron, b: Neuron) -> bool:
    # ‖u_a‖/|α_a| = ‖u_b‖/|α_b|, compared through squares to avoid roots.
    left = mul(mul(a.alpha, a.alpha), norm_sq(b.u))
    return exact_eq(left, mul(mul(b.alpha, b.alpha), norm_sq(a.u)))


def merge(net: Network) -> Network:
    """Merge each class of nonzero neurons that are positively colinear, have the same sign of α
    and the same ratio ``‖u‖/|α|`` (all scaled neurons have ratio 1) into one neuron, placed where
    the class's first neuron was. Zero neurons are kept as they are.

    With ``u_t = ρ_t u_1`` (``ρ_t > 0``) and ``|α_t| = ρ_t |α_1|`` (same ratio), the merged neuron
    is ``(√R u_1, √R α_1)``, ``R = Σ ρ_t²``: its output ``R (Xu_1)_+ α_1 = Σ (Xu_t)_+ α_t`` and its
    ``‖u‖² + α² = R(‖u_1‖² + α_1²) = Σ (‖u_t‖² + α_t²)`` are unchanged. A split neuron has
    ``ρ_t = √(γ_t/γ_1)``, ``√R = 1/√γ_1``, so merge undoes split exactly (docs/MATH.md §6).

    >>> merge(Network.from_lists([((1, 1), 1), ((2, 2), 2), ((1, 1), -1)])).neurons
    (Neuron(u=(sqrt(5), sqrt(5)), alpha=sqrt(5)), Neuron(u=(Fraction(1, 1), Fraction(1, 1)), alpha=Fraction(-1, 1)))
    """  # noqa: E501
    classes: list[list[int]] = []
    for k, nr in enumerate(net.neurons):
        if nr.is_zero:
            classes.append([k])
            continue
        for cl in classes:
            rep = net.neurons[cl[0]]
            if (
                not rep.is_zero
                and sign(rep.alpha) == sign(nr.alpha)
                and positively_colinear(rep.u, nr.u)
                and _same_ratio(rep, nr)
            ):
                cl.append(k)
                break
        else:
            classes.append([k])
    out = []
    for cl in classes:
        if len(cl) == 1:
            out.append(net.neurons[cl[0]])
            continue
        rep = net.neurons[cl[0]]
        j = next(i for i, t in enumerate(rep.u) if sign(t) != 0)
        R: Exact = Fraction(0)
        for k in cl:
            rho = div(net.neurons[k].u[j], rep.u[j])
            R = add(R, mul(rho, rho))
        r = exact_sqrt(R)
        out.append(Neuron(tuple(mul(r, t) for t in rep.u), mul(r, rep.alpha)))
    return Network(tuple(out))


def drop_zero(net: Network) -> Network:
    """Remove neurons with ``u = 0`` or ``α = 0``: the output is unchanged for every X; the
    penalty is unchanged when they were ``(0, 0)`` and smaller otherwise.

    >>> drop_zero(Network.from_lists([((0,), 0), ((1,), 0), ((1,), 1)])).width
    1
    """
    return Network(tuple(nr for nr in net.neurons if not nr.is_zero))


def add_zero(net: Network, count: int = 1) -> Network:
    """Append ``count`` zero neurons ``(0, 0)``: output and objective unchanged.

    >>> add_zero(Network.from_lists([((1, 2), 1)]), 2).width
    3
    """
    if not isinstance(count, int) or count < 0:
        raise InputError(f"add_zero: count must be a non-negative integer, not {count!r}")
    if count and not net.neurons:
        raise InputError("add_zero: an empty network has no dimension; use Network directly")
    z = Neuron(tuple(Fraction(0) for _ in range(net.dim)), Fraction(0))
    return Network(net.neurons + (z,) * count)


def rescale(net: Network, k: int, c: object) -> Network:
    """``(u_k, α_k) → (c u_k, α_k / c)`` with ``c > 0``: same output, new penalty.

    >>> rescale(Network.from_lists([((1,), 4)]), 0, 2).neurons[0]
    Neuron(u=(Fraction(2, 1),), alpha=Fraction(2, 1))
    """
    k = _neuron_index(net, k)
    cv = exact(c)
    if sign(cv) <= 0:
        raise InputError(f"rescale: c must be > 0, not {cv}")
    nr = net.neurons[k]
    new = Neuron(tuple(mul(cv, t) for t in nr.u), div(nr.alpha, cv))
    return Network(net.neurons[:k] + (new,) + net.neurons[k + 1 :])


def is_scaled_neuron(nr: Neuron) -> bool:
    """``‖u‖ = |α|`` for one neuron (as squares, exactly).

    >>> is_scaled_neuron(Neuron((3, 4), 5))
    True
    """
    return exact_eq(norm_sq(nr.u), mul(nr.alpha, nr.alpha))


def is_scaled(net: Network) -> bool:
    """``‖u_k‖ = |α_k|`` for every k (compared as squares, exactly).

    >>> is_scaled(Network.from_lists([((3, 4), -5)])), is_scaled(Network.from_lists([((1,), 2)]))
    (True, False)
    """
    return all(is_scaled_neuron(nr) for nr in net.neurons)


def to_scaled(net: Network) -> Network:
    """Rescale every neuron so that ``‖u‖ = |α|``; output unchanged, penalty no larger.

    The factor is ``c = (α²/‖u‖²)^{1/4}``; then ``‖cu‖² = (α/c)² = |α|‖u‖ ≤ (‖u‖² + α²)/2``
    (AM–GM), so each neuron's penalty drops to its minimum over rescalings, ``β|α|‖u‖``
    (docs/MATH.md §5). ``c`` is a Fraction when ``α²/‖u‖²`` is a rational fourth power, otherwise a
    sympy radical. Neurons with exactly one of ``u``, ``α`` zero contribute nothing and cannot be
    scaled by rescaling: they become ``(0, 0)``. Scaled neurons are left untouched.

    >>> to_scaled(Network.from_lists([((1, 0), 4)])).neurons[0]
    Neuron(u=(Fraction(2, 1), Fraction(0, 1)), alpha=Fraction(2, 1))
    """
    out = []
    for nr in net.neurons:
        if is_scaled_neuron(nr):
            out.append(nr)
        elif nr.is_zero:
            out.append(Neuron(tuple(Fraction(0) for _ in nr.u), Fraction(0)))
        else:
            q = div(mul(nr.alpha, nr.alpha), norm_sq(nr.u))
            c = exact_sqrt(exact_sqrt(q))
            out.append(Neuron(tuple(mul(c, t) for t in nr.u), div(nr.alpha, c)))
    return Network(tuple(out))


def held_groups(
    net: Network, X: Sequence[Sequence[object]], chambers: Sequence[object]
) -> list[list[tuple[int, int]]]:
    """For each neuron k, the groups ``(i, sign α_k)`` whose closed cone ``C_i`` holds ``u_k``
    (empty for ``α_k = 0``). A nonzero neuron held by no listed cone means the chamber list is
    incomplete: InputError.

    >>> held_groups(Network.from_lists([((1, 0), -1)]), [[0, 1]], [(1,), (-1,)])
    [[(0, -1), (1, -1)]]
    """
    Xf = to_fraction_matrix(X)
    sigs = chamber_signs(chambers)
    out: list[list[tuple[int, int]]] = []
    for k, nr in enumerate(net.neurons):
        s = sign(nr.alpha)
        if s == 0:
            out.append([])
            continue
        sg = nr.preactivation_signs(Xf)
        gs = [(i, s) for i, c in enumerate(sigs) if in_closed_cone(sg, c)]
        if not gs:
            raise InputError(f"no listed chamber's closed cone holds neuron {k}")
        out.append(gs)
    return out


def _members(held: list[list[tuple[int, int]]]) -> dict[tuple[int, int], list[int]]:
    members: dict[tuple[int, int], list[int]] = {}
    for k, gs in enumerate(held):
        for g in gs:
            members.setdefault(g, []).append(k)
    return members


def is_minimal(net: Network, X: Sequence[Sequence[object]], chambers: Sequence[object]) -> bool:
    """Poster 004: scaled, and each (closed cone, sign) holds at most one neuron.

    >>> X, ch = [[0, 1]], [(1,), (-1,)]
    >>> is_minimal(Network.from_lists([((0, 1), 1), ((0, -1), 1)]), X, ch)
    True
    >>> is_minimal(Network.from_lists([((0, 1), 1), ((1, 0), 1)]), X, ch)
    False
    """
    if not is_scaled(net):
        return False
    return all(len(ks) <= 1 for ks in _members(held_groups(net, X, chambers)).values())


def is_nearly_minimal(
    net: Network, X: Sequence[Sequence[object]], chambers: Sequence[object]
) -> bool:
    """Poster 004: scaled, and the neurons each (closed cone, sign) holds are positively colinear.

    >>> X, ch = [[0, 1]], [(1,), (-1,)]
    >>> is_nearly_minimal(Network.from_lists([((0, 1), 1), ((0, 2), 2)]), X, ch)
    True
    """
    if not is_scaled(net):
        return False
    for ks in _members(held_groups(net, X, chambers)).values():
        for a in ks[1:]:
            if not positively_colinear(net.neurons[ks[0]].u, net.neurons[a].u):
                return False
    return True


def minimalize(
    net: Network, X: Sequence[Sequence[object]], chambers: Sequence[object]
) -> Network:
    """A minimal network with the same output on X and no larger objective (docs/MATH.md §6).

    Steps: (1) :func:`to_scaled`; (2) drop neurons whose contribution on X is zero
    (``(Xu)_+ = 0`` or ``α = 0``); (3) :func:`merge` (positively colinear splits);
    (4) while some group ``(i, s)`` holds two or more neurons, replace all the neurons it holds,
    ``T``, by the single neuron ``ψ(w)``, ``w = Σ_{t∈T} |α_t| u_t``.

    Why (4) keeps the output and does not raise the penalty: every ``u_t`` lies in the closed
    convex cone ``C_i``, so ``(Xu_t)_+ = D_i X u_t`` and, as ``w ∈ C_i`` too,
    ``Σ_t (Xu_t)_+ α_t = s D_i X w = (X u')_+ α'`` for ``(u', α') = ψ(w)``. Its penalty is
    ``β‖w‖ ≤ β Σ_t |α_t| ‖u_t‖`` (triangle inequality) ``= (β/2) Σ_t (‖u_t‖² + α_t²)`` (the
    neurons are scaled). ``w ≠ 0`` and ψ(w) is not dead on X: each ``u_t`` has some row with
    ``x_j·u_t > 0``, hence ``σ_{i,j} = +`` and ``x_j·w > 0``. Each round removes at least one
    neuron, so at most m rounds; at the end no group holds two neurons, and all neurons are
    scaled (ψ's are), i.e. the network is minimal in the sense of :func:`is_minimal`.

    >>> X, ch = [[0, 1]], [(1,), (-1,)]
    >>> m = minimalize(Network.from_lists([((0, 1), 1), ((1, 1), 1)]), X, ch)
    >>> m.width, m.output(X), is_minimal(m, X, ch)
    (1, (Fraction(2, 1),), True)
    """
    Xf = to_fraction_matrix(X)
    cur = to_scaled(net)
    cur = Network(
        tuple(
            nr
            for nr in cur.neurons
            if not nr.is_zero and any(s > 0 for s in nr.preactivation_signs(Xf))
        )
    )
    cur = merge(cur)
    while True:
        members = _members(held_groups(cur, Xf, chambers))
        crowded = sorted((g for g, ks in members.items() if len(ks) > 1), key=lambda g: g)
        if not crowded:
            return cur
        g = crowded[0]
        ks = members[g]
        w: list[Exact] = [Fraction(0)] * cur.dim
        for k in ks:
            nr = cur.neurons[k]
            a = mul(Fraction(sign(nr.alpha)), nr.alpha)
            for j, t in enumerate(nr.u):
                w[j] = add(w[j], mul(a, t))
        new = psi_neuron(w, g[1])
        if new is None:  # pragma: no cover - excluded above (no dead neurons)
            raise ArithmeticError("minimalize: merged group vanished")
        keep = [nr for k, nr in enumerate(cur.neurons) if k not in ks[1:]]
        keep[ks[0]] = new
        cur = Network(tuple(keep))
