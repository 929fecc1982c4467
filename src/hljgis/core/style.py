"""The style model: how a layer looks, as plain JSON-able data (no Qt).

A layer keeps its style as a dict (``layer.style``) so the project file stores it verbatim and
the GUI, the renderer and the print legend all read the same thing. The classes here give that
dict a shape, defaults and validation; ``Style.from_dict(d).to_dict()`` is lossless.

Schema (version 1)
------------------
::

    {
      "version": 1,
      "renderer": {                       # one of three kinds
        "kind": "single", "symbol": SYMBOL
      } | {
        "kind": "categorized", "field": "status",
        "categories": [{"value": "opened", "label": "Opened", "label_zh": "已开通",
                        "symbol": SYMBOL}, ...],
        "other": {"label": "Other", "label_zh": "其他", "symbol": SYMBOL} | None,
        "multi": false                    # true: values are "a;b" lists, the first decides
      } | {
        "kind": "graduated", "field": "score",
        "method": "quantiles" | "natural_breaks" | "equal_interval" | "manual",
        "k": 5, "ramp": "YlOrRd",
        "classes": [{"lower": 0.0, "upper": 0.2, "label": "0.00 - 0.20", "label_zh": "",
                     "symbol": SYMBOL}, ...],
        "symbol": SYMBOL                  # template for the classes (outline, marker, ...)
      } | {
        "kind": "raster", "band": 1, "ramp": "terrain", "min": null, "max": null,
        "hillshade": true, ...           # stretch, hillshade sun, blend: core.raster_style
      },
      "labels": {"enabled": false, "field": "name_zh", "field2": "name_en", "size_pt": 9.0,
                 "color": "#222222", "halo_color": "#ffffff", "halo_width_mm": 0.5,
                 "priority": 5, "priority_field": null, "bold": false,
                 "max_scale": null,           # labels only when zoomed in past 1:max_scale
                 "callout": false}            # points: move labels out with a leader line
    }

    SYMBOL = {"type": "fill" | "line" | "marker",
              "fill": "#rrggbb[aa]" | None, "stroke": "#rrggbb[aa]" | None,
              "stroke_width_mm": 0.26, "dash": "solid" | "dash" | "dot" | "dashdot" | [mm, ...],
              "hatch": None | "bdiag" | "fdiag" | "cross" | "diagcross" | "horizontal"
                       | "vertical",
              "hatch_color": "#rrggbb[aa]" | None,
              "marker": "circle" | "square" | "triangle" | "diamond" | "star" | "cross",
              "size_mm": 2.0,
              "layers": [SYMBOL, ...]}    # optional: extra symbol layers drawn on top

Colours are ``#rrggbb`` or ``#rrggbbaa`` (alpha last, as in CSS). A graduated class holds a
value ``v`` when ``lower < v <= upper``; the first class also holds its lower bound.
"""

from __future__ import annotations

import copy
import math
import warnings
from dataclasses import dataclass
from dataclasses import field as _dcfield
from typing import Any

import numpy as np

STYLE_VERSION = 1

RENDERER_KINDS = ("single", "categorized", "graduated", "raster")
SYMBOL_TYPES = ("fill", "line", "marker")
MARKERS = ("circle", "square", "triangle", "diamond", "star", "cross")
DASHES = ("solid", "dash", "dot", "dashdot")
HATCHES = ("bdiag", "fdiag", "cross", "diagcross", "horizontal", "vertical")
METHODS = ("quantiles", "natural_breaks", "equal_interval", "manual")

#: Dash patterns in multiples of the line width (as Qt and SVG count them).
DASH_PATTERNS = {"dash": [4.0, 2.5], "dot": [1.0, 2.0], "dashdot": [4.0, 2.0, 1.0, 2.0]}

# -- colour ramps ----------------------------------------------------------------------------
#: A small set of ColorBrewer ramps (Cynthia Brewer, Apache-2.0), darkest class last, plus two
#: hypsometric ramps for DEMs: "terrain" (saturated) and "relief" (pale, for a base map under
#: thematic layers, where relief should be felt rather than seen). Sequential ramps suit
#: scores and densities, diverging ones change around a midpoint, qualitative ones are for
#: categories.
RAMPS: dict[str, list[str]] = {
    "YlOrRd": ["#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a", "#e31a1c",
               "#bd0026", "#800026"],
    "OrRd": ["#fff7ec", "#fee8c8", "#fdd49e", "#fdbb84", "#fc8d59", "#ef6548", "#d7301f",
             "#b30000", "#7f0000"],
    "Reds": ["#fff5f0", "#fee0d2", "#fcbba1", "#fc9272", "#fb6a4a", "#ef3b2c", "#cb181d",
             "#a50f15", "#67000d"],
    "Blues": ["#f7fbff", "#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5",
              "#08519c", "#08306b"],
    "Greens": ["#f7fcf5", "#e5f5e0", "#c7e9c0", "#a1d99b", "#74c476", "#41ab5d", "#238b45",
               "#006d2c", "#00441b"],
    "Purples": ["#fcfbfd", "#efedf5", "#dadaeb", "#bcbddc", "#9e9ac8", "#807dba", "#6a51a3",
                "#54278f", "#3f007d"],
    "Greys": ["#ffffff", "#f0f0f0", "#d9d9d9", "#bdbdbd", "#969696", "#737373", "#525252",
              "#252525", "#000000"],
    "YlGnBu": ["#ffffd9", "#edf8b1", "#c7e9b4", "#7fcdbb", "#41b6c4", "#1d91c0", "#225ea8",
               "#253494", "#081d58"],
    "YlGn": ["#ffffe5", "#f7fcb9", "#d9f0a3", "#addd8e", "#78c679", "#41ab5d", "#238443",
             "#006837", "#004529"],
    "RdYlGn": ["#a50026", "#d73027", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#d9ef8b",
               "#a6d96a", "#66bd63", "#1a9850", "#006837"],
    "Spectral": ["#9e0142", "#d53e4f", "#f46d43", "#fdae61", "#fee08b", "#ffffbf", "#e6f598",
                 "#abdda4", "#66c2a5", "#3288bd", "#5e4fa2"],
    "RdBu": ["#67001f", "#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7", "#d1e5f0",
             "#92c5de", "#4393c3", "#2166ac", "#053061"],
    "Set2": ["#66c2a5", "#fc8d62", "#8da0cb", "#e78ac3", "#a6d854", "#ffd92f", "#e5c494",
             "#b3b3b3"],
    "Dark2": ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
              "#666666"],
    "Paired": ["#a6cee3", "#1f78b4", "#b2df8a", "#33a02c", "#fb9a99", "#e31a1c", "#fdbf6f",
               "#ff7f00", "#cab2d6", "#6a3d9a", "#ffff99", "#b15928"],
    "relief": ["#dde8d3", "#e6ecd2", "#eeedd6", "#efe6cf", "#e8dcc6", "#e3d6c6", "#ece6df",
               "#f7f5f2"],
    "terrain": ["#4a7c45", "#7aa35a", "#b5c27a", "#e0d59a", "#d2b48c", "#b08d66", "#9a7d6b",
                "#c9c0bb", "#f5f3f0"],
}
QUALITATIVE_RAMPS = ("Set2", "Dark2", "Paired")


def hex_to_rgba(color: str) -> tuple[int, int, int, int]:
    """``#rgb``, ``#rrggbb`` or ``#rrggbbaa`` -> (r, g, b, a) in 0..255."""
    c = color.lstrip("#") if isinstance(color, str) and color.startswith("#") else ""
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    if len(c) not in (6, 8) or any(ch not in "0123456789abcdefABCDEF" for ch in c):
        raise ValueError(f"not a colour: {color!r} (use #rrggbb or #rrggbbaa)")
    a = int(c[6:8], 16) if len(c) == 8 else 255
    return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16), a


def rgba_to_hex(r: float, g: float, b: float, a: float = 255) -> str:
    """(r, g, b[, a]) -> ``#rrggbb`` (or ``#rrggbbaa`` when not opaque)."""
    vals = [round(min(255, max(0, v))) for v in (r, g, b, a)]
    text = "#{:02x}{:02x}{:02x}".format(*vals[:3])
    return text if vals[3] == 255 else text + f"{vals[3]:02x}"


def ramp_colors(name: str, k: int, *, reverse: bool = False) -> list[str]:
    """``k`` colours from a named ramp.

    Sequential and diverging ramps are sampled evenly end to end (interpolated in RGB), so
    the first and last class keep the ramp's extremes; qualitative ramps are taken in order
    (repeating past their length), because interpolating between unrelated hues makes
    muddy colours.
    """
    if name not in RAMPS:
        raise ValueError(f"unknown colour ramp {name!r}; choose one of {', '.join(RAMPS)}")
    stops = RAMPS[name]
    if k <= 0:
        return []
    if name in QUALITATIVE_RAMPS:
        out = [stops[i % len(stops)] for i in range(k)]
    else:
        rgb = np.array([hex_to_rgba(s)[:3] for s in stops], dtype=float)
        pos = np.linspace(0.0, 1.0, len(stops))
        at = np.linspace(0.0, 1.0, k) if k > 1 else np.array([0.5])
        out = [rgba_to_hex(*(np.interp(t, pos, rgb[:, j]) for j in range(3))) for t in at]
    return out[::-1] if reverse else out


def ramp_lut(name: str, n: int = 256) -> np.ndarray:
    """(n, 4) uint8 RGBA lookup table of a ramp, for rasters."""
    rgb = np.array([hex_to_rgba(s)[:3] for s in RAMPS[name]], dtype=float)
    pos = np.linspace(0.0, 1.0, len(rgb))
    t = np.linspace(0.0, 1.0, n)
    lut = np.empty((n, 4), dtype=np.uint8)
    for j in range(3):
        lut[:, j] = np.round(np.interp(t, pos, rgb[:, j]))
    lut[:, 3] = 255
    return lut


# -- symbols ---------------------------------------------------------------------------------
_SYMBOL_DEFAULTS: dict[str, dict[str, Any]] = {
    "fill": {"type": "fill", "fill": "#c8d7e6", "stroke": "#5a6e82", "stroke_width_mm": 0.26,
             "dash": "solid", "hatch": None, "hatch_color": None},
    "line": {"type": "line", "fill": None, "stroke": "#3c5a78", "stroke_width_mm": 0.4,
             "dash": "solid"},
    "marker": {"type": "marker", "fill": "#e6550d", "stroke": "#ffffff", "stroke_width_mm": 0.2,
               "dash": "solid", "marker": "circle", "size_mm": 2.2},
}


def symbol_type_for(geometry_type: str | None) -> str:
    """The symbol type that draws a geometry family ("Point" -> "marker", ...)."""
    return {"Point": "marker", "LineString": "line"}.get(geometry_type or "", "fill")


def make_symbol(type_: str = "fill", **values) -> dict:
    """A complete symbol dict of ``type_`` with defaults filled in, checked.

    Examples
    --------
    >>> make_symbol("line", stroke="#c00000", stroke_width_mm=0.8, dash="dash")["dash"]
    'dash'
    """
    if type_ not in SYMBOL_TYPES:
        raise ValueError(f"symbol type must be one of {SYMBOL_TYPES}, not {type_!r}")
    sym = copy.deepcopy(_SYMBOL_DEFAULTS[type_])
    sym.update(values)
    return normalize_symbol(sym)


def normalize_symbol(sym: dict) -> dict:
    """Fill missing keys from the type's defaults and validate values (returns a copy)."""
    type_ = sym.get("type", "fill")
    if type_ not in SYMBOL_TYPES:
        raise ValueError(f"symbol type must be one of {SYMBOL_TYPES}, not {type_!r}")
    out = copy.deepcopy(_SYMBOL_DEFAULTS[type_])
    out.update(copy.deepcopy(sym))
    for key in ("fill", "stroke", "hatch_color"):
        if out.get(key) is not None:
            hex_to_rgba(out[key])
    dash = out.get("dash", "solid")
    if isinstance(dash, str):
        if dash not in DASHES:
            raise ValueError(f"dash must be one of {DASHES} or a list of mm, not {dash!r}")
    else:
        out["dash"] = [float(v) for v in dash]
    if out.get("hatch") is not None and out["hatch"] not in HATCHES:
        raise ValueError(f"hatch must be one of {HATCHES} or None, not {out['hatch']!r}")
    if "marker" in out and out["marker"] not in MARKERS:
        raise ValueError(f"marker must be one of {MARKERS}, not {out['marker']!r}")
    if float(out.get("stroke_width_mm", 0.0)) < 0:
        raise ValueError("stroke_width_mm must not be negative")
    if "layers" in out:
        out["layers"] = [normalize_symbol(s) for s in out["layers"]]
    return out


# -- renderers -------------------------------------------------------------------------------
@dataclass
class Category:
    """One value of a categorized renderer and how it is drawn."""

    value: Any
    symbol: dict
    label: str = ""
    label_zh: str = ""

    def to_dict(self) -> dict:
        return {"value": self.value, "label": self.label, "label_zh": self.label_zh,
                "symbol": copy.deepcopy(self.symbol)}

    @classmethod
    def from_dict(cls, d: dict) -> Category:
        return cls(value=d.get("value"), symbol=normalize_symbol(d["symbol"]),
                   label=d.get("label", "" if d.get("value") is None else str(d["value"])),
                   label_zh=d.get("label_zh", ""))


@dataclass
class GradClass:
    """One class of a graduated renderer: ``lower < value <= upper``."""

    lower: float
    upper: float
    symbol: dict
    label: str = ""
    label_zh: str = ""

    def to_dict(self) -> dict:
        return {"lower": self.lower, "upper": self.upper, "label": self.label,
                "label_zh": self.label_zh, "symbol": copy.deepcopy(self.symbol)}

    @classmethod
    def from_dict(cls, d: dict) -> GradClass:
        return cls(lower=float(d["lower"]), upper=float(d["upper"]),
                   symbol=normalize_symbol(d["symbol"]), label=d.get("label", ""),
                   label_zh=d.get("label_zh", ""))


@dataclass
class Renderer:
    """How features get a symbol: ``single``, ``categorized``, ``graduated`` (or ``raster``)."""

    kind: str = "single"
    symbol: dict = _dcfield(default_factory=lambda: make_symbol("fill"))
    field: str | None = None
    categories: list[Category] = _dcfield(default_factory=list)
    other: dict | None = None
    multi: bool = False
    method: str = "quantiles"
    k: int = 5
    ramp: str = "YlOrRd"
    classes: list[GradClass] = _dcfield(default_factory=list)
    raster: dict = _dcfield(default_factory=dict)

    def to_dict(self) -> dict:
        if self.kind == "single":
            return {"kind": "single", "symbol": copy.deepcopy(self.symbol)}
        if self.kind == "categorized":
            other = None
            if self.other is not None:
                other = {"label": self.other.get("label", "Other"),
                         "label_zh": self.other.get("label_zh", "其他"),
                         "symbol": copy.deepcopy(self.other["symbol"])}
            return {"kind": "categorized", "field": self.field,
                    "categories": [c.to_dict() for c in self.categories], "other": other,
                    "multi": self.multi, "symbol": copy.deepcopy(self.symbol)}
        if self.kind == "graduated":
            return {"kind": "graduated", "field": self.field, "method": self.method,
                    "k": self.k, "ramp": self.ramp,
                    "classes": [c.to_dict() for c in self.classes],
                    "symbol": copy.deepcopy(self.symbol)}
        return {"kind": "raster", **copy.deepcopy(self.raster)}

    @classmethod
    def from_dict(cls, d: dict | None) -> Renderer:
        d = d or {"kind": "single"}
        kind = d.get("kind", "single")
        if kind not in RENDERER_KINDS:
            raise ValueError(f"renderer kind must be one of {RENDERER_KINDS}, not {kind!r}")
        sym = normalize_symbol(d["symbol"]) if d.get("symbol") else make_symbol("fill")
        if kind == "single":
            return cls(kind=kind, symbol=sym)
        if kind == "categorized":
            other = d.get("other")
            if other is not None:
                other = {"label": other.get("label", "Other"),
                         "label_zh": other.get("label_zh", "其他"),
                         "symbol": normalize_symbol(other["symbol"])}
            return cls(kind=kind, symbol=sym, field=d.get("field"), other=other,
                       multi=bool(d.get("multi", False)),
                       categories=[Category.from_dict(c) for c in d.get("categories", [])])
        if kind == "graduated":
            method = d.get("method", "quantiles")
            if method not in METHODS:
                raise ValueError(f"method must be one of {METHODS}, not {method!r}")
            return cls(kind=kind, symbol=sym, field=d.get("field"), method=method,
                       k=int(d.get("k", 5)), ramp=d.get("ramp", "YlOrRd"),
                       classes=[GradClass.from_dict(c) for c in d.get("classes", [])])
        raster = {k: copy.deepcopy(v) for k, v in d.items() if k != "kind"}
        return cls(kind="raster", raster=raster)


@dataclass
class Labels:
    """Label settings: text from ``field`` (and a second line from ``field2``)."""

    enabled: bool = False
    field: str | None = None
    field2: str | None = None
    size_pt: float = 9.0
    color: str = "#222222"
    halo_color: str | None = "#ffffff"
    halo_width_mm: float = 0.5
    priority: int = 5
    priority_field: str | None = None
    bold: bool = False
    #: Show labels only at scales larger than 1:max_scale (None: always).
    max_scale: float | None = None
    #: Point labels may move up to 12 mm away, with a leader line, rather than be dropped
    #: (numbered sites that cluster).
    callout: bool = False

    def to_dict(self) -> dict:
        return {"enabled": self.enabled, "field": self.field, "field2": self.field2,
                "size_pt": self.size_pt, "color": self.color, "halo_color": self.halo_color,
                "halo_width_mm": self.halo_width_mm, "priority": self.priority,
                "priority_field": self.priority_field, "bold": self.bold,
                "max_scale": self.max_scale, "callout": self.callout}

    @classmethod
    def from_dict(cls, d: dict | None) -> Labels:
        d = dict(d or {})
        known = cls().to_dict()
        unknown = set(d) - set(known)
        if unknown:
            raise ValueError(f"unknown label settings: {', '.join(sorted(unknown))}")
        known.update(d)
        return cls(**known)


@dataclass
class Style:
    """A layer's whole style: a renderer and label settings. Stored as :meth:`to_dict`."""

    renderer: Renderer = _dcfield(default_factory=Renderer)
    labels: Labels = _dcfield(default_factory=Labels)

    def to_dict(self) -> dict:
        return {"version": STYLE_VERSION, "renderer": self.renderer.to_dict(),
                "labels": self.labels.to_dict()}

    @classmethod
    def from_dict(cls, d: dict | None) -> Style:
        """Read a stored style; an empty dict is the default single-symbol style."""
        d = d or {}
        version = int(d.get("version", STYLE_VERSION))
        if version > STYLE_VERSION:
            raise ValueError(f"style version {version} is newer than this hljgis "
                             f"understands ({STYLE_VERSION}); update hljgis")
        return cls(renderer=Renderer.from_dict(d.get("renderer")),
                   labels=Labels.from_dict(d.get("labels")))


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


# -- legend ----------------------------------------------------------------------------------
def legend_entries(layer_or_style, lang: str = "en") -> list[tuple[str, dict]]:
    """(label, symbol) pairs for the layer panel and the print legend, in drawing order.

    A single-symbol layer gives one entry labelled with the layer's title; categorized and
    graduated layers give one entry per class (and "Other" last). Raster layers give the
    ramp's two ends. Labels are Chinese when ``lang`` starts with "zh" and a Chinese label
    exists.
    """
    zh = lang.startswith("zh")
    title = ""
    geom = None
    if isinstance(layer_or_style, dict):
        style = layer_or_style
    else:
        layer = layer_or_style
        style = layer.style or default_style(layer)
        title = layer.display_title(lang) if hasattr(layer, "display_title") else ""
        geom = getattr(layer, "geometry_type", None)
    r = Renderer.from_dict(style.get("renderer"))

    def pick(en: str, zh_text: str) -> str:
        return zh_text if zh and zh_text else en

    def typed(sym: dict) -> dict:
        sym = copy.deepcopy(sym)
        if geom in ("Point", "LineString", "Polygon") and "type" not in sym:
            sym["type"] = symbol_type_for(geom)
        return sym

    def category(c) -> str:
        # a class labelled with its raw code ("provincial") reads as the code's label
        from hljgis.core.aliases import CODE_LABELS

        en, zh_text = c.label, c.label_zh
        known = CODE_LABELS.get(c.value) if isinstance(c.value, str) else None
        if known is not None:
            en = known.en if not en or en == c.value else en
            zh_text = zh_text or known.zh
        return pick(en, zh_text)

    if r.kind == "categorized":
        out = [(category(c), typed(c.symbol)) for c in r.categories]
        if r.other is not None:
            out.append((pick(r.other["label"], r.other.get("label_zh", "")),
                        typed(r.other["symbol"])))
        return out
    if r.kind == "graduated":
        return [(pick(c.label, c.label_zh), typed(c.symbol)) for c in r.classes]
    if r.kind == "raster":
        ramp = r.raster.get("ramp", "terrain")
        lo, hi = ramp_colors(ramp, 2, reverse=bool(r.raster.get("reverse")))
        low, high = pick("low", "低"), pick("high", "高")
        if not isinstance(layer_or_style, dict) and hasattr(layer_or_style, "path"):
            from hljgis.core.raster_style import format_value, layer_range

            try:
                vmin, vmax = layer_range(layer_or_style, r.raster)
            except (OSError, ValueError):  # file gone or style unreadable: words only
                pass
            else:
                low, high = f"{low} {format_value(vmin)}", f"{high} {format_value(vmax)}"
        return [(low, make_symbol("fill", fill=lo, stroke=None)),
                (high, make_symbol("fill", fill=hi, stroke=None))]
    return [(title, typed(r.symbol))]


# -- default styles of the bundled layers ----------------------------------------------------
#: The planning year the subsidence default style measures ground stability against when the
#: project names none (hljgis.core.subsidence.apply_planning_year restyles for the project's).
PLANNING_YEAR = 2026

#: Schema aliases: names used in briefs and older files -> schema names in core.schemas.
SCHEMA_ALIASES = {"city_boundaries": "cities", "district_boundaries": "districts",
                  "russia": "country"}

#: One colour per pillar-industry code, chosen so related industries read as families
#: (coal greys/browns, manufacturing blues, bio-based greens) and stay apart on a pale base.
INDUSTRY_COLORS = {
    "coal": "#4a4a4a", "coal_electricity": "#8c6d31", "coal_electricity_chemistry": "#7b3294",
    "graphite": "#5b6b82", "green_food": "#4daf4a", "pharmaceuticals": "#e7298a",
    "tourism": "#1f9bd1", "wood_products": "#a6761d", "machinery": "#2c5fa8",
    "resource_recycling": "#7fbc41", "steel_metallurgy": "#b2182b", "foreign_trade": "#f08c00",
}

_STATUS_ZH = {"opened": "已开通", "under_construction": "在建", "planned": "规划",
              "closed": "停用"}
_STATUS_EN = {"opened": "Opened", "under_construction": "Under construction",
              "planned": "Planned", "closed": "Closed"}


def _cat(value, label, label_zh, symbol) -> dict:
    return {"value": value, "label": label, "label_zh": label_zh, "symbol": symbol}


def _labels(field_name, field2=None, **kw) -> dict:
    d = Labels(enabled=True, field=field_name, field2=field2).to_dict()
    d.update(kw)
    return d


def _categorized(field_name, cats, other=None, multi=False, labels=None) -> dict:
    return {"version": STYLE_VERSION,
            "renderer": {"kind": "categorized", "field": field_name, "categories": cats,
                         "other": other, "multi": multi,
                         "symbol": copy.deepcopy(cats[0]["symbol"])},
            "labels": labels or Labels().to_dict()}


def _single(symbol, labels=None) -> dict:
    return {"version": STYLE_VERSION, "renderer": {"kind": "single", "symbol": symbol},
            "labels": labels or Labels().to_dict()}


def _transport_line(stroke, width, casing=None) -> list[dict]:
    """Opened solid, under construction dashed, planned dotted, closed grey: one per status."""
    def line(dash, w, color=stroke):
        sym = make_symbol("line", stroke=color, stroke_width_mm=w, dash=dash)
        if casing and dash == "solid":
            sym = make_symbol("line", stroke=casing, stroke_width_mm=w + 0.5,
                              layers=[sym])
        return sym
    return [
        _cat("opened", "Opened", "已开通", line("solid", width)),
        _cat("under_construction", "Under construction", "在建", line("dash", width * 0.85)),
        _cat("planned", "Planned", "规划", line("dot", width * 0.8)),
        _cat("closed", "Closed", "停用", line("dash", width * 0.6, "#9e9e9e")),
    ]


def _subsidence(year: int | None = None) -> dict:
    """Zones classed by ``stable_from_year`` for the planning year: the same rule as
    :func:`hljgis.core.subsidence.subsidence_status` (the year of ``stable_from_year``
    itself counts as stable)."""
    from hljgis.core.subsidence import status_classes, status_labels

    year = PLANNING_YEAR if year is None else int(year)
    settling = make_symbol("fill", fill="#fc9272b3", stroke="#b2182b", stroke_width_mm=0.3,
                           hatch="bdiag", hatch_color="#b2182b")
    mining = make_symbol("fill", fill="#cb181dbf", stroke="#67000d", stroke_width_mm=0.35,
                         hatch="diagcross", hatch_color="#67000d")
    stable = make_symbol("fill", fill="#fec44fb3", stroke="#cc8a00", stroke_width_mm=0.26)
    symbols = {"stable": stable, "settling": settling, "mining": mining}
    labels = status_labels(year)
    classes = [{"lower": lo, "upper": hi, "symbol": symbols[st], "label": labels[st][0],
                "label_zh": labels[st][1]} for lo, hi, st in status_classes(year)]
    return {"version": STYLE_VERSION,
            "renderer": {"kind": "graduated", "field": "stable_from_year", "method": "manual",
                         "k": 3, "ramp": "OrRd", "classes": classes, "symbol": stable},
            "labels": _labels("name_zh", None, size_pt=7.5, color="#7f2704",
                              halo_width_mm=0.4, priority=4, max_scale=300_000)}


def _industry_cats(type_, **sym_kw) -> list[dict]:
    from_schemas = _industry_titles()
    cats = []
    for code, color in INDUSTRY_COLORS.items():
        en, zh = from_schemas.get(code, (code.replace("_", " ").capitalize(), ""))
        if type_ == "marker":
            sym = make_symbol("marker", fill=color, **sym_kw)
        else:
            r, g, b, _ = hex_to_rgba(color)
            sym = make_symbol("fill", fill=rgba_to_hex(r, g, b, 150), stroke=color, **sym_kw)
        cats.append(_cat(code, en, zh, sym))
    return cats


def _industry_titles() -> dict:
    try:
        from hljgis.core.schemas import INDUSTRY_TITLES
    except ImportError:  # pragma: no cover - schemas ship with core
        return {}
    return dict(INDUSTRY_TITLES)


def _status_markers(marker, color, size) -> list[dict]:
    return [
        _cat("opened", "Opened", "已开通",
             make_symbol("marker", marker=marker, fill=color, stroke="#ffffff",
                         stroke_width_mm=0.3, size_mm=size)),
        _cat("under_construction", "Under construction", "在建",
             make_symbol("marker", marker=marker, fill="#ffffff", stroke=color,
                         stroke_width_mm=0.45, size_mm=size)),
        _cat("planned", "Planned", "规划",
             make_symbol("marker", marker=marker, fill="#ffffffb3", stroke=color,
                         stroke_width_mm=0.35, dash="dot", size_mm=size * 0.9)),
        _cat("closed", "Closed", "停用",
             make_symbol("marker", marker=marker, fill="#bdbdbd", stroke="#ffffff",
                         stroke_width_mm=0.3, size_mm=size * 0.8)),
    ]


def _default_styles() -> dict[str, dict]:
    """Default style of every bundled schema, as a cartographer would set up the project:
    a quiet warm-grey base (province, neighbours, Russia, districts), blue water, and strong,
    status-coded thematic layers on top."""
    crossing_colors = {"rail": "#6a51a3", "road": "#d95f02", "bridge": "#e7298a",
                       "river": "#2171b5", "ice_road": "#41b6c4", "pipeline": "#636363"}
    crossing_zh = {"rail": "铁路", "road": "公路", "bridge": "大桥", "river": "水运",
                   "ice_road": "冰上通道", "pipeline": "管道"}
    return {
        "province": _single(make_symbol("fill", fill="#f6f3eccc", stroke="#8f8675",
                                        stroke_width_mm=0.5, dash="dashdot")),
        "country": _single(make_symbol("fill", fill="#e4e4e2d9", stroke="#a9a9a6",
                                       stroke_width_mm=0.3),
                           _labels("name_zh", "name", size_pt=11.0, color="#7a7a76",
                                   priority=6)),
        "prefectures": _single(make_symbol("fill", fill="#f1ede4cc", stroke="#bdb5a5",
                                           stroke_width_mm=0.3),
                               _labels("name_zh", "name", size_pt=8.0, color="#8a8272",
                                       priority=4)),
        "cities": _single(make_symbol("fill", fill="#fffdf8e6", stroke="#3a3a3a",
                                      stroke_width_mm=0.8),
                          _labels("name_zh", "name", size_pt=12.0, color="#1a1a1a",
                                  halo_width_mm=0.8, priority=10, bold=True)),
        "districts": _single(make_symbol("fill", fill=None, stroke="#8f8f8f",
                                         stroke_width_mm=0.25, dash="dash"),
                             _labels("name_zh", None, size_pt=7.5, color="#6e6e6e",
                                     priority=3, max_scale=600_000)),
        # drawn above water and land fills so the border across Lake Khanka and the Amur
        # shows (the cities' outlines lie under the lakes)
        "borders": _single(make_symbol("line", stroke="#ffffff", stroke_width_mm=1.1,
                                       layers=[make_symbol("line", stroke="#6a4a6a",
                                                           stroke_width_mm=0.7,
                                                           dash="dashdot")])),
        "lakes": _single(make_symbol("fill", fill="#c6dff2", stroke="#6fa8dc",
                                     stroke_width_mm=0.25),
                         _labels("name_zh", "name", size_pt=8.0, color="#2b6a9e",
                                 halo_color="#ffffffcc", halo_width_mm=0.4, priority=2)),
        "rivers": _single(make_symbol("line", stroke="#6fa8dc", stroke_width_mm=0.45),
                          _labels("name_zh", None, size_pt=7.5, color="#2b6a9e",
                                  halo_color="#ffffffcc", halo_width_mm=0.4, priority=1)),
        "towns": _categorized("role", [
            _cat("city_seat", "City seat", "地级市驻地",
                 make_symbol("marker", marker="square", fill="#1a1a1a", stroke="#ffffff",
                             stroke_width_mm=0.3, size_mm=2.6)),
            _cat("county_seat", "County seat", "县级驻地",
                 make_symbol("marker", marker="circle", fill="#404040", stroke="#ffffff",
                             stroke_width_mm=0.25, size_mm=1.9)),
            _cat("town", "Town", "镇",
                 make_symbol("marker", marker="circle", fill="#737373", stroke="#ffffff",
                             stroke_width_mm=0.2, size_mm=1.3)),
            _cat("foreign_city", "Russian town", "俄罗斯城镇",
                 make_symbol("marker", marker="circle", fill="#8c8c8c", stroke="#ffffff",
                             stroke_width_mm=0.2, size_mm=1.6)),
        ], other={"label": "Other", "label_zh": "其他",
                  "symbol": make_symbol("marker", fill="#737373", stroke="#ffffff",
                                        stroke_width_mm=0.2, size_mm=1.3)},
            labels=_labels("name_zh", None, size_pt=8.0, color="#333333", priority=4,
                           priority_field="population")),
        "subsidence_zones": _subsidence(),
        "shanty_sites": _categorized("status", [
            _cat("cleared", "Cleared", "已完成改造",
                 make_symbol("fill", fill="#a6d96acc", stroke="#4d9221", stroke_width_mm=0.3)),
            _cat("under_redevelopment", "Under redevelopment", "正在改造",
                 make_symbol("fill", fill="#fdae61d9", stroke="#d6604d", stroke_width_mm=0.35)),
            _cat("planned", "Planned", "计划改造",
                 make_symbol("fill", fill="#d8daebcc", stroke="#542788", stroke_width_mm=0.35,
                             dash="dash")),
        ], other=None, labels=_labels("name_zh", None, size_pt=7.0, color="#3f3f3f",
                                      halo_width_mm=0.4, priority=3, max_scale=150_000)),
        "hsr_lines": _categorized("status", _transport_line("#c2185b", 1.0, casing="#ffffff"),
                                  labels=_labels("name_zh", None, size_pt=7.5,
                                                 color="#8e0f45", priority=3)),
        "hsr_stations": _categorized("status", _status_markers("circle", "#c2185b", 2.6),
                                     labels=_labels("name_zh", None, size_pt=7.5,
                                                    color="#8e0f45", priority=5)),
        "expressways": _categorized("status", _transport_line("#f0a030", 0.8, casing="#9a5b00"),
                                    labels=_labels("route", None, size_pt=7.0,
                                                   color="#7a4700", priority=2)),
        "airports": _categorized("status", _status_markers("diamond", "#1f3b73", 3.4),
                                 labels=_labels("name_zh", None, size_pt=7.5,
                                                color="#1f3b73", priority=6)),
        "border_crossings": _categorized("mode", [
            _cat(mode, mode.replace("_", " ").capitalize(), crossing_zh[mode],
                 make_symbol("marker", marker="triangle", fill=color, stroke="#ffffff",
                             stroke_width_mm=0.3, size_mm=3.4))
            for mode, color in crossing_colors.items()
        ], other={"label": "Other", "label_zh": "其他",
                  "symbol": make_symbol("marker", marker="triangle", fill="#969696",
                                        stroke="#ffffff", stroke_width_mm=0.3, size_mm=3.0)},
            multi=True,
            labels=_labels("name_zh", None, size_pt=7.5, color="#3d2a00", priority=7)),
        "industrial_parks": _categorized(
            "lead_industries", _industry_cats("fill", stroke_width_mm=0.35),
            other={"label": "Other", "label_zh": "其他",
                   "symbol": make_symbol("fill", fill="#bdbdbd99", stroke="#737373")},
            multi=True, labels=_labels("name_zh", None, size_pt=7.5, color="#2d2d2d",
                                       halo_width_mm=0.4, priority=4, max_scale=300_000)),
        "pillar_industries": _categorized(
            "industry", _industry_cats("marker", marker="circle", stroke="#ffffff",
                                       stroke_width_mm=0.3, size_mm=2.6),
            other={"label": "Other", "label_zh": "其他",
                   "symbol": make_symbol("marker", fill="#969696", stroke="#ffffff")}),
    }


_FALLBACK_COLORS = {"fill": "#b9cde0", "line": "#35618f", "marker": "#d95f0e"}


def default_style(schema_or_layer) -> dict:
    """The default style dict of a bundled schema or of a layer.

    Parameters
    ----------
    schema_or_layer : str or Layer
        A schema name of :mod:`hljgis.core.schemas` (aliases such as "city_boundaries" are
        accepted) or a layer: its ``schema`` picks the style; a layer without a known schema
        gets a single symbol matching its geometry; a raster layer gets a terrain ramp with
        hillshade.

    Returns
    -------
    dict
        A complete style dict (see the module docstring), a fresh copy each call.

    Examples
    --------
    >>> default_style("hsr_lines")["renderer"]["field"]
    'status'
    """
    schema: str | None
    if isinstance(schema_or_layer, str):
        schema, geom, columns = schema_or_layer, None, None
    else:
        layer = schema_or_layer
        if getattr(layer, "kind", "") == "raster":
            return {"version": STYLE_VERSION,
                    "renderer": {"kind": "raster", "band": 1, "ramp": "relief", "min": None,
                                 "max": None, "hillshade": True},
                    "labels": Labels().to_dict()}
        schema = getattr(layer, "schema", None)
        geom = getattr(layer, "geometry_type", None)
        gdf = getattr(layer, "gdf", None)
        columns = set(gdf.columns) if gdf is not None else None
    schema = schema if schema is None else SCHEMA_ALIASES.get(schema, schema)
    styles = _default_styles()
    if schema in styles:
        style = styles[schema]
        if columns is not None:
            field_name = style["renderer"].get("field")
            if field_name and field_name not in columns:
                # The user's layer lacks the field: keep the look of the first class.
                first = (style["renderer"].get("categories") or style["renderer"]
                         .get("classes") or [{"symbol": make_symbol(symbol_type_for(geom))}])
                style["renderer"] = {"kind": "single", "symbol": first[0]["symbol"]}
            lab = style["labels"]
            if lab.get("enabled") and lab.get("field") not in columns:
                lab["enabled"] = False
            if lab.get("field2") and lab["field2"] not in columns:
                lab["field2"] = None
        return copy.deepcopy(style)
    type_ = symbol_type_for(geom)
    color = _FALLBACK_COLORS[type_]
    if type_ == "fill":
        sym = make_symbol("fill", fill=color + "cc", stroke="#4a6785", stroke_width_mm=0.26)
    elif type_ == "line":
        sym = make_symbol("line", stroke=color, stroke_width_mm=0.5)
    else:
        sym = make_symbol("marker", fill=color, stroke="#ffffff", size_mm=2.4)
    return _single(sym)

__all__ = [
    "INDUSTRY_COLORS", "MARKERS", "METHODS", "PLANNING_YEAR", "RAMPS", "Category", "GradClass",
    "Labels", "Renderer", "Style",
    "categorized_renderer", "classify", "default_style", "graduated_renderer", "hex_to_rgba",
    "legend_entries", "make_symbol", "normalize_symbol", "ramp_colors", "ramp_lut",
    "symbol_classes", "symbol_type_for",
]
