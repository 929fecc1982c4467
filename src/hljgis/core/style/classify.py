"""Classification (mapclassify breaks, category lists) and feature -> class assignment."""

from __future__ import annotations

import copy
import math
import warnings

import numpy as np

from hljgis.core.style.model import Renderer
from hljgis.core.style.ramps import ramp_colors
from hljgis.core.style.symbols import make_symbol, normalize_symbol

# -- classification --------------------------------------------------------------------------
#: FisherJenks runs in pure Python without numba; above this many values it works on an
#: evenly spaced sample of the sorted values, which keeps the breaks and takes milliseconds.
_FJ_SAMPLE = 1200


def classify(values, method: str = "quantiles", k: int = 5) -> list[float]:
    """Upper class bounds (``k`` of them, the last is the maximum), as mapclassify gives them
    (quantiles computed with numpy alone, see :mod:`hljgis.core.quantiles`).

    Parameters
    ----------
    values : array-like of numbers
        NaN and None are ignored.
    method : {"quantiles", "natural_breaks", "equal_interval"}
        ``natural_breaks`` is Fisher-Jenks (optimal), computed on a sample of at most 1,200
        sorted values for large inputs because mapclassify's pure-Python path is quadratic.
    k : int
        Number of classes; fewer come back when there are fewer distinct values.

    Returns
    -------
    list of float
        Upper bounds, ascending. A value v is in class i when ``bounds[i-1] < v <= bounds[i]``.

    Examples
    --------
    >>> classify(range(1, 101), "equal_interval", 4)
    [25.75, 50.5, 75.25, 100.0]
    """
    from hljgis.core.quantiles import quantile_bins

    arr = np.asarray(values, dtype=float).ravel()
    arr = arr[np.isfinite(arr)]
    if arr.size == 0:
        return []
    ordered = np.sort(arr)  # sorted once: distinct values and quantiles both read it
    distinct = ordered[np.r_[True, ordered[1:] != ordered[:-1]]]
    k = max(1, min(int(k), distinct.size))
    if distinct.size <= k:
        return [float(v) for v in distinct]
    if method == "quantiles":  # numpy alone: importing mapclassify costs over a second
        return [float(b) for b in quantile_bins(ordered, k, is_sorted=True)]
    import mapclassify

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if method == "equal_interval":
            bins = mapclassify.EqualInterval(arr, k=k).bins
        elif method == "natural_breaks":
            sample = np.sort(arr)
            if sample.size > _FJ_SAMPLE:
                idx = np.linspace(0, sample.size - 1, _FJ_SAMPLE).round().astype(int)
                sample = sample[idx]
            bins = np.array(mapclassify.FisherJenks(sample, k=k).bins, dtype=float)
            bins[-1] = arr.max()
        else:
            raise ValueError(f"method must be quantiles, natural_breaks or equal_interval, "
                             f"not {method!r}")
    return [float(b) for b in np.unique(np.asarray(bins, dtype=float))]


def _fmt(v: float) -> str:
    if v == 0 or (abs(v) >= 1000 and float(v).is_integer()):
        return f"{v:,.0f}"
    digits = max(0, 2 - math.floor(math.log10(abs(v))))
    return f"{v:,.{min(digits, 4)}f}"


def graduated_renderer(values, field_name: str, method: str = "quantiles", k: int = 5,
                       ramp: str = "YlOrRd", symbol: dict | None = None,
                       reverse: bool = False) -> dict:
    """A graduated renderer dict with breaks from :func:`classify` and colours from ``ramp``.

    ``symbol`` is the template every class copies (its type, outline, marker); each class
    only changes the fill (or the stroke, for lines).
    """
    arr = np.asarray(values, dtype=float)
    arr = arr[np.isfinite(arr)]
    bounds = classify(arr, method, k)
    template = normalize_symbol(symbol or make_symbol("fill", stroke="#ffffff",
                                                      stroke_width_mm=0.1))
    colors = ramp_colors(ramp, len(bounds), reverse=reverse)
    lower = float(arr.min()) if arr.size else 0.0
    classes = []
    for upper, color in zip(bounds, colors, strict=True):
        sym = copy.deepcopy(template)
        if sym["type"] == "line":
            sym["stroke"] = color
        else:
            sym["fill"] = color
        classes.append({"lower": lower, "upper": upper, "label": f"{_fmt(lower)} – {_fmt(upper)}",
                        "label_zh": "", "symbol": sym})
        lower = upper
    return {"kind": "graduated", "field": field_name, "method": method, "k": int(k),
            "ramp": ramp, "classes": classes, "symbol": template}


def categorized_renderer(values, field_name: str, ramp: str = "Set2",
                         symbol: dict | None = None, other: bool = True) -> dict:
    """A categorized renderer with one class per distinct value (sorted), qualitative colours."""
    import pandas as pd

    uniq = [v for v in pd.unique(pd.Series(list(values)).dropna())]
    uniq = sorted(uniq, key=lambda v: str(v))
    template = normalize_symbol(symbol or make_symbol("fill"))
    cats = []
    for v, color in zip(uniq, ramp_colors(ramp, len(uniq)), strict=True):
        sym = copy.deepcopy(template)
        sym["stroke" if sym["type"] == "line" else "fill"] = color
        cats.append({"value": _plain(v), "label": str(v), "label_zh": "", "symbol": sym})
    oth = None
    if other:
        sym = copy.deepcopy(template)
        sym["stroke" if sym["type"] == "line" else "fill"] = "#bdbdbd"
        oth = {"label": "Other", "label_zh": "其他", "symbol": sym}
    return {"kind": "categorized", "field": field_name, "categories": cats, "other": oth,
            "symbol": template}


def _plain(v):
    """numpy scalars -> Python scalars so the dict stays JSON-able."""
    return v.item() if isinstance(v, np.generic) else v


# -- feature -> class ------------------------------------------------------------------------
def symbol_classes(renderer: dict, table) -> tuple[np.ndarray, list[dict]]:
    """Class index of every feature and the symbol of each class (vectorised).

    Parameters
    ----------
    renderer : dict
        ``style["renderer"]``.
    table : pandas.DataFrame
        The features' attributes.

    Returns
    -------
    (numpy.ndarray of int32, list of dict)
        ``idx[i]`` is the class of feature i, or -1 when it is not drawn (a value no category
        lists and no "other" symbol, or outside every graduated class).
    """
    import pandas as pd

    r = Renderer.from_dict(renderer)
    n = len(table)
    if r.kind == "categorized" and r.field in getattr(table, "columns", ()):
        col = table[r.field]
        idx = np.full(n, -1, dtype=np.int32)
        symbols = [c.symbol for c in r.categories]
        if r.multi:  # "road;rail": the first listed value decides
            col = col.astype(object).where(col.notna(), None)
            col = col.astype(str).str.split(";").str[0].str.strip().where(col.notna(), None)
        missing = col.isna().to_numpy()
        as_str = np.where(missing, "\x00<missing>", col.astype(str).to_numpy())
        numeric = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        for i, cat in enumerate(r.categories):
            hit = (as_str == str(cat.value)) if cat.value is not None else missing
            if isinstance(cat.value, int | float) and not isinstance(cat.value, bool):
                hit = hit | (numeric == float(cat.value))
            idx[(idx < 0) & hit] = i
        if r.other is not None:
            idx[idx < 0] = len(symbols)
            symbols.append(r.other["symbol"])
        return idx, symbols
    if r.kind == "graduated" and r.field in getattr(table, "columns", ()) and r.classes:
        vals = pd.to_numeric(table[r.field], errors="coerce").to_numpy(dtype=float)
        uppers = np.array([c.upper for c in r.classes], dtype=float)
        idx = np.searchsorted(uppers, vals, side="left").astype(np.int32)
        first_lower = r.classes[0].lower
        # a value a rounding error beyond the outer limits still belongs to the outer class:
        # a site scoring a perfect 1 by WLC comes out as 1.0000000000000002 and must not
        # vanish from the 0..1 classes of a ranking map
        tol = 1e-9 * max(1.0, abs(uppers[-1]), abs(first_lower))
        idx[(idx >= len(uppers)) & (vals <= uppers[-1] + tol)] = len(uppers) - 1
        out = ~np.isfinite(vals) | (vals < first_lower - tol) | (idx >= len(uppers))
        idx[out] = -1
        return idx, [c.symbol for c in r.classes]
    if r.kind in ("categorized", "graduated"):
        # The field is missing: draw everything with the template so nothing silently vanishes.
        return np.zeros(n, dtype=np.int32), [r.symbol]
    return np.zeros(n, dtype=np.int32), [r.symbol]


