"""``--conv H [--stride S]`` of ``relucvx solve``, ``check`` and ``arrangement``: the two-layer
CNN of exact/conv.py (docs/cnn.md) on the rows of DATA as 1-D signals.

The commands parse their usual options, then hand over here; this module only formats
what :mod:`exact.conv` computes.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from arrangement.errors import InputError

__all__ = ["arrangement_command", "check_command", "conv_options", "solve_command"]


def conv_options() -> argparse.ArgumentParser:
    """``--conv H`` (filter width: a CNN on the rows of DATA as signals) and ``--stride S``.

    >>> a = argparse.ArgumentParser(parents=[conv_options()]).parse_args(["--conv", "3"])
    >>> a.conv, a.stride
    (3, None)
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--conv", metavar="H", type=int,
                   help="a two-layer CNN with filters of width H on the rows of DATA as 1-D "
                        "signals, sum pooling (docs/cnn.md)")
    p.add_argument("--stride", metavar="S", type=int,
                   help="the CNN filter's stride (default 1; needs --conv)")
    return p


def shape(args: argparse.Namespace) -> tuple[int, int] | None:
    """``(h, stride)`` when ``--conv`` was given, else None; ``--stride`` alone is refused.

    >>> shape(argparse.Namespace(conv=None, stride=None)) is None
    True
    >>> shape(argparse.Namespace(conv=3, stride=None))
    (3, 1)
    """
    if args.conv is None:
        if args.stride is not None:
            raise InputError("--stride needs --conv H (the filter width)")
        return None
    return args.conv, 1 if args.stride is None else args.stride


def _q(x) -> str:
    from arrangement.rational import format_fraction

    return format_fraction(x)


def _require_size(X, h: int, stride: int, force: bool) -> None:
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement
    from exact.conv import patches

    if not force:
        Arrangement(patches(X, h, stride)).require_size(DEFAULT_CHAMBER_LIMIT)


def solve_command(args: argparse.Namespace, inst, tol) -> int:
    """``relucvx solve DATA --conv H``: certified P* of the CNN, its filters, a certificate."""
    from exact.conv import conv_certificate, conv_network, num_patches, solve_conv

    h, stride = shape(args)
    num_patches(len(inst.X[0]), h, stride)  # bad shapes: one line, exit 2, before any work
    _require_size(inst.X, h, stride, args.force)
    t0 = time.perf_counter()
    sol = solve_conv(inst.X, inst.y, inst.beta, h, stride, args.loss, tol, method=args.method)
    net = conv_network(sol)
    t1 = time.perf_counter()
    if args.certificate:
        from arrangement.certificate import write_certificate

        write_certificate(conv_certificate(sol), args.certificate)
    if args.net_out:
        net.write(args.net_out)
    cp = sol.program
    out = {"name": inst.name, "model": "conv", "n": cp.n, "L": len(inst.X[0]), "h": h,
           "stride": stride, "K": cp.K, "patch_rows": cp.rows, "loss": args.loss,
           "beta": _q(inst.beta), "lower": _q(sol.lower), "upper": _q(sol.upper),
           "gap": _q(sol.gap), "gap_float": float(sol.gap),
           "gap_target": _q(tol), "gap_target_met": bool(sol.stats["target_met"]),
           "gap_target_reason": sol.stats.get("reason"), "chambers": sol.chambers,
           "method": sol.stats.get("method"), "width": net.width,
           "active_groups": [[i, s] for i, s in sol.active_groups],
           "network": net.to_json(),
           "seconds": {"solve": round(t1 - t0, 4),
                       "total": round(time.perf_counter() - t0, 4)}}
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return 0
    print(f"{inst.name}: CNN, n = {cp.n} signals of length {out['L']}, filter h = {h}, "
          f"stride {stride} (K = {cp.K} patches, {cp.rows} patch rows), beta = {out['beta']}, "
          f"{args.loss} loss")
    _line("P*", f"in [{float(sol.lower):.12g}, {float(sol.upper):.12g}]")
    if len(out["lower"]) <= 40 and len(out["upper"]) <= 40:
        _line("exactly", f"[{out['lower']}, {out['upper']}]")
    _line("gap", f"{float(sol.gap):.4g} (exact rational in --json / the certificate)")
    met = "met" if out["gap_target_met"] else f"NOT met: {out['gap_target_reason']}"
    _line("target", f"{met} (relative gap {out['gap_target']})")
    _line("chambers", f"{sol.chambers} (of the patch matrix's arrangement, dimension {h})")
    _line("filters", net.width)
    for u, a in zip(net.filters, net.alphas):
        _line("", f"u = ({', '.join(f'{float(t):.6g}' for t in u)}), alpha = {float(a):.6g}")
    if args.certificate:
        _line("certificate", f"written to {args.certificate} (check: relucvx verify "
                             f"{args.certificate})")
    if args.net_out:
        _line("network", f"written to {args.net_out}")
    _line("time", f"{out['seconds']['total']:.3f} s")
    return 0


def _line(label: str, value: object) -> None:
    print(f"  {label:<18}{value}")


def check_command(args: argparse.Namespace, inst, tol) -> int:
    """``relucvx check DATA NET --conv H``: is the CNN in NET globally optimal?"""
    from exact.conv import ConvNetwork, check_conv, conv_check_certificate, num_patches

    h, stride = shape(args)
    num_patches(len(inst.X[0]), h, stride)
    net = ConvNetwork.read(args.net, force=args.force)
    _require_size(inst.X, h, stride, args.force)
    r = check_conv(net, inst.X, inst.y, inst.beta, h, stride, args.loss, tol)
    if args.certificate:
        from arrangement.certificate import write_certificate

        write_certificate(conv_check_certificate(r, completeness=not args.no_completeness),
                          args.certificate)
    if args.net_out and r.better is not None:
        r.better.write(args.net_out)
    out = {"model": "conv", "h": h, "stride": stride, "verdict": r.verdict,
           "objective": _q(r.objective), "lower": _q(r.lower), "upper": _q(r.upper),
           "gap": _q(r.upper - r.lower), "tol": _q(tol), "epsilon": _q(r.epsilon),
           "width": net.width, "dual_source": r.dual_source,
           "worst_chamber": list(r.worst_chamber) if r.worst_chamber else None,
           "violation": _q(r.violation)}
    if r.better is not None:
        out["better_objective"] = _q(r.better_objective)
        out["better"] = r.better.to_json()
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return 0
    print(f"{args.net}: {r.verdict} (CNN, filter h = {h}, stride {stride}, "
          f"{net.width} filters)")
    _line("objective", f"{float(r.objective):.12g}")
    _line("P* >=", f"{float(r.lower):.12g} (certified lower bound)")
    if r.better is not None:
        _line("better CNN", f"objective {float(r.better_objective):.12g}"
                            + (f", written to {args.net_out}" if args.net_out else ""))
    if args.certificate:
        _line("certificate", f"written to {args.certificate} (the verdict, checked by: "
                             f"relucvx verify {args.certificate})")
    return 0


def arrangement_command(args: argparse.Namespace, inst) -> int:
    """``relucvx arrangement DATA --conv H``: the counts of the patch arrangement."""
    from exact.conv import conv_counts, num_patches

    h, stride = shape(args)
    num_patches(len(inst.X[0]), h, stride)
    _require_size(inst.X, h, stride, args.force)
    t0 = time.perf_counter()
    c = conv_counts(inst.X, h, stride, gates=1000, dense=_dense_ok(inst.X, args.force))
    c["seconds"] = round(time.perf_counter() - t0, 4)
    if args.json:
        json.dump(c, sys.stdout)
        print()
        return 0
    print(f"{inst.name}: CNN patches, n = {c['n']} signals of length {c['L']}, h = {h}, "
          f"stride {stride}")
    _line("patch rows", f"{c['patch_rows']} (K = {c['K']} per signal; "
                        f"{c['distinct_patches']} distinct), rank {c['rank']}")
    _line("chambers", f"{c['chambers']} (of the patch matrix, enumerated exactly)")
    _line("position patterns", f"{c['position_patterns']} distinct D_ik over chambers and "
                               "positions")
    if "dense_chambers" in c:
        _line("dense chambers", f"{c['dense_chambers']} (X's own arrangement, dimension "
                                f"{c['L']})")
    _line("gate coverage", f"{c['gates']} Gaussian gates reach {c['gates_reached']} of "
                           f"{c['chambers']} chambers (miss {c['gates_missed']})")
    _line("time", f"{c['seconds']:.3f} s")
    return 0


def _dense_ok(X, force: bool) -> bool:
    """Whether X's own arrangement is small enough to count beside the patches'."""
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement

    return force or Arrangement(X).estimate_chambers() <= DEFAULT_CHAMBER_LIMIT
