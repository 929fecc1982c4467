"""Offline interactive HTML map with folium: layer toggles, popups, ranking with a legend.

The file must open on a planner's laptop with no network: Leaflet, its stylesheet and the
CJK font are inlined (see :mod:`hljgis.export.webassets`), folium's CDN links are removed,
and there is no tile layer; the bundled boundaries and the DEM's hillshade (inlined PNGs,
:mod:`hljgis.export.webraster`) are the base map. Colours come from the same layer styles
as the desktop map. folium is imported only here.
"""

from __future__ import annotations

import html
import importlib
import re
import sys
import types
from pathlib import Path

import numpy as np
import pandas as pd

from hljgis.core.style import default_style, legend_entries, symbol_classes
from hljgis.export.legend import present_classes
from hljgis.export.webassets import font_face_css, leaflet_css, leaflet_js

#: Any reference a browser would fetch from the network.
EXTERNAL_REF = re.compile(
    r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""",
    re.IGNORECASE)

POPUP_SKIP = {"geometry", "source", "accuracy_m", "as_of", "illustrative", "label",
              "label_priority"}


def _rgba(colour) -> tuple[str, float]:
    """'#rrggbbaa' -> ('#rrggbb', alpha 0..1); None -> ('#000000', 0)."""
    if not colour:
        return "#000000", 0.0
    c = str(colour)
    if len(c) == 9:
        return c[:7], int(c[7:9], 16) / 255.0
    return c[:7], 1.0


def _symbol_props(sym: dict, geom: str) -> dict:
    """Leaflet path options for an hljgis symbol (mm widths -> CSS px at 96 dpi)."""
    px = 96 / 25.4
    fill, fill_op = _rgba(sym.get("fill"))
    stroke, stroke_op = _rgba(sym.get("stroke"))
    layers = sym.get("layers") or []
    if geom == "LineString" and layers:  # cased lines: the inner colour reads best on screen
        inner = layers[-1]
        stroke, stroke_op = _rgba(inner.get("stroke"))
    props = {"color": stroke, "opacity": stroke_op if sym.get("stroke") else 0.0,
             "weight": round(max(0.5, float(sym.get("stroke_width_mm") or 0.26) * px), 2),
             "fillColor": fill, "fillOpacity": fill_op if sym.get("fill") else 0.0}
    dash = sym.get("dash")
    if dash in ("dash", "dot", "dashdot"):
        props["dashArray"] = {"dash": "6 4", "dot": "2 3", "dashdot": "6 3 2 3"}[dash]
    if geom == "Point":
        props["radius"] = round(float(sym.get("size_mm", 2.6)) * px / 2, 2)
        props["weight"] = 1
        props["opacity"] = 1.0
    return props


#: Web geometry detail: ~100 m at 46 N is below the bundled boundaries' stated accuracy.
WEB_TOLERANCE_DEG = 0.001


def _styled_frame(layer, style: dict):
    """The layer in EPSG:4326, simplified and rounded, with a ``_c`` class column.

    Returns the frame and the Leaflet options of each class.
    """
    import shapely

    gdf = layer.gdf
    idx, symbols = symbol_classes(style.get("renderer") or {}, gdf)
    keep = idx >= 0
    out = gdf[keep]
    out = out.to_crs("EPSG:4326") if out.crs is not None else out.copy()
    geoms = out.geometry.values
    if layer.geometry_type != "Point":
        geoms = shapely.simplify(geoms, WEB_TOLERANCE_DEG, preserve_topology=True)
    geoms = shapely.transform(geoms, lambda c: np.round(c, 5))
    out = out.set_geometry(geoms, crs="EPSG:4326")
    out["_c"] = idx[keep].astype(int)
    geom = layer.geometry_type
    return out, [_symbol_props(s, geom) for s in symbols]


def _popup_fields(gdf) -> list[str]:
    cols = [c for c in gdf.columns if c not in POPUP_SKIP and not c.startswith("_")
            and not c.startswith(("raw_", "norm_", "contrib_"))]
    return cols[:10]


def _popup_alias(field: str) -> str:
    """A popup row's heading: the field's aliases in both languages (the page is bilingual)."""
    from hljgis.core.aliases import field_text

    text = field_text(str(field))
    return text.both() if text is not None else str(field)


def _bilingual_codes(gdf, specs=None):
    """Codes in popups as the bilingual page reads them: "Provincial 省级", "Yes 是"
    (``core.aliases`` labels, a layer's own code lists first); other values unchanged."""
    from hljgis.io.table_export import label_codes

    en, zh = label_codes(gdf, "en", specs), label_codes(gdf, "zh", specs)
    out = gdf
    for name in gdf.columns:
        if name == gdf.geometry.name or en[name].equals(gdf[name]):
            continue
        a, b = en[name].astype(object), zh[name].astype(object)
        two = a.notna() & (a != b)
        both = a.where(~two, a.astype(str) + " " + b.astype(str))
        if out is gdf:
            out = gdf.copy()
        out[name] = both
    return out


def _clean_for_json(gdf):
    """Timestamps and numpy scalars to plain JSON values; keep what folium can serialise."""
    out = gdf.copy()
    for c in out.columns:
        if c == out.geometry.name:
            continue
        if pd.api.types.is_datetime64_any_dtype(out[c]):
            out[c] = out[c].astype(str)
        elif out[c].dtype == object:
            out[c] = out[c].map(lambda v: v if v is None or isinstance(v, str | int | float |
                                                                         bool) else str(v))
        elif pd.api.types.is_float_dtype(out[c]):
            out[c] = out[c].round(4)
    return out


class _OnDemand(types.ModuleType):
    """Stands in for a module and imports the real one at the first attribute use."""

    def __getattr__(self, name):
        if name.startswith("__") or sys.modules.get(self.__name__) is self:
            raise AttributeError(name)  # import machinery probing, while it stands in
        return getattr(importlib.import_module(self.__name__), name)


def _folium():
    """folium, imported without ``requests``.

    folium imports requests only to fetch GeoJSON from a URL, which an offline map never
    does, and importing requests makes urllib3 open a socket on ::1 to probe for IPv6: an
    offline export must open no socket at all. A stand-in takes requests' place while folium
    is imported (and loads the real one should it ever be used).
    """
    if "folium" in sys.modules or "requests" in sys.modules:
        import folium

        return folium
    stand_in = _OnDemand("requests")
    sys.modules["requests"] = stand_in
    try:
        import folium
    finally:
        if sys.modules.get("requests") is stand_in:
            del sys.modules["requests"]
    return folium


def _add_layer(fmap, layer, style: dict, show: bool = True):
    folium = _folium()

    gdf, props = _styled_frame(layer, style)
    if not len(gdf):
        return None
    fields = _popup_fields(gdf)
    gdf = _clean_for_json(_bilingual_codes(gdf[[*fields, "_c", gdf.geometry.name]],
                                           getattr(layer, "fields", None)))
    name = f"{layer.display_title('en')} {layer.title_zh}".strip()

    def style_fn(feature):
        return props[int(feature["properties"]["_c"])]

    kwargs = {}
    if layer.geometry_type == "Point":
        kwargs["marker"] = folium.CircleMarker(radius=4)
    popup = folium.GeoJsonPopup(fields=fields, aliases=[f"{_popup_alias(f)}:" for f in fields],
                                localize=False) if fields else None
    gj = folium.GeoJson(gdf, name=name, style_function=style_fn, popup=popup, show=show,
                        smooth_factor=0.5, **kwargs)
    gj.add_to(fmap)
    return gj


def _add_raster(fmap, layer) -> bool:
    """A visible raster (the DEM with its hillshade) as an image overlay inlined in the page,
    under the vector layers (added before them, in the project's order)."""
    from hljgis.export.webraster import raster_overlay

    overlay = raster_overlay(layer)
    if overlay is None:
        return False
    uri, bounds = overlay
    name = f"{layer.display_title('en')} {layer.title_zh}".strip()
    # opacity 1: the renderer has already applied the layer's own opacity to the image
    _folium().raster_layers.ImageOverlay(uri, bounds, name=name, opacity=1.0,
                                         interactive=False).add_to(fmap)
    return True


def _metric_scale():
    """Leaflet's scale bar without miles (folium's ``control_scale`` shows both)."""
    from branca.element import MacroElement, Template

    scale = MacroElement()
    scale._template = Template(
        "{% macro script(this, kwargs) %}"
        "L.control.scale({imperial: false, maxWidth: 160}).addTo({{ this._parent.get_name() }});"
        "{% endmacro %}")
    return scale


def _legend_html(sections: list[tuple[str, list[tuple[str, dict]]]]) -> str:
    parts = ['<div class="hljgis-legend"><b>Legend 图例</b>']
    for title, entries in sections:
        parts.append(f"<div class='hl-sec'>{html.escape(title)}</div>")
        for label, sym in entries:
            if sym.get("layers"):  # cased line: show the inner colour
                sym = {**sym, "stroke": sym["layers"][-1].get("stroke"), "fill": None}
            fill, fop = _rgba(sym.get("fill") or sym.get("stroke"))
            border, _ = _rgba(sym.get("stroke") or sym.get("fill"))
            dash = sym.get("dash") or "solid"
            if sym.get("type") == "line":  # a line, solid, dashed or dotted as on the map
                css = {"solid": "solid", "dot": "dotted"}.get(dash, "dashed")
                swatch = (f"height:0;margin-top:5px;margin-bottom:5px;background:none;"
                          f"border:0;border-top:3px {css} {border};")
            else:
                shape = "border-radius:50%;" if sym.get("type") == "marker" else ""
                swatch = (f"background:{fill};opacity:{max(fop, 0.35):.2f};"
                          f"border:1px solid {border};{shape}")
            parts.append(f"<div class='hl-row'><span class='hl-sw' style='{swatch}'>"
                         f"</span>{html.escape(label)}</div>")
    parts.append("</div>")
    return "".join(parts)


CSS = """
html,body{margin:0;padding:0;height:100%;font-family:'HLJGIS Sans SC',sans-serif;}
.leaflet-container{background:#eaf1f6;font-family:'HLJGIS Sans SC',sans-serif;}
.hljgis-title{position:fixed;top:10px;left:60px;z-index:1000;background:#fff;padding:6px 10px;
 border:1px solid #999;border-radius:3px;font-size:15px;font-weight:bold;}
.hljgis-title small{display:block;font-weight:normal;font-size:11px;color:#444;}
.hljgis-legend{position:fixed;top:60px;right:10px;z-index:800;background:#fff;
 padding:6px 8px;border:1px solid #999;border-radius:3px;font-size:11px;
 max-height:calc(100% - 130px);overflow:auto;}
.hljgis-legend{max-width:300px;}
.hl-sec{margin-top:4px;font-weight:bold;}
.hl-row{white-space:nowrap;line-height:16px;}
.hl-sw{display:inline-block;width:14px;height:10px;margin-right:5px;vertical-align:middle;}
.leaflet-control-layers{font-size:11px;line-height:1.3;}
.hljgis-note{position:fixed;bottom:4px;left:120px;z-index:1000;background:#ffffffd0;
 font-size:10px;padding:2px 4px;color:#7a1010;max-width:70%;}
.hljgis-note details{color:#333;}
.hljgis-note summary{cursor:pointer;}
"""


def build_webmap(project, out, *, result=None, scenario: str | None = None,
                 city: str | None = None, title: str | None = None,
                 embed_font: bool = True, year: int | None = None) -> Path:
    """Write an offline HTML map of the project's visible layers (rasters as inlined images).

    Parameters
    ----------
    project : Project
    out : path of the .html file
    result : RankingResult, optional
        Shown as a graduated layer with a legend (as on the atlas pages).
    scenario : str, optional
        Run this scenario (for ``city`` or all cities) when no ``result`` is given.
    city : str, optional
        Fit the view to the city's bookmark.
    embed_font : bool
        Inline the bundled CJK font (about 4 MB) so Chinese shows without system fonts.
    year : int, optional
        Planning year of the ranking run for ``scenario`` (the scenario's by default).

    Returns
    -------
    Path
        The written file; it contains no http(s) reference (checked, ValueError if not).
    """
    folium = _folium()
    from branca.element import Element

    from hljgis.export.sources import illustrative_note

    if result is None and scenario:
        from hljgis.analysis import run_scenario

        result = run_scenario(project, scenario, city=city, year=year)
    bm = project.bookmarks.get((city or "region").lower()) or project.bookmarks.get("region")
    bounds = bm["bounds"] if bm else (129.0, 44.0, 135.2, 48.6)
    fmap = folium.Map(location=[(bounds[1] + bounds[3]) / 2, (bounds[0] + bounds[2]) / 2],
                      zoom_start=7, tiles=None, control_scale=False, prefer_canvas=True)
    fmap.default_js = []
    fmap.default_css = []
    root = fmap.get_root()
    root.header.add_child(Element(f"<style>{leaflet_css()}</style>"), name="leaflet_css")
    if embed_font:
        root.header.add_child(Element(f"<style>{font_face_css()}</style>"), name="font")
    root.header.add_child(Element(f"<style>{CSS}</style>"), name="hljgis_css")
    root.header.add_child(Element(f"<script>{leaflet_js()}</script>"), name="leaflet")

    sections = []
    drawn = []
    for layer in project.layers:
        if layer.kind == "raster" and layer.visible and layer.opacity > 0:
            if _add_raster(fmap, layer):
                drawn.append(layer)
            continue
        if layer.kind != "vector" or not layer.visible:
            continue
        style = layer.style or default_style(layer)
        if _add_layer(fmap, layer, style) is not None:
            drawn.append(layer)
            if layer.theme in ("land", "industry", "transport"):
                entries = legend_entries(layer, "en")
                present = present_classes(layer)
                if present is not None:
                    entries = [e for i, e in enumerate(entries) if i in present]
                sections.append((layer.display_title("en") + " " + layer.title_zh, entries))
    if result is not None:
        from hljgis.analysis.ranking_layer import MAP_FIELDS, ranking_layer
        from hljgis.core.text import Text

        sc = result.scenario
        lyr = ranking_layer(result, label_top=0, ranked_only=True, fields=MAP_FIELDS,
                            name="ranking", title=Text(f"Ranking: {sc.title.en}",
                                                       f"选址排序：{sc.title.zh}"))
        style = lyr.style
        _add_layer(fmap, lyr, style)
        sections.insert(0, (lyr.display_title("en") + " " + lyr.title_zh,
                            legend_entries(lyr, "en")))
    # Collapsed to its icon (top right; the list opens on hover or tap) so it never covers
    # the legend, which sits under it; the scale bar in metres only.
    folium.LayerControl(collapsed=True).add_to(fmap)
    _metric_scale().add_to(fmap)
    fmap.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    head = title or f"{project.metadata.get('title', 'hljgis')}"
    head_zh = project.metadata.get("title_zh", "")
    root.html.add_child(Element(
        f"<div class='hljgis-title'>{html.escape(head)} {html.escape(head_zh)}"
        f"<small>Offline map, no tiles: bundled boundaries as base. 离线地图</small></div>"))
    root.html.add_child(Element(_legend_html(sections)))
    note = illustrative_note(drawn, "both")
    if result is not None:
        from hljgis.analysis.inputs import illustrative_inputs
        from hljgis.export.sources import ranking_note

        extra = ranking_note(illustrative_inputs(project, result.scenario), "both")
        note = "\n".join(t for t in (extra, note) if t)
    # the sources of what is drawn, as on a printed page (a processed layer by its lineage),
    # folded under the note so they never cover the map
    from hljgis.export.sources import source_lines

    items = "".join(f"<li>{html.escape(line)}</li>" for line in source_lines(drawn, "en"))
    sources = (f"<details><summary>Sources 数据来源</summary><ul>{items}</ul></details>"
               if items else "")
    if note or sources:
        root.html.add_child(Element(
            f"<div class='hljgis-note'>{html.escape(note)}{sources}</div>"))
    text = root.render()
    bad = EXTERNAL_REF.findall(text)
    if bad:
        raise ValueError(f"the HTML still references the network: {bad[:3]}")
    from hljgis.io.atomic import write_text_atomic

    return write_text_atomic(out, text)
