"""Network files: the formats networks trained elsewhere come in, read exactly (README, *Network
files*).

:func:`read_network` chooses the reader by the file's suffix:

- ``.json``: the ``relucvx-network/1`` format (:meth:`exact.network.Network.read_json`);
- ``.npz``: arrays ``U`` (m × d, row k is u_k) and ``alpha`` (m), read with
  ``allow_pickle=False``; integer arrays are exact, float arrays are converted exactly (and the
  network's notes say so), string arrays hold exact text (``"1/3"``, ``"sqrt(2)"``);
- ``.pt`` / ``.pth``: a PyTorch ``state_dict`` of a bias-free ``Linear(d, m)``–ReLU–``Linear(m,
  1)``, saved with ``torch.save`` and loaded with ``weights_only=True``. PyTorch is optional
  (``pip install 'relucvx[torch]'``) and imported only when such a file is given.

A scikit-learn ``MLPRegressor``/``MLPClassifier`` with one ReLU hidden layer is exported with
:func:`network_from_mlp` / :func:`export_mlp`: hidden intercepts ``b`` become a bias column (the
MLP on X equals the bias-free network ``u'_k = (w_k, b_k)`` on ``[X, 1]``); an output intercept
has no counterpart and must be 0.

Every reader refuses with one line (:class:`arrangement.errors.InputError`): unknown or
duplicate keys (the known ones are listed), wrong shapes, NaN/inf, entries over the limits of
:func:`exact.network.check_entry`, files that are not regular or larger than
:data:`arrangement.limits.MAX_FILE_BYTES`.

>>> import os, tempfile
>>> import numpy as np
>>> p = os.path.join(tempfile.mkdtemp(), "net.npz")
>>> np.savez(p, U=np.array([[1, 0], [0, 1]]), alpha=np.array([0.5, -2.0]))
>>> net = read_network(p)
>>> [nr.alpha for nr in net.neurons], net.notes
([Fraction(1, 2), Fraction(-2, 1)], ('binary floats converted exactly',))
"""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from fractions import Fraction
from pathlib import Path
from typing import Any

from arrangement import limits
from arrangement.errors import InputError, TooLargeError
from arrangement.instances import FLOAT_NOTE
from arrangement.limits import path_text
from arrangement.readers import regular_file
from exact.network import (
    Exact,
    Network,
    Neuron,
    check_entry,
    parse_number,
)

__all__ = [
    "BIAS_NOTE",
    "CLASSIFIER_NOTE",
    "MAX_WEIGHTS",
    "NPZ_KEYS",
    "export_mlp",
    "file_limit",
    "network_from_arrays",
    "network_from_mlp",
    "network_from_state_dict",
    "read_network",
    "with_bias_column",
    "write_network",
]

#: Most weights (m·d + m) a network file may hold.
MAX_WEIGHTS = 10**7

#: Arrays of a ``.npz`` network.
NPZ_KEYS = ("U", "alpha")

#: Note of a network exported with a bias column.
BIAS_NOTE = "hidden intercepts as a bias column: append a column of ones to X"

#: Note of a network exported from a classifier.
CLASSIFIER_NOTE = "output is the classifier's decision function (positive: classes_[1])"

_SUFFIXES = (".json", ".npz", ".pt", ".pth")


# ---------------------------------------------------------------------------------------------
# Arrays to exact numbers
# ---------------------------------------------------------------------------------------------


def _exact_entries(arr: Any, where: str) -> tuple[list[Exact], bool]:
    """The entries of a numpy array, flattened, exactly; and whether floats were converted."""
    import numpy as np

    kind = arr.dtype.kind
    flat = arr.reshape(-1)
    if kind in "iu":
        return [check_entry(Fraction(int(v)), f"{where}[{i}]") for i, v in enumerate(flat)], False
    if kind == "f":
        bad = np.flatnonzero(~np.isfinite(flat))
        if len(bad):
            raise InputError(f"{where}: not a finite number at flat index {int(bad[0])}: "
                             f"{flat[bad[0]]}")
        # as_integer_ratio of each numpy scalar is exact (tolist() would round long double)
        out = [check_entry(Fraction(*(int(t) for t in v.as_integer_ratio())), f"{where}[{i}]")
               for i, v in enumerate(flat)]
        return out, True
    if kind == "U":
        out = []
        for i, v in enumerate(flat.tolist()):
            try:
                out.append(check_entry(parse_number(v), f"{where}[{i}]"))
            except InputError as exc:
                raise InputError(f"{where}[{i}]: {exc}") from None
        return out, False
    raise InputError(f"{where}: unsupported dtype {arr.dtype} (expected integers, floats or "
                     "exact text)")


def network_from_arrays(U: Any, alpha: Any, *, where: str = "network") -> Network:
    """The network with neurons ``(U[k], alpha[k])`` from array-likes (numpy arrays, lists).

    Float entries are converted exactly and noted (:data:`arrangement.instances.FLOAT_NOTE`).

    >>> net = network_from_arrays([[1, 2]], [0.25])
    >>> net.neurons[0], net.notes
    (Neuron(u=(Fraction(1, 1), Fraction(2, 1)), alpha=Fraction(1, 4)), ('binary floats \
converted exactly',))
    >>> network_from_arrays([[1, 2]], [1, 2])
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: network: U has 1 row but alpha has 2 entries
    """
    import numpy as np

    try:
        U = np.asarray(U)
        alpha = np.asarray(alpha)
    except (ValueError, TypeError) as exc:  # ragged lists
        raise InputError(f"{where}: not rectangular arrays: {' '.join(str(exc).split())[:80]}"
                         ) from None
    if U.ndim != 2:
        raise InputError(f"{where}: U must be 2-D (m x d), got shape {U.shape}")
    if alpha.ndim != 1:
        raise InputError(f"{where}: alpha must be 1-D (m), got shape {alpha.shape}")
    m, d = U.shape
    if alpha.shape[0] != m:
        raise InputError(f"{where}: U has {m} row{'s' if m != 1 else ''} but alpha has "
                         f"{alpha.shape[0]} entr{'ies' if alpha.shape[0] != 1 else 'y'}")
    if m and d == 0:
        raise InputError(f"{where}: U has no columns")
    if U.size + alpha.size > MAX_WEIGHTS:
        raise InputError(f"{where}: {U.size + alpha.size} weights, the limit is {MAX_WEIGHTS}")
    u_flat, fu = _exact_entries(U, f"{where}: U")
    a_flat, fa = _exact_entries(alpha, f"{where}: alpha")
    neurons = tuple(Neuron(tuple(u_flat[k * d:(k + 1) * d]), a_flat[k]) for k in range(m))
    return Network(neurons, notes=(FLOAT_NOTE,) if fu or fa else ())


# ---------------------------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------------------------


def file_limit() -> int:
    """The largest network file read, in bytes, for every format: the project-wide
    :data:`arrangement.limits.MAX_FILE_BYTES`, looked up at each call so that one setting
    governs data and network files alike.

    >>> file_limit() == limits.MAX_FILE_BYTES
    True
    """
    return limits.MAX_FILE_BYTES


def _regular_file(path: str | Path, force: bool = False) -> None:
    # the readers (zipfile, torch.load) open the path themselves: refuse by kind and size first
    p = regular_file(path)
    try:
        size = os.stat(p).st_size
    except OSError as exc:
        raise InputError(f"cannot read {path_text(path)}: {exc.strerror or exc}") from None
    limit = file_limit()
    if size > limit and not force:
        raise TooLargeError(f"{path_text(path)} is larger than the limit of {limit} bytes "
                            "(pass --force to read it anyway)")


def _read_npz(path: Path) -> Network:
    import numpy as np

    try:
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            seen: set[str] = set()
            for name in names:
                if name in seen:
                    raise InputError(f"duplicate array {name.removesuffix('.npy')!r}")
                seen.add(name)
            keys = [n.removesuffix(".npy") for n in names]
            unknown = [k for k in keys if k not in NPZ_KEYS]
            if unknown:
                raise InputError(f"unknown array {unknown[0][:40]!r} (known: "
                                 f"{', '.join(NPZ_KEYS)})")
            missing = [k for k in NPZ_KEYS if k not in keys]
            if missing:
                raise InputError(f"missing array {missing[0]!r} (a .npz network holds "
                                 f"{', '.join(NPZ_KEYS)})")
            size = 0
            for name in names:
                # headers first: a claimed shape is refused before anything is allocated
                with z.open(name) as fh:
                    version = np.lib.format.read_magic(fh)
                    if version == (1, 0):
                        shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
                    elif version == (2, 0):
                        shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
                    else:
                        raise InputError(f"{name}: unsupported .npy version {version}")
                if dtype.hasobject:
                    raise InputError(f"{name.removesuffix('.npy')}: object arrays are refused "
                                     "(loading them needs pickle)")
                count = 1
                for s in shape:
                    count *= int(s)
                size += count
            if size > MAX_WEIGHTS:
                raise InputError(f"{size} weights, the limit is {MAX_WEIGHTS}")
    except zipfile.BadZipFile as exc:
        raise InputError(f"not a .npz archive: {' '.join(str(exc).split())[:80]}") from None
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"not a readable .npz network: {' '.join(str(exc).split())[:80]}"
                         ) from None
    try:
        with np.load(path, allow_pickle=False) as data:
            U, alpha = data["U"], data["alpha"]
    except (OSError, ValueError, EOFError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"not a readable .npz network: {' '.join(str(exc).split())[:80]}"
                         ) from None
    return network_from_arrays(U, alpha, where="npz")


def _import_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise InputError("reading a PyTorch file needs PyTorch: pip install 'relucvx[torch]' "
                         "(or save the weights as .npz or .json)") from None
    return torch


def network_from_state_dict(state: Mapping[str, Any], *, where: str = "state_dict") -> Network:
    """The network of a PyTorch ``state_dict`` of ``Linear(d, m, bias=False)``–ReLU–
    ``Linear(m, 1, bias=False)``: keys ``<first>.weight`` (m × d) and ``<second>.weight``
    (1 × m), in that order (``0.weight``, ``2.weight`` for ``nn.Sequential``). A ``.bias`` is
    accepted only when it is all zero. Tensors (any float or integer dtype) or numpy arrays.

    >>> import numpy as np
    >>> net = network_from_state_dict({"0.weight": np.array([[1, -1]]),
    ...                                "2.weight": np.array([[3]])})
    >>> net.neurons
    (Neuron(u=(Fraction(1, 1), Fraction(-1, 1)), alpha=Fraction(3, 1)),)
    """
    import numpy as np

    if not isinstance(state, Mapping):
        raise InputError(f"{where}: expected a state_dict (a dict of tensors), got "
                         f"{type(state).__name__}")
    known = "<layer>.weight of two Linear layers, optionally an all-zero <layer>.bias"
    weights, arrays = [], {}
    for key, value in state.items():
        if not isinstance(key, str) or not key.endswith((".weight", ".bias")):
            raise InputError(f"{where}: unknown key {str(key)[:40]!r} (known: {known})")
        arrays[key] = _as_numpy(value, f"{where}: {key}")
        if key.endswith(".weight"):
            weights.append(key)
    if len(weights) != 2:
        raise InputError(f"{where}: expected 2 weight matrices (Linear(d, m), Linear(m, 1)), got "
                         f"{len(weights)}")
    layer_names = [w.removesuffix(".weight") for w in weights]
    for key, arr in arrays.items():
        if key.endswith(".bias"):
            if key.removesuffix(".bias") not in layer_names:
                raise InputError(f"{where}: unknown key {key[:40]!r} (known: {known})")
            if arr.dtype.kind not in "iuf" or np.any(arr != 0):
                raise InputError(f"{where}: {key} is nonzero: relucvx networks have no biases "
                                 "(append a column of ones to X instead; README, Network files)")
    W1, W2 = arrays[weights[0]], arrays[weights[1]]
    if W1.ndim != 2:
        raise InputError(f"{where}: {weights[0]} must be 2-D (m x d), got shape {W1.shape}")
    if W2.ndim != 2 or W2.shape[0] != 1:
        raise InputError(f"{where}: {weights[1]} must have shape (1, m), got {W2.shape}")
    if W2.shape[1] != W1.shape[0]:
        raise InputError(f"{where}: {weights[0]} has {W1.shape[0]} rows but {weights[1]} has "
                         f"{W2.shape[1]} columns")
    return network_from_arrays(W1, W2[0], where=where)


def _as_numpy(value: Any, where: str) -> Any:
    """A tensor or array as a numpy array without rounding (float16/bfloat16/float32 widen
    exactly to float64)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        return value
    mod = type(value).__module__
    if mod.startswith("torch"):
        import torch

        if not isinstance(value, torch.Tensor):
            raise InputError(f"{where}: expected a tensor, got {type(value).__name__}")
        if value.is_complex() or value.dtype == torch.bool:
            raise InputError(f"{where}: unsupported dtype {value.dtype}")
        t = value.detach().cpu()
        if t.is_floating_point():
            t = t.to(torch.float64)
        return t.numpy()
    raise InputError(f"{where}: expected a tensor, got {type(value).__name__}")


def _read_torch(path: Path) -> Network:
    import warnings

    torch = _import_torch()
    try:
        with warnings.catch_warnings():  # torch warns on stderr about odd pickles: one line only
            warnings.simplefilter("ignore")
            state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # noqa: BLE001 - any failure of an untrusted file is bad input
        raise InputError(f"not a PyTorch state_dict saved with torch.save (torch.load with "
                         f"weights_only=True refused it: {type(exc).__name__})") from None
    return network_from_state_dict(state, where="state_dict")


def read_network(path: str | Path, *, force: bool = False) -> Network:
    """Read a network file of any supported format (module docstring); every problem is one
    :class:`InputError` line starting with the path. ``force`` lifts the file-size limit.

    >>> read_network("/no/such/net.json")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: no such file: /no/such/net.json
    """
    p = Path(path)
    _regular_file(p, force)
    suffix = p.suffix.lower()
    if suffix not in _SUFFIXES:
        raise InputError(f"{path}: unknown network file type {suffix or '(none)'!r} (expected "
                         f"{', '.join(_SUFFIXES)})")
    try:
        if suffix == ".json":
            return Network.read_json(p, force=force)
        if suffix == ".npz":
            return _read_npz(p)
        return _read_torch(p)
    except InputError as exc:
        msg = " ".join(str(exc).split())
        raise InputError(msg if msg.startswith(str(path)) else f"{path}: {msg}") from None
    except (RecursionError, ValueError, MemoryError) as exc:
        raise InputError(f"{path}: {' '.join(str(exc).split())[:100]}") from None


def write_network(net: Network, path: str | Path) -> None:
    """Write ``net`` to ``path``: ``.npz`` as exact text arrays ``U``, ``alpha`` (read back
    exactly by :func:`read_network`), anything else as ``relucvx-network/1`` JSON.

    >>> import os, tempfile
    >>> p = os.path.join(tempfile.mkdtemp(), "n.npz")
    >>> net = Network.from_lists([((1, "1/3"), -2)])
    >>> write_network(net, p); read_network(p) == net
    True
    """
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix in (".pt", ".pth"):
        raise InputError(f"{path}: writing PyTorch files is not supported (they hold floats): "
                         "write .json or .npz")
    if suffix != ".npz":
        net.write_json(p)
        return
    import numpy as np

    d = net.dim
    enc = net.to_json_dict()["neurons"]
    U = np.array([nr["u"] for nr in enc], dtype=str).reshape(net.width, d)
    alpha = np.array([nr["alpha"] for nr in enc], dtype=str).reshape(net.width)
    with open(p, "wb") as fh:
        np.savez(fh, U=U, alpha=alpha)


# ---------------------------------------------------------------------------------------------
# scikit-learn
# ---------------------------------------------------------------------------------------------


def network_from_mlp(model: Any, *, bias_column: bool = False) -> Network:
    """The exact network of a fitted scikit-learn ``MLPRegressor``/``MLPClassifier`` with one
    ReLU hidden layer (weights converted exactly from float64).

    The MLP computes ``Σ_k (x·w_k + b_k)_+ a_k + c``. relucvx networks have no intercepts:

    - hidden intercepts ``b``: with ``bias_column=True`` the network is ``u_k = (w_k, b_k)``,
      which equals the MLP on ``[X, 1]`` (:func:`with_bias_column`); otherwise they must be 0;
    - the output intercept ``c`` has no counterpart (a constant is not a sum of ReLUs of a
      bias-free network): it must be 0.

    A binary ``MLPClassifier``'s network is its decision function (the logit of ``classes_[1]``).
    Multi-output models are refused.

    >>> from types import SimpleNamespace as NS
    >>> import numpy as np
    >>> mlp = NS(activation="relu", coefs_=[np.array([[1.0, -1.0]]), np.array([[2.0], [0.5]])],
    ...          intercepts_=[np.array([0.0, 1.0]), np.array([0.0])], n_outputs_=1)
    >>> network_from_mlp(mlp, bias_column=True).neurons[1]
    Neuron(u=(Fraction(-1, 1), Fraction(1, 1)), alpha=Fraction(1, 2))
    """
    import numpy as np

    name = type(model).__name__
    coefs = getattr(model, "coefs_", None)
    intercepts = getattr(model, "intercepts_", None)
    if coefs is None or intercepts is None:
        raise InputError(f"{name}: not a fitted MLPRegressor/MLPClassifier (no coefs_)")
    if getattr(model, "activation", None) != "relu":
        raise InputError(f"{name}: activation {getattr(model, 'activation', None)!r}, relucvx "
                         "networks use 'relu'")
    if len(coefs) != 2 or len(intercepts) != 2:
        raise InputError(f"{name}: {len(coefs) - 1} hidden layers, relucvx networks have one")
    W, A = np.asarray(coefs[0]), np.asarray(coefs[1])
    b, c = np.asarray(intercepts[0]), np.asarray(intercepts[1])
    if A.ndim != 2 or A.shape[1] != 1:
        raise InputError(f"{name}: {A.shape[1] if A.ndim == 2 else '?'} outputs, relucvx "
                         "networks have one (a multi-class classifier cannot be exported)")
    for arr, what in ((W, "coefs_[0]"), (A, "coefs_[1]"), (b, "intercepts_[0]"),
                      (c, "intercepts_[1]")):
        if arr.dtype.kind == "f" and not np.all(np.isfinite(arr)):
            raise InputError(f"{name}: {what} holds NaN or infinity")
    if np.any(c != 0):
        raise InputError(f"{name}: the output intercept is {float(c.reshape(-1)[0])!r}; a "
                         "bias-free network cannot represent it (it must be 0)")
    notes = []
    if bias_column:
        W = np.vstack([W, b.reshape(1, -1)])
        notes.append(BIAS_NOTE)
    elif np.any(b != 0):
        raise InputError(f"{name}: hidden intercepts are nonzero: export with bias_column=True "
                         "and append a column of ones to X (README, Network files)")
    net = network_from_arrays(W.T, A[:, 0], where=name)
    if hasattr(model, "classes_"):
        notes.append(CLASSIFIER_NOTE)
    return Network(net.neurons, notes=net.notes + tuple(notes))


def export_mlp(model: Any, path: str | Path, *, bias_column: bool = False) -> Network:
    """:func:`network_from_mlp`, written to ``path`` (:func:`write_network`); returns it.

    >>> import os, tempfile
    >>> from types import SimpleNamespace as NS
    >>> import numpy as np
    >>> mlp = NS(activation="relu", coefs_=[np.eye(2), np.ones((2, 1))],
    ...          intercepts_=[np.zeros(2), np.zeros(1)])
    >>> p = os.path.join(tempfile.mkdtemp(), "mlp.json")
    >>> export_mlp(mlp, p).width, read_network(p).width
    (2, 2)
    """
    net = network_from_mlp(model, bias_column=bias_column)
    write_network(net, path)
    return net


def with_bias_column(X: Any) -> tuple[tuple[Fraction, ...], ...]:
    """``[X, 1]``: X (exact, as :func:`arrangement.rational.to_matrix` reads it, floats
    converted exactly) with a column of ones appended, for networks with a bias column.

    >>> with_bias_column([[1, "1/2"]])
    ((Fraction(1, 1), Fraction(1, 2), Fraction(1, 1)),)
    """
    from arrangement.rational import to_matrix

    return tuple((*row, Fraction(1)) for row in to_matrix(X, "X", allow_float=True))
