"""Search and summarise a table's columns without Qt: the attribute table's text filter
(Arrow's substring kernel over lower-cased text, codes found by their labels) and its
field statistics. Kept apart from the widget so it is tested and reused on plain frames.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from hljgis.core.aliases import display_value, is_coded


def is_numeric(series: pd.Series) -> bool:
    """True for int/float columns (bool is not numeric here: it sorts and counts as text)."""
    return pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series)


#: Characters a number's text can hold: a needle made only of these searches numeric
#: columns too; "jixi" skips them (a million floats turned to text cost seconds).
_NUMBER_CHARS = frozenset("0123456789.-+einf")


def text_mask(frame: pd.DataFrame, columns: list[str], text: str, cache: dict,
              lang: str | None = None, specs=None) -> np.ndarray:
    """Rows where any of ``columns`` contains ``text`` (case-insensitive, not a regex).

    With ``lang``, a code also matches by its label in that language (省级 finds
    ``provincial``), as the table shows it. ``cache`` keeps each column's lower-cased text
    (Arrow strings, searched by Arrow's substring kernel) between keystrokes; numeric
    columns are searched only for a needle a number could hold.
    """
    needle = text.strip().lower()
    if not needle:
        return np.ones(len(frame), dtype=bool)
    numeric_needle = set(needle) <= _NUMBER_CHARS
    mask = np.zeros(len(frame), dtype=bool)
    for name in columns:
        series = frame[name]
        if numeric_needle or not is_numeric(series):
            lowered = cache.get(name)
            if lowered is None:
                lowered = cache[name] = _lowered_text(series)
            mask |= _contains(lowered, needle)
        if lang is not None:
            labelled = _labels_of(series, str(name), lang, specs, cache)
            if labelled is not None:
                mask |= _contains(labelled, needle)
    return mask


def _lowered_text(series: pd.Series):
    """The column as lower-case Arrow text, nulls (NaN, None) kept null."""
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        if pd.api.types.is_bool_dtype(series):
            arr = pa.array(series.to_numpy(dtype=bool)).cast(pa.string())  # "true"
        else:
            arr = pa.array(series, from_pandas=True)
            if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
                arr = arr.cast(pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        arr = pa.array(series.astype("string"), type=pa.string(), from_pandas=True)
    return pc.utf8_lower(arr)


def _contains(lowered, needle: str) -> np.ndarray:
    import pyarrow.compute as pc

    return pc.match_substring(lowered, needle).fill_null(False).to_numpy(
        zero_copy_only=False)


def _labels_of(series: pd.Series, name: str, lang: str, specs, cache: dict):
    """Lower-cased code labels of a coded column (one lookup per distinct value), or None."""
    key = (name, lang)
    if key not in cache:
        labels = None
        if is_coded(name, specs) and not pd.api.types.is_numeric_dtype(series):
            import pyarrow as pa

            codes, uniques = pd.factorize(series)  # a label per distinct code, then a take
            names = [display_value(name, v, lang, specs) for v in uniques]
            if any(names):
                table = pa.array([n.lower() if n else None for n in names] + [None],
                                 type=pa.string())
                labels = table.take(np.where(codes < 0, len(names), codes))
        cache[key] = labels
    return cache[key]


def field_statistics(series: pd.Series, top: int = 5) -> dict:
    """Summary of one field: numbers get count/nulls/min/max/mean/median/sum, other fields
    count/nulls/distinct and the ``top`` most frequent values."""
    nulls = int(series.isna().sum())
    count = int(series.size - nulls)
    if is_numeric(series):
        values = pd.to_numeric(series, errors="coerce").astype(float).dropna()
        empty = values.empty
        return {
            "kind": "number", "count": count, "nulls": nulls,
            "min": None if empty else float(values.min()),
            "max": None if empty else float(values.max()),
            "mean": None if empty else float(values.mean()),
            "median": None if empty else float(values.median()),
            "sum": float(values.sum()),
        }
    text = series.dropna().astype(str)
    counts = text.value_counts(sort=True)
    return {"kind": "text", "count": count, "nulls": nulls, "distinct": int(counts.size),
            "top": [(str(k), int(v)) for k, v in counts.head(top).items()]}
