"""A plain exact-LP chamber enumerator: the baseline the arrangement engine is measured against.

Incremental enumeration over the distinct hyperplanes. Each current cell C (a sign vector s on
the hyperplanes so far) carries an integer witness w in its interior. When hyperplane h is added:

- if h·w ≠ 0, w already shows that the side sign(h·w) of C is nonempty, and ONE exact LP decides
  whether the other side is nonempty;
- if h·w = 0 (only for the empty start cell), both sides are nonempty and one LP per side
  supplies the witnesses.

The LP (pycddlib 3, ``cdd.gmp``: exact rational simplex) for "does side σ of h meet C?" is

    maximise t  s.t.  s_j x_j·u ≥ t (every earlier hyperplane j),  σ h·u ≥ t,  |u_i| ≤ 1;

the side is nonempty iff the optimum t* > 0, and then the optimal u (rational, scaled to a
primitive integer vector) is a witness with every sign strict. No arithmetic is inexact.

The tope graph is then built by flipping each class sign of each chamber and looking the flipped
sign vector up in a dictionary (two chambers are adjacent iff they differ in exactly one class).
"""

from __future__ import annotations

import math
import time
from fractions import Fraction

import cdd
import cdd.gmp


class Timeout(Exception):
    """Raised when the deadline passes during the enumeration."""


def canonical_classes(rows):
    """Distinct hyperplanes of integer ``rows``: primitive normals with first nonzero entry > 0.

    Returns ``(normals, row_class, row_orientation)`` (class −1 / orientation 0 for zero rows).
    """
    index: dict[tuple[int, ...], int] = {}
    normals: list[tuple[int, ...]] = []
    row_class, row_orient = [], []
    for r in rows:
        r = [int(v) for v in r]
        g = math.gcd(*r)
        if g == 0:
            row_class.append(-1)
            row_orient.append(0)
            continue
        first = next(v for v in r if v)
        o = 1 if first > 0 else -1
        key = tuple(o * v // g for v in r)
        k = index.get(key)
        if k is None:
            k = index[key] = len(normals)
            normals.append(key)
        row_class.append(k)
        row_orient.append(o)
    return normals, row_class, row_orient


def _dot(a, b) -> int:
    return sum(x * y for x, y in zip(a, b))


def _side_witness(cons: list[list[int]], box: list[list[int]], d: int):
    """Solve max t s.t. cons·(u) ≥ t, box; return a primitive integer u if t* > 0, else None.

    ``cons`` holds the oriented normals a (constraint a·u − t ≥ 0).
    """
    array = [[0, *a, -1] for a in cons] + box
    mat = cdd.gmp.matrix_from_array(array, rep_type=cdd.RepType.INEQUALITY,
                                    obj_type=cdd.LPObjType.MAX, obj_func=[0] * (d + 1) + [1])
    lp = cdd.gmp.linprog_from_matrix(mat)
    cdd.gmp.linprog_solve(lp)
    if lp.status != cdd.LPStatusType.OPTIMAL:
        raise AssertionError(f"LP status {lp.status!r}: the box makes every LP bounded")
    if Fraction(lp.obj_value) <= 0:
        return None
    u = [Fraction(v) for v in lp.primal_solution[:d]]
    L = math.lcm(*(v.denominator for v in u))
    w = [int(v * L) for v in u]
    g = math.gcd(*w)
    return tuple(v // g for v in w)


def lp_chambers(normals: list[tuple[int, ...]], d: int, deadline: float | None = None,
                clock=time.perf_counter):
    """Chambers of the distinct hyperplanes ``normals``: list of (class signs, integer witness).

    Raises :class:`Timeout` once ``clock()`` passes ``deadline``.
    """
    box = []
    for i in range(d):
        e = [0] * d
        e[i] = 1
        box.append([1, *e, 0])
        box.append([1, *(-v for v in e), 0])
    cells: list[tuple[tuple[int, ...], tuple[int, ...]]] = [((), (0,) * d)]
    nlp = 0
    for k, h in enumerate(normals):
        new = []
        prev = normals[:k]
        for signs, w in cells:
            if deadline is not None and clock() > deadline:
                raise Timeout
            base = [[s * v for v in x] for s, x in zip(signs, prev)]
            hw = _dot(h, w)
            if hw != 0:
                s = 1 if hw > 0 else -1
                other = _side_witness(base + [[-s * v for v in h]], box, d)
                nlp += 1
                new.append((signs + (s,), w))
                if other is not None:
                    new.append((signs + (-s,), other))
            else:
                for s in (1, -1):
                    ws = _side_witness(base + [[s * v for v in h]], box, d)
                    nlp += 1
                    if ws is None:
                        raise AssertionError("a hyperplane through an interior point must cut")
                    new.append((signs + (s,), ws))
        cells = new
    return cells, nlp


def lp_tope_graph(cells, n_rows_signs):
    """networkx tope graph: flip each class sign, look the flipped vector up in a dictionary."""
    import networkx as nx

    index = {signs: i for i, (signs, _w) in enumerate(cells)}
    G = nx.Graph()
    G.add_nodes_from((i, {"signs": n_rows_signs(signs)}) for i, (signs, _w) in enumerate(cells))
    edges = []
    for i, (signs, _w) in enumerate(cells):
        for k in range(len(signs)):
            flipped = signs[:k] + (-signs[k],) + signs[k + 1:]
            j = index.get(flipped)
            if j is not None and i < j:
                edges.append((i, j, {"cls": k}))
    G.add_edges_from(edges)
    return G


def run(rows, deadline: float | None = None, clock=time.perf_counter):
    """Chambers with exact witnesses and the tope graph of integer ``rows``.

    Returns ``(row_signs, witnesses, graph, n_lps)``; ``row_signs`` is the list of sign vectors
    over all rows (0 at zero rows), in the same convention as ``Arrangement.chambers().signs``.
    """
    rows = [tuple(int(v) for v in r) for r in rows]
    d = len(rows[0])
    normals, row_class, row_orient = canonical_classes(rows)
    cells, nlp = lp_chambers(normals, d, deadline, clock)

    def row_signs(signs):
        return tuple(signs[c] * o if c >= 0 else 0 for c, o in zip(row_class, row_orient))

    chars = {-1: "-", 0: "0", 1: "+"}
    G = lp_tope_graph(cells, lambda s: "".join(chars[v] for v in row_signs(s)))
    return [row_signs(s) for s, _w in cells], [w for _s, w in cells], G, nlp


def check_witnesses(rows, row_signs, witnesses) -> None:
    """Exact check: sign(X w) equals the recorded sign vector for every chamber."""
    for s, w in zip(row_signs, witnesses):
        got = tuple((v > 0) - (v < 0) for v in (_dot(r, w) for r in rows))
        if got != s:
            raise AssertionError(f"LP witness {w} has signs {got}, expected {s}")
