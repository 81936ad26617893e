"""``relucvx fuzz``: property-based search for counterexamples to the theorems of docs/MATH.md.

Each theorem (``--list`` shows them) is run through hypothesis with ``--examples`` examples from
``--seed``; a failure is shrunk to a smallest counterexample, printed, and saved under
``--save-dir`` as a JSON instance (plus a ``.net.json`` network when one is involved) that
``relucvx arrangement|solve|check`` can replay. ``--module FILE`` loads a user's file whose
``@properties.theorem`` functions register more theorems. Exit status 1 when a counterexample is
found, 0 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from arrangement.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("fuzz", help="search for counterexamples to the theorems (hypothesis)",
                       description=__doc__.splitlines()[0])
    p.add_argument("--theorem", default="all",
                   help="a theorem name, a comma-separated list, or 'all' (default)")
    p.add_argument("--examples", type=int, default=None,
                   help="examples per theorem (default 100, or the --profile's number)")
    p.add_argument("--seed", type=int, default=0,
                   help="random seed (default 0: reproducible); -1 for a fresh random seed")
    p.add_argument("--save-dir", default="relucvx-counterexamples",
                   help="where counterexamples are saved (default ./relucvx-counterexamples)")
    p.add_argument("--module", action="append", default=[], metavar="FILE",
                   help="a Python file with @properties.theorem checks (repeatable)")
    p.add_argument("--profile", default=None,
                   help="start from a hypothesis profile: ci, fuzz or dev")
    p.add_argument("--cheap", action="store_true",
                   help="skip the theorems that solve convex programs")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--list", action="store_true", help="list the theorems, one per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from properties import load_builtin
    from properties.fuzz import load_module, register_profiles, run_theorem, selected

    load_builtin()
    added: list[str] = []
    for path in args.module:
        added += load_module(path)
    register_profiles()
    if args.profile is not None and args.profile not in ("ci", "fuzz", "dev"):
        raise InputError(f"unknown profile {args.profile!r} (expected ci, fuzz or dev)")
    if args.examples is None:
        from hypothesis import settings

        args.examples = settings.get_profile(args.profile).max_examples if args.profile else 100
    if args.examples < 1:
        raise InputError(f"--examples must be >= 1, got {args.examples}")
    names = args.theorem
    if args.module and names == "all" and added:
        names = ",".join(added)  # a user's module: fuzz its own theorems unless told otherwise
    theorems = selected(names)
    if args.cheap:
        theorems = [t for t in theorems if t.cost != "solve"]
    if args.list:
        if args.json:
            print(json.dumps([{"name": t.name, "description": t.description,
                               "section": t.section, "cost": t.cost} for t in theorems]))
        else:
            for t in theorems:
                print(t.one_line())
        return 0
    seed = None if args.seed == -1 else args.seed
    results = []
    t0 = time.perf_counter()
    for t in theorems:
        r = run_theorem(t, examples=args.examples, seed=seed, profile=args.profile,
                        save_dir=args.save_dir)
        results.append(r)
        if not args.json:
            status = "ok" if r.passed else "COUNTEREXAMPLE"
            stats = "  " + " ".join(f"{k}={v}" for k, v in r.stats.items()) if r.stats else ""
            print(f"{t.name:<34} {r.examples:>6} examples {r.seconds:>8.2f} s  {status}{stats}",
                  flush=True)
            if not r.passed:
                text = str(r.counterexample).replace("\n", "\n    ")
                print(f"    {text}")
                for p in r.saved:
                    print(f"    saved: {p}")
    total = time.perf_counter() - t0
    failed = [r for r in results if not r.passed]
    if args.json:
        print(json.dumps({"seed": seed, "examples": args.examples, "seconds": round(total, 3),
                          "failed": len(failed),
                          "results": [r.to_json_dict() for r in results]}))
    else:
        print(f"{len(results)} theorems, {sum(r.examples for r in results)} examples, "
              f"{total:.1f} s: " + (f"{len(failed)} counterexample(s)" if failed
                                   else "no counterexample"))
    sys.stdout.flush()
    return 1 if failed else 0
