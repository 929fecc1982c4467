"""Replace a thematic layer's illustrative data with the bureau's own file.

A survey list never has the schema's column names or codes: its columns are 名称, 状态,
面积(亩); its statuses are 已完成 and 在建. :class:`ReplaceSpec` says how the file maps onto
the layer's schema (:mod:`hljgis.core.schemas`): which column feeds which field, which source
text means which code, which unit the numbers are in, fixed values, and the provenance of the
new data. :func:`apply_spec` builds the new features row by row and reports every row it
cannot take, with the reason (nothing is dropped silently); :func:`check_spec` refuses a
mapping that cannot work at all (an unknown field, a missing column, a code not in the list),
naming what is wrong.

Qt-free: the CLI (``hljgis layer replace``) and the GUI dialog share it.

Examples
--------
>>> src = read_source("survey.xlsx")                                  # doctest: +SKIP
>>> spec = suggest_spec(src, "shanty_sites")                           # doctest: +SKIP
>>> spec.values["status"]["已完成"] = "cleared"                         # doctest: +SKIP
>>> spec.provenance = {"source": "Jixi housing bureau survey", "as_of": "2024-06"}
>>> outcome = apply_spec(src, spec, crs="EPSG:4490")                   # doctest: +SKIP
>>> outcome.write_report("rejected.csv")                               # doctest: +SKIP
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.core.errors import InputError
from hljgis.core.schemas import THEMATIC, Field, Schema, get_schema, validate
from hljgis.io.replace_vocab import (
    MULTI_SPLIT,
    UNIT_ALIASES,
    UNITS,
    distinct_texts,
    header_unit,
    suggest_fields,
    suggest_values,
    units_for,
)

#: Fields hljgis fills itself when the file has no column for them, and how (for the GUI).
DERIVED = {
    "stable_from_year": "mining_end_year + 5",
    "area_km2": "computed from the outline",
    "area_ha": "computed from the outline",
    "name": "copied from name_zh",
    "source": "the provenance source",
    "as_of": "the provenance as-of date",
    "accuracy_m": "the provenance accuracy",
    "illustrative": "false (the bureau's data)",
}

TABLE_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
#: Chinese wording of the schemas' row rules, for the report.
RULES_ZH = {"stable_from_year must equal mining_end_year + 5":
            "stable_from_year 必须等于 mining_end_year + 5"}
_AS_OF = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2})\s*日?)?"
                    r"\s*月?)?\s*年?\s*$")


def replaceable_schemas() -> tuple[str, ...]:
    """Schemas of the thematic layers a bureau can replace."""
    return THEMATIC


# -- the spec ------------------------------------------------------------------------------

@dataclass
class ReplaceSpec:
    """How a source file maps onto a layer's schema.

    Attributes
    ----------
    schema : str
        Name of the target schema.
    fields : dict
        Schema field -> source column.
    constants : dict
        Schema field -> one value for every row (a list covering one city: ``city=Jixi``).
    values : dict
        Schema field -> {source text: code} for fields with a code list.
    units : dict
        Schema field -> unit of the source numbers (``mu``, ``m2``, ``km``, ...); the
        schema's own unit when absent.
    provenance : dict
        ``source`` (required), ``as_of``, ``accuracy_m``, ``licence``, ``note``.
    keep_extra : bool
        Keep the file's other columns (under their own names) beside the schema's.
    """

    schema: str
    fields: dict[str, str] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    provenance: dict[str, Any] = field(default_factory=dict)
    keep_extra: bool = True


def suggest_spec(source: pd.DataFrame, schema_name: str) -> ReplaceSpec:
    """A first mapping for the dialog or ``--suggest``: fields, units from headers, codes."""
    schema = get_schema(schema_name)
    spec = ReplaceSpec(schema_name)
    spec.fields = suggest_fields(source.columns, schema)
    for name, col in spec.fields.items():
        f = schema.field(name)
        unit = header_unit(col)
        if unit and unit in units_for(f) and unit != f.unit:
            spec.units[name] = unit
        if f.allowed:
            spec.values[name] = suggest_values(f, distinct_texts(source, col, f.multi))
    return spec


# -- checking a spec -----------------------------------------------------------------------

def _field(schema: Schema, name: str, what: str) -> Field:
    try:
        return schema.field(name)
    except KeyError:
        known = ", ".join(f.name for f in schema.fields if f.name != "illustrative")
        raise InputError(f"{what}: '{name}' is not a field of the {schema.name} layer.",
                         f"Its fields are: {known}.") from None


def _derivable(name: str, spec: ReplaceSpec, schema: Schema) -> bool:
    given = set(spec.fields) | set(spec.constants)
    if name == "stable_from_year":
        return "mining_end_year" in given
    if name in ("area_km2", "area_ha"):
        return schema.geometry == "Polygon"
    if name == "name":
        return "name_zh" in given
    if name in ("source", "as_of", "accuracy_m"):
        return (spec.provenance or {}).get(name) not in (None, "")
    return name == "illustrative" or schema.field(name).nullable


def unfilled_fields(spec: ReplaceSpec) -> list[str]:
    """Required fields that no column, fixed value, rule or provenance entry fills."""
    schema = get_schema(spec.schema)
    return [f.name for f in schema.fields if f.required and f.name not in spec.fields
            and f.name not in spec.constants and not _derivable(f.name, spec, schema)]


def check_spec(source: pd.DataFrame, spec: ReplaceSpec) -> None:
    """Refuse a mapping that cannot work, naming the field, column, value or unit.

    Raises
    ------
    InputError
        An unknown field; a column not in the file; a code not in the field's list; a unit
        of the wrong kind; a required field with no column, constant or rule to fill it;
        provenance without a source or with a malformed as-of date.
    """
    schema = get_schema(spec.schema)
    columns = [str(c) for c in source.columns if c != getattr(source, "_geometry_column_name",
                                                                  "geometry")]
    for name, col in spec.fields.items():
        _field(schema, name, "--map")
        if col not in source.columns:
            raise InputError(f"--map {name}={col}: the file has no column '{col}'.",
                             f"Its columns are: {', '.join(columns)}.")
    for name, value in spec.constants.items():
        f = _field(schema, name, "--set")
        if f.allowed and not set(_split(str(value), f.multi)) <= set(map(str, f.allowed)):
            raise InputError(f"--set {name}={value}: not an allowed value of '{name}'.",
                             f"Allowed: {', '.join(map(str, f.allowed))}.")
    for name, mapping in spec.values.items():
        f = _field(schema, name, "--values")
        if not f.allowed:
            raise InputError(f"--values {name}:...: field '{name}' has no code list.",
                             "Map its column with --map instead.")
        for text, code in mapping.items():
            if code not in f.allowed:
                raise InputError(
                    f"--values {name}:{text}={code}: '{code}' is not a code of '{name}'.",
                    f"Allowed codes: {', '.join(map(str, f.allowed))}.")
    for name, unit in spec.units.items():
        f = _field(schema, name, "--unit")
        known = units_for(f)
        if UNIT_ALIASES.get(str(unit).lower(), unit) not in known:
            raise InputError(f"--unit {name}={unit}: '{name}' is in {f.unit or 'no unit'}; "
                             f"'{unit}' cannot be converted to it.",
                             f"Units hljgis converts for it: {', '.join(known) or 'none'}.")
    missing = unfilled_fields(spec)
    hints = {"as_of": "--as-of DATE (the date the survey refers to)",
             "accuracy_m": "--accuracy METRES (how far a position may be off: about 10 for a "
                           "GPS survey, 5 for a 1:10,000 map)",
             "source": "--source TEXT"}
    for name in missing:
        if name in hints:
            raise InputError(f"the {schema.name} layer needs '{name}' for every feature, and "
                             "neither a column nor the provenance gives it.",
                             f"Give {hints[name]}, or map a column (--map {name}=COLUMN).")
    if missing:
        raise InputError(
            f"the {schema.name} layer needs field(s) {', '.join(missing)}, which the mapping "
            "does not fill.",
            f"Map them to columns (--map {missing[0]}=COLUMN) or give one value for every row "
            f"(--set {missing[0]}=VALUE). The file's columns: {', '.join(columns)}.")
    prov = spec.provenance or {}
    if not str(prov.get("source") or "").strip():
        raise InputError("the new data has no source.",
                         "Say where it comes from (--source \"Jixi housing bureau survey 2024\").")
    if prov.get("as_of") not in (None, "") and _as_of(prov["as_of"]) is None:
        raise InputError(f"as-of date '{prov['as_of']}' is not YYYY, YYYY-MM or YYYY-MM-DD.",
                         "Give the date the survey refers to, e.g. 2024-06.")
    acc = prov.get("accuracy_m")
    if acc not in (None, ""):
        try:
            ok = float(acc) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise InputError(f"accuracy '{acc}' is not a distance in metres.",
                             "Give the positional accuracy in metres, e.g. 50.")


# -- building the new features -------------------------------------------------------------

@dataclass
class ReplaceOutcome:
    """What :func:`apply_spec` made of the source.

    Attributes
    ----------
    gdf : GeoDataFrame
        The accepted features in the schema's shape (and the kept extra columns).
    report : DataFrame
        One line per problem: ``row`` (as the planner sees it: the spreadsheet row, header
        = row 1; else the feature number), ``field``, ``value``, ``reason``, ``reason_zh``
        and ``kind`` ("unmapped" for a text without a code, else "invalid").
    total : int
        Rows in the source.
    notes, notes_zh : list of str
        What hljgis filled in itself (derived fields, converted units).
    """

    gdf: gpd.GeoDataFrame
    report: pd.DataFrame
    total: int
    notes: list[str] = field(default_factory=list)
    notes_zh: list[str] = field(default_factory=list)

    @property
    def accepted(self) -> int:
        return len(self.gdf)

    @property
    def rejected(self) -> int:
        return int(self.report["row"].nunique()) if len(self.report) else 0

    def unmapped_values(self) -> dict[str, dict[str, int]]:
        """{field: {source text: rows}} for code-list texts the mapping does not cover."""
        r = self.report[self.report["kind"] == "unmapped"]
        out: dict[str, dict[str, int]] = {}
        for (fname, value), n in r.groupby(["field", "value"]).size().items():
            out.setdefault(fname, {})[value] = int(n)
        return out

    def summary(self) -> str:
        return (f"{self.accepted} of {self.total} rows accepted, {self.rejected} rejected")

    def write_report(self, path: str | Path) -> Path:
        """The rejected rows as CSV (UTF-8 with BOM, so Excel shows Chinese) or XLSX."""
        from hljgis.io.atomic import atomic_target

        path = Path(path)
        table = self.report[["row", "field", "value", "reason", "reason_zh"]]
        with atomic_target(path) as tmp:
            if path.suffix.lower() == ".xlsx":
                table.to_excel(tmp, index=False, sheet_name="rejected rows", engine="openpyxl")
            else:
                table.to_csv(tmp, index=False, encoding="utf-8-sig")
        return path


class _Problems:
    """Collects (position, field, value, reason, reason_zh, kind) for the report.

    ``reason`` is an (English, Chinese) pair, or a function of the cell value giving one.
    """

    def __init__(self) -> None:
        self.rows: list[tuple] = []

    def add(self, positions, fname: str, values, reason, kind: str = "invalid") -> None:
        positions = np.flatnonzero(positions) if np.asarray(positions).dtype == bool \
            else np.asarray(positions)
        for i in positions:
            v = values[i] if values is not None else ""
            en, zh = reason(v) if callable(reason) else reason
            self.rows.append((int(i), fname, "" if _isnull(v) else str(v), en, zh, kind))


def _per_distinct(values: np.ndarray, func) -> tuple[list, np.ndarray]:
    """``func`` applied once per distinct non-null value: (results per distinct value,
    index of each row's value in them, -1 for nulls). A survey repeats a few statuses and
    cities over thousands of rows."""
    codes, uniques = pd.factorize(pd.Series(values, dtype=object), use_na_sentinel=True)
    return [func(u) for u in uniques], codes


def _broadcast(results: list, codes: np.ndarray) -> np.ndarray:
    table = np.empty(len(results) + 1, dtype=object)
    table[:-1] = results
    table[-1] = None
    return table[np.where(codes < 0, len(results), codes)]


def _text(v) -> str:
    if hasattr(v, "strftime"):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return f"{v:.0f}"
    return str(v).strip()


def _isnull(v) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _split(text: str, multi: bool) -> list[str]:
    return [p for p in MULTI_SPLIT.split(text.strip()) if p] if multi else [text.strip()]


def _as_of(value) -> str | None:
    """YYYY, YYYY-MM or YYYY-MM-DD from a date, "2024年6月", "2024/6/30" or "2024-06"."""
    if isinstance(value, pd.Timestamp | np.datetime64) or hasattr(value, "strftime"):
        return pd.Timestamp(value).strftime("%Y-%m-%d")
    if isinstance(value, int | np.integer | float | np.floating) and not _isnull(value):
        value = f"{value:.0f}" if float(value).is_integer() else str(value)
    m = _AS_OF.match(str(value))
    if not m:
        return None
    y, mo, d = m.groups()
    if (mo and not 1 <= int(mo) <= 12) or (d and not 1 <= int(d) <= 31):
        return None
    return y + (f"-{int(mo):02d}" if mo else "") + (f"-{int(d):02d}" if d else "")


def _numbers(raw: pd.Series, f: Field) -> tuple[np.ndarray, np.ndarray]:
    """(values, unreadable mask): thousands separators and a trailing 年 are accepted."""
    if raw.dtype.kind in "iuf":
        return raw.to_numpy(dtype=float), np.zeros(len(raw), dtype=bool)
    obj = raw.astype(object)
    dates = obj.map(lambda v: hasattr(v, "year") and not isinstance(v, str))
    text = obj.where(~dates, None).astype("string").str.replace(r"[,，\s]", "", regex=True)
    if f.unit == "year":
        text = text.str.replace(r"年$", "", regex=True)
    vals = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float)
    if dates.any() and f.unit == "year":
        vals[dates.to_numpy()] = [v.year for v in obj[dates]]
    unreadable = np.isnan(vals) & raw.notna().to_numpy() & (text.fillna("") != "").to_numpy()
    return vals, unreadable


def _column(source: pd.DataFrame, f: Field, spec: ReplaceSpec) -> pd.Series | None:
    if f.name in spec.fields:
        return source[spec.fields[f.name]].reset_index(drop=True)
    if f.name in spec.constants:
        return pd.Series([spec.constants[f.name]] * len(source), dtype=object)
    return None


def _convert(raw: pd.Series, f: Field, spec: ReplaceSpec, problems: _Problems,
             notes: list[tuple[str, str]]) -> pd.Series:
    """One schema field from its source column; bad cells go to ``problems``."""
    n = len(raw)
    values = raw.to_numpy(dtype=object)
    empty = raw.isna().to_numpy() | (raw.astype("string").str.strip().fillna("") == "") \
        .to_numpy()
    if f.type in ("int", "float"):
        nums, unreadable = _numbers(raw, f)
        problems.add(unreadable, f.name, values,
                     lambda v: (f"'{v}' is not a number", f"“{v}”不是数字"))
        unit = UNIT_ALIASES.get(str(spec.units.get(f.name, "")).lower())
        if unit and unit != f.unit:
            nums = nums * UNITS[unit][1] / UNITS[f.unit][1]
            notes.append((f"{f.name}: converted from {unit} to {f.unit}",
                          f"{f.name}：由 {unit} 换算为 {f.unit}"))
        ok = ~np.isnan(nums)
        if f.type == "int":
            frac = ok & (np.abs(nums - np.round(nums)) > 1e-9)
            problems.add(frac, f.name, values,
                         lambda v: (f"'{v}' is not a whole number", f"“{v}”不是整数"))
            ok &= ~frac
        if f.min is not None:
            low = ok & (nums < f.min)
            problems.add(low, f.name, values, (f"below the minimum {f.min:g} {f.unit}".strip(),
                                               f"小于最小值 {f.min:g} {f.unit}".strip()))
            ok &= ~low
        if f.max is not None:
            high = ok & (nums > f.max)
            problems.add(high, f.name, values, (f"above the maximum {f.max:g} {f.unit}".strip(),
                                                f"大于最大值 {f.max:g} {f.unit}".strip()))
            ok &= ~high
        out = pd.Series(np.where(ok, nums, np.nan))
        if f.type == "int":
            out = out.round().astype("Int64")
        return out
    if f.name == "as_of":
        results, codes = _per_distinct(np.asarray(np.where(empty, None, values)), _as_of)
        dated = _broadcast(results, codes)
        bad = np.array([d is None for d in dated]) & ~empty
        problems.add(bad, f.name, values, lambda v: (
            f"'{v}' is not a date (YYYY, YYYY-MM or YYYY-MM-DD)",
            f"“{v}”不是日期（YYYY、YYYY-MM 或 YYYY-MM-DD）"))
        return pd.Series(dated, dtype=object)
    results, codes = _per_distinct(np.asarray(np.where(empty, None, values)), _text)
    text = _broadcast(results, codes)
    if not f.allowed:
        return pd.Series(text, dtype=object)
    mapping = {**{a: a for a in map(str, f.allowed)}, **spec.values.get(f.name, {})}
    lower = {k.lower(): v for k, v in mapping.items()}
    allowed = ", ".join(map(str, f.allowed))

    def to_code(v: str) -> tuple[str | None, list[str]]:
        parts = _split(v, f.multi)
        found = [mapping.get(p, lower.get(p.lower())) for p in parts]
        missing = [p for p, c in zip(parts, found, strict=True) if c is None]
        codes = [c for c in found if c is not None]  # all of them when none is missing
        return (None if missing else ";".join(dict.fromkeys(codes))), missing

    results, codes = _per_distinct(text, to_code)
    for k, (_, missing) in enumerate(results):
        rows = np.flatnonzero(codes == k)
        for part in missing:
            problems.add(rows, f.name, [part] * n, (
                f"'{part}' has no mapping to a code of '{f.name}' ({allowed})",
                f"“{part}”未对应到字段 {f.name} 的代码（{allowed}）"), kind="unmapped")
    return pd.Series(_broadcast([c for c, _ in results], codes), dtype=object)


def _geometry_problems(geoms: np.ndarray, schema: Schema, problems: _Problems) -> np.ndarray:
    from hljgis.core.schemas import _GEOM_FAMILY

    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    problems.add(missing, "geometry", None, ("no geometry (no coordinates or outline)",
                                             "无几何图形（缺少坐标或边界）"))
    names = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint",
                      "MultiLineString", "MultiPolygon", "GeometryCollection", None],
                     dtype=object)
    ids = shapely.get_type_id(geoms)
    types = names[np.where((ids >= 0) & (ids < 8), ids, 8)]
    wrong = ~missing & np.array([_GEOM_FAMILY.get(t) != schema.geometry for t in types])
    outlines = schema.geometry == "Polygon"
    problems.add(wrong, "geometry", types, lambda t: (
        f"a {t}, but the layer holds {schema.geometry}s"
        + (" (a point list cannot replace outlines: give a WKT column or a GPKG/SHP/KML of "
           "the outlines)" if outlines else ""),
        f"为 {t}，但图层要求 {schema.geometry}"
        + ("（点位清单不能替换边界：请提供 WKT 列，或边界的 GPKG/SHP/KML 文件）" if outlines
           else "")))
    invalid = ~missing & ~wrong & ~shapely.is_valid(geoms)
    problems.add(invalid, "geometry", None, (
        "invalid outline (self-intersection?); repair the file first "
        "(hljgis repair FILE --out FIXED.gpkg)",
        "边界无效（自相交？）；请先修复文件（hljgis repair 文件 --out 修复后.gpkg）"))
    return missing | wrong | invalid


def apply_spec(source: gpd.GeoDataFrame, spec: ReplaceSpec, *, crs=None,
               first_row: int = 1) -> ReplaceOutcome:
    """Build the new features of a layer from ``source`` and report what was refused.

    Parameters
    ----------
    source : GeoDataFrame
        The bureau's features (:func:`read_source`).
    spec : ReplaceSpec
        Checked with :func:`check_spec` first (raises on a mapping that cannot work).
    crs : CRS-like, optional
        CRS of the result (the replaced layer's own); the source's when omitted.
    first_row : int
        Row number of the first feature as the planner sees it (2 for a spreadsheet or
        CSV with a header line; :func:`first_row_for`).

    Returns
    -------
    ReplaceOutcome
    """
    check_spec(source, spec)
    schema = get_schema(spec.schema)
    source = source.reset_index(drop=True)
    n = len(source)
    problems = _Problems()
    notes: list[tuple[str, str]] = []
    prov = spec.provenance or {}
    cols: dict[str, pd.Series] = {}
    for f in schema.fields:
        raw = _column(source, f, spec)
        if f.name == "illustrative":
            cols[f.name] = pd.Series(np.zeros(n, dtype=bool))
            continue
        if raw is None:
            if f.nullable:
                cols[f.name] = pd.Series([None] * n, dtype=object if f.type == "str" else float)
            continue
        cols[f.name] = _convert(raw, f, spec, problems, notes)
    geoms = np.asarray(source.geometry.values, dtype=object)
    bad_geom = _geometry_problems(geoms, schema, problems)
    metric = None
    if "name" not in cols and ("name_zh" in spec.fields or "name_zh" in spec.constants):
        cols["name"] = cols["name_zh"]
        notes.append(("name: copied from name_zh (the file has no English/pinyin names)",
                      "name：取自 name_zh（文件中没有英文/拼音名称）"))
    if "stable_from_year" not in cols and "mining_end_year" in cols:
        cols["stable_from_year"] = cols["mining_end_year"] + 5
        notes.append(("stable_from_year: mining_end_year + 5",
                      "stable_from_year：mining_end_year + 5"))
    for area, factor in (("area_km2", 1e6), ("area_ha", 1e4)):
        if area in (f.name for f in schema.fields) and area not in cols \
                and schema.geometry == "Polygon":
            if metric is None:
                from hljgis.core.crs import metric_crs_for

                ok = ~bad_geom
                ext = source[ok].to_crs("EPSG:4490").total_bounds if ok.any() else None
                metric = metric_crs_for(tuple(ext), "EPSG:4490") if ext is not None else None
            vals = np.full(n, np.nan)
            if metric is not None:
                good = ~bad_geom
                vals[good] = source[good].to_crs(metric).geometry.area.to_numpy() / factor
            cols[area] = pd.Series(np.round(vals, 4))
            notes.append((f"{area}: computed from the outlines in a metric CRS",
                          f"{area}：按边界在米制坐标系中计算"))
    fill = {"source": prov.get("source"), "as_of": _as_of(prov["as_of"]) if prov.get("as_of")
            else None, "accuracy_m": float(prov["accuracy_m"])
            if prov.get("accuracy_m") not in (None, "") else None}
    for name, value in fill.items():
        if name not in (f.name for f in schema.fields):
            continue
        if name in cols:
            cols[name] = cols[name].where(cols[name].notna(), value)
        else:
            cols[name] = pd.Series([value] * n, dtype=object if name != "accuracy_m"
                                   else float)
    for f in schema.fields:  # empty where a value is required
        if f.nullable or f.name not in cols:
            continue
        empty = cols[f.name].isna().to_numpy().copy()
        already = {i for i, fn, *_ in problems.rows if fn == f.name}
        empty[list(already)] = False
        src_col = spec.fields.get(f.name)
        problems.add(empty, f.name, None, (
            f"required value is empty{f' (column {src_col})' if src_col else ''}",
            f"必填值为空{f'（列 {src_col}）' if src_col else ''}"))
    frame = pd.DataFrame({f.name: cols[f.name] for f in schema.fields if f.name in cols})
    keep = np.ones(n, dtype=bool)
    keep[[i for i, *_ in problems.rows]] = False
    for description, rule in schema.rules:
        if not keep.any():
            break
        broken = np.zeros(n, dtype=bool)
        broken[keep] = np.asarray(rule(frame[keep]), dtype=bool)
        problems.add(broken, "(row)", None, (description, RULES_ZH.get(description,
                                                                         description)))
        keep &= ~broken
    if spec.keep_extra:
        used = set(spec.fields.values()) | {source.geometry.name}
        for c in source.columns:
            if c not in used and c not in frame.columns:
                frame[c] = source[c].to_numpy()
    gdf = gpd.GeoDataFrame(frame[keep].reset_index(drop=True),
                           geometry=list(geoms[keep]), crs=source.crs)
    if crs is not None and len(gdf):
        gdf = gdf.to_crs(crs)
    elif crs is not None:
        gdf = gdf.set_crs(crs, allow_override=True)
    for c in gdf.columns:  # nullable ints become plain ints or floats for GeoPackage
        if str(gdf[c].dtype) == "Int64":
            gdf[c] = gdf[c].astype("int64") if gdf[c].notna().all() else gdf[c].astype(float)
    report = pd.DataFrame(problems.rows,
                          columns=["pos", "field", "value", "reason", "reason_zh", "kind"])
    report.insert(0, "row", report.pop("pos") + first_row)
    report = report.sort_values(["row"], kind="stable").reset_index(drop=True)
    notes = list(dict.fromkeys(notes))
    return ReplaceOutcome(gdf, report, n, [en for en, _ in notes], [zh for _, zh in notes])


# -- reading the source and the provenance -------------------------------------------------

def first_row_for(path: str | Path) -> int:
    """Row number of the first feature as a planner sees it (spreadsheet row 2 under a
    header; feature 1 otherwise)."""
    return 2 if Path(path).suffix.lower() in TABLE_SUFFIXES else 1


def read_source(path: str | Path, **options) -> gpd.GeoDataFrame:
    """The one vector layer of ``path`` (``layer=`` picks a layer or a sheet), rows in file
    order (mixed geometry types are not split, so row numbers stay the file's)."""
    from hljgis.core.layer import VectorLayer
    from hljgis.io.readers import read_file

    layers = [lyr for lyr in read_file(path, split_mixed=False, **options)
              if isinstance(lyr, VectorLayer)]
    if len(layers) != 1:
        names = ", ".join(lyr.name for lyr in layers) or "none"
        raise InputError(f"{Path(path).name} holds {len(layers)} vector layers ({names}).",
                         "Pick one with --layer NAME (the sheet of a workbook).")
    return layers[0].gdf


def new_provenance(spec: ReplaceSpec, path: str | Path, outcome: ReplaceOutcome) -> dict:
    """The layer's provenance after the replacement: the bureau's, never illustrative."""
    prov = {k: v for k, v in (spec.provenance or {}).items() if v not in (None, "")}
    if "as_of" in prov:
        prov["as_of"] = _as_of(prov["as_of"])
    if "accuracy_m" in prov:
        prov["accuracy_m"] = float(prov["accuracy_m"])
    prov["illustrative"] = False
    prov["replaced_from"] = Path(path).name
    summary = f"replaced from {Path(path).name}: {outcome.summary()}"
    prov["note"] = f"{prov['note']}; {summary}" if prov.get("note") else summary
    return prov


def target_layer(project, name: str, spec: ReplaceSpec | None = None):
    """The thematic layer ``name`` of ``project``; InputError when it is missing, has no
    thematic schema, or ``spec`` maps onto another schema."""
    if name not in project:
        raise InputError(f"the project has no layer '{name}'.",
                         f"Its layers: {', '.join(project.layer_names())}.")
    layer = project.layer(name)
    if layer.kind != "vector" or getattr(layer, "schema", None) not in THEMATIC:
        names = [lyr.name for lyr in project.layers if getattr(lyr, "schema", None) in THEMATIC]
        raise InputError(f"layer '{name}' is not a thematic layer with a schema.",
                         f"Layers that can be replaced: {', '.join(names) or 'none'}.")
    if spec is not None and spec.schema != layer.schema:
        raise InputError(f"the mapping is for {spec.schema}, but layer '{name}' is "
                         f"{layer.schema}.", "Map the file onto the layer's own schema.")
    return layer


def commit_outcome(session, name: str, path: str | Path, spec: ReplaceSpec,
                   outcome: ReplaceOutcome) -> None:
    """Swap the accepted features into the layer (one undo step); InputError, with the
    commonest reasons, when no row was accepted (the layer is then left alone)."""
    if not outcome.accepted:
        reasons = outcome.report["reason"].value_counts().head(3)
        raise InputError(
            f"no row of {Path(path).name} fits the {name} layer ({outcome.total} rejected; "
            f"most common: {'; '.join(f'{r} ({k})' for r, k in reasons.items())}).",
            "Check the mapping and the file; the layer was not changed.")
    # the row checks mirror the schema's; its own validator has the last word (once, here:
    # it costs more than the mapping, which the dialog re-runs on every change)
    problems = validate(outcome.gdf, spec.schema)
    if problems:
        raise InputError(f"the mapped data does not fit the {name} layer: "
                         f"{'; '.join(problems)}.",
                         "The layer was not changed. Please report this with the file.")
    session.replace_layer_data(name, outcome.gdf, new_provenance(spec, path, outcome))


def replace_layer(session, name: str, path: str | Path, spec: ReplaceSpec, *,
                  source: gpd.GeoDataFrame | None = None, **read_options) -> ReplaceOutcome:
    """Read ``path``, map it with ``spec`` and swap it into layer ``name`` of the session's
    project as one undoable step; the layer then carries the bureau's provenance.

    Raises
    ------
    InputError
        A bad mapping (:func:`check_spec`), a layer that is not thematic, or a file of which
        no row fits (the layer is then left as it was).
    """
    layer = target_layer(session.project, name, spec)
    if source is None:
        source = read_source(path, **read_options)
    outcome = apply_spec(source, spec, crs=layer.crs, first_row=first_row_for(path))
    commit_outcome(session, name, path, spec, outcome)
    return outcome


def parse_pairs(items, what: str) -> dict[str, str]:
    """``["status=状态", ...]`` -> {"status": "状态"}; InputError naming a malformed item."""
    out = {}
    for item in items or []:
        key, sep, value = str(item).partition("=")
        if not sep or not key.strip():
            raise InputError(f"{what} '{item}' is not FIELD=VALUE.",
                             f"Write it like {what} status=状态.")
        out[key.strip()] = value.strip()
    return out


def parse_value_maps(items) -> dict[str, dict[str, str]]:
    """``["status:已完成=cleared", ...]`` -> {"status": {"已完成": "cleared"}}."""
    out: dict[str, dict[str, str]] = {}
    for item in items or []:
        head, sep, code = str(item).rpartition("=")
        fname, colon, text = head.partition(":")
        if not sep or not colon or not fname.strip() or not text.strip():
            raise InputError(f"--values '{item}' is not FIELD:SOURCE_TEXT=CODE.",
                             "Write it like --values status:已完成=cleared.")
        out.setdefault(fname.strip(), {})[text.strip()] = code.strip()
    return out


__all__ = [
    "DERIVED",
    "ReplaceOutcome",
    "ReplaceSpec",
    "apply_spec",
    "check_spec",
    "commit_outcome",
    "distinct_texts",
    "first_row_for",
    "header_unit",
    "new_provenance",
    "parse_pairs",
    "parse_value_maps",
    "read_source",
    "replace_layer",
    "replaceable_schemas",
    "suggest_fields",
    "suggest_spec",
    "suggest_values",
    "target_layer",
    "units_for",
]
