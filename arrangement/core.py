"""The arrangement of a data matrix: parallel classes, chambers, facets, cones and the tope graph.

``Arrangement(X)`` is the exact geometry behind a two-layer ReLU network on data ``X``
(docs/MATH.md §2): each nonzero row ``x_j`` defines the hyperplane ``x_j·u = 0``; rows that are
positive or negative multiples of each other define one hyperplane (a *parallel class*); zero
rows define none. Chambers (topes) are the full-dimensional cells; their activation patterns
``1[Xu ≥ 0]`` are the matrices ``D_i`` of the convex program (docs/MATH.md §4).

>>> arr = Arrangement([[-1, 1], [0, 1], [1, 1]])      # the 1-D "V" data with a bias column
>>> arr.n, arr.d, arr.rank, len(arr.chambers())
(3, 2, 2, 6)
>>> sorted(c.pattern for c in arr.chambers())[:3]
[(0, 0, 0), (0, 0, 1), (0, 1, 1)]
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property
from typing import Any

import numpy as np

from arrangement import intmat
from arrangement.blas import single_threaded_blas
from arrangement.chambers import chamber_witnesses, distinct_classes
from arrangement.errors import InputError, TooLargeError
from arrangement.lattice import exact_rank
from arrangement.rational import primitive_integer_row, to_matrix

#: Largest estimated chamber count enumerated without ``force=True`` (``--force`` on the CLI).
#: The estimate is Cover's count for the distinct hyperplanes, an upper bound (docs/MATH.md §3).
DEFAULT_CHAMBER_LIMIT = 200_000


@dataclass(frozen=True)
class ParallelClass:
    """One hyperplane and the rows defining it.

    ``normal`` is primitive with first nonzero entry positive; row ``rows[t]`` is a positive
    multiple of ``orientations[t] * normal``.
    """

    index: int
    normal: tuple[int, ...]
    rows: tuple[int, ...]
    orientations: tuple[int, ...]


@dataclass(frozen=True)
class Chamber:
    """A chamber: its sign vector over all rows (0 exactly at zero rows) and an integer witness.

    ``sign(X @ witness) == signs`` holds exactly.
    """

    index: int
    signs: tuple[int, ...]
    witness: tuple[int, ...]

    @property
    def pattern(self) -> tuple[int, ...]:
        """The activation pattern ``1[Xu ≥ 0]`` (the diagonal of ``D_i``)."""
        return tuple(1 if s >= 0 else 0 for s in self.signs)


class Chambers(Sequence[Chamber]):
    """All chambers, stored as arrays; indexing builds :class:`Chamber` objects on demand."""

    def __init__(self, W: np.ndarray, class_signs: np.ndarray, signs: np.ndarray):
        self.W = W
        self.class_signs = class_signs
        self.signs = signs

    def __len__(self) -> int:
        return self.W.shape[0]

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        return Chamber(i, tuple(int(s) for s in self.signs[i]), tuple(int(v) for v in self.W[i]))

    def __iter__(self) -> Iterator[Chamber]:
        return (self[i] for i in range(len(self)))

    @property
    def witnesses(self) -> list[tuple[int, ...]]:
        return [tuple(int(v) for v in w) for w in self.W]

    @property
    def patterns(self) -> np.ndarray:
        """``p × n`` 0/1 array of the activation patterns."""
        return (self.signs >= 0).astype(np.int8)


class Arrangement:
    """The central hyperplane arrangement ``{x_j · u = 0}`` of the rows of ``X``, exactly.

    Parameters
    ----------
    X : matrix of exact numbers (ints, Fractions, decimal or ``"p/q"`` strings).

    >>> arr = Arrangement([[1, 0], [0, 1], [2, 0], [0, 0]])
    >>> [c.rows for c in arr.classes], arr.zero_rows
    ([(0, 2), (1,)], (3,))
    >>> len(arr.chambers()), sorted(arr.facets(0))
    (4, [0, 1])
    """

    def __init__(self, X: Sequence[Sequence[object]], *, allow_float: bool = False):
        self.X: tuple[tuple[Fraction, ...], ...] = to_matrix(X, allow_float=allow_float)
        self.n = len(self.X)
        self.d = len(self.X[0])
        self.int_rows: tuple[tuple[int, ...], ...] = tuple(
            primitive_integer_row(r) for r in self.X)
        self._chambers: Chambers | None = None
        self._neighbors: np.ndarray | None = None
        self._facet_rows: tuple[list[int], list[int]] | None = None
        N, cls, orient = distinct_classes(intmat.as_int_array(self.int_rows))
        self._normals = N
        self.row_class: tuple[int, ...] = tuple(int(c) for c in cls)
        self.row_orientation: tuple[int, ...] = tuple(int(o) for o in orient)
        classes = []
        for k in range(N.shape[0]):
            rows = tuple(j for j in range(self.n) if self.row_class[j] == k)
            classes.append(ParallelClass(k, tuple(int(v) for v in N[k]), rows,
                                         tuple(self.row_orientation[j] for j in rows)))
        self.classes: tuple[ParallelClass, ...] = tuple(classes)
        self.zero_rows: tuple[int, ...] = tuple(j for j in range(self.n) if cls[j] < 0)

    def __repr__(self) -> str:
        return f"Arrangement(n={self.n}, d={self.d}, rank={self.rank}, classes={len(self.classes)})"

    # -- invariants ---------------------------------------------------------------------------
    @cached_property
    def rank(self) -> int:
        """``rank X``, exactly."""
        return exact_rank([c.normal for c in self.classes])

    @cached_property
    def essential_columns(self) -> tuple[int, ...]:
        """Columns J (``|J| = rank``) on which the rows keep their rank; all columns if r = d.

        Restricted to ``{u : u_j = 0 for j ∉ J}`` the map ``u ↦ Xu`` keeps its image, so every
        sign vector, chamber and face of the arrangement has a witness there: wide data
        (d ≫ n) is enumerated in ``rank`` coordinates, never with a d × d basis
        (:func:`arrangement.exactla.pivot_columns`).

        >>> Arrangement([[0, 1, 2, 0], [0, 2, 4, 0], [0, 1, 0, 0]]).essential_columns
        (1, 2)
        """
        if self.rank == self.d:
            return tuple(range(self.d))
        from arrangement.exactla import pivot_columns

        return tuple(pivot_columns([c.normal for c in self.classes]))

    @cached_property
    def essential_rows(self) -> tuple[tuple[int, ...], ...]:
        """:attr:`int_rows` restricted to :attr:`essential_columns`: the same arrangement (same
        sign vectors, chambers, faces, intersection lattice) in ``rank`` dimensions.

        >>> Arrangement([[1, 1, 1], [2, 2, 3]]).essential_rows
        ((1, 1), (2, 3))
        """
        J = self.essential_columns
        return tuple(tuple(r[j] for j in J) for r in self.int_rows)

    def lift(self, W: np.ndarray) -> np.ndarray:
        """Points of the essential coordinates (rows of ``W``, p × rank) as points of R^d
        (zeros outside :attr:`essential_columns`), with the same values of ``Xu``.

        >>> Arrangement([[1, 1, 1], [2, 2, 2]]).lift(np.array([[3], [-1]])).tolist()
        [[3, 0, 0], [-1, 0, 0]]
        """
        J = self.essential_columns
        if len(J) == self.d:
            return W
        out = np.zeros((W.shape[0], self.d), dtype=W.dtype)
        out[:, list(J)] = W
        return out

    def estimate_chambers(self) -> int:
        """Cover's count for the distinct hyperplanes: an upper bound on the chamber count.

        Every central arrangement of m hyperplanes of rank r has at most
        ``2 Σ_{k<r} C(m−1, k)`` chambers, with equality in general position (docs/MATH.md §3).

        >>> Arrangement([[1, 0], [0, 1], [1, 1]]).estimate_chambers()
        6
        """
        from arrangement.counts import cover_count

        return cover_count(len(self.classes), self.rank)

    def estimate_faces(self) -> int:
        """An upper bound on the number of faces (all dimensions), for ``--faces``.

        A face lies on a flat of codimension k, spanned by k independent hyperplanes (at most
        ``C(m, k)`` flats), and is a chamber of the restriction to that flat (at most Cover's
        count for ``m − k`` hyperplanes of rank ``r − k``); the flat ker X carries one face.

        >>> Arrangement([[1, 0], [0, 1]]).estimate_faces()   # 4 chambers, 4 rays, the origin
        9
        """
        from math import comb

        from arrangement.counts import cover_count

        m, r = len(self.classes), self.rank
        return 1 + sum(comb(m, k) * cover_count(m - k, r - k) for k in range(r))

    def require_size(self, limit: int = DEFAULT_CHAMBER_LIMIT) -> None:
        """Refuse (:class:`TooLargeError`) when :meth:`estimate_chambers` exceeds ``limit``.

        The CLI calls this before any enumeration unless ``--force`` is given.

        >>> Arrangement([[1, 0], [0, 1]]).require_size(limit=4)   # 4 chambers: allowed
        >>> try:
        ...     Arrangement([[1, 0], [0, 1]]).require_size(limit=3)
        ... except TooLargeError as exc:
        ...     print(str(exc)[:40])
        about 4 chambers estimated (Cover's boun
        """
        est = self.estimate_chambers()
        if est > limit:
            raise TooLargeError(
                f"about {est} chambers estimated (Cover's bound for {len(self.classes)} "
                f"hyperplanes of rank {self.rank}); the limit is {limit}: pass --force to run")

    # -- chambers -----------------------------------------------------------------------------
    def chambers(self, *, force: bool = True, limit: int = DEFAULT_CHAMBER_LIMIT,
                 progress: Callable[[int, int], None] | None = None) -> Chambers:
        """All chambers with exact integer witnesses (cached).

        With ``force=False`` the enumeration is refused with :class:`TooLargeError` when
        :meth:`estimate_chambers` exceeds ``limit``.

        >>> ch = Arrangement([[1, 1], [1, -1]]).chambers()
        >>> len(ch), sorted(c.signs for c in ch)
        (4, [(-1, -1), (-1, 1), (1, -1), (1, 1)])
        """
        if self._chambers is None:
            if not force:
                self.require_size(limit)
            N = self._normals
            J = list(self.essential_columns)
            # enumerated in rank coordinates; the witnesses are lifted back with zeros. One
            # BLAS thread: the float sign products have inner dimension d, and a second
            # thread only spins (17-digit rows, (60, 4): 1.08 s CPU for 0.70 s wall, one
            # thread 0.67 s for 0.67 s); the limit costs 0.01 ms (21 ms once per process, to
            # load scipy's BLAS and list the libraries), so only from 17 classes on
            with single_threaded_blas() if N.shape[0] > 16 else contextlib.nullcontext():
                W, _N, _cls, _orient = chamber_witnesses(N[:, J] if N.shape[0] else N[:, :0],
                                                         len(J), progress)
                W = self.lift(W)
                class_signs = intmat.sign_matmul(W, N.T) if N.shape[0] else np.zeros(
                    (W.shape[0], 0))
            class_signs = np.asarray(class_signs, dtype=np.int8)
            # A canonical order (lexicographic, + before −) makes indices reproducible.
            order = _lex_order(class_signs)
            W, class_signs = W[order], class_signs[order]
            cls = np.array(self.row_class)
            ori = np.array(self.row_orientation, dtype=np.int8)
            signs = np.zeros((W.shape[0], self.n), dtype=np.int8)
            nz = cls >= 0
            signs[:, nz] = class_signs[:, cls[nz]] * ori[nz]
            self._chambers = Chambers(W, class_signs, signs)
        return self._chambers

    def num_chambers(self) -> int:
        """Number of chambers (enumerated, exact)."""
        return len(self.chambers())

    # -- adjacency, facets, cones --------------------------------------------------------------
    def neighbors(self) -> np.ndarray:
        """``p × m`` array: the chamber across class k from chamber i, or −1 if k is no facet.

        Two chambers whose sign vectors differ on exactly one class are adjacent across it: the
        segment between their witnesses crosses that hyperplane only (docs/MATH.md §3). So the
        irredundant facets of a chamber are exactly the classes whose flip is again a chamber.
        """
        if self._neighbors is None:
            S = self.chambers().class_signs
            p, m = S.shape
            z, keys, order, sk = self._key_index
            plus = S > 0
            # int32 chamber indices: half the memory of int64 (255 -> 128 MB at (100, 4))
            nb = np.full((p, m), -1, dtype=np.int32 if p < 2**31 else np.int64)
            if p > 1 and not (sk[1:] == sk[:-1]).any():
                self._neighbors_by_search(nb, plus, z, order, sk)
                self._neighbors = nb
                return nb
            for k in range(m):
                # Drop class k from the hash: the two chambers across H_k now share a key, so
                # sorting pairs them up. Hashes may collide, so a pair counts only when the sign
                # vectors really differ exactly at k; a run of three equal keys can only be a
                # collision, and then the class is redone by exact lookup.
                kk = keys - np.where(plus[:, k], z[k], np.uint64(0))
                o = np.argsort(kk)
                ks = kk[o]
                if p > 2 and (ks[2:] == ks[:-2]).any():
                    self._neighbors_by_lookup(nb, k)
                    continue
                eq = np.nonzero(ks[1:] == ks[:-1])[0]
                a, b = o[eq], o[eq + 1]
                diff = S[a] != S[b]
                good = (diff.sum(axis=1) == 1) & diff[:, k]
                nb[a[good], k] = b[good]
                nb[b[good], k] = a[good]
            self._neighbors = nb
        return self._neighbors

    @cached_property
    def _key_index(self) -> tuple[Any, np.ndarray, np.ndarray, np.ndarray]:
        """Zobrist hash keys of the chambers' class sign vectors, sorted for lookups."""
        S = self.chambers().class_signs
        z = np.random.default_rng(0xFACE).integers(1, 2**63, size=S.shape[1], dtype=np.uint64)
        keys = (S > 0).astype(np.uint64) @ z if S.shape[1] else np.zeros(len(S), np.uint64)
        order = np.argsort(keys, kind="stable")
        return z, keys, order, keys[order]

    def index_of(self, class_signs: np.ndarray) -> np.ndarray:
        """Chamber index of each row of strict class sign vectors (k × m), or −1 if none.

        >>> arr = Arrangement([[1, 0], [0, 1]])
        >>> arr.index_of(np.array([[1, 1], [-1, 1]])).tolist()
        [0, 2]
        """
        S = self.chambers().class_signs
        Q = np.asarray(class_signs, dtype=np.int8).reshape(-1, S.shape[1])
        z, _keys, order, sk = self._key_index
        q = (Q > 0).astype(np.uint64) @ z if S.shape[1] else np.zeros(len(Q), np.uint64)
        pos = np.minimum(np.searchsorted(sk, q), len(sk) - 1)
        cand = order[pos]
        same_key = sk[pos] == q
        ok = same_key & (S[cand] == Q).all(axis=1)
        out = np.where(ok, cand, -1)
        clash = np.nonzero(same_key & ~ok)[0]
        if len(clash):  # a hash collision hid the match: decide those rows without hashes
            where = {row.tobytes(): i for i, row in enumerate(np.ascontiguousarray(S))}
            Qc = np.ascontiguousarray(Q)
            out[clash] = [where.get(Qc[r].tobytes(), -1) for r in clash]
        return out

    @staticmethod
    def _neighbors_by_search(nb: np.ndarray, plus: np.ndarray, z: np.ndarray,
                             order: np.ndarray, sk: np.ndarray) -> None:
        """Fill ``nb`` when the chambers' keys are pairwise distinct: the chamber across H_k
        from a chamber on the + side of class k has the key ``key − z_k`` (Zobrist keys are
        linear, mod 2^64), so one binary search in the sorted keys finds it if it exists; a
        key found is accepted only when the sign vectors differ exactly at k. With distinct
        keys the search cannot miss a neighbour: it would carry exactly that key. (One
        argsort of all keys per class was 0.05 s at (40, 4).)"""
        p, m = plus.shape
        # the strict class signs as bits, in 64-bit words: two sign vectors differ exactly at
        # k iff their words XOR to k's bit (one word compare instead of m bytes and a sum)
        words = packed_rows(plus).view(np.uint64)
        plus_sorted = np.ascontiguousarray(plus[order].T)  # m × p: one row per class
        for k in range(m):
            # the + side of k in key order; subtracting z_k mod 2^64 rotates that order, so
            # after moving the wrapped ones (keys below z_k) to the end the queries are sorted,
            # and numpy's search of sorted queries is several times faster than of random ones
            sel = plus_sorted[k]
            a, ka = order[sel], sk[sel]
            q = ka - z[k]
            wrap = int(np.searchsorted(ka, z[k]))
            a, q = np.roll(a, -wrap), np.roll(q, -wrap)
            pos = np.minimum(np.searchsorted(sk, q), p - 1)
            hit = sk[pos] == q
            a, b = a[hit], order[pos[hit]]
            good = differ_only_at(words[a], words[b], k)
            nb[a[good], k] = b[good]
            nb[b[good], k] = a[good]

    def _neighbors_by_lookup(self, nb: np.ndarray, k: int) -> None:
        """Fill column k of ``nb`` by looking up each flipped sign vector in a dict (no hash)."""
        S = np.ascontiguousarray(self.chambers().class_signs)
        where = {row.tobytes(): i for i, row in enumerate(S)}
        flipped = S.copy()
        flipped[:, k] = -flipped[:, k]
        nb[:, k] = [where.get(row.tobytes(), -1) for row in flipped]

    def facets(self, i: int) -> tuple[int, ...]:
        """Class indices of the irredundant facets of chamber ``i``.

        >>> Arrangement([[1, 0], [0, 1], [1, 1]]).facets(0)
        (0, 1)
        """
        return tuple(int(k) for k in np.nonzero(self.neighbors()[i] >= 0)[0])

    def facet_rows(self, i: int) -> list[int]:
        """For each row of :meth:`cone` ``(i)``, in order, a row j of X whose signed row
        ``σ_j x_j`` it is a positive multiple of (the first row of the facet's class).

        >>> Arrangement([[1, 0], [0, 1], [2, 0]]).facet_rows(0)
        [0, 1]
        """
        if self._facet_rows is None:  # one pass over the neighbour table, then lookups
            rows0 = np.array([c.rows[0] for c in self.classes] or [0], dtype=np.int64)
            ci, ck = np.nonzero(self.neighbors() >= 0)  # row-major: facets(i) order
            starts = np.searchsorted(ci, np.arange(self.num_chambers() + 1)).tolist()
            # one flat list and the chambers' offsets: no per-chamber list objects
            self._facet_rows = (rows0[ck].tolist(), starts)
        flat, starts = self._facet_rows
        return flat[starts[i]:starts[i + 1]]

    def cone(self, i: int) -> list[tuple[int, ...]]:
        """The irredundant H-representation of chamber ``i``'s closed cone: rows a, ``a·u ≥ 0``.

        ``C_i = {u : (2D_i − I) X u ≥ 0}`` (docs/MATH.md §2) equals ``{u : a·u ≥ 0 for a in
        cone(i)}``.

        >>> Arrangement([[1, 0], [0, 1], [1, 1]]).cone(0)   # chamber 0 has signs (+, +, +)
        [(1, 0), (0, 1)]
        """
        s = self.chambers().class_signs[i]
        return [tuple(int(s[k]) * v for v in self.classes[k].normal) for k in self.facets(i)]

    def cone_generators(
        self, i: int
    ) -> tuple[list[tuple[Fraction, ...]], list[tuple[Fraction, ...]]]:
        """Rays and a lineality basis of chamber ``i``'s cone, by exact double description (cdd).

        Rays are computed on request only: double description is the expensive step. When
        ``rank < d`` the cone is ``lift(C_ess) ⊕ ker X`` (the coordinates of
        :attr:`essential_columns` are complementary to ker X): cdd runs in ``rank`` dimensions,
        the rays are lifted with zeros, and the lineality basis of ker X is solved exactly.

        >>> rays, lin = Arrangement([[1, 0, 0], [0, 1, 0]]).cone_generators(0)
        >>> len(rays), len(lin)
        (2, 1)
        """
        A = self.cone(i)
        if not A:
            return [], [tuple(Fraction(int(a == b)) for b in range(self.d)) for a in range(self.d)]
        J = self.essential_columns
        if len(J) == self.d:
            return _cdd_generators(A), []
        rays = _cdd_generators([tuple(a[j] for j in J) for a in A])
        zero = Fraction(0)
        lifted = []
        for v in rays:
            full = [zero] * self.d
            for j, x in zip(J, v):
                full[j] = x
            lifted.append(tuple(full))
        return lifted, self._kernel_basis()

    def _kernel_basis(self) -> list[tuple[Fraction, ...]]:
        """A basis of ker X: for each column k outside J, ``e_k`` plus the unique correction
        supported on J (``N_{I,J}`` is invertible for independent normals I)."""
        from arrangement.exactla import inverse, pivot_rows

        J = self.essential_columns
        normals = [c.normal for c in self.classes]
        NJ = [[row[j] for j in J] for row in normals]
        I_rows = pivot_rows(NJ)
        Minv = inverse([NJ[t] for t in I_rows])
        zero, one = Fraction(0), Fraction(1)
        in_J = set(J)
        out = []
        for k in range(self.d):
            if k in in_J:
                continue
            b = [normals[t][k] for t in I_rows]
            full = [zero] * self.d
            full[k] = one
            for j, row in zip(J, Minv):
                full[j] = -sum((m * x for m, x in zip(row, b) if x), zero)
            out.append(tuple(full))
        return out

    # -- graph --------------------------------------------------------------------------------

    # -- graph --------------------------------------------------------------------------------
    def tope_graph(self):
        """The tope graph (networkx): chambers, and an edge for each shared facet.

        Node attribute ``signs`` is the sign vector over all rows as a string over ``+-0``;
        edge attribute ``cls`` is the parallel class crossed. Connected and bipartite, graph
        distance = number of separating classes (docs/MATH.md §3).

        >>> G = Arrangement([[1, 0], [0, 1], [1, 1]]).tope_graph()
        >>> G.number_of_nodes(), G.number_of_edges()
        (6, 6)
        """
        import networkx as nx

        ch = self.chambers()
        nb = self.neighbors()
        G = nx.Graph()
        # one byte per sign through a lookup table: far cheaper than joining Python strings
        table = np.frombuffer(b"-0+", dtype=np.uint8)
        strs = [r.tobytes().decode() for r in table[ch.signs.astype(np.int64) + 1]]
        G.add_nodes_from(zip(range(len(ch)), ({"signs": s} for s in strs)))
        i_idx, k_idx = np.nonzero(nb >= 0)
        j_idx = nb[i_idx, k_idx]
        up = i_idx < j_idx
        G.add_edges_from(zip(i_idx[up].tolist(), j_idx[up].tolist(),
                             ({"cls": k} for k in k_idx[up].tolist())))
        return G

    def write_graphml(self, path: str) -> None:
        """Write the tope graph as GraphML (node attribute ``signs``, edge attribute ``cls``)."""
        import networkx as nx

        try:
            nx.write_graphml(self.tope_graph(), path)
        except OSError as exc:
            raise InputError(f"cannot write {path}: {exc.strerror}") from None


def differ_only_at(A: np.ndarray, B: np.ndarray, k: int) -> np.ndarray:
    """Per row: do the bit-packed sign vectors A and B (:func:`packed_rows` of the + signs, as
    64-bit words) differ exactly in bit k?

    >>> W = packed_rows(np.array([[1, 0, 1], [1, 1, 1], [0, 1, 1]], dtype=bool)).view(np.uint64)
    >>> differ_only_at(W[[0, 0]], W[[1, 2]], 1).tolist()
    [True, False]
    """
    e = np.zeros((1, A.shape[1] * 64), dtype=bool)
    e[0, k] = True
    return ((A ^ B) == packed_rows(e).view(np.uint64)).all(axis=1)


def packed_rows(B: np.ndarray) -> np.ndarray:
    """The rows of a boolean matrix as bits (``np.packbits``: column 0 in the most significant
    bit of byte 0), padded to whole 64-bit words: ``p × 8w`` contiguous bytes, to be viewed
    as words (``.view(np.uint64)`` for equality, ``.view(">u8")`` for lexicographic order).

    >>> packed_rows(np.array([[True, False, True]])).tolist()
    [[160, 0, 0, 0, 0, 0, 0, 0]]
    """
    packed = np.packbits(B, axis=1)
    pad = (-packed.shape[1]) % 8
    if pad:
        packed = np.hstack([packed, np.zeros((B.shape[0], pad), dtype=np.uint8)])
    return np.ascontiguousarray(packed)


def _lex_order(S: np.ndarray) -> np.ndarray:
    """The permutation sorting the rows of a ±1 matrix lexicographically, + before −
    (``np.lexsort(-S.T[::-1])``), on the rows packed to 64-bit words.

    >>> _lex_order(np.array([[-1, 1], [1, -1], [1, 1]], dtype=np.int8)).tolist()
    [2, 1, 0]
    """
    p, m = S.shape
    if m == 0:
        return np.arange(p)
    words = packed_rows(S < 0).view(">u8").astype(np.uint64)
    return np.lexsort(words.T[::-1])


def _cdd_generators(A: Sequence[Sequence[int]]) -> list[tuple[Fraction, ...]]:
    """The rays of the pointed cone ``{u : a·u ≥ 0}`` (rows a spanning the space), by cdd."""
    import cdd.gmp

    mat = cdd.gmp.matrix_from_array([[0, *a] for a in A], rep_type=cdd.RepType.INEQUALITY)
    gen = cdd.gmp.copy_generators(cdd.gmp.polyhedron_from_matrix(mat))
    rays = []
    for t, row in enumerate(gen.array):
        if t in gen.lin_set:
            raise AssertionError("a chamber cone of full rank has no lineality")
        if row[0] == 0:  # skip the apex (the origin) of the cone
            rays.append(tuple(Fraction(x) for x in row[1:]))
    return rays
