"""The numbers behind ``relucvx arrangement``: counts, and their agreement with the formulas.

Each count is computed twice where the mathematics allows: the chambers by exact enumeration
and by Zaslavsky's ``|χ(−1)|`` from the intersection lattice (independent code, docs/MATH.md §3),
and
compared with Cover's formula when the data are in general position.

>>> from arrangement.core import Arrangement
>>> s = summarize(Arrangement([[-1, 1], [0, 1], [1, 1]]))
>>> s["chambers"], s["zaslavsky"], s["cover"], s["general_position"], s["patterns"]
(6, 6, 6, True, 6)
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import sympy

from arrangement.core import Arrangement
from arrangement.counts import cover_count, is_general_position, pilanci_ergen_bound
from arrangement.lattice import IntersectionLattice, intersection_lattice


def count_patterns(arr: Arrangement, lattice: IntersectionLattice | None = None) -> int:
    """Size of the full pattern set ``{1[Xu ≥ 0] : u ∈ R^d}`` (faces included, docs/MATH.md §2).

    A face τ on flat F has the pattern of some chamber iff the rows vanishing on F admit a
    common u with ``x_j·u > 0`` (push the face's witness a little along such u: every zero sign
    becomes +, nothing else moves; conversely a chamber with those signs gives such u). So only
    the faces of the flats failing that test add patterns, and those patterns are new. The test
    is free when the flat's hyperplanes are independent (then u exists) or when one class holds
    both x and −x (then it does not); otherwise the chamber list decides it.

    >>> from arrangement.core import Arrangement
    >>> count_patterns(Arrangement([[1], [-1]]))      # x and −x: u = 0 gives the pattern (1, 1)
    3
    """
    from arrangement.faces import faces as enumerate_faces

    rows, r = arr.essential_rows, len(arr.essential_columns)
    lattice = lattice or intersection_lattice(rows, r)
    S = arr.chambers().class_signs
    bad: list[int] = []
    for i, flat in enumerate(lattice.flats):
        if flat.rank == 0:
            continue
        need: dict[int, int] = {}
        clash = False
        for j in flat.rows:
            k, o = arr.row_class[j], arr.row_orientation[j]
            clash = clash or need.setdefault(k, o) != o
        if clash:
            bad.append(i)
        elif len(need) > flat.rank:
            ks = list(need)
            target = np.array([need[k] for k in ks], dtype=np.int8)
            if not (S[:, ks] == target).all(axis=1).any():
                bad.append(i)
    extra = {f.pattern for f in enumerate_faces(rows, r, lattice=lattice,
                                                 flats=bad)} if bad else set()
    return len(arr.chambers()) + len(extra)


def summarize(arr: Arrangement, *, faces: bool = False) -> dict[str, Any]:
    """A JSON-ready summary of ``arr``: sizes, counts, formulas and whether they agree.

    Keys: ``n, d, rank, parallel_classes, zero_rows, chambers, patterns, cover,
    general_position, zaslavsky, chi, pilanci_bound, agrees_zaslavsky, agrees_cover`` and, with
    ``faces=True``, ``f_vector`` (from the enumerated faces) and ``f_vector_lattice``;
    ``seconds`` holds the wall-clock time of each stage.
    """
    from arrangement.faces import faces as enumerate_faces

    seconds: dict[str, float] = {}
    t0 = time.perf_counter()
    p = len(arr.chambers())
    seconds["chambers"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    # the lattice of the essential rows (rank coordinates, never a d × d basis): flats, Möbius
    # values and the rows of each flat are those of X, every dimension lower by d − r, so
    # χ_X(t) = t^(d−r) χ_ess(t) and f_k(X) = f_{k−(d−r)}(ess)
    ess_rows, r_ess = arr.essential_rows, len(arr.essential_columns)
    shift = arr.d - r_ess
    lattice = intersection_lattice(ess_rows, r_ess)
    chi = lattice.characteristic_polynomial()
    if shift:
        chi = chi * sympy.Poly(chi.gens[0] ** shift, chi.gens[0])
    zas = abs(int(chi.eval(-1)))
    seconds["lattice"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    if faces:
        face_list = enumerate_faces(ess_rows, r_ess, lattice=lattice)
        patterns = len({f.pattern for f in face_list})
    else:
        patterns = count_patterns(arr, lattice)
    seconds["faces" if faces else "patterns"] = time.perf_counter() - t0

    general = is_general_position(arr.int_rows)
    m, r = len(arr.classes), arr.rank
    cover = cover_count(arr.n - len(arr.zero_rows), r)
    out: dict[str, Any] = {
        "n": arr.n,
        "d": arr.d,
        "rank": r,
        "parallel_classes": m,
        "zero_rows": len(arr.zero_rows),
        "chambers": p,
        "patterns": patterns,
        "cover": cover,
        "general_position": general,
        "agrees_cover": (p == cover) if general else None,
        "zaslavsky": zas,
        "agrees_zaslavsky": p == zas,
        "chi": str(chi.as_expr()),
        "pilanci_bound": pilanci_ergen_bound(arr.n, r) if r else 1.0,
    }
    if faces:
        fv = [0] * (arr.d + 1)
        for f in face_list:
            fv[f.dim + shift] += 1
        out["f_vector"] = fv
        out["f_vector_lattice"] = [0] * shift + list(lattice.f_vector())
    out["seconds"] = {k: round(v, 4) for k, v in seconds.items()}
    return out
