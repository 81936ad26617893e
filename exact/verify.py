"""A standalone checker for relucvx certificates, using only the Python standard library.

**Specification: docs/certificates.md** (normative: every kind, field and check, the format
version, the limits and what each exit status proves). This module implements it and imports
nothing from the project, so it can be audited on its own and run as
``python exact/verify.py [--max-tol T] CERT``. It never solves anything: it recomputes every
claim from the data held in the certificate with exact rational arithmetic (``Fraction`` and
Python integers).

The kernel is a handful of named rules, each a public function tested on its own
(tests/test_verify_rules.py):

- :func:`strict_signs`, :func:`class_signs` — a witness is on no hyperplane, with these signs;
- :func:`integer_farkas` / :func:`packed_farkas` — ``D σ_k N_k = Σ_f μ_f σ_f N_f`` with
  ``D > 0``, ``μ ≥ 0`` (a class is redundant), the second on packed vectors (:func:`pack`);
- :func:`scaled_inverse` / :func:`simplicial_farkas` — a class lies in the simplicial cone of d
  named facets (Cramer's multipliers recomputed, their signs read off packed integers);
- :func:`projection_kkt` — ``p = Π_C(g)`` by its KKT conditions;
- :func:`moreau_bound` — ``‖Π_C(g)‖² ≤ ‖g + Aᵀλ‖²`` for ``λ ≥ 0``;
- :func:`objective` — the exact training objective of a listed network (the upper bound);
- :func:`dual_value` — the exact value of a dual point (the lower bound).

Each ``_check_<kind>`` only parses the fields of its kind and composes these rules. The result
of :func:`verify` is a status and one line:

- 0 ``valid: ...`` — every claim of the certificate is proved (over a complete chamber list);
- 1 ``<check>: ...`` — the first failing check: the certificate is invalid;
- 2 ``<path>: ...`` — refused before checking (not JSON, duplicate keys, over the limits);
- 3 ``not proved: ...`` — every check passes but the chamber list is not certified complete,
  so the bounds hold over the listed chambers only: consistent, but not a proof.

>>> cert = {"format": FORMAT, "kind": "arrangement",
...         "data": {"X": [["1"]]}, "claims": {"chambers": 2, "n": 1, "d": 1},
...         "chambers": [[[1], [0], []], [[-1], [0], []]]}
>>> verify(cert)
(0, 'valid: the 2 chambers of the arrangement of a 1 × 1 matrix (1 hyperplane) are complete')
>>> cert["chambers"].pop()
[[-1], [0], []]
>>> print(verify(cert)[1])
closure: chamber 0: crossing the facet of class 0 gives a sign vector that is not listed
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import gzip
import io
import json
import math
import operator
import os
import re
import sys
from array import array
from collections.abc import Callable, Iterator
from fractions import Fraction

FORMAT = "relucvx-certificate/3"

#: exit statuses (docs/certificates.md, "Exit statuses")
PROVED, INVALID, REFUSED, NOT_PROVED = 0, 1, 2, 3

#: the largest relative tolerance a verdict "optimal" may state without ``--max-tol``
TOL_CEILING = Fraction(1, 10**6)

#: limits (docs/certificates.md, "Limits"): refused at once, before any check
MAX_BYTES: int | None = 512 * 2**20  # the decompressed JSON text (None: no limit, --force)
MAX_DIGITS = 10_000              # digits of one integer (a numerator or a denominator)
MAX_VECTOR_DIGITS = 200_000      # digits of one vector (bounds its common denominator)
MAX_WORK = 5 * 10**8             # products of the checks, counted from the list lengths
MAX_WORD_WORK = 10**11           # the same weighted by the length of the numbers (64-bit words)

_NUMBER = re.compile(r"-?[0-9]+(?:/[0-9]+)?")
#: a run of more than MAX_DIGITS digits: every digit read as "0", everything else as " ", then
#: one substring search (a regex over a large document is many times slower)
_DIGITS_AS_ZERO = bytes(48 if 48 <= c <= 57 else 32 for c in range(256))
_LONG_RUN = b"0" * (MAX_DIGITS + 1)


def _long_run(data: bytes) -> bool:
    """Does ``data`` hold a run of more than MAX_DIGITS ASCII digits?

    >>> _long_run(b"[1, " + b"9" * MAX_DIGITS + b"]"), _long_run(b"9" * (MAX_DIGITS + 1))
    (False, True)
    """
    return data.translate(_DIGITS_AS_ZERO).find(_LONG_RUN) >= 0


class CheckFailed(Exception):
    """The first failing check: ``check`` is its name, ``detail`` says what failed where."""

    def __init__(self, check: str, detail: str):
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


class Refused(ValueError):
    """The input is refused before checking: not a JSON certificate document, or over a limit."""


class _OverLimits(Refused):
    """Refused over a work limit that ``--force`` lifts (:func:`precount_path` decides only
    these: any other refusal met in its stream is left to the whole reading)."""


class _CountedOver(_OverLimits):
    """A partial count of the chambers, made while a file is read, passed a work limit
    (:class:`_SolveCount`, :func:`_count_arrangement`): the whole document is over it too."""


def _fail(check: str, detail: str) -> CheckFailed:
    return CheckFailed(check, detail)


@contextlib.contextmanager
def _long_integers():
    """Lift Python's int/str conversion limit while checking (the limits here are ours:
    ``MAX_DIGITS``, enforced before any conversion) and restore it afterwards."""
    getter = getattr(sys, "get_int_max_str_digits", None)
    if getter is None:  # Python without the limit
        yield
        return
    old = getter()
    sys.set_int_max_str_digits(0)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def _show(q: object) -> str:
    """A short rendering of a value for a message (exact when it is short)."""
    text = str(q)
    if len(text) <= 24:
        return text
    if isinstance(q, Fraction):
        try:
            return f"~{float(q):.12g}"
        except OverflowError:
            pass
    return text[:12] + "..."


def _rep(value: object) -> str:
    """``repr`` of a value for a message, cut short."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# -- reading a document ---------------------------------------------------------------------------
def _no_duplicates(pairs: list[tuple[str, object]]) -> dict:
    out: dict = {}
    for key, value in pairs:
        if key in out:
            raise Refused(f"duplicate key {_rep(key)} in a JSON object")
        out[key] = value
    return out


def _bad_constant(name: str) -> object:
    raise Refused(f"not a finite number: {name}")


def _no_float(text: str) -> object:
    raise Refused(f"a float is not a certificate number (use an integer or 'p/q'): {_show(text)}")


def loads(data: bytes | str) -> object:
    """Parse a certificate document; :class:`Refused` (one line) if it is not one.

    Accepts gzip-compressed bytes and a UTF-8 byte-order mark; refuses invalid UTF-8, invalid
    JSON, duplicate keys, ``NaN`` / ``Infinity``, floats, over-long integers (the digit runs are
    counted before anything is converted), nesting too deep for the parser and documents over
    ``MAX_BYTES``.

    >>> loads('\\ufeff{"a": [1, "2/3"]}')
    {'a': [1, '2/3']}
    >>> for text in ('{"a": 1, "a": 2}', '[NaN]', '[true, 1.5]'):
    ...     try:
    ...         loads(text)
    ...     except Refused as exc:
    ...         print(exc)
    duplicate key 'a' in a JSON object
    not a finite number: NaN
    a float is not a certificate number (use an integer or 'p/q'): 1.5
    """
    return _parse([data.encode("utf-8") if isinstance(data, str) else data])


def _parse(box: list[bytes]) -> object:
    """:func:`loads` of the bytes in ``box``, which it takes out: once decoded, the bytes are
    dropped before the parse (for a file read by :func:`load_file`, nothing else holds them:
    a 580 MB certificate then costs its text once, not twice, during the parse)."""
    data = box.pop()
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as fh:
                data = fh.read(_read_size())
        except (OSError, EOFError) as exc:
            raise Refused(f"not a gzip file: {' '.join(str(exc).split())}") from None
    if MAX_BYTES is not None and len(data) > MAX_BYTES:
        raise Refused(f"more than {MAX_BYTES} bytes of JSON")
    if _long_run(data):
        raise Refused(f"a number has more than {MAX_DIGITS} digits")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Refused("not a UTF-8 text file") from None
    del data
    try:
        with _long_integers():
            return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_bad_constant,
                              parse_float=_no_float)
    except json.JSONDecodeError as exc:
        raise Refused(f"malformed JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
                      ) from None
    except RecursionError:
        raise Refused("malformed JSON: nested too deeply") from None


def _read_size() -> int:
    """How many bytes to read: one past ``MAX_BYTES`` (so that a longer file is seen), or all."""
    return -1 if MAX_BYTES is None else MAX_BYTES + 1


def load_file(path: str) -> object:
    """Read and parse a certificate file (``.json`` or ``.json.gz``); :class:`Refused` if not.

    >>> try:
    ...     load_file("/nonexistent/cert.json")
    ... except Refused as exc:
    ...     print(exc)
    cannot read /nonexistent/cert.json: No such file or directory
    """
    try:
        with open(path, "rb") as fh:
            data = fh.read(_read_size())
    except OSError as exc:
        raise Refused(f"cannot read {path}: {exc.strerror or exc}") from None
    box = [data]
    del data  # _parse drops the bytes once decoded
    try:
        return _parse(box)
    except Refused as exc:
        raise Refused(f"{path}: {exc}") from None


# -- parsing fields -------------------------------------------------------------------------------
def _obj(value: object, where: str, required: tuple[str, ...],
         optional: tuple[str, ...] = ()) -> dict:
    """An object with exactly the ``required`` keys and some of the ``optional`` ones."""
    if not isinstance(value, dict):
        raise _fail("fields", f"{where}: expected an object")
    for key in required:
        if key not in value:
            raise _fail("fields", f"{where}: missing field {key!r}")
    for key in value:
        if key not in required and key not in optional:
            raise _fail("fields", f"{where}: unknown field {_rep(key)} (nothing checks it)")
    return value


def _num(value: object, check: str, where: str) -> Fraction:
    """A certificate number: a JSON integer (not a boolean) or a string ``"p"`` / ``"p/q"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        num, _, den = value.partition("/")
        if len(num.lstrip("-")) > MAX_DIGITS or len(den) > MAX_DIGITS:
            raise Refused(f"{where}: a number has more than {MAX_DIGITS} digits")
        q = int(den) if den else 1
        if q == 0:
            raise _fail(check, f"{where}: division by zero in {_rep(value)}")
        return Fraction(int(num), q)
    raise _fail(check, f"{where}: not a number (an integer or a string 'p/q'): {_rep(value)}")


def _vec(value: object, length: int, check: str, where: str) -> list[Fraction]:
    if not isinstance(value, list):
        raise _fail(check, f"{where}: expected a list of {length} numbers")
    if len(value) != length:
        raise _fail(check, f"{where}: has {len(value)} entries, expected {length}")
    if sum(len(v) if isinstance(v, str) else 0 for v in value) > MAX_VECTOR_DIGITS:
        raise Refused(f"{where}: more than {MAX_VECTOR_DIGITS} digits in one vector")
    return [_num(v, check, f"{where}[{t}]") for t, v in enumerate(value)]


def _int(value: object, check: str, where: str, lo: int | None = None,
         hi: int | None = None) -> int:
    """A JSON integer (not a boolean) in ``[lo, hi)``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(check, f"{where}: expected an integer, got {_rep(value)}")
    if (lo is not None and value < lo) or (hi is not None and value >= hi):
        raise _fail(check, f"{where}: {_show(value)} is out of range")
    return value


def _list(value: object, check: str, where: str, nonempty: bool = False) -> list:
    if not isinstance(value, list) or (nonempty and not value):
        raise _fail(check, f"{where}: expected a {'non-empty ' if nonempty else ''}list")
    return value


def _matrix(value: object, check: str, where: str) -> list[list[Fraction]]:
    rows = _list(value, check, where, nonempty=True)
    if not isinstance(rows[0], list) or not rows[0]:
        raise _fail(check, f"{where}: rows must be non-empty lists")
    d = len(rows[0])
    return [_vec(row, d, check, f"{where}[{j}]") for j, row in enumerate(rows)]


def _work(amount: int) -> None:
    if amount > MAX_WORK:
        raise _OverLimits(f"the checks would take about {amount} products (limit {MAX_WORK})")


def _words(bits: int) -> int:
    """The cost of one product of numbers of ``bits`` bits, in products of machine words
    (schoolbook: quadratic; a deliberate overestimate for Python's Karatsuba)."""
    w = bits // 64 + 1
    return w * w


class _Budget:
    """Work spent so far, in word products (docs/certificates.md §3); refuses past MAX_WORK."""

    def __init__(self) -> None:
        self.spent = 0

    def spend(self, products: int, bits: int) -> None:
        self.spent += products * _words(bits)
        if self.spent > MAX_WORD_WORK:
            raise _OverLimits(f"the checks would take more than {MAX_WORD_WORK} word products (the "
                          "numbers are too long for their count)")


def _bits(v: list[Fraction]) -> int:
    return max((x.numerator.bit_length() + x.denominator.bit_length() for x in v), default=0)


# -- exact helpers --------------------------------------------------------------------------------
def _lcm_den(v: list[Fraction]) -> int:
    return math.lcm(*(x.denominator for x in v)) if v else 1


def _integer_vector(v: list[Fraction]) -> list[int]:
    """``L v`` with ``L > 0`` the lcm of the denominators: same signs of every dot product."""
    L = _lcm_den(v)
    return [x.numerator * (L // x.denominator) for x in v]


def _dot(a: list, b: list):
    return sum(x * y for x, y in zip(a, b))


def _fdot(a: list[Fraction], b: list[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b) if x and y), Fraction(0))


def _sign(x: int | Fraction) -> int:
    return (x > 0) - (x < 0)


def _parallel_classes(X: list[list[Fraction]]) -> list[int]:
    """Parallel classes of the nonzero rows (docs/MATH.md §2): the first row of j's class (−1
    for a zero row). Two rows are parallel iff they are equal after dividing by their first
    nonzero entry."""
    first: dict[tuple[Fraction, ...], int] = {}
    cls: list[int] = []
    for x in X:
        t = next((c for c, v in enumerate(x) if v), None)
        cls.append(-1 if t is None else first.setdefault(tuple(v / x[t] for v in x), len(cls)))
    return cls


def _positive_multiple(a: list[Fraction], b: list[Fraction]) -> bool:
    """``a = c b`` for some rational ``c > 0`` (b nonzero)."""
    t = next((c for c, x in enumerate(b) if x), None)
    if t is None:
        return False
    c = a[t] / b[t]
    return c > 0 and all(x == c * y for x, y in zip(a, b))


def _positive_multiple_int(a: list[Fraction], sign: int, xi: list[int]) -> bool:
    """``a = c · sign · xi`` for some rational ``c > 0`` (xi a nonzero integer row), by
    cross-multiplication: ``_positive_multiple(a, sign · x)`` for any positive multiple x of xi."""
    t = next((c for c, x in enumerate(xi) if x), None)
    if t is None:
        return False
    at, bt = a[t], sign * xi[t]
    if (at > 0) != (bt > 0) or not at:
        return False
    # a_c / (sign xi_c) = a_t / (sign xi_t) for every c: a_c · bt = at · sign · xi_c, in integers
    pn, pd = at.numerator * sign, at.denominator
    return all(x.numerator * bt * pd == pn * y * x.denominator for x, y in zip(a, xi))


# -- the kernel: named rules (docs/certificates.md, "Rules") --------------------------------------
def strict_signs(XI: list[list[int]], w: list[int], signs: list[int]) -> int | None:
    """Rule *strict signs*: the first row j with ``sign(x_j·w) ≠ signs_j``, or None.

    None proves that w lies in the open cell with exactly these signs (on no hyperplane of a
    nonzero row; zero rows have sign 0 at every point).

    >>> strict_signs([[1, 0], [0, 1], [0, 0]], [2, -1], [1, -1, 0]) is None
    True
    >>> strict_signs([[1, 0], [0, 1]], [2, 0], [1, 1])
    1
    """
    mul = operator.mul
    for j, (x, s) in enumerate(zip(XI, signs)):
        v = sum(map(mul, x, w))
        if ((v > 0) - (v < 0)) != s:
            return j
    return None


def pack_columns(rows: list[list[int]]) -> tuple[list[int], int]:
    """The columns of integer rows packed 64 bits a row, ``C_c = Σ_j x_jc 2^(64j)``, and
    ``d · max|x|``: then ``Σ_c w_c C_c = Σ_j (x_j·w) 2^(64j)`` (:func:`packed_signs`).

    >>> pack_columns([[1, 0], [-1, 2]])
    ([-18446744073709551615, 36893488147419103232], 4)
    """
    d = len(rows[0]) if rows else 0
    cols = [sum(x[c] << (64 * j) for j, x in enumerate(rows)) for c in range(d)]
    return cols, d * max((abs(v) for x in rows for v in x), default=0)


def packed_signs(cols: list[int], bound: int, n: int, w: list[int]) -> tuple[int, int] | None:
    """``(P, N)`` with ``P = Σ_j [x_j·w ≥ 0] 2^(64j)`` and ``N = Σ_j [x_j·w ≤ 0] 2^(64j)`` for
    the n rows of :func:`pack_columns`, from one packed product, or None when some ``|x_j·w|``
    might reach 2^62 (``bound · max|w|``). With ``Z = Σ_j v_j 2^(64j)``, ``|v_j| < 2^62``, and
    ``H = Σ_j 2^(64j+63)``, the 64-bit digits of ``H + Z`` are ``2^63 + v_j`` and those of
    ``H − Z`` are ``2^63 − v_j`` (no carries), so their top bits are ``[v_j ≥ 0]`` and
    ``[v_j ≤ 0]`` (rule *strict signs*: sign +1 is (1, 0), −1 is (0, 1), 0 is (1, 1)).

    >>> cols, bound = pack_columns([[1, 0], [-1, 2], [0, 0]])
    >>> P, N = packed_signs(cols, bound, 3, [2, 1])
    >>> [(P >> (64 * j)) & 1 for j in range(3)], [(N >> (64 * j)) & 1 for j in range(3)]
    ([1, 1, 1], [0, 1, 1])
    """
    if bound * max(map(abs, w), default=0) >= 1 << 62:
        return None
    Z = sum(map(operator.mul, w, cols))
    H = _tops(n)
    ones = H >> 63
    return ((H + Z) >> 63) & ones, ((H - Z) >> 63) & ones


def _tops(n: int) -> int:
    """``Σ_{j<n} 2^(64j+63)``."""
    top = _TOPS.get(n)
    if top is None:
        top = _TOPS[n] = sum(1 << (64 * j + 63) for j in range(n))
    return top


_TOPS: dict[int, int] = {}


def _sign_bytes(P: int, N: int, n: int) -> bytes:
    """The bytes ``s_j + 1`` of the signs given by :func:`packed_signs`' ``(P, N)``."""
    return (P + (_tops(n) >> 63) - N).to_bytes(8 * n, "little")[::8]


def _key_masks(key: bytes) -> tuple[int, int]:
    """``(P, N)`` that :func:`packed_signs` gives for the signs with bytes ``key`` (s_j + 1)."""
    k = int.from_bytes(array("Q", iter(key)).tobytes(), sys.byteorder)
    ones = _tops(len(key)) >> 63
    plus = (k >> 1) & ones
    return k & ones | plus, ones - plus


def projection_kkt(g: list[Fraction], p: list[Fraction], lam: list[Fraction],
                   A: list[list[Fraction]]) -> str | None:
    """Rule *projection KKT*: why ``p = Π_C(g)`` fails for ``C = {u : a·u ≥ 0, a ∈ A}``, or None.

    The conditions are ``a·p ≥ 0`` (p ∈ C), ``λ ≥ 0``, ``g − p = −Aᵀλ`` and ``λ_a (a·p) = 0``:
    the KKT conditions of ``min ½‖u − g‖²`` over C, sufficient for a convex problem
    (docs/MATH.md §7).

    >>> F = Fraction
    >>> projection_kkt([F(1), F(-1)], [F(1), F(0)], [F(1)], [[F(0), F(1)]]) is None
    True
    >>> projection_kkt([F(1), F(-1)], [F(1), F(-1)], [F(0)], [[F(0), F(1)]])
    'p is not in the cone'
    """
    Ap = [_fdot(a, p) for a in A]
    if any(x < 0 for x in Ap):
        return "p is not in the cone"
    if any(x < 0 for x in lam):
        return "a multiplier is negative"
    for c in range(len(g)):
        if g[c] - p[c] != -sum((lk * a[c] for lk, a in zip(lam, A)), Fraction(0)):
            return "g - p != -A^T lambda"
    if any(lk * x != 0 for lk, x in zip(lam, Ap)):
        return "complementary slackness fails"
    return None


def moreau_bound(g: list[Fraction], lam: list[Fraction] | None,
                 A: list[list[Fraction]]) -> Fraction | None:
    """Rule *Moreau bound*: ``‖g + Aᵀλ‖² ≥ ‖Π_C(g)‖²`` for ``λ ≥ 0`` (None if some λ < 0).

    Moreau: ``g = Π_C(g) + Π_{C°}(g)`` with the polar cone ``C° = {−Aᵀλ : λ ≥ 0}``, so
    ``‖Π_C(g)‖ = min_{λ ≥ 0} ‖g + Aᵀλ‖``; ``lam=None`` is ``λ = 0`` (the bound ``‖g‖²``).

    >>> F = Fraction
    >>> moreau_bound([F(1), F(-1)], [F(1)], [[F(0), F(1)]])
    Fraction(1, 1)
    >>> moreau_bound([F(1), F(-1)], None, [[F(0), F(1)]])
    Fraction(2, 1)
    >>> moreau_bound([F(1), F(-1)], [F(-1)], [[F(0), F(1)]]) is None
    True
    """
    # in integers over common denominators: G for g, L for λ, so that r · G L = L (G g) +
    # G Aᵀ(L λ) when the rows of A are integers (the producers write integer rows)
    G = _lcm_den(g)
    gi = [x.numerator * (G // x.denominator) for x in g]
    if lam is None:
        return Fraction(sum(x * x for x in gi), G * G)
    if any(x < 0 for x in lam):
        return None
    if not all(x.denominator == 1 for a in A for x in a):
        r = [g[c] + sum((lk * a[c] for lk, a in zip(lam, A)), Fraction(0))
             for c in range(len(g))]
        return _fdot(r, r)
    L = _lcm_den(lam)
    ri = [L * x for x in gi]
    for lk, a in zip(lam, A):
        if lk:
            k = lk.numerator * (L // lk.denominator) * G
            ri = [rc + k * ac.numerator for rc, ac in zip(ri, a)]
    GL = G * L
    return Fraction(sum(x * x for x in ri), GL * GL)


def objective(neurons: list[tuple[list[Fraction], Fraction]], X: list[list[Fraction]],
              y: list[Fraction], beta: Fraction, loss: str) -> tuple[Fraction, list[Fraction]]:
    """Rule *objective*: the exact training objective of a network, and its output.

    ``f = Σ_k α_k (X u_k)_+``; ``ℓ = ½‖f − y‖²`` (squared) or ``Σ_j max(0, 1 − y_j f_j)``
    (hinge); objective ``ℓ + (β/2) Σ_k (‖u_k‖² + α_k²)`` (docs/MATH.md §1). Any network's
    objective is an upper bound on ``P*``.

    >>> F = Fraction
    >>> objective([([F(1)], F(1))], [[F(1)], [F(-1)]], [F(1), F(0)], F(1), "squared")
    (Fraction(1, 1), [Fraction(1, 1), Fraction(0, 1)])
    """
    n = len(X)
    out = [Fraction(0)] * n
    pen = Fraction(0)
    for u, a in neurons:
        for j in range(n):
            z = _fdot(X[j], u)
            if z > 0:
                out[j] += a * z
        pen += _fdot(u, u) + a * a
    ell = sum((_LOSSES[loss][0](f, t) for f, t in zip(out, y)), Fraction(0))
    return ell + beta / 2 * pen, out


def dual_value(v: list[Fraction], y: list[Fraction], kappa: Fraction, loss: str
               ) -> Fraction | None:
    """Rule *dual value*: ``−ℓ*(−κv)``, the value of the dual point κv (None outside the domain),
    from this module's own table of losses (docs/certificates.md, "The loss field").

    Squared loss ``κ vᵀy − ½ κ² ‖v‖²``; hinge loss ``κ Σ_{y_j≠0} v_j/y_j + #{y_j = 0}``, defined
    when ``0 ≤ κ v_j / y_j ≤ 1`` and ``v_j = 0`` where ``y_j = 0``; absolute loss ``κ vᵀy`` on
    ``|κ v_j| ≤ 1``; squared hinge (labels ±1) ``κ vᵀy − ½ κ² ‖v‖²`` on ``y_j κ v_j ≥ 0``. With
    κv dual feasible it is a lower bound on ``P*`` (weak duality, docs/MATH.md §7, §11).

    >>> F = Fraction
    >>> dual_value([F(1), F(2)], [F(1), F(2)], F(1), "squared")
    Fraction(5, 2)
    >>> dual_value([F(1), F(0)], [F(1), F(0)], F(1, 2), "hinge")
    Fraction(3, 2)
    >>> dual_value([F(2)], [F(1)], F(1), "hinge") is None
    True
    >>> dual_value([F(1), F(-1)], [F(3), F(1)], F(1), "absolute")
    Fraction(2, 1)
    >>> dual_value([F(2)], [F(1)], F(1), "absolute") is None
    True
    >>> dual_value([F(-1)], [F(1)], F(1), "squared_hinge") is None
    True
    """
    if kappa < 0:
        return None
    return _LOSSES[loss][1]([kappa * x for x in v], y)


def _squared_dual(w: list[Fraction], y: list[Fraction]) -> Fraction:
    return _fdot(w, y) - _fdot(w, w) / 2


def _hinge_dual(w: list[Fraction], y: list[Fraction]) -> Fraction | None:
    total = Fraction(0)
    for wj, yj in zip(w, y):
        if yj == 0:
            if wj != 0:
                return None
            total += 1
        else:
            mu = wj / yj
            if not 0 <= mu <= 1:
                return None
            total += mu
    return total


def _absolute_dual(w: list[Fraction], y: list[Fraction]) -> Fraction | None:
    return _fdot(w, y) if all(abs(x) <= 1 for x in w) else None


def _squared_hinge_dual(w: list[Fraction], y: list[Fraction]) -> Fraction | None:
    # derived for labels ±1 only (docs/MATH.md §11): μ_j = y_j w_j ≥ 0, Σ μ_j − ½ μ_j²
    if any(t * t != 1 for t in y) or any(x * t < 0 for x, t in zip(w, y)):
        return None
    return _fdot(w, y) - _fdot(w, w) / 2


#: This module's own table of losses (shared with nothing): name → (ℓ_j(f, y_j), the dual
#: value −ℓ*(−w) or None outside its domain, the domain in words, check's own dual source).
_LOSSES = {
    "squared": (lambda f, t: (f - t) ** 2 / 2, _squared_dual, "all of R^n", "residual"),
    "hinge": (lambda f, t: max(Fraction(0), 1 - t * f), _hinge_dual,
              "0 <= kappa v_j/y_j <= 1, v_j = 0 where y_j = 0", "subgradient"),
    "absolute": (lambda f, t: abs(f - t), _absolute_dual, "|kappa v_j| <= 1", "subgradient"),
    "squared_hinge": (lambda f, t: max(Fraction(0), 1 - t * f) ** 2 / 2, _squared_hinge_dual,
                      "y_j in {-1, +1} and y_j kappa v_j >= 0", "residual"),
}


# -- kind "arrangement" ---------------------------------------------------------------------------
def _classes(X: list[list[Fraction]], XI: list[list[int]]) -> tuple[list[int], list[list[int]]]:
    """The parallel classes of the nonzero rows, numbered by their first row: ``cls[j]`` (−1 for
    a zero row) and the class normals ``N_c = XI`` of the class's first row (docs/certificates.md
    §5)."""
    first = _parallel_classes(X)
    ids: dict[int, int] = {}
    normals: list[list[int]] = []
    cls = []
    for r in first:
        if r < 0:
            cls.append(-1)
            continue
        if r not in ids:
            ids[r] = len(normals)
            normals.append(XI[r])
        cls.append(ids[r])
    return cls, normals


def class_signs(normals: list[list[int]], w: list[int]) -> tuple[int, ...] | None:
    """Rule *strict signs* on the class normals: ``sign(N_c · w)`` for every class, or None when
    w lies on a hyperplane (then it witnesses no chamber).

    >>> class_signs([[1, 0], [0, 1]], [2, -1])
    (1, -1)
    >>> class_signs([[1, 0], [0, 1]], [2, 0]) is None
    True
    """
    values = [sum(map(operator.mul, nrm, w)) for nrm in normals]
    if 0 in values:
        return None
    return tuple([1 if v > 0 else -1 for v in values])


def integer_farkas(A: list[list[int]], b: list[int], D: int, mu: list[int]) -> bool:
    """Rule *Farkas identity* over common denominators: ``D > 0``, ``μ ≥ 0`` and
    ``D b = Σ_t μ_t A_t`` exactly, all integers. Then ``A_t · u ≥ 0`` for all t implies
    ``b · u ≥ 0`` (the homogeneous Farkas lemma, docs/MATH.md §7).

    >>> integer_farkas([[1, 0], [0, 1]], [1, 1], 2, [2, 2])
    True
    >>> integer_farkas([[1, 0], [0, 1]], [1, -1], 1, [1, -1])
    False
    """
    if D <= 0 or any(m < 0 for m in mu):
        return False
    for c, bc in enumerate(b):
        if D * bc != sum(m * a[c] for m, a in zip(mu, A) if m):
            return False
    return True


def pack(v: list[int], k: int) -> int:
    """Kronecker substitution ``E(v) = Σ_c v_c 2^{ck}``: linear, and injective on vectors with
    ``|v_c| < 2^{k−1}`` (the highest nonzero term outweighs the sum of the lower ones).

    >>> pack([1, -1], 8), pack([0, 0], 8)
    (-255, 0)
    """
    return sum(x << (c * k) for c, x in enumerate(v))


def packed_farkas(EA: list[int], EB: list[int], K: list[int]) -> int | None:
    """Rule *Farkas identity* for all other classes of a chamber at once, on packed vectors.

    ``EA = [E(a_f)]`` (facets), ``EB = [E(b_t)]`` (the other classes), ``K`` the integers
    ``D_t, μ_t1 … μ_tf`` per t. Returns the first t whose identity ``D_t b_t = Σ_f μ_tf a_f``
    fails or whose ``D_t ≤ 0`` or some ``μ_tf < 0``, else None. Sound when the caller's width k
    has ``2^{k−1} > (f + 1) · max K · max|a, b|``: then ``v = D b − Σ μ_f a_f`` has
    ``|v_c| < 2^{k−1}``, and by linearity ``E(v) = D E(b) − Σ μ_f E(a_f)`` is 0 iff v = 0.

    >>> k = 8
    >>> EA = [pack([1, 0], k), pack([0, 1], k)]
    >>> EB = [pack([1, 1], k), pack([2, 0], k)]
    >>> packed_farkas(EA, EB, [2, 2, 2, 1, 2, 0]) is None, packed_farkas(EA, EB, [2, 2, 2, 1, 2, 1])
    (True, 1)
    """
    step = len(EA) + 1
    if len(K) != step * len(EB):
        return 0
    if K and min(K) < 0:
        return next(t for t, x in enumerate(K) if x < 0) // step
    Ds = K[0::step]
    if 0 in Ds:
        return Ds.index(0)
    mul = operator.mul
    for t, eb in enumerate(EB):
        pos = t * step
        if Ds[t] * eb != sum(map(mul, K[pos + 1:pos + step], EA)):
            return t
    return None


def scaled_inverse(M: list[list[int]]) -> tuple[int, list[list[int]]] | None:
    """``(q, Y)`` with ``q ≠ 0`` and ``M Y = q I`` exactly (so ``Y = q M⁻¹``), M a square integer
    matrix; None when M is singular. Fraction-free (Bareiss) Gauss–Jordan elimination of
    ``[M | I]``, with exact divisions; the identity ``M Y = q I`` is checked at the end, so the
    result never rests on the elimination being right.

    >>> scaled_inverse([[2, 0], [1, 1]])
    (2, [[1, 0], [-1, 2]])
    >>> scaled_inverse([[1, 2], [2, 4]]) is None
    True
    """
    d = len(M)
    R = [list(row) + [0] * d for row in M]
    for i in range(d):
        R[i][d + i] = 1
    prev = 1
    for c in range(d):
        rc = R[c]
        if not rc[c]:
            for r in range(c + 1, d):
                if R[r][c]:
                    R[c], R[r] = R[r], R[c]
                    rc = R[c]
                    break
            else:
                return None
        p = rc[c]
        # only the columns after c are read again (the left block ends as q I, unread): they
        # are updated, the others left as they are
        tail = rc[c + 1:]
        for r in range(d):
            if r != c:
                rr = R[r]
                a = rr[c]
                if a:
                    R[r] = rr[:c + 1] + [(p * x - a * y) // prev
                                         for x, y in zip(rr[c + 1:], tail)]
                elif p != prev:  # the same step with a = 0
                    R[r] = rr[:c + 1] + [p * x // prev for x in rr[c + 1:]]
        prev = p
    q = prev
    if q == 0:  # pivots are nonzero, so this cannot happen; q = 0 would prove nothing
        return None
    Y = [row[d:] for row in R]
    cols = list(zip(*Y))
    mul = operator.mul
    for i, row in enumerate(M):
        for j, col in enumerate(cols):
            if sum(map(mul, row, col)) != (q if i == j else 0):
                return None
    return q, Y


def simplicial_farkas(A: list[list[int]], B: list[list[int]]) -> int | None:
    """Rule *Farkas identity* on a simplicial subcone, the multipliers recomputed (Cramer).

    ``A``: d linearly independent integer rows ``a_t`` (the subcone's facets), ``B``: targets.
    With ``M`` the matrix of columns ``a_t`` and ``M Y = q I`` (:func:`scaled_inverse`), each
    target gets ``D = |q| > 0`` and ``μ = sign(q) Y b``, so ``Σ_t μ_t a_t = M μ = D b`` exactly;
    the rule checks ``μ ≥ 0``. Returns the first target outside the cone (0 when A is singular
    or not square), else None. The signs are read off one packed integer per target:
    ``Z = Σ_t μ_t 2^{tk} = Σ_i b_i Q_i`` with ``Q_i = Σ_t sign(q) Y_ti 2^{tk}`` (linear), and
    with ``|μ_t| < 2^{k−1}`` the base-2^k digits of ``Z + H``, ``H = Σ_t 2^{tk+k−1}``, are
    ``μ_t + 2^{k−1}``: ``μ_t ≥ 0`` iff the top bit of digit t is set, i.e. ``(Z + H) & H = H``.

    >>> simplicial_farkas([[1, 0], [1, 1]], [[2, 1], [1, 1], [0, 1]])
    2
    >>> simplicial_farkas([[1, 0], [1, 1]], [[2, 1], [1, 1]]) is None
    True
    """
    d = len(A)
    inv = scaled_inverse([list(col) for col in zip(*A)]) if all(len(a) == d for a in A) else None
    if inv is None:
        return 0
    bmax = max((abs(x) for b in B for x in b), default=0)
    pos, neg, H = packed_rows(inv, bmax)
    Q = signed_packing(pos, neg, [1] * d)
    mul = operator.mul
    for t, b in enumerate(B):
        if (sum(map(mul, b, Q)) + H) & H != H:
            return t
    return None


def packed_rows(inv: tuple[int, list[list[int]]],
                bmax: int) -> tuple[list[list[int]], list[list[int]], int]:
    """The packing of :func:`simplicial_farkas` from ``(q, Y)`` (:func:`scaled_inverse`) for
    targets with entries of absolute value ≤ ``bmax``: ``pos[t] = [sign(q) Y_ti 2^{tk}]_i``,
    ``neg[t] = −pos[t]`` and H, with ``2^{k−1} > d · max|Y| · bmax ≥ |μ_t|``.

    >>> packed_rows((2, [[1, 0], [-1, 2]]), 1)
    ([[1, 0], [-32, 64]], [[-1, 0], [32, -64]], 528)
    """
    q, Y = inv
    d = len(Y)
    sg = 1 if q > 0 else -1
    ymax = max(abs(x) for row in Y for x in row)
    k = (d * max(ymax, 1) * max(bmax, 1)).bit_length() + 2
    pos = [[(sg * x) << (t * k) for x in Y[t]] for t in range(d)]
    neg = [[-x for x in row] for row in pos]
    return pos, neg, sum(1 << (t * k + k - 1) for t in range(d))


def signed_packing(pos: list[list[int]], neg: list[list[int]], signs: list[int]) -> list[int]:
    """``Q`` of :func:`simplicial_farkas` for the subcone with rows ``signs_t a_t``, from the
    :func:`packed_rows` of the matrix of columns ``a_t``: scaling the columns by ``diag(signs)``
    gives ``Y′ = diag(signs) Y`` with the same q, so one inverse serves every sign pattern.

    >>> signed_packing([[1, 0], [-32, 64]], [[-1, 0], [32, -64]], [1, -1])
    [33, -64]
    """
    return [sum(col) for col in zip(*[p if g > 0 else n for p, n, g in zip(pos, neg, signs)])]


def _ints(value: object, length: int | None, check: str, where: str) -> list[int]:
    """A list of JSON integers (not booleans), checked in one pass."""
    if not isinstance(value, list) or (length is not None and len(value) != length):
        raise _fail(check, f"{where}: expected a list of {'' if length is None else length} "
                           "integers".replace("of  ", "of "))
    if not set(map(type, value)) <= {int}:
        t = next(t for t, x in enumerate(value) if type(x) is not int)
        raise _fail(check, f"{where}[{t}]: expected an integer, got {_rep(value[t])}")
    if sum(map(int.bit_length, value)) > 3.33 * MAX_VECTOR_DIGITS:
        raise Refused(f"{where}: more than {MAX_VECTOR_DIGITS} digits in one vector")
    return value


def _farkas_entries(K: list[int], f: int, q: int, d: int,
                    where: str) -> tuple[list[int], list[int], dict[int, int]]:
    """Split a chamber's farkas list (docs/certificates.md §5) into the ranks of the explicit
    classes, their concatenated ``D, μ`` blocks, and ``{rank: mask}`` for the subcone entries
    ``−S`` (S < 2^f with d bits). Ranks count the other classes in increasing order."""
    if len(K) == q and (not K or max(K) < 0):  # the common case: subcones only
        for x in set(K):
            if -x >= 1 << f or (-x).bit_count() != d:
                raise _fail("farkas", f"{where}: farkas: subcone {-x} does not name {d} of "
                                      f"the {f} facet positions")
        return [], [], dict(zip(range(q), [-x for x in K]))
    explicit: list[int] = []
    blocks: list[int] = []
    sub: dict[int, int] = {}
    pos, step = 0, f + 1
    for r in range(q):
        if pos >= len(K):
            raise _fail("farkas", f"{where}: farkas: {q} other classes, entries for {r} only")
        x = K[pos]
        if x < 0:
            if -x >= 1 << f or (-x).bit_count() != d:
                raise _fail("farkas", f"{where}: farkas: subcone {-x} does not name {d} of "
                                      f"the {f} facet positions")
            sub[r] = -x
            pos += 1
        else:
            if pos + step > len(K):
                raise _fail("farkas", f"{where}: farkas: the block of other class {r} needs D "
                                      f"and {f} multipliers")
            explicit.append(r)
            blocks.extend(K[pos:pos + step])
            pos += step
    if pos != len(K):
        raise _fail("farkas", f"{where}: farkas: {len(K)} integers for {q} other classes "
                              f"(D and {f} multipliers, or one subcone, each)")
    return explicit, blocks, sub


class _ArrangementHead:
    """The data of an arrangement certificate that every chamber's check shares."""

    def __init__(self, cert: dict, chambers_key: bool = True):
        _obj(cert, "certificate", ("format", "kind", "data", "claims", "chambers")
             if chambers_key else ("format", "kind", "data", "claims"))
        data = _obj(cert["data"], "data", ("X",))
        X = self.X = _matrix(data["X"], "data", "data.X")
        n, d = self.n, self.d = len(X), len(X[0])
        self.claims = claims = _obj(cert["claims"], "claims", ("chambers", "n", "d"))
        for key, actual in (("n", n), ("d", d)):
            if _int(claims[key], "data", f"claims.{key}") != actual:
                raise _fail("data", f"claims.{key} = {_rep(claims[key])} but X has {key} = "
                                    f"{actual}")
        self.XI = [_integer_vector(x) for x in X]
        self.cls, self.normals = _classes(X, self.XI)
        self.m = len(self.normals)
        self.nmax = max((abs(x) for nrm in self.normals for x in nrm), default=0)
        self.inverses: dict[tuple[int, ...],
                            tuple[tuple[int, ...], tuple[int, ...], int] | None] = {}


def _arrangement_entry(h: _ArrangementHead, i: int, ch: object
                       ) -> tuple[list[int], list[int], tuple[list[int], list[int],
                                                               dict[int, int]]]:
    """Chamber i of an arrangement certificate parsed: ``(witness, facets, farkas entries)``."""
    where = f"chamber {i}"
    if not isinstance(ch, list) or len(ch) != 3:
        raise _fail("chambers", f"{where}: expected [witness, facets, farkas]")
    w = _ints(ch[0], h.d, "chambers", f"{where}: witness")
    F = _ints(ch[1], None, "chambers", f"{where}: facets")
    m = h.m
    if F and (F[0] < 0 or F[-1] >= m or any(F[t] >= F[t + 1] for t in range(len(F) - 1))):
        raise _fail("facet", f"{where}: facets must be strictly increasing classes in "
                             f"[0, {m})")
    K = _ints(ch[2], None, "farkas", f"{where}: farkas")
    return w, F, _farkas_entries(K, len(F), m - len(F), h.d, where)


def _chamber_farkas(h: _ArrangementHead, i: int, s: tuple[int, ...], F: list[int],
                    entries: tuple[list[int], list[int], dict[int, int]],
                    EN: list[int] | None) -> None:
    """Rule *Farkas identity* for every class of chamber i that is no facet (sign vector s):
    the explicit ones on packed vectors (``EN``: the packed class normals, or None to pack them
    here at a width sound for this chamber alone), the subcone ones by one scaled inverse per
    set of facet classes (cached in ``h.inverses``, signs applied after)."""
    explicit, K, sub = entries
    m, d, normals = h.m, h.d, h.normals
    others: list[int] = []
    if sub or explicit:
        facet_set = set(F)
        others = [c for c in range(m) if c not in facet_set]
        explicit = [others[r] for r in explicit]
    if K:
        if EN is None:  # 2^(k-1) > (f + 1) max K max|N| (packed_farkas), for this chamber
            k = ((len(F) + 1) * max(max(map(abs, K)), 1) * max(h.nmax, 1)).bit_length() + 2
            packed = {c: pack(normals[c], k) for c in (*F, *explicit)}
        else:
            packed = {c: EN[c] for c in (*F, *explicit)}
        t = packed_farkas([packed[f] if s[f] > 0 else -packed[f] for f in F],
                          [packed[c] if s[c] > 0 else -packed[c] for c in explicit], K)
        if t is not None:
            raise _fail("farkas", f"chamber {i}: class {explicit[t]}: D sigma_k N_k != sum of "
                                  "mu_f sigma_f N_f with D > 0, mu >= 0")
    inverses, nmax = h.inverses, h.nmax
    # per set of facet classes S: P = signed_packing of its packed_rows with all signs +1, so
    # that z = N_c · P = Σ_t v_t 2^(tk) with v = sign(q) Y N_c, and the bits of H, one per
    # digit t (the top bit of the digit). With the signs s of the facets and σ = s_c the rule
    # asks σ s_t v_t ≥ 0 for every t: for s_t σ = +1 the top bit of digit t of z + H is set,
    # for −1 that of H − z (both have digits in (0, 2^k), |v_t| < 2^(k−1))
    local: dict[int, tuple[tuple[int, ...], int, int, int] | None] = {}
    mul = operator.mul
    for r, mask in sub.items():
        if mask in local:
            pk = local[mask]
        else:
            cols = tuple([f for t, f in enumerate(F) if mask >> t & 1])
            if cols in inverses:
                entry = inverses[cols]
            else:
                inv = (scaled_inverse([list(x) for x in zip(*(normals[f] for f in cols))])
                       if len(cols) == d else None)
                entry = inverses[cols] = None if inv is None else _packed_inverse(inv, nmax)
            if entry is None:
                pk = local[mask] = None
            else:
                P, bits, H = entry
                plus = sum(b for b, f in zip(bits, cols) if s[f] > 0)
                pk = local[mask] = (P, H, plus, H - plus)
        c = others[r]
        if pk is not None:
            Pc, H, plus, minus = pk
            z = sum(map(mul, normals[c], Pc))
            if s[c] < 0:
                plus, minus = minus, plus
            if (z + H) & plus == plus and (H - z) & minus == minus:
                continue
        raise _fail("farkas", f"chamber {i}: class {c}: not in the simplicial subcone "
                              f"{mask} of the facets")


def _packed_inverse(inv: tuple[int, list[list[int]]], bmax: int
                    ) -> tuple[tuple[int, ...], tuple[int, ...], int]:
    """The compact form of :func:`packed_rows` kept per set of facet classes: the packing with
    all signs +1 (:func:`signed_packing`), the bits of H one by one (lowest first: digit t's top
    bit) and H."""
    pos, neg, H = packed_rows(inv, bmax)
    P = tuple(signed_packing(pos, neg, [1] * len(pos)))
    bits, rest = [], H
    while rest:
        low = rest & -rest
        bits.append(low)
        rest ^= low
    return P, tuple(bits), H


class _ArrangementSize:
    """What the weighted work of an arrangement certificate's checks depends on (docs §3),
    gathered over its parsed chambers ``(w, F, (_, K, subcones))`` one at a time: their
    number, the most facets, the largest |Farkas coefficient| and |witness entry|, and the
    numbers of subcone entries and of distinct subcone masks."""

    def __init__(self) -> None:
        self.p = self.fmax = self.kmax = self.wmax = self.nsub = self.nmask = 0

    def add(self, entry: tuple) -> None:
        w, F, (_, K, sub) = entry
        self.p += 1
        self.fmax = max(self.fmax, len(F))
        self.kmax = max(self.kmax, max(map(abs, K), default=0))
        self.wmax = max(self.wmax, max(map(abs, w), default=0))
        self.nsub += len(sub)
        self.nmask += len(set(sub.values()))


def _arrangement_budget(h: _ArrangementHead, size: _ArrangementSize) -> int:
    """Refuse (:class:`_OverLimits`) when the checks of an arrangement certificate with
    ``h.m > 0`` classes would pass a work limit, known from ``size`` before any product;
    returns the digit width k of the packed Farkas identities."""
    d, m, p, nmax = h.d, h.m, size.p, h.nmax
    fmax, kmax, nsub, nmask = size.fmax, size.kmax, size.nsub, size.nmask
    k = ((fmax + 1) * max(kmax, 1) * max(nmax, 1)).bit_length() + 2
    nb = nmax.bit_length()
    # subcones: |Y| ≤ (d−1)! nmax^(d−1) (Hadamard, crudely), packed over d digits
    ybits = math.factorial(d).bit_length() + (d - 1) * nb
    _work(nmask * 4 * d ** 3 + nsub * d)
    budget = _Budget()
    budget.spend(p * m * d, max(nb, size.wmax.bit_length()))         # the signs
    budget.spend(p * m * (fmax + 1), max(kmax.bit_length(), k * d))  # the identities
    budget.spend(nmask * 4 * d ** 3, ybits + 2 * nb)                 # the scaled inverses
    budget.spend(nsub * d, (ybits + nb + d.bit_length() + 2) * d)    # the packed signs
    return k


def _arrangement_summary(h: _ArrangementHead, p: int) -> str:
    n, d, m = h.n, h.d, h.m
    return (f"the {p} chamber{'' if p == 1 else 's'} of the arrangement of a {n} × {d} "
            f"matrix ({m} hyperplane{'' if m == 1 else 's'}) "
            f"{'is' if p == 1 else 'are'} complete")


def _check_arrangement(cert: dict, max_tol: Fraction) -> tuple[bool, str]:
    """The completeness certificate of a chamber list (docs/certificates.md §5)."""
    h = _ArrangementHead(cert)
    d, m, normals, claims = h.d, h.m, h.normals, h.claims
    chambers = _list(cert["chambers"], "chambers", "chambers", nonempty=True)
    _work(len(chambers) * (m + 1) * (m + 1) * d)
    # parse: [witness, facets, farkas] per chamber; witness: rule strict signs
    parsed = [_arrangement_entry(h, i, ch) for i, ch in enumerate(chambers)]
    index: dict[tuple[int, ...], int] = {}
    # work, weighted by the length of the numbers (known now, before any product)
    p = len(parsed)
    EN: list[int] = []
    if m:
        size = _ArrangementSize()
        for entry in parsed:
            size.add(entry)
        k = _arrangement_budget(h, size)
        EN = [pack(nrm, k) for nrm in normals]
    sigma: list[tuple[int, ...]] = []  # the recomputed class sign vectors, per chamber
    for i, (w, _, _) in enumerate(parsed):
        sv = class_signs(normals, w)
        if sv is None:
            raise _fail("witness", f"chamber {i}: the witness lies on a hyperplane")
        if sv in index:
            raise _fail("distinct", f"chambers {index[sv]} and {i} have the same sign vector")
        index[sv] = i
        sigma.append(sv)
    # farkas: every class that is no facet is implied by the facets (packed identities), and
    # subcones: one scaled inverse per set of facet classes (signs applied after)
    for i, (s, (_, F, entries)) in enumerate(zip(sigma, parsed)):
        _chamber_farkas(h, i, s, F, entries, EN)
    # closure under crossing facets
    for i, (s, (_, F, _)) in enumerate(zip(sigma, parsed)):
        for f in F:
            flipped = s[:f] + (-s[f],) + s[f + 1:]
            if flipped not in index:
                raise _fail("closure", f"chamber {i}: crossing the facet of class {f} gives a "
                                       "sign vector that is not listed")
    claimed = claims["chambers"]
    if isinstance(claimed, bool) or claimed != len(parsed):
        raise _fail("count", f"claims.chambers = {_rep(claimed)} but {len(parsed)} chambers "
                             "are listed")
    return True, _arrangement_summary(h, p)


class _ArrangementStream:
    """The checks of an arrangement certificate, one chamber at a time (:func:`stream_path`):
    each chamber is parsed, its witness's sign vector recomputed and its Farkas identities
    checked as it is read; what the closure needs is kept compactly (per chamber its class sign
    vector as bytes and its facets). Any failure is raised; the whole-document check then
    decides the verdict and its message (in its order of the checks)."""

    def __init__(self, cert: dict):
        self.h = _ArrangementHead(cert, chambers_key=False)
        h = self.h
        self.index: dict[bytes, int] = {}
        self.facets: list[bytes] = []
        self.rows: set[bytes] = set()   # the row sign vectors (bytes of s + 1)
        self.ncols, self.nbound = pack_columns(h.normals) if h.m else ([], 0)
        self.rcols, self.rbound = pack_columns(h.XI)
        self.size = _ArrangementSize()

    def chamber(self, i: int, ch: object) -> None:
        h = self.h
        if h.m > 256:  # the facets are kept as bytes
            raise Refused("more than 256 classes: checked as a whole document")
        w, F, entries = _arrangement_entry(h, i, ch)
        self.size.add((w, F, entries))
        got = packed_signs(self.ncols, self.nbound, h.m, w) if h.m else None
        if got is None:
            sv = class_signs(h.normals, w)
            if sv is None:
                raise _fail("witness", f"chamber {i}: the witness lies on a hyperplane")
            key = bytes([s + 1 for s in sv])
        else:
            if got[0] & got[1]:
                raise _fail("witness", f"chamber {i}: the witness lies on a hyperplane")
            key = _sign_bytes(*got, h.m)
            sv = tuple(map((-1).__add__, key))
        if key in self.index:
            raise _fail("distinct", f"chambers {self.index[key]} and {i} have the same sign "
                                    "vector")
        self.index[key] = i
        _chamber_farkas(h, i, sv, F, entries, None)
        self.facets.append(bytes(F))
        rows = packed_signs(self.rcols, self.rbound, h.n, w)
        self.rows.add(bytes([_sign(_dot(x, w)) + 1 for x in h.XI]) if rows is None
                      else _sign_bytes(*rows, h.n))

    def finish(self, claimed: object) -> tuple[bool, str, set[bytes]]:
        """Closure and the count, after the last chamber: (complete, summary, row signs).
        With the limits on, the work limits of the whole reading are applied first
        (:class:`_OverLimits`)."""
        h = self.h
        index = self.index
        if not _lifted():
            _work(self.size.p * (h.m + 1) * (h.m + 1) * h.d)
            if h.m:
                _arrangement_budget(h, self.size)
        for key, F in zip(index, self.facets):
            for f in F:
                flipped = key[:f] + bytes([2 - key[f]]) + key[f + 1:]
                if flipped not in index:
                    raise _fail("closure", f"chamber {index[key]}: crossing the facet of class "
                                           f"{f} gives a sign vector that is not listed")
        p = len(self.facets)
        if not p:
            raise _fail("chambers", "chambers: expected a non-empty list")
        if isinstance(claimed, bool) or claimed != p:
            raise _fail("count", f"claims.chambers = {_rep(claimed)} but {p} chambers are "
                                 "listed")
        return True, _arrangement_summary(h, p), self.rows


def arrangement_sign_vectors(cert: dict) -> set[tuple[int, ...]]:
    """The row sign vectors of a (checked) arrangement certificate, recomputed from its witnesses.

    >>> sorted(arrangement_sign_vectors({"data": {"X": [["1", "0"], ["0", "0"]]},
    ...                                  "chambers": [[[1, 0], [0], []], [[-1, 0], [0], []]]}))
    [(-1, 0), (1, 0)]
    """
    X = _matrix(cert["data"]["X"], "completeness", "completeness.data.X")
    XI = [_integer_vector(x) for x in X]
    return {tuple(_sign(_dot(x, ch[0])) for x in XI) for ch in cert["chambers"]}


# -- kinds "solve" and "check": the shared evidence -----------------------------------------------
class _Bounds:
    """What the shared evidence of a solve or check certificate proves (filled by _prove)."""

    X: list[list[Fraction]]
    y: list[Fraction]
    beta: Fraction
    loss: str
    v: list[Fraction]
    kappa: Fraction
    lower: Fraction
    upper: Fraction
    output: list[Fraction]
    complete: bool
    chambers: int
    t: dict[tuple[int, int], Fraction]   # t = pᵀg of the projected groups
    bound_max: tuple[int, int] | None    # the largest bound (num, den > 0) of the groups
    #                                      without a projection (None: there are none)
    # shared by the checks of the chambers (_prove_head)
    XI: list[list[int]]
    data_bits: int
    sign_vectors: set[bytes]             # the chambers' sign vectors, as bytes of s + 1
    kk: tuple[int, int]                  # κ² and β², numerator and denominator
    bb: tuple[int, int]
    Q: int
    VX: list[list[int]]
    facet_ok: set[tuple[int, ...]]       # (row, sign, a...) facets already proved
    cols: list[int]                      # XI packed by column (pack_columns), and its bound
    bound: int
    net_objective: Callable[[object, str], Fraction]   # the objective of another listed network
    model: str                           # "" (dense) or the model's words for the summary


def _network(value: object, d: int, where: str) -> list[tuple[list[Fraction], Fraction]]:
    net = _obj(value, where, ("neurons",))
    out = []
    for t, nr in enumerate(_list(net["neurons"], "network", f"{where}.neurons")):
        nw = f"{where} neuron {t}"
        _obj(nr, nw, ("u", "alpha"))
        out.append((_vec(nr["u"], d, "network", f"{nw}: u"), _num(nr["alpha"], "network",
                                                                  f"{nw}: alpha")))
    return out


def _raw_bits(value: object) -> int:
    """An upper bound on the bits (numerator plus denominator) of the largest number in a list
    of JSON numbers, read from the raw values before any conversion (0 for anything else: the
    parse rejects it later)."""
    if not isinstance(value, list):
        return 0
    most = 0
    for x in value:
        if type(x) is int:
            most = max(most, x.bit_length())
        elif isinstance(x, str):
            most = max(most, int(len(x) * 3.33) + 2)
    return most


def _solve_budget(chambers: list, n: int, d: int, data_bits: int) -> None:
    """Refuse at once (docs/certificates.md §3) when the checks of the chambers of a solve/check
    certificate would take more than MAX_WORD_WORK word products: per chamber ``2nd`` products
    for g (both signs), per group ``4 (f + 2) d`` for its projection or bound and again for g's
    comparison, each weighted by the length of its longest operand."""
    budget = _Budget()
    for ch in chambers:
        _chamber_spend(budget, ch, n, d, data_bits)


def _chamber_spend(budget: _Budget, ch: object, n: int, d: int, data_bits: int) -> None:
    """One chamber's share of :func:`_solve_budget` (also counted by :func:`precount_path`
    while the file is read)."""
    if not isinstance(ch, dict):
        return
    facets = ch.get("facets")
    facets = facets if isinstance(facets, list) else []
    abits = max((_raw_bits(f.get("a")) for f in facets if isinstance(f, dict)), default=0)
    budget.spend(2 * n * d, 2 * data_bits)
    groups = ch.get("groups")
    for g in groups if isinstance(groups, list) else []:
        if not isinstance(g, dict):
            continue
        gbits = max(_raw_bits(g.get("g")), abits, data_bits)
        pbits = max(_raw_bits(g.get("p")), _raw_bits(g.get("lambda")), data_bits)
        budget.spend(4 * (len(facets) + 2) * d, 2 * gbits)
        budget.spend(4 * (len(facets) + 2) * d, 2 * pbits)


class _SolveCount:
    """The work of a solve/check certificate's chambers (docs §3: the products of
    :func:`_chamber_work` and the word products of :func:`_chamber_spend`), counted one chamber
    at a time as the file is read, with the whole reading's formulas; :class:`_CountedOver` as
    soon as a partial count passes a limit (a partial count is a lower bound)."""

    def __init__(self, n: int, d: int, data_bits: int) -> None:
        self.n, self.d, self.data_bits = n, d, data_bits
        self.budget, self.amount = _Budget(), 0

    def chamber(self, i: int, ch: object) -> None:
        self.amount += _chamber_work(ch)
        products = self.amount * self.n * self.d
        if products > MAX_WORK:
            raise _CountedOver(f"the checks would take more than {products} products (limit "
                               f"{MAX_WORK}), counted on the first {i + 1} chambers before the "
                               "rest was read")
        try:
            _chamber_spend(self.budget, ch, self.n, self.d, self.data_bits)
        except _OverLimits as exc:  # the budget's refusal, made a counted one
            raise _CountedOver(str(exc)) from None


def _count_arrangement(i: int, per: int) -> None:
    """The products of an arrangement certificate's first ``i + 1`` chambers (``per`` each,
    docs §3) against ``MAX_WORK``, as the file is read (:class:`_CountedOver`)."""
    if (i + 1) * per > MAX_WORK:
        raise _CountedOver(f"the checks would take more than {(i + 1) * per} products (limit "
                           f"{MAX_WORK}), counted on the first {i + 1} chambers before the rest "
                           "was read")


def _chamber_work(ch: object) -> int:
    """One chamber's term of the products counted for solve/check (docs §3), times n·d."""
    return 2 + 4 * len(ch.get("facets", ())) if isinstance(ch, dict) else 1


def _lifted() -> bool:
    """The work limits are off (:func:`size_limits_lifted`): no budget can then be exceeded,
    so it is not counted."""
    return MAX_WORD_WORK >= 10**40 and MAX_WORK >= 10**40


def _prove_head(cert: dict, dual_keys: tuple[str, ...]) -> _Bounds:
    """The data and the dual point of a solve/check certificate, and the integers that the
    checks of its chambers share (before the chambers: a streamed reading checks them one by
    one, :func:`_prove_chamber`)."""
    b = _Bounds()
    b.loss = cert["loss"]
    if not isinstance(b.loss, str) or b.loss not in _LOSSES:
        raise _fail("data", f"unknown loss {_rep(b.loss)}")
    data = _obj(cert["data"], "data", ("X", "y", "beta"))
    X = b.X = _matrix(data["X"], "data", "data.X")
    n = len(X)
    b.y = _vec(data["y"], n, "data", "data.y")
    beta = b.beta = _num(data["beta"], "data", "data.beta")
    if beta <= 0:
        raise _fail("data", f"beta must be positive, got {_show(beta)}")
    dual = _obj(cert["dual"], "dual", ("v", "kappa"), dual_keys)
    v = b.v = _vec(dual["v"], n, "dual", "dual.v")
    kappa = b.kappa = _num(dual["kappa"], "dual", "dual.kappa")
    if kappa < 0:
        raise _fail("dual", f"kappa = {_show(kappa)} is negative")
    b.XI = [_integer_vector(x) for x in X]
    b.cols, b.bound = pack_columns(b.XI)
    b.data_bits = max(_bits([x for row in X for x in row]), _bits(v), _bits([kappa, beta]))
    b.sign_vectors = set()
    b.t, b.bound_max, b.chambers = {}, None, 0
    # κ² bound ≤ β² cross-multiplied in integers, per bounded group
    b.kk = ((kappa * kappa).numerator, (kappa * kappa).denominator)
    b.bb = ((beta * beta).numerator, (beta * beta).denominator)
    # the products v_j x_j over one common denominator Q: VX[j] = Q v_j x_j, integers
    prods = [[vj * x for x in X[j]] for j, vj in enumerate(v)]
    b.Q = math.lcm(*(x.denominator for row in prods for x in row))
    b.VX = [[x.numerator * (b.Q // x.denominator) for x in row] for row in prods]
    b.facet_ok = set()
    return b


def _prove(cert: dict, dual_keys: tuple[str, ...], max_tol: Fraction) -> _Bounds:
    """Parse and check data, dual, chambers, network and completeness of a solve/check
    certificate (docs/certificates.md, "solve"); the claims are checked by the caller."""
    b = _prove_head(cert, dual_keys)
    n, d = len(b.X), len(b.X[0])
    chambers = _list(cert["chambers"], "chambers", "chambers", nonempty=True)
    _work(sum(map(_chamber_work, chambers)) * n * d)
    if not _lifted():
        _solve_budget(chambers, n, d, b.data_bits)
    for i, ch in enumerate(chambers):
        _prove_chamber(b, i, ch)
    return _prove_tail(b, cert, max_tol, None)


def _prove_chamber(b: _Bounds, i: int, ch: object) -> None:
    """Check chamber i of a solve/check certificate (its witness, facets and both groups) and
    record what it proves in ``b``. A fast path accepts the common shapes in integers over
    common denominators; anything it does not accept is checked again by the general code,
    which gives the same verdict and names the first failing check."""
    if not _fast_chamber(b, i, ch):
        _slow_chamber(b, i, ch)
    b.chambers += 1


_CHAMBER_KEYS = frozenset(("index", "signs", "pattern", "witness", "facets", "groups"))
_INT = frozenset((int,))
_SIGN_SET = frozenset((-1, 0, 1))


def _ratios(value: object, length: int) -> tuple[list[int], list[int]] | None:
    """The numerators and denominators (> 0, not reduced) of a list of ``length`` certificate
    numbers, or None for anything else (then :func:`_vec` decides, with its message)."""
    if type(value) is not list or len(value) != length:
        return None
    nums: list[int] = []
    dens: list[int] = []
    size = 0
    for x in value:
        if type(x) is int:
            nums.append(x)
            dens.append(1)
            continue
        if type(x) is not str or len(x) > MAX_DIGITS or not _NUMBER.fullmatch(x):
            return None
        size += len(x)
        p, _, q = x.partition("/")
        nums.append(int(p))
        dens.append(int(q) if q else 1)
    if size > MAX_VECTOR_DIGITS or 0 in dens:
        return None
    return nums, dens


def _scaled(r: tuple[list[int], list[int]]) -> tuple[int, list[int]]:
    """``(L, L·x)`` for the ratios of :func:`_ratios`, L > 0 the lcm of the denominators."""
    nums, dens = r
    L = math.lcm(*dens)
    return L, nums if L == 1 else [p * (L // q) for p, q in zip(nums, dens)]


def _fast_chamber(b: _Bounds, i: int, ch: object) -> bool:
    """True when chamber i is proved (and recorded in ``b``) by integer checks alone; False
    leaves ``b`` untouched for :func:`_slow_chamber`. Every test here is one of
    :func:`_slow_chamber`'s, over integers: ``g`` cross-multiplied with ``Q Xᵀ D v``; the norm
    and dual bounds as ``‖G g + Aᵀ(G L λ)‖² ≤ β²/κ² (G L)²`` (rule *Moreau bound*); projected
    groups (rare) by the rules themselves."""
    if type(ch) is not dict or ch.keys() != _CHAMBER_KEYS or ch["index"] != i \
            or type(ch["index"]) is not int:
        return False
    X, XI = b.X, b.XI
    n, d = len(X), len(X[0])
    signs, pattern, w = ch["signs"], ch["pattern"], ch["witness"]
    if type(signs) is not list or type(pattern) is not list or type(w) is not list \
            or len(signs) != n or len(pattern) != n or len(w) != d \
            or not set(map(type, signs)) <= _INT or not set(map(type, pattern)) <= _INT \
            or not set(map(type, w)) <= _INT or not set(signs) <= _SIGN_SET \
            or pattern != list(map((0).__le__, signs)):
        return False
    key = bytes(map((1).__add__, signs))
    if key in b.sign_vectors:
        return False
    got = packed_signs(b.cols, b.bound, n, w)
    if got is None:
        if strict_signs(XI, w, signs) is not None:
            return False
    elif got != _key_masks(key):
        return False
    facets, groups = ch["facets"], ch["groups"]
    if type(facets) is not list or type(groups) is not list or len(groups) != 2:
        return False
    A: list[list[int]] = []
    for f in facets:
        if type(f) is not dict or len(f) != 2 or "row" not in f or "a" not in f:
            return False
        j, a = f["row"], f["a"]
        if type(j) is not int or not 0 <= j < n or type(a) is not list or len(a) != d \
                or not set(map(type, a)) <= _INT:
            return False
        fkey = (j, signs[j], *a)
        if fkey not in b.facet_ok:
            if signs[j] == 0 or not _positive_multiple_int([Fraction(x) for x in a], signs[j],
                                                           XI[j]):
                return False
            if len(b.facet_ok) < 100_000:
                b.facet_ok.add(fkey)
        A.append(a)
    if any(type(g) is not dict or type(g.get("sign")) is not int for g in groups) or \
            sorted(g["sign"] for g in groups) != [-1, 1]:
        return False
    VX, Q = b.VX, b.Q
    base = [sum(col) for col in zip(*[VX[j] for j in range(n) if pattern[j]])] or [0] * d
    kn, kd = b.kk
    bn, bd = b.bb
    t_new: list[tuple[int, Fraction]] = []
    bounds: list[tuple[int, int]] = []
    for g in groups:
        s = g["sign"]
        r = _ratios(g.get("g"), d)
        if r is None or any(x * Q != s * bc * q for x, q, bc in zip(*r, base)):
            return False
        kind = g.get("bound")
        keys = len(g)
        if kind == "norm" and keys == 3:
            G, gi = _scaled(r)
            num, den = sum(x * x for x in gi), G * G
        elif kind == "dual" and keys == 4 and "lambda" in g:
            lr = _ratios(g["lambda"], len(A))
            if lr is None or min(lr[0], default=0) < 0:
                return False
            G, gi = _scaled(r)
            L, li = _scaled(lr)
            ri = [L * x for x in gi]
            for lk, a in zip(li, A):
                if lk:
                    k = lk * G
                    ri = [rc + k * ac for rc, ac in zip(ri, a)]
            num, den = sum(x * x for x in ri), (G * L) ** 2
        elif kind is None and keys == 5 and "p" in g and "lambda" in g and "t" in g:
            try:
                gv = [Fraction(p, q) for p, q in zip(*r)]
                p = _vec(g["p"], d, "chambers", "p")
                lam = _vec(g["lambda"], len(A), "chambers", "lambda")
                tv = _num(g["t"], "chambers", "t")
            except (CheckFailed, Refused):
                return False
            if projection_kkt(gv, p, lam, [[Fraction(x) for x in a] for a in A]) is not None \
                    or tv != _fdot(p, gv) \
                    or b.kappa * b.kappa * tv > b.beta * b.beta:
                return False
            t_new.append((s, tv))
            continue
        else:
            return False
        if kn * num * bd > bn * den * kd:
            return False
        bounds.append((num, den))
    # accepted: record what the chamber proves
    b.sign_vectors.add(key)
    for s, tv in t_new:
        b.t[(i, s)] = tv
    for num, den in bounds:
        _record_bound(b, num, den)
    return True


def _record_bound(b: _Bounds, num: int, den: int) -> None:
    """Keep the largest bound ``num / den`` (den > 0) of the groups without a projection."""
    top = b.bound_max
    if top is None or num * top[1] > top[0] * den:
        b.bound_max = (num, den)


def _slow_chamber(b: _Bounds, i: int, ch: object) -> None:
    """The general check of chamber i of a solve/check certificate (every rule, in the order of
    docs/certificates.md §6; the first failing one is raised)."""
    X, XI = b.X, b.XI
    n, d = len(X), len(X[0])
    kappa, beta = b.kappa, b.beta
    kk_num, kk_den = b.kk
    bb_num, bb_den = b.bb
    Q, VX = b.Q, b.VX
    where = f"chamber {i}"
    _obj(ch, where, ("index", "signs", "pattern", "witness", "facets", "groups"))
    assert isinstance(ch, dict)
    if _int(ch["index"], "chambers", f"{where}: index") != i:
        raise _fail("chambers", f"{where}: index {_show(ch['index'])} != its position {i}")
    signs = _list(ch["signs"], "chambers", f"{where}: signs")
    pattern = _list(ch["pattern"], "chambers", f"{where}: pattern")
    if len(signs) != n or len(pattern) != n:
        raise _fail("chambers", f"{where}: signs and pattern must have {n} entries")
    for j in range(n):
        _int(signs[j], "chambers", f"{where}: signs[{j}]", -1, 2)
        if _int(pattern[j], "chambers", f"{where}: pattern[{j}]", 0, 2) != int(signs[j] >= 0):
            raise _fail("pattern", f"{where}: pattern[{j}] != 1[signs[{j}] >= 0]")
    key = bytes(s + 1 for s in signs)
    if key in b.sign_vectors:
        raise _fail("distinct", f"{where}: sign vector listed twice")
    b.sign_vectors.add(key)
    w = _integer_vector(_vec(ch["witness"], d, "chambers", f"{where}: witness"))
    bad = strict_signs(XI, w, signs)
    if bad is not None:
        raise _fail("witness", f"{where}: row {bad} has sign {_sign(_dot(XI[bad], w))} at "
                               f"the witness, listed {signs[bad]}")
    # facets: a = c · signs_row · x_row with c > 0, so C ⊇ the chamber's closed cone
    A = []
    for t, f in enumerate(_list(ch["facets"], "chambers", f"{where}: facets")):
        fw = f"{where}: facets[{t}]"
        _obj(f, fw, ("row", "a"))
        j = _int(f["row"], "chambers", f"{fw}.row", 0, n)
        a = _vec(f["a"], d, "chambers", f"{fw}.a")
        if signs[j] == 0 or not _positive_multiple_int(a, signs[j], XI[j]):
            raise _fail("facet", f"{where}: facet {t} is not a positive multiple of "
                                 f"signs_{j} x_{j}")
        A.append(a)
    groups = _list(ch["groups"], "chambers", f"{where}: groups")
    if sorted(_int(_obj(g, f"{where}: group", ("sign", "g"),
                        ("p", "lambda", "t", "bound"))["sign"],
                   "chambers", f"{where}: sign", -1, 2) for g in groups) != [-1, 1]:
        raise _fail("chambers", f"{where}: expected one group for each sign 1 and -1")
    # Xᵀ D v · Q in integers (Q > 0 the common denominator of the products v_j x_j)
    base = [sum(col) for col in zip(*[VX[j] for j in range(n) if pattern[j]])] or [0] * d
    for g in groups:
        s = g["sign"]
        gw = f"{where}, sign {s}"
        gv = _vec(g["g"], d, "chambers", f"{gw}: g")
        # g = s Xᵀ D v exactly: g_c · Q = s · base_c, cross-multiplied (no Fractions)
        if any(x.numerator * Q != s * bc * x.denominator for x, bc in zip(gv, base)):
            raise _fail("projection", f"{gw}: g != s X^T D v")
        if "bound" in g:
            kind = g["bound"]
            if kind == "norm":
                _obj(g, gw, ("sign", "g", "bound"))
                bound = moreau_bound(gv, None, A)
            elif kind == "dual":
                _obj(g, gw, ("sign", "g", "bound", "lambda"))
                bound = moreau_bound(gv, _vec(g["lambda"], len(A), "dual", f"{gw}: lambda"),
                                     A)
            else:
                raise _fail("dual", f"{gw}: unknown bound {_rep(kind)}")
            if bound is None:  # only a dual bound with some λ < 0
                raise _fail("dual", f"{gw}: a multiplier of the dual bound is negative")
            if kk_num * bound.numerator * bb_den > bb_num * bound.denominator * kk_den:
                raise _fail("dual", f"{gw}: kappa^2 * bound > beta^2 ({kind} bound)")
            _record_bound(b, bound.numerator, bound.denominator)
            continue
        _obj(g, gw, ("sign", "g", "p", "lambda", "t"))
        p = _vec(g["p"], d, "chambers", f"{gw}: p")
        lam = _vec(g["lambda"], len(A), "chambers", f"{gw}: lambda")
        why = projection_kkt(gv, p, lam, A)
        if why is not None:
            raise _fail("projection", f"{gw}: {why}")
        tv = _num(g["t"], "chambers", f"{gw}: t")
        if tv != _fdot(p, gv):
            raise _fail("dual", f"{gw}: t != p^T g")
        if kappa * kappa * tv > beta * beta:
            raise _fail("dual", f"{gw}: kappa^2 t > beta^2 (kappa v is not dual feasible)")
        b.t[(i, s)] = tv


def _prove_tail(b: _Bounds, cert: dict, max_tol: Fraction,
                streamed: tuple[bool, str, set[bytes]] | None) -> _Bounds:
    """The bounds, the network and the completeness certificate of a solve/check certificate,
    after its chambers. ``streamed``: the completeness certificate was checked while it was read
    (:func:`stream_path`): its result and its row sign vectors."""
    X, y, beta, v, kappa = b.X, b.y, b.beta, b.v, b.kappa
    d = len(X[0])
    lower = dual_value(v, y, kappa, b.loss)
    if lower is None:
        raise _fail("dual", f"kappa v is outside the domain of the {b.loss} dual "
                            f"({_LOSSES[b.loss][2]})")
    b.lower = lower
    b.upper, b.output = objective(_network(cert["network"], d, "network"), X, y, beta, b.loss)
    b.net_objective = lambda value, where: objective(_network(value, d, where), X, y, beta,
                                                     b.loss)[0]
    b.model = ""
    b.complete = "completeness" in cert
    if b.complete:
        comp = cert["completeness"]
        try:
            if not isinstance(comp, dict) or comp.get("format") != FORMAT \
                    or comp.get("kind") != "arrangement":
                raise _fail("format", "expected an arrangement certificate of format "
                                      f"{FORMAT!r}")
            if streamed is None:
                _check_arrangement(comp, max_tol)
        except CheckFailed as exc:
            raise _fail("completeness", f"{exc.check}: {exc.detail}") from None
        if _matrix(comp["data"]["X"], "completeness", "completeness.data.X") != X:
            raise _fail("completeness", "the completeness certificate is for another X")
        rows = (streamed[2] if streamed is not None else
                {bytes(s + 1 for s in t) for t in arrangement_sign_vectors(comp)})
        if rows != b.sign_vectors:
            raise _fail("completeness", "the chamber lists differ")
    return b


def _claim(claims: dict, key: str, want: Fraction, what: str) -> None:
    if _num(claims[key], "bounds", f"claims.{key}") != want:
        raise _fail("bounds", f"claims.{key} != {what} {_show(want)}")


def _bounds_summary(b: _Bounds) -> str:
    note = "chamber list " + ("certified complete" if b.complete else "not certified complete")
    return (f"{_show(b.lower)} <= P* <= {_show(b.upper)} (gap {_show(b.upper - b.lower)}; the "
            f"exact rationals are in the certificate; {b.loss} loss, {b.chambers} chambers, "
            f"{note})")


def _claim_bounds(claims: dict, b: _Bounds) -> None:
    """The claimed lower, upper, gap and chamber count are the recomputed ones (solve, check)."""
    _claim(claims, "lower", b.lower, "the recomputed lower bound")
    _claim(claims, "upper", b.upper, "the recomputed objective")
    if b.lower > b.upper:
        raise _fail("bounds", f"lower {_show(b.lower)} > upper {_show(b.upper)}")
    _claim(claims, "gap", b.upper - b.lower, "upper - lower =")
    if _int(claims["num_chambers"], "count", "claims.num_chambers") != b.chambers:
        raise _fail("count", f"claims.num_chambers != {b.chambers} listed chambers")


def _check_solve(cert: dict, max_tol: Fraction, proved: _Bounds | None = None
                 ) -> tuple[bool, str]:
    """Certified bounds ``lower ≤ P* ≤ upper`` (docs/certificates.md, "solve"); ``proved``:
    the evidence already proved while it was read (:func:`stream_path`)."""
    if isinstance(cert, dict) and "model" in cert:
        return _check_conv_solve(cert, max_tol)  # a CNN (docs/certificates.md, "CNN")
    _obj(cert, "certificate", ("format", "kind", "loss", "data", "network", "dual", "chambers",
                               "claims"), ("completeness",))
    claims = _obj(cert["claims"], "claims", ("lower", "upper", "gap", "num_chambers"))
    b = _prove(cert, (), max_tol) if proved is None else proved
    _claim_bounds(claims, b)
    return b.complete, _bounds_summary(b)


# -- kind "solve" with "model": a two-layer CNN ------------------------------------------------
def conv_patches(X: list[list[Fraction]], h: int | tuple[int, int],
                 stride: int | tuple[int, int], image: tuple[int, int] | None = None
                 ) -> tuple[list[list[Fraction]], int]:
    """Rule *patches*: the stacked patch matrix of the signals and K, re-derived from the data
    and the declared filter (docs/cnn.md §1, §6). 1-D: row ``jK + k`` is
    ``x_j[k·stride : k·stride + h]``. 2-D (``image = (R, C)``, ``R·C = L``, each row an image
    stored row-major, ``h = (H, W)``, ``stride = (s_r, s_c)``): patch ``k = a·K_c + b`` is the
    window of pixels ``(a·s_r + u, b·s_c + v)``, ``u < H``, ``v < W``, read row-major. A filter
    that does not tile the signal or image (larger than it, or a stride that skips its end) is
    invalid.

    >>> F = Fraction
    >>> conv_patches([[F(1), F(2), F(3)]], 2, 1)
    ([[Fraction(1, 1), Fraction(2, 1)], [Fraction(2, 1), Fraction(3, 1)]], 2)
    >>> conv_patches([[F(t) for t in range(6)]], (1, 2), (1, 1), (2, 3))[0][3]
    [Fraction(4, 1), Fraction(5, 1)]
    """
    L = len(X[0])
    if image is None:
        if not isinstance(h, int) or not isinstance(stride, int):
            raise _fail("model", "a 1-D filter has an integer width and stride")
        if not 1 <= h <= L or stride < 1 or (L - h) % stride:
            raise _fail("model", f"filter width {h} and stride {stride} do not tile signals of "
                                 f"length {L} (1 <= h <= L, (L - h) divisible by the stride)")
        K = (L - h) // stride + 1
        _work(len(X) * K * h)  # the size of P, refused before it is built
        return [list(x[k * stride:k * stride + h]) for x in X for k in range(K)], K
    if not isinstance(h, tuple) or not isinstance(stride, tuple):
        raise _fail("model", "a 2-D filter has a shape [H, W] and a stride [s_r, s_c]")
    (R, C), (H, W), (sr, sc) = image, h, stride
    if R * C != L:
        raise _fail("model", f"an image of {R}x{C} pixels is not a data row of {L} entries")
    if not (1 <= H <= R and 1 <= W <= C and sr >= 1 and sc >= 1) or (R - H) % sr \
            or (C - W) % sc:
        raise _fail("model", f"a {H}x{W} filter with stride {sr}x{sc} does not tile {R}x{C} "
                             "images (1 <= H <= R, 1 <= W <= C, (R - H) and (C - W) divisible "
                             "by the strides)")
    Kr, Kc = (R - H) // sr + 1, (C - W) // sc + 1
    _work(len(X) * Kr * Kc * H * W)  # the size of P, refused before it is built
    idx = [[(a * sr + u) * C + b * sc + v for u in range(H) for v in range(W)]
           for a in range(Kr) for b in range(Kc)]
    return [[x[i] for i in ix] for x in X for ix in idx], Kr * Kc


def _int_pair(value: object, where: str, hi: int) -> tuple[int, int]:
    pair = _list(value, "model", where)
    if len(pair) != 2:
        raise _fail("model", f"{where}: expected a pair [rows, columns]")
    return (_int(pair[0], "model", f"{where}[0]", 1, hi + 1),
            _int(pair[1], "model", f"{where}[1]", 1, hi + 1))


def _text(x: Fraction) -> int | str:
    return x.numerator if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def conv_objective(neurons: list[tuple[list[Fraction], Fraction]], P: list[list[Fraction]],
                   K: int, y: list[Fraction], beta: Fraction, loss: str
                   ) -> tuple[Fraction, list[Fraction]]:
    """Rule *CNN objective*: the exact objective of a two-layer CNN with sum pooling and its
    output, ``f_j = Σ_m α_m Σ_k (x_{j,k}ᵀu_m)_+`` (the patch rows ``jK … jK + K − 1`` of P summed
    per signal), ``ℓ(f) + (β/2) Σ_m (‖u_m‖² + α_m²)`` with ℓ from this module's loss table.

    >>> F = Fraction
    >>> conv_objective([([F(1)], F(2))], [[F(1)], [F(-1)], [F(3)], [F(0)]], 2, [F(2), F(6)],
    ...                F(1), "absolute")
    (Fraction(5, 2), [Fraction(2, 1), Fraction(6, 1)])
    """
    rows = objective(neurons, P, [Fraction(0)] * len(P), beta, "squared")[1]
    out = [sum(rows[j * K:(j + 1) * K], Fraction(0)) for j in range(len(y))]
    ell = sum((_LOSSES[loss][0](f, t) for f, t in zip(out, y)), Fraction(0))
    return ell + beta / 2 * sum((_fdot(u, u) + a * a for u, a in neurons), Fraction(0)), out


def _prove_conv(cert: dict, dual_keys: tuple[str, ...], max_tol: Fraction) -> _Bounds:
    """The shared evidence of a CNN solve/check certificate (docs/certificates.md, "CNN").

    The chamber evidence is that of a dense certificate on the patch matrix P, which is
    re-derived here from the signals and the declared filter (never read from the certificate),
    with the dual vector ``Sᵀv`` (each patch of signal j carries ``v_j``); the bounds are then
    recomputed for the CNN on the signals: ``−ℓ*(−κv)`` and the CNN's objective (rule *CNN
    objective*). The returned bounds are the CNN's (``X`` the signals, ``output`` per signal).
    """
    model = _obj(cert["model"], "model", ("name", "h", "stride"), ("image",))
    if model["name"] != "conv":
        raise _fail("model", f"unknown model {_rep(model['name'])} (this verifier checks 'conv')")
    data = _obj(cert["data"], "data", ("X", "y", "beta"))
    X = _matrix(data["X"], "data", "data.X")
    n, L = len(X), len(X[0])
    h: int | tuple[int, int]
    stride: int | tuple[int, int]
    if "image" in model:  # 2-D: pairs [H, W], [s_r, s_c], [R, C]
        img = _int_pair(model["image"], "model.image", L)
        h2 = _int_pair(model["h"], "model.h", L)
        st2 = _int_pair(model["stride"], "model.stride", L)
        image: tuple[int, int] | None = img
        h, stride = h2, st2
        shape = f"{h2[0]}x{h2[1]}, stride {st2[0]}x{st2[1]} on {img[0]}x{img[1]} images"
    else:
        image = None
        h = _int(model["h"], "model", "model.h", 1, L + 1)
        stride = _int(model["stride"], "model", "model.stride", 1, L + 1)
        shape = f"{h}, stride {stride}"
    P, K = conv_patches(X, h, stride, image)
    d = len(P[0])
    y = _vec(data["y"], n, "data", "data.y")
    dual = _obj(cert["dual"], "dual", ("v", "kappa"), dual_keys)
    v = _vec(dual["v"], n, "dual", "dual.v")
    _work(len(P) * d)
    dense = {key: val for key, val in cert.items() if key != "model"}
    dense["data"] = {"X": [[_text(x) for x in row] for row in P],
                     "y": [_text(t) for t in y for _ in range(K)], "beta": data["beta"]}
    dense["dual"] = {"v": [_text(t) for t in v for _ in range(K)], "kappa": dual["kappa"]}
    b = _prove(dense, (), max_tol)  # chambers, witnesses, projections, completeness: of P
    lower = dual_value(v, y, b.kappa, b.loss)
    if lower is None:
        raise _fail("dual", f"kappa v is outside the domain of the {b.loss} dual "
                            f"({_LOSSES[b.loss][2]})")
    b.X, b.y, b.v, b.lower = X, y, v, lower
    b.upper, b.output = conv_objective(_network(cert["network"], d, "network"), P, K, y,
                                       b.beta, b.loss)
    b.net_objective = lambda value, where: conv_objective(_network(value, d, where), P, K, y,
                                                          b.beta, b.loss)[0]
    b.model = f"CNN (h = {shape}, {len(P)} patches re-derived): "
    return b


def _check_conv_solve(cert: dict, max_tol: Fraction) -> tuple[bool, str]:
    """Certified bounds on the P* of a two-layer CNN (docs/certificates.md, "CNN")."""
    _obj(cert, "certificate", ("format", "kind", "model", "loss", "data", "network", "dual",
                               "chambers", "claims"), ("completeness",))
    claims = _obj(cert["claims"], "claims", ("lower", "upper", "gap", "num_chambers"))
    b = _prove_conv(cert, (), max_tol)
    _claim_bounds(claims, b)
    return b.complete, b.model + _bounds_summary(b)


# -- kind "check" ---------------------------------------------------------------------------------
_VERDICTS = ("optimal", "not optimal", "undecided")


def _check_check(cert: dict, max_tol: Fraction, proved: _Bounds | None = None
                 ) -> tuple[bool, str]:
    """Is the listed network optimal? (docs/certificates.md, "check"; with ``"model"``: a CNN,
    "CNN", its evidence proved by ``_prove_conv``; ``proved``: as for :func:`_check_solve`)."""
    conv = isinstance(cert, dict) and "model" in cert
    claims = cert.get("claims")
    verdict = claims.get("verdict") if isinstance(claims, dict) else None
    if verdict not in _VERDICTS or not isinstance(claims, dict):
        raise _fail("claims", f"unknown verdict {_rep(verdict)}")
    dual = cert.get("dual")
    source = dual.get("source") if isinstance(dual, dict) else None
    loss = cert.get("loss")
    if not isinstance(loss, str) or loss not in _LOSSES:
        raise _fail("data", f"unknown loss {_rep(loss)}")
    own = _LOSSES[loss][3]
    if source not in (own, "solve"):
        raise _fail("dual", f"dual source {_rep(source)} with the {_show(cert.get('loss'))} "
                            "loss")
    if "better" in cert and verdict != "not optimal":
        raise _fail("verdict", f"a better network is listed but the verdict is {verdict!r}")
    if "better" not in cert and verdict == "not optimal":
        raise _fail("verdict", "the verdict 'not optimal' needs a better network ('better')")
    _obj(cert, "certificate", ("format", "kind", "loss", "data", "network", "dual", "chambers",
                               "claims") + (("better",) if verdict == "not optimal" else ())
         + (("model",) if conv else ()), ("completeness",))
    keys = ("verdict", "objective", "lower", "upper", "gap", "tol", "epsilon", "num_chambers")
    _obj(claims, "claims", keys + (("worst_chamber", "violation") if source == own else ()))
    b = proved if proved is not None and not conv else (_prove_conv if conv else _prove)(
        cert, ("source", "band") if source == "subgradient" else ("source",), max_tol)
    if _num(claims["objective"], "claims", "claims.objective") != _num(claims["upper"], "bounds",
                                                                      "claims.upper"):
        raise _fail("claims", "claims.objective != claims.upper")
    _claim_bounds(claims, b)
    tol = _num(claims["tol"], "claims", "claims.tol")
    eps = _num(claims["epsilon"], "claims", "claims.epsilon")
    if tol < 0 or eps != tol * max(Fraction(1), abs(b.upper)):
        raise _fail("claims", "claims.epsilon != tol * max(1, |upper|)")
    if source == own:
        _residual(cert["dual"], b)
        _worst(claims, b)
    if verdict == "optimal":
        if tol > max_tol:
            raise _fail("verdict", f"tol = {_show(tol)} is above the ceiling {_show(max_tol)} "
                                   "(a vacuous 'optimal'; allow it with --max-tol)")
        if b.upper - b.lower > eps:
            raise _fail("verdict", f"optimal claimed but upper - lower = {_show(b.upper - b.lower)}"
                                   f" > epsilon = {_show(eps)}")
        what = (f"the network is optimal within epsilon = {_show(eps)} (tol {_show(tol)}; "
                f"upper - lower = {_show(b.upper - b.lower)})")
    elif verdict == "not optimal":
        better = _obj(cert["better"], "better", ("network", "objective"))
        bobj = b.net_objective(better["network"], "better.network")
        if _num(better["objective"], "verdict", "better.objective") != bobj:
            raise _fail("verdict", f"better.objective != recomputed objective {_show(bobj)}")
        if not bobj < b.upper:
            raise _fail("verdict", "the better network is not better")
        what = (f"the network is not optimal: another has objective {_show(bobj)} < "
                f"{_show(b.upper)}")
    else:
        what = "undecided"
    return b.complete, f"{b.model}{what}; {_bounds_summary(b)}"


def _residual(dual: dict, b: _Bounds) -> None:
    """Dual source "residual" (v = y − f_θ; squared hinge: v_j = y_j max(0, 1 − y_j f_j)) or
    "subgradient" (hinge: v = y ⊙ μ, μ ∈ ∂hinge(f_θ); absolute: v_j ∈ ∂|·|(y_j − f_j)), each up
    to dual.band around a kink."""
    if b.loss == "squared":
        if b.v != [t - f for t, f in zip(b.y, b.output)]:
            raise _fail("residual", "dual.v != y - f(network)")
        return
    if b.loss == "squared_hinge":
        if b.v != [t * max(Fraction(0), 1 - t * f) for t, f in zip(b.y, b.output)]:
            raise _fail("residual", "dual.v != y_j max(0, 1 - y_j f_j) at the network's output")
        return
    band = _num(dual["band"] if "band" in dual else None, "dual", "dual.band")
    if band < 0:
        raise _fail("dual", "dual.band is negative")
    if b.loss == "absolute":
        for j, (vj, t, f) in enumerate(zip(b.v, b.y, b.output)):
            if (not -1 <= vj <= 1 or (t - f >= band and vj != 1)
                    or (f - t >= band and vj != -1)):
                raise _fail("residual", f"dual.v[{j}] is not a subgradient of |y_j - f_j| at the "
                                        "network's output (up to dual.band)")
        return
    for j, (vj, t, f) in enumerate(zip(b.v, b.y, b.output)):
        mu = vj / t if t else Fraction(0)
        if (t == 0 and vj != 0) or not 0 <= mu <= 1 \
                or (t and t * f <= 1 - band and mu != 1) or (t * f >= 1 + band and mu != 0):
            raise _fail("residual", f"dual.v[{j}] is not y_j times a subgradient of the hinge at "
                                    "the network's output (up to dual.band)")


def _worst(claims: dict, b: _Bounds) -> None:
    """``worst_chamber`` has the largest t, ``violation = t_max − β²``; bounded groups ≤ t_max."""
    tmax = max(b.t.values(), default=Fraction(0))
    if b.bound_max is not None and Fraction(*b.bound_max) > tmax:
        raise _fail("claims", "a group without projection has a bound > t_max: the worst chamber "
                              "is not proved")
    worst = claims["worst_chamber"]
    if (not isinstance(worst, list) or len(worst) != 2
            or any(isinstance(w, bool) or not isinstance(w, int) for w in worst)
            or tuple(worst) not in b.t):
        raise _fail("claims", f"claims.worst_chamber {_show(worst)} is not a listed projected "
                              "(chamber, sign)")
    if b.t[tuple(worst)] != tmax:
        raise _fail("claims", "claims.worst_chamber does not have the largest t")
    if _num(claims["violation"], "claims", "claims.violation") != tmax - b.beta * b.beta:
        raise _fail("claims", "claims.violation != t_max - beta^2")


# -- dispatch -------------------------------------------------------------------------------------
# -- kind "relu3": three-layer sub-networks (docs/certificates.md, "Kind relu3") ----------------
def _r3_parallel(a: list[Fraction], b: list[Fraction]) -> int:
    """+1 if b is a positive multiple of a, −1 if a negative one, 0 otherwise (a, b nonzero)."""
    k = next(c for c in range(len(a)) if a[c] != 0)
    if b[k] == 0:
        return 0
    ratio = b[k] / a[k]
    if all(b[c] == ratio * a[c] for c in range(len(a))):
        return _sign(ratio)
    return 0


#: The losses kind relu3 certifies (docs/certificates.md §8): names of this module's own table
#: :data:`_LOSSES`, whose loss value and dual value the checks use.
RELU3_LOSSES = ("squared", "hinge")


def relu3_tuples(p: int, width: int) -> list[tuple[tuple[int, int], ...]]:
    """Rule *relu3 tuples*: the tuples the program ranges over (docs/relu3.md §2), in order:
    the singletons ``((i, +1),)``, then for k = 2..width the k-subsets of the signed patterns
    ``(i, s)`` (i ascending, + before −) holding both signs.

    >>> relu3_tuples(1, 2)
    [((0, 1),), ((0, 1), (0, -1))]
    """
    import itertools

    signed = [(i, s) for i in range(p) for s in (1, -1)]
    out: list[tuple[tuple[int, int], ...]] = [((i, 1),) for i in range(p)]
    for k in range(2, width + 1):
        out.extend(T for T in itertools.combinations(signed, k)
                   if {s for _i, s in T} == {1, -1})
    return out


def _r3_rows(X: list[list[Fraction]], pats: list[list[int]], T, sg: list[int]
             ) -> tuple[list[list[Fraction]], list[list[Fraction]]]:
    """The region's rows in R^{kd}: n cone rows per block, then the n lifted rows signed by sg
    (re-derived from X and the first-layer patterns), and the unsigned lifted rows."""
    d, k = len(X[0]), len(T)
    rows = []
    for j, (i, _s) in enumerate(T):
        for x, b in zip(X, pats[i]):
            row = [Fraction(0)] * (k * d)
            row[j * d:(j + 1) * d] = [v if b else -v for v in x]
            rows.append(row)
    lifted = []
    for r, x in enumerate(X):
        row = []
        for i, s in T:
            row.extend(s * pats[i][r] * v for v in x)
        lifted.append(row)
    rows.extend([v * (1 if t >= 0 else -1) for v in row] for row, t in zip(lifted, sg))
    return rows, lifted


def _check_relu3(cert: dict, max_tol: Fraction) -> tuple[bool, str]:
    _obj(cert, "certificate", ("format", "kind", "data", "claims", "network", "dual",
                               "first_layer", "tuples"), ("completeness",))
    data = _obj(cert["data"], "data", ("X", "y", "beta", "width", "loss"))
    X = _matrix(data["X"], "data", "data.X")
    n, d = len(X), len(X[0])
    y = _vec(data["y"], n, "data", "data.y")
    beta = _num(data["beta"], "data", "data.beta")
    if beta <= 0:
        raise _fail("data", "beta must be positive")
    width = _int(data["width"], "data", "data.width", 1, 5)
    loss = data["loss"]
    if not isinstance(loss, str) or loss not in RELU3_LOSSES:
        raise _fail("data", f"kind relu3 certifies the losses {' and '.join(RELU3_LOSSES)} "
                            "only")
    # first layer: strict witnesses, patterns 1[Xw >= 0] recomputed, distinct sign vectors
    XI = [_integer_vector(x) for x in X]
    wits = _list(cert["first_layer"], "first_layer", "first_layer", nonempty=True)
    signs, pats = [], []
    for i, w in enumerate(wits):
        wi = _ints(w, d, "first_layer", f"first_layer[{i}]")
        sv = [_sign(_dot(x, wi)) for x in XI]
        if any(sv[r] == 0 and any(XI[r]) for r in range(n)):
            raise _fail("first_layer", f"chamber {i}: the witness lies on a hyperplane")
        signs.append(tuple(sv))
        pats.append([1 if s >= 0 else 0 for s in sv])
    if len(set(signs)) != len(signs):
        raise _fail("first_layer", "two chambers have the same sign vector")
    p = len(pats)
    want = relu3_tuples(p, width)
    tuples = _list(cert["tuples"], "tuples", "tuples")
    if len(tuples) != len(want):
        raise _fail("tuples", f"{len(tuples)} tuples listed, the program has {len(want)}")
    v = _vec(_obj(cert["dual"], "dual", ("v",))["v"], n, "dual", "dual.v")
    total_regions = sum(len(t.get("regions", [])) if isinstance(t, dict) else 0 for t in tuples)
    _work(total_regions * (width * n) ** 2 * width * d * 4)
    b2 = beta * beta
    count = 0
    for ti, (tup, T) in enumerate(zip(tuples, want)):
        where = f"tuple {ti}"
        tup = _obj(tup, where, ("neurons", "regions"))
        if [tuple(x) if isinstance(x, list) else x for x in tup["neurons"]] != list(T):
            raise _fail("tuples", f"{where}: expected the neurons {[list(t) for t in T]}")
        k = len(T)
        regions = _list(tup["regions"], "regions", f"{where}.regions", nonempty=True)
        seen: dict[tuple[int, ...], int] = {}
        parsed = []
        for ri, reg in enumerate(regions):
            rw = f"{where} region {ri}"
            reg = _obj(reg, rw, ("witness", "facets", "farkas", "groups"))
            z = _vec(reg["witness"], k * d, "witness", f"{rw}.witness")
            _rows, lifted = _r3_rows(X, pats, T, [1] * n)
            sg = [_sign(_fdot(x, z)) for x in lifted]
            if any(s == 0 and any(x) for s, x in zip(sg, lifted)):
                raise _fail("witness", f"{rw}: the witness lies on a lifted hyperplane")
            rows, _ = _r3_rows(X, pats, T, sg)
            for t in range(k * n):
                if any(rows[t]) and _fdot(rows[t], z) <= 0:
                    raise _fail("witness", f"{rw}: the witness is not inside the product cone")
            key = tuple(sg)
            if key in seen:
                raise _fail("regions", f"{rw}: the same second-layer signs as region "
                                       f"{seen[key]}")
            seen[key] = ri
            parsed.append((rw, reg, z, sg, rows, lifted))
        for rw, reg, _z, sg, rows, lifted in parsed:
            live = [t for t in range(len(rows)) if any(rows[t])]
            F = _ints(reg["facets"], None, "facets", f"{rw}.facets")
            if any(t not in live for t in F) or len(set(F)) != len(F):
                raise _fail("facets", f"{rw}: a facet index is not a nonzero row")
            others = [t for t in live if t not in F]
            fk = _list(reg["farkas"], "farkas", f"{rw}.farkas")
            if len(fk) != len(others):
                raise _fail("farkas", f"{rw}: {len(fk)} Farkas vectors for {len(others)} rows")
            for t, mu in zip(others, fk):
                mu = _vec(mu, len(F), "farkas", f"{rw}.farkas")
                if any(m < 0 for m in mu) or any(
                        sum((m * rows[f][c] for m, f in zip(mu, F)), Fraction(0)) != rows[t][c]
                        for c in range(k * d)):
                    raise _fail("farkas", f"{rw}: row {t} is not a nonnegative combination "
                                          "of the facets")
            # closure: crossing a lifted facet (not on the product cone's boundary) must land
            # on a listed region: flip every lifted row parallel to it
            for f in F:
                if f < k * n:
                    continue
                if any(any(rows[c]) and _r3_parallel(rows[f], rows[c]) == 1
                       for c in range(k * n)):
                    continue
                a = lifted[f - k * n]
                nb = list(sg)
                for r in range(n):
                    if any(lifted[r]) and _r3_parallel(a, lifted[r]) != 0:
                        nb[r] = -nb[r]
                if tuple(nb) not in seen:
                    raise _fail("closure", f"{rw}: crossing lifted row {f - k * n} gives "
                                           "second-layer signs that are not listed")
            # dual feasibility of both output signs: ‖g_j + A_jᵀλ_j‖² ≤ β² per block
            groups = _list(reg["groups"], "dual", f"{rw}.groups")
            if len(groups) != 2:
                raise _fail("dual", f"{rw}: expected the groups of s3 = +1 and s3 = -1")
            D2 = [1 if s >= 0 else 0 for s in sg]
            for gi, (grp, s3) in enumerate(zip(groups, (1, -1))):
                gw = f"{rw} group {gi}"
                grp = _obj(grp, gw, ("s3", "nu", "lam"))
                if grp["s3"] != s3:
                    raise _fail("dual", f"{gw}: expected s3 = {s3}")
                nu = _vec(grp["nu"], n, "dual", f"{gw}.nu")
                if any(x < 0 for x in nu):
                    raise _fail("dual", f"{gw}: a multiplier nu is negative")
                omega = [s3 * bb * vv + (1 if bb else -1) * nn for bb, vv, nn in zip(D2, v, nu)]
                lams = _list(grp["lam"], "dual", f"{gw}.lam")
                if len(lams) != k:
                    raise _fail("dual", f"{gw}: expected {k} multiplier vectors lam")
                for j, ((i, s), lam) in enumerate(zip(T, lams)):
                    lam = _vec(lam, n, "dual", f"{gw}.lam[{j}]")
                    g = [s * sum((pats[i][r] * X[r][c] * omega[r] for r in range(n)),
                                 Fraction(0)) for c in range(d)]
                    A = [[x if b else -x for x in X[r]] for r, b in zip(range(n), pats[i])]
                    bound = moreau_bound(g, lam, A)
                    if bound is None:
                        raise _fail("dual", f"{gw}: a multiplier lam is negative")
                    if bound > b2:
                        raise _fail("dual", f"{gw}: block {j} violates the dual constraint "
                                            f"({_show(bound)} > beta^2)")
            count += 1
    lower = dual_value(v, y, Fraction(1), loss)
    if lower is None:
        raise _fail("dual", f"dual.v is outside the domain of the {loss} dual "
                            f"({_LOSSES[loss][2]})")
    # the network: ‖W1‖_F ≤ 1, at most width neurons, exact objective
    netobj = _obj(cert["network"], "network", ("subnetworks",))
    out = [Fraction(0)] * n
    pen = Fraction(0)
    for k_, sub in enumerate(_list(netobj["subnetworks"], "network", "network.subnetworks")):
        sub = _obj(sub, f"network {k_}", ("W1", "w2", "w3"))
        W = [_vec(u, d, "network", f"network {k_}.W1") for u in
             _list(sub["W1"], "network", f"network {k_}.W1")]
        if len(W) > width:
            raise _fail("network", f"sub-network {k_} has {len(W)} > width first-layer neurons")
        if sum((_fdot(u, u) for u in W), Fraction(0)) > 1:
            raise _fail("network", f"sub-network {k_}: the first layer's Frobenius norm is "
                                   "above 1")
        w2 = _vec(sub["w2"], len(W), "network", f"network {k_}.w2")
        w3 = _num(sub["w3"], "network", f"network {k_}.w3")
        for r in range(n):
            h = sum((max(Fraction(0), _fdot(X[r], u)) * a for u, a in zip(W, w2)), Fraction(0))
            out[r] += max(Fraction(0), h) * w3
        pen += _fdot(w2, w2) + w3 * w3
    upper = sum((_LOSSES[loss][0](f, t) for f, t in zip(out, y)), Fraction(0)) + beta * pen / 2
    claims = _obj(cert["claims"], "claims", ("lower", "upper"))
    for name, val in (("lower", lower), ("upper", upper)):
        if _num(claims[name], "claims", f"claims.{name}") != val:
            raise _fail("claims", f"claims.{name} is not the recomputed {name} bound "
                                  f"{_show(val)}")
    if lower > upper:
        raise _fail("claims", "lower > upper")
    complete = "completeness" in cert
    if complete:
        comp = cert["completeness"]
        try:
            if not isinstance(comp, dict) or comp.get("format") != FORMAT \
                    or comp.get("kind") != "arrangement":
                raise _fail("format", f"expected an arrangement certificate of format {FORMAT!r}")
            _check_arrangement(comp, max_tol)
        except CheckFailed as exc:
            raise _fail("completeness", f"{exc.check}: {exc.detail}") from None
        if _matrix(comp["data"]["X"], "completeness", "completeness.data.X") != X:
            raise _fail("completeness", "the completeness certificate is for another X")
        if arrangement_sign_vectors(comp) != set(signs):
            raise _fail("completeness", "the first-layer chamber lists differ")
    return complete, (f"three-layer P* (width {width}, {loss} loss) in [{_show(lower)}, "
                      f"{_show(upper)}] "
                      f"over {p} chambers, {len(want)} tuples, {count} second-layer regions")


_KINDS = {"arrangement": _check_arrangement, "solve": _check_solve, "check": _check_check,
          "relu3": _check_relu3}


def verify(cert: object, max_tol: Fraction = TOL_CEILING) -> tuple[int, str]:
    """Check a parsed certificate exactly: ``(status, one line)`` (module docstring).

    ``max_tol`` is the largest relative tolerance accepted for a verdict "optimal".

    >>> verify({"format": FORMAT, "kind": "fit"})[1][:50]
    "unsupported kind: 'fit' (this verifier checks 'arr"
    >>> verify({"format": "relucvx-certificate/2"})[1]
    "format: expected format 'relucvx-certificate/3', got 'relucvx-certificate/2'"
    """
    with _long_integers():
        try:
            if not isinstance(cert, dict):
                raise _fail("format", "a certificate is a JSON object")
            if cert.get("format") != FORMAT:
                raise _fail("format", f"expected format {FORMAT!r}, got "
                                      f"{_rep(cert.get('format'))}")
            kind = cert.get("kind")
            check = _KINDS.get(kind) if isinstance(kind, str) else None
            if check is None:
                known = ", ".join(repr(k) for k in _KINDS)
                return INVALID, f"unsupported kind: {_rep(kind)} (this verifier checks {known})"
            complete, summary = check(cert, max_tol)
        except CheckFailed as exc:
            return INVALID, f"{exc.check}: {exc.detail}"
        except Refused as exc:
            return REFUSED, str(exc)
        except (KeyError, IndexError, TypeError, ValueError, AttributeError,
                ZeroDivisionError) as exc:
            # a field of the wrong shape that no named check caught: still a clear rejection
            return INVALID, f"malformed: {type(exc).__name__}: {_show(exc)}"
    return _final(complete, summary)


def verify_certificate(cert: object, max_tol: Fraction = TOL_CEILING) -> tuple[bool, str]:
    """``(True, "valid: ...")`` iff the certificate proves all its claims, else ``(False, why)``.

    >>> verify_certificate({"format": FORMAT, "kind": "fit"})[0]
    False
    """
    status, message = verify(cert, max_tol)
    return status == PROVED, message


# -- reading a file in a stream (verify --force on a large certificate) ---------------------------
_CHUNK = 1 << 23   # bytes read at a time
_WS = re.compile(r"[ \t\n\r]*")   # JSON's whitespace
_STREAMED: list = ["streamed"]   # stands for a chamber list that was checked while it was read


class _Fallback(Exception):
    """The streamed reading met something it does not decide: the whole document decides."""


class _Reader:
    """A certificate file (gzip or not) decoded as UTF-8 in chunks, parsed value by value with
    the same JSON decoder as :func:`loads` (duplicate keys, NaN and floats refused); the digit
    runs are counted across chunks as :func:`loads` counts them. Anything :func:`loads` would
    refuse makes the reading fail (then :func:`load_file` gives the message)."""

    def __init__(self, path: str):
        self.fh = open(path, "rb")
        head = self.fh.read(2)
        self.fh.seek(0)
        self.src: io.BufferedIOBase = (gzip.GzipFile(fileobj=self.fh)  # type: ignore[assignment]
                                       if head == b"\x1f\x8b" else self.fh)
        self.utf8 = codecs.getincrementaldecoder("utf-8-sig")()
        self.json = json.JSONDecoder(object_pairs_hook=_no_duplicates,
                                     parse_constant=_bad_constant, parse_float=_no_float)
        self.buf, self.pos, self.eof, self.run = "", 0, False, 0
        self.nbytes = 0  # of JSON read so far (decompressed), as MAX_BYTES counts them

    def close(self) -> None:
        self.src.close()
        self.fh.close()

    def more(self) -> bool:
        """Read the next chunk onto the unread text; False at the end of the file."""
        if self.eof:
            return False
        data = self.src.read(max(_CHUNK, len(self.buf) - self.pos))
        self.nbytes += len(data)
        if not data:
            self.eof = True
            text = self.utf8.decode(b"", final=True)
        else:
            # a run of more than MAX_DIGITS digits, inside this chunk or across its start
            lead = len(data) - len(data.lstrip(b"0123456789"))
            if _long_run(data) or self.run + lead > MAX_DIGITS:
                raise _Fallback("a long number")
            self.run = (self.run + lead if lead == len(data)
                        else len(data) - len(data.rstrip(b"0123456789")))
            text = self.utf8.decode(data)
        self.buf = self.buf[self.pos:] + text
        self.pos = 0
        return True

    def peek(self) -> str:
        """The next character after whitespace ("" at the end)."""
        while True:
            m = _WS.match(self.buf, self.pos)
            self.pos = m.end() if m else self.pos
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def value(self) -> object:
        """The next JSON value; a value that may go on in the next chunk is read again."""
        self.peek()
        while True:
            try:
                obj, end = self.json.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError:
                if self.more():
                    continue
                raise _Fallback("malformed JSON") from None
            if end >= len(self.buf) and self.more():
                continue
            self.pos = end
            return obj

    def take(self, char: str) -> None:
        if self.peek() != char:
            raise _Fallback(f"expected {char!r}")
        self.pos += 1

    def elements(self) -> Iterator[object]:
        """The values of the array that starts here, one at a time."""
        self.take("[")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            yield self.value()
            c = self.peek()
            self.pos += 1
            if c == "]":
                return
            if c != ",":
                raise _Fallback("expected ',' or ']'")

    def members(self, streamed: dict[str, tuple[str, Callable[[dict], object]]]) -> dict:
        """The object that starts here; the value of a key of ``streamed`` that starts with
        its character is read by its function (given the members read so far)."""
        self.take("{")
        out: dict = {}
        if self.peek() == "}":
            self.pos += 1
            return out
        while True:
            if self.peek() != '"':
                raise _Fallback("expected a key")
            key = self.value()
            if not isinstance(key, str) or key in out:
                raise _Fallback("a duplicate key")
            self.take(":")
            how = streamed.get(key)
            out[key] = how[1](out) if how is not None and self.peek() == how[0] \
                else self.value()
            c = self.peek()
            self.pos += 1
            if c == "}":
                return out
            if c != ",":
                raise _Fallback("expected ',' or '}'")


def _final(complete: bool, summary: str) -> tuple[int, str]:
    """The status and line of a certificate whose every check passed (:func:`verify`)."""
    if not complete:
        return NOT_PROVED, ("not proved: consistent, but the chamber list is not certified "
                            f"complete (no 'completeness'), so: {summary}")
    return PROVED, "valid: " + summary


def _stream(r: _Reader, max_tol: Fraction, count: bool = False
            ) -> tuple[int, str, str | None]:
    """Check the document of ``r`` while reading it (:func:`stream_path`); with ``count``
    (the limits on, :func:`checked_stream_path`) the chambers' work is also counted as they
    are read (:class:`_CountedOver`), and the whole reading's size and work limits are applied
    at the end."""
    state: dict[str, object] = {}

    def arrangement(into: str) -> Callable[[dict], object]:
        def read(head: dict) -> object:
            if head.get("format") != FORMAT or head.get("kind") != "arrangement":
                raise _Fallback("not an arrangement certificate")
            st = _ArrangementStream(head)
            per = (st.h.m + 1) * (st.h.m + 1) * st.h.d
            for i, ch in enumerate(r.elements()):
                if count and into == "arrangement":  # what precount_path counts
                    _count_arrangement(i, per)
                st.chamber(i, ch)
            state[into] = st
            return _STREAMED
        return read

    def chambers(head: dict) -> object:
        kind = head.get("kind")
        if head.get("format") != FORMAT:
            raise _Fallback("format")
        if kind == "arrangement":
            return arrangement("arrangement")(head)
        if kind not in ("solve", "check") or "model" in head or "completeness" in head:
            raise _Fallback("not a dense solve or check certificate")
        dual = head.get("dual")
        source = dual.get("source") if isinstance(dual, dict) else None
        b = _prove_head(head, () if kind == "solve" else
                        ("source", "band") if source == "subgradient" else ("source",))
        counted = _SolveCount(len(b.X), len(b.X[0]), b.data_bits) if count else None
        for i, ch in enumerate(r.elements()):
            if counted is not None:
                counted.chamber(i, ch)
            _prove_chamber(b, i, ch)
        state["bounds"] = b
        return _STREAMED

    top = r.members({"chambers": ("[", chambers),
                     "completeness": ("{", lambda _: r.members(
                         {"chambers": ("[", arrangement("completeness"))}))})
    if r.peek() != "":
        raise _Fallback("extra data")
    if MAX_BYTES is not None and r.nbytes > MAX_BYTES:
        raise _Fallback("more than MAX_BYTES of JSON: the whole reading refuses it")
    kind = top.get("kind")
    if kind == "arrangement":
        st = state["arrangement"]
        assert isinstance(st, _ArrangementStream)
        _obj(top, "certificate", ("format", "kind", "data", "claims", "chambers"))
        complete, summary, _ = st.finish(top["claims"]["chambers"])
        return (*_final(complete, summary), kind)
    b = state["bounds"]
    assert isinstance(b, _Bounds)
    if not b.chambers:
        raise _Fallback("no chambers")
    streamed = None
    if "completeness" in top:
        comp, cst = top["completeness"], state["completeness"]
        assert isinstance(cst, _ArrangementStream)
        _obj(comp, "certificate", ("format", "kind", "data", "claims", "chambers"))
        streamed = cst.finish(comp["claims"]["chambers"])
    _prove_tail(b, top, max_tol, streamed)
    complete, summary = (_check_solve if kind == "solve" else _check_check)(top, max_tol, b)
    return (*_final(complete, summary), kind)


def stream_path(path: str, max_tol: Fraction = TOL_CEILING) -> tuple[int, str, str | None] | None:
    """:func:`verify_path` of a certificate read in a stream, or None when the stream does not
    decide (then the whole document does, with its message).

    With the size and work limits lifted (:func:`size_limits_lifted`, ``--force``) a solve,
    check or arrangement certificate in the writer's layout (data, dual and network before the
    chambers, the claims and the completeness data before their chambers) is checked chamber by
    chamber as it is read, keeping only compact state (per chamber a sign vector and its
    facets), so that memory no longer grows with the parsed document. Every check of
    :func:`verify` is made; only a certificate that passes them all is decided here. A failing
    or unusual one (another kind, another layout, a refusal of the reading) gives None, and
    :func:`verify_path` reads it whole, which names the first failing check in the order of
    docs/certificates.md.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"format": FORMAT, "kind": "arrangement", "data": {"X": [[1]]},
    ...                "claims": {"chambers": 2, "n": 1, "d": 1},
    ...                "chambers": [[[1], [0], []], [[-1], [0], []]]}, fh)
    >>> with size_limits_lifted():
    ...     print(stream_path(path)[1])
    valid: the 2 chambers of the arrangement of a 1 × 1 matrix (1 hyperplane) are complete
    >>> stream_path(path) is None   # with the limits on, the whole document is read
    True
    """
    if MAX_BYTES is not None or not _lifted():
        return None
    return _streamed(path, lambda r: _stream(r, max_tol))


def _streamed(path: str, work, keep: tuple[type[Exception], ...] = ()):
    """``work`` on a stream of ``path`` (:class:`_Reader`, long integers allowed); None when the
    file does not open or ``work`` raises (any doubt: the whole reading decides), except the
    exceptions in ``keep``, which propagate."""
    try:
        r = _Reader(path)
    except OSError:
        return None
    try:
        with _long_integers():
            return work(r)
    except keep:
        raise
    except Exception:  # noqa: BLE001 - any doubt: the whole document decides
        return None
    finally:
        r.close()


#: files smaller than this are read whole at once (cheap); larger ones are first read in a
#: stream that counts the work limits (:func:`precount_path`); for gzip files, an eighth of it
PRECOUNT_BYTES = 16 * 2**20


def precount_path(path: str) -> str | None:
    """With the limits on (no ``--force``), the refusal of a file over them found *before* it is
    read whole (docs/certificates.md §3), or None (then the whole reading decides as before).

    An uncompressed file over ``MAX_BYTES`` is refused from its size, unread. A file of at least
    :data:`PRECOUNT_BYTES` is read in a stream (:class:`_Reader`, one chamber at a time, the
    rest dropped): after the head of a solve/check certificate (format, kind, loss, data, dual:
    the fields checked by the whole reading before it counts) or of an arrangement certificate
    (format, kind, data, claims), the products of docs §3 and their weighted work are counted
    chamber by chamber with the whole reading's own formulas, and the file is refused as soon
    as a partial count passes ``MAX_WORK`` or ``MAX_WORD_WORK``. A partial count is a lower
    bound on the whole one, so every file refused here is over the limits; anything the stream
    does not decide (another kind or layout, a head that fails its checks, a malformed part,
    a count that ends under the limits) gives None.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"format": FORMAT, "kind": "arrangement", "data": {"X": [[1]]},
    ...                "claims": {"chambers": 2, "n": 1, "d": 1},
    ...                "chambers": [[[1], [0], []], [[-1], [0], []]]}, fh)
    >>> precount_path(path) is None   # small (and under the limits): read whole as before
    True
    """
    size = _counted_size(path)
    if size is None:
        return None
    if size is False:
        return f"{path}: more than {MAX_BYTES} bytes of JSON"
    try:
        _streamed(path, _precount, keep=(_OverLimits,))
    except _OverLimits as exc:
        return f"{path}: {exc}"
    return None  # anything else: the whole document decides


def _counted_size(path: str, below: int | None = None) -> bool | None:
    """With the limits on: False for an uncompressed file over ``MAX_BYTES`` (refused from its
    size), True for a file large enough to be read in a stream first (:data:`PRECOUNT_BYTES`)
    and smaller than ``below`` when given (gzip: an eighth of both), None otherwise (the limits
    lifted, a small file, or a file that does not open: the whole reading decides and names the
    error)."""
    if MAX_BYTES is None or _lifted():
        return None
    try:
        with open(path, "rb") as fh:
            gz = fh.read(2) == b"\x1f\x8b"
            size = os.fstat(fh.fileno()).st_size
    except OSError:
        return None
    if not gz and size > MAX_BYTES:
        return False
    scale = 8 if gz else 1
    if below is not None and size >= below // scale:
        return None
    return True if size >= PRECOUNT_BYTES // scale else None


#: files from :data:`PRECOUNT_BYTES` up to this size are checked in one streamed reading
#: without ``--force`` (:func:`checked_stream_path`); larger ones are counted first: checking
#: as it counts, the stream would spend the checks' time on a file that may be over the limits
#: (a genuine (40, 4) solve certificate is 24 MB; the work limit is passed near 150 MB)
CHECKED_STREAM_BYTES = 64 * 2**20


def checked_stream_path(path: str, max_tol: Fraction = TOL_CEILING
                        ) -> tuple[int, str, str | None] | None:
    """With the limits on (no ``--force``), a large file (from :data:`PRECOUNT_BYTES` to
    :data:`CHECKED_STREAM_BYTES`) checked in one streamed reading: the checks of
    :func:`stream_path` with, chamber by chamber, the count of :func:`precount_path`, and at
    the end the whole reading's size and work limits (the bytes of JSON, the completeness
    certificate's work). Decides a certificate that passes
    every check and every limit (the whole reading's status and line), and the refusal of a
    partial count over a limit (precount_path's line); anything else gives None, and
    :func:`verify_path` goes on as before (precount_path, then the whole reading, which names
    the first failing check). So the verdict and line are those of the whole reading, and a
    genuine large certificate is parsed once instead of twice.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"format": FORMAT, "kind": "arrangement", "data": {"X": [[1]]},
    ...                "claims": {"chambers": 2, "n": 1, "d": 1},
    ...                "chambers": [[[1], [0], []], [[-1], [0], []]]}, fh)
    >>> checked_stream_path(path) is None   # small: read whole
    True
    >>> import unittest.mock
    >>> with unittest.mock.patch(__name__ + ".PRECOUNT_BYTES", 0):
    ...     print(checked_stream_path(path)[1])
    valid: the 2 chambers of the arrangement of a 1 × 1 matrix (1 hyperplane) are complete
    """
    if not _counted_size(path, CHECKED_STREAM_BYTES):
        return None
    try:
        return _streamed(path, lambda r: _stream(r, max_tol, count=True), keep=(_CountedOver,))
    except _CountedOver as exc:
        return REFUSED, f"{path}: {exc}", None


def _precount(r: _Reader) -> None:
    """Count the work of the document of ``r`` up to the first limit it passes (then
    :class:`Refused`); :class:`_Fallback` when the stream does not decide."""
    def chambers(head: dict) -> object:
        kind = head.get("kind")
        if head.get("format") != FORMAT:
            raise _Fallback("format")
        if kind == "arrangement":
            h = _ArrangementHead(head, chambers_key=False)
            per = (h.m + 1) * (h.m + 1) * h.d
            for i, _ch in enumerate(r.elements()):
                _count_arrangement(i, per)
            raise _Fallback("under the limits")
        if kind not in ("solve", "check") or "model" in head:
            raise _Fallback("not a dense solve or check certificate")
        dual = head.get("dual")
        source = dual.get("source") if isinstance(dual, dict) else None
        b = _prove_head(head, () if kind == "solve" else
                        ("source", "band") if source == "subgradient" else ("source",))
        counted = _SolveCount(len(b.X), len(b.X[0]), b.data_bits)
        for i, ch in enumerate(r.elements()):
            counted.chamber(i, ch)
        raise _Fallback("under the limits")

    r.members({"chambers": ("[", chambers)})
    raise _Fallback("no chambers")


def verify_path(path: str, max_tol: Fraction = TOL_CEILING) -> tuple[int, str, str | None]:
    """Read and check a file: ``(status, one line, kind)``; both command lines use this.

    >>> verify_path("/nonexistent/cert.json")[:2]
    (2, 'cannot read /nonexistent/cert.json: No such file or directory')
    """
    streamed = stream_path(path, max_tol)
    if streamed is None:
        streamed = checked_stream_path(path, max_tol)  # the limits on: one reading
    if streamed is not None:
        return streamed
    refusal = precount_path(path)  # over the limits: refused before the whole reading
    if refusal is not None:
        return REFUSED, refusal, None
    try:
        cert = load_file(path)
    except Refused as exc:
        return REFUSED, str(exc), None
    status, message = verify(cert, max_tol)
    if status == REFUSED:
        message = f"{path}: {message}"
    kind = cert.get("kind") if isinstance(cert, dict) else None
    return status, message, kind if isinstance(kind, str) else None


def verify_file(path: str, max_tol: Fraction = TOL_CEILING) -> tuple[bool, str]:
    """``(True, "valid: ...")`` iff the file holds a certificate proving all its claims.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"format": FORMAT, "kind": "arrangement", "data": {"X": [[0]]},
    ...                "claims": {"chambers": 1, "n": 1, "d": 1}, "chambers": [[[0], [], []]]},
    ...               fh)
    >>> verify_file(path)
    (True, 'valid: the 1 chamber of the arrangement of a 1 × 1 matrix (0 hyperplanes) is complete')
    """
    status, message, _ = verify_path(path, max_tol)
    return status == PROVED, message


def parse_tolerance(text: str) -> Fraction:
    """The value of ``--max-tol``: a nonnegative exact number (``1/1000``, ``1e-3``, ``0.001``).

    >>> parse_tolerance("1e-3")
    Fraction(1, 1000)
    """
    try:
        value = Fraction(text.strip())
    except (ValueError, ZeroDivisionError):
        raise ValueError(f"--max-tol: not a number: {_rep(text)}") from None
    if value < 0:
        raise ValueError(f"--max-tol must be >= 0, got {_show(text)}")
    return value


@contextlib.contextmanager
def size_limits_lifted() -> Iterator[None]:
    """Within the block, the size and work limits ``MAX_BYTES``, ``MAX_WORK`` and
    ``MAX_WORD_WORK`` are off (``verify --force``: a big genuine certificate, e.g. a (40, 5)
    solve's, is checked however long it takes). The digit limits stay: they bound one number,
    not the amount of work.

    >>> import exact.verify as v
    >>> with v.size_limits_lifted():
    ...     v.MAX_WORK > 10**30, v.MAX_BYTES
    (True, None)
    >>> v.MAX_WORK
    500000000
    """
    global MAX_BYTES, MAX_WORK, MAX_WORD_WORK
    saved = MAX_BYTES, MAX_WORK, MAX_WORD_WORK
    MAX_BYTES, MAX_WORK, MAX_WORD_WORK = None, 10**40, 10**40
    try:
        yield
    finally:
        MAX_BYTES, MAX_WORK, MAX_WORD_WORK = saved


def main(argv: list[str] | None = None, prog: str = "verify") -> int:
    """``python exact/verify.py [--max-tol T] [--force] CERT``: the exit status of
    :func:`verify_path`.

    0 proved, 1 invalid, 2 refused (one line ``<prog>: error: ...`` on stderr), 3 not proved.

    >>> main(["/nonexistent/cert.json"])
    2
    """
    parser = argparse.ArgumentParser(prog=prog, description="Check a relucvx certificate "
                                     "exactly (spec: docs/certificates.md).")
    parser.add_argument("cert", metavar="CERT", help="certificate file (.json or .json.gz)")
    parser.add_argument("--max-tol", metavar="T", default=None,
                        help=f"largest tolerance of a verdict 'optimal' (default {TOL_CEILING})")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    parser.add_argument("--force", action="store_true",
                        help="check a certificate over the size and work limits (docs §3)")
    args = parser.parse_args(argv)
    return run(args.cert, args.max_tol, args.json, prog, force=args.force)


#: the refusals that ``--force`` lifts (:func:`size_limits_lifted`), by their messages
_LIFTABLE = ("products (limit", "word products (the numbers", "bytes of JSON")

_STATUS_NAMES = {PROVED: "proved", INVALID: "invalid", REFUSED: "refused",
                 NOT_PROVED: "not proved"}


def run(path: str, max_tol: str | None, as_json: bool, prog: str, force: bool = False) -> int:
    """Verify ``path`` and print the result as ``relucvx verify`` does; return the exit status.
    ``force`` lifts the size and work limits (:func:`size_limits_lifted`).

    >>> run("/nonexistent/cert.json", "1/2", False, "verify")
    2
    """
    try:
        tol = TOL_CEILING if max_tol is None else parse_tolerance(max_tol)
    except ValueError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return REFUSED
    with size_limits_lifted() if force else contextlib.nullcontext():
        status, message, kind = verify_path(path, tol)
    if status == REFUSED and not force and any(k in message for k in _LIFTABLE):
        message += " (--force checks it anyway)"
    if status == REFUSED:
        print(f"{prog}: error: {message}", file=sys.stderr)
        return status
    if as_json:
        print(json.dumps({"valid": status == PROVED, "status": _STATUS_NAMES[status],
                          "kind": kind, "message": message}))
    else:
        print(message)
    return status


if __name__ == "__main__":
    sys.exit(main())
