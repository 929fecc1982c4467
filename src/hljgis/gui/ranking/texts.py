"""Texts of the ranking dock in the interface language: criterion and constraint titles,
rationales, rules and reasons, units, cities, site types, Chinese punctuation, and the
one-cell ``name=value`` form of transform parameters."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from hljgis.analysis.transforms import TRANSFORMS
from hljgis.export.atlas import city_titles
from hljgis.gui.i18n import current_language, tr

#: Criterion units in Chinese (the presets use m, share and years; the rest are the units
#: of the thematic schemas and their usual neighbours). Others are shown as they are.
UNIT_ZH = {
    "m": "米", "km": "公里", "share": "比例", "years": "年", "year": "年", "ha": "公顷",
    "m2": "平方米", "km2": "平方公里",
}
TRANSFORM_NAMES = {
    "linear": "Linear", "minmax": "Min–max (data range)", "threshold": "Steps",
    "fuzzy_increasing": "Fuzzy increasing",
    "fuzzy_decreasing": "Fuzzy decreasing", "fuzzy_symmetric": "Fuzzy symmetric",
    "categorical": "Categories",
}


def params_to_text(params: dict) -> str:
    """``lo=0, hi=15000, benefit=false``: readable and editable in one table cell."""
    return ", ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in params.items())


def transform_params_text(spec: dict) -> str:
    """A transform's parameters as editable text: required ones first, defaults left out."""
    params = {k: v for k, v in spec.items() if k != "kind"}
    kind = TRANSFORMS.get(spec.get("kind"))
    if kind is not None:
        first = {k: params[k] for k in kind.required if k in params}
        rest = {k: v for k, v in params.items()
                if k not in first and kind.optional.get(k, object()) != v}
        params = {**first, **rest}
    return params_to_text(params)


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets and quotes."""
    parts, depth, quote, cur = [], 0, False, []
    for ch in text:
        if ch == '"':
            quote = not quote
        elif not quote and ch in "[{":
            depth += 1
        elif not quote and ch in "]}":
            depth -= 1
        if ch in ",，" and depth == 0 and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [p.strip() for p in parts if p.strip()]


def text_to_params(text: str) -> dict:
    """Inverse of :func:`params_to_text`; raises ValueError naming the bad part."""
    out = {}
    for part in _split_top(text):
        if "=" not in part:
            raise ValueError(f"'{part}' should look like name=value")
        key, raw = (s.strip() for s in part.split("=", 1))
        low = raw.lower()
        if low in ("true", "false"):
            out[key] = low == "true"
            continue
        try:
            out[key] = json.loads(raw)
        except json.JSONDecodeError:
            out[key] = raw  # a bare word such as shape=s
    return out


# ---------------------------------------------------------------------------- language


def criterion_title(c: dict) -> str:
    """A criterion's title in the interface language (Chinese when the preset has it)."""
    if current_language() == "zh" and c.get("title_zh"):
        return c["title_zh"]
    return c.get("title") or c["name"]


def layer_title_zh(project, name: str) -> str:
    """A project layer's Chinese title; its table name when it has none or is not there."""
    if project is not None and name in project:
        return project.layer(name).title_zh or name
    return name


_CELL_TYPE = re.compile(r"(hex|square) (\S+) m")


def site_type_text(site_type: str, layer_title: Callable[[str], str] | None = None) -> str:
    """A site's ``site_type`` in the interface language.

    Generated cells ("hex 500 m", "square 250 m") become "六边形 500 米" / "正方形 250 米";
    a layer's sites (``site_type`` is the layer's table name) its Chinese title from
    ``layer_title(name)``. English, and anything else, is returned as it is.
    """
    if current_language() != "zh" or not site_type:
        return site_type
    m = _CELL_TYPE.fullmatch(site_type)
    if m:
        return tr(f"{m[1]} {{size}} m").format(size=m[2])
    return (layer_title(site_type) if layer_title is not None else "") or site_type


#: ASCII punctuation that joins texts, and its full-width form in Chinese text.
_FULL_WIDTH = {": ": "：", ", ": "，", "; ": "；", ". ": "。", ".": "。", " (": "（", "(": "（",
               ")": "）"}


def punct(mark: str) -> str:
    """Punctuation joining texts in the interface language: ``punct(": ")`` is ": " in
    English and "：" in Chinese (likewise ", " "; " ". " " (" ")"; the full-width marks carry
    their own spacing)."""
    return _FULL_WIDTH.get(mark, mark) if current_language() == "zh" else mark


def listed(items) -> str:
    """Names listed in the interface language: "a, b" / "a、b"."""
    return ("、" if current_language() == "zh" else ", ").join(str(i) for i in items)


def unit_text(unit: str) -> str:
    """A criterion's unit in the interface language: 米, 比例, 年 ... in Chinese (a unit
    without a Chinese name as it is), English as it is."""
    if current_language() != "zh" or not unit:
        return unit
    return UNIT_ZH.get(unit, unit)


def city_text(city: str, city_title: Callable[[str], str] | None = None) -> str:
    """A site's city in the interface language: in Chinese ``city_title(city)`` (the panel
    gives the project's bookmark title, 鸡西市, as the Explain header shows it), else the
    catalogue's name; English, and an empty city, as they are."""
    if current_language() != "zh" or not city:
        return city
    if city_title is not None:
        return city_title(city) or city
    return city_titles(None, city)[1]


def constraint_reason(c: dict) -> str:
    """A constraint's reason in the interface language (English when no Chinese text)."""
    if current_language() == "zh" and c.get("reason_zh"):
        return c["reason_zh"]
    return c.get("reason", "")


def criterion_rationale(c: dict) -> str:
    """A criterion's rationale in the interface language (English when no Chinese text)."""
    if current_language() == "zh" and c.get("rationale_zh"):
        return c["rationale_zh"]
    return c.get("rationale", "")


# ---------------------------------------------------------------------------- constraints


def _where_text(where, zh: bool = False) -> str:
    """A layer or site filter as text; in Chinese the words around the field names are
    Chinese ("status 属于 opened、under_construction", "规划年", "且")."""
    if not where:
        return ""
    clauses = [where] if isinstance(where, dict) else list(where)
    parts = []
    for w in clauses:
        f = w.get("field", "?")
        if zh and ("in" in w or "not_in" in w):
            values = w["in"] if "in" in w else w["not_in"]
            listed = "、".join(str(v) for v in values) if isinstance(
                values, list | tuple) else str(values)
            parts.append(f"{f} {'属于' if 'in' in w else '不属于'} {listed}")
        elif "in" in w:
            parts.append(f"{f} ∈ {w['in']}")
        elif "not_in" in w:
            parts.append(f"{f} ∉ {w['not_in']}")
        elif "contains" in w:
            parts.append(f"{f} 包含“{w['contains']}”" if zh else f"{f} ∋ {w['contains']!r}")
        else:
            value = w.get("value")
            value = tr("planning year") if value == "$year" else value
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


def constraint_rule(c: dict, layer_title: Callable[[str], str] | None = None) -> str:
    """Readable rule of a constraint in the interface language.

    English: 'overlaps subsidence_zones (stable_from_year > planning year)', with the
    layer's table name. Chinese: '压占采煤沉陷区（stable_from_year > 规划年）', with the
    layer's Chinese title from ``layer_title(name)`` (the table name when it gives none).
    """
    zh = current_language() == "zh"
    where = _where_text(c.get("where"), zh)
    kind = c.get("kind")
    if kind == "attribute":
        return tr("site attribute") + ("：" if zh else ": ") + where
    layer = c.get("layer") or ""
    if zh and layer_title is not None and layer:
        layer = layer_title(layer) or layer
    share = c.get("share")
    if share is None:
        share = 0.5 if kind == "inside" else 0.0
    p = f"{100 * share:.0f}"
    if kind == "inside":
        template = tr("at least {p} % inside {layer}")
    elif share == 0:
        template = tr("overlaps {layer}")
    else:
        template = tr("more than {p} % on {layer}")
    text = _between(template.format(p=p, layer="\0"), layer)
    if not where:
        return text
    return text + (f"（{where}）" if zh else f" ({where})")


def constraint_label(c: dict) -> str:
    """What the "Constraint" column shows: the constraint's short title in the interface
    language (``title_zh`` in Chinese, else ``title``), its internal name when it has none.
    Not the reason, which has a column of its own."""
    if current_language() == "zh" and c.get("title_zh"):
        return c["title_zh"]
    return c.get("title") or c.get("name", "")


#: The three things a constraint can do: exclude, or keep with a penalty of one kind.
