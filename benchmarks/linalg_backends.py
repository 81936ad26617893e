"""Exact linear-algebra backends on the callers' typical sizes (arrangement/exactla.py's choice).

``python benchmarks/linalg_backends.py`` prints a markdown table of CPU microseconds per call
(``time.process_time``), conversions from and to ``Fraction`` included, for:

- ``python``: exactla's hand-written Fraction elimination (the code the callers had before);
- ``DomainMatrix``: sympy's ``DomainMatrix`` over QQ (its ground types as installed: without
  gmpy2 / python-flint, pure-Python rationals);
- ``flint``: python-flint's ``fmpq_mat`` (exactla's ``flint`` backend), when importable;

and for the numeric LU of the Newton steps: exactla's ``lu_factor``/``lu_solve`` (floats and
mpmath ``mpf`` at 60 digits) against ``mpmath.fp.lu_solve`` / ``mpmath.mp.lu_solve`` and
numpy's ``solve``. Sizes: the Gram systems of the cone projections (2x2 to 6x6, dyadic
entries with ~50-bit denominators, as the float guesses give), the 20x20 reduced systems, rank
of 40x5 and 160x3 integer matrices (independent subsets of facet rows), a null vector of 6 fits
of length 40 (Carathéodory pruning). Not a suite of ``run.py``: it measures a library choice,
not the product.
"""

from __future__ import annotations

import random
import sys
import time
from fractions import Fraction
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from arrangement import exactla as la  # noqa: E402

rng = random.Random(1)


def dyadic(bits: int = 50) -> Fraction:
    return Fraction(rng.randint(-2**bits, 2**bits), 2 ** rng.randint(bits - 5, bits))


def matrix(kind: str, r: int, c: int) -> list[list[Fraction]]:
    if kind == "int":
        return [[Fraction(rng.randint(-9, 9)) for _ in range(c)] for _ in range(r)]
    return [[dyadic() for _ in range(c)] for _ in range(r)]


def per_call(f, reps: int) -> float:
    t = time.process_time()
    for _ in range(reps):
        f()
    return (time.process_time() - t) / reps * 1e6


def _dm(M):
    from sympy import QQ
    from sympy.polys.matrices import DomainMatrix

    return DomainMatrix([[QQ(x.numerator, x.denominator) for x in row] for row in M],
                        (len(M), len(M[0])), QQ)


def _dm_back(v) -> list[Fraction]:
    return [Fraction(int(x.numerator), int(x.denominator)) for x in v]


def exact_rows() -> list[tuple[str, dict[str, float]]]:
    cases = []
    for k in (2, 4, 6, 20):
        M, b = matrix("dyadic", k, k), [dyadic() for _ in range(k)]
        cases.append((f"solve {k}x{k} dyadic", lambda M=M, b=b: la.solve(M, b),
                      lambda M=M, b=b: _dm_back(_dm(M).lu_solve(_dm([[x] for x in b]))
                                                .to_Matrix())))
    for r, c in ((40, 5), (160, 3)):
        M = matrix("int", r, c)
        cases.append((f"independent subset {r}x{c} int",
                      lambda M=M: la.independent_subset(M, range(len(M))),
                      lambda M=M: _dm(M).transpose().rref()[1]))
    base = matrix("dyadic", 5, 40)
    coef = [dyadic(8) for _ in range(5)]
    vecs = base + [[sum(coef[i] * base[i][j] for i in range(5)) for j in range(40)]]
    cols = [list(col) for col in zip(*vecs)]
    cases.append(("null vector 40x6 dyadic", lambda: la.null_vector(vecs),
                  lambda: _dm(cols).nullspace()))
    out = []
    for name, ours, dm in cases:
        reps = 10 if "20x20" in name else 200
        ours(), dm()  # warm-up (imports, caches)
        row = {}
        for backend in la.BACKENDS:
            with la.use_backend(backend):
                row[backend] = per_call(ours, reps)
        row["DomainMatrix"] = per_call(dm, reps)
        out.append((name, row))
    return out


def lu_rows() -> list[tuple[str, dict[str, float]]]:
    import mpmath
    import numpy as np

    out = []
    for k in (5, 20, 40):
        A = [[rng.uniform(-1, 1) + (3 if i == j else 0) for j in range(k)] for i in range(k)]
        b = [rng.uniform(-1, 1) for _ in range(k)]
        An, bn = np.array(A), np.array(b)
        out.append((f"float LU solve {k}x{k}", {
            "exactla": per_call(lambda A=A, b=b: la.lu_solve(la.lu_factor(A), b), 50),
            "mpmath": per_call(lambda A=A, b=b: mpmath.fp.lu_solve(mpmath.fp.matrix(A),
                                                                  mpmath.fp.matrix(b)), 20),
            "numpy": per_call(lambda An=An, bn=bn: np.linalg.solve(An, bn), 50)}))
        with mpmath.workdps(60):
            Am = [[mpmath.mpf(x) for x in r] for r in A]
            bm = [mpmath.mpf(x) for x in b]
            out.append((f"mpf (60 digits) LU solve {k}x{k}", {
                "exactla": per_call(lambda Am=Am, bm=bm: la.lu_solve(la.lu_factor(Am), bm), 5),
                "mpmath": per_call(lambda Am=Am, bm=bm: mpmath.mp.lu_solve(
                    mpmath.mp.matrix(Am), mpmath.mp.matrix(bm)), 5)}))
    return out


def table(rows: list[tuple[str, dict[str, float]]], cols: list[str]) -> str:
    lines = ["| case | " + " | ".join(f"{c} µs" for c in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for name, row in rows:
        lines.append(f"| {name} | " + " | ".join(f"{row[c]:.0f}" if c in row else "–"
                                                 for c in cols) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(table(exact_rows(), [*la.BACKENDS, "DomainMatrix"]))
    print()
    print(table(lu_rows(), ["exactla", "mpmath", "numpy"]))
