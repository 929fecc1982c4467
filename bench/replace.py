"""Speed of mapping a bureau's survey onto a layer (what the replace dialog re-runs live).

Run: ``.venv/bin/python bench/replace.py [--rows 1000 10000 100000]``.
Generates a shanty-town survey of N outlines as XLSX-like rows (Chinese statuses and
cities, areas in mu, 2 % bad cells) and prints seconds for suggest_spec and apply_spec.
"""

from __future__ import annotations

import argparse
import time

import geopandas as gpd
import numpy as np
import shapely


def survey(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x = 130.8 + rng.random(n) * 0.4
    y = 45.2 + rng.random(n) * 0.2
    boxes = shapely.box(x, y, x + 0.005, y + 0.004)
    status = rng.choice(["已完成", "在建", "规划", "进行中?"], n, p=[0.4, 0.3, 0.28, 0.02])
    area = rng.integers(50, 2000, n).astype(object)
    area[rng.random(n) < 0.02] = "abc"
    return gpd.GeoDataFrame({
        "名称": [f"棚户区{i}" for i in range(n)], "城市": rng.choice(["鸡西", "鸡西市"], n),
        "所在区": rng.choice(["鸡冠区", "恒山区", "滴道区"], n), "改造状态": status,
        "面积(亩)": area, "户数": rng.integers(10, 3000, n)}, geometry=boxes, crs="EPSG:4490")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 10000, 100000])
    args = parser.parse_args()
    from hljgis.io.replace import apply_spec, suggest_spec

    for n in args.rows:
        src = survey(n)
        t0 = time.perf_counter()
        spec = suggest_spec(src, "shanty_sites")
        t1 = time.perf_counter()
        spec.provenance = {"source": "bench", "as_of": "2024-06", "accuracy_m": 20}
        out = apply_spec(src, spec, crs="EPSG:4490", first_row=2)
        t2 = time.perf_counter()
        print(f"{n:>7,} rows: suggest {t1 - t0:6.3f} s, apply {t2 - t1:6.3f} s "
              f"({out.accepted:,} accepted, {out.rejected:,} rejected, "
              f"{len(out.report):,} report lines)")


if __name__ == "__main__":
    main()
