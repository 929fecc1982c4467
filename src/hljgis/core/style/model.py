"""The typed style model: renderer, classes and labels of a layer, as dataclasses (no Qt).

A layer keeps its style as a dict (``layer.style``) so the project file stores it verbatim and
the GUI, the renderer and the print legend all read the same thing. The classes here give that
dict a shape, defaults and validation; ``Style.from_dict(d).to_dict()`` is lossless. Editors
(the style dialog through :class:`hljgis.core.style.draft.StyleDraft`) work on these classes
and hand back :meth:`Style.to_dict`.

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
from dataclasses import dataclass
from dataclasses import field as _dcfield
from typing import Any

from hljgis.core.style.symbols import make_symbol, normalize_symbol

STYLE_VERSION = 1

RENDERER_KINDS = ("single", "categorized", "graduated", "raster")
METHODS = ("quantiles", "natural_breaks", "equal_interval", "manual")


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

