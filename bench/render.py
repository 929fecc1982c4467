"""Render speed on generated grid cells: full extent 3000x2000 and a city-scale pan.

Generates N square cells (a sqrt(N) x sqrt(N) grid of 250 m cells in CGCS2000 / 3-degree
Gauss-Kruger CM 132E, over East Heilongjiang) with a random score, styles them graduated
(quantiles, 5 classes, YlOrRd), and prints seconds per frame and peak memory.

    QT_QPA_PLATFORM=offscreen python bench/render.py [--n 100000 1000000] [--repeat 3]

Target (issue 4): 100k full extent < 0.28 s, 1M < 1.8 s, city-scale pan < 0.1 s per frame.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
import tracemalloc

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def make_cells(n: int, cell_m: float = 250.0, seed: int = 0):
    import geopandas as gpd
    import shapely

    k = int(np.ceil(np.sqrt(n)))
    ii, jj = np.divmod(np.arange(n), k)
    x0 = 500_000.0 + jj * cell_m - k * cell_m / 2
    y0 = 5_100_000.0 + ii * cell_m - k * cell_m / 2
    geoms = shapely.box(x0, y0, x0 + cell_m, y0 + cell_m)
    rng = np.random.default_rng(seed)
    # A smooth field plus noise, like a suitability score.
    score = np.sin(jj / k * 6.0) + np.cos(ii / k * 4.0) + rng.normal(0, 0.3, n)
    return gpd.GeoDataFrame({"score": score}, geometry=geoms, crs="EPSG:4552")


def run(n: int, repeat: int) -> dict:
    from PySide6.QtGui import QColor, QImage

    from hljgis.core.layer import VectorLayer
    from hljgis.core.style import graduated_renderer
    from hljgis.render import MapRenderer

    t0 = time.perf_counter()
    gdf = make_cells(n)
    layer = VectorLayer(gdf, f"cells_{n}")
    layer.style = {"renderer": graduated_renderer(gdf["score"], "score", "quantiles", 5,
                                                  "YlOrRd")}
    t_make = time.perf_counter() - t0
    full = tuple(gdf.total_bounds)
    renderer = MapRenderer()
    img = QImage(3000, 2000, QImage.Format.Format_ARGB32_Premultiplied)

    def frame(extent, size=(3000, 2000)):
        img.fill(QColor("#ffffff"))
        t = time.perf_counter()
        renderer.render(img, [layer], extent, size=size, dpi=96)
        return time.perf_counter() - t

    first = frame(full)  # includes building the caches (bounds, classes)
    full_times = [frame(full) for _ in range(repeat)]
    # City scale: a 15 km x 10 km window (about 1:19,000 on a 3000 px frame), panned.
    cx, cy = (full[0] + full[2]) / 2, (full[1] + full[3]) / 2
    pan = []
    for step in range(max(3, repeat)):
        x = cx + step * 2_000.0
        pan.append(frame((x - 7_500, cy - 5_000, x + 7_500, cy + 5_000)))
    return {"n": n, "make_s": t_make, "first_full_s": first, "full_s": min(full_times),
            "full_all": full_times, "pan_s": max(pan), "pan_all": pan,
            "stats": renderer.last_stats, "img": img}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--save", help="write the last full-extent frame to this PNG")
    ap.add_argument("--tracemalloc", action="store_true",
                    help="also trace Python-allocated peak memory (slows the run)")
    args = ap.parse_args()

    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication.instance() or QGuiApplication([])
    from hljgis.render import ensure_fonts

    ensure_fonts()
    print(f"{'cells':>9} {'first':>7} {'full':>7} {'pan max':>8} {'peak RSS':>9}")
    for n in args.n:
        if args.tracemalloc:
            tracemalloc.start()
        res = run(n, args.repeat)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
        extra = ""
        if args.tracemalloc:
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            extra = f"  (python peak {peak / 2**20:.0f} MiB)"
        print(f"{n:>9,} {res['first_full_s']:>6.3f}s {res['full_s']:>6.3f}s "
              f"{res['pan_s'] * 1000:>6.1f}ms {rss:>7.0f}MiB{extra}")
        if args.save:
            res["img"].save(args.save)


if __name__ == "__main__":
    main()
