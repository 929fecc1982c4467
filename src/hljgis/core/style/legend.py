"""Legend rows of a layer or style: (label, symbol) pairs for the layer panel and print legend."""

from __future__ import annotations

import copy

from hljgis.core.style.defaults import default_style
from hljgis.core.style.model import Renderer
from hljgis.core.style.ramps import ramp_colors
from hljgis.core.style.symbols import make_symbol, symbol_type_for


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


