"""Reading untrusted files within the size policy (arrangement/limits.py, docs/limits.md).

- :func:`regular_file` refuses a missing path, a directory and anything that is not a regular
  file (a FIFO would block the reader forever, ``/dev/zero`` never ends) before opening it;
- :func:`read_bytes` / :func:`read_text` read at most :data:`~arrangement.limits.MAX_FILE_BYTES`
  (one byte more tells that the file is too large);
- :func:`load_json` measures the nesting depth before parsing (so deep text cannot exhaust the
  recursion of :mod:`json`), refuses duplicate keys, and keeps every number as its text
  (:class:`JSONNumber`) so that the caller parses it exactly.

Every problem is an :class:`arrangement.errors.InputError` with a one-line message; callers
prefix the file's path.

>>> load_json('{"X": [[1, 0.5]]}')
{'X': [['1', '0.5']]}
>>> load_json('{"a": 1, "a": 2}')
Traceback (most recent call last):
...
arrangement.errors.InputError: duplicate key 'a' in a JSON object (each key may appear once)
"""

from __future__ import annotations

import json
import os
import re
import stat
from pathlib import Path

from arrangement import limits
from arrangement.errors import InputError, TooLargeError
from arrangement.limits import MAX_DEPTH, path_text, show

__all__ = ["JSONNumber", "json_depth", "load_json", "read_bytes", "read_text", "regular_file"]

_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)

_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")

_KINDS = ((stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


class JSONNumber(str):
    """The text of a JSON number (``"12"``, ``"0.1"``), kept so it is parsed exactly."""


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def regular_file(path: str | Path) -> Path:
    """``path`` as a :class:`~pathlib.Path` if it names a regular file (symlinks followed).

    >>> regular_file("/dev/null")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: not a regular file: /dev/null is a character device
    """
    shown = path_text(path)
    p = Path(path)
    try:
        st = os.stat(p)
    except FileNotFoundError:
        raise InputError(f"no such file: {shown}") from None
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {_one_line(exc.strerror or exc)}") from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError(f"not a file: {shown} is a directory")
    if not stat.S_ISREG(st.st_mode):
        kind = next((name for test, name in _KINDS if test(st.st_mode)), "not a regular file")
        raise InputError(f"not a regular file: {shown} is {kind}")
    return p


def read_bytes(path: str | Path, *, force: bool = False) -> bytes:
    """The bytes of the regular file ``path``, refused above ``MAX_FILE_BYTES`` unless ``force``.

    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
    ...     _ = fh.write(b"{}")
    >>> read_bytes(fh.name)
    b'{}'
    """
    shown = path_text(path)
    p = regular_file(path)
    limit = limits.MAX_FILE_BYTES  # looked up per call: one setting for every file read
    try:
        # O_NONBLOCK: should the path turn into a FIFO after the check, open() must not block
        fd = os.open(p, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as fh:
            if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
                raise InputError(f"not a regular file: {shown}")
            data = fh.read() if force else fh.read(limit + 1)
    except OSError as exc:
        raise InputError(f"cannot read {shown}: {_one_line(exc.strerror or exc)}") from None
    if len(data) > limit and not force:
        raise TooLargeError(f"{shown} is larger than the limit of {limit} bytes "
                            "(pass --force to read it anyway)")
    return data


def read_text(path: str | Path, *, force: bool = False) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a leading BOM from spreadsheet tools is dropped)."""
    shown = path_text(path)
    data = read_bytes(path, force=force)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{shown}: cannot read: not UTF-8 text (byte {exc.start})") from None


def json_depth(text: str | bytes) -> int:
    """The nesting depth of JSON text (brackets inside strings do not count), in linear time.

    >>> json_depth('{"X": [[1, 2]], "name": "[[["}'), json_depth("7")
    (3, 0)
    """
    import numpy as np

    raw = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    # drop the strings, then every byte but the brackets (both at C speed): the arrays below
    # are as long as the number of brackets, not the file
    brackets = _STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    b = np.frombuffer(brackets, dtype=np.uint8)
    step = np.where((b == ord("[")) | (b == ord("{")), 1, -1)
    return max(int(np.cumsum(step).max()), 0) if len(step) else 0


def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise InputError(f"duplicate key {show(key)} in a JSON object (each key may appear "
                             "once)")
        out[key] = value
    return out


def load_json(text: str, *, max_depth: int = MAX_DEPTH) -> object:
    """Parse JSON within the policy: depth at most ``max_depth``, no duplicate keys, and numbers
    kept as :class:`JSONNumber` text (``NaN``/``Infinity`` too, for the caller to refuse).

    >>> load_json("[" * 40 + "]" * 40)
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: JSON nested 40 deep: the limit is 32
    """
    depth = json_depth(text)
    if depth > max_depth:
        raise InputError(f"JSON nested {depth} deep: the limit is {max_depth}")
    try:
        return json.loads(text, parse_float=JSONNumber, parse_int=JSONNumber,
                          parse_constant=JSONNumber, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise InputError(
            f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except (ValueError, RecursionError) as exc:
        raise InputError(f"malformed JSON: {show(_one_line(exc), 80)}") from None
