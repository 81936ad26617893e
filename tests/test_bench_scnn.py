"""The scnn rows of benchmarks/suite_solver.py, without scnn and without torch.

What is ours is tested against a stand-in ``scnn`` package written to a temporary directory: it
offers the public names the driver calls (``sample_gate_vectors``, ``ConvexReLU``, ``AL``,
``NeuronGL1``, ``Metrics``, ``optimize_model``) and answers with weights the test chooses, and
with *scnn's documented objective* at them, ``‖ŷ − y‖² / (2n) + λ Σ‖w‖``. So the driver's
protocol (JSON in on stdin, JSON out), our evaluation of the answer and the mapping λ = β/n are
exercised for real; only scnn's optimisation is replaced.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.insert(0, str(BENCH))

import suite_solver  # noqa: E402
from framework import Case, Measurement, Mismatch, Settings  # noqa: E402

from exact.certify import solve  # noqa: E402

# docs/MATH.md §9: P* = 37/200 exactly, attained by a rational network
X = [[-1, 1], [0, 1], [1, 1]]
Y = [1, 0, 1]
BETA = Fraction(1, 10)
P_STAR = Fraction(37, 200)

FAKE = {
    "__init__.py": "",
    "activations.py": """
        import numpy as np
        def sample_gate_vectors(seed, d, n_samples):
            return np.random.default_rng(seed).standard_normal((d, n_samples))
    """,
    "metrics.py": """
        class Metrics:
            def __init__(self, **kwargs):
                self.model_loss = None
    """,
    "regularizers.py": """
        class NeuronGL1:
            def __init__(self, lam):
                self.lam = lam
    """,
    "solvers.py": """
        class AL:
            def __init__(self, model, **kwargs):
                self.model, self.kwargs = model, kwargs
    """,
    "models.py": """
        import numpy as np
        class ConvexReLU:
            def __init__(self, G, c=1):
                self.G, self.c = G, c
                self.parameters = [np.zeros((c, G.shape[1], G.shape[0]))] * 2
            def compute_activations(self, X):
                return (X @ self.G > 0).astype(float)
    """,
    # the answer: weights from FAKE_SCNN_ANSWER (a JSON file), scnn's objective at them
    "optimize.py": """
        import json, os
        import numpy as np
        def optimize_model(model, solver, metrics, X, y, regularizer=None, return_convex=False,
                           unitize_data=True, dtype="float32"):
            assert return_convex and not unitize_data and dtype == "float64"
            ans = json.load(open(os.environ["FAKE_SCNN_ANSWER"]))
            if ans.get("fail"):
                raise ValueError("the stand-in was told to fail")
            while ans.get("spin"):  # a solver that never ends
                pass
            model.G = np.array(ans["G"], dtype=float)
            V, W = np.array(ans["V"], dtype=float), np.array(ans["W"], dtype=float)
            model.parameters = [V[None], W[None]]
            D = model.compute_activations(X)
            pred = (D * (X @ (V - W).T)).sum(axis=1)
            n = len(y)
            reg = regularizer.lam * (np.linalg.norm(V, axis=1).sum()
                                     + np.linalg.norm(W, axis=1).sum())
            metrics.model_loss = [np.sum((pred - y) ** 2) / (2 * n) + reg]
            import logging
            logging.basicConfig()  # as scnn's get_logger: "WARNING:scnn:..." on stderr
            logging.getLogger("scnn").warning("Max iterations reached (stand-in).")
            return model, metrics
    """,
}


def _optimal_answer() -> dict:
    """Our certified network as scnn's convex weights: neuron (u, α) goes to V (α > 0) or W as
    |α| u, with u itself as its gate (docs/MATH.md §5, φ)."""
    net = solve(X, Y, BETA).network
    G, V, W = [], [], []
    for nr in net.neurons:
        u = [float(t) for t in nr.u]
        w = [float(abs(nr.alpha)) * t for t in u]
        G.append(u)
        V.append(w if nr.alpha > 0 else [0.0] * len(u))
        W.append([0.0] * len(u) if nr.alpha > 0 else w)
    return {"G": [list(col) for col in zip(*G)], "V": V, "W": W}


@pytest.fixture
def fake(tmp_path, monkeypatch):
    """The stand-in package on the child's PYTHONPATH; returns a function setting its answer."""
    pkg = tmp_path / "scnn"
    pkg.mkdir()
    for name, src in FAKE.items():
        (pkg / name).write_text(textwrap.dedent(src))
    answer = tmp_path / "answer.json"
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    monkeypatch.setenv("FAKE_SCNN_ANSWER", str(answer))
    monkeypatch.setenv(suite_solver.SCNN_ENV, sys.executable)

    def set_answer(ans: dict) -> None:
        answer.write_text(json.dumps(ans))
    return set_answer


def _case(loss: str = "squared") -> Case:
    y = Y if loss == "squared" else [1 if t > 0 else -1 for t in Y]
    return Case("tiny", {"kind": "solve", "X": X, "y": y, "loss": loss})


def test_lambda_is_beta_over_n() -> None:
    assert suite_solver.scnn_lambda(BETA, 3) == 1 / 30
    assert suite_solver.scnn_lambda("0.5", 5) == 0.1


def test_protocol_and_objective_at_the_optimum(fake) -> None:
    fake(_optimal_answer())
    out = suite_solver.scnn_solve(sys.executable, X, Y, BETA, {}, Settings(reps=2))
    # the optimal weights are feasible: the program's value, the network's and P* coincide
    assert out["violation"] == 0.0
    assert out["network"] == pytest.approx(float(P_STAR), rel=1e-12)
    assert out["convex"] == pytest.approx(float(P_STAR), rel=1e-12)
    # scnn's own objective (divided by n) times n is ours: λ = β/n maps the program exactly
    assert out["mapped"] == pytest.approx(out["convex"], rel=1e-12)
    assert len(out["wall"]) == len(out["cpu"]) == 2  # best of reps, runs under repeat_below
    assert out["warnings"] == ["Max iterations reached (stand-in)."]


def test_wrong_lambda_is_caught(fake, monkeypatch) -> None:
    fake(_optimal_answer())
    # scnn's regulariser with λ = β (no 1/n): its objective × n is not ours
    monkeypatch.setattr(suite_solver, "scnn_lambda", lambda beta, n: float(beta))
    with pytest.raises(Mismatch, match="mapping"):
        suite_solver.scnn_solve(sys.executable, X, Y, BETA, {}, Settings(reps=1))


def test_infeasible_weights_give_a_relaxation_value(fake) -> None:
    ans = _optimal_answer()
    ans["G"] = [[-g for g in row] for row in ans["G"]]  # the opposite patterns: cones violated
    fake(ans)
    out = suite_solver.scnn_solve(sys.executable, X, Y, BETA, {}, Settings(reps=1))
    assert out["violation"] > 0
    assert out["network"] >= float(P_STAR) * (1 - 1e-12)  # a network is always feasible
    assert out["mapped"] == pytest.approx(out["convex"], rel=1e-12)


def test_tool_and_cross_check(fake) -> None:
    fake(_optimal_answer())
    case, settings = _case(), Settings(reps=1)
    cert = suite_solver.run_certified(case, settings)
    m = suite_solver.run_scnn(case, settings)
    assert m.ok and m.count == cert.count
    assert m.detail["scnn_value"] == pytest.approx(float(P_STAR), rel=1e-12)
    suite_solver.check_case(case, {"certified": cert, "scnn": m})
    low = Measurement("ok", m.wall, m.cpu, m.count,
                      {**m.detail, "scnn_value": float(P_STAR) * (1 - 1e-6)})
    with pytest.raises(Mismatch, match="below the certified lower bound"):
        suite_solver.check_case(case, {"certified": cert, "scnn": low})


def test_skipped_without_the_interpreter(monkeypatch) -> None:
    monkeypatch.delenv(suite_solver.SCNN_ENV, raising=False)
    for key in suite_solver.SCNN_SOLVERS:
        m = suite_solver.run_scnn(_case(), Settings(), key)
        assert m.status == "skipped"
        assert m.note == "skipped: RELUCVX_SCNN_PYTHON not set"


def test_hinge_is_skipped(fake) -> None:
    m = suite_solver.run_scnn(_case("hinge"), Settings())
    assert m.status == "skipped" and "only the squared loss" in m.note


def test_a_failing_child_is_an_error(fake) -> None:
    fake({"fail": True})
    with pytest.raises(RuntimeError, match="told to fail"):
        suite_solver.scnn_solve(sys.executable, X, Y, BETA, {}, Settings(reps=1))


def test_notes_give_the_gaps(fake) -> None:
    fake(_optimal_answer())
    case, settings = Case("tiny notes", _case().data), Settings(reps=1)
    cert = suite_solver.run_certified(case, settings)
    m = suite_solver.run_scnn(case, settings)
    smp = Measurement("ok", [1.0], [1.0], cert.count, {"sampled_value": 2 * float(P_STAR)})
    suite_solver.check_case(case, {"certified": cert, "sampled": smp, "scnn": m})
    lines = [line for line in suite_solver.notes() if line.startswith("tiny notes:")]
    gap = re.search(r"relative gap (\S+) ", lines[0])
    assert gap is not None and abs(float(gap.group(1))) < 1e-12
    assert "relative -5.00e-01; the sampling's own gap to P* 1.00e+00" in lines[1]


def test_the_cpu_cap_stops_the_child(fake, monkeypatch) -> None:
    fake({"spin": True})
    monkeypatch.setattr(suite_solver, "SCNN_IMPORT_MARGIN", 0.0)
    m = suite_solver.run_scnn(_case(), Settings(cap=1.0, reps=1))
    assert m.status == "timeout" and "CPU limit" in m.note
