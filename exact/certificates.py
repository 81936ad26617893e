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

import math
import sys
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from arrangement.certificate import FORMAT, completeness_certificate
from arrangement.errors import InputError
from arrangement.rational import format_fraction

if TYPE_CHECKING:  # only for the annotations: no import cycle with the producers
    from exact.certify import Solution
    from exact.check import CheckResult

__all__ = ["FORMAT", "check_certificate", "solution_certificate"]


def _q(x: Fraction | int) -> int | str:
    """An exact number as the certificate writes it: an int, or the string ``"p/q"``."""
    x = Fraction(x)
    if x.denominator == 1 and abs(x.numerator) < 10**4000:
        return int(x)
    # Python limits int ↔ str conversions to 4300 digits by default: lift it for huge numbers
    old = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return format_fraction(x)
    finally:
        sys.set_int_max_str_digits(old)


def _dot(a: Sequence[Fraction], b: Sequence[Fraction]) -> Fraction:
    return sum((x * y for x, y in zip(a, b)), Fraction(0))


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
    from exact.convex import ConvexProgram

    cp = sol.program
    if cp is None:
        cp = ConvexProgram(X, y, beta, sol.loss)
    arr = cp.arrangement
    chambers = []
    # h = sum over the active rows of v_j x_j, in integers over one common denominator of v
    # (Fraction sums per chamber dominated the writing time): the same exact values
    vs = [Fraction(t) for t in cp.spread(sol.dual)]  # Sᵀv: v on the rows (pool > 1: a CNN)
    den = math.lcm(*(t.denominator for t in vs)) if vs else 1
    vnum = [t.numerator * (den // t.denominator) for t in vs]
    xint = all(Fraction(t).denominator == 1 for row in cp.X for t in row)
    for i in range(cp.p):
        pattern = list(cp.patterns[i])
        facets = [{"row": int(arr.classes[k].rows[0]), "a": [int(t) for t in a]}
                  for k, a in zip(arr.facets(i), cp.cones[i])]
        if xint:
            act = [j for j in range(cp.rows) if pattern[j]]
            h = [Fraction(sum(vnum[j] * int(cp.X[j][c]) for j in act), den)
                 for c in range(cp.d)]
        else:
            h = [sum((vs[j] * cp.X[j][c] for j in range(cp.rows) if pattern[j]),
                     Fraction(0)) for c in range(cp.d)]
        grs = []
        for s in (1, -1):
            g = [s * x for x in h]
            c = sol.projections.get((i, s))
            if c is None:
                # dual feasible by a Moreau bound on ‖Π_C(g)‖² (exact.certify.DualPieces)
                lam = sol.bounds.get((i, s))
                grs.append({"sign": s, "g": [_q(x) for x in g], "bound": "norm"} if lam is None
                           else {"sign": s, "g": [_q(x) for x in g], "bound": "dual",
                                 "lambda": [_q(x) for x in lam]})
                continue
            grs.append({"sign": s, "g": [_q(x) for x in g], "p": [_q(x) for x in c.p],
                        "lambda": [_q(x) for x in c.lam], "t": _q(_dot(c.p, g))})
        chambers.append({"index": i, "signs": list(cp.signs[i]), "pattern": pattern,
                         "witness": [int(t) for t in cp.witnesses[i]], "facets": facets,
                         "groups": grs})
    cert = {
        "format": FORMAT,
        "kind": "solve",
        "loss": sol.loss,
        "data": {"X": [[_q(x) for x in row] for row in cp.X], "y": [_q(t) for t in cp.y],
                 "beta": _q(cp.beta)},
        "network": {"neurons": [{"u": [_q(t) for t in nr.u], "alpha": _q(nr.alpha)}
                                for nr in sol.network.neurons]},
        "dual": {"v": [_q(t) for t in sol.dual], "kappa": _q(sol.kappa)},
        "chambers": chambers,
        "claims": {"lower": _q(sol.lower), "upper": _q(sol.upper), "gap": _q(sol.gap),
                   "num_chambers": cp.p},
    }
    if completeness:
        cert["completeness"] = completeness_certificate(arr)
    return cert


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
    claims = {"verdict": result.verdict, "objective": _q(upper), "lower": _q(result.lower),
              "upper": _q(upper), "gap": _q(upper - result.lower), "tol": _q(result.tol),
              "epsilon": _q(Fraction(result.epsilon)), "num_chambers": cp.p}
    if result.dual_source != "solve":
        # the most violated (chamber, sign): the verifier recomputes t_max from the evidence
        claims["worst_chamber"] = list(result.worst_chamber)
        claims["violation"] = _q(result.violation)
    cert["claims"] = claims
    if result.verdict == "not optimal" and result.better is not None:
        cert["better"] = {
            "network": {"neurons": [{"u": [_q(t) for t in nr.u], "alpha": _q(nr.alpha)}
                                    for nr in result.better.neurons]},
            "objective": _q(Fraction(result.better_objective)),
        }
    return cert
