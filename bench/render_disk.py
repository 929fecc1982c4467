"""Rendering from disk, end to end: GeoPackage -> quantile classes -> 3000x2000 PNG + A4 PDF.

Builds planner-shaped layers in a GeoPackage (irregular parcels: clipped Voronoi cells of
jittered points, one in 20 with a courtyard hole, plus square cells), each with the ten or so
columns a planner's layer carries. Then, in fresh processes, times the whole job a script
does: import hljgis, open the layer, five quantile classes on ``score``, a 3000x2000 PNG
written, an A4 vector PDF (the dfr-annex-a4 layout) written. "cold" is a new process doing
the job once, as seen from outside (interpreter start, imports, everything, exit); "warm" is
the job run a second time in another process. QGIS 3.22 figures for the same job (issue 15)
are printed beside them.
Children keep compiled bytecode under ``<dir>/pycache`` (as an installed hljgis has it).

    QT_QPA_PLATFORM=offscreen python bench/render_disk.py [--n 100000 1000000] [--repeat 3]
        [--kind parcels cells] [--dir /tmp/hljgis-render-disk] [--window] [--before SRC]

``--window`` also times the first frame of an opened project in the main window (offscreen):
a project file holding the largest layer is opened and the time to the canvas's first
painted frame is printed.

Target (issue 15 point 2): half of QGIS's end-to-end figures (under 1.15 s at 100k, 5.7 s at
1M), and the first frame of the opened 1M project under 1 s.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

# ``python bench/<this>.py`` puts bench/ first on the path: the repository root too, for
# the other bench modules (``bench.render_disk``, ``bench.render_window``)
_ROOT = str(Path(__file__).resolve().parents[1])
if _ROOT not in sys.path:
    sys.path.insert(0, _ROOT)

#: QGIS 3.22 end to end (open, 5 quantile classes, 3000x2000 PNG, A4 PDF), seconds (issue 15).
QGIS_S = {100_000: 2.3, 1_000_000: 11.5}

_CHILD = r"""
import time
t0 = time.perf_counter()
import json, sys
from bench.render_disk import job
path, layer, out, runs = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
times = [job(path, layer, out, t0 if i == 0 else None) for i in range(runs)]
print("RESULT " + json.dumps(times))
"""


# -- data -------------------------------------------------------------------------------------
def _columns(n: int, x, y, rng) -> dict:
    """A planner's attribute table: a score to map and the columns that come with it."""
    import numpy as np

    k = max(1.0, float(np.sqrt(n)))
    fx = (x - x.min()) / max(1.0, float(np.ptp(x)))
    fy = (y - y.min()) / max(1.0, float(np.ptp(y)))
    score = np.sin(fx * 6.0) + np.cos(fy * 4.0) + rng.normal(0, 0.3, n)
    uses = np.array(["residential", "industrial", "commercial", "green space", "farmland",
                     "mining", "public service"])
    districts = np.array(["Jixi", "Hegang", "Shuangyashan", "Qitaihe"])
    return {
        "parcel_id": np.arange(n, dtype=np.int64) + 1,
        "score": score,
        "land_use": uses[rng.integers(0, len(uses), n)],
        "district": districts[(fx * 3.999).astype(int)],
        "owner": np.char.add("owner ", (rng.integers(0, 5000, n)).astype(str)),
        "area_m2": rng.uniform(500, 30_000, n).round(1),
        "pop_2020": rng.poisson(40, n).astype(np.int32),
        "far": rng.uniform(0.2, 3.5, n).round(2),
        "year_built": rng.integers(1950, 2024, n).astype(np.int32),
        "note": np.where(rng.random(n) < 0.1, "subsidence survey 2019", ""),
        "grid_row": (fy * k).astype(np.int32),
    }


def make_parcels(n: int, seed: int = 0):
    """Irregular parcels: Voronoi cells of jittered points in a 120 m lattice, clipped to
    the lattice's box; every 20th parcel has a courtyard (a hole at 40 % size)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    k = int(np.ceil(np.sqrt(n)))
    side = 120.0
    jj, ii = np.divmod(np.arange(n), k)
    x = 500_000.0 + (jj + rng.uniform(0.1, 0.9, n)) * side - k * side / 2
    y = 5_100_000.0 + (ii + rng.uniform(0.1, 0.9, n)) * side - k * side / 2
    box = shapely.box(x.min(), y.min(), x.max(), y.max())
    vor = shapely.get_parts(shapely.voronoi_polygons(
        shapely.multipoints(np.column_stack([x, y])), extend_to=box))
    vor = shapely.get_parts(shapely.intersection(vor, box))
    vor = vor[shapely.get_type_id(vor) == 3][:n]
    holed = np.arange(0, len(vor), 20)
    shells = shapely.get_exterior_ring(vor[holed])
    coords, owner = shapely.get_coordinates(shells, return_index=True)
    cen = shapely.get_coordinates(shapely.centroid(vor[holed]))[owner]
    inner = cen + (coords - cen) * 0.4
    holes = shapely.linearrings(inner, indices=owner)
    rings = np.empty(2 * len(holed), dtype=object)
    rings[0::2], rings[1::2] = shells, holes
    vor[holed] = shapely.polygons(rings, indices=np.repeat(np.arange(len(holed)), 2))
    cx, cy = shapely.get_coordinates(shapely.centroid(vor)).T
    return gpd.GeoDataFrame(_columns(len(vor), cx, cy, rng), geometry=vor, crs="EPSG:4552")


def make_cells(n: int, seed: int = 0, cell_m: float = 250.0):
    """Square cells that hljgis did not generate (a grid written by another tool)."""
    import geopandas as gpd
    import numpy as np
    import shapely

    rng = np.random.default_rng(seed)
    k = int(np.ceil(np.sqrt(n)))
    ii, jj = np.divmod(np.arange(n), k)
    x0 = 500_000.0 + jj * cell_m - k * cell_m / 2
    y0 = 5_100_000.0 + ii * cell_m - k * cell_m / 2
    geoms = shapely.box(x0, y0, x0 + cell_m, y0 + cell_m)
    return gpd.GeoDataFrame(_columns(n, x0, y0, rng), geometry=geoms, crs="EPSG:4552")


def ensure_data(folder: Path, n: int) -> Path:
    """``planner_<n>.gpkg`` with layers ``parcels`` and ``cells`` (built once, then reused)."""
    import pyogrio

    path = folder / f"planner_{n}.gpkg"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.gpkg")
    tmp.unlink(missing_ok=True)
    t = time.perf_counter()
    pyogrio.write_dataframe(make_parcels(n), tmp, layer="parcels")
    pyogrio.write_dataframe(make_cells(n), tmp, layer="cells", append=True)
    tmp.rename(path)
    print(f"built {path} in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    return path


# -- the job ----------------------------------------------------------------------------------
def job(path: str, layer_name: str, out: str, t_start: float | None = None) -> dict:
    """Open, classify, PNG, PDF; seconds per step (``t_start``: count imports from there)."""
    t0 = time.perf_counter() if t_start is None else t_start
    marks = {}
    from hljgis.core.project import Project
    from hljgis.core.style import graduated_renderer
    from hljgis.export._qt import ensure_gui_app
    from hljgis.export.api import export_layout
    from hljgis.io.readers import read_file
    from hljgis.render import render_image

    try:
        from hljgis.render.png import save_png
    except ImportError:  # an older hljgis (--before): Qt's default PNG compression

        def save_png(image, path):
            return image.save(str(path), "PNG")

    ensure_gui_app()
    marks["import"] = time.perf_counter()
    from hljgis.io.readers import ReadOptions

    # only the styled column (an hljgis without that option, for --before, reads them all)
    lean = {"columns": ["score"]} if "columns" in ReadOptions.__dataclass_fields__ else {}
    layer = read_file(path, layer=layer_name, **lean)[0]
    marks["open"] = time.perf_counter()
    layer.style = {"renderer": graduated_renderer(layer.gdf["score"], "score", "quantiles", 5,
                                                  "YlOrRd")}
    marks["classify"] = time.perf_counter()
    extent = layer.bounds
    img = render_image([layer], extent, size=(3000, 2000))
    if not save_png(img, f"{out}.png"):
        raise OSError(f"cannot write {out}.png")
    marks["png"] = time.perf_counter()
    project = Project("render from disk")
    project.crs = layer.crs
    project.add_layer(layer)
    export_layout(project, "dfr-annex-a4", f"{out}.pdf", extent=extent)
    marks["pdf"] = time.perf_counter()
    out_s, last = {}, t0
    for key, t in marks.items():
        out_s[key] = t - last
        last = t
    out_s["total"] = last - t0
    return out_s


def run_child(path: Path, layer: str, out: Path, runs: int,
              src: str | None = None) -> tuple[float, list[dict]]:
    """A fresh interpreter doing ``runs`` jobs: (wall seconds of the first job as seen from
    outside, including interpreter start, per-job step times). ``src``: import hljgis from
    this source folder instead (another checkout, to compare under the same load)."""
    paths = [str(Path(__file__).resolve().parents[1])]
    paths += [src] if src else [os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": os.pathsep.join(paths),
           "PYTHONPYCACHEPREFIX": str(out.parent / "pycache")}
    # an installed hljgis starts from compiled bytecode: without it (PYTHONDONTWRITEBYTECODE
    # is set here) every cold start compiled ~190 modules, about a second under load
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(path), layer, str(out), str(runs)],
                          capture_output=True, text=True, env=env, check=False)
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"child failed:\n{proc.stderr[-3000:]}")
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT ")][-1]
    times = json.loads(line[len("RESULT "):])
    # with one job, the wall time is the cold figure a user waits for (interpreter start,
    # imports, the job, freeing its data, exit)
    cold = wall - sum(t["total"] for t in times[1:])
    return cold, times


def _fmt(values: list[float]) -> str:
    return f"{statistics.median(values):6.2f} s (min {min(values):5.2f})"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--kind", nargs="+", default=["parcels", "cells"],
                    choices=["parcels", "cells"])
    ap.add_argument("--repeat", type=int, default=3, help="fresh processes per case")
    ap.add_argument("--dir", default="/tmp/hljgis-render-disk")
    ap.add_argument("--before", metavar="SRC",
                    help="also run the job with hljgis from this src folder (e.g. "
                         "/work/main/src), alternating, and print the speed-up")
    ap.add_argument("--window", action="store_true",
                    help="also time the first frame of the opened project in the window")
    args = ap.parse_args()
    folder = Path(args.dir)
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'layer':>17} {'cold (new process)':>26} {'warm':>22}  {'QGIS':>6} {'target':>7}"
          f"  {'x QGIS':>6}  steps of the fastest cold run")
    for n in args.n:
        path = ensure_data(folder, n)
        for kind in args.kind:
            colds, warms, steps, before = [], [], [], []
            for _ in range(args.repeat):
                if args.before:  # alternate, so both see the same load
                    before.append(run_child(path, kind, folder / f"before_{kind}_{n}", 1,
                                            args.before)[0])
                # cold: a process doing the job once, as a planner's script does; warm: the
                # job again in another process (a process running it twice would count
                # freeing the first job's layer in the cold figure: 0.3-0.6 s at 1M)
                cold, times = run_child(path, kind, folder / f"out_{kind}_{n}", 1)
                colds.append(cold)
                steps.append((cold, times[0]))
                warms.append(run_child(path, kind, folder / f"out_{kind}_{n}", 2)[1][1]["total"])
            qgis = QGIS_S.get(n)
            med = statistics.median(colds)
            fastest, step = min(steps, key=lambda s: s[0])
            start = fastest - step["total"]
            parts = f"start {start:.2f} " + " ".join(
                f"{k} {v:.2f}" for k, v in step.items() if k != "total")
            q = f"{qgis:5.2f}s {qgis / 2:6.2f}s  {qgis / med:5.2f}x" if qgis else " " * 23
            print(f"{kind + ' ' + format(n, ','):>17} {_fmt(colds):>26} {_fmt(warms):>22}  "
                  f"{q}  {parts}", flush=True)
            if before:
                b = statistics.median(before)
                print(f"{'':>17} before ({args.before}): cold {_fmt(before)}, this one "
                      f"{b / med:.2f}x faster", flush=True)
    if args.window:
        from bench.render_window import first_frame_report

        print(first_frame_report(folder, max(args.n)))


if __name__ == "__main__":
    main()
