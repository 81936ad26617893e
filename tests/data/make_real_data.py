"""Regenerate the real-data fixtures of tests/test_real_data.py from scikit-learn's data sets.

Run once with scikit-learn installed (``pip install scikit-learn``; it is needed for this script
only, never by relucvx or its tests):

    python tests/data/make_real_data.py

Each file keeps the number format a user gets from the usual export (see tests/data/README.md).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine

HERE = Path(__file__).resolve().parent


def diabetes_repr() -> None:
    """Diabetes (age, bmi, bp; first 20 rows), every float written with repr; y = target / 100."""
    d = load_diabetes()
    X, y = d.data[:20, [0, 2, 3]], d.target[:20] / 100
    with open(HERE / "diabetes_20x3_repr.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["age", "bmi", "bp", "target"])
        for row, t in zip(X, y):
            w.writerow([repr(float(x)) for x in row] + [repr(float(t))])


def diabetes_standardized() -> None:
    """Diabetes (age, sex, bmi; 20 rows drawn at random), standardized over the whole data set
    in float64 and written with repr; y = the raw target (25 to 346): the first-day gap miss."""
    d = load_diabetes()
    rows = [257, 65, 289, 294, 90, 58, 212, 109, 349, 141, 98, 364, 224, 377, 328, 298, 380,
            357, 253, 115]
    X = d.data[:, :3]
    Z = ((X - X.mean(axis=0)) / X.std(axis=0))[rows]
    with open(HERE / "diabetes_20x3_standardized.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        for row, t in zip(Z, d.target[rows]):
            w.writerow([repr(float(x)) for x in row] + [repr(float(t))])


def iris_float32() -> None:
    """Iris (sepal width, petal length, petal width; 16 rows from all three classes) passed
    through float32 and printed as float64 ("2.700000047683716"); y = +1 for versicolor."""
    d = load_iris()
    rows = list(range(0, 150, 10)) + [55]
    X = d.data[rows][:, [1, 2, 3]].astype(np.float32)
    y = np.where(d.target[rows] == 1, 1, -1)
    with open(HERE / "iris_16x3_float32.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sepal_width", "petal_length", "petal_width", "versicolor"])
        for row, t in zip(X, y):
            w.writerow([repr(float(x)) for x in row] + [int(t)])


def wine_npy() -> None:
    """Wine (alcohol, malic acid, hue; 14 rows), standardized in float64, saved as .npy with
    the label (+1 for class 0, else -1) as the last column."""
    d = load_wine()
    rows = list(range(0, 178, 13))
    X = d.data[rows][:, [0, 1, 10]]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    y = np.where(d.target[rows] == 0, 1.0, -1.0)
    np.save(HERE / "wine_14x3_float64.npy", np.column_stack([X, y]).astype(np.float64))


def iris_standardized() -> None:
    """Iris (sepal width, petal length, petal width; every 10th row, 15 rows), standardized in
    float64 and written with repr; y = the class index 0, 1, 2 (the gap-target instances)."""
    d = load_iris()
    rows = list(range(0, 150, 10))
    X = d.data[rows][:, [1, 2, 3]]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    with open(HERE / "iris_15x3_standardized.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sepal_width", "petal_length", "petal_width", "species"])
        for row, t in zip(X, d.target[rows]):
            w.writerow([repr(float(x)) for x in row] + [int(t)])


def wine_hinge() -> None:
    """Wine classes 0 and 1 only (alcohol, malic acid, hue; every 8th of those rows, 17 rows),
    standardized in float64 and written with repr; y = +1 for class 0, -1 for class 1."""
    d = load_wine()
    two = np.flatnonzero(d.target < 2)[::8]
    X = d.data[two][:, [0, 1, 10]]
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    with open(HERE / "wine_hinge_two_classes.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["alcohol", "malic_acid", "hue", "class0"])
        for row, t in zip(X, d.target[two]):
            w.writerow([repr(float(x)) for x in row] + [1 if t == 0 else -1])


def breast_cancer_raw() -> None:
    """Breast cancer (first 20 rows, first 5 features: mean radius, texture, perimeter, area,
    smoothness), raw (unscaled: 0.07 to 1326) and written with repr; y = the 0/1 target."""
    d = load_breast_cancer()
    with open(HERE / "breast_cancer_20x5_raw.csv", "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["radius", "texture", "perimeter", "area", "smoothness", "target"])
        for row, t in zip(d.data[:20, :5], d.target[:20]):
            w.writerow([repr(float(x)) for x in row] + [int(t)])


def _breast_cancer_17g(name: str, rows: list[int], cols: list[int], load=load_breast_cancer
                       ) -> None:
    """Raw breast-cancer (or ``load``'s) rows and columns written with 17 significant digits
    (``%.17g``, as a CSV export writes them: 0.05986 becomes 0.059859999999999997) under a
    header; y = +1 for the class of the first row, −1 otherwise."""
    d = load()
    X = d.data[rows][:, cols]
    y = np.where(d.target[rows] == d.target[rows[0]], 1, -1)
    with open(HERE / name, "w", newline="") as fh:
        w = csv.writer(fh)
        w.writerow([str(d.feature_names[c]).replace(" ", "_") for c in cols] + ["label"])
        for row, t in zip(X, y):
            w.writerow([f"{float(x):.17g}" for x in row] + [int(t)])


def breast_cancer_mixed() -> None:
    """Breast cancer, 18 rows drawn at random, mean concave points, mean fractal dimension,
    worst texture (scales 0.05, 0.06 and 26): the polish's first-step rise (session 24)."""
    _breast_cancer_17g("breast_cancer_18x3_mixed.csv",
                       [205, 85, 468, 348, 503, 107, 457, 537, 15, 98, 63, 358, 67, 241, 43,
                        462, 385, 159], [7, 9, 21])


def breast_cancer_cycle() -> None:
    """Breast cancer, 13 rows drawn at random, fractal dimension error, mean area, symmetry
    error (scales 0.004, 700 and 0.02): a facet weakly active at the optimum, decided one way
    in floats and the other exactly, round after round at β = 1/100 (session 24)."""
    _breast_cancer_17g("breast_cancer_13x3_cycle.csv",
                       [59, 97, 163, 398, 232, 434, 249, 320, 557, 77, 94, 361, 474], [19, 3, 18])



def breast_cancer_stall() -> None:
    """Breast cancer, 23 rows drawn at random, area error, mean compactness, worst area
    (8 to 100, 0.04 to 0.24, 242 to 1986): cutting planes that stall just under 1e-5 at β = 1/100
    (session 24)."""
    _breast_cancer_17g("breast_cancer_23x3_stall.csv",
                       [533, 471, 536, 9, 46, 390, 465, 153, 289, 538, 327, 439, 283, 364, 405,
                        76, 119, 246, 53, 432, 202, 216, 73], [13, 5, 23])


def wine_held() -> None:
    """Wine, 25 rows drawn at random, proline, alcalinity of ash, proanthocyanins (352 to
    1547, 12 to 26.5, 0.73 to 2.96): at β = 1/100 the refinement's polish held at ρ = 0
    groups whose constraints its v violated by 1e-10 relative (session 25)."""
    _breast_cancer_17g("wine_25x3_held.csv",
                       [107, 164, 56, 143, 78, 163, 14, 122, 47, 170, 175, 15, 75, 132, 70, 22,
                        169, 152, 62, 172, 27, 53, 104, 126, 52], [12, 3, 8], load=load_wine)


def breast_cancer_held() -> None:
    """Breast cancer, 37 rows drawn at random, worst perimeter, worst compactness, concave
    points error (57 to 196, 0.03 to 0.77, 0 to 0.03): at β = 1/100 a held group violated by 9.9e-9
    relative looked feasible to the float check of the polish's free set (session 25)."""
    _breast_cancer_17g("breast_cancer_37x3_held.csv",
                       [359, 423, 164, 322, 250, 470, 182, 272, 307, 331, 104, 365, 447, 460,
                        348, 92, 133, 314, 191, 363, 315, 160, 192, 431, 295, 396, 266, 353, 25,
                        132, 18, 170, 14, 439, 184, 83, 68], [22, 25, 17])


def wine_retry() -> None:
    """Wine, 23 rows drawn at random, nonflavanoid phenols, proline, alcohol (0.21 to 0.61,
    352 to 1285, 11.6 to 13.9): at β = 1/10 the dual Newton polish stalls at a worst violation
    of 2e-7 and the refinement of its guess misses; from the full program's it meets the
    target (session 25)."""
    _breast_cancer_17g("wine_23x3_retry.csv",
                       [82, 126, 123, 4, 161, 159, 156, 84, 89, 54, 30, 144, 75, 152, 104, 33,
                        23, 153, 28, 103, 88, 174, 43], [7, 12, 0], load=load_wine)


def wine_held_28() -> None:
    """Wine, 28 rows drawn at random, alcohol, flavanoids, proline: the polish's held groups
    (as :func:`wine_held`) on an AMD EPYC with OpenBLAS's Haswell kernels, where the 25 rows
    no longer hold any (session 30: whether a group is held depends on rounding)."""
    _breast_cancer_17g("wine_28x3_held.csv",
                       [54, 147, 166, 115, 123, 110, 21, 61, 116, 50, 127, 34, 65, 66, 176, 112,
                        15, 102, 162, 23, 155, 99, 124, 139, 44, 91, 95, 100], [0, 6, 12],
                       load=load_wine)


def breast_cancer_held_32() -> None:
    """Breast cancer, 32 rows drawn at random, worst area, texture error, mean fractal
    dimension: a held group only the exact check sees (as :func:`breast_cancer_held`), on
    the machine of :func:`wine_held_28`."""
    _breast_cancer_17g("breast_cancer_32x3_held.csv",
                       [147, 139, 57, 553, 206, 192, 539, 389, 307, 158, 494, 556, 215, 296, 347,
                        305, 219, 509, 113, 306, 183, 242, 548, 398, 140, 264, 152, 176, 203, 526,
                        557, 138], [23, 11, 9])


def wine_retry_16() -> None:
    """Wine, 16 rows drawn at random, color intensity, proanthocyanins, proline: the
    full-program retry after a missed target (as :func:`wine_retry`), on the machine of
    :func:`wine_held_28`."""
    _breast_cancer_17g("wine_16x3_retry.csv",
                       [6, 129, 132, 141, 157, 103, 116, 121, 112, 67, 106, 79, 165, 60, 102, 130],
                       [9, 8, 12], load=load_wine)


if __name__ == "__main__":
    diabetes_repr()
    iris_float32()
    wine_npy()
    iris_standardized()
    wine_hinge()
    diabetes_standardized()
    breast_cancer_raw()
    breast_cancer_mixed()
    breast_cancer_cycle()
    breast_cancer_stall()
    wine_held()
    breast_cancer_held()
    wine_retry()
    wine_held_28()
    breast_cancer_held_32()
    wine_retry_16()
