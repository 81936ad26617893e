"""The gap target on real data (issue 9 item 5): met with exact, valid bounds.

Fixtures from scikit-learn's bundled data (``tests/data/README.md``): standardized iris
(15 x 3, squared loss, β = 1e-6 and 1e-9), wine classes 0/1 (17 x 3, hinge loss, β = 1/10)
and raw breast-cancer features (20 x 5, unscaled, squared loss, β = 1e-3).
The default 1e-12 target is met on each: ``upper`` is the exact objective of the returned
network, the certificate passes the standard-library verifier, and ``lower`` stays below the
value of an independently trained network (scipy's L-BFGS on the nonconvex objective).

What made them meet it, each with a planted failure: on wine the conic guess splits one neuron
between a chamber and a nearly parallel copy on its neighbour's facet, so the hinge's KKT
system on that active set has no solution; one pivot (``_hinge_pivot``) drops the copy. On
iris the faces of the squared loss's active set are made consistent in floats
(``_settle_faces``) before any exact round. The reason for a genuinely missed target is still
reported (text and JSON), shown here with the pivot switched off.

Run: ``PYTHONPATH=. .venv/bin/pytest --hypothesis-profile=ci tests/test_gap_target.py``.
"""

from __future__ import annotations

import json
import math
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import exact.certify as certify
from arrangement.certificate import completeness_certificate
from arrangement.instances import read_instance
from exact.certify import solution_certificate, solve
from exact.cli import main
from exact.verify import verify_certificate


@pytest.fixture(autouse=True)
def _without_the_squared_ipm_pass(monkeypatch):
    """Each test here isolates one rule of the conic-guess refinement, with its planted miss;
    the squared loss's interior-point pass (session 28) rescues most of those misses by
    another route, so it is off here (its own tests: tests/test_dual_ipm.py)."""
    monkeypatch.setattr(certify, "SQUARED_IPM", False)


DATA = Path(__file__).resolve().parent / "data"
TOL = Fraction(1, 10**12)
WINE = ("wine_hinge_two_classes.csv", "1/10", "hinge")
#: raw breast-cancer features (0.07 to 1326), squared loss, β = 1e-3: a miss (gap 1.6e-6) was
#: reported on an earlier tree; met since (gap 1.1e-14 at fdcd348), kept as a regression case
BREAST = ("breast_cancer_20x5_raw.csv", "1e-3", "squared")
#: raw breast-cancer features of mixed scales as 17-digit floats, squared loss, β = 1/10: the
#: mixed-precision polish's first Newton step raises its error (exact.certify.POLISH_RISES)
MIXED = ("breast_cancer_18x3_mixed.csv", "1/10", "squared")
#: raw breast cancer, 17-digit floats, β = 1/100: a facet weakly active at the optimum, on the
#: face in floats and off it exactly (exact.certify.CYCLE_DIGITS)
CYCLE = ("breast_cancer_13x3_cycle.csv", "1/100", "squared")
#: raw breast cancer, 17-digit floats, β = 1/100: the cutting planes stall at a worst violation
#: of 9.7e-6 (exact.cutting.FALLBACK_VIOLATION)
STALL = ("breast_cancer_23x3_stall.csv", "1/100", "squared")
# The next three rules' planted misses each hang on a float path: which groups the polish
# holds, which guess misses, depends on rounding, so on the BLAS kernels (`make test` pins
# OpenBLAS's Haswell kernels where the CPU has them). Each has one instance found where the
# rule was written and one found on an AMD EPYC with the Haswell kernels (session 30), where
# the first no longer showed it; the plant must make at least one of them miss.
#: raw wine, 17-digit floats, β = 1/100: the polish held groups at ρ = 0 that its v violated
#: by 1e-10 (exact.certify.LATE_SLACK)
HELD = [("wine_25x3_held.csv", "1/100", "squared"), ("wine_28x3_held.csv", "1/100", "squared")]
#: raw breast cancer, 17-digit floats, β = 1/100: a held group whose violation (9.9e-9) only
#: the exact check sees (exact.certify._held_t)
HELD_EXACT = [("breast_cancer_37x3_held.csv", "1/100", "squared"),
              ("breast_cancer_32x3_held.csv", "1/100", "squared")]
#: raw wine, 17-digit floats: the cutting planes' guess misses the target, the full program's
#: meets it (the retry in exact.certify._solve)
RETRY = [("wine_23x3_retry.csv", "1/10", "squared"), ("wine_16x3_retry.csv", "1/100", "squared")]
CASES = [("iris_15x3_standardized.csv", "1e-6", "squared"),
         ("iris_15x3_standardized.csv", "1e-9", "squared"), WINE, BREAST, MIXED, CYCLE, STALL,
         *HELD, *HELD_EXACT, *RETRY]


def _planted_misses(cases, plant, monkeypatch, *, retried: bool = False) -> list:
    """Each case solved as is (the target met, with the full-program retry when ``retried``)
    and with ``plant(monkeypatch)`` applied; the planted solves that miss, as ``(case, good,
    bad)``. Both bounds of every miss stay exact and valid: they overlap the good ones."""
    out = []
    for name, beta, loss in cases:
        inst = read_instance(str(DATA / name), target="last", beta=beta)
        B = Fraction(beta)
        sol = solve(inst.X, inst.y, B, loss)
        assert sol.stats["target_met"], name
        with monkeypatch.context() as m:
            plant(m)
            bad = solve(inst.X, inst.y, B, loss)
        assert 0 <= bad.lower <= sol.upper and sol.lower <= bad.upper, name  # both valid
        if (not bad.stats["target_met"] and bad.gap > sol.gap
                and (not retried or sol.stats.get("full_retry"))):
            out.append(((name, beta, loss), sol, bad))
    return out


def _trained_value(X, y, beta: float, loss: str, width: int = 8, seed: int = 0) -> float:
    """The objective of a width-``width`` ReLU network trained by L-BFGS (an upper bound on P*
    computed without relucvx): floats, used only as an independent oracle."""
    from scipy.optimize import minimize

    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    n, d = X.shape

    def f(theta):
        U, a = theta[:d * width].reshape(d, width), theta[d * width:]
        out = np.maximum(X @ U, 0) @ a
        if loss == "squared":
            data = 0.5 * np.sum((out - y) ** 2)
        else:
            data = np.sum(np.maximum(0.0, 1 - y * out))
        return data + beta / 2 * (np.sum(U * U) + np.sum(a * a))

    rng = np.random.default_rng(seed)
    best = np.inf
    for _ in range(5):
        r = minimize(f, rng.normal(size=d * width + width), method="L-BFGS-B")
        best = min(best, float(r.fun))
    return best


def _check_bounds(sol, X, y, B: Fraction, loss: str) -> None:
    """Exact and valid: upper attained by the returned network, lower below a trained network,
    the certificate verified by the standard-library checker."""
    assert 0 <= sol.lower <= sol.upper
    assert sol.network.objective(X, y, B, loss=loss) == sol.upper
    trained = _trained_value(X, y, float(B), loss)
    assert float(sol.lower) <= trained + 1e-9 * max(1.0, trained)
    cert = solution_certificate(sol, X, y, B)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    ok, msg = verify_certificate(json.loads(json.dumps(cert)))
    assert ok, msg


@pytest.mark.parametrize("name,beta,loss", CASES)
def test_gap_target_is_met_with_valid_bounds(name, beta, loss):
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss)
    assert sol.stats["target_met"] is True and "reason" not in sol.stats
    assert sol.gap <= TOL * max(1, abs(sol.upper))
    _check_bounds(sol, inst.X, inst.y, B, loss)


def test_met_target_in_text_and_json(capsys):
    # wine: the squared loss's extras (the exact optimal set of 14 iris groups) take minutes
    name, beta, loss = WINE
    args = ["solve", str(DATA / name), "--target", "last", "--beta", beta, "--loss", loss]
    assert main(args + ["--json", "-q"]) == 0
    s = json.loads(capsys.readouterr().out)
    gap, upper = Fraction(s["gap"]), Fraction(s["upper"])
    assert gap <= TOL * max(1, abs(upper))
    assert s["gap_target_met"] is True and s["gap_target_reason"] is None
    assert main(args + ["-q"]) == 0
    out = capsys.readouterr().out
    assert "target            met" in out and "NOT met" not in out


def test_without_the_pivot_wine_misses_and_says_why(monkeypatch, capsys):
    """Planted cause: the hinge pivot switched off, the KKT system on the active set read off
    the conic guess has no solution; the target is missed, the reason names a wrong active set
    (text and JSON), and the bounds stay exact and valid. The guess is the full program's
    (``method="full"``): the cutting planes' guess on wine has no split copy, so the pivot
    never fires there. The interior-point guess (exact.dual_ipm) is switched off too: it
    rescues this instance without any pivot."""
    monkeypatch.setattr(certify, "_hinge_pivot", lambda *a, **k: None)
    monkeypatch.setattr(certify, "HINGE_IPM", False)
    name, beta, loss = WINE
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss, method="full")
    assert sol.stats["target_met"] is False
    assert sol.gap > TOL * max(1, abs(sol.upper))
    assert "no solution on the active set" in sol.stats["reason"]
    _check_bounds(sol, inst.X, inst.y, B, loss)
    args = ["solve", str(DATA / name), "--target", "last", "--beta", beta, "--loss", loss,
            "--method", "full"]
    assert main(args + ["--json", "-q"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["gap_target_met"] is False and "Newton residual" in s["gap_target_reason"]
    assert main(args + ["-q"]) == 0
    assert "NOT met" in capsys.readouterr().out


def test_without_settled_faces_iris_misses_in_one_round(monkeypatch):
    """Planted cause for the squared loss: with one round per pass, iris (β = 1e-9) meets the
    target; with the float face settling switched off it does not (the faces read off the
    conic guess leave Newton's ρ_g q_g outside their cones), and the bounds stay valid."""
    name, beta, loss = CASES[1]
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss, max_rounds=1)
    assert sol.stats["target_met"] and sol.stats["rounds"] == 1
    monkeypatch.setattr(certify, "_settle_faces", lambda cp, a, r, K, **k: (dict(a), dict(r)))
    bad = solve(inst.X, inst.y, B, loss, max_rounds=1)
    assert not bad.stats["target_met"] and bad.gap > sol.gap
    assert 0 <= bad.lower <= sol.upper and sol.lower <= bad.upper  # both valid: they overlap


def test_polish_giving_up_at_the_first_rise_takes_more_rounds(monkeypatch):
    """Planted cause: the mixed-precision polish giving up at the first Newton step that does
    not cut its error fourfold (the rule before session 24). On raw breast cancer of mixed
    scales that first step raises the error and the next ones converge: with the old rule the
    float point stays and the first pass stalls (gap 1.9e-9 after 5 rounds); only the
    monotone second pass, at more digits, meets the target (8 rounds in all; until session
    25 it missed there too, gap 1.9e-9 after 37 rounds). With two rises allowed the first
    pass meets it in 4. (The face-cycle digits are off here: they rescue this instance by
    another path, 8 rounds instead of 4; on raw breast cancer (40, 4) they do not, and the old
    rule misses there, benchmarks/RESULTS.md, session 24.) Both bounds stay exact and
    valid."""
    monkeypatch.setattr(certify, "CYCLE_DIGITS", certify.FLOAT_DIGITS)
    name, beta, loss = MIXED
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss)
    assert sol.stats["target_met"] and sol.stats["rounds"] < 8
    monkeypatch.setattr(certify, "POLISH_RISES", 1)
    bad = solve(inst.X, inst.y, B, loss)
    assert bad.stats["rounds"] >= 8
    assert 0 <= bad.lower <= sol.upper and sol.lower <= bad.upper  # both valid: they overlap


def test_face_cycle_without_more_digits_misses(monkeypatch):
    """Planted cause: a refinement pass whose float rounds repeat an active set with the same
    faces goes on at float digits (no ``CYCLE_DIGITS``). On raw breast cancer (13, 3) a facet
    weakly active at the optimum is then on the face in floats and off it exactly, round after
    round, and the target is missed; with the cycle's extra digits it is met in a few rounds.
    Both bounds stay exact and valid."""
    name, beta, loss = CYCLE
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss)
    assert sol.stats["target_met"] and sol.stats["rounds"] < 8
    monkeypatch.setattr(certify, "CYCLE_DIGITS", certify.FLOAT_DIGITS)
    monkeypatch.setattr(certify, "RETRY_MAX_GROUPS", 0)  # the full program's guess rescues it
    bad = solve(inst.X, inst.y, B, loss)
    assert not bad.stats["target_met"] and bad.gap > sol.gap
    assert 0 <= bad.lower <= sol.upper and sol.lower <= bad.upper  # both valid: they overlap


def test_stalled_cutting_planes_below_the_old_fallback_level_miss(monkeypatch):
    """Planted cause: the full-program fallback of stalled cutting planes at the old level
    (a worst violation above 1e-5). Raw breast cancer (23, 3) stalls at 9.7e-6: its guess then
    misses the gap target by far; with the fallback from 1e-6 the full program's guess meets
    it. Both bounds stay exact and valid."""
    import exact.cutting as cutting

    name, beta, loss = STALL
    inst = read_instance(str(DATA / name), target="last", beta=beta)
    B = Fraction(beta)
    sol = solve(inst.X, inst.y, B, loss)
    assert sol.stats["target_met"] and sol.stats["cutting"]["full_fallback"]
    monkeypatch.setattr(cutting, "FALLBACK_VIOLATION", 1e-5)
    monkeypatch.setattr(certify, "RETRY_MAX_GROUPS", 0)  # the full program's guess rescues it
    bad = solve(inst.X, inst.y, B, loss)
    assert not bad.stats["target_met"] and not bad.stats["cutting"]["full_fallback"]
    assert bad.gap > sol.gap
    assert 0 <= bad.lower <= sol.upper and sol.lower <= bad.upper  # both valid: they overlap


def test_held_groups_violated_below_the_old_slack_miss(monkeypatch):
    """Planted cause: the polish's free-set correction freeing a held group (ρ = 0) only when
    its constraint is violated by more than 1e-9 (relative to β², the rule before session
    25). On raw wine (25, 3) at β = 1/100 four groups then stay held at violations of about
    1e-10, the lower bound pays for them and the gap stalls near 2e-11; freed from 1e-13, the
    target is met. Both bounds stay exact and valid. The monotone second pass of the miss
    ends on its unchanged active set (a group kept at ρ = 0 is no change), not after all of
    its rounds."""
    missed = _planted_misses(HELD, lambda m: m.setattr(certify, "LATE_SLACK", 1e-9),
                             monkeypatch)
    assert missed, "the old slack made no instance miss"
    for _case, _sol, bad in missed:
        assert "stopped shrinking" in bad.stats["reason"] and bad.stats["rounds"] < 8 + 4 * 8


def test_held_groups_checked_in_floats_miss(monkeypatch):
    """Planted cause: the polish's free-set check computing ``vᵀK_g v`` of a held group in
    floats (the rule before session 25). On raw breast cancer (37, 3) of mixed scales the
    float product loses the digits: a group violated by 9.9e-9 (relative to β²) looks
    feasible, stays held at ρ = 0, and the gap stalls near 1e-9 relative; checked exactly it
    is freed and the target is met. Both bounds stay exact and valid."""
    def float_t(Kq, KI, g, v):
        vf = np.array([float(x) for x in v])
        return float((np.array(Kq[g], dtype=float) @ vf) @ vf)

    missed = _planted_misses(HELD_EXACT, lambda m: m.setattr(certify, "_held_t", float_t),
                             monkeypatch)
    assert missed, "the float check made no instance miss"


def test_missed_target_without_the_full_program_retry(monkeypatch):
    """Planted cause: no retry from the full program's guess after the cutting planes' guess
    misses the target (the rule before session 25; planted by a program-size limit of 0,
    ``RETRY_MAX_GROUPS``). On raw wine (23, 3) at β = 1/10 the dual Newton polish stalls at a
    worst violation of 2e-7 on dependent fits and the refinement of its guess misses (gap
    about 1e-8 relative); the retry meets the target. Both bounds stay exact and valid."""
    missed = _planted_misses(RETRY, lambda m: m.setattr(certify, "RETRY_MAX_GROUPS", 0),
                             monkeypatch, retried=True)
    assert missed, "no instance missed without the retry"
    for _case, _sol, bad in missed:
        assert not bad.stats.get("full_retry")


@given(a=st.fractions(Fraction(1, 4), 4), ratio=st.fractions(Fraction(1, 10), Fraction(9, 10)),
       beta=st.fractions(Fraction(1, 100), Fraction(1, 4)))
def test_hinge_pivot_drops_the_copy_that_cannot_be_tight(a, ratio, beta):
    """One point (y = 1) on the margin, two groups with ``K = [a]`` and ``K = [b]``, b < a:
    both ``a μ² = β²`` and ``b μ² = β²`` cannot hold, so the KKT system has no solution; the
    pivot drops the group b (dropping a instead solves too, but leaves ``a μ² > β²``: refused),
    and the closed form of the rest is ``μ = β/√a``, ``ρ = 1/(a μ)`` (the margin ``ρ a μ = 1``).
    """
    a, b, b2 = float(a), float(a * ratio), float(beta) ** 2
    K = [[[a]], [[b]]]
    start = [0.5 * math.sqrt(b2 / a), 1.0, 1.0]
    bad = certify._hinge_newton(K, [1.0], [0], [0.0], b2, start, one=1.0, eps=2.0**-52)
    assert bad[3] > certify.HINGE_RESIDUAL
    piv = certify._hinge_pivot(K, [1.0], [0], set(), b2, bad)
    assert piv is not None
    drop, E, V, (mu, rho, _v, res) = piv
    mu_star = math.sqrt(b2 / a)
    assert drop == [1] and E == [0] and not V and res <= certify.HINGE_RESIDUAL
    assert math.isclose(mu[0], mu_star, rel_tol=1e-9)
    assert math.isclose(rho[0], 1 / (a * mu_star), rel_tol=1e-9)


def test_hinge_pivot_refuses_an_inconsistent_candidate():
    """Planted: the candidate tried first (group 1, the smaller ρ) solves its system but
    leaves its own constraint violated (``2 μ² > β²``); it is refused, and the consistent
    one (group 0 out: ``2 μ² = β²``, ``1 · μ² ≤ β²``) is returned."""
    K = [[[1.0]], [[2.0]]]
    bad = ([0.3], [1.0, 0.5], [0.3], 1.0)  # a failed Newton result: ρ_1 < ρ_0
    drop, _E, _V, (mu, _rho, _v, _res) = certify._hinge_pivot(K, [1.0], [0], set(), 0.25, bad)
    assert drop == [0] and math.isclose(2 * mu[0] ** 2, 0.25, rel_tol=1e-9)


def _face_case():
    """A solved small squared-loss instance and the exact faces of its active groups."""
    X = [[2, 1], [1, 3], [-1, 2], [3, -1], [-2, -1], [1, 1]]
    y = [1, 2, 0, -1, 1, 3]
    B = Fraction(1, 100)
    sol = solve(X, y, B)
    assert sol.stats["target_met"]
    cp = sol.program
    faces = {g: sol.projections[g].support for g in sol.groups}
    rho = {g: float(math.sqrt(sum(float(x) ** 2 for x in w))) / float(B)
           for g, w in sol.groups.items()}
    return cp, faces, rho


def test_settle_faces_repairs_a_planted_wrong_face():
    """Oracle: the supports of the exact projections at the certified optimum. Each group's
    face is planted wrong (a facet added or removed); settling in floats restores it."""
    cp, faces, rho = _face_case()
    planted = 0
    for g, F in faces.items():
        i, _s = g
        wrong = dict(faces)
        if F:
            wrong[g] = F[1:]
        else:
            wrong[g] = (0,) if cp.cones[i] else F
        if wrong[g] == F:
            continue
        planted += 1
        got, _r = certify._settle_faces(cp, wrong, rho, {})
        assert got[g] == F, (g, F, wrong[g], got[g])
    assert planted > 0


def test_missed_reason_names_the_cause():
    """Planted causes: a large residual means a wrong active set, rounding-level residuals do
    not; a spent budget is named; nothing recorded leaves the plain message."""
    from exact.certify import missed_reason

    assert "wrong active set" in missed_reason(3, {"residual": 1e-6})
    assert "wrong active set" not in missed_reason(3, {"residual": 1e-15})
    assert "time budget" in missed_reason(3, {"budget": True})
    plain = missed_reason(3, {})
    assert "did not settle in 3 rounds" in plain and ";" not in plain
