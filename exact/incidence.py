"""The neuron–cone incidence graph of a network on data X (docs/MATH.md §6, poster 004).

The bipartite graph has a node ``("neuron", k)`` for each neuron (``bipartite=0``) and a node
``("cone", i, s)`` for each chamber i and sign ``s ∈ {+1, −1}`` (``bipartite=1``), with an edge
when the closed cone ``C_i`` holds ``u_k`` and ``s = sign α_k``. A neuron on a hyperplane has
several edges; a zero-output neuron with ``α = 0`` has none.

Minimality (poster 004) reads off the graph: every neuron scaled and every cone node of degree at
most 1. The *minimal representations* of a network are the ways of assigning each neuron to one
(cone, sign) holding it with no (cone, sign) used twice: the matchings of the graph that saturate
the neurons with ``α ≠ 0``. Each one is a choice of φ (docs/MATH.md §5) that keeps one neuron per
group, i.e. for which ``φ`` loses nothing and ``ψ∘φ`` returns the network (when it is scaled).

Examples
--------
>>> from exact.network import Network
>>> X = [[0, 1]]
>>> chambers = [(1,), (-1,)]
>>> net = Network.from_lists([((1, 0), 1), ((-1, 0), 1)])
>>> G = incidence_graph(net, X, chambers)
>>> sorted(G[("neuron", 0)])
[('cone', 0, 1), ('cone', 1, 1)]
>>> is_minimal_from_graph(G), count_minimal_representations(net, X, chambers)
(False, 2)

References
----------
Wang, Lacotte & Pilanci 2022, arXiv:2006.05900 (seed 000), poster (seed 004).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import networkx as nx

from arrangement.errors import TooLargeError
from exact.maps import chamber_signs
from exact.network import Network, sign
from exact.transforms import held_groups, is_scaled_neuron

__all__ = [
    "DEFAULT_LIMIT",
    "count_minimal_representations",
    "count_saturating_matchings",
    "incidence_graph",
    "is_minimal_from_graph",
]

#: Refuse to backtrack when the product of the neuron degrees exceeds this.
DEFAULT_LIMIT = 10**6


def incidence_graph(
    net: Network, X: Sequence[Sequence[object]], chambers: Sequence[object]
) -> nx.Graph:
    """Build the bipartite neuron–(cone, sign) incidence graph.

    Parameters
    ----------
    net : Network
    X : matrix of exact numbers (n × d)
    chambers : sign vectors or Chamber objects (``.signs``), listing every chamber of X

    Returns
    -------
    G : networkx.Graph
        Neuron nodes ``("neuron", k)`` carry ``bipartite=0``, ``scaled`` (bool) and ``sign``
        (of α_k); cone nodes ``("cone", i, s)`` carry ``bipartite=1`` and the chamber's
        ``signs``. ``G.graph["n_neurons"]`` and ``G.graph["n_chambers"]`` record the sizes.

    Examples
    --------
    >>> from exact.network import Network
    >>> G = incidence_graph(Network.from_lists([((1,), 1)]), [[1]], [(1,), (-1,)])
    >>> list(G[("neuron", 0)])
    [('cone', 0, 1)]
    """
    sigs = chamber_signs(chambers)
    held = held_groups(net, X, sigs)
    G = nx.Graph(n_neurons=net.width, n_chambers=len(sigs))
    for i, c in enumerate(sigs):
        for s in (1, -1):
            G.add_node(("cone", i, s), bipartite=1, signs=c)
    for k, nr in enumerate(net.neurons):
        G.add_node(("neuron", k), bipartite=0, scaled=is_scaled_neuron(nr), sign=sign(nr.alpha))
        for i, s in held[k]:
            G.add_edge(("neuron", k), ("cone", i, s))
    return G


def _neuron_nodes(G: nx.Graph) -> list:
    return [v for v, b in G.nodes(data="bipartite") if b == 0]


def is_minimal_from_graph(G: nx.Graph) -> bool:
    """Minimality from an incidence graph: all neurons scaled, every cone node of degree ≤ 1.

    Examples
    --------
    >>> from exact.network import Network
    >>> G = incidence_graph(Network.from_lists([((1,), 1)]), [[1]], [(1,), (-1,)])
    >>> is_minimal_from_graph(G)
    True
    """
    for v, data in G.nodes(data=True):
        if data.get("bipartite") == 0 and not data.get("scaled", False):
            return False
        if data.get("bipartite") == 1 and G.degree(v) > 1:
            return False
    return True


def count_saturating_matchings(G: nx.Graph, limit: int = DEFAULT_LIMIT) -> int:
    """Number of matchings of the bipartite graph G that cover every neuron node of nonzero sign.

    Exact backtracking: neurons in order of increasing degree, each matched to a free cone node.
    The search tree has at most ``Π_k deg(k)`` leaves, and ``Π_k deg(k)`` is what ``limit``
    bounds (the counting problem is #P-complete in general, a permanent). A Hopcroft–Karp maximum
    matching first answers 0 cheaply when no saturating matching exists.

    Raises
    ------
    TooLargeError
        when ``Π_k deg(k) > limit``.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_nodes_from([("neuron", 0), ("neuron", 1)], bipartite=0, sign=1)
    >>> G.add_nodes_from([("cone", 0, 1), ("cone", 1, 1)], bipartite=1)
    >>> G.add_edges_from([(("neuron", 0), ("cone", 0, 1)), (("neuron", 0), ("cone", 1, 1)),
    ...                   (("neuron", 1), ("cone", 1, 1))])
    >>> count_saturating_matchings(G)
    1
    """
    neurons = [v for v in _neuron_nodes(G) if G.nodes[v].get("sign", 1) != 0]
    if not neurons:
        return 1
    if any(G.degree(v) == 0 for v in neurons):
        return 0
    matching = nx.bipartite.hopcroft_karp_matching(G, top_nodes=_neuron_nodes(G))
    if any(v not in matching for v in neurons):
        return 0
    bound = math.prod(G.degree(v) for v in neurons)
    if bound > limit:
        raise TooLargeError(
            f"counting minimal representations: search bound {bound} exceeds the limit {limit}"
        )
    order = sorted(neurons, key=lambda v: (G.degree(v), v))
    adj = [sorted(G[v]) for v in order]
    used: set = set()

    def count(t: int) -> int:
        if t == len(order):
            return 1
        total = 0
        for c in adj[t]:
            if c not in used:
                used.add(c)
                total += count(t + 1)
                used.remove(c)
        return total

    return count(0)


def count_minimal_representations(
    net: Network,
    X: Sequence[Sequence[object]],
    chambers: Sequence[object],
    limit: int = DEFAULT_LIMIT,
) -> int:
    """Number of ways to assign each neuron (with ``α ≠ 0``) to a (closed cone, sign) holding it
    such that no (cone, sign) gets two neurons: the neuron-saturating matchings of
    :func:`incidence_graph`. See :func:`count_saturating_matchings` for cost and ``limit``.

    Examples
    --------
    >>> from exact.network import Network
    >>> net = Network.from_lists([((1, 0), 1), ((0, 1), 1)])
    >>> count_minimal_representations(net, [[0, 1]], [(1,), (-1,)])
    1
    """
    return count_saturating_matchings(incidence_graph(net, X, chambers), limit)
