"""What snapping and an edit cost: the index a drawing tool builds, a snap per mouse move,
and one undoable edit on a large layer.

Usage::

    .venv/bin/python bench/snapping.py [--parcels 50000] [--moves 2000] [--repeat 3]

``--parcels`` square parcels of 60 m (5 vertices each, in a metric CRS) with jittered
corners. Prints the fastest of ``--repeat`` runs of building the :class:`Snapper` (vertex and
segment STRtrees), the mean time of one snap (a mouse move), and the time of a
``Session.change_geometry`` and its undo on that layer (a new frame each, rows kept only
for the touched feature).
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from hljgis.core.editing.snapping import Snapper
from hljgis.core.layer import VectorLayer
from hljgis.core.session import Session


def parcels(n: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x0 = 500_000 + (i % side) * 80.0 + rng.uniform(-5, 5, n)
    y0 = 5_000_000 + (i // side) * 80.0 + rng.uniform(-5, 5, n)
    return shapely.box(x0, y0, x0 + 60, y0 + 60)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parcels", type=int, default=50_000)
    ap.add_argument("--moves", type=int, default=2_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    geoms = parcels(args.parcels)
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        t = time.perf_counter()
        snapper = Snapper({"parcels": geoms})
        best["build"] = min(best.get("build", np.inf), time.perf_counter() - t)
        rng = np.random.default_rng(1)
        lo, hi = shapely.total_bounds(geoms).reshape(2, 2)
        xy = rng.uniform(lo, hi, size=(args.moves, 2))
        t = time.perf_counter()
        hits = sum(snapper.snap(x, y, 3.0) is not None for x, y in xy)
        best["snap"] = min(best.get("snap", np.inf), (time.perf_counter() - t) / args.moves)
    gdf = gpd.GeoDataFrame({"name": [f"p{i}" for i in range(len(geoms))]}, geometry=geoms,
                           crs="EPSG:4553")
    session = Session()
    session.add_layers([VectorLayer(gdf, "parcels")])
    moved = shapely.box(500_000, 5_000_000, 500_070, 5_000_060)
    t = time.perf_counter()
    session.change_geometry("parcels", 0, moved)
    edit = time.perf_counter() - t
    t = time.perf_counter()
    session.undo()
    undo = time.perf_counter() - t
    print(f"{args.parcels:,} parcels: {snapper.vertex_count:,} vertices, "
          f"{snapper.edge_count:,} edges")
    print(f"  build snapping index : {best['build'] * 1e3:8.1f} ms")
    print(f"  one snap (mouse move): {best['snap'] * 1e6:8.1f} us "
          f"({hits} of {args.moves} moves snapped within 3 m)")
    print(f"  change_geometry      : {edit * 1e3:8.1f} ms (first edit adds the stamp columns)")
    print(f"  undo                 : {undo * 1e3:8.1f} ms")


if __name__ == "__main__":
    main()
