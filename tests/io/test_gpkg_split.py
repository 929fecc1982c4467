"""A layer written in two halves on two threads is the file GDAL writes in one go."""

import contextlib
import sqlite3

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from hljgis.io import gdal_nogil, gpkg_rows, gpkg_split, write_layer
from hljgis.io.arrow_layer import arrow_layer

pytestmark = pytest.mark.skipif(not gdal_nogil.available(),
                                reason="GDAL's C library not found in this process")


@pytest.fixture
def ranked():
    """Ranked parcels as the ranking writes them: text (Chinese, missing), floats with NaN,
    nullable ranks, booleans, one-ring polygons of many sizes."""
    n = 3001
    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 20_000, (n, 2)) + np.array([500_000.0, 5_000_000.0])
    sides = rng.integers(3, 9, n)
    geoms = [shapely.Polygon([(x + 20 * np.cos(a), y + 20 * np.sin(a))
                              for a in np.linspace(0, 2 * np.pi, k, endpoint=False)])
             for (x, y), k in zip(xy, sides, strict=True)]
    score = rng.uniform(0, 1, n)
    score[::7] = np.nan
    rank = pd.array(np.argsort(-score).argsort() + 1, dtype="Int64")
    rank[::7] = pd.NA
    names = pd.array([f"地块{i}" if i % 5 else None for i in range(n)], dtype="str")
    return gpd.GeoDataFrame({"site_id": [f"p{i:05d}" for i in range(n)], "name_zh": names,
                             "score": score, "rank": rank, "excluded": score < 0.1,
                             "city": "鸡西"}, geometry=geoms, crs="EPSG:4553")


@pytest.fixture
def split_small(monkeypatch):
    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 10)


@pytest.fixture
def gdal_rows(monkeypatch):
    """GDAL writes the rows (as where the C writer is not built)."""
    monkeypatch.setattr(gpkg_rows, "load", lambda: None)


def _count_native(monkeypatch) -> list:
    calls = []
    real = gpkg_rows.insert
    monkeypatch.setattr(gpkg_rows, "insert", lambda *a, **k: calls.append(a[0]) or real(*a, **k))
    return calls


def _rows(path, sql):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute(sql).fetchall()


def _one_go(gdf, path, name="ranked"):
    prepared = arrow_layer(gdf)
    pyogrio.write_arrow(prepared.table, path, layer=name, driver="GPKG",
                        geometry_name=prepared.geometry_name,
                        geometry_type=prepared.geometry_type, crs=prepared.crs)


@pytest.mark.parametrize("rows", ["C", "GDAL"])
@pytest.mark.parametrize("name", ["ranked", 'rank "甲"-1 x'])
def test_split_file_equals_the_one_gdal_writes(tmp_path, ranked, split_small, monkeypatch,
                                               name, rows):
    """Rows written by C (:mod:`hljgis.io.gpkg_rows`) or by GDAL: the same records."""
    if rows == "GDAL":
        monkeypatch.setattr(gpkg_rows, "load", lambda: None)
    native = _count_native(monkeypatch)
    calls = []
    real = gpkg_split.write_split
    monkeypatch.setattr(gpkg_split, "write_split",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    ours = write_layer(ranked, tmp_path / "ours.gpkg", layer_name=name)
    assert calls, "the split writer was not used"
    assert len(native) == (2 if rows == "C" else 0)  # both halves
    ref = tmp_path / "gdal.gpkg"
    _one_go(ranked, ref, name)
    q = name.replace('"', '""')
    for sql in ["SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
                f'SELECT * FROM "{q}" ORDER BY fid',
                f'SELECT * FROM "rtree_{q}_geom" ORDER BY id',
                "SELECT table_name, data_type, identifier, min_x, min_y, max_x, max_y, srs_id "
                "FROM gpkg_contents",
                "SELECT * FROM gpkg_ogr_contents", "SELECT * FROM gpkg_extensions",
                "SELECT * FROM gpkg_geometry_columns", "SELECT * FROM sqlite_sequence",
                "PRAGMA application_id", "PRAGMA user_version", "PRAGMA page_size"]:
        assert _rows(ours, sql) == _rows(ref, sql), sql
    assert _rows(ours, "PRAGMA integrity_check") == [("ok",)]
    rtree = "rtree_" + name.replace("'", "''") + "_geom"
    assert _rows(ours, f"SELECT rtreecheck('{rtree}')") == [("ok",)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["gdal.gpkg", "ours.gpkg"]


def test_the_side_file_has_large_pages(tmp_path, ranked, split_small, monkeypatch):
    """The side half is written with 64 KB SQLite pages (a sixteenth of the page writes),
    the layer's file keeps GDAL's."""
    seen = []
    real = gpkg_split._join

    def join(path, side, *a, **k):
        seen.append((_rows(path, "PRAGMA page_size"), _rows(side, "PRAGMA page_size"),
                     _rows(side, "SELECT count(*) FROM ranked")))
        return real(path, side, *a, **k)

    monkeypatch.setattr(gpkg_split, "_join", join)
    out = write_layer(ranked, tmp_path / "ours.gpkg", layer_name="ranked")
    ref = tmp_path / "gdal.gpkg"
    _one_go(ranked, ref)
    ((main_size, side_size, side_rows),) = seen
    assert side_size == [(gpkg_split.SIDE_PAGE_SIZE,)] and side_rows[0][0] > 1000
    assert main_size == _rows(ref, "PRAGMA page_size") != side_size
    assert _rows(out, "SELECT count(*) FROM ranked") == [(len(ranked),)]


def test_split_file_reads_back_and_answers_bbox_queries(tmp_path, ranked, split_small):
    path = write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    back = pyogrio.read_dataframe(path, fid_as_index=True)
    assert list(back.index) == list(range(1, len(ranked) + 1))
    pd.testing.assert_frame_equal(back.drop(columns="geometry").reset_index(drop=True),
                                  pd.DataFrame(ranked.drop(columns="geometry")),
                                  check_dtype=False)
    assert shapely.equals_exact(back.geometry.values, ranked.geometry.values, 0).all()
    rng = np.random.default_rng(8)
    for _ in range(20):
        x, y = rng.uniform(500_000, 520_000), rng.uniform(5_000_000, 5_020_000)
        bbox = (x, y, x + 700, y + 500)
        got = pyogrio.read_dataframe(path, bbox=bbox, columns=["site_id"])["site_id"]
        inside = shapely.intersects(ranked.geometry.values, shapely.box(*bbox))
        assert sorted(got) == sorted(ranked["site_id"][inside])


def test_a_failure_mid_write_keeps_the_old_file(tmp_path, ranked, split_small, monkeypatch):
    path = tmp_path / "r.gpkg"
    write_layer(ranked.iloc[:5], path, layer_name="ranked")
    before = path.read_bytes()

    def broken_join(*args, **kwargs):
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(gpkg_split, "_join", broken_join)
    with pytest.raises(sqlite3.OperationalError):
        write_layer(ranked, path, layer_name="ranked")
    assert path.read_bytes() == before  # no backup either: nothing replaced it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.gpkg"]


def test_a_failing_half_is_reported_and_leaves_nothing(tmp_path, ranked, split_small,
                                                       gdal_rows, monkeypatch):
    real = gdal_nogil.append_table

    def second_half_fails(table, path, **kwargs):
        if "fid" in table.column_names:
            raise OSError("no space left on device")
        return real(table, path, **kwargs)

    monkeypatch.setattr(gdal_nogil, "append_table", second_half_fails)
    with pytest.raises(OSError, match="no space"):
        write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    assert list(tmp_path.iterdir()) == []


def test_gdal_refusing_through_ctypes_falls_back_to_pyogrio(tmp_path, ranked, split_small,
                                                            monkeypatch):
    def refuse(*args, **kwargs):
        raise gdal_nogil.GdalError("refused")

    monkeypatch.setattr(gdal_nogil, "write_table", refuse)
    path = write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    assert len(pyogrio.read_dataframe(path)) == len(ranked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.gpkg"]


def test_an_unexpected_layer_table_falls_back_to_pyogrio(tmp_path, ranked, split_small,
                                                         monkeypatch):
    """Another GDAL might make the layer's table differently (no AUTOINCREMENT): the
    split refuses it and the layer is written GDAL's usual way, not lost."""
    real = gpkg_split._bulk_mode

    def other_gdal(path):
        with sqlite3.connect(path) as con:
            ((table,),) = con.execute("SELECT table_name FROM gpkg_geometry_columns")
            ((sql,),) = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
            gpkg_split._set_table_sql(con, table, sql.replace(" AUTOINCREMENT", ""))
        return real(path)

    monkeypatch.setattr(gpkg_split, "_bulk_mode", other_gdal)
    path = write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    assert len(pyogrio.read_dataframe(path)) == len(ranked)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.gpkg"]


def test_split_only_where_it_pays_and_is_safe(ranked, monkeypatch):
    table = arrow_layer(ranked).table
    assert not gpkg_split.usable(table, "geometry")  # 3001 rows: one go is quicker
    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 10)
    assert gpkg_split.usable(table, "geometry")
    with_fid = arrow_layer(ranked.assign(FID=np.arange(len(ranked)))).table
    assert not gpkg_split.usable(with_fid, "geometry")  # GDAL would take it for the ids
    monkeypatch.setattr(gpkg_split, "_sqlite_can", lambda: False)  # e.g. no R-tree module
    assert not gpkg_split.usable(table, "geometry")


def test_gdal_errors_carry_gdals_message(tmp_path, ranked):
    prepared = arrow_layer(ranked)
    with pytest.raises(gdal_nogil.GdalError, match="CRS"):
        gdal_nogil.write_table(prepared.table, tmp_path / "x.gpkg", layer="x",
                               geometry_name=prepared.geometry_name,
                               geometry_type=prepared.geometry_type, crs="EPSG:999999")


def test_gdal_appends_to_a_split_file_as_to_its_own(tmp_path, ranked, split_small):
    path = write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    one = ranked.iloc[:1].copy()
    one["site_id"] = "added"
    one.geometry = [shapely.box(600_000, 6_000_000, 600_010, 6_000_010)]
    pyogrio.write_dataframe(one, path, layer="ranked", driver="GPKG", append=True)
    back = pyogrio.read_dataframe(path, bbox=(599_999, 5_999_999, 600_011, 6_000_011),
                                  fid_as_index=True)
    assert list(back["site_id"]) == ["added"]
    assert list(back.index) == [len(ranked) + 1]  # the sequence went on from n
    assert _rows(path, "SELECT feature_count FROM gpkg_ogr_contents") == [(len(ranked) + 1,)]
    assert _rows(path, "SELECT rtreecheck('rtree_ranked_geom')") == [("ok",)]


def test_sqlite_refusing_c_rows_falls_back_to_gdal(tmp_path, ranked, split_small,
                                                    monkeypatch):
    real = gpkg_rows.insert

    def second_half_refused(path, *args, **kwargs):
        if args[-1] > 1:  # fid0 past 1: the second half, into the side file
            raise gpkg_rows.RowsError("insert: database or disk is full")
        return real(path, *args, **kwargs)

    monkeypatch.setattr(gpkg_rows, "insert", second_half_refused)
    path = write_layer(ranked, tmp_path / "r.gpkg", layer_name="ranked")
    back = pyogrio.read_dataframe(path)
    assert len(back) == len(ranked) and list(back["site_id"]) == list(ranked["site_id"])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.gpkg"]


def test_points_are_left_to_gdal(tmp_path, split_small, monkeypatch):
    """GDAL writes a point's blob without an envelope: the C writer keeps to polygons."""
    native = _count_native(monkeypatch)
    pts = gpd.GeoDataFrame({"v": np.arange(200.0)}, crs="EPSG:4553",
                           geometry=shapely.points(np.arange(200.0), np.arange(200.0)))
    path = write_layer(pts, tmp_path / "p.gpkg", layer_name="p")
    assert native == [] and len(pyogrio.read_dataframe(path)) == 200
