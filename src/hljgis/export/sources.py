"""The notes block: sources and provenance, the illustrative-data warning, CRS and date.

A development bank reads the footer to judge whether a map can be relied on, so it is built
from the layers actually drawn, never typed by hand: each distinct source is listed once with
the layers it feeds, and any illustrative feature on the page adds a warning in bold.
"""

from __future__ import annotations

from collections import OrderedDict

from hljgis.core.text import LANGUAGES, Text, lang_code
from hljgis.export.i18n import tr, zh
from hljgis.processing.lineage import lineage_text


def source_lines(layers, lang: str = "en") -> list[str]:
    """One line per distinct source: "Layer A, Layer B: source (licence; as of 2024)".

    A processed layer's source is its lineage ("hljgis Buffer (distance_m 2000) of HSR
    stations [their source]"), in the page language, so the note traces it to the data.
    """
    groups: OrderedDict[tuple, list[str]] = OrderedDict()
    for layer in layers:
        p = layer.provenance or {}
        src = (lineage_text(p, lang_code(lang)) or str(p.get("source") or "")
               or tr("source not recorded", lang))
        key = (src, str(p.get("licence") or ""), str(p.get("as_of") or ""))
        groups.setdefault(key, []).append(layer.display_title(lang_code(lang)))
    lines = []
    for (src, licence, as_of), titles in groups.items():
        extra = "; ".join(v for v in (licence, f"{tr('as of', lang)} {as_of}" if as_of else "")
                          if v)
        lines.append(f"{', '.join(titles)}: {src}" + (f" ({extra})" if extra else ""))
    return lines


ILLUSTRATIVE_EN = ("Illustrative data: {layers} contain illustrative features. Their positions, "
                   "extents and attributes are indicative stand-ins, not surveyed or official "
                   "records; do not use them for engineering, land-title or investment "
                   "decisions without field verification.")
ILLUSTRATIVE_ZH = ("示意数据：{layers}含示意性要素，其位置、范围和属性仅为示意，"
                   "并非测绘或官方记录；"
                   "未经实地核实，不得用于工程、土地权属或投资决策。")


def illustrative_note(layers, lang: str = "both") -> str:
    """The warning for illustrative layers ("" when none is illustrative)."""
    ill = [layer for layer in layers if layer.is_illustrative]
    if not ill:
        return ""
    en = ILLUSTRATIVE_EN.format(layers=", ".join(layer.display_title("en") for layer in ill))
    zh_text = ILLUSTRATIVE_ZH.format(layers="、".join(layer.display_title("zh") for layer in ill))
    note = Text(en, zh_text)
    return note.get(lang) if lang in LANGUAGES else note.both("\n")


RANKING_EN = "This ranking's candidates, criteria or constraints read illustrative layers. "
RANKING_ZH = "本排序的候选地块、评价因子或约束条件使用了示意数据图层。"


def ranking_note(layers, lang: str = "both") -> str:
    """The maps' warning for a ranking that reads illustrative ``layers`` (from
    :func:`hljgis.analysis.inputs.illustrative_inputs`); "" when there are none."""
    if not layers:
        return ""
    en = RANKING_EN + illustrative_note(layers, "en")
    zh_text = RANKING_ZH + illustrative_note(layers, "zh")
    return {"en": en, "zh": zh_text}.get(lang, f"{en}\n{zh_text}")


def crs_note(map_crs, metric_crs=None, lang: str = "both") -> str:
    """What coordinates the map is drawn in, and where distances were measured."""
    def label(crs):
        if crs is None:
            return tr("none", "en")
        epsg = crs.to_epsg()
        return f"{crs.name} (EPSG:{epsg})" if epsg else crs.name

    en = f"Map coordinate system: {label(map_crs)}"
    if map_crs is not None and map_crs.is_geographic:
        en += "; shown with equirectangular scaling at the map centre"
    if metric_crs is not None:
        en += f". Distances and areas computed in {metric_crs.name}"
    en += ". Scale bar true at the map centre."
    zh_text = (f"{zh('Coordinate system')}：{label(map_crs)}；"
               f"{zh('scale bar true at the map centre')}。")
    return {"en": en, "zh": zh_text}.get(lang, f"{en} {zh_text}")
