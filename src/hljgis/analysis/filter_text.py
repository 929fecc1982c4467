"""A feature filter as one line of text, for a planner to read and type in the builder.

A scenario stores filters as clauses (see :func:`hljgis.analysis.candidates.filter_mask`);
a form shows them as ``status in opened, planned; stable_from_year > $year``: clauses
separated by ``;`` (all must hold), each ``field op value`` with op one of ``in``,
``not in``, ``contains``, ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``. Values that read as
numbers are numbers; put a value in double quotes to keep it text or to hold a comma.

Examples
--------
>>> text_to_where("status in opened, planned; y > $year")
[{'field': 'status', 'in': ['opened', 'planned']}, {'field': 'y', 'op': '>', 'value': '$year'}]
>>> where_to_text([{"field": "code", "in": ["07", 3]}])
'code in "07", 3'
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

__all__ = ["text_to_where", "where_to_text"]

_CLAUSE = re.compile(
    r"^\s*(?P<field>[^\s<>=!]+)\s*(?P<op>not\s+in\b|in\b|contains\b|==|!=|<=|>=|<|>|=)\s*"
    r"(?P<value>.*?)\s*$", re.IGNORECASE)
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def _value(text: str) -> Any:
    """A typed value: "quoted" stays text, 12 / 1.5 become numbers, the rest is text."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        return json.loads(text)
    if _NUMBER.match(text):
        number = float(text)
        return int(number) if number.is_integer() and "." not in text and "e" not in \
            text.lower() else number
    return text


def _split(text: str, sep: str) -> list[str]:
    """Split at ``sep`` outside double quotes."""
    parts: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in text:
        if ch == '"':
            quoted = not quoted
        if ch == sep and not quoted:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _show(value: Any) -> str:
    """A value as typed: text that would read as a number, or holds , or ;, is quoted."""
    if isinstance(value, str):
        if (_NUMBER.match(value) or any(c in value for c in ',;"') or value != value.strip()
                or not value):
            return json.dumps(value, ensure_ascii=False)
        return value
    return json.dumps(value, ensure_ascii=False)


def text_to_where(text: str) -> list[dict] | None:
    """Parse the one-line form; None for an empty text (no filter).

    Raises
    ------
    ValueError
        Naming the clause that cannot be read and showing the expected form.
    """
    text = text.replace("；", ";").replace("，", ",").strip()
    if not text:
        return None
    out = []
    for k, part in enumerate(_split(text, ";"), start=1):
        if not part.strip():
            continue
        m = _CLAUSE.match(part)
        if not m or not m.group("value"):
            raise ValueError(f"filter clause {k} ({part.strip()!r}) should read 'field op "
                             "value', e.g. 'status in opened, planned' or 'year > $year'")
        field, op = m.group("field"), re.sub(r"\s+", " ", m.group("op").lower())
        raw = m.group("value")
        if op in ("in", "not in"):
            values = [_value(v) for v in _split(raw, ",") if v.strip()]
            out.append({"field": field, "in" if op == "in" else "not_in": values})
        elif op == "contains":
            out.append({"field": field, "contains": str(_value(raw))})
        else:
            out.append({"field": field, "op": "==" if op == "=" else op, "value": _value(raw)})
    return out or None


def where_to_text(where: Any) -> str:
    """The one-line form of a stored filter ("" for none)."""
    if not where:
        return ""
    clauses = [where] if isinstance(where, Mapping) else list(where)
    parts = []
    for c in clauses:
        if "in" in c:
            parts.append(f"{c['field']} in " + ", ".join(_show(v) for v in c["in"]))
        elif "not_in" in c:
            parts.append(f"{c['field']} not in " + ", ".join(_show(v) for v in c["not_in"]))
        elif "contains" in c:
            parts.append(f"{c['field']} contains {_show(c['contains'])}")
        else:
            parts.append(f"{c['field']} {c.get('op')} {_show(c.get('value'))}")
    return "; ".join(parts)
