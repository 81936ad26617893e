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
    child_limits,
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


def _diabetes_17(n: int) -> list[list[str]]:
    """scikit-learn's diabetes features (first n rows, 4 columns, as shipped: already
    scaled floats) written with 17 significant digits, as a CSV export does."""
    from sklearn.datasets import load_diabetes

    return [[f"{v:.17g}" for v in r] for r in load_diabetes().data[:n, :4].tolist()]


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
_scnn_versions: set[str] = set()  # the pyscnn versions the scnn children reported
_scnn_rows: dict[str, dict[str, Measurement]] = {}  # case -> ours and the scnn tools, for notes


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
    # the same rows as a CSV export writes them: scikit-learn's raw features as 17-digit
    # floats (`%.17g`), the targets / 100 as repr(float)
    out.append(Case(f"diabetes 17 digits ({DECIMAL_INSTANCE[0]}, 4)",
                    {"kind": "solve", "X": _diabetes_17(DECIMAL_INSTANCE[0]),
                     "y": [repr(t / 100) for t in _diabetes_targets(DECIMAL_INSTANCE[0])],
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


# -- baseline: Pilanci lab's scnn (Mishkin, Sahiner & Pilanci 2022), in its own interpreter -------
#: the interpreter where ``import scnn`` works (scnn needs torch, which the project never
#: installs); unset: the scnn rows are skipped
SCNN_ENV = "RELUCVX_SCNN_PYTHON"
SCNN_GATES = SAMPLED_GATES  # the "sampled method with 1000 gates"
SCNN_SEED = 0  # scnn.activations.sample_gate_vectors(seed, d, gates): Gaussian gates
#: the AL solver's keyword arguments per tool: scnn's defaults (tol = constraint_tol = 1e-6,
#: 10,000 primal iterations in all), and tight tolerances with 5x the iteration budget
SCNN_SOLVERS: dict[str, dict[str, float]] = {
    "scnn": {},
    "scnn-tight": {"tol": 1e-10, "constraint_tol": 1e-10, "max_primal_iters": 50_000,
                   "max_dual_iters": 50_000},
}
#: the cases of the tight run (the issue's (40, 4) instances: one run is minutes of CPU)
SCNN_TIGHT_CASES = frozenset({"(40, 4)", "diabetes (40, 4)"})
SCNN_ROUNDING = 1e-9  # relative: float64 rounding of the parent's evaluation, with room
SCNN_MAPPING_TOL = 1e-6  # relative: scnn's own objective × n vs ours at its weights
SCNN_IMPORT_MARGIN = 30.0  # CPU seconds granted beyond the cap for the child's imports (torch)

#: The child: reads a request (JSON) on stdin, calls scnn's public API as its docs/quick_start.rst
#: does (ConvexReLU + AL + NeuronGL1, optimize_model with return_convex=True) and prints one JSON
#: line. Only ``optimize_model`` is timed (process CPU and wall; imports and gate sampling
#: excluded); ``unitize_data=False`` because unitizing X's columns would change the regulariser
#: to Σ‖diag(column norms) w‖, another program. Torch runs single-threaded (OMP_NUM_THREADS=1 in
#: the child's environment), as every other tool of the suite.
SCNN_DRIVER = r'''
import json, sys, time
req = json.load(sys.stdin)
import numpy as np
from scnn.activations import sample_gate_vectors
from scnn.metrics import Metrics
from scnn.models import ConvexReLU
from scnn.optimize import optimize_model
from scnn.regularizers import NeuronGL1
from scnn.solvers import AL

X, y = np.array(req["X"], dtype=float), np.array(req["y"], dtype=float)
G = sample_gate_vectors(req["seed"], X.shape[1], req["gates"])
wall, cpu = [], []
for _ in range(max(1, req["reps"])):
    model = ConvexReLU(G)
    solver = AL(model, **req["solver"])
    metrics = Metrics(model_loss=True, constraint_gaps=True)
    c0, t0 = time.process_time(), time.perf_counter()
    model, metrics = optimize_model(model, solver, metrics, X, y, regularizer=NeuronGL1(req["lam"]),
                                    return_convex=True, unitize_data=False, dtype="float64")
    wall.append(time.perf_counter() - t0)
    cpu.append(time.process_time() - c0)
    if wall[-1] >= req["repeat_below"] or sum(cpu) + cpu[-1] > req["cap"]:
        break  # (a next run as long would pass the cap, where the parent's limit kills us)
V, W = model.parameters
try:
    from importlib.metadata import version
    ver = version("pyscnn")  # scnn's PyPI name; scnn has no __version__
except Exception:
    ver = "?"
print(json.dumps({"wall": wall, "cpu": cpu, "version": ver,
                  "D": model.compute_activations(X).astype(int).tolist(),
                  "V": np.asarray(V)[0].tolist(), "W": np.asarray(W)[0].tolist(),
                  "objective": float(np.ravel(metrics.model_loss)[-1])}))
'''


def scnn_lambda(beta: object, n: int) -> float:
    """scnn's NeuronGL1 strength λ for which scnn's program is ours divided by ``n``.

    scnn's squared loss is ``‖ŷ − y‖² / (2n)`` (scnn/private/models/model.py ``_scaling`` = n and
    convex_mlp.py ``_objective``: ``squared_error / (2 · scaling)``) and its regulariser
    ``λ Σ‖w‖`` (loss_functions.py ``group_l1_penalty``) over the same groups; ours is
    ``½‖ŷ − y‖² + β Σ‖w‖`` (docs/MATH.md §4). Dividing ours by ``n`` gives ``λ = β / n``, and the
    minimisers coincide.

    >>> scnn_lambda(Fraction(1, 10), 40)
    0.0025
    """
    return float(Fraction(str(beta)) / n)


def scnn_values(X, y, beta: object, D, V, W) -> dict[str, float]:
    """Our objective (squared loss) at scnn's convex weights, in float64.

    ``D`` (n × p, 0/1) are scnn's activation patterns, ``V``, ``W`` (p × d) its weights of the
    two signs. Returns ``convex``: ½‖Σ_i D_i X (v_i − w_i) − y‖² + β Σ(‖v_i‖ + ‖w_i‖), the
    program's value (docs/MATH.md §4), a relaxation's value when the cone constraints
    ``(2D_i − I) X v_i ≥ 0`` fail; ``network``: the same with ``(X v_i)_+ − (X w_i)_+`` for
    ``D_i X (v_i − w_i)``, the objective of the network of neurons ``(v_i, +1)``, ``(w_i, −1)``
    rescaled (docs/MATH.md §5), always ≥ P*; ``violation``: the largest ``−(2D_i − I) X v``
    over the groups, relative to ``max |X v|`` (0 when feasible, then ``convex = network``).

    >>> v = scnn_values([[1, 0], [0, 1]], [1, 0], 1, [[1], [0]], [[1, 0]], [[0, 0]])
    >>> v["convex"], v["network"], v["violation"]
    (1.0, 1.0, 0.0)
    >>> v = scnn_values([[1, 0], [0, 1]], [1, 0], 1, [[1], [0]], [[0, 1]], [[0, 0]])
    >>> v["convex"], v["network"], v["violation"]  # v = (0, 1) is outside pattern (1, 0)'s cone
    (1.5, 2.0, 1.0)
    """
    Xf = np.array([[float(Fraction(str(t))) for t in row] for row in X])
    yf = np.array([float(Fraction(str(t))) for t in y])
    Df, Vf, Wf = (np.array(a, dtype=float) for a in (D, V, W))
    b = float(Fraction(str(beta)))
    pen = b * float(np.linalg.norm(Vf, axis=1).sum() + np.linalg.norm(Wf, axis=1).sum())
    XV, XW = Xf @ Vf.T, Xf @ Wf.T  # n × p
    convex = 0.5 * float(np.sum(((Df * (XV - XW)).sum(axis=1) - yf) ** 2)) + pen
    network = 0.5 * float(np.sum((np.maximum(XV, 0).sum(axis=1) - np.maximum(XW, 0).sum(axis=1)
                                  - yf) ** 2)) + pen
    S = 2 * Df - 1
    worst = max(0.0, float(np.max(-S * XV, initial=0.0)), float(np.max(-S * XW, initial=0.0)))
    scale = max(float(np.max(np.abs(XV), initial=0.0)), float(np.max(np.abs(XW), initial=0.0)))
    return {"convex": convex, "network": network,
            "violation": worst / scale if scale > 0 else 0.0}


def scnn_solve(python: str, X, y, beta: object, solver: dict[str, float], settings: Settings,
               gates: int = SCNN_GATES) -> dict:
    """Run :data:`SCNN_DRIVER` in ``python`` on the instance; its answer, evaluated by us.

    Returns the child's JSON (``wall``, ``cpu``, ``objective``: scnn's own value, ``version``)
    plus :func:`scnn_values` at its weights and ``mapped``: ``n`` × scnn's objective, which must
    equal our ``convex`` value (the check of :func:`scnn_lambda`; :class:`Mismatch` otherwise).
    Raises ``TimeoutError`` past the cap (on ``settings.clock``) and ``RuntimeError`` when the
    child fails.
    """
    import json
    import os
    import signal
    import subprocess

    n = len(y)
    req = {"X": [[float(Fraction(str(t))) for t in row] for row in X],
           "y": [float(Fraction(str(t))) for t in y], "lam": scnn_lambda(beta, n),
           "gates": gates, "seed": SCNN_SEED, "solver": solver, "reps": settings.reps,
           "repeat_below": settings.repeat_below, "cap": settings.cap}
    env = dict(os.environ, OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    cpu_clock = settings.clock == "cpu"
    # on the CPU clock the kernel enforces the cap; the wall timeout is only a safety net
    wall_s = ((10 if cpu_clock else 1) * settings.cap + SCNN_IMPORT_MARGIN
              + settings.reps * settings.repeat_below)
    try:
        proc = subprocess.run(
            [python, "-c", SCNN_DRIVER], input=json.dumps(req), capture_output=True, text=True,
            env=env, timeout=wall_s,
            preexec_fn=child_limits(settings.mem_gb,
                               settings.cap + SCNN_IMPORT_MARGIN if cpu_clock else None))
    except subprocess.TimeoutExpired:
        raise TimeoutError(f"killed by the parent after {wall_s:g} s wall") from None
    if proc.returncode in (-signal.SIGXCPU, -signal.SIGKILL) and cpu_clock:
        raise TimeoutError(f"stopped by its CPU limit ({settings.cap:g} s cap + "
                           f"{SCNN_IMPORT_MARGIN:g} s for imports)")
    if proc.returncode != 0:
        tail = " / ".join(proc.stderr.strip().splitlines()[-3:])
        raise RuntimeError(f"the scnn child exited {proc.returncode}: {tail}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    # scnn logs "Max iterations reached before ... termination criterion was satisfied" (its
    # exit status is not returned by optimize_model): the distinct warnings, for the notes
    out["warnings"] = sorted({line.split(":", 2)[-1].strip() for line in proc.stderr.splitlines()
                              if line.startswith("WARNING:scnn")})
    out.update(scnn_values(X, y, beta, out["D"], out["V"], out["W"]))
    out["mapped"] = n * out["objective"]
    if abs(out["mapped"] - out["convex"]) > SCNN_MAPPING_TOL * max(1.0, abs(out["convex"])):
        raise Mismatch(f"scnn's own objective × n = {out['mapped']!r} but ours at its weights is "
                       f"{out['convex']!r}: the λ = β/n mapping does not hold")
    return out


def run_scnn(case: Case, settings: Settings, key: str = "scnn") -> Measurement:
    """Tool ``scnn`` / ``scnn-tight``: :func:`scnn_solve` with :data:`SCNN_SOLVERS` ``[key]``."""
    import os

    if case.data["kind"] != "solve":
        return Measurement("skipped")
    python = os.environ.get(SCNN_ENV)
    if not python:
        return Measurement("skipped", note=f"skipped: {SCNN_ENV} not set")
    if case.data["loss"] != "squared":
        return Measurement("skipped", note="skipped: scnn has only the squared loss "
                                           "(scnn/loss_functions.py)")
    if key == "scnn-tight" and case.name not in SCNN_TIGHT_CASES:
        return Measurement("skipped", note="skipped: the tight run is for "
                                           f"{', '.join(sorted(SCNN_TIGHT_CASES))} only")
    cp = _program(case)
    try:
        out = scnn_solve(python, case.data["X"], case.data["y"], BETA, SCNN_SOLVERS[key],
                         settings)
    except TimeoutError as exc:
        return Measurement("timeout", note=str(exc))
    _scnn_versions.add(out["version"])
    detail = {f"{key}_value": out["network"], f"{key}_convex": out["convex"],
              f"{key}_violation": out["violation"]}
    return Measurement("ok", out["wall"], out["cpu"], cp.p, detail,
                       note=f"network value {out['network']:.15g}, convex value "
                            f"{out['convex']:.15g} (scnn's own × n: {out['mapped']:.15g}), "
                            f"cone violation {out['violation']:.2e}, {len(out['V'])} patterns "
                            f"of {SCNN_GATES} gates, scnn {out['version']}"
                            + "".join(f"; scnn warned: {w}" for w in out["warnings"]))


def run_scnn_tight(case: Case, settings: Settings) -> Measurement:
    return run_scnn(case, settings, "scnn-tight")



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
    for key in SCNN_SOLVERS:
        sc = ok.get(key)
        if cert is None or sc is None:
            continue
        _scnn_rows.setdefault(case.name, {"certified": cert})[key] = sc
        if smp is not None:
            _scnn_rows[case.name]["sampled"] = smp
        # the network of scnn's weights is feasible for the training problem, so its value is
        # ≥ P* ≥ lower (docs/MATH.md §5); below it by more than rounding means our evaluation
        # or the mapping is wrong
        val = sc.detail[f"{key}_value"]
        if val < float(cert.detail["lower"]) - SCNN_ROUNDING * max(1.0, abs(val)):
            raise Mismatch(f"{case.name}: {key}'s value {val!r} is below the certified lower "
                           f"bound {float(cert.detail['lower'])!r}")
    if cert is None or base is None:
        return
    require_in_interval(case.name, base.detail["cvxpy_value"], cert.detail["lower"],
                        cert.detail["upper"], CVXPY_TOL)


def _quotient(a: list[float], b: list[float]) -> str:
    """``min(a) / min(b)`` to 3 decimals, "–" when ``b`` is empty or its best time is 0.

    >>> _quotient([1.0, 0.5], [2.0]), _quotient([1.0], [0.0])
    ('0.250', '–')
    """
    return f"{min(a) / min(b):.3f}" if a and b and min(b) > 0 else "–"


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
    for name, ms in _scnn_rows.items():
        cert = ms["certified"]
        p_star = float(cert.detail["upper"])
        for key in SCNN_SOLVERS:
            m = ms.get(key)
            if m is None:
                continue
            val = m.detail[f"{key}_value"]
            out.append(f"{name}: {key} (AL {SCNN_SOLVERS[key] or 'defaults'}) value "
                       f"{val:.10g} vs P* {p_star:.10g}: relative gap {(val - p_star) / p_star:.2e}"
                       f" (convex value {m.detail[f'{key}_convex']:.10g}, cone violation "
                       f"{m.detail[f'{key}_violation']:.1e}); ours/{key} CPU "
                       f"{_quotient(cert.cpu, m.cpu)}, wall {_quotient(cert.wall, m.wall)}")
            smp = ms.get("sampled")
            if smp is not None:
                # the same gates (default_rng(0), d × 1000 Gaussians): the same program, whose
                # optimum the sampled row's Clarabel solve gives (to its tolerances)
                sv = smp.detail["sampled_value"]
                out.append(f"{name}: {key} vs the sampled program's optimum {sv:.10g} (the same "
                           f"gates): relative {(val - sv) / sv:.2e}; the sampling's own gap "
                           f"to P* {(sv - p_star) / p_star:.2e}")
    if _scnn_versions:
        out.append(f"scnn: version {', '.join(sorted(_scnn_versions))} from {SCNN_ENV}")
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
Clarabel defaults; uncertified, value ≥ P*). **scnn**: Pilanci lab's scnn (Mishkin, Sahiner &
Pilanci 2022) in the interpreter named by `{SCNN_ENV}` (skipped when unset; squared loss only):
`ConvexReLU` on `sample_gate_vectors({SCNN_SEED}, d, {SCNN_GATES})`, `NeuronGL1(β/n)` (scnn divides
the squared loss by 2n), the augmented-Lagrangian solver `AL` with its defaults (**scnn-tight**:
tol = constraint_tol = 1e-10, 5× the iterations, on the (40, 4) rows),
`optimize_model(..., unitize_data=False, dtype="float64")` timed alone in a subprocess (best of 3
under 20 s, else one run); its value is our objective at the network of its weights (≥ P*),
cross-checked against scnn's own objective × n. Ours picks cutting planes over the exact chamber
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
           Tool("scnn", "scnn", run_scnn),
           Tool("scnn-tight", "scnn-tight", run_scnn_tight),
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
