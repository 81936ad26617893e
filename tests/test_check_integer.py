"""check's network side in integers (exact/check.py): one exact integer product of a rational
network's preactivations gives its signs, output and φ's group sums (one common denominator per
group), equal to the Fraction references (Network.output, exact.maps.phi,
exact.transforms.held_groups), also on degenerate data and neurons on hyperplanes."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

import exact.check as C
from exact.convex import ConvexProgram
from exact.maps import phi
from exact.network import Network
from exact.transforms import held_groups
from properties.strategies import degenerate_matrices, networks


def on_hyperplanes(net: Network, X) -> Network:
    """The network with each neuron moved onto the hyperplane of a row (the part of u along
    that row removed): neurons held by several chambers."""
    out = []
    for k, nr in enumerate(net.neurons):
        x = [Fraction(t) for t in X[k % len(X)]]
        xx = sum(t * t for t in x)
        c = sum(a * b for a, b in zip(nr.u, x)) / xx if xx else 0
        out.append(((tuple(a - c * b for a, b in zip(nr.u, x))), nr.alpha))
    return Network.from_lists(out)


def agree(net: Network, cp: ConvexProgram, cls=C._RationalNetwork) -> bool:
    rn = cls(net, cp.X)
    held, W = C._own_groups(net, cp, rn)
    return (held == held_groups(net, cp.X, cp.signs) and W == phi(net, cp.X, cp.signs)
            and list(W) == list(phi(net, cp.X, cp.signs))
            and rn.output() == net.output(cp.X) and rn.signs() == C.neuron_signs(net, cp.X))


@given(degenerate_matrices(d_min=2, d_max=3), st.data())
def test_integer_network_side_matches_the_fraction_references(X, data):
    cp = ConvexProgram(X, [0] * len(X), 1)
    net = data.draw(networks(len(X[0]), width_min=1, width_max=4))
    for n in (net, on_hyperplanes(net, X)):
        assert agree(n, cp)
        held, W = C.own_groups(n, cp)  # the public path, Fraction sums
        assert held == held_groups(n, cp.X, cp.signs) and W == phi(n, cp.X, cp.signs)


class OneDenominator(C._RationalNetwork):
    """The planted bug: a group's common denominator taken from its first neuron only."""

    def group_sums(self, chosen):
        from exact.maps import group_key_order

        col = {k: c for c, k in enumerate(self.rat)}
        members: dict = {}
        for k, i in chosen.items():
            a = self.net.neurons[k].alpha
            if a:
                members.setdefault((i, 1 if a > 0 else -1), []).append((col[k], abs(a)))
        out = {}
        for key in sorted(members, key=group_key_order):
            ms = members[key]
            M = ms[0][1].denominator * self.scales[ms[0][0]]
            num = [0] * len(self.U[0])
            for c, a in ms:
                f = a.numerator * M // (a.denominator * self.scales[c])
                for j, x in enumerate(self.U[c]):
                    num[j] += f * x
            if any(num):
                out[key] = tuple(Fraction(x, M) for x in num)
        return out


def test_planted_bug_one_denominator_per_group_is_caught():
    """Two neurons in one group with different denominators: a common denominator read off
    the first alone rounds the second's share, and the comparison with φ fails."""
    X = [[1, 0], [0, 1], [1, 1]]
    cp = ConvexProgram(X, [1, 0, 1], "1/10")
    net = Network.from_lists([((1, 1), 1), ((Fraction(1, 3), Fraction(2, 7)), Fraction(1, 2))])
    assert agree(net, cp) and len(phi(net, cp.X, cp.signs)) == 1
    assert not agree(net, cp, OneDenominator)


def test_check_on_the_integer_side_equals_the_fraction_side(monkeypatch):
    """check with the integer network side and with the Fraction one (the class replaced by
    one that is never used): the same objective, verdict, violation and worst chamber."""
    import numpy as np

    from exact.check import check

    rng = np.random.default_rng(4)
    X = rng.integers(-4, 5, size=(9, 3)).tolist()
    y = rng.integers(-3, 4, size=9).tolist()
    net = Network.from_lists([((Fraction(int(a), 3), Fraction(int(b), 5), int(c)), Fraction(1, 2))
                              for a, b, c in rng.integers(-3, 4, size=(4, 3))])
    fast = check(net, X, y, "1/10", find_better=False)
    monkeypatch.setattr(C.Network, "is_rational", property(lambda self: False))
    slow = check(net, X, y, "1/10", find_better=False, certificate=False)
    assert (fast.objective, fast.verdict, fast.violation, fast.worst_chamber) == (
        slow.objective, slow.verdict, slow.violation, slow.worst_chamber)
    assert fast.groups == slow.groups and fast.neuron_groups == slow.neuron_groups
