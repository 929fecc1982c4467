"""Spatial queries behind the map tools: identify features at a point, select in a box.

Both use the layer's spatial index (geopandas' STRtree), so a click on a layer of a million
cells answers at once. Coordinates come in the map's CRS and are moved to each layer's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project


def _to_layer_crs(geom, map_crs, layer: VectorLayer):
    if map_crs is None or layer.crs is None or layer.crs.equals(map_crs):
        return geom
    tr = Transformer.from_crs(map_crs, layer.crs, always_xy=True)
    return shapely.transform(geom, lambda xy: np.column_stack(tr.transform(xy[:, 0], xy[:, 1])))


def features_in_box(layer: VectorLayer, box, map_crs=None) -> np.ndarray:
    """Row positions of ``layer`` features intersecting ``box`` (minx, miny, maxx, maxy)."""
    if layer.feature_count == 0:
        return np.zeros(0, dtype=np.int64)
    geom = _to_layer_crs(shapely.box(*box), map_crs, layer)
    hits = layer.gdf.sindex.query(geom, predicate="intersects")
    return np.sort(np.asarray(hits, dtype=np.int64))


def identify(project: Project, x: float, y: float, tolerance: float,
             visible_only: bool = True) -> list[tuple[VectorLayer, pd.DataFrame]]:
    """Attributes of the features under (x, y) in every (visible) vector layer, top first.

    ``tolerance`` (map units) makes points and thin lines clickable.
    """
    results = []
    for layer in reversed(project.layers):
        if not isinstance(layer, VectorLayer) or (visible_only and not layer.visible):
            continue
        rows = features_in_box(layer, (x - tolerance, y - tolerance, x + tolerance,
                                       y + tolerance), project.crs)
        if len(rows):
            table = pd.DataFrame(layer.gdf.iloc[rows].drop(columns=layer.gdf.geometry.name))
            results.append((layer, table))
    return results
