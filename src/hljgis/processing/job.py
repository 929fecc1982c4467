"""What a running tool can report and ask: progress, cancel, the metric CRS, notes.

Like :func:`hljgis.analysis.run.run_scenario`, a tool reports through a plain
``progress(fraction, message)`` callback and checks a ``cancel()`` callable between chunks,
raising :class:`Cancelled`, so the dialog's worker thread and the CLI drive it the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS

Progress = Callable[[float, str], None]

#: Features per chunk of a vectorised operation: small enough that cancel answers within
#: a fraction of a second, large enough that the per-call overhead stays negligible.
CHUNK = 20_000


def union_all(geoms: np.ndarray):
    """The union of ``geoms``. GEOS' disjoint-subset union (shapely >= 2.1) first splits
    them into groups that touch: 8 271 scattered 150 m parcels merge in 0.08 s instead of
    1.7 s with the plain cascaded union (bench/processing.py)."""
    func = getattr(shapely, "disjoint_subset_union_all", shapely.union_all)
    return func(geoms)


class Cancelled(Exception):  # noqa: N818 - the name a worker expects
    """The tool was cancelled by the caller's ``cancel()``; no layer was made."""


@dataclass
class Job:
    """Context handed to a tool function.

    Attributes
    ----------
    metric_crs : pyproj.CRS
        Where distances and areas are measured (the project's metric CRS).
    progress, cancel : callables, optional
    notes : list of str
        Messages for the planner (repairs, empty results); they end up in the layer's notes
        and provenance.
    """

    metric_crs: CRS
    progress: Progress | None = None
    cancel: Callable[[], bool] | None = None
    notes: list[str] = field(default_factory=list)
    _span: tuple[float, float] = (0.0, 1.0)

    def check(self) -> None:
        """Raise :class:`Cancelled` if the caller asked to stop."""
        if self.cancel is not None and self.cancel():
            raise Cancelled

    def report(self, fraction: float, message: str) -> None:
        """Progress within the current stage (0..1 of the span the runner gave the tool)."""
        self.check()
        if self.progress is not None:
            lo, hi = self._span
            self.progress(lo + (hi - lo) * max(0.0, min(1.0, fraction)), message)

    def to_metric(self, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
        """``gdf`` in the metric CRS (itself when already there)."""
        return gdf if gdf.crs.equals(self.metric_crs) else gdf.to_crs(self.metric_crs)

    def chunked(self, func: Callable[[np.ndarray], np.ndarray], geoms: np.ndarray,
                message: str, lo: float = 0.0, hi: float = 1.0) -> np.ndarray:
        """``func(geoms)`` applied chunk by chunk (a vectorised shapely call per chunk), with
        progress between ``lo`` and ``hi`` and a cancel check before each chunk."""
        n = len(geoms)
        if n <= CHUNK:
            self.report(lo, message)
            return np.asarray(func(geoms))
        parts = []
        for start in range(0, n, CHUNK):
            self.report(lo + (hi - lo) * start / n, message)
            parts.append(np.asarray(func(geoms[start:start + CHUNK])))
        return np.concatenate(parts)

    def union(self, geoms: np.ndarray, message: str, lo: float = 0.0, hi: float = 1.0):
        """The union of ``geoms``, chunk by chunk (cancel checked in between), then of the
        partial unions. Chunks follow a Hilbert curve, so each covers one compact area and
        the last union only stitches their edges: 100 000 overlapping 200 m circles merge
        in 18 s this way, 20 s in one call, 30 s in chunks of random order."""
        geoms = geoms[~shapely.is_missing(geoms)]
        n = len(geoms)
        if n <= CHUNK:
            self.report(lo, message)
            return union_all(geoms)
        order = np.argsort(gpd.GeoSeries(geoms).hilbert_distance(), kind="stable")
        geoms = geoms[order]
        parts = []
        for start in range(0, n, CHUNK):
            self.report(lo + (hi - lo) * 0.9 * start / n, message)
            parts.append(union_all(geoms[start:start + CHUNK]))
        self.report(lo + (hi - lo) * 0.9, message)
        return union_all(np.asarray(parts, dtype=object))
