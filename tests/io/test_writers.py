"""Writers: GeoPackage, GeoJSON (always WGS84), CSV (Excel-friendly UTF-8)."""

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from hljgis.core.errors import InputError
from hljgis.io import read_file, write_layer


@pytest.fixture
def seats():
    points = [shapely.Point(130.298, 47.35), shapely.Point(130.969, 45.295)]
    gdf = gpd.GeoDataFrame({"名称": ["鹤岗", "鸡西"]}, geometry=points, crs="EPSG:4490")
    return gdf.to_crs("EPSG:4553")


@pytest.mark.parametrize("ext", [".gpkg", ".geojson", ".csv"])
def test_written_files_read_back(tmp_path, seats, ext):
    path = write_layer(seats, tmp_path / f"seats{ext}")
    [layer] = read_file(path, assume_crs="EPSG:4490")
    assert list(layer.gdf["名称"]) == ["鹤岗", "鸡西"]
    back = layer.gdf.to_crs("EPSG:4490").geometry
    assert shapely.get_x(back.values) == pytest.approx([130.298, 130.969], abs=1e-6)


def test_geojson_is_wgs84_and_csv_has_a_bom(tmp_path, seats):
    write_layer(seats, tmp_path / "s.geojson")
    assert pyogrio.read_info(tmp_path / "s.geojson")["crs"] == "EPSG:4326"
    write_layer(seats, tmp_path / "s.csv")
    raw = (tmp_path / "s.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "鹤岗".encode() in raw


def test_overwrite_keeps_backup_and_unknown_format_is_refused(tmp_path, seats):
    path = tmp_path / "s.gpkg"
    write_layer(seats, path)
    write_layer(seats.iloc[:1], path)
    assert len(pyogrio.read_dataframe(path)) == 1
    assert len(pyogrio.read_dataframe(tmp_path / "s.bak.gpkg")) == 2
    with pytest.raises(InputError, match="cannot write '.kml'"):
        write_layer(seats, tmp_path / "s.kml")


@pytest.mark.parametrize("links", [True, False])
def test_backup_is_the_old_file_and_stays_apart_from_the_new_one(tmp_path, seats, monkeypatch,
                                                                  links):
    import os

    if not links:  # FAT or a network share: the backup is copied instead
        def no_link(*a, **k):
            raise OSError("links not supported")
        monkeypatch.setattr(os, "link", no_link)
    path = tmp_path / "s.gpkg"
    write_layer(seats, path)
    old = path.read_bytes()
    write_layer(seats.iloc[:1], path)
    bak = tmp_path / "s.bak.gpkg"
    assert bak.read_bytes() == old
    assert not os.path.samefile(bak, path)
    assert os.stat(path).st_nlink == 1
    # a third save moves the backup on; nothing else is left in the folder
    write_layer(seats, path)
    assert len(pyogrio.read_dataframe(bak)) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.bak.gpkg", "s.gpkg"]


def test_large_layers_get_large_pages_and_read_back(tmp_path, monkeypatch):
    import sqlite3

    import numpy as np

    from hljgis.io import writers

    monkeypatch.setattr(writers, "LARGE_LAYER", 50)
    xs = np.arange(60, dtype=float)
    gdf = gpd.GeoDataFrame({"v": xs}, geometry=shapely.points(xs, xs), crs="EPSG:4553")
    write_layer(gdf, tmp_path / "big.gpkg")
    write_layer(gdf.iloc[:10], tmp_path / "small.gpkg")

    def page_size(p):
        with sqlite3.connect(p) as con:
            assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
            return con.execute("pragma page_size").fetchone()[0]

    assert page_size(tmp_path / "big.gpkg") == 65536
    assert page_size(tmp_path / "small.gpkg") == 4096
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_PRAGMA") is None
    back = pyogrio.read_dataframe(tmp_path / "big.gpkg")
    assert back["v"].tolist() == xs.tolist()
    # the spatial index is there and answers a bounding-box query
    assert len(pyogrio.read_dataframe(tmp_path / "big.gpkg", bbox=(9.5, 9.5, 20.5, 20.5))) == 11


def test_writers_in_two_threads_take_turns_and_restore_gdal_options(tmp_path, seats):
    """GDAL config options are process-wide: overlapping writers used to leave SQLite syncs
    off (or a page size set) after both had finished."""
    import threading

    from hljgis.io.atomic import fast_sqlite_writes

    inside, overlaps = [], []
    barrier = threading.Barrier(2)

    def writer(k, large):
        barrier.wait()
        with fast_sqlite_writes(large=large):
            inside.append(k)
            overlaps.append(len(inside))
            want = "page_size=65536" if large else None
            assert pyogrio.get_gdal_config_option("OGR_SQLITE_PRAGMA") == want
            write_layer(seats, tmp_path / f"s{k}.gpkg")
            inside.remove(k)

    threads = [threading.Thread(target=writer, args=(k, k == 0)) for k in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert overlaps == [1, 1]
    for key in ("OGR_SQLITE_SYNCHRONOUS", "OGR_SQLITE_JOURNAL", "OGR_SQLITE_PRAGMA"):
        assert pyogrio.get_gdal_config_option(key) is None
    assert all(len(pyogrio.read_dataframe(tmp_path / f"s{k}.gpkg")) == 2 for k in range(2))


@pytest.mark.parametrize("rows", [5, 300])  # below and past the split writer's threshold
@pytest.mark.parametrize("fields", [
    {"fid": np.arange(300) % 7},  # a GeoJSON's repeated "fid": not unique ids
    {"FID": np.arange(300)},  # a Shapefile's FID from 0: unique, yet an attribute
    {"fid": [f"x{i}" for i in range(300)]},
    {"geom": ["land"] * 300},  # a text field named like GDAL's geometry column
    {"GEOM": ["land"] * 300, "Fid": np.arange(300) * 1.5},
], ids=["fid-repeated", "FID-unique", "fid-text", "geom", "GEOM-and-Fid"])
def test_fields_named_fid_or_geom_stay_attributes(tmp_path, monkeypatch, fields, rows):
    from hljgis.io import gpkg_split

    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 100)
    x = np.arange(300) * 10.0
    gdf = gpd.GeoDataFrame({"a": np.arange(300), **fields},
                           geometry=shapely.box(x, 0, x + 5, 5), crs="EPSG:4553").iloc[:rows]
    path = tmp_path / "out.gpkg"
    write_layer(gdf, path)
    back = pyogrio.read_dataframe(path, fid_as_index=True)
    np.testing.assert_array_equal(back.index, np.arange(1, rows + 1))  # ids 1..n
    for name in ["a", *fields]:
        np.testing.assert_array_equal(back[name].to_numpy(), gdf[name].to_numpy())
    assert shapely.equals_exact(back.geometry.values, gdf.geometry.values).all()
    near = pyogrio.read_dataframe(path, bbox=(0, 0, 22, 5), fid_as_index=True)
    assert near.index.tolist() == [1, 2, 3]


@pytest.mark.parametrize("rows", [5, 300])
def test_field_names_equal_but_for_case_are_kept_apart(tmp_path, monkeypatch, rows):
    """A Shapefile's RANK and SCORE beside the ranking's rank and score, a GeoJSON's name
    and NAME: GeoPackage names are case-insensitive, so the later one is renamed."""
    from hljgis.io import gpkg_split

    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 100)
    x = np.arange(300) * 10.0
    gdf = gpd.GeoDataFrame({"rank": np.arange(300), "score": 0.5, "RANK": np.arange(300) % 7,
                            "Score": "high", "RANK_1": 1, "name": "a", "NAME": "b"},
                           geometry=shapely.box(x, 0, x + 5, 5), crs="EPSG:4553").iloc[:rows]
    path = tmp_path / "out.gpkg"
    write_layer(gdf, path)
    back = pyogrio.read_dataframe(path)
    assert list(back.columns) == ["rank", "score", "RANK_2", "Score_1", "RANK_1", "name",
                                  "NAME_1", "geometry"]
    assert back["RANK_2"].tolist() == gdf["RANK"].tolist()
    assert back["NAME_1"].tolist() == ["b"] * rows and back["rank"].tolist() == list(range(rows))
