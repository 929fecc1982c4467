"""A GeoDataFrame from GDAL's Arrow stream, geometry straight from WKB to shapely.

``pyogrio.read_dataframe(..., use_arrow=True)`` turns the whole Arrow table into pandas, the
WKB column included, and then that column into bytes objects again (0.35-0.6 s of a million
parcels, as much as GDAL's reading); without Arrow it reads feature by feature. Here the
attribute columns go to pandas alone and the WKB column to shapely batch by batch, with
Python's cycle collector paused while the million geometry objects are made.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyogrio
import shapely

from hljgis.core.hugepages import batch_memory

#: Features per Arrow batch: WKB parsed batch by batch, never the whole column at once.
BATCH = 65_536


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cycle collector off while many geometries are made: each is a tracked object, so
    the collector ran again and again over all of them (from_wkb of a million parcels
    1.16 s with it, 0.64 s without). Geometries form no cycles; it runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@batch_memory()
def read_frame(path, use_arrow: bool = True, *, keep_wkb: bool = False,
               **kwargs) -> gpd.GeoDataFrame:
    """What ``pyogrio.read_dataframe(path, use_arrow=use_arrow, **kwargs)`` returns, sooner
    (a million parcels with ten columns: 2.5 times sooner than without Arrow).

    ``keep_wkb``: keep the file's WKB with the geometries while the frame lives
    (:mod:`hljgis.io.source_wkb`), so writing them unchanged hands GDAL those bytes.

    Fields whose conversion differs between pyogrio's two paths or needs its own handling
    (dates and times, JSON; booleans, which without Arrow become 1.0 / 0.0 / NaN) are left
    to ``read_dataframe``, so the frame is the one it gives. Raises whatever pyogrio or
    shapely raise on a file they cannot read.
    """
    stamp = None
    if keep_wkb and isinstance(path, (str, os.PathLike)):
        from hljgis.io.source_wkb import Origin

        stamp = Origin.stamp_of(os.fspath(path))  # the file as it was before the read
    with pyogrio.open_arrow(path, datetime_as_string=True, use_pyarrow=True,
                            batch_size=BATCH, **kwargs) as (meta, reader):
        name = meta["geometry_name"] or "wkb_geometry"
        subtypes = set(meta["ogr_subtypes"])
        special = (any(str(d).startswith("datetime") for d in meta["dtypes"])
                   or "OFSTJSON" in subtypes or (not use_arrow and "OFSTBoolean" in subtypes))
        i = reader.schema.get_field_index(name)
        if not special and i >= 0:
            batches, parts = _read_batches(reader, i)
            table = pa.Table.from_batches(batches, schema=reader.schema)
    if special or i < 0:
        with gc_paused():
            return pyogrio.read_dataframe(path, use_arrow=use_arrow, **kwargs)
    column = table.column(i)
    attrs = table.remove_column(i).to_pandas()
    del table, batches
    geoms = np.concatenate(parts) if parts else np.empty(0, dtype=object)
    frame = gpd.GeoDataFrame(attrs, geometry=geoms, crs=meta["crs"])
    if keep_wkb:
        _keep_wkb(frame, column, _origin(path, kwargs, stamp))
    return frame


#: read_arrow arguments that keep every feature of the layer, in the file's order.
_WHOLE_LAYER = frozenset({"layer", "columns"})


def _origin(path, kwargs: dict, stamp):
    """The file and layer every feature was read from, or None (filtered, not a file,
    or the file changed while it was read)."""
    from hljgis.io.source_wkb import Origin

    if not isinstance(path, (str, os.PathLike)) or not set(kwargs) <= _WHOLE_LAYER:
        return None
    layer = kwargs.get("layer")
    if stamp is None or Origin.stamp_of(os.fspath(path)) != stamp or not (
            layer is None or isinstance(layer, str)):
        return None
    return Origin(os.fspath(path), layer, stamp)


def _read_batches(reader, i: int) -> tuple[list, list[np.ndarray]]:
    """All record batches of ``reader`` and the geometries of column ``i`` of each.

    One batch after another on this thread. Reading the next batch on a second thread
    while this one parsed gained 0.1 s at 1M parcels (0.72 -> 0.61 s), but GDAL's warnings
    then reached that thread's default handler (raw text on stderr) instead of pyogrio's,
    which turns them into Python warnings on the caller's thread.
    """
    from hljgis.io.wkb_arrays import geometries

    batches, parts = [], []
    with gc_paused():
        for batch in reader:
            batches.append(batch)
            column = batch.column(i)
            column = getattr(column, "storage", column)
            # plain polygons from coordinate arrays (io.wkb_arrays), else GEOS parses each
            geoms = geometries(column)
            parts.append(geoms if geoms is not None
                         else shapely.from_wkb(column.to_numpy(zero_copy_only=False)))
    return batches, parts


def _keep_wkb(frame: gpd.GeoDataFrame, column, origin=None) -> None:
    """Remember ``column`` (Arrow WKB, as read) as the WKB of the frame's geometries."""
    import pyarrow as pa

    from hljgis.io.source_wkb import remember

    column = pa.chunked_array([getattr(c, "storage", c) for c in column.chunks],
                              type=getattr(column.type, "storage_type", column.type))
    if column.nbytes >= 2**31 - 2**20:  # past 32-bit offsets
        column = column.cast(pa.large_binary())
    array = frame.geometry.array
    remember(array, np.asarray(array), column.combine_chunks(), origin)
