"""Build the CNN part of the forgery corpus: ``python tests/forgeries/build_conv.py`` (from the
repository root).

The genuine certificates are ``kind: "solve"`` with ``"model": {"name": "conv", ...}`` for two
small CNN instances (squared loss, h = 2, stride 1 on signals of length 3; hinge loss, h = 3,
stride 2 on signals of length 5), and ``kind: "check"`` with the model for CNNs under test on
them (squared: a bad CNN, verdict "not optimal", and the optimum, "optimal" from its own
residual; hinge: a bad CNN, its subgradient as the dual), and for a 2-D CNN (2 x 2 filters on
2 x 3 images) a solve and a check certificate. Each forgery changes one of them as
an adversary would: the signals or the declared filter without the evidence (the verifier
re-derives the patches, so the chamber evidence no longer fits), the chamber list and
completeness certificate of X's own arrangement instead of the patch matrix's, a tampered
filter, a per-patch dual vector, a dropped model, a flipped verdict, a forged better CNN.
Their entries in ``MANIFEST.json`` (families conv and conv2d, tests/forgeries/manifest.py) give,
for each file, the exit status and failing check ``relucvx verify`` must report and why the
claim would be false if it were accepted; tests/test_forgeries.py checks them with the rest.

Kept apart from build.py so that the two parts can be rebuilt independently (each rewrites
only its own entries of the manifest).
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
from exact.certificates import solution_certificate  # noqa: E402
from exact.certify import solve  # noqa: E402
from exact.conv import (  # noqa: E402
    ConvNetwork,
    check_conv,
    conv_certificate,
    conv_check_certificate,
    conv_network,
    solve_conv,
)
from tests.forgeries.manifest import write as write_manifest  # noqa: E402

SX, SY = [[1, 0, -1], [0, 1, 1], [2, -1, 0]], [1, -1, 2]
HX, HY = [[1, -1, 2, 0, 1], [0, 1, -1, 1, 2], [2, 0, 1, -1, 0], [-1, 1, 0, 2, -1]], [1, -1, 1, -1]
BETA = Fraction(1, 10)
#: 2-D: three 2 x 3 images (rows, row-major), 2 x 2 filters, stride 1 x 1 (K = 2)
IX, IY = [[1, 0, -1, 2, 0, 1], [0, 1, 1, 0, -1, 2], [2, -1, 0, 1, 1, 0]], [1, -1, 2]


def _j(cert: dict) -> dict:
    return json.loads(json.dumps(cert))


def bases() -> dict[str, dict]:
    """The genuine certificates (each verifies with exit 0)."""
    sq = solve_conv(SX, SY, BETA, 2)
    hi = solve_conv(HX, HY, BETA, 3, 2, loss="hinge")
    dense = solve(SX, SY, BETA)
    bad = check_conv(ConvNetwork.from_lists([((1, 0), 1)]), SX, SY, BETA, 2)
    opt = check_conv(conv_network(sq), SX, SY, BETA, 2)
    hbad = check_conv(ConvNetwork.from_lists([((1, 0, -1), 1)], stride=2), HX, HY, BETA, 3, 2,
                      loss="hinge")
    assert (bad.verdict, opt.verdict, hbad.verdict) == ("not optimal", "optimal", "not optimal")
    assert (opt.dual_source, hbad.dual_source) == ("residual", "subgradient")
    return {"conv": _j(conv_certificate(sq)), "conv-hinge": _j(conv_certificate(hi)),
            "dense": _j(solution_certificate(dense, SX, SY, BETA)),
            "conv-check-bad": _j(conv_check_certificate(bad)),
            "conv-check-opt": _j(conv_check_certificate(opt)),
            "conv-check-hinge": _j(conv_check_certificate(hbad)),
            "conv-absolute": _j(conv_certificate(solve_conv(SX, SY, BETA, 2,
                                                            loss="absolute"))),
            "conv2d": _j(conv_certificate(solve_conv(IX, IY, BETA, (2, 2), 1, image=(2, 3)))),
            "conv2d-check": _j(conv_check_certificate(check_conv(
                ConvNetwork.from_lists([((1, 0, 0, 1), 1)], (1, 1), (2, 2)), IX, IY, BETA,
                (2, 2), 1, image=(2, 3))))}


def _q(x: Fraction) -> int | str:
    return int(x) if x.denominator == 1 else f"{x.numerator}/{x.denominator}"


def forgeries(b: dict[str, dict]):
    """(name, base, mutate(cert), status, check, why)."""

    def signal(c):
        c["data"]["X"][0][1] = 3

    def stride_skips(c):
        c["model"]["stride"] = 2

    def stride_other(c):
        c["model"]["stride"] = 1

    def width(c):
        c["model"]["h"] = 3

    def dense_chambers(c):
        c["chambers"] = b["dense"]["chambers"]
        c["completeness"] = b["dense"]["completeness"]

    def completeness_of_x(c):
        c["completeness"] = _j(completeness_certificate(Arrangement(SX)))

    def filt(c):
        u = c["network"]["neurons"][0]["u"]
        u[0] = _q(Fraction(u[0]) + Fraction(1, 7))

    def filt_keep_claim(c):
        c["network"]["neurons"][0]["u"].append(1)

    def no_model(c):
        del c["model"]

    def model_name(c):
        c["model"]["name"] = "conv2d"

    def model_extra(c):
        c["model"]["padding"] = 1

    def h_zero(c):
        c["model"]["h"] = 0

    def dual_per_patch(c):
        c["dual"]["v"] = [t for t in c["dual"]["v"] for _ in range(2)]

    def y_changed(c):
        c["data"]["y"][0] = 5

    def drop_completeness(c):
        del c["completeness"]

    def lower_up(c):
        c["claims"]["lower"] = c["claims"]["upper"]
        c["claims"]["gap"] = 0

    def kappa_up(c):
        c["dual"]["kappa"] = _q(Fraction(c["dual"]["kappa"]) * 2)

    def drop_chamber(c):
        c["chambers"].pop()
        c["claims"]["num_chambers"] -= 1
        for i, ch in enumerate(c["chambers"]):
            ch["index"] = i

    def pattern_of_x(c):
        ch = c["chambers"][0]
        ch["signs"], ch["pattern"] = ch["signs"][:3], ch["pattern"][:3]

    def verdict_flipped(c):
        del c["better"]
        c["claims"]["verdict"] = "optimal"

    def better_is_itself(c):
        c["better"]["network"] = c["network"]
        c["better"]["objective"] = c["claims"]["upper"]

    def better_objective(c):
        c["better"]["objective"] = _q(Fraction(c["better"]["objective"]) - Fraction(1, 100))

    def better_too_wide(c):
        c["better"]["network"]["neurons"][0]["u"].append(0)

    def other_network(c):
        # another CNN under test (the optimum's first filter alone) with the optimum's
        # residual and evidence, its claims updated to its own objective
        c["network"]["neurons"] = c["network"]["neurons"][:1]
        net = ConvNetwork.from_lists([(nr["u"], nr["alpha"]) for nr in c["network"]["neurons"]])
        obj = net.objective(SX, SY, BETA)
        lower = Fraction(c["claims"]["lower"])
        c["claims"].update(objective=_q(obj), upper=_q(obj), gap=_q(obj - lower),
                           epsilon=_q(Fraction(c["claims"]["tol"]) * max(Fraction(1), obj)))

    def worst_moved(c):
        i, s = c["claims"]["worst_chamber"]
        c["claims"]["worst_chamber"] = [i, -s]

    def violation_zero(c):
        c["claims"]["violation"] = 0

    def tol_above_ceiling(c):
        c["claims"]["tol"] = "1/10"
        c["claims"]["epsilon"] = _q(max(Fraction(1), Fraction(c["claims"]["upper"])) / 10)

    def epsilon_doubled(c):
        c["claims"]["epsilon"] = _q(Fraction(c["claims"]["epsilon"]) * 2)

    def source_solve(c):
        c["dual"]["source"] = "solve"

    def band_negative(c):
        c["dual"]["band"] = -1

    def band_dropped(c):
        del c["dual"]["band"]

    def upper_as_squared(c):
        # the CNN's squared-loss objective claimed as the upper bound of the absolute loss
        net = ConvNetwork.from_lists([(nr["u"], nr["alpha"]) for nr in c["network"]["neurons"]])
        c["claims"]["upper"] = _q(net.objective(SX, SY, BETA, "squared"))
        c["claims"]["gap"] = _q(Fraction(c["claims"]["upper"]) - Fraction(c["claims"]["lower"]))

    def image_transposed(c):
        c["model"]["image"] = [3, 2]

    def image_pixels(c):
        c["model"]["image"] = [2, 2]

    def stride2d_skips(c):
        c["model"]["stride"] = [1, 2]

    def h_int(c):
        c["model"]["h"] = 2

    def no_image(c):
        del c["model"]["image"]

    def as_1d(c):
        del c["model"]["image"]
        c["model"]["h"], c["model"]["stride"] = 4, 1

    def filter_short(c):
        c["network"]["neurons"][0]["u"].pop()

    def better2d_wide(c):
        c["better"]["network"]["neurons"][0]["u"].append(0)

    return [
        ("conv2d-image-transposed.json", "conv2d", image_transposed, 1, "witness",
         "the images declared 3 x 2 instead of 2 x 3: other windows, the evidence does not fit"),
        ("conv2d-image-pixels.json", "conv2d", image_pixels, 1, "model",
         "a 2 x 2 image is not a data row of 6 entries"),
        ("conv2d-stride-skips-end.json", "conv2d", stride2d_skips, 1, "model",
         "a column stride 2 with a 2-wide filter on 3 columns leaves the last column out"),
        ("conv2d-h-not-a-pair.json", "conv2d", h_int, 1, "model",
         "a 2-D model with a 1-D filter width: no shape to re-derive the windows from"),
        ("conv2d-no-image.json", "conv2d", no_image, 1, "model",
         "the image shape dropped: a 2-D filter cannot be read as a 1-D width"),
        ("conv2d-read-as-1d.json", "conv2d", as_1d, 1, "chambers",
         "the images read as 1-D signals with h = 4: other patches (3 per row), the evidence "
         "does not fit"),
        ("conv2d-filter-short.json", "conv2d", filter_short, 1, "network",
         "a filter of 3 entries for a 2 x 2 filter"),
        ("conv2d-check-better-too-wide.json", "conv2d-check", better2d_wide, 1, "network",
         "a better 'CNN' with 5 entries per filter for 2 x 2 filters"),
        ("conv-absolute-upper-squared.json", "conv-absolute", upper_as_squared, 1, "bounds",
         "an absolute-loss CNN certificate whose upper bound is the squared loss's objective "
         "(a verifier computing every loss but the hinge as squared accepted it)"),
        ("conv-check-verdict-flipped.json", "conv-check-bad", verdict_flipped, 1, "verdict",
         "'optimal' for a CNN whose objective is 2 above the certified lower bound"),
        ("conv-check-better-is-itself.json", "conv-check-bad", better_is_itself, 1, "verdict",
         "the 'better' CNN is the CNN under test: nothing shows it is not optimal"),
        ("conv-check-better-objective.json", "conv-check-bad", better_objective, 1, "verdict",
         "the better CNN's objective understated: not its recomputed CNN objective"),
        ("conv-check-better-too-wide.json", "conv-check-bad", better_too_wide, 1, "network",
         "a better 'CNN' with a filter of width 3 for h = 2: not a network of the model"),
        ("conv-check-other-network.json", "conv-check-opt", other_network, 1, "residual",
         "another CNN (one filter of the optimum) with the optimum's residual as its own dual: "
         "the worst-chamber claims are about a different network"),
        ("conv-check-worst-moved.json", "conv-check-opt", worst_moved, 1, "claims",
         "the worst (chamber, sign) is not the one with the largest t"),
        ("conv-check-violation-zero.json", "conv-check-bad", violation_zero, 1, "claims",
         "claims the CNN's residual dual feasible (violation 0): t_max - beta^2 is positive"),
        ("conv-check-tol-above-ceiling.json", "conv-check-opt", tol_above_ceiling, 1,
         "verdict", "'optimal' within a relative tolerance 1/10: vacuous above the ceiling"),
        ("conv-check-epsilon-doubled.json", "conv-check-opt", epsilon_doubled, 1, "claims",
         "epsilon is not tol * max(1, |upper|)"),
        ("conv-check-source-solve.json", "conv-check-opt", source_solve, 1, "fields",
         "relabels the CNN's own residual as the optimum's dual while keeping the worst-chamber "
         "claims: fields nothing would check"),
        ("conv-check-hinge-band-negative.json", "conv-check-hinge", band_negative, 1, "dual",
         "a negative band: the subgradient rule would hold for any v"),
        ("conv-check-hinge-no-band.json", "conv-check-hinge", band_dropped, 1, "dual",
         "a subgradient dual without its band: the residual rule cannot be checked"),
        ("conv-check-signal-changed.json", "conv-check-bad", signal, 1, "witness",
         "a sample of signal 0 changed, the evidence kept: the re-derived patches differ"),
        ("conv-check-stride-skips-end.json", "conv-check-bad", stride_skips, 1, "model",
         "stride 2 on signals of length 3 with h = 2 leaves the last sample in no patch"),
        ("conv-check-no-model.json", "conv-check-bad", no_model, 1, "chambers",
         "without the model the evidence is read as a dense check of the signals: the patch "
         "patterns do not fit"),
        ("conv-check-dual-per-patch.json", "conv-check-opt", dual_per_patch, 1, "dual",
         "a dual vector per patch instead of per signal"),
        ("conv-check-drop-completeness.json", "conv-check-opt", drop_completeness, 3, "",
         "no completeness certificate: the verdict holds over the listed chambers only"),
        ("conv-check-drop-chamber.json", "conv-check-opt", drop_chamber, 1, "completeness",
         "one chamber of P dropped: dual feasibility unproved there"),
        ("conv-signal-changed.json", "conv", signal, 1, "witness",
         "a sample of signal 0 changed, the evidence kept: the re-derived patches are not the "
         "ones the chambers were computed for"),
        ("conv-stride-skips-end.json", "conv", stride_skips, 1, "model",
         "stride 2 on signals of length 3 with h = 2 leaves the last sample in no patch"),
        ("conv-wrong-stride.json", "conv-hinge", stride_other, 1, "chambers",
         "declares stride 1 for evidence computed with stride 2: other patches, other patterns"),
        ("conv-wrong-width.json", "conv", width, 1, "chambers",
         "declares h = 3 (one patch, the dense model) for the evidence of h = 2"),
        ("conv-chambers-of-x.json", "conv", dense_chambers, 1, "chambers",
         "the chamber list and completeness certificate of X's own arrangement (dimension L), "
         "not of the patch matrix: dual feasibility was never shown on P's chambers"),
        ("conv-completeness-of-x.json", "conv", completeness_of_x, 1, "completeness",
         "the completeness certificate is for X's arrangement, not the patches': nothing says "
         "the listed chambers of P are all of them"),
        ("conv-tampered-filter.json", "conv", filt, 1, "bounds",
         "a filter entry changed: the claimed upper bound is not this CNN's objective"),
        ("conv-filter-too-long.json", "conv", filt_keep_claim, 1, "network",
         "a filter of width 3 for h = 2: no CNN of the declared model"),
        ("conv-no-model.json", "conv", no_model, 1, "chambers",
         "without the model the evidence is read as a dense certificate of the signals: the "
         "patch patterns do not fit"),
        ("conv-model-name.json", "conv", model_name, 1, "model",
         "an unknown model: nothing here checks it"),
        ("conv-model-extra.json", "conv", model_extra, 1, "fields",
         "a padding the verifier would ignore: the patches it implies are not checked"),
        ("conv-h-zero.json", "conv", h_zero, 1, "model", "a filter of width 0 has no patches"),
        ("conv-dual-per-patch.json", "conv", dual_per_patch, 1, "dual",
         "a dual vector per patch (6 entries) instead of per signal: a CNN's dual on P is "
         "constant on each signal's patches"),
        ("conv-y-changed.json", "conv", y_changed, 1, "bounds",
         "a target changed, bounds kept: the lower bound is not the dual value of these data"),
        ("conv-drop-completeness.json", "conv", drop_completeness, 3, "",
         "no completeness certificate: the bounds hold over the listed chambers only"),
        ("conv-lower-equals-upper.json", "conv", lower_up, 1, "bounds",
         "claims a zero gap: the lower bound is not the recomputed one"),
        ("conv-hinge-kappa-doubled.json", "conv-hinge", kappa_up, 1, "dual",
         "kappa doubled: kappa v is no longer dual feasible on every chamber"),
        ("conv-drop-chamber.json", "conv", drop_chamber, 1, "completeness",
         "one chamber of P dropped with its evidence: dual feasibility unproved there"),
        ("conv-pattern-of-signals.json", "conv", pattern_of_x, 1, "chambers",
         "a chamber's sign vector given per signal, not per patch"),
    ]


def main() -> None:
    b = bases()
    manifest = []
    (HERE / "genuine-conv-solve.json").write_text(json.dumps(b["conv"]) + "\n")
    (HERE / "genuine-conv-hinge.json").write_text(json.dumps(b["conv-hinge"]) + "\n")
    (HERE / "genuine-conv-check.json").write_text(json.dumps(b["conv-check-bad"]) + "\n")
    (HERE / "genuine-conv-check-optimal.json").write_text(json.dumps(b["conv-check-opt"]) + "\n")
    (HERE / "genuine-conv-check-hinge.json").write_text(json.dumps(b["conv-check-hinge"]) + "\n")
    (HERE / "genuine-conv2d-solve.json").write_text(json.dumps(b["conv2d"]) + "\n")
    (HERE / "genuine-conv2d-check.json").write_text(json.dumps(b["conv2d-check"]) + "\n")
    for name, base, mutate, status, check, why in forgeries(b):
        c = copy.deepcopy(b[base])
        mutate(c)
        (HERE / name).write_text(json.dumps(c) + "\n")
        manifest.append({"file": name, "base": base, "status": status, "check": check,
                         "why": why})
    write_manifest(manifest, "build_conv")


if __name__ == "__main__":
    main()
