"""``relucvx arrangement DATA``: every chamber of the data's arrangement, exactly.

Prints a readable summary (counts, agreement with Cover and Zaslavsky, time taken), or one JSON
object with ``--json``. Optional outputs: faces (``--faces``), cones (``--cones``), the tope graph
as GraphML (``--graph FILE``) and a completeness certificate (``--certificate FILE``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from fractions import Fraction

from arrangement.errors import TooLargeError
from arrangement.limits import check_output_entries
from arrangement.rational import format_fraction
from exact.cli import plural
from exact.commands.conv_support import conv_options
from exact.commands.options import data_options, limit_options, output_options
from exact.commands.outputs import require_outputs
from exact.progress import ProgressBar


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``arrangement`` subcommand to the ``relucvx`` parser.

    >>> from exact.cli import build_parser
    >>> a = build_parser().parse_args(["arrangement", "example:v1d", "-q", "--force"])
    >>> a.func is run, a.quiet, a.force, a.json
    (True, True, True, False)
    """
    p = sub.add_parser("arrangement", help="enumerate the chambers of DATA's arrangement exactly",
                       description=__doc__.splitlines()[0],
                       parents=[data_options(), output_options(), limit_options(),
                                conv_options()])
    p.add_argument("--faces", action="store_true", help="also enumerate faces; report f-vector")
    p.add_argument("--cones", action="store_true",
                   help="report each chamber's facets and (cdd) rays and lineality")
    p.add_argument("--graph", metavar="FILE", help="write the tope graph as GraphML")
    p.add_argument("--certificate", metavar="FILE", help="write a completeness certificate")
    p.set_defaults(func=run)


def _fmt_vec(v) -> list[str]:
    return [format_fraction(Fraction(x)) for x in v]


def run(args: argparse.Namespace) -> int:
    """Run ``relucvx arrangement``; the exit status (3: the enumeration and the counting formulas
    disagree, a bug to report).

    >>> from exact.cli import main
    >>> main(["arrangement", "example:v1d"])  # doctest: +ELLIPSIS
    v1d: n = 3 rows, d = 2, rank 2
    ...
      chambers              6 (enumerated exactly, each with an integer witness)
    ...
    0
    """
    from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement
    from arrangement.instances import read_instance

    require_outputs(args)  # --graph, --certificate: refused before any work
    inst = read_instance(args.data, target=args.target, force=args.force)
    if args.conv is not None or args.stride is not None or args.image is not None:  # CNN
        from exact.commands.conv_support import arrangement_command

        return arrangement_command(args, inst)
    arr = Arrangement(inst.X)
    if not args.force:
        arr.require_size(DEFAULT_CHAMBER_LIMIT)
    if args.faces and not args.force and arr.estimate_faces() > DEFAULT_CHAMBER_LIMIT:
        raise TooLargeError(f"--faces: about {arr.estimate_faces()} faces estimated; the limit "
                            f"is {DEFAULT_CHAMBER_LIMIT}: pass --force to run")
    if args.cones:  # each chamber prints about d vectors of length d (rays and ker X)
        check_output_entries(arr.estimate_chambers() * arr.d * arr.d, "--cones",
                             force=args.force)
    # the enumeration adds one hyperplane (parallel class) at a time: that is what it counts
    bar = ProgressBar("enumerating chambers", unit="hyperplanes",
                      enabled=not args.quiet and not args.json)
    t0 = time.perf_counter()
    arr.chambers(progress=bar.update)
    bar.close()
    t_chambers = time.perf_counter() - t0
    from arrangement.summary import summarize

    summary = summarize(arr, faces=args.faces)
    summary["seconds"]["chambers"] = round(t_chambers, 4)
    summary["seconds"]["total"] = round(time.perf_counter() - t0, 4)
    summary["name"] = inst.name
    if inst.notes:
        summary["notes"] = list(inst.notes)
    if args.cones:
        cones = []
        for c in arr.chambers():
            rays, lin = arr.cone_generators(c.index)
            cones.append({"signs": list(c.signs), "witness": [str(v) for v in c.witness],
                          "facets": [list(a) for a in arr.cone(c.index)],
                          "rays": [_fmt_vec(r) for r in rays],
                          "lineality": [_fmt_vec(r) for r in lin]})
        summary["cones"] = cones
    if args.graph:
        arr.write_graphml(args.graph)
    if args.certificate:
        from arrangement.certificate import completeness_certificate, write_certificate

        write_certificate(completeness_certificate(arr), args.certificate)
    if args.json:
        json.dump(summary, sys.stdout)
        print()
    else:
        _print_summary(summary, args)
    if not summary["agrees_zaslavsky"] or summary["agrees_cover"] is False:
        # two independent computations disagree: a bug, never a result to trust
        print("relucvx: internal error: enumeration and counting formulas disagree; "
              "please report this instance", file=sys.stderr)
        return 3
    return 0


def _print_summary(s: dict, args: argparse.Namespace) -> None:
    def line(label: str, value: object) -> None:
        print(f"  {label:<22}{value}")

    print(f"{s['name']}: n = {plural(s['n'], 'row')}, d = {s['d']}, rank {s['rank']}")
    line("parallel classes", f"{s['parallel_classes']} (zero rows: {s['zero_rows']})")
    line("chambers", f"{s['chambers']} (enumerated exactly, each with an integer witness)")
    line("patterns (>= conv.)", f"{s['patterns']} (chambers and lower-dimensional faces)")
    ok = "agrees" if s["agrees_zaslavsky"] else "DISAGREES"
    line("Zaslavsky |chi(-1)|", f"{s['zaslavsky']} ({ok}; chi(t) = {s['chi']})")
    if s["general_position"]:
        ok = "agrees" if s["agrees_cover"] else "DISAGREES"
        line("Cover's formula", f"{s['cover']} (general position: {ok})")
    else:
        line("Cover's formula", f"{s['cover']} (not in general position: an upper bound)")
    line("Pilanci-Ergen bound", f"{s['pilanci_bound']:.4g}")
    if "f_vector" in s:
        ok = "agrees with the lattice" if s["f_vector"] == s["f_vector_lattice"] else "DISAGREES"
        line("f-vector", f"{tuple(s['f_vector'])} ({ok})")
    for note in s.get("notes", []):
        line("note", note)
    if args.graph:
        line("tope graph", f"written to {args.graph}")
    if args.certificate:
        line("certificate", f"written to {args.certificate} (check: relucvx verify "
                            f"{args.certificate})")
    line("time", f"{s['seconds']['total']:.3f} s")
    if args.cones:
        _print_cones(s["cones"])


def _print_cones(cones: list[dict]) -> None:
    """Each chamber's cone C = {u : a.u >= 0 for every facet row a} and its generators."""
    def vecs(vs: list) -> str:
        return ", ".join("(" + ", ".join(str(t) for t in v) + ")" for v in vs) or "none"

    print(f"cones ({plural(len(cones), 'chamber')}; C = {{u : a.u >= 0 for each facet row a}}"
          ", generated by its rays and lineality):")
    for i, c in enumerate(cones):
        signs = "".join({1: "+", -1: "-", 0: "0"}[t] for t in c["signs"])
        print(f"  chamber {i}: signs {signs}, witness {vecs([c['witness']])}")
        print(f"    facet rows a: {vecs(c['facets'])}")
        print(f"    rays: {vecs(c['rays'])}; lineality: {vecs(c['lineality'])}")
