"""``relucvx check DATA NET``: is the network NET a global optimum of training on DATA?

Runs :func:`exact.check.check` (seed 000's polynomial-time test; docs/MATH.md §5–§7): the exact
objective of NET is an upper bound on ``P*``, its residual ``v = y − f(NET)`` (``--loss hinge``:
y times a subgradient of the hinge at NET's output) scaled into dual feasibility a certified
lower bound, and every (chamber, sign) is checked with an exact
projection. Verdict ``optimal`` (within the printed gap) or ``not optimal`` (with the most violated
chamber and a network of exactly smaller objective). Both verdicts exit 0: they are answers. Bad
input (missing file, malformed network, dimension mismatch, no y or beta) exits 2 with one line.

``--json`` prints one object with at least ``verdict, objective, lower, upper, gap,
worst_chamber, violation`` (exact numbers as ``"p/q"`` strings) and ``better_objective`` when not
optimal; ``--certificate FILE`` writes the ``kind: "check"`` certificate (``relucvx verify FILE``);
``--net-out FILE`` writes the better network.
"""

from __future__ import annotations

import argparse
import json
import sys

from arrangement.errors import InputError
from arrangement.instances import read_instance
from exact.commands.conv_support import conv_options
from exact.commands.options import data_options, limit_options, model_options, output_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("check", help="certify whether a network is a global optimum",
                       description=__doc__.splitlines()[0],
                       parents=[data_options(needs_y=True), model_options(), output_options(),
                                limit_options(), conv_options()])
    p.add_argument("net", metavar="NET", help="a network file: relucvx-network/1 .json, .npz "
                   "(U, alpha) or a PyTorch state_dict .pt (README: Network files)")
    p.add_argument("--tol", metavar="T", default="1/1000000000",
                   help="relative tolerance of the verdict 'optimal' (default 1/10^9)")
    p.add_argument("--certificate", metavar="FILE", help="write the check certificate")
    p.add_argument("--net-out", metavar="FILE", help="write the better network (if any)")
    p.add_argument("--no-completeness", action="store_true",
                   help="do not embed the completeness certificate in --certificate "
                        "(relucvx verify then exits 3: consistent, not a proof)")
    from exact.commands.relu3 import add_options

    add_options(p)
    p.set_defaults(func=run)


def read_network(path: str, *, force: bool = False):
    """Read NET in any format of :func:`exact.network_io.read_network` (JSON, ``.npz``, a
    PyTorch ``state_dict``); every problem is a one-line :class:`InputError` with the path.
    ``force`` lifts the file-size limit.

    >>> read_network("/no/such/net.json")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: no such file: /no/such/net.json
    """
    from exact.network_io import read_network as read_any

    return read_any(path, force=force)


def run(args: argparse.Namespace) -> int:
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement
    from arrangement.limits import check_dynamic_range, check_parameter
    from arrangement.rational import to_fraction
    from exact.check import check, check_certificate, number_text, result_summary
    from exact.cli import plural
    from exact.commands.outputs import require_outputs

    require_outputs(args)  # --certificate, --net-out: refused before any work
    inst = read_instance(args.data, target=args.target, beta=args.beta, force=args.force,
                         y=args.y_file)
    if inst.y is None:
        raise InputError(f"{args.data}: no targets y (add \"y\", use --target last, or "
                         "give them with --y FILE)")
    if inst.beta is None:
        raise InputError(f"{args.data}: no beta (add \"beta\" or pass --beta)")
    if args.model == "relu3":
        from exact.commands.relu3 import run_check

        check_dynamic_range(inst.X, inst.y, inst.beta, force=args.force)  # docs/limits.md
        return run_check(args, inst)
    from exact.losses import get_loss

    get_loss(args.loss).validate(inst.y)  # class labels for the classification losses
    if args.conv is not None or args.stride is not None or args.image is not None:  # a CNN
        from exact.commands.conv_support import check_command

        check_dynamic_range(inst.X, inst.y, inst.beta, force=args.force)
        return check_command(args, inst, check_parameter(
            to_fraction(args.tol, where="--tol"), "--tol", allow_zero=True))
    net = read_network(args.net, force=args.force)
    if net.width and net.dim != inst.d:
        raise InputError(f"{args.net}: the network has input dimension {net.dim} but "
                         f"{args.data} has {plural(inst.d, 'column')}")
    tol = check_parameter(to_fraction(args.tol, where="--tol"), "--tol", allow_zero=True)
    check_dynamic_range(inst.X, inst.y, inst.beta, force=args.force)  # docs/limits.md
    arr = Arrangement(inst.X)
    if not args.force:
        arr.require_size(DEFAULT_CHAMBER_LIMIT)
    arr.chambers()  # the enumeration (its own progress bar), before the status line starts
    from exact.commands.ticker import StatusLine

    status = StatusLine("checking", "exact dual pass over every chamber (and a solve if the "
                        "network is not optimal)", enabled=not (args.json or args.quiet))
    try:
        res = check(net, inst.X, inst.y, inst.beta, tol=tol, certificate=False,
                    arrangement=arr, loss=args.loss)
        summary = result_summary(res)
        summary["name"] = inst.name
        if args.certificate:
            if not net.is_rational:
                raise InputError(f"{args.net}: a check certificate needs a rational network")
            from arrangement.certificate import write_certificate

            status.set(f"writing the certificate {args.certificate}")
            write_certificate(check_certificate(res, completeness=not args.no_completeness),
                              args.certificate)
            summary["certificate"] = args.certificate
    finally:
        status.close()
    if net.notes:
        summary["network_notes"] = list(net.notes)
    if args.net_out and res.better is not None:
        from exact.network_io import write_network

        write_network(res.better, args.net_out)
        summary["net_out"] = args.net_out
    if args.json:
        json.dump(summary, sys.stdout)
        print()
        return 0
    s = summary

    def line(label: str, value: object) -> None:
        print(f"  {label:<22}{value}")

    print(f"{inst.name}: network of width {s['width']} on n = {inst.n}, d = {inst.d}, "
          f"beta = {number_text(inst.beta)}, {args.loss} loss ({plural(s['chambers'], 'chamber')})")
    for note in s.get("network_notes", []):
        line("network", note)
    line("verdict", s["verdict"].upper())
    line("objective L(theta)", f"{_short(s['objective'])}  (= upper bound on P*)")
    weak = "; weak far from an optimum" if "better_objective" in s else ""
    line("lower bound on P*", f"{_short(s['lower'])}  ({_DUAL_SOURCE[s['dual_source']]}{weak})")
    line("gap", f"{_short(s['gap'])}  (tolerance {_short(s['epsilon'])})")
    i, sg = s["worst_chamber"] or (None, None)
    line("worst chamber", f"{i}, sign {'+' if sg == 1 else '-'}  (t_max - beta^2 = "
                          f"{_short(s['violation'])})")
    line("stationarity", f"scaled {s['scaled']}, nearly minimal {s['nearly_minimal']}, "
                         f"subsampled optimum {s['subsampled_optimal']}")
    if "better_objective" in s:
        line("better network", f"objective {_short(s['better_objective'])}, from solving the "
                               "convex program,")
        line("", f"which also proves P* >= {_short(s['optimum_lower'])} (tighter than the "
                 "bound above)")
        if args.net_out:
            line("", f"written to {args.net_out}")
    if args.certificate:
        line("certificate", f"written to {args.certificate} (check: relucvx verify "
                            f"{args.certificate})")
    line("time", f"{s['seconds']:.3f} s")
    return 0


#: How ``check`` obtained the dual point behind its lower bound (``dual_source``), for the text.
_DUAL_SOURCE = {
    "residual": "from the residual y - f(theta), scaled",
    "subgradient": "from a hinge subgradient at f(theta), scaled",
    "solve": "from the solved convex program's dual",
}


def _short(text: str) -> str:
    """Exact text when short, else a decimal approximation marked with ``~``."""
    if len(text) <= 28:
        return text
    try:
        from fractions import Fraction

        return f"~{float(Fraction(text)):.12g}"
    except (ValueError, ZeroDivisionError, OverflowError):
        import sympy

        return f"~{float(sympy.N(sympy.sympify(text), 15)):.12g}"
