"""Writing the certificates of :func:`exact.certify.solve` and :func:`exact.check.check`.

The format is specified in **docs/certificates.md** (kinds ``"solve"`` and ``"check"``); this
module only fills it in, and ``exact/verify.py`` checks it without sharing any code with it. By
default a certificate embeds the arrangement's completeness certificate
(:func:`arrangement.certificate.completeness_certificate`): without it the verifier can only say
"consistent, not a proof" (exit status 3).

>>> from exact.certify import solve
>>> sol = solve([[1, 0], [0, 1]], [1, -1], "1/2")
>>> cert = solution_certificate(sol, [[1, 0], [0, 1]], [1, -1], "1/2")
>>> cert["format"], cert["kind"], cert["claims"]["num_chambers"], "completeness" in cert
('relucvx-certificate/3', 'solve', 4, True)
"""

from __future__ import annotations

import gc
import json
import math
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import TYPE_CHECKING

import numpy as np

from arrangement.certificate import (
    FORMAT,
    completeness_parts,
    json_row_texts,
    small_int_row_texts,
)
from arrangement.core import Arrangement
from arrangement.errors import InputError
from arrangement.exactla import dot

# the certificate encoding of exact numbers (docs/certificates.md), short names for this module
from arrangement.rational import certificate_number as _q
from arrangement.rational import certificate_ratio as _ratio
from arrangement.rational import certificate_reduced as _reduced

if TYPE_CHECKING:  # only for the annotations: no import cycle with the producers
    from exact.certify import Solution
    from exact.check import CheckResult

__all__ = ["FORMAT", "check_certificate", "paused_gc", "solution_certificate",
           "write_solution_certificate"]


def _reduced_texts(H: np.ndarray, den: int) -> tuple[list[list], list[list]]:
    """The entries of ``H / den`` and ``−H / den`` as the certificate writes them, row by row
    (vectorised gcds when the integers fit int64)."""
    if H.dtype != object and 0 < den < 2**62 and H.size and int(np.abs(H).max()) < 2**62:
        q = np.gcd(H, np.int64(den))
        num, dd = (H // q).tolist(), (np.int64(den) // q).tolist()
        plus = [[a if b == 1 else f"{a}/{b}" for a, b in zip(nr, dr)] for nr, dr in zip(num, dd)]
        minus = [[-a if b == 1 else f"{-a}/{b}" for a, b in zip(nr, dr)]
                 for nr, dr in zip(num, dd)]
        return plus, minus
    # one gcd per entry for both signs, the denominators' texts shared (they repeat: mostly
    # den itself); long numbers (≥ _LONG_BITS) keep the guarded path of certificate_ratio
    dens: dict[int, str] = {}
    plus, minus = [], []
    for row in H.tolist():
        pr, mr = [], []
        for x in row:
            x = int(x)
            g = math.gcd(x, den)
            a, b = (x, den) if g == 1 else (x // g, den // g)
            if a.bit_length() >= _LONG_BITS or b.bit_length() >= _LONG_BITS:
                pr.append(_ratio(a, b))
                mr.append(_ratio(-a, b))
            elif b == 1:
                pr.append(a)
                mr.append(-a)
            else:
                t = dens.get(b)
                if t is None:
                    t = dens[b] = f"/{b}"
                pr.append(f"{a}{t}")
                mr.append(f"{-a}{t}")
        plus.append(pr)
        minus.append(mr)
    return plus, minus


#: numbers of this many bits or more are written by certificate_ratio's guarded path
_LONG_BITS = 9_000


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a block that builds a large, acyclic JSON
    tree: the certificate of a (40, 4) solve holds millions of small lists and dicts, and
    the collector's repeated passes over them cost about twice the building itself (measured);
    the tree has no cycles, so nothing is left uncollected. Restores the previous state.

    >>> with paused_gc():
    ...     gc.isenabled()
    False
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def solution_certificate(sol: Solution, X: Sequence[Sequence[object]], y: Sequence[object],
                         beta: object, *, completeness: bool = True) -> dict:
    """The JSON-ready ``kind: "solve"`` certificate of a Solution (docs/certificates.md).

    ``completeness=False`` leaves out the completeness certificate (the verifier then answers
    "not proved", exit status 3).

    >>> from exact.certify import solve
    >>> sol = solve([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> sorted(solution_certificate(sol, [[1, 0], [0, 1]], [1, -1], "1/2", completeness=False))
    ['chambers', 'claims', 'data', 'dual', 'format', 'kind', 'loss', 'network']
    """
    with paused_gc():
        cert, chambers, comp = _solution_parts(sol, X, y, beta, completeness)
        cert["chambers"] = [c for block in chambers for c in block]
        if comp is not None:
            cert["completeness"]["chambers"] = [c for block in comp for c in block]
        return cert


#: stand in for the chamber lists while the rest of a streamed certificate is encoded (JSON
#: escapes the NULs, so no number or key of a certificate can contain their encodings)
_SLOT = "\0chambers\0"
_COMPLETENESS_SLOT = "\0completeness chambers\0"


def write_solution_certificate(sol: Solution, X: Sequence[Sequence[object]],
                               y: Sequence[object], beta: object, path: str, *,
                               completeness: bool = True) -> None:
    """Write the certificate of :func:`solution_certificate` to ``path`` as compact JSON,
    byte for byte what ``arrangement.certificate.write_certificate`` writes for it, but a block
    of chambers at a time, for the chamber list and for the completeness certificate's (the
    whole tree of a (40, 5) certificate took gigabytes): ``-`` is standard output, a name
    ending in ``.gz`` is gzip-compressed.

    >>> import os, tempfile
    >>> from exact.certify import solve
    >>> sol = solve([[1, 0], [0, 1]], [1, -1], "1/2")
    >>> p = os.path.join(tempfile.mkdtemp(), "c.json")
    >>> write_solution_certificate(sol, [[1, 0], [0, 1]], [1, -1], "1/2", p)
    >>> json.load(open(p))["claims"]["num_chambers"]
    4
    """
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)  # as write_certificate: numbers may have thousands of digits
    if sol.program is not None:
        sol.program.trim_cache()  # the screens' float arrays: not needed from here on
    try:
        with paused_gc():
            cert, chambers, comp = _solution_parts(sol, X, y, beta, completeness, texts=True)
            cert["chambers"] = _SLOT
            if comp is not None:
                cert["completeness"]["chambers"] = _COMPLETENESS_SLOT
            text = json.dumps(cert, separators=(",", ":"))
            head, rest = text.split(json.dumps(_SLOT))
            parts: list[Iterator[str] | str] = [head, _list_text(chambers)]
            if comp is not None:
                mid, rest = rest.split(json.dumps(_COMPLETENESS_SLOT))
                parts += [mid, _list_text(comp)]
            parts.append(rest + "\n")
            _write_text(path, parts)
    finally:
        sys.set_int_max_str_digits(old)


def _list_text(blocks: Iterator[list] | Iterator[str]) -> Iterator[str]:
    """The compact JSON text of the list that ``blocks`` gives in parts, one string per block
    (``json.dumps`` of a whole block: one call, not one per chamber; a block given as a string
    is already the text of its entries, comma-separated)."""
    yield "["
    first = True
    for block in blocks:
        if not block:
            continue
        body = block if isinstance(block, str) else json.dumps(block, separators=(",", ":"))[1:-1]
        yield body if first else "," + body
        first = False
    yield "]"


def _write_text(path: str, parts: list[Iterator[str] | str]) -> None:
    """The concatenation of ``parts`` (strings and iterators of strings) to ``path`` (``-``,
    ``.gz``, a file), written as it is produced."""
    def texts() -> Iterator[str]:
        for part in parts:
            if isinstance(part, str):
                yield part
            else:
                yield from part

    if path == "-":
        for t in texts():
            sys.stdout.write(t)
        return
    try:
        if path.endswith(".gz"):
            import gzip

            with gzip.open(path, "wt", encoding="utf-8", compresslevel=1) as fh:
                for t in texts():
                    fh.write(t)
        else:
            with open(path, "w", encoding="utf-8") as fh:
                for t in texts():
                    fh.write(t)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror}") from None


def _solution_parts(sol: Solution, X: Sequence[Sequence[object]], y: Sequence[object],
                    beta: object, completeness: bool, texts: bool = False
                    ) -> tuple[dict, Iterator[list[dict]] | Iterator[str],
                               Iterator[list] | Iterator[str] | None]:
    """The certificate without its chamber lists (``None`` in their places, so the key order
    is kept), a generator of the chamber entries in blocks (``texts``: of their JSON texts,
    :func:`_chamber_texts`), and one of the completeness certificate's chambers in blocks
    (None without completeness; ``texts``: also as JSON texts)."""
    from exact.certify import h_matrix
    from exact.convex import ConvexProgram

    cp = sol.program
    if cp is None:
        cp = ConvexProgram(X, y, beta, sol.loss)
    arr = cp.arrangement
    cert = {
        "format": FORMAT,
        "kind": "solve",
        "loss": sol.loss,
        "data": {"X": [[_q(x) for x in row] for row in cp.X], "y": [_q(t) for t in cp.y],
                 "beta": _q(cp.beta)},
        "network": {"neurons": [{"u": [_q(t) for t in nr.u], "alpha": _q(nr.alpha)}
                                for nr in sol.network.neurons]},
        "dual": {"v": [_q(t) for t in sol.dual], "kappa": _q(sol.kappa)},
        "chambers": None,
        "claims": {"lower": _q(sol.lower), "upper": _q(sol.upper), "gap": _q(sol.gap),
                   "num_chambers": cp.p},
    }
    comp = None
    if completeness:
        if not isinstance(arr, Arrangement):
            raise InputError("a completeness certificate needs the full arrangement: this "
                             f"program is built on a {type(arr).__name__} (a chamber subset); "
                             "pass completeness=False")
        cert["completeness"], comp = completeness_parts(arr, texts=texts)
    entries = _chamber_texts if texts else _chamber_entries
    return cert, entries(sol, cp, arr, h_matrix), comp


def _rows(rows, b0: int, b1: int) -> list[list[int]]:
    """Rows ``b0 … b1 − 1`` of a sequence of integer rows (a RowView or a list of tuples) as
    lists of Python ints."""
    return [list(r) for r in rows[b0:b1]]


#: chambers per block of the streamed chamber entries
_TEXT_BLOCK = 4096


def _chamber_entries(sol: Solution, cp, arr, h_matrix) -> Iterator[list[dict]]:
    """The chamber entries of a solve/check certificate, in blocks of ``_TEXT_BLOCK``."""
    # h = Xᵀ D_i v for every chamber at once, in integers over one common denominator
    # (exact.certify.h_matrix); per-number Fractions dominated the writing time
    v = tuple(Fraction(t) for t in sol.dual)
    own = sol.bounds
    if getattr(own, "v", None) == v:  # the dual pieces' own H at this v: no second copy
        H, den = own.H, own.den  # type: ignore[attr-defined]
    else:
        H, den = h_matrix(cp, v)
    fast = getattr(sol.bounds, "ratios", None)
    projections = sol.projections
    for b0 in range(0, cp.p, _TEXT_BLOCK):
        b1 = min(cp.p, b0 + _TEXT_BLOCK)
        # the texts of g = ±h_i, and the rows of signs, patterns, witnesses, block by block
        Gp, Gm = _reduced_texts(H[b0:b1], den)
        signs, patterns, witnesses = (_rows(cp.signs, b0, b1), _rows(cp.patterns, b0, b1),
                                      _rows(cp.witnesses, b0, b1))
        out = []
        for r, i in enumerate(range(b0, b1)):
            # the row behind each cone row (exact.types.ChamberSource.facet_rows)
            facets = [{"row": int(j), "a": list(a)}
                      for j, a in zip(arr.facet_rows(i), cp.cones[i])]
            grs = []
            for s, gq in ((1, Gp[r]), (-1, Gm[r])):
                c = projections.get((i, s))
                if c is not None:
                    g = [Fraction(s * int(x), den) for x in H[i]]
                    grs.append({"sign": s, "g": gq, "p": [_q(x) for x in c.p],
                                "lambda": [_q(x) for x in c.lam], "t": _q(dot(c.p, g))})
                    continue
                # dual feasible by a Moreau bound on ‖Π_C(g)‖² (exact.certify.DualPieces)
                rat = fast((i, s)) if fast is not None else None
                if rat is not None:
                    grs.append({"sign": s, "g": gq, "bound": "dual",
                                "lambda": [0 if a == 0 else _reduced(a, b) for a, b in rat]})
                    continue
                lam = None if fast is not None else sol.bounds.get((i, s))
                grs.append({"sign": s, "g": gq, "bound": "norm"} if lam is None
                           else {"sign": s, "g": gq, "bound": "dual",
                                 "lambda": [_q(x) for x in lam]})
            out.append({"index": i, "signs": signs[r], "pattern": patterns[r],
                        "witness": witnesses[r], "facets": facets, "groups": grs})
        yield out


def _g_bodies(H: np.ndarray, den: int) -> tuple[list[str], list[str]]:
    """The JSON bodies (no brackets) of the rows of ``H / den`` and ``−H / den`` as the
    certificate writes their numbers (:func:`_reduced_texts`), both from one reduction."""
    if H.dtype != object:
        Gp, Gm = _reduced_texts(H, den)
        return json_row_texts(Gp), json_row_texts(Gm)
    dens: dict[int, str] = {}
    plus, minus = [], []
    for row in H.tolist():
        pr, mr = [], []
        for x in row:
            x = int(x)
            g = math.gcd(x, den)
            a, b = (x, den) if g == 1 else (x // g, den // g)
            if a.bit_length() >= _LONG_BITS or b.bit_length() >= _LONG_BITS:
                pr.append(json.dumps(_ratio(a, b)))
                mr.append(json.dumps(_ratio(-a, b)))
            elif b == 1:
                pr.append(str(a))
                mr.append(str(-a))
            else:
                t = dens.get(b)
                if t is None:
                    t = dens[b] = f'/{b}"'
                if a < 0:
                    sa = str(-a)
                    pr.append(f'"-{sa}{t}')
                    mr.append(f'"{sa}{t}')
                else:
                    sa = str(a)
                    pr.append(f'"{sa}{t}')
                    mr.append(f'"-{sa}{t}')  # a ≠ 0: 0/den reduces to b = 1
        plus.append(",".join(pr))
        minus.append(",".join(mr))
    return plus, minus


#: the texts of 2**k, the denominators of dyadic multipliers
_POW2 = [str(1 << k) for k in range(1100)]


def _trailing_zeros(M: np.ndarray) -> np.ndarray:
    """The trailing zero bits of each int64 ``M ≥ 0`` (0 where M = 0): the lowest set bit
    ``M & −M``, a power of two, has its exponent read exactly by ``frexp``."""
    low = M & -M
    return np.where(M > 0, np.frexp(low.astype(np.float64))[1].astype(np.int64) - 1, 0)


def _odd_dyadics(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``(N, E)`` with ``x = N·2^E`` exactly, N an odd int64 (0 where x = 0), for floats
    ``x ≥ 0``: the 53-bit integer of ``frexp``'s mantissa with its trailing zeros moved into E."""
    m, e = np.frexp(x)
    N = np.ldexp(m, 53).astype(np.int64)                 # exact: m has 53 bits
    tz = _trailing_zeros(N)
    return N >> tz, e.astype(np.int64) - 53 + tz


def _dyadic_texts(mu: np.ndarray, widths: list[int]) -> list[str] | None:
    """The JSON bodies (no brackets) of the rows ``mu[r, :widths[r]]`` of dyadic floats ≥ 0,
    each entry as :func:`arrangement.rational.certificate_reduced` writes its reduced ratio
    (``x.as_integer_ratio()``), vectorised: ``x = N·2^E`` from ``frexp`` with the trailing zeros
    of the 53-bit integer N moved into E. None when an entry is negative, not finite or an
    integer of 62 bits or more (the caller then takes the per-number path)."""
    if not mu.size:
        return ["" for _ in widths]
    if not np.isfinite(mu).all() or (mu < 0).any() or float(mu.max()) >= 2.0**62:
        return None
    N, E = _odd_dyadics(mu)
    N = np.where(E > 0, N << np.maximum(E, 0), N)        # integers (< 2^62, checked above)
    K = np.where(N > 0, np.maximum(-E, 0), 0)            # the denominator 2^K of each entry
    out = []
    for nr, kr, w in zip(N.tolist(), K.tolist(), widths):
        out.append(",".join([str(n) if k == 0 else f'"{n}/{_POW2[k]}"'
                             for n, k in zip(nr[:w], kr[:w])]))
    return out


def _chamber_texts(sol: Solution, cp, arr, h_matrix) -> Iterator[str]:
    """The chamber entries of :func:`_chamber_entries` as their compact JSON text, one string
    per block of ``_TEXT_BLOCK`` chambers (the entries comma-separated, no brackets): byte for
    byte ``json.dumps`` of those entries, built from whole-block texts of the integer rows and
    of the numbers (the per-chamber dicts and their encoding were most of the writing time of a
    (40, 5) certificate)."""
    v = tuple(Fraction(t) for t in sol.dual)
    own = sol.bounds
    if getattr(own, "v", None) == v:  # the dual pieces' own H at this v: no second copy
        H, den = own.H, own.den  # type: ignore[attr-defined]
    else:
        H, den = h_matrix(cp, v)
    fast = getattr(own, "ratios", None)
    rows_of = getattr(own, "multiplier_rows", None) if fast is not None else None
    scaled_of = getattr(own, "scaled_rows", None) if fast is not None else None
    float_of = getattr(own, "float_rows", None) if fast is not None else None
    projections = sol.projections
    facet_text: dict[tuple[int, tuple[int, ...]], str] = {}
    sign_rows, pattern_rows = np.asarray(cp.signs), np.asarray(cp.patterns)
    for b0 in range(0, cp.p, _TEXT_BLOCK):
        b1 = min(cp.p, b0 + _TEXT_BLOCK)
        gp, gm = _g_bodies(H[b0:b1], den)
        signs, patterns = (small_int_row_texts(sign_rows[b0:b1]),
                           small_int_row_texts(pattern_rows[b0:b1]))
        if signs is None or patterns is None:
            signs, patterns = (json_row_texts(_rows(cp.signs, b0, b1)),
                               json_row_texts(_rows(cp.patterns, b0, b1)))
        witnesses = json_row_texts(_rows(cp.witnesses, b0, b1))
        cones = cp.cones[b0:b1]  # the block's facet rows at once (exact.convex.ConeList)
        widths = [len(c) for c in cones]
        # the descent multipliers of the whole block as text at once
        mtext: dict[tuple[int, int], str] = {}
        if rows_of is not None:
            mr = rows_of(b0, b1)
            rr, cc = np.nonzero(mr >= 0)
            if len(rr):
                mu = own.mu  # type: ignore[attr-defined]
                texts = _dyadic_texts(mu[mr[rr, cc]], [widths[r] for r in rr.tolist()])
                if texts is not None:
                    mtext = {(r, c): t for r, c, t in zip(rr.tolist(), cc.tolist(), texts)}
        if scaled_of is not None:
            mtext.update(_scaled_texts(own, scaled_of(b0, b1), widths))
        if float_of is not None:
            mtext.update(_float_scaled_texts(own, float_of(b0, b1), widths))
        out = []
        for r, i in enumerate(range(b0, b1)):
            ft = []
            for j, a in zip(arr.facet_rows(i), cones[r]):
                key = (j, a)
                t = facet_text.get(key)
                if t is None:
                    t = facet_text[key] = json.dumps({"row": int(j), "a": list(a)},
                                                     separators=(",", ":"))
                ft.append(t)
            grs = []
            for s, gq, col in ((1, gp[r], 0), (-1, gm[r], 1)):
                head = f'{{"sign":{s},"g":[{gq}],'
                if (i, s) in projections:
                    c = projections[(i, s)]
                    g = [Fraction(s * int(x), den) for x in H[i]]
                    tail = json.dumps({"p": [_q(x) for x in c.p],
                                       "lambda": [_q(x) for x in c.lam], "t": _q(dot(c.p, g))},
                                      separators=(",", ":"))[1:]
                    grs.append(head + tail)
                    continue
                lt = mtext.get((r, col))
                if lt is None and fast is not None:
                    rat = fast((i, s))
                    if rat is not None:
                        lt = ",".join(["0" if a == 0 else _lam_text(a, b) for a, b in rat])
                if lt is not None:
                    grs.append(f'{head}"bound":"dual","lambda":[{lt}]}}')
                    continue
                lam = None if fast is not None else sol.bounds.get((i, s))
                grs.append(head + ('"bound":"norm"}' if lam is None else
                                   '"bound":"dual","lambda":'
                                   + json.dumps([_q(x) for x in lam], separators=(",", ":"))
                                   + "}"))
            out.append(f'{{"index":{i},"signs":[{signs[r]}],"pattern":[{patterns[r]}],'
                       f'"witness":[{witnesses[r]}],"facets":[{",".join(ft)}],'
                       f'"groups":[{grs[0]},{grs[1]}]}}')
        yield ",".join(out)


def _scaled_texts(own, sr: np.ndarray, widths: list[int]) -> dict[tuple[int, int], str]:
    """The λ texts of a block's groups recorded as integer multiplier rows ``μ`` on the scale
    of an interval H (``λ = μ·2^shift/den``, :class:`exact.interval_pass.ScaledDismissals`;
    ``sr`` from its ``scaled_rows``): ``{(row, column): body}``, each entry as
    :func:`_lam_text` writes it; :func:`_dyadic_scaled_texts` when den is a power of two, else
    one gcd per distinct μ of the block (the per-group ratios were a third of the (40, 5)
    writing: 296k such groups)."""
    rr, cc = np.nonzero(sr >= 0)
    if not len(rr):
        return {}
    imu, sh, dn = own.imu, own.shift, own.den
    M = imu[sr[rr, cc]]
    ws = [widths[r] for r in rr.tolist()]
    texts = _dyadic_scaled_texts(M, ws, sh, dn)
    if texts is not None:
        return dict(zip(zip(rr.tolist(), cc.tolist()), texts))
    cache: dict[int, str] = {0: "0"}
    out = {}
    for r, c, row, w in zip(rr.tolist(), cc.tolist(), M.tolist(), ws):
        parts = []
        for m in row[:w]:
            t = cache.get(m)
            if t is None:
                a = m << sh
                q = math.gcd(a, dn)
                t = cache[m] = _lam_text(a // q, dn // q)
            parts.append(t)
        out[(r, c)] = ",".join(parts)
    return out


def _float_scaled_texts(own, fr: np.ndarray, widths: list[int]) -> dict[tuple[int, int], str]:
    """The λ texts of a block's groups recorded as rows of float multipliers on the scale of
    an interval H (code 6 of :class:`exact.interval_pass.ScaledDismissals`; ``fr`` from its
    ``float_rows``): ``{(row, column): body}``, each entry as :func:`_lam_text` writes the
    reduced ``a·2^shift/(b·den)`` of the float's ``a/b``.

    With ``x = N·2^E`` (N odd, from ``frexp``) and ``den = 2^e·D`` (D odd), ``λ = N·2^(E + shift
    − e)/D``, and the gcd is ``gcd(N, D mod N)``: one Python remainder per entry and int64
    gcds, each denominator's text made once, instead of a gcd of den-sized integers and a
    ratio list per group (17-digit data: nearly every group is of this kind; diabetes (40, 4)
    with 17 digits: the chamber texts 0.98 → 0.68 s under cProfile).
    """
    rr, cc = np.nonzero(fr >= 0)
    if not len(rr):
        return {}
    F = own.fmu[fr[rr, cc]]
    ws = [widths[r] for r in rr.tolist()]
    F = np.where(np.arange(F.shape[1])[None, :] < np.array(ws)[:, None], F, 0.0)
    sh, dn = own.shift, own.den
    e = (dn & -dn).bit_length() - 1
    D = dn >> e
    N, E = _odd_dyadics(F)
    P = E + (sh - e)                                     # λ = N·2^P / D, N odd (or 0)
    R = np.zeros(N.size, dtype=np.int64)
    nz = np.flatnonzero(N)
    R[nz] = [D % x for x in N.ravel()[nz].tolist()]
    g = np.where(N > 0, np.gcd(N, R.reshape(N.shape)), 1)
    num, gl, pl = (N // g).tolist(), g.tolist(), P.tolist()
    # each denominator's text once: (D/g)·2^(−P) for P < 0 (few distinct, and as long as den)
    dens: dict[tuple[int, int], tuple[int, str | None]] = {}
    out = {}
    for r, c, nr, grow, prow, w in zip(rr.tolist(), cc.tolist(), num, gl, pl, ws):
        parts = []
        for a, q, p_ in zip(nr[:w], grow[:w], prow[:w]):
            if a == 0:
                parts.append("0")
                continue
            key = (q, p_ if p_ < 0 else 0)
            ent = dens.get(key)
            if ent is None:
                b = (D // q) << -key[1]
                ent = dens[key] = (b, None if b.bit_length() >= _LONG_BITS
                                   else "" if b == 1 else f'/{b}"')
            if p_ > 0:
                a <<= p_
            bt = ent[1]
            if bt is None or a.bit_length() >= _LONG_BITS:
                parts.append(_lam_text(a, ent[0]))  # a long number: the guarded path
            else:
                parts.append(f'"{a}{bt}' if bt else str(a))
        out[(r, c)] = ",".join(parts)
    return out


def _dyadic_scaled_texts(M: np.ndarray, widths: list[int], sh: int, dn: int
                         ) -> list[str] | None:
    """The bodies of the rows ``M[r, :widths[r]]·2^sh/dn`` for ``dn = 2^e`` (the usual case: v
    on a dyadic grid), reduced by the trailing zeros of μ found in int64 (no gcd); None when dn
    is not a power of two, an entry is negative, or a value is an integer other than 0 or
    needs a denominator beyond :data:`_POW2` (the caller then takes the gcd path)."""
    e = dn.bit_length() - 1
    if dn != 1 << e or not M.size or int(M.min()) < 0:
        return None
    tz = _trailing_zeros(M)
    N, E = M >> tz, tz + (sh - e)  # λ = N·2^E, N odd
    if int(E.max()) > 0 or int(-E.min()) >= len(_POW2):
        return None
    return [",".join(["0" if n == 0 else str(n) if k == 0 else f'"{n}/{_POW2[-k]}"'
                      for n, k in zip(nr[:w], er[:w])])
            for nr, er, w in zip(N.tolist(), E.tolist(), widths)]


def _lam_text(a: int, b: int) -> str:
    """The JSON text of the reduced ratio a/b as the certificate writes it."""
    x = _reduced(a, b)
    return str(x) if isinstance(x, int) else f'"{x}"'


def check_certificate(result: CheckResult, *, completeness: bool = True) -> dict:
    """The JSON-ready ``kind: "check"`` certificate of a CheckResult (docs/certificates.md).

    The evidence has the layout of a solve certificate for the network under test; requires a
    rational network.

    >>> from exact.check import check
    >>> from exact.network import Network
    >>> r = check(Network.from_lists([((0, 1), 1)]), [[1, 0], [0, 1]], [1, -1], "1/2")
    >>> cert = check_certificate(r)
    >>> cert["kind"], cert["claims"]["verdict"], cert["dual"]["source"]
    ('check', 'not optimal', 'residual')
    """
    from exact.certify import Solution
    from exact.check import MARGIN_BAND

    net, cp = result.network, result.program
    if net is None or cp is None:
        raise InputError("this CheckResult carries no network or program")
    if not net.is_rational:
        raise InputError("a check certificate needs a rational network (use psi_rational)")
    upper = Fraction(result.upper)
    sol = Solution(lower=result.lower, upper=upper, gap=upper - result.lower, network=net,
                   groups={}, active_groups=[], dual=tuple(result.dual), kappa=result.kappa,
                   projections=result.projections, bounds=result.bounds, chambers=cp.p,
                   loss=cp.loss, beta=cp.beta, program=cp)
    cert = solution_certificate(sol, cp.X, cp.y, cp.beta, completeness=completeness)
    cert["kind"] = "check"
    cert["dual"]["source"] = result.dual_source
    if result.dual_source == "subgradient":
        cert["dual"]["band"] = _q(MARGIN_BAND)
    claims: dict[str, object] = {
        "verdict": result.verdict, "objective": _q(upper), "lower": _q(result.lower),
        "upper": _q(upper), "gap": _q(upper - result.lower), "tol": _q(result.tol),
        "epsilon": _q(Fraction(result.epsilon)), "num_chambers": cp.p}
    if result.dual_source != "solve":
        # the most violated (chamber, sign): the verifier recomputes t_max from the evidence
        if result.worst_chamber is None:
            raise InputError("this CheckResult names no worst chamber for its own dual source")
        claims["worst_chamber"] = list(result.worst_chamber)
        claims["violation"] = _q(result.violation)
    cert["claims"] = claims
    if result.verdict == "not optimal" and result.better is not None \
            and result.better_objective is not None:
        cert["better"] = {
            "network": {"neurons": [{"u": [_q(t) for t in nr.u], "alpha": _q(nr.alpha)}
                                    for nr in result.better.neurons]},
            "objective": _q(Fraction(result.better_objective)),
        }
    return cert
