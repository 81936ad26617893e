"""Every face (covector) of the arrangement with an exact witness, the ≥-pattern set, f-vectors.

A face is a nonempty set of constant sign vector ``σ(u) = sign(Xu)`` (docs/MATH.md §2). Its linear
span is a flat F of the intersection lattice, and the rows vanishing on the face are exactly the
rows vanishing on F. So the faces spanning F are the *chambers of the restriction* ``A^F``: write
``u = N t`` for an integer basis N of F, restrict every row not vanishing on F to ``x·N``, and
enumerate the chambers of those rows in ``R^{dim F}``; each witness t maps back to ``u = N t``.
Running over every flat (``R^d`` itself gives the chambers, ``ker X`` gives the single minimal
face) lists every face exactly once.

The ≥-pattern set ``𝒟 = {1[Xu ≥ 0] : u ∈ R^d}`` (docs/MATH.md §2) is the image of the faces under
``σ ↦ 1[σ ≥ 0]``: the pattern is constant on a face.

Euler's relation, used as a check: the faces are relatively open polyhedral cones partitioning
``R^d``; the Euler characteristic with compact supports is additive over such a partition and
is ``(−1)^k`` on an open k-cell, so ``Σ_k (−1)^k f_k = χ_c(R^d) = (−1)^d`` for every central
arrangement, whatever its rank r and lineality ``l = d − r``. (Equivalently: the faces of
dimension > l cut the sphere ``S^{r−1}`` of ``(ker X)^⊥`` into a regular cell complex, a face of
dimension k giving a (k−l−1)-cell, so ``Σ_{k>l} (−1)^{k−l−1} f_k = 1 + (−1)^{r−1}``; adding
``f_l = 1`` and multiplying by ``(−1)^l`` gives the same identity.)

References: T. Zaslavsky, *Facing up to arrangements* (1975); A. Björner et al., *Oriented
Matroids* (1999), §4.6; R. Stanley, *An introduction to hyperplane arrangements* (2007), Lect. 2.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

import numpy as np

from arrangement import intmat
from arrangement.lattice import IntersectionLattice, int_rows, intersection_lattice

__all__ = [
    "Face",
    "euler_sum",
    "f_vector_from_faces",
    "faces",
    "pattern_set",
]

Enumerator = Callable[[Sequence[Sequence[int]], int], list[tuple[int, ...]]]


@dataclass(frozen=True)
class Face:
    """One face: ``signs`` over all rows (0 at zero rows and at rows vanishing on the face),
    an integer ``witness`` u with ``sign(Xu) = signs`` exactly, and its dimension."""

    signs: tuple[int, ...]
    witness: tuple[int, ...]
    dim: int

    @property
    def pattern(self) -> tuple[int, ...]:
        """The activation pattern ``1[Xu ≥ 0]`` of the face (docs/MATH.md §2, ≥ convention)."""
        return tuple(1 if s >= 0 else 0 for s in self.signs)


def _default_enumerator() -> Enumerator:
    # Imported on use so that this module (and the lattice oracle beside it) never depends on
    # the chamber enumerator at import time.
    from arrangement.chambers import enumerate_chambers

    return enumerate_chambers


def faces(rows: Sequence[Sequence[int]], d: int, *, enumerator: Enumerator | None = None,
          lattice: IntersectionLattice | None = None,
          flats: Collection[int] | None = None) -> list[Face]:
    """Every face of the central arrangement of ``rows``, each with an exact integer witness.

    Faces are listed flat by flat in order of increasing rank (so the chambers come first and
    the minimal face ``ker X``, witness 0, comes last). ``enumerator(rows, k)`` returns one
    integer witness per chamber (default: ``arrangement.chambers.enumerate_chambers``). Its
    output is re-checked exactly on every flat F: each witness's zero set is exactly F's rows,
    the sign vectors are distinct, and there are ``|χ_{A^F}(−1)|`` of them (the lattice's
    count, computed without the enumerator), so a wrong enumerator raises ``AssertionError``.

    >>> fs = faces([[1, 0], [0, 1], [1, 1]], 2)
    >>> len(fs), sorted({f.dim for f in fs})
    (13, [0, 1, 2])
    >>> [f.signs for f in fs if f.dim == 0]
    [(0, 0, 0)]

    With ``flats`` (indices into ``lattice.flats``) only the faces of those flats are listed.

    Reference: Zaslavsky (1975) (faces of A ↔ chambers of the restrictions A^F).
    """
    X = int_rows(rows, d)
    n = len(X)
    if enumerator is None:
        enumerator = _default_enumerator()
    L = lattice if lattice is not None else intersection_lattice(X, d)
    zero_rows = frozenset(j for j, row in enumerate(X) if not any(row))
    Xarr = intmat.as_int_array(X, d)
    wanted = set(range(len(L.flats))) if flats is None else set(flats)
    lines = _line_faces(Xarr, L, zero_rows, wanted)
    counts = L.restriction_chi_at_minus_one  # |χ_{A^F}(−1)| faces per flat (Zaslavsky)
    out: list[Face] = []
    for i, flat in enumerate(L.flats):
        if i not in wanted:
            continue
        k = flat.dim
        if i in lines:
            out.extend(lines[i])
            continue
        N = flat.basis
        active = [j for j in range(n) if j not in flat.rows and j not in zero_rows]
        if not active:
            ts: list[tuple[int, ...]] = [(0,) * k]
        else:
            restricted = [tuple(sum(a * b for a, b in zip(X[j], col)) for col in N)
                          for j in active]
            ts = enumerator(restricted, k)
        if k:
            # p × d: u = Σ t_i N_i
            U = intmat.matmul(intmat.as_int_array(ts, k), intmat.as_int_array(N, d))
        else:
            U = np.zeros((len(ts), d), dtype=np.int64)
        if len(ts) != abs(counts[i]):
            raise AssertionError(f"{len(ts)} chambers enumerated on flat {sorted(flat.rows)}, "
                                 f"Zaslavsky's count is {abs(counts[i])}")
        S = np.sign(intmat.matmul(Xarr, U.T).T).astype(np.int8)  # p × n, exact signs
        if len({row.tobytes() for row in S}) != len(ts):
            raise AssertionError(f"repeated chamber on flat {sorted(flat.rows)}")
        zero_mask = np.zeros(n, dtype=bool)
        zero_mask[list(flat.rows | zero_rows)] = True
        if not ((S == 0) == zero_mask).all():
            raise AssertionError(f"a witness is not in a face of flat {sorted(flat.rows)}")
        g = np.gcd.reduce(U, axis=1) if d else np.ones(len(ts), dtype=np.int64)
        U = U // np.where(g == 0, 1, g)[:, None]  # positive scaling keeps the face
        for u, signs in zip(U.tolist(), S.tolist()):
            out.append(Face(signs=tuple(signs), witness=tuple(int(v) for v in u), dim=k))
    return out


def _line_faces(Xarr: np.ndarray, L: IntersectionLattice, zero_rows: frozenset[int],
                wanted: set[int]) -> dict[int, list[Face]]:
    """The faces of all one-dimensional flats with an active row, in one batched product.

    On a line spanned by b every active row restricts to a nonzero scalar, so the chambers of
    the restriction are the two open half-lines, with witnesses b and −b.
    """
    n = Xarr.shape[0]
    ids = [i for i, f in enumerate(L.flats)
           if i in wanted and f.dim == 1 and len(f.rows | zero_rows) < n]
    if not ids:
        return {}
    B = intmat.as_int_array([L.flats[i].basis[0] for i in ids], L.d)           # q × d
    S = np.sign(intmat.matmul(B, Xarr.T)).astype(np.int8)  # q × n
    mask = np.zeros(S.shape, dtype=bool)
    for r, i in enumerate(ids):
        mask[r, list(L.flats[i].rows | zero_rows)] = True
    if not ((S == 0) == mask).all():
        raise AssertionError("a line basis vector is not in its flat's faces")
    g = np.gcd.reduce(B, axis=1)
    B = B // g[:, None]
    out: dict[int, list[Face]] = {}
    for i, b, signs in zip(ids, B.tolist(), S.tolist()):
        b = tuple(int(v) for v in b)
        signs = tuple(signs)
        out[i] = [Face(signs, b, 1),
                  Face(tuple(-s for s in signs), tuple(-v for v in b), 1)]
    return out


def pattern_set(rows: Sequence[Sequence[int]], d: int, *,
                enumerator: Enumerator | None = None) -> dict[tuple[int, ...], tuple[int, ...]]:
    """Every ≥-pattern ``1[Xu ≥ 0]`` over ``u ∈ R^d``, each mapped to one witness u.

    Chamber witnesses are preferred (faces are visited chambers first). ``u = 0`` gives the
    all-ones pattern; rows ``x`` and ``−x`` give patterns no chamber has (docs/MATH.md §2).

    >>> P = pattern_set([[1], [-1]], 1)
    >>> sorted(P), P[(1, 1)]
    ([(0, 1), (1, 0), (1, 1)], (0,))
    """
    out: dict[tuple[int, ...], tuple[int, ...]] = {}
    for face in faces(rows, d, enumerator=enumerator):
        out.setdefault(face.pattern, face.witness)
    return out


def f_vector_from_faces(face_list: Sequence[Face], d: int) -> tuple[int, ...]:
    """``(f_0, …, f_d)`` counted from a list of faces.

    >>> f_vector_from_faces(faces([[1, 0], [0, 1], [1, 1]], 2), 2)
    (1, 6, 6)
    """
    f = [0] * (d + 1)
    for face in face_list:
        f[face.dim] += 1
    return tuple(f)


def euler_sum(f: Sequence[int]) -> int:
    """``Σ_k (−1)^k f_k``; equals ``(−1)^d`` for every central arrangement in ``R^d`` (module doc).

    >>> euler_sum((1, 6, 6)), euler_sum((1, 2))
    (1, -1)
    """
    return sum(c if k % 2 == 0 else -c for k, c in enumerate(f))
