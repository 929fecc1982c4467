"""gdal_frame.read_frame: the same frame pyogrio's Arrow reader gives, made another way."""

import gc
import json

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
import shapely

from hljgis.io.gdal_frame import gc_paused, read_frame


def _write(tmp_path, **extra):
    geoms = [shapely.box(0, 0, 1, 1), None, shapely.Point(2, 3),
             shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (1, 2)]])]
    cols = {"score": [0.5, np.nan, 2.5, 3.5], "name": ["鹤岗", None, "b", "c"],
            "n": np.array([1, 2, 3, 4], dtype=np.int32), **extra}
    path = tmp_path / "t.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(cols, geometry=geoms, crs="EPSG:4552"), path)
    return path


@pytest.mark.parametrize("columns", [["score"], ["score", "name", "n", "flag"], [], None])
@pytest.mark.parametrize("arrow", [True, False])
def test_same_frame_as_pyogrio(tmp_path, columns, arrow):
    path = _write(tmp_path, flag=pd.array([True, None, False, True], dtype="boolean"),
                  big=pd.array([1, None, 3, 2**40], dtype="Int64"))
    ours = read_frame(path, use_arrow=arrow, columns=columns)
    theirs = pyogrio.read_dataframe(path, columns=columns, use_arrow=arrow)
    assert list(ours.columns) == list(theirs.columns)
    assert ours.crs == theirs.crs
    pd.testing.assert_frame_equal(pd.DataFrame(ours.drop(columns="geometry")),
                                  pd.DataFrame(theirs.drop(columns="geometry")))
    assert list(shapely.to_wkb(ours.geometry.values)) == list(
        shapely.to_wkb(theirs.geometry.values))
    assert ours.geometry.isna().tolist() == [False, True, False, False]


@pytest.mark.parametrize("suffix", [".geojson"])
def test_other_formats(tmp_path, suffix):
    path = _write(tmp_path)
    other = tmp_path / f"t{suffix}"
    pyogrio.write_dataframe(pyogrio.read_dataframe(path), other)
    ours, theirs = read_frame(other, use_arrow=False), pyogrio.read_dataframe(other)
    pd.testing.assert_frame_equal(pd.DataFrame(ours.drop(columns="geometry")),
                                  pd.DataFrame(theirs.drop(columns="geometry")))
    assert list(shapely.to_wkb(ours.geometry.values)) == list(
        shapely.to_wkb(theirs.geometry.values))


def test_dates_are_left_to_pyogrio(tmp_path):
    when = pd.to_datetime(["2020-01-02 03:04:05", None, "2021-05-06 00:00:00",
                           "2022-07-08 12:00:00"])
    path = _write(tmp_path, surveyed=when)
    ours = read_frame(path, columns=["surveyed"])
    theirs = pyogrio.read_dataframe(path, columns=["surveyed"], use_arrow=True)
    pd.testing.assert_series_equal(ours["surveyed"], theirs["surveyed"])
    assert ours["surveyed"].dtype.kind == "M"


def test_empty_layer(tmp_path):
    path = tmp_path / "e.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame({"score": []}, geometry=[], crs="EPSG:4552"),
                            path, geometry_type="Polygon")
    gdf = read_frame(path, columns=["score"])
    assert len(gdf) == 0 and gdf.crs == "EPSG:4552" and list(gdf.columns) == ["score",
                                                                             "geometry"]


def test_gc_paused_restores_the_collector():
    assert gc.isenabled()
    with pytest.raises(ZeroDivisionError), gc_paused():
        assert not gc.isenabled()
        1 / 0  # noqa: B018
    assert gc.isenabled()


def test_small_batches_give_the_whole_frame(tmp_path, monkeypatch):
    """Small batches, parsed one after another: the frame is pyogrio's."""
    from hljgis.io import gdal_frame

    rng = np.random.default_rng(3)
    xy = rng.uniform(0, 1000, (1000, 2))
    path = tmp_path / "many.gpkg"
    pyogrio.write_dataframe(gpd.GeoDataFrame(
        {"k": np.arange(1000), "name": [f"p{i}" for i in range(1000)]},
        geometry=shapely.box(xy[:, 0], xy[:, 1], xy[:, 0] + 5, xy[:, 1] + 5),
        crs="EPSG:4552"), path)
    monkeypatch.setattr(gdal_frame, "BATCH", 64)
    ours = read_frame(path)
    theirs = pyogrio.read_dataframe(path, use_arrow=True)
    pd.testing.assert_frame_equal(pd.DataFrame(ours.drop(columns="geometry")),
                                  pd.DataFrame(theirs.drop(columns="geometry")))
    assert list(shapely.to_wkb(ours.geometry.values)) == list(
        shapely.to_wkb(theirs.geometry.values))


@pytest.mark.parametrize("parser", ["from_wkb", "coordinate arrays"])
def test_a_failing_batch_stops_the_read(tmp_path, monkeypatch, parser):
    """Whichever way a batch's geometries are built (GEOS parsing each record, or plain
    polygons from coordinate arrays, io.wkb_arrays), a failure stops the read there."""
    from hljgis.io import gdal_frame, wkb_arrays

    path = _write(tmp_path)
    monkeypatch.setattr(gdal_frame, "BATCH", 1)
    calls = []

    def failing_second(real):
        def call(wkb, *a, **kw):
            calls.append(len(wkb))
            if len(calls) == 2:
                raise shapely.errors.GEOSException("bad WKB")
            return real(wkb, *a, **kw)
        return call

    if parser == "from_wkb":
        monkeypatch.setattr(wkb_arrays, "geometries", lambda column: None)
        monkeypatch.setattr(gdal_frame.shapely, "from_wkb", failing_second(shapely.from_wkb))
    else:
        monkeypatch.setattr(wkb_arrays, "geometries", failing_second(wkb_arrays.geometries))
    with pytest.raises(shapely.errors.GEOSException, match="bad WKB"):
        read_frame(path)
    assert len(calls) == 2  # no batch parsed after the failing one


def test_gdal_warnings_while_reading_become_python_warnings(tmp_path):
    """GDAL's warnings reach pyogrio's handler (a RuntimeWarning on the caller's thread),
    not GDAL's default one writing to stderr."""
    path = tmp_path / "text.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"a": 1},
         "geometry": {"type": "Point", "coordinates": [130.1, 45.2]}},
        {"type": "Feature", "properties": {"a": 2}, "geometry": "POINT (130.2 45.3)"}]}))
    with pytest.warns(RuntimeWarning, match="Unsupported geometry type"):
        frame = read_frame(path)
    assert frame.geometry.isna().tolist() == [False, True]
