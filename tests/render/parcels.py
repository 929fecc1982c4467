"""Irregular parcels with courtyards, the shape of a planner's cadastre, for render tests."""

from __future__ import annotations

import numpy as np
import shapely
from shapely.geometry import Polygon


def courtyard_parcels(k: int, *, every: int, seed: int, jitter: float = 0.1,
                      courtyard: float = 0.4, origin="center"):
    """``k x k`` clipped Voronoi cells of jittered points on a 120 m lattice; every
    ``every``-th gets a courtyard (its outline scaled by ``courtyard`` about ``origin``:
    "center" of its box, or "centroid"). Returns the polygons, the holed indices and the
    random generator (for the caller's attribute columns)."""
    rng = np.random.default_rng(seed)
    jj, ii = np.divmod(np.arange(k * k), k)
    x = 500_000.0 + (jj + rng.uniform(jitter, 1 - jitter, k * k)) * 120.0
    y = 5_100_000.0 + (ii + rng.uniform(jitter, 1 - jitter, k * k)) * 120.0
    box = shapely.box(x.min(), y.min(), x.max(), y.max())
    vor = shapely.get_parts(shapely.voronoi_polygons(shapely.multipoints(np.c_[x, y]),
                                                     extend_to=box))
    vor = shapely.intersection(vor, box)
    vor = vor[shapely.get_type_id(vor) == 3]
    holed = np.arange(0, len(vor), every)
    for i in holed:
        about = vor[i].centroid if origin == "centroid" else origin
        inner = shapely.affinity.scale(vor[i], courtyard, courtyard, origin=about)
        vor[i] = Polygon(vor[i].exterior, [inner.exterior])
    return vor, holed, rng
