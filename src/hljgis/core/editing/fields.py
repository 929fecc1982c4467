"""Field schemas for editing: what an attribute form asks for and how it checks answers.

A :class:`FieldSpec` says a field's type, whether it is required, its code list (values with
English and Chinese labels) and its range. A layer's specs come from, in order: the specs the
planner defined when creating it (``layer.fields``, saved with the project), the thematic
schema it declares (:mod:`hljgis.core.schemas`), or its columns' types. :func:`check_values`
is the validation a feature passes before it is accepted; the session runs it again, so a
script cannot add what the form would refuse.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from hljgis.core.aliases import CODE_LABELS
from hljgis.core.errors import InputError

__all__ = [
    "EDIT_SOURCE", "FIELD_TYPES", "PROVENANCE_EDIT_FIELDS", "FieldSpec", "LayerDefinition",
    "check_values", "empty_frame", "fields_for", "fields_from_dicts", "fields_to_dicts",
    "proposed_sites",
]

FIELD_TYPES = ("str", "int", "float", "bool", "date")
#: What ``source`` says on a feature drawn or changed in hljgis.
EDIT_SOURCE = "edited in hljgis"
#: Fields every edit stamps: where the feature comes from, when, and who edited it.
PROVENANCE_EDIT_FIELDS = ("source", "as_of", "edited_by")
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

#: Chinese labels of the codes used by the thematic schemas' code lists (``core.aliases``).
CODE_LABELS_ZH = {code: text.zh for code, text in CODE_LABELS.items()}


#: What the form says when a value does not fit, in English and Chinese.
_MESSAGES = {
    "required": ("{t} is required.", "请填写{t}。"),
    "codes": ("{t}: '{v}' is not one of {allowed}.", "{t}：“{v}”不在可选值（{allowed}）中。"),
    "min": ("{t} must be at least {n:g}.", "{t}不能小于 {n:g}。"),
    "max": ("{t} must be at most {n:g}.", "{t}不能大于 {n:g}。"),
    "date": ("{t}: '{v}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD).",
             "{t}：“{v}”不是日期（YYYY、YYYY-MM 或 YYYY-MM-DD）。"),
    "type": ("{t}: '{v}' is not {kind}.", "{t}：“{v}”不是{kind}。"),
}
_KIND_WORDS = {"int": ("a whole number", "整数"), "float": ("a number", "数值"),
               "bool": ("true or false", "“是”或“否”")}


def _say(key: str, lang: str, **kw) -> str:
    return _MESSAGES[key][1 if lang.startswith("zh") else 0].format(**kw)


@dataclass(frozen=True)
class FieldSpec:
    """One attribute of an editable layer.

    Parameters
    ----------
    name : str
        Column name (letters, digits, underscore).
    type : {"str", "int", "float", "bool", "date"}
    label, label_zh : str
        What the form shows, in English and Chinese.
    required : bool
        A feature is refused without a value.
    codes : tuple of (value, label, label_zh)
        Allowed values with their labels; empty for free text or numbers.
    min, max : float, optional
        Inclusive range of a number.
    default : optional
        Value the form starts with.
    unit : str
    """

    name: str
    type: str = "str"
    label: str = ""
    label_zh: str = ""
    required: bool = False
    codes: tuple = ()
    min: float | None = None
    max: float | None = None
    default: Any = None
    unit: str = ""
    #: One line on what the field means (the form's tooltip).
    help: str = ""

    def __post_init__(self) -> None:
        if not _NAME.match(self.name):
            raise InputError(f"'{self.name}' cannot be a field name.",
                             "Use letters, digits and _ only, starting with a letter.")
        if self.type not in FIELD_TYPES:
            raise InputError(f"field '{self.name}': type must be one of "
                             f"{', '.join(FIELD_TYPES)}, not '{self.type}'.")
        object.__setattr__(self, "codes", tuple(tuple(c) for c in self.codes))

    def title(self, lang: str = "en") -> str:
        """Label in ``lang`` (falling back to the other language, then the name)."""
        if lang.startswith("zh") and self.label_zh:
            return self.label_zh
        return self.label or self.label_zh or self.name

    def code_label(self, value, lang: str = "en") -> str:
        for code in self.codes:
            if code[0] == value:
                en = code[1] if len(code) > 1 else str(value)
                zh = code[2] if len(code) > 2 else ""
                return (zh or en) if lang.startswith("zh") else (en or zh)
        return "" if value is None else str(value)

    def coerce(self, value, lang: str = "en"):
        """``value`` (from a form or a script) as this field's type; None when empty.

        Raises
        ------
        InputError
            When the text is not of the field's type.
        """
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return None
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                return None
        try:
            if self.type == "int":
                number = float(value)
                if number != int(number):
                    raise ValueError
                return int(number)
            if self.type == "float":
                return float(value)
            if self.type == "bool":
                if isinstance(value, str):
                    if value.lower() not in ("true", "false", "1", "0", "yes", "no"):
                        raise ValueError
                    return value.lower() in ("true", "1", "yes")
                return bool(value)
        except (TypeError, ValueError):
            zh = lang.startswith("zh")
            raise InputError(_say("type", lang, t=self.title(lang), v=value,
                                  kind=_KIND_WORDS[self.type][int(zh)]),
                             "" if zh else "Correct the value.") from None
        return str(value)

    def problem(self, value, lang: str = "en") -> str | None:
        """Why ``value`` (already coerced) does not fit, in words (English or Chinese);
        None when it does."""
        t = self.title(lang)
        if value is None:
            return _say("required", lang, t=t) if self.required else None
        if self.codes and value not in {c[0] for c in self.codes}:
            allowed = ", ".join(str(c[0]) for c in self.codes)
            return _say("codes", lang, t=t, v=value, allowed=allowed)
        if self.type in ("int", "float"):
            if self.min is not None and value < self.min:
                return _say("min", lang, t=t, n=self.min)
            if self.max is not None and value > self.max:
                return _say("max", lang, t=t, n=self.max)
        if self.type == "date" and not _DATE.match(str(value)):
            return _say("date", lang, t=t, v=value)
        return None

    @property
    def dtype(self) -> str:
        """The pandas dtype of a column of this field (nullable, so empty values fit)."""
        return {"str": "object", "date": "object", "int": "Int64", "float": "float64",
                "bool": "boolean"}[self.type]


def check_values(fields, values: dict, lang: str = "en") -> tuple[dict, dict[str, str]]:
    """Coerce and validate a feature's values against ``fields``; problems are worded
    in ``lang`` ("en" or "zh").

    Returns
    -------
    (dict, dict)
        The coerced values (every field, None when empty) and field name -> problem.
    """
    out, problems = {}, {}
    for f in fields:
        try:
            value = f.coerce(values.get(f.name), lang)
        except InputError as exc:
            problems[f.name] = exc.what
            continue
        out[f.name] = value
        why = f.problem(value, lang)
        if why:
            problems[f.name] = why
    return out, problems


def fields_to_dicts(fields) -> list[dict]:
    """Plain data for the project file."""
    return [{k: (list(map(list, v)) if k == "codes" else v) for k, v in asdict(f).items()}
            for f in fields]


def fields_from_dicts(data) -> tuple[FieldSpec, ...]:
    return tuple(FieldSpec(**d) for d in data or ())


#: Chinese labels of the thematic schemas' common fields (the rest show their name).
FIELD_LABELS_ZH = {
    "name": "名称", "name_zh": "中文名称", "city": "城市", "district": "区县", "status": "状态",
    "area_ha": "面积", "area_km2": "面积", "households": "户数", "accuracy_m": "位置精度",
    "illustrative": "示意数据", "level": "级别", "kind": "类型", "industry": "产业",
    "mining_area": "矿区", "mining_end_year": "停采年份", "stable_from_year": "稳定年份",
    "lead_industries": "主导产业", "route": "路线编号", "lines": "线路",
    "opened_year": "开通年份", "design_speed_kmh": "设计时速",
}


def _from_thematic(schema_name: str) -> tuple[FieldSpec, ...]:
    from hljgis.core.schemas import INDUSTRY_TITLES, get_schema

    out = []
    for f in get_schema(schema_name).fields:
        codes: tuple = ()
        if f.allowed and not f.multi:
            codes = tuple((v, INDUSTRY_TITLES.get(v, (v.replace("_", " "),))[0],
                           INDUSTRY_TITLES.get(v, ("", CODE_LABELS_ZH.get(v, "")))[1])
                          for v in f.allowed)
        ftype = "date" if f.name == "as_of" else f.type
        # a drawn feature is the planner's own: not a stand-in unless they say so
        default = False if f.name == "illustrative" else None
        out.append(FieldSpec(f.name, ftype, f.name.replace("_", " ").capitalize(),
                             FIELD_LABELS_ZH.get(f.name, ""), required=not f.nullable and
                             f.name not in PROVENANCE_EDIT_FIELDS, codes=codes, min=f.min,
                             max=f.max, default=default, unit=f.unit, help=f.description))
    return tuple(out)


def _from_columns(gdf: pd.DataFrame) -> tuple[FieldSpec, ...]:
    out = []
    for col in gdf.columns:
        if col == getattr(gdf, "_geometry_column_name", None) or not _NAME.match(str(col)):
            continue
        kind = gdf[col].dtype.kind
        ftype = {"i": "int", "u": "int", "f": "float", "b": "bool"}.get(kind, "str")
        out.append(FieldSpec(str(col), "date" if col == "as_of" else ftype))
    return tuple(out)


def fields_for(layer) -> tuple[FieldSpec, ...]:
    """The fields a form asks for on ``layer``: its own specs, its thematic schema's, or
    its columns' (a layer brought from a file), never the edit stamps, which are automatic."""
    from hljgis.core.schemas import SCHEMAS

    if getattr(layer, "fields", None):
        specs = fields_from_dicts(layer.fields)
    elif layer.schema in SCHEMAS:
        specs = _from_thematic(layer.schema)
    else:
        specs = _from_columns(layer.gdf)
    return tuple(f for f in specs if f.name not in PROVENANCE_EDIT_FIELDS)


def empty_frame(fields, geometry_kind: str, crs) -> gpd.GeoDataFrame:
    """A layer with no features and one typed column per field plus the edit stamps."""
    cols = {f.name: pd.Series([], dtype=f.dtype) for f in fields
            if f.name not in PROVENANCE_EDIT_FIELDS}
    for name in PROVENANCE_EDIT_FIELDS:
        cols[name] = pd.Series([], dtype="object")
    geometry = gpd.GeoSeries([], crs=crs)
    gdf = gpd.GeoDataFrame(cols, geometry=geometry, crs=crs)
    gdf.attrs["geometry_kind"] = geometry_kind
    return gdf


def proposed_sites() -> tuple[FieldSpec, ...]:
    """The fields of a "proposed sites" layer: the example the new-layer dialog offers."""
    return (
        FieldSpec("name", "str", "Name", "名称", required=True),
        FieldSpec("name_zh", "str", "Name (Chinese)", "中文名称"),
        FieldSpec("status", "str", "Status", "状态", required=True, default="proposed",
                  codes=(("proposed", "Proposed", "拟议"),
                         ("under_review", "Under review", "审查中"),
                         ("approved", "Approved", "已批准"),
                         ("rejected", "Rejected", "已否决"))),
        FieldSpec("area_ha", "float", "Area", "面积", min=0.0, unit="ha"),
        FieldSpec("owner", "str", "Owner", "权属单位"),
        FieldSpec("notes", "str", "Notes", "备注"),
    )


@dataclass
class LayerDefinition:
    """What the new-layer dialog produces: a name, titles, geometry kind, CRS and fields."""

    name: str
    title: str
    title_zh: str = ""
    geometry: str = "Polygon"
    crs: Any = "EPSG:4490"
    fields: tuple = field(default_factory=tuple)
