"""Overlay criteria: the share of each site an overlay covers, and the values of the
features under each site.

Pairs come from one query of the sites (STRtree, or their lattice for square cells) with
the few overlay features; ``np.bincount`` and ``np.maximum.at`` reduce them per site.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from hljgis.analysis.context import LayerStore, SiteContext

__all__ = ["overlap_share", "overlay_values"]


def _dissolved(geoms: np.ndarray) -> np.ndarray:
    """The overlay's polygons, unioned into disjoint parts when any two overlap."""
    geoms = geoms[np.isin(shapely.get_type_id(geoms), (3, 6))]
    if len(geoms) < 2:
        return shapely.get_parts(geoms)
    i, j = shapely.STRtree(geoms).query(geoms, predicate="intersects")
    keep = i < j
    i, j = i[keep], j[keep]
    if i.size and (shapely.area(shapely.intersection(geoms[i], geoms[j])) > 0).any():
        return shapely.get_parts(shapely.union_all(geoms))
    return shapely.get_parts(geoms)


def _valid(geoms: np.ndarray) -> np.ndarray:
    """``geoms`` with the invalid ones (a bow-tie parcel, a ring crossing itself) made
    valid: GEOS cannot intersect those (TopologyException), and a bow-tie's signed
    areas cancel out to 0. Only the sites an overlay touches are checked."""
    bad = ~shapely.is_valid(geoms)
    if bad.any():
        geoms = geoms.copy()
        geoms[bad] = shapely.make_valid(geoms[bad])
    return geoms


def overlap_share(ctx_or_geoms: SiteContext | np.ndarray, overlay: np.ndarray) -> np.ndarray:
    """Share of each site's area covered by the overlay polygons (0..1).

    Pairs come from one STRtree query of the sites with the (few) overlay parts; pairs
    where the overlay contains the site outright take the site's area without computing
    an intersection, the rest get ``shapely.intersection`` areas; ``np.bincount`` sums per
    site.

    Parameters
    ----------
    ctx_or_geoms : SiteContext or array of polygons
    overlay : numpy.ndarray of polygons
        Dissolved here if its features overlap.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    if isinstance(ctx_or_geoms, SiteContext):
        ctx = ctx_or_geoms
    else:  # bare polygons measure against no layer: an empty store (its CRS is unused)
        ctx = SiteContext(pd.DataFrame(index=range(len(ctx_or_geoms))),
                          LayerStore({}, CRS.from_epsg(3857)), geoms=np.asarray(ctx_or_geoms))
    n = ctx.n
    parts = _dissolved(np.asarray(overlay))
    if n == 0 or len(parts) == 0:
        return np.zeros(n)
    ov, site = ctx.query(parts, "intersects")
    hit, at = np.unique(site, return_inverse=True)  # sites touched, and each pair's one
    cells = _valid(ctx.site_geoms(hit))
    area = shapely.area(cells)
    inner = shapely.contains_properly(parts[ov], cells[at])  # parts are prepared by query
    covered = np.zeros(len(ov))
    covered[inner] = area[at[inner]]
    edge = ~inner
    covered[edge] = shapely.area(shapely.intersection(cells[at[edge]], parts[ov[edge]]))
    total = np.bincount(at, weights=covered, minlength=len(hit))
    share = np.zeros(n)
    with np.errstate(invalid="ignore", divide="ignore"):
        # a point site touching the overlay lies wholly in it
        share[hit] = np.where(area > 0, total / np.where(area > 0, area, 1.0), 1.0)
    return np.clip(share, 0.0, 1.0)


def overlay_values(ctx: SiteContext, features: gpd.GeoDataFrame, field_name: str,
                   agg: str = "max", fill: float | None = None) -> np.ndarray:
    """A numeric field of the features each site intersects, aggregated per site.

    Parameters
    ----------
    ctx : SiteContext
    features : geopandas.GeoDataFrame
        In the run's metric CRS.
    field_name : str
    agg : {"max", "min", "mean"}
        ``max`` is the cautious choice for "year the ground is stable": a cell partly over a
        zone that stabilises late is not ready before then.
    fill : float, optional
        Value for sites no feature touches; NaN when None.

    Returns
    -------
    numpy.ndarray, shape (n,)
    """
    values = pd.to_numeric(features[field_name], errors="coerce").to_numpy(dtype=float)
    geoms = np.asarray(features.geometry.values)
    ok = ~np.isnan(values)
    values, geoms = values[ok], geoms[ok]
    n = ctx.n
    default = np.nan if fill is None else float(fill)
    if n == 0 or len(geoms) == 0:
        return np.full(n, default)
    feat, site = ctx.query(geoms, "intersects")
    v = values[feat]
    if agg == "mean":
        count = np.bincount(site, minlength=n)
        total = np.bincount(site, weights=v, minlength=n)
        with np.errstate(invalid="ignore", divide="ignore"):
            out = total / count
    else:
        out = np.full(n, -np.inf if agg == "max" else np.inf)
        (np.maximum if agg == "max" else np.minimum).at(out, site, v)
    hit = np.zeros(n, dtype=bool)
    hit[site] = True
    out[~hit] = default
    return out
