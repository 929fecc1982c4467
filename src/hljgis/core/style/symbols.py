"""Symbol dicts: the vocabulary (types, markers, dashes, hatches), defaults and validation."""

from __future__ import annotations

import copy
from typing import Any

from hljgis.core.style.ramps import hex_to_rgba

SYMBOL_TYPES = ("fill", "line", "marker")
MARKERS = ("circle", "square", "triangle", "diamond", "star", "cross")
DASHES = ("solid", "dash", "dot", "dashdot")
HATCHES = ("bdiag", "fdiag", "cross", "diagcross", "horizontal", "vertical")

#: Dash patterns in multiples of the line width (as Qt and SVG count them).
DASH_PATTERNS = {"dash": [4.0, 2.5], "dot": [1.0, 2.0], "dashdot": [4.0, 2.0, 1.0, 2.0]}


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


