"""Polygons read from Arrow WKB through coordinate arrays are shapely.from_wkb's, byte for
byte; any record that is not plain leaves the batch to from_wkb."""

from __future__ import annotations

import struct

import geopandas as gpd
import numpy as np
import pyarrow as pa
import pytest
import shapely

from hljgis.io import wkb_arrays
from hljgis.io.gdal_frame import read_frame


def test_the_set_up_built_the_walker_and_it_loads():
    assert wkb_arrays.LIBRARY.exists(), "run make setup (it builds _wkb_arrays.so)"
    assert wkb_arrays.load() is not None


def _polygons(rng, n: int) -> list:
    """Polygons of both orientations, some with holes, an empty one, a degenerate sliver."""
    out = []
    for i in range(n):
        x, y = rng.uniform(0, 50_000, 2) + np.array([39_500_000.0, 5_000_000.0])
        k = int(rng.integers(3, 12))
        ang = np.sort(rng.uniform(0, 2 * np.pi, k))
        shell = np.column_stack([x + 40 * np.cos(ang), y + 40 * np.sin(ang)])
        if i % 3 == 0:
            shell = shell[::-1]
        holes = [np.column_stack([x + 5 * np.cos(ang[:3]), y + 5 * np.sin(ang[:3])])] \
            if i % 7 == 0 else []
        out.append(shapely.Polygon(shell, holes))
    out[5] = shapely.Polygon()
    out[6] = shapely.Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])  # zero area
    return out


def _check(column: pa.Array) -> np.ndarray:
    got = wkb_arrays.geometries(column)
    assert got is not None
    want = shapely.from_wkb(column.to_numpy(zero_copy_only=False))
    assert np.array_equal(shapely.is_missing(got), shapely.is_missing(want))
    keep = ~shapely.is_missing(want)
    assert (shapely.get_type_id(got[keep]) == shapely.get_type_id(want[keep])).all()
    assert (shapely.to_wkb(got[keep]) == shapely.to_wkb(want[keep])).all()
    return got


def test_polygons_with_nulls_and_slices_are_from_wkb_s():
    geoms = _polygons(np.random.default_rng(1), 500)
    wkb = [shapely.to_wkb(g) for g in geoms]
    wkb[9] = wkb[17] = None
    column = pa.array(wkb, pa.binary())
    got = _check(column)
    assert got[9] is None and shapely.is_empty(got[5])
    _check(column.slice(13, 300))  # an offset into the buffers and the validity bitmap
    _check(pa.array(wkb, pa.large_binary()))


def test_multipolygons_are_from_wkb_s():
    polys = _polygons(np.random.default_rng(2), 300)
    multis = [shapely.MultiPolygon([p for p in polys[i:i + 1 + i % 3] if not p.is_empty])
              for i in range(0, 290)]
    multis[3] = shapely.MultiPolygon()
    _check(pa.array([shapely.to_wkb(g) for g in multis], pa.binary()))


def test_polygons_and_multipolygons_in_one_batch_are_from_wkb_s():
    """A Shapefile's polygon layer: one-part features as polygons, others multipolygons."""
    polys = _polygons(np.random.default_rng(4), 400)
    mixed = [p if i % 3 else shapely.MultiPolygon([p, shapely.box(0, 0, 1, 1)])
             for i, p in enumerate(polys) if not p.is_empty]
    wkb = [shapely.to_wkb(g) for g in mixed] + [None]
    got = _check(pa.array(wkb, pa.binary()))
    assert set(shapely.get_type_id(got[:-1])) == {3, 6} and got[-1] is None


def _ring_polygon(coords: list[tuple[float, float]]) -> bytes:
    """Little-endian WKB of a one-ring polygon with exactly these points."""
    body = struct.pack("<I", len(coords)) + b"".join(struct.pack("<2d", *c) for c in coords)
    return struct.pack("<BII", 1, 3, 1) + body


@pytest.mark.parametrize("odd", [
    "z", "big-endian", "unclosed", "three-point", "point", "trailing", "truncated"])
def test_records_that_are_not_plain_leave_the_batch_to_from_wkb(odd):
    square = shapely.box(0, 0, 1, 1)
    records = [shapely.to_wkb(square)] * 3
    extra = {
        "z": shapely.to_wkb(shapely.Polygon([(0, 0, 1), (1, 0, 1), (1, 1, 1), (0, 0, 1)])),
        "big-endian": shapely.to_wkb(square, byte_order=0),
        "unclosed": _ring_polygon([(0, 0), (1, 0), (1, 1), (0, 1)]),
        "three-point": _ring_polygon([(0, 0), (1, 0), (0, 0)]),
        "point": shapely.to_wkb(shapely.Point(1, 2)),
        "trailing": shapely.to_wkb(square) + b"\x00",
        "truncated": shapely.to_wkb(square)[:-8],
    }[odd]
    assert wkb_arrays.geometries(pa.array([*records, extra], pa.binary())) is None


def test_the_reader_builds_polygons_from_arrays_and_equals_geopandas(tmp_path, monkeypatch):
    """read_frame through the arrays (counted) gives geopandas' frame, for polygons and
    for a file mixing polygons and multipolygons; without the library too."""
    geoms = _polygons(np.random.default_rng(3), 2000)
    path = tmp_path / "parcels.gpkg"
    gpd.GeoDataFrame({"n": np.arange(len(geoms))}, geometry=geoms,
                     crs="EPSG:4553").to_file(path)
    mixed = tmp_path / "mixed.gpkg"
    gpd.GeoDataFrame({"n": np.arange(4)}, geometry=[
        shapely.box(0, 0, 1, 1), shapely.MultiPolygon([shapely.box(2, 2, 3, 3)]), None,
        shapely.box(5, 5, 6, 6)], crs="EPSG:4553").to_file(mixed, promote_to_multi=False)
    calls = []
    real = wkb_arrays.geometries
    monkeypatch.setattr(wkb_arrays, "geometries",
                        lambda c: calls.append(r := real(c)) or r)
    for file in (path, mixed):
        ours = read_frame(file)
        theirs = gpd.read_file(file)
        keep = ~theirs.geometry.isna().to_numpy()
        assert np.array_equal(ours.geometry.isna().to_numpy(), ~keep)
        assert (shapely.to_wkb(ours.geometry.values[keep])
                == shapely.to_wkb(theirs.geometry.values[keep])).all()
        assert ours["n"].tolist() == theirs["n"].tolist()
    assert len(calls) == 2 and all(c is not None for c in calls)
    monkeypatch.setattr(wkb_arrays, "load", lambda: None)
    assert (shapely.to_wkb(read_frame(path).geometry.values)
            == shapely.to_wkb(gpd.read_file(path).geometry.values)).all()
