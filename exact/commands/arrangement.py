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

from arrangement.core import DEFAULT_CHAMBER_LIMIT, Arrangement
from arrangement.errors import TooLargeError
from arrangement.instances import read_instance
from arrangement.limits import check_output_entries
from arrangement.rational import format_fraction
from exact.commands.outputs import require_outputs
from exact.progress import ProgressBar


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("arrangement", help="enumerate the chambers of DATA's arrangement exactly",
                       description=__doc__.splitlines()[0])
    p.add_argument("data", metavar="DATA", help="a .json/.csv/.npy file or example:NAME")
    p.add_argument("--target", choices=["last"], help="CSV: take the last column as y")
    p.add_argument("--faces", action="store_true", help="also enumerate faces; report f-vector")
    p.add_argument("--cones", action="store_true",
                   help="report each chamber's facets and (cdd) rays and lineality")
    p.add_argument("--graph", metavar="FILE", help="write the tope graph as GraphML")
    p.add_argument("--certificate", metavar="FILE", help="write a completeness certificate")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--force", action="store_true",
                   help=f"enumerate even above the limit of {DEFAULT_CHAMBER_LIMIT} "
                        "estimated chambers")
    p.set_defaults(func=run)


def _fmt_vec(v) -> list[str]:
    return [format_fraction(Fraction(x)) for x in v]


def run(args: argparse.Namespace) -> int:
    require_outputs(args)  # --graph, --certificate: refused before any work
    inst = read_instance(args.data, target=args.target, force=args.force)
    arr = Arrangement(inst.X)
    if not args.force:
        arr.require_size(DEFAULT_CHAMBER_LIMIT)
    if args.faces and not args.force and arr.estimate_faces() > DEFAULT_CHAMBER_LIMIT:
        raise TooLargeError(f"--faces: about {arr.estimate_faces()} faces estimated; the limit "
                            f"is {DEFAULT_CHAMBER_LIMIT}: pass --force to run")
    if args.cones:  # each chamber prints about d vectors of length d (rays and ker X)
        check_output_entries(arr.estimate_chambers() * arr.d * arr.d, "--cones",
                             force=args.force)
    bar = ProgressBar("chambers", enabled=not args.quiet and not args.json)
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

    print(f"{s['name']}: n = {s['n']} rows, d = {s['d']}, rank {s['rank']}")
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
    if args.cones:
        line("cones", "listed with --json (facets, rays, lineality per chamber)")
    line("time", f"{s['seconds']['total']:.3f} s")
