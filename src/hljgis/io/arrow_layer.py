"""A GeoDataFrame as the Arrow table GDAL writes, built without per-row Python objects.

``pyogrio.write_dataframe(use_arrow=True)`` turns the geometries into a million Python
``bytes`` (``shapely.to_wkb``) and the frame into Arrow through pandas' generic converter;
for a million ranked cells that is about 0.7 s of the write. Here numeric and string
columns go to Arrow column by column (zero-copy where pandas allows) and one-ring polygons
(cells, most parcels) get their WKB written in numpy, and geometries read from a file
hand GDAL the file's own WKB (:mod:`hljgis.io.source_wkb`). Anything unusual (mixed or 3-D
geometries, empties, time zones, categoricals, mixed object columns) returns None and the
caller uses pyogrio's own path, so the files written are the same either way
(``tests/io/test_arrow_layer.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from hljgis.io.source_wkb import lookup

__all__ = ["ArrowLayer", "arrow_layer", "polygon_wkb"]

#: pandas' nullable numeric and boolean dtypes (Arrow keeps their missing values as nulls).
_MASKED = frozenset({"Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32", "UInt64",
                     "Float32", "Float64", "boolean"})

_TYPE_NAMES = {0: "Point", 1: "LineString", 3: "Polygon", 4: "MultiPoint",
               5: "MultiLineString", 6: "MultiPolygon"}
#: WKB type code -> shapely type id
_WKB_TYPES = {1: 0, 2: 1, 3: 3, 4: 4, 5: 5, 6: 6}


@dataclass(frozen=True)
class ArrowLayer:
    """What ``pyogrio.write_arrow`` needs: the table and the geometry column's description."""

    table: object  # pyarrow.Table
    geometry_name: str
    geometry_type: str
    crs: str | None
    #: the file whose features these rows are, all and in order (its index fits them)
    origin: object | None = None  # hljgis.io.source_wkb.Origin


def arrow_layer(gdf: gpd.GeoDataFrame) -> ArrowLayer | None:
    """The frame as an :class:`ArrowLayer`, or None if it needs pyogrio's general path."""
    try:
        import pyarrow as pa
    except ImportError:
        return None
    geoms = np.asarray(gdf.geometry.array)
    if not len(geoms):
        return None
    source = lookup(geoms)  # the WKB these very geometries were read from, if kept
    origin = None
    if source is not None and source.kind in _WKB_TYPES and not shapely.is_empty(geoms).any():
        kind, wkb, origin = _WKB_TYPES[source.kind], source.wkb, source.origin
    else:
        types = np.unique(shapely.get_type_id(geoms))  # -1 for missing geometries
        # Z or M values (an ArcGIS PolygonM): pyogrio's path writes them; the one-ring WKB
        # below has room for x and y only (the dimension: one GEOS pass, as has_z was)
        if (len(types) != 1 or int(types[0]) not in _TYPE_NAMES
                or (shapely.get_coordinate_dimension(geoms) != 2).any()):
            return None
        kind, wkb = int(types[0]), None
    columns, names = [], []
    for name in gdf.columns:
        if name == gdf.geometry.name:
            continue
        column = _arrow_column(gdf[name], pa)
        if column is None:
            return None
        columns.append(column)
        names.append(str(name))
    if wkb is None:
        wkb = polygon_wkb(geoms) if kind == 3 else None  # None for empties or holes
    if wkb is None:
        if shapely.is_empty(geoms).any():
            return None
        wkb = pa.array(shapely.to_wkb(geoms), type=pa.binary())
    columns.append(wkb)
    names.append(gdf.geometry.name)
    return ArrowLayer(pa.Table.from_arrays(columns, names=names), gdf.geometry.name,
                      _TYPE_NAMES[kind], _crs_text(gdf.crs), origin)


def _arrow_column(col: pd.Series, pa):
    """One column as an Arrow array, or None for dtypes left to pyogrio."""
    dtype = col.dtype
    if isinstance(dtype, np.dtype):
        if dtype.kind in "biuf":
            # straight from numpy: zero-copy, no NaN-to-null mask (SQLite stores NaN as NULL)
            return pa.array(col.to_numpy())
        if dtype.kind == "O" and pd.api.types.infer_dtype(col, skipna=True) in ("string",
                                                                                 "empty"):
            return pa.array(col, type=pa.string())
        return None
    if isinstance(dtype, pd.StringDtype) or dtype.name in _MASKED:
        return pa.array(col)
    return None


def polygon_wkb(geoms: np.ndarray):
    """Little-endian WKB of polygons that all have one ring, or None.

    Each such polygon is a 13 + 16 k byte record (byte order, type 3, one ring, k points,
    the coordinates). Rings of one length (square and hexagon cells) make the column one
    (n, 13 + 16 k) byte array; rings of any length (parcels) are built by length
    (:func:`_records_by_length`). Either way it is handed to Arrow as it
    is, bit for bit what ``shapely.to_wkb`` writes, without a Python ``bytes`` per row.
    """
    import pyarrow as pa

    if (shapely.get_num_interior_rings(geoms) != 0).any():
        return None
    counts = shapely.get_num_coordinates(geoms).astype(np.int64)
    if (counts == 0).any():  # empty polygons
        return None
    n = len(geoms)
    k = int(counts[0])
    if (counts != k).any():  # parcels: rings of many lengths
        return _records_by_length(counts, shapely.get_coordinates(geoms), pa)
    size = 13 + 16 * k
    out = np.empty((n, size), np.uint8)
    header = np.zeros(13, np.uint8)
    header[0] = 1  # little-endian
    header[1:13] = np.array([3, 1, k], "<u4").view(np.uint8)  # polygon, one ring, k points
    out[:, :13] = header
    out[:, 13:].view("<f8")[:] = shapely.get_coordinates(geoms).reshape(n, 2 * k)
    large = (n + 1) * size >= 2**31
    offsets = np.arange(0, (n + 1) * size, size, dtype=np.int64 if large else np.int32)
    return pa.Array.from_buffers(pa.large_binary() if large else pa.binary(), n,
                                 [None, pa.py_buffer(offsets), pa.py_buffer(out)])


def _records_by_length(counts: np.ndarray, coords: np.ndarray, pa):
    """One-ring polygon WKB records of ``counts[i]`` points, as an Arrow binary array.

    Records of one length form a fixed-width (rows, 13 + 16 k) byte block built in numpy;
    the blocks are laid end to end in order of length and Arrow's ``take`` (a memcpy per
    row, in C++) puts the rows back in their order. Nothing is done per byte in Python.
    """
    import pyarrow.compute as pc

    n = len(counts)
    first = np.r_[0, np.cumsum(counts)[:-1]]
    order = np.argsort(counts, kind="stable")
    cuts = np.flatnonzero(np.r_[True, counts[order][1:] != counts[order][:-1], True])
    blocks = []
    for lo, hi in pairwise(cuts):
        rows = order[lo:hi]
        k = int(counts[rows[0]])
        head = np.zeros(13, np.uint8)
        head[0] = 1  # little-endian
        head[1:13] = np.array([3, 1, k], "<u4").view(np.uint8)  # polygon, one ring, k points
        xy = coords[first[rows][:, None] + np.arange(k)].reshape(len(rows), 2 * k)
        blocks.append(np.concatenate([np.broadcast_to(head, (len(rows), 13)),
                                      np.ascontiguousarray(xy, "<f8").view(np.uint8)],
                                     axis=1).ravel())
    data = np.concatenate(blocks)
    large = len(data) >= 2**31
    offsets = np.r_[0, np.cumsum(13 + 16 * counts[order])].astype(
        np.int64 if large else np.int32)
    kind = pa.large_binary() if large else pa.binary()
    sorted_ = pa.Array.from_buffers(kind, n, [None, pa.py_buffer(offsets),
                                              pa.py_buffer(data)])
    back = np.empty(n, np.int64)
    back[order] = np.arange(n)
    return pc.take(sorted_, pa.array(back))


def _crs_text(crs) -> str | None:
    """The CRS as pyogrio's ``write_dataframe`` passes it: ``EPSG:n`` when it has a code."""
    if crs is None:
        return None
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg else crs.to_wkt("WKT1_GDAL")
