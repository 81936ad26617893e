"""Which chambers does a sampled set of gate vectors reach?

The sampling codes of the literature draw gate vectors ``g ~ N(0, I)`` and keep the patterns
``1[Xg ≥ 0]`` they see (docs/MATH.md §2): they find chambers only, and not all of them. Given the
gates, :func:`gate_coverage` reports exactly which chambers are reached and which are missed.

Signs of ``X g`` for binary-float gates are decided exactly: the float dot product comes with the
standard a-priori error bound ``|fl(x·g) − x·g| ≤ γ_d Σ|x_i g_i|`` (Higham, *Accuracy and Stability
of Numerical Algorithms*, §3.1, with ``γ_d = d u / (1 − d u)``, ``u = 2^−53``), so a float result
larger than the bound has the right sign; the few products inside the bound are recomputed in
exact rational arithmetic.

>>> from arrangement.core import Arrangement
>>> arr = Arrangement([[1, 0], [0, 1], [1, 1]])
>>> cov = gate_coverage(arr, [[1.0, 2.0], [-1.0, -1.0], [1.0, 2.0]])
>>> cov.reached_count, cov.total, int(cov.hits_per_chamber.sum())
(2, 6, 3)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from arrangement.core import Arrangement
from arrangement.errors import InputError


@dataclass(frozen=True)
class Coverage:
    """The outcome of a gate sample against the exact chamber list.

    ``hits_per_chamber[i]`` counts the gates landing in chamber i; ``on_hyperplane`` counts the
    gates lying exactly on some hyperplane (they see a face, not a chamber).
    """

    hits_per_chamber: np.ndarray
    on_hyperplane: int

    @property
    def total(self) -> int:
        return int(self.hits_per_chamber.shape[0])

    @property
    def reached(self) -> np.ndarray:
        """Indices of the chambers some gate reached."""
        return np.nonzero(self.hits_per_chamber > 0)[0]

    @property
    def missed(self) -> np.ndarray:
        """Indices of the chambers no gate reached."""
        return np.nonzero(self.hits_per_chamber == 0)[0]

    @property
    def reached_count(self) -> int:
        return int((self.hits_per_chamber > 0).sum())

    @property
    def fraction(self) -> Fraction:
        """Exact fraction of the chambers reached."""
        return Fraction(self.reached_count, self.total)


def exact_signs(normals: np.ndarray, G: np.ndarray) -> np.ndarray:
    """``sign(G @ normals.T)`` decided exactly for integer normals and float64 gates.

    >>> exact_signs(np.array([[1, -1]]), np.array([[0.1, 0.1], [1e-300, 0.0]])).tolist()
    [[0], [1]]
    """
    G = np.asarray(G, dtype=np.float64)
    if not np.isfinite(G).all():
        raise InputError("gate vectors must be finite numbers")
    if normals.shape[0] == 0:
        return np.zeros((G.shape[0], 0), dtype=np.int8)
    Nf: np.ndarray | None = normals.astype(np.float64)
    if normals.dtype == object or np.abs(normals).max() >= 2**53:
        Nf = None  # integers not exactly representable: all-exact path below
    d = G.shape[1]
    if Nf is not None:
        vals = G @ Nf.T
        u = 2.0**-53
        gamma = d * u / (1 - d * u)
        # the bound itself is computed in floats: inflate it generously against its own rounding
        bound = 2 * gamma * (np.abs(G) @ np.abs(Nf).T) + 2 * np.finfo(float).tiny
        signs = np.sign(vals).astype(np.int8)
        unsure = np.abs(vals) <= bound
    else:
        signs = np.zeros((G.shape[0], normals.shape[0]), dtype=np.int8)
        unsure = np.ones_like(signs, dtype=bool)
    for a, k in zip(*np.nonzero(unsure)):
        s = sum(Fraction(float(g)) * int(x) for g, x in zip(G[a], normals[k]))
        signs[a, k] = (s > 0) - (s < 0)
    return signs


def gate_coverage(arr: Arrangement, gates: Sequence[Sequence[float]] | np.ndarray) -> Coverage:
    """Count, per chamber of ``arr``, how many of the gate vectors land in it.

    ``gates`` is a ``k × d`` array of floats (as samplers draw them) or exact numbers; each is
    classified exactly.

    >>> arr = Arrangement([[1, 0], [0, 1]])
    >>> gate_coverage(arr, np.array([[1.0, 1.0], [2.0, 3.0]])).missed.tolist()
    [1, 2, 3]
    """
    G = np.asarray(gates, dtype=np.float64)
    if G.ndim != 2 or G.shape[1] != arr.d:
        raise InputError(f"gates must be a k × {arr.d} array, got shape {G.shape}")
    ch = arr.chambers()
    N = np.array([c.normal for c in arr.classes], dtype=object).reshape(len(arr.classes), arr.d)
    from arrangement import intmat

    S = exact_signs(intmat.shrink(N), G)
    zero = (S == 0).any(axis=1)
    idx = arr.index_of(S[~zero])
    hits = np.bincount(idx[idx >= 0], minlength=len(ch))
    if (idx < 0).any():  # pragma: no cover - a strict sign vector is always a chamber
        raise AssertionError("a gate's strict sign vector is not a chamber: list incomplete")
    return Coverage(hits.astype(np.int64), int(zero.sum()))
