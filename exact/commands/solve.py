"""``relucvx solve DATA``: the certified global optimum, the optimal set, m* and a closed form.

Solves the convex program of two-layer ReLU training exactly certified (:func:`exact.certify.solve`,
docs/MATH.md §4, §7): ``lower ≤ P* ≤ upper`` with exact rationals and the network attaining
``upper``.
For the squared loss it also describes the optimal set (:mod:`exact.optimal_set`: the vertices of
the optimal polytope, ``m*``, exact when ``v*`` is recovered) and tries a closed form of ``P*``
(:mod:`exact.closed_form`). ``--certificate FILE`` writes a ``kind: "solve"`` certificate with the
arrangement's completeness certificate embedded under ``"completeness"`` (``relucvx verify FILE``
checks both); ``--net-out FILE`` writes the network (``relucvx-network/1``).

References: Wang, Lacotte & Pilanci (2022), arXiv:2006.05900, and its poster (docs/MATH.md).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from fractions import Fraction
from typing import TYPE_CHECKING

from arrangement.errors import InputError
from arrangement.instances import read_instance
from arrangement.limits import MAX_CERTIFICATE_D, check_dynamic_range, check_parameter
from arrangement.rational import format_fraction, to_fraction
from exact.commands.conv_support import conv_options
from exact.commands.options import data_options, limit_options, model_options, output_options
from exact.commands.outputs import require_outputs
from exact.losses import get_loss

if TYPE_CHECKING:
    from exact.closed_form import ClosedForm


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``solve`` subcommand to the ``relucvx`` parser."""
    p = sub.add_parser("solve", help="certified global optimum, optimal set and m* of DATA",
                       description=__doc__.splitlines()[0],
                       parents=[data_options(needs_y=True), model_options(), output_options(),
                                limit_options(), conv_options()])
    p.add_argument("--tol", metavar="T", default="1e-12",
                   help="relative gap to reach, parsed exactly (default 1e-12)")
    p.add_argument("--certificate", metavar="FILE", help="write a checkable certificate")
    p.add_argument("--net-out", metavar="FILE", help="write the network as JSON")
    p.add_argument("--method", choices=["auto", "cutting", "full"], default="auto",
                   help="numeric guess: cutting planes over the exact chamber list, the full "
                        "conic program, or auto (cutting planes from 100 groups on); the "
                        "certificate covers every chamber either way")
    p.add_argument("--extras", action="store_true",
                   help="compute the optimal set, m* and the closed form (or the hinge's "
                        "pruned width) even above their budget")
    from exact.commands.relu3 import add_options

    add_options(p)
    p.set_defaults(func=run)


def _decimal(q: Fraction, digits: int = 15) -> str:
    """``q`` to ``digits`` significant digits, computed exactly (no float rounding)."""
    if q == 0:
        return "0"
    from decimal import Context, Decimal

    ctx = Context(prec=digits)
    return format(ctx.divide(Decimal(q.numerator), Decimal(q.denominator)), "g")


def _digits15(value: object) -> str:
    """A closed form's value to 15 digits (sympy's ``N``). sympy is imported here, only when
    there is a closed form: it was imported for every optimal set, about 0.2 s CPU in a fresh
    process when the closed form itself was skipped."""
    import sympy

    return str(sympy.N(value, 15))


def _parse_tol(text: str) -> Fraction:
    # the documented range (docs/limits.md): refused before any work, not after the solve
    return check_parameter(to_fraction(text, where="--tol"), "--tol")


#: Above this many active groups the extras (optimal set, m*, closed form, minimal-network
#: counts; the hinge's pruning) are skipped unless ``--extras``: their cost grows with the
#: number of candidate groups (exact LPs, vertex enumeration) and would dominate the solve.
EXTRAS_MAX_GROUPS = 16

#: The extras' time budget as a share of the certified solve (issue 15: the command as a whole
#: within 1.5x its certification, session 10's target 1.3x at the solver suite's (12, 4)).
#: Reading, enumeration, the program's fresh caches and the parser are already about 0.2x
#: there, so the extras get 0.1x; each step whose cost grows with the program (the screen of
#: every group) is estimated before it starts and skipped when it cannot fit.
EXTRAS_SHARE = 0.1

#: ... but never less than this many CPU seconds on a small program (at most
#: :data:`EXTRAS_FLOOR_GROUPS` groups): the extras of a tiny solve are a few milliseconds of
#: fixed work (example:v1d's exact optimal set and rational closed form, about 4 ms after a
#: 23 ms solve) that keep their results whatever the machine's load.
EXTRAS_FLOOR = 0.015

#: The floor is for programs of at most this many (chamber, sign) groups (the examples of
#: docs/MATH.md §9 have at most 30); above it the extras' work grows with the program and the
#: budget is the share alone ((12, 4): 924 groups, a 0.05 s solve: 5 ms).
EXTRAS_FLOOR_GROUPS = 200


def extras_budget(solve_seconds: float, groups: int) -> float:
    """The extras' CPU budget after a certified solve of ``solve_seconds`` CPU seconds on a
    program of ``groups`` (chamber, sign) groups: :data:`EXTRAS_SHARE` of the solve, and at least
    :data:`EXTRAS_FLOOR` on a small program (:data:`EXTRAS_FLOOR_GROUPS`).

    >>> extras_budget(0.02, 12), round(extras_budget(0.05, 924), 4), extras_budget(1.0, 924)
    (0.015, 0.005, 0.1)
    """
    share = EXTRAS_SHARE * solve_seconds
    return max(share, EXTRAS_FLOOR) if groups <= EXTRAS_FLOOR_GROUPS else share


#: Measured exact work per vertex of the optimal polytope (cddlib, then each vertex's fit,
#: objective and network): (12, 4) of the solver suite, 512 vertices in about 0.2 s.
SECONDS_PER_VERTEX = 4e-4


def vertex_budget(solve_seconds: float) -> int:
    """How many vertices of the optimal polytope the extras may enumerate after a certified
    solve of ``solve_seconds``: :data:`EXTRAS_SHARE` of it at :data:`SECONDS_PER_VERTEX`, and at
    least 16 (:func:`exact.optimal_set.vertex_bound` is checked against it before any work).

    >>> vertex_budget(0.1), vertex_budget(4.0)
    (25, 1000)
    """
    return max(16, int(EXTRAS_SHARE * solve_seconds / SECONDS_PER_VERTEX))


class _progress_line:
    """``solving: cutting planes: round r, working set k groups, worst violation x (N s)`` on a
    terminal (stderr), with a clock that keeps running through the exact certification after
    the last round (exact/commands/ticker.py); silent when stderr is not a terminal."""

    def __init__(self) -> None:
        from exact.commands.ticker import StatusLine

        self.line = StatusLine("solving", "numeric guess, then exact certification")

    def __call__(self, rnd: int, size: int, worst: float) -> None:
        self.line.set(f"cutting planes: round {rnd}, working set {size} groups, worst "
                      f"violation {max(worst, 0.0):.2e}, then exact certification")

    def close(self) -> None:
        self.line.close()


def _extras_skipped(sol, force: bool) -> str | None:
    """Why the extras are skipped (None: they run), from the solve's size and gap."""
    if force:
        return None
    if not sol.stats.get("target_met", True):
        return "the gap target was not met, so the optimal set is not pinned down (--extras " \
               "forces it)"
    k = len(sol.active_groups)
    if k > EXTRAS_MAX_GROUPS:
        return (f"{k} active groups > budget {EXTRAS_MAX_GROUPS}: the exact optimal-set "
                "computation would dominate the solve (--extras forces it)")
    return None


def _closed_form_within(sol, optset, deadline: float | None, budget: float
                        ) -> tuple[ClosedForm | None, str | None]:
    """The closed form of ``P*`` within what is left of the extras' CPU budget (``deadline``,
    a ``time.process_time()`` value; None: ``--extras``, the closed form's own limit
    :data:`exact.closed_form.TIME_LIMIT`), and why it was skipped (None: it was not).

    Its eliminations and proofs are stopped at that limit (:func:`exact.closed_form.closed_form`,
    wall clock, which is never less than the CPU time of this process); before, a fixed 10 s
    limit allowed 10 s of extras after a solve of 0.1 s. A budget already spent by the optimal
    set skips it at once.

    >>> from exact.certify import solve
    >>> from exact.optimal_set import optimal_set
    >>> sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    >>> S = optimal_set(sol, networks=False)
    >>> cf, why = _closed_form_within(sol, S, None, 0.0)
    >>> str(cf.value), why
    ('37/200', None)
    >>> cf, why = _closed_form_within(sol, S, time.process_time() - 1, 0.5)
    >>> cf is None and "--extras forces it" in why
    True
    """
    why = (f"the closed form: the extras' time budget ({budget:.3f} s CPU, {EXTRAS_SHARE:g}x "
           "the certified solve) ran out {where} (--extras forces it)")
    c0 = time.process_time()
    if deadline is not None and deadline <= c0:
        # spent already: the limit below is at most deadline - c0, so the closed form is
        # skipped whatever its import costs; skipped before it, then (sympy, about 0.2 s CPU
        # in a fresh process: most of the extras of a fresh (20, 3) solve)
        return None, why.format(where="in the optimal set")
    from exact.closed_form import TIME_LIMIT, closed_form

    if deadline is not None:
        # the first import (sympy: about 0.3 s CPU) is a one-time cost of the process, not the
        # closed form's work: it is not charged to the budget (a warm solve of 20 ms after
        # other work skipped the rational closed form of example:v1d for it)
        deadline += time.process_time() - c0
    limit = TIME_LIMIT if deadline is None else min(deadline - time.process_time(), TIME_LIMIT)
    if limit <= 0:
        return None, why.format(where="in the optimal set")
    w0 = time.monotonic()
    try:
        cf = closed_form(sol, optset, time_limit=limit)
    except (ArithmeticError, ValueError, ZeroDivisionError):  # pragma: no cover
        return None, None  # a closed form is a bonus: never fail the solve over it
    if cf is None and deadline is not None and time.monotonic() - w0 >= limit:
        return None, why.format(where="during its eliminations and proofs")
    return cf, None


def run(args: argparse.Namespace) -> int:
    """Run ``relucvx solve``; returns the exit status (0)."""
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement

    require_outputs(args)  # --certificate, --net-out: refused before any work
    inst = read_instance(args.data, target=args.target, beta=args.beta, force=args.force,
                         y=args.y_file)
    if inst.y is None:
        raise InputError(f"DATA has no y: {args.data} gives only X (add \"y\" to the file, use "
                         "--target last, or give them with --y FILE)")
    if inst.beta is None:
        raise InputError(f"DATA has no beta: {args.data} (add \"beta\" or pass --beta B)")
    tol = _parse_tol(args.tol)
    check_dynamic_range(inst.X, inst.y, inst.beta, force=args.force)  # docs/limits.md
    if args.model == "relu3":
        from exact.commands.relu3 import run_solve

        return run_solve(args, inst)
    loss = get_loss(args.loss)
    loss.validate(inst.y)  # class labels for the classification losses
    if args.conv is not None or args.stride is not None or args.image is not None:  # a CNN
        from exact.commands.conv_support import solve_command

        return solve_command(args, inst, tol)
    arr = Arrangement(inst.X)
    if not args.force:
        arr.require_size(DEFAULT_CHAMBER_LIMIT)
    from exact.certify import solve
    from exact.rowspace import chamber_map, wide_reduction

    # wide data (d >> rank): the same program in <= 4 rank coordinates (exact/rowspace.py);
    # a certificate is about X itself, so it keeps the d-dimensional path (refused above the
    # policy unless --force: docs/limits.md)
    red = wide_reduction(inst.X, arr.rank)
    if red and args.certificate:
        if len(inst.X[0]) > MAX_CERTIFICATE_D and not args.force:
            raise InputError(f"--certificate on wide data (d = {len(inst.X[0])} > "
                             f"{MAX_CERTIFICATE_D}, rank {arr.rank}) needs d-dimensional "
                             "projections: write the network with --net-out and certify it "
                             "with 'relucvx check DATA NET --certificate FILE', or pass --force")
        red = None
    arr_solve = Arrangement(red.X) if red else arr
    t_start = time.perf_counter()
    arr_solve.chambers()  # the enumeration, timed on its own
    t0 = time.perf_counter()
    c0 = time.process_time()  # the extras' budgets are shares of the solve's CPU time
    progress = None if args.json or args.quiet else _progress_line()
    try:
        sol = solve(red.X if red else inst.X, inst.y, inst.beta, args.loss, tol,
                    arrangement=arr_solve, method=args.method, progress=progress)
    finally:
        if progress is not None:
            progress.close()
    network = red.lift_network(sol.network) if red else sol.network
    active = sol.active_groups
    if red:
        to_x = chamber_map(arr_solve, arr)
        active = [(to_x[i], s) for i, s in active]
    t_solve = time.perf_counter() - t0
    c_solve = time.process_time() - c0
    optset = cf = None
    cf_skipped: str | None = None
    m_star: int | None = None
    n_nets: int | None = None
    pruned = None
    skipped = _extras_skipped(sol, args.extras)
    if skipped is None and loss.supports_optimal_set:
        from exact.optimal_set import (
            MAX_EXACT_BITS,
            OverBudget,
            count_minimal_optimal_networks,
            optimal_set,
        )

        # the exact LP / vertex enumeration have size budgets, and all of it a time budget
        # (--extras lifts them)
        budget = extras_budget(c_solve, 2 * sol.chambers)
        deadline = None if args.extras else time.process_time() + budget
        try:
            optset = optimal_set(sol, networks=False,
                                 max_bits=None if args.extras else MAX_EXACT_BITS,
                                 max_vertices=None if args.extras else vertex_budget(c_solve),
                                 deadline=deadline)
        except OverBudget as exc:  # wine 20 x 6, raw: 103 s of exact projections, solve 9 s
            optset = None
            skipped = (f"the optimal set: {exc} ({budget:.3f} s CPU, {EXTRAS_SHARE:g}x the "
                       "certified solve; --extras forces it)")
        if optset is not None:
            m_star = optset.m_star
            n_nets = count_minimal_optimal_networks(optset)  # linear in the vertices
            cf, cf_skipped = _closed_form_within(sol, optset, deadline, budget)
    elif skipped is None:
        from exact.pruning import prune

        assert sol.program is not None  # solve() records the program it solved
        pruned = prune(sol.groups, sol.program)
    t_extras = time.perf_counter() - t0 - t_solve
    t1 = time.perf_counter()
    if args.certificate:
        from exact.certificates import write_solution_certificate

        # the completeness certificate is embedded: verify's exit 0 needs it; written one
        # chamber at a time (the whole tree of a large certificate took gigabytes)
        from exact.commands.ticker import StatusLine

        line = StatusLine("solving", f"writing the certificate {args.certificate}",
                          enabled=not (args.json or args.quiet))
        try:
            write_solution_certificate(sol, inst.X, inst.y, inst.beta, args.certificate)
        finally:
            line.close()
    if args.net_out:
        from exact.network_io import write_network

        write_network(network, args.net_out)
    t_write = time.perf_counter() - t1
    total = time.perf_counter() - t_start
    numeric = float(sol.stats.get("numeric_seconds", 0.0))
    out = {
        "name": inst.name, "n": len(inst.X), "d": len(inst.X[0]), "loss": args.loss,
        "beta": format_fraction(inst.beta),
        "lower": format_fraction(sol.lower), "upper": format_fraction(sol.upper),
        "gap": format_fraction(sol.gap), "lower_decimal": _decimal(sol.lower),
        "upper_decimal": _decimal(sol.upper), "gap_decimal": _decimal(sol.gap, 4),
        "gap_float": float(sol.gap),
        "gap_target": format_fraction(tol), "gap_target_met": bool(sol.stats["target_met"]),
        "gap_target_reason": sol.stats.get("reason"),
        "chambers": sol.chambers,
        "method": sol.stats.get("method"),
        "working_set": (sol.stats.get("cutting") or {}).get("working_set"),
        "active_groups": [[i, s] for i, s in active],
        "width": network.width,
        "m_star": m_star,
        "network": network.to_json_dict(),
        "seconds": {"enumeration": round(t0 - t_start, 4), "numeric": round(numeric, 4),
                    "certification": round(t_solve - numeric, 4),
                    "solve": round(t_solve, 4), "extras": round(t_extras, 4),
                    "writing": round(t_write, 4), "total": round(total, 4)},
    }
    out["extras_skipped"] = skipped
    if optset is not None:
        out["optimal_set"] = {
            "exact": optset.exact, "complete": optset.complete, "note": optset.note,
            "skipped": None if optset.skipped is None else f"{optset.skipped} (--extras "
                                                            "forces it)",
            "vertices": len(optset.vertices),
            "minimal_networks": n_nets, "m_star_le_n": optset.m_star_le_n,
            "m_star_le_n_plus_1": optset.m_star_le_n_plus_1,
            "p_star": None if optset.value is None else format_fraction(optset.value),
            "fit": [format_fraction(t) for t in optset.fit]}
        out["closed_form"] = None if cf is None else {
            "value": str(cf.value), "minimal_polynomial": str(cf.minimal_polynomial.as_expr()),
            "degree": cf.minimal_polynomial.degree(),
            "decimal": _digits15(cf.value),
            "interval": [format_fraction(cf.interval[0]), format_fraction(cf.interval[1])],
            "verified": cf.verified, "proved": cf.proved, "note": cf.note}
        out["closed_form_skipped"] = cf_skipped
    elif pruned is not None:
        out["pruned_width"] = len(pruned)
    if args.json:
        json.dump(out, sys.stdout)
        print()
    else:
        _print_summary(out, args)
    return 0


def _print_summary(s: dict, args: argparse.Namespace) -> None:
    from exact.cli import plural

    def line(label: str, value: object) -> None:
        print(f"  {label:<18}{value}")

    print(f"{s['name']}: n = {s['n']}, d = {s['d']}, beta = {s['beta']}, {s['loss']} loss")
    line("P*", f"in [{s['lower_decimal']}, {s['upper_decimal']}]")
    if len(s["lower"]) <= 40 and len(s["upper"]) <= 40:
        line("exactly", f"[{s['lower']}, {s['upper']}]")
    line("gap", f"{s['gap_decimal']} (exact rational in --json / the certificate)")
    rel = "relative gap target"
    if s["gap_target_met"]:
        line("target", f"met ({rel} {s['gap_target']})")
    else:
        line("target", f"NOT met ({rel} {s['gap_target']}): {s['gap_target_reason']}")
    line("chambers", s["chambers"])
    if s.get("working_set") is not None:
        line("numeric guess", f"cutting planes, final working set {s['working_set']} of "
                              f"{2 * s['chambers']} groups")
    line("active groups", ", ".join(f"({i},{'+' if g > 0 else '-'})"
                                    for i, g in s["active_groups"]) or "none")
    line("network width", s["width"])
    if "optimal_set" in s:
        o = s["optimal_set"]
        kind = "exact" if o["exact"] else "on the certified polytope"
        if o["complete"]:
            line("m*", f"{s['m_star']} ({kind}; m* <= n: {o['m_star_le_n']}; "
                       f"{plural(o['vertices'], 'vertex', 'vertices')}, "
                       f"{plural(o['minimal_networks'], 'distinct sparsest network')})")
        elif o["skipped"] is None:
            line("m*", f"<= {s['m_star']} (one vertex from an exact LP: too many candidate "
                       "groups to enumerate the optimal polytope)")
        else:
            line("m*", f"<= {s['m_star']} (one vertex: the certified network pruned exactly)")
        if o["skipped"] is not None:
            line("optimal set", f"exact LP / vertex enumeration skipped: {o['skipped']}")
        if o["p_star"] is not None:
            line("P* exactly", f"{o['p_star']} (gap-0 certificate: exact v* recovered)")
        cf = s.get("closed_form")
        if s.get("closed_form_skipped"):
            line("closed form", f"skipped: {s['closed_form_skipped']}")
        if cf is not None:
            status = ("proved" if cf["proved"] else
                      "inside the certified interval, not proved" if cf["verified"] else
                      "not verified")
            if cf["degree"] <= 2:
                line("closed form", f"{cf['value']} ({status})")
            else:
                line("closed form", f"~{cf['decimal']}, a root of a degree-{cf['degree']} "
                                    f"polynomial ({status}; the polynomial and an isolating "
                                    "interval are in --json)")
    elif "pruned_width" in s:
        line("pruned width", f"{s['pruned_width']} (Caratheodory; m* <= that)")
    if s["extras_skipped"]:
        what = ("optimal set, m*, closed form" if get_loss(s["loss"]).supports_optimal_set
                else "pruned width")
        line("extras", f"{what} skipped: {s['extras_skipped']}")
    if args.certificate:
        line("certificate", f"written to {args.certificate} (check: relucvx verify "
                            f"{args.certificate})")
    if args.net_out:
        line("network", f"written to {args.net_out}")
    t = s["seconds"]
    line("time", f"{t['total']:.3f} s: enumeration {t['enumeration']:.3f}, numeric guess "
                 f"{t['numeric']:.3f}, certification {t['certification']:.3f}, extras "
                 f"{t['extras']:.3f}, writing {t['writing']:.3f}")
