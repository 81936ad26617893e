"""Build the forgery corpus: ``python tests/forgeries/build.py`` (run from the repository root).

Each forgery starts from a genuine certificate (an arrangement of 8 rows in d = 3 with parallel,
antipodal and zero rows; solve and check certificates of the V data ``example:v1d``, whose true
optimum is ``P* = 37/200``, docs/MATH.md §9; a hinge check on 4 points; solve and check
certificates of the absolute and squared-hinge losses on the same points) and changes it as an
adversary would: single numbers, but mostly structure (drop a chamber together with its
evidence, duplicate or move a facet, change the data and keep the evidence, swap kinds,
duplicate keys, extra claims, vacuous tolerances). Its entries in ``MANIFEST.json``
(tests/forgeries/manifest.py) give, for each file, the exit status and failing check that
``relucvx verify`` must report, and why the certificate's claim would be false (or unproved) if
it were accepted. tests/test_forgeries.py checks every
entry with both entry points (``relucvx verify`` and ``python exact/verify.py``).

The files are static on purpose: they are fixed adversarial inputs, independent of the
producers. Rebuild them only when the format version changes (docs/certificates.md).
"""

from __future__ import annotations

import copy
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from arrangement.certificate import completeness_certificate  # noqa: E402
from arrangement.core import Arrangement  # noqa: E402
from arrangement.examples import example  # noqa: E402
from exact.certificates import check_certificate, solution_certificate  # noqa: E402
from exact.certify import solve  # noqa: E402
from exact.check import check  # noqa: E402
from exact.network import Network  # noqa: E402
from tests.forgeries.manifest import own_files  # noqa: E402
from tests.forgeries.manifest import write as write_manifest  # noqa: E402

X0 = [[1, 0, 1], [0, 1, 1], [1, 1, 1], [1, -1, 2], [0, 0, 0], [2, 2, 2], [-1, -1, -1],
      [3, 1, -2]]
HX, HY = [[-1, 1], [0, 1], [1, 1], [2, 1]], [1, -1, 1, -1]
AY = [1, 0, 1, Fraction(1, 2)]  # absolute-loss targets on HX (a zero and a fraction)


def _j(cert: dict) -> dict:
    return json.loads(json.dumps(cert))


def bases() -> dict[str, dict]:
    """The genuine certificates the forgeries start from (each verifies with exit 0)."""
    v = example("v1d")
    sol = solve(v.X, v.y, v.beta)
    opt = check(sol.network, v.X, v.y, v.beta)
    bad = check(Network.from_lists([((0, 1), 1)]), v.X, v.y, v.beta)
    hinge = check(Network.from_lists([((1, 0), 1)]), HX, HY, Fraction(1, 10), loss="hinge")
    return {
        "arrangement": _j(completeness_certificate(Arrangement(X0), subcones=False)),
        "arrangement-subcones": _j(completeness_certificate(Arrangement(X0))),
        "solve": _j(solution_certificate(sol, v.X, v.y, v.beta)),
        "check-optimal": _j(check_certificate(opt)),
        "check-not-optimal": _j(check_certificate(bad)),
        "check-hinge": _j(check_certificate(hinge)),
        **_loss_bases(),
    }


def _loss_bases() -> dict[str, dict]:
    """Genuine solve and check certificates of the absolute and squared-hinge losses (HX)."""
    out = {}
    for loss, y in (("absolute", AY), ("squared_hinge", HY)):
        sol = solve(HX, y, Fraction(1, 10), loss)
        res = check(Network.from_lists([((1, 0), 1)]), HX, y, Fraction(1, 10), loss=loss)
        out[f"solve-{loss}"] = _j(solution_certificate(sol, HX, y, Fraction(1, 10)))
        out[f"check-{loss}"] = _j(check_certificate(res))
    return out


def _q(x: Fraction) -> int | str:
    return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def _F(x) -> Fraction:
    return Fraction(x)


def _bump(x) -> int | str:
    return _q(_F(x) + Fraction(1, 7))


# -- the forgeries: (name, base, mutation, expected status, expected check, why) ------------------
M0 = 5  # parallel classes of X0: rows 0, 1, {2, 5, 6}, 3, 7 (row 4 is zero)


def _dot(a, b) -> int:
    return sum(int(x) * int(y) for x, y in zip(a, b))


def _signs(w) -> list[int]:
    return [(v > 0) - (v < 0) for v in (_dot(x, w) for x in X0)]


def _drop_chamber(c):
    del c["chambers"][3]
    c["claims"]["chambers"] -= 1


def _drop_chamber_keep_count(c):
    del c["chambers"][3]


def _dup_chamber(c):
    c["chambers"].append(copy.deepcopy(c["chambers"][2]))
    c["claims"]["chambers"] += 1


def _blocks(ch) -> dict[int, list[int]]:
    """The farkas list of a chamber as {class: [D, μ...]}."""
    F, K = ch[1], ch[2]
    step = len(F) + 1
    others = [k for k in range(M0) if k not in F]
    return {k: K[t * step:(t + 1) * step] for t, k in enumerate(others)}


def _set_facets(ch, F, blocks) -> None:
    ch[1] = F
    ch[2] = [x for k in sorted(blocks) for x in blocks[k]]


def _dup_facet(c):
    ch = c["chambers"][0]
    ch[1] = sorted(ch[1] + ch[1][:1])


def _move_facet(c):
    """A facet class of chamber 1 claimed as a facet of chamber 0 (its multipliers dropped and
    a zero multiplier inserted in every other block)."""
    a, b = c["chambers"][0], c["chambers"][1]
    f = next(k for k in b[1] if k not in a[1])
    blocks = _blocks(a)
    del blocks[f]
    F = sorted(a[1] + [f])
    pos = F.index(f)
    _set_facets(a, F, {k: v[:1 + pos] + [0] + v[1 + pos:] for k, v in blocks.items()})


def _drop_facet(c):
    """A facet dropped; its class given made-up multipliers over the remaining facets."""
    ch = next(ch for ch in c["chambers"] if len(ch[1]) >= 3)
    blocks = _blocks(ch)
    f = ch[1][-1]
    F = ch[1][:-1]
    blocks = {k: v[:-1] for k, v in blocks.items()}
    blocks[f] = [1] + [1] * len(F)
    _set_facets(ch, F, blocks)


def _change_data(c):
    c["data"]["X"][7] = ["3", "1", "2"]  # another arrangement; the evidence is kept


def _swap_rows(c):
    X = c["data"]["X"]
    X[0], X[3] = X[3], X[0]


def _witness_on_hyperplane(c):
    """The witness of chamber 0 moved onto its facet towards a neighbour (that is where the
    segment between the two witnesses crosses): on one hyperplane, strictly inside the rest."""
    w = c["chambers"][0][0]
    s = _signs(w)
    for ch in c["chambers"][1:]:
        s2 = _signs(ch[0])
        diff = [j for j in range(len(X0)) if s[j] != s2[j]]
        if len(diff) == 1 and s[diff[0]] > 0:
            x = X0[diff[0]]
            a, b = abs(_dot(x, ch[0])), abs(_dot(x, w))
            c["chambers"][0][0] = [a * p + b * q for p, q in zip(w, ch[0])]
            return
    raise AssertionError("no neighbour across a single row")


def _antipodal_witness(c):
    c["chambers"][1][0] = [-x for x in c["chambers"][1][0]]


def _nonzero_multiplier(c):
    for ch in c["chambers"]:
        step = len(ch[1]) + 1
        for t, x in enumerate(ch[2]):
            if t % step and x:
                return ch, t
    raise AssertionError


def _double_farkas(c):
    ch, t = _nonzero_multiplier(c)
    ch[2][t] *= 2


def _negative_farkas(c):
    ch, t = _nonzero_multiplier(c)
    ch[2][t] = -ch[2][t]


def _zero_denominator(c):
    ch, _ = _nonzero_multiplier(c)
    ch[2][0] = 0


def _missing_farkas(c):
    ch, _ = _nonzero_multiplier(c)
    del ch[2][-(len(ch[1]) + 1):]


def _subcone_chamber(c):
    """A chamber with more than d = 3 facets whose first other class has a subcone entry."""
    for ch in c["chambers"]:
        if len(ch[1]) > 3 and ch[2] and ch[2][0] < 0:
            return ch
    raise AssertionError("no chamber with a subcone entry and more than d facets")


def _subcone_wrong(c):
    """Another d-subset of the facets, one that does not hold the class."""
    import itertools

    ch = _subcone_chamber(c)
    F, w = ch[1], ch[0]
    k = next(x for x in range(M0) if x not in F)
    rows = _class_rows(w)
    for cols in itertools.combinations(range(len(F)), 3):
        A = [rows[F[t]] for t in cols]
        mu = _cramer3(A, rows[k])
        if mu is not None and min(mu) < 0:
            ch[2][0] = -sum(1 << t for t in cols)
            return
    raise AssertionError("every subcone holds the class")


def _class_rows(w):
    """σ_c N_c for the classes of X0 (first rows 0, 1, 2, 3, 7) at the witness w."""
    out = []
    for r in (0, 1, 2, 3, 7):
        s = 1 if _dot(X0[r], w) > 0 else -1
        out.append([s * x for x in X0[r]])
    return out


def _cramer3(A, b):
    def det(M):
        return (M[0][0] * (M[1][1] * M[2][2] - M[1][2] * M[2][1])
                - M[0][1] * (M[1][0] * M[2][2] - M[1][2] * M[2][0])
                + M[0][2] * (M[1][0] * M[2][1] - M[1][1] * M[2][0]))
    M = [list(col) for col in zip(*A)]
    D = det(M)
    if D == 0:
        return None
    return [Fraction(det([row[:t] + [b[r]] + row[t + 1:] for r, row in enumerate(M)]), D)
            for t in range(3)]


def _subcone_two_facets(c):
    ch = _subcone_chamber(c)
    ch[2][0] = -3  # facets 0 and 1 only: a 2-dimensional cone proves nothing in d = 3


def _subcone_beyond_facets(c):
    ch = _subcone_chamber(c)
    ch[2][0] = -(1 << len(ch[1]) | 3)  # a facet position past the list


def _subcone_drop_facet(c):
    """The last facet dropped and claimed inside the subcone of the first three."""
    ch = _subcone_chamber(c)
    f = ch[1].pop()
    others = [k for k in range(M0) if k not in ch[1]]
    old = dict(zip([k for k in range(M0) if k not in ch[1] + [f]], ch[2]))
    old[f] = -7
    ch[2] = [old[k] for k in others]


def _negative_D(c):
    """An explicit block whose D is negated: read as a subcone entry, the list no longer fits."""
    ch, _ = _nonzero_multiplier(c)
    ch[2][0] = -ch[2][0]


def _witness_as_string(c):
    c["chambers"][0][0][0] = str(c["chambers"][0][0][0])


def FORGERIES():  # noqa: N802 - a table, built lazily
    A, S, CO, CN, CH = "arrangement", "solve", "check-optimal", "check-not-optimal", "check-hinge"
    AS = "arrangement-subcones"
    rows = [
        # --- arrangement: structural
        ("arr-drop-chamber", A, _drop_chamber, 1, "closure",
         "claims 21 chambers; the arrangement has 22 (one cell is missing from the list)"),
        ("arr-drop-chamber-keep-count", A, _drop_chamber_keep_count, 1, "closure",
         "lists 21 chambers but claims 22: the list is not the set of chambers"),
        ("arr-duplicate-chamber", A, _dup_chamber, 1, "distinct",
         "claims 23 chambers; one is listed twice"),
        ("arr-duplicate-facet", A, _dup_facet, 1, "facet",
         "a facet listed twice: the multipliers no longer line up with the facets"),
        ("arr-move-facet", A, _move_facet, 1, "closure",
         "a facet of a neighbouring chamber is not a facet of this one: its flip is no chamber"),
        ("arr-drop-facet", A, _drop_facet, 1, "farkas",
         "without that facet the listed cone is larger than the chamber: closure proves nothing"),
        ("arr-change-data-keep-evidence", A, _change_data, 1, "distinct",
         "the evidence is for another X: two witnesses now share a chamber of the new X"),
        ("arr-swap-rows-keep-evidence", A, _swap_rows, 1, "farkas",
         "rows permuted under the evidence: the classes and their multipliers no longer match"),
        ("arr-witness-on-hyperplane", A, _witness_on_hyperplane, 1, "witness",
         "a point on a hyperplane is in no open chamber: it witnesses nothing"),
        ("arr-antipodal-witness", A, _antipodal_witness, 1, "distinct",
         "the negated witness is another listed chamber's: one chamber is listed twice"),
        ("arr-double-farkas", A, _double_farkas, 1, "farkas",
         "the identity fails: the class's inequality is not shown implied by the facets"),
        ("arr-negative-farkas", A, _negative_farkas, 1, "farkas",
         "a negative multiplier does not imply the inequality (Farkas needs mu >= 0)"),
        ("arr-zero-denominator", A, _zero_denominator, 1, "farkas",
         "D = 0 makes every identity 0 = sum mu a: nothing is implied"),
        ("arr-missing-farkas", A, _missing_farkas, 1, "farkas",
         "a class not shown redundant might cut the cone: the facet list may be incomplete"),
        ("arr-negative-D", A, _negative_D, 1, "farkas",
         "D < 0 flips the implied inequality; read as a subcone it does not fit the list"),
        ("arr-subcone-wrong", AS, _subcone_wrong, 1, "farkas",
         "a simplicial subcone that does not hold the class: Cramer's multipliers are negative"),
        ("arr-subcone-two-facets", AS, _subcone_two_facets, 1, "farkas",
         "two facets span no full-dimensional subcone in d = 3: the class is not implied"),
        ("arr-subcone-beyond-facets", AS, _subcone_beyond_facets, 1, "farkas",
         "a subcone naming a facet position the chamber does not list"),
        ("arr-subcone-drop-facet", AS, _subcone_drop_facet, 1, "farkas",
         "a true facet claimed inside a subcone of the others: the listed cone is too large"),
        ("arr-subcone-drop-chamber", AS, _drop_chamber, 1, "closure",
         "claims 21 chambers; the arrangement has 22"),
        ("arr-subcone-change-data", AS, _swap_rows, 1, "farkas",
         "rows permuted under the subcones: the classes no longer lie in them"),
        ("arr-witness-string", A, _witness_as_string, 1, "chambers",
         "witnesses are JSON integers (a string would be concatenated, not multiplied)"),
        # --- arrangement: claims and format
        ("arr-count-plus-one", A, lambda c: c["claims"].__setitem__("chambers", 23), 1, "count",
         "claims 23 chambers; there are 22"),
        ("arr-count-boolean", A, lambda c: c["claims"].__setitem__("chambers", True), 1, "count",
         "a boolean is not a count (True == 1 in Python)"),
        ("arr-claims-n", A, lambda c: c["claims"].__setitem__("n", 7), 1, "data",
         "claims 7 rows; X has 8"),
        ("arr-extra-claim", A, lambda c: c["claims"].__setitem__("general_position", True), 1,
         "fields", "a claim nothing checks (X is not in general position)"),
        ("arr-extra-top-field", A, lambda c: c.__setitem__("proved_by", "trust me"), 1, "fields",
         "an unchecked field shown next to the verified ones"),
        ("arr-kind-swapped", A, lambda c: c.__setitem__("kind", "solve"), 1, "fields",
         "an arrangement certificate read as a solve certificate claims nothing about P*"),
        ("arr-old-format", A, lambda c: c.__setitem__("format", "relucvx-certificate/1"), 1,
         "format", "version 1 allowed unchecked fields; it is not accepted"),
        ("arr-witness-boolean", A, lambda c: c["chambers"][0][0].__setitem__(0, True), 1,
         "chambers", "a boolean is not an integer (True == 1 in Python)"),
        ("arr-float-in-memory", A, lambda c: c["data"]["X"][0].__setitem__(0, "1.5"), 1, "data",
         "'1.5' is not a certificate number (exact 'p/q' only)"),
    ]
    v_issue = _issue_example
    rows += [
        # --- solve
        ("solve-no-completeness", S, lambda c: c.pop("completeness"), 3, "not proved",
         "the bounds hold over the listed chambers only; without completeness they are no proof"),
        ("solve-issue-one-chamber", S, v_issue, 3, "not proved",
         "claims 1 <= P* <= 1 from one chamber; the true value is P* = 37/200"),
        ("solve-issue-one-chamber-with-completeness", S, _issue_example_complete, 1,
         "completeness", "claims 1 <= P* <= 1; the completeness certificate lists 6 chambers"),
        ("solve-completeness-null", S, lambda c: c.__setitem__("completeness", None), 1,
         "completeness", "null is no completeness certificate"),
        ("solve-completeness-other-x", S, _completeness_other_x, 1, "completeness",
         "the completeness certificate is for another X"),
        ("solve-completeness-drop-chamber", S, _completeness_drop, 1, "completeness",
         "the completeness certificate misses a chamber"),
        ("solve-drop-chamber", S, lambda c: (c["chambers"].pop(), c["claims"].__setitem__(
            "num_chambers", c["claims"]["num_chambers"] - 1)), 1, "completeness",
         "the dual bound skips a chamber whose constraint may be violated"),
        ("solve-lower-raised", S, lambda c: c["claims"].__setitem__(
            "lower", _bump(c["claims"]["lower"])), 1, "bounds",
         "a lower bound above P* = 37/200"),
        ("solve-kappa-times-4", S, lambda c: c["dual"].__setitem__(
            "kappa", _q(4 * _F(c["dual"]["kappa"]))), 1, "dual",
         "4 kappa v is not dual feasible: its value is no lower bound"),
        ("solve-change-y-keep-evidence", S, lambda c: c["data"]["y"].__setitem__(0, 5), 1,
         "bounds", "the evidence is for another y: the dual value is recomputed from y"),
        ("solve-smaller-beta", S, lambda c: c["data"].__setitem__("beta", "1/100"), 1, "dual",
         "a smaller beta shrinks the dual feasible set: kappa v leaves it"),
        ("solve-network-changed", S, lambda c: c["network"]["neurons"][0].__setitem__(
            "alpha", _bump(c["network"]["neurons"][0]["alpha"])), 1, "bounds",
         "the upper bound is not the objective of the listed network"),
        ("solve-projection-changed", S, _projection_changed, 1, "projection",
         "p is not the projection: t = p^T g is not ||Pi_C(g)||^2"),
        ("solve-projection-negative-lambda", S, _projection_negative, 1, "projection",
         "KKT with a negative multiplier does not characterise the projection"),
        ("solve-t-lowered", S, _t_lowered, 1, "dual",
         "t below ||Pi_C(g)||^2 would hide a violated dual constraint"),
        ("solve-witness-on-hyperplane", S, _solve_witness_on_hyperplane, 1, "witness",
         "a witness on a hyperplane shows no chamber: the listed chamber may not exist"),
        ("solve-extra-claim", S, lambda c: c["claims"].__setitem__("optimal", True), 1, "fields",
         "a claim nothing checks"),
        ("solve-v1-groups", S, lambda c: c.__setitem__("groups", []), 1, "fields",
         "version 1's informational groups were never checked"),
        ("solve-index-mismatch", S, lambda c: c["chambers"][0].__setitem__("index", 5), 1,
         "chambers", "chamber indices name the worst chamber; they must be positions"),
        ("solve-pattern-wrong", S, lambda c: c["chambers"][0]["pattern"].__setitem__(
            0, 1 - c["chambers"][0]["pattern"][0]), 1, "pattern",
         "D_i must be the chamber's pattern, else g is for another chamber"),
        ("solve-facet-negated", S, _facet_negated, 1, "facet",
         "a negated facet describes another cone"),
        ("solve-loss-hinge", S, lambda c: c.__setitem__("loss", "hinge"), 1, "dual",
         "the squared-loss dual point read as a hinge dual point"),
        ("solve-kind-check", S, lambda c: c.__setitem__("kind", "check"), 1, "claims",
         "a solve certificate has no verdict"),
        # --- check
        ("check-vacuous-tol", CN, _vacuous_tol, 1, "verdict",
         "'optimal within tol = 1' for a network 2.5 above P*: vacuous"),
        ("check-zero-network-optimal-no-completeness", CN, _zero_network_optimal, 3,
         "not proved", "claims optimality of the zero network from an incomplete chamber list"),
        ("check-zero-network-optimal", CN, _zero_network_optimal_complete, 1, "verdict",
         "the zero network (objective 1) is not optimal (P* = 37/200)"),
        ("check-bogus-worst-with-solve-source", CO, _bogus_worst_solve, 1, "fields",
         "worst_chamber and violation are not evidence when the dual comes from solve"),
        ("check-worst-chamber-wrong", CN, _worst_wrong, 1, "claims",
         "another (chamber, sign) has a larger violation"),
        ("check-violation-wrong", CN, lambda c: c["claims"].__setitem__(
            "violation", _bump(c["claims"]["violation"])), 1, "claims",
         "the violation is t_max - beta^2, not this"),
        ("check-residual-changed", CN, _residual_changed, 1, "projection",
         "the dual is not the network's residual (and g no longer matches it)"),
        ("check-better-objective-wrong", CN, lambda c: c["better"].__setitem__(
            "objective", _bump(c["better"]["objective"])), 1, "verdict",
         "the better network's objective is misstated"),
        ("check-better-not-better", CN, _better_not_better, 1, "verdict",
         "the listed 'better' network is the network itself"),
        ("check-not-optimal-without-better", CN, lambda c: c.pop("better"), 1, "verdict",
         "'not optimal' with no better network is unproved"),
        ("check-optimal-with-better", CN, lambda c: c["claims"].__setitem__(
            "verdict", "optimal"), 1, "verdict",
         "optimal and a better network listed at once"),
        ("check-epsilon-wrong", CO, lambda c: c["claims"].__setitem__("epsilon", "1"), 1,
         "claims", "epsilon must be tol * max(1, |upper|)"),
        ("check-objective-not-upper", CO, lambda c: c["claims"].__setitem__(
            "objective", _bump(c["claims"]["objective"])), 1, "claims",
         "the network under test has another objective"),
        ("check-unknown-verdict", CO, lambda c: c["claims"].__setitem__(
            "verdict", "probably optimal"), 1, "claims", "no such verdict"),
        ("check-extra-claim", CO, lambda c: c["claims"].__setitem__("unique", True), 1,
         "fields", "uniqueness of the optimum is not checked (and not true in general)"),
        ("check-kind-arrangement", CO, lambda c: c.__setitem__("kind", "arrangement"), 1,
         "fields", "a check certificate read as an arrangement certificate"),
        ("check-hinge-residual-source", CH, lambda c: c["dual"].__setitem__(
            "source", "residual"), 1, "dual", "the hinge loss has no residual"),
        ("check-hinge-negative-band", CH, lambda c: c["dual"].__setitem__("band", "-1"), 1,
         "dual", "a negative band admits non-subgradients"),
        ("check-hinge-subgradient-wrong", CH, lambda c: c["dual"]["v"].__setitem__(1, "-1/2"),
         1, "projection", "mu = 1/2 at a broken margin is not a subgradient (g changes too)"),
        # --- the absolute and squared-hinge losses (each verifier rule of its own loss table)
        ("solve-loss-absolute", S, lambda c: c.__setitem__("loss", "absolute"), 1, "bounds",
         "the squared-loss dual point read as an absolute-loss one: its value is another"),
        ("solve-absolute-loss-squared", "solve-absolute",
         lambda c: c.__setitem__("loss", "squared"), 1, "bounds",
         "an absolute-loss certificate read as a squared-loss one"),
        ("solve-absolute-kappa-doubled", "solve-absolute", _kappa_doubled, 1, "dual",
         "2 kappa v leaves the dual box |v_j| <= 1 or the chamber constraints"),
        ("solve-squared_hinge-label-2", "solve-squared_hinge", _label_two, 1, "dual",
         "the squared hinge's conjugate is derived for labels +-1 only: with y_j = 2, "
         "v^T y - |v|^2/2 is not a lower bound"),
        ("solve-squared_hinge-wrong-sign", "solve-squared_hinge", _sqh_wrong_sign, 1, "dual",
         "y_j v_j < 0 is outside the squared hinge's dual domain (-l*(-v) = +inf there)"),
        ("solve-squared_hinge-loss-hinge", "solve-squared_hinge",
         lambda c: c.__setitem__("loss", "hinge"), 1, "bounds",
         "a squared-hinge dual point read as a hinge one: its dual value is another "
         "(sum mu_j instead of sum mu_j - mu_j^2/2)"),
        ("check-absolute-residual-source", "check-absolute", lambda c: c["dual"].__setitem__(
            "source", "residual"), 1, "dual", "the absolute loss has no residual"),
        ("check-absolute-band-negative", "check-absolute", lambda c: c["dual"].__setitem__(
            "band", "-1"), 1, "dual", "a negative band admits non-subgradients"),
        ("check-squared_hinge-subgradient-source", "check-squared_hinge",
         lambda c: c["dual"].__setitem__("source", "subgradient"), 1, "dual",
         "the squared hinge's dual candidate is its residual, not a subgradient"),
        ("check-squared_hinge-residual-changed", "check-squared_hinge", _residual_changed, 1,
         "projection", "v is no longer the residual (and g changes with it)"),
    ]
    return rows


def _kappa_doubled(c):
    c["dual"]["kappa"] = _q(2 * _F(c["dual"]["kappa"]))


def _label_two(c):
    c["data"]["y"][0] = 2


def _sqh_wrong_sign(c):
    """Negate v and swap every group's sign: ``g = s XᵀD v`` is unchanged, so the chamber
    evidence stays consistent, but ``y_j v_j < 0`` wherever ``v_j ≠ 0``."""
    c["dual"]["v"] = [_q(-_F(x)) for x in c["dual"]["v"]]
    for ch in c["chambers"]:
        for g in ch["groups"]:
            g["sign"] = -g["sign"]


def _issue_example(c):
    """The forgery of the issue: one chamber (pattern (0, 0, 0)), the empty network, v = y,
    kappa = 1, claims 1 <= P* <= 1, no completeness. The true value is P* = 37/200."""
    c.pop("completeness", None)
    ch = next(ch for ch in c["chambers"] if not any(ch["pattern"]))
    ch["index"] = 0
    for g in ch["groups"]:
        for key in ("p", "lambda", "t"):
            g.pop(key, None)
        g["g"] = [0, 0]
        g["bound"] = "norm"
    c["chambers"] = [ch]
    c["network"] = {"neurons": []}
    c["dual"] = {"v": list(c["data"]["y"]), "kappa": 1}
    c["claims"] = {"lower": 1, "upper": 1, "gap": 0, "num_chambers": 1}


def _issue_example_complete(c):
    comp = c["completeness"]
    _issue_example(c)
    c["completeness"] = comp


def _solve_witness_on_hyperplane(c):
    ch = c["chambers"][0]
    X = [[_F(t) for t in row] for row in c["data"]["X"]]
    x = next(x for x in X if any(x))
    ch["witness"] = [int(x[1]), int(-x[0])]  # x · w = 0 (integer data, d = 2)


def _completeness_other_x(c):
    c["completeness"] = _j(completeness_certificate(Arrangement([[1, 1], [0, 1], [1, 0]])))


def _completeness_drop(c):
    del c["completeness"]["chambers"][1]
    c["completeness"]["claims"]["chambers"] -= 1


def _projected(c):
    for ch in c["chambers"]:
        for g in ch["groups"]:
            if "p" in g and any(_F(x) for x in g["p"]) and g["lambda"]:
                return g
    raise AssertionError("no projected group")


def _projection_changed(c):
    g = _projected(c)
    g["p"] = [_q(2 * _F(x)) for x in g["p"]]


def _projection_negative(c):
    for ch in c["chambers"]:
        for g in ch["groups"]:
            if "p" in g and g["lambda"]:
                g["lambda"][0] = _q(-1 - abs(_F(g["lambda"][0])))
                return
    raise AssertionError("no projected group with a facet")


def _t_lowered(c):
    g = _projected(c)
    g["t"] = _q(_F(g["t"]) / 2)


def _facet_negated(c):
    ch = next(ch for ch in c["chambers"] if ch["facets"])
    ch["facets"][0]["a"] = [-x for x in ch["facets"][0]["a"]]


def _vacuous_tol(c):
    c.pop("better")
    cl = c["claims"]
    cl["verdict"] = "optimal"
    cl["tol"] = 1
    cl["epsilon"] = _q(max(Fraction(1), abs(_F(cl["upper"]))))


def _zero_network(c):
    """The zero network with its residual v = y: objective ½‖y‖² = 1."""
    c.pop("better")
    c["network"] = {"neurons": []}
    y = [_F(t) for t in c["data"]["y"]]
    X = [[_F(t) for t in row] for row in c["data"]["X"]]
    kappa = _F(c["dual"]["kappa"])
    c["dual"]["v"] = [_q(t) for t in y]
    beta = _F(c["data"]["beta"])
    tmax, worst = Fraction(-1), None
    for ch in c["chambers"]:
        D = ch["pattern"]
        for g in ch["groups"]:
            s = g["sign"]
            gv = [s * sum((y[j] * X[j][k] for j in range(len(y)) if D[j]), Fraction(0))
                  for k in range(len(X[0]))]
            g.clear()
            g.update({"sign": s, "g": [_q(x) for x in gv], "bound": "norm"})
    del tmax, worst
    kappa = Fraction(1, 10**6)  # tiny: every norm bound passes
    c["dual"]["kappa"] = _q(kappa)
    lower = kappa * sum(t * t for t in y) - kappa * kappa * sum(t * t for t in y) / 2
    upper = sum(t * t for t in y) / 2
    cl = c["claims"]
    cl.pop("worst_chamber")
    cl.pop("violation")
    c["dual"]["source"] = "solve"
    cl.update({"verdict": "optimal", "objective": _q(upper), "upper": _q(upper),
               "lower": _q(lower), "gap": _q(upper - lower), "tol": "1/1000000",
               "epsilon": "1/1000000"})
    del beta


def _zero_network_optimal(c):
    """Claims the zero network optimal; no completeness; every check passes except that the
    verdict's gap is far above epsilon, so the forgery drops to a handful of chambers whose
    evidence passes... it is rejected anyway: first by the verdict (gap > epsilon)."""
    _zero_network(c)
    c.pop("completeness")
    # over one chamber only (pattern all zero: g = 0), kappa = 1 makes lower = upper = 1
    ch = next(ch for ch in c["chambers"] if not any(ch["pattern"]))
    ch["index"] = 0
    c["chambers"] = [ch]
    c["dual"]["kappa"] = 1
    cl = c["claims"]
    cl.update({"lower": 1, "gap": 0, "num_chambers": 1})


def _zero_network_optimal_complete(c):
    _zero_network(c)


def _bogus_worst_solve(c):
    c["claims"]["worst_chamber"] = [0, 1]
    c["claims"]["violation"] = "-1"
    c["dual"]["source"] = "solve"


def _worst_wrong(c):
    w = c["claims"]["worst_chamber"]
    others = [[ch["index"], g["sign"]] for ch in c["chambers"] for g in ch["groups"]
              if "t" in g and [ch["index"], g["sign"]] != w
              and _F(g["t"]) < max(_F(h["t"]) for k in c["chambers"] for h in k["groups"]
                                   if "t" in h)]
    c["claims"]["worst_chamber"] = others[0]


def _residual_changed(c):
    c["dual"]["v"][0] = _bump(c["dual"]["v"][0])


def _better_not_better(c):
    c["better"]["network"] = copy.deepcopy(c["network"])
    c["better"]["objective"] = c["claims"]["objective"]


TEXT_FORGERIES = [
    # (name, base, transform of the JSON text, expected status, expected check, why)
    ("json-duplicate-claim-key", "arrangement",
     lambda t: t.replace('"claims":{"chambers":22,', '"claims":{"chambers":99,"chambers":22,'),
     2, "refused", "a human reading the first key sees 99 chambers; json keeps the last"),
    ("json-nan", "solve", lambda t: t.replace('"kappa":', '"kappa":NaN,"k":', 1), 2, "refused",
     "NaN is not a number of any certificate"),
    ("json-infinity", "arrangement",
     lambda t: t.replace('"chambers":[[[', '"chambers":[[[Infinity,', 1), 2, "refused",
     "Infinity is not a finite number"),
    ("json-float", "arrangement", lambda t: t.replace('"claims":{"chambers":22',
                                                      '"claims":{"chambers":22.0'), 2,
     "refused", "22.0 is a float: certificate numbers are integers or 'p/q'"),
    ("json-huge-number", "solve",
     lambda t: t.replace('"kappa":', '"kappa":"' + "9" * 20001 + '/' + "7" * 20001 + '","x":',
                         1), 2, "refused",
     "a 20001-digit kappa is over the digit limit: refused at once, not after minutes"),
    ("json-trailing-garbage", "arrangement", lambda t: t + "{}", 2, "refused",
     "two documents in one file: which one is the certificate?"),
]


def main() -> None:
    base = bases()
    for old in own_files("build") + [HERE / f"genuine-{kind}.json" for kind in base]:
        old.unlink(missing_ok=True)
    manifest = []
    for name, kind, mutate, status, check_name, why in FORGERIES():
        cert = copy.deepcopy(base[kind])
        mutate(cert)
        (HERE / f"{name}.json").write_text(json.dumps(cert, separators=(",", ":")) + "\n")
        manifest.append({"file": f"{name}.json", "base": kind, "status": status,
                         "check": check_name, "why": why})
    for name, kind, transform, status, check_name, why in TEXT_FORGERIES:
        text = transform(json.dumps(base[kind], separators=(",", ":")))
        (HERE / f"{name}.json").write_text(text + "\n")
        manifest.append({"file": f"{name}.json", "base": kind, "status": status,
                         "check": check_name, "why": why})
    for kind, cert in base.items():  # the genuine ones, for the agreement tests
        (HERE / f"genuine-{kind}.json").write_text(json.dumps(cert, separators=(",", ":"))
                                                    + "\n")
    write_manifest(manifest, "build")
    print(f"{len(manifest)} forgeries written to {HERE}")


if __name__ == "__main__":
    main()
