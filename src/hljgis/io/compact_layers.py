"""Rankings stored compactly in the project file: no second copy of geometry the file can
rebuild, and columns compressed.

A ranking of generated cells is stored as its grid definition (origin, cell size, shape,
CRS in the layer's settings; each cell's lattice column and row as two int32 columns) and
its rows as one Parquet blob (floats byte-split, zstd). The polygons are rebuilt on load by
the same arithmetic that made them (:mod:`hljgis.core.cellgrid`), bit for bit. A ranking of
a candidate layer of the same project keeps, instead of the polygons, each row's position in
that layer. A float column that equals another one, or another one times a constant, is
stored as that recipe.

Nothing is taken on trust: at save time the geometry is checked to be exactly the cells of
the grid (every coordinate) or the very geometry objects of the candidate layer; an edited,
moved or reprojected result, or a candidate layer that changed, is written whole, as before.
Results under :data:`COMPACT_FROM` rows are written whole too, so QGIS shows them.

Figures (``bench/project_io.py``, 2 cores, load 1-2): the place-making run of the four
cities (303k cells) adds 9.3 MB to the project instead of 131 MB; 1M cells add 34 MB
instead of 417 MB, save in 0.9 s warm (4.0 s) and open in 1.4 s cold (9.5 s).
"""

from __future__ import annotations

import io as _io
import sqlite3
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.core.cellgrid import CellGrid
from hljgis.core.layer import VectorLayer

__all__ = ["COMPACT_FROM", "COMPACT_TABLE", "CompactLayer", "compact_plan", "read_compact",
           "write_compact"]

#: Table holding one Parquet blob per compact layer.
COMPACT_TABLE = "hljgis_compact"
#: Rows from which a ranking is stored compactly (smaller ones stay plain GPKG tables).
COMPACT_FROM = 10_000
_COL, _ROW, _POS = "__cell_col", "__cell_row", "__source_row"


class CompactLayer:
    """A layer's compact form: its storage settings and its columns as Parquet bytes."""

    def __init__(self, storage: dict, blob: bytes) -> None:
        self.storage = storage
        self.blob = blob


def compact_plan(layer: VectorLayer, layers: Mapping[str, object],
                 minimum: int | None = None) -> CompactLayer | None:
    """The compact form of ``layer``, or None when it must be written whole.

    Parameters
    ----------
    layer : VectorLayer
        A ranking whose :attr:`~hljgis.core.layer.VectorLayer.geometry_source` is set.
    layers : dict
        The project's layers by name (a reference needs its candidate layer there).
    minimum : int, optional
        Fewest rows worth compacting (default :data:`COMPACT_FROM`).
    """
    src = getattr(layer, "geometry_source", None)
    gdf = layer.gdf
    if src is None or len(gdf) < (COMPACT_FROM if minimum is None else minimum):
        return None
    geoms = np.asarray(gdf.geometry.array)
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name))
    if frame.columns.has_duplicates or not all(
            isinstance(c, str) and not c.startswith("__") and _travels(frame[c].dtype)
            for c in frame.columns):
        return None
    crs = gdf.crs.to_wkt()
    if isinstance(src, CellGrid):
        if not src.matches(geoms):
            return None
        storage = {"kind": "grid", **src.definition(), "crs": crs}
        frame[_COL], frame[_ROW] = src.col.astype(np.int32), src.row.astype(np.int32)
    elif isinstance(src, str):
        cand = layers.get(src)
        if not isinstance(cand, VectorLayer) or cand is layer or \
                not cand.gdf.crs.equals(gdf.crs):
            return None
        pos = _positions(geoms, np.asarray(cand.gdf.geometry.array))
        if pos is None:
            return None
        storage = {"kind": "reference", "layer": src, "crs": crs}
        frame[_POS] = pos
    else:
        return None
    storage["columns"] = [c for c in frame.columns if c not in (_COL, _ROW, _POS)]
    # each stage only reads columns still there, so loading replays them backwards
    recipes: list[dict] = []
    for stage in (_masked_and_ranked, _counters, _recipes):
        frame, more = stage(frame)
        recipes += more
    specs = getattr(layer, "column_recipes", None) or {}
    frame, more = _transformed(frame, specs)
    recipes += more
    if specs:  # kept, so the reopened layer is stored as compactly again
        storage["column_recipes"] = specs
    storage["recipes"] = recipes
    storage["geometry_name"] = gdf.geometry.name
    try:
        blob = _to_parquet(frame)
    except Exception:  # a column Arrow cannot hold: the layer is written whole instead
        return None
    return CompactLayer(storage, blob)


def _travels(dtype) -> bool:
    """Dtypes that come back from Parquet as they went in (anything else, e.g. object
    columns of mixed values or dates, keeps the layer a plain table)."""
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return str(dtype) in ("Int64", "Int32", "Float64", "boolean")
    return dtype.kind in "biuf"


def _positions(geoms: np.ndarray, source: np.ndarray) -> np.ndarray | None:
    """Each geometry's position in ``source`` when every one is the very same object there
    (shapely geometries are immutable: the same object is the same geometry), else None."""
    if not len(geoms) or not len(source):
        return None
    sid = np.fromiter(map(id, source), dtype=np.int64, count=len(source))
    gid = np.fromiter(map(id, geoms), dtype=np.int64, count=len(geoms))
    order = np.argsort(sid, kind="stable")
    at = np.searchsorted(sid[order], gid)
    at = np.minimum(at, len(sid) - 1)
    pos = order[at]
    if not np.array_equal(sid[pos], gid):
        return None
    return pos.astype(np.int64)


def _recipes(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Drop float columns that equal another column, or another column times a constant
    (a WLC contribution is weight x normalised score), bit for bit; return the recipes."""
    floats = [c for c in frame.columns if frame[c].dtype == np.float64]
    values = {c: frame[c].to_numpy() for c in floats}
    sample = np.unique(np.linspace(0, len(frame) - 1, min(len(frame), 512)).astype(int))
    recipes, dropped = [], set()
    for j, b in enumerate(floats):
        vb = values[b]
        for a in floats[:j]:
            if a in dropped:
                continue
            va = values[a]
            times = _factor(va[sample], vb[sample])
            if times is None:
                continue
            if np.array_equal(va if times == 1.0 else va * times, vb, equal_nan=True):
                recipes.append({"column": b, "from": a, "times": times})
                dropped.add(b)
                break
    return frame.drop(columns=sorted(dropped)), recipes


def _counters(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Drop int64 columns that count 0, 1, 2, ... (a grid's site ids)."""
    n = len(frame)
    gone = [c for c in frame.columns if frame[c].dtype == np.int64
            and np.array_equal(frame[c].to_numpy(), np.arange(n))]
    return frame.drop(columns=gone), [{"column": c, "arange": n} for c in gone]


def _transformed(frame: pd.DataFrame, specs: dict) -> tuple[pd.DataFrame, list[dict]]:
    """Drop columns that are a transform of another (a ranking's ``norm_<c>`` of its
    ``raw_<c>``), when recomputing gives them back bit for bit."""
    from hljgis.core.transforms import TransformSpec

    recipes = []
    for col, spec in specs.items():
        src = spec.get("from")
        if col not in frame.columns or src not in frame.columns or \
                frame[col].dtype != np.float64:
            continue
        try:
            again = np.asarray(TransformSpec.from_dict(spec["transform"]).apply(
                frame[src].to_numpy()), dtype=float)
        except Exception:  # a stale or odd spec: the column is simply kept
            continue
        if np.array_equal(again, frame[col].to_numpy(), equal_nan=True):
            recipes.append({"column": col, "from": src, "transform": spec["transform"]})
    return frame.drop(columns=[r["column"] for r in recipes]), recipes


def _masked_and_ranked(frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Drop a float column equal to another one with NaN where a bool column is true (the
    score of excluded sites), and an integer rank column equal to the ranks of a score
    (ties share the best rank), each checked bit for bit."""
    floats = [c for c in frame.columns if frame[c].dtype == np.float64]
    flags = [c for c in frame.columns if frame[c].dtype == bool]
    recipes, dropped = [], set()
    sample = np.unique(np.linspace(0, len(frame) - 1, min(len(frame), 512)).astype(int))
    ints = [c for c in frame.columns if str(frame[c].dtype) == "Int64"]
    for r in ints:
        first = np.flatnonzero(frame[r].to_numpy(dtype=float, na_value=np.nan) == 1)
        for s in floats:
            vs = frame[s].to_numpy()
            # cheap test first: the site ranked 1 holds the highest score
            if not len(first) or np.isnan(vs).all() or vs[first[0]] != np.nanmax(vs):
                continue
            if frame[r].equals(_min_rank(vs)):
                recipes.append({"column": r, "rank_of": s})
                dropped.add(r)
                break
    # a later recipe may drop what an earlier one reads (loading replays them backwards),
    # never read what an earlier one dropped
    for b in floats:
        vb = frame[b].to_numpy()
        for a in floats:
            if a == b or a in dropped:
                continue
            va = frame[a].to_numpy()
            for m in flags:
                vm = frame[m].to_numpy()
                if not np.array_equal(np.where(vm[sample], np.nan, va[sample]), vb[sample],
                                      equal_nan=True):
                    continue
                if np.array_equal(np.where(vm, np.nan, va), vb, equal_nan=True):
                    recipes.append({"column": b, "from": a, "nan_where": m})
                    dropped.add(b)
                    break
            if b in dropped:
                break
    return frame.drop(columns=sorted(dropped)), recipes


def _min_rank(score: np.ndarray) -> pd.Series:
    """Ranks of ``score``, best first, ties sharing their best rank, NaN unranked (in numpy:
    a third of the time of pandas' rank at a million sites)."""
    score = np.asarray(score, dtype=float)
    valid = np.flatnonzero(~np.isnan(score))
    v = score[valid]
    order = np.argsort(-v, kind="stable")
    ranked = v[order]
    first = np.r_[True, ranked[1:] != ranked[:-1]] if len(ranked) else np.zeros(0, bool)
    best = np.maximum.accumulate(np.where(first, np.arange(len(ranked)), 0)) + 1
    values = np.zeros(len(score), dtype=np.int64)
    values[valid[order]] = best
    return pd.Series(pd.arrays.IntegerArray(values, np.isnan(score)))


def _factor(a: np.ndarray, b: np.ndarray) -> float | None:
    """The constant w with a * w == b on these rows (bit for bit), else None."""
    if np.array_equal(a, b, equal_nan=True):
        return 1.0
    ok = np.isfinite(a) & (a != 0) & np.isfinite(b)
    if not ok.any() or not np.array_equal(np.isnan(a), np.isnan(b)):
        return None
    for w in np.unique(b[ok] / a[ok])[:4]:
        if np.array_equal(a * w, b, equal_nan=True):
            return float(w)
    return None


def _to_parquet(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(frame, preserve_index=False)
    floats = [f.name for f in table.schema if pa.types.is_floating(f.type)]
    others = [f.name for f in table.schema if not pa.types.is_floating(f.type)]
    buf = _io.BytesIO()
    # byte-split floats compress (the exponent bytes of a score column are nearly constant);
    # dictionaries only for the rest: a float dictionary falls back to plain at 300k rows
    pq.write_table(table, buf, compression="zstd", compression_level=1,
                   use_dictionary=others or False, use_byte_stream_split=floats or False)
    return buf.getvalue()


def _from_parquet(blob: bytes, columns: list[str] | None = None,
                  skip: tuple[str, ...] = ()) -> dict:
    """Columns of a Parquet blob (all, ``columns``, or all but ``skip``), name -> array."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = pq.ParquetFile(pa.BufferReader(blob))
    if columns is None:
        columns = [c for c in source.schema_arrow.names if c not in skip]
    frame = source.read(columns=columns).to_pandas(split_blocks=True)
    return {c: frame[c].array for c in frame.columns}


def _recompute(cols: dict, recipe: dict):
    if "rank_of" in recipe:
        return _min_rank(np.asarray(cols[recipe["rank_of"]])).array
    if "arange" in recipe:
        return np.arange(int(recipe["arange"]), dtype=np.int64)
    src = np.asarray(cols[recipe["from"]])
    if "transform" in recipe:
        from hljgis.core.transforms import TransformSpec

        return np.asarray(TransformSpec.from_dict(recipe["transform"]).apply(src), dtype=float)
    if "nan_where" in recipe:
        return np.where(np.asarray(cols[recipe["nan_where"]]), np.nan, src)
    return src.copy() if recipe["times"] == 1.0 else src * recipe["times"]


def write_compact(path: Path, items: dict[str, CompactLayer]) -> None:
    """Write the compact layers' blobs into the (GeoPackage) file at ``path``."""
    import pyogrio

    if not items:
        return
    names = list(items)
    # GDAL makes the table (and the file, when no layer was written whole): it is then
    # registered in gpkg_contents like any attribute table; the blobs go in through SQLite
    pyogrio.write_dataframe(pd.DataFrame({"layer": names, "codec": "parquet"}), path,
                            layer=COMPACT_TABLE, driver="GPKG")
    con = sqlite3.connect(path)
    try:
        with con:
            con.execute(f"ALTER TABLE {COMPACT_TABLE} ADD COLUMN data BLOB")
            for name in names:
                con.execute(f"UPDATE {COMPACT_TABLE} SET data = ? WHERE layer = ?",
                            (items[name].blob, name))
    finally:
        con.close()


def read_compact(path: Path, name: str, storage: dict,
                 layers: Mapping[str, object]) -> tuple[gpd.GeoDataFrame, object]:
    """The frame of a compact layer, geometry rebuilt (or taken from its candidate layer),
    and its geometry source (the CellGrid, or the candidate layer's name)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        row = con.execute(f"SELECT data FROM {COMPACT_TABLE} WHERE layer = ?",
                          (name,)).fetchone()
    finally:
        con.close()
    if row is None or row[0] is None:
        raise ValueError(f"its data is missing from table {COMPACT_TABLE}")
    kind = storage.get("kind")
    polygons = None
    if kind == "grid":
        # the cells' polygons are built on another thread while the columns are decoded
        # and recomputed (GEOS allocation is the longest step of opening a big ranking)
        from concurrent.futures import ThreadPoolExecutor

        index = _from_parquet(row[0], [_COL, _ROW])
        grid = CellGrid(tuple(storage["origin"]), float(storage["size"]), storage["shape"],
                        np.asarray(index[_COL]), np.asarray(index[_ROW]))
        pool = ThreadPoolExecutor(1, thread_name_prefix="hljgis-cells")
        polygons = pool.submit(grid.polygons)
        pool.shutdown(wait=False)
    cols = _from_parquet(row[0], skip=(_COL, _ROW))
    for r in reversed(storage.get("recipes", [])):  # the last dropped needs the earlier ones
        cols[r["column"]] = _recompute(cols, r)
    if polygons is not None:
        geoms = polygons.result()
    elif kind == "reference":
        cand = layers.get(storage["layer"])
        if not isinstance(cand, VectorLayer):
            raise ValueError(f"its candidate layer '{storage['layer']}' is missing")
        geoms = np.asarray(cand.gdf.geometry.array)[np.asarray(cols.pop(_POS))]
        grid = storage["layer"]
    else:
        raise ValueError(f"unknown storage kind {kind!r}")
    order = [c for c in storage.get("columns", cols) if c in cols]
    ordered = {c: cols[c] for c in order + [c for c in cols if c not in order]}
    geometry = storage.get("geometry_name", "geometry")
    ordered[geometry] = gpd.array.from_shapely(geoms, crs=storage["crs"])
    # copy=False: one block per column, no consolidation of a million-row float block
    # (that copy took longer than rebuilding the polygons)
    frame = pd.DataFrame(ordered, copy=False)
    return gpd.GeoDataFrame(frame, geometry=geometry, crs=storage["crs"], copy=False), grid


def same_shapes(a: np.ndarray, b: np.ndarray) -> bool:
    """Bit-for-bit equality of two geometry arrays (for tests and the bench)."""
    return bool(np.array_equal(shapely.to_wkb(a), shapely.to_wkb(b)))
