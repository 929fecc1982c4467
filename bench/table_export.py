"""Export speed: a table of N rows to CSV / XLSX, features to GBK Shapefile, Ctrl+C text.

Run: ``.venv/bin/python bench/table_export.py [--rows 100000]``.
Builds N point features with number, Chinese text and NULL fields (CGCS2000 Gauss-Kruger),
then times what the window's exports call: ``write_table(with_location(...))`` for "Export
table..." (CSV and XLSX), ``write_layer(..., encoding="GBK")`` for "Save features as..." SHP,
and ``table_text`` for copying rows. These decide whether the progress dialog shows (it
appears after 0.4 s).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    import geopandas as gpd
    import shapely

    from hljgis.io.table_export import table_text, with_location, write_table
    from hljgis.io.writers import write_layer

    n = args.rows
    rng = np.random.default_rng(0)
    gdf = gpd.GeoDataFrame(
        {"name_zh": rng.choice(["鸡西市地块", "鹤岗棚户区", "七台河园区", "双鸭山"], n),
         "score": rng.random(n), "area_ha": np.where(rng.random(n) < 0.1, np.nan,
                                                     rng.random(n) * 50),
         "status": rng.choice(["cleared", "planned"], n)},
        geometry=shapely.points(rng.uniform(3.5e5, 6.5e5, n), rng.uniform(5.0e6, 5.3e6, n)),
        crs="EPSG:4553")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = []
        for label, fn in (
            ("table -> CSV (with lon/lat)", lambda: write_table(with_location(gdf),
                                                                 tmp / "t.csv")),
            ("table -> XLSX (with lon/lat)", lambda: write_table(with_location(gdf),
                                                                  tmp / "t.xlsx")),
            ("features -> SHP GBK", lambda: write_layer(gdf, tmp / "f.shp", encoding="GBK")),
            ("features -> XLSX", lambda: write_layer(gdf, tmp / "f.xlsx")),
            ("copy 1,000 rows as text", lambda: table_text(gdf.drop(columns="geometry")
                                                           .iloc[:1000])),
        ):
            t0 = time.perf_counter()
            fn()
            rows.append((label, time.perf_counter() - t0))
    print(f"{n:,} rows")
    for label, seconds in rows:
        print(f"  {label:<32} {seconds:6.2f} s")


if __name__ == "__main__":
    main()
