"""Tables (attribute tables, ranking results) to CSV or XLSX with bilingual headers.

Planners hand these files to colleagues who open them in Excel or WPS: CSV is UTF-8 with a
BOM (Excel then reads Chinese correctly) and one header row "score 得分"; XLSX has the field
names in row 1, their Chinese names in row 2 and both rows frozen. Qt-free; written
atomically like every other output.
"""

from __future__ import annotations

import contextlib
import csv
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from hljgis.core.aliases import FIELD_ALIASES, display_value, field_text, is_coded
from hljgis.core.crs import WGS84
from hljgis.core.errors import InputError
from hljgis.io.atomic import atomic_target, write_atomic

#: Chinese names of the fields ranking results and bundled layers share (``core.aliases``).
HEADINGS_ZH = {key: text.zh for key, text in FIELD_ALIASES.items()}
#: Excel refuses cells longer than this many characters.
XLSX_CELL_LIMIT = 32_767
TABLE_SUFFIXES = (".csv", ".xlsx")


def heading_zh(key: str) -> str:
    """The Chinese name of a field (``core.aliases``), or "" when none is known."""
    text = field_text(str(key))
    return text.zh if text is not None else ""


def bilingual(key: str) -> str:
    """"score 得分" (or the key alone when no Chinese name is known)."""
    zh = heading_zh(key)
    return f"{key} {zh}" if zh else key


def with_location(gdf, *, wkt: bool = False) -> pd.DataFrame:
    """The attributes of ``gdf`` plus ``lon``/``lat`` (WGS84) of a point inside each feature,
    and with ``wkt`` the WGS84 geometry as text; a plain frame is returned unchanged."""
    name = getattr(getattr(gdf, "geometry", None), "name", None)
    if name is None or name not in gdf.columns:
        return pd.DataFrame(gdf)
    geoms = gdf.geometry
    wgs = geoms.to_crs(WGS84).values if gdf.crs is not None else geoms.values
    out = pd.DataFrame(gdf.drop(columns=name))
    missing = shapely.is_missing(wgs) | shapely.is_empty(wgs)
    inside = shapely.point_on_surface(np.where(missing, None, wgs))
    out["lon"] = np.round(shapely.get_x(inside), 7)
    out["lat"] = np.round(shapely.get_y(inside), 7)
    if wkt:
        out["wkt"] = shapely.to_wkt(wgs, rounding_precision=7)
    return out


def label_codes(frame: pd.DataFrame, lang: str, specs=None) -> pd.DataFrame:
    """``frame`` with its codes read as the table shows them: the label in ``lang`` ("en",
    "zh") of each code of a coded field (``provincial`` -> "Provincial" / "省级", a layer's
    own code lists first) and Yes/No (是/否) for true/false. Codes without a label stay.

    One lookup per distinct value; columns without codes are shared, not copied.

    Examples
    --------
    >>> label_codes(pd.DataFrame({"level": ["provincial", "x"], "n": [1, 2]}), "zh")
      level  n
    0    省级  1
    1     x  2
    """
    out = None
    for name in frame.columns:
        series = frame[name]
        is_bool = pd.api.types.is_bool_dtype(series)
        if not is_bool and (pd.api.types.is_numeric_dtype(series)
                            or not is_coded(str(name), specs)):
            continue
        mapping = {}
        for value in series.dropna().unique():
            label = display_value(str(name), value, lang, specs)
            if label is not None:
                mapping[value] = label
        if not mapping:
            continue
        if out is None:
            out = frame.copy(deep=False)
        labelled = series.map(mapping).astype(object)
        keep = labelled.isna().to_numpy()
        labelled[keep] = series[keep].astype(object)  # codes without a label stay
        labelled[series.isna().to_numpy()] = None
        out[name] = labelled
    return frame if out is None else out


#: Leading columns of an exported ranking, in this order; criterion columns follow.
RANKING_COLUMNS = ("rank", "site_id", "site_name", "site_name_zh", "city", "site_type",
                   "score", "rank_min", "rank_median", "rank_max")
RANKING_TAIL = ("excluded", "exclusion_reason", "penalty")


def ranking_frame(gdf) -> pd.DataFrame:
    """A ranking result's sites best first (excluded ones last) with the columns a reviewer
    needs: identity, score, rank range, each criterion's raw value, 0-1 score and
    contribution, the exclusion reason, and lon/lat."""
    rank = pd.to_numeric(gdf["rank"], errors="coerce").to_numpy(dtype=float)
    order = np.argsort(np.where(np.isnan(rank), np.inf, rank), kind="stable")
    cols = [c for c in RANKING_COLUMNS if c in gdf.columns]
    cols += [c for c in gdf.columns if str(c).startswith("p_top_")]
    cols += [c for c in gdf.columns if str(c).startswith(("raw_", "norm_", "contrib_"))]
    cols += [c for c in RANKING_TAIL if c in gdf.columns]
    geom = getattr(getattr(gdf, "geometry", None), "name", None)
    picked = gdf.iloc[order][[*cols, *([geom] if geom else [])]]
    return with_location(picked)


def write_table(frame: pd.DataFrame, path: str | Path, *, sheet: str = "table",
                headings: Callable[[str], str] = heading_zh,
                notes: list[str] | None = None,
                progress: Callable[[float, str, bool], None] | None = None) -> Path:
    """Write ``frame`` to ``path`` (.csv or .xlsx) with bilingual headers, atomically.

    Parameters
    ----------
    frame : DataFrame
        Written as it is (no index); a geometry column should be converted first
        (:func:`with_location`).
    path : path ending in .csv or .xlsx
    sheet : str
        XLSX sheet name (Excel allows 31 characters).
    headings : callable
        Chinese name of a column, "" when none.
    notes : list of str, optional
        Lines (e.g. the illustrative-data warning) put on a second XLSX sheet; CSV ignores
        them.
    progress : callable, optional
        ``progress(fraction, message, cancellable)`` every :data:`PROGRESS_ROWS` rows; an
        exception it raises (the planner cancelled) stops the write and leaves ``path``
        untouched. Saving the workbook at the end cannot stop (``cancellable`` False).

    Returns
    -------
    Path

    Raises
    ------
    InputError
        Another extension, or a folder that cannot be written.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TABLE_SUFFIXES:
        raise InputError(f"hljgis cannot write a table as '{suffix or path.name}'.",
                         "Choose a .csv or .xlsx file name.")
    keys = [str(c) for c in frame.columns]
    if suffix == ".csv":
        with atomic_target(path) as tmp, open(tmp, "w", newline="",
                                              encoding="utf-8-sig") as fh:
            writer = csv.writer(fh)
            writer.writerow([f"{k} {headings(k)}".strip() for k in keys])
            for row in _reporting(_cells(frame), len(frame), progress):
                writer.writerow(["" if v is None else v for v in row])
        return path
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.freeze_panes = "A3"
    for i, key in enumerate(keys):
        width = max(len(key), 2 * len(headings(key)), 8) + 2
        ws.column_dimensions[openpyxl.utils.get_column_letter(i + 1)].width = min(width, 60)
    ws.append(keys)
    ws.append([headings(k) for k in keys])
    try:
        for row in _reporting(_cells(frame), len(frame), progress, share=0.8):
            ws.append([v if not isinstance(v, str) or len(v) <= XLSX_CELL_LIMIT else None
                       for v in row])
    except BaseException:
        # stopped (cancelled): close the write-only sheet and delete its temporary file
        with contextlib.suppress(Exception):
            ws.close()
            ws._writer.cleanup()
        raise
    if notes:
        extra = wb.create_sheet("notes 说明")
        for line in notes:
            extra.append([line])
    if progress:
        progress(0.8, "saving the workbook", False)
    return write_atomic(path, lambda tmp: wb.save(tmp))


#: Rows between two progress reports (about 0.05 s of XLSX writing).
PROGRESS_ROWS = 5_000


def _reporting(rows, total: int, progress, share: float = 1.0):
    """``rows`` passed through, calling ``progress`` every :data:`PROGRESS_ROWS` rows."""
    if progress is None:
        yield from rows
        return
    for i, row in enumerate(rows):
        if i % PROGRESS_ROWS == 0:
            progress(share * i / max(1, total), f"row {i:,} of {total:,}", True)
        yield row


def _cells(frame: pd.DataFrame):
    """Rows of plain Python values (None for missing), column by column converted once."""
    columns = []
    for name in frame.columns:
        series = frame[name]
        if pd.api.types.is_datetime64_any_dtype(series):
            values = series.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object)
        else:
            values = series.astype(object)
        values = values.where(series.notna(), None).to_numpy()
        columns.append([_plain(v) for v in values] if values.dtype == object else values)
    return zip(*columns, strict=True) if columns else iter(())


def _plain(v):
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, (list, tuple, dict, set)):
        return str(v)
    return v


def table_text(frame: pd.DataFrame, format_value: Callable[[object], str] = str) -> str:
    """Tab-separated text with a header row, as spreadsheets paste it (Ctrl+C of rows)."""
    lines = ["\t".join(str(c) for c in frame.columns)]
    for row in _cells(frame):
        lines.append("\t".join(_clean(format_value(v)) for v in row))
    return "\n".join(lines) + "\n"


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ")


__all__ = ["HEADINGS_ZH", "bilingual", "heading_zh", "label_codes", "ranking_frame",
           "table_text", "with_location", "write_table"]
