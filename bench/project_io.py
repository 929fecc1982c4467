"""Save and open a project holding a cell ranking: compact storage against the full copy.

Usage::

    .venv/bin/python bench/project_io.py [--n 300000 1000000] [--repeat 3]

First the bundled East Heilongjiang layers ranked with the place-making preset (500 m cells
over the four cities, 303k sites: the run that grew a project from 3.5 MB to 124 MB), then
for each N the data of ``bench/rank.py`` (N 100 m cells, 6 criteria, one exclusion) in a
project; each ranked, and the result layer added to the project. The project is then
saved and opened with the compact storage (grid definition + Parquet columns,
``hljgis.io.compact_layers``) and with the storage of format 1 (the cells as a GPKG polygon
table with every column), in the same run. Printed per storage: the file's growth over the
project without the ranking, save time (first save of the process = cold, then the fastest
of ``--repeat`` = warm) and open time (in a fresh process = cold, with the interpreter's and
hljgis' imports counted apart; then warm in this process), and the old/new ratios. The load
average is printed first: the machine is shared.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rank import CRS, SCENARIO, make_data  # noqa: E402

from hljgis.analysis import run_scenario  # noqa: E402
from hljgis.core.layer import VectorLayer  # noqa: E402
from hljgis.core.project import Project  # noqa: E402
from hljgis.io import compact_layers  # noqa: E402
from hljgis.io.project_file import load_project, save_project  # noqa: E402

_COLD_OPEN = """
import json, sys, time
t0 = time.perf_counter()
from hljgis.io.project_file import load_project
t1 = time.perf_counter()
project = load_project(sys.argv[1])
layer = project.layer(sys.argv[2])
t2 = time.perf_counter()
assert len(layer.gdf) > 0
print(json.dumps({"imports": t1 - t0, "open": t2 - t1}))
"""


def _cold_open(path: Path, name: str) -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(Path(__file__).resolve().parents[1]
                                                        / "src"), env.get("PYTHONPATH")) if p)
    t0 = time.perf_counter()
    out = subprocess.run([sys.executable, "-c", _COLD_OPEN, str(path), name], env=env,
                         capture_output=True, text=True, check=True)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["process"] = time.perf_counter() - t0
    return figures


def _timed(fn, repeat: int) -> tuple[float, float]:
    """(first call, fastest of the next ``repeat``) in seconds."""
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return times[0], min(times[1:]) if repeat else times[0]


def _synthetic(n: int):
    data = make_data(n)
    project = Project(crs=CRS)
    for name, gdf in data.items():
        project.add_layer(VectorLayer(gdf, name))
    return project, lambda: run_scenario(data, SCENARIO), f"{n:,} synthetic cells"


def _bundled(name: str):
    from hljgis.analysis.presets import preset
    from hljgis.io.project_build import base_project

    project = base_project(bundled=True)
    return project, lambda: run_scenario(project, preset(name)), \
        f"bundled layers, preset '{name}'"


def measure(project, rank, what: str, folder: Path, repeat: int,
            storages=("compact", "full copy")) -> dict:
    n = len(list(folder.iterdir()))  # a fresh file name per case
    base = folder / f"base_{n}.hljgis.gpkg"
    save_project(project, base, remember=False)
    t0 = time.perf_counter()
    result = rank()
    print(f"\n{what}: {len(result.gdf):,} sites ranked in {time.perf_counter() - t0:.2f} s"
          f"; project without it {base.stat().st_size / 2**20:.1f} MB")
    layer = result.layer()
    project.add_layer(layer)
    rows = {}
    for label, minimum in (("compact", compact_layers.COMPACT_FROM), ("full copy", 10**12)):
        if label not in storages:
            continue
        compact_layers.COMPACT_FROM = minimum
        path = folder / f"{label.replace(' ', '_')}_{n}.hljgis.gpkg"
        cold_save, warm_save = _timed(lambda p=path: save_project(project, p, remember=False),
                                      repeat)
        grown = (path.stat().st_size - base.stat().st_size) / 2**20
        cold = _cold_open(path, layer.name)
        _, warm_open = _timed(lambda p=path: load_project(p), repeat)
        rows[label] = {"MB": grown, "save cold": cold_save, "save warm": warm_save,
                       "open cold": cold["open"], "imports": cold["imports"],
                       "open warm": warm_open}
    compact_layers.COMPACT_FROM = 10_000
    if "compact" not in rows:
        return rows
    again = load_project(folder / f"compact_{n}.hljgis.gpkg").layer(layer.name).gdf
    same = compact_layers.same_shapes(again.geometry.values, layer.gdf.geometry.values) and \
        again.drop(columns="geometry").equals(layer.gdf.drop(columns="geometry"))
    print(f"  {'storage':<12}{'adds MB':>9}{'save cold':>11}{'save warm':>11}"
          f"{'open cold':>11}{'(imports)':>11}{'open warm':>11}")
    for label, r in rows.items():
        print(f"  {label:<12}{r['MB']:9.1f}{r['save cold']:11.2f}{r['save warm']:11.2f}"
              f"{r['open cold']:11.2f}{r['imports']:11.2f}{r['open warm']:11.2f}")
    if len(rows) == 2:
        old, new = rows["full copy"], rows["compact"]
        print(f"  full copy / compact: size {old['MB'] / new['MB']:.1f}x, "
              f"save {old['save warm'] / new['save warm']:.1f}x (warm), "
              f"open {old['open cold'] / new['open cold']:.1f}x (cold), "
              f"{old['open warm'] / new['open warm']:.1f}x (warm)")
    print(f"  reopened ranking equal to the run (values, geometry bit for bit): {same}")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[300_000, 1_000_000])
    ap.add_argument("--repeat", type=int, default=2, help="warm repetitions (fastest shown)")
    ap.add_argument("--preset", nargs="*", default=["place-making"],
                    help="also rank the bundled layers with these presets (500 m cells over "
                         "the four cities: 303k sites, the issue's 124 MB case)")
    ap.add_argument("--compact-only", action="store_true",
                    help="leave out the full-copy storage (the old format, minutes at 1M)")
    args = ap.parse_args()
    storages = ("compact",) if args.compact_only else ("compact", "full copy")
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} "
          f"{os.getloadavg()[2]:.2f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="hljgis-project-io-") as tmp:
        for name in args.preset:
            measure(*_bundled(name), Path(tmp), args.repeat, storages)
        for n in args.n:
            measure(*_synthetic(n), Path(tmp), args.repeat, storages)
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
