"""Attribute-table filter speed: QGIS-style expressions through DuckDB vs. plain pandas.

Run: ``.venv/bin/python bench/table_filter.py [--rows 1000000]``.
Builds a GeoDataFrame of point features with number, text and NULL fields, then times
:func:`hljgis.core.expression.expression_mask` (what the table runs on Enter) against the
hand-written pandas mask that gives the same rows. Goal (issue #15): under 0.5 s at 1M rows.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    import geopandas as gpd
    import pandas as pd
    import shapely

    from hljgis.core.expression import expression_mask

    n = args.rows
    rng = np.random.default_rng(0)
    status = pd.Series(rng.choice(["cleared", "planned", "under_redevelopment"], n))
    status[rng.random(n) < 0.1] = None
    gdf = gpd.GeoDataFrame(
        {"area_km2": rng.random(n) * 10,
         "households": rng.integers(0, 5000, n),
         "city": rng.choice(["Hegang", "Jixi", "Qitaihe", "Shuangyashan"], n),
         "name_zh": rng.choice(["鹤岗南山", "鸡西城子河", "七台河新兴", "双鸭山岭东"], n),
         "status": status},
        geometry=shapely.points(rng.random(n) * 1e5, rng.random(n) * 1e5), crs="EPSG:4553")
    cases = [
        ('"area_km2" > 5',
         lambda f: (f["area_km2"] > 5).to_numpy()),
        ("\"status\" = 'cleared' AND \"households\" BETWEEN 100 AND 2000",
         lambda f: ((f["status"] == "cleared") & f["households"].between(100, 2000))
         .fillna(False).to_numpy(bool)),
        ("\"city\" IN ('Hegang', 'Jixi') OR \"status\" IS NULL",
         lambda f: (f["city"].isin(["Hegang", "Jixi"]) | f["status"].isna()).to_numpy()),
        ("\"city\" ILIKE '%gang%' AND \"name_zh\" LIKE '%岗%'",
         lambda f: (f["city"].str.contains("gang", case=False)
                    & f["name_zh"].str.contains("岗", regex=False)).to_numpy(bool)),
        ("lower(\"city\") = 'jixi' AND round(\"area_km2\") >= 3",
         lambda f: ((f["city"].str.lower() == "jixi") & (f["area_km2"].round() >= 3))
         .to_numpy()),
    ]
    expression_mask(gdf.head(10), '"area_km2" > 5')  # import DuckDB once
    print(f"{n:,} rows; best of {args.repeat}")
    print(f"{'expression':<62} {'duckdb s':>9} {'pandas s':>9} {'rows':>9}")
    for expr, pandas_mask in cases:
        best_d = best_p = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            got = expression_mask(gdf, expr)
            best_d = min(best_d, time.perf_counter() - t0)
            t0 = time.perf_counter()
            want = pandas_mask(gdf)
            best_p = min(best_p, time.perf_counter() - t0)
        assert np.array_equal(got, want), expr
        print(f"{expr[:62]:<62} {best_d:9.3f} {best_p:9.3f} {int(got.sum()):9,}")


if __name__ == "__main__":
    main()
