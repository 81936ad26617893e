"""Property tests of the arrangement engine: metamorphic relations, tope graph, facets, cones.

- Metamorphic relations (docs/MATH.md §8): row permutations permute the sign vectors; positive row
  scalings, ``X → XA`` (A invertible) and essentialization leave the set unchanged; duplicate and
  zero rows leave the count unchanged; ``σ ↦ −σ`` maps chambers to chambers.
- Tope graph (docs/MATH.md §3): connected, bipartite, graph distance = number of separating classes,
  ``σ ↦ −σ`` an automorphism, diameter = number of classes, every degree ≥ r (on the
  essentialization), ``#edges = Σ_H #chambers(A^H)``.
- Facets, cones and generators (docs/MATH.md §2) against exact LPs (pycddlib GMP backend).
- Zaslavsky's ``|χ(−1)|`` (arrangement/lattice.py) and an LP-incremental enumeration as
  independent counts; GraphML export.
"""

from __future__ import annotations

import random
from collections import deque
from fractions import Fraction

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from oracles import (
    brute_force_chambers,
    distinct_hyperplanes,
    dot,
    exact_rank,
    exact_signs,
    incremental_lp_chambers,
    lp_min,
    open_cone_nonempty,
)

from arrangement.core import Arrangement
from arrangement.exactla import inverse as mat_inverse
from arrangement.intmat import nullspace_basis
from arrangement.lattice import characteristic_polynomial
from properties.strategies import (
    int_degenerate_matrices as degenerate_matrices,
)
from properties.strategies import (
    int_low_rank_matrices as low_rank_matrices,
)
from properties.strategies import (
    int_matrices,
    invertible_matrices,
    mat_mul,
    moment_curve_matrices,
    small_matrices,
)
from properties.strategies import (
    positive_rationals as positive_fractions,
)


def sign_set(arr: Arrangement) -> set[tuple[int, ...]]:
    return {c.signs for c in arr.chambers()}


def neg(s: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(-v for v in s)


# ----------------------------------------------------------------------------- metamorphic (§8)


@given(small_matrices(), st.data())
def test_row_permutation_permutes_sign_vectors(X, data):
    """Permuting the rows of X permutes the entries of every chamber sign vector (§8)."""
    perm = data.draw(st.permutations(range(len(X))))
    Xp = [X[p] for p in perm]
    expected = {tuple(s[p] for p in perm) for s in sign_set(Arrangement(X))}
    assert sign_set(Arrangement(Xp)) == expected


@given(small_matrices(), st.data())
def test_positive_row_scaling_keeps_sign_vectors(X, data):
    """``x_j → c_j x_j`` with rational ``c_j > 0`` leaves the set of sign vectors unchanged (§8)."""
    c = data.draw(st.lists(positive_fractions(), min_size=len(X), max_size=len(X)))
    Xs = [[cj * v for v in row] for cj, row in zip(c, X, strict=True)]
    assert sign_set(Arrangement(Xs)) == sign_set(Arrangement(X))


@given(small_matrices(), st.booleans(), st.data())
def test_linear_change_of_coordinates(X, rational, data):
    """``X → XA``, A invertible: same sign vectors; witnesses map by ``A⁻¹`` (§8).

    A chamber of X with witness w contains ``A (A⁻¹ w)``, so ``A⁻¹ w`` lies in the chamber of
    XA with the same sign vector; the check evaluates it against the parsed matrix of XA.
    """
    d = len(X[0])
    A = data.draw(invertible_matrices(d, rational=rational))
    XA = mat_mul(X, A)
    arr, arrA = Arrangement(X), Arrangement(XA)
    assert sign_set(arrA) == sign_set(arr)
    Ainv = mat_inverse(A)
    for c in arr.chambers():
        u = [dot(row, c.witness) for row in Ainv]
        assert exact_signs(arrA.X, u) == c.signs


@given(small_matrices(n_max=6), st.data())
def test_duplicate_and_zero_rows_keep_the_count(X, data):
    """Appending duplicates, positive multiples and zero rows keeps the chamber count (§8).

    A zero row is a constant sign 0 (pattern bit 1); a copy ``c·x_j`` has row j's sign.
    """
    n = len(X)
    src = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=3))
    fac = data.draw(st.lists(positive_fractions(), min_size=len(src), max_size=len(src)))
    zeros = data.draw(st.integers(0, 2))
    d = len(X[0])
    Y = [list(r) for r in X] + [[f * v for v in X[j]] for j, f in zip(src, fac, strict=True)]
    Y += [[0] * d for _ in range(zeros)]
    arr, arrY = Arrangement(X), Arrangement(Y)
    assert len(arrY.chambers()) == len(arr.chambers())
    for c in arrY.chambers():
        for t, j in enumerate(src):
            assert c.signs[n + t] == c.signs[j]
        assert c.signs[n + len(src):] == (0,) * zeros
        assert c.pattern[n + len(src):] == (1,) * zeros
    assert {c.signs[:n] for c in arrY.chambers()} == sign_set(arr)


@given(small_matrices())
def test_antipodal_symmetry(X):
    """``σ ↦ −σ`` maps the chamber set to itself (u ↦ −u), and −X has the same chambers."""
    S = sign_set(Arrangement(X))
    assert {neg(s) for s in S} == S
    assert sign_set(Arrangement([[-v for v in r] for r in X])) == S


def essentialization(X) -> list[list[Fraction]]:
    """``X R`` with the columns of R a basis of the row space of X (rank r columns)."""
    basis: list[list[int]] = []
    for row in X:
        if exact_rank([*basis, row]) > len(basis):
            basis.append(list(row))
    if not basis:
        return [[Fraction(0)] for _ in X]
    R = [list(col) for col in zip(*basis, strict=True)]  # d × r
    return mat_mul(X, R)


@given(st.one_of(low_rank_matrices(), degenerate_matrices()))
def test_essentialization_keeps_the_tope_graph(X):
    """Restricting to the row space (``X → X R``) keeps sign vectors and tope graph (§2: the
    lineality space of every chamber cone is ``ker X``); there every degree is ≥ r (§3)."""
    arr = Arrangement(X)
    E = essentialization(X)
    arrE = Arrangement(E)
    r = arr.rank
    assert arrE.rank == r and arrE.d == max(r, 1)
    assert sign_set(arrE) == sign_set(arr)
    G, GE = arr.tope_graph(), arrE.tope_graph()

    def by_signs(a: Arrangement, H: nx.Graph) -> set[frozenset]:
        s = [c.signs for c in a.chambers()]
        return {frozenset((s[i], s[j])) for i, j in H.edges}

    assert by_signs(arr, G) == by_signs(arrE, GE)
    if r >= 1:
        assert min(dict(GE.degree).values()) >= r
        # a full-dimensional cone with lineality ker X has as many facets as its pointed part
        assert min(dict(G.degree).values()) >= r


# ----------------------------------------------------------------------------- tope graph (§3)


def bfs(G: nx.Graph, s: int) -> dict[int, int]:
    dist = {s: 0}
    queue = deque([s])
    while queue:
        v = queue.popleft()
        for w in G[v]:
            if w not in dist:
                dist[w] = dist[v] + 1
                queue.append(w)
    return dist


@given(small_matrices())
def test_tope_graph_structure(X):
    """Connected; bipartite; distance = #separating classes (BFS from a few sources); ``σ ↦ −σ``
    an automorphism; diameter = #classes; edges carry the class crossed (§3)."""
    arr = Arrangement(X)
    ch = arr.chambers()
    G = arr.tope_graph()
    p, m = len(ch), len(arr.classes)
    S = [tuple(int(v) for v in row) for row in ch.class_signs]
    assert G.number_of_nodes() == p
    assert nx.is_connected(G)
    assert nx.is_bipartite(G)
    for i in G.nodes:
        assert G.nodes[i]["signs"] == "".join("-0+"[v + 1] for v in ch[i].signs)
    for i, j, k in G.edges(data="cls"):
        assert [t for t in range(m) if S[i][t] != S[j][t]] == [k]
    for src in sorted({0, p // 2, p - 1}):
        dist = bfs(G, src)
        assert len(dist) == p
        for j, dj in dist.items():
            assert dj == sum(a != b for a, b in zip(S[src], S[j], strict=True))
    index = {s: i for i, s in enumerate(S)}
    anti = {i: index[neg(s)] for i, s in enumerate(S)}
    assert all(G.has_edge(anti[i], anti[j]) for i, j in G.edges)
    if m:
        assert max(bfs(G, 0).values()) == m
        assert nx.diameter(G) == m
    for i in G.nodes:
        assert G.degree[i] == len(arr.facets(i))


def restriction_count(normals: list[tuple[int, ...]], k: int, d: int) -> int:
    """#chambers of the restriction ``A^{H_k}``: the other normals in an integer basis of H_k,
    by brute force over sign vectors (exact LPs)."""
    if d == 1:
        return 1  # H_k = {0}
    B = nullspace_basis(normals[k]).tolist()  # d × (d−1)
    rows = [[sum(a * B[i][t] for i, a in enumerate(h)) for t in range(d - 1)]
            for q, h in enumerate(normals) if q != k]
    if not rows:
        return 1
    return len(brute_force_chambers([list(r) for r in {tuple(r) for r in rows}]))


@given(small_matrices(n_max=7))
def test_edges_count_by_restrictions(X):
    """``#edges = Σ_H #chambers(A^H)``: each facet of the arrangement on H is one edge (§3)."""
    arr = Arrangement(X)
    normals = [c.normal for c in arr.classes]
    G = arr.tope_graph()
    expected = sum(restriction_count(normals, k, arr.d) for k in range(len(normals)))
    assert G.number_of_edges() == expected
    # the same count class by class: edges crossing class k = chambers of A^{H_k}
    per_class = [0] * len(normals)
    for _, _, k in G.edges(data="cls"):
        per_class[k] += 1
    assert per_class == [restriction_count(normals, k, arr.d) for k in range(len(normals))]


# ----------------------------------------------------------------------------- facets, cones (§2)


def box(d: int) -> list[tuple[list[int], int]]:
    out = []
    for t in range(d):
        e = [0] * d
        e[t] = 1
        out.append((e, -1))
        out.append(([-v for v in e], -1))
    return out


@settings(max_examples=25)
@given(st.one_of(int_matrices(n_max=5, d_max=3), degenerate_matrices(base_n_max=4, extra_max=2,
                                                                      d_max=3)))
def test_facets_and_cones_by_lp(X):
    """facets(i) = the classes whose hyperplane meets the closure of chamber i in a relatively
    open (d−1)-dimensional piece; cone(i) contains the witness strictly; every non-facet row is
    implied by cone(i) and every facet row is not (exact LPs over the box [−1, 1]^d)."""
    arr = Arrangement(X)
    ch = arr.chambers()
    d = arr.d
    N = [c.normal for c in arr.classes]
    for i, c in enumerate(ch):
        s = [int(v) for v in ch.class_signs[i]]
        oracle = tuple(k for k in range(len(N))
                       if open_cone_nonempty([N[q] for q in range(len(N)) if q != k],
                                             [s[q] for q in range(len(N)) if q != k],
                                             eq=[N[k]]))
        assert arr.facets(i) == oracle
        A = arr.cone(i)
        assert A == [tuple(s[k] * v for v in N[k]) for k in oracle]
        assert all(dot(a, c.witness) > 0 for a in A)
        cone_box = [(list(a), 0) for a in A] + box(d)
        for k in range(len(N)):
            if k in oracle:
                others = [(list(a), 0) for a in A if a != tuple(s[k] * v for v in N[k])]
                assert lp_min([s[k] * v for v in N[k]], others + box(d)) < 0
            else:
                assert lp_min([s[k] * v for v in N[k]], cone_box) >= 0
        # the cone of the pattern, {(2D − I) X u ≥ 0}, is the same set: rows implied by cone(i)
        for j, x in enumerate(arr.X):
            if c.signs[j]:
                assert lp_min([c.signs[j] * v for v in x], cone_box) >= 0


@settings(max_examples=25)
@given(st.one_of(int_matrices(n_max=5, d_max=4), low_rank_matrices(n_max=5),
                 moment_curve_matrices(n_max=5)))
def test_cone_generators(X):
    """Rays satisfy cone(i) and are tight on ≥ r − 1 facets; there are ≥ r rays (r ≥ 1);
    the lineality basis spans ``ker X`` (``d − r`` independent vectors with ``X l = 0``); rays
    and lineality together span R^d (chamber cones are full-dimensional, §2)."""
    arr = Arrangement(X)
    r, d = arr.rank, arr.d
    for i in range(len(arr.chambers())):
        rays, lin = arr.cone_generators(i)
        A = arr.cone(i)
        assert len(lin) == d - r
        if lin:
            assert exact_rank(lin) == d - r
        for v in lin:
            assert all(dot(x, v) == 0 for x in arr.X)
        if r >= 1:
            assert len(rays) >= r
        for v in rays:
            vals = [dot(a, v) for a in A]
            assert all(t >= 0 for t in vals)
            assert any(dot(x, v) != 0 for x in arr.X)
            assert sum(t == 0 for t in vals) >= r - 1
        assert exact_rank([*rays, *lin]) == d


# ----------------------------------------------------------------------------- independent counts


def chi_at_minus_one(X) -> int:
    chi = characteristic_polynomial([[int(v) for v in r] for r in X], len(X[0]))
    return abs(int(chi.eval(-1)))


@given(small_matrices())
def test_zaslavsky_count(X):
    """Zaslavsky: #chambers = |χ(−1)|, χ from the intersection lattice (arrangement/lattice.py)."""
    assert len(Arrangement(X).chambers()) == chi_at_minus_one(X)


def random_matrix(seed: int, n: int, d: int, lo: int = -9, hi: int = 9) -> list[list[int]]:
    rng = random.Random(seed)
    return [[rng.randint(lo, hi) for _ in range(d)] for _ in range(n)]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_random_20x4_matches_zaslavsky(seed):
    """A 20 × 4 random integer instance in [−9, 9]: enumeration = |χ(−1)| (§3)."""
    X = random_matrix(seed, 20, 4)
    arr = Arrangement(X)
    assert len(arr.chambers()) == chi_at_minus_one(X)
    assert len(arr.chambers()) <= arr.estimate_chambers()


@pytest.mark.parametrize("seed", [0, 1])
def test_random_12x4_matches_lp_incremental(seed):
    """A 12 × 4 random instance in [−9, 9] (with a repeated and a negated row added): the class
    sign vectors equal those of the LP-incremental method, an independent enumeration."""
    X = random_matrix(100 + seed, 12, 4)
    X += [[3 * v for v in X[0]], [-v for v in X[5]]]
    arr = Arrangement(X)
    H = distinct_hyperplanes(X)
    lp = incremental_lp_chambers(H)
    # translate the enumerator's class signs to the order and orientation of H
    got = set()
    for c in arr.chambers():
        got.add(tuple(int(exact_signs([h], c.witness)[0]) for h in H))
    assert got == lp
    assert len(arr.classes) == len(H)


# ----------------------------------------------------------------------------- export


@settings(max_examples=10)
@given(X=small_matrices(n_max=6))
def test_graphml_round_trip(X, tmp_path_factory):
    """``write_graphml`` round-trips node and edge counts and the ``signs``/``cls`` attributes."""
    arr = Arrangement(X)
    path = tmp_path_factory.mktemp("graphml") / "tope.graphml"
    arr.write_graphml(str(path))
    G = arr.tope_graph()
    H = nx.read_graphml(path)
    assert H.number_of_nodes() == G.number_of_nodes()
    assert H.number_of_edges() == G.number_of_edges()
    assert sorted(H.nodes[v]["signs"] for v in H.nodes) == sorted(
        G.nodes[v]["signs"] for v in G.nodes)
    assert sorted(int(k) for _, _, k in H.edges(data="cls")) == sorted(
        k for _, _, k in G.edges(data="cls"))
