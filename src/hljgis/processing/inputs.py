"""Inputs made fit for a tool: invalid geometries repaired, every layer in one CRS.

A bureau's polygons often self-intersect (a bow-tie digitised by hand) and GEOS refuses or
silently mangles overlays on them, so each input is repaired with ``shapely.make_valid``
before a tool sees it, and the count is reported in a note rather than hidden. The repair
keeps the input's geometry family: a bow-tie polygon becomes two triangles, never a
collection with a stray line.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely

_POLYGONAL = (3, 6)  # Polygon, MultiPolygon
_LINEAR = (1, 2, 5)  # LineString, LinearRing, MultiLineString
_PUNTAL = (0, 4)  # Point, MultiPoint


def repair(gdf: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, int]:
    """``gdf`` with invalid geometries made valid, and how many there were.

    The frame is returned unchanged (not copied) when all its geometries are valid.
    """
    geoms = gdf.geometry.values.to_numpy() if hasattr(gdf.geometry.values, "to_numpy") \
        else np.asarray(gdf.geometry.values)
    bad = ~shapely.is_valid(geoms) & ~shapely.is_missing(geoms)
    n = int(bad.sum())
    if not n:
        return gdf, 0
    before = shapely.get_type_id(geoms[bad])
    fixed = shapely.make_valid(geoms[bad])
    fixed = _same_family(fixed, before)
    out = geoms.copy()
    out[bad] = fixed
    return gdf.set_geometry(gpd.array.from_shapely(out, crs=gdf.crs)), n


def _same_family(fixed: np.ndarray, before: np.ndarray) -> np.ndarray:
    """Where ``make_valid`` returned a collection, keep only the parts of the original
    family (polygons of a polygon, ...), gathered into one Multi- geometry per feature."""
    mixed = shapely.get_type_id(fixed) == 7
    if not mixed.any():
        return fixed
    parts, idx = shapely.get_parts(fixed[mixed], return_index=True)
    ptype = shapely.get_type_id(parts)
    family = before[mixed][idx]
    keep = ((np.isin(family, _POLYGONAL) & np.isin(ptype, _POLYGONAL))
            | (np.isin(family, _LINEAR) & np.isin(ptype, _LINEAR))
            | (np.isin(family, _PUNTAL) & np.isin(ptype, _PUNTAL)))
    parts, idx = parts[keep], idx[keep]
    out = np.array([None] * int(mixed.sum()), dtype=object)
    fam = before[mixed]
    for types, make in ((_POLYGONAL, shapely.multipolygons),
                        (_LINEAR, shapely.multilinestrings), (_PUNTAL, shapely.multipoints)):
        sel = np.isin(fam[idx], types)
        if not sel.any():
            continue
        # explode any Multi- parts first so the constructor gets single parts
        single, sub = shapely.get_parts(parts[sel], return_index=True)
        owners = idx[sel][sub]
        make(single, indices=owners, out=out)  # fills only the features that own parts
    result = fixed.copy()
    result[mixed] = out
    empty = shapely.is_missing(result)
    if empty.any():
        result[empty] = shapely.from_wkt("GEOMETRYCOLLECTION EMPTY")
    return result


def align(gdf: gpd.GeoDataFrame, crs) -> gpd.GeoDataFrame:
    """``gdf`` in ``crs`` (itself when already there)."""
    return gdf if gdf.crs.equals(crs) else gdf.to_crs(crs)
