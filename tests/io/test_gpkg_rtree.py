"""The numpy-packed R-tree: GDAL's cells, SQLite-valid, answers bbox queries as GDAL's."""

import contextlib
import sqlite3

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from hljgis.io.gpkg_rtree import MAX_CELLS, fill_tables, pack, register_index, rtree_name


def _boxes(n, seed=3):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(-2000, 2000, (n, 2)) + np.array([0.0, 5_000_000.0])
    size = rng.uniform(0.01, 40, (n, 2))
    return shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + size[:, 0], xy[:, 1] + size[:, 1])


def _gpkg(path, geoms, index):
    gdf = gpd.GeoDataFrame({"v": np.arange(len(geoms))}, geometry=geoms, crs="EPSG:4553")
    pyogrio.write_dataframe(gdf, path, layer="t", driver="GPKG",
                            layer_options={"SPATIAL_INDEX": "YES" if index else "NO"})


def _ours(path, geoms):
    _gpkg(path, geoms, index=False)
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as con:
        con.execute("BEGIN")
        fill_tables(con, rtree_name("t", "geom"), shapely.bounds(geoms))
        register_index(con, "t", "geom")
        con.execute("COMMIT")


def _rows(path, sql):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute(sql).fetchall()


@pytest.mark.parametrize("n", [1, MAX_CELLS, MAX_CELLS + 1, 3000])
def test_index_is_gdals_and_valid(tmp_path, n):
    geoms = _boxes(n)
    ref, ours = tmp_path / "gdal.gpkg", tmp_path / "ours.gpkg"
    _gpkg(ref, geoms, index=True)
    _ours(ours, geoms)
    assert _rows(ours, "SELECT rtreecheck('rtree_t_geom')") == [("ok",)]
    assert _rows(ours, "PRAGMA integrity_check") == [("ok",)]
    # cells rounded outwards exactly as SQLite/GDAL round them; same triggers, extension
    entries = "SELECT * FROM rtree_t_geom ORDER BY id"
    assert _rows(ours, entries) == _rows(ref, entries)
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    assert _rows(ours, schema) == _rows(ref, schema)
    assert _rows(ours, "SELECT * FROM gpkg_extensions") == _rows(ref, "SELECT * FROM "
                                                                 "gpkg_extensions")
    depth = _rows(ours, "SELECT data FROM rtree_t_geom_node WHERE nodeno = 1")[0][0][:2]
    assert int.from_bytes(depth, "big") == (0 if n <= MAX_CELLS else 1 if n <= 51**2 else 2)


def test_bbox_queries_find_what_brute_force_finds(tmp_path):
    geoms = _boxes(5000, seed=11)
    path = tmp_path / "ours.gpkg"
    _ours(path, geoms)
    rng = np.random.default_rng(5)
    for _ in range(25):
        x, y = rng.uniform(-2000, 2000), rng.uniform(4_998_000, 5_002_000)
        bbox = (x, y, x + rng.uniform(1, 300), y + rng.uniform(1, 300))
        got = pyogrio.read_dataframe(path, bbox=bbox, columns=["v"])["v"].to_numpy()
        expected = np.flatnonzero(shapely.intersects(geoms, shapely.box(*bbox)))
        assert sorted(got) == list(expected)
        # and through SQLite's own R-tree query
        hits = _rows(path, f"SELECT id FROM rtree_t_geom WHERE maxx >= {bbox[0]} AND "
                           f"minx <= {bbox[2]} AND maxy >= {bbox[1]} AND miny <= {bbox[3]}")
        assert set(expected + 1) <= {h for (h,) in hits}


def test_gdal_keeps_the_index_up_to_date_when_it_edits(tmp_path):
    geoms = _boxes(400)
    path = tmp_path / "ours.gpkg"
    _ours(path, geoms)
    extra = gpd.GeoDataFrame({"v": [999]}, geometry=[shapely.box(9000, 9000, 9001, 9001)],
                             crs="EPSG:4553")
    pyogrio.write_dataframe(extra, path, layer="t", driver="GPKG", append=True)
    found = pyogrio.read_dataframe(path, bbox=(8999, 8999, 9002, 9002))
    assert list(found["v"]) == [999]
    assert _rows(path, "SELECT rtreecheck('rtree_t_geom')") == [("ok",)]


def test_bounds_must_be_finite():
    with pytest.raises(ValueError):
        pack(np.array([[0.0, 0.0, np.nan, 1.0]]))
    with pytest.raises(ValueError):
        pack(np.zeros((0, 4)))
