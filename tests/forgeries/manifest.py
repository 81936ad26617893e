"""The one manifest of the forgery corpus, ``tests/forgeries/MANIFEST.json``: its reader and the
writer that the three builders (build.py, build_conv.py, build_relu3.py) share.

One entry per forged file::

    {"file": "arr-drop-chamber.json", "base": "arrangement", "status": 1, "check": "closure",
     "why": "..."}

- ``file``: the forged certificate, in this directory;
- ``base``: the genuine certificate it was forged from (``genuine-<base>.json`` for most;
  its first word before ``-`` is the family: arrangement, solve, check, conv, conv2d, relu3);
- ``status``: the exit status ``relucvx verify`` must give (1 invalid, 2 refused, 3 not proved);
- ``check``: for status 1 the failing check, the word before ``:`` of the verifier's line
  (``"refused"`` / ``"not proved"``-style reasons for the other statuses);
- ``why``: why the certificate's claim would be false (or unproved) if it were accepted.

The layout is ``json.dumps(entries, indent=1)``: each field on its own line, so that entries
added on two branches merge line by line. Each builder owns the families it writes
(``BUILDERS``) and rewrites only their entries, in place; the others are kept as they are.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
PATH = HERE / "MANIFEST.json"
FIELDS = ("file", "base", "status", "check", "why")
# the families of certificates each builder writes (the first word of an entry's base)
BUILDERS = {"build": ("arrangement", "solve", "check"),
            "build_conv": ("conv", "conv2d"),
            "build_relu3": ("relu3",)}


def family(entry: dict) -> str:
    """The family of a manifest entry: the first word of its base.

    >>> family({"base": "conv2d-check"})
    'conv2d'
    """
    return entry["base"].split("-")[0]


def load() -> list[dict]:
    """Every entry of the manifest, in file order."""
    return json.loads(PATH.read_text(encoding="utf-8"))


def write(entries: list[dict], builder: str) -> None:
    """Replace the entries of ``builder``'s families by ``entries`` (at the place of the first
    old one, or at the end) and keep every other entry as it is."""
    own = set(BUILDERS[builder])
    bad = [e["file"] for e in entries if family(e) not in own or tuple(e) != FIELDS]
    if bad:
        raise ValueError(f"{builder}: entries outside its families or fields: {bad}")
    old = load() if PATH.exists() else []
    at = next((i for i, e in enumerate(old) if family(e) in own), None)
    rest = [e for e in old if family(e) not in own]
    if at is None:
        new = rest + entries
    else:
        at = sum(1 for e in old[:at] if family(e) not in own)
        new = rest[:at] + entries + rest[at:]
    files = [e["file"] for e in new]
    if len(set(files)) != len(files):
        raise ValueError("a file is listed twice in the manifest")
    PATH.write_text(json.dumps(new, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def own_files(builder: str) -> list[Path]:
    """The forged files of ``builder``'s families that the manifest lists now (what a rebuild
    replaces)."""
    own = set(BUILDERS[builder])
    return [HERE / e["file"] for e in (load() if PATH.exists() else []) if family(e) in own]
