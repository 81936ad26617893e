"""Random search for certified solves of real data that miss their gap target.

Every certified solve returns exact bounds ``lower ≤ P* ≤ upper``; its relative gap should also
meet ``tol`` (1e-12). On raw real features the float guess can be too poor for the exact
refinement to get there, and ``stats["target_met"]`` is False. Sessions 23–26 found such solves
with throwaway scripts (benchmarks/RESULTS.md); this is that search, kept so that a draw can be
repeated: the same ``--seed`` gives the same instances.

Each instance, drawn with ``numpy.random.default_rng(seed)`` in this order: the data set
(scikit-learn's wine or breast cancer), n rows in ``--rows``, d columns in ``--cols``, β from
``--betas``, the rows and the columns without replacement. The features are written as a CSV
export writes them (``%.17g``), or standardized over the whole data set to 4 decimals with
``--standardized``; y is +1 for the class of the first drawn row and −1 for the others (one label
is flipped when all agree). One line per instance, then a summary::

    .venv/bin/python benchmarks/gap_search.py --seed 31 --count 20 --loss hinge
    .venv/bin/python benchmarks/gap_search.py --seed 31 --count 20 --loss hinge --standardized

An instance that runs past ``--limit`` seconds is reported as ``TIMEOUT`` (SIGALRM, so Unix
only). Needs scikit-learn (the ``dev`` extra).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

DATASETS = ("wine", "breast_cancer")


def draw(rng: np.random.Generator, rows: tuple[int, int], cols: tuple[int, int],
         betas: list[Fraction], standardized: bool, loaded: dict) -> dict:
    """One instance from ``rng`` (module docstring): ``{"name", "X", "y", "beta", "rows",
    "cols"}`` with X as decimal strings and y as ±1."""
    from sklearn import datasets

    name = DATASETS[int(rng.integers(0, len(DATASETS)))]
    if name not in loaded:
        loaded[name] = getattr(datasets, f"load_{name}")()
    ds = loaded[name]
    n = int(rng.integers(rows[0], rows[1] + 1))
    d = int(rng.integers(cols[0], cols[1] + 1))
    beta = betas[int(rng.integers(0, len(betas)))]
    picked = rng.choice(ds.data.shape[0], n, replace=False)
    which = rng.choice(ds.data.shape[1], min(d, ds.data.shape[1]), replace=False)
    if standardized:
        Z = (ds.data - ds.data.mean(axis=0)) / ds.data.std(axis=0)
        X = [[f"{v:.4f}" for v in Z[r, which]] for r in picked]
    else:
        X = [[f"{v:.17g}" for v in ds.data[r, which]] for r in picked]
    first = ds.target[picked[0]]
    y = [1 if ds.target[r] == first else -1 for r in picked]
    if len(set(y)) < 2:
        y[-1] = -y[-1]
    return {"name": name, "X": X, "y": y, "beta": beta, "rows": picked.tolist(),
            "cols": which.tolist()}


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # pragma: no cover - signal handler
    raise _Timeout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--count", type=int, default=20)
    ap.add_argument("--loss", default="hinge")
    ap.add_argument("--rows", type=int, nargs=2, default=(20, 30), metavar=("LO", "HI"))
    ap.add_argument("--cols", type=int, nargs=2, default=(4, 5), metavar=("LO", "HI"))
    ap.add_argument("--betas", default="1/10,1/1000,1/100",
                    help="comma-separated β values, drawn uniformly")
    ap.add_argument("--standardized", action="store_true")
    ap.add_argument("--limit", type=int, default=150, help="seconds per instance")
    args = ap.parse_args(argv)
    from exact.certify import solve

    betas = [Fraction(b) for b in args.betas.split(",")]
    rng = np.random.default_rng(args.seed)
    loaded: dict = {}
    signal.signal(signal.SIGALRM, _alarm)
    missed = timeouts = 0
    total = 0.0
    for k in range(args.count):
        inst = draw(rng, tuple(args.rows), tuple(args.cols), betas, args.standardized, loaded)
        head = (f"#{k} {inst['name']} ({len(inst['X'])}, {len(inst['X'][0])}) "
                f"beta={inst['beta']} rows={inst['rows']} cols={inst['cols']}")
        t = time.process_time()
        signal.alarm(args.limit)
        try:
            sol = solve(inst["X"], inst["y"], inst["beta"], args.loss)
        except _Timeout:
            timeouts += 1
            print(f"{head} TIMEOUT", flush=True)
            continue
        finally:
            signal.alarm(0)
        cpu = time.process_time() - t
        total += cpu
        met = bool(sol.stats["target_met"])
        missed += not met
        print(f"{head} cpu={cpu:.1f} chambers={sol.stats.get('chambers')} "
              f"gap={float(sol.relative_gap):.2e} met={met}", flush=True)
    print(f"{args.count} instances: {missed} missed the gap target, {timeouts} timed out, "
          f"{total:.1f} s CPU")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
