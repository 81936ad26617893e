"""Theorem checks about the arrangement of the data (docs/MATH.md §2, §3, §8): combinatorics only.

Each check takes an :class:`~arrangement.instances.Instance` (and sometimes transformation
parameters) and returns ``None`` or a :class:`~properties.registry.Counterexample`. The chamber
list under test is always ``Arrangement(X).chambers()``; the oracles are independent of it where
possible (the ≥-pattern set and faces come from ``arrangement.faces``, the counts from the
intersection lattice, containments from exact Farkas multipliers).

>>> from arrangement.instances import Instance
>>> zaslavsky(Instance([[1, 0], [0, 1], [1, 1]])) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.instances import Instance
from properties import strategies as S
from properties.registry import Counterexample, theorem

__all__ = [
    "chambers_suffice",
    "cover_formula",
    "duplicate_and_zero_rows",
    "general_position_by_construction",
    "pattern_count_bound",
    "patterns_under_XA",
    "patterns_under_row_scaling",
    "tope_graph_antipodal",
    "tope_graph_bipartite",
    "tope_graph_connected",
    "tope_graph_degree_diameter",
    "tope_graph_distance",
    "tope_graph_edges",
    "zaslavsky",
]

#: Data for the combinatorial checks: every kind of matrix, at most 6 rows and 3 columns.
DATA = S.instances(S.matrices(n_max=6, d_max=3), with_targets=False, with_beta=False)
#: General position by construction (plain and with a bias column).
GENERIC = S.instances(st.one_of(S.generic_matrices(), S.generic_matrices(bias=True)),
                      with_targets=False, with_beta=False)


def _chamber_patterns(arr: Arrangement) -> set[tuple[int, ...]]:
    return {c.pattern for c in arr.chambers()}


# ----------------------------------------------------------------------------- §2


@theorem("chambers_suffice", strategy=DATA, section="§2")
def chambers_suffice(inst: Instance) -> Counterexample | None:
    """Every ≥-pattern's cone C_D lies in the closed cone of a listed chamber (face patterns add
    nothing to the convex program)."""
    from arrangement.certificate import farkas_multipliers
    from arrangement.faces import pattern_set

    arr = Arrangement(inst.X)
    rows = arr.int_rows
    ch = list(arr.chambers())
    listed = _chamber_patterns(arr)
    nz = [j for j in range(arr.n) if any(rows[j])]
    for D, w in pattern_set(rows, arr.d).items():
        if D in listed:
            continue  # C_D is that chamber's closed cone
        A = [tuple((2 * D[j] - 1) * v for v in rows[j]) for j in nz]  # C_D = {u : A u ≥ 0}
        ws = [sum(a * b for a, b in zip(rows[j], w)) for j in range(arr.n)]
        face = [(v > 0) - (v < 0) for v in ws]
        for c in ch:
            # only chambers whose closure holds the face of w can contain C_D
            if any(s != 0 and s != t for s, t in zip(face, c.signs)):
                continue
            if all(farkas_multipliers(A, tuple(c.signs[j] * v for v in rows[j])) is not None
                   for j in nz):
                break
        else:
            return Counterexample.make(
                "chambers_suffice",
                f"the cone of pattern {D} (witness {w}) lies in no listed chamber's closed cone",
                inst, pattern=D, witness=w)
    return None


# ----------------------------------------------------------------------------- §3 counts


@theorem("general_position_by_construction", strategy=GENERIC, section="§3")
def general_position_by_construction(inst: Instance) -> Counterexample | None:
    """Moment-curve data mixed by XA is in general position, of rank min(n, d)."""
    from arrangement.counts import is_general_position

    arr = Arrangement(inst.X)
    if not is_general_position(arr.int_rows, arr.d):
        return Counterexample.make("general_position_by_construction",
                                   "generic strategy produced data not in general position", inst)
    if arr.rank != min(arr.n, arr.d):
        return Counterexample.make("general_position_by_construction",
                                   f"rank {arr.rank} != min(n, d) = {min(arr.n, arr.d)}", inst)
    return None


@theorem("cover_formula", strategy=st.one_of(GENERIC, DATA), section="§3")
def cover_formula(inst: Instance) -> Counterexample | None:
    """In general position #chambers = 2 Σ_{k<r} C(n−1, k); otherwise at most Cover's count of
    the distinct hyperplanes."""
    from arrangement.counts import cover_count, is_general_position

    arr = Arrangement(inst.X)
    p = len(arr.chambers())
    m = len(arr.classes)
    if is_general_position(arr.int_rows, arr.d):
        want = cover_count(arr.n, arr.rank)
        if p != want:
            return Counterexample.make("cover_formula", f"general position: {p} chambers, Cover "
                                       f"says {want}", inst)
    elif m and p > cover_count(m, arr.rank):
        return Counterexample.make("cover_formula", f"{p} chambers exceed Cover's bound "
                                   f"{cover_count(m, arr.rank)} for {m} hyperplanes", inst)
    return None


@theorem("zaslavsky", strategy=DATA, section="§3")
def zaslavsky(inst: Instance) -> Counterexample | None:
    """|χ(−1)| of the intersection lattice equals the number of enumerated chambers."""
    from arrangement.lattice import characteristic_polynomial

    arr = Arrangement(inst.X)
    chi = abs(int(characteristic_polynomial(arr.int_rows, arr.d).eval(-1)))
    p = len(arr.chambers())
    if chi != p:
        return Counterexample.make("zaslavsky", f"|chi(-1)| = {chi} but {p} chambers", inst)
    return None


@theorem("pattern_count_bound", strategy=DATA, section="§3")
def pattern_count_bound(inst: Instance) -> Counterexample | None:
    """For n ≥ 2 rows of rank r ≥ 1, #chambers and #≥-patterns are ≤ ⌈2r(e(n−1)/r)^r⌉."""
    from arrangement.counts import pilanci_ergen_ceiling
    from arrangement.faces import pattern_set

    arr = Arrangement(inst.X)
    if arr.n < 2 or arr.rank < 1:
        return None
    bound = pilanci_ergen_ceiling(arr.n, arr.rank)
    p = len(arr.chambers())
    q = len(pattern_set(arr.int_rows, arr.d))
    if max(p, q) > bound:
        return Counterexample.make("pattern_count_bound", f"{p} chambers, {q} patterns, bound "
                                   f"{bound} (n={arr.n}, r={arr.rank})", inst)
    return None


# ----------------------------------------------------------------------------- §3 tope graph


@theorem("tope_graph_connected", strategy=DATA, section="§3")
def tope_graph_connected(inst: Instance) -> Counterexample | None:
    """The tope graph (chambers, shared facets) is connected."""
    import networkx as nx

    G = Arrangement(inst.X).tope_graph()
    if G.number_of_nodes() and not nx.is_connected(G):
        return Counterexample.make("tope_graph_connected", f"{nx.number_connected_components(G)}"
                                   " components", inst)
    return None


@theorem("tope_graph_bipartite", strategy=DATA, section="§3")
def tope_graph_bipartite(inst: Instance) -> Counterexample | None:
    """The tope graph is bipartite."""
    import networkx as nx

    if not nx.is_bipartite(Arrangement(inst.X).tope_graph()):
        return Counterexample.make("tope_graph_bipartite", "odd cycle in the tope graph", inst)
    return None


@theorem("tope_graph_distance", strategy=DATA, section="§3")
def tope_graph_distance(inst: Instance) -> Counterexample | None:
    """Graph distance between two chambers = number of hyperplanes separating them."""
    import networkx as nx

    arr = Arrangement(inst.X)
    S_ = arr.chambers().class_signs
    dist = dict(nx.all_pairs_shortest_path_length(arr.tope_graph()))
    for i in range(len(S_)):
        for j in range(i + 1, len(S_)):
            sep = int((S_[i] != S_[j]).sum())
            got = dist.get(i, {}).get(j)
            if got != sep:
                return Counterexample.make("tope_graph_distance", f"chambers {i}, {j}: distance "
                                           f"{got}, {sep} separating hyperplanes", inst)
    return None


@theorem("tope_graph_antipodal", strategy=DATA, section="§3")
def tope_graph_antipodal(inst: Instance) -> Counterexample | None:
    """σ ↦ −σ maps chambers to chambers and edges to edges (an automorphism)."""
    arr = Arrangement(inst.X)
    signs = [tuple(int(v) for v in row) for row in arr.chambers().class_signs]
    index = {s: i for i, s in enumerate(signs)}
    anti = {}
    for i, s in enumerate(signs):
        t = tuple(-v for v in s)
        if t not in index:
            return Counterexample.make("tope_graph_antipodal", f"-{s} is not a chamber", inst)
        anti[i] = index[t]
    G = arr.tope_graph()
    for a, b in G.edges():
        if not G.has_edge(anti[a], anti[b]):
            return Counterexample.make("tope_graph_antipodal", f"edge {a}-{b} has no antipode",
                                       inst)
    return None


def _restriction_chambers(arr: Arrangement, k: int) -> int:
    """#chambers of the restriction A^H to the hyperplane of class k (independent of the tope
    graph: an integer basis of H, the other rows restricted to it, enumerated afresh)."""
    import sympy

    normal = arr.classes[k].normal
    basis = sympy.Matrix([list(normal)]).nullspace()
    if not basis:
        return 1
    N = []
    for b in basis:
        den = sympy.ilcm(*[sympy.fraction(v)[1] for v in b])
        N.append([int(v * den) for v in b])
    rows = [[sum(a * b for a, b in zip(r, col)) for col in N] for r in arr.int_rows]
    if not any(any(r) for r in rows):
        return 1
    return len(Arrangement(rows).chambers())


@theorem("tope_graph_edges", strategy=DATA, section="§3")
def tope_graph_edges(inst: Instance) -> Counterexample | None:
    """#edges of the tope graph = Σ_H #chambers(A^H) over the distinct hyperplanes."""
    arr = Arrangement(inst.X)
    want = sum(_restriction_chambers(arr, k) for k in range(len(arr.classes)))
    got = arr.tope_graph().number_of_edges()
    if got != want:
        return Counterexample.make("tope_graph_edges", f"{got} edges, Σ_H #chambers(A^H) = "
                                   f"{want}", inst)
    return None


@theorem("tope_graph_degree_diameter", strategy=DATA, section="§3")
def tope_graph_degree_diameter(inst: Instance) -> Counterexample | None:
    """Every chamber has ≥ r facets, and the diameter equals the number of parallel classes."""
    import networkx as nx

    arr = Arrangement(inst.X)
    G = arr.tope_graph()
    low = min((deg for _, deg in G.degree()), default=0)
    if low < arr.rank:
        return Counterexample.make("tope_graph_degree_diameter", f"a chamber has degree {low} < "
                                   f"rank {arr.rank}", inst)
    if G.number_of_nodes() > 1 and nx.is_connected(G):
        diam = nx.diameter(G)
        if diam != len(arr.classes):
            return Counterexample.make("tope_graph_degree_diameter", f"diameter {diam}, "
                                       f"{len(arr.classes)} parallel classes", inst)
    return None


# ----------------------------------------------------------------------------- §8 (patterns)


@st.composite
def _with_invertible(draw):
    inst = draw(DATA)
    return inst, draw(S.invertible_matrices(inst.d))


@theorem("patterns_under_XA", strategy=_with_invertible(), section="§8")
def patterns_under_XA(inst: Instance, A: Sequence[Sequence[Fraction]]) -> Counterexample | None:
    """X → XA (A invertible) keeps the chamber pattern set; witnesses map by A⁻¹."""
    a, b = Arrangement(inst.X), Arrangement(S.mat_mul(inst.X, A))
    pa, pb = _chamber_patterns(a), _chamber_patterns(b)
    if pa != pb:
        return Counterexample.make("patterns_under_XA", f"{len(pa)} patterns before, {len(pb)} "
                                   f"after; differ on {sorted(pa ^ pb)[:2]}", inst, A=A)
    return None


@st.composite
def _with_row_scales(draw):
    inst = draw(DATA)
    return inst, tuple(draw(S.positive_rationals(5, 3)) for _ in range(inst.n))


@theorem("patterns_under_row_scaling", strategy=_with_row_scales(), section="§8")
def patterns_under_row_scaling(inst: Instance, c: Sequence[Fraction]) -> Counterexample | None:
    """x_j → c_j x_j with c_j > 0 keeps the chamber pattern set and the ≥-pattern set."""
    from arrangement.faces import pattern_set

    scaled = [[cj * v for v in row] for cj, row in zip(c, inst.X)]
    a, b = Arrangement(inst.X), Arrangement(scaled)
    if _chamber_patterns(a) != _chamber_patterns(b):
        return Counterexample.make("patterns_under_row_scaling", "chamber patterns changed",
                                   inst, c=c)
    if set(pattern_set(a.int_rows, a.d)) != set(pattern_set(b.int_rows, b.d)):
        return Counterexample.make("patterns_under_row_scaling", "≥-patterns changed", inst, c=c)
    return None


@st.composite
def _with_extra_rows(draw):
    inst = draw(DATA)
    picks = draw(st.lists(st.integers(-1, inst.n - 1), min_size=1, max_size=3))
    return inst, tuple(picks), tuple(draw(st.permutations(range(inst.n + len(picks)))))


@theorem("duplicate_and_zero_rows", strategy=_with_extra_rows(), section="§8")
def duplicate_and_zero_rows(inst: Instance, picks: Sequence[int], perm: Sequence[int]
                            ) -> Counterexample | None:
    """Appending duplicates (pick j ≥ 0) and zero rows (pick −1), then permuting the rows,
    keeps the chamber count; zero rows are a constant 1 bit and patterns permute."""
    zero = tuple(Fraction(0) for _ in range(inst.d))
    rows = list(inst.X) + [inst.X[j] if j >= 0 else zero for j in picks]
    rows = [rows[k] for k in perm]
    a, b = Arrangement(inst.X), Arrangement(rows)
    if len(a.chambers()) != len(b.chambers()):
        return Counterexample.make("duplicate_and_zero_rows", f"{len(a.chambers())} chambers "
                                   f"became {len(b.chambers())}", inst, picks=picks, perm=perm)
    src = list(range(inst.n)) + [j for j in picks]  # row of the original each new row copies
    src = [src[k] for k in perm]
    expect = set()
    for p in _chamber_patterns(a):
        expect.add(tuple(1 if s < 0 else p[s] for s in src))
    got = _chamber_patterns(b)
    if got != expect:
        return Counterexample.make("duplicate_and_zero_rows", "chamber patterns are not the "
                                   "permuted/duplicated ones", inst, picks=picks, perm=perm)
    return None
