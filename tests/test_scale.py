"""Issue 15 at scale: the cutting planes end on a dual feasible for every group, the exact
refinement starts from the right active set, memory-lean program data, and the certificates
of the (40, 5) / (100, 4) path verify (checked here at small sizes)."""

from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from arrangement.certificate import completeness_certificate
from exact import screen as screen_mod
from exact.certify import solution_certificate, solve
from exact.convex import ConvexProgram
from exact.cutting import working_set_solve
from exact.verify import verify_certificate

F = Fraction
BETA = F(1, 10)


def _instance(n: int, d: int, seed: int = 0) -> tuple[list[list[int]], list[int]]:
    """As benchmarks/suite_solver.py and suite_scale.py make them."""
    rng = np.random.default_rng(seed)
    X = rng.integers(-9, 10, size=(n, d)).tolist()
    return X, rng.integers(-5, 6, size=n).tolist()


def _verify(sol, X, y, beta):
    cert = solution_certificate(sol, X, y, beta)
    cert["completeness"] = completeness_certificate(sol.program.arrangement)
    return verify_certificate(json.loads(json.dumps(cert)))


_PROGRAMS: dict = {}


def _program(n: int, d: int) -> ConvexProgram:
    if (n, d) not in _PROGRAMS:
        X, y = _instance(n, d)
        _PROGRAMS[(n, d)] = ConvexProgram(X, y, BETA)
    return _PROGRAMS[(n, d)]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from([(12, 4), (10, 3)]), st.data())
def test_float_violations_stops_only_on_confirmed_violations(shape, data):
    """With ``enough = k`` the visit may stop early only after k groups were *confirmed*
    violated: fewer confirmed means every group was visited (no NaN). Descent bounds are upper
    bounds and must not count (they once ended the cutting planes on an infeasible dual)."""
    cp = _program(*shape)
    fa = screen_mod.facet_arrays(cp)
    v = np.array(data.draw(st.lists(st.floats(-2, 2), min_size=cp.n, max_size=cp.n)))
    full = screen_mod.float_violations(fa, v, 1e300)  # every group at its norm bound
    q = data.draw(st.floats(0.5, 0.999))
    beta2 = float(np.quantile(full, q))
    k = data.draw(st.integers(1, 4))
    old = screen_mod._DESCENT_BLOCK
    screen_mod._DESCENT_BLOCK = 1  # tiny slices: the early stop is exercised on small inputs
    try:
        part = screen_mod.float_violations(fa, v, beta2, enough=k)
    finally:
        screen_mod._DESCENT_BLOCK = old
    exact = screen_mod.float_violations(fa, v, beta2)
    assert not np.isnan(exact).any()
    lim = beta2 * (1 + 1e-7)
    confirmed = int(np.count_nonzero(np.nan_to_num(part, nan=0.0) > lim))
    assert confirmed >= min(k, int(np.count_nonzero(exact > lim)))
    if confirmed < k:
        assert not np.isnan(part).any()


def test_cutting_planes_end_on_a_feasible_dual():
    """(12, 4): the last working set's dual is feasible for every group by a full float screen
    (no unvisited group), and the restricted optimum matches the full program's value."""
    X, y = _instance(12, 4)
    cp = ConvexProgram(X, y, BETA)
    W, st_ = working_set_solve(cp, per_round=2)
    T = screen_mod.float_violations(screen_mod.facet_arrays(cp), np.asarray(cp.numeric_dual),
                                    float(BETA) ** 2)
    assert not np.isnan(T).any()
    assert float(T.max()) <= float(BETA) ** 2 * (1 + 1e-6)
    full = ConvexProgram(X, y, BETA, arrangement=cp.arrangement)
    full.numeric_solve()
    assert abs(cp.numeric_value - full.numeric_value) <= 1e-6 * max(1.0, full.numeric_value)


def test_cutting_result_overlaps_full_result_and_verifies():
    """(20, 4), the scale path at a small size: cutting planes and the full program give
    overlapping exact intervals, the gap target is met in one refinement round, and the
    certificate verifies."""
    X, y = _instance(20, 4)
    cp_full = ConvexProgram(X, y, BETA)
    full = solve(X, y, BETA, program=cp_full, method="full")
    cp_cut = ConvexProgram(X, y, BETA, arrangement=cp_full.arrangement)
    cut = solve(X, y, BETA, program=cp_cut, method="cutting")
    assert cut.stats["method"] == "cutting" and cut.stats["target_met"]
    assert max(full.lower, cut.lower) <= min(full.upper, cut.upper)
    assert len(cut.active_groups) <= cp_cut.n + 1
    ok, msg = _verify(cut, X, y, BETA)
    assert ok, msg


def test_blocked_certificate_texts_are_the_same_bytes(tmp_path, monkeypatch):
    """The streamed writer's number texts made block by block (tiny blocks here) give the
    bytes of the whole-tree writer, and the certificate verifies."""
    from arrangement.certificate import write_certificate
    from exact import certificates
    from exact.certificates import write_solution_certificate

    X, y = _instance(12, 4)
    sol = solve(X, y, BETA)
    ref = tmp_path / "ref.json"
    write_certificate(solution_certificate(sol, X, y, BETA), str(ref))
    monkeypatch.setattr(certificates, "_TEXT_BLOCK", 7)
    out = tmp_path / "c.json"
    write_solution_certificate(sol, X, y, BETA, str(out))
    assert out.read_bytes() == ref.read_bytes()
    ok, msg = verify_certificate(json.loads(out.read_bytes()))
    assert ok, msg


def test_dual_pieces_in_small_blocks_give_the_same_bounds(monkeypatch):
    """dual_pieces' descent multipliers taken block by block (tiny blocks here) settle the same
    groups as in one block, and the certificate still verifies."""
    from exact.certify import dual_pieces

    X, y = _instance(12, 4)
    sol = solve(X, y, BETA)
    cp = sol.program
    whole = dual_pieces(cp, sol.dual)
    monkeypatch.setattr(screen_mod, "DESCENT_BLOCK", 5)
    blocked = dual_pieces(cp, sol.dual)
    assert blocked.tmax == whole.tmax
    assert set(blocked.ts) == set(whole.ts)
    assert {g: blocked.bounds[g] for g in blocked.bounds} == {g: whole.bounds[g]
                                                              for g in whole.bounds}
    sol2 = solve(X, y, BETA, program=ConvexProgram(X, y, BETA, arrangement=cp.arrangement))
    assert sol2.lower == sol.lower
    ok, msg = _verify(sol2, X, y, BETA)
    assert ok, msg


@settings(max_examples=15, deadline=None)
@given(st.sampled_from([(12, 4), (10, 3)]), st.data())
def test_blocked_screen_is_the_screen(shape, data):
    """dual_pieces' float screen on blocks of chambers gives the statuses and facets of one
    call of exact.screen.rigorous_screen."""
    from exact.certify import h_matrix

    cp = _program(*shape)
    fa = screen_mod.facet_arrays(cp)
    v = tuple(F(data.draw(st.integers(-50, 50)), 37) for _ in range(cp.n))
    H, den = h_matrix(cp, v)
    thr = F(data.draw(st.integers(1, 400)), 100)
    one = screen_mod.rigorous_screen(fa, H, den, thr)
    old = screen_mod.SCREEN_BLOCK
    screen_mod.SCREEN_BLOCK = data.draw(st.integers(1, 50))
    try:
        status, facet = screen_mod.blocked_screen(fa, H, den, thr)
    finally:
        screen_mod.SCREEN_BLOCK = old
    assert (status == one.status).all() and (facet == one.facet).all()


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 5), st.integers(2, 6), st.integers(0, 10**6))
@example(4, 2, 1)  # a singular Hessian: the mpmath pass stalled at its start (RIDGE_BOOSTS)
def test_float_newton_matches_the_generic_newton(G, n, seed):
    """The numpy Newton of the float passes reaches the stationary point the generic
    (list-of-lists, here mpmath) Newton reaches: the same v = M(ρ)⁻¹y."""
    from mpmath import mp

    from exact import certify

    rng = np.random.default_rng(seed)
    Ks = []
    for _ in range(G):
        B = rng.standard_normal((n, 2))
        Ks.append((B @ B.T).tolist())
    y = rng.standard_normal(n).tolist()
    b2 = 0.05
    rho_f, v_f = certify._newton(Ks, y, b2, [0.1] * G, one=1.0, eps=2.0**-52)
    with mp.workdps(40):
        Km = [[[mp.mpf(x) for x in row] for row in K] for K in Ks]
        rho_m, v_m = certify._newton(Km, [mp.mpf(t) for t in y], mp.mpf(b2), [mp.mpf(0.1)] * G,
                             one=mp.mpf(1), eps=mp.mpf(10) ** -40)
    assert max(abs(a - float(b)) for a, b in zip(v_f, v_m)) <= 1e-6 * max(1.0, max(map(abs, y)))
