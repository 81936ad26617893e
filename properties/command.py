"""``relucvx fuzz``: property-based search for counterexamples to the theorems of docs/MATH.md.

Each theorem (``--list`` shows them) is run through hypothesis with ``--examples`` examples from
``--seed``; a failure is shrunk to a smallest counterexample, printed, and saved under
``--save-dir`` as a JSON instance (plus a ``.net.json`` network when one is involved) that
``relucvx arrangement|solve|check`` can replay. ``--module FILE`` loads a user's file whose
``@properties.theorem`` functions register more theorems. Hypothesis keeps its files under
``~/.cache/relucvx/hypothesis`` (``$XDG_CACHE_HOME``, or ``$HYPOTHESIS_STORAGE_DIRECTORY``), not
in the current directory. Exit status: 0 no counterexample, 1 a counterexample was found, 2 bad
input, 3 the fuzz machinery itself crashed (a strategy or the runner; reported on one line with
the seed that replays it).

This command belongs to ``properties``, not to ``exact.commands``: ``exact`` sits below
``properties`` and never imports it. The CLI finds the command through the ``relucvx.commands``
entry point (:data:`exact.cli.PLUGIN_GROUP`, declared in pyproject.toml).
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from arrangement.errors import InputError
from exact.commands.options import output_options


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``fuzz`` subcommand to the ``relucvx`` parser.

    >>> from exact.cli import build_parser
    >>> a = build_parser().parse_args(["fuzz", "--cheap", "--json", "-q"])
    >>> a.func is run, a.cheap, a.json, a.quiet, a.seed
    (True, True, True, True, 0)
    """
    p = sub.add_parser("fuzz", help="search for counterexamples to the theorems (hypothesis)",
                       description=__doc__.splitlines()[0], parents=[output_options()])
    p.add_argument("--theorem", default="all", metavar="NAME",
                   help="a theorem name, a comma-separated list, or 'all' (default)")
    p.add_argument("--examples", type=int, default=None, metavar="N",
                   help="examples per theorem (default 100, or the --profile's number)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="random seed (default 0: reproducible); -1 draws a fresh one and "
                        "prints it")
    p.add_argument("--save-dir", default="relucvx-counterexamples", metavar="DIR",
                   help="where counterexamples are saved (default ./relucvx-counterexamples)")
    p.add_argument("--module", action="append", default=[], metavar="FILE",
                   help="a Python file with @properties.theorem checks (repeatable)")
    p.add_argument("--profile", default=None, metavar="NAME",
                   help="start from a hypothesis profile: ci, fuzz or dev")
    p.add_argument("--cheap", action="store_true",
                   help="skip the theorems that solve convex programs")
    p.add_argument("--list", action="store_true", help="list the theorems, one per line")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run ``relucvx fuzz``; the exit status (module docstring).

    >>> from exact.cli import main
    >>> main(["fuzz", "--theorem", "zaslavsky", "--examples", "3"])  # doctest: +ELLIPSIS
    zaslavsky                               3 examples ... s  ok
    1 theorem, 3 examples, ... s, seed 0: no counterexample
    0
    """
    from properties import load_builtin
    from properties.fuzz import load_module, selected
    from properties.profiles import PROFILES

    load_builtin()
    added: list[str] = []
    for path in args.module:
        added += load_module(path)
    if args.profile is not None and args.profile not in PROFILES:
        raise InputError(f"unknown profile {args.profile!r} (expected {', '.join(PROFILES)})")
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
    from properties.fuzz import check_save_dir, hypothesis_home

    check_save_dir(args.save_dir)
    if args.seed < -1:
        raise InputError(f"--seed must be >= 0, or -1 for a fresh one; got {args.seed}")
    seed = args.seed
    if seed == -1:  # drawn here, not by hypothesis, so that the run can be replayed
        import random

        seed = random.SystemRandom().randrange(2**32)
        print(f"seed {seed} (drawn; replay with --seed {seed})", file=sys.stderr, flush=True)
    from hypothesis import configuration

    home_before = configuration.storage_directory(intent_to_write=False).home_directory
    configuration.set_hypothesis_home_dir(hypothesis_home())
    try:
        return _run(args, theorems, seed)
    finally:
        configuration.set_hypothesis_home_dir(home_before)


def _plural(k: int, word: str) -> str:
    return f"{k} {word}" if k == 1 else f"{k} {word}s"


def _run(args: argparse.Namespace, theorems: list, seed: int) -> int:
    from properties.fuzz import run_theorem

    results = []
    t0 = time.perf_counter()
    for t in theorems:
        r = run_theorem(t, examples=args.examples, seed=seed, profile=args.profile,
                        save_dir=args.save_dir)
        results.append(r)
        if r.error is not None:
            # one line on stderr, whatever the output mode: a bug to report, not a finding
            print(f"relucvx: fuzz error: {t.name} (seed {seed}, after "
                  f"{_plural(r.examples, 'example')}): {r.error}; replay: relucvx fuzz "
                  + "".join(f"--module {m} " for m in args.module)
                  + f"--theorem {t.name} --seed {seed} --examples {args.examples}",
                  file=sys.stderr, flush=True)
        if not args.json:
            status = ("ok" if r.passed else "ERROR (fuzz machinery)" if r.error is not None
                      else "COUNTEREXAMPLE")
            stats = "  " + " ".join(f"{k}={v}" for k, v in r.stats.items()) if r.stats else ""
            unit = "example " if r.examples == 1 else "examples"
            print(f"{t.name:<34} {r.examples:>6} {unit} {r.seconds:>8.2f} s  {status}{stats}",
                  flush=True)
            if r.counterexample is not None:
                text = str(r.counterexample).replace("\n", "\n    ")
                print(f"    {text}")
                for p in r.saved:
                    print(f"    saved: {p}")
    total = time.perf_counter() - t0
    found = [r for r in results if r.counterexample is not None]
    errors = [r for r in results if r.error is not None]
    if args.json:
        print(json.dumps({"seed": seed, "examples": args.examples, "seconds": round(total, 3),
                          "failed": len(found), "errors": len(errors),
                          "results": [r.to_json_dict() for r in results]}))
    else:
        verdict = _plural(len(found), "counterexample") if found else "no counterexample"
        if errors:
            verdict += f", {len(errors)} fuzz machinery error{'s' * (len(errors) != 1)}"
        print(f"{_plural(len(results), 'theorem')}, "
              f"{_plural(sum(r.examples for r in results), 'example')}, {total:.1f} s, "
              f"seed {seed}: {verdict}")
    sys.stdout.flush()
    return 1 if found else 3 if errors else 0
