"""Write vector layers to GeoPackage, GeoJSON, CSV, XLSX or Shapefile, atomically."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely

from hljgis.core.crs import WGS84
from hljgis.core.errors import InputError
from hljgis.core.hugepages import batch_memory
from hljgis.core.layer import VectorLayer
from hljgis.io import gdal_nogil, gpkg_rows, gpkg_split
from hljgis.io.arrow_layer import arrow_layer
from hljgis.io.atomic import atomic_target, fast_sqlite_writes

#: Features from which a GeoPackage is written with large SQLite pages (see
#: :data:`hljgis.io.atomic.LARGE_PAGE_SIZE`).
LARGE_LAYER = 100_000


@batch_memory()
def write_layer(layer: VectorLayer | gpd.GeoDataFrame, path: str | Path, *,
                layer_name: str | None = None, encoding: str | None = None) -> Path | str:
    """Write one vector layer to ``path`` (.gpkg, .geojson/.json, .csv, .xlsx or .shp), or to
    a PostGIS table (``PG:... tables=schema.table``; see
    :func:`hljgis.io.postgis.write_postgis`).

    GeoJSON is written in WGS84 lon/lat as RFC 7946 requires. CSV gets ``lon``/``lat`` columns
    for points (in WGS84) and a ``wkt`` column for other geometries, UTF-8 with a BOM so Excel
    opens Chinese text correctly; XLSX the same columns with bilingual headers. A Shapefile
    is written in ``encoding`` (UTF-8, GBK or GB18030; default UTF-8) named in its ``.cpg``
    (see :func:`hljgis.io.shapefile.write_shapefile`). An existing file is replaced
    atomically and kept as ``.bak``.
    """
    gdf = layer.gdf if isinstance(layer, VectorLayer) else layer
    if isinstance(path, str) and path.startswith(("PG:", "postgresql://", "postgres://")):
        from hljgis.io.postgis import write_postgis  # a PostGIS table, in one transaction

        meta = {"title": layer.title, **layer.provenance} if isinstance(layer, VectorLayer) \
            else None
        return write_postgis(gdf, path, table=layer_name, metadata=meta)
    path = Path(path)
    name = layer_name or (layer.name if isinstance(layer, VectorLayer) else path.stem)
    if path.suffix.lower() == ".shp":
        from hljgis.io.shapefile import write_shapefile

        return write_shapefile(gdf, path, encoding=encoding or "UTF-8")
    if path.suffix.lower() == ".xlsx":
        from hljgis.io.table_export import with_location, write_table

        points = len(gdf) and (shapely.get_type_id(
            gdf.geometry.values[~shapely.is_missing(gdf.geometry.values)]) == 0).all()
        return write_table(with_location(gdf, wkt=not points), path, sheet=name)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise InputError(
            f"hljgis cannot write '{path.suffix}' files.",
            f"Choose one of: {', '.join(sorted([*WRITERS, '.shp', '.xlsx']))}.",
        )
    with atomic_target(path) as tmp, fast_sqlite_writes(large=len(gdf) >= LARGE_LAYER):
        writer(gdf, tmp, name)
    return path


def arrow_kwargs() -> dict:
    """``use_arrow=True`` when pyarrow is installed, for frames :func:`write_gpkg_table`
    leaves to pyogrio: GDAL's Arrow path writes large layers about twice as fast."""
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return {}
    return {"use_arrow": True}


def write_gpkg_table(gdf: gpd.GeoDataFrame, path: Path, name: str) -> None:
    """Write one layer into a (new or existing) GeoPackage, not atomically: callers wrap it.

    Plain frames go to GDAL as an Arrow table built by :func:`~hljgis.io.arrow_layer.arrow_layer`
    (with the file's own WKB for geometries read by
    :func:`~hljgis.analysis.candidates.read_candidates`), a large one into a new file in
    two halves on two cores (:mod:`hljgis.io.gpkg_split`); the rest through pyogrio's
    ``write_dataframe``.
    """
    gdf = _distinct_names(gdf)
    options = gpkg_name_options(gdf)
    if not len(gdf):
        pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", geometry_type="Unknown",
                                layer_options=options)
        return
    prepared = arrow_layer(gdf)
    if prepared is None:
        pyogrio.write_dataframe(gdf, path, layer=name, driver="GPKG", layer_options=options,
                                **arrow_kwargs())
        return
    if (not path.exists() and "FID" not in options
            and gpkg_split.usable(prepared.table, prepared.geometry_name)):
        try:
            gpkg_split.write_split(prepared.table, shapely.bounds(gdf.geometry.values), path,
                                   layer=name, geometry_name=prepared.geometry_name,
                                   geometry_type=prepared.geometry_type, crs=prepared.crs,
                                   origin=prepared.origin, layer_options=options)
            return
        except (gdal_nogil.GdalError, gpkg_split.SplitRefused, gpkg_rows.RowsError):
            # GDAL through ctypes or SQLite under the C rows refused, or the layer table
            # is not the one the split expects (another GDAL version): GDAL's usual way
            path.unlink(missing_ok=True)
    pyogrio.write_arrow(prepared.table, path, layer=name, driver="GPKG",
                        geometry_name=prepared.geometry_name,
                        geometry_type=prepared.geometry_type, crs=prepared.crs,
                        layer_options=options)


def _distinct_names(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """``gdf`` with field names that differ in more than case: SQLite (so GeoPackage)
    takes ``RANK`` and ``rank`` for one column, and GDAL refused the layer. A later field
    is renamed ``RANK_1`` (a Shapefile's upper-case ``RANK`` or ``SCORE`` beside the
    ranking's own columns, a GeoJSON's ``name`` and ``NAME``)."""
    seen = {str(gdf.geometry.name).lower()}
    renames = {}
    for name in gdf.columns:
        if name == gdf.geometry.name:
            continue
        key = str(name).lower()
        if key in seen:
            k = 1
            while f"{key}_{k}" in seen or any(f"{key}_{k}" == str(c).lower()
                                               for c in gdf.columns):
                k += 1
            renames[name] = f"{name}_{k}"
            key = f"{key}_{k}"
        seen.add(key)
    return gdf.rename(columns=renames) if renames else gdf


def gpkg_name_options(gdf: gpd.GeoDataFrame) -> dict[str, str]:
    """GeoPackage layer options that keep every attribute of ``gdf`` an attribute.

    GDAL names a new layer's feature-id column ``fid`` and its geometry column ``geom``.
    A planner's field of either name (a Shapefile's or GeoJSON's ``FID``, a text field
    ``geom``) would then be taken for the feature ids (refused unless unique integers, and
    lost from the attributes when they are) or refused as a second geometry column; those
    two columns get other names instead (``fid_1``, the frame's geometry name).
    """
    names = {str(c).lower() for c in gdf.columns if c != gdf.geometry.name}
    options: dict[str, str] = {}
    if "geom" in names:
        options["GEOMETRY_NAME"] = str(gdf.geometry.name)
    if "fid" in names:
        k = 1
        while f"fid_{k}" in names or f"fid_{k}" == str(gdf.geometry.name).lower():
            k += 1
        options["FID"] = f"fid_{k}"
    return options


def _write_geojson(gdf: gpd.GeoDataFrame, path: Path, name: str) -> None:
    out = gdf.to_crs(WGS84) if gdf.crs is not None and not gdf.crs.equals(WGS84) else gdf
    pyogrio.write_dataframe(out, path, layer=name, driver="GeoJSON")


def _write_csv(gdf: gpd.GeoDataFrame, path: Path, name: str) -> None:
    geoms = gdf.geometry.values
    out = gdf.drop(columns=gdf.geometry.name).copy()
    wgs = gdf.to_crs(WGS84).geometry.values if gdf.crs is not None else geoms
    if len(gdf) and (shapely.get_type_id(geoms[~shapely.is_missing(geoms)]) == 0).all():
        out["lon"] = shapely.get_x(wgs)
        out["lat"] = shapely.get_y(wgs)
    else:
        out["wkt"] = shapely.to_wkt(wgs, rounding_precision=7)
    out.to_csv(path, index=False, encoding="utf-8-sig")


WRITERS: dict[str, Callable[[gpd.GeoDataFrame, Path, str], None]] = {
    ".gpkg": write_gpkg_table,
    ".geojson": _write_geojson,
    ".json": _write_geojson,
    ".csv": _write_csv,
}
