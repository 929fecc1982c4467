"""PostGIS round trip on generated cells: write, read whole, read a view, store a project.

    .venv/bin/python bench/postgis.py --db "PG:host=/tmp/sock port=5432 dbname=bench" --n 100000

Needs a PostGIS database the user may create tables in (the tables it writes are
``public.bench_cells`` and the store's ``hljgis_*`` tables). Prints seconds per step.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely

from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.io.postgis import read_postgis, write_postgis
from hljgis.io.project_store import ProjectStore


def cells(n: int) -> gpd.GeoDataFrame:
    """n 250 m squares on a grid near Qitaihe (EPSG:4553), with five attributes."""
    side = int(np.ceil(np.sqrt(n)))
    i = np.arange(n)
    x0 = 44_500_000 + (i % side) * 250.0
    y0 = 5_060_000 + (i // side) * 250.0
    rng = np.random.default_rng(1)
    return gpd.GeoDataFrame(
        {"cell_id": i, "city": np.where(i % 2, "Qitaihe", "Jixi"), "score": rng.random(n),
         "rank": rng.permutation(n) + 1, "excluded": rng.random(n) < 0.1},
        geometry=shapely.box(x0, y0, x0 + 250, y0 + 250), crs="EPSG:4553")


def timed(label: str, func):
    t = time.perf_counter()
    out = func()
    print(f"{label:<48} {time.perf_counter() - t:7.2f} s")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True)
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    gdf = cells(args.n)
    target = f"{args.db} tables=public.bench_cells"
    print(f"{args.n} cells")
    timed("write_postgis (COPY, one transaction, GiST)", lambda: write_postgis(gdf, target))
    timed("read_postgis, whole table", lambda: read_postgis(target))
    minx, miny, maxx, maxy = gdf.total_bounds
    view = (minx, miny, minx + (maxx - minx) * 0.3, miny + (maxy - miny) * 0.3)
    part = timed("read_postgis, a view of ~9% (server filters)",
                 lambda: read_postgis(target, bbox=view, columns=["score"]))
    print(f"{'':<48} {len(part)} cells in the view")
    project = Project("bench")
    project.add_layer(VectorLayer(gdf, "cells"))
    store = ProjectStore(args.db)
    timed("store: first save (layer uploaded)",
          lambda: store.save(project, "bench", base_version=store_version(store)))
    project.layer("cells").opacity = 0.5
    timed("store: save after a style change (no upload)", lambda: store.save(project))
    timed("store: load", lambda: store.load("bench"))


def store_version(store: ProjectStore):
    names = {p.name: p.version for p in store.list()}
    return names.get("bench")


if __name__ == "__main__":
    main()
