"""Theorems about the certificates (docs/certificates.md): structural corruptions are rejected.

A genuine certificate (an arrangement certificate, or a solve certificate with its embedded
completeness certificate) verifies with exit status 0; after a random *structural* corruption —
a chamber dropped together with its evidence, a chamber duplicated, a facet dropped, moved or
duplicated, a Farkas entry dropped or its simplicial subcone changed, two rows of the data
swapped under the evidence, the kind swapped, an unknown claim added, the completeness
certificate dropped or replaced — the verifier answers something other than 0, unless the
corrupted certificate is still a complete proof of a true claim, judged independently (the exact
chamber set of the data; the certified interval of :func:`exact.certify.solve`). Without a
completeness certificate exit 0 is always wrong.

>>> "certificate_structural_corruptions" in THEOREMS
True
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Sequence
from fractions import Fraction

from hypothesis import strategies as st

from arrangement.core import Arrangement
from arrangement.instances import Instance
from arrangement.rational import to_matrix
from properties import strategies as S
from properties.registry import THEOREMS, Counterexample, theorem

__all__ = ["THEOREMS", "certificate_structural_corruptions", "corrupt", "CORRUPTIONS"]

#: the structural corruptions, by the kind of certificate they apply to
CORRUPTIONS = {
    "arrangement": ("drop-chamber", "drop-chamber-keep-count", "duplicate-chamber",
                    "drop-facet", "move-facet", "duplicate-facet", "drop-farkas",
                    "change-subcone", "swap-rows", "swap-kind", "extra-claim"),
    "solve": ("drop-completeness", "drop-chamber", "drop-chamber-everywhere",
              "duplicate-chamber", "drop-group", "completeness-of-other-data", "swap-kind",
              "extra-claim", "change-y", "swap-rows"),
}


def _chambers_with(cert: dict, key: str) -> list[list]:
    """Arrangement chambers ``[witness, facets, farkas]`` whose ``key`` part is non-empty."""
    t = {"facets": 1, "farkas": 2}[key]
    return [ch for ch in cert["chambers"] if ch[t]]


def _entries(K: list[int], f: int) -> list[tuple[int, int]]:
    """(position, length) of each class's entry in a farkas list: a subcone ``−S`` is one
    integer, an explicit block ``D, μ_1 … μ_f`` is f + 1 (docs/certificates.md §5)."""
    out, pos = [], 0
    while pos < len(K):
        n = 1 if K[pos] < 0 else f + 1
        out.append((pos, n))
        pos += n
    return out


def _signs(X: Sequence[Sequence[Fraction]], w: Sequence[Fraction]) -> tuple[int, ...]:
    return tuple((v > 0) - (v < 0) for v in (sum(a * b for a, b in zip(x, w)) for x in X))


def corrupt(cert: dict, how: str, rng: random.Random) -> dict | None:
    """A structurally corrupted copy of ``cert`` (None when ``how`` does not apply to it).

    >>> from arrangement.certificate import completeness_certificate
    >>> cert = completeness_certificate(Arrangement([[1, 0], [0, 1]]))
    >>> len(corrupt(cert, "drop-chamber", random.Random(0))["chambers"])
    3
    """
    c = json.loads(json.dumps(cert))
    chambers = c["chambers"]
    if how in ("drop-chamber", "drop-chamber-keep-count", "drop-chamber-everywhere"):
        if len(chambers) < 2:
            return None
        i = rng.randrange(len(chambers))
        gone = chambers.pop(i)
        if c["kind"] == "arrangement":
            if how == "drop-chamber":
                c["claims"]["chambers"] -= 1
        else:
            for k, ch in enumerate(chambers):
                ch["index"] = k
            c["claims"]["num_chambers"] -= 1
            if how == "drop-chamber-everywhere":
                comp = c["completeness"]
                X = to_matrix(c["data"]["X"])
                comp["chambers"] = [ch for ch in comp["chambers"]
                                    if list(_signs(X, ch[0])) != gone["signs"]]
                comp["claims"]["chambers"] = len(comp["chambers"])
    elif how == "duplicate-chamber":
        chambers.append(copy.deepcopy(rng.choice(chambers)))
        if c["kind"] == "arrangement":
            c["claims"]["chambers"] += 1
        else:
            chambers[-1]["index"] = len(chambers) - 1
            c["claims"]["num_chambers"] += 1
    elif how in ("drop-facet", "duplicate-facet"):
        with_facets = _chambers_with(c, "facets")
        if not with_facets:
            return None
        ch = rng.choice(with_facets)
        t = rng.randrange(len(ch[1]))
        if how == "drop-facet":
            ch[1].pop(t)
        else:
            ch[1] = sorted(ch[1] + [ch[1][t]])
    elif how == "move-facet":
        with_facets = _chambers_with(c, "facets")
        if not with_facets or len(chambers) < 2:
            return None
        src = rng.choice(with_facets)
        dst = rng.choice([ch for ch in chambers if ch is not src])
        f = src[1].pop(rng.randrange(len(src[1])))
        dst[1] = sorted(set(dst[1]) | {f})
    elif how == "drop-farkas":
        with_farkas = _chambers_with(c, "farkas")
        if not with_farkas:
            return None
        ch = rng.choice(with_farkas)
        pos, n = rng.choice(_entries(ch[2], len(ch[1])))
        del ch[2][pos:pos + n]
    elif how == "change-subcone":
        d = len(c["data"]["X"][0])
        subs = [(ch, pos) for ch in chambers for pos, n in _entries(ch[2], len(ch[1])) if n == 1]
        if not subs:
            return None
        ch, pos = rng.choice(subs)
        ch[2][pos] = -sum(1 << t for t in rng.sample(range(len(ch[1])), d))
    elif how == "swap-rows":
        X = c["data"]["X"]
        if len(X) < 2:
            return None
        a, b = rng.sample(range(len(X)), 2)
        if X[a] == X[b]:
            return None
        X[a], X[b] = X[b], X[a]
    elif how == "swap-kind":
        c["kind"] = rng.choice([k for k in ("arrangement", "solve", "check") if k != c["kind"]])
    elif how == "extra-claim":
        c["claims"][rng.choice(["optimal", "unique", "general_position", "note"])] = True
    elif how == "drop-completeness":
        c.pop("completeness")
    elif how == "drop-group":
        ch = rng.choice(chambers)
        ch["groups"].pop(rng.randrange(len(ch["groups"])))
    elif how == "completeness-of-other-data":
        from arrangement.certificate import completeness_certificate

        X = to_matrix(c["data"]["X"])
        if len(X) < 2:
            return None
        other = [row for k, row in enumerate(X) if k != rng.randrange(len(X))] or X
        c["completeness"] = json.loads(json.dumps(completeness_certificate(Arrangement(other))))
    elif how == "change-y":
        t = rng.randrange(len(c["data"]["y"]))
        c["data"]["y"][t] = str(Fraction(c["data"]["y"][t]) + 1)
    else:
        raise ValueError(f"unknown corruption {how!r}")
    return c


def _proves_a_true_claim(cert: dict) -> tuple[bool, str]:
    """Is the (accepted) certificate a complete proof of a true claim? Judged independently."""
    from exact import certify

    X = to_matrix(cert["data"]["X"])
    real = {c.signs for c in Arrangement(X).chambers()}
    if cert.get("kind") == "arrangement":
        listed = {_signs(X, c[0]) for c in cert["chambers"]}
        ok = listed == real and cert["claims"]["chambers"] == len(real)
        return ok, f"lists {len(listed)} sign vectors, the data have {len(real)} chambers"
    if "completeness" not in cert:
        return False, "no completeness certificate, yet exit status 0"
    sol = certify.solve(X, cert["data"]["y"], cert["data"]["beta"], cert["loss"])
    lo, up = Fraction(cert["claims"]["lower"]), Fraction(cert["claims"]["upper"])
    ok = lo <= sol.upper and sol.lower <= up
    return ok, f"claims [{float(lo):.9g}, {float(up):.9g}], P* in [{float(sol.lower):.9g}, " \
               f"{float(sol.upper):.9g}]"


@st.composite
def _structural(draw):
    inst = draw(S.instances(S.matrices(n_max=4, d_max=3)))
    kind = draw(st.sampled_from(sorted(CORRUPTIONS)))
    return inst, kind, draw(st.sampled_from(CORRUPTIONS[kind])), draw(st.integers(0, 2**16))


@theorem("certificate_structural_corruptions", strategy=_structural(), section="§7",
         cost="solve", ci_examples=10)
def certificate_structural_corruptions(inst: Instance, kind: str, how: str, seed: int
                                       ) -> Counterexample | None:
    """Genuine certificates are proved (exit 0); a structural corruption is not, unless it is
    still a complete proof of a true claim (docs/certificates.md)."""
    from arrangement.certificate import completeness_certificate
    from exact import certify
    from exact import verify as V

    if kind == "arrangement":  # both forms of the Farkas evidence (docs/certificates.md §5)
        cert = completeness_certificate(Arrangement(inst.X), subcones=seed % 2 == 0)
    else:
        sol = certify.solve(inst.X, inst.targets, inst.penalty)
        cert = certify.solution_certificate(sol, inst.X, inst.targets, inst.penalty)
    cert = json.loads(json.dumps(cert))
    status, why = V.verify(cert)
    if status != V.PROVED:
        return Counterexample.make("certificate_structural_corruptions",
                                   f"genuine {kind} certificate not proved: {why}", inst)
    if kind == "solve":  # the same evidence without its completeness certificate: no proof
        partial = {k: v for k, v in cert.items() if k != "completeness"}
        status, why = V.verify(partial)
        if status != V.NOT_PROVED:
            return Counterexample.make("certificate_structural_corruptions",
                                       f"solve certificate without completeness gets status "
                                       f"{status}, not {V.NOT_PROVED}: {why}", inst)
    bad = corrupt(cert, how, random.Random(seed))
    if bad is None:
        return None
    status, why = V.verify(bad)
    if status != V.PROVED:
        return None
    true, detail = _proves_a_true_claim(bad)
    if not true:
        return Counterexample.make("certificate_structural_corruptions",
                                   f"{kind} certificate with {how} is proved but false: "
                                   f"{detail}", inst, kind=kind, how=how, seed=seed)
    return None
