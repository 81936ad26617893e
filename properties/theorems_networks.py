"""Theorem checks about networks and the maps ψ, φ (docs/MATH.md §5, §6), all in exact arithmetic.

The code under test is reached through its modules (``maps.psi``, ``transforms.split``, ...)
so that a test can plant a bug with ``monkeypatch`` and watch the check catch it.

>>> from arrangement.instances import Instance
>>> from exact.network import Network
>>> inst = Instance([[1, 0], [0, 1]], y=[1, -1], beta="1/2")
>>> optimal_networks_scaled(inst, Network.from_lists([((1, 0), 4)])) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.instances import Instance
from exact import maps, transforms
from exact.network import Exact, Network, add, exact_eq, mul, sign
from properties import strategies as S
from properties.registry import Counterexample, theorem

__all__ = [
    "minimalize_sound",
    "optimal_networks_scaled",
    "phi_never_increases",
    "psi_preserves_objective",
    "split_merge_invariance",
    "transformation_invariance",
]


def _objective(net: Network, inst: Instance) -> Exact:
    return net.objective(inst.X, inst.targets, inst.penalty)


def _diff_sign(a: Exact, b: Exact) -> int:
    """sign(a − b), exactly."""
    return sign(add(a, mul(Fraction(-1), b)))


def _same_vector(a: Sequence[Exact], b: Sequence[Exact]) -> bool:
    return all(exact_eq(s, t) for s, t in zip(a, b, strict=True))


def _fit(W: Mapping[tuple[int, int], Sequence[Exact]], X, chambers) -> tuple[Exact, ...]:
    """Σ s D_i X w_{i,s}, computed here (not through ψ)."""
    out: list[Exact] = [Fraction(0)] * len(X)
    for (i, s), w in W.items():
        pat = chambers[i].pattern
        for j, x in enumerate(X):
            if pat[j]:
                z = Fraction(0)
                for a, b in zip(x, w):
                    z = add(z, mul(a, b))
                out[j] = add(out[j], mul(Fraction(s), z))
    return tuple(out)


# ----------------------------------------------------------------------------- ψ


@st.composite
def _instance_and_convex_point(draw):
    inst = draw(S.instances(S.matrices(n_max=5, d_max=3)))
    return inst, draw(S.convex_points(Arrangement(inst.X), max_groups=3))


@theorem("psi_preserves_objective", strategy=_instance_and_convex_point(), section="§5",
         ci_examples=25)
def psi_preserves_objective(inst: Instance, W: dict) -> Counterexample | None:
    """L_β(ψ(W)) = L^c(W) exactly, and ψ(W) predicts Σ s D_i X w_{i,s}."""
    arr = Arrangement(inst.X)
    ch = arr.chambers()
    net = maps.psi(W)
    lc = maps.convex_objective(W, inst.X, inst.targets, inst.penalty, ch)
    ln = _objective(net, inst)
    if not exact_eq(lc, ln):
        return Counterexample.make("psi_preserves_objective", f"L(psi(W)) = {ln} but "
                                   f"L^c(W) = {lc}", inst, net, W=_groups_json(W))
    if not _same_vector(net.output(inst.X), _fit(W, arr.X, ch)):
        return Counterexample.make("psi_preserves_objective", "psi(W) predicts differently from"
                                   " W", inst, net, W=_groups_json(W))
    return None


def _groups_json(W: Mapping) -> list:
    return [[i, s, list(w)] for (i, s), w in sorted(W.items())]


# ----------------------------------------------------------------------------- φ


def _phi_equality_condition(net: Network, X, chambers) -> bool:
    """Scaled, and neurons that φ puts in the same group (lowest-index closed cone, sign of α)
    are positively colinear (docs/MATH.md §5)."""
    if not transforms.is_scaled(net):
        return False
    groups: dict[tuple[int, int], list] = {}
    signs = [c.signs for c in chambers]
    for nr in net.neurons:
        s = sign(nr.alpha)
        if s == 0 or nr.is_zero:
            continue
        sg = nr.preactivation_signs(X)
        i = next(t for t, c in enumerate(signs) if maps.in_closed_cone(sg, c))
        groups.setdefault((i, s), []).append(nr.u)
    return all(transforms.positively_colinear(us[0], v) for us in groups.values()
               for v in us[1:])


@theorem("phi_never_increases", strategy=S.instances_with_networks(), section="§5",
         ci_examples=30)
def phi_never_increases(inst: Instance, net: Network) -> Counterexample | None:
    """φ(θ) predicts like θ and L^c(φ(θ)) ≤ L_β(θ), with equality exactly when θ is scaled and
    the neurons sharing a group are positively colinear."""
    arr = Arrangement(inst.X)
    ch = arr.chambers()
    W = maps.phi(net, inst.X, ch)
    if not _same_vector(_fit(W, arr.X, ch), net.output(inst.X)):
        return Counterexample.make("phi_never_increases", "phi(theta) predicts differently",
                                   inst, net)
    lc = maps.convex_objective(W, inst.X, inst.targets, inst.penalty, ch)
    ln = _objective(net, inst)
    d = _diff_sign(lc, ln)
    if d > 0:
        return Counterexample.make("phi_never_increases", f"L^c(phi) = {lc} > L(theta) = {ln}",
                                   inst, net)
    cond = _phi_equality_condition(net, arr.X, ch)
    if (d == 0) != cond:
        what = "equal" if d == 0 else "strictly smaller"
        return Counterexample.make("phi_never_increases", f"objectives {what} but scaled-and-"
                                   f"colinear is {cond}", inst, net)
    return None


# ----------------------------------------------------------------------------- §6 invariances


@st.composite
def _instance_net_split(draw):
    inst, net = draw(S.instances_with_networks(width_max=3))
    rational = draw(st.booleans())
    return inst, net, draw(S.split_copies(net, rational=rational, max_parts=3))


@theorem("split_merge_invariance", strategy=_instance_net_split(), section="§6",
         ci_examples=25)
def split_merge_invariance(inst: Instance, net: Network, copy: Network
                           ) -> Counterexample | None:
    """Splitting keeps output and objective; merging the split keeps them too."""
    out, obj = net.output(inst.X), _objective(net, inst)
    for label, other in (("split", copy), ("merge(split)", transforms.merge(copy))):
        if not _same_vector(other.output(inst.X), out):
            return Counterexample.make("split_merge_invariance", f"{label} changed the output",
                                       inst, net, copy=copy.to_json_dict())
        o = _objective(other, inst)
        if not exact_eq(o, obj):
            return Counterexample.make("split_merge_invariance", f"{label} changed the "
                                       f"objective: {obj} -> {o}", inst, net,
                                       copy=copy.to_json_dict())
    return None


@st.composite
def _instance_net_transform(draw):
    inst, net = draw(S.instances_with_networks(width_max=3))
    label, new = draw(S.network_transformations(net))
    return inst, net, label, new


@theorem("transformation_invariance", strategy=_instance_net_transform(), section="§6",
         ci_examples=25)
def transformation_invariance(inst: Instance, net: Network, label: str, new: Network
                              ) -> Counterexample | None:
    """Permutation, splitting, merging, rescaling and zero neurons keep the output; all but
    rescaling keep the penalty."""
    if not _same_vector(new.output(inst.X), net.output(inst.X)):
        return Counterexample.make("transformation_invariance", f"{label} changed the output",
                                   inst, net, transformed=new.to_json_dict())
    if label != "rescale" and not exact_eq(new.penalty(inst.penalty), net.penalty(inst.penalty)):
        return Counterexample.make("transformation_invariance", f"{label} changed the penalty",
                                   inst, net, transformed=new.to_json_dict())
    return None


@theorem("optimal_networks_scaled", strategy=S.instances_with_networks(), section="§6",
         ci_examples=30)
def optimal_networks_scaled(inst: Instance, net: Network) -> Counterexample | None:
    """Rescaling every neuron to ‖u‖ = |α| keeps the output and lowers the objective strictly
    unless θ is scaled — so every optimal network is scaled."""
    new = transforms.to_scaled(net)
    if not _same_vector(new.output(inst.X), net.output(inst.X)):
        return Counterexample.make("optimal_networks_scaled", "to_scaled changed the output",
                                   inst, net)
    d = _diff_sign(_objective(new, inst), _objective(net, inst))
    scaled = transforms.is_scaled(net)
    if d > 0 or (d == 0) != scaled or not transforms.is_scaled(new):
        return Counterexample.make("optimal_networks_scaled", f"objective change sign {d}, "
                                   f"is_scaled(theta) = {scaled}", inst, net)
    return None


@theorem("minimalize_sound", strategy=S.instances_with_networks(), section="§6",
         ci_examples=25)
def minimalize_sound(inst: Instance, net: Network) -> Counterexample | None:
    """Every network maps to a minimal one with the same output and no larger objective."""
    arr = Arrangement(inst.X)
    ch = arr.chambers()
    new = transforms.minimalize(net, inst.X, ch)
    if not transforms.is_minimal(new, inst.X, ch):
        return Counterexample.make("minimalize_sound", "result is not minimal", inst, net)
    if not _same_vector(new.output(inst.X), net.output(inst.X)):
        return Counterexample.make("minimalize_sound", "output changed", inst, net)
    if _diff_sign(_objective(new, inst), _objective(net, inst)) > 0:
        return Counterexample.make("minimalize_sound", "objective increased", inst, net)
    return None
