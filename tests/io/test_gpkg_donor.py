"""A ranked copy of a whole candidate file reuses its R-tree, only when it fits exactly."""

import contextlib
import os
import sqlite3

import geopandas as gpd
import numpy as np
import pyogrio
import pytest
import shapely

from hljgis.analysis.candidates import read_candidates
from hljgis.io import gdal_nogil, gpkg_donor, gpkg_split, source_wkb, write_layer
from hljgis.io.arrow_layer import arrow_layer

pytestmark = pytest.mark.skipif(not gdal_nogil.available(),
                                reason="GDAL's C library not found in this process")
X0, Y0 = 500_000.0, 5_200_000.0


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    monkeypatch.setattr(gpkg_split, "SPLIT_ROWS", 10)
    source_wkb.forget_all()
    yield
    source_wkb.forget_all()


def _candidates(tmp_path, n=2500):
    rng = np.random.default_rng(4)
    pts = shapely.multipoints(rng.uniform(0, 8000, (n, 2)) + np.array([X0, Y0]))
    geoms = shapely.get_parts(shapely.voronoi_polygons(
        pts, extend_to=shapely.box(X0, Y0, X0 + 8000, Y0 + 8000)))
    gdf = gpd.GeoDataFrame({"pid": [f"P{i}" for i in range(len(geoms))]}, geometry=geoms,
                           crs="EPSG:4553")
    path = tmp_path / "cands.gpkg"
    pyogrio.write_dataframe(gdf, path, layer="cands")
    return path


def _ranked(cands):
    out = cands.copy()
    out["score"] = np.linspace(0, 1, len(out))
    return out


def _rows(path, sql):
    with contextlib.closing(sqlite3.connect(path)) as con:
        return con.execute(sql).fetchall()


@pytest.fixture
def donations(monkeypatch):
    used = []
    real = gpkg_donor.donor_index

    def spy(origin, bounds):
        found = real(origin, bounds)
        used.append(found)
        return found

    monkeypatch.setattr(gpkg_split, "donor_index", spy)
    return used


def test_whole_file_in_order_reuses_its_index(tmp_path, donations):
    src = _candidates(tmp_path)
    cands = read_candidates(str(src))
    ranked = _ranked(cands)
    out = write_layer(ranked, tmp_path / "ranked.gpkg", layer_name="ranked")
    assert donations and donations[0] is not None
    # the index is the one GDAL builds for these features, and valid
    ref = tmp_path / "ref.gpkg"
    prepared = arrow_layer(ranked)
    pyogrio.write_arrow(prepared.table, ref, layer="ranked", driver="GPKG",
                        geometry_name=prepared.geometry_name,
                        geometry_type=prepared.geometry_type, crs=prepared.crs)
    entries = "SELECT * FROM rtree_ranked_geom ORDER BY id"
    assert _rows(out, entries) == _rows(ref, entries)
    assert _rows(out, "SELECT rtreecheck('rtree_ranked_geom')") == [("ok",)]
    assert _rows(out, "PRAGMA integrity_check") == [("ok",)]
    schema = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"
    assert _rows(out, schema) == _rows(ref, schema)
    bbox = (X0 + 1000, Y0 + 2000, X0 + 1600, Y0 + 2400)
    got = pyogrio.read_dataframe(out, bbox=bbox)["pid"]
    inside = shapely.intersects(ranked.geometry.values, shapely.box(*bbox))
    assert sorted(got) == sorted(ranked["pid"][inside])


def test_subsets_and_reorderings_build_their_own_index(tmp_path, donations):
    cands = read_candidates(str(_candidates(tmp_path)))
    write_layer(_ranked(cands).iloc[::-1], tmp_path / "rev.gpkg", layer_name="r")
    write_layer(_ranked(cands).iloc[5:], tmp_path / "sub.gpkg", layer_name="r")
    assert donations == [None, None]
    for name in ("rev.gpkg", "sub.gpkg"):
        assert _rows(tmp_path / name, "SELECT rtreecheck('rtree_r_geom')") == [("ok",)]
    back = pyogrio.read_dataframe(tmp_path / "rev.gpkg", bbox=(X0, Y0, X0 + 500, Y0 + 500))
    inside = shapely.intersects(cands.geometry.values, shapely.box(X0, Y0, X0 + 500, Y0 + 500))
    assert sorted(back["pid"]) == sorted(cands["pid"][inside])


def test_a_file_changed_since_it_was_read_is_not_trusted(tmp_path, donations):
    src = _candidates(tmp_path)
    cands = read_candidates(str(src))
    more = gpd.GeoDataFrame({"pid": ["new"]}, geometry=[shapely.box(X0, Y0, X0 + 1, Y0 + 1)],
                            crs="EPSG:4553")
    pyogrio.write_dataframe(more, src, layer="cands", append=True)
    os.utime(src, ns=(1, 1))  # even with the old time back, the size tells
    write_layer(_ranked(cands), tmp_path / "ranked.gpkg", layer_name="ranked")
    assert donations == [None]


def test_ids_with_gaps_are_refused(tmp_path):
    src = _candidates(tmp_path)
    cands = read_candidates(str(src))
    origin = arrow_layer(_ranked(cands)).origin
    assert origin is not None
    bounds = shapely.bounds(cands.geometry.values)
    assert gpkg_donor.donor_index(origin, bounds) is not None
    assert gpkg_donor.donor_index(origin, bounds + 1.0) is None  # not the file's boxes
    with contextlib.closing(sqlite3.connect(src)) as con:
        con.execute("UPDATE gpkg_ogr_contents SET feature_count = feature_count - 1")
        con.commit()
    stamp = source_wkb.Origin.stamp_of(str(src))
    changed = source_wkb.Origin(origin.path, origin.layer, stamp)
    assert gpkg_donor.donor_index(changed, bounds) is None
