"""``ConvexReLURegressor``: the certified global optimum of two-layer ReLU training, in the shape
of a scikit-learn estimator (issue 9 item 10; the issue's ``relucvx.fit`` lives here because
the top-level packages are ``arrangement``, ``exact`` and ``properties``).

``fit(X, y)`` solves the training problem exactly (:func:`exact.certify.solve`, docs/MATH.md
§4–§7): the fitted ``network_`` attains ``upper_`` and ``lower_ ≤ P* ≤ upper_`` is certified;
``certificate_`` is the JSON certificate ``relucvx verify`` checks; ``m_star_`` is the smallest
width of an optimal network (:func:`exact.optimal_set.optimal_set`, squared loss; None for the
hinge). Float inputs are converted exactly (``0.1`` is 3602879701896397/2^55), never rounded;
``predict`` returns floats of the exact outputs, ``predict_exact`` the Fractions.

scikit-learn is optional: with it installed the class derives from ``BaseEstimator`` and
``RegressorMixin`` (``clone``, pipelines, grid search work); without it the class implements
``get_params``/``set_params`` itself. Bad input raises ``ValueError`` (scikit-learn's
convention) with the one-line message of :class:`arrangement.errors.InputError`.

>>> est = ConvexReLURegressor(beta="1/10").fit([[-1, 1], [0, 1], [1, 1]], [1, 0, 1])
>>> est.lower_ <= Fraction(37, 200) <= est.upper_, est.m_star_       # docs/MATH.md §9
(True, 3)
>>> [round(v, 6) for v in est.predict([[-1, 1], [0, 1], [1, 1]]).tolist()]
[0.9, 0.1, 0.9]
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, cast

from arrangement.core import DEFAULT_CHAMBER_LIMIT
from arrangement.errors import InputError
from arrangement.rational import to_fraction, to_matrix, to_vector

__all__ = ["ConvexReLURegressor", "exact_r2"]

try:  # optional: the estimator works without scikit-learn
    from sklearn.base import BaseEstimator as _Base
    from sklearn.base import RegressorMixin as _Mixin

    HAVE_SKLEARN = True
except ImportError:  # pragma: no cover - exercised in the tests by hiding sklearn
    HAVE_SKLEARN = False

    class _Base:  # type: ignore[no-redef]
        """``get_params``/``set_params`` as scikit-learn defines them (constructor arguments)."""

        @classmethod
        def _get_param_names(cls) -> list[str]:
            sig = inspect.signature(cls.__init__)
            return sorted(p.name for p in sig.parameters.values()
                          if p.name != "self" and p.kind != p.VAR_KEYWORD)

        def get_params(self, deep: bool = True) -> dict:
            return {k: getattr(self, k) for k in self._get_param_names()}

        def set_params(self, **params: Any) -> Any:
            valid = self._get_param_names()
            for k, v in params.items():
                if k not in valid:
                    raise ValueError(f"invalid parameter {k!r} for {type(self).__name__} "
                                     f"(valid: {', '.join(valid)})")
                setattr(self, k, v)
            return self

        def __repr__(self) -> str:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
            return f"{type(self).__name__}({args})"

    class _Mixin:  # type: ignore[no-redef]
        """Marks a regressor (scikit-learn's RegressorMixin sets the same attribute)."""

        _estimator_type = "regressor"


def exact_r2(y: Sequence[Fraction], f: Sequence[Fraction]) -> Fraction:
    """The coefficient of determination ``1 − ‖y − f‖² / ‖y − ȳ‖²`` in exact arithmetic
    (1 for a perfect fit of constant y, as scikit-learn's ``r2_score`` does).

    >>> exact_r2([Fraction(1), Fraction(3)], [Fraction(1), Fraction(2)])
    Fraction(1, 2)
    """
    n = len(y)
    mean = sum(y, Fraction(0)) / n
    ss_res = sum(((a - b) ** 2 for a, b in zip(y, f)), Fraction(0))
    ss_tot = sum(((a - mean) ** 2 for a in y), Fraction(0))
    if ss_tot == 0:
        return Fraction(1) if ss_res == 0 else Fraction(0)
    return 1 - ss_res / ss_tot


def _matrix(X: Any, name: str = "X") -> tuple[tuple[Fraction, ...], ...]:
    if hasattr(X, "to_numpy"):  # a pandas DataFrame
        X = X.to_numpy()
    if hasattr(X, "ndim") and X.ndim != 2:
        raise InputError(f"{name} must be 2-D (n_samples x n_features), got {X.ndim}-D; "
                         "reshape a single feature with X.reshape(-1, 1)")
    if hasattr(X, "dtype") and X.dtype.kind not in "iufb":
        if X.dtype.kind in "OU":  # exact objects or text such as "1/3": converted below
            X = X.tolist()
        else:
            raise InputError(f"{name}: unsupported dtype {X.dtype}")
    if hasattr(X, "dtype") and X.dtype.kind == "b":
        X = X.astype(int)
    return to_matrix(X, name, allow_float=True)


class ConvexReLURegressor(_Mixin, _Base):
    """Certified global optimum of ``ℓ(Σ_k (Xu_k)_+ α_k) + (β/2) Σ_k (‖u_k‖² + α_k²)``
    (module docstring).

    Parameters: ``beta`` (> 0; text such as ``"1/10"``, an int, a Fraction or a float, converted
    exactly), ``loss`` (a name of :data:`exact.losses.LOSSES`; the classification losses need y in
    {−1, +1}), ``tol``
    (relative gap target of the certified bounds), ``max_chambers`` (refuse data whose
    arrangement has more estimated chambers: the exact method enumerates all of them).

    Fitted attributes: ``network_`` (:class:`exact.network.Network`), ``lower_``, ``upper_``,
    ``gap_`` (Fractions), ``certificate_`` (dict), ``m_star_`` (int or None, computed on first
    access), ``solution_``,
    ``n_features_in_``, ``notes_`` (e.g. that floats were converted exactly).

    >>> est = ConvexReLURegressor(beta=1)
    >>> est.get_params()["loss"], est.set_params(loss="hinge").loss
    ('squared', 'hinge')
    """

    def __init__(self, beta: Any = "1/10", loss: str = "squared", tol: Any = "1/1000000000000",
                 max_chambers: int = DEFAULT_CHAMBER_LIMIT) -> None:
        self.beta = beta
        self.loss = loss
        self.tol = tol
        self.max_chambers = max_chambers

    def __sklearn_tags__(self):  # pragma: no cover - only with scikit-learn
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.regressor_tags.poor_score = True  # β shrinks the fit: R² on noisy toy data is low
        return tags

    # -- fitting ---------------------------------------------------------------------------

    def fit(self, X: Any, y: Any) -> ConvexReLURegressor:
        """Solve the training problem exactly on (X, y); returns self.

        >>> est = ConvexReLURegressor(beta="1/2").fit([[1, 0], [0, 1]], [1, -1])
        >>> est.lower_ <= Fraction(3, 4) <= est.upper_, est.gap_ <= Fraction(1, 10**12)
        (True, True)
        """
        from arrangement.errors import RelucvxError

        try:
            return self._fit(X, y)
        except InputError as exc:
            raise ValueError(str(exc)) from None
        except RelucvxError as exc:  # not the input's fault (e.g. the numeric solver failed)
            raise RuntimeError(str(exc)) from None

    def _fit(self, X: Any, y: Any) -> ConvexReLURegressor:
        from arrangement.core import Arrangement
        from exact.certify import solution_certificate, solve
        from exact.losses import LOSS_NAMES, get_loss

        if self.loss not in LOSS_NAMES:
            raise InputError(f"loss must be one of {', '.join(map(repr, LOSS_NAMES))}, got "
                             f"{self.loss!r}")
        beta = to_fraction(self.beta, allow_float=True, where="beta")
        if beta <= 0:
            raise InputError(f"beta must be > 0, got {self.beta!r}")
        tol = to_fraction(self.tol, allow_float=True, where="tol")
        if tol < 0:
            raise InputError(f"tol must be >= 0, got {self.tol!r}")
        X, y = _sklearn_validate(self, X, y, reset=True)
        floats = _has_floats(X) or _has_floats(y)
        Xf = _matrix(X)
        yv = _column(y)
        yf = to_vector(yv, "y", allow_float=True)
        if len(yf) != len(Xf):
            raise InputError(f"X has {len(Xf)} rows but y has {len(yf)} entries")
        if get_loss(self.loss).labels is not None and any(t not in (-1, 1) for t in yf):
            raise InputError(f"the {self.loss} loss needs labels y in {{-1, +1}}")
        arr = Arrangement(Xf)
        arr.require_size(int(self.max_chambers))
        sol = solve(Xf, yf, beta, self.loss, tol, arrangement=arr)
        self.solution_ = sol
        self.network_ = sol.network
        self.lower_, self.upper_, self.gap_ = sol.lower, sol.upper, sol.gap
        self.certificate_ = solution_certificate(sol, Xf, yf, beta)
        self._m_star: object = _UNSET
        self.n_features_in_ = len(Xf[0])
        self.notes_ = ("binary floats converted exactly",) if floats else ()
        return self

    @property
    def m_star_(self) -> int | None:
        """The smallest width of an optimal network (:func:`exact.optimal_set.optimal_set`;
        squared loss, None for the hinge). Computed on first access: the optimal set can cost
        more than the solve itself.

        >>> ConvexReLURegressor(beta="1/2").fit([[1, 0], [0, 1]], [1, -1]).m_star_
        2
        """
        self._check_fitted()
        if self._m_star is _UNSET:
            from exact.losses import get_loss
            from exact.optimal_set import optimal_set

            self._m_star = (optimal_set(self.solution_, networks=False).m_star
                            if get_loss(self.solution_.loss).supports_optimal_set else None)
        return cast("int | None", self._m_star)

    # -- prediction ------------------------------------------------------------------------

    def _check_fitted(self) -> None:
        if not hasattr(self, "network_"):
            try:
                from sklearn.exceptions import NotFittedError
            except ImportError:  # pragma: no cover
                NotFittedError = AttributeError  # noqa: N806 - scikit-learn's name
            raise NotFittedError(f"this {type(self).__name__} is not fitted yet: call fit first")

    def predict_exact(self, X: Any) -> tuple:
        """The network's exact outputs ``Σ_k (Xu_k)_+ α_k`` (Fractions).

        >>> est = ConvexReLURegressor(beta="1/2").fit([[1, 0], [0, 1]], [1, -1])
        >>> [round(float(v), 9) for v in est.predict_exact([[1, 0], [2, 0]])]
        [0.5, 1.0]
        """
        self._check_fitted()
        X, _ = _sklearn_validate(self, X, None, reset=False)
        try:
            Xf = _matrix(X)
            if len(Xf[0]) != self.n_features_in_:
                raise InputError(f"X has {len(Xf[0])} features, but {type(self).__name__} is "
                                 f"expecting {self.n_features_in_} features as input")
        except InputError as exc:
            raise ValueError(str(exc)) from None
        return self.network_.output(Xf)

    def predict(self, X: Any) -> Any:
        """Float64 values of :meth:`predict_exact` (a numpy array).

        >>> est = ConvexReLURegressor(beta="1/2").fit([[1, 0], [0, 1]], [1, -1])
        >>> est.predict([[1, 0]]).round(9).tolist()
        [0.5]
        """
        import numpy as np

        return np.array([float(v) for v in self.predict_exact(X)], dtype=np.float64)

    def score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² of the exact predictions, computed exactly (:func:`exact_r2`) then rounded once.

        >>> est = ConvexReLURegressor(beta="1/2").fit([[1, 0], [0, 1]], [1, -1])
        >>> round(est.score([[1, 0], [0, 1]], [1, -1]), 9)
        0.75
        """
        if sample_weight is not None:
            if HAVE_SKLEARN:
                return float(super().score(X, y, sample_weight=sample_weight))
            raise ValueError("sample_weight needs scikit-learn")
        f = self.predict_exact(X)
        try:
            yf = to_vector(_column(y), "y", allow_float=True)
        except InputError as exc:
            raise ValueError(str(exc)) from None
        return float(exact_r2(yf, f))


def _sklearn_validate(est: Any, X: Any, y: Any, *, reset: bool) -> tuple[Any, Any]:
    """scikit-learn's own input validation when it is installed (its messages for NaN, sparse,
    complex or empty input, ``n_features_in_``), keeping every dtype: exact objects (Fractions,
    ``"1/3"``) are not turned into floats here, :func:`_matrix` converts them exactly."""
    if not HAVE_SKLEARN:
        return X, y
    try:
        from sklearn.utils.validation import validate_data
    except ImportError:  # pragma: no cover - scikit-learn < 1.6
        validate_data = None
    if validate_data is None:  # pragma: no cover
        from sklearn.utils.validation import check_array, check_X_y

        if reset:
            if y is None:
                raise ValueError(f"{type(est).__name__} requires y to be passed, but the "
                                 "target y is None")
            return check_X_y(X, y, dtype=None)
        return check_array(X, dtype=None), None
    if reset:
        return validate_data(est, X, y, dtype=None, reset=True)
    return validate_data(est, X, dtype=None, reset=False), None


_UNSET = object()


def _column(y: Any) -> Any:
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    if hasattr(y, "ndim"):
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        elif y.ndim != 1:
            raise InputError(f"y must be 1-D, got shape {y.shape}")
        if y.dtype.kind == "b":
            y = y.astype(int)
    return y


def _has_floats(a: Any) -> bool:
    if hasattr(a, "dtype"):
        return a.dtype.kind == "f"
    if isinstance(a, float):
        return True
    if isinstance(a, (list, tuple)):
        return any(_has_floats(t) for t in a)
    return False
