"""The extras of ``relucvx solve`` within their budget (issue 15 item 4, session 10).

A candidate v* is refuted on its kept groups' rows of H alone (``optimal_set.h_rows``), its
distance to κv is tested in integers (``optimal_set._too_far``), the screen of every group is
estimated from its size before it starts (``optimal_set.screen_estimate``), the budget has its
floor only on small programs (``commands.solve.extras_budget``), and the pruning of an already
independent set reads its rank and fit off the loop. Each is checked against an exact oracle,
with planted bugs that the oracles catch.
"""

from __future__ import annotations

import json
from fractions import Fraction as F

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import properties.strategies as PS
from exact.cli import main


def _program(n: int = 5, d: int = 3, seed: int = 0, pool: int = 1):
    from exact.convex import ConvexProgram

    rng = np.random.default_rng(seed)
    X = rng.integers(-4, 5, (n * pool, d)).tolist()
    y = rng.integers(-3, 4, n).tolist()
    return ConvexProgram(X, y, F(1, 10), pool=pool)


@pytest.mark.parametrize("pool", [1, 2])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_h_rows_are_the_rows_of_h_matrix(pool, seed):
    """Oracle: :func:`exact.certify.h_matrix` (the same integers over the same den), for the
    dense program and a pooled (CNN) readout."""
    from exact.certify import h_matrix
    from exact.optimal_set import h_rows

    cp = _program(seed=seed, pool=pool)
    rng = np.random.default_rng(seed + 10)
    v = tuple(F(int(a), int(b)) for a, b in zip(rng.integers(-9, 10, cp.n),
                                                 rng.integers(1, 12, cp.n)))
    H, den = h_matrix(cp, v)
    rows = sorted({int(i) for i in rng.integers(0, cp.p, 6)})
    Hk, dk = h_rows(cp, v, rows)
    assert dk == den and all(Hk[i] == [int(x) for x in H[i]] for i in rows)


@settings(max_examples=25)
@given(PS.instances(PS.matrices(n_max=6, d_max=3)), st.data())
def test_kept_groups_refute_exactly(inst, data):
    """Oracle: the exact projection of every group. With kept groups and ``stop = thr`` the
    answer is None exactly when some group has ``t > stop``; otherwise the kept groups'
    certificates are their exact projections (they were computed on h_rows' rows)."""
    from exact.convex import ConvexProgram
    from exact.optimal_set import group_projection, screened_projections

    cp = ConvexProgram(inst.X, inst.y, inst.beta)
    v = tuple(data.draw(st.lists(PS.rationals(5, 4), min_size=cp.n, max_size=cp.n)))
    thr = data.draw(st.sampled_from([F(1, 100), F(1, 10), F(1), F(3)]))
    keep = data.draw(st.lists(st.sampled_from(list(cp.groups)), min_size=1, max_size=4,
                              unique=True))
    ts = {g: group_projection(cp, g, v).norm2 for g in cp.groups}
    res = screened_projections(cp, v, thr, keep=keep, stop=thr)
    assert (res is None) == any(t > thr for t in ts.values())
    if res is not None:
        assert all(res[0][g].norm2 == ts[g] for g in keep)
        assert all(res[0][g].p == group_projection(cp, g, v).p for g in keep)


def test_planted_wrong_kept_row_is_caught(monkeypatch):
    """Planted bug: h_rows returns one entry off by one. The kept groups' certificates then
    differ from the exact projections, which the oracle of the test above compares (so that
    test can fail); the real h_rows passes the same comparison."""
    import exact.optimal_set as M

    cp = _program(seed=3)
    v = tuple(F(k - 2, 7) for k in range(cp.n))
    keep = [g for g in cp.groups if M.group_projection(cp, g, v).norm2 > 0][:3]
    assert keep
    thr = F(10**6)

    def agree() -> bool:
        certs, _ = M.screened_projections(cp, v, thr, keep=keep)
        return all(certs[g].p == M.group_projection(cp, g, v).p for g in keep)

    assert agree()
    real = M.h_rows

    def wrong(cp_, v_, chambers):
        out, den = real(cp_, v_, chambers)
        out = {i: list(r) for i, r in out.items()}
        for i, _s in keep[:1]:
            out[i][0] += den  # one unit of g off in a kept row
        return out, den

    monkeypatch.setattr(M, "h_rows", wrong)
    assert not agree()


@settings(max_examples=50)
@given(st.lists(PS.rationals(30, 30), min_size=1, max_size=5), st.data())
def test_too_far_is_the_exact_distance_test(a, data):
    """Oracle: the Fraction formula ``Σ (a_j − b_j)² > r2`` it replaced."""
    import math

    import exact.optimal_set as M

    b = data.draw(st.lists(PS.rationals(30, 30), min_size=len(a), max_size=len(a)))
    r2 = data.draw(st.sampled_from([F(0), F(1, 10**9), F(1, 3), F(2), F(50)]))
    Dc = math.lcm(*(x.denominator for x in b))
    C = [x.numerator * (Dc // x.denominator) for x in b]
    assert M._too_far(tuple(a), C, Dc, r2) == (sum((x - z) ** 2 for x, z in zip(a, b)) > r2)


def test_a_screen_that_cannot_fit_is_never_started(monkeypatch):
    """Past the deadline by its estimate, the screen of every group is skipped before any of
    its work (no float screen runs) and says why; without a deadline it runs."""
    import time

    import exact.optimal_set as M
    import exact.screen as screen_mod

    calls = []
    real = screen_mod.proven_below

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(screen_mod, "proven_below", counted)
    cp = _program(n=8, d=3, seed=4)
    v = tuple(F(1, 10) for _ in range(cp.n))
    monkeypatch.setattr(M, "SCREEN_SECONDS_PER_GROUP", 1.0)  # any screen: seconds
    with pytest.raises(M.OverBudget, match="would run out during the screen of every group"):
        M.screened_projections(cp, v, F(1, 100), deadline=time.process_time() + 0.5)
    assert not calls
    assert M.screened_projections(cp, v, F(1, 100)) is not None and calls
    assert M.screen_estimate(cp.p) == 2.0 * cp.p


def test_the_floor_is_for_small_programs_only():
    from exact.commands.solve import EXTRAS_FLOOR, EXTRAS_FLOOR_GROUPS, EXTRAS_SHARE, extras_budget

    assert extras_budget(0.01, EXTRAS_FLOOR_GROUPS) == EXTRAS_FLOOR
    assert extras_budget(0.01, EXTRAS_FLOOR_GROUPS + 1) == pytest.approx(EXTRAS_SHARE * 0.01)
    assert extras_budget(100.0, 12) == pytest.approx(EXTRAS_SHARE * 100.0)


def test_solver_suite_12x4_skips_the_screen_it_cannot_fit(tmp_path, capsys, monkeypatch):
    """The (12, 4) row of the solver suite: with a screen estimated past any budget the
    optimal set is skipped before its screen, the output says so and names --extras, and the
    flag lifts it (the optimal set is then computed, its screen included)."""
    import exact.commands.solve as solve_cmd
    import exact.optimal_set as M
    import exact.screen as screen_mod

    rng = np.random.default_rng(11)
    X = rng.integers(-9, 10, (12, 4)).tolist()
    y = rng.integers(-5, 6, 12).tolist()
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"X": X, "y": y, "beta": "1/10"}))
    calls = []
    real = screen_mod.proven_below

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    assert main(["solve", str(path), "--json", "-q"]) == 0  # the solve's own passes, once
    capsys.readouterr()
    monkeypatch.setattr(M, "SCREEN_SECONDS_PER_GROUP", 1.0)
    monkeypatch.setattr(solve_cmd, "EXTRAS_SHARE", 1.0)  # a budget of the whole solve
    from exact.certify import solve

    sol = solve(X, y, "1/10")
    monkeypatch.setattr(screen_mod, "proven_below", counted)
    with pytest.raises(M.OverBudget, match="would run out"):
        import time

        M.optimal_set(sol, networks=False, deadline=time.process_time() + 60.0)
    assert not calls  # a refuted candidate, then no screen started
    monkeypatch.setattr(screen_mod, "proven_below", real)
    assert main(["solve", str(path), "--json"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["m_star"] is None and "would run out during the screen" in s["extras_skipped"]
    assert "--extras forces it" in s["extras_skipped"]
    assert main(["solve", str(path)]) == 0
    assert "skipped: the optimal set: its time budget would run out" in capsys.readouterr().out
    assert main(["solve", str(path), "--json", "--extras"]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["extras_skipped"] is None and 1 <= s["m_star"] <= 12
    assert s["optimal_set"]["complete"]


def test_pruning_an_independent_set_reads_its_rank_off_the_loop():
    """Oracle: the rank and the fit recomputed from scratch, for an independent set (no step)
    and for a dependent one (steps: the checks are computed)."""
    import exact.pruning as P
    from exact.certify import solve
    from exact.pruning import prune_with_record

    _integer_rank = P._integer_rank  # white-box: the rank recomputed from scratch

    sol = solve([[-1, 1], [0, 1], [1, 1]], [1, 0, 1], "1/10")
    cp = sol.program
    r = prune_with_record(sol.groups, cp)
    assert not r.steps and r.fit_preserved and r.in_cones
    assert r.rank == _integer_rank([cp.fit(i, s, w) for (i, s), w in r.groups.items()])
    assert cp.prediction(r.groups) == cp.prediction(sol.groups)
    # a group per chamber (its witness, inside its cone): 6 fits in R^3, dependent
    from exact.convex import ConvexProgram

    cp2 = ConvexProgram([[1, 0], [0, 1], [1, 1]], [1, 1, 2], "1/10")
    W = {(i, 1): tuple(F(x) for x in cp2.witnesses[i]) for i in range(cp2.p)}
    r2 = prune_with_record(W, cp2)
    assert len(W) > 3 and r2.steps and r2.fit_preserved and r2.in_cones
    assert r2.rank == len(r2.groups) == _integer_rank(
        [cp2.fit(i, s, w) for (i, s), w in r2.groups.items()]) <= 3
    assert cp2.prediction(r2.groups) == cp2.prediction(W)


@settings(max_examples=60)
@given(st.integers(2, 5).flatmap(lambda d: st.lists(
    st.lists(st.integers(-2**27, 2**27), min_size=d, max_size=d).filter(any),
    min_size=1, max_size=6)))
def test_nullspace_bases_are_the_rows_nullspace_basis(rows):
    """Oracle: :func:`arrangement.intmat.nullspace_basis` row by row (the enumeration's
    batched 3-D planes take the batched one): the same columns, in the same order."""
    from arrangement import intmat

    B = intmat.nullspace_bases(intmat.as_int_array(rows))
    for h, b in zip(rows, B):
        assert intmat.nullspace_basis(h).tolist() == b.tolist()
        assert not (np.asarray(h, dtype=object) @ b.astype(object)).any()
