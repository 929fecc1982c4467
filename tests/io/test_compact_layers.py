"""Rankings stored compactly in the project file (io.compact_layers): exact round trips,
the size bound, references to candidate layers and the fallbacks to a full copy."""

from __future__ import annotations

import json
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from hljgis.analysis import run_scenario
from hljgis.core.layer import VectorLayer
from hljgis.core.project import Project
from hljgis.io import compact_layers
from hljgis.io.project_file import load_project, save_project

CRS = "EPSG:4553"
X0, Y0 = 400_000.0, 5_000_000.0


def _data(width: float, height: float, seed: int = 0) -> dict[str, gpd.GeoDataFrame]:
    rng = np.random.default_rng(seed)

    def pts(k):
        return shapely.points(X0 + rng.uniform(0, width, k), Y0 + rng.uniform(0, height, k))

    subs = shapely.buffer(pts(8), rng.uniform(200, 800, 8))
    return {
        "area": gpd.GeoDataFrame({"city": ["Bench"]},
                                 geometry=[shapely.box(X0, Y0, X0 + width, Y0 + height)],
                                 crs=CRS),
        "stations": gpd.GeoDataFrame({"status": ["opened"] * 5}, geometry=pts(5), crs=CRS),
        "parks": gpd.GeoDataFrame({"lead": ["x"] * 4}, geometry=shapely.buffer(pts(4), 600),
                                  crs=CRS),
        "subsidence": gpd.GeoDataFrame({"stable_from_year": rng.integers(2000, 2040, 8)},
                                       geometry=subs, crs=CRS),
    }


def _scenario(candidates: dict, shape: str = "square") -> dict:
    if candidates.get("kind") == "grid":
        candidates = {**candidates, "shape": shape}
    return {
        "name": "t-run", "planning_year": 2025, "candidates": candidates,
        "criteria": [
            {"name": "station", "kind": "distance", "layer": "stations", "weight": 2,
             "transform": {"kind": "fuzzy_decreasing", "a": 500, "b": 8000}},
            {"name": "park", "kind": "distance", "layer": "parks", "weight": 1,
             "transform": {"kind": "linear", "lo": 0, "hi": 5000, "benefit": False}},
        ],
        "constraints": [
            {"name": "unstable", "kind": "outside", "layer": "subsidence", "reason": "unstable",
             "where": [{"field": "stable_from_year", "op": ">", "value": "$year"}]},
        ],
    }


def _project(data) -> Project:
    project = Project(crs=CRS)
    for name, gdf in data.items():
        project.add_layer(VectorLayer(gdf, name))
    return project


def _storage(path, name) -> dict | None:
    with sqlite3.connect(path) as con:
        settings = json.loads(con.execute("SELECT json FROM hljgis_project").fetchone()[0])
    return next(e for e in settings["layers"] if e["name"] == name).get("storage")


def _assert_same(a: gpd.GeoDataFrame, b: gpd.GeoDataFrame, exact_types: bool = True) -> None:
    """Same columns and values, geometry bit for bit (a plain GPKG table, the full copy,
    reads the nullable rank back as float: ``exact_types=False``)."""
    assert list(a.columns) == list(b.columns)
    pd.testing.assert_frame_equal(pd.DataFrame(a.drop(columns="geometry")),
                                  pd.DataFrame(b.drop(columns="geometry")),
                                  check_dtype=exact_types)
    assert a.crs.equals(b.crs)
    assert compact_layers.same_shapes(np.asarray(a.geometry.array),
                                      np.asarray(b.geometry.array))


@pytest.fixture
def compact_all(monkeypatch):
    monkeypatch.setattr(compact_layers, "COMPACT_FROM", 1)


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_grid_ranking_round_trip_is_exact(tmp_path, compact_all, shape):
    data = _data(6000, 4000)
    project = _project(data)
    result = run_scenario(data, _scenario({"kind": "grid", "layer": "area", "size_m": 100},
                                          shape))
    layer = result.layer()
    project.add_layer(layer)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    storage = _storage(path, layer.name)
    assert storage["kind"] == "grid" and storage["shape"] == shape
    # derived columns are recipes, not stored: norm_ from raw_, contrib_ from norm_, score
    # from base_score, rank from score
    rebuilt = {r["column"] for r in storage["recipes"]}
    assert {"norm_station", "contrib_station", "rank"} <= rebuilt
    assert {"score", "base_score"} & rebuilt  # one from the other
    with sqlite3.connect(path) as con:  # no polygon table for the ranking
        assert con.execute("SELECT count(*) FROM sqlite_master WHERE name = ?",
                           (layer.name,)).fetchone()[0] == 0
    again = load_project(path)
    _assert_same(again.layer(layer.name).gdf, layer.gdf)
    # the generated cells themselves, bit for bit
    cells = result.inputs.cells
    assert compact_layers.same_shapes(np.asarray(again.layer(layer.name).gdf.geometry.array),
                                      cells.polygons())
    assert again.layer_names() == project.layer_names()
    # saved again as compactly: the reopened layer still knows its grid and recipes
    save_project(again, tmp_path / "q.hljgis.gpkg")
    again_storage = _storage(tmp_path / "q.hljgis.gpkg", layer.name)

    def plain(st: dict) -> tuple:
        return ({k: v for k, v in st.items() if k != "recipes"},
                sorted(json.dumps(r, sort_keys=True) for r in st["recipes"]))

    assert plain(again_storage) == plain(storage)
    assert (tmp_path / "q.hljgis.gpkg").stat().st_size <= path.stat().st_size + 4096
    _assert_same(load_project(tmp_path / "q.hljgis.gpkg").layer(layer.name).gdf, layer.gdf)


def test_a_50k_cell_ranking_adds_little_to_the_file(tmp_path):
    """50k cells: the full copy (attributes + polygons) costs ~18 MB; compact < 3 MB."""
    data = _data(25_000, 20_000)  # 100 m cells: 50,000
    project = _project(data)
    base = tmp_path / "base.hljgis.gpkg"
    save_project(project, base)
    result = run_scenario(data, _scenario({"kind": "grid", "layer": "area", "size_m": 100}))
    assert len(result.gdf) == 50_000
    project.add_layer(result.layer())
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    grown = path.stat().st_size - base.stat().st_size
    assert grown < 3 * 2**20, f"{grown / 2**20:.1f} MB"
    full = tmp_path / "full.gpkg"
    pyogrio.write_dataframe(result.gdf, full, layer="r", driver="GPKG")
    assert full.stat().st_size > 4 * grown


def test_edited_cells_are_saved_whole(tmp_path, compact_all):
    data = _data(3000, 2000)
    project = _project(data)
    layer = run_scenario(data, _scenario({"kind": "grid", "layer": "area",
                                          "size_m": 100})).layer()
    project.add_layer(layer)
    gdf = layer.gdf.copy()
    geoms = np.asarray(gdf.geometry.array).copy()
    geoms[3] = shapely.affinity.translate(geoms[3], 1e-3, 0)  # a moved cell
    gdf = gdf.set_geometry(gpd.array.from_shapely(geoms, crs=gdf.crs))
    layer.set_data(gdf)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    assert _storage(path, layer.name) is None
    _assert_same(load_project(path).layer(layer.name).gdf, gdf, exact_types=False)


def test_small_rankings_stay_plain_tables(tmp_path):
    data = _data(3000, 2000)
    project = _project(data)
    layer = run_scenario(data, _scenario({"kind": "grid", "layer": "area",
                                          "size_m": 100})).layer()
    project.add_layer(layer)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    assert _storage(path, layer.name) is None  # 600 cells: QGIS can show them
    assert len(pyogrio.read_dataframe(path, layer=layer.name)) == len(layer.gdf)


def _parcels(n: int = 400, seed: int = 1) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    x = X0 + rng.uniform(0, 5800, n)
    y = Y0 + rng.uniform(0, 3800, n)
    geoms = shapely.buffer(shapely.points(x, y), rng.uniform(20, 80, n), quad_segs=3)
    return gpd.GeoDataFrame({"parcel": [f"P{i}" for i in range(n)],
                             "area_ha": rng.uniform(1, 9, n)}, geometry=geoms, crs=CRS)


def test_layer_candidates_keep_a_reference(tmp_path, compact_all):
    data = {**_data(6000, 4000), "parcels": _parcels()}
    project = _project(data)
    result = run_scenario(project, _scenario({"kind": "layer", "layer": "parcels",
                                              "where": {"field": "area_ha", "op": ">",
                                                        "value": 3}}), crs=CRS)
    layer = result.layer()
    project.add_layer(layer)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    storage = _storage(path, layer.name)
    assert storage["kind"] == "reference" and storage["layer"] == "parcels"
    again = load_project(path)
    _assert_same(again.layer(layer.name).gdf, layer.gdf)
    assert len(again.layer(layer.name).gdf) < len(data["parcels"])  # the filter held


def test_a_changed_candidate_layer_makes_a_copy(tmp_path, compact_all):
    data = {**_data(6000, 4000), "parcels": _parcels()}
    project = _project(data)
    result = run_scenario(project, _scenario({"kind": "layer", "layer": "parcels"}), crs=CRS)
    layer = result.layer()
    project.add_layer(layer)
    # the planner redraws the parcels after the run: the ranking keeps its own polygons
    cand = project.layer("parcels")
    moved = cand.gdf.copy()
    moved = moved.set_geometry(moved.geometry.translate(5, 5))
    cand.set_data(moved)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    assert _storage(path, layer.name) is None
    again = load_project(path)
    _assert_same(again.layer(layer.name).gdf, layer.gdf, exact_types=False)
    # and a candidate layer removed from the project: a copy too
    project.remove_layer("parcels")
    save_project(project, tmp_path / "q.hljgis.gpkg")
    assert _storage(tmp_path / "q.hljgis.gpkg", layer.name) is None


def test_a_missing_blob_is_reported_as_damage(tmp_path, compact_all):
    from hljgis.core.errors import InputError

    data = _data(3000, 2000)
    project = _project(data)
    project.add_layer(run_scenario(data, _scenario({"kind": "grid", "layer": "area",
                                                    "size_m": 100})).layer())
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    with sqlite3.connect(path) as con:
        con.execute("DELETE FROM hljgis_compact")
    with pytest.raises(InputError, match="damaged.*rank_t_run.*hljgis_compact"):
        load_project(path)


def test_a_project_of_only_a_compact_ranking(tmp_path, compact_all):
    """No layer written by GDAL first: the compact table creates the GeoPackage itself."""
    data = _data(3000, 2000)
    layer = run_scenario(data, _scenario({"kind": "grid", "layer": "area",
                                          "size_m": 100})).layer()
    project = Project(crs=CRS)
    project.add_layer(layer)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    assert _storage(path, layer.name)["kind"] == "grid"
    with sqlite3.connect(path) as con:
        assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    _assert_same(load_project(path).layer(layer.name).gdf, layer.gdf)


def test_columns_parquet_would_change_keep_the_layer_whole(tmp_path, compact_all):
    data = _data(3000, 2000)
    project = _project(data)
    layer = run_scenario(data, _scenario({"kind": "grid", "layer": "area",
                                          "size_m": 100})).layer()
    layer.gdf["surveyed"] = pd.Timestamp("2026-05-01")  # a date: stays a plain table
    project.add_layer(layer)
    path = tmp_path / "p.hljgis.gpkg"
    save_project(project, path)
    assert _storage(path, layer.name) is None
    assert len(load_project(path).layer(layer.name).gdf) == len(layer.gdf)
