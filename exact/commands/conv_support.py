"""``--conv H [--stride S]`` of ``relucvx solve``, ``check`` and ``arrangement``: the two-layer
CNN of exact/conv.py (docs/cnn.md) on the rows of DATA as 1-D signals.

The commands parse their usual options, then hand over here; this module only formats
what :mod:`exact.conv` computes.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING

from arrangement.errors import InputError

if TYPE_CHECKING:  # annotations only: the commands import the heavy modules inside run
    from arrangement.instances import Instance

__all__ = ["ConvShape", "Dims", "arrangement_command", "check_command", "conv_options",
           "solve_command"]

#: A filter width, stride or image shape: ``3`` (1-D) or ``(rows, columns)`` (2-D).
Dims = int | tuple[int, int]

#: ``(h, stride, image)`` as :func:`shape` returns it (``image`` is None for a 1-D filter).
ConvShape = tuple[Dims, Dims, "tuple[int, int] | None"]


def conv_options() -> argparse.ArgumentParser:
    """``--conv H`` (filter width: a CNN on the rows of DATA as signals; ``HxW``: a 2-D filter
    on the rows of DATA as images of shape ``--image RxC``) and ``--stride S`` (``SRxSC``).

    >>> a = argparse.ArgumentParser(parents=[conv_options()]).parse_args(["--conv", "3"])
    >>> a.conv, a.stride, a.image
    ('3', None, None)
    """
    p = argparse.ArgumentParser(add_help=False)
    p.add_argument("--conv", metavar="H|HxW",
                   help="a two-layer CNN with filters of width H on the rows of DATA as 1-D "
                        "signals, sum pooling (docs/cnn.md); HxW: 2-D filters of H rows and W "
                        "columns on the rows of DATA as images (needs --image)")
    p.add_argument("--stride", metavar="S|SRxSC",
                   help="the CNN filter's stride (default 1; needs --conv); SRxSC: per axis "
                        "(rows x columns) for 2-D filters")
    p.add_argument("--image", metavar="RxC",
                   help="the rows of DATA are R x C images stored row by row (R*C entries; "
                        "needs a 2-D filter --conv HxW)")
    return p


_DIMS = re.compile(r"([0-9]{1,6})(?:[xX]([0-9]{1,6}))?")


def _dims(text: str, option: str) -> int | tuple[int, int]:
    """``"3"`` → 3, ``"2x3"`` → (2, 3); anything else is one line, exit status 2."""
    m = _DIMS.fullmatch(text.strip())
    if m is None:
        raise InputError(f"{option} expects a positive integer or AxB (rows x columns, "
                         f"e.g. 3x3), got {text!r}")
    return int(m[1]) if m[2] is None else (int(m[1]), int(m[2]))


def shape(args: argparse.Namespace) -> ConvShape | None:
    """``(h, stride, image)`` when ``--conv`` was given, else None: 1-D ``(h, s, None)``, 2-D
    ``((H, W), (s_r, s_c), (R, C))``. ``--stride`` or ``--image`` alone, a 2-D filter without
    ``--image`` and ``--image`` with a 1-D filter are refused (one line, exit status 2).

    >>> shape(argparse.Namespace(conv=None, stride=None, image=None)) is None
    True
    >>> shape(argparse.Namespace(conv="3", stride=None, image=None))
    (3, 1, None)
    >>> shape(argparse.Namespace(conv="2x2", stride="1x2", image="4x5"))
    ((2, 2), (1, 2), (4, 5))
    """
    image = getattr(args, "image", None)
    if args.conv is None:
        if args.stride is not None:
            raise InputError("--stride needs --conv H (the filter width)")
        if image is not None:
            raise InputError("--image needs a 2-D filter --conv HxW")
        return None
    h = _dims(args.conv, "--conv")
    stride = 1 if args.stride is None else _dims(args.stride, "--stride")
    if isinstance(h, int):
        if image is not None:
            raise InputError("--image needs a 2-D filter --conv HxW (got the 1-D width "
                             f"--conv {h})")
        if isinstance(stride, tuple):
            raise InputError("a 1-D filter (--conv H) takes one stride --stride S, got "
                             f"{args.stride!r}")
        return h, stride, None
    if image is None:
        raise InputError(f"--conv {args.conv} (a 2-D filter) needs --image RxC, the shape of "
                         "the images in the rows of DATA")
    img = _dims(image, "--image")
    if isinstance(img, int):
        raise InputError(f"--image expects RxC (rows x columns), got {image!r}")
    return h, (stride, stride) if isinstance(stride, int) else stride, img


def _given_shape(args: argparse.Namespace) -> ConvShape:
    """:func:`shape` in a command that was handed over because ``--conv``, ``--stride`` or
    ``--image`` was given (then :func:`shape` refuses bad combinations, never returns None)."""
    s = shape(args)
    if s is None:  # pragma: no cover - the commands hand over only with one of the options
        raise InputError("--conv H (the filter width) is needed")
    return s


def _shape(v: Dims | None) -> str:
    return f"{v[0]}x{v[1]}" if isinstance(v, tuple) else str(v)


def _q(x: Fraction | int) -> str:
    from arrangement.rational import format_fraction

    return format_fraction(x)


def _require_size(X: Sequence[Sequence[Fraction]], h: Dims, stride: Dims,
                  image: tuple[int, int] | None, force: bool) -> None:
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement
    from exact.conv import patches

    if not force:
        Arrangement(patches(X, h, stride, image)).require_size(DEFAULT_CHAMBER_LIMIT)


def solve_command(args: argparse.Namespace, inst: Instance, tol: Fraction) -> int:
    """``relucvx solve DATA --conv H``: certified P* of the CNN, its filters, a certificate."""
    from exact.conv import conv_certificate, conv_network, conv_program, num_patches, solve_conv

    h, stride, image = _given_shape(args)
    num_patches(len(inst.X[0]), h, stride, image)  # bad shapes: one line, exit 2, first
    _require_size(inst.X, h, stride, image, args.force)
    t0 = time.perf_counter()
    sol = solve_conv(inst.X, inst.targets, inst.penalty, h, stride, args.loss, tol, image=image,
                     method=args.method)
    net = conv_network(sol)
    t1 = time.perf_counter()
    if args.certificate:
        from arrangement.certificate import write_certificate

        write_certificate(conv_certificate(sol), args.certificate)
    if args.net_out:
        net.write(args.net_out)
    cp = conv_program(sol)
    out = {"name": inst.name, "model": "conv", "n": cp.n, "L": len(inst.X[0]), "h": h,
           "stride": stride, "image": image, "K": cp.K, "patch_rows": cp.rows, "loss": args.loss,
           "beta": _q(inst.penalty), "lower": _q(sol.lower), "upper": _q(sol.upper),
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
    what = (f"signals of length {out['L']}" if image is None
            else f"images of {_shape(image)} pixels")
    print(f"{inst.name}: CNN, n = {cp.n} {what}, filter h = {_shape(h)}, "
          f"stride {_shape(stride)} (K = {cp.K} patches, {cp.rows} patch rows), beta = "
          f"{out['beta']}, {args.loss} loss")
    _line("P*", f"in [{float(sol.lower):.12g}, {float(sol.upper):.12g}]")
    if len(out["lower"]) <= 40 and len(out["upper"]) <= 40:
        _line("exactly", f"[{out['lower']}, {out['upper']}]")
    _line("gap", f"{float(sol.gap):.4g} (exact rational in --json / the certificate)")
    met = "met" if out["gap_target_met"] else f"NOT met: {out['gap_target_reason']}"
    _line("target", f"{met} (relative gap {out['gap_target']})")
    _line("chambers", f"{sol.chambers} (of the patch matrix's arrangement, dimension {cp.d})")
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


def check_command(args: argparse.Namespace, inst: Instance, tol: Fraction) -> int:
    """``relucvx check DATA NET --conv H``: is the CNN in NET globally optimal?"""
    from exact.conv import ConvNetwork, check_conv, conv_check_certificate, num_patches

    h, stride, image = _given_shape(args)
    num_patches(len(inst.X[0]), h, stride, image)
    net = ConvNetwork.read(args.net, force=args.force)
    _require_size(inst.X, h, stride, image, args.force)
    r = check_conv(net, inst.X, inst.targets, inst.penalty, h, stride, args.loss, tol, image=image)
    if args.certificate:
        from arrangement.certificate import write_certificate

        write_certificate(conv_check_certificate(r, completeness=not args.no_completeness),
                          args.certificate)
    if args.net_out and r.better is not None:
        r.better.write(args.net_out)
    out: dict[str, object] = {
        "model": "conv", "h": h, "stride": stride, "image": image, "verdict": r.verdict,
        "objective": _q(r.objective), "lower": _q(r.lower), "upper": _q(r.upper),
        "gap": _q(r.upper - r.lower), "tol": _q(tol), "epsilon": _q(r.epsilon),
        "width": net.width, "dual_source": r.dual_source,
        "worst_chamber": list(r.worst_chamber) if r.worst_chamber else None,
        "violation": _q(r.violation)}
    if r.better is not None and r.better_objective is not None:
        out["better_objective"] = _q(r.better_objective)
        out["better"] = r.better.to_json()
    if args.json:
        json.dump(out, sys.stdout)
        print()
        return 0
    print(f"{args.net}: {r.verdict} (CNN, filter h = {_shape(h)}, stride {_shape(stride)}, "
          f"{net.width} filters)")
    _line("objective", f"{float(r.objective):.12g}")
    _line("P* >=", f"{float(r.lower):.12g} (certified lower bound)")
    if r.better is not None and r.better_objective is not None:
        _line("better CNN", f"objective {float(r.better_objective):.12g}"
                            + (f", written to {args.net_out}" if args.net_out else ""))
    if args.certificate:
        _line("certificate", f"written to {args.certificate} (the verdict, checked by: "
                             f"relucvx verify {args.certificate})")
    return 0


def arrangement_command(args: argparse.Namespace, inst: Instance) -> int:
    """``relucvx arrangement DATA --conv H``: the counts of the patch arrangement."""
    from exact.conv import conv_counts, num_patches

    h, stride, image = _given_shape(args)
    num_patches(len(inst.X[0]), h, stride, image)
    _require_size(inst.X, h, stride, image, args.force)
    t0 = time.perf_counter()
    c = conv_counts(inst.X, h, stride, gates=1000, dense=_dense_ok(inst.X, args.force),
                    image=image)
    c["seconds"] = round(time.perf_counter() - t0, 4)
    if args.json:
        json.dump(c, sys.stdout)
        print()
        return 0
    what = (f"signals of length {c['L']}" if image is None
            else f"images of {_shape(image)} pixels")
    print(f"{inst.name}: CNN patches, n = {c['n']} {what}, h = {_shape(h)}, "
          f"stride {_shape(stride)}")
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


def _dense_ok(X: Sequence[Sequence[Fraction]], force: bool) -> bool:
    """Whether X's own arrangement is small enough to count beside the patches'."""
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement

    return force or Arrangement(X).estimate_chambers() <= DEFAULT_CHAMBER_LIMIT
