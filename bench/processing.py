"""Processing tool speed on generated data the size of a bureau's layers.

Run: ``.venv/bin/python bench/processing.py [--points N] [--parcels N]``.
Generates N points and N parcels (150 m squares with 1 % bow-ties) in lon/lat over Jixi,
and 400 zone polygons in Gauss-Kruger metres, then times each tool through ``run_tool``
(repair, CRS alignment and lineage included) and prints seconds and feature counts.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

GK = "EPSG:4553"


def data(n_points: int, n_parcels: int, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)
    x0, y0, span = 480_000.0, 5_120_000.0, 60_000.0
    px, py = x0 + rng.random(n_points) * span, y0 + rng.random(n_points) * span
    points = gpd.GeoDataFrame({"pid": np.arange(n_points), "v": rng.random(n_points)},
                              geometry=shapely.points(px, py), crs=GK).to_crs("EPSG:4490")
    cx, cy = x0 + rng.random(n_parcels) * span, y0 + rng.random(n_parcels) * span
    squares = shapely.box(cx, cy, cx + 150, cy + 150)
    bad = rng.random(n_parcels) < 0.01
    bowties = shapely.polygons(np.stack([np.stack([cx, cy + 150], 1), np.stack([cx + 150, cy], 1),
                                         np.stack([cx + 150, cy + 150], 1),
                                         np.stack([cx, cy], 1)], 1))
    geoms = np.where(bad, bowties, squares)
    parcels = gpd.GeoDataFrame({"kind": rng.choice(list("abcdef"), n_parcels),
                                "area": rng.random(n_parcels)}, geometry=geoms,
                               crs=GK).to_crs("EPSG:4490")
    zx, zy = np.meshgrid(np.linspace(x0, x0 + span, 21)[:-1], np.linspace(y0, y0 + span, 21)[:-1])
    zones = gpd.GeoDataFrame({"zone": np.arange(400)},
                             geometry=shapely.buffer(shapely.points(zx.ravel() + 1500,
                                                                    zy.ravel() + 1500), 1400),
                             crs=GK)
    return {"points": points, "parcels": parcels, "zones": zones}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--parcels", type=int, default=50_000)
    args = parser.parse_args()
    from hljgis.processing import run_tool

    layers = data(args.points, args.parcels)
    print(f"{args.points} points, {args.parcels} parcels (lon/lat), 400 zones (metres)")
    runs = [
        ("buffer", {"layer": "points", "distance_m": 200}),
        ("buffer", {"layer": "points", "distance_m": 200, "dissolve": True}),
        ("measure", {"layer": "parcels"}),
        ("centroids", {"layer": "parcels"}),
        ("dissolve", {"layer": "parcels", "field": "kind"}),
        ("clip", {"layer": "parcels", "mask": "zones"}),
        ("intersect", {"layer": "parcels", "overlay": "zones"}),
        ("difference", {"layer": "parcels", "overlay": "zones"}),
        ("spatial_join", {"layer": "points", "join": "zones"}),
        ("spatial_join", {"layer": "points", "join": "parcels", "predicate": "dwithin",
                          "distance_m": 300, "summaries": "sum,mean"}),
        ("select_by_location", {"layer": "points", "by": "zones"}),
        ("reproject", {"layer": "parcels", "crs": GK}),
    ]
    for tool, params in runs:
        t0 = time.perf_counter()
        res = run_tool(tool, params, layers)
        dt = time.perf_counter() - t0
        extra = ", ".join(f"{k}={v}" for k, v in params.items()
                          if k not in ("layer", "join", "overlay", "mask", "by"))
        print(f"{tool:<20} {extra:<55.55} {dt:6.2f} s  {len(res.layer.gdf):>8} features"
              + (f"  ({'; '.join(res.notes)[:60]})" if res.notes else ""))


if __name__ == "__main__":
    main()
