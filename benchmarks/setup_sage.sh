#!/bin/sh
# Create benchmarks/.sage-venv with the passagemath wheels that provide
# sage.geometry.hyperplane_arrangement (SageMath's HyperplaneArrangements).
# Usage: benchmarks/setup_sage.sh [python]   (default: python3)
# Idempotent: does nothing when benchmarks/.sage-venv/.installed exists.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
venv="$here/.sage-venv"
python=${1:-python3}
if [ -f "$venv/.installed" ]; then
    exit 0
fi
echo "setting up $venv (passagemath-polyhedra, about 750 MB)" >&2
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install -q --upgrade pip
"$venv/bin/python" -m pip install -q passagemath-polyhedra
# The modular wheels need this umbrella import before sage.geometry.* can be used.
"$venv/bin/python" -c "
from sage.all__sagemath_polyhedra import QQ, HyperplaneArrangements
H = HyperplaneArrangements(QQ, ('x', 'y'))
x, y = H.gens()
assert len(H(x, y, x + y).regions()) == 6
"
touch "$venv/.installed"
