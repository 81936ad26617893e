"""Build the relu3 forgeries: ``python tests/forgeries/build_relu3.py`` (from the repository root).

The genuine base is the ``kind: "relu3"`` certificate of a tiny instance (3 points in the plane,
width 2, docs/relu3.md); each forgery changes it as an adversary would (raise a bound, drop a
second-layer region or a tuple with its evidence, weaken a dual multiplier, move the network
out of the architecture, change the data and keep the evidence). Their entries in
``MANIFEST.json`` (family relu3, tests/forgeries/manifest.py) give the exit status and failing
check ``relucvx verify`` must report, and why the claim would be false or unproved if accepted;
tests/test_forgeries.py checks every entry. Kept apart from
build.py so that the corpus of the other kinds is untouched.

A second genuine base, ``genuine-relu3-hinge.json``, is the hinge-loss certificate of a tiny
classification instance (labels ±1); its forgeries (``relu3-hinge-*``) attack what the loss
changes: the dual domain ``0 ≤ v_j / y_j ≤ 1`` (``v_j = 0`` where ``y_j = 0``), the loss named
in ``data.loss`` and the loss used in the upper bound.
"""

from __future__ import annotations

import copy
import json
import sys
from fractions import Fraction
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from exact.relu3 import relu3_certificate, solve_relu3  # noqa: E402
from tests.forgeries.manifest import write as write_manifest  # noqa: E402

X, Y, BETA = [[1, 0], [0, 1], [1, 1]], [1, -1, 2], Fraction(1, 10)
HY = [1, -1, 1]   # the hinge base: same X and β, labels ±1


def base() -> dict:
    """The genuine certificate (verifies with exit 0)."""
    sol = solve_relu3(X, Y, BETA, width=2)
    return json.loads(json.dumps(relu3_certificate(sol, Y, BETA)))


def hinge_base() -> dict:
    """The genuine hinge-loss certificate (verifies with exit 0)."""
    sol = solve_relu3(X, HY, BETA, width=2, loss="hinge")
    return json.loads(json.dumps(relu3_certificate(sol, HY, BETA)))


def _q(x: Fraction) -> str:
    return f"{x.numerator}/{x.denominator}" if x.denominator != 1 else str(x.numerator)


def _multi(c: dict) -> dict:
    """The first tuple with more than one region."""
    return next(t for t in c["tuples"] if len(t["regions"]) > 1)


def _lower_raised(c):
    c["claims"]["lower"] = _q(Fraction(c["claims"]["lower"]) + Fraction(1, 7))


def _drop_region(c):
    _multi(c)["regions"].pop()


def _drop_tuple(c):
    c["tuples"].pop()


def _dup_region(c):
    t = _multi(c)
    t["regions"].append(copy.deepcopy(t["regions"][0]))


def _witness_outside(c):
    reg = _multi(c)["regions"][0]
    reg["witness"][:2] = [_q(-Fraction(x)) for x in reg["witness"][:2]]


def _nu_negative(c):
    c["tuples"][-1]["regions"][0]["groups"][0]["nu"][0] = "-1"


def _v_doubled(c):
    v = [2 * Fraction(x) for x in c["dual"]["v"]]
    c["dual"]["v"] = [_q(x) for x in v]
    y = [Fraction(x) for x in c["data"]["y"]]
    c["claims"]["lower"] = _q(sum(a * b for a, b in zip(v, y)) - sum(a * a for a in v) / 2)


def _network_frobenius(c):
    sub = c["network"]["subnetworks"][0]
    sub["W1"] = [[_q(2 * Fraction(x)) for x in u] for u in sub["W1"]]
    sub["w2"] = [_q(Fraction(x) / 2) for x in sub["w2"]]


def _change_y(c):
    c["data"]["y"][0] = _q(Fraction(c["data"]["y"][0]) + 1)


def _drop_facet(c):
    reg = next(r for t in c["tuples"] for r in t["regions"] if r["farkas"])
    reg["facets"].pop()


def _drop_chamber(c):
    c["first_layer"].pop()


def _no_completeness(c):
    del c["completeness"]


def _lam_zeroed(c):
    # the multipliers that project g onto its cone, replaced by 0: the bound becomes ‖g‖²; the
    # first block where that exceeds β² (found with the verifier itself) is the forgery
    from exact.verify import verify

    for t in c["tuples"]:
        for r in t["regions"]:
            for g in r["groups"]:
                for j, lam in enumerate(g["lam"]):
                    if any(Fraction(x) for x in lam):
                        old, g["lam"][j] = lam, ["0"] * len(lam)
                        if verify(c)[1].startswith("dual"):
                            return
                        g["lam"][j] = old
    raise AssertionError("no block needs its multipliers")  # pragma: no cover


def _width_raised(c):
    c["data"]["width"] = 3


def _neuron_sign_flipped(c):
    c["tuples"][-1]["neurons"][0][1] *= -1


FORGERIES = [
    ("relu3-lower-raised.json", _lower_raised, 1, "claims",
     "the lower bound is not the dual value of v: P* may be below it"),
    ("relu3-drop-region.json", _drop_region, 1, "closure",
     "a second-layer region is missing, so the dual constraint is unchecked on it"),
    ("relu3-drop-tuple.json", _drop_tuple, 1, "tuples",
     "a tuple of first-layer patterns (and every region of it) is unchecked"),
    ("relu3-duplicate-region.json", _dup_region, 1, "regions",
     "a region listed twice: the list is not the set of regions"),
    ("relu3-witness-outside-cone.json", _witness_outside, 1, "witness",
     "the witness is not in the product cone: the region may not exist"),
    ("relu3-nu-negative.json", _nu_negative, 1, "dual",
     "a negative multiplier of a lifted row breaks the bound νᵀ(2D₂−I)X̃z ≥ 0"),
    ("relu3-v-doubled.json", _v_doubled, 1, "dual",
     "2v with its (larger) dual value is not dual feasible: the lower bound would exceed P*"),
    ("relu3-network-frobenius.json", _network_frobenius, 1, "network",
     "same output, smaller penalty, but the first layer leaves the unit Frobenius ball"),
    ("relu3-change-y-keep-evidence.json", _change_y, 1, "claims",
     "the evidence is for other targets: the recomputed bounds differ from the claims"),
    ("relu3-drop-facet.json", _drop_facet, 1, "farkas",
     "without that facet the Farkas vectors no longer match the rows they imply"),
    ("relu3-drop-chamber.json", _drop_chamber, 1, "tuples",
     "a first-layer chamber is missing, so are its tuples"),
    ("relu3-no-completeness.json", _no_completeness, 3, "not proved",
     "without the first layer's completeness certificate the chamber list is unproved"),
    ("relu3-lam-zeroed.json", _lam_zeroed, 1, "dual",
     "the cone multipliers are needed: with λ = 0 the block's bound is ‖g‖² > β²"),
    ("relu3-width-raised.json", _width_raised, 1, "tuples",
     "width 3 has more tuples than the certificate lists"),
    ("relu3-neuron-sign-flipped.json", _neuron_sign_flipped, 1, "tuples",
     "the declared first-layer signs are not the program's tuple: re-derived, never trusted"),
]


def _h_lower_raised(c):
    c["claims"]["lower"] = _q(Fraction(c["claims"]["lower"]) + Fraction(1, 7))


def _hinge_lower(v, y):
    return sum((Fraction(a) / t for a, t in zip(v, y) if t), Fraction(0)) + sum(
        1 for t in y if t == 0)


def _h_mu_above_one(c):
    # v_j = 2 y_j (μ_j = 2 > 1) at the point with the largest μ; the claimed lower bound
    # recomputed with the hinge formula Σ μ_j as if the domain did not matter
    y = [Fraction(t) for t in c["data"]["y"]]
    v = [Fraction(x) for x in c["dual"]["v"]]
    j = max(range(len(v)), key=lambda i: v[i] / y[i])
    v[j] = 2 * y[j]
    c["dual"]["v"] = [_q(x) for x in v]
    c["claims"]["lower"] = _q(_hinge_lower(v, y))


def _h_mu_negative(c):
    y = [Fraction(t) for t in c["data"]["y"]]
    v = [Fraction(x) for x in c["dual"]["v"]]
    j = max(range(len(v)), key=lambda i: v[i] / y[i])
    v[j] = -v[j]
    c["dual"]["v"] = [_q(x) for x in v]
    c["claims"]["lower"] = _q(_hinge_lower(v, y))


def _h_zero_label(c):
    # y_j = 0 (a point the hinge charges 1 whatever the network) with v_j ≠ 0 kept
    y = [Fraction(t) for t in c["data"]["y"]]
    v = [Fraction(x) for x in c["dual"]["v"]]
    j = max(range(len(v)), key=lambda i: abs(v[i]))
    y[j] = Fraction(0)
    c["data"]["y"] = [_q(t) for t in y]
    c["claims"]["lower"] = _q(sum((a / t for a, t in zip(v, y) if t), Fraction(0)) + 1)


def _h_loss_squared(c):
    c["data"]["loss"] = "squared"


def _h_loss_absolute(c):
    c["data"]["loss"] = "absolute"


def _h_unclipped_hinge(c):
    # every w3 doubled (points pushed beyond the margin, y_j f_j = 2) and the upper bound
    # computed with Σ (1 − y_j f_j), the hinge without its clip at 0: beyond the margin it
    # counts a negative loss
    from exact.relu3 import Relu3Network

    for sub in c["network"]["subnetworks"]:
        sub["w3"] = _q(2 * Fraction(sub["w3"]))
    net = Relu3Network.from_json(c["network"])
    X_ = [[Fraction(v) for v in r] for r in c["data"]["X"]]
    y = [Fraction(t) for t in c["data"]["y"]]
    b = Fraction(c["data"]["beta"])
    f = net.predict(X_)
    pen = sum((sum((a * a for a in w), Fraction(0)) + w3 * w3 for w, w3 in zip(net.w2, net.w3)),
              Fraction(0))
    c["claims"]["upper"] = _q(sum((1 - t * x for x, t in zip(f, y)), Fraction(0)) + b * pen / 2)


HINGE_FORGERIES = [
    ("relu3-hinge-lower-raised.json", _h_lower_raised, 1, "claims",
     "the hinge lower bound is not the dual value Σ v_j / y_j: P* may be below it"),
    ("relu3-hinge-mu-above-one.json", _h_mu_above_one, 1, "dual",
     "μ_j = v_j / y_j = 2 > 1 is outside the hinge dual's domain (and breaks a dual "
     "constraint): Σ μ_j is no lower bound"),
    ("relu3-hinge-mu-negative.json", _h_mu_negative, 1, "dual",
     "μ_j < 0 is outside the hinge dual's domain: −ℓ*(−v) is +∞ there, not Σ μ_j"),
    ("relu3-hinge-zero-label.json", _h_zero_label, 1, "dual",
     "where y_j = 0 the hinge dual needs v_j = 0; the other evidence is kept"),
    ("relu3-hinge-loss-squared.json", _h_loss_squared, 1, "claims",
     "the same evidence read as a squared-loss certificate: the recomputed bounds differ"),
    ("relu3-hinge-loss-absolute.json", _h_loss_absolute, 1, "data",
     "kind relu3 certifies the squared and hinge losses only"),
    ("relu3-hinge-unclipped.json", _h_unclipped_hinge, 1, "claims",
     "the upper bound with the hinge unclipped (Σ 1 − y_j f_j): points beyond the margin "
     "would count a negative loss, so the claim would be below the network's objective"),
]


def main() -> None:
    b = base()
    (HERE / "genuine-relu3.json").write_text(json.dumps(b, separators=(",", ":")) + "\n")
    manifest = []
    for name, mutate, status, check, why in FORGERIES:
        c = copy.deepcopy(b)
        mutate(c)
        (HERE / name).write_text(json.dumps(c, separators=(",", ":")) + "\n")
        manifest.append({"file": name, "base": "relu3", "status": status, "check": check,
                         "why": why})
    h = hinge_base()
    (HERE / "genuine-relu3-hinge.json").write_text(json.dumps(h, separators=(",", ":")) + "\n")
    for name, mutate, status, check, why in HINGE_FORGERIES:
        c = copy.deepcopy(h)
        mutate(c)
        (HERE / name).write_text(json.dumps(c, separators=(",", ":")) + "\n")
        manifest.append({"file": name, "base": "relu3-hinge", "status": status,
                         "check": check, "why": why})
    write_manifest(manifest, "build_relu3")


if __name__ == "__main__":
    main()
