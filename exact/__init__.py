import os as _os

# python-flint (the optional extra) would make sympy >= 1.13 pick FLINT ground types, under
# which exact.network's sympy arithmetic on large rationals raised OverflowError (notebook 04);
# sympy reads this once, at its first import
_os.environ.setdefault("SYMPY_GROUND_TYPES", "python")
