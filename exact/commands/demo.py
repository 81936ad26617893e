"""``relucvx demo``: a screenful tour on the built-in V data (what ``make demo`` runs).

On ``example:v1d`` (x = (−1, 0, 1) with a bias column, y = (1, 0, 1), β = 1/10, docs/MATH.md §9):

1. the hyperplane arrangement: every chamber with its integer witness, and the count's
   agreement with Zaslavsky's ``|χ(−1)|`` (docs/MATH.md §2–§3);
2. a certified global optimum (:func:`exact.certify.solve`): exact ``lower ≤ P* ≤ upper``, and
   ``P* = 37/200`` inside (docs/MATH.md §4, §7);
3. the minimal optimal network (:func:`exact.optimal_set.optimal_set`: ``m*`` and ψ of a vertex;
   falling back to :func:`exact.transforms.minimalize` of the certified network);
4. the certificate, written to a temporary directory and checked by the standard-library
   verifier :mod:`exact.verify`;
5. :func:`exact.check.check` on the certified network (optimal) and on a perturbed one (not
   optimal, with a better network), its certificate verified too;
6. where to look next.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from fractions import Fraction
from pathlib import Path

from exact.cli import plural


def register(sub: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand (no options: a fixed tour) to the ``relucvx`` parser.

    >>> from exact.cli import build_parser
    >>> build_parser().parse_args(["demo"]).func is run
    True
    """
    p = sub.add_parser("demo", help="a short tour on the built-in V data (make demo)",
                       description=__doc__.splitlines()[0])
    p.set_defaults(func=run)


def _short(x) -> str:
    from exact.check import number_text

    text = number_text(x)
    if len(text) <= 24:
        return text
    try:
        return f"~{float(x):.12g}"
    except TypeError:  # pragma: no cover - sympy numbers convert with float()
        return f"~{text[:20]}..."


def _vec(v) -> str:
    return "(" + ", ".join(_short(t) for t in v) + ")"


def run(args: argparse.Namespace) -> int:
    """Print the tour (six steps, about a second); exit status 0.

    >>> from exact.cli import main
    >>> main(["demo"])  # doctest: +ELLIPSIS
    relucvx demo: the 1-D 'V' data with a bias column (docs/MATH.md 9)
    ...
    done in ... s
    0
    """
    from arrangement.core import Arrangement
    from arrangement.examples import example
    from arrangement.lattice import characteristic_polynomial
    from exact.certify import solution_certificate, solve
    from exact.check import check
    from exact.network import Network, Neuron, mul
    from exact.verify import verify_file

    t0 = time.perf_counter()
    inst = example("v1d")
    X, y, beta = inst.X, inst.y, inst.beta
    assert y is not None and beta is not None  # the example has targets and a beta
    print("relucvx demo: the 1-D 'V' data with a bias column (docs/MATH.md 9)")
    print(f"  X = {[_vec(r) for r in X]}, y = {_vec(y)}, beta = {beta}")

    # 1. the arrangement
    arr = Arrangement(X)
    ch = arr.chambers()
    chi = characteristic_polynomial(arr.int_rows, arr.d)
    zas = abs(int(chi.eval(-1)))
    print(f"\n1. Arrangement: {len(ch)} chambers (exact enumeration), Zaslavsky |chi(-1)| = {zas}"
          f" ({'agrees' if zas == len(ch) else 'DISAGREES'}; chi(t) = {chi.as_expr()})")
    for c in ch:
        signs = "".join({1: "+", -1: "-", 0: "0"}[s] for s in c.signs)
        print(f"   chamber {c.index}: signs {signs}  "
              f"pattern {''.join(map(str, c.pattern))}  witness {c.witness}")

    # 2. certified optimum
    sol = solve(X, y, beta, arrangement=arr)
    p_star = Fraction(37, 200)
    inside = sol.lower <= p_star <= sol.upper
    print(f"\n2. Certified global optimum (convex program over {sol.chambers} chambers x 2 signs):")
    print(f"   {_short(sol.lower)} <= P* <= {_short(sol.upper)}   gap {_short(sol.gap)} "
          f"(exact rationals)")
    print(f"   P* = 37/200 lies in [lower, upper]: {inside}; certified network width "
          f"{sol.network.width}")

    # 3. the minimal optimal network
    cp = sol.program
    assert cp is not None  # solve() keeps the program it certified
    try:
        from exact.optimal_set import optimal_set

        ops = optimal_set(sol)
        best = min(range(len(ops.vertices)), key=lambda k: len(ops.vertices[k]))
        minimal = ops.networks[best] if ops.networks else None
        print(f"\n3. Optimal set: {plural(len(ops.vertices), 'vertex', 'vertices')}, "
              f"m* = {ops.m_star} "
              f"({'exact' if ops.exact else 'certified'}); a minimal optimal network:")
    except Exception:  # noqa: BLE001 - optional module under development: fall back
        from exact.transforms import minimalize

        minimal = minimalize(sol.network, X, cp.signs)
        print(f"\n3. Minimal network (merging the certified one, docs/MATH.md 6): width "
              f"{minimal.width}")
    if minimal is not None:
        for nr in minimal.neurons:
            print(f"   u = {_vec(nr.u)}, alpha = {_short(nr.alpha)}")
        print(f"   objective {_short(minimal.objective(X, y, beta))} (exact)")

    # 4. certificate + verifier
    tmp = Path(tempfile.mkdtemp(prefix="relucvx-demo-"))
    cert = solution_certificate(sol, X, y, beta)  # with its completeness certificate
    cpath = tmp / "solve-certificate.json"
    cpath.write_text(json.dumps(cert) + "\n")
    ok, msg = verify_file(str(cpath))
    print(f"\n4. Certificate written to {cpath}\n   exact/verify.py (standard library only): "
          f"{msg[:110]}{'...' if len(msg) > 110 else ''}")

    # 5. check
    r1 = check(sol.network, X, y, beta, program=cp)
    print(f"\n5. check(certified network): {r1.verdict.upper()} within {_short(r1.gap)} "
          f"(worst chamber {r1.worst_chamber}, t_max - beta^2 = {_short(r1.violation)})")
    if minimal is not None:
        r0 = check(minimal, X, y, beta, program=cp)
        print(f"   check(minimal optimal network, exact square roots): {r0.verdict.upper()}, "
              f"gap {_short(r0.gap)} (P* = {_short(r0.lower)} exactly)")
    nr0 = sol.network.neurons[0]
    pert = Network((Neuron(nr0.u, mul(nr0.alpha, Fraction(6, 5))),) + sol.network.neurons[1:])
    r2 = check(pert, X, y, beta, program=cp)
    print(f"   check(perturbed: alpha_0 * 6/5): {r2.verdict.upper()}; objective "
          f"{_short(r2.objective)}, lower bound {_short(r2.lower)}")
    worst = r2.worst_chamber or (0, 1)  # always set for a network that is not optimal
    print(f"   most violated chamber {worst[0]} sign {worst[1]:+d}: "
          f"t_max - beta^2 = {_short(r2.violation)}; better network objective "
          f"{_short(r2.better_objective) if r2.better_objective is not None else '-'}")
    c2 = tmp / "check-certificate.json"
    c2.write_text(json.dumps(r2.certificate) + "\n")
    ok2, msg2 = verify_file(str(c2))
    print(f"   its certificate {c2.name}: {'valid' if ok2 else 'INVALID: ' + msg2}")

    # 6. next
    print("\n6. Where to look next:")
    print("   README.md: 'A tour of the Python API', 'The command line', 'Certificates'")
    print("   relucvx arrangement example:generic20x4 --faces   (2320 chambers, f-vector)")
    print("   relucvx solve example:generic2d --certificate c.json && relucvx verify c.json")
    print("   relucvx fuzz --list                              (theorems checked by hypothesis)")
    print("   notebooks/                                       (worked examples)")
    print(f"\ndone in {time.perf_counter() - t0:.1f} s")
    good = ok and ok2 and inside and r1.verdict == "optimal" and r2.verdict == "not optimal"
    return 0 if good else 1
