"""Geometries read from a file are written back with the file's own WKB, exactly."""

import gc
import sqlite3

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pyogrio
import pytest
import shapely

from hljgis.analysis.candidates import read_candidates
from hljgis.io import source_wkb, write_layer
from hljgis.io.arrow_layer import arrow_layer

X0, Y0 = 500_000.0, 5_200_000.0


def _parcels(n=300, seed=7):
    rng = np.random.default_rng(seed)
    pts = shapely.multipoints(rng.uniform(0, 5000, (n, 2)) + np.array([X0, Y0]))
    return shapely.get_parts(shapely.voronoi_polygons(
        pts, extend_to=shapely.box(X0, Y0, X0 + 5000, Y0 + 5000)))


def _holed_multi():
    outer = shapely.box(X0, Y0, X0 + 100, Y0 + 100)
    holed = shapely.Polygon(outer.exterior.coords,
                            [shapely.box(X0 + 10, Y0 + 10, X0 + 20, Y0 + 20).exterior.coords])
    return np.array([shapely.MultiPolygon([holed, shapely.box(X0 + 200, Y0, X0 + 300,
                                                              Y0 + 50)]),
                     shapely.MultiPolygon([shapely.box(X0, Y0 + 200, X0 + 10, Y0 + 210)])])


@pytest.fixture(autouse=True)
def _clean():
    source_wkb.forget_all()
    yield
    source_wkb.forget_all()


def _file(tmp_path, geoms, name="parcels.gpkg"):
    gdf = gpd.GeoDataFrame({"pid": [f"P{i}" for i in range(len(geoms))],
                            "use": np.where(np.arange(len(geoms)) % 3 == 0, "工业", "vacant")},
                           geometry=geoms, crs="EPSG:4553")
    path = tmp_path / name
    pyogrio.write_dataframe(gdf, path, layer="parcels")
    return path, gdf


@pytest.mark.parametrize("kind", ["parcels", "holed multipolygons"])
def test_file_wkb_is_what_shapely_writes(tmp_path, kind):
    geoms = _parcels() if kind == "parcels" else _holed_multi()
    path, _ = _file(tmp_path, geoms)
    got = read_candidates(str(path))
    found = source_wkb.lookup(np.asarray(got.geometry.array))
    assert found is not None
    assert found.kind == (3 if kind == "parcels" else 6)
    # canonical WKB: bit for bit what shapely would have built for the parsed geometries
    assert found.wkb.to_pylist() == list(shapely.to_wkb(np.asarray(got.geometry.array)))


def test_lookup_follows_subsets_and_refuses_edited_rows(tmp_path):
    path, _ = _file(tmp_path, _parcels())
    got = read_candidates(str(path))
    geoms = np.asarray(got.geometry.array)
    rows = np.array([5, 2, 2, 299, 0])
    sub = source_wkb.lookup(geoms[rows])
    assert sub is not None and sub.wkb.to_pylist() == list(shapely.to_wkb(geoms[rows]))
    # an equal but different object is another geometry as far as the lookup goes
    edited = geoms.copy()
    edited[7] = shapely.from_wkb(shapely.to_wkb(edited[7]))
    assert source_wkb.lookup(edited) is None
    moved = geoms.copy()
    moved[3] = shapely.affinity.translate(moved[3], 1.0)
    assert source_wkb.lookup(moved) is None


def test_a_source_lives_as_long_as_the_frame_read(tmp_path):
    path, _ = _file(tmp_path, _parcels(20))
    got = read_candidates(str(path))
    geoms = np.asarray(got.geometry.array)
    assert source_wkb.lookup(geoms) is not None
    del got
    gc.collect()
    assert source_wkb.lookup(geoms) is None


def test_non_canonical_wkb_is_not_kept():
    geoms = _parcels(5)
    big = pa.array(shapely.to_wkb(geoms, byte_order=0))  # big-endian
    assert not source_wkb.remember(geoms, geoms, big)
    z = shapely.force_3d(geoms)
    assert not source_wkb.remember(z, z, pa.array(shapely.to_wkb(z)))
    with_null = pa.array([*shapely.to_wkb(geoms[:4]), None], type=pa.binary())
    assert not source_wkb.remember(geoms, geoms, with_null)
    assert source_wkb.remember(geoms, geoms, pa.array(shapely.to_wkb(geoms)))


def _read_back(path):
    frame = pyogrio.read_dataframe(path)
    return frame, pyogrio.read_info(path)


@pytest.mark.parametrize("kind", ["parcels", "holed multipolygons"])
def test_written_file_holds_the_geometries_and_every_field(tmp_path, kind, monkeypatch):
    geoms = _parcels() if kind == "parcels" else _holed_multi()
    path, ref = _file(tmp_path, geoms)
    read = read_candidates(str(path))  # kept: its WKB lives as long as it does
    got = read.iloc[::-1].reset_index(drop=True)  # reordered: the lookup takes rows
    got["score"] = np.linspace(0, 1, len(got))
    got["rank"] = np.arange(1, len(got) + 1, dtype=np.int64)
    prepared = arrow_layer(got)
    assert prepared.geometry_type == ("Polygon" if kind == "parcels" else "MultiPolygon")
    built = []
    monkeypatch.setattr("hljgis.io.arrow_layer.polygon_wkb",
                        lambda g: built.append(1) or None)
    out = tmp_path / "ranked.gpkg"
    write_layer(got, out, layer_name="ranked")
    assert not built  # the file's WKB went to GDAL; none was rebuilt
    back, info = _read_back(out)
    assert info["crs"] == "EPSG:4553" and info["features"] == len(got)
    assert info["geometry_type"] == prepared.geometry_type
    assert list(back.columns) == ["pid", "use", "score", "rank", "geometry"]
    assert back["pid"].tolist() == ref["pid"].tolist()[::-1]
    assert back["use"].tolist() == ref["use"].tolist()[::-1]
    np.testing.assert_array_equal(back["score"], got["score"])
    np.testing.assert_array_equal(back["rank"], got["rank"])
    assert list(shapely.to_wkb(back.geometry.values)) == \
        list(shapely.to_wkb(geoms[::-1]))
    with sqlite3.connect(out) as db:  # the spatial index is there and complete
        (n,) = db.execute("SELECT count(*) FROM rtree_ranked_geom").fetchone()
        ext = db.execute("SELECT extension_name FROM gpkg_extensions "
                         "WHERE table_name = 'ranked'").fetchall()
        (ok,) = db.execute("PRAGMA integrity_check").fetchone()
    assert n == len(got) and ("gpkg_rtree_index",) in ext and ok == "ok"
    # a bounding-box read (GDAL goes through the R-tree) finds the rows it should
    (x, y), = shapely.get_coordinates(shapely.point_on_surface(geoms[0]))
    box = (x - 1.0, y - 1.0, x + 1.0, y + 1.0)
    hit = pyogrio.read_dataframe(out, bbox=box)
    want = shapely.intersects(np.asarray(got.geometry.array), shapely.box(*box))
    assert 0 < want.sum() < len(got)
    assert sorted(hit["pid"]) == sorted(got["pid"][want])


def test_edited_geometries_are_written_as_edited(tmp_path):
    path, _ = _file(tmp_path, _parcels(30))
    got = read_candidates(str(path))
    got.loc[4, "geometry"] = shapely.affinity.translate(got.geometry.iloc[4], 10.0)
    out = tmp_path / "edited.gpkg"
    write_layer(got, out)
    back, _ = _read_back(out)
    assert list(shapely.to_wkb(back.geometry.values)) == \
        list(shapely.to_wkb(np.asarray(got.geometry.array)))
