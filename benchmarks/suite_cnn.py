"""Suite ``cnn``: two-layer CNNs (exact/conv.py, docs/cnn.md) — the patch arrangement's exact
enumeration, and the certified solve vs cvxpy on the full patch program.

Instances: signals ``X = rng.integers(-9, 10, (n, L))``, then ``y = rng.integers(-5, 6, n)``
with ``rng = numpy.random.default_rng(seed)``, β = 1/10, squared loss, filter width h, stride 1.
The issue's bench target is n = 20 signals of length 10 with h = 3 (K = 8 patches each: 160 patch
rows in dimension 3).

Tools:

- ``certified`` (ours, the reference): ``exact.certify.solve`` on the case's
  :class:`exact.conv.ConvProgram` (default ``tol = 1e-12``, cutting planes from 1000 groups on);
- ``cvxpy``: the full patch program over every chamber, built as ``ConvexProgram.cvxpy_problem``
  builds it (with the pooling readout), cvxpy + Clarabel with default tolerances (no proof);
- ``enumeration``: ``Arrangement(patches(X, h)).chambers()``, the exact chamber list of P.

The patch arrangement and the program are built once per case, untimed, for the two solve tools.
Cross-check: the same chamber count everywhere; the certified interval contains the cvxpy value
within ``1e-6·max(1, |value|)``.
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
    Target,
    Tool,
    best_of,
    require_in_interval,
)

BETA = Fraction(1, 10)
#: (n, L, h, seed)
INSTANCES = [(20, 10, 3, 13), (8, 6, 3, 14)]
CVXPY_TOL = 1e-6
TARGET_RATIO = 20.0  # cvxpy / ours ≥ 20

_programs: dict[str, object] = {}


def cases() -> list[Case]:
    out = []
    for n, L, h, seed in INSTANCES:
        rng = np.random.default_rng(seed)
        X = rng.integers(-9, 10, size=(n, L)).tolist()
        y = rng.integers(-5, 6, size=n).tolist()
        out.append(Case(f"n={n} L={L} h={h}", {"X": X, "y": y, "h": h}, quick=n == 8))
    return out


def _program(case: Case):
    from exact.conv import ConvProgram

    if case.name not in _programs:
        _programs[case.name] = ConvProgram(case.data["X"], case.data["y"], BETA, case.data["h"])
    return _programs[case.name]


def run_certified(case: Case, settings: Settings) -> Measurement:
    from exact.certify import solve

    cp = _program(case)
    wall, cpu, sol = best_of(lambda: solve(cp.X, cp.y, BETA, program=cp), settings,
                             always_repeat=True)
    if not sol.lower <= sol.upper:
        raise Mismatch(f"{case.name}: certified lower {sol.lower} > upper {sol.upper}")
    rel = sol.relative_gap
    return Measurement("ok", wall, cpu, cp.p, {"lower": sol.lower, "upper": sol.upper},
                       note=f"{cp.rows} patch rows, {len(cp.groups)} groups; exact relative gap "
                            f"{float(rel):.2e}; method {sol.stats.get('method')}, numeric part "
                            f"{sol.stats.get('numeric_seconds', 0.0):.2f} s wall; P* ∈ "
                            f"[{float(sol.lower):.15g}, {float(sol.upper):.15g}]")


def run_cvxpy(case: Case, settings: Settings) -> Measurement:
    import cvxpy as cvx

    cp = _program(case)

    def go() -> float:
        prob, (W, _z) = cp.cvxpy_problem()
        prob.solve(solver=cvx.CLARABEL)
        if W.value is None:
            raise RuntimeError(f"cvxpy/Clarabel failed: status {prob.status}")
        return float(prob.value) * cp.float_data()[4] ** 2

    wall, cpu, val = best_of(go, settings, always_repeat=False)
    return Measurement("ok", wall, cpu, cp.p, {"cvxpy_value": val},
                       note=f"value {val:.15g} (full patch program, Clarabel defaults)")


def run_enumeration(case: Case, settings: Settings) -> Measurement:
    from arrangement.core import Arrangement
    from exact.conv import patches

    P = patches(case.data["X"], case.data["h"])
    wall, cpu, p = best_of(lambda: len(Arrangement(P).chambers()), settings,
                           always_repeat=True)
    return Measurement("ok", wall, cpu, p, {}, note=f"{len(P)} patch rows in dimension "
                                                    f"{case.data['h']}, {p} chambers")


def check_case(case: Case, results: dict[str, Measurement]) -> None:
    ok = {k: m for k, m in results.items() if m.ok}
    if len({m.count for m in ok.values()}) > 1:
        raise Mismatch(f"{case.name}: chamber counts differ: "
                       f"{ {k: m.count for k, m in ok.items()} }")
    cert, base = ok.get("certified"), ok.get("cvxpy")
    if cert is None or base is None:
        return
    require_in_interval(case.name, base.detail["cvxpy_value"], cert.detail["lower"],
                        cert.detail["upper"], CVXPY_TOL)


DESCRIPTION = f"""\
Two-layer CNNs (docs/cnn.md) on signals X = `rng.integers(-9, 10, (n, L))`, y =
`rng.integers(-5, 6, n)` (`rng = numpy.random.default_rng(seed)`, seeds
{', '.join(str(s) for *_, s in INSTANCES)}), β = 1/10, squared loss, stride 1.
**ours**: `exact.certify.solve` on `exact.conv.ConvProgram` (relative gap ≤ 1e-12, exact,
best of 3). **cvxpy**: the full patch program (every chamber of P, the pooling readout), cvxpy +
Clarabel with default tolerances (no proof). **enumeration**: the exact chamber list of the
patch matrix P (`Arrangement(patches(X, h)).chambers()`, best of 3). The enumeration and program
construction are excluded from ours and cvxpy. Target: cvxpy/ours ≥ {TARGET_RATIO:g} on the
issue's instance (n = 20, L = 10, h = 3: 160 patch rows in dimension 3)."""

SUITE = Suite(
    name="cnn",
    title="Two-layer CNNs: patch arrangement and certified solve vs cvxpy",
    description=DESCRIPTION,
    cases=cases,
    tools=[Tool("certified", "ours", run_certified, always_repeat=True),
           Tool("cvxpy", "cvxpy", run_cvxpy),
           Tool("enumeration", "enumeration", run_enumeration, always_repeat=True)],
    reference="certified",
    count_label="chambers",
    targets=[Target("n=20 L=10 h=3", "cvxpy", TARGET_RATIO)],
    check=check_case,
)
