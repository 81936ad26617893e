"""``relucvx solve DATA --model relu3`` and ``relucvx check DATA NET --model relu3``.

Three-layer ReLU sub-networks (docs/relu3.md): the certified optimum of the convex program over
both exact pattern sets (:func:`exact.relu3.solve_relu3`), the reconstructed network, and the
``kind: "relu3"`` certificate (docs/certificates.md §8); ``check`` compares a given network's
exact objective with the certified lower bound. Called from exact/commands/solve.py and
exact/commands/check.py when ``--model relu3`` is given.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from fractions import Fraction

from arrangement.errors import InputError
from arrangement.rational import format_fraction


def add_options(p: argparse.ArgumentParser) -> None:
    """``--model`` and ``--width`` on a subcommand's parser.

    >>> p = argparse.ArgumentParser(); add_options(p)
    >>> a = p.parse_args(["--model", "relu3", "--width", "3"]); a.model, a.width
    ('relu3', 3)
    """
    p.add_argument("--model", choices=["relu2", "relu3"], default="relu2",
                   help="relu2: two-layer network (default); relu3: three-layer ReLU "
                        "sub-networks (docs/relu3.md)")
    p.add_argument("--width", metavar="M1", type=int, default=None,
                   help="relu3: first-layer width of each sub-network (default 2; for check: "
                        "the network's)")


def _require(args: argparse.Namespace, inst) -> None:
    if inst.y is None:
        raise InputError(f"{args.data}: no targets y (add \"y\" or use --target last)")
    if inst.beta is None:
        raise InputError(f"{args.data}: no beta (add \"beta\" or pass --beta)")
    from exact.relu3 import relu3_loss

    relu3_loss(args.loss).validate(inst.y)  # squared or hinge (class labels for the hinge)


def _bounds(sol) -> dict:
    from exact.relu3 import GAP_TARGET

    out = {"lower": format_fraction(sol.lower), "upper": format_fraction(sol.upper),
           "gap": format_fraction(sol.gap), "lower_float": float(sol.lower),
           "upper_float": float(sol.upper), "relative_gap_float": float(sol.relative_gap),
           "gap_target": format_fraction(GAP_TARGET), "gap_target_met": sol.target_met}
    out["gap_target_reason"] = None if sol.target_met else (
        "the numeric guess (Clarabel, tolerance 1e-11) was not accurate enough for the exact "
        "bounds to meet the target; both bounds are still certified")
    return out


def run_solve(args: argparse.Namespace, inst) -> int:
    """``solve --model relu3``: print the certified bounds; write certificate and network."""
    from arrangement.certificate import write_certificate
    from exact.relu3 import LiftedPatterns, output_directions, relu3_certificate, solve_relu3

    _require(args, inst)
    width = 2 if args.width is None else args.width
    t0 = time.perf_counter()
    lp = LiftedPatterns(inst.X, width=width, force=args.force)
    t1 = time.perf_counter()
    sol = solve_relu3(inst.X, inst.y, inst.beta, patterns=lp, loss=args.loss)
    t2 = time.perf_counter()
    if args.certificate:
        write_certificate(relu3_certificate(sol, inst.y, inst.beta), args.certificate)
    if args.net_out:
        with open(args.net_out, "w", encoding="utf-8") as fh:
            json.dump(sol.network.to_json(), fh)
            fh.write("\n")
    out = {"name": inst.name, "model": "relu3", "n": inst.n, "d": inst.d, "width": width,
           "beta": format_fraction(inst.beta), "loss": args.loss, **_bounds(sol),
           "counts": lp.counts(), "subnetworks": len(sol.network.w3),
           "subnetworks_before_pruning": (None if sol.unpruned_network is None
                                          else len(sol.unpruned_network.w3)),
           "subnetwork_bound": output_directions(inst.X),
           "network": sol.network.to_json(),
           "seconds": {"enumeration": round(t1 - t0, 4), "solve": round(t2 - t1, 4),
                       "total": round(time.perf_counter() - t0, 4)}}
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return 0
    c = out["counts"]
    print(f"{inst.name}: three-layer sub-networks, width {width}, n = {inst.n}, d = {inst.d}, "
          f"beta = {out['beta']}, {args.loss} loss")
    print(f"  {'P*':<18}in [{out['lower_float']:.15g}, {out['upper_float']:.15g}]")
    print(f"  {'relative gap':<18}{out['relative_gap_float']:.3g} (exact rationals in --json)")
    if out["gap_target_met"]:
        print(f"  {'target':<18}met (relative gap target {out['gap_target']})")
    else:
        print(f"  {'target':<18}NOT met (relative gap target {out['gap_target']}): "
              f"{out['gap_target_reason']}")
    print(f"  {'patterns':<18}{c['chambers']} chambers (bound {c['chamber_bound']}), "
          f"{c['tuples']} tuples, {c['regions']} second-layer regions (bound "
          f"{c['region_bound']})")
    print(f"  {'network':<18}{out['subnetworks']} sub-networks of width {width} (pruned from "
          f"{out['subnetworks_before_pruning']}; at most {out['subnetwork_bound']}, "
          "docs/relu3.md §4)")
    if args.certificate:
        print(f"  {'certificate':<18}written to {args.certificate} (check: relucvx verify "
              f"{args.certificate})")
    if args.net_out:
        print(f"  {'network file':<18}written to {args.net_out}")
    print(f"  {'time':<18}{out['seconds']['total']:.3f} s")
    return 0


def read_relu3_network(path: str, *, force: bool = False):
    """Read a three-layer network JSON file (README "Three-layer networks").

    >>> read_relu3_network("/no/such/net.json")
    Traceback (most recent call last):
    ...
    arrangement.errors.InputError: no such file: /no/such/net.json
    """
    from arrangement.readers import load_json, read_text
    from exact.relu3 import Relu3Network

    obj = load_json(read_text(path, force=force))
    try:
        return Relu3Network.from_json(obj)
    except InputError as exc:
        raise InputError(f"{path}: {exc}") from None


def run_check(args: argparse.Namespace, inst) -> int:
    """``check --model relu3``: the network's exact objective against the certified bound."""
    from arrangement.certificate import write_certificate
    from arrangement.limits import check_parameter
    from arrangement.rational import to_fraction
    from exact.relu3 import relu3_certificate, solve_relu3

    _require(args, inst)
    net = read_relu3_network(args.net, force=args.force)
    if any(len(u) != inst.d for Wk in net.W1 for u in Wk):
        raise InputError(f"{args.net}: a first-layer neuron does not have {inst.d} entries")
    tol = check_parameter(to_fraction(args.tol, where="--tol"), "--tol", allow_zero=True)
    net_width = max((len(Wk) for Wk in net.W1), default=1)
    width = net_width if args.width is None else args.width
    if net_width > width:
        raise InputError(f"{args.net}: a sub-network has {net_width} first-layer neurons, "
                         f"more than --width {width}")
    t0 = time.perf_counter()
    objective = net.objective(inst.X, inst.y, inst.beta, args.loss)
    sol = solve_relu3(inst.X, inst.y, inst.beta, width=width, force=args.force, loss=args.loss)
    lower = sol.lower
    gap = objective - lower
    optimal = gap <= tol * max(Fraction(1), abs(objective))
    out = {"name": inst.name, "model": "relu3", "width": width, "loss": args.loss,
           "verdict": "optimal" if optimal else "not optimal",
           "objective": format_fraction(objective), "lower": format_fraction(lower),
           "upper": format_fraction(min(objective, sol.upper)), "gap": format_fraction(gap),
           "objective_float": float(objective), "lower_float": float(lower),
           "tolerance": format_fraction(tol)}
    if not optimal and sol.upper < objective:
        out["better_objective"] = format_fraction(sol.upper)
        if args.net_out:
            with open(args.net_out, "w", encoding="utf-8") as fh:
                json.dump(sol.network.to_json(), fh)
                fh.write("\n")
            out["net_out"] = args.net_out
    if args.certificate:
        # the relu3 certificate with NET as its network: proves lower ≤ P* ≤ objective(NET)
        sol.network, sol.upper = net, objective
        write_certificate(relu3_certificate(sol, inst.y, inst.beta), args.certificate)
        out["certificate"] = args.certificate
    out["seconds"] = round(time.perf_counter() - t0, 4)
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return 0
    print(f"{inst.name}: three-layer network ({len(net.w3)} sub-networks, width {width}) on "
          f"n = {inst.n}, d = {inst.d}, {args.loss} loss")
    print(f"  {'verdict':<22}{out['verdict'].upper()}")
    print(f"  {'objective L(theta)':<22}{out['objective_float']:.15g}  (= upper bound on P*)")
    print(f"  {'lower bound on P*':<22}{out['lower_float']:.15g}  (certified, all patterns)")
    print(f"  {'gap':<22}{float(gap):.3g}  (tolerance {float(tol):.3g})")
    if "better_objective" in out:
        print(f"  {'better network':<22}objective {float(sol.upper):.15g} (reconstructed "
              "from the convex optimum)")
    if args.certificate:
        print(f"  {'certificate':<22}written to {args.certificate}")
    return 0
