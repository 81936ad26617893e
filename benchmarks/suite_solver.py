"""Suite ``solver``: the certified convex solve vs a plain cvxpy solve, and ``check`` throughput.

Tools, on random integer instances (X entries in [−9, 9], y in [−5, 5], β = 1/10, fixed seeds;
squared loss on y, hinge loss on the labels ±1 = sign(y) with 0 counted as +1):

- ``certified`` (ours, the reference): ``exact.certify.solve(X, y, β, program=cp)`` with the
  default ``tol = 1e-12`` (relative); reports the exact relative gap it reached;
- ``cvxpy``: the same full convex program built exactly as ``ConvexProgram.numeric_solve`` builds
  it, solved by cvxpy + Clarabel with *default* tolerances (no proof; what users run today);
- ``sampled``: the literature's sampled method: 1000 Gaussian gate vectors (seed 0), their
  distinct activation patterns D, and the group lasso with cone constraints ``(2D − I)Xw ≥ 0``
  over those patterns only, cvxpy + Clarabel defaults (uncertified; its value is ≥ P*);
- ``check``: ``exact.check.check(net, X, y, β, find_better=False, certificate=False,
  program=cp)`` for a two-neuron random integer network on the (40, 4) matrix of suite
  ``arrangement``: the exact dual-feasibility pass over every chamber (two exact cone
  projections per chamber), reported as chambers per second.

In every tool the arrangement enumeration and ``ConvexProgram`` construction are *excluded* from
the timing: the program ``cp`` is built once per case, untimed, and shared.

Cross-checks (a disagreement fails the run): both solve tools see the same chamber count; the
certified interval ``[lower, upper]`` must contain the cvxpy value up to ``1e-6·max(1, |value|)``
(Clarabel's default tolerances are 1e-8); ``lower ≤ upper`` exactly; check's certified lower
bound must not exceed the network's exact objective.
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
from suite_arrangement import make_decimal, make_X

BETA = Fraction(1, 10)
#: solve instances (n, d, seed): rng = default_rng(seed); X = rng.integers(-9, 10, (n, d)),
#: then y = rng.integers(-5, 6, n).
SOLVE_INSTANCES = [(20, 3, 10), (12, 4, 11)]
#: the cutting-plane scale instance: X = suite_arrangement.make_X(40, 4, 1) (19,756 chambers),
#: y = default_rng(CHECK_SEED).integers(-5, 6, 40); hinge on sign(y) (0 counted as +1)
LARGE_INSTANCE = (40, 4, 1)
SAMPLED_GATES = 1000
#: the real-decimal solve instance: scikit-learn's diabetes, its first 40 rows and 4 columns
#: standardized and written with 4 digits (suite_arrangement.make_decimal)
DECIMAL_INSTANCE = (40, 4)


def _diabetes_targets(n: int) -> list[float]:
    from sklearn.datasets import load_diabetes

    return load_diabetes().target[:n].tolist()
#: the check instance: X = suite_arrangement.make_X(40, 4, 1); rng = default_rng(CHECK_SEED):
#: y = rng.integers(-5, 6, 40), then two neurons u = rng.integers(-3, 4, 4),
#: α = ±rng.integers(1, 3).
CHECK_INSTANCE = (40, 4, 1)
CHECK_SEED = 12
CVXPY_TOL = 1e-6  # relative slack for the cvxpy value vs the certified interval
TARGET_RATIO = 3.0  # ours / cvxpy ≤ 3
TARGET_RATE = 10_000  # check: chambers per second

_programs: dict[str, object] = {}
_rates: dict[str, tuple[float, int, float]] = {}
_enumerations: dict[str, tuple[float, float]] = {}  # check case -> (check, enumeration) time
_commands: dict[str, float] = {}  # case -> the whole command's best time
_baselines: dict[str, dict[str, float]] = {}  # case -> {tool: best time}, for the notes


def cases() -> list[Case]:
    out = []
    for n, d, seed in SOLVE_INSTANCES:
        rng = np.random.default_rng(seed)
        X = rng.integers(-9, 10, size=(n, d)).tolist()
        y = rng.integers(-5, 6, size=n).tolist()
        out.append(Case(f"({n}, {d})", {"kind": "solve", "X": X, "y": y, "loss": "squared"},
                        quick=(n, d) == (12, 4)))
    for n, d, seed in SOLVE_INSTANCES:
        rng = np.random.default_rng(seed)
        X = rng.integers(-9, 10, size=(n, d)).tolist()
        labels = [1 if t >= 0 else -1 for t in rng.integers(-5, 6, size=n).tolist()]
        out.append(Case(f"hinge ({n}, {d})", {"kind": "solve", "X": X, "y": labels,
                                               "loss": "hinge"}))
    n, d, seed = LARGE_INSTANCE
    X = make_X(n, d, seed)
    y = np.random.default_rng(CHECK_SEED).integers(-5, 6, size=n).tolist()
    out.append(Case(f"({n}, {d})", {"kind": "solve", "X": X, "y": y, "loss": "squared"}))
    out.append(Case(f"hinge ({n}, {d})", {"kind": "solve", "X": X,
                                           "y": [1 if t >= 0 else -1 for t in y],
                                           "loss": "hinge"}))
    # real decimals at the same size: the arrangement suite's standardized diabetes rows (4
    # digits), targets / 100 to 2 digits
    X = make_decimal("diabetes", *DECIMAL_INSTANCE)
    y = [f"{t / 100:.2f}" for t in _diabetes_targets(DECIMAL_INSTANCE[0])]
    out.append(Case(f"diabetes ({DECIMAL_INSTANCE[0]}, 4)", {"kind": "solve", "X": X, "y": y,
                                                             "loss": "squared"}))
    n, d, seed = CHECK_INSTANCE
    X = make_X(n, d, seed)
    rng = np.random.default_rng(CHECK_SEED)
    y = rng.integers(-5, 6, size=n).tolist()
    neurons = [(rng.integers(-3, 4, size=d).tolist(), s * int(rng.integers(1, 3))) for s in (1, -1)]
    out.append(Case(f"check ({n}, {d})", {"kind": "check", "X": X, "y": y, "net": neurons}))
    # issue 15: check of networks as they come, on the task's instance (rng = default_rng(0),
    # X = rng.integers(-9, 10, (40, 4)), y = rng.integers(-5, 6, 40)), against the
    # enumeration of the same X in the same process
    rng = np.random.default_rng(0)
    X0 = rng.integers(-9, 10, size=(40, 4)).tolist()
    y0 = rng.integers(-5, 6, size=40).tolist()
    for kind in CHECK_NETWORKS:
        out.append(Case(f"check {kind} (40, 4)", {"kind": "check", "X": X0, "y": y0,
                                                  "net": kind}))
    return out


#: the networks of the "check KIND (40, 4)" rows: solve's certified network ("optimal"), the
#: same perturbed by relative 1e-9 and written as 17-digit floats ("float"), and 8 neurons of
#: 400 steps of plain numpy gradient descent, 17-digit floats ("gd")
CHECK_NETWORKS = ("optimal", "float", "gd")


def check_network(kind: str, X, y):
    """The network of a "check KIND" row (see :data:`CHECK_NETWORKS`)."""
    from exact.network import Network

    if kind == "gd":
        g = np.random.default_rng(0)
        Xf, yf, b = np.array(X, float), np.array(y, float), float(BETA)
        U, a = 0.5 * g.standard_normal((Xf.shape[1], 8)), 0.5 * g.standard_normal(8)
        for _ in range(400):
            Z = Xf @ U
            r = np.maximum(Z, 0) @ a - yf
            ga = np.maximum(Z, 0).T @ r + b * a
            gU = Xf.T @ ((r[:, None] * a[None, :]) * (Z > 0)) + b * U
            a, U = a - 5e-5 * ga, U - 5e-5 * gU
        return Network.from_lists([(tuple(Fraction(repr(float(t))) for t in U[:, k]),
                                    Fraction(repr(float(a[k])))) for k in range(8)])
    from exact.certify import solve

    net = solve(X, y, BETA).network
    if kind == "optimal":
        return net
    pr = np.random.default_rng(1)
    return Network.from_lists([
        (tuple(Fraction(repr(float(x) * (1 + 1e-9 * pr.standard_normal()))) for x in nr.u),
         Fraction(repr(float(nr.alpha) * (1 + 1e-9 * pr.standard_normal()))))
        for nr in net.neurons])


def _program(case: Case):
    """The case's ConvexProgram (arrangement enumerated once, untimed, shared by the tools)."""
    from exact.convex import ConvexProgram

    if case.name not in _programs:
        _programs[case.name] = ConvexProgram(case.data["X"], case.data["y"], BETA,
                                             case.data.get("loss", "squared"))
    return _programs[case.name]


# -- ours: certified solve -----------------------------------------------------------------------
def run_certified(case: Case, settings: Settings) -> Measurement:
    if case.data["kind"] != "solve":
        return Measurement("skipped")
    from exact.certify import solve

    cp = _program(case)
    wall, cpu, sol = best_of(lambda: solve(case.data["X"], case.data["y"], BETA, cp.loss,
                                           program=cp), settings, always_repeat=True)
    if not sol.lower <= sol.upper:
        raise Mismatch(f"{case.name}: certified lower {sol.lower} > upper {sol.upper}")
    rel = sol.relative_gap
    return Measurement("ok", wall, cpu, cp.p,
                       {"lower": sol.lower, "upper": sol.upper, "relative_gap": rel},
                       note=f"exact relative gap {float(rel):.2e} (tol 1e-12), "
                            f"{sol.stats.get('rounds')} refinement round(s), numeric part "
                            f"{sol.stats.get('numeric_seconds', 0.0):.3f} s wall of the last run; "
                            f"P* ∈ [{float(sol.lower):.15g}, {float(sol.upper):.15g}]")


# -- ours, the whole command: `relucvx solve DATA --json -q` ---------------------------------------
def run_command(case: Case, settings: Settings) -> Measurement:
    """The whole ``relucvx solve`` command in this process (``exact.cli.main``): reading the
    file, the enumeration, the program, the certified solve and the extras (optimal set, m*,
    closed form / pruned width, within their budgets), JSON output; the instance file is
    written untimed."""
    if case.data["kind"] != "solve":
        return Measurement("skipped")
    import contextlib
    import io
    import json
    import tempfile
    from pathlib import Path

    from exact.cli import main

    loss = case.data["loss"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.json"
        path.write_text(json.dumps({"X": case.data["X"], "y": case.data["y"],
                                    "beta": str(BETA)}))

        def once() -> dict:
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                rc = main(["solve", str(path), "--loss", loss, "--json", "-q"])
            if rc != 0:
                raise RuntimeError(f"relucvx solve exited {rc}")
            return json.loads(buf.getvalue())

        wall, cpu, out = best_of(once, settings, always_repeat=True)
    t = out["seconds"]
    _commands[case.name] = min(cpu if settings.clock == "cpu" else wall)
    return Measurement("ok", wall, cpu, out["chambers"],
                       {"lower": Fraction(out["lower"]), "upper": Fraction(out["upper"])},
                       note=f"wall phases of the last run: enumeration {t['enumeration']:.3f}, "
                            f"numeric {t['numeric']:.3f}, certification "
                            f"{t['certification']:.3f}, extras {t['extras']:.3f} s"
                            + (f" (extras skipped: {out['extras_skipped'].split(':')[0]})"
                               if out.get("extras_skipped") else ""))


# -- baseline: plain cvxpy + Clarabel, default tolerances ----------------------------------------
def cvxpy_solve(cp) -> float:
    """The program of ``ConvexProgram.numeric_solve`` (the case's loss), Clarabel defaults."""
    import cvxpy as cvx

    prob, (W, _z) = cp.cvxpy_problem()
    prob.solve(solver=cvx.CLARABEL)
    if W.value is None:
        raise RuntimeError(f"cvxpy/Clarabel failed: status {prob.status}")
    return float(prob.value) * cp.float_data()[4] ** 2  # the program is scaled by s_y²


def run_cvxpy(case: Case, settings: Settings) -> Measurement:
    if case.data["kind"] != "solve":
        return Measurement("skipped")
    cp = _program(case)
    wall, cpu, val = best_of(lambda: cvxpy_solve(cp), settings, always_repeat=True)
    return Measurement("ok", wall, cpu, cp.p, {"cvxpy_value": val},
                       note=f"value {val:.15g} (problem construction + Clarabel, defaults)")


# -- baseline: the sampled method (gates), uncertified ------------------------------------------
def sampled_solve(X, y, loss: str, gates: int = SAMPLED_GATES, seed: int = 0) -> float:
    """Group lasso with cone constraints over the patterns of ``gates`` Gaussian gates."""
    import cvxpy as cvx

    Xf = np.array(X, dtype=float)
    yf = np.array(y, dtype=float)
    n, d = Xf.shape
    U = np.random.default_rng(seed).standard_normal((d, gates))
    D = np.unique((Xf @ U >= 0).astype(float), axis=1)  # n × P distinct patterns
    P = D.shape[1]
    Wp, Wm = cvx.Variable((d, P)), cvx.Variable((d, P))
    pred = cvx.sum(cvx.multiply(D, Xf @ (Wp - Wm)), axis=1)
    S = 2 * D - 1
    cons = [cvx.multiply(S, Xf @ Wp) >= 0, cvx.multiply(S, Xf @ Wm) >= 0]
    reg = float(BETA) * (cvx.sum(cvx.norm(Wp, 2, axis=0)) + cvx.sum(cvx.norm(Wm, 2, axis=0)))
    loss_expr = (0.5 * cvx.sum_squares(pred - yf) if loss == "squared"
                 else cvx.sum(cvx.pos(1 - cvx.multiply(yf, pred))))
    prob = cvx.Problem(cvx.Minimize(loss_expr + reg), cons)
    prob.solve(solver=cvx.CLARABEL)
    return float(prob.value)


def run_sampled(case: Case, settings: Settings) -> Measurement:
    if case.data["kind"] != "solve":
        return Measurement("skipped")
    cp = _program(case)
    wall, cpu, val = best_of(lambda: sampled_solve(case.data["X"], case.data["y"], cp.loss),
                             settings, always_repeat=True)
    return Measurement("ok", wall, cpu, cp.p, {"sampled_value": val},
                       note=f"value {val:.15g} ({SAMPLED_GATES} gates, uncertified)")


# -- check throughput ---------------------------------------------------------------------------
def run_check(case: Case, settings: Settings) -> Measurement:
    if case.data["kind"] != "check":
        return Measurement("skipped")
    from arrangement.core import Arrangement
    from exact.check import check
    from exact.network import Network

    cp = _program(case)
    spec = case.data["net"]
    net = (check_network(spec, case.data["X"], case.data["y"]) if isinstance(spec, str) else
           Network.from_lists([(tuple(u), a) for u, a in spec]))
    wall, cpu, res = best_of(
        lambda: check(net, case.data["X"], case.data["y"], BETA, find_better=False,
                      certificate=False, program=cp), settings, always_repeat=False)
    if not res.lower <= res.objective:
        raise Mismatch(f"{case.name}: check's lower bound {res.lower} exceeds the network's "
                       f"objective {res.objective}")
    # the enumeration of the same X in the same process (a fresh Arrangement each time)
    ewall, ecpu, _ = best_of(lambda: Arrangement(case.data["X"]).chambers(), settings,
                             always_repeat=True)
    t = min(cpu if settings.clock == "cpu" else wall)
    te = min(ecpu if settings.clock == "cpu" else ewall)
    rate = cp.p / t
    _rates[case.name] = (rate, cp.p, t)
    _enumerations[case.name] = (t, te)
    return Measurement("ok", wall, cpu, cp.p, {"verdict": res.verdict},
                       note=f"{rate:,.0f} chambers/s on {settings.clock} time, "
                            f"{t / te:.2f}x the enumeration ({te:.3f} s, same process); width "
                            f"{net.width}, verdict {res.verdict}, worst chamber "
                            f"{res.worst_chamber}, violation {float(res.violation):.3g}")


# -- cross-check --------------------------------------------------------------------------------
def check_case(case: Case, results: dict[str, Measurement]) -> None:
    ok = {k: m for k, m in results.items() if m.ok}
    counts = {m.count for m in ok.values()}
    if len(counts) > 1:
        raise Mismatch(f"{case.name}: chamber counts differ: "
                       f"{ {k: m.count for k, m in ok.items()} }")
    cert, base = ok.get("certified"), ok.get("cvxpy")
    smp = ok.get("sampled")
    cmd = ok.get("command")
    if cmd is not None:
        _baselines[case.name] = dict(ok)
        # the command certifies an interval overlapping the certified solve's
        if cert is not None and not (cmd.detail["lower"] <= cert.detail["upper"]
                                     and cert.detail["lower"] <= cmd.detail["upper"]):
            raise Mismatch(f"{case.name}: the command's interval [{cmd.detail['lower']}, "
                           f"{cmd.detail['upper']}] misses the certified solve's")
    if cert is not None and smp is not None:
        val = smp.detail["sampled_value"]
        if val < float(cert.detail["lower"]) - CVXPY_TOL * max(1.0, abs(val)):
            raise Mismatch(f"{case.name}: the sampled value {val!r} is below the certified "
                           f"lower bound {float(cert.detail['lower'])!r}")
    if cert is None or base is None:
        return
    require_in_interval(case.name, base.detail["cvxpy_value"], cert.detail["lower"],
                        cert.detail["upper"], CVXPY_TOL)


def notes() -> list[str]:
    out = []
    for name, ms in _baselines.items():
        cmd = ms.get("command")
        if cmd is None:
            continue
        parts = []
        for key, label in (("cvxpy", "cvxpy"), ("sampled", "sampled"), ("certified", "ours")):
            m = ms.get(key)
            if m is not None and cmd.cpu and m.cpu:
                parts.append(f"{label}/command {min(m.cpu) / min(cmd.cpu):.2f}×")
        out.append(f"{name}: the whole command (`relucvx solve DATA --json -q`, CPU "
                   f"{min(cmd.cpu):.3f} s): " + ", ".join(parts))
    for name, (rate, p, t) in _rates.items():
        verdict = "PASS" if rate >= TARGET_RATE else "MISSED"
        out.append(f"{verdict}: {name} check throughput ≥ {TARGET_RATE:,} chambers/s (measured "
                   f"{p} chambers / {t:.3f} s = {rate:,.0f} chambers/s)")
    for name, (t, te) in _enumerations.items():
        verdict = "PASS" if t <= te else "MISSED"
        out.append(f"{verdict}: {name} check ≤ the enumeration of its arrangement (issue 15; "
                   f"check {t:.3f} s, enumeration {te:.3f} s: {t / te:.2f}x)")
    return out


DESCRIPTION = f"""\
Certified solve vs a plain floating-point solve of the same convex program (β = 1/10), on
X = `rng.integers(-9, 10, (n, d))` then y = `rng.integers(-5, 6, n)` with
`rng = numpy.random.default_rng(seed)`, seeds {', '.join(str(s) for *_, s in SOLVE_INSTANCES)}:
squared loss on y, and hinge loss ("hinge" rows) on the labels sign(y) (0 counted as +1).
**ours**: `exact.certify.solve(X, y, β, program=cp)` (relative gap ≤ 1e-12, exact; best of 3).
**cvxpy**: the full program of `ConvexProgram.numeric_solve` over every chamber, solved by
cvxpy + Clarabel with default tolerances (no proof; best of 3). **sampled**: the sampled method
({SAMPLED_GATES} Gaussian gates, their distinct patterns, group lasso with cone constraints,
Clarabel defaults; uncertified, value ≥ P*). Ours picks cutting planes over the exact chamber
list (exact/cutting.py) from 100 groups on, so the (40, 4) rows (X = the arrangement suite's
(40, 4) matrix, seed 1; y from `default_rng({CHECK_SEED})`) compare constraint generation with
the full program. The arrangement enumeration and `ConvexProgram` construction
are excluded from both. Target: ours ≤ {TARGET_RATIO:g}× cvxpy, i.e.
cvxpy/ours ≥ 1/{TARGET_RATIO:g}.
Cross-check: the certified interval must contain the cvxpy value within
{CVXPY_TOL:g}·max(1, |value|). **check**: `exact.check.check(net, X, y, β, find_better=False,
certificate=False, program=cp)` on the (40, 4) matrix of the arrangement suite (seed 1), y and a
two-neuron integer network from `default_rng({CHECK_SEED})`: the exact dual-feasibility pass over
all chambers (two exact cone projections each); throughput = chambers / time, target
≥ {TARGET_RATE:,} chambers/s (see Notes). **command**: the whole `relucvx solve DATA --loss
LOSS --json -q` in-process (`exact.cli.main`; file reading, enumeration, program, certified
solve and the extras within their budgets; best of 3); its ratios to the baselines are in the
Notes (the issue's targets are for the command as a whole)."""

SUITE = Suite(
    name="solver",
    title="Convex program: certified solve vs cvxpy, and check throughput",
    description=DESCRIPTION,
    cases=cases,
    tools=[Tool("certified", "ours", run_certified, always_repeat=True),
           Tool("cvxpy", "cvxpy", run_cvxpy, always_repeat=True),
           Tool("sampled", "sampled", run_sampled, always_repeat=True),
           Tool("command", "command", run_command, always_repeat=True),
           Tool("check", "check", run_check)],
    reference="certified",
    count_label="chambers",
    targets=[Target(f"{kind}({n}, {d})", "cvxpy", 1 / TARGET_RATIO)
             for kind in ("", "hinge ") for n, d, _ in SOLVE_INSTANCES]
    + [Target("(40, 4)", "cvxpy", 20.0), Target("(40, 4)", "sampled", 3.0),
       Target("hinge (40, 4)", "cvxpy", 10.0)],
    check=check_case,
    notes=notes,
)
