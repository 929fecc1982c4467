"""Rank candidate polygons read from a GeoPackage against a plain geopandas pipeline.

Usage::

    .venv/bin/python bench/rank_parcels.py --n 1000000 [--shape parcels|squares|both]
        [--repeat 3] [--data DIR] [--measure edge|centroid]

The workflow a planner brings (issue #15): candidate polygons read from a file, the exact
distance from each polygon's outline to the nearest HSR station, expressway, industrial park
and city seat (the bundled layers of ``layers/east-heilongjiang.hljgis.gpkg``), exclusion of
every polygon that touches a subsidence zone, weighted sum, rank, everything written to
GeoPackage. Candidates (EPSG:4553, written by geopandas, cached in ``--data``):

* ``parcels``: a jittered Voronoi tessellation clipped to the four cities (irregular
  parcels of about 6.6 ha at 1M);
* ``squares``: square cells on a lattice that is not hljgis' own (offset origin).

Each repeat runs, in the same process and under the same load, the hljgis pipeline
(``read_candidates`` -> ``run_scenario`` with ``measure: edge`` -> ``write_layer``) and the
plain geopandas one (``read_file`` -> ``sjoin_nearest`` per layer -> ``sjoin`` -> weighted
sum -> ``to_file``). The first repeat of a fresh process is the cold one (imports, page
cache of the candidate file aside); the rest are warm. Prints seconds, the ratio, the
largest difference between the two pipelines' distances (they must agree to 1e-6 m), and
whether the excluded sets and the rank orders are the same. The load average is printed
with each figure: the machine is shared.
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


def run_hljgis(path: Path, layers, out: Path, measure: str) -> tuple[float, pd.DataFrame]:
    """hljgis end to end: read the candidates, rank, write the result GeoPackage."""
    from hljgis.analysis import run_scenario
    from hljgis.analysis.candidates import read_candidates
    from hljgis.io.writers import write_layer

    t0 = time.perf_counter()
    source = {name: gdf.to_crs(CRS) for name, gdf in layers.items()}
    source["candidates"] = read_candidates(path)
    result = run_scenario(source, scenario(measure))
    write_layer(result.layer("parcels"), out)
    return time.perf_counter() - t0, result.gdf


def run_geopandas(path: Path, layers, out: Path, measure: str) -> tuple[float, pd.DataFrame]:
    """The plain geopandas script: sjoin_nearest per layer, sjoin, weighted sum, to_file."""
    t0 = time.perf_counter()
    sites = gpd.read_file(path, engine="pyogrio")
    sites["sid"] = np.arange(len(sites))
    frm = sites[["sid", "geometry"]]
    if measure == "centroid":
        frm = gpd.GeoDataFrame({"sid": sites["sid"]}, geometry=sites.centroid, crs=sites.crs)
    total = np.zeros(len(sites))
    for name, (layer, w, a, b) in CRITERIA.items():
        feats = layers[layer].to_crs(CRS)[["geometry"]]
        j = gpd.sjoin_nearest(frm, feats, distance_col="d")
        d = j.groupby("sid")["d"].min().reindex(sites["sid"]).to_numpy()
        sites[f"raw_{name}"] = d
        total += w * np.clip(1 - (d - a) / (b - a), 0, 1)
    total /= sum(w for _, w, _, _ in CRITERIA.values())
    zones = layers["subsidence_zones"].to_crs(CRS)[["geometry"]]
    hit = gpd.sjoin(sites[["sid", "geometry"]], zones, predicate="intersects")["sid"].unique()
    sites["excluded"] = sites["sid"].isin(hit)
    sites["score"] = np.where(sites["excluded"], np.nan, total)
    sites["rank"] = sites["score"].rank(ascending=False, method="min")
    sites.drop(columns="sid").to_file(out, engine="pyogrio")
    return time.perf_counter() - t0, sites


def compare(mine: pd.DataFrame, theirs: pd.DataFrame) -> str:
    """Largest distance difference; same excluded set; same rank order."""
    diff = max(float(np.nanmax(np.abs(mine[f"raw_{c}"].to_numpy(float)
                                      - theirs[f"raw_{c}"].to_numpy(float))))
               for c in CRITERIA)
    same_excl = np.array_equal(mine["excluded"].to_numpy(bool), theirs["excluded"].to_numpy())
    r1 = mine["rank"].to_numpy(dtype=float, na_value=np.nan)
    r2 = theirs["rank"].to_numpy(float)
    same_rank = np.array_equal(np.nan_to_num(r1, nan=-1), np.nan_to_num(r2, nan=-1))
    return (f"largest distance difference {diff:.2g} m; same excluded set: {same_excl} "
            f"({int(theirs['excluded'].sum()):,}); same ranks: {same_rank}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--shape", choices=["parcels", "squares", "both"], default="both")
    ap.add_argument("--measure", choices=["edge", "centroid"], default="edge")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--data", default=os.path.join(tempfile.gettempdir(), "hljgis-bench-data"),
                    help="folder caching the candidate files")
    args = ap.parse_args()
    layers = bundled_layers()
    shapes = ["parcels", "squares"] if args.shape == "both" else [args.shape]
    with tempfile.TemporaryDirectory(prefix="hljgis-bench-") as tmp:
        for shape in shapes:
            path = make_candidates(args.n, shape, Path(args.data))
            print(f"{shape}: {args.n:,} asked, measure={args.measure}, file {path}")
            mine_t, theirs_t = [], []
            for k in range(args.repeat):
                tm, mine = run_hljgis(path, layers, Path(tmp) / "hljgis.gpkg", args.measure)
                la = load()
                tg, theirs = run_geopandas(path, layers, Path(tmp) / "gpd.gpkg", args.measure)
                lb = load()
                mine_t.append(tm)
                theirs_t.append(tg)
                kind = "cold" if k == 0 else "warm"
                print(f"  run {k + 1} ({kind}): hljgis {tm:.2f} s ({la}), geopandas {tg:.2f} s "
                      f"({lb}), ratio {tg / tm:.1f}x")
                if k == 0:
                    print(f"  {len(mine):,} sites; {compare(mine, theirs)}")
                mine = theirs = None
            if len(mine_t) > 1:
                wm, wg = statistics.median(mine_t[1:]), statistics.median(theirs_t[1:])
                print(f"  = warm median: hljgis {wm:.2f} s, geopandas {wg:.2f} s, "
                      f"ratio {wg / wm:.1f}x; cold ratio {theirs_t[0] / mine_t[0]:.1f}x")


if __name__ == "__main__":
    main()
