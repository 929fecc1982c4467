"""What every criterion and constraint of a run measures against.

:class:`LayerStore` holds the project's layers by name, reprojected once into the run's
metric CRS; :class:`SiteContext` holds the candidate sites and the helpers built once per
run and shared by every criterion (centroids, the sites' STRtree or lattice, areas,
outlines). :func:`layer_features` gives a criterion's or constraint's filtered features.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS

from hljgis.analysis.candidates import filter_mask
from hljgis.analysis.distance import Outlines
from hljgis.analysis.kernels import SITE_CHUNK
from hljgis.core.errors import InputError

__all__ = ["LayerRef", "LayerStore", "SiteContext", "crs_name", "layer_features"]


class LayerRef(Protocol):
    """What :func:`layer_features` reads of a criterion or constraint."""

    name: str
    layer: str | None
    where: Any


class LayerStore:
    """Layers by name, reprojected once into the metric CRS of a run.

    Parameters
    ----------
    layers : mapping
        name -> GeoDataFrame, :class:`~hljgis.core.layer.VectorLayer` or
        :class:`~hljgis.core.layer.RasterLayer` (or a raster file path).
    crs : pyproj.CRS
        Metric CRS of the run.
    strict_crs : bool, default False
        When True (raw frames), refuse vector data in any other CRS instead of reprojecting,
        naming both CRS, so a caller who passed frames in mixed CRS learns of it.
    """

    def __init__(self, layers: Mapping[str, Any], crs: CRS, *, strict_crs: bool = False):
        self._layers = dict(layers)
        self.crs = crs
        self.strict_crs = strict_crs
        self._cache: dict[str | None, gpd.GeoDataFrame] = {}
        self._lock = threading.RLock()  # criteria measured side by side reproject once

    def names(self) -> list[str]:
        return list(self._layers)

    def __contains__(self, name: str) -> bool:
        return name in self._layers

    def raw(self, name: str | None) -> Any:
        """The layer object as given."""
        if name is None:
            raise InputError("a criterion or constraint of the scenario names no layer.",
                             "Choose its layer in the scenario.")
        try:
            return self._layers[name]
        except KeyError:
            raise InputError(
                f"the scenario uses layer '{name}', which the project does not have.",
                f"Layers: {', '.join(self._layers) or 'none'}. Rename the layer or edit the "
                "scenario.",
            ) from None

    def vector(self, name: str | None) -> gpd.GeoDataFrame:
        """The layer's features in the metric CRS (reprojected once, then cached)."""
        if name in self._cache:
            return self._cache[name]
        with self._lock:
            if name not in self._cache:
                self._cache[name] = self._metric(name)
        return self._cache[name]

    def _metric(self, name: str | None) -> gpd.GeoDataFrame:
        obj = self.raw(name)
        gdf = getattr(obj, "gdf", obj)
        if not isinstance(gdf, gpd.GeoDataFrame):
            raise InputError(f"layer '{name}' is not a vector layer.",
                             "Use a raster criterion for rasters.")
        if gdf.crs is None:
            raise InputError(f"layer '{name}' has no CRS.", "Set the layer's CRS first.")
        if not gdf.crs.equals(self.crs):
            if self.strict_crs:
                raise InputError(
                    f"layer '{name}' is in {crs_name(gdf.crs)} but the analysis runs in "
                    f"{crs_name(self.crs)}.",
                    "Reproject the frames to one metric CRS first (gdf.to_crs(...)).",
                )
            gdf = gdf.to_crs(self.crs)
        return gdf

    def raster_path(self, name: str | None) -> str:
        obj = self.raw(name)
        path = getattr(obj, "path", obj)
        if not isinstance(path, str):
            raise InputError(f"layer '{name}' is not a raster layer.",
                             "Raster criteria need a GeoTIFF (or other GDAL raster) layer.")
        return path


def centroid_xy(geoms: np.ndarray) -> np.ndarray:
    """(n, 2) centroid coordinates of ``geoms``; NaN for a site without geometry (NULL or
    empty), whose centroid has no coordinates: one row a site, whatever they hold.

    Sites read from a file are done from the file's WKB where it is kept (the same
    algorithm as GEOS's, in C: :func:`~hljgis.analysis.outline_kernel.wkb_centroids`)."""
    from hljgis.analysis.outline_kernel import wkb_centroids

    kept = wkb_centroids(geoms)
    if kept is not None:
        return kept
    xy, at = shapely.get_coordinates(shapely.centroid(geoms), return_index=True)
    if len(xy) == len(geoms):  # each site gave one point (the usual case)
        return xy
    out = np.full((len(geoms), 2), np.nan)
    out[at] = xy
    return out


def crs_name(crs: CRS) -> str:
    """``EPSG:4553 (CGCS2000 / ...)``, or the CRS name when it has no EPSG code."""
    epsg = crs.to_epsg()
    return f"EPSG:{epsg} ({crs.name})" if epsg else crs.name


def layer_features(store: LayerStore, crit: LayerRef, year: int | None) -> gpd.GeoDataFrame:
    """The features of ``crit.layer`` that pass ``crit.where``, without empty geometries.

    ``crit`` is a :class:`~hljgis.analysis.criteria.Criterion` or a
    :class:`~hljgis.analysis.constraints.Constraint`; a bad filter is refused with a
    message naming it and its layer.
    """
    gdf = store.vector(crit.layer)
    if crit.where:
        try:
            gdf = gdf[filter_mask(gdf, crit.where, year=year)]
        except ValueError as exc:
            raise InputError(f"criterion '{crit.name}', layer '{crit.layer}': {exc}") from exc
    geoms = gdf.geometry.values
    gdf = gdf[~(shapely.is_missing(geoms) | shapely.is_empty(geoms))]
    return gdf


#: predicate(a, b) == converse(b, a), for the queries of the sites in a tree of geometries
_CONVERSE = {"intersects": "intersects", "touches": "touches", "overlaps": "overlaps",
             "crosses": "crosses", "contains": "within", "within": "contains",
             "covers": "covered_by", "covered_by": "covers"}
#: the sites query a tree over the geometries when they are this many times as many
_FEW = 64


class SiteContext:
    """Candidate geometries plus lazily computed, shared helpers (centroids, trees, areas).

    One per run: the centroids and the STRtree of the sites are built once and used by
    every criterion and constraint, also when these run side by side on threads (each
    helper is built by the first thread that needs it while the others wait for it).
    """

    def __init__(self, sites: pd.DataFrame, store: LayerStore, *, year: int | None = None,
                 check: Callable[[], None] | None = None, geoms: Any = None,
                 xy: np.ndarray | None = None, grid: Any = None):
        """``sites`` holds the attributes (a GeoDataFrame: its geometry too). ``geoms`` may
        be given apart, as an array or as a future resolved when first needed; ``xy`` the
        centroids when they are known without GEOS; ``grid`` the
        :class:`~hljgis.analysis.candidates.GridCells` the sites are, for lattice queries."""
        self.sites = sites
        self.grid = grid
        self._geoms = np.asarray(sites.geometry.values) if geoms is None else geoms
        self.store = store
        self.year = year
        self.check = check or (lambda: None)
        self._xy: np.ndarray | None = xy
        self._tree: shapely.STRtree | None = None
        self._area: np.ndarray | None = None
        self._outlines: Any = None
        self._blank: np.ndarray | None = None
        self._locks = {k: threading.Lock() for k in ("xy", "tree", "area", "outlines")}

    @property
    def n(self) -> int:
        return len(self.sites)

    @property
    def geoms(self) -> np.ndarray:
        """The site polygons (waiting for them if they are still being built)."""
        if not isinstance(self._geoms, np.ndarray):
            self._geoms = self._geoms.result()
        return self._geoms

    @property
    def xy(self) -> np.ndarray:
        """(n, 2) centroid coordinates."""
        if self._xy is None:
            with self._locks["xy"]:
                if self._xy is None:
                    self._xy = self._centroids()
        return self._xy

    def _centroids(self) -> np.ndarray:
        """Centroids of all sites, chunk by chunk (cancel checked in between)."""
        parts = []
        for start in range(0, self.n, SITE_CHUNK):
            self.check()
            parts.append(centroid_xy(self.geoms[start:start + SITE_CHUNK]))
        return np.concatenate(parts) if parts else np.zeros((0, 2))

    def site_geoms(self, idx: np.ndarray) -> np.ndarray:
        """The polygons of the sites ``idx``; generated cells do not wait for all of theirs
        (the few asked for are built here, bit for bit the same)."""
        pending = not isinstance(self._geoms, np.ndarray) and not self._geoms.done()
        if self.grid is not None and pending:
            return self.grid.polygons(idx)
        return self.geoms[idx]

    def query(self, geoms: np.ndarray, predicate: str = "intersects") -> tuple[np.ndarray,
                                                                              np.ndarray]:
        """(geometry, site) index pairs where ``predicate(geometry, site)`` holds.

        What ``STRtree.query`` returns, sorted by geometry then site. Square cells are
        looked up on their lattice (no tree over a million cells) and only the candidates'
        polygons are built and tested; other sites query a tree over the few geometries
        (a tree over a million parcels costs 0.4 s to build, the sites' look-ups in a tree
        of 15 subsidence zones 0.06 s), unless the sites' tree is already there.
        """
        pairs = None if self.grid is None else self.grid.box_pairs(shapely.bounds(geoms))
        if pairs is None:
            converse = _CONVERSE.get(predicate)
            if self._tree is None and converse and len(geoms) * _FEW < self.n:
                shapely.prepare(geoms)
                site, q = shapely.STRtree(geoms).query(self.geoms, predicate=converse)
            else:
                q, site = self.tree.query(geoms, predicate=predicate)
            srt = np.lexsort((site, q))
            return q[srt], site[srt]
        q, site = pairs
        shapely.prepare(geoms)
        hit = getattr(shapely, predicate)(geoms[q], self.site_geoms(site))
        return q[hit], site[hit]

    @property
    def tree(self) -> shapely.STRtree:
        """STRtree over the site polygons (queried with the few overlay features)."""
        if self._tree is None:
            with self._locks["tree"]:
                if self._tree is None:
                    self._tree = shapely.STRtree(self.geoms)
        return self._tree

    @property
    def blank(self) -> np.ndarray | None:
        """Sites without geometry (NULL or empty), or None when every site has one
        (generated cells always do). Read off the outlines or centroids when built."""
        if self.grid is not None:
            return None
        if self._blank is None:
            if self._outlines is not None:
                blank = self._outlines.blank
            elif self._xy is not None:  # centroids are NaN there (centroid_xy)
                blank = np.isnan(self._xy[:, 0])
            else:
                blank = shapely.is_missing(self.geoms) | shapely.is_empty(self.geoms)
            self._blank = blank if blank.any() else np.zeros(0, bool)
        return self._blank if len(self._blank) else None

    @property
    def outlines(self) -> Any:
        """Box centres, radii and outline segments of the sites, for edge distances (built
        once, shared by every distance criterion measured from the outline)."""
        if self._outlines is None:
            with self._locks["outlines"]:
                if self._outlines is None:
                    self._outlines = Outlines(self.geoms)
        return self._outlines

    @property
    def area(self) -> np.ndarray:
        if self._area is None:
            with self._locks["area"]:
                if self._area is None:
                    self._area = shapely.area(self.geoms)
        return self._area
