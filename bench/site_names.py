"""What naming the sites costs: district join and display names for N grid cells.

Usage::

    .venv/bin/python bench/site_names.py [--size 100] [--repeat 3]

Cells of ``--size`` metres over the urban districts of the bundled project (sme-space's
candidates: 930,902 cells at 100 m). Prints the fastest of ``--repeat`` runs of the
point-in-district join (:func:`hljgis.analysis.sites.locate`) and of the English and
Chinese names (:func:`hljgis.analysis.sites.site_names`), next to making the cells.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

from hljgis.analysis.candidates import grid_cells
from hljgis.analysis.criteria import LayerStore
from hljgis.analysis.sites import Boundaries, locate, site_names
from hljgis.io.bundled import bundled_project_path
from hljgis.io.project_file import load_project


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=float, default=100.0)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    project = load_project(bundled_project_path())
    store = LayerStore({lyr.name: lyr for lyr in project.layers}, project.metric_crs())
    districts = store.vector("districts")
    best: dict[str, float] = {}

    def timed(name, fn, *fn_args, **fn_kwargs):
        t = time.perf_counter()
        out = fn(*fn_args, **fn_kwargs)
        best[name] = min(best.get(name, float("inf")), time.perf_counter() - t)
        return out

    for _ in range(args.repeat):
        cells = timed("cells", grid_cells, districts, args.size, crs=store.crs,
                      where={"field": "kind", "in": ["district"]})
        b = timed("boundaries", Boundaries.from_store, store)
        attrs = timed("locate", locate, cells.attrs, cells.centroids(), b)
        ids = pd.Series(attrs["site_id"].array).astype(str)
        timed("site_names", site_names, "Cell " + ids, "网格 " + ids, attrs["district"],
              attrs["district_zh"])
    print(f"{len(cells):,} cells of {args.size:g} m; fastest of {args.repeat}:")
    for name, sec in best.items():
        print(f"  {name:<11} {sec:6.3f} s")


if __name__ == "__main__":
    main()
