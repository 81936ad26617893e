"""Two-layer ReLU CNNs (1-D signals, one filter width, sum pooling), exactly (docs/cnn.md).

A signal ``x_j ∈ Q^L`` has the patches ``x_{j,k} = x_j[k·s : k·s + h]``, ``k = 0 … K−1``; a
network of m filters outputs ``f(x_j) = Σ_m Σ_k (x_{j,k}ᵀu_m)_+ α_m``. Stack the nK patches as
the rows of P (row ``jK + k``) and let ``S`` (n × nK, ``S[j, jK + k] = 1``) sum each signal's
patches: then ``f = S Σ_m (P u_m)_+ α_m``, and the CNN's convex program is the dense program of
docs/MATH.md §4 on P with the readout S in front of the loss, over the chambers of P's
arrangement (docs/cnn.md §2). :class:`ConvProgram` is that program — an
:class:`exact.convex.ConvexProgram` on P with ``pool = K`` — so the numeric guess, the screens,
the dual certificate (``Sᵀv`` is the dense dual vector on P) and the refinement are the dense
ones, unchanged.

>>> [[int(t) for t in row] for row in patches([[1, 2, 3, 4]], 2)]
[[1, 2], [2, 3], [3, 4]]
>>> sol = solve_conv([[1, 0, -1], [0, 1, 1]], [1, -1], "1/10", h=2)
>>> sol.lower <= sol.upper, conv_network(sol).objective([[1, 0, -1], [0, 1, 1]], [1, -1],
...                                                        "1/10") == sol.upper
(True, True)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from arrangement.errors import InputError
from arrangement.rational import format_fraction, to_fraction, to_matrix, to_vector
from exact.convex import ConvexProgram
from exact.types import ChamberSource

if TYPE_CHECKING:  # annotations only: certify and network are imported where they are used
    from exact.certify import Solution
    from exact.network import Network

__all__ = ["ConvCheck", "ConvNetwork", "ConvProgram", "NETWORK_FORMAT", "check_conv",
           "conv_certificate", "conv_check_certificate",
           "conv_counts", "conv_network", "conv_program", "num_patches", "patches",
           "solve_conv"]

NETWORK_FORMAT = "relucvx-network/1"


def _positive(v: object, what: str) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise InputError(f"the filter's {what} must be an integer, got {v!r}")
    return v


def _pair(v: object, what: str) -> tuple[int, int]:
    """``(a, b)`` from an int (both axes) or a pair of ints (2-D filters, strides, images)."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v, v
    if isinstance(v, (tuple, list)) and len(v) == 2:
        return _positive(v[0], what), _positive(v[1], what)
    raise InputError(f"the 2-D {what} must be an integer or a pair (rows, columns), got {v!r}")


def _axis(L: int, h: int, stride: int, what: str = "signal", hname: str = "filter width h",
          Lname: str = "the signal length L") -> int:
    """K along one axis (1-D rules of :func:`num_patches`)."""
    if h < 1:
        raise InputError(f"the {hname} must be at least 1, got {h}")
    if stride < 1:
        raise InputError(f"the stride must be at least 1, got {stride}")
    if h > L:
        raise InputError(f"the {hname} = {h} exceeds {Lname} = {L}")
    if (L - h) % stride:
        raise InputError(f"stride {stride} skips the end of the {what}: (L - h) = {L - h} is "
                         "not a multiple of the stride (no padding; pick h and the stride "
                         "with (L - h) divisible by the stride)")
    return (L - h) // stride + 1


def patch_index(L: int, h: int | tuple[int, int], stride: int | tuple[int, int] = 1,
                image: tuple[int, int] | None = None) -> list[tuple[int, ...]]:
    """The positions, in a data row of length L, of the entries of each of its K patches
    (docs/cnn.md §1, §6), patch by patch.

    1-D (``image`` None): patch k is ``x[k·s : k·s + h]``. 2-D: the row is an ``R × C`` image
    stored row-major (``image = (R, C)``, ``R·C = L``), the filter ``h = (H, W)`` and the
    stride ``(s_r, s_c)`` (an int: both axes); patch ``k = a·K_c + b`` is the ``H × W`` window
    with top-left pixel ``(a·s_r, b·s_c)``, read row-major: entry ``(u, v)`` is pixel
    ``(a·s_r + u)·C + b·s_c + v``. Bad shapes are refused (:class:`InputError`, exit status 2):
    a filter larger than the signal or image, a stride below 1 or one that skips the end of an
    axis, an image whose pixel count is not L.

    >>> patch_index(4, 2, 2)
    [(0, 1), (2, 3)]
    >>> patch_index(6, (2, 2), 1, image=(2, 3))
    [(0, 1, 3, 4), (1, 2, 4, 5)]
    >>> patch_index(6, (2, 2), 1, image=(3, 3))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: the image shape 3x3 has 9 pixels but the rows of the data ...
    """
    if image is None:
        hh, ss = _positive(h, "h"), _positive(stride, "stride")
        K = _axis(L, hh, ss)
        return [tuple(range(k * ss, k * ss + hh)) for k in range(K)]
    R, C = _pair(image, "image shape")
    if R < 1 or C < 1:
        raise InputError(f"the image shape must be positive, got {R}x{C}")
    if R * C != L:
        raise InputError(f"the image shape {R}x{C} has {R * C} pixels but the rows of the data "
                         f"have {L} entries")
    (H, W), (sr, sc) = _pair(h, "filter"), _pair(stride, "stride")
    Kr = _axis(R, H, sr, "image's rows", "filter height", "the image height")
    Kc = _axis(C, W, sc, "image's columns", "filter width", "the image width")
    return [tuple((a * sr + u) * C + b * sc + v for u in range(H) for v in range(W))
            for a in range(Kr) for b in range(Kc)]


def num_patches(L: int, h: int | tuple[int, int], stride: int | tuple[int, int] = 1,
                image: tuple[int, int] | None = None) -> int:
    """The number K of patches of width ``h`` and stride ``stride`` of a length-L signal (2-D:
    of an ``h = (H, W)`` filter on an ``image = (R, C)``, :func:`patch_index`).

    Refused (:class:`InputError`, exit status 2): ``h < 1``, ``h > L``, ``stride < 1`` and a
    stride that skips the end of the signal (``(L − h) mod stride ≠ 0``: the last samples
    would belong to no patch, so the model would silently ignore them).

    >>> num_patches(10, 3), num_patches(10, 4, 2), num_patches(12, (2, 2), (1, 2), (3, 4))
    (8, 4, 4)
    >>> num_patches(10, 3, 2)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: stride 2 skips the end of the signal: (L - h) = 7 is not ...
    """
    return len(patch_index(L, h, stride, image))


def patches(X: Sequence[Sequence[object]], h: int | tuple[int, int],
            stride: int | tuple[int, int] = 1, image: tuple[int, int] | None = None
            ) -> tuple[tuple[Fraction, ...], ...]:
    """The stacked patch matrix P (nK × h, 2-D: nK × HW): row ``jK + k`` is patch k of row j
    (:func:`patch_index`), exact.

    >>> [[int(t) for t in row] for row in patches([[1, 2, 3, 4, 5]], 3, 2)]
    [[1, 2, 3], [3, 4, 5]]
    >>> [[int(t) for t in row] for row in patches([[1, 2, 3, 4, 5, 6]], (2, 2), 1, (2, 3))]
    [[1, 2, 4, 5], [2, 3, 5, 6]]
    """
    Xq = to_matrix(X)
    idx = patch_index(len(Xq[0]), h, stride, image)
    return tuple(tuple(row[i] for i in ix) for row in Xq for ix in idx)


class ConvProgram(ConvexProgram):
    """The convex program of a two-layer CNN (docs/cnn.md §2): the dense program on the patch
    matrix P with the sum-pooling readout, ``pool = K`` rows per signal.

    Extra attributes: ``signals`` (the exact data X, n × L), ``h``, ``stride``, ``image``
    (None, or ``(R, C)`` for 2-D images with ``h = (H, W)`` and ``stride = (s_r, s_c)``),
    ``K``.

    >>> cp = ConvProgram([[1, 0, -1], [0, 1, 1]], [1, -1], 1, h=2)
    >>> cp.rows, cp.n, cp.d, cp.K, cp.p
    (4, 2, 2, 2, 6)
    >>> ConvProgram([[1, 0, -1, 2], [0, 1, 1, 0]], [1, -1], 1, h=(1, 2), image=(2, 2)).K
    2
    """

    def __init__(self, X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
                 h: int | tuple[int, int], stride: int | tuple[int, int] = 1,
                 loss: str = "squared", arrangement: ChamberSource | None = None,
                 image: tuple[int, int] | None = None) -> None:
        self.signals = to_matrix(X)
        if image is not None:
            image, h, stride = _pair(image, "image shape"), _pair(h, "filter"), _pair(
                stride, "stride")
        self.h, self.stride, self.image = h, stride, image
        self.K = num_patches(len(self.signals[0]), h, stride, image)
        P = patches(self.signals, h, stride) if image is None else patches(
            self.signals, h, stride, image)
        if arrangement is None:
            from arrangement.core import Arrangement

            arrangement = Arrangement(P)
        super().__init__(P, y, beta, loss, arrangement, pool=self.K)


@dataclass(frozen=True)
class ConvNetwork:
    """A two-layer ReLU CNN: filters ``u_m ∈ Q^h`` with output weights ``α_m``, a stride, sum
    pooling over the patches (module docstring). Entries are Fractions. A 2-D CNN has
    ``shape = (H, W)`` (each filter holds its ``H·W`` entries row-major) and ``stride =
    (s_r, s_c)``; its output needs the image shape of the data (docs/cnn.md §6).

    >>> net = ConvNetwork.from_lists([((1, -1), 2)], stride=1)
    >>> net.output([[3, 1, 2]])              # patches (3, 1), (1, 2): 2·(2)_+ + 2·(−1)_+
    (Fraction(4, 1),)
    >>> net.objective([[3, 1, 2]], [4], 1)   # loss 0, penalty ½ (‖u‖² + α²) = 3
    Fraction(3, 1)
    >>> net2 = ConvNetwork.from_lists([((1, 0, 0, 1), 1)], stride=(1, 1), shape=(2, 2))
    >>> net2.output([[1, 2, 3, 4, 5, 6]], image=(2, 3))   # windows (1,2;4,5), (2,3;5,6)
    (Fraction(14, 1),)
    """

    filters: tuple[tuple[Fraction, ...], ...]
    alphas: tuple[Fraction, ...]
    stride: int | tuple[int, int] = 1
    shape: tuple[int, int] | None = None

    @classmethod
    def from_lists(cls, pairs: Sequence[tuple[Sequence[object], object]],
                   stride: int | tuple[int, int] = 1, shape: tuple[int, int] | None = None
                   ) -> ConvNetwork:
        """Build from ``[(u, α), ...]`` with exact entries (ints, Fractions, exact text); a
        2-D CNN with ``shape = (H, W)`` (filters of ``H·W`` entries, row-major)."""
        fs = tuple(tuple(to_fraction(x, where="filter") for x in u) for u, _a in pairs)
        if len({len(u) for u in fs}) > 1:
            raise InputError("the filters of a CNN must all have the same width h")
        if fs and not fs[0]:
            raise InputError("a filter needs at least one entry")
        if shape is not None:
            shape, stride = _pair(shape, "filter"), _pair(stride, "stride")
            if fs and len(fs[0]) != shape[0] * shape[1]:
                raise InputError(f"a {shape[0]}x{shape[1]} filter has {shape[0] * shape[1]} "
                                 f"entries, got {len(fs[0])}")
        return cls(fs, tuple(to_fraction(a, where="alpha") for _u, a in pairs), stride, shape)

    @property
    def h(self) -> int | None:
        """The number of entries of a filter (1-D: its width; None for an empty network)."""
        return len(self.filters[0]) if self.filters else None

    @property
    def width(self) -> int:
        return len(self.filters)

    def output(self, X: Sequence[Sequence[object]], image: tuple[int, int] | None = None
               ) -> tuple[Fraction, ...]:
        """Exact ``f(x_j) = Σ_m Σ_k (x_{j,k}ᵀu_m)_+ α_m`` for every signal (2-D: every image
        of shape ``image``, which a 2-D CNN needs and a 1-D one refuses)."""
        Xq = to_matrix(X)
        if (self.shape is None) != (image is None):
            raise InputError("a 2-D CNN needs the image shape of the data (--image RxC)"
                             if image is None else "a 1-D CNN (filter width h) cannot read "
                             "images: its filters need a 2-D shape (--conv HxW)")
        if not self.filters:
            return tuple(Fraction(0) for _ in Xq)
        idx = patch_index(len(Xq[0]), self.shape if self.shape is not None else
                          len(self.filters[0]), self.stride, image)
        out = []
        for x in Xq:
            t = Fraction(0)
            for u, a in zip(self.filters, self.alphas):
                for ix in idx:
                    z = sum((x[i] * q for i, q in zip(ix, u) if q), Fraction(0))
                    if z > 0:
                        t += a * z
            out.append(t)
        return tuple(out)

    def objective(self, X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
                  loss: str = "squared", image: tuple[int, int] | None = None) -> Fraction:
        """Exact ``ℓ(f) + (β/2) Σ_m (‖u_m‖² + α_m²)``, ℓ any loss of the registry
        (:mod:`exact.losses`).

        >>> ConvNetwork.from_lists([((1,), 1)]).objective([[1, 2]], [1], 1, "absolute")
        Fraction(3, 1)
        """
        from exact.losses import get_loss

        f = self.output(X, image)
        yq = to_vector(y, "y")
        if len(yq) != len(f):
            raise InputError(f"y has {len(yq)} entries but X has {len(f)} signals")
        b = to_fraction(beta, where="beta")
        ell = get_loss(loss).value(f, yq)
        pen = sum((sum((x * x for x in u), Fraction(0)) + a * a
                   for u, a in zip(self.filters, self.alphas)), Fraction(0))
        return ell + b / 2 * pen

    def dense(self) -> Network:
        """The filters as an :class:`exact.network.Network` on the rows of the patch matrix
        (the same neurons; its row outputs, pooled per signal, are this CNN's output)."""
        from exact.network import Network, Neuron

        return Network(tuple(Neuron(u, a) for u, a in zip(self.filters, self.alphas)))

    def to_json(self) -> dict:
        """The JSON object of the network (format ``relucvx-network/1`` with
        ``"model": "conv"``, ``"h"`` and ``"stride"``, pairs ``[H, W]`` and ``[s_r, s_c]`` for a
        2-D CNN; README, *CNNs*)."""
        h = list(self.shape) if self.shape is not None else self.h
        stride = list(self.stride) if isinstance(self.stride, tuple) else self.stride
        return {"format": NETWORK_FORMAT, "model": "conv", "h": h, "stride": stride,
                "neurons": [{"u": [format_fraction(x) for x in u], "alpha": format_fraction(a)}
                            for u, a in zip(self.filters, self.alphas)]}

    @classmethod
    def from_json(cls, obj: object) -> ConvNetwork:
        """Parse the JSON object of :meth:`to_json`; unknown or missing keys are refused.

        >>> ConvNetwork.from_json({"format": "relucvx-network/1", "model": "conv", "h": 1,
        ...                        "stride": 1, "neurons": [{"u": ["1/2"], "alpha": 3}]}).alphas
        (Fraction(3, 1),)
        """
        if not isinstance(obj, dict):
            raise InputError("a CNN network file holds one JSON object")
        known = {"format", "model", "h", "stride", "neurons", "notes"}
        extra = sorted(set(obj) - known)
        if extra:
            raise InputError(f"unknown key {extra[0]!r} in the CNN network (known: "
                             f"{', '.join(sorted(known))})")
        for key in ("format", "model", "h", "neurons"):
            if key not in obj:
                raise InputError(f"the CNN network has no {key!r}")
        if obj["format"] != NETWORK_FORMAT or obj["model"] != "conv":
            raise InputError(f'a CNN network needs "format": "{NETWORK_FORMAT}" and '
                             '"model": "conv"')
        shape = None
        if isinstance(obj["h"], list):  # a 2-D CNN: [H, W] and a stride [s_r, s_c] (or one int)
            if len(obj["h"]) != 2:
                raise InputError("a 2-D CNN's h must be [H, W]")
            shape = (_positive_int(obj["h"][0], "h"), _positive_int(obj["h"][1], "h"))
            st = obj.get("stride", 1)
            st = st if isinstance(st, list) else [st, st]
            if len(st) != 2:
                raise InputError("a 2-D CNN's stride must be [s_r, s_c]")
            stride: int | tuple[int, int] = (_positive_int(st[0], "stride"),
                                             _positive_int(st[1], "stride"))
            h = shape[0] * shape[1]
        else:
            h, stride = (_positive_int(obj["h"], "h"),
                         _positive_int(obj.get("stride", 1), "stride"))
        if not isinstance(obj["neurons"], list):
            raise InputError("the CNN network's neurons must be a list")
        pairs = []
        for t, nr in enumerate(obj["neurons"]):
            if not isinstance(nr, dict) or set(nr) != {"u", "alpha"}:
                raise InputError(f"neuron {t} must have exactly the keys 'u' and 'alpha'")
            if not isinstance(nr["u"], list) or len(nr["u"]) != h:
                raise InputError(f"neuron {t}: u must be a list of h = {h} numbers")
            pairs.append((nr["u"], nr["alpha"]))
        net = cls.from_lists(pairs, stride, shape)
        return net if net.filters else cls((), (), stride, shape)

    @classmethod
    def read(cls, path: str, *, force: bool = False) -> ConvNetwork:
        """Read a CNN network JSON file (size limits, duplicate keys: arrangement.readers)."""
        from arrangement.readers import load_json, read_text

        return cls.from_json(load_json(read_text(path, force=force)))

    def write(self, path: str) -> None:
        """Write :meth:`to_json` to ``path``."""
        with open(path, "w", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh, indent=1)
            fh.write("\n")


def _shape_text(v: object) -> str:
    """``3`` or ``2x3`` (a pair), for messages."""
    return f"{v[0]}x{v[1]}" if isinstance(v, tuple) else str(v)


def _positive_int(v: object, name: str) -> int:
    """A positive integer from a JSON value (an int, or the text of one)."""
    if isinstance(v, str) and v.isdigit() and len(v) < 10:
        v = int(v)
    if isinstance(v, bool) or not isinstance(v, int) or v < 1:
        raise InputError(f"the CNN network's {name} must be a positive integer, got {v!r}")
    return v


def solve_conv(X: Sequence[Sequence[object]], y: Sequence[object], beta: object,
               h: int | tuple[int, int], stride: int | tuple[int, int] = 1,
               loss: str = "squared", tol: Fraction = Fraction(1, 10**12), *,
               image: tuple[int, int] | None = None, **kwargs: Any) -> Solution:
    """Certified ``lower ≤ P* ≤ upper`` for a two-layer CNN (docs/cnn.md §3): the dense
    :func:`exact.certify.solve` on :class:`ConvProgram`. The solution's network holds the
    filters (:func:`conv_network`); its exact CNN objective is ``upper``.

    >>> sol = solve_conv([[1, 2, 0], [0, -1, 1]], [1, 0], "1/10", h=3)   # h = L: dense
    >>> sol.chambers, sol.gap <= Fraction(1, 10**12)
    (4, True)
    """
    from exact.certify import solve

    cp = ConvProgram(X, y, beta, h, stride, loss, image=image)
    sol = solve(cp.X, cp.y, cp.beta, loss, tol, program=cp, **kwargs)
    return sol


def conv_program(sol: Solution) -> ConvProgram:
    """The :class:`ConvProgram` a :func:`solve_conv` solution was solved on (a ``ValueError``
    for any other solution).

    >>> sol = solve_conv([[1, 2, 0], [0, -1, 1]], [1, 0], "1/10", h=2)
    >>> cp = conv_program(sol); cp.K, cp.rows
    (2, 4)
    """
    cp = sol.program
    if not isinstance(cp, ConvProgram):
        raise ValueError("not a solve_conv solution: its program is not a ConvProgram")
    return cp


def conv_network(sol: Solution, stride: int | tuple[int, int] = 1) -> ConvNetwork:
    """The CNN of a :func:`solve_conv` solution (ψ, docs/MATH.md §5: one filter per group).

    ``stride`` defaults to the solution's program's stride when it has one.
    """
    cp = sol.program
    shape: tuple[int, int] | None = None
    if isinstance(cp, ConvProgram):
        stride = cp.stride
        # 2-D (an image shape was given): h is the pair (H, W)
        shape = cp.h if cp.image is not None and isinstance(cp.h, tuple) else None
    return ConvNetwork(tuple(tuple(nr.u) for nr in sol.network.neurons),
                       tuple(nr.alpha for nr in sol.network.neurons), stride, shape)


def conv_counts(X: Sequence[Sequence[object]], h: int | tuple[int, int],
                stride: int | tuple[int, int] = 1, *, gates: int = 0, seed: int = 0,
                dense: bool = True, image: tuple[int, int] | None = None) -> dict:
    """Counts of the patch arrangement (docs/cnn.md §4): ``patch_rows`` (nK), ``distinct_patches``,
    ``rank``, ``chambers`` (of P, exact: each is one joint pattern of all the patches),
    ``position_patterns`` (the distinct matrices ``D_{ik}`` over chambers i and positions k),
    and, with ``dense``, ``dense_chambers``: the chambers of X's own arrangement in dimension L,
    which a dense network on the same data would use. With ``gates > 0``, the coverage of that
    many Gaussian gates ``u ~ N(0, I_h)`` (``seed``): the chambers they reach and miss.

    >>> c = conv_counts([[1, 0, -1], [0, 1, 1]], 2, gates=100)
    >>> c["patch_rows"], c["chambers"], c["dense_chambers"], c["gates_reached"] <= c["chambers"]
    (4, 6, 4, True)
    """
    import numpy as np

    from arrangement.core import Arrangement
    from arrangement.coverage import gate_coverage

    Xq = to_matrix(X)
    P = patches(Xq, h, stride, image)
    arr = Arrangement(P)
    arr.require_size()
    ch = arr.chambers()
    K = num_patches(len(Xq[0]), h, stride, image)
    pats = {tuple(c.pattern[j * K + k] for j in range(len(Xq))) for c in ch for k in range(K)}
    out = {"n": len(Xq), "L": len(Xq[0]), "h": h, "stride": stride, "K": K,
           "patch_rows": len(P), "distinct_patches": len(set(P)), "rank": arr.rank,
           "chambers": len(ch), "position_patterns": len(pats)}
    if image is not None:
        out["image"] = image
    if dense:
        darr = Arrangement(Xq)
        darr.require_size()
        out["dense_chambers"] = darr.num_chambers()
    if gates > 0:
        G = np.random.default_rng(seed).standard_normal((gates, len(P[0])))
        cov = gate_coverage(arr, G)
        out.update(gates=gates, gates_reached=cov.reached_count,
                   gates_missed=cov.total - cov.reached_count,
                   gates_on_hyperplane=cov.on_hyperplane)
    return out


def conv_certificate(sol: Solution, *, completeness: bool = True) -> dict:
    """The ``kind: "solve"`` certificate of a :func:`solve_conv` solution with the
    ``"model"`` field (docs/certificates.md, *CNN*): the data are the signals, the chambers
    and completeness certificate those of the patch matrix P, which the verifier re-derives
    from the signals and the declared filter width and stride.

    >>> sol = solve_conv([[1, 0, -1], [0, 1, 1]], [1, -1], "1/10", h=2)
    >>> cert = conv_certificate(sol)
    >>> cert["model"], len(cert["data"]["X"][0]), len(cert["chambers"][0]["pattern"])
    ({'name': 'conv', 'h': 2, 'stride': 1}, 3, 4)
    """
    from exact.certificates import solution_certificate

    cp = sol.program
    if not isinstance(cp, ConvProgram):
        raise InputError("conv_certificate needs the solution of a CNN program (solve_conv)")
    cert = solution_certificate(sol, cp.X, cp.y, cp.beta, completeness=completeness)
    return _as_conv(cert, cp)


def _as_conv(cert: dict, cp: ConvProgram) -> dict:
    """A dense-layout certificate of ``cp`` turned into its CNN form: the signals as data and
    the declared model; the chamber evidence (of P) is kept as it is."""
    def q(x: Fraction) -> int | str:
        return int(x) if x.denominator == 1 else format_fraction(x)

    cert["data"]["X"] = [[q(x) for x in row] for row in cp.signals]
    model: dict = {"name": "conv", "h": cp.h, "stride": cp.stride}
    if cp.image is not None and isinstance(cp.h, tuple) and isinstance(cp.stride, tuple):
        model = {"name": "conv", "h": list(cp.h), "stride": list(cp.stride),
                 "image": list(cp.image)}
    out = {"format": cert["format"], "kind": cert["kind"], "model": model}
    out.update((k, v) for k, v in cert.items() if k not in out)
    return out


@dataclass
class ConvCheck:
    """The answer of :func:`check_conv` (docs/cnn.md §5): ``verdict`` (``"optimal"``, ``"not
    optimal"`` or ``"undecided"``), the network's exact ``objective`` (= ``upper``), a certified
    ``lower`` bound on P*, ``tol`` and ``epsilon = tol · max(1, objective)``, ``better`` (a CNN
    with an exactly smaller objective, when one was found) and its ``better_objective``;
    ``worst_chamber`` (the (chamber of P, sign) maximising ``t = ‖Π_{C_i}(s F_iᵀ v)‖²`` at the
    network's own dual vector) and ``violation = t_max − β²``; ``dual_source`` (the loss's own
    source, or ``"solve"`` when the optimum's dual vector decided the verdict) with ``dual``,
    ``kappa``, ``projections`` and ``bounds``: the evidence that :func:`conv_check_certificate`
    writes; ``solution``: the same evidence as a Solution whose network is the given CNN
    (:func:`conv_certificate` writes it as a solve certificate)."""

    verdict: str
    objective: Fraction
    lower: Fraction
    epsilon: Fraction
    better: ConvNetwork | None
    better_objective: Fraction | None
    solution: Any  # an exact.certify.Solution
    network: ConvNetwork | None = None
    tol: Fraction = Fraction(1, 10**9)
    worst_chamber: tuple[int, int] | None = None
    violation: Fraction = Fraction(0)
    dual_source: str = "residual"
    program: ConvProgram | None = None

    @property
    def upper(self) -> Fraction:
        return self.objective


def check_conv(net: ConvNetwork, X: Sequence[Sequence[object]], y: Sequence[object],
               beta: object, h: int | tuple[int, int], stride: int | tuple[int, int] = 1,
               loss: str = "squared", tol: object = Fraction(1, 10**9), *,
               find_better: bool = True, image: tuple[int, int] | None = None) -> ConvCheck:
    """Is this CNN globally optimal? (docs/cnn.md §5; the dense test of :mod:`exact.check` on
    the patch program, every loss of the registry). The dual vector is the network's own:
    ``−ℓ'(f)`` for a differentiable loss (squared: the residual ``y − f``), else a subgradient at
    its output (:func:`exact.check.subgradient_dual`), made dual feasible over every chamber of
    P; when that bound does not put the CNN within ``ε = tol · max(1, objective)`` of P*, the
    CNN program is solved, and either its lower bound does (dual source ``"solve"``), or its
    CNN is better by more than ε (``"not optimal"``, returned as ``better``), or the verdict is
    ``"undecided"``.

    >>> X, y = [[1, 0, -1], [0, 1, 1]], [1, -1]
    >>> r = check_conv(ConvNetwork.from_lists([((1, 0), 1)]), X, y, "1/10", h=2)
    >>> r.verdict, r.better_objective < r.objective
    ('not optimal', True)
    >>> sol = solve_conv(X, y, "1/10", h=2)
    >>> check_conv(conv_network(sol), X, y, "1/10", h=2).verdict
    'optimal'
    """
    from exact.certify import Solution, dual_pieces, scaled_dual_bound, solve
    from exact.check import subgradient_dual
    from exact.maps import phi
    from exact.transforms import held_groups

    cp = ConvProgram(X, y, beta, h, stride, loss, image=image)
    if (net.shape != (cp.h if cp.image is not None else None)
            or (net.width and (net.stride != cp.stride
                               or (cp.image is None and net.h != cp.h)))):
        have = (f"{_shape_text(net.shape)} filters with stride {_shape_text(net.stride)}"
                if net.shape is not None else
                f"filters of width {net.h} and stride {net.stride}")
        raise InputError(f"the network has {have}, but --conv {_shape_text(cp.h)} --stride "
                         f"{_shape_text(cp.stride)} was given")
    tol = to_fraction(tol, where="tol")
    if tol < 0:
        raise InputError(f"tol must be >= 0, got {format_fraction(tol)}")
    objective = net.objective(cp.signals, cp.y, cp.beta, loss, cp.image)
    yhat = net.output(cp.signals, cp.image)
    dense = net.dense()
    v = cp.loss_fn.residual_dual(cp.y, yhat)
    if v is None:  # a nonsmooth loss: a subgradient at the output, fitted on the kinks
        v = subgradient_dual(cp, yhat, phi(dense, cp.X, cp.signs))
    # the groups holding the filters first: floor 0, so the largest t is exact (worst chamber)
    own = sorted({(i, s) for gs in held_groups(dense, cp.X, cp.signs) for i, _ in gs
                  for s in (1, -1)})
    dp = dual_pieces(cp, v, must=own)
    ts = dp.ts
    worst = max(ts, key=lambda g: (ts[g], -g[0], g[1])) if ts else None
    tmax = ts[worst] if worst is not None else Fraction(0)
    kappa, lower = scaled_dual_bound(v, cp.y, cp.beta, tmax, loss, 256)
    eps = tol * max(Fraction(1), abs(objective))
    evidence = Solution(lower=lower, upper=objective, gap=objective - lower, network=dense,
                        groups={}, active_groups=[], dual=v, kappa=kappa,
                        projections=dp.certs, chambers=cp.p, loss=loss, beta=cp.beta,
                        program=cp, bounds=dp.bounds)
    res = ConvCheck("optimal", objective, lower, eps, None, None, evidence, net, tol, worst,
                    tmax - cp.beta * cp.beta, cp.loss_fn.dual_source, cp)
    if objective - lower <= eps or not find_better:
        res.verdict = "optimal" if objective - lower <= eps else "undecided"
        return res
    stol = min(Fraction(1, 10**12), tol / 100) if tol > 0 else Fraction(1, 10**30)
    sol = solve(cp.X, cp.y, cp.beta, loss, stol, program=cp)
    cand = conv_network(sol)
    cobj = cand.objective(cp.signals, cp.y, cp.beta, loss, cp.image)
    if cobj < objective:
        res.better, res.better_objective = cand, cobj
    if objective - sol.lower <= eps:
        # the optimum's dual puts the CNN within ε: optimal, with that evidence
        res.lower, res.dual_source = sol.lower, "solve"
        res.solution = Solution(lower=sol.lower, upper=objective, gap=objective - sol.lower,
                                network=dense, groups={}, active_groups=[], dual=sol.dual,
                                kappa=sol.kappa, projections=sol.projections,
                                chambers=cp.p, loss=loss, beta=cp.beta, program=cp,
                                bounds=sol.bounds)
    elif res.better is not None and objective - cobj > eps:
        res.verdict = "not optimal"
    else:
        res.verdict = "undecided"
    return res


def conv_check_certificate(r: ConvCheck, *, completeness: bool = True) -> dict:
    """The ``kind: "check"`` certificate of a :func:`check_conv` answer with the ``"model"``
    field (docs/certificates.md §6, *CNN*): the verdict, the CNN under test, its own dual
    vector (or the optimum's, source ``"solve"``) over every chamber of the patch matrix, and
    for ``"not optimal"`` the better CNN. The verifier re-derives the patches.

    >>> X, y = [[1, 0, -1], [0, 1, 1]], [1, -1]
    >>> r = check_conv(ConvNetwork.from_lists([((1, 0), 1)]), X, y, "1/10", h=2)
    >>> cert = conv_check_certificate(r)
    >>> cert["kind"], cert["model"], cert["claims"]["verdict"], cert["dual"]["source"]
    ('check', {'name': 'conv', 'h': 2, 'stride': 1}, 'not optimal', 'residual')
    >>> from exact.verify import verify
    >>> verify(cert)[0]
    0
    """
    from exact.certificates import check_certificate
    from exact.check import CheckResult

    cp, sol = r.program, r.solution
    if not isinstance(cp, ConvProgram) or r.network is None:
        raise InputError("conv_check_certificate needs the answer of check_conv")
    res = CheckResult(verdict=r.verdict, objective=r.objective, lower=r.lower, upper=r.objective,
                      worst_chamber=r.worst_chamber, violation=r.violation,
                      better=r.better.dense() if r.better is not None else None,
                      certificate=None, tol=r.tol, epsilon=r.epsilon,
                      better_objective=r.better_objective, dual_source=r.dual_source,
                      network=r.network.dense(), dual=tuple(sol.dual), kappa=sol.kappa,
                      projections=sol.projections, bounds=sol.bounds, program=cp)
    return _as_conv(check_certificate(res, completeness=completeness), cp)
