"""Default styles: the bundled layers' looks, read from ``resources/styles/<schema>.json``.

A cartographer set the project up as a quiet warm-grey base (province, neighbours, Russia,
districts), blue water, and strong, status-coded thematic layers on top. Those choices are
data, one JSON file per schema, so they can be read and changed without reading code. A file
holds a style dict (see :mod:`hljgis.core.style.model`) in a short form: a symbol lists only
the keys that differ from its type's defaults, labels only the settings that differ from
:class:`~hljgis.core.style.model.Labels`, and a classed renderer may leave out its shared
``symbol`` (the first class's is used). Loading fills all of that in and validates it, so
:func:`default_style` hands out complete dicts, as before.

Layers without a bundled style get a single symbol for their geometry; rasters a pale relief
ramp with hillshade.
"""

from __future__ import annotations

import copy
import functools
import json
from pathlib import Path

from hljgis.core.paths import resources_dir
from hljgis.core.style.model import STYLE_VERSION, Labels, Style
from hljgis.core.style.symbols import make_symbol, symbol_type_for
from hljgis.core.subsidence import DEFAULT_PLANNING_YEAR, restyle

#: The planning year the subsidence default style measures ground stability against when the
#: project names none (hljgis.core.subsidence.apply_planning_year restyles for the project's).
PLANNING_YEAR = DEFAULT_PLANNING_YEAR

#: Schema aliases: names used in briefs and older files -> schema names in core.schemas.
SCHEMA_ALIASES = {"city_boundaries": "cities", "district_boundaries": "districts",
                  "russia": "country"}

_FALLBACK_COLORS = {"fill": "#b9cde0", "line": "#35618f", "marker": "#d95f0e"}


def styles_dir() -> Path:
    """The folder of the bundled default styles (``resources/styles``)."""
    return resources_dir() / "styles"


def load_style_file(path: Path) -> dict:
    """A complete, validated style dict from one default-style file.

    Raises
    ------
    ValueError
        When the file is not JSON or not a valid style; the message names the file.
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        renderer = raw.get("renderer") or {}
        classes = renderer.get("categories") or renderer.get("classes")
        if classes and "symbol" not in renderer:
            renderer["symbol"] = copy.deepcopy(classes[0]["symbol"])
        return Style.from_dict(raw).to_dict()
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"default style {path}: {exc}") from exc


@functools.cache
def bundled_styles() -> dict[str, dict]:
    """Every bundled default style by schema name (read once; do not change the dicts)."""
    folder = styles_dir()
    styles = {path.stem: load_style_file(path) for path in sorted(folder.glob("*.json"))}
    if not styles:
        raise FileNotFoundError(f"no default styles in {folder}: the resources folder is "
                                f"incomplete (set HLJGIS_HOME to the folder holding "
                                f"resources/)")
    if "subsidence_zones" in styles:  # classes follow the one rule of core.subsidence
        styles["subsidence_zones"] = restyle(styles["subsidence_zones"], PLANNING_YEAR)
    return styles


def industry_colors() -> dict[str, str]:
    """One colour per pillar-industry code (the fills of the pillar-industry style), chosen
    so related industries read as families (coal greys/browns, manufacturing blues,
    bio-based greens) and stay apart on a pale base."""
    cats = bundled_styles()["pillar_industries"]["renderer"]["categories"]
    return {c["value"]: c["symbol"]["fill"] for c in cats}


def default_style(schema_or_layer) -> dict:
    """The default style dict of a bundled schema or of a layer.

    Parameters
    ----------
    schema_or_layer : str or Layer
        A schema name of :mod:`hljgis.core.schemas` (aliases such as "city_boundaries" are
        accepted) or a layer: its ``schema`` picks the style; a layer without a known schema
        gets a single symbol matching its geometry; a raster layer gets a relief ramp with
        hillshade.

    Returns
    -------
    dict
        A complete style dict (see :mod:`hljgis.core.style.model`), a fresh copy each call.

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
    styles = bundled_styles()
    if schema in styles:
        style = copy.deepcopy(styles[schema])
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
        return style
    type_ = symbol_type_for(geom)
    color = _FALLBACK_COLORS[type_]
    if type_ == "fill":
        sym = make_symbol("fill", fill=color + "cc", stroke="#4a6785", stroke_width_mm=0.26)
    elif type_ == "line":
        sym = make_symbol("line", stroke=color, stroke_width_mm=0.5)
    else:
        sym = make_symbol("marker", fill=color, stroke="#ffffff", size_mm=2.4)
    return {"version": STYLE_VERSION, "renderer": {"kind": "single", "symbol": sym},
            "labels": Labels().to_dict()}


__all__ = ["PLANNING_YEAR", "SCHEMA_ALIASES", "bundled_styles", "default_style",
           "industry_colors", "load_style_file", "styles_dir"]
