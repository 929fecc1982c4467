"""Rank candidate polygons read from a GeoPackage against a plain geopandas pipeline.

Usage::

    .venv/bin/python bench/rank_parcels.py --n 1000000 [--shape parcels|squares|both]
        [--repeat 3] [--no-cold] [--data DIR] [--measure edge|centroid] [--cli]

The workflow a planner brings (issue #15): candidate polygons read from a file, the exact
distance from each polygon's outline to the nearest HSR station, expressway, industrial park
and city seat (the bundled layers of ``layers/east-heilongjiang.hljgis.gpkg``), exclusion of
every polygon that touches a subsidence zone, weighted sum, rank, everything written to
GeoPackage. Candidates (EPSG:4553, written by geopandas, cached in ``--data``):

* ``parcels``: a jittered Voronoi tessellation clipped to the four cities (irregular
  parcels of about 6.6 ha at 1M);
* ``squares``: square cells on a lattice that is not hljgis' own (offset origin).

Both pipelines run end to end (open the file, measure, exclude, weigh, rank, write a
GeoPackage): hljgis (``read_candidates`` -> ``run_scenario`` with ``measure: edge`` ->
``write_layer``) and the plain geopandas script (``read_file`` -> ``sjoin_nearest`` per
layer -> ``sjoin`` -> weighted sum -> ``to_file``). Cold: each once in a fresh Python
process (imports and first calls included; the candidate file is in the page cache).
Then ``--repeat`` runs of both in this process, under the same load; the first is not
counted as warm. Each run prints its seconds per stage (import, read, each criterion,
exclusion, wlc, other, write), the ratio, and the load average (the machine is shared:
the ratio is the figure that holds under load). The first also prints the largest
difference between the two pipelines' distances and asserts that they agree to 1e-6 m,
with the same excluded set and the same ranks. ``--cli`` also times the ``hljgis rank``
command on the same file in a fresh process (what a planner types; it also loads the
bundled project and locates and names every site in the districts).
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

CRS = "EPSG:4553"
BUNDLED = Path(__file__).resolve().parents[1] / "layers" / "east-heilongjiang.hljgis.gpkg"
#: criterion -> (bundled layer, weight, fuzzy_decreasing a, b in metres)
CRITERIA = {
    "station": ("hsr_stations", 3, 2_000, 40_000),
    "road": ("expressways", 2, 1_000, 30_000),
    "park": ("industrial_parks", 2, 0, 30_000),
    "centre": ("centres", 3, 3_000, 60_000),
}


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.1f}/{five:.1f} on {os.cpu_count()} CPUs"


# ----------------------------------------------------------------------------------- data


def _cities() -> shapely.Geometry:
    cities = gpd.read_file(BUNDLED, layer="cities").to_crs(CRS)
    return shapely.union_all(cities.geometry.values)


def make_candidates(n: int, shape: str, folder: Path, seed: int = 0) -> Path:
    """The candidate file (cached): about ``n`` polygons covering the four cities."""
    path = folder / f"{shape}-{n}.gpkg"
    if path.exists():
        return path
    t0 = time.perf_counter()
    union = _cities()
    shapely.prepare(union)
    x0, y0, x1, y1 = union.bounds
    side = np.sqrt(shapely.area(union) / n)
    rng = np.random.default_rng(seed)
    xs = np.arange(x0 + 37.0, x1, side)  # an origin of its own: not hljgis' lattice
    ys = np.arange(y0 + 11.0, y1, side)
    gx, gy = (v.ravel() for v in np.meshgrid(xs, ys))
    if shape == "squares":
        keep = shapely.contains_xy(union, gx + side / 2, gy + side / 2)
        geoms = shapely.box(gx[keep], gy[keep], gx[keep] + side, gy[keep] + side)
    else:
        px = gx + rng.uniform(0.1, 0.9, gx.size) * side
        py = gy + rng.uniform(0.1, 0.9, gy.size) * side
        keep = shapely.contains_xy(union, px, py)
        cells = shapely.get_parts(shapely.voronoi_polygons(
            shapely.multipoints(np.column_stack([px[keep], py[keep]])),
            extend_to=shapely.box(x0 - side, y0 - side, x1 + side, y1 + side)))
        inside = shapely.contains_properly(union, cells)
        cells[~inside] = shapely.intersection(cells[~inside], union)
        cells = shapely.get_parts(cells)  # a clipped cell may fall into pieces
        geoms = cells[shapely.area(cells) > 1.0]
    frame = gpd.GeoDataFrame({"parcel_id": np.char.add("P", np.arange(len(geoms)).astype(str)),
                              "land_use": np.where(rng.random(len(geoms)) < 0.3, "industrial",
                                                   "vacant")},
                             geometry=geoms, crs=CRS)
    folder.mkdir(parents=True, exist_ok=True)
    frame.to_file(path, engine="pyogrio")
    print(f"  made {path.name}: {len(frame):,} {shape} in {time.perf_counter() - t0:.0f} s")
    return path


def bundled_layers() -> dict[str, gpd.GeoDataFrame]:
    """The criteria and constraint layers, read from the bundled project file."""
    names = {"hsr_stations", "expressways", "industrial_parks", "subsidence_zones"}
    out = {name: gpd.read_file(BUNDLED, layer=name) for name in names}
    towns = gpd.read_file(BUNDLED, layer="towns")
    out["centres"] = towns[towns["role"] == "city_seat"].reset_index(drop=True)
    return out


def scenario(measure: str) -> dict:
    crit = [{"name": name, "kind": "distance", "layer": layer, "weight": w,
             "measure": measure, "transform": {"kind": "fuzzy_decreasing", "a": a, "b": b}}
            for name, (layer, w, a, b) in CRITERIA.items()]
    return {
        "name": "parcels", "planning_year": 2025,
        "candidates": {"kind": "layer", "layer": "candidates", "id_field": "parcel_id"},
        "criteria": crit,
        "constraints": [{"name": "subsidence", "kind": "outside", "layer": "subsidence_zones",
                         "reason": "touches a subsidence zone"}],
    }


# ------------------------------------------------------------------------------ pipelines


class Clock:
    """Seconds per stage, in the order the stages ran."""

    def __init__(self) -> None:
        self.stages: dict[str, float] = {}
        self.t = self.t0 = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.stages[name] = self.stages.get(name, 0.0) + now - self.t
        self.t = now

    @property
    def total(self) -> float:
        return self.t - self.t0


def run_hljgis(path: Path, layers, out: Path, measure: str) -> tuple[Clock, pd.DataFrame]:
    """hljgis end to end: read the candidates, rank, write the result GeoPackage."""
    clock = Clock()
    from hljgis.analysis import run_scenario
    from hljgis.analysis.candidates import read_candidates
    from hljgis.io.writers import write_layer

    clock.lap("import")
    source = {name: gdf.to_crs(CRS) for name, gdf in layers.items()}
    source["candidates"] = read_candidates(path)
    clock.lap("read")
    result = run_scenario(source, scenario(measure))
    spent = 0.0
    for name, sec in result.timings.items():
        key = name.removeprefix("criterion:") if name.startswith("criterion:") else {
            "constraints": "exclusion", "aggregate": "wlc"}.get(name, "other")
        clock.stages[key] = clock.stages.get(key, 0.0) + sec
        spent += sec
    clock.lap("other")
    clock.stages["other"] -= spent
    write_layer(result.layer("parcels"), out)
    clock.lap("write")
    return clock, result.gdf


def run_geopandas(path: Path, layers, out: Path, measure: str) -> tuple[Clock, pd.DataFrame]:
    """The plain geopandas script: sjoin_nearest per layer, sjoin, weighted sum, to_file."""
    clock = Clock()
    sites = gpd.read_file(path, engine="pyogrio")
    sites["sid"] = np.arange(len(sites))
    frm = sites[["sid", "geometry"]]
    if measure == "centroid":
        frm = gpd.GeoDataFrame({"sid": sites["sid"]}, geometry=sites.centroid, crs=sites.crs)
    clock.lap("read")
    total = np.zeros(len(sites))
    for name, (layer, w, a, b) in CRITERIA.items():
        feats = layers[layer].to_crs(CRS)[["geometry"]]
        j = gpd.sjoin_nearest(frm, feats, distance_col="d")
        d = j.groupby("sid")["d"].min().reindex(sites["sid"]).to_numpy()
        sites[f"raw_{name}"] = d
        total += w * np.clip(1 - (d - a) / (b - a), 0, 1)
        clock.lap(name)
    total /= sum(w for _, w, _, _ in CRITERIA.values())
    zones = layers["subsidence_zones"].to_crs(CRS)[["geometry"]]
    hit = gpd.sjoin(sites[["sid", "geometry"]], zones, predicate="intersects")["sid"].unique()
    sites["excluded"] = sites["sid"].isin(hit)
    clock.lap("exclusion")
    sites["score"] = np.where(sites["excluded"], np.nan, total)
    sites["rank"] = sites["score"].rank(ascending=False, method="min")
    clock.lap("wlc")
    sites.drop(columns="sid").to_file(out, engine="pyogrio")
    clock.lap("write")
    return clock, sites


PIPELINES = {"hljgis": run_hljgis, "geopandas": run_geopandas}
STAGES = ["import", "read", *CRITERIA, "exclusion", "wlc", "other", "write"]


def breakdown(clock: Clock) -> str:
    return " ".join(f"{k} {clock.stages[k]:.2f}" for k in STAGES if k in clock.stages)


def cold(which: str, path: Path, measure: str, out: Path) -> float:
    """One pipeline in a fresh Python process (imports and first calls included)."""
    import json
    import subprocess
    import sys

    code = ("import json, sys, time; t0 = time.perf_counter(); "
            f"sys.path.insert(0, {str(Path(__file__).parent)!r}); import rank_parcels as rp; "
            "from pathlib import Path; layers = rp.bundled_layers(); t1 = time.perf_counter(); "
            f"c, _ = rp.PIPELINES[{which!r}](Path({str(path)!r}), layers, Path({str(out)!r}), "
            f"{measure!r}); print(json.dumps({{'total': c.total, 'stages': c.stages}}))")
    # an installed hljgis starts from compiled bytecode (pip and the bundle compile it), as
    # the libraries in site-packages do: with PYTHONDONTWRITEBYTECODE set (as here) every
    # cold run compiled ~50 hljgis modules from source, 0.07 s
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(out.parent / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cache = out.parent / "pycache"
    if which == "hljgis" and not cache.exists():  # compile what the run imports, once
        subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, env=env)
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env=env)
    got = json.loads(res.stdout.strip().splitlines()[-1])
    clock = Clock()
    clock.stages = got["stages"]
    print(f"  cold {which:9s} {got['total']:6.2f} s ({load()}): {breakdown(clock)}")
    return got["total"]


def cli(path: Path, layers, measure: str, tmp: Path) -> float:
    """The same ranking through the command a planner types (``hljgis rank``), in a fresh
    process: the bundled project loaded, the candidates read, ranked, located in the
    districts and named, written to GeoPackage, the best printed. Wall seconds."""
    import json
    import subprocess
    import sys

    scenario_file, centres = tmp / "scenario.json", tmp / "centres.gpkg"
    scenario_file.write_text(json.dumps(scenario(measure)))
    if not centres.exists():
        layers["centres"].to_file(centres)
    out = tmp / "cli.gpkg"
    out.unlink(missing_ok=True)
    env = {**os.environ, "PYTHONPYCACHEPREFIX": str(tmp / "pycache")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    cmd = [sys.executable, "-m", "hljgis", "rank", "--scenario", str(scenario_file),
           "--candidates", f"candidates={path}", "--add", f"centres={centres}",
           "--out", str(out), "--top", "1"]
    if not (tmp / "pycache").exists():  # compile what the command imports, once
        subprocess.run(cmd, capture_output=True, check=True, env=env)
        out.unlink(missing_ok=True)
    t = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=env)
    return time.perf_counter() - t


def compare(mine: pd.DataFrame, theirs: pd.DataFrame) -> tuple[str, bool]:
    """Largest distance difference; same excluded set; same rank order."""
    diff = max(float(np.nanmax(np.abs(mine[f"raw_{c}"].to_numpy(float)
                                      - theirs[f"raw_{c}"].to_numpy(float))))
               for c in CRITERIA)
    same_excl = np.array_equal(mine["excluded"].to_numpy(bool), theirs["excluded"].to_numpy())
    r1 = mine["rank"].to_numpy(dtype=float, na_value=np.nan)
    r2 = theirs["rank"].to_numpy(float)
    same_rank = np.array_equal(np.nan_to_num(r1, nan=-1), np.nan_to_num(r2, nan=-1))
    return (f"largest distance difference {diff:.2g} m; same excluded set: {same_excl} "
            f"({int(theirs['excluded'].sum()):,}); same ranks: {same_rank}",
            same_excl and same_rank and diff <= 1e-6)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--shape", choices=["parcels", "squares", "both"], default="both")
    ap.add_argument("--measure", choices=["edge", "centroid"], default="edge")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of both pipelines in this process (the first is not warm)")
    ap.add_argument("--cold", action=argparse.BooleanOptionalAction, default=True,
                    help="first run each pipeline once in a fresh Python process")
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "hljgis-bench-data"),
                    help="folder caching the candidate files")
    ap.add_argument("--cli", action="store_true",
                    help="also time the `hljgis rank` command on the same file (fresh "
                         "process), against the cold geopandas run")
    args = ap.parse_args()
    layers = bundled_layers()
    shapes = ["parcels", "squares"] if args.shape == "both" else [args.shape]
    with tempfile.TemporaryDirectory(prefix="hljgis-bench-") as tmp:
        for shape in shapes:
            path = make_candidates(args.n, shape, Path(args.data))
            print(f"{shape}: {args.n:,} asked, measure={args.measure}, file {path}")
            if args.cold:
                cm = cold("hljgis", path, args.measure, Path(tmp) / "hljgis.gpkg")
                cg = cold("geopandas", path, args.measure, Path(tmp) / "gpd.gpkg")
                print(f"  = cold ratio {cg / cm:.1f}x")
                if args.cli:
                    cc = cli(path, layers, args.measure, Path(tmp))
                    print(f"  hljgis rank (the command, fresh process, also locating and "
                          f"naming every site): {cc:.2f} s ({load()}), {cg / cc:.1f}x the "
                          "cold geopandas script")
            mine_t, theirs_t = [], []
            for k in range(args.repeat):
                cm, mine = run_hljgis(path, layers, Path(tmp) / "hljgis.gpkg", args.measure)
                la = load()
                cg, theirs = run_geopandas(path, layers, Path(tmp) / "gpd.gpkg", args.measure)
                lb = load()
                mine_t.append(cm.total)
                theirs_t.append(cg.total)
                kind = "first in process" if k == 0 else "warm"
                print(f"  run {k + 1} ({kind}): hljgis {cm.total:.2f} s ({la}), geopandas "
                      f"{cg.total:.2f} s ({lb}), ratio {cg.total / cm.total:.1f}x")
                print(f"    hljgis    {breakdown(cm)}")
                print(f"    geopandas {breakdown(cg)}")
                if k == 0:
                    line, same = compare(mine, theirs)
                    print(f"  {len(mine):,} sites; {line}")
                    assert same, "the rankings differ from the geopandas pipeline's"
                mine = theirs = None
            if len(mine_t) > 1:
                wm, wg = statistics.median(mine_t[1:]), statistics.median(theirs_t[1:])
                print(f"  = warm median: hljgis {wm:.2f} s, geopandas {wg:.2f} s, "
                      f"ratio {wg / wm:.1f}x")

if __name__ == "__main__":
    main()
