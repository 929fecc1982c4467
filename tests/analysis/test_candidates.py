"""Candidate sites: grid/hex cells cover the boundary, layer candidates and filters."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import CRS
from shapely.geometry import Polygon, box

from hljgis.analysis import filter_mask, grid_candidates, layer_candidates
from hljgis.core.errors import InputError

METRIC = CRS.from_epsg(4553)
X0, Y0 = 500_000.0, 5_150_000.0


def boundary() -> gpd.GeoDataFrame:
    """Two irregular neighbouring 'cities' (a pentagon and a triangle)."""
    a = Polygon([(X0, Y0), (X0 + 20_000, Y0), (X0 + 24_000, Y0 + 9_000),
                 (X0 + 10_000, Y0 + 17_000), (X0 - 3_000, Y0 + 8_000)])
    b = Polygon([(X0 + 20_000, Y0), (X0 + 35_000, Y0 + 2_000), (X0 + 24_000, Y0 + 9_000)])
    return gpd.GeoDataFrame({"city": ["Jixi", "Hegang"], "kind": ["district", "county"]},
                            geometry=[a, b], crs=METRIC)


@pytest.mark.parametrize("shape", ["square", "hex"])
def test_cells_cover_the_boundary(shape):
    bnd = boundary()
    cells = grid_candidates(bnd, 250, crs=METRIC, shape=shape)
    for city, poly in zip(bnd["city"], bnd.geometry, strict=True):
        mine = cells[cells["city"] == city]
        # centre rule: the cells' area matches the boundary's within about a cell row
        assert mine.area.sum() == pytest.approx(poly.area, rel=0.02)
        assert shapely.intersects_xy(poly, *shapely.get_coordinates(mine.centroid).T).all()
    assert cells["site_id"].tolist() == list(range(len(cells)))
    # no cell counted twice: cells never overlap
    assert shapely.union_all(cells.geometry.values).area == pytest.approx(cells.area.sum())


def test_hex_cells_have_the_right_area_and_spacing():
    cells = grid_candidates(boundary(), 400, crs=METRIC, shape="hex")
    np.testing.assert_allclose(cells.area, np.sqrt(3) / 2 * 400**2, rtol=1e-9)
    c = shapely.get_coordinates(cells.centroid)
    d = np.hypot(*(c[1:] - c[:-1]).T)
    assert np.isclose(d, 400).any() and (d > 400 - 1e-6).all()
    assert cells["site_type"].iloc[0] == "hex 400 m"


def test_square_cells_exact_size():
    cells = grid_candidates(boundary(), 1000, crs=METRIC, shape="square")
    np.testing.assert_allclose(cells.area, 1e6)


def test_grid_filter_and_reprojection():
    bnd = boundary().to_crs("EPSG:4490")
    cells = grid_candidates(bnd, 500, crs=METRIC, where={"field": "kind", "in": ["district"]})
    assert set(cells["city"]) == {"Jixi"} and cells.crs.equals(METRIC)


@pytest.mark.parametrize(("values", "want"), [
    ([10001.0, np.nan, 10003.0], ["10001", "parcels:1", "10003"]),  # integers with a NULL
    (pd.array([7, None, 9], dtype="Int64"), ["7", "parcels:1", "9"]),
    (["DK1", None, "DK3"], ["DK1", "parcels:1", "DK3"]),
    ([1.5, 2.0, 3.0], ["1.5", "2.0", "3.0"]),  # true decimals stay as they are
    (np.array([5, 6, 7]), ["5", "6", "7"]),
], ids=["float-integers", "Int64", "text", "decimals", "int64"])
def test_site_ids_from_bureau_id_fields(values, want):
    """An integer id field with NULLs reaches pandas as floats: ids keep their integer
    form, and a missing id gets the site's row, never NaN."""
    g = gpd.GeoDataFrame({"dkbh": values}, geometry=[box(X0, Y0, X0 + 10, Y0 + 10)] * 3,
                         crs=METRIC)
    out = layer_candidates(g, crs=METRIC, source="parcels", id_field="dkbh")
    assert out["site_id"].tolist() == want
    assert out["dkbh"].isna().sum() == g["dkbh"].isna().sum()  # the field itself is kept


def test_bad_cell_size_refused():
    with pytest.raises(InputError, match="positive"):
        grid_candidates(boundary(), 0, crs=METRIC)
    with pytest.raises(InputError, match="larger cell size"):
        grid_candidates(boundary(), 1, crs=METRIC)


def test_layer_candidates_keep_id_city_type():
    g = gpd.GeoDataFrame(
        {"name": ["x", "y", "z"], "city": ["Jixi", "Hegang", "Jixi"],
         "status": ["cleared", "planned", "cleared"]},
        geometry=[box(X0, Y0, X0 + 10, Y0 + 10)] * 3, crs=METRIC)
    out = layer_candidates(g, crs=METRIC, source="shanty_sites", id_field="name",
                           where={"field": "status", "in": ["cleared"]})
    assert out["site_id"].tolist() == ["x", "z"]
    assert out["city"].tolist() == ["Jixi", "Jixi"]
    assert (out["site_type"] == "shanty_sites").all()
    default = layer_candidates(g, crs=METRIC, source="shanty_sites")
    assert default["site_id"].tolist() == ["shanty_sites:0", "shanty_sites:1", "shanty_sites:2"]
    with pytest.raises(InputError, match=r"no polygons or points \(linestring\)"):
        layer_candidates(gpd.GeoDataFrame(geometry=g.boundary, crs=METRIC), crs=METRIC)


def test_filter_ops_and_messages():
    df = pd.DataFrame({"lead": ["coal;graphite", "green_food", None],
                       "y": [2010, 2030, np.nan], "s": ["opened", "planned", "opened"]})
    assert filter_mask(df, {"field": "lead", "contains": "graphite"}).tolist() == [
        True, False, False]
    assert filter_mask(df, {"field": "y", "op": ">", "value": "$year"},
                       year=2020).tolist() == [False, True, False]
    assert filter_mask(df, [{"field": "s", "in": ["opened"]},
                            {"field": "y", "op": "<=", "value": 2010}]).tolist() == [
        True, False, False]
    assert filter_mask(df, {"field": "s", "not_in": ["planned"]}).tolist() == [
        True, False, True]
    with pytest.raises(ValueError, match="field 'nope' not found"):
        filter_mask(df, {"field": "nope", "in": [1]})
    with pytest.raises(ValueError, match="op '=~'"):
        filter_mask(df, {"field": "y", "op": "=~", "value": 1})
    with pytest.raises(ValueError, match=r"\$year"):
        filter_mask(df, {"field": "y", "op": ">", "value": "$year"})


def test_geometry_collections_among_candidates_are_named():
    g = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, crs=METRIC, geometry=[
        box(X0, Y0, X0 + 10, Y0 + 10),
        shapely.GeometryCollection([box(X0, Y0, X0 + 5, Y0 + 5), shapely.Point(X0, Y0)]),
        box(X0 + 20, Y0, X0 + 30, Y0 + 10)])
    with pytest.raises(InputError, match=r"holds geometrycollection features .*features 2\)"):
        layer_candidates(g, crs=METRIC, source="parcels")
    g.loc[1, "geometry"] = shapely.LineString([(X0, Y0), (X0 + 1, Y0 + 1)])
    with pytest.raises(InputError, match="mixes lines"):
        layer_candidates(g, crs=METRIC, source="parcels")
