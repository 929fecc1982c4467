"""Pre-flight checks for rankings on an exported page: opaque rankings over each other, and
labels the page would drop because they collide.

Why: two rankings exported together stacked as opaque layers (the lower one vanished where
they met) and their numbered top sites crowded each other out, while the pre-flight said
nothing was wrong. Kept apart from ``preflight.py`` so each check stays one small function.
"""

from __future__ import annotations

import numpy as np
import shapely

from hljgis.core.crs import transform_bounds

#: Geometries of the lower ranking tested against the upper one's index (a sample: enough
#: to find an overlap of any size that matters on paper, fast on a million cells).
OVERLAP_SAMPLE = 5000
#: Map frame used for the label check when a page has no measured title and footer (mm).
_TITLE_MM, _FOOTER_MM = 14.0, 16.0
_CHECK_DPI = 96.0


def is_ranking(layer) -> bool:
    """A ranking result: an analysis layer of scored sites."""
    return (layer.kind == "vector" and layer.theme == "analysis"
            and "score" in layer.gdf.columns)


def _opaque(layer) -> bool:
    from hljgis.export.preflight import _translucent

    return not _translucent(layer)


def _in_extent(layer, extent, crs) -> np.ndarray:
    geoms = layer.gdf.geometry.values
    if extent is None or not len(geoms):
        return geoms
    x0, y0, x1, y1 = transform_bounds(extent, crs, layer.crs)
    b = shapely.bounds(geoms)
    return geoms[(b[:, 2] >= x0) & (b[:, 0] <= x1) & (b[:, 3] >= y0) & (b[:, 1] <= y1)]


def _overlap(lower, upper, extent, crs) -> bool:
    """Whether ``upper`` covers part of ``lower`` inside the page extent (area, not a touch)."""
    geoms = _in_extent(lower, extent, crs)
    if not len(geoms) or not upper.feature_count:
        return False
    if len(geoms) > OVERLAP_SAMPLE:
        geoms = geoms[np.linspace(0, len(geoms) - 1, OVERLAP_SAMPLE).astype(np.int64)]
    if lower.crs is not None and upper.crs is not None and not lower.crs.equals(upper.crs):
        import geopandas as gpd

        geoms = gpd.GeoSeries(geoms, crs=lower.crs).to_crs(upper.crs).values
    tree_idx, hits = upper.gdf.sindex.query(geoms, predicate="intersects")
    if not len(hits):
        return False
    # touching edges of adjacent cells are no overlap: ask for shared area
    shared = shapely.area(shapely.intersection(geoms[tree_idx[:200]],
                                               upper.gdf.geometry.values[hits[:200]]))
    return bool((shared > 0).any()) or len(hits) > 200


def ranking_overlaps(pages) -> list[str]:
    """A warning per opaque ranking drawn over another ranking on the same page."""
    warnings, seen = [], set()
    for page in pages:
        ranks = [layer for layer in page.drawn_layers if is_ranking(layer)]
        for i, upper in enumerate(ranks):
            if not _opaque(upper):
                continue
            for lower in ranks[:i]:
                key = (lower.name, upper.name)
                if key in seen or not _overlap(lower, upper, page.extent, page.project.crs):
                    continue
                seen.add(key)
                warnings.append(
                    f"rankings: '{upper.name}' is opaque and hides '{lower.name}' where they "
                    "overlap. Make it semi-transparent (opacity about 75 %), hide one, or "
                    "export them on separate pages.")
    return warnings


def _map_frame_px(page) -> tuple[int, int]:
    frame = page.layout.frames(_TITLE_MM, _FOOTER_MM)["map"]
    scale = _CHECK_DPI / 25.4
    return max(1, round(frame.w * scale)), max(1, round(frame.h * scale))


def label_collisions(pages) -> list[str]:
    """A warning per analysis layer (rankings, numbered sites) that would lose labels to
    collisions on a page: a top site printed without its number."""
    from hljgis.render.label_check import dropped_labels

    warnings = []
    for n, page in enumerate(pages, start=1):
        drawn = {layer.name: layer for layer in page.drawn_layers}
        report = dropped_labels(drawn.values(), page.extent, _map_frame_px(page),
                                _CHECK_DPI, page.project.crs, page.layout.lang)
        for name, (wanted, placed) in report.items():
            if placed >= wanted:
                continue
            if drawn[name].theme != "analysis":
                continue  # base-map names thin out by design (towns, neighbours)
            where = f" on page {n}" if len(pages) > 1 else ""
            warnings.append(
                f"labels: {wanted - placed} of {wanted} labels of '{name}' collide with other "
                f"labels and will not be printed{where}. Hide a labelled layer, zoom in, or "
                "label fewer sites.")
    return warnings


__all__ = ["is_ranking", "label_collisions", "ranking_overlaps"]
