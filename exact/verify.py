"""A standalone checker for relucvx certificates, using only the Python standard library.

This module imports nothing from the project (only ``json``, ``fractions``, ``math``, ``re``,
``sys``), so it can be audited on its own and run as ``python exact/verify.py CERT``. It never
solves anything: it recomputes every claim from the data held in the certificate with exact
rational arithmetic (``fractions.Fraction`` and Python integers) and checks witnesses, Farkas
multipliers, projection multipliers and bound arithmetic (docs/MATH.md §7).

:func:`verify_certificate` returns ``(True, "valid: <summary>")`` or
``(False, "<name of the first failing check>: <details>")``. It dispatches on ``kind``:

``"arrangement"`` — the completeness certificate of a chamber list (arrangement/certificate.py)
    ::

        format    "relucvx-certificate/1"
        kind      "arrangement"
        data      {"X": n×d numbers}                       the original rational data
        claims    {"chambers": p, "n": n, "d": d}
        chambers  [{"signs":   [n ints in {-1, 0, 1}],
                    "witness": [d numbers],                 an interior point
                    "facets":  [{"row": j, "witness": [d numbers]}, ...],
                    "farkas":  [{"row": k, "lambda": [[f, number], ...]}, ...]}, ...]

    Numbers are JSON integers or strings ``"p"`` / ``"p/q"``. Checks, in this order (the name
    before the colon is what a failure reports):

    - ``format``: format tag and kind; ``data``: X is a rectangular matrix of numbers and
      ``claims.n``, ``claims.d`` match it; ``chambers``: the list is non-empty and well formed;
    - ``witness``: for every chamber, ``sign(x_j·witness) = signs_j`` for every row, with
      ``signs_j = 0`` exactly at the zero rows (the witness is strictly inside a chamber);
    - ``parallel``: signs are consistent within each parallel class (``x_k = c x_j`` implies
      ``signs_k = sign(c) signs_j``);
    - ``distinct``: the sign vectors are pairwise distinct;
    - ``facet``: each facet row is a nonzero row, no two facets are parallel, and the facet
      witness p has ``x_j·p = 0`` and ``signs_k x_k·p > 0`` for every nonzero row k not parallel
      to ``x_j`` (p is in the relative interior of the facet: the facet is irredundant);
    - ``farkas``: every nonzero row k not parallel to a facet row has exactly one entry (and no
      other row has one), each multiplier refers to a facet row of the chamber, is ``≥ 0``, and
      ``signs_k x_k = Σ_f λ_f signs_f x_f`` holds exactly. Rows parallel to a facet row need no
      entry: ``x_k = c x_j`` and the ``parallel`` check give ``signs_k x_k = |c| signs_j x_j``;
    - ``closure``: for every facet, flipping the signs of all rows of its parallel class gives a
      sign vector in the list;
    - ``count``: ``claims.chambers`` equals the number of chambers.

    Why this proves that the list is exactly the set of chambers of the arrangement of X:

    1. *Every entry is a chamber, once.* The witness is on no hyperplane, so it lies in the
       open chamber with exactly the listed sign vector; sign vectors are distinct.
    2. *Every entry's closed cone is exactly its facet cone.* The closed cone of a chamber is
       ``C = {u : signs_k x_k·u ≥ 0 for all k}``. Rows parallel to a facet give positive multiples
       of the facet inequality; every other row satisfies ``signs_k x_k·u = Σ λ_f signs_f x_f·u
       ≥ 0`` whenever the facet inequalities hold (homogeneous Farkas lemma, λ ≥ 0). So
       ``C = P := {u : signs_f x_f·u ≥ 0 for the listed facets f}``; the facet witnesses show that
       no listed facet is redundant.
    3. *The list is closed under crossing facets, hence complete.* Let z be a point of any chamber
       and w the witness of a listed chamber. The points z′ of z's (open) chamber for which the
       segment [w, z′] meets an intersection ``H_a ∩ H_b`` of two distinct hyperplanes lie in
       ``span(w, H_a ∩ H_b)``, a subspace of dimension ≤ d − 1; there are finitely many, so
       choose z′ outside all of them. Along [w, z′] each linear form changes sign at most once,
       so the segment crosses finitely many hyperplanes, each at a point q on no other
       hyperplane. Suppose the walk is in a listed chamber with cone ``C = P`` when it reaches
       the next such q. Just past q the segment has left C, so it violates some *listed* facet
       inequality of P, whose hyperplane therefore contains q, and q lies on one hyperplane
       only: the crossed hyperplane is a listed facet. Just past q the sign vector is the old
       one with that class flipped, which ``closure`` guarantees is listed. By induction z′
       (and z) lies in a listed chamber. So the list contains every chamber, and ``count``
       makes the claimed number the number of chambers.

``"solve"`` — certified bounds ``LB ≤ P* ≤ UB`` (the format is documented in the module
    docstring of exact/certify.py; the checks 0–6 listed there are implemented by
    :func:`_check_solve`). The lower bound is a proof about the *listed* chambers; that the list
    is complete is the arrangement certificate's job. If the solve certificate carries an
    arrangement certificate under the key ``"completeness"``, it is checked too, against the
    same X and the same set of sign vectors, and the summary says whether it was present.

``"check"`` — the answer of the global-optimality test of a given network (the format is
    documented in the module docstring of exact/check.py): the checks of ``"solve"`` on the
    same fields (the network is the one under test), plus ``objective = upper``, the residual
    ``v = y − f_θ`` with its most violated (chamber, sign), and the verdict: ``"optimal"`` needs
    ``upper − lower ≤ epsilon``, ``"not optimal"`` a listed network with an exactly smaller
    objective (:func:`_check_check`).

To add a kind, write ``_check_<kind>(cert) -> str`` (returning the summary, raising
:class:`CheckFailed` on the first failure) and register it in ``_KINDS``.

>>> cert = {"format": "relucvx-certificate/1", "kind": "arrangement",
...         "data": {"X": [["1"]]}, "claims": {"chambers": 2, "n": 1, "d": 1},
...         "chambers": [
...   {"signs": [1], "witness": ["1"], "facets": [{"row": 0, "witness": ["0"]}], "farkas": []},
...   {"signs": [-1], "witness": ["-1"], "facets": [{"row": 0, "witness": ["0"]}], "farkas": []}]}
>>> verify_certificate(cert)
(True, 'valid: the 2 chambers of the arrangement of a 1 × 1 matrix (1 hyperplane) are complete')
>>> cert["chambers"].pop()["signs"]
[-1]
>>> print(verify_certificate(cert)[1])
closure: chamber 0: crossing the facet of row 0 gives sign vector [-1], which is not listed
"""

from __future__ import annotations

import contextlib
import json
import math
import re
import sys
from fractions import Fraction


@contextlib.contextmanager
def _long_integers():
    """Certificates of tight bounds carry integers with thousands of digits: lift Python's
    int/str conversion limit while checking, and restore it afterwards (it guards other code)."""
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

FORMAT = "relucvx-certificate/1"

_NUMBER = re.compile(r"-?[0-9]+(?:/[0-9]+)?")


class CheckFailed(Exception):
    """The first failing check: ``check`` is its name, ``detail`` says what failed where."""

    def __init__(self, check: str, detail: str):
        super().__init__(f"{check}: {detail}")
        self.check = check
        self.detail = detail


def _fail(check: str, detail: str) -> CheckFailed:
    return CheckFailed(check, detail)


# -- parsing --------------------------------------------------------------------------------------
def _num(value: object, check: str, where: str) -> Fraction:
    """A certificate number: a JSON integer (not a boolean) or a string ``"p"`` / ``"p/q"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, str) and _NUMBER.fullmatch(value):
        num, _, den = value.partition("/")
        try:
            p, q = int(num), int(den) if den else 1
        except ValueError:  # more digits than int() accepts
            raise _fail(check, f"{where}: number too long") from None
        if q == 0:
            raise _fail(check, f"{where}: division by zero in {value!r}")
        return Fraction(p, q)
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise _fail(check, f"{where}: not a number (an integer or a string 'p/q'): {shown}")


def _vec(value: object, length: int, check: str, where: str) -> list[Fraction]:
    if not isinstance(value, list):
        raise _fail(check, f"{where}: expected a list of {length} numbers")
    if len(value) != length:
        raise _fail(check, f"{where}: has {len(value)} entries, expected {length}")
    return [_num(v, check, f"{where}[{t}]") for t, v in enumerate(value)]


def _int(value: object, check: str, where: str, lo: int | None = None,
         hi: int | None = None) -> int:
    """A JSON integer in ``[lo, hi)``."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise _fail(check, f"{where}: expected an integer, got {value!r}")
    if (lo is not None and value < lo) or (hi is not None and value >= hi):
        raise _fail(check, f"{where}: {value} is out of range")
    return value


def _field(obj: object, key: str, check: str, where: str) -> object:
    if not isinstance(obj, dict):
        raise _fail(check, f"{where}: expected an object")
    if key not in obj:
        raise _fail(check, f"{where}: missing field {key!r}")
    return obj[key]


def _matrix(value: object, check: str, where: str) -> list[list[Fraction]]:
    if not isinstance(value, list) or not value or not isinstance(value[0], list):
        raise _fail(check, f"{where}: expected a non-empty list of rows")
    d = len(value[0])
    if d == 0:
        raise _fail(check, f"{where}: rows are empty")
    return [_vec(row, d, check, f"{where}[{j}]") for j, row in enumerate(value)]


# -- exact helpers --------------------------------------------------------------------------------
def _integer_vector(v: list[Fraction]) -> list[int]:
    """``L v`` with ``L > 0`` the lcm of the denominators: same signs of every dot product."""
    L = _lcm_den(v)
    return [x.numerator * (L // x.denominator) for x in v]


def _lcm_den(v: list[Fraction]) -> int:
    return math.lcm(*(x.denominator for x in v)) if v else 1


def _dot(a: list[int], b: list[int]) -> int:
    return sum(x * y for x, y in zip(a, b))


def _sign(x: int | Fraction) -> int:
    return (x > 0) - (x < 0)


def _parallel_classes(X: list[list[Fraction]]) -> tuple[list[int], list[Fraction]]:
    """Parallel classes of the nonzero rows (docs/MATH.md §2).

    Returns ``cls`` (class id per row, −1 for zero rows) and ``ratio`` with
    ``x_j = ratio_j · x_{first row of j's class}`` (ratio nonzero; 0 for zero rows). Two rows are
    parallel iff they are equal after dividing by their first nonzero entry.
    """
    first: dict[tuple[Fraction, ...], int] = {}
    cls, ratio = [], []
    for j, x in enumerate(X):
        t = next((c for c, v in enumerate(x) if v), None)
        if t is None:
            cls.append(-1)
            ratio.append(Fraction(0))
            continue
        key = tuple(v / x[t] for v in x)
        r = first.setdefault(key, j)
        cls.append(r)
        ratio.append(x[t] / X[r][t])
    return cls, ratio


# -- kind "arrangement" ---------------------------------------------------------------------------
def _check_arrangement(cert: dict) -> str:
    """Checks of a completeness certificate (module docstring); returns the summary."""
    data = _field(cert, "data", "data", "certificate")
    X = _matrix(_field(data, "X", "data", "data"), "data", "data.X")
    n, d = len(X), len(X[0])
    claims = _field(cert, "claims", "data", "certificate")
    for key, actual in (("n", n), ("d", d)):
        if _int(_field(claims, key, "data", "claims"), "data", f"claims.{key}") != actual:
            raise _fail("data", f"claims.{key} = {claims[key]!r} but X has {key} = {actual}")
    # x_j = XI_j / L_j: integer rows, positive scalings, so the same hyperplanes and signs
    XI = [_integer_vector(x) for x in X]
    L = [_lcm_den(x) for x in X]
    nonzero = [j for j in range(n) if any(XI[j])]
    is_nonzero = [any(x) for x in XI]
    cls, ratio = _parallel_classes(X)
    members: dict[int, list[int]] = {}
    for j in nonzero:
        members.setdefault(cls[j], []).append(j)

    chambers = _field(cert, "chambers", "chambers", "certificate")
    if not isinstance(chambers, list) or not chambers:
        raise _fail("chambers", "expected a non-empty list of chambers")
    parsed = []
    for i, ch in enumerate(chambers):
        where = f"chamber {i}"
        signs = _field(ch, "signs", "chambers", where)
        if not isinstance(signs, list) or len(signs) != n:
            raise _fail("chambers", f"{where}: signs must be a list of {n} entries")
        for j, s in enumerate(signs):
            _int(s, "chambers", f"{where}: signs[{j}]", -1, 2)
        w = _integer_vector(_vec(_field(ch, "witness", "chambers", where), d, "chambers",
                                 f"{where}: witness"))
        facets = _field(ch, "facets", "chambers", where)
        farkas = _field(ch, "farkas", "chambers", where)
        if not isinstance(facets, list) or not isinstance(farkas, list):
            raise _fail("chambers", f"{where}: facets and farkas must be lists")
        fac = []
        for t, f in enumerate(facets):
            j = _int(_field(f, "row", "chambers", f"{where}: facets[{t}]"), "chambers",
                     f"{where}: facets[{t}].row", 0, n)
            p = _vec(_field(f, "witness", "chambers", f"{where}: facets[{t}]"), d, "chambers",
                     f"{where}: facets[{t}].witness")
            fac.append((j, _integer_vector(p)))
        fk = []
        for t, e in enumerate(farkas):
            k = _int(_field(e, "row", "chambers", f"{where}: farkas[{t}]"), "chambers",
                     f"{where}: farkas[{t}].row", 0, n)
            lam = _field(e, "lambda", "chambers", f"{where}: farkas[{t}]")
            if not isinstance(lam, list):
                raise _fail("chambers", f"{where}: farkas[{t}].lambda must be a list")
            terms = []
            for u, pair in enumerate(lam):
                if not isinstance(pair, list) or len(pair) != 2:
                    raise _fail("chambers", f"{where}: farkas[{t}].lambda[{u}] must be [row, "
                                            "multiplier]")
                terms.append((_int(pair[0], "chambers", f"{where}: farkas[{t}].lambda[{u}]",
                                   0, n),
                              _num(pair[1], "chambers", f"{where}: farkas[{t}].lambda[{u}]")))
            fk.append((k, terms))
        parsed.append((tuple(signs), w, fac, fk))

    # witness: strict signs on nonzero rows, 0 exactly at zero rows
    for i, (signs, w, _, _) in enumerate(parsed):
        for j in range(n):
            actual = _sign(_dot(XI[j], w))
            if not is_nonzero[j] and signs[j] != 0:
                raise _fail("witness", f"chamber {i}: row {j} is zero but its sign is {signs[j]}")
            if is_nonzero[j] and signs[j] == 0:
                raise _fail("witness", f"chamber {i}: row {j} is nonzero but its sign is 0")
            if actual != signs[j]:
                raise _fail("witness", f"chamber {i}: row {j} has sign {actual} at the witness, "
                                       f"listed {signs[j]}")
    # parallel: x_k = c x_r implies signs_k = sign(c) signs_r (r the class's first row)
    for i, (signs, _, _, _) in enumerate(parsed):
        for j in nonzero:
            if signs[j] != _sign(ratio[j]) * signs[cls[j]]:
                raise _fail("parallel", f"chamber {i}: rows {cls[j]} and {j} are parallel but "
                                        "their signs disagree")
    # distinct
    index: dict[tuple[int, ...], int] = {}
    for i, (signs, _, _, _) in enumerate(parsed):
        if signs in index:
            raise _fail("distinct", f"chambers {index[signs]} and {i} have the same sign vector")
        index[signs] = i
    # facet: nonzero, pairwise non-parallel, witness in the relative interior of the facet
    facet_count = 0
    for i, (signs, _, fac, _) in enumerate(parsed):
        seen: dict[int, int] = {}
        for j, p in fac:
            if not is_nonzero[j]:
                raise _fail("facet", f"chamber {i}: facet row {j} is a zero row")
            if cls[j] in seen:
                raise _fail("facet", f"chamber {i}: facet rows {seen[cls[j]]} and {j} are "
                                     "parallel")
            seen[cls[j]] = j
            if _dot(XI[j], p) != 0:
                raise _fail("facet", f"chamber {i}: the witness of facet row {j} is not on its "
                                     "hyperplane")
            for k in nonzero:
                if cls[k] != cls[j] and _sign(_dot(XI[k], p)) != signs[k]:
                    raise _fail("facet", f"chamber {i}: the witness of facet row {j} is not "
                                         f"strictly on the chamber's side of row {k}")
            facet_count += 1
    # farkas: every row not parallel to a facet is implied by the facets
    identities = 0
    for i, (signs, _, fac, fk) in enumerate(parsed):
        facet_rows = {j for j, _ in fac}
        facet_classes = {cls[j] for j in facet_rows}
        needed = {k for k in nonzero if cls[k] not in facet_classes}
        given: set[int] = set()
        for k, terms in fk:
            if k not in needed:
                raise _fail("farkas", f"chamber {i}: row {k} needs no multipliers (it is zero, "
                                      "or parallel to a facet)")
            if k in given:
                raise _fail("farkas", f"chamber {i}: row {k} has two entries")
            given.add(k)
            used: set[int] = set()
            for f, lam in terms:
                if f not in facet_rows:
                    raise _fail("farkas", f"chamber {i}: row {k}: multiplier on row {f}, which "
                                          "is not a facet row of the chamber")
                if f in used:
                    raise _fail("farkas", f"chamber {i}: row {k}: two multipliers on row {f}")
                used.add(f)
                if lam < 0:
                    raise _fail("farkas", f"chamber {i}: row {k}: multiplier {lam} on row {f} "
                                          "is negative")
            if not _farkas_identity(XI, L, signs, k, terms):
                raise _fail("farkas", f"chamber {i}: row {k}: signs_k x_k != sum of "
                                      "lambda_f signs_f x_f")
            identities += 1
        missing = sorted(needed - given)
        if missing:
            raise _fail("farkas", f"chamber {i}: no multipliers for row {missing[0]}")
    # closure under crossing facets
    for i, (signs, _, fac, _) in enumerate(parsed):
        for j, _p in fac:
            flipped = tuple(-s if cls[t] == cls[j] else s for t, s in enumerate(signs))
            if flipped not in index:
                raise _fail("closure", f"chamber {i}: crossing the facet of row {j} gives sign "
                                       f"vector {list(flipped)}, which is not listed")
    # count
    claimed = _field(claims, "chambers", "count", "claims")
    if claimed != len(parsed) or isinstance(claimed, bool):
        raise _fail("count", f"claims.chambers = {claimed!r} but {len(parsed)} chambers are "
                             "listed")
    m = len(members)
    p = len(parsed)
    return (f"the {p} chamber{'' if p == 1 else 's'} of the arrangement of a {n} × {d} matrix "
            f"({m} hyperplane{'' if m == 1 else 's'}) {'is' if p == 1 else 'are'} complete")


def _farkas_identity(XI: list[list[int]], L: list[int], signs: tuple[int, ...], k: int,
                     terms: list[tuple[int, Fraction]]) -> bool:
    """``signs_k x_k == Σ λ_f signs_f x_f`` exactly, with ``x_j = XI_j / L_j`` (integers).

    Multiplying both sides by the common denominator ``M = lcm(L_k, q_f L_f)`` (``λ_f = p_f/q_f``)
    turns the identity into one between integer vectors: the same equation, integer arithmetic.
    """
    M = math.lcm(L[k], *(lam.denominator * L[f] for f, lam in terms))
    lhs = [signs[k] * (M // L[k]) * x for x in XI[k]]
    rhs = [0] * len(lhs)
    for f, lam in terms:
        e = signs[f] * lam.numerator * (M // (lam.denominator * L[f]))
        if e:
            for c, x in enumerate(XI[f]):
                rhs[c] += e * x
    return lhs == rhs


# -- kind "solve" ---------------------------------------------------------------------------------
def _fdot(a: list[Fraction], b: list[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b) if x and y), Fraction(0))


def _check_solve(cert: dict) -> str:
    """Checks 0–6 of exact/certify.py's module docstring for a ``kind == "solve"`` certificate."""
    loss = _field(cert, "loss", "data", "certificate")
    if loss not in ("squared", "hinge"):
        raise _fail("data", f"unknown loss {loss!r}")
    data = _field(cert, "data", "data", "certificate")
    X = _matrix(_field(data, "X", "data", "data"), "data", "data.X")
    n, d = len(X), len(X[0])
    y = _vec(_field(data, "y", "data", "data"), n, "data", "data.y")
    beta = _num(_field(data, "beta", "data", "data"), "data", "data.beta")
    if beta <= 0:
        raise _fail("data", f"beta must be positive, got {beta}")
    claims = _field(cert, "claims", "data", "certificate")
    dual = _field(cert, "dual", "dual", "certificate")
    v = _vec(_field(dual, "v", "dual", "dual"), n, "dual", "dual.v")
    kappa = _num(_field(dual, "kappa", "dual", "dual"), "dual", "dual.kappa")
    if kappa < 0:
        raise _fail("dual", f"kappa = {kappa} is negative")
    XI = [_integer_vector(x) for x in X]
    chambers = _field(cert, "chambers", "chambers", "certificate")
    if not isinstance(chambers, list) or not chambers:
        raise _fail("chambers", "expected a non-empty list of chambers")
    sign_vectors = set()
    for i, ch in enumerate(chambers):
        where = f"chamber {i}"
        signs = _field(ch, "signs", "chambers", where)
        pattern = _field(ch, "pattern", "chambers", where)
        if not isinstance(signs, list) or len(signs) != n:
            raise _fail("chambers", f"{where}: signs must be a list of {n} entries")
        if not isinstance(pattern, list) or len(pattern) != n:
            raise _fail("chambers", f"{where}: pattern must be a list of {n} entries")
        for j in range(n):
            _int(signs[j], "chambers", f"{where}: signs[{j}]", -1, 2)
            if _int(pattern[j], "chambers", f"{where}: pattern[{j}]", 0, 2) != int(signs[j] >= 0):
                raise _fail("pattern", f"{where}: pattern[{j}] != 1[signs[{j}] >= 0]")
        if tuple(signs) in sign_vectors:
            raise _fail("distinct", f"{where}: sign vector listed twice")
        sign_vectors.add(tuple(signs))
        w = _integer_vector(_vec(_field(ch, "witness", "chambers", where), d, "chambers",
                                 f"{where}: witness"))
        for j in range(n):
            if _sign(_dot(XI[j], w)) != signs[j]:
                raise _fail("witness", f"{where}: row {j} has sign {_sign(_dot(XI[j], w))} at "
                                       f"the witness, listed {signs[j]}")
        # 0. facets: a = c · signs_row · x_row with c > 0, so C ⊇ the chamber's closed cone
        facets = _field(ch, "facets", "chambers", where)
        if not isinstance(facets, list):
            raise _fail("chambers", f"{where}: facets must be a list")
        A = []
        for t, f in enumerate(facets):
            j = _int(_field(f, "row", "chambers", f"{where}: facets[{t}]"), "chambers",
                     f"{where}: facets[{t}].row", 0, n)
            a = _vec(_field(f, "a", "chambers", f"{where}: facets[{t}]"), d, "chambers",
                     f"{where}: facets[{t}].a")
            if signs[j] == 0 or not _positive_multiple(a, [signs[j] * x for x in X[j]]):
                raise _fail("facet", f"{where}: facet {t} is not a positive multiple of "
                                     f"signs_{j} x_{j}")
            A.append(a)
        groups = _field(ch, "groups", "chambers", where)
        if not isinstance(groups, list) or sorted(
                _int(_field(g, "sign", "chambers", where), "chambers", f"{where}: sign", -1, 2)
                for g in groups) != [-1, 1]:
            raise _fail("chambers", f"{where}: expected one group for each sign 1 and -1")
        for g in groups:
            s = g["sign"]
            gw = f"{where}, sign {s}"
            # 1. g = s Xᵀ D v and p ∈ C
            gv = _vec(_field(g, "g", "chambers", gw), d, "chambers", f"{gw}: g")
            want = [s * sum((v[j] * X[j][c] for j in range(n) if pattern[j] and v[j]),
                            Fraction(0)) for c in range(d)]
            if gv != want:
                raise _fail("projection", f"{gw}: g != s X^T D v")
            if "bound" in g:
                # ‖Π_C(g)‖ = max{u·g : u ∈ C, ‖u‖ ≤ 1} grows with the cone, so the projection
                # onto R^d (‖g‖²) or onto one facet's half-space bounds ‖Π_C(g)‖²
                b = _group_bound(g, gv, A, gw)
                if kappa * kappa * b > beta * beta:
                    raise _fail("dual", f"{gw}: kappa^2 * bound > beta^2 ({g['bound']} bound)")
                continue
            p = _vec(_field(g, "p", "chambers", gw), d, "chambers", f"{gw}: p")
            Ap = [_fdot(a, p) for a in A]
            if any(x < 0 for x in Ap):
                raise _fail("projection", f"{gw}: p is not in the cone")
            # 2. KKT: λ ≥ 0, g − p = −Σ λ_k a_k, complementary slackness
            lam = _vec(_field(g, "lambda", "chambers", gw), len(A), "chambers", f"{gw}: lambda")
            if any(x < 0 for x in lam):
                raise _fail("projection", f"{gw}: a multiplier is negative")
            for c in range(d):
                if gv[c] - p[c] != -sum((lk * a[c] for lk, a in zip(lam, A)), Fraction(0)):
                    raise _fail("projection", f"{gw}: g - p != -A^T lambda")
            if any(lk * x != 0 for lk, x in zip(lam, Ap)):
                raise _fail("projection", f"{gw}: complementary slackness fails")
            # 3. t = pᵀg and κ² t ≤ β²
            tv = _num(_field(g, "t", "chambers", gw), "chambers", f"{gw}: t")
            if tv != _fdot(p, gv):
                raise _fail("dual", f"{gw}: t != p^T g")
            if kappa * kappa * tv > beta * beta:
                raise _fail("dual", f"{gw}: kappa^2 t > beta^2 (kappa v is not dual feasible)")
    if loss == "hinge":
        for j in range(n):
            if y[j] == 0:
                if v[j] != 0:
                    raise _fail("dual", f"v[{j}] must be 0 where y[{j}] = 0")
            elif not 0 <= kappa * v[j] / y[j] <= 1:
                raise _fail("dual", f"kappa v[{j}] / y[{j}] is not in [0, 1]")
    # 4. the lower bound
    if loss == "squared":
        lower = kappa * _fdot(v, y) - kappa * kappa * _fdot(v, v) / 2
    else:
        lower = kappa * sum((v[j] / y[j] for j in range(n) if y[j]), Fraction(0)) + sum(
            1 for t in y if t == 0)
    if _num(_field(claims, "lower", "bounds", "claims"), "bounds", "claims.lower") != lower:
        raise _fail("bounds", f"claims.lower != recomputed lower bound {lower}")
    # 5. the upper bound: the exact objective of the network
    network = _field(cert, "network", "network", "certificate")
    neurons = _field(network, "neurons", "network", "network")
    if not isinstance(neurons, list):
        raise _fail("network", "neurons must be a list")
    out = [Fraction(0)] * n
    pen = Fraction(0)
    for t, nr in enumerate(neurons):
        u = _vec(_field(nr, "u", "network", f"neuron {t}"), d, "network", f"neuron {t}: u")
        a = _num(_field(nr, "alpha", "network", f"neuron {t}"), "network", f"neuron {t}: alpha")
        for j in range(n):
            z = _fdot(X[j], u)
            if z > 0:
                out[j] += a * z
        pen += _fdot(u, u) + a * a
    if loss == "squared":
        ell = sum(((f - t) ** 2 for f, t in zip(out, y)), Fraction(0)) / 2
    else:
        ell = sum((max(Fraction(0), 1 - t * f) for f, t in zip(out, y)), Fraction(0))
    upper = ell + beta / 2 * pen
    if _num(_field(claims, "upper", "bounds", "claims"), "bounds", "claims.upper") != upper:
        raise _fail("bounds", f"claims.upper != recomputed objective {upper}")
    # 6. lower ≤ upper and the gap
    if lower > upper:
        raise _fail("bounds", f"lower {lower} > upper {upper}")
    if _num(_field(claims, "gap", "bounds", "claims"), "bounds", "claims.gap") != upper - lower:
        raise _fail("bounds", "claims.gap != upper - lower")
    if _field(claims, "num_chambers", "count", "claims") != len(chambers):
        raise _fail("count", f"claims.num_chambers != {len(chambers)} listed chambers")
    # completeness of the chamber list: only with an embedded arrangement certificate
    comp = cert.get("completeness")
    if comp is None:
        note = "chamber list not certified complete (no completeness certificate)"
    else:
        try:
            _check_format(comp, "arrangement")
            _check_arrangement(comp)
        except CheckFailed as exc:
            raise _fail("completeness", f"{exc.check}: {exc.detail}") from None
        if _matrix(comp["data"]["X"], "completeness", "completeness.data.X") != X:
            raise _fail("completeness", "the completeness certificate is for another X")
        if {tuple(c["signs"]) for c in comp["chambers"]} != sign_vectors:
            raise _fail("completeness", "the chamber lists differ")
        note = "chamber list certified complete"
    return (f"{_show(lower)} <= P* <= {_show(upper)} (gap {_show(upper - lower)}; the exact "
            f"rationals are in the certificate; {loss} loss, {len(chambers)} chambers; {note})")


def _show(q: Fraction) -> str:
    """A short rendering of an exact number for the summary line (exact when it is short)."""
    text = str(q)
    if len(text) <= 24:
        return text
    try:
        return f"~{float(q):.12g}"
    except OverflowError:
        return f"~{text[:12]}..."


def _positive_multiple(a: list[Fraction], b: list[Fraction]) -> bool:
    """``a = c b`` for some rational ``c > 0`` (b nonzero)."""
    t = next((c for c, x in enumerate(b) if x), None)
    if t is None:
        return False
    c = a[t] / b[t]
    return c > 0 and all(x == c * y for x, y in zip(a, b))


# -- kind "check" ---------------------------------------------------------------------------------
_VERDICTS = ("optimal", "not optimal", "undecided")


def _network_objective(neurons: object, X: list[list[Fraction]], y: list[Fraction],
                       beta: Fraction, where: str, loss: str = "squared"
                       ) -> tuple[Fraction, list[Fraction]]:
    """Exact objective (squared or hinge loss) and output of a listed network (docs/MATH.md §1)."""
    if not isinstance(neurons, list):
        raise _fail("network", f"{where}: neurons must be a list")
    n, d = len(X), len(X[0])
    out = [Fraction(0)] * n
    pen = Fraction(0)
    for t, nr in enumerate(neurons):
        u = _vec(_field(nr, "u", "network", f"{where} {t}"), d, "network", f"{where} {t}: u")
        a = _num(_field(nr, "alpha", "network", f"{where} {t}"), "network",
                 f"{where} {t}: alpha")
        for j in range(n):
            z = _fdot(X[j], u)
            if z > 0:
                out[j] += a * z
        pen += _fdot(u, u) + a * a
    if loss == "hinge":
        ell = sum((max(Fraction(0), 1 - t * f) for f, t in zip(out, y)), Fraction(0))
    else:
        ell = sum(((f - t) ** 2 for f, t in zip(out, y)), Fraction(0)) / 2
    return ell + beta / 2 * pen, out


def _check_check(cert: dict) -> str:
    """Checks of a ``kind == "check"`` certificate (exact/check.py's module docstring).

    1. everything a solve certificate proves (:func:`_check_solve` on the same projections,
       dual vector, κ, network and embedded completeness certificate): ``lower ≤ P* ≤ upper``
       with ``upper`` the exact objective of the network θ under test;
    2. ``objective = upper``, ``tol ≥ 0`` and ``epsilon = tol · max(1, |upper|)``;
    3. dual source ``"residual"`` (squared loss): ``v = y − f_θ`` exactly; ``"subgradient"``
       (hinge loss): ``v_j = y_j μ_j`` with μ a subgradient of the hinge at ``f_θ`` up to the
       listed ``dual.band`` (``μ_j = 1`` where ``y_j f_j ≤ 1 − band``, 0 where ``≥ 1 + band``,
       in [0, 1] in between; ``v_j = 0`` where ``y_j = 0``); for both, the claimed worst
       (chamber, sign) has the largest ``t`` with ``violation = t_max − β²``;
    4. verdict ``"optimal"``: ``upper − lower ≤ epsilon`` (θ is within ``upper − lower`` of the
       global optimum); verdict ``"not optimal"``: the listed better network has the claimed
       exact objective and it is ``< upper`` (θ is not a global optimum).
    """
    claims = _field(cert, "claims", "data", "certificate")
    verdict = _field(claims, "verdict", "claims", "claims")
    if verdict not in _VERDICTS:
        raise _fail("claims", f"unknown verdict {verdict!r}")
    loss = cert.get("loss", "squared")
    if loss not in ("squared", "hinge"):
        raise _fail("data", f"unknown loss {loss!r}")
    proxy = dict(cert)
    proxy["loss"] = loss
    proxy["claims"] = {k: _field(claims, k, "claims", "claims")
                       for k in ("lower", "upper", "gap", "num_chambers")}
    summary = _check_solve(proxy)
    data = cert["data"]
    X = _matrix(data["X"], "data", "data.X")
    y = _vec(data["y"], len(X), "data", "data.y")
    beta = _num(data["beta"], "data", "data.beta")
    lower = _num(claims["lower"], "bounds", "claims.lower")
    upper = _num(claims["upper"], "bounds", "claims.upper")
    objective = _num(_field(claims, "objective", "claims", "claims"), "claims",
                     "claims.objective")
    if objective != upper:
        raise _fail("claims", "claims.objective != claims.upper")
    tol = _num(_field(claims, "tol", "claims", "claims"), "claims", "claims.tol")
    eps = _num(_field(claims, "epsilon", "claims", "claims"), "claims", "claims.epsilon")
    if tol < 0 or eps != tol * max(Fraction(1), abs(upper)):
        raise _fail("claims", "claims.epsilon != tol * max(1, |upper|)")
    dual = cert["dual"]
    source = _field(dual, "source", "dual", "dual")
    own = "residual" if loss == "squared" else "subgradient"
    if source not in (own, "solve"):
        raise _fail("dual", f"dual source {source!r} with the {loss} loss")
    if source == own:
        _, out = _network_objective(cert["network"]["neurons"], X, y, beta, "neuron", loss)
        v = _vec(dual["v"], len(X), "dual", "dual.v")
        if loss == "squared" and v != [t - f for t, f in zip(y, out)]:
            raise _fail("residual", "dual.v != y - f(network)")
        band = (_num(_field(dual, "band", "dual", "dual"), "dual", "dual.band")
                if loss == "hinge" else Fraction(0))
        if band < 0:
            raise _fail("dual", "dual.band is negative")
        for j, (vj, t, f) in enumerate(zip(v, y, out) if loss == "hinge" else ()):
            mu = vj / t if t else Fraction(0)
            if (t == 0 and vj != 0) or not 0 <= mu <= 1 \
                    or (t and t * f <= 1 - band and mu != 1) or (t * f >= 1 + band and mu != 0):
                raise _fail("residual", f"dual.v[{j}] is not y_j times a subgradient of the "
                                        "hinge at the network's output (up to dual.band)")
        ts, normed = [], []
        for k, ch in enumerate(cert["chambers"]):
            i = _int(_field(ch, "index", "chambers", f"chamber {k}"), "chambers",
                     f"chamber {k}: index", 0)
            for g in ch["groups"]:
                if "bound" in g:  # t ≤ its bound: enough to rule it out as the worst
                    gv = [_num(x, "chambers", f"chamber {k}: g") for x in g["g"]]
                    A = [[_num(x, "chambers", f"chamber {k}: a") for x in f["a"]]
                         for f in ch["facets"]]
                    normed.append(_group_bound(g, gv, A, f"chamber {k}"))
                    continue
                ts.append(((i, g["sign"]), _num(g["t"], "chambers", f"chamber {k}: t")))
        tmax = max(t for _, t in ts) if ts else Fraction(0)
        if any(t2 > tmax for t2 in normed):
            raise _fail("claims", "a group without projection has |g|^2 > t_max: the worst "
                                  "chamber is not proved")
        worst = _field(claims, "worst_chamber", "claims", "claims")
        if (not isinstance(worst, list) or len(worst) != 2
                or any(isinstance(w, bool) or not isinstance(w, int) for w in worst)
                or all(key != tuple(worst) for key, _ in ts)):
            raise _fail("claims", f"claims.worst_chamber {worst!r} is not a listed (chamber, "
                                  "sign)")
        if all(t != tmax for key, t in ts if key == tuple(worst)):
            raise _fail("claims", "claims.worst_chamber does not have the largest t")
        violation = _num(_field(claims, "violation", "claims", "claims"), "claims",
                         "claims.violation")
        if violation != tmax - beta * beta:
            raise _fail("claims", "claims.violation != t_max - beta^2")
    if verdict == "optimal":
        if upper - lower > eps:
            raise _fail("verdict", f"optimal claimed but upper - lower = {upper - lower} > "
                                   f"epsilon = {eps}")
        what = f"the network is optimal within {_show(upper - lower)}"
    elif verdict == "not optimal":
        better = _field(cert, "better", "verdict", "certificate")
        bnet = _field(better, "network", "verdict", "better")
        bobj, _ = _network_objective(_field(bnet, "neurons", "verdict", "better.network"), X, y,
                                     beta, "better neuron", loss)
        if _num(_field(better, "objective", "verdict", "better"), "verdict",
                "better.objective") != bobj:
            raise _fail("verdict", f"better.objective != recomputed objective {_show(bobj)}")
        if not bobj < upper:
            raise _fail("verdict", "the better network is not better")
        what = (f"the network is not optimal: another has objective {_show(bobj)} < "
                f"{_show(upper)}")
    else:
        what = "undecided"
    return f"{what}; {summary}"


# -- dispatch -------------------------------------------------------------------------------------
_KINDS = {"arrangement": _check_arrangement, "solve": _check_solve, "check": _check_check}


def _check_format(cert: object, kind: str | None = None) -> str:
    if not isinstance(cert, dict):
        raise _fail("format", "a certificate is a JSON object")
    if cert.get("format") != FORMAT:
        raise _fail("format", f"expected format {FORMAT!r}, got {cert.get('format')!r}")
    got = cert.get("kind")
    if kind is not None and got != kind:
        raise _fail("format", f"expected kind {kind!r}, got {got!r}")
    return got  # type: ignore[return-value]


def _group_bound(g: dict, gv: list, A: list, where: str) -> Fraction:
    """The upper bound on ``‖Π_C(g)‖²`` that a group without a projection claims.

    ``‖Π_C(g)‖ = min_{λ ≥ 0} ‖g + Aᵀλ‖`` (Moreau: the distance from g to the polar cone), so
    any listed ``λ ≥ 0`` gives ``‖g + Aᵀλ‖²``; ``"norm"`` is the case ``λ = 0``.
    """
    if g["bound"] == "norm":
        return _fdot(gv, gv)
    if g["bound"] != "dual":
        raise _fail("dual", f"{where}: unknown bound {g['bound']!r}")
    lam = _vec(_field(g, "lambda", "dual", where), len(A), "dual", f"{where}: lambda")
    if any(x < 0 for x in lam):
        raise _fail("dual", f"{where}: a multiplier of the dual bound is negative")
    r = [gv[c] + sum((lk * a[c] for lk, a in zip(lam, A)), Fraction(0)) for c in range(len(gv))]
    return _fdot(r, r)


def verify_certificate(cert: dict) -> tuple[bool, str]:
    """Check a parsed certificate exactly: ``(True, "valid: ...")`` or ``(False, "<check>: ...")``.

    >>> verify_certificate({"format": "relucvx-certificate/1", "kind": "fit"})
    (False, "unsupported kind: 'fit' (this verifier checks 'arrangement', 'solve', 'check')")
    >>> verify_certificate({"format": "relucvx-certificate/0"})[1]
    "format: expected format 'relucvx-certificate/1', got 'relucvx-certificate/0'"
    """
    with _long_integers():
        try:
            kind = _check_format(cert)
            check = _KINDS.get(kind) if isinstance(kind, str) else None
            if check is None:
                known = ", ".join(repr(k) for k in _KINDS)
                return False, f"unsupported kind: {kind!r} (this verifier checks {known})"
            return True, "valid: " + check(cert)
        except CheckFailed as exc:
            return False, f"{exc.check}: {exc.detail}"
        except (KeyError, IndexError, TypeError, ValueError, AttributeError,
                ZeroDivisionError) as exc:
            # a field of the wrong shape that no named check caught: still a clear rejection
            return False, f"malformed: {type(exc).__name__}: {exc}"


def verify_file(path: str) -> tuple[bool, str]:
    """Read a certificate file and verify it; ``OSError`` / ``ValueError`` for unreadable input.

    ``ValueError`` covers malformed JSON (``json.JSONDecodeError``) and bad UTF-8.

    >>> import os, tempfile
    >>> path = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> with open(path, "w") as fh:
    ...     json.dump({"format": FORMAT, "kind": "arrangement", "data": {"X": [[0]]},
    ...                "claims": {"chambers": 1, "n": 1, "d": 1}, "chambers": [
    ...                {"signs": [0], "witness": [0], "facets": [], "farkas": []}]}, fh)
    >>> verify_file(path)
    (True, 'valid: the 1 chamber of the arrangement of a 1 × 1 matrix (0 hyperplanes) is complete')
    """
    with open(path, encoding="utf-8") as fh, _long_integers():
        cert = json.load(fh)
    return verify_certificate(cert)


def main(argv: list[str] | None = None) -> int:
    """``python exact/verify.py CERT``: exit 0 if valid, 1 if not, 2 if the file is unreadable.

    >>> main(["/nonexistent/cert.json"])
    2
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: verify.py CERT", file=sys.stderr)
        return 2
    try:
        ok, message = verify_file(args[0])
    except (OSError, ValueError, RecursionError) as exc:
        print(f"verify: error: {args[0]}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    print(message)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
