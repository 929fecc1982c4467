"""The ranking's own words and colours: city names, scenario titles and the score classes.

The dock, the command line, the atlas and the web map all name the four cities, title a
ranking by its scenario and colour the scores the same way; they ask here. Texts are
:class:`~hljgis.core.text.Text` (English and Chinese) and functions that return words take
a ``lang`` argument ("en", "zh").

Pure Python: no Qt.

Examples
--------
>>> city_title(None, "Jixi").get("zh")
'鸡西'
>>> city_label("Jixi", "zh")
'鸡西 Jixi'
>>> [c["label_zh"] for c in ranking_style()["renderer"]["classes"]][:2]
['得分 0.0–0.2', '得分 0.2–0.4']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from hljgis.core.schemas import CITIES
from hljgis.core.text import Text, is_zh

if TYPE_CHECKING:
    from hljgis.analysis.scenario import Scenario

__all__ = ["CITIES", "CITY_NAMES", "RANK_BREAKS", "RANK_RAMP", "city_label", "city_title",
           "ranking_renderer", "ranking_style", "scenario_title"]

#: The four cities by the name the data uses, in English and Chinese.
CITY_NAMES: dict[str, Text] = {
    "Hegang": Text("Hegang", "鹤岗"), "Jixi": Text("Jixi", "鸡西"),
    "Qitaihe": Text("Qitaihe", "七台河"), "Shuangyashan": Text("Shuangyashan", "双鸭山"),
}

#: Short names of the presets for page titles ("Hegang: ranked sites for SME space").
_SHORT_TITLES = {"sme-space": Text("SME space", "中小企业发展空间"),
                 "place-making": Text("place-making", "场所营造")}


def city_title(project, city: str) -> Text:
    """A city's name: the project's bookmark title (鸡西市) when it has one, else the
    catalogue's (鸡西); an unknown city keeps its own name in both languages."""
    bm = project.bookmarks.get(city.lower(), {}) if project is not None else {}
    known = CITY_NAMES.get(city) or CITY_NAMES.get(city.title())
    en = bm.get("title") or city.title()
    zh = bm.get("title_zh") or (known.zh if known is not None and en == known.en else "")
    return Text(en, zh or en)


def city_label(city: str, lang: str | None) -> str:
    """The city as a chooser lists it: the interface language's name first, then the
    other ("鸡西 Jixi" in Chinese, "Jixi 鸡西" in English)."""
    t = CITY_NAMES.get(city, Text(city, city))
    return f"{t.zh} {t.en}" if is_zh(lang) else f"{t.en} {t.zh}"


def scenario_title(sc: Scenario) -> Text:
    """A scenario's short title for page and layer titles ("SME space" / "中小企业发展空间")."""
    known = _SHORT_TITLES.get(sc.name)
    en = known.en if known is not None else (sc.title.en or sc.name)
    return Text(en, sc.title.zh or (known.zh if known is not None else en))


# -------------------------------------------------------------------------- score classes

#: Graduated colours of ranked sites: light = low score, dark blue = best.
RANK_RAMP = "YlGnBu"

#: Fixed score classes, the same on every map, page and web map, so cities and runs
#: compare (quantiles collapse when many sites share a floor score).
RANK_BREAKS = (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)


def ranking_renderer() -> dict:
    """The graduated renderer of ranked sites: five fixed score classes 0-0.2 ... 0.8-1,
    labelled in both languages, no outline (so cells read as a surface)."""
    from hljgis.core.style import make_symbol, ramp_colors

    # The ramp's first stop (#ffffd9) vanishes on the pale city fill: sample it from one
    # class in, so the lowest class is a visible light green and the best stays darkest.
    colors = ramp_colors(RANK_RAMP, len(RANK_BREAKS))[1:]
    classes = []
    for lo, hi, color in zip(RANK_BREAKS[:-1], RANK_BREAKS[1:], colors, strict=True):
        sym = make_symbol("fill", fill=color, stroke=None, stroke_width_mm=0.0)
        classes.append({"lower": lo, "upper": hi, "label": f"score {lo:.1f}–{hi:.1f}",
                        "label_zh": f"得分 {lo:.1f}–{hi:.1f}", "symbol": sym})
    return {"kind": "graduated", "field": "score", "method": "manual", "k": len(classes),
            "ramp": RANK_RAMP, "classes": classes, "symbol": classes[0]["symbol"]}


def ranking_style(gdf=None) -> dict:
    """The style of a ranking layer without labels: ``{"renderer": ranking_renderer()}``
    (``gdf`` is accepted for callers that pass the frame; the classes are fixed)."""
    return {"renderer": ranking_renderer()}
