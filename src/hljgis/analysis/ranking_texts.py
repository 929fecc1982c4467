"""How a ranking scenario reads in words: criterion and constraint titles, rationales,
reasons and rules, units, site types, cities, and the punctuation that joins them.

The dock shows these in the interface language, score cards and pages in the page's
language; every function takes ``lang`` ("en", "zh") and reads the scenario's plain dicts
(``title`` / ``title_zh`` pairs as the scenario file has them) or its
:class:`~hljgis.analysis.criteria.Criterion` and
:class:`~hljgis.analysis.constraints.Constraint` objects (whose texts are
:class:`~hljgis.core.text.Text`).

Pure Python: no Qt.

Examples
--------
>>> c = {"kind": "outside", "layer": "subsidence_zones",
...      "where": {"field": "stable_from_year", "op": ">", "value": "$year"}}
>>> constraint_rule(c, "en")
'overlaps subsidence_zones (stable_from_year > planning year)'
>>> constraint_rule(c, "zh", {"subsidence_zones": "采煤沉陷区"}.get)
'压占采煤沉陷区（stable_from_year > 规划年）'
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hljgis.analysis.ranking_vocab import city_title
from hljgis.core.text import Text, is_zh

__all__ = [
    "UNIT_ZH",
    "city_text",
    "constraint_label",
    "constraint_reason",
    "constraint_rule",
    "criterion_rationale",
    "criterion_title",
    "listed",
    "punct",
    "site_type_text",
    "space",
    "unit_text",
]

#: Criterion units in Chinese (the presets use m, share and years; the rest are the units
#: of the thematic schemas and their usual neighbours). Others are shown as they are.
UNIT_ZH = {
    "m": "米", "km": "公里", "share": "比例", "years": "年", "year": "年", "ha": "公顷",
    "m2": "平方米", "km2": "平方公里",
}

# the wording of rules, in both languages (the GUI catalogue holds the same pairs)
_INSIDE = Text("at least {p} % inside {layer}", "至少 {p}% 位于{layer}内")
_OVERLAPS = Text("overlaps {layer}", "压占{layer}")
_ON = Text("more than {p} % on {layer}", "超过 {p}% 位于{layer}")
_SITE_ATTRIBUTE = Text("site attribute", "地块属性")
_PLANNING_YEAR = Text("planning year", "规划年")
_CELL_TYPES = {"hex": Text("hex {size} m", "六边形 {size} 米"),
               "square": Text("square {size} m", "正方形 {size} 米")}

#: ASCII punctuation that joins texts, and its full-width form in Chinese text.
_FULL_WIDTH = {": ": "：", ", ": "，", "; ": "；", ". ": "。", ".": "。", " (": "（", "(": "（",
               ")": "）"}


def punct(mark: str, lang: str | None) -> str:
    """Punctuation joining texts in ``lang``: ``punct(": ", "en")`` is ": ", in Chinese
    "：" (likewise ", " "; " ". " " (" ")"; the full-width marks carry their own spacing)."""
    return _FULL_WIDTH.get(mark, mark) if is_zh(lang) else mark


def space(lang: str | None) -> str:
    """The space between two words or a word and a bracket: " " in English, none in
    Chinese (full-width marks carry their own)."""
    return "" if is_zh(lang) else " "


def listed(items: Iterable, lang: str | None) -> str:
    """Names listed in ``lang``: "a, b" / "a、b"."""
    return ("、" if is_zh(lang) else ", ").join(str(i) for i in items)


def unit_text(unit: str, lang: str | None) -> str:
    """A criterion's unit in ``lang``: 米, 比例, 年 ... in Chinese (a unit without a
    Chinese name as it is), English as it is."""
    if not is_zh(lang) or not unit:
        return unit
    return UNIT_ZH.get(unit, unit)


def _text(c: Any, key: str, default: str = "") -> Text:
    """The ``key`` text of a criterion or constraint: its dict form (``key`` / ``key_zh``)
    or the object's :class:`Text` attribute; ``default`` when it has no English."""
    if isinstance(c, Mapping):
        return Text.of(c, key, default)
    return getattr(c, key).or_(default)


def _name(c: Any) -> str:
    return str(c.get("name", "") if isinstance(c, Mapping) else c.name)


def criterion_title(c: Any, lang: str | None) -> str:
    """A criterion's title in ``lang`` (Chinese when the preset has it), else its name."""
    return _text(c, "title", _name(c)).get(lang)


def criterion_rationale(c: Any, lang: str | None) -> str:
    """A criterion's rationale in ``lang`` (English when no Chinese text)."""
    return _text(c, "rationale").get(lang)


def constraint_reason(c: Any, lang: str | None) -> str:
    """A constraint's reason in ``lang`` (English when no Chinese text)."""
    return _text(c, "reason").get(lang)


def constraint_label(c: Any, lang: str | None) -> str:
    """A constraint's short title in ``lang`` (Chinese when it has one, else English),
    its internal name when it has none. Not the reason, which is said on its own."""
    return _text(c, "title", _name(c)).get(lang)


_CELL_TYPE = re.compile(r"(hex|square) (\S+) m")


def site_type_text(site_type: str, lang: str | None,
                   layer_title: Callable[[str], str] | None = None) -> str:
    """A site's ``site_type`` in ``lang``.

    Generated cells ("hex 500 m", "square 250 m") become "六边形 500 米" / "正方形 250 米";
    a layer's sites (``site_type`` is the layer's table name) its Chinese title from
    ``layer_title(name)``. English, and anything else, is returned as it is.
    """
    if not is_zh(lang) or not site_type:
        return site_type
    m = _CELL_TYPE.fullmatch(site_type)
    if m:
        return _CELL_TYPES[m[1]].get(lang).format(size=m[2])
    return (layer_title(site_type) if layer_title is not None else "") or site_type


def city_text(city: str, lang: str | None,
              city_name: Callable[[str], str] | None = None) -> str:
    """A site's city in ``lang``: in Chinese ``city_name(city)`` (the project's bookmark
    title, 鸡西市, as the Explain header shows it), else the catalogue's name; English, and
    an empty city, as they are."""
    if not is_zh(lang) or not city:
        return city
    if city_name is not None:
        return city_name(city) or city
    return city_title(None, city).zh


def _where_text(where, lang: str | None) -> str:
    """A layer or site filter as text; in Chinese the words around the field names are
    Chinese ("status 属于 opened、under_construction", "规划年", "且")."""
    if not where:
        return ""
    zh = is_zh(lang)
    clauses = [where] if isinstance(where, dict) else list(where)
    parts = []
    for w in clauses:
        f = w.get("field", "?")
        if zh and ("in" in w or "not_in" in w):
            values = w["in"] if "in" in w else w["not_in"]
            names = "、".join(str(v) for v in values) if isinstance(
                values, list | tuple) else str(values)
            parts.append(f"{f} {'属于' if 'in' in w else '不属于'} {names}")
        elif "in" in w:
            parts.append(f"{f} ∈ {w['in']}")
        elif "not_in" in w:
            parts.append(f"{f} ∉ {w['not_in']}")
        elif "contains" in w:
            parts.append(f"{f} 包含“{w['contains']}”" if zh else f"{f} ∋ {w['contains']!r}")
        else:
            value = w.get("value")
            value = _PLANNING_YEAR.get(lang) if value == "$year" else value
            parts.append(f"{f} {w.get('op')} {value}")
    return (" 且 " if zh else " & ").join(parts)


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"


def _between(text: str, name: str) -> str:
    """``text`` with ``name`` put at its "\\0", spaced from Chinese characters around it
    when the name is not Chinese itself ("压占 shanty_sites", "位于 towns 内"; "压占采煤沉陷区")."""
    left, _, right = text.partition("\0")
    if name and left and _cjk(left[-1]) and not _cjk(name[0]):
        left += " "
    if name and right and _cjk(right[0]) and not _cjk(name[-1]):
        right = " " + right
    return left + name + right


def constraint_rule(c: dict, lang: str | None,
                    layer_title: Callable[[str], str] | None = None) -> str:
    """Readable rule of a constraint in ``lang``.

    English: 'overlaps subsidence_zones (stable_from_year > planning year)', with the
    layer's table name. Chinese: '压占采煤沉陷区（stable_from_year > 规划年）', with the
    layer's Chinese title from ``layer_title(name)`` (the table name when it gives none).
    """
    zh = is_zh(lang)
    where = _where_text(c.get("where"), lang)
    kind = c.get("kind")
    if kind == "attribute":
        return _SITE_ATTRIBUTE.get(lang) + punct(": ", lang) + where
    layer = c.get("layer") or ""
    if zh and layer_title is not None and layer:
        layer = layer_title(layer) or layer
    share = c.get("share")
    if share is None:
        share = 0.5 if kind == "inside" else 0.0
    p = f"{100 * share:.0f}"
    template = _INSIDE if kind == "inside" else _OVERLAPS if share == 0 else _ON
    text = _between(template.get(lang).format(p=p, layer="\0"), layer)
    if not where:
        return text
    return text + (f"（{where}）" if zh else f" ({where})")
