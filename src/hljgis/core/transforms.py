"""Value functions: raw criterion values (metres, years, categories) to scores in 0..1.

A criterion such as "distance to the nearest rail station" is measured in metres; WLC needs
"how suitable is this distance" on a common 0..1 scale. Each function here is such a value
function. All are vectorised over numpy arrays, return float arrays clipped to 0..1, and
keep NaN (unknown input) as NaN so missing data is never silently scored.

:class:`TransformSpec` is the plain-data form a scenario stores in the project file
(``{"kind": "linear", "params": {...}}``); it validates its parameters with messages that
name the field, because these values are typed by planners in a dialog.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "SHAPES",
    "TRANSFORMS",
    "TransformSpec",
    "categorical",
    "fuzzy_decreasing",
    "fuzzy_increasing",
    "fuzzy_symmetric",
    "linear",
    "minmax",
    "threshold",
]

#: Curve shapes for the fuzzy functions: straight ramp or smooth S-curve (sin^2).
SHAPES = ("linear", "sigmoidal")


# ---------------------------------------------------------------------------- helpers


def _fail(kind: str, message: str) -> None:
    """Raise the ValueError every transform uses, prefixed with its kind."""
    raise ValueError(f"transform '{kind}': {message}")


def _finite(kind: str, **params: float) -> None:
    """Check named scalar parameters are finite numbers."""
    for name, value in params.items():
        try:
            ok = np.isfinite(float(value))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            _fail(kind, f"{name} ({value!r}) must be a finite number")


def _check_shape(kind: str, shape: str) -> None:
    """Check the curve shape name."""
    if shape not in SHAPES:
        _fail(kind, f"shape ({shape!r}) must be one of {SHAPES}")


def _as_float(x: object) -> np.ndarray:
    """Return ``x`` as a float array (scalars become 0-d arrays)."""
    return np.asarray(x, dtype=float)


def _ramp(x: np.ndarray, a: float, b: float, shape: str) -> np.ndarray:
    """0 at or below a, 1 at or above b, rising between (a < b); NaN stays NaN."""
    t = np.clip((x - a) / (b - a), 0.0, 1.0)
    if shape == "sigmoidal":
        t = np.sin(t * (np.pi / 2)) ** 2
    return t


def _result(out: np.ndarray) -> np.ndarray | float:
    """Clip to 0..1 (NaN passes through) and return a float for scalar input."""
    out = np.clip(out, 0.0, 1.0)
    return float(out) if out.ndim == 0 else out


# -------------------------------------------------------------------------- validators


def _check_linear(lo: float, hi: float, benefit: bool = True) -> None:
    """Validate :func:`linear` parameters."""
    _finite("linear", lo=lo, hi=hi)
    if not lo < hi:
        _fail(
            "linear",
            f"lo ({lo:g}) must be below hi ({hi:g}); for a cost criterion (smaller is "
            "better) keep lo < hi and set benefit=False",
        )
    if not isinstance(benefit, bool | np.bool_):
        _fail("linear", f"benefit ({benefit!r}) must be True or False")


def _check_pair(kind: str, a: float, b: float, shape: str = "linear") -> None:
    """Validate the (a, b) ramp of the one-sided fuzzy functions."""
    _finite(kind, a=a, b=b)
    _check_shape(kind, shape)
    if not a < b:
        _fail(kind, f"a ({a:g}) must be below b ({b:g}); for a sharp cut use 'threshold'")


def _check_symmetric(a: float, b: float, c: float, d: float, shape: str = "linear") -> None:
    """Validate the trapezoid corners of :func:`fuzzy_symmetric`."""
    kind = "fuzzy_symmetric"
    _finite(kind, a=a, b=b, c=c, d=d)
    _check_shape(kind, shape)
    if not a < b:
        _fail(kind, f"a ({a:g}) must be below b ({b:g})")
    if not b <= c:
        _fail(kind, f"b ({b:g}) must not be above c ({c:g}); use b == c for a triangle")
    if not c < d:
        _fail(kind, f"c ({c:g}) must be below d ({d:g})")


def _check_threshold(breaks: Sequence[float], scores: Sequence[float]) -> None:
    """Validate the step function of :func:`threshold`."""
    kind = "threshold"
    br = np.asarray(breaks, dtype=float)
    sc = np.asarray(scores, dtype=float)
    if br.ndim != 1 or br.size == 0:
        _fail(kind, "breaks must be a non-empty list of numbers")
    if sc.ndim != 1 or sc.size != br.size + 1:
        _fail(
            kind,
            f"scores must have one more entry than breaks ({br.size} breaks need "
            f"{br.size + 1} scores, got {sc.size})",
        )
    if not np.isfinite(br).all():
        _fail(kind, f"breaks {br.tolist()} must be finite numbers")
    if (np.diff(br) <= 0).any():
        _fail(kind, f"breaks {br.tolist()} must be strictly increasing")
    if not ((sc >= 0) & (sc <= 1)).all():
        _fail(kind, f"scores {sc.tolist()} must each lie in 0..1")


def _check_categorical(mapping: Mapping[Any, float], default: float = 0.0) -> None:
    """Validate the category -> score table of :func:`categorical`."""
    kind = "categorical"
    if not isinstance(mapping, Mapping) or len(mapping) == 0:
        _fail(kind, "mapping must be a non-empty {category: score} table")
    for key, value in mapping.items():
        try:
            v = float(value)
        except (TypeError, ValueError):
            v = np.nan
        if not 0.0 <= v <= 1.0:
            _fail(kind, f"mapping[{key!r}] ({value!r}) must be a score in 0..1")
    d = float(default)
    if not (np.isnan(d) or 0.0 <= d <= 1.0):
        _fail(kind, f"default ({default!r}) must be in 0..1, or NaN to mark unknown as missing")


# ---------------------------------------------------------------------------- functions


def linear(x: object, lo: float, hi: float, benefit: bool = True) -> np.ndarray | float:
    """Straight line between two anchor values.

    Parameters
    ----------
    x : array_like
        Raw values.
    lo, hi : float
        Anchors, ``lo < hi``. For a benefit criterion ``lo`` scores 0 and ``hi`` scores 1;
        for a cost criterion (``benefit=False``) it is the other way round.
    benefit : bool, default True
        False when smaller raw values are better (distance, cost, risk).

    Returns
    -------
    numpy.ndarray or float
        Scores in 0..1; values beyond the anchors are clipped; NaN stays NaN.

    Raises
    ------
    ValueError
        If ``lo >= hi`` or a parameter is not finite.

    Examples
    --------
    >>> linear([0, 500, 1000, 2000], lo=0, hi=1000, benefit=False).tolist()
    [1.0, 0.5, 0.0, 0.0]
    """
    _check_linear(lo, hi, benefit)
    t = (_as_float(x) - lo) / (hi - lo)
    return _result(t if benefit else 1.0 - t)


def _check_minmax(benefit: bool = True) -> None:
    """Validate :func:`minmax` parameters."""
    if not isinstance(benefit, bool | np.bool_):
        _fail("minmax", f"benefit ({benefit!r}) must be True or False")


def minmax(x: object, benefit: bool = True) -> np.ndarray | float:
    """Rescale the values themselves: their minimum scores 0 and their maximum 1.

    The common GIS default ("standardise to 0..1"), so a scenario need not hard-code a
    range: the anchors are the lowest and highest known value among the sites being
    ranked (a run restricted to one city rescales over that city's sites).

    Parameters
    ----------
    x : array_like
        Raw values of all candidate sites.
    benefit : bool, default True
        False when smaller raw values are better (the minimum then scores 1).

    Returns
    -------
    numpy.ndarray or float
        Scores in 0..1; NaN stays NaN. When every known value is the same the criterion
        cannot tell the sites apart and they all score 1.

    Examples
    --------
    >>> minmax([100, 300, 500]).tolist()
    [0.0, 0.5, 1.0]
    >>> minmax([100, 300, float("nan")], benefit=False).tolist()
    [1.0, 0.0, nan]
    """
    _check_minmax(benefit)
    v = _as_float(x)
    known = v[np.isfinite(v)]
    if known.size == 0:
        return _result(np.full(v.shape, np.nan))
    lo, hi = float(known.min()), float(known.max())
    if hi <= lo:
        return _result(np.where(np.isnan(v), np.nan, 1.0))
    t = (v - lo) / (hi - lo)
    return _result(t if benefit else 1.0 - t)


def threshold(x: object, breaks: Sequence[float], scores: Sequence[float]) -> np.ndarray | float:
    """Step function: a fixed score per class, as in planning regulations' distance bands.

    Parameters
    ----------
    x : array_like
        Raw values.
    breaks : sequence of float, length k, strictly increasing
        Class limits. A value equal to a break falls in the class above it.
    scores : sequence of float, length k + 1, each in 0..1
        ``scores[0]`` for ``x < breaks[0]``, ``scores[i]`` for
        ``breaks[i-1] <= x < breaks[i]``, ``scores[k]`` for ``x >= breaks[-1]``.

    Returns
    -------
    numpy.ndarray or float
        Scores; NaN stays NaN.

    Raises
    ------
    ValueError
        If breaks are not increasing, lengths disagree, or a score is outside 0..1.

    Examples
    --------
    >>> threshold([100, 500, 1500], breaks=[500, 1000], scores=[1.0, 0.5, 0.0]).tolist()
    [1.0, 0.5, 0.0]
    """
    _check_threshold(breaks, scores)
    v = _as_float(x)
    table = np.asarray(scores, dtype=float)
    index = np.searchsorted(np.asarray(breaks, dtype=float), v, side="right")
    out = np.where(np.isnan(v), np.nan, table[np.minimum(index, table.size - 1)])
    return _result(out)


def fuzzy_increasing(x: object, a: float, b: float, shape: str = "linear") -> np.ndarray | float:
    """Monotonically increasing membership: 0 up to ``a``, 1 from ``b`` on.

    Parameters
    ----------
    x : array_like
    a, b : float
        Control points, ``a < b``.
    shape : {"linear", "sigmoidal"}, default "linear"
        Sigmoidal uses ``sin^2`` between the control points (flat near both ends, as in
        IDRISI's FUZZY module), for criteria whose effect fades in gradually.

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        If ``a >= b`` or ``shape`` is unknown.

    Examples
    --------
    >>> fuzzy_increasing([0, 5, 10, 20], a=0, b=10).tolist()
    [0.0, 0.5, 1.0, 1.0]
    """
    _check_pair("fuzzy_increasing", a, b, shape)
    return _result(_ramp(_as_float(x), a, b, shape))


def fuzzy_decreasing(x: object, a: float, b: float, shape: str = "linear") -> np.ndarray | float:
    """Monotonically decreasing membership: 1 up to ``a``, 0 from ``b`` on.

    Parameters
    ----------
    x : array_like
    a, b : float
        Control points, ``a < b``.
    shape : {"linear", "sigmoidal"}, default "linear"

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        If ``a >= b`` or ``shape`` is unknown.

    Examples
    --------
    >>> fuzzy_decreasing([0, 5, 10], a=0, b=10).tolist()
    [1.0, 0.5, 0.0]
    """
    _check_pair("fuzzy_decreasing", a, b, shape)
    return _result(1.0 - _ramp(_as_float(x), a, b, shape))


def fuzzy_symmetric(
    x: object, a: float, b: float, c: float, d: float, shape: str = "linear"
) -> np.ndarray | float:
    """Trapezoid membership: rises from ``a`` to ``b``, 1 between ``b`` and ``c``, falls to ``d``.

    For criteria with an optimum band, e.g. "500-1500 m from a main road: close enough for
    access, far enough from noise". ``b == c`` gives a triangle.

    Parameters
    ----------
    x : array_like
    a, b, c, d : float
        Corners, ``a < b <= c < d``.
    shape : {"linear", "sigmoidal"}, default "linear"

    Returns
    -------
    numpy.ndarray or float

    Raises
    ------
    ValueError
        If the corners are out of order or ``shape`` is unknown.

    Examples
    --------
    >>> fuzzy_symmetric([0, 1, 2, 3, 4, 5], a=0, b=2, c=3, d=5).tolist()
    [0.0, 0.5, 1.0, 1.0, 0.5, 0.0]
    """
    _check_symmetric(a, b, c, d, shape)
    v = _as_float(x)
    return _result(np.fmin(_ramp(v, a, b, shape), 1.0 - _ramp(v, c, d, shape)))


def _lookup_table(mapping: Mapping[Any, float], numeric_values: bool) -> dict[Any, float]:
    """Return the score table; string keys are read as numbers when the values are numeric.

    A mapping saved to JSON has string keys ("1": 0.5) even when the layer stores integer
    class codes, so numeric values are matched against the keys' numeric reading.
    """
    table = {k: float(v) for k, v in mapping.items()}
    if not numeric_values or not all(isinstance(k, str) for k in table):
        return table
    numeric: dict[Any, float] = {}
    for key, score in table.items():
        try:
            numeric[float(key)] = score
        except ValueError:
            numeric[key] = score
    return numeric


def categorical(values: object, mapping: Mapping[Any, float], default: float = 0.0) -> np.ndarray:
    """Look up a score per category (land-use class, soil type, zoning code).

    Parameters
    ----------
    values : array_like
        Category labels (strings or integers).
    mapping : mapping
        ``{category: score}``, scores in 0..1.
    default : float, default 0.0
        Score for a category absent from ``mapping`` (unlisted classes count as unsuitable);
        pass ``float("nan")`` to treat them as missing instead.

    Returns
    -------
    numpy.ndarray of float
        Missing inputs (None, NaN) stay NaN.

    Raises
    ------
    ValueError
        If ``mapping`` is empty or a score or ``default`` lies outside 0..1.

    Examples
    --------
    >>> categorical(["forest", "farm", None, "lake"], {"farm": 1.0, "forest": 0.3}).tolist()
    [0.3, 1.0, nan, 0.0]
    """
    _check_categorical(mapping, default)
    raw = np.asarray(values)
    series = pd.Series(raw.ravel())
    missing = series.isna().to_numpy()
    table = _lookup_table(mapping, numeric_values=raw.dtype.kind in "iufb")
    mapped = series.map(table).to_numpy(dtype=float, na_value=np.nan)
    out = np.where(np.isnan(mapped), float(default), mapped)
    out[missing] = np.nan
    return out.reshape(raw.shape)


# --------------------------------------------------------------------------- spec table


@dataclass(frozen=True)
class _Kind:
    """How one transform kind is called and checked (a row of :data:`TRANSFORMS`)."""

    function: Callable[..., Any]
    check: Callable[..., None]
    required: tuple[str, ...]
    optional: Mapping[str, Any] = field(default_factory=dict)


#: Transform kinds a :class:`TransformSpec` may name: function, validator, parameters.
TRANSFORMS: Mapping[str, _Kind] = {
    "linear": _Kind(linear, _check_linear, ("lo", "hi"), {"benefit": True}),
    "minmax": _Kind(minmax, _check_minmax, (), {"benefit": True}),
    "threshold": _Kind(threshold, _check_threshold, ("breaks", "scores")),
    "fuzzy_increasing": _Kind(
        fuzzy_increasing,
        lambda a, b, shape="linear": _check_pair("fuzzy_increasing", a, b, shape),
        ("a", "b"),
        {"shape": "linear"},
    ),
    "fuzzy_decreasing": _Kind(
        fuzzy_decreasing,
        lambda a, b, shape="linear": _check_pair("fuzzy_decreasing", a, b, shape),
        ("a", "b"),
        {"shape": "linear"},
    ),
    "fuzzy_symmetric": _Kind(
        fuzzy_symmetric, _check_symmetric, ("a", "b", "c", "d"), {"shape": "linear"}
    ),
    "categorical": _Kind(categorical, _check_categorical, ("mapping",), {"default": 0.0}),
}


def _plain(value: Any) -> Any:
    """Turn numpy scalars/arrays and tuples into JSON-friendly Python values."""
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class TransformSpec:
    """A transform as plain data: what a scenario saves and a dialog edits.

    Parameters
    ----------
    kind : str
        One of :data:`TRANSFORMS` (``"linear"``, ``"minmax"``, ``"threshold"``,
        ``"fuzzy_increasing"``, ``"fuzzy_decreasing"``, ``"fuzzy_symmetric"``, ``"categorical"``).
    params : dict
        Keyword parameters of that function, e.g. ``{"lo": 0, "hi": 1000, "benefit": False}``.
        Optional parameters left out take their defaults.

    Raises
    ------
    ValueError
        On construction, if the kind is unknown, a parameter is missing or unexpected, or a
        value is invalid; the message names the transform and the field.

    Examples
    --------
    >>> spec = TransformSpec("linear", {"lo": 0, "hi": 1000, "benefit": False})
    >>> spec.apply([250]).tolist()
    [0.75]
    >>> TransformSpec.from_dict(spec.to_dict()) == spec
    True
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in TRANSFORMS:
            raise ValueError(
                f"transform {self.kind!r}: unknown kind; expected one of {sorted(TRANSFORMS)}"
            )
        spec = TRANSFORMS[self.kind]
        given = dict(self.params)
        missing = [p for p in spec.required if p not in given]
        if missing:
            _fail(self.kind, f"missing parameter(s) {', '.join(missing)}")
        allowed = set(spec.required) | set(spec.optional)
        extra = sorted(set(given) - allowed)
        if extra:
            _fail(
                self.kind,
                f"unexpected parameter(s) {', '.join(extra)}; "
                f"allowed: {', '.join(sorted(allowed))}",
            )
        full = {**spec.optional, **_plain(given)}
        spec.check(**full)
        object.__setattr__(self, "params", full)

    def apply(self, x: object) -> np.ndarray | float:
        """Transform raw values ``x`` to scores in 0..1."""
        return TRANSFORMS[self.kind].function(x, **self.params)

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"kind": ..., "params": {...}}`` with JSON-friendly values."""
        return {"kind": self.kind, "params": _plain(dict(self.params))}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TransformSpec:
        """Build a spec from :meth:`to_dict` output (e.g. read from the project file)."""
        if not isinstance(data, Mapping) or "kind" not in data:
            raise ValueError(f"transform: expected a mapping with a 'kind' key, got {data!r}")
        extra = sorted(set(data) - {"kind", "params"})
        if extra:
            raise ValueError(f"transform {data['kind']!r}: unexpected key(s) {', '.join(extra)}")
        params = data.get("params", {})
        if not isinstance(params, Mapping):
            raise ValueError(f"transform {data['kind']!r}: 'params' must be a mapping")
        return cls(str(data["kind"]), dict(params))
