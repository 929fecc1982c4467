"""Texts of the ranking dock in the interface language: criterion and constraint titles,
rationales, rules and reasons, units, cities, site types, Chinese punctuation, and the
one-cell ``name=value`` form of transform parameters."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from hljgis.analysis import ranking_texts as rt
from hljgis.analysis.ranking_texts import UNIT_ZH
from hljgis.analysis.transforms import TRANSFORMS
from hljgis.core.text import is_zh
from hljgis.gui.i18n import current_language

__all__ = ["TRANSFORM_NAMES", "UNIT_ZH", "city_text", "constraint_label", "constraint_reason",
           "constraint_rule", "criterion_rationale", "criterion_title", "interface_zh",
           "layer_title_zh", "listed", "params_to_text", "punct", "site_type_text", "space",
           "text_to_params", "transform_params_text", "unit_text"]
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
# The wording lives in hljgis.analysis.ranking_texts (Qt-free, with a ``lang`` argument);
# these give it in the interface language.


def criterion_title(c: Any) -> str:
    """A criterion's title in the interface language (Chinese when the preset has it)."""
    return rt.criterion_title(c, current_language())


def layer_title_zh(project, name: str) -> str:
    """A project layer's Chinese title; its table name when it has none or is not there."""
    if project is not None and name in project:
        return project.layer(name).title_zh or name
    return name


def site_type_text(site_type: str, layer_title: Callable[[str], str] | None = None) -> str:
    """A site's ``site_type`` in the interface language (see
    :func:`hljgis.analysis.ranking_texts.site_type_text`)."""
    return rt.site_type_text(site_type, current_language(), layer_title)


def punct(mark: str) -> str:
    """Punctuation joining texts in the interface language: ``punct(": ")`` is ": " in
    English and "：" in Chinese."""
    return rt.punct(mark, current_language())


def space() -> str:
    """The space between words in the interface language: none in Chinese."""
    return rt.space(current_language())


def interface_zh() -> bool:
    """True while the interface is in Chinese."""
    return is_zh(current_language())


def listed(items) -> str:
    """Names listed in the interface language: "a, b" / "a、b"."""
    return rt.listed(items, current_language())


def unit_text(unit: str) -> str:
    """A criterion's unit in the interface language: 米, 比例, 年 ... in Chinese."""
    return rt.unit_text(unit, current_language())


def city_text(city: str, city_title: Callable[[str], str] | None = None) -> str:
    """A site's city in the interface language: in Chinese ``city_title(city)`` (the
    project's bookmark title, 鸡西市), else the catalogue's name."""
    return rt.city_text(city, current_language(), city_title)


def constraint_reason(c: Any) -> str:
    """A constraint's reason in the interface language (English when no Chinese text)."""
    return rt.constraint_reason(c, current_language())


def criterion_rationale(c: Any) -> str:
    """A criterion's rationale in the interface language (English when no Chinese text)."""
    return rt.criterion_rationale(c, current_language())


def constraint_rule(c: dict, layer_title: Callable[[str], str] | None = None) -> str:
    """Readable rule of a constraint in the interface language (the layer's Chinese title
    from ``layer_title(name)`` in Chinese)."""
    return rt.constraint_rule(c, current_language(), layer_title)


def constraint_label(c: Any) -> str:
    """What the "Constraint" column shows: the constraint's short title in the interface
    language, its internal name when it has none."""
    return rt.constraint_label(c, current_language())
