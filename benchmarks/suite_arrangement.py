"""Suite ``arrangement``: all chambers with exact witnesses plus the tope graph.

Tools, on the same matrices X:

- ``ours``: ``Arrangement(X).chambers()`` then ``.tope_graph()`` (a fresh Arrangement each
  repetition, construction included);
- ``lp``: the plain exact-LP incremental enumerator of lp_baseline.py plus its dictionary tope
  graph (one ``cdd.gmp`` LP per cell and new hyperplane);
- ``sage``: SageMath's ``HyperplaneArrangements(QQ, names)(...).regions()`` (passagemath wheels in
  the separate venv benchmarks/.sage-venv, run in a subprocess; only ``regions()`` is timed).

Cross-checks (a disagreement fails the run): ours and lp must give the same set of sign vectors
(digest), the same number of tope-graph edges, and lp's witnesses are checked exactly; Sage's
region count must equal our chamber count.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from framework import (
    Case,
    Measurement,
    Settings,
    Suite,
    Target,
    Tool,
    best_of,
    child_limits,
    clock_fn,
)

HERE = Path(__file__).resolve().parent
SAGE_VENV = HERE / ".sage-venv"
SAGE_PY = SAGE_VENV / "bin" / "python"

#: (n, d, seed): X = numpy.random.default_rng(seed).integers(-9, 10, size=(n, d)).
INSTANCES = [(20, 4, 0), (40, 4, 1), (20, 5, 2), (30, 5, 3), (100, 3, 4)]

#: Issue 15's enumeration targets, ours only (LP and Sage would take many minutes each):
#: d = 6 and larger random instances, and real decimals (scikit-learn's iris / diabetes,
#: standardized, first n rows and 4 columns, rounded to the given digits, as decimal strings).
SPEED_INSTANCES = [(20, 6, 0), (30, 6, 0), (40, 5, 0), (100, 4, 0), (60, 4, 0)]
DECIMAL_INSTANCES = [("iris", 60, 3), ("diabetes", 60, 4)]


def make_X(n: int, d: int, seed: int) -> list[list[int]]:
    return np.random.default_rng(seed).integers(-9, 10, size=(n, d)).tolist()


def make_decimal(name: str, n: int, digits: int) -> list[list[str]]:
    from sklearn.datasets import load_diabetes, load_iris

    X = (load_iris() if name == "iris" else load_diabetes()).data[:, :4].astype(float)
    X = (X - X.mean(0)) / X.std(0)
    return [[f"{v:.{digits}f}" for v in r] for r in X[:n]]


def cases() -> list[Case]:
    out = [Case(f"({n}, {d})", {"X": make_X(n, d, seed), "n": n, "d": d, "seed": seed},
                quick=(n, d) == (20, 4)) for n, d, seed in INSTANCES]
    out += [Case(f"({n}, {d}) seed {seed}", {"X": make_X(n, d, seed), "n": n, "d": d,
                                            "seed": seed, "ours_only": True})
            for n, d, seed in SPEED_INSTANCES]
    out += [Case(f"{name} ({n}, 4) {digits} digits", {"X": make_decimal(name, n, digits),
                                                      "n": n, "d": 4, "ours_only": True})
            for name, n, digits in DECIMAL_INSTANCES]
    return out


def _ours_only(case: Case) -> Measurement | None:
    if case.data.get("ours_only"):
        return Measurement("skipped", note="ours only (issue 15 enumeration-speed instance)")
    return None


def _digest(sign_rows) -> str:
    h = hashlib.sha256()
    for s in sorted(tuple(int(v) for v in r) for r in sign_rows):
        h.update(bytes(v + 1 for v in s))
    return h.hexdigest()[:16]


# -- ours --------------------------------------------------------------------------------------
def run_ours(case: Case, settings: Settings) -> Measurement:
    from arrangement.core import Arrangement

    X = case.data["X"]
    clock = clock_fn(settings)
    phases = []  # per repetition: (Arrangement + chambers(), tope_graph()) on the clock

    def once():
        t0 = clock()
        arr = Arrangement(X)
        ch = arr.chambers()
        t1 = clock()
        G = arr.tope_graph()
        phases.append((t1 - t0, clock() - t1))
        return ch, G

    wall, cpu, (ch, G) = best_of(once, settings, always_repeat=True)
    a, b = min(phases, key=sum)
    return Measurement("ok", wall, cpu, len(ch),
                       {"edges": G.number_of_edges(), "signs": _digest(ch.signs.tolist())},
                       note=f"best run: Arrangement + chambers() {a:.3f} s, tope_graph() "
                            f"{b:.3f} s ({G.number_of_edges()} edges)")


# -- exact-LP baseline -------------------------------------------------------------------------
def run_lp(case: Case, settings: Settings) -> Measurement:
    if (skip := _ours_only(case)) is not None:
        return skip
    import lp_baseline

    X = case.data["X"]
    clock = clock_fn(settings)

    def once():
        return lp_baseline.run(X, clock() + settings.cap, clock)

    try:
        wall, cpu, (row_signs, W, G, nlp) = best_of(
            once, settings, always_repeat=False, deadline_s=settings.cap)
    except lp_baseline.Timeout:
        return Measurement("timeout", note=f"stopped at the {settings.cap:g} s cap")
    lp_baseline.check_witnesses(X, row_signs, W)
    return Measurement("ok", wall, cpu, len(row_signs),
                       {"edges": G.number_of_edges(), "signs": _digest(row_signs)},
                       note=f"{nlp} LPs")


# -- Sage ----------------------------------------------------------------------------------------
_sage_state: dict[str, str] = {}


def ensure_sage() -> str | None:
    """Create benchmarks/.sage-venv when missing; return None if usable, else why not."""
    if "error" in _sage_state:
        return _sage_state["error"]
    if "ok" in _sage_state:
        return None
    if not (SAGE_VENV / ".installed").exists():
        t = time.perf_counter()
        print(f"  creating {SAGE_VENV.relative_to(HERE.parent)} (passagemath-polyhedra)...",
              flush=True)
        proc = subprocess.run(["sh", str(HERE / "setup_sage.sh"), sys.executable],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            tail = " / ".join((proc.stderr or proc.stdout).strip().splitlines()[-6:])
            _sage_state["error"] = (f"benchmarks/setup_sage.sh failed (exit {proc.returncode}): "
                                    f"{tail}")
            return _sage_state["error"]
        _sage_state["setup_s"] = f"{time.perf_counter() - t:.0f}"
    ver = subprocess.run(
        [str(SAGE_PY), "-c", "import importlib.metadata as m, platform; "
         "print(m.version('passagemath-polyhedra'), platform.python_version())"],
        capture_output=True, text=True)
    if ver.returncode != 0:
        _sage_state["error"] = f"cannot run {SAGE_PY}: {ver.stderr.strip()[-300:]}"
        return _sage_state["error"]
    _sage_state["ok"] = ver.stdout.strip()
    return None


def run_sage(case: Case, settings: Settings) -> Measurement:
    if (skip := _ours_only(case)) is not None:
        return skip
    err = ensure_sage()
    if err is not None:
        return Measurement("unavailable", note=err)
    job = {"rows": case.data["X"], "cap": settings.cap, "reps": settings.reps,
           "repeat_below": settings.repeat_below, "clock": settings.clock}
    env = dict(os.environ, PYTHONPATH="")
    try:
        proc = subprocess.run(
            [str(SAGE_PY), str(HERE / "sage_regions.py")], input=json.dumps(job),
            capture_output=True, text=True, env=env,
            timeout=4 * settings.cap + settings.reps * settings.repeat_below + 300,
            preexec_fn=child_limits(settings.mem_gb))
    except subprocess.TimeoutExpired:
        return Measurement("timeout", note="killed by the parent")
    if proc.returncode != 0:
        tail = " / ".join(proc.stderr.strip().splitlines()[-3:])
        if "MemoryError" in proc.stderr or "std::bad_alloc" in proc.stderr:
            return Measurement("error", note=f"out of memory (cap {settings.mem_gb:g} GB): {tail}")
        return Measurement("error", note=f"exit {proc.returncode}: {tail}")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    if out["status"] == "timeout":
        return Measurement("timeout")
    return Measurement("ok", out["wall"], out["cpu"], out["count"],
                       note=f"import {out['import_s']:.1f} s")


def notes() -> list[str]:
    if "error" in _sage_state:
        return [f"Sage was not measured: {_sage_state['error']}"]
    if "ok" in _sage_state:
        ver, py = _sage_state["ok"].split()
        line = (f"Sage: passagemath-polyhedra {ver} (Python {py}) in benchmarks/.sage-venv, "
                "default polyhedra backend (ppl) over QQ")
        if "setup_s" in _sage_state:
            line += f"; the venv was created by this run in {_sage_state['setup_s']} s"
        return [line + "."]
    return []


DESCRIPTION = """\
Time to compute all chambers with exact integer witnesses plus the tope graph, on
X = `numpy.random.default_rng(seed).integers(-9, 10, size=(n, d))` with seeds 0–4 in the order
listed. **ours**: `Arrangement(X).chambers()` then `.tope_graph()`, fresh `Arrangement` each
repetition, best of 3. **LP**: benchmarks/lp_baseline.py, incremental enumeration with one exact
`cdd.gmp` LP per (cell, new hyperplane) plus a sign-vector-dictionary tope graph. **Sage**:
`HyperplaneArrangements(QQ, names)(...).regions()` only (no witnesses or graph; construction and
import not timed), in a subprocess. LP and Sage: best of 3 when a run takes under 20 s, else one
run. Cross-checked on every instance: ours = LP on the set of sign vectors and on the tope-graph
edge count (LP witnesses verified exactly); Sage's region count = our chamber count."""

SUITE = Suite(
    name="arrangement",
    title="Arrangement engine: chambers + witnesses + tope graph",
    description=DESCRIPTION,
    cases=cases,
    tools=[Tool("ours", "ours", run_ours, always_repeat=True), Tool("lp", "LP", run_lp),
           Tool("sage", "Sage", run_sage)],
    reference="ours",
    count_label="chambers",
    targets=[Target("(40, 4)", "sage", 100), Target("(40, 4)", "lp", 20)],
    notes=notes,
)
