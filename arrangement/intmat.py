"""Exact integer matrices on numpy: int64 when provably safe, Python integers otherwise.

The chamber enumerator multiplies integer witnesses by integer rows many times. numpy's int64 is
fast but wraps silently on overflow, so every product here first bounds its entries
(``max|A| · max|B| · k`` for a k-term dot product) and falls back to object arrays of Python
integers when the bound reaches 2**62. Results are therefore always exact.

>>> import numpy as np
>>> A = as_int_array([[2, -3], [4, 5]])
>>> matmul(A, as_int_array([[1], [1]])).ravel().tolist()
[-1, 9]
>>> big = as_int_array([[2**70, 1]])
>>> matmul(big, as_int_array([[1], [1]])).ravel().tolist() == [2**70 + 1]
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction

import numpy as np

try:  # optional (relucvx[flint]): FLINT's LLL for kernel_basis
    import flint as _flint  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - depends on the installation
    _flint = None

_SAFE = 2**62


def max_abs(A: np.ndarray) -> int:
    """``max |A_ij|`` as a Python int (0 for an empty array).

    >>> max_abs(as_int_array([[3, -7]]))
    7
    """
    if A.size == 0:
        return 0
    # max and min loop in C (over the Python ints of objects: exact) without the array of
    # np.abs; as Python ints, so that −min never overflows int64
    return max(int(A.max()), -int(A.min()))


def as_int_array(rows: Sequence[Sequence[int]] | np.ndarray,
                 ncols: int | None = None) -> np.ndarray:
    """A 2-D integer array: int64 when every entry fits comfortably, else Python ``int`` objects.

    ``ncols`` fixes the shape of an empty input (``len(rows) × ncols``).

    >>> as_int_array([[1, 2], [3, 4]]).dtype
    dtype('int64')
    >>> as_int_array([[2**64]]).dtype
    dtype('O')
    >>> as_int_array([], ncols=3).shape
    (0, 3)
    """
    A = np.array(rows, dtype=object)
    if ncols is not None:
        A = A.reshape(len(rows), ncols)
    elif A.ndim == 1:
        A = A.reshape(len(A), -1) if A.size else A.reshape(0, 0)
    return shrink(A)


def shrink(A: np.ndarray) -> np.ndarray:
    """Convert to int64 when all entries are below 2**62 in absolute value (exactly).

    >>> [shrink(np.array([[v, -3]], dtype=object)).dtype.kind for v in (2**61, 2**62, 2**70)]
    ['i', 'O', 'O']
    """
    if A.dtype != object:
        return A
    # numpy's own conversion (one C loop) refuses whatever leaves int64 with OverflowError;
    # the ends [2^62, 2^63) are checked on the int64 result. max_abs first, then the cast, took
    # two passes over the Python ints: a tenth of a 17-digit enumeration, (40, 4)
    try:
        B = A.astype(np.int64)
    except OverflowError:
        return A
    if B.size and (int(B.max()) >= _SAFE or int(B.min()) <= -_SAFE):
        return A
    return B


def sign_int8(P: np.ndarray) -> np.ndarray:
    """``sign(P)`` as int8 for an integer array (int64 or Python-int objects), by comparisons
    (numpy's ``np.sign`` on int64 is several times slower).

    >>> sign_int8(as_int_array([[5, 0, -(2**70)]])).tolist()
    [[1, 0, -1]]
    """
    if P.dtype == object:
        return np.sign(P).astype(np.int8) if P.size else P.astype(np.int8)
    return (P > 0).view(np.int8) - (P < 0).view(np.int8)


def matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact product ``A @ B`` of integer matrices (int64 when the bound allows, else objects).

    >>> matmul(as_int_array([[3, 1]]), as_int_array([[2], [-6]])).tolist()
    [[0]]
    """
    k = A.shape[1] if A.ndim == 2 else 1
    bound = max_abs(A) * max_abs(B) * max(k, 1)
    if bound < _SAFE and A.dtype != object and B.dtype != object:
        return A @ B
    return shrink(np.dot(A.astype(object), B.astype(object)))


#: Float exponents stay below this many bits, so no product or sum of products overflows.
_FLOAT_BITS = 500


def _bits(A: np.ndarray) -> int:
    return max_abs(A).bit_length()


def to_float(A: np.ndarray) -> np.ndarray:
    """Integer entries as float64, each correctly rounded (relative error at most 2**-53).

    Python's ``int.__float__`` and numpy's int64 conversion both round to nearest, so
    ``|float(a) − a| ≤ 2**-53 |a|`` for every entry below 2**1024.

    >>> to_float(as_int_array([[2**60 + 1, -3]])).tolist() == [[2.0**60, -3.0]]
    True
    """
    return np.asarray(A, dtype=np.float64)


def rounded_floats(A: np.ndarray) -> np.ndarray | None:
    """The entries as correctly rounded float64 (as :func:`to_float`) when every one is
    below 2**1000 in absolute value, else None: floats that proven error bounds
    (:func:`_filtered_signs`) may use, computed once by callers that need them twice.

    >>> rounded_floats(as_int_array([[2**70, -3]])).tolist() == [[2.0**70, -3.0]]
    True
    >>> rounded_floats(as_int_array([[2**1000]])) is None
    True
    """
    if A.dtype != object or A.size == 0:
        return np.asarray(A, dtype=np.float64)
    try:  # one C loop of correctly rounded conversions; only beyond 2^1024 does it refuse
        F = A.astype(np.float64)
    except OverflowError:
        return None
    return F if np.abs(F).max() < 2.0**1000 else None


def float_directions(A: np.ndarray) -> np.ndarray:
    """Each integer row as floats, a positive multiple of the row up to rounding (relative
    error 2**-53 per entry), never an OverflowError (a *proposal* only).

    Entries below 2**1000 are converted directly (correctly rounded); a row with a larger
    entry is first shifted right exactly, so that its largest entry is below 2**60. Callers
    that multiply these floats scale each row first.

    >>> float_directions(as_int_array([[10**400, -(10**400)], [3, 4]])).tolist()[1]
    [3.0, 4.0]
    >>> F = float_directions(as_int_array([[3 * 2**900, -(2**899)]]))
    >>> F.tolist() == [[3.0 * 2**900, -(2.0**899)]]
    True
    """
    F = rounded_floats(A)
    if F is not None:
        return F
    # the shifts per row, then one shift of the whole array in numpy's loop over the Python
    # ints (a list comprehension per row was a fifth of a 17-digit enumeration, (60, 4))
    top = np.abs(A).max(axis=1)
    sh = np.array([max(int(v).bit_length() - 60, 0) for v in top.tolist()], dtype=object)
    return (A >> sh[:, None]).astype(np.float64)


def _filtered_signs(F: np.ndarray, E: np.ndarray, k: int) -> np.ndarray:
    """Signs of exact dot products from their float value F and the float sum E of |terms|.

    For k-term dot products of integers computed in binary64 (each factor rounded once, any
    summation order, FMA or not), ``|F − s| ≤ γ_{k+2}/(1 − γ_{k+2}) · E`` with ``γ_j = j u/(1 −
    j u)``, ``u = 2**-53`` (Higham, *Accuracy and Stability of Numerical Algorithms*, §3.1).
    The threshold ``(k + 3) · 2**-52 · E`` exceeds that bound with a factor ≈ 2 to spare (which
    also covers the rounding of the threshold itself), so ``|F| > threshold`` proves
    ``sign(s) = sign(F)``; entries that fail the test get sign 2 (undecided). ``E`` is
    overwritten (in place: at a 160k × 80 class-sign matrix the temporaries of an
    out-of-place threshold took 0.78 s against 0.04 s).
    """
    E *= (k + 3) * 2.0**-52
    S = np.greater(F, E).view(np.int8)
    np.negative(E, out=E)
    S -= np.less(F, E).view(np.int8)
    S[S == 0] = 2  # neither side proved (NaN thresholds included)
    return S


def sign_matmul(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """Exact ``sign(A @ B)`` (int8) of integer matrices, whatever their size.

    int64 when the bound ``max|A| · max|B| · k`` allows; otherwise a float product with a
    proven error bound (:func:`_filtered_signs`) decides almost every entry and only the
    undecided ones are recomputed with Python integers. Operands beyond 2**500 take the
    Python-integer path entirely.

    Large products go in blocks of rows (each block its own path), so that the float
    temporaries stay small.

    >>> A = as_int_array([[2**70, 1], [2**70, -1], [3, 5]])
    >>> sign_matmul(A, as_int_array([[1], [-(2**70)]])).ravel().tolist()
    [0, 1, -1]
    """
    rows = max(1, _SIGN_BLOCK // max(1, B.shape[1] if B.ndim == 2 else 1))
    if A.ndim != 2 or A.shape[0] <= rows:
        return signs_and_floats(A, B)[0]
    return np.concatenate([signs_and_floats(A[i:i + rows], B)[0]
                           for i in range(0, A.shape[0], rows)])


#: entries of one block of :func:`sign_matmul` (its float temporaries: 8 bytes apiece)
_SIGN_BLOCK = 1 << 18


def signs_and_floats(A: np.ndarray, B: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """The exact signs of ``A @ B`` (as :func:`sign_matmul`) and the product in floats, for
    callers that need the signs exactly but the values only roughly (proposals): no exact
    product of big integers is formed unless the float one cannot decide a sign.

    Parameters
    ----------
    A, B : numpy.ndarray
        Integer matrices (int64 or Python ints), ``A.shape[1] == B.shape[0]``.

    Returns
    -------
    tuple
        ``(S, F)``: ``S = sign(A @ B)`` exactly (int8); ``F`` the float64 product, each entry
        within ``(k + 3)·2^-52·(|A| @ |B|)`` of the exact one (and exactly rounded on the int64
        path), or None when the operands are beyond 2**500 (floats would overflow).

    >>> S, F = signs_and_floats(as_int_array([[2**70, 1], [3, 5]]), as_int_array([[1], [-(2**70)]]))
    >>> S.ravel().tolist(), F.ravel().tolist() == [0.0, -5.0 * 2.0**70]
    ([0, -1], True)
    """
    k = A.shape[1] if A.ndim == 2 else 1
    if A.size == 0 or B.size == 0:
        shape = (A.shape[0], B.shape[1])
        return np.zeros(shape, dtype=np.int8), np.zeros(shape)
    a, b = max_abs(A), max_abs(B)
    if a * b * k < _SAFE and A.dtype != object and B.dtype != object:
        P = A @ B
        return sign_int8(P), P.astype(np.float64)
    if a.bit_length() + b.bit_length() > _FLOAT_BITS:
        return np.sign(np.dot(A.astype(object), B.astype(object))).astype(np.int8), None
    Af, Bf = to_float(A), to_float(B)
    F = Af @ Bf
    S = _filtered_signs(F, np.abs(Af) @ np.abs(Bf), k)
    r, c = np.nonzero(S == 2)
    if len(r):  # Python integers for these entries only (not the whole operands)
        exact = (A[r].astype(object) * B[:, c].T.astype(object)).sum(axis=1)
        S[r, c] = np.sign(exact.astype(object)).astype(np.int8)
    return S, F


def sign_det2(A: np.ndarray, B: np.ndarray, Af: np.ndarray | None = None,
              Bf: np.ndarray | None = None) -> np.ndarray:
    """Exact signs of the 2 × 2 determinants ``A[r, 0] B[r, 1] − A[r, 1] B[r, 0]`` (int8) of
    integer rows (int64 or Python ints), as :func:`sign_matmul` decides its signs: int64,
    floats with a proven margin (:func:`_filtered_signs`), or Python integers for the
    undecided rows only.

    ``Af`` / ``Bf``, when given, are the correctly rounded floats of A and B
    (:func:`rounded_floats`), which a caller that already holds them passes instead of
    converting the Python ints again (the rays of a 17-digit enumeration's 3-D restrictions
    were converted three times).

    >>> sign_det2(as_int_array([[2**80, 1], [1, 1]]), as_int_array([[2**80, 1], [3, 2]]))
    array([ 0, -1], dtype=int8)
    """
    if A.shape[0] == 0:
        return np.zeros(0, dtype=np.int8)
    if A.dtype != object and B.dtype != object and max_abs(A) * max_abs(B) * 2 < _SAFE:
        return sign_int8(A[:, 0] * B[:, 1] - A[:, 1] * B[:, 0])
    Af = rounded_floats(A) if Af is None else Af
    Bf = rounded_floats(B) if Bf is None else Bf
    with np.errstate(over="ignore"):  # an infinite bound takes the exact path
        fits = Af is not None and Bf is not None and np.abs(Af).max() * np.abs(Bf).max() < 2.0**1000
    if not fits or Af is None or Bf is None:
        Ao, Bo = A.astype(object), B.astype(object)
        return sign_int8(Ao[:, 0] * Bo[:, 1] - Ao[:, 1] * Bo[:, 0])
    p, q = Af[:, 0] * Bf[:, 1], Af[:, 1] * Bf[:, 0]
    S = _filtered_signs(p - q, np.abs(p) + np.abs(q), 2)  # a 2-term dot product
    r = np.nonzero(S == 2)[0]
    if len(r):
        Ao, Bo = A[r].astype(object), B[r].astype(object)
        S[r] = sign_int8(Ao[:, 0] * Bo[:, 1] - Ao[:, 1] * Bo[:, 0])
    return S


def row_max_abs(A: np.ndarray) -> np.ndarray:
    """``max_i |A[r, i]|`` per row (int64 for int64 input, Python ints for objects).

    >>> row_max_abs(as_int_array([[3, -7], [0, 0]])).tolist()
    [7, 0]
    """
    if A.shape[1] == 0:
        return np.zeros(A.shape[0], dtype=np.int64)
    return np.abs(A).max(axis=1)


def row_gcd(A: np.ndarray) -> np.ndarray:
    """The gcd of each row (0 for a zero row), as a 1-D array of the same kind."""
    if A.shape[1] == 0:
        return np.zeros(A.shape[0], dtype=A.dtype)
    # objects: numpy's loop calls math.gcd on the Python ints (3x a comprehension per row)
    return np.gcd.reduce(A, axis=1)


def primitive_rows(A: np.ndarray) -> np.ndarray:
    """Divide each nonzero row by the gcd of its entries (signs kept).

    >>> primitive_rows(as_int_array([[4, -6], [0, 0]])).tolist()
    [[2, -3], [0, 0]]
    """
    if A.size == 0:
        return A
    g = row_gcd(A)
    g = np.where(g == 0, 1, g)
    if A.dtype == object:
        return shrink(A // g[:, None])  # exact: Python ints' floor division, in numpy's loop
    return A // g[:, None]


def canonical_rows(A: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Primitive rows oriented so the first nonzero entry is positive, and the sign used.

    Row ``j`` of the input is a positive multiple of ``sign[j] * canonical[j]``; zero rows get
    sign 0.

    >>> C, s = canonical_rows(as_int_array([[-2, 4], [0, 3], [0, 0]]))
    >>> C.tolist(), s.tolist()
    ([[1, -2], [0, 1], [0, 0]], [-1, 1, 0])
    """
    P = primitive_rows(A)
    n = P.shape[0]
    sign = np.zeros(n, dtype=np.int64)
    nz = P != 0
    has = nz.any(axis=1)
    first = np.argmax(nz, axis=1)
    lead = P[np.arange(n), first] if n else np.zeros(0, dtype=np.int64)
    sign[has] = np.where(lead[has] > 0, 1, -1)
    C = P * sign[:, None]  # objects stay Python ints (the int64 signs are cast to them)
    C = np.where(has[:, None], C, 0) if C.dtype != object else C
    return C, sign


def nullspace_bases(H: np.ndarray) -> np.ndarray:
    """:func:`nullspace_basis` of every row of an int64 matrix at once (rows nonzero, entries
    below 2^31 in absolute value): ``M × d × (d−1)``, the same columns in the same order (the
    pivot is the first entry of smallest nonzero magnitude). One Python call per plane was a
    fifth of a small enumeration ((12, 4): 77 planes).

    >>> H = as_int_array([[1, 2, 0], [0, -4, 6]])
    >>> bool((nullspace_bases(H)[0] == nullspace_basis([1, 2, 0])).all())
    True
    >>> nullspace_bases(H)[1].tolist() == nullspace_basis([0, -4, 6]).tolist()
    True
    """
    H = np.asarray(H, dtype=np.int64)
    M, d = H.shape
    A = np.abs(H)
    piv = np.argmin(np.where(H != 0, A, np.iinfo(np.int64).max), axis=1)  # first minimum
    r = np.arange(M)
    hp = H[r, piv]
    B = np.zeros((M, d, d - 1), dtype=np.int64)
    for k in range(d - 1):
        i = np.where(k < piv, k, k + 1)  # the k-th index other than the pivot
        hi = H[r, i]
        g = np.gcd(hp, hi)  # > 0: hp ≠ 0
        B[r, i, k] = hp // g
        B[r, piv, k] = -hi // g
    return B


def nullspace_basis(h: Sequence[int]) -> np.ndarray:
    """An integer basis (as columns, d × (d−1)) of the hyperplane ``{u : h·u = 0}``, h ≠ 0.

    The pivot is the entry of smallest nonzero magnitude, which keeps the basis small:
    column i is ``h_p e_i − h_i e_p``.

    >>> B = nullspace_basis([1, 2, 0])
    >>> B.tolist()
    [[-2, 0], [1, 0], [0, 1]]
    """
    h = [int(v) for v in h]
    d = len(h)
    p = min((i for i in range(d) if h[i] != 0), key=lambda i: abs(h[i]))
    cols = []
    for i in range(d):
        if i == p:
            continue
        c = [0] * d
        c[i] = h[p]
        c[p] = -h[i]
        g = math.gcd(*c)
        cols.append([v // g for v in c])
    B = np.array(cols, dtype=object).T.reshape(d, d - 1)
    return shrink(B)


def float_rows(rows: Sequence[Sequence[int | Fraction]] | np.ndarray) -> np.ndarray:
    """Integer (or rational) rows as floats for a numeric *guess*, each row scaled first.

    A rational row is first multiplied by the lcm of its denominators (a positive constant).
    ``float(10**400)`` raises OverflowError; here each row is shifted so that its largest entry
    stays below 2**60 before conversion. The result is each row times a positive constant
    (exact for rows below 2**53, rounded otherwise), so it is only fit for guesses that are
    checked exactly afterwards, and for scale-free uses (normalised rows or right-hand sides).

    >>> F = float_rows([[10**400, -(10**399)], [3, 4]])
    >>> F[1].tolist(), round(float(F[0, 0] / F[0, 1]), 12)
    ([3.0, 4.0], -10.0)
    >>> from fractions import Fraction
    >>> float_rows([[Fraction(1, 10**400), Fraction(-1, 3 * 10**400)]]).tolist()
    [[3.0, -1.0]]
    """
    out = []
    for r in rows:
        if any(type(v) is Fraction and v.denominator != 1 for v in r):
            den = math.lcm(*(Fraction(v).denominator for v in r))
            ints = [int(Fraction(v) * den) for v in r]
        else:
            ints = [int(v) for v in r]
        shift = max((abs(v).bit_length() for v in ints), default=0) - 60
        out.append([float(v >> shift) if shift > 0 else float(v) for v in ints])
    return np.array(out, dtype=float).reshape(len(out), -1)


def kernel_basis(h: Sequence[int]) -> np.ndarray:
    """A reduced integer basis (as columns, d × (d−1)) of the lattice ``{u ∈ Z^d : h·u = 0}``.

    With python-flint installed (the optional extra ``relucvx[flint]``), the lattice spanned by
    the rows ``(e_i, K·h_i)`` is LLL-reduced by FLINT (``fmpz_mat.lll``, exact integers): with
    the weight ``K`` far above the kernel's reduced vectors, the first d − 1 reduced rows end
    in 0, and their first d entries are an LLL-reduced basis of the kernel lattice (its
    vectors are exactly the combinations with ``h·u = 0``). Without it, unimodular column
    operations (Euclid on the entries of ``h``) give a basis of the lattice, which
    :func:`_lll` then shortens (δ = 3/4; float Gram–Schmidt coefficients, exact integer
    updates), about 10× slower on 17-digit floats (benchmarks/RESULTS.md, session 16). The
    product of the basis' lengths is about the covolume ``|h|``, so typical entries are near
    ``|h|^(1/(d−1))``, against ``|h|`` for :func:`nullspace_basis`: restricted normals stay
    small. Either way the chambers are the same (a basis of the same plane).

    For d = 3 the kernel is a rank-2 lattice and :func:`kernel_bases_3d` reduces it exactly
    (Lagrange–Gauss, integers only): its first column is a shortest kernel vector, with or
    without FLINT.

    Parameters
    ----------
    h : sequence of int
        A nonzero integer normal.

    Returns
    -------
    numpy.ndarray
        d × (d − 1) integers (int64 when they fit, else Python ints), ``h @ B = 0``.

    >>> h = [12346, 23456, 34567]
    >>> B = kernel_basis(h)
    >>> small, pivot = int(np.abs(B).max()), int(np.abs(nullspace_basis(h)).max())
    >>> (np.array(h) @ B).tolist(), small < 2000 < pivot
    ([0, 0], True)
    """
    a = [int(v) for v in h]
    d = len(a)
    if d == 3:
        return kernel_bases_3d(np.array([a], dtype=object))[0]
    big = max(abs(v) for v in a).bit_length()
    if _flint is not None:
        # the kernel has d − 1 independent vectors h_j·e_i − h_i·e_j shorter than √2·max|h|, so
        # LLL's first d − 1 rows are below 2^((d−1)/2)·√2·max|h| < K; a row with h·u ≠ 0 has
        # length ≥ K: the weight keeps every such row out of the first d − 1
        K = 1 << (big + 2 * d + 8)
        R = _flint.fmpz_mat([[int(i == j) for j in range(d)] + [K * a[i]]
                             for i in range(d)]).lll()
        if any(int(R[i, d]) for i in range(d - 1)):  # pragma: no cover - excluded by K
            raise ArithmeticError("kernel_basis: the weight did not separate the kernel")
        basis = [[int(R[i, j]) for j in range(d)] for i in range(d - 1)]
    else:
        # Euclid's unimodular column operations give a basis of the lattice at any size (the
        # pivot basis, which this once took beyond 400 bits, spans the plane but may be a
        # sublattice); _lll leaves bases beyond 400 bits as they are
        U = [[int(i == j) for j in range(d)] for i in range(d)]  # columns, as rows of U^T
        while sum(1 for v in a if v) > 1:
            p = min((i for i in range(d) if a[i]), key=lambda i: abs(a[i]))
            for i in range(d):
                if i != p and a[i]:
                    q = a[i] // a[p]
                    a[i] -= q * a[p]
                    U[i] = [x - q * y for x, y in zip(U[i], U[p])]
        p = next(i for i in range(d) if a[i])
        basis = _lll([U[i] for i in range(d) if i != p])
    B = np.array(basis, dtype=object).T.reshape(d, d - 1)
    return shrink(B)


def _ext_gcd(a: int, b: int) -> tuple[int, int, int]:
    """``(g, x, y)`` with ``g = gcd(a, b) ≥ 0`` and ``x a + y b = g``.

    The Bézout coefficient comes from CPython's modular inverse (``pow(a/g, −1, |b/g|)``, in
    C), then ``y = (1 − x a/g) / (b/g)`` exactly: a Python loop of Euclid's steps was 40% of
    :func:`kernel_bases_3d`.

    >>> [_ext_gcd(a, b) for a, b in [(12, 18), (0, -5), (-4, 0), (7, 1), (0, 0)]]
    [(6, 2, -1), (5, 0, -1), (4, -1, 0), (1, 0, 1), (0, 0, 0)]
    """
    g = math.gcd(a, b)
    if b == 0:
        return g, (1 if a > 0 else -1) if a else 0, 0
    a1, b1 = a // g, b // g
    if abs(b1) == 1:
        return g, 0, b1
    x = pow(a1, -1, abs(b1))
    return g, x, (1 - a1 * x) // b1


def _gauss_plane_basis(a: int, b: int, c: int) -> tuple[list[int], list[int]]:
    """A Lagrange–Gauss reduced basis of ``{u ∈ Z³ : a u₁ + b u₂ + c u₃ = 0}``, (a, b, c) ≠ 0.

    With ``g = gcd(a, b) = x a + y b`` and ``k = gcd(g, c)``, the vectors ``(b/g, −a/g, 0)``
    and ``(−x c/k, −y c/k, g/k)`` lie in the kernel and their cross product is
    ``−(a, b, c)/k``, whose length is the kernel lattice's covolume ``|h|/gcd(h)``: they are a
    basis of it. Gauss' reduction then only takes unimodular steps (``v₂ −= q v₁`` with the
    exact nearest integer ``q``, and swaps) until ``|v₁| ≤ |v₂|`` and ``|v₁·v₂| ≤ |v₁|²/2``:
    ``v₁`` is a shortest nonzero kernel vector and ``v₂`` a shortest one independent of it.
    """
    g, x, y = _ext_gcd(a, b)
    if g == 0:  # a = b = 0: the kernel is the first two axes
        return [1, 0, 0], [0, 1, 0]
    k = math.gcd(g, c)
    v1 = [b // g, -a // g, 0]
    v2 = [-x * (c // k), -y * (c // k), g // k]
    n1 = v1[0] * v1[0] + v1[1] * v1[1]
    n2 = v2[0] * v2[0] + v2[1] * v2[1] + v2[2] * v2[2]
    if n2 < n1:
        v1, v2, n1, n2 = v2, v1, n2, n1
    while True:
        m = v1[0] * v2[0] + v1[1] * v2[1] + v1[2] * v2[2]
        q = (2 * m + n1) // (2 * n1)  # the nearest integer to m / n1, exactly
        if q:
            v2 = [v2[0] - q * v1[0], v2[1] - q * v1[1], v2[2] - q * v1[2]]
            n2 = v2[0] * v2[0] + v2[1] * v2[1] + v2[2] * v2[2]
        if n2 >= n1:
            return v1, v2
        v1, v2, n1, n2 = v2, v1, n2, n1


def kernel_bases_3d(H: np.ndarray) -> np.ndarray:
    """Lagrange–Gauss reduced integer bases of the planes ``{u ∈ Z³ : h·u = 0}`` of the rows
    of H, exactly, as an ``M × 3 × 2`` array (the two columns of each basis).

    Each basis spans exactly the plane's integer lattice, and its first column is a shortest
    nonzero vector of that lattice, the second a shortest one independent of it (Gauss'
    reduction of a rank-2 lattice, unlike LLL, reaches both minima). The product of their
    lengths is within a factor 2/√3 of the covolume ``|h|/gcd(h)``, against about ``|h|²`` for
    :func:`nullspace_basis`, so the restricted normals ``Bᵀ h_j`` stay small (for a typical
    normal both columns are near ``|h|^(1/2)``). Integers only; no float decides anything.

    Parameters
    ----------
    H : numpy.ndarray
        ``M × 3`` integers (int64 or Python ints), each row nonzero.

    Returns
    -------
    numpy.ndarray
        ``M × 3 × 2`` integers, int64 when every entry is below 2^62, else Python ints;
        ``H[i] @ B[i] = 0``.

    Examples
    --------
    >>> B = kernel_bases_3d(as_int_array([[12346, 23456, 34567], [0, 0, 5]]))
    >>> B[1].T.tolist()
    [[1, 0, 0], [0, 1, 0]]
    >>> h = np.array([12346, 23456, 34567])
    >>> (h @ B[0]).tolist(), B[0].T.tolist()
    ([0, 0], [[-5, -18, 14], [1744, -635, -192]])
    >>> int(np.abs(nullspace_basis(h)).max())
    34567

    References
    ----------
    P. Q. Nguyen, *Hermite's constant and lattice algorithms*, in The LLL Algorithm (Springer,
    2010), §2.3 (Lagrange's reduction); docs/MATH.md for the arrangement it serves.
    """
    flat = []
    for a, b, c in np.asarray(H).tolist():
        v1, v2 = _gauss_plane_basis(int(a), int(b), int(c))
        flat.append((v1[0], v2[0], v1[1], v2[1], v1[2], v2[2]))  # row-major 3 × 2
    out = np.empty((len(flat), 6), dtype=object)
    if flat:
        out[:] = flat
    return shrink(out).reshape(len(flat), 3, 2)


def _lll(b: list[list[int]], delta: float = 0.75, max_steps: int = 10_000) -> list[list[int]]:
    """LLL-reduce integer row vectors: float Gram–Schmidt data (from the exact Gram matrix,
    each entry rounded once) guide, exact integer updates.

    Every change to ``b`` is unimodular (``b_k −= q b_j`` with an integer q, or a swap), so
    the result is always a basis of the same lattice, whatever the floats did; floats only
    choose the steps. After a size reduction the coefficients ``μ_kj`` are updated as in exact
    arithmetic, then row k's Gram–Schmidt data are recomputed and the reduction repeated until
    every fresh ``μ_kj`` rounds to 0 (with a large q the updated ones lose bits: Schnorr and
    Euchner's rule); a swap recomputes the rows from k − 1 on. (Recomputing the whole
    Gram–Schmidt basis after every step took 1.3× as long on the 4-D kernels of 17-digit
    data, 1.2× on random ones of 10–200 bits.)

    >>> _lll([[1, 0, 0], [5, 1, 0], [7, 3, 1]])
    [[1, 0, 0], [0, 1, 0], [0, 0, 1]]

    References
    ----------
    H. Cohen, *A Course in Computational Algebraic Number Theory* (Springer, 1993), Alg. 2.6.3;
    P. Q. Nguyen and D. Stehlé, *An LLL algorithm with quadratic complexity*, SIAM J. Comput.
    39 (2009), the Gram–Schmidt data from exact inner products.
    """
    n = len(b)
    if n <= 1 or max(abs(v) for r in b for v in r).bit_length() > 400:
        return b  # squared norms of larger entries overflow floats: keep the (valid) basis
    b = [list(r) for r in b]
    nb = [0.0] * n
    mu = [[0.0] * n for _ in range(n)]
    rr = [[0.0] * n for _ in range(n)]

    def gso_row(i: int) -> None:
        # row i's Gram–Schmidt data (r_ij = ⟨b_i, b*_j⟩, μ_ij, |b*_i|²) from the exact Gram
        # entries ⟨b_i, b_j⟩, each rounded once (Nguyen and Stehlé's L²): float vectors of
        # entries beyond 2^53 lose their low bits, and their dot products with them (a
        # skewed 62-bit basis came back unreduced)
        for j in range(i + 1):
            g = float(sum(x * y for x, y in zip(b[i], b[j])))
            rij = g - sum(mu[j][t] * rr[i][t] for t in range(j))
            if j < i:
                rr[i][j] = rij
                mu[i][j] = rij / nb[j] if nb[j] else 0.0
            else:
                nb[i] = rij

    for i in range(n):
        gso_row(i)
    k, steps = 1, 0
    while k < n and steps < max_steps:
        steps += 1
        reduced = True
        while reduced and steps < max_steps:  # until a fresh μ_k· rounds to 0 everywhere
            reduced = False
            for j in range(k - 1, -1, -1):
                if not math.isfinite(mu[k][j]):
                    return b  # float trouble: every update so far was exact, so b is a basis
                q = round(mu[k][j])
                if q:
                    b[k] = [x - q * y for x, y in zip(b[k], b[j])]
                    for i in range(j):
                        mu[k][i] -= q * mu[j][i]
                    mu[k][j] -= q
                    reduced = True
            if reduced:  # the updated μ lose bits when q is large: recompute them
                steps += 1
                gso_row(k)
        if not (math.isfinite(nb[k]) and math.isfinite(nb[k - 1])):
            return b
        if nb[k] >= (delta - mu[k][k - 1] ** 2) * nb[k - 1]:
            k += 1
        else:
            b[k], b[k - 1] = b[k - 1], b[k]
            for i in range(k - 1, n):
                gso_row(i)
            k = max(k - 1, 1)
    return b


def round_limb_sums(S: Sequence[np.ndarray], bits: int, shift: int = 0) -> np.ndarray | None:
    """The correctly rounded floats of the exact integers ``H = Σ_j S_j·2^(bits·j)``, divided
    by ``2^shift``, in int64 and float64 operations only; None where a result is not a normal
    float (or zero), for the caller to take Python integers instead.

    The limbs are carried into digits in ``[0, 2^bits)`` with a signed top (``&`` and ``>>``
    in two's complement are the floor's remainder and quotient), negated entries carried
    again from ``−S``; then the top 62 bits of each ``|H|`` are cut out as one int64 ``Y``
    (``|H| = Y·2^s + R``, ``0 ≤ R < 2^s``), with ``R ≠ 0`` folded into Y's lowest bit. Rounding
    Y to 53 bits reads only its round bit (bit 8 of 62) and whether anything below it is
    nonzero, so the int64 → float64 conversion (round to nearest, ties to even) rounds ``|H|``
    exactly as once; ``2^(s − shift)`` is applied by ``ldexp``, exact for normal results.

    Parameters
    ----------
    S : sequence of numpy.ndarray
        int64 arrays of one shape, each entry below ``2^61`` in magnitude (so that no carry
        leaves int64).
    bits : int
        The limb width, 1 to 31.
    shift : int
        The power of two to divide by, 0 to 2^30.

    Returns
    -------
    numpy.ndarray or None
        float64 of the shape of ``S[0]``.

    >>> S = [np.array([5, -7]), np.array([3, 0]), np.array([2**29, -1])]
    >>> H = [5 + 3 * 2**31 + 2**29 * 2**62, -7 - 2**62]
    >>> round_limb_sums(S, 31, 10).tolist() == [h / 2**10 for h in H]
    True
    """
    if not 1 <= bits <= 31 or not 0 <= shift < 2**30:
        raise ValueError("round_limb_sums: bits must be in 1..31 and shift in 0..2^30")
    S = [np.asarray(s, dtype=np.int64) for s in S]
    if not S:
        return None
    if any(int(np.abs(s).max(initial=0)) >= 1 << 61 for s in S):
        raise ValueError("round_limb_sums: limbs must be below 2^61")
    mask = (1 << bits) - 1

    def digits(L: list[np.ndarray]) -> tuple[list[np.ndarray], np.ndarray]:
        D, carry = [], np.zeros(L[0].shape, dtype=np.int64)
        for s in L:
            c = s + carry
            D.append(c & mask)
            carry = c >> bits
        while (carry >= (1 << bits)).any():  # more digits, until the top is one of them
            D.append(carry & mask)
            carry = carry >> bits
        return D, carry

    D, top = digits(S)
    neg = top < 0
    if neg.any():
        D, top = digits([np.where(neg, -s, s) for s in S])
    Dg = np.stack(D + [top])  # (J + 1) × shape, every digit in [0, 2^bits), |H| ≥ 0
    nz = Dg != 0
    J = Dg.shape[0]
    jtop = np.where(nz.any(axis=0), J - 1 - np.argmax(nz[::-1], axis=0), -1)
    lead = np.take_along_axis(Dg, np.maximum(jtop, 0)[None], axis=0)[0]
    L = np.frexp(lead.astype(float))[1]  # bit length of the leading digit (exact: < 2^31)
    nbits = np.where(jtop >= 0, bits * jtop + L, 0)
    s = np.maximum(nbits - 62, 0)
    Y = np.zeros(Dg.shape[1:], dtype=np.int64)
    sticky = np.zeros(Dg.shape[1:], dtype=bool)
    for j in range(J):
        off = bits * j - s  # where digit j lands in Y (negative: partly or wholly below)
        dj = Dg[j]
        # (a nonzero digit lands at most at bit 61 of Y; the clip only keeps the shifts of
        # zero digits in range)
        Y += np.where(off >= 0, dj << np.clip(off, 0, 62), 0)
        down = np.clip(-off, 0, 63)
        part = (off < 0) & (off > -bits)
        Y += np.where(part, dj >> np.minimum(down, bits), 0)
        low = np.where(part, dj & ((np.int64(1) << np.minimum(down, bits)) - 1),
                       np.where(off <= -bits, dj, 0))
        sticky |= low != 0
    Y |= sticky.astype(np.int64)
    with np.errstate(over="ignore", under="ignore"):
        out = np.ldexp(Y.astype(np.float64), (s - shift).astype(np.int32))
    if not (np.isfinite(out).all() and ((out == 0) == (jtop < 0)).all()
            and (np.abs(out[out != 0]) >= np.finfo(float).tiny).all()):
        return None
    return np.where(neg, -out, out)
