"""The numbers behind ``relucvx arrangement``: counts, and their agreement with the formulas.

Each count is computed twice where the mathematics allows: the chambers by exact enumeration
and by Zaslavsky's ``|χ(−1)|`` from the intersection lattice (independent code, MATH.md §3), and
compared with Cover's formula when the data are in general position.

>>> from arrangement.core import Arrangement
>>> s = summarize(Arrangement([[-1, 1], [0, 1], [1, 1]]))
>>> s["chambers"], s["zaslavsky"], s["cover"], s["general_position"], s["patterns"]
(6, 6, 6, True, 7)
"""

from __future__ import annotations

import time
from typing import Any

from arrangement.core import Arrangement
from arrangement.counts import cover_count, is_general_position, pilanci_ergen_bound
from arrangement.lattice import intersection_lattice


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
    lattice = intersection_lattice(arr.int_rows, arr.d)
    chi = lattice.characteristic_polynomial()
    zas = abs(int(chi.eval(-1)))
    seconds["lattice"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    face_list = enumerate_faces(arr.int_rows, arr.d)
    patterns = {tuple(1 if s >= 0 else 0 for s in f.signs) for f in face_list}
    seconds["faces"] = time.perf_counter() - t0

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
        "patterns": len(patterns),
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
            fv[f.dim] += 1
        out["f_vector"] = fv
        out["f_vector_lattice"] = list(lattice.f_vector())
    out["seconds"] = {k: round(v, 4) for k, v in seconds.items()}
    return out
