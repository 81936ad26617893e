"""The maps ψ (convex point → network) and φ (network → convex point), docs/MATH.md §5.

A convex point is a mapping ``W = {(i, s): w}``: chamber index ``i``, sign ``s ∈ {+1, −1}`` and
a vector ``w`` in chamber i's closed cone ``C_i = {u : σ_{i,j} (x_j·u) ≥ 0 ∀j}``, where ``σ_i`` is
the chamber's sign vector (0 at zero rows). Missing keys are zero groups. The convex objective is

    L^c(W) = ℓ( Σ_{(i,s)} s D_i X w_{i,s} ) + β Σ ‖w_{i,s}‖          (docs/MATH.md §4)

- ψ: one neuron per nonzero group, ``u = w/√‖w‖``, ``α = s√‖w‖``; then ``(Xu)_+ α = s D_i X w``
  and ``½(‖u‖² + α²) = ‖w‖``, so ``L_β(ψ(W)) = L^c(W)`` exactly.
- φ: neuron k goes to a chamber whose closed cone holds ``u_k`` with ``s = sign α_k`` and adds
  ``|α_k| u_k`` there; same prediction and ``L^c(φ(θ)) ≤ L_β(θ)`` (AM–GM and the triangle
  inequality), with equality iff θ is scaled and the neurons sharing a group are positively
  colinear.

Chambers are passed as a sequence of sign vectors (tuples in {−1, 0, +1}, one per row) or as
objects with a ``.signs`` attribute (``arrangement.core.Arrangement(X).chambers()``).

>>> from fractions import Fraction
>>> X = [[1, 0], [0, 1]]
>>> chambers = [(1, 1), (1, -1), (-1, 1), (-1, -1)]
>>> W = {(0, 1): (Fraction(4), Fraction(0))}
>>> net = psi(W)
>>> net.neurons[0]
Neuron(u=(Fraction(2, 1), Fraction(0, 1)), alpha=Fraction(2, 1))
>>> phi(net, X, chambers)
{(0, 1): (Fraction(4, 1), Fraction(0, 1))}

Reference: Wang, Lacotte & Pilanci 2022, arXiv:2006.05900 (seed 000), poster (seed 004).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from arrangement.errors import InputError
from arrangement.rational import rational_root, root4_floor_on
from exact.network import (
    Exact,
    Network,
    Neuron,
    add,
    div,
    dot,
    exact,
    exact_sqrt,
    loss_value,
    mul,
    norm_sq,
    sign,
    to_fraction,
    to_fraction_matrix,
    to_fraction_vector,
)

__all__ = [
    "chamber_signs",
    "closed_cones_containing",
    "convex_objective",
    "group_key_order",
    "group_sums",
    "in_closed_cone",
    "phi",
    "psi",
    "psi_neuron",
    "psi_rational",
    "rational_fourth_root",
]


def chamber_signs(chambers: Sequence[object]) -> list[tuple[int, ...]]:
    """Sign vectors of the chambers: accepts tuples or objects with ``.signs``.

    >>> chamber_signs([(1, -1), (-1, 1)])
    [(1, -1), (-1, 1)]
    """
    out = []
    for c in chambers:
        s: Any = getattr(c, "signs", c)
        t = tuple(int(v) for v in s)
        if any(v not in (-1, 0, 1) for v in t):
            raise InputError(f"chamber sign vector {t} has entries outside {{-1, 0, 1}}")
        out.append(t)
    return out


def in_closed_cone(u_signs: Sequence[int], chamber: Sequence[int]) -> bool:
    """Is a point with ``sign(Xu) = u_signs`` in the closed cone of a chamber with sign vector
    ``chamber``? (``σ_j · sign(x_j·u) ≥ 0`` for every row j.)

    >>> in_closed_cone((1, 0), (1, -1)), in_closed_cone((1, -1), (1, 1))
    (True, False)
    """
    return all(a * b >= 0 for a, b in zip(u_signs, chamber, strict=True))


def closed_cones_containing(
    u: Sequence[object], X: Sequence[Sequence[object]], chambers: Sequence[object]
) -> list[int]:
    """Indices of the chambers whose closed cone contains ``u`` (several when u is on a
    hyperplane, all of them when ``Xu = 0``).

    >>> closed_cones_containing((1, 0), [[0, 1]], [(1,), (-1,)])
    [0, 1]
    """
    Xf = to_fraction_matrix(X)
    sg = Neuron(tuple(u), 1).preactivation_signs(Xf)
    return [i for i, c in enumerate(chamber_signs(chambers)) if in_closed_cone(sg, c)]


def rational_fourth_root(N: Fraction, bits: int = 60) -> Fraction:
    """A rational ``c > 0`` with ``c ≤ N^{1/4}`` and relative error below ``2^{-bits}``; exact
    when N is the fourth power of a rational.

    ``⌊N^{1/4}·2^k⌋ = isqrt(isqrt(⌊N·2^{4k}⌋))`` (floors of monotone roots nest), so this is
    pure integer arithmetic.

    >>> rational_fourth_root(Fraction(16, 81)), rational_fourth_root(Fraction(2), bits=8)
    (Fraction(2, 3), Fraction(297, 250))
    """
    N = Fraction(N)
    if N <= 0:
        raise ValueError("fourth root of a non-positive number")
    r = rational_root(N, 4)
    if r is not None:
        return r
    # Choose k so that the integer root has about `bits` significant bits.
    mag = (N.numerator.bit_length() - N.denominator.bit_length()) // 4
    c = root4_floor_on(N, 1 << max(0, bits + 2 - mag))
    # A shorter decimal-looking representative when one is within the same accuracy.
    digits = max(1, math.ceil(bits * math.log10(2)))
    d = Fraction(math.floor(c * 10**digits), 10**digits)
    if d > 0 and d**4 <= N and (N - d**4) * (1 << bits) <= N * 4:
        return d
    return c


def _check_group(key: object, w: Sequence[object]) -> tuple[int, int, tuple[Exact, ...]]:
    if not (isinstance(key, tuple) and len(key) == 2):
        raise InputError(f"convex point key {key!r} must be a pair (chamber index, sign)")
    i, s = key
    if not isinstance(i, int) or isinstance(i, bool) or i < 0:
        raise InputError(f"convex point key {key!r}: chamber index must be an integer >= 0")
    if s not in (1, -1):
        raise InputError(f"convex point key {key!r}: sign must be +1 or -1")
    return i, int(s), tuple(exact(t) for t in w)


def group_key_order(key: tuple[int, int]) -> tuple[int, int]:
    """Sort key for groups: by chamber, ``+`` before ``−`` (the order ψ emits neurons in).

    >>> sorted([(1, -1), (0, -1), (1, 1)], key=group_key_order)
    [(0, -1), (1, 1), (1, -1)]
    """
    return (key[0], -key[1])


def psi_neuron(w: Sequence[object], s: int) -> Neuron | None:
    """ψ of one group: ``(w/√‖w‖, s√‖w‖)``, or None when ``w = 0``.

    ``√‖w‖ = (‖w‖²)^{1/4}``: a Fraction when ``‖w‖²`` is a rational fourth power, otherwise an
    exact sympy radical (docs/MATH.md §5).

    >>> psi_neuron((Fraction(3), Fraction(4)), -1)
    Neuron(u=(3*sqrt(5)/5, 4*sqrt(5)/5), alpha=-sqrt(5))
    """
    wv = tuple(exact(t) for t in w)
    N = norm_sq(wv)
    if sign(N) == 0:
        return None
    c = exact_sqrt(exact_sqrt(N))
    return Neuron(tuple(div(t, c) for t in wv), mul(Fraction(s), c))


def psi(W: Mapping[tuple[int, int], Sequence[object]]) -> Network:
    """ψ(W): one neuron per nonzero group, in :func:`group_key_order` (docs/MATH.md §5).

    ``L_β(ψ(W)) = L^c(W)`` exactly when every ``w_{i,s}`` lies in ``C_i``.

    >>> psi({(0, -1): (Fraction(0), Fraction(1, 4)), (1, 1): (Fraction(0), Fraction(0))}).neurons
    (Neuron(u=(Fraction(0, 1), Fraction(1, 2)), alpha=Fraction(-1, 2)),)
    """
    groups = sorted((_check_group(k, w) for k, w in W.items()), key=lambda g: (g[0], -g[1]))
    neurons = [psi_neuron(w, s) for _, s, w in groups]
    return Network(tuple(n for n in neurons if n is not None))


def psi_rational(W: Mapping[tuple[int, int], Sequence[object]], bits: int = 60) -> Network:
    """The rational rescaling alternative to ψ (docs/MATH.md §5): ``u = w/c``, ``α = s·c`` with a
    rational ``c ≈ √‖w‖`` (:func:`rational_fourth_root` of ``‖w‖²``).

    Rescaling does not change the output: ``(Xu)_+ α = s D_i X w`` exactly. The penalty of a
    neuron is ``(β/2)(‖w‖²/c² + c²) = β‖w‖ + (β/2)(‖w‖/c − c)²``, so ``L_β(psi_rational(W))`` is a
    rational upper bound on ``L^c(W)`` exceeding it by ``O(2^{-2·bits})`` relatively, and equal
    to it when ``‖w‖²`` is a rational fourth power. Requires rational ``w``.

    >>> psi_rational({(0, 1): (Fraction(1), Fraction(1))}, bits=8).neurons[0].alpha
    Fraction(297, 250)
    """
    groups = sorted((_check_group(k, w) for k, w in W.items()), key=lambda g: (g[0], -g[1]))
    out = []
    for _, s, w in groups:
        wv = tuple(to_fraction(t) for t in w)
        N = sum((t * t for t in wv), Fraction(0))
        if N == 0:
            continue
        c = rational_fourth_root(N, bits)
        out.append(Neuron(tuple(t / c for t in wv), s * c))
    return Network(tuple(out))


def phi(
    network: Network,
    X: Sequence[Sequence[object]],
    chambers: Sequence[object],
    assignment: Mapping[int, int] | Sequence[int] | None = None,
) -> dict[tuple[int, int], tuple[Exact, ...]]:
    """φ(θ): neuron k goes to group ``(i, sign α_k)`` for a chamber i whose closed cone holds
    ``u_k`` and adds ``|α_k| u_k`` there (docs/MATH.md §5). Only nonzero groups are returned.

    By default i is the lowest such index; ``assignment`` (neuron index → chamber index) chooses
    otherwise and is checked. Zero neurons (``u = 0`` or ``α = 0``) contribute nothing. A neuron
    that no listed cone holds means the chamber list is incomplete: InputError.

    >>> net = Network.from_lists([((1, 0), 1), ((2, 0), 2), ((0, -1), -1)])
    >>> phi(net, [[1, 0], [0, 1]], [(1, 1), (1, -1), (-1, 1), (-1, -1)])
    {(0, 1): (Fraction(5, 1), Fraction(0, 1)), (1, -1): (Fraction(0, 1), Fraction(-1, 1))}
    """
    Xf = to_fraction_matrix(X)
    sigs = chamber_signs(chambers)
    if Xf and any(len(c) != len(Xf) for c in sigs):
        raise InputError("chamber sign vectors must have one entry per row of X")
    chosen: dict[int, int] = {}
    for k, nr in enumerate(network.neurons):
        if sign(nr.alpha) == 0 or nr.is_zero:
            continue
        sg = nr.preactivation_signs(Xf)
        if assignment is not None:
            try:
                i = assignment[k]
            except (KeyError, IndexError):
                raise InputError(f"assignment gives no chamber for neuron {k}") from None
            if not (0 <= i < len(sigs)) or not in_closed_cone(sg, sigs[i]):
                raise InputError(f"neuron {k} is not in the closed cone of chamber {i}")
        else:
            found = next((t for t, c in enumerate(sigs) if in_closed_cone(sg, c)), None)
            if found is None:
                raise InputError(f"no listed chamber's closed cone holds neuron {k}")
            i = found
        chosen[k] = i
    return group_sums(network, chosen)


def group_sums(
    network: Network, chosen: Mapping[int, int]
) -> dict[tuple[int, int], tuple[Exact, ...]]:
    """The sums ``Σ |α_k| u_k`` of φ (docs/MATH.md §5), once each neuron k in ``chosen`` has its
    chamber ``chosen[k]``: neuron k adds to group ``(chosen[k], sign α_k)``. Zero neurons add
    nothing, neurons missing from ``chosen`` are left out, and zero sums are dropped; the groups
    come in :func:`group_key_order`. No cone is checked here (:func:`phi` does that).

    >>> net = Network.from_lists([((1, 0), 1), ((2, 0), 2), ((0, -1), -1)])
    >>> group_sums(net, {0: 0, 1: 0, 2: 1})
    {(0, 1): (Fraction(5, 1), Fraction(0, 1)), (1, -1): (Fraction(0, 1), Fraction(-1, 1))}
    """
    acc: dict[tuple[int, int], list[Exact]] = {}
    for k, i in chosen.items():
        nr = network.neurons[k]
        s = sign(nr.alpha)
        if s == 0 or nr.is_zero:
            continue
        a = mul(Fraction(s), nr.alpha)  # |α_k|
        cur = acc.setdefault((i, s), [Fraction(0)] * len(nr.u))
        for j, t in enumerate(nr.u):
            cur[j] = add(cur[j], mul(a, t))
    out = {}
    for key in sorted(acc, key=group_key_order):
        w = tuple(acc[key])
        if sign(norm_sq(w)) != 0:
            out[key] = w
    return out


def _pattern(p: object) -> tuple[int, ...]:
    # Chambers (`.pattern`), 0/1 patterns and sign vectors all work: a sign vector's 0 occurs only
    # at zero rows, where the pattern bit does not matter (x_j = 0).
    bits: Any = getattr(p, "pattern", p)
    return tuple(1 if int(v) > 0 else 0 for v in bits)


def convex_objective(
    W: Mapping[tuple[int, int], Sequence[object]],
    X: Sequence[Sequence[object]],
    y: Sequence[object],
    beta: object,
    patterns: Sequence[object],
    loss: str = "squared",
    check: bool = True,
) -> Exact:
    """``L^c(W) = ℓ(Σ s D_i X w_{i,s}) + β Σ ‖w_{i,s}‖`` exactly (norms as sympy radicals unless
    rational), docs/MATH.md §4.

    ``patterns[i]`` is chamber i's 0/1 activation pattern (or its sign vector, or a Chamber).
    With ``check`` (default) each ``w_{i,s}`` must lie in ``C_i = {u : (2D_i − I)Xu ≥ 0}``.

    >>> convex_objective({(0, 1): (Fraction(3), Fraction(4))}, [[1, 0], [0, 1]], [3, 4],
    ...                  Fraction(1, 2), [(1, 1)])
    Fraction(5, 2)
    """
    Xf = to_fraction_matrix(X)
    yf = to_fraction_vector(y)
    b = to_fraction(beta)
    pats = [_pattern(p) for p in patterns]
    f: list[Exact] = [Fraction(0)] * len(Xf)
    norms: list[Exact] = []
    for key in sorted(W, key=group_key_order):
        i, s, w = _check_group(key, W[key])
        if i >= len(pats):
            raise InputError(f"group {key}: no pattern for chamber {i}")
        D = pats[i]
        if len(D) != len(Xf):
            raise InputError(f"pattern of chamber {i} has {len(D)} entries, X has {len(Xf)} rows")
        nr = Neuron(w, 1)  # reuse the exact (rational-direction) dot products
        if check:
            sg = nr.preactivation_signs(Xf)
            if not all((2 * dj - 1) * t >= 0 for dj, t in zip(D, sg, strict=True)):
                raise InputError(f"group {key}: w is not in the closed cone of chamber {i}")
        for j, x in enumerate(Xf):
            if D[j]:
                f[j] = add(f[j], mul(Fraction(s), dot(x, w)))
        norms.append(exact_sqrt(norm_sq(w)))
    reg: Exact = Fraction(0)
    for t in norms:
        reg = add(reg, t)
    return add(loss_value(tuple(f), yf, loss), mul(b, reg))
