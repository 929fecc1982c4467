"""The Arrow fast path writes the same GeoPackage as pyogrio's own path, or steps aside."""

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from hljgis.analysis.candidates import cell_polygons, hex_cells, square_cells
from hljgis.io import write_layer
from hljgis.io.arrow_layer import arrow_layer, polygon_wkb
from hljgis.io.writers import write_gpkg_table

X0, Y0 = 500_000.0, 5_200_000.0


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_polygon_wkb_is_what_shapely_writes(shape):
    bounds = (X0, Y0, X0 + 5000, Y0 + 3000)
    centres = (square_cells if shape == "square" else hex_cells)(bounds, 250.0)
    geoms = cell_polygons(centres, 250.0, shape)
    got = polygon_wkb(geoms)
    assert got.to_pylist() == list(shapely.to_wkb(geoms))


def test_polygon_wkb_of_rings_of_any_length():
    rng = np.random.default_rng(7)
    pts = shapely.multipoints(rng.uniform(0, 5000, (300, 2)) + np.array([X0, Y0]))
    parcels = shapely.get_parts(shapely.voronoi_polygons(
        pts, extend_to=shapely.box(X0, Y0, X0 + 5000, Y0 + 5000)))
    assert len(np.unique(shapely.get_num_coordinates(parcels))) > 3
    got = polygon_wkb(parcels)
    assert got.to_pylist() == list(shapely.to_wkb(parcels))


def test_polygon_wkb_declines_holes_and_empties():
    square = shapely.box(0, 0, 10, 10)
    holed = shapely.Polygon(square.exterior.coords, [shapely.box(2, 2, 3, 3).exterior.coords])
    triangle = shapely.Polygon([(0, 0), (1, 0), (0, 1)])
    assert polygon_wkb(np.array([square, holed])) is None
    assert polygon_wkb(np.array([square, shapely.Polygon()])) is None
    assert polygon_wkb(np.array([square, triangle])).to_pylist() == \
        list(shapely.to_wkb([square, triangle]))


def _frame(crs="EPSG:4553"):
    rng = np.random.default_rng(3)
    n = 40
    geoms = cell_polygons(square_cells((X0, Y0, X0 + 1000, Y0 + 500), 100.0), 100.0)[:n]
    score = rng.uniform(0, 1, n)
    score[::7] = np.nan
    rank = pd.array(np.arange(1, n + 1), dtype="Int64")
    rank[::5] = pd.NA
    reason = pd.array(["", "active subsidence 活跃沉陷", None, "outside"] * 10, dtype="str")
    return gpd.GeoDataFrame({
        "site_id": np.arange(n, dtype=np.int64),
        "name_zh": np.array(["鹤岗", "鸡西", "七台河", "双鸭山"] * 10, dtype=object),
        "score": score,
        "rank": rank,
        "excluded": rng.uniform(0, 1, n) > 0.7,
        "exclusion_reason": reason,
        "small": np.arange(n, dtype=np.int16),
    }, geometry=geoms, crs=crs)


@pytest.mark.parametrize("crs", ["EPSG:4553", "+proj=tmerc +lon_0=131 +x_0=500000 +ellps=GRS80"])
def test_fast_path_writes_what_pyogrio_writes(tmp_path, crs):
    gdf = _frame(crs)
    assert arrow_layer(gdf) is not None
    write_gpkg_table(gdf, tmp_path / "fast.gpkg", "sites")
    pyogrio.write_dataframe(gdf, tmp_path / "ref.gpkg", layer="sites", driver="GPKG",
                            use_arrow=True)
    fast, ref = (pyogrio.read_info(tmp_path / f) for f in ("fast.gpkg", "ref.gpkg"))
    for key in ("fields", "dtypes", "geometry_type", "features"):
        assert np.array_equal(fast[key], ref[key]), key
    assert fast["crs"] == ref["crs"]
    a = pyogrio.read_dataframe(tmp_path / "fast.gpkg")
    b = pyogrio.read_dataframe(tmp_path / "ref.gpkg")
    pd.testing.assert_frame_equal(a.drop(columns="geometry"), b.drop(columns="geometry"))
    assert shapely.equals_exact(a.geometry.values, b.geometry.values, tolerance=0).all()
    assert a["name_zh"].tolist()[:4] == ["鹤岗", "鸡西", "七台河", "双鸭山"]


def test_write_layer_takes_the_fast_path_for_plain_frames(tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise AssertionError("write_dataframe should not be needed")

    monkeypatch.setattr(pyogrio, "write_dataframe", refuse)
    write_layer(_frame(), tmp_path / "r.gpkg")
    assert pyogrio.read_info(tmp_path / "r.gpkg")["features"] == 40


def _variants():
    g = _frame()
    mixed = g.copy()
    mixed.loc[0, "geometry"] = shapely.Point(X0, Y0)
    z = g.copy()
    z["geometry"] = shapely.force_3d(g.geometry.values)
    empty = g.copy()
    empty.loc[1, "geometry"] = shapely.Polygon()
    missing = g.copy()
    missing.loc[2, "geometry"] = None
    tz = g.copy()
    tz["when"] = pd.Timestamp("2025-01-01", tz="Asia/Shanghai")
    cat = g.copy()
    cat["kind"] = pd.Categorical(["a", "b"] * 20)
    obj = g.copy()
    obj["mixed"] = np.array([1, "x"] * 20, dtype=object)
    measured = g.copy()  # an ArcGIS PolygonM: x, y and a measure
    measured["geometry"] = shapely.from_wkt([
        "POLYGON M ((" + ", ".join(f"{float(x)!r} {float(y)!r} {k}" for k, (x, y) in enumerate(
            shapely.get_coordinates(p))) + "))" for p in g.geometry.values])
    return {"mixed types": mixed, "3-D": z, "empty": empty, "missing": missing,
            "time zone": tz, "categorical": cat, "mixed objects": obj, "M values": measured}


@pytest.mark.parametrize("case", list(_variants()))
def test_unusual_frames_go_through_pyogrio_and_still_read_back(tmp_path, case):
    gdf = _variants()[case]
    assert arrow_layer(gdf) is None
    write_layer(gdf, tmp_path / "u.gpkg")
    assert pyogrio.read_info(tmp_path / "u.gpkg")["features"] == len(gdf)


def test_measures_survive_the_write(tmp_path):
    from hljgis.io.gdal_frame import read_frame

    gdf = _variants()["M values"]
    write_layer(gdf, tmp_path / "m.gpkg")
    back = read_frame(tmp_path / "m.gpkg")  # pyogrio's own reader drops M
    assert shapely.has_m(back.geometry.values).all()
    assert (shapely.to_wkb(back.geometry.values) == shapely.to_wkb(gdf.geometry.values)).all()
