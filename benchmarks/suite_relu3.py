"""Suite ``relu3``: three-layer sub-networks (docs/relu3.md): lifted enumeration, certified solve,
and cvxpy on the same full program.

Instances: random integer data, ``rng = default_rng(100 + 10 n + d)``, ``X = rng.integers(-9, 10,
(n, d))``, then ``y = rng.integers(-5, 6, n)``; β = 1/10, width m1 = 2, n = 6, 8, 10 and
d = 2, 3. Each size has a squared-loss row ``(n, d)`` and a hinge row ``(n, d) hinge`` on the
same X with the labels ``sign(y)`` (0 read as +1), docs/relu3.md §4b. Tools:

Cases the size guard refuses (docs/limits.md, more than 20,000 estimated regions) are
reported as skipped with the estimate.

- ``lifted`` (ours): :class:`exact.relu3.LiftedPatterns` — the first-layer chambers and every
  second-layer region of every tuple, with exact witnesses (exact LPs, cdd.gmp); count = regions;
- ``relu3`` (ours, the reference): :func:`exact.relu3.solve_relu3` on the enumerated patterns
  (numeric guess with tight tolerances + exact lower and upper bounds, pruning, and for the
  hinge the exact scale polish); reports the exact relative gap, whether the 1e-9 target was
  met and the sub-networks before and after pruning;
- ``relu3-cvxpy``: the same full program (every region and output sign) built as
  :func:`exact.relu3.numeric_guess` builds it, cvxpy + Clarabel with *default* tolerances (no
  proof).

The enumeration is excluded from both solve tools (done once per case, untimed, shared).
Cross-check (a disagreement fails the run): the cvxpy value lies in the certified interval up to
``1e-6·max(1, |value|)``; ``lower ≤ upper`` exactly.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from framework import (
    Case,
    Measurement,
    Mismatch,
    Settings,
    Suite,
    Tool,
    best_of,
    require_in_interval,
)

BETA = Fraction(1, 10)
WIDTH = 2
SIZES = [(6, 2), (8, 2), (10, 2), (6, 3), (8, 3), (10, 3)]
CVXPY_TOL = 1e-6

_patterns: dict[str, object] = {}


def cases() -> list[Case]:
    out = []
    for n, d in SIZES:
        rng = np.random.default_rng(100 + 10 * n + d)
        X = rng.integers(-9, 10, size=(n, d)).tolist()
        y = rng.integers(-5, 6, size=n).tolist()
        key = f"({n}, {d})"
        out.append(Case(key, {"X": X, "y": y, "loss": "squared", "key": key},
                        quick=(n, d) == (6, 2)))
        labels = [1 if v >= 0 else -1 for v in y]
        out.append(Case(f"{key} hinge", {"X": X, "y": labels, "loss": "hinge", "key": key},
                        quick=(n, d) == (6, 2)))
    return out


def _lp(case: Case):
    """The case's patterns, enumerated once (untimed); None when the size guard refuses it
    (docs/limits.md: every tool then reports the case as skipped, with the estimate)."""
    from arrangement.errors import TooLargeError
    from exact.relu3 import LiftedPatterns

    key = case.data["key"]  # the squared and hinge rows share X, hence the patterns
    if key not in _patterns:
        try:
            _patterns[key] = LiftedPatterns(case.data["X"], width=WIDTH, force=False)
        except TooLargeError as exc:
            _patterns[key] = str(exc)
    return _patterns[key]


def _refused(case: Case) -> Measurement | None:
    lp = _lp(case)
    return Measurement("skipped", note=f"refused by the size guard: {lp}") if isinstance(
        lp, str) else None


def run_lifted(case: Case, settings: Settings) -> Measurement:
    from exact.relu3 import LiftedPatterns

    if (skip := _refused(case)) is not None:
        return skip
    wall, cpu, lp = best_of(lambda: LiftedPatterns(case.data["X"], width=WIDTH, force=True),
                            settings, always_repeat=False)
    _patterns[case.data["key"]] = lp
    c = lp.counts()
    return Measurement("ok", wall, cpu, c["regions"], {},
                       note=f"{c['chambers']} chambers, {c['tuples']} tuples, {c['regions']} "
                            f"regions (a-priori bound {c['region_bound']})")


def run_certified(case: Case, settings: Settings) -> Measurement:
    from exact.relu3 import solve_relu3

    if (skip := _refused(case)) is not None:
        return skip
    lp = _lp(case)
    loss = case.data["loss"]
    wall, cpu, sol = best_of(lambda: solve_relu3(case.data["X"], case.data["y"], BETA,
                                                 patterns=lp, loss=loss),
                             settings, always_repeat=False)
    if not sol.lower <= sol.upper:
        raise Mismatch(f"{case.name}: certified lower {sol.lower} > upper {sol.upper}")
    before = len(sol.unpruned_network.w3) if sol.unpruned_network is not None else "?"
    return Measurement("ok", wall, cpu, len(lp.regions),
                       {"lower": sol.lower, "upper": sol.upper},
                       note=f"{loss} loss, exact relative gap {float(sol.relative_gap):.2e} "
                            f"(target 1e-9 {'met' if sol.target_met else 'NOT met'}); P* ∈ "
                            f"[{float(sol.lower):.15g}, {float(sol.upper):.15g}]; "
                            f"{before} → {len(sol.network.w3)} sub-networks after pruning")


def run_cvxpy(case: Case, settings: Settings) -> Measurement:
    from arrangement.rational import to_vector
    from exact.relu3 import numeric_guess

    if (skip := _refused(case)) is not None:
        return skip
    lp = _lp(case)
    groups = [(r, s) for r in lp.regions for s in (1, -1)]
    y = to_vector(case.data["y"])
    wall, cpu, out = best_of(lambda: numeric_guess(lp, groups, y, BETA, eps=None,
                                                   loss=case.data["loss"]),
                             settings, always_repeat=False)
    return Measurement("ok", wall, cpu, len(lp.regions), {"cvxpy_value": out[3]},
                       note=f"value {out[3]:.15g} (construction + Clarabel defaults)")


def check_case(case: Case, results: dict[str, Measurement]) -> None:
    ok = {k: m for k, m in results.items() if m.ok}
    cert, base = ok.get("relu3"), ok.get("relu3-cvxpy")
    if cert is None or base is None:
        return
    require_in_interval(case.name, base.detail["cvxpy_value"], cert.detail["lower"],
                        cert.detail["upper"], CVXPY_TOL)


DESCRIPTION = f"""Three-layer sub-networks (docs/relu3.md), width {WIDTH}, β = {BETA}, random
integer data (`default_rng(100 + 10n + d)`: X in [−9, 9], y in [−5, 5]; the hinge rows use the
labels sign(y), 0 read as +1, on the same X). **lifted**: both exact
pattern sets (`LiftedPatterns`, count = second-layer regions); **ours**: the certified solve
(`solve_relu3`, enumeration excluded); **cvxpy**: the same full program with Clarabel's default
tolerances (no proof). Cross-check: the cvxpy value lies in the certified interval within
{CVXPY_TOL:g}·max(1, |value|)."""

SUITE = Suite(
    name="relu3",
    title="Three-layer sub-networks: lifted enumeration, certified solve vs cvxpy",
    description=DESCRIPTION,
    cases=cases,
    tools=[Tool("relu3", "ours", run_certified),
           Tool("lifted", "lifted", run_lifted),
           Tool("relu3-cvxpy", "cvxpy", run_cvxpy)],
    reference="relu3",
    count_label="regions",
    check=check_case,
)
