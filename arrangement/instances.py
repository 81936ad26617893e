"""Problem instances (data ``X``, targets ``y``, regularisation ``beta``) and how they are read.

:func:`read_instance` turns a user's ``DATA`` argument into an :class:`Instance`:

- ``example:NAME``: a built-in instance (:mod:`arrangement.examples`);
- ``*.json``: ``{"X": [[...], ...], "y": [...], "beta": "1/10"}`` (``y`` and ``beta`` optional);
  numbers are JSON integers, strings (``"3/7"``, ``"0.1"``, ``"1e-3"``) or JSON decimals, whose
  *text* is kept and parsed exactly;
- ``*.csv``: one row of ``X`` per line, decimal text parsed exactly, blank lines ignored, an
  optional header row (all cells non-numeric) skipped; ``target="last"`` makes the last column y;
- ``*.npy``: a 2-D numeric array; integers are exact, binary floats are converted exactly (and the
  instance notes say so), NaN/infinities, object arrays and other shapes are refused.

Every problem raises :class:`arrangement.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING

from arrangement.errors import InputError
from arrangement.limits import check_digits, check_parameter, check_shape, path_text, show
from arrangement.rational import format_fraction, to_fraction, to_matrix, to_vector
from arrangement.readers import JSONNumber, load_json, read_bytes

__all__ = ["FLOAT_NOTE", "Instance", "read_instance", "read_targets"]

#: The note attached to an instance whose numbers came from binary floating point.
FLOAT_NOTE = "binary floats converted exactly"

_JSON_KEYS = ("X", "y", "beta", "name", "notes")
_TARGETS = ("last",)


def _check_beta(value: object) -> Fraction:
    # the documented range (docs/limits.md): beta reaches the float solver as a guess
    return check_parameter(to_fraction(value, where="beta"), "beta")


@dataclass(frozen=True)
class Instance:
    """Exact data ``X`` (n x d), optional targets ``y`` (length n) and ``beta`` (> 0).

    The constructor accepts anything :func:`arrangement.rational.to_matrix` does and stores
    tuples of :class:`~fractions.Fraction`; it checks the shapes and the sign of ``beta``.

    >>> inst = Instance([[1, "1/2"], [0, 1]], y=["0.5", -1], beta="1/10", name="tiny")
    >>> inst.n, inst.d, inst.y, inst.beta
    (2, 2, (Fraction(1, 2), Fraction(-1, 1)), Fraction(1, 10))
    """

    X: tuple[tuple[Fraction, ...], ...]
    y: tuple[Fraction, ...] | None = None
    beta: Fraction | None = None
    name: str = "data"
    notes: tuple[str, ...] = ()

    if TYPE_CHECKING:  # what the constructor accepts; __post_init__ stores the exact tuples
        def __init__(self, X: Sequence[Sequence[object]], y: Sequence[object] | None = None,
                     beta: object = None, name: str = "data",
                     notes: Sequence[str] = ()) -> None: ...

    def __post_init__(self) -> None:
        # normalising here means every Instance, however built, holds exact, checked data
        X = to_matrix(self.X, "X")
        y = None if self.y is None else to_vector(self.y, "y")
        if y is not None and len(y) != len(X):
            raise InputError(
                f"shape mismatch: X has {len(X)} row{'s' * (len(X) != 1)} but y has {len(y)} "
                f"entr{'y' if len(y) == 1 else 'ies'}"
            )
        beta = None if self.beta is None else _check_beta(self.beta)
        object.__setattr__(self, "X", X)
        object.__setattr__(self, "y", y)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "name", str(self.name))
        object.__setattr__(self, "notes", tuple(str(s) for s in self.notes))

    @property
    def n(self) -> int:
        """Number of data points (rows of X).

        >>> Instance([[1, 2], [3, 4], [5, 6]]).n
        3
        """
        return len(self.X)

    @property
    def d(self) -> int:
        """Dimension of the data (columns of X).

        >>> Instance([[1, 2], [3, 4], [5, 6]]).d
        2
        """
        return len(self.X[0])

    @property
    def targets(self) -> tuple[Fraction, ...]:
        """``y``, for the computations that need targets (an :class:`InputError` without them).

        >>> Instance([[1]], y=[2]).targets
        (Fraction(2, 1),)
        >>> Instance([[1]]).targets
        Traceback (most recent call last):
        ...
        arrangement.errors.InputError: this needs targets y, and the data 'data' has none
        """
        if self.y is None:
            raise InputError(f"this needs targets y, and the data {self.name!r} has none")
        return self.y

    @property
    def penalty(self) -> Fraction:
        """``beta``, for the computations that need it (an :class:`InputError` without it).

        >>> Instance([[1]], beta="1/10").penalty
        Fraction(1, 10)
        """
        if self.beta is None:
            raise InputError(f"this needs beta, and the data {self.name!r} has none")
        return self.beta

    def to_json_dict(self) -> dict:
        """The instance as JSON-ready data, every number a string ``"p/q"`` or ``"p"``.

        >>> Instance([[1, "0.5"]], y=[2], beta="1/10", name="t").to_json_dict()
        {'name': 't', 'X': [['1', '1/2']], 'y': ['2'], 'beta': '1/10'}
        """
        out: dict = {"name": self.name, "X": [[format_fraction(v) for v in row] for row in self.X]}
        if self.y is not None:
            out["y"] = [format_fraction(v) for v in self.y]
        if self.beta is not None:
            out["beta"] = format_fraction(self.beta)
        if self.notes:
            out["notes"] = list(self.notes)
        return out

    def to_json_text(self) -> str:
        """:meth:`to_json_dict` as JSON text, one row of X per line.

        >>> print(Instance([[1, 2], [3, "1/2"]], name="t").to_json_text())
        {
          "name": "t",
          "X": [
            ["1", "2"],
            ["3", "1/2"]
          ]
        }
        """
        # one row per line keeps the text readable for big X, unlike json.dumps(indent=...)
        items = []
        for key, value in self.to_json_dict().items():
            if key == "X":
                rows = ",\n    ".join(json.dumps(row) for row in value)
                items.append(f'  "X": [\n    {rows}\n  ]')
            else:
                items.append(f"  {json.dumps(key)}: {json.dumps(value)}")
        return "{\n" + ",\n".join(items) + "\n}"

    def write_json(self, path: str | Path) -> None:
        """Write :meth:`to_json_text` to ``path``; :func:`read_instance` reads it back unchanged.

        >>> import tempfile, os
        >>> p = os.path.join(tempfile.mkdtemp(), "t.json")
        >>> Instance([[1, 2]], y=[3], beta=1).write_json(p)
        >>> read_instance(p).X
        ((Fraction(1, 1), Fraction(2, 1)),)
        """
        Path(path).write_text(self.to_json_text() + "\n", encoding="utf-8")


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")  # -sig: a BOM from spreadsheet tools is fine
    except UnicodeDecodeError as exc:
        raise InputError(f"cannot read: not UTF-8 text (byte {exc.start})") from None


def _shape_of(rows: object) -> tuple[int, int]:
    # n and the first row's width, checked against the policy before any number is parsed
    if not isinstance(rows, list) or not rows:
        return 0, 0
    return len(rows), len(rows[0]) if isinstance(rows[0], list) else 0


def _split_target(rows: list, target: str | None) -> tuple[list, list | None]:
    if target is None:
        return rows, None
    if any(len(r) < 2 for r in rows):
        raise InputError("target='last' needs at least 2 columns (X and y)")
    return [r[:-1] for r in rows], [r[-1] for r in rows]


def _read_json(path: Path, raw: bytes, target: str | None, force: bool) -> Instance:
    # numbers stay text (0.1 stays "0.1" and becomes exactly 1/10; NaN/Infinity become text
    # that to_fraction refuses by name); depth and duplicate keys are checked by load_json
    data = load_json(_decode(raw))
    if not isinstance(data, dict):
        raise InputError(
            f'expected a JSON object {{"X": [[...]], "y": [...], "beta": ...}}, '
            f"got {type(data).__name__}"
        )
    unknown = [k for k in data if k not in _JSON_KEYS]
    if unknown:
        raise InputError(
            f"unknown key {show(unknown[0])} (expected {', '.join(_JSON_KEYS)})"
        )
    if "X" not in data:
        raise InputError('missing "X" (the data matrix, a list of rows)')
    check_shape(*_shape_of(data["X"]), force=force)
    X: Sequence[Sequence[object]] = to_matrix(data["X"], "X")
    y = data.get("y")
    if target is not None:
        if y is not None:
            raise InputError('has "y" already; target=\'last\' does not apply')
        X, y = _split_target(list(X), target)
    notes = data.get("notes", [])
    if not isinstance(notes, list) or not all(_is_text(s) for s in notes):
        raise InputError('"notes" must be a list of strings')
    name = data.get("name", path.stem)
    if not _is_text(name):
        raise InputError('"name" must be a string')
    # both are printed: a lone surrogate ("\ud800" is valid JSON) could not be, and a control
    # character in the name would break the one-line summary
    if "name" in data and (not _encodable(name) or not name.isprintable()):
        raise InputError(f'"name" must be printable text, got {show(name)}')
    for k, s in enumerate(notes):
        if not _encodable(s):
            raise InputError(f'"notes"[{k}] is not valid Unicode text: {show(s)}')
    return Instance(X, y=y, beta=data.get("beta"), name=name, notes=tuple(notes))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_text(value: object) -> bool:
    return isinstance(value, str) and not isinstance(value, JSONNumber)


def _looks_like_number(cell: str) -> bool:
    try:
        to_fraction(cell)
    except InputError:
        # "nan"/"inf" are numbers gone wrong, not header words: keep them as data to refuse
        return cell.strip().lower().lstrip("+-") in ("nan", "inf", "infinity")
    return True


_OTHER_SEPARATORS = ((";", "semicolon"), ("\t", "tab"))


def _refuse_other_separators(line_num: int, cells: list[str]) -> None:
    """A one-field line holding ';' or a tab is a semicolon- or tab-separated file: refused with
    a hint, since ';' files often write decimal commas (1,5) that must not be guessed at."""
    if len(cells) != 1:
        return
    for sep, name in _OTHER_SEPARATORS:
        if sep in cells[0]:
            raise InputError(
                f"line {line_num} looks {name}-separated ({show(cells[0])}): CSV files are read "
                "with ',' between fields and '.' as the decimal point; convert the file "
                "(e.g. with tr) or save it as comma-separated")


def _read_csv(path: Path, raw: bytes, target: str | None, force: bool) -> Instance:
    text = _decode(raw)
    lines: list[tuple[int, list[str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for cells in reader:
            if all(not c.strip() for c in cells):
                continue  # blank line
            lines.append((reader.line_num, cells))
    except csv.Error as exc:
        raise InputError(f"malformed CSV at line {reader.line_num}: {exc}") from None
    if lines:
        _refuse_other_separators(*lines[0])  # before the header test: "1;2" is no header
    if lines and not any(_looks_like_number(c) for c in lines[0][1]):
        lines = lines[1:]  # a header: every cell is a word
    if not lines:
        raise InputError("X is empty: no data rows")
    _refuse_other_separators(*lines[0])
    width_line, width = lines[0][0], len(lines[0][1])
    check_shape(len(lines), width, force=force)
    rows = []
    for line_num, cells in lines:
        if len(cells) != width:
            raise InputError(
                f"ragged rows: line {width_line} has {width} fields but line "
                f"{line_num} has {len(cells)}"
            )
        rows.append(
            [to_fraction(c, where=f"line {line_num}, column {j + 1}")
             for j, c in enumerate(cells)]
        )
    X, y = _split_target(rows, target)
    return Instance(X, y=y, name=path.stem)


def _npy_rows(raw: bytes, force: bool, vector: bool = False
              ) -> tuple[list[list[Fraction]], tuple[str, ...], tuple[int, ...]]:
    # the rows of a 2-D array (a 1-D array of length n is one column when ``vector``), exactly
    import numpy as np

    # read the header first: shape and dtype are refused before any data is loaded
    fh = io.BytesIO(raw)
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    except ValueError as exc:
        raise InputError(f"not a readable .npy array: {show(_one_line(exc), 120)}") from None
    if dtype.hasobject:
        raise InputError("object arrays are refused (loading them needs pickle)")
    if vector and len(shape) == 1:
        shape = (shape[0], 1)
        column = True
    else:
        column = False
    if len(shape) != 2:
        raise InputError(
            f"expected a {'1-D or ' if vector else ''}2-D array "
            f"({'n or n x 1' if vector else 'n x d'}), got a {len(shape)}-D array of shape "
            f"{tuple(shape)}"
        )
    if dtype.kind not in "iufU":
        raise InputError(
            f"unsupported dtype {show(dtype)} (expected integers, floats or decimal strings)"
        )
    # a header may claim any shape: check it, and that the file holds that much data, before
    # numpy allocates anything
    check_shape(int(shape[0]), int(shape[1]), force=force)
    if int(shape[0]) * int(shape[1]) * dtype.itemsize > len(raw) - fh.tell():
        raise InputError(f"truncated .npy array: the header claims shape {tuple(shape)} but the "
                         f"file holds {len(raw) - fh.tell()} bytes of data")
    try:
        arr = np.load(io.BytesIO(raw), allow_pickle=False)
    except (OSError, ValueError, EOFError) as exc:
        raise InputError(f"not a readable .npy array: {show(_one_line(exc), 120)}") from None
    if column:
        arr = arr.reshape(-1, 1)
    notes: tuple[str, ...] = ()
    if dtype.kind == "f":
        bad = np.argwhere(~np.isfinite(arr))
        if len(bad):
            i, j = (int(k) for k in bad[0])
            raise InputError(f"X[{i}][{j}]: not a finite number: {arr[i, j]}")
        # as_integer_ratio on each numpy scalar is exact even for long double, unlike tolist();
        # a long double can hold ~4950 digits, beyond the policy's limit
        rows = [[check_digits(Fraction(*(int(t) for t in v.as_integer_ratio())), f"X[{i}][{j}]")
                 for j, v in enumerate(row)] for i, row in enumerate(arr)]
        notes = (FLOAT_NOTE,)
    else:
        rows = arr.tolist()  # Python ints (exact) or str (parsed exactly below)
        rows = [[to_fraction(v, where=f"X[{i}][{j}]") for j, v in enumerate(row)]
                for i, row in enumerate(rows)]
    if not rows:
        raise InputError(f"X is empty: the array has shape {tuple(shape)}")
    return rows, notes, tuple(shape)


def _read_npy(path: Path, raw: bytes, target: str | None, force: bool) -> Instance:
    rows, notes, _ = _npy_rows(raw, force)
    X, y = _split_target(rows, target)
    return Instance(X, y=y, name=path.stem, notes=notes)


def read_targets(spec: str, *, force: bool = False) -> tuple[tuple[Fraction, ...], tuple[str, ...]]:
    """Read a separate target vector y (``--y FILE``): a ``.npy`` array of shape (n,) or
    (n, 1), or a ``.csv`` file of one column (or one row); also the notes it brings (binary
    floats are converted exactly and flagged, as for X).

    >>> import tempfile, os, numpy as np
    >>> path = os.path.join(tempfile.mkdtemp(), "y.npy"); np.save(path, np.array([0.5, -1.0]))
    >>> read_targets(path)
    ((Fraction(1, 2), Fraction(-1, 1)), ('binary floats converted exactly',))
    """
    shown = path_text(spec)
    path = Path(spec)
    suffix = path.suffix.lower()
    if suffix not in (".npy", ".csv"):
        if path.is_dir():
            raise InputError(f"not a file: {shown} is a directory")
        raise InputError(f"unknown file type {path.suffix or '(none)'!r} for the targets "
                         f"{shown} (expected .npy or .csv)")
    raw = read_bytes(path, force=force)
    try:
        if suffix == ".npy":
            rows, notes, shape = _npy_rows(raw, force, vector=True)
        else:
            inst = _read_csv(path, raw, None, force)
            rows, notes, shape = [list(r) for r in inst.X], (), (inst.n, inst.d)
        if shape[1] != 1:
            if len(rows) != 1:
                raise InputError(f"expected one column of targets, got {shape[0]} x {shape[1]}")
            rows = [[v] for v in rows[0]]
    except InputError as exc:
        raise InputError(f"{shown}: {str(exc).replace('X[', 'y[')}") from None
    return tuple(r[0] for r in rows), notes


_READERS = {".json": _read_json, ".csv": _read_csv, ".npy": _read_npy}


def read_instance(spec: str, *, target: str | None = None, beta: str | None = None,
                  force: bool = False, y: str | None = None) -> Instance:
    """Read ``example:NAME``, a ``.json``, ``.csv`` or ``.npy`` file into an :class:`Instance`.

    ``target="last"`` takes the last column of the matrix as ``y``; an explicit ``beta``
    (text such as ``"1/10"``) overrides the file's. The size policy (docs/limits.md) is checked
    before anything is parsed; ``force=True`` lifts its forceable limits (file size, n, d, n·d).
    ``y`` names a separate file of targets (:func:`read_targets`), for data that has none.

    >>> inst = read_instance("example:v1d", beta="1/2")
    >>> inst.n, inst.d, inst.beta
    (3, 2, Fraction(1, 2))
    >>> read_instance("no/such/file.json")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: no such file: no/such/file.json
    """
    shown = path_text(spec)
    if target is not None and target not in _TARGETS:
        raise InputError(f"unknown target {target!r} (expected: {', '.join(_TARGETS)})")
    if spec.startswith("example:"):
        from arrangement.examples import example  # examples build Instances: import late

        if target is not None:
            raise InputError("target='last' does not apply to built-in examples (they have y)")
        inst = example(spec[len("example:"):])
    else:
        path = Path(spec)
        reader = _READERS.get(path.suffix.lower())
        if reader is None and path.is_dir():
            raise InputError(f"not a file: {shown} is a directory")
        if reader is None and path.exists():
            raise InputError(
                f"unknown file type {path.suffix or '(none)'!r} for {shown} "
                "(expected .json, .csv, .npy or example:NAME)"
            )
        raw = read_bytes(path, force=force)  # regular files only, at most the documented size
        if reader is None:  # pragma: no cover - read_bytes refused whatever is not a file
            raise InputError(f"unknown file type for {shown}")
        try:
            inst = reader(path, raw, target, force)
        except InputError as exc:
            raise InputError(f"{shown}: {exc}") from None  # name the file in every message
    if y is not None:
        if target is not None:
            raise InputError("--y and --target last both give the targets: pass one of them")
        if inst.y is not None:
            raise InputError(f"{shown} has targets y already; --y does not apply")
        values, notes = read_targets(y, force=force)
        if len(values) != inst.n:
            raise InputError(f"shape mismatch: {shown} has {inst.n} row{'s' * (inst.n != 1)} "
                             f"but {path_text(y)} has {len(values)} "
                             f"entr{'y' if len(values) == 1 else 'ies'}")
        inst = dataclasses.replace(inst, y=values,
                                   notes=inst.notes + tuple(n for n in notes
                                                            if n not in inst.notes))
    if beta is not None:
        inst = dataclasses.replace(inst, beta=_check_beta(beta))
    return inst
